//! The XmR chart of an indicator with SPC enabled, as inline SVG for the HTML report.
//!
//! The chart follows the NHS "Making Data Count" layout — the values as a line with a marker per
//! point, the mean (solid), the process limits (dashed), the 2σ lines (light, dotted) and the
//! target (dash-dot) — with every segment's lines drawn over its own points, so a rebase shows
//! as a step. It must read without colour and when printed in grey, so:
//!
//! - special-cause points differ by **shape** as well as colour: a square for improvement, a
//!   diamond for concern, triangles up / down for a neutral indicator's high / low, a small
//!   circle for common cause;
//! - the lines differ by dash pattern, and each is named at its right-hand end with its value;
//! - the two icons are written out ("Variation: special cause improvement", "Assurance:
//!   inconsistent (hit and miss)") and a legend names every marker and line;
//! - every point has a tooltip with its period, value and label, and the chart a text
//!   alternative.
//!
//! Coordinates are computed in floating point: they only place marks on the page and never
//! decide anything. All text is escaped; the SVG refers to nothing outside itself.

use std::fmt::Write as _;

use ragstatus::{Decimal, Improvement, PointType};
use rust_decimal::prelude::ToPrimitive;

use crate::render::escape::html as escape;
use crate::render::view::SpcView;

const W: f64 = 760.0;
const H: f64 = 330.0;
const LEFT: f64 = 40.0;
const RIGHT: f64 = W - 150.0;
const TOP: f64 = 48.0;
const BOTTOM: f64 = H - 88.0;

const INK: &str = "#1d1d1f";
const GREY: &str = "#5f6368";
const LIGHT: &str = "#9aa0a6";
const TARGET: &str = "#00695c";

/// Fill colour of a point's marker.
fn colour(point_type: PointType) -> &'static str {
    match point_type {
        PointType::CommonCause => GREY,
        PointType::SpecialCauseImprovement => "#1f4fa3",
        PointType::SpecialCauseConcern => "#e37000",
        PointType::SpecialCauseNeutralHigh | PointType::SpecialCauseNeutralLow => "#6a1b9a",
    }
}

/// The marker of a point: a shape per label, so that the label reads without colour.
fn marker(point_type: PointType, x: f64, y: f64) -> String {
    let fill = colour(point_type);
    match point_type {
        PointType::CommonCause => format!(
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.2\" fill=\"{fill}\" stroke=\"#fff\" stroke-width=\"0.8\"/>"
        ),
        PointType::SpecialCauseImprovement => format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\" fill=\"{fill}\" stroke=\"{INK}\" stroke-width=\"1\"/>",
            x - 5.0,
            y - 5.0
        ),
        PointType::SpecialCauseConcern => format!(
            "<polygon points=\"{x:.1},{:.1} {:.1},{y:.1} {x:.1},{:.1} {:.1},{y:.1}\" fill=\"{fill}\" stroke=\"{INK}\" stroke-width=\"1\"/>",
            y - 7.0,
            x + 7.0,
            y + 7.0,
            x - 7.0
        ),
        PointType::SpecialCauseNeutralHigh => format!(
            "<polygon points=\"{x:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"{fill}\" stroke=\"{INK}\" stroke-width=\"1\"/>",
            y - 7.0,
            x + 6.5,
            y + 5.0,
            x - 6.5,
            y + 5.0
        ),
        PointType::SpecialCauseNeutralLow => format!(
            "<polygon points=\"{x:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"{fill}\" stroke=\"{INK}\" stroke-width=\"1\"/>",
            y + 7.0,
            x + 6.5,
            y - 5.0,
            x - 6.5,
            y - 5.0
        ),
    }
}

pub(super) fn f(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

/// The names at the right-hand end of a chart's lines (limits, target, centre), each at its
/// line's height, pushed down where two would overlap. Shared by the XmR and funnel charts,
/// whose plot areas end at the same `RIGHT`.
pub(super) fn end_labels(svg: &mut String, mut names: Vec<(f64, String, &str)>) {
    names.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut previous = f64::NEG_INFINITY;
    for (ty, _, _) in names.iter_mut() {
        *ty = ty.max(previous + 12.0);
        previous = *ty;
    }
    for (ty, text, fill) in names {
        let _ = write!(
            svg,
            "<text x=\"{tx:.1}\" y=\"{yy:.1}\" fill=\"{fill}\">{t}</text>",
            tx = RIGHT + 6.0,
            yy = ty + 4.0,
            t = escape(&text)
        );
    }
}

/// A horizontal line between two x positions.
fn hline(x1: f64, x2: f64, y: f64, stroke: &str, width: f64, dash: Option<&str>) -> String {
    let dash = dash
        .map(|d| format!(" stroke-dasharray=\"{d}\""))
        .unwrap_or_default();
    format!(
        "<line x1=\"{x1:.1}\" y1=\"{y:.1}\" x2=\"{x2:.1}\" y2=\"{y:.1}\" stroke=\"{stroke}\" stroke-width=\"{width}\"{dash}/>"
    )
}

/// The inline SVG XmR chart of one indicator; empty when there are no points.
pub fn xmr_chart(id: &str, name: &str, view: &SpcView) -> String {
    let result = &view.result;
    let points = &result.points;
    if points.is_empty() {
        return String::new();
    }
    let last_segment = result.segments.last();
    let last_limits = last_segment.map(|s| &s.limits);

    // The vertical range: every value, limit and the target, with a margin.
    let mut all: Vec<f64> = points.iter().map(|p| f(p.value)).collect();
    for p in points {
        all.extend(
            [p.lower_process_limit, p.upper_process_limit]
                .into_iter()
                .flatten()
                .map(f),
        );
    }
    if let Some(t) = result.target {
        all.push(f(t));
    }
    let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if hi > lo {
        let pad = (hi - lo) * 0.06;
        (lo - pad, hi + pad)
    } else {
        (lo - 1.0, hi + 1.0)
    };
    let y = |v: f64| BOTTOM - (v - lo) / (hi - lo) * (BOTTOM - TOP);
    let n = points.len();
    let step = if n > 1 {
        (RIGHT - LEFT - 16.0) / (n - 1) as f64
    } else {
        0.0
    };
    let x = |i: usize| {
        if n > 1 {
            LEFT + 8.0 + i as f64 * step
        } else {
            (LEFT + RIGHT) / 2.0
        }
    };

    let label = |i: usize| {
        points
            .get(i)
            .and_then(|p| p.label.clone())
            .unwrap_or_else(|| format!("point {}", i + 1))
    };
    let mut alt = format!(
        "XmR chart of {id} {name}, {} to {}: variation {}; assurance {}.",
        label(0),
        label(n - 1),
        view.variation_label,
        view.assurance_label
    );
    if let Some(l) = last_limits {
        let _ = write!(alt, " Mean {}", view.show(l.mean));
        if let (Some(lower), Some(upper)) = (l.lower_process_limit, l.upper_process_limit) {
            let _ = write!(
                alt,
                ", process limits {} to {}",
                view.show(lower),
                view.show(upper)
            );
        }
        alt.push('.');
    }

    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"xmr\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{a}\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\"><title>{a}</title>",
        a = escape(&alt)
    );
    // The two icons, in words.
    for (i, text) in [
        format!("Variation: {}", view.variation_label),
        format!("Assurance: {}", view.assurance_label),
    ]
    .iter()
    .enumerate()
    {
        let bx = 4.0 + i as f64 * 372.0;
        let _ = write!(
            svg,
            "<rect x=\"{bx}\" y=\"4\" width=\"364\" height=\"24\" rx=\"4\" fill=\"#fff\" stroke=\"{INK}\" stroke-width=\"1\"/><text x=\"{tx}\" y=\"20.5\" fill=\"{INK}\" font-weight=\"600\">{t}</text>",
            tx = bx + 8.0,
            t = escape(text)
        );
    }
    // Plot frame.
    let _ = write!(
        svg,
        "<rect x=\"{LEFT}\" y=\"{t:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"none\" stroke=\"#c8c8c8\"/>",
        t = TOP - 8.0,
        w = RIGHT - LEFT,
        h = BOTTOM - TOP + 16.0
    );

    // Each segment's lines over its own points.
    for (s, segment) in result.segments.iter().enumerate() {
        let x1 = x(segment.start) - if n > 1 { step / 2.0 } else { 8.0 };
        let x2 = x(segment.end) + if n > 1 { step / 2.0 } else { 8.0 };
        let (x1, x2) = (x1.max(LEFT), x2.min(RIGHT));
        let l = &segment.limits;
        for v in [l.lower_two_sigma, l.upper_two_sigma].into_iter().flatten() {
            svg.push_str(&hline(x1, x2, y(f(v)), LIGHT, 1.0, Some("2 3")));
        }
        for v in [l.lower_process_limit, l.upper_process_limit]
            .into_iter()
            .flatten()
        {
            svg.push_str(&hline(x1, x2, y(f(v)), GREY, 1.3, Some("7 4")));
        }
        svg.push_str(&hline(x1, x2, y(f(l.mean)), INK, 1.5, None));
        if s > 0 {
            let _ = write!(
                svg,
                "<line x1=\"{x1:.1}\" y1=\"{t:.1}\" x2=\"{x1:.1}\" y2=\"{b:.1}\" stroke=\"{INK}\" stroke-width=\"1\" stroke-dasharray=\"1 3\"/><text x=\"{tx:.1}\" y=\"{ty:.1}\" fill=\"{INK}\" font-size=\"10\">limits recalculated</text>",
                t = TOP - 8.0,
                b = BOTTOM + 8.0,
                tx = x1 + 3.0,
                ty = TOP + 2.0
            );
        }
    }
    if let Some(t) = result.target {
        svg.push_str(&hline(LEFT, RIGHT, y(f(t)), TARGET, 1.5, Some("10 3 2 3")));
    }

    // The values, then the markers on top.
    let line: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(f(p.value))))
        .collect();
    let _ = write!(
        svg,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"{GREY}\" stroke-width=\"1.5\"/>",
        line.join(" ")
    );
    for (i, p) in points.iter().enumerate() {
        let tip = format!(
            "{}: {} – {}",
            label(i),
            view.show(p.value),
            if p.point_type.is_special_cause() {
                p.explanation.clone()
            } else {
                p.point_type.describe().to_string()
            }
        );
        let _ = write!(
            svg,
            "<g><title>{}</title>{}</g>",
            escape(&tip),
            marker(p.point_type, x(i), y(f(p.value)))
        );
    }

    // Period labels under the plot, centred on their points and about 80px apart (a label is
    // some 70px wide), always the last one; a label too close to the last gives way to it.
    let every = if n > 1 {
        ((80.0 / step).ceil() as usize).max(1)
    } else {
        1
    };
    for i in (0..n).filter(|&i| i == n - 1 || (i % every == 0 && n - 1 - i >= every)) {
        let _ = write!(
            svg,
            "<line x1=\"{xi:.1}\" y1=\"{b:.1}\" x2=\"{xi:.1}\" y2=\"{b2:.1}\" stroke=\"{GREY}\"/><text x=\"{xi:.1}\" y=\"{ty:.1}\" text-anchor=\"middle\" fill=\"{INK}\">{t}</text>",
            xi = x(i),
            b = BOTTOM + 8.0,
            b2 = BOTTOM + 12.0,
            ty = BOTTOM + 24.0,
            t = escape(&label(i))
        );
    }

    // Names and values of the last segment's lines at the right, kept 12px apart.
    if let Some(l) = last_limits {
        let mut names: Vec<(f64, String, &str)> =
            vec![(y(f(l.mean)), format!("Mean {}", view.show(l.mean)), INK)];
        if let Some(u) = l.upper_process_limit {
            names.push((y(f(u)), format!("Upper limit {}", view.show(u)), GREY));
        }
        if let Some(lower) = l.lower_process_limit {
            names.push((
                y(f(lower)),
                format!("Lower limit {}", view.show(lower)),
                GREY,
            ));
        }
        if let Some(t) = result.target {
            names.push((y(f(t)), format!("Target {}", view.show(t)), TARGET));
        }
        end_labels(&mut svg, names);
    }

    // The legend: markers, then lines.
    let mut kinds = vec![PointType::CommonCause];
    match result.improvement {
        Improvement::Neutral => kinds.extend([
            PointType::SpecialCauseNeutralHigh,
            PointType::SpecialCauseNeutralLow,
        ]),
        _ => kinds.extend([
            PointType::SpecialCauseImprovement,
            PointType::SpecialCauseConcern,
        ]),
    }
    let ly = H - 38.0;
    let mut lx = LEFT - 16.0;
    for kind in kinds {
        svg.push_str(&marker(kind, lx + 6.0, ly - 4.0));
        let text = match kind {
            PointType::CommonCause => "common cause",
            PointType::SpecialCauseImprovement => "special cause improvement",
            PointType::SpecialCauseConcern => "special cause concern",
            PointType::SpecialCauseNeutralHigh => "special cause (high)",
            PointType::SpecialCauseNeutralLow => "special cause (low)",
        };
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{ly:.1}\" fill=\"{INK}\">{text}</text>",
            lx + 16.0
        );
        lx += 40.0 + text.len() as f64 * 6.5;
    }
    let ly = H - 16.0;
    let mut lx = LEFT - 16.0;
    let mut lines = vec![
        ("mean", INK, 1.5, None),
        ("process limits", GREY, 1.3, Some("7 4")),
        ("2σ lines", LIGHT, 1.0, Some("2 3")),
    ];
    if result.target.is_some() {
        lines.push(("target", TARGET, 1.5, Some("10 3 2 3")));
    }
    for (text, stroke, width, dash) in lines {
        svg.push_str(&hline(lx, lx + 28.0, ly - 4.0, stroke, width, dash));
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{ly:.1}\" fill=\"{INK}\">{text}</text>",
            lx + 34.0
        );
        lx += 50.0 + text.chars().count() as f64 * 6.5;
    }
    if view.trial_limits {
        let _ = write!(
            svg,
            "<text x=\"{lx:.1}\" y=\"{ly:.1}\" fill=\"{INK}\" font-style=\"italic\">trial limits: fewer than 12 points</text>"
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use ragstatus::{Definitions, Observation, Series};

    fn view(polarity: &str, values: &[i64]) -> SpcView {
        let target = match polarity {
            "within" => "[[indicator.target]]\nlow = \"4\"\nhigh = \"6\"\n",
            _ => "[[indicator.target]]\nvalue = \"50\"\n",
        };
        let defs = Definitions::from_toml_str(&format!(
            "[[indicator]]\nid = \"X<1>\"\nunit = \"percent\"\ndecimals = 1\npolarity = \"{polarity}\"\nspc = true\n{target}"
        ))
        .unwrap();
        let mut series = Series::new();
        let mut p = defs.calendar.parse("2013/14 Q1").unwrap();
        for v in values {
            series.insert(p, Observation::value((*v).into()));
            p = p.next().unwrap();
        }
        let last = series.keys().next_back().copied().unwrap();
        let indicator = &defs.indicators[0];
        let spc = indicator.spc(last, &series).unwrap().unwrap();
        SpcView::of(&spc, &indicator.unit, indicator.decimals)
    }

    #[test]
    fn chart_has_lines_markers_icons_and_legend() {
        let v = view(
            "higher",
            &[40, 41, 40, 42, 41, 40, 41, 47, 48, 48, 49, 48, 49, 50],
        );
        let svg = xmr_chart("X<1>", "A & B", &v);
        assert!(svg.starts_with("<svg class=\"xmr\""), "{svg}");
        assert!(
            svg.contains("Variation: special cause improvement"),
            "{svg}"
        );
        assert!(svg.contains("Assurance: "), "{svg}");
        assert!(svg.contains("X&lt;1&gt; A &amp; B"), "{svg}");
        assert!(!svg.contains("X<1>"));
        // Improvement points are squares; common cause circles; the legend shows a diamond.
        assert!(svg.matches("<rect x=").count() >= 3, "{svg}");
        assert!(svg.contains("<circle"));
        assert!(svg.contains("<polygon"));
        for word in [
            "Mean ",
            "Upper limit ",
            "Lower limit ",
            "Target 50.0%",
            "process limits",
            "2σ lines",
        ] {
            assert!(svg.contains(word), "{word} missing: {svg}");
        }
        assert!(svg.contains("stroke-dasharray=\"7 4\""));
        assert!(
            svg.contains("2013/14 Q1") && svg.contains("2016/17 Q2"),
            "{svg}"
        );
        assert!(!svg.contains("url("));
    }

    #[test]
    fn neutral_chart_uses_triangles_and_constant_series_draws() {
        let v = view("within", &[5, 5, 5, 5]);
        let svg = xmr_chart("W", "w", &v);
        assert!(svg.contains("special cause (high)"));
        assert!(
            svg.contains("Assurance: none (no better direction)"),
            "{svg}"
        );
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        let v = view("higher", &[5]);
        let svg = xmr_chart("W", "w", &v);
        assert!(svg.contains("trial limits"), "{svg}");
        assert!(!svg.contains("NaN"), "{svg}");
    }
}
