//! The fixed-point entry point: columns already held as scaled integers.
//!
//! A [`ScaledBatch`] holds actuals and targets as `i64` counts of `10^-scale` (so `4410` at
//! scale 2 is 44.10), optional validity masks (`false` = missing: a missing actual gives NoData,
//! a missing target NoTarget; the value in a masked-out slot is ignored), and one polarity and
//! tolerance shared by every row. [`rate_scaled`] gives exactly the codes of
//! [`rate_status`](crate::rate_status) on `Decimal::new(value, scale)` (property-tested).
//!
//! The rule is prepared once per call (the tolerance turned into units of the scale) and each
//! block of 2,048 rows is decided by a branch-free loop over the integers that the compiler
//! vectorises: the status codes first (Red/Amber/Green from the sign bits of `amount − shortfall`
//! and `−shortfall`), then the masks over the bytes. A relative tolerance compares
//! `shortfall · 100 · 10^s ≤ |target| · p` (p the percent's digits, s its scale) in `i64` while
//! the block's values are small enough for the products (below 2^54 for 5%), in `i128`
//! otherwise.
//!
//! Values are decided in integers only while every value lies in `[-2^61, 2^61)`. A block
//! holding a value beyond that (even in a masked-out slot: fill those with 0 for speed), and a
//! rule the integer loop does not cover (a `floor` tolerance; a relative tolerance too precise
//! for the Decimal rule to be exact, i.e. more than 34 bits of mantissa or `scale + its scale >
//! 26`), is rated row by row with `Decimal` arithmetic instead, with the same results and
//! errors. For columns of `f64`, convert first with [`scale_f64_into`](super::scale_f64_into).
//!
//! ```
//! use ragstatus::columnar::{rate_scaled, ScaledBatch};
//! use ragstatus::{Polarity, Status, Tolerance};
//! use rust_decimal_macros::dec;
//!
//! // 44.1 vs 45.0, 45.0 vs 45.0, (missing) vs 45.0, 40.0 vs (missing), at 1 decimal place.
//! let actuals = [441, 450, 0, 400];
//! let targets = [450, 450, 450, 0];
//! let actual_valid = [true, true, false, true];
//! let target_valid = [true, true, true, false];
//! let batch = ScaledBatch::new(&actuals, &targets, 1, Polarity::Higher, Tolerance::absolute(dec!(2))?)
//!     .with_validity(Some(&actual_valid), Some(&target_valid));
//! assert_eq!(
//!     rate_scaled(&batch)?,
//!     [Status::Amber.code(), Status::Green.code(), Status::NoData.code(), Status::NoTarget.code()]
//! );
//! # Ok::<(), ragstatus::Error>(())
//! ```

use rust_decimal::Decimal;

use super::{check_len, simd};
use crate::error::{Error, Result};
use crate::polarity::Polarity;
use crate::rating::{Rule, rate_status};
use crate::status::Status;
use crate::target::Target;
use crate::tolerance::Tolerance;

/// The largest scale accepted (`10^18` is the largest power of ten in `i64`).
pub const MAX_SCALE: u32 = 18;

/// Rows decided together: small enough that a block with an out-of-range value is cheap to redo
/// row by row, large enough that the loop overhead vanishes.
const BLOCK: usize = 2048;
/// Values in `[-2^61, 2^61)` keep every difference the integer loop takes inside `i64`.
const RANGE_BITS: u32 = 61;
/// Absolute amounts are capped here: every shortfall of in-range values is below it.
const AMOUNT_CAP: i64 = 1 << 62;
/// Rows per thread below which splitting does not pay.
const MIN_CHUNK: usize = 1 << 14;

/// Scaled-integer columns with one shared polarity and tolerance; see
/// [scaled integers](crate::columnar#scaled-integers) in the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaledBatch<'a> {
    /// Each row's actual, in units of `10^-scale`.
    pub actuals: &'a [i64],
    /// Each row's target, in units of `10^-scale`.
    pub targets: &'a [i64],
    /// Which actuals are present (`None`: all of them).
    pub actual_valid: Option<&'a [bool]>,
    /// Which targets are present (`None`: all of them).
    pub target_valid: Option<&'a [bool]>,
    /// The number of decimal places of every value, at most [`MAX_SCALE`].
    pub scale: u32,
    /// The polarity of every row (`within` means the single target value is the whole range).
    pub polarity: Polarity,
    /// The tolerance of every row, as a decimal in the indicator's units (not scaled).
    pub tolerance: Tolerance,
}

impl<'a> ScaledBatch<'a> {
    /// A batch with every value present.
    pub fn new(
        actuals: &'a [i64],
        targets: &'a [i64],
        scale: u32,
        polarity: Polarity,
        tolerance: Tolerance,
    ) -> ScaledBatch<'a> {
        ScaledBatch {
            actuals,
            targets,
            actual_valid: None,
            target_valid: None,
            scale,
            polarity,
            tolerance,
        }
    }

    /// The same batch with validity masks (`false` = missing).
    pub fn with_validity(
        mut self,
        actual_valid: Option<&'a [bool]>,
        target_valid: Option<&'a [bool]>,
    ) -> ScaledBatch<'a> {
        self.actual_valid = actual_valid;
        self.target_valid = target_valid;
        self
    }

    /// The number of rows (the length of `actuals`).
    pub fn len(&self) -> usize {
        self.actuals.len()
    }

    /// Whether the batch has no rows.
    pub fn is_empty(&self) -> bool {
        self.actuals.is_empty()
    }

    /// Checks the column lengths, the scale and the tolerance.
    pub fn check(&self) -> Result<()> {
        let n = self.len();
        check_len("targets", self.targets.len(), n)?;
        if let Some(v) = self.actual_valid {
            check_len("actual_valid", v.len(), n)?;
        }
        if let Some(v) = self.target_valid {
            check_len("target_valid", v.len(), n)?;
        }
        if self.scale > MAX_SCALE {
            return Err(Error::invalid_value(
                self.scale.to_string(),
                format!("a scale of at most {MAX_SCALE} decimal places"),
            )
            .with_field("scale"));
        }
        self.tolerance.validate()
    }

    /// Rows `start..end` as a batch of their own. Errors if the range is out of bounds.
    pub fn slice(&self, start: usize, end: usize) -> Result<ScaledBatch<'a>> {
        let oob = || {
            Error::invalid_value(
                format!("rows {start}..{end}"),
                format!("a range within 0..{}", self.len()),
            )
        };
        let mask = |m: Option<&'a [bool]>| -> Result<Option<&'a [bool]>> {
            match m {
                Some(m) => m.get(start..end).map(Some).ok_or_else(oob),
                None => Ok(None),
            }
        };
        Ok(ScaledBatch {
            actuals: self.actuals.get(start..end).ok_or_else(oob)?,
            targets: self.targets.get(start..end).ok_or_else(oob)?,
            actual_valid: mask(self.actual_valid)?,
            target_valid: mask(self.target_valid)?,
            ..*self
        })
    }
}

/// Rates every row of `batch`; one [`Status::code`] per row.
pub fn rate_scaled(batch: &ScaledBatch<'_>) -> Result<Vec<u8>> {
    let mut out = vec![0u8; batch.len()];
    rate_scaled_into(batch, &mut out)?;
    Ok(out)
}

/// Rates every row of `batch` into `out`, which must have one byte per row.
pub fn rate_scaled_into(batch: &ScaledBatch<'_>, out: &mut [u8]) -> Result<()> {
    batch.check()?;
    check_len("output", out.len(), batch.len())?;
    let plan = Plan::new(batch);
    rate_part(batch, &plan, out, 0)
}

/// Rates every row of `batch` on up to `threads` scoped threads (contiguous chunks). On errors,
/// the one of the lowest row is returned.
///
/// ```
/// use ragstatus::columnar::{rate_scaled, rate_scaled_parallel, ScaledBatch};
/// use ragstatus::{Decimal, Polarity, Tolerance};
///
/// let actuals: Vec<i64> = (0..100_000).collect();
/// let targets = vec![50_000; 100_000];
/// let batch = ScaledBatch::new(&actuals, &targets, 2, Polarity::Lower, Tolerance::Relative(Decimal::TEN));
/// assert_eq!(rate_scaled_parallel(&batch, 2)?, rate_scaled(&batch)?);
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn rate_scaled_parallel(batch: &ScaledBatch<'_>, threads: usize) -> Result<Vec<u8>> {
    let mut out = vec![0u8; batch.len()];
    rate_scaled_parallel_into(batch, &mut out, threads)?;
    Ok(out)
}

/// [`rate_scaled_parallel`] into a caller's buffer of one byte per row.
pub fn rate_scaled_parallel_into(
    batch: &ScaledBatch<'_>,
    out: &mut [u8],
    threads: usize,
) -> Result<()> {
    batch.check()?;
    check_len("output", out.len(), batch.len())?;
    let n = batch.len();
    let threads = threads.clamp(1, 64);
    let plan = Plan::new(batch);
    if threads == 1 || n < 2 * MIN_CHUNK {
        return rate_part(batch, &plan, out, 0);
    }
    // Whole blocks per thread, so that no two threads write the same cache line.
    let chunk = n.div_ceil(threads).div_ceil(BLOCK) * BLOCK;
    let plan = &plan;
    let results: Vec<Result<()>> = std::thread::scope(|scope| {
        let handles: Vec<_> = out
            .chunks_mut(chunk)
            .enumerate()
            .map(|(i, part)| {
                let start = i * chunk;
                let end = start + part.len();
                scope.spawn(move || {
                    let sub = batch.slice(start, end)?;
                    rate_part(&sub, plan, part, start)
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
    results.into_iter().collect()
}

/// The rule prepared for the integer loop, or the reason to rate row by row.
#[derive(Debug, Clone, Copy)]
enum Plan {
    /// shortfall ≤ amount, with the amount in units of the scale.
    Absolute { polarity: Polarity, amount: i64 },
    /// shortfall · factor ≤ |target| · p, with p the percent's mantissa and factor
    /// 100 · 10^(the percent's scale).
    Relative {
        polarity: Polarity,
        p: i64,
        factor: i64,
        /// Values below 2^narrow keep both products below 2^62, so that `i64` suffices.
        narrow: u32,
    },
    /// Row by row with Decimal arithmetic.
    Decimal,
}

impl Plan {
    fn new(batch: &ScaledBatch<'_>) -> Plan {
        let polarity = batch.polarity;
        match batch.tolerance {
            Tolerance::None => Plan::Absolute {
                polarity,
                amount: 0,
            },
            Tolerance::Absolute(t) => match floor_units(t, batch.scale) {
                Some(amount) => Plan::Absolute { polarity, amount },
                None => Plan::Decimal,
            },
            Tolerance::Relative(p) => {
                // Only where the Decimal rule's |t|·p/100 is exact (below 2^96, scale ≤ 28),
                // so that both agree.
                let p = p.normalize();
                let sp = p.scale();
                let pm = p.mantissa();
                if !(0..(1 << 34)).contains(&pm) || batch.scale + sp > 26 {
                    return Plan::Decimal;
                }
                match (i64::try_from(pm), pow10(sp)) {
                    (Ok(p), Some(f)) if f <= i64::MAX / 100 => {
                        let factor = f * 100;
                        // |sf| < 2^(k+1) and |t| < 2^k: |sf|·factor < 2^62 and |t|·p < 2^62.
                        let bits = |x: i64| 64 - x.leading_zeros();
                        let narrow = 61u32
                            .saturating_sub(bits(factor))
                            .min(62u32.saturating_sub(bits(p)));
                        Plan::Relative {
                            polarity,
                            p,
                            factor,
                            narrow,
                        }
                    }
                    _ => Plan::Decimal,
                }
            }
            Tolerance::Floor(_) => Plan::Decimal,
        }
    }
}

fn pow10(exp: u32) -> Option<i64> {
    10i64.checked_pow(exp)
}

/// ⌊t · 10^scale⌋ for a tolerance t ≥ 0, capped at 2^62 (every shortfall of in-range values is
/// below that, so the cap decides the same). An integer shortfall s satisfies
/// s ≤ t exactly when s ≤ ⌊t · 10^scale⌋.
fn floor_units(t: Decimal, scale: u32) -> Option<i64> {
    if t.is_sign_negative() && !t.is_zero() {
        return None;
    }
    let m = t.mantissa();
    let ts = t.scale();
    let units = if ts >= scale {
        let div = 10i128.checked_pow(ts - scale)?;
        m / div
    } else {
        let mul = 10i128.checked_pow(scale - ts)?;
        m.checked_mul(mul).unwrap_or(i128::MAX)
    };
    Some(i64::try_from(units).unwrap_or(i64::MAX).min(AMOUNT_CAP))
}

/// Rates a checked batch whose first row is row `offset` of the caller's.
fn rate_part(batch: &ScaledBatch<'_>, plan: &Plan, out: &mut [u8], offset: usize) -> Result<()> {
    for (index, block) in out.chunks_mut(BLOCK).enumerate() {
        let start = index * BLOCK;
        let end = start + block.len();
        let sub = batch.slice(start, end)?;
        // Compiled for the CPU's best vector level: SSE2 has no 64-bit compare, AVX2 has.
        let done = simd::dispatch(
            #[inline(always)]
            || match *plan {
                Plan::Absolute { polarity, amount } => match polarity {
                    Polarity::Higher => decide(&sub, block, RANGE_BITS, |a, t| {
                        absolute(t.wrapping_sub(a), amount)
                    }),
                    Polarity::Lower => decide(&sub, block, RANGE_BITS, |a, t| {
                        absolute(a.wrapping_sub(t), amount)
                    }),
                    Polarity::Within => decide(&sub, block, RANGE_BITS, |a, t| {
                        absolute(t.wrapping_sub(a).wrapping_abs(), amount)
                    }),
                },
                Plan::Relative {
                    polarity,
                    p,
                    factor,
                    narrow,
                } => {
                    let sf = move |a: i64, t: i64| match polarity {
                        Polarity::Higher => t.wrapping_sub(a),
                        Polarity::Lower => a.wrapping_sub(t),
                        Polarity::Within => t.wrapping_sub(a).wrapping_abs(),
                    };
                    // In `i64` when the block's values are small enough, else in `i128`.
                    let small = match polarity {
                        Polarity::Higher => decide(&sub, block, narrow, |a, t| {
                            relative64(t.wrapping_sub(a), t, p, factor)
                        }),
                        Polarity::Lower => decide(&sub, block, narrow, |a, t| {
                            relative64(a.wrapping_sub(t), t, p, factor)
                        }),
                        Polarity::Within => decide(&sub, block, narrow, |a, t| {
                            relative64(t.wrapping_sub(a).wrapping_abs(), t, p, factor)
                        }),
                    };
                    small
                        || decide(&sub, block, RANGE_BITS, |a, t| {
                            relative(sf(a, t), t, p, factor)
                        })
                }
                Plan::Decimal => false,
            },
        );
        if !done {
            by_decimal(&sub, block, offset + start)?;
        }
    }
    Ok(())
}

/// Red 0, Amber 1, Green 2 for shortfall `sf` against `amount`, from sign bits alone (the SSE2
/// baseline has no 64-bit compare, but has 64-bit subtract and shift). Needs |sf| < 2^62 and
/// 0 ≤ amount ≤ 2^62, so that neither subtraction overflows.
#[inline(always)]
fn absolute(sf: i64, amount: i64) -> u8 {
    let red = (amount.wrapping_sub(sf) as u64 >> 63) as u8; // sf > amount
    let short = (sf.wrapping_neg() as u64 >> 63) as u8; // sf > 0
    2 - (red + short)
}

/// As [`relative`], in `i64` from sign bits: needs |sf|·factor < 2^62 and |t|·p < 2^62.
#[inline(always)]
fn relative64(sf: i64, t: i64, p: i64, factor: i64) -> u8 {
    let lhs = sf.wrapping_mul(factor);
    let red = (t.wrapping_abs().wrapping_mul(p).wrapping_sub(lhs) as u64 >> 63) as u8;
    let short = (sf.wrapping_neg() as u64 >> 63) as u8;
    2 - (red + short)
}

#[inline(always)]
fn relative(sf: i64, t: i64, p: i64, factor: i64) -> u8 {
    let lhs = i128::from(sf) * i128::from(factor);
    let rhs = i128::from(t.wrapping_abs()) * i128::from(p);
    u8::from(lhs <= rhs) + u8::from(sf <= 0)
}

/// Decides one block with `rated` (the code for two present values). False when a value
/// (present or not) lies outside `[-2^bits, 2^bits)`, `bits` ≤ 61.
#[inline(always)]
fn decide(
    batch: &ScaledBatch<'_>,
    out: &mut [u8],
    bits: u32,
    rated: impl Fn(i64, i64) -> u8,
) -> bool {
    let rows = batch.actuals.iter().zip(batch.targets.iter());
    // x ∈ [-2^bits, 2^bits) ⟺ x + 2^bits < 2^(bits+1) as unsigned: OR every such sum, test
    // once.
    let mut acc = 0u64;
    let half = 1i64 << bits;
    let lift = |x: i64| x.wrapping_add(half) as u64;
    // First the rated codes alone (64-bit lanes), then the masks over the bytes (16 per
    // vector): fused, the masks would have to be widened to 64-bit lanes.
    for (slot, (&a, &t)) in out.iter_mut().zip(rows) {
        acc |= lift(a) | lift(t);
        *slot = rated(a, t);
    }
    match (batch.actual_valid, batch.target_valid) {
        (None, None) => {}
        (Some(av), None) => {
            for (slot, &ha) in out.iter_mut().zip(av) {
                *slot = select(ha, true, *slot);
            }
        }
        (None, Some(tv)) => {
            for (slot, &ht) in out.iter_mut().zip(tv) {
                *slot = select(true, ht, *slot);
            }
        }
        (Some(av), Some(tv)) => {
            for (slot, (&ha, &ht)) in out.iter_mut().zip(av.iter().zip(tv)) {
                *slot = select(ha, ht, *slot);
            }
        }
    }
    acc >> (bits + 1) == 0
}

/// NoData 4 without an actual, NoTarget 5 without a target, else `rated`; bitwise, without
/// branches or multiplications.
#[inline(always)]
fn select(has_actual: bool, has_target: bool, rated: u8) -> u8 {
    let keep_t = 0u8.wrapping_sub(u8::from(has_target)); // 0xFF when present
    let with_actual = (rated & keep_t) | (Status::NoTarget.code() & !keep_t);
    let keep_a = 0u8.wrapping_sub(u8::from(has_actual));
    (with_actual & keep_a) | (Status::NoData.code() & !keep_a)
}

/// Rates rows with Decimal arithmetic, exactly as [`rate_status`].
fn by_decimal(batch: &ScaledBatch<'_>, out: &mut [u8], offset: usize) -> Result<()> {
    let rule = Rule::new(batch.polarity, batch.tolerance);
    let present = |mask: Option<&[bool]>, i: usize| mask.is_none_or(|m| m.get(i) == Some(&true));
    let rows = batch.actuals.iter().zip(batch.targets.iter());
    for (i, (slot, (&a, &t))) in out.iter_mut().zip(rows).enumerate() {
        let decimal = |v: i64| Decimal::try_new(v, batch.scale).ok();
        let actual = if present(batch.actual_valid, i) {
            decimal(a)
        } else {
            None
        };
        let target = if present(batch.target_valid, i) {
            decimal(t).map(Target::Value)
        } else {
            None
        };
        *slot = rate_status(actual, target.as_ref(), None, &rule)
            .map_err(|e| e.with_field(format!("row[{}]", offset + i)))?
            .code();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn floor_units_rounds_down() {
        assert_eq!(floor_units(dec!(2.005), 2), Some(200));
        assert_eq!(floor_units(dec!(2), 2), Some(200));
        assert_eq!(floor_units(dec!(0.009), 2), Some(0));
        assert_eq!(floor_units(Decimal::MAX, 18), Some(AMOUNT_CAP));
    }

    #[test]
    fn out_of_range_blocks_fall_back() {
        let a = [i64::MAX, 5, i64::MIN];
        let t = [i64::MIN, 5, i64::MAX];
        let batch = ScaledBatch::new(&a, &t, 0, Polarity::Lower, Tolerance::None);
        assert_eq!(rate_scaled(&batch).unwrap(), [0, 2, 2]);
    }

    #[test]
    fn huge_absolute_tolerances_are_capped() {
        let a = [10, 10, 1 << 60];
        let t = [5, 20, -(1 << 60)];
        let tol = Tolerance::Absolute(Decimal::MAX);
        let batch = ScaledBatch::new(&a, &t, 0, Polarity::Higher, tol);
        assert!(matches!(Plan::new(&batch), Plan::Absolute { .. }));
        assert_eq!(rate_scaled(&batch).unwrap(), [2, 1, 2]);
        let batch = ScaledBatch::new(&a, &t, 0, Polarity::Lower, tol);
        assert_eq!(rate_scaled(&batch).unwrap(), [1, 2, 1]);
    }

    #[test]
    fn floor_and_errors_name_rows() {
        let a = [10, 10];
        let t = [20, 5];
        let batch = ScaledBatch::new(&a, &t, 0, Polarity::Higher, Tolerance::Floor(dec!(8)));
        let err = rate_scaled(&batch).unwrap_err();
        assert_eq!(
            err.location().field.as_deref(),
            Some("row[1].tolerance.floor")
        );
        let batch = ScaledBatch::new(&a, &t, 19, Polarity::Higher, Tolerance::None);
        assert!(rate_scaled(&batch).is_err());
    }
}
