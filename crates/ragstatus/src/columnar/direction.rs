//! Direction of travel for whole columns.

use rust_decimal::Decimal;

use super::check_len;
use crate::direction::{Direction, StableBand, change};
use crate::error::{Error, ErrorKind, Result};
use crate::polarity::Polarity;

/// The direction of travel of every row, as [`Direction::code`] bytes (Improving 0, Worsening
/// 1, NoChange 2, NotComparable 3): exactly
/// [`direction::compare`](crate::direction::compare)`(polarity, actuals[i], comparisons[i],
/// range, stable)` for each row, with the band worked out once when it is absolute. `range` is
/// the `[low, high]` target of a `within` indicator, shared by every row. An error names its
/// row in the field, e.g. `row[3]`.
///
/// ```
/// use ragstatus::columnar::direction_codes;
/// use ragstatus::direction::{Direction, StableBand};
/// use ragstatus::Polarity;
/// use rust_decimal_macros::dec;
///
/// let now = [Some(dec!(11)), Some(dec!(12.5)), None];
/// let before = [Some(dec!(12)), Some(dec!(12)), Some(dec!(12))];
/// let codes = direction_codes(Polarity::Lower, &now, &before, None, StableBand::Absolute(dec!(0.5)))?;
/// assert_eq!(codes, [Direction::Improving.code(), Direction::NoChange.code(), Direction::NotComparable.code()]);
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn direction_codes(
    polarity: Polarity,
    actuals: &[Option<Decimal>],
    comparisons: &[Option<Decimal>],
    range: Option<(Decimal, Decimal)>,
    stable: StableBand,
) -> Result<Vec<u8>> {
    check_len("comparisons", comparisons.len(), actuals.len())?;
    let fixed = match stable {
        StableBand::Absolute(v) => Some(v.abs()),
        StableBand::Relative(_) => None,
    };
    let not_comparable = Direction::NotComparable.code();
    actuals
        .iter()
        .zip(comparisons)
        .enumerate()
        .map(|(row, (&a, &c))| {
            let (Some(a), Some(c)) = (a, c) else {
                return Ok(not_comparable);
            };
            let at_row = |e: Error| e.with_field(format!("row[{row}]"));
            // As in `compare`: a change or band beyond the decimal range is not comparable.
            let change = match change(polarity, a, c, range) {
                Ok(change) => change,
                Err(e) if matches!(e.kind(), ErrorKind::Overflow { .. }) => {
                    return Ok(not_comparable);
                }
                Err(e) => return Err(at_row(e)),
            };
            let band = match fixed {
                Some(band) => band,
                None => match stable.amount(c) {
                    Ok(band) => band.abs(),
                    Err(_) => return Ok(not_comparable),
                },
            };
            let direction = if change > band {
                Direction::Improving
            } else if change < -band {
                Direction::Worsening
            } else {
                Direction::NoChange
            };
            Ok(direction.code())
        })
        .collect()
}
