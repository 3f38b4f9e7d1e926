//! Budget roll-up of a whole table of lines (SPEC §10): [`roll_up_batch`].
//!
//! # Input columns
//!
//! Names are set in [`BudgetFrameOptions`]; the defaults are the budget CSV headers.
//!
//! | column | types | meaning |
//! | --- | --- | --- |
//! | `id`, `kind`, `budget`, `forecast` | text; numbers | required |
//! | `base` | text | `gross` or `net_controllable`; a null cell (or no column) takes [`BudgetFrameOptions::default_base`] |
//! | `name`, `note` | anything castable to text | optional |
//! | `group` | text (`Place > Highways`) or lists of text | the group path; or several columns, one segment each ([`Group::Columns`]) |
//! | `original_budget`, `actual`, `previous_forecast`, `base_budget` | numbers | optional |
//!
//! Amounts are read exactly, as in [`crate::frame`] (floats as the decimal of their shortest
//! text, decimals and integers as they are), in pounds; text is read as the budget CSV reader
//! reads an amount ([`NumberForm::Amount`]: `46,267`, `£46,267`, `(443)`, `£1.2m`), so a
//! table of published amounts gives the same figures through either door.
//!
//! # Output
//!
//! [`BUDGET_COLUMNS`]: one row per input row, in input order (`row` is its position), then,
//! when [`BudgetFrameOptions::include_totals`] is set, one row per total, the fund first (`row`
//! null). The lines that could be read go through [`roll_up`](crate::budget::roll_up) together, so every number,
//! status and sentence is the roll-up's own. A row whose cells cannot be read (a kind that is
//! not a kind, an amount that is not a number, a missing budget) keeps its `id` and `name` and
//! has its error, naming `row[i]` and the column; it enters no total. A line the roll-up
//! leaves out (an invalid line, a repeated id: every copy after the first) has the roll-up's
//! error, naming `row[i]`.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, GenericListArray, RecordBatch, StringArray};
use arrow_schema::{DataType, Field};
use rust_decimal::Decimal;

use super::{
    Columns, DecimalColumns, batch as output_batch, bool_array, cell, error_arrays, number,
    row_array, status_array, text_builder, thread_count,
};
use crate::budget::{
    AmountUnit, BudgetLine, BudgetResult, BudgetRule, BudgetSettings, LineKind, RatingBase,
    VarianceDirection, roll_up_parallel,
};
use crate::error::{Error, ErrorKind, Result};
use crate::frame::{Numbers, row_error};
use crate::input::NumberForm;

/// The columns [`roll_up_batch`] returns, in order.
pub const BUDGET_COLUMNS: [&str; 26] = [
    "row",
    "id",
    "name",
    "path",
    "level",
    "total",
    "kind",
    "base",
    "budget",
    "forecast",
    "variance",
    "variance_percent",
    "direction",
    "status",
    "rule",
    "significant_underspend",
    "movement",
    "movement_direction",
    "original_budget",
    "actual",
    "previous_forecast",
    "base_amount",
    "line_count",
    "explanation",
    "error",
    "error_kind",
];

const NUMBERS: [&str; 9] = [
    "budget",
    "forecast",
    "variance",
    "variance_percent",
    "movement",
    "original_budget",
    "actual",
    "previous_forecast",
    "base_amount",
];

/// Where a line's group path comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Group {
    /// One column: text with the segments separated by `>` (`Place > Highways`), or lists of
    /// text. A null or blank cell (or no such column) is no group.
    Path(String),
    /// One column per segment, outermost first; null and blank cells are skipped.
    Columns(Vec<String>),
}

/// Column names and choices of [`roll_up_batch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetFrameOptions {
    /// The line id column (default `id`).
    pub id: String,
    /// The name column (default `name`).
    pub name: String,
    /// The group path (default the column `group`).
    pub group: Group,
    /// The kind column (default `kind`).
    pub kind: String,
    /// The rating base column (default `base`).
    pub base: String,
    /// The rating base of a line without one (default `gross`), as written in the column.
    pub default_base: String,
    /// The budget column (default `budget`).
    pub budget: String,
    /// The forecast column (default `forecast`).
    pub forecast: String,
    /// The original budget column (default `original_budget`).
    pub original_budget: String,
    /// The actual column (default `actual`).
    pub actual: String,
    /// The previous forecast column (default `previous_forecast`).
    pub previous_forecast: String,
    /// The base budget column (default `base_budget`).
    pub base_budget: String,
    /// The note column (default `note`).
    pub note: String,
    /// Whether to add a row per total after the lines (default true).
    pub include_totals: bool,
    /// Threads to rate the lines on; 0: as many as the machine has (one for small frames).
    pub threads: usize,
}

impl Default for BudgetFrameOptions {
    fn default() -> Self {
        BudgetFrameOptions {
            id: "id".into(),
            name: "name".into(),
            group: Group::Path("group".into()),
            kind: "kind".into(),
            base: "base".into(),
            default_base: "gross".into(),
            budget: "budget".into(),
            forecast: "forecast".into(),
            original_budget: "original_budget".into(),
            actual: "actual".into(),
            previous_forecast: "previous_forecast".into(),
            base_budget: "base_budget".into(),
            note: "note".into(),
            include_totals: true,
            threads: 0,
        }
    }
}

/// Reads a line kind as the bindings and the CSV files write it.
pub fn parse_kind(text: &str) -> Result<LineKind> {
    match text.trim().to_ascii_lowercase().as_str() {
        "expenditure" => Ok(LineKind::Expenditure),
        "income" => Ok(LineKind::Income),
        "net" => Ok(LineKind::Net),
        _ => Err(
            Error::invalid_value(text, "\"expenditure\", \"income\" or \"net\"").with_field("kind"),
        ),
    }
}

/// Reads a rating base as the bindings and the CSV files write it.
pub fn parse_base(text: &str) -> Result<RatingBase> {
    match text.trim().to_ascii_lowercase().as_str() {
        "gross" => Ok(RatingBase::Gross),
        "net_controllable" | "net controllable" => Ok(RatingBase::NetControllable),
        _ => {
            Err(Error::invalid_value(text, "\"gross\" or \"net_controllable\"").with_field("base"))
        }
    }
}

fn direction_name(d: VarianceDirection) -> &'static str {
    match d {
        VarianceDirection::Adverse => "adverse",
        VarianceDirection::Favourable => "favourable",
        VarianceDirection::Breakeven => "breakeven",
    }
}

fn rule_name(r: BudgetRule) -> &'static str {
    match r {
        BudgetRule::Breakeven => "breakeven",
        BudgetRule::Favourable => "favourable",
        BudgetRule::SignificantUnderspend => "significant_underspend",
        BudgetRule::BelowAmber => "below_amber",
        BudgetRule::AmberReached => "amber_reached",
        BudgetRule::RedReached => "red_reached",
    }
}

enum GroupColumn {
    None,
    Text(StringArray),
    Lists(GenericListArray<i32>),
    Columns(Vec<StringArray>),
}

impl GroupColumn {
    fn get(&self, i: usize) -> Vec<String> {
        match self {
            GroupColumn::None => Vec::new(),
            GroupColumn::Text(a) => match cell(Some(a), i) {
                Some(text) if !text.trim().is_empty() => {
                    text.split('>').map(|g| g.trim().to_string()).collect()
                }
                _ => Vec::new(),
            },
            GroupColumn::Lists(a) => {
                if i >= a.len() || a.is_null(i) {
                    return Vec::new();
                }
                let items = a.value(i);
                let items = items.as_string::<i32>();
                (0..items.len())
                    .map(|k| cell(Some(items), k).unwrap_or_default().to_string())
                    .collect()
            }
            GroupColumn::Columns(columns) => columns
                .iter()
                .filter_map(|c| cell(Some(c), i))
                .filter(|t| !t.trim().is_empty())
                .map(str::to_string)
                .collect(),
        }
    }
}

fn read_group(columns: &mut Columns<'_>, group: &Group) -> GroupColumn {
    match group {
        Group::Columns(names) => GroupColumn::Columns(
            names
                .iter()
                .filter_map(|name| {
                    if columns.find(name).is_none() {
                        columns.problem(format!("the group column {name:?} is missing"));
                        return None;
                    }
                    columns.optional_text(name)
                })
                .collect(),
        ),
        Group::Path(name) => {
            let Some(array) = columns.find(name) else {
                return GroupColumn::None;
            };
            match array.data_type() {
                DataType::List(_) | DataType::LargeList(_) | DataType::ListView(_) => {
                    let to = DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)));
                    match arrow_cast::cast(array, &to) {
                        Ok(a) => GroupColumn::Lists(a.as_list::<i32>().clone()),
                        Err(e) => {
                            columns.problem(format!(
                                "column {name:?}: {e}; expected text or lists of text"
                            ));
                            GroupColumn::None
                        }
                    }
                }
                _ => columns
                    .optional_text(name)
                    .map_or(GroupColumn::None, GroupColumn::Text),
            }
        }
    }
}

/// A row's line, or why it cannot be read.
fn read_line(
    i: usize,
    options: &BudgetFrameOptions,
    input: &Input,
) -> std::result::Result<BudgetLine, Error> {
    let id = cell(input.id.as_ref(), i).unwrap_or_default().to_string();
    let at = |e: Error, column: &str| row_error(e.with_indicator(id.clone()), i, column);
    let kind = parse_kind(cell(input.kind.as_ref(), i).unwrap_or_default())
        .map_err(|e| at(e, &options.kind))?;
    let base = match cell(input.base.as_ref(), i).filter(|b| !b.is_empty()) {
        Some(text) => parse_base(text).map_err(|e| at(e, &options.base))?,
        None => parse_base(&options.default_base).map_err(|e| at(e, &options.base))?,
    };
    let required = |numbers: &Numbers, column: &str| -> std::result::Result<Decimal, Error> {
        number(numbers, i)
            .and_then(|v| {
                v.ok_or_else(|| {
                    Error::new(ErrorKind::Missing {
                        field: format!("a {column} amount"),
                    })
                    .with_field(column)
                })
            })
            .map_err(|e| at(e.with_field(column), column))
    };
    let optional = |numbers: &Numbers, column: &str| {
        number(numbers, i).map_err(|e| at(e.with_field(column), column))
    };
    let budget = required(&input.budget, &options.budget)?;
    let forecast = required(&input.forecast, &options.forecast)?;
    Ok(BudgetLine {
        name: cell(input.name.as_ref(), i).unwrap_or_default().to_string(),
        group: input.group.get(i),
        original_budget: optional(&input.original_budget, &options.original_budget)?,
        actual: optional(&input.actual, &options.actual)?,
        previous_forecast: optional(&input.previous_forecast, &options.previous_forecast)?,
        base_budget: optional(&input.base_budget, &options.base_budget)?,
        note: cell(input.note.as_ref(), i).map(str::to_string),
        ..BudgetLine::new(id.clone(), kind, base, budget, forecast)
    })
}

struct Input {
    id: Option<StringArray>,
    name: Option<StringArray>,
    group: GroupColumn,
    kind: Option<StringArray>,
    base: Option<StringArray>,
    budget: Numbers,
    forecast: Numbers,
    original_budget: Numbers,
    actual: Numbers,
    previous_forecast: Numbers,
    base_budget: Numbers,
    note: Option<StringArray>,
}

/// One output row: a result, or an error row with the id and name of its input row.
enum Out<'r> {
    Rated(&'r BudgetResult),
    Failed {
        id: String,
        name: Option<String>,
        error: Error,
    },
}

/// An amount column: numbers are pounds; text cells are read as the budget CSV reads them
/// (`46,267`, `£46,267`, `(443)`, `£1.2m`), in pounds unless the text names its own unit.
fn amounts(columns: &mut Columns<'_>, name: &str, required: bool) -> Numbers {
    columns
        .numbers(name, required)
        .written_as(NumberForm::Amount(AmountUnit::Pounds))
}

/// Rolls up a batch of budget lines; see the [module docs](self).
///
/// # Errors
///
/// A frame that cannot be read: one [`ErrorKind::Syntax`] error listing every problem. As
/// [`roll_up`](crate::budget::roll_up): invalid settings, or sums that overflow. Bad lines are error rows.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{Array, Int64Array, RecordBatch, StringArray, cast::AsArray};
/// use ragstatus::budget::BudgetSettings;
/// use ragstatus::bulk::budget::{roll_up_batch, BudgetFrameOptions};
///
/// let batch = RecordBatch::try_from_iter([
///     ("id", Arc::new(StringArray::from(vec!["A1", "A2"])) as _),
///     ("group", Arc::new(StringArray::from(vec!["Adults", "Adults"])) as _),
///     ("kind", Arc::new(StringArray::from(vec!["expenditure", "expenditure"])) as _),
///     ("budget", Arc::new(Int64Array::from(vec![2_000_000, 3_000_000])) as _),
///     ("forecast", Arc::new(Int64Array::from(vec![2_090_000, 3_090_000])) as _),
/// ]).map_err(|e| e.to_string())?;
/// let out = roll_up_batch(&batch, &BudgetSettings::default(), &BudgetFrameOptions::default())?;
/// // Two lines, then the fund and the directorate.
/// let ids = out.column_by_name("id").ok_or("no id")?.as_string::<i64>();
/// let ids: Vec<&str> = ids.iter().flatten().collect();
/// assert_eq!(ids, ["A1", "A2", "Total", "Adults"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn roll_up_batch(
    batch: &RecordBatch,
    settings: &BudgetSettings,
    options: &BudgetFrameOptions,
) -> Result<RecordBatch> {
    let mut columns = Columns::new(batch);
    let input = Input {
        id: columns.text(&options.id, "id"),
        name: columns.optional_text(&options.name),
        group: read_group(&mut columns, &options.group),
        kind: columns.text(&options.kind, "kind"),
        base: columns.optional_text(&options.base),
        budget: amounts(&mut columns, &options.budget, true),
        forecast: amounts(&mut columns, &options.forecast, true),
        original_budget: amounts(&mut columns, &options.original_budget, false),
        actual: amounts(&mut columns, &options.actual, false),
        previous_forecast: amounts(&mut columns, &options.previous_forecast, false),
        base_budget: amounts(&mut columns, &options.base_budget, false),
        note: columns.optional_text(&options.note),
    };
    columns.finish()?;
    let n = batch.num_rows();

    let mut lines: Vec<BudgetLine> = Vec::with_capacity(n);
    let mut read: Vec<std::result::Result<usize, Error>> = Vec::with_capacity(n);
    for i in 0..n {
        read.push(read_line(i, options, &input).map(|line| {
            lines.push(line);
            lines.len() - 1
        }));
    }
    let report = roll_up_parallel(&lines, settings, thread_count(options.threads, n))?;

    // The roll-up gives each line, in order, a result or an error; only the first line of an
    // id can have a result, so the next result is this line's exactly when its id matches.
    let mut results = report.lines.iter().peekable();
    let mut errors = report.errors.into_iter();
    let mut first_of: foldhash::HashSet<&str> =
        foldhash::HashSet::with_capacity_and_hasher(n, Default::default());
    let mut outs: Vec<Out<'_>> = Vec::with_capacity(n + report.totals.len());
    for (i, slot) in read.into_iter().enumerate() {
        let id = || cell(input.id.as_ref(), i).unwrap_or_default().to_string();
        let name = || cell(input.name.as_ref(), i).map(str::to_string);
        let out = match slot {
            Err(error) => Out::Failed {
                id: id(),
                name: name(),
                error,
            },
            Ok(k) => {
                let line = lines.get(k);
                let line_id = line.map(|l| l.id.as_str()).unwrap_or_default();
                let first = first_of.insert(line_id);
                match results.peek() {
                    Some(r) if first && r.id == line_id => {
                        let r = results.next().map(Out::Rated);
                        r.unwrap_or_else(|| Out::Failed {
                            id: id(),
                            name: name(),
                            error: Error::definition("no result (an internal error)"),
                        })
                    }
                    _ => Out::Failed {
                        id: id(),
                        name: name(),
                        error: errors
                            .next()
                            .unwrap_or_else(|| Error::definition("left out of the roll-up"))
                            .with_field(format!("row[{i}]")),
                    },
                }
            }
        };
        outs.push(out);
    }
    let lines_out = outs.len();
    if options.include_totals {
        outs.extend(report.totals.iter().map(Out::Rated));
    }
    let rows = outs.len();

    let numbers = |r: &BudgetResult| -> [Option<Decimal>; 9] {
        [
            Some(r.budget),
            Some(r.forecast),
            Some(r.variance),
            r.variance_percent,
            r.movement,
            r.original_budget,
            r.actual,
            r.previous_forecast,
            Some(r.base_amount),
        ]
    };
    let decimals = DecimalColumns::new(
        NUMBERS,
        outs.iter().filter_map(|o| match o {
            Out::Rated(r) => Some(numbers(r)),
            Out::Failed { .. } => None,
        }),
    );
    for (i, out) in outs.iter_mut().enumerate() {
        if let Out::Rated(r) = out
            && let Some(e) = decimals.misfit(&numbers(r))
        {
            let e = if i < lines_out {
                e.with_field(format!("row[{i}]"))
            } else {
                e
            };
            *out = Out::Failed {
                id: r.id.clone(),
                name: Some(r.name.clone()),
                error: e.with_indicator(r.id.clone()),
            };
        }
    }

    let mut id = text_builder(rows, 8);
    let mut name = text_builder(rows, 16);
    let mut path = text_builder(rows, 16);
    let mut level = text_builder(rows, 8);
    let mut kind = text_builder(rows, 8);
    let mut base = text_builder(rows, 8);
    let mut direction = text_builder(rows, 8);
    let mut rule = text_builder(rows, 10);
    let mut movement_direction = text_builder(rows, 8);
    let mut explanation = text_builder(rows, 100);
    let mut total = Vec::with_capacity(rows);
    let mut underspend = Vec::with_capacity(rows);
    let mut status = Vec::with_capacity(rows);
    let mut line_count = Vec::with_capacity(rows);
    // One buffer for every row's path, rather than a `join` each.
    let mut joined = String::new();
    for out in &outs {
        match out {
            Out::Rated(r) => {
                id.append_value(&r.id);
                name.append_value(&r.name);
                joined.clear();
                for (k, part) in r.path.iter().enumerate() {
                    if k > 0 {
                        joined.push_str(" > ");
                    }
                    joined.push_str(part);
                }
                path.append_value(&joined);
                level.append_value(&r.level);
                total.push(Some(r.total));
                kind.append_value(r.kind.as_str());
                base.append_value(r.base.as_str());
                direction.append_value(direction_name(r.direction));
                status.push(Some(r.status.code()));
                rule.append_value(rule_name(r.explanation.rule));
                underspend.push(Some(r.significant_underspend));
                movement_direction.append_option(r.movement_direction.map(direction_name));
                line_count.push(Some(r.line_count));
                explanation.append_value(&r.explanation.sentence);
            }
            Out::Failed { id: i, name: n, .. } => {
                id.append_value(i);
                name.append_option(n.as_deref());
                for b in [
                    &mut path,
                    &mut level,
                    &mut kind,
                    &mut base,
                    &mut direction,
                    &mut rule,
                    &mut movement_direction,
                    &mut explanation,
                ] {
                    b.append_null();
                }
                total.push(None);
                status.push(None);
                underspend.push(None);
                line_count.push(None);
            }
        }
    }
    let mut amounts = decimals
        .arrays(outs.iter().map(|o| match o {
            Out::Rated(r) => Some(numbers(r)),
            Out::Failed { .. } => None,
        }))?
        .into_iter()
        .map(|(_, a)| a);
    let mut amount = || -> ArrayRef {
        amounts
            .next()
            .unwrap_or_else(|| Arc::new(arrow_array::NullArray::new(rows)))
    };
    let (error, error_kind) = error_arrays(
        outs.iter().map(|o| match o {
            Out::Failed { error, .. } => Some(error),
            Out::Rated(_) => None,
        }),
        rows,
    );
    let text =
        |b: &mut arrow_array::builder::LargeStringBuilder| -> ArrayRef { Arc::new(b.finish()) };
    let (budget, forecast, variance, percent, movement) =
        (amount(), amount(), amount(), amount(), amount());
    let (original, actual, previous, base_amount) = (amount(), amount(), amount(), amount());
    let columns: Vec<(&str, ArrayRef)> = vec![
        (
            "row",
            row_array((0..rows).map(|r| (r < lines_out).then_some(r))),
        ),
        ("id", text(&mut id)),
        ("name", text(&mut name)),
        ("path", text(&mut path)),
        ("level", text(&mut level)),
        ("total", bool_array(total.into_iter())),
        ("kind", text(&mut kind)),
        ("base", text(&mut base)),
        ("budget", budget),
        ("forecast", forecast),
        ("variance", variance),
        ("variance_percent", percent),
        ("direction", text(&mut direction)),
        ("status", status_array(status)?),
        ("rule", text(&mut rule)),
        ("significant_underspend", bool_array(underspend.into_iter())),
        ("movement", movement),
        ("movement_direction", text(&mut movement_direction)),
        ("original_budget", original),
        ("actual", actual),
        ("previous_forecast", previous),
        ("base_amount", base_amount),
        ("line_count", row_array(line_count.into_iter())),
        ("explanation", text(&mut explanation)),
        ("error", error),
        ("error_kind", error_kind),
    ];
    output_batch(columns)
}
