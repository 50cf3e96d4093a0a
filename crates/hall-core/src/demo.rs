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
pub const SAMPLE_DUTIES: &str = include_str!("../../../assets/demo/duties.json");

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
/// `must_change`: their passwords are public (README), so a hall's demo database asks for new
/// ones at first login; tests that log in with them pass `false`.
pub fn add_sample_users(store: &mut Store, must_change: bool) -> Result<Vec<SampleUser>> {
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
                password: u.password.clone().into(),
                must_change_password: must_change,
            };
            store.add_user(&new, "demo")?;
        }
    }
    Ok(users)
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
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
            users: add_sample_users(store, true)?,
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
    let users = add_sample_users(store, true)?;
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
    if let Some(sup) = &supervisor {
        sample_duties_and_voices(store, &mut f, &clerks, sup, start, real_now)?;
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

/// The lists, and a month of consultations, demands, 准入 records and 县乡联动 issues, each
/// taken as far along its life as fits before `now`.
fn sample_duties_and_voices(
    store: &mut Store,
    f: &mut Faker,
    clerks: &[SessionUser],
    sup: &SessionUser,
    start: NaiveDate,
    now: NaiveDateTime,
) -> Result<()> {
    use crate::admission::TaskTerms;
    use crate::consult::ConsultInput;
    use crate::coordination::{IssueAnswer, IssueInput, IssueUrgency, KINDS, RESULTS, SATISFACTION};
    use crate::demands::{DemandInput, DemandKind, CATEGORIES};
    use crate::duties::DutyFile;
    use crate::store::AdmissionInput;

    store.set_now(Some(start.and_hms_opt(8, 30, 0).expect("valid time")));
    store.import_duties(&DutyFile::parse_json(SAMPLE_DUTIES)?, "demo")?;
    const TOPICS: &[(&str, &str)] = &[
        ("医保报销比例和起付线", "已告知本年度城乡居民医保住院报销比例和起付标准，并提供政策明白纸"),
        ("耕地地力保护补贴发放时间", "已告知补贴按季度由县财政统一发放，可持一卡通到银行查询"),
        ("户口迁入需要什么材料", "已一次性告知所需材料：居民户口簿、居民身份证、迁入地住房证明"),
        ("养老保险缴费档次", "已说明各缴费档次及政府补贴标准"),
        ("宅基地翻建手续", "已告知先向村委会提出申请，再到中心窗口办理乡村建设规划许可"),
        ("残疾证办理流程", "已告知先到县残联指定医院评定，再到窗口提交申请"),
    ];
    let items = store.catalog_items(None, None)?;
    let mut day = start;
    while day <= now.date() {
        if store.calendar().is_working_day(day) {
            for _ in 0..f.rng.gen_range(1..=4) {
                let t = f.office_time(day);
                if t > now {
                    continue;
                }
                store.set_now(Some(t));
                let clerk = clerks.choose(&mut f.rng).expect("clerks");
                let callback = f.rng.gen_bool(0.3);
                let person = f.person(day);
                let input = if f.rng.gen_bool(0.5) {
                    let it = items.choose(&mut f.rng).expect("items");
                    ConsultInput {
                        item_code: Some(it.item.code.clone()),
                        answer: format!("已告知“{}”的办理条件、材料和时限", it.item.name),
                        ..Default::default()
                    }
                } else {
                    let (topic, answer) = TOPICS.choose(&mut f.rng).expect("topics");
                    ConsultInput { topic: topic.to_string(), answer: answer.to_string(), ..Default::default() }
                };
                let input = ConsultInput {
                    citizen_name: person.name.clone(),
                    phone: if callback { person.phone.clone() } else { String::new() },
                    callback,
                    ..input
                };
                let c = store.log_consultation(&input, &clerk.username)?;
                let n = f.rng.gen_range(0..=2);
                let back = later(store, f, t, n);
                if callback && back <= now && f.rng.gen_bool(0.8) {
                    store.set_now(Some(back));
                    store.close_callback(&c.number, "已电话回复咨询人，问题已解答", &clerk.username)?;
                }
            }
            if f.rng.gen_bool(0.6) {
                let t = f.office_time(day);
                if t <= now {
                    store.set_now(Some(t));
                    let person = f.person(day);
                    const CONTENT: &[&str] = &[
                        "村路冬季积雪清理不及时，希望增加清雪设备",
                        "希望在村卫生室增加慢性病取药服务",
                        "建议村里路灯晚上多开一个小时",
                        "希望组织一次农机操作和维修培训",
                        "村屯垃圾收运次数偏少，夏季气味大",
                        "建议在中心增设老年人代办服务",
                    ];
                    let input = DemandInput {
                        kind: if f.rng.gen_bool(0.3) { DemandKind::Suggestion } else { DemandKind::Demand },
                        category: CATEGORIES.choose(&mut f.rng).expect("categories").to_string(),
                        village: f.hall.villages.choose(&mut f.rng).expect("villages").clone(),
                        content: CONTENT.choose(&mut f.rng).expect("content").to_string(),
                        citizen_name: person.name,
                        phone: person.phone,
                    };
                    let clerk = clerks.choose(&mut f.rng).expect("clerks");
                    let d = store.log_demand(&input, &clerk.username)?;
                    let reviewed = later(store, f, t, 1);
                    if reviewed <= now && f.rng.gen_bool(0.8) {
                        store.set_now(Some(reviewed));
                        let adopt = f.rng.gen_bool(0.75);
                        let note = if adopt {
                            "已转相关办公室研究落实"
                        } else {
                            "暂不具备实施条件，纳入明年计划统筹考虑"
                        };
                        store.review_demand(&d.number, adopt, note, &sup.username)?;
                        let n = f.rng.gen_range(1..=3);
                        let answered = later(store, f, reviewed, n);
                        if answered <= now && f.rng.gen_bool(0.8) {
                            store.set_now(Some(answered));
                            store.answer_demand(&d.number, &format!("已电话答复反映人：{note}"), &sup.username)?;
                        }
                    }
                }
            }
            if f.rng.gen_bool(0.35) {
                let t = f.office_time(day);
                if t <= now {
                    store.set_now(Some(t));
                    const TASKS: &[(&str, &str, Option<&str>, TaskTerms)] = &[
                        (
                            "C-MZJ",
                            "开展农村低保年度核查",
                            Some("ZZ-101"),
                            TaskTerms { deployed: false, veto: false, central: false, transfer: false },
                        ),
                        (
                            "C-HBJ",
                            "辖区企业排污许可证核查",
                            None,
                            TaskTerms { deployed: false, veto: false, central: false, transfer: false },
                        ),
                        (
                            "C-JTJ",
                            "道路运输车辆检查执法",
                            Some("ZZ-201"),
                            TaskTerms { deployed: false, veto: false, central: false, transfer: false },
                        ),
                        (
                            "C-YJJ",
                            "签订应急管理目标责任状",
                            Some("ZZ-117"),
                            TaskTerms { deployed: false, veto: false, central: false, transfer: true },
                        ),
                        (
                            "C-SWJ",
                            "冬季河道巡查",
                            Some("ZZ-115"),
                            TaskTerms { deployed: false, veto: false, central: false, transfer: false },
                        ),
                        (
                            "C-TJJ",
                            "第五次全国经济普查入户登记",
                            None,
                            TaskTerms { deployed: true, veto: false, central: false, transfer: false },
                        ),
                        (
                            "C-JYJ",
                            "控辍保学工作实行一票否决",
                            Some("ZZ-206"),
                            TaskTerms { deployed: false, veto: true, central: false, transfer: false },
                        ),
                    ];
                    let (dept, title, entry, terms) = TASKS.choose(&mut f.rng).expect("tasks");
                    let input = AdmissionInput {
                        department: dept.to_string(),
                        title: title.to_string(),
                        content: String::new(),
                        doc_ref: format!("望{}发〔2026〕{}号", &dept[2..], f.rng.gen_range(1..60)),
                        received_on: Some(day),
                        entry_code: entry.map(str::to_string),
                        terms: *terms,
                        due_on: Some(store.calendar().add_working_days(day, 10).date),
                    };
                    let task = store.record_admission(&input, &sup.username)?;
                    let n = f.rng.gen_range(3..=8);
                    let done = later(store, f, t, n);
                    if task.state == crate::store::TaskState::Tracking && done <= now {
                        store.set_now(Some(done));
                        store.finish_admission(&task.number, "已按要求完成并报送", &sup.username)?;
                    }
                }
            }
            if f.rng.gen_bool(0.3) {
                let t = f.office_time(day);
                if t <= now {
                    store.set_now(Some(t));
                    const ISSUES: &[(&str, &str, &str)] = &[
                        ("C-ZFJ", "惠头村主路两侧私搭乱建，乡镇劝阻无效", "惠头村主路"),
                        ("C-SWJ", "水二村排水沟淤堵，雨季易内涝", "水二村三组"),
                        ("C-JTJ", "信头村桥梁护栏损毁，存在安全隐患", "信头村村东桥"),
                        ("C-HBJ", "敏头村附近养殖场粪污直排", "敏头村北侧"),
                        ("C-YJJ", "厢兰头村废弃砖窑存在坍塌风险", "厢兰头村西"),
                    ];
                    let (dept, title, place) = ISSUES.choose(&mut f.rng).expect("issues");
                    let urgency = *IssueUrgency::ALL.choose(&mut f.rng).expect("urgency");
                    let input = IssueInput {
                        kind: KINDS[f.rng.gen_range(0..3)].to_string(),
                        title: title.to_string(),
                        location: place.to_string(),
                        urgency,
                        department: dept.to_string(),
                    };
                    let issue = store.raise_issue(&input, &sup.username)?;
                    let n = f.rng.gen_range(1..=urgency.answer_days() + 2);
                    let answered = later(store, f, t, n);
                    if answered <= now && f.rng.gen_bool(0.75) {
                        store.set_now(Some(answered));
                        let a = IssueAnswer {
                            answer: "已派员到现场核查并处理".to_string(),
                            answered_on: Some(answered.date()),
                            result: RESULTS[f.rng.gen_range(0..RESULTS.len())].to_string(),
                            satisfaction: SATISFACTION[f.rng.gen_range(0..SATISFACTION.len())].to_string(),
                        };
                        store.answer_issue(&issue.number, &a, &sup.username)?;
                    }
                }
            }
        }
        day += Duration::days(1);
    }
    Ok(())
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
    add_sample_users(store, true)?;
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
