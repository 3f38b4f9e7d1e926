//! Period labels: any text under any fiscal calendar is a period or an error, and a period's
//! own label reads back as the same period.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ragstatus::FiscalCalendar;

fuzz_target!(|input: (u8, &str)| {
    let (month, label) = input;
    let Ok(calendar) = FiscalCalendar::new(u32::from(month % 12) + 1) else {
        return;
    };
    if let Ok(period) = calendar.parse(label) {
        let again = calendar.parse(&period.label());
        assert_eq!(again.ok(), Some(period), "{label:?} read as {period:?}");
    }
});
