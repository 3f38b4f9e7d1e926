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

use std::str::FromStr;

use ragstatus::budget::{AmountUnit, BudgetLine, BudgetSettings, parse_amount, roll_up};
use ragstatus::{Decimal, Error};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/../../tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn kind_name(err: &Error) -> String {
    let debug = format!("{:?}", err.kind());
    debug
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

fn run_budget_case(case: &Value) -> Vec<String> {
    let input = &case["input"];
    let expected = &case["expected"];
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
            Err(err) => check_error(&err, expected),
            Ok(r) => match r.errors.first() {
                Some(err) => check_error(err, expected),
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
            if !same(want, got) {
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
            problems.extend(check_error(err, want));
        }
    }
    problems
}

fn run_amount_case(case: &Value) -> Vec<String> {
    let input = &case["input"];
    let expected = &case["expected"];
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
        (Err(err), Some(_)) => check_error(&err, expected),
        (Err(err), None) => vec![format!("{text:?} failed: {err}")],
    }
}

fn run_file(name: &str, kind: &str, run: fn(&Value) -> Vec<String>) {
    let file = load(name);
    assert_eq!(file["kind"], kind, "{name}: kind");
    let cases = file["cases"].as_array().cloned().unwrap_or_default();
    assert!(!cases.is_empty(), "{name}: no cases");
    let mut failures = Vec::new();
    for case in &cases {
        let label = case["name"].as_str().unwrap_or("?");
        assert!(
            case["why"].as_str().is_some_and(|w| !w.is_empty()),
            "{label}: no why"
        );
        let problems = run(case);
        if !problems.is_empty() {
            failures.push(format!("{label}:\n    {}", problems.join("\n    ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} {name} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn budget_vectors() {
    run_file("budget.json", "budget", run_budget_case);
}

#[test]
fn amount_vectors() {
    run_file("amounts.json", "amount", run_amount_case);
}
