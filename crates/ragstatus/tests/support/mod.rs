//! Shared helpers for the conformance-vector harnesses.
#![allow(dead_code)]

use std::str::FromStr;

use ragstatus::{Decimal, Error, ErrorKind};
use serde_json::Value;

/// Loads a vector file by name and checks its kind.
pub fn load(file: &str, kind: &str) -> Vec<Value> {
    let path = format!("{}/../../tests/vectors/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["kind"], kind, "{file}: kind");
    doc["cases"].as_array().unwrap().clone()
}

/// Runs every case and fails listing every failing case by name.
pub fn run(file: &str, kind: &str, check: impl Fn(&Value, &Value) -> Result<(), String>) {
    let cases = load(file, kind);
    assert!(!cases.is_empty(), "{file}: no cases");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("<unnamed>");
        assert!(case["why"].is_string(), "{name}: missing why");
        if let Err(msg) = check(&case["input"], &case["expected"]) {
            failures.push(format!("{name}: {msg}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    eprintln!("{file}: {} cases passed", cases.len());
}

/// A decimal from a JSON string.
pub fn dec(v: &Value) -> Decimal {
    Decimal::from_str(
        v.as_str()
            .unwrap_or_else(|| panic!("not a decimal string: {v}")),
    )
    .unwrap()
}

/// An optional decimal: null or a string.
pub fn opt_dec(v: &Value) -> Option<Decimal> {
    if v.is_null() { None } else { Some(dec(v)) }
}

/// The ErrorKind variant name.
pub fn kind_name(e: &Error) -> String {
    let debug = format!("{:?}", e.kind());
    let name = debug
        .split([' ', '(', '{'])
        .next()
        .unwrap_or("")
        .to_string();
    let _ = matches!(e.kind(), ErrorKind::Io { .. });
    name
}

/// Checks an error against `{"error": "Kind", "field": ..., "indicator": ..., "period": ...}`.
pub fn check_error(e: &Error, expected: &Value) -> Result<(), String> {
    let want = expected["error"]
        .as_str()
        .ok_or(format!("unexpected error: {e}"))?;
    let got = kind_name(e);
    if got != want {
        return Err(format!("expected error {want}, got {got}: {e}"));
    }
    let loc = e.location();
    for (key, got) in [
        ("field", &loc.field),
        ("indicator", &loc.indicator),
        ("period", &loc.period),
    ] {
        if let Some(want) = expected.get(key).and_then(Value::as_str) {
            if got.as_deref() != Some(want) {
                return Err(format!("expected {key} {want:?}, got {got:?}: {e}"));
            }
        }
    }
    Ok(())
}

/// Compares two decimals numerically.
pub fn same(what: &str, got: Option<Decimal>, want: Option<Decimal>) -> Result<(), String> {
    if got != want {
        return Err(format!("{what}: expected {want:?}, got {got:?}"));
    }
    Ok(())
}
