//! `ragstatus evaluate` streams: peak memory stays flat however large the actuals file is.
//!
//! Generates definitions for 250 quarterly indicators and an actuals file of 250 × 4,000
//! quarters = 1,000,000 rows (about 30 MB, in period order as files grow quarter by quarter),
//! runs the release binary over it with output to /dev/null, and samples the child's peak
//! resident set size (`VmHWM` in `/proc/<pid>/status`, Linux only) until it exits. It does the
//! same for one quarter (the baseline: the program and the definitions) and for a file a tenth
//! the size, to show that memory does not grow with the input.
//!
//! `cargo bench -p ragstatus-cli --bench evaluate_memory`. Figures are recorded in
//! `benches/README.md` at the repository root. This is a measurement, not a timed test: it
//! fails only if the peak above the one-quarter baseline is not well under the input size, or
//! if it grows from 1e5 to 1e6 rows.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const INDICATORS: usize = 250;

fn write_definitions(path: &Path) {
    let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "[calendar]\nstart_month = 4\n").unwrap();
    for i in 0..INDICATORS {
        writeln!(
            out,
            "[[indicator]]\nid = \"PI-{i:04}\"\nname = \"Indicator {i}\"\ngroup = [\"Theme {}\", \"Directorate {}\"]\nunit = \"percent\"\npolarity = \"{}\"\nfrequency = \"quarterly\"\ndecimals = 1\naggregation = \"ratio\"\ntolerance = {{ absolute = \"2\" }}\n\n[[indicator.target]]\nvalue = \"80\"\n",
            i % 3,
            i % 7,
            if i % 2 == 0 { "higher" } else { "lower" }
        )
        .unwrap();
    }
}

fn write_actuals(path: &Path, quarters: usize) -> u64 {
    let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(
        out,
        "indicator,period,value,numerator,denominator,provisional,note"
    )
    .unwrap();
    for q in 0..quarters {
        let year = 1000 + q / 4;
        let label = format!("{year}/{:02} Q{}", (year + 1) % 100, q % 4 + 1);
        for i in 0..INDICATORS {
            let denominator = 400 + (i * 7 + q * 13) % 200;
            let numerator = denominator * (70 + (i + q * 3) % 25) / 100;
            writeln!(out, "PI-{i:04},{label},,{numerator},{denominator},,").unwrap();
        }
    }
    out.flush().unwrap();
    drop(out);
    std::fs::metadata(path).unwrap().len()
}

fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

struct Run {
    rows: usize,
    input_bytes: u64,
    seconds: f64,
    peak_kib: Option<u64>,
}

fn run(dir: &Path, quarters: usize) -> Run {
    let defs = dir.join("indicators.toml");
    let actuals = dir.join(format!("actuals-{quarters}.csv"));
    let input_bytes = write_actuals(&actuals, quarters);
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ragstatus"))
        .args([
            "evaluate",
            "--format",
            "csv",
            "--output",
            "/dev/null",
            "--definitions",
        ])
        .arg(&defs)
        .arg("--actuals")
        .arg(&actuals)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut peak = None;
    let status = loop {
        if let Some(kib) = peak_kib(pid) {
            peak = Some(peak.map_or(kib, |p: u64| p.max(kib)));
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let seconds = start.elapsed().as_secs_f64();
    assert!(status.success(), "evaluate failed: {status:?}");
    std::fs::remove_file(&actuals).unwrap();
    Run {
        rows: quarters * INDICATORS,
        input_bytes,
        seconds,
        peak_kib: peak,
    }
}

fn main() {
    // `cargo test --benches` runs this too; only measure under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("evaluate_memory: run with `cargo bench` to measure");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write_definitions(&dir.path().join("indicators.toml"));
    let baseline = run(dir.path(), 1);
    let small = run(dir.path(), 400);
    let large = run(dir.path(), 4_000);
    for r in [&baseline, &small, &large] {
        println!(
            "evaluate: {:>9} rows, input {:>6.1} MB, {:>6.2} s ({:>9.0} rows/s), peak RSS {}",
            r.rows,
            r.input_bytes as f64 / 1e6,
            r.seconds,
            r.rows as f64 / r.seconds,
            r.peak_kib
                .map(|k| format!("{:.1} MB", k as f64 * 1024.0 / 1e6))
                .unwrap_or_else(|| "unknown (no /proc)".into())
        );
    }
    if let (Some(base), Some(small_peak), Some(large_peak)) =
        (baseline.peak_kib, small.peak_kib, large.peak_kib)
    {
        // What the rows cost is the peak above the one-quarter baseline (the program, its
        // threads and the definitions): well under the input, and no more for ten times the
        // rows (1 MiB of slack for the allocator's noise).
        let above = large_peak.saturating_sub(base) * 1024;
        assert!(
            above * 4 < large.input_bytes,
            "peak RSS {above} B above the baseline is not well under the input size {} B",
            large.input_bytes
        );
        assert!(
            large_peak <= small_peak + 1024,
            "peak RSS grew from {small_peak} KiB (1e5 rows) to {large_peak} KiB (1e6 rows)"
        );
        println!(
            "peak RSS above the one-quarter baseline: {} KiB for 1e5 rows, {} KiB for 1e6 rows",
            small_peak.saturating_sub(base),
            large_peak.saturating_sub(base)
        );
    }
}
