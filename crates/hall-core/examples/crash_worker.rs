//! The process `tests/crash.rs` kills with SIGKILL: it takes in cases and moves earlier ones
//! along their lifecycle, for ever, through the store's public API — the same calls the app
//! and hallctl make. After each call returns (its transaction committed) it prints one line
//! and flushes, so the test knows exactly what the hall told the clerk was saved:
//!
//! ```text
//! ready
//! committed intake NUMBER UUID OUTCOME STATE
//! committed act NUMBER ACTION STATE
//! committed rate NUMBER LEVEL
//! committed supply NUMBER STATE
//! ```
//!
//! Usage: `crash_worker DB [--init] [--seed N]`. A database without the sample hall gets it
//! first (`load_demo`); `--init` does only that and exits, so a test can keep its kills out
//! of the (non-atomic) demo loading. Any error ends the worker with exit code 1 and the
//! Chinese message on stderr: every step it picks is valid, so an error is a finding.

use std::io::Write;

use chrono::{Duration, NaiveDate};
use hall_core::catalog::{CaseKind, CatalogItem, UnitLevel};
use hall_core::demo::{load_demo, sample_hall, SampleHall};
use hall_core::intake::{IntakeOutcome, IntakeRequest, Party, PartyKind};
use hall_core::lifecycle::{Action, CaseState};
use hall_core::store::{ActParams, CaseDetail, Delivery, DeliveryMethod, SessionUser};
use hall_core::{Result, Store};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

fn main() {
    let mut db = None;
    let mut init_only = false;
    let mut seed = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--init" => init_only = true,
            "--seed" => seed = args.next().and_then(|s| s.parse::<u64>().ok()),
            _ if db.is_none() => db = Some(a),
            _ => usage(),
        }
    }
    let Some(db) = db else { usage() };
    // A different sequence every run unless told: each restart after a kill does other work.
    let seed = seed.unwrap_or_else(|| {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        t.as_nanos() as u64 ^ u64::from(std::process::id()) << 32
    });
    if let Err(e) = run(&db, init_only, seed) {
        eprintln!("错误：{}（seed {seed}）", e.message);
        std::process::exit(1);
    }
}

fn usage() -> ! {
    eprintln!("用法：crash_worker 数据库文件 [--init] [--seed N]");
    std::process::exit(2);
}

fn run(db: &str, init_only: bool, seed: u64) -> Result<()> {
    let mut store = Store::open(db)?;
    if store.setting("sample_data")?.is_none() {
        let s = load_demo(&mut store, 14, 6)?;
        if init_only {
            println!("initialised {} cases", s.cases);
        }
    }
    if init_only {
        return Ok(());
    }
    let mut w = Worker::new(store, seed)?;
    w.say("ready")?;
    loop {
        w.step()?;
    }
}

struct Worker {
    store: Store,
    rng: StdRng,
    hall: SampleHall,
    items: Vec<CatalogItem>,
    township_units: Vec<String>,
    clerk: SessionUser,
    director: SessionUser,
    out: std::io::StdoutLock<'static>,
}

fn outcome_key(o: IntakeOutcome) -> &'static str {
    match o {
        IntakeOutcome::Log => "log",
        IntakeOutcome::Accept => "accept",
        IntakeOutcome::AcceptPending => "accept_pending",
        IntakeOutcome::NotifyMissing => "notify_missing",
        IntakeOutcome::Refuse => "refuse",
        IntakeOutcome::Instant => "instant",
    }
}

impl Worker {
    fn new(store: Store, seed: u64) -> Result<Worker> {
        let items = store.catalog_items(None, None)?.into_iter().map(|v| v.item).collect();
        let township_units =
            store.units()?.into_iter().filter(|u| u.level == UnitLevel::Township).map(|u| u.code).collect();
        Ok(Worker {
            clerk: store.user("clerk1")?,
            director: store.user("director")?,
            store,
            rng: StdRng::seed_from_u64(seed),
            hall: sample_hall(),
            items,
            township_units,
            out: std::io::stdout().lock(),
        })
    }

    /// One line, flushed at once: what the test may hold the store to.
    fn say(&mut self, line: &str) -> Result<()> {
        // A closed pipe means the test is gone; nothing left to report to.
        if writeln!(self.out, "{line}").and_then(|_| self.out.flush()).is_err() {
            std::process::exit(0);
        }
        Ok(())
    }

    /// A new request at the desk a third of the time; otherwise the next step on an earlier
    /// case, picked by state so every part of the lifecycle keeps being written.
    fn step(&mut self) -> Result<()> {
        if self.rng.gen_bool(0.33) {
            return self.intake();
        }
        use CaseState as S;
        let states = [
            S::Logged,
            S::Accepted,
            S::Processing,
            S::Processing,
            S::Supplement,
            S::Special,
            S::Approved,
            S::ApprovedPending,
            S::Rejected,
            S::Delivered,
        ];
        let state = *states.choose(&mut self.rng).expect("states");
        let cases = self.store.list_cases(Some(state), None, 40)?;
        match cases.choose(&mut self.rng) {
            Some(c) => {
                let number = c.number.clone();
                self.advance(&number)
            }
            None => self.intake(),
        }
    }

    fn intake(&mut self) -> Result<()> {
        let outcome = *[
            IntakeOutcome::Accept,
            IntakeOutcome::Accept,
            IntakeOutcome::Accept,
            IntakeOutcome::AcceptPending,
            IntakeOutcome::Instant,
            IntakeOutcome::Instant,
            IntakeOutcome::Refuse,
            IntakeOutcome::NotifyMissing,
            IntakeOutcome::Log,
        ]
        .choose(&mut self.rng)
        .expect("outcomes");
        // Items the outcome fits: 即办 needs a 即办件, 容缺 a 容缺-allowed material.
        let fits: Vec<&CatalogItem> = self
            .items
            .iter()
            .filter(|i| match outcome {
                IntakeOutcome::Instant => i.kind == CaseKind::Instant,
                IntakeOutcome::AcceptPending => i.materials.iter().any(|m| m.deferrable),
                IntakeOutcome::NotifyMissing => i.materials.iter().any(|m| m.required),
                _ => true,
            })
            .collect();
        let item = (*fits.choose(&mut self.rng).expect("the sample catalog has every kind")).clone();
        let mut materials: Vec<String> = item.materials.iter().map(|m| m.name.clone()).collect();
        match outcome {
            IntakeOutcome::AcceptPending => {
                let skip = item.materials.iter().find(|m| m.deferrable).expect("filtered").name.clone();
                materials.retain(|m| *m != skip);
            }
            IntakeOutcome::NotifyMissing => {
                let skip = item.materials.iter().find(|m| m.required).expect("filtered").name.clone();
                materials.retain(|m| *m != skip);
            }
            _ => {}
        }
        let today = self.store.today();
        let applicant = self.person(today);
        let agent = self.rng.gen_bool(0.15).then(|| self.person(today)).filter(|a| a.id_number != applicant.id_number);
        let note = if outcome == IntakeOutcome::Refuse {
            self.hall.rejection_reasons.choose(&mut self.rng).cloned().unwrap_or_else(|| "不属于本中心受理范围".into())
        } else {
            String::new()
        };
        let req = IntakeRequest {
            item_code: item.code.clone(),
            applicant,
            agent,
            materials,
            clerk: self.clerk.username.clone(),
            outcome,
            note,
            commitment_due: None,
        };
        let clerk = self.clerk.clone();
        let c = self.store.intake(&req, &clerk)?;
        let line = format!(
            "committed intake {} {} {} {}",
            c.summary.number,
            c.uuid,
            outcome_key(outcome),
            c.summary.state.key()
        );
        self.say(&line)
    }

    /// The next step for a case in its state, by a user the lifecycle table allows.
    fn advance(&mut self, number: &str) -> Result<()> {
        use Action as A;
        use CaseState as S;
        let c = self.store.case_detail(number)?;
        let officer = self.store.case_officer(number)?;
        let roll: f64 = self.rng.gen();
        let complete = c.materials.iter().all(|m| m.submitted || !m.required);
        let is_forwarded = c.item_kind == CaseKind::Forwarded.label();
        let forwarded_open = c.events.iter().rev().find(|e| e.action == "forward" || e.action == "county_result");
        let forwarded_open = forwarded_open.is_some_and(|e| e.action == "forward");
        // 容缺 materials brought in later: an update of the case's materials and an event.
        let owed: Vec<String> =
            c.materials.iter().filter(|m| m.deferrable && !m.submitted).map(|m| m.name.clone()).collect();
        if !owed.is_empty() && matches!(c.summary.state, S::Accepted | S::Processing) && self.rng.gen_bool(0.25) {
            let clerk = self.clerk.clone();
            let after = self.store.supply_materials(number, &owed, &clerk)?;
            return self.say(&format!("committed supply {number} {}", after.summary.state.key()));
        }
        // 容缺逾期终止 only past the commitment date with a 容缺 material still out (the table's guard).
        let today = self.store.today().to_string();
        let lapsable = !owed.is_empty() && c.commitment_due.as_deref().is_some_and(|d| d < today.as_str());
        let action = match c.summary.state {
            S::Logged if complete && roll < 0.5 => A::Accept,
            S::Logged if roll < 0.75 => A::Refuse,
            S::Logged => A::Withdraw,
            S::Accepted if officer.is_some() && roll < 0.7 => A::Claim,
            S::Accepted if roll < 0.8 => A::Transfer,
            S::Accepted if roll < 0.9 => A::Revoke,
            S::Accepted => A::Withdraw,
            S::Processing if forwarded_open => A::CountyResult,
            S::Processing if is_forwarded && roll < 0.25 => A::Forward,
            // 容缺通过 only while a 容缺 material is still out (the table's guard).
            S::Processing if !owed.is_empty() && roll < 0.45 => A::ApprovePending,
            S::Processing if roll < 0.55 => A::Approve,
            S::Processing if roll < 0.65 => A::Reject,
            S::Processing if roll < 0.77 => A::RequestSupplement,
            S::Processing if roll < 0.87 => A::SpecialStart,
            S::Processing if roll < 0.93 => A::Transfer,
            S::Processing if roll < 0.97 => A::Withdraw,
            S::Processing if lapsable => A::Lapse,
            S::Processing => A::Approve,
            S::Supplement if roll < 0.85 => A::SupplementReceived,
            S::Supplement => A::Withdraw,
            S::Special if roll < 0.85 => A::SpecialEnd,
            S::Special => A::Withdraw,
            S::Approved if roll < 0.9 => A::Deliver,
            S::Approved => A::Revoke,
            S::ApprovedPending if roll < 0.9 => A::Deliver,
            S::ApprovedPending if lapsable => A::Lapse,
            S::ApprovedPending => A::Deliver,
            S::Rejected => A::Deliver,
            S::Delivered if c.rating.is_none() => return self.rate(number),
            S::Delivered if roll < 0.2 => A::Revoke,
            // Closed for good (or rated already): a new request instead.
            _ => return self.intake(),
        };
        let officer_needed = matches!(
            action,
            A::Claim
                | A::CountyResult
                | A::Forward
                | A::ApprovePending
                | A::Approve
                | A::Reject
                | A::RequestSupplement
                | A::SpecialStart
                | A::SpecialEnd
                | A::Lapse
        );
        let user = match action {
            A::Revoke => self.director.clone(),
            // The supervisor transfers (any unit's case); an officer could too.
            A::Transfer => self.director.clone(),
            // 一次性告知: a repeat 补正 is the director's decision.
            A::RequestSupplement if c.events.iter().any(|e| e.action == "request_supplement") => self.director.clone(),
            // Every township unit of the sample hall has an officer; should one have none, the
            // worker takes in a new request rather than invent a step the table refuses.
            _ if officer_needed => match officer {
                Some(o) => o,
                None => return self.intake(),
            },
            _ => self.clerk.clone(),
        };
        self.act(&c, action, user)
    }

    fn act(&mut self, c: &CaseDetail, action: Action, user: SessionUser) -> Result<()> {
        use Action as A;
        let mut p = ActParams::default();
        match action {
            A::Refuse => p.note = "申请事项不属于本中心受理范围".into(),
            A::Withdraw => p.note = "申请人申请撤回".into(),
            A::Revoke => p.note = "发现申请材料不实，依法撤销".into(),
            A::Reject => p.note = "经审核不符合条件".into(),
            A::Lapse => p.note = "容缺材料逾期未补齐".into(),
            A::CountyResult => p.note = "县级部门审批通过".into(),
            A::RequestSupplement => {
                p.note =
                    self.hall.supplement_requests.choose(&mut self.rng).cloned().unwrap_or_else(|| "补充材料".into())
            }
            A::SpecialStart => {
                p.kind = Some(["听证", "检验", "鉴定", "专家评审"].choose(&mut self.rng).unwrap().to_string())
            }
            A::Transfer => {
                let others: Vec<&String> = self.township_units.iter().filter(|u| **u != c.summary.unit).collect();
                p.unit = others.choose(&mut self.rng).map(|u| u.to_string());
                p.note = "职责调整，转交承办".into();
            }
            // Mail needs no identity check, which a worker that forgets its applicants across
            // restarts could not pass; the delivery row and event are written all the same.
            A::Deliver => {
                p.delivery = Some(Delivery {
                    method: DeliveryMethod::Mail,
                    collector_name: String::new(),
                    collector_id: String::new(),
                    tracking: format!("SF{:010}", self.rng.gen_range(0..10_000_000_000u64)),
                })
            }
            _ => {}
        }
        let after = self.store.act(&c.summary.number, action, &user, &p)?;
        let line = format!("committed act {} {} {}", after.summary.number, action.key(), after.summary.state.key());
        self.say(&line)
    }

    fn rate(&mut self, number: &str) -> Result<()> {
        let level = self.rng.gen_range(1..=5u8);
        let clerk = self.clerk.clone();
        self.store.rate(number, level, if level <= 2 { "等候时间较长" } else { "" }, &clerk)?;
        self.say(&format!("committed rate {number} {level}"))
    }

    /// A fictional resident: a valid 居民身份证号 (GB 11643 check digit), a mobile number and a
    /// village address from the sample hall.
    fn person(&mut self, today: NaiveDate) -> Party {
        let birth = today - Duration::days(self.rng.gen_range(18 * 365..80 * 365));
        let body = format!("231221{}{:03}", birth.format("%Y%m%d"), self.rng.gen_range(0..1000));
        const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = body.bytes().zip(W).map(|(b, w)| u32::from(b - b'0') * w).sum();
        let id_number = format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char);
        let surname = self.hall.surnames.choose(&mut self.rng).expect("surnames");
        let given = self.hall.given_names.choose(&mut self.rng).expect("given names");
        let village = self.hall.villages.choose(&mut self.rng).expect("villages");
        Party {
            kind: PartyKind::Person,
            id_number,
            name: format!("{surname}{given}"),
            phone: format!("13{:09}", self.rng.gen_range(0..1_000_000_000u64)),
            address: format!("{village}{}组{}号", self.rng.gen_range(1..9), self.rng.gen_range(1..120)),
        }
    }
}
