//! Recomputing provisional (暂定) deadlines when a year's official holiday file is added (issue
//! 14 §1), on SQLite and PostgreSQL: a 行政复议 case accepted on 2026-12-04 has its decision due
//! on 2027-02-02, counted on the statutory holidays of 2027; with an official 2027 file that makes
//! that day a day off, the run moves it to 2027-02-11, no longer 暂定, in one audited transaction,
//! and lists it old → new; a second run changes nothing and writes no entry.

use fazhi_app::{auth, recompute, reconsideration as rc, App, AppError, Config, FixedClock};
use fazhi_testkit::fields;
use fazhi_testkit::web::Web;
use fazhi_testkit::{d, spawn, with_org, Backend};
use std::sync::Arc;

/// A 2027 file as a deployment would add it; its 春节 (test data, not the real notice) begins on
/// the provisional due date, so the due date moves to the first day after it.
const YEAR_2027: &str = r#"year = 2027
notice = "测试用2027年节假日安排"
sources = []

[[holidays]]
name = "春节"
off_from = "2027-02-02"
off_to = "2027-02-10"
workdays = []
"#;

async fn scalar(app: &App, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

async fn text(app: &App, sql: &str) -> Option<String> {
    sqlx::query_scalar(sql)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

/// A 行政复议 case accepted on 2026-12-04 (its copy sent the same day): the decision is due on
/// 2027-02-02, counted on 2027's statutory holidays (暂定). Returns its id and case number.
async fn case_due_in_2027(app: &App) -> (i64, String) {
    let clerk = auth::actor_by_username(app, "fuyi").await.unwrap();
    let respondent = fazhi_app::org::find_unit_by_name(app, "东山镇人民政府")
        .await
        .unwrap()
        .unwrap()
        .to_string();
    let mut f = fields(&[
        ("received_date", "2026-12-01"),
        ("channel", "window"),
        ("act_name", "不履行土地承包经营权登记职责"),
        ("act_date", "2026-10-15"),
        ("request", "责令被申请人履行登记职责"),
        ("applicant_name", "张三"),
        ("applicant_id_number", "11010519491231002X"),
        ("applicant_phone", "13812345678"),
    ]);
    f.insert("respondent_unit_id".into(), respondent);
    let (id, case_no) = rc::register(app, &clerk, &f).await.unwrap();
    rc::take_step(
        app,
        &clerk,
        id,
        "accept",
        &fields(&[("date", "2026-12-04"), ("procedure", "ordinary")]),
        Some(1),
    )
    .await
    .unwrap();
    rc::take_step(
        app,
        &clerk,
        id,
        "send_copy",
        &fields(&[("date", "2026-12-04")]),
        Some(2),
    )
    .await
    .unwrap();
    (id, case_no)
}

async fn recompute_after_the_official_file(backend: Backend) {
    let t = with_org(backend, d("2026-12-04")).await;
    let app = &t.app;
    let clerk = auth::actor_by_username(app, "fuyi").await.unwrap();
    let (id, case_no) = case_due_in_2027(app).await;
    let decision =
        "SELECT due_date FROM deadlines WHERE module = 'reconsideration' AND kind = 'decision'";
    assert_eq!(text(app, decision).await.as_deref(), Some("2027-02-02"));
    let flag =
        "SELECT provisional FROM deadlines WHERE module = 'reconsideration' AND kind = 'decision'";
    assert_eq!(scalar(app, flag).await, 1);
    let runs = "SELECT COUNT(*) FROM deadline_recompute_runs";
    let entries = "SELECT COUNT(*) FROM audit_log WHERE action = 'recompute_provisional'";

    // Without the official file nothing is new: nothing changed, nothing written.
    let system = fazhi_app::Actor::system("测试", clerk.unit_id);
    let out = recompute::run(app, &system).await.unwrap();
    assert!(out.items.is_empty() && out.run_id.is_none(), "{out:?}");
    assert_eq!(scalar(app, runs).await, 0);
    assert_eq!(scalar(app, entries).await, 0);

    // The process restarted with 2027.toml in calendar_dir.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("2027.toml"), YEAR_2027).unwrap();
    let config = Config {
        calendar_dir: Some(dir.path().to_path_buf()),
        ..(*app.config).clone()
    };
    let app = &App::new(
        app.db.clone(),
        config,
        Arc::new(FixedClock(d("2026-12-04"))),
    )
    .unwrap();
    assert!(!app.cal().is_provisional_year(2027));
    let out = recompute::run(app, &system).await.unwrap();
    assert!(out.run_id.is_some());
    assert_eq!(out.items.len(), 1, "{out:?}");
    let item = &out.items[0];
    assert_eq!(item.case_no, case_no);
    assert_eq!(item.kind, "decision");
    assert_eq!(item.kind_label, "复议决定期限");
    assert_eq!(item.old_due.as_deref(), Some("2027-02-02"));
    assert_eq!(item.new_due.as_deref(), Some("2027-02-11"));
    assert!(item.moved() && !item.provisional);
    assert_eq!(item.href(), format!("/rc/cases/{id}"));
    assert_eq!(out.moved().count(), 1);
    // Stored: the deadline, its flag, the case row's nearest due date.
    assert_eq!(text(app, decision).await.as_deref(), Some("2027-02-11"));
    assert_eq!(scalar(app, flag).await, 0);
    let row_due = format!("SELECT next_due FROM rc_cases WHERE id = {id}");
    assert_eq!(text(app, &row_due).await.as_deref(), Some("2027-02-11"));
    let det = rc::detail(app, &clerk, id).await.unwrap();
    assert!(!det.case.due.provisional);
    // One audit entry listing the moved deadline.
    assert_eq!(scalar(app, entries).await, 1);
    let after = text(
        app,
        "SELECT after_json FROM audit_log WHERE action = 'recompute_provisional'",
    )
    .await
    .unwrap();
    assert!(
        after.contains("2027-02-02") && after.contains("2027-02-11") && after.contains(&case_no),
        "{after}"
    );

    // The office reads the run with the case; the 系统管理员 the counts only; a clerk not at all.
    let fzb = auth::actor_by_username(app, "fzb").await.unwrap();
    let listed = recompute::runs(app, &fzb).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].recomputed, listed[0].moved), (1, 1));
    assert_eq!(listed[0].items.len(), 1);
    assert_eq!(listed[0].items[0].new_due.as_deref(), Some("2027-02-11"));
    let admin = auth::actor_by_username(app, "sysadmin").await.unwrap();
    let listed = recompute::runs(app, &admin).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].items.is_empty(), "三员分立: no case data");
    assert!(matches!(
        recompute::runs(app, &clerk).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        recompute::run(app, &clerk).await,
        Err(AppError::Forbidden)
    ));

    // The page: the office sees the case linked, old → new; the 系统管理员 the counts only; a
    // clerk is refused. The calendar page links to it.
    let web = Web::new(spawn(app.clone()).await);
    let office = web.login("fzb").await;
    let page = web.get(&office, "/calendar/recompute").await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains(&format!("href=\"/rc/cases/{id}\"")), "{html}");
    assert!(
        html.contains(&case_no) && html.contains("复议决定期限"),
        "{html}"
    );
    assert!(
        html.contains("2027年2月2日") && html.contains("2027年2月11日"),
        "{html}"
    );
    assert!(web
        .get(&office, "/calendar")
        .await
        .text()
        .contains("href=\"/calendar/recompute\""));
    let admin_web = web.login("sysadmin").await;
    let page = web.get(&admin_web, "/calendar/recompute").await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("其中1项到期日变动"), "{}", page.text());
    assert!(!page.text().contains(&case_no), "三员分立");
    let fuyi = web.login("fuyi").await;
    assert_eq!(web.get(&fuyi, "/calendar/recompute").await.status, 403);

    // Idempotent: a second run changes nothing and writes no entry.
    let out = recompute::run(app, &system).await.unwrap();
    assert!(out.items.is_empty() && out.run_id.is_none(), "{out:?}");
    assert_eq!(scalar(app, runs).await, 1);
    assert_eq!(scalar(app, entries).await, 1);
    assert_eq!(text(app, decision).await.as_deref(), Some("2027-02-11"));
}

#[tokio::test]
async fn recompute_on_sqlite() {
    recompute_after_the_official_file(Backend::Sqlite).await;
}

#[tokio::test]
async fn recompute_on_postgres() {
    recompute_after_the_official_file(Backend::Postgres).await;
}

/// A notice for 2027 as the calendar page takes it (test data in the published form, not the real
/// notice; weekdays right): its 春节 makes 2027-02-02 a day off.
const NOTICE_2027: &str = "国务院办公厅关于2027年部分节假日安排的通知\n\n\
一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n\n\
二、春节：2月2日（周二）至10日（周三）放假调休，共9天。\n";

/// Imported on the calendar page by the 系统管理员, a year's notice is in force at once: the
/// provisional deadlines it decides are recomputed without a restart, and he is told how many.
#[tokio::test]
async fn a_notice_imported_on_the_page_takes_effect_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let cal_dir = dir.path().to_path_buf();
    let t = fazhi_testkit::with_org_and(
        Backend::Sqlite,
        Arc::new(FixedClock(d("2026-12-04"))),
        |c| c.calendar_dir = Some(cal_dir),
    )
    .await;
    let app = &t.app;
    let (id, _) = case_due_in_2027(app).await;
    let web = Web::new(spawn(app.clone()).await);
    let admin = web.login("sysadmin").await;
    let a = web
        .post_multipart(
            &admin,
            "/calendar/import",
            &[("text", NOTICE_2027), ("confirm", "1")],
        )
        .await;
    let body = a.text();
    assert_eq!(a.status, 200, "{body}");
    assert!(
        body.contains("已保存2027年节假日安排")
            && body.contains("已即时生效：1项")
            && body.contains("其中1项到期日变动"),
        "{body}"
    );
    // The server's calendar (shared by every clone of the app) now has 2027 as official.
    assert!(!app.cal().is_provisional_year(2027));
    let decision =
        "SELECT due_date FROM deadlines WHERE module = 'reconsideration' AND kind = 'decision'";
    assert_eq!(text(app, decision).await.as_deref(), Some("2027-02-11"));
    let row_due = format!("SELECT next_due FROM rc_cases WHERE id = {id}");
    assert_eq!(text(app, &row_due).await.as_deref(), Some("2027-02-11"));
    assert_eq!(
        scalar(
            app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'recompute_provisional'"
        )
        .await,
        1
    );
}
