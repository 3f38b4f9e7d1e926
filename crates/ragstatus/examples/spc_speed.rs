//! The frame of `benches/python/bench_spc_family.py` through `spc_batch`, from Rust, for
//! profiling the bulk SPC path without the Python layer:
//! `cargo run --release --example spc_speed -- [chart] [series] [threads] [repeat] [explain]`
//! (`chart` one of `xmr`, `run`, `p`, `p_prime`, `u`, `u_prime`, `c`, `g`, `t`, or `all`;
//! `explain` 1, the default, or 0 for `SpcFrameOptions::explain` off). Each series has 36
//! monthly points. Prints the best wall time and, with one thread, the best CPU time of the
//! calling thread (the steadier figure on a busy machine).

use std::sync::Arc;
use std::time::Instant;

use arrow_array::TimestampNanosecondArray;
use arrow_array::{Array, ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use ragstatus::bulk::spc::{SpcFrameOptions, spc_batch};
use ragstatus::spc::{ChartType, SpcSettings};

mod common;
use common::{Rng, thread_cpu};

const POINTS: usize = 36;

fn chart_of(name: &str) -> ChartType {
    serde_json::from_value(serde_json::Value::String(name.into()))
        .unwrap_or_else(|e| panic!("chart {name:?}: {e}"))
}

fn frame(chart: ChartType, series: usize) -> RecordBatch {
    let mut rng = Rng(11);
    let (mut keys, mut months) = (Vec::new(), Vec::new());
    let (mut floats, mut counts, mut dens) = (Vec::new(), Vec::new(), Vec::new());
    // 2015-04-01 and the first day of each month after it, in nanoseconds.
    let month_start = |k: usize| {
        let (y, m) = (2015 + (3 + k) / 12, (3 + k) % 12 + 1);
        let d = chrono::NaiveDate::from_ymd_opt(y as i32, m as u32, 1).unwrap_or_default();
        d.and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
            .timestamp_nanos_opt()
            .unwrap_or_default()
    };
    for s in 0..series {
        for k in 0..POINTS {
            keys.push(format!("S{s:05}"));
            months.push(month_start(k));
            match chart {
                ChartType::P | ChartType::PPrime => {
                    let d = 80 + (rng.next() * 320.0) as i64;
                    let p = 0.2 + 0.04 * rng.normal();
                    dens.push(d);
                    counts.push(((d as f64 * p).round() as i64).clamp(0, d));
                }
                ChartType::U | ChartType::UPrime => {
                    let d = 1000 + (rng.next() * 4000.0) as i64;
                    let mean = d as f64 * 0.01;
                    dens.push(d);
                    counts.push((mean + mean.sqrt() * rng.normal()).round().max(0.0) as i64);
                }
                ChartType::C => counts.push((12.0 + 3.5 * rng.normal()).round().max(0.0) as i64),
                ChartType::G => counts.push((-(1.0 - rng.next()).ln() / 0.05).floor() as i64),
                ChartType::T => {
                    floats.push(((-(1.0 - rng.next()).ln() * 20.0 + 0.1) * 10.0).round() / 10.0)
                }
                ChartType::Xmr | ChartType::Run => {
                    floats.push(((50.0 + 3.0 * rng.normal()) * 10.0).round() / 10.0)
                }
            }
        }
    }
    let value: ArrayRef = if floats.is_empty() {
        Arc::new(Int64Array::from(counts))
    } else {
        Arc::new(Float64Array::from(floats))
    };
    let mut columns: Vec<(&str, ArrayRef)> = vec![
        ("series", Arc::new(StringArray::from(keys))),
        ("month", Arc::new(TimestampNanosecondArray::from(months))),
        ("value", value),
    ];
    if !dens.is_empty() {
        columns.push(("n", Arc::new(Int64Array::from(dens))));
    }
    RecordBatch::try_from_iter(columns).unwrap_or_else(|e| panic!("{e}"))
}

fn main() -> Result<(), ragstatus::Error> {
    let mut args = std::env::args().skip(1);
    let chart = args.next().unwrap_or_else(|| "xmr".into());
    let mut numbers = args.map(|a| a.parse::<usize>().ok());
    let series = numbers.next().flatten().unwrap_or(5000);
    let threads = numbers.next().flatten().unwrap_or(0);
    let repeat = numbers.next().flatten().unwrap_or(3);
    let explain = numbers.next().flatten().unwrap_or(1) != 0;
    let charts: Vec<String> = if chart == "all" {
        ["xmr", "run", "p", "p_prime", "u", "u_prime", "c", "g", "t"]
            .map(String::from)
            .to_vec()
    } else {
        vec![chart]
    };
    for name in charts {
        let chart = chart_of(&name);
        let batch = frame(chart, series);
        let options = SpcFrameOptions {
            by: vec!["series".into()],
            period: Some("month".into()),
            denominator: chart.takes_denominators().then(|| "n".into()),
            settings: SpcSettings {
                chart,
                ..SpcSettings::default()
            },
            threads,
            explain,
            ..SpcFrameOptions::default()
        };
        let mut best = f64::INFINITY;
        let mut best_cpu = f64::INFINITY;
        for _ in 0..repeat.max(1) {
            let (start, cpu) = (Instant::now(), thread_cpu());
            let out = spc_batch(&batch, &options)?;
            best = best.min(start.elapsed().as_secs_f64());
            best_cpu = best_cpu.min(thread_cpu() - cpu);
            let errors = out
                .column_by_name("error")
                .map_or(0, |e| e.len() - e.null_count());
            assert_eq!((out.num_rows(), errors), (batch.num_rows(), 0), "{name}");
        }
        println!(
            "{name:8} {} rows, threads {threads}, explain {explain}: best {best:.3} s, \
             this thread's CPU {best_cpu:.3} s",
            batch.num_rows()
        );
    }
    Ok(())
}
