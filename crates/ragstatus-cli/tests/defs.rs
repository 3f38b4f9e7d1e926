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
