//! Comparator values for benchmarking (SPEC §8): the same indicators' values for the same
//! periods from a comparator group (CIPFA nearest neighbours, all English counties, ...).
//!
//! ```text
//! indicator,period,comparator,value
//! SW-01,2015/16 Q3,Northshire,91.2
//! SW-01,2015/16 Q3,Eastmoor,
//! ```
//!
//! Every column is required; an empty `value` is a comparator that has not published its figure
//! (counted as missing, never as zero). A bad row (unknown indicator, bad period, a value that is
//! not a number, no comparator name, the same comparator twice for an indicator and period) is
//! an error naming file, line and column, and is not used. Lines are those a text editor shows,
//! whatever the line endings (see `ragstatus::csvio`).
//!
//! Where the spec is silent:
//! - the report benchmarks the period it reports, with the actual **as shown** (rounded to the
//!   indicator's display decimals, half away from zero), since published comparator figures are
//!   rounded the same way;
//! - an indicator with comparators but no actual this period has no benchmark, and says so;
//! - `within` indicators cannot be ranked (a range has no better end): their comparators are
//!   reported as a problem.

use std::collections::HashMap;
use std::path::Path;

use ragstatus::benchmarking::{Benchmark, BenchmarkSettings, benchmark};
use ragstatus::{Decimal, Error, ErrorKind, Indicator, Period, Unit};

use ragstatus::csvio::CsvReader;

use crate::actuals::Catalog;

/// Comparator values by indicator id and period, in file order.
pub type Comparators = HashMap<(String, Period), Vec<(String, Option<Decimal>)>>;

/// Reads a comparators file; bad rows become errors.
pub fn read<C: Catalog<Period = Period>>(
    path: &Path,
    catalog: &C,
) -> Result<(Comparators, Vec<Error>), Error> {
    let file = path.display().to_string();
    let input = std::fs::File::open(path).map_err(|e| Error::from(e).with_file(&file))?;
    let mut builder = csv::ReaderBuilder::new();
    builder.trim(csv::Trim::All).flexible(true);
    let mut reader = CsvReader::new(&builder, std::io::BufReader::new(input));
    let headers = reader.headers().map_err(|e| e.with_file(&file))?;
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                Error::new(ErrorKind::Missing {
                    field: format!("column {name:?} in the header"),
                })
                .with_file(&file)
                .with_line(1)
            })
    };
    let [indicator, period, comparator, value] =
        ["indicator", "period", "comparator", "value"].map(column);
    let (indicator, period, comparator, value) = (indicator?, period?, comparator?, value?);
    let mut comparators = Comparators::new();
    let mut first_line: HashMap<(String, Period, String), u64> = HashMap::new();
    let mut errors = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let e = reader.error(e).with_file(file.as_str());
                // A parse error the reader cannot get past ends the file.
                let fatal = e.location().line.is_none();
                errors.push(e);
                if fatal {
                    break;
                }
                continue;
            }
        }
        if record.iter().all(str::is_empty) {
            continue;
        }
        let line = reader.line_of(&record).unwrap_or_default();
        let at = |e: Error| e.with_file(file.as_str()).with_line(line);
        let cell = |i: usize| record.get(i).unwrap_or_default();
        let id = cell(indicator);
        if !catalog.knows(id) {
            errors.push(at(Error::new(ErrorKind::UnknownIndicator {
                id: id.into(),
            })
            .with_column("indicator")
            .with_indicator(id)));
            continue;
        }
        let p = match catalog.parse_period(cell(period)) {
            Ok(p) => p,
            Err(e) => {
                errors.push(at(e.with_column("period").with_indicator(id)));
                continue;
            }
        };
        let name = cell(comparator);
        if name.is_empty() {
            errors.push(at(Error::new(ErrorKind::Missing {
                field: "comparator".into(),
            })
            .with_column("comparator")
            .with_indicator(id)
            .with_period(p.to_string())));
            continue;
        }
        let v = match cell(value) {
            "" => None,
            text => match crate::actuals::parse_decimal(text) {
                Some(v) => Some(v),
                None => {
                    errors.push(at(Error::invalid_value(
                        text,
                        "a number, or empty if not published",
                    )
                    .with_column("value")
                    .with_indicator(id)
                    .with_period(p.to_string())));
                    continue;
                }
            },
        };
        let key = (id.to_string(), p, name.to_string());
        if let Some(first) = first_line.get(&key) {
            errors.push(at(Error::new(ErrorKind::Duplicate {
                what: format!("comparator value (also on line {first}) for"),
                key: format!("{id} {p} {name}"),
            })
            .with_column("comparator")));
            continue;
        }
        first_line.insert(key, line);
        comparators
            .entry((id.to_string(), p))
            .or_default()
            .push((name.to_string(), v));
    }
    Ok((comparators, errors))
}

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
