//! Commands that are not hall requests by nature, so they work on the store directly:
//! `check-id` needs no hall at all; `init` makes the hall before any account exists to sign in
//! with; `demo` and `seed` build a sample or benchmark hall through the real intake and
//! lifecycle code. Each records who acted: `init` as the operator (`hallctl（操作员）`), `demo`
//! and `seed` as the sample data they are (`demo`, `seed`).

use std::path::Path;
use std::process::ExitCode;

use hall_core::lifecycle::Role;
use hall_core::store::{NewUser, OPERATOR};
use hall_core::{HallError, Store};

use crate::print_json;

pub fn check_id(org: bool, number: &str, json: bool) -> ExitCode {
    // Only the birth date's plausibility needs a date; no hall (and so no hall clock) is open.
    let today = match hall_core::clock::today() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("错误：{}", e.message);
            return ExitCode::from(2);
        }
    };
    let r =
        if org { hall_core::validate::credit_code(number) } else { hall_core::validate::resident_id(number, today) };
    match r {
        Ok(n) => {
            if json {
                print_json(&serde_json::json!({"valid": true, "normalized": n}));
            } else {
                println!("有效");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            if json {
                print_json(&serde_json::json!({"valid": false, "reason": e.message}));
            } else {
                println!("无效：{}", e.message);
            }
            eprintln!("错误：{}", e.message);
            ExitCode::from(1)
        }
    }
}

pub fn init(
    store: &mut Store,
    db: &Path,
    code: &str,
    name: &str,
    admin_password: Option<String>,
    json: bool,
) -> Result<(), HallError> {
    store.init(code, name, OPERATOR)?;
    let mut admin = None;
    if store.user_count()? == 0 {
        let generated = admin_password.is_none();
        let password = admin_password.unwrap_or_else(random_password);
        let admin_user = NewUser {
            username: "admin".into(),
            name: "系统管理员".into(),
            role: Role::Admin,
            unit: None,
            password: password.clone().into(),
            must_change_password: generated,
        };
        store.add_user(&admin_user, OPERATOR)?;
        admin = Some(password);
    }
    let info = store.hall_info()?;
    if json {
        print_json(&serde_json::json!({"db": db, "hall": info, "admin_password": admin}));
    } else {
        println!("数据库已就绪：{}", db.display());
        println!("乡镇：{} {}", info.township_code, info.township_name);
        // The sheet is made now, printed where a printer is: the admin's first sign-in in the
        // window offers it too.
        println!(
            "数据恢复凭证（凭证编号 {}）：请立即打印并封存在档案柜（hallctl key sheet，或 系统管理 → 数据安全）",
            store.recovery_code()?.fingerprint()
        );
        if let Some(p) = admin {
            println!("已创建管理员账号 admin，密码：{p}（首次登录后请修改）");
        }
    }
    Ok(())
}

/// A random initial password that meets the strength rule (OS randomness through uuid v4).
fn random_password() -> String {
    let u = uuid::Uuid::new_v4().simple().to_string();
    format!("Yc-{}{}", &u[..8], u[8..12].to_uppercase())
}

pub fn demo(store: &mut Store, db: &Path, json: bool) -> Result<(), HallError> {
    let s = hall_core::demo::load_demo(store, 30, 12)?;
    if json {
        print_json(&s);
        return Ok(());
    }
    if s.already_loaded {
        println!("示例数据已在库中（{} 件办件），未重复装入。", s.cases);
    } else {
        println!(
            "已装入示例乡镇 {} {}：{} 件办件（示例数据，人员均为虚构）。",
            s.township_code, s.township_name, s.cases
        );
    }
    println!("数据库：{}", db.display());
    println!("演示账号（用户名 / 密码 / 角色）：");
    for u in &s.users {
        println!("  {:<16} {:<14} {}", u.username, u.password, u.role.label());
    }
    Ok(())
}

pub fn seed(store: &mut Store, cases: usize, years: i64, json: bool) -> Result<(), HallError> {
    let n = hall_core::demo::seed(store, cases, chrono::Duration::days(365 * years), &mut |done| {
        if !json {
            eprint!("\r已生成 {done}/{cases} 件");
        }
    })?;
    if json {
        print_json(&serde_json::json!({"cases": n}));
    } else {
        eprintln!();
        println!("已生成 {n} 件合成办件（分布在最近 {years} 年）。");
    }
    Ok(())
}
