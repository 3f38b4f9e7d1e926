//! Building blocks of the rules: sides of the mean, directions, maximal runs.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use super::{SignalDirection, SpcRule};

pub(super) fn side(value: Decimal, mean: Decimal) -> Ordering {
    value.cmp(&mean)
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
