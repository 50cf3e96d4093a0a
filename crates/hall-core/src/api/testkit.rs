//! The request × role matrix, for the tests here and for a network test in another crate to
//! run the very same matrix against a hall host: every request (one sample each) for every
//! [`Caller`] must be refused as forbidden exactly when the catalogue says so, and answered,
//! when it is answered, with a reply its row names.
//!
//! A driver plays the callers: `FnMut(Caller, Request) -> Result<answer, HallError>`, where
//! the answer is a [`Reply`] or its JSON. It runs each request in a fresh copy of the caller's
//! session (some requests, such as `Logout` or `Lock`, change it): logged in as
//! [`Caller::login`] says, then locked when it says so. The store is [`sample_township`]'s (or
//! any store with the sample catalog and the sample users without forced password changes, as
//! the store tests make it, after [`prepare`]).

use std::collections::HashSet;
use std::path::Path;

use chrono::NaiveDate;
use strum::IntoEnumIterator;
use zeroize::Zeroizing;

use super::{Access, Reply, ReplyKind, Request, RequestKind, RequestSpec};
use crate::catalog::{CaseKind, Unit, UnitLevel};
use crate::duties::DutyList;
use crate::error::{ErrorCode, HallError, Result};
use crate::intake::IntakeRequest;
use crate::lifecycle::{Action, Role};
use crate::store::{ActParams, CatalogItemView, ConsultFilter, DeviceKind, FollowUpUpdate, Store};

/// The password [`prepare`] gives the caller who must change theirs.
pub const RESET_PASSWORD: &str = "Temp@2026x";

/// Who makes the request. The first seven can be played by any driver, over the network too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Caller {
    /// No session.
    Nobody,
    Clerk,
    /// 社会事务办's officer, who works on [`prepare`]'s case.
    Officer,
    Supervisor,
    Admin,
    /// A clerk whose screen is locked.
    Locked,
    /// A clerk whose password was reset and must be changed first.
    MustChangePassword,
    /// hallctl's operator session at the hall's computer (no password: local drivers only).
    Operator,
    /// A counter's rating screen (a paired device's session, no password: the host makes it;
    /// local drivers use `SessionUser::rating_screen`).
    Screen,
}

/// How a driver opens a caller's session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Login {
    pub username: &'static str,
    pub password: &'static str,
    /// Send `Lock` after logging in.
    pub then_lock: bool,
}

impl Caller {
    /// The callers of the matrix (all but the operator, who cannot log in).
    pub const ALL: [Caller; 7] = [
        Caller::Nobody,
        Caller::Clerk,
        Caller::Officer,
        Caller::Supervisor,
        Caller::Admin,
        Caller::Locked,
        Caller::MustChangePassword,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Caller::Nobody => "nobody",
            Caller::Clerk => "clerk",
            Caller::Officer => "officer",
            Caller::Supervisor => "supervisor",
            Caller::Admin => "admin",
            Caller::Locked => "locked",
            Caller::MustChangePassword => "must_change_password",
            Caller::Operator => "operator",
            Caller::Screen => "screen",
        }
    }

    /// The sample user the caller logs in as (none: no session, or the operator's, which a
    /// local driver makes with `SessionUser::operator()`).
    pub fn login(self) -> Option<Login> {
        let login = |username, password| Some(Login { username, password, then_lock: false });
        match self {
            Caller::Nobody | Caller::Operator | Caller::Screen => None,
            Caller::Clerk => login("clerk1", "Demo@clerk1"),
            Caller::Officer => login("officer.shsw", "Demo@officer"),
            Caller::Supervisor => login("director", "Demo@director"),
            Caller::Admin => login("admin", "Demo@admin"),
            Caller::Locked => Some(Login { then_lock: true, ..login("clerk1", "Demo@clerk1")? }),
            Caller::MustChangePassword => login("clerk2", RESET_PASSWORD),
        }
    }

    /// The session's role (the operator's is the supervisor's).
    pub fn role(self) -> Option<Role> {
        match self {
            Caller::Nobody | Caller::Screen => None,
            Caller::Clerk | Caller::Locked | Caller::MustChangePassword => Some(Role::Clerk),
            Caller::Officer => Some(Role::Officer),
            Caller::Supervisor | Caller::Operator => Some(Role::Supervisor),
            Caller::Admin => Some(Role::Admin),
        }
    }
}

/// Whether the catalogue lets `caller` make the request: true when it must not be refused as
/// forbidden, false when it must be. Written out from the rows' meaning, apart from the gate's
/// code, so that the matrix checks the one against the other.
pub fn expected(spec: &RequestSpec, caller: Caller) -> bool {
    if caller == Caller::Screen {
        return spec.screen;
    }
    let may_call = match (spec.access, caller.role()) {
        (Access::Screen, _) => false,
        (Access::Anyone, _) => true,
        (_, None) => false,
        (Access::LoggedIn, Some(_)) => true,
        // hallctl's operator does the administrator's work too.
        (Access::Roles(roles), Some(role)) => {
            roles.contains(&role) || (caller == Caller::Operator && roles.contains(&Role::Admin))
        }
    };
    let locked = caller == Caller::Locked && !spec.while_locked;
    let gated = caller == Caller::MustChangePassword && !spec.before_password_change;
    may_call && !locked && !gated
}

/// A new hall database at `path` for the matrix: a township with the sample catalog and the
/// sample users (their README passwords, no forced change), readied by [`prepare`]. A network
/// test makes it, drops the store and starts the host on the file.
pub fn sample_township(path: &Path) -> Result<Store> {
    let mut store = Store::open(path)?;
    store.init("231221104", "测试镇", "testkit")?;
    let catalog = crate::catalog::CatalogFile::parse_json(crate::demo::SAMPLE_CATALOG)?;
    store.import_catalog(&catalog, "testkit")?;
    crate::demo::add_sample_users(&mut store, false)?;
    prepare(&mut store)?;
    Ok(store)
}

/// Readies the sample township for the matrix: a 承诺件 of 社会事务办 claimed by its officer
/// (so that only role rules, not whose case it is, can refuse the officer), and clerk2's
/// password reset to [`RESET_PASSWORD`].
pub fn prepare(store: &mut Store) -> Result<()> {
    let officer = store.user("officer.shsw")?;
    let items = store.catalog_items(None, None)?;
    let queue = |i: &CatalogItemView| i.item.handled_by.clone().unwrap_or_else(|| i.item.unit.clone());
    let item = items.iter().find(|i| i.item.kind == CaseKind::Promised && queue(i) == "T-SHSW");
    let item = &item.ok_or_else(|| HallError::invalid("样例事项清单中没有社会事务办的承诺件"))?.item;
    let names: Vec<&str> = item.materials.iter().map(|m| m.name.as_str()).collect();
    let accepted: IntakeRequest = serde_json::from_value(serde_json::json!({"item_code": item.code,
        "materials": names, "applicant": {"id_number": "230102199003078519", "name": "张三", "phone": "13800138000"}}))
    .map_err(|e| HallError::invalid(e.to_string()))?;
    let number = store.intake(&accepted, &store.user("clerk1")?)?.summary.number;
    store.act(&number, Action::Claim, &officer, &ActParams::default())?;
    store.reset_password("clerk2", RESET_PASSWORD, "admin")
}

/// A sample of every request, in no particular order ([`run_role_matrix`] checks that each
/// request has exactly one). They change little: most writes are refused for bad input, so
/// the matrix can be run again and every caller's password stays as it was.
pub fn role_matrix_samples(s: &Store) -> Result<Vec<Request>> {
    let from = |v: serde_json::Value| -> Request { serde_json::from_value(v).expect("a valid request") };
    let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let no_case = || "231221104-20200101-9999".to_string();
    // Case steps are the lifecycle table's (the offers' property test); a request whose
    // role rule would hide behind "no such case" is asked of a real one.
    let a_case = s.list_cases(None, None, 1)?.pop().map(|c| c.number).unwrap_or_else(no_case);
    Ok(vec![
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
        from(serde_json::json!({"type": "update_user", "user": {"username": "nobody", "name": "x", "role": "clerk",
            "unit": null, "disabled": false}})),
        Request::ResetPassword { username: "nobody".into(), password: pw("Temp@2026x") },
        Request::Settings,
        Request::SaveSettings { settings: s.settings()? },
        Request::SaveUnit { unit: Unit { code: " ".into(), name: String::new(), level: UnitLevel::Township } },
        Request::AuditVerify,
        Request::Backups,
        Request::MakeBackup,
        Request::RestoreBackup { path: "/nonexistent/hall.db".into(), recovery_code: None },
        Request::RestoreNewHall { path: "/nonexistent/hall.db".into(), recovery_code: pw("0000") },
        Request::DataSafety,
        Request::ShowRecoveryCode,
        Request::AnswerSheetOffer { printed: false },
        Request::CheckIntegrity,
        Request::RotateKey,
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
        Request::HostPairCode,
        Request::HostDevices,
        Request::HostRevoke { device: "没有的设备".into() },
        Request::PairDevice {
            code: "AAAA-AAAA".into(), name: "1号窗口".into(), kind: DeviceKind::Desk, serves: None
        },
        Request::RatingPrompt,
        Request::ScreenRate {
            number: "231221104-20200101-9999".into(),
            level: 5,
            reasons: Vec::new(),
            comment: String::new(),
        },
    ])
}

/// What a driver answers with: a [`Reply`], or its JSON off the network.
pub trait Answer {
    /// The reply's `type` on the wire.
    fn reply_type(&self) -> &str;
}

impl Answer for Reply {
    fn reply_type(&self) -> &str {
        ReplyKind::from(self).into()
    }
}

impl Answer for serde_json::Value {
    fn reply_type(&self) -> &str {
        self.get("type").and_then(|t| t.as_str()).unwrap_or("")
    }
}

/// What the matrix found.
#[derive(Debug, Default)]
pub struct MatrixOutcome {
    /// Every answer that is not what the catalogue says; empty when all is well.
    pub wrong: Vec<String>,
    /// One line per request: its name, then each caller it admitted (`users admin operator`).
    pub admitted: Vec<String>,
}

/// Runs every sample for every caller through `drive`: forbidden exactly when [`expected`]
/// says so, and any reply one of the catalogue's names for the request.
pub fn run_role_matrix<A: Answer>(
    samples: &[Request],
    callers: &[Caller],
    mut drive: impl FnMut(Caller, Request) -> Result<A>,
) -> MatrixOutcome {
    let mut out = MatrixOutcome::default();
    let kinds: Vec<RequestKind> = samples.iter().map(Request::kind).collect();
    let distinct: HashSet<RequestKind> = kinds.iter().copied().collect();
    for kind in RequestKind::iter().filter(|k| !distinct.contains(k)) {
        out.wrong.push(format!("{}: no sample", kind.spec().name));
    }
    if distinct.len() != kinds.len() {
        out.wrong.push("a request has more than one sample".into());
    }
    for req in samples {
        let spec = req.spec();
        let mut row = vec![spec.name];
        for &caller in callers {
            let admitted = expected(&spec, caller);
            let answer = drive(caller, req.clone());
            let said = match &answer {
                Ok(a) => format!("reply {}", a.reply_type()),
                Err(e) => format!("{:?}: {}", e.code, e.message),
            };
            let forbidden = answer.as_ref().is_err_and(|e| e.code == ErrorCode::Forbidden);
            if forbidden == admitted {
                let says = if admitted { "admits" } else { "forbids" };
                out.wrong.push(format!(
                    "{} for {}: the catalogue {says} it, the answer is {said}",
                    spec.name,
                    caller.name()
                ));
            }
            if let Ok(a) = &answer {
                if !spec.reply.contains(&a.reply_type()) {
                    out.wrong.push(format!("{} for {}: {said}, not one of {:?}", spec.name, caller.name(), spec.reply));
                }
            }
            if admitted {
                row.push(caller.name());
            }
        }
        out.admitted.push(row.join(" "));
    }
    out
}

fn pw(s: &str) -> Zeroizing<String> {
    Zeroizing::new(s.into())
}
