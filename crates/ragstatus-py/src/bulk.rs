//! SPC series, budget lines and milestones in bulk (`ragstatus::bulk`) for Python: any Arrow
//! tabular object in (pyarrow Table or RecordBatch, polars and pandas ≥ 2.2 DataFrames,
//! anything with `__arrow_c_stream__` or `__arrow_c_array__`), a pyarrow RecordBatch out, the
//! work done without the GIL. The pure-Python `spc_frame`, `roll_up_frame` and
//! `milestones_frame` turn the result back into the caller's kind of frame.

use arrow_array::RecordBatch;
use arrow_select::concat::concat_batches;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::PyRecordBatch;
use pyo3_arrow::input::AnyRecordBatch;
use ragstatus::bulk::budget::{BudgetFrameOptions, Group, roll_up_batch};
use ragstatus::bulk::milestone::{MilestoneFrameOptions, milestones_batch};
use ragstatus::bulk::spc::{SpcFrameOptions, spc_batch};
use ragstatus::spc::SpcSettings;

use crate::budget::PyBudgetSettings;
use crate::conv::json::from_plain;
use crate::conv::scalar::extract_date;
use crate::errors::{PyErrWrapper, invalid};
use crate::milestone::PyMilestoneSettings;

/// The batches and schema of any Arrow tabular object (pyarrow, polars, pandas ≥ 2.2, anything
/// with `__arrow_c_stream__` or `__arrow_c_array__`).
pub(crate) fn read_batch(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
) -> PyResult<(Vec<RecordBatch>, arrow_schema::SchemaRef)> {
    // An Arrow type the reader does not know (polars' 128-bit integers, an extension type) is a
    // wrong input, not a crash of the interchange layer.
    let not_arrow = |e: PyErr| {
        invalid(
            e.value(py).to_string(),
            "a frame whose columns have standard Arrow types",
        )
    };
    let data: AnyRecordBatch = data.extract().map_err(not_arrow)?;
    Ok(data
        .into_table()
        .map_err(|e| not_arrow(PyErr::from(e)))?
        .into_inner())
}

/// One batch of all of them: a pandas frame and most pyarrow tables are one, read in place.
/// Run it without the GIL: joining several batches copies them.
pub(crate) fn one_batch(
    batches: Vec<RecordBatch>,
    schema: &arrow_schema::SchemaRef,
) -> ragstatus::Result<RecordBatch> {
    match batches.as_slice() {
        [one] => Ok(one.clone()),
        _ => concat_batches(schema, &batches).map_err(|e| {
            ragstatus::Error::new(ragstatus::ErrorKind::Syntax {
                format: "Arrow".into(),
                message: e.to_string(),
            })
        }),
    }
}

pub(crate) fn run<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    work: impl FnOnce(&RecordBatch) -> ragstatus::Result<RecordBatch> + Send,
) -> PyResult<Bound<'py, PyAny>> {
    let (batches, schema) = read_batch(py, data)?;
    let result = py.detach(|| work(&one_batch(batches, &schema)?));
    let batch = result.map_err(PyErrWrapper)?;
    PyRecordBatch::new(batch).into_pyarrow(py)
}

/// Analyses every series of an Arrow frame with `ragstatus.spc.spc_frame`'s rules and returns a
/// `pyarrow.RecordBatch`. `settings` is a dict of `analyse_spc`'s settings; `explain=False`
/// leaves the `explanation` column null.
#[pyfunction]
#[pyo3(signature = (data, settings, *, by, value, period, denominator = None, explain = true))]
#[allow(clippy::too_many_arguments)] // Python's keyword arguments, one per column role
fn _spc_frame<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    settings: &Bound<'py, PyDict>,
    by: Vec<String>,
    value: String,
    period: Option<String>,
    denominator: Option<String>,
    explain: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let settings: SpcSettings = from_plain(settings.as_any(), crate::spc::INT_KEYS)?;
    let options = SpcFrameOptions {
        by,
        value,
        period,
        denominator,
        settings,
        threads: 0,
        explain,
    };
    run(py, data, |batch| spc_batch(batch, &options))
}

/// Rolls up an Arrow frame of budget lines with `ragstatus.budget.roll_up_frame`'s rules and
/// returns a `pyarrow.RecordBatch`. `group` names the group path column, or `group_columns`
/// the columns of its segments.
#[pyfunction]
#[pyo3(signature = (data, settings, *, group, group_columns, default_base, include_totals))]
fn _roll_up_frame<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    settings: PyRef<'py, PyBudgetSettings>,
    group: String,
    group_columns: Option<Vec<String>>,
    default_base: String,
    include_totals: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let options = BudgetFrameOptions {
        group: match group_columns {
            Some(columns) => Group::Columns(columns),
            None => Group::Path(group),
        },
        default_base,
        include_totals,
        ..BudgetFrameOptions::default()
    };
    let settings = &settings.0;
    run(py, data, |batch| roll_up_batch(batch, settings, &options))
}

/// Evaluates an Arrow frame of milestones as of a date with
/// `ragstatus.milestone.milestones_frame`'s rules and returns a `pyarrow.RecordBatch`.
#[pyfunction]
#[pyo3(signature = (data, as_of, settings))]
fn _milestones_frame<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    as_of: &Bound<'py, PyAny>,
    settings: PyRef<'py, PyMilestoneSettings>,
) -> PyResult<Bound<'py, PyAny>> {
    let as_of = extract_date(as_of, "as_of")?;
    let options = MilestoneFrameOptions::default();
    let settings = &settings.0;
    run(py, data, |batch| {
        milestones_batch(batch, as_of, settings, &options)
    })
}

/// Registers the bulk functions as private attributes: `setattr`, not `add`, keeps them out of
/// the module's `__all__` (the public frame functions wrap them).
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.setattr("_spc_frame", wrap_pyfunction!(_spc_frame, m)?)?;
    m.setattr("_roll_up_frame", wrap_pyfunction!(_roll_up_frame, m)?)?;
    m.setattr("_milestones_frame", wrap_pyfunction!(_milestones_frame, m)?)?;
    Ok(())
}
