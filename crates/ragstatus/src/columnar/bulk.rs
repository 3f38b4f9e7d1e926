//! Bulk rating of columns as data frames hand them over (see [`rate_rule_batch`]).

use rust_decimal::Decimal;

use super::float::scale_f64;
use super::{Batch, Column, check_len, rate_codes_parallel, simd};
use crate::error::{Error, Result};
use crate::polarity::Polarity;
use crate::rating::{Rule, rate_status};
use crate::status::Status;
use crate::target::Target;
use crate::value::decimal_from_f64;

/// Rows below which the breakpoints are not worth finding (they cost about 150 calls of
/// [`rate_status`]).
const BREAKPOINTS_FROM: usize = 512;
/// Rows below which the work is not split over threads.
const PARALLEL_FROM: usize = 1 << 15;
/// The breakpoints are searched for among scaled values below 2^52 in magnitude, beyond every
/// value [`scale_f64`] accepts (2^51).
const SEARCH_LIMIT: i64 = 1 << 52;
/// What is expected of a float actual.
const FINITE_FLOAT: &str = "a finite float within the range of a decimal (about ±7.9e28)";
/// Marks rows the bulk pass cannot decide.
const SLOW: u8 = u8::MAX;
/// The breakpoint pass decides scaled values below 2^50 in magnitude: there the nearest integer
/// is the only decimal with the declared places that can round to the float.
const VECTOR_LIMIT: f64 = (1u64 << 50) as f64;
/// 1.5 · 2^52: added and subtracted, it rounds a float below 2^51 to an integer.
const ROUND: f64 = (3u64 << 51) as f64;

/// The actuals of a [`RuleBatch`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Actuals<'a> {
    /// Floats (numpy `float64`, an Arrow `Float64` buffer): NaN is missing.
    Floats {
        /// One float per row.
        values: &'a [f64],
        /// Rows that are missing whatever their float holds (the null slots of an Arrow
        /// buffer read in place), ascending.
        nulls: &'a [usize],
        /// The decimal places the column was declared with: a speed hint, never a rounding.
        decimals: Option<u32>,
    },
    /// Exact values; `None` is missing.
    Exact(&'a [Option<Decimal>]),
}

impl Actuals<'_> {
    /// The number of rows.
    pub fn len(&self) -> usize {
        match self {
            Actuals::Floats { values, .. } => values.len(),
            Actuals::Exact(values) => values.len(),
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The columns of one batch and its rule; see [`rate_rule_batch`].
#[derive(Debug, Clone, Copy)]
pub struct RuleBatch<'a> {
    /// The actual of each row.
    pub actuals: Actuals<'a>,
    /// The target of each row (`None`: NoTarget).
    pub targets: Column<'a, Option<Target>>,
    /// The stretch target of each row, if any.
    pub stretches: Column<'a, Option<Decimal>>,
    /// The rule every row is rated by.
    pub rule: &'a Rule,
}

/// A float as the decimal [`rate_status`] is given: the decimal of its shortest round-trip text,
/// found without printing when it has at most `decimals` places; `None` for NaN. An infinity, or
/// a magnitude beyond a [`Decimal`]'s range, is an [`ErrorKind::InvalidValue`].
///
/// ```
/// use ragstatus::columnar::float_decimal;
/// use rust_decimal_macros::dec;
/// assert_eq!(float_decimal(44.1, Some(2))?, Some(dec!(44.10)));
/// assert_eq!(float_decimal(0.1 + 0.2, Some(2))?, Some(dec!(0.30000000000000004)));
/// assert_eq!(float_decimal(f64::NAN, None)?, None);
/// assert!(float_decimal(f64::INFINITY, None).is_err());
/// # Ok::<(), ragstatus::Error>(())
/// ```
///
/// [`ErrorKind::InvalidValue`]: crate::ErrorKind::InvalidValue
pub fn float_decimal(x: f64, decimals: Option<u32>) -> Result<Option<Decimal>> {
    if x.is_nan() {
        return Ok(None);
    }
    if let Some(d) = decimals {
        // Accepted only with at most 18 places, so the scale is one a Decimal takes.
        let exact = scale_f64(x, d)
            .ok()
            .and_then(|m| Decimal::try_from_i128_with_scale(i128::from(m), d).ok());
        if let Some(value) = exact {
            return Ok(Some(value));
        }
    }
    decimal_from_f64(x)
        .map(Some)
        .ok_or_else(|| Error::invalid_value(format!("{x}"), FINITE_FLOAT))
}

/// Rates every row of `batch` on up to `threads` threads; one [`Status::code`] per row. The
/// first error met stops the batch, with its row in the field (`row[12]`).
///
/// The columns are what data frames hand over: floats read in place or exact values, one target
/// for every row or one per row, and any [`Rule`] (custom schemes included).
///
/// A [`RuleBatch`] gives exactly the codes of [`rate_status`] on each row, where a float actual
/// is the decimal of its shortest round-trip text (SPEC §14), as
/// [`decimal_from_f64`] reads it. [`Actuals::Floats`] may carry the number of decimal places the
/// column was declared with: a speed hint, never a rounding. A float whose shortest text has at
/// most that many places is scaled to an integer without printing it ([`scale_f64`]); any other
/// float is read by the general rule, as without the hint.
///
/// **The step function.** For float actuals with declared decimals, one target and stretch for
/// every row and a `higher` or `lower` polarity, the status is a monotone step function of the
/// actual (`props_rating` checks the property). Its three breakpoints (the least scaled actual
/// at or beyond which the status is at least Amber, Green, Blue) are found once by binary
/// search with [`rate_status`] itself, and each row is then decided in one branch-free pass
/// compiled for the CPU's vector level ([`simd::dispatch`]): scale, check that the float is
/// exactly a decimal with the declared places (the test of [`scale_f64`], for scaled values
/// below 2^50, where it needs no second candidate), compare with the breakpoints. A row the pass
/// cannot decide (more places than declared, an infinity, a very large value) is rated alone
/// with [`rate_status`].
///
/// Otherwise the standard rule with Blue goes through [`rate_codes_parallel`], and anything
/// else (a custom scheme, Blue off, a small batch) is rated row by row.
///
/// ```
/// use ragstatus::columnar::{Actuals, Column, RuleBatch, rate_rule_batch};
/// use ragstatus::{Polarity, Rule, Status, Target, Tolerance};
/// use rust_decimal_macros::dec;
///
/// let rule = Rule::new(Polarity::Higher, Tolerance::absolute(dec!(0.3))?);
/// let values = [12.5, 12.9, f64::NAN, 0.1 + 0.2];
/// let batch = RuleBatch {
///     actuals: Actuals::Floats { values: &values, nulls: &[], decimals: Some(1) },
///     targets: Column::Shared(Some(Target::Value(dec!(12.8)))),
///     stretches: Column::Shared(None),
///     rule: &rule,
/// };
/// let codes = rate_rule_batch(&batch, 1)?;
/// let expected = [Status::Amber, Status::Green, Status::NoData, Status::Red];
/// assert_eq!(codes, expected.map(Status::code));
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn rate_rule_batch(batch: &RuleBatch<'_>, threads: usize) -> Result<Vec<u8>> {
    let n = batch.actuals.len();
    check_len_of(&batch.targets, "target", n)?;
    check_len_of(&batch.stretches, "stretch", n)?;
    let threads = if n < PARALLEL_FROM {
        1
    } else {
        threads.clamp(1, 64)
    };
    let fast = if n >= BREAKPOINTS_FROM {
        breakpoints(batch)
    } else {
        None
    };
    if fast.is_none() && batch.rule.scheme.is_none() && batch.rule.blue && n >= BREAKPOINTS_FROM {
        return standard(batch, threads);
    }
    let work = |start: usize, chunk: &mut [u8]| -> std::result::Result<(), RowError> {
        match &fast {
            Some(bp) => fast_rows(batch, start, chunk, bp),
            None => rows(batch, start, chunk),
        }
    };
    let mut out = vec![0u8; n];
    split(&mut out, threads, work).map_err(|(row, err)| err.with_field(format!("row[{row}]")))?;
    Ok(out)
}

fn check_len_of<T>(column: &Column<'_, T>, name: &str, expected: usize) -> Result<()> {
    match column {
        Column::PerRow(values) => check_len(name, values.len(), expected),
        Column::Shared(_) => Ok(()),
    }
}

/// The first error met, with its row.
type RowError = (usize, Error);

/// Runs `work` over contiguous chunks of `out` on scoped threads; the error of the lowest row
/// wins.
fn split<T: Send>(
    out: &mut [T],
    threads: usize,
    work: impl Fn(usize, &mut [T]) -> std::result::Result<(), RowError> + Sync,
) -> std::result::Result<(), RowError> {
    if threads <= 1 {
        return work(0, out);
    }
    let size = out.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        // The calling thread rates the first chunk itself rather than wait: one thread fewer to
        // start per call.
        let mut chunks = out.chunks_mut(size);
        let first = chunks.next();
        let handles: Vec<_> = chunks
            .enumerate()
            .map(|(c, chunk)| {
                let work = &work;
                scope.spawn(move || work((c + 1) * size, chunk))
            })
            .collect();
        let first = first.map_or(Ok(()), |chunk| work(0, chunk));
        // Every thread joined, in row order, before any error is looked at: the lowest row's
        // error wins, and the scope would panic on a worker that panicked and was not joined.
        let rest: Vec<std::result::Result<(), RowError>> = handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err((0, Error::definition("a worker thread failed"))))
            })
            .collect();
        first.and_then(|()| rest.into_iter().collect())
    })
}

fn actual(batch: &RuleBatch<'_>, i: usize) -> Result<Option<Decimal>> {
    match batch.actuals {
        Actuals::Floats { nulls, .. } if nulls.binary_search(&i).is_ok() => Ok(None),
        Actuals::Floats {
            values, decimals, ..
        } => match values.get(i) {
            Some(x) => float_decimal(*x, decimals),
            None => Ok(None),
        },
        Actuals::Exact(values) => Ok(values.get(i).copied().flatten()),
    }
}

fn row(batch: &RuleBatch<'_>, i: usize) -> Result<u8> {
    let target = batch.targets.get(i).flatten();
    let stretch = batch.stretches.get(i).flatten();
    rate_status(actual(batch, i)?, target.as_ref(), stretch, batch.rule).map(Status::code)
}

fn rows(batch: &RuleBatch<'_>, start: usize, out: &mut [u8]) -> std::result::Result<(), RowError> {
    for (k, slot) in out.iter_mut().enumerate() {
        let i = start + k;
        *slot = row(batch, i).map_err(|e| (i, e))?;
    }
    Ok(())
}

/// The standard rule on [`rate_codes_parallel`], the actuals converted on all threads first.
fn standard(batch: &RuleBatch<'_>, threads: usize) -> Result<Vec<u8>> {
    let n = batch.actuals.len();
    let mut actuals = vec![None; n];
    split(&mut actuals, threads, |start, chunk| {
        for (k, slot) in chunk.iter_mut().enumerate() {
            *slot = actual(batch, start + k).map_err(|e| (start + k, e))?;
        }
        Ok(())
    })
    .map_err(|(row, err)| err.with_field(format!("row[{row}]")))?;
    let mut targets = Vec::with_capacity(n);
    let mut highs: Vec<Option<Decimal>> = Vec::new();
    let mut any_range = false;
    for i in 0..n {
        let (low, high) = match batch.targets.get(i).flatten() {
            Some(Target::Value(v)) => (Some(v), None),
            Some(Target::Range { low, high }) => {
                any_range = true;
                (Some(low), Some(high))
            }
            None => (None, None),
        };
        targets.push(low);
        highs.push(high);
    }
    let stretches: Option<Vec<Option<Decimal>>> = match batch.stretches {
        Column::Shared(None) => None,
        Column::Shared(Some(s)) => Some(vec![Some(s); n]),
        Column::PerRow(v) => Some(v.to_vec()),
    };
    let columns = Batch {
        actuals: &actuals,
        targets: &targets,
        highs: any_range.then_some(highs.as_slice()),
        stretches: stretches.as_deref(),
        polarity: Column::Shared(batch.rule.polarity),
        tolerance: Column::Shared(batch.rule.tolerance),
    };
    // The row is in the error's field already.
    rate_codes_parallel(&columns, threads)
}

/// The step function: declared decimals, the three breakpoints, whether higher is better, and
/// the code of a missing actual.
#[derive(Debug, Clone, Copy)]
struct Breakpoints {
    decimals: u32,
    points: [i64; 3],
    higher: bool,
    missing: Option<u8>,
}

/// The breakpoints of the monotone step function, when it applies: for each of Amber, Green
/// and Blue the least argument (the scaled actual for higher, its negation for lower) at which
/// the status is at least that good.
fn breakpoints(batch: &RuleBatch<'_>) -> Option<Breakpoints> {
    let Actuals::Floats {
        decimals: Some(d), ..
    } = batch.actuals
    else {
        return None;
    };
    // 10^d is exact as a float, and the scaled values the pass decides stay below 2^50.
    if d > 15 {
        return None;
    }
    let (Column::Shared(Some(target)), Column::Shared(stretch)) = (batch.targets, batch.stretches)
    else {
        return None;
    };
    let higher = match batch.rule.polarity {
        Polarity::Higher => true,
        Polarity::Lower => false,
        Polarity::Within => return None,
    };
    let rank = |i: i64| -> Option<u8> {
        let actual = Decimal::try_from_i128_with_scale(i128::from(i), d).ok()?;
        match rate_status(Some(actual), Some(&target), stretch, batch.rule).ok()? {
            Status::Red => Some(0),
            Status::Amber => Some(1),
            Status::Green => Some(2),
            Status::Blue => Some(3),
            _ => None,
        }
    };
    // The rank never falls as the argument rises.
    let key = |arg: i64| -> Option<u8> {
        if higher {
            rank(arg)
        } else {
            rank(arg.checked_neg()?)
        }
    };
    let lo = -(SEARCH_LIMIT - 1);
    let hi = SEARCH_LIMIT - 1;
    // Probe both ends: any error means the per-row path must report it.
    key(lo)?;
    key(hi)?;
    let mut points = [hi + 1; 3];
    for (level, point) in (1u8..=3).zip(points.iter_mut()) {
        if key(hi)? < level {
            continue;
        }
        let (mut a, mut b) = (lo, hi);
        if key(a)? >= level {
            *point = a;
            continue;
        }
        // Invariant: key(a) < level <= key(b).
        while b - a > 1 {
            let mid = a + (b - a) / 2;
            if key(mid)? >= level {
                b = mid;
            } else {
                a = mid;
            }
        }
        *point = b;
    }
    // Monotonicity at the breakpoints themselves.
    for p in points {
        if p <= hi && key(p.checked_sub(1)?)? > key(p)? {
            return None;
        }
    }
    let missing = rate_status(None, Some(&target), stretch, batch.rule)
        .ok()
        .map(Status::code);
    Some(Breakpoints {
        decimals: d,
        points,
        higher,
        missing,
    })
}

/// Decides a run of rows by the breakpoints (the first `LEVELS`, as floats of the scaled value,
/// negated for lower-is-better), writing each code (Red 0 .. Blue 3 are the levels themselves),
/// `missing` for NaN, or [`SLOW`] for a row whose float is not provably a decimal with the
/// declared places. Branch-free, so that the compiler vectorises it. Returns whether every row
/// was decided.
#[inline(always)]
fn decide_step<const LEVELS: usize, const HIGHER: bool>(
    out: &mut [u8],
    rows: &[f64],
    p: f64,
    points: [f64; 3],
    missing: u8,
) -> bool {
    let mut all = true;
    for (slot, &x) in out.iter_mut().zip(rows) {
        let r = x * p;
        // The nearest integer for |r| < 2^51 (adding and removing 1.5·2^52 leaves no fraction
        // bits); the correctly rounded division tells whether the float is that decimal's
        // nearest float. NaN fails both tests.
        let m = (r + ROUND) - ROUND;
        let exact = (r.abs() < VECTOR_LIMIT) & (m / p == x);
        let mut level = 0u8;
        for &point in points.iter().take(LEVELS) {
            level += u8::from(if HIGHER { m >= point } else { m <= point });
        }
        let nan = x.is_nan();
        *slot = if exact {
            level
        } else if nan {
            missing
        } else {
            SLOW
        };
        all &= exact | (nan & (missing != SLOW));
    }
    all
}

/// [`decide_step`] for the polarity and the number of breakpoints: one kernel each, inlined into
/// the closure that [`simd::dispatch`] compiles for the CPU's best vector level.
#[inline(always)]
fn decide(
    (higher, blue): (bool, bool),
    out: &mut [u8],
    rows: &[f64],
    p: f64,
    points: [f64; 3],
    missing: u8,
) -> bool {
    match (higher, blue) {
        (true, true) => decide_step::<3, true>(out, rows, p, points, missing),
        (true, false) => decide_step::<2, true>(out, rows, p, points, missing),
        (false, true) => decide_step::<3, false>(out, rows, p, points, missing),
        (false, false) => decide_step::<2, false>(out, rows, p, points, missing),
    }
}

/// [`decide_step`] written with AVX-512 operations, eight rows a vector. The compiler's
/// vectorisation of the plain loop kept each comparison as a mask register and packed the masks
/// into bytes through general registers and the stack, which cost more than the arithmetic;
/// here each row's code is built in a 64-bit lane (a masked add per breakpoint reached, two
/// blends for the rows not decided) and eight lanes are narrowed to eight bytes by one
/// `vpmovqb`. The arithmetic and the tests are those of [`decide_step`], operation for
/// operation (no fused multiply-add), so the codes are the same; the rows after the last whole
/// vector go through [`decide_step`].
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn decide_step_avx512<const LEVELS: usize, const HIGHER: bool>(
    simd: pulp::x86::V4,
    out: &mut [u8],
    rows: &[f64],
    p: f64,
    points: [f64; 3],
    missing: u8,
) -> bool {
    use pulp::bytemuck::cast;
    let step = Avx512Step {
        simd,
        scale: simd.splat_f64x8(p),
        round: simd.splat_f64x8(ROUND),
        limit: simd.splat_f64x8(VECTOR_LIMIT),
        bars: points.map(|q| simd.splat_f64x8(q)),
        missing: simd.splat_u64x8(u64::from(missing)),
    };
    // SLOW is the largest code, so a row was left undecided exactly when the largest code
    // written is SLOW: one max per vector instead of a mask kept across the loop.
    let mut largest = simd.splat_u64x8(0);
    let mut codes = |x: &[f64; 8]| step.codes::<LEVELS, HIGHER>(x, &mut largest);
    // Four vectors' bytes go out together (storing each vector's eight bytes straight from
    // `vpmovqb` measured the same on Zen 4).
    let (groups, rest) = pulp::as_arrays::<32, f64>(rows);
    let (group_slots, rest_out) = pulp::as_arrays_mut::<32, u8>(out);
    for (slot, group) in group_slots.iter_mut().zip(groups) {
        let (vectors, _) = pulp::as_arrays::<8, f64>(group);
        let mut four = [0u64; 4];
        for (lane, x) in four.iter_mut().zip(vectors) {
            *lane = codes(x);
        }
        *slot = cast(four);
    }
    let (vectors, rest) = pulp::as_arrays::<8, f64>(rest);
    let (slots, rest_out) = pulp::as_arrays_mut::<8, u8>(rest_out);
    for (slot, x) in slots.iter_mut().zip(vectors) {
        *slot = codes(x).to_le_bytes();
    }
    let largest: [u64; 8] = cast(largest);
    let all = largest.iter().all(|&c| c != u64::from(SLOW));
    decide_step::<LEVELS, HIGHER>(rest_out, rest, p, points, missing) & all
}

/// What [`decide_step_avx512`] compares each vector with.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy)]
struct Avx512Step {
    simd: pulp::x86::V4,
    scale: pulp::f64x8,
    round: pulp::f64x8,
    limit: pulp::f64x8,
    bars: [pulp::f64x8; 3],
    missing: pulp::u64x8,
}

#[cfg(target_arch = "x86_64")]
impl Avx512Step {
    /// The codes of eight rows, in the low eight bytes; `largest` keeps the largest code seen.
    #[inline(always)]
    fn codes<const LEVELS: usize, const HIGHER: bool>(
        &self,
        x: &[f64; 8],
        largest: &mut pulp::u64x8,
    ) -> u64 {
        let simd = self.simd;
        let x: pulp::f64x8 = pulp::bytemuck::cast(*x);
        let r = simd.mul_f64x8(x, self.scale);
        let m = simd.sub_f64x8(simd.add_f64x8(r, self.round), self.round);
        let exact = simd.cmp_lt_f64x8(simd.abs_f64x8(r), self.limit)
            & simd.cmp_eq_f64x8(simd.div_f64x8(m, self.scale), x);
        let one = simd.splat_u64x8(1);
        let mut level = simd.splat_u64x8(0);
        for &bar in self.bars.iter().take(LEVELS) {
            let reached = if HIGHER {
                simd.cmp_ge_f64x8(m, bar)
            } else {
                simd.cmp_le_f64x8(m, bar)
            };
            level = simd.select_u64x8(reached, simd.wrapping_add_u64x8(level, one), level);
        }
        let slow = simd.splat_u64x8(u64::from(SLOW));
        let undecided = simd.select_u64x8(simd.is_nan_f64x8(x), self.missing, slow);
        let code = simd.select_u64x8(exact, level, undecided);
        *largest = simd.max_u64x8(*largest, code);
        let bytes: [u64; 2] = pulp::bytemuck::cast(simd.convert_u64x8_to_u8x16(code));
        bytes[0]
    }
}

/// What [`decide_step_avx2`] compares each vector with.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy)]
struct Avx2Step {
    simd: pulp::x86::V3,
    scale: pulp::f64x4,
    round: pulp::f64x4,
    limit: pulp::f64x4,
    bars: [pulp::f64x4; 3],
    missing: pulp::u64x4,
}

#[cfg(target_arch = "x86_64")]
impl Avx2Step {
    /// The codes of four rows, one in the low byte of each 64-bit lane.
    #[inline(always)]
    fn codes<const LEVELS: usize, const HIGHER: bool>(&self, x: &[f64; 4]) -> pulp::u64x4 {
        let simd = self.simd;
        let x: pulp::f64x4 = pulp::bytemuck::cast(*x);
        let r = simd.mul_f64x4(x, self.scale);
        let m = simd.sub_f64x4(simd.add_f64x4(r, self.round), self.round);
        let exact = simd.and_m64x4(
            simd.cmp_lt_f64x4(simd.abs_f64x4(r), self.limit),
            simd.cmp_eq_f64x4(simd.div_f64x4(m, self.scale), x),
        );
        // A comparison that holds is all ones, −1: subtracting each counts the breakpoints
        // reached.
        let mut level = simd.splat_u64x4(0);
        for &bar in self.bars.iter().take(LEVELS) {
            let reached = if HIGHER {
                simd.cmp_ge_f64x4(m, bar)
            } else {
                simd.cmp_le_f64x4(m, bar)
            };
            level = simd.wrapping_sub_u64x4(level, pulp::bytemuck::cast(reached));
        }
        let slow = simd.splat_u64x4(u64::from(SLOW));
        let undecided = simd.select_u64x4(simd.is_nan_f64x4(x), self.missing, slow);
        simd.select_u64x4(exact, level, undecided)
    }
}

/// [`decide_step`] written with AVX2 operations, four rows a vector and sixteen rows a store:
/// each vector's four codes (the low bytes of its 64-bit lanes) are moved by one byte shuffle to
/// their places among the sixteen, and the two halves of the four vectors, put together, are
/// the sixteen bytes in row order. As [`decide_step_avx512`], the arithmetic is
/// [`decide_step`]'s and the rows after the last group go through it.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn decide_step_avx2<const LEVELS: usize, const HIGHER: bool>(
    simd: pulp::x86::V3,
    out: &mut [u8],
    rows: &[f64],
    p: f64,
    points: [f64; 3],
    missing: u8,
) -> bool {
    use core::arch::x86_64::__m256i;
    use pulp::bytemuck::cast;
    let step = Avx2Step {
        simd,
        scale: simd.splat_f64x4(p),
        round: simd.splat_f64x4(ROUND),
        limit: simd.splat_f64x4(VECTOR_LIMIT),
        bars: points.map(|q| simd.splat_f64x4(q)),
        missing: simd.splat_u64x4(u64::from(missing)),
    };
    // For vector k of a group, the low bytes of its lanes (bytes 0 and 8 of each 128-bit half)
    // go to bytes 4k, 4k + 1 of the low half and 4k + 2, 4k + 3 of the high half; 0x80 clears.
    let places: [__m256i; 4] = [0usize, 1, 2, 3].map(|k| {
        let idx: [u8; 32] = core::array::from_fn(|i| {
            let first = 4 * k + 2 * (i / 16);
            match i % 16 {
                at if at == first => 0,
                at if at == first + 1 => 8,
                _ => 0x80,
            }
        });
        cast(idx)
    });
    // SLOW is the largest code: a row was left undecided exactly when the largest byte is SLOW.
    let mut largest = simd.splat_u8x16(0);
    let (groups, rest) = pulp::as_arrays::<16, f64>(rows);
    let (group_slots, rest_out) = pulp::as_arrays_mut::<16, u8>(out);
    for (slot, group) in group_slots.iter_mut().zip(groups) {
        let (vectors, _) = pulp::as_arrays::<4, f64>(group);
        let mut placed = simd.avx._mm256_setzero_si256();
        for (x, place) in vectors.iter().zip(&places) {
            let codes: __m256i = cast(step.codes::<LEVELS, HIGHER>(x));
            placed = simd
                .avx2
                ._mm256_or_si256(placed, simd.avx2._mm256_shuffle_epi8(codes, *place));
        }
        let bytes = simd.sse2._mm_or_si128(
            simd.avx._mm256_castsi256_si128(placed),
            simd.avx2._mm256_extracti128_si256::<1>(placed),
        );
        let bytes: pulp::u8x16 = cast(bytes);
        largest = simd.max_u8x16(largest, bytes);
        *slot = cast(bytes);
    }
    let largest: [u8; 16] = cast(largest);
    let all = largest.iter().all(|&c| c != SLOW);
    decide_step::<LEVELS, HIGHER>(rest_out, rest, p, points, missing) & all
}

/// [`decide`] on AVX2: [`decide_step_avx2`] for the polarity and the number of breakpoints.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn decide_avx2(
    simd: pulp::x86::V3,
    (higher, blue): (bool, bool),
    out: &mut [u8],
    rows: &[f64],
    p: f64,
    points: [f64; 3],
    missing: u8,
) -> bool {
    match (higher, blue) {
        (true, true) => decide_step_avx2::<3, true>(simd, out, rows, p, points, missing),
        (true, false) => decide_step_avx2::<2, true>(simd, out, rows, p, points, missing),
        (false, true) => decide_step_avx2::<3, false>(simd, out, rows, p, points, missing),
        (false, false) => decide_step_avx2::<2, false>(simd, out, rows, p, points, missing),
    }
}

/// [`decide`] on AVX-512: [`decide_step_avx512`] for the polarity and the number of
/// breakpoints.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn decide_avx512(
    simd: pulp::x86::V4,
    (higher, blue): (bool, bool),
    out: &mut [u8],
    rows: &[f64],
    p: f64,
    points: [f64; 3],
    missing: u8,
) -> bool {
    match (higher, blue) {
        (true, true) => decide_step_avx512::<3, true>(simd, out, rows, p, points, missing),
        (true, false) => decide_step_avx512::<2, true>(simd, out, rows, p, points, missing),
        (false, true) => decide_step_avx512::<3, false>(simd, out, rows, p, points, missing),
        (false, false) => decide_step_avx512::<2, false>(simd, out, rows, p, points, missing),
    }
}

/// Rates rows by the breakpoints, in blocks: [`decide`] settles every row whose float is
/// provably a decimal with the declared places, and the rows it marks (more places than
/// declared, infinities, very large values) are rated alone.
fn fast_rows(
    batch: &RuleBatch<'_>,
    start: usize,
    out: &mut [u8],
    bp: &Breakpoints,
) -> std::result::Result<(), RowError> {
    const BLOCK: usize = 4096;
    let Actuals::Floats { values, nulls, .. } = batch.actuals else {
        return rows(batch, start, out);
    };
    let Some(rows_here) = values.get(start..start + out.len()) else {
        return rows(batch, start, out);
    };
    // Breakpoints below 2^52 in magnitude are exact as floats. For lower-is-better the argument
    // is the negated actual: compare the actual with the negated breakpoints.
    let higher = bp.higher;
    let points = bp
        .points
        .map(|p| if higher { p as f64 } else { -(p as f64) });
    // A value decided in the pass scales to at most 2^50 in magnitude, so a breakpoint beyond it
    // is never reached (Blue without a stretch target): one comparison less.
    let blue = bp.points[2] <= (1i64 << 50);
    let p = 10f64.powi(i32::try_from(bp.decimals).unwrap_or(0));
    let missing = bp.missing.unwrap_or(SLOW);
    // The first null of each block, found once and then moved along (the nulls ascend): a
    // binary search per block cost more than the rest of the block's bookkeeping.
    let mut next_null = nulls.partition_point(|&i| i < start);
    for (b, (out, block)) in out
        .chunks_mut(BLOCK)
        .zip(rows_here.chunks(BLOCK))
        .enumerate()
    {
        let first = b * BLOCK;
        let kernel = (higher, blue);
        // The block is read as it is decided, with no reads ahead of it: the hardware
        // prefetcher keeps up with these passes, and loads ahead that missed held the loop.
        #[cfg(target_arch = "x86_64")]
        let by_hand = simd::avx512().map(|v4| {
            pulp::Simd::vectorize(
                v4,
                #[inline(always)]
                || decide_avx512(v4, kernel, out, block, p, points, missing),
            )
        });
        #[cfg(target_arch = "x86_64")]
        let by_hand = by_hand.or_else(|| {
            simd::avx2().map(|v3| {
                pulp::Simd::vectorize(
                    v3,
                    #[inline(always)]
                    || decide_avx2(v3, kernel, out, block, p, points, missing),
                )
            })
        });
        #[cfg(not(target_arch = "x86_64"))]
        let by_hand = None;
        let mut all = match by_hand {
            Some(all) => all,
            None => simd::dispatch(
                #[inline(always)]
                || decide(kernel, out, block, p, points, missing),
            ),
        };
        let first = start + first;
        let end = first + out.len();
        for &i in nulls
            .get(next_null..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&i| i < end)
        {
            next_null += 1;
            if let Some(slot) = i.checked_sub(first).and_then(|k| out.get_mut(k)) {
                *slot = missing;
                all &= missing != SLOW;
            }
        }
        if !all {
            for (k, slot) in out.iter_mut().enumerate() {
                if *slot == SLOW {
                    *slot = row(batch, first + k).map_err(|e| (first + k, e))?;
                }
            }
        }
    }
    Ok(())
}
