//! The statistics rounds and the annual report on both backends: the demo's two rounds filed and
//! approved through the use cases, their roll-up, the report generated from them, its lifecycle to
//! 已发布 and a correction as the next version.

use fazhi_app::{auth, demo_report, filing, report, AppError};
use fazhi_domain::fields::Fields;
use fazhi_report::model::{Block, Inline};
use fazhi_testkit::fields;
use fazhi_testkit::{d, with_org, Backend};

async fn text_of(app: &fazhi_app::App, who: &fazhi_app::Actor, id: i64) -> String {
    report::generate(app, who, id)
        .await
        .unwrap()
        .1
        .document
        .plain_text()
}

async fn story(backend: Backend) {
    let t = with_org(backend, d("2025-02-10")).await;
    let app = &t.app;
    demo_report::seed(app, 2024).await.unwrap();
    let office = auth::actor_by_username(app, "fzb").await.unwrap();

    // The rounds' roll-up sums the three units' approved forms (1688 + 652 + 583).
    let rounds = filing::rounds(app, &office).await.unwrap();
    assert_eq!(rounds.len(), 2);
    assert!(rounds.iter().all(|r| r.approved == 3 && r.forms == 3));
    let this_year = rounds.iter().find(|r| r.year == 2024).unwrap();
    let detail = filing::round(app, &office, this_year.id).await.unwrap();
    let inspections = detail
        .totals
        .iter()
        .find(|t| t.key == "enforcement.inspections")
        .unwrap();
    assert_eq!((inspections.value.as_str(), inspections.forms), ("2923", 3));

    // The report: filed figures, 同比 against the year before, each figure traceable to a form.
    let id = report::latest(app, 2024).await.unwrap().unwrap();
    let (_, g) = report::generate(app, &office, id).await.unwrap();
    let text = g.document.plain_text();
    for s in [
        "示例区2024年法治政府建设年度报告",
        "全年开展涉企行政检查2923家次，2023年同期3858家次，检查次数同比下降24.24%",
        "调处矛盾纠纷2265件，成功调解2254件，调解成功率99.51%",
    ] {
        assert!(text.contains(s), "missing {s} in\n{text}");
    }
    let linked = g.document.blocks.iter().any(|b| match b {
        Block::Paragraph { inlines } => inlines.iter().any(|i| {
            matches!(i, Inline::Figure { key, text, href: Some(h), .. }
                if key == "enforcement.inspections" && text == "2923" && *h == format!("/filing/rounds/{}", this_year.id))
        }),
        _ => false,
    });
    assert!(
        linked,
        "2923, filed by three units, links to the round's summary"
    );
    assert!(g
        .document
        .blocks
        .iter()
        .any(|b| matches!(b, Block::Chart { .. })));
    // No records this year: nothing was computed, so nothing differs; every part is written.
    assert!(
        g.issues.iter().all(|i| i.kind == "no_source"),
        "{:?}",
        g.issues
    );

    // Unpublished on 10 February: the reporting chain's legs due before 1 March (督察工作规定:
    // departments → 本级党委和政府; government → 同级党委、人大常委会; → the level above) are
    // announced on the 超期预警 page, each as its own step; the publication (before 1 April) not
    // yet (more than 30 days away).
    let warned_legs = || async {
        fazhi_app::warnings::reporting(app, &office)
            .await
            .unwrap()
            .iter()
            .map(|w| (w.what, w.due.next_due.clone().unwrap_or_default()))
            .collect::<Vec<_>>()
    };
    let feb_28 = "2025-02-28".to_string();
    assert_eq!(
        warned_legs().await,
        [
            (
                "各部门向本级党委和政府、上一级政府有关部门报告",
                feb_28.clone()
            ),
            ("本级政府向同级党委、人大常委会报告", feb_28.clone()),
            ("本级党委和政府向上一级党委和政府报告", feb_28.clone()),
        ]
    );
    // Recording a leg: bad input is refused naming its field and writes nothing; a leader may
    // read but not record; a recorded leg leaves the warnings, a correction is audited.
    let chain_rows = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM rp_chain")
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
    };
    for (step, date, code, field) in [
        ("departments", "2025-02-11", "date_in_future", "date"),
        ("departments", "2024-12-30", "invalid_date", "date"),
        ("departments", "2025-02-30", "invalid_date", "date"),
        (
            "publication",
            "2025-02-10",
            "chain_step_by_publication",
            "step",
        ),
        ("nobody", "2025-02-10", "invalid_option", "step"),
    ] {
        let f = fields(&[("step", step), ("date", date)]);
        match report::record_chain(app, &office, id, &f).await {
            Err(AppError::Domain(e)) => {
                assert_eq!(
                    (e.code.as_str(), e.field.as_deref()),
                    (code, Some(field)),
                    "{step} {date}"
                )
            }
            other => panic!("{step} {date}: {other:?}"),
        }
    }
    let leader = auth::actor_by_username(app, "leader").await.unwrap();
    let f = fields(&[("step", "party_congress"), ("date", "2025-02-10")]);
    assert!(matches!(
        report::record_chain(app, &leader, id, &f).await,
        Err(AppError::Forbidden)
    ));
    assert_eq!(chain_rows().await, 0);
    for note in ["收到31个部门报告", "收到32个部门报告"] {
        let f = fields(&[
            ("step", "departments"),
            ("date", "2025-02-10"),
            ("note", note),
        ]);
        report::record_chain(app, &office, id, &f).await.unwrap();
    }
    assert_eq!(chain_rows().await, 1);
    let audited: Vec<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT before_json, after_json FROM audit_log WHERE entity = 'rp_chain' ORDER BY seq",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(audited.len(), 2);
    assert!(
        audited[0].0.is_none()
            && audited[1]
                .0
                .as_deref()
                .unwrap()
                .contains("收到31个部门报告")
    );
    assert!(audited[1]
        .1
        .as_deref()
        .unwrap()
        .contains("收到32个部门报告"));
    assert_eq!(warned_legs().await.len(), 2);
    let chain = report::detail(app, &office, id).await.unwrap().chain;
    let departments = chain.iter().find(|c| c.step == "departments").unwrap();
    assert_eq!(
        (departments.state, departments.done.map(|d| d.to_string())),
        ("done", Some("2025-02-10".to_string()))
    );
    assert_eq!(chain.last().unwrap().due.to_string(), "2025-03-31");

    // 草稿 → 审核 → 定稿 → 已发布: the office submits and publishes, a leader finalises (the
    // office may not finalise its own draft), then the published version refuses edits.
    let leader = auth::actor_by_username(app, "leader").await.unwrap();
    let v = report::detail(app, &office, id).await.unwrap().version;
    report::step(app, &office, id, "submit", &Fields::new(), Some(v))
        .await
        .unwrap();
    assert!(matches!(
        report::step(app, &office, id, "finalise", &Fields::new(), None).await,
        Err(AppError::Forbidden)
    ));
    for (who, action) in [(&leader, "finalise"), (&office, "publish")] {
        let v = report::detail(app, who, id).await.unwrap().version;
        report::step(app, who, id, action, &Fields::new(), Some(v))
            .await
            .unwrap_or_else(|e| panic!("{action}: {e:?}"));
    }
    let published = report::detail(app, &office, id).await.unwrap();
    assert_eq!(published.report.status, "published");
    assert_eq!(
        published.report.published_date.as_deref(),
        Some("2025-02-10")
    );
    // Publishing is the publication leg: done that day.
    let publication = published.chain.last().unwrap();
    assert_eq!(
        (publication.step, publication.state),
        ("publication", "done")
    );
    let edit = demo_report::content_fields(&published.content);
    let e = report::save(app, &office, id, &edit, Some(published.version))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "not_editable");
    // A correction is version 2, a draft with the note; version 1 stays as published.
    let e = report::correct(app, &office, id, &Fields::new())
        .await
        .unwrap_err();
    assert_eq!((e.code(), e.field()), ("required", Some("change_note")));
    let v2 = report::correct(
        app,
        &office,
        id,
        &fields(&[("change_note", "更正第二部分的文字错误")]),
    )
    .await
    .unwrap();
    let d2 = report::detail(app, &office, v2).await.unwrap();
    assert_eq!((d2.report.version_no, d2.report.status), (2, "draft"));
    assert_eq!(d2.content, published.content);
    assert_eq!(
        report::detail(app, &office, id)
            .await
            .unwrap()
            .report
            .status,
        "published"
    );
    assert!(matches!(
        report::correct(app, &office, id, &fields(&[("change_note", "再次更正")])).await,
        Err(AppError::Domain(e)) if e.code == "not_correctable"
    ));
    // A supplementary round changes the market regulator's 2024 inspections (1688 → 1765): the
    // draft correction says so, the published version still says what was published.
    let scj = auth::actor_by_username(app, "scj").await.unwrap();
    let round = filing::create_round(
        app,
        &office,
        &fields(&[
            ("year", "2024"),
            ("title", "2024年度行政检查补报"),
            ("due_date", "2025-02-20"),
            ("keys", "enforcement.inspections"),
            ("unit_ids", &scj.unit_id.to_string()),
        ]),
    )
    .await
    .unwrap();
    let form = filing::round(app, &office, round).await.unwrap().forms[0].id;
    filing::act(
        app,
        &scj,
        form,
        "submit",
        &fields(&[("v.enforcement.inspections", "1765")]),
        None,
    )
    .await
    .unwrap();
    filing::act(app, &office, form, "approve", &Fields::new(), None)
        .await
        .unwrap();
    // The office files for its own unit too, but never approves what it submitted itself.
    let own = filing::create_round(
        app,
        &office,
        &fields(&[
            ("year", "2024"),
            ("title", "2024年度会前学法"),
            ("due_date", "2025-02-20"),
            ("keys", "training.law_study_sessions"),
            ("unit_ids", &office.unit_id.to_string()),
        ]),
    )
    .await
    .unwrap();
    let own = filing::round(app, &office, own).await.unwrap().forms[0].id;
    let sessions = fields(&[("v.training.law_study_sessions", "2")]);
    filing::act(app, &office, own, "submit", &sessions, None)
        .await
        .unwrap();
    let e = filing::act(app, &office, own, "approve", &Fields::new(), None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "self_approval");
    assert_eq!(
        filing::form(app, &office, own).await.unwrap().form.status,
        "submitted"
    );
    assert!(text_of(app, &office, v2)
        .await
        .contains("涉企行政检查3000家次"));
    let v1 = text_of(app, &office, id).await;
    assert!(
        v1.contains("涉企行政检查2923家次") && !v1.contains("3000家次"),
        "{v1}"
    );

    // All three formats render.
    for f in [
        report::Format::Docx,
        report::Format::Html,
        report::Format::Markdown,
    ] {
        let (bytes, name, _) = report::export(app, &office, v2, f).await.unwrap();
        assert!(!bytes.is_empty() && name.contains("第2版"), "{name}");
    }
}

#[tokio::test]
async fn rounds_and_report_on_sqlite() {
    story(Backend::Sqlite).await;
}

#[tokio::test]
async fn rounds_and_report_on_postgres() {
    story(Backend::Postgres).await;
}

/// A module's records cover a year only from its first month on: the year the platform went live
/// in December takes the filed full-year figure, not the one December case.
#[tokio::test]
async fn a_year_the_records_cover_in_part_takes_the_filed_figure() {
    let t = with_org(Backend::Sqlite, d("2025-02-10")).await;
    let app = &t.app;
    let office = auth::actor_by_username(app, "fzb").await.unwrap();
    let clerk = auth::actor_by_username(app, "fuyi").await.unwrap();
    let respondent = fazhi_app::org::find_unit_by_name(app, "区市场监督管理局")
        .await
        .unwrap()
        .unwrap()
        .to_string();
    let register = |date: &'static str| {
        let mut f = fields(&[
            ("received_date", date),
            ("channel", "window"),
            ("act_name", "行政处罚决定"),
            ("act_date", "2023-10-09"),
            ("request", "撤销行政处罚决定"),
            ("applicant_name", "张三"),
            ("applicant_id_number", "11010519491231002X"),
        ]);
        f.insert("respondent_unit_id".into(), respondent.clone());
        f
    };
    fazhi_app::reconsideration::register(app, &clerk, &register("2023-12-20"))
        .await
        .unwrap();
    for day in 1..=10 {
        let date: &'static str = Box::leak(format!("2024-03-{day:02}").into_boxed_str());
        fazhi_app::reconsideration::register(app, &clerk, &register(date))
            .await
            .unwrap();
    }
    // 2023's full-year figure, filed by the 司法局 before the platform.
    let sfj = fazhi_app::org::find_unit_by_name(app, "区司法局")
        .await
        .unwrap()
        .unwrap();
    let round = filing::create_round(
        app,
        &office,
        &fields(&[
            ("year", "2023"),
            ("title", "2023年度行政复议数据补录"),
            ("due_date", "2025-02-20"),
            ("keys", "reconsideration.applications"),
            ("unit_ids", &sfj.to_string()),
        ]),
    )
    .await
    .unwrap();
    let form = filing::round(app, &office, round).await.unwrap().forms[0].id;
    // The demo's 司法局 has no statistics clerk: the system actor files, the office approves.
    let system = fazhi_app::Actor::system("测试", sfj);
    filing::act(
        app,
        &system,
        form,
        "submit",
        &fields(&[("v.reconsideration.applications", "341")]),
        None,
    )
    .await
    .unwrap();
    filing::act(app, &office, form, "approve", &Fields::new(), None)
        .await
        .unwrap();
    let id = report::create(app, &office, &fields(&[("year", "2024")]))
        .await
        .unwrap();
    let (_, g) = report::generate(app, &office, id).await.unwrap();
    let text = g.document.plain_text();
    assert!(
        text.contains("收到行政复议申请10件（比2023年同期下降97.07%）"),
        "{text}"
    );
    // Last year's other figures (accepted, concluded …) are not taken from December alone.
    assert!(
        !text.contains("2023年同期增长") && !text.contains("新增"),
        "{text}"
    );
    assert!(
        g.issues.iter().all(|i| i.kind != "partial_year"),
        "{:?}",
        g.issues
    );
    // The report of 2023 itself has the filed applications, and its other figures come from the
    // one December case: the check says that year's records are incomplete.
    let d2 = report::generate_content(
        app,
        2023,
        &fazhi_domain::report::ReportContent::skeleton("示例区", "示例区人民政府", 2023),
        &Default::default(),
        None,
    )
    .await
    .unwrap();
    assert!(d2.document.plain_text().contains("收到行政复议申请341件"));
    assert!(
        d2.issues
            .iter()
            .any(|i| i.kind == "partial_year" && i.message.contains("2023年12月20日")),
        "{:?}",
        d2.issues
    );
    let before = report::generate_content(
        app,
        2022,
        &fazhi_domain::report::ReportContent::skeleton("示例区", "示例区人民政府", 2022),
        &Default::default(),
        None,
    )
    .await
    .unwrap();
    assert!(before.issues.iter().all(|i| i.kind != "partial_year"));
}
