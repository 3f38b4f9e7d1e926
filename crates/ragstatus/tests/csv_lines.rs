//! Line numbers and headers of the budget and milestone CSV readers on files as spreadsheets
//! save them: CRLF line endings, notes with line breaks, blank lines, a UTF-8 byte order mark.
//! The files are written here byte for byte, so that no checkout setting changes their line
//! endings.

use ragstatus::budget::{BudgetCsvOptions, read_budget_csv};
use ragstatus::milestone::{MilestoneCsvOptions, read_milestones_csv};
use ragstatus::{Error, ErrorKind};

const BOM: &str = "\u{feff}";

/// The same file with each line ending: `lines` ended by LF, by CRLF, and by a lone CR (old Mac
/// files), as (line ending, file text).
fn endings(lines: &[&str]) -> [(&'static str, String); 3] {
    ["\n", "\r\n", "\r"].map(|eol| (eol, lines.iter().map(|l| format!("{l}{eol}")).collect()))
}

/// (line, column, id) of each error.
fn places(errors: &[Error]) -> Vec<(Option<u64>, Option<&str>, Option<&str>)> {
    errors
        .iter()
        .map(|e| {
            let l = e.location();
            (l.line, l.column.as_deref(), l.indicator.as_deref())
        })
        .collect()
}

fn options() -> BudgetCsvOptions {
    BudgetCsvOptions {
        file: Some("budget.csv".into()),
        ..Default::default()
    }
}

fn budget(text: &str) -> ragstatus::BudgetCsv {
    read_budget_csv(text.as_bytes(), &options()).unwrap()
}

fn milestones(text: &str) -> ragstatus::MilestoneCsv {
    let options = MilestoneCsvOptions {
        file: Some("milestones.csv".into()),
    };
    read_milestones_csv(text.as_bytes(), &options).unwrap()
}

#[test]
fn budget_bad_row_on_line_3_is_reported_on_line_3_with_any_line_ending() {
    for (eol, text) in endings(&[
        "id,kind,base,budget,forecast",
        "A,expenditure,gross,100,110",
        "B,expenditure,gross,n/a,5",
        "C,income,gross,10,12",
    ]) {
        let read = budget(&text);
        assert_eq!(read.lines.len(), 2, "{eol:?}");
        assert_eq!(
            places(&read.errors),
            [(Some(3), Some("budget"), Some("B"))],
            "{eol:?}"
        );
        assert!(
            read.errors[0].to_string().starts_with("budget.csv:3, "),
            "{eol:?}: {}",
            read.errors[0]
        );
    }
    // The case of rust-csv issue 395, spelled out.
    let crlf = "id,kind,base,budget,forecast\r\nA,net,net_controllable,1,1\r\nB,net,net_controllable,x,1\r\n";
    assert_eq!(budget(crlf).errors[0].location().line, Some(3));
}

#[test]
fn budget_row_after_a_note_with_line_breaks_is_named_by_its_first_line() {
    for (eol, text) in endings(&[
        "id,kind,base,budget,forecast,note",
        "A,expenditure,gross,100,110,\"Placements up;",
        "see the Q2 report\"",
        "B,expenditure,gross,n/a,5,\"Also",
        "",
        "two lines\"",
        "",
        "C,expenditure,grss,1,1,",
    ]) {
        let read = budget(&text);
        assert_eq!(read.lines.len(), 1, "{eol:?}");
        assert_eq!(
            read.lines[0].note,
            Some(format!("Placements up;{eol}see the Q2 report")),
            "{eol:?}"
        );
        assert_eq!(
            places(&read.errors),
            [
                (Some(4), Some("budget"), Some("B")),
                (Some(8), Some("base"), Some("C")),
            ],
            "{eol:?}"
        );
    }
}

#[test]
fn budget_ragged_row_is_a_syntax_error_on_its_line() {
    let text = "id,kind,base,budget,forecast\r\n\r\nA,income,gross,1,1\r\nB,income,gross,1\r\n";
    let read = budget(text);
    assert_eq!(read.errors.len(), 1);
    assert!(matches!(read.errors[0].kind(), ErrorKind::Syntax { .. }));
    assert_eq!(read.errors[0].location().line, Some(4));
    assert_eq!(
        read.errors[0].location().file.as_deref(),
        Some("budget.csv")
    );
}

#[test]
fn milestone_bad_rows_are_reported_on_their_lines_with_any_line_ending() {
    for (eol, text) in endings(&[
        "id,description,due,note",
        "M-1,Open the library,2016-03-31,",
        "M-2,Adopt the plan,31 March,",
        "M-3,Close the depot,2016-06-30,\"Waiting on",
        "the consultation\"",
        "M-4,Refurbish the town hall,2016-13-01,",
    ]) {
        let read = milestones(&text);
        assert_eq!(read.milestones.len(), 2, "{eol:?}");
        assert_eq!(
            places(&read.errors),
            [
                (Some(3), Some("due"), Some("M-2")),
                (Some(6), Some("due"), Some("M-4")),
            ],
            "{eol:?}"
        );
        assert!(
            read.errors[1].to_string().starts_with("milestones.csv:6, "),
            "{eol:?}: {}",
            read.errors[1]
        );
    }
}

/// Hands on one byte per read, as a pipe or a slow stream may: the csv parser drops a BOM itself
/// only when its first read has all three bytes.
struct Trickle<'a>(&'a [u8]);

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        match (self.0.split_first(), out.first_mut()) {
            (Some((b, rest)), Some(o)) => {
                *o = *b;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

#[test]
fn a_byte_order_mark_does_not_hide_the_first_header() {
    // Excel's "CSV UTF-8" starts the file with a BOM; some tools also quote every header.
    for header in [
        "id,kind,base,budget,forecast",
        "\"id\",\"kind\",\"base\",\"budget\",\"forecast\"",
    ] {
        let text = format!("{BOM}{header}\r\nA,income,gross,1,1\r\nB,income,gross,x,1\r\n");
        let whole = budget(&text);
        let trickled = read_budget_csv(Trickle(text.as_bytes()), &options()).unwrap();
        for read in [whole, trickled] {
            assert_eq!(read.lines.len(), 1, "{header}");
            assert_eq!(read.lines[0].id, "A");
            assert_eq!(places(&read.errors), [(Some(3), Some("budget"), Some("B"))]);
        }
    }
    for header in ["id,due", "\"id\",\"due\""] {
        let text = format!("{BOM}{header}\r\nM-1,2016-03-31\r\nM-2,soon\r\n");
        let whole = milestones(&text);
        let trickled =
            read_milestones_csv(Trickle(text.as_bytes()), &MilestoneCsvOptions::default()).unwrap();
        for read in [whole, trickled] {
            assert_eq!(read.milestones[0].id, "M-1", "{header}");
            assert_eq!(places(&read.errors), [(Some(3), Some("due"), Some("M-2"))]);
        }
    }
    // Only a leading BOM is dropped: one inside a cell is the cell's text.
    let read = milestones("id,due,note\nM-1,2016-03-31,\u{feff}x\n");
    assert_eq!(read.milestones[0].note.as_deref(), Some("\u{feff}x"));
}

#[test]
fn header_problems_are_still_on_line_1() {
    let err = read_budget_csv(
        format!("{BOM}id,kind,base,budget,forcast\r\n").as_bytes(),
        &BudgetCsvOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.location().line, Some(1));
    assert_eq!(err.location().column.as_deref(), Some("forcast"));
}
