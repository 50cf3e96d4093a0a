//! The protocol between a township hall and the county hub (docs/sync-protocol.md), shared by
//! both sides so neither can drift: completed cases and answered citizens' demands go up, catalog
//! versions, the township's lists (三张清单 / 职责清单) and calendars come down. Everything is
//! JSON over HTTP(S); every request carries [`PROTOCOL_VERSION`].

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Bumped on any incompatible change; the hub refuses versions it does not speak.
pub const PROTOCOL_VERSION: u32 = 1;
/// The header every request carries the version in.
pub const VERSION_HEADER: &str = "x-yichuang-protocol";
/// Records (cases and demands together) per push: small enough that a cut link loses little,
/// large enough to be quick.
pub const BATCH: usize = 200;
/// The hub refuses bodies larger than this (a batch of 200 full cases is ~1 MB).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// One event of a case's log, as the county keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub note: String,
}

/// Who rated: the citizen on the counter's rating screen (评价器) or staff keying in what the
/// citizen said (窗口代录).
pub const CHANNEL_SCREEN: &str = "screen";
pub const CHANNEL_STAFF: &str = "staff";
pub const RATING_CHANNELS: [&str; 2] = [CHANNEL_SCREEN, CHANNEL_STAFF];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingRecord {
    pub level: u8,
    pub comment: String,
    pub rated_at: String,
    pub follow_up_closed: Option<bool>,
    /// [`CHANNEL_SCREEN`] or [`CHANNEL_STAFF`]. Added after version 1 shipped: absent means
    /// staff — every rating before there were rating screens — and a staff rating leaves it out,
    /// so its body (and content hash) is byte for byte what an older hall sends and an older hub
    /// computes. Only a screen rating carries it.
    #[serde(default = "staff_channel", skip_serializing_if = "is_staff")]
    pub channel: String,
    /// The citizen's reasons for a 差评 chosen on the rating screen; left out when none (as
    /// `channel`, so older bodies stay as they were).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
}

fn staff_channel() -> String {
    CHANNEL_STAFF.to_string()
}

fn is_staff(channel: &str) -> bool {
    channel == CHANNEL_STAFF
}

impl RatingRecord {
    /// A staff rating (窗口代录) with no reasons, as older halls send every rating.
    pub fn staff(level: u8, comment: &str, rated_at: &str, follow_up_closed: Option<bool>) -> RatingRecord {
        RatingRecord {
            level,
            comment: comment.into(),
            rated_at: rated_at.into(),
            follow_up_closed,
            channel: staff_channel(),
            reasons: Vec::new(),
        }
    }
}

/// What the county needs of a completed case, and no more: the applicant's ID number travels
/// masked, phones and addresses not at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseBody {
    pub number: String,
    pub item_code: String,
    pub item_name: String,
    pub catalog_version: String,
    pub unit: String,
    pub state: String,
    pub applicant_kind: String,
    pub applicant_name: String,
    pub applicant_id_masked: String,
    pub logged_at: String,
    pub accepted_on: Option<String>,
    pub due_date: Option<String>,
    pub closed_at: Option<String>,
    pub events: Vec<EventRecord>,
    pub rating: Option<RatingRecord>,
}

impl CaseBody {
    /// A handed-out case with no events, as the protocol's tests and documents show one.
    pub fn example(number: &str) -> CaseBody {
        CaseBody {
            number: number.into(),
            item_code: "X".into(),
            item_name: "临时救助".into(),
            catalog_version: "2026.11".into(),
            unit: "T-SHSW".into(),
            state: "delivered".into(),
            applicant_kind: "person".into(),
            applicant_name: "张三".into(),
            applicant_id_masked: "2312**********1234".into(),
            logged_at: "2026-11-20 09:00:00".into(),
            accepted_on: Some("2026-11-20".into()),
            due_date: Some("2026-12-01".into()),
            closed_at: Some("2026-11-25 10:00:00".into()),
            events: vec![],
            rating: None,
        }
    }

    pub fn content_hash(&self) -> String {
        content_hash(self)
    }
}

/// SHA-256 of a body's JSON (field order is the struct's, so both sides agree).
fn content_hash<T: Serialize>(body: &T) -> String {
    let json = serde_json::to_vec(body).expect("a body serialises");
    Sha256::digest(&json).iter().map(|b| format!("{b:02x}")).collect()
}

/// A case as it goes up: its stable UUID, its revision (1, then +1 whenever what the county
/// holds would change, e.g. a rating added after it went up) and the hash of the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRecord {
    pub uuid: String,
    pub revision: u32,
    pub content_hash: String,
    pub body: CaseBody,
}

/// The supervisor's review of a demand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRecord {
    pub adopted: bool,
    pub note: String,
    pub reviewed_at: String,
}

/// What the county needs of a citizen's demand or suggestion (群众需求 / 人民建议), and no
/// more: who raised it and their phone stay in the hall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemandBody {
    /// `XQ-YYYYMMDD-NNN`: unique within the township, not across the county.
    pub number: String,
    /// `demand` or `suggestion`.
    pub kind: String,
    pub category: String,
    pub village: String,
    pub content: String,
    pub logged_at: String,
    /// `answered` when it goes up.
    pub state: String,
    pub review: Option<ReviewRecord>,
    pub answer: String,
    pub answered_at: Option<String>,
}

impl DemandBody {
    /// An answered, adopted suggestion, as the protocol's tests and documents show one.
    pub fn example(number: &str) -> DemandBody {
        DemandBody {
            number: number.into(),
            kind: "suggestion".into(),
            category: "基础设施".into(),
            village: "红星村".into(),
            content: "建议在村口增设路灯".into(),
            logged_at: "2026-11-22 09:00:00".into(),
            state: "answered".into(),
            review: Some(ReviewRecord {
                adopted: true,
                note: "纳入明年计划".into(),
                reviewed_at: "2026-11-23 10:00:00".into(),
            }),
            answer: "已纳入2027年村级建设计划".into(),
            answered_at: Some("2026-11-24 15:00:00".into()),
        }
    }

    pub fn content_hash(&self) -> String {
        content_hash(self)
    }
}

/// A demand as it goes up: keyed by its number within the token's township, with a revision
/// and hash as a case has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemandRecord {
    pub revision: u32,
    pub content_hash: String,
    pub body: DemandBody,
}

/// `POST /v1/cases`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushRequest {
    pub protocol: u32,
    /// The township the hall belongs to; must be the token's.
    pub township: String,
    pub cases: Vec<CaseRecord>,
    /// Added after version 1 shipped: absent from an older hall's push (read as none), and left
    /// out when empty, so a push without demands is what an older hub expects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub demands: Vec<DemandRecord>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AckStatus {
    /// Stored now.
    Stored,
    /// The hub already held this revision with this content: nothing changed.
    Duplicate,
    /// The hub already held a newer revision: nothing changed.
    Stale,
    /// The hub holds this revision with other content: kept aside, shown to both sides.
    Conflict,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseAck {
    pub uuid: String,
    pub revision: u32,
    pub status: AckStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemandAck {
    pub number: String,
    pub revision: u32,
    pub status: AckStatus,
}

/// `GET /v1/escrow/recipient`: the county's public key (an age X25519 recipient, `age1…`) that
/// a hall seals its database key to. 404 while the county has registered none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscrowRecipient {
    pub recipient: String,
}

/// `PUT /v1/escrow`: the hall's recovery code sealed to [`EscrowRecipient`] (ASCII-armored
/// age), named by its 凭证编号. Sent again, the same key is stored once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscrowDeposit {
    pub fingerprint: String,
    pub recipient: String,
    pub sealed: String,
}

/// The answer to a push: one acknowledgment per case and one per demand, each in the order sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushResponse {
    pub protocol: u32,
    pub acks: Vec<CaseAck>,
    /// Like [`PushRequest::demands`]: left out when empty, so an older hall reads the answer as before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub demand_acks: Vec<DemandAck>,
}

/// One published version of a versioned file (a catalog, the lists): the hall imports
/// `document` as it would the file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PublishedVersion {
    pub version: String,
    pub published_at: String,
    /// The JSON as published (the hall's import format).
    pub document: serde_json::Value,
}

/// Versions published after the hall's, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VersionList {
    pub protocol: u32,
    pub versions: Vec<PublishedVersion>,
}

/// `GET /v1/catalog?since=VERSION`: catalog versions (`hallctl catalog import` format).
pub type CatalogUpdate = VersionList;
/// `GET /v1/duties?since=VERSION`: versions of the lists (`hall_core::duties::DutyFile` JSON).
pub type DutyUpdate = VersionList;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CalendarYear {
    pub year: i32,
    /// The holiday calendar JSON as published (the hall's import format).
    pub document: serde_json::Value,
}

/// `GET /v1/calendars`: every published year.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CalendarUpdate {
    pub protocol: u32,
    pub years: Vec<CalendarYear>,
}

/// Every refusal: a stable code and a Chinese message.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> CaseBody {
        CaseBody::example("231221102-20261120-0001")
    }

    #[test]
    fn the_hash_follows_the_content() {
        let a = body();
        let mut b = body();
        assert_eq!(a.content_hash(), b.content_hash());
        assert_eq!(a.content_hash().len(), 64);
        b.rating = Some(RatingRecord::staff(5, "", "x", None));
        assert_ne!(a.content_hash(), b.content_hash());
        let mut c = b.clone();
        c.rating.as_mut().unwrap().channel = CHANNEL_SCREEN.into();
        assert_ne!(b.content_hash(), c.content_hash());
    }

    /// A body from a hall before rating screens (no `channel`) reads as a staff rating and
    /// hashes as it did; a staff rating is sent as before; a screen rating carries its channel.
    #[test]
    fn the_rating_channel_is_optional_both_ways() {
        let old = r#"{"level":4,"comment":"","rated_at":"2026-11-25 10:00:00","follow_up_closed":null}"#;
        let r: RatingRecord = serde_json::from_str(old).unwrap();
        assert_eq!((r.channel.as_str(), r.reasons.len()), (CHANNEL_STAFF, 0));
        assert_eq!(serde_json::to_string(&r).unwrap(), old);
        let screen = RatingRecord { channel: CHANNEL_SCREEN.into(), reasons: vec!["态度不好".into()], ..r };
        let json = serde_json::to_string(&screen).unwrap();
        assert!(json.contains(r#""channel":"screen""#) && json.contains(r#""reasons":["态度不好"]"#), "{json}");
        assert_eq!(serde_json::from_str::<RatingRecord>(&json).unwrap(), screen);
    }

    /// A hall or hub from before demands travelled reads the new messages, and the new ones
    /// read theirs.
    #[test]
    fn demands_are_optional_both_ways() {
        let old: PushRequest = serde_json::from_str(r#"{"protocol":1,"township":"231221102","cases":[]}"#).unwrap();
        assert!(old.demands.is_empty());
        let plain = PushRequest { protocol: 1, township: "231221102".into(), cases: vec![], demands: vec![] };
        assert!(!serde_json::to_string(&plain).unwrap().contains("demands"));
        let old: PushResponse = serde_json::from_str(r#"{"protocol":1,"acks":[]}"#).unwrap();
        assert!(old.demand_acks.is_empty());
        let body = DemandBody::example("XQ-20261122-001");
        let mut other = body.clone();
        other.answer.push('。');
        assert_ne!(body.content_hash(), other.content_hash());
    }
}
