//! The bridge between the command line and the library: loading the definitions, telling the
//! actuals reader which indicators exist and how periods are labelled, and turning the library's
//! results into report rows.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use ragstatus::{
    Decimal, Definitions, Direction, Error, Indicator, IndicatorResult, Period, Series, Status,
    Target,
};

use crate::actuals::{ActualRow, Catalog};
use crate::model::{IndicatorRow, Travel};

/// The definitions, indexed by id.
#[derive(Debug, Clone)]
pub struct Defs {
    /// The definitions as read.
    pub definitions: Definitions,
    /// Indicator positions by id.
    pub ids: HashMap<String, usize>,
}

impl Defs {
    /// Reads and validates a definitions file (TOML, or JSON when the name ends in `.json`).
    pub fn load(path: &Path) -> Result<Defs, Error> {
        let file = path.display().to_string();
        let definitions = Definitions::from_path(path).map_err(|e| e.with_file(&file))?;
        definitions.validate().map_err(|e| e.with_file(&file))?;
        let ids = definitions
            .indicators
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
        Ok(Defs { definitions, ids })
    }

    /// The indicator at a position.
    pub fn indicator(&self, index: usize) -> Option<&Indicator> {
        self.definitions.indicators.get(index)
    }
}

impl Catalog for &Defs {
    type Period = Period;

    fn knows(&self, id: &str) -> bool {
        self.ids.contains_key(id)
    }

    fn parse_period(&self, label: &str) -> Result<Period, Error> {
        self.definitions.calendar.parse(label)
    }
}

/// Provisional flags and notes of the rows, by indicator and period.
pub type Flags = HashMap<(String, Period), (bool, Option<String>)>;

/// Every good row, as one series per indicator, plus the flags.
pub fn series(rows: &[ActualRow<Period>]) -> (BTreeMap<String, Series>, Flags) {
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

/// The latest period with data: the one ending last, the shortest on a tie (a quarter rather
/// than the year that ends with it).
pub fn latest_period(rows: &[ActualRow<Period>]) -> Option<Period> {
    rows.iter()
        .map(|r| r.period)
        .max_by_key(|p| (p.last_date(), std::cmp::Reverse(p.kind())))
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

/// Direction as the report shows it.
pub fn travel(direction: Direction) -> Travel {
    match direction {
        Direction::Improving => Travel::Improving,
        Direction::Worsening => Travel::Worsening,
        Direction::NoChange => Travel::NoChange,
        Direction::NotComparable => Travel::NotComparable,
    }
}

/// A target as shown: `95.0%`, or `87.0%–95.0%` for a range.
pub fn target_text(indicator: &Indicator, target: &Target) -> String {
    let f = |v: Decimal| indicator.unit.format_value(v, indicator.decimals);
    match target {
        Target::Value(v) => f(*v),
        Target::Range { low, high } => format!("{}–{}", f(*low), f(*high)),
    }
}

/// One row of the report for an evaluated indicator.
pub fn indicator_row(
    indicator: &Indicator,
    result: &IndicatorResult,
    history: Vec<Option<Decimal>>,
    flags: Option<&(bool, Option<String>)>,
) -> IndicatorRow {
    let f = |v: Decimal| indicator.unit.format_value(v, indicator.decimals);
    let mut target = result.target.as_ref().map(|t| target_text(indicator, t));
    if let (Some(text), Some(stretch)) = (&mut target, result.stretch) {
        text.push_str(&format!(" (stretch {})", f(stretch)));
    }
    IndicatorRow {
        id: indicator.id.clone(),
        name: indicator.name.clone(),
        group: indicator.group.clone(),
        polarity: polarity_name(indicator),
        target,
        actual: result.actual.map(f),
        actual_value: result.actual,
        status: result.status,
        computed_status: result
            .rating
            .overridden
            .as_ref()
            .map(|_| result.rating.computed),
        direction: travel(result.direction),
        vs_previous: travel(result.previous.direction),
        previous: result.previous.comparison.map(f),
        vs_year_ago: travel(result.year_ago.direction),
        year_ago: result.year_ago.comparison.map(f),
        history,
        explanation: result.sentence(),
        provisional: flags.is_some_and(|(p, _)| *p),
        note: flags.and_then(|(_, n)| n.clone()),
    }
}

fn polarity_name(indicator: &Indicator) -> String {
    indicator.polarity.as_str().to_string()
}

/// Evaluates one indicator for a period, with its recent history.
pub fn evaluate_row(
    indicator: &Indicator,
    period: Period,
    series: &Series,
    history: &[Period],
    flags: &Flags,
) -> Result<IndicatorRow, Error> {
    let result = indicator.evaluate(period, series)?;
    let values = history
        .iter()
        .map(|p| {
            indicator
                .evaluate(*p, series)
                .ok()
                .filter(|r| r.status != Status::NotDue)
                .and_then(|r| r.actual)
        })
        .collect();
    let key = (indicator.id.clone(), period);
    Ok(indicator_row(indicator, &result, values, flags.get(&key)))
}
