//! The bridge between the command line and the library: loading the definitions, telling the
//! actuals reader which indicators exist and how periods are labelled, and turning the library's
//! results into report rows.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use ragstatus::input::{ActualRow, Catalog};
use ragstatus::{
    Decimal, Definitions, Direction, Error, Improvement, Indicator, IndicatorResult,
    Override, Period, Series, SpcResult, Status, Target,
};

use crate::model::{IndicatorRow, SpcView, Travel, assurance_words, rule_words};

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
        history_shown: history.iter().map(|v| v.map(f)).collect(),
        history,
        explanation: result.sentence(),
        provisional: flags.is_some_and(|(p, _)| *p),
        note: flags.and_then(|(_, n)| n.clone()),
        spc: None,
        benchmark: None,
    }
}

/// The report's view of an indicator's SPC analysis.
pub fn spc_view(indicator: &Indicator, result: SpcResult) -> SpcView {
    let last = result.points.last();
    let rule = last.and_then(|p| p.rules.first().copied());
    let variation_label = result
        .variation
        .map(|v| v.describe().to_string())
        .unwrap_or_else(|| "no values".to_string());
    let assurance_label = match result.assurance {
        Some(a) => assurance_words(a).to_string(),
        None if result.improvement == Improvement::Neutral => {
            "none (no better direction)".to_string()
        }
        None if result.target.is_none() => "none (no single target)".to_string(),
        None => "none (no process limits)".to_string(),
    };
    let segment = result.segments.last();
    let trial_limits = segment.is_some_and(|s| s.trial_limits);
    let mut line = format!("SPC: {variation_label}");
    if let Some(rule) = rule {
        line.push_str(&format!(" ({})", rule_words(rule)));
    }
    line.push_str(&format!("; assurance: {assurance_label}"));
    if let Some(s) = segment.filter(|s| s.trial_limits) {
        line.push_str(&format!("; trial limits ({} points)", s.points));
    }
    let explanation = result.explained(&indicator.unit, indicator.decimals);
    SpcView {
        variation: result.variation,
        variation_label,
        rule,
        assurance: result.assurance,
        assurance_label,
        trial_limits,
        line,
        explanation,
        result,
        unit: indicator.unit.clone(),
        decimals: indicator.decimals,
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
    person: Option<&Override>,
) -> Result<IndicatorRow, Error> {
    let mut result = indicator.evaluate(period, series)?;
    if let Some(o) = person {
        result = result.with_override(o.status, o.reason.as_str(), o.by.as_str());
    }
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
    let mut row = indicator_row(indicator, &result, values, flags.get(&key));
    row.spc = indicator
        .spc(period, series)?
        .map(|spc| spc_view(indicator, spc));
    Ok(row)
}
