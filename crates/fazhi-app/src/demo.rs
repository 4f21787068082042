//! Demo data: a believable jurisdiction (示例区) with departments, townships, an account for every
//! role, and about a year and a half of 行政复议 cases in every state, made through the same use
//! cases as real work (so every record has its timeline, deadlines and audit entries).

use crate::auth::{self, NewUser};
use crate::{org, reconsideration as rc, Actor, App, AppError, AppResult};
use chrono::{Datelike, Duration, NaiveDate};
use fazhi_domain::ids::{credit_code_with_check, id_number_with_check};
use fazhi_domain::org::{Role, UnitKind};
use fazhi_domain::reconsideration::Fields;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

/// The password of every demo account. Printed by `fazhi demo`; for demonstrations only.
pub const DEMO_PASSWORD: &str = "Fazhi@2024";

#[derive(Debug, Clone, Serialize)]
pub struct DemoAccount {
    pub username: &'static str,
    pub name: &'static str,
    pub role: &'static str,
    pub unit: &'static str,
    pub password: &'static str,
}

const DEPARTMENTS: [&str; 9] = [
    "区司法局",
    "区公安分局",
    "区市场监督管理局",
    "区自然资源局",
    "区人力资源和社会保障局",
    "区住房和城乡建设局",
    "区生态环境分局",
    "区综合行政执法局",
    "区教育局",
];
const TOWNSHIPS: [&str; 4] = [
    "城关街道办事处",
    "东山镇人民政府",
    "西河镇人民政府",
    "南湖镇人民政府",
];
const OFFICE: &str = "区委全面依法治区委员会办公室";
const GOVERNMENT: &str = "示例区人民政府";

const ACCOUNTS: [(&str, &str, Role, &str); 12] = [
    ("fuyi", "李明", Role::ReconsiderationClerk, "区司法局"),
    ("fuyi2", "王芳", Role::ReconsiderationClerk, "区司法局"),
    ("yingsu", "张伟", Role::LitigationClerk, "区司法局"),
    ("scjfg", "钱进", Role::LitigationClerk, "区市场监督管理局"),
    ("scj", "赵磊", Role::DeptClerk, "区市场监督管理局"),
    ("dongshan", "陈静", Role::DeptClerk, "东山镇人民政府"),
    ("xihe", "刘洋", Role::DeptClerk, "西河镇人民政府"),
    ("fzb", "孙丽", Role::RuleOfLawOffice, OFFICE),
    ("leader", "周强", Role::Leader, GOVERNMENT),
    ("sysadmin", "吴刚", Role::SysAdmin, GOVERNMENT),
    ("secadmin", "郑华", Role::SecurityAdmin, GOVERNMENT),
    ("auditor", "冯敏", Role::AuditAdmin, GOVERNMENT),
];

pub fn accounts() -> Vec<DemoAccount> {
    ACCOUNTS
        .iter()
        .map(|(u, n, r, unit)| DemoAccount {
            username: u,
            name: n,
            role: r.label(),
            unit,
            password: DEMO_PASSWORD,
        })
        .collect()
}

/// Creates the demo jurisdiction, units and accounts, then `cases` cases over the last ~18 months.
/// Returns `false` (and changes nothing) when the database already holds a jurisdiction.
pub async fn seed(app: &App, cases: usize) -> AppResult<bool> {
    if org::jurisdiction(app).await?.is_some() {
        return Ok(false);
    }
    let root = org::create_jurisdiction(app, "示例区", "449901", "示例复", GOVERNMENT).await?;
    let system = Actor::system("演示数据", root);
    for d in DEPARTMENTS {
        org::create_unit(app, &system, root, d, UnitKind::Department).await?;
    }
    for t in TOWNSHIPS {
        org::create_unit(app, &system, root, t, UnitKind::Township).await?;
    }
    org::create_unit(app, &system, root, OFFICE, UnitKind::Office).await?;
    for (username, name, role, unit) in ACCOUNTS {
        let unit_id = org::find_unit_by_name(app, unit)
            .await?
            .ok_or(AppError::NotFound("单位"))?;
        auth::create_user(
            app,
            &system,
            NewUser {
                username: username.into(),
                display_name: name.into(),
                unit_id,
                roles: vec![role],
                password: DEMO_PASSWORD.into(),
                // The demo's passwords are published in the README; a real deployment's accounts
                // are created by `fazhi user add` or an administrator and must change theirs.
                must_change_password: false,
            },
        )
        .await?;
    }
    generate_cases(app, cases, 2024).await?;
    generate_lawsuits(app, cases / 4, 2025, true).await?;
    // The statistics rounds and last year's report go with the demo's records; the tests' bare
    // organisation (`cases == 0`) starts without them.
    if cases > 0 {
        crate::demo_report::seed(app, app.today().year() - 1).await?;
        seed_published_reports(app).await?;
    }
    Ok(true)
}

/// Five other places' published reports (the analyzer's hand-annotated seeds, one of them in
/// traditional script), uploaded to 报告分析 by the office, so that the page and its comparison
/// have something to show.
async fn seed_published_reports(app: &App) -> AppResult<()> {
    const REPORTS: [&str; 5] = [
        include_str!("../../fazhi-text/tests/seeds/000_99d96b77785f0d3b.txt"),
        include_str!("../../fazhi-text/tests/seeds/001_c0351d6103819b41.txt"),
        include_str!("../../fazhi-text/tests/seeds/002_9592a4b759554a40.txt"),
        include_str!("../../fazhi-text/tests/seeds/003_499b972e7ec7675e.txt"),
        include_str!("../../fazhi-text/tests/seeds/004_97256ae8d542b572.txt"),
    ];
    let office = auth::actor_by_username(app, "fzb").await?;
    for (n, text) in REPORTS.iter().enumerate() {
        let title = fazhi_text::analyze(text)
            .title
            .unwrap_or_else(|| format!("示例报告{}", n + 1));
        crate::analysis::upload(app, &office, &format!("{title}.txt"), text.as_bytes()).await?;
    }
    Ok(())
}

/// The last day a simulated step may carry: today, but early enough that every deadline it opens
/// falls in a year with an official calendar file (a 60-day decision period must end inside it),
/// so demo data never depends on a provisional (暂定) year.
fn anchor(app: &App) -> NaiveDate {
    let last_year = app
        .cal()
        .covered_years()
        .last()
        .copied()
        .unwrap_or(app.today().year());
    let limit =
        NaiveDate::from_ymd_opt(last_year, 12, 31).expect("valid date") - Duration::days(62);
    app.today().min(limit)
}

/// Takes a simulated step `$days` after `$date` (which it advances) through `$take`, or returns
/// from the caller when that would pass `$end` or leave the calendar's years.
macro_rules! sim_step {
    ($date:ident, $end:expr, $days:expr, [$($k:expr => $v:expr),*], |$f:ident| $take:expr) => {{
        let next = $date + Duration::days($days);
        if next > $end {
            return Ok(());
        }
        $date = next;
        let $f = fields(&[("date", $date.to_string()) $(, ($k, $v.to_string()))*]);
        match $take.await {
            Ok(()) => {}
            Err(AppError::Domain(e)) if e.code == "calendar_year_missing" => return Ok(()),
            Err(e) => return Err(e),
        }
    }};
}

/// A made-up person of the jurisdiction: name, a valid 身份证号 (area 449901), a mobile number.
fn person(rng: &mut StdRng) -> (String, String, String) {
    let name = format!(
        "{}{}",
        SURNAMES[rng.gen_range(0..SURNAMES.len())],
        GIVEN[rng.gen_range(0..GIVEN.len())]
    );
    let birth = NaiveDate::from_ymd_opt(
        rng.gen_range(1950..2003),
        rng.gen_range(1..13),
        rng.gen_range(1..29),
    )
    .expect("valid");
    let body = format!(
        "449901{}{:03}",
        birth.format("%Y%m%d"),
        rng.gen_range(0..1000)
    );
    let phone = format!("13{}", rng.gen_range(100_000_000u64..999_999_999));
    (name, id_number_with_check(&body), phone)
}

fn fields(pairs: &[(&str, String)]) -> Fields {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "梁",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超",
    "秀英", "桂兰", "建华", "志强", "海燕", "晓东",
];
const COMPANIES: &[&str] = &[
    "示例区宏达建材有限公司",
    "示例区鑫源食品有限公司",
    "示例区同心物流有限公司",
    "示例区华美装饰工程有限公司",
    "示例区康健药房有限公司",
];
const ACTS: &[(&str, &str)] = &[
    (
        "区市场监督管理局",
        "行政处罚决定（销售不符合食品安全标准的食品）",
    ),
    ("区市场监督管理局", "不予受理投诉举报决定"),
    ("区公安分局", "治安管理处罚决定（行政拘留五日）"),
    ("区公安分局", "道路交通安全违法行为处罚决定"),
    ("区自然资源局", "责令限期拆除违法建筑决定"),
    ("区自然资源局", "土地权属争议处理决定"),
    ("区人力资源和社会保障局", "不予认定工伤决定"),
    ("区人力资源和社会保障局", "劳动保障监察行政处理决定"),
    ("区住房和城乡建设局", "房屋征收补偿决定"),
    ("区生态环境分局", "行政处罚决定（超标排放大气污染物）"),
    ("区综合行政执法局", "强制拆除违法建设行为"),
    ("区教育局", "政府信息公开答复"),
    ("东山镇人民政府", "不履行土地承包经营权登记职责"),
    ("西河镇人民政府", "政府信息公开答复"),
    ("南湖镇人民政府", "责令停止违法建设通知"),
    ("城关街道办事处", "不履行安全监管法定职责"),
];

/// Generates `n` cases received over roughly the 540 days before the anchor, moved through the
/// procedure by the clerk's account. Deterministic for a given seed.
pub async fn generate_cases(app: &App, n: usize, seed: u64) -> AppResult<()> {
    if n == 0 {
        return Ok(());
    }
    let clerk = auth::actor_by_username(app, "fuyi").await?;
    let mut rng = StdRng::seed_from_u64(seed);
    let end = anchor(app);
    let start = end - Duration::days(540);
    let span = (end - start).num_days().max(1);
    let mut received: Vec<NaiveDate> = (0..n)
        .map(|_| start + Duration::days(rng.gen_range(0..=span)))
        .collect();
    received.sort();
    // A handful of cases received after the anchor, waiting for intake now.
    let today = app.today();
    for i in 0..(n / 60).max(2) {
        let d = today - Duration::days(i as i64 * 3);
        if d > end {
            received.push(d);
        }
    }
    let units = org::all_units(app).await?;
    for r in received {
        let mut f = application_fields(&mut rng, r);
        let name = f.remove("respondent_name").unwrap_or_default();
        let unit = units
            .iter()
            .find(|u| u.name == name)
            .ok_or(AppError::NotFound("单位"))?;
        f.insert("respondent_unit_id".into(), unit.id.to_string());
        let (id, _) = match rc::register(app, &clerk, &f).await {
            Ok(x) => x,
            // A day whose deadlines fall beyond the provisional years cannot be registered.
            Err(AppError::Domain(e)) if e.code == "calendar_year_missing" => continue,
            Err(e) => return Err(e),
        };
        if r <= end {
            progress(app, &clerk, &mut rng, id, r, end).await?;
        }
    }
    Ok(())
}

fn application_fields(rng: &mut StdRng, received: NaiveDate) -> Fields {
    let (respondent, act) = ACTS[rng.gen_range(0..ACTS.len())];
    let org_applicant = rng.gen_bool(0.15);
    let mut f = fields(&[
        ("received_date", received.to_string()),
        (
            "channel",
            ["window", "mail", "online", "online"][rng.gen_range(0..4)].to_string(),
        ),
        ("respondent_name", respondent.to_string()),
        ("act_name", act.to_string()),
        (
            "act_date",
            (received - Duration::days(rng.gen_range(5..55))).to_string(),
        ),
        ("request", format!("请求依法撤销被申请人作出的{act}")),
    ]);
    if org_applicant {
        let body: String = (0..7)
            .map(|_| b"0123456789ABCDEFGHJKLMNPQRTUWXY"[rng.gen_range(0..31)] as char)
            .collect();
        f.insert("applicant_kind".into(), "organisation".into());
        f.insert(
            "applicant_name".into(),
            COMPANIES[rng.gen_range(0..COMPANIES.len())].into(),
        );
        f.insert(
            "applicant_credit_code".into(),
            credit_code_with_check(&format!("9144990{}MA{body}", rng.gen_range(0..10))[..17]),
        );
    } else {
        let (name, id, phone) = person(rng);
        f.insert("applicant_kind".into(), "person".into());
        f.insert("applicant_name".into(), name);
        f.insert("applicant_id_number".into(), id);
        f.insert("applicant_phone".into(), phone);
        if rng.gen_bool(0.2) {
            f.insert(
                "agent_name".into(),
                format!("{}律师", SURNAMES[rng.gen_range(0..SURNAMES.len())]),
            );
            f.insert("agent_kind".into(), "person".into());
        }
    }
    f
}

/// Moves a case through the procedure with plausible dates, never past `end`.
async fn progress(
    app: &App,
    clerk: &Actor,
    rng: &mut StdRng,
    id: i64,
    received: NaiveDate,
    end: NaiveDate,
) -> AppResult<()> {
    let mut date = received;
    macro_rules! step {
        ($days:expr, $action:expr, [$($k:expr => $v:expr),* $(,)?]) => {
            sim_step!(date, end, $days, [$($k => $v),*], |f| rc::take_step(app, clerk, id, $action, &f, None))
        };
    }
    let roll: f64 = rng.gen();
    if roll < 0.08 {
        // Handed to the applicant at the window the same day: the period runs from then.
        step!(2, "request_correction", ["items" => "请补充提交被申请复议的行政行为文书复印件及申请人身份证明", "served_date" => date]);
        if rng.gen_bool(0.3) {
            // Only once the 10 working days (Art 31(2)) are over, holidays included.
            step!(30, "abandon", []);
            return Ok(());
        }
        step!(rng.gen_range(3..9), "receive_correction", []);
    } else if roll < 0.14 {
        step!(3, "refuse", ["reason" => "申请人不具有申请资格，与被申请复议的行政行为没有利害关系", "legal_ground" => "《中华人民共和国行政复议法》第三十条第一款第二项"]);
        return Ok(());
    }
    let simplified = rng.gen_bool(0.25);
    let procedure = if simplified { "simplified" } else { "ordinary" };
    step!(rng.gen_range(1..4), "accept", ["procedure" => procedure, "handler" => ["李明", "王芳"][rng.gen_range(0..2)]]);
    step!(rng.gen_range(1..4), "send_copy", []);
    // The respondent's receipt of the copy starts its answer period (Arts 48, 54).
    step!(rng.gen_range(1..4), "record_service", ["document" => "copy"]);
    step!(rng.gen_range(2..10), "record_answer", ["notes" => "被申请人提交书面答复及作出行政行为的证据、依据"]);
    if !simplified && rng.gen_bool(0.12) {
        step!(8, "schedule_hearing", ["hearing_date" => hearing_after(app, date), "place" => "区司法局行政复议听证室"]);
        // Most respondents send their head (行政复议法第五十一条第三款); some delegate.
        let (head, post) = HEADS[(id as usize) % HEADS.len()];
        let attended = if id % 6 == 0 { "0" } else { "1" };
        step!((hearing_after(app, date) - date).num_days(), "record_hearing", ["notes" => "双方当事人到场陈述意见并质证", "head_attended" => attended,
            "head_name" => head, "head_post" => post, "head_absence_reason" => "同日参加上级机关召开的专题会议", "head_delegate" => "法制股股长 陈立"]);
    }
    if rng.gen_bool(0.05) {
        step!(5, "suspend", ["ground" => "related_case"]);
        step!(rng.gen_range(10..30), "resume", []);
    }
    if !simplified && rng.gen_bool(0.08) {
        step!(30, "extend", ["days" => "30", "approved_by" => "区司法局副局长 黄建国", "reason" => "案情重大复杂，需进一步调查取证"]);
    }
    let wait = if simplified {
        rng.gen_range(8..25)
    } else {
        rng.gen_range(15..50)
    };
    let outcome: f64 = rng.gen();
    if outcome < 0.12 {
        step!(wait, "terminate", ["reason" => if rng.gen_bool(0.5) { "withdrawn" } else { "settled_withdrawn" }]);
        return Ok(());
    }
    if outcome < 0.22 {
        step!(wait, "mediate", ["requires_performance" => "1", "summary" => "双方自愿达成调解协议"]);
    } else {
        let t = [
            "maintain",
            "maintain",
            "maintain",
            "maintain",
            "maintain",
            "maintain",
            "maintain",
            "reject_claim",
            "reject_claim",
            "revoke",
            "revoke",
            "confirm_illegal",
            "change",
            "order_perform",
            "reject_application",
            "partial_revoke",
        ];
        let decision = t[rng.gen_range(0..t.len())];
        step!(wait, "decide", ["decision_type" => decision]);
    }
    let detail = crate::reconsideration::detail(app, clerk, id).await?;
    // Performance runs from the decision's service (Art 75(2)), recorded a few days later.
    if detail.case.status == "decided" && detail.requires_performance {
        step!(rng.gen_range(1..6), "record_service", ["document" => "decision"]);
    }
    // Older decisions have their performance recorded (a few as not performed, to chase); recent
    // ones are still within their period.
    if detail.requires_performance && (date < end - Duration::days(120) || rng.gen_bool(0.5)) {
        let performed = rng.gen_bool(0.95);
        let notes = if performed {
            "被申请人已按决定重新作出处理"
        } else {
            "被申请人逾期未履行，已督促"
        };
        step!(rng.gen_range(10..50), "record_performance", ["performed" => if performed { "1" } else { "0" }, "notes" => notes]);
    }
    if detail.case.status == "decided" && rng.gen_bool(0.2) {
        step!(rng.gen_range(3..14), "record_litigation", ["court" => "示例区人民法院"]);
    }
    if rng.gen_bool(0.04) {
        step!(5, "issue_letter", ["kind" => "opinion", "addressee" => detail.case.respondent.clone(), "summary" => "建议规范执法程序"]);
        step!(rng.gen_range(1..5), "record_service", ["document" => "opinion"]);
        step!(rng.gen_range(20..55), "record_opinion_reply", ["notes" => "已完成整改并书面反馈"]);
    }
    Ok(())
}

/// A hearing date for a notice given on `notice`: ten days on, or later when holidays leave fewer
/// than the five working days the notice needs (行政复议法第五十一条).
fn hearing_after(app: &App, notice: NaiveDate) -> NaiveDate {
    let ten = notice + Duration::days(10);
    fazhi_domain::reconsideration::earliest_hearing_date(notice, &app.cal())
        .ok()
        .and_then(|c| c.due)
        .map_or(ten, |e| e.max(ten))
}

const COURTS: [&str; 2] = ["示例区人民法院", "示例市中级人民法院"];
const HEADS: [(&str, &str); 6] = [
    ("黄建国", "副局长"),
    ("林志远", "局长"),
    ("何晓东", "副镇长"),
    ("梁海燕", "副区长"),
    ("罗军", "副局长"),
    ("马丽", "副主任"),
];

/// Generates lawsuits: one for every demo reconsideration case taken to court (复议后起诉, linked
/// to it, when `follow_reconsideration`), and `direct` more brought directly, moved through their
/// instances by the litigation clerk; and a few 司法建议 / 检察建议. Deterministic for a given seed.
pub async fn generate_lawsuits(
    app: &App,
    direct: usize,
    seed: u64,
    follow_reconsideration: bool,
) -> AppResult<()> {
    let clerk = auth::actor_by_username(app, "yingsu").await?;
    let mut rng = StdRng::seed_from_u64(seed);
    let end = anchor(app);
    let units = org::all_units(app).await?;
    // (registered date, fields) of each suit to bring.
    let mut suits: Vec<(NaiveDate, Fields)> = Vec::new();
    let after_rc = if !follow_reconsideration {
        vec![]
    } else {
        sqlx::query_as::<_, (String, String, String, String, i64)>(
        "SELECT case_no, litigation_date, act_name, applicant_names, respondent_unit_id FROM rc_cases \
         WHERE litigation_date IS NOT NULL ORDER BY id",
    )
        .fetch_all(&app.db.pool)
        .await?
    };
    for (rc_no, date, act, applicants, respondent) in after_rc {
        let registered: NaiveDate = date
            .parse()
            .map_err(|_| AppError::Internal("bad date".into()))?;
        let mut f = plaintiff(&mut rng);
        f.insert(
            "plaintiff_name".into(),
            applicants.split('、').next().unwrap_or("").into(),
        );
        f.insert("rc_case_no".into(), rc_no);
        f.insert("act_name".into(), act);
        f.insert("defendant_unit_id".into(), respondent.to_string());
        suits.push((registered, f));
    }
    let start = end - Duration::days(540);
    for _ in 0..direct {
        let registered = start + Duration::days(rng.gen_range(0..=540));
        let (unit, act) = ACTS[rng.gen_range(0..ACTS.len())];
        let unit = units
            .iter()
            .find(|u| u.name == unit)
            .ok_or(AppError::NotFound("单位"))?;
        let mut f = plaintiff(&mut rng);
        f.insert("act_name".into(), act.into());
        f.insert("defendant_unit_id".into(), unit.id.to_string());
        suits.push((registered, f));
    }
    suits.sort_by_key(|s| s.0);
    let mut seq: std::collections::HashMap<i32, u32> = Default::default();
    for (registered, mut f) in suits {
        let copy = registered + Duration::days(rng.gen_range(3..8));
        if copy > end {
            continue;
        }
        let n = seq.entry(registered.year()).or_insert(0);
        *n += 1;
        f.insert("court".into(), COURTS[0].into());
        f.insert(
            "case_no".into(),
            format!("（{}）示0101行初{}号", registered.year(), n),
        );
        f.insert("registered_date".into(), registered.to_string());
        f.insert("copy_received_date".into(), copy.to_string());
        f.insert(
            "claim".into(),
            format!("请求撤销被告作出的{}", f["act_name"]),
        );
        let (id, case_no) = match crate::litigation::register(app, &clerk, &f).await {
            Ok(x) => x,
            Err(AppError::Domain(e)) if e.code == "calendar_year_missing" => continue,
            Err(e) => return Err(e),
        };
        progress_lawsuit(app, &clerk, &mut rng, id, &case_no, copy, end).await?;
    }
    Ok(())
}

fn plaintiff(rng: &mut StdRng) -> Fields {
    let (name, id, phone) = person(rng);
    fields(&[
        ("plaintiff_kind", "person".into()),
        ("plaintiff_name", name),
        ("plaintiff_id_number", id),
        ("plaintiff_phone", phone),
    ])
}

/// Moves a lawsuit through defence, hearing, judgment, appeal and performance, never past `end`.
async fn progress_lawsuit(
    app: &App,
    clerk: &Actor,
    rng: &mut StdRng,
    id: i64,
    case_no: &str,
    copy: NaiveDate,
    end: NaiveDate,
) -> AppResult<()> {
    let mut date = copy;
    macro_rules! step {
        ($days:expr, $action:expr, [$($k:expr => $v:expr),* $(,)?]) => {
            sim_step!(date, end, $days, [$($k => $v),*], |f| crate::litigation::take_step(app, clerk, id, $action, &f, None))
        };
    }
    step!(rng.gen_range(4..14), "file_defence", []);
    let roll: f64 = rng.gen();
    if roll < 0.1 {
        step!(rng.gen_range(15..40), "judge", ["outcome" => if rng.gen_bool(0.6) { "withdrawn" } else { "withdrawn_after_change" }]);
        return Ok(());
    }
    let hearing = rng.gen_range(20..60);
    let notified = rng.gen_bool(0.3);
    step!(hearing - 15, "schedule_hearing", ["hearing_date" => (date + Duration::days(15)).to_string(), "head_notified" => if notified { "1" } else { "0" }]);
    let (person, post) = HEADS[rng.gen_range(0..HEADS.len())];
    let who: f64 = rng.gen();
    if who < 0.88 {
        step!(15, "record_hearing", ["appearance" => "head", "person" => person, "post" => post, "lawyer" => "王律师"]);
    } else if who < 0.97 {
        step!(15, "record_hearing", ["appearance" => "staff", "person" => "法制股工作人员", "excuse" => "official_duty", "excuse_evidence" => "主要负责人同日参加上级召开的防汛工作会议，有会议通知为证"]);
    } else {
        step!(15, "record_hearing", ["appearance" => "lawyer_only", "lawyer" => "王律师", "excuse" => "other", "excuse_evidence" => "负责人书面说明：当日另有公务，经正职负责人签字"]);
    }
    // About one judgment in seven against the agency, as in the seeds' 败诉率.
    let others = [
        "revoke",
        "confirm_illegal",
        "order_duty",
        "dismiss_suit",
        "withdrawn",
    ];
    let outcome = if rng.gen_bool(0.72) {
        "reject_claim"
    } else {
        others[rng.gen_range(0..others.len())]
    };
    let judged = date + Duration::days(rng.gen_range(20..60));
    let served = judged + Duration::days(3);
    if served > end {
        return Ok(());
    }
    step!((judged - date).num_days(), "judge", ["outcome" => outcome, "served_date" => served.to_string(), "performance_days" => "60"]);
    let detail = crate::litigation::detail(app, clerk, id).await?;
    if detail.case.status == "appeal_window" {
        if rng.gen_bool(0.25) {
            let year = served.year();
            step!(10, "appeal", ["court" => COURTS[1], "case_no" => format!("（{year}）示01行终{id}号"), "by_defendant" => "0"]);
            let second = if rng.gen_bool(0.85) {
                "uphold_original"
            } else {
                "revoke"
            };
            step!(rng.gen_range(60..90), "judge", ["outcome" => second, "performance_days" => "60"]);
        } else if let Some(due) = detail
            .deadlines
            .iter()
            .rev()
            .find(|d| d.kind == "appeal_window")
            .and_then(|d| d.due)
        {
            // The judgment takes effect the day after the appeal window ends.
            step!((due - date).num_days() + 1, "finalize", []);
        }
    }
    let detail = crate::litigation::detail(app, clerk, id).await?;
    if detail.requires_performance && rng.gen_bool(0.7) {
        step!(rng.gen_range(20..50), "record_performance", ["performed" => "1", "notes" => "已按判决重新作出处理"]);
    }
    if detail.case.final_lost == Some(true) && rng.gen_bool(0.5) {
        let mut f = fields(&[
            ("kind", "judicial".into()),
            ("issuer", COURTS[0].into()),
            (
                "received_date",
                (date + Duration::days(5)).min(end).to_string(),
            ),
            ("unit_id", detail.case.defendant_unit_id.to_string()),
            (
                "content",
                "建议进一步规范行政执法程序，加强证据收集和法律适用审查".into(),
            ),
            ("case_no", case_no.into()),
        ]);
        if rng.gen_bool(0.3) {
            f.insert("kind".into(), "procuratorial".into());
            f.insert("issuer".into(), "示例区人民检察院".into());
        }
        let sid = crate::litigation::register_suggestion(app, clerk, &f).await?;
        let reply = date + Duration::days(rng.gen_range(20..40));
        if reply <= end {
            let f = fields(&[
                ("date", reply.to_string()),
                ("notes", "已组织专题整改并书面回复".into()),
            ]);
            crate::litigation::suggestion_step(app, clerk, sid, "reply", &f, None).await?;
        }
    }
    Ok(())
}

/// A generated case's state: status, accepted, closed, decision, corrected, (requires
/// performance, performed), litigation date, next due date and its unit.
type BulkState = (
    &'static str,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<&'static str>,
    i64,
    (i64, Option<i64>),
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<&'static str>,
);

/// Inserts `n` cases directly, in large batches, for benchmarks: the rows look like those the use
/// cases write (statuses, dates, a timeline event, the acceptance and decision deadlines), but no
/// audit entries are made and no step rules are run. Received dates spread over 2019 to the
/// anchor. Never used for real data.
pub async fn bulk_generate(app: &App, n: usize, seed: u64) -> AppResult<()> {
    use fazhi_domain::deadline::PeriodUnit;
    use fazhi_domain::reconsideration::{deadline_rule, DeadlineKind, DecisionType};
    let mut rng = StdRng::seed_from_u64(seed);
    let end = anchor(app);
    let start = NaiveDate::from_ymd_opt(2019, 1, 10).expect("valid date");
    let span = (end - start).num_days();
    let units = org::all_units(app).await?;
    let clerk_unit = org::find_unit_by_name(app, "区司法局")
        .await?
        .ok_or(AppError::NotFound("单位"))?;
    let respondents: Vec<i64> = units
        .iter()
        .filter(|u| u.parent_id.is_some())
        .map(|u| u.id)
        .collect();
    let next_id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM rc_cases")
        .fetch_one(&app.db.pool)
        .await?;
    let mut seq_per_year: std::collections::HashMap<i32, i64> = Default::default();
    let now = app.now_text();
    let rules = &app.config.reconsideration;
    const BATCH: usize = 400;
    let mut done = 0;
    while done < n {
        let m = BATCH.min(n - done);
        let mut cases: Vec<Vec<Option<String>>> = Vec::with_capacity(m);
        let mut events: Vec<[String; 4]> = Vec::new();
        let mut deadlines: Vec<[String; 6]> = Vec::new();
        let mut parties: Vec<[String; 4]> = Vec::new();
        for k in 0..m {
            let id = next_id + (done + k) as i64 + 1;
            let received = start + Duration::days(rng.gen_range(0..=span));
            let year = received.year();
            let seq = seq_per_year.entry(year).or_insert(0);
            *seq += 1;
            let case_no = fazhi_domain::reconsideration::format_case_no("示例复", year, *seq);
            let respondent = respondents[rng.gen_range(0..respondents.len())];
            let (_, act) = ACTS[rng.gen_range(0..ACTS.len())];
            let name = format!(
                "{}{}",
                SURNAMES[rng.gen_range(0..SURNAMES.len())],
                GIVEN[rng.gen_range(0..GIVEN.len())]
            );
            let age = (end - received).num_days();
            let roll: f64 = rng.gen();
            let accepted = received + Duration::days(3);
            let (
                status,
                accepted_date,
                closed,
                decision,
                corrected,
                perf,
                litig,
                next_due,
                next_unit,
            ): BulkState = if age < 5 {
                (
                    "received",
                    None,
                    None,
                    None,
                    0,
                    (0, None),
                    None,
                    Some(received + Duration::days(7)),
                    Some("working_days"),
                )
            } else if roll < 0.05 {
                (
                    "not_accepted",
                    None,
                    Some(received + Duration::days(5)),
                    None,
                    0,
                    (0, None),
                    None,
                    None,
                    None,
                )
            } else if age < 60 {
                (
                    "under_review",
                    Some(accepted),
                    None,
                    None,
                    0,
                    (0, None),
                    None,
                    Some(accepted + Duration::days(60)),
                    Some("calendar_days"),
                )
            } else {
                let closed = accepted + Duration::days(rng.gen_range(20..58));
                let o: f64 = rng.gen();
                if o < 0.12 {
                    (
                        "terminated",
                        Some(accepted),
                        Some(closed),
                        None,
                        0,
                        (0, None),
                        None,
                        None,
                        None,
                    )
                } else if o < 0.22 {
                    (
                        "mediated",
                        Some(accepted),
                        Some(closed),
                        None,
                        0,
                        (1, Some(1)),
                        None,
                        None,
                        None,
                    )
                } else {
                    let t = DecisionType::ALL[rng.gen_range(0..DecisionType::ALL.len())];
                    let t = if rng.gen_bool(0.6) {
                        DecisionType::Maintain
                    } else {
                        t
                    };
                    let req = t.usually_requires_performance();
                    let lit = rng.gen_bool(0.2).then(|| closed + Duration::days(10));
                    (
                        "decided",
                        Some(accepted),
                        Some(closed),
                        Some(t.code()),
                        i64::from(t.is_correction(rules)),
                        (i64::from(req), req.then_some(1)),
                        lit,
                        None,
                        None,
                    )
                }
            };
            cases.push(vec![
                Some(id.to_string()),
                Some(case_no),
                Some(year.to_string()),
                Some(clerk_unit.to_string()),
                Some(respondent.to_string()),
                Some(status.into()),
                accepted_date.map(|_| "ordinary".into()),
                Some(["window", "mail", "online"][rng.gen_range(0..3)].into()),
                Some(received.to_string()),
                Some(year.to_string()),
                Some(act.into()),
                Some((received - Duration::days(20)).to_string()),
                Some(format!("请求依法撤销被申请人作出的{act}")),
                Some(name.clone()),
                accepted_date.map(|d| d.to_string()),
                closed.map(|d| d.to_string()),
                closed.map(|d| d.year().to_string()),
                decision.map(String::from),
                Some(corrected.to_string()),
                Some(perf.0.to_string()),
                perf.1.map(|p| p.to_string()),
                litig.map(|d| d.to_string()),
                Some(closed.or(accepted_date).unwrap_or(received).to_string()),
                next_due.map(|d| d.to_string()),
                next_unit.map(String::from),
            ]);
            let birth = NaiveDate::from_ymd_opt(
                rng.gen_range(1950..2003),
                rng.gen_range(1..13),
                rng.gen_range(1..29),
            )
            .expect("valid");
            let idn = id_number_with_check(&format!(
                "449901{}{:03}",
                birth.format("%Y%m%d"),
                rng.gen_range(0..1000)
            ));
            parties.push([
                id.to_string(),
                name,
                idn,
                format!("13{}", rng.gen_range(100_000_000u64..999_999_999)),
            ]);
            events.push([
                id.to_string(),
                "register".into(),
                received.to_string(),
                json_summary("登记申请"),
            ]);
            if let Some(c) = closed {
                events.push([
                    id.to_string(),
                    if status == "not_accepted" {
                        "refuse".into()
                    } else {
                        "decide".into()
                    },
                    c.to_string(),
                    json_summary("结案"),
                ]);
            }
            let clock = |kind: DeadlineKind, from: NaiveDate| {
                let rule = deadline_rule(
                    kind,
                    Some(fazhi_domain::reconsideration::Procedure::Ordinary),
                    rules,
                );
                let (count, unit) = (rule.count, rule.unit);
                let c = rule.clock(from);
                let due = match unit {
                    PeriodUnit::CalendarDays => from + Duration::days(i64::from(count)),
                    _ => from + Duration::days(i64::from(count) + 2),
                };
                (
                    serde_json::to_string(&c).unwrap_or_default(),
                    unit.code().to_string(),
                    due,
                )
            };
            let (cj, u, due) = clock(DeadlineKind::AcceptanceReview, received);
            let acc_done = accepted_date
                .or(closed)
                .map(|d| d.to_string())
                .unwrap_or_default();
            deadlines.push([
                id.to_string(),
                DeadlineKind::AcceptanceReview.code().into(),
                cj,
                u,
                due.to_string(),
                acc_done,
            ]);
            if let Some(a) = accepted_date {
                let (cj, u, due) = clock(DeadlineKind::Decision, a);
                deadlines.push([
                    id.to_string(),
                    DeadlineKind::Decision.code().into(),
                    cj,
                    u,
                    due.to_string(),
                    closed.map(|d| d.to_string()).unwrap_or_default(),
                ]);
            }
        }
        let mut tx = app.db.begin().await?;
        insert_rows(
            &mut tx,
            "INSERT INTO rc_cases (id, case_no, case_year, unit_id, respondent_unit_id, status, procedure_kind, channel, received_date, \
             received_year, act_name, act_date, request, applicant_names, accepted_date, closed_date, closed_year, decision_type, corrected, \
             requires_performance, performed, litigation_date, last_event_date, next_due, next_due_unit, version, created_at, updated_at) VALUES ",
            &cases,
            &["CAST($ AS BIGINT)", "$", "CAST($ AS BIGINT)", "CAST($ AS BIGINT)", "CAST($ AS BIGINT)", "$", "$", "$", "$", "CAST($ AS BIGINT)", "$", "$", "$", "$", "$", "$", "CAST($ AS BIGINT)", "$", "CAST($ AS BIGINT)", "CAST($ AS BIGINT)", "CAST($ AS BIGINT)", "$", "$", "$", "$"],
            &format!(", 1, '{now}', '{now}'"),
        )
        .await?;
        let rows: Vec<Vec<Option<String>>> = parties
            .into_iter()
            .map(|p| p.into_iter().map(Some).collect())
            .collect();
        insert_rows(
            &mut tx,
            "INSERT INTO case_parties (case_id, name, id_number, phone, role, kind, sort, module) VALUES ",
            &rows,
            &["CAST($ AS BIGINT)", "$", "$", "$"],
            ", 'applicant', 'person', 0, 'reconsideration'",
        )
        .await?;
        let rows: Vec<Vec<Option<String>>> = events
            .into_iter()
            .map(|p| p.into_iter().map(Some).collect())
            .collect();
        insert_rows(&mut tx, "INSERT INTO case_events (case_id, action, event_date, detail_json, actor_name, created_at, module) VALUES ", &rows, &["CAST($ AS BIGINT)", "$", "$", "$"], &format!(", '李明', '{now}', 'reconsideration'")).await?;
        let rows: Vec<Vec<Option<String>>> = deadlines
            .into_iter()
            .map(|p| {
                p.into_iter()
                    .map(|v| if v.is_empty() { None } else { Some(v) })
                    .collect()
            })
            .collect();
        insert_rows(&mut tx, "INSERT INTO deadlines (case_id, kind, clock_json, period_unit, due_date, completed_date, module, created_at) VALUES ", &rows, &["CAST($ AS BIGINT)", "$", "$", "$", "$", "$"], &format!(", 'reconsideration', '{now}'")).await?;
        tx.commit().await?;
        done += m;
    }
    // Keep the case-number counters ahead of the generated numbers.
    let mut tx = app.db.begin().await?;
    for (year, seq) in seq_per_year {
        sqlx::query(
            "INSERT INTO case_numbers (prefix, year, last_seq) VALUES ('示例复', $1, $2) ON CONFLICT (prefix, year) DO UPDATE SET last_seq = case_numbers.last_seq + $2",
        )
        .bind(i64::from(year))
        .bind(seq)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

fn json_summary(s: &str) -> String {
    serde_json::json!({ "summary": s }).to_string()
}

/// One multi-row INSERT: `cols` gives each bound column's placeholder form (`$` is replaced by
/// its number); `tail` is appended inside each row's parentheses (constant columns).
async fn insert_rows(
    tx: &mut fazhi_store::Transaction<'_, fazhi_store::Any>,
    head: &str,
    rows: &[Vec<Option<String>>],
    cols: &[&str],
    tail: &str,
) -> AppResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut sql = String::from(head);
    let mut n = 0;
    for (i, _) in rows.iter().enumerate() {
        if i > 0 {
            sql.push(',');
        }
        sql.push('(');
        for (j, c) in cols.iter().enumerate() {
            if j > 0 {
                sql.push(',');
            }
            n += 1;
            sql.push_str(&c.replace('$', &format!("${n}")));
        }
        sql.push_str(tail);
        sql.push(')');
    }
    let mut q = sqlx::query(&sql);
    for r in rows {
        for v in r {
            q = q.bind(v.clone());
        }
    }
    q.execute(&mut **tx).await?;
    Ok(())
}
