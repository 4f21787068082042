//! The statistics rounds and the annual report on both backends: the demo's two rounds filed and
//! approved through the use cases, their roll-up, the report generated from them, its lifecycle to
//! 已发布 and a correction as the next version.

use fazhi_app::{auth, demo_report, filing, report, AppError};
use fazhi_domain::fields::Fields;
use fazhi_report::model::{Block, Inline};
use fazhi_testkit::{d, with_org, Backend};

fn fields(pairs: &[(&str, &str)]) -> Fields {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
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

    // Unpublished on 10 February: the departments' date (before 1 March) is announced on the
    // 超期预警 page, the publication date (before 1 April) not yet (more than 30 days away).
    let warned = fazhi_app::warnings::reporting(app, &office).await.unwrap();
    let dates: Vec<(&str, Option<&str>)> = warned
        .iter()
        .map(|w| (w.what, w.due.next_due.as_deref()))
        .collect();
    assert_eq!(dates, [("部门向本级政府报送年度报告", Some("2025-02-28"))]);

    // 草稿 → 审核 → 定稿 → 已发布, then the published version refuses edits.
    for action in ["submit", "finalise", "publish"] {
        let v = report::detail(app, &office, id).await.unwrap().version;
        report::step(app, &office, id, action, &Fields::new(), Some(v))
            .await
            .unwrap_or_else(|e| panic!("{action}: {e:?}"));
    }
    let published = report::detail(app, &office, id).await.unwrap();
    assert_eq!(published.report.status, "published");
    assert_eq!(
        published.report.published_date.as_deref(),
        Some("2025-02-10")
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
