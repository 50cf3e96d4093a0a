//! The hall's one typed request/response surface. The desktop shell passes every call from the
//! window through [`dispatch`]; a later hall-LAN host can carry the very same values over the
//! network. Access is decided here (and, for case actions, by the lifecycle table).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::calendar::WorkingDate;
use crate::catalog::{CatalogFile, Unit};
use crate::consult::ConsultInput;
use crate::coordination::{IssueAnswer, IssueInput};
use crate::demands::{DemandInput, DemandState};
use crate::duties::{DutyFile, DutyList};
use crate::error::{ErrorCode, HallError, Result};
use crate::intake::{IntakeRequest, OutcomeOffer};
use crate::lifecycle::{self, Action, CaseState, LifecycleTable, Role};
use crate::store::RatingPromptView;
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
    SyncStatus, UserInfo, UserUpdate,
};
pub use crate::vocabulary::{RuleView, Vocabulary};

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
    Outcomes(Vec<OutcomeOffer>),
    Dashboard(Dashboard),
    Figures(Box<Figures>),
    Rating(Rating),
    FollowUps(Vec<FollowUp>),
    FollowUp(FollowUp),
    IdNumber(String),
    Vocabulary(Box<Vocabulary>),
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
    RatingPrompt(Option<RatingPromptView>),
}

/// Who may make a request.
enum Access {
    /// Before login (the login screen needs the township's name).
    Anyone,
    /// Any logged-in user; case actions are then checked by the lifecycle table.
    LoggedIn,
    Roles(&'static [Role]),
    /// A counter's rating screen, and nobody else (see [`screen_gate`]).
    Screen,
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
            // The officer only for a case they work on (the store checks which).
            Request::RevealId { .. } => Access::Roles(&[Role::Officer, Role::Supervisor]),
            Request::Queue { .. } | Request::UrgentCases | Request::LapsedCommitments | Request::SupplementWatch => {
                Access::Roles(&[Role::Officer, Role::Supervisor])
            }
            Request::ReadyList | Request::Rate { .. } => Access::Roles(&[Role::Clerk, Role::Supervisor]),
            Request::SupplyMaterials { .. } => Access::Roles(&[Role::Clerk, Role::Officer]),
            Request::OpenCasesFor { .. } => Access::Roles(&[Role::Clerk]),
            Request::RatingPrompt | Request::ScreenRate { .. } => Access::Screen,
            _ => Access::LoggedIn,
        }
    }
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

/// A rating screen's session does its own two requests and reads the hall's name and words for
/// its idle screen; nothing else, whatever its role says. Checked before anything else.
fn screen_gate(req: &Request, user: Option<&SessionUser>) -> Result<()> {
    if user.is_some_and(|u| u.screen)
        && !matches!(req, Request::RatingPrompt | Request::ScreenRate { .. } | Request::HallInfo | Request::Vocabulary)
    {
        return Err(HallError::forbidden("评价器只能显示待评价的办件并提交群众的评价，不能办理其他业务"));
    }
    Ok(())
}

/// Whether the request is admitted for `user` at all: the screen gate, then the access table.
fn admit(req: &Request, user: Option<&SessionUser>) -> Result<()> {
    screen_gate(req, user)?;
    req.access().check(user)
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
            let role = if user.screen { "评价器" } else { user.role.label() };
            let note = format!("拒绝 {}（{role}）执行 {name}：{}", user.name, e.message);
            if let Err(failed) = store.note_hall_event(&user.username, "denied", &note) {
                log::warn!("denied request not recorded: {}", failed.message);
            }
        }
    }
    r
}

fn run(store: &mut Store, session: &mut Option<SessionUser>, req: Request) -> Result<Reply> {
    admit(&req, session.as_ref())?;
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
        Request::CaseDetail { number } => Reply::Case(Box::new(store.case_view(&number, require(session)?)?)),
        Request::IntakeOutcomes { item_code, materials } => {
            Reply::Outcomes(store.intake_outcomes(&item_code, &materials)?)
        }
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
        Request::Vocabulary => Reply::Vocabulary(Box::new(crate::vocabulary::vocabulary())),
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
        Request::RatingPrompt => Reply::RatingPrompt(store.rating_prompt(require(session)?)?),
        Request::ScreenRate { number, level, reasons, comment } => {
            Reply::Rating(store.screen_rate(&number, level, &reasons, &comment, require(session)?)?)
        }
    })
}

/// The most records a list request returns (newest first).
const LIST_LIMIT: usize = 500;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::UnitLevel;
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

    /// A sample of every request. The `match` in [`variant`] has no catch-all arm, so a new
    /// request does not compile until it is numbered there, and the test below then fails
    /// until it has a sample here: the request × role test always covers every request.
    fn samples(s: &Store) -> Vec<Request> {
        let from = |v: serde_json::Value| -> Request { serde_json::from_value(v).unwrap() };
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let no_case = || "231221104-20200101-9999".to_string();
        // Case steps are the lifecycle table's (the offers' property test); a request whose
        // role rule would hide behind "no such case" is asked of a real one.
        let a_case = s.list_cases(None, None, 1).unwrap().pop().map(|c| c.number).unwrap_or_else(no_case);
        vec![
            Request::HallInfo,
            Request::Login { username: "nobody".into(), password: pw("Wrong@pass1") },
            Request::Logout,
            Request::Whoami,
            Request::Lifecycle,
            Request::Units,
            Request::CatalogCategories,
            Request::CatalogList { query: Some("hjqy".into()), category: None },
            Request::CatalogItem { code: "NO-SUCH".into() },
            Request::CatalogVersions,
            Request::CatalogImport { text: "{".into(), csv: false },
            Request::CalendarYears,
            Request::CalendarImport { text: "{".into() },
            Request::DueDate { accepted: day, days: 5 },
            Request::SearchCases { text: "张".into() },
            Request::ListCases { state: None, date: None, limit: Some(5) },
            Request::CaseDetail { number: a_case.clone() },
            from(serde_json::json!({"type": "intake", "request": {"item_code": "NO-SUCH",
                "applicant": {"id_number": "230102199003078519", "name": "张三", "phone": "13800138000"}}})),
            Request::Act { number: no_case(), action: Action::Claim, params: Box::default() },
            Request::OpenCasesFor { id_number: "230102199003078519".into(), item_code: "NO-SUCH".into() },
            Request::SupplyMaterials { number: a_case.clone(), names: vec!["户口簿".into()] },
            Request::Queue { unit: None },
            Request::ReadyList,
            Request::UrgentCases,
            Request::LapsedCommitments,
            Request::Rate { number: a_case.clone(), level: 5, comment: String::new() },
            Request::Dashboard,
            Request::Figures { from: day, to: day },
            Request::FollowUps { open_only: true },
            Request::UpdateFollowUp { number: a_case.clone(), update: FollowUpUpdate::default() },
            Request::RevealId { number: a_case, agent: false },
            Request::Vocabulary,
            Request::Lock,
            Request::ChangePassword { old: pw("Wrong@pass1"), new: pw("New@pass2026") },
            Request::Users,
            from(serde_json::json!({"type": "add_user", "user": {"username": "坏名字", "name": "x", "role": "clerk",
                "unit": null, "password": "Weak"}})),
            from(
                serde_json::json!({"type": "update_user", "user": {"username": "nobody", "name": "x", "role": "clerk",
                "unit": null, "disabled": false}}),
            ),
            Request::ResetPassword { username: "nobody".into(), password: pw("Temp@2026x") },
            Request::Settings,
            Request::SaveSettings { settings: s.settings().unwrap() },
            Request::SaveUnit { unit: Unit { code: " ".into(), name: String::new(), level: UnitLevel::Township } },
            Request::AuditVerify,
            Request::Backups,
            Request::MakeBackup,
            Request::RestoreBackup { path: "/nonexistent/hall.db".into() },
            Request::SyncStatus,
            Request::SaveHub { url: "http://hub.county.example".into(), token: None },
            Request::DutyEntries { list: DutyList::Duty, query: None },
            Request::DutyVersions,
            Request::DutyImport { text: "{".into(), csv: false },
            from(serde_json::json!({"type": "admission_check", "input": {"department": "C-MZJ", "title": "x",
                "terms": {"deployed": false, "veto": false, "central": false, "transfer": false}}})),
            from(serde_json::json!({"type": "admission_record", "input": {"department": "NO-SUCH", "title": "x",
                "terms": {"deployed": false, "veto": false, "central": false, "transfer": false}}})),
            Request::AdmissionFinish { number: "ZR-20200101-999".into(), note: "x".into() },
            Request::AdmissionTasks { state: None },
            from(serde_json::json!({"type": "consult_log", "input": {"topic": "", "answer": ""}})),
            Request::ConsultClose { number: "ZX-20200101-999".into(), result: "x".into() },
            Request::Consultations { filter: ConsultFilter::All, date: None },
            from(serde_json::json!({"type": "demand_log", "input": {"kind": "群众需求", "category": "杂项",
                "village": "x", "content": "y"}})),
            Request::DemandReview { number: "XQ-20200101-999".into(), adopt: true, note: String::new() },
            Request::DemandAnswer { number: "XQ-20200101-999".into(), answer: "x".into() },
            Request::Demands { state: None },
            Request::DemandVillages,
            from(serde_json::json!({"type": "issue_raise", "input": {"kind": "杂项", "title": "x", "location": "y",
                "urgency": "normal", "department": "NO-SUCH"}})),
            from(serde_json::json!({"type": "issue_answer", "number": "LD-20200101-999", "answer": {"answer": "x",
                "result": "已解决", "satisfaction": "满意"}})),
            Request::Issues { open_only: true },
            Request::IntakeOutcomes { item_code: "NO-SUCH".into(), materials: Vec::new() },
            Request::SupplementWatch,
            Request::SweepSupplements,
            Request::RatingPrompt,
            Request::ScreenRate { number: no_case(), level: 5, reasons: Vec::new(), comment: String::new() },
        ]
    }

    /// Every request's place in [`samples`].
    fn variant(r: &Request) -> usize {
        use Request as R;
        match r {
            R::HallInfo => 0,
            R::Login { .. } => 1,
            R::Logout => 2,
            R::Whoami => 3,
            R::Lifecycle => 4,
            R::Units => 5,
            R::CatalogCategories => 6,
            R::CatalogList { .. } => 7,
            R::CatalogItem { .. } => 8,
            R::CatalogVersions => 9,
            R::CatalogImport { .. } => 10,
            R::CalendarYears => 11,
            R::CalendarImport { .. } => 12,
            R::DueDate { .. } => 13,
            R::SearchCases { .. } => 14,
            R::ListCases { .. } => 15,
            R::CaseDetail { .. } => 16,
            R::Intake { .. } => 17,
            R::Act { .. } => 18,
            R::OpenCasesFor { .. } => 19,
            R::SupplyMaterials { .. } => 20,
            R::Queue { .. } => 21,
            R::ReadyList => 22,
            R::UrgentCases => 23,
            R::LapsedCommitments => 24,
            R::Rate { .. } => 25,
            R::Dashboard => 26,
            R::Figures { .. } => 27,
            R::FollowUps { .. } => 28,
            R::UpdateFollowUp { .. } => 29,
            R::RevealId { .. } => 30,
            R::Vocabulary => 31,
            R::Lock => 32,
            R::ChangePassword { .. } => 33,
            R::Users => 34,
            R::AddUser { .. } => 35,
            R::UpdateUser { .. } => 36,
            R::ResetPassword { .. } => 37,
            R::Settings => 38,
            R::SaveSettings { .. } => 39,
            R::SaveUnit { .. } => 40,
            R::AuditVerify => 41,
            R::Backups => 42,
            R::MakeBackup => 43,
            R::RestoreBackup { .. } => 44,
            R::SyncStatus => 45,
            R::SaveHub { .. } => 46,
            R::DutyEntries { .. } => 47,
            R::DutyVersions => 48,
            R::DutyImport { .. } => 49,
            R::AdmissionCheck { .. } => 50,
            R::AdmissionRecord { .. } => 51,
            R::AdmissionFinish { .. } => 52,
            R::AdmissionTasks { .. } => 53,
            R::ConsultLog { .. } => 54,
            R::ConsultClose { .. } => 55,
            R::Consultations { .. } => 56,
            R::DemandLog { .. } => 57,
            R::DemandReview { .. } => 58,
            R::DemandAnswer { .. } => 59,
            R::Demands { .. } => 60,
            R::DemandVillages => 61,
            R::IssueRaise { .. } => 62,
            R::IssueAnswer { .. } => 63,
            R::Issues { .. } => 64,
            R::IntakeOutcomes { .. } => 65,
            R::SupplementWatch => 66,
            R::SweepSupplements => 67,
            R::RatingPrompt => 68,
            R::ScreenRate { .. } => 69,
        }
    }

    /// Every request, for nobody signed in, each of the four roles and hallctl's operator: the
    /// gate refuses (forbidden) exactly what `Request::access` — the one table of who may do
    /// what — refuses, and nothing else is refused for the role. The table itself is read back
    /// for a few rules the hall depends on.
    #[test]
    fn every_request_for_every_role_is_answered_as_the_access_table_says() {
        let (_d, mut s) = testing::store();
        // A case the officer works on (so only role rules, not whose case it is, can refuse).
        let officer = s.user("officer.shsw").unwrap();
        let items = s.catalog_items(None, None).unwrap();
        let queue = |i: &CatalogItemView| i.item.handled_by.clone().unwrap_or_else(|| i.item.unit.clone());
        let item = items.iter().find(|i| i.item.kind == crate::catalog::CaseKind::Promised && queue(i) == "T-SHSW");
        let item = &item.expect("a 承诺件 of 社会事务办").item;
        let names: Vec<&str> = item.materials.iter().map(|m| m.name.as_str()).collect();
        let accepted: IntakeRequest = serde_json::from_value(serde_json::json!({"item_code": item.code,
            "materials": names, "applicant": {"id_number": "230102199003078519", "name": "张三", "phone": "13800138000"}}))
        .unwrap();
        let number = s.intake(&accepted, &s.user("clerk1").unwrap()).unwrap().summary.number;
        s.act(&number, Action::Claim, &officer, &ActParams::default()).unwrap();
        let samples = samples(&s);
        let mut seen: Vec<usize> = samples.iter().map(variant).collect();
        seen.sort_unstable();
        let last =
            variant(&Request::ScreenRate { number: String::new(), level: 0, reasons: vec![], comment: String::new() });
        assert_eq!(seen, (0..=last).collect::<Vec<_>>(), "one sample per request, in order");
        let login = |s: &mut Store, user: &str, password: &str| s.login(user, password).unwrap();
        let sessions: Vec<(&str, Option<SessionUser>)> = vec![
            ("nobody", None),
            ("clerk", Some(login(&mut s, "clerk1", "Demo@clerk1"))),
            ("officer", Some(login(&mut s, "officer.shsw", "Demo@officer"))),
            ("supervisor", Some(login(&mut s, "director", "Demo@director"))),
            ("admin", Some(login(&mut s, "admin", "Demo@admin"))),
            ("operator", Some(SessionUser::operator())),
            ("screen", Some(SessionUser { serves: Some("1号窗口".into()), ..SessionUser::rating_screen("1号评价器") })),
        ];
        let (mut table, mut wrong) = (Vec::new(), Vec::new());
        for req in &samples {
            let name: &'static str = req.into();
            let mut row = vec![name.to_string()];
            for (who, session) in &sessions {
                let admitted = admit(req, session.as_ref()).is_ok();
                let mut session = session.clone();
                let answer = dispatch(&mut s, &mut session, req.clone());
                let forbidden = answer.as_ref().is_err_and(|e| e.code == ErrorCode::Forbidden);
                if forbidden == admitted {
                    wrong.push(format!("{name} for {who}: the table says {admitted}, the answer is {answer:?}"));
                }
                if admitted {
                    row.push(who.to_string());
                }
            }
            table.push(row.join(" "));
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        // A few rules read back from the table.
        for rule in [
            "hall_info nobody clerk officer supervisor admin operator screen",
            "vocabulary clerk officer supervisor admin operator screen",
            "rating_prompt screen",
            "screen_rate screen",
            "rate clerk supervisor operator",
            "search_cases clerk officer supervisor admin operator",
            "users admin operator",
            "restore_backup admin operator",
            "dashboard supervisor operator",
            "open_cases_for clerk",
            "audit_verify supervisor admin operator",
        ] {
            assert!(table.iter().any(|r| r == rule), "{rule} not in\n{}", table.join("\n"));
        }
    }
}
