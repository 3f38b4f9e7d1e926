//! Conformance vectors of kind `benchmarking` (`tests/vectors/benchmarking.json`).
//!
//! Shape of a case:
//!
//! - `input`: `actual` (decimal string), `comparators` (a list of decimal strings or `null` for a
//!   missing value), `settings` (a `BenchmarkSettings` object: `polarity` `higher` / `lower`,
//!   optional `actual_in_comparators`, `scheme` with `quartile_1` .. `quartile_4` statuses,
//!   `unit`).
//! - `expected`: either `{"error": "<ErrorKind variant>", "field": ...}` or any of the result's
//!   fields, each checked only when present: `group_size`, `missing`, `tied`, `rank`,
//!   `quartile` (integers or null), `lower_quartile`, `median`, `upper_quartile`,
//!   `distance_from_median` (decimal strings, compared by value, or null), `status` (a status
//!   name or null) and `explanation`.

use ragstatus::benchmarking::{BenchmarkSettings, benchmark};
use ragstatus::{Decimal, ErrorKind};
use serde_json::Value;

fn dec(v: &Value) -> Option<Decimal> {
    v.as_str().and_then(|s| s.parse().ok())
}

fn error_name(kind: &ErrorKind) -> String {
    format!("{kind:?}")
        .split([' ', '{', '('])
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn benchmarking_vectors() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/benchmarking.json"
    );
    let text = std::fs::read_to_string(path).expect("read vectors");
    let doc: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(doc["kind"], "benchmarking");
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in doc["cases"].as_array().expect("cases") {
        let name = case["name"].as_str().expect("name");
        assert!(case["why"].is_string(), "{name}: every case has a why");
        ran += 1;
        let input = &case["input"];
        let expected = &case["expected"];
        let actual = dec(&input["actual"]).expect("actual");
        let comparators: Vec<Option<Decimal>> = input["comparators"]
            .as_array()
            .expect("comparators")
            .iter()
            .map(|v| {
                if v.is_null() {
                    None
                } else {
                    Some(dec(v).expect("decimal"))
                }
            })
            .collect();
        let settings: BenchmarkSettings =
            serde_json::from_value(input["settings"].clone()).expect("settings");
        match (
            benchmark(actual, &comparators, &settings),
            expected.get("error"),
        ) {
            (Ok(result), None) => {
                let got = serde_json::to_value(&result).expect("serialise");
                for (key, want) in expected.as_object().expect("expected object") {
                    let have = &got[key];
                    let ok = match (dec(have), dec(want)) {
                        (Some(h), Some(w)) if key != "explanation" && key != "status" => h == w,
                        _ => have == want,
                    };
                    if !ok {
                        failures.push(format!("{name}: {key} got {have}, expected {want}"));
                    }
                }
            }
            (Ok(_), Some(err)) => failures.push(format!("{name}: expected error {err}")),
            (Err(e), None) => failures.push(format!("{name}: unexpected error {e}")),
            (Err(e), Some(err)) => {
                if error_name(e.kind()) != err.as_str().unwrap_or_default() {
                    failures.push(format!("{name}: error {e:?}, expected {err}"));
                }
                if let Some(field) = expected.get("field")
                    && e.location().field.as_deref() != field.as_str()
                {
                    failures.push(format!("{name}: error field {:?}", e.location().field));
                }
            }
        }
    }
    assert!(ran > 0, "no benchmarking vectors ran");
    assert!(
        failures.is_empty(),
        "{} of {ran} benchmarking vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
