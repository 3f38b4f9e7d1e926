//! A status is never decided on a rounded intermediate (SPEC §13): where the exact shortfall or
//! tolerance amount is not a `Decimal`, rating is an overflow error, never a different status.
//!
//! The reference computes every value exactly as an `i128` count of 10^-28, which holds any
//! decimal below 4 × 10^9 in magnitude with 28 places; the generated decimals have up to 28
//! places and up to 29 significant digits, so their differences often need more digits than a
//! `Decimal` holds.

use proptest::prelude::*;
use ragstatus::{Decimal, ErrorKind, Polarity, Rule, Status, Target, Tolerance, rate_status};

const LIMIT: i128 = 4_000_000_000;

/// Decimals below [`LIMIT`] in magnitude, with any scale.
fn bounded() -> impl Strategy<Value = Decimal> {
    (0u32..=28).prop_flat_map(|scale| {
        let bound = (LIMIT * 10i128.pow(scale)).min((1i128 << 96) - 1);
        (-bound..=bound)
            .prop_map(move |m| Decimal::try_from_i128_with_scale(m, scale).unwrap_or(Decimal::ZERO))
    })
}

/// A small offset: zero or ± a unit in one of the last places.
fn nudge() -> impl Strategy<Value = i128> {
    prop_oneof![
        Just(0i128),
        Just(1),
        Just(-1),
        Just(10i128.pow(8)),
        Just(-(10i128.pow(8)))
    ]
}

fn fixed(d: Decimal) -> i128 {
    d.mantissa() * 10i128.pow(28 - d.scale())
}

fn from_fixed(v: i128) -> Option<Decimal> {
    let mut m = v;
    let mut scale = 28u32;
    while scale > 0 && m % 10 == 0 {
        m /= 10;
        scale -= 1;
    }
    Decimal::try_from_i128_with_scale(m, scale).ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// With a floor placed at the actual (give or take a last-place unit) the exact shortfall
    /// and Amber band differ by at most that unit: rounding either of them changes the status.
    #[test]
    fn floor_status_is_exact_or_an_overflow(
        actual in bounded(),
        target in bounded(),
        higher in any::<bool>(),
        nudge in nudge(),
    ) {
        let (a, t) = (fixed(actual), fixed(target));
        let f = a + nudge;
        let Some(floor) = from_fixed(f) else { return Ok(()) };
        let polarity = if higher { Polarity::Higher } else { Polarity::Lower };
        let (shortfall, amount) = if higher { (t - a, t - f) } else { (a - t, f - t) };
        let rule = Rule::new(polarity, Tolerance::Floor(floor));
        let got = rate_status(Some(actual), Some(&Target::Value(target)), None, &rule);
        if amount < 0 {
            prop_assert!(got.is_err(), "a floor on the wrong side was rated {:?}", got);
            return Ok(());
        }
        let exact = if shortfall <= 0 {
            Status::Green
        } else if shortfall <= amount {
            Status::Amber
        } else {
            Status::Red
        };
        match got {
            Ok(status) => prop_assert_eq!(status, exact),
            Err(e) => prop_assert!(
                matches!(e.kind(), ErrorKind::Overflow { .. }),
                "expected {:?} or an overflow, got {}", exact, e
            ),
        }
    }

    /// The same with an absolute tolerance equal to the exact shortfall, give or take a unit.
    #[test]
    fn absolute_status_is_exact_or_an_overflow(
        actual in bounded(),
        target in bounded(),
        higher in any::<bool>(),
        nudge in nudge(),
    ) {
        let (a, t) = (fixed(actual), fixed(target));
        let shortfall = if higher { t - a } else { a - t };
        let Some(width) = from_fixed((shortfall + nudge).abs()) else { return Ok(()) };
        let polarity = if higher { Polarity::Higher } else { Polarity::Lower };
        let rule = Rule::new(polarity, Tolerance::Absolute(width));
        let exact = if shortfall <= 0 {
            Status::Green
        } else if shortfall <= fixed(width) {
            Status::Amber
        } else {
            Status::Red
        };
        match rate_status(Some(actual), Some(&Target::Value(target)), None, &rule) {
            Ok(status) => prop_assert_eq!(status, exact),
            Err(e) => prop_assert!(
                matches!(e.kind(), ErrorKind::Overflow { .. }),
                "expected {:?} or an overflow, got {}", exact, e
            ),
        }
    }
}

/// The case from issue 10: the floor's distance from the target, −1E-28 − (−MAX), rounds to
/// MAX, the shortfall; exactly it is 1E-28 less, so the actual is beyond the floor.
#[test]
fn rounded_floor_distance_is_an_overflow_not_amber() {
    let target = Target::Value(-Decimal::MAX);
    let rule = Rule::new(Polarity::Lower, Tolerance::Floor(Decimal::new(-1, 28)));
    let got = rate_status(Some(Decimal::ZERO), Some(&target), None, &rule);
    assert!(
        matches!(&got, Err(e) if matches!(e.kind(), ErrorKind::Overflow { .. })),
        "{got:?}"
    );
}
