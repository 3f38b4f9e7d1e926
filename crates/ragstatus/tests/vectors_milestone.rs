//! Conformance vectors of kind `milestone` (`tests/vectors/milestones.json`).
//!
//! Two shapes of case:
//! - `input`: `{ "milestone": <Milestone>, "as_of": "2016-03-10", "settings": <MilestoneSettings,
//!   optional> }`; `expected`: the fields to check — `state` (`Complete`, `CompleteLate`,
//!   `Overdue`, `AtRisk`, `OnTrack`), `status`, `completed` and any field of the explanation
//!   (`rule`, `days_from_due`, `expected_progress`, `progress_gap`, `sentence`); decimals compared
//!   as numbers, `null` for absent. Or `{ "error": "<ErrorKind>", "indicator": ..., "field": ... }`.
//! - `input`: `{ "date": "04/03/2016" }` (a CSV date cell); `expected`: `{ "value": "2016-03-04" }`
//!   or `{ "error": "<ErrorKind>" }`.

use std::str::FromStr;

use chrono::NaiveDate;
use ragstatus::milestone::{Milestone, MilestoneSettings, evaluate_milestone, parse_date};
use ragstatus::{Decimal, Error};
use serde_json::Value;

fn kind_name(err: &Error) -> String {
    format!("{:?}", err.kind())
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_string()
}

fn same(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::String(e), Value::String(a)) => {
            e == a
                || matches!((Decimal::from_str(e), Decimal::from_str(a)), (Ok(x), Ok(y)) if x == y)
        }
        _ => expected == actual,
    }
}

fn check_error(err: &Error, expected: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    if Some(kind_name(err).as_str()) != expected["error"].as_str() {
        problems.push(format!(
            "error {} ({err}), expected {}",
            kind_name(err),
            expected["error"]
        ));
    }
    let location = err.location();
    for (key, actual) in [
        ("indicator", &location.indicator),
        ("field", &location.field),
    ] {
        if let Some(want) = expected.get(key).and_then(Value::as_str) {
            if actual.as_deref() != Some(want) {
                problems.push(format!("{key} {actual:?}, expected {want:?} ({err})"));
            }
        }
    }
    problems
}

fn run_case(case: &Value) -> Vec<String> {
    let input = &case["input"];
    let expected = &case["expected"];
    if let Some(text) = input.get("date").and_then(Value::as_str) {
        return match (parse_date(text), expected.get("error")) {
            (Ok(d), None) => {
                let want = expected["value"].as_str().unwrap_or_default();
                if d.to_string() == want {
                    vec![]
                } else {
                    vec![format!("{text:?} gave {d}, expected {want}")]
                }
            }
            (Ok(d), Some(e)) => vec![format!("{text:?} gave {d}, expected error {e}")],
            (Err(err), Some(_)) => check_error(&err, expected),
            (Err(err), None) => vec![format!("{text:?} failed: {err}")],
        };
    }
    let milestone: Milestone = match serde_json::from_value(input["milestone"].clone()) {
        Ok(m) => m,
        Err(e) => return vec![format!("milestone does not parse: {e}")],
    };
    let as_of: NaiveDate = match serde_json::from_value(input["as_of"].clone()) {
        Ok(d) => d,
        Err(e) => return vec![format!("as_of does not parse: {e}")],
    };
    let settings: MilestoneSettings = match input.get("settings") {
        Some(s) => match serde_json::from_value(s.clone()) {
            Ok(s) => s,
            Err(e) => return vec![format!("settings do not parse: {e}")],
        },
        None => MilestoneSettings::default(),
    };
    match (
        evaluate_milestone(&milestone, as_of, &settings),
        expected.get("error"),
    ) {
        (Err(err), Some(_)) => check_error(&err, expected),
        (Err(err), None) => vec![format!("unexpected error: {err}")],
        (Ok(r), Some(e)) => vec![format!("{:?}, expected error {e}", r.state)],
        (Ok(r), None) => {
            let value = serde_json::to_value(&r).unwrap_or_default();
            let mut problems = Vec::new();
            for (field, want) in expected.as_object().into_iter().flatten() {
                let got = match field.as_str() {
                    "state" | "status" | "completed" | "due" | "as_of" => &value[field],
                    _ => &value["explanation"][field],
                };
                if !same(want, got) {
                    problems.push(format!("{field} = {got}, expected {want}"));
                }
            }
            problems
        }
    }
}

#[test]
fn milestone_vectors() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/milestones.json"
    );
    let text = std::fs::read_to_string(path).expect("vector file");
    let file: Value = serde_json::from_str(&text).expect("vector JSON");
    assert_eq!(file["kind"], "milestone");
    let cases = file["cases"].as_array().cloned().unwrap_or_default();
    assert!(!cases.is_empty(), "no cases");
    let mut failures = Vec::new();
    for case in &cases {
        let label = case["name"].as_str().unwrap_or("?");
        assert!(
            case["why"].as_str().is_some_and(|w| !w.is_empty()),
            "{label}: no why"
        );
        let problems = run_case(case);
        if !problems.is_empty() {
            failures.push(format!("{label}:\n    {}", problems.join("\n    ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} milestone cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
