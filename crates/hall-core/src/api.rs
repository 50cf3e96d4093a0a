//! The hall's one typed request/response surface. The desktop shell passes every call from the
//! window through [`dispatch`]; a later hall-LAN host can carry the very same values over the
//! network. Access is decided here (and, for case actions, by the lifecycle table).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::admission::{AdmissionRule, RULES};
use crate::calendar::WorkingDate;
use crate::catalog::{CatalogFile, Unit};
use crate::consult::ConsultInput;
use crate::coordination::{IssueAnswer, IssueInput};
use crate::demands::{DemandInput, DemandState};
use crate::duties::{DutyFile, DutyList};
use crate::error::{ErrorCode, HallError, Result};
use crate::intake::IntakeRequest;
use crate::lifecycle::{self, Action, CaseState, LifecycleTable, Role};
use crate::store::{
    ActParams, CalendarYearInfo, CaseDetail, CaseSummary, CatalogItemView, CatalogVersionInfo, HallInfo, ImportOutcome,
    SessionUser, Store, SEARCH_LIMIT,
};
use crate::store::{
    AdmissionCheck, AdmissionInput, AdmissionTask, ConsultFilter, Consultation, CoordIssue, Demand, DutyEntryView,
    DutyImport, DutyVersionInfo, TaskState,
};
use crate::store::{
    AuditReport, BackupFacts, BackupInfo, Dashboard, Figures, FollowUp, FollowUpUpdate, HallSettings, NewUser, Rating,
    SyncStatus, UserInfo, UserUpdate, RATING_LABELS, SPECIAL_KINDS,
};

/// Passwords are `Zeroizing`: wiped from memory when the request is dropped (and left out of
/// its `Debug`).
#[derive(Debug, Clone, Deserialize, Serialize, TS, strum::IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
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
    },
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
}

/// Fixed word lists the screens offer.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Vocabulary {
    pub special_kinds: Vec<String>,
    /// Index 0 is level 1 (非常不满意) … index 4 is level 5 (非常满意).
    pub rating_labels: Vec<String>,
    pub demand_categories: Vec<String>,
    pub issue_kinds: Vec<String>,
    pub issue_results: Vec<String>,
    pub satisfaction: Vec<String>,
    pub admission_rules: Vec<RuleView>,
    /// The township's choices for a 补正 past its deadline (乡镇设置).
    pub supplement_lapse_modes: Vec<crate::store::SupplementLapseOption>,
}

/// A 准入 rule as the screens explain it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RuleView {
    pub rule: AdmissionRule,
    pub admitted: bool,
    pub label: String,
    pub basis: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CategoryCount {
    pub category: String,
    #[ts(type = "number")]
    pub count: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
#[ts(export)]
pub enum Reply {
    Done,
    HallInfo(HallInfo),
    Session(Option<SessionUser>),
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
    Dashboard(Dashboard),
    Figures(Box<Figures>),
    Rating(Rating),
    FollowUps(Vec<FollowUp>),
    FollowUp(FollowUp),
    IdNumber(String),
    Vocabulary(Vocabulary),
    Users(Vec<UserInfo>),
    Settings(HallSettings),
    SyncStatus(SyncStatus),
    Audit(AuditReport),
    Backups(Vec<BackupInfo>),
    Restored(BackupFacts),
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
}

/// Who may make a request.
enum Access {
    /// Before login (the login screen needs the township's name).
    Anyone,
    /// Any logged-in user; case actions are then checked by the lifecycle table.
    LoggedIn,
    Roles(&'static [Role]),
}

impl Request {
    fn access(&self) -> Access {
        match self {
            Request::HallInfo | Request::Login { .. } | Request::Logout | Request::Whoami | Request::Lifecycle => {
                Access::Anyone
            }
            Request::CatalogImport { .. }
            | Request::CalendarImport { .. }
            | Request::Users
            | Request::AddUser { .. }
            | Request::UpdateUser { .. }
            | Request::ResetPassword { .. }
            | Request::SaveSettings { .. }
            | Request::SaveUnit { .. }
            | Request::SaveHub { .. }
            | Request::Backups
            | Request::MakeBackup
            | Request::RestoreBackup { .. } => Access::Roles(&[Role::Admin]),
            Request::DutyImport { .. } => Access::Roles(&[Role::Admin, Role::Supervisor]),
            Request::ConsultLog { .. }
            | Request::ConsultClose { .. }
            | Request::Consultations { .. }
            | Request::DemandLog { .. }
            | Request::Demands { .. }
            | Request::DemandVillages => Access::Roles(&[Role::Clerk, Role::Supervisor]),
            Request::AdmissionCheck { .. }
            | Request::AdmissionRecord { .. }
            | Request::AdmissionFinish { .. }
            | Request::AdmissionTasks { .. }
            | Request::DemandReview { .. }
            | Request::DemandAnswer { .. }
            | Request::IssueRaise { .. }
            | Request::IssueAnswer { .. }
            | Request::Issues { .. } => Access::Roles(&[Role::Supervisor]),
            Request::AuditVerify | Request::SweepSupplements => Access::Roles(&[Role::Admin, Role::Supervisor]),
            Request::Dashboard
            | Request::Figures { .. }
            | Request::FollowUps { .. }
            | Request::UpdateFollowUp { .. } => Access::Roles(&[Role::Supervisor]),
            Request::Queue { .. } | Request::UrgentCases | Request::LapsedCommitments | Request::SupplementWatch => {
                Access::Roles(&[Role::Officer, Role::Supervisor])
            }
            Request::ReadyList => Access::Roles(&[Role::Clerk, Role::Supervisor]),
            Request::OpenCasesFor { .. } => Access::Roles(&[Role::Clerk]),
            _ => Access::LoggedIn,
        }
    }
}

fn require(session: &Option<SessionUser>) -> Result<&SessionUser> {
    session.as_ref().ok_or_else(|| HallError::forbidden("请先登录"))
}

fn role_check(user: &SessionUser, roles: &[Role]) -> Result<()> {
    if roles.contains(&user.role) {
        return Ok(());
    }
    let names: Vec<&str> = roles.iter().map(|r| r.label()).collect();
    Err(HallError::forbidden(format!("此操作只能由{}执行，当前登录角色为{}", names.join("或"), user.role.label())))
}

/// The gate for work done outside [`dispatch`] (printing): a logged-in, unlocked session whose
/// password need not be changed first, in one of `roles`.
pub fn authorize<'a>(session: &'a Option<SessionUser>, roles: &[Role]) -> Result<&'a SessionUser> {
    let user = require(session)?;
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

/// Runs one request for the session. The session is changed only by login and logout.
pub fn dispatch(store: &mut Store, session: &mut Option<SessionUser>, req: Request) -> Result<Reply> {
    let name: &'static str = (&req).into();
    let r = run(store, session, req);
    // A logged-in user refused what their role (or the lifecycle table for their role) does not
    // allow is a security event (等保 安全审计: who, when, what, that it failed). Bad input is not,
    // nor is a locked window or a password still to change asking for its screens: those are
    // answered and logged to the file only.
    if let (Err(e), Some(user)) = (&r, session.as_ref()) {
        if e.code == ErrorCode::Forbidden && !user.locked && !user.must_change_password {
            let note = format!("拒绝 {}（{}）执行 {name}：{}", user.name, user.role.label(), e.message);
            if let Err(failed) = store.note_hall_event(&user.username, "denied", &note) {
                log::warn!("denied request not recorded: {}", failed.message);
            }
        }
    }
    r
}

fn run(store: &mut Store, session: &mut Option<SessionUser>, req: Request) -> Result<Reply> {
    match req.access() {
        Access::Anyone => {}
        Access::LoggedIn => {
            require(session)?;
        }
        Access::Roles(roles) => role_check(require(session)?, roles)?,
    }
    if session.as_ref().is_some_and(|u| u.locked)
        && !matches!(
            req,
            Request::Login { .. }
                | Request::Logout
                | Request::Whoami
                | Request::HallInfo
                | Request::Lifecycle
                | Request::Settings
                | Request::Lock
        )
    {
        return Err(HallError::forbidden("屏幕已锁定，请输入密码解锁"));
    }
    // A demo, reset or expired password must be changed before anything else.
    if let Some(u) = session.as_ref() {
        let allowed = matches!(
            req,
            Request::ChangePassword { .. }
                | Request::Logout
                | Request::Whoami
                | Request::HallInfo
                | Request::Lifecycle
                | Request::Settings
        );
        if !allowed {
            password_gate(u)?;
        }
    }
    let actor = session.as_ref().map(|u| u.username.clone()).unwrap_or_default();
    Ok(match req {
        Request::HallInfo => Reply::HallInfo(store.hall_info()?),
        Request::Login { username, password } => {
            let user = store.login(&username, &password)?;
            log::info!("login {}", user.username);
            *session = Some(user);
            Reply::Session(session.clone())
        }
        Request::Logout => {
            *session = None;
            Reply::Session(None)
        }
        Request::Whoami => Reply::Session(session.clone()),
        Request::Lifecycle => Reply::Lifecycle(lifecycle::table()),
        Request::Units => Reply::Units(store.units()?),
        Request::CatalogCategories => Reply::Categories(
            store
                .catalog_categories()?
                .into_iter()
                .map(|(category, count)| CategoryCount { category, count })
                .collect(),
        ),
        Request::CatalogList { query, category } => {
            Reply::CatalogItems(store.catalog_items(query.as_deref(), category.as_deref().filter(|c| !c.is_empty()))?)
        }
        Request::CatalogItem { code } => Reply::CatalogItem(Box::new(store.catalog_item(&code, None)?)),
        Request::CatalogVersions => Reply::CatalogVersions(store.catalog_versions()?),
        Request::CatalogImport { text, csv } => {
            let file = if csv { CatalogFile::parse_csv(&text)? } else { CatalogFile::parse_json(&text)? };
            Reply::CatalogImported(store.import_catalog(&file, &actor)?)
        }
        Request::CalendarYears => Reply::CalendarYears(store.calendar_years()?),
        Request::CalendarImport { text } => {
            store.import_calendar(&text, &actor)?;
            Reply::CalendarYears(store.calendar_years()?)
        }
        Request::DueDate { accepted, days } => Reply::DueDate(store.calendar().add_working_days(accepted, days)),
        Request::SearchCases { text } => Reply::Cases(store.search_cases(&text, SEARCH_LIMIT)?),
        Request::ListCases { state, date, limit } => {
            Reply::Cases(store.list_cases(state, date, limit.unwrap_or(200).clamp(1, 1000) as usize)?)
        }
        Request::CaseDetail { number } => Reply::Case(Box::new(store.case_detail(&number)?)),
        Request::Intake { mut request } => {
            let user = require(session)?;
            request.clerk = user.username.clone();
            Reply::Case(Box::new(store.intake(&request, user)?))
        }
        Request::Act { number, action, params } => {
            Reply::Case(Box::new(store.act(&number, action, require(session)?, &params)?))
        }
        Request::OpenCasesFor { id_number, item_code } => Reply::Cases(store.open_cases_for(&id_number, &item_code)?),
        Request::SupplyMaterials { number, names } => {
            Reply::Case(Box::new(store.supply_materials(&number, &names, require(session)?)?))
        }
        Request::Queue { unit } => {
            let user = require(session)?;
            let unit = match (user.role, unit) {
                (Role::Officer, Some(u)) if Some(&u) != user.unit.as_ref() => {
                    return Err(HallError::forbidden("经办人只能查看本单位的待办"))
                }
                (_, Some(u)) => u,
                (_, None) => user.unit.clone().ok_or_else(|| HallError::invalid("请选择单位"))?,
            };
            Reply::Cases(store.queue(&unit)?)
        }
        Request::ReadyList => Reply::Cases(store.ready_list()?),
        Request::UrgentCases => Reply::Cases(store.urgent_cases()?),
        Request::LapsedCommitments => Reply::Cases(store.lapsed_commitments()?),
        Request::SupplementWatch => Reply::SupplementWatch(store.supplement_watch(require(session)?)?),
        Request::SweepSupplements => Reply::Numbers(store.sweep_supplement_lapses()?),
        Request::Rate { number, level, comment } => {
            Reply::Rating(store.rate(&number, level, &comment, require(session)?)?)
        }
        Request::Dashboard => Reply::Dashboard(store.dashboard()?),
        Request::Figures { from, to } => Reply::Figures(Box::new(store.figures(from, to)?)),
        Request::FollowUps { open_only } => Reply::FollowUps(store.follow_ups(open_only)?),
        Request::UpdateFollowUp { number, update } => {
            Reply::FollowUp(store.update_follow_up(&number, &update, require(session)?)?)
        }
        Request::RevealId { number, agent } => Reply::IdNumber(store.reveal_id(&number, agent, require(session)?)?),
        Request::Vocabulary => Reply::Vocabulary(Vocabulary {
            special_kinds: SPECIAL_KINDS.iter().map(|s| s.to_string()).collect(),
            rating_labels: RATING_LABELS.iter().map(|s| s.to_string()).collect(),
            demand_categories: words(crate::demands::CATEGORIES),
            issue_kinds: words(crate::coordination::KINDS),
            issue_results: words(crate::coordination::RESULTS),
            satisfaction: words(crate::coordination::SATISFACTION),
            admission_rules: RULES
                .iter()
                .map(|r| RuleView {
                    rule: r.rule,
                    admitted: r.admitted,
                    label: r.label.to_string(),
                    basis: r.basis.to_string(),
                })
                .collect(),
            supplement_lapse_modes: crate::store::SupplementLapseMode::options(),
        }),
        Request::Lock => {
            if let Some(u) = session.as_mut() {
                u.locked = true;
            }
            Reply::Session(session.clone())
        }
        Request::ChangePassword { old, new } => {
            let user = store.change_password(&actor, &old, &new)?;
            *session = Some(user);
            Reply::Session(session.clone())
        }
        Request::Users => Reply::Users(store.users()?),
        Request::AddUser { user } => {
            store.add_user(&user, &actor)?;
            Reply::Users(store.users()?)
        }
        Request::UpdateUser { user } => {
            store.update_user(&user, &actor)?;
            Reply::Users(store.users()?)
        }
        Request::ResetPassword { username, password } => {
            store.reset_password(&username, &password, &actor)?;
            Reply::Users(store.users()?)
        }
        Request::Settings => Reply::Settings(store.settings()?),
        Request::SaveSettings { settings } => Reply::Settings(store.save_settings(&settings, &actor)?),
        Request::SyncStatus => Reply::SyncStatus(store.sync_status()?),
        Request::AuditVerify => Reply::Audit(store.audit_verify()?),
        Request::Backups => Reply::Backups(store.backups()?),
        Request::MakeBackup => {
            let dest = store
                .path()
                .with_file_name("backups")
                .join(format!("hall-{}-manual.db", store.now().format("%Y%m%d-%H%M%S")));
            store.backup_to(&dest)?;
            let tx_note = format!("手动备份到 {}", dest.display());
            store.note_hall_event(&actor, "backup", &tx_note)?;
            Reply::Backups(store.backups()?)
        }
        Request::RestoreBackup { path } => Reply::Restored(store.restore_from(std::path::Path::new(&path), &actor)?),
        Request::SaveHub { url, token } => {
            store.save_hub(&url, token.as_deref().filter(|t| !t.trim().is_empty()), &actor)?;
            Reply::SyncStatus(store.sync_status()?)
        }
        Request::SaveUnit { unit } => {
            store.save_unit(&unit, &actor)?;
            Reply::Units(store.units()?)
        }
        Request::DutyEntries { list, query } => Reply::DutyEntries(store.duty_entries(list, query.as_deref())?),
        Request::DutyVersions => Reply::DutyVersions(store.duty_versions()?),
        Request::DutyImport { text, csv } => {
            let file = if csv { DutyFile::parse_csv(&text)? } else { DutyFile::parse_json(&text)? };
            Reply::DutyImported(store.import_duties(&file, &actor)?)
        }
        Request::AdmissionCheck { input } => Reply::AdmissionCheck(store.check_admission(&input)?),
        Request::AdmissionRecord { input } => Reply::AdmissionTask(store.record_admission(&input, &actor)?),
        Request::AdmissionFinish { number, note } => {
            Reply::AdmissionTask(store.finish_admission(&number, &note, &actor)?)
        }
        Request::AdmissionTasks { state } => Reply::AdmissionTasks(store.admission_tasks(state, LIST_LIMIT)?),
        Request::ConsultLog { input } => Reply::Consultation(store.log_consultation(&input, &actor)?),
        Request::ConsultClose { number, result } => {
            Reply::Consultation(store.close_callback(&number, &result, &actor)?)
        }
        Request::Consultations { filter, date } => Reply::Consultations(store.consultations(filter, date, LIST_LIMIT)?),
        Request::DemandLog { input } => Reply::Demand(store.log_demand(&input, &actor)?),
        Request::DemandReview { number, adopt, note } => {
            Reply::Demand(store.review_demand(&number, adopt, &note, &actor)?)
        }
        Request::DemandAnswer { number, answer } => Reply::Demand(store.answer_demand(&number, &answer, &actor)?),
        Request::Demands { state } => Reply::Demands(store.demands(state, LIST_LIMIT)?),
        Request::DemandVillages => Reply::Villages(store.demand_villages()?),
        Request::IssueRaise { input } => Reply::Issue(store.raise_issue(&input, &actor)?),
        Request::IssueAnswer { number, answer } => Reply::Issue(store.answer_issue(&number, &answer, &actor)?),
        Request::Issues { open_only } => Reply::Issues(store.issues(open_only, LIST_LIMIT)?),
    })
}

/// The most records a list request returns (newest first).
const LIST_LIMIT: usize = 500;

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::store::testing;

    fn pw(s: &str) -> Zeroizing<String> {
        Zeroizing::new(s.into())
    }

    #[test]
    fn requests_need_a_session_and_the_right_role() {
        let (_d, mut s) = testing::store();
        let mut session = None;
        let e = dispatch(&mut s, &mut session, Request::SearchCases { text: "张".into() }).unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        assert!(matches!(dispatch(&mut s, &mut session, Request::HallInfo).unwrap(), Reply::HallInfo(_)));
        dispatch(&mut s, &mut session, Request::Login { username: "clerk1".into(), password: pw("Demo@clerk1") })
            .unwrap();
        assert!(matches!(
            dispatch(&mut s, &mut session, Request::SearchCases { text: "张".into() }).unwrap(),
            Reply::Cases(_)
        ));
        let e = dispatch(&mut s, &mut session, Request::CalendarImport { text: "{}".into() }).unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        assert!(e.message.contains("系统管理员"));
        dispatch(&mut s, &mut session, Request::Logout).unwrap();
        assert!(session.is_none());
    }

    #[test]
    fn each_role_is_refused_what_it_may_not_do() {
        let (_d, mut s) = testing::store();
        let login = |s: &mut Store, user: &str, password: &str| {
            let mut session = None;
            dispatch(s, &mut session, Request::Login { username: user.into(), password: pw(password) }).unwrap();
            session
        };
        let sessions = [
            (Role::Clerk, login(&mut s, "clerk1", "Demo@clerk1")),
            (Role::Officer, login(&mut s, "officer.shsw", "Demo@officer")),
            (Role::Supervisor, login(&mut s, "director", "Demo@director")),
            (Role::Admin, login(&mut s, "admin", "Demo@admin")),
        ];
        let cases: Vec<(Request, &[Role])> = vec![
            (Request::Users, &[Role::Admin]),
            (Request::Settings, &[Role::Clerk, Role::Officer, Role::Supervisor, Role::Admin]),
            (Request::Dashboard, &[Role::Supervisor]),
            (Request::FollowUps { open_only: true }, &[Role::Supervisor]),
            (Request::Queue { unit: Some("T-SHSW".into()) }, &[Role::Officer, Role::Supervisor]),
            (Request::ReadyList, &[Role::Clerk, Role::Supervisor]),
            (Request::UrgentCases, &[Role::Officer, Role::Supervisor]),
            (Request::SupplementWatch, &[Role::Officer, Role::Supervisor]),
            (Request::SweepSupplements, &[Role::Supervisor, Role::Admin]),
            (Request::OpenCasesFor { id_number: "x".into(), item_code: "y".into() }, &[Role::Clerk]),
        ];
        for (req, allowed) in cases {
            for (role, session) in &sessions {
                let mut session = session.clone();
                let r = dispatch(&mut s, &mut session, req.clone());
                if allowed.contains(role) {
                    assert!(r.is_ok(), "{req:?} for {role:?}: {:?}", r.err());
                } else {
                    assert_eq!(r.unwrap_err().code, ErrorCode::Forbidden, "{req:?} for {role:?}");
                }
            }
        }
        // An officer may not look into another unit's queue.
        let mut officer = sessions[1].1.clone();
        let e = dispatch(&mut s, &mut officer, Request::Queue { unit: Some("T-PCS".into()) }).unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
    }

    #[test]
    fn a_reset_password_must_be_changed_before_anything_else() {
        let (_d, mut s) = testing::store();
        s.reset_password("clerk1", "Temp@2026x", "admin").unwrap();
        let mut session = None;
        dispatch(&mut s, &mut session, Request::Login { username: "clerk1".into(), password: pw("Temp@2026x") })
            .unwrap();
        let e = dispatch(&mut s, &mut session, Request::SearchCases { text: "张".into() }).unwrap_err();
        assert!(e.message.contains("初始密码") && e.message.contains("请先修改密码"), "{}", e.message);
        let e = dispatch(&mut s, &mut session, Request::ChangePassword { old: pw("wrong"), new: pw("New@2026x") })
            .unwrap_err();
        assert!(e.message.contains("原密码"));
        dispatch(&mut s, &mut session, Request::ChangePassword { old: pw("Temp@2026x"), new: pw("New@2026x") })
            .unwrap();
        assert!(!session.as_ref().unwrap().must_change_password);
        assert!(dispatch(&mut s, &mut session, Request::SearchCases { text: "张".into() }).is_ok());
    }

    #[test]
    fn a_locked_window_does_nothing_until_the_password_is_given() {
        let (_d, mut s) = testing::store();
        let mut session = None;
        let login = Request::Login { username: "clerk1".into(), password: pw("Demo@clerk1") };
        dispatch(&mut s, &mut session, login.clone()).unwrap();
        dispatch(&mut s, &mut session, Request::Lock).unwrap();
        let e = dispatch(&mut s, &mut session, Request::SearchCases { text: "张".into() }).unwrap_err();
        assert!(e.message.contains("屏幕已锁定"));
        dispatch(&mut s, &mut session, login).unwrap();
        assert!(dispatch(&mut s, &mut session, Request::SearchCases { text: "张".into() }).is_ok());
    }

    #[test]
    fn requests_round_trip_as_json() {
        let r: Request = serde_json::from_str(r#"{"type":"catalog_list","query":"hjqy","category":null}"#).unwrap();
        assert!(matches!(r, Request::CatalogList { .. }));
    }
}
