//! `rate_array`'s float pass on one thread, per vector level, against the memory floor:
//! `cargo run --release -p ragstatus --example float_rate_speed [rows ...]`.
//!
//! The rows are those of `benches/python/bench_array.py`: one decimal place in [0, 100], one in
//! a thousand NaN, rated `higher` against 12.8 with an absolute tolerance of 0.3. The floor is a
//! loop that reads each float and writes one byte (numpy's `x < 50`). 1e6 rows (8 MB) stay in
//! cache, so their figure is the per-row work; 1e7 rows wait on memory. Each figure is the best
//! of the repeats in wall time, and the mean in the calling thread's CPU time.

use std::hint::black_box;
use std::time::Instant;

use ragstatus::columnar::simd::{self, Level};
use ragstatus::columnar::{Actuals, Column, RuleBatch, rate_rule_batch};
use ragstatus::{Decimal, Polarity, Rule, Target, Tolerance};

mod common;

/// The mean CPU time and the best wall time of `repeat` calls, in ns per row. The thread's CPU
/// clock advances in scheduler ticks, too coarse for one call, so it is read around them all.
fn best(rows: usize, repeat: usize, mut f: impl FnMut()) -> (f64, f64) {
    f();
    let mut wall = f64::INFINITY;
    let c0 = common::thread_cpu();
    for _ in 0..repeat {
        let w0 = Instant::now();
        f();
        wall = wall.min(w0.elapsed().as_secs_f64());
    }
    let cpu = (common::thread_cpu() - c0) / repeat as f64;
    let per = |s: f64| s * 1e9 / rows as f64;
    (per(cpu), per(wall))
}

fn main() -> Result<(), ragstatus::Error> {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse::<f64>().ok())
        .map(|x| x as usize)
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000_000, 10_000_000]
    } else {
        sizes
    };
    println!(
        "levels available: {:?}; RAGSTATUS_SIMD caps at {}",
        Level::available(),
        simd::level()
    );
    let rule = Rule::new(Polarity::Higher, Tolerance::absolute(Decimal::new(3, 1))?);
    let target = Some(Target::Value(Decimal::new(128, 1)));
    for n in sizes {
        let mut rng = common::Rng(2015);
        let values: Vec<f64> = (0..n)
            .map(|i| {
                if i % 1000 == 7 {
                    f64::NAN
                } else {
                    (rng.next() * 1000.0).round() / 10.0
                }
            })
            .collect();
        let batch = RuleBatch {
            actuals: Actuals::Floats {
                values: &values,
                nulls: &[],
                decimals: Some(1),
            },
            targets: Column::Shared(target),
            stretches: Column::Shared(None),
            rule: &rule,
        };
        let repeat = (200_000_000 / n).clamp(5, 200);
        let (cpu, wall) = best(n, repeat, || {
            black_box(
                values
                    .iter()
                    .map(|&x| u8::from(x < 50.0))
                    .collect::<Vec<u8>>(),
            );
        });
        println!(
            "{n:>9} rows  floor (read f64, write u8)   cpu {cpu:.3} ns/row  wall {wall:.3} ns/row"
        );
        let expected = rate_rule_batch(&batch, 1)?;
        for level in Level::available() {
            let codes = simd::with_level(level, || rate_rule_batch(&batch, 1))?;
            assert_eq!(codes, expected, "{level}");
            let (cpu, wall) = best(n, repeat, || {
                black_box(simd::with_level(level, || rate_rule_batch(black_box(&batch), 1)).ok());
            });
            println!(
                "{n:>9} rows  rate_rule_batch, {:<8}      cpu {cpu:.3} ns/row  wall {wall:.3} ns/row",
                level.as_str()
            );
        }
    }
    Ok(())
}
