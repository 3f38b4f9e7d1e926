//! Whole-number fractions (`numerator × multiplier / denominator`, a percentage from counts)
//! by integer arithmetic, with the value rust_decimal's multiplication, division and
//! `normalize` give [`Observation::resolve`](crate::Observation::resolve): half of a national
//! frame's rows are such fractions, and the decimal division was the largest share of
//! resolving them.
//!
//! rust_decimal divides positive integers `a / d` by extending the quotient while its
//! remainder is not zero, up to 28 places and while the truncated quotient fits 96 bits, then
//! rounds half to even on the exact remainder (whether the last step stopped on the 96-bit
//! limit or on the scale). So its value is `a / d` rounded half to even at `k` places, `k` the
//! most places (at most 28) at which `⌊a / d × 10ᵏ⌋` is below 2⁹⁶; a quotient that ends
//! earlier is exact, which is the same value. `normalize` then strips every trailing zero, so
//! only that value matters, not the scale the division leaves.
//!
//! The fractional part `r / d` comes from the funnel path's integer quotient
//! ([`quotient`]), which gives rust_decimal's `r / d` for `r < d`: rounded half to even at 28
//! places. Rounding that again at `k` places could round twice; the sign of its error, found
//! exactly from the integers, settles every tie. Inputs outside this domain (a fractional,
//! negative or zero operand, a denominator beyond 2⁵³, a numerator × multiplier of 96 bits or
//! more, a result at the 96-bit edge) give `None`: the caller keeps the decimal arithmetic for
//! those rows.

use rust_decimal::Decimal;

use crate::bulk::POWERS;
use crate::bulk::funnel::quotient::quotient;

/// A decimal mantissa holds 96 bits.
const MANTISSA: u128 = 1 << 96;

/// The division's largest scale.
const MAX_SCALE: u32 = 28;

/// The largest denominator the integer quotient takes.
const LARGEST: u64 = 1 << 53;

/// ⌊2⁹⁶ / 10ᵏ⌋ for k = 0 … 28: the largest whole part whose k-place quotients may fit 96 bits.
// Evaluated at compile time: an index out of bounds would fail the build, never panic.
#[allow(clippy::indexing_slicing)]
const FITS: [u128; 29] = {
    let mut out = [0u128; 29];
    let mut k = 0;
    while k < out.len() {
        out[k] = MANTISSA / 10u128.pow(k as u32);
        k += 1;
    }
    out
};

/// 10ᵏ for k = 0 … 38.
#[inline]
fn ten(k: u32) -> Option<u128> {
    POWERS.get(k as usize).map(|p| p.unsigned_abs())
}

/// A whole operand: scale 0, not negative, as an integer.
#[inline]
fn whole(d: Decimal) -> Option<u128> {
    if d.scale() != 0 || d.is_sign_negative() && !d.is_zero() {
        return None;
    }
    u128::try_from(d.mantissa()).ok()
}

/// The multiplier as the fast path takes it (a whole number of scale 0, as percent's 100 and
/// a rate's per 1000 are), read once per series; `None` for any other.
pub(crate) fn whole_multiplier(m: Decimal) -> Option<u128> {
    whole(m).filter(|m| *m > 0 && *m < MANTISSA)
}

/// `numerator × multiplier / denominator` as `Observation::fraction(numerator,
/// denominator).resolve(multiplier)` gives it, for whole numbers; `None` outside the domain
/// described in the module documentation (a zero denominator included: the caller reports it).
#[inline]
pub(crate) fn fraction(
    numerator: Decimal,
    denominator: Decimal,
    multiplier: u128,
) -> Option<Decimal> {
    let d = u64::try_from(whole(denominator)?).ok()?;
    if d == 0 || d > LARGEST {
        return None;
    }
    let a = whole(numerator)?.checked_mul(multiplier)?;
    if a >= MANTISSA {
        return None;
    }
    let (whole_part, r) = match u64::try_from(a) {
        Ok(a) => (u128::from(a / d), a % d),
        Err(_) => (a / u128::from(d), u64::try_from(a % u128::from(d)).ok()?),
    };
    if r == 0 {
        // Exact: rust_decimal keeps scale 0, which `normalize` leaves as it is.
        return Decimal::try_from_i128_with_scale(i128::try_from(whole_part).ok()?, 0).ok();
    }
    let (g, s) = quotient(r, d)?;
    // g × 10⁻ˢ is r / d rounded at 28 places (or exact); in units of 10⁻²⁸:
    let g28 = g.checked_mul(ten(MAX_SCALE.checked_sub(s)?)?)?;
    // The sign of (g × 10⁻ˢ − r / d), from g × d − r × 10ˢ: at most d / 2 in size, so the
    // products' low 128 bits give it exactly.
    let error = g
        .wrapping_mul(u128::from(d))
        .wrapping_sub(u128::from(r).wrapping_mul(ten(s)?)) as i128;
    let digits = match u64::try_from(whole_part) {
        Ok(0) => 0,
        Ok(w) => w.ilog10() + 1,
        Err(_) => whole_part.ilog10() + 1,
    };
    // The most places whose truncated quotient fits 96 bits: 29 digits in all when they do,
    // else 28.
    let mut places = MAX_SCALE.min((MAX_SCALE + 1).checked_sub(digits)?);
    // The whole part alone settles it but for one value per length (79 at 27 places): below
    // ⌊2⁹⁶ / 10ᵏ⌋ every k-place quotient fits, above it none does.
    let limit = FITS.get(places as usize).copied().unwrap_or(0);
    if whole_part > limit {
        places = places.checked_sub(1)?;
    }
    let (mut kept, mut rest, mut unit) = truncated(whole_part, g28, error, places)?;
    if kept >= MANTISSA {
        places = places.checked_sub(1)?;
        (kept, rest, unit) = truncated(whole_part, g28, error, places)?;
    }
    let mantissa = if places == MAX_SCALE {
        // The quotient's own rounding at 28 places is rust_decimal's (the whole part adds an
        // even number of units, so the tie goes the same way).
        whole_part.checked_mul(ten(MAX_SCALE)?)?.checked_add(g28)?
    } else {
        // Half to even on the true value: `rest` is within half a unit of 10⁻²⁸ of it, and
        // on a tie of `rest` the error's sign says which side the true value is.
        let half = unit / 2;
        let up = rest > half || rest == half && (error < 0 || error == 0 && kept & 1 == 1);
        kept + u128::from(up)
    };
    if mantissa >= MANTISSA {
        return None;
    }
    let value = Decimal::try_from_i128_with_scale(i128::try_from(mantissa).ok()?, places).ok()?;
    // Only a multiple of 10 has a trailing zero to strip: the low bit, and the remainder by 5
    // from the 32-bit limbs' sum (2³² leaves 1 divided by 5), not a 128-bit division.
    let limbs = (0..4)
        .map(|k| (mantissa >> (32 * k)) as u32 as u64)
        .sum::<u64>();
    Some(if mantissa & 1 == 1 || limbs % 5 != 0 {
        value
    } else {
        value.normalize()
    })
}

/// `⌊(whole + r / d) × 10ᵏ⌋` for `k = places`, with what `g28` holds beyond it (in units of
/// 10⁻²⁸, between 0 and the unit 10²⁸⁻ᵏ inclusive) and that unit. `error` is the sign of
/// `g28 × 10⁻²⁸ − r / d`: when the 28-place quotient was rounded up, the true value is just
/// below it, and a `g28` on a multiple of the unit belongs to the step below.
#[inline]
fn truncated(whole: u128, g28: u128, error: i128, places: u32) -> Option<(u128, u128, u128)> {
    let unit = ten(MAX_SCALE.checked_sub(places)?)?;
    let below = if error > 0 { g28.checked_sub(1)? } else { g28 };
    let floor = below / unit;
    let rest = g28 - floor * unit;
    let kept = whole.checked_mul(ten(places)?)?.checked_add(floor)?;
    Some((kept, rest, unit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{Observation, Resolved};
    use proptest::prelude::*;

    /// The decimal arithmetic the fast path stands in for.
    fn exact(x: Decimal, n: Decimal, m: Decimal) -> Option<Decimal> {
        match Observation::fraction(x, n).resolve(m) {
            Ok(Resolved::Value(v)) => Some(v),
            _ => None,
        }
    }

    /// The fast path's value, or the decimal one where it declines; checks both agree and that
    /// the value's digits and scale are the decimal path's, not only its value.
    fn check(x: u128, n: u128, m: u128) -> bool {
        let (xd, nd, md) = (
            Decimal::from_i128_with_scale(x as i128, 0),
            Decimal::from_i128_with_scale(n as i128, 0),
            Decimal::from_i128_with_scale(m as i128, 0),
        );
        let fast = whole_multiplier(md).and_then(|w| fraction(xd, nd, w));
        if let Some(v) = fast {
            let want = exact(xd, nd, md);
            assert_eq!(Some(v), want, "{x} × {m} / {n}");
            let want = want.unwrap_or_default();
            assert_eq!(
                (v.mantissa(), v.scale()),
                (want.mantissa(), want.scale()),
                "{x} × {m} / {n}"
            );
        }
        fast.is_some()
    }

    #[test]
    fn every_percentage_of_small_denominators() {
        for n in 1..=700u128 {
            for x in 0..=n + 20 {
                for m in [1, 100, 1000] {
                    assert!(check(x, n, m), "declined {x} × {m} / {n}");
                }
            }
        }
    }

    #[test]
    fn whole_parts_of_every_length() {
        // From no whole digits to 29 (the 96-bit limit), across the 28- and 29-digit edge.
        for n in [
            3u128,
            7,
            9,
            11,
            13,
            97,
            641,
            65_537,
            (1 << 32) - 5,
            (1 << 32) + 15,
            999_999_937,
            1 << 53,
        ] {
            let mut x = 1u128;
            while x * 100 < MANTISSA {
                for dx in [0, 1, 2, 5, 10] {
                    check(x + dx, n, 100);
                    check(x + dx, n, 1);
                }
                x = x * 10 + x % 7 + 3;
            }
            // The largest whole parts whose 29 digits fit or not.
            let top = MANTISSA / 100 - 1;
            for k in 0..40 {
                check(top - k, n, 1);
                check((MANTISSA - 1) / 7 * 7 / n * n - k, n, 1);
            }
        }
    }

    #[test]
    fn ties_of_the_second_rounding_follow_the_true_value() {
        // r / d ending in 5 just past the kept places (exact ties) and near ties rounded at 28.
        for n in [
            2u128,
            4,
            8,
            16,
            32,
            64,
            128,
            1 << 20,
            1 << 40,
            1 << 53,
            5,
            25,
            125,
            3125,
        ] {
            for x in 0..=n.min(5000) {
                for m in [1, 10, 100, 1000, 100_000] {
                    check(x * 79 + 1, n, m);
                    check(x, n, m);
                }
            }
        }
    }

    #[test]
    fn outside_the_domain_declines() {
        let w = whole_multiplier(Decimal::ONE_HUNDRED).unwrap();
        assert_eq!(fraction(Decimal::ONE, Decimal::ZERO, w), None);
        assert_eq!(fraction(Decimal::new(15, 1), Decimal::TEN, w), None);
        assert_eq!(fraction(Decimal::NEGATIVE_ONE, Decimal::TEN, w), None);
        assert_eq!(fraction(Decimal::ONE, Decimal::from(-10), w), None);
        assert_eq!(
            fraction(Decimal::ONE, Decimal::from((1u64 << 53) + 1), w),
            None
        );
        assert_eq!(fraction(Decimal::MAX, Decimal::TEN, w), None);
        assert_eq!(whole_multiplier(Decimal::new(1000, 1)), None);
        assert_eq!(whole_multiplier(Decimal::ZERO), None);
        assert_eq!(whole_multiplier(Decimal::from(-100)), None);
        assert_eq!(
            fraction(Decimal::ZERO, Decimal::from(7), w),
            Some(Decimal::ZERO)
        );
    }

    fn denominator() -> impl Strategy<Value = u128> {
        prop_oneof![
            1u128..=1000,
            1u128..=1 << 20,
            (1u128 << 32) - 5000..=(1u128 << 32) + 5000,
            (1u128 << 53) - 5000..=1 << 53,
            1u128..=1 << 53,
        ]
    }

    fn numerator(n: u128) -> impl Strategy<Value = u128> {
        prop_oneof![
            Just(0),
            Just(n),
            Just(n - 1),
            Just(n / 2),
            0..=n,
            0..=n.saturating_mul(1000),
            0..=MANTISSA / 1_000_000,
            0..MANTISSA,
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn the_integer_fraction_is_the_decimal_one(
            (x, n) in denominator().prop_flat_map(|n| (numerator(n), Just(n))),
            m in prop_oneof![Just(1u128), Just(100), Just(1000), Just(100_000), 1u128..=1 << 32],
        ) {
            check(x, n, m);
        }
    }
}
