//! The budget and milestone CSV readers on published-style files (`tests/data/`).

use chrono::NaiveDate;
use ragstatus::budget::{
    AmountUnit, BudgetCsvOptions, DerivedColumns, LineKind, RatingBase, read_budget_csv,
};
use ragstatus::milestone::{MilestoneCsvOptions, read_milestones_csv};
use ragstatus::{ErrorKind, MilestoneSettings, evaluate_milestones};
use rust_decimal_macros::dec;

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn options() -> BudgetCsvOptions {
    BudgetCsvOptions {
        unit: AmountUnit::Thousands,
        file: Some("budget_q3.csv".into()),
        ..Default::default()
    }
}

#[test]
fn budget_file_gives_good_lines_and_every_bad_row() {
    let read = read_budget_csv(data("budget_q3.csv").as_slice(), &options()).unwrap();
    let ids: Vec<&str> = read.lines.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["ASC-01", "ASC-02", "PLC-03", "PLC-06"]);

    let asc = &read.lines[0];
    assert_eq!(asc.budget, dec!(46_267_000));
    assert_eq!(asc.original_budget, Some(dec!(46_000_000)));
    assert_eq!(asc.actual, Some(dec!(31_002_000)));
    assert_eq!(asc.previous_forecast, Some(dec!(46_700_000)));
    assert_eq!(asc.group, ["Adults and Health"]);
    // Income written as credits is read as magnitudes.
    let income = &read.lines[1];
    assert_eq!(income.kind, LineKind::Income);
    assert_eq!(
        (income.budget, income.forecast),
        (dec!(8_100_000), dec!(7_950_000))
    );
    assert_eq!(income.note.as_deref(), Some("Fewer residential placements"));
    let parking = &read.lines[2];
    assert_eq!(parking.base, RatingBase::NetControllable);
    assert_eq!(parking.group, ["Place", "Highways"]);
    assert_eq!(parking.forecast, dec!(-2_300_000));

    let errors: Vec<(Option<u64>, Option<&str>, Option<&str>)> = read
        .errors
        .iter()
        .map(|e| {
            let l = e.location();
            (l.line, l.column.as_deref(), l.indicator.as_deref())
        })
        .collect();
    assert_eq!(
        errors,
        [
            (Some(5), Some("forecast"), Some("PLC-04")),
            (Some(6), Some("variance"), Some("PLC-05")),
            (Some(8), Some("id"), None),
            (Some(9), None, Some("RES-01")),
            (Some(10), Some("base"), Some("RES-02")),
        ]
    );
    assert_eq!(
        read.errors[0].to_string(),
        "budget_q3.csv:5, column forecast, indicator PLC-04: \"n/a\" is not valid; expected an \
         amount such as 46267, 46,267, 46267.5, £46,267, -443, (443) or (£443)"
    );
    assert!(read.errors[1].to_string().contains("\"90\""));
    assert!(read.errors[4].to_string().contains("\"grss\""));
    // Every data row is accounted for.
    assert_eq!(read.lines.len() + read.errors.len(), 9);
}

#[test]
fn derived_columns_can_be_ignored() {
    let options = BudgetCsvOptions {
        derived: DerivedColumns::Ignore,
        ..options()
    };
    let read = read_budget_csv(data("budget_q3.csv").as_slice(), &options).unwrap();
    assert!(read.lines.iter().any(|l| l.id == "PLC-05"));
}

#[test]
fn percent_column_is_checked() {
    let text = "id,kind,base,budget,forecast,variance_percent\n\
                A,expenditure,gross,1000,1014,1.4%\n\
                B,expenditure,gross,1000,1014,1.6%\n\
                C,expenditure,gross,0,10,\n\
                D,expenditure,gross,0,10,0%\n";
    let read = read_budget_csv(text.as_bytes(), &BudgetCsvOptions::default()).unwrap();
    let ids: Vec<&str> = read.lines.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["A", "C"]);
    assert_eq!(read.errors.len(), 2);
    assert_eq!(read.errors[0].location().line, Some(3));
    assert_eq!(read.errors[1].location().line, Some(5));
}

#[test]
fn header_problems_reject_the_file() {
    let unknown = "id,kind,base,budget,forcast\n";
    let err = read_budget_csv(unknown.as_bytes(), &options()).unwrap_err();
    assert_eq!(err.location().column.as_deref(), Some("forcast"));
    assert_eq!(err.location().line, Some(1));
    assert_eq!(err.location().file.as_deref(), Some("budget_q3.csv"));

    let missing = "id,kind,budget,forecast\nA,net,1,1\n";
    let err = read_budget_csv(missing.as_bytes(), &options()).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Missing { field } if field == "column base"));
    let with_default = BudgetCsvOptions {
        default_base: Some(RatingBase::NetControllable),
        ..options()
    };
    let read = read_budget_csv(missing.as_bytes(), &with_default).unwrap();
    assert_eq!(read.lines[0].base, RatingBase::NetControllable);

    let repeated = "id,kind,base,budget,forecast,Budget\n";
    let err = read_budget_csv(repeated.as_bytes(), &options()).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Duplicate { .. }));
}

#[test]
fn ragged_rows_are_reported() {
    let text = "id,kind,base,budget,forecast\nA,net,gross,1\nB,net,net_controllable,1,1\n";
    let read = read_budget_csv(text.as_bytes(), &options()).unwrap();
    assert_eq!(read.lines.len(), 1);
    assert_eq!(read.errors.len(), 1);
    assert_eq!(read.errors[0].location().line, Some(2));
}

#[test]
fn milestone_file_gives_good_rows_and_every_bad_one() {
    let options = MilestoneCsvOptions {
        file: Some("milestones.csv".into()),
    };
    let read = read_milestones_csv(data("milestones.csv").as_slice(), &options).unwrap();
    let ids: Vec<&str> = read.milestones.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["M-01", "M-02"]);
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    assert_eq!(read.milestones[0].start, Some(d(2015, 4, 1)));
    assert_eq!(read.milestones[0].percent_complete, Some(dec!(60)));
    assert_eq!(read.milestones[1].due, d(2016, 3, 31));
    assert_eq!(read.milestones[1].completed, Some(d(2016, 3, 28)));
    let where_: Vec<(Option<u64>, Option<&str>)> = read
        .errors
        .iter()
        .map(|e| (e.location().line, e.location().column.as_deref()))
        .collect();
    assert_eq!(
        where_,
        [
            (Some(4), Some("due")),
            (Some(5), Some("percent_complete")),
            (Some(6), Some("due"))
        ]
    );
    assert_eq!(
        read.errors[0].to_string(),
        "milestones.csv:4, column due, indicator M-03: \"March 2016\" is not valid; expected a \
         date as yyyy-mm-dd (2016-03-04) or dd/mm/yyyy (04/03/2016)"
    );

    let report = evaluate_milestones(
        &read.milestones,
        d(2016, 3, 10),
        &MilestoneSettings::default(),
    );
    assert_eq!(report.results.len(), 2);
    assert_eq!(
        report.results[0].explanation.sentence,
        "Due 4 March 2016, 60% complete as of 10 March 2016: 6 days overdue"
    );
}
