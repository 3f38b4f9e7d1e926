//! Period label parsing, over a mix of the accepted label forms.
// criterion's group macros generate undocumented public functions.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ragstatus::FiscalCalendar;
use ragstatus_benches::period_labels;

fn period(c: &mut Criterion) {
    let mut g = c.benchmark_group("period");
    g.sample_size(30)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    let labels = period_labels();
    let calendar = FiscalCalendar::default();
    g.throughput(Throughput::Elements(labels.len() as u64));
    g.bench_function("parse_mix", |b| {
        b.iter(|| {
            labels
                .iter()
                .map(|l| calendar.parse(black_box(l)).is_ok())
                .filter(|ok| *ok)
                .count()
        })
    });
    g.bench_function("label", |b| {
        let p = calendar.parse("2015/16 Q3");
        b.iter(|| black_box(&p).as_ref().map(|p| p.label()))
    });
    g.finish();
}

criterion_group!(benches, period);
criterion_main!(benches);
