//! Statistical process control, XmR charts (SPEC §12): `analyse_spc`, `xmr_limits`, `SpcResult`,
//! `SpcPoint`, `SpcSegment`, `SpcSignal` and `XmrLimits`.
//!
//! Settings are given as keywords (`analyse_spc(values, improvement="decrease", target=95,
//! rebase_at=[12])`) or as a dict in the shape of the definition files (`settings={...}`);
//! keywords win over the dict. The keys are those of the core's `SpcSettings`: `improvement`
//! (`"increase"`/`"higher"`, `"decrease"`/`"lower"`, `"neutral"`/`"within"`), `target`,
//! `fix_after`, `rebase_at`, `screen_outliers`, `outside_rule`, `shift_rule`, `shift_length`,
//! `trend_rule`, `trend_length`, `two_of_three_rule`, `two_of_three_counts_outside`,
//! `trial_limit_points` and `display_decimals` (the places of the numbers in the sentences). An
//! unknown key is an error.
//!
//! SPC needs an unbroken series: a missing value (None, NaN, `pandas.NA`) is an
//! `InvalidValueError` naming its position (`values[3]`), never a silently shortened chart.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use ragstatus::Decimal;
use ragstatus::spc::{
    Assurance, PointType, SignalDirection, SpcPoint, SpcResult, SpcSegment, SpcSettings, SpcSignal,
    XmrLimits, spc as core_spc, spc_with_labels, xmr_limits as core_xmr_limits,
};

use crate::conv::describe;
use crate::conv::json::{from_json_text, to_json_text, to_py};
use crate::conv::json::{from_plain, json_hash};
use crate::conv::number::{Actual, extract_actual};
use crate::conv::repr::dec_repr;
use crate::conv::{in_field, items};
use crate::errors::{IntoPyResult, invalid};

const INT_KEYS: &[&str] = &[
    "fix_after",
    "rebase_at",
    "shift_length",
    "trend_length",
    "trial_limit_points",
    "display_decimals",
];

/// Reads a series of values: every one must be present.
fn extract_values(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Vec<Decimal>> {
    items(obj, field)?
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let at = format!("{field}[{i}]");
            match extract_actual(v).map_err(|e| in_field(v.py(), e, &at))? {
                Actual::Value(d) => Ok(d),
                Actual::Missing => Err(in_field(
                    v.py(),
                    invalid(
                        describe(v),
                        "a value for every point (SPC needs an unbroken series: drop or fill \
                         missing points first)",
                    ),
                    &at,
                )),
            }
        })
        .collect()
}

/// Reads labels: text as it is, anything else (a `Period`, a date) as its `str()`.
fn extract_labels(obj: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    items(obj, "labels")?
        .iter()
        .map(|l| match l.cast::<PyString>() {
            Ok(s) => Ok(s.to_cow()?.to_string()),
            Err(_) if l.is_none() => Ok(String::new()),
            Err(_) => Ok(l.str()?.to_cow()?.to_string()),
        })
        .collect()
}

/// The settings from a dict (or None) and keywords; keywords win.
fn extract_settings(
    py: Python<'_>,
    settings: Option<&Bound<'_, PyAny>>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<SpcSettings> {
    let merged = PyDict::new(py);
    if let Some(s) = settings.filter(|s| !s.is_none()) {
        let Ok(d) = s.cast::<PyDict>() else {
            return Err(in_field(
                py,
                invalid(describe(s), "a dict of SPC settings"),
                "settings",
            ));
        };
        merged.update(d.as_mapping())?;
    }
    if let Some(k) = kwargs {
        merged.update(k.as_mapping())?;
    }
    from_plain(merged.as_any(), INT_KEYS)
}

fn point_type_name(p: PointType) -> &'static str {
    p.as_str()
}

fn assurance_name(a: Assurance) -> &'static str {
    match a {
        Assurance::ConsistentPass => "consistent_pass",
        Assurance::ConsistentFail => "consistent_fail",
        Assurance::Inconsistent => "inconsistent",
    }
}

fn direction_name(d: SignalDirection) -> &'static str {
    match d {
        SignalDirection::High => "high",
        SignalDirection::Low => "low",
    }
}

/// The `#[pymethods]` of a wrapper of a serde type: the methods given, plus `from_json`,
/// `to_json`, `to_dict`, `__hash__` and `__reduce__`.
macro_rules! serde_methods {
    ($ty:ident, $inner:ty, { $($body:tt)* }) => {
        #[pymethods]
        impl $ty {
            $($body)*

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
            fn from_json(#[pyo3(from_py_with = crate::conv::scalar::text)] text: String) -> PyResult<Self> {
                from_json_text::<$inner>(&text).map($ty)
            }

            fn __hash__(&self) -> u64 {
                json_hash(&self.0)
            }

            fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
                let py = slf.py();
                let from_json = py.get_type::<$ty>().getattr("from_json")?;
                (from_json, (to_json_text(&slf.get().0)?,)).into_pyobject(py)
            }
        }
    };
}

/// The XmR limits of one baseline: mean, mean moving range, process limits and 2σ lines.
#[pyclass(name = "XmrLimits", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyXmrLimits(pub XmrLimits);

serde_methods!(PyXmrLimits, XmrLimits, {
    /// The mean of the baseline values.
    #[getter]
    fn mean(&self) -> Decimal {
        self.0.mean
    }
    /// The mean moving range after screening; None with fewer than 2 points.
    #[getter]
    fn mean_moving_range(&self) -> Option<Decimal> {
        self.0.mean_moving_range
    }
    /// mean − 2.66 × mean mR.
    #[getter]
    fn lower_process_limit(&self) -> Option<Decimal> {
        self.0.lower_process_limit
    }
    /// mean + 2.66 × mean mR.
    #[getter]
    fn upper_process_limit(&self) -> Option<Decimal> {
        self.0.upper_process_limit
    }
    /// mean − (2/3 × 2.66) × mean mR.
    #[getter]
    fn lower_two_sigma(&self) -> Option<Decimal> {
        self.0.lower_two_sigma
    }
    /// mean + (2/3 × 2.66) × mean mR.
    #[getter]
    fn upper_two_sigma(&self) -> Option<Decimal> {
        self.0.upper_two_sigma
    }
    /// The number of baseline values.
    #[getter]
    fn baseline_points(&self) -> usize {
        self.0.baseline_points
    }
    /// The number of moving ranges in the mean mR.
    #[getter]
    fn moving_ranges_used(&self) -> usize {
        self.0.moving_ranges_used
    }
    /// The number of moving ranges dropped by screening.
    #[getter]
    fn moving_ranges_screened(&self) -> usize {
        self.0.moving_ranges_screened
    }

    fn __repr__(&self) -> String {
        format!(
            "XmrLimits(mean=Decimal('{}'), lower_process_limit={}, upper_process_limit={})",
            self.0.mean,
            dec_repr(self.0.lower_process_limit),
            dec_repr(self.0.upper_process_limit)
        )
    }
});

/// One segment of the series (between rebase points), with its limits.
#[pyclass(name = "SpcSegment", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PySpcSegment(pub SpcSegment);

serde_methods!(PySpcSegment, SpcSegment, {
    /// Index of the first point.
    #[getter]
    fn start(&self) -> usize {
        self.0.start
    }
    /// Index of the last point.
    #[getter]
    fn end(&self) -> usize {
        self.0.end
    }
    /// Number of points.
    #[getter]
    fn points(&self) -> usize {
        self.0.points
    }
    /// The segment's limits.
    #[getter]
    fn limits(&self) -> PyXmrLimits {
        PyXmrLimits(self.0.limits.clone())
    }
    /// True when the segment is too short for firm limits (trial limits).
    #[getter]
    fn trial_limits(&self) -> bool {
        self.0.trial_limits
    }

    fn __repr__(&self) -> String {
        format!(
            "SpcSegment(start={}, end={}, trial_limits={})",
            self.0.start,
            self.0.end,
            if self.0.trial_limits { "True" } else { "False" }
        )
    }
});

/// One point of the series with its limits, rules and label.
#[pyclass(name = "SpcPoint", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PySpcPoint(pub SpcPoint);

serde_methods!(PySpcPoint, SpcPoint, {
    /// Zero-based index in the series.
    #[getter]
    fn index(&self) -> usize {
        self.0.index
    }
    /// The point's label, if labels were given.
    #[getter]
    fn label(&self) -> Option<String> {
        self.0.label.clone()
    }
    /// The value.
    #[getter]
    fn value(&self) -> Decimal {
        self.0.value
    }
    /// Zero-based index of its segment.
    #[getter]
    fn segment(&self) -> usize {
        self.0.segment
    }
    /// The segment's mean.
    #[getter]
    fn mean(&self) -> Decimal {
        self.0.mean
    }
    /// The segment's lower process limit.
    #[getter]
    fn lower_process_limit(&self) -> Option<Decimal> {
        self.0.lower_process_limit
    }
    /// The segment's upper process limit.
    #[getter]
    fn upper_process_limit(&self) -> Option<Decimal> {
        self.0.upper_process_limit
    }
    /// The segment's lower 2σ line.
    #[getter]
    fn lower_two_sigma(&self) -> Option<Decimal> {
        self.0.lower_two_sigma
    }
    /// The segment's upper 2σ line.
    #[getter]
    fn upper_two_sigma(&self) -> Option<Decimal> {
        self.0.upper_two_sigma
    }
    /// |value − previous value| within the segment; None for a segment's first point.
    #[getter]
    fn moving_range(&self) -> Option<Decimal> {
        self.0.moving_range
    }
    /// Whether the moving range went into the mean mR.
    #[getter]
    fn moving_range_used(&self) -> bool {
        self.0.moving_range_used
    }
    /// The rules that flag the point, in precedence order: `"outside"`, `"trend"`,
    /// `"two_of_three"`, `"shift"`.
    #[getter]
    fn rules(&self) -> Vec<&'static str> {
        self.0.rules.iter().map(|r| r.as_str()).collect()
    }
    /// `"common_cause"`, `"special_cause_improvement"`, `"special_cause_concern"`,
    /// `"special_cause_neutral_high"` or `"special_cause_neutral_low"`.
    #[getter]
    fn point_type(&self) -> &'static str {
        point_type_name(self.0.point_type)
    }
    /// True for every label but common cause.
    #[getter]
    fn is_special_cause(&self) -> bool {
        self.0.point_type.is_special_cause()
    }
    /// Why: the winning rule's sentence, or "common cause variation".
    #[getter]
    fn explanation(&self) -> String {
        self.0.explanation.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "SpcPoint(index={}, value=Decimal('{}'), point_type='{}')",
            self.0.index,
            self.0.value,
            point_type_name(self.0.point_type)
        )
    }
});

/// One occurrence of a rule: an outside point, a run, or a two-of-three cluster.
#[pyclass(name = "SpcSignal", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PySpcSignal(pub SpcSignal);

serde_methods!(PySpcSignal, SpcSignal, {
    /// `"outside"`, `"trend"`, `"two_of_three"` or `"shift"`.
    #[getter]
    fn rule(&self) -> &'static str {
        self.0.rule.as_str()
    }
    /// `"high"` (above, rising) or `"low"` (below, falling).
    #[getter]
    fn direction(&self) -> &'static str {
        direction_name(self.0.direction)
    }
    /// Index of the first flagged point.
    #[getter]
    fn start(&self) -> usize {
        self.0.start
    }
    /// Index of the last flagged point.
    #[getter]
    fn end(&self) -> usize {
        self.0.end
    }
    /// The number of points flagged.
    #[getter]
    fn points(&self) -> usize {
        self.0.points
    }
    /// What the rule means for the indicator.
    #[getter]
    fn point_type(&self) -> &'static str {
        point_type_name(self.0.point_type)
    }
    /// A sentence such as "7 points in a row above the mean from 2015/16 Q1: special cause
    /// improvement".
    #[getter]
    fn explanation(&self) -> String {
        self.0.explanation.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "SpcSignal(rule='{}', start={}, end={}, point_type='{}')",
            self.0.rule.as_str(),
            self.0.start,
            self.0.end,
            point_type_name(self.0.point_type)
        )
    }
});

/// The result of an SPC analysis: every point, segment and signal, the variation and assurance
/// icons and a summary sentence.
#[pyclass(name = "SpcResult", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PySpcResult(pub SpcResult);

serde_methods!(PySpcResult, SpcResult, {
    /// `"increase"`, `"decrease"` or `"neutral"`.
    #[getter]
    fn improvement(&self) -> &'static str {
        self.0.improvement.as_str()
    }
    /// The target used for assurance, if any.
    #[getter]
    fn target(&self) -> Option<Decimal> {
        self.0.target
    }
    /// The segments, in order.
    #[getter]
    fn segments(&self) -> Vec<PySpcSegment> {
        self.0.segments.iter().cloned().map(PySpcSegment).collect()
    }
    /// Every point, in order.
    #[getter]
    fn points(&self) -> Vec<PySpcPoint> {
        self.0.points.iter().cloned().map(PySpcPoint).collect()
    }
    /// Every rule occurrence.
    #[getter]
    fn signals(&self) -> Vec<PySpcSignal> {
        self.0.signals.iter().cloned().map(PySpcSignal).collect()
    }
    /// The variation icon: the last point's label (None for an empty series).
    #[getter]
    fn variation(&self) -> Option<&'static str> {
        self.0.variation.map(point_type_name)
    }
    /// The assurance icon: `"consistent_pass"`, `"consistent_fail"`, `"inconsistent"` or None.
    #[getter]
    fn assurance(&self) -> Option<&'static str> {
        self.0.assurance.map(assurance_name)
    }
    /// A summary for a report.
    #[getter]
    fn explanation(&self) -> String {
        self.0.explanation.clone()
    }

    fn __len__(&self) -> usize {
        self.0.points.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "SpcResult(points={}, segments={}, variation={}, assurance={})",
            self.0.points.len(),
            self.0.segments.len(),
            match self.0.variation {
                Some(v) => format!("'{}'", point_type_name(v)),
                None => "None".into(),
            },
            match self.0.assurance {
                Some(a) => format!("'{}'", assurance_name(a)),
                None => "None".into(),
            }
        )
    }
});

/// Analyses a series, oldest first (SPEC §12, NHS "Making Data Count"): XmR limits, the four
/// rules, point labels, the variation and assurance icons. `values` is any sequence of numbers
/// (a list, numpy array, pandas or polars Series); `labels` (one per value: text, periods or
/// dates) name the points in explanations. Settings as keywords or a dict (see the module
/// docs). The work is done without the GIL.
#[pyfunction]
#[pyo3(name = "analyse_spc", signature = (values, labels = None, settings = None, **kwargs))]
fn spc(
    py: Python<'_>,
    values: &Bound<'_, PyAny>,
    labels: Option<&Bound<'_, PyAny>>,
    settings: Option<&Bound<'_, PyAny>>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<PySpcResult> {
    let values = extract_values(values, "values")?;
    let settings = extract_settings(py, settings, kwargs)?;
    let labels = match labels.filter(|l| !l.is_none()) {
        Some(l) => Some(extract_labels(l)?),
        None => None,
    };
    let result = py.detach(|| match &labels {
        Some(labels) => spc_with_labels(&values, labels, &settings),
        None => core_spc(&values, &settings),
    });
    result.py().map(PySpcResult)
}

/// The XmR limits of a baseline: mean, mean moving range (screened when `screen_outliers`),
/// process limits and 2σ lines.
#[pyfunction]
#[pyo3(signature = (baseline, screen_outliers = true))]
fn xmr_limits(
    baseline: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = crate::conv::scalar::flag)] screen_outliers: bool,
) -> PyResult<PyXmrLimits> {
    let values = extract_values(baseline, "baseline")?;
    core_xmr_limits(&values, screen_outliers)
        .py()
        .map(PyXmrLimits)
}

/// Adds the classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyXmrLimits>()?;
    m.add_class::<PySpcSegment>()?;
    m.add_class::<PySpcPoint>()?;
    m.add_class::<PySpcSignal>()?;
    m.add_class::<PySpcResult>()?;
    m.add_function(wrap_pyfunction!(spc, m)?)?;
    m.add_function(wrap_pyfunction!(xmr_limits, m)?)?;
    Ok(())
}
