//! The columnar, keyed frame path (`ragstatus::frame`): keys and history, every wrong shape,
//! every kind of error row, exact decimal output, the conformance vectors through the frame
//! path, and rows in = rows rated + rows reported.

mod support;

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Decimal128Type, UInt8Type};
use arrow_array::{
    ArrayRef, Date32Array, Decimal128Array, Float32Array, Float64Array, Int64Array, RecordBatch,
    StringArray,
};
use proptest::prelude::*;
use ragstatus::frame::{
    FrameOptions, RESULT_COLUMNS, STATUS_NAMES, TextColumns, evaluate_batch, evaluate_parts,
    read_actuals,
};
use ragstatus::indicator::SortedSeries;
use ragstatus::{Decimal, Definitions, ErrorKind, Observation, Series, Status};
use rust_decimal_macros::dec;
use serde_json::{Value, json};

const DEFS: &str = r#"
[[indicator]]
id = "SW-01"
name = "Children with a plan"
group = ["Start Well", "Children"]
unit = "percent"
polarity = "higher"
decimals = 1
tolerance = { absolute = "2" }
[[indicator.target]]
value = "45"

[[indicator]]
id = "LW-01"
polarity = "lower"
[[indicator.target]]
value = "10"

[[indicator]]
id = "AN-01"
polarity = "higher"
frequency = "annual"
[[indicator.target]]
value = "10"
"#;

fn defs() -> Definitions {
    Definitions::from_toml_str(DEFS).unwrap()
}

fn text(values: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(values.to_vec()))
}

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(columns).unwrap()
}

fn keyed() -> FrameOptions {
    FrameOptions {
        by: vec!["org".into()],
        ..FrameOptions::default()
    }
}

fn strings(out: &RecordBatch, name: &str) -> Vec<Option<String>> {
    let column = out.column_by_name(name).unwrap();
    if let Some(column) = column.as_string_opt::<i64>() {
        return column.iter().map(|v| v.map(str::to_string)).collect();
    }
    let column = column.as_string::<i32>();
    column.iter().map(|v| v.map(str::to_string)).collect()
}

fn statuses(out: &RecordBatch, name: &str) -> Vec<Option<&'static str>> {
    let column = out
        .column_by_name(name)
        .unwrap()
        .as_dictionary::<UInt8Type>();
    column
        .keys()
        .iter()
        .map(|k| k.map(|k| STATUS_NAMES[usize::from(k)]))
        .collect()
}

fn decimals(out: &RecordBatch, name: &str) -> Vec<Option<Decimal>> {
    let column = out
        .column_by_name(name)
        .unwrap()
        .as_primitive::<Decimal128Type>();
    let scale = u32::try_from(column.scale()).unwrap();
    column
        .iter()
        .map(|v| {
            v.map(|mut m| {
                // The column's scale can exceed what one Decimal holds: drop trailing zeros.
                let mut s = scale;
                while s > 0 && m % 10 == 0 {
                    m /= 10;
                    s -= 1;
                }
                Decimal::try_from_i128_with_scale(m, s).unwrap()
            })
        })
        .collect()
}

fn rows(out: &RecordBatch) -> Vec<Option<u64>> {
    out.column_by_name("row")
        .unwrap()
        .as_primitive::<arrow_array::types::UInt64Type>()
        .iter()
        .collect()
}

#[test]
fn status_dictionary_is_in_code_order() {
    for status in Status::ALL {
        assert_eq!(STATUS_NAMES[usize::from(status.code())], status.as_str());
    }
}

#[test]
fn each_key_has_its_own_history() {
    let b = batch(vec![
        ("org", text(&[Some("A"), Some("A"), Some("B"), Some("B")])),
        ("indicator", text(&[Some("SW-01"); 4])),
        (
            "period",
            text(&[
                Some("2015/16 Q2"),
                Some("2015/16 Q3"),
                Some("2015/16 Q2"),
                Some("Q3 2015/16"),
            ]),
        ),
        (
            "value",
            Arc::new(Float64Array::from(vec![42.0, 44.1, 46.0, 44.1])),
        ),
    ]);
    let out = evaluate_batch(&defs(), &b, &keyed()).unwrap();
    assert_eq!(out.num_rows(), 4);
    assert_eq!(
        strings(&out, "org"),
        ["A", "A", "B", "B"].map(|s| Some(s.into()))
    );
    assert_eq!(
        statuses(&out, "status"),
        [Some("Red"), Some("Amber"), Some("Green"), Some("Amber")]
    );
    // A's 44.1 rose from 42.0; B's fell from 46.0: history is per key.
    assert_eq!(
        strings(&out, "direction"),
        ["NotComparable", "Improving", "NotComparable", "Worsening"].map(|s| Some(s.into()))
    );
    assert_eq!(decimals(&out, "actual")[1], Some(dec!(44.1)));
    assert_eq!(decimals(&out, "shortfall")[1], Some(dec!(0.9)));
    assert_eq!(decimals(&out, "tolerance_amount")[1], Some(dec!(2)));
    assert_eq!(
        strings(&out, "explanation")[3].as_deref(),
        Some(
            "44.1% is 0.9 points below the target of 45.0%, within the 2.0-point tolerance: \
             Amber; down 1.9 points from 46.0% in 2015/16 Q2: worsening"
        )
    );
    assert_eq!(strings(&out, "theme")[0].as_deref(), Some("Start Well"));
    assert_eq!(
        strings(&out, "group")[0].as_deref(),
        Some("Start Well > Children")
    );
    assert_eq!(strings(&out, "period")[3].as_deref(), Some("2015/16 Q3"));
    let names: Vec<String> = out
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let mut expected = vec!["org".to_string()];
    expected.extend(RESULT_COLUMNS.iter().map(|s| s.to_string()));
    assert_eq!(names, expected);
}

#[test]
fn float_keys_ids_and_flags_are_read_as_the_numbers_they_hold() {
    // What pandas makes of an integer column with a missing cell: floats, NaN for the gap.
    let defs = Definitions::from_toml_str(
        r#"
        [[indicator]]
        id = "101"
        polarity = "higher"
        [[indicator.target]]
        value = "45"
        "#,
    )
    .unwrap();
    let periods = text(&[
        Some("2015/16 Q2"),
        Some("2015/16 Q3"),
        Some("2015/16 Q2"),
        Some("2015/16 Q3"),
        Some("2015/16 Q2"),
        Some("2015/16 Q2"),
    ]);
    let values: ArrayRef = Arc::new(Float64Array::from(vec![42.0, 46.0, 46.0, 44.0, 50.0, 40.0]));
    let floats = batch(vec![
        (
            "org",
            Arc::new(Float64Array::from(vec![
                Some(1.0),
                Some(1.0),
                Some(2.5),
                Some(2.5),
                Some(f64::NAN),
                None,
            ])),
        ),
        ("indicator", Arc::new(Float32Array::from(vec![101.0; 6]))),
        ("period", Arc::clone(&periods)),
        ("value", Arc::clone(&values)),
        (
            "provisional",
            Arc::new(Float64Array::from(vec![
                Some(1.0),
                Some(0.0),
                None,
                Some(-0.0),
                None,
                Some(f64::NAN),
            ])),
        ),
    ]);
    let texts = batch(vec![
        (
            "org",
            text(&[Some("1"), Some("1"), Some("2.5"), Some("2.5"), None, None]),
        ),
        ("indicator", text(&[Some("101"); 6])),
        ("period", periods),
        ("value", values),
        (
            "provisional",
            text(&[Some("1"), Some("0"), None, Some("0"), None, None]),
        ),
    ]);
    let out = evaluate_batch(&defs, &floats, &keyed()).unwrap();
    let expected = evaluate_batch(&defs, &texts, &keyed()).unwrap();
    for name in RESULT_COLUMNS {
        assert_eq!(
            out.column_by_name(name),
            expected.column_by_name(name),
            "{name}"
        );
    }
    assert_eq!(
        statuses(&out, "status"),
        [
            Some("Red"),
            Some("Green"),
            Some("Green"),
            Some("Red"),
            None,
            None
        ]
    );
    assert_eq!(strings(&out, "direction")[1].as_deref(), Some("Improving"));
    // A NaN key is a missing one (an error row), not a key spelled "NaN".
    let errors = strings(&out, "error");
    assert_eq!(
        errors[4].as_deref(),
        Some("column org, field row[4]: missing a value in key column \"org\"")
    );
    // The key column is the input's own floats.
    assert!(
        out.column_by_name("org")
            .unwrap()
            .as_primitive_opt::<arrow_array::types::Float64Type>()
            .is_some()
    );
}

#[test]
fn wrong_shapes_are_one_error_listing_every_problem() {
    let b = RecordBatch::try_new(
        Arc::new(arrow_schema::Schema::new(vec![
            arrow_schema::Field::new("indicator", arrow_schema::DataType::Utf8, true),
            arrow_schema::Field::new("period", arrow_schema::DataType::Utf8, true),
            arrow_schema::Field::new("indicator", arrow_schema::DataType::Utf8, true),
        ])),
        vec![
            text(&[Some("SW-01")]),
            text(&[Some("2015/16 Q3")]),
            text(&[Some("x")]),
        ],
    )
    .unwrap();
    let err = evaluate_batch(&defs(), &b, &keyed()).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Syntax { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("\"indicator\" appears more than once"),
        "{message}"
    );
    assert!(
        message.contains("key column \"org\" does not exist"),
        "{message}"
    );
    assert!(message.contains("expected a column \"value\""), "{message}");

    let b = batch(vec![
        ("org", text(&[Some("A")])),
        ("numerator", Arc::new(Int64Array::from(vec![1]))),
        (
            "value",
            Arc::new(arrow_array::BooleanArray::from(vec![true])),
        ),
    ]);
    let message = evaluate_batch(&defs(), &b, &keyed())
        .unwrap_err()
        .to_string();
    for part in [
        "the indicator column \"indicator\" is missing",
        "the period column \"period\" is missing",
        "go together",
        "column \"value\" has type Boolean",
    ] {
        assert!(message.contains(part), "{part}: {message}");
    }

    let b = batch(vec![
        ("status", text(&[Some("A")])),
        ("indicator", text(&[Some("SW-01")])),
        ("period", text(&[Some("2015/16 Q3")])),
        ("value", text(&[Some("1")])),
    ]);
    let options = FrameOptions {
        by: vec!["status".into(), "indicator".into()],
        ..FrameOptions::default()
    };
    let message = evaluate_batch(&defs(), &b, &options)
        .unwrap_err()
        .to_string();
    assert!(message.contains("name of an output column"), "{message}");
    assert!(message.contains("another role"), "{message}");
}

#[test]
fn bad_rows_are_error_rows_naming_the_row_and_the_good_rows_are_rated() {
    let b = batch(vec![
        (
            "org",
            text(&[
                Some("A"),
                None,
                Some("A"),
                Some("A"),
                Some("A"),
                Some("A"),
                Some("A"),
                Some("A"),
                Some("A"),
                Some("A"),
            ]),
        ),
        (
            "indicator",
            text(&[
                Some("SW-01"),
                Some("SW-01"),
                None,
                Some("XX-99"),
                Some("LW-01"),
                Some("LW-01"),
                Some("SW-01"),
                Some("SW-01"),
                Some("SW-01"),
                Some("SW-01"),
            ]),
        ),
        (
            "period",
            text(&[
                Some("2015/16 Q3"),
                Some("2015/16 Q3"),
                Some("2015/16 Q3"),
                Some("2015/16 Q3"),
                Some("2015/16 Q3"),
                Some("2015/16 M05"),
                Some("2015/16 Q1"),
                Some("Q1 2015/16"),
                Some("2015/16 Q9"),
                Some("2015/16 Q4"),
            ]),
        ),
        (
            "value",
            text(&[
                Some("46"),
                Some("1"),
                Some("1"),
                Some("1"),
                Some("1,2x"),
                Some("3"),
                Some("40"),
                Some("41"),
                Some("1"),
                Some("5"),
            ]),
        ),
        (
            "numerator",
            text(&[
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                Some("1"),
            ]),
        ),
        (
            "denominator",
            text(&[
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                Some("2"),
            ]),
        ),
    ]);
    let out = evaluate_batch(&defs(), &b, &keyed()).unwrap();
    let kinds = strings(&out, "error_kind");
    let errors = strings(&out, "error");
    let got: Vec<Option<&str>> = kinds.iter().map(|k| k.as_deref()).collect();
    assert_eq!(
        &got[..10],
        [
            None,
            Some("Missing"),          // null key
            Some("Missing"),          // null indicator
            Some("UnknownIndicator"), // not defined
            Some("InvalidValue"),     // not a number
            Some("InvalidValue"),     // a month for a quarterly indicator
            Some("Duplicate"),        // the same period twice: both reported
            Some("Duplicate"),
            Some("PeriodLabel"),  // unreadable
            Some("InvalidValue"), // a value and a fraction
        ]
    );
    for (i, message) in errors.iter().enumerate().skip(1).take(9) {
        let message = message.as_deref().unwrap();
        assert!(message.contains(&format!("row[{i}]")), "{message}");
    }
    assert!(errors[1].as_deref().unwrap().contains("column org"));
    assert!(errors[4].as_deref().unwrap().contains("\"1,2x\""));
    assert!(errors[5].as_deref().unwrap().contains("quarterly"));
    assert!(errors[6].as_deref().unwrap().contains("row[7]"));
    assert_eq!(statuses(&out, "status")[0], Some("Green"));
    assert!(statuses(&out, "status")[1..10].iter().all(Option::is_none));
    // Every input row is in the output once, in input order; added rows come after.
    let rows = rows(&out);
    assert_eq!(
        &rows[..10],
        (0..10).map(Some).collect::<Vec<_>>().as_slice()
    );
    assert!(rows[10..].iter().all(Option::is_none));
}

#[test]
fn unkeyed_frames_report_every_defined_indicator_for_each_period() {
    let b = batch(vec![
        ("indicator", text(&[Some("SW-01"), Some("SW-01")])),
        ("period", text(&[Some("2015/16 Q3"), Some("2015/16 Q4")])),
        (
            "value",
            Arc::new(Float64Array::from(vec![Some(46.0), None])),
        ),
    ]);
    let out = evaluate_batch(&defs(), &b, &FrameOptions::default()).unwrap();
    let pairs: Vec<(String, String, &str)> = strings(&out, "indicator")
        .into_iter()
        .zip(strings(&out, "period"))
        .zip(statuses(&out, "status"))
        .map(|((i, p), s)| (i.unwrap(), p.unwrap(), s.unwrap()))
        .collect();
    let want = [
        ("SW-01", "2015/16 Q3", "Green"),
        ("SW-01", "2015/16 Q4", "NoData"),
        ("LW-01", "2015/16 Q3", "NoData"),
        ("AN-01", "2015/16 Q3", "NotDue"),
        ("LW-01", "2015/16 Q4", "NoData"),
        ("AN-01", "2015/16 Q4", "NoData"),
    ];
    let want: Vec<(String, String, &str)> = want
        .iter()
        .map(|(i, p, s)| (i.to_string(), p.to_string(), *s))
        .collect();
    assert_eq!(pairs, want);

    // With a period, other periods are history; every defined indicator is reported there.
    let options = FrameOptions {
        report: Some(defs().calendar.parse("2015/16 Q4").unwrap()),
        ..FrameOptions::default()
    };
    let out = evaluate_batch(&defs(), &b, &options).unwrap();
    assert_eq!(out.num_rows(), 3);
    assert_eq!(rows(&out), [Some(1), None, None]);
}

#[test]
fn keyed_frames_show_gaps_in_the_indicators_a_key_reports() {
    let b = batch(vec![
        ("org", text(&[Some("A"), Some("A"), Some("B")])),
        (
            "indicator",
            text(&[Some("SW-01"), Some("LW-01"), Some("SW-01")]),
        ),
        (
            "period",
            text(&[Some("2015/16 Q2"), Some("2015/16 Q3"), Some("2015/16 Q3")]),
        ),
        ("value", Arc::new(Int64Array::from(vec![46, 12, 40]))),
    ]);
    let out = evaluate_batch(&defs(), &b, &keyed()).unwrap();
    // A reported SW-01 at Q2 and LW-01 at Q3: each gets the other period as NoData. B reported
    // SW-01 only, at Q3: nothing is added for B, and A's and B's indicators do not mix.
    assert_eq!(out.num_rows(), 5);
    type Added = (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<&'static str>,
    );
    let added: Vec<Added> = (3..5)
        .map(|i| {
            (
                strings(&out, "org")[i].clone(),
                strings(&out, "indicator")[i].clone(),
                strings(&out, "period")[i].clone(),
                statuses(&out, "status")[i],
            )
        })
        .collect();
    assert_eq!(
        added,
        [
            (
                Some("A".into()),
                Some("LW-01".into()),
                Some("2015/16 Q2".into()),
                Some("NoData")
            ),
            (
                Some("A".into()),
                Some("SW-01".into()),
                Some("2015/16 Q3".into()),
                Some("NoData")
            ),
        ]
    );
}

#[test]
fn keyed_gaps_are_periods_of_the_indicators_own_frequency() {
    let b = batch(vec![
        ("org", text(&[Some("A"), Some("A")])),
        ("indicator", text(&[Some("SW-01"), Some("AN-01")])),
        ("period", text(&[Some("2015/16 Q2"), Some("2015/16")])),
        ("value", Arc::new(Int64Array::from(vec![46, 12]))),
    ]);
    // A quarter is no gap in an annual series, nor a year in a quarterly one.
    let out = evaluate_batch(&defs(), &b, &keyed()).unwrap();
    assert_eq!(rows(&out), [Some(0), Some(1)]);
    // Without keys every defined indicator is reported for every period present.
    let out = evaluate_batch(&defs(), &b, &FrameOptions::default()).unwrap();
    assert_eq!(out.num_rows(), 6);
}

#[test]
fn dates_mean_the_period_of_the_indicators_frequency_containing_them() {
    let day = |y, m, d| {
        let date = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        i32::try_from((date - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days())
            .unwrap()
    };
    let b = batch(vec![
        (
            "indicator",
            text(&[Some("SW-01"), Some("AN-01"), Some("SW-01")]),
        ),
        (
            "period",
            Arc::new(Date32Array::from(vec![
                Some(day(2015, 11, 30)),
                Some(day(2016, 3, 31)),
                None,
            ])),
        ),
        ("value", Arc::new(Float64Array::from(vec![44.1, 12.0, 1.0]))),
    ]);
    let out = evaluate_batch(&defs(), &b, &FrameOptions::default()).unwrap();
    assert_eq!(strings(&out, "period")[0].as_deref(), Some("2015/16 Q3"));
    assert_eq!(strings(&out, "period")[1].as_deref(), Some("2015/16"));
    assert_eq!(
        statuses(&out, "status")[..2],
        [Some("Amber"), Some("Green")]
    );
    assert_eq!(strings(&out, "error_kind")[2].as_deref(), Some("Missing"));
}

#[test]
fn numbers_are_exact_in_and_out() {
    let b = batch(vec![
        (
            "indicator",
            text(&[Some("SW-01"), Some("SW-01"), Some("SW-01"), Some("LW-01")]),
        ),
        (
            "period",
            text(&[
                Some("2015/16 Q1"),
                Some("2015/16 Q2"),
                Some("2015/16 Q3"),
                Some("2015/16 Q3"),
            ]),
        ),
        (
            "value",
            Arc::new(Float32Array::from(vec![
                Some(44.95f32),
                None,
                None,
                Some(9.0),
            ])),
        ),
        (
            "numerator",
            Arc::new(Int64Array::from(vec![None, Some(412), Some(1), None])),
        ),
        (
            "denominator",
            Arc::new(
                Decimal128Array::from(vec![None, Some(4370), Some(30), None])
                    .with_precision_and_scale(10, 1)
                    .unwrap(),
            ),
        ),
    ]);
    let out = evaluate_batch(&defs(), &b, &FrameOptions::default()).unwrap();
    let actual = decimals(&out, "actual");
    // A float32 44.95 is 44.95, not its float64 widening 44.9500007629…
    assert_eq!(actual[0], Some(dec!(44.95)));
    let scalar = |n, d| {
        Observation::fraction(n, d)
            .resolve(dec!(100))
            .unwrap()
            .value()
    };
    assert_eq!(actual[1], scalar(dec!(412), dec!(437.0)));
    assert_eq!(actual[2], scalar(dec!(1), dec!(3.0)));
    assert_eq!(actual[3], Some(dec!(9)));
    let scale = out
        .column_by_name("actual")
        .unwrap()
        .as_primitive::<Decimal128Type>()
        .scale();
    assert_eq!(u32::try_from(scale).unwrap(), actual[2].unwrap().scale());
}

#[test]
fn a_number_that_does_not_fit_its_column_is_an_error_row() {
    // 1/3 x 100 has 26 or more places; 10^25 needs 26 digits before the point: over 38.
    let b = batch(vec![
        ("indicator", text(&[Some("SW-01"), Some("LW-01")])),
        ("period", text(&[Some("2015/16 Q3"), Some("2015/16 Q3")])),
        ("value", text(&[None, Some("10000000000000000000000000")])),
        ("numerator", text(&[Some("1"), None])),
        ("denominator", text(&[Some("3"), None])),
    ]);
    let out = evaluate_batch(&defs(), &b, &FrameOptions::default()).unwrap();
    assert_eq!(statuses(&out, "status")[..2], [Some("Red"), None]);
    let message = strings(&out, "error")[1].clone().unwrap();
    assert!(message.contains("column actual"), "{message}");
    assert!(
        message.contains("to fit the column's decimal128(38, "),
        "{message}"
    );
    assert_eq!(decimals(&out, "actual")[1], None);
}

/// A national-shaped frame with every kind of bad row: unknown and missing indicators, a null
/// key, duplicates, unreadable numbers and periods, a value and a fraction together, a value
/// too large for its column, and gaps; indicators of several units, polarities, tolerances and
/// frequencies. Rows are shuffled so that a group's rows are spread over every thread's share.
fn generated_frame(orgs: usize) -> (Definitions, RecordBatch) {
    let defs = Definitions::from_toml_str(
        r#"
[[indicator]]
id = "PC"
name = "A percentage"
group = ["Theme", "Sub"]
unit = "percent"
polarity = "higher"
decimals = 1
tolerance = { absolute = "2" }
[[indicator.target]]
value = "80"
stretch = "95"

[[indicator]]
id = "LO"
unit = { currency = "GBP" }
polarity = "lower"
tolerance = { relative = "5" }
direction = { compare = "year_ago" }
[[indicator.target]]
value = "1250000"

[[indicator]]
id = "WI"
unit = "days"
polarity = "within"
[[indicator.target]]
low = "3"
high = "5"

[[indicator]]
id = "AN"
polarity = "higher"
frequency = "annual"
[[indicator.target]]
value = "10"

[[indicator]]
id = "RG"
unit = "score"
polarity = "higher"
direction = { regression = 4 }
tolerance = { floor = "40" }
[[indicator.target]]
value = "50"
"#,
    )
    .unwrap();
    let quarters = [
        "2014/15 Q1",
        "2014/15 Q2",
        "2014/15 Q3",
        "2014/15 Q4",
        "2015/16 Q1",
        "2015/16 Q2",
        "2015/16 Q3",
        "2015/16 Q4",
    ];
    let mut cells: Vec<[Option<String>; 6]> = Vec::new();
    let mut seed = 7u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let some = |s: &str| Some(s.to_string());
    for o in 0..orgs {
        let org = some(&format!("E{o:03}"));
        for id in ["PC", "LO", "WI", "RG"] {
            for q in &quarters {
                let r = next();
                let (value, num, den) = match (id, r % 10) {
                    (_, 0) => (None, None, None),
                    ("PC", _) => (
                        None,
                        Some((r % 97).to_string()),
                        Some((90 + r % 20).to_string()),
                    ),
                    ("LO", _) => (Some(format!("{}.5", 1_180_000 + r % 150_000)), None, None),
                    ("WI", _) => (Some(format!("{}.{}", 2 + r % 5, r % 10)), None, None),
                    _ => (Some(format!("{}", 35 + r % 20)), None, None),
                };
                cells.push([org.clone(), some(id), some(q), value, num, den]);
            }
        }
        cells.push([
            org.clone(),
            some("AN"),
            some("2015/16"),
            some("12"),
            None,
            None,
        ]);
        // Bad rows.
        let bad = [
            [
                org.clone(),
                some("XX-99"),
                some("2015/16 Q1"),
                some("1"),
                None,
                None,
            ],
            [org.clone(), None, some("2015/16 Q1"), some("1"), None, None],
            [None, some("PC"), some("2015/16 Q1"), some("1"), None, None],
            [
                org.clone(),
                some("WI"),
                some("2015/16 Q3"),
                some("4"),
                None,
                None,
            ],
            [
                org.clone(),
                some("LO"),
                some("not a period"),
                some("1"),
                None,
                None,
            ],
            [
                org.clone(),
                some("LO"),
                some("2015/16"),
                some("1"),
                None,
                None,
            ],
            [
                org.clone(),
                some("RG"),
                some("2016/17 Q1"),
                some("x"),
                None,
                None,
            ],
            [
                org.clone(),
                some("RG"),
                some("2016/17 Q2"),
                some("1"),
                some("1"),
                some("2"),
            ],
            [
                org.clone(),
                some("PC"),
                some("2016/17 Q1"),
                None,
                some("1"),
                None,
            ],
        ];
        cells.extend(bad);
    }
    // One value too large for the actual column at the scale of the fractions' values.
    cells.push([
        some("E000"),
        some("RG"),
        some("2016/17 Q3"),
        some("10000000000000000000000000"),
        None,
        None,
    ]);
    // Shuffled: a group's rows, and its gaps' rows, fall into different threads' shares.
    for i in (1..cells.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        cells.swap(i, j);
    }
    let column = |k: usize| -> ArrayRef {
        Arc::new(StringArray::from(
            cells.iter().map(|c| c[k].clone()).collect::<Vec<_>>(),
        ))
    };
    let b = batch(vec![
        ("org", column(0)),
        ("indicator", column(1)),
        ("period", column(2)),
        ("value", column(3)),
        ("numerator", column(4)),
        ("denominator", column(5)),
    ]);
    (defs, b)
}

/// Threads change nothing: the same frame from one thread and from several, bad rows, gaps,
/// duplicates and a too-large value included; and the parts joined are the one batch.
#[test]
fn parallel_and_single_thread_results_are_identical() {
    let (defs, b) = generated_frame(40);
    let options = |threads| FrameOptions {
        by: vec!["org".into()],
        threads,
        ..FrameOptions::default()
    };
    let single = evaluate_batch(&defs, &b, &options(1)).unwrap();
    // Every input row once, rated or in error, and every kind of row present.
    let listed: Vec<u64> = rows(&single).iter().flatten().copied().collect();
    assert_eq!(listed, (0..b.num_rows() as u64).collect::<Vec<_>>());
    assert!(single.num_rows() > b.num_rows(), "gaps are added");
    let kinds = strings(&single, "error_kind");
    for kind in ["UnknownIndicator", "Missing", "Duplicate", "PeriodLabel"] {
        assert!(kinds.iter().any(|k| k.as_deref() == Some(kind)), "{kind}");
    }
    let errors = strings(&single, "error");
    assert!(
        errors
            .iter()
            .flatten()
            .any(|e| e.contains("to fit the column's decimal128(38, ")),
        "a too-large value"
    );
    let status = statuses(&single, "status");
    for s in ["Red", "Amber", "Green", "Blue", "NoData"] {
        assert!(status.contains(&Some(s)), "{s}");
    }
    for threads in [2, 3, 7, 64] {
        let parallel = evaluate_batch(&defs, &b, &options(threads)).unwrap();
        assert_eq!(parallel, single, "{threads} threads");
        let (schema, parts) = evaluate_parts(&defs, &b, &options(threads)).unwrap();
        // (A part per thread for the input rows, and one per thread for the added rows.)
        assert!(
            parts.len() > 1 && parts.len() <= 2 * threads,
            "{threads} threads"
        );
        let joined = arrow_select::concat::concat_batches(&schema, &parts).unwrap();
        assert_eq!(joined, single, "{threads} threads, parts joined");
    }
}

/// Without explanations every row, status, number and error is the same; only the sentences
/// are left out (null on every row, not an empty text that could pass for one).
#[test]
fn frames_without_explanations_decide_the_same() {
    let (defs, b) = generated_frame(40);
    let options = |explain, threads| FrameOptions {
        by: vec!["org".into()],
        threads,
        explain,
        ..FrameOptions::default()
    };
    let full = evaluate_batch(&defs, &b, &options(true, 1)).unwrap();
    assert!(strings(&full, "explanation").iter().any(Option::is_some));
    for threads in [1, 3] {
        let lean = evaluate_batch(&defs, &b, &options(false, threads)).unwrap();
        assert_eq!(lean.schema(), full.schema());
        assert_eq!(lean.num_rows(), full.num_rows());
        for (j, field) in full.schema().fields().iter().enumerate() {
            if field.name() == "explanation" {
                assert_eq!(lean.column(j).null_count(), lean.num_rows());
            } else {
                assert_eq!(
                    lean.column(j),
                    full.column(j),
                    "{} ({threads} threads)",
                    field.name()
                );
            }
        }
    }
}

/// Dictionary-encoded text columns hold the same text on every row as the plain ones (bad
/// rows, gaps, duplicates and a too-large value included), with and without sentences,
/// whatever the threads; every part shares one dictionary, each value in it once; and the
/// other columns are untouched.
#[test]
fn dictionary_text_columns_hold_the_same_text() {
    use arrow_array::Array;
    use arrow_array::types::Int32Type;
    use arrow_schema::DataType;
    const CODED: [&str; 10] = [
        "indicator",
        "name",
        "theme",
        "group",
        "period",
        "measured",
        "direction",
        "direction_previous",
        "direction_year_ago",
        "error_kind",
    ];
    let (defs, b) = generated_frame(40);
    let options = |text, explain, threads| FrameOptions {
        by: vec!["org".into()],
        threads,
        explain,
        text,
        ..FrameOptions::default()
    };
    for explain in [true, false] {
        let plain = evaluate_batch(&defs, &b, &options(TextColumns::Plain, explain, 1)).unwrap();
        let single =
            evaluate_batch(&defs, &b, &options(TextColumns::Dictionary, explain, 1)).unwrap();
        assert_eq!(single.num_rows(), plain.num_rows());
        // Rows in = rows rated + rows reported, and some of each kind.
        let rated = statuses(&single, "status").iter().flatten().count();
        let failed = strings(&single, "error").iter().flatten().count();
        assert_eq!(rated + failed, single.num_rows());
        assert!(failed > 0 && rated > 0);
        for (j, field) in plain.schema().fields().iter().enumerate() {
            let name = field.name().as_str();
            let coded = single.column(j);
            if CODED.contains(&name) {
                assert_eq!(
                    coded.data_type(),
                    &DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
                    "{name}"
                );
                let values = coded
                    .as_dictionary::<Int32Type>()
                    .values()
                    .as_string::<i32>();
                let distinct: std::collections::HashSet<_> = values.iter().collect();
                assert_eq!(distinct.len(), values.len(), "{name}: each value once");
                let decoded = arrow_cast::cast(coded, &DataType::LargeUtf8).unwrap();
                assert_eq!(&decoded, plain.column(j), "{name} (explain {explain})");
                assert!(plain.column(j).null_count() < plain.num_rows() || name == "error_kind");
            } else {
                assert_eq!(coded, plain.column(j), "{name} (explain {explain})");
            }
        }
        for threads in [2, 3, 7] {
            let options = options(TextColumns::Dictionary, explain, threads);
            assert_eq!(
                evaluate_batch(&defs, &b, &options).unwrap(),
                single,
                "{threads} threads"
            );
            let (schema, parts) = evaluate_parts(&defs, &b, &options).unwrap();
            assert!(parts.len() > 1);
            for name in CODED {
                let j = schema.index_of(name).unwrap();
                let first = parts[0].column(j).as_dictionary::<Int32Type>().values();
                for part in &parts {
                    let values = part.column(j).as_dictionary::<Int32Type>().values();
                    assert_eq!(values, first, "{name}: one dictionary for every part");
                }
            }
        }
    }
}

/// `Indicator::evaluate_into` (the frame's entry) gives every vector's figures and sentence as
/// `Indicator::evaluate` does, from a `Series` and from a `SortedSeries`; errors alike; and
/// `Indicator::figures` the same figures without the sentence.
#[test]
fn evaluate_into_matches_evaluate_on_the_vectors() {
    let cases = support::load("indicators.json", "indicators");
    let mut compared = 0;
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let input = &case["input"];
        let doc = json!({
            "calendar": input.get("calendar").cloned().unwrap_or_else(|| json!({})),
            "indicator": [input["indicator"].clone()],
        });
        let Ok(defs) = Definitions::from_json_str(&doc.to_string()) else {
            continue;
        };
        let indicator = &defs.indicators[0];
        let mut series = Series::new();
        for (label, obs) in input["series"].as_object().unwrap() {
            let Ok(period) = defs.calendar.parse(label) else {
                continue;
            };
            series.insert(period, serde_json::from_value(obs.clone()).unwrap());
        }
        let Ok(period) = defs.calendar.parse(input["period"].as_str().unwrap()) else {
            continue;
        };
        let pairs: Vec<(ragstatus::Period, Observation)> =
            series.iter().map(|(p, o)| (*p, *o)).collect();
        let sorted = SortedSeries::new(&pairs).unwrap();
        let scalar = indicator.evaluate(period, &series);
        let mut from_map = String::from("kept: ");
        let mut from_slice = String::new();
        let a = indicator.evaluate_into(period, &series, &mut from_map);
        let b = indicator.evaluate_into(period, &sorted, &mut from_slice);
        // Without the sentence: the same figures, and the same error.
        assert_eq!(indicator.figures(period, &sorted), b, "{name}");
        match (scalar, a, b) {
            (Ok(r), Ok(a), Ok(b)) => {
                assert_eq!(a, b, "{name}");
                assert_eq!(from_map, format!("kept: {}", r.sentence()), "{name}");
                assert_eq!(from_slice, r.sentence(), "{name}");
                assert_eq!(a.status, r.status, "{name}");
                assert_eq!(a.computed, r.rating.computed, "{name}");
                assert_eq!(a.actual, r.actual, "{name}");
                assert_eq!(a.target, r.target, "{name}");
                assert_eq!(a.stretch, r.stretch, "{name}");
                assert_eq!(a.shortfall, r.rating.shortfall, "{name}");
                assert_eq!(a.tolerance_amount, r.rating.tolerance_amount, "{name}");
                assert_eq!(a.period.label(), r.period, "{name}");
                assert_eq!(a.measured.map(|p| p.label()), r.measured, "{name}");
                assert_eq!(
                    [a.direction, a.previous, a.year_ago],
                    [r.direction, r.previous.direction, r.year_ago.direction],
                    "{name}"
                );
            }
            (Err(e), Err(a), Err(b)) => {
                assert_eq!(a, e, "{name}");
                assert_eq!(b, e, "{name}");
            }
            (r, a, b) => panic!("{name}: {r:?} / {a:?} / {b:?}"),
        }
        compared += 1;
    }
    assert!(compared >= 50, "only {compared} cases compared");
}

/// The conformance vectors of `indicators.json`, through the frame path: the same status,
/// actual, directions and sentence as `Indicator::evaluate`.
#[test]
fn indicator_vectors_give_the_same_results_through_the_frame_path() {
    let cases = support::load("indicators.json", "indicators");
    let mut compared = 0;
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let input = &case["input"];
        let doc = json!({
            "calendar": input.get("calendar").cloned().unwrap_or_else(|| json!({})),
            "indicator": [input["indicator"].clone()],
        });
        let Ok(defs) = Definitions::from_json_str(&doc.to_string()) else {
            continue;
        };
        let indicator = &defs.indicators[0];
        let calendar = defs.calendar;
        let mut series = Series::new();
        let (mut ids, mut labels, mut values, mut nums, mut dens) =
            (vec![], vec![], vec![], vec![], vec![]);
        for (label, obs) in input["series"].as_object().unwrap() {
            let period = calendar.parse(label).unwrap();
            let obs: Observation = serde_json::from_value(obs.clone()).unwrap();
            series.insert(period, obs);
            let cell = |k: &str| obs_text(&json!(obs), k);
            ids.push(Some(indicator.id.clone()));
            labels.push(Some(label.clone()));
            values.push(cell("value"));
            nums.push(cell("numerator"));
            dens.push(cell("denominator"));
        }
        let period = calendar.parse(input["period"].as_str().unwrap()).unwrap();
        let scalar = indicator.evaluate(period, &series);
        let b = batch(vec![
            ("indicator", Arc::new(StringArray::from(ids)) as ArrayRef),
            ("period", Arc::new(StringArray::from(labels))),
            ("value", Arc::new(StringArray::from(values))),
            ("numerator", Arc::new(StringArray::from(nums))),
            ("denominator", Arc::new(StringArray::from(dens))),
        ]);
        let options = FrameOptions {
            report: Some(period),
            ..FrameOptions::default()
        };
        let out = evaluate_batch(&defs, &b, &options).unwrap();
        let at: Vec<usize> = strings(&out, "period")
            .iter()
            .enumerate()
            .filter(|(i, p)| {
                p.as_deref() == Some(period.label().as_str())
                    && !strings(&out, "error")[*i]
                        .as_deref()
                        .is_some_and(|e| e.contains("(the indicator is reported "))
            })
            .map(|(i, _)| i)
            .collect();
        assert_eq!(at.len(), 1, "{name}: one row for the period");
        let i = at[0];
        match scalar {
            Ok(r) => {
                assert_eq!(
                    statuses(&out, "status")[i],
                    Some(r.status.as_str()),
                    "{name}"
                );
                assert_eq!(
                    statuses(&out, "computed_status")[i],
                    Some(r.rating.computed.as_str()),
                    "{name}"
                );
                assert_eq!(decimals(&out, "actual")[i], r.actual, "{name}");
                assert_eq!(strings(&out, "measured")[i], r.measured, "{name}");
                assert_eq!(
                    strings(&out, "direction")[i].as_deref(),
                    Some(r.direction.as_str()),
                    "{name}"
                );
                assert_eq!(
                    strings(&out, "direction_previous")[i].as_deref(),
                    Some(r.previous.direction.as_str()),
                    "{name}"
                );
                assert_eq!(
                    strings(&out, "direction_year_ago")[i].as_deref(),
                    Some(r.year_ago.direction.as_str()),
                    "{name}"
                );
                assert_eq!(
                    strings(&out, "explanation")[i],
                    Some(r.sentence()),
                    "{name}"
                );
            }
            Err(e) => {
                assert_eq!(
                    strings(&out, "error_kind")[i].as_deref(),
                    Some(e.kind().name()),
                    "{name}"
                );
            }
        }
        compared += 1;
    }
    assert!(compared >= 50, "only {compared} cases compared");
}

fn obs_text(obs: &Value, key: &str) -> Option<String> {
    obs.get(key).and_then(Value::as_str).map(str::to_string)
}

#[derive(Debug, Clone)]
struct GenRow {
    org: Option<u8>,
    indicator: u8,
    period: u8,
    value: u8,
}

fn gen_row() -> impl Strategy<Value = GenRow> {
    (prop::option::weighted(0.95, 0u8..4), 0u8..6, 0u8..8, 0u8..8).prop_map(
        |(org, indicator, period, value)| GenRow {
            org,
            indicator,
            period,
            value,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Rows in = rows rated + rows reported: every input row comes out once, rated or in error,
    /// in input order, whatever is wrong with it.
    #[test]
    fn every_input_row_comes_out_once(frame in prop::collection::vec(gen_row(), 0..60), keyed_frame in any::<bool>(), threads in 1usize..3) {
        let ids = [Some("SW-01"), Some("LW-01"), Some("AN-01"), Some("XX-99"), None, Some("SW-01")];
        let labels = [Some("2015/16 Q1"), Some("2015/16 Q2"), Some("2015/16 Q3"), Some("2015/16"), Some("2015/16 M07"), Some("bad"), None, Some("2014/15 Q4")];
        let values = [Some("1"), Some("45"), Some("44.1"), Some("x"), None, Some(""), Some("1e3"), Some("-0")];
        let b = batch(vec![
            ("org", text(&frame.iter().map(|r| r.org.map(|o| ["A", "B", "C", "D"][usize::from(o)])).collect::<Vec<_>>())),
            ("indicator", text(&frame.iter().map(|r| ids[usize::from(r.indicator)]).collect::<Vec<_>>())),
            ("period", text(&frame.iter().map(|r| labels[usize::from(r.period)]).collect::<Vec<_>>())),
            ("value", text(&frame.iter().map(|r| values[usize::from(r.value)]).collect::<Vec<_>>())),
        ]);
        let options = FrameOptions {
            by: if keyed_frame { vec!["org".into()] } else { vec![] },
            threads,
            ..FrameOptions::default()
        };
        let out = evaluate_batch(&defs(), &b, &options).unwrap();
        let rows = rows(&out);
        let listed: Vec<u64> = rows.iter().flatten().copied().collect();
        prop_assert_eq!(listed, (0..frame.len() as u64).collect::<Vec<_>>());
        let status = statuses(&out, "status");
        let errors = strings(&out, "error");
        for i in 0..out.num_rows() {
            // Exactly one of a status and an error.
            prop_assert!(status[i].is_some() != errors[i].is_some(), "row {}", i);
        }
        let rated = status.iter().zip(&rows).filter(|(s, r)| s.is_some() && r.is_some()).count();
        let reported = errors.iter().zip(&rows).filter(|(e, r)| e.is_some() && r.is_some()).count();
        prop_assert_eq!(rated + reported, frame.len());
        // Both threads settings give the same frame.
        let single = evaluate_batch(&defs(), &b, &FrameOptions { threads: 1, ..options.clone() }).unwrap();
        prop_assert_eq!(single, out);
    }

    /// `read_actuals` reads what `evaluate_batch` reads: every row is in a series or in the
    /// errors, and each error is the one the frame reports for that row.
    #[test]
    fn read_actuals_accounts_for_every_row(frame in prop::collection::vec(gen_row(), 0..60)) {
        let ids = [Some("SW-01"), Some("LW-01"), Some("AN-01"), Some("XX-99"), None, Some("SW-01")];
        let labels = [Some("2015/16 Q1"), Some("2015/16 Q2"), Some("2015/16 Q3"), Some("2015/16"), Some("2015/16 M07"), Some("bad"), None, Some("2014/15 Q4")];
        let values = [Some("1"), Some("45"), Some("44.1"), Some("x"), None, Some(""), Some("1e3"), Some("-0")];
        let b = batch(vec![
            ("indicator", text(&frame.iter().map(|r| ids[usize::from(r.indicator)]).collect::<Vec<_>>())),
            ("period", text(&frame.iter().map(|r| labels[usize::from(r.period)]).collect::<Vec<_>>())),
            ("value", text(&frame.iter().map(|r| values[usize::from(r.value)]).collect::<Vec<_>>())),
        ]);
        let read = read_actuals(&defs(), &b, &FrameOptions::default()).unwrap();
        prop_assert_eq!(read.rows_read() + read.errors.len(), frame.len());
        let out = evaluate_batch(&defs(), &b, &FrameOptions::default()).unwrap();
        let reported: Vec<String> = strings(&out, "error").into_iter().flatten().collect();
        for e in &read.errors {
            prop_assert!(reported.contains(&e.to_string()), "{} not in {:?}", e, reported);
        }
        // The values read are the frame's own: each (indicator, period) read once.
        for (id, series) in &read.series {
            for (period, observation) in series {
                // The one row of this indicator and period whose cell is a number or blank.
                let cells: Vec<Option<Decimal>> = frame
                    .iter()
                    .filter(|r| ids[usize::from(r.indicator)] == Some(id.as_str())
                        && labels[usize::from(r.period)] == Some(period.label().as_str()))
                    .filter_map(|r| match values[usize::from(r.value)] {
                        None | Some("") => Some(None),
                        Some(c) => c.parse::<Decimal>().or_else(|_| Decimal::from_scientific(c)).ok().map(Some),
                    })
                    .collect();
                let value = observation.map(|o| match o {
                    Observation::Value { value } => value,
                    Observation::Fraction { .. } => Decimal::MAX,
                });
                prop_assert_eq!(cells, vec![value]);
            }
        }
    }
}

/// An input row of the recent-trend frame: org, period, value, numerator, denominator.
type Cells = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// A recent-trend indicator through the frame path: every row's headline direction and
/// sentence are those of `Indicator::evaluate` on the key's own history (SPEC §7, §8a).
#[test]
fn recent_trend_directions_are_the_same_through_the_frame_path() {
    let defs = Definitions::from_toml_str(
        r#"
[[indicator]]
id = "RT"
unit = "percent"
polarity = "higher"
decimals = 1
direction = { trend = "recent" }
[[indicator.target]]
value = "10"
"#,
    )
    .unwrap();
    let indicator = &defs.indicators[0];
    let calendar = defs.calendar;
    let mut first = calendar.parse("2011/12 Q1").unwrap();
    let mut quarters = Vec::new();
    for _ in 0..32 {
        quarters.push(first);
        first = first.next().unwrap();
    }
    // Rising, falling, and rising with a gap and a value given directly.
    let mut cells: Vec<Cells> = Vec::new();
    let mut series: Vec<(String, Series)> = Vec::new();
    for (org, slope) in [("A", 15i64), ("B", -15), ("C", 12)] {
        let mut s = Series::new();
        for (i, q) in quarters.iter().enumerate() {
            let i = i64::try_from(i).unwrap();
            let count = 1000 + slope * i + (i % 4) * 7;
            let (value, num, den) = match (org, i) {
                ("C", 13) => continue,
                ("C", 30) => (Some("11.5".to_string()), None, None),
                _ => (None, Some(count.to_string()), Some("10000".to_string())),
            };
            let obs = match &value {
                Some(v) => Observation::value(v.parse().unwrap()),
                None => Observation::fraction(Decimal::from(count), dec!(10000)),
            };
            s.insert(*q, obs);
            cells.push((org.into(), q.label(), value, num, den));
        }
        series.push((org.into(), s));
    }
    let column = |f: &dyn Fn(&Cells) -> Option<String>| -> ArrayRef {
        Arc::new(StringArray::from(cells.iter().map(f).collect::<Vec<_>>()))
    };
    let b = batch(vec![
        ("org", column(&|c| Some(c.0.clone()))),
        ("indicator", column(&|_| Some("RT".into()))),
        ("period", column(&|c| Some(c.1.clone()))),
        ("value", column(&|c| c.2.clone())),
        ("numerator", column(&|c| c.3.clone())),
        ("denominator", column(&|c| c.4.clone())),
    ]);
    let out = evaluate_batch(&defs, &b, &keyed()).unwrap();
    let (orgs, periods) = (strings(&out, "org"), strings(&out, "period"));
    let (directions, explanations) = (strings(&out, "direction"), strings(&out, "explanation"));
    let mut seen = std::collections::BTreeSet::new();
    for i in 0..out.num_rows() {
        let org = orgs[i].clone().unwrap();
        let period = calendar.parse(periods[i].as_deref().unwrap()).unwrap();
        let s = &series.iter().find(|(o, _)| *o == org).unwrap().1;
        let r = indicator.evaluate(period, s).unwrap();
        assert_eq!(
            directions[i].as_deref(),
            Some(r.direction.as_str()),
            "{org} {period}"
        );
        assert_eq!(explanations[i], Some(r.sentence()), "{org} {period}");
        seen.insert((org, r.direction.as_str()));
    }
    for want in [
        ("A", "Improving"),
        ("A", "NotComparable"),
        ("B", "Worsening"),
        ("C", "Improving"),
        ("C", "NotComparable"),
    ] {
        assert!(
            seen.contains(&(want.0.to_string(), want.1)),
            "no {want:?} in {seen:?}"
        );
    }
}

/// Indicators whose fractions the frame resolves: a percentage (× 100), a rate per 1,000, a
/// whole multiplier of its own, a multiplier with a decimal place (× 100.0, other digits than
/// × 100) and a sum of one period (not the period's observation as it is).
const FRACTIONS: &str = r#"
[[indicator]]
id = "PC"
unit = "percent"
polarity = "higher"
tolerance = { absolute = "2" }
[[indicator.target]]
value = "80.0"

[[indicator]]
id = "RT"
unit = { rate = "1000" }
polarity = "lower"
[[indicator.target]]
value = "12.5"

[[indicator]]
id = "MW"
multiplier = "7"
polarity = "higher"
[[indicator.target]]
value = "3"

[[indicator]]
id = "MD"
multiplier = "100.0"
polarity = "higher"
[[indicator.target]]
value = "50"

[[indicator]]
id = "SM"
unit = "percent"
aggregation = "sum"
polarity = "higher"
[[indicator.target]]
value = "50"
"#;

/// A numerator or denominator: whole (small, large, at 2⁵³ and beyond), zero, negative, or
/// with decimal places, so that rows fall on either side of the integer path's domain.
fn fraction_part() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        4 => (0i64..=1000).prop_map(Decimal::from),
        2 => (0i64..=1 << 40).prop_map(Decimal::from),
        1 => ((1i64 << 53) - 3..=(1i64 << 53) + 3).prop_map(Decimal::from),
        1 => (0i64..=i64::MAX).prop_map(Decimal::from),
        1 => (-1000i64..0).prop_map(Decimal::from),
        1 => (0i64..=100_000, 1u32..4).prop_map(|(m, s)| Decimal::new(m, s)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every fraction's actual is the decimal arithmetic's value, digit for digit, whether the
    /// frame resolves it by integers or not (and a zero denominator is still no value).
    #[test]
    fn fractions_resolve_to_the_decimal_arithmetics_value(
        frame in prop::collection::vec((0usize..5, fraction_part(), fraction_part()), 1..80),
    ) {
        let defs = Definitions::from_toml_str(FRACTIONS).unwrap();
        let ids = ["PC", "RT", "MW", "MD", "SM"];
        // As text: each number at its own scale (412 whole, 41.2 not), as the frame reads it.
        let column = |f: &dyn Fn(&(usize, Decimal, Decimal)) -> Decimal| -> ArrayRef {
            Arc::new(StringArray::from(frame.iter().map(|r| f(r).to_string()).collect::<Vec<_>>()))
        };
        let orgs: Vec<String> = (0..frame.len()).map(|i| format!("O{i}")).collect();
        let b = batch(vec![
            ("org", text(&orgs.iter().map(|o| Some(o.as_str())).collect::<Vec<_>>())),
            ("indicator", text(&frame.iter().map(|r| Some(ids[r.0])).collect::<Vec<_>>())),
            ("period", text(&vec![Some("2015/16 Q1"); frame.len()])),
            ("numerator", column(&|r| r.1)),
            ("denominator", column(&|r| r.2)),
        ]);
        let out = evaluate_batch(&defs, &b, &keyed()).unwrap();
        let actual = decimals(&out, "actual");
        let errors = strings(&out, "error");
        for (i, (k, x, n)) in frame.iter().enumerate() {
            let indicator = defs.get(ids[*k]).unwrap();
            let want = Observation::fraction(*x, *n)
                .resolve(indicator.effective_multiplier())
                .map(|r| r.value());
            match want {
                // A huge value beside long quotients may not fit its column's scale: an error
                // row by design (`a_number_that_does_not_fit_its_column_is_an_error_row`).
                Ok(_) if errors[i].as_deref().is_some_and(|e| e.contains("to fit the column")) => {}
                Ok(v) => {
                    prop_assert_eq!(errors[i].as_deref(), None, "row {}", i);
                    prop_assert_eq!(
                        actual[i].map(|a| (a.mantissa(), a.scale())),
                        v.map(|v| (v.normalize().mantissa(), v.normalize().scale())),
                        "row {}: {} / {} for {}", i, x, n, ids[*k]
                    );
                }
                Err(_) => prop_assert!(errors[i].is_some(), "row {}", i),
            }
        }
    }
}

/// One indicator of [`lean_definitions`]: polarity, frequency, tolerance, stretch target,
/// rounding, direction settings, multiplier, the targets' shape (one for every year, a second
/// year's beside it, none, a flat annual profile, a stretch alone) and two target values.
type LeanIndicator = (
    usize,
    usize,
    usize,
    bool,
    Option<u32>,
    usize,
    u8,
    u8,
    i64,
    i64,
);

/// Definitions from random choices, some of them wrong in ways only a rating finds (a stretch
/// target short of the target, a floor on the wrong side).
fn lean_definitions() -> impl Strategy<Value = String> {
    let one = (
        0usize..3,
        0usize..4,
        0usize..5,
        any::<bool>(),
        prop::option::of(0u32..3),
        0usize..4,
        0u8..3,
        0u8..5,
        -20i64..120,
        -20i64..120,
    );
    prop::collection::vec(one, 1..4).prop_map(|inds: Vec<LeanIndicator>| {
        let mut text = String::new();
        for (i, (p, freq, tol, stretch, dp, direction, multiplier, shape, t, t2)) in
            inds.into_iter().enumerate()
        {
            let polarity = ["higher", "lower", "within"][p];
            let frequency = ["quarterly", "quarterly", "monthly", "annual"][freq];
            let tolerance = [
                "\"none\"",
                "{ absolute = \"2\" }",
                "{ relative = \"5.5\" }",
                "{ absolute = \"0\" }",
                "{ floor = \"40\" }",
            ][tol];
            text.push_str(&format!(
                "\n[[indicator]]\nid = \"L-{i}\"\nunit = \"percent\"\npolarity = \"{polarity}\"\n\
                 frequency = \"{frequency}\"\ntolerance = {tolerance}\n"
            ));
            if let Some(dp) = dp {
                text.push_str(&format!(
                    "decimals = {dp}\nrounding = {{ decimals = {dp}, mode = \"half_even\" }}\n"
                ));
            }
            text.push_str(
                [
                    "",
                    "direction = { compare = \"year_ago\" }\n",
                    "direction = { stable = { relative = \"1\" } }\n",
                    "direction = { compare = \"year_ago\", stable = { absolute = \"0.5\" } }\n",
                ][direction],
            );
            match multiplier {
                1 => text.push_str("multiplier = \"1000\"\n"),
                2 => text.push_str("multiplier = \"0.1\"\n"),
                _ => {}
            }
            let target = |t: i64, year: Option<&str>| {
                let year = year
                    .map(|y| format!("year = \"{y}\"\n"))
                    .unwrap_or_default();
                match polarity {
                    "within" => format!(
                        "[[indicator.target]]\n{year}low = \"{t}\"\nhigh = \"{}\"\n",
                        t + 10
                    ),
                    _ if stretch => format!(
                        "[[indicator.target]]\n{year}value = \"{t}.5\"\nstretch = \"{}\"\n",
                        t + 5
                    ),
                    _ => format!("[[indicator.target]]\n{year}value = \"{t}.5\"\n"),
                }
            };
            match shape {
                1 => {
                    text.push_str(&target(t2, Some("2015/16")));
                    text.push_str(&target(t, None));
                }
                2 => {}
                3 if polarity != "within" => text.push_str(&format!(
                    "[[indicator.target]]\nannual = \"{t}\"\nprofile = \"flat\"\n{}",
                    if stretch {
                        format!("stretch = \"{}\"\n", t + 5)
                    } else {
                        String::new()
                    }
                )),
                4 => text.push_str(&format!("[[indicator.target]]\nstretch = \"{t}\"\n")),
                _ => text.push_str(&target(t, None)),
            }
        }
        text
    })
}

/// A cell of [`lean_frame`]: a value, a fraction (a zero denominator among them), a value too
/// large for the arithmetic, a blank, or text that is not a number.
/// A row's value, numerator and denominator cells.
type LeanCells = (Option<String>, Option<String>, Option<String>);

/// A row of the lean property test: organisation, indicator and period (indices), and cells.
type LeanRow = (usize, usize, usize, LeanCells);

fn lean_cell() -> impl Strategy<Value = LeanCells> {
    prop_oneof![
        4 => (-300i64..3000, 0u32..3).prop_map(|(m, s)| (Some(Decimal::new(m, s).to_string()), None, None)),
        3 => (0i64..200, 0i64..200).prop_map(|(x, n)| (None, Some(x.to_string()), Some(n.to_string()))),
        1 => Just((Some("79228162514264337593543950335".to_string()), None, None)),
        1 => Just((None, None, None)),
        1 => Just((Some("n/a".to_string()), None, None)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Without sentences, indicators of one value a period are evaluated by a shorter road
    /// (no rating or travel built around the figures); it must decide every row exactly as
    /// the full evaluation does: each status, number, direction and error, gaps and periods
    /// of other frequencies included.
    #[test]
    fn frames_without_sentences_decide_as_the_full_evaluation(
        text in lean_definitions(),
        cells in prop::collection::vec((0usize..2, 0usize..3, 0usize..14, lean_cell()), 0..80),
        threads in 1usize..3,
    ) {
        let defs = Definitions::from_toml_str(&text);
        prop_assume!(defs.is_ok());
        let defs = defs.unwrap();
        let periods = [
            "2014/15 Q1", "2014/15 Q2", "2014/15 Q3", "2014/15 Q4", "2015/16 Q1", "2015/16 Q2",
            "2015/16 Q3", "2015/16 Q4", "2016/17 Q1", "2015/16 M05", "2015/16 M06", "2016/17 M05",
            "2015/16", "2014/15",
        ];
        let column = |f: &dyn Fn(&LeanRow) -> Option<String>| -> ArrayRef {
            Arc::new(StringArray::from(cells.iter().map(f).collect::<Vec<_>>()))
        };
        let b = batch(vec![
            ("org", column(&|c| Some(["A", "B"][c.0].to_string()))),
            ("indicator", column(&|c| Some(format!("L-{}", c.1)))),
            ("period", column(&|c| Some(periods[c.2].to_string()))),
            ("value", column(&|c| c.3.0.clone())),
            ("numerator", column(&|c| c.3.1.clone())),
            ("denominator", column(&|c| c.3.2.clone())),
        ]);
        for by in [vec!["org".to_string()], vec![]] {
            let options = |explain| FrameOptions { by: by.clone(), threads, explain, ..FrameOptions::default() };
            let full = evaluate_batch(&defs, &b, &options(true)).unwrap();
            let lean = evaluate_batch(&defs, &b, &options(false)).unwrap();
            prop_assert_eq!(lean.num_rows(), full.num_rows());
            for (j, field) in full.schema().fields().iter().enumerate() {
                if field.name() != "explanation" {
                    prop_assert_eq!(lean.column(j), full.column(j), "column {}\n{}", field.name(), text);
                }
            }
        }
    }
}

/// The output column `k` of the key column `org` and then [`RESULT_COLUMNS`].
fn output_name(k: usize) -> &'static str {
    match k.checked_sub(1) {
        None => "org",
        Some(j) => RESULT_COLUMNS[j],
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Any selection of the output columns, in any order, gives each of them exactly as the
    /// full output does, on every row (bad rows, duplicates and gaps included), whatever the
    /// sentences, text columns and threads. (`actual` is always selected: the too-large value
    /// then makes its row an error row, as in the full output.)
    #[test]
    fn selected_columns_are_the_full_outputs_columns(
        picked in prop::sample::subsequence((0..=RESULT_COLUMNS.len()).collect::<Vec<_>>(), 0..=RESULT_COLUMNS.len() + 1),
        seed in any::<u64>(),
        explain in any::<bool>(),
        coded in any::<bool>(),
        threads in 1usize..4,
    ) {
        let (defs, b) = generated_frame(12);
        let options = FrameOptions {
            by: vec!["org".into()],
            threads,
            explain,
            text: if coded { TextColumns::Dictionary } else { TextColumns::Plain },
            ..FrameOptions::default()
        };
        let full = evaluate_batch(&defs, &b, &options).unwrap();
        let mut names: Vec<&str> = picked.into_iter().map(output_name).collect();
        if !names.contains(&"actual") {
            names.push("actual");
        }
        // Shuffled: the output follows the order asked for.
        let mut state = seed | 1;
        for i in (1..names.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            names.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let selected = FrameOptions {
            columns: Some(names.iter().map(|n| n.to_string()).collect()),
            ..options
        };
        let out = evaluate_batch(&defs, &b, &selected).unwrap();
        prop_assert_eq!(out.num_rows(), full.num_rows());
        let schema = out.schema();
        let got: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        prop_assert_eq!(&got, &names);
        for name in &names {
            prop_assert_eq!(
                out.column_by_name(name).unwrap(),
                full.column_by_name(name).unwrap(),
                "{}", name
            );
            let field = full.schema().field_with_name(name).unwrap().clone();
            prop_assert_eq!(schema.field_with_name(name).unwrap(), &field);
        }
    }
}

/// Output columns that do not exist, are asked for twice, or not at all are shape errors,
/// listed with the frame's other problems; a decimal column left out cannot make a row an
/// error row (its value is not written), and every row is still there.
#[test]
fn selected_columns_are_checked_and_only_they_are_written() {
    let b = batch(vec![
        ("org", text(&[Some("A"), Some("A")])),
        ("indicator", text(&[Some("LW-01"), Some("LW-01")])),
        ("period", text(&[Some("2015/16 Q2"), Some("2015/16 Q3")])),
        (
            "value",
            text(&[Some("0.0000000000001"), Some("10000000000000000000000000")]),
        ),
    ]);
    let with = |columns: &[&str], by: &[&str]| FrameOptions {
        by: by.iter().map(|s| s.to_string()).collect(),
        columns: Some(columns.iter().map(|s| s.to_string()).collect()),
        ..FrameOptions::default()
    };
    let err = evaluate_batch(
        &defs(),
        &b,
        &with(
            &["status", "colour", "status", "org", "colours"],
            &["org", "region"],
        ),
    )
    .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Syntax { .. }), "{err}");
    let message = err.to_string();
    for part in [
        "no output column \"colour\" or \"colours\"; expected a key column or one of row, indicator,",
        "error, error_kind",
        "output column \"status\" is asked for twice",
        "key column \"region\" does not exist",
    ] {
        assert!(message.contains(part), "{part}: {message}");
    }
    let message = evaluate_batch(&defs(), &b, &with(&[], &[]))
        .unwrap_err()
        .to_string();
    assert!(message.contains("no output columns asked for"), "{message}");

    // The full output: the second row's value does not fit `actual` beside the first's 13
    // places, so that row is an error row.
    let full = evaluate_batch(&defs(), &b, &keyed()).unwrap();
    assert_eq!(statuses(&full, "status"), [Some("Green"), None]);
    assert!(
        strings(&full, "error")[1]
            .as_ref()
            .unwrap()
            .contains("column actual")
    );
    // Without the decimal columns the value is not written, and the row is rated.
    let lean = evaluate_batch(&defs(), &b, &with(&["status", "error", "row"], &["org"])).unwrap();
    assert_eq!(lean.num_columns(), 3);
    assert_eq!(statuses(&lean, "status"), [Some("Green"), Some("Red")]);
    assert_eq!(strings(&lean, "error"), [None, None]);
    assert_eq!(rows(&lean), [Some(0), Some(1)]);
    // A key column alone, and the key column by another name than the result columns'.
    let keys = evaluate_batch(&defs(), &b, &with(&["org"], &["org"])).unwrap();
    assert_eq!(keys.num_columns(), 1);
    assert_eq!(strings(&keys, "org"), [Some("A".into()), Some("A".into())]);
}

/// The key cells of every output row are its input row's (sliced from the input when the
/// output rows are the input rows in order, copied otherwise), and an added row's are those of
/// a row of its key, whatever the threads and the period reported.
#[test]
fn key_cells_are_the_input_rows_own() {
    let (defs, b) = generated_frame(12);
    let org_in = strings(&b, "org");
    for report in [None, Some("2015/16 Q3")] {
        for threads in [1, 3] {
            let options = FrameOptions {
                by: vec!["org".into()],
                threads,
                report: report.map(|p| defs.calendar.parse(p).unwrap()),
                ..FrameOptions::default()
            };
            let out = evaluate_batch(&defs, &b, &options).unwrap();
            let org = strings(&out, "org");
            let (mut shown, mut added) = (0, 0);
            for (i, row) in rows(&out).into_iter().enumerate() {
                match row {
                    Some(r) => {
                        assert_eq!(org[i], org_in[r as usize], "row {r}");
                        shown += 1;
                    }
                    None => {
                        assert!(
                            org[i].is_some() && org_in.contains(&org[i]),
                            "added row {i}"
                        );
                        added += 1;
                    }
                }
            }
            assert!(shown > 0 && added > 0, "{report:?}");
            if report.is_none() {
                assert_eq!(shown, b.num_rows());
            }
        }
    }
}

/// `batch`'s rows ordered by organisation (stably; a null key first): each key's rows in one
/// run, as a national frame sorted by organisation has them.
fn by_key(b: &RecordBatch) -> RecordBatch {
    let org = strings(b, "org");
    let mut order: Vec<u32> = (0..b.num_rows() as u32).collect();
    order.sort_by(|x, y| org[*x as usize].cmp(&org[*y as usize]));
    let indices = arrow_array::UInt32Array::from(order);
    arrow_select::take::take_record_batch(b, &indices).unwrap()
}

/// A frame whose keys each come in one run is evaluated a few whole keys at a time, and the
/// output is the whole frame's to the last bit: every row, error (a duplicate's copies and the
/// too-large value included, named by their rows in the frame), gap, dictionary and decimal
/// scale, whatever the pieces, threads, text columns, sentences and period reported. A frame
/// whose keys are not in runs is evaluated whole.
#[test]
fn pieces_of_whole_keys_give_the_whole_frames_output() {
    use ragstatus::frame::evaluate_in_pieces;
    let (defs, shuffled) = generated_frame(12);
    let sorted = by_key(&shuffled);
    for report in [None, Some("2015/16 Q3")] {
        for (threads, text, explain) in [
            (1, TextColumns::Plain, true),
            (3, TextColumns::Dictionary, false),
            (2, TextColumns::Dictionary, true),
        ] {
            let options = FrameOptions {
                by: vec!["org".into()],
                threads,
                text,
                explain,
                report: report.map(|p| defs.calendar.parse(p).unwrap()),
                ..FrameOptions::default()
            };
            for b in [&sorted, &shuffled] {
                let whole = evaluate_batch(&defs, b, &options).unwrap();
                let (_, one) = evaluate_in_pieces(&defs, b, &options, usize::MAX).unwrap();
                // Small pieces go side by side, a thread each; a few large ones (a third of
                // the frame) one after another, each on every thread.
                for piece_rows in [1, 7, 50, b.num_rows() / 3] {
                    let (schema, parts) =
                        evaluate_in_pieces(&defs, b, &options, piece_rows).unwrap();
                    if std::ptr::eq(b, &sorted) {
                        assert!(parts.len() > one.len(), "{piece_rows}: pieces used");
                    } else {
                        assert_eq!(parts.len(), one.len(), "{piece_rows}: keys not in runs");
                    }
                    let joined = arrow_select::concat::concat_batches(&schema, &parts).unwrap();
                    assert_eq!(
                        joined, whole,
                        "{piece_rows} rows a piece, {threads} threads, {text:?}, {report:?}"
                    );
                }
            }
        }
    }
}
