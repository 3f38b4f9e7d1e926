//! Property tests of SPC (SPEC §12) and benchmarking (SPEC §8).

use proptest::prelude::*;
use ragstatus::benchmarking::{BenchmarkSettings, benchmark};
use ragstatus::spc::{
    Assurance, Improvement, PointType, SpcResult, SpcSettings, XmrLimits, spc, xmr_limits,
};
use ragstatus::{Decimal, ErrorKind, Polarity};

/// Values with up to 3 decimals and up to 7 integer digits: far from Decimal's 28 digits, so
/// every decision ragstatus takes on them is the exact rational one.
fn value() -> impl Strategy<Value = Decimal> {
    (-9_999_999_999i64..=9_999_999_999, 0u32..=3).prop_map(|(m, s)| Decimal::new(m, s))
}

fn series() -> impl Strategy<Value = Vec<Decimal>> {
    prop::collection::vec(value(), 0..40)
}

fn settings() -> impl Strategy<Value = SpcSettings> {
    (
        prop_oneof![
            Just(Improvement::Increase),
            Just(Improvement::Decrease),
            Just(Improvement::Neutral)
        ],
        any::<bool>(),
        any::<bool>(),
        5usize..=8,
        5usize..=8,
        prop::option::of(12usize..=20),
        prop::collection::vec(0usize..40, 0..3),
    )
        .prop_map(
            |(improvement, screen, count_outside, shift, trend, fix_after, rebase)| SpcSettings {
                improvement,
                screen_outliers: screen,
                two_of_three_counts_outside: count_outside,
                shift_length: shift,
                trend_length: trend,
                fix_after,
                rebase_at: rebase,
                ..SpcSettings::default()
            },
        )
}

/// Rebase points must fall inside the series.
fn fit(mut settings: SpcSettings, len: usize) -> SpcSettings {
    settings.rebase_at.retain(|&i| i < len);
    settings
}

fn close(a: Option<Decimal>, b: Option<Decimal>) -> bool {
    match (a, b) {
        // The mean and half-widths are rounded at Decimal's 28th significant digit.
        (Some(a), Some(b)) => {
            (a - b).abs() <= Decimal::new(1, 18) * (Decimal::ONE + a.abs() + b.abs())
        }
        (None, None) => true,
        _ => false,
    }
}

fn limits_close(a: &XmrLimits, b: &XmrLimits) -> bool {
    close(Some(a.mean), Some(b.mean))
        && close(a.lower_process_limit, b.lower_process_limit)
        && close(a.upper_process_limit, b.upper_process_limit)
        && close(a.lower_two_sigma, b.lower_two_sigma)
        && close(a.upper_two_sigma, b.upper_two_sigma)
}

fn shifted(l: &XmrLimits, c: Decimal, f: Decimal) -> XmrLimits {
    let map = |v: Decimal| v * f + c;
    XmrLimits {
        mean: map(l.mean),
        lower_process_limit: l.lower_process_limit.map(map),
        upper_process_limit: l.upper_process_limit.map(map),
        lower_two_sigma: l.lower_two_sigma.map(map),
        upper_two_sigma: l.upper_two_sigma.map(map),
        ..l.clone()
    }
}

fn types(r: &SpcResult) -> Vec<PointType> {
    r.points.iter().map(|p| p.point_type).collect()
}

fn swap(t: PointType) -> PointType {
    match t {
        PointType::SpecialCauseImprovement => PointType::SpecialCauseConcern,
        PointType::SpecialCauseConcern => PointType::SpecialCauseImprovement,
        other => other,
    }
}

proptest! {
    #[test]
    fn limits_are_translation_equivariant(values in series(), c in value(), s in settings()) {
        let s = fit(s, values.len());
        let moved: Vec<Decimal> = values.iter().map(|v| v + c).collect();
        let (a, b) = (spc(&values, &s).unwrap(), spc(&moved, &s).unwrap());
        prop_assert_eq!(a.segments.len(), b.segments.len());
        for (x, y) in a.segments.iter().zip(&b.segments) {
            prop_assert!(limits_close(&shifted(&x.limits, c, Decimal::ONE), &y.limits),
                "{:?} + {} vs {:?}", x.limits, c, y.limits);
            prop_assert_eq!(x.limits.mean_moving_range, y.limits.mean_moving_range);
        }
        // Every decision is exact on these values, so the labels do not move either.
        prop_assert_eq!(types(&a), types(&b));
    }

    #[test]
    fn limits_are_scale_equivariant(
        values in series(),
        f in (1i64..=9_999, 0u32..=2).prop_map(|(m, s)| Decimal::new(m, s)),
        s in settings(),
    ) {
        let s = fit(s, values.len());
        let scaled: Vec<Decimal> = values.iter().map(|v| v * f).collect();
        let (a, b) = (spc(&values, &s).unwrap(), spc(&scaled, &s).unwrap());
        for (x, y) in a.segments.iter().zip(&b.segments) {
            prop_assert!(limits_close(&shifted(&x.limits, Decimal::ZERO, f), &y.limits),
                "{:?} x {} vs {:?}", x.limits, f, y.limits);
        }
        prop_assert_eq!(types(&a), types(&b));
    }

    #[test]
    fn xmr_limits_translate(values in prop::collection::vec(value(), 2..30), c in value()) {
        let moved: Vec<Decimal> = values.iter().map(|v| v + c).collect();
        let (a, b) = (xmr_limits(&values, true).unwrap(), xmr_limits(&moved, true).unwrap());
        prop_assert!(limits_close(&shifted(&a, c, Decimal::ONE), &b));
    }

    #[test]
    fn constant_series_has_no_special_cause(v in value(), n in 0usize..40, s in settings()) {
        let s = fit(s, n);
        let result = spc(&vec![v; n], &s).unwrap();
        prop_assert!(result.points.iter().all(|p| p.point_type == PointType::CommonCause));
        prop_assert!(result.signals.is_empty());
        for seg in &result.segments {
            prop_assert!(seg.limits.upper_process_limit.is_none_or(|u| u == v));
        }
    }

    #[test]
    fn reversing_polarity_swaps_improvement_and_concern(
        values in series(),
        s in settings(),
        target in prop::option::of(value()),
    ) {
        let s = SpcSettings { improvement: Improvement::Increase, target, ..fit(s, values.len()) };
        let up = spc(&values, &s).unwrap();
        let down = spc(&values, &SpcSettings { improvement: Improvement::Decrease, ..s.clone() }).unwrap();
        let neutral = spc(&values, &SpcSettings { improvement: Improvement::Neutral, ..s }).unwrap();
        prop_assert_eq!(types(&down), types(&up).into_iter().map(swap).collect::<Vec<_>>());
        let swapped = up.assurance.map(|a| match a {
            Assurance::ConsistentPass => Assurance::ConsistentFail,
            Assurance::ConsistentFail => Assurance::ConsistentPass,
            Assurance::Inconsistent => Assurance::Inconsistent,
        });
        prop_assert_eq!(down.assurance, swapped);
        prop_assert_eq!(neutral.assurance, None);
        for (u, n) in up.points.iter().zip(&neutral.points) {
            let expected = match u.point_type {
                PointType::SpecialCauseImprovement => PointType::SpecialCauseNeutralHigh,
                PointType::SpecialCauseConcern => PointType::SpecialCauseNeutralLow,
                other => other,
            };
            prop_assert_eq!(n.point_type, expected);
        }
    }

    #[test]
    fn variation_icon_is_the_last_point(values in series(), s in settings()) {
        let s = fit(s, values.len());
        let result = spc(&values, &s).unwrap();
        prop_assert_eq!(result.variation, result.points.last().map(|p| p.point_type));
    }

    #[test]
    fn no_input_panics(
        raw in prop::collection::vec((any::<u32>(), any::<u32>(), any::<u32>(), any::<bool>(), 0u32..=28), 0..30),
        shift in 0usize..10,
        trend in 0usize..10,
        fix_after in prop::option::of(0usize..30),
        rebase in prop::collection::vec(0usize..40, 0..4),
        screen in any::<bool>(),
        target in prop::option::of((any::<u32>(), any::<u32>(), any::<u32>(), any::<bool>(), 0u32..=28)),
    ) {
        let values: Vec<Decimal> = raw
            .into_iter()
            .map(|(lo, mid, hi, neg, scale)| Decimal::from_parts(lo, mid, hi, neg, scale))
            .collect();
        let settings = SpcSettings {
            shift_length: shift,
            trend_length: trend,
            fix_after,
            rebase_at: rebase,
            screen_outliers: screen,
            target: target.map(|(lo, mid, hi, neg, scale)| Decimal::from_parts(lo, mid, hi, neg, scale)),
            ..SpcSettings::default()
        };
        if let Err(e) = spc(&values, &settings) {
            prop_assert!(
                matches!(e.kind(), ErrorKind::Overflow { .. } | ErrorKind::Definition { .. }),
                "{e}"
            );
        }
    }

    #[test]
    fn benchmark_ranks_are_consistent(
        actual in value(),
        comparators in prop::collection::vec(prop::option::of(value()), 0..30),
    ) {
        let up = benchmark(actual, &comparators, &BenchmarkSettings::new(Polarity::Higher)).unwrap();
        let down = benchmark(actual, &comparators, &BenchmarkSettings::new(Polarity::Lower)).unwrap();
        let present = comparators.iter().flatten().count();
        prop_assert_eq!(up.group_size, present + 1);
        prop_assert_eq!(up.missing, comparators.len() - present);
        if present == 0 {
            prop_assert_eq!(up.rank, None);
        } else {
            let (ru, rd) = (up.rank.unwrap(), down.rank.unwrap());
            // Competition ranks from both ends add up to the group size + 1 - ties.
            prop_assert_eq!(ru + rd, up.group_size + 1 - up.tied);
            let (qu, qd) = (up.quartile.unwrap(), down.quartile.unwrap());
            prop_assert!((1..=4).contains(&qu) && (1..=4).contains(&qd));
            prop_assert_eq!(up.distance_from_median.unwrap(), -down.distance_from_median.unwrap());
            prop_assert!(up.lower_quartile <= up.median && up.median <= up.upper_quartile);
            // Better than the median means the top half, and the reverse.
            if up.distance_from_median.unwrap() > Decimal::ZERO {
                prop_assert!(qu <= 2);
                prop_assert!(qd >= 3);
            }
        }
    }

    #[test]
    fn benchmark_never_panics(
        raw in prop::collection::vec(prop::option::of((any::<u32>(), any::<u32>(), any::<u32>(), any::<bool>(), 0u32..=28)), 0..20),
        actual in (any::<u32>(), any::<u32>(), any::<u32>(), any::<bool>(), 0u32..=28),
        higher in any::<bool>(),
    ) {
        let make = |(lo, mid, hi, neg, scale)| Decimal::from_parts(lo, mid, hi, neg, scale);
        let comparators: Vec<Option<Decimal>> = raw.into_iter().map(|r| r.map(make)).collect();
        let polarity = if higher { Polarity::Higher } else { Polarity::Lower };
        if let Err(e) = benchmark(make(actual), &comparators, &BenchmarkSettings::new(polarity)) {
            prop_assert!(matches!(e.kind(), ErrorKind::Overflow { .. }), "{e}");
        }
    }
}
