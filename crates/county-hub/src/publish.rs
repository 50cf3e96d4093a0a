//! Publishing what the halls pull: catalog versions and holiday calendars, checked with the
//! very parsers the halls import them with, so a file the hub accepts is one every hall can take.

use std::path::Path;

use deadpool_postgres::Client;
use hall_core::calendar::CalendarYear;
use hall_core::catalog::CatalogFile;

use crate::db::db_error;

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("无法读取文件 {}：{e}", path.display()))
}

/// Publishes a catalog version (the version is the file's). The same version again with the
/// same content changes nothing; with other content it is refused, since halls may already
/// have imported the first.
pub async fn catalog(client: &Client, path: &Path) -> Result<String, String> {
    let text = read(path)?;
    let file = CatalogFile::parse_json(&text).map_err(|e| e.message)?;
    let version = file.version.as_str();
    if version.trim().is_empty() {
        return Err("事项清单文件中没有版本号（\"version\"），未发布".into());
    }
    let document: serde_json::Value = serde_json::from_str(&text).expect("parse_json accepted it as JSON");
    let inserted = client
        .execute(
            "INSERT INTO catalog_versions (version, document) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING",
            &[&version, &document],
        )
        .await
        .map_err(db_error)?;
    if inserted == 1 {
        return Ok(format!("已发布事项清单 {version}（{} 个事项），各乡镇下次同步时导入", file.items.len()));
    }
    let stored: serde_json::Value = client
        .query_one("SELECT document FROM catalog_versions WHERE version = $1", &[&version])
        .await
        .map_err(db_error)?
        .get(0);
    // Same content, not same bytes: a re-saved file with other spacing or key order is the same.
    match serde_json::from_value::<CatalogFile>(stored) {
        Ok(same) if same == file => Ok(format!("事项清单 {version} 已发布过，内容相同，未做改动")),
        _ => Err(format!("事项清单 {version} 已发布过且内容不同，未发布。修改后的清单请使用新的版本号")),
    }
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
