//! Times as the county reads them: China Standard Time (UTC+8, no daylight saving), whatever
//! zone the hub's machine is set to. The halls' dates are local dates, so "today" is too.

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};

fn zone() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The hub's own clock (a server at the county, not a hall): a hall's `YICHUANG_NOW` does not
/// reach it, and the hub must not take a hall's word for what day it is.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&zone()).date_naive()
}

/// `2026-11-22T15:29:00+08:00`
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.with_timezone(&zone()).to_rfc3339_opts(SecondsFormat::Secs, false)
}
