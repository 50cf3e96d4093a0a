//! The administrator's and supervisor's commands — catalog, calendar, users, the event log,
//! backups — each a request through the gate (the operator session may do them all).

use std::path::PathBuf;
use std::process::ExitCode;

use hall_core::api::{authorize, Reply, Request};
use hall_core::catalog::CatalogFile;
use hall_core::lifecycle::Role;
use hall_core::store::NewUser;
use hall_core::HallError;

use crate::cli::{CalendarCmd, CatalogCmd, ImportArgs};
use crate::session::{unexpected, Gate};
use crate::{print_json, read_input};

pub fn catalog(gate: &mut Gate, cmd: CatalogCmd) -> Result<(), HallError> {
    let json = gate.json;
    match cmd {
        CatalogCmd::Import(ImportArgs { file, version, effective }) => {
            let text = read_input(&file.to_string_lossy())?;
            let csv = file.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            // Read here so --version and --effective can apply (a CSV has no version of its
            // own); the gate reads the text again.
            let req = if version.is_none() && effective.is_none() {
                Request::CatalogImport { text, csv }
            } else {
                let mut cat = if csv { CatalogFile::parse_csv(&text)? } else { CatalogFile::parse_json(&text)? };
                cat.version = version.unwrap_or(cat.version);
                cat.effective_date = effective.or(cat.effective_date);
                Request::CatalogImport { text: serde_json::to_string(&cat).expect("a catalog serialises"), csv: false }
            };
            let out = answer!(gate.ask(req)?, Reply::CatalogImported);
            if json {
                print_json(&out);
            } else if out.unchanged {
                println!("清单版本 {} 已导入过，内容相同，未做改动。", out.version.version);
            } else {
                println!("已导入事项清单版本 {}：{} 个事项。", out.version.version, out.version.item_count);
            }
        }
        CatalogCmd::List { category, query } => match gate.ask(Request::CatalogList { query, category })? {
            Reply::CatalogItems(items) if json => print_json(&items),
            Reply::CatalogItems(items) => {
                for i in &items {
                    println!(
                        "{}\t{}\t{}\t{}\t承诺{}个工作日\t{}",
                        i.item.code,
                        i.item.name,
                        i.item.category,
                        i.item.kind.label(),
                        i.item.promised_days,
                        i.unit_name
                    );
                }
                println!("共 {} 个事项", items.len());
            }
            other => return Err(unexpected(&other)),
        },
        CatalogCmd::Versions => match gate.ask(Request::CatalogVersions)? {
            Reply::CatalogVersions(vs) if json => print_json(&vs),
            Reply::CatalogVersions(vs) => {
                for v in &vs {
                    println!(
                        "{}\t生效 {}\t{} 个事项\t导入于 {}（{}）",
                        v.version, v.effective_date, v.item_count, v.imported_at, v.imported_by
                    );
                }
            }
            other => return Err(unexpected(&other)),
        },
        CatalogCmd::Publish { out } => {
            crate::papers::emit(gate, hall_core::documents::DocRequest::CatalogWall, out)?;
        }
    }
    Ok(())
}

pub fn calendar(gate: &mut Gate, cmd: CalendarCmd) -> Result<(), HallError> {
    let json = gate.json;
    match cmd {
        CalendarCmd::Import { file } => {
            let text = read_input(&file.to_string_lossy())?;
            let year = serde_json::from_str::<serde_json::Value>(&text).ok().and_then(|v| v["year"].as_i64());
            let years = answer!(gate.ask(Request::CalendarImport { text })?, Reply::CalendarYears);
            let y = years.into_iter().find(|y| Some(i64::from(y.year)) == year);
            let y = y.ok_or_else(|| HallError::invalid("日历文件中的年份未能导入"))?;
            if json {
                print_json(&y);
            } else {
                println!("已导入 {} 年节假日安排：{} 个节假日，{} 个调休上班日。", y.year, y.holidays, y.workdays);
            }
        }
        CalendarCmd::Due { accepted, days } => {
            let due = answer!(gate.ask(Request::DueDate { accepted, days })?, Reply::DueDate);
            if json {
                print_json(
                    &serde_json::json!({"due": due.date, "missing_years": due.missing_years, "warning": due.warning()}),
                );
            } else {
                println!("{}", due.date);
                if let Some(w) = due.warning() {
                    eprintln!("{w}");
                }
            }
        }
        CalendarCmd::List => {
            let ys = answer!(gate.ask(Request::CalendarYears)?, Reply::CalendarYears);
            if json {
                print_json(&ys);
            } else {
                for y in &ys {
                    println!(
                        "{} 年\t{} 个节假日\t{} 个调休上班日\t{}\t导入于 {}",
                        y.year, y.holidays, y.workdays, y.source, y.imported_at
                    );
                }
            }
        }
    }
    Ok(())
}

/// `user add`: an administrator's request (the new user changes the password at first login).
pub fn add_user(gate: &mut Gate, user: NewUser) -> Result<(), HallError> {
    let username = user.username.clone();
    let users = answer!(gate.ask(Request::AddUser { user })?, Reply::Users);
    let u = users.into_iter().find(|u| u.username == username.trim());
    let u = u.ok_or_else(|| HallError::not_found(format!("用户“{username}”不存在")))?;
    if gate.json {
        print_json(&u);
    } else {
        println!("已新增用户 {}（{}，{}），首次登录须修改密码。", u.username, u.name, u.role.label());
    }
    Ok(())
}

pub fn audit_verify(gate: &mut Gate) -> Result<ExitCode, HallError> {
    let r = answer!(gate.ask(Request::AuditVerify)?, Reply::Audit);
    if gate.json {
        print_json(&r);
    } else if r.intact {
        println!("事件记录完整：共 {} 条，哈希链无断裂", r.events);
    } else {
        println!("事件记录被改动：{}", r.broken);
    }
    Ok(if r.intact { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// `backup --out FILE`. The gate's `MakeBackup` writes into the hall's own backups folder;
/// a backup to a place county IT names is the same act, checked by the same role rule.
pub fn backup(gate: &mut Gate, out: PathBuf) -> Result<(), HallError> {
    let actor = authorize(&gate.session, &[Role::Admin])?.username.clone();
    let store = gate.store("备份到指定文件")?;
    let made = store.backup_to(&out)?;
    store.note_hall_event(&actor, "backup", &format!("备份到 {}", out.display()))?;
    if gate.json {
        print_json(&made);
    } else {
        println!("已备份到 {}（{:.1} MB）", made.path, made.bytes as f64 / 1e6);
    }
    Ok(())
}
