//! Milestones and actions (SPEC §11): `Milestone`, `MilestoneSettings`, `MilestoneResult`,
//! `evaluate_milestone`, `evaluate_milestones`, `parse_date` and `read_milestones_csv`.
//!
//! Dates go in as `datetime.date` (a `datetime` or `pandas.Timestamp` gives its date) or as text
//! in ISO `yyyy-mm-dd` or UK `dd/mm/yyyy` form, and come out as `datetime.date`. A state is its
//! name (`"Complete"`, `"CompleteLate"`, `"Overdue"`, `"AtRisk"`, `"OnTrack"`), a status its
//! name (`"Green"`, `"Amber"`, `"Red"`).

use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use ragstatus::Decimal;
use ragstatus::milestone::{
    Milestone, MilestoneCsvOptions, MilestoneResult, MilestoneSettings,
    evaluate_milestone as core_evaluate, evaluate_milestones as core_evaluate_all,
    read_milestones_csv as read_csv,
};
use rust_decimal::prelude::ToPrimitive;

use crate::conv::describe;
use crate::conv::json::from_plain;
use crate::conv::json::variant_name;
use crate::conv::number::{decimal_in, opt_decimal_in};
use crate::conv::repr::quote;
use crate::conv::scalar::{extract_date, extract_opt_date, extract_opt_text, extract_text};
use crate::conv::source::read_source;
use crate::conv::{in_field, items};
use crate::errors::errors_to_py;
use crate::errors::{IntoPyResult, PyErrWrapper, invalid};
use crate::protocol::pyclass_methods;

const SETTINGS_INT_KEYS: &[&str] = &["warning_days"];

/// One milestone or action of a plan. Built without checks; `validate()` checks it, and an
/// evaluation raises (or, in bulk, lists) the error.
#[pyclass(name = "Milestone", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyMilestone(pub Milestone);

pyclass_methods! {
    PyMilestone(Milestone);
    protocol [to_dict, to_json, from_json, hash, reduce];
    fields {
        /// Unique id.
        id: String,
        /// What is to be done.
        description: String,
        /// Who answers for it.
        owner: Option<String>,
        /// When work started.
        start: Option<NaiveDate>,
        /// When it is due.
        due: NaiveDate,
        /// When it was completed.
        completed: Option<NaiveDate>,
        /// Percent complete, 0 to 100.
        percent_complete: Option<Decimal>,
        /// Commentary.
        note: Option<String>,
    }
    methods {
        #[new]
        #[pyo3(signature = (
            id, due, *, description = None, owner = None, start = None, completed = None,
            percent_complete = None, note = None
        ))]
        #[allow(clippy::too_many_arguments)]
        fn new(
            py: Python<'_>,
            id: &Bound<'_, PyAny>,
            due: &Bound<'_, PyAny>,
            description: Option<&Bound<'_, PyAny>>,
            owner: Option<&Bound<'_, PyAny>>,
            start: Option<&Bound<'_, PyAny>>,
            completed: Option<&Bound<'_, PyAny>>,
            percent_complete: Option<&Bound<'_, PyAny>>,
            note: Option<&Bound<'_, PyAny>>,
        ) -> PyResult<Self> {
            build_milestone(
                py,
                id,
                due,
                [description, owner, start, completed, percent_complete, note],
            )
            .map(PyMilestone)
        }

        /// Checks the milestone; raises a `RagstatusError` naming it when it is invalid.
        fn validate(&self) -> PyResult<()> {
            self.0.validate().py()
        }

        /// Reads a milestone from a dict of its fields (the shape `to_dict` writes), read as the
        /// constructor reads them: dates as `datetime.date`, `yyyy-mm-dd` or `dd/mm/yyyy`.
        #[staticmethod]
        fn from_dict(data: &Bound<'_, PyAny>) -> PyResult<Self> {
            extract_milestone(data).map(PyMilestone)
        }

        fn __repr__(&self) -> String {
            let mut s = format!(
                "Milestone(id={}, due={}",
                quote(&self.0.id),
                py_date(self.0.due)
            );
            if let Some(c) = self.0.completed {
                s.push_str(&format!(", completed={}", py_date(c)));
            }
            if let Some(p) = self.0.percent_complete {
                s.push_str(&format!(", percent_complete=Decimal('{p}')"));
            }
            s.push(')');
            s
        }
    }
}

fn py_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("datetime.date({}, {}, {})", d.year(), d.month(), d.day())
}

/// The optional fields of a milestone, in the order [`build_milestone`] takes them.
const OPTIONAL_FIELDS: [&str; 6] = [
    "description",
    "owner",
    "start",
    "completed",
    "percent_complete",
    "note",
];

/// A milestone from its fields, each read as a Python value (errors name the field and the
/// milestone).
fn build_milestone(
    py: Python<'_>,
    id: &Bound<'_, PyAny>,
    due: &Bound<'_, PyAny>,
    optional: [Option<&Bound<'_, PyAny>>; 6],
) -> PyResult<Milestone> {
    let [description, owner, start, completed, percent_complete, note] = optional;
    let id = extract_text(id, "id")?;
    let locate = |e: PyErr| -> PyErr {
        let value = e.value(py);
        if value
            .getattr("indicator")
            .map(|v| v.is_none())
            .unwrap_or(false)
        {
            let _ = value.setattr("indicator", id.as_str());
        }
        e
    };
    Ok(Milestone {
        id: id.clone(),
        description: extract_opt_text(description, "description")
            .map_err(locate)?
            .unwrap_or_default(),
        owner: extract_opt_text(owner, "owner").map_err(locate)?,
        start: extract_opt_date(start, "start").map_err(locate)?,
        due: extract_date(due, "due").map_err(locate)?,
        completed: extract_opt_date(completed, "completed").map_err(locate)?,
        percent_complete: opt_decimal_in(percent_complete, "percent_complete").map_err(locate)?,
        note: extract_opt_text(note, "note").map_err(locate)?,
    })
}

/// A milestone from a dict of its fields, read like the constructor's arguments; an unknown
/// key is an error, as in the files.
fn milestone_from_dict(d: &Bound<'_, PyDict>) -> PyResult<Milestone> {
    let py = d.py();
    for key in d.keys() {
        let known = key
            .cast::<PyString>()
            .ok()
            .and_then(|k| k.to_cow().ok().map(|k| k.to_string()))
            .is_some_and(|k| k == "id" || k == "due" || OPTIONAL_FIELDS.contains(&k.as_str()));
        if !known {
            return Err(invalid(
                describe(&key),
                "a milestone field: id, due, description, owner, start, completed, \
                 percent_complete or note",
            ));
        }
    }
    let required = |name: &str| -> PyResult<Bound<'_, PyAny>> {
        match d.get_item(name)? {
            Some(v) if !v.is_none() => Ok(v),
            _ => Err(PyErrWrapper(
                ragstatus::Error::new(ragstatus::ErrorKind::Missing { field: name.into() })
                    .with_field(name),
            )
            .into()),
        }
    };
    let id = required("id")?;
    let due = required("due")?;
    let mut optional: [Option<Bound<'_, PyAny>>; 6] = Default::default();
    for (slot, name) in optional.iter_mut().zip(OPTIONAL_FIELDS) {
        *slot = d.get_item(name)?;
    }
    let [a, b, c, e, f, g] = &optional;
    build_milestone(
        py,
        &id,
        &due,
        [
            a.as_ref(),
            b.as_ref(),
            c.as_ref(),
            e.as_ref(),
            f.as_ref(),
            g.as_ref(),
        ],
    )
}

fn extract_milestone(obj: &Bound<'_, PyAny>) -> PyResult<Milestone> {
    if let Ok(m) = obj.cast::<PyMilestone>() {
        return Ok(m.get().0.clone());
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        return milestone_from_dict(d);
    }
    Err(invalid(
        describe(obj),
        "a Milestone or a dict of its fields",
    ))
}

/// `progress_margin`: a number of percentage points, or None / `"off"` for no progress check.
pub struct MarginArg(Option<Decimal>);

impl<'a, 'py> FromPyObject<'a, 'py> for MarginArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let obj: &Bound<'py, PyAny> = &obj;
        if obj.is_none() {
            return Ok(MarginArg(None));
        }
        if let Ok(s) = obj.cast::<PyString>() {
            if s.to_cow()?.trim().eq_ignore_ascii_case("off") {
                return Ok(MarginArg(None));
            }
        }
        decimal_in(obj, "progress_margin").map(|d| MarginArg(Some(d)))
    }
}

/// `warning_days`: a whole number of days, 0 or more.
pub struct DaysArg(u32);

impl<'a, 'py> FromPyObject<'a, 'py> for DaysArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let obj: &Bound<'py, PyAny> = &obj;
        let bad = || {
            in_field(
                obj.py(),
                invalid(describe(obj), "a whole number of days, 0 or more"),
                "warning_days",
            )
        };
        let d = decimal_in(obj, "warning_days")?;
        if d.fract() != Decimal::ZERO {
            return Err(bad());
        }
        d.to_u32().map(DaysArg).ok_or_else(bad)
    }
}

/// How milestones are evaluated: the warning window in days (default 14) and the margin, in
/// percentage points, behind the straight-line expected progress (default 10; None or `"off"`
/// turns the check off).
#[pyclass(name = "MilestoneSettings", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyMilestoneSettings(pub MilestoneSettings);

pyclass_methods! {
    PyMilestoneSettings(MilestoneSettings);
    protocol [to_dict, to_json, from_json, hash, reduce];
    fields {
        /// The warning window in days.
        warning_days: u32,
        /// The progress margin in percentage points, or None when the check is off.
        progress_margin: Option<Decimal>,
    }
    methods {
        #[new]
        #[pyo3(signature = (warning_days = DaysArg(14), progress_margin = MarginArg(Some(Decimal::TEN))))]
        fn new(warning_days: DaysArg, progress_margin: MarginArg) -> PyResult<Self> {
            let settings = MilestoneSettings {
                warning_days: warning_days.0,
                progress_margin: progress_margin.0,
            };
            check_settings(&settings)?;
            Ok(PyMilestoneSettings(settings))
        }

        /// Reads settings from plain data (`{"warning_days": 14, "progress_margin": "off"}`).
        #[staticmethod]
        fn from_dict(data: &Bound<'_, PyAny>) -> PyResult<Self> {
            let settings: MilestoneSettings = from_plain(data, SETTINGS_INT_KEYS)?;
            check_settings(&settings)?;
            Ok(PyMilestoneSettings(settings))
        }

        fn __repr__(&self) -> String {
            format!(
                "MilestoneSettings(warning_days={}, progress_margin={})",
                self.0.warning_days,
                match self.0.progress_margin {
                    Some(m) => format!("Decimal('{m}')"),
                    None => "'off'".into(),
                }
            )
        }
    }
}

fn check_settings(settings: &MilestoneSettings) -> PyResult<()> {
    if let Some(m) = settings.progress_margin {
        if m.is_sign_negative() && !m.is_zero() {
            return Err(
                ragstatus::Error::invalid_value(m.to_string(), "a margin of zero or more")
                    .with_field("progress_margin"),
            )
            .py();
        }
    }
    Ok(())
}

fn extract_settings(obj: Option<&Bound<'_, PyAny>>) -> PyResult<MilestoneSettings> {
    match obj {
        Some(o) if !o.is_none() => {
            if let Ok(s) = o.cast::<PyMilestoneSettings>() {
                return Ok(s.get().0.clone());
            }
            if o.is_instance_of::<PyDict>() {
                return from_plain(o, SETTINGS_INT_KEYS)
                    .map_err(|e| in_field(o.py(), e, "settings"));
            }
            Err(invalid(
                describe(o),
                "a MilestoneSettings or a dict of settings",
            ))
        }
        _ => Ok(MilestoneSettings::default()),
    }
}

/// The evaluation of one milestone as of a date.
#[pyclass(name = "MilestoneResult", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyMilestoneResult(pub MilestoneResult);

pyclass_methods! {
    PyMilestoneResult(MilestoneResult);
    protocol [status, to_dict, to_json, from_json, hash, reduce];
    fields {
        /// The milestone id.
        id: String,
        /// Its description.
        description: String,
        /// Its owner.
        owner: Option<String>,
        /// The date evaluated as of.
        as_of: NaiveDate,
        /// The due date.
        due: NaiveDate,
        /// The completed date, if completed on or before the as-of date.
        completed: Option<NaiveDate>,
        /// `"Complete"`, `"CompleteLate"`, `"Overdue"`, `"AtRisk"` or `"OnTrack"`.
        state as str,
    }
    methods {
        /// The rule that fired: `"completed_on_time"`, `"completed_late"`, `"past_due"`,
        /// `"warning_window"`, `"behind_progress"` or `"on_track"`.
        #[getter]
        fn rule(&self) -> String {
            variant_name(&self.0.explanation.rule)
        }
        /// Days from the due date to the completed (or as-of) date: negative before it.
        #[getter]
        fn days_from_due(&self) -> i64 {
            self.0.explanation.days_from_due
        }
        /// The straight-line expected percent complete, to two places, when known.
        #[getter]
        fn expected_progress(&self) -> Option<Decimal> {
            self.0.explanation.expected_progress
        }
        /// Expected minus actual percent complete, to two places, when known.
        #[getter]
        fn progress_gap(&self) -> Option<Decimal> {
            self.0.explanation.progress_gap
        }
        /// The warning window applied, in days.
        #[getter]
        fn warning_days(&self) -> u32 {
            self.0.explanation.warning_days
        }
        /// The progress margin applied, if any.
        #[getter]
        fn progress_margin(&self) -> Option<Decimal> {
            self.0.explanation.progress_margin
        }
        /// The plain-English explanation.
        #[getter]
        fn sentence(&self) -> String {
            self.0.explanation.sentence.clone()
        }

        fn __repr__(&self) -> String {
            format!(
                "MilestoneResult(id={}, state='{}', status='{}', as_of={})",
                quote(&self.0.id),
                self.0.state.as_str(),
                self.0.status.as_str(),
                py_date(self.0.as_of)
            )
        }
    }
}

/// Evaluates one milestone as of a date (SPEC §11). `milestone` is a `Milestone` or a dict of
/// its fields; `settings` a `MilestoneSettings`, a dict, or None for the defaults. Raises a
/// `RagstatusError` naming the milestone when it is invalid.
#[pyfunction]
#[pyo3(signature = (milestone, as_of, settings = None))]
fn evaluate_milestone(
    milestone: &Bound<'_, PyAny>,
    as_of: &Bound<'_, PyAny>,
    settings: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyMilestoneResult> {
    let milestone = extract_milestone(milestone)?;
    let as_of = extract_date(as_of, "as_of")?;
    let settings = extract_settings(settings)?;
    core_evaluate(&milestone, as_of, &settings)
        .py()
        .map(PyMilestoneResult)
}

/// Evaluates every milestone as of a date. Returns `(results, errors)`: a result for every
/// valid milestone in input order, and an exception instance (not raised) for every invalid
/// one or repeated id.
#[pyfunction]
#[pyo3(signature = (milestones, as_of, settings = None))]
fn evaluate_milestones(
    py: Python<'_>,
    milestones: &Bound<'_, PyAny>,
    as_of: &Bound<'_, PyAny>,
    settings: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Vec<PyMilestoneResult>, Vec<Py<PyAny>>)> {
    let milestones = items(milestones, "milestones")?
        .iter()
        .map(extract_milestone)
        .collect::<PyResult<Vec<_>>>()?;
    let as_of = extract_date(as_of, "as_of")?;
    let settings = extract_settings(settings)?;
    check_settings(&settings)?;
    let report = py.detach(|| core_evaluate_all(&milestones, as_of, &settings));
    let results = report.results.into_iter().map(PyMilestoneResult).collect();
    Ok((results, errors_to_py(py, &report.errors)))
}

/// Reads a date written as ISO `yyyy-mm-dd` or UK `dd/mm/yyyy`; anything else raises
/// `InvalidValueError`.
#[pyfunction]
fn parse_date(text: &Bound<'_, PyAny>) -> PyResult<NaiveDate> {
    let text = extract_text(text, "text")?;
    ragstatus::milestone::parse_date(&text).py()
}

/// Reads milestones from CSV: `source` is CSV text (with a line break), bytes, a path or an
/// open file. Returns `(milestones, errors)`: every good milestone, and an exception instance
/// for every bad cell of every bad row, naming file, line, column and the text found. A bad
/// header raises.
#[pyfunction]
#[pyo3(signature = (source, *, file = None))]
fn read_milestones_csv(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    file: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Vec<PyMilestone>, Vec<Py<PyAny>>)> {
    let file = extract_opt_text(file, "file")?;
    let (bytes, path) = read_source(source)?;
    let options = MilestoneCsvOptions {
        file: file.or(path),
    };
    let read = py.detach(|| read_csv(bytes.as_slice(), &options)).py()?;
    let milestones = read.milestones.into_iter().map(PyMilestone).collect();
    Ok((milestones, errors_to_py(py, &read.errors)))
}

/// Adds the classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyMilestone>()?;
    m.add_class::<PyMilestoneSettings>()?;
    m.add_class::<PyMilestoneResult>()?;
    m.add_function(wrap_pyfunction!(evaluate_milestone, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate_milestones, m)?)?;
    m.add_function(wrap_pyfunction!(parse_date, m)?)?;
    m.add_function(wrap_pyfunction!(read_milestones_csv, m)?)?;
    Ok(())
}
