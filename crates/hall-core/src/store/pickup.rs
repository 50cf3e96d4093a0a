//! The pickup window and afterwards: 好差评 ratings (one per case, keyed in by staff or given by
//! the citizen on the counter's rating screen, see `rater`) and the follow-up a 差评 opens,
//! tracked by the supervisor to closure within a set number of working days.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cases::insert_event;
use super::steps::CaseRow;
use super::stored::At;
use super::{fmt_ts, CaseSummary, SessionUser, Store};
use crate::error::{HallError, Result};
use crate::lifecycle::{CaseState, Role};
use crate::validate::text;

pub const RATING_LABELS: [&str; 5] = ["非常不满意", "不满意", "基本满意", "满意", "非常满意"];

pub fn rating_label(level: u8) -> &'static str {
    RATING_LABELS.get((level as usize).wrapping_sub(1)).copied().unwrap_or("")
}

/// How a rating came in (国办发〔2019〕51号: the channel is recorded and reported).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RatingChannel {
    /// 评价器: the citizen pressed it on the counter's rating screen.
    Screen,
    /// 窗口代录: staff keyed in what the citizen said.
    Staff,
}

impl RatingChannel {
    pub const ALL: [RatingChannel; 2] = [RatingChannel::Screen, RatingChannel::Staff];

    /// As stored and as the sync body carries it.
    pub fn key(self) -> &'static str {
        match self {
            RatingChannel::Screen => sync_protocol::CHANNEL_SCREEN,
            RatingChannel::Staff => sync_protocol::CHANNEL_STAFF,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            RatingChannel::Screen => "评价器",
            RatingChannel::Staff => "窗口代录",
        }
    }
    pub fn parse(s: &str) -> Option<RatingChannel> {
        RatingChannel::ALL.into_iter().find(|c| c.key() == s)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Rating {
    pub level: u8,
    pub label: String,
    pub comment: String,
    pub rated_at: String,
    /// The staff member's name, or the rating screen's name (评价器：…).
    pub rated_by: String,
    pub channel: RatingChannel,
    /// The 差评 reasons the citizen chose on the screen (`rater::RATING_REASONS`); none for
    /// staff ratings.
    pub reasons: Vec<String>,
}

/// A rating about to be recorded, checked.
pub(super) struct NewRating<'a> {
    pub level: u8,
    pub reasons: &'a [String],
    pub comment: &'a str,
    pub channel: RatingChannel,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FollowUp {
    pub number: String,
    pub item_name: String,
    pub applicant_name: String,
    pub level: u8,
    pub comment: String,
    /// How the 差评 came in, and the reasons the citizen chose on the screen.
    pub channel: RatingChannel,
    pub reasons: Vec<String>,
    pub opened_on: String,
    pub due_on: String,
    pub callback_note: String,
    pub fix_note: String,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    /// Open past its due date.
    pub overdue: bool,
}

/// The supervisor's record of a follow-up: the call back, the fix, and whether it is closed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FollowUpUpdate {
    #[serde(default)]
    pub callback_note: String,
    #[serde(default)]
    pub fix_note: String,
    #[serde(default)]
    pub close: bool,
}

pub(super) fn check_level(level: u8) -> Result<()> {
    if !(1..=5).contains(&level) {
        return Err(HallError::invalid("评价等级应为 1（非常不满意）至 5（非常满意）"));
    }
    Ok(())
}

impl Store {
    /// Working days within which a 差评 follow-up must be closed (setting, default 5).
    pub fn follow_up_days(&self) -> Result<u32> {
        Ok(self.settings()?.follow_up_days)
    }

    /// Cases waiting at the pickup window, oldest decision first.
    pub fn ready_list(&self) -> Result<Vec<CaseSummary>> {
        let ready: Vec<&str> = crate::lifecycle::STATES.iter().filter(|s| s.ready_for_pickup).map(|s| s.key).collect();
        let placeholders = vec!["?"; ready.len()].join(",");
        let mut st = self
            .conn
            .prepare(&format!("SELECT id FROM cases WHERE state IN ({placeholders}) ORDER BY updated_at, id"))?;
        let ids: Vec<i64> =
            st.query_map(rusqlite::params_from_iter(ready), |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        self.summaries(&ids)
    }

    /// Records the rating staff keyed in for the citizen (窗口代录), once the citizen's visit at
    /// the desk has ended or later; a 2 or 1 opens a follow-up.
    pub fn rate(&mut self, number: &str, level: u8, comment: &str, user: &SessionUser) -> Result<Rating> {
        if !matches!(user.role, Role::Clerk | Role::Supervisor) || user.screen {
            return Err(HallError::forbidden("评价由前台受理员或中心主任登记"));
        }
        check_level(level)?;
        let comment = text("评价意见", comment, 500, false)?;
        let case = self.case_row(number)?;
        self.require_rateable(&case)?;
        let rating = NewRating { level, reasons: &[], comment: &comment, channel: RatingChannel::Staff };
        self.record_rating(&case, &rating, &user.username)
    }

    /// Whether the citizen's visit has ended, so the case may be rated: handed out (出件),
    /// completed at the desk (即办, the case then waits as 办结 until it is handed out) or
    /// refused at the desk (不予受理).
    pub(crate) fn visit_ended(&self, case_id: i64, state: CaseState) -> Result<bool> {
        Ok(match state {
            CaseState::Delivered | CaseState::Refused => true,
            CaseState::Approved => self.conn.query_row(
                "SELECT EXISTS(SELECT 1 FROM events WHERE case_id = ?1 AND action = 'instant')",
                [case_id],
                |r| r.get(0),
            )?,
            _ => false,
        })
    }

    pub(super) fn require_rateable(&self, case: &CaseRow) -> Result<()> {
        if !self.visit_ended(case.id, case.state)? {
            return Err(HallError::invalid(format!(
                "办件状态为“{}”，出件、即办办结或不予受理后才能评价",
                case.state.label()
            )));
        }
        Ok(())
    }

    pub(super) fn is_rated(&self, case_id: i64) -> Result<bool> {
        Ok(self.conn.query_row("SELECT EXISTS(SELECT 1 FROM ratings WHERE case_id = ?1)", [case_id], |r| r.get(0))?)
    }

    /// Writes a checked rating, its event and (for a 2 or 1) the follow-up in one transaction.
    pub(super) fn record_rating(&mut self, case: &CaseRow, new: &NewRating, actor: &str) -> Result<Rating> {
        if self.is_rated(case.id)? {
            return Err(HallError::conflict("该办件已有评价，每件只能评价一次"));
        }
        let (level, comment) = (new.level, new.comment);
        let now = self.now();
        let due = self.calendar.add_working_days(now.date(), self.follow_up_days()?).date;
        let reasons = serde_json::to_string(new.reasons).expect("a list of words serialises");
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO ratings(case_id, level, comment, rated_at, rated_by, channel, reasons)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![case.id, level, comment, fmt_ts(now), actor, new.channel.key(), reasons],
        )?;
        let mut note = vec![format!("{}：{}（{level}）", new.channel.label(), rating_label(level))];
        if !new.reasons.is_empty() {
            note.push(format!("原因：{}", new.reasons.join("、")));
        }
        if !comment.is_empty() {
            note.push(format!("意见：{comment}"));
        }
        if level <= 2 {
            tx.execute(
                "INSERT INTO follow_ups(case_id, opened_on, due_on) VALUES (?1, ?2, ?3)",
                params![case.id, now.date().to_string(), due.to_string()],
            )?;
            note.push(format!("差评，已转中心主任回访整改，期限 {due}"));
        }
        insert_event(&tx, now, case.id, actor, "rate", (Some(case.state), Some(case.state)), &note.join("；"))?;
        super::outbox::queue(&tx, case.id, now)?;
        tx.commit()?;
        self.rating(&case.number)?.ok_or_else(|| HallError::not_found("评价未找到"))
    }

    pub fn rating(&self, number: &str) -> Result<Option<Rating>> {
        Ok(self
            .conn
            .query_row(
                "SELECT r.case_id AS case_id, r.level AS level, r.comment AS comment, r.rated_at AS rated_at,
                        coalesce(u.name, r.rated_by) AS rated_by, r.channel AS channel, r.reasons AS reasons
                 FROM ratings r
                 JOIN cases c ON c.id = r.case_id LEFT JOIN users u ON u.username = r.rated_by
                 WHERE c.number = ?1",
                [number.trim()],
                |r| {
                    let at = At::new(r, "ratings", "case_id")?;
                    let level: u8 = r.get("level")?;
                    Ok(Rating {
                        level,
                        label: rating_label(level).to_string(),
                        comment: r.get("comment")?,
                        rated_at: r.get("rated_at")?,
                        rated_by: r.get("rated_by")?,
                        channel: at.known("channel", RatingChannel::parse)?,
                        reasons: at.key("reasons", super::rater::parse_reasons)?,
                    })
                },
            )
            .optional()?)
    }

    /// 差评 follow-ups, open ones first by due date.
    pub fn follow_ups(&self, open_only: bool) -> Result<Vec<FollowUp>> {
        let today = self.today().to_string();
        let mut st = self.conn.prepare(
            "SELECT f.case_id AS case_id, c.number AS number, c.item_name AS item_name, c.applicant_name AS applicant_name,
                    r.level AS level, r.comment AS comment, r.channel AS channel, r.reasons AS reasons,
                    f.opened_on AS opened_on, f.due_on AS due_on,
                    f.callback_note AS callback_note, f.fix_note AS fix_note, f.closed_at AS closed_at,
                    coalesce(u.name, f.closed_by) AS closed_by
             FROM follow_ups f JOIN cases c ON c.id = f.case_id JOIN ratings r ON r.case_id = f.case_id
             LEFT JOIN users u ON u.username = f.closed_by
             WHERE (?1 = 0 OR f.closed_at IS NULL)
             ORDER BY f.closed_at IS NOT NULL, f.due_on, c.id",
        )?;
        let rows = st.query_map([open_only as i64], |r| {
            let at = At::new(r, "follow_ups", "case_id")?;
            let rating = At::new(r, "ratings", "case_id")?;
            let closed_at: Option<String> = r.get("closed_at")?;
            let due_on = at.date_text("due_on")?;
            Ok(FollowUp {
                number: r.get("number")?,
                item_name: r.get("item_name")?,
                applicant_name: r.get("applicant_name")?,
                level: r.get("level")?,
                comment: r.get("comment")?,
                channel: rating.known("channel", RatingChannel::parse)?,
                reasons: rating.key("reasons", super::rater::parse_reasons)?,
                opened_on: at.date_text("opened_on")?,
                overdue: closed_at.is_none() && due_on < today,
                due_on,
                callback_note: r.get("callback_note")?,
                fix_note: r.get("fix_note")?,
                closed_at,
                closed_by: r.get("closed_by")?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The supervisor records the call back and the fix; closing needs both.
    pub fn update_follow_up(&mut self, number: &str, u: &FollowUpUpdate, user: &SessionUser) -> Result<FollowUp> {
        if user.role != Role::Supervisor {
            return Err(HallError::forbidden("差评回访由中心主任处理"));
        }
        let case = self.case_row(number)?;
        let callback = text("回访情况", &u.callback_note, 1000, false)?;
        let fix = text("整改情况", &u.fix_note, 1000, false)?;
        let current: Option<(String, String, Option<String>)> = self
            .conn
            .query_row("SELECT callback_note, fix_note, closed_at FROM follow_ups WHERE case_id = ?1", [case.id], |r| {
                Ok((r.get("callback_note")?, r.get("fix_note")?, r.get("closed_at")?))
            })
            .optional()?;
        let (old_callback, old_fix, closed) =
            current.ok_or_else(|| HallError::not_found("该办件没有待处理的差评回访"))?;
        if closed.is_some() {
            return Err(HallError::conflict("该差评回访已办结"));
        }
        let callback = if callback.is_empty() { old_callback } else { callback };
        let fix = if fix.is_empty() { old_fix } else { fix };
        if u.close && (callback.is_empty() || fix.is_empty()) {
            return Err(HallError::invalid("办结差评回访须填写回访情况和整改情况"));
        }
        let now = self.now();
        let tx = self.write()?;
        tx.execute(
            "UPDATE follow_ups SET callback_note = ?1, fix_note = ?2, closed_at = ?3, closed_by = ?4 WHERE case_id = ?5",
            params![
                callback,
                fix,
                u.close.then(|| fmt_ts(now)),
                u.close.then(|| user.username.clone()),
                case.id
            ],
        )?;
        let note = format!("回访：{callback}；整改：{fix}{}", if u.close { "；已办结" } else { "" });
        insert_event(&tx, now, case.id, &user.username, "follow_up", (Some(case.state), Some(case.state)), &note)?;
        super::outbox::queue(&tx, case.id, now)?;
        tx.commit()?;
        self.follow_ups(false)?
            .into_iter()
            .find(|f| f.number == case.number)
            .ok_or_else(|| HallError::not_found("差评回访未找到"))
    }
}
