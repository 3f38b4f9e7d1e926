//! Python exceptions for [`ragstatus::Error`].
//!
//! One base class, `RagstatusError(ValueError)`, and one subclass per family of
//! [`ragstatus::ErrorKind`]. Every instance carries the error's [`ragstatus::Location`] as the
//! attributes `indicator`, `period`, `field`, `file`, `line` and `column` (each `None` when not
//! known), the variant name as `kind` (`"PeriodLabel"`, `"InvalidValue"`, ...) and the variant's
//! own fields as the dict `details`. The classes define these attributes as `None` too, so that
//! code reading them on any `RagstatusError` never meets an `AttributeError`.

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use ragstatus::ErrorKind;

create_exception!(
    ragstatus,
    RagstatusError,
    PyValueError,
    "Base class of every error raised by ragstatus."
);
create_exception!(
    ragstatus,
    PeriodLabelError,
    RagstatusError,
    "A period label that matches none of the accepted forms."
);
create_exception!(
    ragstatus,
    InvalidValueError,
    RagstatusError,
    "A value (number, date, amount, name) that could not be read."
);
create_exception!(
    ragstatus,
    DefinitionError,
    RagstatusError,
    "An inconsistent definition: indicator, target, tolerance, threshold or setting."
);
create_exception!(
    ragstatus,
    SchemeError,
    DefinitionError,
    "A custom status scheme whose bands do not cover every value exactly once, in order."
);
create_exception!(
    ragstatus,
    MissingFieldError,
    RagstatusError,
    "A field that must be present is missing."
);
create_exception!(
    ragstatus,
    UnknownIndicatorError,
    RagstatusError,
    "A reference to an indicator that has no definition."
);
create_exception!(
    ragstatus,
    DuplicateError,
    RagstatusError,
    "The same key given twice where it must be unique."
);
create_exception!(
    ragstatus,
    LengthMismatchError,
    RagstatusError,
    "Columns of one batch with different lengths."
);
create_exception!(
    ragstatus,
    ArithmeticOverflowError,
    RagstatusError,
    "Decimal arithmetic beyond the range of the 96-bit decimal (about 7.9e28)."
);
create_exception!(
    ragstatus,
    ParseError,
    RagstatusError,
    "Text or a file in JSON, TOML or CSV that does not parse or does not have the expected shape."
);
create_exception!(
    ragstatus,
    FileError,
    RagstatusError,
    "A file that could not be read or written."
);

/// The attributes every exception class and instance has.
const LOCATION_ATTRS: [&str; 6] = ["indicator", "period", "field", "file", "line", "column"];

/// Adds the exception classes to the module, with their attributes defaulting to `None`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let classes = [
        ("RagstatusError", py.get_type::<RagstatusError>()),
        ("PeriodLabelError", py.get_type::<PeriodLabelError>()),
        ("InvalidValueError", py.get_type::<InvalidValueError>()),
        ("DefinitionError", py.get_type::<DefinitionError>()),
        ("SchemeError", py.get_type::<SchemeError>()),
        ("MissingFieldError", py.get_type::<MissingFieldError>()),
        (
            "UnknownIndicatorError",
            py.get_type::<UnknownIndicatorError>(),
        ),
        ("DuplicateError", py.get_type::<DuplicateError>()),
        ("LengthMismatchError", py.get_type::<LengthMismatchError>()),
        (
            "ArithmeticOverflowError",
            py.get_type::<ArithmeticOverflowError>(),
        ),
        ("ParseError", py.get_type::<ParseError>()),
        ("FileError", py.get_type::<FileError>()),
    ];
    let base = py.get_type::<RagstatusError>();
    for attr in LOCATION_ATTRS {
        base.setattr(attr, py.None())?;
    }
    base.setattr("kind", py.None())?;
    base.setattr("details", py.None())?;
    for (name, class) in classes {
        m.add(name, class)?;
    }
    Ok(())
}

/// A [`ragstatus::Error`] on its way to Python: `?` in a binding function turns it into the
/// matching exception.
#[derive(Debug)]
pub struct PyErrWrapper(pub ragstatus::Error);

impl From<ragstatus::Error> for PyErrWrapper {
    fn from(err: ragstatus::Error) -> Self {
        PyErrWrapper(err)
    }
}

impl From<PyErrWrapper> for PyErr {
    fn from(PyErrWrapper(err): PyErrWrapper) -> PyErr {
        let message = err.to_string();
        let py_err = match err.kind() {
            ErrorKind::PeriodLabel { .. } => PeriodLabelError::new_err(message),
            ErrorKind::InvalidValue { .. } => InvalidValueError::new_err(message),
            ErrorKind::Definition { .. } => DefinitionError::new_err(message),
            ErrorKind::Scheme { .. } => SchemeError::new_err(message),
            ErrorKind::Missing { .. } => MissingFieldError::new_err(message),
            ErrorKind::UnknownIndicator { .. } => UnknownIndicatorError::new_err(message),
            ErrorKind::Duplicate { .. } => DuplicateError::new_err(message),
            ErrorKind::Length { .. } => LengthMismatchError::new_err(message),
            ErrorKind::Overflow { .. } => ArithmeticOverflowError::new_err(message),
            ErrorKind::Syntax { .. } => ParseError::new_err(message),
            ErrorKind::Io { .. } => FileError::new_err(message),
            _ => RagstatusError::new_err(message),
        };
        Python::attach(|py| {
            // Attaching the context is best effort: an exception without it is still the right
            // exception, so a failure here must not replace it.
            let _ = annotate(py, &py_err, &err);
        });
        py_err
    }
}

fn annotate(py: Python<'_>, py_err: &PyErr, err: &ragstatus::Error) -> PyResult<()> {
    let value = py_err.value(py);
    let location = err.location();
    value.setattr("indicator", location.indicator.clone())?;
    value.setattr("period", location.period.clone())?;
    value.setattr("field", location.field.clone())?;
    value.setattr("file", location.file.clone())?;
    value.setattr("line", location.line)?;
    value.setattr("column", location.column.clone())?;
    value.setattr("kind", err.kind().name())?;
    value.setattr("details", details(py, err.kind())?)?;
    Ok(())
}

/// The variant's own fields as a dict, from the core's serde form of the kind (`{"kind":
/// "InvalidValue", "found": ..., "expected": ...}` less its `kind`). Read back with Python's
/// `json`, which keeps the fields in the order the core declares them.
fn details<'py>(py: Python<'py>, kind: &ErrorKind) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(kind).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let details = py.import("json")?.call_method1("loads", (text,))?;
    details.del_item("kind")?;
    Ok(details)
}

/// Shorthand: a `Result` of the core turned into a `PyResult`.
pub trait IntoPyResult<T> {
    /// Converts the error into the matching Python exception.
    fn py(self) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for ragstatus::Result<T> {
    fn py(self) -> PyResult<T> {
        self.map_err(|e| PyErr::from(PyErrWrapper(e)))
    }
}

/// An `InvalidValueError` for a Python input that has the wrong type or value.
pub fn invalid(found: impl Into<String>, expected: impl Into<String>) -> PyErr {
    PyErrWrapper(ragstatus::Error::invalid_value(found, expected)).into()
}

/// Core errors as Python exception instances (not raised).
pub fn errors_to_py(py: Python<'_>, errors: &[ragstatus::Error]) -> Vec<Py<PyAny>> {
    errors
        .iter()
        .map(|e| {
            PyErr::from(PyErrWrapper(e.clone()))
                .into_value(py)
                .into_any()
        })
        .collect()
}
