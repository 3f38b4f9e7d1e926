//! The columnar path of [`funnel_batch`](super::funnel_batch) and
//! [`intervals_batch`](super::intervals_batch) for integer columns, the usual input.
//!
//! Each row's estimate has the exact path's digits and scale, by integer arithmetic ([`quotient`])
//! where it reproduces rust_decimal's and by the same decimal operations elsewhere; its limits are
//! the same `f64` formulas rounded by the same function.
//! Every number is kept as a mantissa and a scale and written straight into the output columns
//! (no per-row `Decimal`, `Interval` or `FunnelPoint`, no per-row `Result`) by a [`Writer`] per
//! thread, at one scale per column that a row needing more raises. Proportions take [`Lanes`]:
//! blocks of rows whose limits, rounding and labels are computed in loops that vectorise, a lane
//! the floats cannot settle going to the per-row functions. Two more shortcuts, each exact:
//!
//! - a rounded limit is compared with the estimate or the centre (the exact path's `min`/`max`
//!   and the labels) in `f64` only when the two floats are further apart than the rounding to
//!   ten significant digits and the floats' own error can explain ([`GAP`]); closer, in decimals,
//!   as the exact path does;
//! - a rate funnel's exact Poisson limits (a quantile search per limit for a fractional expected
//!   count) are computed once per distinct denominator on each thread.
//!
//! A row the path does not take (a null or invalid cell, a count beyond 2⁵³, a limit the fast
//! rounding leaves to the text path and that fails there) is computed by the exact path's own
//! functions, so its result or error is the exact path's. A batch whose numbers do not fit the
//! output columns, or whose worker thread stopped, is left to the exact path entirely (`None`).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use arrow_array::types::Int64Type;
use arrow_array::{
    Array, ArrayRef, Decimal128Array, LargeStringArray, PrimitiveArray, RecordBatch,
};
use arrow_buffer::{BooleanBuffer, Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use rust_decimal::Decimal;

use super::super::{Columns, LIMIT, POWERS, batch as output_batch, error_arrays, thread_count};
use super::quotient::{self, Multiplier};
use super::{UnitFrameOptions, at_row, level_text, method_name, read_unit, with_metadata};
use crate::columnar::simd;
use crate::error::{Error, Result};
use crate::frame::Numbers;
use crate::funnel::{Model, Position, Statistic, sigma_adjustment};
use crate::interval::{
    self, ConfidenceLevel, Kind, LIFT, Method, SMALL_COUNT, byar, exact_poisson, lane_parts, pow10,
    round_significant, round_significant_lane, round_significant_parts, scaled, wilson_limits,
    wilson_limits_z,
};

/// Integers up to 2⁵³ are exact in `f64`, as `Decimal::to_f64` gives them.
const EXACT: i64 = 1 << 53;

/// The relative distance beyond which two floats decide a comparison of the decimals they
/// approximate: each decimal is a limit rounded to ten significant digits (at most 5 × 10⁻¹⁰
/// relative from its float) or an exact quotient (a few units in 10⁻¹⁶ from its float).
const GAP: f64 = 1e-8;

/// A decimal as its mantissa and scale, as a column holds it before the column's scale is
/// known.
type Parts = (i128, u32);

/// A row's numbers: the estimate and the four limits (lower 95, upper 95, lower 99.8, upper
/// 99.8).
type Numbers5 = (Parts, [Parts; 4]);

/// The exact Poisson limits of a rate funnel, by denominator, on one thread.
type Cache = HashMap<i64, [f64; 4]>;

/// Every row: each number column's mantissas at the column's scale (the largest among the rows
/// not in error; zero for a row in error), that scale, a label per row, and the errors by row.
struct Rows<L> {
    count: usize,
    mantissas: [Vec<i128>; 5],
    top: [u32; 5],
    labels: Vec<L>,
    errors: Vec<(usize, Error)>,
}

/// The two integer columns, when both are integers.
struct Input {
    numerators: Numbers,
    denominators: Numbers,
}

impl Input {
    fn read(batch: &RecordBatch, options: &UnitFrameOptions) -> Option<Input> {
        let mut columns = Columns::new(batch);
        let numerators = columns.numbers(&options.numerator, true);
        let denominators = columns.numbers(&options.denominator, true);
        columns.finish().ok()?;
        match (&numerators, &denominators) {
            (Numbers::I64(_), Numbers::I64(_)) => Some(Input {
                numerators,
                denominators,
            }),
            _ => None,
        }
    }

    fn arrays(&self) -> Option<[&PrimitiveArray<Int64Type>; 2]> {
        match (&self.numerators, &self.denominators) {
            (Numbers::I64(x), Numbers::I64(n)) => Some([x, n]),
            _ => None,
        }
    }

    /// Row `i`'s numerator and denominator, when both are there and the unit passes §8a's
    /// checks for `statistic`: exactly the rows the exact path reads without error.
    fn unit(&self, i: usize, statistic: Statistic) -> Option<(i64, i64)> {
        let [xs, ns] = self.arrays()?;
        if i >= xs.len() || i >= ns.len() || xs.is_null(i) || ns.is_null(i) {
            return None;
        }
        let (x, n) = (xs.value(i), ns.value(i));
        let ok = x >= 0 && n > 0 && (statistic != Statistic::Proportion || x <= n);
        ok.then_some((x, n))
    }
}

/// `a < b` for decimals approximated by `af` and `bf`: in `f64` when they are [`GAP`] apart,
/// else in decimals.
fn less(a: Parts, af: f64, b: Parts, bf: f64) -> bool {
    if apart(af, bf) {
        true
    } else if apart(bf, af) {
        false
    } else {
        decimal(a) < decimal(b)
    }
}

/// Below this magnitude a decimal's 28 places hold too few significant digits for [`GAP`]: a
/// limit of 1.1 × 10⁻²⁸ rounds to 10⁻²⁸ or to zero, and a quotient of 5 × 10⁻³⁰ is zero, so
/// the floats no longer tell which decimal is the smaller (found by fuzzing with a multiplier of
/// 10⁻²⁸).
const TINY: f64 = 1e-16;

/// `a` lies below `b` by more than [`GAP`] of either, and neither is a nonzero float so small
/// that its decimal may be further from it than that ([`TINY`]).
#[inline(always)]
fn apart(a: f64, b: f64) -> bool {
    let held = |v: f64| (v == 0.0) | (v.abs() >= TINY);
    held(a) & held(b) & (a + GAP * a.abs() < b - GAP * b.abs())
}

/// The decimal of `parts` (whose mantissa fits 96 bits and scale 28: they come from one).
fn decimal((mantissa, scale): Parts) -> Decimal {
    Decimal::try_from_i128_with_scale(mantissa, scale).unwrap_or_default()
}

fn parts(d: Decimal) -> Parts {
    (d.mantissa(), d.scale())
}

/// [`round_significant`] as parts; `None` where it fails (the exact path reports it).
#[inline(always)]
fn rounded(x: f64, what: &str) -> Option<Parts> {
    if x == 0.0 {
        return Some((0, 0));
    }
    match round_significant_parts(x) {
        Some((m, s)) => Some((i128::from(m), s)),
        None => round_significant(x, what).ok().map(parts),
    }
}

/// `round_significant(x).min(cap)`, as the exact path caps a lower limit; `None` where the
/// rounding fails (the exact path reports it).
#[inline]
fn below(x: f64, cap: Parts, cap_f: f64) -> Option<Parts> {
    let d = rounded(x, "lower")?;
    Some(if apart(x, cap_f) {
        d
    } else {
        parts(decimal(d).min(decimal(cap)))
    })
}

/// `round_significant(x).max(cap)`, as the exact path caps an upper limit.
#[inline]
fn above(x: f64, cap: Parts, cap_f: f64) -> Option<Parts> {
    let d = rounded(x, "upper")?;
    Some(if apart(cap_f, x) {
        d
    } else {
        parts(decimal(d).max(decimal(cap)))
    })
}

/// `x / n × m`, as [`scaled`] gives it: by integers where [`quotient`] reproduces it.
#[inline]
fn estimate((x, n): (i64, i64), m: Decimal, integer: Option<Multiplier>) -> Option<Parts> {
    let fast =
        integer.and_then(|mm| quotient::scaled(u64::try_from(x).ok()?, u64::try_from(n).ok()?, mm));
    match fast.and_then(|(q, s)| Some((i128::try_from(q).ok()?, s))) {
        Some(p) => Some(p),
        None => scaled(Decimal::from(x), Decimal::from(n), m)
            .ok()
            .map(parts),
    }
}

/// The Poisson limits of count `x` at both levels (95%, then 99.8%), / `n` × `m`, before the
/// rounding, as `both_levels` computes them, and the method.
fn poisson_limits(x: i64, xf: f64, nf: f64, mf: f64) -> ([(f64, f64); 2], Method) {
    let small = x < i64::from(SMALL_COUNT);
    let limits = [ConfidenceLevel::P95, ConfidenceLevel::P998].map(|level| {
        let (lo, hi) = if small {
            exact_poisson(xf, level)
        } else {
            byar(xf, level)
        };
        (lo / nf * mf, hi / nf * mf)
    });
    let method = if small {
        Method::ExactPoisson
    } else {
        Method::Byar
    };
    (limits, method)
}

/// Both intervals of a unit, as `interval::both_levels` gives them; `None`: leave the row to it.
fn interval_row(
    kind: Kind,
    (x, n): (i64, i64),
    (m, integer, mf): (Decimal, Option<Multiplier>, f64),
) -> Option<(Numbers5, Method)> {
    if x > EXACT || n > EXACT {
        return None;
    }
    let value = estimate((x, n), m, integer)?;
    let (xf, nf) = (x as f64, n as f64);
    let vf = xf / nf * mf;
    let ([(l95, u95), (l998, u998)], method) = match kind {
        Kind::Proportion => {
            let ends = (x == 0, x == n);
            let limits = [ConfidenceLevel::P95, ConfidenceLevel::P998]
                .map(|level| wilson_limits([xf, nf, mf], ends, level));
            (limits, Method::Wilson)
        }
        Kind::Poisson => poisson_limits(x, xf, nf, mf),
    };
    let limits = [
        below(l95, value, vf)?,
        above(u95, value, vf)?,
        below(l998, value, vf)?,
        above(u998, value, vf)?,
    ];
    Some(((value, limits), method))
}

/// A unit's point on the funnel, as `Model::point` gives it; `None`: leave the row to it.
fn funnel_row(
    model: &Model,
    (centre, centre_f): (Parts, f64),
    integer: Option<Multiplier>,
    (x, n): (i64, i64),
    cache: &mut Cache,
) -> Option<(Numbers5, Label)> {
    if x > EXACT || n > EXACT {
        return None;
    }
    let value = estimate((x, n), model.multiplier, integer)?;
    let (xf, nf) = (x as f64, n as f64);
    let vf = xf / nf * model.m;
    let poisson = model.statistic != Statistic::Proportion;
    let [l95, u95, l998, u998] =
        if poisson && model.tau2.is_none() && model.theta * nf < f64::from(SMALL_COUNT) {
            *cache.entry(n).or_insert_with(|| model.limits_f64(nf))
        } else {
            model.limits_f64(nf)
        };
    let limits = [
        below(l95, centre, centre_f)?,
        above(u95, centre, centre_f)?,
        below(l998, centre, centre_f)?,
        above(u998, centre, centre_f)?,
    ];
    // Each decimal with a float within GAP of it.
    let floats = [
        l95.min(centre_f),
        u95.max(centre_f),
        l998.min(centre_f),
        u998.max(centre_f),
    ];
    // PHE labels a rate or a ratio by the unit's own intervals against the centre.
    let own = if poisson && model.tau2.is_none() {
        let ([(a, b), (c, d)], _) = poisson_limits(x, xf, nf, model.m);
        Some((
            [
                below(a, value, vf)?,
                above(b, value, vf)?,
                below(c, value, vf)?,
                above(d, value, vf)?,
            ],
            [a.min(vf), b.max(vf), c.min(vf), d.max(vf)],
        ))
    } else {
        None
    };
    let mut found = (Position::Within, None);
    // Widest level first, as `Model::point` checks them.
    for (level, lo, hi) in [(ConfidenceLevel::P998, 2, 3), (ConfidenceLevel::P95, 0, 1)] {
        let at = |l: &[Parts; 4], f: &[f64; 4], k: usize| {
            (
                l.get(k).copied().unwrap_or_default(),
                f.get(k).copied().unwrap_or_default(),
            )
        };
        let position = match &own {
            None => {
                let ((low, low_f), (high, high_f)) =
                    (at(&limits, &floats, lo), at(&limits, &floats, hi));
                if less(value, vf, low, low_f) {
                    Position::Below
                } else if less(high, high_f, value, vf) {
                    Position::Above
                } else {
                    Position::Within
                }
            }
            Some((ci, ci_f)) => {
                let ((low, low_f), (high, high_f)) = (at(ci, ci_f, lo), at(ci, ci_f, hi));
                if less(centre, centre_f, low, low_f) {
                    Position::Above
                } else if less(high, high_f, centre, centre_f) {
                    Position::Below
                } else {
                    Position::Within
                }
            }
        };
        if position != Position::Within {
            found = (position, Some(level));
            break;
        }
    }
    Some(((value, limits), found))
}

/// The estimate as a float and Wilson's four limits of every lane, as [`interval_row`] computes
/// them (`z`: the normal quantiles at 95% and 99.8%).
#[inline(always)]
fn wilson_block(lanes: &mut Lanes, mf: f64, [z95, z998]: [f64; 2]) {
    let Lanes {
        x,
        n,
        value_f,
        cap_f,
        limits: [l0, l1, l2, l3],
        ..
    } = lanes;
    for ((((&x, &n), (v, cap)), (a, b)), (c, d)) in x
        .iter()
        .zip(n.iter())
        .zip(value_f.iter_mut().zip(cap_f.iter_mut()))
        .zip(l0.iter_mut().zip(l1.iter_mut()))
        .zip(l2.iter_mut().zip(l3.iter_mut()))
    {
        let (xf, nf) = (x as f64, n as f64);
        let ends = (x == 0, x == n);
        *v = xf / nf * mf;
        *cap = *v;
        (*a, *b) = wilson_limits_z([xf, nf, mf], ends, z95);
        (*c, *d) = wilson_limits_z([xf, nf, mf], ends, z998);
    }
}

/// The estimate as a float, the proportion funnel's four limits ([`sigma_adjustment`] around
/// `theta`, × `mf`) and the label of every lane, as [`funnel_row`] computes them; the label is
/// sure where every comparison it could make is settled by the floats.
#[inline(always)]
fn funnel_block(lanes: &mut Lanes, (theta, mf): (f64, f64), centre_f: f64, [z95, z998]: [f64; 2]) {
    let Lanes {
        x,
        n,
        value_f,
        cap_f,
        limits: [l0, l1, l2, l3],
        label,
        label_sure,
        ..
    } = lanes;
    for (((((&x, &n), (v, cap)), (a, b)), (c, d)), (code, sure)) in x
        .iter()
        .zip(n.iter())
        .zip(value_f.iter_mut().zip(cap_f.iter_mut()))
        .zip(l0.iter_mut().zip(l1.iter_mut()))
        .zip(l2.iter_mut().zip(l3.iter_mut()))
        .zip(label.iter_mut().zip(label_sure.iter_mut()))
    {
        let (xf, nf) = (x as f64, n as f64);
        let vf = xf / nf * mf;
        *v = vf;
        *cap = centre_f;
        let (lo95, hi95) = sigma_adjustment(theta, nf, z95);
        let (lo998, hi998) = sigma_adjustment(theta, nf, z998);
        (*a, *b, *c, *d) = (lo95 * mf, hi95 * mf, lo998 * mf, hi998 * mf);
        // Each rounded limit, capped at the centre, is within GAP of these floats.
        let (f0, f1, f2, f3) = (
            a.min(centre_f),
            b.max(centre_f),
            c.min(centre_f),
            d.max(centre_f),
        );
        let (below998, above998) = (apart(vf, f2), apart(f3, vf));
        let (below95, above95) = (apart(vf, f0), apart(f1, vf));
        *sure = (below998 | apart(f2, vf))
            & (above998 | apart(vf, f3))
            & (below95 | apart(f0, vf))
            & (above95 | apart(vf, f1));
        *code = if below998 {
            1
        } else if above998 {
            2
        } else if below95 {
            3
        } else if above95 {
            4
        } else {
            0
        };
    }
}

/// A funnel row's position and the highest level at which it holds.
type Label = (Position, Option<ConfidenceLevel>);

/// The rows a kernel takes at a time: its floats fit the first-level cache, and a loop over
/// them vectorises.
const BLOCK: usize = 256;

/// 10⁰ ... 10³⁸ with, for each, the largest magnitude it can multiply within 38 digits.
const ROOM: [(i128, u128); 39] = {
    let mut room = [(1i128, 0u128); 39];
    let mut k = 0;
    while k < 39 {
        // Evaluated at compile time: an index out of bounds would fail the build.
        #[allow(clippy::indexing_slicing)]
        {
            room[k] = (POWERS[k], ((LIMIT - 1) / POWERS[k]) as u128);
        }
        k += 1;
    }
    room
};

/// One thread's run of rows: its part of each output column, each column at one scale per
/// stretch of blocks (raised when a row needs more: the block being written is rescaled at
/// once, the blocks before it once after the rows, to the column's final scale), so that the
/// mantissas are written once at their final scale unless a later row or thread needs more.
struct Writer<'a, L> {
    /// The run's first row in the batch.
    start: usize,
    columns: [&'a mut [i128]; 5],
    labels: &'a mut [L],
    scales: [u32; 5],
    /// The block being written: a rescale covers its rows before `end` at once.
    block: usize,
    end: usize,
    /// Where each column's stretch at its current scale begins.
    since: [usize; 5],
    /// The stretches of earlier blocks at a scale below their column's: column, rows, scale.
    below: Vec<(usize, std::ops::Range<usize>, u32)>,
    /// No mantissa has left 38 digits.
    fits: bool,
    errors: Vec<(usize, Error)>,
}

impl<L: Copy> Writer<'_, L> {
    /// Brings column `c` to scale `to` (above its own): the block's rows at once, the earlier
    /// blocks' noted for [`bring_up`] (a run raised a column some ten times, each a pass over
    /// every row so far).
    #[cold]
    fn raise(&mut self, c: usize, to: u32) {
        let (Some(column), Some(scale), Some(since)) = (
            self.columns.get_mut(c),
            self.scales.get_mut(c),
            self.since.get_mut(c),
        ) else {
            return;
        };
        let (f, room) = ROOM
            .get(to.saturating_sub(*scale) as usize)
            .copied()
            .unwrap_or((1, 0));
        let block = self.block.min(self.end);
        let mut fits = true;
        for m in column.iter_mut().take(self.end).skip(block) {
            fits &= m.unsigned_abs() <= room;
            *m = m.wrapping_mul(f);
        }
        self.fits &= fits;
        if *since < block {
            self.below.push((c, *since..block, *scale));
        }
        *since = block;
        *scale = to;
    }

    /// Writes the decimal `m × 10^-s` at row `j` (of the run) of column `c`, `s` counting
    /// towards the column's scale as the exact path counts a value's scale.
    #[inline]
    fn put(&mut self, c: usize, j: usize, (m, s): Parts) {
        let scale = self.scales.get(c).copied().unwrap_or(0);
        if s > scale {
            self.raise(c, s);
        }
        let scale = self.scales.get(c).copied().unwrap_or(0);
        let (f, room) = ROOM
            .get(scale.saturating_sub(s) as usize)
            .copied()
            .unwrap_or((1, 0));
        self.fits &= m.unsigned_abs() <= room;
        if let Some(cell) = self.columns.get_mut(c).and_then(|col| col.get_mut(j)) {
            *cell = m.wrapping_mul(f);
        }
    }

    /// Writes row `j`'s numbers and label, or records its error (its cells zero).
    fn row(&mut self, j: usize, result: Result<(Numbers5, L)>) {
        match result {
            Ok(((v, limits), label)) => {
                self.put(0, j, v);
                for (c, p) in limits.into_iter().enumerate() {
                    self.put(c + 1, j, p);
                }
                if let Some(l) = self.labels.get_mut(j) {
                    *l = label;
                }
            }
            Err(e) => {
                for column in &mut self.columns {
                    if let Some(cell) = column.get_mut(j) {
                        *cell = 0;
                    }
                }
                self.errors.push((self.start + j, e));
            }
        }
    }
}

/// `a()` and `b()`, on two threads when `threads` allows (the columns a call builds after or
/// before its rows are independent, and built one after another they were a large serial share
/// of the call); `None` if the second thread stopped. The callers allocate on the calling thread
/// and only fill on the other: the allocator reuses the calling thread's freed memory, where a
/// new thread's allocations came from fresh pages, each a page fault.
fn in_parallel<A: Send, B: Send>(
    threads: usize,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> Option<(A, B)> {
    if threads < 2 {
        return Some((a(), b()));
    }
    std::thread::scope(|scope| {
        let other = scope.spawn(b);
        let first = a();
        other.join().ok().map(|second| (first, second))
    })
}

/// `block` over every row, a block of at most [`BLOCK`] rows at a time (the rows of the run, from
/// 0), in contiguous runs on `threads` threads, each writing its rows straight into the output
/// columns through its [`Writer`], with a scratch `S` of its own; `None` if a thread stopped or
/// a number does not fit 38 digits.
fn rows<L: Copy + Send + Sync, S: Default + Send, A: Send, B: Send>(
    count: usize,
    threads: usize,
    placeholder: L,
    (side_a, side_b): (impl FnOnce() -> A + Send, impl FnOnce() -> B + Send),
    block: impl Fn(&mut Writer<'_, L>, std::ops::Range<usize>, &mut S) + Sync,
) -> Option<(Rows<L>, A, B)> {
    let threads = threads.clamp(1, count.max(1));
    // The zeroed columns are 16 bytes a cell: cleared on both threads, each side with the
    // columns that do not depend on the rows (`side_a`, `side_b`), so that little is left
    // for one thread alone after the rows.
    let [m0, m1, m2, m3, m4]: [Vec<i128>; 5] = std::array::from_fn(|_| Vec::with_capacity(count));
    let labels: Vec<L> = Vec::with_capacity(count);
    let zeroed = move |mut v: Vec<i128>| {
        v.resize(count, 0);
        v
    };
    let (([m0, m1, m2], a), ([m3, m4], mut labels, b)) = in_parallel(
        threads,
        move || ([m0, m1, m2].map(zeroed), side_a()),
        move || {
            let mut labels = labels;
            labels.resize(count, placeholder);
            ([m3, m4].map(zeroed), labels, side_b())
        },
    )?;
    let mut mantissas: [Vec<i128>; 5] = [m0, m1, m2, m3, m4];
    let per = count.div_ceil(threads).max(1);
    // Each column's largest scale so far over all runs.
    let shared: [AtomicU32; 5] = Default::default();
    let run = |start: usize, columns: [&mut [i128]; 5], labels: &mut [L], room: (S, Vec<_>)| {
        let (mut scratch, below) = room;
        let len = labels.len();
        let mut writer = Writer {
            start,
            columns,
            labels,
            scales: [0; 5],
            block: 0,
            end: 0,
            since: [0; 5],
            below,
            fits: true,
            errors: Vec::new(),
        };
        let mut from = 0;
        let mut published = [0u32; 5];
        while from < len {
            let to = (from + BLOCK).min(len);
            // A scale another run's rows already need is taken now, while this run has few
            // rows to bring up, rather than for all of them after the rows.
            (writer.block, writer.end) = (from, from);
            for (c, top) in shared.iter().enumerate() {
                let want = top.load(Ordering::Relaxed);
                if want > writer.scales.get(c).copied().unwrap_or(want) {
                    writer.raise(c, want);
                }
            }
            writer.end = to;
            block(&mut writer, from..to, &mut scratch);
            for ((top, &scale), seen) in shared.iter().zip(&writer.scales).zip(&mut published) {
                if scale > *seen {
                    top.fetch_max(scale, Ordering::Relaxed);
                    *seen = scale;
                }
            }
            from = to;
        }
        let stretches = writer.scales.iter().zip(writer.since).enumerate();
        let mut below = writer.below;
        below.extend(stretches.map(|(c, (&scale, since))| (c, since..len, scale)));
        (below, writer.scales, writer.errors, writer.fits)
    };
    let results: Vec<_> = {
        let mut column_runs = mantissas.each_mut().map(|v| v.chunks_mut(per));
        let mut label_runs = labels.chunks_mut(per);
        // Each run's scratch and list of stretches allocated here, on the calling thread, as
        // the columns are: a spawned thread's own first allocation took fresh memory from the
        // allocator on every call, a huge page cleared by the kernel (some 4 ms of system time
        // a call). A column is raised a few tens of times at most.
        let runs = (0..threads).map(|t| {
            (
                t * per,
                column_runs.each_mut().map(|r| r.next().unwrap_or_default()),
                label_runs.next().unwrap_or_default(),
                (S::default(), Vec::with_capacity(5 * 32)),
            )
        });
        if threads == 1 {
            runs.map(|(start, c, l, s)| run(start, c, l, s)).collect()
        } else {
            let run = &run;
            // The last run on the calling thread, which would otherwise only wait.
            let mut runs: Vec<_> = runs.collect();
            let last = runs.pop();
            std::thread::scope(|scope| {
                let handles: Vec<_> = runs
                    .into_iter()
                    .map(|(start, c, l, s)| scope.spawn(move || run(start, c, l, s)))
                    .collect();
                let mine = last.map(|(start, c, l, s)| run(start, c, l, s));
                let mut results = handles
                    .into_iter()
                    .map(|h| h.join().ok())
                    .collect::<Option<Vec<_>>>()?;
                results.extend(mine);
                Some(results)
            })?
        }
    };
    let mut top = [0u32; 5];
    for (_, scales, _, _) in &results {
        for (a, b) in top.iter_mut().zip(scales) {
            *a = (*a).max(*b);
        }
    }
    let mut errors = Vec::new();
    let mut fits = true;
    // Every stretch of rows written at a scale below its column's final one, brought up once.
    for (t, (below, _, e, f)) in results.into_iter().enumerate() {
        fits &= f;
        errors.extend(e);
        for (c, rows, scale) in below {
            let (Some(column), Some(&want)) = (mantissas.get_mut(c), top.get(c)) else {
                continue;
            };
            fits &= bring_up(
                column,
                t * per + rows.start..t * per + rows.end,
                want - scale.min(want),
            );
        }
    }
    fits.then_some((
        Rows {
            count,
            mantissas,
            top,
            labels,
            errors,
        },
        a,
        b,
    ))
}

/// Multiplies rows `rows` of `column` by 10ᵏ; false if a mantissa leaves 38 digits.
fn bring_up(column: &mut [i128], rows: std::ops::Range<usize>, k: u32) -> bool {
    if k == 0 {
        return true;
    }
    let (f, room) = ROOM.get(k as usize).copied().unwrap_or((1, 0));
    let mut fits = true;
    for m in column.get_mut(rows).unwrap_or_default() {
        fits &= m.unsigned_abs() <= room;
        *m = m.wrapping_mul(f);
    }
    fits
}

/// A block of rows in plain arrays for the kernels of the proportion intervals and funnel: the
/// limits of every row at once in a loop without branches, then their rounding to ten digits
/// the same way, then the mantissas written at the column's scale; a row any step is unsure of
/// (a null or invalid unit, a limit or comparison the floats cannot settle) is left to the
/// per-row functions.
struct Lanes {
    x: [i64; BLOCK],
    n: [i64; BLOCK],
    /// The row is a valid unit within 2⁵³: the kernel takes it.
    ok: [bool; BLOCK],
    /// The row is left to the per-row functions.
    slow: [bool; BLOCK],
    /// The estimate, as parts and as a float.
    value: [Parts; BLOCK],
    value_f: [f64; BLOCK],
    /// The float a limit is capped at (the estimate, or the funnel's centre).
    cap_f: [f64; BLOCK],
    /// The funnel's centre, the cap of every limit; none: each row's estimate.
    centre: Option<Parts>,
    /// Each limit as a float, then as [`round_significant_lane`] gives it.
    limits: [[f64; BLOCK]; 4],
    r: [[f64; BLOCK]; 4],
    scale: [[i64; BLOCK]; 4],
    sure: [[bool; BLOCK]; 4],
    /// The funnel's label (see [`label_code`]), and whether the floats settle it.
    label: [u8; BLOCK],
    label_sure: [bool; BLOCK],
    /// The integer estimate's two groups and their remainders.
    groups: [[u64; BLOCK]; 4],
    /// Each limit written straight into its column; all four of the row.
    direct: [[bool; BLOCK]; 4],
    done: [bool; BLOCK],
    /// The estimate is the usual one of [`quotient::usual_lane`]: written from the two groups
    /// (`value` holds only its scale), with the low group after the rounding.
    quick: [bool; BLOCK],
    low_up: [u64; BLOCK],
    quick_scale: [i64; BLOCK],
    /// The multiplier, for the quick estimates.
    multiplier: Option<Multiplier>,
}

impl Default for Lanes {
    fn default() -> Self {
        Lanes {
            x: [0; BLOCK],
            n: [0; BLOCK],
            ok: [false; BLOCK],
            slow: [true; BLOCK],
            value: [(0, 0); BLOCK],
            value_f: [0.0; BLOCK],
            cap_f: [0.0; BLOCK],
            centre: None,
            limits: [[0.0; BLOCK]; 4],
            r: [[0.0; BLOCK]; 4],
            scale: [[0; BLOCK]; 4],
            sure: [[false; BLOCK]; 4],
            label: [0; BLOCK],
            label_sure: [false; BLOCK],
            groups: [[0; BLOCK]; 4],
            direct: [[false; BLOCK]; 4],
            done: [false; BLOCK],
            quick: [false; BLOCK],
            low_up: [0; BLOCK],
            quick_scale: [0; BLOCK],
            multiplier: None,
        }
    }
}

/// The scratch of a block kernel (on the heap: some 60 KB).
#[derive(Default)]
struct Scratch(Box<Lanes>);

impl Lanes {
    /// Reads rows `from..from + len` (at most [`BLOCK`]) of both columns; `ok` marks exactly
    /// the rows [`Input::unit`] gives whose numbers are within 2⁵³. Lanes past `len` are not ok.
    fn load(&mut self, [xs, ns]: [&PrimitiveArray<Int64Type>; 2], from: usize, len: usize) {
        let (xv, nv) = (xs.values(), ns.values());
        let (Some(xv), Some(nv)) = (xv.get(from..from + len), nv.get(from..from + len)) else {
            self.ok = [false; BLOCK];
            return;
        };
        let Lanes { x, n, ok, .. } = self;
        simd::dispatch(
            #[inline(always)]
            || {
                for (((x, n), ok), (&a, &b)) in x
                    .iter_mut()
                    .zip(n.iter_mut())
                    .zip(ok.iter_mut())
                    .zip(xv.iter().zip(nv))
                {
                    (*x, *n) = (a, b);
                    // Proportions only: x ≤ n keeps x within 2⁵³ with n.
                    *ok = (a >= 0) & (b > 0) & (a <= b) & (b <= EXACT);
                }
            },
        );
        for ok in self.ok.iter_mut().skip(len) {
            *ok = false;
        }
        if xs.nulls().is_some() || ns.nulls().is_some() {
            for (j, ok) in self.ok.iter_mut().take(len).enumerate() {
                *ok &= xs.is_valid(from + j) && ns.is_valid(from + j);
            }
        }
    }

    /// Each ok row's estimate, as [`estimate`] gives it; a row it fails is slow. The two
    /// groups of the integer division are computed for the whole block first, in one loop.
    fn estimates(&mut self, m: Decimal, integer: Option<Multiplier>) {
        self.multiplier = integer;
        match integer {
            Some(mm) => {
                let lane = mm.lane();
                let [high, low, first, rest] = &mut self.groups;
                simd::dispatch(
                    #[inline(always)]
                    || {
                        for (((((&x, &n), &ok), (h, l)), ((r1, r2), (up, quick))), scale) in self
                            .x
                            .iter()
                            .zip(&self.n)
                            .zip(&self.ok)
                            .zip(high.iter_mut().zip(low.iter_mut()))
                            .zip(
                                first
                                    .iter_mut()
                                    .zip(rest.iter_mut())
                                    .zip(self.low_up.iter_mut().zip(self.quick.iter_mut())),
                            )
                            .zip(self.quick_scale.iter_mut())
                        {
                            // Meaningless, never used, where the row is not 0 < x < n.
                            let usual = ok & (x > 0) & (x < n);
                            let (x, n) = (x as u64, n as u64);
                            let inverse = 1e14 / n as f64;
                            let (a, b) = quotient::group(x, n, inverse);
                            let (c, d) = quotient::group(b, n, inverse);
                            (*h, *r1, *l, *r2) = (a, b, c, d);
                            let (lu, sc, sure) = quotient::usual_lane(a, c, d, n, lane);
                            (*up, *scale) = (lu, sc);
                            *quick = usual & (b != 0) & (d != 0) & sure;
                        }
                    },
                );
            }
            None => self.quick = [false; BLOCK],
        }
        let [high, low, first, rest] = &self.groups;
        let quick = self.quick.iter().zip(&self.quick_scale);
        for (((&x, &n), (&ok, (&quick, &scale))), ((value, slow), (((&h, &l), &r1), &r2))) in self
            .x
            .iter()
            .zip(&self.n)
            .zip(self.ok.iter().zip(quick))
            .zip(
                self.value
                    .iter_mut()
                    .zip(self.slow.iter_mut())
                    .zip(high.iter().zip(low).zip(first).zip(rest)),
            )
        {
            *slow = !ok;
            if !ok {
                continue;
            }
            if quick {
                // Only the scale (28 at most): the mantissa is written from the groups.
                *value = (0, scale.clamp(0, 28) as u32);
                continue;
            }
            // The usual row: neither remainder zero, so the division runs to scale 28.
            let grouped = match integer {
                Some(mm) if x > 0 && x < n && r1 != 0 && r2 != 0 => {
                    let n = n as u64;
                    quotient::scaled_from_groups(h, l, r2, n, mm)
                        .or_else(|| {
                            let (q, s) = quotient::from_groups(h, l, r2, n);
                            quotient::times(q, s, mm)
                        })
                        .and_then(|(q, s)| Some((i128::try_from(q).ok()?, s)))
                }
                _ => None,
            };
            match grouped.or_else(|| estimate((x, n), m, integer)) {
                Some(p) => *value = p,
                None => *slow = true,
            }
        }
    }

    /// Lane `j`'s estimate as parts: a quick one's from its groups, as [`estimate`] gives it.
    fn estimate(&self, j: usize) -> Option<Parts> {
        if !self.quick.get(j).copied().unwrap_or(false) {
            return self.value.get(j).copied();
        }
        let at = |g: usize| self.groups.get(g).and_then(|a| a.get(j)).copied();
        let (h, l, r2) = (at(0)?, at(1)?, at(3)?);
        let n = u64::try_from(self.n.get(j).copied()?).ok()?;
        let mm = self.multiplier?;
        let (q, s) = quotient::scaled_from_groups(h, l, r2, n, mm).or_else(|| {
            let (q, s) = quotient::from_groups(h, l, r2, n);
            quotient::times(q, s, mm)
        })?;
        Some((i128::try_from(q).ok()?, s))
    }

    /// Rounds the four limits of every lane ([`round_significant_lane`]); a lane is sure only
    /// where, besides, the floats settle the cap (`min` with the cap for a lower limit, `max`
    /// for an upper one) as [`below`] and [`above`] would.
    #[inline(always)]
    fn round(&mut self) {
        for (c, (((limits, r), scale), sure)) in self
            .limits
            .iter()
            .zip(self.r.iter_mut())
            .zip(self.scale.iter_mut())
            .zip(self.sure.iter_mut())
            .enumerate()
        {
            let lower = c % 2 == 0;
            for ((((&x, &cap), r), s), sure) in limits
                .iter()
                .zip(&self.cap_f)
                .zip(r.iter_mut())
                .zip(scale.iter_mut())
                .zip(sure.iter_mut())
            {
                let (a, b, settled) = round_significant_lane(x);
                let capped = (lower & apart(x, cap)) | (!lower & apart(cap, x));
                (*r, *s, *sure) = (a, b, settled & capped);
            }
        }
    }

    /// Writes every lane the kernel settles into the four limit columns, the rest by the
    /// per-row functions (`per_row`), and the labels (`label`).
    fn write<L: Copy>(
        &mut self,
        w: &mut Writer<'_, L>,
        range: std::ops::Range<usize>,
        label: impl Fn(&Lanes, usize) -> L,
        per_row: impl Fn(usize) -> Result<(Numbers5, L)>,
    ) {
        let len = range.len();
        // The estimates: the column raised once for the block, then each written at its scale.
        let mut highest = w.scales.first().copied().unwrap_or(0);
        for ((&slow, &(_, s)), _) in self.slow.iter().zip(&self.value).zip(0..len) {
            highest = highest.max(if slow { 0 } else { s });
        }
        if highest > w.scales.first().copied().unwrap_or(0) {
            w.raise(0, highest);
        }
        let g = w.scales.first().copied().unwrap_or(0);
        // A quick estimate at the column's scale: the 28-digit quotient × m / 10^(28 − g).
        let factor = self
            .multiplier
            .and_then(|mm| mm.reduced(28u32.saturating_sub(g)));
        let mut fits = true;
        let [high, ..] = &self.groups;
        if let Some(cells) = w.columns.first_mut().and_then(|c| c.get_mut(range.clone())) {
            for (j, ((slow, &(m, s)), cell)) in
                self.slow.iter_mut().zip(&self.value).zip(cells).enumerate()
            {
                if *slow {
                    continue;
                }
                let quick = self.quick.get(j).copied().unwrap_or(false);
                if quick {
                    let (h, low) = (
                        high.get(j).copied().unwrap_or(0),
                        self.low_up.get(j).copied().unwrap_or(0),
                    );
                    match factor {
                        // Below 10²⁸ × 2³²: within 38 digits.
                        Some(f) => {
                            let q = u128::from(h) * 100_000_000_000_000 + u128::from(low);
                            *cell = (q * u128::from(f)) as i128;
                        }
                        // Not reached (the lane's zeros cover 28 − g), but the row's own
                        // functions give the same cells.
                        None => *slow = true,
                    }
                    continue;
                }
                if s == g {
                    *cell = m;
                } else {
                    let (f, room) = ROOM
                        .get(g.saturating_sub(s) as usize)
                        .copied()
                        .unwrap_or((1, 0));
                    fits &= m.unsigned_abs() <= room;
                    *cell = m.wrapping_mul(f);
                }
            }
        }
        w.fits &= fits;
        let Lanes { direct, done, .. } = self;
        for (c, direct) in direct.iter_mut().enumerate() {
            let (Some(r), Some(scale), Some(sure)) =
                (self.r.get(c), self.scale.get(c), self.sure.get(c))
            else {
                continue;
            };
            // The column's scale must cover every lane written directly: raised to the
            // largest scale (trailing zeros dropped, as the exact path's decimals have it)
            // among the sure lanes above it.
            let current = i64::from(w.scales.get(c + 1).copied().unwrap_or(0));
            let mut highest = current;
            let (scales, sures, slows) = (
                scale.get(..len).unwrap_or_default(),
                sure.get(..len).unwrap_or_default(),
                self.slow.get(..len).unwrap_or_default(),
            );
            // A reduction over every lane of every block: in vectors, not a chain of selects.
            simd::dispatch(
                #[inline(always)]
                || {
                    for ((&s, &sure), &slow) in scales.iter().zip(sures).zip(slows) {
                        highest = highest.max(if sure & !slow { s } else { 0 });
                    }
                },
            );
            if highest > current {
                let mut top = current;
                for ((((&rr, &s), &sure), &slow), _) in
                    r.iter().zip(scale).zip(sure).zip(&self.slow).zip(0..len)
                {
                    if sure && !slow && s > current {
                        top = top.max(i64::from(lane_parts(rr, s).1));
                    }
                }
                if top > current {
                    w.raise(c + 1, top as u32);
                }
            }
            let g = i64::from(w.scales.get(c + 1).copied().unwrap_or(0));
            let Some(cells) = w
                .columns
                .get_mut(c + 1)
                .and_then(|col| col.get_mut(range.clone()))
            else {
                continue;
            };
            simd::dispatch(
                #[inline(always)]
                || {
                    for (((((&rr, &s), &sure), &slow), cell), d) in r
                        .iter()
                        .zip(scale)
                        .zip(sure)
                        .zip(&self.slow)
                        .zip(cells.iter_mut())
                        .zip(direct.iter_mut())
                    {
                        // Up to 10⁵ × a ten-digit mantissa: an exact integer below 2⁵².
                        let k = g - s;
                        let ok = sure & !slow & (0..=5).contains(&k);
                        let p = pow10(k.clamp(0, 5));
                        // Non-negative where the lane is sure: widened without a sign, so that
                        // the 16-byte stores stay in vectors.
                        let m = (rr * p + LIFT).to_bits().wrapping_sub(LIFT.to_bits());
                        *cell = i128::from(if ok { m } else { 0 });
                        *d = ok;
                    }
                },
            );
        }
        let [d0, d1, d2, d3] = &*direct;
        for (((done, &a), (&b, &c)), &d) in done.iter_mut().zip(d0).zip(d1.iter().zip(d2)).zip(d3) {
            *done = a & b & c & d;
        }
        let (direct, done) = (&self.direct, &self.done);
        for j in 0..len {
            let at = range.start + j;
            if done.get(j).copied().unwrap_or(false) {
                if let Some(l) = w.labels.get_mut(at) {
                    *l = label(self, j);
                }
                continue;
            }
            let mut slow = self.slow.get(j).copied().unwrap_or(true);
            if !slow {
                for c in 0..4 {
                    if direct
                        .get(c)
                        .and_then(|d| d.get(j))
                        .copied()
                        .unwrap_or(false)
                    {
                        continue;
                    }
                    let lane = |a: &[[f64; BLOCK]; 4]| a.get(c).and_then(|l| l.get(j)).copied();
                    let sure = self
                        .sure
                        .get(c)
                        .and_then(|l| l.get(j))
                        .copied()
                        .unwrap_or(false);
                    let s = self
                        .scale
                        .get(c)
                        .and_then(|l| l.get(j))
                        .copied()
                        .unwrap_or(0);
                    let (r, x) = (
                        lane(&self.r).unwrap_or(0.0),
                        lane(&self.limits).unwrap_or(0.0),
                    );
                    let parts = if sure {
                        let (m, s) = lane_parts(r, s);
                        Some((i128::from(m), s))
                    } else {
                        let cap = match self.centre {
                            Some(centre) => Some(centre),
                            None => self.estimate(j),
                        };
                        let Some(cap) = cap else {
                            slow = true;
                            break;
                        };
                        let cap_f = self.cap_f.get(j).copied().unwrap_or(0.0);
                        if c % 2 == 0 {
                            below(x, cap, cap_f)
                        } else {
                            above(x, cap, cap_f)
                        }
                    };
                    match parts {
                        Some(p) => w.put(c + 1, at, p),
                        None => {
                            slow = true;
                            break;
                        }
                    }
                }
            }
            if slow {
                w.row(at, per_row(w.start + at));
            } else if let Some(l) = w.labels.get_mut(at) {
                *l = label(self, j);
            }
        }
    }
}

/// A funnel row's label as a small code: 0 within, 1 below and 2 above at 99.8%, 3 below and
/// 4 above at 95%.
fn label_code(code: u8) -> Label {
    match code {
        1 => (Position::Below, Some(ConfidenceLevel::P998)),
        2 => (Position::Above, Some(ConfidenceLevel::P998)),
        3 => (Position::Below, Some(ConfidenceLevel::P95)),
        4 => (Position::Above, Some(ConfidenceLevel::P95)),
        _ => (Position::Within, None),
    }
}

impl<L> Rows<L> {
    /// The validity of the rows: `None` when none is in error.
    fn nulls(&self) -> Option<NullBuffer> {
        if self.errors.is_empty() {
            return None;
        }
        let mut valid = vec![true; self.count];
        for (i, _) in &self.errors {
            if let Some(v) = valid.get_mut(*i) {
                *v = false;
            }
        }
        Some(NullBuffer::from(valid))
    }

    /// The error and error_kind columns; `none`, the all-null column of [`null_column`], where
    /// no row is in error.
    fn error_columns(&self, none: ArrayRef) -> (ArrayRef, ArrayRef) {
        let n = self.count;
        if self.errors.is_empty() {
            return (none.clone(), none);
        }
        let mut errors = self.errors.iter().peekable();
        let cells = (0..n).map(move |i| errors.next_if(|(row, _)| *row == i).map(|(_, e)| e));
        error_arrays(cells, n)
    }
}

/// The five number columns (value, then the four limits) as `Decimal128(38, scale)`, each at
/// its scale, as the exact path writes them.
fn number_columns(
    mantissas: [Vec<i128>; 5],
    top: [u32; 5],
    nulls: Option<&NullBuffer>,
) -> Option<Vec<ArrayRef>> {
    mantissas
        .into_iter()
        .zip(top)
        .map(|(m, scale)| {
            let array = Decimal128Array::new(ScalarBuffer::from(m), nulls.cloned())
                .with_precision_and_scale(38, i8::try_from(scale).ok()?)
                .ok()?;
            Some(Arc::new(array) as ArrayRef)
        })
        .collect()
}

/// The methods in the order of [`method_code`].
const METHODS: [Method; 4] = [
    Method::Wilson,
    Method::Byar,
    Method::ExactPoisson,
    Method::Dobson,
];

/// The index of `m` in [`METHODS`].
fn method_code(m: Method) -> usize {
    match m {
        Method::Wilson => 0,
        Method::Byar => 1,
        Method::ExactPoisson => 2,
        Method::Dobson => 3,
    }
}

/// The positions in the order of [`position_code`].
const POSITIONS: [Position; 3] = [Position::Within, Position::Below, Position::Above];

/// The index of `p` in [`POSITIONS`].
fn position_code(p: Position) -> usize {
    match p {
        Position::Within => 0,
        Position::Below => 1,
        Position::Above => 2,
    }
}

/// A label column's names (see [`label_column`]) and the room for its offsets and bytes,
/// allocated by the calling thread ([`label_room`]).
type Names<'a> = (&'a [Option<&'static str>], Vec<i64>, Vec<u8>);

/// `names` with the room a column of `n` rows of them needs.
fn label_room<'a>(names: &'a [Option<&'static str>], n: usize) -> Names<'a> {
    let widest = names
        .iter()
        .map(|s| s.map_or(0, str::len))
        .max()
        .unwrap_or(0);
    (
        names,
        Vec::with_capacity(n + 1),
        Vec::with_capacity(n.saturating_mul(widest).saturating_add(WORD)),
    )
}

/// The longest name [`label_column`] writes as one fixed-width store.
const WORD: usize = 16;

/// A text column of one of a few `names` per row (`code` gives the row's index into them; a
/// name of `None`, or a row in error, is null): its offsets and bytes written directly in one
/// loop, each name as one store of [`WORD`] bytes cut back to its length, and the validity only
/// where a row lacks a name.
fn label_column<L: Copy>(
    labels: &[L],
    nulls: Option<&NullBuffer>,
    (names, mut offsets, mut bytes): Names<'_>,
    code: impl Fn(L) -> usize,
) -> ArrayRef {
    let n = labels.len();
    let text = |i: usize, label: L| -> Option<&'static str> {
        if nulls.is_some_and(|b| b.is_null(i)) {
            None
        } else {
            names.get(code(label)).copied().flatten()
        }
    };
    // Each name padded to a word, with its length; the null cell writes nothing.
    let mut words: Vec<([u8; WORD], usize)> = Vec::with_capacity(names.len() + 1);
    for name in names {
        let mut word = [0u8; WORD];
        let bytes = name.map_or(&[][..], str::as_bytes);
        let Some(head) = word.get_mut(..bytes.len()) else {
            return text_column(labels, text);
        };
        head.copy_from_slice(bytes);
        words.push((word, bytes.len()));
    }
    let widest = words.iter().map(|w| w.1).max().unwrap_or(0);
    let null = words.len();
    words.push(([0; WORD], 0));
    offsets.clear();
    bytes.clear();
    offsets.reserve(n + 1);
    bytes.reserve(n.saturating_mul(widest).saturating_add(WORD));
    offsets.push(0);
    let mut end = 0usize;
    let mut any_null = false;
    let mut write = |c: usize| {
        let (word, len) = words.get(c).copied().unwrap_or(([0; WORD], 0));
        bytes.extend_from_slice(&word);
        end += len;
        bytes.truncate(end);
        offsets.push(end as i64);
    };
    match nulls {
        None => {
            for &label in labels {
                let c = code(label);
                let named = names.get(c).copied().flatten().is_some();
                any_null |= !named;
                write(if named { c } else { null });
            }
        }
        Some(valid) => {
            for (i, &label) in labels.iter().enumerate() {
                let c = code(label);
                let named = valid.is_valid(i) && names.get(c).copied().flatten().is_some();
                any_null |= !named;
                write(if named { c } else { null });
            }
        }
    }
    let validity = any_null.then(|| {
        NullBuffer::new(BooleanBuffer::collect_bool(n, |i| {
            labels.get(i).is_some_and(|&l| text(i, l).is_some())
        }))
    });
    let offsets = OffsetBuffer::new(ScalarBuffer::from(offsets));
    match LargeStringArray::try_new(offsets, Buffer::from_vec(bytes), validity) {
        Ok(array) => Arc::new(array),
        // Not reached (the offsets rise from 0 to the bytes' length, and the names are text),
        // but a builder gives the same column whatever happens.
        Err(_) => text_column(labels, text),
    }
}

/// [`label_column`]'s column by a builder, row by row.
fn text_column<L: Copy>(labels: &[L], text: impl Fn(usize, L) -> Option<&'static str>) -> ArrayRef {
    let mut builder = super::super::text_builder(labels.len(), 8);
    for (i, &label) in labels.iter().enumerate() {
        builder.append_option(text(i, label));
    }
    Arc::new(builder.finish())
}

/// The valid units' numerators and denominators summed, as one unit (none if no unit is
/// valid); `None` if a sum does not fit a decimal (the exact path reports the overflow).
fn whole_sums(
    input: &Input,
    n: usize,
    statistic: Statistic,
) -> Option<Option<Option<crate::funnel::FunnelUnit>>> {
    let (mut x, mut d, mut any) = (0i128, 0i128, false);
    for (a, b) in (0..n).filter_map(|i| input.unit(i, statistic)) {
        // At most 2⁶³ each: an i128 holds the sum of 2⁶⁴ of them.
        x += i128::from(a);
        d += i128::from(b);
        any = true;
    }
    if !any {
        return Some(None);
    }
    let x = Decimal::try_from_i128_with_scale(x, 0).ok()?;
    let d = Decimal::try_from_i128_with_scale(d, 0).ok()?;
    Some(Some(Some(crate::funnel::FunnelUnit::new(x, d))))
}

/// The room of a [`null_column`] of `n` rows, allocated on the calling thread.
fn null_room(n: usize) -> (Vec<i64>, Vec<u8>) {
    (Vec::with_capacity(n + 1), Vec::with_capacity(n.div_ceil(8)))
}

/// An all-null text column of `n` rows, as `LargeStringArray::new_null` builds it (zero
/// offsets, no bytes, every row null), in the room of [`null_room`].
fn null_column(n: usize, (mut offsets, mut validity): (Vec<i64>, Vec<u8>)) -> ArrayRef {
    offsets.clear();
    offsets.resize(n + 1, 0);
    validity.clear();
    validity.resize(n.div_ceil(8), 0);
    let nulls = NullBuffer::new(BooleanBuffer::new(Buffer::from_vec(validity), 0, n));
    let offsets = OffsetBuffer::new(ScalarBuffer::from(offsets));
    match LargeStringArray::try_new(offsets, Buffer::from_vec(Vec::<u8>::new()), Some(nulls)) {
        Ok(array) => Arc::new(array),
        // Not reached (zero offsets, no bytes), but the column is the same either way.
        Err(_) => Arc::new(LargeStringArray::new_null(n)),
    }
}

/// A text column of `n` rows, each `name`, as [`label_column`] writes one whose every row has
/// that name (no validity), in the room of [`label_room`]: the bytes by doubling copies, the
/// offsets in one loop.
fn uniform_column(
    name: &'static str,
    n: usize,
    (_, mut offsets, mut bytes): Names<'_>,
) -> ArrayRef {
    let len = name.len();
    let total = n.saturating_mul(len);
    let step = i64::try_from(len).unwrap_or(i64::MAX);
    offsets.clear();
    offsets.extend((0..=n as i64).map(|i| i.saturating_mul(step)));
    bytes.clear();
    bytes.extend_from_slice(name.as_bytes());
    while bytes.len() < total {
        let more = bytes.len().min(total - bytes.len());
        bytes.extend_from_within(..more);
    }
    bytes.truncate(total);
    let offsets = OffsetBuffer::new(ScalarBuffer::from(offsets));
    match LargeStringArray::try_new(offsets, Buffer::from_vec(bytes), None) {
        Ok(array) => Arc::new(array),
        // Not reached (the offsets rise by the name's length to the bytes' length), but the
        // column is the same either way.
        Err(_) => text_column(&vec![(); n], |_, ()| Some(name)),
    }
}

/// The row numbers, 0 to n − 1, written into `values` (empty, its room allocated by the
/// caller).
fn row_column(n: usize, mut values: Vec<u64>) -> ArrayRef {
    values.clear();
    values.extend(0..n as u64);
    Arc::new(PrimitiveArray::<arrow_array::types::UInt64Type>::new(
        ScalarBuffer::from(values),
        None,
    ))
}

/// [`intervals_batch`](super::intervals_batch) on integer columns; `None`: not taken (the exact
/// path runs).
pub(super) fn intervals(
    batch: &RecordBatch,
    options: &UnitFrameOptions,
) -> Result<Option<RecordBatch>> {
    let Some(input) = Input::read(batch, options) else {
        return Ok(None);
    };
    let statistic = options.settings.statistic;
    let multiplier = options.settings.multiplier;
    let kind = match statistic {
        Statistic::Proportion => Kind::Proportion,
        Statistic::Rate | Statistic::Ratio => Kind::Poisson,
    };
    // Whatever the exact path would make of a multiplier beyond f64, it makes it.
    let Ok(mf) = interval::to_f64(multiplier, "multiplier") else {
        return Ok(None);
    };
    let integer = Multiplier::new(multiplier);
    let n = batch.num_rows();
    let threads = thread_count(options.threads, n);
    let columns = [&input.numerators, &input.denominators];
    let per_row = |i: usize| {
        if let Some(out) = input
            .unit(i, statistic)
            .and_then(|u| interval_row(kind, u, (multiplier, integer, mf)))
        {
            return Ok(out);
        }
        let u = read_unit(i, columns, options)?;
        let [a, b] = interval::both_levels(kind, u.numerator, u.denominator, multiplier)
            .map_err(|e| at_row(e, i))?;
        let limits = [a.lower, a.upper, b.lower, b.upper].map(parts);
        Ok(((parts(a.value), limits), a.method))
    };
    let methods = METHODS.map(|m| Some(method_name(m)));
    // The columns that do not depend on the rows, built beside the zeroing of the output: the
    // row numbers, the error columns as they are when no row is in error, and a proportion's
    // method column (every row Wilson) for the same case. Their room is allocated here.
    let (row_room, none_room) = (Vec::with_capacity(n), null_room(n));
    let sides = |wilson: bool| {
        let wilson_room = wilson.then(|| label_room(&methods, n));
        (
            move || null_column(n, none_room),
            move || {
                let wilson =
                    wilson_room.map(|room| uniform_column(method_name(Method::Wilson), n, room));
                (row_column(n, row_room), wilson)
            },
        )
    };
    let rows = match (kind, input.arrays()) {
        (Kind::Proportion, Some(arrays)) => {
            let z = [ConfidenceLevel::P95.z(), ConfidenceLevel::P998.z()];
            rows(
                n,
                threads,
                Method::Wilson,
                sides(true),
                |w, range, scratch: &mut Scratch| {
                    let lanes = &mut *scratch.0;
                    lanes.load(arrays, w.start + range.start, range.len());
                    lanes.estimates(multiplier, integer);
                    simd::dispatch(
                        #[inline(always)]
                        || {
                            wilson_block(lanes, mf, z);
                            lanes.round();
                        },
                    );
                    lanes.write(w, range, |_, _| Method::Wilson, per_row);
                },
            )
        }
        _ => rows(
            n,
            threads,
            Method::Wilson,
            sides(false),
            |w, range, _: &mut Cache| {
                for j in range {
                    let result = per_row(w.start + j);
                    w.row(j, result);
                }
            },
        ),
    };
    let Some((mut rows, none, (row, wilson))) = rows else {
        return Ok(None);
    };
    let nulls = rows.nulls();
    let mantissas = std::mem::take(&mut rows.mantissas);
    let Some(numbers) = number_columns(mantissas, rows.top, nulls.as_ref()) else {
        return Ok(None);
    };
    let names = ["value", "lower_95", "upper_95", "lower_998", "upper_998"];
    let method = match wilson {
        Some(column)
            if rows.errors.is_empty() && rows.labels.iter().all(|&m| m == Method::Wilson) =>
        {
            column
        }
        _ => label_column(
            &rows.labels,
            nulls.as_ref(),
            label_room(&methods, n),
            method_code,
        ),
    };
    let (error, error_kind) = rows.error_columns(none);
    let mut out: Vec<(&str, ArrayRef)> = vec![("row", row)];
    out.extend(names.into_iter().zip(numbers));
    out.extend([
        ("method", method),
        ("error", error),
        ("error_kind", error_kind),
    ]);
    output_batch(out).map(Some)
}

/// [`funnel_batch`](super::funnel_batch) on integer columns; `None`: not taken (the exact path
/// runs).
pub(super) fn funnel(
    batch: &RecordBatch,
    options: &UnitFrameOptions,
) -> Result<Option<RecordBatch>> {
    let Some(input) = Input::read(batch, options) else {
        return Ok(None);
    };
    let statistic = options.settings.statistic;
    let n = batch.num_rows();
    let units = (0..n).map(|i| {
        input
            .unit(i, statistic)
            .map(|(x, d)| crate::funnel::FunnelUnit::new(Decimal::from(x), Decimal::from(d)))
    });
    let (model, dispersion) = match whole_sums(&input, n, statistic) {
        // The centre needs only the sums, exact in integers as in decimals; the overdispersion
        // adjustment reads every unit.
        Some(sums) if options.settings.overdispersion.is_none() => {
            Model::new(&options.settings, sums.into_iter())?
        }
        _ => Model::new(&options.settings, units)?,
    };
    let Ok(centre_f) = interval::to_f64(model.centre, "centre") else {
        return Ok(None);
    };
    let centre = (parts(model.centre), centre_f);
    let integer = Multiplier::new(model.multiplier);
    let threads = thread_count(options.threads, n);
    let columns = [&input.numerators, &input.denominators];
    let per_row = |i: usize, cache: &mut Cache| {
        if let Some(out) = input
            .unit(i, statistic)
            .and_then(|u| funnel_row(&model, centre, integer, u, cache))
        {
            return Ok(out);
        }
        let u = read_unit(i, columns, options)?;
        let p = model.point(u).map_err(|e| at_row(e, i))?;
        let l = p.limits;
        let limits = [l.lower_95, l.upper_95, l.lower_998, l.upper_998].map(parts);
        Ok(((parts(p.value), limits), (p.position, p.level)))
    };
    // The kernel takes the proportion funnel's own formula, around a centre strictly between
    // 0 and 1 and without overdispersion.
    let kernel = statistic == Statistic::Proportion
        && model.tau2.is_none()
        && model.theta > 0.0
        && model.theta < 1.0;
    let Some([xs, ns]) = input.arrays() else {
        return Ok(None);
    };
    // A valid row's numerator and denominator are whole numbers: scale 0; the values are
    // written beside the zeroing of the output (the validity, from the rows, comes after).
    let whole = |a: &PrimitiveArray<Int64Type>, mut values: Vec<i128>| -> Vec<i128> {
        values.clear();
        match a.nulls() {
            // Every cell its value: one loop that vectorises.
            None => values.extend(a.values().iter().map(|&v| i128::from(v))),
            Some(valid) => values.extend(
                a.values()
                    .iter()
                    .zip(valid.iter())
                    .map(|(&v, ok)| if ok { i128::from(v) } else { 0 }),
            ),
        }
        values
    };
    let (x_room, n_room, row_room, none_room) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        null_room(n),
    );
    let sides = (
        // The side that clears three output columns takes one 16-byte column; the other, the
        // two 8-byte ones.
        move || whole(xs, x_room),
        move || {
            (
                null_column(n, none_room),
                row_column(n, row_room),
                whole(ns, n_room),
            )
        },
    );
    let rows = match input.arrays() {
        Some(arrays) if kernel => {
            let z = [ConfidenceLevel::P95.z(), ConfidenceLevel::P998.z()];
            let (theta, mf) = (model.theta, model.m);
            let placeholder = (Position::Within, None);
            rows(
                n,
                threads,
                placeholder,
                sides,
                |w, range, scratch: &mut Scratch| {
                    let lanes = &mut *scratch.0;
                    lanes.centre = Some(centre.0);
                    lanes.load(arrays, w.start + range.start, range.len());
                    lanes.estimates(model.multiplier, integer);
                    simd::dispatch(
                        #[inline(always)]
                        || {
                            funnel_block(lanes, (theta, mf), centre.1, z);
                            lanes.round();
                        },
                    );
                    for (slow, &sure) in lanes.slow.iter_mut().zip(&lanes.label_sure) {
                        *slow |= !sure;
                    }
                    let label =
                        |l: &Lanes, j: usize| label_code(l.label.get(j).copied().unwrap_or(0));
                    lanes.write(w, range, label, |i| per_row(i, &mut Cache::new()));
                },
            )
        }
        _ => rows(
            n,
            threads,
            (Position::Within, None),
            sides,
            |w, range, cache: &mut Cache| {
                for j in range {
                    let result = per_row(w.start + j, cache);
                    w.row(j, result);
                }
            },
        ),
    };
    let Some((mut rows, x_values, (none, row, n_values))) = rows else {
        return Ok(None);
    };
    let nulls = rows.nulls();
    let whole = |values: Vec<i128>| -> Option<ArrayRef> {
        let array = Decimal128Array::new(ScalarBuffer::from(values), nulls.clone())
            .with_precision_and_scale(38, 0)
            .ok()?;
        Some(Arc::new(array) as ArrayRef)
    };
    let mantissas = std::mem::take(&mut rows.mantissas);
    let Some(numbers) = number_columns(mantissas, rows.top, nulls.as_ref()) else {
        return Ok(None);
    };
    let preference = model.preference;
    let positions = POSITIONS.map(|p| Some(p.as_str()));
    let levels = [
        None,
        Some(level_text(ConfidenceLevel::P95)),
        Some(level_text(ConfidenceLevel::P998)),
    ];
    let outcomes = POSITIONS.map(|p| Some(p.outcome(preference).as_str()));
    let (labels, nulls) = (&rows.labels, nulls.as_ref());
    let level_code = |(_, l): Label| match l {
        None => 0,
        Some(ConfidenceLevel::P95) => 1,
        Some(ConfidenceLevel::P998) => 2,
    };
    let (position_room, level_room, outcome_room) = (
        label_room(&positions, n),
        label_room(&levels, n),
        label_room(&outcomes, n),
    );
    let Some(((position, level), outcome)) = in_parallel(
        threads,
        || {
            (
                label_column(labels, nulls, position_room, |(p, _)| position_code(p)),
                label_column(labels, nulls, level_room, level_code),
            )
        },
        || label_column(labels, nulls, outcome_room, |(p, _)| position_code(p)),
    ) else {
        return Ok(None);
    };
    let (Some(x_column), Some(n_column)) = (whole(x_values), whole(n_values)) else {
        return Ok(None);
    };
    let mut out: Vec<(&str, ArrayRef)> = vec![
        ("row", row),
        ("numerator", x_column),
        ("denominator", n_column),
    ];
    let names = ["value", "lower_95", "upper_95", "lower_998", "upper_998"];
    out.extend(names.into_iter().zip(numbers));
    let (error, error_kind) = rows.error_columns(none);
    out.extend([
        ("position", position),
        ("level", level),
        ("outcome", outcome),
        ("error", error),
        ("error_kind", error_kind),
    ]);
    let metadata = super::metadata(options, &model, dispersion);
    with_metadata(output_batch(out)?, metadata).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_floats_leave_the_comparison_to_the_decimals() {
        let (a, b) = ((1, 0), (10_000_000_001, 10));
        // 1 < 1.0000000001, though the floats are too close to tell.
        assert!(less(a, 1.0, b, 1.0));
        assert!(!less(b, 1.0, a, 1.0));
        // Far apart, the floats decide.
        assert!(less(a, 1.0, b, 2.0));
        assert!(!apart(0.0, 0.0));
    }

    #[test]
    fn the_columns_built_beside_the_zeroing_are_the_ones_built_after_the_rows() {
        let methods = METHODS.map(|m| Some(method_name(m)));
        for n in [0, 1, 2, 7, 8, 9, 63, 64, 65, 1000, 4099] {
            // The error columns of a frame without errors.
            let none = null_column(n, null_room(n));
            let before: ArrayRef = Arc::new(LargeStringArray::new_null(n));
            assert_eq!(none.to_data(), before.to_data(), "{n}");
            assert_eq!(none.null_count(), n);
            let array = none.as_any().downcast_ref::<LargeStringArray>();
            let array = array.unwrap_or_else(|| panic!("{n}: not large text"));
            assert_eq!(array.value_offsets(), vec![0i64; n + 1].as_slice());
            assert!(array.values().is_empty());
            // A proportion's method column, every row Wilson, against the label loop's.
            for method in METHODS {
                let labels = vec![method; n];
                let name = method_name(method);
                let uniform = uniform_column(name, n, label_room(&methods, n));
                let labelled = label_column(&labels, None, label_room(&methods, n), method_code);
                assert_eq!(uniform.to_data(), labelled.to_data(), "{n} {name}");
                let (u, l) = (
                    uniform.as_any().downcast_ref::<LargeStringArray>(),
                    labelled.as_any().downcast_ref::<LargeStringArray>(),
                );
                let (u, l) = u.zip(l).unwrap_or_else(|| panic!("{n}: not large text"));
                assert_eq!(u.value_offsets(), l.value_offsets());
                assert_eq!(u.values().as_slice(), l.values().as_slice());
                assert_eq!(u.nulls(), None);
            }
        }
    }
}
