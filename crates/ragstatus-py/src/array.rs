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
//! **Speed.** This module only reads the columns out of Python; the rating is the core's
//! [`ragstatus::columnar::rate_rule_batch`] (the breakpoint pass for float actuals with declared
//! decimals, the columnar kernels, `rate_status` row by row), which documents its paths. A
//! float64 numpy array (or a pandas float64 Series, through `numpy.asarray`) and a single-chunk
//! float64 Arrow array (pyarrow, polars) are handed to it in place, not copied; other inputs are
//! copied out of Python first. From 512 rows the rating runs with the GIL released, split over
//! the machine's cores from 32,768 rows; a smaller array is rated in less time than releasing the
//! GIL would take.

use std::borrow::Cow;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{Array, ArrayRef};
use arrow_schema::DataType;
use numpy::{
    PyArray1, PyArrayDescrMethods, PyArrayMethods, PyReadonlyArray1, PyUntypedArrayMethods,
};
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};
use ragstatus::columnar::{
    Actuals, Column as ColumnarColumn, RuleBatch, float_decimal, rate_rule_batch, simd,
};
use ragstatus::{Decimal, Target};

use crate::conv::describe;
use crate::conv::number::{Actual, FINITE_FLOAT, decimal_from_f32, extract_actual};
use crate::errors::{PyErrWrapper, invalid};
use crate::rating::extract_target;

/// Rows below which the rating runs with the GIL held: a small array is rated in less time than
/// releasing and retaking the GIL takes.
const DETACH_FROM: usize = 512;

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

/// An invalid value in row `i` of the column `name` (`row` for the actuals).
fn row_error(name: &str, i: usize, found: String, expected: &str) -> PyErr {
    PyErrWrapper(
        ragstatus::Error::invalid_value(found, expected).with_field(format!("{name}[{i}]")),
    )
    .into()
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

/// An Arrow column: a float64 one as floats (the fast path), any other through the core's one
/// reader of number columns, as every frame function reads it.
fn arrow_column(chunks: &[ArrayRef], name: &str) -> PyResult<Column<'static>> {
    if chunks.is_empty() || !chunks.iter().all(|c| c.data_type() == &DataType::Float64) {
        return ragstatus::frame::read_number_column(chunks, name)
            .map(Column::Exact)
            .map_err(|e| PyErrWrapper(e).into());
    }
    // One copy of the values buffer, then NaN (missing) in the null slots.
    let mut floats: Vec<f64> = Vec::with_capacity(chunks.iter().map(|c| c.len()).sum());
    for chunk in chunks {
        let a = chunk.as_primitive::<Float64Type>();
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
    }
    Ok(Column::Float(Cow::Owned(floats)))
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
    fn as_column(&self) -> ColumnarColumn<'_, T> {
        match self {
            PerRow::All(t) => ColumnarColumn::Shared(*t),
            PerRow::Each(v) => ColumnarColumn::PerRow(v),
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
                float_decimal(*x, decimals)
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
    let targets = extract_targets(target, n, decimals)?;
    let stretches = extract_stretches(stretch, n, decimals)?;
    let actuals = match &actual {
        Column::Float(values) => Actuals::Floats {
            values,
            nulls: &nulls,
            decimals,
        },
        Column::Exact(values) => Actuals::Exact(values),
    };
    let batch = RuleBatch {
        actuals,
        targets: targets.as_column(),
        stretches: stretches.as_column(),
        rule: &rule,
    };
    let codes = if n < DETACH_FROM {
        rate_rule_batch(&batch, 1)
    } else {
        py.detach(|| rate_rule_batch(&batch, threads()))
    };
    match codes {
        Ok(codes) => Ok(PyArray1::from_vec(py, codes)),
        Err(err) => Err(PyErrWrapper(err).into()),
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
