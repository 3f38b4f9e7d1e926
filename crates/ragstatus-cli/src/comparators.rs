//! Comparator values for benchmarking (SPEC §8): the same indicators' values for the same
//! periods from a comparator group (CIPFA nearest neighbours, all English counties, ...).
//!
//! ```text
//! indicator,period,comparator,value
//! SW-01,2015/16 Q3,Northshire,91.2
//! SW-01,2015/16 Q3,Eastmoor,
//! ```
//!
//! The file is read by the library (`ragstatus::input::read_comparators_csv`): an empty `value`
//! is a comparator that has not published its figure, and every bad row is a problem naming
//! file, line and column. This module benchmarks what was read.
//!
//! Where the spec is silent:
//! - the report benchmarks the period it reports, with the actual **as shown** (rounded to the
//!   indicator's display decimals, half away from zero), since published comparator figures are
//!   rounded the same way;
//! - an indicator with comparators but no actual this period has no benchmark, and says so;
//! - `within` indicators cannot be ranked (a range has no better end): their comparators are
//!   reported as a problem.

use ragstatus::benchmarking::{Benchmark, BenchmarkSettings, benchmark};
use ragstatus::{Decimal, Error, Indicator, Unit};

/// Benchmarks an indicator's actual (as shown) against its comparators' values.
pub fn benchmark_actual(
    indicator: &Indicator,
    actual: Decimal,
    values: &[(String, Option<Decimal>)],
) -> Result<Benchmark, Error> {
    let shown = match indicator.decimals {
        Some(dp) => {
            actual.round_dp_with_strategy(dp, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        }
        None => actual,
    };
    let settings = BenchmarkSettings {
        unit: match indicator.unit {
            Unit::Percent => Some("%".into()),
            Unit::Days => Some(" days".into()),
            _ => None,
        },
        ..BenchmarkSettings::new(indicator.polarity)
    };
    let comparators: Vec<Option<Decimal>> = values.iter().map(|(_, v)| *v).collect();
    benchmark(shown, &comparators, &settings).map_err(|e| e.with_indicator(&indicator.id))
}
