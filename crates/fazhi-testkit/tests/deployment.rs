//! The proxy deployment of docs/deployment.md (issue 13 §12): with `secure_cookies` every cookie
//! is `Secure` and every answer carries HSTS; with `client_ip_header` the login limits count the
//! address the proxy passes, and only a loopback connection (the proxy) may pass one.

use fazhi_app::FixedClock;
use fazhi_testkit::web::page_login;
use fazhi_testkit::{d, spawn, with_org_and, Backend};
use std::sync::Arc;

#[tokio::test]
async fn behind_the_proxy_cookies_are_secure_and_addresses_come_from_its_header() {
    let t = with_org_and(
        Backend::Sqlite,
        Arc::new(FixedClock(d("2024-12-31"))),
        |c| {
            c.secure_cookies = true;
            c.client_ip_header = Some("X-Real-IP".into());
        },
    )
    .await;
    let base = spawn(t.app.clone()).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // The login page: its form cookie is Secure, and the answer carries HSTS.
    let r = http.get(format!("{base}/login")).send().await.unwrap();
    assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000");
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("fazhi_login="), "{cookie}");
    for flag in ["Secure", "HttpOnly", "SameSite=Strict"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    // Signed in: the session cookie is Secure too.
    let r = page_login(
        &http,
        &base,
        &[
            ("username", "fuyi"),
            ("password", fazhi_app::demo::DEMO_PASSWORD),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with(fazhi_web::SESSION_COOKIE), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    // Errors too.
    let r = http.get(format!("{base}/nowhere")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.headers().contains_key("strict-transport-security"));

    // The test connects over loopback, as the proxy does: a failed login is counted under the
    // address in X-Real-IP, not under the proxy's.
    let fail = |ip: Option<&'static str>| {
        let mut req = http
            .post(format!("{base}/api/v1/session"))
            .json(&serde_json::json!({"username": "fuyi", "password": "wrong"}));
        if let Some(ip) = ip {
            req = req.header("X-Real-IP", ip);
        }
        async move { assert_eq!(req.send().await.unwrap().status(), 422) }
    };
    fail(Some("203.0.113.7")).await;
    // X-Forwarded-For as nginx's $proxy_add_x_forwarded_for makes it: what the client claimed,
    // then the address the proxy saw. Only the proxy's (last) entry counts.
    fail(Some("198.51.100.99, 203.0.113.7")).await;
    fail(None).await;
    let addrs: Vec<(String, i64)> = sqlx::query_as(
        "SELECT addr, failures FROM login_failures WHERE username = 'fuyi' ORDER BY addr",
    )
    .fetch_all(&t.app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        addrs,
        [("127.0.0.1".to_string(), 1), ("203.0.113.7".to_string(), 2)]
    );
}

#[tokio::test]
async fn without_the_setting_the_header_is_ignored() {
    let t = with_org_and(
        Backend::Sqlite,
        Arc::new(FixedClock(d("2024-12-31"))),
        |_| {},
    )
    .await;
    let base = spawn(t.app.clone()).await;
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{base}/api/v1/session"))
        .header("X-Real-IP", "203.0.113.7")
        .json(&serde_json::json!({"username": "fuyi", "password": "wrong"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(!r.headers().contains_key("strict-transport-security"));
    let addrs: Vec<String> = sqlx::query_scalar("SELECT addr FROM login_failures")
        .fetch_all(&t.app.db.pool)
        .await
        .unwrap();
    assert_eq!(addrs, ["127.0.0.1"]);
}
