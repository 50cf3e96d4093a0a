//! `CatalogFile::parse_json` on any text (decoded as the window decodes a file): never a panic;
//! a refusal is a clear Chinese message; an accepted catalog passes its own check and survives
//! a round trip through JSON unchanged.
#![no_main]

use hall_core::catalog::CatalogFile;
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match CatalogFile::parse_json(&text) {
        Ok(f) => {
            f.check(&[]).unwrap();
            let again = CatalogFile::parse_json(&serde_json::to_string(&f).unwrap()).unwrap();
            assert_eq!(again, f);
        }
        Err(e) => common::check_message(&e.message),
    }
});
