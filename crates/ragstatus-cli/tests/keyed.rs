//! `ragstatus evaluate --by COLUMN`: a keyed actuals file through the core's columnar frame
//! path, with history per key.

use assert_cmd::Command;

fn ragstatus() -> Command {
    let mut cmd = Command::cargo_bin("ragstatus").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// `ragstatus evaluate` with the example definitions, keyed by `key`.
fn evaluate_by(key: &str) -> Command {
    let mut cmd = ragstatus();
    cmd.args([
        "evaluate",
        "--definitions",
        "tests/data/defs.toml",
        "--by",
        key,
    ]);
    cmd
}

/// The example actuals twice, under two organisations, with an organisation column first.
fn keyed(dir: &tempfile::TempDir, extra: &[&str]) -> std::path::PathBuf {
    let text = std::fs::read_to_string("tests/data/good.csv").unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let mut out = format!("organisation,{header}\n");
    for org in ["E10", "E06"] {
        for row in &rows {
            out.push_str(&format!("{org},{row}\n"));
        }
    }
    for row in extra {
        out.push_str(row);
        out.push('\n');
    }
    let path = dir.path().join("keyed.csv");
    std::fs::write(&path, out).unwrap();
    path
}

fn records(csv: &[u8]) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(csv)
        .records()
        .map(Result::unwrap)
        .collect()
}

/// (indicator, period, status, actual) of each CSV row, for the rows of `org` (or all).
fn ratings(csv: &[u8], org: Option<&str>) -> Vec<(String, String, String, String)> {
    let mut reader = csv::Reader::from_reader(csv);
    let head = reader.headers().unwrap().clone();
    let at = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (i, p, s, a) = (at("indicator"), at("period"), at("status"), at("actual"));
    let key = head.iter().position(|h| h == "organisation");
    reader
        .records()
        .map(Result::unwrap)
        .filter(|r| org.is_none() || key.map(|k| &r[k]) == org)
        .map(|r| {
            let actual: Option<ragstatus::Decimal> = r[a].parse().ok();
            (
                r[i].to_string(),
                r[p].to_string(),
                r[s].to_string(),
                actual
                    .map(|d| d.normalize().to_string())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn each_key_is_rated_with_its_own_history_as_the_file_alone_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = keyed(&dir, &[]);
    let keyed = evaluate_by("organisation")
        .arg("--actuals")
        .arg(&path)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let alone = ragstatus()
        .args([
            "evaluate",
            "--definitions",
            "tests/data/defs.toml",
            "--actuals",
            "tests/data/good.csv",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let alone = ratings(&alone, None);
    assert!(!alone.is_empty());
    // Each organisation's rows rate as the file alone does: the second organisation's first
    // period has no previous value of its own, whatever the first organisation reported.
    for org in ["E10", "E06"] {
        let mut mine = ratings(&keyed, Some(org));
        mine.truncate(alone.len());
        assert_eq!(mine, alone, "{org}");
    }
    let head = records(&keyed);
    assert!(head.iter().all(|r| &r[0] == "E10" || &r[0] == "E06"));
}

#[test]
fn a_bad_row_is_named_by_file_and_line_and_the_rest_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = keyed(&dir, &["E06,A-1,2016/17 Q1,forty,,,,"]);
    let lines = std::fs::read_to_string(&path).unwrap().lines().count();
    let assert = evaluate_by("organisation")
        .args(["--format", "jsonl", "--actuals"])
        .arg(&path)
        .assert()
        .code(1);
    let out = assert.get_output();
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    assert!(
        stderr.contains(&format!("keyed.csv:{lines}: ")) && stderr.contains("\"forty\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 input row could not be evaluated"),
        "{stderr}"
    );
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(!stdout.is_empty());
    for line in stdout.lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(row["row"].is_u64(), "{line}");
        assert!(
            row["actual"].is_string() || row["actual"].is_null(),
            "{line}"
        );
        assert!(row.get("error").is_none(), "{line}");
        assert_ne!(row["period"], "2016/17 Q1", "{line}");
    }
}

#[test]
fn a_key_column_that_is_not_there_stops_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = keyed(&dir, &[]);
    evaluate_by("trust")
        .arg("--actuals")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("trust"))
        .stdout("");
}

#[test]
fn columns_writes_those_columns_in_that_order_and_bad_rows_still_go_to_standard_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = keyed(&dir, &["E06,A-1,2016/17 Q1,forty,,,,"]);
    let run = |extra: &[&str]| {
        evaluate_by("organisation")
            .args(extra)
            .arg("--actuals")
            .arg(&path)
            .assert()
            .code(1)
            .get_output()
            .clone()
    };
    let full = run(&[]);
    let some = run(&["--columns", "status,organisation", "--columns", "period"]);
    assert_eq!(some.stderr, full.stderr);
    let headers = |csv: &[u8]| csv::Reader::from_reader(csv).headers().unwrap().clone();
    let (some_head, full_head) = (headers(&some.stdout), headers(&full.stdout));
    assert_eq!(
        some_head.iter().collect::<Vec<_>>(),
        ["status", "organisation", "period"]
    );
    let (some_rows, full) = (records(&some.stdout), records(&full.stdout));
    assert_eq!(some_rows.len(), full.len());
    let at = |name: &str| full_head.iter().position(|h| h == name).unwrap();
    for (mine, whole) in some_rows.iter().zip(&full) {
        assert_eq!(&mine[0], &whole[at("status")]);
        assert_eq!(&mine[1], &whole[at("organisation")]);
        assert_eq!(&mine[2], &whole[at("period")]);
    }
}

#[test]
fn an_unknown_output_column_stops_with_its_name_and_columns_needs_by() {
    let dir = tempfile::tempdir().unwrap();
    let path = keyed(&dir, &[]);
    evaluate_by("organisation")
        .args(["--columns", "status,colour"])
        .arg("--actuals")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no output column \"colour\""))
        .stdout("");
    ragstatus()
        .args([
            "evaluate",
            "--definitions",
            "tests/data/defs.toml",
            "--columns",
            "status",
        ])
        .arg("--actuals")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--by"));
}
