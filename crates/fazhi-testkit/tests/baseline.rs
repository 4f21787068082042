//! "Use as baseline" (issue 6 item 7) on both backends: a published 2024 report of our own
//! jurisdiction (seed 000, 云城区's report, with the place renamed to the test organisation's 示例区)
//! filed as the 2024 values by the office, the 2025 report stating 同比 against it, a clerk
//! refused with nothing written, a second application of the same document writing nothing; and
//! the plan's skips with their reasons.

use fazhi_app::baseline::{self, Source};
use fazhi_app::{auth, filing, report, AppError};
use fazhi_domain::fields::Fields;
use fazhi_report::model::{Block, Inline};
use fazhi_testkit::fields;
use fazhi_testkit::{d, with_org, Backend};
use fazhi_text::number::{Decimal, Qualifier};
use fazhi_text::Analysis;

const SEED: &str = include_str!("../../fazhi-text/tests/seeds/000_99d96b77785f0d3b.txt");
const TITLE: &str = "示例区2024年法治政府建设年度报告";

/// Seed 000 as the report of our own jurisdiction (示例区).
fn seed() -> (Analysis, Source) {
    let own = SEED.replace("云城区", "示例区");
    let a = fazhi_text::analyze(&own);
    let s = Source::of(&a, "000_99d96b77785f0d3b.txt", own.as_bytes());
    (a, s)
}

/// Rows of every table a baseline writes, and the audit entries.
async fn counts(app: &fazhi_app::App) -> Vec<i64> {
    let mut out = Vec::new();
    for t in [
        "st_rounds",
        "st_forms",
        "st_values",
        "st_value_sources",
        "st_baselines",
        "audit_log",
    ] {
        out.push(
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {t}"))
                .fetch_one(&app.db.pool)
                .await
                .unwrap(),
        );
    }
    out
}

/// The figure of `key` in a generated document: (text, href, source).
fn figure(
    doc: &fazhi_report::model::Document,
    key: &str,
) -> Option<(String, Option<String>, Option<String>)> {
    doc.blocks.iter().find_map(|b| match b {
        Block::Paragraph { inlines } => inlines.iter().find_map(|i| match i {
            Inline::Figure {
                key: k,
                text,
                href,
                source,
            } if k == key => Some((text.clone(), href.clone(), source.clone())),
            _ => None,
        }),
        _ => None,
    })
}

async fn story(backend: Backend) {
    let t = with_org(backend, d("2026-02-10")).await;
    let app = &t.app;
    let office = auth::actor_by_username(app, "fzb").await.unwrap();
    let clerk = auth::actor_by_username(app, "scj").await.unwrap();
    let (a, source) = seed();
    assert_eq!(a.year, Some(2024));
    assert_eq!(source.title, TITLE);

    // A statistics clerk (no ManageReport) is refused and nothing is written.
    let before = counts(app).await;
    let e = baseline::apply(app, &clerk, &source, &a, 2024)
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Forbidden), "{e:?}");
    assert_eq!(counts(app).await, before);
    // The year must be the report's.
    let e = baseline::apply(app, &office, &source, &a, 2025)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "year_mismatch");
    assert_eq!(counts(app).await, before);

    // The office applies it: a closed round, one approved form of the root unit, the values with
    // their quotes, one audit entry.
    let plan = baseline::plan(&a);
    let round = baseline::apply(app, &office, &source, &a, 2024)
        .await
        .unwrap();
    let after = counts(app).await;
    let n = plan.values.len() as i64;
    assert_eq!(
        after,
        vec![
            before[0] + 1,
            before[1] + 1,
            before[2] + n,
            before[3] + n,
            before[4] + 1,
            before[5] + 1
        ]
    );
    let r = filing::round(app, &office, round).await.unwrap();
    assert_eq!(r.round.title, format!("已发布报告基线：《{TITLE}》"));
    assert_eq!((r.round.year, r.round.status), (2024, "closed"));
    assert_eq!(r.forms.len(), 1);
    let (root, _, _) = fazhi_app::org::root(app).await.unwrap();
    let f = &r.forms[0];
    assert_eq!((f.unit_id, f.status), (root, "approved"));
    assert!(
        f.approved_by.as_deref().unwrap().contains("孙丽")
            && f.approved_by.as_deref().unwrap().contains("已发布报告"),
        "{:?}",
        f.approved_by
    );
    let total = r
        .totals
        .iter()
        .find(|t| t.key == "reconsideration.applications")
        .unwrap();
    assert_eq!(total.value, "94");
    // The form page shows the quote of each value.
    let form = filing::form(app, &office, f.id).await.unwrap();
    assert!(form.published.as_deref().unwrap().contains(TITLE));
    let line = form
        .lines
        .iter()
        .find(|l| l.key == "reconsideration.applications")
        .unwrap();
    assert_eq!(line.value, "94");
    assert!(
        line.quote.contains("收到行政复议申请94件"),
        "{}",
        line.quote
    );
    // The audit entry names what was filed.
    let audit: String = sqlx::query_scalar(
        "SELECT after_json FROM audit_log WHERE action = 'apply_baseline' AND entity_id = $1",
    )
    .bind(round.to_string())
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(
        audit.contains("reconsideration.applications") && audit.contains(&source.sha256),
        "{audit}"
    );

    // The same document again: nothing written, the same round.
    assert_eq!(
        baseline::existing(app, 2024, &source.sha256).await.unwrap(),
        Some(round)
    );
    let again = baseline::apply(app, &office, &source, &a, 2024)
        .await
        .unwrap();
    assert_eq!(again, round);
    assert_eq!(counts(app).await, after);

    // A unit's 2024 form for the same key: the published figure wins, the form stays visible.
    let sfj = fazhi_app::org::find_unit_by_name(app, "区司法局")
        .await
        .unwrap()
        .unwrap();
    let system = fazhi_app::Actor::system("测试", sfj);
    let file = |year: &'static str, value: &'static str| {
        let (office, system) = (&office, &system);
        async move {
            let round = filing::create_round(
                app,
                office,
                &fields(&[
                    ("year", year),
                    ("title", "行政复议数据填报"),
                    ("due_date", "2026-02-20"),
                    ("keys", "reconsideration.applications"),
                    ("unit_ids", &sfj.to_string()),
                ]),
            )
            .await
            .unwrap();
            let form = filing::round(app, office, round).await.unwrap().forms[0].id;
            filing::act(
                app,
                system,
                form,
                "submit",
                &fields(&[("v.reconsideration.applications", value)]),
                None,
            )
            .await
            .unwrap();
            filing::act(app, office, form, "approve", &Fields::new(), None)
                .await
                .unwrap();
            form
        }
    };
    let unit_form = file("2024", "90").await;
    let units: Vec<i64> = fazhi_app::org::all_units(app)
        .await
        .unwrap()
        .iter()
        .map(|u| u.id)
        .collect();
    let filed = filing::filed_values(app, 2024, &units).await.unwrap();
    let v = &filed["reconsideration.applications"];
    assert_eq!(v.value, 94);
    assert_eq!(v.superseded.len(), 1);
    assert_eq!(v.superseded[0].form_id, unit_form);
    assert_eq!(v.href(), Some(format!("/filing/forms/{}", f.id)));
    let src = v.source();
    assert!(
        src.starts_with(&format!("已发布报告《{TITLE}》：“"))
            && src.contains("收到行政复议申请94件")
            && src.ends_with('”'),
        "{src}"
    );

    // 2025: 120 applications filed; the report states 同比 against the published 94.
    file("2025", "120").await;
    let id = report::create(app, &office, &fields(&[("year", "2025")]))
        .await
        .unwrap();
    let (_, g) = report::generate(app, &office, id).await.unwrap();
    let text = g.document.plain_text();
    assert!(
        text.contains("收到行政复议申请120件（比2024年同期增长27.66%）"),
        "{text}"
    );
    // The 2024 report: the figure is the published one, its source the quote.
    let g24 = report::generate_content(
        app,
        2024,
        &fazhi_domain::report::ReportContent::skeleton("示例区", "示例区人民政府", 2024),
        &Default::default(),
        None,
    )
    .await
    .unwrap();
    let (text, href, source24) = figure(&g24.document, "reconsideration.applications").unwrap();
    assert_eq!(text, "94");
    assert_eq!(href, Some(format!("/filing/forms/{}", f.id)));
    assert_eq!(source24, Some(src));
}

#[tokio::test]
async fn baseline_on_sqlite() {
    story(Backend::Sqlite).await;
}

#[tokio::test]
async fn baseline_on_postgres() {
    story(Backend::Postgres).await;
}

#[test]
fn plan_of_seed_000() {
    let (a, _) = seed();
    let p = baseline::plan(&a);
    assert_eq!(p.year, Some(2024));
    let v = |k: &str| p.values.iter().find(|v| v.key == k).map(|v| v.value);
    assert_eq!(v("reconsideration.applications"), Some(94));
    assert_eq!(v("reconsideration.concluded"), Some(86));
    // Never a percentage: the rate is skipped, saying it is filed as its parts.
    assert!(p
        .values
        .iter()
        .all(|v| v.key != "reconsideration.conclusion_rate"));
    let rate = p
        .skipped
        .iter()
        .find(|s| s.key.as_deref() == Some("reconsideration.conclusion_rate"))
        .unwrap();
    assert_eq!(rate.code, "rate_as_parts");
    // Every value has its quote and offsets.
    for v in &p.values {
        assert!(!v.quote.is_empty() && v.start < v.end, "{v:?}");
    }
}

/// The analysis of seed 000 with its applications figure changed by `f`.
fn with_applications(f: impl Fn(&mut fazhi_text::analysis::FigureOut)) -> Analysis {
    let (mut a, _) = seed();
    let fig = a
        .figures
        .iter_mut()
        .find(|x| {
            x.key.as_deref() == Some("reconsideration.applications")
                && !x.change
                && x.year == a.year
        })
        .unwrap();
    f(fig);
    a
}

fn skipped(a: &Analysis, key: &str) -> (&'static str, String) {
    let p = baseline::plan(a);
    assert!(p.values.iter().all(|v| v.key != key), "{key} filed");
    let s = p
        .skipped
        .iter()
        .find(|s| s.key.as_deref() == Some(key))
        .unwrap_or_else(|| panic!("{key} not skipped: {:?}", p.skipped));
    (s.code, s.reason.clone())
}

#[test]
fn plan_skips_with_reasons() {
    let key = "reconsideration.applications";
    // 近94件: not an exact figure.
    let a = with_applications(|f| f.qualifier = Qualifier::Approx);
    assert_eq!(skipped(&a, key).0, "approximate");
    // Stated for 区政府, not the whole district.
    let a = with_applications(|f| f.scope = Some("区政府".into()));
    let (code, reason) = skipped(&a, key);
    assert_eq!(code, "narrower_scope");
    assert!(reason.contains("区政府"), "{reason}");
    // 全区 and 我区 are the whole jurisdiction; 全市 (another level) is not.
    for whole in ["全区", "我区"] {
        let a = with_applications(|f| f.scope = Some(whole.into()));
        assert!(baseline::plan(&a).values.iter().any(|v| v.key == key));
    }
    let a = with_applications(|f| f.scope = Some("全市".into()));
    assert_eq!(skipped(&a, key).0, "narrower_scope");
    // A second, different value for the key: 需人工确认.
    let mut a = with_applications(|_| {});
    let mut other = a
        .figures
        .iter()
        .find(|x| x.key.as_deref() == Some(key) && !x.change && x.year == a.year)
        .unwrap()
        .clone();
    other.value = Decimal::from_int(95);
    other.start += 10_000;
    other.end += 10_000;
    a.figures.push(other);
    let (code, reason) = skipped(&a, key);
    assert_eq!(code, "several_values");
    assert!(
        reason.contains("需人工确认") && reason.contains("95"),
        "{reason}"
    );
    // A key the catalogue does not have.
    let a = with_applications(|f| f.key = Some("no.such_key".into()));
    assert_eq!(skipped(&a, "no.such_key").0, "not_fileable");
    // Without the denominator the conclusion rate cannot be filed.
    let a = with_applications(|f| f.qualifier = Qualifier::AtLeast);
    assert_eq!(
        skipped(&a, "reconsideration.conclusion_rate").0,
        "rate_without_parts"
    );
    // No year: nothing is filed, and apply would refuse.
    let (mut a, _) = seed();
    a.year = None;
    let p = baseline::plan(&a);
    assert!(p.values.is_empty() && !p.skipped.is_empty());
    assert!(p.skipped.iter().all(|s| s.code == "no_year"));
}

#[tokio::test]
async fn nothing_fileable_or_no_year_is_refused() {
    let t = with_org(Backend::Sqlite, d("2026-02-10")).await;
    let app = &t.app;
    let office = auth::actor_by_username(app, "fzb").await.unwrap();
    let (mut a, source) = seed();
    let before = counts(app).await;
    let mut none = a.clone();
    none.figures.clear();
    let e = baseline::apply(app, &office, &source, &none, 2024)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "nothing_to_file");
    a.year = None;
    let e = baseline::apply(app, &office, &source, &a, 2024)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "no_year");
    assert_eq!(counts(app).await, before);
}

#[tokio::test]
async fn another_places_report_is_refused_and_writes_nothing() {
    let t = with_org(Backend::Sqlite, d("2026-02-10")).await;
    let app = &t.app;
    let office = auth::actor_by_username(app, "fzb").await.unwrap();
    let theirs = fazhi_text::analyze(SEED);
    assert_eq!(theirs.jurisdiction.as_deref(), Some("云城区"));
    let source = Source::of(&theirs, "云城区.txt", SEED.as_bytes());
    let before = counts(app).await;
    let e = baseline::apply(app, &office, &source, &theirs, 2024)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "jurisdiction_mismatch");
    assert!(e.to_string().contains("云城区"), "{e}");
    assert_eq!(counts(app).await, before);
}

#[test]
fn whole_jurisdiction_scopes() {
    for (scope, whole) in [
        (None, true),
        (Some("全区"), true),
        (Some("全区各级行政机关"), true),
        (Some("我区"), true),
        (Some("本区"), true),
        (Some("全区各乡镇"), false),
        (Some("全区乡镇"), false),
        (Some("全市"), false),
        (Some("区政府"), false),
        (Some("区司法局"), false),
    ] {
        assert_eq!(
            baseline::whole_jurisdiction(scope, Some('区')),
            whole,
            "{scope:?}"
        );
    }
    assert!(baseline::same_place("示例区", Some("示例区")));
    assert!(baseline::same_place("安居区", Some("遂宁市安居区")));
    assert!(!baseline::same_place("示例区", Some("云城区")));
    assert!(!baseline::same_place("示例区", None));
}
