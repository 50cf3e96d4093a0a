//! The period's figures of the hall's own records: consultations and their call-backs, citizens'
//! demands, 准入 per county department and 县乡联动 per county department — the last two being
//! the township's evaluation of the county departments (seed 003 三(四)). Part of [`Figures`].
//!
//! [`Figures`]: super::Figures

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::stored::At;
use super::{Store, Tally};
use crate::admission::{AdmissionRule, RULES};
use crate::coordination::{RESULTS, SATISFACTION};
use crate::error::Result;

/// How many topics the period's most asked list keeps.
const TOP_TOPICS: usize = 10;

/// 首问负责 at the desk: consultations logged in the period and the call-backs owed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConsultFigures {
    pub logged: u32,
    /// By 首问负责人, most first.
    pub by_clerk: Vec<Tally>,
    /// Logged in the period with a call back owed.
    pub callbacks_asked: u32,
    /// Call-backs closed in the period.
    pub callbacks_closed: u32,
    /// Owed at the end of the period.
    pub callbacks_open: u32,
    /// Owed at the end of the period past their date, or closed in the period after it.
    pub callbacks_overdue: u32,
    /// The most asked topics, most first.
    pub top_topics: Vec<Tally>,
}

/// 群众需求 and 人民建议 in the period.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DemandFigures {
    pub logged: u32,
    /// 群众需求 / 人民建议, most first.
    pub by_kind: Vec<Tally>,
    pub by_category: Vec<Tally>,
    pub by_village: Vec<Tally>,
    /// Reviewed in the period: adopted, or not.
    pub adopted: u32,
    pub declined: u32,
    /// Answered in the period.
    pub answered: u32,
    /// Logged by the end of the period and not yet reviewed then.
    pub waiting_review: u32,
}

/// How many of a department's tasks one rule decided.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RuleCount {
    pub rule: AdmissionRule,
    pub label: String,
    pub count: u32,
}

/// 准入 of one county department's tasks received in the period (seed 003 四(二), 四(三)).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DepartmentAdmission {
    pub unit: String,
    pub unit_name: String,
    pub received: u32,
    pub admitted: u32,
    pub refused: u32,
    /// Refusals under each refusing rule, in [`RULES`] order (zeros kept, so columns line up).
    pub refused_by_rule: Vec<RuleCount>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AdmissionFigures {
    /// Departments that pushed tasks down in the period, by name.
    pub by_department: Vec<DepartmentAdmission>,
    /// All the period's refusals under each refusing rule, in [`RULES`] order.
    pub refused_by_rule: Vec<RuleCount>,
}

/// 县乡联动 with one county department: how fast and how well it answered (seed 003 三(三)).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DepartmentResponse {
    pub unit: String,
    pub unit_name: String,
    /// Raised to it in the period.
    pub raised: u32,
    /// Answered in the period …
    pub answered: u32,
    /// … of which by the due day.
    pub answered_on_time: u32,
    /// Still unanswered at the end of the period.
    pub open: u32,
    /// Unanswered past the due day at the end of the period, or answered late in it.
    pub overdue: u32,
    /// Working days from raising to answer, over the answers in the period.
    pub average_days: f64,
    pub max_days: u32,
    /// The answers' results, in [`RESULTS`] order.
    pub results: Vec<Tally>,
    /// The township's evaluation of the answers, in [`SATISFACTION`] order.
    pub satisfaction: Vec<Tally>,
}

/// Zero counts for each of `names`, to be filled in their order.
fn tallies_of(names: &[&str]) -> Vec<Tally> {
    names.iter().map(|n| Tally { name: n.to_string(), count: 0 }).collect()
}

fn bump(tallies: &mut [Tally], name: Option<&str>) {
    if let Some(t) = name.and_then(|n| tallies.iter_mut().find(|t| t.name == n)) {
        t.count += 1;
    }
}

fn refusing_rules() -> Vec<RuleCount> {
    RULES
        .iter()
        .filter(|r| !r.admitted)
        .map(|r| RuleCount { rule: r.rule, label: r.label.to_string(), count: 0 })
        .collect()
}

/// The period as the queries take it: dates `from..=to` and timestamps `lo..hi`.
pub(super) struct Period<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub lo: &'a str,
    pub hi: &'a str,
}

/// The one mapping of a count by name (columns `name` and `n`).
pub(super) fn tally(r: &rusqlite::Row) -> rusqlite::Result<Tally> {
    Ok(Tally { name: r.get("name")?, count: r.get("n")? })
}

impl Store {
    /// Counts by name: `sql` selects `name` and `n`.
    fn tally(&self, sql: &str, args: impl rusqlite::Params) -> Result<Vec<Tally>> {
        let mut st = self.conn.prepare_cached(sql)?;
        let rows = st.query_map(args, tally)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(super) fn consult_figures(&self, p: &Period) -> Result<ConsultFigures> {
        let (logged, callbacks_asked, callbacks_closed, callbacks_open, callbacks_overdue) = self.conn.query_row(
            "SELECT coalesce(sum(at >= ?1 AND at < ?2), 0) AS logged,
                coalesce(sum(at >= ?1 AND at < ?2 AND callback), 0) AS asked,
                coalesce(sum(closed_at >= ?1 AND closed_at < ?2), 0) AS closed,
                coalesce(sum(callback AND at < ?2 AND (closed_at IS NULL OR closed_at >= ?2)), 0) AS open,
                coalesce(sum(callback AND (
                    (at < ?2 AND (closed_at IS NULL OR closed_at >= ?2) AND callback_due < ?3)
                    OR (closed_at >= ?1 AND closed_at < ?2 AND substr(closed_at, 1, 10) > callback_due))), 0) AS overdue
             FROM consultations WHERE at < ?2",
            params![p.lo, p.hi, p.to],
            |r| Ok((r.get("logged")?, r.get("asked")?, r.get("closed")?, r.get("open")?, r.get("overdue")?)),
        )?;
        let by_clerk = self.tally(
            "SELECT coalesce(u.name, c.clerk) AS name, count(*) n FROM consultations c
             LEFT JOIN users u ON u.username = c.clerk
             WHERE c.at >= ?1 AND c.at < ?2 GROUP BY c.clerk ORDER BY n DESC, 1",
            params![p.lo, p.hi],
        )?;
        let top_topics = self.tally(
            "SELECT topic AS name, count(*) n FROM consultations WHERE at >= ?1 AND at < ?2
             GROUP BY topic ORDER BY n DESC, topic LIMIT ?3",
            params![p.lo, p.hi, TOP_TOPICS as i64],
        )?;
        Ok(ConsultFigures {
            logged,
            by_clerk,
            callbacks_asked,
            callbacks_closed,
            callbacks_open,
            callbacks_overdue,
            top_topics,
        })
    }

    pub(super) fn demand_figures(&self, p: &Period) -> Result<DemandFigures> {
        let (logged, adopted, declined, answered, waiting_review) = self.conn.query_row(
            "SELECT coalesce(sum(logged_at >= ?1 AND logged_at < ?2), 0) AS logged,
                coalesce(sum(reviewed_at >= ?1 AND reviewed_at < ?2 AND adopted), 0) AS adopted,
                coalesce(sum(reviewed_at >= ?1 AND reviewed_at < ?2 AND NOT adopted), 0) AS declined,
                coalesce(sum(answered_at >= ?1 AND answered_at < ?2), 0) AS answered,
                coalesce(sum(reviewed_at IS NULL OR reviewed_at >= ?2), 0) AS waiting
             FROM demands WHERE logged_at < ?2",
            params![p.lo, p.hi],
            |r| Ok((r.get("logged")?, r.get("adopted")?, r.get("declined")?, r.get("answered")?, r.get("waiting")?)),
        )?;
        let by = |column: &str| {
            self.tally(
                &format!(
                    "SELECT {column} AS name, count(*) n FROM demands WHERE logged_at >= ?1 AND logged_at < ?2
                     GROUP BY {column} ORDER BY n DESC, {column}"
                ),
                params![p.lo, p.hi],
            )
        };
        let mut by_kind = by("kind")?;
        for t in &mut by_kind {
            t.name = match crate::demands::DemandKind::parse(&t.name) {
                Ok(k) => k.label().to_string(),
                Err(_) => {
                    let row: i64 =
                        self.conn.query_row("SELECT min(id) FROM demands WHERE kind = ?1", [&t.name], |r| r.get(0))?;
                    return Err(super::stored::unknown("demands", row, "kind", &t.name));
                }
            };
        }
        Ok(DemandFigures {
            logged,
            by_kind,
            by_category: by("category")?,
            by_village: by("village")?,
            adopted,
            declined,
            answered,
            waiting_review,
        })
    }

    pub(super) fn admission_figures(&self, p: &Period) -> Result<AdmissionFigures> {
        let mut st = self.conn.prepare_cached(
            "SELECT min(t.id) AS id, t.department AS department, coalesce(u.name, t.department) AS unit_name,
                    t.rule AS rule, count(*) AS n
             FROM admission_tasks t LEFT JOIN units u ON u.code = t.department
             WHERE t.received_on BETWEEN ?1 AND ?2 GROUP BY t.department, t.rule ORDER BY 3, t.department",
        )?;
        let rows = st.query_map(params![p.from, p.to], |r| {
            let rule = At::new(r, "admission_tasks", "id")?.known("rule", AdmissionRule::from_key)?;
            Ok((r.get::<_, String>("department")?, r.get::<_, String>("unit_name")?, rule, r.get::<_, u32>("n")?))
        })?;
        let mut figures = AdmissionFigures { by_department: vec![], refused_by_rule: refusing_rules() };
        for row in rows {
            let (unit, unit_name, rule, n) = row?;
            if figures.by_department.last().map(|d| &d.unit) != Some(&unit) {
                figures.by_department.push(DepartmentAdmission {
                    unit,
                    unit_name,
                    received: 0,
                    admitted: 0,
                    refused: 0,
                    refused_by_rule: refusing_rules(),
                });
            }
            let d = figures.by_department.last_mut().expect("pushed above");
            d.received += n;
            if rule.info().admitted {
                d.admitted += n;
                continue;
            }
            d.refused += n;
            for counts in [&mut d.refused_by_rule, &mut figures.refused_by_rule] {
                if let Some(c) = counts.iter_mut().find(|c| c.rule == rule) {
                    c.count += n;
                }
            }
        }
        Ok(figures)
    }

    /// Every department with an issue raised or answered in the period, or open at its end.
    pub(super) fn coordination_figures(&self, p: &Period) -> Result<Vec<DepartmentResponse>> {
        let mut st = self.conn.prepare_cached(
            "SELECT i.id AS id, i.department AS department, coalesce(u.name, i.department) AS unit_name,
                    i.raised_on AS raised_on, i.due_on AS due_on, i.answered_on AS answered_on, i.result AS result,
                    i.satisfaction AS satisfaction
             FROM coordination_issues i LEFT JOIN units u ON u.code = i.department
             WHERE i.raised_on <= ?2 AND (i.answered_on IS NULL OR i.answered_on >= ?1)
             ORDER BY 3, i.department",
        )?;
        let rows = st.query_map(params![p.from, p.to], |r| {
            let at = At::new(r, "coordination_issues", "id")?;
            Ok((
                r.get::<_, String>("department")?,
                r.get::<_, String>("unit_name")?,
                at.date_text("raised_on")?,
                at.date_text("due_on")?,
                at.date_text_opt("answered_on")?,
                r.get::<_, Option<String>>("result")?,
                r.get::<_, Option<String>>("satisfaction")?,
            ))
        })?;
        let mut out: Vec<DepartmentResponse> = Vec::new();
        let mut total_days: BTreeMap<String, u32> = BTreeMap::new();
        for row in rows {
            let (unit, unit_name, raised_on, due_on, answered_on, result, satisfaction) = row?;
            if out.last().map(|d| &d.unit) != Some(&unit) {
                out.push(DepartmentResponse {
                    unit: unit.clone(),
                    unit_name,
                    raised: 0,
                    answered: 0,
                    answered_on_time: 0,
                    open: 0,
                    overdue: 0,
                    average_days: 0.0,
                    max_days: 0,
                    results: tallies_of(RESULTS),
                    satisfaction: tallies_of(SATISFACTION),
                });
            }
            let d = out.last_mut().expect("pushed above");
            if raised_on.as_str() >= p.from {
                d.raised += 1;
            }
            match answered_on.filter(|a| a.as_str() <= p.to) {
                Some(on) => {
                    d.answered += 1;
                    if on <= due_on {
                        d.answered_on_time += 1;
                    } else {
                        d.overdue += 1;
                    }
                    if let (Ok(a), Ok(b)) = (raised_on.parse::<NaiveDate>(), on.parse::<NaiveDate>()) {
                        let days = self.calendar.working_days_between(a, b).0;
                        *total_days.entry(unit).or_default() += days;
                        d.max_days = d.max_days.max(days);
                    }
                    bump(&mut d.results, result.as_deref());
                    bump(&mut d.satisfaction, satisfaction.as_deref());
                }
                None => {
                    d.open += 1;
                    if due_on.as_str() < p.to {
                        d.overdue += 1;
                    }
                }
            }
        }
        for d in &mut out {
            if d.answered > 0 {
                d.average_days = total_days.get(&d.unit).copied().unwrap_or(0) as f64 / d.answered as f64;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDateTime;

    use super::*;
    use crate::admission::TaskTerms;
    use crate::consult::ConsultInput;
    use crate::coordination::{IssueAnswer, IssueInput, IssueUrgency};
    use crate::demands::{DemandInput, DemandKind};
    use crate::duties::DutyFile;
    use crate::store::{testing, AdmissionInput};

    const DUTIES: &str = include_str!("../../tests/data/duties.json");

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }
    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_week_of_records_is_counted_per_section_and_department() {
        let (_d, mut s) = testing::store();
        s.set_now(Some(at("2026-11-16 09:00")));
        s.import_duties(&DutyFile::parse_json(DUTIES).unwrap(), "test").unwrap();

        // Consultations: a call back closed late, one still owed in time, one needing none.
        let ask = |topic: &str, callback: bool, due: Option<&str>| ConsultInput {
            topic: topic.into(),
            answer: "已告知办理条件和所需材料".into(),
            phone: if callback { "13900001234".into() } else { String::new() },
            callback,
            callback_due: due.map(day),
            ..Default::default()
        };
        let late = s.log_consultation(&ask("低保政策", true, None), "clerk1").unwrap();
        s.log_consultation(&ask("低保政策", true, Some("2026-11-20")), "clerk2").unwrap();
        s.log_consultation(&ask("医保缴费", false, None), "clerk1").unwrap();

        // Demands: one adopted and answered, one declined, one waiting.
        let demand = |kind, category: &str, village: &str| DemandInput {
            kind,
            category: category.into(),
            village: village.into(),
            content: "村道路灯损坏，夜间出行不便".into(),
            citizen_name: String::new(),
            phone: String::new(),
        };
        let a = s.log_demand(&demand(DemandKind::Demand, "基础设施", "惠头村"), "clerk1").unwrap();
        let b = s.log_demand(&demand(DemandKind::Suggestion, "公共服务", "惠头村"), "clerk1").unwrap();
        s.log_demand(&demand(DemandKind::Demand, "基础设施", "信头村"), "clerk2").unwrap();
        s.set_now(Some(at("2026-11-18 10:00")));
        s.close_callback(&late.number, "已电话告知审核结果", "clerk1").unwrap();
        s.review_demand(&a.number, true, "", "director").unwrap();
        s.answer_demand(&a.number, "已安排维修", "director").unwrap();
        s.review_demand(&b.number, false, "不属于本镇职责", "director").unwrap();

        // 准入: 民政局 one admitted, one outside the list; 农业农村局 its own duty and a veto.
        let task = |dept: &str, entry: Option<&str>, terms: TaskTerms| AdmissionInput {
            department: dept.into(),
            title: "任务".into(),
            content: String::new(),
            doc_ref: String::new(),
            received_on: None,
            entry_code: entry.map(String::from),
            terms,
            due_on: None,
        };
        let none = TaskTerms::default();
        s.record_admission(&task("C-MZJ", Some("ZZ-001"), none), "director").unwrap();
        s.record_admission(&task("C-MZJ", None, none), "director").unwrap();
        s.record_admission(&task("C-NYJ", Some("ZZ-003"), none), "director").unwrap();
        s.record_admission(&task("C-NYJ", Some("ZZ-002"), TaskTerms { veto: true, ..none }), "director").unwrap();

        // 县乡联动, raised on Monday 16th: 民政局 answers an urgent one the next day; 自然资源局
        // answers a critical one (due 17th) on the 19th and leaves an urgent one (due 18th) open.
        s.set_now(Some(at("2026-11-16 11:00")));
        let issue = |dept: &str, urgency| IssueInput {
            kind: "综合执法".into(),
            title: "河道内违法采砂".into(),
            location: "惠头村".into(),
            urgency,
            department: dept.into(),
        };
        let quick = s.raise_issue(&issue("C-MZJ", IssueUrgency::Urgent), "director").unwrap();
        let slow = s.raise_issue(&issue("C-ZRJ", IssueUrgency::Critical), "director").unwrap();
        s.raise_issue(&issue("C-ZRJ", IssueUrgency::Urgent), "director").unwrap();
        s.set_now(Some(at("2026-11-20 16:00")));
        let answer = |on: &str, result: &str, satisfaction: &str| IssueAnswer {
            answer: "已派员处理".into(),
            answered_on: Some(day(on)),
            result: result.into(),
            satisfaction: satisfaction.into(),
        };
        s.answer_issue(&quick.number, &answer("2026-11-17", "已解决", "满意"), "director").unwrap();
        s.answer_issue(&slow.number, &answer("2026-11-19", "部分解决", "不满意"), "director").unwrap();

        let f = s.figures(day("2026-11-16"), day("2026-11-20")).unwrap();
        let c = &f.consultations;
        assert_eq!((c.logged, c.callbacks_asked, c.callbacks_closed, c.callbacks_open), (3, 2, 1, 1));
        assert_eq!(c.callbacks_overdue, 1, "closed a day after its date");
        assert_eq!((c.top_topics[0].name.as_str(), c.top_topics[0].count), ("低保政策", 2));
        assert_eq!(c.by_clerk.iter().map(|t| t.count).sum::<u32>(), 3);

        let d = &f.demands;
        assert_eq!((d.logged, d.adopted, d.declined, d.answered, d.waiting_review), (3, 1, 1, 1, 1));
        assert_eq!((d.by_kind[0].name.as_str(), d.by_kind[0].count), ("群众需求", 2));
        assert_eq!((d.by_village[0].name.as_str(), d.by_village[0].count), ("惠头村", 2));
        assert_eq!(d.by_category.len(), 2);

        let adm = &f.admission;
        let dept = |code: &str| adm.by_department.iter().find(|d| d.unit == code).unwrap();
        let mzj = dept("C-MZJ");
        assert_eq!((mzj.unit_name.as_str(), mzj.received, mzj.admitted, mzj.refused), ("望奎县民政局", 2, 1, 1));
        let rule = |counts: &[RuleCount], r: AdmissionRule| counts.iter().find(|c| c.rule == r).unwrap().count;
        assert_eq!(rule(&mzj.refused_by_rule, AdmissionRule::NotInList), 1);
        let nyj = dept("C-NYJ");
        assert_eq!((nyj.received, nyj.admitted, nyj.refused), (2, 0, 2));
        assert_eq!(rule(&adm.refused_by_rule, AdmissionRule::CountyDuty), 1);
        assert_eq!(rule(&adm.refused_by_rule, AdmissionRule::OneVoteVeto), 1);
        assert_eq!(adm.refused_by_rule.len(), RULES.iter().filter(|r| !r.admitted).count());

        let resp = |code: &str| f.coordination.iter().find(|d| d.unit == code).unwrap();
        let mzj = resp("C-MZJ");
        assert_eq!((mzj.raised, mzj.answered, mzj.answered_on_time, mzj.open, mzj.overdue), (1, 1, 1, 0, 0));
        assert_eq!((mzj.average_days, mzj.max_days), (1.0, 1));
        assert_eq!(mzj.satisfaction[0].count, 1, "满意");
        let zrj = resp("C-ZRJ");
        assert_eq!((zrj.raised, zrj.answered, zrj.answered_on_time, zrj.open, zrj.overdue), (2, 1, 0, 1, 2));
        assert_eq!((zrj.average_days, zrj.max_days), (3.0, 3));
        assert_eq!(zrj.results.iter().find(|t| t.name == "部分解决").unwrap().count, 1);

        // The next week: nothing new, but what was still open or owed carries over.
        let next = s.figures(day("2026-11-23"), day("2026-11-27")).unwrap();
        assert_eq!((next.consultations.logged, next.consultations.callbacks_open), (0, 1));
        assert_eq!(next.demands.waiting_review, 1);
        assert!(next.admission.by_department.is_empty());
        assert_eq!(next.coordination.iter().map(|d| (d.unit.as_str(), d.open)).collect::<Vec<_>>(), [("C-ZRJ", 1)]);

        // The daily sheet lists the day's consultations (numbers masked) and demands.
        let sheet = s.daily_sheet(day("2026-11-16")).unwrap();
        assert_eq!(sheet.consultations.len(), 3);
        assert!(sheet.consultations[0].number < sheet.consultations[1].number, "number order");
        assert_eq!(sheet.consultations[0].phone, "139****1234");
        assert_eq!(sheet.demands.len(), 3);
        assert!(s.daily_sheet(day("2026-11-17")).unwrap().consultations.is_empty());
    }
}
