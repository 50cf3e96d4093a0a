//! The counter's rating screen (评价器): the citizen rates, not the clerk being rated. When the
//! citizen's visit at a desk ends (出件, 即办, 不予受理) the step records the desk it was taken at
//! (`origin::current`, set by the hall host), and the rating screen that serves that desk shows
//! the case for [`PROMPT_SECONDS`]: item, masked name, five levels and, for a 差评, the reasons.
//! The screen's session does nothing else (see `api::screen_gate`).

use chrono::NaiveDateTime;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::pickup::{check_level, NewRating, RatingChannel};
use super::stored::At;
use super::{fmt_ts, Rating, SessionUser, Store};
use crate::error::{HallError, Result};
use crate::lifecycle::Action;
use crate::privacy::mask_name;
use crate::validate::text;

/// How long a rating screen offers a case, and accepts its rating.
pub const PROMPT_SECONDS: i64 = 60;

/// Why a citizen is not satisfied, as the screen offers them for 不满意 / 非常不满意 (a 差评
/// must name one). The hall's common complaints; 多次跑腿 from the "让群众少跑腿" of seed 002.
pub const RATING_REASONS: &[&str] = &["等候时间长", "态度不好", "一次性告知不清", "多次跑腿", "办理超时", "其他"];

/// The steps that end the citizen's visit at a desk, after which its rating screen asks.
pub(super) fn ends_the_visit(action: Action) -> bool {
    matches!(action, Action::Deliver | Action::Instant | Action::Refuse)
}

/// The case a rating screen shows now.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RatingPromptView {
    pub number: String,
    pub item_name: String,
    /// Masked (`privacy::mask_name`): the screen faces the hall.
    pub applicant_name: String,
    /// When the step was taken (`YYYY-MM-DD HH:MM:SS`, the hall's clock).
    pub offered_at: String,
    /// Until the screen gives up (1…60).
    pub seconds_left: u32,
}

/// Offers the case on the rating screen of the desk the step came from, in the step's own
/// transaction. A step not taken at a desk of the hall network (one PC, hallctl) offers nothing.
pub(super) fn offer(tx: &Connection, case_id: i64, now: NaiveDateTime) -> Result<()> {
    let Some(desk) = crate::origin::current() else {
        return Ok(());
    };
    tx.execute(
        "INSERT INTO rating_prompts(case_id, desk, offered_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(case_id) DO UPDATE SET desk = excluded.desk, offered_at = excluded.offered_at",
        params![case_id, desk, fmt_ts(now)],
    )?;
    Ok(())
}

/// `ratings.reasons`: a JSON array of [`RATING_REASONS`]; anything else is refused.
pub(super) fn parse_reasons(s: &str) -> std::result::Result<Vec<String>, ()> {
    let reasons: Vec<String> = serde_json::from_str(s).map_err(|_| ())?;
    if reasons.iter().all(|r| RATING_REASONS.contains(&r.as_str())) {
        Ok(reasons)
    } else {
        Err(())
    }
}

/// The reasons as given: known ones, each once, at least one for a 差评 and none otherwise.
fn check_reasons(level: u8, reasons: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for r in reasons {
        let r = r.trim();
        if !RATING_REASONS.contains(&r) {
            return Err(HallError::invalid(format!(
                "不满意原因“{}”不在可选范围内（{}）",
                crate::validate::clip(r, 20),
                RATING_REASONS.join("、")
            )));
        }
        if !out.iter().any(|o| o == r) {
            out.push(r.to_string());
        }
    }
    match (level <= 2, out.is_empty()) {
        (true, true) => Err(HallError::invalid("选择“不满意”或“非常不满意”时，请至少选择一项原因")),
        (false, false) => Err(HallError::invalid("只有“不满意”或“非常不满意”需要选择原因")),
        _ => Ok(out),
    }
}

/// The desk a screen serves; a screen paired without one cannot be shown anything.
fn served_desk(screen: &SessionUser) -> Result<&str> {
    if !screen.screen {
        return Err(HallError::forbidden("此操作只能由已配对的评价器执行"));
    }
    screen
        .serves
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .ok_or_else(|| HallError::invalid("本评价器未设置服务的窗口，请系统管理员重新配对并填写服务的窗口"))
}

/// Seconds since the offer (negative if the clock went back).
fn age(now: NaiveDateTime, offered_at: NaiveDateTime) -> i64 {
    (now - offered_at).num_seconds()
}

impl Store {
    /// The newest case whose visit ended at the screen's desk in the last [`PROMPT_SECONDS`]
    /// and that has no rating yet.
    pub fn rating_prompt(&self, screen: &SessionUser) -> Result<Option<RatingPromptView>> {
        let desk = served_desk(screen)?;
        let now = self.now();
        let since = fmt_ts(now - chrono::Duration::seconds(PROMPT_SECONDS - 1));
        let mut st = self.conn.prepare_cached(
            "SELECT p.case_id AS case_id, p.offered_at AS offered_at, c.number AS number, c.item_name AS item_name,
                    c.applicant_name AS applicant_name, c.state AS state
             FROM rating_prompts p JOIN cases c ON c.id = p.case_id
             WHERE p.desk = ?1 AND p.offered_at >= ?2 AND NOT EXISTS (SELECT 1 FROM ratings r WHERE r.case_id = p.case_id)
             ORDER BY p.offered_at DESC, p.case_id DESC LIMIT 5",
        )?;
        let rows = st.query_map(params![desk, since], |r| {
            let at = At::new(r, "rating_prompts", "case_id")?;
            Ok((
                r.get::<_, i64>("case_id")?,
                at.stamp("offered_at")?,
                at.key("state", crate::lifecycle::CaseState::parse)?,
                r.get::<_, String>("number")?,
                r.get::<_, String>("item_name")?,
                r.get::<_, String>("applicant_name")?,
            ))
        })?;
        for row in rows {
            let (case_id, offered_at, state, number, item_name, applicant_name) = row?;
            // A case revoked within the minute is no longer the citizen's to rate.
            if !self.visit_ended(case_id, state)? {
                continue;
            }
            let left = (PROMPT_SECONDS - age(now, offered_at).max(0)).clamp(1, PROMPT_SECONDS);
            return Ok(Some(RatingPromptView {
                number,
                item_name,
                applicant_name: mask_name(&applicant_name),
                offered_at: fmt_ts(offered_at),
                seconds_left: left as u32,
            }));
        }
        Ok(None)
    }

    /// The citizen's rating on the screen (channel 评价器), of the case the screen offered
    /// within the last [`PROMPT_SECONDS`]; a 2 or 1 opens a follow-up as a staff rating does.
    pub fn screen_rate(
        &mut self,
        number: &str,
        level: u8,
        reasons: &[String],
        comment: &str,
        screen: &SessionUser,
    ) -> Result<Rating> {
        let desk = served_desk(screen)?.to_string();
        check_level(level)?;
        let reasons = check_reasons(level, reasons)?;
        let comment = text("评价意见", comment, 500, false)?;
        let case = self.case_row(number)?;
        let offer: Option<(String, NaiveDateTime)> = self
            .conn
            .query_row("SELECT case_id, desk, offered_at FROM rating_prompts WHERE case_id = ?1", [case.id], |r| {
                Ok((r.get("desk")?, At::new(r, "rating_prompts", "case_id")?.stamp("offered_at")?))
            })
            .optional()?;
        let offered_at = match offer {
            Some((at_desk, offered_at)) if at_desk == desk => offered_at,
            _ => return Err(HallError::forbidden("该办件不是本评价器所服务窗口刚办理的办件，不能在此评价")),
        };
        if self.is_rated(case.id)? {
            return Err(HallError::conflict("该办件已有评价，每件只能评价一次"));
        }
        if age(self.now(), offered_at) > PROMPT_SECONDS {
            return Err(HallError::invalid(format!(
                "评价已超时（办结后 {PROMPT_SECONDS} 秒内有效），如仍需评价，请告知窗口工作人员代为登记"
            )));
        }
        self.require_rateable(&case)?;
        let rating = NewRating { level, reasons: &reasons, comment: &comment, channel: RatingChannel::Screen };
        self.record_rating(&case, &rating, &screen.username)
    }
}
