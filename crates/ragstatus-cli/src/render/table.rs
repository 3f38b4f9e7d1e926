//! The report as plain-text tables for the terminal.

use std::fmt::Write as _;

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};

use super::view::{IconSummaryView, NationalView, Shown, View, direction_label};
use super::walk::{
    BUDGET_HEAD, ICON_HEAD, ICON_LEGEND, ICON_TITLE, INDICATOR_HEAD, MILESTONE_HEAD,
    NATIONAL_NUMBERS, SUMMARY_HEAD_SHORT, SUMMARY_LEGEND, SUMMARY_NUMBERS, Sections,
    benchmark_lines, budget_cells, budget_commentary, icon_cells, icon_not_analysed,
    indicator_cells, indicator_status, milestone_cells, milestone_commentary, national_cells,
    national_head, national_legend, national_lines, spc_lines, summary_cells,
};
use crate::model::{BudgetSection, MilestoneSection, SummaryRow};

/// The text being written.
#[derive(Default)]
pub struct Text {
    out: String,
}

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

impl<'a> Sections<'a> for Text {
    fn title(&mut self, view: &'a View) {
        let _ = writeln!(
            self.out,
            "{}\n{}\n\nPeriod: {}\n",
            view.title,
            "=".repeat(view.title.chars().count()),
            view.period
        );
    }

    fn icon_summary(&mut self, view: &'a View, icons: &'a IconSummaryView) {
        let out = &mut self.out;
        let _ = writeln!(out, "{ICON_TITLE}\n");
        if icons.rows.is_empty() {
            let _ = writeln!(out, "No indicator has an SPC analysis.\n");
        } else {
            let _ = writeln!(
                out,
                "{}\n",
                text_table(
                    &ICON_HEAD,
                    icons.rows.iter().map(|r| icon_cells(view, r)).collect(),
                    &[2, 5, 6]
                )
            );
            let _ = writeln!(out, "{ICON_LEGEND}\n");
        }
        if let Some(line) = icon_not_analysed(icons) {
            let _ = writeln!(out, "{line}\n");
        }
    }

    fn summary(&mut self, rows: &'a [SummaryRow]) {
        let out = &mut self.out;
        let _ = writeln!(out, "1. Performance summary\n");
        let _ = writeln!(
            out,
            "{}\n",
            text_table(
                &SUMMARY_HEAD_SHORT,
                rows.iter().map(summary_cells).collect(),
                &SUMMARY_NUMBERS
            )
        );
        let _ = writeln!(out, "{SUMMARY_LEGEND}\n");
    }

    fn exceptions(&mut self, rows: &[&'a Shown]) {
        let out = &mut self.out;
        let _ = writeln!(
            out,
            "2. Exceptions: every Red indicator and every indicator getting worse\n"
        );
        if rows.is_empty() {
            let _ = writeln!(out, "None.\n");
        }
        for row in rows {
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
    }

    fn indicators_start(&mut self) {
        let _ = writeln!(self.out, "3. Indicators\n");
    }

    fn group(&mut self, _view: &'a View, group: &'a [String], rows: &[&'a Shown]) {
        let out = &mut self.out;
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
        for (row, spc) in spc_lines(rows) {
            let _ = writeln!(out, "{} {}\n    {}\n", row.id, spc.line, spc.explanation);
        }
        let benchmarks = benchmark_lines(rows);
        for line in &benchmarks {
            let _ = writeln!(out, "{line}");
        }
        if !benchmarks.is_empty() {
            let _ = writeln!(out);
        }
    }

    fn national(&mut self, _view: &'a View, section: &'a NationalView) {
        let out = &mut self.out;
        let _ = writeln!(out, "{}\n", section.title);
        let head = national_head(&section.against);
        let head: Vec<&str> = head.iter().map(String::as_str).collect();
        let _ = writeln!(
            out,
            "{}\n",
            text_table(
                &head,
                section.rows.iter().map(national_cells).collect(),
                &NATIONAL_NUMBERS
            )
        );
        for line in national_lines(section) {
            let _ = writeln!(out, "- {line}");
        }
        let _ = writeln!(out, "\n{}\n", national_legend(&section.against));
    }

    fn budget(&mut self, budget: &'a BudgetSection) {
        let out = &mut self.out;
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

    fn milestones(&mut self, plan: &'a MilestoneSection) {
        let out = &mut self.out;
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

    fn problems(&mut self, problems: &'a [String]) {
        if problems.is_empty() {
            return;
        }
        let out = &mut self.out;
        let _ = writeln!(out, "Data problems ({} rows not used)\n", problems.len());
        for p in problems {
            let _ = writeln!(out, "- {p}");
        }
        let _ = writeln!(out);
    }

    fn finish(self) -> Result<String, String> {
        Ok(self.out)
    }
}
