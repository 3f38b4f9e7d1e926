//! The output columns, built straight from the evaluations: each thread appends its share of
//! the rows to its own Arrow builders (no row objects, no second copy of the sentences), and
//! the shares become consecutive batches.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, LargeStringBuilder, UInt32Builder, UInt64Builder};
use arrow_array::types::UInt8Type;
use arrow_array::{
    Array, ArrayRef, Decimal128Array, DictionaryArray, RecordBatch, StringArray, UInt8Array,
    UInt32Array,
};
use arrow_buffer::{BooleanBufferBuilder, NullBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use rust_decimal::Decimal;

use super::STATUS_NAMES;
use crate::direction::Direction;
use crate::error::{Error, ErrorKind, Result};
use crate::status::Status;

/// The decimal columns, in output order.
pub(super) const DECIMAL_NAMES: [&str; 6] = [
    "actual",
    "target",
    "target_high",
    "stretch",
    "shortfall",
    "tolerance_amount",
];

pub(super) fn arrow_error(e: arrow_schema::ArrowError) -> Error {
    Error::new(ErrorKind::Syntax {
        format: "Arrow".into(),
        message: e.to_string(),
    })
}

/// A decimal column as mantissas at each value's own scale: the column's scale (the largest)
/// is known only when every row is evaluated, and each mantissa is then scaled in place.
struct Decimals {
    mantissas: Vec<i128>,
    scales: Vec<u8>,
    valid: BooleanBufferBuilder,
    largest: u32,
    smallest: u32,
    biggest: u128,
}

impl Decimals {
    fn with_capacity(rows: usize) -> Decimals {
        Decimals {
            mantissas: Vec::with_capacity(rows),
            scales: Vec::with_capacity(rows),
            valid: BooleanBufferBuilder::new(rows),
            largest: 0,
            smallest: u32::MAX,
            biggest: 0,
        }
    }

    #[inline]
    fn push(&mut self, value: Option<Decimal>) {
        match value {
            Some(v) => {
                let (m, s) = (v.mantissa(), v.scale());
                self.mantissas.push(m);
                self.scales.push(u8::try_from(s).unwrap_or(u8::MAX));
                self.valid.append(true);
                self.largest = self.largest.max(s);
                self.smallest = self.smallest.min(s);
                self.biggest = self.biggest.max(m.unsigned_abs());
            }
            None => {
                self.mantissas.push(0);
                self.scales.push(0);
                self.valid.append(false);
            }
        }
    }

    /// The value at `i` when it does not fit `decimal128(38, scale)`.
    fn misfit(&self, i: usize, scale: u32) -> Option<Decimal> {
        if i >= self.valid.len() || !self.valid.get_bit(i) {
            return None;
        }
        let (m, s) = (*self.mantissas.get(i)?, u32::from(*self.scales.get(i)?));
        match scaled(m, s, scale) {
            Some(_) => None,
            None => Decimal::try_from_i128_with_scale(m, s).ok(),
        }
    }

    /// Whether every value fits `decimal128(38, scale)`, from the column's largest mantissa
    /// and smallest scale (no row by row check in the usual case).
    fn all_fit(&self, scale: u32) -> bool {
        if self.smallest == u32::MAX {
            return true;
        }
        let biggest = i128::try_from(self.biggest).unwrap_or(i128::MAX);
        scaled(biggest, self.smallest, scale).is_some()
    }

    fn finish(&mut self, scale: u32) -> Result<Decimal128Array> {
        let nulls = NullBuffer::new(self.valid.finish());
        let mut mantissas = std::mem::take(&mut self.mantissas);
        for (m, s) in mantissas.iter_mut().zip(&self.scales) {
            // Misfits were made error rows (and nulls) before this.
            *m = scaled(*m, u32::from(*s), scale).unwrap_or(0);
        }
        self.scales = Vec::new();
        let scale = i8::try_from(scale).unwrap_or(28);
        Decimal128Array::try_new(ScalarBuffer::from(mantissas), Some(nulls))
            .and_then(|a| a.with_precision_and_scale(38, scale))
            .map_err(arrow_error)
    }
}

/// `m × 10^-s` as a mantissa at `scale ≥ s`, when it fits 38 digits.
fn scaled(m: i128, s: u32, scale: u32) -> Option<i128> {
    const LIMIT: i128 = 10i128.pow(38);
    10i128
        .checked_pow(scale.saturating_sub(s))
        .and_then(|f| m.checked_mul(f))
        .filter(|m| m.abs() < LIMIT)
}

/// A value too large for its column at the column's scale: the row becomes an error row.
pub(super) fn misfit_error(column: usize, value: Decimal, scale: u32) -> Error {
    Error::invalid_value(
        value.to_string(),
        format!(
            "a number of at most {} digits before the point, to fit the column's decimal128(38, {scale})",
            38u32.saturating_sub(scale)
        ),
    )
    .with_column(DECIMAL_NAMES.get(column).copied().unwrap_or_default())
}

/// One share of the output rows, in output order.
pub(super) struct Part {
    pub(super) rows: UInt64Builder,
    /// The input row whose key cells the output row shows.
    pub(super) picks: UInt32Builder,
    pub(super) indicator: LargeStringBuilder,
    pub(super) name: LargeStringBuilder,
    pub(super) theme: LargeStringBuilder,
    pub(super) group: LargeStringBuilder,
    pub(super) period: LargeStringBuilder,
    pub(super) measured: LargeStringBuilder,
    numbers: [Decimals; 6],
    status: Vec<u8>,
    computed: Vec<u8>,
    status_valid: BooleanBufferBuilder,
    directions: [LargeStringBuilder; 3],
    pub(super) explanation: LargeStringBuilder,
    pub(super) provisional: BooleanBuilder,
    pub(super) note: LargeStringBuilder,
    pub(super) error: LargeStringBuilder,
    pub(super) error_kind: LargeStringBuilder,
}

impl Part {
    pub(super) fn with_capacity(rows: usize, explain: bool) -> Part {
        // Large (64-bit offset) strings: a 10-million-row frame of sentences passes 2 GiB.
        // Room for the longest usual text: a buffer that grows is copied whole, while room
        // never written costs no memory (the pages are not touched).
        let text =
            |bytes: usize| LargeStringBuilder::with_capacity(rows, rows.saturating_mul(bytes));
        Part {
            rows: UInt64Builder::with_capacity(rows),
            picks: UInt32Builder::with_capacity(rows),
            indicator: text(16),
            name: text(32),
            theme: text(16),
            group: text(32),
            period: text(12),
            measured: text(12),
            numbers: std::array::from_fn(|_| Decimals::with_capacity(rows)),
            status: Vec::with_capacity(rows),
            computed: Vec::with_capacity(rows),
            status_valid: BooleanBufferBuilder::new(rows),
            directions: std::array::from_fn(|_| text(16)),
            explanation: text(if explain { 200 } else { 0 }),
            provisional: BooleanBuilder::with_capacity(rows),
            note: text(0),
            error: text(0),
            error_kind: text(0),
        }
    }

    /// The number of rows appended.
    pub(super) fn len(&self) -> usize {
        self.status.len()
    }

    /// The figures of a rated row (the text columns are the caller's).
    pub(super) fn rated(
        &mut self,
        numbers: [Option<Decimal>; 6],
        status: Status,
        computed: Status,
        directions: [Direction; 3],
    ) {
        for (column, v) in self.numbers.iter_mut().zip(numbers) {
            column.push(v);
        }
        self.status.push(status.code());
        self.computed.push(computed.code());
        self.status_valid.append(true);
        for (builder, d) in self.directions.iter_mut().zip(directions) {
            builder.append_value(d.as_str());
        }
        self.error.append_null();
        self.error_kind.append_null();
    }

    /// The figures of an error row: no numbers, statuses or directions; the error.
    pub(super) fn failed(&mut self, error: &Error) {
        for column in &mut self.numbers {
            column.push(None);
        }
        self.status.push(0);
        self.computed.push(0);
        self.status_valid.append(false);
        for builder in &mut self.directions {
            builder.append_null();
        }
        self.name.append_null();
        self.theme.append_null();
        self.group.append_null();
        self.measured.append_null();
        self.explanation.append_null();
        self.error.append_value(error.to_string());
        self.error_kind.append_value(error.kind().name());
    }

    /// The largest scale of each decimal column.
    pub(super) fn scales(&self) -> [u32; 6] {
        std::array::from_fn(|k| self.numbers.get(k).map_or(0, |c| c.largest))
    }

    /// The rows (positions in this part) holding a value that does not fit its column at
    /// `scales`, each with the error for its first such column.
    pub(super) fn misfits(&self, scales: &[u32; 6]) -> Vec<(usize, Error)> {
        if self.numbers.iter().zip(scales).all(|(c, s)| c.all_fit(*s)) {
            return Vec::new();
        }
        let mut found = Vec::new();
        for i in 0..self.len() {
            let first = self
                .numbers
                .iter()
                .zip(scales)
                .enumerate()
                .find_map(|(k, (c, s))| c.misfit(i, *s).map(|v| misfit_error(k, v, *s)));
            if let Some(e) = first {
                found.push((i, e));
            }
        }
        found
    }

    /// The part's columns after the key columns, in [`RESULT_COLUMNS`](super::RESULT_COLUMNS)
    /// order, with the decimal columns at `scales`.
    pub(super) fn finish(mut self, scales: &[u32; 6]) -> Result<(Vec<ArrayRef>, UInt32Array)> {
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(23);
        columns.push(Arc::new(self.rows.finish()));
        columns.push(Arc::new(self.indicator.finish()));
        columns.push(Arc::new(self.name.finish()));
        columns.push(Arc::new(self.theme.finish()));
        columns.push(Arc::new(self.group.finish()));
        columns.push(Arc::new(self.period.finish()));
        columns.push(Arc::new(self.measured.finish()));
        for (column, scale) in self.numbers.iter_mut().zip(scales) {
            columns.push(Arc::new(column.finish(*scale)?));
        }
        let valid = NullBuffer::new(self.status_valid.finish());
        for codes in [self.status, self.computed] {
            columns.push(Arc::new(status_dictionary(UInt8Array::new(
                ScalarBuffer::from(codes),
                Some(valid.clone()),
            ))?));
        }
        for builder in &mut self.directions {
            columns.push(Arc::new(builder.finish()));
        }
        columns.push(Arc::new(self.explanation.finish()));
        columns.push(Arc::new(self.provisional.finish()));
        columns.push(Arc::new(self.note.finish()));
        columns.push(Arc::new(self.error.finish()));
        columns.push(Arc::new(self.error_kind.finish()));
        Ok((columns, self.picks.finish()))
    }
}

/// Status codes as the dictionary of every status name in code order.
pub(super) fn status_dictionary(codes: UInt8Array) -> Result<DictionaryArray<UInt8Type>> {
    let names: ArrayRef = Arc::new(StringArray::from(STATUS_NAMES.to_vec()));
    DictionaryArray::<UInt8Type>::try_new(codes, names).map_err(arrow_error)
}

/// The output schema: the key fields, then the result columns as `columns` types them.
pub(super) fn schema(keys: Vec<Field>, names: &[&str], columns: &[ArrayRef]) -> SchemaRef {
    let mut fields = keys;
    for (name, column) in names.iter().zip(columns) {
        fields.push(Field::new(*name, column.data_type().clone(), true));
    }
    Arc::new(Schema::new(fields))
}

/// The batches as one: column by column, each column's pieces freed once copied, so that the
/// output is whole only once (plus one column).
pub(super) fn concat(schema: SchemaRef, batches: Vec<RecordBatch>) -> Result<RecordBatch> {
    let width = schema.fields().len();
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let mut pieces: Vec<Vec<Option<ArrayRef>>> = batches
        .into_iter()
        .map(|b| b.columns().iter().cloned().map(Some).collect())
        .collect();
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(width);
    for (j, field) in schema.fields().iter().enumerate() {
        let parts: Vec<ArrayRef> = pieces
            .iter_mut()
            .filter_map(|p| p.get_mut(j).and_then(Option::take))
            .collect();
        let column: ArrayRef = if let DataType::Dictionary(..) = field.data_type()
            && STATUS_COLUMNS.contains(&field.name().as_str())
        {
            // The codes as they are: a general dictionary concatenation may renumber them.
            let mut codes: Vec<u8> = Vec::with_capacity(rows);
            let mut valid = BooleanBufferBuilder::new(rows);
            for part in &parts {
                let Some(d) = part.as_any().downcast_ref::<DictionaryArray<UInt8Type>>() else {
                    return Err(Error::definition("a status column is not a dictionary"));
                };
                codes.extend_from_slice(d.keys().values());
                for i in 0..d.len() {
                    valid.append(d.is_valid(i));
                }
            }
            let nulls = NullBuffer::new(valid.finish());
            Arc::new(status_dictionary(UInt8Array::new(
                ScalarBuffer::from(codes),
                Some(nulls),
            ))?)
        } else {
            let refs: Vec<&dyn Array> = parts.iter().map(AsRef::as_ref).collect();
            arrow_select::concat::concat(&refs).map_err(arrow_error)?
        };
        drop(parts);
        columns.push(column);
    }
    RecordBatch::try_new(schema, columns).map_err(arrow_error)
}

const STATUS_COLUMNS: [&str; 2] = ["status", "computed_status"];
