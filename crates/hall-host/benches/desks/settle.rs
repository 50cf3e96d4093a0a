//! A realistic backlog. `hallctl seed` writes its history as accepted cases that nobody ever
//! decided, so every office's queue holds thousands of them (社保中心's: over 40,000 of the
//! 200,000). A hall decides its cases by their due date: `--settle` has each office's officer
//! claim and approve, through the host like at a desk, every case of its queue that is past
//! its due date. What stays open is the work of the last few weeks.

use std::time::Instant;

use hall_core::api::{Reply, Request};
use hall_core::lifecycle::{Action, CaseState};
use hall_core::store::ActParams;
use hall_host::Remote;

/// Decides one office's overdue cases; answers (decided, refused).
async fn office(remote: Remote, session: String, today: String) -> (usize, usize) {
    let queue = match remote.call(&session, None, &Request::Queue { unit: None }).await {
        Ok(Reply::Cases(c)) => c,
        other => panic!("queue: {other:?}"),
    };
    let (mut decided, mut refused) = (0, 0);
    for case in queue {
        let overdue = case.due_date.as_deref().map_or_else(|| case.logged_at[..10] < *today, |d| d < today.as_str());
        if !overdue {
            continue;
        }
        let steps: &[Action] = match case.state {
            CaseState::Accepted => &[Action::Claim, Action::Approve],
            CaseState::Processing => &[Action::Approve],
            _ => &[],
        };
        for action in steps {
            let params = Box::new(ActParams { note: "审核通过".into(), ..ActParams::default() });
            let act = Request::Act { number: case.number.clone(), action: *action, params };
            if remote.call(&session, None, &act).await.is_err() {
                refused += 1;
                break;
            }
            if *action == Action::Approve {
                decided += 1;
            }
        }
    }
    (decided, refused)
}

pub async fn backlog(officers: Vec<(Remote, String)>) {
    let t = Instant::now();
    let today = chrono::Local::now().date_naive().format("%Y-%m-%d").to_string();
    let offices: Vec<_> =
        officers.into_iter().map(|(remote, session)| tokio::spawn(office(remote, session, today.clone()))).collect();
    let (mut decided, mut refused) = (0, 0);
    for o in offices {
        let (d, r) = o.await.expect("an office");
        decided += d;
        refused += r;
    }
    println!("settled: {decided} overdue cases decided ({refused} refused) in {:.0} s", t.elapsed().as_secs_f64());
}

/// Open cases per office now (what a queue read returns).
pub async fn queue_sizes(officers: &[(Remote, String)]) -> Vec<usize> {
    let mut sizes = Vec::new();
    for (remote, session) in officers {
        match remote.call(session, None, &Request::Queue { unit: None }).await {
            Ok(Reply::Cases(c)) => sizes.push(c.len()),
            other => panic!("queue: {other:?}"),
        }
    }
    sizes
}
