//! The one harness of the conformance vectors (`tests/vectors/*.json`), used by every
//! `vectors_*.rs`: reading a file, checking its kind and that every case is named and says why,
//! running the cases and listing every failure, and naming errors by
//! [`ErrorKind::name`](ragstatus::ErrorKind::name) as the vectors write them.
#![allow(dead_code)]

use std::str::FromStr;

use ragstatus::{Decimal, Error};
use serde_json::Value;

/// The text of a vector file, by name.
pub fn read(file: &str) -> String {
    let path = format!("{}/../../tests/vectors/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Loads a vector file by name and checks its kind, and that every case has a name and says
/// why.
pub fn load(file: &str, kind: &str) -> Vec<Value> {
    let doc: Value = serde_json::from_str(&read(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(doc["kind"], kind, "{file}: kind");
    let cases = doc["cases"]
        .as_array()
        .unwrap_or_else(|| panic!("{file}: no cases"))
        .clone();
    assert!(!cases.is_empty(), "{file}: no cases");
    for case in &cases {
        let name = case["name"]
            .as_str()
            .unwrap_or_else(|| panic!("{file}: a case without a name: {case}"));
        assert!(
            case["why"].as_str().is_some_and(|w| !w.is_empty()),
            "{file}: {name}: missing why"
        );
    }
    cases
}

/// Runs every case and fails listing every failing case by name.
pub fn run(file: &str, kind: &str, check: impl Fn(&Value, &Value) -> Result<(), String>) {
    let cases = load(file, kind);
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("<unnamed>");
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

/// The error's kind as the vectors name it (`"PeriodLabel"`).
pub fn kind_name(e: &Error) -> &'static str {
    e.kind().name()
}

/// Every problem of a case, as one failure (none: the case passed).
pub fn all(problems: Vec<String>) -> Result<(), String> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n    "))
    }
}

/// True when an expected JSON value matches the actual one, decimal strings by value
/// (`"2.50"` matches `"2.5"`).
pub fn same_value(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::String(e), Value::String(a)) => {
            e == a
                || matches!((Decimal::from_str(e), Decimal::from_str(a)), (Ok(x), Ok(y)) if x == y)
        }
        _ => expected == actual,
    }
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

/// Checks what a case gave against what it expects: an error (see [`check_error`]), or a result
/// that `check` lists the problems of.
pub fn check_outcome<T>(
    got: ragstatus::Result<T>,
    expected: &Value,
    check: impl FnOnce(T) -> Vec<String>,
) -> Vec<String> {
    match (got, expected.get("error")) {
        (Ok(result), None) => check(result),
        (Ok(_), Some(err)) => vec![format!("expected error {err}")],
        (Err(e), None) => vec![format!("unexpected error {e}")],
        (Err(e), Some(_)) => error_problems(&e, expected),
    }
}

/// [`check_error`]'s finding as a list of problems, for cases that report several.
pub fn error_problems(e: &Error, expected: &Value) -> Vec<String> {
    check_error(e, expected).err().into_iter().collect()
}

/// Compares two decimals numerically.
pub fn same(what: &str, got: Option<Decimal>, want: Option<Decimal>) -> Result<(), String> {
    if got != want {
        return Err(format!("{what}: expected {want:?}, got {got:?}"));
    }
    Ok(())
}

/// Checks every key of the expected object `want` against the same key of `got` (by
/// [`same_value`]); `null` expects `null`, and a key `got` lacks is a problem.
pub fn check_fields(what: &str, want: &Value, got: &Value) -> Result<(), String> {
    let Some(want) = want.as_object() else {
        return if want == got {
            Ok(())
        } else {
            Err(format!("{what}: expected {want}, got {got}"))
        };
    };
    if got.is_null() {
        return Err(format!("{what}: expected an object, got null"));
    }
    for (key, w) in want {
        let g = got.get(key).unwrap_or(&Value::Null);
        if !same_value(w, g) {
            return Err(format!("{what}.{key}: expected {w}, got {g}"));
        }
    }
    Ok(())
}
