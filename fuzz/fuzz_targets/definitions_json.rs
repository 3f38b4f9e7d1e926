//! Definitions from JSON text: any input is definitions or an error, never a panic; what loads
//! evaluates (with no actuals) without a panic too.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use ragstatus::Definitions;

fuzz_target!(|text: &str| {
    if let Ok(defs) = Definitions::from_json_str(text) {
        if let Ok(period) = defs.calendar.parse("2015/16 Q3") {
            let _ = defs.evaluate(period, &BTreeMap::new());
        }
        let _ = defs.to_toml_string();
    }
});
