//! Exit codes and error messages of the `ragstatus` command, on small fixtures in `tests/data`.

use assert_cmd::Command;
use predicates::prelude::*;

fn ragstatus() -> Command {
    let mut cmd = Command::cargo_bin("ragstatus").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn check(actuals: &str) -> assert_cmd::assert::Assert {
    ragstatus()
        .args([
            "check",
            "--definitions",
            "tests/data/defs.toml",
            "--actuals",
        ])
        .arg(format!("tests/data/{actuals}"))
        .assert()
}

#[test]
fn check_clean_exits_0() {
    check("good.csv")
        .code(0)
        .stdout(predicate::str::contains("4 data rows checked: 0 problems"));
}

#[test]
fn unknown_indicator_names_file_line_and_column() {
    check("unknown_indicator.csv").code(1).stdout(
        predicate::str::contains(
            "tests/data/unknown_indicator.csv:3, column indicator, indicator ZZ-9: unknown indicator \"ZZ-9\"",
        )
        .and(predicate::str::contains("3 data rows checked: 1 problem\n")),
    );
}

#[test]
fn bad_period_names_file_line_and_label() {
    check("bad_period.csv").code(1).stdout(
        predicate::str::contains("tests/data/bad_period.csv:3, column period, indicator B-2")
            .and(predicate::str::contains("\"2015/16 Q5\" is not recognised")),
    );
}

#[test]
fn duplicate_row_names_both_lines() {
    // "Q1 2015/16" is the same period as "2015/16 Q1" written another way.
    check("duplicate.csv").code(1).stdout(predicate::str::contains(
        "tests/data/duplicate.csv:4, column period, indicator A-1, period 2015/16 Q1: duplicate row (also on line 2) for \"A-1 2015/16 Q1\"",
    ));
}

#[test]
fn non_numeric_value_names_file_line_and_column() {
    check("non_numeric.csv").code(1).stdout(
        predicate::str::contains(
            "tests/data/non_numeric.csv:2, column denominator, indicator A-1, period 2015/16 Q1: \"n/a\" is not valid; expected a decimal number",
        )
        .and(predicate::str::contains("2 data rows checked: 1 problem\n")),
    );
}

#[test]
fn every_problem_is_listed_not_just_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let all = dir.path().join("all_bad.csv").display().to_string();
    std::fs::write(
        &all,
        "indicator,period,value\nZZ,2015/16 Q1,1\nA-1,2015/16 Q9,1\nA-1,2015/16 Q1,x\nB-2,2015/16 Q1,2\nB-2,2015/16 Q1,3\n",
    )
    .unwrap();
    let out = ragstatus()
        .args([
            "check",
            "--definitions",
            "tests/data/defs.toml",
            "--actuals",
            &all,
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    for line in [":2,", ":3,", ":4,", ":6,"] {
        assert!(
            text.contains(&format!("all_bad.csv{line}")),
            "{line} missing in\n{text}"
        );
    }
    assert!(text.contains("5 data rows checked: 4 problems"), "{text}");
}

#[test]
fn missing_column_is_a_usage_error() {
    check("missing_column.csv")
        .code(2)
        .stderr(predicate::str::contains(
            "tests/data/missing_column.csv:1: missing column \"period\" in the header",
        ));
}

#[test]
fn bad_definitions_exit_2_naming_the_file() {
    ragstatus()
        .args(["check", "--definitions", "tests/data/bad_defs.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tests/data/bad_defs.toml"));
}

#[test]
fn missing_file_exits_2() {
    ragstatus()
        .args(["check", "--definitions", "tests/data/no_such_file.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no_such_file.toml"));
}

#[test]
fn usage_errors_exit_2() {
    ragstatus().assert().code(2);
    ragstatus()
        .args(["report", "--format", "pdf"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid value 'pdf'"));
}

#[test]
fn every_command_has_help_with_an_example() {
    for command in ["report", "evaluate", "check", "explain"] {
        ragstatus()
            .args([command, "--help"])
            .assert()
            .code(0)
            .stdout(
                predicate::str::contains("Example:")
                    .and(predicate::str::contains(format!("ragstatus {command}"))),
            );
    }
}
