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

mod support;

use ragstatus::Decimal;
use ragstatus::benchmarking::{BenchmarkSettings, benchmark};
use serde_json::Value;

fn dec(v: &Value) -> Option<Decimal> {
    v.as_str().and_then(|s| s.parse().ok())
}

fn check_case(input: &Value, expected: &Value) -> Vec<String> {
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
    support::check_outcome(
        benchmark(actual, &comparators, &settings),
        expected,
        |result| {
            let got = serde_json::to_value(&result).expect("serialise");
            let mut problems = Vec::new();
            for (key, want) in expected.as_object().expect("expected object") {
                let have = &got[key];
                let ok = match (dec(have), dec(want)) {
                    (Some(h), Some(w)) if key != "explanation" && key != "status" => h == w,
                    _ => have == want,
                };
                if !ok {
                    problems.push(format!("{key} got {have}, expected {want}"));
                }
            }
            problems
        },
    )
}

#[test]
fn benchmarking_vectors() {
    support::run("benchmarking.json", "benchmarking", |input, expected| {
        support::all(check_case(input, expected))
    });
}
