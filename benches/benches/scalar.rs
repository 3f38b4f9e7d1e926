//! Scalar rating: `rate_status`, `rate` without the sentence, and `rate` with the sentence.
// criterion's group macros generate undocumented public functions.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ragstatus::{Decimal, Polarity, Rule, Target, Tolerance, Unit, rate, rate_status};
use rust_decimal_macros::dec;

fn scalar(c: &mut Criterion) {
    let mut g = c.benchmark_group("scalar");
    let target = Target::Value(dec!(45.0));
    let cases: [(&str, Rule, Decimal); 3] = [
        (
            "absolute",
            Rule::new(Polarity::Higher, Tolerance::Absolute(dec!(2))),
            dec!(44.1),
        ),
        (
            "relative",
            Rule::new(Polarity::Higher, Tolerance::Relative(dec!(5))),
            dec!(44.1),
        ),
        (
            "none_met",
            Rule::new(Polarity::Lower, Tolerance::None),
            dec!(44.1),
        ),
    ];
    for (name, rule, actual) in &cases {
        g.bench_function(format!("rate_status/{name}"), |b| {
            b.iter(|| {
                rate_status(
                    black_box(Some(*actual)),
                    black_box(Some(&target)),
                    None,
                    black_box(rule),
                )
            })
        });
        g.bench_function(format!("rate/{name}"), |b| {
            b.iter(|| {
                rate(
                    black_box(Some(*actual)),
                    black_box(Some(&target)),
                    None,
                    black_box(rule),
                )
            })
        });
        g.bench_function(format!("rate_explained/{name}"), |b| {
            b.iter(|| {
                rate(
                    black_box(Some(*actual)),
                    black_box(Some(&target)),
                    None,
                    black_box(rule),
                )
                .map(|r| r.explained(&Unit::Percent, Some(1)))
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    targets = scalar
}
criterion_main!(benches);
