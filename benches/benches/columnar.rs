//! Columnar RAG: the scaled-integer path on 1e6 and 1e7 rows with 1 and 2 threads, the
//! Decimal path for comparison, and the exact f64 converter; the one-thread kernels at every
//! SIMD level the machine has (`level=baseline` is the build's own SSE2 code).
// criterion's group macros generate undocumented public functions.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use ragstatus::columnar::simd::{self, Level};
use ragstatus::columnar::{
    Batch, ScaledBatch, rate_codes_parallel, rate_scaled_parallel_into, scale_f64_into,
};
use ragstatus::{Polarity, Tolerance};
use ragstatus_benches::{Kpis, column_sizes};
use rust_decimal_macros::dec;

fn scaled(c: &mut Criterion) {
    let mut g = c.benchmark_group("columnar_scaled");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for n in column_sizes() {
        let k = Kpis::new(n, 7);
        let mut out = vec![0u8; n];
        g.throughput(Throughput::Elements(n as u64));
        for (name, tolerance) in [
            ("absolute", Tolerance::Absolute(dec!(2))),
            ("relative", Tolerance::Relative(dec!(5))),
        ] {
            let batch = ScaledBatch::new(&k.actuals, &k.targets, 2, Polarity::Higher, tolerance)
                .with_validity(Some(&k.actual_valid), Some(&k.target_valid));
            for threads in [1, 2] {
                let id = BenchmarkId::new(format!("{name}/threads={threads}"), n);
                g.bench_function(id, |b| {
                    b.iter(|| rate_scaled_parallel_into(black_box(&batch), &mut out, threads))
                });
            }
            for level in Level::available() {
                let id = BenchmarkId::new(format!("{name}/threads=1/level={level}"), n);
                g.bench_function(id, |b| {
                    b.iter(|| {
                        simd::with_level(level, || {
                            rate_scaled_parallel_into(black_box(&batch), &mut out, 1)
                        })
                    })
                });
            }
        }
        // The memory floor for the same columns: read every input once, write one byte per row,
        // decide nothing. The ratio to it shows how much of the time is the rule itself.
        for threads in [1, 2] {
            let id = BenchmarkId::new(format!("memory_floor/threads={threads}"), n);
            g.bench_function(id, |b| {
                b.iter(|| touch_parallel(black_box(&k), &mut out, threads))
            });
        }
    }
    g.finish();
}

fn touch(k: &Kpis, out: &mut [u8], start: usize) {
    let n = out.len();
    let rows = k.actuals[start..start + n]
        .iter()
        .zip(&k.targets[start..start + n]);
    let masks = k.actual_valid[start..start + n]
        .iter()
        .zip(&k.target_valid[start..start + n]);
    for ((slot, (&a, &t)), (&ha, &ht)) in out.iter_mut().zip(rows).zip(masks) {
        *slot = (a ^ t) as u8 ^ u8::from(ha) ^ u8::from(ht);
    }
}

/// [`touch`] split over scoped threads the way `rate_scaled_parallel_into` splits.
fn touch_parallel(k: &Kpis, out: &mut [u8], threads: usize) {
    let chunk = out.len().div_ceil(threads);
    std::thread::scope(|scope| {
        for (i, part) in out.chunks_mut(chunk).enumerate() {
            scope.spawn(move || touch(k, part, i * chunk));
        }
    });
}

fn decimal(c: &mut Criterion) {
    let mut g = c.benchmark_group("columnar_decimal");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    // The Decimal path is an order of magnitude slower: 1e6 rows show its rate.
    let n = column_sizes()[0];
    let (actuals, targets) = Kpis::new(n, 7).decimals();
    let batch = Batch::new(
        &actuals,
        &targets,
        Polarity::Higher,
        Tolerance::Absolute(dec!(2)),
    );
    g.throughput(Throughput::Elements(n as u64));
    for threads in [1, 2] {
        let id = BenchmarkId::new(format!("absolute/threads={threads}"), n);
        g.bench_function(id, |b| {
            b.iter(|| rate_codes_parallel(black_box(&batch), threads))
        });
    }
    g.finish();
}

fn from_f64(c: &mut Criterion) {
    let mut g = c.benchmark_group("scale_f64");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for n in column_sizes() {
        let values = Kpis::new(n, 7).actuals_f64();
        let mut out = vec![0i64; n];
        let mut valid = vec![false; n];
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::new("decimals=2", n), |b| {
            b.iter(|| scale_f64_into(black_box(&values), 2, &mut out, &mut valid))
        });
        for level in Level::available() {
            let id = BenchmarkId::new(format!("decimals=2/level={level}"), n);
            g.bench_function(id, |b| {
                b.iter(|| {
                    simd::with_level(level, || {
                        scale_f64_into(black_box(&values), 2, &mut out, &mut valid)
                    })
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, scaled, decimal, from_f64);

fn main() {
    println!("{}", ragstatus_benches::machine());
    benches();
    Criterion::default().configure_from_args().final_summary();
}
