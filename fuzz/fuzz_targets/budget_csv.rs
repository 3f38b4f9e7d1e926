//! Budget CSV files: any bytes, in any unit, give lines and errors, never a panic; a file that
//! could be read at all reports every row either as a line or as an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ragstatus::budget::{AmountUnit, BudgetCsvOptions, read_budget_csv};

fuzz_target!(|input: (u8, &[u8])| {
    let (unit, bytes) = input;
    let options = BudgetCsvOptions {
        unit: match unit % 3 {
            0 => AmountUnit::Pounds,
            1 => AmountUnit::Thousands,
            _ => AmountUnit::Millions,
        },
        file: Some("fuzz.csv".into()),
        ..Default::default()
    };
    let _ = read_budget_csv(bytes, &options);
});
