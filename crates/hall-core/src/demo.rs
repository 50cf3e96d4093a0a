//! The sample hall (示例数据): a Heilongjiang township's catalog, units, users and a month of
//! cases in every state, built through the same intake and lifecycle code the hall uses; and
//! synthetic history for benchmarks. Everything here is marked as sample data.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::{CaseKind, CatalogFile, CatalogItem, UnitLevel};
use crate::error::{HallError, Result};
use crate::intake::{IntakeOutcome, IntakeRequest, Party, PartyKind};
use crate::lifecycle::{Action, Role};
use crate::store::{ActParams, Delivery, DeliveryMethod, NewUser, SessionUser, Store};

pub const SAMPLE_CATALOG: &str = include_str!("../../../assets/demo/catalog.json");
pub const SAMPLE_HALL: &str = include_str!("../../../assets/demo/hall.json");

/// Password of the officers added for units the sample file gives none.
const EXTRA_OFFICER_PASSWORD: &str = "Demo@officer";

#[derive(Debug, Clone, Deserialize)]
pub struct SampleHall {
    pub township_code: String,
    pub township_name: String,
    #[serde(default)]
    pub county_name: String,
    pub villages: Vec<String>,
    pub surnames: Vec<String>,
    pub given_names: Vec<String>,
    pub users: Vec<SampleUser>,
    pub rejection_reasons: Vec<String>,
    pub supplement_requests: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SampleUser {
    pub username: String,
    pub name: String,
    pub role: Role,
    pub unit: Option<String>,
    pub password: String,
}

pub fn sample_hall() -> SampleHall {
    serde_json::from_str(SAMPLE_HALL).expect("assets/demo/hall.json is valid")
}

/// Adds the sample users (and an officer for every township unit without one); returns them.
pub fn add_sample_users(store: &mut Store) -> Result<Vec<SampleUser>> {
    let mut users = sample_hall().users;
    for u in store.units()? {
        if u.level == UnitLevel::Township && !users.iter().any(|s| s.unit.as_deref() == Some(&u.code)) {
            users.push(SampleUser {
                username: format!("officer.{}", u.code.to_lowercase()),
                name: format!("{}经办人", u.name),
                role: Role::Officer,
                unit: Some(u.code.clone()),
                password: EXTRA_OFFICER_PASSWORD.into(),
            });
        }
    }
    for u in &users {
        if store.user(&u.username).is_err() {
            let new = NewUser {
                username: u.username.clone(),
                name: u.name.clone(),
                role: u.role,
                unit: u.unit.clone(),
                password: u.password.clone(),
                must_change_password: false,
            };
            store.add_user(&new, "demo")?;
        }
    }
    Ok(users)
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DemoSummary {
    pub township_code: String,
    pub township_name: String,
    pub cases: usize,
    pub users: Vec<SampleUser>,
    /// True when the database already held the sample hall and nothing was added.
    pub already_loaded: bool,
}

/// People and times for synthetic cases.
struct Faker<'a> {
    rng: StdRng,
    hall: &'a SampleHall,
    serial: u32,
}

impl Faker<'_> {
    fn id_number(&mut self, birth: NaiveDate) -> String {
        self.serial = (self.serial + 1) % 1000;
        let body = format!("231221{}{:03}", birth.format("%Y%m%d"), self.serial);
        const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = body.bytes().zip(W).map(|(b, w)| (b - b'0') as u32 * w).sum();
        format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
    }

    fn credit_code(&mut self) -> String {
        const CH: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
        const W: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
        let mut body = String::from("92231221MA");
        for _ in 0..7 {
            body.push(CH[self.rng.gen_range(0..CH.len())] as char);
        }
        let sum: u32 = body.bytes().zip(W).map(|(b, w)| CH.iter().position(|c| *c == b).unwrap() as u32 * w).sum();
        body.push(CH[((31 - sum % 31) % 31) as usize] as char);
        body
    }

    fn person(&mut self, today: NaiveDate) -> Party {
        let surname = self.hall.surnames.choose(&mut self.rng).expect("surnames").clone();
        let given = self.hall.given_names.choose(&mut self.rng).expect("given names").clone();
        let age_days = self.rng.gen_range(18 * 365..85 * 365);
        let village = self.hall.villages.choose(&mut self.rng).expect("villages").clone();
        Party {
            kind: PartyKind::Person,
            id_number: self.id_number(today - Duration::days(age_days)),
            name: format!("{surname}{given}"),
            phone: format!(
                "1{}{:09}",
                ["3", "5", "8", "9"].choose(&mut self.rng).unwrap(),
                self.rng.gen_range(0..1_000_000_000u64)
            ),
            address: format!("{}{}组{}号", village, self.rng.gen_range(1..9), self.rng.gen_range(1..120)),
        }
    }

    fn org(&mut self) -> Party {
        let village = self.hall.villages.choose(&mut self.rng).expect("villages").clone();
        let trade =
            ["豆制品作坊", "粮食加工厂", "种植专业合作社", "农机服务合作社", "便民超市"].choose(&mut self.rng).unwrap();
        Party {
            kind: PartyKind::Org,
            id_number: self.credit_code(),
            name: format!("望奎县{}{}", village.trim_end_matches('村'), trade),
            phone: format!("139{:08}", self.rng.gen_range(0..100_000_000u64)),
            address: format!("{village}{}号", self.rng.gen_range(1..80)),
        }
    }

    /// A time in office hours on `day`.
    fn office_time(&mut self, day: NaiveDate) -> NaiveDateTime {
        let secs = self.rng.gen_range(8 * 3600 + 1800..16 * 3600 + 1800);
        day.and_time(NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).expect("in range"))
    }
}

/// The working day `n` working days after `day` (skipping rest days), at an office-hours time.
fn later(store: &Store, f: &mut Faker, from: NaiveDateTime, n: u32) -> NaiveDateTime {
    let day = store.calendar().add_working_days(from.date(), n).date;
    let t = f.office_time(day);
    if t <= from {
        from + Duration::minutes(f.rng.gen_range(5..90))
    } else {
        t
    }
}

/// Loads the sample hall: township, catalog, users and about `per_day` cases a working day over
/// the last `days` days. Refuses a database that holds real cases.
pub fn load_demo(store: &mut Store, days: i64, per_day: u32) -> Result<DemoSummary> {
    let hall = sample_hall();
    if store.setting("sample_data")?.is_some() {
        let info = store.hall_info()?;
        return Ok(DemoSummary {
            township_code: info.township_code,
            township_name: info.township_name,
            cases: store.case_count()? as usize,
            users: add_sample_users(store)?,
            already_loaded: true,
        });
    }
    let existing = store.case_count()?;
    if existing > 0 {
        return Err(HallError::conflict(format!(
            "数据库中已有 {existing} 件真实办件，不能装入演示数据。请为演示另建一个数据库（--db 指定新文件）"
        )));
    }
    store.init(&hall.township_code, &hall.township_name, "demo")?;
    let catalog = CatalogFile::parse_json(SAMPLE_CATALOG)?;
    store.import_catalog(&catalog, "demo")?;
    let users = add_sample_users(store)?;
    store.set_setting("sample_data", "本库为演示用示例数据，人员均为虚构")?;
    store.set_setting("hall_address", &format!("{}{}人民政府一楼", hall.county_name, hall.township_name))?;
    store.set_setting("hall_phone", "0455-6000000（示例）")?;

    let real_now = store.now();
    let mut f = Faker { rng: StdRng::seed_from_u64(20261122), hall: &hall, serial: 0 };
    let clerks: Vec<SessionUser> =
        users.iter().filter(|u| u.role == Role::Clerk).map(|u| store.user(&u.username)).collect::<Result<_>>()?;
    let supervisor = users.iter().find(|u| u.role == Role::Supervisor).map(|u| store.user(&u.username)).transpose()?;
    let mut count = 0;
    let start = real_now.date() - Duration::days(days);
    let mut day = start;
    while day <= real_now.date() {
        if store.calendar().is_working_day(day) {
            let n = f.rng.gen_range(per_day / 2..=per_day + per_day / 2);
            let mut times: Vec<NaiveDateTime> = (0..n).map(|_| f.office_time(day)).filter(|t| *t <= real_now).collect();
            times.sort();
            for t in times {
                let item = catalog.items.choose(&mut f.rng).expect("items").clone();
                let clerk = clerks.choose(&mut f.rng).expect("clerks").clone();
                if sample_case(store, &mut f, &item, &clerk, supervisor.as_ref(), t, real_now).is_ok() {
                    count += 1;
                }
            }
        }
        day += Duration::days(1);
    }
    store.set_now(None);
    let info = store.hall_info()?;
    Ok(DemoSummary {
        township_code: info.township_code,
        township_name: info.township_name,
        cases: count,
        users,
        already_loaded: false,
    })
}

/// One sample case: its intake at `t`, then as much of its life as fits before `now`.
fn sample_case(
    store: &mut Store,
    f: &mut Faker,
    item: &CatalogItem,
    clerk: &SessionUser,
    supervisor: Option<&SessionUser>,
    t: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<()> {
    let applicant = if item.category == "食品安全" || (item.item_type == "行政许可" && f.rng.gen_bool(0.2)) {
        f.org()
    } else {
        f.person(t.date())
    };
    let agent = (f.rng.gen_bool(0.12) || applicant.kind == PartyKind::Org).then(|| f.person(t.date()));
    let deferrable: Vec<String> = item.materials.iter().filter(|m| m.deferrable).map(|m| m.name.clone()).collect();
    let roll: f64 = f.rng.gen();
    let (outcome, note) = if roll < 0.05 {
        (IntakeOutcome::NotifyMissing, String::new())
    } else if roll < 0.09 {
        (IntakeOutcome::Refuse, f.hall.rejection_reasons.choose(&mut f.rng).cloned().unwrap_or_default())
    } else if item.kind == CaseKind::Instant {
        (IntakeOutcome::Instant, String::new())
    } else if !deferrable.is_empty() && roll < 0.2 {
        (IntakeOutcome::AcceptPending, String::new())
    } else {
        (IntakeOutcome::Accept, String::new())
    };
    let mut materials: Vec<String> = item.materials.iter().map(|m| m.name.clone()).collect();
    match outcome {
        IntakeOutcome::NotifyMissing => {
            let required: Vec<String> = item.materials.iter().filter(|m| m.required).map(|m| m.name.clone()).collect();
            if let Some(drop) = required.choose(&mut f.rng) {
                materials.retain(|m| m != drop);
            }
        }
        IntakeOutcome::AcceptPending => materials.retain(|m| m != &deferrable[0]),
        _ => {}
    }
    let req = IntakeRequest {
        item_code: item.code.clone(),
        applicant,
        agent,
        materials,
        clerk: clerk.username.clone(),
        outcome,
        note,
        commitment_due: None,
    };
    store.set_now(Some(t));
    let case = store.intake(&req, clerk)?;
    let number = case.summary.number.clone();
    let mut at = t;
    let mut step = |store: &mut Store,
                    f: &mut Faker,
                    days: std::ops::Range<u32>,
                    action: Action,
                    user: &SessionUser,
                    note: &str|
     -> Option<()> {
        let days = f.rng.gen_range(days);
        at = later(store, f, at, days);
        if at > now {
            return None;
        }
        store.set_now(Some(at));
        let mut p = ActParams { note: note.into(), ..ActParams::default() };
        match action {
            Action::SpecialStart => p.kind = Some(std::mem::take(&mut p.note)),
            Action::Deliver => p.delivery = Some(collector(store, &number)),
            _ => {}
        }
        store.act(&number, action, user, &p).ok().map(|_| ())
    };
    match outcome {
        IntakeOutcome::NotifyMissing => {
            if f.rng.gen_bool(0.3) {
                step(store, f, 2..3, Action::Withdraw, clerk, "申请人决定暂不办理");
            }
            return Ok(());
        }
        IntakeOutcome::Refuse => return Ok(()),
        IntakeOutcome::Instant => {
            if f.rng.gen_bool(0.9) && step(store, f, 0..1, Action::Deliver, clerk, "当场出件").is_some() {
                rate_at_pickup(store, f, &number, clerk)?;
            }
            return Ok(());
        }
        _ => {}
    }
    let officer = store.case_officer(&number)?;
    let Some(officer) = officer else {
        return Ok(());
    };
    if step(store, f, 0..2, Action::Claim, &officer, "").is_none() {
        return Ok(());
    }
    let roll: f64 = f.rng.gen();
    if roll < 0.03 {
        step(store, f, 1..2, Action::Withdraw, clerk, "申请人申请撤回");
        return Ok(());
    }
    if roll < 0.05 {
        if let Some(sup) = supervisor {
            step(store, f, 1..2, Action::Revoke, sup, "发现申请材料不实，依法撤销");
        }
        return Ok(());
    }
    if roll < 0.2 {
        let ask = f.hall.supplement_requests.choose(&mut f.rng).cloned().unwrap_or_else(|| "补充材料".into());
        if step(store, f, 1..2, Action::RequestSupplement, &officer, &ask).is_some() {
            step(store, f, 1..5, Action::SupplementReceived, &officer, "");
        }
    } else if roll < 0.25 {
        let kind = ["专家评审", "现场检验", "鉴定", "听证"].choose(&mut f.rng).unwrap().to_string();
        if step(store, f, 1..2, Action::SpecialStart, &officer, &kind).is_some() {
            step(store, f, 2..6, Action::SpecialEnd, &officer, "");
        }
    }
    if store.case_detail(&number)?.summary.state != crate::lifecycle::CaseState::Processing {
        return Ok(());
    }
    if item.kind == CaseKind::Forwarded {
        let sent = step(store, f, 1..2, Action::Forward, &officer, "已报送县级部门");
        if sent.is_none() || step(store, f, 2..12, Action::CountyResult, &officer, "县级部门审批通过").is_none()
        {
            return Ok(());
        }
    }
    let span = (item.promised_days.max(2) as f64 * f.rng.gen_range(0.3..1.15)) as u32;
    let pending = store.case_detail(&number)?.commitment_due.is_some();
    let (action, note) = match f.rng.gen::<f64>() {
        x if x < 0.1 => (Action::Reject, "经审核不符合条件"),
        _ if pending && f.rng.gen_bool(0.25) => (Action::Lapse, "容缺材料逾期未补齐"),
        _ if pending => (Action::ApprovePending, "容缺材料已补齐，准予办理"),
        _ => (Action::Approve, "审核通过"),
    };
    if step(store, f, span..span + 1, action, &officer, note).is_none() || action == Action::Lapse {
        return Ok(());
    }
    if f.rng.gen_bool(if action == Action::Reject { 0.5 } else { 0.85 })
        && step(store, f, 0..4, Action::Deliver, clerk, "申请人本人领取").is_some()
    {
        rate_at_pickup(store, f, &number, clerk)?;
    }
    Ok(())
}

/// Most citizens rate at the pickup window, mostly well; a rare 差评 opens a follow-up.
fn rate_at_pickup(store: &mut Store, f: &mut Faker, number: &str, clerk: &SessionUser) -> Result<()> {
    if !f.rng.gen_bool(0.75) {
        return Ok(());
    }
    let (level, comment) = match f.rng.gen_range(0..100) {
        0..=1 => (1, "等候时间太长，窗口人员态度生硬"),
        2..=4 => (2, "材料要求没有一次说清，多跑了一趟"),
        5..=11 => (3, ""),
        12..=31 => (4, "办事挺快"),
        _ => (5, ["服务热情，一次办好", "很方便，不用跑县里", ""][f.rng.gen_range(0..3)]),
    };
    store.rate(number, level, comment, clerk)?;
    Ok(())
}

/// The applicant collects in person; an organisation's registered agent collects for it.
fn collector(store: &Store, number: &str) -> Delivery {
    let case = store.case_row(number).expect("the case was just written");
    let (method, collector_name, collector_id) = match (case.applicant_kind, case.agent_id, case.agent_name) {
        (PartyKind::Org, Some(id), Some(name)) => (DeliveryMethod::Agent, name, id),
        _ => (DeliveryMethod::InPerson, case.applicant_name, case.applicant_id),
    };
    Delivery { method, collector_name, collector_id, tracking: String::new() }
}

/// Synthetic history for benchmarks: `n` accepted cases spread over the `span` before now,
/// written in batches through the intake code. Returns the number written.
pub fn seed(store: &mut Store, n: usize, span: Duration, progress: &mut dyn FnMut(usize)) -> Result<usize> {
    let hall = sample_hall();
    if store.current_catalog_version()?.is_none() {
        if !store.is_initialised()? {
            store.init(&hall.township_code, &hall.township_name, "seed")?;
        }
        store.import_catalog(&CatalogFile::parse_json(SAMPLE_CATALOG)?, "seed")?;
    }
    add_sample_users(store)?;
    let catalog = CatalogFile::parse_json(SAMPLE_CATALOG)?;
    let clerk = store.user("clerk1")?;
    let real_now = store.now();
    let start = real_now - span;
    let span = span.num_seconds().max(1);
    let mut f = Faker { rng: StdRng::seed_from_u64(n as u64), hall: &hall, serial: 0 };
    let mut times: Vec<NaiveDateTime> = (0..n).map(|_| start + Duration::seconds(f.rng.gen_range(0..span))).collect();
    times.sort();
    let mut done = 0;
    for chunk in times.chunks(5000) {
        let mut plans = Vec::with_capacity(chunk.len());
        for t in chunk {
            let item = catalog.items.choose(&mut f.rng).expect("items");
            let req = IntakeRequest {
                item_code: item.code.clone(),
                applicant: f.person(t.date()),
                agent: None,
                materials: item.materials.iter().map(|m| m.name.clone()).collect(),
                clerk: clerk.username.clone(),
                outcome: if item.kind == CaseKind::Instant { IntakeOutcome::Instant } else { IntakeOutcome::Accept },
                note: String::new(),
                commitment_due: None,
            };
            store.set_now(Some(*t));
            plans.push(store.plan_intake(&req, &clerk)?);
        }
        store.set_now(None);
        done += store.intake_batch(&plans)?.len();
        progress(done);
    }
    Ok(done)
}

/// `n` requests refused at the desk, each a completed case waiting to go up to the county (for
/// sync tests and benchmarks); applicants are named 测试{from}… so calls do not collide.
pub fn seed_refused(store: &mut Store, n: usize, from: usize) -> Result<()> {
    let clerk = store.user("clerk1")?;
    let item = store
        .catalog_items(None, None)?
        .into_iter()
        .next()
        .ok_or_else(|| HallError::not_found("尚未导入事项清单"))?
        .item;
    for i in from..from + n {
        let req = IntakeRequest {
            item_code: item.code.clone(),
            applicant: Party {
                kind: PartyKind::Person,
                id_number: "230102199003078519".into(),
                name: format!("测试{i}"),
                phone: "13800138000".into(),
                address: String::new(),
            },
            agent: None,
            materials: vec![],
            clerk: clerk.username.clone(),
            outcome: IntakeOutcome::Refuse,
            note: "不属于本中心受理范围".into(),
            commitment_due: None,
        };
        store.intake(&req, &clerk)?;
    }
    Ok(())
}
