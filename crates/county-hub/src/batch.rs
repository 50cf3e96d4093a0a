//! A push as it arrives: parsed and checked in full before the database sees any of it, so a
//! refused batch costs no transaction and stores nothing.

use chrono::NaiveDate;
use hall_core::validate::json_error_zh;
use sync_protocol::{CaseRecord, PushRequest, BATCH, PROTOCOL_VERSION};
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

/// Parses a push body and checks it against the token's township.
pub fn check(body: &[u8], township: &str) -> Result<Vec<CheckedCase>, ApiError> {
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
    if req.cases.len() > BATCH {
        return Err(ApiError::malformed(format!("每批最多 {BATCH} 件，本批 {} 件，未保存", req.cases.len())));
    }
    if req.township != township {
        return Err(ApiError::forbidden(format!(
            "本批标明的乡镇“{}”与令牌所属乡镇 {township} 不符，未保存",
            req.township
        )));
    }
    let prefix = format!("{township}-");
    req.cases.into_iter().enumerate().map(|(i, record)| check_case(i + 1, record, &prefix)).collect()
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
    let json = serde_json::to_string(body).expect("a case body serialises");
    // PostgreSQL cannot hold U+0000 in text or jsonb; refuse it here rather than fail with a 5xx
    // the hall would retry forever.
    if json.contains("\\u0000") {
        return Err(ApiError::malformed(format!("{which}含有空字符（U+0000），本批未保存")));
    }
    let date = |field: &str, value: &str| {
        value.get(..10).and_then(|d| d.parse::<NaiveDate>().ok()).ok_or_else(|| {
            ApiError::malformed(format!("{which}的 {field}“{value}”不是有效日期（应以 YYYY-MM-DD 开头），本批未保存"))
        })
    };
    let logged_on = date("logged_at", &body.logged_at)?;
    let due_date = body.due_date.as_deref().map(|d| date("due_date", d)).transpose()?;
    let closed_on = body.closed_at.as_deref().map(|d| date("closed_at", d)).transpose()?;
    if let Some(rating) = &body.rating {
        if !(1..=5).contains(&rating.level) {
            return Err(ApiError::malformed(format!(
                "{which}的评价等级应为 1 至 5，现为 {}，本批未保存",
                rating.level
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
    use sync_protocol::{CaseBody, RatingRecord};

    fn record(number: &str) -> CaseRecord {
        let body = CaseBody::example(number);
        CaseRecord { uuid: Uuid::new_v4().to_string(), revision: 1, content_hash: body.content_hash(), body }
    }

    fn push(cases: Vec<CaseRecord>) -> Vec<u8> {
        serde_json::to_vec(&PushRequest { protocol: PROTOCOL_VERSION, township: "231221102".into(), cases }).unwrap()
    }

    fn refusal(body: &[u8]) -> String {
        format!("{:?}", check(body, "231221102").err().expect("refused"))
    }

    #[test]
    fn a_good_case_is_filed_under_its_close_day() {
        let cases = check(&push(vec![record("231221102-20261120-0001")]), "231221102").unwrap();
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
        rated.body.rating =
            Some(RatingRecord { level: 9, comment: String::new(), rated_at: "x".into(), follow_up_closed: None });
        rated.content_hash = rated.body.content_hash();
        assert!(refusal(&push(vec![rated])).contains("评价等级"));
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
        let other = serde_json::to_vec(&PushRequest { protocol: 1, township: "X".into(), cases: vec![] }).unwrap();
        assert!(refusal(&other).contains("令牌所属乡镇"));
        let future =
            serde_json::to_vec(&PushRequest { protocol: 2, township: "231221102".into(), cases: vec![] }).unwrap();
        assert!(refusal(&future).contains("protocol"));
    }
}
