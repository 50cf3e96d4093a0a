//! `CalendarYear::parse_json` on any text: never a panic; a refusal is a clear Chinese message;
//! an accepted year round-trips through JSON and the working-day arithmetic runs on it.
#![no_main]

use hall_core::calendar::{Calendar, CalendarYear};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match CalendarYear::parse_json(&text) {
        Ok(y) => {
            let again = CalendarYear::parse_json(&serde_json::to_string(&y).unwrap()).unwrap();
            assert_eq!(again, y);
            let cal = Calendar::new([y.clone()]);
            let start = chrono::NaiveDate::from_ymd_opt(y.year, 1, 1).unwrap();
            let due = cal.add_working_days(start, 60);
            assert!(due.date > start);
            let (n, _) = cal.working_days_between(start, due.date);
            assert_eq!(n, 60);
        }
        Err(e) => common::check_message(&e.message),
    }
});
