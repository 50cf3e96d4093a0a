//! The hall's one typed request/response surface. The desktop shell passes every call from the
//! window through [`dispatch`]; a later hall-LAN host can carry the very same values over the
//! network. Access is decided here (and, for case actions, by the lifecycle table), from the
//! request catalogue: one row per request naming its reply, who may call it, whether it may run
//! while the screen is locked or before a forced password change, and whether it writes
//! (`catalogue.rs`; `run.rs` does the work; `testkit.rs` holds the request × role matrix that
//! tests drive here and, later, over the network).

mod catalogue;
#[cfg(test)]
mod day_tests;
mod run;
#[doc(hidden)]
pub mod testkit;
#[cfg(test)]
mod tests;

pub use catalogue::{catalogue, RequestSpec};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::calendar::WorkingDate;
use crate::catalog::Unit;
use crate::consult::ConsultInput;
use crate::coordination::{IssueAnswer, IssueInput};
use crate::demands::{DemandInput, DemandState};
use crate::duties::DutyList;
use crate::error::{ErrorCode, HallError, Result};
use crate::intake::{IntakeRequest, OutcomeOffer};
use crate::lifecycle::{Action, CaseState, LifecycleTable, Role};
use crate::store::{
    ActParams, CalendarYearInfo, CaseDetail, CaseSummary, CatalogItemView, CatalogVersionInfo, HallInfo, ImportOutcome,
    SessionUser, Store,
};
use crate::store::{
    AdmissionCheck, AdmissionInput, AdmissionTask, ConsultFilter, Consultation, CoordIssue, Demand, DutyEntryView,
    DutyImport, DutyVersionInfo, TaskState,
};
use crate::store::{
    AuditReport, BackupFacts, BackupInfo, Dashboard, Figures, FollowUp, FollowUpUpdate, HallSettings, NewUser, Rating,
    SyncStatus, UserInfo, UserUpdate,
};
use crate::store::{DataSafety, IntegrityCheck, KeyRotated, RecoveryCodeShown};
use crate::store::{Device, DeviceKind, PairedDevice, PairingCode, RatingPromptView};
pub use crate::vocabulary::{RuleView, Vocabulary};

/// Passwords are `Zeroizing`: wiped from memory when the request is dropped (and left out of
/// its `Debug`).
// `RequestKind` names a request without its fields; every kind has its row in the catalogue
// (`RequestKind::spec`, a `match` without a catch-all arm: a new request does not compile until
// it has one).
#[derive(Debug, Clone, Deserialize, Serialize, TS, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[strum_discriminants(
    name(RequestKind),
    derive(Hash, strum::EnumIter, strum::IntoStaticStr),
    strum(serialize_all = "snake_case")
)]
#[ts(export)]
pub enum Request {
    HallInfo,
    Login {
        username: String,
        #[ts(type = "string")]
        password: Zeroizing<String>,
    },
    Logout,
    Whoami,
    Lifecycle,
    Units,
    CatalogCategories,
    CatalogList {
        query: Option<String>,
        category: Option<String>,
    },
    CatalogItem {
        code: String,
    },
    CatalogVersions,
    CatalogImport {
        text: String,
        csv: bool,
    },
    CalendarYears,
    CalendarImport {
        text: String,
    },
    DueDate {
        accepted: NaiveDate,
        days: u32,
    },
    SearchCases {
        text: String,
    },
    /// Newest first; `limit` defaults to 200 (at most 1000).
    ListCases {
        state: Option<CaseState>,
        date: Option<NaiveDate>,
        limit: Option<u32>,
    },
    CaseDetail {
        number: String,
    },
    Intake {
        request: Box<IntakeRequest>,
    },
    /// The desk's outcome buttons for an item and the materials ticked (the intake's own rule).
    IntakeOutcomes {
        item_code: String,
        materials: Vec<String>,
    },
    Act {
        number: String,
        action: Action,
        params: Box<ActParams>,
    },
    /// Open cases of this applicant for this item (the desk's repeat-request warning).
    OpenCasesFor {
        id_number: String,
        item_code: String,
    },
    /// 容缺 materials brought in later.
    SupplyMaterials {
        number: String,
        names: Vec<String>,
    },
    /// A unit's queue by deadline (an officer's own unit when `unit` is null).
    Queue {
        unit: Option<String>,
    },
    ReadyList,
    UrgentCases,
    LapsedCommitments,
    /// Cases in 补正 whose deadline is near or past (the director's all, an officer's unit's).
    SupplementWatch,
    /// Ends every 补正 past its deadline as 视为撤回 when the township's setting is `auto`
    /// (the app does it hourly; hallctl on demand). Replies with the case numbers ended.
    SweepSupplements,
    Rate {
        number: String,
        level: u8,
        comment: String,
    },
    Dashboard,
    /// The supervisor's figures for a range of days (one day for the daily sheet).
    Figures {
        from: NaiveDate,
        to: NaiveDate,
    },
    FollowUps {
        open_only: bool,
    },
    UpdateFollowUp {
        number: String,
        update: FollowUpUpdate,
    },
    RevealId {
        number: String,
        agent: bool,
    },
    Vocabulary,
    /// The idle screen lock: until the password is given again (login), the session may do
    /// nothing else.
    Lock,
    ChangePassword {
        #[ts(type = "string")]
        old: Zeroizing<String>,
        #[ts(type = "string")]
        new: Zeroizing<String>,
    },
    Users,
    AddUser {
        user: NewUser,
    },
    UpdateUser {
        user: UserUpdate,
    },
    ResetPassword {
        username: String,
        #[ts(type = "string")]
        password: Zeroizing<String>,
    },
    Settings,
    SaveSettings {
        settings: HallSettings,
    },
    SaveUnit {
        unit: Unit,
    },
    /// Walks the event log's hash chain and names the first broken link.
    AuditVerify,
    /// The automatic backups, newest first.
    Backups,
    /// A backup now, into the automatic backups' folder.
    MakeBackup,
    /// Replaces the database with a backup's content (checked first; the current content is
    /// kept as a backup of its own).
    RestoreBackup {
        path: String,
        /// The 数据恢复凭证's code, for a backup this hall's own key does not open (a new PC
        /// taking over a dead one's backup, or a backup from before a key change).
        #[serde(default)]
        #[ts(type = "string | null")]
        recovery_code: Option<Zeroizing<String>>,
    },
    /// 从备份恢复 at the first start: a PC whose hall is not set up yet (no township, no users)
    /// takes over a dead PC's backup with its recovery code, before anyone can sign in.
    RestoreNewHall {
        path: String,
        #[ts(type = "string")]
        recovery_code: Zeroizing<String>,
    },
    /// 数据安全: the key's 凭证编号, when its sheet was printed, whether the county holds it
    /// sealed, the last full check of the database — never the key itself.
    DataSafety,
    /// The recovery code itself, for county IT's records (`hallctl key sheet --show`); logged.
    ShowRecoveryCode,
    /// The one-time offer of a 数据恢复凭证 to a hall from before sheets: answered.
    AnswerSheetOffer {
        printed: bool,
    },
    /// Re-encrypts the hall with a new key (old sheets void); needs the database to itself.
    RotateKey,
    /// The full check of every page of the database (the nightly one, on demand), recorded.
    CheckIntegrity,
    /// The county hub link: what waits to go up and how the last sync ended.
    SyncStatus,
    /// The hub's address and (when given) a new township token; the token is never read back.
    SaveHub {
        url: String,
        token: Option<String>,
    },
    /// One list (权力清单 / 责任清单 / 职责清单) of the version in force.
    DutyEntries {
        list: DutyList,
        query: Option<String>,
    },
    DutyVersions,
    DutyImport {
        text: String,
        csv: bool,
    },
    /// 准入: the check alone, nothing recorded (the form shows the outcome as it is filled in).
    AdmissionCheck {
        input: Box<AdmissionInput>,
    },
    AdmissionRecord {
        input: Box<AdmissionInput>,
    },
    AdmissionFinish {
        number: String,
        note: String,
    },
    AdmissionTasks {
        state: Option<TaskState>,
    },
    ConsultLog {
        input: Box<ConsultInput>,
    },
    ConsultClose {
        number: String,
        result: String,
    },
    Consultations {
        filter: ConsultFilter,
        date: Option<NaiveDate>,
    },
    DemandLog {
        input: Box<DemandInput>,
    },
    DemandReview {
        number: String,
        adopt: bool,
        note: String,
    },
    DemandAnswer {
        number: String,
        answer: String,
    },
    Demands {
        state: Option<DemandState>,
    },
    /// Villages named before, for the demand form.
    DemandVillages,
    IssueRaise {
        input: Box<IssueInput>,
    },
    IssueAnswer {
        number: String,
        answer: Box<IssueAnswer>,
    },
    Issues {
        open_only: bool,
    },
    /// 大厅网络: a one-time pairing code for a desk or rating screen (administrator).
    HostPairCode,
    /// The desks and rating screens ever paired with this hall's host.
    HostDevices,
    /// Revokes a device by name (or `#id`): refused at once from then on, mid-session included.
    HostRevoke {
        device: String,
    },
    /// A desk or rating screen pairs itself with a code (before anyone signs in at it).
    PairDevice {
        code: String,
        name: String,
        kind: DeviceKind,
        serves: Option<String>,
    },
    /// A counter's rating screen (评价器) asks which case to show: the newest whose visit ended
    /// at the desk it serves within the last 60 s and that is not rated yet (none: idle).
    RatingPrompt,
    /// The citizen's rating on the screen (channel 评价器) of the case it was offered; 1–2
    /// needs at least one of the vocabulary's `rating_reasons`.
    ScreenRate {
        number: String,
        level: u8,
        #[serde(default)]
        reasons: Vec<String>,
        #[serde(default)]
        comment: String,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CategoryCount {
    pub category: String,
    #[ts(type = "number")]
    pub count: i64,
}

// A reply's `type` on the wire is its `ReplyKind`'s name, as the catalogue's `reply` column
// names it.
#[derive(Debug, Clone, Serialize, Deserialize, TS, strum::EnumDiscriminants)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
#[strum_discriminants(
    name(ReplyKind),
    derive(Hash, strum::EnumIter, strum::IntoStaticStr),
    strum(serialize_all = "snake_case")
)]
#[ts(export)]
pub enum Reply {
    Done,
    HallInfo(HallInfo),
    Session(Option<SessionUser>),
    // The rule tables are Rust's own statics, read by the window as they are: never read back.
    #[serde(skip_deserializing)]
    Lifecycle(LifecycleTable),
    Units(Vec<Unit>),
    Categories(Vec<CategoryCount>),
    CatalogItems(Vec<CatalogItemView>),
    CatalogItem(Box<CatalogItemView>),
    CatalogVersions(Vec<CatalogVersionInfo>),
    CatalogImported(ImportOutcome),
    CalendarYears(Vec<CalendarYearInfo>),
    DueDate(WorkingDate),
    Cases(Vec<CaseSummary>),
    SupplementWatch(Vec<crate::store::SupplementWatch>),
    /// Case numbers a step was taken on.
    Numbers(Vec<String>),
    Case(Box<CaseDetail>),
    Outcomes(Vec<OutcomeOffer>),
    Dashboard(Dashboard),
    Figures(Box<Figures>),
    Rating(Rating),
    FollowUps(Vec<FollowUp>),
    FollowUp(FollowUp),
    IdNumber(String),
    #[serde(skip_deserializing)]
    Vocabulary(Box<Vocabulary>),
    Users(Vec<UserInfo>),
    Settings(HallSettings),
    SyncStatus(SyncStatus),
    Audit(AuditReport),
    Backups(Vec<BackupInfo>),
    Restored(BackupFacts),
    DataSafety(DataSafety),
    RecoveryCodeShown(RecoveryCodeShown),
    KeyRotated(KeyRotated),
    Integrity(IntegrityCheck),
    DutyEntries(Vec<DutyEntryView>),
    DutyVersions(Vec<DutyVersionInfo>),
    DutyImported(DutyImport),
    AdmissionCheck(AdmissionCheck),
    AdmissionTask(AdmissionTask),
    AdmissionTasks(Vec<AdmissionTask>),
    Consultation(Consultation),
    Consultations(Vec<Consultation>),
    Demand(Demand),
    Demands(Vec<Demand>),
    Villages(Vec<String>),
    Issue(CoordIssue),
    Issues(Vec<CoordIssue>),
    PairingCode(PairingCode),
    Devices(Vec<Device>),
    Paired(PairedDevice),
    RatingPrompt(Option<RatingPromptView>),
}

/// Whether a request may change the store (the catalogue's `writes`): the hall host runs these
/// on its one writer, and a request id given with one makes a repeat return the first answer
/// (`crate::idempotent`).
pub fn writes(req: &Request) -> bool {
    req.spec().writes
}

/// Whether a request replaces or re-encrypts the whole database: it needs the file to itself,
/// so a hall host (whose readers and desks hold it open) refuses it and says how to do it.
pub fn whole_database(req: &Request) -> bool {
    matches!(req, Request::RestoreBackup { .. } | Request::RestoreNewHall { .. } | Request::RotateKey)
}

/// Who may make a request (the catalogue's `access` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Before login (the login screen needs the township's name).
    Anyone,
    /// Any logged-in user; case actions are then checked by the lifecycle table.
    LoggedIn,
    /// Users of these roles (hallctl's operator also where the administrator is named). The
    /// order is the refusal's: "此操作只能由系统管理员或中心主任执行".
    Roles(&'static [Role]),
    /// A counter's rating screen, and nobody else.
    Screen,
}

impl Access {
    /// Whether `user` (none: nobody signed in) may make the request; the refusal says why. The
    /// one place the role rules are applied (`dispatch`, and the request × role test).
    fn check(&self, user: Option<&SessionUser>) -> Result<()> {
        let signed_in = || user.ok_or_else(|| HallError::forbidden("请先登录"));
        match self {
            Access::Anyone => Ok(()),
            Access::LoggedIn => signed_in().map(|_| ()),
            Access::Roles(roles) => role_check(signed_in()?, roles),
            Access::Screen => match signed_in()? {
                u if u.screen => Ok(()),
                _ => Err(HallError::forbidden("此操作只能由已配对的评价器执行，工作人员请在办件页面代录评价")),
            },
        }
    }
}

fn require(session: &Option<SessionUser>) -> Result<&SessionUser> {
    session.as_ref().ok_or_else(|| HallError::forbidden("请先登录"))
}

fn role_check(user: &SessionUser, roles: &[Role]) -> Result<()> {
    // hallctl's operator session (county IT at the machine) does the administrator's work too.
    if roles.contains(&user.role) || (user.is_operator() && roles.contains(&Role::Admin)) {
        return Ok(());
    }
    let names: Vec<&str> = roles.iter().map(|r| r.label()).collect();
    Err(HallError::forbidden(format!("此操作只能由{}执行，当前登录角色为{}", names.join("或"), user.role.label())))
}

/// The gate for work done outside [`dispatch`] (printing): a logged-in, unlocked session whose
/// password need not be changed first, in one of `roles`.
pub fn authorize<'a>(session: &'a Option<SessionUser>, roles: &[Role]) -> Result<&'a SessionUser> {
    let user = require(session)?;
    if user.screen {
        return Err(HallError::forbidden("评价器不能打印文书"));
    }
    role_check(user, roles)?;
    if user.locked {
        return Err(HallError::forbidden("屏幕已锁定，请输入密码解锁"));
    }
    password_gate(user)?;
    Ok(user)
}

/// An initial, reset or expired password must be changed before any work.
fn password_gate(user: &SessionUser) -> Result<()> {
    if user.must_change_password {
        return Err(HallError::forbidden(format!("{}，{}，请先修改密码再办理业务", user.name, user.password_notice)));
    }
    Ok(())
}

/// The gate, as the request's catalogue row says: who may call it, then whether it may run
/// while the screen is locked, then whether before a forced password change.
fn admit(spec: &RequestSpec, user: Option<&SessionUser>) -> Result<()> {
    // A rating screen's session does its own two requests and reads the hall's name and words
    // for its idle screen (the catalogue's `screen` column); nothing else, whatever its role.
    if user.is_some_and(|u| u.screen) && !spec.screen {
        return Err(HallError::forbidden("评价器只能显示待评价的办件并提交群众的评价，不能办理其他业务"));
    }
    spec.access.check(user)?;
    if let Some(u) = user {
        if u.locked && !spec.while_locked {
            return Err(HallError::forbidden("屏幕已锁定，请输入密码解锁"));
        }
        // A demo, reset or expired password must be changed before anything else.
        if !spec.before_password_change {
            password_gate(u)?;
        }
    }
    Ok(())
}

/// Runs one request for the session. The session is changed only by login and logout.
pub fn dispatch(store: &mut Store, session: &mut Option<SessionUser>, req: Request) -> Result<Reply> {
    let name: &'static str = (&req).into();
    let r = run::run(store, session, req);
    // A logged-in user refused what their role (or the lifecycle table for their role) does not
    // allow is a security event (等保 安全审计: who, when, what, that it failed). Bad input is not,
    // nor is a locked window or a password still to change asking for its screens: those are
    // answered and logged to the file only.
    if let (Err(e), Some(user)) = (&r, session.as_ref()) {
        if e.code == ErrorCode::Forbidden && !user.locked && !user.must_change_password {
            let role = if user.screen { "评价器" } else { user.role.label() };
            let note = format!("拒绝 {}（{role}）执行 {name}：{}", user.name, e.message);
            if let Err(failed) = store.note_hall_event(&user.username, "denied", &note) {
                log::warn!("denied request not recorded: {}", failed.message);
            }
        }
    }
    r
}
