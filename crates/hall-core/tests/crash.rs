//! Nothing lost: a real process taking in cases and moving them along
//! (`examples/crash_worker.rs`) is killed with SIGKILL at random points, again and again, on
//! one database file. After every kill the database must open through `Store::open` (which
//! runs `integrity_check`), pass SQLite's own checks again here, hold every case whose commit
//! the worker saw return with its events in order, and hold nothing half-written.
//!
//! `CRASH_KILLS` sets the number of kills (default 60, what CI runs); `CRASH_SEED` replays a
//! run's random timings. The long run is documented in docs/reliability.md:
//! `CRASH_KILLS=1000 cargo test -p hall-core --test crash -- --nocapture`.
//!
//! What this proves and what it does not: SIGKILL stops the process at any instruction, so a
//! transaction can be cut anywhere between its first write and its commit, or inside a WAL
//! checkpoint; the kernel's page cache survives, though, so this is not a power cut (that is
//! what `synchronous=FULL` is for, and it is not exercised here).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use hall_core::lifecycle::STATES;
use hall_core::Store;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::{Connection, OptionalExtension};

/// The worker, built beside this test (`target/debug/examples/crash_worker`). `cargo test`
/// builds examples, but `cargo test --test crash` does not, so it is built here (a no-op when it
/// is up to date): a stale worker would test old code.
fn worker() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let profile_dir = std::env::current_exe().unwrap().parent().unwrap().parent().unwrap().to_path_buf();
            let mut cargo = Command::new(env!("CARGO"));
            cargo.args(["build", "--quiet", "-p", "hall-core", "--example", "crash_worker"]);
            if profile_dir.ends_with("release") {
                cargo.arg("--release");
            }
            let status = cargo.current_dir(env!("CARGO_MANIFEST_DIR")).status().expect("cargo runs");
            assert!(status.success(), "building the crash worker failed");
            let p = profile_dir.join("examples").join(format!("crash_worker{}", std::env::consts::EXE_SUFFIX));
            assert!(p.exists(), "no crash worker at {}", p.display());
            p
        })
        .clone()
}

/// What the worker reported committed for one case: its uuid when the worker took it in, and
/// the events (action, state after) it saw saved, in order.
#[derive(Default)]
struct Expected {
    uuid: Option<String>,
    events: Vec<(String, String)>,
}

#[derive(Default)]
struct Tally {
    kills: usize,
    killed_in_startup: usize,
    killed_at_checkpoint_time: usize,
    wal_left_for_next_run: usize,
    intakes: usize,
    acts: usize,
    rates: usize,
    supplies: usize,
    partial_lines: usize,
    max_wal_bytes: u64,
    checks: usize,
    /// Runs in which the store's checkpointer wrote WAL pages into the database file.
    runs_with_checkpoint: usize,
    /// How long the worker's last start took (spawn to `ready`).
    last_start_micros: u64,
}

/// One worker run: spawn, wait until the chosen moment, SIGKILL. Returns the complete lines
/// it printed (a line cut by the kill is not a report, and is counted apart).
fn run_and_kill(db: &Path, rng: &mut StdRng, round: usize, t: &mut Tally) -> Vec<String> {
    let db_written = || std::fs::metadata(db).and_then(|m| m.modified()).ok();
    let before = db_written();
    let mut child: Child = Command::new(worker())
        .arg(db)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the crash worker starts");
    let stdout = child.stdout.take().unwrap();
    let (ready_tx, ready_rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        let mut lines = Vec::new();
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match r.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let line = String::from_utf8_lossy(&buf).into_owned();
                    if line == "ready\n" {
                        let _ = ready_tx.send(Instant::now());
                    }
                    lines.push(line);
                }
            }
        }
        lines
    });
    // Most kills land while cases are being written (1–40 ms after the worker is ready: tens of
    // transactions). One in seven lands in the start itself (opening, WAL recovery, integrity
    // check): a moment drawn from as long as the last start took. Every 50th run lasts past
    // the store's first WAL checkpoint (2 s after opening) and is cut around it.
    let started = Instant::now();
    // `None`: the worker ended before it got ready; what it said is reported just below.
    let ready = |rx: &mpsc::Receiver<Instant>| match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(at) => Some(at),
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("round {round}: the worker was not ready after 60 s"),
        Err(mpsc::RecvTimeoutError::Disconnected) => None,
    };
    if round % 50 == 25 {
        if ready(&ready_rx).is_some() {
            std::thread::sleep(Duration::from_millis(rng.gen_range(1990..2080)));
            t.killed_at_checkpoint_time += 1;
        }
    } else if rng.gen_bool(1.0 / 7.0) {
        let last = t.last_start_micros.max(1_000);
        std::thread::sleep(Duration::from_micros(rng.gen_range(0..last)));
    } else if let Some(at) = ready(&ready_rx) {
        t.last_start_micros = (at - started).as_micros() as u64;
        std::thread::sleep(Duration::from_micros(rng.gen_range(1_000..40_000)));
    }
    if let Some(status) = child.try_wait().unwrap() {
        let mut err = String::new();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        panic!("round {round}: the worker stopped on its own ({status}) after {:?}: {err}", started.elapsed());
    }
    child.kill().unwrap(); // SIGKILL on Unix
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(9), "round {round}: killed by SIGKILL");
    t.kills += 1;
    // Only a checkpoint writes the database file itself (commits go to the WAL).
    if db_written() != before {
        t.runs_with_checkpoint += 1;
    }
    let lines = reader.join().unwrap();
    if !lines.iter().any(|l| l == "ready\n") {
        t.killed_in_startup += 1;
    }
    let (whole, cut): (Vec<String>, Vec<String>) = lines.into_iter().partition(|l| l.ends_with('\n'));
    t.partial_lines += cut.len();
    whole.into_iter().map(|l| l.trim_end().to_string()).collect()
}

/// Reads the worker's lines into the expectations; returns the case numbers they touch.
fn record(lines: &[String], expected: &mut HashMap<String, Expected>, t: &mut Tally) -> Vec<String> {
    let mut touched = Vec::new();
    for line in lines {
        let w: Vec<&str> = line.split(' ').collect();
        let (number, event) = match w.as_slice() {
            ["ready"] => continue,
            ["committed", "intake", number, uuid, outcome, state] => {
                t.intakes += 1;
                let e = expected.entry(number.to_string()).or_default();
                assert!(e.uuid.is_none() && e.events.is_empty(), "case number {number} given out twice");
                e.uuid = Some(uuid.to_string());
                e.events.push(("intake".into(), "logged".into()));
                if *outcome == "log" {
                    touched.push(number.to_string());
                    continue;
                }
                (number, (outcome.to_string(), state.to_string()))
            }
            ["committed", "act", number, action, state] => {
                t.acts += 1;
                (number, (action.to_string(), state.to_string()))
            }
            ["committed", "rate", number, _level] => {
                t.rates += 1;
                (number, ("rate".to_string(), "delivered".to_string()))
            }
            ["committed", "supply", number, state] => {
                t.supplies += 1;
                (number, ("materials_supplied".to_string(), state.to_string()))
            }
            _ => panic!("unexpected line from the worker: {line:?}"),
        };
        expected.entry(number.to_string()).or_default().events.push(event);
        touched.push(number.to_string());
    }
    touched.sort();
    touched.dedup();
    touched
}

/// Rows a query returns, as text, at most five (enough to name a broken case).
fn offenders(conn: &Connection, sql: &str) -> Vec<String> {
    let mut st = conn.prepare(sql).unwrap_or_else(|e| panic!("{e}: {sql}"));
    let n = st.column_count();
    let rows = st
        .query_map([], |r| {
            (0..n)
                .map(|i| {
                    r.get::<_, rusqlite::types::Value>(i).map(|v| match v {
                        rusqlite::types::Value::Null => "NULL".to_string(),
                        rusqlite::types::Value::Integer(i) => i.to_string(),
                        rusqlite::types::Value::Real(f) => f.to_string(),
                        rusqlite::types::Value::Text(s) => s,
                        rusqlite::types::Value::Blob(b) => format!("<{} bytes>", b.len()),
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .unwrap();
    rows.take(5).map(|r| r.unwrap().join(" | ")).collect()
}

/// Everything that must hold in the database whatever moment the worker died at. Each query
/// lists what breaks the rule; all of them must come back empty. Returns the number of rules
/// checked and the broken ones.
fn invariants(conn: &Connection) -> (usize, Vec<(String, Vec<String>)>) {
    let closed: Vec<String> = STATES.iter().filter(|s| s.closed).map(|s| format!("'{}'", s.key)).collect();
    let closed = closed.join(", ");
    let rules: Vec<(&str, String)> = vec![
        ("PRAGMA integrity_check is ok", "SELECT * FROM pragma_integrity_check WHERE integrity_check != 'ok'".into()),
        ("no row points at a missing row (foreign_key_check)", "SELECT * FROM pragma_foreign_key_check".into()),
        (
            "no event refers to a missing case",
            "SELECT id, case_id, action FROM events WHERE case_id IS NOT NULL AND case_id NOT IN (SELECT id FROM cases)"
                .into(),
        ),
        (
            "every case has exactly one intake event, and it is its first",
            "SELECT c.number FROM cases c
             WHERE (SELECT action FROM events e WHERE e.case_id = c.id ORDER BY e.id LIMIT 1) IS NOT 'intake'
                OR (SELECT count(*) FROM events e WHERE e.case_id = c.id AND e.action = 'intake') != 1"
                .into(),
        ),
        (
            "every case has a materials row for each material of its catalog item",
            "SELECT c.number, json_array_length(i.materials), (SELECT count(*) FROM case_materials m WHERE m.case_id = c.id)
             FROM cases c JOIN catalog_items i ON i.version_id = c.catalog_version AND i.code = c.item_code
             WHERE json_array_length(i.materials) != (SELECT count(*) FROM case_materials m WHERE m.case_id = c.id)"
                .into(),
        ),
        (
            "a case's state is the state its last event moved it to",
            "SELECT number, state, last FROM (SELECT c.number, c.state,
                (SELECT to_state FROM events e WHERE e.case_id = c.id AND e.to_state IS NOT NULL ORDER BY e.id DESC LIMIT 1) AS last
              FROM cases c) WHERE last IS NOT state"
                .into(),
        ),
        (
            "each event starts from the state the case's previous event left it in",
            "SELECT case_id, id, from_state, prev FROM (SELECT case_id, id, from_state,
                LAG(to_state) OVER (PARTITION BY case_id ORDER BY id) AS prev
              FROM events WHERE case_id IS NOT NULL AND to_state IS NOT NULL)
             WHERE prev IS NOT NULL AND from_state IS NOT prev"
                .into(),
        ),
        (
            "a case has an outbox row if and only if it is closed",
            format!(
                "SELECT c.number, c.state FROM cases c LEFT JOIN outbox o ON o.case_id = c.id
                 WHERE (c.state IN ({closed})) != (o.case_id IS NOT NULL)"
            ),
        ),
        (
            "the outbox row holds the case as it is now (state and every event)",
            "SELECT c.number, c.state, json_extract(o.body, '$.state') FROM cases c JOIN outbox o ON o.case_id = c.id
             WHERE json_extract(o.body, '$.state') != c.state
                OR json_array_length(o.body, '$.events') != (SELECT count(*) FROM events e WHERE e.case_id = c.id AND e.action != 'print')"
                .into(),
        ),
        (
            "closed_at is set exactly on closed cases",
            format!("SELECT number, state, closed_at FROM cases WHERE (state IN ({closed})) != (closed_at IS NOT NULL)"),
        ),
        (
            "an accepted case has its acceptance date and due date",
            "SELECT c.number FROM cases c
             WHERE EXISTS(SELECT 1 FROM events e WHERE e.case_id = c.id AND e.action IN ('accept', 'accept_pending', 'instant'))
                != (c.accepted_on IS NOT NULL AND c.due_date IS NOT NULL)"
                .into(),
        ),
        (
            "a 容缺 acceptance has its commitment date",
            "SELECT c.number FROM cases c WHERE c.commitment_due IS NULL
               AND EXISTS(SELECT 1 FROM events e WHERE e.case_id = c.id AND e.action = 'accept_pending')"
                .into(),
        ),
        (
            "a paused case knows since when",
            "SELECT number, state FROM cases WHERE state IN ('supplement', 'special') AND paused_on IS NULL".into(),
        ),
        (
            "a delivery row exists if and only if a deliver event does",
            "SELECT c.number FROM cases c
             WHERE EXISTS(SELECT 1 FROM events e WHERE e.case_id = c.id AND e.action = 'deliver')
                != EXISTS(SELECT 1 FROM deliveries d WHERE d.case_id = c.id)"
                .into(),
        ),
        (
            "a rating exists if and only if a rate event does",
            "SELECT c.number FROM cases c
             WHERE EXISTS(SELECT 1 FROM events e WHERE e.case_id = c.id AND e.action = 'rate')
                != EXISTS(SELECT 1 FROM ratings r WHERE r.case_id = c.id)"
                .into(),
        ),
        (
            "every forwarding and county result event has its county_forwards row",
            "SELECT c.number FROM cases c
             WHERE (SELECT count(*) FROM events e WHERE e.case_id = c.id AND e.action = 'forward')
                != (SELECT count(*) FROM county_forwards f WHERE f.case_id = c.id)
                OR (SELECT count(*) FROM events e WHERE e.case_id = c.id AND e.action = 'county_result')
                != (SELECT count(*) FROM county_forwards f WHERE f.case_id = c.id AND f.result IS NOT NULL)"
                .into(),
        ),
        (
            "every case has its name index for short searches",
            // (name_grams is keyed by gram first: NOT IN builds one set instead of a scan per case.)
            "SELECT number FROM cases WHERE id NOT IN (SELECT case_id FROM name_grams)".into(),
        ),
        (
            "the daily serial equals the count and the highest number of that day's cases",
            // A number is CODE-YYYYMMDD-NNNN; past 9999 cases a day the serial grows a digit.
            "SELECT s.day, s.last, x.n, x.top FROM case_serials s LEFT JOIN
               (SELECT substr(number, instr(number, '-') + 1, 8) AS day, count(*) AS n,
                       max(CAST(substr(number, instr(number, '-') + 10) AS INTEGER)) AS top
                FROM cases GROUP BY 1) x ON x.day = s.day
             WHERE x.n IS NOT s.last OR x.top IS NOT s.last"
                .into(),
        ),
        (
            "every day with cases has its serial, and a case's number carries the day it was logged",
            "SELECT number, logged_on FROM cases
             WHERE substr(number, instr(number, '-') + 1, 8) NOT IN (SELECT day FROM case_serials)
                OR substr(number, instr(number, '-') + 1, 8) != replace(logged_on, '-', '')"
                .into(),
        ),
    ];
    let checked = rules.len() + 1;
    let mut broken: Vec<(String, Vec<String>)> = rules
        .into_iter()
        .map(|(rule, sql)| (rule.to_string(), offenders(conn, &sql)))
        .filter(|(_, rows)| !rows.is_empty())
        .collect();
    // The search index agrees with the cases table (FTS5's own check against its content).
    if let Err(e) = conn.execute("INSERT INTO cases_fts(cases_fts, rank) VALUES ('integrity-check', 1)", []) {
        broken.push(("the full-text index matches the cases".into(), vec![e.to_string()]));
    }
    (checked, broken)
}

/// The case's events hold what the worker saw committed, in order (later, unreported commits
/// may sit between them: the kill can fall after a commit and before its line).
fn check_case(conn: &Connection, number: &str, e: &Expected) -> Result<(), String> {
    let uuid: Option<String> =
        conn.query_row("SELECT uuid FROM cases WHERE number = ?1", [number], |r| r.get(0)).optional().unwrap();
    let Some(uuid) = uuid else {
        return Err(format!("case {number} was reported committed and is missing"));
    };
    if let Some(want) = &e.uuid {
        if *want != uuid {
            return Err(format!("case {number} is another case now (uuid {uuid}, was {want})"));
        }
    }
    let mut st = conn
        .prepare_cached(
            "SELECT e.action AS action, coalesce(e.to_state, '') AS to_state FROM events e JOIN cases c ON c.id = e.case_id
             WHERE c.number = ?1 ORDER BY e.id",
        )
        .unwrap();
    let have: Vec<(String, String)> =
        st.query_map([number], |r| Ok((r.get("action")?, r.get("to_state")?))).unwrap().map(|r| r.unwrap()).collect();
    let mut it = have.iter();
    for want in &e.events {
        if !it.any(|h| h == want) {
            return Err(format!("case {number}: committed event {want:?} is missing; the log holds {have:?}"));
        }
    }
    Ok(())
}

/// The checks after one kill. `all`: every case ever reported, not only this run's.
fn check_after_kill(
    db: &Path,
    expected: &HashMap<String, Expected>,
    touched: &[String],
    all: bool,
    leave_wal: bool,
) -> Vec<String> {
    let mut problems = Vec::new();
    // The app's own open first: it recovers the WAL the kill left and runs integrity_check.
    let store = match Store::open(db) {
        Ok(s) => s,
        Err(e) => return vec![format!("Store::open failed: {}", e.message)],
    };
    let conn = hall_core::store::open_keyed(db, db, false).unwrap();
    // Read once so this connection holds the WAL open before the store's connections close.
    let _: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).unwrap();
    if leave_wal {
        // Closed last with no checkpoint, the WAL stays for the next worker to start on: its
        // next run writes after frames an earlier kill left, as a restarted hall would.
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true).unwrap();
    }
    drop(store);
    for (rule, rows) in invariants(&conn).1 {
        problems.push(format!("{rule}: {rows:?}"));
    }
    let numbers: Vec<&String> = if all { expected.keys().collect() } else { touched.iter().collect() };
    for n in numbers {
        if let Err(e) = check_case(&conn, n, &expected[n]) {
            problems.push(e);
        }
    }
    problems
}

#[test]
fn nothing_committed_is_lost_to_sigkill() {
    let kills: usize = std::env::var("CRASH_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(60);
    let seed: u64 = std::env::var("CRASH_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(rand::random);
    let mut rng = StdRng::seed_from_u64(seed);
    // Under the target dir, not /tmp: kept for a look when the test fails, removed when it passes.
    let dir = tempfile::Builder::new().prefix("crash-").tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let db = dir.path().join("hall.db");
    let began = Instant::now();

    // The sample hall is loaded once, unkilled: load_demo is several transactions by design
    // (township, catalog, users, cases) and not what this test is about.
    let init = Command::new(worker()).arg(&db).arg("--init").output().unwrap();
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));

    let mut expected: HashMap<String, Expected> = HashMap::new();
    let mut t = Tally::default();
    for round in 0..kills {
        let lines = run_and_kill(&db, &mut rng, round, &mut t);
        let touched = record(&lines, &mut expected, &mut t);
        let wal = std::fs::metadata(db.with_extension("db-wal")).map(|m| m.len()).unwrap_or(0);
        t.max_wal_bytes = t.max_wal_bytes.max(wal);
        let all = round % 25 == 24 || round + 1 == kills;
        let leave_wal = rng.gen_bool(0.5);
        t.wal_left_for_next_run += leave_wal as usize;
        let problems = check_after_kill(&db, &expected, &touched, all, leave_wal);
        t.checks += 1;
        if (round + 1) % 100 == 0 {
            eprintln!("crash test: {} kills, {:.0} s", round + 1, began.elapsed().as_secs_f64());
        }
        if !problems.is_empty() {
            let kept = dir.keep();
            panic!(
                "after kill {} (seed {seed}), in {}:\n  {}\nlast lines of the run: {:?}",
                round + 1,
                kept.display(),
                problems.join("\n  "),
                &lines[lines.len().saturating_sub(3)..]
            );
        }
    }

    let conn = hall_core::store::open_keyed(&db, &db, false).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    let (cases, events) = (count("SELECT count(*) FROM cases"), count("SELECT count(*) FROM events"));
    let bytes = std::fs::metadata(&db).unwrap().len();
    println!(
        "crash test: {kills} SIGKILLs survived in {:.1} s (CRASH_SEED={seed})\n\
         \x20 kills: {} in the worker's start (open, WAL recovery, integrity check), {} while writing cases, \
         {} around the store's first WAL checkpoint ({} runs checkpointed into the database file before their kill); \
         {} restarts on a WAL left by the kill before\n\
         \x20 commits the worker saw return: {} intakes, {} lifecycle steps, {} ratings, {} 容缺 supplies \
         ({} cut lines ignored)\n\
         \x20 after every kill: Store::open ok, integrity_check ok, {} invariant rules held, every reported commit present\n\
         \x20 database at the end: {cases} cases, {events} events, {:.1} MB (WAL up to {:.1} MB)",
        began.elapsed().as_secs_f64(),
        t.killed_in_startup,
        t.kills - t.killed_in_startup - t.killed_at_checkpoint_time,
        t.killed_at_checkpoint_time,
        t.runs_with_checkpoint,
        t.wal_left_for_next_run,
        t.intakes,
        t.acts,
        t.rates,
        t.supplies,
        t.partial_lines,
        invariants(&conn).0,
        bytes as f64 / 1e6,
        t.max_wal_bytes as f64 / 1e6,
    );
    assert_eq!(t.checks, kills);
    assert!(t.intakes + t.acts > kills, "the worker did real work between kills");
}
