//! `fazhi calendar recompute` (issue 14 §1), run as the real binary: a 行政复议 decision deadline
//! counted 暂定 on 2027's statutory holidays moves when 2027.toml is in `calendar_dir`; the
//! command prints the case, the deadline and 原到期日 → 新到期日; run again, it says that nothing
//! moved and writes nothing.

use fazhi_app::reconsideration as rc;
use fazhi_testkit::fields;
use fazhi_testkit::{d, with_org, Backend};
use std::path::Path;
use std::process::Command;

fn run(config: &Path, url: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .arg("--config")
        .arg(config)
        .arg("--database-url")
        .arg(url)
        .args(["calendar", "recompute"])
        .env("FAZHI_LOG", "warn")
        .output()
        .expect("run fazhi");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[tokio::test]
async fn recompute_prints_what_moved() {
    let t = with_org(Backend::Sqlite, d("2026-12-04")).await;
    let app = &t.app;
    let clerk = fazhi_app::auth::actor_by_username(app, "fuyi")
        .await
        .unwrap();
    let respondent = fazhi_app::org::find_unit_by_name(app, "东山镇人民政府")
        .await
        .unwrap()
        .unwrap()
        .to_string();
    let mut f = fields(&[
        ("received_date", "2026-12-01"),
        ("channel", "window"),
        ("act_name", "行政处罚决定"),
        ("act_date", "2026-10-15"),
        ("request", "撤销处罚决定"),
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
    let url = app.config.database_url.clone();
    let tmp = tempfile::tempdir().unwrap();
    let cal_dir = tmp.path().join("calendar");
    std::fs::create_dir(&cal_dir).unwrap();
    let config = tmp.path().join("fazhi.toml");
    std::fs::write(
        &config,
        format!("calendar_dir = {:?}\n", cal_dir.display().to_string()),
    )
    .unwrap();

    // No official 2027 yet: nothing moves.
    let (code, out) = run(&config, &url);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("没有需要调整的期限"), "{out}");

    std::fs::write(
        cal_dir.join("2027.toml"),
        "year = 2027\nnotice = \"测试用2027年节假日安排\"\nsources = []\n\n[[holidays]]\nname = \"春节\"\noff_from = \"2027-02-02\"\noff_to = \"2027-02-10\"\nworkdays = []\n",
    )
    .unwrap();
    let (code, out) = run(&config, &url);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!(
            "{case_no} 复议决定期限：2027年2月2日 → 2027年2月11日"
        )),
        "{out}"
    );
    assert!(out.contains("其中1项到期日变动"), "{out}");
    let entries = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'recompute_provisional'",
        )
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
    };
    assert_eq!(entries().await, 1);

    // Again: nothing moved, nothing written.
    let (code, out) = run(&config, &url);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("没有需要调整的期限"), "{out}");
    assert_eq!(entries().await, 1);
}
