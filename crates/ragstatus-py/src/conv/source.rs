//! Where CSV text comes from.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use ragstatus::Error;

use super::describe;
use crate::errors::{IntoPyResult, invalid};

/// Where CSV text comes from: text (it has a line break), bytes, a path (text without a line
/// break, or an `os.PathLike`), or an open file. Returns the content and the file name.
pub fn read_source(obj: &Bound<'_, PyAny>) -> PyResult<(Vec<u8>, Option<String>)> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok((b.as_bytes().to_vec(), None));
    }
    let path = if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_cow()?.to_string();
        if text.contains(['\n', '\r']) {
            return Ok((text.into_bytes(), None));
        }
        text
    } else if obj.hasattr("__fspath__")? {
        let fspath = obj.call_method0("__fspath__")?;
        match fspath.cast::<PyString>() {
            Ok(s) => s.to_cow()?.to_string(),
            Err(_) => return Err(invalid(describe(obj), "a path as text")),
        }
    } else if obj.hasattr("read")? {
        let content = obj.call_method0("read")?;
        if let Ok(b) = content.cast::<PyBytes>() {
            return Ok((b.as_bytes().to_vec(), None));
        }
        return match content.cast::<PyString>() {
            Ok(s) => Ok((s.to_cow()?.as_bytes().to_vec(), None)),
            Err(_) => Err(invalid(describe(&content), "text or bytes from read()")),
        };
    } else {
        return Err(invalid(
            describe(obj),
            "CSV text, bytes, a path or an open file",
        ));
    };
    let bytes = std::fs::read(&path)
        .map_err(|e| Error::from(e).with_file(path.clone()))
        .py()?;
    Ok((bytes, Some(path)))
}
