//! Budget roll-up of 1e5 lines over 3 levels (fund, directorate, service).
// criterion's group macros generate undocumented public functions.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ragstatus::budget::{BudgetSettings, roll_up};
use ragstatus_benches::{bench_mode, budget_lines};

fn budget(c: &mut Criterion) {
    let mut g = c.benchmark_group("budget");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(5));
    let n = if bench_mode() { 100_000 } else { 1_000 };
    let lines = budget_lines(n, 3);
    let settings = BudgetSettings::default();
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(BenchmarkId::new("roll_up", n), |b| {
        b.iter(|| roll_up(black_box(&lines), &settings))
    });
    g.finish();
}

criterion_group!(benches, budget);
criterion_main!(benches);
