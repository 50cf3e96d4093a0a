//! Serving: the overview's figures against what was pushed, several instances on one database,
//! HTTPS with a certificate, and start-up failures reported in Chinese.

mod common;

use common::hub::{add_township, cli, Hub};
use common::{body, connect, database, http, http_builder, push_ok, push_request, record};
use serde_json::{json, Value};
use sync_protocol::AckStatus::{Duplicate, Stored};

const A: &str = "231221102";
const B: &str = "231221103";

#[tokio::test]
async fn the_overview_counts_what_was_pushed() {
    let url = database();
    let token_a = add_township(&url, A, "卫星镇<b>&\"");
    let token_b = add_township(&url, B, "惠头镇");
    let hub = Hub::start(&url, &[]);
    let http = http();

    let mut refused = body(A, 3, "2026-11-20", "-", None);
    refused.due_date = None;
    refused.state = "refused".into();
    let a_cases = vec![
        record(1, 1, body(A, 1, "2026-11-20", "2026-12-01", Some(5))),
        record(2, 1, body(A, 2, "2026-11-20", "2026-11-19", Some(3))),
        record(3, 1, refused),
        record(4, 1, body(A, 4, "2026-11-21", "2026-11-21", None)),
        record(5, 1, body(A, 5, "2026-10-31", "2026-11-30", Some(1))),
    ];
    push_ok(&http, &hub.url, &token_a, &push_request(A, a_cases)).await;
    push_ok(
        &http,
        &hub.url,
        &token_b,
        &push_request(B, vec![record(6, 1, body(B, 1, "2026-11-20", "2026-11-30", Some(1)))]),
    )
    .await;

    let get = |path: &str| http.get(format!("{}{path}", hub.url)).send();
    let overview: Value = get("/v1/overview?from=2026-11-01&to=2026-11-30").await.unwrap().json().await.unwrap();
    let a = &overview["townships"][0];
    assert_eq!((a["code"].as_str(), a["name"].as_str()), (Some(A), Some("卫星镇<b>&\"")));
    assert_eq!((&a["cases"], &a["timed"], &a["on_time"]), (&json!(4), &json!(3), &json!(2)));
    assert!((a["on_time_rate"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!((&a["ratings"], &a["rating_average"], &a["open_conflicts"]), (&json!(2), &json!(4.0), &json!(0)));
    assert_eq!(
        a["days"],
        json!([
            {"day": "2026-11-20", "cases": 3, "timed": 2, "on_time": 1, "on_time_rate": 0.5, "ratings": 2, "rating_average": 4.0},
            {"day": "2026-11-21", "cases": 1, "timed": 1, "on_time": 1, "on_time_rate": 1.0, "ratings": 0, "rating_average": null},
        ])
    );
    let b = &overview["townships"][1];
    assert_eq!((&b["cases"], &b["on_time_rate"], &b["rating_average"]), (&json!(1), &json!(1.0), &json!(1.0)));

    let page = get("/overview?from=2026-11-01&to=2026-11-30").await.unwrap();
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let page = page.text().await.unwrap();
    assert!(page.contains("卫星镇&lt;b&gt;&amp;&quot;"), "{page}");
    assert!(!page.contains("<b>"));
    assert!(page.contains("66.7%") && page.contains("4.00") && page.contains("没有未解决的冲突"));

    for bad in ["?from=2026-12-01&to=2026-11-01", "?from=yesterday", "?from=2020-01-01&to=2026-01-01"] {
        let resp = get(&format!("/v1/overview{bad}")).await.unwrap();
        assert_eq!(resp.status(), 400, "{bad}");
        assert_eq!(resp.json::<Value>().await.unwrap()["code"], "malformed");
    }
}

#[tokio::test]
async fn instances_started_together_share_one_database() {
    let url = database();
    // Both migrate the empty database at once; the advisory lock lets one go first.
    let (one, two) = std::thread::scope(|s| {
        let one = s.spawn(|| Hub::start(&url, &[]));
        let two = s.spawn(|| Hub::start(&url, &[]));
        (one.join().unwrap(), two.join().unwrap())
    });
    let db = connect(&url).await;
    let versions: i64 = db.query_one("SELECT count(*) FROM schema_version", &[]).await.unwrap().get(0);
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations")).unwrap().count() as i64;
    assert_eq!(versions, files, "each migration recorded once");

    let token = add_township(&url, A, "卫星镇");
    let http = http();
    let batch = push_request(A, vec![record(1, 1, body(A, 1, "2026-11-20", "2026-12-01", Some(5)))]);
    assert_eq!(push_ok(&http, &one.url, &token, &batch).await, [Stored]);
    assert_eq!(push_ok(&http, &two.url, &token, &batch).await, [Duplicate]);
    let overview: Value = http
        .get(format!("{}/v1/overview?from=2026-11-20&to=2026-11-20", two.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(overview["townships"][0]["cases"], 1);
}

#[tokio::test]
async fn https_with_a_certificate() {
    let url = database();
    let token = add_township(&url, A, "卫星镇");
    let dir = tempfile::tempdir().unwrap();
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&key, &rcgen::Issuer::from_params(&ca, &ca_key))
        .unwrap();
    let (cert_path, key_path) = (dir.path().join("hub.pem"), dir.path().join("hub.key"));
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();

    let hub = Hub::start(&url, &["--tls-cert", cert_path.to_str().unwrap(), "--tls-key", key_path.to_str().unwrap()]);
    let base = hub.url.replace("https://127.0.0.1", "https://localhost");
    assert!(hub.url.starts_with("https://"));
    let trusted = reqwest::Certificate::from_pem(ca_cert.pem().as_bytes()).unwrap();
    let https = http_builder().tls_certs_only([trusted]).build().unwrap();
    assert_eq!(https.get(format!("{base}/healthz")).send().await.unwrap().text().await.unwrap(), "ok");
    let batch = push_request(A, vec![record(1, 1, body(A, 1, "2026-11-20", "2026-12-01", None))]);
    assert_eq!(push_ok(&https, &base, &token, &batch).await, [Stored]);
    // Plain HTTP to the TLS port gets no answer.
    assert!(http().get(format!("{}/healthz", base.replace("https", "http"))).send().await.is_err());

    let out =
        cli(&url, &["--listen", "127.0.0.1:0", "--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("无法读取 TLS 证书"));
}

#[test]
fn a_database_it_cannot_use_is_reported_in_chinese() {
    let out = cli("postgres://postgres@127.0.0.1:1/none", &["township", "add", A, "卫星镇"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("错误：无法连接数据库"), "{out:?}");
    let out = cli("postgres://a:b:c@/x?bogus=1", &["township", "add", A, "卫星镇"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("数据库地址无效"), "{out:?}");
}
