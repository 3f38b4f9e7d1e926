//! The bounded history `evaluate` keeps for each indicator, so that it streams in constant
//! memory whatever the size of the input.
//!
//! Evaluating one period needs the values of the same fiscal year (year to date), the previous
//! period and the same period a year before (and that period's year to date). So each indicator
//! keeps the values from the start of the fiscal year *before* the latest period it has seen;
//! older values are dropped. Memory is bounded by the number of indicators times the periods in
//! two years, not by the number of rows.
//!
//! A row for a period older than that window can no longer be evaluated correctly (its
//! neighbours are gone), so it is reported as out of order rather than evaluated against partial
//! history. Duplicates are detected within the window; the whole-file `check` and `report`
//! commands detect every duplicate.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use ragstatus::{Error, ErrorKind, Period};

/// Per-indicator windows of recent values.
#[derive(Debug)]
pub struct Windows<V> {
    windows: Vec<Window<V>>,
}

#[derive(Debug)]
struct Window<V> {
    /// The values, as the series an indicator evaluates.
    values: BTreeMap<Period, V>,
    /// The line each value was read on, for duplicates.
    lines: BTreeMap<Period, u64>,
    latest: Option<Period>,
    /// The first day kept, `horizon(latest)`: kept rather than worked out for every row.
    keep_from: Option<NaiveDate>,
}

impl<V> Windows<V> {
    /// Windows for `count` indicators, numbered 0..count.
    pub fn new(count: usize) -> Self {
        Windows {
            windows: (0..count)
                .map(|_| Window {
                    values: BTreeMap::new(),
                    lines: BTreeMap::new(),
                    latest: None,
                    keep_from: None,
                })
                .collect(),
        }
    }

    /// Records a value read on `line`. An error if the indicator already has a value for the
    /// period, or if the period is older than the window.
    pub fn insert(
        &mut self,
        index: usize,
        period: Period,
        line: u64,
        value: V,
    ) -> Result<(), Error> {
        let Some(window) = self.windows.get_mut(index) else {
            return Err(Error::definition(format!("no indicator number {index}")));
        };
        if let Some(first) = window.lines.get(&period) {
            return Err(Error::new(ErrorKind::Duplicate {
                what: format!("row (also on line {first}) for"),
                key: period.to_string(),
            })
            .with_period(period.to_string())
            .with_column("period"));
        }
        if let Some(latest) = window.latest.filter(|_| {
            window
                .keep_from
                .is_some_and(|keep| period.first_date() < keep)
        }) {
            return Err(Error::invalid_value(
                period.to_string(),
                format!(
                    "rows in period order: evaluate keeps two years of history, and this indicator has already reached {latest} (sort the file by indicator and period, or use `report`)"
                ),
            )
            .with_period(period.to_string())
            .with_column("period"));
        }
        if window.latest.is_none_or(|latest| period > latest) {
            window.latest = Some(period);
            let keep_from = horizon(period);
            // Everything held is on or after the old horizon, so only a new one (a new fiscal
            // year) drops anything.
            if window.keep_from != Some(keep_from) {
                window.keep_from = Some(keep_from);
                window.values.retain(|p, _| p.first_date() >= keep_from);
                window.lines.retain(|p, _| p.first_date() >= keep_from);
            }
        }
        window.values.insert(period, value);
        window.lines.insert(period, line);
        Ok(())
    }

    /// The indicator's values in the window, by period: what it evaluates (a `Series` for
    /// observations).
    pub fn series(&self, index: usize) -> Option<&BTreeMap<Period, V>> {
        self.windows.get(index).map(|w| &w.values)
    }

    /// The indicator's values in the window, oldest first.
    #[cfg(test)]
    pub fn values(&self, index: usize) -> impl Iterator<Item = (Period, &V)> {
        self.windows
            .get(index)
            .into_iter()
            .flat_map(|w| w.values.iter().map(|(p, v)| (*p, v)))
    }

    /// The value for one period, if in the window.
    #[cfg(test)]
    pub fn get(&self, index: usize, period: Period) -> Option<&V> {
        self.windows.get(index).and_then(|w| w.values.get(&period))
    }

    /// How many values are held in all.
    #[cfg(test)]
    pub fn held(&self) -> usize {
        self.windows.iter().map(|w| w.values.len()).sum()
    }
}

/// The first day kept: the start of the fiscal year before the one containing `latest`.
fn horizon(latest: Period) -> NaiveDate {
    let year = latest.fiscal_year();
    year.year_ago().unwrap_or(year).first_date()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ragstatus::FiscalCalendar;

    fn p(label: &str) -> Period {
        FiscalCalendar::APRIL.parse(label).unwrap()
    }

    #[test]
    fn keeps_two_fiscal_years_and_rejects_older_rows() {
        let mut w = Windows::new(1);
        let mut line = 1;
        for year in 2010..2020 {
            for q in 1..=4 {
                line += 1;
                let label = format!("{year}/{:02} Q{q}", (year + 1) % 100);
                w.insert(0, p(&label), line, line).unwrap();
            }
        }
        assert_eq!(w.held(), 8, "two fiscal years of quarters");
        assert_eq!(w.values(0).next().map(|(p, _)| p), Some(p("2018/19 Q1")));
        let err = w.insert(0, p("2017/18 Q4"), 99, 0).unwrap_err();
        assert!(err.to_string().contains("rows in period order"), "{err}");
        let dup = w.insert(0, p("2019/20 Q2"), 100, 0).unwrap_err();
        assert!(dup.to_string().contains("also on line"), "{dup}");
        // A late row inside the window is fine.
        let mut w = Windows::new(1);
        w.insert(0, p("2015/16 Q3"), 2, 3).unwrap();
        w.insert(0, p("2015/16 Q1"), 3, 1).unwrap();
        assert_eq!(w.get(0, p("2015/16 Q1")), Some(&1));
    }
}
