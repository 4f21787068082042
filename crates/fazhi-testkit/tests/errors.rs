//! Every error goes through the one error path (issue 13 §9): the framework's own refusals — a
//! path id that is not a number, a body over the limit, a method the route lacks, a malformed
//! upload — answer with the security headers, a stable code and a Chinese message, as JSON for
//! the API and as the error page otherwise.

use fazhi_testkit::web::{Answer, Web};
use fazhi_testkit::{d, spawn, with_org, Backend};

fn assert_hardened(a: &Answer, what: &str) {
    for h in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "x-request-id",
    ] {
        assert!(a.headers.contains_key(h), "{what}: no {h}");
    }
}

#[tokio::test]
async fn framework_refusals_are_ours() {
    let t = with_org(Backend::Sqlite, d("2024-12-31")).await;
    let web = Web::new(spawn(t.app.clone()).await);
    let fuyi = web.login("fuyi").await;
    let api = |path: &str| {
        web.http
            .get(format!("{}{path}", web.base))
            .bearer_auth(&fuyi.token)
    };

    // A path id that is not a number: was "Invalid URL: Cannot parse `abc` to a `i64`".
    let a = Web::answer(api("/api/v1/rc/cases/abc")).await;
    assert_eq!(a.status, 400);
    assert_hardened(&a, "bad id (API)");
    let j = a.json();
    assert_eq!(j["code"], "invalid_path", "{}", a.text());
    assert_eq!(j["field"], "id");
    assert!(j["message"].as_str().unwrap().contains("“abc”"), "{j}");
    let a = web.get(&fuyi, "/rc/cases/abc").await;
    assert_eq!(a.status, 400);
    assert!(
        a.content_type.starts_with("text/html"),
        "{}",
        a.content_type
    );
    assert!(a.text().contains("网址中的编号“abc”不正确"), "{}", a.text());
    assert!(!a.text().contains("Invalid URL"));
    assert_hardened(&a, "bad id (page)");

    // A body over the limit, refused by its length before it is read: had no security headers.
    let a = Web::answer(
        web.http
            .post(format!("{}/api/v1/rc/import", web.base))
            .bearer_auth(&fuyi.token)
            .body(vec![b'x'; fazhi_app::xlsx::MAX_UPLOAD + 2 * 1024 * 1024]),
    )
    .await;
    assert_eq!(a.status, 413);
    assert_hardened(&a, "413");
    assert_eq!(a.json()["code"], "file_too_large", "{}", a.text());

    // A method the route does not have.
    let a = Web::answer(
        web.http
            .put(format!("{}/api/v1/rc/cases", web.base))
            .bearer_auth(&fuyi.token),
    )
    .await;
    assert_eq!(a.status, 405);
    assert_hardened(&a, "405");
    assert_eq!(a.json()["code"], "method_not_allowed", "{}", a.text());

    // An upload whose file name holds a NUL: was answered "file too large".
    let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nT\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\0.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\nPK\r\n--XyZ--\r\n";
    let a = Web::answer(
        web.http
            .post(format!("{}/rc/import", web.base))
            .header("cookie", Web::cookie(&fuyi))
            .header("content-type", "multipart/form-data; boundary=XyZ")
            .body(body.to_vec()),
    )
    .await;
    assert_hardened(&a, "NUL in a file name");
    assert!(!a.text().contains("不能超过10MB"), "{}", a.text());
    assert!(a.text().contains("上传的内容格式不正确"), "{}", a.text());
}

/// Logins another site's page can send (a `text/plain` body to the API, a login form without its
/// page's token) are refused before they count: no failure against the account, nothing off the
/// address's login rate (review of issue 13: a page left open elsewhere could keep a user
/// waiting, or every user behind the office's address at 429).
#[tokio::test]
async fn cross_site_logins_count_for_nothing() {
    let t = with_org(Backend::Sqlite, d("2024-12-31")).await;
    let web = Web::new(spawn(t.app.clone()).await);
    for _ in 0..25 {
        let a = Web::answer(
            web.http
                .post(format!("{}/api/v1/session", web.base))
                .header("content-type", "text/plain")
                .body(r#"{"username":"fuyi","password":"wrong"}"#),
        )
        .await;
        assert_eq!(a.status, 415);
        assert_eq!(a.json()["code"], "unsupported_media_type");
        let a = Web::answer(
            web.http
                .post(format!("{}/login", web.base))
                .form(&[("username", "fuyi"), ("password", "wrong")]),
        )
        .await;
        assert_eq!(a.status, 403);
    }
    for table in ["login_failures", "login_rate"] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&t.app.db.pool)
            .await
            .unwrap();
        assert_eq!(n, 0, "{table}");
    }
    let r = fazhi_testkit::web::page_login(
        &web.http,
        &web.base,
        &[
            ("username", "fuyi"),
            ("password", fazhi_app::demo::DEMO_PASSWORD),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
}
