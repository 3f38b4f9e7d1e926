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
//! assert_eq!(
//!     defs.get("SW-01").map(|i| i.name.as_str()),
//!     Some("Children looked after with a Personal Education Plan")
//! );
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
//!                            # regression = n (3 <= n <= 60) for a direction by regression,
//!                            # or trend = "recent" for the recent-trend test (not both)
//! # scheme = { measure = "relative_shortfall", bands = [    # optional custom scheme, replaces
//! #     { status = "Green", le = "5" },                     # tolerance and stretch (see the
//! #     { status = "Amber", gt = "5", le = "10" },          # `scheme` module)
//! #     { status = "Red", gt = "10" } ] }
//! spc = { baseline = 12, rebase = ["2015/16 Q1"], shift = 7, trend = 7 }
//!                            # optional statistical process control (XmR chart): `spc = true`
//!                            # for the defaults, or a table: enabled (default true),
//!                            # baseline = k (fix the limits after k >= 12 points),
//!                            # rebase = [period labels where the limits restart],
//!                            # shift / trend = run lengths (default 7, at least 2),
//!                            # screen_outliers (default true)
//! benchmark = { against = "England", method = "wilson", levels = ["95", "99.8"] }
//!                            # optional comparison with a national value (SPEC §8a): against =
//!                            # the comparators-file row holding it (not a member of the group
//!                            # ranked or plotted); method = wilson (proportions) | poisson
//!                            # (crude rates); levels = ["95"] (default) | ["99.8"] | both.
//!                            # The interval is that of the actual's numerator and denominator;
//!                            # comparators with numerator and denominator give a funnel plot,
//!                            # by default around the national value and unadjusted:
//!                            # funnel = { centre = "group", overdispersion = true } centres it
//!                            # on the units' pooled average and widens its limits for
//!                            # overdispersion (Spiegelhalter, 10% winsorised)
//!
//! [[indicator.target]]        # one per fiscal year (targets may differ by year)
//! year = "2015/16"
//! value = "95"               # a single target, or
//! # low = "85", high = "95"  # a range, for polarity = "within", or
//! # annual = "1200", profile = "even"   # flat | even | { values = [...] } | { weights = [...] }
//! stretch = "98"             # optional: Blue when met
//! ```
//!
//! Only `id` and `polarity` are required. Defaults: `name` empty, `group` none, `unit` count,
//! `frequency` quarterly, `aggregation` last, `tolerance` none, no rounding, direction against the
//! previous period with no stable band, no SPC, no benchmark. `basis` defaults to `year_to_date`
//! when a target has an `even` or `weights` profile (they give year-to-date targets) and to
//! `period` otherwise. How an indicator's SPC series, settings and target are chosen is
//! described in [the indicator module](crate::indicator#statistical-process-control).
//! A `[[indicator.target]]` without `year` applies to every fiscal year that has no entry of its
//! own; one with neither `value`, `low`/`high` nor `annual` means "no target that year" (data
//! only). `year` is a fiscal-year label of the calendar (`"2015/16"`; `"2015"` for a January
//! calendar; the other accepted label forms too). JSON files may say `indicators` and
//! `targets` for `indicator` and `target`.
//!
//! # Decimals
//!
//! Every decimal may be written as a string (`"94.95"`) or as a number (`94.95`, `1.5e-3`,
//! TOML's `1_000.5`); either way it is read from its **text**, never through a binary float, so
//! `94.950000000000000001` keeps all its digits. (TOML is read with `toml_edit`, which keeps each
//! number's source text; JSON numbers are quoted with their exact text before parsing. The
//! workspace-wide `arbitrary_precision` feature of `serde_json` is not used: it would change
//! number handling for every crate in the build.) A number a decimal cannot hold exactly
//! (more than 28 decimal places, beyond ±7.9 × 10²⁸, `inf`, `nan`) falls back to the nearest
//! float's shortest text, or is rejected by the field it is given for. The integer settings
//! `start_month`, `decimals`, `regression` and the SPC `baseline`, `shift` and `trend` are plain
//! integers.
//!
//! # Errors
//!
//! Unknown fields, values of the wrong type and bad values are rejected with the path to the
//! field (`indicator[3].tolerance.relative`) in [`Location::field`](crate::Location), the
//! indicator id where known, and the line and column of the offending key in the file (of the
//! table that lacks a missing key), in TOML and in JSON alike; [`Definitions::from_path`] adds
//! the file. Duplicate ids are an [`ErrorKind::Duplicate`] error. Every indicator is
//! [validated](crate::indicator::Indicator::validate) (cross-field rules such as "a within
//! indicator needs range targets"), and target years are checked against the calendar. The
//! `from_*` loaders stop at the first problem; [`Definitions::check_path`] and its `check_*`
//! siblings list every one.
//!
//! A JSON file may name its schema in a top-level `"$schema"` key (see `ragstatus schema`);
//! it is ignored when reading.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, ErrorKind, Result};
use crate::indicator::{Indicator, IndicatorResult, Series};
use crate::period::{FiscalCalendar, Period};
use crate::summary::{RollUp, Summary, SummaryItem};
use crate::value::{INTEGER_KEYS, number_text, numbers_to_text};

/// A fiscal calendar and the indicators defined against it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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

impl Definitions {
    /// Reads definitions from TOML text. The first problem is returned (see
    /// [`check_toml_str`](Definitions::check_toml_str) for all of them), with its line and
    /// column.
    pub fn from_toml_str(text: &str) -> Result<Definitions> {
        Self::check_toml_str(text).map_err(first_problem)
    }

    /// Reads definitions from JSON text. The first problem is returned (see
    /// [`check_json_str`](Definitions::check_json_str) for all of them), with its line and
    /// column.
    pub fn from_json_str(text: &str) -> Result<Definitions> {
        Self::check_json_str(text).map_err(first_problem)
    }

    /// Reads a definitions file: TOML if its name ends in `.toml`, JSON if `.json`. Errors name
    /// the file, the line and the column.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Definitions> {
        Self::check_path(path).map_err(first_problem)
    }

    /// Reads definitions from TOML text and lists **every** problem: each indicator is read
    /// and [validated](Indicator::validate) on its own, so one bad indicator does not hide the
    /// next. Each error names the field (`indicator[3].tolerance.relative`), the indicator id
    /// where known, and the line and column of the offending key (or of the table or array
    /// entry that lacks it).
    ///
    /// ```
    /// use ragstatus::Definitions;
    ///
    /// let problems = Definitions::check_toml_str(
    ///     "[[indicator]]\nid = \"A\"\npolarity = \"sideways\"\n\n\
    ///      [[indicator]]\nid = \"B\"\npolarity = \"higher\"\ntolerance = { absolute = \"-2\" }\n",
    /// )
    /// .err()
    /// .unwrap_or_default();
    /// assert_eq!(problems.len(), 2);
    /// assert_eq!(problems[0].location().line, Some(3));
    /// assert_eq!(problems[1].location().line, Some(8));
    /// assert_eq!(problems[1].location().indicator.as_deref(), Some("B"));
    /// ```
    pub fn check_toml_str(text: &str) -> std::result::Result<Definitions, Vec<Error>> {
        let doc = toml_edit::ImDocument::parse(text).map_err(|e| {
            let err = Error::new(ErrorKind::Syntax {
                format: "TOML".into(),
                message: e.message().to_string(),
            });
            vec![match e.span() {
                Some(span) => at_offset(err, text, span.start),
                None => err,
            }]
        })?;
        let mut positions = Positions::new();
        toml_table_positions(doc.as_table(), "", &mut positions);
        let doc = doc.into_mut();
        let value = toml_table_to_json(doc.as_table());
        Self::check_value(&value, "TOML").map_err(|errors| locate_all(errors, text, &positions))
    }

    /// Reads definitions from JSON text and lists every problem, as
    /// [`check_toml_str`](Definitions::check_toml_str) does.
    pub fn check_json_str(text: &str) -> std::result::Result<Definitions, Vec<Error>> {
        let value: Value = serde_json::from_str(&quote_json_numbers(text)).map_err(|e| {
            let column = e.column();
            let err = Error::from(e);
            vec![if column > 0 && err.location().line.is_some() {
                err.with_column(column.to_string())
            } else {
                err
            }]
        })?;
        let positions = json_positions(text);
        Self::check_value(&numbers_to_text(value, &INTEGER_KEYS), "JSON")
            .map_err(|errors| locate_all(errors, text, &positions))
    }

    /// Reads a definitions file (TOML if its name ends in `.toml`, JSON if `.json`) and lists
    /// every problem, each naming the file and line.
    pub fn check_path(path: impl AsRef<Path>) -> std::result::Result<Definitions, Vec<Error>> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let check: fn(&str) -> std::result::Result<Definitions, Vec<Error>> =
            match extension.as_deref() {
                Some("toml") => Self::check_toml_str,
                Some("json") => Self::check_json_str,
                _ => {
                    return Err(vec![
                        Error::invalid_value(
                            name.clone(),
                            "a definitions file ending in .toml or .json",
                        )
                        .with_file(name),
                    ]);
                }
            };
        let text =
            std::fs::read_to_string(path).map_err(|e| vec![Error::from(e).with_file(&name)])?;
        check(&text).map_err(|errors| {
            errors
                .into_iter()
                .map(|e| e.with_file(name.as_str()))
                .collect()
        })
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
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use ragstatus::{Definitions, Observation, RollUp, Series, Status};
    /// use rust_decimal_macros::dec;
    ///
    /// let defs = Definitions::from_toml_str(r#"
    ///     [[indicator]]
    ///     id = "A"
    ///     group = ["Live Well"]
    ///     polarity = "lower"
    ///     [[indicator.target]]
    ///     value = "10"
    ///     [[indicator]]
    ///     id = "B"
    ///     group = ["Live Well"]
    ///     polarity = "higher"
    ///     frequency = "annual"
    /// "#)?;
    /// let q2 = defs.calendar.parse("2015/16 Q2")?;
    /// let mut actuals = BTreeMap::new();
    /// actuals.insert("A".to_string(), Series::from([(q2, Observation::value(dec!(9)))]));
    /// let evaluation = defs.evaluate(q2, &actuals);
    /// assert!(evaluation.errors.is_empty());
    /// assert_eq!(evaluation.results[0].status, Status::Green);
    /// assert_eq!(evaluation.results[1].status, Status::NotDue);
    /// let summary = evaluation.summary(Some(RollUp::Worst))?;
    /// assert_eq!(summary.group(&["Live Well"]).and_then(|g| g.roll_up), Some(Status::Green));
    /// # Ok::<(), ragstatus::Error>(())
    /// ```
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

    /// Reads the parts of a definitions value one by one, so that every bad indicator is
    /// listed.
    fn check_value(value: &Value, format: &str) -> std::result::Result<Definitions, Vec<Error>> {
        let Value::Object(root) = value else {
            return Err(vec![Error::new(ErrorKind::Syntax {
                format: format.into(),
                message: "expected a table with `calendar` and `indicator` at the top level".into(),
            })]);
        };
        let mut problems = Vec::new();
        let mut list: Option<(&str, &Value)> = None;
        for (key, item) in root {
            match key.as_str() {
                // Editors read the schema a JSON file names; the definitions do not.
                "calendar" | "$schema" => {}
                "indicator" | "indicators" => {
                    if let Some((first, _)) = list {
                        problems.push(
                            Error::new(ErrorKind::Duplicate {
                                what: format!("list of indicators (also `{first}`)"),
                                key: key.clone(),
                            })
                            .with_field(key.as_str()),
                        );
                    } else {
                        list = Some((key.as_str(), item));
                    }
                }
                other => problems.push(
                    Error::new(ErrorKind::Syntax {
                        format: format.into(),
                        message: format!(
                            "unknown field `{other}`, expected `calendar` or `indicator`"
                        ),
                    })
                    .with_field(other),
                ),
            }
        }
        let calendar = match root.get("calendar") {
            Some(c) => read_value::<FiscalCalendar>(c, format)
                .map_err(|e| problems.push(e.with_field("calendar")))
                .unwrap_or_default(),
            None => FiscalCalendar::default(),
        };
        let mut indicators = Vec::new();
        match list {
            None => {}
            Some((key, Value::Array(entries))) => {
                let mut seen: HashMap<&str, usize> = HashMap::new();
                for (i, entry) in entries.iter().enumerate() {
                    let id = entry.get("id").and_then(Value::as_str);
                    let at = |e: Error| {
                        let e = e.with_field(format!("{key}[{i}]"));
                        match id {
                            Some(id) => e.with_indicator(id),
                            None => e,
                        }
                    };
                    if let Some(id) = id {
                        if let Some(first) = seen.insert(id, i) {
                            problems.push(at(Error::new(ErrorKind::Duplicate {
                                what: format!("indicator id (also {key}[{first}])"),
                                key: id.into(),
                            })
                            .with_field("id")));
                        }
                    }
                    match read_value::<Indicator>(entry, format) {
                        Ok(indicator) => match indicator.validate(calendar) {
                            Ok(()) => indicators.push(indicator),
                            Err(e) => problems.push(at(e)),
                        },
                        Err(e) => problems.push(at(e)),
                    }
                }
            }
            Some((key, other)) => {
                if let Err(e) = read_value::<Vec<Indicator>>(other, format) {
                    problems.push(e.with_field(key));
                }
            }
        }
        if problems.is_empty() {
            Ok(Definitions {
                calendar,
                indicators,
            })
        } else {
            Err(problems)
        }
    }
}

/// Reads any ragstatus definition type — a [`Tolerance`](crate::Tolerance), a
/// [`Scheme`](crate::Scheme), a [`TargetSpec`](crate::TargetSpec), an [`Indicator`], ... — from
/// a JSON value, with the errors of the file loaders: a value that fails its own validation
/// keeps its kind ([`ErrorKind::Definition`], [`ErrorKind::Scheme`], ...), anything else is an
/// [`ErrorKind::Syntax`] error, and either names the path to the field.
///
/// ```
/// use ragstatus::{ErrorKind, Tolerance, definitions::from_json_value};
/// let ok: Tolerance = from_json_value(&serde_json::json!({"relative": "5"}))?;
/// assert_eq!(ok, Tolerance::relative(rust_decimal_macros::dec!(5))?);
/// let err = from_json_value::<Tolerance>(&serde_json::json!({"absolute": "-2"})).unwrap_err();
/// assert!(matches!(err.kind(), ErrorKind::Definition { .. }));
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn from_json_value<T: serde::de::DeserializeOwned>(value: &Value) -> Result<T> {
    read_value(value, "JSON")
}

fn read_value<T: serde::de::DeserializeOwned>(value: &Value, format: &str) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        let err = crate::error::recall(&message).unwrap_or_else(|| {
            Error::new(ErrorKind::Syntax {
                format: format.into(),
                message,
            })
        });
        if path != "." && !path.is_empty() {
            err.with_field(path)
        } else {
            err
        }
    })
}

/// The first of a list of problems (the list is never empty when it is an error).
fn first_problem(problems: Vec<Error>) -> Error {
    problems.into_iter().next().unwrap_or_else(|| {
        Error::new(ErrorKind::Syntax {
            format: "definitions".into(),
            message: "the definitions could not be read".into(),
        })
    })
}

/// Where each path of a definitions file (`indicator[2].tolerance.relative`) starts in its
/// text, as a byte offset: of the key for a table entry, of the value for an array element.
type Positions = HashMap<String, usize>;

fn join_key(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn toml_table_positions(table: &toml_edit::Table, prefix: &str, out: &mut Positions) {
    for (key, item) in table.iter() {
        let path = join_key(prefix, key);
        if let Some(span) = table.key(key).and_then(toml_edit::Key::span) {
            out.insert(path.clone(), span.start);
        }
        match item {
            toml_edit::Item::Table(t) => toml_table_positions(t, &path, out),
            toml_edit::Item::ArrayOfTables(a) => {
                for (i, t) in a.iter().enumerate() {
                    let at = format!("{path}[{i}]");
                    if let Some(span) = t.span() {
                        out.insert(at.clone(), span.start);
                    }
                    toml_table_positions(t, &at, out);
                }
            }
            toml_edit::Item::Value(v) => toml_value_positions(v, &path, out),
            toml_edit::Item::None => {}
        }
    }
}

fn toml_value_positions(value: &toml_edit::Value, path: &str, out: &mut Positions) {
    match value {
        toml_edit::Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                let at = format!("{path}[{i}]");
                if let Some(span) = v.span() {
                    out.insert(at.clone(), span.start);
                }
                toml_value_positions(v, &at, out);
            }
        }
        toml_edit::Value::InlineTable(t) => {
            for (key, v) in t.iter() {
                let at = join_key(path, key);
                if let Some(span) = t.key(key).and_then(toml_edit::Key::span) {
                    out.insert(at.clone(), span.start);
                }
                toml_value_positions(v, &at, out);
            }
        }
        _ => {}
    }
}

/// The positions of every key and array element of JSON text that `serde_json` has already
/// accepted (so the scan can be lenient: it stops at anything unexpected). `serde_json` keeps
/// no positions in a `Value`, and the text the definitions are read from has its numbers
/// quoted, which moves columns.
fn json_positions(text: &str) -> Positions {
    let mut scan = JsonScan {
        text,
        at: 0,
        out: Positions::new(),
    };
    scan.value("", 0);
    scan.out
}

struct JsonScan<'a> {
    text: &'a str,
    at: usize,
    out: Positions,
}

impl JsonScan<'_> {
    /// `serde_json`'s own nesting limit: deeper text was rejected before the scan.
    const MAX_DEPTH: usize = 128;

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.at = self.at.saturating_add(1);
        }
    }

    /// Skips a string starting at `self.at` and returns its decoded text.
    fn string(&mut self) -> Option<String> {
        let start = self.at;
        let bytes = self.text.as_bytes();
        let mut i = start.checked_add(1)?;
        loop {
            match bytes.get(i)? {
                b'\\' => i = i.checked_add(2)?,
                b'"' => break,
                _ => i = i.checked_add(1)?,
            }
        }
        self.at = i.checked_add(1)?;
        serde_json::from_str(self.text.get(start..self.at)?).ok()
    }

    fn value(&mut self, path: &str, depth: usize) -> Option<()> {
        if depth > Self::MAX_DEPTH {
            return None;
        }
        self.skip_space();
        match self.peek()? {
            b'{' => {
                self.at = self.at.saturating_add(1);
                loop {
                    self.skip_space();
                    match self.peek()? {
                        b'}' => {
                            self.at = self.at.saturating_add(1);
                            return Some(());
                        }
                        b',' => self.at = self.at.saturating_add(1),
                        b'"' => {
                            let start = self.at;
                            let key = self.string()?;
                            let at = join_key(path, &key);
                            self.out.insert(at.clone(), start);
                            self.skip_space();
                            if self.peek()? != b':' {
                                return None;
                            }
                            self.at = self.at.saturating_add(1);
                            self.value(&at, depth.saturating_add(1))?;
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.at = self.at.saturating_add(1);
                let mut index = 0usize;
                loop {
                    self.skip_space();
                    match self.peek()? {
                        b']' => {
                            self.at = self.at.saturating_add(1);
                            return Some(());
                        }
                        b',' => self.at = self.at.saturating_add(1),
                        _ => {
                            let at = format!("{path}[{index}]");
                            self.out.insert(at.clone(), self.at);
                            self.value(&at, depth.saturating_add(1))?;
                            index = index.saturating_add(1);
                        }
                    }
                }
            }
            b'"' => self.string().map(|_| ()),
            _ => {
                while self
                    .peek()
                    .is_some_and(|b| !matches!(b, b',' | b']' | b'}') && !b.is_ascii_whitespace())
                {
                    self.at = self.at.saturating_add(1);
                }
                Some(())
            }
        }
    }
}

/// Sets the line and column of byte `offset` of `text`.
fn at_offset(err: Error, text: &str, offset: usize) -> Error {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count().saturating_add(1);
    let column = before
        .rsplit('\n')
        .next()
        .map_or(0, |l| l.chars().count())
        .saturating_add(1);
    match u64::try_from(line) {
        Ok(line) => err.with_line(line).with_column(column.to_string()),
        Err(_) => err,
    }
}

/// The path one level up: `indicator[0].target[1]` → `indicator[0].target` → `indicator[0]`.
fn parent_path(path: &str) -> Option<&str> {
    let cut = path.rfind(['.', '['])?;
    path.get(..cut)
}

/// Adds the line and column of the field an error names: the key itself where the file has
/// it, else the nearest enclosing key, table or array entry (a missing field is reported at
/// the table that lacks it). An unknown key named by the parser's message is found too.
fn locate(err: Error, text: &str, positions: &Positions) -> Error {
    if err.location().line.is_some() {
        return err;
    }
    let Some(field) = err.location().field.clone() else {
        return err;
    };
    if let ErrorKind::Syntax { message, .. } = err.kind() {
        let unknown = message
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split('`').next());
        if let Some(&offset) = unknown.and_then(|name| positions.get(&join_key(&field, name))) {
            return at_offset(err, text, offset);
        }
    }
    let mut path = Some(field.as_str());
    while let Some(p) = path {
        if let Some(&offset) = positions.get(p) {
            return at_offset(err, text, offset);
        }
        path = parent_path(p);
    }
    err
}

fn locate_all(errors: Vec<Error>, text: &str, positions: &Positions) -> Vec<Error> {
    errors
        .into_iter()
        .map(|e| locate(e, text, positions))
        .collect()
}

/// The exact decimal text of a number as written (`94.95`, `1e-7` → `0.0000001`), if a
/// [`Decimal`](rust_decimal::Decimal) can hold it exactly.
fn exact_decimal_text(token: &str) -> Option<String> {
    let token = token.strip_prefix('+').unwrap_or(token);
    if token.contains(['e', 'E']) {
        rust_decimal::Decimal::from_scientific(token).ok()
    } else {
        rust_decimal::Decimal::from_str_exact(token).ok()
    }
    .map(|d| d.to_string())
}

/// Puts every JSON number that is not under an [`INTEGER_KEYS`] key in quotes, with its exact
/// decimal text, so that it never passes through a float. Numbers a decimal cannot hold are left
/// alone (and are read as floats). Only the text between tokens changes: lines stay where they
/// were, so syntax errors keep their line numbers.
fn quote_json_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len().saturating_add(64));
    let mut chars = text.char_indices().peekable();
    let mut in_string = false;
    let mut escape = false;
    let mut current = String::new();
    let mut last_string = String::new();
    let mut previous: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        if in_string {
            out.push(c);
            if escape {
                escape = false;
                current.push(c);
            } else if c == '\\' {
                escape = true;
                current.push(c);
            } else if c == '"' {
                in_string = false;
                last_string = std::mem::take(&mut current);
                previous = Some('"');
            } else {
                current.push(c);
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '-' | '0'..='9' if matches!(previous, None | Some(':' | '[' | ',')) => {
                let mut end = i.saturating_add(c.len_utf8());
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_ascii_alphanumeric() || matches!(d, '.' | '+' | '-') {
                        end = j.saturating_add(d.len_utf8());
                        chars.next();
                    } else {
                        break;
                    }
                }
                let token = text.get(i..end).unwrap_or_default();
                let integer_key =
                    previous == Some(':') && INTEGER_KEYS.contains(&last_string.as_str());
                match exact_decimal_text(token).filter(|_| !integer_key) {
                    Some(exact) => {
                        out.push('"');
                        out.push_str(&exact);
                        out.push('"');
                    }
                    None => out.push_str(token),
                }
                previous = Some('0');
            }
            c if c.is_whitespace() => out.push(c),
            c => {
                out.push(c);
                previous = Some(c);
            }
        }
    }
    out
}

/// Converts a TOML table into the JSON shape read by [`Definitions`]. Numbers become their
/// decimal text as written (floats from their source text, never through `f64`), except under
/// [`INTEGER_KEYS`].
fn toml_table_to_json<'a>(
    table: impl IntoIterator<Item = (&'a str, &'a toml_edit::Item)>,
) -> Value {
    Value::Object(
        table
            .into_iter()
            .map(|(k, item)| (k.to_string(), toml_item_to_json(item, Some(k))))
            .collect(),
    )
}

fn toml_item_to_json(item: &toml_edit::Item, key: Option<&str>) -> Value {
    match item {
        toml_edit::Item::None => Value::Null,
        toml_edit::Item::Value(v) => toml_value_to_json(v, key),
        toml_edit::Item::Table(t) => toml_table_to_json(t.iter()),
        toml_edit::Item::ArrayOfTables(a) => {
            Value::Array(a.iter().map(|t| toml_table_to_json(t.iter())).collect())
        }
    }
}

fn toml_value_to_json(value: &toml_edit::Value, key: Option<&str>) -> Value {
    let integer_key = key.is_some_and(|k| INTEGER_KEYS.contains(&k));
    match value {
        toml_edit::Value::String(s) => Value::String(s.value().clone()),
        toml_edit::Value::Integer(i) if integer_key => Value::from(*i.value()),
        toml_edit::Value::Integer(i) => Value::String(i.value().to_string()),
        toml_edit::Value::Float(f) => {
            let raw = f.display_repr().replace('_', "");
            match exact_decimal_text(&raw) {
                Some(exact) if !integer_key => Value::String(exact),
                // Not representable exactly (inf, nan, too many digits) or an integer setting:
                // the float, which the field's reader then accepts or rejects with its path.
                _ => serde_json::Number::from_f64(*f.value())
                    .map(|n| {
                        if integer_key {
                            Value::Number(n)
                        } else {
                            Value::String(number_text(&n))
                        }
                    })
                    .unwrap_or(Value::String(raw)),
            }
        }
        toml_edit::Value::Boolean(b) => Value::Bool(*b.value()),
        toml_edit::Value::Datetime(d) => Value::String(d.value().to_string()),
        toml_edit::Value::Array(a) => {
            Value::Array(a.iter().map(|v| toml_value_to_json(v, key)).collect())
        }
        toml_edit::Value::InlineTable(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.to_string(), toml_value_to_json(v, Some(k))))
                .collect(),
        ),
    }
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
    fn numbers_never_pass_through_floats() {
        // 20 significant digits: a float would keep only about 17.
        let long = dec!(94.950000000000000001);
        let toml = "[[indicator]]\nid = \"A\"\npolarity = \"higher\"\ntolerance = { absolute = 1_000.5e-3 }\n\
                    [[indicator.target]]\nvalue = 94.950000000000000001\nstretch = +98\n";
        let defs = Definitions::from_toml_str(toml).unwrap();
        let a = &defs.indicators[0];
        assert_eq!(
            a.targets[0].target_for(1, 4).unwrap(),
            Some(crate::Target::Value(long))
        );
        assert_eq!(a.targets[0].stretch(), Some(dec!(98)));
        assert_eq!(a.tolerance, crate::Tolerance::Absolute(dec!(1.0005)));
        let json = r#"{"calendar": {"start_month": 7}, "indicator": [{"id": "A", "polarity": "higher",
            "decimals": 2, "tolerance": {"absolute": 1.0005E0},
            "target": [{"value": 94.950000000000000001, "stretch": -0}]}]}"#;
        let defs = Definitions::from_json_str(json).unwrap();
        let a = &defs.indicators[0];
        assert_eq!(defs.calendar.start_month(), 7);
        assert_eq!(a.decimals, Some(2));
        assert_eq!(
            a.targets[0].target_for(1, 4).unwrap(),
            Some(crate::Target::Value(long))
        );
        assert_eq!(a.tolerance, crate::Tolerance::Absolute(dec!(1.0005)));
    }

    #[test]
    fn json_number_quoting_leaves_strings_alone() {
        let text = r#"{"a": [1, -2.5, "3", "x\"4"], "decimals": 2, "b": {"c": 1e2}}"#;
        assert_eq!(
            quote_json_numbers(text),
            r#"{"a": ["1", "-2.5", "3", "x\"4"], "decimals": 2, "b": {"c": "100"}}"#
        );
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
    fn validation_inside_values_keeps_its_kind() {
        let e = err(
            "[[indicator]]\nid = \"A\"\npolarity = \"higher\"\ntolerance = { absolute = \"-2\" }\n",
        );
        assert!(matches!(e.kind(), ErrorKind::Definition { .. }), "{e:?}");
        assert_eq!(
            e.location().field.as_deref(),
            Some("indicator[0].tolerance.absolute")
        );
        assert_eq!(e.location().indicator.as_deref(), Some("A"));
        let e = err(
            "[[indicator]]\nid = \"B\"\npolarity = \"higher\"\nscheme = { measure = \"shortfall\", bands = [ { status = \"Green\", lt = \"0\" }, { status = \"Red\", gt = \"1\" } ] }\n",
        );
        assert!(
            matches!(e.kind(), ErrorKind::Scheme { band: 1, .. }),
            "{e:?}"
        );
        let e = err(
            "[[indicator]]\nid = \"C\"\npolarity = \"higher\"\n[[indicator.target]]\nyear = \"2015/17\"\nvalue = \"3\"\n",
        );
        assert!(matches!(e.kind(), ErrorKind::PeriodLabel { .. }), "{e:?}");
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
