//! The 行政应诉 story: lawsuits through their instances, hearings and appearances, the link to
//! 行政复议, 司法建议 / 检察建议, the indicators of seed 000 and the Excel import — run against
//! SQLite and PostgreSQL alike.

use fazhi_app::cases::ListQuery;
use fazhi_app::{auth, litigation as lt, reconsideration as rc, Actor, AppError};
use fazhi_domain::fields::Fields;
use fazhi_testkit::fields;
use fazhi_testkit::{d, with_org, Backend};

async fn unit_id(app: &fazhi_app::App, name: &str) -> String {
    fazhi_app::org::find_unit_by_name(app, name)
        .await
        .unwrap()
        .unwrap()
        .to_string()
}

/// The registration form of a lawsuit against `defendant`.
async fn lawsuit(
    app: &fazhi_app::App,
    case_no: &str,
    registered: &str,
    copy_received: &str,
    defendant: &str,
) -> Fields {
    let mut f = fields(&[
        ("court", "示例区人民法院"),
        ("case_no", case_no),
        ("registered_date", registered),
        ("copy_received_date", copy_received),
        ("act_name", "行政处罚决定"),
        ("act_doc_no", "示市监罚〔2024〕8号"),
        ("claim", "请求撤销被告作出的行政处罚决定"),
        ("plaintiff_name", "张三"),
        ("plaintiff_id_number", "11010519491231002X"),
        ("plaintiff_phone", "13812345678"),
    ]);
    f.insert("defendant_unit_id".into(), unit_id(app, defendant).await);
    f
}

/// A 行政复议 application, as in `story.rs`.
async fn application(app: &fazhi_app::App, received: &str, respondent: &str) -> Fields {
    let mut f = fields(&[
        ("received_date", received),
        ("channel", "window"),
        ("act_name", "不履行土地承包经营权登记职责"),
        ("act_date", "2024-01-15"),
        ("request", "责令被申请人履行登记职责"),
        ("applicant_name", "张三"),
        ("applicant_id_number", "11010519491231002X"),
        ("applicant_phone", "13812345678"),
    ]);
    f.insert("respondent_unit_id".into(), unit_id(app, respondent).await);
    f
}

async fn count(app: &fazhi_app::App, table_and_filter: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table_and_filter}"))
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

/// Takes a step that must succeed, naming it when it does not.
async fn step(app: &fazhi_app::App, actor: &Actor, id: i64, action: &str, f: &[(&str, &str)]) {
    if let Err(e) = lt::take_step(app, actor, id, action, &fields(f), None).await {
        panic!(
            "case {id}: {action} {f:?} refused: {} ({:?}) {}",
            e.code(),
            e.field(),
            e.user_message()
        );
    }
}

fn ind(
    v: &[fazhi_app::indicators::IndicatorValue],
    key: &str,
) -> fazhi_app::indicators::IndicatorValue {
    v.iter()
        .find(|x| x.key == key)
        .unwrap_or_else(|| panic!("indicator {key}"))
        .clone()
}

fn count_of(v: &[fazhi_app::indicators::IndicatorValue], key: &str) -> Option<i64> {
    ind(v, key).value.count
}

fn percent_of(v: &[fazhi_app::indicators::IndicatorValue], key: &str) -> Option<String> {
    ind(v, key).value.percent
}

/// The court summons the head, who appears at the hearing.
async fn hearing(app: &fazhi_app::App, clerk: &Actor, id: i64, summons: &str, on: &str) {
    step(
        app,
        clerk,
        id,
        "schedule_hearing",
        &[
            ("date", summons),
            ("hearing_date", on),
            ("head_notified", "1"),
        ],
    )
    .await;
    step(
        app,
        clerk,
        id,
        "record_hearing",
        &[
            ("date", on),
            ("appearance", "head"),
            ("person", "王建军"),
            ("post", "局长"),
        ],
    )
    .await;
}

// ---------- 1. seed 000 ----------

/// Seed 000: "行政应诉134件，已审结122件，败诉10件，败诉率7.46%，出庭应诉78件，出庭应诉率100%".
async fn seed_000_litigation(backend: Backend) {
    let t = with_org(backend, d("2025-01-15")).await;
    let app = &t.app;
    let clerk = auth::actor_by_username(app, "yingsu").await.unwrap();
    let mut ids = Vec::new();
    for i in 0..134usize {
        let m = 1 + i % 6;
        let f = lawsuit(
            app,
            &format!("（2024）示0101行初{}号", i + 1),
            &format!("2024-{m:02}-01"),
            &format!("2024-{m:02}-05"),
            "区市场监督管理局",
        )
        .await;
        let (id, no) = lt::register(app, &clerk, &f).await.unwrap();
        assert_eq!(no, format!("（2024）示0101行初{}号", i + 1));
        ids.push(id);
    }
    for (i, &id) in ids.iter().enumerate() {
        match i {
            // 78 tried with the head appearing; 10 of them lost, all final in 2024.
            0..=77 => {
                hearing(app, &clerk, id, "2024-07-01", "2024-07-10").await;
                let outcome = if i < 10 { "revoke" } else { "reject_claim" };
                step(
                    app,
                    &clerk,
                    id,
                    "judge",
                    &[
                        ("date", "2024-08-01"),
                        ("served_date", "2024-08-05"),
                        ("outcome", outcome),
                    ],
                )
                .await;
                step(app, &clerk, id, "finalize", &[("date", "2024-08-25")]).await;
            }
            // 30 withdrawn: final at once.
            78..=107 => {
                step(
                    app,
                    &clerk,
                    id,
                    "judge",
                    &[("date", "2024-09-01"), ("outcome", "withdrawn")],
                )
                .await;
            }
            // 14 dismissed, final after the 10-day window.
            108..=121 => {
                step(
                    app,
                    &clerk,
                    id,
                    "judge",
                    &[("date", "2024-09-01"), ("outcome", "dismiss_suit")],
                )
                .await;
                step(app, &clerk, id, "finalize", &[("date", "2024-09-15")]).await;
            }
            // Received in 2024, tried and lost at first instance in 2025, not yet final.
            122 => {
                hearing(app, &clerk, id, "2025-01-02", "2025-01-06").await;
                step(
                    app,
                    &clerk,
                    id,
                    "judge",
                    &[("date", "2025-01-08"), ("outcome", "revoke")],
                )
                .await;
            }
            // Dismissed at the end of 2024, still in the appeal window.
            123..=126 => {
                step(
                    app,
                    &clerk,
                    id,
                    "judge",
                    &[("date", "2024-12-28"), ("outcome", "dismiss_suit")],
                )
                .await;
            }
            // Dismissed in 2024, final in 2025.
            127..=129 => {
                step(
                    app,
                    &clerk,
                    id,
                    "judge",
                    &[("date", "2024-12-20"), ("outcome", "dismiss_suit")],
                )
                .await;
                step(app, &clerk, id, "finalize", &[("date", "2025-01-10")]).await;
            }
            // Still pending at first instance.
            _ => {}
        }
    }

    let system = Actor::system("测试", 1);
    let v = lt::ENTRY
        .values(app, &system, 2024, None, true)
        .await
        .unwrap();
    assert_eq!(count_of(&v, "litigation.cases"), Some(134));
    assert_eq!(count_of(&v, "litigation.concluded"), Some(122));
    assert_eq!(count_of(&v, "litigation.lost"), Some(10));
    assert_eq!(count_of(&v, "litigation.lost_final"), Some(10));
    assert_eq!(count_of(&v, "litigation.lost_first_instance"), Some(10));
    assert_eq!(
        percent_of(&v, "litigation.loss_rate").as_deref(),
        Some("7.46")
    );
    assert_eq!(ind(&v, "litigation.loss_rate").value.numerator, Some(10));
    assert_eq!(ind(&v, "litigation.loss_rate").value.denominator, Some(134));
    assert_eq!(ind(&v, "litigation.loss_rate").display, "7.46%");
    assert_eq!(count_of(&v, "litigation.hearings"), Some(78));
    assert_eq!(count_of(&v, "litigation.head_appearances"), Some(78));
    assert_eq!(
        percent_of(&v, "litigation.head_appearance_rate").as_deref(),
        Some("100.00")
    );
    assert_eq!(
        count_of(&v, "litigation.non_compliant_appearances"),
        Some(0)
    );
    assert_eq!(count_of(&v, "litigation.performance_required"), Some(10));
    assert_eq!(count_of(&v, "litigation.after_reconsideration"), Some(0));

    // The drill-downs list exactly the cases counted.
    let drill = |key: &str, year: &str| ListQuery {
        indicator: key.into(),
        year: year.into(),
        per_page: Some(200),
        ..Default::default()
    };
    let lost = lt::list(app, &system, &drill("litigation.lost", "2024"))
        .await
        .unwrap();
    assert_eq!(lost.total, 10);
    assert!(lost
        .items
        .iter()
        .all(|c| c.final_lost == Some(true) && c.status == "final"));
    assert_eq!(
        lt::list(app, &system, &drill("litigation.concluded", "2024"))
            .await
            .unwrap()
            .total,
        122
    );
    assert_eq!(
        lt::list(app, &system, &drill("litigation.head_appearances", "2024"))
            .await
            .unwrap()
            .total,
        78
    );
    // The clerk's own scope sees the same figures.
    let mine = lt::ENTRY
        .values(app, &clerk, 2024, None, true)
        .await
        .unwrap();
    assert_eq!(count_of(&mine, "litigation.cases"), Some(134));
    assert_eq!(count_of(&mine, "litigation.lost"), Some(10));

    // 2025: nothing received; three dismissals became final; the late case was tried and lost
    // at first instance (counted on that basis) but is not final (so not a final loss).
    let v = lt::ENTRY
        .values(app, &system, 2025, None, true)
        .await
        .unwrap();
    assert_eq!(count_of(&v, "litigation.cases"), Some(0));
    assert_eq!(ind(&v, "litigation.cases").previous.count, Some(134));
    assert_eq!(count_of(&v, "litigation.concluded"), Some(3));
    assert_eq!(count_of(&v, "litigation.lost"), Some(0));
    assert_eq!(count_of(&v, "litigation.lost_first_instance"), Some(1));
    assert_eq!(count_of(&v, "litigation.head_appearances"), Some(1));
    assert_eq!(count_of(&v, "litigation.hearings"), Some(1));
    assert_eq!(ind(&v, "litigation.loss_rate").display, "不适用");
}

#[tokio::test]
async fn seed_000_litigation_on_sqlite() {
    seed_000_litigation(Backend::Sqlite).await;
}

#[tokio::test]
async fn seed_000_litigation_on_postgres() {
    seed_000_litigation(Backend::Postgres).await;
}

// ---------- 2. one lawsuit through two instances ----------

async fn lawsuit_story(backend: Backend) {
    let t = with_org(backend, d("2024-12-31")).await;
    let app = &t.app;
    let clerk = auth::actor_by_username(app, "yingsu").await.unwrap();
    let dongshan = auth::actor_by_username(app, "dongshan").await.unwrap();
    let xihe = auth::actor_by_username(app, "xihe").await.unwrap();
    let scj = auth::actor_by_username(app, "scj").await.unwrap();
    let scjfg = auth::actor_by_username(app, "scjfg").await.unwrap();

    // A department clerk may not register.
    let f = lawsuit(
        app,
        "（2024）示0101行初88号",
        "2024-09-10",
        "2024-09-16",
        "东山镇人民政府",
    )
    .await;
    assert!(matches!(
        lt::register(app, &dongshan, &f).await,
        Err(AppError::Forbidden)
    ));
    let (id, no) = lt::register(app, &clerk, &f).await.unwrap();
    assert_eq!(no, "（2024）示0101行初88号");
    // The same 案号 twice is refused.
    let e = lt::register(app, &clerk, &f).await.unwrap_err();
    assert_eq!(
        (e.code(), e.field()),
        ("duplicate_case_no", Some("case_no"))
    );

    // Defence: 15 calendar days from 2024-09-16 end on 2024-10-01, a 国庆节 holiday (10-01 to
    // 10-07), so the period rolls to the next working day, Tuesday 2024-10-08.
    let det = lt::detail(app, &clerk, id).await.unwrap();
    assert_eq!(det.case.status, "first_instance");
    assert_eq!(det.case.defendant, "东山镇人民政府");
    assert!(!det.case.co_defendant);
    assert_eq!(det.instances.len(), 1);
    assert_eq!(det.instances[0].level_label, "一审");
    let kinds: Vec<&str> = det.deadlines.iter().map(|x| x.kind.as_str()).collect();
    assert!(kinds.contains(&"defence"), "{kinds:?}");
    assert!(kinds.contains(&"evidence_delay_request"), "{kinds:?}");
    let defence = det.deadlines.iter().find(|x| x.kind == "defence").unwrap();
    assert_eq!(defence.due, Some(d("2024-10-08")));
    assert!(
        defence.steps.iter().any(|s| s.contains("国庆节")),
        "{:?}",
        defence.steps
    );
    let delay = det
        .deadlines
        .iter()
        .find(|x| x.kind == "evidence_delay_request")
        .unwrap();
    assert_eq!(delay.due, Some(d("2024-10-08")));
    assert_eq!(det.case.due.next_due.as_deref(), Some("2024-10-08"));
    assert_eq!(det.events.len(), 1);
    // Personal data: full for the handling clerk, masked for the defendant township.
    assert_eq!(det.parties[0].identity, "11010519491231002X");
    assert_eq!(
        lt::detail(app, &dongshan, id).await.unwrap().parties[0].identity,
        "1101**********002X"
    );

    // Today (2024-12-31) the defence is overdue: the case is on the warning list.
    assert_eq!(det.case.due.deadline_state, "overdue");
    let w = fazhi_app::warnings::all(app, &clerk).await.unwrap();
    let lawsuits: Vec<_> = w.iter().filter(|w| w.module == "litigation").collect();
    assert_eq!(lawsuits.len(), 1);
    assert_eq!(lawsuits[0].url, format!("/lt/cases/{id}"));
    assert_eq!(
        (lawsuits[0].module_label, lawsuits[0].status_label),
        ("行政应诉", "一审审理中")
    );

    // Filing the defence completes both.
    step(app, &clerk, id, "file_defence", &[("date", "2024-09-25")]).await;
    assert!(!fazhi_app::warnings::all(app, &clerk)
        .await
        .unwrap()
        .iter()
        .any(|w| w.module == "litigation"));
    let det = lt::detail(app, &clerk, id).await.unwrap();
    for k in ["defence", "evidence_delay_request"] {
        let x = det.deadlines.iter().find(|x| x.kind == k).unwrap();
        assert_eq!(x.completed, Some(d("2024-09-25")), "{k}");
        assert_eq!(x.state, "done", "{k}");
    }

    // A judgment before any hearing is refused, and nothing changes.
    let version = det.case.version;
    let events = count(
        app,
        &format!("case_events WHERE module = 'litigation' AND case_id = {id}"),
    )
    .await;
    let writes = "audit_log WHERE action <> 'view_personal_data'";
    let audits = count(app, writes).await;
    let e = lt::take_step(
        app,
        &clerk,
        id,
        "judge",
        &fields(&[("date", "2024-10-05"), ("outcome", "revoke")]),
        None,
    )
    .await
    .unwrap_err();
    assert_eq!((e.code(), e.field()), ("no_hearing", Some("outcome")));
    let det = lt::detail(app, &clerk, id).await.unwrap();
    assert_eq!(det.case.version, version);
    assert_eq!(det.case.status, "first_instance");
    assert_eq!(
        count(
            app,
            &format!("case_events WHERE module = 'litigation' AND case_id = {id}")
        )
        .await,
        events
    );
    assert_eq!(count(app, writes).await, audits);

    // The court summons the head.
    step(
        app,
        &clerk,
        id,
        "schedule_hearing",
        &[
            ("date", "2024-10-10"),
            ("hearing_date", "2024-10-20"),
            ("head_notified", "1"),
        ],
    )
    .await;
    // The head's appearance needs the head's name.
    let e = lt::take_step(
        app,
        &clerk,
        id,
        "record_hearing",
        &fields(&[("date", "2024-10-20"), ("appearance", "head")]),
        None,
    )
    .await
    .unwrap_err();
    assert_eq!((e.code(), e.field()), ("required", Some("person")));

    // A lawyer alone is accepted, with the reason the head did not appear (出庭规定 Art 12), but
    // does not meet the duty to appear.
    step(
        app,
        &clerk,
        id,
        "record_hearing",
        &[
            ("date", "2024-10-20"),
            ("appearance", "lawyer_only"),
            ("lawyer", "北京某律师事务所 李律师"),
            ("excuse", "other"),
            ("excuse_evidence", "镇长书面说明：当日参加县防汛会议"),
        ],
    )
    .await;
    let det = lt::detail(app, &clerk, id).await.unwrap();
    let first = &det.instances[0];
    assert_eq!(first.hearings, 1);
    assert!(first.head_notified);
    assert!(!first.head_appeared);
    assert_eq!(first.compliant, Some(false));
    assert_eq!(first.appearances.len(), 1);
    assert!(!first.appearances[0].compliant);
    assert_eq!(
        first.appearances[0].lawyer.as_deref(),
        Some("北京某律师事务所 李律师")
    );
    let v = lt::ENTRY
        .values(app, &clerk, 2024, None, true)
        .await
        .unwrap();
    assert_eq!(
        count_of(&v, "litigation.non_compliant_appearances"),
        Some(1)
    );
    assert_eq!(count_of(&v, "litigation.hearings"), Some(1));
    assert_eq!(count_of(&v, "litigation.head_appearances"), Some(0));
    assert_eq!(
        percent_of(&v, "litigation.head_appearance_rate").as_deref(),
        Some("0.00")
    );

    // At a later hearing the head appears: the instance still does not comply, as one of its
    // hearings was left to a lawyer alone (行诉解释 Arts 128(2), 132).
    step(
        app,
        &clerk,
        id,
        "record_hearing",
        &[
            ("date", "2024-11-05"),
            ("appearance", "head"),
            ("person", "王东"),
            ("post", "镇长"),
        ],
    )
    .await;
    let det = lt::detail(app, &clerk, id).await.unwrap();
    let first = &det.instances[0];
    assert_eq!(first.hearings, 2);
    assert!(first.head_appeared);
    assert_eq!(first.compliant, Some(false));
    assert!(first.lawyer_only);
    assert_eq!(first.appearances.len(), 2);
    assert!(first.appearances[1].compliant);
    assert_eq!(first.appearances[1].person.as_deref(), Some("王东"));
    let v = lt::ENTRY
        .values(app, &clerk, 2024, None, true)
        .await
        .unwrap();
    assert_eq!(
        count_of(&v, "litigation.non_compliant_appearances"),
        Some(1)
    );
    assert_eq!(count_of(&v, "litigation.hearings"), Some(1));
    assert_eq!(count_of(&v, "litigation.head_appearances"), Some(1));
    assert_eq!(
        percent_of(&v, "litigation.head_appearance_rate").as_deref(),
        Some("100.00")
    );

    // Judgment at first instance: the appeal window runs 15 days from service (2024-11-18, a
    // Monday), to Tuesday 2024-12-03.
    step(
        app,
        &clerk,
        id,
        "judge",
        &[
            ("date", "2024-11-15"),
            ("served_date", "2024-11-18"),
            ("outcome", "revoke"),
        ],
    )
    .await;
    let det = lt::detail(app, &clerk, id).await.unwrap();
    assert_eq!(det.case.status, "appeal_window");
    assert_eq!(det.case.first_lost, Some(true));
    assert_eq!(det.case.first_outcome_label, "判决撤销或部分撤销");
    assert_eq!(det.case.final_lost, None);
    assert_eq!(det.instances[0].lost, Some(true));
    let window = det
        .deadlines
        .iter()
        .find(|x| x.kind == "appeal_window")
        .expect("an appeal window");
    assert_eq!(window.start, d("2024-11-18"));
    assert_eq!(window.due, Some(d("2024-12-03")));
    assert!(window.completed.is_none());

    // An appeal dated before the judgment is refused.
    let appeal = |date: &str| {
        fields(&[
            ("date", date),
            ("by_defendant", "1"),
            ("court", "示例市中级人民法院"),
            ("case_no", "（2024）示01行终5号"),
        ])
    };
    let e = lt::take_step(app, &clerk, id, "appeal", &appeal("2024-11-10"), None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "appeal_before_judgment");
    let version = lt::detail(app, &clerk, id).await.unwrap().case.version;
    lt::take_step(
        app,
        &clerk,
        id,
        "appeal",
        &appeal("2024-11-25"),
        Some(version),
    )
    .await
    .unwrap();
    let det = lt::detail(app, &clerk, id).await.unwrap();
    assert_eq!(det.case.status, "appeal");
    assert_eq!(det.case.level_label, "二审");
    assert_eq!(det.instances.len(), 2);
    assert_eq!(det.instances[1].level_label, "二审");
    assert_eq!(det.instances[1].case_no, "（2024）示01行终5号");
    assert_eq!(det.instances[1].court, "示例市中级人民法院");
    let window = det
        .deadlines
        .iter()
        .find(|x| x.kind == "appeal_window")
        .unwrap();
    assert_eq!(window.completed, Some(d("2024-11-25")));
    // The appeal's 案号 finds the case.
    let found = lt::list(
        app,
        &clerk,
        &ListQuery {
            text: "行终5号".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(found.total, 1);

    // The appeal court upholds on the papers: final, and lost (the upheld judgment was a loss).
    step(
        app,
        &clerk,
        id,
        "judge",
        &[
            ("date", "2024-12-20"),
            ("outcome", "uphold_original"),
            ("performance_days", "30"),
        ],
    )
    .await;
    let det = lt::detail(app, &clerk, id).await.unwrap();
    assert_eq!(det.case.status, "final");
    assert_eq!(det.case.final_lost, Some(true));
    assert_eq!(det.case.final_date.as_deref(), Some("2024-12-20"));
    assert!(det.requires_performance);
    assert_eq!(det.instances[1].lost, Some(true));
    let perf = det
        .deadlines
        .iter()
        .find(|x| x.kind == "performance")
        .expect("a performance deadline");
    // 2024-12-20 + 30 days = 2025-01-19, a Sunday: rolled to Monday 2025-01-20.
    assert_eq!(perf.due, Some(d("2025-01-20")));

    step(
        app,
        &clerk,
        id,
        "record_performance",
        &[
            ("date", "2024-12-28"),
            ("performed", "1"),
            ("notes", "已重新作出处理决定"),
        ],
    )
    .await;
    let det = lt::detail(app, &clerk, id).await.unwrap();
    assert_eq!(det.performed, Some(true));
    assert!(
        det.deadlines.iter().all(|x| x.state == "done"),
        "{:?}",
        det.deadlines
    );
    assert_eq!(det.events.len(), 9);
    let v = lt::ENTRY
        .values(app, &clerk, 2024, None, true)
        .await
        .unwrap();
    assert_eq!(count_of(&v, "litigation.concluded"), Some(1));
    assert_eq!(count_of(&v, "litigation.lost"), Some(1));
    assert_eq!(count_of(&v, "litigation.performed"), Some(1));

    // Scope: the defendant township sees it but may not write; another township and another
    // department see nothing, even by id.
    let actions: Vec<&str> = det.actions.iter().map(|a| a.0.as_str()).collect();
    assert!(actions.contains(&"retry"), "{actions:?}");
    let seen = lt::detail(app, &dongshan, id).await.unwrap();
    assert!(seen.actions.is_empty());
    assert!(matches!(
        lt::take_step(
            app,
            &dongshan,
            id,
            "retry",
            &fields(&[
                ("date", "2024-12-30"),
                ("court", "示例市中级人民法院"),
                ("case_no", "（2024）示01行再1号")
            ]),
            None
        )
        .await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        lt::detail(app, &xihe, id).await,
        Err(AppError::NotFound(_))
    ));
    let xl = lt::list(app, &xihe, &ListQuery::default()).await.unwrap();
    assert!(xl.items.iter().all(|c| c.id != id));
    for other in [&scj, &scjfg] {
        let r = lt::take_step(
            app,
            other,
            id,
            "retry",
            &fields(&[
                ("date", "2024-12-30"),
                ("court", "示例市中级人民法院"),
                ("case_no", "（2024）示01行再1号"),
            ]),
            None,
        )
        .await;
        assert!(
            matches!(r, Err(AppError::NotFound(_)) | Err(AppError::Forbidden)),
            "{}: {r:?}",
            other.username
        );
    }
    assert_eq!(
        lt::detail(app, &clerk, id).await.unwrap().case.status,
        "final"
    );

    // Every write left an audit entry: the registration and eight steps.
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE entity = 'lt_case' AND entity_id = $1 \
         AND action <> 'view_personal_data' ORDER BY id",
    )
    .bind(id.to_string())
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "create",
            "file_defence",
            "schedule_hearing",
            "record_hearing",
            "record_hearing",
            "judge",
            "appeal",
            "judge",
            "record_performance"
        ]
    );
    assert_eq!(
        count(
            app,
            "audit_log WHERE entity = 'lt_case' AND action <> 'view_personal_data'"
        )
        .await,
        9
    );
    // Reading the full identity number is itself logged.
    assert!(
        count(
            app,
            &format!(
                "audit_log WHERE entity = 'lt_case' AND entity_id = '{id}' \
                 AND action = 'view_personal_data'"
            )
        )
        .await
            > 0
    );
    let logged: String = sqlx::query_scalar(
        "SELECT after_json FROM audit_log WHERE entity = 'lt_case' AND action = 'create' LIMIT 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(
        logged.contains("1101**********002X") && !logged.contains("11010519491231002X"),
        "personal data masked in the log: {logged}"
    );
}

#[tokio::test]
async fn lawsuit_story_on_sqlite() {
    lawsuit_story(Backend::Sqlite).await;
}

#[tokio::test]
async fn lawsuit_story_on_postgres() {
    lawsuit_story(Backend::Postgres).await;
}

// ---------- 3. 复议后起诉 ----------

async fn reconsideration_link(backend: Backend) {
    let t = with_org(backend, d("2024-12-31")).await;
    let app = &t.app;
    let fuyi = auth::actor_by_username(app, "fuyi").await.unwrap();
    let clerk = auth::actor_by_username(app, "yingsu").await.unwrap();

    let (rc_id, rc_no) = rc::register(
        app,
        &fuyi,
        &application(app, "2024-02-01", "东山镇人民政府").await,
    )
    .await
    .unwrap();
    rc::take_step(
        app,
        &fuyi,
        rc_id,
        "accept",
        &fields(&[("date", "2024-02-05"), ("procedure", "ordinary")]),
        None,
    )
    .await
    .unwrap();
    rc::take_step(
        app,
        &fuyi,
        rc_id,
        "decide",
        &fields(&[("date", "2024-04-20"), ("decision_type", "maintain")]),
        None,
    )
    .await
    .unwrap();

    // An unknown reconsideration number is refused and nothing is written.
    let before = (
        count(app, "lt_cases").await,
        count(app, "case_events WHERE module = 'litigation'").await,
        count(app, "deadlines WHERE module = 'litigation'").await,
        count(app, "audit_log").await,
    );
    let mut bad = lawsuit(
        app,
        "（2024）示0101行初30号",
        "2024-05-10",
        "2024-05-15",
        "东山镇人民政府",
    )
    .await;
    bad.insert("rc_case_no".into(), "示例复〔2024〕99号".into());
    let e = lt::register(app, &clerk, &bad).await.unwrap_err();
    assert_eq!((e.code(), e.field()), ("not_found", Some("rc_case_no")));
    assert_eq!(
        (
            count(app, "lt_cases").await,
            count(app, "case_events WHERE module = 'litigation'").await,
            count(app, "deadlines WHERE module = 'litigation'").await,
            count(app, "audit_log").await,
        ),
        before
    );

    // With the real number: linked, and the reconsideration organ is co-defendant (it maintained).
    let mut f = bad.clone();
    f.insert("rc_case_no".into(), rc_no.clone());
    let (id, no) = lt::register(app, &clerk, &f).await.unwrap();
    let det = lt::detail(app, &clerk, id).await.unwrap();
    assert_eq!(det.reconsideration, Some((rc_id, rc_no.clone())));
    assert!(det.case.co_defendant);
    assert!(
        det.events[0].summary.contains("共同被告"),
        "{}",
        det.events[0].summary
    );

    // The litigation clerk may not write reconsideration cases: the case lists the lawsuit but
    // its own record of the suit is left to the reconsideration clerk.
    let rdet = fazhi_app::links::reconsideration_detail(app, &fuyi, rc_id)
        .await
        .unwrap();
    assert_eq!(rdet.detail.litigation_date, None);
    assert!(
        rdet.lawsuits.contains(&(id, no.clone())),
        "{:?}",
        rdet.lawsuits
    );
    // A clerk who handles both procedures records it there too, in the same transaction.
    let mut both = clerk.clone();
    both.roles
        .push(fazhi_domain::org::Role::ReconsiderationClerk);
    let mut f2 = lawsuit(
        app,
        "（2024）示0101行初31号",
        "2024-05-10",
        "2024-05-15",
        "东山镇人民政府",
    )
    .await;
    f2.insert("rc_case_no".into(), rc_no.clone());
    lt::register(app, &both, &f2).await.unwrap();
    let rdet = fazhi_app::links::reconsideration_detail(app, &fuyi, rc_id)
        .await
        .unwrap();
    assert_eq!(rdet.detail.litigation_date.as_deref(), Some("2024-05-10"));
    assert_eq!(rdet.lawsuits.len(), 2);
    let rc_actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE entity = 'rc_case' AND entity_id = $1 \
         AND action <> 'view_personal_data' ORDER BY id",
    )
    .bind(rc_id.to_string())
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        rc_actions.last().map(String::as_str),
        Some("record_litigation")
    );

    let system = Actor::system("测试", 1);
    let v = lt::ENTRY
        .values(app, &system, 2024, None, true)
        .await
        .unwrap();
    assert_eq!(count_of(&v, "litigation.after_reconsideration"), Some(2));
    let v = rc::ENTRY
        .values(app, &system, 2024, None, true)
        .await
        .unwrap();
    assert_eq!(count_of(&v, "reconsideration.litigated_after"), Some(1));
}

#[tokio::test]
async fn reconsideration_link_on_sqlite() {
    reconsideration_link(Backend::Sqlite).await;
}

#[tokio::test]
async fn reconsideration_link_on_postgres() {
    reconsideration_link(Backend::Postgres).await;
}

// ---------- 4. 司法建议 / 检察建议 ----------

async fn suggestions(backend: Backend) {
    let t = with_org(backend, d("2024-12-31")).await;
    let app = &t.app;
    let clerk = auth::actor_by_username(app, "yingsu").await.unwrap();
    let scj = auth::actor_by_username(app, "scj").await.unwrap();
    let xihe = auth::actor_by_username(app, "xihe").await.unwrap();

    let mut f = fields(&[
        ("kind", "procuratorial"),
        ("issuer", "示例区人民检察院"),
        ("doc_no", "示检行建〔2024〕3号"),
        ("received_date", "2024-03-15"),
        ("content", "建议规范行政处罚案件的送达程序"),
    ]);
    f.insert("unit_id".into(), unit_id(app, "区市场监督管理局").await);
    assert!(matches!(
        lt::register_suggestion(app, &scj, &f).await,
        Err(AppError::Forbidden)
    ));
    let id = lt::register_suggestion(app, &clerk, &f).await.unwrap();

    // Two months (民法典 Art 202: the corresponding day): 2024-05-15, a Wednesday.
    let det = lt::suggestion_detail(app, &clerk, id).await.unwrap();
    assert_eq!(det.s.status, "pending");
    assert_eq!(det.s.addressee, "区市场监督管理局");
    assert_eq!(det.s.kind_label, "检察建议");
    assert_eq!(det.deadlines.len(), 1);
    assert_eq!(det.deadlines[0].kind, "reply");
    assert_eq!(det.deadlines[0].count, 2);
    assert_eq!(det.deadlines[0].unit_label, "个月");
    assert_eq!(det.deadlines[0].due, Some(d("2024-05-15")));
    assert_eq!(det.s.due.next_due.as_deref(), Some("2024-05-15"));

    // Unanswered on 2024-12-31, it is on 超期预警 under its own kind and 文号.
    let overdue = |w: Vec<fazhi_app::warnings::Warning>| {
        w.into_iter()
            .filter(|w| w.module == "suggestion")
            .map(|w| (w.module_label, w.case_no, w.parties, w.unit, w.url))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        overdue(fazhi_app::warnings::all(app, &clerk).await.unwrap()),
        [(
            "检察建议",
            "示检行建〔2024〕3号".to_string(),
            "示例区人民检察院".to_string(),
            "区市场监督管理局".to_string(),
            format!("/lt/suggestions/{id}")
        )]
    );

    // The addressed department sees it; another township does not.
    assert!(lt::suggestion_detail(app, &scj, id).await.is_ok());
    assert!(matches!(
        lt::suggestion_detail(app, &xihe, id).await,
        Err(AppError::NotFound(_))
    ));
    assert_eq!(
        lt::list_suggestions(app, &scj, &ListQuery::default())
            .await
            .unwrap()
            .total,
        1
    );
    assert_eq!(
        lt::list_suggestions(app, &xihe, &ListQuery::default())
            .await
            .unwrap()
            .total,
        0
    );

    // Rectification before the reply is refused, and nothing changes.
    let e = lt::suggestion_step(
        app,
        &clerk,
        id,
        "rectify",
        &fields(&[("date", "2024-04-01"), ("notes", "已整改")]),
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), "illegal_transition");
    let det = lt::suggestion_detail(app, &clerk, id).await.unwrap();
    assert_eq!((det.s.status.as_str(), det.s.version), ("pending", 1));

    lt::suggestion_step(
        app,
        &clerk,
        id,
        "reply",
        &fields(&[("date", "2024-04-20"), ("notes", "已书面回复检察院")]),
        Some(1),
    )
    .await
    .unwrap();
    lt::suggestion_step(
        app,
        &clerk,
        id,
        "rectify",
        &fields(&[("date", "2024-06-30"), ("notes", "已修订送达工作规程")]),
        Some(2),
    )
    .await
    .unwrap();
    let det = lt::suggestion_detail(app, &clerk, id).await.unwrap();
    assert_eq!(det.s.status, "rectified");
    assert_eq!(det.s.reply_date.as_deref(), Some("2024-04-20"));
    assert_eq!(det.s.rectified_date.as_deref(), Some("2024-06-30"));
    assert_eq!(det.deadlines[0].completed, Some(d("2024-04-20")));
    assert_eq!(det.deadlines[0].state, "done");
    assert_eq!(det.events.len(), 3);
    assert!(det.actions.is_empty());

    let system = Actor::system("测试", 1);
    let v = lt::SUGGESTION_ENTRY
        .values(app, &system, 2024, None, true)
        .await
        .unwrap();
    assert_eq!(count_of(&v, "supervision.suggestions"), Some(1));
    assert_eq!(
        count_of(&v, "supervision.procuratorial_suggestions"),
        Some(1)
    );
    assert_eq!(count_of(&v, "supervision.judicial_suggestions"), Some(0));
    assert_eq!(count_of(&v, "supervision.replied"), Some(1));
    assert_eq!(count_of(&v, "supervision.rectified"), Some(1));
    assert_eq!(
        percent_of(&v, "supervision.reply_rate").as_deref(),
        Some("100.00")
    );
    assert_eq!(
        count(app, "audit_log WHERE entity = 'lt_suggestion'").await,
        3
    );

    // One without a 文号 is listed by its issuer, marked unnumbered.
    let mut g = fields(&[
        ("kind", "judicial"),
        ("issuer", "示例区人民法院"),
        ("received_date", "2024-06-03"),
        ("content", "建议加强行政执法人员培训"),
    ]);
    g.insert("unit_id".into(), unit_id(app, "区市场监督管理局").await);
    let id2 = lt::register_suggestion(app, &clerk, &g).await.unwrap();
    assert_eq!(
        overdue(fazhi_app::warnings::all(app, &clerk).await.unwrap()),
        [(
            "司法建议",
            "示例区人民法院（未编号）".to_string(),
            "示例区人民法院".to_string(),
            "区市场监督管理局".to_string(),
            format!("/lt/suggestions/{id2}")
        )]
    );
}

#[tokio::test]
async fn suggestions_on_sqlite() {
    suggestions(Backend::Sqlite).await;
}

#[tokio::test]
async fn suggestions_on_postgres() {
    suggestions(Backend::Postgres).await;
}

// ---------- 5. Excel import ----------

fn import_row(case_no: &str) -> Vec<String> {
    lt::IMPORT_COLUMNS
        .iter()
        .map(|(_, field)| match *field {
            "court" => "示例区人民法院",
            "case_no" => case_no,
            "registered_date" => "2024-09-20",
            "copy_received_date" => "2024-09-27",
            "defendant" => "区市场监督管理局",
            "act_name" => "行政处罚决定",
            "act_doc_no" => "示市监罚〔2024〕8号",
            "claim" => "请求撤销被告作出的行政处罚决定",
            "plaintiff_kind" => "自然人",
            "plaintiff_name" => "张三",
            "plaintiff_id_number" => "11010519491231002X",
            "plaintiff_phone" => "13800000000",
            _ => "",
        })
        .map(String::from)
        .collect()
}

fn workbook(rows: Vec<Vec<String>>) -> Vec<u8> {
    let headers: Vec<&str> = lt::IMPORT_COLUMNS.iter().map(|c| c.0).collect();
    fazhi_app::xlsx::write_table("行政应诉案件导入", &headers, rows.into_iter()).unwrap()
}

async fn import_rejects_bad_rows(backend: Backend) {
    let t = with_org(backend, d("2024-12-31")).await;
    let app = &t.app;
    let clerk = auth::actor_by_username(app, "yingsu").await.unwrap();

    // The template carries exactly the import columns, and no row that would be imported (its
    // example is on a sheet of its own): imported as downloaded, it writes nothing.
    let template = lt::import_template().unwrap();
    let (headers, rows) = fazhi_app::xlsx::read_table(&template).unwrap();
    assert_eq!(
        headers,
        lt::IMPORT_COLUMNS.iter().map(|c| c.0).collect::<Vec<_>>()
    );
    assert!(rows.is_empty(), "{rows:?}");
    let lawsuits = count(app, "lt_cases").await;
    let e = lt::import(app, &clerk, &template).await.unwrap_err();
    assert_eq!(e.code(), "empty_file");
    assert_eq!(count(app, "lt_cases").await, lawsuits);

    // One good row, one with a malformed 案号: the file is refused as a whole.
    let bytes = workbook(vec![
        import_row("（2024）示0101行初12号"),
        import_row("2024示0101行初13号"),
    ]);
    let audits = count(app, "audit_log").await;
    match lt::import(app, &clerk, &bytes).await {
        Err(AppError::Rows(rows)) => {
            assert_eq!(rows.len(), 1, "{rows:?}");
            assert_eq!(rows[0].row, 3);
            assert_eq!(rows[0].column, "案号");
            assert_eq!(rows[0].code, "invalid_case_no");
        }
        other => panic!("expected row errors, got {other:?}"),
    }
    assert_eq!(count(app, "lt_cases").await, 0);
    assert_eq!(count(app, "lt_instances").await, 0);
    assert_eq!(count(app, "deadlines").await, 0);
    assert_eq!(count(app, "audit_log").await, audits);

    // The same 案号 twice in one file is refused too.
    let bytes = workbook(vec![
        import_row("（2024）示0101行初12号"),
        import_row("(2024)示0101行初12号"),
    ]);
    match lt::import(app, &clerk, &bytes).await {
        Err(AppError::Rows(rows)) => {
            assert_eq!(rows.len(), 1, "{rows:?}");
            assert_eq!((rows[0].row, rows[0].column.as_str()), (3, "案号"));
            assert_eq!(rows[0].code, "duplicate_case_no");
        }
        other => panic!("expected row errors, got {other:?}"),
    }
    assert_eq!(count(app, "lt_cases").await, 0);

    // Good rows only: imported, each with its instance, deadlines and timeline.
    let bytes = workbook(vec![
        import_row("（2024）示0101行初12号"),
        import_row("(2024)示0101行初13号"),
    ]);
    let numbers = lt::import(app, &clerk, &bytes).await.unwrap();
    assert_eq!(
        numbers,
        ["（2024）示0101行初12号", "（2024）示0101行初13号"]
    );
    assert_eq!(count(app, "lt_cases").await, 2);
    assert_eq!(count(app, "lt_instances").await, 2);
    assert_eq!(count(app, "deadlines WHERE module = 'litigation'").await, 4);
    assert_eq!(
        count(
            app,
            "audit_log WHERE entity = 'lt_case' AND action = 'import'"
        )
        .await,
        1
    );
    let page = lt::list(app, &clerk, &ListQuery::default()).await.unwrap();
    assert_eq!(page.total, 2);
    assert!(page
        .items
        .iter()
        .all(|c| c.defendant == "区市场监督管理局" && c.plaintiff_names == "张三"));
    // The export lists them without identity numbers, and is logged.
    let (headers, rows) = fazhi_app::xlsx::read_table(
        &lt::export(app, &clerk, &ListQuery::default())
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(headers[0], "案号");
    assert_eq!(rows.len(), 2);
    assert!(rows
        .iter()
        .flatten()
        .all(|c| !c.contains("11010519491231002X")));
    assert_eq!(
        count(
            app,
            "audit_log WHERE entity = 'lt_case' AND action = 'export'"
        )
        .await,
        1
    );
    // Imported again: every row is now a duplicate and nothing more is written.
    assert!(lt::import(app, &clerk, &bytes).await.is_err());
    assert_eq!(count(app, "lt_cases").await, 2);
}

#[tokio::test]
async fn import_rejects_bad_rows_on_sqlite() {
    import_rejects_bad_rows(Backend::Sqlite).await;
}

#[tokio::test]
async fn import_rejects_bad_rows_on_postgres() {
    import_rejects_bad_rows(Backend::Postgres).await;
}

// ---------- findings ----------

/// When the appeal is withdrawn (准许撤回上诉), the first-instance judgment takes effect. The loss
/// and the duty to perform should follow it, as they do for 维持原裁判.
async fn appeal_withdrawal_keeps_the_loss(backend: Backend) {
    let t = with_org(backend, d("2024-12-31")).await;
    let app = &t.app;
    let clerk = auth::actor_by_username(app, "yingsu").await.unwrap();
    let f = lawsuit(
        app,
        "（2024）示0101行初1号",
        "2024-03-01",
        "2024-03-05",
        "东山镇人民政府",
    )
    .await;
    let (id, _) = lt::register(app, &clerk, &f).await.unwrap();
    hearing(app, &clerk, id, "2024-04-01", "2024-04-10").await;
    step(
        app,
        &clerk,
        id,
        "judge",
        &[("date", "2024-05-06"), ("outcome", "revoke")],
    )
    .await;
    step(
        app,
        &clerk,
        id,
        "appeal",
        &[
            ("date", "2024-05-10"),
            ("by_defendant", "1"),
            ("court", "示例市中级人民法院"),
            ("case_no", "（2024）示01行终1号"),
        ],
    )
    .await;
    step(
        app,
        &clerk,
        id,
        "judge",
        &[("date", "2024-07-01"), ("outcome", "withdrawn")],
    )
    .await;
    let det = lt::detail(app, &clerk, id).await.unwrap();
    assert_eq!(det.case.status, "final");
    assert_eq!(det.case.first_lost, Some(true));
    // A withdrawal at the appeal level (撤回上诉) leaves the first-instance revoke in force.
    assert_eq!(
        det.case.final_lost,
        Some(true),
        "the revoke judgment took effect"
    );
    assert!(det.requires_performance);
}

#[tokio::test]
async fn appeal_withdrawal_keeps_the_loss_on_sqlite() {
    appeal_withdrawal_keeps_the_loss(Backend::Sqlite).await;
}

/// A judgment takes effect when the appeal window has run (the step's own summary says
/// 上诉期届满); a 生效日期 inside the window cannot be right.
async fn finalize_inside_the_appeal_window(backend: Backend) {
    let t = with_org(backend, d("2024-12-31")).await;
    let app = &t.app;
    let clerk = auth::actor_by_username(app, "yingsu").await.unwrap();
    let f = lawsuit(
        app,
        "（2024）示0101行初2号",
        "2024-03-01",
        "2024-03-05",
        "东山镇人民政府",
    )
    .await;
    let (id, _) = lt::register(app, &clerk, &f).await.unwrap();
    hearing(app, &clerk, id, "2024-04-01", "2024-04-10").await;
    step(
        app,
        &clerk,
        id,
        "judge",
        &[("date", "2024-05-06"), ("outcome", "revoke")],
    )
    .await;
    let det = lt::detail(app, &clerk, id).await.unwrap();
    let window = det
        .deadlines
        .iter()
        .find(|x| x.kind == "appeal_window")
        .unwrap();
    assert_eq!(window.due, Some(d("2024-05-21")));
    let r = lt::take_step(
        app,
        &clerk,
        id,
        "finalize",
        &fields(&[("date", "2024-05-07")]),
        None,
    )
    .await;
    // 登记裁判生效 inside the appeal window (it ends 2024-05-21) is refused.
    assert!(r.is_err(), "finalize inside the appeal window was accepted");
}

#[tokio::test]
async fn finalize_inside_the_appeal_window_on_sqlite() {
    finalize_inside_the_appeal_window(Backend::Sqlite).await;
}

// ---------- 6. late evidence, retrial, remand ----------

/// The less travelled paths, on both backends: a late-evidence request after the defence was
/// filed (still inside the 15 days), its grant and the evidence; a lost judgment that takes
/// effect, its performance suspended by a retrial heard as a second instance and ended by the
/// retrial's dismissal of the claim, the first finality kept for the year's figures; and a
/// remand that returns a case to a first instance.
async fn evidence_retrial_and_remand(backend: Backend) {
    let t = with_org(backend, d("2024-12-31")).await;
    let app = &t.app;
    let clerk = auth::actor_by_username(app, "yingsu").await.unwrap();
    let f = lawsuit(
        app,
        "（2024）示0101行初40号",
        "2024-03-01",
        "2024-03-04",
        "东山镇人民政府",
    )
    .await;
    let (id, _) = lt::register(app, &clerk, &f).await.unwrap();
    step(app, &clerk, id, "file_defence", &[("date", "2024-03-08")]).await;
    // Receipt 03-04 + 15 days = 03-19: a request on 03-15 is in time although the defence is in.
    step(
        app,
        &clerk,
        id,
        "request_evidence_delay",
        &[
            ("date", "2024-03-15"),
            ("reason", "原始执法记录在市档案馆调取中"),
        ],
    )
    .await;
    step(
        app,
        &clerk,
        id,
        "grant_evidence_delay",
        &[("date", "2024-03-25")],
    )
    .await;
    let det = lt::detail(app, &clerk, id).await.unwrap();
    let late = det
        .deadlines
        .iter()
        .find(|d| d.kind == "late_evidence")
        .unwrap();
    assert_eq!(
        late.due.map(|d| d.to_string()).as_deref(),
        Some("2024-04-09")
    );
    step(
        app,
        &clerk,
        id,
        "submit_late_evidence",
        &[("date", "2024-04-03")],
    )
    .await;
    hearing(app, &clerk, id, "2024-04-10", "2024-04-20").await;
    step(
        app,
        &clerk,
        id,
        "judge",
        &[
            ("date", "2024-05-06"),
            ("outcome", "revoke"),
            ("performance_days", "30"),
        ],
    )
    .await;
    step(app, &clerk, id, "finalize", &[("date", "2024-05-22")]).await;
    let det = lt::detail(app, &clerk, id).await.unwrap();
    assert!(det.requires_performance);
    assert_eq!(det.case.final_date.as_deref(), Some("2024-05-22"));
    // A retrial under the second-instance procedure suspends the performance.
    step(
        app,
        &clerk,
        id,
        "retry",
        &[
            ("date", "2024-06-03"),
            ("court", "示例市中级人民法院"),
            ("case_no", "（2024）示01行再2号"),
            ("procedure", "second_instance"),
        ],
    )
    .await;
    let det = lt::detail(app, &clerk, id).await.unwrap();
    assert_eq!(det.case.status, "retrial");
    let perf = det
        .deadlines
        .iter()
        .find(|d| d.kind == "performance")
        .unwrap();
    assert_eq!(perf.state, "paused");
    hearing(app, &clerk, id, "2024-07-01", "2024-07-15").await;
    step(
        app,
        &clerk,
        id,
        "judge",
        &[("date", "2024-08-01"), ("outcome", "reject_claim")],
    )
    .await;
    let det = lt::detail(app, &clerk, id).await.unwrap();
    assert_eq!(det.case.status, "final", "second-instance procedure: final");
    assert!(!det.requires_performance, "the retrial found no loss");
    let perf = det
        .deadlines
        .iter()
        .find(|d| d.kind == "performance")
        .unwrap();
    assert_eq!(perf.state, "done");
    // The year's figures keep the first finality (2024-05-22, lost), and count the retrial.
    assert_eq!(det.case.final_date.as_deref(), Some("2024-05-22"));
    let system = Actor::system("测试", 1);
    let v = lt::ENTRY
        .values(app, &system, 2024, None, true)
        .await
        .unwrap();
    assert_eq!(count_of(&v, "litigation.retrials"), Some(1));
    assert_eq!(count_of(&v, "litigation.lost_final"), Some(1));

    // Remand: an appeal court sends a case back; it is heard again as a first instance.
    let f = lawsuit(
        app,
        "（2024）示0101行初41号",
        "2024-03-01",
        "2024-03-04",
        "东山镇人民政府",
    )
    .await;
    let (id, _) = lt::register(app, &clerk, &f).await.unwrap();
    hearing(app, &clerk, id, "2024-04-10", "2024-04-20").await;
    step(
        app,
        &clerk,
        id,
        "judge",
        &[("date", "2024-05-06"), ("outcome", "reject_claim")],
    )
    .await;
    step(
        app,
        &clerk,
        id,
        "appeal",
        &[
            ("date", "2024-05-10"),
            ("court", "示例市中级人民法院"),
            ("case_no", "（2024）示01行终5号"),
        ],
    )
    .await;
    // The remanded first instance needs a 案号 of its own.
    let e = lt::take_step(
        app,
        &clerk,
        id,
        "remand",
        &fields(&[
            ("date", "2024-07-01"),
            ("court", "示例区人民法院"),
            ("case_no", "（2024）示0101行初41号"),
        ]),
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(
        (e.code(), e.field()),
        ("duplicate_case_no", Some("case_no"))
    );
    step(
        app,
        &clerk,
        id,
        "remand",
        &[
            ("date", "2024-07-01"),
            ("court", "示例区人民法院"),
            ("case_no", "（2024）示0101行初60号"),
        ],
    )
    .await;
    let det = lt::detail(app, &clerk, id).await.unwrap();
    assert_eq!(det.case.status, "first_instance");
    assert_eq!(det.instances.len(), 3);
    assert_eq!(det.instances[1].outcome_label, "发回重审");
    assert_eq!(det.instances[2].level_label, "一审");
    // Its judgment needs a hearing of its own.
    let e = lt::take_step(
        app,
        &clerk,
        id,
        "judge",
        &fields(&[("date", "2024-09-01"), ("outcome", "reject_claim")]),
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), "no_hearing");
}

#[tokio::test]
async fn evidence_retrial_and_remand_on_sqlite() {
    evidence_retrial_and_remand(Backend::Sqlite).await;
}

#[tokio::test]
async fn evidence_retrial_and_remand_on_postgres() {
    evidence_retrial_and_remand(Backend::Postgres).await;
}

/// A write names only units in the writer's scope (issue 13 §3), through the use cases: a
/// department's litigation clerk (区市场监督管理局) registers a lawsuit, a 司法建议 and an import
/// row against a township, a township's 复议 clerk an application against another township: each
/// is refused with `unit_out_of_scope` naming the field, and nothing is written — the township
/// sees nothing and its counts stay. Naming his own unit works; the legal office's clerks
/// (`scope.legal_offices`, by default `*司法局`, the demo's 区司法局) name any unit, and without that setting they too
/// name only their own.
async fn writes_name_units_in_scope(backend: Backend) {
    use fazhi_app::xlsx::write_table;
    let t = with_org(backend, d("2024-12-31")).await;
    let app = &t.app;
    let scjfg = auth::actor_by_username(app, "scjfg").await.unwrap();
    let dongshan: i64 = unit_id(app, "东山镇人民政府").await.parse().unwrap();
    let xihe: i64 = unit_id(app, "西河镇人民政府").await.parse().unwrap();
    let root = fazhi_app::org::all_units(app).await.unwrap()[0].id;
    auth::create_user(
        app,
        &Actor::system("测试", root),
        auth::NewUser {
            username: "xihe_fy".into(),
            display_name: "西河复议员".into(),
            unit_id: xihe,
            roles: vec![fazhi_domain::org::Role::ReconsiderationClerk],
            password: fazhi_app::demo::DEMO_PASSWORD.into(),
            must_change_password: false,
        },
    )
    .await
    .unwrap();
    let xihe_fy = auth::actor_by_username(app, "xihe_fy").await.unwrap();
    let written = || async {
        let mut n = vec![];
        for table in [
            "rc_cases",
            "lt_cases",
            "lt_suggestions",
            "case_parties",
            "deadlines",
            "audit_log",
        ] {
            n.push(count(app, table).await);
        }
        n
    };
    let refused = |e: AppError, field: &str| {
        assert_eq!(e.code(), "unit_out_of_scope", "{e:?}");
        assert_eq!(e.field(), Some(field));
        let m = e.user_message();
        assert!(
            m.contains("东山镇人民政府") && m.contains("不在您可以登记的单位范围内"),
            "{m}"
        );
    };
    let before = written().await;
    // The lawsuit of the issue: 市场监管局's clerk names 东山镇 as defendant.
    let f = lawsuit(
        app,
        "（2024）示0101行初1号",
        "2024-09-20",
        "2024-09-27",
        "东山镇人民政府",
    )
    .await;
    refused(
        lt::register(app, &scjfg, &f).await.unwrap_err(),
        "defendant_unit_id",
    );
    // A 司法建议 addressed to 东山镇.
    let mut sg = fields(&[
        ("kind", "judicial"),
        ("issuer", "示例区人民法院"),
        ("received_date", "2024-10-08"),
        ("content", "规范行政处罚程序"),
    ]);
    sg.insert("unit_id".into(), dongshan.to_string());
    refused(
        lt::register_suggestion(app, &scjfg, &sg).await.unwrap_err(),
        "unit_id",
    );
    // An application against 东山镇 by 西河镇's 复议 clerk.
    let a = application(app, "2024-09-27", "东山镇人民政府").await;
    refused(
        rc::register(app, &xihe_fy, &a).await.unwrap_err(),
        "respondent_unit_id",
    );
    // An import row naming 东山镇: the row is reported, nothing imported.
    let headers: Vec<&str> = lt::IMPORT_COLUMNS.iter().map(|c| c.0).collect();
    let row = |defendant: &str, no: &str| -> Vec<String> {
        lt::IMPORT_COLUMNS
            .iter()
            .map(|(_, f)| match *f {
                "court" => "示例区人民法院",
                "case_no" => no,
                "registered_date" => "2024-09-20",
                "copy_received_date" => "2024-09-27",
                "defendant" => defendant,
                "act_name" => "行政处罚决定",
                "claim" => "撤销处罚决定",
                "plaintiff_kind" => "自然人",
                "plaintiff_name" => "张三",
                "plaintiff_id_number" => "11010519491231002X",
                _ => "",
            })
            .map(String::from)
            .collect()
    };
    let file = write_table(
        "导入",
        &headers,
        [
            row("区市场监督管理局", "（2024）示0101行初2号"),
            row("东山镇人民政府", "（2024）示0101行初3号"),
        ]
        .into_iter(),
    )
    .unwrap();
    match lt::import(app, &scjfg, &file).await {
        Err(AppError::Rows(rows)) => {
            assert_eq!(rows.len(), 1, "{rows:?}");
            assert_eq!((rows[0].row, rows[0].code), (3, "unit_out_of_scope"));
            assert_eq!(rows[0].column, "被告");
            assert!(rows[0].message.contains("东山镇人民政府"), "{rows:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(written().await, before, "nothing written");
    let dongshan_clerk = auth::actor_by_username(app, "dongshan").await.unwrap();
    assert_eq!(
        lt::list(app, &dongshan_clerk, &ListQuery::default())
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(
        rc::list(app, &dongshan_clerk, &ListQuery::default())
            .await
            .unwrap()
            .total,
        0
    );
    // His own unit he names.
    let own = lawsuit(
        app,
        "（2024）示0101行初4号",
        "2024-09-20",
        "2024-09-27",
        "区市场监督管理局",
    )
    .await;
    lt::register(app, &scjfg, &own).await.unwrap();
    let a = application(app, "2024-09-27", "西河镇人民政府").await;
    rc::register(app, &xihe_fy, &a).await.unwrap();
    // The legal office's clerks name any unit (the 复议机构 takes applications against every
    // organ of the jurisdiction) ...
    let fuyi = auth::actor_by_username(app, "fuyi").await.unwrap();
    let yingsu = auth::actor_by_username(app, "yingsu").await.unwrap();
    let a = application(app, "2024-09-27", "东山镇人民政府").await;
    rc::register(app, &fuyi, &a).await.unwrap();
    lt::register_suggestion(app, &yingsu, &sg).await.unwrap();
    // ... but only as configured: without the setting, 区司法局's clerk names only his own unit.
    let strict = fazhi_app::App::new(
        app.db.clone(),
        fazhi_app::Config {
            scope: fazhi_app::config::ScopeSettings {
                legal_offices: vec![],
            },
            ..(*app.config).clone()
        },
        app.clock.clone(),
    )
    .unwrap();
    let a = application(&strict, "2024-09-27", "东山镇人民政府").await;
    refused(
        rc::register(&strict, &fuyi, &a).await.unwrap_err(),
        "respondent_unit_id",
    );
}

#[tokio::test]
async fn writes_name_units_in_scope_on_sqlite() {
    writes_name_units_in_scope(Backend::Sqlite).await;
}

#[tokio::test]
async fn writes_name_units_in_scope_on_postgres() {
    writes_name_units_in_scope(Backend::Postgres).await;
}
