//! Rendering the report: terminal table, Markdown, HTML, JSON and CSV.
//!
//! Every format shows the same [`Report`]. Status is always given as a symbol and a word
//! (`✖ Red`), never by colour alone. CSV carries the indicator table (section 3), one row per
//! indicator, for spreadsheets; JSON carries every section.
//!
//! In section 3, under each group's table: the position among comparators of each indicator
//! that has comparator values ("SW-01 Benchmark: joint 5th of 15 (quartile 2); ..."), and for
//! each indicator whose definition enables SPC its SPC line (the variation icon with the rule
//! behind it, the assurance icon, and whether the limits are trial limits) and a sentence saying
//! why; HTML adds an XmR chart (see [`crate::chart`]). CSV has the icons, rule and benchmark
//! figures as columns; JSON has the full SPC result (every point, segment and signal) and
//! benchmark.

use std::fmt::Write as _;

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};
use ragstatus::{Decimal, Direction, Status};

use crate::model::{
    BudgetLevel, Report, SummaryRow, money, percent, scale, sparkline, status_class, status_label,
};

pub mod view;

use view::{Shown, SpcView, View, direction_key, direction_label};

/// An output format of `ragstatus report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Plain-text tables for the terminal.
    Table,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// One self-contained HTML file.
    Html,
    /// Every section as one JSON document.
    Json,
    /// The indicator table as CSV.
    Csv,
}

/// Renders the report in a format.
pub fn render(report: &Report, format: Format) -> Result<String, String> {
    let report = &View::of(report);
    match format {
        Format::Table => Ok(table(report)),
        Format::Markdown => Ok(markdown(report)),
        Format::Html => Ok(html(report)),
        Format::Json => serde_json::to_string_pretty(report)
            .map(|s| s + "\n")
            .map_err(|e| e.to_string()),
        Format::Csv => csv(report),
    }
}

fn opt(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "–".to_string())
}

fn pct(value: Option<Decimal>) -> String {
    match value {
        Some(_) => percent(value),
        None => "–".to_string(),
    }
}

fn summary_cells(row: &SummaryRow) -> Vec<String> {
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

/// Compact column heads for text formats, explained by [`SUMMARY_LEGEND`].
const SUMMARY_HEAD_SHORT: [&str; 12] = [
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

const SUMMARY_LEGEND: &str = "★ Blue, ✔ Green, ▲ Amber, ✖ Red; not rated: no data, no target or not due. \
                              % on target: Green or Blue, of those rated. Direction of travel \
                              (against the previous period, or the same period last year where \
                              the indicator says so): ↑ improving, → no change, ↓ worsening, \
                              – not comparable.";

const SUMMARY_HEAD: [&str; 12] = [
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

const INDICATOR_HEAD: [&str; 9] = [
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

fn indicator_cells(row: &Shown) -> Vec<String> {
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
fn indicator_status(row: &Shown) -> String {
    match row.computed_status {
        Some(computed) => format!(
            "{} (computed {})",
            status_label(row.status),
            status_label(computed)
        ),
        None => status_label(row.status).to_string(),
    }
}

fn indicator_status_html(row: &Shown) -> String {
    match row.computed_status {
        Some(computed) => format!(
            "{} <small>(computed {})</small>",
            status_html(row.status),
            escape(status_label(computed))
        ),
        None => status_html(row.status),
    }
}

fn with_value(travel: Direction, value: &Option<String>) -> String {
    match value {
        Some(v) if travel != Direction::NotComparable => format!("{} (was {v})", direction_label(travel)),
        _ => direction_label(travel).to_string(),
    }
}

const BUDGET_HEAD: [&str; 8] = [
    "Budget line",
    "Budget",
    "Forecast",
    "Variance",
    "Variance %",
    "Movement",
    "Variance is",
    "RAG",
];

fn budget_cells(row: &crate::model::BudgetRow) -> Vec<String> {
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

const MILESTONE_HEAD: [&str; 7] = [
    "ID",
    "Action",
    "Owner",
    "Due",
    "Completed",
    "% done",
    "State",
];

fn milestone_cells(row: &crate::model::MilestoneRow) -> Vec<String> {
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
fn budget_commentary(budget: &crate::model::BudgetSection) -> Vec<String> {
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
fn milestone_commentary(plan: &crate::model::MilestoneSection) -> Vec<String> {
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

/// The SPC lines of a group's indicators: the line, then the analysis in a sentence.
fn spc_lines<'a>(rows: &[&'a Shown]) -> Vec<(&'a Shown, &'a SpcView)> {
    rows.iter()
        .filter_map(|r| r.spc.as_ref().map(|s| (*r, s)))
        .collect()
}

/// The benchmark lines of a group's indicators: "SW-01 Benchmark: 3rd of 7 (quartile 2); ...".
fn benchmark_lines(rows: &[&Shown]) -> Vec<String> {
    rows.iter()
        .filter_map(|r| r.benchmark.as_ref().map(|b| format!("{} {}", r.id, b.line)))
        .collect()
}

fn grouped(report: &View) -> Vec<(Vec<String>, Vec<&Shown>)> {
    let mut groups: Vec<(Vec<String>, Vec<&Shown>)> = Vec::new();
    for row in &report.indicators {
        match groups.last_mut() {
            Some((group, rows)) if *group == row.group => rows.push(row),
            _ => groups.push((row.group.clone(), vec![row])),
        }
    }
    groups
}

fn exceptions(report: &View) -> Vec<&Shown> {
    report
        .exceptions
        .iter()
        .filter_map(|id| report.indicators.iter().find(|r| &r.id == id))
        .collect()
}

// ----- table -----------------------------------------------------------------------------------

fn text_table(head: &[&str], rows: Vec<Vec<String>>, right: &[usize]) -> String {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(head.iter().map(Cell::new));
    for row in rows {
        table.add_row(row.into_iter().enumerate().map(|(i, text)| {
            let cell = Cell::new(text);
            if right.contains(&i) {
                cell.set_alignment(CellAlignment::Right)
            } else {
                cell
            }
        }));
    }
    table.to_string()
}

fn table(report: &View) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}\n{}\n\nPeriod: {}\n",
        report.title,
        "=".repeat(report.title.chars().count()),
        report.period
    );
    let _ = writeln!(out, "1. Performance summary\n");
    let _ = writeln!(
        out,
        "{}\n",
        text_table(
            &SUMMARY_HEAD_SHORT,
            report.summary.iter().map(summary_cells).collect(),
            &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
        )
    );
    let _ = writeln!(out, "{SUMMARY_LEGEND}\n");
    let _ = writeln!(
        out,
        "2. Exceptions: every Red indicator and every indicator getting worse\n"
    );
    let exceptions = exceptions(report);
    if exceptions.is_empty() {
        let _ = writeln!(out, "None.\n");
    }
    for row in exceptions {
        let _ = writeln!(
            out,
            "{} {} [{}; {} on last period, {} on last year]\n    {}",
            row.id,
            row.name,
            indicator_status(row),
            direction_label(row.vs_previous),
            direction_label(row.vs_year_ago),
            row.explanation
        );
        if let Some(note) = &row.note {
            let _ = writeln!(out, "    Note: {note}");
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "3. Indicators\n");
    for (group, rows) in grouped(report) {
        let _ = writeln!(out, "{}\n", group.join(" / "));
        let _ = writeln!(
            out,
            "{}\n",
            text_table(
                &INDICATOR_HEAD,
                rows.iter().copied().map(indicator_cells).collect(),
                &[2, 3]
            )
        );
        for (row, spc) in spc_lines(&rows) {
            let _ = writeln!(out, "{} {}\n    {}\n", row.id, spc.line, spc.explanation);
        }
        let benchmarks = benchmark_lines(&rows);
        for line in &benchmarks {
            let _ = writeln!(out, "{line}");
        }
        if !benchmarks.is_empty() {
            let _ = writeln!(out);
        }
    }
    if let Some(budget) = &report.budget {
        let _ = writeln!(out, "Appendix A. Budget position ({})\n", budget.unit);
        let _ = writeln!(
            out,
            "{}\n",
            text_table(
                &BUDGET_HEAD,
                budget.rows.iter().map(budget_cells).collect(),
                &[1, 2, 3, 4, 5]
            )
        );
        for line in budget_commentary(budget) {
            let _ = writeln!(out, "- {line}");
        }
        let _ = writeln!(out);
    }
    if let Some(plan) = &report.milestones {
        let _ = writeln!(out, "Actions and milestones (as at {})\n", plan.as_of);
        let _ = writeln!(
            out,
            "{}\n",
            text_table(
                &MILESTONE_HEAD,
                plan.rows.iter().map(milestone_cells).collect(),
                &[5]
            )
        );
        for line in milestone_commentary(plan) {
            let _ = writeln!(out, "- {line}");
        }
        let _ = writeln!(out);
    }
    problems_text(report, &mut out);
    out
}

fn problems_text(report: &View, out: &mut String) {
    if !report.problems.is_empty() {
        let _ = writeln!(
            out,
            "Data problems ({} rows not used)\n",
            report.problems.len()
        );
        for p in &report.problems {
            let _ = writeln!(out, "- {p}");
        }
        let _ = writeln!(out);
    }
}

// ----- markdown --------------------------------------------------------------------------------

fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn md_table(out: &mut String, head: &[&str], rows: Vec<Vec<String>>, right: &[usize]) {
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let aligns: Vec<&str> = (0..head.len())
        .map(|i| if right.contains(&i) { "---:" } else { "---" })
        .collect();
    let _ = writeln!(out, "| {} |", aligns.join(" | "));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| md_escape(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    let _ = writeln!(out);
}

fn markdown(report: &View) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}\n\nPeriod: {}\n",
        md_escape(&report.title),
        md_escape(&report.period)
    );
    let _ = writeln!(out, "## 1. Performance summary\n");
    md_table(
        &mut out,
        &SUMMARY_HEAD_SHORT,
        report.summary.iter().map(summary_cells).collect(),
        &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    );
    let _ = writeln!(out, "{}\n", md_escape(SUMMARY_LEGEND));
    let _ = writeln!(
        out,
        "## 2. Exceptions\n\nEvery Red indicator and every indicator getting worse.\n"
    );
    let exceptions = exceptions(report);
    if exceptions.is_empty() {
        let _ = writeln!(out, "None.\n");
    }
    for row in exceptions {
        let _ = writeln!(
            out,
            "- **{} {}**: {}; {} on last period, {} on last year.  \n  {}",
            md_escape(&row.id),
            md_escape(&row.name),
            indicator_status(row),
            direction_label(row.vs_previous),
            direction_label(row.vs_year_ago),
            md_escape(&row.explanation)
        );
        if let Some(note) = &row.note {
            let _ = writeln!(out, "  *Note: {}*", md_escape(note));
        }
    }
    let _ = writeln!(out, "\n## 3. Indicators\n");
    for (group, rows) in grouped(report) {
        let _ = writeln!(out, "### {}\n", md_escape(&group.join(" / ")));
        md_table(
            &mut out,
            &INDICATOR_HEAD,
            rows.iter().copied().map(indicator_cells).collect(),
            &[2, 3],
        );
        let spc = spc_lines(&rows);
        let benchmarks = benchmark_lines(&rows);
        for line in &benchmarks {
            let _ = writeln!(out, "- {}", md_escape(line));
        }
        for (row, spc) in &spc {
            let _ = writeln!(
                out,
                "- **{}** {}  \n  {}",
                md_escape(&row.id),
                md_escape(&spc.line),
                md_escape(&spc.explanation)
            );
        }
        if !spc.is_empty() || !benchmarks.is_empty() {
            let _ = writeln!(out);
        }
    }
    if let Some(budget) = &report.budget {
        let _ = writeln!(out, "## Appendix A. Budget position ({})\n", budget.unit);
        let rows = budget
            .rows
            .iter()
            .map(|r| {
                let mut cells = budget_cells(r);
                if r.level != BudgetLevel::Line {
                    if let Some(first) = cells.first_mut() {
                        *first = format!("**{}**", md_escape(first));
                    }
                }
                cells
            })
            .collect::<Vec<_>>();
        // Bold markers must survive escaping, so this table is written without escaping the
        // (already escaped) first column.
        let _ = writeln!(out, "| {} |", BUDGET_HEAD.join(" | "));
        let _ = writeln!(
            out,
            "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |"
        );
        for (row, cells) in budget.rows.iter().zip(rows) {
            let rendered: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    if i == 0 && row.level != BudgetLevel::Line {
                        c.clone()
                    } else {
                        md_escape(c.trim_start())
                    }
                })
                .collect();
            let _ = writeln!(out, "| {} |", rendered.join(" | "));
        }
        let _ = writeln!(out);
        for line in budget_commentary(budget) {
            let _ = writeln!(out, "- {}", md_escape(&line));
        }
        let _ = writeln!(out);
    }
    if let Some(plan) = &report.milestones {
        let _ = writeln!(out, "## Actions and milestones (as at {})\n", plan.as_of);
        md_table(
            &mut out,
            &MILESTONE_HEAD,
            plan.rows.iter().map(milestone_cells).collect(),
            &[5],
        );
        for line in milestone_commentary(plan) {
            let _ = writeln!(out, "- {}", md_escape(&line));
        }
        let _ = writeln!(out);
    }
    if !report.problems.is_empty() {
        let _ = writeln!(
            out,
            "## Data problems\n\n{} rows could not be used:\n",
            report.problems.len()
        );
        for p in &report.problems {
            let _ = writeln!(out, "- {}", md_escape(p));
        }
        let _ = writeln!(out);
    }
    out
}

// ----- csv -------------------------------------------------------------------------------------

fn csv(report: &View) -> Result<String, String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| e.to_string();
    writer
        .write_record([
            "id",
            "name",
            "theme",
            "directorate",
            "period",
            "target",
            "actual",
            "status",
            "vs_previous",
            "previous",
            "vs_year_ago",
            "year_ago",
            "provisional",
            "note",
            "explanation",
            "spc_variation",
            "spc_rule",
            "spc_assurance",
            "benchmark_rank",
            "benchmark_group_size",
            "benchmark_quartile",
            "benchmark_median",
            "benchmark_distance_from_median",
        ])
        .map_err(err)?;
    for row in &report.indicators {
        let spc = row.spc.as_ref();
        let bench = row.benchmark.as_ref().and_then(|b| b.result.as_ref());
        fn text<T: ToString>(value: Option<T>) -> String {
            value.map(|v| v.to_string()).unwrap_or_default()
        }
        let travel = |t: Direction| direction_key(t).to_string();
        writer
            .write_record([
                row.id.clone(),
                row.name.clone(),
                row.group.first().cloned().unwrap_or_default(),
                row.group.get(1).cloned().unwrap_or_default(),
                report.period.clone(),
                row.target.clone().unwrap_or_default(),
                row.actual_value
                    .map(|v| v.normalize().to_string())
                    .unwrap_or_default(),
                row.status.as_str().to_string(),
                travel(row.vs_previous),
                row.previous.clone().unwrap_or_default(),
                travel(row.vs_year_ago),
                row.year_ago.clone().unwrap_or_default(),
                if row.provisional { "yes" } else { "" }.to_string(),
                row.note.clone().unwrap_or_default(),
                row.explanation.clone(),
                spc.and_then(|s| s.variation)
                    .map(|v| v.as_str().to_string())
                    .unwrap_or_default(),
                spc.and_then(|s| s.rule)
                    .map(|r| r.as_str().to_string())
                    .unwrap_or_default(),
                spc.and_then(|s| s.assurance)
                    .and_then(|a| serde_json::to_value(a).ok())
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default(),
                text(bench.and_then(|b| b.rank)),
                text(bench.map(|b| b.group_size)),
                text(bench.and_then(|b| b.quartile)),
                text(bench.and_then(|b| b.median)),
                text(bench.and_then(|b| b.distance_from_median)),
            ])
            .map_err(err)?;
    }
    let bytes = writer.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

// ----- html ------------------------------------------------------------------------------------

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { --red:#b00020; --amber:#b35c00; --green:#1b7a33; --blue:#1f4fa3; --grey:#5f6368; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color:#1d1d1f; margin: 2rem auto; max-width: 78rem; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #ccc; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-bottom: .3rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #c8c8c8; padding: .25rem .45rem; vertical-align: top; text-align: left; }
th { background: #f0f0f0; }
td.id { white-space: nowrap; }
td.name { min-width: 14rem; }
ul.commentary li { margin: .2rem 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 600; background: #f7f7f7; }
tr.fund td { font-weight: 700; background: #ececec; }
.status { font-weight: 600; white-space: nowrap; padding: 0 .3rem; border-radius: .2rem; }
.status.red { color: #fff; background: var(--red); }
.status.amber { color: #000; background: #ffbf47; }
.status.green { color: #fff; background: var(--green); }
.status.blue { color: #fff; background: var(--blue); }
.status.nodata, .status.notarget, .status.notdue { color: var(--grey); border: 1px solid #bbb; }
.travel { white-space: nowrap; }
.travel.worsening { color: var(--red); }
.travel.improving { color: var(--green); }
.exception { border-left: .35rem solid #999; padding: .2rem .8rem; margin: .6rem 0; break-inside: avoid; }
.exception.red { border-color: var(--red); }
.exception.amber { border-color: #ffbf47; }
.exception.green, .exception.blue { border-color: var(--green); }
.exception h3 { margin: .2rem 0; }
.exception p { margin: .2rem 0; }
.note { color: var(--grey); font-style: italic; }
.meta { color: var(--grey); }
svg.spark { vertical-align: middle; }
figure.spc { margin: .4rem 0 1.2rem; break-inside: avoid; }
figure.spc figcaption { font-size: .9rem; margin-bottom: .3rem; }
svg.xmr { display: block; width: 100%; max-width: 760px; height: auto; font-family: inherit; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  tr, .exception, figure.spc { break-inside: avoid; }
  svg.xmr { max-width: 17cm; }
  thead { display: table-header-group; }
  .status, tr.total td, tr.fund td, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

fn status_html(status: Status) -> String {
    format!(
        "<span class=\"status {}\">{}</span>",
        status_class(status),
        escape(status_label(status))
    )
}

fn travel_html(travel: Direction, value: &Option<String>) -> String {
    let class = match travel {
        Direction::Improving => "improving",
        Direction::Worsening => "worsening",
        Direction::NoChange => "nochange",
        Direction::NotComparable => "na",
    };
    format!(
        "<span class=\"travel {class}\">{}</span>",
        escape(&with_value(travel, value))
    )
}

/// An inline SVG sparkline: a polyline over the values present, a dot on the last one, and a
/// text alternative listing the values as shown (`shown`, aligned with `values`; a value
/// without its shown text is written in full).
pub fn svg_sparkline(
    periods: &[String],
    values: &[Option<Decimal>],
    shown: &[Option<String>],
) -> String {
    const W: u32 = 100;
    const H: u32 = 24;
    let present: Vec<Decimal> = values.iter().flatten().copied().collect();
    let (Some(min), Some(max)) = (present.iter().min(), present.iter().max()) else {
        return String::new();
    };
    let range = max.checked_sub(*min).unwrap_or_default();
    let n = values.len().max(2) - 1;
    let mut points = Vec::new();
    let mut alt = Vec::new();
    for (i, (value, period)) in values.iter().zip(periods).enumerate() {
        match value {
            Some(v) => {
                let x = 2 + (i as u32 * (W - 4)) / n as u32;
                let y = H - 3 - scale(*v, *min, range, H - 6) as u32;
                points.push((x, y));
                let text = match shown.get(i) {
                    Some(Some(text)) => text.clone(),
                    _ => v.normalize().to_string(),
                };
                alt.push(format!("{period}: {text}"));
            }
            None => alt.push(format!("{period}: no value")),
        }
    }
    let polyline: Vec<String> = points.iter().map(|(x, y)| format!("{x},{y}")).collect();
    let last = points
        .last()
        .map(|(x, y)| format!("<circle cx=\"{x}\" cy=\"{y}\" r=\"2\" fill=\"#1d1d1f\"/>"))
        .unwrap_or_default();
    format!(
        "<svg class=\"spark\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{label}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{label}</title><polyline points=\"{pts}\" fill=\"none\" stroke=\"#5f6368\" stroke-width=\"1.5\"/>{last}</svg>",
        label = escape(&alt.join("; ")),
        pts = polyline.join(" "),
    )
}

fn html_table_head(out: &mut String, head: &[&str], right: &[usize]) {
    out.push_str("<table>\n<thead><tr>");
    for (i, h) in head.iter().enumerate() {
        if right.contains(&i) {
            let _ = write!(out, "<th class=\"num\" scope=\"col\">{}</th>", escape(h));
        } else {
            let _ = write!(out, "<th scope=\"col\">{}</th>", escape(h));
        }
    }
    out.push_str("</tr></thead>\n<tbody>\n");
}

fn html_list(out: &mut String, items: &[String]) {
    if items.is_empty() {
        return;
    }
    out.push_str("<ul class=\"commentary\">\n");
    for item in items {
        let _ = writeln!(out, "<li>{}</li>", escape(item));
    }
    out.push_str("</ul>\n");
}

fn html(report: &View) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        escape(&report.title)
    );
    let _ = writeln!(out, "<h1>{}</h1>", escape(&report.title));
    let _ = writeln!(
        out,
        "<p class=\"meta\">Period: {}. Status is shown by symbol and word as well as colour: {}.</p>",
        escape(&report.period),
        [
            Status::Blue,
            Status::Green,
            Status::Amber,
            Status::Red,
            Status::NoData
        ]
        .iter()
        .map(|s| status_html(*s))
        .collect::<Vec<_>>()
        .join(" ")
    );

    out.push_str("<section>\n<h2>1. Performance summary</h2>\n");
    html_table_head(
        &mut out,
        &SUMMARY_HEAD,
        &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    );
    for row in &report.summary {
        let class = match row.group.len() {
            0 => " class=\"fund\"",
            1 => " class=\"total\"",
            _ => "",
        };
        let _ = write!(out, "<tr{class}>");
        for (i, cell) in summary_cells(row).iter().enumerate() {
            if i == 0 {
                let _ = write!(out, "<th scope=\"row\">{}</th>", escape(cell));
            } else {
                let _ = write!(out, "<td class=\"num\">{}</td>", escape(cell));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");

    out.push_str("<section>\n<h2>2. Exceptions</h2>\n<p>Every Red indicator and every indicator getting worse.</p>\n");
    let exceptions = exceptions(report);
    if exceptions.is_empty() {
        out.push_str("<p>None.</p>\n");
    }
    for row in exceptions {
        let _ = writeln!(
            out,
            "<div class=\"exception {}\"><h3>{} {}</h3><p>{} {} on last period; {} on last year.</p><p>{}</p>{}</div>",
            status_class(row.status),
            escape(&row.id),
            escape(&row.name),
            indicator_status_html(row),
            travel_html(row.vs_previous, &None),
            travel_html(row.vs_year_ago, &None),
            escape(&row.explanation),
            row.note
                .as_ref()
                .map(|n| format!("<p class=\"note\">Note: {}</p>", escape(n)))
                .unwrap_or_default()
        );
    }
    out.push_str("</section>\n");

    out.push_str("<section>\n<h2>3. Indicators</h2>\n");
    for (group, rows) in grouped(report) {
        let _ = writeln!(out, "<h3>{}</h3>", escape(&group.join(" / ")));
        html_table_head(&mut out, &INDICATOR_HEAD, &[2, 3]);
        for row in rows.iter().copied() {
            let cells = indicator_cells(row);
            let text = |i: usize| escape(cells.get(i).map(String::as_str).unwrap_or_default());
            let _ = writeln!(
                out,
                "<tr><td class=\"id\">{}</td><td class=\"name\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                text(0),
                text(1),
                text(2),
                text(3),
                indicator_status_html(row),
                travel_html(row.vs_previous, &row.previous),
                travel_html(row.vs_year_ago, &row.year_ago),
                svg_sparkline(&report.history_periods, &row.history, &row.history_shown),
                text(8),
            );
        }
        out.push_str("</tbody>\n</table>\n");
        html_list(&mut out, &benchmark_lines(&rows));
        for (row, spc) in spc_lines(&rows) {
            let _ = writeln!(
                out,
                "<figure class=\"spc\"><figcaption><strong>{} {}</strong>: {}. {}</figcaption>{}</figure>",
                escape(&row.id),
                escape(&row.name),
                escape(&spc.line),
                escape(&spc.explanation),
                crate::chart::xmr_chart(&row.id, &row.name, spc)
            );
        }
    }
    out.push_str("</section>\n");

    if let Some(budget) = &report.budget {
        let _ = writeln!(
            out,
            "<section>\n<h2>Appendix A. Budget position ({})</h2>",
            escape(&budget.unit)
        );
        html_table_head(&mut out, &BUDGET_HEAD, &[1, 2, 3, 4, 5]);
        for row in &budget.rows {
            let class = match row.level {
                BudgetLevel::Line => "",
                BudgetLevel::Directorate => " class=\"total\"",
                BudgetLevel::Fund | BudgetLevel::Total => " class=\"fund\"",
            };
            let cells = budget_cells(row);
            let _ = write!(out, "<tr{class}>");
            for (i, cell) in cells.iter().enumerate() {
                match i {
                    0 => {
                        let _ = write!(out, "<td>{}</td>", escape(cell.trim_start()));
                    }
                    1..=5 => {
                        let _ = write!(out, "<td class=\"num\">{}</td>", escape(cell));
                    }
                    7 => {
                        let _ = write!(out, "<td>{}</td>", status_html(row.status));
                    }
                    _ => {
                        let _ = write!(out, "<td>{}</td>", escape(cell));
                    }
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
        html_list(&mut out, &budget_commentary(budget));
        out.push_str("</section>\n");
    }

    if let Some(plan) = &report.milestones {
        let _ = writeln!(
            out,
            "<section>\n<h2>Actions and milestones</h2>\n<p class=\"meta\">As at {}; overdue and at risk first.</p>",
            escape(&plan.as_of)
        );
        html_table_head(&mut out, &MILESTONE_HEAD, &[5]);
        for row in &plan.rows {
            let cells = milestone_cells(row);
            out.push_str("<tr>");
            for (i, cell) in cells.iter().enumerate() {
                if i == 6 {
                    let _ = write!(
                        out,
                        "<td>{} {}</td>",
                        escape(&row.state_label),
                        status_html(row.status)
                    );
                } else if i == 5 {
                    let _ = write!(out, "<td class=\"num\">{}</td>", escape(cell));
                } else {
                    let _ = write!(out, "<td>{}</td>", escape(cell));
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
        html_list(&mut out, &milestone_commentary(plan));
        out.push_str("</section>\n");
    }

    if !report.problems.is_empty() {
        let _ = writeln!(
            out,
            "<section>\n<h2>Data problems</h2>\n<p>{} rows could not be used:</p>\n<ul>",
            report.problems.len()
        );
        for p in &report.problems {
            let _ = writeln!(out, "<li>{}</li>", escape(p));
        }
        out.push_str("</ul>\n</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
        assert_eq!(md_escape("a | b_c"), "a \\| b\\_c");
    }

    #[test]
    fn svg_has_points_and_escaped_label() {
        let periods = vec!["<Q1>".to_string(), "Q2".to_string(), "Q3".to_string()];
        let svg = svg_sparkline(
            &periods,
            &[Some(Decimal::ONE), None, Some(Decimal::TEN)],
            &[],
        );
        assert!(svg.contains("points=\"2,21 98,3\""), "{svg}");
        assert!(svg.contains("&lt;Q1&gt;: 1; Q2: no value; Q3: 10"), "{svg}");
        assert!(svg_sparkline(&periods, &[None, None, None], &[]).is_empty());
        // The text alternative reads the values as the report shows them.
        let exact =
            Decimal::from(892) / Decimal::from(1000) * Decimal::ONE_HUNDRED + Decimal::new(1, 20);
        let shown = [Some("89.2%".to_string()), None, Some("10.0%".to_string())];
        let svg = svg_sparkline(&periods, &[Some(exact), None, Some(Decimal::TEN)], &shown);
        assert!(
            svg.contains("&lt;Q1&gt;: 89.2%; Q2: no value; Q3: 10.0%"),
            "{svg}"
        );
    }
}

#[cfg(test)]
pub(crate) mod sample {
    use std::str::FromStr;

    use super::*;
    use crate::model::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// An indicator evaluated by the core for 2015/16 Q3 from its Q2 and Q3 values.
    fn indicator(id: &str, group: &[&str], q2: Option<&str>, q3: &str) -> IndicatorRow {
        let defs = ragstatus::Definitions::from_toml_str(&format!(
            "[[indicator]]\nid = \"{id}\"\nname = \"Indicator <{id}> & co\"\ngroup = [{}]\n\
             unit = \"percent\"\npolarity = \"higher\"\ndecimals = 1\n\
             tolerance = {{ absolute = \"2\" }}\n[[indicator.target]]\nvalue = \"45\"\n",
            group
                .iter()
                .map(|g| format!("\"{g}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .unwrap();
        let indicator = &defs.indicators[0];
        let mut series = ragstatus::Series::new();
        let q3_period = defs.calendar.parse("2015/16 Q3").unwrap();
        if let Some(v) = q2 {
            series.insert(q3_period.previous().unwrap(), ragstatus::Observation::value(d(v)));
        }
        series.insert(q3_period, ragstatus::Observation::value(d(q3)));
        let history: Vec<_> = crate::engine::history_periods(q3_period, 4);
        let mut row = crate::engine::evaluate_row(
            indicator,
            q3_period,
            &series,
            &history,
            &Default::default(),
            None,
        )
        .unwrap();
        row.provisional = id.ends_with('2');
        row.note = Some("A note".into());
        row
    }

    /// A small report exercising every section.
    pub(crate) fn report() -> Report {
        let rows = vec![
            // Amber and worsening, Red and improving, Green with nothing to compare with.
            indicator("A-1", &["Live Well", "Environment"], Some("47.9"), "44.1"),
            indicator("A-2", &["Live Well", "Environment"], Some("40"), "41"),
            indicator("B-1", &["Age Well", "Adults"], None, "46"),
        ];
        assert_eq!(
            rows.iter()
                .map(|r| (r.status(), r.result.direction))
                .collect::<Vec<_>>(),
            [
                (Status::Amber, Direction::Worsening),
                (Status::Red, Direction::Improving),
                (Status::Green, Direction::NotComparable)
            ]
        );
        let mut report = crate::build::report(
            "Quarterly report: 2015/16 Q3".into(),
            "2015/16 Q3".into(),
            vec!["Q4".into(), "Q1".into(), "Q2".into(), "Q3".into()],
            rows,
            vec!["actuals.csv:9, column value: \"x\" is not valid".into()],
        );
        let line = |level, name: &str, budget: &str, forecast: &str, status| BudgetRow {
            level,
            id: (level == BudgetLevel::Line).then(|| "L-1".to_string()),
            name: name.into(),
            fund: "General Fund".into(),
            directorate: Some("Adults".into()),
            kind: Some("expenditure".into()),
            budget: d(budget),
            forecast: d(forecast),
            variance: d(forecast) - d(budget),
            variance_percent: Some(((d(forecast) - d(budget)) / d(budget) * d("100")).round_dp(2)),
            adverse: d(forecast) > d(budget),
            movement: Some(d("-12")),
            status,
            significant_underspend: false,
            explanation: "Forecast £1.2m against a budget of £1.0m: Red".into(),
            note: None,
        };
        report.budget = Some(BudgetSection {
            unit: "£'000".into(),
            rows: vec![
                line(BudgetLevel::Line, "Care", "1000", "1200", Status::Red),
                line(
                    BudgetLevel::Directorate,
                    "Adults total",
                    "1000",
                    "1200",
                    Status::Red,
                ),
                line(
                    BudgetLevel::Total,
                    "Council total",
                    "-3250",
                    "-3905",
                    Status::Green,
                ),
            ],
        });
        report.milestones = Some(MilestoneSection {
            as_of: "31 December 2015".into(),
            rows: vec![MilestoneRow {
                id: "IP-1".into(),
                action: "Let the contract".into(),
                owner: "Head of Highways".into(),
                due: "30 Nov 2015".into(),
                completed: None,
                percent_complete: Some(d("80")),
                state: "Overdue".into(),
                state_label: "Overdue".into(),
                status: Status::Red,
                explanation:
                    "Due 30 November 2015, not complete as of 31 December 2015: 31 days overdue"
                        .into(),
                note: None,
            }],
        });
        report
    }

    #[test]
    fn every_format_shows_every_section() {
        let report = report();
        for format in [Format::Table, Format::Markdown, Format::Html] {
            let text = render(&report, format).unwrap();
            for needle in [
                "Performance summary",
                "Exceptions",
                "Indicators",
                "Appendix A",
                "milestones",
                "✖ Red",
                "▲ Amber",
                "↓ Worsening",
                "(3,250)",
                "Data problems",
            ] {
                assert!(text.contains(needle), "{format:?} lacks {needle:?}");
            }
            if let Ok(path) = std::env::var("RAGSTATUS_SAMPLE_DIR") {
                std::fs::write(format!("{path}/sample-{format:?}.txt"), &text).unwrap();
            }
        }
        let html = render(&report, Format::Html).unwrap();
        assert!(html.contains("Indicator &lt;A-1&gt; &amp; co"));
        assert!(!html.contains("<A-1>"));
        let json: serde_json::Value =
            serde_json::from_str(&render(&report, Format::Json).unwrap()).unwrap();
        assert_eq!(json["indicators"][1]["status"], "Red");
        assert_eq!(json["exceptions"], serde_json::json!(["A-2", "A-1"]));
        let csv = render(&report, Format::Csv).unwrap();
        assert_eq!(csv.lines().count(), 4);
        assert!(csv.starts_with("id,name,theme,directorate,period,target,actual,status"));
    }
}
