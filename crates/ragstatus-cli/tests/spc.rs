//! Statistical process control in the report: the SPC line in every format, the result in JSON,
//! the XmR charts in HTML, and bad SPC settings refused with the indicator and field named.

use assert_cmd::Command;
use predicates::prelude::*;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/council-q3");

fn ragstatus() -> Command {
    Command::cargo_bin("ragstatus").unwrap()
}

fn example_report(format: &str) -> String {
    let out = ragstatus()
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

const DEFS: &str = "[[indicator]]\nid = \"A-1\"\nunit = \"percent\"\npolarity = \"higher\"\ndecimals = 1\nspc = true\n[[indicator.target]]\nvalue = \"45\"\n";

fn actuals() -> String {
    let mut text = String::from("indicator,period,value\n");
    let values = [40, 41, 40, 42, 41, 40, 41, 43, 44, 43, 44, 43, 44, 43];
    let mut year = 2012;
    let mut quarter = 1;
    for v in values {
        text.push_str(&format!(
            "A-1,{year}/{:02} Q{quarter},{v}\n",
            (year + 1) % 100
        ));
        quarter += 1;
        if quarter == 5 {
            quarter = 1;
            year += 1;
        }
    }
    text
}

fn with_files(defs: &str, args: &[&str]) -> assert_cmd::assert::Assert {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("defs.toml"), defs).unwrap();
    std::fs::write(dir.path().join("actuals.csv"), actuals()).unwrap();
    ragstatus()
        .current_dir(dir.path())
        .args(args)
        .args(["--definitions", "defs.toml"])
        .assert()
}

#[test]
fn bad_spc_settings_exit_2_naming_the_indicator_and_field() {
    for (setting, field) in [
        ("spc = { baseline = 11 }", "field indicator[0].spc.baseline"),
        ("spc = { shift = 1 }", "field indicator[0].spc.shift"),
        ("spc = { trend = 1 }", "field indicator[0].spc.trend"),
        (
            "spc = { rebase = [\"2015/16 Q5\"] }",
            "field indicator[0].spc.rebase[0]",
        ),
        ("spc = { shfit = 6 }", "field indicator[0].spc"),
    ] {
        let defs = DEFS.replace("spc = true", setting);
        with_files(&defs, &["report", "--actuals", "actuals.csv"])
            .code(2)
            .stdout("")
            .stderr(
                predicate::str::contains("indicator A-1")
                    .and(predicate::str::contains(field))
                    .and(predicate::str::contains("defs.toml")),
            );
        with_files(&defs, &["check"])
            .code(2)
            .stderr(predicate::str::contains(field));
    }
}

#[test]
fn check_lists_every_bad_spc_setting() {
    let defs = format!(
        "{}{}",
        DEFS.replace("spc = true", "spc = { baseline = 6 }"),
        "[[indicator]]\nid = \"B-2\"\npolarity = \"lower\"\nspc = { trend = 1 }\n"
    );
    with_files(&defs, &["check"]).code(2).stdout(
        predicate::str::contains("indicator A-1, field indicator[0].spc.baseline").and(
            predicate::str::contains("indicator B-2, field indicator[1].spc.trend"),
        ),
    );
}

#[test]
fn spc_line_in_text_formats() {
    let line = "A-1 SPC: special cause improvement (shift); assurance: inconsistent (hit and miss)";
    with_files(DEFS, &["report", "--actuals", "actuals.csv"])
        .code(0)
        .stdout(predicate::str::contains(line).and(predicate::str::contains(
            "7 points in a row above the mean from 2013/14 Q4: special cause improvement",
        )));
    with_files(
        DEFS,
        &["report", "--actuals", "actuals.csv", "--format", "markdown"],
    )
    .code(0)
    .stdout(predicate::str::contains(
        "- **A-1** SPC: special cause improvement (shift); assurance: inconsistent (hit and miss)",
    ));
    with_files(
        DEFS,
        &["report", "--actuals", "actuals.csv", "--format", "csv"],
    )
    .code(0)
    .stdout(
        predicate::str::contains("spc_variation,spc_rule,spc_assurance").and(
            predicate::str::contains(",special_cause_improvement,shift,inconsistent"),
        ),
    );
    // Without SPC in the definitions there is no SPC line.
    with_files(
        &DEFS.replace("spc = true\n", ""),
        &["report", "--actuals", "actuals.csv"],
    )
    .code(0)
    .stdout(predicate::str::contains("SPC:").not());
}

#[test]
fn example_json_carries_the_spc_result() {
    let json: serde_json::Value = serde_json::from_str(&example_report("json")).unwrap();
    let indicators = json["indicators"].as_array().unwrap();
    let by_id = |id: &str| indicators.iter().find(|i| i["id"] == id).unwrap();
    let with_spc: Vec<&str> = indicators
        .iter()
        .filter(|i| !i["spc"].is_null())
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(with_spc, ["SW-01", "LW-02", "LW-07", "AW-05"]);
    let sw01 = &by_id("SW-01")["spc"];
    assert_eq!(sw01["variation"], "special_cause_improvement");
    assert_eq!(sw01["rule"], "shift");
    assert_eq!(sw01["assurance"], "consistent_fail");
    assert_eq!(sw01["trial_limits"], true);
    assert_eq!(sw01["result"]["points"].as_array().unwrap().len(), 11);
    assert_eq!(sw01["result"]["target"], "95");
    let lw07 = &by_id("LW-07")["spc"]["result"];
    assert_eq!(lw07["points"].as_array().unwrap().len(), 33, "monthly");
    assert_eq!(lw07["points"][32]["label"], "2015/16 M09");
    assert_eq!(lw07["segments"].as_array().unwrap().len(), 2, "rebased");
    assert_eq!(lw07["segments"][1]["start"], 6);
    let aw05 = &by_id("AW-05")["spc"];
    assert_eq!(aw05["result"]["improvement"], "neutral");
    assert!(aw05["assurance"].is_null());
}

#[test]
fn example_html_has_one_chart_per_spc_indicator() {
    let html = example_report("html");
    assert_eq!(html.matches("<svg class=\"xmr\"").count(), 4);
    assert_eq!(html.matches("<figure class=\"spc\">").count(), 4);
    for text in [
        "Variation: special cause improvement",
        "Assurance: consistently failing the target",
        "Variation: special cause concern",
        "Assurance: none (no better direction)",
        "limits recalculated",
        "Target 95.0%",
    ] {
        assert!(html.contains(text), "{text} not in the report");
    }
    for external in ["<script", "<link", "src=\"http", "href=\"http", "url("] {
        assert!(!html.contains(external), "the report refers to {external}");
    }
}

#[test]
fn one_monthly_indicator_does_not_make_a_quarterly_report_monthly() {
    let defs = "[[indicator]]\nid = \"Q-1\"\npolarity = \"higher\"\n\
                [[indicator]]\nid = \"Q-2\"\npolarity = \"higher\"\n\
                [[indicator]]\nid = \"M-1\"\npolarity = \"higher\"\nfrequency = \"monthly\"\naggregation = \"sum\"\n";
    let actuals = "indicator,period,value\nQ-1,2015/16 Q3,1\nQ-2,2015/16 Q3,2\n\
                   M-1,2015/16 M07,1\nM-1,2015/16 M08,1\nM-1,2015/16 M09,1\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("defs.toml"), defs).unwrap();
    std::fs::write(dir.path().join("actuals.csv"), actuals).unwrap();
    ragstatus()
        .current_dir(dir.path())
        .args([
            "report",
            "--definitions",
            "defs.toml",
            "--actuals",
            "actuals.csv",
        ])
        .args(["--format", "csv"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("M-1,,,,2015/16 Q3,,3,NoTarget")
                .and(predicate::str::contains("M09").not()),
        );
}

#[test]
fn explain_shows_the_spc_analysis_and_its_signals() {
    ragstatus()
        .current_dir(EXAMPLE)
        .args(["explain", "LW-07", "--definitions", "indicators.toml"])
        .args(["--actuals", "actuals.csv"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains(
                "SPC: common cause variation; assurance: inconsistent (hit and miss)",
            )
            .and(predicate::str::contains(
                "  - 2015/16 M08 is below the lower process limit",
            )),
        );
    let out = ragstatus()
        .current_dir(EXAMPLE)
        .args([
            "explain",
            "SW-01",
            "--json",
            "--definitions",
            "indicators.toml",
        ])
        .args(["--actuals", "actuals.csv"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["spc"]["variation"], "special_cause_improvement");
    assert_eq!(
        json["spc"]["result"]["points"].as_array().unwrap().len(),
        11
    );
}
