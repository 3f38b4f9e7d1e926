//! Rough timings of the rating paths: `cargo run --release --example rating_speed`.

use std::hint::black_box;
use std::time::Instant;

use ragstatus::columnar::{Batch, rate_codes, rate_codes_parallel};
use ragstatus::{Decimal, Polarity, Rule, Target, Tolerance, Unit, rate, rate_status};

fn per_call(label: &str, iterations: u32, mut f: impl FnMut(u32)) {
    let start = Instant::now();
    for i in 0..iterations {
        f(i);
    }
    let ns = start.elapsed().as_nanos() as f64 / f64::from(iterations);
    println!("{label:<44} {ns:>10.1} ns");
}

fn main() -> Result<(), ragstatus::Error> {
    let rule = Rule::new(Polarity::Higher, Tolerance::absolute(Decimal::new(20, 1))?);
    let target = Target::Value(Decimal::new(450, 1));
    let actuals: Vec<Decimal> = (0..1024).map(|i| Decimal::new(400 + i % 100, 1)).collect();
    let pick = |i: u32| actuals[(i as usize) % actuals.len()];

    per_call("rate_status (standard rule)", 2_000_000, |i| {
        black_box(rate_status(Some(pick(i)), Some(&target), None, black_box(&rule)).ok());
    });
    per_call("rate (Rating, no sentence)", 1_000_000, |i| {
        black_box(rate(Some(pick(i)), Some(&target), None, black_box(&rule)).ok());
    });
    per_call("rate + sentence", 200_000, |i| {
        black_box(
            rate(Some(pick(i)), Some(&target), None, &rule)
                .map(|r| r.explained(&Unit::Percent, Some(1))),
        )
        .ok();
    });

    // A block that stays in cache, rated many times: the per-row cost without memory traffic.
    let small_a: Vec<Option<Decimal>> =
        (0..1024).map(|i| Some(Decimal::new(i % 2000, 1))).collect();
    let small_t: Vec<Option<Decimal>> = vec![Some(Decimal::new(1000, 1)); 1024];
    let batch = Batch::new(
        &small_a,
        &small_t,
        Polarity::Higher,
        Tolerance::Absolute(Decimal::new(25, 1)),
    );
    per_call("columnar in-cache block of 1024 rows", 2_000, |_| {
        black_box(rate_codes(black_box(&batch)).ok());
    });

    let n = 1_000_000usize;
    let a: Vec<Option<Decimal>> = (0..n)
        .map(|i| (i % 50 != 0).then(|| Decimal::new((i % 2000) as i64, 1)))
        .collect();
    let t: Vec<Option<Decimal>> = (0..n)
        .map(|i| Some(Decimal::new(1000 + (i % 7) as i64, 1)))
        .collect();
    for (label, tol) in [
        ("absolute", Tolerance::Absolute(Decimal::new(25, 1))),
        ("relative", Tolerance::Relative(Decimal::new(5, 0))),
        (
            "floor (Decimal path)",
            Tolerance::Floor(Decimal::new(500, 1)),
        ),
    ] {
        let batch = Batch::new(&a, &t, Polarity::Higher, tol);
        let start = Instant::now();
        black_box(rate_codes(&batch)?);
        let serial = start.elapsed().as_nanos() as f64 / n as f64;
        let start = Instant::now();
        black_box(rate_codes_parallel(&batch, 2)?);
        let parallel = start.elapsed().as_nanos() as f64 / n as f64;
        println!("columnar {label:<24} {serial:>8.2} ns/row, 2 threads {parallel:>8.2} ns/row");
    }
    Ok(())
}
