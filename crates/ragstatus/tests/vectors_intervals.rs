//! Conformance vectors of kind `intervals` (`tests/vectors/intervals.json`, SPEC §8a).
//!
//! Shape of a case:
//!
//! - `input.function`: `proportion`, `rate` or `ratio` (with `count`, `denominator`,
//!   `level` `"95"` / `"99.8"`, `multiplier`), `dsr` (with `strata`: a list of `count`,
//!   `population`, `standard`), `compare` (with `area`: one of the above without its level,
//!   `comparator`, `preference` `higher` / `lower` / `none`, and `level`) or `compare_levels`
//!   (the same, compared at 95% and 99.8%).
//! - `expected`: `{"error": "<ErrorKind variant>", "field": ...}`, or for an interval
//!   `value`, `lower`, `upper` (decimal strings compared after rounding the result half away
//!   from zero to `places` decimal places) and `method`; for a comparison `outcome`, `level`,
//!   `reason` and `at_limit`, each checked only when present.

use ragstatus::comparison::{Preference, compare, compare_levels};
use ragstatus::interval::{ConfidenceLevel, Interval, Stratum, dsr, proportion, rate, ratio};
use ragstatus::{Decimal, Error};
use rust_decimal::RoundingStrategy;
use serde_json::Value;

fn dec(v: &Value) -> Decimal {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("decimal string expected, got {v}"))
}

fn level(v: &Value) -> ConfidenceLevel {
    serde_json::from_value(v.clone()).expect("level")
}

fn interval(input: &Value, at: ConfidenceLevel) -> Result<Interval, Error> {
    let function = input["function"].as_str().expect("function");
    if function == "dsr" {
        let strata: Vec<Stratum> = input["strata"]
            .as_array()
            .expect("strata")
            .iter()
            .map(|s| Stratum {
                count: dec(&s["count"]),
                population: dec(&s["population"]),
                standard: dec(&s["standard"]),
            })
            .collect();
        return dsr(&strata, at, dec(&input["multiplier"]));
    }
    let (x, n, m) = (
        dec(&input["count"]),
        dec(&input["denominator"]),
        dec(&input["multiplier"]),
    );
    match function {
        "proportion" => proportion(x, n, at, m),
        "rate" => rate(x, n, at, m),
        "ratio" => ratio(x, n, at, m),
        other => panic!("unknown function {other}"),
    }
}

fn round_places(d: Decimal, places: u32) -> Decimal {
    d.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
}

/// `d` rounded half away from zero to `digits` significant digits.
fn round_significant(d: Decimal, digits: u32) -> Decimal {
    if d.is_zero() {
        return d;
    }
    let d = d.normalize();
    let mantissa_digits = d.mantissa().unsigned_abs().to_string().len() as i64;
    let leading = mantissa_digits - 1 - i64::from(d.scale());
    let places = i64::from(digits) - 1 - leading;
    assert!(places >= 0, "vectors keep integer digits whole");
    round_places(d, places as u32)
}

fn check_interval(name: &str, ci: &Interval, expected: &Value, failures: &mut Vec<String>) {
    for (key, have) in [
        ("value", ci.value),
        ("lower", ci.lower),
        ("upper", ci.upper),
    ] {
        if let Some(want) = expected.get(key) {
            let want = dec(want);
            let got = match (
                expected["places"].as_u64(),
                expected["significant"].as_u64(),
            ) {
                (Some(p), _) => round_places(have, p as u32),
                (None, Some(s)) => round_significant(have, s as u32),
                (None, None) => have,
            };
            if got != want {
                failures.push(format!("{name}: {key} got {have}, expected {want}"));
            }
        }
    }
    if let Some(want) = expected.get("method") {
        let have = serde_json::to_value(ci.method).expect("method");
        if &have != want {
            failures.push(format!("{name}: method got {have}, expected {want}"));
        }
    }
}

#[test]
fn interval_vectors() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/intervals.json"
    );
    let text = std::fs::read_to_string(path).expect("read vectors");
    let doc: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(doc["kind"], "intervals");
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in doc["cases"].as_array().expect("cases") {
        let name = case["name"].as_str().expect("name");
        assert!(case["why"].is_string(), "{name}: every case has a why");
        assert!(
            case["source"].is_string(),
            "{name}: every case cites its source"
        );
        ran += 1;
        let input = &case["input"];
        let expected = &case["expected"];
        let function = input["function"].as_str().expect("function");
        if function == "compare" || function == "compare_levels" {
            let comparator = dec(&input["comparator"]);
            let preference: Preference =
                serde_json::from_value(input["preference"].clone()).expect("preference");
            let area = &input["area"];
            let got = if function == "compare" {
                let ci = interval(area, level(&input["level"])).ok();
                compare(ci.as_ref(), comparator, preference)
            } else {
                let a = interval(area, ConfidenceLevel::P95).ok();
                let b = interval(area, ConfidenceLevel::P998).ok();
                compare_levels(a.as_ref(), b.as_ref(), comparator, preference).expect("levels")
            };
            let got = serde_json::to_value(&got).expect("serialise");
            for (key, want) in expected.as_object().expect("expected object") {
                if &got[key] != want {
                    failures.push(format!("{name}: {key} got {}, expected {want}", got[key]));
                }
            }
            continue;
        }
        let at = level(&input["level"]);
        match (interval(input, at), expected.get("error")) {
            (Ok(ci), None) => check_interval(name, &ci, expected, &mut failures),
            (Ok(ci), Some(err)) => {
                failures.push(format!("{name}: expected error {err}, got {ci:?}"))
            }
            (Err(e), None) => failures.push(format!("{name}: unexpected error {e}")),
            (Err(e), Some(err)) => {
                if e.kind().name() != err.as_str().unwrap_or_default() {
                    failures.push(format!("{name}: error {} expected {err}", e.kind().name()));
                }
                if let Some(field) = expected.get("field").and_then(Value::as_str) {
                    if e.location().field.as_deref() != Some(field) {
                        failures.push(format!(
                            "{name}: error field {:?}, expected {field}",
                            e.location().field
                        ));
                    }
                }
            }
        }
    }
    assert!(ran >= 40, "only {ran} cases ran");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
