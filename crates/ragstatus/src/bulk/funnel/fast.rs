//! The columnar path of [`funnel_batch`](super::funnel_batch) and
//! [`intervals_batch`](super::intervals_batch) for integer columns, the usual input.
//!
//! Each row's estimate has the exact path's digits and scale, by integer arithmetic ([`quotient`])
//! where it reproduces rust_decimal's and by the same decimal operations elsewhere; its limits are
//! the same `f64` formulas rounded by the same function.
//! Every number is kept as a mantissa and a scale and written straight into the output columns
//! (no per-row `Decimal`, `Interval` or `FunnelPoint`, no per-row `Result`); once the rows are
//! done, each column's mantissas are brought to its largest scale in place. Two more shortcuts,
//! each exact:
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
use super::quotient::{self, Multiplier};
use super::{UnitFrameOptions, at_row, level_text, method_name, read_unit, with_metadata};
use crate::error::{Error, Result};
use crate::frame::Numbers;
use crate::funnel::{Model, Position, Statistic};
use crate::interval::{
    self, ConfidenceLevel, Kind, Method, SMALL_COUNT, byar, exact_poisson, round_significant,
    round_significant_parts, scaled, wilson_limits,
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

/// Every row: each number column's mantissas and scales (zero for a row in error), the largest
/// scale of each among the rows not in error, a label per row, and the errors by row.
struct Rows<L> {
    count: usize,
    mantissas: [Vec<i128>; 5],
    scales: [Vec<u8>; 5],
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

/// `a` lies below `b` by more than [`GAP`] of either.
fn apart(a: f64, b: f64) -> bool {
    a + GAP * a.abs() < b - GAP * b.abs()
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

/// A funnel row's position and the highest level at which it holds.
type Label = (Position, Option<ConfidenceLevel>);

/// `row` over every row, in contiguous runs on `threads` threads, each writing its rows'
/// numbers and labels straight into the output vectors; `None` if a thread stopped.
fn rows<L: Copy + Send + Sync>(
    count: usize,
    threads: usize,
    placeholder: L,
    row: impl Fn(usize, &mut Cache) -> Result<(Numbers5, L)> + Sync,
) -> Option<Rows<L>> {
    let mut mantissas: [Vec<i128>; 5] = std::array::from_fn(|_| vec![0; count]);
    let mut scales: [Vec<u8>; 5] = std::array::from_fn(|_| vec![0; count]);
    let mut labels = vec![placeholder; count];
    let run =
        |start: usize, mantissas: [&mut [i128]; 5], scales: [&mut [u8]; 5], labels: &mut [L]| {
            let mut top = [0u32; 5];
            let mut errors = Vec::new();
            let mut cache = Cache::new();
            let [m0, m1, m2, m3, m4] = mantissas;
            let [s0, s1, s2, s3, s4] = scales;
            let outputs = m0
                .iter_mut()
                .zip(m1.iter_mut())
                .zip(m2.iter_mut())
                .zip(m3.iter_mut())
                .zip(m4.iter_mut())
                .zip(s0.iter_mut().zip(s1.iter_mut()))
                .zip(s2.iter_mut().zip(s3.iter_mut()).zip(s4.iter_mut()))
                .zip(labels.iter_mut());
            for (j, (((((((m0, m1), m2), m3), m4), (s0, s1)), ((s2, s3), s4)), label)) in
                outputs.enumerate()
            {
                let i = start + j;
                match row(i, &mut cache) {
                    Ok((((v, vs), [(a, as_), (b, bs), (c, cs), (d, ds)]), l)) => {
                        let (ms, ss) = ([v, a, b, c, d], [vs, as_, bs, cs, ds]);
                        for (t, s) in top.iter_mut().zip(ss) {
                            *t = (*t).max(s);
                        }
                        [*m0, *m1, *m2, *m3, *m4] = ms;
                        // A scale is at most 28 (a decimal's), so it fits a byte.
                        [*s0, *s1, *s2, *s3, *s4] = ss.map(|s| s as u8);
                        *label = l;
                    }
                    Err(e) => errors.push((i, e)),
                }
            }
            (top, errors)
        };
    let threads = threads.clamp(1, count.max(1));
    let per = count.div_ceil(threads).max(1);
    let mut mantissa_runs = mantissas.each_mut().map(|v| v.chunks_mut(per));
    let mut scale_runs = scales.each_mut().map(|v| v.chunks_mut(per));
    let mut label_runs = labels.chunks_mut(per);
    let mut runs = (0..threads).map(|t| {
        (
            t * per,
            mantissa_runs
                .each_mut()
                .map(|r| r.next().unwrap_or_default()),
            scale_runs.each_mut().map(|r| r.next().unwrap_or_default()),
            label_runs.next().unwrap_or_default(),
        )
    });
    let results = if threads == 1 {
        runs.map(|(start, m, s, l)| run(start, m, s, l)).collect()
    } else {
        let run = &run;
        std::thread::scope(|scope| {
            let handles: Vec<_> = runs
                .by_ref()
                .map(|(start, m, s, l)| scope.spawn(move || run(start, m, s, l)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().ok())
                .collect::<Option<Vec<_>>>()
        })?
    };
    let mut top = [0u32; 5];
    let mut errors = Vec::new();
    for (t, e) in results {
        for (a, b) in top.iter_mut().zip(t) {
            *a = (*a).max(b);
        }
        errors.extend(e);
    }
    Some(Rows {
        count,
        mantissas,
        scales,
        top,
        labels,
        errors,
    })
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

    /// The error and error_kind columns.
    fn error_columns(&self) -> (ArrayRef, ArrayRef) {
        let n = self.count;
        if self.errors.is_empty() {
            let none: ArrayRef = Arc::new(LargeStringArray::new_null(n));
            return (none.clone(), none);
        }
        let mut errors = self.errors.iter().peekable();
        let cells = (0..n).map(move |i| errors.next_if(|(row, _)| *row == i).map(|(_, e)| e));
        error_arrays(cells, n)
    }
}

/// A `Decimal128(38, scale)` column of `mantissas` brought from their own `scales` to `scale`
/// (the largest among the rows not in error), as the exact path writes it; `None` if a value
/// does not fit (the exact path makes that row an error).
fn decimal_column(
    mut mantissas: Vec<i128>,
    scales: &[u8],
    scale: u32,
    nulls: Option<&NullBuffer>,
) -> Option<ArrayRef> {
    // Per distance to the column's scale: the factor, and the largest mantissa it keeps within
    // 38 digits (a scale above the column's cannot occur: it is the largest).
    let steps: Vec<(i128, u128)> = (0..=scale)
        .map(|k| {
            let f = POWERS.get(k as usize).copied().unwrap_or(LIMIT);
            (f, ((LIMIT - 1) / f) as u128)
        })
        .collect();
    let mut fits = true;
    for (m, s) in mantissas.iter_mut().zip(scales) {
        let (f, largest) = steps
            .get(scale.saturating_sub(u32::from(*s)) as usize)
            .copied()
            .unwrap_or((1, 0));
        fits &= m.unsigned_abs() <= largest;
        *m = m.wrapping_mul(f);
    }
    if !fits {
        return None;
    }
    let array = Decimal128Array::new(ScalarBuffer::from(mantissas), nulls.cloned())
        .with_precision_and_scale(38, i8::try_from(scale).ok()?)
        .ok()?;
    Some(Arc::new(array))
}

/// The five number columns (value, then the four limits), built on up to five threads.
fn number_columns(
    mantissas: [Vec<i128>; 5],
    scales: &[Vec<u8>; 5],
    top: [u32; 5],
    threads: usize,
    nulls: Option<&NullBuffer>,
) -> Option<Vec<ArrayRef>> {
    let jobs = mantissas.into_iter().zip(scales.iter()).zip(top);
    if threads < 2 {
        return jobs
            .map(|((m, s), t)| decimal_column(m, s, t, nulls))
            .collect();
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .map(|((m, s), t)| scope.spawn(move || decimal_column(m, s, t, nulls)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect()
    })
}

/// A text column of one of a few names per row, null for the rows in error.
fn label_column<L: Copy>(
    labels: &[L],
    nulls: Option<&NullBuffer>,
    text: impl Fn(L) -> Option<&'static str>,
) -> ArrayRef {
    let mut builder = super::super::text_builder(labels.len(), 8);
    for (i, label) in labels.iter().enumerate() {
        if nulls.is_some_and(|b| b.is_null(i)) {
            builder.append_null();
        } else {
            builder.append_option(text(*label));
        }
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
    let integer = Multiplier::new(multiplier);
    let n = batch.num_rows();
    let threads = thread_count(options.threads, n);
    let columns = [&input.numerators, &input.denominators];
    let rows = rows(n, threads, Method::Wilson, |i, _| {
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
    });
    let Some(mut rows) = rows else {
        return Ok(None);
    };
    let nulls = rows.nulls();
    let mantissas = std::mem::take(&mut rows.mantissas);
    let Some(numbers) = number_columns(mantissas, &rows.scales, rows.top, threads, nulls.as_ref())
    else {
        return Ok(None);
    };
    let names = ["value", "lower_95", "upper_95", "lower_998", "upper_998"];
    let mut out: Vec<(&str, ArrayRef)> = vec![("row", row_column(n))];
    out.extend(names.into_iter().zip(numbers));
    let method = label_column(&rows.labels, nulls.as_ref(), |m| Some(method_name(m)));
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
    let rows = rows(n, threads, (Position::Within, None), |i, cache| {
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
    });
    let Some(mut rows) = rows else {
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
    let mantissas = std::mem::take(&mut rows.mantissas);
    let numbers = number_columns(mantissas, &rows.scales, rows.top, threads, nulls.as_ref());
    let (Some(x_column), Some(n_column), Some(numbers)) = (whole(xs), whole(ns), numbers) else {
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
            label_column(&rows.labels, nulls.as_ref(), |(p, _)| Some(p.as_str())),
        ),
        (
            "level",
            label_column(&rows.labels, nulls.as_ref(), |(_, l)| l.map(level_text)),
        ),
        (
            "outcome",
            label_column(&rows.labels, nulls.as_ref(), |(p, _)| {
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
        let (a, b) = ((1, 0), (10_000_000_001, 10));
        // 1 < 1.0000000001, though the floats are too close to tell.
        assert!(less(a, 1.0, b, 1.0));
        assert!(!less(b, 1.0, a, 1.0));
        // Far apart, the floats decide.
        assert!(less(a, 1.0, b, 2.0));
        assert!(!apart(0.0, 0.0));
    }
}
