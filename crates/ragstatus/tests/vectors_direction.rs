//! Conformance vectors of kind `direction` (`tests/vectors/direction.json`).
//!
//! `input.op` is `compare` (`polarity`, `actual`, `comparison` — decimal strings or null) or
//! `regression` (`polarity`, `values`: decimal strings or nulls, oldest first); both take an
//! optional `stable` (`{"absolute": "0.5"}` or `{"relative": "5"}`, default absolute 0) and an
//! optional `range` (`["low", "high"]`, for `within`).
//!
//! `expected` is `{"direction": "Improving" | "Worsening" | "NoChange" | "NotComparable",
//! "change": "<decimal>"}` (`change` optional: the improvement, or slope × (n − 1)), or
//! `{"error": "<kind>"}`.

mod support;

use ragstatus::direction::{StableBand, Travel, by_regression, compare};
use ragstatus::{Decimal, Polarity};
use serde_json::Value;
use support::*;

fn check(got: ragstatus::Result<Travel>, expected: &Value) -> Result<(), String> {
    let travel = match got {
        Ok(t) => t,
        Err(e) => return check_error(&e, expected),
    };
    if expected.get("error").is_some() {
        return Err(format!("expected an error, got {travel:?}"));
    }
    let dir = travel.direction.as_str();
    if expected["direction"] != dir {
        return Err(format!(
            "expected {}, got {dir} ({travel:?})",
            expected["direction"]
        ));
    }
    if let Some(change) = expected.get("change") {
        same("change", travel.change, Some(dec(change)))?;
    }
    Ok(())
}

#[test]
fn direction_vectors() {
    run("direction.json", "direction", |input, expected| {
        let polarity: Polarity = serde_json::from_value(input["polarity"].clone()).unwrap();
        let stable = match input.get("stable") {
            Some(s) => serde_json::from_value::<StableBand>(s.clone()).unwrap(),
            None => StableBand::default(),
        };
        if let Err(e) = stable.validate() {
            return check_error(&e, expected);
        }
        let range = input.get("range").map(|r| (dec(&r[0]), dec(&r[1])));
        match input["op"].as_str().unwrap() {
            "compare" => check(
                compare(
                    polarity,
                    opt_dec(&input["actual"]),
                    opt_dec(&input["comparison"]),
                    range,
                    stable,
                ),
                expected,
            ),
            "regression" => {
                let values: Vec<Option<Decimal>> = input["values"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(opt_dec)
                    .collect();
                check(by_regression(polarity, &values, range, stable), expected)
            }
            op => Err(format!("unknown op {op}")),
        }
    });
}
