//! Conformance vectors of kind `values` (`tests/vectors/values.json`).
//!
//! `input.op` is one of:
//! - `resolve`: `observation` (`{"value"}` or `{"numerator","denominator"}`), `multiplier`;
//! - `aggregate`: `aggregation` (sum | ratio | mean | last | max | min), `observations`,
//!   `multiplier`;
//! - `round`: `value`, `decimals`, `mode` (half_away_from_zero | half_even);
//! - `from_f64`: `float` (a JSON number).
//!
//! `expected` is `{"value": "<decimal>"}` (null for `from_f64` when there is no decimal),
//! `{"no_value": "<reason>"}` (missing | zero_denominator | incomplete), or `{"error": "<kind>"}`.

mod support;

use ragstatus::value::{Aggregation, Observation, Resolved, Rounding, RoundingMode};
use serde_json::Value;
use support::*;

fn check_resolved(got: ragstatus::Result<Resolved>, expected: &Value) -> Result<(), String> {
    let got = match got {
        Ok(r) => r,
        Err(e) => return check_error(&e, expected),
    };
    if expected.get("error").is_some() {
        return Err(format!("expected an error, got {got:?}"));
    }
    match got {
        Resolved::Value(v) => same("value", Some(v), expected.get("value").map(dec)),
        Resolved::NoValue(reason) => {
            let got = serde_json::to_value(reason).unwrap();
            if Some(&got) == expected.get("no_value") {
                Ok(())
            } else {
                Err(format!("expected {expected}, got no value ({got})"))
            }
        }
    }
}

#[test]
fn values_vectors() {
    run(
        "values.json",
        "values",
        |input, expected| match input["op"].as_str().unwrap() {
            "resolve" => {
                let o: Observation = serde_json::from_value(input["observation"].clone()).unwrap();
                check_resolved(o.resolve(dec(&input["multiplier"])), expected)
            }
            "aggregate" => {
                let a: Aggregation = serde_json::from_value(input["aggregation"].clone()).unwrap();
                let obs: Vec<Observation> =
                    serde_json::from_value(input["observations"].clone()).unwrap();
                check_resolved(a.aggregate(&obs, dec(&input["multiplier"])), expected)
            }
            "round" => {
                let mode: RoundingMode = serde_json::from_value(input["mode"].clone()).unwrap();
                let decimals = u32::try_from(input["decimals"].as_u64().unwrap()).unwrap();
                match Rounding::new(decimals, mode) {
                    Ok(r) => same(
                        "rounded",
                        Some(r.apply(dec(&input["value"]))),
                        Some(dec(&expected["value"])),
                    ),
                    Err(e) => check_error(&e, expected),
                }
            }
            "from_f64" => {
                let got = ragstatus::decimal_from_f64(input["float"].as_f64().unwrap());
                same("decimal", got, opt_dec(&expected["value"]))
            }
            op => Err(format!("unknown op {op}")),
        },
    );
}
