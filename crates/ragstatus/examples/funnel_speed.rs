//! The proportion table of `benches/python/bench_stats.py` through `intervals_batch` and
//! `funnel_batch`, from Rust, for profiling the columnar integer path without the Python layer:
//! `cargo run --release --example funnel_speed -- [what] [areas] [threads] [repeat]`
//! (`what` one of `intervals`, `funnel` or `both`, the default). Denominators are log-uniform
//! from 50 to 200,000 and proportions around 30%, as the bench draws them (normal
//! approximations to its beta and binomial draws). Prints the best wall time and, with one
//! thread, the best CPU time of the calling thread (the steadier figure on a busy machine).

use std::sync::Arc;
use std::time::Instant;

use arrow_array::{Array, ArrayRef, Int64Array, RecordBatch};
use ragstatus::bulk::funnel::{UnitFrameOptions, funnel_batch, intervals_batch};
use ragstatus::funnel::Statistic;

mod common;
use common::{Rng, thread_cpu};

fn frame(areas: usize) -> RecordBatch {
    let mut rng = Rng(11);
    let (low, high) = (50f64.ln(), 200_000f64.ln());
    let (mut xs, mut ns) = (Vec::with_capacity(areas), Vec::with_capacity(areas));
    for _ in 0..areas {
        let n = (low + (high - low) * rng.next()).exp() as i64;
        let p = (0.3 + 0.0456 * rng.normal()).clamp(0.0, 1.0);
        let nf = n as f64;
        let x = (nf * p + (nf * p * (1.0 - p)).sqrt() * rng.normal()).round() as i64;
        xs.push(x.clamp(0, n));
        ns.push(n);
    }
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("numerator", Arc::new(Int64Array::from(xs))),
        ("denominator", Arc::new(Int64Array::from(ns))),
    ];
    RecordBatch::try_from_iter(columns).unwrap_or_else(|e| panic!("{e}"))
}

fn main() -> Result<(), ragstatus::Error> {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "both".into());
    let mut numbers = args.map(|a| a.parse::<usize>().ok());
    let areas = numbers.next().flatten().unwrap_or(1_000_000);
    let threads = numbers.next().flatten().unwrap_or(1);
    let repeat = numbers.next().flatten().unwrap_or(5);
    let batch = frame(areas);
    let options = UnitFrameOptions {
        threads,
        ..UnitFrameOptions::new(Statistic::Proportion)
    };
    let names: Vec<&str> = match what.as_str() {
        "both" => vec!["intervals", "funnel"],
        other => vec![other],
    };
    for name in names {
        let mut best = f64::INFINITY;
        let mut best_cpu = f64::INFINITY;
        for _ in 0..repeat.max(1) {
            let (start, cpu) = (Instant::now(), thread_cpu());
            let out = match name {
                "intervals" => intervals_batch(&batch, &options)?,
                "funnel" => funnel_batch(&batch, &options)?,
                other => panic!("unknown {other:?}: intervals, funnel or both"),
            };
            best = best.min(start.elapsed().as_secs_f64());
            best_cpu = best_cpu.min(thread_cpu() - cpu);
            let errors = out
                .column_by_name("error")
                .map_or(0, |e| e.len() - e.null_count());
            assert_eq!((out.num_rows(), errors), (areas, 0), "{name}");
        }
        println!(
            "{name:9} {areas} areas, threads {threads}: best {best:.3} s, \
             this thread's CPU {best_cpu:.3} s"
        );
    }
    Ok(())
}
