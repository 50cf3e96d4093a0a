//! `validate::resident_id` (GB 11643) on any text: never a panic; a valid number comes back as
//! 18 ASCII characters that validate again to themselves; a refusal is a clear Chinese message.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    match hall_core::validate::resident_id(s, today) {
        Ok(n) => {
            assert!(n.len() == 18 && n.is_ascii(), "{n:?}");
            assert_eq!(hall_core::validate::resident_id(&n, today).unwrap(), n);
        }
        Err(e) => common::check_message(&e.message),
    }
});
