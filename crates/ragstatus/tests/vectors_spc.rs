//! Conformance vectors of kind `spc` (`tests/vectors/spc*.json`).
//!
//! Shape of a case:
//!
//! - `input`: `values` (decimal strings, oldest first), optional `labels` (one string per value)
//!   and optional `settings` (an `SpcSettings` object: `improvement`, `target`, `fix_after`,
//!   `rebase_at`, `screen_outliers`, `outside_rule`, `shift_rule`, `shift_length`, `trend_rule`,
//!   `trend_length`, `two_of_three_rule`, `two_of_three_counts_outside`, `trial_limit_points`).
//! - `expected`: either `{"error": "<ErrorKind variant>"}` or any of these keys, each checked
//!   only when present:
//!   - `significant_digits`: compare the decimals of `segments` rounded to this many significant
//!     digits (for results published by R, which prints 7); otherwise decimals compare exactly
//!     (by value: "11.50" equals "11.5");
//!   - `segments`: a list, one object per segment, with any of `start`, `end`, `points`,
//!     `trial_limits`, `mean`, `mean_moving_range`, `lower_process_limit`,
//!     `upper_process_limit`, `lower_two_sigma`, `upper_two_sigma` (decimal or null),
//!     `moving_ranges_used`, `moving_ranges_screened`;
//!   - `point_types`: the label of every point (`common_cause`, `special_cause_improvement`,
//!     `special_cause_concern`, `special_cause_neutral_high`, `special_cause_neutral_low`);
//!   - `flagged`: an object from rule name (`outside`, `trend`, `two_of_three`, `shift`) to the
//!     zero-based indexes of every point that rule flags (rules left out are not checked);
//!   - `moving_ranges`: every point's moving range (decimal or null);
//!   - `moving_range_used`: every point's flag;
//!   - `variation`, `assurance`: the icons (string or null);
//!   - `explanations`: an object from zero-based point index to that point's explanation;
//!   - `signals`: the explanation of every signal, in order;
//!   - `explanation`: the series explanation;
//!   - `values`, `centre`, `lower_process_limits`, `upper_process_limits`: every point's
//!     plotted value, centre line and limits (decimal or null; `significant_digits` applies);
//!   - `runs`: one Anhøj runs analysis (or null) per segment;
//!   - `excluded`: every point's exclusion reason (or null).
//!
//! `input` may also hold `denominators` (one decimal string per value, for the P, P′, U and U′
//! charts of `settings.chart`).

mod support;

use std::collections::BTreeMap;

use ragstatus::Decimal;
use ragstatus::spc::{SpcResult, SpcRule, SpcSettings, spc, spc_chart, spc_with_labels};
use serde_json::{Value, json};

const FILES: &[&str] = &["spc.json", "spc_rules.json", "spc_family.json"];

fn dec(v: &Value) -> Option<Decimal> {
    v.as_str().and_then(|s| s.parse().ok())
}

fn run(input: &Value) -> Result<SpcResult, ragstatus::Error> {
    let values: Vec<Decimal> = input["values"]
        .as_array()
        .expect("values")
        .iter()
        .map(|v| dec(v).expect("values are decimal strings"))
        .collect();
    let settings: SpcSettings = match input.get("settings") {
        Some(s) => serde_json::from_value(s.clone()).expect("settings parse"),
        None => SpcSettings::default(),
    };
    if let Some(denominators) = input.get("denominators") {
        let denominators: Vec<Decimal> = denominators
            .as_array()
            .expect("denominators")
            .iter()
            .map(|v| dec(v).expect("denominators are decimal strings"))
            .collect();
        let labels: Option<Vec<String>> = input
            .get("labels")
            .map(|l| serde_json::from_value(l.clone()).expect("labels"));
        return spc_chart(&values, Some(&denominators), labels.as_deref(), &settings);
    }
    match input.get("labels") {
        Some(labels) => {
            let labels: Vec<String> = serde_json::from_value(labels.clone()).expect("labels");
            spc_with_labels(&values, &labels, &settings)
        }
        None => spc(&values, &settings),
    }
}

fn same_decimal(got: &Value, want: &Value, digits: Option<u32>) -> bool {
    match (dec(got), dec(want)) {
        (Some(g), Some(w)) => match digits {
            Some(d) => g.round_sf(d) == w.round_sf(d),
            None => g == w,
        },
        _ => got.is_null() && want.is_null(),
    }
}

fn check(result: &SpcResult, expected: &Value, failures: &mut Vec<String>) {
    let mut fail = |what: String| failures.push(what);
    let digits = expected["significant_digits"].as_u64().map(|d| d as u32);
    let got = serde_json::to_value(result).expect("serialise");

    if let Some(segments) = expected.get("segments") {
        let want = segments.as_array().expect("segments list");
        let have = got["segments"].as_array().expect("segments");
        if want.len() != have.len() {
            fail(format!("{} segments, expected {}", have.len(), want.len()));
        }
        for (i, (w, h)) in want.iter().zip(have).enumerate() {
            for (key, wv) in w.as_object().expect("segment object") {
                let hv = if h.get(key).is_some() {
                    &h[key]
                } else {
                    &h["limits"][key]
                };
                let ok = if wv.is_string() && dec(wv).is_none() {
                    hv == wv
                } else if wv.is_string() || (wv.is_null() && !hv.is_u64()) {
                    same_decimal(hv, wv, digits)
                } else {
                    hv == wv
                };
                if !ok {
                    fail(format!("segment {i} {key}: got {hv}, expected {wv}"));
                }
            }
        }
    }
    let points = got["points"].as_array().expect("points");
    if let Some(want) = expected.get("point_types") {
        let have: Vec<Value> = points.iter().map(|p| p["point_type"].clone()).collect();
        if Value::Array(have.clone()) != *want {
            fail(format!("point_types: got {have:?}, expected {want}"));
        }
    }
    if let Some(flagged) = expected.get("flagged") {
        for (rule, want) in flagged.as_object().expect("flagged object") {
            let rule: SpcRule = serde_json::from_value(json!(rule)).expect("rule name");
            let have: Vec<usize> = result
                .points
                .iter()
                .filter(|p| p.rules.contains(&rule))
                .map(|p| p.index)
                .collect();
            if json!(have) != *want {
                fail(format!(
                    "flagged {}: got {have:?}, expected {want}",
                    rule.as_str()
                ));
            }
        }
    }
    for key in ["moving_ranges", "moving_range_used"] {
        if let Some(want) = expected.get(key) {
            let field = if key == "moving_ranges" {
                "moving_range"
            } else {
                "moving_range_used"
            };
            let have: Vec<Value> = points.iter().map(|p| p[field].clone()).collect();
            let want = want.as_array().expect("list");
            let ok = have.len() == want.len()
                && have
                    .iter()
                    .zip(want)
                    .all(|(h, w)| h == w || same_decimal(h, w, None));
            if !ok {
                fail(format!("{key}: got {have:?}, expected {want:?}"));
            }
        }
    }
    for key in ["variation", "assurance", "explanation"] {
        if let Some(want) = expected.get(key)
            && got[key] != *want
        {
            fail(format!("{key}: got {}, expected {want}", got[key]));
        }
    }
    if let Some(want) = expected.get("explanations") {
        for (index, text) in want.as_object().expect("explanations object") {
            let i: usize = index.parse().expect("index");
            let have = &points[i]["explanation"];
            if have != text {
                fail(format!(
                    "explanation of point {i}: got {have}, expected {text}"
                ));
            }
        }
    }
    for (key, field) in [
        ("values", "value"),
        ("centre", "mean"),
        ("lower_process_limits", "lower_process_limit"),
        ("upper_process_limits", "upper_process_limit"),
    ] {
        if let Some(want) = expected.get(key) {
            let have: Vec<Value> = points.iter().map(|p| p[field].clone()).collect();
            let want = want.as_array().expect("list");
            let ok = have.len() == want.len()
                && have
                    .iter()
                    .zip(want)
                    .all(|(h, w)| same_decimal(h, w, digits));
            if !ok {
                fail(format!("{key}: got {have:?}, expected {want:?}"));
            }
        }
    }
    if let Some(want) = expected.get("runs") {
        let have: Vec<Value> = got["segments"]
            .as_array()
            .expect("segments")
            .iter()
            .map(|s| s.get("runs").cloned().unwrap_or(Value::Null))
            .collect();
        if Value::Array(have.clone()) != *want {
            fail(format!("runs: got {have:?}, expected {want}"));
        }
    }
    if let Some(want) = expected.get("excluded") {
        let have: Vec<Value> = points
            .iter()
            .map(|p| p.get("excluded").cloned().unwrap_or(Value::Null))
            .collect();
        if Value::Array(have.clone()) != *want {
            fail(format!("excluded: got {have:?}, expected {want}"));
        }
    }
    if let Some(want) = expected.get("signals") {
        let have: Vec<Value> = got["signals"]
            .as_array()
            .expect("signals")
            .iter()
            .map(|s| s["explanation"].clone())
            .collect();
        if Value::Array(have.clone()) != *want {
            fail(format!("signals: got {have:?}, expected {want}"));
        }
    }
}

#[test]
fn spc_vectors() {
    let mut names = BTreeMap::new();
    for file in FILES {
        for case in &support::load(file, "spc") {
            let name = case["name"].as_str().expect("name").to_string();
            assert!(names.insert(name.clone(), ()).is_none(), "duplicate {name}");
        }
        support::run(file, "spc", |input, expected| {
            support::all(support::check_outcome(run(input), expected, |result| {
                let mut problems = Vec::new();
                check(&result, expected, &mut problems);
                problems
            }))
        });
    }
}
