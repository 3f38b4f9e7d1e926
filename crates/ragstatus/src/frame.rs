//! Whole frames of actuals, keyed, evaluated in one columnar pass: Arrow in, Arrow out.
//!
//! A national frame holds every organisation's indicators for every period at once: one row per
//! (key…, indicator, period). [`evaluate_batch`] evaluates every row against its indicator's
//! definition with the history of its own (key…, indicator) group, and returns one Arrow
//! [`RecordBatch`] of results. It is the one implementation of frame evaluation: the Python
//! `evaluate_frame` calls it (through [`evaluate_parts`], the same rows as consecutive batches).
//!
//! The rows are read once (each thread a share of them, its keys and groups numbered as it
//! goes, then frame-wide), then the output rows are split evenly across threads; each thread
//! evaluates its rows with [`Indicator::evaluate_into`] against its group's series (all
//! series held sorted in one allocation) and appends the results straight to its own Arrow
//! builders, every sentence written through one reused buffer. Without sentences, an
//! indicator that reads only each period's own value and the two it is compared with is
//! evaluated by the same rules without building the rating and travels around its figures
//! (a property test holds the two roads to the same output). The output is identical
//! whatever the number of threads.
//!
//! A keyed frame whose keys each come in one run of rows (a national frame sorted by
//! organisation) is evaluated in pieces of whole keys, at least 8,192 rows each, the threads
//! each taking the next piece: a piece's rows read and series are given back before its
//! thread reads the next, so a call holds its output and a piece's working memory a thread,
//! not the whole frame's. The output is the whole frame's, row for row (errors name rows by
//! their place in the frame; the added rows still come after every input row), in batches of
//! a piece or a thread's share.
//!
//! # Input columns
//!
//! Names are set in [`FrameOptions`]; the defaults are below.
//!
//! | column | types | meaning |
//! | --- | --- | --- |
//! | key columns ([`FrameOptions::by`]) | text, integers, floats, dictionaries | organisation, area, provider; history and duplicates are per key |
//! | `indicator` | text, integers, floats | the indicator id, looked up once per distinct id (O(1)) |
//! | `period` | text labels, or `Date32` / `Date64` / `Timestamp` | a label is read with the definitions' calendar and must be of the indicator's frequency; a date means the period of that frequency containing it |
//! | `value` | floats, integers, `Decimal128` / `Decimal256`, text | the value |
//! | `numerator`, `denominator` | the same | a value given as a fraction |
//! | `provisional` (optional) | booleans or text (`true`/`false`, `yes`/`no`, `y`/`n`, `1`/`0`) | carried to the output |
//! | `note` (optional) | anything castable to text | carried to the output |
//!
//! A float key, id or label is the text of the number it holds: a whole number as an integer
//! (`101.0` is the key `"101"`, as in the integer column pandas turns into floats when a cell
//! is missing), any other as its shortest text, NaN as a missing cell.
//!
//! Numbers are exact: a float is the decimal of its own shortest round-trip text at its own
//! width (a `Float32` 94.95 is 94.95), integers and decimals are taken as they are, text is
//! read as the actuals CSV reads it ([`input::parse_number`](crate::input::parse_number)). A
//! null, a float NaN or a blank text cell is "no value recorded"; text such as `nan`, `NA` or
//! `n/a` is an error row, as in a CSV file ([`input::is_missing`](crate::input::is_missing)
//! says why). `provisional` text is read by [`input::parse_flag`](crate::input::parse_flag).
//! Either `value`
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
//! [`Status::code`](crate::Status::code) order), `direction`, `direction_previous`, `direction_year_ago` (text),
//! `explanation`, `provisional`, `note`, `error`, `error_kind`. A number that does not fit
//! `Decimal128(38, s)` at its column's scale makes its row an error row; it is never rounded
//! or nulled silently.
//!
//! [`FrameOptions::columns`] names the columns wanted, in the order wanted (the status and
//! direction alone, say): the others are not written at all, for less time and memory. Every
//! row is still there, each column as the full output has it.
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

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::SchemaRef;

use crate::definitions::Definitions;
use crate::error::{Error, ErrorKind, Result};
use crate::indicator::{
    Frequency, Indicator, IndicatorFigures, Lean, Resolutions, ResolvedCell, SortedSeries,
};
use crate::input::read_period;
use crate::period::Period;
use crate::target::Target;
use crate::value::Observation;

mod input;
mod output;

use input::{Input, OutputColumn, read_input};
pub(crate) use input::{Numbers, text_column};
use output::{Part, Wanted, arrow_error};

/// The status names in code order: the values of the `status` and `computed_status`
/// dictionaries, whose `UInt8` keys are [`Status::code`](crate::Status::code).
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
    /// Whether to write each row's `explanation` sentence (default true). Without it the
    /// column is null for every row and the evaluation is about a fifth cheaper, with a third
    /// less output: for bulk runs whose consumers read the figures and statuses only. Every
    /// decision, number and error is the same either way.
    pub explain: bool,
    /// How the low-cardinality text columns are written (default [`TextColumns::Plain`]).
    pub text: TextColumns,
    /// The output columns, in order, named from the key columns and [`RESULT_COLUMNS`]; none
    /// (the default): every key column, then every result column. A column left out is not
    /// written at all, which saves its time and memory (`explanation` left out is
    /// [`explain`](Self::explain) off). Every row is still there, and every decision the
    /// same, except that a number too large for a decimal column left out cannot make its
    /// row an error row. A name that is neither, or given twice, is a shape error.
    pub columns: Option<Vec<String>>,
}

/// How [`evaluate_batch`] writes the text columns with few distinct values: `indicator`,
/// `name`, `theme`, `group`, `period`, `measured`, `direction`, `direction_previous`,
/// `direction_year_ago` and `error_kind`. (`explanation`, `note` and `error` are always plain
/// text.)
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{RecordBatch, StringArray, Float64Array};
/// use arrow_schema::DataType;
/// use ragstatus::frame::{evaluate_batch, FrameOptions, TextColumns};
/// use ragstatus::Definitions;
///
/// let defs = Definitions::from_toml_str(r#"
///     [[indicator]]
///     id = "SW-01"
///     polarity = "higher"
///     [[indicator.target]]
///     value = "45"
/// "#)?;
/// let batch = RecordBatch::try_from_iter([
///     ("indicator", Arc::new(StringArray::from(vec!["SW-01", "SW-01"])) as _),
///     ("period", Arc::new(StringArray::from(vec!["2015/16 Q2", "2015/16 Q3"])) as _),
///     ("value", Arc::new(Float64Array::from(vec![42.0, 46.0])) as _),
/// ]).map_err(|e| e.to_string())?;
/// let options = FrameOptions { text: TextColumns::Dictionary, ..FrameOptions::default() };
/// let coded = evaluate_batch(&defs, &batch, &options)?;
/// let plain = evaluate_batch(&defs, &batch, &FrameOptions::default())?;
/// let period = coded.column_by_name("period").ok_or("no period")?;
/// assert!(matches!(period.data_type(), DataType::Dictionary(..)));
/// let decoded = arrow_cast::cast(period, &DataType::LargeUtf8).map_err(|e| e.to_string())?;
/// assert_eq!(&decoded, plain.column_by_name("period").ok_or("no period")?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextColumns {
    /// `LargeUtf8`: each row's text in full.
    #[default]
    Plain,
    /// `Dictionary(Int32, Utf8)`: each row a 4-byte code into one dictionary of the column's
    /// distinct values (pandas and polars categoricals). The same text on every row; less
    /// than half the output's memory without the sentences, and less time writing it. The
    /// dictionary holds every defined indicator's id, name, theme and group (whether or not a
    /// row has it) and every direction name, then the other values in order of first
    /// appearance; every batch of [`evaluate_parts`] has the same one.
    Dictionary,
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
            explain: true,
            text: TextColumns::Plain,
            columns: None,
        }
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

/// A row as the output needs it once the series are built (their observations are there): its
/// group and period (none: an error row, its error in [`Plan::errors`]) and provisional flag.
#[derive(Clone, Copy)]
struct Slim {
    group: u32,
    period: Option<Period>,
    provisional: Option<bool>,
}

/// What a row's own cells say, read apart from its key: its indicator, period and
/// observation.
struct Read {
    /// The definition's place (`u32`: rows are read and held by the million).
    index: u32,
    period: Period,
    observation: Option<Observation>,
}

/// One (key…, indicator) group.
struct Group {
    indicator: usize,
    key: u32,
    /// A row of the key, for the key columns of added rows.
    example: Option<usize>,
}

/// The maps of the frame path (periods, the frame's own integer codes, key and indicator texts):
/// foldhash, a few cycles per key instead of SipHash's, and seeded at random per map, so that
/// input text cannot be chosen to collide.
pub(crate) type FastMap<K, V> = foldhash::HashMap<K, V>;

/// A period's label, written once per part (a frame has few distinct periods).
fn label(labels: &mut FastMap<Period, Box<str>>, p: Period) -> &str {
    labels
        .entry(p)
        .or_insert_with(|| p.label().into_boxed_str())
}

pub(crate) fn row_error(err: Error, row: usize, column: &str) -> Error {
    err.with_field(format!("row[{row}]")).with_column(column)
}

/// Everything the rows were read into: what each thread reads to write its share of the output.
struct Plan<'a> {
    defs: &'a Definitions,
    input: Input,
    rows: Vec<Slim>,
    errors: FastMap<usize, Error>,
    groups: Vec<Group>,
    key_examples: Vec<usize>,
    /// Each group's observations, sorted by period, one after another, in one piece per range
    /// of groups; group `g`'s are `series[c][a..b]` for `series_spans[g] = (c, a, b)`.
    series: Vec<Vec<(Period, Observation)>>,
    series_spans: Vec<(u32, usize, usize)>,
    /// How many first output rows are the input rows in order (every one without a `report`
    /// period): their key cells are the input's own, sliced, not copied.
    identity: usize,
    /// The other input rows with an output row, in input order, after those.
    slot_rows: Vec<usize>,
    /// The frame's row of the plan's first row (the plan may hold a piece of the frame).
    offset: usize,
    /// The added rows (group, period), in output order.
    added: Vec<(u32, Period)>,
    /// What every piece takes from the definitions.
    prepared: &'a Prepared<'a>,
    n: usize,
    /// Whether each rated row's sentence is written ([`FrameOptions::explain`], and
    /// `explanation` in the output).
    explain: bool,
    /// The result columns written, and whether key cells are picked.
    wanted: Wanted,
}

/// What every piece of a frame takes from the definitions, made once a frame (a national
/// frame's definitions can number tens of thousands).
struct Prepared<'a> {
    /// Each definition's place by id ([`id_lookup`]).
    lookup: FastMap<&'a str, usize>,
    /// Each definition's group path joined with " > ".
    joined: Vec<String>,
    /// The coded text columns' fixed values and each definition's codes, for
    /// [`TextColumns::Dictionary`].
    coding: Option<Coding>,
}

impl Prepared<'_> {
    fn new<'a>(defs: &'a Definitions, options: &FrameOptions) -> Prepared<'a> {
        let joined: Vec<String> = defs
            .indicators
            .iter()
            .map(|d| d.group.join(" > "))
            .collect();
        let coding = (options.text == TextColumns::Dictionary).then(|| Coding::new(defs, &joined));
        Prepared {
            lookup: id_lookup(defs),
            joined,
            coding,
        }
    }
}

/// The values of the coded text columns known before any row, and each definition's code in
/// its indicator, name, theme and group dictionaries.
struct Coding {
    fixed: [Arc<output::Fixed>; 10],
    indicator: Vec<Option<i32>>,
    name: Vec<Option<i32>>,
    theme: Vec<Option<i32>>,
    group: Vec<Option<i32>>,
}

impl Coding {
    fn new(defs: &Definitions, joined: &[String]) -> Coding {
        // Each distinct value once (two indicators may share a name or a theme).
        fn dictionary<'a>(
            values: impl Iterator<Item = Option<&'a str>>,
        ) -> (Vec<Box<str>>, Vec<Option<i32>>) {
            let mut distinct: Vec<Box<str>> = Vec::new();
            let mut seen: FastMap<&str, i32> = FastMap::default();
            let codes = values
                .map(|v| {
                    let v = v?;
                    if let Some(code) = seen.get(v) {
                        return Some(*code);
                    }
                    let code = i32::try_from(distinct.len()).ok()?;
                    seen.insert(v, code);
                    distinct.push(v.into());
                    Some(code)
                })
                .collect();
            (distinct, codes)
        }
        let ids = defs.indicators.iter().map(|d| Some(d.id.as_str()));
        let (ids, indicator) = dictionary(ids);
        let (names, name) = dictionary(defs.indicators.iter().map(|d| Some(d.name.as_str())));
        let themes = defs
            .indicators
            .iter()
            .map(|d| d.group.first().map(String::as_str));
        let (themes, theme) = dictionary(themes);
        let (groups, group) = dictionary(joined.iter().map(|g| Some(g.as_str())));
        let directions: Vec<Box<str>> = crate::direction::Direction::ALL
            .iter()
            .map(|d| d.as_str().into())
            .collect();
        Coding {
            fixed: [
                ids,
                names,
                themes,
                groups,
                Vec::new(),
                Vec::new(),
                directions.clone(),
                directions.clone(),
                directions,
                Vec::new(),
            ]
            .map(|values| Arc::new(output::Fixed::new(values))),
            indicator,
            name,
            theme,
            group,
        }
    }
}

/// The group [`Plan::fill`] is writing: its memo of values, without sentences its lean rule,
/// and its definition's codes in the coded text columns.
struct Current<'a> {
    group: u32,
    memo: Resolutions<'a>,
    lean: Option<Lean>,
    codes: [Option<i32>; 4],
}

/// What finishing a piece's columns needs once its plan is dropped.
#[derive(Clone)]
struct Layout {
    /// The key columns' places in the input.
    keys: Vec<usize>,
    /// The output columns.
    columns: Vec<OutputColumn>,
    /// [`Plan::identity`].
    identity: usize,
}

/// One output row: an input row or an added row.
#[derive(Clone, Copy)]
enum Slot {
    Input(usize),
    Added(u32, Period),
}

impl Plan<'_> {
    fn len(&self) -> usize {
        self.identity + self.slot_rows.len() + self.added.len()
    }

    /// The number of output rows that are input rows (the added rows come after them).
    fn inputs(&self) -> usize {
        self.identity + self.slot_rows.len()
    }

    /// What finishing the columns needs of the plan, its rows and series dropped.
    fn into_layout(self) -> Layout {
        Layout {
            keys: self.input.keys.iter().map(|(i, _)| *i).collect(),
            columns: self.input.columns,
            identity: self.identity,
        }
    }

    fn slot(&self, i: usize) -> Option<Slot> {
        let Some(j) = i.checked_sub(self.identity) else {
            return Some(Slot::Input(i));
        };
        match self.slot_rows.get(j) {
            Some(r) => Some(Slot::Input(*r)),
            None => self
                .added
                .get(j.checked_sub(self.slot_rows.len())?)
                .map(|(g, p)| Slot::Added(*g, *p)),
        }
    }

    fn series_of(&self, group: u32) -> &[(Period, Observation)] {
        match self.series_spans.get(group as usize) {
            Some((c, a, b)) => self
                .series
                .get(*c as usize)
                .and_then(|piece| piece.get(*a..*b))
                .unwrap_or_default(),
            None => &[],
        }
    }

    /// The input row whose key cells an output row shows.
    fn pick(&self, slot: Slot) -> Option<u32> {
        let row = match slot {
            Slot::Input(r) => Some(r),
            Slot::Added(g, _) => self.groups.get(g as usize).and_then(|group| {
                group
                    .example
                    .or_else(|| self.key_examples.get(group.key as usize).copied())
            }),
        };
        row.filter(|r| *r < self.n)
            .and_then(|r| u32::try_from(r).ok())
    }

    /// Writes the output rows `range` (positions in the output) into a new part. `overrides`
    /// are rows to report as errors instead (values too large for their column).
    fn fill(&self, range: Range<usize>, overrides: &HashMap<usize, Error>) -> Part {
        let mut part = Part::with_capacity(
            range.len(),
            self.explain,
            self.prepared.coding.as_ref().map(|c| &c.fixed),
            &Wanted {
                keys: self.wanted.keys && range.end > self.identity,
                ..self.wanted
            },
        );
        let mut sentence = String::with_capacity(256);
        let mut labels: FastMap<Period, Box<str>> = FastMap::default();
        let mut cells: Vec<ResolvedCell> = Vec::new();
        let mut current: Option<Current<'_>> = None;
        for i in range {
            let Some(slot) = self.slot(i) else {
                part.source(None, || None);
                self.failed(
                    &mut part,
                    &Error::definition(format!("output row {i} has no source (an internal error)")),
                    None,
                );
                continue;
            };
            let source = match slot {
                Slot::Input(r) => Some(r),
                Slot::Added(..) => None,
            };
            part.source(
                source.and_then(|r| u64::try_from(self.offset + r).ok()),
                || self.pick(slot),
            );
            // (Checked for emptiness first: the usual frame has no overrides, few errors.)
            if let Some(e) = (!overrides.is_empty()).then(|| overrides.get(&i)).flatten() {
                self.failed(&mut part, e, source);
                continue;
            }
            let (group, period) = match slot {
                Slot::Input(r) => match self.rows.get(r) {
                    Some(Slim {
                        group,
                        period: Some(period),
                        ..
                    }) => (*group, *period),
                    _ => {
                        match self.errors.get(&r) {
                            Some(e) => self.failed(&mut part, e, source),
                            None => {
                                let e = Error::definition(format!(
                                    "row {r} was not read (an internal error)"
                                ));
                                self.failed(&mut part, &e, source);
                            }
                        }
                        continue;
                    }
                },
                Slot::Added(g, p) => (g, p),
            };
            let Some((index, indicator)) = self
                .groups
                .get(group as usize)
                .and_then(|g| Some((g.indicator, self.defs.indicators.get(g.indicator)?)))
            else {
                let e =
                    Error::definition(format!("group {group} is not defined (an internal error)"));
                self.failed(&mut part, &e, source);
                continue;
            };
            if current.as_ref().is_none_or(|c| c.group != group) {
                // The memo borrows `cells`: the last group's is dropped before the next is made.
                current = None;
                match SortedSeries::new(self.series_of(group)) {
                    Ok(s) => {
                        let lean = if self.explain { None } else { indicator.lean() };
                        current = Some(Current {
                            group,
                            memo: Resolutions::new(indicator, s, &mut cells),
                            lean,
                            codes: self.codes(index),
                        });
                    }
                    Err(e) => {
                        self.failed(&mut part, &e, source);
                        continue;
                    }
                }
            }
            let Some(Current {
                memo, lean, codes, ..
            }) = current.as_ref()
            else {
                let e =
                    Error::definition(format!("group {group} has no series (an internal error)"));
                self.failed(&mut part, &e, source);
                continue;
            };
            if let Some(figures) = lean
                .as_ref()
                .and_then(|lean| indicator.lean_figures(period, memo, lean))
            {
                self.rated(
                    &mut part,
                    indicator,
                    (index, *codes),
                    &figures,
                    "",
                    source,
                    &mut labels,
                );
                continue;
            }
            sentence.clear();
            let evaluated = indicator.explained(
                period,
                memo.series(),
                Some(memo),
                self.explain.then_some(&mut sentence),
            );
            match evaluated {
                Ok(figures) => {
                    self.rated(
                        &mut part,
                        indicator,
                        (index, *codes),
                        &figures,
                        &sentence,
                        source,
                        &mut labels,
                    );
                }
                Err(e) => {
                    let e = match source {
                        Some(r) => e.with_field(format!("row[{}]", self.offset + r)),
                        None => e,
                    };
                    self.failed(&mut part, &e, source);
                }
            }
        }
        part
    }

    /// Definition `index`'s codes in the coded indicator, name, theme and group columns (none
    /// for plain text).
    fn codes(&self, index: usize) -> [Option<i32>; 4] {
        let code = |codes: fn(&Coding) -> &Vec<Option<i32>>| {
            self.prepared
                .coding
                .as_ref()
                .and_then(|c| codes(c).get(index).copied().flatten())
        };
        [
            code(|c| &c.indicator),
            code(|c| &c.name),
            code(|c| &c.theme),
            code(|c| &c.group),
        ]
    }

    /// `(index, codes)`: the definition's place and its [`codes`](Self::codes).
    #[allow(clippy::too_many_arguments)]
    fn rated(
        &self,
        part: &mut Part,
        indicator: &Indicator,
        (index, codes): (usize, [Option<i32>; 4]),
        figures: &IndicatorFigures,
        sentence: &str,
        source: Option<usize>,
        labels: &mut FastMap<Period, Box<str>>,
    ) {
        let (target, target_high) = match figures.target {
            Some(Target::Value(v)) => (Some(v), None),
            Some(Target::Range { low, high }) => (Some(low), Some(high)),
            None => (None, None),
        };
        part.rated(
            [
                figures.actual,
                target,
                target_high,
                figures.stretch,
                figures.shortfall,
                figures.tolerance_amount,
            ],
            figures.status,
            figures.computed,
            [figures.direction, figures.previous, figures.year_ago],
        );
        let [indicator_code, name_code, theme_code, group_code] = codes;
        part.indicator
            .append_known(indicator_code, Some(&indicator.id));
        part.name.append_known(name_code, Some(&indicator.name));
        part.theme
            .append_known(theme_code, indicator.group.first().map(String::as_str));
        part.group.append_known(
            group_code,
            self.prepared.joined.get(index).map(String::as_str),
        );
        part.period.append_period(figures.period, labels);
        match figures.measured {
            Some(m) => part.measured.append_period(m, labels),
            None => part.measured.append_null(),
        }
        if self.explain {
            part.explanation.append_value(sentence);
        } else {
            part.explanation.append_null();
        }
        self.carried(part, source);
    }

    fn failed(&self, part: &mut Part, e: &Error, source: Option<usize>) {
        part.failed(e);
        let location = e.location();
        match &location.indicator {
            Some(id) => part.indicator.append_value(id),
            None => part
                .indicator
                .append_option(source.and_then(|r| self.input.indicator.get(r))),
        }
        match &location.period {
            Some(label) => part.period.append_value(label),
            None => part
                .period
                .append_option(source.and_then(|r| self.input.periods.raw(r)).as_deref()),
        }
        self.carried(part, source);
    }

    /// The columns carried from the input row: provisional and note.
    fn carried(&self, part: &mut Part, source: Option<usize>) {
        part.provisional.append_option(
            source
                .and_then(|r| self.rows.get(r))
                .and_then(|row| row.provisional),
        );
        part.note
            .append_option(source.and_then(|r| self.input.note.as_ref().and_then(|a| a.get(r))));
    }
}

/// The error of row `row`, one of the `copies` of the same (key…, indicator, period): it names
/// the others, since there is no telling which copy is right.
fn duplicate_error(
    id: &str,
    period: Period,
    row: usize,
    copies: &[usize],
    options: &FrameOptions,
    offset: usize,
) -> Error {
    let others: Vec<String> = copies
        .iter()
        .filter(|&&s| s != row)
        .map(|s| format!("row[{}]", offset + s))
        .collect();
    row_error(
        Error::new(ErrorKind::Duplicate {
            what: format!("row (also {})", others.join(", ")),
            key: period.label(),
        })
        .with_indicator(id)
        .with_period(period.label()),
        offset + row,
        &options.period,
    )
}

/// Each definition's position by id: one O(1) lookup per distinct id of a frame.
fn id_lookup(defs: &Definitions) -> FastMap<&str, usize> {
    defs.indicators
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect()
}

/// A row read by [`read_actuals`]: its number and its observation.
type ReadCopy = (usize, Option<Observation>);

/// A frame's actuals as series, each indicator's observations by period: what
/// [`read_actuals`] gives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrameActuals {
    /// Each indicator's series, by id. A row with no value recorded is a period with `None`, so
    /// that every row is accounted for.
    pub series: BTreeMap<String, BTreeMap<Period, Option<Observation>>>,
    /// The rows that could not be read, in row order, each naming its `row[i]` and column: the
    /// same errors [`evaluate_batch`] reports for them (a duplicate's copies all, none of them
    /// entering the series).
    pub errors: Vec<Error>,
}

impl FrameActuals {
    /// The rows read into the series (each period, `None` included).
    pub fn rows_read(&self) -> usize {
        self.series.values().map(BTreeMap::len).sum()
    }
}

/// Reads a column of numbers (the chunks of one Arrow array) exactly, as every frame reads a
/// number column: floats at their own width (a float16 `12.8` is `12.8`), integers and decimals
/// as they are, text and dictionaries of text by [`input::parse_number`](crate::input::parse_number),
/// `-0` as `0`; nulls, a float NaN and blank text are `None`. The bulk rating of the Python
/// binding reads every column that is not plain `float64` through this, so `rate_array` and the
/// frame functions cannot disagree on a value.
///
/// # Errors
///
/// A column of another type (booleans, dates, lists) is an
/// [`InvalidValue`](ErrorKind::InvalidValue) error naming it; a cell that is not a number (text
/// that does not read, an infinity, a decimal beyond 28 digits) one naming `{name}[{row}]`.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, StringArray, Float16Array};
/// use ragstatus::frame::read_number_column;
/// use ragstatus::value::F16;
/// use rust_decimal_macros::dec;
///
/// let chunks: Vec<ArrayRef> = vec![
///     Arc::new(Float16Array::from(vec![Some(F16::from_f32(12.8)), None])),
///     Arc::new(StringArray::from(vec!["1,842", " "])),
/// ];
/// assert_eq!(read_number_column(&chunks, "actual")?, [Some(dec!(12.8)), None, Some(dec!(1842)), None]);
/// let bad: Vec<ArrayRef> = vec![Arc::new(StringArray::from(vec!["1", "n/a"]))];
/// let err = read_number_column(&bad, "actual").unwrap_err();
/// assert!(err.to_string().contains("actual[1]"), "{err}");
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn read_number_column(chunks: &[ArrayRef], name: &str) -> Result<Vec<Option<crate::Decimal>>> {
    let mut out = Vec::with_capacity(chunks.iter().map(|c| c.len()).sum());
    for chunk in chunks {
        let numbers = Numbers::read(Some(chunk)).map_err(|_| {
            Error::invalid_value(
                format!("an Arrow array of type {}", chunk.data_type()),
                "numbers: floats, integers, decimals or decimal text",
            )
            .with_field(name)
        })?;
        for i in 0..chunk.len() {
            let row = out.len();
            out.push(
                crate::bulk::number(&numbers, i)
                    .map_err(|e| e.with_field(format!("{name}[{row}]")))?,
            );
        }
    }
    Ok(out)
}

/// Reads a frame's actuals into series, exactly as [`evaluate_batch`] reads them (the same
/// columns, numbers, periods and row errors), without evaluating them: for a caller that wants
/// the history itself, such as `Definitions::evaluate`. Key columns are not read (one body's
/// frame: [`FrameOptions::by`] is ignored), and neither are `provisional`, `note` and
/// `report`. Every row is either in the series or in the errors: rows in = rows read + rows
/// reported.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{RecordBatch, StringArray, Float64Array};
/// use ragstatus::frame::{read_actuals, FrameOptions};
/// use ragstatus::{Definitions, ErrorKind, Observation};
/// use rust_decimal_macros::dec;
///
/// let defs = Definitions::from_toml_str(r#"
///     [[indicator]]
///     id = "SW-01"
///     polarity = "higher"
///     [[indicator.target]]
///     value = "45"
/// "#)?;
/// let batch = RecordBatch::try_from_iter([
///     ("indicator", Arc::new(StringArray::from(vec!["SW-01", "SW-01", "SW-99"])) as _),
///     ("period", Arc::new(StringArray::from(vec!["2015/16 Q2", "2015/16 Q3", "2015/16 Q3"])) as _),
///     ("value", Arc::new(Float64Array::from(vec![Some(42.5), None, Some(1.0)])) as _),
/// ]).map_err(|e| e.to_string())?;
/// let read = read_actuals(&defs, &batch, &FrameOptions::default())?;
/// let q2 = defs.calendar.parse("2015/16 Q2")?;
/// assert_eq!(read.series["SW-01"][&q2], Some(Observation::value(dec!(42.5))));
/// assert_eq!(read.rows_read(), 2);
/// assert!(matches!(read.errors[0].kind(), ErrorKind::UnknownIndicator { .. }));
/// assert!(read.errors[0].to_string().contains("row[2]"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`evaluate_batch`]: only a frame that cannot be read at all.
pub fn read_actuals(
    defs: &Definitions,
    batch: &RecordBatch,
    options: &FrameOptions,
) -> Result<FrameActuals> {
    let options = FrameOptions {
        by: Vec::new(),
        ..options.clone()
    };
    let input = read_input(batch, &options)?;
    let lookup = id_lookup(defs);
    let mut errors: Vec<(usize, Error)> = Vec::new();
    // Each (indicator, period) read, with its rows and their observations.
    let mut found: BTreeMap<(usize, Period), Vec<ReadCopy>> = BTreeMap::new();
    let reads = read_rows(defs, &input, &options, &lookup, 0..batch.num_rows(), 0);
    for (row, read) in reads.into_iter().enumerate() {
        match read {
            Ok(read) => found
                .entry((read.index as usize, read.period))
                .or_default()
                .push((row, read.observation)),
            Err(e) => errors.push((row, e)),
        }
    }
    let mut series: BTreeMap<_, BTreeMap<_, _>> = BTreeMap::new();
    for ((index, period), copies) in found {
        let id = defs
            .indicators
            .get(index)
            .map(|d| d.id.clone())
            .unwrap_or_default();
        match copies.as_slice() {
            [(_, observation)] => {
                series.entry(id).or_default().insert(period, *observation);
            }
            _ => {
                let rows: Vec<usize> = copies.iter().map(|(r, _)| *r).collect();
                for &r in &rows {
                    errors.push((r, duplicate_error(&id, period, r, &rows, &options, 0)));
                }
            }
        }
    }
    errors.sort_by_key(|(row, _)| *row);
    Ok(FrameActuals {
        series,
        errors: errors.into_iter().map(|(_, e)| e).collect(),
    })
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
    let (schema, mut parts) = evaluate_parts(defs, batch, options)?;
    if parts.len() == 1
        && let Some(one) = parts.pop()
    {
        return Ok(one);
    }
    output::concat(schema, parts)
}

/// [`evaluate_batch`]'s rows as consecutive batches of one schema (one per piece of whole keys,
/// or per thread's share of the input rows, then of the added rows), without joining them
/// into one: for a caller that takes a table of several batches (a pyarrow `Table`, a polars
/// frame), the output is then never copied.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{RecordBatch, StringArray, Float64Array};
/// use ragstatus::frame::{evaluate_batch, evaluate_parts, FrameOptions};
/// use ragstatus::Definitions;
///
/// let defs = Definitions::from_toml_str(r#"
///     [[indicator]]
///     id = "SW-01"
///     polarity = "higher"
///     [[indicator.target]]
///     value = "45"
/// "#)?;
/// let batch = RecordBatch::try_from_iter([
///     ("indicator", Arc::new(StringArray::from(vec!["SW-01", "SW-01"])) as _),
///     ("period", Arc::new(StringArray::from(vec!["2015/16 Q2", "2015/16 Q3"])) as _),
///     ("value", Arc::new(Float64Array::from(vec![42.0, 46.0])) as _),
/// ]).map_err(|e| e.to_string())?;
/// let options = FrameOptions { threads: 2, ..FrameOptions::default() };
/// let (schema, parts) = evaluate_parts(&defs, &batch, &options)?;
/// let joined = arrow_select::concat::concat_batches(&schema, &parts).map_err(|e| e.to_string())?;
/// assert_eq!(joined, evaluate_batch(&defs, &batch, &options)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`evaluate_batch`].
pub fn evaluate_parts(
    defs: &Definitions,
    batch: &RecordBatch,
    options: &FrameOptions,
) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    evaluate_in_pieces(defs, batch, options, PIECE_ROWS)
}

/// [`evaluate_parts`] with pieces of at least `piece_rows` rows (for tests: the output is the
/// same whatever the pieces).
#[doc(hidden)]
pub fn evaluate_in_pieces(
    defs: &Definitions,
    batch: &RecordBatch,
    options: &FrameOptions,
    piece_rows: usize,
) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    let configured = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        t => t,
    }
    .clamp(1, 64);
    // Threads cost more than they save on small frames, unless the caller asks for them.
    let threads_for = |rows: usize| {
        if options.threads == 0 && rows < 20_000 {
            1
        } else {
            configured
        }
    };
    // A keyed frame whose keys each come in one run of rows (a national frame sorted by
    // organisation) is evaluated piece by piece, a few whole keys at a time: each piece's rows
    // read and series are given back before the next is read, so the call holds the output
    // and one piece's working memory a thread, not the whole frame's.
    let pieces = pieces(batch, options, piece_rows)?;
    let mut parts: Vec<Part> = Vec::new();
    // Each part's output positions in its piece, its piece, and whether it holds added rows.
    let mut places: Vec<(Range<usize>, usize, bool)> = Vec::new();
    let mut layouts: Vec<Layout> = Vec::with_capacity(pieces.len());
    let none = HashMap::new();
    let prepared = Prepared::new(defs, options);
    let plan_piece = |piece: &Range<usize>, threads: usize| {
        let rows = batch.slice(piece.start, piece.len());
        plan(defs, &prepared, &rows, options, threads, piece.start)
    };
    // One piece: its parts (each with its output positions and whether it holds added rows)
    // and its layout.
    let evaluate_piece = |piece: &Range<usize>, threads: usize| -> Result<PieceOut> {
        let plan = plan_piece(piece, threads)?;
        let filled = fill_piece(&plan, threads.min(threads_for(plan.len())), &none)
            .into_iter()
            .map(|(range, part)| {
                let added = range.start >= plan.inputs() && !range.is_empty();
                (range, added, part)
            })
            .collect();
        Ok((filled, plan.into_layout()))
    };
    // Side by side only when every piece is small beside a thread's share of the frame: a
    // thread then never works alone for long at the end (a frame of three large regions is
    // better read one region at a time on every thread).
    let largest = pieces.iter().map(Range::len).max().unwrap_or(0);
    let side_by_side = pieces.len() > 1
        && configured > 1
        && largest.saturating_mul(4 * configured) <= batch.num_rows();
    let done: Vec<Result<PieceOut>> = if side_by_side {
        // Several pieces at once, each on one thread from reading to writing: a thread's
        // working memory is freed by the thread that allocated it, for its next piece, and
        // no piece pays for joining its threads' shares. The largest pieces are taken first.
        let mut items: Vec<(usize, &Range<usize>)> = pieces.iter().enumerate().collect();
        items.sort_by_key(|(_, piece)| std::cmp::Reverse(piece.len()));
        let work = |piece: &Range<usize>| evaluate_piece(piece, 1);
        let done = taking_next(items, pieces.len(), configured.min(pieces.len()), &work);
        // A piece whose thread died is evaluated again here.
        done.into_iter()
            .zip(&pieces)
            .map(|(out, piece)| out.unwrap_or_else(|| work(piece)))
            .collect()
    } else {
        pieces
            .iter()
            .map(|piece| evaluate_piece(piece, threads_for(piece.len())))
            .collect()
    };
    for (p, out) in done.into_iter().enumerate() {
        let (filled, layout) = out?;
        for (range, added, part) in filled {
            places.push((range, p, added));
            parts.push(part);
        }
        layouts.push(layout);
    }

    // Each decimal column at the largest scale in it; a value that does not fit there makes
    // its row an error row (the scales stay those of the first pass).
    let mut scales = [0u32; 6];
    for part in &parts {
        for (s, p) in scales.iter_mut().zip(part.scales()) {
            *s = (*s).max(p);
        }
    }
    let mut overrides: Vec<HashMap<usize, Error>> = vec![HashMap::new(); pieces.len()];
    let mut redo: Vec<bool> = Vec::with_capacity(parts.len());
    for (part, (range, p, _)) in parts.iter().zip(&places) {
        let misfits = part.misfits(&scales);
        redo.push(!misfits.is_empty());
        if let Some(o) = overrides.get_mut(*p) {
            o.extend(misfits.into_iter().map(|(i, e)| (range.start + i, e)));
        }
    }
    for (p, piece) in pieces.iter().enumerate() {
        let Some(o) = overrides.get(p).filter(|o| !o.is_empty()) else {
            continue;
        };
        // (Rare: a value too large for its column's scale. The piece is read again, and its
        // parts holding such a value written again.)
        let plan = plan_piece(piece, threads_for(piece.len()))?;
        for ((part, (range, q, _)), again) in parts.iter_mut().zip(&places).zip(&redo) {
            if *q == p && *again {
                *part = plan.fill(range.clone(), o);
            }
        }
    }

    // The output order: every piece's input rows, then every piece's added rows.
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|&j| places.get(j).map(|(r, p, added)| (*added, *p, r.start)));
    let mut slots: Vec<Option<Part>> = parts.into_iter().map(Some).collect();
    let mut parts: Vec<Part> = order
        .iter()
        .filter_map(|&j| slots.get_mut(j).and_then(Option::take))
        .collect();
    let places: Vec<(Range<usize>, usize, bool)> = order
        .iter()
        .filter_map(|&j| places.get(j).cloned())
        .collect();
    let Some(Layout {
        keys: key_columns,
        columns: output_columns,
        ..
    }) = layouts.first().cloned()
    else {
        return Err(Error::definition(
            "no piece of the frame (an internal error)",
        ));
    };
    let names: Vec<&str> = output_columns
        .iter()
        .map(|column| match column {
            OutputColumn::Key(k) => options.by.get(*k).map_or("", String::as_str),
            OutputColumn::Result(j) => RESULT_COLUMNS.get(*j).copied().unwrap_or_default(),
        })
        .collect();
    let dictionaries = output::unify(&mut parts);
    // Each part's columns finished (rescaled, coded, keyed) on its own thread, as it was filled.
    let finish = |(part, (range, p, _)): (Part, (Range<usize>, usize, bool))| {
        let (mut results, picks) = part.finish(&scales, &dictionaries)?;
        let (start, identity) = match (pieces.get(p), layouts.get(p)) {
            (Some(piece), Some(layout)) => (piece.start, layout.identity),
            _ => return Err(Error::definition("a part has no piece (an internal error)")),
        };
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(output_columns.len());
        for column in &output_columns {
            let array = match column {
                OutputColumn::Key(k) => match (key_columns.get(*k), &picks) {
                    (Some(i), Some(picks)) => {
                        let piece = batch.column(*i).slice(start, batch.num_rows() - start);
                        Some(arrow_select::take::take(&piece, picks, None).map_err(arrow_error)?)
                    }
                    (Some(i), None) if range.end <= identity => {
                        Some(batch.column(*i).slice(start + range.start, range.len()))
                    }
                    _ => None,
                },
                OutputColumn::Result(j) => results.get_mut(*j).and_then(Option::take),
            };
            columns.push(array.ok_or_else(|| {
                Error::definition("an output column was not written (an internal error)")
            })?);
        }
        Ok(columns)
    };
    let shares = parts.into_iter().zip(places);
    let finished: Vec<Result<Vec<ArrayRef>>> = if shares.len() <= 1 {
        shares.map(finish).collect()
    } else {
        // The parts finished on as many threads as they were filled on, each taking the next.
        let count = shares.len();
        taking_next(shares.enumerate().collect(), count, configured, &finish)
            .into_iter()
            .map(|f| {
                f.unwrap_or_else(|| {
                    Err(Error::definition(
                        "a share of the output could not be finished (an internal error)",
                    ))
                })
            })
            .collect()
    };
    let mut schema: Option<SchemaRef> = None;
    let mut batches = Vec::with_capacity(finished.len());
    for columns in finished {
        let columns = columns?;
        let schema = schema
            .get_or_insert_with(|| output::schema(&names, &columns))
            .clone();
        batches.push(RecordBatch::try_new(schema, columns).map_err(arrow_error)?);
    }
    let schema = match schema {
        Some(s) => s,
        None => return Err(Error::definition("no output (an internal error)")),
    };
    Ok((schema, batches))
}

/// `work` on each `(place, item)` on `threads` threads of their own, each taking the next item
/// in the order given; each result in slot `place` of `places`. A slot whose thread died (a
/// bug: the work has no panicking path) is `None`, for the caller to fill.
fn taking_next<I: Send, T: Send>(
    items: Vec<(usize, I)>,
    places: usize,
    threads: usize,
    work: &(impl Fn(I) -> T + Sync),
) -> Vec<Option<T>> {
    let queue = std::sync::Mutex::new(items.into_iter());
    let take = || {
        let mut mine = Vec::new();
        loop {
            let next = match queue.lock() {
                Ok(mut queue) => queue.next(),
                Err(_) => None,
            };
            let Some((place, item)) = next else {
                break;
            };
            mine.push((place, work(item)));
        }
        mine
    };
    let mut slots: Vec<Option<T>> = (0..places).map(|_| None).collect();
    let done: Vec<Vec<(usize, T)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads.max(1)).map(|_| scope.spawn(take)).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    for (place, out) in done.into_iter().flatten() {
        if let Some(slot) = slots.get_mut(place) {
            *slot = Some(out);
        }
    }
    slots
}

/// A piece's output: its parts, each with its output positions in the piece and whether it
/// holds added rows, and its layout.
type PieceOut = (Vec<(Range<usize>, bool, Part)>, Layout);

/// The rows of `plan` (one piece of the frame) written into parts on `threads` threads: its
/// input rows and its added rows each split evenly, so that no part holds both. `overrides`
/// are output rows to report as errors instead.
fn fill_piece(
    plan: &Plan<'_>,
    threads: usize,
    overrides: &HashMap<usize, Error>,
) -> Vec<(Range<usize>, Part)> {
    let split = |rows: Range<usize>| {
        let share = rows.len().div_ceil(threads.max(1)).max(1);
        rows.clone()
            .step_by(share)
            .map(move |a| a..(a + share).min(rows.end))
    };
    let mut ranges: Vec<Range<usize>> = split(0..plan.inputs())
        .chain(split(plan.inputs()..plan.len()))
        .collect();
    if ranges.is_empty() {
        // An empty output still has its columns: one empty part.
        ranges.push(0..0);
    }
    if let [one] = ranges.as_slice() {
        return vec![(one.clone(), plan.fill(one.clone(), overrides))];
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = ranges
            .into_iter()
            .map(|r| {
                let task = r.clone();
                (r, scope.spawn(move || plan.fill(task, overrides)))
            })
            .collect();
        handles
            .into_iter()
            .map(|(r, h)| {
                // A thread that died leaves its rows reported, never dropped.
                let part = h.join().unwrap_or_else(|_| {
                    let lost: HashMap<usize, Error> = r
                        .clone()
                        .map(|i| {
                            (
                                i,
                                Error::definition(format!(
                                    "output row {i} was not evaluated (an internal error)"
                                )),
                            )
                        })
                        .collect();
                    plan.fill(r.clone(), &lost)
                });
                (r, part)
            })
            .collect()
    })
}

/// Rows a piece of a keyed frame holds at least (the last may hold fewer; a key's rows are
/// never split): a batch as Arrow engines size them. Its working memory is then about a
/// megabyte, and what a piece costs beside its rows (a thread takes the next piece, the
/// definitions' lookups and dictionaries are the frame's) is small. 720,000 rows, the
/// statuses and directions alone: 4,096 to 8,192 rows a piece gave the lowest peak (+25-27 MB),
/// 16,384 +31 MB, 65,536 +52-69 MB, in the same time.
const PIECE_ROWS: usize = 1 << 13;

/// The pieces `batch` is evaluated in: one (the whole frame) unless it is keyed, holds two
/// pieces' rows or more, and each key's rows come in one run (history, duplicates and gaps
/// are per key, so a piece of whole keys is evaluated alone as in the whole frame). Rows
/// with a null key cell are errors and go with any piece.
fn pieces(
    batch: &RecordBatch,
    options: &FrameOptions,
    piece_rows: usize,
) -> Result<Vec<Range<usize>>> {
    let n = batch.num_rows();
    let whole = || Ok(std::iter::once(0..n).collect());
    if options.by.is_empty() || n < piece_rows.saturating_mul(2) {
        return whole();
    }
    let input = read_input(batch, options)?;
    let cells = |i: usize| -> Option<Vec<&str>> {
        input.keys.iter().map(|(_, values)| values.get(i)).collect()
    };
    let mut seen: std::collections::HashSet<Vec<&str>> = std::collections::HashSet::new();
    let mut cuts: Vec<usize> = vec![0];
    let mut current: Option<Vec<&str>> = None;
    for i in 0..n {
        // (Compared in place: most rows continue their key's run.)
        let same = current.as_ref().is_some_and(|key| {
            input
                .keys
                .iter()
                .zip(key)
                .all(|((_, values), k)| values.get(i) == Some(*k))
        });
        if same {
            continue;
        }
        let Some(key) = cells(i) else {
            continue;
        };
        // A new run: a key met before is not in one run, and the frame is evaluated whole.
        if !seen.insert(key.clone()) {
            return whole();
        }
        let start = cuts.last().copied().unwrap_or(0);
        if i - start >= piece_rows && n - i >= piece_rows / 2 {
            cuts.push(i);
        }
        current = Some(key);
    }
    cuts.push(n);
    Ok(cuts
        .iter()
        .zip(cuts.iter().skip(1))
        .map(|(a, b)| *a..*b)
        .collect())
}

/// A value per period (a frame has few distinct periods), kept by hash and, for the recent
/// ones, in a slot by [`Period::near_slot`]: most lookups are found there without hashing.
pub(crate) struct PeriodMap<T> {
    map: FastMap<Period, T>,
    recent: Vec<Option<(Period, T)>>,
}

impl<T: Copy> PeriodMap<T> {
    const SLOTS: usize = 64;

    pub(crate) fn new() -> PeriodMap<T> {
        PeriodMap {
            map: FastMap::default(),
            recent: vec![None; Self::SLOTS],
        }
    }

    /// The value of `p`, if one was inserted.
    #[inline]
    pub(crate) fn get(&mut self, p: Period) -> Option<T> {
        let slot = self.recent.get_mut(p.near_slot() % Self::SLOTS)?;
        match *slot {
            Some((q, v)) if q == p => Some(v),
            _ => {
                let v = *self.map.get(&p)?;
                *slot = Some((p, v));
                Some(v)
            }
        }
    }

    pub(crate) fn insert(&mut self, p: Period, v: T) {
        self.map.insert(p, v);
        if let Some(slot) = self.recent.get_mut(p.near_slot() % Self::SLOTS) {
            *slot = Some((p, v));
        }
    }
}

/// Each key's periods, marked by one thread over its range of groups: the periods numbered in
/// order of first appearance on that thread, each key's as bits over those numbers (a frame
/// has few distinct periods).
struct PeriodMarks {
    distinct: Vec<Period>,
    numbers: PeriodMap<usize>,
    bits: Vec<Vec<u64>>,
}

impl PeriodMarks {
    fn mark(&mut self, key: usize, period: Period) {
        let number = match self.numbers.get(period) {
            Some(number) => number,
            None => {
                self.distinct.push(period);
                let number = self.distinct.len() - 1;
                self.numbers.insert(period, number);
                number
            }
        };
        let Some(set) = self.bits.get_mut(key) else {
            return;
        };
        if set.len() <= number / 64 {
            set.resize(number / 64 + 1, 0);
        }
        if let Some(word) = set.get_mut(number / 64) {
            *word |= 1 << (number % 64);
        }
    }
}

/// Each key's periods (of its good rows, duplicates left out), sorted: the threads' marks
/// joined.
fn periods_by_key(marks: Vec<PeriodMarks>, keys: usize) -> Vec<Vec<Period>> {
    let mut sets: Vec<Vec<Period>> = vec![Vec::new(); keys];
    for part in marks {
        for (set, bits) in sets.iter_mut().zip(&part.bits) {
            for (w, word) in bits.iter().enumerate() {
                let mut word = *word;
                while word != 0 {
                    let k = w * 64 + word.trailing_zeros() as usize;
                    word &= word - 1;
                    if let Some(p) = part.distinct.get(k) {
                        set.push(*p);
                    }
                }
            }
        }
    }
    for set in &mut sets {
        set.sort_unstable();
        set.dedup();
    }
    sets
}

/// The ranges of groups, one per thread, of about equal rows (`starts`: each group's first
/// row in the members, and the end).
fn group_ranges(starts: &[usize], threads: usize) -> Vec<Range<usize>> {
    let groups = starts.len().saturating_sub(1);
    let total = starts.last().copied().unwrap_or(0);
    let threads = threads.clamp(1, groups.max(1));
    let mut ranges = Vec::with_capacity(threads);
    let mut from = 0;
    for t in 1..threads {
        let goal = total / threads * t;
        let to = starts.partition_point(|s| *s < goal).clamp(from, groups);
        ranges.push(from..to);
        from = to;
    }
    ranges.push(from..groups);
    ranges
}

/// `work` on each item, one thread per item beyond the first (the calling thread takes the
/// first), results in order. A thread that died (a bug: the work has no panicking path) makes
/// the whole frame an error rather than leave rows unplanned.
fn on_threads<I: Send, T: Send>(items: Vec<I>, work: &(impl Fn(I) -> T + Sync)) -> Result<Vec<T>> {
    if items.len() <= 1 {
        return Ok(items.into_iter().map(work).collect());
    }
    let mut items = items.into_iter();
    let first = items.next();
    std::thread::scope(|scope| {
        let handles: Vec<_> = items.map(|item| scope.spawn(move || work(item))).collect();
        let mut out: Vec<T> = first.into_iter().map(work).collect();
        for h in handles {
            out.push(h.join().map_err(|_| {
                Error::definition("a thread planning the frame stopped (an internal error)")
            })?);
        }
        Ok(out)
    })
}

/// What one thread finds in its range of groups.
struct Sorted {
    /// Each repeated row's error.
    duplicates: Vec<(usize, Error)>,
    /// The range's series, one group after another, and each group's span in it.
    series: Vec<(Period, Observation)>,
    spans: Vec<(usize, usize)>,
    marks: PeriodMarks,
}

/// Sorts the groups of `range` (their members are `chunk`, which starts at
/// `starts[range.start]`), finds their duplicates (every row of a repeated (group, period) is
/// an error, and none enters the history), builds their series and marks their keys' periods.
#[allow(clippy::too_many_arguments)]
fn sort_groups(
    defs: &Definitions,
    options: &FrameOptions,
    groups: &[Group],
    rows: &[Row],
    starts: &[usize],
    range: Range<usize>,
    chunk: &mut [(Period, usize)],
    keys: usize,
    offset: usize,
) -> Sorted {
    let base = starts.get(range.start).copied().unwrap_or(0);
    let mut out = Sorted {
        duplicates: Vec::new(),
        series: Vec::with_capacity(chunk.len()),
        spans: Vec::with_capacity(range.len()),
        marks: PeriodMarks {
            distinct: Vec::new(),
            numbers: PeriodMap::new(),
            bits: vec![Vec::new(); keys],
        },
    };
    for g in range {
        let from = out.series.len();
        let a = starts.get(g).copied().unwrap_or(base) - base;
        let b = starts.get(g + 1).copied().unwrap_or(base) - base;
        let group = groups.get(g);
        let Some(list) = chunk.get_mut(a..b.max(a)) else {
            out.spans.push((from, from));
            continue;
        };
        // (Most frames list each group's periods in order already.)
        if !list.is_sorted() {
            list.sort_unstable();
        }
        let mut at = 0;
        while let Some(&(period, first)) = list.get(at) {
            let run = list
                .get(at..)
                .unwrap_or_default()
                .iter()
                .take_while(|(p, _)| *p == period)
                .count()
                .max(1);
            if run > 1 {
                let id = group
                    .and_then(|g| defs.indicators.get(g.indicator))
                    .map(|d| d.id.as_str())
                    .unwrap_or_default();
                let copies: Vec<usize> = list
                    .get(at..at + run)
                    .unwrap_or_default()
                    .iter()
                    .map(|(_, r)| *r)
                    .collect();
                for &r in &copies {
                    out.duplicates
                        .push((r, duplicate_error(id, period, r, &copies, options, offset)));
                }
            } else {
                if let Some(g) = group {
                    out.marks.mark(g.key as usize, period);
                }
                if let Some(Row {
                    state:
                        Ok(Good {
                            observation: Some(o),
                            ..
                        }),
                    ..
                }) = rows.get(first)
                {
                    out.series.push((period, *o));
                }
            }
            at += run;
        }
        out.spans.push((from, out.series.len()));
    }
    out
}

/// The gaps of the groups of `range`: each key's period (of `key_periods`) with no row in a
/// group, as `(key, period, indicator, group)`.
#[allow(clippy::too_many_arguments)]
fn find_gaps(
    defs: &Definitions,
    options: &FrameOptions,
    input: &Input,
    groups: &[Group],
    rows: &[Row],
    starts: &[usize],
    members: &[(Period, usize)],
    key_periods: &[Vec<Period>],
    range: Range<usize>,
) -> Vec<(u32, Period, usize, u32)> {
    let mut added = Vec::new();
    let mut have: Vec<Period> = Vec::new();
    for g in range {
        let (Some(group), Ok(g32)) = (groups.get(g), u32::try_from(g)) else {
            continue;
        };
        let Some(wanted) = key_periods.get(group.key as usize) else {
            continue;
        };
        let a = starts.get(g).copied().unwrap_or(0);
        let b = starts.get(g + 1).copied().unwrap_or(a);
        have.clear();
        have.extend(
            members
                .get(a..b.max(a))
                .unwrap_or_default()
                .iter()
                .filter(|(_, r)| rows.get(*r).is_some_and(|row| row.state.is_ok()))
                .map(|(p, _)| *p),
        );
        let own = defs
            .indicators
            .get(group.indicator)
            .map(|d| d.frequency.kind());
        // Both sorted: one walk along the group's periods, not a search per wanted period.
        let mut own_periods = have.iter().peekable();
        for period in wanted {
            while own_periods.next_if(|p| *p < period).is_some() {}
            if own_periods.peek().is_some_and(|p| *p == period) {
                continue;
            }
            // A keyed group's gaps are periods of its own frequency (or the period asked for);
            // without keys every period is reported for every indicator, as before.
            let gap =
                input.keys.is_empty() || options.report.is_some() || Some(period.kind()) == own;
            if gap {
                added.push((group.key, *period, group.indicator, g32));
            }
        }
    }
    added
}

/// A share of the rows' keys and (key, indicator) groups, numbered in order of first
/// appearance within the share; [`plan`] numbers them frame-wide, share by share in order, so
/// the numbers are those of one walk over the whole frame.
struct Numbered {
    /// Each row's group within the share, [`UNREAD`] when the row could not be read, or
    /// [`KEYLESS`] when a key cell is null (its error in `keyless`): 4 bytes a row.
    rows: Vec<u32>,
    /// The errors of the rows with a null key cell, in row order.
    keyless: Vec<Error>,
    /// Each key's first row.
    keys: Vec<usize>,
    /// Each group's key, indicator and first row.
    groups: Vec<(u32, usize, usize)>,
}

/// A row of [`Numbered::rows`] that could not be read.
const UNREAD: u32 = u32::MAX;
/// A row of [`Numbered::rows`] with a null key cell.
const KEYLESS: u32 = u32::MAX - 1;

/// Numbers the keys and groups of rows `range` (whose reads are `reads`); see [`Numbered`].
fn number(
    input: &Input,
    key_names: &[String],
    reads: &[Result<Read>],
    range: Range<usize>,
    offset: usize,
) -> Numbered {
    let mut out = Numbered {
        rows: Vec::with_capacity(range.len()),
        keyless: Vec::new(),
        keys: Vec::new(),
        groups: Vec::new(),
    };
    let mut key_values: Vec<FastMap<&str, u32>> = vec![FastMap::default(); input.keys.len()];
    let mut key_ids: FastMap<Box<[u32]>, u32> = FastMap::default();
    let mut group_ids: FastMap<(u32, usize), u32> = FastMap::default();
    let mut tuple: Vec<u32> = Vec::with_capacity(input.keys.len());
    let mut last_key: Option<(Vec<u32>, u32)> = None;
    let mut last_codes: Vec<Option<(&str, u32)>> = vec![None; input.keys.len()];
    let mut last_group: Option<((u32, usize), u32)> = None;
    for (i, read) in range.zip(reads) {
        let mut keyed = || -> Result<u32> {
            tuple.clear();
            for ((((_, values), codes), last), name) in input
                .keys
                .iter()
                .zip(key_values.iter_mut())
                .zip(last_codes.iter_mut())
                .zip(key_names)
            {
                let Some(value) = values.get(i) else {
                    return Err(row_error(
                        Error::new(ErrorKind::Missing {
                            field: format!("a value in key column {name:?}"),
                        }),
                        offset + i,
                        name,
                    ));
                };
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
            // (Compared element by element: a call to `memcmp` for one or two codes costs more.)
            let same =
                |t: &[u32]| t.len() == tuple.len() && t.iter().zip(&tuple).all(|(a, b)| a == b);
            let key = match last_key.as_ref().filter(|(t, _)| same(t)) {
                Some((_, k)) => *k,
                None => match key_ids.get(tuple.as_slice()) {
                    Some(k) => *k,
                    None => {
                        let k = u32::try_from(out.keys.len()).unwrap_or(u32::MAX);
                        key_ids.insert(tuple.as_slice().into(), k);
                        out.keys.push(i);
                        k
                    }
                },
            };
            if last_key.as_ref().is_none_or(|(_, k)| *k != key) {
                last_key = Some((tuple.clone(), key));
            }
            let Ok(read) = read else {
                return Ok(UNREAD);
            };
            let pair = (key, read.index as usize);
            let group = match last_group {
                Some((last, g)) if last == pair => g,
                _ => match group_ids.get(&pair) {
                    Some(g) => *g,
                    None => {
                        // (Numbers stop below the two marks.)
                        let Some(next) = u32::try_from(out.groups.len())
                            .ok()
                            .filter(|g| *g < KEYLESS)
                        else {
                            return Err(row_error(
                                Error::definition("more than 4294967293 groups in a frame"),
                                offset + i,
                                key_names.first().map_or("", String::as_str),
                            ));
                        };
                        group_ids.insert(pair, next);
                        out.groups.push((key, read.index as usize, i));
                        next
                    }
                },
            };
            last_group = Some((pair, group));
            Ok(group)
        };
        match keyed() {
            Ok(group) => out.rows.push(group),
            Err(e) => {
                out.rows.push(KEYLESS);
                out.keyless.push(e);
            }
        }
    }
    out
}

/// `s` without surrounding whitespace, as `str::trim` gives it: most cells start and end in an
/// ASCII character that is not whitespace, and are then returned without `trim`'s scan.
#[inline]
fn trimmed(s: &str) -> &str {
    let plain = |b: Option<&u8>| b.is_some_and(|&b| b.is_ascii() && !(b as char).is_whitespace());
    if plain(s.as_bytes().first()) && plain(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
}

/// Reads rows `range`'s own cells (indicator, period, numbers, provisional flag), with caches
/// of its own: the part of reading a row that does not depend on the rows before it, done by
/// several threads at once on a large frame.
fn read_rows(
    defs: &Definitions,
    input: &Input,
    options: &FrameOptions,
    lookup: &FastMap<&str, usize>,
    range: Range<usize>,
    offset: usize,
) -> Vec<Result<Read>> {
    let calendar = defs.calendar;
    let mut labels_read: FastMap<(&str, Frequency), Result<Period>> = FastMap::default();
    let mut last_indicator: Option<(&str, usize)> = None;
    let mut out = Vec::with_capacity(range.len());
    for i in range {
        let read = (|| -> Result<Read> {
            let column = options.indicator.as_str();
            let Some(id) = input.indicator.get(i) else {
                return Err(row_error(
                    Error::new(ErrorKind::Missing {
                        field: "an indicator id".into(),
                    }),
                    offset + i,
                    column,
                ));
            };
            let id = trimmed(id);
            let found = match last_indicator {
                Some((last, index)) if last == id => Some(index),
                _ => lookup.get(id).copied(),
            };
            let Some(index) = found else {
                return Err(row_error(
                    Error::new(ErrorKind::UnknownIndicator { id: id.into() }).with_indicator(id),
                    offset + i,
                    column,
                ));
            };
            last_indicator = Some((id, index));
            let definition = defs
                .indicators
                .get(index)
                .ok_or_else(|| Error::new(ErrorKind::UnknownIndicator { id: id.into() }))?;
            let kind = definition.frequency.kind();
            let column = options.period.as_str();
            let period = match &input.periods {
                input::Periods::Labels(labels) => {
                    let label = trimmed(labels.get(i).unwrap_or_default());
                    if label.is_empty() {
                        return Err(row_error(
                            Error::new(ErrorKind::Missing {
                                field: "a period".into(),
                            })
                            .with_indicator(id),
                            offset + i,
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
                        .map_err(|e| row_error(e.with_indicator(id), offset + i, column))?
                }
                input::Periods::Dates(dates) => {
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
                            offset + i,
                            column,
                        ));
                    };
                    calendar
                        .period_of(date, kind)
                        .map_err(|e| row_error(e.with_indicator(id), offset + i, column))?
                }
            };
            let at = |e: Error, column: &str| {
                row_error(
                    e.with_indicator(id).with_period(period.label()),
                    offset + i,
                    column,
                )
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
            if let Err(e) = input.provisional.get(i) {
                return Err(at(e, &options.provisional));
            }
            Ok(Read {
                // (More than 2³² definitions cannot be held; the row would find none.)
                index: u32::try_from(index).unwrap_or(u32::MAX),
                period,
                observation,
            })
        })();
        out.push(read);
    }
    out
}

/// Reads every row (its key, group, period and observation, or its error), finds the
/// duplicates and the gaps, and lays out the output rows.
/// `batch` is the frame's rows from `offset` on: messages name each row by its place in the
/// frame. `prepared` is what every piece takes from `defs`.
fn plan<'a>(
    defs: &'a Definitions,
    prepared: &'a Prepared<'a>,
    batch: &RecordBatch,
    options: &FrameOptions,
    threads: usize,
    offset: usize,
) -> Result<Plan<'a>> {
    let input = read_input(batch, options)?;
    let n = batch.num_rows();

    // Each row's own cells, keys and group, in parallel on a large frame: keys and groups are
    // numbered in order of first appearance within each share, then frame-wide below.
    let key_names: Vec<String> = input
        .keys
        .iter()
        .map(|(column, _)| batch.schema_ref().field(*column).name().clone())
        .collect();
    let share = n.div_ceil(threads.max(1)).max(1);
    let read_share = |range: Range<usize>| {
        let reads = read_rows(
            defs,
            &input,
            options,
            &prepared.lookup,
            range.clone(),
            offset,
        );
        let numbered = number(&input, &key_names, &reads, range.clone(), offset);
        (range, reads, numbered)
    };
    let shares: Vec<(Range<usize>, Vec<Result<Read>>, Numbered)> = if threads <= 1 || share >= n {
        vec![read_share(0..n)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..n)
                .step_by(share)
                .map(|start| {
                    let range = start..(start + share).min(n);
                    let read_share = &read_share;
                    (range.clone(), scope.spawn(move || read_share(range)))
                })
                .collect();
            handles
                .into_iter()
                // A thread that died: its rows read again here.
                .map(|(range, h)| h.join().unwrap_or_else(|_| read_share(range)))
                .collect()
        })
    };

    // Keys and groups numbered frame-wide: each share's, in order, then each row's.
    let mut key_ids: FastMap<Box<[&str]>, u32> = FastMap::default();
    let mut key_examples: Vec<usize> = Vec::new();
    let mut group_ids: FastMap<(u32, usize), u32> = FastMap::default();
    let mut groups: Vec<Group> = Vec::new();
    let mut rows: Vec<Row> = Vec::with_capacity(n);
    // Each group's good rows, counted as the rows are built (not in a pass of their own).
    let mut counts: Vec<usize> = Vec::new();
    for (range, reads, numbered) in shares {
        let keys: Vec<u32> = numbered
            .keys
            .iter()
            .map(|&first| {
                let tuple: Box<[&str]> = input
                    .keys
                    .iter()
                    .map(|(_, values)| values.get(first).unwrap_or_default())
                    .collect();
                let next = u32::try_from(key_examples.len()).unwrap_or(u32::MAX);
                *key_ids.entry(tuple).or_insert_with(|| {
                    key_examples.push(first);
                    next
                })
            })
            .collect();
        let group_of: Vec<u32> = numbered
            .groups
            .iter()
            .map(|&(local, indicator, first)| {
                let key = keys.get(local as usize).copied().unwrap_or(u32::MAX);
                let next = u32::try_from(groups.len()).unwrap_or(u32::MAX);
                *group_ids.entry((key, indicator)).or_insert_with(|| {
                    groups.push(Group {
                        indicator,
                        key,
                        example: Some(first),
                    });
                    next
                })
            })
            .collect();
        counts.resize(groups.len(), 0);
        let mut keyless = numbered.keyless.into_iter();
        for ((i, read), keyed) in range.zip(reads).zip(numbered.rows) {
            let provisional = input.provisional.get(i).ok().flatten();
            let state = match keyed {
                KEYLESS => Err(keyless.next().unwrap_or_else(|| {
                    Error::definition(format!("row {i} has no key error (an internal error)"))
                })),
                group => read.and_then(|read| {
                    let group = group_of.get(group as usize).copied().ok_or_else(|| {
                        Error::definition(format!("row {i} has no group (an internal error)"))
                    })?;
                    Ok(Good {
                        group,
                        period: read.period,
                        observation: read.observation,
                    })
                }),
            };
            if let Ok(good) = &state
                && let Some(count) = counts.get_mut(good.group as usize)
            {
                *count += 1;
            }
            rows.push(Row { state, provisional });
        }
    }
    drop(key_ids);
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
                });
                next
            });
        }
    }
    drop(group_ids);

    // Each group's rows, sorted by period (then row), one group after another.
    let mut starts: Vec<usize> = vec![0; groups.len() + 1];
    for (start, count) in starts.iter_mut().skip(1).zip(&counts) {
        *start = *count;
    }
    drop(counts);
    for g in 1..starts.len() {
        if let (Some(before), Some(count)) = (starts.get(g - 1).copied(), starts.get(g).copied())
            && let Some(s) = starts.get_mut(g)
        {
            *s = before + count;
        }
    }
    let mut members: Vec<(Period, usize)> = Vec::new();
    if let Some(filler) = rows.iter().find_map(|row| row.state.as_ref().ok()) {
        members.resize(starts.last().copied().unwrap_or(0), (filler.period, 0));
    }
    let mut next: Vec<usize> = starts.clone();
    for (r, row) in rows.iter().enumerate() {
        if let Ok(good) = &row.state
            && let Some(at) = next.get_mut(good.group as usize)
        {
            if let Some(slot) = members.get_mut(*at) {
                *slot = (good.period, r);
            }
            *at += 1;
        }
    }
    drop(next);

    // The groups in ranges of about equal rows, one per thread: each range's groups sorted,
    // their duplicates found, their series built and their keys' periods marked, then (once
    // every duplicate is known) their gaps found, on the range's own thread.
    let ranges = group_ranges(&starts, threads);
    let mut chunks: Vec<&mut [(Period, usize)]> = Vec::with_capacity(ranges.len());
    let mut rest: &mut [(Period, usize)] = &mut members;
    for range in &ranges {
        let len = starts.get(range.end).copied().unwrap_or(0)
            - starts.get(range.start).copied().unwrap_or(0);
        let (chunk, after) = rest.split_at_mut(len.min(rest.len()));
        chunks.push(chunk);
        rest = after;
    }
    let keys = key_examples.len();
    let sort = |(range, chunk): (Range<usize>, &mut [(Period, usize)])| {
        sort_groups(
            defs, options, &groups, &rows, &starts, range, chunk, keys, offset,
        )
    };
    let sorted: Vec<Sorted> = on_threads(ranges.iter().cloned().zip(chunks).collect(), &sort)?;
    let mut series: Vec<Vec<(Period, Observation)>> = Vec::with_capacity(sorted.len());
    let mut series_spans: Vec<(u32, usize, usize)> = Vec::with_capacity(groups.len());
    let mut marks: Vec<PeriodMarks> = Vec::with_capacity(sorted.len());
    for (c, part) in (0u32..).zip(sorted) {
        for (r, e) in part.duplicates {
            if let Some(row) = rows.get_mut(r) {
                row.state = Err(e);
            }
        }
        series_spans.extend(part.spans.into_iter().map(|(a, b)| (c, a, b)));
        series.push(part.series);
        marks.push(part.marks);
    }

    // The periods evaluated for each key, and the gaps: a key's period with no row in a group.
    let key_periods: Vec<Vec<Period>> = match options.report {
        Some(report) => vec![vec![report]; keys],
        None => periods_by_key(marks, keys),
    };
    let gaps = |range: Range<usize>| {
        find_gaps(
            defs,
            options,
            &input,
            &groups,
            &rows,
            &starts,
            &members,
            &key_periods,
            range,
        )
    };
    let mut added: Vec<(u32, Period, usize, u32)> =
        on_threads(ranges, &gaps)?.into_iter().flatten().collect();
    drop(members);
    drop(starts);
    added.sort_unstable();
    let added: Vec<(u32, Period)> = added.into_iter().map(|(_, p, _, g)| (g, p)).collect();
    let shown = |row: &Row| match &row.state {
        Ok(good) => options.report.is_none_or(|p| p == good.period),
        Err(_) => true,
    };
    let identity = rows.iter().take_while(|row| shown(row)).count();
    let slot_rows: Vec<usize> = (identity..)
        .zip(rows.get(identity..).unwrap_or_default())
        .filter(|(_, row)| shown(row))
        .map(|(r, _)| r)
        .collect();
    let mut wanted = Wanted {
        results: [false; RESULT_COLUMNS.len()],
        keys: false,
    };
    for column in &input.columns {
        match column {
            OutputColumn::Key(_) => wanted.keys = true,
            OutputColumn::Result(j) => {
                if let Some(w) = wanted.results.get_mut(*j) {
                    *w = true;
                }
            }
        }
    }
    // The observations are in the series now: each row keeps only what its output row needs.
    let mut errors: FastMap<usize, Error> = FastMap::default();
    let rows: Vec<Slim> = rows
        .into_iter()
        .enumerate()
        .map(|(r, row)| match row.state {
            Ok(good) => Slim {
                group: good.group,
                period: Some(good.period),
                provisional: row.provisional,
            },
            Err(e) => {
                errors.insert(r, e);
                Slim {
                    group: u32::MAX,
                    period: None,
                    provisional: row.provisional,
                }
            }
        })
        .collect();
    Ok(Plan {
        defs,
        input,
        rows,
        errors,
        groups,
        key_examples,
        series,
        series_spans,
        slot_rows,
        identity,
        offset,
        added,
        prepared,
        n,
        explain: options.explain && wanted.results[output::EXPLANATION],
        wanted,
    })
}

#[cfg(test)]
mod tests {
    use super::trimmed;

    proptest::proptest! {
        #[test]
        fn trimmed_cells_are_trims(
            s in "[ \t\r\n\u{b}\u{c}\u{85}\u{a0}\u{3000}a-zA-Z0-9/é]{0,12}",
        ) {
            proptest::prop_assert_eq!(trimmed(&s), s.trim());
        }
    }

    #[test]
    fn trimmed_cells_at_the_edges() {
        for s in [
            "",
            " ",
            "\u{b}Q1\u{b}",
            "\u{a0}2024/25 Q1",
            "2024/25 Q1\u{85}",
            "é",
            " KPI-1 ",
            "KPI-1",
        ] {
            assert_eq!(trimmed(s), s.trim(), "{s:?}");
        }
    }
}
