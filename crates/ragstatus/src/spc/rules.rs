//! Building blocks of the rules: sides of the mean, directions, maximal runs.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use super::{SignalDirection, SpcRule};

pub(super) fn side(value: Decimal, mean: Decimal) -> Ordering {
    cmp(value, mean)
}

/// `m × p`, none on overflow: where the operands' bits add up to at most 127 the product
/// cannot overflow, and two leading-zero counts replace `checked_mul`'s 128-bit overflow test.
pub(crate) fn times(m: i128, p: i128) -> Option<i128> {
    let bits = |x: i128| 128 - x.unsigned_abs().leading_zeros();
    if bits(m) + bits(p) <= 127 {
        Some(m * p)
    } else {
        m.checked_mul(p)
    }
}

/// `a.cmp(&b)`, on the 128-bit mantissas: the charts compare values and lines of different
/// scales (a mean of 28 decimals against values of one) at every point, and rust_decimal's
/// comparison rescales in 32-bit pieces. A mantissa is below 2⁹⁶; one that overflows `i128`
/// when brought to the other's scale is beyond it in magnitude, so its sign decides.
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
