//! Hostile workbooks against the running server (issue 13): a 6 KB workbook with one cell at
//! `XFD1048576` once aborted the whole process (calamine allocated the full 512 GB grid), and a
//! 200 KB zip bomb took its inflated size in memory per request. Every upload route refuses them
//! with a clear error, and the server goes on answering.

use fazhi_testkit::web::Web;
use fazhi_testkit::{d, spawn, with_org, Backend};

/// (name, bytes, the code each gets)
const HOSTILE: [(&str, &[u8], &str); 7] = [
    (
        "far-cell",
        include_bytes!("../../../fuzz/regressions/xlsx_import/far-cell-XFD1048576.xlsx"),
        "xlsx_too_large",
    ),
    (
        "zip-bomb",
        include_bytes!("../../../fuzz/regressions/xlsx_import/zip-bomb-200MB.xlsx"),
        "xlsx_too_large",
    ),
    (
        "zip-bomb-lying-size",
        include_bytes!("../../../fuzz/regressions/xlsx_import/zip-bomb-lying-size.xlsx"),
        "xlsx_too_large",
    ),
    (
        "many-entries",
        include_bytes!("../../../fuzz/regressions/xlsx_import/many-entries.xlsx"),
        "xlsx_too_large",
    ),
    (
        "cfb-header-resize",
        include_bytes!("../../../fuzz/regressions/xlsx_import/cfb-header-resize.xlsx"),
        "xlsx_encrypted_or_xls",
    ),
    (
        "cfb-header-fat-length",
        include_bytes!("../../../fuzz/regressions/xlsx_import/cfb-header-fat-length.xlsx"),
        "xlsx_encrypted_or_xls",
    ),
    (
        "repeated-cell-and-strings",
        include_bytes!("../../../fuzz/regressions/xlsx_import/repeated-cell-and-strings.xlsx"),
        "xlsx_too_large",
    ),
];

#[tokio::test]
async fn hostile_workbooks_are_refused_and_the_server_keeps_answering() {
    let t = with_org(Backend::Sqlite, d("2024-12-31")).await;
    fazhi_app::demo_report::seed(&t.app, 2023).await.unwrap();
    let web = Web::new(spawn(t.app.clone()).await);
    let (fuyi, yingsu, dongshan) = (
        web.login("fuyi").await,
        web.login("yingsu").await,
        web.login("dongshan").await,
    );
    let dongshan_unit = fazhi_app::org::find_unit_by_name(&t.app, "东山镇人民政府")
        .await
        .unwrap()
        .unwrap();
    let form: i64 =
        sqlx::query_scalar("SELECT id FROM st_forms WHERE unit_id = $1 ORDER BY id DESC LIMIT 1")
            .bind(dongshan_unit)
            .fetch_one(&t.app.db.pool)
            .await
            .unwrap();
    let cases = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT (SELECT COUNT(*) FROM rc_cases) + (SELECT COUNT(*) FROM lt_cases) + (SELECT COUNT(*) FROM st_values)",
        )
        .fetch_one(&t.app.db.pool)
        .await
        .unwrap()
    };
    let before = cases().await;
    for (name, bytes, code) in HOSTILE {
        for (user, path) in [(&fuyi, "/api/v1/rc/import"), (&yingsu, "/api/v1/lt/import")] {
            let a = Web::answer(
                web.http
                    .post(format!("{}{path}", web.base))
                    .bearer_auth(&user.token)
                    .body(bytes.to_vec()),
            )
            .await;
            assert_eq!(a.status, 422, "{name} {path}: {}", a.text());
            assert_eq!(a.json()["code"], code, "{name} {path}");
            assert_eq!(a.json()["field"], "file", "{name} {path}");
        }
        // A township clerk's statistics form, uploaded on its page.
        let a = Web::answer(
            web.http
                .post(format!("{}/filing/forms/{form}/upload", web.base))
                .header("cookie", Web::cookie(&dongshan))
                .multipart(
                    reqwest::multipart::Form::new()
                        .text("csrf_token", dongshan.csrf.clone())
                        .part(
                            "file",
                            reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("填报.xlsx"),
                        ),
                ),
        )
        .await;
        assert!(
            a.text().contains("重新上传"),
            "{name} filing upload: {} {}",
            a.status,
            a.text()
        );
        assert_eq!(
            web.get(&fuyi, "/api/v1/me").await.status,
            200,
            "after {name}"
        );
    }
    // Several at once: each refused, none holding the server.
    let many = (0..HOSTILE.len()).map(|i| {
        let (name, bytes, code) = HOSTILE[i % HOSTILE.len()];
        let req = web
            .http
            .post(format!("{}/api/v1/rc/import", web.base))
            .bearer_auth(&fuyi.token)
            .body(bytes.to_vec());
        async move { (name, code, Web::answer(req).await) }
    });
    for (name, code, a) in futures_join(many).await {
        assert_eq!(a.json()["code"], code, "{name} in parallel");
    }
    assert_eq!(web.get(&fuyi, "/api/v1/me").await.status, 200);
    assert_eq!(cases().await, before, "nothing written");
}

/// Runs the futures concurrently on the test's runtime.
async fn futures_join<F: std::future::Future + Send + 'static>(
    fs: impl Iterator<Item = F>,
) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = fs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}
