//! The calendar page's notice import (issue 14 §1): the 系统管理员 pastes the 2026 notice, sees
//! what was read, confirms, and the year file is written into `calendar_dir`, audited; a bad
//! notice is refused with its line and writes nothing; another role is refused.

use fazhi_app::FixedClock;
use fazhi_domain::notice::YearFileData;
use fazhi_testkit::web::{User, Web};
use fazhi_testkit::{d, spawn, with_org_and, Backend};
use std::sync::Arc;

fn notice(year: i32) -> String {
    std::fs::read_to_string(format!(
        "{}/../../data/calendar/notices/{year}.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

async fn post(web: &Web, u: &User, fields: &[(&str, &str)], csrf: bool) -> (u16, String) {
    let a = if csrf {
        web.post_multipart(u, "/calendar/import", fields).await
    } else {
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        Web::answer(
            web.http
                .post(format!("{}/calendar/import", web.base))
                .header("cookie", Web::cookie(u))
                .multipart(form),
        )
        .await
    };
    (a.status, a.text())
}

#[tokio::test]
async fn the_system_administrator_imports_a_notice_on_the_calendar_page() {
    let dir = tempfile::tempdir().unwrap();
    let cal_dir = dir.path().to_path_buf();
    let t = with_org_and(
        Backend::Sqlite,
        Arc::new(FixedClock(d("2026-12-04"))),
        |c| c.calendar_dir = Some(cal_dir),
    )
    .await;
    let web = Web::new(spawn(t.app.clone()).await);
    let admin = web.login("sysadmin").await;
    let file = dir.path().join("2026.toml");
    let text = notice(2026);

    // The form is on the page for him.
    let page = web.get(&admin, "/calendar").await;
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains("导入节假日安排通知"),
        "{}",
        page.text()
    );

    // Without the token: refused, nothing written.
    let (status, _) = post(&web, &admin, &[("text", &text)], false).await;
    assert_eq!(status, 403);

    // First POST: what was read, nothing written.
    let (status, body) = post(&web, &admin, &[("text", &text)], true).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("春节：2026年2月15日（周日）至2026年2月23日（周一）放假，共9天"),
        "{body}"
    );
    assert!(body.contains("确认保存"), "{body}");
    assert!(!file.exists());

    // A bad notice, even confirmed: refused with its line, nothing written, nothing audited.
    let bad = text.replace("5月9日（周六）上班", "5月9日（周日）上班");
    let (status, body) = post(&web, &admin, &[("text", &bad), ("confirm", "1")], true).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("第13行") && body.contains("2026年5月9日是周六"),
        "{body}"
    );
    assert!(!file.exists());

    // Another role may not import.
    let office = web.login("fzb").await;
    let (status, _) = post(&web, &office, &[("text", &text), ("confirm", "1")], true).await;
    assert_eq!(status, 403);
    assert!(!file.exists());

    // Confirmed: written, equal to the shipped file, audited.
    let (status, body) = post(&web, &admin, &[("text", &text), ("confirm", "1")], true).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("已保存2026年节假日安排"), "{body}");
    let written = YearFileData::from_toml(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let shipped =
        YearFileData::from_toml(include_str!("../../../data/calendar/2026.toml")).unwrap();
    assert_eq!(written.holidays, shipped.holidays);
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'calendar_import' AND entity_id = '2026'",
    )
    .fetch_one(&t.app.db.pool)
    .await
    .unwrap();
    assert_eq!(n, 1);

    // Again, uploaded as a file: the preview says the file exists and offers to replace it;
    // confirming without the box is refused, with it the file is replaced.
    std::fs::write(&file, "year = 2026\nnotice = \"x\"\nsources = []\n").unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", admin.csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(text.clone().into_bytes()).file_name("2026.txt"),
        );
    let a = Web::answer(
        web.http
            .post(format!("{}/calendar/import", web.base))
            .header("cookie", Web::cookie(&admin))
            .multipart(form),
    )
    .await;
    let body = a.text();
    assert_eq!(a.status, 200, "{body}");
    assert!(
        body.contains("2026.toml 已存在，确认以本通知替换"),
        "{body}"
    );
    assert!(body.contains(r#"name="confirm" value="1""#), "{body}");
    assert!(body.contains("国务院办公厅关于2026年部分节假日安排的通知"));
    let (status, body) = post(&web, &admin, &[("text", &text), ("confirm", "1")], true).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("已存在"), "{body}");
    assert!(std::fs::read_to_string(&file).unwrap().contains("\"x\""));
    let (status, body) = post(
        &web,
        &admin,
        &[("text", &text), ("confirm", "1"), ("force", "1")],
        true,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let written = YearFileData::from_toml(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(written.holidays, shipped.holidays);
    let entries: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries, ["2026.toml"], "no temporary file left");
}
