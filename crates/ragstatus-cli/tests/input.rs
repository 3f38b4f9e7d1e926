//! Issue #10, the command line's CSV input: nothing swallowed, nothing misread, every bad row
//! listed with its line by `check`, `report` and `evaluate` alike.

use assert_cmd::Command;
use predicates::prelude::*;

fn ragstatus() -> Command {
    let mut cmd = Command::cargo_bin("ragstatus").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// An actuals file with `text` after the header, in a temporary directory.
fn actuals(dir: &tempfile::TempDir, text: &str) -> std::path::PathBuf {
    let path = dir.path().join("actuals.csv");
    std::fs::write(
        &path,
        format!("indicator,period,value,numerator,denominator,provisional,note\n{text}"),
    )
    .unwrap();
    path
}

fn run(command: &str, path: &std::path::Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    ragstatus()
        .args([
            command,
            "--definitions",
            "tests/data/defs.toml",
            "--actuals",
        ])
        .arg(path)
        .args(extra)
        .assert()
}

/// A note that opens a quote and never closes it.
const UNTERMINATED: &str = "A-1,2015/16 Q1,,450,1000,,\n\
                            B-2,2015/16 Q1,24,,,,\"Contractor data\n\
                            A-1,2015/16 Q2,,441,1000,,\n\
                            B-2,2015/16 Q2,31.4,,,,\n";

#[test]
fn check_reports_an_unterminated_quote_on_the_line_it_opened() {
    let dir = tempfile::tempdir().unwrap();
    let path = actuals(&dir, UNTERMINATED);
    run("check", &path, &[]).code(1).stdout(
        predicate::str::contains("actuals.csv:3: CSV: a quote opened on this line is never closed")
            .and(predicate::str::contains("2 data rows checked: 1 problem\n")),
    );
}

#[test]
fn report_and_evaluate_list_an_unterminated_quote() {
    let dir = tempfile::tempdir().unwrap();
    let path = actuals(&dir, UNTERMINATED);
    run("report", &path, &["--period", "2015/16 Q1"])
        .code(1)
        .stderr(predicate::str::contains(
            "actuals.csv:3: CSV: a quote opened on this line is never closed",
        ));
    run("evaluate", &path, &["--format", "jsonl"])
        .code(1)
        .stdout(predicate::str::contains("\"indicator\":\"A-1\"").count(1))
        .stderr(
            predicate::str::contains("actuals.csv:3: CSV: a quote opened on this line").and(
                predicate::str::contains("1 input row could not be evaluated"),
            ),
        );
}

#[test]
fn only_valid_thousands_separators_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = actuals(
        &dir,
        "B-2,2015/16 Q1,\"44,5\",,,,\n\
         B-2,2015/16 Q2,\"1,,2\",,,,\n\
         B-2,2015/16 Q3,\",5\",,,,\n\
         B-2,2015/16 Q4,\"1,842\",,,,\n",
    );
    let out = run("check", &path, &[]).code(1);
    let out = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for (line, text) in [(2, "44,5"), (3, "1,,2"), (4, ",5")] {
        assert!(
            out.contains(&format!(
                "actuals.csv:{line}, column value, indicator B-2, period 2015/16 Q{}: \"{text}\" is \
                 not valid; expected a number such as 44.1, -3, 1,842 or 4.41e1",
                line - 1
            )),
            "{out}"
        );
    }
    assert!(out.contains("4 data rows checked: 3 problems"), "{out}");
}

#[test]
fn a_label_of_the_wrong_frequency_is_an_error_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = actuals(
        &dir,
        "B-2,2015/16 Q3,24,,,,\n\
         A-1,2014/15,,450,1000,,\n\
         A-1,2015/16 M08,,441,1000,,\n",
    );
    let year = "actuals.csv:3, column period, indicator A-1: \"2014/15\" is not valid; expected \
                a quarter label such as 2014/15 Q1 (the indicator is reported quarterly)";
    let month = "actuals.csv:4, column period, indicator A-1: \"2015/16 M08\" is not valid; \
                 expected a quarter label such as 2015/16 Q1 (the indicator is reported \
                 quarterly)";
    run("check", &path, &[]).code(1).stdout(
        predicate::str::contains(year)
            .and(predicate::str::contains(month))
            .and(predicate::str::contains("3 data rows checked: 2 problems")),
    );
    // Neither row may be evaluated as NoData or NotDue.
    run("evaluate", &path, &["--format", "jsonl"])
        .code(1)
        .stdout(
            predicate::str::contains("NoData")
                .not()
                .and(predicate::str::contains("NotDue").not())
                .and(predicate::str::contains("\"indicator\":\"A-1\"").not()),
        )
        .stderr(predicate::str::contains(year).and(predicate::str::contains(month)));
}

#[test]
fn a_value_with_more_places_than_a_decimal_holds_is_rejected_not_rounded() {
    let dir = tempfile::tempdir().unwrap();
    // 25.000…01 with 30 places: rounded to 28 it would be 25, on target (Green for "lower").
    let path = actuals(
        &dir,
        "B-2,2015/16 Q1,25.000000000000000000000000000001,,,,\n",
    );
    run("evaluate", &path, &["--format", "jsonl"])
        .code(1)
        .stdout(predicate::str::contains("Green").not())
        .stderr(predicate::str::contains(
            "actuals.csv:2, column value, indicator B-2, period 2015/16 Q1: \
             \"25.000000000000000000000000000001\" is not valid; expected a number with at \
             most 28 decimal places",
        ));
}

#[test]
fn blank_rows_are_reported_with_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = actuals(
        &dir,
        "A-1,2015/16 Q1,,450,1000,,\n,,,,,,\n\nB-2,2015/16 Q1,24,,,,\n , ,,,,,\n",
    );
    run("check", &path, &[]).code(1).stdout(
        predicate::str::contains("actuals.csv:3: CSV: a row with every cell empty")
            .and(predicate::str::contains(
                "actuals.csv:6: CSV: a row with every cell empty",
            ))
            .and(predicate::str::contains("actuals.csv:4").not())
            .and(predicate::str::contains("4 data rows checked: 2 problems")),
    );
}

#[test]
fn overrides_and_comparators_report_unterminated_quotes_and_blank_rows() {
    let dir = tempfile::tempdir().unwrap();
    let overrides = dir.path().join("overrides.csv");
    std::fs::write(
        &overrides,
        "indicator,period,status,reason,by\n,,,,\nB-2,2015/16 Q2,Amber,\"Data lag,J. Smith\n",
    )
    .unwrap();
    let comparators = dir.path().join("comparators.csv");
    std::fs::write(
        &comparators,
        "indicator,period,comparator,value\nB-2,2015/16 Q2,Northshire,\"44,5\"\n,,,\n",
    )
    .unwrap();
    ragstatus()
        .args([
            "check",
            "--definitions",
            "tests/data/defs.toml",
            "--overrides",
        ])
        .arg(&overrides)
        .arg("--comparators")
        .arg(&comparators)
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("overrides.csv:2: CSV: a row with every cell empty")
                .and(predicate::str::contains(
                    "overrides.csv:3: CSV: a quote opened on this line is never closed",
                ))
                .and(predicate::str::contains(
                    "comparators.csv:2, column value, indicator B-2, period 2015/16 Q2: \"44,5\" \
                     is not valid",
                ))
                .and(predicate::str::contains(
                    "comparators.csv:3: CSV: a row with every cell empty",
                ))
                .and(predicate::str::contains("4 problems")),
        );
}
