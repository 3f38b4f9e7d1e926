//! Indicator definitions and their evaluation (SPEC §2-§7): `Definitions`, `Indicator`,
//! `IndicatorResult` and `Evaluation`.
//!
//! `Definitions` load from a file path (`.toml` or `.json`, given as `str` or `pathlib.Path`),
//! from TOML or JSON text, or from a plain dict in the same shape. Actuals for an evaluation are
//! a dict from indicator id to a series, and a series is a dict from period (label or `Period`)
//! to an observation: a number, a `(numerator, denominator)` pair, or a dict `{"value"}` /
//! `{"numerator", "denominator"}`. A missing observation (None, NaN) is simply not recorded.

use std::collections::BTreeMap;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use ragstatus::{
    Decimal, Definitions, Evaluation, FiscalCalendar, Indicator, IndicatorResult, Period, Series,
};

use crate::conv::describe;
use crate::conv::json::variant_name;
use crate::conv::json::{from_py, py_to_json, to_py};
use crate::conv::number::extract_observation;
use crate::conv::repr::dec_repr;
use crate::direction::PyTravel;
use crate::errors::errors_to_py;
use crate::errors::{IntoPyResult, PyErrWrapper, invalid};
use crate::period::{PyFiscalCalendar, PyPeriod, extract_period};
use crate::protocol::pyclass_methods;
use crate::rating::{PyRating, PyRule, PyTargetSpec, target_to_py};
use crate::summary::PySummary;

/// Reads a series: `{period: observation}`; missing observations are left out.
pub fn extract_series(obj: &Bound<'_, PyAny>, calendar: FiscalCalendar) -> PyResult<Series> {
    let Ok(dict) = obj.cast::<PyDict>() else {
        return Err(invalid(
            describe(obj),
            "a series: a dict from period to observation",
        ));
    };
    let mut series = Series::new();
    for (period, observation) in dict.iter() {
        let period: Period = extract_period(&period, calendar)?;
        let label = period.label();
        match extract_observation(&observation).map_err(|e| with_period(obj.py(), e, &label))? {
            Some(obs) => {
                if series.insert(period, obs).is_some() {
                    return Err(PyErrWrapper(
                        ragstatus::Error::new(ragstatus::ErrorKind::Duplicate {
                            what: "period".into(),
                            key: label.clone(),
                        })
                        .with_period(label),
                    )
                    .into());
                }
            }
            None => continue,
        }
    }
    Ok(series)
}

fn with_period(py: Python<'_>, err: PyErr, label: &str) -> PyErr {
    // Add the period to a RagstatusError raised while reading one observation.
    let value = err.value(py);
    if let Ok(None) = value
        .getattr("period")
        .map(|p| p.extract::<Option<String>>().ok().flatten())
    {
        let _ = value.setattr("period", label);
    }
    err
}

/// Reads actuals: `{indicator id: series}`.
pub fn extract_actuals(
    obj: &Bound<'_, PyAny>,
    calendar: FiscalCalendar,
) -> PyResult<BTreeMap<String, Series>> {
    let Ok(dict) = obj.cast::<PyDict>() else {
        return Err(invalid(
            describe(obj),
            "actuals: a dict from indicator id to a series {period: observation}",
        ));
    };
    let mut out = BTreeMap::new();
    for (id, series) in dict.iter() {
        let id: String = id
            .extract()
            .map_err(|_| invalid(describe(&id), "an indicator id (text)"))?;
        let series =
            extract_series(&series, calendar).map_err(|e| add_indicator(obj.py(), e, &id))?;
        out.insert(id, series);
    }
    Ok(out)
}

/// An indicator definition.
#[pyclass(name = "Indicator", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyIndicator {
    /// The definition.
    pub indicator: Indicator,
    /// The calendar of the definitions it came from (for reading period labels).
    pub calendar: FiscalCalendar,
}

#[pymethods]
impl PyIndicator {
    /// An indicator from a plain dict (as one entry of a definitions file's `indicator` list),
    /// validated with `calendar` (April when not given).
    #[new]
    #[pyo3(signature = (definition, calendar = None))]
    fn new(
        definition: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = crate::period::opt_calendar)] calendar: Option<FiscalCalendar>,
    ) -> PyResult<Self> {
        let calendar = calendar.unwrap_or_default();
        let py = definition.py();
        let doc = PyDict::new(py);
        doc.set_item("calendar", to_py(py, &calendar)?)?;
        doc.set_item("indicator", vec![definition.clone()])?;
        let defs = definitions_from_dict(doc.as_any())?;
        match defs.indicators.into_iter().next() {
            Some(indicator) => Ok(PyIndicator {
                indicator,
                calendar,
            }),
            None => Err(invalid(describe(definition), "an indicator definition")),
        }
    }

    /// The unique id.
    #[getter]
    fn id(&self) -> String {
        self.indicator.id.clone()
    }
    /// The display name.
    #[getter]
    fn name(&self) -> String {
        self.indicator.name.clone()
    }
    /// The group path: theme, then directorate.
    #[getter]
    fn group(&self) -> Vec<String> {
        self.indicator.group.clone()
    }
    /// The unit as plain data (`"percent"`, `{"currency": "GBP"}`, ...).
    #[getter]
    fn unit<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.indicator.unit)
    }
    /// `"higher"`, `"lower"` or `"within"`.
    #[getter]
    fn polarity(&self) -> &'static str {
        self.indicator.polarity.as_str()
    }
    /// `"monthly"`, `"quarterly"`, `"half_yearly"` or `"annual"`.
    #[getter]
    fn frequency(&self) -> &'static str {
        self.indicator.frequency.as_str()
    }
    /// Display decimals.
    #[getter]
    fn decimals(&self) -> Option<u32> {
        self.indicator.decimals
    }
    /// The aggregation over periods.
    #[getter]
    fn aggregation(&self) -> &'static str {
        self.indicator.aggregation.as_str()
    }
    /// The multiplier for numerator / denominator values.
    #[getter]
    fn multiplier(&self) -> Decimal {
        self.indicator.effective_multiplier()
    }
    /// The tolerance as plain data.
    #[getter]
    fn tolerance<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.indicator.tolerance)
    }
    /// The targets, one per fiscal year.
    #[getter]
    fn targets(&self) -> Vec<PyTargetSpec> {
        self.indicator
            .targets
            .iter()
            .cloned()
            .map(PyTargetSpec)
            .collect()
    }
    /// The rating rule.
    #[getter]
    fn rule(&self) -> PyRule {
        PyRule(self.indicator.rule())
    }

    /// The target (Decimal, `(low, high)` or None) and stretch in force for `period`.
    fn target_for<'py>(
        &self,
        py: Python<'py>,
        period: &Bound<'py, PyAny>,
    ) -> PyResult<(Option<Bound<'py, PyAny>>, Option<Decimal>)> {
        let period = extract_period(period, self.calendar)?;
        let measured = self.indicator.measured_period(period).unwrap_or(period);
        let (target, stretch) = self.indicator.target_for(measured).py()?;
        Ok((
            target.as_ref().map(|t| target_to_py(py, t)).transpose()?,
            stretch,
        ))
    }

    /// Evaluates the indicator for `period` from a series `{period: observation}`.
    fn evaluate(
        &self,
        period: &Bound<'_, PyAny>,
        series: &Bound<'_, PyAny>,
    ) -> PyResult<PyIndicatorResult> {
        let period = extract_period(period, self.calendar)?;
        let series = extract_series(series, self.calendar)
            .map_err(|e| add_indicator(series.py(), e, &self.indicator.id))?;
        self.indicator
            .evaluate(period, &series)
            .py()
            .map(PyIndicatorResult)
    }

    /// The SPC (XmR) analysis of the indicator's series up to `period`, when the definition
    /// enables it (`spc = { ... }`); None otherwise.
    fn spc(
        &self,
        period: &Bound<'_, PyAny>,
        series: &Bound<'_, PyAny>,
    ) -> PyResult<Option<crate::spc::PySpcResult>> {
        let period = extract_period(period, self.calendar)?;
        let series = extract_series(series, self.calendar)
            .map_err(|e| add_indicator(series.py(), e, &self.indicator.id))?;
        Ok(self
            .indicator
            .spc(period, &series)
            .py()?
            .map(crate::spc::PySpcResult))
    }

    /// The definition as plain data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.indicator)
    }

    fn __repr__(&self) -> String {
        format!(
            "Indicator(id={:?}, name={:?}, polarity='{}')",
            self.indicator.id,
            self.indicator.name,
            self.indicator.polarity.as_str()
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let this = slf.get();
        let data = to_py(py, &this.indicator)?;
        let calendar = Bound::new(py, PyFiscalCalendar(this.calendar))?;
        (py.get_type::<PyIndicator>(), (data, calendar)).into_pyobject(py)
    }
}

fn add_indicator(py: Python<'_>, err: PyErr, id: &str) -> PyErr {
    let value = err.value(py);
    if let Ok(None) = value
        .getattr("indicator")
        .map(|p| p.extract::<Option<String>>().ok().flatten())
    {
        let _ = value.setattr("indicator", id);
    }
    err
}

/// The evaluation of one indicator for one period.
#[pyclass(name = "IndicatorResult", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyIndicatorResult(pub IndicatorResult);

pyclass_methods! {
    PyIndicatorResult(IndicatorResult);
    protocol [status, to_dict, to_json, from_json, hash, reduce];
    fields {
        /// The indicator's id.
        id: String,
        /// The indicator's display name.
        name: String,
        /// The indicator's group path: theme, then directorate.
        group: Vec<String>,
        /// The period evaluated (label).
        period: String,
        /// The period actually measured (label), or None when not due.
        measured: Option<String>,
        /// The actual compared (after any rounding rule), or None.
        actual: Option<Decimal>,
        /// The actual before rounding, or None.
        unrounded: Option<Decimal>,
        /// The stretch target in force, or None.
        stretch: Option<Decimal>,
        /// The direction sentence.
        direction_sentence: String,
        /// `"period"` or `"year_to_date"`.
        basis as data,
        /// The headline direction of travel.
        direction as str,
    }
    methods {
        /// Why there is no actual (`"missing"`, `"zero_denominator"`, `"incomplete"`), or None.
        #[getter]
        fn no_value(&self) -> Option<String> {
            self.0.no_value.map(|r| variant_name(&r))
        }
        /// The target in force: Decimal, `(low, high)` or None.
        #[getter]
        fn target<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
            self.0
                .target
                .as_ref()
                .map(|t| target_to_py(py, t))
                .transpose()
        }
        /// The shortfall, or None.
        #[getter]
        fn shortfall(&self) -> Option<Decimal> {
            self.0.rating.shortfall
        }
        /// The rating with its explanation.
        #[getter]
        fn rating(&self) -> PyRating {
            PyRating(self.0.rating.clone())
        }
        /// Against the previous period.
        #[getter]
        fn previous(&self) -> PyTravel {
            PyTravel(self.0.previous.clone())
        }
        /// Against the same period a year before.
        #[getter]
        fn year_ago(&self) -> PyTravel {
            PyTravel(self.0.year_ago.clone())
        }
        /// By regression or by the recent trend, when configured.
        #[getter]
        fn trend(&self) -> Option<PyTravel> {
            self.0.trend.clone().map(PyTravel)
        }
        /// The recent-trend test's outcome (a `ragstatus.groupstats.RecentTrend`, as
        /// `recent_trend_proportions` returns), when the definition says `trend = "recent"` and
        /// the points were proportions.
        #[getter]
        fn recent_trend<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
            let Some(t) = &self.0.recent_trend else {
                return Ok(None);
            };
            let fields = crate::groupstats::trend_dict(py, t)?;
            let class = py.import("ragstatus.groupstats")?.getattr("RecentTrend")?;
            class.call((), Some(&fields)).map(Some)
        }
        /// The rating and direction sentences joined.
        #[getter]
        fn sentence(&self) -> String {
            self.0.sentence()
        }

        /// The same result overridden by a person.
        fn with_override(
            &self,
            status: &Bound<'_, PyAny>,
            #[pyo3(from_py_with = crate::conv::scalar::text)] reason: String,
            #[pyo3(from_py_with = crate::conv::scalar::text)] by: String,
        ) -> PyResult<Self> {
            let status = crate::rating::extract_status(status)?;
            Ok(PyIndicatorResult(
                self.0.clone().with_override(status, reason, by),
            ))
        }

        fn __repr__(&self) -> String {
            format!(
                "IndicatorResult(id={:?}, period={:?}, status='{}', actual={})",
                self.0.id,
                self.0.period,
                self.0.status.as_str(),
                dec_repr(self.0.actual)
            )
        }
    }
}

/// The results of evaluating many indicators, and every error met (nothing dropped).
///
/// Equal when the results and the errors are; pickled through its JSON form (`to_json`).
#[pyclass(name = "Evaluation", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyEvaluation(pub Evaluation);

pyclass_methods! {
    PyEvaluation(Evaluation);
    protocol [to_dict, to_json, from_json, reduce];
    methods {
        /// One result per indicator evaluated without error, in definition order.
        #[getter]
        fn results(&self) -> Vec<PyIndicatorResult> {
            self.0
                .results
                .iter()
                .cloned()
                .map(PyIndicatorResult)
                .collect()
        }

        /// Every error, as `RagstatusError` instances (not raised).
        #[getter]
        fn errors(&self, py: Python<'_>) -> Vec<Py<PyAny>> {
            errors_to_py(py, &self.0.errors)
        }

        /// The summary of the results by group, with roll-ups by `rule`.
        #[pyo3(signature = (rule = None))]
        fn summary(&self, rule: Option<&Bound<'_, PyAny>>) -> PyResult<PySummary> {
            let rule = match rule {
                Some(r) if !r.is_none() => Some(from_py(r)?),
                _ => None,
            };
            self.0.summary(rule).py().map(PySummary)
        }

        fn __len__(&self) -> usize {
            self.0.results.len()
        }

        fn __repr__(&self) -> String {
            format!(
                "Evaluation(results={}, errors={})",
                self.0.results.len(),
                self.0.errors.len()
            )
        }
    }
}

/// Indicator definitions: a fiscal calendar and a list of indicators.
#[pyclass(name = "Definitions", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyDefinitions(pub Definitions);

fn definitions_from_dict(obj: &Bound<'_, PyAny>) -> PyResult<Definitions> {
    let value = py_to_json(obj)?;
    let text = serde_json::to_string(&value)
        .map_err(ragstatus::Error::from)
        .py()?;
    Definitions::from_json_str(&text).py()
}

pyclass_methods! {
    PyDefinitions(Definitions);
    protocol [to_dict];
    methods {
        /// Definitions from a dict in the shape of a definitions file, or from TOML / JSON text
        /// (text starting with `{` is JSON), or from a path (a `pathlib.Path`, or text ending in
        /// `.toml` / `.json` without a newline).
        #[new]
        fn new(source: &Bound<'_, PyAny>) -> PyResult<Self> {
            if source.is_instance_of::<PyDict>() {
                return definitions_from_dict(source).map(PyDefinitions);
            }
            if let Ok(text) = source.cast::<PyString>() {
                let text = text.to_cow()?;
                let trimmed = text.trim();
                let lower = trimmed.to_ascii_lowercase();
                if !trimmed.contains('\n') && (lower.ends_with(".toml") || lower.ends_with(".json")) {
                    return Definitions::from_path(trimmed).py().map(PyDefinitions);
                }
                if trimmed.starts_with('{') {
                    return Definitions::from_json_str(&text).py().map(PyDefinitions);
                }
                return Definitions::from_toml_str(&text).py().map(PyDefinitions);
            }
            if source.hasattr("__fspath__")? {
                let path = crate::conv::scalar::text(&source.call_method0("__fspath__")?)?;
                return Definitions::from_path(path).py().map(PyDefinitions);
            }
            Err(invalid(
                describe(source),
                "a dict, TOML or JSON text, or a path to a .toml or .json file",
            ))
        }

        /// Reads a `.toml` or `.json` definitions file.
        #[staticmethod]
        fn from_path(path: &Bound<'_, PyAny>) -> PyResult<Self> {
            let path: String = if path.hasattr("__fspath__")? {
                crate::conv::scalar::text(&path.call_method0("__fspath__")?)?
            } else {
                crate::conv::scalar::text(path)?
            };
            Definitions::from_path(path).py().map(PyDefinitions)
        }

        /// Reads TOML text.
        #[staticmethod]
        fn from_toml(#[pyo3(from_py_with = crate::conv::scalar::text)] text: String) -> PyResult<Self> {
            Definitions::from_toml_str(&text).py().map(PyDefinitions)
        }

        /// Reads JSON text.
        #[staticmethod]
        fn from_json(#[pyo3(from_py_with = crate::conv::scalar::text)] text: String) -> PyResult<Self> {
            Definitions::from_json_str(&text).py().map(PyDefinitions)
        }

        /// The fiscal calendar.
        #[getter]
        fn calendar(&self) -> PyFiscalCalendar {
            PyFiscalCalendar(self.0.calendar)
        }

        /// The indicators, in file order.
        #[getter]
        fn indicators(&self) -> Vec<PyIndicator> {
            self.0
                .indicators
                .iter()
                .cloned()
                .map(|indicator| PyIndicator {
                    indicator,
                    calendar: self.0.calendar,
                })
                .collect()
        }

        /// The indicator with this id, or None.
        fn get(
            &self,
            #[pyo3(from_py_with = crate::conv::scalar::text)] id: String,
        ) -> Option<PyIndicator> {
            self.0.get(&id).cloned().map(|indicator| PyIndicator {
                indicator,
                calendar: self.0.calendar,
            })
        }

        /// Parses a period label with the definitions' calendar.
        fn period(
            &self,
            #[pyo3(from_py_with = crate::conv::scalar::text)] label: String,
        ) -> PyResult<PyPeriod> {
            self.0.calendar.parse(&label).py().map(PyPeriod)
        }

        /// Evaluates every indicator for `period` with `actuals` (`{id: {period: observation}}`).
        /// Good indicators are all evaluated; every problem is in `errors`.
        fn evaluate(
            &self,
            py: Python<'_>,
            period: &Bound<'_, PyAny>,
            actuals: &Bound<'_, PyAny>,
        ) -> PyResult<PyEvaluation> {
            let period = extract_period(period, self.0.calendar)?;
            let actuals = extract_actuals(actuals, self.0.calendar)?;
            Ok(PyEvaluation(
                py.detach(|| self.0.evaluate(period, &actuals)),
            ))
        }

        /// The definitions as TOML text.
        fn to_toml(&self) -> PyResult<String> {
            self.0.to_toml_string().py()
        }

        /// The definitions as JSON text.
        fn to_json(&self) -> PyResult<String> {
            self.0.to_json_string().py()
        }

        fn __len__(&self) -> usize {
            self.0.indicators.len()
        }

        fn __repr__(&self) -> String {
            format!(
                "Definitions(start_month={}, indicators={})",
                self.0.calendar.start_month(),
                self.0.indicators.len()
            )
        }

        fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
            let py = slf.py();
            let from_json = py.get_type::<PyDefinitions>().getattr("from_json")?;
            (from_json, (slf.get().0.to_json_string().py()?,)).into_pyobject(py)
        }
    }
}

/// Adds the classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyIndicator>()?;
    m.add_class::<PyIndicatorResult>()?;
    m.add_class::<PyEvaluation>()?;
    m.add_class::<PyDefinitions>()?;
    Ok(())
}
