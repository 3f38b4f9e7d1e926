//! Funnel plots and confidence intervals over frames of counts: any numerators and
//! denominators (nulls, zeros, negatives, beyond 2⁵³), any statistic, multiplier, centre and
//! overdispersion setting. Whole-number columns take the columnar integer path and decimal
//! columns the exact one: both must give the same frame, cell for cell (or the same error), on
//! one thread or two, with every input row once.
#![no_main]

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, Decimal128Array, Int64Array, RecordBatch, UInt64Array};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use ragstatus::bulk::funnel::{UnitFrameOptions, funnel_batch, intervals_batch};
use ragstatus::comparison::Preference;
use ragstatus::funnel::{Overdispersion, Statistic};
use rust_decimal::Decimal;

const EDGES: [i64; 9] = [0, 1, -1, 9, 10, 1 << 53, (1 << 53) + 1, i64::MAX, i64::MIN];

fn count(u: &mut Unstructured<'_>) -> Result<Option<i64>> {
    Ok(match u.int_in_range(0..=15u8)? {
        0 => None,
        1 => Some(*u.choose(&EDGES)?),
        2 => Some(u.arbitrary()?),
        3..=6 => Some(u.int_in_range(0..=20)?),
        _ => Some(u.int_in_range(0..=500_000)?),
    })
}

/// A row's numerator and denominator.
type Cells = (Option<i64>, Option<i64>);

/// One of a row's two cells.
type Cell = fn(&Cells) -> Option<i64>;

fn batches(cells: &[Cells]) -> Option<[RecordBatch; 2]> {
    let ints = |f: Cell| -> ArrayRef {
        Arc::new(Int64Array::from(cells.iter().map(f).collect::<Vec<_>>()))
    };
    let decimals = |f: Cell| -> Option<ArrayRef> {
        let values: Vec<Option<i128>> = cells.iter().map(|c| f(c).map(i128::from)).collect();
        let array = Decimal128Array::from(values)
            .with_precision_and_scale(38, 0)
            .ok()?;
        Some(Arc::new(array))
    };
    Some([
        RecordBatch::try_from_iter([("numerator", ints(|c| c.0)), ("denominator", ints(|c| c.1))])
            .ok()?,
        RecordBatch::try_from_iter([
            ("numerator", decimals(|c| c.0)?),
            ("denominator", decimals(|c| c.1)?),
        ])
        .ok()?,
    ])
}

fn options(u: &mut Unstructured<'_>) -> Result<UnitFrameOptions> {
    let statistic = *u.choose(&[Statistic::Proportion, Statistic::Rate, Statistic::Ratio])?;
    let mut options = UnitFrameOptions::new(statistic);
    if u.ratio(1, 3)? {
        options.settings.multiplier = *u.choose(&[
            Decimal::ONE,
            Decimal::ONE_HUNDRED,
            Decimal::new(1000, 1),
            Decimal::new(25, 1),
            Decimal::from(100_000),
            Decimal::from(4_294_967_296i64),
            Decimal::new(1, 28),
            Decimal::MAX,
        ])?;
    }
    if u.ratio(1, 3)? {
        options.settings.centre = Some(Decimal::new(
            u.int_in_range(-10..=2_000_000)?,
            u.int_in_range(0..=6)?,
        ));
    }
    if u.ratio(1, 4)? {
        options.settings.overdispersion = Some(Overdispersion::default());
    }
    options.settings.preference =
        *u.choose(&[Preference::Higher, Preference::Lower, Preference::None])?;
    Ok(options)
}

fn every_row_once(out: &RecordBatch, rows: usize) {
    let listed = out.column_by_name("row").and_then(|c| {
        c.as_any()
            .downcast_ref::<UInt64Array>()
            .map(|a| a.iter().flatten().collect::<Vec<_>>())
    });
    assert_eq!(
        listed,
        Some((0..rows as u64).collect()),
        "every input row once, in order"
    );
}

fuzz_target!(|bytes: &[u8]| {
    let mut u = Unstructured::new(bytes);
    let Ok(mut options) = options(&mut u) else {
        return;
    };
    // Past one block of 256 rows now and then: the integer path works in blocks.
    let rows = if u.ratio(1, 8).unwrap_or(false) {
        300
    } else {
        40
    };
    let mut cells = Vec::new();
    while cells.len() < rows {
        match (count(&mut u), count(&mut u)) {
            (Ok(x), Ok(n)) => cells.push((x, n)),
            _ => break,
        }
    }
    let Some([ints, decimals]) = batches(&cells) else {
        return;
    };
    for run in [funnel_batch, intervals_batch] {
        options.threads = 2;
        let two = run(&ints, &options);
        options.threads = 1;
        let one = run(&ints, &options);
        let exact = run(&decimals, &options);
        match (&two, &one, &exact) {
            (Ok(a), Ok(b), Ok(c)) => {
                every_row_once(a, cells.len());
                assert_eq!(a, b, "one thread or two");
                assert_eq!(a, c, "integer columns give the exact path's frame");
            }
            _ => {
                let text =
                    |r: &ragstatus::Result<RecordBatch>| r.as_ref().err().map(ToString::to_string);
                assert_eq!(text(&two), text(&exact));
                assert_eq!(text(&one), text(&exact));
            }
        }
    }
});
