//! Property tests of the SPC chart family (SPEC §12a).

use proptest::prelude::*;
use ragstatus::spc::{ChartType, Exclusion, SpcSettings, spc_chart};
use ragstatus::{Decimal, ErrorKind};

fn settings(chart: ChartType) -> SpcSettings {
    SpcSettings {
        chart,
        ..SpcSettings::default()
    }
}

/// Counts with their denominators (events ≤ denominator, so that P charts accept them).
fn counts() -> impl Strategy<Value = (Vec<Decimal>, Vec<Decimal>)> {
    prop::collection::vec((0i64..500, 1i64..2000), 2..40).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(y, extra)| (Decimal::from(y), Decimal::from(y + extra)))
            .unzip()
    })
}

fn attribute_chart() -> impl Strategy<Value = ChartType> {
    prop_oneof![
        Just(ChartType::P),
        Just(ChartType::PPrime),
        Just(ChartType::U),
        Just(ChartType::UPrime),
    ]
}

proptest! {
    #[test]
    fn limits_are_symmetric_before_clamping((y, n) in counts(), chart in attribute_chart()) {
        let result = spc_chart::<&str>(&y, Some(&n), None, &settings(chart)).unwrap();
        let ceiling = matches!(chart, ChartType::P | ChartType::PPrime).then_some(Decimal::ONE);
        for p in &result.points {
            let (Some(lo), Some(hi)) = (p.lower_process_limit, p.upper_process_limit) else {
                continue;
            };
            prop_assert!(lo <= p.mean && p.mean <= hi);
            if lo > Decimal::ZERO && Some(hi) != ceiling {
                prop_assert_eq!(hi - p.mean, p.mean - lo, "point {}", p.index);
            }
        }
    }

    #[test]
    fn smaller_denominators_give_wider_limits((y, n) in counts(), chart in attribute_chart()) {
        let result = spc_chart::<&str>(&y, Some(&n), None, &settings(chart)).unwrap();
        for a in &result.points {
            for b in &result.points {
                if let (Some(na), Some(nb), Some(ua), Some(ub), Some(la), Some(lb)) = (
                    a.denominator,
                    b.denominator,
                    a.upper_process_limit,
                    b.upper_process_limit,
                    a.lower_process_limit,
                    b.lower_process_limit,
                ) && na < nb
                {
                    prop_assert!(ua >= ub && la <= lb, "{} vs {}", a.index, b.index);
                }
            }
        }
    }

    #[test]
    fn c_chart_limits_are_symmetric(y in prop::collection::vec(0i64..10_000, 1..40)) {
        let y: Vec<Decimal> = y.into_iter().map(Decimal::from).collect();
        let result = spc_chart::<&str>(&y, None, None, &settings(ChartType::C)).unwrap();
        let segment = &result.segments[0].limits;
        if let (Some(lo), Some(hi)) = (segment.lower_process_limit, segment.upper_process_limit)
            && lo > Decimal::ZERO
        {
            // Symmetric to a Decimal's precision: a centre with 28 significant digits plus or
            // minus the half-width is rounded to 28 digits, which can differ in the last one.
            let gap = ((hi - segment.mean) - (segment.mean - lo)).abs();
            prop_assert!(gap <= Decimal::new(1, 24), "{hi} and {lo} around {}", segment.mean);
        }
    }

    #[test]
    fn run_chart_signals_survive_a_monotone_transform(
        y in prop::collection::vec(-50i64..50, 1..60)
    ) {
        let plain: Vec<Decimal> = y.iter().copied().map(Decimal::from).collect();
        // y ↦ y³ + 2y is strictly increasing: the order of the values, and so every side of
        // the median, is kept.
        let cubed: Vec<Decimal> = y.iter().map(|&v| Decimal::from(v * v * v + 2 * v)).collect();
        let s = settings(ChartType::Run);
        let a = spc_chart::<&str>(&plain, None, None, &s).unwrap();
        let b = spc_chart::<&str>(&cubed, None, None, &s).unwrap();
        prop_assert_eq!(&a.segments[0].runs, &b.segments[0].runs);
        let types = |r: &ragstatus::SpcResult| {
            r.points.iter().map(|p| p.point_type).collect::<Vec<_>>()
        };
        prop_assert_eq!(types(&a), types(&b));
    }

    #[test]
    fn no_chart_panics(
        y in prop::collection::vec(-1000i64..1000, 0..30),
        n in prop::option::of(prop::collection::vec(-5i64..1000, 0..30)),
        chart in prop_oneof![
            Just(ChartType::Xmr), Just(ChartType::Run), Just(ChartType::P),
            Just(ChartType::PPrime), Just(ChartType::U), Just(ChartType::UPrime),
            Just(ChartType::C), Just(ChartType::G), Just(ChartType::T),
        ],
        excluded in prop::collection::vec(0usize..30, 0..3),
        rebase in prop::collection::vec(0usize..30, 0..3),
    ) {
        let y: Vec<Decimal> = y.into_iter().map(Decimal::from).collect();
        let n: Option<Vec<Decimal>> = n.map(|n| n.into_iter().map(Decimal::from).collect());
        let mut exclude: Vec<Exclusion> = Vec::new();
        for at in excluded {
            if !exclude.iter().any(|e| e.at == at) {
                exclude.push(Exclusion { at, reason: "test".into() });
            }
        }
        let s = SpcSettings { chart, exclude, rebase_at: rebase, ..SpcSettings::default() };
        match spc_chart::<&str>(&y, n.as_deref(), None, &s) {
            Ok(result) => prop_assert_eq!(result.points.len(), y.len()),
            Err(e) => prop_assert!(matches!(
                e.kind(),
                ErrorKind::Definition { .. } | ErrorKind::InvalidValue { .. } | ErrorKind::Length { .. }
            ), "{e}"),
        }
    }
}
