//! Rendering the report: terminal table, Markdown, HTML, JSON and CSV; and `explain`.
//!
//! Every format shows the same report, made into text once ([`view`]) and walked once
//! ([`walk`]): each format implements the section callbacks and writes only what it shows.
//! Status is always given as a symbol and a word (`✖ Red`), never by colour alone. CSV carries
//! the indicator table (section 3), one row per indicator, for spreadsheets; JSON carries every
//! section.
//!
//! Before section 1, the icon summary (NHS "Making Data Count"): one row per indicator whose
//! definition enables SPC, with its variation and assurance icons in words (and as inline SVG
//! in HTML), a key to them, and a line naming the indicators left out. CSV, one table, carries
//! the two icons and their sentence as columns of each indicator's row.
//!
//! In section 3, under each group's table: the position among comparators of each indicator
//! that has comparator values ("SW-01 Benchmark: joint 5th of 15 (quartile 2); ..."), and for
//! each indicator whose definition enables SPC its SPC line (the variation icon with the rule
//! behind it, the assurance icon, and whether the limits are trial limits) and a sentence saying
//! why; HTML adds an XmR chart (see [`html::chart`]). CSV has the icons, rule and benchmark
//! figures as columns; JSON has the full SPC result (every point, segment and signal) and
//! benchmark.
//!
//! Modules import downwards only: this one dispatches to the formats; the formats use
//! [`walk`], [`view`] and [`escape`]; those use the report's data (`crate::model`).

pub mod csv;
pub mod escape;
pub mod explain;
pub mod html;
pub mod json;
pub mod markdown;
pub mod table;
pub mod view;
pub mod walk;

use crate::model::Report;

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
    let view = view::View::of(report);
    match format {
        Format::Table => walk::walk(&view, table::Text::default()),
        Format::Markdown => walk::walk(&view, markdown::Markdown::default()),
        Format::Html => walk::walk(&view, html::Html::default()),
        Format::Json => walk::walk(&view, json::Json::default()),
        Format::Csv => walk::walk(&view, self::csv::Csv::new()),
    }
}

#[cfg(test)]
pub(crate) mod sample {
    use std::str::FromStr;

    use ragstatus::{Decimal, Direction, Status};

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
            series.insert(
                q3_period.previous().unwrap(),
                ragstatus::Observation::value(d(v)),
            );
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
    fn icon_summary_without_spc_indicators_says_so() {
        let report = report();
        for format in [Format::Table, Format::Markdown, Format::Html] {
            let text = render(&report, format).unwrap();
            assert!(
                text.contains("No indicator has an SPC analysis."),
                "{format:?}"
            );
            assert!(
                text.contains(
                    "Not in this table: 3 indicators whose definitions do not enable SPC \
                     (A-1, A-2, B-1)."
                ),
                "{format:?}"
            );
        }
        let json: serde_json::Value =
            serde_json::from_str(&render(&report, Format::Json).unwrap()).unwrap();
        assert_eq!(json["icon_summary"]["rows"], serde_json::json!([]));
        assert_eq!(
            json["icon_summary"]["not_analysed"],
            serde_json::json!(["A-1", "A-2", "B-1"])
        );
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
