//! Python values in, decimals out.
//!
//! Accepted for a number: `decimal.Decimal`, `int` (and numpy integers), `str` (decimal text,
//! `"1.5"`, `"1e3"`, read exactly: text with more digits than a `Decimal` holds is refused, in
//! either form), and `float` (and numpy floats). A float is taken as the decimal of its
//! shortest round-trip text at its own width (SPEC §14), the text `repr()` shows: `94.95`
//! becomes `Decimal("94.95")`, not `94.9500000000000028421709430404007434844970703125`, and
//! `numpy.float32(94.95)` is `94.95` too, not the `94.94999694824219` of its widening to
//! float64. `bool` is refused: `True` is an `int` in Python, but never a meaningful indicator
//! value. So are the numpy kinds that are not numbers (complex, bytes, datetimes, timedeltas,
//! structured values) and arrays, which are many values, not one.
//!
//! For an *actual* (a value that may be missing), `None`, a float or Decimal NaN, `pandas.NA`,
//! `pandas.NaT` and the empty string mean "no value": the evaluation gives `NoData`, never an
//! exception.

use std::str::FromStr;

use numpy::{PyArrayDescrMethods, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString, PyType};
use ragstatus::Decimal;

use pyo3::types::{PyDict, PyTuple};
use ragstatus::value::Observation;

use super::{describe, in_field};
use crate::errors::invalid;

static DECIMAL_CLS: PyOnceLock<Py<PyType>> = PyOnceLock::new();

const EXPECTED: &str = "a number (decimal.Decimal, int, float or decimal text)";

/// Parses decimal text with the core's one number reader
/// ([`ragstatus::input::parse_number`], plain form): `"94.95"`, `"9.495e1"`, `"1,842"`, exactly.
/// `None` when the text is not a number, or needs more digits than a `Decimal` holds.
pub fn parse_decimal_text(text: &str) -> Option<Decimal> {
    ragstatus::input::parse_number(text, ragstatus::input::NumberForm::Plain)
        .ok()
        .map(NegZero::normalize_if_negative_zero)
}

trait NegZero {
    fn normalize_if_negative_zero(self) -> Self;
}

impl NegZero for Decimal {
    fn normalize_if_negative_zero(self) -> Self {
        if self.is_zero() && self.is_sign_negative() {
            -self
        } else {
            self
        }
    }
}

/// The decimal of a float's shortest round-trip text (the core's
/// [`ragstatus::value::decimal_from_f64`], so that Python and Rust read a float the same way);
/// `None` for NaN, an infinity, or a magnitude beyond the range of a decimal.
pub fn decimal_from_f64(x: f64) -> Option<Decimal> {
    ragstatus::value::decimal_from_f64(x).map(|d| d.normalize_if_negative_zero())
}

/// [`decimal_from_f64`] for a float32, at its own width (the core's
/// [`ragstatus::value::decimal_from_f32`]).
pub fn decimal_from_f32(x: f32) -> Option<Decimal> {
    ragstatus::value::decimal_from_f32(x).map(|d| d.normalize_if_negative_zero())
}

/// What is expected of a float.
pub const FINITE_FLOAT: &str = "a finite float within the range of a decimal (about ±7.9e28)";

/// A numpy scalar or array, read by its dtype's kind; `None` for anything else.
fn numpy_actual(obj: &Bound<'_, PyAny>) -> PyResult<Option<Actual>> {
    // Only objects of numpy's own types: the numpy crate's type checks need numpy importable.
    if !obj.get_type().module()?.to_cow()?.starts_with("numpy") {
        return Ok(None);
    }
    if let Ok(a) = obj.cast::<numpy::PyUntypedArray>() {
        if a.ndim() == 0 {
            return extract_actual(&obj.get_item(())?).map(Some);
        }
        return Err(invalid(
            describe(obj),
            "one number, not an array (rate_array rates arrays)",
        ));
    }
    let Ok(dtype) = obj.getattr("dtype") else {
        return Ok(None);
    };
    let Ok(dtype) = dtype.cast::<numpy::PyArrayDescr>() else {
        return Ok(None);
    };
    let value = match (dtype.kind(), dtype.itemsize()) {
        (b'i' | b'u', _) => int_to_decimal(&obj.call_method0("__index__")?)?,
        (b'f', 4) => {
            let x: f64 = obj.call_method0("__float__")?.extract()?;
            if x.is_nan() {
                return Ok(Some(Actual::Missing));
            }
            // Exact: the value is a float32, widened on the way out of numpy.
            #[allow(clippy::cast_possible_truncation)]
            let single = x as f32;
            decimal_from_f32(single).ok_or_else(|| invalid(describe(obj), FINITE_FLOAT))?
        }
        (b'f', _) => {
            // float16 and longdouble: numpy's own shortest text at the value's width.
            let text = obj.str()?;
            let text = text.to_cow()?;
            if text == "nan" {
                return Ok(Some(Actual::Missing));
            }
            parse_decimal_text(&text).ok_or_else(|| invalid(describe(obj), FINITE_FLOAT))?
        }
        _ => return Err(invalid(describe(obj), EXPECTED)),
    };
    Ok(Some(Actual::Value(value)))
}

/// What an actual turned out to be.
pub enum Actual {
    /// A value.
    Value(Decimal),
    /// No value: `None`, NaN, `pandas.NA`, empty text.
    Missing,
}

fn is_missing_marker(obj: &Bound<'_, PyAny>) -> bool {
    // pandas.NA and pandas.NaT, without importing pandas.
    match obj.get_type().name() {
        Ok(name) => {
            let name = name.to_string();
            name == "NAType" || name == "NaTType"
        }
        Err(_) => false,
    }
}

/// Whether `obj` is a `decimal.Decimal`.
pub fn is_decimal(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    obj.is_instance(DECIMAL_CLS.import(obj.py(), "decimal", "Decimal")?)
}

/// Reads an actual: a number, or one of the missing markers.
pub fn extract_actual(obj: &Bound<'_, PyAny>) -> PyResult<Actual> {
    if obj.is_none() || is_missing_marker(obj) {
        return Ok(Actual::Missing);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_cow()?;
        if text.trim().is_empty() {
            return Ok(Actual::Missing);
        }
        return parse_decimal_text(&text)
            .map(Actual::Value)
            .ok_or_else(|| invalid(text.to_string(), EXPECTED));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let x = f.value();
        if x.is_nan() {
            return Ok(Actual::Missing);
        }
        return decimal_from_f64(x)
            .map(Actual::Value)
            .ok_or_else(|| invalid(format!("{x}"), FINITE_FLOAT));
    }
    let decimal_cls = DECIMAL_CLS.import(obj.py(), "decimal", "Decimal")?;
    if obj.is_instance(decimal_cls)? {
        if obj.call_method0("is_nan")?.is_truthy()? {
            return Ok(Actual::Missing);
        }
        let text = obj.str()?;
        let text = text.to_cow()?;
        return parse_decimal_text(&text)
            .map(Actual::Value)
            .ok_or_else(|| invalid(text.to_string(), "a finite decimal within ±7.9e28"));
    }
    if !obj.is_instance_of::<PyInt>() {
        if let Some(actual) = numpy_actual(obj)? {
            return Ok(actual);
        }
    }
    extract_number(obj).map(Actual::Value)
}

/// Reads a number that must be present (a target, a tolerance, a threshold).
pub fn extract_decimal(obj: &Bound<'_, PyAny>) -> PyResult<Decimal> {
    match extract_actual(obj)? {
        Actual::Value(d) => Ok(d),
        Actual::Missing => Err(invalid(describe(obj), EXPECTED)),
    }
}

fn extract_number(obj: &Bound<'_, PyAny>) -> PyResult<Decimal> {
    if obj.is_instance_of::<PyBool>() || obj.get_type().name()? == "bool_" {
        return Err(invalid(describe(obj), EXPECTED));
    }
    if let Ok(i) = obj.cast::<PyInt>() {
        return int_to_decimal(i.as_any());
    }
    // numpy integers and floats are not subclasses of int (np.float64 is of float), but
    // convert through `__index__` / `__float__`.
    if obj.hasattr("__index__")? {
        if let Ok(i) = obj.call_method0("__index__") {
            return int_to_decimal(&i);
        }
    }
    if obj.hasattr("dtype")? && obj.hasattr("__float__")? {
        let x: f64 = obj.call_method0("__float__")?.extract()?;
        if x.is_nan() {
            return Err(invalid("nan", EXPECTED));
        }
        return decimal_from_f64(x).ok_or_else(|| invalid(format!("{x}"), EXPECTED));
    }
    Err(invalid(describe(obj), EXPECTED))
}

fn int_to_decimal(obj: &Bound<'_, PyAny>) -> PyResult<Decimal> {
    match obj.extract::<i64>() {
        Ok(i) => Ok(Decimal::from(i)),
        Err(_) => {
            let text = obj.str()?.to_cow()?.to_string();
            Decimal::from_str(&text).map_err(|_| {
                invalid(
                    text,
                    "an integer within the range of a decimal (about ±7.9e28)",
                )
            })
        }
    }
}

/// A required number, with the field named in the error.
pub fn decimal_in(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Decimal> {
    extract_decimal(obj).map_err(|e| in_field(obj.py(), e, field))
}

/// An optional number: None, NaN, `pandas.NA` and empty text are absent.
pub fn opt_decimal_in(obj: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<Option<Decimal>> {
    let Some(obj) = obj else { return Ok(None) };
    match extract_actual(obj).map_err(|e| in_field(obj.py(), e, field))? {
        Actual::Value(v) => Ok(Some(v)),
        Actual::Missing => Ok(None),
    }
}

/// Reads an observation; `None` (or NaN) when there is no value.
pub fn extract_observation(obj: &Bound<'_, PyAny>) -> PyResult<Option<Observation>> {
    if let Ok(d) = obj.cast::<PyDict>() {
        let get = |key: &str| -> PyResult<Option<Bound<'_, PyAny>>> { d.get_item(key) };
        if let Some(value) = get("value")? {
            if get("numerator")?.is_some() || get("denominator")?.is_some() {
                return Err(invalid(
                    describe(obj),
                    "either a value or a numerator and a denominator, not both",
                ));
            }
            return Ok(match extract_actual(&value)? {
                Actual::Value(v) => Some(Observation::value(v)),
                Actual::Missing => None,
            });
        }
        return match (get("numerator")?, get("denominator")?) {
            (Some(n), Some(den)) => fraction(&n, &den),
            _ => Err(invalid(
                describe(obj),
                "{\"value\": ...} or {\"numerator\": ..., \"denominator\": ...}",
            )),
        };
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        if t.len() == 2 {
            return fraction(&t.get_item(0)?, &t.get_item(1)?);
        }
        return Err(invalid(describe(obj), "a (numerator, denominator) pair"));
    }
    Ok(match extract_actual(obj)? {
        Actual::Value(v) => Some(Observation::value(v)),
        Actual::Missing => None,
    })
}

fn fraction(n: &Bound<'_, PyAny>, d: &Bound<'_, PyAny>) -> PyResult<Option<Observation>> {
    Ok(match (extract_actual(n)?, extract_actual(d)?) {
        (Actual::Value(n), Actual::Value(d)) => Some(Observation::fraction(n, d)),
        _ => None,
    })
}
