//! SPC frames (`spc_batch`) of any chart type: any values and denominators (nulls, NaN,
//! negatives, zeros, huge), any order column (none, whole numbers, dates, repeats), fixed
//! baselines and rebases, rules switched on and off. Either one error or one output row per
//! input row; the same on one thread or two; and without the sentences (`explain: false`, the
//! lean path) every other column exactly as with them.
#![no_main]

use std::sync::Arc;

use arrow_array::builder::{
    Date32Builder, Decimal128Builder, Float64Builder, Int64Builder, StringBuilder,
};
use arrow_array::{Array, ArrayRef, RecordBatch, UInt64Array};
use arrow_schema::{Field, Schema};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use ragstatus::bulk::spc::{SpcFrameOptions, spc_batch};
use ragstatus::spc::{ChartType, Improvement};

fn count(u: &mut Unstructured<'_>, high: i64) -> Result<Option<i64>> {
    Ok(match u.int_in_range(0..=19u8)? {
        0 => None,
        1 => Some(*u.choose(&[-1, 0, 1 << 53, i64::MAX, i64::MIN])?),
        _ => Some(u.int_in_range(0..=high)?),
    })
}

fn column(u: &mut Unstructured<'_>, cells: &[Option<i64>]) -> Result<ArrayRef> {
    Ok(match u.int_in_range(0..=3u8)? {
        0 => {
            let mut b = Float64Builder::new();
            for c in cells {
                match c {
                    Some(_) if u.ratio(1, 30)? => {
                        b.append_value(*u.choose(&[f64::NAN, 0.5, -0.0, 1e300])?)
                    }
                    Some(v) => b.append_value(*v as f64 / if u.ratio(1, 4)? { 10.0 } else { 1.0 }),
                    None => b.append_null(),
                }
            }
            Arc::new(b.finish())
        }
        1 => {
            let scale = u.int_in_range(0..=4i8)?;
            let mut b = Decimal128Builder::new();
            for c in cells {
                b.append_option(c.map(i128::from));
            }
            match b.finish().with_precision_and_scale(38, scale) {
                Ok(a) => Arc::new(a),
                Err(_) => Arc::new(Int64Builder::new().finish()),
            }
        }
        _ => {
            let mut b = Int64Builder::new();
            for c in cells {
                b.append_option(*c);
            }
            Arc::new(b.finish())
        }
    })
}

fn frame(u: &mut Unstructured<'_>) -> Result<(RecordBatch, SpcFrameOptions)> {
    let chart = *u.choose(&ChartType::ALL)?;
    let series = u.int_in_range(1..=3usize)?;
    let mut keys = Vec::new();
    let mut values = Vec::new();
    let mut denominators = Vec::new();
    let mut order = Vec::new();
    for s in 0..series {
        let points = u.int_in_range(0..=40usize)?;
        for p in 0..points {
            keys.push(if u.ratio(1, 60)? {
                None
            } else {
                Some(["A", "B", "C"][s])
            });
            values.push(count(u, 60)?);
            denominators.push(count(u, 200)?);
            order.push(if u.ratio(1, 40)? { 0 } else { p as i64 * 31 });
        }
    }
    let rows = keys.len();
    let mut k = StringBuilder::new();
    for key in &keys {
        k.append_option(*key);
    }
    let mut columns: Vec<(&str, ArrayRef)> = vec![
        ("series", Arc::new(k.finish())),
        ("value", column(u, &values)?),
    ];
    let denominator = chart.takes_denominators() || u.ratio(1, 10)?;
    if denominator {
        columns.push(("denominator", column(u, &denominators)?));
    }
    let period = match u.int_in_range(0..=2u8)? {
        0 => None,
        1 => {
            let mut b = Int64Builder::new();
            for o in &order {
                b.append_value(*o);
            }
            columns.push(("period", Arc::new(b.finish())));
            Some("period".to_string())
        }
        _ => {
            let mut b = Date32Builder::new();
            for o in &order {
                b.append_value(16_000 + *o as i32);
            }
            columns.push(("period", Arc::new(b.finish())));
            Some("period".to_string())
        }
    };
    let fields: Vec<Field> = columns
        .iter()
        .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
        .collect();
    let batch = RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .map_err(|_| libfuzzer_sys::arbitrary::Error::IncorrectFormat)?;
    debug_assert_eq!(batch.num_rows(), rows);
    let mut options = SpcFrameOptions {
        by: vec!["series".into()],
        period,
        denominator: denominator.then(|| "denominator".to_string()),
        threads: 2,
        ..SpcFrameOptions::default()
    };
    let settings = &mut options.settings;
    settings.chart = chart;
    settings.improvement = *u.choose(&[
        Improvement::Increase,
        Improvement::Decrease,
        Improvement::Neutral,
    ])?;
    if u.ratio(1, 4)? {
        settings.fix_after = Some(u.int_in_range(10..=20)?);
    }
    if u.ratio(1, 4)? {
        settings.rebase_at = vec![u.int_in_range(0..=30)?];
    }
    if u.ratio(1, 4)? {
        settings.target = Some(rust_decimal::Decimal::from(u.int_in_range(-5..=80i64)?));
    }
    settings.screen_outliers = u.arbitrary()?;
    settings.shift_rule = u.ratio(3, 4)?;
    settings.trend_rule = u.ratio(3, 4)?;
    settings.two_of_three_rule = u.ratio(3, 4)?;
    settings.two_of_three_counts_outside = u.arbitrary()?;
    Ok((batch, options))
}

fuzz_target!(|bytes: &[u8]| {
    let mut u = Unstructured::new(bytes);
    let Ok((batch, options)) = frame(&mut u) else {
        return;
    };
    let full = spc_batch(&batch, &options);
    let one = spc_batch(
        &batch,
        &SpcFrameOptions {
            threads: 1,
            ..options.clone()
        },
    );
    let lean = spc_batch(
        &batch,
        &SpcFrameOptions {
            explain: false,
            ..options.clone()
        },
    );
    let (full, one, lean) = match (full, one, lean) {
        (Ok(f), Ok(o), Ok(l)) => (f, o, l),
        (f, o, l) => {
            let text = |r: ragstatus::Result<RecordBatch>| r.err().map(|e| e.to_string());
            let f = text(f);
            assert!(f.is_some(), "an error on one path only");
            assert_eq!(f, text(o), "one thread or two");
            assert_eq!(f, text(l), "with or without the sentences");
            return;
        }
    };
    assert_eq!(full, one, "one thread or two give the same frame");
    let rows = full.column_by_name("row").and_then(|c| {
        c.as_any()
            .downcast_ref::<UInt64Array>()
            .map(|a| a.iter().flatten().collect::<Vec<_>>())
    });
    assert_eq!(
        rows,
        Some((0..batch.num_rows() as u64).collect()),
        "every input row once"
    );
    assert_eq!(full.schema(), lean.schema());
    for (k, field) in full.schema().fields().iter().enumerate() {
        let (f, l) = (full.column(k), lean.column(k));
        if field.name() == "explanation" {
            assert_eq!(l.null_count(), l.len(), "no sentences without them");
        } else {
            assert_eq!(
                f.to_data(),
                l.to_data(),
                "column {} the same without the sentences",
                field.name()
            );
        }
    }
});
