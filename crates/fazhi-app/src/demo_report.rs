//! The demo's statistics rounds and annual report: last year's round filled by three units and
//! approved, a round for the year before (the figures from before the platform, for 同比), and
//! last year's report with every part written around the data tokens, left as a draft so a new
//! user can edit and export it.

use crate::{auth, filing, report, App, AppResult};
use fazhi_domain::fields::Fields;
use fazhi_domain::report::ReportContent;

fn fields(pairs: &[(&str, String)]) -> Fields {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// Keys the demo's units file each year, with the three units' values (市场监管局, 东山镇, 西河镇)
/// for last year and the year before.
const FILED: &[(&str, [i64; 3], [i64; 3])] = &[
    ("mediation.organizations", [2, 14, 12], [2, 14, 11]),
    (
        "mediation.disputes_mediated",
        [96, 1121, 1048],
        [90, 1002, 1005],
    ),
    ("mediation.succeeded", [95, 1116, 1043], [88, 995, 1001]),
    (
        "enforcement.inspections",
        [1688, 652, 583],
        [2391, 790, 677],
    ),
    (
        "enforcement.case_files_reviewed",
        [120, 36, 30],
        [110, 30, 28],
    ),
    ("enforcement.case_file_problems", [18, 9, 7], [25, 12, 10]),
    ("enforcement.lenient_list_items", [96, 0, 0], [80, 0, 0]),
    ("enforcement.lenient_decisions", [53, 4, 3], [31, 2, 2]),
    ("legality_review.opinions", [21, 33, 29], [18, 30, 25]),
    ("legality_review.comments", [64, 71, 58], [51, 66, 49]),
    ("normative_docs.reviewed", [3, 0, 0], [4, 0, 0]),
    ("training.law_study_sessions", [12, 10, 11], [10, 9, 9]),
];

/// Last year's filed figures of the modules, for the year before the platform (only the year
/// before last is filed; last year's come from the records).
const FILED_BEFORE_PLATFORM: &[(&str, i64)] = &[
    ("reconsideration.applications", 341),
    ("reconsideration.concluded", 322),
    ("reconsideration.carried_over", 12),
    ("litigation.cases", 88),
];

pub async fn seed(app: &App, year: i32) -> AppResult<()> {
    let office = auth::actor_by_username(app, "fzb").await?;
    let clerks = [
        auth::actor_by_username(app, "scj").await?,
        auth::actor_by_username(app, "dongshan").await?,
        auth::actor_by_username(app, "xihe").await?,
    ];
    let due = (app.today() + chrono::Duration::days(20)).to_string();
    for (y, idx) in [(year - 1, 1usize), (year, 0usize)] {
        let mut keys: Vec<&str> = vec!["mediation.success_rate"];
        keys.extend(FILED.iter().map(|(k, ..)| *k));
        if y < year {
            keys.extend(FILED_BEFORE_PLATFORM.iter().map(|(k, _)| *k));
        }
        let units: Vec<String> = clerks.iter().map(|c| c.unit_id.to_string()).collect();
        let round = filing::create_round(
            app,
            &office,
            &fields(&[
                ("year", y.to_string()),
                ("title", format!("{y}年度法治政府建设数据填报")),
                ("due_date", due.clone()),
                ("keys", keys.join(",")),
                ("unit_ids", units.join(",")),
                ("note", "请各单位按指标口径如实填报，没有的填0。".into()),
            ]),
        )
        .await?;
        let detail = filing::round(app, &office, round).await?;
        for (n, clerk) in clerks.iter().enumerate() {
            let form = detail
                .forms
                .iter()
                .find(|f| f.unit_id == clerk.unit_id)
                .map(|f| f.id)
                .unwrap_or_default();
            let mut values: Fields = FILED
                .iter()
                .map(|(k, a, b)| {
                    let v = if idx == 0 { a[n] } else { b[n] };
                    (fazhi_domain::filing::field_name(k), v.to_string())
                })
                .collect();
            if y < year {
                // The modules' figures of the year before the platform are the 司法局's; the
                // other units file 0.
                for (k, v) in FILED_BEFORE_PLATFORM {
                    let v = if n == 0 { *v } else { 0 };
                    values.insert(fazhi_domain::filing::field_name(k), v.to_string());
                }
            }
            let version = filing::form(app, clerk, form).await?.version;
            filing::act(app, clerk, form, "submit", &values, Some(version)).await?;
            let version = filing::form(app, &office, form).await?.version;
            filing::act(app, &office, form, "approve", &Fields::new(), Some(version)).await?;
        }
    }
    let id = report::create(app, &office, &fields(&[("year", year.to_string())])).await?;
    let d = report::detail(app, &office, id).await?;
    let mut f = content_fields(&d.content);
    for (k, v) in NARRATIVE {
        f.insert(
            k.to_string(),
            v.replace("{Y}", &year.to_string())
                .replace("{N}", &(year + 1).to_string()),
        );
    }
    f.insert(
        "written".into(),
        format!("{}-01-20", year + 1).min(app.today().to_string()),
    );
    report::save(app, &office, id, &f, Some(d.version)).await
}

/// A report's content as the fields of its edit form (`ReportContent::parse` reads them back).
pub fn content_fields(c: &ReportContent) -> Fields {
    let mut f = Fields::new();
    f.insert("title".into(), c.title.clone());
    f.insert("intro".into(), c.intro.clone());
    f.insert("issuer".into(), c.issuer.clone());
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

/// The demo narrative: written as an office would, around the data tokens.
const NARRATIVE: &[(&str, &str)] = &[
    ("intro", "{Y}年，示例区坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，全面落实法治政府建设实施纲要，以法治政府建设示范创建为抓手，推动法治政府建设各项任务落地见效。现将有关情况报告如下。"),
    ("part.measures.text", "区委、区政府把法治政府建设纳入全区发展总体规划和年度工作要点，区政府常务会议开展会前学法【指标:training.law_study_sessions】（【同比:training.law_study_sessions】）。"),
    ("part.measures.0.text", "【数据:reconsideration】\n畅通复议申请渠道，推行繁简分流和听证审理，实质性化解行政争议。\n【数据:litigation】\n严格落实行政机关负责人出庭应诉制度，行政应诉与复议工作“两降一升”持续巩固。"),
    ("part.measures.1.text", "【数据:enforcement】\n推行“综合查一次”，减少对企业的重复检查，执法更加张弛有度、宽严相济。"),
    ("part.measures.2.text", "【数据:mediation】\n坚持和发展新时代“枫桥经验”，把矛盾纠纷化解在基层、化解在萌芽状态。"),
    ("part.measures.3.text", "【数据:legality_review】\n【数据:normative_docs】"),
    ("part.shortcomings.text", "一是部分部门对法治政府建设重要性认识不足，主动谋划不够；二是基层行政执法人员专业能力有待提高，执法案卷质量仍有短板；三是法治宣传的针对性和实效性还需增强。原因主要在于法治建设责任压得不够实，考核督察的传导作用发挥不够充分。"),
    ("part.responsibility.text", "区委、区政府主要负责人认真履行推进法治建设第一责任人职责，全年主持召开区委全面依法治区委员会会议2次、区政府常务会议专题研究法治政府建设工作3次，带头参加会前学法，对重大行政决策、规范性文件合法性审查提出明确要求，带头出庭应诉。"),
    ("part.next_year.text", "{N}年，示例区将持续深化行政执法体制改革，健全行政执法监督体系；推进行政复议规范化建设，发挥行政复议化解行政争议主渠道作用；加强规范性文件备案审查和合法性审查；深化法治宣传教育，营造良好法治环境。"),
    ("part.other.text", "无其他需要报告的情况。"),
];
