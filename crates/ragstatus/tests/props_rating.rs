//! Properties of rating: monotonicity, mirror symmetry, tolerance widening, scale invariance,
//! columnar = scalar, serde round trips, scheme validation, and no panics on any input.

use proptest::prelude::*;
use ragstatus::columnar::{Batch, Column, rate_codes, rate_codes_parallel};
use ragstatus::{
    Band, Decimal, Measure, Polarity, Rating, Rule, Scheme, Status, Target, Tolerance, Unit, rate,
    rate_status,
};

/// Small exact decimals: up to ±1000 with up to 3 decimal places.
fn small() -> impl Strategy<Value = Decimal> {
    (-1_000_000i64..=1_000_000, 0u32..=3).prop_map(|(m, s)| Decimal::new(m, s))
}

fn non_negative() -> impl Strategy<Value = Decimal> {
    (0i64..=100_000, 0u32..=3).prop_map(|(m, s)| Decimal::new(m, s))
}

/// Any decimal at all, including the extremes.
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
        small(),
    ]
}

fn polarity() -> impl Strategy<Value = Polarity> {
    prop_oneof![
        Just(Polarity::Higher),
        Just(Polarity::Lower),
        Just(Polarity::Within)
    ]
}

fn hl() -> impl Strategy<Value = Polarity> {
    prop_oneof![Just(Polarity::Higher), Just(Polarity::Lower)]
}

/// A valid tolerance for a single target `t` under `p` (floors on the wrong side).
fn tolerance_for(p: Polarity, t: Decimal) -> impl Strategy<Value = Tolerance> {
    let floor_ok = p != Polarity::Within;
    (0u8..4, non_negative()).prop_map(move |(k, w)| match k {
        0 => Tolerance::None,
        1 => Tolerance::Absolute(w),
        2 => Tolerance::Relative(w),
        _ if floor_ok && p == Polarity::Higher => Tolerance::Floor(t - w),
        _ if floor_ok => Tolerance::Floor(t + w),
        _ => Tolerance::Absolute(w),
    })
}

fn rank(s: Status) -> u8 {
    assert!(s.is_rated());
    s.code()
}

fn mirror(t: Tolerance) -> Tolerance {
    match t {
        Tolerance::Floor(v) => Tolerance::Floor(-v),
        other => other,
    }
}

proptest! {
    #[test]
    fn monotone_in_the_actual(
        (p, t, tol) in hl().prop_flat_map(|p| small().prop_flat_map(move |t| (Just(p), Just(t), tolerance_for(p, t)))),
        a1 in small(), a2 in small(), stretch_gap in proptest::option::of(non_negative()),
    ) {
        let (lo, hi) = if a1 <= a2 { (a1, a2) } else { (a2, a1) };
        let stretch = stretch_gap.map(|g| if p == Polarity::Higher { t + g } else { t - g });
        let rule = Rule::new(p, tol);
        let target = Target::Value(t);
        let s_lo = rank(rate_status(Some(lo), Some(&target), stretch, &rule).unwrap());
        let s_hi = rank(rate_status(Some(hi), Some(&target), stretch, &rule).unwrap());
        if p == Polarity::Higher {
            prop_assert!(s_lo <= s_hi);
        } else {
            prop_assert!(s_lo >= s_hi);
        }
    }

    #[test]
    fn within_is_monotone_towards_the_range(low in small(), width in non_negative(), tol in prop_oneof![
        Just(Tolerance::None), non_negative().prop_map(Tolerance::Absolute), non_negative().prop_map(Tolerance::Relative)
    ], d1 in non_negative(), d2 in non_negative()) {
        let high = low + width;
        let target = Target::range(low, high).unwrap();
        let rule = Rule::new(Polarity::Within, tol);
        let (near, far) = if d1 <= d2 { (d1, d2) } else { (d2, d1) };
        // Moving further below the low bound never improves the status; likewise above high.
        let below = |d: Decimal| rank(rate_status(Some(low - d), Some(&target), None, &rule).unwrap());
        let above = |d: Decimal| rank(rate_status(Some(high + d), Some(&target), None, &rule).unwrap());
        prop_assert!(below(near) >= below(far));
        prop_assert!(above(near) >= above(far));
        prop_assert_eq!(below(Decimal::ZERO), Status::Green.code());
    }

    #[test]
    fn mirror_symmetry(
        (t, tol) in small().prop_flat_map(|t| (Just(t), tolerance_for(Polarity::Higher, t))),
        a in small(), gap in proptest::option::of(non_negative()),
    ) {
        let stretch = gap.map(|g| t + g);
        let higher = rate(Some(a), Some(&Target::Value(t)), stretch, &Rule::new(Polarity::Higher, tol)).unwrap();
        let lower = rate(Some(-a), Some(&Target::Value(-t)), stretch.map(|s| -s), &Rule::new(Polarity::Lower, mirror(tol))).unwrap();
        prop_assert_eq!(higher.status, lower.status);
        prop_assert_eq!(higher.shortfall, lower.shortfall);
        prop_assert_eq!(higher.tolerance_amount, lower.tolerance_amount);
    }

    #[test]
    fn mirror_symmetry_within(low in small(), width in non_negative(), a in small(), w in non_negative(), relative in any::<bool>()) {
        let tol = if relative { Tolerance::Relative(w) } else { Tolerance::Absolute(w) };
        let rule = Rule::new(Polarity::Within, tol);
        let r1 = rate_status(Some(a), Some(&Target::range(low, low + width).unwrap()), None, &rule).unwrap();
        let r2 = rate_status(Some(-a), Some(&Target::range(-(low + width), -low).unwrap()), None, &rule).unwrap();
        prop_assert_eq!(r1, r2);
    }

    #[test]
    fn widening_never_worsens(p in hl(), t in small(), a in small(), w1 in non_negative(), w2 in non_negative(), kind in 0u8..3) {
        let (narrow, wide) = if w1 <= w2 { (w1, w2) } else { (w2, w1) };
        let make = |w: Decimal| match kind {
            0 => Tolerance::Absolute(w),
            1 => Tolerance::Relative(w),
            _ if p == Polarity::Higher => Tolerance::Floor(t - w),
            _ => Tolerance::Floor(t + w),
        };
        let target = Target::Value(t);
        let s_narrow = rank(rate_status(Some(a), Some(&target), None, &Rule::new(p, make(narrow))).unwrap());
        let s_wide = rank(rate_status(Some(a), Some(&target), None, &Rule::new(p, make(wide))).unwrap());
        let s_none = rank(rate_status(Some(a), Some(&target), None, &Rule::new(p, Tolerance::None)).unwrap());
        prop_assert!(s_wide >= s_narrow);
        prop_assert!(s_narrow >= s_none);
    }

    #[test]
    fn relative_tolerance_is_scale_invariant(p in polarity(), t in small(), width in non_negative(), a in small(), pct in non_negative(), k in (1i64..=1000, 0u32..=2).prop_map(|(m, s)| Decimal::new(m, s))) {
        let target = |f: Decimal| if p == Polarity::Within { Target::range(t * f, (t + width) * f).unwrap() } else { Target::Value(t * f) };
        let rule = Rule::new(p, Tolerance::Relative(pct));
        let s1 = rate_status(Some(a), Some(&target(Decimal::ONE)), None, &rule).unwrap();
        let s2 = rate_status(Some(a * k), Some(&target(k)), None, &rule).unwrap();
        prop_assert_eq!(s1, s2);
    }

    #[test]
    fn columnar_equals_scalar(
        rows in proptest::collection::vec((proptest::option::of(small()), proptest::option::of(small()), polarity(), 0u8..3, non_negative()), 0..60),
        shared_scale in any::<bool>(),
        shared_rule in any::<bool>(),
        shared_pol in polarity(), shared_kind in 0u8..3, shared_w in non_negative(),
    ) {
        let fix = |d: Decimal| if shared_scale { let mut d = d; d.rescale(3); d } else { d };
        let actuals: Vec<_> = rows.iter().map(|r| r.0.map(fix)).collect();
        let targets: Vec<_> = rows.iter().map(|r| r.1.map(fix)).collect();
        let tol = |k: u8, w: Decimal| match k { 0 => Tolerance::None, 1 => Tolerance::Absolute(w), _ => Tolerance::Relative(w) };
        let pols: Vec<_> = rows.iter().map(|r| r.2).collect();
        let tols: Vec<_> = rows.iter().map(|r| tol(r.3, r.4)).collect();
        let batch = if shared_rule {
            Batch::new(&actuals, &targets, shared_pol, tol(shared_kind, shared_w))
        } else {
            Batch { polarity: Column::PerRow(&pols), tolerance: Column::PerRow(&tols), ..Batch::new(&actuals, &targets, Polarity::Higher, Tolerance::None) }
        };
        let codes = rate_codes(&batch).unwrap();
        for (i, code) in codes.iter().enumerate() {
            let (p, t) = if shared_rule { (shared_pol, tol(shared_kind, shared_w)) } else { (pols[i], tols[i]) };
            let expected = rate_status(actuals[i], targets[i].map(Target::Value).as_ref(), None, &Rule::new(p, t)).unwrap();
            prop_assert_eq!(*code, expected.code(), "row {}", i);
        }
        prop_assert_eq!(rate_codes_parallel(&batch, 3).unwrap(), codes);
    }

    #[test]
    fn columnar_big_batches_split_the_same(seed in any::<u64>(), pol in hl()) {
        // Large enough for the threaded path.
        let n = 9000usize;
        let mut x = seed;
        let mut next = || { x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407); (x >> 33) as i64 };
        let actuals: Vec<_> = (0..n).map(|_| { let v = next(); if v % 17 == 0 { None } else { Some(Decimal::new(v % 20000, 2)) } }).collect();
        let targets: Vec<_> = (0..n).map(|_| Some(Decimal::new(next() % 20000, 1))).collect();
        let batch = Batch::new(&actuals, &targets, pol, Tolerance::Relative(Decimal::new(25, 1)));
        let serial = rate_codes(&batch).unwrap();
        prop_assert_eq!(rate_codes_parallel(&batch, 4).unwrap(), serial.clone());
        for i in (0..n).step_by(97) {
            let s = rate_status(actuals[i], targets[i].map(Target::Value).as_ref(), None, &Rule::new(pol, Tolerance::Relative(Decimal::new(25, 1)))).unwrap();
            prop_assert_eq!(serial[i], s.code());
        }
    }

    #[test]
    fn serde_round_trips(t in small(), w in non_negative(), low in small(), width in non_negative(), a in proptest::option::of(small()), p in polarity(), kind in 0u8..4) {
        let tol = match kind { 0 => Tolerance::None, 1 => Tolerance::Absolute(w), 2 => Tolerance::Relative(w), _ => Tolerance::Floor(t) };
        let back: Tolerance = serde_json::from_str(&serde_json::to_string(&tol).unwrap()).unwrap();
        prop_assert_eq!(back, tol);
        for target in [Target::Value(t), Target::range(low, low + width).unwrap()] {
            let back: Target = serde_json::from_str(&serde_json::to_string(&target).unwrap()).unwrap();
            prop_assert_eq!(back, target);
        }
        let scheme = Scheme::new(Measure::Shortfall, None, vec![
            Band::new(Status::Green).le(w),
            Band::new(Status::Amber).gt(w).lt(w + Decimal::ONE),
            Band::new(Status::Red).ge(w + Decimal::ONE),
        ]).unwrap();
        let back: Scheme = serde_json::from_str(&serde_json::to_string(&scheme).unwrap()).unwrap();
        prop_assert_eq!(&back, &scheme);
        let target = if p == Polarity::Within { Target::range(low, low + width).unwrap() } else { Target::Value(t) };
        let tol = if matches!(tol, Tolerance::Floor(_)) { Tolerance::None } else { tol };
        let rating = rate(a, Some(&target), None, &Rule::new(p, tol)).unwrap()
            .explained(&Unit::Percent, Some(1))
            .with_override(Status::Green, "reason", "someone");
        let back: Rating = serde_json::from_str(&serde_json::to_string(&rating).unwrap()).unwrap();
        prop_assert_eq!(back, rating);
    }

    #[test]
    fn scheme_validation_is_exact_cover(bands in band_lists()) {
        let built = Scheme::new(Measure::Shortfall, None, bands.clone());
        prop_assert_eq!(built.is_ok(), covers_once_in_order(&bands), "{:?}", bands);
    }

    #[test]
    fn no_input_panics(a in proptest::option::of(any_decimal()), t in any_decimal(), t2 in any_decimal(), w in any_decimal(), s in proptest::option::of(any_decimal()), p in polarity(), kind in 0u8..4, dp in proptest::option::of(0u32..40)) {
        let tols = [Tolerance::None, Tolerance::Absolute(w), Tolerance::Relative(w), Tolerance::Floor(w)];
        let tol = tols[kind as usize];
        let targets = [Some(Target::Value(t)), Target::range(t.min(t2), t.max(t2)).ok(), None];
        for target in &targets {
            let rule = Rule::new(p, tol);
            if let Ok(r) = rate(a, target.as_ref(), s, &rule) {
                for unit in [Unit::Percent, Unit::gbp(), Unit::Days, Unit::Rate { per: Decimal::MAX }] {
                    let _ = r.sentence(&unit, dp);
                }
            }
            let _ = rate_status(a, target.as_ref(), s, &rule);
            if let Some(target) = target {
                for m in [Measure::Actual, Measure::Shortfall, Measure::RelativeShortfall, Measure::PercentOfTarget, Measure::PerformanceRatio] {
                    if let (Some(a), Ok(scheme)) = (a, Scheme::new(m, Some(p), vec![Band::new(Status::Green)])) {
                        let _ = scheme.rate(p, a, target);
                    }
                }
            }
        }
        let actuals = [a, a, None];
        let targets = [Some(t), Some(t2), Some(w)];
        for tol in tols {
            let _ = rate_codes(&Batch::new(&actuals, &targets, p, tol));
        }
    }
}

fn band_lists() -> impl Strategy<Value = Vec<Band>> {
    let edge = proptest::option::of((0i64..5, any::<bool>()));
    let random = proptest::collection::vec((edge.clone(), edge), 1..5).prop_map(|raw| {
        raw.into_iter()
            .map(|(lo, hi)| {
                let mut b = Band::new(Status::Green);
                if let Some((v, inc)) = lo {
                    b = if inc {
                        b.ge(Decimal::from(v))
                    } else {
                        b.gt(Decimal::from(v))
                    };
                }
                if let Some((v, inc)) = hi {
                    b = if inc {
                        b.le(Decimal::from(v))
                    } else {
                        b.lt(Decimal::from(v))
                    };
                }
                b
            })
            .collect::<Vec<_>>()
    });
    // Valid partitions (then sometimes disturbed) so that both outcomes are common.
    let partition = (
        proptest::collection::vec((0i64..5, any::<bool>()), 0..4),
        any::<u8>(),
        0i64..5,
    )
        .prop_map(|(mut cuts, disturb, v)| {
            cuts.sort_by_key(|c| c.0);
            cuts.dedup_by_key(|c| c.0);
            let mut bands = Vec::new();
            let mut lower: Option<(i64, bool)> = None;
            for (v, low_owns) in cuts {
                let mut b = Band::new(Status::Green);
                if let Some((lv, inc)) = lower {
                    b = if inc {
                        b.ge(Decimal::from(lv))
                    } else {
                        b.gt(Decimal::from(lv))
                    };
                }
                b = if low_owns {
                    b.le(Decimal::from(v))
                } else {
                    b.lt(Decimal::from(v))
                };
                bands.push(b);
                lower = Some((v, !low_owns));
            }
            let mut last = Band::new(Status::Green);
            if let Some((lv, inc)) = lower {
                last = if inc {
                    last.ge(Decimal::from(lv))
                } else {
                    last.gt(Decimal::from(lv))
                };
            }
            bands.push(last);
            let i = usize::from(disturb) % bands.len();
            match disturb % 8 {
                0 => {
                    if let Some(l) = &mut bands[i].lower {
                        l.inclusive = !l.inclusive;
                    }
                }
                1 => {
                    if let Some(u) = &mut bands[i].upper {
                        u.value += Decimal::from(v - 2);
                    }
                }
                2 if bands.len() > 1 => bands.swap(0, i),
                _ => {}
            }
            bands
        });
    prop_oneof![random, partition]
}

/// The oracle: every band non-empty, every sample point in exactly one band, bands ascending.
fn covers_once_in_order(bands: &[Band]) -> bool {
    let nonempty = |b: &Band| match (b.lower, b.upper) {
        (Some(l), Some(u)) => {
            l.value < u.value || (l.value == u.value && l.inclusive && u.inclusive)
        }
        _ => true,
    };
    if !bands.iter().all(nonempty) {
        return false;
    }
    let mut edges: Vec<Decimal> = bands
        .iter()
        .flat_map(|b| b.lower.iter().chain(b.upper.iter()).map(|e| e.value))
        .collect();
    edges.sort();
    edges.dedup();
    let mut points = edges.clone();
    for pair in edges.windows(2) {
        points.push((pair[0] + pair[1]) / Decimal::TWO);
    }
    points.push(edges.first().copied().unwrap_or_default() - Decimal::ONE);
    points.push(edges.last().copied().unwrap_or_default() + Decimal::ONE);
    points.sort();
    for x in &points {
        if bands.iter().filter(|b| b.contains(*x)).count() != 1 {
            return false;
        }
    }
    // Ascending: the points of each band come before those of the next.
    let mut last_max: Option<Decimal> = None;
    for b in bands {
        let mine: Vec<Decimal> = points.iter().copied().filter(|x| b.contains(*x)).collect();
        let (Some(min), Some(max)) = (mine.first().copied(), mine.last().copied()) else {
            return false;
        };
        if last_max.is_some_and(|m| m >= min) {
            return false;
        }
        last_max = Some(max);
    }
    true
}

proptest! {
    /// `rate_status` takes shortcuts `rate` does not (a relative tolerance's amount by moving
    /// the decimal point): the status, or the error, must be the same, down to the extremes of
    /// the decimal range and scales where the shortcut cannot apply.
    #[test]
    fn rate_status_is_rates_status(
        p in polarity(),
        a in any_decimal(),
        t in any_decimal(),
        w in any_decimal(),
        kind in 0u8..3,
    ) {
        let tol = match kind {
            0 => Tolerance::Relative(w.abs()),
            1 => Tolerance::Absolute(w.abs()),
            _ => Tolerance::None,
        };
        let rule = Rule::new(p, tol);
        let target = Target::Value(t);
        let quick = rate_status(Some(a), Some(&target), None, &rule);
        let full = rate(Some(a), Some(&target), None, &rule).map(|r| r.status);
        prop_assert_eq!(quick.map_err(|e| e.kind().name()), full.map_err(|e| e.kind().name()));
    }
}
