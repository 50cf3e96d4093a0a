//! hallctl — the hall's command line for county IT and scripting. One front end over the same
//! gate as the window: each command builds a `Request` and runs it through
//! `hall_core::api::dispatch` for a session — the operator session (`hallctl（操作员）`) or,
//! with `--user`, the user who signed in with their password (`session.rs`). The few commands
//! that are not hall requests by nature say so where they are (`setup.rs`, `sync.rs`).
//! Chinese output by default, `--json` for machines; exit 0 on success, non-zero with a
//! Chinese message on stderr otherwise (2 for a command line the parser refuses).

/// The payload of the reply a request gives (`Reply::Variant(payload)`), or an internal error.
macro_rules! answer {
    ($reply:expr, $variant:path) => {
        match $reply {
            $variant(v) => v,
            other => return Err($crate::session::unexpected(&other)),
        }
    };
}

mod admin;
mod cases;
mod cli;
mod host;
mod papers;
mod parse;
mod records;
mod recovery;
mod session;
mod setup;
mod standby;
mod sync;

use std::io::Read;
use std::process::ExitCode;

use hall_core::api::authorize;
use hall_core::documents::{CasePaper, DocRequest};
use hall_core::lifecycle::Role;
use hall_core::store::NewUser;
use hall_core::{HallError, Store};
use serde::Serialize;

use cli::{AuditCmd, CaseCmd, Cli, Command, HostCmd, KeyCmd, ReportCmd, UserCmd};
use session::{Gate, HostLink, Place};

fn main() -> ExitCode {
    let cli = match parse::cli(std::env::args().collect()) {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    // Rust ignores SIGPIPE, so a closed pipe (`| head`) made every later `println!` panic; a
    // command line tool ends quietly there instead, as `ls | head` does. Not the servers (host
    // serve, host standby): with SIGPIPE at its default a peer that hung up mid-write could
    // kill them (seen: a standby killed by SIGPIPE when its host died under it).
    let serves =
        matches!(cli.command, Command::Host(HostCmd::Serve { .. } | HostCmd::Standby { .. } | HostCmd::Promote { .. }));
    #[cfg(unix)]
    if !serves {
        // SAFETY: setting a signal's disposition to its default, before any thread is started.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    #[cfg(not(unix))]
    let _ = serves;
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{}", e.message);
            ExitCode::FAILURE
        }
    }
}

/// A file's text, or standard input for `-`.
pub(crate) fn read_input(arg: &str) -> Result<String, HallError> {
    if arg == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        return Ok(s);
    }
    std::fs::read_to_string(arg).map_err(|e| HallError::invalid(format!("无法读取文件 {arg}：{e}")))
}

pub(crate) fn print_json<T: Serialize>(v: &T) {
    println!("{}", serde_json::to_string_pretty(v).expect("serialisable"));
}

fn run(cli: Cli) -> Result<ExitCode, HallError> {
    let json = cli.json;
    if let Command::CheckId { org, number } = &cli.command {
        return Ok(setup::check_id(*org, number, json));
    }
    let db = cli.db.clone().unwrap_or_else(hall_core::default_db_path);
    if let Command::Host(HostCmd::Serve { listen }) = &cli.command {
        if cli.host.is_some() {
            return Err(HallError::invalid("host serve 在本机启动主机，不能与 --host 同用"));
        }
        return host::serve(db, *listen);
    }
    if let Command::Host(HostCmd::Standby { from, code, name, listen, address }) = &cli.command {
        if cli.host.is_some() || cli.user.is_some() {
            return Err(HallError::invalid(
                "host standby 在本机运行备用主机，主机地址用 --from 给出，不能与 --host、--user 同用",
            ));
        }
        let pairing = standby::Asked {
            from: from.clone(),
            pin: cli.pin.clone(),
            code: code.clone(),
            name: name.clone(),
            listen: *listen,
            address: address.clone(),
        };
        return standby::run(db, pairing, json);
    }
    if let Command::Host(HostCmd::Promote { force }) = &cli.command {
        if cli.host.is_some() || cli.user.is_some() || cli.pin.is_some() {
            return Err(HallError::invalid("host promote 在备用主机本机执行，不能与 --host、--user、--pin 同用"));
        }
        return standby::promote(db, *force, json);
    }
    let user = cli.user;
    let request_id = cli.request_id;
    if let Some(url) = &cli.host {
        let pin = cli.pin.as_deref().ok_or_else(|| {
            HallError::invalid("连接大厅主机须用 --pin 给出主机指纹（SHA256:…，主机启动时打印；或向系统管理员索取）")
        })?;
        return remote(HostLink::connect(url, pin)?, user, request_id, cli.command, json);
    }
    if cli.pin.is_some() {
        return Err(HallError::invalid("--pin 只在连接大厅主机（--host）时使用"));
    }
    // A new PC: the restore makes the hall (no `init` first, nothing written if it is refused).
    if let Command::Restore { file, recovery_code } = &cli.command {
        if !db.exists() {
            if user.is_some() {
                return Err(HallError::invalid("本机还没有大厅，恢复由本机操作员执行，不能用 --user"));
            }
            return recovery::restore_new(&db, file, recovery_code.as_deref(), json).map(|()| ExitCode::SUCCESS);
        }
    }
    let mut store = Store::open(&db)?;
    // The commands that are not hall requests, and the two whose acting user may be named in
    // their input document.
    let done = |()| ExitCode::SUCCESS;
    let direct = matches!(cli.command, Command::Init { .. } | Command::Demo | Command::Seed { .. });
    if direct && user.is_some() {
        return Err(HallError::invalid("init、demo、seed 不经登录、直接在本机执行，不能与 --user 同用"));
    }
    match cli.command {
        Command::CheckId { .. } => unreachable!("answered above"),
        Command::Init { township_code, township_name, admin_password } => {
            setup::init(&mut store, &db, &township_code, &township_name, admin_password, json).map(done)
        }
        Command::Demo => setup::demo(&mut store, &db, json).map(done),
        Command::Seed { cases, years } => setup::seed(&mut store, cases, years, json).map(done),
        command => remote_or_here(Place::Here(store), user, request_id, command, json),
    }
}

/// A command against a hall host: only requests (init, demo and seed work on a file here).
fn remote(
    link: HostLink,
    user: Option<String>,
    request_id: Option<String>,
    command: Command,
    json: bool,
) -> Result<ExitCode, HallError> {
    if matches!(command, Command::Init { .. } | Command::Demo | Command::Seed { .. }) {
        return Err(HallError::invalid("init、demo、seed 直接在本机的库上执行，不能与 --host 同用"));
    }
    remote_or_here(Place::Host(link), user, request_id, command, json)
}

/// The commands that are requests, here or at a host.
fn remote_or_here(
    place: Place,
    user: Option<String>,
    request_id: Option<String>,
    command: Command,
    json: bool,
) -> Result<ExitCode, HallError> {
    let done = |()| ExitCode::SUCCESS;
    match command {
        Command::Case(CaseCmd::Intake { input }) => cases::intake(place, user, request_id, &input, json).map(done),
        Command::Case(CaseCmd::Act(a)) => cases::act(place, user, request_id, a, json).map(done),
        Command::User(UserCmd::Passwd { username }) => {
            if user.as_deref().is_some_and(|u| u != username) {
                return Err(HallError::invalid("user passwd 只能修改本人的密码，不能同时用 --user 指定其他用户"));
            }
            let u = session::change_own_password(place, &username, json)?;
            if json {
                print_json(&u);
            } else {
                println!("已修改用户 {}（{}）的密码。", u.username, u.name);
            }
            Ok(ExitCode::SUCCESS)
        }
        command => {
            let gate = Gate::open(place, user.as_deref(), json)?.with_request_id(request_id);
            requested(gate, command)
        }
    }
}

/// The commands that are requests through the gate, for the session of this run.
fn requested(mut gate: Gate, command: Command) -> Result<ExitCode, HallError> {
    let g = &mut gate;
    match command {
        Command::Catalog(cmd) => admin::catalog(g, cmd)?,
        Command::Calendar(cmd) => admin::calendar(g, cmd)?,
        Command::Case(CaseCmd::Show { number }) => cases::show(g, number)?,
        Command::Case(CaseCmd::List { state, date, limit }) => cases::list(g, state, date, limit)?,
        Command::Case(CaseCmd::Sweep) => cases::sweep(g)?,
        Command::Search { text } => cases::search(g, text)?,
        Command::User(UserCmd::Add { username, name, role, unit, password }) => {
            let role = Role::parse(&role)?;
            let new = NewUser { username, name, role, unit, password: password.into(), must_change_password: true };
            admin::add_user(g, new)?
        }
        Command::Report(ReportCmd::Daily { date, out }) => papers::emit(g, DocRequest::Daily { date }, out)?,
        Command::Report(ReportCmd::Period { from, to, out }) => papers::emit(g, DocRequest::Period { from, to }, out)?,
        Command::Print { paper, number, out } => {
            let paper = CasePaper::parse(&paper)?;
            papers::emit(g, DocRequest::Case { number, paper }, out)?
        }
        Command::Lists(cmd) => records::run(g, records::RecordCmd::Lists(cmd))?,
        Command::Admission(cmd) => records::run(g, records::RecordCmd::Admission(cmd))?,
        Command::Consult(cmd) => records::run(g, records::RecordCmd::Consult(cmd))?,
        Command::Demand(cmd) => records::run(g, records::RecordCmd::Demand(cmd))?,
        Command::Coord(cmd) => records::run(g, records::RecordCmd::Coord(cmd))?,
        Command::Audit(AuditCmd::Verify) => return admin::audit_verify(g),
        Command::Backup { out } => admin::backup(g, out)?,
        Command::Restore { file, recovery_code } => recovery::restore(g, file, recovery_code)?,
        Command::Key(KeyCmd::Sheet { out, show }) => recovery::key_sheet(g, out, show)?,
        Command::Key(KeyCmd::Rotate) => recovery::rotate_key(g)?,
        Command::Check => return recovery::check(g),
        Command::Sync { once, hub, token } => {
            // Any signed-in role may sync, as in the window (系统管理 → 县级平台 → 立即同步).
            authorize(&gate.session, &Role::ALL)?;
            let json = gate.json;
            return sync::run(gate.into_store("同步")?, once, hub, token, json);
        }
        Command::Host(cmd) => host::run(g, cmd)?,
        Command::CheckId { .. }
        | Command::Init { .. }
        | Command::Demo
        | Command::Seed { .. }
        | Command::User(UserCmd::Passwd { .. })
        | Command::Case(CaseCmd::Intake { .. } | CaseCmd::Act(_)) => unreachable!("run answers these itself"),
    }
    Ok(ExitCode::SUCCESS)
}
