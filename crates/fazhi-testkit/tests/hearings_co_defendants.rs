//! Issue 14 §2.3, §2.6 and §2.7 through the use cases, on SQLite and PostgreSQL alike: the
//! 行政复议 hearing notice and the respondent's head at the hearing, the reconsideration organ as
//! co-defendant after partial and procedural decisions (a setting), and the 行政应诉 head's absence
//! and lawyer-only hearings.

use fazhi_app::cases::ListQuery;
use fazhi_app::FixedClock;
use fazhi_app::{auth, litigation as lt, reconsideration as rc, Actor, App};
use fazhi_domain::reconsideration::{CoDefendantDecision, DecisionType};
use fazhi_testkit::fields;
use fazhi_testkit::web::Web;
use fazhi_testkit::{d, spawn, with_org, with_org_and, Backend};
use std::sync::Arc;

async fn unit_id(app: &App, name: &str) -> String {
    fazhi_app::org::find_unit_by_name(app, name)
        .await
        .unwrap()
        .unwrap()
        .to_string()
}

async fn count(app: &App, table_and_filter: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table_and_filter}"))
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

/// A 行政复议 application against 东山镇人民政府, accepted on `accepted`.
async fn accepted_case(app: &App, clerk: &Actor, received: &str, accepted: &str) -> (i64, String) {
    let mut f = fields(&[
        ("received_date", received),
        ("channel", "window"),
        ("act_name", "行政处罚决定"),
        ("act_date", "2024-01-15"),
        ("request", "撤销该行政处罚决定"),
        ("applicant_name", "张三"),
        ("applicant_id_number", "11010519491231002X"),
        ("applicant_phone", "13812345678"),
    ]);
    f.insert(
        "respondent_unit_id".into(),
        unit_id(app, "东山镇人民政府").await,
    );
    let (id, no) = rc::register(app, clerk, &f).await.unwrap();
    rc_step(
        app,
        clerk,
        id,
        "accept",
        &[("date", accepted), ("procedure", "ordinary")],
    )
    .await;
    (id, no)
}

async fn rc_step(app: &App, actor: &Actor, id: i64, action: &str, f: &[(&str, &str)]) {
    if let Err(e) = rc::take_step(app, actor, id, action, &fields(f), None).await {
        panic!(
            "case {id}: {action} {f:?} refused: {} ({:?}) {}",
            e.code(),
            e.field(),
            e.user_message()
        );
    }
}

async fn lt_step(app: &App, actor: &Actor, id: i64, action: &str, f: &[(&str, &str)]) {
    if let Err(e) = lt::take_step(app, actor, id, action, &fields(f), None).await {
        panic!(
            "lawsuit {id}: {action} {f:?} refused: {} ({:?}) {}",
            e.code(),
            e.field(),
            e.user_message()
        );
    }
}

/// What a refused step must leave as it was: the case's version, its events, the audit log.
async fn untouched(app: &App, module: &str, id: i64) -> (i64, i64, i64) {
    let version = sqlx::query_scalar(&format!("SELECT version FROM {module}_cases WHERE id = $1"))
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    (
        version,
        count(
            app,
            &format!(
                "case_events WHERE module = '{}' AND case_id = {id}",
                if module == "rc" {
                    "reconsideration"
                } else {
                    "litigation"
                }
            ),
        )
        .await,
        count(app, "audit_log").await,
    )
}

fn value(v: &[fazhi_app::indicators::IndicatorValue], key: &str) -> Option<i64> {
    v.iter()
        .find(|x| x.key == key)
        .unwrap_or_else(|| panic!("indicator {key}"))
        .value
        .count
}

// ---------- §2.3 the hearing notice and the respondent's head ----------

/// 行政复议法第五十一条 with 第八十八条第二款: a hearing notice given on Friday 2024-09-27 needs
/// five working days — 09-29 (a Sunday worked for 国庆), 09-30, then after the holiday 10-08,
/// 10-09 and 10-10. A hearing on 10-09 (four working days) is refused, naming hearing_date and
/// 2024年10月10日, and nothing is written; 10-10 is accepted. 第五十一条第三款: the record of the
/// hearing says whether the respondent's head attended or, if not, the reason and the staff
/// delegated; the indicator counts the cases whose head attended, and the export shows it.
async fn hearing_notice_and_head(backend: Backend) {
    let t = with_org(backend, d("2024-12-31")).await;
    let app = &t.app;
    let clerk = auth::actor_by_username(app, "fuyi").await.unwrap();
    let (id, _) = accepted_case(app, &clerk, "2024-09-10", "2024-09-12").await;

    let before = untouched(app, "rc", id).await;
    let e = rc::take_step(
        app,
        &clerk,
        id,
        "schedule_hearing",
        &fields(&[
            ("date", "2024-09-27"),
            ("hearing_date", "2024-10-09"),
            ("place", "区司法局听证室"),
        ]),
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(
        (e.code(), e.field()),
        ("hearing_notice_too_short", Some("hearing_date"))
    );
    assert!(
        e.user_message().contains("2024年10月10日") && e.user_message().contains("第五十一条"),
        "{}",
        e.user_message()
    );
    assert_eq!(untouched(app, "rc", id).await, before);
    rc_step(
        app,
        &clerk,
        id,
        "schedule_hearing",
        &[
            ("date", "2024-09-27"),
            ("hearing_date", "2024-10-10"),
            ("place", "区司法局听证室"),
        ],
    )
    .await;

    // The record of the hearing: whether the head attended is required, and when not, the reason
    // and the delegated staff; nothing is written without them.
    let before = untouched(app, "rc", id).await;
    for (pairs, field) in [
        (vec![], "head_attended"),
        (vec![("head_attended", "1")], "head_name"),
        (vec![("head_attended", "0")], "head_absence_reason"),
        (
            vec![
                ("head_attended", "0"),
                ("head_absence_reason", "参加防汛会议"),
            ],
            "head_delegate",
        ),
    ] {
        let mut f = fields(&[("date", "2024-10-10")]);
        f.extend(fields(&pairs));
        let e = rc::take_step(app, &clerk, id, "record_hearing", &f, None)
            .await
            .unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            ("required", Some(field)),
            "{pairs:?}"
        );
    }
    assert_eq!(untouched(app, "rc", id).await, before);
    assert_eq!(count(app, "rc_hearings").await, 0);
    rc_step(
        app,
        &clerk,
        id,
        "record_hearing",
        &[
            ("date", "2024-10-10"),
            ("head_attended", "1"),
            ("head_name", "王东"),
            ("head_post", "镇长"),
        ],
    )
    .await;
    let det = rc::detail(app, &clerk, id).await.unwrap();
    assert!(det.hearing_held);
    assert_eq!(det.hearings.len(), 1);
    assert!(det.hearings[0].head_attended);
    assert_eq!(det.hearings[0].head_name.as_deref(), Some("王东"));
    assert!(det
        .events
        .last()
        .unwrap()
        .summary
        .contains("王东（镇长）参加听证"));

    // Another case: the head delegates.
    let (other, _) = accepted_case(app, &clerk, "2024-11-01", "2024-11-04").await;
    rc_step(
        app,
        &clerk,
        other,
        "schedule_hearing",
        &[
            ("date", "2024-11-05"),
            ("hearing_date", "2024-11-12"),
            ("place", "区司法局听证室"),
        ],
    )
    .await;
    rc_step(
        app,
        &clerk,
        other,
        "record_hearing",
        &[
            ("date", "2024-11-12"),
            ("head_attended", "0"),
            ("head_absence_reason", "同日参加区委全会"),
            ("head_delegate", "党政办主任 李四"),
        ],
    )
    .await;
    let det = rc::detail(app, &clerk, other).await.unwrap();
    assert!(!det.hearings[0].head_attended);
    assert_eq!(det.hearings[0].delegate.as_deref(), Some("党政办主任 李四"));

    // Reports print it: two cases heard, one with the head attending, drilling down to it.
    let v = rc::ENTRY
        .values(app, &clerk, 2024, None, true)
        .await
        .unwrap();
    assert_eq!(value(&v, "reconsideration.hearings"), Some(2));
    assert_eq!(value(&v, "reconsideration.hearing_head_attended"), Some(1));
    let drill = rc::list(
        app,
        &clerk,
        &ListQuery {
            indicator: "reconsideration.hearing_head_attended".into(),
            year: "2024".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(drill.items.iter().map(|c| c.id).collect::<Vec<_>>(), [id]);
    let (headers, rows) = fazhi_app::xlsx::read_table(
        &rc::export(app, &clerk, &ListQuery::default())
            .await
            .unwrap(),
    )
    .unwrap();
    let col = headers
        .iter()
        .position(|h| h == "被申请人负责人参加听证")
        .unwrap();
    let heard = headers.iter().position(|h| h == "听证情况").unwrap();
    let mut marks: Vec<&str> = rows.iter().map(|r| r[col].as_str()).collect();
    marks.sort();
    assert_eq!(marks, ["否", "是"]);
    assert!(rows
        .iter()
        .any(|r| r[heard].contains("委托党政办主任 李四参加")));

    // The clerk's pages: the step form asks for the head, the case page shows who attended.
    let web = Web::new(spawn(app.clone()).await);
    let fuyi = web.login("fuyi").await;
    let form = web
        .get(&fuyi, &format!("/rc/cases/{other}/steps/record_hearing"))
        .await;
    assert_eq!(form.status, 200);
    for f in [
        "head_attended",
        "head_name",
        "head_absence_reason",
        "head_delegate",
    ] {
        assert!(form.text().contains(&format!("name=\"{f}\"")), "{f}");
    }
    let page = web.get(&fuyi, &format!("/rc/cases/{id}")).await.text();
    assert!(page.contains("听证参加情况") && page.contains("王东（镇长）参加听证"));
    let page = web.get(&fuyi, &format!("/rc/cases/{other}")).await.text();
    assert!(page.contains("负责人未参加") && page.contains("委托党政办主任 李四参加"));
}

/// The annual report's 行政复议 sentence prints the hearings and the head's attendance
/// (data/report/sentences/reconsideration.j2), and says nothing of hearings when there were none.
#[test]
fn the_report_sentence_prints_the_heads_attendance() {
    use fazhi_report::sentences::{KeyValue, Num, Values};
    let sentences = fazhi_app::Config::default().load_sentences().unwrap();
    // `recorded`: hearings whose record says whether the head attended (those recorded before
    // this rule do not); the clause is printed only when every hearing of the year says so.
    let render = |hearings: i64, attended: i64, recorded: i64| -> String {
        let count = |n| KeyValue {
            this: Some(Num::Count(n)),
            ..Default::default()
        };
        let values = Arc::new(Values {
            year: 2024,
            scope: "全区".into(),
            percent: Default::default(),
            keys: [
                ("reconsideration.applications".to_string(), count(94)),
                ("reconsideration.hearings".to_string(), count(hearings)),
                (
                    "reconsideration.hearing_head_attended".to_string(),
                    count(attended),
                ),
                (
                    "reconsideration.hearings_attendance_recorded".to_string(),
                    count(recorded),
                ),
            ]
            .into(),
        });
        sentences.render("reconsideration", &values).unwrap()[0]
            .iter()
            .map(|i| i.text().to_string())
            .collect()
    };
    let text = render(3, 2, 3);
    assert!(
        text.contains("以听证方式审理3件，其中被申请人负责人参加听证2件。"),
        "{text}"
    );
    // A year with a hearing recorded before the rule: no "其中…" that would understate it.
    let text = render(3, 2, 2);
    assert!(
        text.contains("以听证方式审理3件。") && !text.contains("负责人参加听证"),
        "{text}"
    );
    assert!(!render(0, 0, 0).contains("听证"));
}

#[tokio::test]
async fn hearing_notice_and_head_on_sqlite() {
    hearing_notice_and_head(Backend::Sqlite).await;
}

#[tokio::test]
async fn hearing_notice_and_head_on_postgres() {
    hearing_notice_and_head(Backend::Postgres).await;
}

// ---------- §2.6 the organ as co-defendant ----------

/// Decides a new case with `pairs` and registers the applicant's lawsuit naming it; returns
/// whether the lawsuit has the organ as co-defendant.
async fn sued_after(app: &App, n: usize, pairs: &[(&str, &str)]) -> bool {
    let fuyi = auth::actor_by_username(app, "fuyi").await.unwrap();
    let yingsu = auth::actor_by_username(app, "yingsu").await.unwrap();
    let (id, no) = accepted_case(app, &fuyi, "2024-02-01", "2024-02-05").await;
    let mut f = fields(&[("date", "2024-04-20")]);
    f.extend(fields(pairs));
    rc::take_step(app, &fuyi, id, "decide", &f, None)
        .await
        .unwrap();
    let mut l = fields(&[
        ("court", "示例区人民法院"),
        ("case_no", &format!("（2024）示0101行初{}号", 40 + n)),
        ("registered_date", "2024-05-06"),
        ("copy_received_date", "2024-05-10"),
        ("act_name", "行政处罚决定"),
        ("claim", "请求撤销被告作出的行政处罚决定"),
        ("plaintiff_name", "张三"),
        ("plaintiff_id_number", "11010519491231002X"),
        ("rc_case_no", &no),
    ]);
    l.insert(
        "defendant_unit_id".into(),
        unit_id(app, "东山镇人民政府").await,
    );
    let (lid, _) = lt::register(app, &yingsu, &l).await.unwrap();
    lt::detail(app, &yingsu, lid)
        .await
        .unwrap()
        .case
        .co_defendant
}

/// 行政诉讼法第二十六条第二款; 行诉解释第二十二条、第一百三十三条、第一百三十四条: by default the
/// organ is co-defendant after 部分撤销, 部分变更 and 确认违法 on procedural grounds, not after
/// 驳回复议申请 or 确认违法 on other grounds; the procedural ground is stored and shown on the case.
async fn co_defendants(backend: Backend) {
    let t = with_org(backend, d("2024-12-31")).await;
    let app = &t.app;
    assert!(sued_after(app, 1, &[("decision_type", "partial_revoke")]).await);
    assert!(!sued_after(app, 2, &[("decision_type", "reject_application")]).await);
    assert!(sued_after(app, 3, &[("decision_type", "partial_change")]).await);
    assert!(
        sued_after(
            app,
            4,
            &[
                ("decision_type", "confirm_illegal"),
                ("procedural_ground", "1")
            ]
        )
        .await
    );
    assert!(!sued_after(app, 5, &[("decision_type", "confirm_illegal")]).await);
    assert!(sued_after(app, 6, &[("decision_type", "reject_claim")]).await);
    let fuyi = auth::actor_by_username(app, "fuyi").await.unwrap();
    let procedural: Vec<(String, Option<i64>)> = sqlx::query_as(
        "SELECT decision_type, procedural_ground FROM rc_cases WHERE decision_type = 'confirm_illegal' ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        procedural,
        [
            ("confirm_illegal".to_string(), Some(1)),
            ("confirm_illegal".to_string(), Some(0))
        ]
    );
    let id: i64 = sqlx::query_scalar("SELECT id FROM rc_cases WHERE procedural_ground = 1")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        rc::detail(app, &fuyi, id).await.unwrap().procedural_ground,
        Some(true)
    );
    let web = Web::new(spawn(app.clone()).await);
    let u = web.login("fuyi").await;
    let page = web.get(&u, &format!("/rc/cases/{id}")).await.text();
    assert!(page.contains("确认违法（以违反法定程序为由）"), "{page}");
    // 部分变更 is counted as 纠错.
    let v = rc::ENTRY
        .values(app, &fuyi, 2024, None, true)
        .await
        .unwrap();
    assert_eq!(value(&v, "reconsideration.corrected"), Some(4));

    // The setting changes the result: with only 维持 and 驳回复议请求 listed (the rule before
    // issue 14), 部分撤销 no longer makes the organ co-defendant.
    let t = with_org_and(backend, Arc::new(FixedClock(d("2024-12-31"))), |c| {
        c.reconsideration.co_defendant_decisions = vec![
            CoDefendantDecision::Decision(DecisionType::Maintain),
            CoDefendantDecision::Decision(DecisionType::RejectClaim),
        ];
    })
    .await;
    let app = &t.app;
    assert!(!sued_after(app, 1, &[("decision_type", "partial_revoke")]).await);
    assert!(
        !sued_after(
            app,
            2,
            &[
                ("decision_type", "confirm_illegal"),
                ("procedural_ground", "1")
            ]
        )
        .await
    );
    assert!(sued_after(app, 3, &[("decision_type", "maintain")]).await);
}

#[tokio::test]
async fn co_defendants_on_sqlite() {
    co_defendants(Backend::Sqlite).await;
}

#[tokio::test]
async fn co_defendants_on_postgres() {
    co_defendants(Backend::Postgres).await;
}

// ---------- §2.7 负责人出庭 ----------

/// 出庭规定第十二条: a hearing where the head did not appear is refused without the reason, and
/// nothing is written. 行诉解释第一百二十八条第二款、第一百三十二条: an instance with a hearing
/// attended by a lawyer alone is non-compliant, even though the head appeared at another hearing;
/// the indicator counts it so and the case page marks it.
async fn head_absence_and_lawyer_only(backend: Backend) {
    let t = with_org(backend, d("2024-12-31")).await;
    let app = &t.app;
    let clerk = auth::actor_by_username(app, "yingsu").await.unwrap();
    let mut f = fields(&[
        ("court", "示例区人民法院"),
        ("case_no", "（2024）示0101行初77号"),
        ("registered_date", "2024-09-02"),
        ("copy_received_date", "2024-09-05"),
        ("act_name", "行政处罚决定"),
        ("claim", "请求撤销被告作出的行政处罚决定"),
        ("plaintiff_name", "张三"),
        ("plaintiff_id_number", "11010519491231002X"),
    ]);
    f.insert(
        "defendant_unit_id".into(),
        unit_id(app, "区市场监督管理局").await,
    );
    let (id, _) = lt::register(app, &clerk, &f).await.unwrap();
    lt_step(
        app,
        &clerk,
        id,
        "schedule_hearing",
        &[
            ("date", "2024-09-20"),
            ("hearing_date", "2024-10-15"),
            ("head_notified", "1"),
        ],
    )
    .await;
    let before = untouched(app, "lt", id).await;
    let appearances = count(app, "lt_appearances").await;
    for (appearance, who) in [
        ("staff", ("person", "法制股 李四")),
        ("lawyer_only", ("lawyer", "王律师")),
        ("absent", ("lawyer", "")),
    ] {
        let e = lt::take_step(
            app,
            &clerk,
            id,
            "record_hearing",
            &fields(&[("date", "2024-10-15"), ("appearance", appearance), who]),
            None,
        )
        .await
        .unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            ("required", Some("excuse")),
            "{appearance}"
        );
        assert!(
            e.user_message().contains("第十二条"),
            "{}",
            e.user_message()
        );
    }
    assert_eq!(untouched(app, "lt", id).await, before);
    assert_eq!(count(app, "lt_appearances").await, appearances);

    // The head appears at the first hearing; the instance complies ...
    lt_step(
        app,
        &clerk,
        id,
        "record_hearing",
        &[
            ("date", "2024-10-15"),
            ("appearance", "head"),
            ("person", "林志远"),
            ("post", "局长"),
        ],
    )
    .await;
    let v = lt::ENTRY
        .values(app, &clerk, 2024, None, true)
        .await
        .unwrap();
    assert_eq!(value(&v, "litigation.non_compliant_appearances"), Some(0));
    // ... until a second hearing is left to a lawyer alone (with the head's reason on record).
    lt_step(
        app,
        &clerk,
        id,
        "record_hearing",
        &[
            ("date", "2024-11-05"),
            ("appearance", "lawyer_only"),
            ("lawyer", "王律师"),
            ("excuse", "official_duty"),
            ("excuse_evidence", "局长参加市政府常务会议，有会议通知"),
        ],
    )
    .await;
    let det = lt::detail(app, &clerk, id).await.unwrap();
    let first = &det.instances[0];
    assert_eq!(first.hearings, 2);
    assert!(first.head_appeared);
    assert!(first.lawyer_only);
    assert_eq!(first.compliant, Some(false));
    let v = lt::ENTRY
        .values(app, &clerk, 2024, None, true)
        .await
        .unwrap();
    assert_eq!(value(&v, "litigation.hearings"), Some(1));
    assert_eq!(value(&v, "litigation.non_compliant_appearances"), Some(1));
    assert_eq!(value(&v, "litigation.head_appearances"), Some(1));
    let drill = lt::list(
        app,
        &clerk,
        &ListQuery {
            indicator: "litigation.non_compliant_appearances".into(),
            year: "2024".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(drill.items.iter().map(|c| c.id).collect::<Vec<_>>(), [id]);
    let web = Web::new(spawn(app.clone()).await);
    let yingsu = web.login("yingsu").await;
    let page = web.get(&yingsu, &format!("/lt/cases/{id}")).await.text();
    assert!(page.contains("不合规") && page.contains("有庭次仅委托律师出庭"));
}

#[tokio::test]
async fn head_absence_and_lawyer_only_on_sqlite() {
    head_absence_and_lawyer_only(Backend::Sqlite).await;
}

#[tokio::test]
async fn head_absence_and_lawyer_only_on_postgres() {
    head_absence_and_lawyer_only(Backend::Postgres).await;
}
