//! Decimal arithmetic that is exact or fails.
//!
//! `rust_decimal`'s `checked_*` operations return `Some` for a result they had to round (when
//! the exact result needs more than 28 decimal places, or more than 96 bits of mantissa at the
//! operands' scale). A status decided on a rounded shortfall or tolerance amount can differ from
//! the exact one (SPEC §13: `rate(0, -MAX, "lower", floor=-1E-28)` would be Amber where exact
//! arithmetic says Red), so the rating arithmetic goes through these functions, which return
//! `None` for any result that is not exactly the mathematical one; callers report that as
//! [`ErrorKind::Overflow`](crate::ErrorKind::Overflow). The shortfall is the exception: an
//! actual that is itself a rounded quotient (11/168 × 100 has 29 significant digits) may leave
//! a shortfall one digit short, which only matters when it ties with the tolerance amount to
//! that digit; [`sub_rounding`] says when it was rounded so the rating can check for that tie.
//!
//! The common case costs one scale comparison: `rust_decimal` only rounds by lowering the
//! scale, so a result at the operands' full scale is exact. Otherwise the exact result is
//! recomputed in `i128` from the operands without their trailing zeros.

use rust_decimal::Decimal;

/// `a − b` exactly, or `None`.
pub(crate) fn sub(a: Decimal, b: Decimal) -> Option<Decimal> {
    match sub_rounding(a, b)? {
        (r, false) => Some(r),
        (_, true) => None,
    }
}

/// The mantissas of `a` and `b` at the larger of their scales, and that scale, when both fit
/// an `i128` there. A mantissa aligned beyond a decimal's 96 bits is still exact here: what
/// is done with the pair decides whether the result fits.
#[inline]
pub(crate) fn aligned(a: Decimal, b: Decimal) -> Option<(i128, i128, u32)> {
    let (sa, sb) = (a.scale(), b.scale());
    if sa == sb {
        return Some((a.mantissa(), b.mantissa(), sa));
    }
    let up = |d: Decimal, by: u32| -> Option<i128> {
        crate::bulk::POWERS
            .get(by as usize)?
            .checked_mul(d.mantissa())
    };
    Some(if sa < sb {
        (up(a, sb - sa)?, b.mantissa(), sb)
    } else {
        (a.mantissa(), up(b, sa - sb)?, sa)
    })
}

/// `a − b` when both align within an `i128` at the larger of their scales and the difference
/// fits a decimal's 96 bits there: the very value (scale and sign of zero included) that
/// `checked_sub` gives, without its general path; `None` otherwise. Most frames subtract
/// values of one indicator, at its decimal places or whole, or a 28-digit quotient from a
/// target of one decimal place.
///
/// Why it is `checked_sub`'s value: `rust_decimal` subtracts aligned operands exactly (in 128
/// bits, or in a wider buffer when the aligned operand passes 96 bits, as a target aligned to a
/// quotient's scale 27 does) and rounds only a difference beyond 96 bits; and it returns a
/// zero operand's partner as it is (`0 − b` is `−b` at `b`'s scale, `a − 0` is `a`), which
/// this does too.
#[inline]
pub(crate) fn sub_aligned(a: Decimal, b: Decimal) -> Option<Decimal> {
    if a.is_zero() {
        return Some(if b.is_zero() { b } else { -b });
    }
    if b.is_zero() {
        return Some(a);
    }
    let (ma, mb, s) = aligned(a, b)?;
    let d = ma.checked_sub(mb)?;
    if d.unsigned_abs() >> 96 != 0 {
        return None;
    }
    Some(Decimal::from_i128_with_scale(d, s))
}

/// `a.checked_sub(b)`: the usual aligned pair by [`sub_aligned`], any other by `rust_decimal`.
#[inline]
pub(crate) fn checked_sub(a: Decimal, b: Decimal) -> Option<Decimal> {
    sub_aligned(a, b).or_else(|| a.checked_sub(b))
}

/// `a − b` as `checked_sub` gives it (`None` beyond the range), and whether that was rounded.
pub(crate) fn sub_rounding(a: Decimal, b: Decimal) -> Option<(Decimal, bool)> {
    if let Some(r) = sub_aligned(a, b) {
        return Some((r, false));
    }
    let r = a.checked_sub(b)?;
    if r.scale() >= a.scale().max(b.scale()) {
        return Some((r, false));
    }
    Some(match exact_sum(a, -b) {
        Some(exact) => (exact, false),
        None => (r, true),
    })
}

/// `a × b` exactly, or `None`.
pub(crate) fn mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    let r = a.checked_mul(b)?;
    if r.scale() == a.scale() + b.scale() {
        return Some(r);
    }
    let (a, b) = (a.normalize(), b.normalize());
    let m = a.mantissa().checked_mul(b.mantissa())?;
    fit(m, a.scale() + b.scale()).filter(|exact| *exact == r)
}

/// `v / 10^k` exactly, or `None` when the quotient needs more than 28 decimal places.
pub(crate) fn div_pow10(v: Decimal, k: u32) -> Option<Decimal> {
    let mut moved = v;
    if moved.set_scale(v.scale() + k).is_ok() {
        return Some(moved);
    }
    let mut moved = v.normalize();
    moved.set_scale(moved.scale() + k).ok().map(|()| moved)
}

/// `n × m / d` as `n.checked_mul(m)?.checked_div(d)?.normalize()` gives it, bit for bit, by
/// integer arithmetic for the usual fraction: a numerator and multiplier whose product fits 64
/// bits at a scale of at most 28, a denominator below 2³² at no larger scale. `None` outside
/// that domain (the caller then takes `rust_decimal`'s road), never another value.
///
/// Why the shortcut holds: `rust_decimal`'s division (`div_impl` with a 32-bit divisor) extends
/// the quotient by up to nine digits at a time while its mantissa fits 96 bits, up to scale 28,
/// then rounds half to even on the remainder; when a step's last added digits carry it past 96
/// bits it drops one digit, rounding half to even with the rest as a sticky bit. Either way the
/// result is `x · 10ᵏ / d` rounded half to even, for the largest `k` (scale 28 at most) whose
/// truncated quotient fits 96 bits: one 128-bit division gives it. (A rounding up to 2⁹⁶ itself
/// takes `rust_decimal`'s road.) Resolving a fraction was the largest part of reading a value.
#[inline]
pub(crate) fn fraction(n: Decimal, m: Decimal, d: Decimal) -> Option<Decimal> {
    const MANTISSA: u128 = 1 << 96;
    if n.is_sign_negative() || m.is_sign_negative() || d.is_sign_negative() {
        return None;
    }
    let x = u64::try_from(n.mantissa())
        .ok()?
        .checked_mul(u64::try_from(m.mantissa()).ok()?)?;
    let scale = n.scale() + m.scale();
    let divisor = u64::from(u32::try_from(d.mantissa()).ok()?);
    // The quotient's scale before any digit is added: the product's less the divisor's.
    let start = scale.checked_sub(d.scale())?;
    if scale > 28 || divisor == 0 {
        return None;
    }
    if x == 0 {
        return Some(Decimal::ZERO);
    }
    let (whole, rest) = (x / divisor, x % divisor);
    if rest == 0 {
        return Decimal::try_from_i128_with_scale(i128::from(whole), start)
            .ok()
            .map(|v| v.normalize());
    }
    let power = |k: u32| {
        crate::bulk::POWERS
            .get(k as usize)
            .map(|p| p.unsigned_abs())
    };
    let most = 28 - start;
    // The most digits `whole` takes within 96 bits: from its bit length (log10 2 ≈ 77/256),
    // the estimate's overshoot taken back by comparisons with the largest whole part that
    // takes k digits. Below 2⁶⁴ it takes at least nine.
    let bits = 64 - whole.leading_zeros();
    let mut k = most.min(((96u32.saturating_sub(bits) * 77) >> 8) + 2);
    while k > 9
        && FITS
            .get(k as usize)
            .is_none_or(|&most| u128::from(whole) > most)
    {
        k -= 1;
    }
    let divisor = u128::from(divisor);
    // The fraction's digits can carry the quotient past 96 bits: one digit fewer then fits.
    let digits = |k: u32| -> Option<(u128, u128)> {
        let p = power(k)?;
        let scaled = u128::from(rest) * p;
        let fraction = scaled / divisor;
        Some((
            u128::from(whole) * p + fraction,
            scaled - fraction * divisor,
        ))
    };
    let (mut q, mut r) = digits(k)?;
    if q >= MANTISSA {
        k -= 1;
        (q, r) = digits(k)?;
    }
    let twice = 2 * r;
    if twice > divisor || (twice == divisor && q & 1 == 1) {
        q += 1;
        if q >= MANTISSA {
            return None;
        }
    }
    let value = Decimal::try_from_i128_with_scale(i128::try_from(q).ok()?, start + k).ok()?;
    // Most quotients end in a digit other than 0, and need no normalizing: the last digit
    // from the two 64-bit halves (2⁶⁴ ends in 6).
    let (high, low) = ((q >> 64) as u64, q as u64);
    if (high % 10 * 6 + low % 10) % 10 != 0 {
        return Some(value);
    }
    Some(value.normalize())
}

/// The largest whole part that takes k more digits within a decimal's 96 bits: ⌊(2⁹⁶ − 1) / 10ᵏ⌋.
// Evaluated at compile time: an index out of bounds would fail the build, never panic.
#[allow(clippy::indexing_slicing)]
const FITS: [u128; 29] = {
    let mut out = [0u128; 29];
    let mut k = 0;
    let mut p = 1u128;
    while k < out.len() {
        out[k] = ((1u128 << 96) - 1) / p;
        p *= 10;
        k += 1;
    }
    out
};

fn exact_sum(a: Decimal, b: Decimal) -> Option<Decimal> {
    let (a, b) = (a.normalize(), b.normalize());
    let scale = a.scale().max(b.scale());
    let widen = |d: Decimal| {
        10i128
            .checked_pow(scale - d.scale())
            .and_then(|p| d.mantissa().checked_mul(p))
    };
    fit(widen(a)?.checked_add(widen(b)?)?, scale)
}

/// `m × 10^-scale` as a `Decimal`, dropping trailing zeros while it does not fit.
pub(crate) fn fit(mut m: i128, mut scale: u32) -> Option<Decimal> {
    loop {
        if let Ok(d) = Decimal::try_from_i128_with_scale(m, scale) {
            return Some(d);
        }
        if scale == 0 || m % 10 != 0 {
            return None;
        }
        m /= 10;
        scale -= 1;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    /// Mantissa `m` of scale `from` at scale `to` (truncated when `to` is smaller): the same
    /// value at another scale, for property tests of values near each other across scales.
    pub(crate) fn mantissa_at(m: i128, from: u32, to: u32) -> Option<i128> {
        let power = |k: u32| crate::bulk::POWERS.get(k as usize).copied();
        if to >= from {
            m.checked_mul(power(to - from)?)
        } else {
            Some(m / power(from - to)?)
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn aligned_differences_are_checked_subs_bit_for_bit(
            a in proptest::prelude::any::<i128>(),
            b in proptest::prelude::any::<i128>(),
            small in proptest::prelude::any::<bool>(),
            shape in 0u8..5,
            s in 0u32..=28,
            t in 0u32..=28,
            one in proptest::prelude::any::<bool>(),
        ) {
            let bound = if small { 1i128 << 20 } else { 1i128 << 96 };
            let a = a % bound;
            let t = if one { s } else { t };
            // The second operand: another value, the same mantissa, near the first's value
            // (the difference fits 96 bits though the aligned operand may not: a target beside
            // a 28-digit quotient), or zero.
            let b = match shape {
                0 => b % bound,
                1 => a,
                2 => mantissa_at(a, s, t)
                    .map_or(b % bound, |v| (v + b % 1000).clamp(-(1i128 << 96) + 1, (1i128 << 96) - 1)),
                _ => 0,
            };
            let (x, y) = (
                Decimal::from_i128_with_scale(a, s),
                Decimal::from_i128_with_scale(b, t),
            );
            for (x, y) in [(x, y), (-x, y), (x, -y), (-x, -y), (y, x)] {
                if let Some(fast) = sub_aligned(x, y) {
                    let slow = x.checked_sub(y);
                    proptest::prop_assert_eq!(Some(fast.serialize()), slow.map(|d| d.serialize()), "{} - {}", x, y);
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(6000))]
        #[test]
        fn fractions_are_rust_decimals_bit_for_bit(
            n in proptest::prelude::any::<u64>(),
            d in proptest::prelude::any::<u32>(),
            width in 0u32..64,
            den_width in 1u32..=32,
            sn in 0u32..=28,
            sd in 0u32..=28,
            m in proptest::prop_oneof![
                proptest::prelude::Just((1u64, 0u32)),
                proptest::prelude::Just((100, 0)),
                proptest::prelude::Just((1000, 0)),
                proptest::prelude::Just((100_000, 0)),
                proptest::prelude::Just((1000, 1)),
                (1u64..=1_000_000_000, 0u32..=6),
            ],
        ) {
            // Mantissas of every width, so that quotients of every size (and those whose digits
            // carry past 96 bits) come up.
            let n = if width == 0 { 0 } else { n >> (64 - width) };
            let d = d >> (32 - den_width);
            let (n, d, m) = (
                Decimal::from_i128_with_scale(i128::from(n), sn),
                Decimal::from_i128_with_scale(i128::from(d), sd),
                Decimal::from_i128_with_scale(i128::from(m.0), m.1),
            );
            if let Some(fast) = fraction(n, m, d) {
                let slow = n.checked_mul(m).and_then(|x| x.checked_div(d)).map(|v| v.normalize());
                proptest::prop_assert_eq!(Some(fast.serialize()), slow.map(|v| v.serialize()), "{} × {} / {}", n, m, d);
            }
        }
    }

    #[test]
    fn fractions_whose_digits_carry_past_96_bits() {
        // A whole part as large as fits 96 bits with k more digits: the fraction's digits then
        // often carry the quotient past 96 bits, where rust_decimal drops a digit.
        let mut carried = 0;
        for k in 11..=19u32 {
            let p = 10u128.pow(k);
            let whole = ((1u128 << 96) - 1) / p;
            for d in [3u64, 7, 9, 11, 13, 97, 65_521] {
                let Ok(whole) = u64::try_from(whole) else {
                    continue;
                };
                for rest in [1, d / 2, d - 1] {
                    let Some(x) = whole.checked_mul(d).and_then(|w| w.checked_add(rest)) else {
                        continue;
                    };
                    let (n, one, d) = (Decimal::from(x), Decimal::ONE, Decimal::from(d));
                    let slow = n.checked_div(d).map(|v| v.normalize().serialize());
                    assert_eq!(
                        fraction(n, one, d).map(|v| v.serialize()),
                        slow,
                        "{n} / {d}"
                    );
                    if u128::from(whole) * p
                        + u128::from(rest) * p / u128::from(d.mantissa() as u64)
                        >= 1 << 96
                    {
                        carried += 1;
                    }
                }
            }
        }
        assert!(carried > 10, "{carried} quotients carried");
    }

    #[test]
    fn fractions_that_tie_round_half_to_even() {
        // x / 2²⁹ has 29 decimal places, the last a 5: at scale 28 it ties, and rounds to the
        // even digit (up for one x, down for the next).
        let mut ties = 0;
        for d in [1u64 << 29, 3 << 29, 1 << 30] {
            for x in 1..=24u64 {
                let (n, one, dd) = (Decimal::from(x), Decimal::ONE, Decimal::from(d));
                let slow = n.checked_div(dd).map(|v| v.normalize().serialize());
                assert_eq!(
                    fraction(n, one, dd).map(|v| v.serialize()),
                    slow,
                    "{x} / {d}"
                );
                if u128::from(x) * 10u128.pow(28) % u128::from(d) * 2 == u128::from(d) {
                    ties += 1;
                }
            }
        }
        assert!(ties > 10, "{ties} ties");
    }

    #[test]
    fn fractions_at_the_edges() {
        let slow = |n: Decimal, m: Decimal, d: Decimal| {
            n.checked_mul(m)
                .and_then(|x| x.checked_div(d))
                .map(|v| v.normalize().serialize())
        };
        for (n, m, d) in [
            (dec!(1), dec!(100), dec!(3)),
            (dec!(2), dec!(100), dec!(3)),
            (dec!(11), dec!(100), dec!(168)),
            (dec!(0), dec!(100), dec!(7)),
            (dec!(7), dec!(100), dec!(7)),
            (dec!(5), dec!(1), dec!(8)),
            (dec!(1), dec!(1), dec!(4294967295)),
            (dec!(18446744073709551615), dec!(1), dec!(3)),
            (dec!(18446744073709551615), dec!(1), dec!(1)),
            (dec!(1.5), dec!(100), dec!(0.7)),
            (dec!(0.0000000000000000000000000001), dec!(1), dec!(3)),
        ] {
            let fast = fraction(n, m, d);
            assert_eq!(
                fast.map(|v| v.serialize()),
                slow(n, m, d),
                "{n} × {m} / {d}"
            );
        }
        // Outside the domain: the caller's road.
        assert_eq!(fraction(dec!(-1), dec!(100), dec!(3)), None);
        assert_eq!(fraction(dec!(1), dec!(100), dec!(0)), None);
        assert_eq!(fraction(dec!(1), dec!(100), dec!(4294967296)), None);
        assert_eq!(fraction(dec!(1), dec!(1), dec!(0.01)), None);
        assert_eq!(
            fraction(dec!(11), dec!(100), dec!(168)).map(|v| v.to_string()),
            Some("6.5476190476190476190476190476".into())
        );
    }

    #[test]
    fn aligned_differences_at_the_edges() {
        let big = Decimal::MAX;
        assert_eq!(sub_aligned(big, -big), None);
        assert_eq!(
            sub_aligned(dec!(1.5), dec!(0.25)).map(|d| d.to_string()),
            Some("1.25".into())
        );
        assert_eq!(sub_aligned(big, dec!(0.5)), None);
        for (x, y) in [
            (dec!(2.5), dec!(2.5)),
            (dec!(-2.5), dec!(-2.5)),
            (dec!(0.0), dec!(-0.0)),
        ] {
            let fast = sub_aligned(x, y).map(|d| d.serialize());
            assert_eq!(fast, x.checked_sub(y).map(|d| d.serialize()), "{x} - {y}");
        }
        assert_eq!(
            sub_aligned(dec!(80.0), dec!(82.5)).map(|d| d.to_string()),
            Some("-2.5".into())
        );
        assert_eq!(sub_aligned(big, dec!(1)), big.checked_sub(dec!(1)));
    }

    #[test]
    fn rounded_results_are_refused() {
        assert_eq!(sub(dec!(-1E-28), -Decimal::MAX), None);
        assert_eq!(sub(Decimal::MAX, dec!(-0.5)), None);
        assert_eq!(
            sub(Decimal::MAX, dec!(1.00)),
            Some(Decimal::MAX - Decimal::ONE)
        );
        assert_eq!(
            mul(dec!(0.00000000000001), dec!(0.00000000000001)),
            Some(dec!(1E-28))
        );
        assert_eq!(mul(dec!(0.00000000000001), dec!(0.000000000000011)), None);
        assert_eq!(div_pow10(dec!(1E-27), 2), None);
        assert_eq!(div_pow10(dec!(1.0E-26), 2), Some(dec!(1E-28)));
    }

    #[test]
    fn exact_results_keep_checked_scales() {
        assert_eq!(
            sub(dec!(45.0), dec!(44.10)).map(|d| d.to_string()),
            Some("0.90".into())
        );
        assert_eq!(
            sub(dec!(0.5), dec!(-0.5)).map(|d| d.to_string()),
            Some("1.0".into())
        );
        let half = dec!(7922816251426433759354395033.5);
        assert_eq!(sub(half, -half), Some(dec!(15845632502852867518708790067)));
    }
}
