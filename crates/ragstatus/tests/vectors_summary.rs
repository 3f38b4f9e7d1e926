//! Conformance vectors of kind `summary` (`tests/vectors/summary.json`).
//!
//! `input`: `items` (each `{"id", "group": [..], "status", "direction"?}`), optional `rule`
//! (`"worst"`, `"majority"` or `{"share": {"green_from": "75", "red_above": "20"}}`), optional
//! `display_decimals`.
//!
//! `expected`: `overall` and/or `groups` (keyed by the path joined with `" > "`), each an object
//! with any of the [`Counts`](ragstatus::summary::Counts) fields (`total`, `rated`, `red`, ...,
//! `percent_on_target` as a decimal string or null), `roll_up` (a status or null) and
//! `percent_on_target_display` (rounded to `display_decimals`); only the keys given are checked.
//! Or `{"error": "<kind>", "field"?}`.

mod support;

use ragstatus::summary::{GroupSummary, RollUp, Summary, SummaryItem};
use serde_json::Value;
use support::*;

fn check_group(name: &str, g: &GroupSummary, want: &Value, dp: u32) -> Result<(), String> {
    let counts = serde_json::to_value(&g.counts).unwrap();
    for (key, w) in want.as_object().unwrap() {
        let got = match key.as_str() {
            "roll_up" => serde_json::to_value(g.roll_up).unwrap(),
            "percent_on_target" => {
                same(
                    &format!("{name} percent"),
                    g.counts.percent_on_target,
                    opt_dec(w),
                )?;
                continue;
            }
            "percent_on_target_display" => {
                same(
                    &format!("{name} display"),
                    g.counts.percent_on_target_rounded(dp),
                    opt_dec(w),
                )?;
                continue;
            }
            _ => counts[key].clone(),
        };
        if &got != w {
            return Err(format!("{name} {key}: expected {w}, got {got}"));
        }
    }
    Ok(())
}

#[test]
fn summary_vectors() {
    run("summary.json", "summary", |input, expected| {
        let items: Vec<SummaryItem> = serde_json::from_value(input["items"].clone()).unwrap();
        let rule: Option<RollUp> = input
            .get("rule")
            .map(|r| serde_json::from_value(r.clone()).unwrap());
        let dp = input
            .get("display_decimals")
            .and_then(Value::as_u64)
            .unwrap_or(1);
        let dp = u32::try_from(dp).unwrap();
        let summary = match Summary::build(&items, rule) {
            Ok(s) => s,
            Err(e) => return check_error(&e, expected),
        };
        if expected.get("error").is_some() {
            return Err("expected an error".into());
        }
        if let Some(want) = expected.get("overall") {
            check_group("overall", &summary.overall, want, dp)?;
        }
        if let Some(groups) = expected.get("groups") {
            for (path, want) in groups.as_object().unwrap() {
                let path: Vec<&str> = path.split(" > ").collect();
                let g = summary.group(&path).ok_or(format!("no group {path:?}"))?;
                check_group(&path.join(" > "), g, want, dp)?;
            }
        }
        Ok(())
    });
}
