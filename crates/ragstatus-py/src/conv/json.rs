//! Plain Python data (dicts, lists, numbers, text) to and from the core's serde types.
//!
//! Settings and definitions are given from Python as plain dicts in the same shape as the TOML /
//! JSON definition files (`{"absolute": "0.5"}`, `{"share": {"green_from": 75, "red_above":
//! 20}}`). Numbers inside may be `Decimal`, `int`, `float` (its shortest repr) or decimal text;
//! dates may be `datetime.date` or ISO text; a `Period` stands for its label.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use ragstatus::Decimal;
use ragstatus::value::{INTEGER_KEYS, numbers_to_text};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};

use super::describe;
use super::number::decimal_from_f64;
use crate::errors::{IntoPyResult, invalid};

static DECIMAL_CLS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATE_CLS: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// The nesting depth beyond which input is refused (a guard against self-referencing lists).
const MAX_DEPTH: usize = 64;

/// Converts plain Python data into JSON, for deserializing into a core type.
pub fn py_to_json(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    to_json(obj, 0)
}

fn to_json(obj: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    if depth > MAX_DEPTH {
        return Err(invalid("nested data", "at most 64 levels of nesting"));
    }
    let py = obj.py();
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(i) = obj.cast::<PyInt>() {
        if let Ok(v) = i.extract::<i64>() {
            return Ok(Value::Number(Number::from(v)));
        }
        if let Ok(v) = i.extract::<u64>() {
            return Ok(Value::Number(Number::from(v)));
        }
        return Ok(Value::String(i.str()?.to_cow()?.to_string()));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let x = f.value();
        return decimal_from_f64(x)
            .map(|d| Value::String(d.to_string()))
            .ok_or_else(|| invalid(format!("{x}"), "a finite number"));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.to_string()));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let key = match k.cast::<PyString>() {
                Ok(s) => s.to_cow()?.to_string(),
                Err(_) => return Err(invalid(describe(&k), "text keys in a definition")),
            };
            map.insert(key, to_json(&v, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for item in obj.try_iter()? {
            items.push(to_json(&item?, depth + 1)?);
        }
        return Ok(Value::Array(items));
    }
    if obj.is_instance(DECIMAL_CLS.import(py, "decimal", "Decimal")?)? {
        let d = super::number::extract_decimal(obj)?;
        return Ok(Value::String(d.to_string()));
    }
    if obj.is_instance(DATE_CLS.import(py, "datetime", "date")?)? {
        return Ok(Value::String(obj.call_method0("isoformat")?.extract()?));
    }
    if is_period(obj) {
        return Ok(Value::String(obj.str()?.to_cow()?.to_string()));
    }
    // numpy scalars and other numbers.
    if let Ok(d) = super::number::extract_decimal(obj) {
        return Ok(Value::String(d.to_string()));
    }
    Err(invalid(
        describe(obj),
        "plain data: dict, list, text, number, Decimal or date",
    ))
}

/// Whether `obj` is a `ragstatus.Period` (its `str()` is its label). Told by its class's name,
/// so that the conversions need not import the class modules, which import them.
fn is_period(obj: &Bound<'_, PyAny>) -> bool {
    let ty = obj.get_type();
    let named = |name: PyResult<Bound<'_, pyo3::types::PyString>>, expected: &str| {
        name.is_ok_and(|n| n.to_cow().is_ok_and(|n| n == expected))
    };
    named(ty.qualname(), "Period") && named(ty.module(), "ragstatus")
}

/// Deserializes plain Python data into a core type, with the errors of the file loaders: a
/// value that fails the core's own validation keeps its kind (an invalid scheme is a
/// `SchemeError` naming its band), anything else is a `ParseError`, with the path to the field.
///
/// Numbers become decimal text first (decimals are read from text), except under the keys that
/// hold whole numbers: the core's [`numbers_to_text`] with its [`INTEGER_KEYS`], so that
/// `{"absolute": 1}` reads like `{"absolute": "1"}`.
pub fn from_py<T: DeserializeOwned>(obj: &Bound<'_, PyAny>) -> PyResult<T> {
    let value = numbers_to_text(py_to_json(obj)?, &INTEGER_KEYS);
    ragstatus::definitions::from_json_value(&value).py()
}

/// Converts JSON into plain Python data (decimals stay text, as in the JSON form).
pub fn json_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, json_to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// Serializes a core value into plain Python data.
pub fn to_py<'py, T: Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let json = serde_json::to_value(value)
        .map_err(ragstatus::Error::from)
        .py()?;
    json_to_py(py, &json)
}

/// Serializes a core value to JSON text.
pub fn to_json_text<T: Serialize>(value: &T) -> PyResult<String> {
    serde_json::to_string(value)
        .map_err(ragstatus::Error::from)
        .py()
}

/// Deserializes a core value from JSON text.
pub fn from_json_text<T: DeserializeOwned>(text: &str) -> PyResult<T> {
    serde_json::from_str(text)
        .map_err(ragstatus::Error::from)
        .py()
}

/// Deserialises plain Python data (a dict of settings, say) into a core type. Numbers may be
/// `Decimal`, `int`, `float` or text; the keys in `int_keys` hold integers.
pub fn from_plain<T: DeserializeOwned>(obj: &Bound<'_, PyAny>, int_keys: &[&str]) -> PyResult<T> {
    let value = numbers_to_text(py_to_json(obj)?, int_keys);
    // The core's reader keeps each error's kind (a negative tolerance is a definition error)
    // and names the path to the field.
    ragstatus::definitions::from_json_value::<T>(&value).py()
}

/// A stable hash of a value's JSON form, consistent with its equality: equal decimals hash
/// alike whatever their scale (`1.0 == 1.00`), so every text that reads as a decimal is hashed
/// in its normal form. (Other text that happens to read as a decimal only collides more.)
pub fn json_hash<T: serde::Serialize>(value: &T) -> u64 {
    fn normal(value: Value) -> Value {
        match value {
            Value::String(s) => match s.parse::<Decimal>() {
                Ok(d) => Value::String(d.normalize().to_string()),
                Err(_) => Value::String(s),
            },
            Value::Array(items) => Value::Array(items.into_iter().map(normal).collect()),
            Value::Object(map) => {
                Value::Object(map.into_iter().map(|(k, v)| (k, normal(v))).collect())
            }
            other => other,
        }
    }
    let mut hasher = DefaultHasher::new();
    let text = serde_json::to_value(value)
        .map(normal)
        .and_then(|v| serde_json::to_string(&v))
        .unwrap_or_default();
    text.hash(&mut hasher);
    hasher.finish()
}

/// The name a value of a core enum has in the JSON form (`"zero_denominator"`, `"half_even"`,
/// `"band"` for `Fired::Band { .. }`): the core's own spelling, for the enums that have no
/// `as_str()`, so that no table of names is kept here.
pub fn variant_name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(name)) => name,
        Ok(Value::Object(map)) if map.len() == 1 => map.into_iter().map(|(k, _)| k).collect(),
        _ => String::new(),
    }
}
