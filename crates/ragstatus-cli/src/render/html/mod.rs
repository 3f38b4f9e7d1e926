//! The report as one self-contained HTML file: every section, status by symbol and word as well
//! as colour, the icon summary with each icon as inline SVG beside its words, an inline SVG
//! sparkline per indicator and an XmR chart (see [`chart`]) per SPC analysis. All text is escaped; the page refers to nothing outside itself.

use std::fmt::Write as _;

use ragstatus::{Decimal, Direction, Status};

use super::escape::html as escape;
use super::view::{IconSummaryView, NationalView, Shown, View};
use super::walk::{
    BUDGET_HEAD, ICON_HEAD, ICON_LEGEND, ICON_TITLE, INDICATOR_HEAD, MILESTONE_HEAD, SUMMARY_HEAD,
    SUMMARY_NUMBERS, Sections, benchmark_lines, budget_cells, budget_commentary, icon_cells,
    icon_not_analysed, indicator_cells, milestone_cells, milestone_commentary, national_cells,
    national_head, national_legend, national_lines, spc_lines, summary_cells, with_value,
};
use crate::model::{
    BudgetLevel, BudgetSection, MilestoneSection, SummaryRow, scale, status_class, status_label,
};

pub mod chart;
pub mod funnel;

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
svg.mdc-icon { vertical-align: middle; margin-right: .3rem; }
td.icon { white-space: nowrap; }
figure.spc { margin: .4rem 0 1.2rem; break-inside: avoid; }
figure.spc figcaption { font-size: .9rem; margin-bottom: .3rem; }
svg.xmr, svg.funnel { display: block; width: 100%; max-width: 760px; height: auto; font-family: inherit; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  tr, .exception, figure.spc { break-inside: avoid; }
  svg.xmr, svg.funnel { max-width: 17cm; }
  thead { display: table-header-group; }
  .status, tr.total td, tr.fund td, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// The page being written.
#[derive(Default)]
pub struct Html {
    out: String,
}

fn status_html(status: Status) -> String {
    format!(
        "<span class=\"status {}\">{}</span>",
        status_class(status),
        escape(status_label(status))
    )
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

fn travel_html(direction: Direction, value: &Option<String>) -> String {
    let class = match direction {
        Direction::Improving => "improving",
        Direction::Worsening => "worsening",
        Direction::NoChange => "nochange",
        Direction::NotComparable => "na",
    };
    format!(
        "<span class=\"travel {class}\">{}</span>",
        escape(&with_value(direction, value))
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

impl<'a> Sections<'a> for Html {
    fn title(&mut self, view: &'a View) {
        let out = &mut self.out;
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
            escape(&view.title)
        );
        let _ = writeln!(out, "<h1>{}</h1>", escape(&view.title));
        let _ = writeln!(
            out,
            "<p class=\"meta\">Period: {}. Status is shown by symbol and word as well as colour: {}.</p>",
            escape(&view.period),
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
    }

    fn icon_summary(&mut self, view: &'a View, icons: &'a IconSummaryView) {
        let out = &mut self.out;
        let _ = writeln!(out, "<section>\n<h2>{}</h2>", escape(ICON_TITLE));
        if icons.rows.is_empty() {
            out.push_str("<p>No indicator has an SPC analysis.</p>\n");
        } else {
            html_table_head(out, &ICON_HEAD, &[2, 5, 6]);
            for icon in &icons.rows {
                let cells = icon_cells(view, icon);
                let text = |i: usize| escape(cells.get(i).map(String::as_str).unwrap_or_default());
                // The SVGs are the core's own fixed markup, with no text from the input in them.
                let _ = writeln!(
                    out,
                    "<tr title=\"{}\"><td class=\"id\">{}</td><td class=\"name\">{}</td><td class=\"num\">{}</td><td class=\"icon\">{}{}</td><td class=\"icon\">{}{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                    escape(&icon.row.summary),
                    text(0),
                    text(1),
                    text(2),
                    icon.row.variation.svg(),
                    text(3),
                    icon.row.assurance.svg(),
                    text(4),
                    text(5),
                    text(6),
                );
            }
            out.push_str("</tbody>\n</table>\n");
            let _ = writeln!(out, "<p class=\"meta\">{}</p>", escape(ICON_LEGEND));
        }
        if let Some(line) = icon_not_analysed(icons) {
            let _ = writeln!(out, "<p class=\"meta\">{}</p>", escape(&line));
        }
        out.push_str("</section>\n");
    }

    fn summary(&mut self, rows: &'a [SummaryRow]) {
        let out = &mut self.out;
        out.push_str("<section>\n<h2>1. Performance summary</h2>\n");
        html_table_head(out, &SUMMARY_HEAD, &SUMMARY_NUMBERS);
        for row in rows {
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
    }

    fn exceptions(&mut self, rows: &[&'a Shown]) {
        let out = &mut self.out;
        out.push_str("<section>\n<h2>2. Exceptions</h2>\n<p>Every Red indicator and every indicator getting worse.</p>\n");
        if rows.is_empty() {
            out.push_str("<p>None.</p>\n");
        }
        for row in rows {
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
    }

    fn indicators_start(&mut self) {
        self.out.push_str("<section>\n<h2>3. Indicators</h2>\n");
    }

    fn group(&mut self, view: &'a View, group: &'a [String], rows: &[&'a Shown]) {
        let out = &mut self.out;
        let _ = writeln!(out, "<h3>{}</h3>", escape(&group.join(" / ")));
        html_table_head(out, &INDICATOR_HEAD, &[2, 3]);
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
                svg_sparkline(&view.history_periods, &row.history, &row.history_shown),
                text(8),
            );
        }
        out.push_str("</tbody>\n</table>\n");
        html_list(out, &benchmark_lines(rows));
        for (row, spc) in spc_lines(rows) {
            let _ = writeln!(
                out,
                "<figure class=\"spc\"><figcaption><strong>{} {}</strong>: {}. {}</figcaption>{}</figure>",
                escape(&row.id),
                escape(&row.name),
                escape(&spc.line),
                escape(&spc.explanation),
                chart::xmr_chart(&row.id, &row.name, spc)
            );
        }
    }

    fn indicators_end(&mut self) {
        self.out.push_str("</section>\n");
    }

    fn national(&mut self, _view: &'a View, section: &'a NationalView) {
        let out = &mut self.out;
        let _ = writeln!(out, "<section>\n<h2>{}</h2>", escape(&section.title));
        let head = national_head(&section.against);
        let head: Vec<&str> = head.iter().map(String::as_str).collect();
        html_table_head(out, &head, &[2, 3, 4]);
        for row in &section.rows {
            let cells = national_cells(row);
            let _ = write!(out, "<tr title=\"{}\">", escape(&row.sentence));
            for (i, cell) in cells.iter().enumerate() {
                let class = match i {
                    0 => " class=\"id\"",
                    1 => " class=\"name\"",
                    2..=4 => " class=\"num\"",
                    _ => "",
                };
                let _ = write!(out, "<td{class}>{}</td>", escape(cell));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
        html_list(out, &national_lines(section));
        let _ = writeln!(
            out,
            "<p class=\"meta\">{}</p>",
            escape(&national_legend(&section.against))
        );
        for row in &section.rows {
            let Some(plot) = &row.funnel else {
                continue;
            };
            let mut caption = format!(
                "Funnel plot: {} among its comparators, around {}{}",
                row.id,
                plot.centre_words(&section.against, &row.show(plot.centre)),
                plot.dispersion_words()
            );
            if !plot.left_out.is_empty() {
                caption.push_str(&format!(". Not plotted: {}", plot.left_out.join("; ")));
            }
            let _ = writeln!(
                out,
                "<figure class=\"spc\"><figcaption><strong>{} {}</strong>: {}.</figcaption>{}</figure>",
                escape(&row.id),
                escape(&row.name),
                escape(&caption),
                funnel::funnel_chart(row, plot, &section.against)
            );
        }
        out.push_str("</section>\n");
    }

    fn budget(&mut self, budget: &'a BudgetSection) {
        let out = &mut self.out;
        let _ = writeln!(
            out,
            "<section>\n<h2>Appendix A. Budget position ({})</h2>",
            escape(&budget.unit)
        );
        html_table_head(out, &BUDGET_HEAD, &[1, 2, 3, 4, 5]);
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
        html_list(out, &budget_commentary(budget));
        out.push_str("</section>\n");
    }

    fn milestones(&mut self, plan: &'a MilestoneSection) {
        let out = &mut self.out;
        let _ = writeln!(
            out,
            "<section>\n<h2>Actions and milestones</h2>\n<p class=\"meta\">As at {}; overdue and at risk first.</p>",
            escape(&plan.as_of)
        );
        html_table_head(out, &MILESTONE_HEAD, &[5]);
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
        html_list(out, &milestone_commentary(plan));
        out.push_str("</section>\n");
    }

    fn problems(&mut self, problems: &'a [String]) {
        let out = &mut self.out;
        if !problems.is_empty() {
            let _ = writeln!(
                out,
                "<section>\n<h2>Data problems</h2>\n<p>{} rows could not be used:</p>\n<ul>",
                problems.len()
            );
            for p in problems {
                let _ = writeln!(out, "<li>{}</li>", escape(p));
            }
            out.push_str("</ul>\n</section>\n");
        }
    }

    fn finish(mut self) -> Result<String, String> {
        self.out.push_str("</body>\n</html>\n");
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
