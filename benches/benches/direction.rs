//! Direction of travel over a column: `direction_codes` on 1e6 rows.
// criterion's group macros generate undocumented public functions.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ragstatus::Polarity;
use ragstatus::columnar::direction_codes;
use ragstatus::direction::StableBand;
use ragstatus_benches::{Kpis, column_sizes};
use rust_decimal_macros::dec;

fn direction(c: &mut Criterion) {
    let mut g = c.benchmark_group("direction");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    let n = column_sizes()[0];
    // This period's actuals against last period's (the targets column stands in for them).
    let (now, before) = Kpis::new(n, 11).decimals();
    g.throughput(Throughput::Elements(n as u64));
    for (name, band) in [
        ("absolute", StableBand::Absolute(dec!(0.5))),
        ("relative", StableBand::Relative(dec!(1))),
    ] {
        g.bench_function(BenchmarkId::new(name, n), |b| {
            b.iter(|| direction_codes(Polarity::Higher, black_box(&now), &before, None, band))
        });
    }
    g.finish();
}

criterion_group!(benches, direction);
criterion_main!(benches);
