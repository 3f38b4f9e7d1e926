//! Frames of actuals as analysts hand them over (pandas, polars, Arrow): any columns of any
//! Arrow type, any cells, nulls, NaN, decimals of any scale, repeated column names. Either one
//! error for a frame that cannot be read, or one output row per input row, rated or in error
//! (rows in = rows rated + rows reported), the same on one thread or two.
#![no_main]

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Decimal128Builder, Float32Builder, Float64Builder, Int64Builder,
    StringBuilder, StringDictionaryBuilder,
};
use arrow_array::types::Int32Type;
use arrow_array::{Array, ArrayRef, RecordBatch, UInt8Array, UInt64Array};
use arrow_schema::{Field, Schema};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use ragstatus::frame::{
    FrameOptions, RESULT_COLUMNS, TextColumns, evaluate_batch, evaluate_in_pieces,
};

const IDS: [&str; 8] = [
    "SW-01", "SW-05", "LW-03", "LW-07", "AW-03", "XX-99", "", " SW-01",
];
const PERIODS: [&str; 10] = [
    "2015/16 Q1",
    "2015/16 Q2",
    "2015/16 Q3",
    "2014/15 Q3",
    "2015/16",
    "2015/16 M07",
    "2015/16 Q5",
    "Q3 2015/16",
    "bad",
    "",
];
const NUMBERS: [&str; 14] = [
    "45",
    "44.1",
    "-0",
    "1e3",
    "1,000",
    "£46,267",
    "(443)",
    "nan",
    "NA",
    "",
    " ",
    "60%",
    "79228162514264337593543950335",
    "0.0000000000000000000000000001",
];
const FLOATS: [f64; 10] = [
    45.0,
    44.1,
    -0.0,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    1e300,
    5e-324,
    0.1,
    1e15,
];

fn text(u: &mut Unstructured<'_>, rows: usize, pool: &[&str]) -> Result<ArrayRef> {
    let dictionary = u.ratio(1, 4)?;
    let mut cells = Vec::with_capacity(rows);
    for _ in 0..rows {
        cells.push(match u.int_in_range(0..=9u8)? {
            0 => None,
            1 => Some(short_text(u)?),
            _ => Some(u.choose(pool)?.to_string()),
        });
    }
    Ok(if dictionary {
        let mut b = StringDictionaryBuilder::<Int32Type>::new();
        for c in &cells {
            b.append_option(c.as_deref());
        }
        Arc::new(b.finish())
    } else {
        let mut b = StringBuilder::new();
        for c in &cells {
            b.append_option(c.as_deref());
        }
        Arc::new(b.finish())
    })
}

fn number(u: &mut Unstructured<'_>, rows: usize) -> Result<ArrayRef> {
    let null = |u: &mut Unstructured<'_>| u.ratio(1, 8);
    Ok(match u.int_in_range(0..=5u8)? {
        0 => text(u, rows, &NUMBERS)?,
        1 => {
            let mut b = Float64Builder::new();
            for _ in 0..rows {
                if null(u)? {
                    b.append_null();
                } else if u.ratio(1, 3)? {
                    b.append_value(f64::from_bits(u.arbitrary()?));
                } else {
                    b.append_value(*u.choose(&FLOATS)?);
                }
            }
            Arc::new(b.finish())
        }
        2 => {
            let mut b = Float32Builder::new();
            for _ in 0..rows {
                let v = f32::from_bits(u.arbitrary()?);
                if null(u)? {
                    b.append_null()
                } else {
                    b.append_value(v)
                }
            }
            Arc::new(b.finish())
        }
        3 => {
            let mut b = Int64Builder::new();
            for _ in 0..rows {
                let v = *u.choose(&[0i64, 1, 45, -3, i64::MAX, i64::MIN, 1 << 53])?;
                if null(u)? {
                    b.append_null()
                } else {
                    b.append_value(v)
                }
            }
            Arc::new(b.finish())
        }
        4 => {
            // Any scale Arrow allows, and mantissas beyond the declared precision.
            let scale = u.int_in_range(-10..=38i8)?;
            let mut b = Decimal128Builder::new();
            for _ in 0..rows {
                let v = if u.ratio(1, 2)? {
                    u.arbitrary::<i128>()?
                } else {
                    i128::from(u.int_in_range(-100_000..=100_000i32)?)
                };
                if null(u)? {
                    b.append_null()
                } else {
                    b.append_value(v)
                }
            }
            match b.finish().with_precision_and_scale(38, scale) {
                Ok(a) => Arc::new(a),
                Err(_) => Arc::new(Float64Builder::new().finish()),
            }
        }
        _ => {
            let mut b = BooleanBuilder::new();
            for _ in 0..rows {
                let v = u.arbitrary()?;
                if null(u)? {
                    b.append_null()
                } else {
                    b.append_value(v)
                }
            }
            Arc::new(b.finish())
        }
    })
}

fn period(u: &mut Unstructured<'_>, rows: usize) -> Result<ArrayRef> {
    if u.ratio(1, 4)? {
        let mut b = Date32Builder::new();
        for _ in 0..rows {
            let day = if u.ratio(1, 4)? {
                u.arbitrary::<i32>()?
            } else {
                u.int_in_range(15_000..=17_500)?
            };
            if u.ratio(1, 10)? {
                b.append_null()
            } else {
                b.append_value(day)
            }
        }
        Ok(Arc::new(b.finish()))
    } else {
        text(u, rows, &PERIODS)
    }
}

fn frame(u: &mut Unstructured<'_>) -> Result<(RecordBatch, FrameOptions)> {
    let rows = u.int_in_range(0..=40usize)?;
    let mut columns: Vec<(String, ArrayRef)> = Vec::new();
    let keyed = u.arbitrary::<bool>()?;
    if keyed {
        columns.push(("org".into(), text(u, rows, &["A", "B", "C"])?));
    }
    if u.ratio(15, 16)? {
        columns.push(("indicator".into(), text(u, rows, &IDS)?));
    }
    if u.ratio(15, 16)? {
        columns.push(("period".into(), period(u, rows)?));
    }
    for name in ["value", "numerator", "denominator"] {
        if u.ratio(2, 3)? {
            columns.push((name.into(), number(u, rows)?));
        }
    }
    if u.ratio(1, 3)? {
        columns.push(("provisional".into(), number(u, rows)?));
    }
    if u.ratio(1, 4)? {
        columns.push(("note".into(), text(u, rows, &["revised", ""])?));
    }
    if u.ratio(1, 16)? && !columns.is_empty() {
        // A repeated column name, as pandas allows.
        let i = u.choose_index(columns.len())?;
        let again = columns[i].clone();
        columns.push(again);
    }
    let fields: Vec<Field> = columns
        .iter()
        .map(|(n, a)| Field::new(n.as_str(), a.data_type().clone(), true))
        .collect();
    let arrays = columns.into_iter().map(|(_, a)| a).collect();
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|_| libfuzzer_sys::arbitrary::Error::IncorrectFormat)?;
    let options = FrameOptions {
        by: if keyed { vec!["org".into()] } else { vec![] },
        explain: u.arbitrary()?,
        text: if u.arbitrary()? {
            TextColumns::Dictionary
        } else {
            TextColumns::Plain
        },
        threads: 2,
        ..FrameOptions::default()
    };
    Ok((batch, options))
}

/// A short text of any bytes (invalid UTF-8 replaced), for cells no pool foresees.
fn short_text(u: &mut Unstructured<'_>) -> Result<String> {
    let len = u.int_in_range(0..=12usize)?;
    Ok(String::from_utf8_lossy(u.bytes(len)?).into_owned())
}

fuzz_target!(|bytes: &[u8]| {
    let mut u = Unstructured::new(bytes);
    let Ok((batch, options)) = frame(&mut u) else {
        return;
    };
    let defs = ragstatus_fuzz::definitions();
    let Ok(out) = evaluate_batch(defs, &batch, &options) else {
        return;
    };
    let column = |name: &str| {
        out.column_by_name(name)
            .unwrap_or_else(|| panic!("no {name} column"))
            .clone()
    };
    let rows = column("row");
    let rows = rows
        .as_any()
        .downcast_ref::<UInt64Array>()
        .expect("row is UInt64");
    let listed: Vec<u64> = rows.iter().flatten().collect();
    let wanted: Vec<u64> = (0..batch.num_rows() as u64).collect();
    assert_eq!(listed, wanted, "every input row once, in order");
    let status = column("status");
    let error = column("error");
    for i in 0..out.num_rows() {
        assert!(
            status.is_valid(i) != error.is_valid(i),
            "row {i}: a status or an error"
        );
    }
    if let Some(codes) = out.column_by_name("status").and_then(|s| {
        s.as_any()
            .downcast_ref::<arrow_array::DictionaryArray<arrow_array::types::UInt8Type>>()
    }) {
        let keys: &UInt8Array = codes.keys();
        assert!(
            keys.iter().flatten().all(|k| k < 7),
            "status codes in range"
        );
    }
    let single = evaluate_batch(
        defs,
        &batch,
        &FrameOptions {
            threads: 1,
            ..options.clone()
        },
    )
    .expect("the same frame on one thread");
    assert_eq!(single, out, "one thread or two give the same frame");

    // A selection of the columns, in a drawn order, gives each as the full frame has it (the
    // decimal columns always in it, so that a value too large for one is an error row in both).
    let decimal = |name: &str| {
        out.schema()
            .field_with_name(name)
            .is_ok_and(|f| matches!(f.data_type(), arrow_schema::DataType::Decimal128(..)))
    };
    let mut names: Vec<&str> = RESULT_COLUMNS
        .iter()
        .copied()
        .filter(|name| decimal(name) || u.arbitrary::<bool>().unwrap_or(false))
        .collect();
    for i in (1..names.len()).rev() {
        let j = u.int_in_range(0..=i).unwrap_or(0);
        names.swap(i, j);
    }
    // In pieces of whole keys (where the keys come in runs): the same frame, bit for bit.
    let piece_rows = u.int_in_range(1..=4usize).unwrap_or(1);
    let (schema, parts) =
        evaluate_in_pieces(defs, &batch, &options, piece_rows).expect("the same frame in pieces");
    let joined = arrow_select::concat::concat_batches(&schema, &parts).expect("parts join");
    assert_eq!(
        joined, out,
        "pieces of {piece_rows} rows give the same frame"
    );

    let selected = evaluate_batch(
        defs,
        &batch,
        &FrameOptions {
            columns: Some(names.iter().map(|n| n.to_string()).collect()),
            ..options
        },
    )
    .expect("a selection of the same frame's columns");
    assert_eq!(selected.num_rows(), out.num_rows());
    for name in names {
        assert_eq!(
            selected.column_by_name(name),
            out.column_by_name(name),
            "column {name}"
        );
    }
});
