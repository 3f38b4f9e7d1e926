//! Bulk rating: columns of actuals and targets in, one status code per row out.
//!
//! The columnar entry point is for dashboards and data frames that rate thousands of rows at a
//! time. It gives exactly the statuses of [`rate_status`] — the same
//! standard rule (SPEC §6), the same exact decimal comparisons — as [`Status::code`] bytes:
//! Red 0, Amber 1, Green 2, Blue 3, NoData 4, NoTarget 5.
//!
//! A [`Batch`] borrows the columns: `actuals` and `targets` (a missing value is `None`: a
//! missing actual gives NoData, a missing target NoTarget), optional `highs` (the high end of a
//! range target for `within`; `None` in a row means a single-value target), optional
//! `stretches`, and the polarity and tolerance, either shared by every row or one per row
//! ([`Column`]). Custom schemes are not supported here; rate those rows with
//! [`rate`](crate::rate).
//!
//! **Speed.** When the polarity is shared (`higher` or `lower`), the tolerance is shared
//! (`none`, `absolute` or `relative`), there are no ranges or stretch targets, and every value
//! fits a common fixed-point scale (at most 18 decimal places, magnitudes below 2⁶² units of
//! that scale), the batch is converted once to scaled `i64` integers and decided in a
//! branch-free integer loop. Otherwise each row is rated with `Decimal` arithmetic. Both paths
//! give identical results (property-tested).
//!
//! **Errors** stop the batch: columns of different lengths are [`ErrorKind::Length`]; a row that
//! fails (a floor on the wrong side of its target, an overflow, ...) gives its error with the
//! zero-based row in the field, e.g. `row[12].tolerance.floor`. A shared tolerance that is
//! invalid (negative) is an error even if no row would use it.
//!
//! ## Floats
//!
//! [`scale_f64`] and [`scale_f64_into`] turn `f64` columns (numpy `float64`) into scaled
//! integers exactly: with a declared number of decimals `d`, a float is accepted as the decimal
//! it prints as (its shortest round-trip text) only when that text has at most `d` decimals.
//! `0.1` at 2 decimals is `10`; `0.125` at 2 decimals is [`FloatIssue::Inexact`], never silently
//! rounded. NaN is missing; infinities and values too large to carry `d` decimals are issues.
//!
//! ## Scaled integers
//!
//! A [`ScaledBatch`] holds actuals and targets already as `i64` counts of `10^-scale`, with
//! optional validity masks and one shared polarity and tolerance. [`rate_scaled`] gives exactly
//! the codes of [`rate_status`] on `Decimal::new(value, scale)` (property-tested), in a
//! branch-free integer loop the compiler vectorises, falling back to `Decimal` for a block that
//! holds a value beyond `±2^61` or a rule the integer loop does not cover.
//!
//! ## Parallelism
//!
//! [`rate_codes_parallel`] splits the rows into contiguous chunks rated on
//! scoped threads; [`Batch::slice`] and [`rate_codes_into`] let a caller do its own splitting.
//!
//! ## Example
//!
//! ```
//! use ragstatus::columnar::{rate_codes, Batch};
//! use ragstatus::{Polarity, Status, Tolerance};
//! use rust_decimal_macros::dec;
//!
//! let actuals = [Some(dec!(44.1)), Some(dec!(45)), None, Some(dec!(40))];
//! let targets = [Some(dec!(45.0)), Some(dec!(45.0)), Some(dec!(45.0)), None];
//! let batch = Batch::new(&actuals, &targets, Polarity::Higher, Tolerance::absolute(dec!(2))?);
//! let codes = rate_codes(&batch)?;
//! assert_eq!(codes, [Status::Amber.code(), Status::Green.code(), Status::NoData.code(), Status::NoTarget.code()]);
//! # Ok::<(), ragstatus::Error>(())
//! ```

use rust_decimal::Decimal;

mod bulk;
mod direction;
mod float;
mod scaled;
pub mod simd;

pub use self::bulk::{Actuals, RuleBatch, float_decimal, rate_rule_batch};
pub use self::direction::direction_codes;
pub(crate) use self::float::shortest_decimal;
pub use self::float::{
    FloatCounts, FloatIssue, ScaledColumn, scale_f64, scale_f64_column, scale_f64_into,
};
pub use self::scaled::{
    MAX_SCALE, ScaledBatch, rate_scaled, rate_scaled_into, rate_scaled_parallel,
    rate_scaled_parallel_into,
};

use crate::error::{Error, ErrorKind, Result};
use crate::polarity::Polarity;
use crate::rating::{Rule, rate_status};
use crate::status::Status;
use crate::target::Target;
use crate::tolerance::Tolerance;

/// A value shared by every row, or one per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column<'a, T> {
    /// The same value for every row.
    Shared(T),
    /// One value per row.
    PerRow(&'a [T]),
}

impl<'a, T: Copy> Column<'a, T> {
    fn get(&self, row: usize) -> Option<T> {
        match self {
            Column::Shared(v) => Some(*v),
            Column::PerRow(values) => values.get(row).copied(),
        }
    }

    fn check_len(&self, name: &str, expected: usize) -> Result<()> {
        match self {
            Column::PerRow(values) => check_len(name, values.len(), expected),
            Column::Shared(_) => Ok(()),
        }
    }

    fn slice(&self, start: usize, end: usize) -> Option<Column<'a, T>> {
        match *self {
            Column::Shared(v) => Some(Column::Shared(v)),
            Column::PerRow(values) => values.get(start..end).map(Column::PerRow),
        }
    }
}

fn check_len(column: &str, found: usize, expected: usize) -> Result<()> {
    if found == expected {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::Length {
            column: column.into(),
            found,
            expected,
        }))
    }
}

/// The columns of one batch; see the [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batch<'a> {
    /// The actual of each row; `None` gives NoData.
    pub actuals: &'a [Option<Decimal>],
    /// The target (or the low end of a range) of each row; `None` gives NoTarget.
    pub targets: &'a [Option<Decimal>],
    /// The high end of each row's range target, for `within`; `None` in a row: a single value.
    pub highs: Option<&'a [Option<Decimal>]>,
    /// Each row's stretch target, if any.
    pub stretches: Option<&'a [Option<Decimal>]>,
    /// The polarity.
    pub polarity: Column<'a, Polarity>,
    /// The tolerance.
    pub tolerance: Column<'a, Tolerance>,
}

impl<'a> Batch<'a> {
    /// A batch with one polarity and tolerance for every row, no ranges, no stretch targets.
    pub fn new(
        actuals: &'a [Option<Decimal>],
        targets: &'a [Option<Decimal>],
        polarity: Polarity,
        tolerance: Tolerance,
    ) -> Batch<'a> {
        Batch {
            actuals,
            targets,
            highs: None,
            stretches: None,
            polarity: Column::Shared(polarity),
            tolerance: Column::Shared(tolerance),
        }
    }

    /// The number of rows (the length of `actuals`).
    pub fn len(&self) -> usize {
        self.actuals.len()
    }

    /// Whether the batch has no rows.
    pub fn is_empty(&self) -> bool {
        self.actuals.is_empty()
    }

    /// Checks that every column has one entry per row.
    pub fn check(&self) -> Result<()> {
        let n = self.len();
        check_len("targets", self.targets.len(), n)?;
        if let Some(highs) = self.highs {
            check_len("highs", highs.len(), n)?;
        }
        if let Some(stretches) = self.stretches {
            check_len("stretches", stretches.len(), n)?;
        }
        self.polarity.check_len("polarity", n)?;
        self.tolerance.check_len("tolerance", n)
    }

    /// Rows `start..end` as a batch of their own (for splitting work). Errors if the columns
    /// disagree in length or the range is out of bounds.
    pub fn slice(&self, start: usize, end: usize) -> Result<Batch<'a>> {
        self.check()?;
        let oob = || {
            Error::invalid_value(
                format!("rows {start}..{end}"),
                format!("a range within 0..{}", self.len()),
            )
        };
        Ok(Batch {
            actuals: self.actuals.get(start..end).ok_or_else(oob)?,
            targets: self.targets.get(start..end).ok_or_else(oob)?,
            highs: match self.highs {
                Some(h) => Some(h.get(start..end).ok_or_else(oob)?),
                None => None,
            },
            stretches: match self.stretches {
                Some(s) => Some(s.get(start..end).ok_or_else(oob)?),
                None => None,
            },
            polarity: self.polarity.slice(start, end).ok_or_else(oob)?,
            tolerance: self.tolerance.slice(start, end).ok_or_else(oob)?,
        })
    }
}

/// Rates every row of `batch`; one [`Status::code`] per row.
pub fn rate_codes(batch: &Batch<'_>) -> Result<Vec<u8>> {
    let mut out = vec![0u8; batch.len()];
    rate_codes_into(batch, &mut out)?;
    Ok(out)
}

/// Rates every row of `batch` into `out`, which must have one byte per row.
pub fn rate_codes_into(batch: &Batch<'_>, out: &mut [u8]) -> Result<()> {
    batch.check()?;
    check_len("output", out.len(), batch.len())?;
    rate_chunk(batch, out, 0)
}

/// Rates every row of `batch` on up to `threads` scoped threads (contiguous chunks). With one
/// thread, or few rows, it is [`rate_codes`]. On errors, the one of the lowest row is returned.
///
/// ```
/// use ragstatus::columnar::{rate_codes, rate_codes_parallel, Batch};
/// use ragstatus::{Decimal, Polarity, Tolerance};
///
/// let actuals: Vec<_> = (0..10_000).map(|i| Some(Decimal::new(i, 2))).collect();
/// let targets = vec![Some(Decimal::new(5_000, 2)); 10_000];
/// let batch = Batch::new(&actuals, &targets, Polarity::Lower, Tolerance::Relative(Decimal::TEN));
/// assert_eq!(rate_codes_parallel(&batch, 2)?, rate_codes(&batch)?);
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn rate_codes_parallel(batch: &Batch<'_>, threads: usize) -> Result<Vec<u8>> {
    batch.check()?;
    let n = batch.len();
    let threads = threads.clamp(1, 64);
    const MIN_CHUNK: usize = 4096;
    if threads == 1 || n < 2 * MIN_CHUNK {
        return rate_codes(batch);
    }
    let chunk = n.div_ceil(threads).max(MIN_CHUNK);
    let mut out = vec![0u8; n];
    let results: Vec<Result<()>> = std::thread::scope(|scope| {
        let handles: Vec<_> = out
            .chunks_mut(chunk)
            .enumerate()
            .map(|(i, part)| {
                let start = i * chunk;
                let end = start + part.len();
                scope.spawn(move || {
                    let sub = batch.slice(start, end)?;
                    rate_chunk(&sub, part, start)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::definition("a rating thread failed")))
            })
            .collect()
    });
    for result in results {
        result?;
    }
    Ok(out)
}

/// Rates a checked batch whose first row is row `offset` of the caller's, block by block: each
/// block takes the integer path when it qualifies, the Decimal path otherwise.
fn rate_chunk(batch: &Batch<'_>, out: &mut [u8], offset: usize) -> Result<()> {
    if let Column::Shared(t) = batch.tolerance {
        t.validate()?;
    }
    let plan = FastPlan::new(batch);
    for (index, block) in out.chunks_mut(BLOCK).enumerate() {
        let start = index * BLOCK;
        let end = start + block.len();
        if let (Some(plan), Some(actuals), Some(targets)) = (
            &plan,
            batch.actuals.get(start..end),
            batch.targets.get(start..end),
        ) {
            if plan.run(actuals, targets, block) {
                continue;
            }
        }
        for (i, slot) in block.iter_mut().enumerate() {
            let row = start + i;
            *slot =
                rate_row(batch, row).map_err(|e| e.with_field(format!("row[{}]", offset + row)))?;
        }
    }
    Ok(())
}

fn rate_row(batch: &Batch<'_>, row: usize) -> Result<u8> {
    let missing = || {
        Error::new(ErrorKind::Missing {
            field: "row".into(),
        })
    };
    let actual = *batch.actuals.get(row).ok_or_else(missing)?;
    let low = *batch.targets.get(row).ok_or_else(missing)?;
    let high = match batch.highs {
        Some(h) => *h.get(row).ok_or_else(missing)?,
        None => None,
    };
    let stretch = match batch.stretches {
        Some(s) => *s.get(row).ok_or_else(missing)?,
        None => None,
    };
    let polarity = batch.polarity.get(row).ok_or_else(missing)?;
    let tolerance = batch.tolerance.get(row).ok_or_else(missing)?;
    let target = match (low, high) {
        (Some(low), Some(high)) => Some(Target::range(low, high)?),
        (Some(v), None) => Some(Target::Value(v)),
        (None, _) => None,
    };
    let rule = Rule::new(polarity, tolerance);
    rate_status(actual, target.as_ref(), stretch, &rule).map(Status::code)
}

/// Rows decided together on the integer path (small enough to stay in cache).
const BLOCK: usize = 1024;
/// Magnitudes below this many units of the common scale keep every difference inside `i64`.
const LIMIT: u64 = 1 << 62;
/// Powers of ten that fit `i64`; the integer path allows at most 18 decimal places.
const POW10: [i64; 19] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
    10_000_000_000_000,
    100_000_000_000_000,
    1_000_000_000_000_000,
    10_000_000_000_000_000,
    100_000_000_000_000_000,
    1_000_000_000_000_000_000,
];

/// The integer plan for a batch whose polarity and tolerance qualify.
struct FastPlan {
    higher: bool,
    tolerance: Tolerance,
}

enum FastTolerance {
    /// The amount in units of the common scale.
    Absolute(i64),
    /// sf ≤ |t|·P / (100·10^sp)  ⟺  sf·factor ≤ |t|·P, with factor = 100·10^sp.
    Relative { p: i128, factor: i128 },
}

/// `value` as an integer number of units of 10^-scale, when it fits the integer path.
#[inline]
fn to_fixed(value: Decimal, scale: u32) -> Option<i64> {
    let up = scale.checked_sub(value.scale())?;
    let factor = *POW10.get(usize::try_from(up).ok()?)?;
    let x = i64::try_from(value.mantissa()).ok()?.checked_mul(factor)?;
    (x.unsigned_abs() < LIMIT).then_some(x)
}

impl FastPlan {
    fn new(batch: &Batch<'_>) -> Option<FastPlan> {
        if batch.highs.is_some()
            || batch
                .stretches
                .is_some_and(|s| s.iter().any(Option::is_some))
        {
            return None;
        }
        let higher = match batch.polarity {
            Column::Shared(Polarity::Higher) => true,
            Column::Shared(Polarity::Lower) => false,
            _ => return None,
        };
        match batch.tolerance {
            Column::Shared(
                tolerance @ (Tolerance::None | Tolerance::Absolute(_) | Tolerance::Relative(_)),
            ) => Some(FastPlan { higher, tolerance }),
            _ => None,
        }
    }

    /// The tolerance at this block's scale, when it qualifies.
    fn tolerance_at(&self, scale: u32) -> Option<FastTolerance> {
        match self.tolerance {
            Tolerance::Absolute(t) => to_fixed(t, scale).map(FastTolerance::Absolute),
            Tolerance::Relative(p) => {
                // Keep the Decimal path's |t|·p/100 exact too, so both paths agree: the
                // product stays below 2^96 and its scale at most 28.
                let sp = p.scale();
                let pm = p.mantissa();
                if pm >= (1 << 34) || scale + sp > 26 {
                    return None;
                }
                let factor = i128::from(*POW10.get(usize::try_from(sp).ok()?)?) * 100;
                Some(FastTolerance::Relative { p: pm, factor })
            }
            _ => Some(FastTolerance::Absolute(0)),
        }
    }

    /// Converts one block to fixed point and decides it; false when a value does not fit (the
    /// caller then uses the Decimal path for the block).
    fn run(
        &self,
        actuals: &[Option<Decimal>],
        targets: &[Option<Decimal>],
        out: &mut [u8],
    ) -> bool {
        let mut scale = actuals
            .iter()
            .chain(targets.iter())
            .flatten()
            .map(Decimal::scale)
            .max()
            .unwrap_or(0);
        if let Tolerance::Absolute(t) = self.tolerance {
            scale = scale.max(t.scale());
        }
        if scale > 18 {
            return false;
        }
        let Some(tolerance) = self.tolerance_at(scale) else {
            return false;
        };
        let mut av = [0i64; BLOCK];
        let mut tv = [0i64; BLOCK];
        // bit 0: actual present; bit 1: target present.
        let mut present = [0u8; BLOCK];
        let slots = av.iter_mut().zip(tv.iter_mut()).zip(present.iter_mut());
        for ((a, t), ((ax, tx), p)) in actuals.iter().zip(targets.iter()).zip(slots) {
            if let Some(a) = a {
                match to_fixed(*a, scale) {
                    Some(x) => *ax = x,
                    None => return false,
                }
                *p = 1;
            }
            if let Some(t) = t {
                match to_fixed(*t, scale) {
                    Some(x) => *tx = x,
                    None => return false,
                }
                *p |= 2;
            }
        }
        // Branch-free decision: for a rated row the code is (sf ≤ amount) + (sf ≤ 0), which is
        // Red 0, Amber 1 or Green 2 (amount ≥ 0); missing values select NoData 4 / NoTarget 5.
        let sign: i64 = if self.higher { 1 } else { -1 };
        let rows = out
            .iter_mut()
            .zip(av.iter().zip(tv.iter()))
            .zip(present.iter());
        match tolerance {
            FastTolerance::Absolute(amount) => {
                for ((slot, (&a, &t)), &p) in rows {
                    let sf = sign.wrapping_mul(t.wrapping_sub(a));
                    let rated = u8::from(sf <= amount) + u8::from(sf <= 0);
                    *slot = select(p, rated);
                }
            }
            FastTolerance::Relative { p: pct, factor } => {
                for ((slot, (&a, &t)), &p) in rows {
                    let sf = sign.wrapping_mul(t.wrapping_sub(a));
                    let lhs = i128::from(sf).wrapping_mul(factor);
                    let rhs = i128::from(t).wrapping_abs().wrapping_mul(pct);
                    let rated = u8::from(lhs <= rhs) + u8::from(sf <= 0);
                    *slot = select(p, rated);
                }
            }
        }
        true
    }
}

/// The code for a row with presence bits `p` (bit 0 actual, bit 1 target) and rated code `rated`.
#[inline(always)]
fn select(p: u8, rated: u8) -> u8 {
    let has_actual = p & 1;
    let has_target = (p >> 1) & 1;
    // actual missing → 4; actual but no target → 5; both → rated.
    let with_actual = has_target * rated + (1 - has_target) * Status::NoTarget.code();
    has_actual * with_actual + (1 - has_actual) * Status::NoData.code()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn lengths_are_checked() {
        let a = [Some(dec!(1))];
        let t = [Some(dec!(1)), None];
        let err = rate_codes(&Batch::new(&a, &t, Polarity::Higher, Tolerance::None)).unwrap_err();
        assert!(matches!(
            err.kind(),
            ErrorKind::Length {
                found: 2,
                expected: 1,
                ..
            }
        ));
    }

    #[test]
    fn row_errors_name_the_row() {
        let a = [Some(dec!(1)), Some(dec!(1))];
        let t = [Some(dec!(1)), Some(dec!(2))];
        let tol = [Tolerance::Floor(dec!(0)), Tolerance::Floor(dec!(3))];
        let batch = Batch {
            tolerance: Column::PerRow(&tol),
            ..Batch::new(&a, &t, Polarity::Higher, Tolerance::None)
        };
        let err = rate_codes(&batch).unwrap_err();
        assert_eq!(
            err.location().field.as_deref(),
            Some("row[1].tolerance.floor")
        );
    }

    #[test]
    fn fast_and_slow_agree_on_edges() {
        let a = [
            Some(dec!(43)),
            Some(dec!(42.99)),
            Some(dec!(45)),
            None,
            Some(dec!(1)),
        ];
        let t = [
            Some(dec!(45)),
            Some(dec!(45)),
            Some(dec!(45)),
            Some(dec!(1)),
            None,
        ];
        for tol in [
            Tolerance::Absolute(dec!(2)),
            Tolerance::Relative(dec!(4.444444)),
        ] {
            let batch = Batch::new(&a, &t, Polarity::Higher, tol);
            let plan = FastPlan::new(&batch).unwrap();
            let mut fast = vec![9; a.len()];
            assert!(plan.run(&a, &t, &mut fast));
            assert_eq!(fast, rate_codes(&batch).unwrap());
            let mut slow = vec![0; a.len()];
            for (row, slot) in slow.iter_mut().enumerate() {
                *slot = rate_row(&batch, row).unwrap();
            }
            assert_eq!(fast, slow);
        }
    }
}
