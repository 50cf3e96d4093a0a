//! Working-day calendar: weekends off, official holidays off, 调休 make-up days on.
//! The schedule is data imported per year; a year without one is computed on weekends alone
//! and reported in `missing_years`, never silently.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{HallError, Result};

/// One year's schedule, in the format of the State Council notice files
/// (`assets/calendar/cn-calendar-2026.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CalendarYear {
    pub year: i32,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    #[serde(default)]
    pub workdays: Vec<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Holiday {
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl CalendarYear {
    /// Parses and checks a calendar file; every error names what is wrong in Chinese.
    pub fn parse_json(text: &str) -> Result<CalendarYear> {
        // Notepad on Windows saves UTF-8 with a byte-order mark.
        let year: CalendarYear = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
            HallError::invalid(format!(
                "日历文件格式错误（第 {} 行第 {} 列）：{}。应为 {{\"year\":2026,\"holidays\":[{{\"name\":..,\"from\":\"YYYY-MM-DD\",\"to\":\"YYYY-MM-DD\"}}],\"workdays\":[\"YYYY-MM-DD\"]}}",
                e.line(),
                e.column(),
                crate::validate::json_error_zh(&e)
            ))
        })?;
        year.check()?;
        Ok(year)
    }

    fn check(&self) -> Result<()> {
        if !(2000..=2100).contains(&self.year) {
            return Err(HallError::invalid(format!("日历年份 {} 不合理，应在 2000 至 2100 之间", self.year)));
        }
        crate::validate::text("日历来源", &self.source, 500, false)?;
        let mut off = BTreeSet::new();
        for (i, h) in self.holidays.iter().enumerate() {
            let n = i + 1;
            if h.name.trim().is_empty() {
                return Err(HallError::invalid(format!("第 {n} 个节假日缺少名称")));
            }
            crate::validate::text("节假日名称", &h.name, 50, true)
                .map_err(|e| HallError::invalid(format!("第 {n} 个节假日：{}", e.message)))?;
            if h.from > h.to {
                return Err(HallError::invalid(format!(
                    "节假日“{}”的开始日期 {} 晚于结束日期 {}",
                    crate::validate::clip(&h.name, 50),
                    h.from,
                    h.to
                )));
            }
            for d in [h.from, h.to] {
                if d.year() != self.year {
                    return Err(HallError::invalid(format!(
                        "节假日“{}”的日期 {d} 不在 {} 年内",
                        crate::validate::clip(&h.name, 50),
                        self.year
                    )));
                }
            }
            let mut d = h.from;
            while d <= h.to {
                off.insert(d);
                d += Duration::days(1);
            }
        }
        for d in &self.workdays {
            if d.year() != self.year {
                return Err(HallError::invalid(format!("调休上班日 {d} 不在 {} 年内", self.year)));
            }
            if off.contains(d) {
                return Err(HallError::invalid(format!("日期 {d} 同时列为节假日和调休上班日")));
            }
        }
        Ok(())
    }

    /// Days that differ from the weekend rule: `true` = working, `false` = rest.
    pub fn overrides(&self) -> BTreeMap<NaiveDate, (bool, String)> {
        let mut m = BTreeMap::new();
        for h in &self.holidays {
            let mut d = h.from;
            while d <= h.to {
                m.insert(d, (false, h.name.clone()));
                d += Duration::days(1);
            }
        }
        for d in &self.workdays {
            m.insert(*d, (true, "调休上班".to_string()));
        }
        m
    }
}

/// The calendar as the deadline arithmetic sees it: the imported years and their overrides.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    years: BTreeSet<i32>,
    overrides: BTreeMap<NaiveDate, bool>,
}

/// A computed date, with the years it had to guess for (no calendar imported).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WorkingDate {
    pub date: NaiveDate,
    pub missing_years: Vec<i32>,
}

impl WorkingDate {
    /// A Chinese warning when the date rests on weekends alone.
    pub fn warning(&self) -> Option<String> {
        if self.missing_years.is_empty() {
            return None;
        }
        let ys: Vec<String> = self.missing_years.iter().map(|y| y.to_string()).collect();
        Some(format!(
            "注意：尚未导入 {} 年的节假日安排，该日期仅按周末推算，可能不准确。请系统管理员导入当年日历。",
            ys.join("、")
        ))
    }
}

impl Calendar {
    pub fn new(years: impl IntoIterator<Item = CalendarYear>) -> Calendar {
        let mut c = Calendar::default();
        for y in years {
            c.add(&y);
        }
        c
    }

    pub fn add(&mut self, y: &CalendarYear) {
        self.overrides.retain(|d, _| d.year() != y.year);
        self.years.insert(y.year);
        for (d, (working, _)) in y.overrides() {
            self.overrides.insert(d, working);
        }
    }

    pub fn has_year(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.overrides.get(&d) {
            Some(w) => *w,
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    fn note_missing(&self, d: NaiveDate, missing: &mut Vec<i32>) {
        if !self.has_year(d.year()) && !missing.contains(&d.year()) {
            missing.push(d.year());
        }
    }

    /// The N-th working day after `start` (the day of acceptance itself does not count).
    /// N = 0 gives `start` itself (即办件 are due the same day).
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> WorkingDate {
        let mut missing = Vec::new();
        self.note_missing(start, &mut missing);
        let mut d = start;
        let mut left = n;
        while left > 0 {
            d += Duration::days(1);
            self.note_missing(d, &mut missing);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        WorkingDate { date: d, missing_years: missing }
    }

    /// Working days in `(after, through]`: the days a pause that began on `after` and ended on
    /// `through` took off the clock.
    pub fn working_days_between(&self, after: NaiveDate, through: NaiveDate) -> (u32, Vec<i32>) {
        let mut missing = Vec::new();
        let mut count = 0;
        let mut d = after;
        while d < through {
            d += Duration::days(1);
            self.note_missing(d, &mut missing);
            if self.is_working_day(d) {
                count += 1;
            }
        }
        (count, missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn cal2026() -> Calendar {
        let text = include_str!("../../../assets/calendar/cn-calendar-2026.json");
        Calendar::new([CalendarYear::parse_json(text).unwrap()])
    }

    #[test]
    fn holidays_and_makeup_days() {
        let c = cal2026();
        assert!(!c.is_working_day(d("2026-10-01")));
        assert!(!c.is_working_day(d("2026-10-07")));
        assert!(c.is_working_day(d("2026-10-10")), "Saturday make-up day");
        assert!(c.is_working_day(d("2026-02-14")), "Saturday make-up day before 春节");
        assert!(!c.is_working_day(d("2026-02-16")), "Monday in 春节");
        assert!(c.is_working_day(d("2026-11-23")));
        assert!(!c.is_working_day(d("2026-11-22")), "Sunday");
    }

    #[test]
    fn due_dates_skip_holidays_and_count_makeup_days() {
        let c = cal2026();
        // Accepted Wed 2026-09-30: 10-01..10-07 off, 10-08 Thu, 10-09 Fri, 10-10 Sat make-up.
        let w = c.add_working_days(d("2026-09-30"), 3);
        assert_eq!(w.date, d("2026-10-10"));
        assert!(w.missing_years.is_empty());
        // Accepted Fri 2026-02-13: 02-14 Sat make-up is day 1, then 春节 to 02-23, 02-24 day 2.
        assert_eq!(c.add_working_days(d("2026-02-13"), 2).date, d("2026-02-24"));
        // Starting on a rest day counts from the next working day.
        assert_eq!(c.add_working_days(d("2026-11-21"), 1).date, d("2026-11-23"));
        assert_eq!(c.add_working_days(d("2026-11-23"), 0).date, d("2026-11-23"));
        assert_eq!(c.add_working_days(d("2026-11-20"), 20).date, d("2026-12-18"));
    }

    #[test]
    fn years_without_a_calendar_are_flagged() {
        let c = cal2026();
        let w = c.add_working_days(d("2026-12-28"), 5);
        // 12-29, 12-30, 12-31, then 2027 on weekends alone: 01-01 (Fri), 01-04 (Mon).
        assert_eq!(w.date, d("2027-01-04"));
        assert_eq!(w.missing_years, vec![2027]);
        assert!(w.warning().unwrap().contains("2027"));
        assert!(c.add_working_days(d("2026-12-01"), 5).warning().is_none());
    }

    #[test]
    fn pauses_count_working_days_after_the_pause_day() {
        let c = cal2026();
        // Paused Wed 09-30, resumed Fri 10-09: 10-08 and 10-09 were working days off the clock.
        assert_eq!(c.working_days_between(d("2026-09-30"), d("2026-10-09")).0, 2);
        assert_eq!(c.working_days_between(d("2026-11-23"), d("2026-11-23")).0, 0);
    }

    #[test]
    fn bad_files_are_refused_in_chinese() {
        for (text, needle) in [
            ("{", "日历文件格式错误"),
            (r#"{"year": 1800}"#, "不合理"),
            (r#"{"year": 2026, "holidays": [{"name":"x","from":"2026-05-05","to":"2026-05-01"}]}"#, "晚于"),
            (r#"{"year": 2026, "holidays": [{"name":"x","from":"2025-05-05","to":"2026-05-06"}]}"#, "不在 2026 年内"),
            (
                r#"{"year": 2026, "holidays": [{"name":"x","from":"2026-05-01","to":"2026-05-02"}], "workdays":["2026-05-02"]}"#,
                "同时列为",
            ),
            (r#"{"year": 2026, "workdays":["2026-13-02"]}"#, "日历文件格式错误"),
        ] {
            let e = CalendarYear::parse_json(text).unwrap_err();
            assert!(e.message.contains(needle), "{text}: {}", e.message);
        }
    }
}
