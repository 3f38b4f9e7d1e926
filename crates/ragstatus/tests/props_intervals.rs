//! Properties of confidence intervals and benchmark comparisons (SPEC §8a): the interval
//! contains the estimate, the 99.8% interval contains the 95% one, the limits rise with the
//! count, the comparison mirrors with the polarity, and nothing panics on any input.

use proptest::prelude::*;
use ragstatus::Decimal;
use ragstatus::comparison::{Outcome, Preference, Reason, compare, compare_levels};
use ragstatus::interval::{
    ConfidenceLevel, Interval, Method, Stratum, dsr, proportion, rate, ratio,
};

fn level() -> impl Strategy<Value = ConfidenceLevel> {
    prop_oneof![Just(ConfidenceLevel::P95), Just(ConfidenceLevel::P998)]
}

fn multiplier() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        Just(Decimal::ONE),
        Just(Decimal::ONE_HUNDRED),
        Just(Decimal::from(1000)),
        Just(Decimal::from(100_000)),
    ]
}

/// A count and a denominator at least as large: 0 ≤ x ≤ n, n from 1 to 10⁷.
fn count_of() -> impl Strategy<Value = (Decimal, Decimal)> {
    (1u64..=10_000_000)
        .prop_flat_map(|n| (0..=n, Just(n)))
        .prop_map(|(x, n)| (Decimal::from(x), Decimal::from(n)))
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
        (-100_000i64..=100_000, 0u32..=3).prop_map(|(m, s)| Decimal::new(m, s)),
    ]
}

fn preference() -> impl Strategy<Value = Preference> {
    prop_oneof![
        Just(Preference::Higher),
        Just(Preference::Lower),
        Just(Preference::None)
    ]
}

fn strata() -> impl Strategy<Value = Vec<Stratum>> {
    prop::collection::vec(
        (0u32..=500, 1u32..=100_000, 0u32..=100_000).prop_map(|(x, n, w)| Stratum {
            count: Decimal::from(x),
            population: Decimal::from(n),
            standard: Decimal::from(w),
        }),
        1..=19,
    )
}

fn contains_estimate(ci: &Interval) -> bool {
    ci.lower <= ci.value && ci.value <= ci.upper
}

fn nested(narrow: &Interval, wide: &Interval) -> bool {
    wide.lower <= narrow.lower && narrow.upper <= wide.upper
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn proportion_contains_its_estimate_within_zero_and_the_multiplier(
        (x, n) in count_of(), at in level(), m in multiplier()
    ) {
        let ci = proportion(x, n, at, m).unwrap();
        prop_assert!(contains_estimate(&ci), "{ci:?}");
        prop_assert!(ci.lower >= Decimal::ZERO && ci.upper <= m, "{ci:?}");
        prop_assert_eq!(ci.method, Method::Wilson);
    }

    #[test]
    fn rate_contains_its_estimate(x in 0u64..=10_000_000_000, n in 1u64..=100_000_000, at in level(), m in multiplier()) {
        let ci = rate(Decimal::from(x), Decimal::from(n), at, m).unwrap();
        prop_assert!(contains_estimate(&ci), "{ci:?}");
        prop_assert!(ci.lower >= Decimal::ZERO);
        let want = if x < 10 { Method::ExactPoisson } else { Method::Byar };
        prop_assert_eq!(ci.method, want);
    }

    #[test]
    fn wider_at_99_8_than_at_95((x, n) in count_of(), m in multiplier()) {
        let p95 = proportion(x, n, ConfidenceLevel::P95, m).unwrap();
        let p998 = proportion(x, n, ConfidenceLevel::P998, m).unwrap();
        prop_assert!(nested(&p95, &p998), "{p95:?} {p998:?}");
        let r95 = rate(x, n, ConfidenceLevel::P95, m).unwrap();
        let r998 = rate(x, n, ConfidenceLevel::P998, m).unwrap();
        prop_assert!(nested(&r95, &r998), "{r95:?} {r998:?}");
    }

    #[test]
    fn limits_rise_with_the_count(n in 20u64..=1_000_000, x in 0u64..=19, step in 1u64..=5, at in level()) {
        // Counts either side of the switch from exact to Byar's limits (at 10) included.
        let (a, b) = (Decimal::from(x), Decimal::from(x + step));
        let n = Decimal::from(n);
        let (ra, rb) = (rate(a, n, at, Decimal::ONE).unwrap(), rate(b, n, at, Decimal::ONE).unwrap());
        prop_assert!(ra.lower <= rb.lower && ra.upper <= rb.upper, "{ra:?} {rb:?}");
        let (pa, pb) = (
            proportion(a, n, at, Decimal::ONE).unwrap(),
            proportion(b, n, at, Decimal::ONE).unwrap(),
        );
        prop_assert!(pa.lower <= pb.lower && pa.upper <= pb.upper, "{pa:?} {pb:?}");
    }

    #[test]
    fn limits_rise_with_large_counts(x in 10u64..=10_000_000, step in 1u64..=1000, at in level()) {
        let n = Decimal::from(100_000_000u64);
        let a = rate(Decimal::from(x), n, at, Decimal::ONE).unwrap();
        let b = rate(Decimal::from(x + step), n, at, Decimal::ONE).unwrap();
        prop_assert!(a.lower <= b.lower && a.upper <= b.upper, "{a:?} {b:?}");
    }

    #[test]
    fn dsr_contains_its_estimate_and_widens_with_the_level(s in strata(), m in multiplier()) {
        let total: Decimal = s.iter().map(|s| s.count).sum();
        let weights: Decimal = s.iter().map(|s| s.standard).sum();
        let r95 = dsr(&s, ConfidenceLevel::P95, m);
        let r998 = dsr(&s, ConfidenceLevel::P998, m);
        if total < Decimal::TEN || weights.is_zero() {
            prop_assert!(r95.is_err() && r998.is_err());
        } else {
            let (a, b) = (r95.unwrap(), r998.unwrap());
            prop_assert!(contains_estimate(&a) && contains_estimate(&b), "{a:?} {b:?}");
            prop_assert!(nested(&a, &b), "{a:?} {b:?}");
        }
    }

    #[test]
    fn comparison_mirrors_with_the_polarity(
        (x, n) in count_of(), at in level(), comparator in 0u32..=1000
    ) {
        let ci = proportion(x, n, at, Decimal::ONE_HUNDRED).unwrap();
        let c = Decimal::new(i64::from(comparator), 1);
        let higher = compare(Some(&ci), c, Preference::Higher);
        let lower = compare(Some(&ci), c, Preference::Lower);
        let neutral = compare(Some(&ci), c, Preference::None);
        prop_assert_eq!(higher.outcome, lower.outcome.mirrored());
        prop_assert_eq!(higher.reason, lower.reason);
        prop_assert_eq!(higher.at_limit, lower.at_limit);
        let want = match higher.reason {
            Reason::ComparatorBelowInterval => Outcome::Higher,
            Reason::ComparatorAboveInterval => Outcome::Lower,
            _ => Outcome::Similar,
        };
        prop_assert_eq!(neutral.outcome, want);
        prop_assert_eq!(higher.outcome == Outcome::Similar, ci.contains(c));
    }

    #[test]
    fn significant_at_99_8_is_significant_at_95((x, n) in count_of(), comparator in 0u32..=1000, p in preference()) {
        let m = Decimal::ONE_HUNDRED;
        let a = proportion(x, n, ConfidenceLevel::P95, m).unwrap();
        let b = proportion(x, n, ConfidenceLevel::P998, m).unwrap();
        let c = Decimal::new(i64::from(comparator), 1);
        let two = compare_levels(Some(&a), Some(&b), c, p).unwrap();
        let at95 = compare(Some(&a), c, p);
        let at998 = compare(Some(&b), c, p);
        if at998.outcome != Outcome::Similar {
            prop_assert_eq!(at95.outcome, at998.outcome);
            prop_assert_eq!(two.level, Some(ConfidenceLevel::P998));
        }
        prop_assert_eq!(two.outcome, at95.outcome);
    }

    #[test]
    fn fractional_counts_below_ten_have_exact_limits(
        m in 1i64..=9_999_999_999, scale in 0u32..=28, at in level()
    ) {
        // Weighted or modelled counts are fractional, down to a decimal's last place.
        let x = Decimal::new(m, scale);
        let ci = rate(x, Decimal::ONE, at, Decimal::ONE).unwrap();
        prop_assert!(contains_estimate(&ci), "{ci:?}");
        if x < Decimal::TEN {
            prop_assert_eq!(ci.method, Method::ExactPoisson);
        }
    }

    #[test]
    fn no_panic_on_any_input(
        x in any_decimal(), n in any_decimal(), m in any_decimal(), c in any_decimal(),
        w in any_decimal(), at in level(), p in preference()
    ) {
        let a = proportion(x, n, at, m);
        let b = rate(x, n, at, m);
        let _ = ratio(x, n, at, m);
        let d = dsr(&[Stratum { count: x, population: n, standard: w }], at, m);
        for ci in [&a, &b, &d].into_iter().flatten() {
            prop_assert!(contains_estimate(ci), "{ci:?}");
            let _ = compare(Some(ci), c, p).explained("England");
        }
        let _ = compare_levels(a.as_ref().ok(), b.as_ref().ok(), c, p);
        let _ = compare(None, c, p).explained("England");
    }
}
