//! Comparator-group quantiles and the recent trend (SPEC §8a): `quantile_bands`,
//! `recent_trend_proportions` and `recent_trend_intervals`.
//!
//! Sequences are any iterable (a list, numpy array, pandas or polars Series); None, NaN and
//! `pandas.NA` are missing values, never dropped: a missing area gets no band and is listed, a
//! missing period breaks a series. Results are plain dicts, as the interval functions return.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use ragstatus::Decimal;
use ragstatus::quantile::{QuantileBands, quantile_bands as core_quantile_bands};
use ragstatus::recent_trend::{
    IntervalPoint, ProportionPoint, RecentTrend, TrendReason, recent_trend_intervals as core_ri,
    recent_trend_proportions as core_rp,
};

use crate::conv::number::{Actual, extract_actual};
use crate::conv::scalar::u32_arg;
use crate::conv::{in_field, items};
use crate::errors::IntoPyResult;
use crate::interval::preference;

/// The numbers of a sequence, None for a missing one, each error naming `field[i]`.
fn column(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Vec<Option<Decimal>>> {
    items(obj, field)?
        .iter()
        .enumerate()
        .map(|(i, item)| {
            match extract_actual(item)
                .map_err(|e| in_field(obj.py(), e, &format!("{field}[{i}]")))?
            {
                Actual::Value(v) => Ok(Some(v)),
                Actual::Missing => Ok(None),
            }
        })
        .collect()
}

fn same_length(name: &str, found: usize, expected: usize) -> PyResult<()> {
    if found == expected {
        return Ok(());
    }
    Err(ragstatus::Error::new(ragstatus::ErrorKind::Length {
        column: name.to_string(),
        found,
        expected,
    }))
    .py()
}

fn bands_dict<'py>(py: Python<'py>, q: &QuantileBands) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("n", q.n)?;
    d.set_item("cut_points", q.cut_points.clone())?;
    let areas = PyList::empty(py);
    for a in &q.areas {
        let row = PyDict::new(py);
        row.set_item("value", a.value)?;
        row.set_item("band", a.band)?;
        row.set_item("label", a.label.clone())?;
        areas.append(row)?;
    }
    d.set_item("areas", areas)?;
    d.set_item("missing", q.missing.clone())?;
    d.set_item("preference", q.preference.as_str())?;
    Ok(d)
}

fn reason_name(r: TrendReason) -> &'static str {
    match r {
        TrendReason::TooFewPoints => "TooFewPoints",
        TrendReason::TooFewRecentPoints => "TooFewRecentPoints",
        TrendReason::CountEqualsDenominator => "CountEqualsDenominator",
        TrendReason::ZeroCount => "ZeroCount",
        TrendReason::ZeroWidthInterval => "ZeroWidthInterval",
    }
}

pub(crate) fn trend_dict<'py>(py: Python<'py>, t: &RecentTrend) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("marker", t.marker.as_str())?;
    d.set_item("judgement", t.judgement.map(|j| j.as_str()))?;
    d.set_item("label", t.label())?;
    d.set_item("chi_squared", t.chi_squared)?;
    d.set_item("gradient", t.gradient)?;
    d.set_item("consistent", t.consistent)?;
    d.set_item("points_used", t.points_used)?;
    d.set_item("reason", t.reason.map(reason_name))?;
    d.set_item("preference", t.preference.as_str())?;
    Ok(d)
}

/// Places each area of a comparator group in one of `bands` quantile bands, as Fingertips'
/// quintiles (5) and quartiles (4): R type 7 cut points, band 1 the lowest values, a value on
/// a cut point in the lower band, labels by `preference` (`"higher"`, `"lower"` or `"none"`).
#[pyfunction]
#[pyo3(signature = (values, bands = None, preference = None))]
fn quantile_bands<'py>(
    values: &Bound<'py, PyAny>,
    bands: Option<&Bound<'py, PyAny>>,
    preference: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let py = values.py();
    let values = column(values, "values")?;
    let n = match bands.filter(|b| !b.is_none()) {
        None => 5,
        Some(b) => u32_arg(b).map_err(|e| in_field(py, e, "bands"))?,
    };
    let pref = self::preference(preference)?;
    bands_dict(py, &core_quantile_bands(&values, n, pref).py()?)
}

/// The recent trend of a proportion over its five most recent periods (oldest first): the
/// chi-squared test for trend, as Fingertips' trend marker. A period whose count or
/// denominator is missing breaks the series.
#[pyfunction]
#[pyo3(signature = (counts, denominators, preference = None))]
fn recent_trend_proportions<'py>(
    counts: &Bound<'py, PyAny>,
    denominators: &Bound<'py, PyAny>,
    preference: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let py = counts.py();
    let xs = column(counts, "counts")?;
    let ns = column(denominators, "denominators")?;
    same_length("denominators", ns.len(), xs.len())?;
    let series: Vec<Option<ProportionPoint>> = xs
        .into_iter()
        .zip(ns)
        .map(|(x, n)| {
            Some(ProportionPoint {
                count: x?,
                denominator: n?,
            })
        })
        .collect();
    let pref = self::preference(preference)?;
    trend_dict(py, &core_rp(&series, pref).py()?)
}

/// The recent trend of values with 95% confidence intervals (rates, ratios, means) over their
/// five most recent periods (oldest first), as Fingertips' trend marker for every type other
/// than proportions. A period whose value or either limit is missing breaks the series.
#[pyfunction]
#[pyo3(signature = (values, lower, upper, preference = None))]
fn recent_trend_intervals<'py>(
    values: &Bound<'py, PyAny>,
    lower: &Bound<'py, PyAny>,
    upper: &Bound<'py, PyAny>,
    preference: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let py = values.py();
    let vs = column(values, "values")?;
    let ls = column(lower, "lower")?;
    let us = column(upper, "upper")?;
    same_length("lower", ls.len(), vs.len())?;
    same_length("upper", us.len(), vs.len())?;
    let series: Vec<Option<IntervalPoint>> = vs
        .into_iter()
        .zip(ls)
        .zip(us)
        .map(|((v, l), u)| {
            Some(IntervalPoint {
                value: v?,
                lower: l?,
                upper: u?,
            })
        })
        .collect();
    let pref = self::preference(preference)?;
    trend_dict(py, &core_ri(&series, pref).py()?)
}

/// Adds the functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(quantile_bands, m)?)?;
    m.add_function(wrap_pyfunction!(recent_trend_proportions, m)?)?;
    m.add_function(wrap_pyfunction!(recent_trend_intervals, m)?)?;
    Ok(())
}
