//! What a case's paper says: the case as the citizen may see it (ID masked), the catalog item it
//! was accepted under (with where to get each material), and the facts of the outcome — the
//! refusal's reason, the decision, the hand-out.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::stored::{serde_key, At};
use super::{CaseDetail, CatalogItemView, DeliveryMethod, Store};
use crate::documents::{decision_title, CasePaper, PaperOffer};
use crate::error::{HallError, Result};
use crate::privacy::mask_id;

/// The hall's own lines on every paper.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HallLetterhead {
    pub township_code: String,
    pub township_name: String,
    /// e.g. 卫星镇便民服务中心
    pub hall_name: String,
    pub address: String,
    pub phone: String,
    /// 行政复议 / 行政诉讼 wording printed on a refusal.
    pub appeal_text: String,
    /// The hall's clock when the paper is made: its footer's 打印于.
    #[ts(type = "string")]
    pub printed_at: chrono::NaiveDateTime,
}

/// Default appeal wording (the 行政许可法 / 行政复议法 / 行政诉讼法 periods); the admin may
/// replace it with the county's own text.
pub const DEFAULT_APPEAL_TEXT: &str =
    "申请人如对本决定不服，可以自收到本通知书之日起六十日内向县人民政府申请行政复议，\
也可以自收到本通知书之日起六个月内直接向人民法院提起行政诉讼。";

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HandOut {
    /// 本人领取 / 代办人领取 / 邮寄送达
    pub method_label: String,
    pub collector_name: String,
    pub collector_id_masked: String,
    pub tracking: String,
    pub at: String,
    pub clerk: String,
}

/// Everything a case's papers print.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CasePaperFacts {
    pub hall: HallLetterhead,
    pub case: CaseDetail,
    /// The item as the case was accepted under it.
    pub item: CatalogItemView,
    /// The note of the last refusal, 一次性告知 or decision, as recorded.
    pub refusal_reason: Option<String>,
    /// When and by whom the 一次性告知 was given.
    pub notice: Option<(String, String)>,
    /// The decision's state label and note, once decided.
    pub decision: Option<(String, String)>,
    pub hand_out: Option<HandOut>,
    /// The paper's title as printed (不予许可决定书 or 不予办理决定书 for the decision).
    pub title: String,
    /// The last 补正 asked: when, what (the officer's words) and by when.
    pub supplement: Option<SupplementAsked>,
    /// When the case was deemed withdrawn (视为撤回), and by whom.
    pub deemed_withdrawn: Option<(String, String)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SupplementAsked {
    pub at: String,
    pub asked: String,
    pub due: Option<String>,
}

impl Store {
    pub fn letterhead(&self) -> Result<HallLetterhead> {
        let info = self.hall_info()?;
        let s = self.settings()?;
        Ok(HallLetterhead {
            hall_name: format!("{}便民服务中心", info.township_name),
            township_code: info.township_code,
            township_name: info.township_name,
            address: s.hall_address,
            phone: s.hall_phone,
            appeal_text: if s.appeal_text.trim().is_empty() { DEFAULT_APPEAL_TEXT.into() } else { s.appeal_text },
            printed_at: self.now(),
        })
    }

    /// The papers a case can print now, titled as printed.
    pub(crate) fn paper_offers(&self, case: &CaseDetail) -> Result<Vec<PaperOffer>> {
        CasePaper::for_case(case)
            .into_iter()
            .map(|paper| Ok(PaperOffer { paper, title: self.paper_title(case, paper)? }))
            .collect()
    }

    fn paper_title(&self, case: &CaseDetail, paper: CasePaper) -> Result<String> {
        if paper != CasePaper::Decision {
            return Ok(paper.label().to_string());
        }
        let item_type: String = self.conn.query_row(
            "SELECT i.item_type AS item_type FROM cases c
             JOIN catalog_items i ON i.version_id = c.catalog_version AND i.code = c.item_code WHERE c.number = ?1",
            [&case.summary.number],
            |r| r.get("item_type"),
        )?;
        Ok(decision_title(&item_type).to_string())
    }

    /// The facts behind one of a case's papers; refused when the case has not reached the
    /// outcome the paper records.
    pub fn case_paper(&self, number: &str, paper: CasePaper) -> Result<CasePaperFacts> {
        let case = self.case_detail(number)?;
        if !paper.applies(&case) {
            return Err(HallError::invalid(format!(
                "办件 {} 当前为“{}”，没有{}可打印；可打印：{}",
                case.summary.number,
                case.summary.state_label,
                paper.label(),
                match CasePaper::for_case(&case).iter().map(|p| p.label()).collect::<Vec<_>>().join("、") {
                    s if s.is_empty() => "无".to_string(),
                    s => s,
                }
            )));
        }
        let (case_id, version): (i64, i64) = self.conn.query_row(
            "SELECT id, catalog_version FROM cases WHERE number = ?1",
            [&case.summary.number],
            |r| Ok((r.get("id")?, r.get("catalog_version")?)),
        )?;
        let item = self.catalog_item(&case.summary.item_code, Some(version))?;
        let last_note = |action: &str| case.events.iter().rev().find(|e| e.action == action);
        let decision = case
            .events
            .iter()
            .rev()
            .find(|e| {
                e.to_state.is_some_and(|s| {
                    matches!(
                        s,
                        crate::lifecycle::CaseState::Approved
                            | crate::lifecycle::CaseState::ApprovedPending
                            | crate::lifecycle::CaseState::Rejected
                    )
                })
            })
            .map(|e| (e.to_state.map(|s| s.label().to_string()).unwrap_or_default(), e.note.clone()));
        let hand_out = hand_out(&self.conn, case_id)?.map(|(_, h)| h);
        let supplement = last_note("request_supplement").map(|e| SupplementAsked {
            at: e.at.clone(),
            asked: super::asked_of(&e.note),
            due: case.supplement_due.clone(),
        });
        Ok(CasePaperFacts {
            title: self.paper_title(&case, paper)?,
            supplement,
            deemed_withdrawn: last_note("supplement_lapse").map(|e| (e.at.clone(), e.actor.clone())),
            hall: self.letterhead()?,
            refusal_reason: last_note("refuse").map(|e| e.note.clone()),
            notice: last_note("notify_missing").map(|e| (e.at.clone(), e.actor.clone())),
            decision,
            hand_out,
            item,
            case,
        })
    }
}

/// How a case's result went out, if it has; the one mapping of `deliveries`.
pub(super) fn hand_out(conn: &Connection, case_id: i64) -> Result<Option<(DeliveryMethod, HandOut)>> {
    Ok(conn
        .query_row(
            "SELECT d.case_id AS case_id, d.method AS method, d.collector_name AS collector_name,
                    d.collector_id AS collector_id, d.tracking AS tracking, d.delivered_at AS delivered_at,
                    coalesce(u.name, d.clerk) AS clerk
             FROM deliveries d LEFT JOIN users u ON u.username = d.clerk WHERE d.case_id = ?1",
            [case_id],
            |r| {
                let method: DeliveryMethod = At::new(r, "deliveries", "case_id")?.key("method", serde_key)?;
                let hand_out = HandOut {
                    method_label: super::steps::method_label(method).to_string(),
                    collector_name: r.get("collector_name")?,
                    collector_id_masked: mask_id(&r.get::<_, String>("collector_id")?),
                    tracking: r.get("tracking")?,
                    at: r.get("delivered_at")?,
                    clerk: r.get("clerk")?,
                };
                Ok((method, hand_out))
            },
        )
        .optional()?)
}
