//! One desk: its own connection to the host, a clerk's session and an officer's, its live feed,
//! and the work of its compressed minutes.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use hall_core::api::{Reply, Request};
use hall_core::lifecycle::{Action, CaseState};
use hall_core::store::{ActParams, CatalogItemView};
use hall_host::{Pin, Remote};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;

use crate::measure::{Heard, Written};
use crate::mix::{self, Kind, Samples};

/// Cases each desk's officer may claim in a run (more than a run of minutes needs).
const CLAIMABLE: usize = 200;

/// What every desk shares: where the host is, the accounts and the hall's catalog.
pub struct Hall {
    url: String,
    pin: Pin,
    samples: Arc<Samples>,
    items: Vec<CatalogItemView>,
    /// (username, unit) of one officer per township office.
    officers: Vec<(String, String)>,
    passwords: HashMap<String, String>,
}

pub struct Plan {
    pub at: Vec<(Duration, Kind)>,
    pub rng: StdRng,
}

pub struct Call {
    pub kind: Kind,
    pub what: &'static str,
    pub ms: f64,
    pub ok: bool,
    /// The reply as JSON (what the wire carries, less the `{"ok": …}` around it).
    pub bytes: usize,
    pub error: String,
}

#[derive(Default)]
pub struct Done {
    pub calls: Vec<Call>,
    pub written: Vec<Written>,
    /// How late the desk started its latest request against its schedule.
    pub behind: Duration,
}

pub struct Desk {
    remote: Remote,
    clerk: String,
    officer: String,
    claimable: VecDeque<String>,
    claimed: VecDeque<String>,
    hall: Arc<Shared>,
}

/// The read-only part of [`Hall`] each desk's task holds.
struct Shared {
    samples: Arc<Samples>,
    items: Vec<CatalogItemView>,
}

pub struct Feed {
    heard: Arc<Mutex<Vec<Heard>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Feed {
    pub fn stop(&mut self) -> Vec<Heard> {
        self.task.abort();
        std::mem::take(&mut *self.heard.lock().expect("feed"))
    }
}

fn demo_password(user: &str) -> String {
    let hall = hall_core::demo::sample_hall();
    hall.users.into_iter().find(|u| u.username == user).map(|u| u.password).unwrap_or_else(|| "Demo@officer".into())
}

async fn login(remote: &Remote, user: &str, password: &str) -> Result<(String, bool), hall_core::HallError> {
    let session = remote.open_session().await?;
    let ask = Request::Login { username: user.into(), password: password.to_string().into() };
    match remote.call(&session, None, &ask).await? {
        Reply::Session(Some(u)) => Ok((session, u.must_change_password)),
        other => panic!("login of {user}: {other:?}"),
    }
}

/// The password that opens `user`: `<demo password>-bench`, set at its first run (a demo
/// database asks for a new password at the first login), through the host like a person would.
async fn settle(remote: &Remote, user: &str) -> String {
    let (demo, bench) = (demo_password(user), format!("{}-bench", demo_password(user)));
    if login(remote, user, &bench).await.is_ok() {
        return bench;
    }
    let (session, must_change) = login(remote, user, &demo).await.unwrap_or_else(|e| panic!("{user}: {}", e.message));
    if !must_change {
        return demo;
    }
    let change = Request::ChangePassword { old: demo.into(), new: bench.clone().into() };
    remote.call(&session, None, &change).await.unwrap_or_else(|e| panic!("{user}: {}", e.message));
    bench
}

impl Hall {
    pub async fn prepare(url: &str, pin: &str, samples: Arc<Samples>) -> Hall {
        let pin = Pin::parse(pin).unwrap_or_else(|e| panic!("{}", e.message));
        let remote = Remote::new(url, Some(pin.clone()), None).unwrap_or_else(|e| panic!("{}", e.message));
        let mut passwords = HashMap::new();
        for user in ["clerk1", "clerk2"] {
            passwords.insert(user.to_string(), settle(&remote, user).await);
        }
        let (session, _) = login(&remote, "clerk1", &passwords["clerk1"]).await.expect("clerk1");
        let ask = |r: Request| {
            let (remote, session) = (remote.clone(), session.clone());
            async move { remote.call(&session, None, &r).await.unwrap_or_else(|e| panic!("{}", e.message)) }
        };
        let Reply::CatalogItems(items) = ask(Request::CatalogList { query: None, category: None }).await else {
            panic!("catalog")
        };
        let Reply::Units(units) = ask(Request::Units).await else { panic!("units") };
        let units = mix::township_units(&units);
        let sample = hall_core::demo::sample_hall().users;
        let mut officers = Vec::new();
        for unit in &units {
            let user = sample
                .iter()
                .find(|u| u.unit.as_deref() == Some(unit.as_str()))
                .map(|u| u.username.clone())
                .unwrap_or_else(|| format!("officer.{}", unit.to_lowercase()));
            passwords.insert(user.clone(), settle(&remote, &user).await);
            officers.push((user, unit.clone()));
        }
        Hall { url: url.into(), pin, samples, items, officers, passwords }
    }

    /// One signed-in session per office's officer, each on a connection of its own.
    pub async fn officers(&self) -> Vec<(Remote, String)> {
        let mut signed = Vec::new();
        for (user, _) in &self.officers {
            let remote = Remote::new(&self.url, Some(self.pin.clone()), None).expect("remote");
            let (session, _) = login(&remote, user, &self.passwords[user]).await.expect("officer");
            signed.push((remote, session));
        }
        signed
    }

    /// `n` desks, signed in; desk `i` works as clerk1 or clerk2 and as the officer of office
    /// `i mod offices`; desks sharing an office claim different cases of its queue.
    pub async fn open_desks(&self, n: usize) -> Vec<Desk> {
        let shared = Arc::new(Shared { samples: self.samples.clone(), items: self.items.clone() });
        let mut desks = Vec::new();
        for i in 0..n {
            let remote = Remote::new(&self.url, Some(self.pin.clone()), None).expect("remote");
            let clerk_user = if i % 2 == 0 { "clerk1" } else { "clerk2" };
            let (clerk, _) = login(&remote, clerk_user, &self.passwords[clerk_user]).await.expect("clerk");
            let (officer_user, _) = &self.officers[i % self.officers.len()];
            let (officer, _) = login(&remote, officer_user, &self.passwords[officer_user]).await.expect("officer");
            let sharing = (0..n).filter(|k| k % self.officers.len() == i % self.officers.len()).count();
            let mine = i / self.officers.len();
            let queue = match remote.call(&officer, None, &Request::Queue { unit: None }).await {
                Ok(Reply::Cases(c)) => c,
                other => panic!("queue: {other:?}"),
            };
            let claimable = queue
                .into_iter()
                .filter(|c| c.state == CaseState::Accepted)
                .enumerate()
                .filter(|(k, _)| k % sharing == mine)
                .map(|(_, c)| c.number)
                .take(CLAIMABLE)
                .collect();
            desks.push(Desk { remote, clerk, officer, claimable, claimed: VecDeque::new(), hall: shared.clone() });
        }
        desks
    }
}

impl Desk {
    pub async fn listen(&self) -> Feed {
        let feed = self.remote.events(&self.clerk, None).await.unwrap_or_else(|e| panic!("feed: {}", e.message));
        let heard = Arc::new(Mutex::new(Vec::new()));
        let into = heard.clone();
        let task = tokio::spawn(async move {
            let mut feed = Box::pin(feed);
            while let Some(notice) = feed.next().await {
                match notice {
                    Ok(n) => {
                        into.lock().expect("feed").push(Heard { kind: n.kind, number: n.number, at: Instant::now() })
                    }
                    Err(e) => return eprintln!("feed ended: {}", e.message),
                }
            }
        });
        Feed { heard, task }
    }

    /// Runs the plan; `tag` keeps this run's request ids apart from earlier runs'.
    pub async fn work(mut self, i: usize, plan: Plan, start: Instant, tag: String) -> Done {
        let Plan { at, mut rng } = plan;
        let mut done = Done::default();
        let (mut writes, mut steps) = (0, 0);
        for (offset, kind) in at {
            let due = start + offset;
            tokio::time::sleep_until(due.into()).await;
            done.behind = done.behind.max(Instant::now().saturating_duration_since(due));
            let (what, session, request) = match kind {
                Kind::Intake => {
                    ("intake", &self.clerk, mix::intake(&self.hall.items, &self.hall.samples.names, &mut rng))
                }
                Kind::Search => {
                    let (what, text) = self.hall.samples.search(&mut rng);
                    (what, &self.clerk, Request::SearchCases { text })
                }
                Kind::Read if rng.gen_bool(0.6) => {
                    let number = self.hall.samples.numbers.choose(&mut rng).expect("numbers").clone();
                    ("case detail", &self.clerk, Request::CaseDetail { number })
                }
                // Queues are the back offices' (and the director's): the officer's own.
                Kind::Read => ("queue of an office", &self.officer, Request::Queue { unit: None }),
                Kind::Step => {
                    steps += 1;
                    let claim = (steps % 2 == 1 || self.claimed.is_empty()) && !self.claimable.is_empty();
                    let (action, what, number) = if claim {
                        (Action::Claim, "claim", self.claimable.pop_front())
                    } else {
                        (Action::Approve, "approve", self.claimed.pop_front())
                    };
                    let Some(number) = number else { continue };
                    let params = Box::new(ActParams { note: "审核通过".into(), ..ActParams::default() });
                    (what, &self.officer, Request::Act { number, action, params })
                }
            };
            let writes_now = hall_core::api::writes(&request);
            let id = writes_now.then(|| {
                writes += 1;
                format!("bench-{tag}-{i}-{writes}")
            });
            let t = Instant::now();
            let answer = self.remote.call(session, id.as_deref(), &request).await;
            let (answered, ms) = (Instant::now(), t.elapsed().as_secs_f64() * 1000.0);
            let mut call = Call { kind, what, ms, ok: answer.is_ok(), bytes: 0, error: String::new() };
            match answer {
                Ok(reply) => {
                    call.bytes = serde_json::to_vec(&reply).map(|b| b.len()).unwrap_or(0);
                    if let Reply::Case(c) = &reply {
                        if writes_now {
                            let kind = if kind == Kind::Intake { "intake" } else { "act" };
                            done.written.push(Written { client: i, kind, number: c.summary.number.clone(), answered });
                        }
                        if what == "claim" {
                            self.claimed.push_back(c.summary.number.clone());
                        }
                    }
                }
                Err(e) => call.error = format!("{what}: {}", e.message),
            }
            done.calls.push(call);
        }
        done
    }
}
