//! The bridge between the command line and the library: loading the definitions, telling the
//! actuals reader which indicators exist and how periods are labelled, and evaluating each
//! indicator into a report row of the core's own types (`IndicatorResult`, `SpcResult`,
//! `Benchmark`): the text every format shows is made from them when rendering.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use ragstatus::input::{ActualRow, Catalog};
use ragstatus::{Decimal, Definitions, Error, Indicator, Override, Period, Series, Status};

use crate::model::{Benchmarked, IndicatorRow};

/// The definitions, indexed by id.
#[derive(Debug, Clone)]
pub struct Defs {
    /// The definitions as read.
    pub definitions: Definitions,
    /// Indicator positions by id.
    pub ids: HashMap<String, usize>,
    /// What the input readers need to know of the definitions.
    pub catalog: Catalog,
}

impl Defs {
    /// Reads and validates a definitions file (TOML, or JSON when the name ends in `.json`).
    pub fn load(path: &Path) -> Result<Defs, Error> {
        Self::load_all(path).map_err(|problems| {
            problems
                .into_iter()
                .next()
                .unwrap_or_else(|| Error::definition("the definitions could not be read"))
        })
    }

    /// Reads a definitions file, or lists every problem in it, each with file and line, so
    /// that `check` can show them all.
    pub fn load_all(path: &Path) -> Result<Defs, Vec<Error>> {
        let definitions = Definitions::check_path(path)?;
        let ids = definitions
            .indicators
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
        let catalog = Catalog::new(&definitions);
        Ok(Defs {
            definitions,
            ids,
            catalog,
        })
    }

    /// The indicator at a position.
    pub fn indicator(&self, index: usize) -> Option<&Indicator> {
        self.definitions.indicators.get(index)
    }
}

/// Provisional flags and notes of the rows, by indicator and period.
pub type Flags = HashMap<(String, Period), (bool, Option<String>)>;

/// Every good row, as one series per indicator, plus the flags.
pub fn series(rows: &[ActualRow]) -> (BTreeMap<String, Series>, Flags) {
    let mut series: BTreeMap<String, Series> = BTreeMap::new();
    let mut flags = Flags::new();
    for row in rows {
        series
            .entry(row.indicator.clone())
            .or_default()
            .insert(row.period, row.observation);
        if row.provisional || row.note.is_some() {
            flags.insert(
                (row.indicator.clone(), row.period),
                (row.provisional, row.note.clone()),
            );
        }
    }
    (series, flags)
}

/// The `n` periods of the same length ending with `period`, oldest first.
pub fn history_periods(period: Period, n: usize) -> Vec<Period> {
    let mut periods: Vec<Period> = (0..n)
        .filter_map(|k| i64::try_from(k).ok())
        .filter_map(|k| period.offset(-k).ok())
        .collect();
    periods.reverse();
    periods
}

/// Evaluates one indicator for a period, with its recent history and SPC analysis.
pub fn evaluate_row(
    indicator: &Indicator,
    period: Period,
    series: &Series,
    history: &[Period],
    flags: &Flags,
    person: Option<&Override>,
) -> Result<IndicatorRow, Error> {
    let mut result = indicator.evaluate(period, series)?;
    if let Some(o) = person {
        result = result.with_override(o.status, o.reason.as_str(), o.by.as_str());
    }
    let history = history
        .iter()
        .map(|p| {
            indicator
                .evaluate(*p, series)
                .ok()
                .filter(|r| r.status != Status::NotDue)
                .and_then(|r| r.actual)
        })
        .collect();
    let flags = flags.get(&(indicator.id.clone(), period));
    Ok(IndicatorRow {
        indicator: indicator.clone(),
        spc: indicator.spc(period, series)?,
        result,
        history,
        benchmark: None,
        provisional: flags.is_some_and(|(p, _)| *p),
        note: flags.and_then(|(_, n)| n.clone()),
    })
}

/// An indicator's place among its comparators for the period: ranked when it has an actual;
/// when it has none, the report says so rather than leaving it out.
pub fn benchmark(
    row: &IndicatorRow,
    values: &[(String, Option<Decimal>)],
) -> Result<Benchmarked, Error> {
    match row.result.actual {
        None => Ok(Benchmarked::NoActual {
            comparators: values.len(),
        }),
        Some(actual) => {
            let values: Vec<Option<Decimal>> = values.iter().map(|(_, v)| *v).collect();
            row.indicator
                .benchmark(actual, &values)
                .map(Benchmarked::Ranked)
        }
    }
}
