//! Finding cases: by case number, ID number or phone (exact or prefix), and by a Chinese
//! substring of the applicant's or the item's name — trigram FTS for 3+ characters, the
//! name-gram index and the small catalog for 1–2.

use rusqlite::params;

use super::{CaseSummary, Store};
use crate::error::Result;

/// Results shown for one search: the newest first.
pub const SEARCH_LIMIT: usize = 50;

/// `prefix` → the range `[prefix, prefix⁺)` that an index can scan.
fn prefix_upper(prefix: &str) -> String {
    let mut s = prefix.to_string();
    s.push(char::MAX);
    s
}

impl Store {
    pub fn search_cases(&self, text: &str, limit: usize) -> Result<Vec<CaseSummary>> {
        let q = text.trim();
        if q.is_empty() {
            return Ok(vec![]);
        }
        let limit = limit.clamp(1, 500);
        let mut ids: Vec<i64> = Vec::new();
        let push = |found: Vec<i64>, ids: &mut Vec<i64>| {
            for id in found {
                if ids.len() < limit && !ids.contains(&id) {
                    ids.push(id);
                }
            }
        };
        let code_like = q.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if code_like {
            let upper = q.to_uppercase();
            push(self.ids_by_number(&upper, limit)?, &mut ids);
            if ids.len() < limit {
                push(self.ids_by_party_field("id_number", &upper, limit)?, &mut ids);
            }
            if ids.len() < limit && q.chars().all(|c| c.is_ascii_digit()) {
                push(self.ids_by_party_field("phone", q, limit)?, &mut ids);
            }
        }
        if ids.len() < limit && !q.is_ascii() {
            push(self.ids_by_text(q, limit)?, &mut ids);
        }
        ids.truncate(limit);
        self.summaries(&ids)
    }

    fn ids_by_number(&self, q: &str, limit: usize) -> Result<Vec<i64>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT id FROM cases WHERE number >= ?1 AND number < ?2 ORDER BY number DESC LIMIT ?3")?;
        let rows = st.query_map(params![q, prefix_upper(q), limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Cases whose applicant or agent has `field` (id_number or phone) starting with `q`.
    /// Two indexed steps (people, then their cases) that the planner cannot get wrong.
    fn ids_by_party_field(&self, field: &str, q: &str, limit: usize) -> Result<Vec<i64>> {
        let people: Vec<i64> = self
            .conn
            .prepare_cached(&format!("SELECT id FROM applicants WHERE {field} >= ?1 AND {field} < ?2 LIMIT ?3"))?
            .query_map(params![q, prefix_upper(q), limit as i64], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut by_applicant = self.conn.prepare_cached("SELECT id FROM cases WHERE applicant_id = ?1")?;
        let mut by_agent = self.conn.prepare_cached("SELECT id FROM cases WHERE agent_id = ?1")?;
        let mut ids = Vec::new();
        for p in people {
            for st in [&mut by_applicant, &mut by_agent] {
                ids.extend(st.query_map([p], |r| r.get::<_, i64>(0))?.collect::<rusqlite::Result<Vec<_>>>()?);
            }
        }
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids.dedup();
        ids.truncate(limit);
        Ok(ids)
    }

    fn ids_by_text(&self, q: &str, limit: usize) -> Result<Vec<i64>> {
        let n = q.chars().count();
        let mut found: Vec<i64> = if n >= 3 {
            // A quoted FTS5 string: the query is matched as a literal substring.
            let phrase = format!("\"{}\"", q.replace('"', "\"\""));
            let mut st = self
                .conn
                .prepare_cached("SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2")?;
            let rows = st.query_map(params![phrase, limit as i64], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        } else {
            let mut st = self
                .conn
                .prepare_cached("SELECT case_id FROM name_grams WHERE gram = ?1 ORDER BY case_id DESC LIMIT ?2")?;
            let by_name: Vec<i64> =
                st.query_map(params![q, limit as i64], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            // Items are few: match their names in the catalog, then take each one's newest cases
            // from the (item_code, id) index.
            let codes: Vec<String> = self
                .conn
                .prepare_cached("SELECT DISTINCT code FROM catalog_items WHERE instr(name, ?1) > 0")?
                .query_map([q], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut st =
                self.conn.prepare_cached("SELECT id FROM cases WHERE item_code = ?1 ORDER BY id DESC LIMIT ?2")?;
            let mut by_item = Vec::new();
            for code in codes {
                let rows = st.query_map(params![code, limit as i64], |r| r.get::<_, i64>(0))?;
                by_item.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
            }
            let mut all = by_name;
            all.extend(by_item);
            all.sort_unstable_by(|a, b| b.cmp(a));
            all.dedup();
            all
        };
        found.truncate(limit);
        Ok(found)
    }
}
