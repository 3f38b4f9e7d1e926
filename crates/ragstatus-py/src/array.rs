//! Bulk rating: `rate_array(actual, target, ...)` → numpy `uint8` status codes.
//!
//! `actual` may be a numpy array (float, integer or object dtype), any Arrow-capable array (an
//! object with `__arrow_c_array__` or `__arrow_c_stream__`: pyarrow arrays and chunked arrays,
//! polars Series, ...), or a Python sequence. `target` and `stretch` are one value for every row
//! or an array of the same length. Codes are `Status.code`: 0 Red, 1 Amber, 2 Green, 3 Blue,
//! 4 NoData, 5 NoTarget, 6 NotDue.
//!
//! **Exactness.** Integers (`uint64` included), Arrow decimals and `Decimal` objects are exact.
//! A float is the decimal of its shortest repr at its own width (SPEC §14: a float32 `94.95` is
//! `94.95`), exactly as `rate` reads it. `decimals=d` is a speed hint, never a rounding: a float
//! whose shortest repr has at most `d` places is scaled to an integer and checked to round-trip
//! instead of being printed and parsed; any other float (`0.1 + 0.2` at `decimals=2`) is read by
//! the general rule, as without the hint. Missing values (NaN, None, Arrow nulls, the masked
//! entries of a numpy masked array) are `NoData`. A value that is present but not a number
//! `rate` accepts (a float beyond a `Decimal`'s range, an infinity) is an `InvalidValueError`
//! naming the row, as are arrays of kinds that are not numbers (bool, complex, bytes,
//! datetime64, timedelta64, structured) and arrays of more than one dimension.
//!
//! numpy must be installed (the result is a numpy array); without it the call raises
//! `ImportError`.
//!
//! **Speed.** A float64 numpy array (or a pandas float64 Series, through `numpy.asarray`) and a
//! single-chunk float64 Arrow array (pyarrow, polars) are read in place, not copied; other inputs
//! are copied out of Python first. From 512 rows the rating runs with the GIL released, split over
//! the machine's cores from 32,768 rows; a smaller array is rated in less time than releasing the
//! GIL would take. For the common case — float actuals with declared decimals, one target and
//! stretch for all rows, `higher` or `lower` polarity, at least 512 rows — the status is a monotone
//! step function of the actual (a property the core's tests check), so its three breakpoints are
//! found once with the core's own `rate_status` by binary search over the scaled integers, and each
//! row is then decided by a branch-free pass the compiler vectorises: scale, check that the float
//! is exactly a decimal with the declared places, compare with the breakpoints. Rows that fail the
//! check (NaN aside) are rated one by one with `rate_status`. Every other case rates row by row
//! with `rate_status`, or through the core's columnar path.

use std::borrow::Cow;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal128Type, Decimal256Type, Float16Type, Float32Type, Float64Type, Int8Type, Int16Type,
    Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef};
use arrow_schema::DataType;
use numpy::{
    PyArray1, PyArrayDescrMethods, PyArrayMethods, PyReadonlyArray1, PyUntypedArrayMethods,
};
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};
use ragstatus::columnar::{Batch, Column as ColumnarColumn, rate_codes_parallel, simd};
use ragstatus::{Decimal, Polarity, Rule, Status, Target, decimal_from_scaled, rate_status};

use crate::conv::describe;
use crate::conv::number::{
    Actual, FINITE_FLOAT, decimal_from_f32, decimal_from_f64, extract_actual, parse_decimal_text,
};
use crate::errors::{PyErrWrapper, invalid};
use crate::rating::extract_target;

/// Rows below which the breakpoints are not worth finding.
const BREAKPOINTS_FROM: usize = 512;
/// Rows below which the work is not split over threads.
const PARALLEL_FROM: usize = 1 << 15;
/// The largest scaled integer of the fast path: below 2^52 a float's scaled value identifies a
/// single decimal with the declared places.
const FAST_LIMIT: i64 = 1 << 52;
/// The largest scaled value the vectorised pass decides: below 2^50 the nearest integer is the
/// only decimal with the declared places that can round to the float.
const VECTOR_LIMIT: f64 = (1u64 << 50) as f64;
/// 1.5 · 2^52: added and subtracted, it rounds a float below 2^51 to an integer.
const ROUND: f64 = (3u64 << 51) as f64;

/// One column of inputs: floats borrowed from a contiguous numpy array, anything else copied
/// out of Python.
enum Column<'a> {
    /// Floats, converted per row (with or without declared decimals).
    Float(Cow<'a, [f64]>),
    /// Exact values (None: missing).
    Exact(Vec<Option<Decimal>>),
}

impl Column<'_> {
    fn len(&self) -> usize {
        match self {
            Column::Float(v) => v.len(),
            Column::Exact(v) => v.len(),
        }
    }
}

/// A float as a decimal: its shortest repr (None for NaN, an error for a value `rate` refuses).
/// With declared places the shortest repr is first looked for among the decimals with that many
/// places: when one reads back as the float it is the shortest repr (two decimals with at most
/// `d` places below 2^52 units of 10^-d never share a float), found without printing.
fn float_value(x: f64, decimals: Option<u32>) -> Result<Option<Decimal>, ragstatus::Error> {
    if x.is_nan() {
        return Ok(None);
    }
    if let Some(d) = decimals {
        if let Some(i) = scaled(x, d) {
            return Ok(Some(Decimal::new(i, d)));
        }
    }
    decimal_from_f64(x)
        .map(Some)
        .ok_or_else(|| ragstatus::Error::invalid_value(format!("{x}"), FINITE_FLOAT))
}

/// An invalid value in row `i` of the column `name` (`row` for the actuals).
fn row_error(name: &str, i: usize, found: String, expected: &str) -> PyErr {
    PyErrWrapper(
        ragstatus::Error::invalid_value(found, expected).with_field(format!("{name}[{i}]")),
    )
    .into()
}

type Half = <Float16Type as arrow_array::ArrowPrimitiveType>::Native;

/// A float16 as a decimal at its own width (as numpy prints it): the text with the fewest
/// significant digits, each count tried rounded to nearest, that reads back as the same value;
/// NaN is missing.
fn half_value(name: &str, i: usize, x: Half) -> PyResult<Option<Decimal>> {
    let wide = x.to_f32();
    if wide.is_nan() {
        return Ok(None);
    }
    let refuse = || row_error(name, i, format!("{wide}"), FINITE_FLOAT);
    if wide.is_infinite() {
        return Err(refuse());
    }
    // Five significant digits always suffice for a float16. The text reads back through f64,
    // where a decimal of five digits never lands on a float16 midpoint by rounding.
    for digits in 0..5 {
        let text = format!("{wide:.digits$e}");
        let back = text.parse::<f64>().map(Half::from_f64);
        if back.is_ok_and(|b| b == x) {
            return parse_decimal_text(&text).map(Some).ok_or_else(refuse);
        }
    }
    decimal_from_f32(wide).map(Some).ok_or_else(refuse)
}

/// A float32 as a decimal at its own width; NaN is missing.
fn single_value(name: &str, i: usize, x: f32) -> PyResult<Option<Decimal>> {
    if x.is_nan() {
        return Ok(None);
    }
    decimal_from_f32(x)
        .map(Some)
        .ok_or_else(|| row_error(name, i, format!("{x}"), FINITE_FLOAT))
}

/// 10^d as a float (exact for d ≤ 22).
fn pow10(d: u32) -> f64 {
    10f64.powi(i32::try_from(d).unwrap_or(0))
}

/// The integer i with i / 10^d == x exactly in float arithmetic (so that the decimal i·10^-d is
/// the float's value to d places), when |i| < 2^52.
fn scaled(x: f64, d: u32) -> Option<i64> {
    if d > 15 {
        return None;
    }
    scaled_by(x, pow10(d))
}

/// [`scaled`] with `p` = 10^d (d ≤ 15) computed once by the caller.
#[inline]
fn scaled_by(x: f64, p: f64) -> Option<i64> {
    let r = x * p;
    // NaN and infinities fail this test too.
    if r.is_nan() || r.abs() >= FAST_LIMIT as f64 {
        return None;
    }
    // Round half away from zero without a libm call: a wrong guess only fails the exactness
    // check below, which sends the value down the slow path.
    #[allow(clippy::cast_possible_truncation)]
    let i = (r + 0.5f64.copysign(r)) as i64;
    // Division of two exactly representable numbers is correctly rounded: this is the float
    // nearest to the decimal i·10^-d, i.e. what parsing that decimal's text gives.
    #[allow(clippy::cast_precision_loss)]
    let back = (i as f64) / p;
    (back == x).then_some(i)
}

fn arrow_column(chunks: &[ArrayRef], name: &str) -> PyResult<Column<'static>> {
    let mut floats: Vec<f64> = Vec::new();
    let mut exact: Vec<Option<Decimal>> = Vec::new();
    let is_float = chunks.iter().all(|c| c.data_type() == &DataType::Float64);
    for chunk in chunks {
        let chunk: &dyn Array = chunk.as_ref();
        match chunk.data_type() {
            DataType::Float64 => {
                let a = chunk.as_primitive::<Float64Type>();
                if is_float {
                    // One copy of the values buffer, then NaN (missing) in the null slots.
                    let start = floats.len();
                    floats.extend_from_slice(a.values());
                    if let Some(nulls) = a.nulls() {
                        let added = floats.get_mut(start..).unwrap_or_default();
                        for (slot, valid) in added.iter_mut().zip(nulls.iter()) {
                            if !valid {
                                *slot = f64::NAN;
                            }
                        }
                    }
                } else {
                    for (i, v) in a.values().iter().enumerate() {
                        let row = exact.len();
                        exact.push(if a.is_null(i) {
                            None
                        } else {
                            float_value(*v, None)
                                .map_err(|e| PyErrWrapper(e.with_field(format!("{name}[{row}]"))))?
                        });
                    }
                }
            }
            DataType::Float32 => {
                let a = chunk.as_primitive::<Float32Type>();
                for (i, v) in a.values().iter().enumerate() {
                    let row = exact.len();
                    exact.push(if a.is_null(i) {
                        None
                    } else {
                        single_value(name, row, *v)?
                    });
                }
            }
            DataType::Int8 => push_ints(&mut exact, chunk.as_primitive::<Int8Type>()),
            DataType::Int16 => push_ints(&mut exact, chunk.as_primitive::<Int16Type>()),
            DataType::Int32 => push_ints(&mut exact, chunk.as_primitive::<Int32Type>()),
            DataType::Int64 => push_ints(&mut exact, chunk.as_primitive::<Int64Type>()),
            DataType::UInt8 => push_ints(&mut exact, chunk.as_primitive::<UInt8Type>()),
            DataType::UInt16 => push_ints(&mut exact, chunk.as_primitive::<UInt16Type>()),
            DataType::UInt32 => push_ints(&mut exact, chunk.as_primitive::<UInt32Type>()),
            DataType::UInt64 => push_ints(&mut exact, chunk.as_primitive::<UInt64Type>()),
            DataType::Float16 => {
                let a = chunk.as_primitive::<Float16Type>();
                for (i, v) in a.values().iter().enumerate() {
                    let row = exact.len();
                    exact.push(if a.is_null(i) {
                        None
                    } else {
                        half_value(name, row, *v)?
                    });
                }
            }
            DataType::Decimal256(_, scale) => {
                let a = chunk.as_primitive::<Decimal256Type>();
                for (i, v) in a.values().iter().enumerate() {
                    let row = exact.len();
                    exact.push(if a.is_null(i) {
                        None
                    } else {
                        let fits = v
                            .to_i128()
                            .and_then(|m| decimal_from_scaled(m, i32::from(*scale)));
                        Some(fits.ok_or_else(|| {
                            row_error(
                                name,
                                row,
                                v.to_string(),
                                "a decimal within ±7.9e28 with at most 28 places",
                            )
                        })?)
                    });
                }
            }
            DataType::Decimal128(_, scale) => {
                let a = chunk.as_primitive::<Decimal128Type>();
                for (i, v) in a.values().iter().enumerate() {
                    exact.push(if a.is_null(i) {
                        None
                    } else {
                        Some(decimal_from_scaled(*v, i32::from(*scale)).ok_or_else(|| {
                            invalid(
                                format!("{v}e{}", -i32::from(*scale)),
                                "a decimal within ±7.9e28 with at most 28 places",
                            )
                        })?)
                    });
                }
            }
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                let texts: Vec<Option<String>> = match chunk.data_type() {
                    DataType::Utf8 => chunk
                        .as_string::<i32>()
                        .iter()
                        .map(|s| s.map(str::to_string))
                        .collect(),
                    DataType::LargeUtf8 => chunk
                        .as_string::<i64>()
                        .iter()
                        .map(|s| s.map(str::to_string))
                        .collect(),
                    _ => chunk
                        .as_string_view()
                        .iter()
                        .map(|s| s.map(str::to_string))
                        .collect(),
                };
                for t in texts {
                    exact.push(match t {
                        None => None,
                        Some(t) if t.trim().is_empty() => None,
                        Some(t) => Some(
                            parse_decimal_text(&t)
                                .ok_or_else(|| invalid(t.clone(), "decimal text"))?,
                        ),
                    });
                }
            }
            DataType::Null => exact.extend(std::iter::repeat_n(None, chunk.len())),
            other => {
                return Err(invalid(
                    format!("an Arrow array of type {other}"),
                    "numbers: floats, integers, decimals or decimal text",
                ));
            }
        }
    }
    Ok(if is_float && !chunks.is_empty() {
        Column::Float(Cow::Owned(floats))
    } else {
        Column::Exact(exact)
    })
}

fn push_ints<T>(out: &mut Vec<Option<Decimal>>, a: &arrow_array::PrimitiveArray<T>)
where
    T: arrow_array::ArrowPrimitiveType,
    T::Native: Into<i128>,
{
    for (i, v) in a.values().iter().enumerate() {
        out.push(if a.is_null(i) {
            None
        } else {
            Decimal::try_from_i128_with_scale((*v).into(), 0).ok()
        });
    }
}

/// A float64 numpy array held for reading while the GIL is released, or None for any other
/// object (a masked array included: its data alone would lose the mask). Keeps the array's
/// borrow flag set, so Rust code cannot write to it meanwhile.
fn float_array<'py>(obj: &Bound<'py, PyAny>) -> Option<PyReadonlyArray1<'py, f64>> {
    let a = obj.cast::<PyArray1<f64>>().ok()?;
    if !obj.is_exact_instance_of::<numpy::PyUntypedArray>() && obj.hasattr("mask").unwrap_or(true) {
        return None;
    }
    Some(a.readonly())
}

/// A float64 column of a data frame (a pandas Series of numpy dtype) as a numpy array, through
/// `numpy.asarray`: a view without copying where the library allows one, missing values as
/// NaN. None for anything else (numpy arrays themselves included), which is read as before.
fn float_view<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyAny>>> {
    if obj.cast::<numpy::PyUntypedArray>().is_ok() || !obj.hasattr("__array__")? {
        return Ok(None);
    }
    let Ok(dtype) = obj.getattr("dtype") else {
        return Ok(None);
    };
    let name = dtype.str()?;
    if name.to_cow()? != "float64" {
        return Ok(None);
    }
    let array = obj.py().import("numpy")?.call_method1("asarray", (obj,))?;
    Ok(array.cast::<PyArray1<f64>>().is_ok().then_some(array))
}

/// The floats of a held numpy array: borrowed when contiguous (no copy of a large input),
/// copied element by element from a strided view.
fn float_column<'a>(ro: &'a PyReadonlyArray1<'_, f64>) -> Column<'a> {
    Column::Float(match ro.as_slice() {
        Ok(slice) => Cow::Borrowed(slice),
        Err(_) => Cow::Owned(ro.as_array().iter().copied().collect()),
    })
}

/// [`float_column`], always owned: for a column that must outlive the array's borrow.
fn owned_float_column(ro: &PyReadonlyArray1<'_, f64>) -> Column<'static> {
    match float_column(ro) {
        Column::Float(values) => Column::Float(Cow::Owned(values.into_owned())),
        Column::Exact(values) => Column::Exact(values),
    }
}

/// The chunks of an Arrow-capable object (`__arrow_c_stream__` or `__arrow_c_array__`), or None.
fn arrow_chunks(obj: &Bound<'_, PyAny>) -> PyResult<Option<Vec<ArrayRef>>> {
    // An export the library itself cannot make (a column of a kind Arrow has no type for) is
    // a value of the wrong kind, like any other.
    let unexportable = |err: PyErr| {
        let py = obj.py();
        if err.is_instance_of::<crate::errors::RagstatusError>(py) {
            err
        } else {
            invalid(describe(obj), NUMBERS)
        }
    };
    if obj.hasattr("__arrow_c_stream__")? {
        let chunked: pyo3_arrow::PyChunkedArray = obj.extract().map_err(unexportable)?;
        return Ok(Some(chunked.chunks().to_vec()));
    }
    if obj.hasattr("__arrow_c_array__")? {
        let array: pyo3_arrow::PyArray = obj.extract().map_err(unexportable)?;
        return Ok(Some(vec![Arc::clone(array.as_ref())]));
    }
    Ok(None)
}

/// A numpy masked array (`numpy.ma`): its data and mask, or None for anything else.
fn masked<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Option<(Bound<'py, PyAny>, Vec<bool>)>> {
    if obj.is_exact_instance_of::<numpy::PyUntypedArray>()
        || obj.cast::<numpy::PyUntypedArray>().is_err()
        || !obj.hasattr("mask")?
    {
        return Ok(None);
    }
    let mask = obj
        .py()
        .import("numpy")?
        .getattr("ma")?
        .call_method1("getmaskarray", (obj,))?;
    let mask = mask.cast::<PyArray1<bool>>().map_err(|_| {
        invalid(
            "a masked array of more than one dimension",
            "a one-dimensional array",
        )
    })?;
    let mask = mask.readonly().as_array().to_vec();
    Ok(Some((obj.getattr("data")?, mask)))
}

/// The column with its masked rows missing.
fn apply_mask(column: Column<'_>, mask: &[bool]) -> Column<'static> {
    match column {
        Column::Float(values) => {
            let mut values = values.into_owned();
            for (x, _) in values.iter_mut().zip(mask).filter(|(_, m)| **m) {
                *x = f64::NAN;
            }
            Column::Float(Cow::Owned(values))
        }
        Column::Exact(mut values) => {
            for (x, _) in values.iter_mut().zip(mask).filter(|(_, m)| **m) {
                *x = None;
            }
            Column::Exact(values)
        }
    }
}

const NUMBERS: &str = "numbers: floats, integers, decimals or decimal text";

/// Copies a column of numbers out of Python; `name` names its rows in errors (`row` for the
/// actuals, `target`, `stretch`).
fn extract_column(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Column<'static>> {
    if let Some((data, mask)) = masked(obj)? {
        let column = extract_column(&data, name)?;
        check_len("mask", mask.len(), column.len())?;
        return Ok(apply_mask(column, &mask));
    }
    if let Some(ro) = float_array(obj) {
        return Ok(owned_float_column(&ro));
    }
    if let Ok(a) = obj.cast::<numpy::PyUntypedArray>() {
        if a.ndim() != 1 {
            return Err(invalid(
                format!("an array with {} dimensions", a.ndim()),
                "a one-dimensional array",
            ));
        }
        let dtype = a.dtype();
        match (dtype.kind(), dtype.itemsize()) {
            (b'f', 4) => {
                let a32 = a.call_method1("astype", ("float32",))?;
                let a32 = a32.cast::<PyArray1<f32>>()?.readonly();
                let values = a32.as_array();
                let mut out = Vec::with_capacity(values.len());
                for (i, x) in values.iter().enumerate() {
                    out.push(single_value(name, i, *x)?);
                }
                return Ok(Column::Exact(out));
            }
            (b'f', 8) => {
                // Not read in place (another byte order, say): a native copy.
                let as64 = a.call_method1("astype", ("float64",))?;
                let a64 = as64.cast::<PyArray1<f64>>()?;
                return Ok(Column::Float(Cow::Owned(
                    a64.readonly().as_array().iter().copied().collect(),
                )));
            }
            // float16 and longdouble: each value by numpy's own text at its width.
            (b'f', _) | (b'O' | b'U', _) => return sequence_column(obj),
            (b'u', 8) => {
                let as64 = a.call_method1("astype", ("uint64",))?;
                let v = as64.cast::<PyArray1<u64>>()?.readonly();
                return Ok(Column::Exact(
                    v.as_array()
                        .iter()
                        .map(|i| Some(Decimal::from(*i)))
                        .collect(),
                ));
            }
            (b'i' | b'u', _) => {
                let as64 = a.call_method1("astype", ("int64",))?;
                let v = as64.cast::<PyArray1<i64>>()?.readonly();
                return Ok(Column::Exact(
                    v.as_array()
                        .iter()
                        .map(|i| Some(Decimal::from(*i)))
                        .collect(),
                ));
            }
            _ => {
                return Err(invalid(
                    format!("an array of dtype {}", dtype.str()?.to_cow()?),
                    NUMBERS,
                ));
            }
        }
    }
    if let Some(array) = numpy_backed(obj)? {
        return extract_column(&array, name);
    }
    if let Some(chunks) = arrow_chunks(obj)? {
        return arrow_column(&chunks, name);
    }
    if obj.is_instance_of::<PyString>() || !obj.hasattr("__iter__")? {
        return Err(invalid(
            describe(obj),
            "an array: numpy, Arrow (pyarrow, polars) or a sequence of numbers",
        ));
    }
    sequence_column(obj)
}

/// A column backed by a numpy array (a pandas Series of a numpy dtype) as that array, so that
/// its values keep their width: iterating a float32 Series gives float64 Python floats.
fn numpy_backed<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyAny>>> {
    if !obj.hasattr("__array__")? {
        return Ok(None);
    }
    let Ok(dtype) = obj.getattr("dtype") else {
        return Ok(None);
    };
    if dtype.cast::<numpy::PyArrayDescr>().is_err() {
        return Ok(None);
    }
    let array = obj.py().import("numpy")?.call_method1("asarray", (obj,))?;
    Ok(array
        .cast::<numpy::PyUntypedArray>()
        .is_ok()
        .then_some(array))
}

fn sequence_column(obj: &Bound<'_, PyAny>) -> PyResult<Column<'static>> {
    let mut out = Vec::new();
    for item in obj.try_iter()? {
        out.push(match extract_actual(&item?)? {
            Actual::Value(v) => Some(v),
            Actual::Missing => None,
        });
    }
    Ok(Column::Exact(out))
}

/// A target or stretch: one for every row, or one per row.
enum PerRow<T> {
    All(T),
    Each(Vec<T>),
}

impl<T: Copy> PerRow<T> {
    fn get(&self, i: usize) -> Option<T> {
        match self {
            PerRow::All(t) => Some(*t),
            PerRow::Each(v) => v.get(i).copied(),
        }
    }
}

fn is_array_like(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    // Scalars first: asking a str or float for the Arrow attributes raises (and discards) an
    // AttributeError, which cost more than the rest of a small call.
    if obj.is_instance_of::<PyString>()
        || obj.is_instance_of::<pyo3::types::PyFloat>()
        || obj.is_instance_of::<pyo3::types::PyInt>()
        || obj.is_none()
        || crate::conv::number::is_decimal(obj)?
    {
        return Ok(false);
    }
    Ok(obj.cast::<numpy::PyUntypedArray>().is_ok()
        || obj.hasattr("__arrow_c_stream__")?
        || obj.hasattr("__arrow_c_array__")?
        || obj.is_instance_of::<pyo3::types::PyList>())
}

/// A target or stretch column as decimals. Floats are their shortest repr; the declared decimals
/// (which describe the actuals) only give a fast way there when a value has no more places.
fn column_values(
    column: Column<'_>,
    decimals: Option<u32>,
    name: &str,
) -> PyResult<Vec<Option<Decimal>>> {
    match column {
        Column::Float(v) => v
            .iter()
            .enumerate()
            .map(|(i, x)| {
                float_value(*x, decimals)
                    .map_err(|e| PyErrWrapper(e.with_field(format!("{name}[{i}]"))).into())
            })
            .collect(),
        Column::Exact(v) => Ok(v),
    }
}

fn extract_targets(
    obj: Option<&Bound<'_, PyAny>>,
    n: usize,
    decimals: Option<u32>,
) -> PyResult<PerRow<Option<Target>>> {
    match obj {
        Some(o) if !o.is_none() && is_array_like(o)? && !is_pair(o)? => {
            let values = column_values(extract_column(o, "target")?, decimals, "target")?;
            check_len("target", values.len(), n)?;
            Ok(PerRow::Each(
                values.into_iter().map(|v| v.map(Target::Value)).collect(),
            ))
        }
        other => Ok(PerRow::All(extract_target(other)?)),
    }
}

/// A `(low, high)` tuple (a range target), as opposed to a column.
fn is_pair(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(obj.is_instance_of::<PyTuple>())
}

fn extract_stretches(
    obj: Option<&Bound<'_, PyAny>>,
    n: usize,
    decimals: Option<u32>,
) -> PyResult<PerRow<Option<Decimal>>> {
    match obj {
        Some(o) if !o.is_none() && is_array_like(o)? => {
            let values = column_values(extract_column(o, "stretch")?, decimals, "stretch")?;
            check_len("stretch", values.len(), n)?;
            Ok(PerRow::Each(values))
        }
        Some(o) if !o.is_none() => Ok(PerRow::All(match extract_actual(o)? {
            Actual::Value(v) => Some(v),
            Actual::Missing => None,
        })),
        _ => Ok(PerRow::All(None)),
    }
}

fn check_len(column: &str, found: usize, expected: usize) -> PyResult<()> {
    if found == expected {
        Ok(())
    } else {
        Err(
            PyErrWrapper(ragstatus::Error::new(ragstatus::ErrorKind::Length {
                column: column.to_string(),
                found,
                expected,
            }))
            .into(),
        )
    }
}

/// The threads to split large inputs over: the machine's cores, at most 8. Asked once per
/// process: the answer comes from cgroup files, and reading them cost more than rating a small
/// array.
fn threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| {
        std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1)
            .clamp(1, 8)
    })
}

/// Everything the rating needs, owned or borrowed from an array held for the call, so that it
/// can run without the GIL.
struct Job<'a> {
    actual: Column<'a>,
    /// Rows of `actual` that are null in its Arrow validity bitmap (ascending), when the floats
    /// are read in place from an Arrow buffer; the values under them are not meaningful.
    nulls: Vec<usize>,
    decimals: Option<u32>,
    targets: PerRow<Option<Target>>,
    stretches: PerRow<Option<Decimal>>,
    rule: Rule,
}

/// The fast path's rule: declared decimals, the three breakpoints (see [`Job::breakpoints`]),
/// whether higher is better, and the code of a missing actual.
type Breakpoints = (u32, [i64; 3], bool, Option<u8>);

/// Marks rows the bulk pass cannot decide.
const SLOW: u8 = u8::MAX;

/// Decides a run of rows by the breakpoints (the first `LEVELS` of `points`, as floats of the
/// scaled value, negated for lower-is-better), writing each code, `missing` for NaN, or
/// [`SLOW`] for a row whose float is not provably a decimal with the declared places.
/// Branch-free, so that the compiler vectorises it. Returns whether every row was decided.
#[inline(always)]
fn decide_step<const LEVELS: usize, const HIGHER: bool>(
    out: &mut [u8],
    rows: &[f64],
    p: f64,
    points: [f64; 3],
    missing: u8,
) -> bool {
    let mut all_fast = true;
    for (slot, &x) in out.iter_mut().zip(rows) {
        let r = x * p;
        // Nearest integer for |r| < 2^51 (adding and removing 1.5·2^52 leaves no fraction
        // bits); below 2^50 it is the only candidate decimal (see ragstatus::columnar's float
        // section), and the correctly rounded division tells whether the float is that
        // decimal's nearest float. NaN fails both tests.
        let m = (r + ROUND) - ROUND;
        let fast = (r.abs() < VECTOR_LIMIT) & (m / p == x);
        let mut level = 0u8;
        for &point in points.iter().take(LEVELS) {
            level += u8::from(if HIGHER { m >= point } else { m <= point });
        }
        // Status codes Red 0 .. Blue 3 are the levels themselves.
        *slot = if fast {
            level
        } else if x.is_nan() {
            missing
        } else {
            SLOW
        };
        all_fast &= fast | (x.is_nan() & (missing != SLOW));
    }
    all_fast
}

/// [`decide_step`] for the polarity and the number of breakpoints: one kernel each, inlined into
/// the closure that `simd::dispatch` compiles for the CPU's best vector level.
#[inline(always)]
fn decide(
    higher: bool,
    blue: bool,
    out: &mut [u8],
    rows: &[f64],
    p: f64,
    points: [f64; 3],
    missing: u8,
) -> bool {
    match (higher, blue) {
        (true, true) => decide_step::<3, true>(out, rows, p, points, missing),
        (true, false) => decide_step::<2, true>(out, rows, p, points, missing),
        (false, true) => decide_step::<3, false>(out, rows, p, points, missing),
        (false, false) => decide_step::<2, false>(out, rows, p, points, missing),
    }
}

/// The first error met, with its row.
type RowError = (usize, ragstatus::Error);

impl Job<'_> {
    fn actual(&self, i: usize) -> Result<Option<Decimal>, ragstatus::Error> {
        match &self.actual {
            Column::Float(_) if self.nulls.binary_search(&i).is_ok() => Ok(None),
            Column::Float(v) => match v.get(i) {
                Some(x) => float_value(*x, self.decimals),
                None => Ok(None),
            },
            Column::Exact(v) => Ok(v.get(i).copied().flatten()),
        }
    }

    fn row(&self, i: usize) -> Result<u8, ragstatus::Error> {
        let target = self.targets.get(i).flatten();
        let stretch = self.stretches.get(i).flatten();
        rate_status(self.actual(i)?, target.as_ref(), stretch, &self.rule).map(Status::code)
    }

    fn rows(&self, start: usize, out: &mut [u8]) -> Result<(), RowError> {
        for (k, slot) in out.iter_mut().enumerate() {
            let i = start + k;
            *slot = self.row(i).map_err(|e| (i, e))?;
        }
        Ok(())
    }

    /// The breakpoints of the monotone step function, when the fast path applies: for each of
    /// Amber, Green and Blue (higher) the smallest scaled actual at or above which the status is
    /// at least that good. None when the fast path does not apply.
    fn breakpoints(&self) -> Option<Breakpoints> {
        let d = self.decimals?;
        if d > 15 || !matches!(self.actual, Column::Float(_)) {
            return None;
        }
        let (PerRow::All(Some(target)), PerRow::All(stretch)) = (&self.targets, &self.stretches)
        else {
            return None;
        };
        let higher = match self.rule.polarity {
            Polarity::Higher => true,
            Polarity::Lower => false,
            Polarity::Within => return None,
        };
        let rank = |i: i64| -> Option<u8> {
            let status =
                rate_status(Some(Decimal::new(i, d)), Some(target), *stretch, &self.rule).ok()?;
            let r = match status {
                Status::Red => 0,
                Status::Amber => 1,
                Status::Green => 2,
                Status::Blue => 3,
                _ => return None,
            };
            Some(r)
        };
        // The argument is the scaled actual for higher and its negation for lower, so that the
        // rank (Red 0 .. Blue 3) never falls as the argument rises.
        let key = |arg: i64| -> Option<u8> {
            if higher {
                rank(arg)
            } else {
                rank(arg.checked_neg()?)
            }
        };
        let lo = -(FAST_LIMIT - 1);
        let hi = FAST_LIMIT - 1;
        // Probe both ends: any error means the per-row path must report it.
        key(lo)?;
        key(hi)?;
        let mut points = [hi + 1; 3];
        for (level, point) in (1u8..=3).zip(points.iter_mut()) {
            if key(hi)? < level {
                continue;
            }
            let (mut a, mut b) = (lo, hi);
            if key(a)? >= level {
                *point = a;
                continue;
            }
            // Invariant: key(a) < level <= key(b).
            while b - a > 1 {
                let mid = a + (b - a) / 2;
                if key(mid)? >= level {
                    b = mid;
                } else {
                    a = mid;
                }
            }
            *point = b;
        }
        // Monotonicity check at the breakpoints themselves.
        for p in points {
            if p <= hi {
                let below = p.checked_sub(1)?;
                if key(below)? > key(p)? {
                    return None;
                }
            }
        }
        // The code of a missing actual (NaN), the same for every row.
        let missing = rate_status(None, Some(target), *stretch, &self.rule)
            .ok()
            .map(Status::code);
        Some((d, points, higher, missing))
    }

    /// Rates rows by the breakpoints, in blocks: a branch-free pass the compiler vectorises
    /// decides every row whose float is provably a decimal with the declared places, marking
    /// the rest (NaN, inexact or very large values) for [`Job::row`], which rates them exactly.
    fn fast_rows(&self, start: usize, out: &mut [u8], bp: &Breakpoints) -> Result<(), RowError> {
        const BLOCK: usize = 4096;
        const STEP: usize = 256;
        let (d, points, higher, missing) = *bp;
        let Column::Float(values) = &self.actual else {
            return self.rows(start, out);
        };
        // Breakpoints below 2^52 in magnitude are exact as floats. For lower-is-better the
        // argument is the negated actual: compare the actual with the negated breakpoints.
        #[allow(clippy::cast_precision_loss)]
        let points_f = points.map(|p| if higher { p as f64 } else { -(p as f64) });
        // A value decided in bulk scales to at most 2^50 in magnitude (|r| < 2^50, rounded), so
        // a breakpoint beyond it is never reached (Blue without a stretch target): one
        // comparison less.
        let blue = points[2] <= (1i64 << 50);
        let p = pow10(d);
        let missing = missing.unwrap_or(SLOW);
        let rows = values.get(start..start + out.len()).unwrap_or_default();
        for (b, (out, block)) in out.chunks_mut(BLOCK).zip(rows.chunks(BLOCK)).enumerate() {
            let first = b * BLOCK;
            let (mut all_fast, touched) = simd::dispatch(
                #[inline(always)]
                || {
                    let mut all_fast = true;
                    let mut touched = 0u64;
                    for (s, (out, step)) in out.chunks_mut(STEP).zip(block.chunks(STEP)).enumerate()
                    {
                        // Read one value per cache line of the next step before deciding this one:
                        // the loads are independent, so they overlap, and the step after finds its
                        // rows in cache (the hardware prefetcher alone left this loop waiting on
                        // memory at 10 million rows, over twice as slow as at 1 million).
                        let next = first + (s + 1) * STEP;
                        for v in rows
                            .get(next..)
                            .unwrap_or_default()
                            .iter()
                            .take(STEP)
                            .step_by(8)
                        {
                            touched |= v.to_bits();
                        }
                        all_fast &= decide(higher, blue, out, step, p, points_f, missing);
                    }
                    (all_fast, touched)
                },
            );
            std::hint::black_box(touched);
            let block_end = start + first + out.len();
            let lo = self.nulls.partition_point(|&i| i < start + first);
            let hi = self.nulls.partition_point(|&i| i < block_end);
            for &i in self.nulls.get(lo..hi).unwrap_or_default() {
                if let Some(slot) = out.get_mut(i - (start + first)) {
                    *slot = missing;
                    all_fast &= missing != SLOW;
                }
            }
            if !all_fast {
                let first = start + first;
                for (k, slot) in out.iter_mut().enumerate() {
                    if *slot == SLOW {
                        *slot = self.row(first + k).map_err(|e| (first + k, e))?;
                    }
                }
            }
        }
        Ok(())
    }

    /// The actuals as decimals, converted on all cores.
    fn actual_values(&self, threads: usize) -> Result<Vec<Option<Decimal>>, RowError> {
        let n = self.actual.len();
        let mut out = vec![None; n];
        let fill = |start: usize, chunk: &mut [Option<Decimal>]| -> Result<(), RowError> {
            for (k, slot) in chunk.iter_mut().enumerate() {
                *slot = self.actual(start + k).map_err(|e| (start + k, e))?;
            }
            Ok(())
        };
        if n < PARALLEL_FROM || threads == 1 {
            fill(0, &mut out)?;
            return Ok(out);
        }
        let size = n.div_ceil(threads);
        let results: Vec<Result<(), RowError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = out
                .chunks_mut(size)
                .enumerate()
                .map(|(c, chunk)| {
                    let fill = &fill;
                    scope.spawn(move || fill(c * size, chunk))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err((0, ragstatus::Error::definition("a worker thread failed")))
                    })
                })
                .collect()
        });
        results.into_iter().collect::<Result<(), RowError>>()?;
        Ok(out)
    }

    /// The standard rule on the core's columnar path.
    fn columnar(&self, threads: usize) -> Result<Vec<u8>, RowError> {
        let n = self.actual.len();
        let actuals = self.actual_values(threads)?;
        let mut targets = Vec::with_capacity(n);
        let mut highs: Vec<Option<Decimal>> = Vec::new();
        let mut any_range = false;
        for i in 0..n {
            match self.targets.get(i).flatten() {
                Some(Target::Value(v)) => {
                    targets.push(Some(v));
                    highs.push(None);
                }
                Some(Target::Range { low, high }) => {
                    any_range = true;
                    targets.push(Some(low));
                    highs.push(Some(high));
                }
                None => {
                    targets.push(None);
                    highs.push(None);
                }
            }
        }
        let stretches: Option<Vec<Option<Decimal>>> = match &self.stretches {
            PerRow::All(None) => None,
            PerRow::All(Some(s)) => Some(vec![Some(*s); n]),
            PerRow::Each(v) => Some(v.clone()),
        };
        let batch = Batch {
            actuals: &actuals,
            targets: &targets,
            highs: any_range.then_some(highs.as_slice()),
            stretches: stretches.as_deref(),
            polarity: ColumnarColumn::Shared(self.rule.polarity),
            tolerance: ColumnarColumn::Shared(self.rule.tolerance),
        };
        // The row is in the core error's field already.
        rate_codes_parallel(&batch, threads).map_err(|e| (usize::MAX, e))
    }

    fn run(&self) -> Result<Vec<u8>, RowError> {
        let n = self.actual.len();
        let threads = if n < PARALLEL_FROM { 1 } else { threads() };
        // The breakpoints cost about 150 calls of rate_status to find; below that many rows
        // rating each row is cheaper.
        let fast = if n >= BREAKPOINTS_FROM {
            self.breakpoints()
        } else {
            None
        };
        if fast.is_none() && self.rule.scheme.is_none() && self.rule.blue && n >= BREAKPOINTS_FROM {
            return self.columnar(threads);
        }
        let mut out = vec![0u8; n];
        let work = |start: usize, chunk: &mut [u8]| -> Result<(), RowError> {
            match &fast {
                Some(bp) => self.fast_rows(start, chunk, bp),
                None => self.rows(start, chunk),
            }
        };
        if n < PARALLEL_FROM || threads == 1 {
            work(0, &mut out)?;
            return Ok(out);
        }
        let size = n.div_ceil(threads);
        let results: Vec<Result<(), RowError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = out
                .chunks_mut(size)
                .enumerate()
                .map(|(c, chunk)| {
                    let work = &work;
                    scope.spawn(move || work(c * size, chunk))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err((0, ragstatus::Error::definition("a worker thread failed")))
                    })
                })
                .collect()
        });
        for r in results {
            r?;
        }
        Ok(out)
    }
}

/// Rates every row of `actual` against `target` (one value, or an array of the same length),
/// returning numpy `uint8` status codes (`StatusCode`: 0 Red, 1 Amber, 2 Green, 3 Blue,
/// 4 NoData, 5 NoTarget, 6 NotDue).
///
/// `actual` is a numpy array (float, integer or object dtype), an Arrow array or chunked array
/// (pyarrow, polars Series: anything with `__arrow_c_array__` / `__arrow_c_stream__`; float,
/// integer, decimal128 or text), or a sequence of numbers. Missing values (NaN, None, nulls) are
/// NoData. The rule is `rule=Rule(...)` or its parts (`polarity`, `tolerance`, `scheme`, `blue`);
/// `stretch` is one value or an array.
///
/// Exact: integers, decimals and text are read exactly; a float is the decimal of its shortest
/// repr at its own width, as `rate` reads it (a float32 `94.95` is `94.95`). `decimals=d` is a
/// speed hint, not a rounding: floats with at most `d` places are read much faster, and any
/// other float (`0.1 + 0.2` at `decimals=2`) is read exactly as without it. A value `rate`
/// refuses (a float beyond a Decimal's range, complex, bytes, datetimes) raises
/// `InvalidValueError` naming the row. Large arrays are rated with the GIL released, on all
/// cores.
#[pyfunction]
#[pyo3(signature = (
    actual, target = None, *, polarity = None, tolerance = None, stretch = None, scheme = None,
    blue = true, rule = None, decimals = None
))]
#[allow(clippy::too_many_arguments)]
pub fn rate_array<'py>(
    py: Python<'py>,
    actual: &Bound<'py, PyAny>,
    target: Option<&Bound<'py, PyAny>>,
    polarity: Option<&Bound<'py, PyAny>>,
    tolerance: Option<&Bound<'py, PyAny>>,
    stretch: Option<&Bound<'py, PyAny>>,
    scheme: Option<&Bound<'py, PyAny>>,
    #[pyo3(from_py_with = crate::conv::scalar::flag)] blue: bool,
    rule: Option<&Bound<'py, PyAny>>,
    #[pyo3(from_py_with = crate::conv::scalar::opt_u32)] decimals: Option<u32>,
) -> PyResult<Bound<'py, PyArray1<u8>>> {
    // The numpy crate panics when numpy cannot be imported; say so as an ImportError instead.
    // Once it has been imported it stays importable, so the check is made once.
    static NUMPY: pyo3::sync::PyOnceLock<()> = pyo3::sync::PyOnceLock::new();
    NUMPY.get_or_try_init(py, || match py.import("numpy") {
        Ok(_) => Ok(()),
        Err(err) => Err(pyo3::exceptions::PyImportError::new_err(format!(
            "rate_array returns a numpy array and needs numpy installed: {err}"
        ))),
    })?;
    let rule = crate::rating::build_rule(
        crate::rating::rule_arg(rule)?,
        polarity,
        tolerance,
        scheme,
        blue,
    )?;
    if let Some(d) = decimals {
        if d > 28 {
            return Err(invalid(d.to_string(), "decimals from 0 to 28"));
        }
    }
    // A float64 array is read in place: the guard keeps it borrowed until the rating is done.
    let viewed = float_view(actual)?;
    let held = float_array(viewed.as_ref().unwrap_or(actual));
    // An Arrow array is read in place too when it is one chunk of float64.
    let chunks = match held {
        Some(_) => None,
        None => arrow_chunks(actual)?,
    };
    let mut nulls = Vec::new();
    let actual = match (&held, chunks.as_deref()) {
        (Some(ro), _) => float_column(ro),
        (None, Some([chunk])) if chunk.data_type() == &DataType::Float64 => {
            let a = chunk.as_primitive::<Float64Type>();
            if let Some(valid) = a.nulls().filter(|v| v.null_count() > 0) {
                nulls = (!valid.inner()).set_indices().collect();
            }
            Column::Float(Cow::Borrowed(a.values().as_ref()))
        }
        (None, Some(chunks)) => arrow_column(chunks, "row")?,
        (None, None) => extract_column(actual, "row")?,
    };
    let n = actual.len();
    let job = Job {
        nulls,
        targets: extract_targets(target, n, decimals)?,
        stretches: extract_stretches(stretch, n, decimals)?,
        actual,
        decimals,
        rule,
    };
    // A small array is rated in less time than releasing and retaking the GIL takes.
    let result = if n < BREAKPOINTS_FROM {
        job.run()
    } else {
        py.detach(move || job.run())
    };
    match result {
        Ok(codes) => Ok(PyArray1::from_vec(py, codes)),
        Err((usize::MAX, err)) => Err(PyErrWrapper(err).into()),
        Err((row, err)) => Err(PyErrWrapper(err.with_field(format!("row[{row}]"))).into()),
    }
}

/// The instruction-set level `rate_array`'s bulk pass runs at: `"baseline"`, `"avx2"` or
/// `"avx512"` (the best the CPU has, capped by the environment variable `RAGSTATUS_SIMD`).
#[pyfunction]
fn simd_level() -> &'static str {
    simd::level().as_str()
}

/// Adds the functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(rate_array, m)?)?;
    m.add_function(wrap_pyfunction!(simd_level, m)?)?;
    Ok(())
}
