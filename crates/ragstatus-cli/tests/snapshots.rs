//! Snapshots of every output format of the report on the bundled example
//! (`examples/council-q3`), and of `explain`, `evaluate` and `check` on it.
//!
//! After an intended change, review and accept with `cargo insta review` (or run the tests with
//! `INSTA_UPDATE=always` and inspect the diff of `tests/snapshots/`).

use assert_cmd::Command;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/council-q3");

fn run(args: &[&str]) -> String {
    let out = Command::cargo_bin("ragstatus")
        .unwrap()
        .current_dir(EXAMPLE)
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn report(format: &str) -> String {
    run(&[
        "report",
        "--title",
        "Wealdshire County Council: Quarterly Performance Report",
        "--definitions",
        "indicators.toml",
        "--actuals",
        "actuals.csv",
        "--budget",
        "budget.csv",
        "--budget-unit",
        "thousands",
        "--budget-settings",
        "budget-settings.toml",
        "--milestones",
        "milestones.csv",
        "--overrides",
        "overrides.csv",
        "--comparators",
        "comparators.csv",
        "--format",
        format,
    ])
}

#[test]
fn report_table() {
    insta::assert_snapshot!(report("table"));
}

#[test]
fn report_markdown() {
    insta::assert_snapshot!(report("markdown"));
}

#[test]
fn report_html() {
    insta::assert_snapshot!(report("html"));
}

#[test]
fn report_json() {
    let text = report("json");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["period"], "2015/16 Q3", "the latest period with data");
    insta::assert_snapshot!(text);
}

#[test]
fn report_csv() {
    let text = report("csv");
    assert_eq!(
        text.lines().count(),
        20,
        "a header and one row per indicator"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn explain_text() {
    insta::assert_snapshot!(run(&[
        "explain",
        "LW-04",
        "--period",
        "2015/16 Q3",
        "--definitions",
        "indicators.toml",
        "--actuals",
        "actuals.csv",
    ]));
}

#[test]
fn evaluate_jsonl() {
    let text = run(&[
        "evaluate",
        "--definitions",
        "indicators.toml",
        "--actuals",
        "actuals.csv",
        "--format",
        "jsonl",
    ]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 217, "one result per data row");
    // The Quarter 3 rows, the ones the report shows.
    let q3: Vec<&str> = lines
        .into_iter()
        .filter(|l| l.contains("\"period\":\"2015/16 Q3\""))
        .collect();
    insta::assert_snapshot!(q3.join("\n"));
}

#[test]
fn check_clean() {
    insta::assert_snapshot!(run(&[
        "check",
        "--definitions",
        "indicators.toml",
        "--actuals",
        "actuals.csv",
        "--budget",
        "budget.csv",
        "--budget-unit",
        "thousands",
        "--budget-settings",
        "budget-settings.toml",
        "--milestones",
        "milestones.csv",
        "--overrides",
        "overrides.csv",
        "--comparators",
        "comparators.csv",
    ]));
}
