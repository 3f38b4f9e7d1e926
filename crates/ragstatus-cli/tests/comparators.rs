//! Benchmarking against comparators (`--comparators FILE`): rank, quartile and distance from the
//! median in the report, and bad rows listed with file and line.

use assert_cmd::Command;
use predicates::prelude::*;

const DEFS: &str = "[[indicator]]\nid = \"A-1\"\nunit = \"percent\"\npolarity = \"higher\"\ndecimals = 1\n[[indicator.target]]\nvalue = \"45\"\n\
[[indicator]]\nid = \"B-2\"\nunit = \"days\"\npolarity = \"lower\"\ndecimals = 1\n\
[[indicator]]\nid = \"W-3\"\nunit = \"percent\"\npolarity = \"within\"\n[[indicator.target]]\nlow = \"85\"\nhigh = \"95\"\n";

const ACTUALS: &str =
    "indicator,period,value\nA-1,2015/16 Q3,44.06\nB-2,2015/16 Q3,20\nW-3,2015/16 Q3,90\n";

fn run(comparators: &str, args: &[&str]) -> assert_cmd::assert::Assert {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("defs.toml"), DEFS).unwrap();
    std::fs::write(dir.path().join("actuals.csv"), ACTUALS).unwrap();
    std::fs::write(dir.path().join("comparators.csv"), comparators).unwrap();
    Command::cargo_bin("ragstatus")
        .unwrap()
        .current_dir(dir.path())
        .args(args)
        .args([
            "--definitions",
            "defs.toml",
            "--comparators",
            "comparators.csv",
        ])
        .assert()
}

const GOOD: &str = "indicator,period,comparator,value\n\
A-1,2015/16 Q3,North,40\nA-1,2015/16 Q3,South,44.1\nA-1,2015/16 Q3,East,47\nA-1,Q3 2015/16,West,\n\
B-2,2015/16 Q3,North,18\nB-2,2015/16 Q3,South,\"1,022\"\n";

#[test]
fn report_shows_rank_quartile_and_median_distance() {
    // The actual is compared as shown: 44.06 is 44.1%, tied with South.
    run(GOOD, &["report", "--actuals", "actuals.csv"])
        .code(0)
        .stdout(
            predicate::str::contains(
                "A-1 Benchmark: joint 2nd of 4 (quartile 2); at the median of 44.1% (1 comparator missing)",
            )
            .and(predicate::str::contains("B-2 Benchmark: 2nd of 3")),
        );
    let out = run(
        GOOD,
        &["report", "--actuals", "actuals.csv", "--format", "json"],
    )
    .code(0)
    .get_output()
    .stdout
    .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let a = &json["indicators"][0]["benchmark"]["result"];
    assert_eq!(a["rank"], 2);
    assert_eq!(a["group_size"], 4);
    assert_eq!(a["missing"], 1);
    assert_eq!(a["tied"], 1);
    assert_eq!(a["quartile"], 2);
    assert_eq!(a["median"], "44.1");
    assert_eq!(a["distance_from_median"], "0.0");
    assert!(json["indicators"][2]["benchmark"].is_null());
    run(GOOD, &["report", "--actuals", "actuals.csv", "--format", "csv"])
        .code(0)
        .stdout(predicate::str::contains(
            "benchmark_rank,benchmark_group_size,benchmark_quartile,benchmark_median,benchmark_distance_from_median",
        ));
    run(GOOD, &["check"])
        .code(0)
        .stdout(predicate::str::contains(
            "6 comparator values checked: 0 problems",
        ));
}

#[test]
fn bad_rows_name_file_line_and_column_and_the_rest_are_used() {
    let bad = "indicator,period,comparator,value\n\
A-1,2015/16 Q3,North,40\n\
Z-9,2015/16 Q3,North,40\n\
A-1,2015/16 Q7,North,40\n\
A-1,2015/16 Q3,,40\n\
A-1,2015/16 Q3,South,forty\n\
A-1,2015/16 Q3,North,41\n\
W-3,2015/16 Q3,North,88\n";
    run(bad, &["report", "--actuals", "actuals.csv"])
        .code(1)
        .stdout(predicate::str::contains("A-1 Benchmark: 1st of 2"))
        .stderr(
            predicate::str::contains("comparators.csv:3, column indicator, indicator Z-9")
                .and(predicate::str::contains("comparators.csv:4, column period"))
                .and(predicate::str::contains(
                    "comparators.csv:5, column comparator, indicator A-1",
                ))
                .and(predicate::str::contains(
                    "comparators.csv:6, column value, indicator A-1",
                ))
                .and(predicate::str::contains("\"forty\" is not valid"))
                .and(predicate::str::contains(
                    "comparators.csv:7, column comparator",
                ))
                .and(predicate::str::contains("also on line 2"))
                .and(predicate::str::contains(
                    "comparators.csv, indicator W-3, period 2015/16 Q3",
                ))
                .and(predicate::str::contains("6 input rows could not be used")),
        );
    run(bad, &["check"])
        .code(1)
        .stdout(
            predicate::str::contains("comparators.csv:3").and(predicate::str::contains(
                "7 comparator values checked: 5 problems",
            )),
        );
}

#[test]
fn missing_column_is_a_usage_error() {
    run(
        "indicator,period,value\n",
        &["report", "--actuals", "actuals.csv"],
    )
    .code(2)
    .stderr(predicate::str::contains(
        "comparators.csv:1: missing column \"comparator\" in the header",
    ));
}

#[test]
fn line_numbers_are_right_with_crlf_and_blank_lines() {
    let bad = "indicator,period,comparator,value\r\nA-1,2015/16 Q3,North,40\r\n\r\nA-1,2015/16 Q3,South,forty\r\n";
    run(bad, &["check"])
        .code(1)
        .stdout(predicate::str::contains("comparators.csv:4, column value"));
}
