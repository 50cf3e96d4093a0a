//! Calendar years in the store: imported whole per year, replacing that year in one transaction.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{fmt_ts, hall_event, Store};
use crate::calendar::{Calendar, CalendarYear};
use crate::error::{ErrorCode, HallError, Result};
use crate::validate::json_error_zh;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CalendarYearInfo {
    pub year: i32,
    pub source: String,
    pub imported_at: String,
    pub holidays: usize,
    pub workdays: usize,
}

/// A year as stored. It was checked when it was imported; it is not checked again, so a rule
/// added later (a longer name refused, say) cannot keep a database from opening.
fn stored(doc: &str) -> Result<CalendarYear> {
    serde_json::from_str(doc.trim_start_matches('\u{feff}')).map_err(|e| {
        HallError::new(
            ErrorCode::Storage,
            format!("数据库中保存的节假日安排已损坏（{}），请重新导入该年日历", json_error_zh(&e)),
        )
    })
}

impl Store {
    pub(super) fn load_calendar(&self) -> Result<Calendar> {
        let mut st = self.conn.prepare("SELECT document FROM calendar_years ORDER BY year")?;
        let docs = st.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        let years = docs.iter().map(|d| stored(d)).collect::<Result<Vec<_>>>()?;
        Ok(Calendar::new(years))
    }

    /// Imports one year's schedule from the published JSON; re-importing a year replaces it.
    pub fn import_calendar(&mut self, text: &str, actor: &str) -> Result<CalendarYear> {
        let year = CalendarYear::parse_json(text)?;
        self.import_calendar_year(&year, text.trim_start_matches('\u{feff}'), actor)?;
        Ok(year)
    }

    pub(super) fn import_calendar_year(&mut self, year: &CalendarYear, text: &str, actor: &str) -> Result<()> {
        let tx = self.write()?;
        let replaced = tx.execute("DELETE FROM calendar_years WHERE year = ?1", [year.year])? > 0;
        tx.execute(
            "INSERT INTO calendar_years(year, source, document, imported_at) VALUES (?1, ?2, ?3, ?4)",
            params![year.year, year.source, text, fmt_ts(self.now())],
        )?;
        hall_event(
            &tx,
            self.now(),
            actor,
            "calendar_import",
            &format!(
                "{}导入 {} 年节假日安排：{} 个节假日，{} 个调休上班日",
                if replaced { "重新" } else { "" },
                year.year,
                year.holidays.len(),
                year.workdays.len()
            ),
        )?;
        tx.commit()?;
        self.calendar.add(year);
        Ok(())
    }

    /// A year's calendar as it was imported.
    pub fn calendar_document(&self, year: i32) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT document FROM calendar_years WHERE year = ?1", [year], |r| r.get(0))
            .optional()?)
    }

    pub fn calendar_years(&self) -> Result<Vec<CalendarYearInfo>> {
        let mut st = self.conn.prepare("SELECT document, imported_at FROM calendar_years ORDER BY year")?;
        let rows = st
            .query_map([], |r| Ok((r.get::<_, String>("document")?, r.get::<_, String>("imported_at")?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(doc, imported_at)| {
                let y = stored(&doc)?;
                Ok(CalendarYearInfo {
                    year: y.year,
                    source: y.source,
                    imported_at,
                    holidays: y.holidays.len(),
                    workdays: y.workdays.len(),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::store::testing;

    #[test]
    fn import_replaces_a_year_and_refuses_bad_files_unchanged() {
        let (_d, mut s) = testing::store();
        let before = s.calendar_years().unwrap();
        assert!(s.import_calendar("{\"year\": 2026, \"holidays\": [{\"name\":\"x\"}]}", "t").is_err());
        assert_eq!(s.calendar_years().unwrap().len(), before.len());
        s.import_calendar(r#"{"year":2027,"source":"测试","holidays":[{"name":"元旦","from":"2027-01-01","to":"2027-01-03"}],"workdays":[]}"#, "t")
            .unwrap();
        assert!(s.calendar().has_year(2027));
        assert!(!s.calendar().is_working_day("2027-01-01".parse().unwrap()));
        // Reopening reads the same calendar back.
        let p = s.path().to_path_buf();
        drop(s);
        let s = crate::store::Store::open(p).unwrap();
        assert!(s.calendar().has_year(2027));
        assert_eq!(s.calendar_years().unwrap().len(), 2);
    }
}
