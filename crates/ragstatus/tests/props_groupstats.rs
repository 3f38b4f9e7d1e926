//! Properties of comparator-group quantiles and the recent trend (SPEC §8a): bands rise with
//! the value, every area with a value gets exactly one band and every missing one none,
//! reversing the polarity mirrors the labels, negating the values mirrors the bands, the trend
//! test is symmetric under reversing polarity and under counting the complement, and nothing
//! panics on any input.

use proptest::prelude::*;
use ragstatus::Decimal;
use ragstatus::comparison::Preference;
use ragstatus::quantile::{label, quantile_bands};
use ragstatus::recent_trend::{
    IntervalPoint, Judgement, ProportionPoint, TrendMarker, recent_trend_intervals,
    recent_trend_proportions,
};

fn preference() -> impl Strategy<Value = Preference> {
    prop_oneof![
        Just(Preference::Higher),
        Just(Preference::Lower),
        Just(Preference::None)
    ]
}

/// Values of one to three decimal places, some repeated, some missing.
fn group() -> impl Strategy<Value = Vec<Option<Decimal>>> {
    prop::collection::vec(
        prop_oneof![
            8 => (-2_000i64..=2_000, 0u32..=3).prop_map(|(m, s)| Some(Decimal::new(m, s))),
            2 => (0i64..=3).prop_map(|m| Some(Decimal::from(m))),
            1 => Just(None),
        ],
        0..40,
    )
}

fn any_decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<bool>(),
            0u32..=28
        )
            .prop_map(|(lo, mid, hi, neg, scale)| Decimal::from_parts(lo, mid, hi, neg, scale)),
        Just(Decimal::MAX),
        Just(Decimal::MIN),
        Just(Decimal::ZERO),
    ]
}

fn bands() -> impl Strategy<Value = u32> {
    prop_oneof![Just(4u32), Just(5u32), 2u32..=12]
}

proptest! {
    #[test]
    fn every_area_gets_one_band_and_bands_rise_with_the_value(
        values in group(), n in bands(), pref in preference()
    ) {
        let Ok(q) = quantile_bands(&values, n, pref) else {
            let present = values.iter().flatten().count();
            prop_assert!(values.is_empty() || present < (n as usize).max(4));
            return Ok(());
        };
        prop_assert_eq!(q.areas.len(), values.len());
        prop_assert_eq!(q.cut_points.len(), n as usize + 1);
        prop_assert!(q.cut_points.windows(2).all(|w| w[0] <= w[1]));
        let missing: Vec<usize> =
            values.iter().enumerate().filter(|(_, v)| v.is_none()).map(|(i, _)| i).collect();
        prop_assert_eq!(&q.missing, &missing);
        for (area, value) in q.areas.iter().zip(&values) {
            prop_assert_eq!(area.value, *value);
            match value {
                None => prop_assert!(area.band.is_none() && area.label.is_none()),
                Some(_) => {
                    let band = area.band.expect("a band");
                    prop_assert!((1..=n).contains(&band));
                    prop_assert_eq!(area.label.clone(), Some(label(band, n, pref)));
                }
            }
        }
        for a in &q.areas {
            for b in &q.areas {
                if let (Some(va), Some(vb), Some(ba), Some(bb)) = (a.value, b.value, a.band, b.band) {
                    if va < vb { prop_assert!(ba <= bb, "{} in {} but {} in {}", va, ba, vb, bb); }
                    if va == vb { prop_assert_eq!(ba, bb); }
                }
            }
        }
        // A band's values lie between its cut points: above the lower (for band > 1), at or
        // below the upper.
        for a in &q.areas {
            if let (Some(v), Some(b)) = (a.value, a.band) {
                let b = b as usize;
                prop_assert!(v <= q.cut_points[b]);
                if b > 1 { prop_assert!(v > q.cut_points[b - 1]); }
            }
        }
    }

    #[test]
    fn reversing_the_polarity_mirrors_the_labels(values in group(), n in bands()) {
        let (Ok(hi), Ok(lo)) = (
            quantile_bands(&values, n, Preference::Higher),
            quantile_bands(&values, n, Preference::Lower),
        ) else { return Ok(()); };
        for (h, l) in hi.areas.iter().zip(&lo.areas) {
            prop_assert_eq!(h.band, l.band);
            if let Some(b) = h.band {
                prop_assert_eq!(h.label.clone(), Some(label(n + 1 - b, n, Preference::Lower)));
            }
        }
    }

    #[test]
    fn negating_the_values_mirrors_the_bands_off_the_cut_points(
        values in group(), n in bands(), pref in preference()
    ) {
        let negated: Vec<_> = values.iter().map(|v| v.map(|d| -d)).collect();
        let (Ok(q), Ok(m)) = (
            quantile_bands(&values, n, pref),
            quantile_bands(&negated, n, pref.reversed()),
        ) else { return Ok(()); };
        let interior = &q.cut_points[1..n as usize];
        for (a, b) in q.areas.iter().zip(&m.areas) {
            let (Some(v), Some(band), Some(mirror)) = (a.value, a.band, b.band) else { continue };
            if interior.contains(&v) {
                // On a cut point the value keeps to the lower band both ways round.
                prop_assert!(mirror <= n - band + 1);
            } else {
                prop_assert_eq!(mirror, n + 1 - band);
                if pref != Preference::None {
                    prop_assert_eq!(&a.label, &b.label);
                }
            }
        }
    }

    #[test]
    fn quantiles_never_panic(
        values in prop::collection::vec(prop::option::of(any_decimal()), 0..12),
        n in 0u32..=20,
        pref in preference(),
    ) {
        let _ = quantile_bands(&values, n, pref);
    }
}

/// Five to eight yearly proportions, some with a drift.
fn proportions() -> impl Strategy<Value = Vec<Option<ProportionPoint>>> {
    (
        prop::collection::vec((1u32..=2_000, 2_000u32..=50_000), 5..9),
        -40i64..=40,
    )
        .prop_map(|(points, drift)| {
            points
                .into_iter()
                .enumerate()
                .map(|(t, (x, n))| {
                    let x = (i64::from(x) + drift * t as i64 * 20).clamp(1, i64::from(n) - 1);
                    Some(ProportionPoint {
                        count: Decimal::from(x),
                        denominator: Decimal::from(n),
                    })
                })
                .collect()
        })
}

proptest! {
    #[test]
    fn reversing_the_polarity_swaps_better_and_worse_only(series in proportions()) {
        let hi = recent_trend_proportions(&series, Preference::Higher).expect("valid");
        let lo = recent_trend_proportions(&series, Preference::Lower).expect("valid");
        let none = recent_trend_proportions(&series, Preference::None).expect("valid");
        prop_assert_eq!(hi.marker, lo.marker);
        prop_assert_eq!(hi.chi_squared, lo.chi_squared);
        prop_assert_eq!(hi.gradient, lo.gradient);
        prop_assert_eq!(none.judgement, None);
        let swapped = hi.judgement.map(|j| match j {
            Judgement::GettingBetter => Judgement::GettingWorse,
            Judgement::GettingWorse => Judgement::GettingBetter,
        });
        prop_assert_eq!(swapped, lo.judgement);
        prop_assert_eq!(
            hi.judgement.is_some(),
            matches!(hi.marker, TrendMarker::Increasing | TrendMarker::Decreasing)
        );
    }

    #[test]
    fn the_complement_reverses_the_direction(series in proportions()) {
        let complement: Vec<_> = series
            .iter()
            .map(|p| p.map(|p| ProportionPoint { count: p.denominator - p.count, ..p }))
            .collect();
        let a = recent_trend_proportions(&series, Preference::Higher).expect("valid");
        let b = recent_trend_proportions(&complement, Preference::Lower).expect("valid");
        // The same statistic, to the 10 significant digits reported (the sums are formed in
        // another order, so the last digit may differ).
        let (ca, cb) = (a.chi_squared.expect("chi"), b.chi_squared.expect("chi"));
        prop_assert!((ca - cb).abs() <= ca.abs() * Decimal::new(1, 8) + Decimal::new(1, 20));
        let close = (ca - Decimal::new(9_549_535_706, 9)).abs() < Decimal::new(1, 6);
        let flat = a.gradient.is_some_and(|g| g.abs() < Decimal::new(1, 9));
        if !close && !flat && a.consistent == b.consistent {
            let flipped = match a.marker {
                TrendMarker::Increasing => TrendMarker::Decreasing,
                TrendMarker::Decreasing => TrendMarker::Increasing,
                other => other,
            };
            prop_assert_eq!(b.marker, flipped);
            prop_assert_eq!(a.judgement, b.judgement);
        }
    }

    #[test]
    fn the_trend_never_panics(
        raw in prop::collection::vec(
            prop::option::of((any_decimal(), any_decimal(), any_decimal())), 0..9),
        pref in preference(),
    ) {
        let props: Vec<_> = raw
            .iter()
            .map(|p| p.map(|(count, denominator, _)| ProportionPoint { count, denominator }))
            .collect();
        let _ = recent_trend_proportions(&props, pref);
        let intervals: Vec<_> = raw
            .iter()
            .map(|p| p.map(|(value, a, b)| IntervalPoint { value, lower: a.min(b), upper: a.max(b) }))
            .collect();
        if let Ok(t) = recent_trend_intervals(&intervals, pref) {
            prop_assert!(t.chi_squared.is_some() == (t.marker != TrendMarker::CannotBeCalculated));
        }
    }
}
