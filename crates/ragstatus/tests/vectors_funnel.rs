//! Conformance vectors of kind `funnel` (`tests/vectors/funnel.json`, SPEC §8b).
//!
//! Shape of a case:
//!
//! - `input`: `statistic` (`proportion`, `rate`, `ratio`), `multiplier`, optional `centre`,
//!   `preference` (`higher` / `lower` / `none`, default none) and `overdispersion`
//!   (`{"winsor": "0.1"}`), `units` (a list of `numerator`, `denominator`), optional
//!   `limits_at` (denominators).
//! - `expected`: `{"error": "<ErrorKind variant>", "field": ...}`, or `centre`, `phi`, `tau2`,
//!   `adjusted`, `points` (per unit: `value`, `lower_95`, `upper_95`, `lower_998`,
//!   `upper_998`, `position`, `level`, `outcome`) and `limits_at` (per denominator: the four
//!   limits), each checked only when present. An expected decimal is compared with the result
//!   rounded half away from zero to as many places as the expected string shows.

mod support;

use ragstatus::Decimal;
use ragstatus::comparison::Preference;
use ragstatus::funnel::{FunnelSettings, FunnelUnit, Limits, Overdispersion, Statistic, funnel};
use rust_decimal::RoundingStrategy;
use serde_json::Value;
use support::{check_outcome, dec};

/// `got` against the expected decimal string, at the expected string's places.
fn close(what: &str, got: Decimal, want: &Value, problems: &mut Vec<String>) {
    let want_d = dec(want);
    let places = want
        .as_str()
        .and_then(|s| s.split_once('.'))
        .map_or(0, |(_, f)| f.len());
    let rounded = got.round_dp_with_strategy(places as u32, RoundingStrategy::MidpointAwayFromZero);
    if rounded != want_d {
        problems.push(format!("{what}: got {got}, expected {want_d}"));
    }
}

fn check_limits(what: &str, l: &Limits, want: &Value, problems: &mut Vec<String>) {
    for (key, got) in [
        ("lower_95", l.lower_95),
        ("upper_95", l.upper_95),
        ("lower_998", l.lower_998),
        ("upper_998", l.upper_998),
    ] {
        if let Some(w) = want.get(key) {
            close(&format!("{what}.{key}"), got, w, problems);
        }
    }
}

fn check_case(input: &Value, expected: &Value) -> Vec<String> {
    let statistic: Statistic =
        serde_json::from_value(input["statistic"].clone()).expect("statistic");
    let mut settings = FunnelSettings::new(statistic);
    settings.multiplier = dec(&input["multiplier"]);
    if let Some(c) = input.get("centre") {
        settings.centre = Some(dec(c));
    }
    if let Some(p) = input.get("preference") {
        settings.preference = serde_json::from_value::<Preference>(p.clone()).expect("preference");
    }
    if let Some(od) = input.get("overdispersion") {
        settings.overdispersion = Some(Overdispersion {
            winsor: dec(&od["winsor"]),
        });
    }
    let units: Vec<FunnelUnit> = input["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|u| FunnelUnit::new(dec(&u["numerator"]), dec(&u["denominator"])))
        .collect();
    check_outcome(funnel(&units, &settings), expected, |f| {
        let mut problems = Vec::new();
        if let Some(c) = expected.get("centre") {
            close("centre", f.centre, c, &mut problems);
        }
        for key in ["phi", "tau2", "adjusted"] {
            let Some(want) = expected.get(key) else {
                continue;
            };
            match (&f.dispersion, key) {
                (None, _) => problems.push(format!("{key}: no overdispersion estimate")),
                (Some(d), "phi") => close("phi", d.phi, want, &mut problems),
                (Some(d), "tau2") => close("tau2", d.tau2, want, &mut problems),
                (Some(d), _) => {
                    if Some(d.adjusted) != want.as_bool() {
                        problems.push(format!("adjusted: got {}, expected {want}", d.adjusted));
                    }
                }
            }
        }
        let points = expected["points"].as_array().cloned().unwrap_or_default();
        if !points.is_empty() && points.len() != f.points.len() {
            problems.push(format!(
                "{} points, expected {}",
                f.points.len(),
                points.len()
            ));
        }
        for (i, (p, want)) in f.points.iter().zip(&points).enumerate() {
            if let Some(v) = want.get("value") {
                close(&format!("points[{i}].value"), p.value, v, &mut problems);
            }
            check_limits(&format!("points[{i}]"), &p.limits, want, &mut problems);
            let got = serde_json::json!({
                "position": p.position,
                "level": p.level,
                "outcome": p.outcome.as_str(),
            });
            for key in ["position", "level", "outcome"] {
                if let Some(w) = want.get(key) {
                    if &got[key] != w {
                        problems.push(format!("points[{i}].{key}: got {}, expected {w}", got[key]));
                    }
                }
            }
        }
        let wanted = expected["limits_at"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for (n, want) in input["limits_at"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .zip(&wanted)
        {
            match f.limits_at(dec(n)) {
                Ok(l) => check_limits(&format!("limits_at[{n}]"), &l, want, &mut problems),
                Err(e) => problems.push(format!("limits_at[{n}]: {e}")),
            }
        }
        problems
    })
}

#[test]
fn funnel_vectors() {
    support::run("funnel.json", "funnel", |input, expected| {
        support::all(check_case(input, expected))
    });
}
