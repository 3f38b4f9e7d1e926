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
use pyo3::types::{PyBool, PyInt, PyString};
use ragstatus::FiscalCalendar;

use crate::convert::describe;
use crate::errors::invalid;

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
    crate::budget::extract_date(obj, "date")
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

/// An optional fiscal calendar: a `FiscalCalendar`, or None.
pub fn opt_calendar(obj: &Bound<'_, PyAny>) -> PyResult<Option<FiscalCalendar>> {
    if obj.is_none() {
        return Ok(None);
    }
    match obj.cast::<crate::period::PyFiscalCalendar>() {
        Ok(c) => Ok(Some(c.get().0)),
        Err(_) => Err(invalid(describe(obj), "a FiscalCalendar or None")),
    }
}
