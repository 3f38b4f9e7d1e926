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

mod support;

use chrono::NaiveDate;
use ragstatus::milestone::{Milestone, MilestoneSettings, evaluate_milestone, parse_date};
use serde_json::Value;
use support::{all, error_problems, run, same_value};

fn run_case(input: &Value, expected: &Value) -> Vec<String> {
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
            (Err(err), Some(_)) => error_problems(&err, expected),
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
        (Err(err), Some(_)) => error_problems(&err, expected),
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
                if !same_value(want, got) {
                    problems.push(format!("{field} = {got}, expected {want}"));
                }
            }
            problems
        }
    }
}

#[test]
fn milestone_vectors() {
    run("milestones.json", "milestone", |input, expected| {
        all(run_case(input, expected))
    });
}
