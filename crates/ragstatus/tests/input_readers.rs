//! Issue #10, the core input layer: every CSV reader reports an unterminated quote on the line
//! where it opened, reports blank rows, reads numbers with the one exact parser and checks
//! period labels against the indicator's frequency.

use chrono::NaiveDate;
use ragstatus::budget::{AmountUnit, BudgetCsvOptions, read_budget_csv};
use ragstatus::input::{
    Catalog, NumberForm, is_missing, parse_number, read_actuals_csv, read_comparators_csv,
    read_overrides_csv, read_period,
};
use ragstatus::milestone::{MilestoneCsvOptions, read_milestones_csv};
use ragstatus::{Error, FiscalCalendar, Frequency, Observation};
use rust_decimal_macros::dec;

fn catalog() -> Catalog {
    Catalog::from_parts(
        FiscalCalendar::APRIL,
        [
            ("Q-1".to_string(), Frequency::Quarterly),
            ("M-1".to_string(), Frequency::Monthly),
            ("Y-1".to_string(), Frequency::Annual),
        ],
    )
}

fn lines(errors: &[Error]) -> Vec<Option<u64>> {
    errors.iter().map(|e| e.location().line).collect()
}

fn message(errors: &[Error], line: u64) -> String {
    errors
        .iter()
        .find(|e| e.location().line == Some(line))
        .map(|e| e.to_string())
        .unwrap_or_else(|| format!("no problem on line {line} in {errors:?}"))
}

const UNCLOSED: &str = "a quote opened on this line is never closed";

#[test]
fn actuals_unterminated_quote_is_a_problem_on_its_line_not_the_end_of_the_file() {
    let text = "indicator,period,value,note\n\
                Q-1,2015/16 Q1,44.1,\n\
                Q-1,2015/16 Q2,45.2,\"Validated\n\
                Q-1,2015/16 Q3,46.3,\n\
                Q-1,2015/16 Q4,47.4,\n";
    let read = read_actuals_csv(text.as_bytes(), &catalog(), Some("a.csv")).unwrap();
    assert_eq!(read.rows.len(), 1);
    assert_eq!(lines(&read.errors), [Some(3)]);
    let problem = message(&read.errors, 3);
    assert!(problem.starts_with("a.csv:3: CSV: "), "{problem}");
    assert!(problem.contains(UNCLOSED), "{problem}");
}

#[test]
fn a_quote_opened_inside_a_multi_line_row_names_its_own_line() {
    let text = "indicator,period,value,note\n\
                Q-1,2015/16 Q1,44.1,\"two\nlines\"\n\
                Q-1,2015/16 Q2,45.2,\"fine\"\"quoted\"\"\"\n\
                Q-1,2015/16 Q3,46.3,\"line one\nline two \"\" and\n";
    let read = read_actuals_csv(text.as_bytes(), &catalog(), None).unwrap();
    assert_eq!(read.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 4]);
    assert_eq!(
        read.rows[1].note.as_deref(),
        Some("fine\"quoted\""),
        "a doubled quote is a quote mark, not a close and reopen"
    );
    assert_eq!(lines(&read.errors), [Some(5)]);
    assert!(message(&read.errors, 5).contains(UNCLOSED));
}

#[test]
fn a_quote_in_the_middle_of_an_unquoted_cell_is_a_character() {
    let text = "indicator,period,value,note\nQ-1,2015/16 Q1,44.1,a 12\" pipe\nQ-1,2015/16 Q2,1,\n";
    let read = read_actuals_csv(text.as_bytes(), &catalog(), None).unwrap();
    assert_eq!(read.rows.len(), 2, "{:?}", read.errors);
    assert_eq!(read.rows[0].note.as_deref(), Some("a 12\" pipe"));
}

#[test]
fn overrides_comparators_budget_and_milestones_report_an_unterminated_quote() {
    let cat = catalog();
    let overrides = "indicator,period,status,reason,by\n\
                     Q-1,2015/16 Q1,Amber,ok,J. Smith\n\
                     Q-1,2015/16 Q2,Amber,\"Data lag,J. Smith\n\
                     Q-1,2015/16 Q3,Red,ok,J. Smith\n";
    let read = read_overrides_csv(overrides.as_bytes(), &cat, None).unwrap();
    assert_eq!(
        (read.overrides.len(), lines(&read.errors)),
        (1, vec![Some(3)])
    );
    assert!(message(&read.errors, 3).contains(UNCLOSED));

    let comparators = "indicator,period,comparator,value\n\
                       Q-1,2015/16 Q1,\"Northshire,91.2\n\
                       Q-1,2015/16 Q1,Eastmoor,88\n";
    let read = read_comparators_csv(comparators.as_bytes(), &cat, None).unwrap();
    assert_eq!((read.values.len(), lines(&read.errors)), (0, vec![Some(2)]));
    assert!(message(&read.errors, 2).contains(UNCLOSED));

    let budget = "id,kind,base,budget,forecast,note\n\
                  B-1,expenditure,gross,100,110,\"Overspend\n\
                  B-2,expenditure,gross,100,90,\n";
    let options = BudgetCsvOptions {
        unit: AmountUnit::Pounds,
        ..Default::default()
    };
    let read = read_budget_csv(budget.as_bytes(), &options).unwrap();
    assert_eq!((read.lines.len(), lines(&read.errors)), (0, vec![Some(2)]));
    assert!(message(&read.errors, 2).contains(UNCLOSED));

    let milestones = "id,due,note\nM-1,2016-03-04,\"late\nM-2,2016-03-05,\n";
    let read = read_milestones_csv(milestones.as_bytes(), &MilestoneCsvOptions::default()).unwrap();
    assert_eq!(
        (read.milestones.len(), lines(&read.errors)),
        (0, vec![Some(2)])
    );
    assert!(message(&read.errors, 2).contains(UNCLOSED));
}

#[test]
fn an_unterminated_quote_in_the_header_is_an_error_for_the_file() {
    let err = read_actuals_csv(
        "indicator,\"period,value\nQ-1,2015/16 Q1,1\n".as_bytes(),
        &catalog(),
        None,
    )
    .unwrap_err();
    assert_eq!(err.location().line, Some(1));
    assert!(err.to_string().contains(UNCLOSED), "{err}");
}

#[test]
fn blank_rows_are_problems_with_their_lines_and_empty_lines_are_skipped() {
    let text =
        "indicator,period,value\n,,\nQ-1,2015/16 Q1,44.1\n\n \t, ,\r\n\r\nQ-1,2015/16 Q2,1\n";
    let read = read_actuals_csv(text.as_bytes(), &catalog(), None).unwrap();
    assert_eq!(read.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [3, 7]);
    assert_eq!(lines(&read.errors), [Some(2), Some(5)]);
    assert!(message(&read.errors, 2).contains("a row with every cell empty"));

    let budget = "id,kind,base,budget,forecast\n,,,,\nB-1,expenditure,gross,1,1\n";
    let read = read_budget_csv(budget.as_bytes(), &BudgetCsvOptions::default()).unwrap();
    assert_eq!(lines(&read.errors), [Some(2)]);
    assert_eq!(
        read.errors.len(),
        1,
        "one problem for the row, not one per cell"
    );
}

#[test]
fn extra_cells_beyond_the_header_are_reported_not_dropped() {
    let text =
        "indicator,period,value\nQ-1,2015/16 Q1,44.1,45\nQ-1,2015/16 Q2,1,\nQ-1,2015/16 Q3\n";
    let read = read_actuals_csv(text.as_bytes(), &catalog(), None).unwrap();
    assert_eq!(read.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [3]);
    assert_eq!(lines(&read.errors), [Some(2), Some(4)]);
    assert!(
        message(&read.errors, 2).contains("found a record with 4 fields, but the header has 3")
    );
    assert!(message(&read.errors, 4).contains("missing value"));
}

#[test]
fn only_valid_thousands_separators_are_read() {
    let text = "indicator,period,value\n\
                Q-1,2015/16 Q1,\"44,5\"\n\
                Q-1,2015/16 Q2,\"1,,2\"\n\
                Q-1,2015/16 Q3,\",5\"\n\
                Q-1,2015/16 Q4,\"1,842\"\n\
                M-1,2015/16 M01,\"12,345.6\"\n\
                M-1,2015/16 M02,\"1,84\"\n";
    let read = read_actuals_csv(text.as_bytes(), &catalog(), None).unwrap();
    let values: Vec<_> = read.rows.iter().map(|r| r.observation).collect();
    assert_eq!(
        values,
        [
            Observation::value(dec!(1842)),
            Observation::value(dec!(12345.6))
        ]
    );
    assert_eq!(lines(&read.errors), [Some(2), Some(3), Some(4), Some(7)]);
    assert!(
        message(&read.errors, 2).ends_with(
            "column value, indicator Q-1, period 2015/16 Q1: \"44,5\" is not valid; expected a \
             number such as 44.1, -3, 1,842 or 4.41e1"
        ),
        "{}",
        message(&read.errors, 2)
    );
}

#[test]
fn a_label_of_the_wrong_frequency_is_an_error_row() {
    let text = "indicator,period,value\n\
                Q-1,2014/15,44\n\
                Q-1,2015/16 M08,44\n\
                M-1,2015/16 Q1,44\n\
                Y-1,2015/16 Q4,44\n\
                Y-1,2015/16,44\n\
                Q-1,Q3 2015/16,44\n";
    let read = read_actuals_csv(text.as_bytes(), &catalog(), Some("a.csv")).unwrap();
    assert_eq!(read.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [6, 7]);
    assert_eq!(lines(&read.errors), [Some(2), Some(3), Some(4), Some(5)]);
    assert_eq!(
        message(&read.errors, 2),
        "a.csv:2, column period, indicator Q-1: \"2014/15\" is not valid; expected a quarter \
         label such as 2014/15 Q1 (the indicator is reported quarterly)"
    );
    assert!(
        message(&read.errors, 4).contains("expected a month label such as 2015/16 M01"),
        "{}",
        message(&read.errors, 4)
    );
    assert!(message(&read.errors, 5).contains("expected a year label such as 2015/16"));
    // The frequency is checked also when the label repeats the row before's.
    let repeated = "indicator,period,value\nQ-1,2015/16,1\nY-1,2015/16,1\nQ-1,2015/16,1\n";
    let read = read_actuals_csv(repeated.as_bytes(), &catalog(), None).unwrap();
    assert_eq!(lines(&read.errors), [Some(2), Some(4)]);
}

#[test]
fn read_period_checks_the_frequency() {
    let cal = FiscalCalendar::APRIL;
    assert!(read_period("2015/16 Q3", cal, Frequency::Quarterly).is_ok());
    assert!(read_period("2015/16 H1", cal, Frequency::HalfYearly).is_ok());
    let err = read_period("2015/16 Q3", cal, Frequency::HalfYearly).unwrap_err();
    assert!(
        err.to_string().contains(
            "expected a half label such as 2015/16 H1 (the indicator is reported half-yearly)"
        ),
        "{err}"
    );
    assert!(read_period("2015/16 Q5", cal, Frequency::Quarterly).is_err());
}

#[test]
fn a_value_with_thirty_places_is_rejected_not_rounded() {
    let text = "indicator,period,value\nQ-1,2015/16 Q1,44.999999999999999999999999999999\n";
    let read = read_actuals_csv(text.as_bytes(), &catalog(), None).unwrap();
    assert!(read.rows.is_empty(), "{:?}", read.rows);
    assert!(message(&read.errors, 2).contains("at most 28 decimal places"));
    for text in [
        "44.999999999999999999999999999999",
        "4.4999999999999999999999999999999e1",
        "792281625142643375935439503350",
        "1e29",
    ] {
        assert!(parse_number(text, NumberForm::Plain).is_err(), "{text}");
    }
    assert_eq!(
        parse_number("44.100000000000000000000000000000", NumberForm::Plain).unwrap(),
        dec!(44.1),
        "trailing zeros past 28 places change nothing and are accepted"
    );
}

#[test]
fn missing_is_empty_or_blank_and_markers_are_errors() {
    assert!(is_missing("") && is_missing("  ") && is_missing("\t"));
    for marker in ["NA", "n/a", "N/A", "-", "..", "x", "null"] {
        assert!(!is_missing(marker), "{marker}");
        assert!(parse_number(marker, NumberForm::Plain).is_err(), "{marker}");
    }
    let text = "indicator,period,comparator,value\n\
                Q-1,2015/16 Q1,Northshire,\n\
                Q-1,2015/16 Q1,Eastmoor,  \n\
                Q-1,2015/16 Q1,Westdale,n/a\n";
    let read = read_comparators_csv(text.as_bytes(), &catalog(), None).unwrap();
    let values = read.values.values().next().cloned().unwrap_or_default();
    assert_eq!(
        values,
        [
            ("Northshire".to_string(), None),
            ("Eastmoor".to_string(), None)
        ]
    );
    assert!(message(&read.errors, 4).contains("or an empty cell if not published"));
}

#[test]
fn budget_amounts_and_actuals_share_the_parser_but_not_the_council_forms() {
    let cat = catalog();
    let text =
        "indicator,period,value\nQ-1,2015/16 Q1,(123)\nQ-1,2015/16 Q2,£46\nQ-1,2015/16 Q3,−4\n";
    let read = read_actuals_csv(text.as_bytes(), &cat, None).unwrap();
    assert_eq!(lines(&read.errors), [Some(2), Some(3), Some(4)]);
    let budget = "id,kind,base,budget,forecast\nB-1,expenditure,gross,£1.2m,\"1,250,000\"\n";
    let read = read_budget_csv(budget.as_bytes(), &BudgetCsvOptions::default()).unwrap();
    assert_eq!(read.lines[0].budget, dec!(1_200_000));
    assert!(read.errors.is_empty(), "{:?}", read.errors);
}

#[test]
fn milestone_dates_still_read() {
    let read = read_milestones_csv(
        "id,due\nM-1,04/03/2016\n".as_bytes(),
        &MilestoneCsvOptions::default(),
    )
    .unwrap();
    assert_eq!(
        read.milestones[0].due,
        NaiveDate::from_ymd_opt(2016, 3, 4).unwrap()
    );
}

#[test]
fn comparators_may_carry_counts_both_or_neither() {
    let text = "indicator,period,comparator,value,numerator,denominator\n\
                Q-1,2015/16 Q1,Northshire,91.2,912,1000\n\
                Q-1,2015/16 Q1,Eastmoor,88.0,,\n\
                Q-1,2015/16 Q1,Westdale,50,5,\n\
                Q-1,2015/16 Q1,Southby,50,,10\n\
                Q-1,2015/16 Q1,Upton,50,-1,10\n\
                Q-1,2015/16 Q1,Downe,50,1,0\n\
                Q-1,2015/16 Q1,Midham,50,n/a,10\n";
    let read = read_comparators_csv(text.as_bytes(), &catalog(), Some("c.csv")).unwrap();
    let period = catalog().calendar().parse("2015/16 Q1").unwrap();
    let detail = |name: &str| {
        read.detail
            .get(&("Q-1".to_string(), period, name.to_string()))
    };
    assert_eq!(
        detail("Northshire").map(|d| (d.line, d.counts)),
        Some((2, Some((dec!(912), dec!(1000)))))
    );
    assert_eq!(
        detail("Eastmoor").map(|d| (d.line, d.counts)),
        Some((3, None))
    );
    assert_eq!(lines(&read.errors), [4, 5, 6, 7, 8].map(Some));
    for (line, words) in [
        (4, ["column denominator", "a numerator needs one"]),
        (5, ["column numerator", "a denominator needs one"]),
        (6, ["column numerator", "-1"]),
        (7, ["column denominator", "greater than zero"]),
        (8, ["column numerator", "n/a"]),
    ] {
        let m = message(&read.errors, line);
        assert!(m.starts_with(&format!("c.csv:{line}")), "{m}");
        assert!(words.iter().all(|w| m.contains(w)), "{m}");
    }
    // A file without the count columns reads as before.
    let plain = "indicator,period,comparator,value\nQ-1,2015/16 Q1,Northshire,91.2\n";
    let read = read_comparators_csv(plain.as_bytes(), &catalog(), None).unwrap();
    assert!(read.errors.is_empty());
    assert!(read.detail.values().all(|d| d.counts.is_none()));
}
