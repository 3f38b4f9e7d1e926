//! The report as GitHub-flavoured Markdown.

use std::fmt::Write as _;

use super::escape::markdown as md_escape;
use super::view::{IconSummaryView, NationalView, Shown, View, direction_label};
use super::walk::{
    BUDGET_HEAD, ICON_HEAD, ICON_LEGEND, ICON_TITLE, INDICATOR_HEAD, MILESTONE_HEAD,
    NATIONAL_NUMBERS, SUMMARY_HEAD_SHORT, SUMMARY_LEGEND, SUMMARY_NUMBERS, Sections,
    benchmark_lines, budget_cells, budget_commentary, icon_cells, icon_not_analysed,
    indicator_cells, indicator_status, milestone_cells, milestone_commentary, national_cells,
    national_head, national_legend, national_lines, spc_lines, summary_cells,
};
use crate::model::{BudgetLevel, BudgetSection, MilestoneSection, SummaryRow};

/// The Markdown being written.
#[derive(Default)]
pub struct Markdown {
    out: String,
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

impl<'a> Sections<'a> for Markdown {
    fn title(&mut self, view: &'a View) {
        let _ = writeln!(
            self.out,
            "# {}\n\nPeriod: {}\n",
            md_escape(&view.title),
            md_escape(&view.period)
        );
    }

    fn icon_summary(&mut self, view: &'a View, icons: &'a IconSummaryView) {
        let out = &mut self.out;
        let _ = writeln!(out, "## {ICON_TITLE}\n");
        if icons.rows.is_empty() {
            let _ = writeln!(out, "No indicator has an SPC analysis.\n");
        } else {
            md_table(
                out,
                &ICON_HEAD,
                icons.rows.iter().map(|r| icon_cells(view, r)).collect(),
                &[2, 5, 6],
            );
            let _ = writeln!(out, "{}\n", md_escape(ICON_LEGEND));
        }
        if let Some(line) = icon_not_analysed(icons) {
            let _ = writeln!(out, "{}\n", md_escape(&line));
        }
    }

    fn summary(&mut self, rows: &'a [SummaryRow]) {
        let out = &mut self.out;
        let _ = writeln!(out, "## 1. Performance summary\n");
        md_table(
            out,
            &SUMMARY_HEAD_SHORT,
            rows.iter().map(summary_cells).collect(),
            &SUMMARY_NUMBERS,
        );
        let _ = writeln!(out, "{}\n", md_escape(SUMMARY_LEGEND));
    }

    fn exceptions(&mut self, rows: &[&'a Shown]) {
        let out = &mut self.out;
        let _ = writeln!(
            out,
            "## 2. Exceptions\n\nEvery Red indicator and every indicator getting worse.\n"
        );
        if rows.is_empty() {
            let _ = writeln!(out, "None.\n");
        }
        for row in rows {
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
    }

    fn indicators_start(&mut self) {
        let _ = writeln!(self.out, "\n## 3. Indicators\n");
    }

    fn group(&mut self, _view: &'a View, group: &'a [String], rows: &[&'a Shown]) {
        let out = &mut self.out;
        let _ = writeln!(out, "### {}\n", md_escape(&group.join(" / ")));
        md_table(
            out,
            &INDICATOR_HEAD,
            rows.iter().copied().map(indicator_cells).collect(),
            &[2, 3],
        );
        let spc = spc_lines(rows);
        let benchmarks = benchmark_lines(rows);
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

    fn national(&mut self, _view: &'a View, section: &'a NationalView) {
        let out = &mut self.out;
        let _ = writeln!(out, "## {}\n", md_escape(&section.title));
        let head: Vec<String> = national_head(&section.against)
            .iter()
            .map(|h| md_escape(h))
            .collect();
        let head: Vec<&str> = head.iter().map(String::as_str).collect();
        md_table(
            out,
            &head,
            section.rows.iter().map(national_cells).collect(),
            &NATIONAL_NUMBERS,
        );
        for line in national_lines(section) {
            let _ = writeln!(out, "- {}", md_escape(&line));
        }
        let _ = writeln!(out, "\n{}\n", md_escape(&national_legend(&section.against)));
    }

    fn budget(&mut self, budget: &'a BudgetSection) {
        let out = &mut self.out;
        let _ = writeln!(out, "## Appendix A. Budget position ({})\n", budget.unit);
        // Bold markers must survive escaping, so this table is written without escaping the
        // (already escaped) first column of totals.
        let _ = writeln!(out, "| {} |", BUDGET_HEAD.join(" | "));
        let _ = writeln!(
            out,
            "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |"
        );
        for row in &budget.rows {
            let rendered: Vec<String> = budget_cells(row)
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    if i == 0 && row.level != BudgetLevel::Line {
                        format!("**{}**", md_escape(c))
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

    fn milestones(&mut self, plan: &'a MilestoneSection) {
        let out = &mut self.out;
        let _ = writeln!(out, "## Actions and milestones (as at {})\n", plan.as_of);
        md_table(
            out,
            &MILESTONE_HEAD,
            plan.rows.iter().map(milestone_cells).collect(),
            &[5],
        );
        for line in milestone_commentary(plan) {
            let _ = writeln!(out, "- {}", md_escape(&line));
        }
        let _ = writeln!(out);
    }

    fn problems(&mut self, problems: &'a [String]) {
        if problems.is_empty() {
            return;
        }
        let out = &mut self.out;
        let _ = writeln!(
            out,
            "## Data problems\n\n{} rows could not be used:\n",
            problems.len()
        );
        for p in problems {
            let _ = writeln!(out, "- {}", md_escape(p));
        }
        let _ = writeln!(out);
    }

    fn finish(self) -> Result<String, String> {
        Ok(self.out)
    }
}
