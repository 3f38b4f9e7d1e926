//! The columnar frame path (`ragstatus::frame`) for Python: any Arrow tabular object in
//! (pyarrow Table or RecordBatch, polars and pandas ≥ 2.2 DataFrames, anything with
//! `__arrow_c_stream__` or `__arrow_c_array__`), a pyarrow Table out (one batch per thread's
//! share of the rows: the output is never copied into one). The pure-Python `ragstatus.frame`
//! module turns that back into the caller's kind of frame.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::PyTable;
use ragstatus::frame::{FrameOptions, STATUS_NAMES, TextColumns, evaluate_parts};

use crate::bulk::{one_batch, read_batch};
use crate::errors::{PyErrWrapper, invalid};
use crate::indicators::PyDefinitions;
use crate::period::{PyPeriod, extract_period};
use ragstatus::Observation;

/// Evaluates an Arrow frame of actuals with `ragstatus.frame.evaluate_frame`'s rules and returns
/// a `pyarrow.Table`. The evaluation runs without the GIL.
#[pyfunction]
#[pyo3(signature = (
    data, definitions, period, *, by, indicator, period_column, value, numerator, denominator,
    provisional, note, explain = true, text = "string", columns = None
))]
#[allow(clippy::too_many_arguments)]
fn _evaluate_frame<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    definitions: PyRef<'py, PyDefinitions>,
    period: Option<&Bound<'py, PyAny>>,
    by: Vec<String>,
    indicator: String,
    period_column: String,
    value: String,
    numerator: String,
    denominator: String,
    provisional: String,
    note: String,
    explain: bool,
    text: &str,
    columns: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyAny>> {
    let defs = &definitions.0;
    let text = match text {
        "string" => TextColumns::Plain,
        "category" => TextColumns::Dictionary,
        other => {
            return Err(invalid(
                format!("text={other:?}"),
                "text=\"string\" (plain text columns) or text=\"category\" (dictionary-encoded)",
            ));
        }
    };
    let report = period
        .filter(|p| !p.is_none())
        .map(|p| extract_period(p, defs.calendar))
        .transpose()?;
    let options = FrameOptions {
        by,
        indicator,
        period: period_column,
        value,
        numerator,
        denominator,
        provisional,
        note,
        report,
        threads: 0,
        explain,
        text,
        columns,
    };
    let (batches, schema) = read_batch(py, data)?;
    let result = py.detach(|| {
        let batch = one_batch(batches, &schema)?;
        evaluate_parts(defs, &batch, &options)
    });
    let (schema, parts) = result.map_err(PyErrWrapper)?;
    PyTable::try_new(parts, schema)?.into_pyarrow(py)
}

/// The actuals of a frame as `({indicator id: {Period: observation}}, [errors])`, read by the
/// core's frame reader (`ragstatus::frame::read_actuals`), so that they are read exactly as
/// `evaluate_frame` reads them: a value is a `Decimal`, a fraction a `(numerator, denominator)`
/// tuple of `Decimal`s, a row with no value `None`; each row that cannot be read is an
/// exception object (not raised) naming its row and column.
#[pyfunction]
#[pyo3(signature = (data, definitions, *, indicator, period_column, value, numerator, denominator))]
#[allow(clippy::too_many_arguments)]
fn _read_actuals<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    definitions: PyRef<'py, PyDefinitions>,
    indicator: String,
    period_column: String,
    value: String,
    numerator: String,
    denominator: String,
) -> PyResult<(Bound<'py, PyDict>, Vec<Py<PyAny>>)> {
    let defs = &definitions.0;
    let (batches, schema) = read_batch(py, data)?;
    let options = FrameOptions {
        indicator,
        period: period_column,
        value,
        numerator,
        denominator,
        ..FrameOptions::default()
    };
    let read = py
        .detach(|| ragstatus::frame::read_actuals(defs, &one_batch(batches, &schema)?, &options))
        .map_err(PyErrWrapper)?;
    let out = PyDict::new(py);
    for (id, series) in read.series {
        let periods = PyDict::new(py);
        for (period, observation) in series {
            let observation = match observation {
                None => py.None(),
                Some(Observation::Value { value }) => value.into_pyobject(py)?.into_any().unbind(),
                Some(Observation::Fraction {
                    numerator,
                    denominator,
                }) => (numerator, denominator)
                    .into_pyobject(py)?
                    .into_any()
                    .unbind(),
            };
            periods.set_item(PyPeriod(period), observation)?;
        }
        out.set_item(id, periods)?;
    }
    let errors = read
        .errors
        .into_iter()
        .map(|e| PyErr::from(PyErrWrapper(e)).into_value(py).into_any())
        .collect();
    Ok((out, errors))
}

/// Registers the frame function and the status names in code order, as private attributes:
/// `setattr`, not `add`, keeps them out of the module's `__all__` (the public
/// `ragstatus.evaluate_frame` wraps them).
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.setattr("_evaluate_frame", wrap_pyfunction!(_evaluate_frame, m)?)?;
    m.setattr("_read_actuals", wrap_pyfunction!(_read_actuals, m)?)?;
    m.setattr("_STATUS_NAMES", STATUS_NAMES.to_vec())?;
    Ok(())
}
