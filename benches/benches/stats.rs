//! Confidence intervals and funnel plots over a batch of areas (SPEC §8a, §8b): the bulk
//! functions behind `interval_frame` and `funnel_frame`, 1e6 areas, one thread and the machine's.
// criterion's group macros generate undocumented public functions.
#![allow(missing_docs)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use arrow_array::{ArrayRef, Int64Array, RecordBatch};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ragstatus::bulk::funnel::{UnitFrameOptions, funnel_batch, intervals_batch};
use ragstatus::funnel::Statistic;
use ragstatus_benches::bench_mode;

/// `n` areas: denominators log-uniform over about three decades, numerators near `share` of
/// them, from a fixed linear congruential sequence.
fn areas(n: usize, low: f64, high: f64, share: f64) -> RecordBatch {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let (mut xs, mut ns) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        let d = (low.ln() + next() * (high / low).ln())
            .exp()
            .round()
            .max(1.0);
        let x = (d * share * (0.7 + 0.6 * next())).round().min(d);
        xs.push(x as i64);
        ns.push(d as i64);
    }
    let x: ArrayRef = Arc::new(Int64Array::from(xs));
    let d: ArrayRef = Arc::new(Int64Array::from(ns));
    RecordBatch::try_from_iter([("numerator", x), ("denominator", d)]).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    })
}

fn stats(c: &mut Criterion) {
    let mut g = c.benchmark_group("stats");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(5));
    let n = if bench_mode() { 1_000_000 } else { 10_000 };
    let proportions = areas(n, 50.0, 200_000.0, 0.3);
    let rates = areas(n, 500.0, 500_000.0, 0.0055);
    g.throughput(Throughput::Elements(n as u64));
    for threads in [1, 0] {
        for (statistic, batch) in [
            (Statistic::Proportion, &proportions),
            (Statistic::Rate, &rates),
        ] {
            let options = UnitFrameOptions {
                threads,
                ..UnitFrameOptions::new(statistic)
            };
            let id = format!("{statistic}/threads={threads}");
            g.bench_function(BenchmarkId::new("intervals_batch", &id), |b| {
                b.iter(|| intervals_batch(black_box(batch), &options))
            });
            g.bench_function(BenchmarkId::new("funnel_batch", &id), |b| {
                b.iter(|| funnel_batch(black_box(batch), &options))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, stats);
criterion_main!(benches);
