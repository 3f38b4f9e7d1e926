//! Conformance vectors of kind `quantiles` (`tests/vectors/quantiles.json`, SPEC §8a).
//!
//! Shape of a case:
//!
//! - `input`: `values` (decimal strings, `null` for a missing value, one per area), `bands` (the
//!   number of bands), `preference` (`higher`, `lower` or `none`).
//! - `expected`: either `{"error": "<ErrorKind variant>", "field": ...}` or any of
//!   `cut_points` (decimal strings, compared by value), `bands` (integers or null, one per area),
//!   `labels` (strings or null) and `missing` (positions), each checked only when present.

mod support;

use ragstatus::comparison::Preference;
use ragstatus::quantile::quantile_bands;
use serde_json::{Value, json};

fn check(input: &Value, expected: &Value) -> Result<(), String> {
    let values: Vec<_> = input["values"]
        .as_array()
        .expect("values")
        .iter()
        .map(support::opt_dec)
        .collect();
    let n = u32::try_from(input["bands"].as_u64().expect("bands")).expect("bands fit");
    let preference: Preference =
        serde_json::from_value(input["preference"].clone()).expect("preference");
    let got = match quantile_bands(&values, n, preference) {
        Ok(got) => got,
        Err(e) => return support::check_error(&e, expected),
    };
    if expected.get("error").is_some() {
        return Err(format!("expected an error, got {got:?}"));
    }
    let mut problems = Vec::new();
    let cuts: Vec<Value> = got
        .cut_points
        .iter()
        .map(|c| Value::String(c.to_string()))
        .collect();
    let bands: Vec<Value> = got.areas.iter().map(|a| json!(a.band)).collect();
    let labels: Vec<Value> = got.areas.iter().map(|a| json!(a.label)).collect();
    let actual = json!({
        "cut_points": cuts,
        "bands": bands,
        "labels": labels,
        "missing": got.missing,
    });
    for (key, want) in expected.as_object().expect("expected object") {
        let have = &actual[key];
        let same = match (want.as_array(), have.as_array()) {
            (Some(w), Some(h)) => {
                w.len() == h.len() && w.iter().zip(h).all(|(w, h)| support::same_value(w, h))
            }
            _ => support::same_value(want, have),
        };
        if !same {
            problems.push(format!("{key}: got {have}, expected {want}"));
        }
    }
    // Every area is present exactly once, in input order.
    if got.areas.len() != values.len() {
        problems.push(format!(
            "{} areas for {} values",
            got.areas.len(),
            values.len()
        ));
    }
    support::all(problems)
}

#[test]
fn quantile_vectors() {
    support::run("quantiles.json", "quantiles", check);
}
