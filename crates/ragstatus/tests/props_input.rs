//! Property tests of the CSV readers (issue #10): whatever mix of good and bad rows a file
//! holds, rows in = rows read + rows reported, and every reported row names its line.

use std::collections::BTreeSet;

use proptest::prelude::*;
use ragstatus::budget::{BudgetCsvOptions, read_budget_csv};
use ragstatus::input::{Catalog, read_actuals_csv, read_comparators_csv, read_overrides_csv};
use ragstatus::milestone::{MilestoneCsvOptions, read_milestones_csv};
use ragstatus::{Error, FiscalCalendar, Frequency};

fn catalog() -> Catalog {
    Catalog::from_parts(
        FiscalCalendar::APRIL,
        [
            ("Q-1".to_string(), Frequency::Quarterly),
            ("Q-2".to_string(), Frequency::Quarterly),
            ("M-1".to_string(), Frequency::Monthly),
        ],
    )
}

/// Cell texts that no reader accepts as a number.
const BAD_NUMBERS: [&str; 9] = [
    "44,5",
    "1,,2",
    ",5",
    "n/a",
    "-",
    "1e",
    "£12",
    "44.999999999999999999999999999999",
    "792281625142643375935439503350",
];

/// A free-text cell, quoted or not, with commas, doubled quotes and line breaks.
fn note() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("plain note".to_string()),
        Just("\"with, a comma\"".to_string()),
        Just("\"a \"\"quoted\"\" word\"".to_string()),
        Just("\"two\nlines\"".to_string()),
        Just("\"three\r\nlines\rhere\"".to_string()),
        Just("a 12\" pipe".to_string()),
    ]
}

/// One generated row: its text, and whether it is good (`Some(key)` with a key for duplicate
/// detection) or bad.
#[derive(Debug, Clone)]
struct Row {
    text: String,
    /// The key a reader deduplicates on, for a row that is good unless repeated.
    key: Option<String>,
}

fn row(text: String, key: Option<String>) -> Row {
    Row { text, key }
}

fn quarter() -> impl Strategy<Value = String> {
    (2014i32..2016, 1u32..5).prop_map(|(y, q)| format!("{y}/{:02} Q{q}", (y + 1) % 100))
}

fn month() -> impl Strategy<Value = String> {
    (2014i32..2016, 1u32..13).prop_map(|(y, m)| format!("{y}/{:02} M{m:02}", (y + 1) % 100))
}

fn actuals_row() -> impl Strategy<Value = Row> {
    let good_q = (
        prop_oneof![Just("Q-1"), Just("Q-2")],
        quarter(),
        0u32..1000,
        note(),
    )
        .prop_map(|(id, p, v, n)| row(format!("{id},{p},{v}.5,,,,{n}"), Some(format!("{id} {p}"))));
    let good_m = (month(), 0u32..1000, 1u32..1000, note()).prop_map(|(p, num, den, n)| {
        row(
            format!("M-1,{p},,{num},{den},yes,{n}"),
            Some(format!("M-1 {p}")),
        )
    });
    let bad_number = (quarter(), proptest::sample::select(&BAD_NUMBERS[..]))
        .prop_map(|(p, v)| row(format!("Q-1,{p},\"{v}\",,,,"), None));
    let bad_period = prop_oneof![
        Just("Q-1,2015/16 Q5,1,,,,"),
        Just("Q-1,,1,,,,"),
        Just("Q-1,2015/16,1,,,,"),
        Just("Q-1,2015/16 M03,1,,,,"),
        Just("M-1,2015/16 Q1,1,,,,"),
    ]
    .prop_map(|t| row(t.to_string(), None));
    let bad_other = prop_oneof![
        Just("ZZ,2015/16 Q1,1,,,,"),
        Just(",2015/16 Q1,1,,,,"),
        Just("Q-1,2015/16 Q1,,,,,"),
        Just("Q-1,2015/16 Q1,1,2,3,,"),
        Just("Q-1,2015/16 Q1,,2,,,"),
        Just("Q-1,2015/16 Q1,1,,,maybe,"),
        Just(",,,,,,"),
        Just(" , ,\t,,,,"),
        Just("Q-1,2015/16 Q1,1,,,,,extra"),
        Just("Q-1"),
    ]
    .prop_map(|t| row(t.to_string(), None));
    prop_oneof![4 => good_q, 2 => good_m, 1 => bad_number, 1 => bad_period, 1 => bad_other]
}

fn overrides_row() -> impl Strategy<Value = Row> {
    let good = (prop_oneof![Just("Q-1"), Just("M-1")], quarter(), note()).prop_map(|(id, p, n)| {
        let reason = if n.is_empty() {
            "reason".to_string()
        } else {
            n
        };
        row(
            format!("{id},{p},amber,{reason},J. Smith"),
            Some(format!("{id} {p}")),
        )
    });
    let bad = prop_oneof![
        Just("ZZ,2015/16 Q1,Red,x,y"),
        Just("Q-1,2015/16 Q9,Red,x,y"),
        Just("Q-1,2015/16 Q1,Purple,x,y"),
        Just("Q-1,2015/16 Q1,Red,,y"),
        Just("Q-1,2015/16 Q1,Red,x,"),
        Just(",,,,"),
        Just("Q-1,2015/16 Q1,Red,x,y,z"),
        Just("Q-1,2015/16 Q1"),
    ]
    .prop_map(|t| row(t.to_string(), None));
    prop_oneof![3 => good, 1 => bad]
}

fn comparators_row() -> impl Strategy<Value = Row> {
    let good = (
        quarter(),
        prop_oneof![Just("Northshire"), Just("Eastmoor"), Just("\"Down, West\"")],
        prop_oneof![
            Just(String::new()),
            (0u32..200).prop_map(|v| format!("\"{v},000.5\""))
        ],
    )
        .prop_map(|(p, name, v)| row(format!("Q-1,{p},{name},{v}"), Some(format!("{p} {name}"))));
    let bad_number = (quarter(), proptest::sample::select(&BAD_NUMBERS[..]))
        .prop_map(|(p, v)| row(format!("Q-1,{p},Westdale,\"{v}\""), None));
    let bad = prop_oneof![
        Just("ZZ,2015/16 Q1,A,1"),
        Just("Q-1,Q1,A,1"),
        Just("Q-1,2015/16 Q1,,1"),
        Just(",,,"),
        Just("Q-1,2015/16 Q1,A,1,2"),
    ]
    .prop_map(|t| row(t.to_string(), None));
    prop_oneof![3 => good, 1 => bad_number, 1 => bad]
}

fn budget_row() -> impl Strategy<Value = Row> {
    let good = (
        prop_oneof![
            Just("\"1,200\""),
            Just("£1.2m"),
            Just("£450k"),
            Just("46267.5"),
            Just("\"£46,267\"")
        ],
        note(),
    )
        .prop_map(|(amount, n)| {
            row(
                format!("expenditure,gross,100,{amount},{n}"),
                Some(String::new()),
            )
        });
    // "£12" is an amount: the council forms are allowed in budget columns.
    let bad_numbers: Vec<&str> = BAD_NUMBERS
        .iter()
        .copied()
        .filter(|v| *v != "£12")
        .collect();
    let bad_number = proptest::sample::select(bad_numbers)
        .prop_map(|v| row(format!("expenditure,gross,100,\"{v}\","), None));
    let bad = prop_oneof![
        Just("expenditure,grss,100,100,"),
        Just("spending,gross,100,100,"),
        Just("expenditure,gross,,100,"),
        Just("expenditure,gross,100"),
        Just(",,,,"),
    ]
    .prop_map(|t| row(t.to_string(), None));
    prop_oneof![3 => good, 1 => bad_number, 1 => bad]
}

fn milestone_row() -> impl Strategy<Value = Row> {
    let good = (1u32..29, 1u32..13, note())
        .prop_map(|(d, m, n)| row(format!("{d:02}/{m:02}/2016,60%,{n}"), Some(String::new())));
    let bad = prop_oneof![
        Just("31/02/2016,,"),
        Just("March 2016,,"),
        Just(",,"),
        Just("2016-03-04,150,"),
        Just("2016-03-04"),
    ]
    .prop_map(|t| row(t.to_string(), None));
    prop_oneof![3 => good, 1 => bad]
}

/// A file: the header, the rows with their own id prefix where `ids` (budget lines and
/// milestones need unique ids), empty lines between some, either line ending, and maybe an
/// unterminated quote in a last row. Returns the text and each row's first line.
fn file(
    header: &str,
    rows: &[Row],
    ids: Option<&str>,
    gaps: &[bool],
    crlf: bool,
    unterminated: Option<&str>,
) -> (String, Vec<u64>) {
    let eol = if crlf { "\r\n" } else { "\n" };
    let mut text = format!("{header}{eol}");
    let mut line = 2u64;
    let mut starts = Vec::new();
    let count_breaks = |s: &str| {
        s.replace("\r\n", "\n")
            .replace('\r', "\n")
            .matches('\n')
            .count()
    };
    let mut all: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| match ids {
            // A blank row stays blank: an id would make it a row with missing cells.
            Some(prefix) if !r.text.trim_matches([',', ' ', '\t']).is_empty() => {
                format!("{prefix}{i},{}", r.text)
            }
            Some(_) => format!(",{}", r.text),
            None => r.text.clone(),
        })
        .collect();
    if let Some(last) = unterminated {
        all.push(last.to_string());
    }
    for (i, row) in all.iter().enumerate() {
        if gaps.get(i).copied().unwrap_or(false) {
            text.push_str(eol);
            line += 1;
        }
        starts.push(line);
        text.push_str(row);
        text.push_str(eol);
        line += 1 + count_breaks(row) as u64;
    }
    (text, starts)
}

/// Checks the property: every row is read or reported, and every problem names a row's line.
fn account(
    rows_in: usize,
    read: usize,
    errors: &[Error],
    starts: &[u64],
) -> Result<(), TestCaseError> {
    let reported: BTreeSet<u64> = errors
        .iter()
        .map(|e| {
            e.location()
                .line
                .ok_or_else(|| TestCaseError::fail(format!("no line: {e}")))
        })
        .collect::<Result<_, _>>()?;
    for line in &reported {
        prop_assert!(
            starts.contains(line),
            "problem on line {line}, not a row's first line: {errors:?}"
        );
    }
    prop_assert_eq!(
        read + reported.len(),
        rows_in,
        "{} read, problems {:?}",
        read,
        errors.iter().map(ToString::to_string).collect::<Vec<_>>()
    );
    Ok(())
}

fn layout() -> impl Strategy<Value = (Vec<bool>, bool, bool)> {
    (
        proptest::collection::vec(any::<bool>(), 0..40),
        any::<bool>(),
        any::<bool>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn actuals_rows_in_are_rows_read_plus_rows_reported(
        rows in proptest::collection::vec(actuals_row(), 0..30),
        (gaps, crlf, open) in layout(),
    ) {
        let unterminated = open.then_some("Q-1,2015/16 Q1,1,,,,\"never closed\n\nQ-2,2015/16 Q1,2,,,,");
        let header = "indicator,period,value,numerator,denominator,provisional,note";
        let (text, starts) = file(header, &rows, None, &gaps, crlf, unterminated);
        let read = read_actuals_csv(text.as_bytes(), &catalog(), Some("a.csv")).unwrap();
        account(starts.len(), read.rows.len(), &read.errors, &starts)?;
        // Good rows are read unless an earlier row had the same key.
        let mut keys = BTreeSet::new();
        let expected_good = rows.iter().filter(|r| r.key.as_ref().is_some_and(|k| keys.insert(k.clone()))).count();
        prop_assert_eq!(read.rows.len(), expected_good);
        for r in &read.rows {
            prop_assert!(starts.contains(&r.line));
        }
    }

    #[test]
    fn overrides_rows_in_are_rows_read_plus_rows_reported(
        rows in proptest::collection::vec(overrides_row(), 0..30),
        (gaps, crlf, open) in layout(),
    ) {
        let unterminated = open.then_some("Q-1,2015/16 Q1,Red,\"never closed,y");
        let (text, starts) = file("indicator,period,status,reason,by", &rows, None, &gaps, crlf, unterminated);
        let read = read_overrides_csv(text.as_bytes(), &catalog(), None).unwrap();
        account(starts.len(), read.overrides.len(), &read.errors, &starts)?;
        let mut keys = BTreeSet::new();
        let expected_good = rows.iter().filter(|r| r.key.as_ref().is_some_and(|k| keys.insert(k.clone()))).count();
        prop_assert_eq!(read.overrides.len(), expected_good);
    }

    #[test]
    fn comparators_rows_in_are_rows_read_plus_rows_reported(
        rows in proptest::collection::vec(comparators_row(), 0..30),
        (gaps, crlf, open) in layout(),
    ) {
        let unterminated = open.then_some("Q-1,2015/16 Q1,\"Never closed,1");
        let (text, starts) = file("indicator,period,comparator,value", &rows, None, &gaps, crlf, unterminated);
        let read = read_comparators_csv(text.as_bytes(), &catalog(), None).unwrap();
        let values = read.values.values().map(Vec::len).sum::<usize>();
        account(starts.len(), values, &read.errors, &starts)?;
        let mut keys = BTreeSet::new();
        let expected_good = rows.iter().filter(|r| r.key.as_ref().is_some_and(|k| keys.insert(k.clone()))).count();
        prop_assert_eq!(values, expected_good);
    }

    #[test]
    fn budget_rows_in_are_rows_read_plus_rows_reported(
        rows in proptest::collection::vec(budget_row(), 0..30),
        (gaps, crlf, open) in layout(),
    ) {
        let unterminated = open.then_some("Z-1,expenditure,gross,1,1,\"never closed");
        let (text, starts) = file("id,kind,base,budget,forecast,note", &rows, Some("B-"), &gaps, crlf, unterminated);
        let read = read_budget_csv(text.as_bytes(), &BudgetCsvOptions::default()).unwrap();
        account(starts.len(), read.lines.len(), &read.errors, &starts)?;
        prop_assert_eq!(read.lines.len(), rows.iter().filter(|r| r.key.is_some()).count());
    }

    #[test]
    fn milestone_rows_in_are_rows_read_plus_rows_reported(
        rows in proptest::collection::vec(milestone_row(), 0..30),
        (gaps, crlf, open) in layout(),
    ) {
        let unterminated = open.then_some("Z-1,2016-03-04,,\"never closed");
        let (text, starts) = file("id,due,percent_complete,note", &rows, Some("M-"), &gaps, crlf, unterminated);
        let read = read_milestones_csv(text.as_bytes(), &MilestoneCsvOptions::default()).unwrap();
        account(starts.len(), read.milestones.len(), &read.errors, &starts)?;
        prop_assert_eq!(read.milestones.len(), rows.iter().filter(|r| r.key.is_some()).count());
    }
}

/// `digits` with a comma before every group of three from the right.
fn with_separators(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

proptest! {
    #[test]
    fn a_decimal_written_any_accepted_way_reads_back_exactly(
        mantissa in any::<i64>(),
        scale in 0u32..19,
        exponent in -5i32..5,
    ) {
        use ragstatus::input::{NumberForm, parse_number};
        let value = ragstatus::Decimal::new(mantissa, scale);
        let text = value.to_string();
        prop_assert_eq!(parse_number(&text, NumberForm::Plain)?.to_string(), text.clone());
        let (sign, body) = text.strip_prefix('-').map_or(("", text.as_str()), |b| ("-", b));
        let (int, frac) = body.split_once('.').map_or((body, None), |(i, f)| (i, Some(f)));
        let grouped = format!(
            "{sign}{}{}",
            with_separators(int),
            frac.map(|f| format!(".{f}")).unwrap_or_default()
        );
        prop_assert_eq!(parse_number(&grouped, NumberForm::Plain)?, value);
        // The same digits with the point moved by an exponent.
        let shifted = format!("{text}e{exponent}");
        let expected = if exponent >= 0 {
            value.checked_mul(ragstatus::Decimal::from(10i64.pow(exponent.unsigned_abs())))
        } else {
            value.checked_div(ragstatus::Decimal::from(10i64.pow(exponent.unsigned_abs())))
        };
        if let Some(expected) = expected {
            prop_assert_eq!(parse_number(&shifted, NumberForm::Plain)?, expected);
        }
    }
}
