//! Comparators CSV files: any bytes give rows and problems, never a panic; a file that opens
//! accounts for every row it read.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ragstatus::input::read_comparators_csv;

fuzz_target!(|bytes: &[u8]| {
    let _ = read_comparators_csv(bytes, ragstatus_fuzz::catalog(), Some("fuzz.csv"));
});
