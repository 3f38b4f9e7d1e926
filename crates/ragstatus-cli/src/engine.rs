//! The bridge between the command line and the library: loading the definitions, telling the
//! actuals reader which indicators exist and how periods are labelled, and turning the library's
//! results into report rows.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use ragstatus::definitions::from_json_value;
use ragstatus::{
    Decimal, Definitions, Direction, Error, ErrorKind, FiscalCalendar, Indicator, IndicatorResult,
    Period, Series, Status, Target,
};

use crate::actuals::{ActualRow, Catalog};
use crate::model::{IndicatorRow, Travel};
use crate::overrides::Override;

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

    /// Every problem of a definitions file that does not load, indicator by indicator, so that
    /// `check` can list them all (loading stops at the first). Empty when the file cannot be
    /// split into indicators (a syntax error), in which case the loader's error says why.
    pub fn all_problems(path: &Path) -> Vec<Error> {
        let file = path.display().to_string();
        let Ok(text) = std::fs::read_to_string(path) else {
            return Vec::new();
        };
        let value: Option<serde_json::Value> = if file.to_ascii_lowercase().ends_with(".json") {
            serde_json::from_str(&text).ok()
        } else {
            toml::from_str::<toml::Table>(&text)
                .ok()
                .and_then(|t| serde_json::to_value(t).ok())
        };
        let Some(serde_json::Value::Object(root)) = value else {
            return Vec::new();
        };
        let calendar = root
            .get("calendar")
            .and_then(|c| from_json_value::<FiscalCalendar>(c).ok())
            .unwrap_or_default();
        let list = root
            .get("indicator")
            .or_else(|| root.get("indicators"))
            .and_then(serde_json::Value::as_array)
            .cloned()
            .unwrap_or_default();
        let is_toml = !file.to_ascii_lowercase().ends_with(".json");
        // The entries were converted to JSON to be read one by one; say the file's own format.
        let retag = |e: Error| match e.kind() {
            ErrorKind::Syntax { format, message } if is_toml && format == "JSON" => {
                let l = e.location().clone();
                let mut out = Error::new(ErrorKind::Syntax {
                    format: "TOML".into(),
                    message: message.clone(),
                });
                if let Some(f) = l.field {
                    out = out.with_field(f);
                }
                out
            }
            _ => e,
        };
        let mut problems = Vec::new();
        let mut seen = HashMap::new();
        for (i, entry) in list.iter().enumerate() {
            let id = entry.get("id").and_then(serde_json::Value::as_str);
            let at = |e: Error| {
                let e = e.with_field(format!("indicator[{i}]")).with_file(&file);
                match id {
                    Some(id) => e.with_indicator(id),
                    None => e,
                }
            };
            if let Some(id) = id {
                if let Some(first) = seen.insert(id.to_string(), i) {
                    problems.push(at(Error::new(ErrorKind::Duplicate {
                        what: format!("indicator id (also indicator[{first}])"),
                        key: id.into(),
                    })));
                }
            }
            match from_json_value::<Indicator>(entry) {
                Ok(indicator) => {
                    if let Err(e) = indicator.validate(calendar) {
                        problems.push(at(e));
                    }
                }
                Err(e) => problems.push(at(retag(e))),
            }
        }
        problems
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
    Ok(indicator_row(indicator, &result, values, flags.get(&key)))
}
