//! Appendix A (budget position) and the improvement plan, from the library's results.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use ragstatus::budget::{
    AmountUnit, BudgetCsvOptions, BudgetReport, BudgetResult, BudgetSettings, VarianceDirection,
    read_budget_csv, roll_up,
};
use ragstatus::milestone::{
    MilestoneCsvOptions, MilestoneSettings, MilestoneState, evaluate_milestones,
    read_milestones_csv,
};
use ragstatus::{Decimal, Error};

use crate::model::{BudgetLevel, BudgetRow, BudgetSection, MilestoneRow, MilestoneSection};

/// Reads, rolls up and lays out the budget; bad rows go to `problems`.
pub fn budget(
    path: &Path,
    unit: AmountUnit,
    settings: &BudgetSettings,
    problems: &mut Vec<Error>,
) -> Result<BudgetSection, Error> {
    let file = path.display().to_string();
    let input = std::fs::File::open(path).map_err(|e| Error::from(e).with_file(&file))?;
    let options = BudgetCsvOptions {
        unit,
        file: Some(file.clone()),
        ..Default::default()
    };
    let read = read_budget_csv(std::io::BufReader::new(input), &options)?;
    problems.extend(read.errors.iter().cloned());
    let report = roll_up(&read.lines, settings).map_err(|e| e.with_file(&file))?;
    problems.extend(
        report
            .errors
            .iter()
            .map(|e| read.locate(e.clone()).with_file(&file)),
    );
    let notes: HashMap<String, String> = read
        .lines
        .iter()
        .filter_map(|l| l.note.clone().map(|n| (l.id.clone(), n)))
        .collect();
    Ok(layout(&report, unit, &notes))
}

fn divisor(unit: AmountUnit) -> (Decimal, &'static str) {
    match unit {
        AmountUnit::Pounds => (Decimal::ONE, "£"),
        AmountUnit::Thousands => (Decimal::ONE_THOUSAND, "£'000"),
        AmountUnit::Millions => (Decimal::from(1_000_000), "£m"),
    }
}

/// Every line under its fund and directorate, each directorate followed by its total, each
/// fund by its total, the whole council last. Amounts are shown in the file's unit.
fn layout(
    report: &BudgetReport,
    unit: AmountUnit,
    notes: &HashMap<String, String>,
) -> BudgetSection {
    let (div, label) = divisor(unit);
    let shown = |x: Decimal| x.checked_div(div).unwrap_or(x);
    let row = |r: &BudgetResult, level: BudgetLevel, name: String| BudgetRow {
        level,
        id: (level == BudgetLevel::Line).then(|| r.id.clone()),
        name,
        fund: r.path.first().cloned().unwrap_or_default(),
        directorate: r.path.get(1).cloned(),
        kind: (level == BudgetLevel::Line).then(|| r.kind.as_str().to_string()),
        budget: shown(r.budget),
        forecast: shown(r.forecast),
        variance: shown(r.variance),
        variance_percent: r.variance_percent,
        adverse: r.direction == VarianceDirection::Adverse,
        movement: r.movement.map(shown),
        status: r.status,
        significant_underspend: r.significant_underspend,
        explanation: r.explanation.sentence.clone(),
        note: None,
    };
    let mut rows = Vec::new();
    // Group paths of lines: [fund, directorate] (deeper paths are shown under their first two
    // segments; a one-segment path is a fund with lines directly under it).
    let mut funds: Vec<String> = Vec::new();
    for line in &report.lines {
        if let Some(fund) = line.path.first().filter(|f| !funds.contains(f)) {
            funds.push(fund.clone());
        }
    }
    let total_of = |path: &[String]| report.totals.iter().find(|t| t.path == path);
    for fund in &funds {
        let mut directorates: Vec<Option<String>> = Vec::new();
        for line in report.lines.iter().filter(|l| l.path.first() == Some(fund)) {
            let d = line.path.get(1).cloned();
            if !directorates.contains(&d) {
                directorates.push(d);
            }
        }
        for directorate in &directorates {
            for line in report
                .lines
                .iter()
                .filter(|l| l.path.first() == Some(fund) && l.path.get(1).cloned() == *directorate)
            {
                let mut r = row(line, BudgetLevel::Line, line.name.clone());
                r.note = notes.get(&line.id).cloned();
                rows.push(r);
            }
            if let Some(d) = directorate {
                let path = [fund.clone(), d.clone()];
                if let Some(total) = total_of(&path) {
                    rows.push(row(total, BudgetLevel::Directorate, format!("{d} total")));
                }
            }
        }
        if let Some(total) = total_of(std::slice::from_ref(fund)) {
            rows.push(row(total, BudgetLevel::Fund, format!("{fund} total")));
        }
    }
    if let Some(total) = report.fund() {
        rows.push(row(
            total,
            BudgetLevel::Total,
            format!("{} total", total.name),
        ));
    }
    BudgetSection {
        unit: label.to_string(),
        rows,
    }
}

/// Reads and evaluates the improvement plan as of a date, overdue and at risk first.
pub fn milestones(
    path: &Path,
    as_of: NaiveDate,
    problems: &mut Vec<Error>,
) -> Result<MilestoneSection, Error> {
    let file = path.display().to_string();
    let input = std::fs::File::open(path).map_err(|e| Error::from(e).with_file(&file))?;
    let options = MilestoneCsvOptions {
        file: Some(file.clone()),
    };
    let read = read_milestones_csv(std::io::BufReader::new(input), &options)?;
    problems.extend(read.errors.iter().cloned());
    let report = evaluate_milestones(&read.milestones, as_of, &MilestoneSettings::default());
    problems.extend(
        report
            .errors
            .iter()
            .map(|e| read.locate(e.clone()).with_file(&file)),
    );
    let rank = |state: MilestoneState| match state {
        MilestoneState::Overdue => 0,
        MilestoneState::AtRisk => 1,
        MilestoneState::CompleteLate => 2,
        MilestoneState::OnTrack => 3,
        MilestoneState::Complete => 4,
    };
    let mut results: Vec<_> = report.results.iter().collect();
    results.sort_by_key(|r| (rank(r.state), r.due));
    let rows = results
        .into_iter()
        .map(|r| {
            let source = read.milestones.iter().find(|m| m.id == r.id);
            MilestoneRow {
                id: r.id.clone(),
                action: r.description.clone(),
                owner: r.owner.clone().unwrap_or_default(),
                due: r.due.format("%-d %b %Y").to_string(),
                completed: r.completed.map(|d| d.format("%-d %b %Y").to_string()),
                percent_complete: source.and_then(|m| m.percent_complete),
                state: r.state.as_str().to_string(),
                state_label: state_words(r.state).to_string(),
                status: r.status,
                explanation: r.explanation.sentence.clone(),
                note: source.and_then(|m| m.note.clone()),
            }
        })
        .collect();
    Ok(MilestoneSection {
        as_of: as_of.format("%-d %B %Y").to_string(),
        rows,
    })
}

fn state_words(state: MilestoneState) -> &'static str {
    match state {
        MilestoneState::Complete => "Complete",
        MilestoneState::CompleteLate => "Completed late",
        MilestoneState::Overdue => "Overdue",
        MilestoneState::AtRisk => "At risk",
        MilestoneState::OnTrack => "On track",
    }
}
