//! Budget lines, milestones and SPC series in bulk: Arrow in, Arrow out.
//!
//! The frame path of [`crate::frame`] for the other three kinds of report: each function takes
//! one Arrow [`RecordBatch`] and returns one, reading the columns with the frame's own readers
//! (numbers exactly, text, keys) and evaluating with the per-item functions of the core, so that
//! a row of a frame and the same item evaluated alone give the same numbers, status and
//! sentence.
//!
//! - [`spc::spc_batch`]: thousands of SPC series at once, keyed by `by` columns, each ordered by
//!   a period or date column (or taken in input order), analysed with
//!   [`crate::spc::spc_with_labels`].
//! - [`budget::roll_up_batch`]: budget lines in, one result per line then one per total out,
//!   through [`crate::budget::roll_up`].
//! - [`milestone::milestones_batch`]: milestones in, their state and status as of a date out,
//!   through [`crate::milestone::evaluate_milestone`].
//! - [`funnel::funnel_batch`] and [`funnel::intervals_batch`]: units (numerator and
//!   denominator) in, their funnel limits and label, or their §8a intervals, out, through
//!   [`crate::funnel`] and [`crate::interval`].
//!
//! As in [`crate::frame`], **rows in = rows rated + rows reported**: output row `i` belongs to
//! input row `i` (column `row`), whether it was evaluated or is in error; a bad row has its
//! message, naming `row[i]` and the column, in `error` and the error kind in `error_kind`. Only
//! a frame that cannot be read at all (a missing column, a column of the wrong type, duplicate
//! column names) is an error of the call: one [`ErrorKind::Syntax`] error listing every problem.
//!
//! Numbers come out as `Decimal128(38, s)`, `s` the largest scale in the column; a number that
//! does not fit makes its row an error row (never rounded, never nulled silently). Statuses are
//! dictionaries of `UInt8` codes over [`STATUS_NAMES`], as in the frame path.

pub mod budget;
pub mod funnel;
pub mod milestone;
pub mod spc;

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, LargeStringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, UInt8Type};
use arrow_array::{
    Array, ArrayRef, Date32Array, Decimal128Array, DictionaryArray, RecordBatch, StringArray,
    UInt8Array, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::{Error, ErrorKind, Result};
use crate::frame::{Numbers, STATUS_NAMES, text_column};

fn arrow_error(e: arrow_schema::ArrowError) -> Error {
    Error::new(ErrorKind::Syntax {
        format: "Arrow".into(),
        message: e.to_string(),
    })
}

/// The columns of an input batch by name, gathering every shape problem on the way.
pub(crate) struct Columns<'a> {
    batch: &'a RecordBatch,
    problems: Vec<String>,
}

impl<'a> Columns<'a> {
    pub(crate) fn new(batch: &'a RecordBatch) -> Self {
        let schema = batch.schema();
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for field in schema.fields() {
            *counts.entry(field.name().as_str()).or_default() += 1;
        }
        let mut duplicated: Vec<String> = counts
            .iter()
            .filter(|(_, n)| **n > 1)
            .map(|(name, _)| format!("column {name:?} appears more than once"))
            .collect();
        duplicated.sort_unstable();
        Columns {
            batch,
            problems: duplicated,
        }
    }

    pub(crate) fn problem(&mut self, message: String) {
        self.problems.push(message);
    }

    pub(crate) fn find(&self, name: &str) -> Option<&'a ArrayRef> {
        let batch: &'a RecordBatch = self.batch;
        batch
            .schema_ref()
            .index_of(name)
            .ok()
            .map(|i| batch.column(i))
    }

    /// A column that must be there, as text.
    pub(crate) fn text(&mut self, name: &str, what: &str) -> Option<StringArray> {
        match self.find(name) {
            None => {
                self.problem(format!("the {what} column {name:?} is missing"));
                None
            }
            Some(a) => self.read_text(name, a),
        }
    }

    /// A column that may be there, as text.
    pub(crate) fn optional_text(&mut self, name: &str) -> Option<StringArray> {
        let array = self.find(name)?;
        self.read_text(name, array)
    }

    fn read_text(&mut self, name: &str, array: &ArrayRef) -> Option<StringArray> {
        match text_column(array) {
            Ok(a) => Some(a),
            Err(e) => {
                self.problem(format!("column {name:?} {e}"));
                None
            }
        }
    }

    /// A column of numbers; `required` makes a missing column a problem.
    pub(crate) fn numbers(&mut self, name: &str, required: bool) -> Numbers {
        let array = self.find(name);
        if array.is_none() && required {
            self.problem(format!("the column {name:?} is missing"));
        }
        Numbers::read(array).unwrap_or_else(|e| {
            self.problem(format!("column {name:?} {e}"));
            Numbers::Absent
        })
    }

    /// A column of dates (Arrow dates or timestamps, or text as ISO `yyyy-mm-dd` or UK
    /// `dd/mm/yyyy`); `required` makes a missing column a problem.
    pub(crate) fn dates(&mut self, name: &str, required: bool) -> Dates {
        let Some(array) = self.find(name) else {
            if required {
                self.problem(format!("the date column {name:?} is missing"));
            }
            return Dates::Absent;
        };
        match array.data_type() {
            DataType::Null => Dates::Absent,
            DataType::Date32 | DataType::Date64 | DataType::Timestamp(..) => {
                match arrow_cast::cast(array, &DataType::Date32) {
                    Ok(d) => Dates::Days(d.as_primitive::<Date32Type>().clone()),
                    Err(e) => {
                        self.problem(format!("column {name:?}: {e}"));
                        Dates::Absent
                    }
                }
            }
            DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Utf8View
            | DataType::Dictionary(..) => match arrow_cast::cast(array, &DataType::Utf8) {
                Ok(a) => Dates::Text(a.as_string::<i32>().clone()),
                Err(e) => {
                    self.problem(format!("column {name:?}: {e}"));
                    Dates::Absent
                }
            },
            other => {
                self.problem(format!(
                    "column {name:?} has type {other}; expected dates or text"
                ));
                Dates::Absent
            }
        }
    }

    /// Key columns, checked against the names the output uses.
    pub(crate) fn keys(
        &mut self,
        by: &[String],
        roles: &[&str],
        outputs: &[&str],
    ) -> Vec<(usize, StringArray)> {
        let mut keys = Vec::new();
        let mut seen: Vec<&str> = roles.to_vec();
        for name in by {
            if seen.contains(&name.as_str()) {
                self.problem(format!(
                    "key column {name:?} is also an input column of another role (or given twice)"
                ));
            } else if outputs.contains(&name.as_str()) {
                self.problem(format!(
                    "key column {name:?} has the name of an output column; rename it"
                ));
            } else {
                match self.batch.schema_ref().index_of(name) {
                    Err(_) => self.problem(format!("key column {name:?} does not exist")),
                    Ok(i) => match text_column(self.batch.column(i)) {
                        Ok(a) => keys.push((i, a)),
                        Err(e) => self.problem(format!("key column {name:?} {e}")),
                    },
                }
            }
            seen.push(name.as_str());
        }
        keys
    }

    /// Every problem found, as one error; none: the frame can be read.
    pub(crate) fn finish(self) -> Result<()> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(Error::new(ErrorKind::Syntax {
                format: "data frame".into(),
                message: self.problems.join("; "),
            }))
        }
    }
}

/// A text cell: `None` for a null.
pub(crate) fn cell(column: Option<&StringArray>, i: usize) -> Option<&str> {
    column
        .filter(|a| i < a.len() && a.is_valid(i))
        .map(|a| a.value(i))
}

/// A number cell, read exactly; `-0` reads as `0`, as the scalar readers do.
pub(crate) fn number(numbers: &Numbers, i: usize) -> Result<Option<Decimal>> {
    Ok(numbers.get(i)?.map(|d| {
        if d.is_zero() && d.is_sign_negative() {
            -d
        } else {
            d
        }
    }))
}

/// A column of dates.
pub(crate) enum Dates {
    Absent,
    Days(Date32Array),
    Text(StringArray),
}

impl Dates {
    /// The cell: `Ok(None)` for a null or blank cell.
    pub(crate) fn get(&self, i: usize) -> Result<Option<NaiveDate>> {
        match self {
            Dates::Absent => Ok(None),
            Dates::Days(a) => {
                if i >= a.len() || a.is_null(i) {
                    return Ok(None);
                }
                a.value_as_date(i).map(Some).ok_or_else(|| {
                    Error::invalid_value(a.value(i).to_string(), "a date within chrono's range")
                })
            }
            Dates::Text(a) => match cell(Some(a), i).map(str::trim) {
                None | Some("") => Ok(None),
                Some(text) => crate::milestone::parse_date(text).map(Some),
            },
        }
    }
}

/// Decimal output columns: each at the largest scale among its values, each value checked to
/// fit `Decimal128(38, s)`.
pub(crate) struct DecimalColumns<const K: usize> {
    names: [&'static str; K],
    scales: [u32; K],
}

pub(crate) const LIMIT: i128 = 10i128.pow(38);

/// 10⁰ ... 10³⁸: a rescale is one multiplication, not a power computed per value.
// Evaluated at compile time: an index out of bounds would fail the build, never panic.
#[allow(clippy::indexing_slicing)]
pub(crate) const POWERS: [i128; 39] = {
    let mut powers = [1i128; 39];
    let mut k = 1;
    while k < 39 {
        powers[k] = powers[k - 1] * 10;
        k += 1;
    }
    powers
};

/// `m × p`, none on overflow: where the operands' bits add up to at most 127 the product
/// cannot overflow, and two leading-zero counts replace `checked_mul`'s 128-bit overflow test.
#[inline]
pub(crate) fn times(m: i128, p: i128) -> Option<i128> {
    let bits = |x: i128| 128 - x.unsigned_abs().leading_zeros();
    if bits(m) + bits(p) <= 127 {
        Some(m * p)
    } else {
        m.checked_mul(p)
    }
}

impl<const K: usize> DecimalColumns<K> {
    /// The scales of the columns named `names`, from every row's numbers.
    pub(crate) fn new<'r>(
        names: [&'static str; K],
        rows: impl Iterator<Item = [Option<Decimal>; K]> + 'r,
    ) -> Self {
        let mut scales = [0u32; K];
        for numbers in rows {
            for (s, v) in scales.iter_mut().zip(numbers) {
                if let Some(v) = v {
                    *s = (*s).max(v.scale());
                }
            }
        }
        DecimalColumns { names, scales }
    }

    /// The largest scale of each column, over this and `other`.
    pub(crate) fn merge(&mut self, other: &Self) {
        for (s, o) in self.scales.iter_mut().zip(other.scales) {
            *s = (*s).max(o);
        }
    }

    /// A row's numbers at their columns' scales, or the error of the first that does not fit
    /// ([`misfit`](Self::misfit)'s).
    pub(crate) fn scaled_row(
        &self,
        numbers: &[Option<Decimal>; K],
    ) -> std::result::Result<[Option<i128>; K], Error> {
        let mut out = [None; K];
        for ((slot, v), scale) in out.iter_mut().zip(numbers).zip(self.scales) {
            if let Some(v) = v {
                match Self::scaled(*v, scale) {
                    Some(m) => *slot = Some(m),
                    None => {
                        return Err(self
                            .misfit(numbers)
                            .unwrap_or_else(|| Error::overflow("a number")));
                    }
                }
            }
        }
        Ok(out)
    }

    /// Column `k` from its values already at its scale and their validity.
    pub(crate) fn array_at(
        &self,
        k: usize,
        values: Vec<i128>,
        mut valid: arrow_buffer::NullBufferBuilder,
    ) -> Result<ArrayRef> {
        let scale = i8::try_from(self.scales.get(k).copied().unwrap_or(28)).unwrap_or(28);
        Decimal128Array::try_new(values.into(), valid.finish())
            .and_then(|a| a.with_precision_and_scale(38, scale))
            .map(|a| Arc::new(a) as ArrayRef)
            .map_err(arrow_error)
    }

    /// The scale of column `k`.
    pub(crate) fn scale(&self, k: usize) -> u32 {
        self.scales.get(k).copied().unwrap_or(0)
    }

    /// `v`'s mantissa at the column scale `scale`, none when it does not fit the column.
    pub(crate) fn scaled(v: Decimal, scale: u32) -> Option<i128> {
        POWERS
            .get(scale.saturating_sub(v.scale()) as usize)
            .and_then(|f| times(v.mantissa(), *f))
            .filter(|m| m.abs() < LIMIT)
    }

    /// The error for the first number of a row that does not fit its column, if any.
    pub(crate) fn misfit(&self, numbers: &[Option<Decimal>; K]) -> Option<Error> {
        for ((v, scale), name) in numbers.iter().zip(self.scales).zip(self.names) {
            let Some(v) = v else { continue };
            if Self::scaled(*v, scale).is_none() {
                return Some(
                    Error::invalid_value(
                        v.to_string(),
                        format!(
                            "a number of at most {} digits before the point, to fit the column's decimal128(38, {scale})",
                            38u32.saturating_sub(scale)
                        ),
                    )
                    .with_column(name),
                );
            }
        }
        None
    }

    /// The columns, as (name, array), from every row's numbers (none for an error row).
    pub(crate) fn arrays(
        &self,
        rows: impl Iterator<Item = Option<[Option<Decimal>; K]>>,
    ) -> Result<Vec<(&'static str, ArrayRef)>> {
        let mut values: Vec<Vec<Option<i128>>> = (0..K).map(|_| Vec::new()).collect();
        for numbers in rows {
            for ((column, scale), v) in values
                .iter_mut()
                .zip(self.scales)
                .zip(numbers.unwrap_or([None; K]))
            {
                column.push(v.and_then(|v| Self::scaled(v, scale)));
            }
        }
        values
            .into_iter()
            .zip(self.scales)
            .zip(self.names)
            .map(|((column, scale), name)| {
                let scale = i8::try_from(scale).unwrap_or(28);
                Decimal128Array::from(column)
                    .with_precision_and_scale(38, scale)
                    .map(|a| (name, Arc::new(a) as ArrayRef))
                    .map_err(arrow_error)
            })
            .collect()
    }
}

/// Text output columns, 64-bit offsets: a frame of millions of sentences passes 2 GiB.
pub(crate) fn text_builder(rows: usize, bytes: usize) -> LargeStringBuilder {
    LargeStringBuilder::with_capacity(rows, rows.saturating_mul(bytes))
}

/// A status column: `UInt8` codes ([`crate::Status::code`]) over [`STATUS_NAMES`].
pub(crate) fn status_array(codes: Vec<Option<u8>>) -> Result<ArrayRef> {
    let names: ArrayRef = Arc::new(StringArray::from(STATUS_NAMES.to_vec()));
    DictionaryArray::<UInt8Type>::try_new(UInt8Array::from(codes), names)
        .map(|a| Arc::new(a) as ArrayRef)
        .map_err(arrow_error)
}

/// The `row` column: the input row of each output row (none for an added row).
pub(crate) fn row_array(rows: impl Iterator<Item = Option<usize>>) -> ArrayRef {
    Arc::new(
        rows.map(|r| r.and_then(|r| u64::try_from(r).ok()))
            .collect::<UInt64Array>(),
    )
}

/// A boolean output column.
pub(crate) fn bool_array(values: impl Iterator<Item = Option<bool>>) -> ArrayRef {
    let mut builder = BooleanBuilder::new();
    for v in values {
        builder.append_option(v);
    }
    Arc::new(builder.finish())
}

/// The output batch from named columns, in order.
pub(crate) fn batch<N: AsRef<str>>(columns: Vec<(N, ArrayRef)>) -> Result<RecordBatch> {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, a)| Field::new(name.as_ref(), a.data_type().clone(), true))
        .collect();
    let arrays: Vec<ArrayRef> = columns.into_iter().map(|(_, a)| a).collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(arrow_error)
}

/// The number of threads for `work` items: `threads` (0: the machine's), but one for small
/// inputs, where threads cost more than they save unless asked for.
pub(crate) fn thread_count(threads: usize, work: usize) -> usize {
    match threads {
        0 if work < 20_000 => 1,
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        t => t,
    }
    .clamp(1, 64)
}

/// `f` over every item, the items split in contiguous runs of about equal `weight` across
/// `threads` threads. A run whose thread died gives `None` for its items: the caller reports
/// them, never drops them.
pub(crate) fn parallel_map<T: Sync, U: Send>(
    items: &[T],
    threads: usize,
    weight: impl Fn(&T) -> usize,
    f: impl Fn(&T) -> U + Sync,
) -> Vec<Option<U>> {
    let total: usize = items.iter().map(&weight).sum();
    if threads <= 1 || items.len() < 2 {
        return items.iter().map(|t| Some(f(t))).collect();
    }
    let per_thread = total.div_ceil(threads).max(1);
    let mut runs: Vec<&[T]> = Vec::new();
    let (mut start, mut count) = (0, 0);
    for (i, item) in items.iter().enumerate() {
        count += weight(item);
        if count >= per_thread {
            runs.push(items.get(start..=i).unwrap_or_default());
            start = i + 1;
            count = 0;
        }
    }
    if start < items.len() {
        runs.push(items.get(start..).unwrap_or_default());
    }
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .iter()
            .map(|run| {
                let run: &[T] = run;
                (
                    run.len(),
                    scope.spawn(move || run.iter().map(f).collect::<Vec<U>>()),
                )
            })
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for (len, handle) in handles {
            match handle.join() {
                Ok(results) => out.extend(results.into_iter().map(Some)),
                Err(_) => out.extend((0..len).map(|_| None)),
            }
        }
        out
    })
}

/// The message and kind columns of the error rows.
pub(crate) fn error_arrays<'e>(
    errors: impl Iterator<Item = Option<&'e Error>>,
    rows: usize,
) -> (ArrayRef, ArrayRef) {
    let mut message = text_builder(rows, 0);
    let mut kind = text_builder(rows, 0);
    for e in errors {
        match e {
            Some(e) => {
                message.append_value(e.to_string());
                kind.append_value(e.kind().name());
            }
            None => {
                message.append_null();
                kind.append_null();
            }
        }
    }
    (Arc::new(message.finish()), Arc::new(kind.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn decimal_columns_take_the_largest_scale_and_refuse_what_does_not_fit() {
        let rows = [[Some(dec!(1.5)), None], [Some(dec!(2.25)), Some(dec!(7))]];
        let columns = DecimalColumns::new(["a", "b"], rows.iter().copied());
        assert_eq!(columns.scales, [2, 0]);
        assert!(columns.misfit(&rows[0]).is_none());
        let wide = [Some(Decimal::MAX), None];
        let too_wide =
            DecimalColumns::new(["a", "b"], [[Some(dec!(0.0000000001)), None]].into_iter());
        let err = too_wide.misfit(&wide).map(|e| e.location().column.clone());
        assert_eq!(err, Some(Some("a".to_string())));
        let arrays = columns.arrays(rows.iter().copied().map(Some)).unwrap();
        let a = arrays[0]
            .1
            .as_primitive::<arrow_array::types::Decimal128Type>();
        assert_eq!(a.value(1), 225);
        assert_eq!(a.scale(), 2);
    }

    #[test]
    fn parallel_map_keeps_order_across_threads() {
        let items: Vec<usize> = (0..1000).collect();
        let out = parallel_map(&items, 4, |_| 1, |x| x * 2);
        let want: Vec<Option<usize>> = items.iter().map(|x| Some(x * 2)).collect();
        assert_eq!(out, want);
    }
}
