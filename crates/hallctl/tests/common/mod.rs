//! Running the real hallctl binary on real SQLite files, shared by the CLI test files.
#![allow(dead_code)] // each test file uses its own part of it

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The users of [`demo`] whose password the tests set (as at their first login).
pub const PEOPLE: [&str; 5] = ["clerk1", "clerk2", "officer.shsw", "director", "admin"];

/// hallctl with `args`, `password` in `YICHUANG_PASSWORD` (none: the variable is unset) and
/// `input` on standard input (none: an empty, closed one — never a terminal).
pub fn run(db: &Path, args: &[&str], password: Option<&str>, input: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hallctl"));
    cmd.arg("--db").arg(db).args(args).env_remove("YICHUANG_PASSWORD").env_remove("YICHUANG_NEW_PASSWORD");
    if let Some(p) = password {
        cmd.env("YICHUANG_PASSWORD", p);
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.unwrap_or("").as_bytes()).unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

/// hallctl with `args`; a `--user NAME` among them is given that person's password of [`demo`].
pub fn hallctl(db: &Path, args: &[&str]) -> Output {
    run(db, args, user_on(args).map(password).as_deref(), None)
}

/// [`hallctl`] with `input` on standard input.
pub fn with_stdin(db: &Path, args: &[&str], input: &str) -> Output {
    run(db, args, user_on(args).map(password).as_deref(), Some(input))
}

fn user_on<'a>(args: &[&'a str]) -> Option<&'a str> {
    args.iter().position(|a| *a == "--user").and_then(|i| args.get(i + 1)).copied()
}

pub fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}
pub fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// A demo account's public password (README, `hallctl demo`).
pub fn demo_password(user: &str) -> String {
    let hall = hall_core::demo::sample_hall();
    hall.users.into_iter().find(|u| u.username == user).map(|u| u.password).unwrap_or_else(|| "Demo@officer".into())
}

/// The password of a person of [`PEOPLE`] in a [`demo`] database.
pub fn password(user: &str) -> String {
    format!("{}-t", demo_password(user))
}

/// A demo database as `hallctl demo` makes it: every account must change its public password.
pub fn fresh_demo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    let o = hallctl(&db, &["demo"]);
    assert!(o.status.success(), "{}", err(&o));
    (dir, db)
}

/// A demo database whose [`PEOPLE`] have changed their password through the store's own path,
/// as at their first login, to [`password`] (as the end-to-end tests do).
pub fn demo() -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = fresh_demo();
    let mut store = hall_core::Store::open(&db).unwrap();
    for u in PEOPLE {
        store.change_password(u, &demo_password(u), &password(u)).unwrap();
    }
    (dir, db)
}

/// `user passwd USERNAME` with the old and the new password in the environment.
pub fn change_password(db: &Path, user: &str, old: &str, new: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hallctl"))
        .arg("--db")
        .arg(db)
        .args(["user", "passwd", user])
        .env("YICHUANG_PASSWORD", old)
        .env("YICHUANG_NEW_PASSWORD", new)
        .output()
        .unwrap()
}
pub mod host;
