//! The national frame of `benches/python/bench_frame.py` through the core's frame path, from
//! Rust: `cargo run --release --example frame_speed -- [organisations] [threads] [repeat] [explain] [text]`
//! (`explain` 1, the default, or 0 for [`FrameOptions::explain`] off; `text` 0, the default, for
//! plain text columns or 1 for [`TextColumns::Dictionary`]).
//! Prints the best wall time of `evaluate_parts` (what the Python binding calls: the threads'
//! shares are not joined) and, with one thread, the best CPU time of the calling thread (the
//! steadier figure on a busy machine), for profiling the core without the Python layer.

use std::sync::Arc;
use std::time::Instant;

use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use ragstatus::Definitions;
use ragstatus::frame::{FrameOptions, TextColumns, evaluate_parts};

mod common;
use common::{Rng, thread_cpu};

const INDICATORS: usize = 200;

fn definitions() -> Result<Definitions, ragstatus::Error> {
    let mut toml = String::new();
    for i in 0..INDICATORS {
        if i < INDICATORS / 2 {
            toml.push_str(&format!(
                "[[indicator]]\nid = \"P{i:03}\"\nunit = \"percent\"\npolarity = \"higher\"\n\
                 decimals = 1\ntolerance = {{ absolute = \"2\" }}\n[[indicator.target]]\nvalue = \"80.0\"\n"
            ));
        } else {
            let polarity = if i % 2 == 0 { "higher" } else { "lower" };
            toml.push_str(&format!(
                "[[indicator]]\nid = \"V{i:03}\"\nunit = \"count\"\npolarity = \"{polarity}\"\n\
                 decimals = 1\ntolerance = {{ absolute = \"0.3\" }}\n[[indicator.target]]\nvalue = \"12.8\"\n"
            ));
        }
    }
    Definitions::from_toml_str(&toml)
}

fn national(orgs: usize) -> RecordBatch {
    let quarters: Vec<String> = (2013..2016)
        .flat_map(|y| (1..=4).map(move |q| format!("{y}/{:02} Q{q}", (y + 1) % 100)))
        .collect();
    let mut rng = Rng(11);
    let (mut org, mut ind, mut period) = (vec![], vec![], vec![]);
    let (mut value, mut num, mut den) = (vec![], vec![], vec![]);
    for o in 0..orgs {
        for i in 0..INDICATORS {
            let id = if i < INDICATORS / 2 {
                format!("P{i:03}")
            } else {
                format!("V{i:03}")
            };
            for q in &quarters {
                org.push(format!("E{o:06}"));
                ind.push(id.clone());
                period.push(q.clone());
                let missing = rng.next() < 0.01;
                let d = (20.0 + 380.0 * rng.next()).floor();
                let n = (d * (0.7 + 0.25 * rng.next())).floor();
                let v = (115.0 + 25.0 * rng.next()).round() / 10.0;
                let fraction = i < INDICATORS / 2;
                value.push((!fraction && !missing).then_some(v));
                num.push((fraction && !missing).then_some(n));
                den.push((fraction && !missing).then_some(d));
            }
        }
    }
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("organisation", Arc::new(StringArray::from(org))),
        ("indicator", Arc::new(StringArray::from(ind))),
        ("period", Arc::new(StringArray::from(period))),
        ("value", Arc::new(Float64Array::from(value))),
        ("numerator", Arc::new(Float64Array::from(num))),
        ("denominator", Arc::new(Float64Array::from(den))),
    ];
    RecordBatch::try_from_iter(columns).unwrap_or_else(|e| panic!("{e}"))
}

fn main() -> Result<(), ragstatus::Error> {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>().ok());
    let orgs = args.next().flatten().unwrap_or(300);
    let threads = args.next().flatten().unwrap_or(0);
    let repeat = args.next().flatten().unwrap_or(3);
    let explain = args.next().flatten().unwrap_or(1) != 0;
    let text = match args.next().flatten().unwrap_or(0) {
        0 => TextColumns::Plain,
        _ => TextColumns::Dictionary,
    };
    let defs = definitions()?;
    let batch = national(orgs);
    let options = FrameOptions {
        by: vec!["organisation".into()],
        threads,
        explain,
        text,
        ..FrameOptions::default()
    };
    let mut best = f64::INFINITY;
    let mut best_cpu = f64::INFINITY;
    for _ in 0..repeat.max(1) {
        let (start, cpu) = (Instant::now(), thread_cpu());
        let (_, parts) = evaluate_parts(&defs, &batch, &options)?;
        best = best.min(start.elapsed().as_secs_f64());
        best_cpu = best_cpu.min(thread_cpu() - cpu);
        let rows: usize = parts.iter().map(RecordBatch::num_rows).sum();
        assert_eq!(rows, batch.num_rows());
    }
    println!(
        "{} rows, threads {threads}, explain {explain}, text {text:?}: best {best:.3} s ({:.2} µs/row), \
         this thread's CPU {best_cpu:.3} s",
        batch.num_rows(),
        best / batch.num_rows() as f64 * 1e6
    );
    Ok(())
}
