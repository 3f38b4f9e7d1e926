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
            "tests/data/non_numeric.csv:2, column denominator, indicator A-1, period 2015/16 Q1: \"n/a\" is not valid; expected a number such as 44.1, -3, 1,842 or 4.41e1",
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

fn report_with(actuals: &str) -> assert_cmd::assert::Assert {
    ragstatus()
        .args([
            "report",
            "--definitions",
            "tests/data/defs.toml",
            "--format",
            "csv",
            "--actuals",
        ])
        .arg(format!("tests/data/{actuals}"))
        .assert()
}

#[test]
fn report_clean_exits_0() {
    report_with("good.csv")
        .code(0)
        .stderr("")
        .stdout(predicate::str::contains(
            "A-1,Household waste recycled,Live Well,Environment,2015/16 Q2,45.0%,44.1,Amber",
        ));
}

#[test]
fn report_with_bad_rows_exits_1_listing_them_and_evaluates_the_rest() {
    // Row 3 (ZZ-9) is bad; A-1 and B-2 are still reported.
    report_with("unknown_indicator.csv")
        .code(1)
        .stdout(predicate::str::contains("\nA-1,").and(predicate::str::contains("\nB-2,")))
        .stderr(
            predicate::str::contains("tests/data/unknown_indicator.csv:3")
                .and(predicate::str::contains("1 input row could not be used")),
        );
}

#[test]
fn report_lists_bad_rows_in_the_report_too() {
    ragstatus()
        .args([
            "report",
            "--definitions",
            "tests/data/defs.toml",
            "--actuals",
            "tests/data/non_numeric.csv",
            "--format",
            "markdown",
        ])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("## Data problems")
                .and(predicate::str::contains("non\\_numeric.csv:2")),
        );
}

#[test]
fn report_defaults_to_the_latest_period_with_data() {
    report_with("good.csv")
        .code(0)
        .stdout(predicate::str::contains(",2015/16 Q2,"));
    ragstatus()
        .args([
            "report",
            "--definitions",
            "tests/data/defs.toml",
            "--actuals",
            "tests/data/good.csv",
            "--format",
            "csv",
            "--period",
            "Q1 2015/16",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(",2015/16 Q1,"));
}

#[test]
fn report_writes_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.html");
    ragstatus()
        .args([
            "report",
            "--definitions",
            "tests/data/defs.toml",
            "--actuals",
            "tests/data/good.csv",
            "--format",
            "html",
            "--output",
        ])
        .arg(&path)
        .assert()
        .code(0)
        .stdout("");
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Household waste recycled"));
}

#[test]
fn report_bad_period_argument_exits_2() {
    ragstatus()
        .args([
            "report",
            "--definitions",
            "tests/data/defs.toml",
            "--actuals",
            "tests/data/good.csv",
            "--period",
            "2015/16 Q7",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--period").and(predicate::str::contains("Q7")));
}

#[test]
fn report_with_bad_definitions_exits_2_and_writes_nothing() {
    ragstatus()
        .args([
            "report",
            "--definitions",
            "tests/data/bad_defs.toml",
            "--actuals",
            "tests/data/good.csv",
        ])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("tests/data/bad_defs.toml"));
}

#[test]
fn evaluate_streams_good_rows_and_lists_bad_ones() {
    ragstatus()
        .args([
            "evaluate",
            "--definitions",
            "tests/data/defs.toml",
            "--actuals",
            "tests/data/bad_period.csv",
            "--format",
            "jsonl",
        ])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("\"indicator\":\"A-1\",\"period\":\"2015/16 Q1\"")
                .and(predicate::str::contains("B-2").not()),
        )
        .stderr(predicate::str::contains(
            "tests/data/bad_period.csv:3, column period",
        ));
}

#[test]
fn evaluate_reports_duplicates_with_both_lines() {
    ragstatus()
        .args([
            "evaluate",
            "--definitions",
            "tests/data/defs.toml",
            "--actuals",
            "tests/data/duplicate.csv",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "tests/data/duplicate.csv:4, column period, indicator A-1, period 2015/16 Q1: duplicate row (also on line 2)",
        ));
}

#[test]
fn evaluate_clean_csv() {
    let out = ragstatus()
        .args([
            "evaluate",
            "--definitions",
            "tests/data/defs.toml",
            "--actuals",
            "tests/data/good.csv",
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    // B-2 in Q2: 31.4 days against 25 (lower is better, 10% tolerance = 2.5 days): Red.
    assert_eq!(&rows[3][0], "B-2");
    assert_eq!(&rows[3][8], "Red");
    assert_eq!(&rows[3][12], "Worsening");
}

#[test]
fn explain_shows_the_reasoning() {
    ragstatus()
        .args([
            "explain",
            "A-1",
            "--period",
            "2015/16 Q2",
            "--definitions",
            "tests/data/defs.toml",
            "--actuals",
            "tests/data/good.csv",
        ])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("441 / 1000 × 100 (provisional; note: Provisional)")
                .and(predicate::str::contains("Target:       45.0%"))
                .and(predicate::str::contains("Tolerance:    absolute 2"))
                .and(predicate::str::contains("Shortfall:    0.9"))
                .and(predicate::str::contains("Status:       ▲ Amber")),
        );
}

#[test]
fn explain_unknown_indicator_exits_2_listing_the_ids() {
    ragstatus()
        .args([
            "explain",
            "Q-9",
            "--definitions",
            "tests/data/defs.toml",
            "--actuals",
            "tests/data/good.csv",
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("unknown indicator \"Q-9\"")
                .and(predicate::str::contains("A-1, B-2")),
        );
}

#[test]
fn check_budget_and_milestone_rows_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let budget = dir.path().join("budget.csv");
    std::fs::write(
        &budget,
        "id,name,group,kind,base,budget,forecast\nL-1,Care,Adults,expenditure,gross,100,110\nL-2,Fares,Adults,expenditure,gross,n/a,5\n",
    )
    .unwrap();
    let milestones = dir.path().join("milestones.csv");
    std::fs::write(
        &milestones,
        "id,description,due\nM-1,Open the library,2016-03-31\nM-2,Adopt the plan,31 March\n",
    )
    .unwrap();
    ragstatus()
        .args(["check", "--definitions", "tests/data/defs.toml", "--budget"])
        .arg(&budget)
        .arg("--milestones")
        .arg(&milestones)
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("budget.csv:3, column budget")
                .and(predicate::str::contains("milestones.csv:3, column due"))
                .and(predicate::str::contains("2 problems")),
        );
}

#[test]
fn json_definitions_give_the_same_report_as_toml() {
    let run = |defs: &str| {
        ragstatus()
            .args([
                "report",
                "--format",
                "json",
                "--actuals",
                "tests/data/good.csv",
            ])
            .args(["--definitions", defs])
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone()
    };
    assert_eq!(run("tests/data/defs.toml"), run("tests/data/defs.json"));
}

#[test]
fn check_lists_every_definition_problem() {
    ragstatus()
        .args(["check", "--definitions", "tests/data/bad_defs.toml"])
        .assert()
        .code(2)
        .stdout(
            predicate::str::contains(
                "indicator A-1, field indicator[0].polarity: TOML: unknown variant `sideways`",
            )
            .and(predicate::str::contains(
                "tests/data/bad_defs.toml:8, column 1, indicator A-1, field indicator[1].id: duplicate indicator id (also indicator[0]) \"A-1\"",
            )),
        )
        .stderr(predicate::str::contains(
            "2 problems in the indicator definitions",
        ));
}

#[test]
fn line_numbers_are_right_with_crlf_line_endings() {
    // As spreadsheets on Windows save CSV; the csv crate's own line count drifts here.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crlf.csv");
    std::fs::write(
        &path,
        "indicator,period,value\r\nA-1,2015/16 Q1,45\r\nZZ,2015/16 Q1,24\r\nB-2,2015/16 Q1,x\r\n",
    )
    .unwrap();
    ragstatus()
        .args([
            "check",
            "--definitions",
            "tests/data/defs.toml",
            "--actuals",
        ])
        .arg(&path)
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("crlf.csv:3, column indicator, indicator ZZ").and(
                predicate::str::contains("crlf.csv:4, column value, indicator B-2"),
            ),
        );
}

#[test]
fn overrides_are_shown_and_bad_ones_listed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("overrides.csv");
    std::fs::write(
        &path,
        "indicator,period,status,reason,by\nB-2,2015/16 Q2,Amber,Data lag,J. Smith\nA-1,2015/16 Q2,Purple,x,y\nZZ,2015/16 Q2,Red,x,y\nA-1,2015/16 Q2,Green,,y\n",
    )
    .unwrap();
    ragstatus()
        .args([
            "report",
            "--definitions",
            "tests/data/defs.toml",
            "--actuals",
            "tests/data/good.csv",
            "--format",
            "json",
            "--overrides",
        ])
        .arg(&path)
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("\"computed_status\": \"Red\"").and(predicate::str::contains(
                "(overridden to Amber by J. Smith: Data lag)",
            )),
        )
        .stderr(
            predicate::str::contains("overrides.csv:3, column status, indicator A-1")
                .and(predicate::str::contains(
                    "overrides.csv:4, column indicator, indicator ZZ",
                ))
                .and(predicate::str::contains(
                    "overrides.csv:5, column reason, indicator A-1, period 2015/16 Q2: missing reason",
                )),
        );
}

/// An indicator judged by the recent trend: the report's direction and sentence come from the
/// test over the five years, and `explain` shows the test's figures (SPEC §7, §8a).
#[test]
fn recent_trend_is_the_reports_direction_of_travel() {
    let dir = tempfile::tempdir().unwrap();
    let defs = dir.path().join("defs.toml");
    std::fs::write(
        &defs,
        "[[indicator]]\nid = \"RT-1\"\nname = \"Screening uptake\"\nunit = \"percent\"\npolarity = \"higher\"\nfrequency = \"annual\"\ndecimals = 1\ndirection = { trend = \"recent\" }\n[[indicator.target]]\nvalue = \"3\"\n",
    )
    .unwrap();
    let actuals = dir.path().join("actuals.csv");
    std::fs::write(
        &actuals,
        "indicator,period,value,numerator,denominator\nRT-1,2014/15,,994,40299\nRT-1,2015/16,,1023,41527\nRT-1,2016/17,,1199,42811\nRT-1,2017/18,,1332,44064\nRT-1,2018/19,,1367,44701\n",
    )
    .unwrap();
    ragstatus()
        .args(["report", "--format", "csv", "--definitions"])
        .arg(&defs)
        .arg("--actuals")
        .arg(&actuals)
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains(",improving,").and(predicate::str::contains(
                "recent trend over 5 points a year apart, 2014/15 to 2018/19 (chi-squared test for trend, 99.8% level): increasing and getting better",
            )),
        );
    ragstatus()
        .args(["explain", "RT-1", "--period", "2018/19", "--definitions"])
        .arg(&defs)
        .arg("--actuals")
        .arg(&actuals)
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("Headline:     ↑ Improving").and(predicate::str::contains(
                "Recent trend: Increasing and getting better (chi-squared 47.89667671 against 9.549535706 at 99.8%, log-odds gradient 0.06524964078 a year, 5 points)",
            )),
        );
    // Four years: not comparable, saying why; the status stands.
    let four = dir.path().join("four.csv");
    let text = std::fs::read_to_string(&actuals).unwrap();
    std::fs::write(&four, text.replace("RT-1,2014/15,,994,40299\n", "")).unwrap();
    ragstatus()
        .args(["report", "--format", "csv", "--definitions"])
        .arg(&defs)
        .arg("--actuals")
        .arg(&four)
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains(",Green,").and(predicate::str::contains(
                "recent trend cannot be calculated: fewer than five data points: not comparable",
            )),
        );
}
