//! Shared inputs for the ragstatus benchmarks: a small deterministic generator and the data
//! sets each bench uses, so that every bench (and the figures in the README) rates the same
//! rows.

use ragstatus::Decimal;
use ragstatus::budget::{BudgetLine, LineKind, RatingBase};

/// The processor's model name (from `/proc/cpuinfo` where there is one) and the SIMD level
/// the bulk kernels dispatch to, printed at the start of the columnar benches: a figure means
/// little without the machine it was taken on.
pub fn machine() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, name)| name.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let levels: Vec<&str> = ragstatus::columnar::simd::Level::available()
        .iter()
        .map(|l| l.as_str())
        .collect();
    format!(
        "CPU: {model}, {} threads; SIMD levels available: {}; dispatched: {}",
        std::thread::available_parallelism().map_or(1, usize::from),
        levels.join(", "),
        ragstatus::columnar::simd::level()
    )
}

/// Whether criterion runs for measurements (`cargo bench`, which passes `--bench`) rather than
/// in test mode (`cargo test`, which runs each bench once): the large inputs are built only then.
pub fn bench_mode() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// The row counts of the columnar benches: 1e6 and 1e7 when measuring, 1e4 under `cargo test`.
pub fn column_sizes() -> Vec<usize> {
    if bench_mode() {
        vec![1_000_000, 10_000_000]
    } else {
        vec![10_000]
    }
}

/// A SplitMix64 generator: fast, deterministic, good enough for benchmark data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// Percent-like KPI columns at two decimals, as scaled integers: actuals and targets in
/// 0.00..=100.00, targets on whole or half points (so that ties at the target and the band edge
/// occur), about 1% of actuals and 0.5% of targets missing.
#[derive(Debug, Clone)]
pub struct Kpis {
    /// Actuals in hundredths.
    pub actuals: Vec<i64>,
    /// Targets in hundredths.
    pub targets: Vec<i64>,
    /// Whether each actual is present.
    pub actual_valid: Vec<bool>,
    /// Whether each target is present.
    pub target_valid: Vec<bool>,
}

impl Kpis {
    /// `n` rows from `seed`.
    pub fn new(n: usize, seed: u64) -> Kpis {
        let mut rng = Rng::new(seed);
        let mut k = Kpis {
            actuals: Vec::with_capacity(n),
            targets: Vec::with_capacity(n),
            actual_valid: Vec::with_capacity(n),
            target_valid: Vec::with_capacity(n),
        };
        for _ in 0..n {
            let t = 50 * rng.below(201) as i64;
            // Actuals cluster near the target so that every status occurs.
            let a = (t + rng.below(1_001) as i64 - 500).clamp(0, 10_000);
            k.actuals.push(a);
            k.targets.push(t);
            k.actual_valid.push(rng.below(100) != 0);
            k.target_valid.push(rng.below(200) != 0);
        }
        k
    }

    /// The same rows as optional `Decimal`s, for the Decimal entry points.
    pub fn decimals(&self) -> (Vec<Option<Decimal>>, Vec<Option<Decimal>>) {
        let col = |values: &[i64], valid: &[bool]| {
            values
                .iter()
                .zip(valid)
                .map(|(&v, &ok)| ok.then(|| Decimal::new(v, 2)))
                .collect()
        };
        (
            col(&self.actuals, &self.actual_valid),
            col(&self.targets, &self.target_valid),
        )
    }

    /// The actuals as `f64` (NaN where missing), as numpy would hold them.
    pub fn actuals_f64(&self) -> Vec<f64> {
        self.actuals
            .iter()
            .zip(&self.actual_valid)
            .map(|(&v, &ok)| if ok { v as f64 / 100.0 } else { f64::NAN })
            .collect()
    }
}

/// `n` budget lines over 3 levels: the fund, 10 directorates and 100 services (10 per
/// directorate), lines spread evenly; budgets from £10k to £10m to the pound, forecasts within
/// ±8% of budget.
pub fn budget_lines(n: usize, seed: u64) -> Vec<BudgetLine> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|i| {
            let service = rng.below(100);
            let budget = 10_000 + rng.below(10_000_000) as i64;
            let swing = (rng.below(1_601) as i64 - 800) * budget / 10_000;
            let kind = if rng.below(10) == 0 {
                LineKind::Income
            } else {
                LineKind::Expenditure
            };
            BudgetLine::new(
                format!("L{i:06}"),
                kind,
                RatingBase::Gross,
                Decimal::from(budget),
                Decimal::from(budget + swing),
            )
            .with_group([format!("D{}", service / 10), format!("S{service:02}")])
        })
        .collect()
}

/// Period labels in the accepted forms, for an April calendar.
pub fn period_labels() -> Vec<String> {
    let mut labels = Vec::new();
    for year in [1999, 2015, 2024] {
        let next = (year + 1) % 100;
        for q in 1..=4 {
            labels.push(format!("{year}/{next:02} Q{q}"));
            labels.push(format!("Q{q} {year}/{next:02}"));
            labels.push(format!("FY{year}-{} q{q}", year + 1));
        }
        for m in 1..=12 {
            labels.push(format!("{year}/{next:02} M{m:02}"));
        }
        labels.push(format!("{year}/{next:02} H2"));
        labels.push(format!("FY {year}/{next:02}"));
    }
    labels
}
