//! Python bindings for ragstatus: the compiled module `ragstatus._ragstatus`.
//!
//! The public Python API is the package `ragstatus` (python/ragstatus), which re-exports what it
//! wants from here and adds the DataFrame helpers in pure Python. No Python input may reach a
//! panic: every conversion returns a `PyResult`, and errors of the core become `RagstatusError`
//! subclasses (see [`errors`]).
#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pyo3::prelude::*;

/// Every Rust allocation of the extension (the output columns above all) comes from mimalloc,
/// which keeps freed memory for the next call. With the system allocator a bulk call often wrote
/// its columns into pages the kernel had to fault in afresh (20,000–40,000 faults per call on a
/// million-row funnel), which cost the SPC family and the funnel 10–40% of their time; the
/// price is a higher first-call peak (benches/README.md, "The allocator"). Memory handed to
/// Python (numpy arrays, Arrow buffers) is released through Rust, so it returns to the same
/// allocator.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod array;
pub mod benchmarking;
pub mod budget;
pub mod bulk;
pub mod conv;
pub mod direction;
pub mod errors;
pub mod frame;
pub mod funnel;
pub mod groupstats;
pub mod icons;
pub mod indicators;
pub mod interval;
pub mod milestone;
pub mod period;
pub mod protocol;
pub mod rating;
pub mod spc;
pub mod summary;
pub mod values;

/// Converts a number as ragstatus reads it: `decimal.Decimal`, `int`, decimal text, or a float
/// taken as the decimal of its shortest repr (`94.95` gives `Decimal("94.95")`).
#[pyfunction]
fn to_decimal(value: &Bound<'_, PyAny>) -> PyResult<ragstatus::Decimal> {
    conv::number::extract_decimal(value)
}

/// The compiled part of the `ragstatus` Python package.
#[pymodule]
fn _ragstatus(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    period::register(m)?;
    values::register(m)?;
    direction::register(m)?;
    summary::register(m)?;
    rating::register(m)?;
    indicators::register(m)?;
    array::register(m)?;
    budget::register(m)?;
    milestone::register(m)?;
    spc::register(m)?;
    icons::register(m)?;
    benchmarking::register(m)?;
    frame::register(m)?;
    interval::register(m)?;
    groupstats::register(m)?;
    funnel::register(m)?;
    bulk::register(m)?;
    m.add_function(wrap_pyfunction!(to_decimal, m)?)?;
    Ok(())
}
