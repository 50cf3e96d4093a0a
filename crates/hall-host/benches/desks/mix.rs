//! What a busy counter asks for in a minute, with texts drawn from the hall's own data: the
//! names, ID numbers and case numbers a clerk types, the items a citizen names.

use std::path::Path;

use hall_core::api::Request;
use hall_core::catalog::{CaseKind, UnitLevel};
use hall_core::intake::{IntakeRequest, Party, PartyKind};
use hall_core::store::CatalogItemView;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;

/// One counter's minute: 2 intakes, 20 searches, 10 queue or case reads, 1 lifecycle step.
pub const MINUTE: [(Kind, usize); 4] = [(Kind::Intake, 2), (Kind::Search, 20), (Kind::Read, 10), (Kind::Step, 1)];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Intake,
    Search,
    Read,
    Step,
}

/// Texts sampled from the database file (read-only, beside the running host), spread over
/// its whole history.
pub struct Samples {
    pub numbers: Vec<String>,
    pub id_numbers: Vec<String>,
    pub names: Vec<String>,
    pub item_names: Vec<String>,
    pub cases: i64,
}

impl Samples {
    pub fn read(db: &Path) -> Samples {
        let raw = hall_core::store::open_keyed(db, db, true).expect("the database opens read-only");
        let pick = |sql: &str| -> Vec<String> {
            let mut st = raw.prepare(sql).expect("sample query");
            st.query_map([], |r| r.get(0)).expect("sample rows").map(|r| r.expect("sample row")).collect()
        };
        let cases: i64 = raw.query_row("SELECT count(*) FROM cases", [], |r| r.get(0)).expect("count");
        let every = (cases / 3000).max(1);
        let s = Samples {
            numbers: pick(&format!("SELECT number FROM cases WHERE id % {every} = 0")),
            id_numbers: pick(&format!(
                "SELECT id_number FROM applicants WHERE kind = 'person' AND id % {every} = 0 LIMIT 3000"
            )),
            names: pick(&format!(
                "SELECT c.applicant_name FROM cases c JOIN applicants a ON a.id = c.applicant_id
                 WHERE c.id % {every} = 1 AND a.kind = 'person'"
            )),
            item_names: pick("SELECT DISTINCT name FROM catalog_items"),
            cases,
        };
        assert!(
            !s.numbers.is_empty() && !s.id_numbers.is_empty() && !s.names.is_empty(),
            "the database holds no cases: run hallctl demo and hallctl seed first"
        );
        s
    }

    /// A search as a clerk types it (the shares are in docs/benchmarks.md).
    pub fn search(&self, rng: &mut StdRng) -> (&'static str, String) {
        let pick = |v: &Vec<String>, rng: &mut StdRng| v.choose(rng).expect("samples").clone();
        let roll: f64 = rng.gen();
        let chars = |s: String, from: usize, n: usize| s.chars().skip(from).take(n).collect::<String>();
        match roll {
            r if r < 0.25 => ("name", pick(&self.names, rng)),
            r if r < 0.35 => ("name, 2 chars", chars(pick(&self.names, rng), 0, 2)),
            r if r < 0.55 => ("ID number", pick(&self.id_numbers, rng)),
            r if r < 0.65 => {
                let n = rng.gen_range(10..=14);
                ("ID number, first 10-14", chars(pick(&self.id_numbers, rng), 0, n))
            }
            r if r < 0.80 => {
                let name = pick(&self.item_names, rng);
                let len = name.chars().count();
                let n = rng.gen_range(2..=4).min(len);
                let from = rng.gen_range(0..=len - n);
                ("item name, 2-4 chars", chars(name, from, n))
            }
            r if r < 0.95 => ("case number", pick(&self.numbers, rng)),
            _ => ("case number, first 18", chars(pick(&self.numbers, rng), 0, 18)),
        }
    }
}

/// A valid resident ID number (GB 11643 check digit) for a made-up person.
fn id_number(rng: &mut StdRng) -> String {
    let body = format!(
        "231221{}{:02}{:02}{:03}",
        rng.gen_range(1940..2005),
        rng.gen_range(1..=12),
        rng.gen_range(1..=28),
        rng.gen_range(0..1000)
    );
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.bytes().zip(W).map(|(b, w)| u32::from(b - b'0') * w).sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

/// A new request of an item that goes to a township office's queue (承诺件 or 上报件), with
/// every material, for a made-up person named like the hall's people.
pub fn intake(items: &[CatalogItemView], names: &[String], rng: &mut StdRng) -> Request {
    let queued: Vec<&CatalogItemView> = items.iter().filter(|i| i.item.kind != CaseKind::Instant).collect();
    let item = queued.choose(rng).expect("the catalog has items that are queued");
    let request = IntakeRequest {
        item_code: item.item.code.clone(),
        applicant: Party {
            kind: PartyKind::Person,
            id_number: id_number(rng),
            name: names.choose(rng).expect("names").clone(),
            phone: format!("13{:09}", rng.gen_range(0..1_000_000_000u64)),
            address: format!("惠头村{}组{}号", rng.gen_range(1..9), rng.gen_range(1..120)),
        },
        agent: None,
        materials: item.item.materials.iter().map(|m| m.name.clone()).collect(),
        clerk: String::new(),
        outcome: hall_core::intake::IntakeOutcome::Accept,
        note: String::new(),
        commitment_due: None,
    };
    Request::Intake { request: Box::new(request) }
}

/// The township offices that have queues (the readers' Queue requests pick among them).
pub fn township_units(units: &[hall_core::catalog::Unit]) -> Vec<String> {
    units.iter().filter(|u| u.level == UnitLevel::Township).map(|u| u.code.clone()).collect()
}
