//! Every door reads a cell the same way: a cell's text gives the same number, flag or error
//! through a CSV file (the command line, `read_*_csv`) as through a frame's text column (the
//! Python frame functions, `ragstatus evaluate --by`, Dask and Spark), for actuals, budget
//! amounts, milestones' percent complete and the provisional flag. Before, the frame path read
//! `nan` as no value, amounts only in the plain form and flags from a shorter list.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::Decimal128Type;
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use chrono::NaiveDate;
use proptest::prelude::*;
use ragstatus::budget::{BudgetCsvOptions, BudgetSettings, read_budget_csv};
use ragstatus::bulk::budget::{BudgetFrameOptions, roll_up_batch};
use ragstatus::bulk::milestone::{MilestoneFrameOptions, milestones_batch};
use ragstatus::frame::{FrameOptions, evaluate_batch, read_actuals};
use ragstatus::input::{Catalog, is_missing, read_actuals_csv};
use ragstatus::milestone::{MilestoneCsvOptions, MilestoneSettings, read_milestones_csv};
use ragstatus::{Decimal, Definitions, Observation};

/// Cell texts: numbers in every written form, markers of missing or suppressed values, flags,
/// amounts and percentages, good and bad.
const CELLS: [&str; 44] = [
    "",
    " ",
    "44.1",
    " 44.1 ",
    "-3",
    "+2",
    ".5",
    "4.41e1",
    "1,842",
    "12,345.6",
    "44,5",
    "1,,2",
    "nan",
    "NaN",
    "NA",
    "n/a",
    "-",
    "..",
    "x",
    "inf",
    "0",
    "-0",
    "£46,267",
    "(443)",
    "(£443)",
    "-£443",
    "£1.2m",
    "£450k",
    "60%",
    "(60%)",
    "100",
    "100.0",
    "101",
    "12.5%",
    "yes",
    "Y",
    "no",
    "p",
    "provisional",
    "maybe",
    "TRUE",
    "f",
    "1",
    "1e400",
];

fn defs() -> Definitions {
    Definitions::from_toml_str(
        r#"
        [[indicator]]
        id = "SW-01"
        polarity = "higher"
        [[indicator.target]]
        value = "45"
        "#,
    )
    .expect("definitions")
}

fn text(cells: &[&str]) -> ArrayRef {
    Arc::new(StringArray::from(cells.to_vec()))
}

/// A CSV cell holding `text` exactly (quoted: some texts hold commas).
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// The value a CSV actuals row reads to, or `Err` with the error's kind name.
fn csv_value(cell: &str) -> Result<Option<Decimal>, String> {
    let defs = defs();
    let csv = format!(
        "indicator,period,value\nSW-01,2015/16 Q3,{}\n",
        quoted(cell)
    );
    let read = read_actuals_csv(csv.as_bytes(), &Catalog::new(&defs), None).expect("header");
    match (read.rows.first(), read.errors.first()) {
        (Some(row), None) => Ok(match &row.observation {
            Observation::Value { value } => Some(*value),
            other => panic!("unexpected {other:?}"),
        }),
        // A CSV row with no value in any of its number columns is listed as a problem (the
        // period is still reported, as No data); a frame's row gives the same No data without
        // the problem, since a frame's missing cells (NaN, None) are the analyst's own markers.
        (None, Some(e)) if is_missing(cell) && e.kind().name() == "Missing" => Ok(None),
        (None, Some(e)) => Err(e.kind().name().to_string()),
        other => panic!("{other:?}"),
    }
}

/// The value a frame's text `value` cell reads to, or `Err` with the error's kind name.
fn frame_value(cell: &str) -> Result<Option<Decimal>, String> {
    let defs = defs();
    let batch = RecordBatch::try_from_iter([
        ("indicator", text(&["SW-01"])),
        ("period", text(&["2015/16 Q3"])),
        ("value", text(&[cell])),
    ])
    .expect("batch");
    let read = read_actuals(&defs, &batch, &FrameOptions::default()).expect("frame");
    if let Some(e) = read.errors.first() {
        return Err(e.kind().name().to_string());
    }
    let (_, series) = read.series.iter().next().expect("one series");
    let (_, observation) = series.iter().next().expect("one period");
    Ok(observation.as_ref().map(|o| match o {
        Observation::Value { value } => *value,
        other => panic!("unexpected {other:?}"),
    }))
}

/// The provisional flag a CSV row reads to, or `Err` with the error's kind name.
fn csv_flag(cell: &str) -> Result<bool, String> {
    let defs = defs();
    let csv = format!(
        "indicator,period,value,provisional\nSW-01,2015/16 Q3,50,{}\n",
        quoted(cell)
    );
    let read = read_actuals_csv(csv.as_bytes(), &Catalog::new(&defs), None).expect("header");
    match (read.rows.first(), read.errors.first()) {
        (Some(row), None) => Ok(row.provisional),
        (None, Some(e)) => Err(e.kind().name().to_string()),
        other => panic!("{other:?}"),
    }
}

/// The provisional flag of a frame row, or `Err` with the error's kind name.
fn frame_flag(cell: &str) -> Result<bool, String> {
    let defs = defs();
    let batch = RecordBatch::try_from_iter([
        ("indicator", text(&["SW-01"])),
        ("period", text(&["2015/16 Q3"])),
        ("value", text(&["50"])),
        ("provisional", text(&[cell])),
    ])
    .expect("batch");
    let out = evaluate_batch(&defs, &batch, &FrameOptions::default()).expect("frame");
    let kinds = out.column_by_name("error_kind").expect("error_kind");
    let kinds = arrow_cast::cast(kinds, &arrow_schema::DataType::Utf8).expect("cast");
    let kinds = kinds.as_string::<i32>();
    if kinds.is_valid(0) {
        return Err(kinds.value(0).to_string());
    }
    let flags = out.column_by_name("provisional").expect("provisional");
    let flags = flags.as_boolean();
    // The frame writes a missing flag as not provisional, as the CSV reader does.
    Ok(flags.is_valid(0) && flags.value(0))
}

/// The budget a CSV line reads to (in pounds), or `Err` with the error's kind name.
fn csv_amount(cell: &str) -> Result<Decimal, String> {
    let csv = format!(
        "id,kind,base,budget,forecast\nA1,expenditure,gross,{},100\n",
        quoted(cell)
    );
    let read = read_budget_csv(csv.as_bytes(), &BudgetCsvOptions::default()).expect("header");
    match (read.lines.first(), read.errors.first()) {
        (Some(line), None) => Ok(line.budget),
        (None, Some(e)) => Err(e.kind().name().to_string()),
        other => panic!("{other:?}"),
    }
}

/// The budget a frame's text cell reads to, or `Err` with the error's kind name.
fn frame_amount(cell: &str) -> Result<Decimal, String> {
    let batch = RecordBatch::try_from_iter([
        ("id", text(&["A1"])),
        ("kind", text(&["expenditure"])),
        ("budget", text(&[cell])),
        ("forecast", text(&["100"])),
    ])
    .expect("batch");
    let options = BudgetFrameOptions {
        include_totals: false,
        ..BudgetFrameOptions::default()
    };
    let out = roll_up_batch(&batch, &BudgetSettings::default(), &options).expect("frame");
    let kinds = out.column_by_name("error_kind").expect("error_kind");
    let kinds = arrow_cast::cast(kinds, &arrow_schema::DataType::Utf8).expect("cast");
    let kinds = kinds.as_string::<i32>();
    if kinds.is_valid(0) {
        return Err(kinds.value(0).to_string());
    }
    let budget = out.column_by_name("budget").expect("budget");
    let arrow_schema::DataType::Decimal128(_, scale) = budget.data_type() else {
        panic!("budget is {}", budget.data_type());
    };
    let m = budget.as_primitive::<Decimal128Type>().value(0);
    Ok(Decimal::from_i128_with_scale(m, u32::from(scale.unsigned_abs())).normalize())
}

/// The percent complete a CSV milestone reads to, or `Err` with the error's kind name.
fn csv_percent(cell: &str) -> Result<Option<Decimal>, String> {
    let csv = format!(
        "id,due,percent_complete\nIP-1,2016-03-31,{}\n",
        quoted(cell)
    );
    let read =
        read_milestones_csv(csv.as_bytes(), &MilestoneCsvOptions::default()).expect("header");
    match (read.milestones.first(), read.errors.first()) {
        (Some(m), None) => Ok(m.percent_complete.map(|p| p.normalize())),
        (None, Some(e)) => Err(e.kind().name().to_string()),
        other => panic!("{other:?}"),
    }
}

/// Whether a frame's text `percent_complete` cell is read (`Ok`) or refused, with the kind.
fn frame_percent(cell: &str) -> Result<(), String> {
    let batch = RecordBatch::try_from_iter([
        ("id", text(&["IP-1"])),
        ("due", text(&["2016-03-31"])),
        ("percent_complete", text(&[cell])),
    ])
    .expect("batch");
    let as_of = NaiveDate::from_ymd_opt(2016, 1, 15).expect("date");
    let out = milestones_batch(
        &batch,
        as_of,
        &MilestoneSettings::default(),
        &MilestoneFrameOptions::default(),
    )
    .expect("frame");
    let kinds = out.column_by_name("error_kind").expect("error_kind");
    let kinds = arrow_cast::cast(kinds, &arrow_schema::DataType::Utf8).expect("cast");
    let kinds = kinds.as_string::<i32>();
    if kinds.is_valid(0) {
        return Err(kinds.value(0).to_string());
    }
    Ok(())
}

#[test]
fn every_cell_reads_the_same_through_a_csv_file_and_a_frame() {
    for cell in CELLS {
        assert_eq!(csv_value(cell), frame_value(cell), "value {cell:?}");
        assert_eq!(csv_flag(cell), frame_flag(cell), "provisional {cell:?}");
        assert_eq!(csv_amount(cell), frame_amount(cell), "budget {cell:?}");
        assert_eq!(
            csv_percent(cell).map(|_| ()),
            frame_percent(cell),
            "percent_complete {cell:?}"
        );
    }
}

#[test]
fn the_cells_that_used_to_differ_now_read_as_in_a_csv_file() {
    // "nan" text is not a missing value in either door: it is an error naming the row.
    assert_eq!(frame_value("nan"), Err("InvalidValue".to_string()));
    assert_eq!(frame_value(" "), Ok(None));
    // Published amounts read the same in a frame of text as in the budget CSV file.
    assert_eq!(frame_amount("£46,267"), Ok(Decimal::from(46_267)));
    assert_eq!(frame_amount("(£443)"), csv_amount("(£443)"));
    assert_eq!(frame_amount("£1.2m"), Ok(Decimal::from(1_200_000)));
    // A percent complete with its sign, and the flags the CSV reader has always taken.
    assert_eq!(frame_percent("60%"), Ok(()));
    assert_eq!(csv_percent("60%"), Ok(Some(Decimal::from(60))));
    assert_eq!(frame_flag("p"), Ok(true));
    assert_eq!(frame_flag("f"), Ok(false));
}

proptest! {
    /// Any text made of the pieces above, glued together, reads the same through both doors.
    #[test]
    fn glued_cells_read_the_same_through_both_doors(
        parts in proptest::collection::vec(proptest::sample::select(&CELLS[..]), 1..3),
    ) {
        let cell = parts.concat();
        prop_assert_eq!(csv_value(&cell), frame_value(&cell), "value {:?}", cell);
        prop_assert_eq!(csv_flag(&cell), frame_flag(&cell), "provisional {:?}", cell);
        prop_assert_eq!(csv_amount(&cell), frame_amount(&cell), "budget {:?}", cell);
        prop_assert_eq!(csv_percent(&cell).map(|_| ()), frame_percent(&cell), "percent {:?}", cell);
    }
}

#[test]
fn a_float16_column_reads_at_its_own_width_in_a_frame() {
    use arrow_array::Float16Array;
    use ragstatus::value::F16;
    let defs = Definitions::from_toml_str(
        r#"
        [[indicator]]
        id = "SW-01"
        polarity = "higher"
        tolerance = { absolute = "0.3" }
        [[indicator.target]]
        value = "12.8"
        "#,
    )
    .expect("definitions");
    let value: ArrayRef = Arc::new(Float16Array::from(vec![F16::from_f32(12.8)]));
    let batch = RecordBatch::try_from_iter([
        ("indicator", text(&["SW-01"])),
        ("period", text(&["2015/16 Q3"])),
        ("value", value),
    ])
    .expect("batch");
    let out = evaluate_batch(&defs, &batch, &FrameOptions::default()).expect("frame");
    let status = arrow_cast::cast(
        out.column_by_name("status").expect("status"),
        &arrow_schema::DataType::Utf8,
    )
    .expect("cast");
    // Widened to f32 it would be 12.796875: Amber against 12.8. At its own width it is 12.8.
    assert_eq!(status.as_string::<i32>().value(0), "Green");
}
