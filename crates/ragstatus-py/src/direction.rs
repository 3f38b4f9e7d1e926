//! Direction of travel (SPEC §7): `compare_direction`, `direction_by_regression` and `Travel`.

use pyo3::prelude::*;
use ragstatus::direction::{StableBand, Travel, by_regression, compare};
use ragstatus::{Decimal, Polarity};

use crate::conv::describe;
use crate::conv::json::from_py;
use crate::conv::number::{Actual, extract_actual, extract_decimal};
use crate::conv::repr::dec_repr;
use crate::errors::{IntoPyResult, invalid};
use crate::protocol::pyclass_methods;

/// Reads a polarity: `"higher"`, `"lower"` or `"within"`.
pub fn extract_polarity(obj: &Bound<'_, PyAny>) -> PyResult<Polarity> {
    from_py(obj)
}

/// Reads an optional `[low, high]` range.
pub fn extract_range(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<(Decimal, Decimal)>> {
    let Some(obj) = obj else { return Ok(None) };
    if obj.is_none() {
        return Ok(None);
    }
    let items = crate::conv::items(obj, "range")?;
    match items.as_slice() {
        [low, high] => Ok(Some((extract_decimal(low)?, extract_decimal(high)?))),
        _ => Err(invalid(describe(obj), "a [low, high] range")),
    }
}

/// Reads an optional stable band: `{"absolute": x}` or `{"relative": percent}`.
pub fn extract_stable(obj: Option<&Bound<'_, PyAny>>) -> PyResult<StableBand> {
    match obj {
        Some(obj) if !obj.is_none() => {
            let band: StableBand = from_py(obj)?;
            band.validate().py()?;
            Ok(band)
        }
        _ => Ok(StableBand::default()),
    }
}

fn optional_value(obj: &Bound<'_, PyAny>) -> PyResult<Option<Decimal>> {
    Ok(match extract_actual(obj)? {
        Actual::Value(v) => Some(v),
        Actual::Missing => None,
    })
}

/// The outcome of a direction-of-travel comparison, with its workings.
#[pyclass(name = "Travel", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyTravel(pub Travel);

pyclass_methods! {
    PyTravel(Travel);
    protocol [to_dict, to_json, from_json, hash, reduce];
    fields {
        /// The actual (for a regression, the last value of the window).
        actual: Option<Decimal>,
        /// The comparison value (for a regression, the first value of the window).
        comparison: Option<Decimal>,
        /// The improvement (negated for lower; fall in shortfall for within); None when not
        /// comparable.
        change: Option<Decimal>,
        /// The stable band as an amount; None when not comparable.
        band: Option<Decimal>,
        /// Why two present values could not be compared (a change beyond the decimal range);
        /// None otherwise.
        reason: Option<String>,
        /// `"Improving"`, `"Worsening"`, `"NoChange"` or `"NotComparable"`.
        direction as str,
    }
    methods {
        /// One plain-English sentence, e.g. "up 2.1 from 42.0 in 2015/16 Q2: improving".
        #[pyo3(signature = (label, suffix = String::new()), text_signature = "(self, /, label, suffix='')")]
        fn sentence(
            &self,
            #[pyo3(from_py_with = crate::conv::scalar::text)] label: String,
            #[pyo3(from_py_with = crate::conv::scalar::text)] suffix: String,
        ) -> String {
            let value = |d: Decimal| format!("{d}{suffix}");
            let diff = |d: Decimal| d.to_string();
            self.0.sentence(&label, &value, &diff)
        }

        fn __repr__(&self) -> String {
            format!(
                "Travel(direction={:?}, actual={}, comparison={}, change={}, band={})",
                self.0.direction.as_str(),
                dec_repr(self.0.actual),
                dec_repr(self.0.comparison),
                dec_repr(self.0.change),
                dec_repr(self.0.band)
            )
        }
    }
}

/// The direction of travel from `comparison` to `actual`. Either value missing (None, NaN)
/// gives `NotComparable`. `range` is the `[low, high]` target of a within indicator; `stable`
/// is `{"absolute": x}` or `{"relative": percent}` (default absolute 0).
#[pyfunction]
#[pyo3(signature = (polarity, actual, comparison, *, range = None, stable = None))]
pub fn compare_direction(
    polarity: &Bound<'_, PyAny>,
    actual: &Bound<'_, PyAny>,
    comparison: &Bound<'_, PyAny>,
    range: Option<&Bound<'_, PyAny>>,
    stable: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyTravel> {
    compare(
        extract_polarity(polarity)?,
        optional_value(actual)?,
        optional_value(comparison)?,
        extract_range(range)?,
        extract_stable(stable)?,
    )
    .py()
    .map(PyTravel)
}

/// The direction of travel by the least-squares slope over `values` (oldest first, at least
/// 3); any missing value gives `NotComparable`.
#[pyfunction]
#[pyo3(signature = (polarity, values, *, range = None, stable = None))]
pub fn direction_by_regression(
    polarity: &Bound<'_, PyAny>,
    values: &Bound<'_, PyAny>,
    range: Option<&Bound<'_, PyAny>>,
    stable: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyTravel> {
    let mut list = Vec::new();
    for item in crate::conv::items(values, "values")? {
        list.push(optional_value(&item)?);
    }
    by_regression(
        extract_polarity(polarity)?,
        &list,
        extract_range(range)?,
        extract_stable(stable)?,
    )
    .py()
    .map(PyTravel)
}

/// Adds the classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyTravel>()?;
    m.add_function(wrap_pyfunction!(compare_direction, m)?)?;
    m.add_function(wrap_pyfunction!(direction_by_regression, m)?)?;
    Ok(())
}
