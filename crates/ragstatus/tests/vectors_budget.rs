//! Conformance vectors of kind `budget` (`tests/vectors/budget.json`) and `amount`
//! (`tests/vectors/amounts.json`).
//!
//! `budget` cases:
//! - `input`: `{ "settings": <BudgetSettings, optional>, "lines": [<BudgetLine>...] }`, in the
//!   serde shape of the Rust types (decimals as strings).
//! - `expected`: either `{ "results": { "<id>": { "<field>": <value>, ... } }, "errors": [...] }`
//!   where `<id>` is a line id, a total's path joined with `" > "` or the fund name, and each
//!   `<field>` is a field of `BudgetResult` (`status`, `variance`, `variance_percent`, `level`,
//!   `movement`, ...) or of its explanation (`sentence`, `rule`); only the fields given are
//!   checked, decimals compared as numbers, `null` for absent. `errors` (optional) lists the
//!   line errors of the report in order as `{ "error": "<ErrorKind>", "indicator": "<id>" }`.
//! - or `{ "error": "<ErrorKind>", "indicator": ..., "field": ... }`: the roll-up fails, or its
//!   first line error is this.
//!
//! `amount` cases: `input` `{ "text": "(443)", "unit": "thousands" }`; `expected`
//! `{ "value": "-443000" }` (pounds) or `{ "error": "<ErrorKind>" }`.

mod support;

use std::str::FromStr;

use ragstatus::Decimal;
use ragstatus::budget::{AmountUnit, BudgetLine, BudgetSettings, parse_amount, roll_up};
use serde_json::Value;
use support::{all, error_problems, run, same_value};

fn run_budget_case(input: &Value, expected: &Value) -> Vec<String> {
    let settings: BudgetSettings = match input.get("settings") {
        Some(s) => match serde_json::from_value(s.clone()) {
            Ok(s) => s,
            Err(e) => return vec![format!("settings do not parse: {e}")],
        },
        None => BudgetSettings::default(),
    };
    let lines: Vec<BudgetLine> = match serde_json::from_value(input["lines"].clone()) {
        Ok(l) => l,
        Err(e) => return vec![format!("lines do not parse: {e}")],
    };
    let report = roll_up(&lines, &settings);
    if expected.get("error").is_some() {
        return match report {
            Err(err) => error_problems(&err, expected),
            Ok(r) => match r.errors.first() {
                Some(err) => error_problems(err, expected),
                None => vec![format!("no error, expected {}", expected["error"])],
            },
        };
    }
    let report = match report {
        Ok(r) => r,
        Err(e) => return vec![format!("unexpected error: {e}")],
    };
    let mut problems = Vec::new();
    let Some(results) = expected["results"].as_object() else {
        return vec!["expected.results missing".into()];
    };
    for (id, fields) in results {
        let Some(result) = report.get(id) else {
            problems.push(format!("no result {id:?}"));
            continue;
        };
        let value = serde_json::to_value(result).unwrap_or_default();
        for (field, want) in fields.as_object().into_iter().flatten() {
            let got = match field.as_str() {
                "sentence" | "rule" => &value["explanation"][field],
                _ => &value[field],
            };
            if !same_value(want, got) {
                problems.push(format!("{id}.{field} = {got}, expected {want}"));
            }
        }
    }
    let want_errors = expected["errors"].as_array().cloned().unwrap_or_default();
    if want_errors.len() != report.errors.len() {
        problems.push(format!(
            "{} line errors ({:?}), expected {}",
            report.errors.len(),
            report
                .errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            want_errors.len()
        ));
    } else {
        for (err, want) in report.errors.iter().zip(&want_errors) {
            problems.extend(error_problems(err, want));
        }
    }
    problems
}

fn run_amount_case(input: &Value, expected: &Value) -> Vec<String> {
    let unit: AmountUnit = match serde_json::from_value(input["unit"].clone()) {
        Ok(u) => u,
        Err(e) => return vec![format!("unit does not parse: {e}")],
    };
    let text = input["text"].as_str().unwrap_or_default();
    match (parse_amount(text, unit), expected.get("error")) {
        (Ok(v), None) => {
            let want = expected["value"].as_str().unwrap_or_default();
            if Decimal::from_str(want).ok() == Some(v) {
                vec![]
            } else {
                vec![format!("{text:?} gave {v}, expected {want}")]
            }
        }
        (Ok(v), Some(e)) => vec![format!("{text:?} gave {v}, expected error {e}")],
        (Err(err), Some(_)) => error_problems(&err, expected),
        (Err(err), None) => vec![format!("{text:?} failed: {err}")],
    }
}

#[test]
fn budget_vectors() {
    run("budget.json", "budget", |input, expected| {
        all(run_budget_case(input, expected))
    });
}

#[test]
fn amount_vectors() {
    run("amounts.json", "amount", |input, expected| {
        all(run_amount_case(input, expected))
    });
}
