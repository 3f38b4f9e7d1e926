//! Every conversion between Python values and the core's types, in one place.
//!
//! The class modules (`rating`, `budget`, `milestone`, ...) read their arguments and write their
//! results through these functions; nothing here imports a class module, so the dependencies
//! run one way.
//!
//! | module | owns |
//! | --- | --- |
//! | [`number`] | numbers and actuals (`Decimal`, `int`, `float`, text, numpy scalars, missing markers), observations |
//! | [`scalar`] | text, whole numbers, flags, dates and lists of text, with the errors of a bad value |
//! | [`json`] | plain data (dicts, lists) to and from the core's serde types; the JSON form's hash; enum names from the serde form |
//! | [`source`] | where CSV text comes from: text, bytes, a path or an open file |
//! | [`repr`] | the pieces of a `__repr__`: quoted text, `Decimal('...')` |
//!
//! Errors raised here are [`crate::errors`]' `RagstatusError` subclasses, with the field named
//! where the caller knows it ([`in_field`]).

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};

use crate::errors::invalid;

pub mod json;
pub mod number;
pub mod repr;
pub mod scalar;
pub mod source;

/// A short description of a Python object for an error message: its repr, cut to 80 characters.
pub fn describe(obj: &Bound<'_, PyAny>) -> String {
    let text = obj
        .repr()
        .and_then(|r| r.to_cow().map(|c| c.to_string()))
        .unwrap_or_else(|_| "<object>".to_string());
    if text.chars().count() > 80 {
        let cut: String = text.chars().take(77).collect();
        format!("{cut}...")
    } else {
        text
    }
}

/// Sets the exception's `field` when it does not name one yet.
pub fn in_field(py: Python<'_>, err: PyErr, field: &str) -> PyErr {
    let value = err.value(py);
    let unset = value.getattr("field").map(|f| f.is_none()).unwrap_or(false);
    if unset {
        // Best effort: the exception is right without the field.
        let _ = value.setattr("field", field);
    }
    err
}

/// The items of any iterable (a list, tuple, numpy array, pandas or polars Series...).
pub fn items<'py>(obj: &Bound<'py, PyAny>, field: &str) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if obj.is_instance_of::<PyString>()
        || obj.is_instance_of::<PyBytes>()
        || obj.is_instance_of::<PyDict>()
    {
        return Err(in_field(
            obj.py(),
            invalid(describe(obj), "a list or other sequence"),
            field,
        ));
    }
    let iter = obj.try_iter().map_err(|_| {
        in_field(
            obj.py(),
            invalid(describe(obj), "a list or other sequence"),
            field,
        )
    })?;
    iter.collect()
}
