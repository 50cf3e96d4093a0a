//! `validate::credit_code` (GB 32100) on any text: never a panic; a valid code comes back as
//! 18 ASCII characters that validate again to themselves; a refusal is a clear Chinese message.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    match hall_core::validate::credit_code(s) {
        Ok(n) => {
            assert!(n.len() == 18 && n.is_ascii(), "{n:?}");
            assert_eq!(hall_core::validate::credit_code(&n).unwrap(), n);
        }
        Err(e) => common::check_message(&e.message),
    }
});
