//! `DutyFile::parse_csv` on any text (decoded as the window decodes a file): never a panic; a
//! refusal is a clear Chinese message; an accepted file passes its own check and survives a
//! round trip through JSON unchanged.
#![no_main]

use hall_core::duties::DutyFile;
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match DutyFile::parse_csv(&text) {
        Ok(f) => common::check_duties(&f),
        Err(e) => common::check_message(&e.message),
    }
});
