//! Milestones of a whole plan, as of a date (SPEC §11): [`milestones_batch`].
//!
//! # Input columns
//!
//! Names are set in [`MilestoneFrameOptions`]; the defaults are the milestones CSV headers.
//!
//! | column | types | meaning |
//! | --- | --- | --- |
//! | `id` | text | required |
//! | `due` | `Date32` / `Date64` / `Timestamp`, or text as `yyyy-mm-dd` or `dd/mm/yyyy` | required |
//! | `start`, `completed` | the same | optional |
//! | `percent_complete` | numbers, or text as the CSV reader reads it (`60`, `60%`) | optional |
//! | `description`, `owner`, `note` | anything castable to text | optional |
//!
//! # Output
//!
//! [`MILESTONE_COLUMNS`]: one row per input row, in input order (`row` is its position), each
//! evaluated with [`evaluate_milestone`]. A row whose cells cannot be read, whose milestone is
//! invalid, or that repeats the id of an earlier readable row is an error row naming `row[i]`
//! (and the column, for a cell); the first row of an id is evaluated.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::{ArrayRef, Date32Array, RecordBatch, StringArray};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::{
    Columns, Dates, DecimalColumns, batch as output_batch, cell, error_arrays, number, row_array,
    status_array, text_builder,
};
use crate::error::{Error, ErrorKind, Result};
use crate::frame::{Numbers, row_error};
use crate::milestone::{
    Milestone, MilestoneResult, MilestoneRule, MilestoneSettings, evaluate_milestone,
};

/// The columns [`milestones_batch`] returns, in order.
pub const MILESTONE_COLUMNS: [&str; 16] = [
    "row",
    "id",
    "description",
    "owner",
    "due",
    "completed",
    "as_of",
    "state",
    "status",
    "rule",
    "days_from_due",
    "expected_progress",
    "progress_gap",
    "explanation",
    "error",
    "error_kind",
];

/// Column names of [`milestones_batch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneFrameOptions {
    /// The id column (default `id`).
    pub id: String,
    /// The due date column (default `due`).
    pub due: String,
    /// The description column (default `description`).
    pub description: String,
    /// The owner column (default `owner`).
    pub owner: String,
    /// The start date column (default `start`).
    pub start: String,
    /// The completion date column (default `completed`).
    pub completed: String,
    /// The percent complete column (default `percent_complete`).
    pub percent_complete: String,
    /// The note column (default `note`).
    pub note: String,
}

impl Default for MilestoneFrameOptions {
    fn default() -> Self {
        MilestoneFrameOptions {
            id: "id".into(),
            due: "due".into(),
            description: "description".into(),
            owner: "owner".into(),
            start: "start".into(),
            completed: "completed".into(),
            percent_complete: "percent_complete".into(),
            note: "note".into(),
        }
    }
}

fn rule_name(rule: MilestoneRule) -> &'static str {
    match rule {
        MilestoneRule::CompletedOnTime => "completed_on_time",
        MilestoneRule::CompletedLate => "completed_late",
        MilestoneRule::PastDue => "past_due",
        MilestoneRule::WarningWindow => "warning_window",
        MilestoneRule::BehindProgress => "behind_progress",
        MilestoneRule::OnTrack => "on_track",
    }
}

struct Input {
    id: Option<StringArray>,
    due: Dates,
    description: Option<StringArray>,
    owner: Option<StringArray>,
    start: Dates,
    completed: Dates,
    percent_complete: Numbers,
    note: Option<StringArray>,
}

fn read_milestone(i: usize, options: &MilestoneFrameOptions, input: &Input) -> Result<Milestone> {
    let id = cell(input.id.as_ref(), i).unwrap_or_default().to_string();
    let at = |e: Error, column: &str| {
        row_error(e.with_field(column).with_indicator(id.clone()), i, column)
    };
    let date = |dates: &Dates, column: &str| dates.get(i).map_err(|e| at(e, column));
    let due = date(&input.due, &options.due)?.ok_or_else(|| {
        at(
            Error::new(ErrorKind::Missing {
                field: "a due date".into(),
            }),
            &options.due,
        )
    })?;
    Ok(Milestone {
        id: id.clone(),
        description: cell(input.description.as_ref(), i)
            .unwrap_or_default()
            .to_string(),
        owner: cell(input.owner.as_ref(), i).map(str::to_string),
        start: date(&input.start, &options.start)?,
        due,
        completed: date(&input.completed, &options.completed)?,
        percent_complete: number(&input.percent_complete, i)
            .map_err(|e| at(e, &options.percent_complete))?,
        note: cell(input.note.as_ref(), i).map(str::to_string),
    })
}

/// Evaluates a batch of milestones as of a date; see the [module docs](self).
///
/// # Errors
///
/// A frame that cannot be read: one [`ErrorKind::Syntax`] error listing every problem. Bad
/// rows are error rows.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{Array, RecordBatch, StringArray, cast::AsArray};
/// use chrono::NaiveDate;
/// use ragstatus::bulk::milestone::{milestones_batch, MilestoneFrameOptions};
/// use ragstatus::milestone::MilestoneSettings;
///
/// let batch = RecordBatch::try_from_iter([
///     ("id", Arc::new(StringArray::from(vec!["M-01", "M-02"])) as _),
///     ("due", Arc::new(StringArray::from(vec!["2016-03-04", "31/03/2016"])) as _),
/// ]).map_err(|e| e.to_string())?;
/// let as_of = NaiveDate::from_ymd_opt(2016, 3, 30).ok_or("bad date")?;
/// let out = milestones_batch(&batch, as_of, &MilestoneSettings::default(), &MilestoneFrameOptions::default())?;
/// let states = out.column_by_name("state").ok_or("no state")?.as_string::<i64>();
/// assert_eq!(states.value(0), "Overdue");
/// assert_eq!(states.value(1), "AtRisk");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn milestones_batch(
    batch: &RecordBatch,
    as_of: NaiveDate,
    settings: &MilestoneSettings,
    options: &MilestoneFrameOptions,
) -> Result<RecordBatch> {
    let mut columns = Columns::new(batch);
    let input = Input {
        id: columns.text(&options.id, "id"),
        due: columns.dates(&options.due, true),
        description: columns.optional_text(&options.description),
        owner: columns.optional_text(&options.owner),
        start: columns.dates(&options.start, false),
        completed: columns.dates(&options.completed, false),
        percent_complete: columns
            .numbers(&options.percent_complete, false)
            .written_as(crate::input::NumberForm::Percent),
        note: columns.optional_text(&options.note),
    };
    columns.finish()?;
    let n = batch.num_rows();

    let mut first: HashMap<String, usize> = HashMap::new();
    let mut outs: Vec<Result<MilestoneResult>> = Vec::with_capacity(n);
    for i in 0..n {
        let outcome = read_milestone(i, options, &input).and_then(|m| {
            if let Some(earlier) = first.get(&m.id) {
                return Err(row_error(
                    Error::new(ErrorKind::Duplicate {
                        what: format!("milestone (its id is given twice: also row[{earlier}])"),
                        key: m.id.clone(),
                    })
                    .with_indicator(m.id.clone()),
                    i,
                    &options.id,
                ));
            }
            first.insert(m.id.clone(), i);
            evaluate_milestone(&m, as_of, settings).map_err(|e| {
                e.with_indicator(m.id.clone())
                    .with_field(format!("row[{i}]"))
            })
        });
        outs.push(outcome);
    }

    let numbers = |r: &MilestoneResult| -> [Option<Decimal>; 2] {
        [r.explanation.expected_progress, r.explanation.progress_gap]
    };
    let decimals = DecimalColumns::new(
        ["expected_progress", "progress_gap"],
        outs.iter().filter_map(|o| o.as_ref().ok()).map(numbers),
    );
    for (i, out) in outs.iter_mut().enumerate() {
        if let Ok(r) = out
            && let Some(e) = decimals.misfit(&numbers(r))
        {
            *out = Err(e
                .with_indicator(r.id.clone())
                .with_field(format!("row[{i}]")));
        }
    }

    let days = |d: NaiveDate| d.num_days_from_ce() - 719_163;
    let dates = |f: &dyn Fn(&MilestoneResult) -> Option<NaiveDate>| -> ArrayRef {
        Arc::new(
            outs.iter()
                .map(|o| o.as_ref().ok().and_then(f).map(days))
                .collect::<Date32Array>(),
        )
    };
    let due = dates(&|r| Some(r.due));
    let completed = dates(&|r| r.completed);
    let as_of_column = dates(&|r| Some(r.as_of));
    let mut id = text_builder(n, 8);
    let mut description = text_builder(n, 16);
    let mut owner = text_builder(n, 8);
    let mut state = text_builder(n, 8);
    let mut rule = text_builder(n, 10);
    let mut explanation = text_builder(n, 80);
    let mut status = Vec::with_capacity(n);
    let mut days_from_due: Vec<Option<i64>> = Vec::with_capacity(n);
    for (i, out) in outs.iter().enumerate() {
        match out {
            Ok(r) => {
                id.append_value(&r.id);
                description.append_value(&r.description);
                owner.append_option(r.owner.as_deref());
                state.append_value(r.state.as_str());
                status.push(Some(r.status.code()));
                rule.append_value(rule_name(r.explanation.rule));
                days_from_due.push(Some(r.explanation.days_from_due));
                explanation.append_value(&r.explanation.sentence);
            }
            Err(_) => {
                id.append_option(cell(input.id.as_ref(), i));
                for b in [
                    &mut description,
                    &mut owner,
                    &mut state,
                    &mut rule,
                    &mut explanation,
                ] {
                    b.append_null();
                }
                status.push(None);
                days_from_due.push(None);
            }
        }
    }
    let mut progress = decimals
        .arrays(outs.iter().map(|o| o.as_ref().ok().map(numbers)))?
        .into_iter()
        .map(|(_, a)| a);
    let mut next = || -> ArrayRef {
        progress
            .next()
            .unwrap_or_else(|| Arc::new(arrow_array::NullArray::new(n)))
    };
    let (expected, gap) = (next(), next());
    let (error, error_kind) = error_arrays(outs.iter().map(|o| o.as_ref().err()), n);
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("row", row_array((0..n).map(Some))),
        ("id", Arc::new(id.finish())),
        ("description", Arc::new(description.finish())),
        ("owner", Arc::new(owner.finish())),
        ("due", due),
        ("completed", completed),
        ("as_of", as_of_column),
        ("state", Arc::new(state.finish())),
        ("status", status_array(status)?),
        ("rule", Arc::new(rule.finish())),
        (
            "days_from_due",
            Arc::new(arrow_array::Int64Array::from(days_from_due)),
        ),
        ("expected_progress", expected),
        ("progress_gap", gap),
        ("explanation", Arc::new(explanation.finish())),
        ("error", error),
        ("error_kind", error_kind),
    ];
    output_batch(columns)
}
