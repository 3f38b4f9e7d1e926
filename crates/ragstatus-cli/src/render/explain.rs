//! `ragstatus explain`: the full reasoning for one indicator in one period, as text or JSON —
//! inputs, definition, target, tolerance, shortfall, status and the rule that fired, any
//! override, direction of travel, history and the SPC analysis.

use std::fmt::Write as _;

use ragstatus::input::ActualRow;
use ragstatus::{Decimal, Indicator, IndicatorResult, Observation, Period};
use serde::Serialize;

use super::view::{SpcView, direction_label, target_text};
use crate::model::{IndicatorRow, status_label};

/// What is explained: one indicator's evaluation for a period, with the rows read for it.
pub struct Explained<'a> {
    /// The definition.
    pub indicator: &'a Indicator,
    /// The period explained.
    pub period: Period,
    /// The indicator's rows of this year and last, up to the period.
    pub inputs: &'a [&'a ActualRow],
    /// The periods of the history shown, oldest first.
    pub history: &'a [Period],
    /// The evaluation, with its history and SPC analysis.
    pub row: &'a IndicatorRow,
}

impl Explained<'_> {
    fn spc(&self) -> Option<SpcView> {
        self.row
            .spc
            .as_ref()
            .map(|spc| SpcView::of(spc, &self.indicator.unit, self.indicator.decimals))
    }
}

/// The explanation as JSON: the result, the history and the SPC analysis.
pub fn json(explained: &Explained<'_>) -> Result<String, String> {
    #[derive(Serialize)]
    struct Json<'a> {
        result: &'a IndicatorResult,
        history: Vec<(String, Option<Decimal>)>,
        #[serde(skip_serializing_if = "Option::is_none")]
        spc: Option<SpcView>,
    }
    let json = Json {
        spc: explained.spc(),
        result: &explained.row.result,
        history: explained
            .history
            .iter()
            .map(|p| p.to_string())
            .zip(explained.row.history.iter().copied())
            .collect(),
    };
    serde_json::to_string_pretty(&json).map_err(|e| e.to_string())
}

/// The explanation as text, one line per step of the reasoning.
pub fn text(explained: &Explained<'_>) -> String {
    let &Explained {
        indicator,
        period,
        inputs,
        history,
        row,
    } = explained;
    let result = &row.result;
    let f = |v: Decimal| indicator.unit.format_value(v, indicator.decimals);
    let precise = |v: Decimal| indicator.unit.format_value(readable(v), None);
    let mut text = String::new();
    let _ = writeln!(text, "{} {}", indicator.id, indicator.name);
    if !indicator.group.is_empty() {
        let _ = writeln!(text, "Group:        {}", indicator.group.join(" / "));
    }
    let _ = writeln!(
        text,
        "Definition:   {} ({} is better), {}, aggregation {}, basis {}",
        indicator.unit.as_str(),
        indicator.polarity.as_str(),
        indicator.frequency.as_str(),
        indicator.aggregation.as_str(),
        match indicator.effective_basis() {
            ragstatus::Basis::Period => "period",
            ragstatus::Basis::YearToDate => "year to date",
        }
    );
    let _ = writeln!(
        text,
        "Period:       {}{}",
        result.period,
        match &result.measured {
            Some(m) if *m != result.period => format!(" (measures {m})"),
            Some(_) => String::new(),
            None => " (not due)".into(),
        }
    );
    let _ = writeln!(text, "Inputs (this year and last, ▸ = the period):");
    text.push_str(&describe_inputs(indicator, period, inputs));
    let _ = writeln!(
        text,
        "Actual:       {}{}",
        result.actual.map(precise).unwrap_or_else(|| "none".into()),
        match (result.unrounded, result.no_value) {
            (Some(u), _) => format!(" (rounded from {})", precise(u)),
            (None, Some(reason)) => format!(" ({})", reason.describe()),
            _ => String::new(),
        }
    );
    let _ = writeln!(
        text,
        "Target:       {}{}",
        result
            .target
            .as_ref()
            .map(|t| target_text(indicator, t))
            .unwrap_or_else(|| "none (data only)".into()),
        result
            .stretch
            .map(|s| format!(", stretch {}", f(s)))
            .unwrap_or_default()
    );
    let _ = writeln!(
        text,
        "Tolerance:    {}{}",
        tolerance_words(&indicator.tolerance),
        result
            .rating
            .tolerance_amount
            .map(|a| format!(" = {}", indicator.unit.format_difference(a, None)))
            .unwrap_or_default()
    );
    if let Some(shortfall) = result.rating.shortfall {
        let _ = writeln!(
            text,
            "Shortfall:    {}{}",
            readable(shortfall),
            if shortfall <= Decimal::ZERO {
                " (target met)"
            } else {
                ""
            }
        );
    }
    let _ = writeln!(
        text,
        "Status:       {} (rule: {})",
        status_label(result.status),
        serde_json::to_value(result.rating.fired)
            .ok()
            .map(|v| match v {
                serde_json::Value::String(s) => s.replace('_', " "),
                other => other.to_string(),
            })
            .unwrap_or_default()
    );
    if let Some(o) = &result.rating.overridden {
        let _ = writeln!(
            text,
            "Override:     {} by {}: {} (computed {})",
            o.status.as_str(),
            o.by,
            o.reason,
            result.rating.computed.as_str()
        );
    }
    let _ = writeln!(text, "Explanation:  {}", result.sentence());
    let travel_line = |name: &str, t: &ragstatus::Travel| {
        format!(
            "{name:<13} {}{}",
            direction_label(t.direction),
            match (t.comparison, t.change) {
                (Some(c), Some(change)) => format!(
                    " (from {}; change {} in the good direction, stable band {})",
                    f(c),
                    readable(change),
                    readable(t.band.unwrap_or_default())
                ),
                (Some(c), None) => format!(" (from {})", f(c)),
                _ => String::new(),
            }
        )
    };
    let _ = writeln!(text, "{}", travel_line("vs previous:", &result.previous));
    let _ = writeln!(text, "{}", travel_line("vs last year:", &result.year_ago));
    if let Some(trend) = &result.trend {
        let _ = writeln!(text, "{}", travel_line("Trend:", trend));
        if let Some(reason) = &trend.reason {
            let _ = writeln!(text, "              ({reason})");
        }
    }
    if let Some(recent) = &result.recent_trend {
        let figures = match (recent.chi_squared, recent.gradient) {
            (Some(chi), Some(gradient)) => format!(
                " (chi-squared {chi} against 9.549535706 at 99.8%, log-odds gradient {gradient} a year, {} points)",
                recent.points_used
            ),
            _ => String::new(),
        };
        let _ = writeln!(text, "Recent trend: {}{figures}", recent.label());
    }
    let _ = writeln!(text, "Headline:     {}", direction_label(result.direction));
    let _ = writeln!(text, "History:");
    for (p, v) in history.iter().zip(&row.history) {
        let _ = writeln!(
            text,
            "  {:<12} {}",
            p.to_string(),
            v.map(f).unwrap_or_else(|| "–".into())
        );
    }
    if let Some(spc) = explained.spc() {
        let _ = writeln!(text, "{}", spc.line);
        let _ = writeln!(text, "  {}", spc.explanation);
        for signal in &spc.result.signals {
            let _ = writeln!(text, "  - {}", signal.explanation);
        }
    }
    text
}

/// A decimal for reading: at most six places, no trailing zeros.
fn readable(value: Decimal) -> Decimal {
    value.round_dp(6).normalize()
}

/// A tolerance as words: `none`, `absolute 2`, `relative 10%`, `floor 28`.
fn tolerance_words(tolerance: &ragstatus::Tolerance) -> String {
    match serde_json::to_value(tolerance) {
        Ok(serde_json::Value::Object(map)) => map
            .iter()
            .map(|(k, v)| {
                let v = v
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string());
                if k == "relative" {
                    format!("{k} {v}%")
                } else {
                    format!("{k} {v}")
                }
            })
            .collect::<Vec<_>>()
            .join(", "),
        Ok(serde_json::Value::String(s)) => s,
        _ => tolerance.as_str().to_string(),
    }
}

fn describe_inputs(indicator: &Indicator, period: Period, rows: &[&ActualRow]) -> String {
    let mut out = String::new();
    for row in rows {
        let value = match row.observation {
            Observation::Value { value } => indicator.unit.format_value(value, None),
            Observation::Fraction {
                numerator,
                denominator,
            } => format!(
                "{numerator} / {denominator} × {}",
                indicator.effective_multiplier()
            ),
        };
        let mut flags = Vec::new();
        if row.provisional {
            flags.push("provisional".to_string());
        }
        if let Some(note) = &row.note {
            flags.push(format!("note: {note}"));
        }
        let marker = if row.period == period { "▸" } else { " " };
        let _ = writeln!(
            out,
            "  {marker} {:<12} {value}{}",
            row.period.to_string(),
            if flags.is_empty() {
                String::new()
            } else {
                format!(" ({})", flags.join("; "))
            }
        );
    }
    out
}
