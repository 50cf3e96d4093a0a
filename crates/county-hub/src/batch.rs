//! A push as it arrives: parsed and checked in full before the database sees any of it, so a
//! refused batch costs no transaction and stores nothing.

use chrono::NaiveDate;
use hall_core::validate::json_error_zh;
use sync_protocol::{CaseRecord, DemandRecord, PushRequest, BATCH, PROTOCOL_VERSION};
use uuid::Uuid;

use crate::errors::ApiError;

/// A case that passed every check, with what the hub files it under.
pub struct CheckedCase {
    pub uuid: Uuid,
    pub revision: i64,
    pub record: CaseRecord,
    /// The body's JSON, stored as it is hashed.
    pub json: String,
    /// The overview's day: closed, or else logged.
    pub day: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
}

/// A demand that passed every check. Its number names it within the token's township only.
pub struct CheckedDemand {
    pub revision: i64,
    pub record: DemandRecord,
    pub json: String,
    /// The overview's day: answered, or else logged.
    pub day: NaiveDate,
}

/// A whole push, checked.
pub struct CheckedBatch {
    pub cases: Vec<CheckedCase>,
    pub demands: Vec<CheckedDemand>,
}

/// Parses a push body and checks it against the token's township.
pub fn check(body: &[u8], township: &str) -> Result<CheckedBatch, ApiError> {
    let req: PushRequest = serde_json::from_slice(body).map_err(|e| {
        ApiError::malformed(format!(
            "同步数据第 {} 行第 {} 列有误：{}，本批未保存",
            e.line(),
            e.column(),
            json_error_zh(&e)
        ))
    })?;
    if req.protocol != PROTOCOL_VERSION {
        return Err(ApiError::protocol(format!(
            "不支持的同步协议版本 {}，本平台使用第 {PROTOCOL_VERSION} 版。请升级乡镇一窗通后再同步",
            req.protocol
        )));
    }
    let records = req.cases.len() + req.demands.len();
    if records > BATCH {
        return Err(ApiError::malformed(format!("每批最多 {BATCH} 件（办件与诉求合计），本批 {records} 件，未保存")));
    }
    if req.township != township {
        return Err(ApiError::forbidden(format!(
            "本批标明的乡镇“{}”与令牌所属乡镇 {township} 不符，未保存",
            req.township
        )));
    }
    let prefix = format!("{township}-");
    let cases = req.cases.into_iter().enumerate().map(|(i, record)| check_case(i + 1, record, &prefix));
    let demands = req.demands.into_iter().enumerate().map(|(i, record)| check_demand(i + 1, record));
    Ok(CheckedBatch { cases: cases.collect::<Result<_, _>>()?, demands: demands.collect::<Result<_, _>>()? })
}

/// The body's JSON as stored; PostgreSQL cannot hold U+0000 in text or jsonb, so it is refused
/// here rather than failing with a 5xx the hall would retry forever.
fn stored_json<T: serde::Serialize>(which: &str, body: &T) -> Result<String, ApiError> {
    let json = serde_json::to_string(body).expect("a body serialises");
    if json.contains("\\u0000") {
        return Err(ApiError::malformed(format!("{which}含有空字符（U+0000），本批未保存")));
    }
    Ok(json)
}

/// The date a `YYYY-MM-DD…` field starts with.
fn date(which: &str, field: &str, value: &str) -> Result<NaiveDate, ApiError> {
    value.get(..10).and_then(|d| d.parse::<NaiveDate>().ok()).ok_or_else(|| {
        ApiError::malformed(format!("{which}的 {field}“{value}”不是有效日期（应以 YYYY-MM-DD 开头），本批未保存"))
    })
}

/// A demand's number names no township (the token does), so it is checked for shape only.
fn check_demand(n: usize, record: DemandRecord) -> Result<CheckedDemand, ApiError> {
    let body = &record.body;
    let which = format!("第 {n} 件诉求（{}）", body.number);
    let number_ok = body.number.strip_prefix("XQ-").is_some_and(|rest| {
        let (day, serial) = rest.split_once('-').unwrap_or(("", ""));
        day.len() == 8
            && day.parse::<u32>().is_ok()
            && !serial.is_empty()
            && serial.len() <= 6
            && serial.parse::<u32>().is_ok()
    });
    if !number_ok {
        return Err(ApiError::malformed(format!("{which}的编号应为“XQ-年月日-序号”，本批未保存")));
    }
    if record.revision == 0 {
        return Err(ApiError::malformed(format!("{which}的 revision 应从 1 开始，本批未保存")));
    }
    if record.content_hash != body.content_hash() {
        return Err(ApiError::malformed(format!(
            "{which}的 content_hash 与内容不符（内容在传输中被改动，或两端程序版本不一致），本批未保存"
        )));
    }
    if !matches!(body.kind.as_str(), "demand" | "suggestion") {
        return Err(ApiError::malformed(format!("{which}的类型应为 demand 或 suggestion，本批未保存")));
    }
    let json = stored_json(&which, body)?;
    let logged_on = date(&which, "logged_at", &body.logged_at)?;
    let answered_on = body.answered_at.as_deref().map(|d| date(&which, "answered_at", d)).transpose()?;
    if let Some(review) = &body.review {
        date(&which, "reviewed_at", &review.reviewed_at)?;
    }
    Ok(CheckedDemand { revision: record.revision.into(), json, day: answered_on.unwrap_or(logged_on), record })
}

fn check_case(n: usize, record: CaseRecord, prefix: &str) -> Result<CheckedCase, ApiError> {
    let body = &record.body;
    let which = format!("第 {n} 件（{}）", body.number);
    if !body.number.starts_with(prefix) {
        return Err(ApiError::forbidden(format!("{which}不是本乡镇的办件：办件编号应以“{prefix}”开头，本批未保存")));
    }
    let uuid = Uuid::parse_str(&record.uuid)
        .map_err(|_| ApiError::malformed(format!("{which}的 uuid“{}”格式不对，本批未保存", record.uuid)))?;
    if record.revision == 0 {
        return Err(ApiError::malformed(format!("{which}的 revision 应从 1 开始，本批未保存")));
    }
    if record.content_hash != body.content_hash() {
        return Err(ApiError::malformed(format!(
            "{which}的 content_hash 与内容不符（内容在传输中被改动，或两端程序版本不一致），本批未保存"
        )));
    }
    let json = stored_json(&which, body)?;
    let logged_on = date(&which, "logged_at", &body.logged_at)?;
    let due_date = body.due_date.as_deref().map(|d| date(&which, "due_date", d)).transpose()?;
    let closed_on = body.closed_at.as_deref().map(|d| date(&which, "closed_at", d)).transpose()?;
    if let Some(rating) = &body.rating {
        if !(1..=5).contains(&rating.level) {
            return Err(ApiError::malformed(format!(
                "{which}的评价等级应为 1 至 5，现为 {}，本批未保存",
                rating.level
            )));
        }
        if !sync_protocol::RATING_CHANNELS.contains(&rating.channel.as_str()) {
            return Err(ApiError::malformed(format!(
                "{which}的评价渠道应为 screen（评价器）或 staff（窗口代录），现为“{}”，本批未保存",
                hall_core::validate::clip(&rating.channel, 20)
            )));
        }
    }
    Ok(CheckedCase {
        uuid,
        revision: record.revision.into(),
        json,
        day: closed_on.unwrap_or(logged_on),
        due_date,
        closed_on,
        record,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sync_protocol::{CaseBody, DemandBody, RatingRecord};

    fn record(number: &str) -> CaseRecord {
        let body = CaseBody::example(number);
        CaseRecord { uuid: Uuid::new_v4().to_string(), revision: 1, content_hash: body.content_hash(), body }
    }

    fn demand(body: DemandBody) -> DemandRecord {
        DemandRecord { revision: 1, content_hash: body.content_hash(), body }
    }

    fn push_with(cases: Vec<CaseRecord>, demands: Vec<DemandRecord>) -> Vec<u8> {
        let req = PushRequest { protocol: PROTOCOL_VERSION, township: "231221102".into(), cases, demands };
        serde_json::to_vec(&req).unwrap()
    }

    fn push(cases: Vec<CaseRecord>) -> Vec<u8> {
        push_with(cases, vec![])
    }

    fn refusal(body: &[u8]) -> String {
        format!("{:?}", check(body, "231221102").err().expect("refused"))
    }

    #[test]
    fn a_good_case_is_filed_under_its_close_day() {
        let cases = check(&push(vec![record("231221102-20261120-0001")]), "231221102").unwrap().cases;
        assert_eq!(cases[0].day, NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
        assert_eq!(cases[0].due_date, NaiveDate::from_ymd_opt(2026, 12, 1));
    }

    #[test]
    fn refusals_name_the_case_and_the_problem() {
        assert!(refusal(b"{\"protocol\": 1,\n \"township\": }").contains("第 2 行第 14 列"));
        assert!(refusal(&push(vec![record("231221103-20261120-0001")])).contains("forbidden"));
        // A township code that is a prefix of another's is not enough.
        assert!(refusal(&push(vec![record("2312211021-20261120-0001")])).contains("forbidden"));
        let mut tampered = record("231221102-20261120-0001");
        tampered.body.applicant_name = "李四".into();
        assert!(refusal(&push(vec![tampered])).contains("content_hash"));
        let mut rated = record("231221102-20261120-0001");
        rated.body.rating = Some(RatingRecord::staff(9, "", "x", None));
        rated.content_hash = rated.body.content_hash();
        assert!(refusal(&push(vec![rated.clone()])).contains("评价等级"));
        let rating = rated.body.rating.as_mut().unwrap();
        (rating.level, rating.channel) = (5, "online".into());
        rated.content_hash = rated.body.content_hash();
        assert!(refusal(&push(vec![rated])).contains("评价渠道"));
        let mut nul = record("231221102-20261120-0001");
        nul.body.item_name = "a\0b".into();
        nul.content_hash = nul.body.content_hash();
        assert!(refusal(&push(vec![nul])).contains("U+0000"));
        let mut bad_date = record("231221102-20261120-0001");
        bad_date.body.due_date = Some("12/01/2026".into());
        bad_date.content_hash = bad_date.body.content_hash();
        assert!(refusal(&push(vec![bad_date])).contains("due_date"));
        let too_many = (0..=BATCH).map(|i| record(&format!("231221102-20261120-{i:04}"))).collect();
        assert!(refusal(&push(too_many)).contains("每批最多"));
        let other = PushRequest { protocol: 1, township: "X".into(), cases: vec![], demands: vec![] };
        assert!(refusal(&serde_json::to_vec(&other).unwrap()).contains("令牌所属乡镇"));
        let future = PushRequest { protocol: 2, township: "231221102".into(), cases: vec![], demands: vec![] };
        assert!(refusal(&serde_json::to_vec(&future).unwrap()).contains("protocol"));
    }

    #[test]
    fn demands_are_checked_like_cases_and_filed_under_their_answer_day() {
        let batch = check(&push_with(vec![], vec![demand(DemandBody::example("XQ-20261122-001"))]), "231221102");
        let demands = batch.unwrap().demands;
        assert_eq!(demands[0].day, NaiveDate::from_ymd_opt(2026, 11, 24).unwrap());
        let refused = |body: DemandBody| refusal(&push_with(vec![], vec![demand(body)]));
        assert!(refused(DemandBody::example("231221102-20261122-001")).contains("XQ-年月日-序号"));
        assert!(refused(DemandBody { kind: "complaint".into(), ..DemandBody::example("XQ-20261122-001") })
            .contains("demand 或 suggestion"));
        assert!(
            refused(DemandBody { answer: "a\0b".into(), ..DemandBody::example("XQ-20261122-001") }).contains("U+0000")
        );
        assert!(refused(DemandBody { logged_at: "昨天".into(), ..DemandBody::example("XQ-20261122-001") })
            .contains("logged_at"));
        let mut tampered = demand(DemandBody::example("XQ-20261122-001"));
        tampered.body.village = "别的村".into();
        assert!(refusal(&push_with(vec![], vec![tampered])).contains("content_hash"));
        // Cases and demands share the batch's limit.
        let half = BATCH / 2 + 1;
        let cases = (0..half).map(|i| record(&format!("231221102-20261120-{i:04}"))).collect();
        let demands = (0..half).map(|i| demand(DemandBody::example(&format!("XQ-20261122-{i:03}")))).collect();
        assert!(refusal(&push_with(cases, demands)).contains("合计"));
    }
}
