//! The hall's data safety from the command line: restoring (on this hall, or on a new PC with
//! the recovery code), the 数据恢复凭证 and the key behind it, and the full check of the file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use hall_core::api::{Reply, Request};
use hall_core::store::{BackupFacts, RecoveryCode};
use hall_core::HallError;
use zeroize::Zeroizing;

use crate::print_json;
use crate::session::Gate;

pub fn restore(gate: &mut Gate, file: PathBuf, recovery_code: Option<String>) -> Result<(), HallError> {
    let req = Request::RestoreBackup {
        path: file.to_string_lossy().into_owned(),
        recovery_code: recovery_code.map(Zeroizing::new),
    };
    let facts = answer!(gate.ask(req)?, Reply::Restored);
    said_restored(&file, &facts, gate.json, "恢复前的数据另存在 backups/ 目录");
    Ok(())
}

fn said_restored(file: &Path, facts: &BackupFacts, json: bool, kept: &str) {
    if json {
        print_json(facts);
    } else {
        println!(
            "已从 {} 恢复：{} {}，{} 件办件；{kept}",
            file.display(),
            facts.township_code,
            facts.township_name,
            facts.cases
        );
    }
}

/// `restore FILE` on a PC with no hall: the backup becomes the hall, under the key of the
/// recovery code (so the sheet in the 档案柜 stays valid). Not a request: there is no hall yet
/// for a gate to stand in front of; the restore's event is the operator's, as `init`'s is.
pub fn restore_new(db: &Path, file: &Path, code: Option<&str>, json: bool) -> Result<(), HallError> {
    let code = code.map(RecoveryCode::parse).transpose()?;
    let (_store, facts) = hall_core::store::restore_new(db, file, code.as_ref(), hall_core::store::OPERATOR)?;
    said_restored(
        file,
        &facts,
        json,
        "原有的账号和设置都已恢复；县级平台的接入令牌须重新输入（系统管理 → 县级平台，或 hallctl sync --token）",
    );
    Ok(())
}

/// `key sheet [--out FILE] [--show]`: the sheet printed or saved (an event each time); with
/// `--show` the code itself as the last line, for county IT's register.
pub fn key_sheet(gate: &mut Gate, out: Option<PathBuf>, show: bool) -> Result<(), HallError> {
    crate::papers::emit(gate, hall_core::documents::DocRequest::RecoverySheet, out)?;
    if show {
        let shown = answer!(gate.ask(Request::ShowRecoveryCode)?, Reply::RecoveryCodeShown);
        if gate.json {
            print_json(&shown);
        } else {
            println!("凭证编号：{}", shown.fingerprint);
            println!("恢复码：{}", shown.code);
        }
    }
    Ok(())
}

pub fn rotate_key(gate: &mut Gate) -> Result<(), HallError> {
    let done = answer!(gate.ask(Request::RotateKey)?, Reply::KeyRotated);
    if gate.json {
        print_json(&done);
    } else {
        println!(
            "已更换数据库密钥：凭证编号 {} 的数据恢复凭证已作废，新凭证编号 {}；本机备份 {} 份已改用新密钥。请立即打印新凭证（hallctl key sheet）放入档案柜，销毁旧凭证",
            done.old_fingerprint, done.new_fingerprint, done.backups_rekeyed
        );
    }
    Ok(())
}

/// `check`: the full check now; exit non-zero when it found damage.
pub fn check(gate: &mut Gate) -> Result<ExitCode, HallError> {
    let c = answer!(gate.ask(Request::CheckIntegrity)?, Reply::Integrity);
    if gate.json {
        print_json(&c);
    } else if c.ok {
        println!("数据库完整：每一页都已检查（{}）", c.at);
    } else {
        println!(
            "数据库已损坏：{}。已停止保存，请从最近一份完好的备份恢复（hallctl restore 备份文件）并联系县信息中心",
            c.findings.join("；")
        );
    }
    Ok(if c.ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
