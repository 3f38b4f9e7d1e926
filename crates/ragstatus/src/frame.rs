//! Whole frames of actuals, keyed, evaluated in one columnar pass: Arrow in, Arrow out.
//!
//! A national frame holds every organisation's indicators for every period at once: one row per
//! (key…, indicator, period). [`evaluate_batch`] evaluates every row against its indicator's
//! definition with the history of its own (key…, indicator) group, and returns one Arrow
//! [`RecordBatch`] of results. It is the one implementation of frame evaluation: the Python
//! `evaluate_frame` calls it.
//!
//! # Input columns
//!
//! Names are set in [`FrameOptions`]; the defaults are below.
//!
//! | column | types | meaning |
//! | --- | --- | --- |
//! | key columns ([`FrameOptions::by`]) | text, integers, dictionaries | organisation, area, provider; history and duplicates are per key |
//! | `indicator` | text | the indicator id, looked up once per distinct id (O(1)) |
//! | `period` | text labels, or `Date32` / `Date64` / `Timestamp` | a label is read with the definitions' calendar and must be of the indicator's frequency; a date means the period of that frequency containing it |
//! | `value` | floats, integers, `Decimal128` / `Decimal256`, text | the value |
//! | `numerator`, `denominator` | the same | a value given as a fraction |
//! | `provisional` (optional) | booleans or text (`true`/`false`, `yes`/`no`, `y`/`n`, `1`/`0`) | carried to the output |
//! | `note` (optional) | anything castable to text | carried to the output |
//!
//! Numbers are exact: a float is the decimal of its own shortest round-trip text at its own
//! width (a `Float32` 94.95 is 94.95), integers and decimals are taken as they are, text is
//! read as a decimal number. A null, NaN or blank cell is "no value recorded". Either `value`
//! or both `numerator` and `denominator` must be present as columns.
//!
//! # Output rows
//!
//! **Rows in = rows rated + rows reported.** Output row `i` belongs to input row `i` (column
//! `row`), in input order, for every input row; then come the added rows (`row` null),
//! ordered by key (first appearance), period and definition order. When a `period` is given,
//! rows of other periods are history only and are left out of the output unless they are in
//! error: an error row is always reported, whatever its period.
//!
//! A row is an **error row** (status null, `error` and `error_kind` set, the message naming
//! `row[i]` and the column) when its key or indicator is null, its indicator is not defined,
//! its period is null, unreadable or of another frequency than the indicator's, its number is
//! not a number, it has both a value and a fraction (or half a fraction), its `provisional`
//! flag is unreadable, or its evaluation fails. **Duplicates**: when two or more rows have the
//! same (key…, indicator, period), every one of them is an error row and none of their values
//! enters the history (there is no telling which is right).
//!
//! **Added rows** show the gaps: for each (key…, indicator) group, each period evaluated for
//! that key (every valid period in the key's rows of the indicator's own frequency, or the
//! given `period`) with no row in the group gets a row evaluated there (NoData for a missing
//! value, NotDue for an indicator not due). Without key columns every defined indicator is a group, so every defined indicator is
//! reported for each period, as [`Definitions::evaluate`] does; with keys only the indicators a
//! key reports are its groups (an organisation is not rated on indicators it never reports,
//! such as a trust on a council's).
//!
//! # Output columns
//!
//! The key columns (their input types), then [`RESULT_COLUMNS`]: `row` (`UInt64`), `indicator`,
//! `name`, `theme`, `group` (text, the group path joined with " > "), `period` (canonical label),
//! `measured`, `actual`, `target`, `target_high`, `stretch`, `shortfall`, `tolerance_amount`
//! (each `Decimal128(38, s)` with `s` the largest scale in the column), `status` and
//! `computed_status` (dictionary of `UInt8` codes over [`STATUS_NAMES`], in
//! [`Status::code`] order), `direction`, `direction_previous`, `direction_year_ago` (text),
//! `explanation`, `provisional`, `note`, `error`, `error_kind`. A number that does not fit
//! `Decimal128(38, s)` at its column's scale makes its row an error row; it is never rounded
//! or nulled silently.
//!
//! # Shape errors
//!
//! A frame that cannot be read at all (a missing `indicator`, `period` or `value` /
//! `numerator` + `denominator` column, a key column that does not exist, duplicate column
//! names, a column of an unsupported type, a key column named like an output column) is one
//! [`ErrorKind::Syntax`] error listing every problem.
//!
//! ```
//! use std::sync::Arc;
//! use arrow_array::{Array, RecordBatch, StringArray, Float64Array, cast::AsArray, types::UInt8Type};
//! use ragstatus::frame::{evaluate_batch, FrameOptions};
//! use ragstatus::{Definitions, Status};
//!
//! let defs = Definitions::from_toml_str(r#"
//!     [[indicator]]
//!     id = "SW-01"
//!     unit = "percent"
//!     polarity = "higher"
//!     tolerance = { absolute = "2" }
//!     [[indicator.target]]
//!     value = "45"
//! "#)?;
//! let batch = RecordBatch::try_from_iter([
//!     ("organisation", Arc::new(StringArray::from(vec!["E06", "E06", "E07"])) as _),
//!     ("indicator", Arc::new(StringArray::from(vec!["SW-01", "SW-01", "SW-01"])) as _),
//!     ("period", Arc::new(StringArray::from(vec!["2015/16 Q2", "2015/16 Q3", "2015/16 Q3"])) as _),
//!     ("value", Arc::new(Float64Array::from(vec![42.0, 44.1, 46.0])) as _),
//! ]).map_err(|e| e.to_string())?;
//! let options = FrameOptions { by: vec!["organisation".into()], ..FrameOptions::default() };
//! let out = evaluate_batch(&defs, &batch, &options)?;
//! assert_eq!(out.num_rows(), 3);
//! let status = out.column_by_name("status").ok_or("no status")?.as_dictionary::<UInt8Type>();
//! let codes: Vec<u8> = status.keys().iter().flatten().collect();
//! assert_eq!(codes, [Status::Red.code(), Status::Amber.code(), Status::Green.code()]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, LargeStringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Decimal128Type, Decimal256Type, Float32Type, Float64Type, Int64Type, UInt8Type,
    UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Decimal128Array, DictionaryArray, RecordBatch, StringArray,
    UInt8Array, UInt32Array, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema};
use rust_decimal::Decimal;

use crate::definitions::Definitions;
use crate::direction::Direction;
use crate::error::{Error, ErrorKind, Result};
use crate::indicator::{Frequency, Indicator, Series};
use crate::input::read_period;
use crate::period::Period;
use crate::status::Status;
use crate::target::Target;
use crate::value::{Observation, decimal_from_f64};

/// The status names in code order: the values of the `status` and `computed_status`
/// dictionaries, whose `UInt8` keys are [`Status::code`].
pub const STATUS_NAMES: [&str; 7] = [
    "Red", "Amber", "Green", "Blue", "NoData", "NoTarget", "NotDue",
];

/// The columns [`evaluate_batch`] returns after the key columns, in order.
pub const RESULT_COLUMNS: [&str; 23] = [
    "row",
    "indicator",
    "name",
    "theme",
    "group",
    "period",
    "measured",
    "actual",
    "target",
    "target_high",
    "stretch",
    "shortfall",
    "tolerance_amount",
    "status",
    "computed_status",
    "direction",
    "direction_previous",
    "direction_year_ago",
    "explanation",
    "provisional",
    "note",
    "error",
    "error_kind",
];

/// Column names and the period to report; see the [module docs](self).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameOptions {
    /// The key columns (organisation, area, provider), outermost first.
    pub by: Vec<String>,
    /// The indicator id column (default `indicator`).
    pub indicator: String,
    /// The period column (default `period`).
    pub period: String,
    /// The value column (default `value`).
    pub value: String,
    /// The numerator column (default `numerator`).
    pub numerator: String,
    /// The denominator column (default `denominator`).
    pub denominator: String,
    /// The optional provisional-flag column (default `provisional`).
    pub provisional: String,
    /// The optional note column (default `note`).
    pub note: String,
    /// The period to report; none: every period present.
    pub report: Option<Period>,
    /// Threads to use; 0: as many as the machine has.
    pub threads: usize,
}

impl Default for FrameOptions {
    fn default() -> Self {
        FrameOptions {
            by: Vec::new(),
            indicator: "indicator".into(),
            period: "period".into(),
            value: "value".into(),
            numerator: "numerator".into(),
            denominator: "denominator".into(),
            provisional: "provisional".into(),
            note: "note".into(),
            report: None,
            threads: 0,
        }
    }
}

/// A text cell as a decimal: the one number reader of every input (`input::parse_number`).
fn decimal_from_text(text: &str) -> Result<Decimal> {
    crate::input::parse_number(text, crate::input::NumberForm::Plain)
}

pub(crate) enum Numbers {
    Absent,
    Nulls,
    F64(arrow_array::Float64Array),
    F32(arrow_array::Float32Array),
    I64(arrow_array::Int64Array),
    U64(arrow_array::UInt64Array),
    D128(arrow_array::Decimal128Array, i8),
    D256(arrow_array::Decimal256Array, i8),
    Text(StringArray),
}

impl Numbers {
    pub(crate) fn read(array: Option<&ArrayRef>) -> std::result::Result<Numbers, String> {
        let Some(array) = array else {
            return Ok(Numbers::Absent);
        };
        let cast = |to: &DataType| arrow_cast::cast(array, to).map_err(|e| e.to_string());
        Ok(match array.data_type() {
            DataType::Null => Numbers::Nulls,
            DataType::Float64 => Numbers::F64(array.as_primitive::<Float64Type>().clone()),
            DataType::Float32 | DataType::Float16 => Numbers::F32(
                cast(&DataType::Float32)?
                    .as_primitive::<Float32Type>()
                    .clone(),
            ),
            DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => {
                Numbers::I64(cast(&DataType::Int64)?.as_primitive::<Int64Type>().clone())
            }
            DataType::UInt8 | DataType::UInt16 | DataType::UInt32 | DataType::UInt64 => {
                Numbers::U64(
                    cast(&DataType::UInt64)?
                        .as_primitive::<UInt64Type>()
                        .clone(),
                )
            }
            DataType::Decimal128(_, s) => {
                Numbers::D128(array.as_primitive::<Decimal128Type>().clone(), *s)
            }
            DataType::Decimal256(_, s) => {
                Numbers::D256(array.as_primitive::<Decimal256Type>().clone(), *s)
            }
            DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Utf8View
            | DataType::Dictionary(..) => {
                Numbers::Text(cast(&DataType::Utf8)?.as_string::<i32>().clone())
            }
            other => return Err(format!("has type {other}; expected numbers or text")),
        })
    }

    /// The cell: `Ok(None)` for no value recorded.
    pub(crate) fn get(&self, i: usize) -> Result<Option<Decimal>> {
        let from_scaled = |m: i128, s: i8| -> Result<Option<Decimal>> {
            crate::value::decimal_from_scaled(m, i32::from(s))
                .map(Some)
                .ok_or_else(|| {
                    Error::invalid_value(
                        format!("{m}e-{s}"),
                        "a decimal of at most 28 digits and 28 places",
                    )
                })
        };
        Ok(match self {
            Numbers::Absent | Numbers::Nulls => None,
            Numbers::F64(a) => {
                if a.is_null(i) || a.value(i).is_nan() {
                    None
                } else {
                    let x = a.value(i);
                    Some(
                        decimal_from_f64(x).ok_or_else(|| {
                            Error::invalid_value(x.to_string(), "a finite number")
                        })?,
                    )
                }
            }
            Numbers::F32(a) => {
                if a.is_null(i) || a.value(i).is_nan() {
                    None
                } else {
                    let x = a.value(i);
                    Some(
                        crate::value::decimal_from_f32(x).ok_or_else(|| {
                            Error::invalid_value(x.to_string(), "a finite number")
                        })?,
                    )
                }
            }
            Numbers::I64(a) => a.is_valid(i).then(|| Decimal::from(a.value(i))),
            Numbers::U64(a) => a.is_valid(i).then(|| Decimal::from(a.value(i))),
            Numbers::D128(a, s) => {
                if a.is_null(i) {
                    None
                } else {
                    from_scaled(a.value(i), *s)?
                }
            }
            Numbers::D256(a, s) => {
                if a.is_null(i) {
                    None
                } else {
                    let v = a.value(i);
                    let m = v.to_i128().ok_or_else(|| {
                        Error::invalid_value(v.to_string(), "a decimal of at most 28 digits")
                    })?;
                    from_scaled(m, *s)?
                }
            }
            Numbers::Text(a) => {
                let text = if a.is_null(i) { "" } else { a.value(i).trim() };
                if text.is_empty() || text.eq_ignore_ascii_case("nan") {
                    None
                } else {
                    Some(decimal_from_text(text)?)
                }
            }
        })
    }
}

enum Periods {
    Labels(StringArray),
    Dates(arrow_array::Date32Array),
}

enum Flags {
    Absent,
    Bools(BooleanArray),
    Text(StringArray),
}

impl Flags {
    fn get(&self, i: usize) -> Result<Option<bool>> {
        match self {
            Flags::Absent => Ok(None),
            Flags::Bools(a) => Ok(a.is_valid(i).then(|| a.value(i))),
            Flags::Text(a) => {
                if a.is_null(i) {
                    return Ok(None);
                }
                let text = a.value(i).trim();
                match text.to_ascii_lowercase().as_str() {
                    "" => Ok(None),
                    "true" | "yes" | "y" | "1" => Ok(Some(true)),
                    "false" | "no" | "n" | "0" => Ok(Some(false)),
                    _ => Err(Error::invalid_value(
                        text,
                        "true or false (yes/no, y/n, 1/0)",
                    )),
                }
            }
        }
    }
}

struct Input {
    keys: Vec<(usize, StringArray)>,
    indicator: StringArray,
    periods: Periods,
    value: Numbers,
    numerator: Numbers,
    denominator: Numbers,
    provisional: Flags,
    note: Option<StringArray>,
}

pub(crate) fn text_column(array: &ArrayRef) -> std::result::Result<StringArray, String> {
    match array.data_type() {
        DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Null
        | DataType::Dictionary(..)
        | DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => arrow_cast::cast(array, &DataType::Utf8)
            .map(|a| a.as_string::<i32>().clone())
            .map_err(|e| e.to_string()),
        other => Err(format!("has type {other}; expected text")),
    }
}

fn read_input(batch: &RecordBatch, options: &FrameOptions) -> Result<Input> {
    let schema = batch.schema();
    let mut problems: Vec<String> = Vec::new();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for field in schema.fields() {
        *counts.entry(field.name().as_str()).or_default() += 1;
    }
    let mut duplicated: Vec<&str> = counts
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(name, _)| *name)
        .collect();
    duplicated.sort_unstable();
    for name in duplicated {
        problems.push(format!("column {name:?} appears more than once"));
    }
    let find = |name: &str| schema.index_of(name).ok();
    let column = |name: &str| find(name).map(|i| batch.column(i));
    let mut roles = vec![
        options.indicator.as_str(),
        options.period.as_str(),
        options.value.as_str(),
        options.numerator.as_str(),
        options.denominator.as_str(),
        options.provisional.as_str(),
        options.note.as_str(),
    ];
    let mut keys = Vec::new();
    for name in &options.by {
        if roles.contains(&name.as_str()) {
            problems.push(format!(
                "key column {name:?} is also an input column of another role (or given twice)"
            ));
        } else if RESULT_COLUMNS.contains(&name.as_str()) {
            problems.push(format!(
                "key column {name:?} has the name of an output column; rename it"
            ));
        } else {
            match find(name) {
                None => problems.push(format!("key column {name:?} does not exist")),
                Some(i) => match text_column(batch.column(i)) {
                    Ok(a) => keys.push((i, a)),
                    Err(e) => problems.push(format!("key column {name:?} {e}")),
                },
            }
        }
        roles.push(name.as_str());
    }
    let indicator = match column(&options.indicator) {
        None => {
            problems.push(format!(
                "the indicator column {:?} is missing",
                options.indicator
            ));
            None
        }
        Some(a) => text_column(a)
            .map_err(|e| problems.push(format!("column {:?} {e}", options.indicator)))
            .ok(),
    };
    let periods = match column(&options.period) {
        None => {
            problems.push(format!("the period column {:?} is missing", options.period));
            None
        }
        Some(a) => match a.data_type() {
            DataType::Date32 | DataType::Date64 | DataType::Timestamp(..) => {
                arrow_cast::cast(a, &DataType::Date32)
                    .map(|d| Periods::Dates(d.as_primitive::<Date32Type>().clone()))
                    .map_err(|e| problems.push(format!("column {:?}: {e}", options.period)))
                    .ok()
            }
            _ => text_column(a)
                .map(Periods::Labels)
                .map_err(|e| {
                    problems.push(format!("column {:?} {e} labels or dates", options.period))
                })
                .ok(),
        },
    };
    let mut numbers = |name: &str| {
        Numbers::read(column(name)).unwrap_or_else(|e| {
            problems.push(format!("column {name:?} {e}"));
            Numbers::Absent
        })
    };
    let value = numbers(&options.value);
    let numerator = numbers(&options.numerator);
    let denominator = numbers(&options.denominator);
    let has = |name: &str| find(name).is_some();
    match (
        has(&options.value),
        has(&options.numerator),
        has(&options.denominator),
    ) {
        (_, true, false) | (_, false, true) => problems.push(format!(
            "columns {:?} and {:?} go together; one of them is missing",
            options.numerator, options.denominator
        )),
        (false, false, false) => problems.push(format!(
            "no values: expected a column {:?}, or columns {:?} and {:?}",
            options.value, options.numerator, options.denominator
        )),
        _ => {}
    }
    let provisional = match column(&options.provisional) {
        None => Flags::Absent,
        Some(a) if *a.data_type() == DataType::Boolean => Flags::Bools(a.as_boolean().clone()),
        Some(a) => text_column(a).map(Flags::Text).unwrap_or_else(|e| {
            problems.push(format!("column {:?} {e} or booleans", options.provisional));
            Flags::Absent
        }),
    };
    let note = column(&options.note).and_then(|a| {
        arrow_cast::cast(a, &DataType::Utf8)
            .map(|a| a.as_string::<i32>().clone())
            .map_err(|e| problems.push(format!("column {:?}: {e}", options.note)))
            .ok()
    });
    match (indicator, periods) {
        (Some(indicator), Some(periods)) if problems.is_empty() => Ok(Input {
            keys,
            indicator,
            periods,
            value,
            numerator,
            denominator,
            provisional,
            note,
        }),
        _ => Err(Error::new(ErrorKind::Syntax {
            format: "data frame".into(),
            message: problems.join("; "),
        })),
    }
}

/// A row that could be read: its group, period and observation (none: no value recorded).
#[derive(Clone, Copy)]
struct Good {
    group: u32,
    period: Period,
    observation: Option<Observation>,
}

struct Row {
    state: std::result::Result<Good, Error>,
    provisional: Option<bool>,
}

struct Group {
    indicator: usize,
    key: u32,
    /// A row of the key, for the key columns of added rows.
    example: Option<usize>,
    rows: Vec<usize>,
}

pub(crate) fn row_error(err: Error, row: usize, column: &str) -> Error {
    err.with_field(format!("row[{row}]")).with_column(column)
}

/// One row's outcome.
enum Outcome {
    Rated(Box<Rated>),
    Failed(Error),
}

struct Rated {
    indicator: usize,
    period: String,
    measured: Option<String>,
    numbers: [Option<Decimal>; 6],
    status: Status,
    computed: Status,
    directions: [Direction; 3],
    explanation: String,
}

/// One output row to compute: its input row (none for an added row), group and period.
#[derive(Clone, Copy)]
struct Job {
    slot: usize,
    row: Option<usize>,
    group: u32,
    period: Period,
}

fn rate(indicator: &Indicator, index: usize, period: Period, series: &Series) -> Outcome {
    match indicator.evaluate(period, series) {
        Ok(result) => {
            let (target, target_high) = match result.target {
                Some(Target::Value(v)) => (Some(v), None),
                Some(Target::Range { low, high }) => (Some(low), Some(high)),
                None => (None, None),
            };
            // `IndicatorResult::sentence`, without copying the rating sentence again.
            let explanation = match (result.status, result.rating.explanation.sentence) {
                (Status::NotDue, Some(rating)) => rating,
                (_, Some(mut rating)) => {
                    rating.push_str("; ");
                    rating.push_str(&result.direction_sentence);
                    rating
                }
                (status, None) if status == Status::NotDue => status.to_string(),
                (status, None) => format!("{status}; {}", result.direction_sentence),
            };
            Outcome::Rated(Box::new(Rated {
                indicator: index,
                period: result.period,
                measured: result.measured,
                numbers: [
                    result.actual,
                    target,
                    target_high,
                    result.stretch,
                    result.rating.shortfall,
                    result.rating.tolerance_amount,
                ],
                status: result.status,
                computed: result.rating.computed,
                directions: [
                    result.direction,
                    result.previous.direction,
                    result.year_ago.direction,
                ],
                explanation,
            }))
        }
        Err(e) => Outcome::Failed(e),
    }
}

/// Evaluates a frame of actuals; see the [module docs](self) for the columns, the order of the
/// output rows and which rows are errors.
///
/// # Errors
///
/// Only a frame that cannot be read at all: [`ErrorKind::Syntax`] listing every shape problem.
/// Bad rows are error rows of the output.
pub fn evaluate_batch(
    defs: &Definitions,
    batch: &RecordBatch,
    options: &FrameOptions,
) -> Result<RecordBatch> {
    let input = read_input(batch, options)?;
    let n = batch.num_rows();
    let calendar = defs.calendar;
    let lookup: HashMap<&str, usize> = defs
        .indicators
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();

    // Key tuples and groups, each numbered in order of first appearance.
    let mut key_values: Vec<HashMap<&str, u32>> = vec![HashMap::new(); input.keys.len()];
    let mut key_ids: HashMap<Box<[u32]>, u32> = HashMap::new();
    let mut key_examples: Vec<usize> = Vec::new();
    let mut group_ids: HashMap<(u32, usize), u32> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut rows: Vec<Row> = Vec::with_capacity(n);
    let mut tuple: Vec<u32> = Vec::with_capacity(input.keys.len());
    let mut labels_read: HashMap<(&str, Frequency), Result<Period>> = HashMap::new();
    let mut last_key: Option<(Vec<u32>, u32)> = None;
    let mut last_codes: Vec<Option<(&str, u32)>> = vec![None; input.keys.len()];
    let mut last_indicator: Option<(&str, usize)> = None;
    let mut last_group: Option<((u32, usize), u32)> = None;
    for i in 0..n {
        let provisional = input.provisional.get(i);
        let state = (|| -> Result<Good> {
            tuple.clear();
            for (((column, values), codes), last) in input
                .keys
                .iter()
                .zip(key_values.iter_mut())
                .zip(last_codes.iter_mut())
            {
                if values.is_null(i) {
                    let name = batch.schema_ref().field(*column).name().clone();
                    return Err(row_error(
                        Error::new(ErrorKind::Missing {
                            field: format!("a value in key column {name:?}"),
                        }),
                        i,
                        &name,
                    ));
                }
                let value = values.value(i);
                let code = match *last {
                    Some((text, code)) if text == value => code,
                    _ => {
                        let next = u32::try_from(codes.len()).unwrap_or(u32::MAX);
                        *codes.entry(value).or_insert(next)
                    }
                };
                *last = Some((value, code));
                tuple.push(code);
            }
            // National frames come sorted by key and indicator: the row before is the likely match.
            let key = match last_key.as_ref().filter(|(t, _)| *t == tuple) {
                Some((_, k)) => *k,
                None => match key_ids.get(tuple.as_slice()) {
                    Some(k) => *k,
                    None => {
                        let k = u32::try_from(key_examples.len()).unwrap_or(u32::MAX);
                        key_ids.insert(tuple.as_slice().into(), k);
                        key_examples.push(i);
                        k
                    }
                },
            };
            if last_key.as_ref().is_none_or(|(_, k)| *k != key) {
                last_key = Some((tuple.clone(), key));
            }
            let column = options.indicator.as_str();
            if input.indicator.is_null(i) {
                return Err(row_error(
                    Error::new(ErrorKind::Missing {
                        field: "an indicator id".into(),
                    }),
                    i,
                    column,
                ));
            }
            let id = input.indicator.value(i).trim();
            let found = match last_indicator {
                Some((last, index)) if last == id => Some(index),
                _ => lookup.get(id).copied(),
            };
            let Some(index) = found else {
                return Err(row_error(
                    Error::new(ErrorKind::UnknownIndicator { id: id.into() }).with_indicator(id),
                    i,
                    column,
                ));
            };
            let definition = defs
                .indicators
                .get(index)
                .ok_or_else(|| Error::new(ErrorKind::UnknownIndicator { id: id.into() }))?;
            let kind = definition.frequency.kind();
            let column = options.period.as_str();
            let period = match &input.periods {
                Periods::Labels(labels) => {
                    let label = if labels.is_null(i) {
                        ""
                    } else {
                        labels.value(i).trim()
                    };
                    if label.is_empty() {
                        return Err(row_error(
                            Error::new(ErrorKind::Missing {
                                field: "a period".into(),
                            })
                            .with_indicator(id),
                            i,
                            column,
                        ));
                    }
                    // Few distinct labels in many rows: each is read once per frequency, by the
                    // one period-label reader of every input (it checks the label's length
                    // against the indicator's frequency).
                    let frequency = definition.frequency;
                    labels_read
                        .entry((label, frequency))
                        .or_insert_with(|| read_period(label, calendar, frequency))
                        .clone()
                        .map_err(|e| row_error(e.with_indicator(id), i, column))?
                }
                Periods::Dates(dates) => {
                    let date = if dates.is_null(i) {
                        None
                    } else {
                        dates.value_as_date(i)
                    };
                    let Some(date) = date else {
                        return Err(row_error(
                            Error::new(ErrorKind::Missing {
                                field: "a period".into(),
                            })
                            .with_indicator(id),
                            i,
                            column,
                        ));
                    };
                    calendar
                        .period_of(date, kind)
                        .map_err(|e| row_error(e.with_indicator(id), i, column))?
                }
            };
            let at = |e: Error, column: &str| {
                row_error(e.with_indicator(id).with_period(period.label()), i, column)
            };
            let value = input.value.get(i).map_err(|e| at(e, &options.value))?;
            let numerator = input
                .numerator
                .get(i)
                .map_err(|e| at(e, &options.numerator))?;
            let denominator = input
                .denominator
                .get(i)
                .map_err(|e| at(e, &options.denominator))?;
            let observation = match (value, numerator, denominator) {
                (None, None, None) => None,
                (Some(v), None, None) => Some(Observation::value(v)),
                (None, Some(a), Some(b)) => Some(Observation::fraction(a, b)),
                (Some(_), _, _) => {
                    return Err(at(
                        Error::invalid_value(
                            "a value and a numerator or denominator",
                            "either a value, or a numerator and a denominator",
                        ),
                        &options.value,
                    ));
                }
                (None, Some(_), None) | (None, None, Some(_)) => {
                    return Err(at(
                        Error::invalid_value(
                            "half a fraction",
                            "both a numerator and a denominator",
                        ),
                        if numerator.is_some() {
                            &options.denominator
                        } else {
                            &options.numerator
                        },
                    ));
                }
            };
            if let Err(e) = &provisional {
                return Err(at(e.clone(), &options.provisional));
            }
            last_indicator = Some((id, index));
            let next = u32::try_from(groups.len()).unwrap_or(u32::MAX);
            let group = match last_group {
                Some((pair, g)) if pair == (key, index) => g,
                _ => *group_ids.entry((key, index)).or_insert_with(|| {
                    groups.push(Group {
                        indicator: index,
                        key,
                        example: Some(i),
                        rows: Vec::new(),
                    });
                    next
                }),
            };
            last_group = Some(((key, index), group));
            if let Some(g) = groups.get_mut(group as usize) {
                g.rows.push(i);
            }
            Ok(Good {
                group,
                period,
                observation,
            })
        })();
        rows.push(Row {
            state,
            provisional: provisional.ok().flatten(),
        });
    }
    if input.keys.is_empty() {
        // Without keys every defined indicator is reported, as `Definitions::evaluate` does.
        let key = 0;
        if key_examples.is_empty() {
            key_examples.push(usize::MAX);
        }
        for index in 0..defs.indicators.len() {
            let next = u32::try_from(groups.len()).unwrap_or(u32::MAX);
            group_ids.entry((key, index)).or_insert_with(|| {
                groups.push(Group {
                    indicator: index,
                    key,
                    example: None,
                    rows: Vec::new(),
                });
                next
            });
        }
    }

    // Duplicates: every row of a repeated (group, period) is an error, none enters the history.
    for group in &groups {
        let mut by_period: Vec<(Period, usize)> = group
            .rows
            .iter()
            .filter_map(|&r| match rows.get(r).map(|row| &row.state) {
                Some(Ok(good)) => Some((good.period, r)),
                _ => None,
            })
            .collect();
        by_period.sort_unstable();
        let repeated: Vec<(Period, usize)> = by_period
            .iter()
            .enumerate()
            .filter(|(j, (p, _))| {
                let before = j
                    .checked_sub(1)
                    .and_then(|k| by_period.get(k))
                    .is_some_and(|(q, _)| q == p);
                let after = by_period.get(j + 1).is_some_and(|(q, _)| q == p);
                before || after
            })
            .map(|(_, x)| *x)
            .collect();
        for (period, r) in repeated {
            let id = defs
                .indicators
                .get(group.indicator)
                .map(|d| d.id.as_str())
                .unwrap_or_default();
            let others: Vec<String> = by_period
                .iter()
                .filter(|(q, s)| *q == period && *s != r)
                .map(|(_, s)| format!("row[{s}]"))
                .collect();
            if let Some(row) = rows.get_mut(r) {
                row.state = Err(row_error(
                    Error::new(ErrorKind::Duplicate {
                        what: format!("row (also {})", others.join(", ")),
                        key: period.label(),
                    })
                    .with_indicator(id)
                    .with_period(period.label()),
                    r,
                    &options.period,
                ));
            }
        }
    }

    // The periods evaluated for each key, and the jobs: input rows first, then added rows.
    let mut key_periods: Vec<BTreeSet<Period>> = vec![BTreeSet::new(); key_examples.len()];
    let mut group_periods: Vec<BTreeSet<Period>> = vec![BTreeSet::new(); groups.len()];
    for row in &rows {
        if let Ok(good) = &row.state
            && let Some(group) = groups.get(good.group as usize)
        {
            if let Some(set) = group_periods.get_mut(good.group as usize) {
                set.insert(good.period);
            }
            if options.report.is_none()
                && let Some(set) = key_periods.get_mut(group.key as usize)
            {
                set.insert(good.period);
            }
        }
    }
    if let Some(report) = options.report {
        for set in &mut key_periods {
            set.insert(report);
        }
    }
    let mut jobs: Vec<Job> = Vec::new();
    let mut failed: Vec<(usize, usize)> = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        match &row.state {
            Ok(good) => {
                if options.report.is_none_or(|p| p == good.period) {
                    jobs.push(Job {
                        slot: jobs.len() + failed.len(),
                        row: Some(r),
                        group: good.group,
                        period: good.period,
                    });
                }
            }
            Err(_) => failed.push((jobs.len() + failed.len(), r)),
        }
    }
    let mut added: Vec<(u32, Period, usize, u32)> = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        let (Some(wanted), Some(have), Ok(g)) = (
            key_periods.get(group.key as usize),
            group_periods.get(g),
            u32::try_from(g),
        ) else {
            continue;
        };
        let own = defs
            .indicators
            .get(group.indicator)
            .map(|d| d.frequency.kind());
        for period in wanted.difference(have) {
            // A keyed group's gaps are periods of its own frequency (or the period asked for);
            // without keys every period is reported for every indicator, as before.
            let gap =
                input.keys.is_empty() || options.report.is_some() || Some(period.kind()) == own;
            if gap {
                added.push((group.key, *period, group.indicator, g));
            }
        }
    }
    added.sort_unstable();
    for (_, period, _, group) in added {
        jobs.push(Job {
            slot: jobs.len() + failed.len(),
            row: None,
            group,
            period,
        });
    }
    let total = jobs.len() + failed.len();

    // Evaluate, one group at a time (its series built once), groups split across threads.
    let mut by_group: Vec<Vec<Job>> = vec![Vec::new(); groups.len()];
    for job in &jobs {
        if let Some(list) = by_group.get_mut(job.group as usize) {
            list.push(*job);
        }
    }
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        t => t,
    }
    .clamp(1, 64);
    // Threads cost more than they save on small frames, unless the caller asks for them.
    let threads = if options.threads == 0 && jobs.len() < 20_000 {
        1
    } else {
        threads
    };
    let work = |chunk: &[Vec<Job>], first: usize| -> Vec<(usize, Outcome)> {
        let mut out = Vec::with_capacity(chunk.iter().map(Vec::len).sum());
        for (offset, list) in chunk.iter().enumerate() {
            let Some(group) = groups.get(first + offset) else {
                continue;
            };
            let Some(indicator) = defs.indicators.get(group.indicator) else {
                continue;
            };
            let series: Series = group
                .rows
                .iter()
                .filter_map(|&r| match rows.get(r).map(|row| &row.state) {
                    Some(Ok(Good {
                        period,
                        observation: Some(o),
                        ..
                    })) => Some((*period, *o)),
                    _ => None,
                })
                .collect();
            for job in list {
                let outcome = match rate(indicator, group.indicator, job.period, &series) {
                    Outcome::Failed(e) => Outcome::Failed(match job.row {
                        Some(r) => e.with_field(format!("row[{r}]")),
                        None => e,
                    }),
                    ok => ok,
                };
                out.push((job.slot, outcome));
            }
        }
        out
    };
    let per_thread = jobs.len().div_ceil(threads).max(1);
    let mut chunks: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    let mut count = 0;
    for (g, list) in by_group.iter().enumerate() {
        count += list.len();
        if count >= per_thread {
            chunks.push((start, g + 1));
            start = g + 1;
            count = 0;
        }
    }
    if start < by_group.len() {
        chunks.push((start, by_group.len()));
    }
    let results: Vec<Vec<(usize, Outcome)>> = if chunks.len() <= 1 {
        vec![work(&by_group, 0)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .iter()
                .map(|&(a, b)| {
                    let slice = by_group.get(a..b).unwrap_or_default();
                    scope.spawn(move || work(slice, a))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| vec![]))
                .collect()
        })
    };

    let mut outcomes: Vec<Option<Outcome>> = Vec::with_capacity(total);
    outcomes.resize_with(total, || None);
    let mut sources: Vec<Option<usize>> = vec![None; total];
    for job in &jobs {
        if let Some(s) = sources.get_mut(job.slot) {
            *s = job.row;
        }
    }
    for (slot, r) in &failed {
        if let Some(s) = sources.get_mut(*slot) {
            *s = Some(*r);
        }
    }
    let mut example_rows: Vec<Option<usize>> = vec![None; total];
    for job in &jobs {
        if let (Some(e), Some(group)) = (
            example_rows.get_mut(job.slot),
            groups.get(job.group as usize),
        ) {
            *e = job
                .row
                .or(group.example)
                .or_else(|| key_examples.get(group.key as usize).copied())
                .filter(|r| *r < n);
        }
    }
    for (slot, r) in failed {
        if let (Some(o), Some(row)) = (outcomes.get_mut(slot), rows.get_mut(r)) {
            let err = std::mem::replace(&mut row.state, Err(Error::definition("")));
            if let Err(e) = err {
                *o = Some(Outcome::Failed(e));
            }
        }
        if let Some(e) = example_rows.get_mut(slot) {
            *e = Some(r);
        }
    }
    for list in results {
        for (slot, outcome) in list {
            if let Some(o) = outcomes.get_mut(slot) {
                *o = Some(outcome);
            }
        }
    }
    // A thread that died leaves its slots empty: those rows are reported, never dropped.
    let outcomes: Vec<Outcome> = outcomes
        .into_iter()
        .enumerate()
        .map(|(slot, o)| {
            o.unwrap_or_else(|| {
                Outcome::Failed(Error::definition(format!(
                    "output row {slot} was not evaluated (an internal error)"
                )))
            })
        })
        .collect();
    build_output(
        defs,
        batch,
        &input,
        &rows,
        &sources,
        &example_rows,
        outcomes,
    )
}

fn decimal_columns(outcomes: &mut [Outcome]) -> Vec<(u8, Vec<Option<i128>>)> {
    const NAMES: [&str; 6] = [
        "actual",
        "target",
        "target_high",
        "stretch",
        "shortfall",
        "tolerance_amount",
    ];
    let mut scales = [0u32; 6];
    for outcome in outcomes.iter() {
        if let Outcome::Rated(r) = outcome {
            for (s, v) in scales.iter_mut().zip(r.numbers.iter()) {
                if let Some(v) = v {
                    *s = (*s).max(v.scale());
                }
            }
        }
    }
    let limit = 10i128.pow(38);
    let mut columns: Vec<(u8, Vec<Option<i128>>)> = scales
        .iter()
        .map(|s| {
            (
                u8::try_from(*s).unwrap_or(28),
                Vec::with_capacity(outcomes.len()),
            )
        })
        .collect();
    for outcome in outcomes.iter_mut() {
        let mut scaled: [Option<i128>; 6] = [None; 6];
        let mut problem = None;
        if let Outcome::Rated(r) = outcome {
            for (k, v) in r.numbers.iter().enumerate() {
                let Some(v) = v else { continue };
                let scale = scales.get(k).copied().unwrap_or(0);
                let m = 10i128
                    .checked_pow(scale.saturating_sub(v.scale()))
                    .and_then(|f| v.mantissa().checked_mul(f))
                    .filter(|m| m.abs() < limit);
                match m {
                    Some(m) => {
                        if let Some(slot) = scaled.get_mut(k) {
                            *slot = Some(m);
                        }
                    }
                    None => {
                        problem = Some(
                            Error::invalid_value(
                                v.to_string(),
                                format!(
                                    "a number of at most {} digits before the point, to fit the column's decimal128(38, {scale})",
                                    38u32.saturating_sub(scale)
                                ),
                            )
                            .with_column(NAMES.get(k).copied().unwrap_or_default()),
                        );
                        break;
                    }
                }
            }
        }
        if let Some(e) = problem {
            *outcome = Outcome::Failed(e);
            scaled = [None; 6];
        }
        for (column, v) in columns.iter_mut().zip(scaled) {
            column.1.push(v);
        }
    }
    columns
}

/// Builds the output batch in one pass over the outcomes: each outcome is a separate heap
/// object, and one pass per column would fetch every one of them again.
#[allow(clippy::too_many_arguments)]
fn build_output(
    defs: &Definitions,
    batch: &RecordBatch,
    input: &Input,
    rows: &[Row],
    sources: &[Option<usize>],
    examples: &[Option<usize>],
    mut outcomes: Vec<Outcome>,
) -> Result<RecordBatch> {
    let arrow = |e: arrow_schema::ArrowError| {
        Error::new(ErrorKind::Syntax {
            format: "Arrow".into(),
            message: e.to_string(),
        })
    };
    let decimals = decimal_columns(&mut outcomes);
    let n = outcomes.len();
    let joined: Vec<String> = defs
        .indicators
        .iter()
        .map(|d| d.group.join(" > "))
        .collect();
    // Large (64-bit offset) strings: a 10-million-row frame of sentences passes 2 GiB.
    let text = |bytes: usize| LargeStringBuilder::with_capacity(n, n.saturating_mul(bytes));
    let mut indicator = text(8);
    let mut name = text(16);
    let mut theme = text(8);
    let mut group = text(8);
    let mut period = text(10);
    let mut measured = text(10);
    let mut directions = [text(10), text(10), text(10)];
    let mut explanation = text(128);
    let mut note = text(0);
    let mut error = text(0);
    let mut error_kind = text(0);
    let mut status: Vec<Option<u8>> = Vec::with_capacity(n);
    let mut computed: Vec<Option<u8>> = Vec::with_capacity(n);
    let mut provisional = BooleanBuilder::with_capacity(n);
    let raw = |column: &StringArray, source: Option<usize>| -> Option<String> {
        source
            .filter(|r| *r < column.len() && column.is_valid(*r))
            .map(|r| column.value(r).to_string())
    };
    // By value: each outcome is freed once copied, so the outcomes and the output are not both
    // whole in memory at once.
    for (slot, outcome) in outcomes.into_iter().enumerate() {
        let source = sources.get(slot).copied().flatten();
        match &outcome {
            Outcome::Rated(r) => {
                let d = defs.indicators.get(r.indicator);
                indicator.append_option(d.map(|d| d.id.as_str()));
                name.append_option(d.map(|d| d.name.as_str()));
                theme.append_option(d.and_then(|d| d.group.first()));
                group.append_option(joined.get(r.indicator));
                period.append_value(&r.period);
                measured.append_option(r.measured.as_deref());
                for (builder, direction) in directions.iter_mut().zip(r.directions) {
                    builder.append_value(direction.as_str());
                }
                explanation.append_value(&r.explanation);
                error.append_null();
                error_kind.append_null();
                status.push(Some(r.status.code()));
                computed.push(Some(r.computed.code()));
            }
            Outcome::Failed(e) => {
                let location = e.location();
                match &location.indicator {
                    Some(id) => indicator.append_value(id),
                    None => indicator.append_option(raw(&input.indicator, source)),
                }
                name.append_null();
                theme.append_null();
                group.append_null();
                match &location.period {
                    Some(label) => period.append_value(label),
                    None => period.append_option(match &input.periods {
                        Periods::Labels(labels) => raw(labels, source),
                        Periods::Dates(dates) => source
                            .filter(|r| *r < dates.len() && dates.is_valid(*r))
                            .and_then(|r| dates.value_as_date(r))
                            .map(|d| d.to_string()),
                    }),
                }
                measured.append_null();
                for builder in &mut directions {
                    builder.append_null();
                }
                explanation.append_null();
                error.append_value(e.to_string());
                error_kind.append_value(e.kind().name());
                status.push(None);
                computed.push(None);
            }
        }
        provisional.append_option(
            source
                .and_then(|r| rows.get(r))
                .and_then(|row| row.provisional),
        );
        note.append_option(source.and_then(|r| {
            input
                .note
                .as_ref()
                .filter(|a| r < a.len() && a.is_valid(r))
                .map(|a| a.value(r))
        }));
    }

    let mut fields: Vec<Field> = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    let picks: UInt32Array = examples
        .iter()
        .map(|r| r.and_then(|r| u32::try_from(r).ok()))
        .collect();
    let schema = batch.schema();
    for (i, _) in &input.keys {
        let field = schema.field(*i);
        let column = arrow_select::take::take(batch.column(*i), &picks, None).map_err(arrow)?;
        fields.push(Field::new(field.name(), field.data_type().clone(), true));
        columns.push(column);
    }
    let mut push = |name: &str, column: ArrayRef| {
        fields.push(Field::new(name, column.data_type().clone(), true));
        columns.push(column);
    };
    push(
        "row",
        Arc::new(
            sources
                .iter()
                .map(|r| r.and_then(|r| u64::try_from(r).ok()))
                .collect::<UInt64Array>(),
        ),
    );
    push("indicator", Arc::new(indicator.finish()));
    push("name", Arc::new(name.finish()));
    push("theme", Arc::new(theme.finish()));
    push("group", Arc::new(group.finish()));
    push("period", Arc::new(period.finish()));
    push("measured", Arc::new(measured.finish()));
    for (name, (scale, values)) in [
        "actual",
        "target",
        "target_high",
        "stretch",
        "shortfall",
        "tolerance_amount",
    ]
    .iter()
    .zip(decimals)
    {
        let scale = i8::try_from(scale).unwrap_or(28);
        let array = Decimal128Array::from(values)
            .with_precision_and_scale(38, scale)
            .map_err(arrow)?;
        push(name, Arc::new(array));
    }
    let names: ArrayRef = Arc::new(StringArray::from(STATUS_NAMES.to_vec()));
    for (name, codes) in [("status", status), ("computed_status", computed)] {
        let keys = UInt8Array::from(codes);
        let dictionary =
            DictionaryArray::<UInt8Type>::try_new(keys, names.clone()).map_err(arrow)?;
        push(name, Arc::new(dictionary));
    }
    let [mut previous_headline, mut previous, mut year_ago] = directions;
    push("direction", Arc::new(previous_headline.finish()));
    push("direction_previous", Arc::new(previous.finish()));
    push("direction_year_ago", Arc::new(year_ago.finish()));
    push("explanation", Arc::new(explanation.finish()));
    push("provisional", Arc::new(provisional.finish()));
    push("note", Arc::new(note.finish()));
    push("error", Arc::new(error.finish()));
    push("error_kind", Arc::new(error_kind.finish()));
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).map_err(arrow)
}
