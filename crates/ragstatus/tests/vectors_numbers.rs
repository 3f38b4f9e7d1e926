//! Conformance vectors of kind `number` (`tests/vectors/numbers.json`): the one number parser
//! of every input, `ragstatus::input::parse_number`.
//!
//! `input` is `{ "text": "1,842", "form": "plain" }`; `form` is `plain`, `percent` or `amount`,
//! and an amount has a `unit` (`pounds`, `thousands`, `millions`). `expected` is
//! `{ "value": "1842" }`, compared as written (places included), or `{ "error": "<kind>" }`.

mod support;

use ragstatus::budget::AmountUnit;
use ragstatus::input::{NumberForm, parse_number};
use serde_json::Value;
use support::*;

fn form(input: &Value) -> NumberForm {
    match input["form"].as_str() {
        Some("plain") => NumberForm::Plain,
        Some("percent") => NumberForm::Percent,
        Some("amount") => {
            NumberForm::Amount(serde_json::from_value::<AmountUnit>(input["unit"].clone()).unwrap())
        }
        other => panic!("unknown form {other:?}"),
    }
}

#[test]
fn number_vectors() {
    run("numbers.json", "number", |input, expected| {
        let text = input["text"].as_str().ok_or("no text")?;
        match parse_number(text, form(input)) {
            Err(e) => check_error(&e, expected),
            Ok(v) => match expected["value"].as_str() {
                Some(want) if v.to_string() == want => Ok(()),
                _ => Err(format!("expected {expected}, got {v}")),
            },
        }
    });
}
