//! Budget variance (SPEC §10): `BudgetLine`, `BudgetSettings`, `roll_up`, `BudgetReport`,
//! `BudgetResult`, `evaluate_budget_line`, `parse_amount` and `read_budget_csv`.
//!
//! From Python:
//! - amounts are numbers as everywhere in ragstatus (`Decimal`, `int`, decimal text, or a float
//!   taken as its shortest repr), in pounds;
//! - `kind` is `"expenditure"`, `"income"` or `"net"`; `base` is `"gross"` or
//!   `"net_controllable"`; a status is its name (`"Red"`, `"Amber"`, `"Green"`);
//! - a group path is a list of names, outermost first, or one text with the names separated by
//!   `>` (`"Place > Highways"`), as in the CSV files;
//! - settings are a `BudgetSettings` or a dict in the shape of the definition files
//!   (`{"fund": "General Fund", "levels": [{"name": "fund", "red": {"either": {"percent": "0.5",
//!   "absolute": 1000000}}}, ...]}`).
//!
//! Invalid lines do not stop a roll-up: they are listed in `BudgetReport.errors` as exception
//! instances (never raised), as the core does. The CSV reader returns `(lines, errors)` likewise.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use ragstatus::budget::{
    AmountUnit, AppliedThreshold, BudgetCsvOptions, BudgetLine, BudgetReport, BudgetResult,
    BudgetSettings, DerivedColumns, LevelThresholds, LineKind, RatingBase, Threshold,
    evaluate_line, parse_amount as core_parse_amount, read_budget_csv as read_csv,
    roll_up as core_roll_up,
};
use ragstatus::input::NumberForm;
use ragstatus::{Decimal, Error, ErrorKind};

use crate::conv::json::variant_name;
use crate::conv::json::{from_plain, to_json_text, to_py};
use crate::conv::number::{Actual, decimal_in, extract_actual, opt_decimal_in};
use crate::conv::repr::{dec_repr, quote};
use crate::conv::scalar::{extract_opt_text, extract_text};
use crate::conv::source::read_source;
use crate::conv::{describe, in_field, items};
use crate::errors::{IntoPyResult, PyErrWrapper, errors_to_py, invalid};
use crate::protocol::pyclass_methods;

// --- enums as text ------------------------------------------------------------------------------

fn parse_kind(obj: &Bound<'_, PyAny>) -> PyResult<LineKind> {
    let text = extract_text(obj, "kind")?;
    match text.trim().to_ascii_lowercase().as_str() {
        "expenditure" => Ok(LineKind::Expenditure),
        "income" => Ok(LineKind::Income),
        "net" => Ok(LineKind::Net),
        _ => Err(in_field(
            obj.py(),
            invalid(text, "\"expenditure\", \"income\" or \"net\""),
            "kind",
        )),
    }
}

fn parse_base(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<RatingBase> {
    let text = extract_text(obj, field)?;
    match text.trim().to_ascii_lowercase().as_str() {
        "gross" => Ok(RatingBase::Gross),
        "net_controllable" | "net controllable" => Ok(RatingBase::NetControllable),
        _ => Err(in_field(
            obj.py(),
            invalid(text, "\"gross\" or \"net_controllable\""),
            field,
        )),
    }
}

fn parse_unit(obj: &Bound<'_, PyAny>) -> PyResult<AmountUnit> {
    let text = extract_text(obj, "unit")?;
    match text.trim().to_ascii_lowercase().as_str() {
        "pounds" | "£" | "gbp" => Ok(AmountUnit::Pounds),
        "thousands" | "£'000" | "£000" | "000" => Ok(AmountUnit::Thousands),
        "millions" | "£m" | "m" => Ok(AmountUnit::Millions),
        _ => Err(in_field(
            obj.py(),
            invalid(
                text,
                "\"pounds\", \"thousands\" (£'000) or \"millions\" (£m)",
            ),
            "unit",
        )),
    }
}

fn group_of(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<String>> {
    let Some(obj) = obj else {
        return Ok(Vec::new());
    };
    if obj.is_none() {
        return Ok(Vec::new());
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_cow()?;
        if text.trim().is_empty() {
            return Ok(Vec::new());
        }
        return Ok(text.split('>').map(|g| g.trim().to_string()).collect());
    }
    if let Ok(Actual::Missing) = extract_actual(obj) {
        return Ok(Vec::new());
    }
    items(obj, "group")?
        .iter()
        .map(|g| extract_text(g, "group"))
        .collect()
}

// --- BudgetLine ---------------------------------------------------------------------------------

/// One line of a budget-monitoring report; amounts in pounds. Built without checks (a roll-up
/// lists an invalid line among its errors); `validate()` checks it alone.
#[pyclass(name = "BudgetLine", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyBudgetLine(pub BudgetLine);

pyclass_methods! {
    PyBudgetLine(BudgetLine);
    protocol [to_dict, to_json, from_json, hash, reduce];
    fields {
        /// Unique id.
        id: String,
        /// Display name (empty: the id is shown).
        name: String,
        /// Group path, outermost first.
        group: Vec<String>,
        /// Current budget.
        budget: Decimal,
        /// Original budget, if kept.
        original_budget: Option<Decimal>,
        /// Actual to date, if known.
        actual: Option<Decimal>,
        /// Forecast outturn.
        forecast: Decimal,
        /// Previous forecast, if known.
        previous_forecast: Option<Decimal>,
        /// The amount percent thresholds are taken of, when not the line's own budget.
        base_budget: Option<Decimal>,
        /// Commentary.
        note: Option<String>,
        /// `"expenditure"`, `"income"` or `"net"`.
        kind as str,
        /// `"gross"` or `"net_controllable"`.
        base as str,
    }
    methods {
        #[new]
        #[pyo3(signature = (
            id, kind, base, budget, forecast, *, name = None, group = None, original_budget = None,
            actual = None, previous_forecast = None, base_budget = None, note = None
        ))]
        #[allow(clippy::too_many_arguments)]
        fn new(
            id: &Bound<'_, PyAny>,
            kind: &Bound<'_, PyAny>,
            base: &Bound<'_, PyAny>,
            budget: &Bound<'_, PyAny>,
            forecast: &Bound<'_, PyAny>,
            name: Option<&Bound<'_, PyAny>>,
            group: Option<&Bound<'_, PyAny>>,
            original_budget: Option<&Bound<'_, PyAny>>,
            actual: Option<&Bound<'_, PyAny>>,
            previous_forecast: Option<&Bound<'_, PyAny>>,
            base_budget: Option<&Bound<'_, PyAny>>,
            note: Option<&Bound<'_, PyAny>>,
        ) -> PyResult<Self> {
            build_line(
                [id, kind, base, budget, forecast],
                [
                    name,
                    group,
                    original_budget,
                    actual,
                    previous_forecast,
                    base_budget,
                    note,
                ],
            )
            .map(PyBudgetLine)
        }

        /// Checks the line alone; raises a `RagstatusError` naming the line when it is invalid.
        fn validate(&self) -> PyResult<()> {
            self.0.validate().py()
        }

        /// Reads a line from plain data in the shape `to_dict` writes.
        #[staticmethod]
        fn from_dict(data: &Bound<'_, PyAny>) -> PyResult<Self> {
            extract_line(data).map(PyBudgetLine)
        }

        fn __repr__(&self) -> String {
            format!(
                "BudgetLine(id={}, kind='{}', base='{}', budget=Decimal('{}'), forecast=Decimal('{}'))",
                quote(&self.0.id),
                self.0.kind.as_str(),
                self.0.base.as_str(),
                self.0.budget,
                self.0.forecast
            )
        }
    }
}

/// The required fields of a budget line, in the order [`build_line`] takes them.
const LINE_REQUIRED: [&str; 5] = ["id", "kind", "base", "budget", "forecast"];
/// The optional fields of a budget line, in the order [`build_line`] takes them.
const LINE_OPTIONAL: [&str; 7] = [
    "name",
    "group",
    "original_budget",
    "actual",
    "previous_forecast",
    "base_budget",
    "note",
];

/// A budget line from its fields, each read as a Python value (errors name the field and the
/// line).
fn build_line(
    required: [&Bound<'_, PyAny>; 5],
    optional: [Option<&Bound<'_, PyAny>>; 7],
) -> PyResult<BudgetLine> {
    let [id, kind, base, budget, forecast] = required;
    let [
        name,
        group,
        original_budget,
        actual,
        previous_forecast,
        base_budget,
        note,
    ] = optional;
    let id = extract_text(id, "id")?;
    let locate = |e: PyErr| -> PyErr {
        Python::attach(|py| {
            let value = e.value(py);
            if value
                .getattr("indicator")
                .map(|v| v.is_none())
                .unwrap_or(false)
            {
                let _ = value.setattr("indicator", id.as_str());
            }
        });
        e
    };
    let line = BudgetLine {
        id: id.clone(),
        name: extract_opt_text(name, "name")
            .map_err(locate)?
            .unwrap_or_default(),
        group: group_of(group).map_err(locate)?,
        kind: parse_kind(kind).map_err(locate)?,
        base: parse_base(base, "base").map_err(locate)?,
        budget: decimal_in(budget, "budget").map_err(locate)?,
        original_budget: opt_decimal_in(original_budget, "original_budget").map_err(locate)?,
        actual: opt_decimal_in(actual, "actual").map_err(locate)?,
        forecast: decimal_in(forecast, "forecast").map_err(locate)?,
        previous_forecast: opt_decimal_in(previous_forecast, "previous_forecast")
            .map_err(locate)?,
        base_budget: opt_decimal_in(base_budget, "base_budget").map_err(locate)?,
        note: extract_opt_text(note, "note").map_err(locate)?,
    };
    Ok(line)
}

/// A budget line from a dict of its fields, read like the constructor's arguments (amounts as
/// numbers or text, the group as a list or as text joined by " > "); an unknown key is an error.
fn line_from_dict(d: &Bound<'_, PyDict>) -> PyResult<BudgetLine> {
    for key in d.keys() {
        let known = key
            .cast::<PyString>()
            .ok()
            .and_then(|k| k.to_cow().ok().map(|k| k.to_string()))
            .is_some_and(|k| {
                LINE_REQUIRED.contains(&k.as_str()) || LINE_OPTIONAL.contains(&k.as_str())
            });
        if !known {
            return Err(invalid(
                describe(&key),
                "a budget line field: id, kind, base, budget, forecast, name, group, \
                 original_budget, actual, previous_forecast, base_budget or note",
            ));
        }
    }
    let mut required: Vec<Bound<'_, PyAny>> = Vec::with_capacity(5);
    for name in LINE_REQUIRED {
        match d.get_item(name)? {
            Some(v) if !v.is_none() => required.push(v),
            _ => {
                return Err(PyErrWrapper(
                    Error::new(ErrorKind::Missing { field: name.into() }).with_field(name),
                )
                .into());
            }
        }
    }
    let mut optional: [Option<Bound<'_, PyAny>>; 7] = Default::default();
    for (slot, name) in optional.iter_mut().zip(LINE_OPTIONAL) {
        *slot = d.get_item(name)?;
    }
    let [id, kind, base, budget, forecast] = required.as_slice() else {
        return Err(invalid("a budget line", "its five required fields"));
    };
    let [a, b, c, e, f, g, h] = &optional;
    build_line(
        [id, kind, base, budget, forecast],
        [
            a.as_ref(),
            b.as_ref(),
            c.as_ref(),
            e.as_ref(),
            f.as_ref(),
            g.as_ref(),
            h.as_ref(),
        ],
    )
}

fn extract_line(obj: &Bound<'_, PyAny>) -> PyResult<BudgetLine> {
    if let Ok(line) = obj.cast::<PyBudgetLine>() {
        return Ok(line.get().0.clone());
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        return line_from_dict(d);
    }
    Err(invalid(
        describe(obj),
        "a BudgetLine or a dict of its fields",
    ))
}

// --- settings -----------------------------------------------------------------------------------

/// How budget lines roll up and are rated: the fund's name and the thresholds per level, from
/// the top (fund, directorate, ..., service). The default is the commonly published key.
#[pyclass(name = "BudgetSettings", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyBudgetSettings(pub BudgetSettings);

pyclass_methods! {
    PyBudgetSettings(BudgetSettings);
    protocol [to_dict, to_json, from_json_validated, hash, reduce];
    fields {
        /// The name of the root total.
        fund: String,
        /// The levels as plain data (decimals as text), from the top.
        levels as data,
    }
    methods {
        #[new]
        #[pyo3(signature = (fund = None, levels = None))]
        fn new(fund: Option<&Bound<'_, PyAny>>, levels: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
            let mut settings = BudgetSettings::default();
            if let Some(fund) = extract_opt_text(fund, "fund")? {
                settings.fund = fund;
            }
            if let Some(levels) = levels.filter(|l| !l.is_none()) {
                let list = PyList::empty(levels.py());
                for level in items(levels, "levels")? {
                    list.append(level)?;
                }
                settings.levels = from_plain(list.as_any(), &[])?;
            }
            settings.validate().py()?;
            Ok(PyBudgetSettings(settings))
        }

        /// The names of the levels, from the top.
        #[getter]
        fn level_names(&self) -> Vec<String> {
            self.0.levels.iter().map(|l| l.name.clone()).collect()
        }

        /// Reads settings from plain data (`{"fund": ..., "levels": [...]}`).
        #[staticmethod]
        fn from_dict(data: &Bound<'_, PyAny>) -> PyResult<Self> {
            let settings: BudgetSettings = from_plain(data, &[])?;
            settings.validate().py()?;
            Ok(PyBudgetSettings(settings))
        }

        /// Reads settings from TOML text (`fund = ...` and `[[levels]]` tables).
        #[staticmethod]
        fn from_toml(#[pyo3(from_py_with = crate::conv::scalar::text)] text: String) -> PyResult<Self> {
            let settings: BudgetSettings = toml::from_str(&text)
                .map_err(|e| {
                    Error::new(ragstatus::ErrorKind::Syntax {
                        format: "TOML".into(),
                        message: e.to_string(),
                    })
                })
                .py()?;
            settings.validate().py()?;
            Ok(PyBudgetSettings(settings))
        }

        fn __repr__(&self) -> String {
            format!(
                "BudgetSettings(fund={}, levels=[{}])",
                quote(&self.0.fund),
                self.level_names()
                    .iter()
                    .map(|n| quote(n))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    }
}

fn extract_settings(obj: Option<&Bound<'_, PyAny>>) -> PyResult<BudgetSettings> {
    match obj {
        None => Ok(BudgetSettings::default()),
        Some(o) if o.is_none() => Ok(BudgetSettings::default()),
        Some(o) => {
            if let Ok(s) = o.cast::<PyBudgetSettings>() {
                return Ok(s.get().0.clone());
            }
            if o.is_instance_of::<PyDict>() {
                return from_plain(o, &[]).map_err(|e| in_field(o.py(), e, "settings"));
            }
            Err(invalid(
                describe(o),
                "a BudgetSettings or a dict of settings",
            ))
        }
    }
}

// --- results ------------------------------------------------------------------------------------

fn threshold_to_py<'py>(py: Python<'py>, t: &Threshold) -> PyResult<Bound<'py, PyAny>> {
    let pair = |percent: Decimal, absolute: Decimal| -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("percent", percent)?;
        d.set_item("absolute", absolute)?;
        Ok(d)
    };
    let d = PyDict::new(py);
    match *t {
        Threshold::Any => return Ok(PyString::new(py, "any").into_any()),
        Threshold::Percent(p) => d.set_item("percent", p)?,
        Threshold::Absolute(a) => d.set_item("absolute", a)?,
        Threshold::Either { percent, absolute } => {
            d.set_item("either", pair(percent, absolute)?)?
        }
        Threshold::Both { percent, absolute } => d.set_item("both", pair(percent, absolute)?)?,
    }
    Ok(d.into_any())
}

fn applied_to_py<'py>(py: Python<'py>, a: &AppliedThreshold) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("level", &a.level)?;
    d.set_item("role", to_py(py, &a.role)?)?;
    d.set_item("threshold", threshold_to_py(py, &a.threshold)?)?;
    d.set_item("amount", a.amount)?;
    d.set_item("binding", to_py(py, &a.binding)?)?;
    d.set_item("reached", a.reached)?;
    Ok(d)
}

/// The evaluation of one budget line or one total of the roll-up.
#[pyclass(name = "BudgetResult", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyBudgetResult(pub BudgetResult);

pyclass_methods! {
    PyBudgetResult(BudgetResult);
    protocol [status, to_dict, to_json, from_json, hash, reduce];
    fields {
        /// The line id; for a total its path joined with " > "; for the fund its name.
        id: String,
        /// The line's name, or the last segment of a total's path, or the fund's name.
        name: String,
        /// A line's group path, or a total's path (empty for the fund).
        path: Vec<String>,
        /// The name of the level whose thresholds applied.
        level: String,
        /// True for a total.
        total: bool,
        /// The amount percent thresholds were taken of.
        base_amount: Decimal,
        /// Current budget.
        budget: Decimal,
        /// Original budget (for a total: when known for every line).
        original_budget: Option<Decimal>,
        /// Actual to date (for a total: when known for every line).
        actual: Option<Decimal>,
        /// Forecast outturn.
        forecast: Decimal,
        /// Previous forecast (for a total: when known for every line).
        previous_forecast: Option<Decimal>,
        /// forecast − budget.
        variance: Decimal,
        /// variance ÷ |budget| × 100 to two places; None at a zero budget.
        variance_percent: Option<Decimal>,
        /// forecast − previous forecast.
        movement: Option<Decimal>,
        /// A favourable variance at or beyond the underspend threshold.
        significant_underspend: bool,
        /// The number of lines summed (1 for a line).
        line_count: usize,
        /// Ids of invalid lines left out of this total.
        excluded: Vec<String>,
        /// `"expenditure"`, `"income"` or `"net"` (`"net"` for totals).
        kind as str,
        /// `"gross"` or `"net_controllable"`.
        base as str,
    }
    methods {
        /// `"adverse"`, `"favourable"` or `"breakeven"`.
        #[getter]
        fn direction(&self) -> String {
            variant_name(&self.0.direction)
        }
        /// Whether the movement is `"adverse"`, `"favourable"` or `"breakeven"`.
        #[getter]
        fn movement_direction(&self) -> Option<String> {
            self.0.movement_direction.map(|d| variant_name(&d))
        }
        /// The rule that fired: `"breakeven"`, `"favourable"`, `"significant_underspend"`,
        /// `"below_amber"`, `"amber_reached"` or `"red_reached"`.
        #[getter]
        fn rule(&self) -> String {
            variant_name(&self.0.explanation.rule)
        }
        /// The adverse amount (0 when not adverse).
        #[getter]
        fn adverse_amount(&self) -> Decimal {
            self.0.explanation.adverse_amount
        }
        /// The favourable amount (0 when not favourable).
        #[getter]
        fn favourable_amount(&self) -> Decimal {
            self.0.explanation.favourable_amount
        }
        /// The thresholds compared, in order: dicts with `level`, `role`, `threshold`, `amount`,
        /// `binding` and `reached`.
        #[getter]
        fn thresholds<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
            self.0
                .explanation
                .thresholds
                .iter()
                .map(|a| applied_to_py(py, a))
                .collect()
        }
        /// The plain-English explanation.
        #[getter]
        fn sentence(&self) -> String {
            self.0.explanation.sentence.clone()
        }

        fn __repr__(&self) -> String {
            format!(
                "BudgetResult(id={}, status='{}', variance=Decimal('{}'), variance_percent={}, level={})",
                quote(&self.0.id),
                self.0.status.as_str(),
                self.0.variance,
                dec_repr(self.0.variance_percent),
                quote(&self.0.level)
            )
        }
    }
}

/// The roll-up of budget lines: `BudgetReport(lines, settings=None)` is `roll_up(lines,
/// settings)`. Every valid line's result, every total (the fund first), and an exception
/// instance for every line left out.
#[pyclass(name = "BudgetReport", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyBudgetReport {
    inputs: Vec<BudgetLine>,
    settings: BudgetSettings,
    report: BudgetReport,
}

fn roll(lines: &Bound<'_, PyAny>, settings: Option<&Bound<'_, PyAny>>) -> PyResult<PyBudgetReport> {
    let settings = extract_settings(settings)?;
    let inputs = items(lines, "lines")?
        .iter()
        .map(extract_line)
        .collect::<PyResult<Vec<_>>>()?;
    let report = lines
        .py()
        .detach(|| core_roll_up(&inputs, &settings))
        .py()?;
    Ok(PyBudgetReport {
        inputs,
        settings,
        report,
    })
}

#[pymethods]
impl PyBudgetReport {
    #[new]
    #[pyo3(signature = (lines, settings = None))]
    fn new(lines: &Bound<'_, PyAny>, settings: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        roll(lines, settings)
    }

    /// Every valid line's result, in input order.
    #[getter]
    fn lines(&self) -> Vec<PyBudgetResult> {
        self.report
            .lines
            .iter()
            .cloned()
            .map(PyBudgetResult)
            .collect()
    }

    /// The fund total first, then every group total (a group before its sub-groups).
    #[getter]
    fn totals(&self) -> Vec<PyBudgetResult> {
        self.report
            .totals
            .iter()
            .cloned()
            .map(PyBudgetResult)
            .collect()
    }

    /// Lines and totals together: lines first.
    #[getter]
    fn results(&self) -> Vec<PyBudgetResult> {
        self.report
            .lines
            .iter()
            .chain(&self.report.totals)
            .cloned()
            .map(PyBudgetResult)
            .collect()
    }

    /// One exception instance (a `RagstatusError`, not raised) per line left out.
    #[getter]
    fn errors(&self, py: Python<'_>) -> Vec<Py<PyAny>> {
        errors_to_py(py, &self.report.errors)
    }

    /// The fund total.
    #[getter]
    fn fund(&self) -> Option<PyBudgetResult> {
        self.report.fund().cloned().map(PyBudgetResult)
    }

    /// The settings used.
    #[getter]
    fn settings(&self) -> PyBudgetSettings {
        PyBudgetSettings(self.settings.clone())
    }

    /// The result with this id (a line id, a total's path joined with " > ", or the fund's
    /// name), or None.
    fn get(&self, id: &Bound<'_, PyAny>) -> Option<PyBudgetResult> {
        let id = id.cast::<PyString>().ok()?.to_cow().ok()?.to_string();
        self.report.get(&id).cloned().map(PyBudgetResult)
    }

    /// The JSON form (lines and totals; not the errors) as plain Python data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.report)
    }

    /// The JSON text (lines and totals; not the errors).
    fn to_json(&self) -> PyResult<String> {
        to_json_text(&self.report)
    }

    fn __len__(&self) -> usize {
        self.report
            .lines
            .len()
            .saturating_add(self.report.totals.len())
    }

    fn __repr__(&self) -> String {
        format!(
            "BudgetReport(lines={}, totals={}, errors={}, fund={})",
            self.report.lines.len(),
            self.report.totals.len(),
            self.report.errors.len(),
            match self.report.fund() {
                Some(f) => format!("'{}'", f.status.as_str()),
                None => "None".into(),
            }
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let me = slf.get();
        let lines: Vec<PyBudgetLine> = me.inputs.iter().cloned().map(PyBudgetLine).collect();
        let settings = PyBudgetSettings(me.settings.clone());
        (py.get_type::<PyBudgetReport>(), (lines, settings)).into_pyobject(py)
    }
}

// --- functions ----------------------------------------------------------------------------------

/// Evaluates every line and every total up the group paths (SPEC §10). `lines` holds
/// `BudgetLine`s or dicts of their fields; `settings` a `BudgetSettings`, a dict, or None for
/// the default key. Invalid lines are listed in `errors`; invalid settings or sums that
/// overflow raise.
#[pyfunction]
#[pyo3(signature = (lines, settings = None))]
fn roll_up(
    lines: &Bound<'_, PyAny>,
    settings: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyBudgetReport> {
    roll(lines, settings)
}

/// Evaluates one line alone with one level's thresholds (a dict such as `{"name": "service",
/// "red": {"absolute": 100000}}`; by default the last level of the default settings).
#[pyfunction]
#[pyo3(signature = (line, level = None))]
fn evaluate_budget_line(
    line: &Bound<'_, PyAny>,
    level: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyBudgetResult> {
    let line = extract_line(line)?;
    let level: LevelThresholds = match level {
        Some(l) if !l.is_none() => from_plain(l, &[]).map_err(|e| in_field(l.py(), e, "level"))?,
        _ => BudgetSettings::default()
            .line_level()
            .cloned()
            .ok_or_else(|| PyErr::from(PyErrWrapper(Error::definition("no default level"))))?,
    };
    evaluate_line(&line, &level).py().map(PyBudgetResult)
}

/// Reads one published amount (`46,267`, `(443)`, `£1,234.50`, `-443`) in `unit`
/// (`"pounds"`, `"thousands"` for £'000, `"millions"` for £m) and returns it in pounds,
/// exactly. A unit written on the amount (`£1.2m`, `£450k`) wins over `unit`.
#[pyfunction]
#[pyo3(signature = (text, unit = None))]
fn parse_amount(text: &Bound<'_, PyAny>, unit: Option<&Bound<'_, PyAny>>) -> PyResult<Decimal> {
    let text = extract_text(text, "text")?;
    let unit = match unit {
        Some(u) if !u.is_none() => parse_unit(u)?,
        _ => AmountUnit::Pounds,
    };
    core_parse_amount(&text, unit).py()
}

/// Reads a number written as text, exactly as every ragstatus reader does (the CSV readers, the
/// frame functions, `to_decimal`): `form` is `"plain"` (`44.1`, `-3`, `4.41e1`, `1,842`),
/// `"amount"` (a published amount in `unit`, returned in pounds) or `"percent"` (`1.4%`,
/// `(1.4%)`). Never rounds: text with more digits than a decimal holds is refused.
#[pyfunction]
#[pyo3(signature = (text, form = None, unit = None))]
fn parse_number(
    text: &Bound<'_, PyAny>,
    form: Option<&Bound<'_, PyAny>>,
    unit: Option<&Bound<'_, PyAny>>,
) -> PyResult<Decimal> {
    let text = extract_text(text, "text")?;
    let form = match form {
        Some(f) if !f.is_none() => extract_text(f, "form")?,
        _ => "plain".into(),
    };
    let form = form.as_str();
    let unit = match unit {
        Some(u) if !u.is_none() => Some(parse_unit(u)?),
        _ => None,
    };
    let form = match (form, unit) {
        ("plain", None) => NumberForm::Plain,
        ("percent", None) => NumberForm::Percent,
        ("amount", unit) => NumberForm::Amount(unit.unwrap_or(AmountUnit::Pounds)),
        ("plain" | "percent", Some(_)) => {
            return Err(invalid(
                format!("unit for form {form:?}"),
                "no unit: only amounts have one",
            ));
        }
        _ => {
            return Err(invalid(
                form,
                "a form: \"plain\", \"amount\" or \"percent\"",
            ));
        }
    };
    ragstatus::input::parse_number(&text, form).py()
}

/// Reads budget lines from CSV as councils publish them: `source` is CSV text (with a line
/// break), bytes, a path or an open file. Returns `(lines, errors)`: every good line, and an
/// exception instance for every bad cell of every bad row, naming file, line, column and the
/// text found. A bad header raises.
#[pyfunction]
#[pyo3(signature = (source, unit = None, *, default_base = None, derived = None, file = None))]
fn read_budget_csv(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    unit: Option<&Bound<'_, PyAny>>,
    default_base: Option<&Bound<'_, PyAny>>,
    derived: Option<&Bound<'_, PyAny>>,
    file: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Vec<PyBudgetLine>, Vec<Py<PyAny>>)> {
    let unit = match unit {
        Some(u) if !u.is_none() => parse_unit(u)?,
        _ => AmountUnit::Pounds,
    };
    let default_base = match default_base {
        Some(b) if !b.is_none() => Some(parse_base(b, "default_base")?),
        _ => None,
    };
    let derived = match extract_opt_text(derived, "derived")? {
        None => DerivedColumns::Check,
        Some(d) => match d.trim().to_ascii_lowercase().as_str() {
            "check" => DerivedColumns::Check,
            "ignore" => DerivedColumns::Ignore,
            _ => {
                return Err(in_field(
                    py,
                    invalid(d, "\"check\" or \"ignore\""),
                    "derived",
                ));
            }
        },
    };
    let file = extract_opt_text(file, "file")?;
    let (bytes, path) = read_source(source)?;
    let options = BudgetCsvOptions {
        unit,
        default_base,
        derived,
        file: file.or(path),
    };
    let read = py.detach(|| read_csv(bytes.as_slice(), &options)).py()?;
    let lines = read.lines.into_iter().map(PyBudgetLine).collect();
    Ok((lines, errors_to_py(py, &read.errors)))
}

/// Adds the classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyBudgetLine>()?;
    m.add_class::<PyBudgetSettings>()?;
    m.add_class::<PyBudgetResult>()?;
    m.add_class::<PyBudgetReport>()?;
    m.add_function(wrap_pyfunction!(roll_up, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate_budget_line, m)?)?;
    m.add_function(wrap_pyfunction!(parse_amount, m)?)?;
    m.add_function(wrap_pyfunction!(parse_number, m)?)?;
    m.add_function(wrap_pyfunction!(read_budget_csv, m)?)?;
    Ok(())
}
