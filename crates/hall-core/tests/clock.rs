//! YICHUANG_NOW pins the hall's clock for every store opened (the window's and hallctl's alike),
//! and a value that is not a time is refused rather than quietly ignored. One test in its own
//! process: the environment is shared by the threads of a test binary.

use hall_core::Store;

#[test]
fn yichuang_now_pins_the_clock_of_every_store_opened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hall.db");
    std::env::set_var("YICHUANG_NOW", "2031-03-04 10:20");
    let mut s = Store::open(&path).unwrap();
    assert_eq!(s.now().to_string(), "2031-03-04 10:20:00");
    assert_eq!(hall_core::clock::today().unwrap().to_string(), "2031-03-04");
    s.init("231221104", "测试镇", "test").unwrap();
    assert_eq!(s.hall_info().unwrap().today.to_string(), "2031-03-04");
    // A test's own pin wins, and letting go of it returns to the pinned hall clock.
    s.set_now(Some(chrono::NaiveDate::from_ymd_opt(2030, 1, 2).unwrap().and_hms_opt(8, 0, 0).unwrap()));
    assert_eq!(s.today().to_string(), "2030-01-02");
    s.set_now(None);
    assert_eq!(s.today().to_string(), "2031-03-04");
    drop(s);

    std::env::set_var("YICHUANG_NOW", "明天");
    let e = Store::open(&path).err().unwrap();
    assert!(e.message.contains("YICHUANG_NOW") && e.message.contains("明天"), "{}", e.message);
    assert!(hall_core::clock::today().is_err());
    std::env::remove_var("YICHUANG_NOW");
    assert!(Store::open(&path).is_ok());
}
