//! Building blocks of the rules: sides of the mean, directions, maximal runs.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use super::{SignalDirection, SpcRule};
use crate::bulk::times;

pub(super) fn side(value: Decimal, mean: Decimal) -> Ordering {
    cmp(value, mean)
}

/// `d.normalize()`, which divides the 96-bit mantissa by 10 for each trailing zero, skipped
/// where the mantissa cannot end in 0: an odd one, or one that 5 does not divide (2³² ≡ 1
/// mod 5, so the sum of its 32-bit words decides). Lines and plotted values mostly end in
/// another digit.
#[inline]
pub(super) fn normal(d: Decimal) -> Decimal {
    let m = d.mantissa().unsigned_abs();
    let words = (m & 0xffff_ffff) + ((m >> 32) & 0xffff_ffff) + (m >> 64);
    if m & 1 == 1 || words % 5 != 0 {
        d
    } else {
        d.normalize()
    }
}

/// `a.cmp(&b)`, on the 128-bit mantissas: the charts compare values and lines of different
/// scales (a mean of 28 decimals against values of one) at every point, and rust_decimal's
/// comparison rescales in 32-bit pieces. A mantissa is below 2⁹⁶; one that overflows `i128`
/// when brought to the other's scale is beyond it in magnitude, so its sign decides.
#[inline]
pub(super) fn cmp(a: Decimal, b: Decimal) -> Ordering {
    let (ma, mb) = (a.mantissa(), b.mantissa());
    let (sa, sb) = (a.scale(), b.scale());
    let raised = |m: i128, by: u32| {
        crate::bulk::POWERS
            .get(by as usize)
            .and_then(|p| times(m, *p))
    };
    let beyond = |m: i128| {
        if m > 0 {
            Ordering::Greater
        } else {
            Ordering::Less
        }
    };
    match sa.cmp(&sb) {
        Ordering::Equal => ma.cmp(&mb),
        Ordering::Less => match raised(ma, sb - sa) {
            Some(x) => x.cmp(&mb),
            None => beyond(ma),
        },
        Ordering::Greater => match raised(mb, sa - sb) {
            Some(x) => ma.cmp(&x),
            None => beyond(mb).reverse(),
        },
    }
}

pub(super) fn direction_of(ordering: Ordering) -> Option<SignalDirection> {
    match ordering {
        Ordering::Greater => Some(SignalDirection::High),
        Ordering::Less => Some(SignalDirection::Low),
        Ordering::Equal => None,
    }
}

/// Maximal runs `[start, end]` (inclusive, segment-relative) of at least `min_len` consecutive
/// items with the same `Some` key.
pub(super) fn runs<K: Copy + PartialEq>(
    keys: &[Option<K>],
    min_len: usize,
) -> Vec<(usize, usize, K)> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < keys.len() {
        let key = keys.get(start).copied().flatten();
        let mut end = start;
        while end + 1 < keys.len() && key.is_some() && keys.get(end + 1).copied().flatten() == key {
            end += 1;
        }
        if let Some(k) = key
            && end - start + 1 >= min_len
        {
            out.push((start, end, k));
        }
        start = end + 1;
    }
    out
}

pub(super) struct Flag {
    pub(super) rule: SpcRule,
    pub(super) direction: SignalDirection,
    pub(super) signal: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Any decimal: a mantissa of up to 96 bits (often with trailing zeros), a scale to 28.
    fn decimal() -> impl Strategy<Value = Decimal> {
        let mantissa = prop_oneof![
            -1000i128..1000,
            any::<i64>().prop_map(i128::from),
            (any::<u64>(), any::<u32>(), any::<bool>()).prop_map(|(lo, hi, negative)| {
                let m = i128::from(lo) | (i128::from(hi) << 64);
                if negative { -m } else { m }
            }),
        ];
        (mantissa, 0u32..=28, 0u32..6).prop_map(|(m, scale, zeros)| {
            let with_zeros = m
                .checked_mul(10i128.pow(zeros))
                .filter(|x| x.unsigned_abs() < 1 << 96);
            Decimal::from_i128_with_scale(with_zeros.unwrap_or(m), scale)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn the_fast_paths_agree_with_rust_decimal(a in decimal(), b in decimal(), p in 0usize..39) {
            prop_assert_eq!(cmp(a, b), a.cmp(&b));
            prop_assert_eq!(cmp(a, a), std::cmp::Ordering::Equal);
            prop_assert_eq!(normal(a).serialize(), a.normalize().serialize());
            let power = crate::bulk::POWERS[p];
            prop_assert_eq!(times(a.mantissa(), power), a.mantissa().checked_mul(power));
            prop_assert_eq!(times(power, -a.mantissa()), power.checked_mul(-a.mantissa()));
        }
    }

    #[test]
    fn comparisons_across_scales_and_at_the_extremes() {
        let d = |m: i128, s: u32| Decimal::from_i128_with_scale(m, s);
        let max = (1i128 << 96) - 1;
        for (a, b) in [
            (d(max, 0), d(1, 28)),
            (d(-max, 0), d(-1, 28)),
            (d(max, 0), d(max, 28)),
            (d(-max, 0), d(max, 28)),
            (d(5, 1), d(50, 2)),
            (d(0, 0), d(0, 28)),
            (-d(0, 3), d(0, 0)),
        ] {
            assert_eq!(cmp(a, b), a.cmp(&b), "{a} {b}");
            assert_eq!(cmp(b, a), b.cmp(&a), "{b} {a}");
        }
        assert_eq!(normal(d(1200, 2)), d(12, 0));
        assert_eq!(normal(d(1200, 2)).scale(), 0);
        assert_eq!(normal(-d(0, 5)).serialize(), Decimal::ZERO.serialize());
    }
}
