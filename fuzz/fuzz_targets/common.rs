//! What every target checks of a refusal: a message a clerk can read — Chinese, not a page
//! long, and with nothing invisible or controlling in it (hostile input is quoted as `U+XXXX`).

#[allow(dead_code)]
pub fn check_message(m: &str) {
    assert!(m.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)), "no Chinese in {m:?}");
    assert!(m.chars().count() <= 600, "a message of {} characters: {m}", m.chars().count());
    for c in m.chars() {
        let one = c.to_string();
        assert_eq!(hall_core::validate::clip(&one, 1), one, "U+{:04X} in {m:?}", c as u32);
    }
}

/// What the list-file targets check of an accepted file: it has entries, passes its own check,
/// and reads back unchanged from its JSON (what the hall stores and the county publishes).
#[allow(dead_code)]
pub fn check_duties(f: &hall_core::duties::DutyFile) {
    assert!(!f.entries.is_empty());
    f.check(&[]).unwrap();
    let again = hall_core::duties::DutyFile::parse_json(&serde_json::to_string(f).unwrap()).unwrap();
    assert_eq!(&again, f);
}
