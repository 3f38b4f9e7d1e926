//! Cell text as a number, in each form a column can declare: a number or an error, never a
//! panic; a plain number read back from its own text is the same number.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ragstatus::budget::AmountUnit;
use ragstatus::input::{NumberForm, parse_number};

fuzz_target!(|input: (u8, &str)| {
    let (form, text) = input;
    let form = match form % 5 {
        0 => NumberForm::Plain,
        1 => NumberForm::Percent,
        2 => NumberForm::Amount(AmountUnit::Pounds),
        3 => NumberForm::Amount(AmountUnit::Thousands),
        _ => NumberForm::Amount(AmountUnit::Millions),
    };
    if let Ok(value) = parse_number(text, form) {
        let again = parse_number(&value.to_string(), NumberForm::Plain);
        assert_eq!(again.ok(), Some(value), "{text:?} read as {value}");
    }
});
