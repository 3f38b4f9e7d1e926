//! Assembling the report from the evaluated indicators, budget and milestones.
//!
//! Choices a performance officer would expect, where the spec is silent:
//! - The period reported defaults to the core's `period::latest_reported`: the latest period
//!   with data of the length most indicators report in. Indicators that report less often
//!   than that period are `NotDue`; those that report more often are combined into it.
//! - The summary has one line for the whole council, then each theme followed by its
//!   directorates, in the order they first appear in the definitions file.
//! - Exceptions are every Red indicator and every indicator worsening against the previous
//!   period or the same period last year, Red first, then in report order.
//! - The trend shows the indicator's own actuals over the last `history` periods of the report's
//!   length (quarters for a quarterly report), with gaps where there is no value.

use ragstatus::Status;
use ragstatus::summary::{Counts, Summary, SummaryItem};

use crate::model::{IndicatorRow, Report, SummaryRow};

/// The summary lines for a list of indicator rows (in report order).
pub fn summarise(rows: &[IndicatorRow]) -> Vec<SummaryRow> {
    let mut groups: Vec<Vec<String>> = vec![Vec::new()];
    for row in rows {
        let group = &row.indicator.group;
        for depth in 1..=group.len().min(2) {
            let path: Vec<String> = group.iter().take(depth).cloned().collect();
            if !groups.contains(&path) {
                groups.push(path);
            }
        }
    }
    // Themes each followed by their directorates.
    let mut ordered: Vec<Vec<String>> = vec![Vec::new()];
    for theme in groups.iter().filter(|g| g.len() == 1) {
        ordered.push(theme.clone());
        for directorate in groups
            .iter()
            .filter(|g| g.len() == 2 && g.first() == theme.first())
        {
            ordered.push(directorate.clone());
        }
    }
    let items: Vec<SummaryItem> = rows
        .iter()
        .map(|r| {
            SummaryItem::new(
                r.id(),
                r.indicator.group.iter().take(2),
                r.status(),
                Some(r.result.direction),
            )
        })
        .collect();
    let summary = Summary::build(&items, None).ok();
    ordered
        .into_iter()
        .map(|group| {
            let counts = summary.as_ref().and_then(|s| {
                if group.is_empty() {
                    Some(s.overall.counts.clone())
                } else {
                    s.group(&group).map(|g| g.counts.clone())
                }
            });
            row(group, counts.unwrap_or_default())
        })
        .collect()
}

fn row(group: Vec<String>, counts: Counts) -> SummaryRow {
    SummaryRow {
        group,
        indicators: counts.total,
        blue: counts.blue,
        green: counts.green,
        amber: counts.amber,
        red: counts.red,
        unrated: counts.total.saturating_sub(counts.rated),
        percent_on_target: counts.percent_on_target_rounded(1),
        improving: counts.improving,
        no_change: counts.no_change,
        worsening: counts.worsening,
        not_comparable: counts.not_comparable,
    }
}

/// The exception ids: Red first, then worsening, each in report order.
pub fn exceptions(rows: &[IndicatorRow]) -> Vec<String> {
    let red = rows.iter().filter(|r| r.status() == Status::Red);
    let worse = rows
        .iter()
        .filter(|r| r.status() != Status::Red && r.is_exception());
    red.chain(worse).map(|r| r.id().to_string()).collect()
}

/// Sorts indicator rows by their group, keeping file order within a group and groups in order
/// of first appearance.
pub fn order_by_group(rows: &mut [IndicatorRow]) {
    let mut themes: Vec<Option<String>> = Vec::new();
    let mut order: Vec<Vec<String>> = Vec::new();
    for group in rows.iter().map(|r| &r.indicator.group) {
        if !themes.contains(&group.first().cloned()) {
            themes.push(group.first().cloned());
        }
        if !order.contains(group) {
            order.push(group.clone());
        }
    }
    rows.sort_by_key(|r| {
        let group = &r.indicator.group;
        (
            position(&themes, &group.first().cloned()),
            position(&order, group),
        )
    });
}

fn position<T: PartialEq>(list: &[T], item: &T) -> usize {
    list.iter().position(|x| x == item).unwrap_or(usize::MAX)
}

/// A report with no budget or milestones yet.
pub fn report(
    title: String,
    period: String,
    history_periods: Vec<String>,
    mut rows: Vec<IndicatorRow>,
    problems: Vec<String>,
) -> Report {
    order_by_group(&mut rows);
    Report {
        title,
        period,
        history_periods,
        summary: summarise(&rows),
        exceptions: exceptions(&rows),
        indicators: rows,
        national: Vec::new(),
        budget: None,
        milestones: None,
        problems,
    }
}
