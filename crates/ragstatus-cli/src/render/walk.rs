//! The one walk over the report's sections, in the order every format shows them, and the cells
//! the formats share.
//!
//! [`walk`] calls a format's [`Sections`] callbacks: the title, the icon summary, the
//! performance summary, the
//! exceptions, each group's indicators, Appendix A, the improvement plan and the data problems.
//! A format writes only what it shows of each; none walks the report itself.

use ragstatus::{Decimal, Direction, Status};

use super::view::{
    IconShown, IconSummaryView, NationalShown, NationalView, Shown, SpcView, View, direction_label,
};
use crate::model::{
    BudgetLevel, BudgetRow, BudgetSection, MilestoneRow, MilestoneSection, SummaryRow, money,
    percent, sparkline, status_label,
};

/// What a format does with each section of the report. Sections a format does not show are
/// left to the defaults, which write nothing.
pub trait Sections<'a> {
    /// The title and the period.
    fn title(&mut self, _view: &'a View) {}
    /// The icon summary, before section 1: each SPC indicator's variation and assurance icons.
    fn icon_summary(&mut self, _view: &'a View, _icons: &'a IconSummaryView) {}
    /// Section 1: the performance summary, overall then per theme and directorate.
    fn summary(&mut self, _rows: &'a [SummaryRow]) {}
    /// Section 2: the exceptions, Red first, then worsening.
    fn exceptions(&mut self, _rows: &[&'a Shown]) {}
    /// Section 3 begins.
    fn indicators_start(&mut self) {}
    /// Section 3: one group's indicators, in report order.
    fn group(&mut self, _view: &'a View, _group: &'a [String], _rows: &[&'a Shown]) {}
    /// Section 3 ends.
    fn indicators_end(&mut self) {}
    /// After section 3: the indicators compared with one national value ("Compared with
    /// England"), once per national value named in the definitions.
    fn national(&mut self, _view: &'a View, _section: &'a NationalView) {}
    /// Appendix A: the budget position.
    fn budget(&mut self, _budget: &'a BudgetSection) {}
    /// The improvement plan.
    fn milestones(&mut self, _plan: &'a MilestoneSection) {}
    /// The rows of the input files that could not be used (possibly none).
    fn problems(&mut self, _problems: &'a [String]) {}
    /// The output.
    fn finish(self) -> Result<String, String>;
}

/// Walks the report's sections in order, handing each to the format.
pub fn walk<'a, S: Sections<'a>>(view: &'a View, mut format: S) -> Result<String, String> {
    format.title(view);
    format.icon_summary(view, &view.icon_summary);
    format.summary(&view.summary);
    let exceptions: Vec<&Shown> = view
        .exceptions
        .iter()
        .filter_map(|id| view.indicators.iter().find(|r| &r.id == id))
        .collect();
    format.exceptions(&exceptions);
    let mut groups: Vec<(&[String], Vec<&Shown>)> = Vec::new();
    for row in &view.indicators {
        match groups.last_mut() {
            Some((group, rows)) if *group == row.group.as_slice() => rows.push(row),
            _ => groups.push((&row.group, vec![row])),
        }
    }
    format.indicators_start();
    for (group, rows) in groups {
        format.group(view, group, &rows);
    }
    format.indicators_end();
    for section in &view.compared_with {
        format.national(view, section);
    }
    if let Some(budget) = &view.budget {
        format.budget(budget);
    }
    if let Some(plan) = &view.milestones {
        format.milestones(plan);
    }
    format.problems(&view.problems);
    format.finish()
}

/// A text or a dash.
pub fn opt(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "–".to_string())
}

fn pct(value: Option<Decimal>) -> String {
    match value {
        Some(_) => percent(value),
        None => "–".to_string(),
    }
}

/// The cells of a summary line, as [`SUMMARY_HEAD`] names them.
pub fn summary_cells(row: &SummaryRow) -> Vec<String> {
    vec![
        row.label(),
        row.indicators.to_string(),
        row.blue.to_string(),
        row.green.to_string(),
        row.amber.to_string(),
        row.red.to_string(),
        row.unrated.to_string(),
        pct(row.percent_on_target),
        row.improving.to_string(),
        row.no_change.to_string(),
        row.worsening.to_string(),
        row.not_comparable.to_string(),
    ]
}

/// The numeric columns of the summary.
pub const SUMMARY_NUMBERS: [usize; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

/// Compact column heads for text formats, explained by [`SUMMARY_LEGEND`].
pub const SUMMARY_HEAD_SHORT: [&str; 12] = [
    "Group",
    "No.",
    "★",
    "✔",
    "▲",
    "✖",
    "Not rated",
    "% on target",
    "↑",
    "→",
    "↓",
    "–",
];

/// What the compact heads mean.
pub const SUMMARY_LEGEND: &str = "★ Blue, ✔ Green, ▲ Amber, ✖ Red; not rated: no data, no target or not due. \
                              % on target: Green or Blue, of those rated. Direction of travel \
                              (against the previous period, or the same period last year where \
                              the indicator says so): ↑ improving, → no change, ↓ worsening, \
                              – not comparable.";

/// The summary's column heads in words.
pub const SUMMARY_HEAD: [&str; 12] = [
    "Group",
    "Indicators",
    "★ Blue",
    "✔ Green",
    "▲ Amber",
    "✖ Red",
    "Not rated",
    "% on target",
    "↑ Improving",
    "→ No change",
    "↓ Worsening",
    "– n/a",
];

/// The indicator table's column heads.
pub const INDICATOR_HEAD: [&str; 9] = [
    "ID",
    "Indicator",
    "Target",
    "Actual",
    "Status",
    "vs previous",
    "vs last year",
    "Trend",
    "Notes",
];

/// The cells of an indicator's line, as [`INDICATOR_HEAD`] names them.
pub fn indicator_cells(row: &Shown) -> Vec<String> {
    let mut notes = Vec::new();
    if row.provisional {
        notes.push("Provisional".to_string());
    }
    if let Some(note) = &row.note {
        notes.push(note.clone());
    }
    vec![
        row.id.clone(),
        row.name.clone(),
        opt(&row.target),
        opt(&row.actual),
        indicator_status(row),
        with_value(row.vs_previous, &row.previous),
        with_value(row.vs_year_ago, &row.year_ago),
        sparkline(&row.history),
        notes.join("; "),
    ]
}

/// The status shown for an indicator: `▲ Amber`, or `▲ Amber (computed ✖ Red)` when a person
/// overrode it.
pub fn indicator_status(row: &Shown) -> String {
    match row.computed_status {
        Some(computed) => format!(
            "{} (computed {})",
            status_label(row.status),
            status_label(computed)
        ),
        None => status_label(row.status).to_string(),
    }
}

/// A direction with the value compared with: `↑ Improving (was 91.9%)`.
pub fn with_value(direction: Direction, value: &Option<String>) -> String {
    match value {
        Some(v) if direction != Direction::NotComparable => {
            format!("{} (was {v})", direction_label(direction))
        }
        _ => direction_label(direction).to_string(),
    }
}

/// The icon summary's heading.
pub const ICON_TITLE: &str = "Icon summary: variation and assurance";

/// The icon summary's column heads.
pub const ICON_HEAD: [&str; 7] = [
    "ID",
    "Indicator",
    "Latest",
    "Variation",
    "Assurance",
    "Target",
    "Points",
];

/// The cells of an icon summary row, as [`ICON_HEAD`] names them. The latest value names its
/// period when that is not the period reported (no value this period).
pub fn icon_cells(view: &View, icon: &IconShown) -> Vec<String> {
    let row = &icon.row;
    let latest = match (&icon.value_shown, &row.period) {
        (Some(value), Some(period)) if *period != view.period => format!("{value} ({period})"),
        (Some(value), _) => value.clone(),
        (None, _) => "–".to_string(),
    };
    vec![
        row.id.clone(),
        row.name.clone(),
        latest,
        icon.variation_label.to_string(),
        icon.assurance_label.to_string(),
        opt(&icon.target_shown),
        if row.trial_limits {
            format!("{} (trial limits)", row.points)
        } else {
            row.points.to_string()
        },
    ]
}

/// What the icons mean, under the table.
pub const ICON_LEGEND: &str = "Variation: is the latest change more than the usual ups and \
                               downs? Improvement or concern, high or low by which way the \
                               figures moved; special cause (high or low) where neither \
                               direction is better; common cause: no significant change. \
                               Assurance: will the process meet its target? Consistently \
                               passing, consistently failing, or hit and miss (the target lies \
                               within the process limits). Trial limits: fewer than 12 points, \
                               so read the icons with care.";

/// The line under the icon summary naming the indicators it leaves out, if any.
pub fn icon_not_analysed(icons: &IconSummaryView) -> Option<String> {
    let n = icons.not_analysed.len();
    (n > 0).then(|| {
        format!(
            "Not in this table: {n} indicator{} whose definition{} not enable SPC ({}).",
            if n == 1 { "" } else { "s" },
            if n == 1 { " does" } else { "s do" },
            icons.not_analysed.join(", ")
        )
    })
}

/// The column heads of a comparison with a national value, the national value's column named
/// after it.
pub fn national_head(against: &str) -> Vec<String> {
    vec![
        "ID".to_string(),
        "Indicator".to_string(),
        "Value".to_string(),
        "Confidence interval".to_string(),
        against.to_string(),
        format!("Compared with {against}"),
    ]
}

/// The numeric columns of the comparison table.
pub const NATIONAL_NUMBERS: [usize; 3] = [2, 3, 4];

/// The cells of a comparison row, as [`national_head`] names them.
pub fn national_cells(row: &NationalShown) -> Vec<String> {
    let interval = match (&row.interval_shown, row.level) {
        (Some(text), Some(level)) => format!("{text} ({level})"),
        _ => "–".to_string(),
    };
    vec![
        row.id.clone(),
        row.name.clone(),
        opt(&row.value_shown),
        interval,
        opt(&row.national_shown),
        row.outcome_shown.clone(),
    ]
}

/// The sentences under the comparison table, one per indicator: "SW-01: 30.8 (95% CI ...)".
pub fn national_lines(section: &NationalView) -> Vec<String> {
    section
        .rows
        .iter()
        .map(|r| format!("{}: {}", r.id, r.sentence))
        .collect()
}

/// What the comparison table means, under it.
pub fn national_legend(against: &str) -> String {
    format!(
        "Each value's confidence interval is set against {against}'s value: {against} inside \
         the interval (limits included) is Similar; outside it, Better or Worse by the \
         indicator's polarity (Higher or Lower where neither is better), at the level named. \
         Not compared: no interval could be made, for the reason given."
    )
}

/// Appendix A's column heads.
pub const BUDGET_HEAD: [&str; 8] = [
    "Budget line",
    "Budget",
    "Forecast",
    "Variance",
    "Variance %",
    "Movement",
    "Variance is",
    "RAG",
];

/// The cells of a budget row, as [`BUDGET_HEAD`] names them; a line's name is indented.
pub fn budget_cells(row: &BudgetRow) -> Vec<String> {
    let name = match row.level {
        BudgetLevel::Line => format!("  {} {}", row.id.as_deref().unwrap_or_default(), row.name),
        BudgetLevel::Directorate | BudgetLevel::Fund | BudgetLevel::Total => row.name.clone(),
    };
    vec![
        name,
        money(row.budget),
        money(row.forecast),
        money(row.variance),
        percent(row.variance_percent),
        row.movement.map(money).unwrap_or_else(|| "–".into()),
        if row.variance.is_zero() {
            "breakeven".into()
        } else if row.adverse {
            "adverse".into()
        } else {
            "favourable".into()
        },
        status_label(row.status).to_string(),
    ]
}

/// The improvement plan's column heads.
pub const MILESTONE_HEAD: [&str; 7] = [
    "ID",
    "Action",
    "Owner",
    "Due",
    "Completed",
    "% done",
    "State",
];

/// The cells of an action, as [`MILESTONE_HEAD`] names them.
pub fn milestone_cells(row: &MilestoneRow) -> Vec<String> {
    vec![
        row.id.clone(),
        row.action.clone(),
        row.owner.clone(),
        row.due.clone(),
        opt(&row.completed),
        row.percent_complete
            .map(|p| format!("{p}%"))
            .unwrap_or_else(|| "–".into()),
        format!("{} ({})", row.state_label, status_label(row.status)),
    ]
}

/// Commentary under Appendix A: every line with a note, with the reason for its rating.
pub fn budget_commentary(budget: &BudgetSection) -> Vec<String> {
    budget
        .rows
        .iter()
        .filter(|r| r.note.is_some())
        .map(|r| {
            format!(
                "{} {} ({}): {}. {}",
                r.id.as_deref().unwrap_or_default(),
                r.name,
                status_label(r.status),
                r.explanation,
                r.note.as_deref().unwrap_or_default()
            )
        })
        .collect()
}

/// Commentary under the actions: every action not complete on time, with its assessment.
pub fn milestone_commentary(plan: &MilestoneSection) -> Vec<String> {
    plan.rows
        .iter()
        .filter(|r| r.status != Status::Green)
        .map(|r| {
            let mut text = format!(
                "{} {} ({}): {}",
                r.id,
                r.state_label,
                status_label(r.status),
                r.explanation
            );
            if let Some(note) = &r.note {
                text.push_str(&format!(". {note}"));
            }
            text
        })
        .collect()
}

/// The benchmark lines of a group's indicators: "SW-01 Benchmark: 3rd of 7 (quartile 2); ...".
pub fn benchmark_lines(rows: &[&Shown]) -> Vec<String> {
    rows.iter()
        .filter_map(|r| r.benchmark.as_ref().map(|b| format!("{} {}", r.id, b.line)))
        .collect()
}

/// The SPC analyses of a group's indicators, for those whose definition enables it.
pub fn spc_lines<'a>(rows: &[&'a Shown]) -> Vec<(&'a Shown, &'a SpcView)> {
    rows.iter()
        .filter_map(|r| r.spc.as_ref().map(|s| (*r, s)))
        .collect()
}
