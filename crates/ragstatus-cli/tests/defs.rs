//! Definitions errors, bounds and the budget and milestone gaps of `check` and `report`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn ragstatus() -> Command {
    let mut cmd = Command::cargo_bin("ragstatus").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const DEFS: &str = "tests/data/defs.toml";

#[test]
fn overflow_in_direction_keeps_the_next_rows_status() {
    let dir = tempfile::tempdir().unwrap();
    let actuals = write(
        dir.path(),
        "actuals.csv",
        "indicator,period,value,numerator,denominator,provisional,note\n\
         B-2,2015/16 Q1,79228162514264337593543950335,,,,\n\
         B-2,2015/16 Q2,-20,,,,\n",
    );
    ragstatus()
        .args([
            "evaluate",
            "--format",
            "jsonl",
            "--definitions",
            DEFS,
            "--actuals",
        ])
        .arg(&actuals)
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains(r#""period":"2015/16 Q2""#)
                .and(predicate::str::contains(r#""status":"Green""#))
                .and(predicate::str::contains("too large to compute exactly")),
        );
}

#[test]
fn history_has_a_maximum() {
    ragstatus()
        .args([
            "report",
            "--definitions",
            DEFS,
            "--actuals",
            "tests/data/good.csv",
            "--history",
            "100000000",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("1..=60"));
}

#[test]
fn as_of_names_the_date_forms_and_the_missing_day() {
    ragstatus()
        .args([
            "report",
            "--definitions",
            DEFS,
            "--actuals",
            "tests/data/good.csv",
            "--as-of",
            "31/02/2016",
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("yyyy-mm-dd")
                .and(predicate::str::contains("dd/mm/yyyy"))
                .and(predicate::str::contains("February 2016 has no day 31")),
        );
}

#[test]
fn check_lists_definition_errors_with_file_and_line() {
    ragstatus()
        .args(["check", "--definitions", "tests/data/bad_values.toml"])
        .assert()
        .code(2)
        .stdout(
            predicate::str::contains(
                "tests/data/bad_values.toml:6, column 1, indicator A, field indicator[0].polarity: TOML: unknown variant `sideways`",
            )
            .and(predicate::str::contains(
                "tests/data/bad_values.toml:11, column 15, indicator B, field indicator[1].tolerance.absolute: invalid definition",
            ))
            .and(predicate::str::contains("tests/data/bad_values.toml:16, column 1, indicator C"))
            .and(predicate::str::contains("tests/data/bad_values.toml:21, column 1, indicator D"))
            .and(predicate::str::contains("tests/data/bad_values.toml:29, column 1, indicator E")),
        )
        .stderr(predicate::str::contains("5 problems in the indicator definitions"));
    ragstatus()
        .args(["check", "--definitions", "tests/data/bad_values.json"])
        .assert()
        .code(2)
        .stdout(
            predicate::str::contains(
                "tests/data/bad_values.json:4, column 17, indicator A, field indicator[0].polarity: JSON: unknown variant",
            )
            .and(predicate::str::contains("tests/data/bad_values.json:8, column 39, indicator D"))
            .and(predicate::str::contains("TOML").not()),
        );
    // One problem: the error itself, with its line.
    ragstatus()
        .args([
            "report",
            "--definitions",
            "tests/data/bad_values.toml",
            "--actuals",
            "tests/data/good.csv",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: tests/data/bad_values.toml:6, column 1, indicator A",
        ));
}

const BUDGET: &str = "id,name,group,kind,base,budget,forecast\n\
    L-1,Libraries,General Fund > Communities,expenditure,gross,100,100\n\
    L-2,Parks,General Fund > Communities,expenditure,gross,200,210\n\
    L-1,Libraries again,General Fund > Communities,expenditure,gross,100,100\n";

const MILESTONES: &str = "id,description,due\n\
    M-1,Adopt the plan,2016-03-04\n\
    M-2,Open the library,2016-01-31\n\
    M-2,Open the library again,2016-02-28\n";

#[test]
fn check_finds_duplicate_budget_and_milestone_ids_with_lines() {
    let dir = tempfile::tempdir().unwrap();
    let budget = write(dir.path(), "budget.csv", BUDGET);
    let milestones = write(dir.path(), "milestones.csv", MILESTONES);
    let b = budget.display().to_string();
    let m = milestones.display().to_string();
    ragstatus()
        .args(["check", "--definitions", DEFS, "--budget"])
        .arg(&budget)
        .arg("--milestones")
        .arg(&milestones)
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains(format!(
                "{b}:4, column id, indicator L-1: duplicate budget line (also on line 2) \"L-1\""
            ))
            .and(predicate::str::contains(format!(
                "{m}:4, column id, indicator M-2: duplicate milestone (also on line 3) \"M-2\""
            )))
            .and(predicate::str::contains("checked: 2 problems")),
        );
    // The report says the same, with the same file and line.
    ragstatus()
        .args([
            "report",
            "--definitions",
            DEFS,
            "--actuals",
            "tests/data/good.csv",
            "--budget",
        ])
        .arg(&budget)
        .arg("--milestones")
        .arg(&milestones)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains(format!("{b}:4, column id, indicator L-1: duplicate")).and(
                predicate::str::contains(format!("{m}:4, column id, indicator M-2: duplicate")),
            ),
        );
}

#[test]
fn a_huge_field_is_cut_in_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let huge = "7".repeat(10_000_000);
    let actuals = write(
        dir.path(),
        "actuals.csv",
        &format!(
            "indicator,period,value,numerator,denominator,provisional,note\n\
             B-2,2015/16 Q1,{huge}x,,,,\n"
        ),
    );
    let out = ragstatus()
        .args(["check", "--definitions", DEFS, "--actuals"])
        .arg(&actuals)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("(10000001 characters)"))
        .get_output()
        .stdout
        .clone();
    assert!(out.len() < 1_000, "{} bytes of output", out.len());
}

#[test]
fn a_huge_regression_window_is_a_definition_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let defs = write(
        dir.path(),
        "defs.toml",
        "[[indicator]]\nid = \"B-2\"\npolarity = \"lower\"\ndirection = { regression = 100000000 }\n",
    );
    let d = defs.display().to_string();
    ragstatus()
        .args(["evaluate", "--definitions"])
        .arg(&defs)
        .args(["--actuals", "tests/data/good.csv"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "error: {d}:4, column 15, indicator B-2, field indicator[0].direction.regression: \"100000000\" is not valid; expected a regression window of at least 3 and at most 60 periods"
        )));
}

#[test]
fn a_recent_trend_beside_a_regression_is_a_definition_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let defs = write(
        dir.path(),
        "defs.toml",
        "[[indicator]]\nid = \"B-2\"\npolarity = \"lower\"\ndirection = { trend = \"recent\", regression = 4 }\n",
    );
    let d = defs.display().to_string();
    ragstatus()
        .args(["evaluate", "--definitions"])
        .arg(&defs)
        .args(["--actuals", "tests/data/good.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "error: {d}:4, column 15, indicator B-2, field indicator[0].direction.trend: invalid definition: regression = n and trend = \"recent\" are two ways to judge the headline direction; give one"
        )));
}

#[test]
fn budget_settings_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let budget = write(dir.path(), "budget.csv", BUDGET);
    let settings = write(
        dir.path(),
        "settings.toml",
        "# thresholds\n\n[[level]]\nname = 3\n",
    );
    let s = settings.display().to_string();
    ragstatus()
        .args(["check", "--definitions", DEFS, "--budget"])
        .arg(&budget)
        .arg("--budget-settings")
        .arg(&settings)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "error: {s}:3: TOML: unknown field `level`"
        )));
}
