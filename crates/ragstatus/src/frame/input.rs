//! Reading the input columns: each role's column checked once, then read cell by cell.

use std::collections::HashMap;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Decimal128Type, Decimal256Type, Float16Type, Float32Type, Float64Type, Int64Type,
    UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, BooleanArray, LargeStringArray, RecordBatch, StringArray, StringViewArray,
};
use arrow_schema::DataType;
use rust_decimal::Decimal;

use super::{FrameOptions, RESULT_COLUMNS};
use crate::error::{Error, ErrorKind, Result};

use crate::input::{NumberForm, is_missing, parse_flag, parse_number};

/// A column of text, read in place whatever its string layout (pandas' and pyarrow's strings
/// are 64-bit-offset strings, polars' string views): copying a national frame's key,
/// indicator and period columns into one layout cost as much as reading them.
pub(crate) enum Texts {
    Small(StringArray),
    Large(LargeStringArray),
    View(StringViewArray),
}

impl Texts {
    /// The column as text: strings as they are; integers, nulls and dictionaries cast;
    /// floats as [`float_texts`] writes them.
    pub(super) fn read(array: &ArrayRef) -> std::result::Result<Texts, String> {
        match array.data_type() {
            DataType::Utf8 => Ok(Texts::Small(array.as_string::<i32>().clone())),
            DataType::LargeUtf8 => Ok(Texts::Large(array.as_string::<i64>().clone())),
            DataType::Utf8View => Ok(Texts::View(array.as_string_view().clone())),
            DataType::Float16 | DataType::Float32 | DataType::Float64 => {
                float_texts(array).map(Texts::Small)
            }
            DataType::Null
            | DataType::Dictionary(..)
            | DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64 => Texts::cast(array),
            other => Err(format!("has type {other}; expected text")),
        }
    }

    /// Any column castable to text (a note).
    pub(super) fn cast(array: &ArrayRef) -> std::result::Result<Texts, String> {
        arrow_cast::cast(array, &DataType::Utf8)
            .map(|a| Texts::Small(a.as_string::<i32>().clone()))
            .map_err(|e| e.to_string())
    }

    pub(super) fn len(&self) -> usize {
        match self {
            Texts::Small(a) => a.len(),
            Texts::Large(a) => a.len(),
            Texts::View(a) => a.len(),
        }
    }

    /// The cell, none when null or beyond the column.
    #[inline]
    pub(super) fn get(&self, i: usize) -> Option<&str> {
        if i >= self.len() {
            return None;
        }
        match self {
            Texts::Small(a) => a.is_valid(i).then(|| a.value(i)),
            Texts::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Texts::View(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }
}

pub(crate) enum Numbers {
    Absent,
    Nulls,
    F64(arrow_array::Float64Array),
    F32(arrow_array::Float32Array),
    F16(arrow_array::Float16Array),
    I64(arrow_array::Int64Array),
    U64(arrow_array::UInt64Array),
    D128(arrow_array::Decimal128Array, i8),
    D256(arrow_array::Decimal256Array, i8),
    /// Text, read by the one number reader of every input in the column's written form (plain
    /// numbers unless the column declares amounts or percentages), so a frame's text cell reads
    /// as the same cell of a CSV file does.
    Text(Texts, NumberForm),
}

impl Numbers {
    /// The column's text cells read in `form` (`£46,267` and `(443)` in an amount column, `60%`
    /// in a percentage), as the CSV readers read the same column; numbers are unaffected.
    pub(crate) fn written_as(self, form: NumberForm) -> Numbers {
        match self {
            Numbers::Text(texts, _) => Numbers::Text(texts, form),
            other => other,
        }
    }

    pub(crate) fn read(array: Option<&ArrayRef>) -> std::result::Result<Numbers, String> {
        let Some(array) = array else {
            return Ok(Numbers::Absent);
        };
        let cast = |to: &DataType| arrow_cast::cast(array, to).map_err(|e| e.to_string());
        Ok(match array.data_type() {
            DataType::Null => Numbers::Nulls,
            DataType::Float64 => Numbers::F64(array.as_primitive::<Float64Type>().clone()),
            DataType::Float32 => Numbers::F32(array.as_primitive::<Float32Type>().clone()),
            // At its own width (SPEC §14): a float16 12.8 is 12.8, not its f32 widening.
            DataType::Float16 => Numbers::F16(array.as_primitive::<Float16Type>().clone()),
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
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                Numbers::Text(Texts::read(array)?, NumberForm::Plain)
            }
            DataType::Dictionary(..) => Numbers::Text(Texts::cast(array)?, NumberForm::Plain),
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
                    // The shortest text's decimal, found without writing the text.
                    Some(
                        crate::columnar::shortest_decimal(x).ok_or_else(|| {
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
            Numbers::F16(a) => {
                if a.is_null(i) || a.value(i).is_nan() {
                    None
                } else {
                    let x = a.value(i);
                    Some(
                        crate::value::decimal_from_f16(x).ok_or_else(|| {
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
            // Missing is the inputs' one rule: an empty or blank cell. Text such as "nan" or
            // "n/a" is an error, as in a CSV file (see `input::is_missing`).
            Numbers::Text(a, form) => match a.get(i) {
                Some(text) if !is_missing(text) => Some(parse_number(text, *form)?),
                _ => None,
            },
        })
    }
}

pub(super) enum Periods {
    Labels(Texts),
    Dates(arrow_array::Date32Array),
}

impl Periods {
    /// The cell as the input gave it, for an error row: the label, or the date as text.
    pub(super) fn raw(&self, i: usize) -> Option<String> {
        match self {
            Periods::Labels(labels) => labels.get(i).map(str::to_string),
            Periods::Dates(dates) => (i < dates.len() && dates.is_valid(i))
                .then(|| dates.value_as_date(i))
                .flatten()
                .map(|d| d.to_string()),
        }
    }
}

pub(super) enum Flags {
    Absent,
    Bools(BooleanArray),
    Text(Texts),
}

impl Flags {
    pub(super) fn get(&self, i: usize) -> Result<Option<bool>> {
        match self {
            Flags::Absent => Ok(None),
            Flags::Bools(a) => Ok(a.is_valid(i).then(|| a.value(i))),
            Flags::Text(a) => a.get(i).map_or(Ok(None), parse_flag),
        }
    }
}

pub(super) struct Input {
    /// Each key column: its position in the batch and its cells.
    pub(super) keys: Vec<(usize, Texts)>,
    pub(super) indicator: Texts,
    pub(super) periods: Periods,
    pub(super) value: Numbers,
    pub(super) numerator: Numbers,
    pub(super) denominator: Numbers,
    pub(super) provisional: Flags,
    pub(super) note: Option<Texts>,
    /// The output columns, in output order ([`FrameOptions::columns`]).
    pub(super) columns: Vec<OutputColumn>,
}

/// An output column: a key column (its place in [`Input::keys`]) or one of
/// [`RESULT_COLUMNS`] (its place there).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum OutputColumn {
    Key(usize),
    Result(usize),
}

/// The output columns `options` asks for: every key column then every result column, or
/// the ones named in [`FrameOptions::columns`], in that order. Each name that is neither is a
/// problem, as is a name given twice.
fn output_columns(options: &FrameOptions, problems: &mut Vec<String>) -> Vec<OutputColumn> {
    let Some(names) = &options.columns else {
        let keys = (0..options.by.len()).map(OutputColumn::Key);
        return keys
            .chain((0..RESULT_COLUMNS.len()).map(OutputColumn::Result))
            .collect();
    };
    if names.is_empty() {
        problems.push("no output columns asked for; expected at least one".into());
    }
    let mut columns = Vec::with_capacity(names.len());
    let mut unknown: Vec<String> = Vec::new();
    for (k, name) in names.iter().enumerate() {
        if names.get(..k).is_some_and(|before| before.contains(name)) {
            problems.push(format!("output column {name:?} is asked for twice"));
            continue;
        }
        let column = match options.by.iter().position(|b| b == name) {
            Some(key) => OutputColumn::Key(key),
            None => match RESULT_COLUMNS.iter().position(|r| r == name) {
                Some(j) => OutputColumn::Result(j),
                None => {
                    unknown.push(format!("{name:?}"));
                    continue;
                }
            },
        };
        columns.push(column);
    }
    if !unknown.is_empty() {
        // The names to choose from once, last: the message is cut if very long.
        problems.push(format!(
            "no output column {}; expected a key column or one of {}",
            unknown.join(" or "),
            RESULT_COLUMNS.join(", ")
        ));
    }
    columns
}

pub(super) fn read_input(batch: &RecordBatch, options: &FrameOptions) -> Result<Input> {
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
                Some(i) => match Texts::read(batch.column(i)) {
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
        Some(a) => Texts::read(a)
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
            _ => Texts::read(a)
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
        Some(a) => Texts::read(a).map(Flags::Text).unwrap_or_else(|e| {
            problems.push(format!("column {:?} {e} or booleans", options.provisional));
            Flags::Absent
        }),
    };
    let note = column(&options.note).and_then(|a| {
        let read = match a.data_type() {
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Texts::read(a),
            _ => Texts::cast(a),
        };
        read.map_err(|e| problems.push(format!("column {:?}: {e}", options.note)))
            .ok()
    });
    let columns = output_columns(options, &mut problems);
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
            columns,
        }),
        _ => Err(Error::new(ErrorKind::Syntax {
            format: "data frame".into(),
            message: problems.join("; "),
        })),
    }
}

/// A float column as text, for a column of ids, keys or labels: a whole number as an integer
/// (`101.0` is `"101"`, as in the integer column it was before a missing cell made pandas store
/// it as floats), any other number as its shortest text (`"1.5"`), NaN as a missing cell.
fn float_texts(array: &ArrayRef) -> std::result::Result<StringArray, String> {
    use std::fmt::Write as _;
    let floats = arrow_cast::cast(array, &DataType::Float64).map_err(|e| e.to_string())?;
    let floats = floats.as_primitive::<Float64Type>();
    let mut out =
        arrow_array::builder::StringBuilder::with_capacity(floats.len(), floats.len() * 8);
    let mut text = String::new();
    for v in floats {
        match v {
            Some(v) if !v.is_nan() => {
                text.clear();
                // (`{:.0}` writes -0.0 as "-0".)
                let written = if v == 0.0 {
                    text.write_str("0")
                } else if v.is_finite() && v.fract() == 0.0 {
                    write!(text, "{v:.0}")
                } else {
                    write!(text, "{v}")
                };
                written.map_err(|e| e.to_string())?;
                out.append_value(&text);
            }
            _ => out.append_null(),
        }
    }
    Ok(out.finish())
}

/// A column of text, integers or floats as text (the bulk paths' ids, keys and labels).
pub(crate) fn text_column(array: &ArrayRef) -> std::result::Result<StringArray, String> {
    match array.data_type() {
        DataType::Float16 | DataType::Float32 | DataType::Float64 => float_texts(array),
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
