//! Funnel plots (SPEC §8b) and bulk confidence intervals (SPEC §8a) for Python:
//! `analyse_funnel`, `funnel_limits`, and the private frame functions behind
//! `ragstatus.funnel.funnel_frame` and `interval_frame`.
//!
//! Numbers go in as the rest of the package reads them and come out as `decimal.Decimal`;
//! results are plain dicts. The frame functions take any Arrow tabular object and return a
//! `pyarrow.RecordBatch`, computed without the GIL.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString};
use ragstatus::Decimal;
use ragstatus::bulk::funnel::{UnitFrameOptions, funnel_batch, intervals_batch};
use ragstatus::funnel::{
    self, FunnelPoint, FunnelSettings, FunnelUnit, Limits, Overdispersion, Statistic,
};

use crate::bulk::run;
use crate::conv::describe;
use crate::errors::{IntoPyResult, invalid};
use crate::interval::{level_text, named, number};

fn statistic(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Statistic> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Statistic::Proportion);
    };
    let expected = "\"proportion\", \"rate\" or \"ratio\"";
    let text = match obj.cast::<PyString>() {
        Ok(s) => s.to_cow()?.trim().to_ascii_lowercase(),
        Err(_) => return named(obj.py(), "statistic", Err(invalid(describe(obj), expected))),
    };
    match text.as_str() {
        "proportion" => Ok(Statistic::Proportion),
        "rate" => Ok(Statistic::Rate),
        "ratio" => Ok(Statistic::Ratio),
        other => named(
            obj.py(),
            "statistic",
            Err(invalid(other.to_string(), expected)),
        ),
    }
}

/// `overdispersion`: True or False (None: False).
fn flag(obj: Option<&Bound<'_, PyAny>>) -> PyResult<bool> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(false);
    };
    match obj.cast::<PyBool>() {
        Ok(b) => Ok(b.is_true()),
        Err(_) => named(
            obj.py(),
            "overdispersion",
            Err(invalid(describe(obj), "True or False")),
        ),
    }
}

fn optional_number(obj: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<Option<Decimal>> {
    obj.filter(|o| !o.is_none())
        .map(|o| number(o, field))
        .transpose()
}

#[allow(clippy::too_many_arguments)]
fn settings(
    statistic: Statistic,
    multiplier: Option<&Bound<'_, PyAny>>,
    centre: Option<&Bound<'_, PyAny>>,
    preference: Option<&Bound<'_, PyAny>>,
    overdispersion: Option<&Bound<'_, PyAny>>,
    winsor: Option<&Bound<'_, PyAny>>,
) -> PyResult<FunnelSettings> {
    let overdispersion = flag(overdispersion)?;
    let winsor = optional_number(winsor, "winsor")?;
    if winsor.is_some() && !overdispersion {
        return Err(invalid(
            "a winsor fraction without overdispersion=True",
            "winsor only with overdispersion=True",
        ));
    }
    Ok(FunnelSettings {
        statistic,
        multiplier: optional_number(multiplier, "multiplier")?
            .unwrap_or_else(|| statistic.default_multiplier()),
        centre: optional_number(centre, "centre")?,
        preference: crate::interval::preference(preference)?,
        overdispersion: overdispersion.then(|| Overdispersion {
            winsor: winsor.unwrap_or(Overdispersion::default().winsor),
        }),
    })
}

/// A sequence of numbers, each named `field[i]` in an error.
fn numbers(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Vec<Decimal>> {
    let py = obj.py();
    let not_a_sequence = || {
        named(
            py,
            field,
            Err(invalid(describe(obj), "a sequence of numbers")),
        )
    };
    if obj.is_instance_of::<PyString>() {
        return not_a_sequence();
    }
    let Ok(iter) = obj.try_iter() else {
        return not_a_sequence();
    };
    iter.enumerate()
        .map(|(i, item)| number(&item?, &format!("{field}[{i}]")))
        .collect()
}

fn limits_dict<'py>(py: Python<'py>, l: &Limits) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("denominator", l.denominator)?;
    d.set_item("lower_95", l.lower_95)?;
    d.set_item("upper_95", l.upper_95)?;
    d.set_item("lower_998", l.lower_998)?;
    d.set_item("upper_998", l.upper_998)?;
    Ok(d)
}

fn point_dict<'py>(
    py: Python<'py>,
    unit: &FunnelUnit,
    p: &FunnelPoint,
) -> PyResult<Bound<'py, PyDict>> {
    let d = limits_dict(py, &p.limits)?;
    d.set_item("numerator", unit.numerator)?;
    d.set_item("value", p.value)?;
    d.set_item("position", p.position.as_str())?;
    d.set_item("level", p.level.map(level_text))?;
    d.set_item("outcome", p.outcome.as_str())?;
    Ok(d)
}

/// The funnel of units given as two sequences (numerators: events, or observed events for a
/// ratio; denominators: population, or expected events), as PHEindicatormethods'
/// `calculate_funnel_limits` and `assign_funnel_significance` (SPEC §8b). Returns a dict:
/// `statistic`, `multiplier`, `centre`, `dispersion` (`phi`, `tau2`, `adjusted`, or None),
/// `points` (per unit: `numerator`, `denominator`, `value`, the four limits at its
/// denominator, `position`, `level`, `outcome`) and `limits` (at each of `limits_at`).
#[pyfunction]
#[pyo3(signature = (numerators, denominators, statistic = None, *, multiplier = None, centre = None, preference = None, overdispersion = None, winsor = None, limits_at = None))]
#[allow(clippy::too_many_arguments)]
fn analyse_funnel<'py>(
    numerators: &Bound<'py, PyAny>,
    denominators: &Bound<'py, PyAny>,
    statistic: Option<&Bound<'py, PyAny>>,
    multiplier: Option<&Bound<'py, PyAny>>,
    centre: Option<&Bound<'py, PyAny>>,
    preference: Option<&Bound<'py, PyAny>>,
    overdispersion: Option<&Bound<'py, PyAny>>,
    winsor: Option<&Bound<'py, PyAny>>,
    limits_at: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let py = numerators.py();
    let statistic = self::statistic(statistic)?;
    let settings = settings(
        statistic,
        multiplier,
        centre,
        preference,
        overdispersion,
        winsor,
    )?;
    let xs = numbers(numerators, "numerators")?;
    let ns = numbers(denominators, "denominators")?;
    if ns.len() != xs.len() {
        return Err(ragstatus::Error::new(ragstatus::ErrorKind::Length {
            column: "denominators".to_string(),
            found: ns.len(),
            expected: xs.len(),
        }))
        .py();
    }
    let at = limits_at
        .filter(|o| !o.is_none())
        .map(|o| numbers(o, "limits_at"))
        .transpose()?
        .unwrap_or_default();
    let units: Vec<FunnelUnit> = xs
        .into_iter()
        .zip(ns)
        .map(|(x, n)| FunnelUnit::new(x, n))
        .collect();
    let f = py.detach(|| funnel::funnel(&units, &settings)).py()?;
    let d = PyDict::new(py);
    d.set_item("statistic", f.statistic.as_str())?;
    d.set_item("multiplier", f.multiplier)?;
    d.set_item("centre", f.centre)?;
    match &f.dispersion {
        Some(disp) => {
            let dd = PyDict::new(py);
            dd.set_item("phi", disp.phi)?;
            dd.set_item("tau2", disp.tau2)?;
            dd.set_item("adjusted", disp.adjusted)?;
            d.set_item("dispersion", dd)?;
        }
        None => d.set_item("dispersion", py.None())?,
    }
    let points = PyList::empty(py);
    for (u, p) in units.iter().zip(&f.points) {
        points.append(point_dict(py, u, p)?)?;
    }
    d.set_item("points", points)?;
    let limits = PyList::empty(py);
    for (i, n) in at.into_iter().enumerate() {
        let l = f
            .limits_at(n)
            .map_err(|e| e.with_field(format!("limits_at[{i}]")))
            .py()?;
        limits.append(limits_dict(py, &l)?)?;
    }
    d.set_item("limits", limits)?;
    Ok(d)
}

/// The funnel's limits at each of `denominators` around a known `centre` (× `multiplier`):
/// the lines to draw. `tau2` (from an overdispersion estimate) widens them as Spiegelhalter's
/// additive random effects do. Returns one dict per denominator: `denominator`, `lower_95`,
/// `upper_95`, `lower_998`, `upper_998`.
#[pyfunction]
#[pyo3(signature = (denominators, centre, statistic = None, *, multiplier = None, tau2 = None))]
fn funnel_limits<'py>(
    denominators: &Bound<'py, PyAny>,
    centre: &Bound<'py, PyAny>,
    statistic: Option<&Bound<'py, PyAny>>,
    multiplier: Option<&Bound<'py, PyAny>>,
    tau2: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let py = centre.py();
    let statistic = self::statistic(statistic)?;
    let centre = number(centre, "centre")?;
    let multiplier = optional_number(multiplier, "multiplier")?
        .unwrap_or_else(|| statistic.default_multiplier());
    let tau2 = optional_number(tau2, "tau2")?;
    let ns = numbers(denominators, "denominators")?;
    let out = PyList::empty(py);
    for (i, n) in ns.into_iter().enumerate() {
        let l = funnel::funnel_limits(n, centre, statistic, multiplier, tau2)
            .map_err(|e| match e.location().field.as_deref() {
                // The sequence's element is the field: not "denominators[i].denominator".
                Some("denominator") => ragstatus::Error::invalid_value(
                    n.to_string(),
                    "a denominator greater than zero",
                )
                .with_field(format!("denominators[{i}]")),
                _ => e,
            })
            .py()?;
        out.append(limits_dict(py, &l)?)?;
    }
    Ok(out)
}

/// The funnel of an Arrow frame of units (`ragstatus.funnel.funnel_frame`), as a
/// `pyarrow.RecordBatch`.
#[pyfunction]
#[pyo3(signature = (data, statistic, *, numerator, denominator, multiplier = None, centre = None, preference = None, overdispersion = None, winsor = None))]
#[allow(clippy::too_many_arguments)]
fn _funnel_frame<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    statistic: Option<&Bound<'py, PyAny>>,
    numerator: String,
    denominator: String,
    multiplier: Option<&Bound<'py, PyAny>>,
    centre: Option<&Bound<'py, PyAny>>,
    preference: Option<&Bound<'py, PyAny>>,
    overdispersion: Option<&Bound<'py, PyAny>>,
    winsor: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let statistic = self::statistic(statistic)?;
    let options = UnitFrameOptions {
        numerator,
        denominator,
        settings: settings(
            statistic,
            multiplier,
            centre,
            preference,
            overdispersion,
            winsor,
        )?,
        threads: 0,
    };
    run(py, data, |batch| funnel_batch(batch, &options))
}

/// The §8a intervals at 95% and 99.8% of every row of an Arrow frame
/// (`ragstatus.funnel.interval_frame`), as a `pyarrow.RecordBatch`.
#[pyfunction]
#[pyo3(signature = (data, statistic, *, numerator, denominator, multiplier = None))]
fn _interval_frame<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    statistic: Option<&Bound<'py, PyAny>>,
    numerator: String,
    denominator: String,
    multiplier: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let statistic = self::statistic(statistic)?;
    let mut options = UnitFrameOptions::new(statistic);
    options.numerator = numerator;
    options.denominator = denominator;
    if let Some(m) = optional_number(multiplier, "multiplier")? {
        options.settings.multiplier = m;
    }
    run(py, data, |batch| intervals_batch(batch, &options))
}

/// Adds the public functions to the module and the frame functions as private attributes.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(analyse_funnel, m)?)?;
    m.add_function(wrap_pyfunction!(funnel_limits, m)?)?;
    m.setattr("_funnel_frame", wrap_pyfunction!(_funnel_frame, m)?)?;
    m.setattr("_interval_frame", wrap_pyfunction!(_interval_frame, m)?)?;
    Ok(())
}
