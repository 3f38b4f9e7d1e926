//! The icon summary in the report: the first section of every format, one row per SPC
//! indicator with its variation and assurance icons, and a line naming the indicators left out.

use assert_cmd::Command;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/council-q3");

fn example_report(format: &str) -> String {
    let out = Command::cargo_bin("ragstatus")
        .unwrap()
        .current_dir(EXAMPLE)
        .args([
            "report",
            "--definitions",
            "indicators.toml",
            "--actuals",
            "actuals.csv",
            "--period",
            "2015/16 Q3",
            "--format",
            format,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn text_formats_show_it_before_the_performance_summary() {
    for format in ["table", "markdown", "html"] {
        let text = example_report(format);
        let icons = text
            .find("Icon summary: variation and assurance")
            .unwrap_or_else(|| panic!("{format} has no icon summary"));
        let summary = text.find("1. Performance summary").unwrap();
        assert!(icons < summary, "{format}: the icon summary comes first");
        let section = &text[icons..summary];
        for needle in [
            "SW-01",
            "Improvement (high)",
            "Consistently failing",
            "LW-02",
            "Concern (low)",
            "Hit and miss",
            "AW-05",
            "None (no better direction)",
            "11 (trial limits)",
            "Not in this table: 15 indicators",
        ] {
            assert!(section.contains(needle), "{format} lacks {needle:?}");
        }
        // Only the SPC indicators have rows.
        assert!(!section.contains("SW-02 "), "{format}");
    }
}

#[test]
fn html_draws_each_icon_beside_its_words() {
    let html = example_report("html");
    let start = html.find("<h2>Icon summary").unwrap();
    let end = html[start..].find("</section>").unwrap() + start;
    let section = &html[start..end];
    assert_eq!(section.matches("<svg ").count(), 8, "two icons per row");
    assert!(section.contains("<title>Variation: improvement (high)</title>"));
    assert!(section.contains("<title>Assurance: consistently failing</title>"));
    assert!(section.contains("</svg>Hit and miss</td>"));
}

#[test]
fn json_and_csv_carry_the_icons_as_data() {
    let json: serde_json::Value = serde_json::from_str(&example_report("json")).unwrap();
    let icons = &json["icon_summary"];
    let rows = icons["rows"].as_array().unwrap();
    let pairs: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap(),
                r["variation"].as_str().unwrap(),
                r["assurance"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("SW-01", "improvement_high", "consistent_fail"),
            ("LW-02", "concern_low", "inconsistent"),
            ("LW-07", "common_cause", "inconsistent"),
            ("AW-05", "common_cause", "no_better_direction"),
        ]
    );
    assert_eq!(icons["not_analysed"].as_array().unwrap().len(), 15);
    assert_eq!(rows[0]["target"], "95");

    let csv = example_report("csv");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let head = reader.headers().unwrap().clone();
    let at = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (id, variation, assurance, summary) = (
        at("id"),
        at("variation_icon"),
        at("assurance_icon"),
        at("icon_summary"),
    );
    let mut seen = 0;
    for record in reader.records() {
        let record = record.unwrap();
        match &record[id] {
            "LW-02" => {
                seen += 1;
                assert_eq!(&record[variation], "concern_low");
                assert_eq!(&record[assurance], "inconsistent");
                assert!(record[summary].starts_with("Special cause variation of a concerning"));
            }
            "SW-02" => {
                seen += 1;
                assert_eq!(&record[variation], "", "no SPC, no icon");
                assert_eq!(&record[summary], "");
            }
            _ => {}
        }
    }
    assert_eq!(seen, 2);
}
