//! Indicator definitions files: a fiscal calendar and a list of indicators, in TOML or JSON.
//!
//! ```
//! use ragstatus::Definitions;
//!
//! let defs = Definitions::from_toml_str(r#"
//!     [calendar]
//!     start_month = 4
//!
//!     [[indicator]]
//!     id = "SW-01"
//!     name = "Children looked after with a Personal Education Plan"
//!     group = ["Start Well", "Children's Services"]
//!     unit = "percent"
//!     polarity = "higher"
//!     aggregation = "ratio"
//!     tolerance = { absolute = "2" }
//!
//!     [[indicator.target]]
//!     year = "2015/16"
//!     value = "95"
//! "#)?;
//! assert_eq!(defs.indicators.len(), 1);
//! assert_eq!(defs.get("SW-01").unwrap().name, "Children looked after with a Personal Education Plan");
//! # Ok::<(), ragstatus::Error>(())
//! ```
//!
//! # The format
//!
//! A TOML file (the same structure as a JSON object):
//!
//! ```toml
//! [calendar]
//! start_month = 4            # the fiscal year starts in April (1-12; default 4)
//!
//! [[indicator]]
//! id = "SW-01"               # unique
//! name = "Children looked after with a Personal Education Plan"
//! group = ["Start Well", "Children's Services"]   # theme, then directorate (any depth; optional)
//! unit = "percent"           # percent | count | days | ratio | score | { currency = "GBP" } | { rate = "1000" }
//! polarity = "higher"        # higher | lower | within
//! frequency = "quarterly"    # monthly | quarterly | half_yearly | annual (default quarterly)
//! decimals = 1               # display decimals (optional)
//! aggregation = "ratio"      # sum | ratio | mean | last | max | min (default last)
//! basis = "period"           # period | year_to_date: what the actual (and the target) measure
//! multiplier = "100"         # numerator/denominator × multiplier (default 100 for percent,
//!                            # N for { rate = "N" }, else 1)
//! tolerance = { absolute = "2" }   # "none" | { absolute = "2" } | { relative = "5" } | { floor = "80" }
//! rounding = { decimals = 1, mode = "half_away_from_zero" }   # optional; mode or "half_even"
//! direction = { compare = "previous", stable = { absolute = "0.5" } }
//!                            # optional; compare = previous | year_ago;
//!                            # stable = { absolute = "x" } | { relative = "p" };
//!                            # regression = n (n >= 3) for a direction by regression
//!
//! [[indicator.target]]        # one per fiscal year (targets may differ by year)
//! year = "2015/16"
//! value = "95"               # a single target, or
//! # low = "85", high = "95"  # a range, for polarity = "within", or
//! # annual = "1200", profile = "even"   # flat | even | { values = [...] } | { weights = [...] }
//! stretch = "98"             # optional: Blue when met
//! ```
//!
//! # Decimals
//!
//! Every decimal may be written as a string (`"94.95"`, recommended: exact) or as a number
//! (`94.95`). TOML and JSON parsers read numbers as 64-bit floats; ragstatus turns such a float
//! into the decimal of its shortest round-trip text (see
//! [`decimal_from_f64`](crate::value::decimal_from_f64)), which gives back the digits as written
//! for numbers of up to 15 significant digits. Longer numbers should be written as strings.
//! Integers are read exactly. The integer settings `start_month`, `decimals` and `regression`
//! are plain integers.
//!
//! # Errors
//!
//! Unknown fields, values of the wrong type and bad values are rejected with the path to the
//! field (`indicator[3].tolerance.relative`) in [`Location::field`](crate::Location) and the
//! indicator id where known; syntax errors carry the line. Duplicate ids are an
//! [`ErrorKind::Duplicate`] error. After parsing, every indicator is
//! [validated](crate::indicator::Indicator::validate) (cross-field rules such as "a within
//! indicator needs range targets"), and target years are checked against the calendar.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, ErrorKind, Result};
use crate::indicator::{Indicator, IndicatorResult, Series};
use crate::period::{FiscalCalendar, Period};
use crate::summary::{RollUp, Summary, SummaryItem};
use crate::value::decimal_from_f64;

/// A fiscal calendar and the indicators defined against it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definitions {
    /// The fiscal calendar (default: April).
    #[serde(default)]
    pub calendar: FiscalCalendar,
    /// The indicators, in file order.
    #[serde(rename = "indicator", alias = "indicators", default)]
    pub indicators: Vec<Indicator>,
}

/// The outcome of evaluating every indicator of a [`Definitions`] for one period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evaluation {
    /// One result per indicator that could be evaluated, in definition order.
    pub results: Vec<IndicatorResult>,
    /// One error per indicator that could not, naming it and the period.
    pub errors: Vec<Error>,
}

impl Evaluation {
    /// Summarises the results (see [`Summary::build`]).
    pub fn summary(&self, rule: Option<RollUp>) -> Result<Summary> {
        let items: Vec<SummaryItem> = self.results.iter().map(SummaryItem::from_result).collect();
        Summary::build(&items, rule)
    }
}

/// Keys whose numbers are integers, not decimals: left as numbers when the rest become text.
const INTEGER_KEYS: [&str; 3] = ["start_month", "decimals", "regression"];

impl Definitions {
    /// Reads definitions from TOML text.
    pub fn from_toml_str(text: &str) -> Result<Definitions> {
        let table: toml::Table = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .and_then(|span| text.get(..span.start))
                .map(|before| before.matches('\n').count() + 1);
            let err = Error::from(e);
            match line.and_then(|l| u64::try_from(l).ok()) {
                Some(line) => err.with_line(line),
                None => err,
            }
        })?;
        let value = toml_to_json(toml::Value::Table(table), None)?;
        Self::from_value(value, "TOML")
    }

    /// Reads definitions from JSON text.
    pub fn from_json_str(text: &str) -> Result<Definitions> {
        let value: Value = serde_json::from_str(text)?;
        Self::from_value(normalize_json(value, None), "JSON")
    }

    /// Reads a definitions file: TOML if its name ends in `.toml`, JSON if `.json`. Errors name
    /// the file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Definitions> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let parse: fn(&str) -> Result<Definitions> = match extension.as_deref() {
            Some("toml") => Self::from_toml_str,
            Some("json") => Self::from_json_str,
            _ => {
                return Err(Error::invalid_value(
                    name.clone(),
                    "a definitions file ending in .toml or .json",
                )
                .with_file(name));
            }
        };
        let text = std::fs::read_to_string(path).map_err(|e| Error::from(e).with_file(&name))?;
        parse(&text).map_err(|e| e.with_file(name))
    }

    /// The definitions as TOML text (decimals as strings).
    pub fn to_toml_string(&self) -> Result<String> {
        toml::to_string(self).map_err(|e| {
            Error::new(ErrorKind::Syntax {
                format: "TOML".into(),
                message: e.to_string(),
            })
        })
    }

    /// The definitions as pretty-printed JSON text (decimals as strings).
    pub fn to_json_string(&self) -> Result<String> {
        Ok(serde_json::to_string_pretty(self)?)
    }

    /// The indicator with this id.
    pub fn get(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id)
    }

    /// Checks every indicator (see [`Indicator::validate`]) and that ids are unique. The first
    /// problem found is returned, located at `indicator[i]` and the indicator's id.
    pub fn validate(&self) -> Result<()> {
        let mut seen = HashSet::new();
        for (i, indicator) in self.indicators.iter().enumerate() {
            let at = format!("indicator[{i}]");
            if !seen.insert(indicator.id.as_str()) {
                return Err(Error::new(ErrorKind::Duplicate {
                    what: "indicator id".into(),
                    key: indicator.id.clone(),
                })
                .with_field("id")
                .with_field(at)
                .with_indicator(&indicator.id));
            }
            indicator
                .validate(self.calendar)
                .map_err(|e| e.with_field(at).with_indicator(&indicator.id))?;
        }
        Ok(())
    }

    /// Evaluates every indicator for `period` with its series from `actuals` (keyed by
    /// indicator id; an indicator without one has no data). Good indicators are all evaluated
    /// and every bad one is listed in [`Evaluation::errors`]; series for ids that are not
    /// defined are errors too ([`ErrorKind::UnknownIndicator`]). Nothing is dropped silently.
    pub fn evaluate(&self, period: Period, actuals: &BTreeMap<String, Series>) -> Evaluation {
        let empty = Series::new();
        let mut evaluation = Evaluation::default();
        for indicator in &self.indicators {
            let series = actuals.get(&indicator.id).unwrap_or(&empty);
            match indicator.evaluate(period, series) {
                Ok(result) => evaluation.results.push(result),
                Err(e) => evaluation.errors.push(e),
            }
        }
        for id in actuals.keys() {
            if self.get(id).is_none() {
                evaluation.errors.push(
                    Error::new(ErrorKind::UnknownIndicator { id: id.clone() }).with_indicator(id),
                );
            }
        }
        evaluation
    }

    fn from_value(value: Value, format: &str) -> Result<Definitions> {
        let defs: Definitions = serde_path_to_error::deserialize(&value).map_err(|e| {
            let path = e.path().to_string();
            let indicator = indicator_id_at(&value, &path);
            let mut err = Error::new(ErrorKind::Syntax {
                format: format.into(),
                message: e.into_inner().to_string(),
            });
            if path != "." && !path.is_empty() {
                err = err.with_field(path);
            }
            match indicator {
                Some(id) => err.with_indicator(id),
                None => err,
            }
        })?;
        defs.validate()?;
        Ok(defs)
    }
}

/// The id of the indicator that a path such as `indicator[3].tolerance` points into.
fn indicator_id_at(value: &Value, path: &str) -> Option<String> {
    let rest = path
        .strip_prefix("indicator[")
        .or_else(|| path.strip_prefix("indicators["))?;
    let index: usize = rest.split(']').next()?.parse().ok()?;
    let list = value.get("indicator").or_else(|| value.get("indicators"))?;
    list.get(index)?.get("id")?.as_str().map(str::to_owned)
}

/// Turns numbers into their decimal text, except under [`INTEGER_KEYS`].
fn normalize_json(value: Value, key: Option<&str>) -> Value {
    match value {
        Value::Number(n) if !key.is_some_and(|k| INTEGER_KEYS.contains(&k)) => {
            let text = if n.is_f64() {
                n.as_f64()
                    .and_then(decimal_from_f64)
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| n.to_string())
            } else {
                n.to_string()
            };
            Value::String(text)
        }
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| normalize_json(v, key)).collect())
        }
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = normalize_json(v, Some(&k));
                    (k, v)
                })
                .collect(),
        ),
        other => other,
    }
}

/// Converts a TOML value into the JSON shape read by [`Definitions`], numbers as in
/// [`normalize_json`].
fn toml_to_json(value: toml::Value, key: Option<&str>) -> Result<Value> {
    let integer_key = key.is_some_and(|k| INTEGER_KEYS.contains(&k));
    Ok(match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) if integer_key => Value::from(i),
        toml::Value::Integer(i) => Value::String(i.to_string()),
        toml::Value::Float(f) if integer_key => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(f.to_string())),
        toml::Value::Float(f) => Value::String(
            decimal_from_f64(f)
                .map(|d| d.to_string())
                .unwrap_or_else(|| f.to_string()),
        ),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| toml_to_json(v, key))
                .collect::<Result<_>>()?,
        ),
        toml::Value::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(k, v)| {
                    let v = toml_to_json(v, Some(&k))?;
                    Ok((k, v))
                })
                .collect::<Result<_>>()?,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Polarity;
    use rust_decimal_macros::dec;

    const GOOD: &str = r#"
[calendar]
start_month = 4

[[indicator]]
id = "A"
name = "First"
unit = "percent"
polarity = "higher"
decimals = 1
tolerance = { absolute = 2.5 }
rounding = { decimals = 1, mode = "half_even" }
direction = { compare = "year_ago", stable = { relative = "1" }, regression = 4 }

[[indicator.target]]
year = "2015/16"
value = 94.95
stretch = "98"

[[indicator]]
id = "B"
unit = { rate = 1000 }
polarity = "within"
frequency = "monthly"
aggregation = "ratio"

[[indicator.target]]
low = "85"
high = 95
"#;

    fn err(text: &str) -> Error {
        Definitions::from_toml_str(text).unwrap_err()
    }

    #[test]
    fn reads_numbers_as_their_text() {
        let defs = Definitions::from_toml_str(GOOD).unwrap();
        let a = defs.get("A").unwrap();
        assert_eq!(a.tolerance, crate::Tolerance::Absolute(dec!(2.5)));
        assert_eq!(
            a.targets[0].target_for(1, 4).unwrap(),
            Some(crate::Target::Value(dec!(94.95)))
        );
        assert_eq!(a.direction.regression, Some(4));
        let b = defs.get("B").unwrap();
        assert_eq!(b.polarity, Polarity::Within);
        assert_eq!(b.effective_multiplier(), dec!(1000));
    }

    #[test]
    fn round_trips_through_toml_and_json() {
        let defs = Definitions::from_toml_str(GOOD).unwrap();
        let toml = defs.to_toml_string().unwrap();
        assert_eq!(Definitions::from_toml_str(&toml).unwrap(), defs);
        let json = defs.to_json_string().unwrap();
        assert_eq!(Definitions::from_json_str(&json).unwrap(), defs);
    }

    #[test]
    fn unknown_field_has_path_and_id() {
        let e = err(
            "[[indicator]]\nid = \"X\"\npolarity = \"higher\"\ntolerance = { relativ = \"5\" }\n",
        );
        assert_eq!(e.location().indicator.as_deref(), Some("X"));
        assert!(
            e.location()
                .field
                .as_deref()
                .unwrap()
                .starts_with("indicator[0].tolerance"),
            "{e}"
        );
        let e = err("[[indicator]]\nid = \"X\"\npolarity = \"higher\"\ncolour = 1\n");
        assert!(matches!(e.kind(), ErrorKind::Syntax { .. }), "{e}");
        assert!(e.to_string().contains("colour"), "{e}");
    }

    #[test]
    fn bad_value_has_path() {
        let text = "[[indicator]]\nid = \"A\"\npolarity = \"higher\"\n[[indicator]]\nid = \"B\"\npolarity = \"higher\"\ntolerance = { relative = \"abc\" }\n";
        let e = err(text);
        assert_eq!(
            e.location().field.as_deref(),
            Some("indicator[1].tolerance.relative"),
            "{e}"
        );
        assert_eq!(e.location().indicator.as_deref(), Some("B"));
    }

    #[test]
    fn json_errors() {
        let e =
            Definitions::from_json_str(r#"{"indicator": [{"id": "J", "polarity": "sideways"}]}"#)
                .unwrap_err();
        assert_eq!(
            e.location().field.as_deref(),
            Some("indicator[0].polarity"),
            "{e}"
        );
        assert_eq!(e.location().indicator.as_deref(), Some("J"));
        let e = Definitions::from_json_str("{\n\"indicator\": [\n").unwrap_err();
        assert_eq!(e.location().line, Some(3), "{e}");
    }

    #[test]
    fn duplicates_and_cross_field_rules() {
        let e = err(
            "[[indicator]]\nid = \"A\"\npolarity = \"higher\"\n[[indicator]]\nid = \"A\"\npolarity = \"lower\"\n",
        );
        assert!(matches!(e.kind(), ErrorKind::Duplicate { .. }), "{e}");
        assert_eq!(e.location().field.as_deref(), Some("indicator[1].id"));
        let e = err(
            "[[indicator]]\nid = \"W\"\npolarity = \"within\"\n[[indicator.target]]\nvalue = \"3\"\n",
        );
        assert!(matches!(e.kind(), ErrorKind::Definition { .. }), "{e}");
        assert_eq!(
            e.location().field.as_deref(),
            Some("indicator[0].target[0]")
        );
        assert_eq!(e.location().indicator.as_deref(), Some("W"));
        let e = err(
            "[[indicator]]\nid = \"Y\"\npolarity = \"higher\"\n[[indicator.target]]\nyear = \"2015\"\nvalue = \"3\"\n",
        );
        assert_eq!(
            e.location().field.as_deref(),
            Some("indicator[0].target[0].year"),
            "{e}"
        );
        let e = err(
            "[[indicator]]\nid = \"Y\"\npolarity = \"higher\"\n[[indicator.target]]\nyear = \"2015/16\"\nvalue = \"3\"\n[[indicator.target]]\nyear = \"FY2015/16\"\nvalue = \"4\"\n",
        );
        assert!(matches!(e.kind(), ErrorKind::Duplicate { .. }), "{e}");
    }

    #[test]
    fn toml_syntax_error_has_line() {
        let e = err("[[indicator]]\nid = \"A\"\npolarity = = \"higher\"\n");
        assert_eq!(e.location().line, Some(3), "{e}");
    }

    #[test]
    fn from_path_by_extension() {
        let dir = std::env::temp_dir().join(format!("ragstatus-defs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let toml = dir.join("defs.toml");
        std::fs::write(&toml, GOOD).unwrap();
        let defs = Definitions::from_path(&toml).unwrap();
        let json = dir.join("defs.json");
        std::fs::write(&json, defs.to_json_string().unwrap()).unwrap();
        assert_eq!(Definitions::from_path(&json).unwrap(), defs);
        let e = Definitions::from_path(dir.join("defs.yaml")).unwrap_err();
        assert!(e.location().file.is_some());
        let e = Definitions::from_path(dir.join("missing.toml")).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Io { .. }));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
