//! Conformance vectors of kind `indicators` (`tests/vectors/indicators.json`).
//!
//! `input`:
//! - `calendar` (optional): `{"start_month": 7}` (default April);
//! - `indicator`: one indicator definition, as in a JSON definitions file's `indicator` list;
//! - `series`: an object from period label (read with the calendar) to an observation,
//!   `{"value": "44.1"}` or `{"numerator": "412", "denominator": "450"}`;
//! - `period`: the period label evaluated.
//!
//! `expected`: any of `status`, `actual` (decimal string or null), `target` (decimal string,
//! `{"low", "high"}` or null), `stretch`, `measured` (label or null), `no_value` (reason),
//! `direction` (the headline), `previous`, `year_ago` (directions), `sentence` (the full
//! sentence), `spc` (null when the indicator has no SPC, else an object with any of `points`
//! (the labels of the points analysed), `variation`, `assurance` (snake_case names or null),
//! `target` (decimal string or null), `segment_starts` (indexes)), `trend` (null, or an object
//! with any of the trend's `direction`, `reason`, `actual`, `comparison`), `recent_trend`
//! (null, or an object with any of `marker`, `judgement`, `reason` (variant names),
//! `chi_squared`, `gradient` (decimal strings), `points_used`, `label`); only the keys given
//! are checked. Or `{"error": "<kind>", "field"?, "indicator"?,
//! "period"?}` — an error from loading the definition or from evaluating it.

mod support;

use ragstatus::{Definitions, Observation, Series, Target};
use serde_json::{Value, json};
use support::*;

fn check(input: &Value, expected: &Value) -> Result<(), String> {
    let doc = json!({
        "calendar": input.get("calendar").cloned().unwrap_or_else(|| json!({})),
        "indicator": [input["indicator"].clone()],
    });
    let defs = match Definitions::from_json_str(&doc.to_string()) {
        Ok(d) => d,
        Err(e) => return check_error(&e, expected),
    };
    let calendar = defs.calendar;
    let mut series = Series::new();
    for (label, obs) in input["series"].as_object().unwrap() {
        let period = calendar.parse(label).map_err(|e| e.to_string())?;
        let obs: Observation = serde_json::from_value(obs.clone()).map_err(|e| e.to_string())?;
        series.insert(period, obs);
    }
    let period = calendar
        .parse(input["period"].as_str().unwrap())
        .map_err(|e| e.to_string())?;
    let result = match defs.indicators[0].evaluate(period, &series) {
        Ok(r) => r,
        Err(e) => return check_error(&e, expected),
    };
    if expected.get("error").is_some() {
        return Err(format!("expected an error, got {}", result.status));
    }
    let text = |v: &Value| serde_json::to_value(v).unwrap();
    for (key, want) in expected.as_object().unwrap() {
        match key.as_str() {
            "status" => {
                if want != result.status.as_str() {
                    return Err(format!(
                        "status: expected {want}, got {} ({})",
                        result.status,
                        result.sentence()
                    ));
                }
            }
            "actual" => same("actual", result.actual, opt_dec(want))?,
            "stretch" => same("stretch", result.stretch, opt_dec(want))?,
            "target" => {
                let want: Option<Target> = serde_json::from_value(want.clone()).unwrap();
                if result.target != want {
                    return Err(format!(
                        "target: expected {want:?}, got {:?}",
                        result.target
                    ));
                }
            }
            "measured" => {
                if text(want) != json!(result.measured) {
                    return Err(format!(
                        "measured: expected {want}, got {:?}",
                        result.measured
                    ));
                }
            }
            "no_value" => {
                if text(want) != json!(result.no_value) {
                    return Err(format!(
                        "no_value: expected {want}, got {:?}",
                        result.no_value
                    ));
                }
            }
            "direction" | "previous" | "year_ago" => {
                let got = match key.as_str() {
                    "direction" => result.direction,
                    "previous" => result.previous.direction,
                    _ => result.year_ago.direction,
                };
                if want != got.as_str() {
                    return Err(format!(
                        "{key}: expected {want}, got {got} ({})",
                        result.direction_sentence
                    ));
                }
            }
            "sentence" => {
                if want != &result.sentence() {
                    return Err(format!(
                        "sentence: expected {want}, got {:?}",
                        result.sentence()
                    ));
                }
            }
            "spc" => {
                let spc = defs.indicators[0]
                    .spc(period, &series)
                    .map_err(|e| format!("spc: {e}"))?;
                let Some(spc) = spc else {
                    return if want.is_null() {
                        Ok(())
                    } else {
                        Err("spc: expected an analysis, got none".into())
                    };
                };
                let got = json!({
                    "points": spc.points.iter().map(|p| p.label.clone()).collect::<Vec<_>>(),
                    "variation": spc.variation,
                    "assurance": spc.assurance,
                    "target": spc.target,
                    "segment_starts": spc.segments.iter().map(|s| s.start).collect::<Vec<_>>(),
                });
                let Some(want) = want.as_object() else {
                    return Err(format!("spc: expected null, got {got}"));
                };
                for (k, w) in want {
                    if got.get(k) != Some(w) {
                        return Err(format!(
                            "spc.{k}: expected {w}, got {} ({})",
                            got[k], spc.explanation
                        ));
                    }
                }
            }
            "trend" => check_fields("trend", want, &json!(result.trend))?,
            "recent_trend" => {
                let mut got = json!(result.recent_trend);
                if let (Some(map), Some(t)) = (got.as_object_mut(), &result.recent_trend) {
                    map.insert("label".into(), json!(t.label()));
                }
                check_fields("recent_trend", want, &got)?;
            }
            other => return Err(format!("unknown expected key {other}")),
        }
    }
    Ok(())
}

#[test]
fn indicators_vectors() {
    run("indicators.json", "indicators", check);
}
