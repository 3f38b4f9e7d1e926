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
/// a decimal's 96 bits there (as `rust_decimal` aligns two operands before adding them).
#[inline]
pub(crate) fn aligned(a: Decimal, b: Decimal) -> Option<(i128, i128, u32)> {
    let (sa, sb) = (a.scale(), b.scale());
    if sa == sb {
        return Some((a.mantissa(), b.mantissa(), sa));
    }
    let up = |d: Decimal, by: u32| -> Option<i128> {
        let m = crate::bulk::POWERS
            .get(by as usize)?
            .checked_mul(d.mantissa())?;
        (m.unsigned_abs() >> 96 == 0).then_some(m)
    };
    Some(if sa < sb {
        (up(a, sb - sa)?, b.mantissa(), sb)
    } else {
        (a.mantissa(), up(b, sa - sb)?, sa)
    })
}

/// `a − b` when both fit a decimal's 96 bits at the larger of their scales and so does the
/// difference: the difference of the aligned mantissas at that scale, the very value (scale and
/// sign of zero included) that `checked_sub` gives, without its general path; `None`
/// otherwise. Most frames subtract values of one indicator, at its decimal places or whole.
#[inline]
pub(crate) fn sub_aligned(a: Decimal, b: Decimal) -> Option<Decimal> {
    let (ma, mb, s) = aligned(a, b)?;
    // Two mantissas below 2^96: no overflow of i128.
    let d = ma - mb;
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
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn aligned_differences_are_checked_subs_bit_for_bit(
            a in proptest::prelude::any::<i128>(),
            b in proptest::prelude::any::<i128>(),
            small in proptest::prelude::any::<bool>(),
            same in proptest::prelude::any::<bool>(),
            s in 0u32..=28,
            t in 0u32..=28,
            one in proptest::prelude::any::<bool>(),
        ) {
            let bound = if small { 1i128 << 20 } else { 1i128 << 96 };
            let (a, b) = (a % bound, if same { a % bound } else { b % bound });
            let t = if one { s } else { t };
            let (x, y) = (
                Decimal::from_i128_with_scale(a, s),
                Decimal::from_i128_with_scale(b, t),
            );
            for (x, y) in [(x, y), (-x, y), (x, -y), (-x, -y)] {
                if let Some(fast) = sub_aligned(x, y) {
                    let slow = x.checked_sub(y);
                    proptest::prop_assert_eq!(Some(fast.serialize()), slow.map(|d| d.serialize()));
                }
            }
        }
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
