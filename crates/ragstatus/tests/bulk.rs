//! The bulk paths (`ragstatus::bulk`): SPC, budget roll-up and milestones, Arrow in and out.
//!
//! Each is checked three ways: the conformance vectors run through it, its rows equal the
//! per-item API's results on the same input (property tests), and rows in = rows rated + rows
//! reported on frames with bad cells (property tests).

mod support;

use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{Decimal128Type, UInt8Type, UInt64Type};
use arrow_array::{
    Array, ArrayRef, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray,
};
use chrono::NaiveDate;
use proptest::prelude::*;
use ragstatus::budget::{BudgetLine, BudgetResult, BudgetSettings, roll_up, roll_up_parallel};
use ragstatus::bulk::budget::{BudgetFrameOptions, Group, roll_up_batch};
use ragstatus::bulk::milestone::{MilestoneFrameOptions, milestones_batch};
use ragstatus::bulk::spc::{SpcFrameOptions, spc_batch};
use ragstatus::frame::STATUS_NAMES;
use ragstatus::milestone::{Milestone, MilestoneSettings, evaluate_milestone};
use ragstatus::spc::{
    ChartType, Exclusion, Improvement, ProcessChange, SpcResult, SpcSettings, spc, spc_chart,
    spc_with_labels,
};
use ragstatus::{Decimal, ErrorKind};
use rust_decimal_macros::dec;
use serde_json::Value;

// --- reading the output ---------------------------------------------------------------------

fn column<'a>(batch: &'a RecordBatch, name: &str) -> &'a ArrayRef {
    batch
        .column_by_name(name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

fn text(batch: &RecordBatch, name: &str, i: usize) -> Option<String> {
    let a = column(batch, name).as_string::<i64>();
    a.is_valid(i).then(|| a.value(i).to_string())
}

fn decimal(batch: &RecordBatch, name: &str, i: usize) -> Option<Decimal> {
    let a = column(batch, name).as_primitive::<Decimal128Type>();
    if a.is_null(i) {
        return None;
    }
    // The column's scale can hold more digits than a Decimal: drop the trailing zeros first.
    let (mut m, mut s) = (a.value(i), u32::try_from(a.scale()).unwrap());
    while s > 0 && m % 10 == 0 {
        m /= 10;
        s -= 1;
    }
    Some(Decimal::try_from_i128_with_scale(m, s).unwrap())
}

fn uint(batch: &RecordBatch, name: &str, i: usize) -> Option<u64> {
    let a = column(batch, name).as_primitive::<UInt64Type>();
    a.is_valid(i).then(|| a.value(i))
}

fn flag(batch: &RecordBatch, name: &str, i: usize) -> Option<bool> {
    let a = column(batch, name).as_boolean();
    a.is_valid(i).then(|| a.value(i))
}

fn status(batch: &RecordBatch, i: usize) -> Option<&'static str> {
    let a = column(batch, "status").as_dictionary::<UInt8Type>();
    a.keys()
        .is_valid(i)
        .then(|| STATUS_NAMES[usize::from(a.keys().value(i))])
}

fn batch_of(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(columns).unwrap()
}

fn texts(values: &[Option<String>]) -> ArrayRef {
    Arc::new(StringArray::from(values.to_vec()))
}

/// Every output row is either evaluated or in error, never both, never neither.
fn accounted(batch: &RecordBatch, evaluated: &str) {
    let errors = column(batch, "error");
    let kinds = column(batch, "error_kind");
    let done = column(batch, evaluated);
    for i in 0..batch.num_rows() {
        assert_eq!(errors.is_valid(i), kinds.is_valid(i), "row {i}");
        assert_ne!(errors.is_valid(i), done.is_valid(i), "row {i}");
    }
}

// --- SPC ------------------------------------------------------------------------------------

/// Compares every output row with the point of the per-series analysis.
fn same_as_series(batch: &RecordBatch, rows: &[usize], result: &SpcResult) -> Result<(), String> {
    for (k, (&r, p)) in rows.iter().zip(&result.points).enumerate() {
        let check = |what: &str, ok: bool| {
            if ok {
                Ok(())
            } else {
                Err(format!("row {r} (point {k}): {what} differs"))
            }
        };
        check("index", uint(batch, "index", r) == Some(k as u64))?;
        check("label", text(batch, "label", r) == p.label)?;
        check("value", decimal(batch, "value", r) == Some(p.value))?;
        check(
            "segment",
            uint(batch, "segment", r) == Some(p.segment as u64),
        )?;
        check("mean", decimal(batch, "mean", r) == Some(p.mean))?;
        for (name, v) in [
            ("lower_process_limit", p.lower_process_limit),
            ("upper_process_limit", p.upper_process_limit),
            ("lower_two_sigma", p.lower_two_sigma),
            ("upper_two_sigma", p.upper_two_sigma),
            ("moving_range", p.moving_range),
        ] {
            check(name, decimal(batch, name, r) == v)?;
        }
        check(
            "moving_range_used",
            flag(batch, "moving_range_used", r) == Some(p.moving_range_used),
        )?;
        let rules: Vec<&str> = p.rules.iter().map(|x| x.as_str()).collect();
        check("rules", text(batch, "rules", r) == Some(rules.join(",")))?;
        check(
            "point_type",
            text(batch, "point_type", r).as_deref() == Some(p.point_type.as_str()),
        )?;
        check(
            "special_cause",
            flag(batch, "special_cause", r) == Some(p.point_type.is_special_cause()),
        )?;
        check(
            "explanation",
            text(batch, "explanation", r).as_deref() == Some(p.explanation.as_str()),
        )?;
        check(
            "variation",
            text(batch, "variation", r).as_deref() == result.variation.map(|v| v.as_str()),
        )?;
        check(
            "trial_limits",
            flag(batch, "trial_limits", r)
                == result.segments.get(p.segment).map(|s| s.trial_limits),
        )?;
        let assurance = result.assurance.map(|a| {
            serde_json::to_value(a)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        });
        check("assurance", text(batch, "assurance", r) == assurance)?;
        check("error", text(batch, "error", r).is_none())?;
    }
    Ok(())
}

fn spc_vector(input: &Value, expected: &Value) -> Result<(), String> {
    let values: Vec<String> = serde_json::from_value(input["values"].clone()).unwrap();
    let settings: SpcSettings = match input.get("settings") {
        Some(s) => serde_json::from_value(s.clone()).unwrap(),
        None => SpcSettings::default(),
    };
    let labels: Option<Vec<String>> = input
        .get("labels")
        .map(|l| serde_json::from_value(l.clone()).unwrap());
    if labels.as_ref().is_some_and(|l| l.len() != values.len()) {
        return Ok(()); // a per-series call error; a frame has one label per row by construction
    }
    let n = values.len();
    // The rows go in reversed (and so, with labels, out of order): the period column orders them.
    let order: Vec<usize> = if labels.is_some() {
        (0..n).rev().collect()
    } else {
        (0..n).collect()
    };
    let mut columns: Vec<(&str, ArrayRef)> = vec![
        ("ward", texts(&vec![Some("W1".into()); n])),
        (
            "value",
            texts(
                &order
                    .iter()
                    .map(|&k| Some(values[k].clone()))
                    .collect::<Vec<_>>(),
            ),
        ),
    ];
    if let Some(labels) = &labels {
        columns.push((
            "period",
            texts(
                &order
                    .iter()
                    .map(|&k| Some(labels[k].clone()))
                    .collect::<Vec<_>>(),
            ),
        ));
    }
    let batch = batch_of(columns);
    let options = SpcFrameOptions {
        by: vec!["ward".into()],
        period: labels.as_ref().map(|_| "period".to_string()),
        settings: settings.clone(),
        ..SpcFrameOptions::default()
    };
    let decimals: Vec<Decimal> = values.iter().map(|v| v.parse().unwrap()).collect();
    let single = match &labels {
        Some(l) => spc_with_labels(&decimals, l, &settings),
        None => spc(&decimals, &settings),
    };
    let out = spc_batch(&batch, &options);
    if let Some(kind) = expected["error"].as_str() {
        // Settings no series could use fail the call; a series' own failure is every row's.
        let got = match out {
            Err(e) => e.kind().name().to_string(),
            Ok(out) => {
                let kinds: Vec<Option<String>> =
                    (0..n).map(|i| text(&out, "error_kind", i)).collect();
                if kinds.iter().any(Option::is_none) {
                    return Err(format!("rows not all in error: {kinds:?}"));
                }
                kinds[0].clone().unwrap_or_default()
            }
        };
        return if got == kind {
            Ok(())
        } else {
            Err(format!("error {got}, expected {kind}"))
        };
    }
    let out = out.map_err(|e| e.to_string())?;
    let result = single.map_err(|e| e.to_string())?;
    if out.num_rows() != n {
        return Err(format!("{} rows, expected {n}", out.num_rows()));
    }
    // Point k of the series is the input row holding value k.
    let rows: Vec<usize> = (0..n)
        .map(|k| order.iter().position(|&o| o == k).unwrap())
        .collect();
    same_as_series(&out, &rows, &result)?;
    if n == 0 {
        return Ok(());
    }
    if let Some(want) = expected.get("point_types") {
        let have: Vec<Value> = rows
            .iter()
            .map(|&r| Value::from(text(&out, "point_type", r)))
            .collect();
        if Value::Array(have.clone()) != *want {
            return Err(format!("point_types {have:?}, expected {want}"));
        }
    }
    if let Some(want) = expected.get("explanations").and_then(Value::as_object) {
        for (k, sentence) in want {
            let r = rows[k.parse::<usize>().unwrap()];
            if text(&out, "explanation", r).as_deref() != sentence.as_str() {
                return Err(format!("explanation of point {k}"));
            }
        }
    }
    for key in ["variation", "assurance"] {
        if let Some(want) = expected.get(key) {
            let have = Value::from(text(&out, key, rows[n - 1]));
            if have != *want {
                return Err(format!("{key} {have}, expected {want}"));
            }
        }
    }
    Ok(())
}

#[test]
fn spc_vectors_through_the_frame_path() {
    support::run("spc.json", "spc", spc_vector);
    support::run("spc_rules.json", "spc", spc_vector);
}

/// `explain: false` leaves `explanation` null and every other column as `explain: true` has it.
fn lean_same(batch: &RecordBatch, options: &SpcFrameOptions) -> Result<(), String> {
    let full = SpcFrameOptions {
        explain: true,
        ..options.clone()
    };
    let lean = SpcFrameOptions {
        explain: false,
        ..options.clone()
    };
    let (full, lean) = match (spc_batch(batch, &full), spc_batch(batch, &lean)) {
        (Ok(f), Ok(l)) => (f, l),
        (Err(f), Err(l)) if f.to_string() == l.to_string() => return Ok(()),
        (f, l) => return Err(format!("full {:?}, lean {:?}", f.err(), l.err())),
    };
    if full.schema() != lean.schema() {
        return Err(format!(
            "schemas {:?} and {:?}",
            full.schema(),
            lean.schema()
        ));
    }
    for (k, field) in full.schema().fields().iter().enumerate() {
        let (f, l) = (full.column(k), lean.column(k));
        if field.name() == "explanation" {
            if l.null_count() != l.len() {
                return Err(format!("{} lean explanations", l.len() - l.null_count()));
            }
            // The full run writes a sentence on every row that has a point type.
            let typed = column(&full, "point_type");
            if (0..f.len()).any(|i| typed.is_valid(i) != f.is_valid(i)) {
                return Err("full explanations not on every analysed row".into());
            }
        } else if f.to_data() != l.to_data() {
            return Err(format!("column {} differs", field.name()));
        }
    }
    Ok(())
}

fn spc_vector_lean(input: &Value, _expected: &Value) -> Result<(), String> {
    let cells = |key: &str| -> Option<Vec<String>> {
        input
            .get(key)
            .map(|v| serde_json::from_value(v.clone()).unwrap())
    };
    let values = cells("values").unwrap_or_default();
    let n = values.len();
    let settings: SpcSettings = match input.get("settings") {
        Some(s) => serde_json::from_value(s.clone()).unwrap(),
        None => SpcSettings::default(),
    };
    let labels = cells("labels").filter(|l| l.len() == n);
    let denominators = cells("denominators").filter(|d| d.len() == n);
    let some = |v: Vec<String>| v.into_iter().map(Some).collect::<Vec<_>>();
    let mut columns: Vec<(&str, ArrayRef)> = vec![
        ("ward", texts(&vec![Some("W1".into()); n])),
        ("value", texts(&some(values))),
    ];
    if let Some(l) = &labels {
        columns.push(("period", texts(&some(l.clone()))));
    }
    if let Some(d) = &denominators {
        columns.push(("n", texts(&some(d.clone()))));
    }
    let options = SpcFrameOptions {
        by: vec!["ward".into()],
        period: labels.map(|_| "period".into()),
        denominator: denominators.map(|_| "n".into()),
        settings,
        ..SpcFrameOptions::default()
    };
    lean_same(&batch_of(columns), &options)
}

#[test]
fn spc_lean_frames_differ_only_in_their_explanations() {
    for file in ["spc.json", "spc_rules.json", "spc_family.json"] {
        support::run(file, "spc", spc_vector_lean);
    }
}

/// A frame of two series, A's three values then B's three, as text cells.
fn two_series(values: [&str; 6]) -> RecordBatch {
    let values: Vec<Option<String>> = values.map(|v| Some(v.to_string())).to_vec();
    let keys: Vec<Option<String>> = ["A", "A", "A", "B", "B", "B"]
        .map(|k| Some(k.to_string()))
        .to_vec();
    batch_of(vec![("series", texts(&keys)), ("value", texts(&values))])
}

/// `batch` analysed by series on one thread and on two (where the output is written in two
/// passes at once, which a misfit runs again), checked equal column by column; the two-thread
/// frame.
fn one_and_two_threads(batch: &RecordBatch, chart: ChartType, explain: bool) -> RecordBatch {
    let run = |threads: usize| {
        let options = SpcFrameOptions {
            by: vec!["series".into()],
            explain,
            threads,
            settings: SpcSettings {
                chart,
                ..SpcSettings::default()
            },
            ..SpcFrameOptions::default()
        };
        spc_batch(batch, &options).unwrap()
    };
    let (one, two) = (run(1), run(2));
    assert_eq!(one.schema(), two.schema());
    for k in 0..one.num_columns() {
        assert_eq!(
            one.column(k).to_data(),
            two.column(k).to_data(),
            "column {k}"
        );
    }
    two
}

#[test]
fn spc_numbers_beyond_their_decimal_column_are_error_rows_and_the_rest_are_written() {
    // Series A sets the value column's scale to 28; series B's values then need 16 + 28 digits.
    let tiny = [
        "0.0000000000000000000000000001",
        "0.0000000000000000000000000003",
        "0.0000000000000000000000000002",
    ];
    let batch = two_series([
        tiny[0],
        tiny[1],
        tiny[2],
        "1000000000000000",
        "1000000000000002",
        "1000000000000001",
    ]);
    for explain in [true, false] {
        let out = one_and_two_threads(&batch, ChartType::Xmr, explain);
        assert_eq!(out.num_rows(), 6);
        for (i, v) in tiny.iter().enumerate() {
            assert_eq!(text(&out, "error", i), None);
            assert_eq!(decimal(&out, "value", i), Some(v.parse().unwrap()));
            assert_eq!(text(&out, "point_type", i).as_deref(), Some("common_cause"));
        }
        for i in 3..6 {
            let message = text(&out, "error", i).unwrap();
            assert!(message.contains(&format!("row[{i}]")), "{message}");
            assert!(message.contains("digits before the point"), "{message}");
            assert_eq!(decimal(&out, "value", i), None);
            assert_eq!(text(&out, "point_type", i), None);
            assert_eq!(text(&out, "label", i), None);
        }
    }
}

#[test]
fn spc_values_beyond_their_decimal_column_are_error_rows_on_one_thread_or_two() {
    // Run charts: no limits, and A's median, 0, keeps the mean column at scale 0, while A's
    // tiny value sets the value column's to 28: only the value of B's rows does not fit, which
    // the pass that writes the values finds, not the lines' pass.
    let batch = two_series([
        "0.0000000000000000000000000001",
        "0",
        "0",
        "1000000000000000",
        "1000000000000002",
        "1000000000000001",
    ]);
    for explain in [true, false] {
        let one = one_and_two_threads(&batch, ChartType::Run, explain);
        for i in 0..3 {
            assert_eq!(text(&one, "error", i), None);
            assert_eq!(decimal(&one, "mean", i), Some(Decimal::ZERO));
        }
        for i in 3..6 {
            let message = text(&one, "error", i).unwrap();
            assert!(message.contains(&format!("row[{i}]")), "{message}");
            assert!(message.contains("digits before the point"), "{message}");
            for name in ["value", "mean"] {
                assert_eq!(decimal(&one, name, i), None, "{name}");
            }
            for name in ["point_type", "label", "explanation", "variation"] {
                assert_eq!(text(&one, name, i), None, "{name}");
            }
        }
    }
}

#[test]
fn spc_lines_beyond_their_decimal_column_are_error_rows_on_one_thread_or_two() {
    // Whole values: the value column keeps scale 0 and B's values fit it. A's mean, 1/3, sets
    // the mean column's scale to 28, where B's mean of 16 digits does not fit: only the lines'
    // pass finds B's rows, and the other pass is run again to write them as error rows.
    let values = [
        "1",
        "0",
        "0",
        "1000000000000000",
        "1000000000000002",
        "1000000000000001",
    ];
    let batch = two_series(values);
    for explain in [true, false] {
        let two = one_and_two_threads(&batch, ChartType::Xmr, explain);
        for (i, v) in values.iter().enumerate().take(3) {
            assert_eq!(text(&two, "error", i), None);
            assert_eq!(decimal(&two, "value", i), Some(v.parse().unwrap()));
            assert!(decimal(&two, "mean", i).is_some_and(|m| m.scale() == 28));
            assert_eq!(text(&two, "explanation", i).is_some(), explain);
        }
        for i in 3..6 {
            let message = text(&two, "error", i).unwrap();
            assert!(message.contains(&format!("row[{i}]")), "{message}");
            assert!(message.contains("digits before the point"), "{message}");
            for name in ["value", "mean", "moving_range"] {
                assert_eq!(decimal(&two, name, i), None, "{name}");
            }
            for name in ["point_type", "label", "rules", "explanation", "variation"] {
                assert_eq!(text(&two, name, i), None, "{name}");
            }
            assert_eq!(uint(&two, "index", i), None);
        }
    }
}

#[test]
fn spc_rows_in_error_are_reported_and_break_only_their_series() {
    let n = 14;
    let mut ward: Vec<Option<String>> = vec![Some("A".into()); n];
    ward.extend(vec![Some("B".into()); n]);
    ward.push(None);
    let mut values: Vec<Option<String>> = (0..n).map(|i| Some(format!("{}", 10 + i % 3))).collect();
    values.extend((0..n).map(|i| Some(format!("{}", 20 + i % 4))));
    values.push(Some("5".into()));
    values[n + 3] = Some("n/a".into());
    let mut period: Vec<Option<String>> = (0..2 * n)
        .map(|i| Some(format!("2016-{:02}-01", i % n % 12 + 1)))
        .collect();
    // Series A: 14 points over 12 months, so two months repeat; make them distinct years.
    for (i, p) in period.iter_mut().enumerate().take(n) {
        *p = Some(format!("{}-{:02}-01", 2016 + i / 12, i % 12 + 1));
    }
    for (i, p) in period.iter_mut().enumerate().skip(n) {
        *p = Some(format!(
            "{}-{:02}-01",
            2016 + (i - n) / 12,
            (i - n) % 12 + 1
        ));
    }
    period.push(Some("2016-01-01".into()));
    let batch = batch_of(vec![
        ("ward", texts(&ward)),
        ("value", texts(&values)),
        ("period", texts(&period)),
    ]);
    let options = SpcFrameOptions {
        by: vec!["ward".into()],
        period: Some("period".into()),
        ..SpcFrameOptions::default()
    };
    let out = spc_batch(&batch, &options).unwrap();
    assert_eq!(out.num_rows(), 2 * n + 1);
    accounted(&out, "point_type");
    // Series A is analysed whole.
    for i in 0..n {
        assert!(text(&out, "error", i).is_none(), "row {i}");
    }
    // Series B: the bad value names its row and column; the rest name that row.
    let bad = text(&out, "error", n + 3).unwrap();
    assert!(
        bad.contains(&format!("row[{}]", n + 3)) && bad.contains("column value"),
        "{bad}"
    );
    for i in (n..2 * n).filter(|&i| i != n + 3) {
        let e = text(&out, "error", i).unwrap();
        assert!(e.contains(&format!("row[{}]", n + 3)), "{e}");
        assert!(e.contains(&format!("row[{i}]")), "{e}");
    }
    // The row without a key.
    let e = text(&out, "error", 2 * n).unwrap();
    assert!(
        e.contains("column ward") && e.contains(&format!("row[{}]", 2 * n)),
        "{e}"
    );
    assert_eq!(text(&out, "error_kind", 2 * n).as_deref(), Some("Missing"));
}

#[test]
fn spc_repeated_periods_are_all_errors_and_dates_order_the_points() {
    let days = |d: &[i32]| -> ArrayRef { Arc::new(Date32Array::from(d.to_vec())) };
    let batch = batch_of(vec![
        (
            "value",
            Arc::new(Float64Array::from(vec![3.0, 1.0, 2.0])) as ArrayRef,
        ),
        ("period", days(&[19_002, 19_000, 19_001])),
    ]);
    let options = SpcFrameOptions {
        period: Some("period".into()),
        ..SpcFrameOptions::default()
    };
    let out = spc_batch(&batch, &options).unwrap();
    assert_eq!(uint(&out, "index", 0), Some(2));
    assert_eq!(uint(&out, "index", 1), Some(0));
    assert_eq!(text(&out, "label", 1).as_deref(), Some("2022-01-08"));
    let dup = batch_of(vec![
        (
            "value",
            Arc::new(Float64Array::from(vec![3.0, 1.0, 2.0])) as ArrayRef,
        ),
        ("period", days(&[19_000, 19_000, 19_001])),
    ]);
    let out = spc_batch(&dup, &options).unwrap();
    for i in 0..2 {
        assert_eq!(text(&out, "error_kind", i).as_deref(), Some("Duplicate"));
    }
    assert!(text(&out, "error", 0).unwrap().contains("row[1]"));
    assert_eq!(text(&out, "error_kind", 2).as_deref(), Some("InvalidValue"));
}

#[test]
fn spc_frame_shape_errors_list_every_problem() {
    let batch = batch_of(vec![(
        "v",
        Arc::new(Float64Array::from(vec![1.0])) as ArrayRef,
    )]);
    let options = SpcFrameOptions {
        by: vec!["trust".into(), "mean".into()],
        period: Some("month".into()),
        ..SpcFrameOptions::default()
    };
    let err = spc_batch(&batch, &options).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Syntax { .. }));
    let message = err.to_string();
    for part in [
        "\"trust\" does not exist",
        "\"mean\" has the name",
        "\"value\" is missing",
        "\"month\" is missing",
    ] {
        assert!(message.contains(part), "{message}");
    }
}

fn series_strategy() -> impl Strategy<Value = Vec<(u8, Option<i64>, i64)>> {
    // (series, value in hundredths or none, period day): duplicates and gaps happen.
    proptest::collection::vec(
        (
            0u8..4,
            proptest::option::weighted(0.97, -5_000i64..5_000),
            0i64..30,
        ),
        0..80,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn spc_rows_in_equal_rows_out_and_series_match_the_single_api(rows in series_strategy(), shift in 2usize..8) {
        let n = rows.len();
        let keys: Vec<Option<String>> = rows.iter().map(|(s, _, _)| (*s < 3).then(|| format!("S{s}"))).collect();
        let values: Vec<Option<String>> = rows.iter().map(|(_, v, _)| v.map(|v| Decimal::new(v, 2).to_string())).collect();
        let periods: Vec<i64> = rows.iter().map(|(_, _, p)| *p).collect();
        let batch = batch_of(vec![
            ("series", texts(&keys)),
            ("value", texts(&values)),
            ("period", Arc::new(Int64Array::from(periods.clone())) as ArrayRef),
        ]);
        let settings = SpcSettings { shift_length: shift, ..SpcSettings::default() };
        let options = SpcFrameOptions {
            by: vec!["series".into()],
            period: Some("period".into()),
            settings: settings.clone(),
            threads: 2,
            ..SpcFrameOptions::default()
        };
        let out = spc_batch(&batch, &options).unwrap();
        prop_assert_eq!(lean_same(&batch, &options), Ok(()));
        prop_assert_eq!(out.num_rows(), n);
        accounted(&out, "point_type");
        for i in 0..n {
            prop_assert_eq!(uint(&out, "row", i), Some(i as u64));
        }
        // Each clean series equals the single-series analysis of its rows in period order.
        for s in 0..3u8 {
            let mut members: Vec<usize> = (0..n).filter(|&i| rows[i].0 == s).collect();
            members.sort_by_key(|&i| periods[i]);
            let clean = members.iter().all(|&i| values[i].is_some())
                && members.windows(2).all(|w| periods[w[0]] != periods[w[1]]);
            if clean {
                let vals: Vec<Decimal> = members.iter().map(|&i| values[i].as_ref().unwrap().parse().unwrap()).collect();
                let labels: Vec<String> = members.iter().map(|&i| periods[i].to_string()).collect();
                let single = spc_with_labels(&vals, &labels, &settings).unwrap();
                prop_assert_eq!(same_as_series(&out, &members, &single), Ok(()));
            } else {
                for &i in &members {
                    prop_assert!(text(&out, "error", i).is_some());
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Every chart type through the frame path (full and lean, two threads) equals the
    /// single-series analysis of each series' rows in period order, with points excluded and
    /// processes changed; a series the analysis refuses is in error on every row.
    #[test]
    fn spc_charts_in_bulk_equal_the_single_series_analysis(
        chart in 0usize..9,
        rows in proptest::collection::vec((0u8..3, 1i64..500, 1i64..400), 1..110),
        excluded in proptest::collection::vec(0usize..40, 0..3),
        changes in proptest::collection::vec(1usize..40, 0..2),
        target in proptest::option::of(0i64..600),
        improvement in 0usize..3,
    ) {
        let chart = ChartType::ALL[chart];
        let n = rows.len();
        let mut values = Vec::with_capacity(n);
        let mut dens = Vec::with_capacity(n);
        for &(_, a, b) in &rows {
            let (v, d) = match chart {
                ChartType::Xmr | ChartType::Run => (Decimal::new(a - 250, 1), None),
                ChartType::T => (Decimal::new(a, 1), None),
                ChartType::C | ChartType::G => (Decimal::from(a % 60), None),
                ChartType::P | ChartType::PPrime => {
                    (Decimal::from(a % (b + 21)), Some(Decimal::from(b + 20)))
                }
                ChartType::U | ChartType::UPrime => {
                    (Decimal::from(a % 50), Some(Decimal::new(b * 10 + 3, 1)))
                }
            };
            values.push(v);
            dens.push(d);
        }
        // Periods run backwards through the input: each series is reordered.
        let periods: Vec<i64> = (0..n).map(|i| (n - i) as i64).collect();
        let keys: Vec<Option<String>> = rows.iter().map(|(s, _, _)| Some(format!("S{s}"))).collect();
        let mut columns: Vec<(&str, ArrayRef)> = vec![
            ("series", texts(&keys)),
            ("value", texts(&values.iter().map(|v| Some(v.to_string())).collect::<Vec<_>>())),
            ("period", Arc::new(Int64Array::from(periods.clone())) as ArrayRef),
        ];
        if chart.takes_denominators() {
            columns.push(("n", texts(&dens.iter().map(|d| d.map(|d| d.to_string())).collect::<Vec<_>>())));
        }
        let batch = batch_of(columns);
        let settings = SpcSettings {
            chart,
            exclude: excluded
                .iter()
                .map(|&at| Exclusion { at, reason: "fault".into() })
                .collect(),
            process_changes: changes
                .iter()
                .map(|&at| ProcessChange { at, reason: "new model".into() })
                .collect(),
            target: target.map(|t| Decimal::new(t, 1)),
            improvement: [Improvement::Increase, Improvement::Decrease, Improvement::Neutral][improvement],
            ..SpcSettings::default()
        };
        let options = SpcFrameOptions {
            by: vec!["series".into()],
            period: Some("period".into()),
            denominator: chart.takes_denominators().then(|| "n".into()),
            settings: settings.clone(),
            threads: 2,
            ..SpcFrameOptions::default()
        };
        prop_assert_eq!(lean_same(&batch, &options), Ok(()));
        let out = match spc_batch(&batch, &options) {
            Ok(out) => out,
            Err(e) => {
                // Settings no series could use (an exclusion given twice): the call's error.
                let refused = settings.validate(usize::MAX).unwrap_err();
                prop_assert_eq!(e.to_string(), refused.to_string());
                return Ok(());
            }
        };
        prop_assert_eq!(out.num_rows(), n);
        accounted(&out, "point_type");
        for s in 0..3u8 {
            let mut members: Vec<usize> = (0..n).filter(|&i| rows[i].0 == s).collect();
            members.sort_by_key(|&i| periods[i]);
            let vals: Vec<Decimal> = members.iter().map(|&i| values[i]).collect();
            let ds: Vec<Decimal> = members.iter().filter_map(|&i| dens[i]).collect();
            let labels: Vec<String> = members.iter().map(|&i| periods[i].to_string()).collect();
            let ds = chart.takes_denominators().then_some(ds.as_slice());
            match spc_chart(&vals, ds, Some(&labels), &settings) {
                Ok(single) => prop_assert_eq!(same_as_series(&out, &members, &single), Ok(())),
                Err(_) => {
                    for &i in &members {
                        prop_assert!(text(&out, "error", i).is_some());
                    }
                }
            }
        }
    }
}

// --- budget ---------------------------------------------------------------------------------

fn amount_texts(values: impl Iterator<Item = Option<Decimal>>) -> ArrayRef {
    Arc::new(StringArray::from(
        values.map(|v| v.map(|v| v.to_string())).collect::<Vec<_>>(),
    ))
}

fn budget_batch(lines: &[BudgetLine]) -> RecordBatch {
    let mut groups = ListBuilder::new(StringBuilder::new());
    for line in lines {
        for g in &line.group {
            groups.values().append_value(g);
        }
        groups.append(true);
    }
    batch_of(vec![
        (
            "id",
            texts(&lines.iter().map(|l| Some(l.id.clone())).collect::<Vec<_>>()),
        ),
        (
            "name",
            texts(
                &lines
                    .iter()
                    .map(|l| Some(l.name.clone()))
                    .collect::<Vec<_>>(),
            ),
        ),
        ("group", Arc::new(groups.finish()) as ArrayRef),
        (
            "kind",
            texts(
                &lines
                    .iter()
                    .map(|l| Some(l.kind.as_str().to_string()))
                    .collect::<Vec<_>>(),
            ),
        ),
        (
            "base",
            texts(
                &lines
                    .iter()
                    .map(|l| Some(l.base.as_str().to_string()))
                    .collect::<Vec<_>>(),
            ),
        ),
        ("budget", amount_texts(lines.iter().map(|l| Some(l.budget)))),
        (
            "forecast",
            amount_texts(lines.iter().map(|l| Some(l.forecast))),
        ),
        (
            "original_budget",
            amount_texts(lines.iter().map(|l| l.original_budget)),
        ),
        ("actual", amount_texts(lines.iter().map(|l| l.actual))),
        (
            "previous_forecast",
            amount_texts(lines.iter().map(|l| l.previous_forecast)),
        ),
        (
            "base_budget",
            amount_texts(lines.iter().map(|l| l.base_budget)),
        ),
        (
            "note",
            texts(&lines.iter().map(|l| l.note.clone()).collect::<Vec<_>>()),
        ),
    ])
}

fn same_as_result(batch: &RecordBatch, i: usize, r: &BudgetResult) -> Result<(), String> {
    let check = |what: &str, ok: bool| {
        if ok {
            Ok(())
        } else {
            Err(format!("row {i} ({}): {what} differs", r.id))
        }
    };
    check("id", text(batch, "id", i).as_deref() == Some(r.id.as_str()))?;
    check(
        "name",
        text(batch, "name", i).as_deref() == Some(r.name.as_str()),
    )?;
    check("path", text(batch, "path", i) == Some(r.path.join(" > ")))?;
    check(
        "level",
        text(batch, "level", i).as_deref() == Some(r.level.as_str()),
    )?;
    check("total", flag(batch, "total", i) == Some(r.total))?;
    check(
        "kind",
        text(batch, "kind", i).as_deref() == Some(r.kind.as_str()),
    )?;
    check(
        "base",
        text(batch, "base", i).as_deref() == Some(r.base.as_str()),
    )?;
    for (name, v) in [
        ("budget", Some(r.budget)),
        ("forecast", Some(r.forecast)),
        ("variance", Some(r.variance)),
        ("variance_percent", r.variance_percent),
        ("movement", r.movement),
        ("original_budget", r.original_budget),
        ("actual", r.actual),
        ("previous_forecast", r.previous_forecast),
        ("base_amount", Some(r.base_amount)),
    ] {
        check(name, decimal(batch, name, i) == v)?;
    }
    check("status", status(batch, i) == Some(r.status.as_str()))?;
    check(
        "significant_underspend",
        flag(batch, "significant_underspend", i) == Some(r.significant_underspend),
    )?;
    check(
        "line_count",
        uint(batch, "line_count", i) == Some(r.line_count as u64),
    )?;
    check(
        "explanation",
        text(batch, "explanation", i).as_deref() == Some(r.explanation.sentence.as_str()),
    )?;
    check("error", text(batch, "error", i).is_none())
}

/// The roll-up of the batch agrees with `roll_up` row for row: each line's result (or error),
/// then the totals.
fn budget_agrees(lines: &[BudgetLine], settings: &BudgetSettings) -> Result<(), String> {
    let report = roll_up(lines, settings);
    let out = roll_up_batch(
        &budget_batch(lines),
        settings,
        &BudgetFrameOptions::default(),
    );
    let (report, out) = match (report, out) {
        (Err(a), Err(b)) => {
            return if a.kind().name() == b.kind().name() {
                Ok(())
            } else {
                Err(format!("errors differ: {a} / {b}"))
            };
        }
        (Ok(r), Ok(o)) => (r, o),
        (a, b) => return Err(format!("one failed: {:?} / {:?}", a.err(), b.err())),
    };
    if out.num_rows() != lines.len() + report.totals.len() {
        return Err(format!("{} rows", out.num_rows()));
    }
    accounted(&out, "status");
    let mut results = report.lines.iter();
    let mut errors = report.errors.iter();
    let mut seen = std::collections::HashSet::new();
    let mut next = results.next();
    for (i, line) in lines.iter().enumerate() {
        let first = seen.insert(line.id.clone());
        match next {
            Some(r) if first && r.id == line.id => {
                same_as_result(&out, i, r)?;
                next = results.next();
            }
            _ => {
                let e = errors.next().ok_or("more errors than the roll-up")?;
                let got = text(&out, "error", i).ok_or(format!("row {i}: no error"))?;
                if !got.contains(&format!("row[{i}]"))
                    || text(&out, "error_kind", i).as_deref() != Some(e.kind().name())
                {
                    return Err(format!("row {i}: error {got}, expected {e}"));
                }
            }
        }
    }
    for (k, total) in report.totals.iter().enumerate() {
        same_as_result(&out, lines.len() + k, total)?;
        if uint(&out, "row", lines.len() + k).is_some() {
            return Err("a total has a row".into());
        }
    }
    Ok(())
}

#[test]
fn budget_vectors_through_the_frame_path() {
    support::run("budget.json", "budget", |input, _expected| {
        let lines: Vec<BudgetLine> = match serde_json::from_value(input["lines"].clone()) {
            Ok(l) => l,
            Err(_) => return Ok(()), // lines the frame could not hold either
        };
        let settings: BudgetSettings = match input.get("settings") {
            Some(s) => match serde_json::from_value(s.clone()) {
                Ok(s) => s,
                Err(_) => return Ok(()),
            },
            None => BudgetSettings::default(),
        };
        budget_agrees(&lines, &settings)
    });
}

#[test]
fn budget_expected_figures_through_the_frame_path() {
    // The vectors' own expectations, read from the frame's rows.
    support::run("budget.json", "budget", |input, expected| {
        let Ok(lines) = serde_json::from_value::<Vec<BudgetLine>>(input["lines"].clone()) else {
            return Ok(());
        };
        let settings: BudgetSettings = input
            .get("settings")
            .and_then(|s| serde_json::from_value(s.clone()).ok())
            .unwrap_or_default();
        let Some(results) = expected.get("results").and_then(Value::as_object) else {
            return Ok(());
        };
        let out = roll_up_batch(
            &budget_batch(&lines),
            &settings,
            &BudgetFrameOptions::default(),
        )
        .map_err(|e| e.to_string())?;
        for (id, fields) in results {
            let i = (0..out.num_rows())
                .find(|&i| {
                    text(&out, "id", i).as_deref() == Some(id.as_str())
                        && text(&out, "error", i).is_none()
                })
                .ok_or(format!("no row {id}"))?;
            for (field, want) in fields.as_object().unwrap() {
                let have: Value = match field.as_str() {
                    "status" => Value::from(status(&out, i)),
                    "sentence" => Value::from(text(&out, "explanation", i)),
                    "variance" | "variance_percent" | "movement" | "budget" | "forecast"
                    | "base_amount" | "actual" | "original_budget" | "previous_forecast" => {
                        match (decimal(&out, field, i), want.as_str()) {
                            (Some(d), Some(w)) if w.parse::<Decimal>().ok() == Some(d) => {
                                want.clone()
                            }
                            (d, _) => Value::from(d.map(|d| d.to_string())),
                        }
                    }
                    "level" | "direction" | "rule" | "movement_direction" => {
                        Value::from(text(&out, field, i))
                    }
                    "line_count" => Value::from(uint(&out, "line_count", i)),
                    "significant_underspend" | "total" => Value::from(flag(&out, field, i)),
                    _ => continue,
                };
                if have != *want {
                    return Err(format!("{id}.{field}: {have}, expected {want}"));
                }
            }
        }
        Ok(())
    });
}

#[test]
fn budget_unreadable_rows_keep_their_id_and_enter_no_total() {
    let batch = batch_of(vec![
        (
            "id",
            texts(&[Some("A".into()), Some("B".into()), Some("A".into()), None]),
        ),
        (
            "kind",
            texts(&[
                Some("expenditure".into()),
                Some("spending".into()),
                Some("expenditure".into()),
                Some("income".into()),
            ]),
        ),
        (
            "budget",
            Arc::new(Int64Array::from(vec![Some(100), Some(5), Some(100), None])) as ArrayRef,
        ),
        (
            "forecast",
            Arc::new(Float64Array::from(vec![110.5, 5.0, 90.0, 1.0])) as ArrayRef,
        ),
        (
            "directorate",
            texts(&[Some("Adults".into()), Some("Place".into()), None, None]),
        ),
    ]);
    let options = BudgetFrameOptions {
        group: Group::Columns(vec!["directorate".into()]),
        ..BudgetFrameOptions::default()
    };
    let out = roll_up_batch(&batch, &BudgetSettings::default(), &options).unwrap();
    // Four rows, the fund and Adults: the unreadable Place line makes no total.
    assert_eq!(out.num_rows(), 6);
    accounted(&out, "status");
    assert_eq!(decimal(&out, "variance", 0), Some(Decimal::new(105, 1)));
    let kind = text(&out, "error", 1).unwrap();
    assert!(
        kind.contains("row[1]") && kind.contains("column kind") && kind.contains("spending"),
        "{kind}"
    );
    let dup = text(&out, "error", 2).unwrap();
    assert!(dup.contains("duplicate") && dup.contains("row[2]"), "{dup}");
    let missing = text(&out, "error", 3).unwrap();
    assert!(
        missing.contains("column budget") && missing.contains("row[3]"),
        "{missing}"
    );
    assert_eq!(text(&out, "id", 3).as_deref(), Some(""));
    assert_eq!(text(&out, "id", 4).as_deref(), Some("Total"));
    assert_eq!(uint(&out, "line_count", 4), Some(1));
    assert_eq!(text(&out, "id", 5).as_deref(), Some("Adults"));
    let without = roll_up_batch(
        &batch,
        &BudgetSettings::default(),
        &BudgetFrameOptions {
            include_totals: false,
            ..options
        },
    )
    .unwrap();
    assert_eq!(without.num_rows(), 4);
}

fn line_strategy() -> impl Strategy<Value = BudgetLine> {
    let money = (-2_000_000i64..100_000_000).prop_map(|p| Decimal::new(p, 2));
    (
        0u8..12,
        prop_oneof![Just("expenditure"), Just("income"), Just("net")],
        prop_oneof![Just("gross"), Just("net_controllable")],
        money.clone(),
        money.clone(),
        proptest::option::of(money.clone()),
        proptest::option::of(money),
        proptest::collection::vec(
            prop_oneof![Just("Adults"), Just("Place"), Just("Roads"), Just(" ")],
            0..3,
        ),
    )
        .prop_map(
            |(id, kind, base, budget, forecast, previous, base_budget, group)| BudgetLine {
                previous_forecast: previous,
                base_budget,
                group: group.into_iter().map(String::from).collect(),
                ..BudgetLine::new(
                    format!("L{id}"),
                    ragstatus::bulk::budget::parse_kind(kind).unwrap(),
                    ragstatus::bulk::budget::parse_base(base).unwrap(),
                    budget,
                    forecast,
                )
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn budget_frame_equals_roll_up(lines in proptest::collection::vec(line_strategy(), 0..30)) {
        prop_assert_eq!(budget_agrees(&lines, &BudgetSettings::default()), Ok(()));
        // Rating the lines on several threads gives the same report, and the same frame.
        let settings = BudgetSettings::default();
        prop_assert_eq!(roll_up_parallel(&lines, &settings, 3).ok(), roll_up(&lines, &settings).ok());
        let batch = budget_batch(&lines);
        let one = roll_up_batch(&batch, &settings, &BudgetFrameOptions::default()).unwrap();
        let three = roll_up_batch(&batch, &settings, &BudgetFrameOptions { threads: 3, ..BudgetFrameOptions::default() }).unwrap();
        prop_assert_eq!(one, three);
    }

    #[test]
    fn budget_rows_in_equal_rows_out_with_bad_cells(
        cells in proptest::collection::vec(
            (proptest::option::of("[A-C]"), prop_oneof![Just("expenditure"), Just("net"), Just("junk"), Just("")],
             proptest::option::of(prop_oneof![Just("12.5"), Just("n/a"), Just("-3"), Just("1e3"), Just("")]),
             proptest::option::of(prop_oneof![Just("10"), Just("x"), Just("7.25")])),
            0..25),
    ) {
        let n = cells.len();
        let batch = batch_of(vec![
            ("id", texts(&cells.iter().map(|c| c.0.clone()).collect::<Vec<_>>())),
            ("kind", texts(&cells.iter().map(|c| Some(c.1.to_string())).collect::<Vec<_>>())),
            ("budget", texts(&cells.iter().map(|c| c.2.map(String::from)).collect::<Vec<_>>())),
            ("forecast", texts(&cells.iter().map(|c| c.3.map(String::from)).collect::<Vec<_>>())),
            ("base", texts(&vec![None; n])),
        ]);
        let out = roll_up_batch(&batch, &BudgetSettings::default(), &BudgetFrameOptions::default()).unwrap();
        accounted(&out, "status");
        let lines = (0..out.num_rows()).filter(|&i| uint(&out, "row", i).is_some()).count();
        prop_assert_eq!(lines, n);
        for i in 0..n {
            prop_assert_eq!(uint(&out, "row", i), Some(i as u64));
            if let Some(e) = text(&out, "error", i) {
                prop_assert!(e.contains(&format!("row[{i}]")), "{}", e);
            }
        }
    }
}

// --- milestones -----------------------------------------------------------------------------

fn date(text: &str) -> NaiveDate {
    ragstatus::milestone::parse_date(text).unwrap()
}

fn milestone_batch(ms: &[Milestone]) -> RecordBatch {
    let days = |d: NaiveDate| (d - date("1970-01-01")).num_days() as i32;
    batch_of(vec![
        (
            "id",
            texts(&ms.iter().map(|m| Some(m.id.clone())).collect::<Vec<_>>()),
        ),
        (
            "due",
            Arc::new(Date32Array::from(
                ms.iter().map(|m| days(m.due)).collect::<Vec<_>>(),
            )) as ArrayRef,
        ),
        // Text dates too: the two forms the files use.
        (
            "start",
            texts(
                &ms.iter()
                    .map(|m| m.start.map(|d| d.format("%d/%m/%Y").to_string()))
                    .collect::<Vec<_>>(),
            ),
        ),
        (
            "completed",
            texts(
                &ms.iter()
                    .map(|m| m.completed.map(|d| d.to_string()))
                    .collect::<Vec<_>>(),
            ),
        ),
        (
            "percent_complete",
            amount_texts(ms.iter().map(|m| m.percent_complete)),
        ),
        (
            "description",
            texts(
                &ms.iter()
                    .map(|m| Some(m.description.clone()))
                    .collect::<Vec<_>>(),
            ),
        ),
        (
            "owner",
            texts(&ms.iter().map(|m| m.owner.clone()).collect::<Vec<_>>()),
        ),
    ])
}

fn milestones_agree(
    ms: &[Milestone],
    as_of: NaiveDate,
    settings: &MilestoneSettings,
) -> Result<(), String> {
    let out = milestones_batch(
        &milestone_batch(ms),
        as_of,
        settings,
        &MilestoneFrameOptions::default(),
    )
    .map_err(|e| e.to_string())?;
    if out.num_rows() != ms.len() {
        return Err(format!("{} rows", out.num_rows()));
    }
    accounted(&out, "status");
    let mut seen = std::collections::HashSet::new();
    for (i, m) in ms.iter().enumerate() {
        let single = if seen.insert(m.id.clone()) {
            evaluate_milestone(m, as_of, settings)
        } else {
            Err(ragstatus::Error::new(ErrorKind::Duplicate {
                what: "milestone".into(),
                key: m.id.clone(),
            }))
        };
        match single {
            Ok(r) => {
                let ok = text(&out, "state", i).as_deref() == Some(r.state.as_str())
                    && status(&out, i) == Some(r.status.as_str())
                    && text(&out, "explanation", i).as_deref()
                        == Some(r.explanation.sentence.as_str())
                    && decimal(&out, "expected_progress", i) == r.explanation.expected_progress
                    && decimal(&out, "progress_gap", i) == r.explanation.progress_gap
                    && column(&out, "days_from_due")
                        .as_primitive::<arrow_array::types::Int64Type>()
                        .value(i)
                        == r.explanation.days_from_due;
                if !ok {
                    return Err(format!("row {i} differs from evaluate_milestone"));
                }
            }
            Err(e) => {
                let got = text(&out, "error_kind", i);
                if got.as_deref() != Some(e.kind().name())
                    || !text(&out, "error", i)
                        .unwrap_or_default()
                        .contains(&format!("row[{i}]"))
                {
                    return Err(format!("row {i}: {got:?}, expected {e}"));
                }
            }
        }
    }
    Ok(())
}

#[test]
fn milestone_vectors_through_the_frame_path() {
    support::run("milestones.json", "milestone", |input, expected| {
        let Some(m) = input.get("milestone") else {
            return Ok(()); // date-reading cases: the text date reader is the same function
        };
        let m: Milestone = serde_json::from_value(m.clone()).map_err(|e| e.to_string())?;
        let as_of = date(input["as_of"].as_str().unwrap());
        let settings: MilestoneSettings = input
            .get("settings")
            .map(|s| serde_json::from_value(s.clone()).unwrap())
            .unwrap_or_default();
        milestones_agree(std::slice::from_ref(&m), as_of, &settings)?;
        let out = milestones_batch(
            &milestone_batch(&[m]),
            as_of,
            &settings,
            &MilestoneFrameOptions::default(),
        )
        .map_err(|e| e.to_string())?;
        if let Some(kind) = expected["error"].as_str() {
            return if text(&out, "error_kind", 0).as_deref() == Some(kind) {
                Ok(())
            } else {
                Err("error kind".into())
            };
        }
        for (key, have) in [
            ("state", Value::from(text(&out, "state", 0))),
            ("status", Value::from(status(&out, 0))),
            ("rule", Value::from(text(&out, "rule", 0))),
            ("sentence", Value::from(text(&out, "explanation", 0))),
        ] {
            if let Some(want) = expected.get(key)
                && *want != have
            {
                return Err(format!("{key}: {have}, expected {want}"));
            }
        }
        Ok(())
    });
}

fn milestone_strategy() -> impl Strategy<Value = Milestone> {
    let day = (0i64..400).prop_map(|d| date("2016-01-01") + chrono::Duration::days(d));
    (
        0u8..8,
        day.clone(),
        proptest::option::of(day.clone()),
        proptest::option::of(day),
        proptest::option::of(0i64..12_000),
    )
        .prop_map(|(id, due, start, completed, pct)| Milestone {
            start,
            completed,
            percent_complete: pct.map(|p| Decimal::new(p, 2)),
            ..Milestone::new(format!("M{id}"), due)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn milestone_frame_equals_evaluate_milestone(
        ms in proptest::collection::vec(milestone_strategy(), 0..20),
        as_of in 0i64..400,
        warning in 0u32..30,
    ) {
        let settings = MilestoneSettings { warning_days: warning, ..MilestoneSettings::default() };
        let as_of = date("2016-01-01") + chrono::Duration::days(as_of);
        prop_assert_eq!(milestones_agree(&ms, as_of, &settings), Ok(()));
    }

    #[test]
    fn milestone_rows_in_equal_rows_out_with_bad_cells(
        cells in proptest::collection::vec(
            (proptest::option::of("[A-C]"),
             proptest::option::of(prop_oneof![Just("2016-03-04"), Just("31/03/2016"), Just("March 2016"), Just("")]),
             proptest::option::of(prop_oneof![Just("50"), Just("150"), Just("n/a")])),
            0..25),
    ) {
        let n = cells.len();
        let batch = batch_of(vec![
            ("id", texts(&cells.iter().map(|c| c.0.clone()).collect::<Vec<_>>())),
            ("due", texts(&cells.iter().map(|c| c.1.map(String::from)).collect::<Vec<_>>())),
            ("percent_complete", texts(&cells.iter().map(|c| c.2.map(String::from)).collect::<Vec<_>>())),
        ]);
        let out = milestones_batch(&batch, date("2016-03-10"), &MilestoneSettings::default(), &MilestoneFrameOptions::default()).unwrap();
        prop_assert_eq!(out.num_rows(), n);
        accounted(&out, "status");
        for i in 0..n {
            if let Some(e) = text(&out, "error", i) {
                prop_assert!(e.contains(&format!("row[{i}]")), "{}", e);
            }
        }
    }
}

#[test]
fn spc_frame_p_chart_reads_a_denominator_column() {
    let batch = batch_of(vec![
        (
            "ward",
            texts(&["A", "A", "A", "B", "B"].map(|s| Some(s.to_string()))),
        ),
        (
            "events",
            Arc::new(Float64Array::from(vec![1.0, 3.0, 2.0, 4.0, 5.0])) as ArrayRef,
        ),
        (
            "cases",
            Arc::new(Float64Array::from(vec![
                Some(10.0),
                Some(20.0),
                Some(10.0),
                Some(8.0),
                None,
            ])) as ArrayRef,
        ),
    ]);
    let options = SpcFrameOptions {
        by: vec!["ward".into()],
        value: "events".into(),
        denominator: Some("cases".into()),
        settings: SpcSettings {
            chart: ChartType::P,
            ..SpcSettings::default()
        },
        ..SpcFrameOptions::default()
    };
    let out = spc_batch(&batch, &options).unwrap();
    let one = spc_chart::<&str>(
        &[dec!(1), dec!(3), dec!(2)],
        Some(&[dec!(10), dec!(20), dec!(10)]),
        None,
        &options.settings,
    )
    .unwrap();
    for (i, p) in one.points.iter().enumerate() {
        assert_eq!(decimal(&out, "value", i), Some(p.value));
        assert_eq!(decimal(&out, "mean", i), Some(dec!(0.15)));
        assert_eq!(
            decimal(&out, "upper_process_limit", i),
            p.upper_process_limit
        );
    }
    // Wider limits for the smaller denominator.
    assert!(decimal(&out, "upper_process_limit", 0) > decimal(&out, "upper_process_limit", 1));
    // A missing denominator is an error row, and its series is not analysed.
    assert_eq!(text(&out, "error_kind", 4).as_deref(), Some("InvalidValue"));
    assert!(text(&out, "error", 4).unwrap().contains("cases"));
    assert!(text(&out, "error", 3).unwrap().contains("row[4]"));
}
