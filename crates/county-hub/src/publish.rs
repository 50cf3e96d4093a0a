//! Publishing what the halls pull: catalog versions, versions of the lists (权力清单, 责任清单,
//! 职责清单) and holiday calendars, checked with the very parsers the halls import them with,
//! so a file the hub accepts is one every hall can take.

use std::path::Path;

use deadpool_postgres::Client;
use hall_core::calendar::CalendarYear;
use hall_core::catalog::CatalogFile;
use hall_core::duties::DutyFile;
use hall_core::validate::clip;
use serde::de::DeserializeOwned;

use crate::db::db_error;

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("无法读取文件 {}：{e}", path.display()))
}

/// A versioned file the county publishes: where its versions are kept and what it is called.
struct Versioned {
    /// `(version, document)`; does nothing when the version is there.
    insert: &'static str,
    select: &'static str,
    /// 事项清单, 清单: in every message.
    name: &'static str,
}

const CATALOG: Versioned = Versioned {
    insert: "INSERT INTO catalog_versions (version, document) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING",
    select: "SELECT document FROM catalog_versions WHERE version = $1",
    name: "事项清单",
};

const DUTIES: Versioned = Versioned {
    insert: "INSERT INTO duty_versions (version, document) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING",
    select: "SELECT document FROM duty_versions WHERE version = $1",
    name: "清单",
};

/// Publishes `file` (parsed from `text`) as `version`. The same version again with the same
/// content changes nothing; with other content it is refused, since halls may already have
/// imported the first. `summary` says what was published.
async fn publish_version<F: DeserializeOwned + PartialEq>(
    client: &Client,
    kind: &Versioned,
    version: &str,
    file: &F,
    text: &str,
    summary: String,
) -> Result<String, String> {
    let name = kind.name;
    if version.trim().is_empty() {
        return Err(format!("{name}文件中没有版本号（\"version\"），未发布"));
    }
    let document: serde_json::Value = serde_json::from_str(text).expect("the parser accepted it as JSON");
    let inserted = client.execute(kind.insert, &[&version, &document]).await.map_err(db_error)?;
    if inserted == 1 {
        return Ok(format!("已发布{name} {version}（{summary}），各乡镇下次同步时导入"));
    }
    let stored: serde_json::Value = client.query_one(kind.select, &[&version]).await.map_err(db_error)?.get(0);
    // Same content, not same bytes: a re-saved file with other spacing or key order is the same.
    match serde_json::from_value::<F>(stored) {
        Ok(same) if same == *file => Ok(format!("{name} {version} 已发布过，内容相同，未做改动")),
        _ => Err(format!("{name} {version} 已发布过且内容不同，未发布。修改后的{name}请使用新的版本号")),
    }
}

/// Publishes a catalog version (the version is the file's).
pub async fn catalog(client: &Client, path: &Path) -> Result<String, String> {
    let text = read(path)?;
    let file = CatalogFile::parse_json(&text).map_err(|e| e.message)?;
    let summary = format!("{} 个事项", file.items.len());
    publish_version(client, &CATALOG, &file.version, &file, &text, summary).await
}

/// Publishes a version of the lists (the version is the file's). Every county department an
/// entry names must be among the file's units: a hall imports only departments it knows, and
/// the hub cannot know which each hall has.
pub async fn duties(client: &Client, path: &Path) -> Result<String, String> {
    let text = read(path)?;
    let file = DutyFile::parse_json(&text).map_err(|e| e.message)?;
    let unlisted = file.entries.iter().find_map(|e| {
        let d = e.department.as_ref()?;
        (!file.units.iter().any(|u| &u.code == d)).then_some((e, d))
    });
    if let Some((e, d)) = unlisted {
        return Err(format!(
            "{}“{}”的县级部门编码“{}”未在文件的 units 中列出，未发布：请在 units 中写明该部门的编码和名称",
            e.list.label(),
            clip(&e.code, 64),
            clip(d, 64)
        ));
    }
    let counts: Vec<String> = hall_core::duties::DutyList::ALL
        .iter()
        .map(|l| format!("{} {} 项", l.label(), file.entries.iter().filter(|e| e.list == *l).count()))
        .collect();
    publish_version(client, &DUTIES, &file.version, &file, &text, counts.join("，")).await
}

/// Publishes one year's holiday calendar, replacing what was published for that year.
pub async fn calendar(client: &Client, path: &Path) -> Result<String, String> {
    let text = read(path)?;
    let year = CalendarYear::parse_json(&text).map_err(|e| e.message)?;
    let document: serde_json::Value = serde_json::from_str(&text).expect("parse_json accepted it as JSON");
    client
        .execute(
            "INSERT INTO calendars (year, document) VALUES ($1, $2)
             ON CONFLICT (year) DO UPDATE SET document = EXCLUDED.document, published_at = now()",
            &[&year.year, &document],
        )
        .await
        .map_err(db_error)?;
    Ok(format!(
        "已发布 {} 年节假日日历（{} 个节假日，{} 个调休上班日），各乡镇下次同步时导入",
        year.year,
        year.holidays.len(),
        year.workdays.len()
    ))
}
