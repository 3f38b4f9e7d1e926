//! Conformance vectors of kind `recent_trend` (`tests/vectors/recent_trend.json`, SPEC §8a).
//!
//! Shape of a case:
//!
//! - `input`: `method` (`proportions`, with `series` of `{count, denominator}`; or
//!   `intervals`, with `series` of `{value, lower, upper}` at 95%), oldest first, `null` for a
//!   period without data; `preference` (`higher`, `lower` or `none`).
//! - `expected`: either `{"error": "<ErrorKind variant>", "field": ...}` or any of `marker`,
//!   `judgement` and `reason` (variant names or null), `consistent`, `points_used`, `label`,
//!   and `chi_squared` (a decimal string compared after rounding the result half away from
//!   zero to `places` decimal places, or null), each checked only when present.

mod support;

use ragstatus::comparison::Preference;
use ragstatus::recent_trend::{
    IntervalPoint, ProportionPoint, recent_trend_intervals, recent_trend_proportions,
};
use rust_decimal::RoundingStrategy;
use serde_json::{Value, json};

fn check(input: &Value, expected: &Value) -> Result<(), String> {
    let preference: Preference =
        serde_json::from_value(input["preference"].clone()).expect("preference");
    let series = input["series"].as_array().expect("series");
    let result = match input["method"].as_str().expect("method") {
        "proportions" => {
            let points: Vec<_> = series
                .iter()
                .map(|p| {
                    (!p.is_null()).then(|| ProportionPoint {
                        count: support::dec(&p["count"]),
                        denominator: support::dec(&p["denominator"]),
                    })
                })
                .collect();
            recent_trend_proportions(&points, preference)
        }
        "intervals" => {
            let points: Vec<_> = series
                .iter()
                .map(|p| {
                    (!p.is_null()).then(|| IntervalPoint {
                        value: support::dec(&p["value"]),
                        lower: support::dec(&p["lower"]),
                        upper: support::dec(&p["upper"]),
                    })
                })
                .collect();
            recent_trend_intervals(&points, preference)
        }
        other => panic!("unknown method {other}"),
    };
    let got = match result {
        Ok(got) => got,
        Err(e) => return support::check_error(&e, expected),
    };
    if expected.get("error").is_some() {
        return Err(format!("expected an error, got {got:?}"));
    }
    let places = expected["places"].as_u64().unwrap_or(10) as u32;
    let chi = got.chi_squared.map(|c| {
        c.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
            .to_string()
    });
    let actual = json!({
        "marker": got.marker,
        "judgement": got.judgement,
        "reason": got.reason,
        "consistent": got.consistent,
        "points_used": got.points_used,
        "label": got.label(),
        "chi_squared": chi,
    });
    let mut problems = Vec::new();
    for (key, want) in expected.as_object().expect("expected object") {
        if key == "places" {
            continue;
        }
        if !support::same_value(want, &actual[key]) {
            problems.push(format!("{key}: got {}, expected {want}", actual[key]));
        }
    }
    support::all(problems)
}

#[test]
fn recent_trend_vectors() {
    support::run("recent_trend.json", "recent_trend", check);
}
