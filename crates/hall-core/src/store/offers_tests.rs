//! The property of the case page: over random cases, roles and units, an action is offered
//! and enabled exactly when `act` (with valid parameters for its form) accepts it, and refused
//! otherwise — with the very reason the greyed button shows.

use chrono::NaiveDateTime;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use super::testing;
use super::{ActParams, Delivery, DeliveryMethod, SessionUser, Store};
use crate::intake::{IntakeOutcome, IntakeRequest, Party, PartyKind};
use crate::lifecycle::{Action, ACTIONS};

const APPLICANT_ID: &str = "230102199003078519";
const APPLICANT_NAME: &str = "王小二";

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

/// Valid parameters for every form: a reason, another unit, a kind, the applicant collecting.
fn params(s: &Store, case_unit: &str, rng: &mut StdRng) -> ActParams {
    let other: String = s
        .conn
        .query_row("SELECT code FROM units WHERE code <> ?1 ORDER BY code LIMIT 1", [case_unit], |r| r.get("code"))
        .unwrap();
    ActParams {
        note: "测试理由".into(),
        unit: Some(other),
        due: None,
        kind: Some(["听证", "检验", "鉴定", "专家评审"].choose(rng).unwrap().to_string()),
        date: None,
        delivery: Some(Delivery {
            method: DeliveryMethod::InPerson,
            collector_name: APPLICANT_NAME.into(),
            collector_id: APPLICANT_ID.into(),
            tracking: String::new(),
        }),
    }
}

/// A random request: any item, each material handed in with a chance, a random outcome (one
/// the desk refuses falls back to only logging it). 容缺 commitments end today or at the due
/// date, so some have passed when the trials look a week later.
fn random_case(s: &mut Store, rng: &mut StdRng) -> String {
    let clerk = s.user("clerk1").unwrap();
    let items: Vec<_> = s.catalog_items(None, None).unwrap().into_iter().map(|v| v.item).collect();
    let item = items.choose(rng).unwrap();
    let materials: Vec<String> = item.materials.iter().filter(|_| rng.gen_bool(0.7)).map(|m| m.name.clone()).collect();
    use IntakeOutcome as O;
    let outcome = *[O::Log, O::Accept, O::AcceptPending, O::NotifyMissing, O::Instant, O::Log].choose(rng).unwrap();
    let mut req = IntakeRequest {
        item_code: item.code.clone(),
        applicant: Party {
            kind: PartyKind::Person,
            id_number: APPLICANT_ID.into(),
            name: APPLICANT_NAME.into(),
            phone: "13800138000".into(),
            address: "惠头村1组2号".into(),
        },
        agent: None,
        materials,
        clerk: "clerk1".into(),
        outcome,
        note: String::new(),
        commitment_due: rng.gen_bool(0.5).then(|| s.today()),
    };
    match s.intake(&req, &clerk) {
        Ok(c) => c.summary.number,
        Err(_) => {
            req.outcome = O::Log;
            s.intake(&req, &clerk).unwrap().summary.number
        }
    }
}

/// The users who look at a case: the desk, the director, the administrator, an officer of the
/// case's unit and one of another unit.
fn viewers(s: &Store, number: &str) -> Vec<SessionUser> {
    let mut users: Vec<SessionUser> = ["clerk1", "director", "admin"].iter().map(|u| s.user(u).unwrap()).collect();
    let unit = s.case_detail(number).unwrap().summary.unit;
    users.extend(s.case_officer(number).unwrap());
    let other: Option<String> = s
        .conn
        .query_row(
            "SELECT username FROM users WHERE role = 'officer' AND unit <> ?1 ORDER BY id LIMIT 1",
            [&unit],
            |r| r.get("username"),
        )
        .ok();
    users.extend(other.map(|u| s.user(&u).unwrap()));
    users
}

/// Walks the case a few random steps along what is offered to anyone (each must be accepted).
/// Steps that close the case are taken less often, so the walks reach the later states.
fn walk(s: &mut Store, number: &str, steps: usize, rng: &mut StdRng) {
    for _ in 0..steps {
        let users = viewers(s, number);
        let mut offered: Vec<(&SessionUser, Action)> = users
            .iter()
            .flat_map(|u| {
                let actions = s.case_view(number, u).unwrap().actions;
                actions.into_iter().filter(|o| o.enabled).map(move |o| (u, o.action))
            })
            .collect();
        let state = s.case_detail(number).unwrap().summary.state;
        let keeps_open = |a: &Action| !crate::lifecycle::find(*a, state).unwrap().to.info().closed;
        if rng.gen_bool(0.85) && offered.iter().any(|(_, a)| keeps_open(a)) {
            offered.retain(|(_, a)| keeps_open(a));
        }
        let Some(&(user, action)) = offered.choose(rng) else { return };
        let unit = s.case_detail(number).unwrap().summary.unit;
        let p = params(s, &unit, rng);
        s.act(number, action, user, &p)
            .unwrap_or_else(|e| panic!("walk: offered {action:?} to {:?} refused: {}", user.role, e.message));
        if rng.gen_bool(0.2) {
            // Sometimes the applicant brings a missing material.
            let detail = s.case_detail(number).unwrap();
            if let Some(m) = detail.suppliable.first() {
                let clerk = s.user("clerk1").unwrap();
                s.supply_materials(number, std::slice::from_ref(m), &clerk).unwrap();
            }
        }
    }
}

#[test]
fn an_action_is_offered_exactly_when_act_accepts_it() {
    let (dir, mut s) = testing::store();
    let mut rng = StdRng::seed_from_u64(12);
    s.set_now(Some(at("2026-09-01 09:00")));
    let numbers: Vec<String> = (0..40)
        .map(|_| {
            let n = random_case(&mut s, &mut rng);
            let steps = rng.gen_range(0..8);
            walk(&mut s, &n, steps, &mut rng);
            n
        })
        .collect();
    // A week later: some 容缺 commitments have passed.
    let later = at("2026-09-08 10:00");
    s.set_now(Some(later));
    let base = dir.path().join("base.db");
    s.backup_to(&base).unwrap();
    let (mut accepted, mut disabled, mut hidden) = (0, 0, 0);
    let mut seen_states = std::collections::HashSet::new();
    for (i, number) in numbers.iter().enumerate() {
        seen_states.insert(s.case_detail(number).unwrap().summary.state);
        for user in viewers(&s, number) {
            let view = s.case_view(number, &user).unwrap();
            for a in ACTIONS {
                let p = params(&s, &view.summary.unit, &mut rng);
                match view.actions.iter().find(|o| o.action == a.action) {
                    Some(o) if o.enabled => {
                        // Accepted on a copy, so the next trial sees the case as it was.
                        let copy = dir.path().join(format!("trial-{i}.db"));
                        std::fs::copy(&base, &copy).unwrap();
                        let mut t = Store::open(&copy).unwrap();
                        t.set_now(Some(later));
                        t.act(number, a.action, &user, &p).unwrap_or_else(|e| {
                            panic!("{number}: {:?} offered to {:?} but refused: {}", a.action, user.role, e.message)
                        });
                        drop(t);
                        std::fs::remove_file(&copy).unwrap();
                        accepted += 1;
                    }
                    Some(o) => {
                        let e = s.act(number, a.action, &user, &p).unwrap_err();
                        assert_eq!(e.message, o.reason, "{number}: {:?} for {:?}", a.action, user.role);
                        disabled += 1;
                    }
                    None => {
                        assert!(
                            s.act(number, a.action, &user, &p).is_err(),
                            "{number}: {:?} not offered to {:?} but accepted",
                            a.action,
                            user.role
                        );
                        hidden += 1;
                    }
                }
            }
        }
    }
    eprintln!("states {seen_states:?}: {accepted} accepted, {disabled} disabled, {hidden} hidden");
    // The random cases reached many states, and every kind of answer was tried.
    assert!(seen_states.len() >= 10, "states reached: {seen_states:?}");
    assert!(accepted > 30 && disabled > 5 && hidden > 500, "{accepted} accepted, {disabled} disabled, {hidden} hidden");
}
