//! The annual report (法治政府建设年度报告): one per jurisdiction and year, in versions. The office
//! writes the narrative around data tokens; the generator fills the figures from the indicators,
//! each with its source: computed from records where the module holds records for the year,
//! otherwise filed in a statistics round (数据填报), the filed value shown beside a computed one
//! and a difference flagged. 草稿 → 审核 → 定稿 → 已发布; a published version never changes, a
//! correction is the next version with a change note.

use crate::cases::{check_version, updated_once};
use crate::indicators::{compute, IndicatorDef, IndicatorValue};
use crate::{audit, filing, org, Actor, App, AppError, AppResult};
use chrono::{Datelike, NaiveDate};
use fazhi_domain::catalogue::{Catalogue, Kind};
use fazhi_domain::fields::{get, parse_date, Fields};
use fazhi_domain::org::Permission;
use fazhi_domain::report::{
    change_note, segments, transition, ChainRecord, ChainStep, ReportAction, ReportContent,
    ReportSettings, ReportStatus, Segment,
};
use fazhi_domain::Code;
use fazhi_domain::DomainError;
use fazhi_report::model::{Block, Chart, Document, Inline, Meta, Series};
use fazhi_report::sentences::{KeyValue, Num, Values, NO_DATA};
use fazhi_store::Row;
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub const MODULE: &str = "report";

#[derive(Debug, Clone, Serialize)]
pub struct ReportRow {
    pub id: i64,
    pub year: i32,
    pub version_no: i64,
    pub title: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub published_date: Option<String>,
    pub change_note: Option<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportDetail {
    pub report: ReportRow,
    pub version: i64,
    pub content: ReportContent,
    pub settings: ReportSettings,
    pub editable: bool,
    pub actions: Vec<(&'static str, &'static str)>,
    /// Whether a correction (the next version) may be started.
    pub correctable: bool,
    pub versions: Vec<ReportRow>,
    /// The reporting chain of the report's year (报送与公开), each leg with its last day.
    pub chain: Vec<ChainRow>,
}

/// One leg of the reporting chain as the report's page, the API and 超期预警 show it.
#[derive(Debug, Clone, Serialize)]
pub struct ChainRow {
    pub step: &'static str,
    pub label: &'static str,
    pub recipients: &'static str,
    /// The last day (the day before the settings' "before" day).
    pub due: NaiveDate,
    pub done: Option<NaiveDate>,
    pub note: Option<String>,
    /// Recorded on the report's page (the publication leg is the report's own 发布).
    pub recorded_by_hand: bool,
    /// `done`, `late` (done after the last day), `open` (not yet due), `warning` (due within 30
    /// days), `overdue`.
    pub state: &'static str,
    pub state_label: &'static str,
}

/// How many days before its last day a leg appears on 超期预警.
const CHAIN_WARNING_DAYS: i64 = 30;

/// One finding of the check before 定稿.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Issue {
    /// empty_part | no_source | parts_disagree | filed_differs
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub message: String,
    /// Where to look: a drill-down or the form.
    pub href: Option<String>,
}

fn may_read(actor: &Actor) -> AppResult<()> {
    if actor.can(Permission::ManageReport) || actor.can(Permission::ApproveReport) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

const SELECT: &str = "SELECT id, year, version_no, status, content_json, settings_json, change_note, published_date, version, updated_at, unit_id FROM rp_reports";

fn row(r: &fazhi_store::AnyRow) -> AppResult<(ReportRow, ReportContent, ReportSettings, i64)> {
    let status = ReportStatus::parse(&r.get::<String, _>(3))?;
    let content: ReportContent = serde_json::from_str(&r.get::<String, _>(4))
        .map_err(|e| AppError::Internal(format!("report content: {e}")))?;
    let settings: ReportSettings = serde_json::from_str(&r.get::<String, _>(5)).unwrap_or_default();
    Ok((
        ReportRow {
            id: r.get(0),
            year: r.get::<i64, _>(1) as i32,
            version_no: r.get(2),
            title: content.title.clone(),
            status: status.code(),
            status_label: status.label(),
            published_date: r.get(7),
            change_note: r.get(6),
            updated_at: r.get(9),
        },
        content,
        settings,
        r.get(8),
    ))
}

/// 全区, 全县, 全市, 全州 … from the jurisdiction's name.
pub fn scope_word(name: &str) -> String {
    let last = name.chars().last().unwrap_or('区');
    format!("全{last}")
}

pub async fn list(app: &App, actor: &Actor) -> AppResult<Vec<ReportRow>> {
    may_read(actor)?;
    let rows = sqlx::query(&format!("{SELECT} ORDER BY year DESC, version_no DESC"))
        .fetch_all(&app.db.pool)
        .await?;
    rows.iter().map(|r| row(r).map(|x| x.0)).collect()
}

/// Starts the report of a year: the skeleton with the five parts and the data tokens.
pub async fn create(app: &App, actor: &Actor, f: &Fields) -> AppResult<i64> {
    actor.require(Permission::ManageReport)?;
    let year = crate::cases::parse_year(get(f, "year"))?
        .ok_or_else(|| DomainError::required("year", "报告年度"))?;
    let (unit, government, name) = org::root(app).await?;
    let exists: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM rp_reports WHERE unit_id = $1 AND year = $2")
            .bind(unit)
            .bind(i64::from(year))
            .fetch_one(&app.db.pool)
            .await?;
    if exists > 0 {
        return Err(DomainError::field(
            Code::Duplicate,
            "year",
            format!("{year}年度报告已存在，请在原报告上修改"),
        )
        .into());
    }
    let content = ReportContent::skeleton(&name, &government, year);
    insert(
        app,
        actor,
        unit,
        year,
        1,
        &content,
        &ReportSettings::default(),
        None,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn insert(
    app: &App,
    actor: &Actor,
    unit: i64,
    year: i32,
    version_no: i64,
    content: &ReportContent,
    settings: &ReportSettings,
    note: Option<&str>,
) -> AppResult<i64> {
    let now = app.now_text();
    let mut tx = app.db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO rp_reports (unit_id, year, version_no, status, content_json, settings_json, change_note, created_by, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) RETURNING id",
    )
    .bind(unit)
    .bind(i64::from(year))
    .bind(version_no)
    .bind(ReportStatus::Draft.code())
    .bind(to_json(content))
    .bind(to_json(settings))
    .bind(note)
    .bind(actor.user_id)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        app,
        actor,
        "create",
        "rp_report",
        &id.to_string(),
        None,
        Some(json!({"year": year, "version_no": version_no, "change_note": note})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Our own plain structs as stored JSON (serialising them cannot fail).
fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

pub async fn detail(app: &App, actor: &Actor, id: i64) -> AppResult<ReportDetail> {
    may_read(actor)?;
    let r = sqlx::query(&format!("{SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&app.db.pool)
        .await?
        .ok_or(AppError::NotFound("年度报告"))?;
    let unit: i64 = r.get(10);
    let (report, content, settings, version) = row(&r)?;
    let status = ReportStatus::parse(report.status)?;
    let chain = chain(app, unit, report.year).await?;
    let versions = sqlx::query(&format!(
        "{SELECT} WHERE unit_id = $1 AND year = $2 ORDER BY version_no"
    ))
    .bind(unit)
    .bind(i64::from(report.year))
    .fetch_all(&app.db.pool)
    .await?
    .iter()
    .map(|r| row(r).map(|x| x.0))
    .collect::<AppResult<Vec<_>>>()?;
    let latest = versions.last().map(|v| v.id) == Some(id);
    let own_submission = submitted_by(app, id).await? == actor.user_id && actor.user_id.is_some();
    let actions = ReportAction::ALL
        .iter()
        .filter(|a| transition(status, **a).is_ok() && actor.can(needs(**a)))
        .filter(|a| !(**a == ReportAction::Finalise && own_submission))
        .map(|a| (a.code(), a.label()))
        .collect();
    Ok(ReportDetail {
        editable: status.editable() && actor.can(Permission::ManageReport),
        correctable: status == ReportStatus::Published
            && latest
            && actor.can(Permission::ManageReport),
        report,
        version,
        content,
        settings,
        actions,
        versions,
        chain,
    })
}

/// The reporting chain of `year` for the jurisdiction `unit`: the legs recorded on the report's
/// page, and the publication, done on the day the first version of the year was published.
pub async fn chain(app: &App, unit: i64, year: i32) -> AppResult<Vec<ChainRow>> {
    let recorded =
        sqlx::query("SELECT step, done_date, note FROM rp_chain WHERE unit_id = $1 AND year = $2")
            .bind(unit)
            .bind(i64::from(year))
            .fetch_all(&app.db.pool)
            .await?;
    let published: Option<String> = sqlx::query_scalar(
        "SELECT MIN(published_date) FROM rp_reports WHERE unit_id = $1 AND year = $2 AND published_date IS NOT NULL",
    )
    .bind(unit)
    .bind(i64::from(year))
    .fetch_one(&app.db.pool)
    .await?;
    let today = app.today();
    app.config
        .report_chain
        .due_dates(year)
        .into_iter()
        .map(|(step, due)| {
            let (done, note) = if step == ChainStep::Publication {
                (published.as_deref().map(stored_date).transpose()?, None)
            } else {
                match recorded
                    .iter()
                    .find(|r| r.get::<String, _>(0) == step.code())
                {
                    Some(r) => (
                        Some(stored_date(&r.get::<String, _>(1))?),
                        r.get::<Option<String>, _>(2),
                    ),
                    None => (None, None),
                }
            };
            let (state, state_label) = match done {
                Some(d) if d > due => ("late", "逾期完成"),
                Some(_) => ("done", "已完成"),
                None if today > due => ("overdue", "超期"),
                None if (due - today).num_days() <= CHAIN_WARNING_DAYS => ("warning", "临期"),
                None => ("open", "未到期"),
            };
            Ok(ChainRow {
                step: step.code(),
                label: step.label(),
                recipients: step.recipients(),
                due,
                done,
                note,
                recorded_by_hand: step.recorded(),
                state,
                state_label,
            })
        })
        .collect()
}

fn stored_date(s: &str) -> AppResult<NaiveDate> {
    s.parse()
        .map_err(|_| AppError::Internal(format!("stored date {s:?}")))
}

/// Records (or corrects) one leg of the reporting chain of the report's year: `step`, `date`,
/// `note`. The office only; audited with the old and the new value.
pub async fn record_chain(app: &App, actor: &Actor, id: i64, f: &Fields) -> AppResult<()> {
    actor.require(Permission::ManageReport)?;
    let (unit, year): (i64, i64) =
        sqlx::query_as("SELECT unit_id, year FROM rp_reports WHERE id = $1")
            .bind(id)
            .fetch_optional(&app.db.pool)
            .await?
            .ok_or(AppError::NotFound("年度报告"))?;
    let rec = ChainRecord::parse(f, app.today())?;
    if i64::from(rec.date.year()) <= year {
        return Err(DomainError::field(
            Code::InvalidDate,
            "date",
            format!("报送日期应在{}年度结束之后", year),
        )
        .into());
    }
    let mut tx = app.db.begin().await?;
    let old = sqlx::query(
        "SELECT id, done_date, note FROM rp_chain WHERE unit_id = $1 AND year = $2 AND step = $3",
    )
    .bind(unit)
    .bind(year)
    .bind(rec.step.code())
    .fetch_optional(&mut *tx)
    .await?;
    let now = app.now_text();
    let new_value =
        json!({"year": year, "step": rec.step.code(), "date": rec.date, "note": rec.note});
    let (row_id, before) = match old {
        Some(r) => {
            let row_id: i64 = r.get(0);
            sqlx::query("UPDATE rp_chain SET done_date = $1, note = $2, recorded_by = $3, recorded_at = $4 WHERE id = $5")
                .bind(rec.date.to_string())
                .bind(&rec.note)
                .bind(actor.user_id)
                .bind(&now)
                .bind(row_id)
                .execute(&mut *tx)
                .await?;
            let before = json!({"year": year, "step": rec.step.code(),
                                "date": r.get::<String, _>(1), "note": r.get::<Option<String>, _>(2)});
            (row_id, Some(before))
        }
        None => {
            let row_id: i64 = sqlx::query_scalar(
                "INSERT INTO rp_chain (unit_id, year, step, done_date, note, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(unit)
            .bind(year)
            .bind(rec.step.code())
            .bind(rec.date.to_string())
            .bind(&rec.note)
            .bind(actor.user_id)
            .bind(&now)
            .fetch_one(&mut *tx)
            .await?;
            (row_id, None)
        }
    };
    audit::record(
        &mut tx,
        app,
        actor,
        if before.is_some() { "update" } else { "create" },
        "rp_chain",
        &row_id.to_string(),
        before,
        Some(new_value),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The account that submitted the version for review (none while a draft, or when the command
/// line submitted it).
async fn submitted_by(app: &App, id: i64) -> AppResult<Option<i64>> {
    Ok(
        sqlx::query_scalar::<_, Option<i64>>("SELECT submitted_by FROM rp_reports WHERE id = $1")
            .bind(id)
            .fetch_optional(&app.db.pool)
            .await?
            .flatten(),
    )
}

fn needs(a: ReportAction) -> Permission {
    match a {
        ReportAction::Finalise => Permission::ApproveReport,
        _ => Permission::ManageReport,
    }
}

/// Saves the narrative, the particulars and the settings (草稿 and 审核 only).
pub async fn save(
    app: &App,
    actor: &Actor,
    id: i64,
    f: &Fields,
    expected: Option<i64>,
) -> AppResult<()> {
    actor.require(Permission::ManageReport)?;
    let d = detail(app, actor, id).await?;
    check_version(expected, d.version)?;
    if !ReportStatus::parse(d.report.status)?.editable() {
        return Err(DomainError::field(
            Code::NotEditable,
            "status",
            format!(
                "报告当前为“{}”，不能修改；已发布的报告请通过“更正”生成新版本",
                d.report.status_label
            ),
        )
        .into());
    }
    let content = ReportContent::parse(f, d.report.year)?;
    let settings = ReportSettings::parse(f)?;
    // Every token must name a template or a catalogue key, so a typo is caught when saved.
    for (field, text) in content.texts() {
        for seg in segments(text) {
            let bad = match seg {
                Segment::Data(n) if !app.sentences.has(n) => Some(format!("数据句模板“{n}”不存在")),
                Segment::Figure(k) | Segment::Change(k)
                    if Catalogue::embedded().get(k).is_none() =>
                {
                    Some(format!("指标“{k}”不在指标目录中"))
                }
                _ => None,
            };
            if let Some(m) = bad {
                return Err(DomainError::field(Code::InvalidToken, field, m).into());
            }
        }
    }
    let mut tx = app.db.begin().await?;
    let r = sqlx::query(
        "UPDATE rp_reports SET content_json = $1, settings_json = $2, version = version + 1, updated_at = $3 \
         WHERE id = $4 AND version = $5 AND status IN ('draft', 'review')",
    )
    .bind(to_json(&content))
    .bind(to_json(&settings))
    .bind(app.now_text())
    .bind(id)
    .bind(d.version)
    .execute(&mut *tx)
    .await?;
    updated_once(r)?;
    audit::record(
        &mut tx,
        app,
        actor,
        "update",
        "rp_report",
        &id.to_string(),
        Some(json!({"content": d.content, "settings": d.settings})),
        Some(json!({"content": content, "settings": settings})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves the report: 提交审核 (remembering who submitted), 退回修改, 定稿 (refused while a
/// required part is empty, and to the account that submitted the version), 发布 (with the
/// publication date, default today).
pub async fn step(
    app: &App,
    actor: &Actor,
    id: i64,
    action: &str,
    f: &Fields,
    expected: Option<i64>,
) -> AppResult<()> {
    let action = ReportAction::parse(action)?;
    actor.require(needs(action))?;
    let d = detail(app, actor, id).await?;
    check_version(expected, d.version)?;
    let from = ReportStatus::parse(d.report.status)?;
    let to = transition(from, action)?;
    if action == ReportAction::Finalise {
        // Separation of duties: the approver of a version is never the account that submitted
        // it for review.
        if actor.user_id.is_some() && submitted_by(app, id).await? == actor.user_id {
            return Err(DomainError::field(
                Code::OwnSubmission,
                "action",
                "提交审核的人员不能对同一版本定稿，须由其他有定稿权限的人员定稿",
            )
            .into());
        }
        let empty = d.content.empty_parts();
        if !empty.is_empty() {
            return Err(DomainError::field(
                Code::RequiredPartEmpty,
                "content",
                format!("以下部分尚未填写，不能定稿：{}", empty.join("、")),
            )
            .into());
        }
    }
    let published = if action == ReportAction::Publish {
        Some(match get(f, "published_date").trim() {
            "" => app.today(),
            s => {
                let date = parse_date(s, "published_date", "发布日期")?;
                if date > app.today() {
                    return Err(DomainError::field(
                        Code::DateInFuture,
                        "published_date",
                        "发布日期不能晚于今天",
                    )
                    .into());
                }
                date
            }
        })
    } else {
        None
    };
    // What is published is kept as published: the document is generated now and stored with the
    // status, and every later view or export renders this snapshot, whatever records or filed
    // values change afterwards.
    let snapshot = match published {
        Some(date) => {
            let g =
                generate_content(app, d.report.year, &d.content, &d.settings, Some(date)).await?;
            Some(to_json(&g.document))
        }
        None => None,
    };
    let mut tx = app.db.begin().await?;
    let r = sqlx::query(
        "UPDATE rp_reports SET status = $1, published_date = COALESCE($2, published_date), \
         document_json = COALESCE($7, document_json), version = version + 1, updated_at = $3 \
         WHERE id = $4 AND version = $5 AND status = $6",
    )
    .bind(to.code())
    .bind(published.map(|d| d.to_string()))
    .bind(app.now_text())
    .bind(id)
    .bind(d.version)
    .bind(from.code())
    .bind(snapshot)
    .execute(&mut *tx)
    .await?;
    updated_once(r)?;
    if action == ReportAction::SubmitForReview {
        sqlx::query("UPDATE rp_reports SET submitted_by = $1 WHERE id = $2")
            .bind(actor.user_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    audit::record(
        &mut tx,
        app,
        actor,
        action.code(),
        "rp_report",
        &id.to_string(),
        Some(json!({"status": from.code()})),
        Some(json!({"status": to.code(), "published_date": published})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Starts a correction of a published version: the next version, a draft with the same text,
/// carrying the change note. The published version stays as it is.
pub async fn correct(app: &App, actor: &Actor, id: i64, f: &Fields) -> AppResult<i64> {
    actor.require(Permission::ManageReport)?;
    let d = detail(app, actor, id).await?;
    if !d.correctable {
        return Err(
            DomainError::field(Code::NotCorrectable, "status", "只能更正最新的已发布版本").into(),
        );
    }
    let note = change_note(f)?;
    let (unit, ..) = org::root(app).await?;
    insert(
        app,
        actor,
        unit,
        d.report.year,
        d.report.version_no + 1,
        &d.content,
        &d.settings,
        Some(&note),
    )
    .await
}

/// Where a module's computed indicators come from, and where its drill-down lists live.
struct ModuleSource {
    /// The module's name in `report_records_from`.
    key: &'static str,
    label: &'static str,
    /// The date of its first record.
    first: &'static str,
    table: &'static str,
    list_url: &'static str,
    defs: Vec<IndicatorDef>,
}

/// The modules the report takes figures from ([`crate::registry::MODULES`]).
fn modules(app: &App) -> Vec<ModuleSource> {
    crate::registry::MODULES
        .iter()
        .filter_map(|m| {
            let r = m.report.as_ref()?;
            Some(ModuleSource {
                key: r.key,
                label: r.records,
                first: r.first_record,
                table: m.table.table,
                list_url: m.list_url,
                defs: (m.indicators)(app),
            })
        })
        .collect()
}

/// How much of a year a module's records cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coverage {
    /// Records from the year's first month on: the computed value is the year's.
    Full,
    /// Records start later in the year: a filed value, where there is one, is preferred.
    Partial(NaiveDate),
    None,
}

fn coverage(from: Option<NaiveDate>, year: i32) -> Coverage {
    let jan31 = NaiveDate::from_ymd_opt(year, 1, 31).expect("valid date");
    match from {
        Some(f) if f <= jan31 => Coverage::Full,
        Some(f) if chrono::Datelike::year(&f) == year => Coverage::Partial(f),
        _ => Coverage::None,
    }
}

/// Every value the report may print for `year`, with the filed values beside the computed ones.
pub struct ReportValues {
    pub values: Arc<Values>,
    /// Filed values of keys that records also give, for the check:
    /// (key, year, computed, filed, the form).
    pub differences: Vec<(String, i32, Num, Num, Option<String>)>,
    /// Computed values of a year the module's records cover only from a date on (no filed value
    /// to use instead): (module label, year, first record).
    pub partial: Vec<(&'static str, i32, NaiveDate)>,
    /// Filed rate parts that disagree (numerator > denominator) — forms check this, but values
    /// summed from several forms are checked again.
    pub disagreeing: Vec<String>,
}

fn num(v: &IndicatorValue, last: bool) -> Num {
    let f = if last { &v.previous } else { &v.value };
    match f.count {
        Some(c) => Num::Count(c),
        None => Num::Rate(f.numerator.unwrap_or(0), f.denominator.unwrap_or(0)),
    }
}

/// A number as the check and the sources print it: 94, 86/94, 231.64.
fn v_text(n: Num) -> String {
    match n {
        Num::Rate(a, b) => format!("{a}/{b}"),
        Num::Count(c) => c.to_string(),
        Num::Amount(a) => fazhi_domain::filing::format_value(Kind::Amount, a),
    }
}

/// Gathers the values of `year` and `year - 1` for the whole jurisdiction.
pub async fn values(app: &App, year: i32, settings: &ReportSettings) -> AppResult<ReportValues> {
    let cat = Catalogue::embedded();
    let (_, _, name) = org::root(app).await?;
    let units: Vec<i64> = org::all_units(app).await?.iter().map(|u| u.id).collect();
    let filed_this = filing::filed_values(app, year, &units).await?;
    let filed_last = filing::filed_values(app, year - 1, &units).await?;
    let sources = modules(app);
    // A rate's parts as this deployment computes it (a setting may choose another denominator
    // than the catalogue's, e.g. `indicators.conclusion_denominator`), else the catalogue's.
    let rate_parts: BTreeMap<&str, (&str, &str)> = sources
        .iter()
        .flat_map(|m| &m.defs)
        .filter_map(|d| match d.formula {
            crate::indicators::Formula::Rate(n, den) => Some((d.key, (n, den))),
            _ => None,
        })
        .collect();
    let filed_num = |map: &BTreeMap<String, filing::FiledValue>, key: &str| -> Option<Num> {
        let e = cat.get(key)?;
        match e.kind {
            Kind::Count => map.get(key).map(|v| Num::Count(v.value)),
            Kind::Amount => map.get(key).map(|v| Num::Amount(v.value)),
            Kind::Rate => {
                let (num, den) = match rate_parts.get(key) {
                    Some(p) => *p,
                    None => (e.numerator.as_deref()?, e.denominator.as_deref()?),
                };
                let n = map.get(num)?;
                let d = map.get(den)?;
                Some(Num::Rate(n.value, d.value))
            }
        }
    };
    let mut keys: BTreeMap<String, KeyValue> = BTreeMap::new();
    // (key, year) → the computed value, where records cover the year
    let mut computed: BTreeMap<(String, i32), Num> = BTreeMap::new();
    let mut partial = Vec::new();
    for m in &sources {
        // Records cover a year from the configured start of the module's use, or else from its
        // first record. A year covered from its start is computed; a year covered only from a
        // later date (go-live in May) takes the filed value where units filed one.
        let first: Option<String> = sqlx::query_scalar(m.first).fetch_one(&app.db.pool).await?;
        let from = app
            .config
            .report_records_from
            .get(m.key)
            .copied()
            .or_else(|| first.and_then(|d| d.parse().ok()));
        let vals = compute(app, m.table, &m.defs, "1 = 1", year).await?;
        for (y, last) in [(year, false), (year - 1, true)] {
            let cov = coverage(from, y);
            if cov == Coverage::None {
                continue;
            }
            let filed = if last { &filed_last } else { &filed_this };
            let mut used_partial = false;
            for v in &vals {
                let n = num(v, last);
                if let Coverage::Partial(_) = cov {
                    // Part of last year is no base for a 同比: only a filed figure is. Part of
                    // this year is printed when nothing was filed, and the check says so.
                    if last || filed_num(filed, v.key).is_some() {
                        continue;
                    }
                    used_partial = true;
                }
                computed.insert((v.key.to_string(), y), n);
                let k = v.parts.first().copied().unwrap_or(v.key);
                let href = format!("{}?indicator={k}&year={y}", m.list_url);
                let kv = keys.entry(v.key.to_string()).or_default();
                if last {
                    kv.last = Some(n);
                    kv.last_href = Some(href);
                } else {
                    kv.this = Some(n);
                    kv.href = Some(href);
                    kv.source = Some(format!("系统计算：{}（{}）", m.label, v.definition));
                }
            }
            if let (Coverage::Partial(f), true) = (cov, used_partial) {
                partial.push((m.label, y, f));
            }
        }
    }
    let form_of =
        |map: &BTreeMap<String, filing::FiledValue>, key: &str| -> Option<(String, String)> {
            let e = cat.get(key)?;
            let v = map.get(e.numerator.as_deref().unwrap_or(key))?;
            Some((v.href()?, v.source()))
        };
    let mut differences = Vec::new();
    let mut disagreeing = Vec::new();
    for e in &cat.entries {
        let kv = keys.entry(e.key.clone()).or_default();
        for (y, filed) in [(year, &filed_this), (year - 1, &filed_last)] {
            let Some(f) = filed_num(filed, &e.key) else {
                continue;
            };
            match computed.get(&(e.key.clone(), y)) {
                Some(c) => {
                    if y == year {
                        // The filed value is shown beside the computed one (on hover).
                        if let Some(src) = kv.source.as_mut() {
                            src.push_str(&format!("；单位填报值：{}", v_text(f)));
                        }
                    }
                    if *c != f {
                        let href = form_of(filed, &e.key).map(|x| x.0);
                        differences.push((e.key.clone(), y, *c, f, href));
                    }
                }
                None if y == year => {
                    kv.this = Some(f);
                    if let Some((href, source)) = form_of(filed, &e.key) {
                        kv.href = Some(href);
                        kv.source = Some(source);
                    }
                }
                None => {
                    kv.last = Some(f);
                    kv.last_href = form_of(filed, &e.key).map(|x| x.0);
                }
            }
        }
        if let (Some(Num::Rate(a, b)), false) = (kv.this, e.can_exceed) {
            if a > b {
                disagreeing.push(e.key.clone());
            }
        }
        if kv.this.is_none() && kv.last.is_none() {
            keys.remove(&e.key);
        }
    }
    Ok(ReportValues {
        values: Arc::new(Values {
            year,
            scope: scope_word(&name),
            percent: settings.percent,
            keys,
        }),
        differences,
        partial,
        disagreeing,
    })
}

fn cn(n: usize) -> String {
    fazhi_domain::report::numeral(n as u32 + 1)
}

/// Builds the document: narrative with its tokens replaced, a chart after each data block whose
/// counts have both years.
pub fn document(
    app: &App,
    content: &ReportContent,
    settings: &ReportSettings,
    rv: &ReportValues,
    published: Option<NaiveDate>,
) -> AppResult<Document> {
    let v = &rv.values;
    let mut blocks = Vec::new();
    let mut charts = 0usize;
    let text_blocks = |text: &str, blocks: &mut Vec<Block>, charts: &mut usize| -> AppResult<()> {
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let mut current: Vec<Inline> = Vec::new();
            for seg in segments(line) {
                match seg {
                    Segment::Text(t) | Segment::Bad(t) => current.push(Inline::Text {
                        text: t.to_string(),
                    }),
                    Segment::Figure(k) => current.extend(app.sentences.figure(k, v)?),
                    Segment::Change(k) => current.extend(app.sentences.change(k, v)?),
                    Segment::Data(name) => {
                        let paras = app.sentences.render(name, v)?;
                        let n = paras.len();
                        for (i, p) in paras.into_iter().enumerate() {
                            current.extend(p);
                            // the block's last paragraph continues with the text after the token
                            if i + 1 < n {
                                blocks.push(Block::Paragraph {
                                    inlines: std::mem::take(&mut current),
                                });
                            }
                        }
                        if settings.charts {
                            if let Some(c) = chart_of(&current, blocks, v, *charts + 1) {
                                if !current.is_empty() {
                                    blocks.push(Block::Paragraph {
                                        inlines: std::mem::take(&mut current),
                                    });
                                }
                                *charts += 1;
                                blocks.push(Block::Chart { chart: c });
                            }
                        }
                    }
                }
            }
            if !current.is_empty() {
                blocks.push(Block::Paragraph { inlines: current });
            }
        }
        Ok(())
    };
    text_blocks(&content.intro, &mut blocks, &mut charts)?;
    for (i, part) in content.parts.iter().enumerate() {
        blocks.push(Block::Heading {
            level: 1,
            text: format!("{}、{}", cn(i), part.title()),
        });
        text_blocks(&part.text, &mut blocks, &mut charts)?;
        for (j, s) in part.sections.iter().enumerate() {
            blocks.push(Block::Heading {
                level: 2,
                text: format!("（{}）{}", cn(j), s.title),
            });
            text_blocks(&s.text, &mut blocks, &mut charts)?;
        }
    }
    let government = content.issuer.clone();
    Ok(Document {
        title: content.title.clone(),
        meta: Meta {
            index_no: content.index_no.clone(),
            publisher: government.clone(),
            doc_no: content.doc_no.clone(),
            written: content.written,
            published,
        },
        blocks,
        issuer: government,
        date: content.written.or(published).unwrap_or_else(|| app.today()),
    })
}

/// A year-over-year chart of the counts just written (in `current` and the paragraphs since the
/// last heading or chart) that have both years; when their units differ, the unit with the most
/// such counts is drawn.
fn chart_of(current: &[Inline], blocks: &[Block], v: &Values, n: usize) -> Option<Chart> {
    let cat = Catalogue::embedded();
    let start = blocks
        .iter()
        .rposition(|b| matches!(b, Block::Heading { .. } | Block::Chart { .. }))
        .map_or(0, |i| i + 1);
    let mut keys: Vec<&str> = Vec::new();
    let paragraphs = blocks[start..].iter().filter_map(|b| match b {
        Block::Paragraph { inlines } => Some(inlines.as_slice()),
        _ => None,
    });
    for inlines in paragraphs.chain(std::iter::once(current)) {
        for i in inlines {
            if let Inline::Figure { key, .. } = i {
                if !keys.contains(&key.as_str()) {
                    keys.push(key);
                }
            }
        }
    }
    // (label, unit, last, this) of the counts with both years
    let bars: Vec<(String, &str, f64, f64)> = keys
        .iter()
        .filter_map(|k| {
            let e = cat.get(k).filter(|e| e.kind == Kind::Count)?;
            match (v.keys.get(*k)?.this, v.keys.get(*k)?.last) {
                (Some(Num::Count(a)), Some(Num::Count(b))) => Some((
                    e.label.split(" / ").next().unwrap_or(&e.label).to_string(),
                    e.unit.as_str(),
                    b as f64,
                    a as f64,
                )),
                _ => None,
            }
        })
        .collect();
    let unit = bars.iter().map(|b| b.1).max_by_key(|u| {
        (
            bars.iter().filter(|b| b.1 == *u).count(),
            std::cmp::Reverse(bars.iter().position(|b| b.1 == *u)),
        )
    })?;
    let chosen: Vec<_> = bars.iter().filter(|b| b.1 == unit).collect();
    Some(Chart {
        title: format!("图{n} 主要指标同比"),
        unit: unit.to_string(),
        categories: chosen.iter().map(|b| b.0.clone()).collect(),
        series: vec![
            Series {
                name: format!("{}年", v.year - 1),
                values: chosen.iter().map(|b| b.2).collect(),
            },
            Series {
                name: format!("{}年", v.year),
                values: chosen.iter().map(|b| b.3).collect(),
            },
        ],
    })
}

/// The check before 定稿: empty required parts, figures without a value or source, rates whose
/// parts disagree, filed values that differ from the computed ones.
pub fn check(content: &ReportContent, doc: &Document, rv: &ReportValues) -> Vec<Issue> {
    let cat = Catalogue::embedded();
    let label = |k: &str| {
        cat.get(k)
            .map(|e| e.label.clone())
            .unwrap_or_else(|| k.to_string())
    };
    let mut out: Vec<Issue> = content
        .empty_parts()
        .into_iter()
        .map(|p| Issue {
            kind: "empty_part",
            kind_label: "必备部分为空",
            message: format!("“{p}”尚未填写"),
            href: None,
        })
        .collect();
    let mut seen = BTreeSet::new();
    for b in &doc.blocks {
        if let Block::Paragraph { inlines } = b {
            for i in inlines {
                if let Inline::Figure {
                    key, text, href, ..
                } = i
                {
                    if (text == NO_DATA || href.is_none()) && seen.insert(key.clone()) {
                        let has_this = rv.values.keys.get(key).is_some_and(|v| v.this.is_some());
                        let message = if has_this {
                            format!("“{}”（{key}）上年没有数据，无法计算同比", label(key))
                        } else {
                            format!(
                                "“{}”（{key}）没有系统计算值，也没有审核通过的填报值",
                                label(key)
                            )
                        };
                        out.push(Issue {
                            kind: "no_source",
                            kind_label: "数据无来源",
                            message,
                            href: None,
                        });
                    }
                }
            }
        }
    }
    for k in &rv.disagreeing {
        out.push(Issue {
            kind: "parts_disagree",
            kind_label: "比率分子分母不一致",
            message: format!("“{}”的分子大于分母", label(k)),
            href: rv.values.keys.get(k).and_then(|v| v.href.clone()),
        });
    }
    for (k, y, c, f, href) in &rv.differences {
        out.push(Issue {
            kind: "filed_differs",
            kind_label: "填报值与系统计算值不一致",
            message: format!(
                "“{}”{y}年系统计算为{}，单位填报为{}；报告采用系统计算值",
                label(k),
                v_text(*c),
                v_text(*f)
            ),
            href: href.clone(),
        });
    }
    for (module, y, from) in &rv.partial {
        out.push(Issue {
            kind: "partial_year",
            kind_label: "系统数据不完整",
            message: format!(
                "{module}自{}起录入，{y}年的系统计算值不是全年数据；请在数据填报中补报该年全年数据，或在配置 report_records_from 中写明启用日期",
                fazhi_domain::calendar::format_date_cn(*from)
            ),
            href: None,
        });
    }
    out
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Html,
    Markdown,
}

impl Format {
    pub fn parse(s: &str) -> AppResult<Self> {
        match s.trim() {
            "docx" => Ok(Self::Docx),
            "html" => Ok(Self::Html),
            "md" | "markdown" => Ok(Self::Markdown),
            other => Err(DomainError::invalid_option("format", "导出格式", other).into()),
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            Self::Docx => "docx",
            Self::Html => "html",
            Self::Markdown => "md",
        }
    }
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Html => "text/html; charset=utf-8",
            Self::Markdown => "text/markdown; charset=utf-8",
        }
    }
}

/// A generated report: the document, the check, and the values it drew on.
pub struct Generated {
    pub document: Document,
    pub issues: Vec<Issue>,
    pub values: ReportValues,
}

/// Generates a stored version.
pub async fn generate(app: &App, actor: &Actor, id: i64) -> AppResult<(ReportDetail, Generated)> {
    let d = detail(app, actor, id).await?;
    if d.report.status == ReportStatus::Published.code() {
        let stored: Option<String> =
            sqlx::query_scalar("SELECT document_json FROM rp_reports WHERE id = $1")
                .bind(id)
                .fetch_one(&app.db.pool)
                .await?;
        let document: Document = stored
            .as_deref()
            .and_then(|j| serde_json::from_str(j).ok())
            .ok_or_else(|| AppError::Internal(format!("published report {id} has no document")))?;
        let values = ReportValues {
            values: Arc::new(Values {
                year: d.report.year,
                scope: String::new(),
                percent: d.settings.percent,
                keys: BTreeMap::new(),
            }),
            differences: vec![],
            partial: vec![],
            disagreeing: vec![],
        };
        return Ok((
            d,
            Generated {
                document,
                issues: vec![],
                values,
            },
        ));
    }
    let published = d
        .report
        .published_date
        .as_deref()
        .and_then(|s| s.parse().ok());
    let g = generate_content(app, d.report.year, &d.content, &d.settings, published).await?;
    Ok((d, g))
}

/// Generates from content (a stored version, or the skeleton for `fazhi report annual` when a
/// year has no report yet).
pub async fn generate_content(
    app: &App,
    year: i32,
    content: &ReportContent,
    settings: &ReportSettings,
    published: Option<NaiveDate>,
) -> AppResult<Generated> {
    let rv = values(app, year, settings).await?;
    let document = document(app, content, settings, &rv, published)?;
    let issues = check(content, &document, &rv);
    Ok(Generated {
        document,
        issues,
        values: rv,
    })
}

/// Renders a document in a format with the configured DOCX fonts.
pub fn render_for(app: &App, doc: &Document, format: Format) -> AppResult<Vec<u8>> {
    render_with(
        doc,
        format,
        &fazhi_report::docx::DocxOptions::with_naming(app.config.report_docx_fonts),
    )
}

/// Renders a document in a format, the DOCX naming the standard's fonts.
pub fn render(doc: &Document, format: Format) -> AppResult<Vec<u8>> {
    render_with(doc, format, &fazhi_report::docx::DocxOptions::default())
}

fn render_with(
    doc: &Document,
    format: Format,
    docx: &fazhi_report::docx::DocxOptions,
) -> AppResult<Vec<u8>> {
    let err = |e: fazhi_report::ReportError| AppError::Internal(format!("render: {e}"));
    Ok(match format {
        Format::Docx => fazhi_report::docx::render(doc, docx).map_err(err)?,
        Format::Html => fazhi_report::html::render(doc, fazhi_report::html::HtmlMode::Public)
            .map_err(err)?
            .into_bytes(),
        Format::Markdown => fazhi_report::markdown::render(doc).into_bytes(),
    })
}

/// Exports a stored version (audited), returning the bytes, a file name and the check's findings.
pub async fn export(
    app: &App,
    actor: &Actor,
    id: i64,
    format: Format,
) -> AppResult<(Vec<u8>, String, Vec<Issue>)> {
    let (d, g) = generate(app, actor, id).await?;
    let bytes = render_for(app, &g.document, format)?;
    let mut tx = app.db.begin().await?;
    audit::record(
        &mut tx,
        app,
        actor,
        "export",
        "rp_report",
        &id.to_string(),
        None,
        Some(json!({"format": format.extension()})),
    )
    .await?;
    tx.commit().await?;
    let name = format!(
        "{}（第{}版）.{}",
        d.content.title,
        d.report.version_no,
        format.extension()
    );
    Ok((bytes, name, g.issues))
}

/// The latest version of a year, if any.
pub async fn latest(app: &App, year: i32) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM rp_reports WHERE year = $1 ORDER BY version_no DESC LIMIT 1",
    )
    .bind(i64::from(year))
    .fetch_optional(&app.db.pool)
    .await?)
}

/// The report's own deadlines for the 超期预警 page: each leg of last year's reporting chain not
/// yet done, from 30 days before its last day until it is recorded (or, for the publication,
/// until a version is published). (url, title, due date, what is due)
pub async fn warnings(
    app: &App,
    actor: &Actor,
) -> AppResult<Vec<(String, String, NaiveDate, &'static str)>> {
    if !(actor.can(Permission::ManageReport) || actor.can(Permission::ApproveReport)) {
        return Ok(vec![]);
    }
    let year = app.today().year() - 1;
    let (unit, _, _) = org::root(app).await?;
    let id = latest(app, year).await?;
    let url = id
        .map(|i| format!("/reports/{i}"))
        .unwrap_or_else(|| "/reports".into());
    Ok(chain(app, unit, year)
        .await?
        .into_iter()
        .filter(|c| matches!(c.state, "warning" | "overdue"))
        .map(|c| {
            (
                url.clone(),
                format!("{year}年法治政府建设年度报告"),
                c.due,
                c.label,
            )
        })
        .collect())
}
