//! SPC for thousands of series at once (SPEC §12): [`spc_batch`].
//!
//! # Input columns
//!
//! | column | types | meaning |
//! | --- | --- | --- |
//! | key columns ([`SpcFrameOptions::by`]) | text, integers, dictionaries | one series per distinct key; no key columns: one series |
//! | `value` | floats, integers, decimals, text | the point's value, read exactly as in [`crate::frame`] |
//! | denominator ([`SpcFrameOptions::denominator`], optional) | as `value` | the point's denominator, for the P, P′, U and U′ charts of [`SpcSettings::chart`] (SPEC §12a); `value` is then the numerator and the output `value` numerator / denominator |
//! | period ([`SpcFrameOptions::period`], optional) | `Date32` / `Date64` / `Timestamp`, integers, or text (period labels such as `2015/16 Q1`, read with the April calendar, or dates as `yyyy-mm-dd` / `dd/mm/yyyy`) | orders the points of each series and names them in the explanations; without it each series is in input order and its points are "point 1", "point 2", ... |
//!
//! Each series is analysed with [`spc_chart`](crate::spc::spc_chart) and the settings of
//! [`SpcFrameOptions::settings`], exactly as one call per series would.
//!
//! # Output
//!
//! The key columns (as they came in), then [`SPC_COLUMNS`]: one row per input row, in input
//! order (`row` is its position). `index` is the point's position in its series (after
//! ordering), and the columns from `label` to `explanation` are those of
//! [`SpcPoint`](crate::spc::SpcPoint); `trial_limits` is its segment's flag, `variation` and
//! `assurance` are the series' icons, repeated on each of its rows. With
//! [`SpcFrameOptions::explain`] off, `explanation` is null on every row and the sentences are
//! never built; every other column is the same.
//!
//! A row is an error row when its key is null, its value (or denominator) is missing or
//! unreadable (SPC needs an
//! unbroken series: a gap is never skipped silently), its period is missing or unreadable, or
//! it repeats the period of another row of its series (every copy). **A series with an error
//! row is not analysed**: its other rows are error rows that name the row in error, since its
//! chart would be another chart without it. A series the analysis refuses (a rebase point
//! beyond its length, an overflow) has every row in error with that message.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::ArrowPrimitiveType;
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::{
    Array, ArrayRef, Date32Array, Int64Array, LargeStringArray, RecordBatch, StringArray,
};
use arrow_buffer::NullBufferBuilder;
use arrow_schema::{DataType, TimeUnit};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::{
    Columns, DecimalColumns, batch as output_batch, bool_array, cell, error_arrays, number,
    parallel_map, row_array, text_builder, thread_count,
};
use crate::error::{Error, ErrorKind, Result};
use crate::frame::row_error;
use crate::period::FiscalCalendar;
use crate::spc::lean::{Lines, RULES, Row, Rows, Said, spc_rows};
use crate::spc::{Assurance, PointType, SpcSettings};

const NANOS_PER_DAY: i64 = 86_400_000_000_000;

/// The columns [`spc_batch`] returns after the key columns, in order.
pub const SPC_COLUMNS: [&str; 21] = [
    "row",
    "index",
    "label",
    "value",
    "segment",
    "mean",
    "lower_process_limit",
    "upper_process_limit",
    "lower_two_sigma",
    "upper_two_sigma",
    "moving_range",
    "moving_range_used",
    "rules",
    "point_type",
    "special_cause",
    "explanation",
    "trial_limits",
    "variation",
    "assurance",
    "error",
    "error_kind",
];

const NUMBERS: [&str; 7] = [
    "value",
    "mean",
    "lower_process_limit",
    "upper_process_limit",
    "lower_two_sigma",
    "upper_two_sigma",
    "moving_range",
];

/// Column names and settings of [`spc_batch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpcFrameOptions {
    /// The key columns: one series per distinct key.
    pub by: Vec<String>,
    /// The value column (default `value`).
    pub value: String,
    /// The column that orders the points and names them; none: input order.
    pub period: Option<String>,
    /// The denominator column, for the P, P′, U and U′ charts; none for the others.
    pub denominator: Option<String>,
    /// The settings of every series' analysis.
    pub settings: SpcSettings,
    /// Threads to use; 0: as many as the machine has (one for small frames).
    pub threads: usize,
    /// Whether each point's sentence is written; `false` leaves `explanation` null (every other
    /// column is the same) and skips building the sentences, for speed on large frames.
    pub explain: bool,
}

impl Default for SpcFrameOptions {
    fn default() -> Self {
        SpcFrameOptions {
            by: Vec::new(),
            value: "value".into(),
            period: None,
            denominator: None,
            settings: SpcSettings::default(),
            threads: 0,
            explain: true,
        }
    }
}

enum Order {
    None,
    Dates(Date32Array),
    Integers(Int64Array),
    Text(StringArray),
}

/// Where a point goes in its series (the first and last day it covers), and its label.
type Place = ((i64, i64), String);

/// Where a point goes in its series, and its label.
fn place(order: &Order, i: usize) -> Result<Option<Place>> {
    let missing = || {
        Err(Error::new(ErrorKind::Missing {
            field: "a period".into(),
        }))
    };
    let day = |d: NaiveDate| i64::from(d.num_days_from_ce());
    match order {
        Order::None => Ok(None),
        Order::Dates(a) => {
            if a.is_null(i) {
                return missing();
            }
            let d = a.value_as_date(i).ok_or_else(|| {
                Error::invalid_value(a.value(i).to_string(), "a date within chrono's range")
            })?;
            Ok(Some(((day(d), day(d)), d.to_string())))
        }
        Order::Integers(a) => {
            if a.is_null(i) {
                return missing();
            }
            let n = a.value(i);
            Ok(Some(((n, n), n.to_string())))
        }
        Order::Text(a) => {
            let text = cell(Some(a), i).map(str::trim).unwrap_or_default();
            if text.is_empty() {
                return missing();
            }
            if let Ok(p) = FiscalCalendar::default().parse(text) {
                return Ok(Some(((day(p.first_date()), day(p.last_date())), p.label())));
            }
            match crate::milestone::parse_date(text) {
                Ok(d) => Ok(Some(((day(d), day(d)), d.to_string()))),
                Err(_) => Err(Error::invalid_value(
                    text,
                    "a period label (2015/16 Q1) or a date (yyyy-mm-dd or dd/mm/yyyy)",
                )),
            }
        }
    }
}

/// A row that could be read.
struct Point {
    at: (i64, i64),
    /// Its label, an index into the distinct labels.
    label: Option<u32>,
    value: Decimal,
    denominator: Option<Decimal>,
}

/// Where a row goes (the days it covers, its label's index), once read.
type Placed = Result<Option<((i64, i64), u32)>>;

/// A period cell as read, the key of the cache of places.
#[derive(PartialEq, Eq, Hash)]
enum Cell<'a> {
    Text(&'a str),
    Number(i64),
}

/// Where each output row's figures are: the series and the point's position in it.
#[derive(Clone, Copy)]
struct At {
    series: usize,
    point: usize,
}

/// A series' points as [`Row`]s; points with the same lines share them (every point of an
/// XmR segment), and points flagged by the same signal its sentence.
struct Series {
    rows: Vec<Row>,
    lines: Vec<Lines>,
    texts: Vec<String>,
    variation: Option<&'static str>,
    assurance: Option<&'static str>,
    scales: DecimalColumns<7>,
}

impl Series {
    /// The lean analysis' rows as they are.
    fn new(rows: Rows) -> Series {
        let mut series = Series {
            rows: rows.rows,
            lines: rows.lines,
            texts: rows.texts,
            variation: rows.variation.map(PointType::as_str),
            assurance: rows.assurance.map(assurance_name),
            scales: DecimalColumns::new(NUMBERS, std::iter::empty()),
        };
        series.scales = DecimalColumns::new(NUMBERS, series.rows.iter().map(|r| series.numbers(r)));
        series
    }

    /// A row's numbers, in the order of [`NUMBERS`].
    fn numbers(&self, row: &Row) -> [Option<Decimal>; 7] {
        let [mean, lower, upper, lower2, upper2] =
            self.lines.get(row.lines).copied().unwrap_or_default();
        [
            Some(row.value),
            mean,
            lower,
            upper,
            lower2,
            upper2,
            row.moving_range,
        ]
    }

    /// A row's sentence.
    fn said(&self, row: &Row) -> Option<&str> {
        match row.explanation {
            Said::Nothing => None,
            Said::Common => Some(PointType::CommonCause.describe()),
            Said::Text(k) => self.texts.get(k).map(String::as_str),
        }
    }
}

fn assurance_name(a: Assurance) -> &'static str {
    match a {
        Assurance::ConsistentPass => "consistent_pass",
        Assurance::ConsistentFail => "consistent_fail",
        Assurance::Inconsistent => "inconsistent",
    }
}

/// Analyses every series of the batch; see the [module docs](self).
///
/// # Errors
///
/// Settings that no series could use (`shift_length` below 2, say): the error of
/// [`SpcSettings::validate`]. A frame that cannot be read: one [`ErrorKind::Syntax`] error
/// listing every problem. Bad rows and series are error rows of the output.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{Array, Float64Array, RecordBatch, StringArray, cast::AsArray};
/// use ragstatus::bulk::spc::{spc_batch, SpcFrameOptions};
///
/// let values: Vec<f64> = (0..24).map(|i| if i < 17 { 50.0 + f64::from(i % 3) } else { 60.0 }).collect();
/// let batch = RecordBatch::try_from_iter([
///     ("trust", Arc::new(StringArray::from(vec!["RXX"; 24])) as _),
///     ("value", Arc::new(Float64Array::from(values)) as _),
/// ]).map_err(|e| e.to_string())?;
/// let options = SpcFrameOptions { by: vec!["trust".into()], ..SpcFrameOptions::default() };
/// let out = spc_batch(&batch, &options)?;
/// assert_eq!(out.num_rows(), 24);
/// let types = out.column_by_name("point_type").ok_or("no point_type")?.as_string::<i64>();
/// assert_eq!(types.value(23), "special_cause_improvement");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn spc_batch(batch: &RecordBatch, options: &SpcFrameOptions) -> Result<RecordBatch> {
    options.settings.validate(usize::MAX)?;
    let mut columns = Columns::new(batch);
    let mut roles = vec![options.value.as_str()];
    if let Some(p) = &options.period {
        roles.push(p.as_str());
    }
    if let Some(d) = &options.denominator {
        roles.push(d.as_str());
    }
    let keys = columns.keys(&options.by, &roles, &SPC_COLUMNS);
    let values = columns.numbers(&options.value, true);
    let denominators = options
        .denominator
        .as_ref()
        .map(|d| columns.numbers(d, true));
    let order = match &options.period {
        None => Order::None,
        Some(name) => match columns.find(name) {
            None => {
                columns.problem(format!("the period column {name:?} is missing"));
                Order::None
            }
            Some(a) => read_order(&mut columns, name, a),
        },
    };
    columns.finish()?;
    let n = batch.num_rows();

    // Series numbered in order of first appearance.
    let mut codes: Vec<HashMap<&str, u32>> = vec![HashMap::new(); keys.len()];
    // Each key column's cell and code on the row before: sorted frames repeat it, unhashed.
    let mut previous: Vec<Option<(&str, u32)>> = vec![None; keys.len()];
    let mut series_ids: HashMap<Box<[u32]>, u32> = HashMap::new();
    let mut tuple: Vec<u32> = Vec::with_capacity(keys.len());
    let mut last: Option<(Vec<u32>, u32)> = None;
    // Each row's series (`u32::MAX`: none) and each series' size: the lists of members are
    // then filled at their size, not grown point by point.
    let mut series_of: Vec<u32> = Vec::with_capacity(n);
    let mut sizes: Vec<usize> = Vec::new();
    let mut rows: Vec<std::result::Result<Point, Error>> = Vec::with_capacity(n);
    // Few distinct periods in many rows: each is read and labelled once.
    // foldhash: SipHash, the default, costs more than the rest of reading a date cell.
    let mut places: foldhash::HashMap<Cell<'_>, Placed> = foldhash::HashMap::default();
    let mut label_texts: Vec<String> = Vec::new();
    let value_column = options.value.as_str();
    let period_column = options.period.as_deref().unwrap_or_default();
    for i in 0..n {
        series_of.push(u32::MAX);
        let read = (|| -> Result<Point> {
            tuple.clear();
            for (((column, key_values), codes), previous) in
                keys.iter().zip(codes.iter_mut()).zip(previous.iter_mut())
            {
                if key_values.is_null(i) {
                    let name = batch.schema_ref().field(*column).name().clone();
                    let e = Error::new(ErrorKind::Missing {
                        field: format!("a value in key column {name:?}"),
                    });
                    return Err(row_error(e, i, &name));
                }
                let next = u32::try_from(codes.len()).unwrap_or(u32::MAX);
                let cell = key_values.value(i);
                let code = match *previous {
                    Some((last, code)) if last == cell => code,
                    _ => *codes.entry(cell).or_insert(next),
                };
                *previous = Some((cell, code));
                tuple.push(code);
            }
            // Frames come sorted by key: the row before is the likely match.
            let series = match last.as_ref().filter(|(t, _)| *t == tuple) {
                Some((_, s)) => *s,
                None => {
                    let s = match series_ids.get(tuple.as_slice()) {
                        Some(s) => *s,
                        None => {
                            let s = u32::try_from(sizes.len()).unwrap_or(u32::MAX);
                            series_ids.insert(tuple.as_slice().into(), s);
                            sizes.push(0);
                            s
                        }
                    };
                    last = Some((tuple.clone(), s));
                    s
                }
            };
            if let (Some(size), Some(of)) = (sizes.get_mut(series as usize), series_of.last_mut()) {
                *size += 1;
                *of = series;
            }
            let value = number(&values, i)
                .and_then(|v| {
                    v.ok_or_else(|| {
                        Error::invalid_value(
                            "no value",
                            "a value for every point (SPC needs an unbroken series: drop or \
                             fill missing points first)",
                        )
                    })
                })
                .map_err(|e| row_error(e, i, value_column))?;
            let denominator = match (&denominators, options.denominator.as_deref()) {
                (Some(d), Some(column)) => Some(
                    number(d, i)
                        .and_then(|v| {
                            v.ok_or_else(|| {
                                Error::invalid_value(
                                    "no denominator",
                                    "a denominator for every point of a p, p_prime, u or \
                                     u_prime chart",
                                )
                            })
                        })
                        .map_err(|e| row_error(e, i, column))?,
                ),
                _ => None,
            };
            let cell = match &order {
                Order::Text(a) if a.is_valid(i) => Some(Cell::Text(a.value(i))),
                Order::Dates(a) if a.is_valid(i) => Some(Cell::Number(i64::from(a.value(i)))),
                Order::Integers(a) if a.is_valid(i) => Some(Cell::Number(a.value(i))),
                _ => None,
            };
            let mut read_place = || {
                place(&order, i).map(|p| {
                    p.map(|(at, text)| {
                        let k = u32::try_from(label_texts.len()).unwrap_or(u32::MAX);
                        label_texts.push(text);
                        (at, k)
                    })
                })
            };
            let placed = match cell {
                Some(cell) => places.entry(cell).or_insert_with(read_place).clone(),
                None => read_place(),
            };
            let (at, label) = match placed.map_err(|e| row_error(e, i, period_column))? {
                Some((at, label)) => (at, Some(label)),
                None => ((0, 0), None),
            };
            Ok(Point {
                at,
                label,
                value,
                denominator,
            })
        })();
        rows.push(read);
    }

    let mut members: Vec<Vec<usize>> = sizes.iter().map(|&k| Vec::with_capacity(k)).collect();
    for (i, &s) in series_of.iter().enumerate() {
        if let Some(m) = members.get_mut(s as usize) {
            m.push(i);
        }
    }
    drop(series_of);

    // Each series in order; repeated periods are errors (every copy).
    let ordered = !matches!(order, Order::None);
    for list in &mut members {
        if !ordered {
            continue;
        }
        list.sort_by_key(|&r| match rows.get(r) {
            Some(Ok(p)) => (0, p.at),
            _ => (1, (0, 0)),
        });
        let at_of = |r: usize| match rows.get(r) {
            Some(Ok(p)) => Some(p.at),
            _ => None,
        };
        let mut repeated: Vec<(usize, Vec<usize>)> = Vec::new();
        for window in list.chunk_by(|&a, &b| at_of(a).is_some() && at_of(a) == at_of(b)) {
            if window.len() > 1 {
                for &r in window {
                    repeated.push((r, window.iter().copied().filter(|&q| q != r).collect()));
                }
            }
        }
        for (r, others) in repeated {
            if let Some(row) = rows.get_mut(r) {
                let label = row
                    .as_ref()
                    .ok()
                    .and_then(|p| p.label)
                    .and_then(|k| label_texts.get(k as usize).cloned())
                    .unwrap_or_default();
                let also: Vec<String> = others.iter().map(|q| format!("row[{q}]")).collect();
                *row = Err(row_error(
                    Error::new(ErrorKind::Duplicate {
                        what: format!("point of a series (also {})", also.join(", ")),
                        key: label.clone(),
                    })
                    .with_period(label),
                    r,
                    period_column,
                ));
            }
        }
    }

    // A series with an error row is not analysed: its chart would be another chart.
    let threads = thread_count(options.threads, n);
    let settings = &options.settings;
    // The labels are written from `label_texts`: no string per point in the analysis, which
    // writes the output's rows directly (and each signal's sentence once).
    let analysed: Vec<Option<std::result::Result<Series, Error>>> =
        parallel_map(&members, threads, Vec::len, |list| {
            let mut values: Vec<Decimal> = Vec::with_capacity(list.len());
            let mut dens: Vec<Decimal> = Vec::new();
            let mut labels: Vec<&str> = Vec::with_capacity(if ordered { list.len() } else { 0 });
            for &r in list {
                match rows.get(r) {
                    Some(Ok(p)) => {
                        values.push(p.value);
                        if let Some(d) = p.denominator {
                            dens.push(d);
                        }
                        if ordered {
                            let k = p.label.map_or(usize::MAX, |k| k as usize);
                            labels.push(label_texts.get(k).map_or("", String::as_str));
                        }
                    }
                    _ => {
                        return Err(Error::invalid_value(
                            format!("a series with row[{r}] in error"),
                            "an unbroken series (SPC analyses every point of a series or none \
                             of them)",
                        ));
                    }
                }
            }
            let dens = options.denominator.as_ref().map(|_| dens.as_slice());
            let labels = ordered.then_some(labels.as_slice());
            // The scales are found here, while the series' points are still in cache.
            spc_rows(&values, dens, labels, settings, options.explain).map(Series::new)
        });

    let row_labels: Vec<Option<&str>> = rows
        .iter()
        .map(|r| match r {
            Ok(p) if ordered => Some(
                p.label
                    .and_then(|k| label_texts.get(k as usize))
                    .map_or("", String::as_str),
            ),
            _ => None,
        })
        .collect();
    // Each output row: its series' point, or its error.
    let mut at: Vec<Option<std::result::Result<At, Error>>> =
        rows.into_iter().map(|r| r.err().map(Err)).collect();
    for (s, (list, outcome)) in members.iter().zip(&analysed).enumerate() {
        for (k, &r) in list.iter().enumerate() {
            let Some(slot @ None) = at.get_mut(r) else {
                continue;
            };
            *slot = match outcome {
                Some(Ok(_)) => Some(Ok(At {
                    series: s,
                    point: k,
                })),
                Some(Err(e)) => Some(Err(e.clone().with_field(format!("row[{r}]")))),
                None => None,
            };
        }
    }
    // A thread that died leaves its rows unset: they are reported, never dropped.
    let mut at: Vec<std::result::Result<At, Error>> = at
        .into_iter()
        .enumerate()
        .map(|(r, slot)| {
            slot.unwrap_or_else(|| {
                Err(Error::definition(format!(
                    "row {r} was not analysed (an internal error)"
                )))
            })
        })
        .collect();

    let point = |a: &At| {
        analysed
            .get(a.series)
            .and_then(Option::as_ref)
            .and_then(|x| x.as_ref().ok())
            .and_then(|series| series.rows.get(a.point).map(|p| (series, p)))
    };
    let mut decimals = DecimalColumns::new(NUMBERS, std::iter::empty());
    for series in analysed.iter().flatten().flatten() {
        decimals.merge(&series.scales);
    }

    // The output in two passes over the points, on two threads where there are two: the
    // analysis alone is parallel otherwise, and writing the output was most of the rest. One
    // pass writes the lines' four columns and the mean, the other the rest. A number that does
    // not fit its column (either pass finds it) makes its row an error row: both passes are then
    // run again, one after the other, to write it as one (rare: a number of more than 38 digits
    // at its column's scale).
    let line_pass = |at: &[std::result::Result<At, Error>]| line_columns(at, &point, &decimals);
    let row_pass = |at: &[std::result::Result<At, Error>]| {
        row_columns(at, &point, &decimals, &row_labels, options.explain)
    };
    let (mut lines_out, rows_out) = if threads > 1 {
        std::thread::scope(|scope| {
            let rows_out = scope.spawn(|| row_pass(&at));
            let lines_out = line_pass(&at);
            (lines_out, rows_out.join().ok())
        })
    } else {
        (line_pass(&at), None)
    };
    // One thread, or a thread that died: the other pass here.
    let mut rows_out = rows_out.unwrap_or_else(|| row_pass(&at));
    let mut misfits = std::mem::take(&mut lines_out.misfits);
    misfits.append(&mut rows_out.misfits);
    if !misfits.is_empty() {
        for (r, e) in misfits {
            if let Some(slot @ Ok(_)) = at.get_mut(r) {
                *slot = Err(e);
            }
        }
        lines_out = line_pass(&at);
        rows_out = row_pass(&at);
    }
    let RowColumns {
        value,
        moving_range,
        index,
        segment,
        used,
        special,
        trial,
        label,
        rules,
        point_type,
        explanation,
        variation,
        assurance,
        misfits: _,
    } = rows_out;
    let [mean, lower, upper, lower2, upper2] = lines_out.lines;
    let (error, error_kind) = error_arrays(at.iter().map(|a| a.as_ref().err()), n);

    let schema = batch.schema();
    let mut out: Vec<(String, ArrayRef)> = keys
        .iter()
        .map(|(i, _)| (schema.field(*i).name().clone(), batch.column(*i).clone()))
        .collect();
    out.push(("row".into(), row_array((0..n).map(Some))));
    out.push(("index".into(), index));
    out.push(("label".into(), label));
    out.push(("value".into(), value?));
    out.push(("segment".into(), segment));
    out.push(("mean".into(), mean?));
    out.push(("lower_process_limit".into(), lower?));
    out.push(("upper_process_limit".into(), upper?));
    out.push(("lower_two_sigma".into(), lower2?));
    out.push(("upper_two_sigma".into(), upper2?));
    out.push(("moving_range".into(), moving_range?));
    out.push(("moving_range_used".into(), used));
    out.push(("rules".into(), rules));
    out.push(("point_type".into(), point_type));
    out.push(("special_cause".into(), special));
    out.push(("explanation".into(), explanation));
    out.push(("trial_limits".into(), trial));
    out.push(("variation".into(), variation));
    out.push(("assurance".into(), assurance));
    out.push(("error".into(), error));
    out.push(("error_kind".into(), error_kind));
    output_batch(out)
}

/// The mean and the four lines of every row, and the rows whose numbers do not fit their
/// columns, with their errors.
struct LineColumns {
    lines: [Result<ArrayRef>; 5],
    misfits: Vec<(usize, Error)>,
}

/// Every other column but the row numbers and the errors', and the rows whose value or
/// moving range does not fit its column, with their errors.
struct RowColumns {
    value: Result<ArrayRef>,
    moving_range: Result<ArrayRef>,
    index: ArrayRef,
    segment: ArrayRef,
    used: ArrayRef,
    special: ArrayRef,
    trial: ArrayRef,
    label: ArrayRef,
    rules: ArrayRef,
    point_type: ArrayRef,
    explanation: ArrayRef,
    variation: ArrayRef,
    assurance: ArrayRef,
    misfits: Vec<(usize, Error)>,
}

/// The error of a row whose numbers do not all fit their columns.
fn misfit(
    r: usize,
    numbers: &[Option<Decimal>; 7],
    decimals: &DecimalColumns<7>,
) -> (usize, Error) {
    let e = decimals
        .scaled_row(numbers)
        .err()
        .unwrap_or_else(|| Error::overflow("a number"));
    (r, e.with_field(format!("row[{r}]")))
}

/// A column of numbers, each already at the column's scale, and its validity.
fn number_column(n: usize) -> (Vec<i128>, NullBufferBuilder) {
    (Vec::with_capacity(n), NullBufferBuilder::new(n))
}

/// The columns of [`LineColumns`] (columns 1 to 5 of [`NUMBERS`]).
fn line_columns<'s>(
    at: &[std::result::Result<At, Error>],
    point: &impl Fn(&At) -> Option<(&'s Series, &'s Row)>,
    decimals: &DecimalColumns<7>,
) -> LineColumns {
    let n = at.len();
    let mut misfits = Vec::new();
    let mut columns: [(Vec<i128>, NullBufferBuilder); 5] =
        std::array::from_fn(|_| number_column(n));
    let scales: [u32; 5] = std::array::from_fn(|k| decimals.scale(k + 1));
    for (r, slot) in at.iter().enumerate() {
        let found = match slot {
            Ok(a) => point(a),
            Err(_) => None,
        };
        let lines = found.map(|(series, p)| (series, p, series.lines.get(p.lines)));
        // Scaled in place: the numbers are not moved between matches.
        let mut scaled = [0i128; 5];
        let mut present = [false; 5];
        let mut fits = lines.is_some();
        if let Some((_, _, Some(lines))) = lines {
            for (((slot, is), v), scale) in
                scaled.iter_mut().zip(&mut present).zip(lines).zip(scales)
            {
                if let Some(v) = v {
                    match DecimalColumns::<7>::scaled(*v, scale) {
                        Some(m) => (*slot, *is) = (m, true),
                        None => fits = false,
                    }
                }
            }
        }
        if let (false, Some((series, p, _))) = (fits, lines) {
            misfits.push(misfit(r, &series.numbers(p), decimals));
        }
        for (((values, valid), v), is) in columns.iter_mut().zip(scaled).zip(present) {
            values.push(v);
            valid.append(fits && is);
        }
    }
    let mut k = 0;
    let lines = columns.map(|(values, valid)| {
        k += 1;
        decimals.array_at(k, values, valid)
    });
    LineColumns { lines, misfits }
}

/// The columns of [`RowColumns`]: a row's own figures, labels and sentence (null on an error
/// row).
fn row_columns<'s>(
    at: &[std::result::Result<At, Error>],
    point: &impl Fn(&At) -> Option<(&'s Series, &'s Row)>,
    decimals: &DecimalColumns<7>,
    row_labels: &[Option<&str>],
    explain: bool,
) -> RowColumns {
    let n = at.len();
    let mut misfits = Vec::new();
    let (mut values, mut values_valid) = number_column(n);
    let (mut ranges, mut ranges_valid) = number_column(n);
    let (value_scale, range_scale) = (decimals.scale(0), decimals.scale(6));
    let mut index = Vec::with_capacity(n);
    let mut segment = Vec::with_capacity(n);
    let mut used = Vec::with_capacity(n);
    let mut special = Vec::with_capacity(n);
    let mut trial = Vec::with_capacity(n);
    let mut label = text_builder(n, 10);
    let mut rules = text_builder(n, 6);
    let mut point_type = text_builder(n, 16);
    // Without sentences the column is null throughout: made whole, not row by row.
    let mut explanation = text_builder(if explain { n } else { 0 }, 40);
    let mut variation = text_builder(n, 16);
    let mut assurance = text_builder(n, 8);
    // Most points have no rule or one: no joined string to build for them.
    let name = |code: u16| {
        RULES
            .get(usize::from(code & 7).wrapping_sub(1))
            .map_or("", |r| r.as_str())
    };
    for (r, (slot, row_label)) in at.iter().zip(row_labels).enumerate() {
        let found = match slot {
            Ok(a) => point(a).map(|(series, p)| (a.point, series, p)),
            Err(_) => None,
        };
        let found = found.and_then(|(k, series, p)| {
            let value = DecimalColumns::<7>::scaled(p.value, value_scale);
            let range = match p.moving_range {
                Some(m) => DecimalColumns::<7>::scaled(m, range_scale).map(Some),
                None => Some(None),
            };
            match (value, range) {
                (Some(v), Some(m)) => Some((k, series, p, v, m)),
                _ => {
                    misfits.push(misfit(r, &series.numbers(p), decimals));
                    None
                }
            }
        });
        match found {
            Some((k, series, p, v, m)) => {
                values.push(v);
                values_valid.append_non_null();
                ranges.push(m.unwrap_or(0));
                ranges_valid.append(m.is_some());
                index.push(Some(k));
                segment.push(Some(p.segment));
                used.push(Some(p.used));
                special.push(Some(p.point_type.is_special_cause()));
                trial.push(p.trial);
                label.append_option(*row_label);
                if p.rules >> 3 == 0 {
                    rules.append_value(name(p.rules));
                } else {
                    let mut names: Vec<&str> = Vec::new();
                    let mut codes = p.rules;
                    while codes != 0 {
                        names.push(name(codes));
                        codes >>= 3;
                    }
                    rules.append_value(names.join(","));
                }
                point_type.append_value(p.point_type.as_str());
                if explain {
                    explanation.append_option(series.said(p));
                }
                variation.append_option(series.variation);
                assurance.append_option(series.assurance);
            }
            None => {
                values.push(0);
                values_valid.append_null();
                ranges.push(0);
                ranges_valid.append_null();
                index.push(None);
                segment.push(None);
                used.push(None);
                special.push(None);
                trial.push(None);
                label.append_null();
                rules.append_null();
                point_type.append_null();
                if explain {
                    explanation.append_null();
                }
                variation.append_null();
                assurance.append_null();
            }
        }
    }
    RowColumns {
        value: decimals.array_at(0, values, values_valid),
        moving_range: decimals.array_at(6, ranges, ranges_valid),
        index: row_array(index.into_iter()),
        segment: row_array(segment.into_iter()),
        used: bool_array(used.into_iter()),
        special: bool_array(special.into_iter()),
        trial: bool_array(trial.into_iter()),
        label: Arc::new(label.finish()),
        rules: Arc::new(rules.finish()),
        point_type: Arc::new(point_type.finish()),
        explanation: if explain {
            Arc::new(explanation.finish())
        } else {
            Arc::new(LargeStringArray::new_null(n))
        },
        variation: Arc::new(variation.finish()),
        assurance: Arc::new(assurance.finish()),
        misfits,
    }
}

/// The days of a naive timestamp column, as `cast(Date32)` gives them; none if a day lies
/// beyond chrono's dates (the cast's own path then decides).
fn naive_days(array: &ArrayRef, unit: TimeUnit) -> Option<Date32Array> {
    fn days<T: ArrowPrimitiveType<Native = i64>>(
        array: &ArrayRef,
        per_day: i64,
    ) -> Option<Date32Array> {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?.num_days_from_ce();
        let first = i64::from(NaiveDate::MIN.num_days_from_ce() - epoch);
        let last = i64::from(NaiveDate::MAX.num_days_from_ce() - epoch);
        array
            .as_primitive_opt::<T>()?
            .try_unary::<_, Date32Type, ()>(|t| {
                let day = t.div_euclid(per_day);
                if (first..=last).contains(&day) {
                    i32::try_from(day).map_err(|_| ())
                } else {
                    Err(())
                }
            })
            .ok()
    }
    match unit {
        TimeUnit::Second => days::<TimestampSecondType>(array, 86_400),
        TimeUnit::Millisecond => days::<TimestampMillisecondType>(array, 86_400_000),
        TimeUnit::Microsecond => days::<TimestampMicrosecondType>(array, 86_400_000_000),
        TimeUnit::Nanosecond => days::<TimestampNanosecondType>(array, NANOS_PER_DAY),
    }
}

fn read_order(columns: &mut Columns<'_>, name: &str, array: &ArrayRef) -> Order {
    // Naive timestamps (pandas' and numpy's): a day is the floor division the cast makes
    // through chrono, at a fraction of its cost, where every day is within chrono's range.
    if let DataType::Timestamp(unit, None) = array.data_type()
        && let Some(days) = naive_days(array, *unit)
    {
        return Order::Dates(days);
    }
    let cast = |to: &DataType| arrow_cast::cast(array, to);
    let result = match array.data_type() {
        DataType::Date32 | DataType::Date64 | DataType::Timestamp(..) => {
            cast(&DataType::Date32).map(|a| Order::Dates(a.as_primitive().clone()))
        }
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32 => {
            cast(&DataType::Int64).map(|a| Order::Integers(a.as_primitive::<Int64Type>().clone()))
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Dictionary(..) => {
            cast(&DataType::Utf8).map(|a| Order::Text(a.as_string::<i32>().clone()))
        }
        other => {
            columns.problem(format!(
                "column {name:?} has type {other}; expected dates, integers or period labels"
            ));
            return Order::None;
        }
    };
    result.unwrap_or_else(|e| {
        columns.problem(format!("column {name:?}: {e}"));
        Order::None
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::TimestampNanosecondArray;

    #[test]
    fn naive_timestamps_fall_on_the_days_the_cast_gives() {
        use arrow_array::{
            TimestampMicrosecondArray, TimestampMillisecondArray, TimestampSecondArray,
        };
        let check = |array: ArrayRef, fast: bool| {
            let batch = RecordBatch::try_from_iter([("t", array.clone())]).unwrap();
            let mut columns = Columns::new(&batch);
            let cast = arrow_cast::cast(&array, &DataType::Date32);
            let DataType::Timestamp(unit, _) = array.data_type() else {
                panic!("not a timestamp");
            };
            assert_eq!(naive_days(&array, *unit).is_some(), fast, "{array:?}");
            match (read_order(&mut columns, "t", &array), cast) {
                (Order::Dates(read), Ok(cast)) => {
                    assert_eq!(&read, cast.as_primitive::<Date32Type>(), "{array:?}")
                }
                (Order::None, Err(_)) => assert!(!fast),
                _ => panic!("read and cast differ on {array:?}"),
            }
        };
        let day = NANOS_PER_DAY;
        let near = [
            0,
            -1,
            1,
            day - 1,
            day,
            -day,
            -day - 1,
            1_427_846_400_000_000_000,
        ];
        let mut ns: Vec<Option<i64>> = near.iter().map(|&v| Some(v)).collect();
        ns.extend([None, Some(i64::MAX), Some(i64::MIN)]);
        check(Arc::new(TimestampNanosecondArray::from(ns.clone())), true);
        check(Arc::new(TimestampMicrosecondArray::from(ns.clone())), false);
        let in_range: Vec<Option<i64>> = ns.iter().map(|v| v.map(|v| v / 1_000_000)).collect();
        check(
            Arc::new(TimestampMicrosecondArray::from(in_range.clone())),
            true,
        );
        check(
            Arc::new(TimestampMillisecondArray::from(in_range.clone())),
            true,
        );
        let seconds: Vec<Option<i64>> = in_range.iter().map(|v| v.map(|v| v / 1_000)).collect();
        check(Arc::new(TimestampSecondArray::from(seconds)), true);
        // The last and first days chrono has, in seconds: read; one beyond: left to the cast.
        let last = (NaiveDate::MAX.num_days_from_ce() - 719_163) as i64 * 86_400;
        let first = (NaiveDate::MIN.num_days_from_ce() - 719_163) as i64 * 86_400;
        check(
            Arc::new(TimestampSecondArray::from(vec![last, first, last + 86_399])),
            true,
        );
        check(
            Arc::new(TimestampSecondArray::from(vec![last + 86_400])),
            false,
        );
        check(Arc::new(TimestampSecondArray::from(vec![first - 1])), false);
    }
}
