//! The lines `ragstatus check` names for bad rows of CSV files as spreadsheets save them: CRLF
//! line endings, notes with line breaks, blank lines, a UTF-8 byte order mark and quoted
//! headers. The files are written here byte for byte, so that no checkout setting changes their
//! line endings.

use assert_cmd::Command;
use predicates::prelude::*;

fn ragstatus() -> Command {
    let mut cmd = Command::cargo_bin("ragstatus").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// `lines` ended by `eol`, as a file in `dir`.
fn write(dir: &tempfile::TempDir, name: &str, lines: &[&str], eol: &str) -> std::path::PathBuf {
    let path = dir.path().join(name);
    let text: String = lines.iter().map(|l| format!("{l}{eol}")).collect();
    std::fs::write(&path, text).unwrap();
    path
}

/// The output of `check` on an actuals file.
fn check_actuals(path: &std::path::Path) -> String {
    let out = ragstatus()
        .args([
            "check",
            "--definitions",
            "tests/data/defs.toml",
            "--actuals",
        ])
        .arg(path)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

const ACTUALS: [&str; 7] = [
    "\u{feff}\"indicator\",\"period\",\"value\",\"note\"",
    "A-1,2015/16 Q1,45,\"Two",
    "lines\"",
    "",
    "ZZ,2015/16 Q1,24,",
    "B-2,2015/16 Q1,x,",
    "A-1,2015/16 Q1,46,",
];

#[test]
fn actuals_rows_are_named_by_their_first_line_with_any_line_ending() {
    let dir = tempfile::tempdir().unwrap();
    for eol in ["\n", "\r\n"] {
        let out = check_actuals(&write(&dir, "actuals.csv", &ACTUALS, eol));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines,
            [
                "actuals.csv:5, column indicator, indicator ZZ: unknown indicator \"ZZ\"",
                "actuals.csv:6, column value, indicator B-2, period 2015/16 Q1: \"x\" is not \
                 valid; expected a number such as 44.1, -3, 1,842 or 4.41e1",
                "actuals.csv:7, column period, indicator A-1, period 2015/16 Q1: duplicate row \
                 (also on line 2) for \"A-1 2015/16 Q1\"",
                "2 indicator definitions, 4 data rows checked: 3 problems",
            ]
            .map(|l| l.replace(
                "actuals.csv",
                &dir.path().join("actuals.csv").display().to_string()
            )),
            "{eol:?}"
        );
    }
}

#[test]
fn unreadable_actuals_row_is_a_syntax_error_on_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.csv");
    // A note saved as Latin-1 (0xE9 for "é") is not UTF-8.
    std::fs::write(
        &path,
        b"indicator,period,value,note\r\n\r\nA-1,2015/16 Q1,45,caf\xE9\r\n\
          B-2,2015/16 Q1,24,\r\n\r\nA-1,2015/16 Q2,46,caf\xE9\r\n",
    )
    .unwrap();
    let out = check_actuals(&path);
    for line in [3, 6] {
        let expected =
            format!("latin1.csv:{line}: CSV: invalid UTF-8 in column 4 (save the file as UTF-8)");
        assert!(out.contains(&expected), "{out}");
    }
    assert!(out.contains("3 data rows checked: 2 problems"), "{out}");
}

#[test]
fn budget_and_milestone_rows_are_named_by_their_line_in_crlf_files() {
    let dir = tempfile::tempdir().unwrap();
    let budget = write(
        &dir,
        "budget.csv",
        &[
            "\u{feff}id,name,group,kind,base,budget,forecast,note",
            "L-1,Care,Adults,expenditure,gross,100,110,\"Placements up;",
            "see the Q2 report\"",
            "L-2,Fares,Adults,expenditure,gross,n/a,5,",
        ],
        "\r\n",
    );
    let milestones = write(
        &dir,
        "milestones.csv",
        &[
            "id,description,due",
            "M-1,Open the library,2016-03-31",
            "",
            "M-2,Adopt the plan,31 March",
        ],
        "\r\n",
    );
    ragstatus()
        .args(["check", "--definitions", "tests/data/defs.toml", "--budget"])
        .arg(&budget)
        .arg("--milestones")
        .arg(&milestones)
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("budget.csv:4, column budget, indicator L-2")
                .and(predicate::str::contains(
                    "milestones.csv:4, column due, indicator M-2",
                ))
                .and(predicate::str::contains("2 problems")),
        );
}
