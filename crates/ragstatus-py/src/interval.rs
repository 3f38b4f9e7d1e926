//! Confidence intervals and the Fingertips comparison with a benchmark (SPEC §8a):
//! `proportion_interval`, `rate_interval`, `ratio_interval`, `dsr_interval` and
//! `compare_with_benchmark`.
//!
//! Numbers go in as the rest of the package reads them (`decimal.Decimal`, `int`, decimal text,
//! a float as its shortest repr) and come out as `decimal.Decimal`. Results are plain dicts, so
//! that a list of them is a data frame's rows as it stands. `level` is `"95"` or `"99.8"` (also
//! `"95%"`, `95`, `0.95`, `"99.8%"`, `99.8`, `0.998`, as PHEindicatormethods accepts both
//! scales).

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use ragstatus::Decimal;
use ragstatus::comparison::{Comparison, Preference, compare, compare_levels};
use ragstatus::interval::{self, ConfidenceLevel, Interval, Method, Stratum};

use crate::conv::describe;
use crate::conv::number::extract_decimal;
use crate::errors::{IntoPyResult, invalid};

/// The error of `r`, with `field` set on the exception when it has none yet.
fn named<T>(py: Python<'_>, field: &str, r: PyResult<T>) -> PyResult<T> {
    r.inspect_err(|err| {
        let value = err.value(py);
        if value.getattr("field").map(|f| f.is_none()).unwrap_or(false) {
            // Best effort: the exception is still right without the field.
            let _ = value.setattr("field", field);
        }
    })
}

fn number(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Decimal> {
    named(obj.py(), field, extract_decimal(obj))
}

const LEVELS: &str = "a confidence level of \"95\" or \"99.8\" (or 95, 0.95, 99.8, 0.998)";

fn level(obj: &Bound<'_, PyAny>) -> PyResult<ConfidenceLevel> {
    let py = obj.py();
    let found = describe(obj);
    let value = if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_cow()?;
        let text = text.trim().trim_end_matches('%').trim();
        text.parse::<Decimal>().ok()
    } else {
        extract_decimal(obj).ok()
    };
    let p95 = [Decimal::new(95, 0), Decimal::new(95, 2)];
    let p998 = [Decimal::new(998, 1), Decimal::new(998, 3)];
    match value {
        Some(v) if p95.contains(&v) => Ok(ConfidenceLevel::P95),
        Some(v) if p998.contains(&v) => Ok(ConfidenceLevel::P998),
        _ => named(py, "level", Err(invalid(found, LEVELS))),
    }
}

pub(crate) fn preference(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Preference> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Preference::None);
    };
    let expected = "\"higher\", \"lower\" or \"none\"";
    let Ok(s) = obj.cast::<PyString>() else {
        return named(
            obj.py(),
            "preference",
            Err(invalid(describe(obj), expected)),
        );
    };
    match s.to_cow()?.trim().to_ascii_lowercase().as_str() {
        "higher" => Ok(Preference::Higher),
        "lower" => Ok(Preference::Lower),
        "none" | "" => Ok(Preference::None),
        other => named(
            obj.py(),
            "preference",
            Err(invalid(other.to_string(), expected)),
        ),
    }
}

fn level_text(level: ConfidenceLevel) -> &'static str {
    match level {
        ConfidenceLevel::P95 => "95",
        ConfidenceLevel::P998 => "99.8",
    }
}

fn interval_dict<'py>(py: Python<'py>, ci: &Interval) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("value", ci.value)?;
    d.set_item("lower", ci.lower)?;
    d.set_item("upper", ci.upper)?;
    d.set_item("method", method_name(ci.method))?;
    d.set_item("level", level_text(ci.level))?;
    Ok(d)
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Wilson => "Wilson",
        Method::Byar => "Byar",
        Method::ExactPoisson => "ExactPoisson",
        Method::Dobson => "Dobson",
    }
}

/// An interval given back as the dict the functions here return (`value`, `lower`, `upper`,
/// `method`, `level`); None is no interval.
fn interval_in(obj: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<Option<Interval>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    let py = obj.py();
    let Ok(d) = obj.cast::<PyDict>() else {
        return named(
            py,
            field,
            Err(invalid(
                describe(obj),
                "an interval dict (value, lower, upper, method, level) or None",
            )),
        );
    };
    let get = |key: &str| -> PyResult<Bound<'_, PyAny>> {
        match d.get_item(key)? {
            Some(v) => Ok(v),
            None => named(
                py,
                &format!("{field}.{key}"),
                Err(invalid("nothing", format!("the interval's {key}"))),
            ),
        }
    };
    let method = get("method")?;
    let method = match method
        .cast::<PyString>()
        .ok()
        .map(|s| s.to_string())
        .as_deref()
    {
        Some("Wilson") => Method::Wilson,
        Some("Byar") => Method::Byar,
        Some("ExactPoisson") => Method::ExactPoisson,
        Some("Dobson") => Method::Dobson,
        _ => {
            return named(
                py,
                &format!("{field}.method"),
                Err(invalid(
                    describe(&method),
                    "\"Wilson\", \"Byar\", \"ExactPoisson\" or \"Dobson\"",
                )),
            );
        }
    };
    let ci = Interval {
        value: number(&get("value")?, &format!("{field}.value"))?,
        lower: number(&get("lower")?, &format!("{field}.lower"))?,
        upper: number(&get("upper")?, &format!("{field}.upper"))?,
        method,
        level: named(py, &format!("{field}.level"), level(&get("level")?))?,
    };
    if ci.lower > ci.upper {
        return named(
            py,
            field,
            Err(invalid(
                format!("lower {} above upper {}", ci.lower, ci.upper),
                "lower <= upper",
            )),
        );
    }
    Ok(Some(ci))
}

fn comparison_dict<'py>(py: Python<'py>, c: &Comparison) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("outcome", c.outcome.as_str())?;
    d.set_item("level", c.level.map(level_text))?;
    let reason = match c.reason {
        ragstatus::comparison::Reason::ComparatorBelowInterval => "ComparatorBelowInterval",
        ragstatus::comparison::Reason::ComparatorInsideInterval => "ComparatorInsideInterval",
        ragstatus::comparison::Reason::ComparatorAboveInterval => "ComparatorAboveInterval",
        ragstatus::comparison::Reason::NoInterval => "NoInterval",
    };
    d.set_item("reason", reason)?;
    d.set_item("at_limit", c.at_limit)?;
    d.set_item("preference", c.preference.as_str())?;
    d.set_item("comparator", c.comparator)?;
    match &c.interval {
        Some(ci) => d.set_item("interval", interval_dict(py, ci)?)?,
        None => d.set_item("interval", py.None())?,
    }
    d.set_item("explanation", c.explanation.clone())?;
    Ok(d)
}

/// A proportion with its Wilson score interval, × `multiplier` (1 for a proportion, 100 for a
/// percentage), as PHEindicatormethods' `phe_proportion`.
#[pyfunction]
#[pyo3(signature = (count, denominator, level = None, multiplier = None))]
fn proportion_interval<'py>(
    count: &Bound<'py, PyAny>,
    denominator: &Bound<'py, PyAny>,
    level: Option<&Bound<'py, PyAny>>,
    multiplier: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let py = count.py();
    let (x, n, at, m) = args(
        count,
        denominator,
        level,
        multiplier,
        Decimal::ONE,
        ["count", "denominator"],
    )?;
    interval_dict(py, &interval::proportion(x, n, at, m).py()?)
}

/// A crude rate, count / denominator × `multiplier` (default 100,000), with exact Poisson
/// limits below 10 events and Byar's from 10, as `phe_rate`.
#[pyfunction]
#[pyo3(signature = (count, denominator, level = None, multiplier = None))]
fn rate_interval<'py>(
    count: &Bound<'py, PyAny>,
    denominator: &Bound<'py, PyAny>,
    level: Option<&Bound<'py, PyAny>>,
    multiplier: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let py = count.py();
    let (x, n, at, m) = args(
        count,
        denominator,
        level,
        multiplier,
        Decimal::from(100_000),
        ["count", "denominator"],
    )?;
    interval_dict(py, &interval::rate(x, n, at, m).py()?)
}

/// An indirectly standardised ratio, observed / expected × `multiplier` (1, or 100 for an
/// SMR), as `calculate_ISRatio`.
#[pyfunction]
#[pyo3(signature = (observed, expected, level = None, multiplier = None))]
fn ratio_interval<'py>(
    observed: &Bound<'py, PyAny>,
    expected: &Bound<'py, PyAny>,
    level: Option<&Bound<'py, PyAny>>,
    multiplier: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let py = observed.py();
    let (x, n, at, m) = args(
        observed,
        expected,
        level,
        multiplier,
        Decimal::ONE,
        ["observed", "expected"],
    )?;
    interval_dict(py, &interval::ratio(x, n, at, m).py()?)
}

/// A directly standardised rate with Dobson's interval, as `phe_dsr`: one count, population
/// and standard population weight per category (age band), in three sequences of one length.
#[pyfunction]
#[pyo3(signature = (counts, populations, standard, level = None, multiplier = None))]
fn dsr_interval<'py>(
    counts: &Bound<'py, PyAny>,
    populations: &Bound<'py, PyAny>,
    standard: &Bound<'py, PyAny>,
    level: Option<&Bound<'py, PyAny>>,
    multiplier: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let py = counts.py();
    let column = |obj: &Bound<'py, PyAny>, field: &str| -> PyResult<Vec<Decimal>> {
        if obj.is_instance_of::<PyString>() {
            return named(
                py,
                field,
                Err(invalid(describe(obj), "a sequence of numbers")),
            );
        }
        let Ok(iter) = obj.try_iter() else {
            return named(
                py,
                field,
                Err(invalid(describe(obj), "a sequence of numbers")),
            );
        };
        iter.enumerate()
            .map(|(i, item)| number(&item?, &format!("{field}[{i}]")))
            .collect()
    };
    let xs = column(counts, "counts")?;
    let ns = column(populations, "populations")?;
    let ws = column(standard, "standard")?;
    for (name, len) in [("populations", ns.len()), ("standard", ws.len())] {
        if len != xs.len() {
            return Err(ragstatus::Error::new(ragstatus::ErrorKind::Length {
                column: name.to_string(),
                found: len,
                expected: xs.len(),
            }))
            .py();
        }
    }
    let strata: Vec<Stratum> = xs
        .into_iter()
        .zip(ns)
        .zip(ws)
        .map(|((count, population), standard)| Stratum {
            count,
            population,
            standard,
        })
        .collect();
    let at = level.map_or(Ok(ConfidenceLevel::P95), self::level)?;
    let m = multiplier.map_or(Ok(Decimal::from(100_000)), |m| number(m, "multiplier"))?;
    interval_dict(py, &interval::dsr(&strata, at, m).py()?)
}

/// Compares an area's interval with a comparator value, as Fingertips does: Similar when the
/// comparator lies within the interval (limits included), else Better / Worse by `preference`
/// (`"higher"` or `"lower"` is better), or Higher / Lower with `"none"`. `interval` None gives
/// "Not compared". With `interval_998` (the 99.8% interval; `interval` is then the 95% one),
/// the result names the highest level at which the difference holds. `name` names the
/// comparator in the explanation ("England").
#[pyfunction]
#[pyo3(signature = (interval, comparator, preference = None, *, interval_998 = None, name = None))]
fn compare_with_benchmark<'py>(
    interval: Option<&Bound<'py, PyAny>>,
    comparator: &Bound<'py, PyAny>,
    preference: Option<&Bound<'py, PyAny>>,
    interval_998: Option<&Bound<'py, PyAny>>,
    name: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let py = comparator.py();
    let comparator = number(comparator, "comparator")?;
    let preference = self::preference(preference)?;
    let ci = interval_in(interval, "interval")?;
    let wide = interval_in(interval_998, "interval_998")?;
    let name = match name.filter(|n| !n.is_none()) {
        None => "the benchmark".to_string(),
        Some(n) => match n.cast::<PyString>() {
            Ok(s) => s.to_string(),
            Err(_) => return named(py, "name", Err(invalid(describe(n), "text"))),
        },
    };
    let result = if interval_998.is_some_and(|o| !o.is_none()) {
        compare_levels(ci.as_ref(), wide.as_ref(), comparator, preference).py()?
    } else {
        compare(ci.as_ref(), comparator, preference)
    };
    comparison_dict(py, &result.explained(&name))
}

type Args = (Decimal, Decimal, ConfidenceLevel, Decimal);

fn args(
    count: &Bound<'_, PyAny>,
    denominator: &Bound<'_, PyAny>,
    level: Option<&Bound<'_, PyAny>>,
    multiplier: Option<&Bound<'_, PyAny>>,
    default_multiplier: Decimal,
    names: [&str; 2],
) -> PyResult<Args> {
    let [count_name, denominator_name] = names;
    Ok((
        number(count, count_name)?,
        number(denominator, denominator_name)?,
        level.map_or(Ok(ConfidenceLevel::P95), self::level)?,
        multiplier.map_or(Ok(default_multiplier), |m| number(m, "multiplier"))?,
    ))
}

/// Adds the functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(proportion_interval, m)?)?;
    m.add_function(wrap_pyfunction!(rate_interval, m)?)?;
    m.add_function(wrap_pyfunction!(ratio_interval, m)?)?;
    m.add_function(wrap_pyfunction!(dsr_interval, m)?)?;
    m.add_function(wrap_pyfunction!(compare_with_benchmark, m)?)?;
    Ok(())
}
