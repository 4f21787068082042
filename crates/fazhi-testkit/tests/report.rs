//! The annual report (法治政府建设年度报告). The golden test: a jurisdiction like seed 000, its
//! records made through the 行政复议 and 行政应诉 use cases and its other figures filed in
//! statistics rounds (数据填报), gives in the generated report the figures of seed 000's sentences,
//! each linked to the records or the form behind it; seed 002's mediation from filed values
//! alone; the DOCX through LibreOffice to PDF. Then the behaviour around it: values checked when
//! filed, a report that cannot be finalised with an empty part nor changed once published, a
//! correction as the next version, clerks kept to their own forms, and the check before 定稿.

use fazhi_app::cases::ListQuery;
use fazhi_app::{
    auth, filing, litigation as lt, reconsideration as rc, report, Actor, App, AppError, AppResult,
};
use fazhi_domain::fields::Fields;
use fazhi_domain::rate::Rounding;
use fazhi_domain::report::{ReportContent, ReportSettings};
use fazhi_report::docx::DocxOptions;
use fazhi_report::model::{Block, Document, Inline};
use fazhi_testkit::fields;
use fazhi_testkit::{d, with_org, Backend};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Early in the year after the report's: rounds are still open, the report is being written.
/// The holiday calendar (data/calendar) covers 2019–2026, so every deadline of 2023–2025 resolves.
const TODAY: &str = "2025-01-20";
const TITLE: &str = "示例区2024年法治政府建设年度报告";
const MARKET: &str = "区市场监督管理局";
const DONGSHAN: &str = "东山镇人民政府";
const XIHE: &str = "西河镇人民政府";

// ---------- helpers ----------

/// Unwraps a use case's result, naming what was refused and why.
fn ok<T>(r: AppResult<T>, what: impl std::fmt::Display) -> T {
    r.unwrap_or_else(|e| {
        panic!(
            "{what}: refused: {} ({:?}) {}",
            e.code(),
            e.field(),
            e.user_message()
        )
    })
}

async fn actor(app: &App, username: &str) -> Actor {
    ok(auth::actor_by_username(app, username).await, username)
}

async fn unit_id(app: &App, name: &str) -> i64 {
    fazhi_app::org::find_unit_by_name(app, name)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("unit {name}"))
}

async fn count(app: &App, table_and_filter: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table_and_filter}"))
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

/// A 行政复议 application received on `received` against `respondent` (a unit id).
fn application(received: &str, act_date: &str, respondent: i64) -> Fields {
    let mut f = fields(&[
        ("received_date", received),
        ("channel", "window"),
        ("act_name", "行政处罚决定"),
        ("act_date", act_date),
        ("request", "撤销被申请人作出的行政处罚决定"),
        ("applicant_name", "张三"),
        ("applicant_id_number", "11010519491231002X"),
        ("applicant_phone", "13812345678"),
    ]);
    f.insert("respondent_unit_id".into(), respondent.to_string());
    f
}

/// A lawsuit against `defendant` (a unit id), number `n` of 2024.
fn lawsuit(n: usize, registered: &str, copy_received: &str, defendant: i64) -> Fields {
    let mut f = fields(&[
        ("court", "示例区人民法院"),
        ("case_no", &format!("（2024）示0101行初{n}号")),
        ("registered_date", registered),
        ("copy_received_date", copy_received),
        ("act_name", "行政处罚决定"),
        ("act_doc_no", "示市监罚〔2024〕8号"),
        ("claim", "请求撤销被告作出的行政处罚决定"),
        ("plaintiff_name", "张三"),
        ("plaintiff_id_number", "11010519491231002X"),
        ("plaintiff_phone", "13812345678"),
    ]);
    f.insert("defendant_unit_id".into(), defendant.to_string());
    f
}

async fn rc_step(app: &App, clerk: &Actor, id: i64, action: &str, f: &[(&str, &str)]) {
    ok(
        rc::take_step(app, clerk, id, action, &fields(f), None).await,
        format!("复议案件{id} {action} {f:?}"),
    );
}

async fn lt_step(app: &App, clerk: &Actor, id: i64, action: &str, f: &[(&str, &str)]) {
    ok(
        lt::take_step(app, clerk, id, action, &fields(f), None).await,
        format!("应诉案件{id} {action} {f:?}"),
    );
}

/// Opens a round for `year` asking `keys` of `units`; returns each unit's form, in that order.
async fn open_round(app: &App, office: &Actor, year: i32, keys: &str, units: &[&str]) -> Vec<i64> {
    let mut ids = Vec::new();
    for u in units {
        ids.push(unit_id(app, u).await);
    }
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    let f = fields(&[
        ("year", &year.to_string()),
        ("title", &format!("{year}年度法治政府建设数据填报")),
        ("due_date", "2025-02-28"),
        ("keys", keys),
        ("unit_ids", &list.join(",")),
    ]);
    let round = ok(filing::create_round(app, office, &f).await, "开启填报轮次");
    let detail = ok(filing::round(app, office, round).await, "填报轮次");
    assert_eq!(detail.forms.len(), units.len());
    ids.iter()
        .map(|u| {
            detail
                .forms
                .iter()
                .find(|f| f.unit_id == *u)
                .expect("a form per unit")
                .id
        })
        .collect()
}

/// The form fields of values (`v.KEY`).
fn values(pairs: &[(&str, &str)]) -> Fields {
    pairs
        .iter()
        .map(|(k, v)| (filing_field(k), v.to_string()))
        .collect()
}

fn filing_field(key: &str) -> String {
    fazhi_domain::filing::field_name(key)
}

/// The clerk saves a draft and submits it; the office approves.
async fn file(app: &App, clerk: &Actor, office: &Actor, form: i64, pairs: &[(&str, &str)]) {
    let f = values(pairs);
    ok(
        filing::act(app, clerk, form, "save", &f, None).await,
        format!("{}保存报表{form}", clerk.username),
    );
    ok(
        filing::act(app, clerk, form, "submit", &f, None).await,
        format!("{}提交报表{form}", clerk.username),
    );
    ok(
        filing::act(app, office, form, "approve", &Fields::new(), None).await,
        format!("审核通过报表{form}"),
    );
}

/// The form's values as shown (key → value typed back).
async fn form_values(app: &App, office: &Actor, form: i64) -> Vec<(String, String)> {
    ok(filing::form(app, office, form).await, "报表")
        .lines
        .into_iter()
        .map(|l| (l.key, l.value))
        .collect()
}

/// The report's edit form as stored, with the settings: what a user posts when saving unchanged.
fn content_fields(c: &ReportContent, s: &ReportSettings) -> Fields {
    let mut f = fields(&[
        ("title", &c.title),
        ("intro", &c.intro),
        ("issuer", &c.issuer),
        ("decimals", &s.percent.decimals.to_string()),
        (
            "rounding",
            match s.percent.rounding {
                Rounding::HalfUp => "half_up",
                Rounding::Truncate => "truncate",
            },
        ),
        ("charts", if s.charts { "1" } else { "0" }),
    ]);
    if let Some(w) = c.written {
        f.insert("written".into(), w.to_string());
    }
    for (k, v) in [("index_no", &c.index_no), ("doc_no", &c.doc_no)] {
        if let Some(v) = v {
            f.insert(k.into(), v.clone());
        }
    }
    for p in &c.parts {
        f.insert(format!("part.{}.text", p.key), p.text.clone());
        for (n, s) in p.sections.iter().enumerate() {
            f.insert(format!("part.{}.{n}.title", p.key), s.title.clone());
            f.insert(format!("part.{}.{n}.text", p.key), s.text.clone());
        }
    }
    f
}

/// Fills the four parts a new report leaves empty.
fn fill_parts(f: &mut Fields) {
    for (key, text) in [
        ("shortcomings", "基层法治力量仍较薄弱。"),
        (
            "responsibility",
            "区政府主要负责人认真履行推进法治建设第一责任人职责。",
        ),
        ("next_year", "继续深化法治政府建设。"),
        ("other", "无。"),
    ] {
        f.insert(format!("part.{key}.text"), text.into());
    }
}

/// Every figure of the document: (key, text, href).
fn figures(doc: &Document) -> Vec<(&str, &str, Option<&str>)> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph { inlines } => Some(inlines),
            _ => None,
        })
        .flatten()
        .filter_map(|i| match i {
            Inline::Figure {
                key, text, href, ..
            } => Some((key.as_str(), text.as_str(), href.as_deref())),
            Inline::Text { .. } => None,
        })
        .collect()
}

/// The link of the figure printed as `text` for `key`; fails when it is plain text or unlinked.
fn href_of<'a>(doc: &'a Document, key: &str, text: &str) -> &'a str {
    let figs = figures(doc);
    let found = figs
        .iter()
        .find(|(k, t, _)| *k == key && *t == text)
        .unwrap_or_else(|| panic!("no figure “{text}” for {key} in {figs:?}"));
    found
        .2
        .unwrap_or_else(|| panic!("figure “{text}” for {key} has no link"))
}

fn assert_contains(text: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(text.contains(w), "“{w}” missing from:\n{text}");
    }
}

// ---------- the seed 000 fixture ----------

/// Records of 行政复议 and 行政应诉, through the use cases:
/// - 行政复议: 82 applications received in 2023 (left open) and 94 in 2024, of which 86 concluded
///   in 2024 (6 terminated on withdrawal, 80 decided) and 20 taken to court afterwards — the
///   lawsuits registered in 行政应诉 naming the case, the suit recorded on the case by the
///   reconsideration clerk (the litigation clerk may not write it);
/// - 行政应诉: 134 lawsuits received in 2024 (the 20 among them), 122 final in 2024 (10 lost after
///   a hearing, 112 withdrawn), 12 pending.
async fn seed_000_records(app: &App) {
    let fuyi = actor(app, "fuyi").await;
    let yingsu = actor(app, "yingsu").await;
    let market = unit_id(app, MARKET).await;

    let mut received_2024 = Vec::new();
    for (year, n) in [(2023, 82), (2024, 94)] {
        for i in 0..n {
            // distinct days for i < 180 (lcm of 9 and 20)
            let received = format!("{year}-{:02}-{:02}", 1 + i % 9, 3 + i % 20);
            let f = application(&received, &format!("{year}-01-02"), market);
            let (id, no) = ok(rc::register(app, &fuyi, &f).await, "登记复议申请");
            if year == 2024 {
                received_2024.push((d(&received), id, no));
            }
        }
    }
    received_2024.sort();

    let mut lawsuits = 0usize;
    let mut linked = Vec::new();
    for (k, (received, id, no)) in received_2024.iter().enumerate().take(86) {
        let at = |days: i64| (*received + chrono::Duration::days(days)).to_string();
        rc_step(
            app,
            &fuyi,
            *id,
            "accept",
            &[("date", &at(1)), ("procedure", "ordinary")],
        )
        .await;
        if k < 6 {
            rc_step(
                app,
                &fuyi,
                *id,
                "terminate",
                &[("date", &at(20)), ("reason", "withdrawn")],
            )
            .await;
            continue;
        }
        let kind = if k < 20 { "revoke" } else { "maintain" };
        rc_step(
            app,
            &fuyi,
            *id,
            "decide",
            &[("date", &at(30)), ("decision_type", kind)],
        )
        .await;
        if k >= 66 {
            // The applicant sues: the lawsuit names the reconsideration case ...
            lawsuits += 1;
            let mut f = lawsuit(lawsuits, &at(40), &at(44), market);
            f.insert("rc_case_no".into(), no.clone());
            let (lid, _) = ok(lt::register(app, &yingsu, &f).await, "登记复议后起诉");
            linked.push(lid);
            // ... and the reconsideration clerk records the suit on the case.
            rc_step(app, &fuyi, *id, "record_litigation", &[("date", &at(40))]).await;
        }
    }
    assert_eq!(linked.len(), 20);

    let mut others = Vec::new();
    for i in 0..114 {
        lawsuits += 1;
        let m = 1 + i % 6;
        let f = lawsuit(
            lawsuits,
            &format!("2024-{m:02}-01"),
            &format!("2024-{m:02}-05"),
            market,
        );
        others.push(ok(lt::register(app, &yingsu, &f).await, "登记应诉案件").0);
    }
    // 10 lost after a hearing with the head present, final in 2024.
    for &id in &others[..10] {
        lt_step(
            app,
            &yingsu,
            id,
            "schedule_hearing",
            &[
                ("date", "2024-07-01"),
                ("hearing_date", "2024-07-10"),
                ("head_notified", "1"),
            ],
        )
        .await;
        lt_step(
            app,
            &yingsu,
            id,
            "record_hearing",
            &[
                ("date", "2024-07-10"),
                ("appearance", "head"),
                ("person", "王建军"),
                ("post", "局长"),
            ],
        )
        .await;
        lt_step(
            app,
            &yingsu,
            id,
            "judge",
            &[
                ("date", "2024-08-01"),
                ("served_date", "2024-08-05"),
                ("outcome", "revoke"),
            ],
        )
        .await;
        lt_step(app, &yingsu, id, "finalize", &[("date", "2024-08-25")]).await;
    }
    // 112 withdrawn (final at once): the other 104 and 8 of the 20 that followed reconsideration.
    for &id in others[10..].iter().chain(&linked[..8]) {
        lt_step(
            app,
            &yingsu,
            id,
            "judge",
            &[("date", "2024-12-10"), ("outcome", "withdrawn")],
        )
        .await;
    }
}

/// The forms of the golden fixture.
struct Forms {
    /// 2024: 东山镇, 西河镇, 区市场监督管理局.
    y2024: Vec<i64>,
    /// 2023: 区市场监督管理局.
    y2023: i64,
}

/// Filed values: 2024 mediation 2265 taken up (1200 东山镇 + 1065 西河镇), 2254 settled (1195 +
/// 1059); inspections 2923 (区市场监督管理局) in 2024 and 3858 in 2023.
async fn seed_000_filed(app: &App, office: &Actor) -> Forms {
    let dongshan = actor(app, "dongshan").await;
    let xihe = actor(app, "xihe").await;
    let scj = actor(app, "scj").await;
    let y2024 = open_round(
        app,
        office,
        2024,
        "mediation.success_rate,enforcement.inspections",
        &[DONGSHAN, XIHE, MARKET],
    )
    .await;
    let m = (
        "mediation.disputes_mediated",
        "mediation.succeeded",
        "enforcement.inspections",
    );
    file(
        app,
        &dongshan,
        office,
        y2024[0],
        &[(m.0, "1,200"), (m.1, "1195"), (m.2, "0")],
    )
    .await;
    file(
        app,
        &xihe,
        office,
        y2024[1],
        &[(m.0, "1065"), (m.1, "１０５９"), (m.2, "0")],
    )
    .await;
    file(
        app,
        &scj,
        office,
        y2024[2],
        &[(m.0, "0"), (m.1, "0"), (m.2, "2923")],
    )
    .await;
    let y2023 = open_round(app, office, 2023, "enforcement.inspections", &[MARKET]).await[0];
    file(app, &scj, office, y2023, &[(m.2, "3858")]).await;
    Forms { y2024, y2023 }
}

/// The sentences of seed 000 the generated text must contain (half-up rounding).
const GOLDEN: [&str; 13] = [
    "收到行政复议申请94件（比2023年同期增长14.63%）",
    "已审结86件",
    "审结率91.49%",
    "起诉率为21.28%",
    "行政应诉案件134件",
    "已审结122件",
    "败诉10件",
    "败诉率7.46%",
    "调处矛盾纠纷2265件",
    "调解成功率99.51%",
    "2923家次",
    "3858家次",
    "下降24.24%",
];

/// The same, as whole sentences (the register of the published reports).
const GOLDEN_SENTENCES: [&str; 5] = [
    "全区共收到行政复议申请94件（比2023年同期增长14.63%），受理86件，已审结86件，审结率91.49%",
    "复议后提起行政诉讼20件，起诉率为21.28%。",
    "全年办理行政应诉案件134件，已审结122件，败诉10件，败诉率7.46%。",
    "全年调处矛盾纠纷2265件，成功调解2254件，调解成功率99.51%。",
    "全年开展涉企行政检查2923家次，2023年同期3858家次，检查次数同比下降24.24%。",
];

#[tokio::test]
async fn golden_report_of_seed_000() {
    let t = with_org(Backend::Sqlite, d(TODAY)).await;
    let app = &t.app;
    let office = actor(app, "fzb").await;

    let started = Instant::now();
    seed_000_records(app).await;
    let built = started.elapsed();
    let forms = seed_000_filed(app, &office).await;
    eprintln!(
        "golden fixture: records {:.1?}, records and filed values {:.1?}",
        built,
        started.elapsed()
    );

    let id = ok(
        report::create(app, &office, &fields(&[("year", "2024")])).await,
        "新建报告",
    );
    let (detail, g) = ok(report::generate(app, &office, id).await, "生成报告");
    let doc = &g.document;
    let text = doc.plain_text();
    assert!(text.starts_with(TITLE), "{text}");
    assert_contains(&text, &GOLDEN);
    assert_contains(&text, &GOLDEN_SENTENCES);

    // Every figure is traceable: records to the drill-down, filed values to the form.
    let rc_link = |k: &str| format!("/rc/cases?indicator={k}&year=2024");
    let lt_link = |k: &str| format!("/lt/cases?indicator={k}&year=2024");
    let applications = "reconsideration.applications";
    for (key, shown, link) in [
        (applications, "94", rc_link(applications)),
        (applications, "增长14.63%", rc_link(applications)),
        (
            "reconsideration.concluded",
            "86",
            rc_link("reconsideration.concluded"),
        ),
        (
            "reconsideration.conclusion_rate",
            "91.49%",
            rc_link("reconsideration.concluded"),
        ),
        (
            "reconsideration.litigated_after",
            "20",
            rc_link("reconsideration.litigated_after"),
        ),
        (
            "reconsideration.litigation_rate",
            "21.28%",
            rc_link("reconsideration.litigated_after"),
        ),
        ("litigation.cases", "134", lt_link("litigation.cases")),
        (
            "litigation.concluded",
            "122",
            lt_link("litigation.concluded"),
        ),
        ("litigation.lost", "10", lt_link("litigation.lost")),
        ("litigation.loss_rate", "7.46%", lt_link("litigation.lost")),
        (
            "enforcement.inspections",
            "3858",
            format!("/filing/forms/{}", forms.y2023),
        ),
    ] {
        assert_eq!(href_of(doc, key, shown), link, "{key} {shown}");
    }
    // A filed figure links to the one form that holds it, or, summed from several units' forms
    // of a round, to the round's summary (see `a_filed_figure_links_to_a_form_that_holds_it`).
    let form_links: Vec<String> = forms
        .y2024
        .iter()
        .map(|f| format!("/filing/forms/{f}"))
        .collect();
    for (key, shown) in [
        ("mediation.disputes_mediated", "2265"),
        ("mediation.succeeded", "2254"),
        ("mediation.success_rate", "99.51%"),
        ("enforcement.inspections", "2923"),
        ("enforcement.inspections", "下降24.24%"),
    ] {
        let h = href_of(doc, key, shown);
        assert!(
            form_links.iter().any(|l| l == h) || h.starts_with("/filing/rounds/"),
            "{key} {shown}: {h} is not a form or the round of 2024"
        );
    }
    // The links lead to exactly what was counted: the drill-down lists as many records, the form
    // holds the value.
    let system = Actor::system("测试", 1);
    for (key, n) in [
        (applications, 94),
        ("reconsideration.concluded", 86),
        ("reconsideration.litigated_after", 20),
    ] {
        let q = ListQuery {
            indicator: key.into(),
            year: "2024".into(),
            per_page: Some(200),
            ..Default::default()
        };
        assert_eq!(ok(rc::list(app, &system, &q).await, key).total, n, "{key}");
    }
    for (key, n) in [
        ("litigation.cases", 134),
        ("litigation.concluded", 122),
        ("litigation.lost", 10),
    ] {
        let q = ListQuery {
            indicator: key.into(),
            year: "2024".into(),
            per_page: Some(200),
            ..Default::default()
        };
        assert_eq!(ok(lt::list(app, &system, &q).await, key).total, n, "{key}");
    }
    assert!(form_values(app, &office, forms.y2023)
        .await
        .contains(&("enforcement.inspections".into(), "3858".into())));

    // The check before 定稿: the four parts a new report leaves empty, nothing else.
    let kinds: Vec<&str> = g.issues.iter().map(|i| i.kind).collect();
    assert_eq!(kinds, ["empty_part"; 4], "{:?}", g.issues);

    // The DOCX, kept for the conversion below.
    let docx = ok(report::render(doc, report::Format::Docx), "DOCX");

    // The analyzer reads our own DOCX back as another office would read it: the year, the
    // figures with their keys, and every printed rate that it can recompute agrees.
    let read = fazhi_text::read_document("报告.docx", &docx).expect("the analyzer reads the DOCX");
    assert_eq!(read.format, fazhi_text::input::Format::Docx);
    let a = fazhi_text::analyze(&read.text);
    assert_eq!(a.year, Some(2024));
    for (key, value) in [
        ("reconsideration.applications", "94"),
        ("reconsideration.concluded", "86"),
        ("reconsideration.conclusion_rate", "91.49"),
    ] {
        assert!(
            a.figures
                .iter()
                .any(|f| f.key.as_deref() == Some(key) && f.value.to_string() == value),
            "{key} = {value} not read back from the DOCX: {:#?}",
            a.figures
        );
    }
    assert!(
        a.checks.iter().any(|c| c.printed.to_string() == "91.49"
            && c.verdict == fazhi_text::checks::Verdict::Consistent),
        "{:#?}",
        a.checks
    );
    assert!(
        a.checks
            .iter()
            .all(|c| c.verdict != fazhi_text::checks::Verdict::Unexplained),
        "{:#?}",
        a.checks
    );

    // Truncation, as the seed printed it: 935 / 3858 = 24.235…% → 24.23%.
    let mut f = content_fields(&detail.content, &detail.settings);
    f.insert("rounding".into(), "truncate".into());
    ok(
        report::save(app, &office, id, &f, Some(detail.version)).await,
        "保存舍入方式",
    );
    let (detail, g) = ok(report::generate(app, &office, id).await, "生成报告");
    assert_eq!(detail.settings.percent.rounding, Rounding::Truncate);
    let truncated = g.document.plain_text();
    assert_contains(
        &truncated,
        &["检查次数同比下降24.23%", "审结率91.48%", "调解成功率99.51%"],
    );
    assert!(!truncated.contains("24.24%"), "{truncated}");

    // A key both computed and filed with a different value: the report keeps the computed one
    // and the check says so, linking to the form.
    let scj = actor(app, "scj").await;
    let extra = open_round(app, &office, 2024, applications, &[MARKET]).await[0];
    file(app, &scj, &office, extra, &[(applications, "90")]).await;
    let (_, g) = ok(report::generate(app, &office, id).await, "生成报告");
    assert!(g.document.plain_text().contains("收到行政复议申请94件"));
    let differs: Vec<_> = g
        .issues
        .iter()
        .filter(|i| i.kind == "filed_differs")
        .collect();
    assert_eq!(differs.len(), 1, "{:?}", g.issues);
    assert!(
        differs[0].message.contains("94") && differs[0].message.contains("90"),
        "{}",
        differs[0].message
    );
    assert_eq!(
        differs[0].href.as_deref(),
        Some(format!("/filing/forms/{extra}").as_str())
    );
    assert_eq!(
        g.issues.iter().filter(|i| i.kind == "empty_part").count(),
        4
    );

    // Through LibreOffice to PDF (last: it takes the longest).
    docx_to_pdf(&docx);
    eprintln!("golden test: {:.1?} in all", started.elapsed());
}

// ---------- DOCX → PDF ----------

fn tool(cmd: &str, args: &[&str], pdf: &Path) -> String {
    let mut c = Command::new(cmd);
    c.args(args).arg(pdf);
    if cmd == "pdftotext" {
        c.arg("-");
    }
    let out = c
        .output()
        .unwrap_or_else(|e| panic!("{cmd} runs (Debian package poppler-utils): {e}"));
    assert!(out.status.success(), "{cmd}: {out:?}");
    String::from_utf8(out.stdout).expect("utf-8")
}

/// A family as fonts name it, without its language: "Noto Serif CJK SC" → "notoserifcjk",
/// "AR PL UKai CN" → "arplukai"; an embedded PostScript name the same way:
/// "ABCDEF+NotoSerifCJKjp-Regular" → "notoserifcjk", "UKaiCN" → "arplukai".
fn family_of_free(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    words[..words.len() - 1].concat().to_lowercase()
}

fn family_of_embedded(name: &str) -> String {
    let name = name.split_once('+').map_or(name, |(_, rest)| rest);
    let base = name.split('-').next().unwrap_or(name).to_lowercase();
    let base = ["jp", "sc", "tc", "hk", "kr", "cn", "tw"]
        .iter()
        .find_map(|l| base.strip_suffix(l))
        .unwrap_or(&base)
        .to_string();
    match base.as_str() {
        "ukai" => "arplukai".into(),
        _ => base,
    }
}

/// Converts the report's DOCX as a server prints it — LibreOffice with the fontconfig that
/// aliases the standard's font names to the free fonts — and checks A4, the text and the fonts.
fn docx_to_pdf(docx: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.docx");
    std::fs::write(&file, docx).unwrap();
    let opts = DocxOptions::default();
    let conf = dir.path().join("fonts.conf");
    std::fs::write(&conf, opts.fontconfig().expect("fontconfig")).unwrap();
    let out = dir.path().join("out");
    let started = Instant::now();
    let result = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.path().join("profile").display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&out)
        .arg(&file)
        .env("FONTCONFIG_FILE", &conf)
        .output()
        .expect(
            "soffice runs (Debian package libreoffice-writer-nogui; scripts/test.sh installs it)",
        );
    assert!(result.status.success(), "soffice: {result:?}");
    let pdf = out.join("report.pdf");
    assert!(pdf.exists(), "no PDF: {result:?}");
    eprintln!("soffice: {:.1?}", started.elapsed());

    // A4: 595.276 x 841.89 pts.
    let info = tool("pdfinfo", &[], &pdf);
    let size = info
        .lines()
        .find_map(|l| l.strip_prefix("Page size:"))
        .expect("page size");
    let nums: Vec<f64> = size
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(
        nums.len() >= 2 && (nums[0] - 595.3).abs() < 1.0 && (nums[1] - 841.9).abs() < 1.0,
        "page size {size}"
    );

    // The text, whitespace removed (the layout breaks lines inside sentences).
    let text: String = tool("pdftotext", &[], &pdf)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(text.contains(TITLE), "{text}");
    assert_contains(&text, &GOLDEN);
    assert_contains(&text, &GOLDEN_SENTENCES);

    // The fonts: each role's free font stands in for the standard's name, and nothing else is
    // embedded (a missing alias would fall back to DejaVu or to one CJK face for every role).
    let embedded: BTreeSet<String> = tool("pdffonts", &[], &pdf)
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .map(String::from)
        .collect();
    let fonts = &opts.fonts;
    let intended: BTreeSet<String> = [
        &fonts.title,
        &fonts.body,
        &fonts.heading1,
        &fonts.heading2,
        &fonts.page_number,
    ]
    .iter()
    .map(|p| family_of_free(&p.free))
    .collect();
    let families: BTreeSet<String> = embedded.iter().map(|n| family_of_embedded(n)).collect();
    assert_eq!(families, intended, "embedded: {embedded:?}");
}

// ---------- seed 002 ----------

/// Seed 002 (安居区 2024): "排查调处矛盾纠纷5907件、成功调解5903件，成功率达99.93%" — from filed
/// values alone, no records.
#[tokio::test]
async fn seed_002_mediation_from_filed_values() {
    let t = with_org(Backend::Sqlite, d(TODAY)).await;
    let app = &t.app;
    let office = actor(app, "fzb").await;
    let forms = open_round(
        app,
        &office,
        2024,
        "mediation.success_rate",
        &[DONGSHAN, XIHE],
    )
    .await;
    let m = ("mediation.disputes_mediated", "mediation.succeeded");
    file(
        app,
        &actor(app, "dongshan").await,
        &office,
        forms[0],
        &[(m.0, "3000"), (m.1, "2999")],
    )
    .await;
    file(
        app,
        &actor(app, "xihe").await,
        &office,
        forms[1],
        &[(m.0, "2907"), (m.1, "2904")],
    )
    .await;
    let id = ok(
        report::create(app, &office, &fields(&[("year", "2024")])).await,
        "新建报告",
    );
    let (_, g) = ok(report::generate(app, &office, id).await, "生成报告");
    let text = g.document.plain_text();
    assert!(
        text.contains("全年调处矛盾纠纷5907件，成功调解5903件，调解成功率99.93%。"),
        "{text}"
    );
    // No records, no filed values: no sentence, rather than zeros.
    assert!(
        !text.contains("收到行政复议申请") && !text.contains("行政应诉案件"),
        "{text}"
    );
    // Two townships' forms add up to it: the figure leads to the round's summary, and 99.93%
    // to the same place as its numerator.
    let h = href_of(&g.document, "mediation.success_rate", "99.93%");
    assert!(h.starts_with("/filing/rounds/"), "{h}");
    assert_eq!(h, href_of(&g.document, "mediation.succeeded", "5903"));
    assert_eq!(forms.len(), 2);
}

/// A figure summed from several forms links to a form that contributed to it, and its source
/// names that unit — not a unit that filed 0.
#[tokio::test]
async fn a_filed_figure_links_to_a_form_that_holds_it() {
    let t = with_org(Backend::Sqlite, d(TODAY)).await;
    let app = &t.app;
    let office = actor(app, "fzb").await;
    let forms = open_round(
        app,
        &office,
        2024,
        "enforcement.inspections",
        &[DONGSHAN, MARKET],
    )
    .await;
    let key = "enforcement.inspections";
    file(
        app,
        &actor(app, "dongshan").await,
        &office,
        forms[0],
        &[(key, "0")],
    )
    .await;
    file(
        app,
        &actor(app, "scj").await,
        &office,
        forms[1],
        &[(key, "2923")],
    )
    .await;
    let id = ok(
        report::create(app, &office, &fields(&[("year", "2024")])).await,
        "新建报告",
    );
    let (_, g) = ok(report::generate(app, &office, id).await, "生成报告");
    let figure = figures(&g.document)
        .into_iter()
        .find(|(k, t, _)| *k == key && *t == "2923")
        .map(|(_, _, h)| h.map(String::from));
    let source = g.document.blocks.iter().find_map(|b| match b {
        Block::Paragraph { inlines } => inlines.iter().find_map(|i| match i {
            Inline::Figure {
                key: k,
                text,
                source,
                ..
            } if k == key && text == "2923" => source.clone(),
            _ => None,
        }),
        _ => None,
    });
    assert_eq!(
        figure,
        Some(Some(format!("/filing/forms/{}", forms[1]))),
        "source: {source:?}"
    );
    assert!(
        source.as_deref().is_some_and(|s| s.contains(MARKET)),
        "{source:?}"
    );
}

/// A unit asked twice for the same key and year (a supplementary round after a correction) is
/// counted once, with its latest approved value — not the sum of both forms.
#[tokio::test]
async fn a_unit_asked_twice_for_a_key_counts_once() {
    let t = with_org(Backend::Sqlite, d(TODAY)).await;
    let app = &t.app;
    let office = actor(app, "fzb").await;
    let clerk = actor(app, "dongshan").await;
    let m = ("mediation.disputes_mediated", "mediation.succeeded");
    let first = open_round(app, &office, 2024, "mediation.success_rate", &[DONGSHAN]).await[0];
    file(app, &clerk, &office, first, &[(m.0, "1200"), (m.1, "1195")]).await;
    let again = open_round(app, &office, 2024, "mediation.success_rate", &[DONGSHAN]).await[0];
    file(app, &clerk, &office, again, &[(m.0, "1210"), (m.1, "1200")]).await;
    let id = ok(
        report::create(app, &office, &fields(&[("year", "2024")])).await,
        "新建报告",
    );
    let (_, g) = ok(report::generate(app, &office, id).await, "生成报告");
    let text = g.document.plain_text();
    assert!(
        text.contains("全年调处矛盾纠纷1210件，成功调解1200件"),
        "{text}"
    );
}

// ---------- statistics rounds ----------

/// What a refused action must leave as it was: the form's version, status and values, the
/// audit log and the stored values.
async fn form_snapshot(
    app: &App,
    form: i64,
) -> (i64, &'static str, Vec<(String, String)>, i64, i64) {
    let f = ok(
        filing::form(app, &actor(app, "fzb").await, form).await,
        "报表",
    );
    (
        f.version,
        f.form.status,
        f.lines.into_iter().map(|l| (l.key, l.value)).collect(),
        count(app, "audit_log").await,
        count(app, "st_values").await,
    )
}

/// A value that fails its check is refused with its field named, and nothing is written: the
/// form keeps its values, status and version, and the audit log has no new entry.
#[tokio::test]
async fn bad_filed_values_are_refused_and_write_nothing() {
    let t = with_org(Backend::Sqlite, d(TODAY)).await;
    let app = &t.app;
    let office = actor(app, "fzb").await;
    let clerk = actor(app, "dongshan").await;
    let form = open_round(app, &office, 2024, "mediation.success_rate", &[DONGSHAN]).await[0];
    let (mediated, succeeded) = ("mediation.disputes_mediated", "mediation.succeeded");
    ok(
        filing::act(
            app,
            &clerk,
            form,
            "save",
            &values(&[(mediated, "2265"), (succeeded, "2254")]),
            None,
        )
        .await,
        "保存草稿",
    );
    let snapshot = || form_snapshot(app, form);
    let before = snapshot().await;
    assert_eq!(before.1, "draft");
    assert_eq!(
        before.2,
        [
            (mediated.to_string(), "2265".to_string()),
            (succeeded.to_string(), "2254".to_string())
        ]
    );

    let field = |k: &str| filing_field(k);
    for (action, pairs, code, bad_field) in [
        // more settled than taken up
        (
            "submit",
            [(mediated, "2265"), (succeeded, "2266")],
            "parts_disagree",
            field(succeeded),
        ),
        (
            "save",
            [(mediated, "2265"), (succeeded, "2266")],
            "parts_disagree",
            field(succeeded),
        ),
        // a negative count
        (
            "submit",
            [(mediated, "-5"), (succeeded, "0")],
            "invalid_value",
            field(mediated),
        ),
        // the rate typed as a percentage where its part is asked
        (
            "submit",
            [(mediated, "2265"), (succeeded, "99.51%")],
            "invalid_value",
            field(succeeded),
        ),
        (
            "save",
            [(mediated, "99.51"), (succeeded, "")],
            "invalid_value",
            field(mediated),
        ),
    ] {
        let e = filing::act(app, &clerk, form, action, &values(&pairs), None)
            .await
            .expect_err("refused");
        assert_eq!(
            (e.code(), e.field()),
            (code, Some(bad_field.as_str())),
            "{action} {pairs:?}: {}",
            e.user_message()
        );
        assert!(e.user_message().contains("调"), "{}", e.user_message());
        assert_eq!(
            snapshot().await,
            before,
            "{action} {pairs:?} wrote something"
        );
    }
    // Submitting with a line left empty names it (没有的请填0).
    let e = filing::act(
        app,
        &clerk,
        form,
        "submit",
        &values(&[(mediated, "2265")]),
        None,
    )
    .await
    .expect_err("refused");
    assert_eq!(
        (e.code(), e.field()),
        ("required", Some(field(succeeded).as_str()))
    );
    assert_eq!(snapshot().await, before);
    // A sheet uploaded with the rate itself as a row is refused, naming the file, nothing written.
    let sheet = fazhi_app::xlsx::write_table(
        "数据填报",
        &["指标键", "指标", "单位", "数值", "说明"],
        [
            vec![
                mediated.into(),
                "调处矛盾纠纷".into(),
                "件".into(),
                "2265".into(),
                String::new(),
            ],
            vec![
                "mediation.success_rate".into(),
                "调解成功率".into(),
                "%".into(),
                "99.51%".into(),
                String::new(),
            ],
        ]
        .into_iter(),
    )
    .unwrap();
    let e = filing::upload(app, &clerk, form, &sheet)
        .await
        .expect_err("refused");
    assert_eq!(
        e.field(),
        Some("file"),
        "{}: {}",
        e.code(),
        e.user_message()
    );
    // The rate's own row is refused with the reason: a rate is filed as its two parts.
    assert_eq!(e.code(), "rate_not_allowed");
    assert!(
        e.user_message().contains("第3行") && e.user_message().contains("分别填写分子和分母"),
        "{}",
        e.user_message()
    );
    assert_eq!(snapshot().await, before);

    // The good values are accepted, and only approved values are used.
    ok(
        filing::act(
            app,
            &clerk,
            form,
            "submit",
            &values(&[(mediated, "2265"), (succeeded, "2254")]),
            None,
        )
        .await,
        "提交",
    );
    let units = vec![unit_id(app, DONGSHAN).await];
    assert!(ok(filing::filed_values(app, 2024, &units).await, "填报值").is_empty());
    ok(
        filing::act(app, &office, form, "approve", &Fields::new(), None).await,
        "审核通过",
    );
    let filed = ok(filing::filed_values(app, 2024, &units).await, "填报值");
    assert_eq!(filed[mediated].value, 2265);
    assert_eq!(filed[succeeded].value, 2254);
    // An approved form is not edited: it is returned first, with a comment.
    let e = filing::act(app, &clerk, form, "save", &values(&[(mediated, "1")]), None)
        .await
        .expect_err("refused");
    assert_eq!(e.code(), "illegal_transition");
    let e = filing::act(app, &office, form, "return", &Fields::new(), None)
        .await
        .expect_err("refused");
    assert_eq!((e.code(), e.field()), ("required", Some("comment")));
}

/// A department clerk files his own unit's form and nothing else: no rounds, no approval, no
/// other unit's form, no report.
#[tokio::test]
async fn clerks_file_only_their_own_forms() {
    let t = with_org(Backend::Sqlite, d(TODAY)).await;
    let app = &t.app;
    let office = actor(app, "fzb").await;
    let dongshan = actor(app, "dongshan").await;
    let round = fields(&[
        ("year", "2024"),
        ("title", "2024年度数据填报"),
        ("due_date", "2025-02-28"),
        ("keys", "enforcement.inspections"),
        ("unit_ids", &unit_id(app, DONGSHAN).await.to_string()),
    ]);
    let rounds = count(app, "st_rounds").await;
    assert!(matches!(
        filing::create_round(app, &dongshan, &round).await,
        Err(AppError::Forbidden)
    ));
    assert_eq!(count(app, "st_rounds").await, rounds);

    let forms = open_round(
        app,
        &office,
        2024,
        "enforcement.inspections",
        &[DONGSHAN, XIHE],
    )
    .await;
    let (mine, theirs) = (forms[0], forms[1]);
    let listed: Vec<i64> = ok(filing::my_forms(app, &dongshan).await, "我的报表")
        .iter()
        .map(|f| f.id)
        .collect();
    assert_eq!(listed, [mine]);
    assert!(matches!(
        filing::form(app, &dongshan, theirs).await,
        Err(AppError::NotFound(_))
    ));
    let inspections = values(&[("enforcement.inspections", "12")]);
    assert!(matches!(
        filing::act(app, &dongshan, theirs, "save", &inspections, None).await,
        Err(AppError::NotFound(_))
    ));
    let round_id = ok(filing::rounds(app, &office).await, "填报轮次")[0].id;
    assert!(matches!(
        filing::round(app, &dongshan, round_id).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        filing::rounds(app, &dongshan).await,
        Err(AppError::Forbidden)
    ));

    ok(
        filing::act(app, &dongshan, mine, "submit", &inspections, None).await,
        "提交",
    );
    assert!(matches!(
        filing::act(app, &dongshan, mine, "approve", &Fields::new(), None).await,
        Err(AppError::Forbidden)
    ));
    assert_eq!(
        ok(filing::form(app, &office, mine).await, "报表")
            .form
            .status,
        "submitted"
    );
    assert_eq!(
        ok(filing::form(app, &office, theirs).await, "报表")
            .form
            .status,
        "pending"
    );

    assert!(matches!(
        report::create(app, &dongshan, &fields(&[("year", "2024")])).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        report::list(app, &dongshan).await,
        Err(AppError::Forbidden)
    ));
}

// ---------- the report's lifecycle ----------

/// 草稿 → 审核 → 定稿 (refused while a part is empty) → 已发布; a published version never changes;
/// a correction is the next version, with its note, the published one untouched.
#[tokio::test]
async fn report_lifecycle_and_corrections() {
    let t = with_org(Backend::Sqlite, d(TODAY)).await;
    let app = &t.app;
    let office = actor(app, "fzb").await;
    let leader = actor(app, "leader").await;
    let year = fields(&[("year", "2024")]);
    let id = ok(report::create(app, &office, &year).await, "新建报告");
    let e = report::create(app, &office, &year)
        .await
        .expect_err("one per year");
    assert_eq!((e.code(), e.field()), ("duplicate", Some("year")));

    let detail = |id| report_detail(app, id);
    let v1 = detail(id).await;
    assert_eq!((v1.report.status, v1.report.version_no), ("draft", 1));
    assert_eq!(v1.report.title, TITLE);
    assert_eq!(v1.content.empty_parts().len(), 4);

    ok(
        report::step(app, &office, id, "submit", &Fields::new(), None).await,
        "提交审核",
    );
    let before = (detail(id).await.version, count(app, "audit_log").await);
    let e = report::step(app, &leader, id, "finalise", &Fields::new(), None)
        .await
        .expect_err("empty parts");
    assert_eq!(
        (e.code(), e.field()),
        ("required_part_empty", Some("content"))
    );
    assert!(
        e.user_message().contains("存在的不足和原因"),
        "{}",
        e.user_message()
    );
    let after = detail(id).await;
    assert_eq!(after.report.status, "review");
    assert_eq!((after.version, count(app, "audit_log").await), before);
    // The leader approves but does not edit.
    let mut f = content_fields(&after.content, &after.settings);
    fill_parts(&mut f);
    assert!(matches!(
        report::save(app, &leader, id, &f, None).await,
        Err(AppError::Forbidden)
    ));
    // A token naming no template is caught when saved.
    let mut bad = f.clone();
    bad.insert("part.other.text".into(), "【数据:no_such】".into());
    let e = report::save(app, &office, id, &bad, None)
        .await
        .expect_err("unknown template");
    assert_eq!(
        (e.code(), e.field()),
        ("invalid_token", Some("part.other.text"))
    );

    ok(
        report::save(app, &office, id, &f, Some(after.version)).await,
        "补全报告",
    );
    ok(
        report::step(app, &leader, id, "finalise", &Fields::new(), None).await,
        "定稿",
    );
    ok(
        report::step(
            app,
            &office,
            id,
            "publish",
            &fields(&[("published_date", TODAY)]),
            None,
        )
        .await,
        "发布",
    );
    let published = detail(id).await;
    assert_eq!(published.report.status, "published");
    assert_eq!(published.report.published_date.as_deref(), Some(TODAY));
    assert!(published.correctable && !published.editable);

    // Saving a published version is refused and writes nothing.
    let writes = count(app, "audit_log").await;
    let mut changed = content_fields(&published.content, &published.settings);
    changed.insert("intro".into(), "改动".into());
    let e = report::save(app, &office, id, &changed, None)
        .await
        .expect_err("published");
    assert_eq!((e.code(), e.field()), ("not_editable", Some("status")));
    let e = report::step(app, &office, id, "return", &Fields::new(), None)
        .await
        .expect_err("published");
    assert_eq!(e.code(), "illegal_transition");
    let still = detail(id).await;
    assert_eq!(
        (still.version, &still.content, still.report.status),
        (published.version, &published.content, "published")
    );
    assert_eq!(count(app, "audit_log").await, writes);

    // A correction needs its note; it is version 2, a draft with the same text.
    let e = report::correct(app, &office, id, &Fields::new())
        .await
        .expect_err("note");
    assert_eq!((e.code(), e.field()), ("required", Some("change_note")));
    let note = "更正第一部分行政复议案件数";
    let id2 = ok(
        report::correct(app, &office, id, &fields(&[("change_note", note)])).await,
        "更正",
    );
    let v2 = detail(id2).await;
    assert_eq!((v2.report.version_no, v2.report.status), (2, "draft"));
    assert_eq!(v2.report.change_note.as_deref(), Some(note));
    assert_eq!(v2.content, published.content);
    assert!(v2.editable && !v2.correctable);
    assert_eq!(
        v2.versions.iter().map(|v| v.version_no).collect::<Vec<_>>(),
        [1, 2]
    );
    let v1 = detail(id).await;
    assert_eq!(
        (v1.version, &v1.content, v1.report.status),
        (published.version, &published.content, "published")
    );
    assert_eq!(v1.report.published_date.as_deref(), Some(TODAY));
    assert!(!v1.correctable, "only the latest version is corrected");
    let e = report::correct(app, &office, id, &fields(&[("change_note", note)]))
        .await
        .expect_err("not latest");
    assert_eq!(e.code(), "not_correctable");
    // The correction is edited like any draft; the published version still reads as before.
    let mut f = content_fields(&v2.content, &v2.settings);
    f.insert(
        "intro".into(),
        "2024年，全区法治政府建设取得新进展。".into(),
    );
    ok(
        report::save(app, &office, id2, &f, Some(v2.version)).await,
        "修改更正稿",
    );
    assert_eq!(detail(id).await.content, published.content);
    assert_eq!(
        detail(id2).await.content.intro,
        "2024年，全区法治政府建设取得新进展。"
    );
}

/// A version as the office sees it.
async fn report_detail(app: &App, id: i64) -> report::ReportDetail {
    ok(
        report::detail(app, &actor(app, "fzb").await, id).await,
        "报告",
    )
}
