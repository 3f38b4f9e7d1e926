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
