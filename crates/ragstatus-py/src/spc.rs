//! Statistical process control, XmR charts (SPEC §12): `analyse_spc`, `xmr_limits`, `SpcResult`,
//! `SpcPoint`, `SpcSegment`, `SpcSignal` and `XmrLimits`.
//!
//! Settings are given as keywords (`analyse_spc(values, improvement="decrease", target=95,
//! rebase_at=[12])`) or as a dict in the shape of the definition files (`settings={...}`);
//! keywords win over the dict. The keys are those of the core's `SpcSettings`: `improvement`
//! (`"increase"`/`"higher"`, `"decrease"`/`"lower"`, `"neutral"`/`"within"`), `target`,
//! `fix_after`, `rebase_at`, `screen_outliers`, `outside_rule`, `shift_rule`, `shift_length`,
//! `trend_rule`, `trend_length`, `two_of_three_rule`, `two_of_three_counts_outside`,
//! `trial_limit_points`, `display_decimals` (the places of the numbers in the sentences),
//! `chart` (`"xmr"`, `"run"`, `"p"`, `"p_prime"`, `"u"`, `"u_prime"`, `"c"`, `"g"`, `"t"`;
//! SPEC §12a), `process_changes` (`[{"at": 12, "reason": "..."}]`), `exclude` (the same
//! shape) and `profile` (`"nhsr"`, `"mdc"`, `"powerbi"`; SPEC §12b). An unknown key is an error. The P, P′, U and U′ charts take `denominators=`.
//!
//! SPC needs an unbroken series: a missing value (None, NaN, `pandas.NA`) is an
//! `InvalidValueError` naming its position (`values[3]`), never a silently shortened chart.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use ragstatus::Decimal;
use ragstatus::spc::{
    PointType, RunsAnalysis, SpcPoint, SpcResult, SpcSegment, SpcSettings, SpcSignal, XmrLimits,
    spc_chart, xmr_limits as core_xmr_limits,
};

use crate::conv::describe;
use crate::conv::json::from_plain;
use crate::conv::json::variant_name;
use crate::conv::number::{Actual, extract_actual};
use crate::conv::repr::dec_repr;
use crate::conv::{in_field, items};
use crate::errors::{IntoPyResult, invalid};
use crate::protocol::pyclass_methods;

/// The settings keys read as integers (shared with the bulk `spc_frame`).
pub(crate) const INT_KEYS: &[&str] = &[
    "fix_after",
    "rebase_at",
    "process_changes",
    "exclude",
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

/// The XmR limits of one baseline: mean, mean moving range, process limits and 2σ lines.
#[pyclass(name = "XmrLimits", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyXmrLimits(pub XmrLimits);

pyclass_methods! {
    PyXmrLimits(XmrLimits);
    protocol [to_dict, to_json, from_json, hash, reduce];
    fields {
        /// The mean of the baseline values.
        mean: Decimal,
        /// The mean moving range after screening; None with fewer than 2 points.
        mean_moving_range: Option<Decimal>,
        /// mean − 2.66 × mean mR.
        lower_process_limit: Option<Decimal>,
        /// mean + 2.66 × mean mR.
        upper_process_limit: Option<Decimal>,
        /// mean − (2/3 × 2.66) × mean mR.
        lower_two_sigma: Option<Decimal>,
        /// mean + (2/3 × 2.66) × mean mR.
        upper_two_sigma: Option<Decimal>,
        /// The number of baseline values.
        baseline_points: usize,
        /// The number of moving ranges in the mean mR.
        moving_ranges_used: usize,
        /// The number of moving ranges dropped by screening.
        moving_ranges_screened: usize,
    }
    methods {
        fn __repr__(&self) -> String {
            format!(
                "XmrLimits(mean=Decimal('{}'), lower_process_limit={}, upper_process_limit={})",
                self.0.mean,
                dec_repr(self.0.lower_process_limit),
                dec_repr(self.0.upper_process_limit)
            )
        }
    }
}

/// The Anhøj runs analysis of a run chart's segment (SPEC §12a).
#[pyclass(name = "RunsAnalysis", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyRunsAnalysis(pub RunsAnalysis);

pyclass_methods! {
    PyRunsAnalysis(RunsAnalysis);
    protocol [to_dict, to_json, from_json, hash, reduce];
    fields {
        /// Included points not on the centre line.
        useful_points: usize,
        /// The longest run on one side of the centre line.
        longest_run: usize,
        /// round(log2(useful_points)) + 3: a longer run signals.
        longest_run_max: usize,
        /// How often the series crosses the centre line.
        crossings: usize,
        /// qbinom(0.05, useful_points - 1, 0.5): fewer crossings signal.
        crossings_min: usize,
        /// Whether either rule signals.
        signal: bool,
    }
    methods {
        fn __repr__(&self) -> String {
            format!(
                "RunsAnalysis(longest_run={}, crossings={}, signal={})",
                self.0.longest_run,
                self.0.crossings,
                if self.0.signal { "True" } else { "False" }
            )
        }
    }
}

/// One segment of the series (between rebase points), with its limits.
#[pyclass(name = "SpcSegment", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PySpcSegment(pub SpcSegment);

pyclass_methods! {
    PySpcSegment(SpcSegment);
    protocol [to_dict, to_json, from_json, hash, reduce];
    fields {
        /// Index of the first point.
        start: usize,
        /// Index of the last point.
        end: usize,
        /// Number of points.
        points: usize,
        /// True when the segment is too short for firm limits (trial limits).
        trial_limits: bool,
        /// The reason of the process change that starts the segment, if one was given.
        reason: Option<String>,
    }
    methods {
        /// The Anhøj runs analysis (run charts; None for the others).
        #[getter]
        fn runs(&self) -> Option<PyRunsAnalysis> {
            self.0.runs.clone().map(PyRunsAnalysis)
        }
        /// The segment's limits.
        #[getter]
        fn limits(&self) -> PyXmrLimits {
            PyXmrLimits(self.0.limits.clone())
        }

        fn __repr__(&self) -> String {
            format!(
                "SpcSegment(start={}, end={}, trial_limits={})",
                self.0.start,
                self.0.end,
                if self.0.trial_limits { "True" } else { "False" }
            )
        }
    }
}

/// One point of the series with its limits, rules and label.
#[pyclass(name = "SpcPoint", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PySpcPoint(pub SpcPoint);

pyclass_methods! {
    PySpcPoint(SpcPoint);
    protocol [to_dict, to_json, from_json, hash, reduce];
    fields {
        /// Zero-based index in the series.
        index: usize,
        /// The point's label, if labels were given.
        label: Option<String>,
        /// The value.
        value: Decimal,
        /// Zero-based index of its segment.
        segment: usize,
        /// The segment's mean.
        mean: Decimal,
        /// The segment's lower process limit.
        lower_process_limit: Option<Decimal>,
        /// The segment's upper process limit.
        upper_process_limit: Option<Decimal>,
        /// The segment's lower 2σ line.
        lower_two_sigma: Option<Decimal>,
        /// The segment's upper 2σ line.
        upper_two_sigma: Option<Decimal>,
        /// |value − previous value| within the segment; None for a segment's first point.
        moving_range: Option<Decimal>,
        /// Whether the moving range went into the mean mR.
        moving_range_used: bool,
        /// The denominator (P, P′, U, U′ charts; the value is numerator / denominator).
        denominator: Option<Decimal>,
        /// Why the point is left out of the lines and rules, if it is.
        excluded: Option<String>,
        /// Why: the winning rule's sentence, or "common cause variation".
        explanation: String,
        /// `"common_cause"`, `"special_cause_improvement"`, `"special_cause_concern"`,
        /// `"special_cause_neutral_high"` or `"special_cause_neutral_low"`.
        point_type as str,
    }
    methods {
        /// The rules that flag the point, in precedence order: `"outside"`, `"trend"`,
        /// `"two_of_three"`, `"shift"`.
        #[getter]
        fn rules(&self) -> Vec<&'static str> {
            self.0.rules.iter().map(|r| r.as_str()).collect()
        }
        /// True for every label but common cause.
        #[getter]
        fn is_special_cause(&self) -> bool {
            self.0.point_type.is_special_cause()
        }

        fn __repr__(&self) -> String {
            format!(
                "SpcPoint(index={}, value=Decimal('{}'), point_type='{}')",
                self.0.index,
                self.0.value,
                self.0.point_type.as_str()
            )
        }
    }
}

/// One occurrence of a rule: an outside point, a run, or a two-of-three cluster.
#[pyclass(name = "SpcSignal", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PySpcSignal(pub SpcSignal);

pyclass_methods! {
    PySpcSignal(SpcSignal);
    protocol [to_dict, to_json, from_json, hash, reduce];
    fields {
        /// Index of the first flagged point.
        start: usize,
        /// Index of the last flagged point.
        end: usize,
        /// The number of points flagged.
        points: usize,
        /// A sentence such as "7 points in a row above the mean from 2015/16 Q1: special cause
        /// improvement".
        explanation: String,
        /// `"outside"`, `"trend"`, `"two_of_three"` or `"shift"`.
        rule as str,
        /// What the rule means for the indicator.
        point_type as str,
    }
    methods {
        /// `"high"` (above, rising) or `"low"` (below, falling).
        #[getter]
        fn direction(&self) -> String {
            variant_name(&self.0.direction)
        }

        fn __repr__(&self) -> String {
            format!(
                "SpcSignal(rule='{}', start={}, end={}, point_type='{}')",
                self.0.rule.as_str(),
                self.0.start,
                self.0.end,
                self.0.point_type.as_str()
            )
        }
    }
}

/// The result of an SPC analysis: every point, segment and signal, the variation and assurance
/// icons and a summary sentence.
#[pyclass(name = "SpcResult", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PySpcResult(pub SpcResult);

pyclass_methods! {
    PySpcResult(SpcResult);
    protocol [to_dict, to_json, from_json, hash, reduce];
    fields {
        /// The target used for assurance, if any.
        target: Option<Decimal>,
        /// A summary for a report.
        explanation: String,
        /// `"increase"`, `"decrease"` or `"neutral"`.
        improvement as str,
        /// The chart type: `"xmr"`, `"run"`, `"p"`, `"p_prime"`, `"u"`, `"u_prime"`, `"c"`,
        /// `"g"` or `"t"`.
        chart as str,
    }
    methods {
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
            self.0.variation.map(PointType::as_str)
        }
        /// The assurance icon: `"consistent_pass"`, `"consistent_fail"`, `"inconsistent"` or None.
        #[getter]
        fn assurance(&self) -> Option<String> {
            self.0.assurance.map(|a| variant_name(&a))
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
                    Some(v) => format!("'{}'", v.as_str()),
                    None => "None".into(),
                },
                match self.0.assurance {
                    Some(a) => format!("'{}'", variant_name(&a)),
                    None => "None".into(),
                }
            )
        }
    }
}

/// Analyses a series, oldest first (SPEC §12, NHS "Making Data Count"): XmR limits, the four
/// rules, point labels, the variation and assurance icons. `values` is any sequence of numbers
/// (a list, numpy array, pandas or polars Series); `labels` (one per value: text, periods or
/// dates) name the points in explanations. Settings as keywords or a dict (see the module
/// docs). `chart=` picks the chart type (SPEC §12a); the P, P′, U and U′ charts take the
/// numerators as `values` and one denominator per value as `denominators`. The work is done
/// without the GIL.
#[pyfunction]
#[pyo3(
    name = "analyse_spc",
    signature = (values, labels = None, settings = None, *, denominators = None, **kwargs)
)]
fn spc(
    py: Python<'_>,
    values: &Bound<'_, PyAny>,
    labels: Option<&Bound<'_, PyAny>>,
    settings: Option<&Bound<'_, PyAny>>,
    denominators: Option<&Bound<'_, PyAny>>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<PySpcResult> {
    let values = extract_values(values, "values")?;
    let denominators = match denominators.filter(|d| !d.is_none()) {
        Some(d) => Some(extract_values(d, "denominators")?),
        None => None,
    };
    let settings = extract_settings(py, settings, kwargs)?;
    let labels = match labels.filter(|l| !l.is_none()) {
        Some(l) => Some(extract_labels(l)?),
        None => None,
    };
    let result = py.detach(|| {
        spc_chart(
            &values,
            denominators.as_deref(),
            labels.as_deref(),
            &settings,
        )
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
    m.add_class::<PyRunsAnalysis>()?;
    m.add_class::<PySpcSegment>()?;
    m.add_class::<PySpcPoint>()?;
    m.add_class::<PySpcSignal>()?;
    m.add_class::<PySpcResult>()?;
    m.add_function(wrap_pyfunction!(spc, m)?)?;
    m.add_function(wrap_pyfunction!(xmr_limits, m)?)?;
    Ok(())
}
