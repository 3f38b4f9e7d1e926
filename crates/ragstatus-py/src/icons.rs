//! The icon summary (SPEC §12): each series' variation and assurance icons as names, words,
//! sentences and inline SVG. `ragstatus.icons` builds its frames on these.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use ragstatus::icons::{AssuranceIcon, IconSummaryRow, VariationIcon};
use ragstatus::spc::{Assurance, ChartType, Improvement, PointType};

use crate::conv::describe;
use crate::errors::PyErrWrapper;
use crate::spc::PySpcResult;

/// An `InvalidValueError` naming the argument and the value it was given.
fn bad(field: &str, found: &str, expected: impl Into<String>) -> PyErr {
    PyErrWrapper(ragstatus::Error::invalid_value(found, expected).with_field(field)).into()
}

fn quoted(names: impl Iterator<Item = &'static str>) -> String {
    names
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn variation_named(name: &str, field: &str) -> PyResult<VariationIcon> {
    VariationIcon::from_name(name).ok_or_else(|| {
        bad(
            field,
            name,
            format!(
                "a variation icon: one of {}",
                quoted(ragstatus::icons::VARIATION_ICONS.iter().map(|i| i.as_str()))
            ),
        )
    })
}

fn assurance_named(name: &str, field: &str) -> PyResult<AssuranceIcon> {
    AssuranceIcon::from_name(name).ok_or_else(|| {
        bad(
            field,
            name,
            format!(
                "an assurance icon: one of {}",
                quoted(ragstatus::icons::ASSURANCE_ICONS.iter().map(|i| i.as_str()))
            ),
        )
    })
}

/// Text, or an `InvalidValueError` naming the argument.
fn text(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<String> {
    match obj.cast::<PyString>() {
        Ok(s) => Ok(s.to_cow()?.to_string()),
        Err(_) => Err(bad(
            field,
            &describe(obj),
            "text naming an icon or its kind",
        )),
    }
}

/// Reads a serde name (`"increase"`, `"higher"`, `"consistent_pass"`, ...) of a core enum.
fn from_name<T: serde::de::DeserializeOwned>(
    name: &str,
    field: &str,
    expected: &str,
) -> PyResult<T> {
    serde_json::from_value(serde_json::Value::String(name.to_string()))
        .map_err(|_| bad(field, name, expected))
}

fn icon_dict<'py>(
    py: Python<'py>,
    variation: VariationIcon,
    assurance: AssuranceIcon,
    trial_points: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("variation", variation.as_str())?;
    d.set_item("assurance", assurance.as_str())?;
    d.set_item("variation_label", variation.label())?;
    d.set_item("assurance_label", assurance.label())?;
    d.set_item(
        "summary",
        IconSummaryRow::summary_of(variation, assurance, trial_points),
    )?;
    Ok(d)
}

/// The icon summary row of an analysis, as a dict: `id`, `name`, `period` (the last point's
/// label), `value`, `target`, `points`, `trial_limits`, `variation`, `assurance`,
/// `variation_label`, `assurance_label` and `summary`.
#[pyfunction]
#[pyo3(name = "_icon_row", signature = (result, id, name))]
fn icon_row<'py>(
    py: Python<'py>,
    result: &PySpcResult,
    id: &str,
    name: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let row = IconSummaryRow::of(id, name, &result.0);
    let d = PyDict::new(py);
    d.set_item("id", &row.id)?;
    d.set_item("name", &row.name)?;
    d.set_item("period", &row.period)?;
    d.set_item("value", row.value)?;
    d.set_item("target", row.target)?;
    d.set_item("points", row.points)?;
    d.set_item("trial_limits", row.trial_limits)?;
    d.set_item("variation", row.variation.as_str())?;
    d.set_item("assurance", row.assurance.as_str())?;
    d.set_item("variation_label", row.variation.label())?;
    d.set_item("assurance_label", row.assurance.label())?;
    d.set_item("summary", &row.summary)?;
    Ok(d)
}

/// The icons of a series from the columns of its last point in `spc_frame`: its `point_type`
/// (`variation`) and `assurance`, the improvement direction, whether a target was given,
/// whether the last segment has limits and, when its limits are trial limits, its number of
/// points; `chart` is the chart type (default `"xmr"`) and `segment_points` the number of
/// points of the last segment (a run chart's icon needs 2). A dict with `variation`,
/// `assurance`, `variation_label`, `assurance_label` and `summary`.
#[pyfunction]
#[pyo3(
    name = "_icons_of",
    signature = (
        variation, assurance, improvement, has_target, has_limits, trial_points = None,
        chart = None, segment_points = None
    )
)]
#[allow(clippy::too_many_arguments)]
fn icons_of<'py>(
    py: Python<'py>,
    variation: Option<&str>,
    assurance: Option<&str>,
    improvement: &str,
    has_target: bool,
    has_limits: bool,
    trial_points: Option<usize>,
    chart: Option<&str>,
    segment_points: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let chart: ChartType = chart
        .map(|c| from_name(c, "chart", "a chart type such as \"xmr\" or \"run\""))
        .transpose()?
        .unwrap_or_default();
    let point_type: Option<PointType> = variation
        .map(|v| from_name(v, "variation", "a point type such as \"common_cause\""))
        .transpose()?;
    let assurance: Option<Assurance> = assurance
        .map(|a| {
            from_name(
                a,
                "assurance",
                "\"consistent_pass\", \"consistent_fail\" or \"inconsistent\"",
            )
        })
        .transpose()?;
    let improvement: Improvement = from_name(
        improvement,
        "improvement",
        "\"increase\", \"decrease\" or \"neutral\" (or \"higher\", \"lower\", \"within\")",
    )?;
    icon_dict(
        py,
        VariationIcon::of_chart(
            point_type,
            improvement,
            has_limits,
            chart,
            segment_points.unwrap_or_default(),
        ),
        AssuranceIcon::of_chart(assurance, improvement, has_target, has_limits, chart),
        trial_points,
    )
}

/// The inline SVG of an icon (32 × 32 pixels, with a `<title>`): `kind` is `"variation"` or
/// `"assurance"`, `name` the icon's name (`"improvement_high"`, `"consistent_pass"`, ...).
#[pyfunction]
fn icon_svg(kind: &Bound<'_, PyAny>, name: &Bound<'_, PyAny>) -> PyResult<String> {
    let (kind, name) = (text(kind, "kind")?, text(name, "name")?);
    match kind.as_str() {
        "variation" => Ok(variation_named(&name, "name")?.svg()),
        "assurance" => Ok(assurance_named(&name, "name")?.svg()),
        other => Err(bad("kind", other, "\"variation\" or \"assurance\"")),
    }
}

/// An icon's short label and its sentence for a councillor: `kind` is `"variation"` or
/// `"assurance"`, `name` the icon's name.
#[pyfunction]
fn icon_text(
    kind: &Bound<'_, PyAny>,
    name: &Bound<'_, PyAny>,
) -> PyResult<(&'static str, &'static str)> {
    let (kind, name) = (text(kind, "kind")?, text(name, "name")?);
    match kind.as_str() {
        "variation" => {
            let icon = variation_named(&name, "name")?;
            Ok((icon.label(), icon.sentence()))
        }
        "assurance" => {
            let icon = assurance_named(&name, "name")?;
            Ok((icon.label(), icon.sentence()))
        }
        other => Err(bad("kind", other, "\"variation\" or \"assurance\"")),
    }
}

/// Adds the functions to the module; the private ones by `setattr`, which keeps them out of the
/// module's `__all__` (`ragstatus.icons` wraps them).
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.setattr("_icon_row", wrap_pyfunction!(icon_row, m)?)?;
    m.setattr("_icons_of", wrap_pyfunction!(icons_of, m)?)?;
    m.add_function(wrap_pyfunction!(icon_svg, m)?)?;
    m.add_function(wrap_pyfunction!(icon_text, m)?)?;
    Ok(())
}
