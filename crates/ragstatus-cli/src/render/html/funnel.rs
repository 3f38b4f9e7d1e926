//! The funnel plot of an indicator's comparators, as inline SVG for the HTML report (SPEC §8b).
//!
//! Each comparator is a point at its denominator (x) and value (y), this council a larger
//! diamond named beside it; the national value is the centre line, with the 95% limits
//! (dashed) and the 99.8% limits (dotted) as curves that narrow as the denominator grows. It
//! must read without colour and when printed in grey, so:
//!
//! - this council differs from the comparators by **shape** and size, and is named;
//! - a comparator's marker is filled by its outcome (Better, Similar, Worse) and every point has
//!   a tooltip with its name, value, counts and label;
//! - the lines differ by dash pattern, each named at its right-hand end, and a legend names
//!   every marker and line; the chart has a text alternative.
//!
//! Coordinates are computed in floating point: they only place marks on the page and never
//! decide anything (the labels are the core's, from exact decimals). All text is escaped; the
//! SVG refers to nothing outside itself.

use std::fmt::Write as _;

use ragstatus::Decimal;
use ragstatus::interval::ConfidenceLevel;
use rust_decimal::prelude::FromPrimitive;

use super::chart::{end_labels, f};
use crate::model::group_thousands;
use crate::render::escape::html as escape;
use crate::render::view::{FunnelUnitView, FunnelView, NationalShown};

const W: f64 = 760.0;
const H: f64 = 380.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = W - 150.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = H - 96.0;
/// Points on each limit curve.
const SAMPLES: usize = 48;

const INK: &str = "#1d1d1f";
const GREY: &str = "#5f6368";

/// Fill of a comparator's marker by its outcome.
fn colour(outcome: &str) -> &'static str {
    match outcome {
        "Better" => "#1f4fa3",
        "Worse" => "#e37000",
        "Higher" | "Lower" => "#6a1b9a",
        _ => "#c8c8c8",
    }
}

fn marker(unit: &FunnelUnitView, x: f64, y: f64) -> String {
    if unit.ours {
        format!(
            "<polygon points=\"{x:.1},{:.1} {:.1},{y:.1} {x:.1},{:.1} {:.1},{y:.1}\" fill=\"{}\" stroke=\"{INK}\" stroke-width=\"2\"/>",
            y - 8.0,
            x + 8.0,
            y + 8.0,
            x - 8.0,
            colour(unit.outcome)
        )
    } else {
        format!(
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4.5\" fill=\"{}\" stroke=\"{GREY}\" stroke-width=\"1\"/>",
            colour(unit.outcome)
        )
    }
}

fn polyline(points: &[(f64, f64)], stroke: &str, width: f64, dash: Option<&str>) -> String {
    let dash = dash
        .map(|d| format!(" stroke-dasharray=\"{d}\""))
        .unwrap_or_default();
    let pts: Vec<String> = points
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect();
    format!(
        "<polyline points=\"{}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{width}\"{dash}/>",
        pts.join(" ")
    )
}

/// The words of a unit's label: "Worse (99.8%)", "Similar".
fn label(unit: &FunnelUnitView) -> String {
    match unit.level {
        Some(level) => format!("{} ({level})", unit.outcome),
        None => unit.outcome.to_string(),
    }
}

/// The inline SVG funnel plot of one indicator compared with `against`; empty when there are
/// no units.
pub fn funnel_chart(row: &NationalShown, plot: &FunnelView, against: &str) -> String {
    let units = &plot.units;
    let Some(max_n) = units.iter().map(|u| f(u.denominator)).reduce(f64::max) else {
        return String::new();
    };
    let min_n = units
        .iter()
        .map(|u| f(u.denominator))
        .fold(f64::INFINITY, f64::min);
    let x_hi = max_n * 1.08;
    let x_lo = (min_n * 0.8).max(x_hi / 400.0);
    // The limits along the denominators drawn, spaced evenly on a log scale so that the steep
    // small-denominator end is drawn smoothly.
    let curve: Vec<(f64, [f64; 4])> = (0..SAMPLES)
        .filter_map(|i| {
            let n = x_lo * (x_hi / x_lo).powf(i as f64 / (SAMPLES - 1) as f64);
            let limits = plot.funnel.limits_at(Decimal::from_f64(n)?).ok()?;
            let (l95, u95) = limits.at(ConfidenceLevel::P95);
            let (l998, u998) = limits.at(ConfidenceLevel::P998);
            Some((n, [f(l95), f(u95), f(l998), f(u998)]))
        })
        .collect();
    let centre = f(plot.centre);
    let mut all: Vec<f64> = units.iter().map(|u| f(u.value)).collect();
    all.push(centre);
    all.extend(curve.iter().flat_map(|(_, l)| l.iter().copied()));
    let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if hi > lo {
        let pad = (hi - lo) * 0.05;
        (lo - pad, hi + pad)
    } else {
        (lo - 1.0, hi + 1.0)
    };
    let x = |n: f64| LEFT + n / x_hi * (RIGHT - LEFT);
    let y = |v: f64| BOTTOM - (v - lo) / (hi - lo) * (BOTTOM - TOP);

    let ours = units.iter().find(|u| u.ours);
    let outside = units
        .iter()
        .filter(|u| !u.ours && u.position != "within")
        .count();
    let mut alt = format!(
        "Funnel plot of {} {}: {} comparator{} by denominator, around {} with 95% \
         and 99.8% limits; {outside} outside the 95% limits.",
        row.id,
        row.name,
        units.len() - usize::from(ours.is_some()),
        if units.len() - usize::from(ours.is_some()) == 1 {
            ""
        } else {
            "s"
        },
        plot.centre_words(against, &row.show(plot.centre)),
    );
    if let Some(u) = ours {
        let _ = write!(
            alt,
            " This council: {} ({} of {}), {}.",
            row.show(u.value),
            u.numerator.normalize(),
            u.denominator.normalize(),
            label(u)
        );
    }

    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"funnel\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{a}\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\"><title>{a}</title>",
        a = escape(&alt)
    );
    let _ = write!(
        svg,
        "<rect x=\"{LEFT}\" y=\"{TOP}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"none\" stroke=\"#c8c8c8\"/>",
        w = RIGHT - LEFT,
        h = BOTTOM - TOP
    );
    // Axes: five ticks each way.
    for k in 0..=4 {
        let v = lo + (hi - lo) * f64::from(k) / 4.0;
        let shown = Decimal::from_f64(v)
            .map(|d| row.show(d))
            .unwrap_or_default();
        let _ = write!(
            svg,
            "<text x=\"{tx:.1}\" y=\"{ty:.1}\" text-anchor=\"end\" fill=\"{INK}\">{t}</text>",
            tx = LEFT - 6.0,
            ty = y(v) + 4.0,
            t = escape(&shown)
        );
        let n = x_hi * f64::from(k) / 4.0;
        let shown = Decimal::from_f64(n)
            .map(|d| group_thousands(d, 0))
            .unwrap_or_default();
        let _ = write!(
            svg,
            "<line x1=\"{xi:.1}\" y1=\"{BOTTOM}\" x2=\"{xi:.1}\" y2=\"{b2:.1}\" stroke=\"{GREY}\"/><text x=\"{xi:.1}\" y=\"{ty:.1}\" text-anchor=\"middle\" fill=\"{INK}\">{t}</text>",
            xi = x(n),
            b2 = BOTTOM + 4.0,
            ty = BOTTOM + 16.0,
            t = escape(&shown)
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{tx:.1}\" y=\"{ty:.1}\" text-anchor=\"middle\" fill=\"{INK}\">denominator</text>",
        tx = (LEFT + RIGHT) / 2.0,
        ty = BOTTOM + 32.0
    );

    // The limits, then the centre line, then the points on top.
    let lines = [
        (2usize, GREY, 1.2, Some("2 3")),
        (3, GREY, 1.2, Some("2 3")),
        (0, GREY, 1.3, Some("7 4")),
        (1, GREY, 1.3, Some("7 4")),
    ];
    for (k, stroke, width, dash) in lines {
        let points: Vec<(f64, f64)> = curve
            .iter()
            .filter_map(|(n, l)| l.get(k).map(|v| (x(*n), y(*v))))
            .collect();
        svg.push_str(&polyline(&points, stroke, width, dash));
    }
    svg.push_str(&polyline(
        &[(LEFT, y(centre)), (RIGHT, y(centre))],
        INK,
        1.5,
        None,
    ));
    for unit in units.iter().filter(|u| !u.ours).chain(ours) {
        let tip = format!(
            "{}: {} ({} of {}) – {}",
            unit.name,
            row.show(unit.value),
            unit.numerator.normalize(),
            unit.denominator.normalize(),
            label(unit)
        );
        let (ux, uy) = (x(f(unit.denominator)), y(f(unit.value)));
        let _ = write!(
            svg,
            "<g><title>{}</title>{}</g>",
            escape(&tip),
            marker(unit, ux, uy)
        );
        if unit.ours {
            let _ = write!(
                svg,
                "<text x=\"{tx:.1}\" y=\"{ty:.1}\" fill=\"{INK}\" font-weight=\"600\">This council</text>",
                tx = ux + 11.0,
                ty = uy - 9.0
            );
        }
    }

    // Names and values of the lines at the right, kept 12px apart.
    if let Some((_, last)) = curve.last() {
        let mut names: Vec<(f64, String, &str)> = vec![(
            y(centre),
            format!("{} {}", plot.centre_name(against), row.show(plot.centre)),
            INK,
        )];
        for (k, text) in [(1usize, "upper 95%"), (0, "lower 95%")] {
            if let Some(v) = last.get(k) {
                names.push((y(*v), text.to_string(), GREY));
            }
        }
        for (k, text) in [(3usize, "upper 99.8%"), (2, "lower 99.8%")] {
            if let Some(v) = last.get(k) {
                names.push((y(*v), text.to_string(), GREY));
            }
        }
        end_labels(&mut svg, names);
    }

    // The legend: markers, then lines.
    let ly = H - 38.0;
    let mut lx = LEFT - 40.0;
    let ours_key = FunnelUnitView {
        name: String::new(),
        ours: true,
        numerator: Decimal::ZERO,
        denominator: Decimal::ONE,
        value: Decimal::ZERO,
        position: "within",
        level: None,
        outcome: "Similar",
    };
    svg.push_str(&marker(&ours_key, lx + 8.0, ly - 4.0));
    let _ = write!(
        svg,
        "<text x=\"{:.1}\" y=\"{ly:.1}\" fill=\"{INK}\">this council</text>",
        lx + 20.0
    );
    lx += 110.0;
    for outcome in ["Better", "Similar", "Worse"] {
        let key = FunnelUnitView {
            ours: false,
            outcome: match outcome {
                "Better" => "Better",
                "Worse" => "Worse",
                _ => "Similar",
            },
            ..ours_key.clone()
        };
        svg.push_str(&marker(&key, lx + 6.0, ly - 4.0));
        let text = format!("comparator: {}", outcome.to_lowercase());
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{ly:.1}\" fill=\"{INK}\">{text}</text>",
            lx + 16.0
        );
        lx += 40.0 + text.len() as f64 * 6.0;
    }
    let ly = H - 16.0;
    let mut lx = LEFT - 40.0;
    for (text, width, dash) in [
        (format!("{} (centre)", plot.centre_name(against)), 1.5, None),
        ("95% limits".to_string(), 1.3, Some("7 4")),
        ("99.8% limits".to_string(), 1.2, Some("2 3")),
    ] {
        let stroke = if dash.is_none() { INK } else { GREY };
        svg.push_str(&polyline(
            &[(lx, ly - 4.0), (lx + 28.0, ly - 4.0)],
            stroke,
            width,
            dash,
        ));
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{ly:.1}\" fill=\"{INK}\">{}</text>",
            lx + 34.0,
            escape(&text)
        );
        lx += 50.0 + text.chars().count() as f64 * 6.5;
    }
    svg.push_str("</svg>");
    svg
}
