//! Scalar arguments (text, whole numbers, flags, dates, calendars) read with the same errors as
//! every other value.
//!
//! pyo3's own conversion of a typed argument (`label: &str`, `start_month: u32`, `blue: bool`)
//! raises `TypeError` or `OverflowError` for a value of the wrong kind. An analyst passing a
//! missing period label (`None`, NaN from a frame), a float start month, or a year beyond any
//! calendar should get the same `InvalidValueError` (a `RagstatusError`, so a `ValueError`) as
//! for a bad number, so these arguments are read through the functions here
//! (`#[pyo3(from_py_with = ...)]`). `TypeError` is left to Python's own call errors: a wrong
//! number of arguments or an unknown keyword.

use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyInt, PyString, PyType};

use super::{describe, in_field};
use crate::errors::{IntoPyResult, invalid};

/// Text (a `str`).
pub fn text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    match obj.cast::<PyString>() {
        Ok(s) => Ok(s.to_cow()?.to_string()),
        Err(_) => Err(invalid(describe(obj), "text (a str)")),
    }
}

/// Optional text: None stays None.
pub fn opt_text(obj: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if obj.is_none() {
        return Ok(None);
    }
    text(obj).map(Some)
}

/// A whole number as an `i128`: `int` or a numpy integer, never `bool`, a float or text.
fn whole(obj: &Bound<'_, PyAny>, expected: &str) -> PyResult<i128> {
    let is_bool = obj.is_instance_of::<PyBool>()
        || obj.get_type().name().map(|n| n.to_string()).ok().as_deref() == Some("bool_");
    if is_bool {
        return Err(invalid(describe(obj), expected));
    }
    let int = if obj.is_instance_of::<PyInt>() {
        obj.clone()
    } else if obj.hasattr("dtype")? && obj.hasattr("__index__")? {
        // numpy integers
        obj.call_method0("__index__")
            .map_err(|_| invalid(describe(obj), expected))?
    } else {
        return Err(invalid(describe(obj), expected));
    };
    int.extract::<i128>()
        .map_err(|_| invalid(describe(obj), expected))
}

/// A whole number that fits `T`.
fn whole_as<T: TryFrom<i128>>(obj: &Bound<'_, PyAny>, expected: &str) -> PyResult<T> {
    T::try_from(whole(obj, expected)?).map_err(|_| invalid(describe(obj), expected))
}

/// A non-negative whole number (a month, an index, a count of decimals).
pub fn u32_arg(obj: &Bound<'_, PyAny>) -> PyResult<u32> {
    whole_as(obj, "a whole number from 0 to 4294967295 (an int)")
}

/// An optional non-negative whole number: None stays None.
pub fn opt_u32(obj: &Bound<'_, PyAny>) -> PyResult<Option<u32>> {
    if obj.is_none() {
        return Ok(None);
    }
    u32_arg(obj).map(Some)
}

/// A signed whole number (a year).
pub fn i32_arg(obj: &Bound<'_, PyAny>) -> PyResult<i32> {
    whole_as(obj, "a whole number within ±2147483647 (an int)")
}

/// A signed whole number (a count of steps).
pub fn i64_arg(obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    whole_as(obj, "a whole number within ±9.2e18 (an int)")
}

/// `True` or `False` (or a numpy bool).
pub fn flag(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(b.is_true());
    }
    if obj.get_type().name().map(|n| n.to_string()).ok().as_deref() == Some("bool_") {
        return obj.is_truthy();
    }
    Err(invalid(describe(obj), "True or False"))
}

/// A date: a `datetime.date`, or text as `yyyy-mm-dd` or `dd/mm/yyyy`.
pub fn date(obj: &Bound<'_, PyAny>) -> PyResult<NaiveDate> {
    extract_date(obj, "date")
}

/// A list of texts (a group path); a single text is refused rather than split into letters.
pub fn texts(obj: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    const EXPECTED: &str = "a list of texts, such as [\"Start Well\"]";
    if obj.is_instance_of::<PyString>() {
        return Err(invalid(describe(obj), EXPECTED));
    }
    let iter = obj
        .try_iter()
        .map_err(|_| invalid(describe(obj), EXPECTED))?;
    iter.map(|item| {
        let item = item?;
        item.cast::<PyString>()
            .map_err(|_| invalid(describe(&item), EXPECTED))?
            .to_cow()
            .map(|c| c.to_string())
    })
    .collect()
}

/// Text that must be a `str`.
pub fn extract_text(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<String> {
    match obj.cast::<PyString>() {
        Ok(s) => Ok(s.to_cow()?.to_string()),
        Err(_) => Err(in_field(obj.py(), invalid(describe(obj), "text"), field)),
    }
}

/// Optional text: None stays None.
pub fn extract_opt_text(obj: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<Option<String>> {
    match obj {
        Some(o) if !o.is_none() => extract_text(o, field).map(Some),
        _ => Ok(None),
    }
}

static DATE_CLS: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// A date: `datetime.date` (or `datetime`, `pandas.Timestamp`: the date part), or text as ISO
/// `yyyy-mm-dd` or UK `dd/mm/yyyy`.
pub fn extract_date(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<NaiveDate> {
    let py = obj.py();
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_cow()?;
        return ragstatus::milestone::parse_date(&text)
            .py()
            .map_err(|e| in_field(py, e, field));
    }
    if obj.is_instance(DATE_CLS.import(py, "datetime", "date")?)? {
        // pandas.NaT is a datetime whose fields are NaN: not a date.
        let part = |name: &str| -> Option<u32> { obj.getattr(name).ok()?.extract::<u32>().ok() };
        let (Some(year), Some(month), Some(day)) = (part("year"), part("month"), part("day"))
        else {
            return Err(in_field(py, invalid(describe(obj), "a date"), field));
        };
        let year = i32::try_from(year).unwrap_or(i32::MAX);
        return NaiveDate::from_ymd_opt(year, month, day)
            .ok_or_else(|| in_field(py, invalid(describe(obj), "a date"), field));
    }
    Err(in_field(
        py,
        invalid(
            describe(obj),
            "a datetime.date or a date as yyyy-mm-dd or dd/mm/yyyy",
        ),
        field,
    ))
}

/// An optional date: None, NaN, `pandas.NaT` and empty text are absent.
pub fn extract_opt_date(
    obj: Option<&Bound<'_, PyAny>>,
    field: &str,
) -> PyResult<Option<NaiveDate>> {
    let Some(obj) = obj else { return Ok(None) };
    if obj.is_none() {
        return Ok(None);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        if s.to_cow()?.trim().is_empty() {
            return Ok(None);
        }
    }
    let type_name = obj.get_type().name()?.to_string();
    if type_name == "NaTType" || type_name == "NAType" {
        return Ok(None);
    }
    if let Ok(x) = obj.extract::<f64>() {
        if x.is_nan() && !obj.is_instance(DATE_CLS.import(obj.py(), "datetime", "date")?)? {
            return Ok(None);
        }
    }
    extract_date(obj, field).map(Some)
}
