//! The standby host through the real windows: app A is the hall host, a standby host (the
//! hall-host code that `hallctl host standby` runs, in this test's process) pairs with a code
//! from A's 大厅网络 tab and follows, A's tab shows it in sync, desk B learns it from the host.
//! A dies; the standby is promoted; B says so and an administrator confirms at B; B signs in at
//! the promoted standby and finds the case it took in before A died.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hall_core::catalog::CaseKind;
use hall_host::standby::{self, Pairing};
use hall_host::Pin;

use crate::demo_db;
use crate::network::{open_network_tab, shows, until};
use crate::window::Window;
use crate::workflow::{fill_intake, item, result_number};

const DESK: &str = "3号综合受理窗口";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn new_code(a: &Window) -> String {
    let before = a.text("[data-testid=pair-code-value]").await.unwrap_or_default();
    a.click("[data-testid=pair-code-new]").await;
    for _ in 0..100 {
        let now = a.text_contains("[data-testid=pair-code-value]", "-").await.trim().to_string();
        if now != before.trim() {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no new pairing code shown")
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver and the built UI: run by scripts/test"]
async fn a_desk_follows_the_standby_once_an_administrator_confirms() {
    let (dir_a, db_a) = demo_db();
    let port = free_port();
    std::fs::write(dir_a.path().join("network.json"), format!(r#"{{"mode":"host","listen":"127.0.0.1:{port}"}}"#))
        .unwrap();
    let (_, key) = item(&db_a, CaseKind::Promised);
    let host_url = format!("https://127.0.0.1:{port}");

    let a = Window::open(&db_a, None).await;
    a.login_as("admin").await;
    open_network_tab(&a).await;
    a.el("[data-testid=standby-none]").await;
    let host_pin = a.el("[data-testid=host-fingerprint]").await.attr("data-fingerprint").await.unwrap().unwrap();

    // The standby pairs with a code from the tab and follows.
    let spare = tempfile::tempdir().unwrap();
    let sdb = spare.path().join("hall.db");
    let sport = free_port();
    let listen: SocketAddr = format!("127.0.0.1:{sport}").parse().unwrap();
    let address = format!("https://127.0.0.1:{sport}");
    let code = new_code(&a).await;
    let pairing = Pairing {
        host: host_url.clone(),
        pin: Pin::parse(&host_pin).unwrap(),
        code,
        name: "备用主机".into(),
        listen,
        address: address.clone(),
    };
    let mut identity = standby::pair(&sdb, pairing).await.unwrap();
    let stop = Arc::new(tokio::sync::Notify::new());
    let following = {
        let (sdb, identity, stop) = (sdb.clone(), identity.clone(), stop.clone());
        tokio::spawn(async move {
            standby::follow(&sdb, &identity, async move { stop.notified().await }, &mut |p| eprintln!("standby: {p:?}"))
                .await
        })
    };
    shows(&a, "[data-testid=standby-state]", "已同步", Duration::from_secs(20)).await;
    a.text_contains("[data-testid=standby-detail]", "等备用主机收到").await;
    a.text_contains("[data-testid=standby-facts]", &address).await;
    a.screenshot("60-host-standby-in-sync").await;

    // Desk B pairs with A and takes a case in.
    let code = new_code(&a).await;
    let dir_b = tempfile::tempdir().unwrap();
    let (db_b, net_b) = (dir_b.path().join("hall.db"), dir_b.path().join("network.json"));
    let b = Window::open_with(&db_b, None, &[("YICHUANG_NETWORK", &net_b)]).await;
    b.click("[data-testid=welcome-connect]").await;
    b.type_into("input[data-testid=pair-url]", &format!("127.0.0.1:{port}")).await;
    b.type_into("input[data-testid=pair-code]", &code).await;
    b.type_into("input[data-testid=pair-name]", DESK).await;
    b.click("[data-testid=pair-submit]").await;
    b.click("[data-testid=pair-done]").await;
    b.login_as("clerk1").await;
    fill_intake(&b, &key, true).await;
    b.keys("input[data-testid=intake-address]", "\u{E009}\u{E007}\u{E000}").await;
    let number = result_number(&b).await;
    // B learns the standby from its host's heartbeat (kept in network.json).
    let learnt = async {
        loop {
            let config = std::fs::read_to_string(&net_b).unwrap_or_default();
            if config.contains(&identity.fingerprint) {
                return config;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), learnt).await.expect("the desk learnt the standby");

    // A dies. Until the standby is promoted, B says only that the host is gone.
    a.close().await;
    until(&b, "[data-testid=host-banner][data-problem=unreachable]", true, Duration::from_secs(5)).await;
    stop.notify_one();
    following.await.unwrap().unwrap();
    let reached = standby::promote(&sdb, &mut identity, "县信息中心").unwrap();
    eprintln!("promoted at {reached}");
    let promoted = hall_host::start(hall_host::HostConfig::new(sdb.clone(), listen)).await.unwrap();
    assert_eq!(promoted.fingerprint, identity.fingerprint, "the promoted standby shows the certificate desks learnt");

    until(&b, "[data-testid=host-banner][data-problem=standby_took_over]", true, Duration::from_secs(10)).await;
    b.text_contains("[data-testid=host-banner]", "备用主机已接替").await;
    b.screenshot("61-desk-standby-took-over").await;
    // A clerk cannot confirm; an administrator can.
    b.type_into("input[data-testid=follow-admin]", "clerk1").await;
    b.type_into("input[data-testid=follow-password]", &crate::password("clerk1")).await;
    b.click("[data-testid=follow-confirm]").await;
    b.text_contains("[data-testid=follow-error]", "系统管理员").await;
    b.type_into("input[data-testid=follow-admin]", "admin").await;
    b.type_into("input[data-testid=follow-password]", &crate::password("admin")).await;
    b.click("[data-testid=follow-confirm]").await;
    b.text_contains("[data-testid=login-notice]", "已改连").await;
    b.screenshot("62-desk-followed-standby").await;
    let config = std::fs::read_to_string(&net_b).unwrap();
    assert!(config.contains(&address) && config.contains(&identity.fingerprint), "{config}");
    b.login_as("clerk1").await;
    b.click("[data-testid=nav-pickup]").await;
    b.el("[data-testid=pickup-table]").await;
    let store = hall_core::Store::open_reader(&sdb).unwrap();
    assert!(store.case_detail(&number).is_ok(), "the case taken in before the host died is at the standby");
    b.close().await;
    promoted.stop().await;
    drop((dir_a, dir_b, spare));
}
