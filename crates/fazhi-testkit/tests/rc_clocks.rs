//! 行政复议 clocks that wait for a date (issue 14 §2.2, §2.4, §2.5), through the application
//! layer on SQLite and PostgreSQL: the respondent's answer from receipt of the copy (Arts 48,
//! 54, 70), performance from service of the decision (Art 75(2)), the 意见书 reply from its
//! receipt (Art 76), and the one-time, extendable correction notice (Art 31).

use fazhi_app::{auth, reconsideration as rc, warnings, Actor, App, ManualClock};
use fazhi_testkit::fields;
use fazhi_testkit::{d, with_org_and, Backend};
use std::sync::Arc;

async fn register(app: &App, clerk: &Actor, received: &str) -> i64 {
    let mut f = fields(&[
        ("received_date", received),
        ("channel", "window"),
        ("act_name", "行政处罚决定"),
        ("act_date", "2024-09-02"),
        ("request", "撤销该处罚决定"),
        ("applicant_name", "张三"),
        ("applicant_id_number", "11010519491231002X"),
    ]);
    let unit = fazhi_app::org::find_unit_by_name(app, "东山镇人民政府")
        .await
        .unwrap()
        .unwrap();
    f.insert("respondent_unit_id".into(), unit.to_string());
    rc::register(app, clerk, &f).await.unwrap().0
}

async fn step(app: &App, clerk: &Actor, id: i64, action: &str, pairs: &[(&str, &str)]) {
    rc::take_step(app, clerk, id, action, &fields(pairs), None)
        .await
        .unwrap_or_else(|e| panic!("{action}: {e:?}"));
}

async fn refused(
    app: &App,
    clerk: &Actor,
    id: i64,
    action: &str,
    pairs: &[(&str, &str)],
) -> (&'static str, String) {
    let before = events(app, id).await;
    let e = rc::take_step(app, clerk, id, action, &fields(pairs), None)
        .await
        .unwrap_err();
    assert_eq!(events(app, id).await, before, "nothing written");
    (e.code(), e.user_message())
}

async fn events(app: &App, id: i64) -> (i64, i64) {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM case_events WHERE module = 'reconsideration' AND case_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let audit: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    (n, audit)
}

fn deadline<'a>(det: &'a rc::CaseDetail, kind: &str) -> &'a fazhi_app::deadlines::DeadlineView {
    det.deadlines
        .iter()
        .rev()
        .find(|d| d.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} deadline"))
}

async fn listed(app: &App, clerk: &Actor, state: &str) -> i64 {
    rc::list(
        app,
        clerk,
        &rc::ListQuery {
            deadline: state.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .total
}

/// A fresh database at `today` (a clock the test may move) with one case received 2024-09-20
/// and accepted on 2024-09-23 under the ordinary procedure; the 行政复议 clerk.
async fn accepted_case(
    backend: Backend,
    today: &str,
) -> (fazhi_testkit::TestDb, Arc<ManualClock>, Actor, i64) {
    let clock = Arc::new(ManualClock::new(d(today)));
    let t = with_org_and(backend, clock.clone(), |_| {}).await;
    let clerk = auth::actor_by_username(&t.app, "fuyi").await.unwrap();
    let id = register(&t.app, &clerk, "2024-09-20").await;
    step(
        &t.app,
        &clerk,
        id,
        "accept",
        &[("date", "2024-09-23"), ("procedure", "ordinary")],
    )
    .await;
    (t, clock, clerk, id)
}

/// Arts 48, 88(2): answer due 10 working days after the respondent's RECEIPT of the copy,
/// waiting until the receipt is recorded; Art 70: flagged when it runs out. Art 75(2):
/// performance from SERVICE of the decision. Art 76: the 意见书 reply from its receipt.
async fn answer_and_service(backend: Backend) {
    let (t, clock, clerk, id) = accepted_case(backend, "2024-09-27").await;
    let app = &t.app;
    // Sent without the receipt date: the answer clock waits for it.
    step(app, &clerk, id, "send_copy", &[("date", "2024-09-25")]).await;
    let det = rc::detail(app, &clerk, id).await.unwrap();
    let answer = deadline(&det, "answer");
    assert_eq!(answer.state, "waiting");
    assert_eq!(answer.state_label, "待登记送达日期");
    assert_eq!(answer.due, None);
    assert_eq!(
        answer.waiting_for.as_deref(),
        Some("被申请人收到申请书副本之日")
    );
    assert!(det.answer_late.is_none());
    let offered = |det: &rc::CaseDetail, code: &str| det.actions.iter().any(|(a, _)| a == code);
    assert!(offered(&det, "record_service") && offered(&det, "record_answer"));
    // The decision clock still runs: the case row shows it, not the waiting clock.
    assert_eq!(det.case.due.next_due.as_deref(), Some("2024-11-22"));
    // A second copy is refused; the receipt is recorded by its own step.
    let (code, _) = refused(app, &clerk, id, "send_copy", &[("date", "2024-09-26")]).await;
    assert_eq!(code, "copy_already_sent");
    // Received Friday 2024-09-27: 09-29 (a make-up Sunday) counts, 10-01..07 (国庆) do not,
    // 10-12 (a make-up Saturday) counts → the tenth working day is Wednesday 2024-10-16.
    step(
        app,
        &clerk,
        id,
        "record_service",
        &[("date", "2024-09-27"), ("document", "copy")],
    )
    .await;
    let det = rc::detail(app, &clerk, id).await.unwrap();
    let answer = deadline(&det, "answer");
    assert_eq!(answer.start, d("2024-09-27"));
    assert_eq!(answer.due, Some(d("2024-10-16")));
    assert_eq!(answer.waiting_for, None);
    let text = answer.steps.join("\n");
    assert!(text.contains("国庆节放假，不计入"), "{text}");
    assert!(text.contains("第10个工作日：2024年10月16日"), "{text}");
    assert_eq!(det.case.due.next_due.as_deref(), Some("2024-10-16"));
    assert!(!offered(&det, "record_service"), "nothing waits any more");
    // Recorded once only.
    let (code, _) = refused(
        app,
        &clerk,
        id,
        "record_service",
        &[("date", "2024-09-27"), ("document", "copy")],
    )
    .await;
    assert_eq!(code, "nothing_awaits_service");

    // The day after its last day without an answer: overdue, flagged with Art 70, and in 超期预警.
    clock.advance(chrono::Duration::days(20)); // 2024-10-17
    let det = rc::detail(app, &clerk, id).await.unwrap();
    assert_eq!(deadline(&det, "answer").state, "overdue");
    let flag = det.answer_late.expect("flagged");
    assert!(flag.contains("视为该行政行为没有证据、依据"), "{flag}");
    assert!(flag.contains("第七十条"), "{flag}");
    assert!(deadline(&det, "answer")
        .steps
        .iter()
        .any(|s| s.contains("第七十条")));
    assert_eq!(det.case.due.deadline_state, "overdue");
    let warned = warnings::all(app, &clerk).await.unwrap();
    let w = warned
        .iter()
        .find(|w| w.url == format!("/rc/cases/{id}"))
        .expect("in 超期预警");
    assert_eq!(w.due.deadline_state, "overdue");
    assert_eq!(w.due.next_due.as_deref(), Some("2024-10-16"));
    // The late answer is recorded; the flag stays (it came after the period).
    step(
        app,
        &clerk,
        id,
        "record_answer",
        &[("date", "2024-10-17"), ("notes", "书面答复及证据目录")],
    )
    .await;
    let det = rc::detail(app, &clerk, id).await.unwrap();
    assert_eq!(deadline(&det, "answer").state, "done");
    assert!(det.answer_late.is_some());
    assert_eq!(det.case.due.next_due.as_deref(), Some("2024-11-22"));
    clock.advance(chrono::Duration::days(10)); // 2024-10-27

    // Decided without the service date: performance waits, and the case — whose only open
    // clock it is — shows 待登记送达日期, never 已完成 nor 超期.
    step(
        app,
        &clerk,
        id,
        "decide",
        &[("date", "2024-10-21"), ("decision_type", "revoke")],
    )
    .await;
    let det = rc::detail(app, &clerk, id).await.unwrap();
    let perf = deadline(&det, "performance");
    assert_eq!((perf.state, perf.due), ("waiting", None));
    assert!(perf
        .waiting_for
        .as_deref()
        .unwrap()
        .starts_with("行政复议决定书送达之日"));
    assert_eq!(det.case.due.deadline_state, "waiting");
    assert_eq!(det.case.due.deadline_label, "待登记送达日期");
    assert_eq!(det.case.due.next_due, None);
    assert_eq!(listed(app, &clerk, "waiting").await, 1);
    assert_eq!(listed(app, &clerk, "done").await, 0);
    assert_eq!(listed(app, &clerk, "overdue").await, 0);
    assert!(!warnings::all(app, &clerk)
        .await
        .unwrap()
        .iter()
        .any(|w| w.url == format!("/rc/cases/{id}")));
    // The Excel export names the state in its 期限状态 column.
    let q = rc::ListQuery {
        deadline: "waiting".into(),
        ..Default::default()
    };
    let bytes = rc::export(app, &clerk, &q).await.unwrap();
    let (headers, rows) = fazhi_app::xlsx::read_table(&bytes).unwrap();
    let col = headers.iter().position(|h| h == "期限状态").unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][col], "待登记送达日期");
    // The JSON the API gives for the case and its clocks.
    let json = serde_json::to_value(&det).unwrap();
    assert_eq!(json["case"]["deadline_state"], "waiting");
    assert_eq!(
        json["deadlines"].as_array().unwrap().last().unwrap()["state"],
        "waiting"
    );

    // An 意见书 on the next day, its receipt not known: its reply clock waits too.
    step(
        app,
        &clerk,
        id,
        "issue_letter",
        &[
            ("date", "2024-10-22"),
            ("kind", "opinion"),
            ("addressee", "东山镇人民政府"),
        ],
    )
    .await;
    assert_eq!(
        deadline(&rc::detail(app, &clerk, id).await.unwrap(), "opinion_reply").state,
        "waiting"
    );
    // The decision's service, learnt later, is dated before the letter (the latest step): it
    // is accepted, and performance runs 60 days from it: 2024-10-21 + 60 = 2024-12-20.
    let (code, _) = refused(
        app,
        &clerk,
        id,
        "record_service",
        &[("date", "2024-10-20"), ("document", "decision")],
    )
    .await;
    assert_eq!(code, "date_order");
    step(
        app,
        &clerk,
        id,
        "record_service",
        &[("date", "2024-10-21"), ("document", "decision")],
    )
    .await;
    let det = rc::detail(app, &clerk, id).await.unwrap();
    let perf = deadline(&det, "performance");
    assert_eq!(
        (perf.state, perf.start, perf.due),
        ("normal", d("2024-10-21"), Some(d("2024-12-20")))
    );
    assert_eq!(det.case.due.next_due.as_deref(), Some("2024-12-20"));
    // The 意见书 received on 10-24: the reply is due 60 days later, 2024-12-23 (a Monday).
    step(
        app,
        &clerk,
        id,
        "record_service",
        &[("date", "2024-10-24"), ("document", "opinion")],
    )
    .await;
    let det = rc::detail(app, &clerk, id).await.unwrap();
    assert_eq!(deadline(&det, "opinion_reply").due, Some(d("2024-12-23")));
    // The case's date never went back (the service dated 10-21 followed a step of 10-22).
    let last: String = sqlx::query_scalar("SELECT last_event_date FROM rc_cases WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(last, "2024-10-24");

    // A decision entered with its service date runs at once.
    let id2 = register(app, &clerk, "2024-10-08").await;
    step(
        app,
        &clerk,
        id2,
        "accept",
        &[("date", "2024-10-09"), ("procedure", "simplified")],
    )
    .await;
    // Simplified: the copy with its receipt date; the answer is due 5 working days later.
    step(
        app,
        &clerk,
        id2,
        "send_copy",
        &[("date", "2024-10-10"), ("served_date", "2024-10-11")],
    )
    .await;
    let det = rc::detail(app, &clerk, id2).await.unwrap();
    assert_eq!(
        deadline(&det, "answer").due,
        Some(d("2024-10-17")),
        "10-12 is a make-up Saturday"
    );
    // Converting to the ordinary procedure gives the answer its 10 working days (setting).
    step(
        app,
        &clerk,
        id2,
        "convert_to_ordinary",
        &[("date", "2024-10-14"), ("approved_by", "王五")],
    )
    .await;
    let det = rc::detail(app, &clerk, id2).await.unwrap();
    assert_eq!(deadline(&det, "answer").due, Some(d("2024-10-24")));
    step(app, &clerk, id2, "record_answer", &[("date", "2024-10-15")]).await;
    let (code, _) = refused(
        app,
        &clerk,
        id2,
        "decide",
        &[
            ("date", "2024-10-16"),
            ("decision_type", "revoke"),
            ("served_date", "2024-10-15"),
        ],
    )
    .await;
    assert_eq!(code, "date_order");
    step(
        app,
        &clerk,
        id2,
        "decide",
        &[
            ("date", "2024-10-16"),
            ("decision_type", "revoke"),
            ("served_date", "2024-10-17"),
        ],
    )
    .await;
    let det = rc::detail(app, &clerk, id2).await.unwrap();
    assert!(det.answer_late.is_none());
    let perf = deadline(&det, "performance");
    assert_eq!((perf.state, perf.start), ("normal", d("2024-10-17")));
    assert_eq!(perf.due, Some(d("2024-12-16")));
    let timeline: Vec<&str> = det.events.iter().map(|e| e.summary.as_str()).collect();
    assert!(
        timeline
            .iter()
            .any(|s| s.contains("决定书于2024年10月17日送达")),
        "{timeline:?}"
    );
}

#[tokio::test]
async fn answer_and_service_on_sqlite() {
    answer_and_service(Backend::Sqlite).await;
}

#[tokio::test]
async fn answer_and_service_on_postgres() {
    answer_and_service(Backend::Postgres).await;
}

/// Art 31: one correction notice per case (第一款); 视为放弃 only after the period ran out
/// without the materials, and the period extended for good cause (第二款).
async fn correction(backend: Backend) {
    let t = with_org_and(backend, Arc::new(ManualClock::new(d("2024-11-29"))), |_| {}).await;
    let app = &t.app;
    let clerk = auth::actor_by_username(app, "fuyi").await.unwrap();
    let id = register(app, &clerk, "2024-09-23").await;
    // Notice sent 2024-09-24: the period waits for the applicant's receipt (Art 31(2): 自收到补正
    // 通知之日起), and 视为放弃 is refused meanwhile.
    step(
        app,
        &clerk,
        id,
        "request_correction",
        &[("date", "2024-09-24"), ("items", "请补充提交身份证明")],
    )
    .await;
    let det = rc::detail(app, &clerk, id).await.unwrap();
    assert_eq!(deadline(&det, "correction").state, "waiting");
    let (code, _) = refused(app, &clerk, id, "abandon", &[("date", "2024-11-29")]).await;
    assert_eq!(code, "correction_notice_not_served");
    // Received 2024-09-25: 10 working days over 国庆 (09-29 and 10-12 are make-up days).
    step(
        app,
        &clerk,
        id,
        "record_service",
        &[("date", "2024-09-25"), ("document", "correction_notice")],
    )
    .await;
    let det = rc::detail(app, &clerk, id).await.unwrap();
    assert_eq!(deadline(&det, "correction").due, Some(d("2024-10-14")));
    // Not abandoned on the last day of the period.
    let (code, msg) = refused(app, &clerk, id, "abandon", &[("date", "2024-10-14")]).await;
    assert_eq!(code, "correction_period_running");
    assert!(
        msg.contains("2024年10月14日") && msg.contains("第三十一条第二款"),
        "{msg}"
    );
    // Extended by 5 working days for good cause: due 2024-10-21.
    step(
        app,
        &clerk,
        id,
        "extend_correction",
        &[
            ("date", "2024-10-12"),
            ("days", "5"),
            ("reason", "申请人住院治疗，无法按期补正"),
        ],
    )
    .await;
    let det = rc::detail(app, &clerk, id).await.unwrap();
    let c = deadline(&det, "correction");
    assert_eq!(c.due, Some(d("2024-10-21")));
    assert!(
        c.steps.iter().any(|s| s.contains("延长：5个工作日")),
        "{:?}",
        c.steps
    );
    assert_eq!(det.case.status, "correction");
    // Bad days: refused on the field, nothing written.
    let (code, _) = refused(
        app,
        &clerk,
        id,
        "extend_correction",
        &[("date", "2024-10-14"), ("days", "abc"), ("reason", "x")],
    )
    .await;
    assert_eq!(code, "invalid_number");
    let (code, _) = refused(app, &clerk, id, "abandon", &[("date", "2024-10-21")]).await;
    assert_eq!(code, "correction_period_running");
    step(app, &clerk, id, "abandon", &[("date", "2024-10-22")]).await;
    assert_eq!(
        rc::detail(app, &clerk, id).await.unwrap().case.status,
        "abandoned"
    );

    // A second notice after the materials came in is refused (一次性载明).
    let id = register(app, &clerk, "2024-11-04").await;
    step(
        app,
        &clerk,
        id,
        "request_correction",
        &[("date", "2024-11-05"), ("items", "请补充提交身份证明")],
    )
    .await;
    step(
        app,
        &clerk,
        id,
        "receive_correction",
        &[("date", "2024-11-08")],
    )
    .await;
    let (code, msg) = refused(
        app,
        &clerk,
        id,
        "request_correction",
        &[
            ("date", "2024-11-11"),
            ("items", "请补充提交行政处罚决定书"),
        ],
    )
    .await;
    assert_eq!(code, "correction_already_requested");
    assert!(
        msg.contains("一次性") && msg.contains("第三十一条第一款"),
        "{msg}"
    );
    // The application goes on to acceptance.
    step(
        app,
        &clerk,
        id,
        "accept",
        &[("date", "2024-11-11"), ("procedure", "ordinary")],
    )
    .await;
}

#[tokio::test]
async fn correction_on_sqlite() {
    correction(Backend::Sqlite).await;
}

#[tokio::test]
async fn correction_on_postgres() {
    correction(Backend::Postgres).await;
}

/// The pages: the case page shows a waiting clock as 待登记送达日期 with what it waits for, the
/// Art 70 flag, and the step forms offer the new fields.
#[tokio::test]
async fn pages_show_waiting_clocks_and_the_new_steps() {
    let (t, _, clerk, id) = accepted_case(Backend::Sqlite, "2024-10-17").await;
    let app = &t.app;
    step(
        app,
        &clerk,
        id,
        "send_copy",
        &[("date", "2024-09-25"), ("served_date", "2024-09-27")],
    )
    .await;
    let web = fazhi_testkit::web::Web::new(fazhi_testkit::spawn(app.clone()).await);
    let u = web.login("fuyi").await;
    let page = web.get(&u, &format!("/rc/cases/{id}")).await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("id=\"answer-late\""), "Art 70 flag shown");
    assert!(html.contains("视为该行政行为没有证据、依据"));
    assert!(html.contains("被申请人答复期限"));
    let form = web
        .get(&u, &format!("/rc/cases/{id}/steps/record_service"))
        .await
        .text();
    assert!(
        form.contains("name=\"document\"") && form.contains("行政复议决定书"),
        "{form}"
    );
    let form = web
        .get(&u, &format!("/rc/cases/{id}/steps/decide"))
        .await
        .text();
    assert!(form.contains("name=\"served_date\"") && form.contains("决定书送达日期"));
    // Decided without the service date: the page shows the waiting clock.
    let r = web
        .post(
            &u,
            &format!("/rc/cases/{id}/steps/decide"),
            &[("date", "2024-10-17"), ("decision_type", "revoke")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let html = web.get(&u, &format!("/rc/cases/{id}")).await.text();
    assert!(html.contains("dl-waiting"), "{html}");
    assert!(html.contains("待登记：行政复议决定书送达之日"), "{html}");
    let list = web.get(&u, "/rc/cases?deadline=waiting").await.text();
    assert!(list.contains("示例复〔2024〕1号"), "{list}");
    let form = web
        .get(&u, &format!("/rc/cases/{}/steps/extend_correction", id))
        .await;
    assert_eq!(form.status, 200);
    assert!(form.text().contains("延长天数（工作日）"));
}

/// Upgrading a database whose case had its copy sent before the answer clock existed (migration
/// 0014): the case gets an answer clock waiting for the respondent's receipt, which the clerk
/// then records; a second 发送申请书副本 stays refused. Simulated on the current schema: the answer
/// clock is removed and migration 0014 is marked as not yet applied, then the migrations run.
async fn upgrade_gives_open_cases_an_answer_clock(backend: Backend) {
    let t = with_org_and(backend, Arc::new(ManualClock::new(d("2024-11-29"))), |_| {}).await;
    let app = &t.app;
    let clerk = auth::actor_by_username(app, "fuyi").await.unwrap();
    let id = register(app, &clerk, "2024-09-23").await;
    step(
        app,
        &clerk,
        id,
        "accept",
        &[("date", "2024-09-24"), ("procedure", "ordinary")],
    )
    .await;
    step(app, &clerk, id, "send_copy", &[("date", "2024-09-25")]).await;
    // Another case, decided: closed cases get no clock.
    let closed = register(app, &clerk, "2024-09-23").await;
    step(
        app,
        &clerk,
        closed,
        "accept",
        &[("date", "2024-09-24"), ("procedure", "ordinary")],
    )
    .await;
    step(app, &clerk, closed, "send_copy", &[("date", "2024-09-25")]).await;
    step(
        app,
        &clerk,
        closed,
        "decide",
        &[("date", "2024-10-30"), ("decision_type", "maintain")],
    )
    .await;
    for sql in [
        "DELETE FROM deadlines WHERE kind = 'answer'",
        "DELETE FROM _sqlx_migrations WHERE version = 14",
    ] {
        sqlx::query(sql).execute(&app.db.pool).await.unwrap();
    }
    app.db.migrate().await.unwrap();
    let answers = |case: i64| async move {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM deadlines WHERE kind = 'answer' AND case_id = $1",
        )
        .bind(case)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
    };
    assert_eq!((answers(id).await, answers(closed).await), (1, 0));
    let det = rc::detail(app, &clerk, id).await.unwrap();
    let answer = deadline(&det, "answer");
    assert_eq!((answer.state, answer.due), ("waiting", None));
    let (code, _) = refused(app, &clerk, id, "send_copy", &[("date", "2024-11-29")]).await;
    assert_eq!(code, "copy_already_sent");
    // The receipt is recorded: 10 working days over 国庆 (Art 48).
    step(
        app,
        &clerk,
        id,
        "record_service",
        &[("date", "2024-09-27"), ("document", "copy")],
    )
    .await;
    let det = rc::detail(app, &clerk, id).await.unwrap();
    assert_eq!(deadline(&det, "answer").due, Some(d("2024-10-16")));
}

#[tokio::test]
async fn upgrade_answer_clock_on_sqlite() {
    upgrade_gives_open_cases_an_answer_clock(Backend::Sqlite).await;
}

#[tokio::test]
async fn upgrade_answer_clock_on_postgres() {
    upgrade_gives_open_cases_an_answer_clock(Backend::Postgres).await;
}
