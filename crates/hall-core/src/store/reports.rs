//! The supervisor's numbers for a day or a period: what came in and went out, by category,
//! unit, clerk, hour and day; the on-time rate; working days per item; the county
//! departments' turnaround on 上报件; ratings and 差评 follow-ups; and the hall's own records
//! (consultations, demands, 准入, 县乡联动: see `record_figures`). The daily service sheet, the
//! period report and the live charts all read these same figures.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, Timelike};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::record_figures::{AdmissionFigures, ConsultFigures, DemandFigures, DepartmentResponse, Period};
use super::stored::At;
use super::{CaseSummary, ConsultFilter, Consultation, Demand, FollowUp, RatingChannel, Store};
use crate::documents::DocRequest;
use crate::error::Result;
use crate::lifecycle::{CaseState, Clock, STATES};

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Counts {
    /// 接件: requests logged at the desk.
    pub logged: u32,
    /// 受理 (including 容缺受理; 即办 counted apart).
    pub accepted: u32,
    pub refused: u32,
    /// 一次性告知
    pub notified: u32,
    /// 即办件
    pub instant: u32,
    /// 办结 (approved, approved with 容缺, rejected; 即办 included).
    pub decided: u32,
    /// 出件
    pub delivered: u32,
    /// 撤件 / 撤回
    pub withdrawn: u32,
    /// 逾期: decided after the due date in the period, or undecided past it at the period's end.
    pub overdue: u32,
    /// 再次补正: 补正 asked again on a case already asked once (一次性告知 broken, by the director).
    pub supplement_repeat: u32,
    /// 补正逾期视为撤回
    pub supplement_lapsed: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Tally {
    pub name: String,
    pub count: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DayCount {
    pub date: String,
    pub logged: u32,
    pub decided: u32,
    pub delivered: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ItemDays {
    pub code: String,
    pub name: String,
    pub decided: u32,
    /// Working days from acceptance to decision, pauses excluded.
    pub average_days: f64,
    pub promised_days: u32,
}

/// A county department as the township sees it on 上报件 (seed 003's two-way evaluation).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CountyTurnaround {
    pub unit: String,
    pub unit_name: String,
    /// Sent in the period.
    pub forwarded: u32,
    /// Results back in the period.
    pub returned: u32,
    /// Still waiting for a result at the end of the period.
    pub pending: u32,
    /// Working days from sending to result, over the results back in the period.
    pub average_days: f64,
    pub max_days: u32,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RatingSummary {
    pub count: u32,
    /// Index 0 is level 1 (非常不满意) … index 4 is level 5.
    pub levels: Vec<u32>,
    pub average: f64,
    /// Share rated 4 or 5, 0–1.
    pub satisfied_rate: f64,
    /// The same by channel, every channel in `RatingChannel::ALL` order (评价器, 窗口代录):
    /// what the citizen pressed beside what staff keyed in.
    pub by_channel: Vec<ChannelRatings>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChannelRatings {
    pub channel: RatingChannel,
    pub count: u32,
    pub levels: Vec<u32>,
    pub average: f64,
    pub satisfied_rate: f64,
}

/// Count, average and the share rated 4 or 5 of a level tally (index 0 is level 1).
fn summarise(levels: &[u32]) -> (u32, f64, f64) {
    let count: u32 = levels.iter().sum();
    if count == 0 {
        return (0, 0.0, 0.0);
    }
    let total: u32 = levels.iter().enumerate().map(|(i, n)| (i as u32 + 1) * n).sum();
    let satisfied: u32 = levels.iter().skip(3).sum();
    (count, total as f64 / count as f64, satisfied as f64 / count as f64)
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Figures {
    pub from: String,
    pub to: String,
    pub counts: Counts,
    /// Cases logged in the period by catalog category, most first.
    pub by_category: Vec<Tally>,
    pub by_unit: Vec<Tally>,
    /// 再次补正 in the period by the case's unit, most first.
    pub supplement_repeat_by_unit: Vec<Tally>,
    /// By 首问负责人.
    pub by_clerk: Vec<Tally>,
    /// Cases logged per hour of the day, 24 entries.
    pub by_hour: Vec<u32>,
    pub by_day: Vec<DayCount>,
    /// Decided in the period on or before the due date, out of `decided_with_due`.
    pub on_time: u32,
    pub decided_with_due: u32,
    /// 0–1; 1 when nothing was decided.
    pub on_time_rate: f64,
    pub item_days: Vec<ItemDays>,
    pub county: Vec<CountyTurnaround>,
    pub ratings: RatingSummary,
    /// 差评 follow-ups opened in the period, or still open.
    pub follow_ups: Vec<FollowUp>,
    pub consultations: ConsultFigures,
    pub demands: DemandFigures,
    /// 准入 of county departments' tasks received in the period.
    pub admission: AdmissionFigures,
    /// 县乡联动: each county department's response, by name.
    pub coordination: Vec<DepartmentResponse>,
}

/// 每日服务台账: the day's figures, cases, consultations and demands.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DailySheet {
    pub figures: Figures,
    /// Cases logged that day, in number order.
    pub cases: Vec<CaseSummary>,
    /// Consultations logged that day, in number order, phone numbers masked (the sheet is
    /// filed paper).
    pub consultations: Vec<Consultation>,
    /// Demands and suggestions logged that day, in number order.
    pub demands: Vec<Demand>,
}

fn keys_where(pred: impl Fn(CaseState, Clock) -> bool) -> String {
    STATES.iter().filter(|s| pred(s.state, s.clock)).map(|s| format!("'{}'", s.key)).collect::<Vec<_>>().join(", ")
}

/// The states a decision leads to.
fn decided_keys() -> String {
    keys_where(|s, _| matches!(s, CaseState::Approved | CaseState::ApprovedPending | CaseState::Rejected))
}

impl Store {
    /// The figures for `from..=to` (checked by [`DocRequest::check`]).
    pub fn figures(&self, from: NaiveDate, to: NaiveDate) -> Result<Figures> {
        DocRequest::Period { from, to }.check()?;
        let lo = format!("{from} 00:00:00");
        let hi = format!("{} 00:00:00", to + Duration::days(1));
        let (from_s, to_s) = (from.to_string(), to.to_string());
        let c = &self.conn;
        let decided = decided_keys();
        let ended = keys_where(|_, clock| clock == Clock::Ended);

        let mut by_action: BTreeMap<String, u32> = BTreeMap::new();
        {
            let mut st = c.prepare_cached(
                "SELECT action, count(*) AS n FROM events WHERE at >= ?1 AND at < ?2 AND case_id IS NOT NULL GROUP BY action",
            )?;
            for row in st.query_map([&lo, &hi], |r| Ok((r.get::<_, String>("action")?, r.get::<_, u32>("n")?)))? {
                let (a, n) = row?;
                by_action.insert(a, n);
            }
        }
        let n = |a: &str| by_action.get(a).copied().unwrap_or(0);
        let count_to = |keys: &str| -> Result<u32> {
            Ok(c.query_row(
                &format!("SELECT count(*) FROM events WHERE at >= ?1 AND at < ?2 AND to_state IN ({keys})"),
                [&lo, &hi],
                |r| r.get(0),
            )?)
        };
        let late_decided: u32 = c.query_row(
            &format!(
                "SELECT count(*) FROM events e JOIN cases c ON c.id = e.case_id
                 WHERE e.at >= ?1 AND e.at < ?2 AND e.to_state IN ({decided}) AND substr(e.at, 1, 10) > c.due_date"
            ),
            [&lo, &hi],
            |r| r.get(0),
        )?;
        let open_overdue: u32 = c.query_row(
            &format!(
                "SELECT count(*) FROM cases c WHERE c.accepted_on <= ?1 AND c.due_date < ?1
                 AND NOT EXISTS (SELECT 1 FROM events e WHERE e.case_id = c.id AND e.at < ?2 AND e.to_state IN ({ended}))"
            ),
            [&to_s, &hi],
            |r| r.get(0),
        )?;
        let mut counts = Counts {
            logged: n("intake"),
            accepted: n("accept") + n("accept_pending"),
            refused: n("refuse"),
            notified: n("notify_missing"),
            instant: n("instant"),
            decided: count_to(&decided)?,
            delivered: n("deliver"),
            withdrawn: count_to(&keys_where(|s, _| matches!(s, CaseState::Withdrawn | CaseState::Cancelled)))?,
            overdue: late_decided + open_overdue,
            supplement_repeat: 0,
            supplement_lapsed: n("supplement_lapse"),
        };
        let supplement_repeat_by_unit = self.supplement_repeats(&lo, &hi)?;
        counts.supplement_repeat = supplement_repeat_by_unit.iter().map(|t| t.count).sum();

        let tally = |sql: &str| -> Result<Vec<Tally>> {
            let mut st = c.prepare_cached(sql)?;
            let rows = st.query_map([&from_s, &to_s], super::record_figures::tally)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        let by_category = tally(
            "SELECT i.category AS name, count(*) n FROM cases c
             JOIN catalog_items i ON i.version_id = c.catalog_version AND i.code = c.item_code
             WHERE c.logged_on BETWEEN ?1 AND ?2 GROUP BY i.category ORDER BY n DESC, i.category",
        )?;
        let by_unit = tally(
            "SELECT u.name AS name, count(*) n FROM cases c JOIN units u ON u.code = c.unit
             WHERE c.logged_on BETWEEN ?1 AND ?2 GROUP BY c.unit ORDER BY n DESC, u.name",
        )?;
        let by_clerk = tally(
            "SELECT u.name AS name, count(*) n FROM cases c JOIN users u ON u.id = c.logged_by
             WHERE c.logged_on BETWEEN ?1 AND ?2 GROUP BY c.logged_by ORDER BY n DESC, u.name",
        )?;

        let mut by_hour = vec![0u32; 24];
        let mut per_day: BTreeMap<NaiveDate, DayCount> = BTreeMap::new();
        let mut d = from;
        while d <= to {
            per_day.insert(d, DayCount { date: d.to_string(), logged: 0, decided: 0, delivered: 0 });
            d += Duration::days(1);
        }
        {
            let mut st = c.prepare_cached("SELECT id, logged_at FROM cases WHERE logged_on BETWEEN ?1 AND ?2")?;
            for t in st.query_map([&from_s, &to_s], |r| At::new(r, "cases", "id")?.stamp("logged_at"))? {
                let t = t?;
                by_hour[t.hour() as usize] += 1;
                if let Some(day) = per_day.get_mut(&t.date()) {
                    day.logged += 1;
                }
            }
            let mut st = c.prepare_cached(&format!(
                "SELECT substr(at, 1, 10) AS day, total(coalesce(to_state IN ({decided}), 0)) AS decided,
                        total(action = 'deliver') AS delivered FROM events
                 WHERE at >= ?1 AND at < ?2 AND case_id IS NOT NULL GROUP BY 1"
            ))?;
            for row in st.query_map([&lo, &hi], |r| {
                Ok((r.get::<_, String>("day")?, r.get::<_, f64>("decided")?, r.get::<_, f64>("delivered")?))
            })? {
                let (day, dec, del) = row?;
                if let Some(e) = day.parse().ok().and_then(|d: NaiveDate| per_day.get_mut(&d)) {
                    e.decided = dec as u32;
                    e.delivered = del as u32;
                }
            }
        }

        // Decisions in the period: on time or not, and the working days each took.
        let mut on_time = 0;
        let mut decided_with_due = 0;
        let mut per_item: BTreeMap<String, (String, u32, u32, u32)> = BTreeMap::new();
        {
            let mut st = c.prepare_cached(&format!(
                "SELECT c.id AS id, c.item_code AS item_code, c.item_name AS item_name, c.accepted_on AS accepted_on,
                        c.due_date AS due_date, c.paused_days AS paused_days, substr(e.at, 1, 10) AS decided_on,
                        c.promised_days AS promised_days
                 FROM events e JOIN cases c ON c.id = e.case_id
                 WHERE e.at >= ?1 AND e.at < ?2 AND e.to_state IN ({decided})"
            ))?;
            let rows = st.query_map([&lo, &hi], |r| {
                let at = At::new(r, "cases", "id")?;
                Ok((
                    r.get::<_, String>("item_code")?,
                    r.get::<_, String>("item_name")?,
                    at.date_text_opt("accepted_on")?,
                    at.date_text_opt("due_date")?,
                    r.get::<_, u32>("paused_days")?,
                    r.get::<_, String>("decided_on")?,
                    r.get::<_, u32>("promised_days")?,
                ))
            })?;
            for row in rows {
                let (code, name, accepted, due, paused, on, promised) = row?;
                if let Some(due) = due {
                    decided_with_due += 1;
                    if on <= due {
                        on_time += 1;
                    }
                }
                let (Some(a), Ok(d)) = (accepted.and_then(|a| a.parse().ok()), on.parse::<NaiveDate>()) else {
                    continue;
                };
                let days = self.calendar.working_days_between(a, d).0.saturating_sub(paused);
                let e = per_item.entry(code).or_insert((name, 0, 0, promised));
                e.1 += 1;
                e.2 += days;
            }
        }
        let mut item_days: Vec<ItemDays> = per_item
            .into_iter()
            .map(|(code, (name, n, total, promised_days))| ItemDays {
                code,
                name,
                decided: n,
                average_days: total as f64 / n as f64,
                promised_days,
            })
            .collect();
        item_days.sort_by(|a, b| b.decided.cmp(&a.decided).then(a.code.cmp(&b.code)));

        let mut county = Vec::new();
        {
            let mut st = c.prepare_cached(
                "SELECT f.unit AS unit, u.name AS unit_name,
                    coalesce(sum(f.sent_on BETWEEN ?1 AND ?2), 0) AS forwarded,
                    coalesce(sum(f.result_on BETWEEN ?1 AND ?2), 0) AS returned,
                    coalesce(sum(f.sent_on <= ?2 AND (f.result_on IS NULL OR f.result_on > ?2)), 0) AS pending,
                    coalesce(avg(CASE WHEN f.result_on BETWEEN ?1 AND ?2 THEN f.working_days END), 0) AS average_days,
                    coalesce(max(CASE WHEN f.result_on BETWEEN ?1 AND ?2 THEN f.working_days END), 0) AS max_days
                 FROM county_forwards f JOIN units u ON u.code = f.unit
                 GROUP BY f.unit HAVING sum(f.sent_on <= ?2 AND (f.result_on IS NULL OR f.result_on >= ?1)) > 0
                 ORDER BY u.name",
            )?;
            let rows = st.query_map([&from_s, &to_s], |r| {
                Ok(CountyTurnaround {
                    unit: r.get("unit")?,
                    unit_name: r.get("unit_name")?,
                    forwarded: r.get("forwarded")?,
                    returned: r.get("returned")?,
                    pending: r.get("pending")?,
                    average_days: r.get("average_days")?,
                    max_days: r.get("max_days")?,
                })
            })?;
            for row in rows {
                county.push(row?);
            }
        }

        let ratings = self.rating_summary(&lo, &hi)?;
        let follow_ups = self
            .follow_ups(false)?
            .into_iter()
            .filter(|f| {
                (f.opened_on.as_str() >= from_s.as_str() && f.opened_on.as_str() <= to_s.as_str())
                    || (f.closed_at.is_none() && f.opened_on.as_str() <= to_s.as_str())
            })
            .collect();

        let period = Period { from: &from_s, to: &to_s, lo: &lo, hi: &hi };
        let consultations = self.consult_figures(&period)?;
        let demands = self.demand_figures(&period)?;
        let admission = self.admission_figures(&period)?;
        let coordination = self.coordination_figures(&period)?;

        Ok(Figures {
            from: from_s,
            to: to_s,
            counts,
            by_category,
            by_unit,
            supplement_repeat_by_unit,
            by_clerk,
            by_hour,
            by_day: per_day.into_values().collect(),
            on_time,
            decided_with_due,
            on_time_rate: if decided_with_due == 0 { 1.0 } else { on_time as f64 / decided_with_due as f64 },
            item_days,
            county,
            ratings,
            follow_ups,
            consultations,
            demands,
            admission,
            coordination,
        })
    }

    /// Ratings given between the two time stamps, in all and by channel.
    fn rating_summary(&self, lo: &str, hi: &str) -> Result<RatingSummary> {
        let mut by: Vec<(RatingChannel, Vec<u32>)> = RatingChannel::ALL.iter().map(|c| (*c, vec![0; 5])).collect();
        let mut st = self.conn.prepare_cached(
            "SELECT min(case_id) AS case_id, channel, level, count(*) AS n FROM ratings
             WHERE rated_at >= ?1 AND rated_at < ?2 GROUP BY channel, level",
        )?;
        let rows = st.query_map([lo, hi], |r| {
            let at = At::new(r, "ratings", "case_id")?;
            Ok((at.known("channel", RatingChannel::parse)?, r.get::<_, u32>("level")? as usize, r.get::<_, u32>("n")?))
        })?;
        for row in rows {
            let (channel, level, n) = row?;
            if let Some((_, levels)) = by.iter_mut().find(|(c, _)| *c == channel).filter(|_| (1..=5).contains(&level)) {
                levels[level - 1] = n;
            }
        }
        let levels: Vec<u32> = (0..5).map(|i| by.iter().map(|(_, l)| l[i]).sum()).collect();
        let (count, average, satisfied_rate) = summarise(&levels);
        let by_channel = by
            .into_iter()
            .map(|(channel, levels)| {
                let (count, average, satisfied_rate) = summarise(&levels);
                ChannelRatings { channel, count, levels, average, satisfied_rate }
            })
            .collect();
        Ok(RatingSummary { count, levels, average, satisfied_rate, by_channel })
    }

    /// 再次补正 between the two time stamps, by the case's unit: a request_supplement event on a
    /// case that had one before.
    fn supplement_repeats(&self, lo: &str, hi: &str) -> Result<Vec<Tally>> {
        let mut st = self.conn.prepare_cached(
            "SELECT u.name AS name, count(*) AS n FROM events e JOIN cases c ON c.id = e.case_id
             JOIN units u ON u.code = c.unit
             WHERE e.at >= ?1 AND e.at < ?2 AND e.action = 'request_supplement'
               AND EXISTS (SELECT 1 FROM events p WHERE p.case_id = e.case_id AND p.action = 'request_supplement'
                           AND p.id < e.id)
             GROUP BY c.unit ORDER BY n DESC, u.name",
        )?;
        let rows = st.query_map([lo, hi], |r| Ok(Tally { name: r.get("name")?, count: r.get("n")? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// 每日服务台账 for a date.
    pub fn daily_sheet(&self, date: NaiveDate) -> Result<DailySheet> {
        let figures = self.figures(date, date)?;
        let ids: Vec<i64> = {
            let mut st = self.conn.prepare_cached("SELECT id FROM cases WHERE logged_on = ?1 ORDER BY number")?;
            let rows = st.query_map([date.to_string()], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut consultations = self.consultations(ConsultFilter::All, Some(date), i64::MAX as usize)?;
        consultations.reverse();
        for c in &mut consultations {
            c.phone = crate::privacy::mask_phone(&c.phone);
        }
        Ok(DailySheet { figures, cases: self.summaries(&ids)?, consultations, demands: self.demands_on(date)? })
    }

    /// Records that a document was printed or saved, as an event on its case (or the hall's).
    pub fn record_paper(&mut self, req: &DocRequest, actor: &str, how: &str) -> Result<()> {
        let note = format!("{}：{}", how, req.title());
        let tx = self.write()?;
        match req {
            DocRequest::Case { number, paper } => {
                let case_id: i64 = tx.query_row("SELECT id FROM cases WHERE number = ?1", [number], |r| r.get(0))?;
                super::audit::append(
                    &tx,
                    &super::audit::NewEvent {
                        case_id: Some(case_id),
                        at: &super::fmt_ts(self.now()),
                        actor,
                        action: "print",
                        from_state: None,
                        to_state: None,
                        note: &note,
                        data: &serde_json::json!({ "paper": paper.key() }).to_string(),
                    },
                )?;
            }
            // Every printing of the key's sheet is its own event, and dates the valid sheet.
            DocRequest::RecoverySheet => self.record_sheet(&tx, actor, &note)?,
            _ => super::hall_event(&tx, self.now(), actor, "print", &note)?,
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDateTime;

    use super::*;
    use crate::documents::CasePaper;
    use crate::intake::{IntakeOutcome, IntakeRequest, Party, PartyKind};
    use crate::store::testing;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn a_day_with_only_prints_and_a_day_with_nothing_count_zero() {
        let (_d, mut s) = testing::store();
        let item =
            s.catalog_items(None, None).unwrap().into_iter().map(|v| v.item).find(|i| !i.materials.is_empty()).unwrap();
        s.set_now(Some(at("2026-11-20 09:30")));
        let clerk = s.user("clerk1").unwrap();
        let req = IntakeRequest {
            item_code: item.code.clone(),
            applicant: Party {
                kind: PartyKind::Person,
                id_number: "230102199003078519".into(),
                name: "王小二".into(),
                phone: "13800138000".into(),
                address: String::new(),
            },
            agent: None,
            materials: item.materials.iter().map(|m| m.name.clone()).collect(),
            clerk: "clerk1".into(),
            outcome: IntakeOutcome::Accept,
            note: String::new(),
            commitment_due: None,
        };
        let number = s.intake(&req, &clerk).unwrap().summary.number;
        // The next day the receipt is printed again: an event with no state change.
        s.set_now(Some(at("2026-11-23 10:00")));
        s.record_paper(&DocRequest::Case { number, paper: CasePaper::Receipt }, "clerk1", "打印").unwrap();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let f = s.figures(d("2026-11-23"), d("2026-11-23")).unwrap();
        assert_eq!((f.counts.logged, f.counts.decided, f.by_day[0].decided), (0, 0, 0));
        let f = s.figures(d("2026-11-20"), d("2026-11-22")).unwrap();
        assert_eq!((f.counts.logged, f.counts.accepted, f.by_day.len()), (1, 1, 3));
        assert_eq!(f.by_hour[9], 1);
        assert_eq!(f.on_time_rate, 1.0, "nothing decided yet counts as on time");
        let empty = s.figures(d("2025-01-01"), d("2025-01-01")).unwrap();
        assert_eq!(empty.counts.logged, 0);
        assert!(s.figures(d("2026-11-23"), d("2026-11-20")).is_err());
    }
}
