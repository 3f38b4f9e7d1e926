//! Summaries (SPEC §9): `summarize(items, rule=None)` and the `Summary`, `GroupSummary` and
//! `Counts` classes.
//!
//! An item is a dict `{"id", "group", "status", "direction"?}`, or any object with the
//! attributes `id`, `group`, `status` and (optionally) `direction`, such as an evaluation result.
//! A rule is `"worst"`, `"majority"` or `{"share": {"green_from": 75, "red_above": 20}}`.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use ragstatus::summary::{Counts, GroupSummary, RollUp, Summary, SummaryItem};
use ragstatus::{Decimal, Status};

use crate::conv::describe;
use crate::conv::json::{from_py, py_to_json};
use crate::errors::{IntoPyResult, invalid};
use crate::protocol::pyclass_methods;

fn item_from(obj: &Bound<'_, PyAny>) -> PyResult<SummaryItem> {
    if obj.is_instance_of::<PyDict>() {
        return from_py(obj);
    }
    // An object with attributes: take the four the summary needs.
    let py = obj.py();
    let dict = PyDict::new(py);
    for attr in ["id", "group", "status"] {
        let value = obj
            .getattr(attr)
            .map_err(|_| invalid(describe(obj), format!("a summary item with `{attr}`")))?;
        dict.set_item(attr, value)?;
    }
    if let Ok(direction) = obj.getattr("direction") {
        dict.set_item("direction", direction)?;
    }
    let value = py_to_json(dict.as_any())?;
    serde_json::from_value(value)
        .map_err(ragstatus::Error::from)
        .py()
}

/// Counts of statuses and directions in one group.
#[pyclass(name = "Counts", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyCounts(pub Counts);

pyclass_methods! {
    PyCounts(Counts);
    protocol [to_dict, to_json, from_json, hash, reduce];
    fields {
        /// Every item.
        total: usize,
        /// Items rated Red, Amber, Green or Blue.
        rated: usize,
        /// Items rated Red.
        red: usize,
        /// Items rated Amber.
        amber: usize,
        /// Items rated Green.
        green: usize,
        /// Items rated Blue.
        blue: usize,
        /// Items with no data.
        no_data: usize,
        /// Items with no target.
        no_target: usize,
        /// Items not due this period.
        not_due: usize,
        /// Items whose direction of travel is improving.
        improving: usize,
        /// Items whose direction of travel is worsening.
        worsening: usize,
        /// Items with no change.
        no_change: usize,
        /// Items whose direction could not be compared.
        not_comparable: usize,
        /// Items given without a direction.
        no_direction: usize,
        /// Green and Blue as a percent of rated items, exact; None when nothing is rated.
        percent_on_target: Option<Decimal>,
    }
    methods {
        /// The percent on target rounded half away from zero to `decimals` places, for display.
        fn percent_on_target_rounded(
            &self,
            #[pyo3(from_py_with = crate::conv::scalar::u32_arg)] decimals: u32,
        ) -> Option<Decimal> {
            self.0.percent_on_target_rounded(decimals)
        }

        /// The count of one status (`"Red"`, ..., `"NotDue"`).
        fn of(&self, status: &Bound<'_, PyAny>) -> PyResult<usize> {
            let status: Status = from_py(status)?;
            Ok(self.0.of(status))
        }

        fn __repr__(&self) -> String {
            let c = &self.0;
            format!(
                "Counts(total={}, rated={}, red={}, amber={}, green={}, blue={}, no_data={}, no_target={}, not_due={})",
                c.total, c.rated, c.red, c.amber, c.green, c.blue, c.no_data, c.no_target, c.not_due
            )
        }
    }
}

/// The counts and roll-up status of one group (or of everything, with an empty path).
#[pyclass(name = "GroupSummary", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyGroupSummary(pub GroupSummary);

pyclass_methods! {
    PyGroupSummary(GroupSummary);
    protocol [to_json, from_json, hash, reduce];
    fields {
        /// The group path, outermost first (empty for the overall summary).
        path: Vec<String>,
    }
    methods {
        /// The counts.
        #[getter]
        fn counts(&self) -> PyCounts {
            PyCounts(self.0.counts.clone())
        }

        /// The roll-up status by the rule asked for, or None (no rule, or nothing rated).
        #[getter]
        fn roll_up(&self) -> Option<&'static str> {
            self.0.roll_up.map(|s| s.as_str())
        }

        fn __repr__(&self) -> String {
            format!(
                "GroupSummary(path={:?}, total={}, rated={}, roll_up={})",
                self.0.path,
                self.0.counts.total,
                self.0.counts.rated,
                match self.0.roll_up {
                    Some(s) => format!("'{}'", s.as_str()),
                    None => "None".to_string(),
                }
            )
        }
    }
}

/// A summary: overall and per group.
#[pyclass(name = "Summary", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PySummary(pub Summary);

pyclass_methods! {
    PySummary(Summary);
    protocol [to_dict, to_json, from_json, hash, reduce];
    methods {
        /// Everything.
        #[getter]
        fn overall(&self) -> PyGroupSummary {
            PyGroupSummary(self.0.overall.clone())
        }

        /// Every group at every level of the group paths, in path order.
        #[getter]
        fn groups(&self) -> Vec<PyGroupSummary> {
            self.0.groups.iter().cloned().map(PyGroupSummary).collect()
        }

        /// The group with this path, or None.
        fn group(
            &self,
            #[pyo3(from_py_with = crate::conv::scalar::texts)] path: Vec<String>,
        ) -> Option<PyGroupSummary> {
            self.0.group(&path).cloned().map(PyGroupSummary)
        }

        fn __repr__(&self) -> String {
            format!(
                "Summary(total={}, rated={}, groups={})",
                self.0.overall.counts.total,
                self.0.overall.counts.rated,
                self.0.groups.len()
            )
        }
    }
}

/// Counts statuses and directions per group and overall, with roll-ups by `rule`.
#[pyfunction]
#[pyo3(signature = (items, rule = None))]
pub fn summarize(items: &Bound<'_, PyAny>, rule: Option<&Bound<'_, PyAny>>) -> PyResult<PySummary> {
    let mut list = Vec::new();
    for item in crate::conv::items(items, "items")? {
        list.push(item_from(&item)?);
    }
    let rule: Option<RollUp> = match rule {
        Some(r) if !r.is_none() => Some(from_py(r)?),
        _ => None,
    };
    Summary::build(&list, rule).py().map(PySummary)
}

/// Adds the classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCounts>()?;
    m.add_class::<PyGroupSummary>()?;
    m.add_class::<PySummary>()?;
    m.add_function(wrap_pyfunction!(summarize, m)?)?;
    Ok(())
}
