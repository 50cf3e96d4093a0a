//! `CatalogFile::parse_csv` on any text (decoded as the window decodes a file): never a panic;
//! a refusal is a clear Chinese message; an accepted catalog has items and passes its own check.
#![no_main]

use hall_core::catalog::CatalogFile;
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match CatalogFile::parse_csv(&text) {
        Ok(f) => {
            assert!(!f.items.is_empty());
            f.check(&[]).unwrap();
        }
        Err(e) => common::check_message(&e.message),
    }
});
