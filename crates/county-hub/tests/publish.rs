//! Publishing catalog versions and calendars from the command line, checked with the halls'
//! own parsers, and pulling them as a hall does.

mod common;

use std::path::{Path, PathBuf};

use common::hub::{add_township, cli, Hub};
use common::{connect, database, http};
use hall_core::calendar::CalendarYear as CalendarFile;
use hall_core::catalog::CatalogFile;
use serde_json::Value;
use sync_protocol::{CalendarUpdate, CatalogUpdate, VERSION_HEADER};

fn asset(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets").join(path)).expect("asset")
}

fn write(dir: &Path, name: &str, doc: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(doc).unwrap()).unwrap();
    path
}

/// Runs a publish command; (succeeded, stdout, stderr).
fn publish(url: &str, what: &str, file: &Path) -> (bool, String, String) {
    let out = cli(url, &[what, "publish", file.to_str().unwrap()]);
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (out.status.success(), text(out.stdout), text(out.stderr))
}

async fn pull<T: serde::de::DeserializeOwned>(hub: &Hub, token: &str, path: &str) -> T {
    let resp = http().get(format!("{}{path}", hub.url)).bearer_auth(token).header(VERSION_HEADER, "1").send();
    let resp = resp.await.unwrap();
    assert_eq!(resp.status(), 200, "{path}");
    resp.json().await.unwrap()
}

#[tokio::test]
async fn catalog_versions_are_published_once_and_pulled_in_order() {
    let url = database();
    let token = add_township(&url, "231221102", "卫星镇");
    let dir = tempfile::tempdir().unwrap();
    let demo: Value = serde_json::from_str(&asset("demo/catalog.json")).unwrap();
    let first_version = demo["version"].as_str().unwrap().to_string();
    let first = write(dir.path(), "first.json", &demo);

    let (ok, out, _) = publish(&url, "catalog", &first);
    assert!(ok && out.contains(&first_version), "{out}");
    let (ok, out, _) = publish(&url, "catalog", &first);
    assert!(ok && out.contains("内容相同"), "{out}");
    // Same version, other content: refused, since halls may have imported the first already.
    let mut changed = demo.clone();
    changed["items"][0]["name"] = "改过的事项名称".into();
    let (ok, _, err) = publish(&url, "catalog", &write(dir.path(), "changed.json", &changed));
    assert!(!ok && err.contains("内容不同"), "{err}");
    changed["version"] = "2026.12".into();
    assert!(publish(&url, "catalog", &write(dir.path(), "second.json", &changed)).0);

    // Files the halls could not import are refused with the halls' own messages.
    let mut bad_type = demo.clone();
    bad_type["version"] = "2027.01".into();
    bad_type["items"][0]["item_type"] = "随便".into();
    let (ok, _, err) = publish(&url, "catalog", &write(dir.path(), "bad.json", &bad_type));
    assert!(!ok && err.contains("事项类型"), "{err}");
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"version\": \"2027.02\",\n\"items\": [}").unwrap();
    let (ok, _, err) = publish(&url, "catalog", &broken);
    assert!(!ok && err.contains("第 2 行"), "{err}");
    let mut unversioned = demo.clone();
    unversioned["version"] = "".into();
    let (ok, _, err) = publish(&url, "catalog", &write(dir.path(), "unversioned.json", &unversioned));
    assert!(!ok && err.contains("版本号"), "{err}");
    let (ok, _, err) = publish(&url, "catalog", &dir.path().join("missing.json"));
    assert!(!ok && err.contains("无法读取文件"), "{err}");
    let db = connect(&url).await;
    let n: i64 = db.query_one("SELECT count(*) FROM catalog_versions", &[]).await.unwrap().get(0);
    assert_eq!(n, 2);

    let hub = Hub::start(&url, &[]);
    let all: CatalogUpdate = pull(&hub, &token, "/v1/catalog").await;
    let versions: Vec<&str> = all.versions.iter().map(|v| v.version.as_str()).collect();
    assert_eq!(versions, [first_version.as_str(), "2026.12"]);
    assert!(all.versions[0].published_at.ends_with("+08:00"));
    // What the hall gets is what was published, and its parser takes it.
    let pulled = CatalogFile::parse_json(&all.versions[0].document.to_string()).unwrap();
    assert_eq!(pulled, CatalogFile::parse_json(&asset("demo/catalog.json")).unwrap());
    let since_first: CatalogUpdate = pull(&hub, &token, &format!("/v1/catalog?since={first_version}")).await;
    assert_eq!(since_first.versions.len(), 1);
    assert_eq!(since_first.versions[0].version, "2026.12");
    let since_last: CatalogUpdate = pull(&hub, &token, "/v1/catalog?since=2026.12").await;
    assert!(since_last.versions.is_empty());
    let since_unknown: CatalogUpdate = pull(&hub, &token, "/v1/catalog?since=1999.01").await;
    assert_eq!(since_unknown.versions.len(), 2);

    let resp = http().get(format!("{}/v1/catalog", hub.url)).header(VERSION_HEADER, "1").send().await.unwrap();
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn a_calendar_replaces_its_year() {
    let url = database();
    let token = add_township(&url, "231221102", "卫星镇");
    let dir = tempfile::tempdir().unwrap();
    let y2026: Value = serde_json::from_str(&asset("calendar/cn-calendar-2026.json")).unwrap();
    let (ok, out, _) = publish(&url, "calendar", &write(dir.path(), "2026.json", &y2026));
    assert!(ok && out.contains("2026"), "{out}");

    let mut amended = y2026.clone();
    amended["source"] = "国务院办公厅通知（更正）".into();
    assert!(publish(&url, "calendar", &write(dir.path(), "2026b.json", &amended)).0);
    let y2027 =
        serde_json::json!({"year": 2027, "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-01"}]});
    assert!(publish(&url, "calendar", &write(dir.path(), "2027.json", &y2027)).0);
    let bad =
        serde_json::json!({"year": 2028, "holidays": [{"name": "元旦", "from": "2029-01-01", "to": "2029-01-01"}]});
    let (ok, _, err) = publish(&url, "calendar", &write(dir.path(), "bad.json", &bad));
    assert!(!ok && err.contains("不在 2028 年内"), "{err}");

    let hub = Hub::start(&url, &[]);
    let update: CalendarUpdate = pull(&hub, &token, "/v1/calendars").await;
    let years: Vec<i32> = update.years.iter().map(|y| y.year).collect();
    assert_eq!(years, [2026, 2027]);
    assert_eq!(update.years[0].document["source"], "国务院办公厅通知（更正）");
    let parsed = CalendarFile::parse_json(&update.years[0].document.to_string()).unwrap();
    assert_eq!(parsed.holidays, CalendarFile::parse_json(&asset("calendar/cn-calendar-2026.json")).unwrap().holidays);
}
