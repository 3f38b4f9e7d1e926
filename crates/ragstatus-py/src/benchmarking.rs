//! Benchmarking against a comparator group (SPEC §8): `benchmark` and `Benchmark`.
//!
//! `comparators` is any sequence of numbers (a list, numpy array, pandas or polars Series);
//! None, NaN and `pandas.NA` are missing comparators, left out and counted. `polarity` is
//! `"higher"` or `"lower"` (`"within"` has no order of better and worse: a `DefinitionError`).
//! `scheme` maps quartiles to statuses: True for the default (top quartile Green, middle two
//! Amber, bottom Red) or a dict `{"quartile_1": "Green", ..., "quartile_4": "Red"}`.

use pyo3::prelude::*;
use pyo3::types::PyBool;
use ragstatus::benchmarking::{
    Benchmark, BenchmarkSettings, QuartileScheme, benchmark as core_benchmark,
};
use ragstatus::{Decimal, Polarity};

use crate::conv::describe;
use crate::conv::json::from_plain;
use crate::conv::number::decimal_in;
use crate::conv::number::{Actual, extract_actual};
use crate::conv::repr::dec_repr;
use crate::conv::scalar::{extract_opt_text, extract_text};
use crate::conv::{in_field, items};
use crate::errors::{IntoPyResult, invalid};
use crate::protocol::pyclass_methods;

fn extract_polarity(obj: &Bound<'_, PyAny>) -> PyResult<Polarity> {
    let text = extract_text(obj, "polarity")?;
    match text.trim().to_ascii_lowercase().as_str() {
        "higher" => Ok(Polarity::Higher),
        "lower" => Ok(Polarity::Lower),
        "within" => Ok(Polarity::Within),
        _ => Err(in_field(
            obj.py(),
            invalid(text, "\"higher\" or \"lower\""),
            "polarity",
        )),
    }
}

fn extract_scheme(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<QuartileScheme>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(b.is_true().then(QuartileScheme::default));
    }
    from_plain(obj, &[])
        .map(Some)
        .map_err(|e| in_field(obj.py(), e, "scheme"))
}

fn extract_flag(obj: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<bool> {
    match obj.filter(|o| !o.is_none()) {
        None => Ok(false),
        Some(o) => match o.cast::<PyBool>() {
            Ok(b) => Ok(b.is_true()),
            Err(_) => Err(in_field(
                o.py(),
                invalid(describe(o), "True or False"),
                field,
            )),
        },
    }
}

/// Where an actual stands in its comparator group: rank (1 = best, ties share the best rank),
/// quartile (1 = best), the quartile cut points, the median, the distance from it (positive =
/// better) and, with a scheme, a status.
#[pyclass(name = "Benchmark", module = "ragstatus", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyBenchmark(pub Benchmark);

pyclass_methods! {
    PyBenchmark(Benchmark);
    protocol [to_dict, to_json, from_json, hash, reduce];
    fields {
        /// The actual.
        actual: Decimal,
        /// The actual plus every comparator with a value.
        group_size: usize,
        /// Comparators without a value.
        missing: usize,
        /// Comparators equal to the actual.
        tied: usize,
        /// 1 = best; None without comparator values.
        rank: Option<usize>,
        /// 1 = best quartile.
        quartile: Option<u8>,
        /// The 25th percentile of the group.
        lower_quartile: Option<Decimal>,
        /// The median of the group.
        median: Option<Decimal>,
        /// The 75th percentile of the group.
        upper_quartile: Option<Decimal>,
        /// Distance from the median, positive = better.
        distance_from_median: Option<Decimal>,
        /// A sentence such as "3rd of 16 (quartile 1); 4.2 points better than the median of 41.0%".
        explanation: String,
    }
    methods {
        /// The quartile's status under the scheme (`"NoData"` without comparators); None without
        /// a scheme.
        #[getter]
        fn status(&self) -> Option<&'static str> {
            self.0.status.map(|s| s.as_str())
        }

        fn __repr__(&self) -> String {
            format!(
                "Benchmark(actual=Decimal('{}'), rank={}, group_size={}, quartile={}, median={})",
                self.0.actual,
                self.0
                    .rank
                    .map_or_else(|| "None".to_string(), |r| r.to_string()),
                self.0.group_size,
                self.0
                    .quartile
                    .map_or_else(|| "None".to_string(), |q| q.to_string()),
                dec_repr(self.0.median)
            )
        }
    }
}

/// Ranks `actual` among the comparators' values for the same indicator and period (SPEC §8).
/// `comparators` lists the other members of the group (set `actual_in_comparators` when it
/// holds the body's own value too).
#[pyfunction]
#[pyo3(signature = (actual, comparators, polarity, *, actual_in_comparators = None, scheme = None, unit = None))]
fn benchmark(
    actual: &Bound<'_, PyAny>,
    comparators: &Bound<'_, PyAny>,
    polarity: &Bound<'_, PyAny>,
    actual_in_comparators: Option<&Bound<'_, PyAny>>,
    scheme: Option<&Bound<'_, PyAny>>,
    unit: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyBenchmark> {
    let actual = decimal_in(actual, "actual")?;
    let comparators = items(comparators, "comparators")?
        .iter()
        .enumerate()
        .map(|(i, c)| {
            match extract_actual(c)
                .map_err(|e| in_field(c.py(), e, &format!("comparators[{i}]")))?
            {
                Actual::Value(v) => Ok(Some(v)),
                Actual::Missing => Ok(None),
            }
        })
        .collect::<PyResult<Vec<_>>>()?;
    let settings = BenchmarkSettings {
        polarity: extract_polarity(polarity)?,
        actual_in_comparators: extract_flag(actual_in_comparators, "actual_in_comparators")?,
        scheme: extract_scheme(scheme)?,
        unit: extract_opt_text(unit, "unit")?,
    };
    core_benchmark(actual, &comparators, &settings)
        .py()
        .map(PyBenchmark)
}

/// Adds the class and function to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyBenchmark>()?;
    m.add_function(wrap_pyfunction!(benchmark, m)?)?;
    Ok(())
}
