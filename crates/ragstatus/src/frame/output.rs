//! The output columns, built straight from the evaluations: each thread appends its share of
//! the rows to its own Arrow builders (no row objects, no second copy of the sentences), and
//! the shares become consecutive batches.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, LargeStringBuilder, UInt32Builder, UInt64Builder};
use arrow_array::types::{Int32Type, UInt8Type};
use arrow_array::{
    Array, ArrayRef, Decimal128Array, DictionaryArray, Int32Array, RecordBatch, StringArray,
    UInt8Array, UInt32Array,
};
use arrow_buffer::{BooleanBufferBuilder, NullBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use rust_decimal::Decimal;

use super::{FastMap, PeriodMap, STATUS_NAMES, label};
use crate::bulk::{LIMIT, POWERS, times};
use crate::direction::Direction;
use crate::error::{Error, ErrorKind, Result};
use crate::period::Period;
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
///
/// Each value is one `i128` word, its scale packed above its mantissa (see [`pack`]), and a
/// null is a marked word: a row writes one word, and the scales and the validity are made in
/// one tight pass at the end rather than pushed to two more buffers row by row.
struct Decimals {
    /// A column left out of the output: nothing written, nothing checked.
    off: bool,
    packed: Vec<i128>,
    /// Nulls before the column's first value, not yet written: `target_high` and `stretch`
    /// are null on every row of most frames, and a column of nulls only is then allocated
    /// zeroed at the end (fresh pages never touched).
    pending: usize,
    /// Nulls written (after the first value).
    nulls: usize,
    /// Bit `s` set: a value at scale `s` was written.
    seen: u32,
    /// The largest mantissa at each scale: whether every value fits the column's scale,
    /// exactly, without a pass over the rows (a column mixing whole numbers and long
    /// quotients is the usual frame, not a rare one).
    biggest: [u128; BIGGEST],
}

/// A decimal's scales: 0 … 28.
const BIGGEST: usize = 29;

/// Where the scale sits in a packed word: above the mantissa's 96 bits and its sign, which
/// the low 104 bits hold in two's complement.
const SCALE_SHIFT: u32 = 112;
/// The mark of a null word.
const NULL_WORD: i128 = 1 << 120;

/// `v` as one word: its mantissa (sign-extended from bit 103 when read back) and its scale.
#[inline]
fn pack(m: i128, s: u32) -> i128 {
    (m & ((1 << 104) - 1)) | (i128::from(s & 0x1f) << SCALE_SHIFT)
}

/// The mantissa and scale of a word that is not [`NULL_WORD`].
#[inline]
fn unpack(word: i128) -> (i128, u32) {
    (
        (word << 24) >> 24,
        u32::try_from((word >> SCALE_SHIFT) & 0x1f).unwrap_or(0),
    )
}

impl Decimals {
    fn with_capacity(rows: usize) -> Decimals {
        Decimals {
            off: false,
            packed: Vec::with_capacity(rows),
            pending: 0,
            nulls: 0,
            seen: 0,
            biggest: [0; BIGGEST],
        }
    }

    /// The largest scale written (0 without a value).
    fn largest(&self) -> u32 {
        31u32.saturating_sub(self.seen.leading_zeros())
    }

    fn off() -> Decimals {
        Decimals {
            off: true,
            ..Decimals::with_capacity(0)
        }
    }

    #[inline(always)]
    fn push(&mut self, value: Option<Decimal>) {
        if self.off {
            return;
        }
        match value {
            Some(v) => {
                if self.pending > 0 {
                    self.packed
                        .resize(self.packed.len() + self.pending, NULL_WORD);
                    self.nulls += self.pending;
                    self.pending = 0;
                }
                // (A decimal's scale is at most 28; a larger one is checked as 28, more strictly.)
                let (m, s) = (v.mantissa(), v.scale().min(BIGGEST as u32 - 1));
                self.packed.push(pack(m, s));
                self.seen |= 1 << s;
                if let Some(b) = self.biggest.get_mut(s as usize) {
                    *b = (*b).max(m.unsigned_abs());
                }
            }
            None if self.packed.is_empty() => self.pending += 1,
            None => {
                self.packed.push(NULL_WORD);
                self.nulls += 1;
            }
        }
    }

    /// The value at `i` when it does not fit `decimal128(38, scale)`.
    fn misfit(&self, i: usize, scale: u32) -> Option<Decimal> {
        let word = *self.packed.get(i)?;
        if word == NULL_WORD {
            return None;
        }
        let (m, s) = unpack(word);
        match scaled(m, s, scale) {
            Some(_) => None,
            None => Decimal::try_from_i128_with_scale(m, s).ok(),
        }
    }

    /// Whether every value fits `decimal128(38, scale)`, from the largest mantissa at each
    /// scale (no row by row check unless a value does not fit).
    fn all_fit(&self, scale: u32) -> bool {
        (0u32..).zip(&self.biggest).all(|(s, b)| {
            *b == 0 || scaled(i128::try_from(*b).unwrap_or(i128::MAX), s, scale).is_some()
        })
    }

    fn finish(&mut self, scale: u32) -> Result<Option<Decimal128Array>> {
        if self.off {
            return Ok(None);
        }
        let arrow_scale = i8::try_from(scale).unwrap_or(28);
        if self.packed.is_empty() {
            let nulls = Decimal128Array::new_null(std::mem::take(&mut self.pending));
            return nulls
                .with_precision_and_scale(38, arrow_scale)
                .map(Some)
                .map_err(arrow_error);
        }
        let mut mantissas = std::mem::take(&mut self.packed);
        let nulls = (self.nulls > 0).then(|| {
            NullBuffer::new(arrow_buffer::BooleanBuffer::collect_bool(
                mantissas.len(),
                |i| mantissas.get(i).is_some_and(|w| *w != NULL_WORD),
            ))
        });
        // Every value at the column's scale (the usual column: one rule, one scale): each
        // word's mantissa as it is; otherwise each rescaled (misfits were made error rows, and
        // nulls, before this). A null is 0.
        if self.seen & !(1 << scale) == 0 {
            for w in &mut mantissas {
                *w = if *w == NULL_WORD { 0 } else { unpack(*w).0 };
            }
        } else {
            for w in &mut mantissas {
                *w = if *w == NULL_WORD {
                    0
                } else {
                    match unpack(*w) {
                        (m, s) if s == scale => m,
                        (m, s) => scaled(m, s, scale).unwrap_or(0),
                    }
                };
            }
        }
        Decimal128Array::try_new(ScalarBuffer::from(mantissas), nulls)
            .and_then(|a| a.with_precision_and_scale(38, arrow_scale))
            .map(Some)
            .map_err(arrow_error)
    }
}

/// `m × 10^-s` as a mantissa at `scale ≥ s`, when it fits 38 digits: the bulk paths' table of
/// powers and overflow test (a column of values at several scales is rescaled value by value).
#[inline]
fn scaled(m: i128, s: u32, scale: u32) -> Option<i128> {
    POWERS
        .get(scale.saturating_sub(s) as usize)
        .and_then(|f| times(m, *f))
        .filter(|m| m.unsigned_abs() < LIMIT.unsigned_abs())
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

/// The text columns that may be dictionary-encoded ([`TextColumns::Dictionary`](super::TextColumns)),
/// in the order of [`Part::texts`]: few distinct values in many rows.
pub(super) const CODED_NAMES: [&str; 10] = [
    "indicator",
    "name",
    "theme",
    "group",
    "period",
    "measured",
    "direction",
    "direction_previous",
    "direction_year_ago",
    "error_kind",
];

/// A text column as it is written: plain text, or dictionary codes.
pub(super) enum Text {
    Plain(LargeStringBuilder),
    Coded(Coded),
    /// A column left out of the output.
    Off,
}

/// A dictionary-encoded text column of one part: the values known before any row (the
/// definitions' ids, names and groups, the direction names) keep their codes in every part;
/// the values met while writing (period labels, error rows' own text) take the next codes, and
/// are renumbered by [`unify`] so that every part shares one dictionary.
pub(super) struct Coded {
    codes: Vec<i32>,
    /// Written from the column's first null on (every earlier code valid): most coded columns
    /// of a frame without error rows have none, and no bit is then written row by row.
    valid: Option<BooleanBufferBuilder>,
    rows: usize,
    /// The values known before any row: codes `0..fixed.values.len()`, in every part.
    fixed: Arc<Fixed>,
    /// The values met while writing, coded from `fixed.values.len()` on.
    own: Vec<Box<str>>,
    /// Keyed by the input's own text: the standard (keyed, collision-resistant) hasher.
    lookup: FastMap<Box<str>, i32>,
    periods: PeriodMap<i32>,
    /// More distinct values than `i32` codes: the column is an error, never wrong codes.
    full: bool,
}

/// A coded column's values known before any row (each once), with their codes: made once a
/// frame and shared by every part, so that a part costs nothing by the number of definitions.
pub(crate) struct Fixed {
    values: Vec<Box<str>>,
    lookup: FastMap<Box<str>, i32>,
}

impl Fixed {
    pub(crate) fn new(values: Vec<Box<str>>) -> Fixed {
        let lookup = values
            .iter()
            .enumerate()
            .filter_map(|(k, v)| Some((v.clone(), i32::try_from(k).ok()?)))
            .collect();
        Fixed { values, lookup }
    }
}

impl Coded {
    fn new(rows: usize, fixed: &Arc<Fixed>) -> Coded {
        Coded {
            codes: Vec::with_capacity(rows),
            valid: None,
            rows,
            fixed: Arc::clone(fixed),
            own: Vec::new(),
            lookup: FastMap::default(),
            periods: PeriodMap::new(),
            full: false,
        }
    }

    #[inline]
    fn push(&mut self, code: i32) {
        self.codes.push(code);
        if let Some(valid) = &mut self.valid {
            valid.append(true);
        }
    }

    fn push_null(&mut self) {
        let (written, rows) = (self.codes.len(), self.rows);
        self.valid
            .get_or_insert_with(|| {
                let mut valid = BooleanBufferBuilder::new(rows.max(written + 1));
                valid.append_n(written, true);
                valid
            })
            .append(false);
        self.codes.push(0);
    }

    fn code_of(&mut self, value: &str) -> i32 {
        if let Some(code) = self
            .fixed
            .lookup
            .get(value)
            .or_else(|| self.lookup.get(value))
        {
            return *code;
        }
        let Ok(code) = i32::try_from(self.fixed.values.len() + self.own.len()) else {
            self.full = true;
            return 0;
        };
        self.own.push(value.into());
        self.lookup.insert(value.into(), code);
        code
    }
}

impl Text {
    fn new(rows: usize, bytes: usize, fixed: Option<&Arc<Fixed>>, on: bool) -> Text {
        if !on {
            return Text::Off;
        }
        match fixed {
            Some(fixed) => Text::Coded(Coded::new(rows, fixed)),
            // Large (64-bit offset) strings: a 10-million-row frame of sentences passes 2 GiB.
            // Room for the longest usual text: a buffer that grows is copied whole, while room
            // never written costs no memory (the pages are not touched).
            None => Text::Plain(LargeStringBuilder::with_capacity(
                rows,
                rows.saturating_mul(bytes),
            )),
        }
    }

    pub(super) fn append_value(&mut self, value: &str) {
        match self {
            Text::Plain(b) => b.append_value(value),
            Text::Coded(c) => {
                let code = c.code_of(value);
                c.push(code);
            }
            Text::Off => {}
        }
    }

    pub(super) fn append_null(&mut self) {
        match self {
            Text::Plain(b) => b.append_null(),
            Text::Coded(c) => c.push_null(),
            Text::Off => {}
        }
    }

    pub(super) fn append_option(&mut self, value: Option<&str>) {
        match value {
            Some(v) => self.append_value(v),
            None => self.append_null(),
        }
    }

    /// A value whose code is known when coded (one of the fixed values).
    #[inline]
    pub(super) fn append_known(&mut self, code: Option<i32>, value: Option<&str>) {
        match (self, code) {
            (Text::Coded(c), Some(code)) => c.push(code),
            (text, _) => text.append_option(value),
        }
    }

    /// A period's canonical label.
    #[inline]
    pub(super) fn append_period(&mut self, p: Period, labels: &mut FastMap<Period, Box<str>>) {
        match self {
            Text::Plain(b) => b.append_value(label(labels, p)),
            Text::Coded(c) => {
                let code = match c.periods.get(p) {
                    Some(code) => code,
                    None => {
                        let code = c.code_of(label(labels, p));
                        c.periods.insert(p, code);
                        code
                    }
                };
                c.push(code);
            }
            Text::Off => {}
        }
    }

    fn finish(&mut self, name: &str, dictionary: Option<&ArrayRef>) -> Result<Option<ArrayRef>> {
        let c = match self {
            Text::Plain(b) => return Ok(Some(Arc::new(b.finish()))),
            Text::Coded(c) => c,
            Text::Off => return Ok(None),
        };
        if c.full {
            return Err(Error::invalid_value(
                format!("more than {} distinct values", i32::MAX),
                "at most 2147483647 distinct values in a dictionary-encoded text column",
            )
            .with_column(name));
        }
        let values: ArrayRef = match dictionary {
            Some(d) => Arc::clone(d),
            None => Arc::new(StringArray::from_iter_values(
                c.fixed.values.iter().chain(&c.own),
            )),
        };
        let keys = Int32Array::new(
            ScalarBuffer::from(std::mem::take(&mut c.codes)),
            c.valid.as_mut().map(|v| NullBuffer::new(v.finish())),
        );
        Ok(Some(Arc::new(
            DictionaryArray::<Int32Type>::try_new(keys, values).map_err(arrow_error)?,
        )))
    }
}

/// One dictionary per coded column shared by every part: the fixed values, then each part's
/// own values in output order, each once; each part's codes renumbered to match. The result
/// is the dictionary one part writing every row would have made, whatever the threads.
pub(super) fn unify(parts: &mut [Part]) -> Vec<Option<ArrayRef>> {
    let mut out = Vec::with_capacity(CODED_NAMES.len());
    for k in 0..CODED_NAMES.len() {
        let mut values: Vec<Box<str>> = Vec::new();
        let mut lookup: FastMap<Box<str>, i32> = FastMap::default();
        let mut coded = false;
        for part in parts.iter_mut() {
            let Some(Text::Coded(c)) = part.texts().into_iter().nth(k) else {
                continue;
            };
            if !coded {
                coded = true;
                values.extend(c.fixed.values.iter().cloned());
                lookup.extend(
                    values
                        .iter()
                        .enumerate()
                        .filter_map(|(j, v)| Some((v.clone(), i32::try_from(j).ok()?))),
                );
            }
            let own = &c.own;
            if own.is_empty() {
                continue;
            }
            let mut renumber: Vec<i32> = Vec::with_capacity(own.len());
            for v in own {
                let code = match lookup.get(v) {
                    Some(code) => *code,
                    None => {
                        let Ok(code) = i32::try_from(values.len()) else {
                            c.full = true;
                            break;
                        };
                        values.push(v.clone());
                        lookup.insert(v.clone(), code);
                        code
                    }
                };
                renumber.push(code);
            }
            let fixed = i32::try_from(c.fixed.values.len()).unwrap_or(i32::MAX);
            for code in &mut c.codes {
                if *code >= fixed
                    && let Some(new) = usize::try_from(*code - fixed)
                        .ok()
                        .and_then(|j| renumber.get(j))
                {
                    *code = *new;
                }
            }
        }
        out.push(coded.then(|| Arc::new(StringArray::from_iter_values(values.iter())) as ArrayRef));
    }
    out
}

/// A plain text column that is often null on every row (`explanation` without sentences,
/// `note` without a note column, `error` without bad rows): no builder, and so no offsets
/// written row by row, until its first value; a column of nulls only is then allocated zeroed
/// at the end (fresh pages never touched), the same array as nulls appended one by one.
pub(super) struct Sparse {
    builder: Option<LargeStringBuilder>,
    nulls: usize,
    rows: usize,
    bytes: usize,
    /// A column left out of the output.
    off: bool,
}

impl Sparse {
    fn new(rows: usize, bytes: usize, on: bool) -> Sparse {
        Sparse {
            builder: None,
            nulls: 0,
            rows,
            bytes,
            off: !on,
        }
    }

    #[inline]
    pub(super) fn append_null(&mut self) {
        match &mut self.builder {
            Some(b) => b.append_null(),
            None => self.nulls += 1,
        }
    }

    pub(super) fn append_value(&mut self, value: &str) {
        if self.off {
            return;
        }
        let (rows, bytes, nulls) = (self.rows, self.bytes, self.nulls);
        let b = self.builder.get_or_insert_with(|| {
            let mut b =
                LargeStringBuilder::with_capacity(rows.max(nulls + 1), rows.saturating_mul(bytes));
            b.append_nulls(nulls);
            b
        });
        b.append_value(value);
    }

    pub(super) fn append_option(&mut self, value: Option<&str>) {
        match value {
            Some(v) => self.append_value(v),
            None => self.append_null(),
        }
    }

    fn finish(&mut self) -> Option<ArrayRef> {
        match &mut self.builder {
            _ if self.off => None,
            Some(b) => Some(Arc::new(b.finish())),
            None => Some(arrow_array::new_null_array(
                &DataType::LargeUtf8,
                self.nulls,
            )),
        }
    }
}

/// A flag column that is often null on every row (`provisional` without a provisional
/// column): no bits written row by row until its first value, as [`Sparse`].
pub(super) struct Flags {
    builder: Option<BooleanBuilder>,
    nulls: usize,
    rows: usize,
    /// A column left out of the output.
    off: bool,
}

impl Flags {
    fn new(rows: usize, on: bool) -> Flags {
        Flags {
            builder: None,
            nulls: 0,
            rows,
            off: !on,
        }
    }

    #[inline]
    pub(super) fn append_option(&mut self, value: Option<bool>) {
        match (&mut self.builder, value) {
            _ if self.off => {}
            (Some(b), v) => b.append_option(v),
            (None, None) => self.nulls += 1,
            (None, Some(v)) => {
                let mut b = BooleanBuilder::with_capacity(self.rows.max(self.nulls + 1));
                b.append_nulls(self.nulls);
                b.append_value(v);
                self.builder = Some(b);
            }
        }
    }

    fn finish(&mut self) -> Option<ArrayRef> {
        match &mut self.builder {
            _ if self.off => None,
            Some(b) => Some(Arc::new(b.finish())),
            None => Some(arrow_array::new_null_array(&DataType::Boolean, self.nulls)),
        }
    }
}

/// Which columns a part writes: each of [`RESULT_COLUMNS`](super::RESULT_COLUMNS) by its
/// place there, and whether any key column is in the output (its cells are then picked).
#[derive(Clone, Copy, Debug)]
pub(super) struct Wanted {
    pub(super) results: [bool; 23],
    pub(super) keys: bool,
}

/// Places in [`RESULT_COLUMNS`](super::RESULT_COLUMNS).
const ROW: usize = 0;
const FIRST_TEXT: usize = 1;
const FIRST_DECIMAL: usize = 7;
const STATUS: usize = 13;
const COMPUTED: usize = 14;
const FIRST_DIRECTION: usize = 15;
pub(super) const EXPLANATION: usize = 18;
const PROVISIONAL: usize = 19;
const NOTE: usize = 20;
const ERROR: usize = 21;
const ERROR_KIND: usize = 22;

/// One share of the output rows, in output order.
pub(super) struct Part {
    /// The number of rows appended.
    len: usize,
    rows: Option<UInt64Builder>,
    /// The input row whose key cells the output row shows.
    picks: Option<UInt32Builder>,
    pub(super) indicator: Text,
    pub(super) name: Text,
    pub(super) theme: Text,
    pub(super) group: Text,
    pub(super) period: Text,
    pub(super) measured: Text,
    numbers: [Decimals; 6],
    status: Option<Vec<u8>>,
    computed: Option<Vec<u8>>,
    status_valid: Option<BooleanBufferBuilder>,
    directions: [Text; 3],
    pub(super) explanation: Sparse,
    pub(super) provisional: Flags,
    pub(super) note: Sparse,
    pub(super) error: Sparse,
    error_kind: Text,
}

impl Part {
    /// `coded`: the fixed values of each of [`CODED_NAMES`] when those columns are
    /// dictionary-encoded; none for plain text. Only the `wanted` columns are written.
    pub(super) fn with_capacity(
        rows: usize,
        explain: bool,
        coded: Option<&[Arc<Fixed>; 10]>,
        wanted: &Wanted,
    ) -> Part {
        let fixed = |k: usize| coded.and_then(|c| c.get(k));
        let on = |j: usize| wanted.results.get(j).copied().unwrap_or(false);
        let text = |k: usize, bytes: usize| {
            let j = if k < 6 {
                FIRST_TEXT + k
            } else if k < 9 {
                FIRST_DIRECTION + k - 6
            } else {
                ERROR_KIND
            };
            Text::new(rows, bytes, fixed(k), on(j))
        };
        let statuses = on(STATUS) || on(COMPUTED);
        Part {
            len: 0,
            rows: on(ROW).then(|| UInt64Builder::with_capacity(rows)),
            picks: wanted.keys.then(|| UInt32Builder::with_capacity(rows)),
            indicator: text(0, 16),
            name: text(1, 32),
            theme: text(2, 16),
            group: text(3, 32),
            period: text(4, 12),
            measured: text(5, 12),
            numbers: std::array::from_fn(|k| {
                if on(FIRST_DECIMAL + k) {
                    Decimals::with_capacity(rows)
                } else {
                    Decimals::off()
                }
            }),
            status: on(STATUS).then(|| Vec::with_capacity(rows)),
            computed: on(COMPUTED).then(|| Vec::with_capacity(rows)),
            status_valid: statuses.then(|| BooleanBufferBuilder::new(rows)),
            directions: std::array::from_fn(|j| text(6 + j, 16)),
            explanation: Sparse::new(rows, if explain { 200 } else { 0 }, on(EXPLANATION)),
            provisional: Flags::new(rows, on(PROVISIONAL)),
            note: Sparse::new(rows, 0, on(NOTE)),
            error: Sparse::new(rows, 0, on(ERROR)),
            error_kind: text(9, 0),
        }
    }

    /// The text columns of [`CODED_NAMES`], in that order.
    fn texts(&mut self) -> [&mut Text; 10] {
        let [d0, d1, d2] = &mut self.directions;
        [
            &mut self.indicator,
            &mut self.name,
            &mut self.theme,
            &mut self.group,
            &mut self.period,
            &mut self.measured,
            d0,
            d1,
            d2,
            &mut self.error_kind,
        ]
    }

    /// The number of rows appended.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Starts an output row: its input row (none: an added row) and the input row whose key
    /// cells it shows.
    #[inline]
    pub(super) fn source(&mut self, row: Option<u64>, pick: impl FnOnce() -> Option<u32>) {
        self.len += 1;
        if let Some(rows) = &mut self.rows {
            rows.append_option(row);
        }
        if let Some(picks) = &mut self.picks {
            picks.append_option(pick());
        }
    }

    #[inline]
    fn statuses(&mut self, status: u8, computed: u8, valid: bool) {
        if let Some(codes) = &mut self.status {
            codes.push(status);
        }
        if let Some(codes) = &mut self.computed {
            codes.push(computed);
        }
        if let Some(v) = &mut self.status_valid {
            v.append(valid);
        }
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
        self.statuses(status.code(), computed.code(), true);
        for (builder, d) in self.directions.iter_mut().zip(directions) {
            // The coded directions' fixed values are `Direction::ALL`, in order.
            builder.append_known(Some(direction_code(d)), Some(d.as_str()));
        }
        self.error.append_null();
        self.error_kind.append_null();
    }

    /// The figures of an error row: no numbers, statuses or directions; the error.
    pub(super) fn failed(&mut self, error: &Error) {
        for column in &mut self.numbers {
            column.push(None);
        }
        self.statuses(0, 0, false);
        for builder in &mut self.directions {
            builder.append_null();
        }
        self.name.append_null();
        self.theme.append_null();
        self.group.append_null();
        self.measured.append_null();
        self.explanation.append_null();
        if !self.error.off {
            self.error.append_value(&error.to_string());
        }
        self.error_kind.append_value(error.kind().name());
    }

    /// The largest scale of each decimal column.
    pub(super) fn scales(&self) -> [u32; 6] {
        std::array::from_fn(|k| self.numbers.get(k).map_or(0, Decimals::largest))
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

    /// The part's result columns, each at its place in
    /// [`RESULT_COLUMNS`](super::RESULT_COLUMNS) (none: left out), with the decimal columns at
    /// `scales` and the coded text columns over `dictionaries` (from [`unify`]); and the key
    /// cells' picks when a key column is wanted.
    pub(super) fn finish(
        mut self,
        scales: &[u32; 6],
        dictionaries: &[Option<ArrayRef>],
    ) -> Result<(Vec<Option<ArrayRef>>, Option<UInt32Array>)> {
        let mut texts: Vec<Option<ArrayRef>> = Vec::with_capacity(CODED_NAMES.len());
        for (k, (text, name)) in self.texts().into_iter().zip(CODED_NAMES).enumerate() {
            texts.push(text.finish(name, dictionaries.get(k).and_then(Option::as_ref))?);
        }
        let mut texts = texts.into_iter();
        let mut text = || {
            texts
                .next()
                .ok_or_else(|| Error::definition("a text column is missing (an internal error)"))
        };
        let mut columns: Vec<Option<ArrayRef>> = Vec::with_capacity(23);
        columns.push(self.rows.as_mut().map(|b| Arc::new(b.finish()) as ArrayRef));
        for _ in 0..6 {
            columns.push(text()?);
        }
        for (column, scale) in self.numbers.iter_mut().zip(scales) {
            columns.push(column.finish(*scale)?.map(|a| Arc::new(a) as ArrayRef));
        }
        let valid = self
            .status_valid
            .as_mut()
            .map(|v| NullBuffer::new(v.finish()));
        for codes in [self.status, self.computed] {
            columns.push(match codes {
                Some(codes) => Some(Arc::new(status_dictionary(UInt8Array::new(
                    ScalarBuffer::from(codes),
                    valid.clone(),
                ))?)),
                None => None,
            });
        }
        for _ in 0..3 {
            columns.push(text()?);
        }
        columns.push(self.explanation.finish());
        columns.push(self.provisional.finish());
        columns.push(self.note.finish());
        columns.push(self.error.finish());
        columns.push(text()?);
        Ok((columns, self.picks.as_mut().map(UInt32Builder::finish)))
    }
}

/// A direction's code in the coded direction columns, whose fixed values are
/// `Direction::ALL` in order.
#[inline]
fn direction_code(d: Direction) -> i32 {
    match d {
        Direction::Improving => 0,
        Direction::Worsening => 1,
        Direction::NoChange => 2,
        Direction::NotComparable => 3,
    }
}

/// Status codes as the dictionary of every status name in code order.
pub(super) fn status_dictionary(codes: UInt8Array) -> Result<DictionaryArray<UInt8Type>> {
    let names: ArrayRef = Arc::new(StringArray::from(STATUS_NAMES.to_vec()));
    DictionaryArray::<UInt8Type>::try_new(codes, names).map_err(arrow_error)
}

/// The output schema: each column named, typed as it is (a key column as its input).
pub(super) fn schema(names: &[&str], columns: &[ArrayRef]) -> SchemaRef {
    let fields: Vec<Field> = names
        .iter()
        .zip(columns)
        .map(|(name, column)| Field::new(*name, column.data_type().clone(), true))
        .collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_codes_are_their_places_in_the_fixed_values() {
        for (k, d) in (0..).zip(Direction::ALL) {
            assert_eq!(direction_code(d), k);
        }
    }

    #[test]
    fn packed_words_give_back_every_mantissa_and_scale() {
        let edges = [
            0i128,
            1,
            -1,
            99,
            -99,
            (1 << 96) - 1,
            -((1 << 96) - 1),
            i128::from(i64::MAX),
            i128::from(i64::MIN),
        ];
        for m in edges {
            for s in 0..BIGGEST as u32 {
                assert_eq!(unpack(pack(m, s)), (m, s), "{m} at {s}");
                assert_ne!(pack(m, s), NULL_WORD);
            }
        }
        // Through the column: values at two scales and nulls, rescaled to the larger.
        let mut column = Decimals::with_capacity(4);
        column.push(None);
        column.push(Some(Decimal::MAX));
        column.push(Some(Decimal::from_i128_with_scale(-12345, 2)));
        column.push(None);
        column.push(Some(Decimal::MIN));
        assert_eq!(column.largest(), 2);
        let array = column.finish(2).unwrap().unwrap();
        assert_eq!(array.null_count(), 2);
        assert!(array.is_null(0) && array.is_null(3));
        assert_eq!(array.value(1), Decimal::MAX.mantissa() * 100);
        assert_eq!(array.value(2), -12345);
        assert_eq!(array.value(4), Decimal::MIN.mantissa() * 100);
        let mut column = Decimals::with_capacity(2);
        column.push(Some(Decimal::from_i128_with_scale(-12345, 2)));
        column.push(Some(Decimal::from(7)));
        assert_eq!(
            column.finish(3).unwrap().unwrap().values().to_vec(),
            vec![-123450, 7000]
        );
    }

    #[test]
    fn whole_numbers_beside_long_quotients_all_fit_without_a_pass_over_the_rows() {
        // 99 at scale 0 and a 28-digit quotient at scale 26: both fit decimal128(38, 26), though
        // the largest mantissa at the smallest scale would not.
        let mut column = Decimals::with_capacity(4);
        column.push(Some(Decimal::from(99)));
        column.push(None);
        column.push(Some(Decimal::from_i128_with_scale(
            9_155_555_555_555_555_555_555_556,
            26,
        )));
        assert!(column.all_fit(26));
        assert_eq!(column.misfit(0, 26), None);
        assert_eq!(column.misfit(2, 26), None);
        // A whole number of 13 digits does not fit at scale 26: found by its own scale's entry.
        column.push(Some(Decimal::from(1_000_000_000_000i64)));
        assert!(!column.all_fit(26));
        assert_eq!(
            column.misfit(3, 26),
            Some(Decimal::from(1_000_000_000_000i64))
        );
    }
}
