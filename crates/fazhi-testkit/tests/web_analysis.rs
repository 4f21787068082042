//! 报告分析 through the pages and the API, against the real server on port 0: the office uploads
//! two published reports at once, one is shown with its figures marked in the text and its
//! checks, the two are compared (table, charts, workbook); an unreadable file is refused with its
//! code and a Chinese message and nothing is written; a duplicate opens the existing report; who
//! may not upload or read is refused, and nothing is written.

use fazhi_testkit::web::{Answer, User, Web};
use fazhi_testkit::{d, spawn, with_org, Backend};
use serde_json::Value;

const SEED_000: &str = include_str!("../../fazhi-text/tests/seeds/000_99d96b77785f0d3b.txt");
const SEED_002: &str = include_str!("../../fazhi-text/tests/seeds/002_9592a4b759554a40.txt");

fn form(files: &[(&str, &[u8])]) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new();
    for (name, bytes) in files {
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()),
        );
    }
    form
}

/// The page's upload form (with the CSRF token).
async fn upload_page(web: &Web, u: &User, files: &[(&str, &[u8])]) -> Answer {
    let form = form(files).text("csrf_token", u.csrf.clone());
    Web::answer(
        web.http
            .post(format!("{}/analysis/documents", web.base))
            .header("cookie", Web::cookie(u))
            .multipart(form),
    )
    .await
}

async fn upload_api(web: &Web, u: &User, files: &[(&str, &[u8])]) -> Answer {
    Web::answer(
        web.http
            .post(format!("{}/api/v1/analysis/documents", web.base))
            .bearer_auth(&u.token)
            .multipart(form(files)),
    )
    .await
}

async fn call_api(web: &Web, u: &User, method: &str, path: &str) -> Answer {
    let url = format!("{}/api/v1{path}", web.base);
    let r = match method {
        "GET" => web.http.get(url),
        "DELETE" => web.http.delete(url),
        m => panic!("{m}"),
    };
    Web::answer(r.bearer_auth(&u.token)).await
}

/// (documents, audit entries about documents).
async fn counts(app: &fazhi_app::App) -> (i64, i64) {
    let docs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM an_documents")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let audit: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'an_document'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    (docs, audit)
}

/// The table row (`<tr …>…</tr>`) of a page that contains `needle`.
fn row_with<'a>(html: &'a str, needle: &str) -> Option<&'a str> {
    html.split("<tr").find(|r| r.contains(needle))
}

#[tokio::test]
async fn reports_uploaded_analysed_compared_and_refused() {
    let t = with_org(Backend::Sqlite, d("2025-03-10")).await;
    let app = t.app.clone();
    let web = Web::new(spawn(app.clone()).await);
    let fzb = web.login("fzb").await;
    let leader = web.login("leader").await;
    let fuyi = web.login("fuyi").await;
    let auditor = web.login("auditor").await;

    // ---------- the list and its upload form ----------
    let page = web.get(&fzb, "/analysis").await;
    assert_eq!(page.status, 200);
    let html = page.text();
    for s in [
        "报告分析</a>",
        "上传报告",
        "enctype=\"multipart/form-data\"",
        "尚未上传报告",
    ] {
        assert!(html.contains(s), "/analysis shows {s}");
    }

    // ---------- refusals write nothing ----------
    let before = counts(&app).await;
    let r = upload_page(&web, &fzb, &[("空白.txt", b"  \n")]).await;
    assert_eq!(r.status, 422);
    let html = r.text();
    assert!(
        html.contains("文件 空白.txt 为空，没有可分析的文字"),
        "{html}"
    );
    let binary: Vec<u8> = (0u8..=255).cycle().take(4096).collect();
    let r = upload_api(
        &web,
        &fzb,
        &[("a.txt", SEED_000.as_bytes()), ("图片.txt", &binary)],
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text());
    let b = r.json();
    assert_eq!(b["code"], "report_file_binary");
    assert_eq!(b["field"], "file");
    assert!(
        b["message"]
            .as_str()
            .unwrap()
            .contains("图片.txt 不是文本文件"),
        "{b}"
    );
    let r = upload_api(&web, &fzb, &[("空.txt", b"")]).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["code"], "report_file_empty");
    assert_eq!(counts(&app).await, before, "nothing written by a refusal");

    // ---------- who may not upload or read ----------
    for u in [&fuyi, &leader, &auditor] {
        let r = upload_page(&web, u, &[("a.txt", SEED_000.as_bytes())]).await;
        assert_eq!(r.status, 403);
        let r = upload_api(&web, u, &[("a.txt", SEED_000.as_bytes())]).await;
        assert_eq!(r.status, 403);
        assert_eq!(r.json()["code"], "forbidden");
    }
    for u in [&fuyi, &auditor] {
        assert_eq!(web.get(u, "/analysis").await.status, 403);
        assert_eq!(
            call_api(&web, u, "GET", "/analysis/documents").await.status,
            403
        );
        assert!(
            !web.get(u, "/").await.text().contains("报告分析"),
            "no menu"
        );
    }
    assert_eq!(
        counts(&app).await,
        before,
        "nothing written by a refused user"
    );

    // ---------- two reports at once ----------
    let r = upload_page(
        &web,
        &fzb,
        &[
            ("000_云城区.txt", SEED_000.as_bytes()),
            ("002_安居区.txt", SEED_002.as_bytes()),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(r.location, "/analysis?done=uploaded&n=2");
    assert_eq!(counts(&app).await, (before.0 + 2, before.1 + 2));
    let id_of = |name: &'static str| {
        let app = app.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT id FROM an_documents WHERE file_name = $1")
                .bind(name)
                .fetch_one(&app.db.pool)
                .await
                .unwrap()
        }
    };
    let (yc, aj) = (id_of("000_云城区.txt").await, id_of("002_安居区.txt").await);
    let html = web.get(&fzb, "/analysis?done=uploaded&n=2").await.text();
    assert!(html.contains("已上传2份报告"));
    assert!(html.contains(&format!("name=\"ids\" value=\"{yc}\"")));
    assert!(html.contains("云城区2024年法治政府建设年度报告"));

    // ---------- one report ----------
    let page = web.get(&fzb, &format!("/analysis/documents/{yc}")).await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("<h1 class=\"page-title\">云城区2024年法治政府建设年度报告</h1>"));
    assert!(!html.contains("<script"));
    // The 94 applications marked in the text, the number itself, with what was read.
    let mark = html
        .split("<mark ")
        .find(|m| m.contains(">94</mark>"))
        .expect("94 is marked");
    assert!(mark.contains("class=\"fig fig-key\""), "{mark}");
    assert!(mark.contains("reconsideration.applications"), "{mark}");
    assert!(mark.contains("数值：94件"), "{mark}");
    // The 13.73% 纠错率 is checked and cannot be recomputed from the text.
    let row = row_with(&html, ">13.73<").expect("the 13.73 check");
    assert!(row.contains("无法复算"), "{row}");
    assert!(row.contains("verdict-unexplained"), "{row}");
    // Facts and outline.
    for s in [
        "报告要素",
        "地区（层级）",
        "云城区",
        "2024年",
        "文字",
        "简体",
        "结构",
        "下载Excel",
    ] {
        assert!(html.contains(s), "detail shows {s}");
    }
    let detail: Value = call_api(&web, &fzb, "GET", &format!("/analysis/documents/{yc}"))
        .await
        .json();
    assert_eq!(
        detail["analysis"]["title"],
        "云城区2024年法治政府建设年度报告"
    );
    assert_eq!(detail["document"]["id"], yc);
    // The offsets are character offsets into the stored text.
    let text: Vec<char> = detail["text"].as_str().unwrap().chars().collect();
    let f = detail["analysis"]["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "reconsideration.applications" && f["value"] == "94")
        .expect("94 in the JSON");
    let (s, e) = (
        f["start"].as_u64().unwrap() as usize,
        f["end"].as_u64().unwrap() as usize,
    );
    assert!(text[s..e].iter().collect::<String>().contains("94"));

    // The workbook of one report.
    let r = web
        .get(&fzb, &format!("/analysis/documents/{yc}/export.xlsx"))
        .await;
    assert_eq!(r.status, 200);
    assert!(r.content_type.contains("spreadsheetml"));

    // A duplicate opens the existing report, writes nothing.
    let n = counts(&app).await;
    let r = upload_page(&web, &fzb, &[("再次上传.txt", SEED_000.as_bytes())]).await;
    assert_eq!(r.status, 303);
    assert_eq!(
        r.location,
        format!("/analysis/documents/{yc}?done=duplicate")
    );
    assert_eq!(counts(&app).await, n);

    // ---------- the comparison ----------
    let page = web
        .get(&leader, &format!("/analysis/compare?ids={yc}&ids={aj}"))
        .await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("云城区（2024年）"), "{html}");
    assert!(html.contains("安居区"), "{html}");
    let row =
        row_with(&html, "data-key=\"reconsideration.applications\"").expect("applications row");
    assert!(row.contains(">94<"), "{row}");
    assert!(html.contains("<svg"), "a chart");
    let api = call_api(
        &web,
        &leader,
        "GET",
        &format!("/analysis/compare?ids={yc},{aj}"),
    )
    .await;
    assert_eq!(api.status, 200);
    assert_eq!(
        api.json()["comparison"]["places"].as_array().unwrap().len(),
        2
    );
    for bad in ["", "?ids=", "?ids=abc", "?ids=1;2"] {
        let r = call_api(&web, &leader, "GET", &format!("/analysis/compare{bad}")).await;
        assert_eq!(r.status, 422, "{bad}");
        assert_eq!(r.json()["code"], "invalid_ids");
    }
    assert_eq!(
        call_api(&web, &leader, "GET", "/analysis/compare?ids=999999")
            .await
            .status,
        404
    );
    let r = web
        .get(&leader, &format!("/analysis/compare.xlsx?ids={yc},{aj}"))
        .await;
    assert_eq!(r.status, 200);
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::Xlsx::new(std::io::Cursor::new(r.bytes.clone())).expect("opens");
    assert_eq!(wb.sheet_names(), ["概况", "数字", "核验", "对比"]);
    let cmp = wb.worksheet_range("对比").unwrap();
    let row = cmp
        .rows()
        .find(|r| r[0] == "reconsideration.applications")
        .expect("applications row");
    assert_eq!(row[3], calamine::Data::Float(94.0));

    // ---------- the leader reads, does not delete ----------
    let html = web
        .get(&leader, &format!("/analysis/documents/{aj}"))
        .await
        .text();
    assert!(!html.contains("/delete"), "no delete button for the leader");
    assert!(!html.contains("id=\"an-upload\""));
    let n = counts(&app).await;
    assert_eq!(
        call_api(
            &web,
            &leader,
            "DELETE",
            &format!("/analysis/documents/{aj}")
        )
        .await
        .status,
        403
    );
    assert_eq!(counts(&app).await, n);

    // ---------- the office deletes, audited ----------
    let r = call_api(&web, &fzb, "DELETE", &format!("/analysis/documents/{aj}")).await;
    assert_eq!(r.status, 204);
    assert_eq!(counts(&app).await, (n.0 - 1, n.1 + 1));
    let action: String = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE entity = 'an_document' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(action, "delete");
    assert_eq!(
        call_api(&web, &fzb, "GET", &format!("/analysis/documents/{aj}"))
            .await
            .status,
        404
    );
    let list = call_api(&web, &fzb, "GET", "/analysis/documents")
        .await
        .json();
    assert_eq!(list.as_array().unwrap().len(), 1);
}

/// (rounds, values, audit entries).
async fn filing_counts(app: &fazhi_app::App) -> (i64, i64, i64) {
    let q = |sql: &'static str| {
        let app = app.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&app.db.pool)
                .await
                .unwrap()
        }
    };
    (
        q("SELECT COUNT(*) FROM st_rounds").await,
        q("SELECT COUNT(*) FROM st_values").await,
        q("SELECT COUNT(*) FROM audit_log").await,
    )
}

#[tokio::test]
async fn a_published_report_used_as_baseline_from_its_page() {
    let t = with_org(Backend::Sqlite, d("2025-03-10")).await;
    let app = t.app.clone();
    let web = Web::new(spawn(app.clone()).await);
    let fzb = web.login("fzb").await;
    let leader = web.login("leader").await;
    // Another place's report: no button, and the preview says why and offers no confirmation.
    let r = upload_page(&web, &fzb, &[("云城区2024.txt", SEED_000.as_bytes())]).await;
    assert_eq!(r.status, 303, "{}", r.text());
    let theirs: i64 = sqlx::query_scalar("SELECT id FROM an_documents")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let detail = web
        .get(&fzb, &format!("/analysis/documents/{theirs}"))
        .await
        .text();
    assert!(!detail.contains("基数"), "{detail}");
    let html = web
        .get(&fzb, &format!("/analysis/documents/{theirs}/baseline"))
        .await
        .text();
    assert!(html.contains("不是本平台的示例区"), "{html}");
    assert!(!html.contains("确认登记"));

    // Our own published report (the seed with the place renamed).
    let own = SEED_000.replace("云城区", "示例区");
    let r = upload_page(&web, &fzb, &[("示例区2024.txt", own.as_bytes())]).await;
    assert_eq!(r.status, 303, "{}", r.text());
    let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM an_documents")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();

    // The detail page offers it; the preview lists what would be filed and what not, and why.
    let detail = web
        .get(&fzb, &format!("/analysis/documents/{id}"))
        .await
        .text();
    assert!(detail.contains(&format!("/analysis/documents/{id}/baseline")));
    assert!(detail.contains("用作2024年基数"));
    let page = web
        .get(&fzb, &format!("/analysis/documents/{id}/baseline"))
        .await;
    assert_eq!(page.status, 200);
    let html = page.text();
    let row = row_with(&html, "reconsideration.applications").expect("applications row");
    assert!(row.contains(">94<"), "{row}");
    assert!(html.contains("确认登记为2024年数据"));
    assert!(html.contains("不登记的数字"));
    let plan = call_api(
        &web,
        &fzb,
        "GET",
        &format!("/analysis/documents/{id}/baseline"),
    )
    .await
    .json();
    assert_eq!(plan["plan"]["year"], 2024);
    assert!(plan["plan"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["key"] == "reconsideration.applications" && v["value"] == 94));
    assert!(plan["applied_round"].is_null());

    // A leader may look but not apply: refused, nothing written.
    let leader_page = web
        .get(&leader, &format!("/analysis/documents/{id}/baseline"))
        .await
        .text();
    assert!(!leader_page.contains("确认登记"));
    let before = filing_counts(&app).await;
    let post = |u: &User| {
        web.http
            .post(format!("{}/analysis/documents/{id}/baseline", web.base))
            .header("cookie", Web::cookie(u))
            .form(&[("csrf_token", u.csrf.clone())])
    };
    assert_eq!(Web::answer(post(&leader)).await.status, 403);
    assert_eq!(filing_counts(&app).await, before);

    // The office applies it: a round of that year, its values from the report, one audit entry.
    let r = Web::answer(post(&fzb)).await;
    assert_eq!(r.status, 303, "{}", r.text());
    assert!(
        r.location.starts_with("/filing/rounds/") && r.location.ends_with("?done=baseline"),
        "{}",
        r.location
    );
    let after = filing_counts(&app).await;
    assert_eq!(after.0, before.0 + 1);
    assert!(after.1 > before.1);
    assert_eq!(after.2, before.2 + 1);
    let round = web.get(&fzb, &r.location).await.text();
    assert!(round.contains("已发布报告基线"), "{round}");
    let value: i64 = sqlx::query_scalar(
        "SELECT v.value FROM st_values v JOIN st_forms f ON f.id = v.form_id \
         WHERE f.year = 2024 AND v.key = 'reconsideration.applications'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(value, 94);

    // Applying again files nothing; the preview says it was applied.
    let again = Web::answer(post(&fzb)).await;
    assert_eq!(again.status, 303);
    assert_eq!(again.location, r.location);
    assert_eq!(filing_counts(&app).await, after);
    let html = web
        .get(&fzb, &format!("/analysis/documents/{id}/baseline"))
        .await
        .text();
    assert!(html.contains("这份报告已经用作2024年基数"));
}

/// Report text and file names are data: markup in them is shown, never run — in the list, the
/// heading, the highlighted text (and its marks' titles) and the comparison.
#[tokio::test]
async fn markup_in_a_report_is_escaped_everywhere() {
    let t = with_org(Backend::Sqlite, d("2025-03-10")).await;
    let app = t.app.clone();
    let web = Web::new(spawn(app.clone()).await);
    let fzb = web.login("fzb").await;
    let text = "甲区2024年法治政府建设年度报告<script>alert(1)</script>\n\
                2024年，全区共收到行政复议申请<img src=x onerror=alert(2)>94件\"'，\
                已审结86件，审结率91.49%。";
    let name = "<img src=x onerror=alert(3)>\".txt";
    let r = upload_page(&web, &fzb, &[(name, text.as_bytes())]).await;
    assert_eq!(r.status, 303, "{}", r.text());
    let id: i64 = sqlx::query_scalar("SELECT id FROM an_documents")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    for path in [
        "/analysis".to_string(),
        format!("/analysis/documents/{id}"),
        format!("/analysis/documents/{id}/baseline"),
        format!("/analysis/compare?ids={id}"),
    ] {
        let page = web.get(&fzb, &path).await;
        assert_eq!(page.status, 200, "{path}");
        let html = page.text();
        for raw in ["<script>alert", "<img src=x", "onerror=alert(2)>"] {
            assert!(!html.contains(raw), "{path} contains {raw}");
        }
        assert!(
            html.contains("&lt;img src=x onerror=alert(")
                || html.contains("&lt;script&gt;alert(1)"),
            "{path} shows the markup as text"
        );
    }
}
