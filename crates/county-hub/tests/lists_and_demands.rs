//! The township's lists (权力清单, 责任清单, 职责清单) published at the county and pulled into a
//! real hall store through the real hub, and citizens' answered demands going up with the
//! completed cases: stored once, confined to their township, without the citizen's name or phone.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use common::hub::{add_township, cli, Hub};
use common::{connect, database, hallctl, http, post, refusal};
use hall_core::demands::{DemandInput, DemandKind};
use hall_core::duties::DutyList;
use hall_core::Store;
use serde_json::{json, Value};
use sync_protocol::AckStatus::{Conflict, Stale, Stored};
use sync_protocol::{DemandBody, DemandRecord, PushRequest, PushResponse, PROTOCOL_VERSION};

const T: &str = "231221102";
const OTHER: &str = "231221103";
const NAME: &str = "赵群众";
const PHONE: &str = "13912345678";

/// A version of the lists as the county writes it.
fn lists(version: &str, duty_name: &str) -> Value {
    json!({
        "version": version,
        "units": [{"code": "C-MZJ", "name": "县民政局", "level": "county"}],
        "entries": [
            {"list": "职责清单", "code": "ZZ-001", "name": duty_name, "category": "社会建设",
             "basis": "《社会救助暂行办法》第十一条", "side": "部门牵头乡镇配合", "department": "C-MZJ",
             "township_duty": "受理、入户调查、公示", "department_duty": "审核确认"},
            {"list": "权力清单", "code": "QL-001", "name": "对违法建设的行政处罚", "category": "规划建设",
             "basis": "《城乡规划法》第六十五条", "side": "乡镇主责", "township_duty": "责令停止建设、限期改正"},
            {"list": "责任清单", "code": "ZR-001", "name": "安全生产监督检查", "category": "公共安全",
             "basis": "《安全生产法》第九条", "side": "乡镇主责", "township_duty": "日常检查"}
        ]
    })
}

fn write(dir: &Path, name: &str, doc: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(doc).unwrap()).unwrap();
    path
}

/// Runs `county-hub duties publish FILE`; (succeeded, stdout, stderr).
fn publish(url: &str, file: &Path) -> (bool, String, String) {
    let out = cli(url, &["duties", "publish", file.to_str().unwrap()]);
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (out.status.success(), text(out.stdout), text(out.stderr))
}

/// A hall of township `T` with its catalog and users, and `cases` completed cases waiting.
fn hall(dir: &Path, cases: usize) -> Store {
    let mut s = Store::open(dir.join("hall.db")).unwrap();
    s.init(T, "卫星镇", "test").unwrap();
    let catalog = hall_core::catalog::CatalogFile::parse_json(hall_core::demo::SAMPLE_CATALOG).unwrap();
    s.import_catalog(&catalog, "test").unwrap();
    hall_core::demo::add_sample_users(&mut s, false).unwrap();
    hall_core::demo::seed_refused(&mut s, cases, 0).unwrap();
    s
}

async fn pass(store: &Mutex<Store>, hub: &hall_sync::Hub) -> hall_sync::Report {
    hall_sync::pass(store, hub, &mut |_| {}).await.unwrap_or_else(|e| panic!("{}", e.message()))
}

async fn count(db: &tokio_postgres::Client, sql: &str) -> i64 {
    db.query_one(sql, &[]).await.unwrap().get(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_lists_come_down_into_a_real_hall_once() {
    let url = database();
    let token = add_township(&url, T, "卫星镇");
    let dir = tempfile::tempdir().unwrap();

    let (ok, out, _) = publish(&url, &write(dir.path(), "v1.json", &lists("2026.1", "农村低保对象初审")));
    assert!(ok && out.contains("已发布清单 2026.1") && out.contains("职责清单 1 项"), "{out}");
    let (ok, out, _) = publish(&url, &write(dir.path(), "v1-again.json", &lists("2026.1", "农村低保对象初审")));
    assert!(ok && out.contains("内容相同"), "{out}");
    // Refused, each in Chinese and with nothing stored: other content under a published version,
    // a file the halls' parser refuses, a department the file does not list, no version.
    let (ok, _, err) = publish(&url, &write(dir.path(), "changed.json", &lists("2026.1", "改过的名称")));
    assert!(!ok && err.contains("已发布过且内容不同"), "{err}");
    let mut no_basis = lists("2026.2", "农村低保对象初审");
    no_basis["entries"][1]["basis"] = "".into();
    let (ok, _, err) = publish(&url, &write(dir.path(), "no-basis.json", &no_basis));
    assert!(!ok && err.contains("QL-001") && err.contains("依据来源"), "{err}");
    let mut unlisted = lists("2026.2", "农村低保对象初审");
    unlisted["units"] = json!([]);
    let (ok, _, err) = publish(&url, &write(dir.path(), "unlisted.json", &unlisted));
    assert!(!ok && err.contains("C-MZJ") && err.contains("units"), "{err}");
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"version\": \"2026.2\",\n\"entries\": [}").unwrap();
    let (ok, _, err) = publish(&url, &broken);
    assert!(!ok && err.starts_with("错误：清单 JSON 第 2 行"), "{err}");
    let (ok, _, err) = publish(&url, &write(dir.path(), "unversioned.json", &lists("", "农村低保对象初审")));
    assert!(!ok && err.contains("没有版本号"), "{err}");
    let db = connect(&url).await;
    assert_eq!(count(&db, "SELECT count(*) FROM duty_versions").await, 1);

    let server = Hub::start(&url, &[]);
    let hub = hall_sync::Hub::new(&server.url, &token).unwrap();
    let store = Mutex::new(hall(dir.path(), 0));
    let r = pass(&store, &hub).await;
    assert_eq!(r.duty_versions, ["2026.1"]);
    {
        let s = store.lock().unwrap();
        let v = &s.duty_versions().unwrap()[0];
        assert_eq!(
            (v.version.as_str(), v.imported_by.as_str(), v.per_list.clone()),
            ("2026.1", "county-hub", vec![1, 1, 1])
        );
        let duty = s.duty_entry(DutyList::Duty, "ZZ-001").unwrap().unwrap();
        assert_eq!(duty.department_name.as_deref(), Some("县民政局"));
    }
    // Nothing new the second time.
    assert!(pass(&store, &hub).await.duty_versions.is_empty());

    // The next version comes down alone, through hallctl as a hall's operator runs it.
    assert!(publish(&url, &write(dir.path(), "v2.json", &lists("2026.2", "农村低保、特困对象初审"))).0);
    let db_path = dir.path().join("hall.db");
    drop(store);
    let o = std::process::Command::new(hallctl())
        .args(["--db", db_path.to_str().unwrap(), "sync", "--once", "--hub", &server.url, "--token", &token])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success() && said.contains("已导入县级发布的清单 2026.2"), "{said}");
    assert!(!said.contains("清单 2026.1"), "{said}");
    let s = Store::open(&db_path).unwrap();
    assert_eq!(s.current_duty_version().unwrap().as_deref(), Some("2026.2"));
    assert_eq!(s.duty_entry(DutyList::Duty, "ZZ-001").unwrap().unwrap().entry.name, "农村低保、特困对象初审");
}

/// Logs a suggestion with the citizen's name and phone, adopts and answers it.
fn answered_suggestion(s: &mut Store) -> String {
    let input = DemandInput {
        kind: DemandKind::Suggestion,
        category: "基础设施".into(),
        village: "红星村".into(),
        content: "建议在村口增设路灯".into(),
        citizen_name: NAME.into(),
        phone: PHONE.into(),
    };
    let number = s.log_demand(&input, "clerk1").unwrap().number;
    s.review_demand(&number, true, "纳入明年计划", "zhuren").unwrap();
    s.answer_demand(&number, "已纳入2027年村级建设计划", "zhuren").unwrap();
    number
}

async fn push(token: &str, hub: &str, req: &PushRequest) -> reqwest::Response {
    post(&http(), hub, token).json(req).send().await.unwrap()
}

fn demand_push(township: &str, demands: Vec<DemandRecord>) -> PushRequest {
    PushRequest { protocol: PROTOCOL_VERSION, township: township.into(), cases: vec![], demands }
}

fn record(revision: u32, body: DemandBody) -> DemandRecord {
    DemandRecord { revision, content_hash: body.content_hash(), body }
}

#[tokio::test(flavor = "multi_thread")]
async fn answered_demands_go_up_with_the_cases_once_and_stay_their_townships() {
    let url = database();
    let token = add_township(&url, T, "卫星镇");
    let other_token = add_township(&url, OTHER, "红旗镇");
    let server = Hub::start(&url, &[]);
    let hub = hall_sync::Hub::new(&server.url, &token).unwrap();
    let db = connect(&url).await;
    let dir = tempfile::tempdir().unwrap();
    let mut s = hall(dir.path(), 3);
    let number = answered_suggestion(&mut s);
    assert_eq!(s.outbox_counts().unwrap().pending, 4, "three cases and the demand wait");

    // The first push's answer is lost: the hub stored it, the hall still holds it as sent.
    let batch = s.outbox_batch(sync_protocol::BATCH).unwrap();
    assert_eq!((batch.cases.len(), batch.demands.len()), (3, 1), "one push carries both");
    let req =
        PushRequest { protocol: PROTOCOL_VERSION, township: T.into(), cases: batch.cases, demands: batch.demands };
    let resp = push(&token, &server.url, &req).await;
    assert_eq!(resp.status(), 200);
    let answer: PushResponse = resp.json().await.unwrap();
    assert_eq!(answer.demand_acks.iter().map(|a| a.status).collect::<Vec<_>>(), [Stored]);
    // The hall's next pass sends it again: duplicate, acknowledged, stored once.
    let store = Mutex::new(s);
    let r = pass(&store, &hub).await;
    assert_eq!((r.progress.sent, r.progress.acknowledged, r.pending), (4, 4, 0));
    assert_eq!(count(&db, "SELECT count(*) FROM demands").await, 1);
    assert_eq!(count(&db, "SELECT count(*) FROM cases").await, 3);

    // What the hub holds is what the county needs: no name, no phone.
    let row = db
        .query_one(
            "SELECT township, revision, body, kind, adopted, day::text FROM demands WHERE number = $1",
            &[&number],
        )
        .await
        .unwrap();
    let body: Value = row.get("body");
    assert_eq!((row.get::<_, String>("township"), row.get::<_, i64>("revision")), (T.to_string(), 1));
    assert_eq!(
        (row.get::<_, String>("kind"), row.get::<_, Option<bool>>("adopted")),
        ("suggestion".to_string(), Some(true))
    );
    let keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["answer", "answered_at", "category", "content", "kind", "logged_at", "number", "review", "state", "village"]
    );
    let text = body.to_string();
    assert!(!text.contains(NAME) && !text.contains(PHONE) && !text.contains("5678"), "{text}");
    assert_eq!(
        (body["content"].as_str(), body["review"]["adopted"].as_bool()),
        (Some("建议在村口增设路灯"), Some(true))
    );
    let stored: DemandBody = serde_json::from_value(body).unwrap();

    // Another township's hall may have a demand of the same number: it is its own and never
    // touches this one; naming this township with the other's token is refused.
    let mut theirs = stored.clone();
    theirs.content = "别的乡镇的诉求".into();
    let resp = push(&other_token, &server.url, &demand_push(OTHER, vec![record(2, theirs.clone())])).await;
    assert_eq!(resp.status(), 200);
    let resp = push(&other_token, &server.url, &demand_push(T, vec![record(3, theirs.clone())])).await;
    let (status, code, message) = refusal(resp).await;
    assert_eq!((status, code.as_str()), (403, "forbidden"), "{message}");
    let held = db.query_one("SELECT revision, content_hash FROM demands WHERE township = $1", &[&T]).await.unwrap();
    assert_eq!((held.get::<_, i64>("revision"), held.get::<_, String>("content_hash")), (1, stored.content_hash()));
    assert_eq!(count(&db, "SELECT count(*) FROM demands").await, 2);

    // The same revision with other content from its own hall: a conflict, both kept; a later
    // revision settles it.
    let mut changed = stored.clone();
    changed.answer = "另一答复".into();
    let conflicting = demand_push(T, vec![record(1, changed.clone())]);
    for _ in 0..2 {
        let answer: PushResponse = push(&token, &server.url, &conflicting).await.json().await.unwrap();
        assert_eq!(answer.demand_acks[0].status, Conflict);
    }
    let row = db.query_one("SELECT stored_body, incoming_body FROM demand_conflicts", &[]).await.unwrap();
    let (kept, incoming): (Value, Value) = (row.get("stored_body"), row.get("incoming_body"));
    assert_eq!(
        (kept["answer"].as_str(), incoming["answer"].as_str()),
        (Some("已纳入2027年村级建设计划"), Some("另一答复"))
    );
    let overview: Value = http().get(format!("{}/v1/overview", server.url)).send().await.unwrap().json().await.unwrap();
    let mine = &overview["townships"][0];
    assert_eq!(mine["code"], T);
    assert_eq!(mine["demands"], json!({"total": 1, "suggestions": 1, "adopted": 1, "open_conflicts": 1}));
    let answer: PushResponse =
        push(&token, &server.url, &demand_push(T, vec![record(2, changed)])).await.json().await.unwrap();
    assert_eq!(answer.demand_acks[0].status, Stored);
    let page = http().get(format!("{}/overview", server.url)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("群众诉求") && page.contains("其中人民建议"), "{page}");
    let overview: Value = http().get(format!("{}/v1/overview", server.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(overview["townships"][0]["demands"]["open_conflicts"], 0);
    // A repeat of the settled revision changes nothing.
    let stale: PushResponse =
        push(&token, &server.url, &demand_push(T, vec![record(1, stored)])).await.json().await.unwrap();
    assert_eq!(stale.demand_acks[0].status, Stale);
}
