//! Milestone CSV files: any bytes give milestones and errors, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ragstatus::milestone::{MilestoneCsvOptions, read_milestones_csv};

fuzz_target!(|bytes: &[u8]| {
    let options = MilestoneCsvOptions {
        file: Some("fuzz.csv".into()),
    };
    let _ = read_milestones_csv(bytes, &options);
});
