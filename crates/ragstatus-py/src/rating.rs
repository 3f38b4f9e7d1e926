//! Rating one actual against a target (SPEC §3-§6): `rate`, `Rule`, `Rating`, `Explanation`,
//! `TargetSpec` and `Scheme`.
//!
//! From Python:
//! - a target is a number (a single value), a `(low, high)` pair or `{"low": ..., "high": ...}`
//!   (a range), or None (no target: data only);
//! - a tolerance is None or `"none"`, or `{"absolute": x}`, `{"relative": percent}`,
//!   `{"floor": value}`;
//! - a unit is `"percent"`, `"count"`, `"days"`, `"ratio"`, `"score"`, `{"currency": "GBP"}` or
//!   `{"rate": "1000"}`;
//! - a scheme is a dict as in the definitions files (`{"measure": ..., "bands": [...]}`) or a
//!   `Scheme`.
//!
//! A status is its name as text: `"Red"`, `"Amber"`, `"Green"`, `"Blue"`, `"NoData"`,
//! `"NoTarget"`, `"NotDue"`.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use ragstatus::{
    Decimal, Fired, Rating, Rule, Scheme, Status, Target, TargetSpec, Tolerance, Unit,
    rate as core_rate,
};

use crate::conv::describe;
use crate::conv::json::variant_name;
use crate::conv::json::{from_py, to_py};
use crate::conv::number::{Actual, extract_actual, extract_decimal};
use crate::conv::repr::dec_repr;
use crate::direction::extract_polarity;
use crate::errors::{IntoPyResult, invalid};
use crate::protocol::pyclass_methods;

/// Reads a target: a number, a `(low, high)` pair, `{"low", "high"}`, or None.
pub fn extract_target(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Target>> {
    let Some(obj) = obj else { return Ok(None) };
    if obj.is_none() {
        return Ok(None);
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        return match (d.get_item("low")?, d.get_item("high")?, d.len()) {
            (Some(low), Some(high), 2) => range(&low, &high),
            _ => Err(invalid(
                describe(obj),
                "a target {\"low\": ..., \"high\": ...}",
            )),
        };
    }
    if !obj.is_instance_of::<PyString>() && obj.hasattr("__len__")? && obj.hasattr("__iter__")? {
        let items = crate::conv::items(obj, "target")?;
        return match items.as_slice() {
            [low, high] => range(low, high),
            _ => Err(invalid(describe(obj), "a (low, high) target range")),
        };
    }
    match extract_actual(obj)? {
        Actual::Value(v) => Ok(Some(Target::Value(v))),
        Actual::Missing => Ok(None),
    }
}

fn range(low: &Bound<'_, PyAny>, high: &Bound<'_, PyAny>) -> PyResult<Option<Target>> {
    Target::range(extract_decimal(low)?, extract_decimal(high)?)
        .py()
        .map(Some)
}

/// A target as Python data: a Decimal, or a `(low, high)` tuple.
pub fn target_to_py<'py>(py: Python<'py>, target: &Target) -> PyResult<Bound<'py, PyAny>> {
    match *target {
        Target::Value(v) => Ok(v.into_pyobject(py)?.into_any()),
        Target::Range { low, high } => Ok((low, high).into_pyobject(py)?.into_any()),
    }
}

/// Reads a tolerance: None, `"none"`, `{"absolute": x}`, `{"relative": p}`, `{"floor": v}`.
pub fn extract_tolerance(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Tolerance> {
    let Some(obj) = obj else {
        return Ok(Tolerance::None);
    };
    if obj.is_none() {
        return Ok(Tolerance::None);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return if s.to_cow()?.eq_ignore_ascii_case("none") {
            Ok(Tolerance::None)
        } else {
            Err(invalid(describe(obj), TOLERANCE_FORMS))
        };
    }
    let Ok(d) = obj.cast::<PyDict>() else {
        return Err(invalid(describe(obj), TOLERANCE_FORMS));
    };
    let entries: Vec<(Bound<'_, PyAny>, Bound<'_, PyAny>)> = d.iter().collect();
    let [(key, value)] = entries.as_slice() else {
        return Err(invalid(describe(obj), TOLERANCE_FORMS));
    };
    let key: String = key
        .extract()
        .map_err(|_| invalid(describe(obj), TOLERANCE_FORMS))?;
    let value = extract_decimal(value)?;
    match key.as_str() {
        "absolute" => Tolerance::absolute(value).py(),
        "relative" => Tolerance::relative(value).py(),
        "floor" => Ok(Tolerance::floor(value)),
        _ => Err(invalid(describe(obj), TOLERANCE_FORMS)),
    }
}

const TOLERANCE_FORMS: &str =
    "\"none\", {\"absolute\": x}, {\"relative\": percent} or {\"floor\": value}";

/// Reads a unit (`"percent"`, `{"currency": "GBP"}`, ...); None is a count.
pub fn extract_unit(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Unit> {
    match obj {
        Some(obj) if !obj.is_none() => from_py(obj),
        _ => Ok(Unit::default()),
    }
}

/// Reads a status name.
pub fn extract_status(obj: &Bound<'_, PyAny>) -> PyResult<Status> {
    from_py(obj)
}

/// A custom status scheme: ordered bands over a measure (validated when built).
#[pyclass(name = "Scheme", module = "ragstatus", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyScheme(pub Scheme);

pyclass_methods! {
    PyScheme(Scheme);
    protocol [to_dict, reduce_data, repr_json];
    methods {
        #[new]
        fn new(definition: &Bound<'_, PyAny>) -> PyResult<Self> {
            from_py(definition).map(PyScheme)
        }

        /// The measure the bands are over.
        #[getter]
        fn measure(&self) -> &'static str {
            self.0.measure().as_str()
        }

        /// The polarity the scheme states, if any.
        #[getter]
        fn polarity<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
            to_py(py, &self.0.polarity())
        }
    }
}

fn extract_scheme(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Scheme>> {
    match obj {
        Some(obj) if !obj.is_none() => {
            if let Ok(s) = obj.cast::<PyScheme>() {
                return Ok(Some(s.get().0.clone()));
            }
            from_py(obj).map(Some)
        }
        _ => Ok(None),
    }
}

/// How an indicator is rated: polarity, tolerance, optional custom scheme, Blue on or off.
#[pyclass(name = "Rule", module = "ragstatus", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyRule(pub Rule);

pyclass_methods! {
    PyRule(Rule);
    protocol [to_dict, to_json, from_json, reduce, repr_json];
    fields {
        /// Whether a met stretch target earns Blue.
        blue: bool,
        /// `"higher"`, `"lower"` or `"within"`.
        polarity as str,
        /// The tolerance as plain data.
        tolerance as data,
    }
    methods {
        #[new]
        #[pyo3(signature = (polarity, tolerance = None, *, scheme = None, blue = true))]
        fn new(
            polarity: &Bound<'_, PyAny>,
            tolerance: Option<&Bound<'_, PyAny>>,
            scheme: Option<&Bound<'_, PyAny>>,
            #[pyo3(from_py_with = crate::conv::scalar::flag)] blue: bool,
        ) -> PyResult<Self> {
            let mut rule = Rule::new(extract_polarity(polarity)?, extract_tolerance(tolerance)?);
            if let Some(scheme) = extract_scheme(scheme)? {
                rule = rule.with_scheme(scheme);
            }
            Ok(PyRule(rule.with_blue(blue)))
        }

        /// The custom scheme, if any.
        #[getter]
        fn scheme(&self) -> Option<PyScheme> {
            self.0.scheme.clone().map(PyScheme)
        }
    }
}

/// The inputs of an evaluation and its plain-English sentence.
#[pyclass(name = "Explanation", module = "ragstatus", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyExplanation(pub ragstatus::Explanation);

pyclass_methods! {
    PyExplanation(ragstatus::Explanation);
    protocol [to_dict, to_json, from_json, reduce];
    fields {
        /// The actual compared (after any rounding rule), or None.
        actual: Option<Decimal>,
        /// The stretch target, or None.
        stretch: Option<Decimal>,
        /// Why there is no value (NoData), or None.
        reason: Option<String>,
        /// The sentence, when built.
        sentence: Option<String>,
        /// `"higher"`, `"lower"` or `"within"`.
        polarity as str,
        /// The tolerance as plain data.
        tolerance as data,
    }
    methods {
        /// The target: a Decimal, a `(low, high)` tuple, or None.
        #[getter]
        fn target<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
            self.0
                .target
                .as_ref()
                .map(|t| target_to_py(py, t))
                .transpose()
        }

        fn __repr__(&self) -> String {
            match &self.0.sentence {
                Some(s) => format!("Explanation({s:?})"),
                None => format!(
                    "Explanation(actual={}, stretch={})",
                    dec_repr(self.0.actual),
                    dec_repr(self.0.stretch)
                ),
            }
        }
    }
}

/// The status of one evaluation, with the shortfall, the tolerance amount, the rule that fired,
/// any override, and the explanation.
#[pyclass(name = "Rating", module = "ragstatus", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyRating(pub Rating);

pyclass_methods! {
    PyRating(Rating);
    protocol [status, to_dict, to_json, from_json, reduce];
    fields {
        /// How far the actual is on the wrong side of the target (≤ 0: met), or None.
        shortfall: Option<Decimal>,
        /// The width of the Amber band in the indicator's units, or None.
        tolerance_amount: Option<Decimal>,
        /// The status the rule computed, before any override.
        computed as str,
        /// The override as a dict `{"status", "reason", "by"}`, or None.
        overridden as data,
    }
    methods {
        /// The rule that fired: `"met"`, `"within_tolerance"`, `"beyond_tolerance"`, `"stretch"`,
        /// `"no_actual"`, `"no_target"`, `"not_due"` or `"band"` (a custom scheme's band).
        #[getter]
        fn fired(&self) -> String {
            variant_name(&self.0.fired)
        }

        /// For a custom scheme: the zero-based index of the band that fired, else None.
        #[getter]
        fn band(&self) -> Option<usize> {
            match self.0.fired {
                Fired::Band { index, .. } => Some(index),
                _ => None,
            }
        }

        /// For a custom scheme: the value of its measure, else None.
        #[getter]
        fn measure_value(&self) -> Option<Decimal> {
            match self.0.fired {
                Fired::Band { value, .. } => Some(value),
                _ => None,
            }
        }

        /// True for Red, Amber, Green and Blue.
        #[getter]
        fn is_rated(&self) -> bool {
            self.0.status.is_rated()
        }

        /// The inputs and the sentence.
        #[getter]
        fn explanation(&self) -> PyExplanation {
            PyExplanation(self.0.explanation.clone())
        }

        /// The plain-English sentence, when built (see `explained`).
        #[getter]
        fn sentence(&self) -> Option<String> {
            self.0.explanation.sentence.clone()
        }

        /// The same rating with its sentence built for `unit` and display `decimals`.
        #[pyo3(signature = (unit = None, decimals = None))]
        fn explained(
            &self,
            unit: Option<&Bound<'_, PyAny>>,
            #[pyo3(from_py_with = crate::conv::scalar::opt_u32)] decimals: Option<u32>,
        ) -> PyResult<Self> {
            let unit = extract_unit(unit)?;
            Ok(PyRating(self.0.clone().explained(&unit, decimals)))
        }

        /// The same rating overridden by a person: `status` becomes the override's, `computed`
        /// keeps what the rule said.
        fn with_override(
            &self,
            status: &Bound<'_, PyAny>,
            #[pyo3(from_py_with = crate::conv::scalar::text)] reason: String,
            #[pyo3(from_py_with = crate::conv::scalar::text)] by: String,
        ) -> PyResult<Self> {
            let status = extract_status(status)?;
            Ok(PyRating(self.0.clone().with_override(status, reason, by)))
        }

        fn __repr__(&self) -> String {
            let mut s = format!(
                "Rating(status='{}', shortfall={}, tolerance_amount={}, fired='{}'",
                self.0.status.as_str(),
                dec_repr(self.0.shortfall),
                dec_repr(self.0.tolerance_amount),
                variant_name(&self.0.fired)
            );
            if self.0.computed != self.0.status {
                s.push_str(&format!(", computed='{}'", self.0.computed.as_str()));
            }
            s.push(')');
            s
        }
    }
}

/// A `rule=` argument: a [`PyRule`] or None (anything else is an `InvalidValueError`, not a
/// `TypeError`).
pub fn rule_arg<'py>(rule: Option<&Bound<'py, PyAny>>) -> PyResult<Option<PyRef<'py, PyRule>>> {
    match rule.filter(|r| !r.is_none()) {
        Some(r) => Ok(Some(
            r.cast::<PyRule>()
                .map_err(|_| invalid(describe(r), "a Rule or None"))?
                .borrow(),
        )),
        None => Ok(None),
    }
}

/// The rule given either whole or by its parts.
pub fn build_rule(
    rule: Option<PyRef<'_, PyRule>>,
    polarity: Option<&Bound<'_, PyAny>>,
    tolerance: Option<&Bound<'_, PyAny>>,
    scheme: Option<&Bound<'_, PyAny>>,
    blue: bool,
) -> PyResult<Rule> {
    match (rule, polarity) {
        (Some(rule), None) => Ok(rule.0.clone()),
        (None, Some(polarity)) => {
            let mut rule = Rule::new(extract_polarity(polarity)?, extract_tolerance(tolerance)?);
            if let Some(scheme) = extract_scheme(scheme)? {
                rule = rule.with_scheme(scheme);
            }
            Ok(rule.with_blue(blue))
        }
        _ => Err(invalid(
            "rule and polarity",
            "either rule=Rule(...) or polarity=... (with tolerance, scheme, blue)",
        )),
    }
}

/// Rates `actual` against `target` (and the optional `stretch` target).
///
/// Give the rule either as `rule=Rule(...)` or by its parts (`polarity`, `tolerance`, `scheme`,
/// `blue`). `actual` None / NaN gives NoData; `not_due=True` gives NotDue; `no_value_reason`
/// gives NoData with that reason. With `unit` (and display `decimals`) the sentence is built.
#[pyfunction]
#[pyo3(signature = (
    actual, target = None, *, polarity = None, tolerance = None, stretch = None, scheme = None,
    blue = true, rule = None, unit = None, decimals = None, not_due = false, no_value_reason = None
))]
#[allow(clippy::too_many_arguments)]
pub fn rate(
    actual: &Bound<'_, PyAny>,
    target: Option<&Bound<'_, PyAny>>,
    polarity: Option<&Bound<'_, PyAny>>,
    tolerance: Option<&Bound<'_, PyAny>>,
    stretch: Option<&Bound<'_, PyAny>>,
    scheme: Option<&Bound<'_, PyAny>>,
    #[pyo3(from_py_with = crate::conv::scalar::flag)] blue: bool,
    rule: Option<&Bound<'_, PyAny>>,
    unit: Option<&Bound<'_, PyAny>>,
    #[pyo3(from_py_with = crate::conv::scalar::opt_u32)] decimals: Option<u32>,
    #[pyo3(from_py_with = crate::conv::scalar::flag)] not_due: bool,
    #[pyo3(from_py_with = crate::conv::scalar::opt_text)] no_value_reason: Option<String>,
) -> PyResult<PyRating> {
    let rule = build_rule(rule_arg(rule)?, polarity, tolerance, scheme, blue)?;
    let rating = if not_due {
        Rating::not_due(&rule)
    } else if let Some(reason) = no_value_reason {
        Rating::no_data(reason, &rule)
    } else {
        let actual = match extract_actual(actual)? {
            Actual::Value(v) => Some(v),
            Actual::Missing => None,
        };
        let target = extract_target(target)?;
        let stretch = match stretch {
            Some(s) => match extract_actual(s)? {
                Actual::Value(v) => Some(v),
                Actual::Missing => None,
            },
            None => None,
        };
        core_rate(actual, target.as_ref(), stretch, &rule).py()?
    };
    let rating = match unit {
        Some(u) if !u.is_none() => rating.explained(&extract_unit(Some(u))?, decimals),
        _ => match decimals {
            Some(d) => rating.explained(&Unit::default(), Some(d)),
            None => rating,
        },
    };
    Ok(PyRating(rating))
}

/// A year's target as written in a definition: a value, a range, or an annual target with a
/// profile; optional stretch.
#[pyclass(name = "TargetSpec", module = "ragstatus", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyTargetSpec(pub TargetSpec);

pyclass_methods! {
    PyTargetSpec(TargetSpec);
    protocol [to_dict, reduce_data, repr_json];
    methods {
        #[new]
        fn new(definition: &Bound<'_, PyAny>) -> PyResult<Self> {
            from_py(definition).map(PyTargetSpec)
        }

        /// The target for period `k` of `n` in the year (None: no target).
        fn target_for<'py>(
            &self,
            py: Python<'py>,
            #[pyo3(from_py_with = crate::conv::scalar::u32_arg)] k: u32,
            #[pyo3(from_py_with = crate::conv::scalar::u32_arg)] n: u32,
        ) -> PyResult<Option<Bound<'py, PyAny>>> {
            let target = self.0.target_for(k, n).py()?;
            target.as_ref().map(|t| target_to_py(py, t)).transpose()
        }

        /// The stretch target for period `k` of `n`, or None.
        fn stretch_for(
            &self,
            #[pyo3(from_py_with = crate::conv::scalar::u32_arg)] k: u32,
            #[pyo3(from_py_with = crate::conv::scalar::u32_arg)] n: u32,
        ) -> PyResult<Option<Decimal>> {
            self.0.stretch_for(k, n).py()
        }

        /// The fiscal year label, as written, if given.
        #[getter]
        fn year(&self) -> Option<String> {
            self.0.year().map(str::to_string)
        }
    }
}

/// Adds the classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyScheme>()?;
    m.add_class::<PyRule>()?;
    m.add_class::<PyExplanation>()?;
    m.add_class::<PyRating>()?;
    m.add_class::<PyTargetSpec>()?;
    m.add_function(wrap_pyfunction!(rate, m)?)?;
    Ok(())
}
