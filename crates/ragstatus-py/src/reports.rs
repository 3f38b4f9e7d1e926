//! Budget variance (SPEC §10), milestones (SPEC §11), SPC (SPEC §12) and benchmarking (SPEC §8).
//!
//! Inputs are plain dicts in the serde shape of the Rust types (the same shape as the JSON
//! conformance vectors and the CSV readers' rows): a budget line is
//! `{"id": "ASC-01", "kind": "expenditure", "budget": "1200000", "forecast": "1260000", ...}`, a
//! milestone `{"id": "M1", "due": date(2016, 3, 31), ...}`. Results are frozen classes with the
//! main fields as attributes; every field of the Rust result is in `to_dict()`, and any of them
//! reads as an attribute too (`result.variance_percent`), in its JSON form (decimals as text).

use pyo3::exceptions::PyAttributeError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use ragstatus::benchmarking::{Benchmark, BenchmarkSettings, benchmark as core_benchmark};
use ragstatus::budget::{AmountUnit, BudgetLine, BudgetReport, BudgetSettings, parse_amount};
use ragstatus::milestone::{
    Milestone, MilestoneReport, MilestoneResult, MilestoneSettings, evaluate_milestone,
    evaluate_milestones, parse_date,
};
use ragstatus::spc::{SpcResult, SpcSettings, spc as core_spc, spc_with_labels};
use ragstatus::{Decimal, Status};

use crate::convert::{Actual, extract_actual, extract_decimal};
use crate::errors::{IntoPyResult, PyErrWrapper};
use crate::pyjson::{from_json_text, from_py, to_json_text, to_py};

/// A frozen class around a serde result type: `to_dict`, `to_json`, `from_json`, equality,
/// pickling, and attribute access to the fields of its JSON form.
macro_rules! json_class {
    ($py:ident, $name:literal, $inner:ty, $doc:literal, { $($extra:tt)* }) => {
        #[doc = $doc]
        #[pyclass(name = $name, module = "ragstatus", frozen, eq)]
        #[derive(Clone, PartialEq)]
        pub struct $py(pub $inner);

        #[pymethods]
        impl $py {
            $($extra)*

            /// The JSON form as plain Python data (decimals as text).
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                to_py(py, &self.0)
            }

            /// The JSON text.
            fn to_json(&self) -> PyResult<String> {
                to_json_text(&self.0)
            }

            /// Reads the JSON text written by `to_json`.
            #[staticmethod]
            fn from_json(text: &str) -> PyResult<Self> {
                from_json_text(text).map($py)
            }

            /// Any field of the JSON form, by name.
            fn __getattr__<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
                let dict = to_py(py, &self.0)?;
                match dict.get_item(name) {
                    Ok(v) => Ok(v),
                    Err(_) => Err(PyAttributeError::new_err(format!(
                        "{} has no field {name:?}",
                        $name
                    ))),
                }
            }

            fn __repr__(&self) -> PyResult<String> {
                let text = to_json_text(&self.0)?;
                let cut: String = text.chars().take(200).collect();
                let more = if text.chars().count() > 200 { "..." } else { "" };
                Ok(format!("{}({cut}{more})", $name))
            }

            fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
                let py = slf.py();
                let from_json = py.get_type::<$py>().getattr("from_json")?;
                (from_json, (to_json_text(&slf.get().0)?,)).into_pyobject(py)
            }
        }
    };
}

json_class!(
    PyBudgetReport,
    "BudgetReport",
    BudgetReport,
    "A budget monitoring report: every line rated, and totals rolled up the group paths.",
    {
        /// The result with this id (a line id, a total's path joined with " > ", or the fund name)
        /// as a dict, or None.
        fn get<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
            self.0.get(id).map(|r| to_py(py, r)).transpose()
        }

        /// The fund total as a dict, or None.
        fn fund<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
            self.0.fund().map(|r| to_py(py, r)).transpose()
        }

        /// The errors of the lines left out, as `RagstatusError` instances (not raised).
        #[getter]
        fn errors(&self, py: Python<'_>) -> Vec<Py<PyAny>> {
            errors_to_py(py, &self.0.errors)
        }
    }
);
json_class!(
    PyMilestoneResult,
    "MilestoneResult",
    MilestoneResult,
    "The state of one milestone as of a date.",
    {
        /// The RAG status of the milestone's state.
        #[getter]
        fn status(&self) -> &'static str {
            self.0.state.status().as_str()
        }

        /// `"Complete"`, `"CompleteLate"`, `"Overdue"`, `"AtRisk"` or `"OnTrack"`.
        #[getter]
        fn state(&self) -> &'static str {
            self.0.state.as_str()
        }
    }
);
json_class!(
    PyMilestoneReport,
    "MilestoneReport",
    MilestoneReport,
    "The states of many milestones as of a date.",
    {
        /// The results, in input order.
        #[getter]
        fn results(&self) -> Vec<PyMilestoneResult> {
            self.0
                .results
                .iter()
                .cloned()
                .map(PyMilestoneResult)
                .collect()
        }

        /// One error per invalid milestone, as `RagstatusError` instances (not raised).
        #[getter]
        fn errors(&self, py: Python<'_>) -> Vec<Py<PyAny>> {
            errors_to_py(py, &self.0.errors)
        }
    }
);
json_class!(
    PySpcResult,
    "SpcResult",
    SpcResult,
    "Statistical process control (XmR) of a series: limits, signals, icons.",
    {}
);
json_class!(
    PyBenchmark,
    "Benchmark",
    Benchmark,
    "The position of an actual among its comparators: rank, quartile, median distance.",
    {
        /// The status the quartile maps to, if the settings map quartiles to statuses.
        #[getter]
        fn status(&self) -> Option<&'static str> {
            self.0.status.map(Status::as_str)
        }
    }
);

fn errors_to_py(py: Python<'_>, errors: &[ragstatus::Error]) -> Vec<Py<PyAny>> {
    errors
        .iter()
        .map(|e| {
            let err: PyErr = PyErrWrapper(e.clone()).into();
            err.into_value(py).into_any()
        })
        .collect()
}

fn settings_or_default<T: Default + serde::de::DeserializeOwned>(
    settings: Option<&Bound<'_, PyAny>>,
) -> PyResult<T> {
    match settings {
        Some(s) if !s.is_none() => from_py(s),
        _ => Ok(T::default()),
    }
}

/// Rates every budget line and rolls the totals up the group paths. `lines` are dicts in the
/// shape of `BudgetLine`; `settings` a dict in the shape of `BudgetSettings` (thresholds per
/// level). A bad line is left out and listed in `errors`; a bad setting raises.
#[pyfunction]
#[pyo3(signature = (lines, settings = None))]
pub fn budget_report(
    lines: &Bound<'_, PyAny>,
    settings: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyBudgetReport> {
    let lines: Vec<BudgetLine> = from_py(lines)?;
    let settings: BudgetSettings = settings_or_default(settings)?;
    ragstatus::budget::roll_up(&lines, &settings)
        .py()
        .map(PyBudgetReport)
}

/// Reads an amount as budget reports write it: `"(443)"` is −443, `"1,234.5"`, `"£1.2m"`;
/// `unit` is what a plain number counts (`"pounds"`, `"thousands"`, `"millions"`).
#[pyfunction]
#[pyo3(signature = (text, unit = None))]
pub fn read_amount(text: &str, unit: Option<&Bound<'_, PyAny>>) -> PyResult<Decimal> {
    let unit: AmountUnit = settings_or_default(unit)?;
    parse_amount(text, unit).py()
}

/// The state of one milestone as of a date. `milestone` is a dict in the shape of `Milestone`
/// (`id`, `due`, optional `description`, `owner`, `start`, `completed`, `percent_complete`).
#[pyfunction]
#[pyo3(signature = (milestone, as_of, settings = None))]
pub fn milestone_status(
    milestone: &Bound<'_, PyAny>,
    as_of: chrono::NaiveDate,
    settings: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyMilestoneResult> {
    let milestone: Milestone = from_py(milestone)?;
    let settings: MilestoneSettings = settings_or_default(settings)?;
    evaluate_milestone(&milestone, as_of, &settings)
        .py()
        .map(PyMilestoneResult)
}

/// The states of many milestones as of a date; bad ones are listed in `errors`.
#[pyfunction]
#[pyo3(signature = (milestones, as_of, settings = None))]
pub fn milestone_report(
    milestones: &Bound<'_, PyAny>,
    as_of: chrono::NaiveDate,
    settings: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyMilestoneReport> {
    let milestones: Vec<Milestone> = from_py(milestones)?;
    let settings: MilestoneSettings = settings_or_default(settings)?;
    Ok(PyMilestoneReport(evaluate_milestones(
        &milestones,
        as_of,
        &settings,
    )))
}

/// Reads a date as a CSV cell may hold it (`"2016-03-04"`, `"04/03/2016"`, ...).
#[pyfunction]
pub fn read_date(text: &str) -> PyResult<chrono::NaiveDate> {
    parse_date(text).py()
}

/// XmR statistical process control of `values` (oldest first), with optional point `labels`
/// and `settings` (a dict in the shape of `SpcSettings`).
#[pyfunction]
#[pyo3(signature = (values, settings = None, labels = None))]
pub fn spc(
    values: &Bound<'_, PyAny>,
    settings: Option<&Bound<'_, PyAny>>,
    labels: Option<Vec<String>>,
) -> PyResult<PySpcResult> {
    let mut list = Vec::new();
    for item in values.try_iter()? {
        list.push(extract_decimal(&item?)?);
    }
    let settings: SpcSettings = settings_or_default(settings)?;
    let result = match labels {
        Some(labels) => spc_with_labels(&list, &labels, &settings),
        None => core_spc(&list, &settings),
    };
    result.py().map(PySpcResult)
}

/// The position of `actual` among `comparators` (missing ones allowed) under `settings` (a
/// dict in the shape of `BenchmarkSettings`: `polarity`, optional quartile `scheme`, ...).
#[pyfunction]
pub fn benchmark(
    actual: &Bound<'_, PyAny>,
    comparators: &Bound<'_, PyAny>,
    settings: &Bound<'_, PyAny>,
) -> PyResult<PyBenchmark> {
    let actual = extract_decimal(actual)?;
    let mut list = Vec::new();
    for item in comparators.try_iter()? {
        list.push(match extract_actual(&item?)? {
            Actual::Value(v) => Some(v),
            Actual::Missing => None,
        });
    }
    let settings: BenchmarkSettings = from_py(settings)?;
    core_benchmark(actual, &list, &settings)
        .py()
        .map(PyBenchmark)
}

/// Adds the classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyBudgetReport>()?;
    m.add_class::<PyMilestoneResult>()?;
    m.add_class::<PyMilestoneReport>()?;
    m.add_class::<PySpcResult>()?;
    m.add_class::<PyBenchmark>()?;
    m.add_function(wrap_pyfunction!(budget_report, m)?)?;
    m.add_function(wrap_pyfunction!(read_amount, m)?)?;
    m.add_function(wrap_pyfunction!(milestone_status, m)?)?;
    m.add_function(wrap_pyfunction!(milestone_report, m)?)?;
    m.add_function(wrap_pyfunction!(read_date, m)?)?;
    m.add_function(wrap_pyfunction!(spc, m)?)?;
    m.add_function(wrap_pyfunction!(benchmark, m)?)?;
    Ok(())
}
