//! Observations, aggregation and rounding (SPEC §2).
//!
//! An observation is given from Python as a number (a direct value), a `(numerator,
//! denominator)` pair, or a dict `{"value": ...}` / `{"numerator": ..., "denominator": ...}`.
//! The result of resolving or aggregating is a `Resolved`: a `value`, or no value and the
//! `no_value` reason (`"missing"`, `"zero_denominator"`, `"incomplete"`).

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use ragstatus::Decimal;
use ragstatus::value::{Aggregation, NoValueReason, Resolved, Rounding, RoundingMode};

use crate::conv::json::from_py;
use crate::conv::json::variant_name;
use crate::conv::number::{extract_decimal, extract_observation};
use crate::errors::{IntoPyResult, invalid};
use crate::protocol::pyclass_methods;

/// A value, or the reason there is none.
#[pyclass(name = "Resolved", module = "ragstatus", frozen, eq, hash)]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PyResolved(pub Resolved);

pyclass_methods! {
    PyResolved(Resolved);
    protocol [to_json, from_json, reduce];
    methods {
        /// The value, or None.
        #[getter]
        fn value(&self) -> Option<Decimal> {
            self.0.value()
        }

        /// Why there is no value (`"missing"`, `"zero_denominator"`, `"incomplete"`), or None.
        #[getter]
        fn no_value(&self) -> Option<String> {
            match self.0 {
                Resolved::Value(_) => None,
                Resolved::NoValue(reason) => Some(variant_name(&reason)),
            }
        }

        /// The reason in words, or None when there is a value.
        #[getter]
        fn reason(&self) -> Option<&'static str> {
            match self.0 {
                Resolved::Value(_) => None,
                Resolved::NoValue(reason) => Some(reason.describe()),
            }
        }

        fn __bool__(&self) -> bool {
            self.0.value().is_some()
        }

        fn __repr__(&self) -> String {
            match self.0 {
                Resolved::Value(v) => format!("Resolved(value=Decimal('{v}'))"),
                Resolved::NoValue(r) => format!("Resolved(no_value={:?})", variant_name(&r)),
            }
        }
    }
}

/// The value of one observation (numerator / denominator × multiplier for a fraction).
#[pyfunction]
#[pyo3(signature = (observation, multiplier = None))]
pub fn resolve(
    observation: &Bound<'_, PyAny>,
    multiplier: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyResolved> {
    let multiplier = match multiplier {
        Some(m) => extract_decimal(m)?,
        None => Decimal::ONE,
    };
    match extract_observation(observation)? {
        Some(obs) => obs.resolve(multiplier).py().map(PyResolved),
        None => Ok(PyResolved(Resolved::NoValue(NoValueReason::Missing))),
    }
}

/// Combines the observations of consecutive periods (oldest first) by `aggregation`: `"sum"`,
/// `"ratio"`, `"mean"`, `"last"`, `"max"` or `"min"`. A missing observation among them gives
/// no value (reason `"incomplete"`).
#[pyfunction]
#[pyo3(signature = (aggregation, observations, multiplier = None))]
pub fn aggregate(
    aggregation: &Bound<'_, PyAny>,
    observations: &Bound<'_, PyAny>,
    multiplier: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyResolved> {
    let aggregation: Aggregation = from_py(aggregation)?;
    let multiplier = match multiplier {
        Some(m) => extract_decimal(m)?,
        None => Decimal::ONE,
    };
    let mut list = Vec::new();
    for item in crate::conv::items(observations, "observations")? {
        match extract_observation(&item)? {
            Some(obs) => list.push(obs),
            None => return Ok(PyResolved(Resolved::NoValue(NoValueReason::Incomplete))),
        }
    }
    aggregation
        .aggregate(&list, multiplier)
        .py()
        .map(PyResolved)
}

/// A rounding rule applied to the actual before comparison: `decimals` places, `mode`
/// `"half_away_from_zero"` (as spreadsheets) or `"half_even"`.
#[pyclass(name = "Rounding", module = "ragstatus", frozen, eq, hash)]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PyRounding(pub Rounding);

pyclass_methods! {
    PyRounding(Rounding);
    protocol [];
    fields {
        /// The number of decimal places.
        decimals: u32,
    }
    methods {
        #[new]
        #[pyo3(
            signature = (decimals, mode = "half_away_from_zero".to_string()),
            text_signature = "(decimals, mode='half_away_from_zero')"
        )]
        fn new(
            #[pyo3(from_py_with = crate::conv::scalar::u32_arg)] decimals: u32,
            #[pyo3(from_py_with = crate::conv::scalar::text)] mode: String,
        ) -> PyResult<Self> {
            let mode = match mode.as_str() {
                "half_away_from_zero" => RoundingMode::HalfAwayFromZero,
                "half_even" => RoundingMode::HalfEven,
                other => {
                    return Err(invalid(other, "\"half_away_from_zero\" or \"half_even\""));
                }
            };
            Rounding::new(decimals, mode).py().map(PyRounding)
        }

        /// `"half_away_from_zero"` or `"half_even"`.
        #[getter]
        fn mode(&self) -> String {
            variant_name(&self.0.mode)
        }

        /// Rounds a value.
        fn apply(&self, value: &Bound<'_, PyAny>) -> PyResult<Decimal> {
            Ok(self.0.apply(extract_decimal(value)?))
        }

        fn __repr__(&self) -> String {
            format!(
                "Rounding({}, mode={:?})",
                self.0.decimals,
                variant_name(&self.0.mode)
            )
        }

        fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
            let py = slf.py();
            let r = slf.get().0;
            (py.get_type::<PyRounding>(), (r.decimals, variant_name(&r.mode))).into_pyobject(py)
        }
    }
}

/// Adds the classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyResolved>()?;
    m.add_class::<PyRounding>()?;
    m.add_function(wrap_pyfunction!(resolve, m)?)?;
    m.add_function(wrap_pyfunction!(aggregate, m)?)?;
    Ok(())
}
