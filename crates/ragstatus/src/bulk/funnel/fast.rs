//! The columnar path of [`funnel_batch`](super::funnel_batch) and
//! [`intervals_batch`](super::intervals_batch) for integer columns, the usual input.
//!
//! Each row's estimate is the same decimal division as the exact path's; its limits are the same
//! `f64` formulas rounded by the same function, and written straight into the output columns
//! (no per-row `Interval` or `FunnelPoint`, no per-row `Result`). Two shortcuts, each exact:
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

use arrow_array::types::Int64Type;
use arrow_array::{
    Array, ArrayRef, Decimal128Array, LargeStringArray, PrimitiveArray, RecordBatch,
};
use arrow_buffer::{NullBuffer, ScalarBuffer};
use rust_decimal::Decimal;

use super::super::{Columns, LIMIT, POWERS, batch as output_batch, error_arrays, thread_count};
use super::{UnitFrameOptions, at_row, level_text, method_name, read_unit, with_metadata};
use crate::error::{Error, Result};
use crate::frame::Numbers;
use crate::funnel::{Model, Position, Statistic};
use crate::interval::{
    self, ConfidenceLevel, Kind, Method, SMALL_COUNT, byar, exact_poisson, round_significant,
    scaled, wilson_limits,
};

/// Integers up to 2⁵³ are exact in `f64`, as `Decimal::to_f64` gives them.
const EXACT: i64 = 1 << 53;

/// The relative distance beyond which two floats decide a comparison of the decimals they
/// approximate: each decimal is a limit rounded to ten significant digits (at most 5 × 10⁻¹⁰
/// relative from its float) or an exact quotient (a few units in 10⁻¹⁶ from its float).
const GAP: f64 = 1e-8;

/// A row's numbers: the estimate and the four limits (lower 95, upper 95, lower 99.8, upper
/// 99.8).
type Numbers5 = (Decimal, [Decimal; 4]);

/// The exact Poisson limits of a rate funnel, by denominator, on one thread.
type Cache = HashMap<i64, [f64; 4]>;

/// The rows of one thread: each number column in its own vector (zero for a row in error) with
/// the largest scale among the rows not in error, a label per row, and the errors by row.
struct Part<L> {
    numbers: [Vec<Decimal>; 5],
    scales: [u32; 5],
    labels: Vec<L>,
    errors: Vec<(usize, Error)>,
}

/// Every row, as the threads' parts in row order.
struct Rows<L> {
    count: usize,
    parts: Vec<Part<L>>,
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
fn less(a: Decimal, af: f64, b: Decimal, bf: f64) -> bool {
    if apart(af, bf) {
        true
    } else if apart(bf, af) {
        false
    } else {
        a < b
    }
}

/// `a` lies below `b` by more than [`GAP`] of either.
fn apart(a: f64, b: f64) -> bool {
    a + GAP * a.abs() < b - GAP * b.abs()
}

/// `round_significant(x).min(cap)`, as the exact path caps a lower limit; `None` where the
/// rounding fails (the exact path reports it).
fn below(x: f64, cap: Decimal, cap_f: f64) -> Option<Decimal> {
    let d = round_significant(x, "lower").ok()?;
    Some(if apart(x, cap_f) { d } else { d.min(cap) })
}

/// `round_significant(x).max(cap)`, as the exact path caps an upper limit.
fn above(x: f64, cap: Decimal, cap_f: f64) -> Option<Decimal> {
    let d = round_significant(x, "upper").ok()?;
    Some(if apart(cap_f, x) { d } else { d.max(cap) })
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
fn interval_row(kind: Kind, (x, n): (i64, i64), m: Decimal, mf: f64) -> Option<(Numbers5, Method)> {
    if x > EXACT || n > EXACT {
        return None;
    }
    let value = scaled(Decimal::from(x), Decimal::from(n), m).ok()?;
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
    centre_f: f64,
    (x, n): (i64, i64),
    cache: &mut Cache,
) -> Option<(Numbers5, Label)> {
    if x > EXACT || n > EXACT {
        return None;
    }
    let value = scaled(Decimal::from(x), Decimal::from(n), model.multiplier).ok()?;
    let (xf, nf) = (x as f64, n as f64);
    let vf = xf / nf * model.m;
    let poisson = model.statistic != Statistic::Proportion;
    let [l95, u95, l998, u998] =
        if poisson && model.tau2.is_none() && model.theta * nf < f64::from(SMALL_COUNT) {
            *cache.entry(n).or_insert_with(|| model.limits_f64(nf))
        } else {
            model.limits_f64(nf)
        };
    let centre = model.centre;
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
        let at = |l: &[Decimal; 4], f: &[f64; 4], k: usize| {
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

/// A funnel row's position and the highest level at which it holds.
type Label = (Position, Option<ConfidenceLevel>);

/// `row` over every row, in contiguous runs on `threads` threads; `None` if a thread stopped.
fn rows<L: Copy + Send + Sync>(
    count: usize,
    threads: usize,
    placeholder: L,
    row: impl Fn(usize, &mut Cache) -> Result<(Numbers5, L)> + Sync,
) -> Option<Rows<L>> {
    let run = |start: usize, end: usize| {
        let len = end - start;
        let mut out = Part {
            numbers: std::array::from_fn(|_| Vec::with_capacity(len)),
            scales: [0; 5],
            labels: Vec::with_capacity(len),
            errors: Vec::new(),
        };
        let mut cache = Cache::new();
        for i in start..end {
            let (numbers, label) = match row(i, &mut cache) {
                Ok((numbers, label)) => {
                    let (value, [a, b, c, d]) = numbers;
                    for ((column, scale), v) in out
                        .numbers
                        .iter_mut()
                        .zip(out.scales.iter_mut())
                        .zip([value, a, b, c, d])
                    {
                        *scale = (*scale).max(v.scale());
                        column.push(v);
                    }
                    out.labels.push(label);
                    continue;
                }
                Err(e) => {
                    out.errors.push((i, e));
                    ((Decimal::ZERO, [Decimal::ZERO; 4]), placeholder)
                }
            };
            let (value, [a, b, c, d]) = numbers;
            for (column, v) in out.numbers.iter_mut().zip([value, a, b, c, d]) {
                column.push(v);
            }
            out.labels.push(label);
        }
        out
    };
    let threads = threads.clamp(1, count.max(1));
    if threads == 1 {
        return Some(Rows {
            count,
            parts: vec![run(0, count)],
        });
    }
    let per = count.div_ceil(threads);
    let run = &run;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (start, end) = ((t * per).min(count), ((t + 1) * per).min(count));
                scope.spawn(move || run(start, end))
            })
            .collect();
        let mut parts = Vec::with_capacity(threads);
        for handle in handles {
            parts.push(handle.join().ok()?);
        }
        Some(Rows { count, parts })
    })
}

impl<L> Rows<L> {
    fn errors(&self) -> impl Iterator<Item = &(usize, Error)> {
        self.parts.iter().flat_map(|p| p.errors.iter())
    }

    /// The validity of the rows: `None` when none is in error.
    fn nulls(&self) -> Option<NullBuffer> {
        self.errors().next()?;
        let mut valid = vec![true; self.count];
        for (i, _) in self.errors() {
            if let Some(v) = valid.get_mut(*i) {
                *v = false;
            }
        }
        Some(NullBuffer::from(valid))
    }

    /// The error and error_kind columns.
    fn error_columns(&self) -> (ArrayRef, ArrayRef) {
        let n = self.count;
        if self.errors().next().is_none() {
            let none: ArrayRef = Arc::new(LargeStringArray::new_null(n));
            return (none.clone(), none);
        }
        let mut errors = self.errors().peekable();
        let cells = (0..n).map(move |i| errors.next_if(|(row, _)| *row == i).map(|(_, e)| e));
        error_arrays(cells, n)
    }

    /// The labels in row order.
    fn labels(&self) -> impl Iterator<Item = &L> {
        self.parts.iter().flat_map(|p| p.labels.iter())
    }
}

/// A `Decimal128(38, scale)` column of `values` (the largest scale among the rows not in
/// error), as the exact path writes it; `None` if a value does not fit (the exact path makes
/// that row an error).
fn decimal_column<'v>(
    values: impl Iterator<Item = &'v Decimal>,
    scale: u32,
    nulls: Option<&NullBuffer>,
) -> Option<ArrayRef> {
    let mut out = Vec::new();
    for (i, v) in values.enumerate() {
        if nulls.is_some_and(|b| b.is_null(i)) {
            out.push(0);
            continue;
        }
        let m = v.mantissa();
        let scaled = match scale.checked_sub(v.scale())? {
            0 => m,
            k => POWERS
                .get(k as usize)
                .and_then(|f| m.checked_mul(*f))
                .filter(|m| m.abs() < LIMIT)?,
        };
        out.push(scaled);
    }
    let array = Decimal128Array::new(ScalarBuffer::from(out), nulls.cloned())
        .with_precision_and_scale(38, i8::try_from(scale).ok()?)
        .ok()?;
    Some(Arc::new(array))
}

/// The five number columns (value, then the four limits), built on up to five threads.
fn number_columns<L: Sync>(rows: &Rows<L>, nulls: Option<&NullBuffer>) -> Option<Vec<ArrayRef>> {
    let column = |k: usize| {
        let scale = rows
            .parts
            .iter()
            .filter_map(|p| p.scales.get(k))
            .max()
            .copied()
            .unwrap_or(0);
        let values = rows
            .parts
            .iter()
            .flat_map(move |p| p.numbers.get(k).into_iter().flatten());
        decimal_column(values, scale, nulls)
    };
    if rows.parts.len() < 2 {
        return (0..5).map(column).collect();
    }
    let column = &column;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..5).map(|k| scope.spawn(move || column(k))).collect();
        handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect()
    })
}

/// A text column of one of a few names per row, null for the rows in error.
fn label_column<L: Copy>(
    rows: &Rows<L>,
    nulls: Option<&NullBuffer>,
    text: impl Fn(L) -> Option<&'static str>,
) -> ArrayRef {
    let mut builder = super::super::text_builder(rows.count, 8);
    for (i, label) in rows.labels().enumerate() {
        if nulls.is_some_and(|b| b.is_null(i)) {
            builder.append_null();
        } else {
            builder.append_option(text(*label));
        }
    }
    Arc::new(builder.finish())
}

/// The row numbers, 0 to n − 1.
fn row_column(n: usize) -> ArrayRef {
    Arc::new(PrimitiveArray::<arrow_array::types::UInt64Type>::from_iter_values(0..n as u64))
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
    let n = batch.num_rows();
    let columns = [&input.numerators, &input.denominators];
    let rows = rows(
        n,
        thread_count(options.threads, n),
        Method::Wilson,
        |i, _| {
            if let Some(out) = input
                .unit(i, statistic)
                .and_then(|u| interval_row(kind, u, multiplier, mf))
            {
                return Ok(out);
            }
            let u = read_unit(i, columns, options)?;
            let [a, b] = interval::both_levels(kind, u.numerator, u.denominator, multiplier)
                .map_err(|e| at_row(e, i))?;
            Ok(((a.value, [a.lower, a.upper, b.lower, b.upper]), a.method))
        },
    );
    let Some(rows) = rows else {
        return Ok(None);
    };
    let nulls = rows.nulls();
    let Some(numbers) = number_columns(&rows, nulls.as_ref()) else {
        return Ok(None);
    };
    let names = ["value", "lower_95", "upper_95", "lower_998", "upper_998"];
    let mut out: Vec<(&str, ArrayRef)> = vec![("row", row_column(n))];
    out.extend(names.into_iter().zip(numbers));
    let method = label_column(&rows, nulls.as_ref(), |m| Some(method_name(m)));
    let (error, error_kind) = rows.error_columns();
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
    let (model, dispersion) = Model::new(&options.settings, units)?;
    let Ok(centre_f) = interval::to_f64(model.centre, "centre") else {
        return Ok(None);
    };
    let columns = [&input.numerators, &input.denominators];
    let rows = rows(
        n,
        thread_count(options.threads, n),
        (Position::Within, None),
        |i, cache| {
            if let Some(out) = input
                .unit(i, statistic)
                .and_then(|u| funnel_row(&model, centre_f, u, cache))
            {
                return Ok(out);
            }
            let u = read_unit(i, columns, options)?;
            let p = model.point(u).map_err(|e| at_row(e, i))?;
            let l = p.limits;
            Ok((
                (p.value, [l.lower_95, l.upper_95, l.lower_998, l.upper_998]),
                (p.position, p.level),
            ))
        },
    );
    let Some(rows) = rows else {
        return Ok(None);
    };
    let nulls = rows.nulls();
    let Some([xs, ns]) = input.arrays() else {
        return Ok(None);
    };
    // A valid row's numerator and denominator are whole numbers: scale 0.
    let whole = |a: &PrimitiveArray<Int64Type>| -> Option<ArrayRef> {
        let values: Vec<i128> = (0..n)
            .map(|i| {
                if a.is_valid(i) {
                    i128::from(a.value(i))
                } else {
                    0
                }
            })
            .collect();
        let array = Decimal128Array::new(ScalarBuffer::from(values), nulls.clone())
            .with_precision_and_scale(38, 0)
            .ok()?;
        Some(Arc::new(array) as ArrayRef)
    };
    let (Some(x_column), Some(n_column), Some(numbers)) =
        (whole(xs), whole(ns), number_columns(&rows, nulls.as_ref()))
    else {
        return Ok(None);
    };
    let preference = model.preference;
    let mut out: Vec<(&str, ArrayRef)> = vec![
        ("row", row_column(n)),
        ("numerator", x_column),
        ("denominator", n_column),
    ];
    let names = ["value", "lower_95", "upper_95", "lower_998", "upper_998"];
    out.extend(names.into_iter().zip(numbers));
    let (error, error_kind) = rows.error_columns();
    out.extend([
        (
            "position",
            label_column(&rows, nulls.as_ref(), |(p, _)| Some(p.as_str())),
        ),
        (
            "level",
            label_column(&rows, nulls.as_ref(), |(_, l)| l.map(level_text)),
        ),
        (
            "outcome",
            label_column(&rows, nulls.as_ref(), |(p, _)| {
                Some(p.outcome(preference).as_str())
            }),
        ),
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
        let (a, b) = (Decimal::new(1, 0), Decimal::new(10_000_000_001, 10));
        // 1 < 1.0000000001, though the floats are too close to tell.
        assert!(less(a, 1.0, b, 1.0));
        assert!(!less(b, 1.0, a, 1.0));
        // Far apart, the floats decide.
        assert!(less(a, 1.0, b, 2.0));
        assert!(!apart(0.0, 0.0));
    }
}
