//! Statistics rounds (数据填报): the office opens a round for a year with the keys each unit must
//! report and a due date; each unit fills its form on the page or offline in an .xlsx template,
//! saves drafts, submits; the office approves or returns it. Approved values roll up the unit
//! tree and feed the annual report beside the values computed from records.

use crate::cases::{check_version, updated_once};
use crate::deadlines::RowDue;
use crate::{audit, org, xlsx, Actor, App, AppError, AppResult};
use fazhi_domain::catalogue::{Catalogue, Kind};
use fazhi_domain::fields::Fields;
use fazhi_domain::filing::{
    check_values, entry_keys, field_name, format_value, parse_values, return_comment, transition,
    FormAction, FormStatus, RoundDraft, RoundStatus,
};
use fazhi_domain::org::Permission;
use fazhi_domain::Code;
use fazhi_domain::DomainError;
use fazhi_store::Row;
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

pub const MODULE: &str = "filing";

#[derive(Debug, Clone, Serialize)]
pub struct RoundRow {
    pub id: i64,
    pub year: i32,
    pub title: String,
    pub due_date: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub forms: i64,
    pub submitted: i64,
    pub approved: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct FormRow {
    pub id: i64,
    pub round_id: i64,
    pub round_title: String,
    pub year: i32,
    pub unit_id: i64,
    pub unit: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<String>,
    pub approved_by: Option<String>,
    pub comment: Option<String>,
    #[serde(flatten)]
    pub due: RowDue,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoundDetail {
    pub round: RoundRow,
    pub note: Option<String>,
    /// The keys chosen, with their labels (rates included).
    pub keys: Vec<KeyLabel>,
    pub forms: Vec<FormRow>,
    /// The approved forms' values summed (the roll-up of the units' figures), per entry key.
    pub totals: Vec<Total>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Total {
    pub key: String,
    pub label: String,
    pub unit: String,
    pub value: String,
    /// Forms whose values are in the sum.
    pub forms: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyLabel {
    pub key: String,
    pub label: String,
    pub unit: String,
}

/// One line of a form: a key the unit fills, with its value as typed back.
#[derive(Debug, Clone, Serialize)]
pub struct FormLine {
    pub key: String,
    pub field: String,
    pub label: String,
    pub unit: String,
    pub value: String,
    /// For a part of a chosen rate: the rate's label (e.g. 调解成功率的分子).
    pub note: String,
    /// For a value taken from a published report (a baseline): the sentence it was printed in.
    pub quote: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FormDetail {
    pub form: FormRow,
    pub version: i64,
    pub note: Option<String>,
    pub lines: Vec<FormLine>,
    /// For a baseline's form: 已发布报告《title》（文件：name）, where its values come from.
    pub published: Option<String>,
    /// Actions the actor may take now.
    pub actions: Vec<(&'static str, &'static str)>,
}

fn cat() -> &'static Catalogue {
    Catalogue::embedded()
}

fn key_label(k: &str) -> KeyLabel {
    let e = cat().get(k);
    KeyLabel {
        key: k.to_string(),
        label: e.map(|e| e.label.clone()).unwrap_or_else(|| k.to_string()),
        unit: e.map(|e| e.unit.clone()).unwrap_or_default(),
    }
}

/// Opens a round: one form per unit named, each due on the round's date.
pub async fn create_round(app: &App, actor: &Actor, f: &Fields) -> AppResult<i64> {
    actor.require(Permission::ManageReport)?;
    let r = RoundDraft::parse(f, cat(), app.today())?;
    let units = org::all_units(app).await?;
    let scope = org::naming_scope(app, actor, &units, Permission::ManageReport);
    for u in &r.unit_ids {
        org::check_named(&units, &scope, *u, "unit_ids", "填报单位")?;
    }
    let now = app.now_text();
    let mut tx = app.db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO st_rounds (year, title, due_date, keys_json, note, status, unit_id, created_by, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) RETURNING id",
    )
    .bind(i64::from(r.year))
    .bind(&r.title)
    .bind(r.due_date.to_string())
    .bind(serde_json::to_string(&r.keys).map_err(|e| AppError::Internal(e.to_string()))?)
    .bind(&r.note)
    .bind(RoundStatus::Open.code())
    .bind(actor.unit_id)
    .bind(actor.user_id)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?;
    for u in &r.unit_ids {
        sqlx::query(
            "INSERT INTO st_forms (round_id, unit_id, year, status, due_date, version, updated_at) VALUES ($1, $2, $3, $4, $5, 1, $6)",
        )
        .bind(id)
        .bind(*u)
        .bind(i64::from(r.year))
        .bind(FormStatus::Pending.code())
        .bind(r.due_date.to_string())
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        app,
        actor,
        "create",
        "st_round",
        &id.to_string(),
        None,
        Some(serde_json::to_value(&r).map_err(|e| AppError::Internal(e.to_string()))?),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

const FORM_SELECT: &str =
    "SELECT f.id, f.round_id, r.title, f.year, f.unit_id, u.name, f.status, f.submitted_by, \
     f.submitted_at, f.approved_by, f.comment, f.due_date, f.version, r.note, r.keys_json \
     FROM st_forms f JOIN st_rounds r ON r.id = f.round_id JOIN units u ON u.id = f.unit_id";

fn form_row(app: &App, r: &fazhi_store::AnyRow) -> FormRow {
    let status = FormStatus::parse(&r.get::<String, _>(6)).unwrap_or(FormStatus::Pending);
    let open = matches!(
        status,
        FormStatus::Pending | FormStatus::Draft | FormStatus::Returned
    );
    FormRow {
        id: r.get(0),
        round_id: r.get(1),
        round_title: r.get(2),
        year: r.get::<i64, _>(3) as i32,
        unit_id: r.get(4),
        unit: r.get(5),
        status: status.code(),
        status_label: status.label(),
        submitted_by: r.get(7),
        submitted_at: r.get(8),
        approved_by: r.get(9),
        comment: r.get(10),
        // Only a form still to be filed has a deadline running.
        due: RowDue::of(
            app,
            open.then(|| r.get::<String, _>(11)),
            open.then(|| "calendar_days".to_string()),
        ),
    }
}

/// Rounds the actor runs (the office) with their progress.
pub async fn rounds(app: &App, actor: &Actor) -> AppResult<Vec<RoundRow>> {
    actor.require(Permission::ManageReport)?;
    let rows = sqlx::query(
        "SELECT r.id, r.year, r.title, r.due_date, r.status, \
         (SELECT COUNT(*) FROM st_forms f WHERE f.round_id = r.id), \
         (SELECT COUNT(*) FROM st_forms f WHERE f.round_id = r.id AND f.status IN ('submitted', 'approved')), \
         (SELECT COUNT(*) FROM st_forms f WHERE f.round_id = r.id AND f.status = 'approved') \
         FROM st_rounds r ORDER BY r.year DESC, r.id DESC",
    )
    .fetch_all(&app.db.pool)
    .await?;
    Ok(rows.iter().map(round_row).collect())
}

fn round_row(r: &fazhi_store::AnyRow) -> RoundRow {
    let status = RoundStatus::parse(&r.get::<String, _>(4)).unwrap_or(RoundStatus::Open);
    RoundRow {
        id: r.get(0),
        year: r.get::<i64, _>(1) as i32,
        title: r.get(2),
        due_date: r.get(3),
        status: status.code(),
        status_label: status.label(),
        forms: r.get(5),
        submitted: r.get(6),
        approved: r.get(7),
    }
}

pub async fn round(app: &App, actor: &Actor, id: i64) -> AppResult<RoundDetail> {
    if !actor.can(Permission::ApproveReport) {
        actor.require(Permission::ManageReport)?;
    }
    let r = sqlx::query(
        "SELECT r.id, r.year, r.title, r.due_date, r.status, \
         (SELECT COUNT(*) FROM st_forms f WHERE f.round_id = r.id), \
         (SELECT COUNT(*) FROM st_forms f WHERE f.round_id = r.id AND f.status IN ('submitted', 'approved')), \
         (SELECT COUNT(*) FROM st_forms f WHERE f.round_id = r.id AND f.status = 'approved'), r.note, r.keys_json \
         FROM st_rounds r WHERE r.id = $1",
    )
    .bind(id)
    .fetch_optional(&app.db.pool)
    .await?
    .ok_or(AppError::NotFound("填报轮次"))?;
    let keys: Vec<String> = serde_json::from_str(&r.get::<String, _>(9)).unwrap_or_default();
    let forms = sqlx::query(&format!(
        "{FORM_SELECT} WHERE f.round_id = $1 ORDER BY f.unit_id"
    ))
    .bind(id)
    .fetch_all(&app.db.pool)
    .await?;
    let sums = sqlx::query(
        "SELECT v.key, CAST(SUM(v.value) AS BIGINT), COUNT(*) FROM st_values v JOIN st_forms f ON f.id = v.form_id \
         WHERE f.round_id = $1 AND f.status = 'approved' GROUP BY v.key",
    )
    .bind(id)
    .fetch_all(&app.db.pool)
    .await?;
    let sums: BTreeMap<String, (i64, i64)> = sums
        .iter()
        .map(|r| (r.get(0), (r.get(1), r.get(2))))
        .collect();
    let totals = entry_keys(cat(), &keys)
        .into_iter()
        .map(|k| {
            let l = key_label(&k);
            let kind = cat().get(&k).map(|e| e.kind).unwrap_or(Kind::Count);
            let (value, forms) = sums.get(&k).copied().unwrap_or((0, 0));
            Total {
                value: if forms > 0 {
                    format_value(kind, value)
                } else {
                    String::new()
                },
                forms,
                key: k,
                label: l.label,
                unit: l.unit,
            }
        })
        .collect();
    Ok(RoundDetail {
        round: round_row(&r),
        note: r.get(8),
        keys: keys.iter().map(|k| key_label(k)).collect(),
        forms: forms.iter().map(|f| form_row(app, f)).collect(),
        totals,
    })
}

/// The forms of the actor's units (a clerk's to-do list), newest round first.
pub async fn my_forms(app: &App, actor: &Actor) -> AppResult<Vec<FormRow>> {
    actor.require(Permission::FileStatistics)?;
    let rows = sqlx::query(&format!(
        "{FORM_SELECT} WHERE {} ORDER BY f.year DESC, f.id DESC",
        actor.write_scope.sql(&["f.unit_id"])
    ))
    .fetch_all(&app.db.pool)
    .await?;
    Ok(rows.iter().map(|r| form_row(app, r)).collect())
}

/// Whether the actor may see the form: the office and the leaders (who read the report's
/// drill-down), or a clerk of its unit (or above it).
fn may_see(actor: &Actor, unit_id: i64) -> bool {
    actor.can(Permission::ManageReport)
        || actor.can(Permission::ApproveReport)
        || (actor.can(Permission::FileStatistics) && actor.write_scope.contains(unit_id))
}

pub async fn form(app: &App, actor: &Actor, id: i64) -> AppResult<FormDetail> {
    let r = sqlx::query(&format!("{FORM_SELECT} WHERE f.id = $1"))
        .bind(id)
        .fetch_optional(&app.db.pool)
        .await?
        .ok_or(AppError::NotFound("填报表"))?;
    let row = form_row(app, &r);
    if !may_see(actor, row.unit_id) {
        return Err(AppError::NotFound("填报表"));
    }
    let chosen: Vec<String> = serde_json::from_str(&r.get::<String, _>(14)).unwrap_or_default();
    let values = load_values(app, id).await?;
    let quotes: BTreeMap<String, String> =
        sqlx::query("SELECT key, quote FROM st_value_sources WHERE form_id = $1")
            .bind(id)
            .fetch_all(&app.db.pool)
            .await?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
    let published = crate::baseline::of_round(app, row.round_id)
        .await?
        .map(|(title, file)| format!("已发布报告《{title}》（文件：{file}）"));
    let status = FormStatus::parse(row.status)?;
    let lines = entry_keys(cat(), &chosen)
        .into_iter()
        .map(|k| {
            let e = cat().get(&k);
            let kind = e.map(|e| e.kind).unwrap_or(Kind::Count);
            let note = cat()
                .entries
                .iter()
                .filter(|r| chosen.contains(&r.key))
                .find_map(|r| {
                    if r.numerator.as_deref() == Some(&k) {
                        Some(format!("{}的分子", r.label))
                    } else if r.denominator.as_deref() == Some(&k) {
                        Some(format!("{}的分母", r.label))
                    } else {
                        None
                    }
                })
                .unwrap_or_default();
            FormLine {
                field: field_name(&k),
                label: e.map(|e| e.label.clone()).unwrap_or_else(|| k.clone()),
                unit: e.map(|e| e.unit.clone()).unwrap_or_default(),
                value: values
                    .get(&k)
                    .map(|v| format_value(kind, *v))
                    .unwrap_or_default(),
                note,
                quote: quotes.get(&k).cloned().unwrap_or_default(),
                key: k,
            }
        })
        .collect();
    let mut actions = Vec::new();
    for a in FormAction::ALL {
        let allowed = match a {
            FormAction::Save | FormAction::Submit => {
                actor.can(Permission::FileStatistics) && actor.write_scope.contains(row.unit_id)
            }
            FormAction::Approve | FormAction::Return => actor.can(Permission::ManageReport),
        };
        if allowed && transition(status, *a).is_ok() {
            actions.push((a.code(), a.label()));
        }
    }
    Ok(FormDetail {
        version: r.get(12),
        note: r.get(13),
        form: row,
        lines,
        published,
        actions,
    })
}

async fn load_values(app: &App, form_id: i64) -> AppResult<BTreeMap<String, i64>> {
    let rows = sqlx::query("SELECT key, value FROM st_values WHERE form_id = $1")
        .bind(form_id)
        .fetch_all(&app.db.pool)
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Saves, submits, approves or returns a form. Save and submit take the values (`v.KEY`);
/// submit needs every line filled (0 where there is nothing); return needs a comment.
pub async fn act(
    app: &App,
    actor: &Actor,
    id: i64,
    action: &str,
    f: &Fields,
    expected_version: Option<i64>,
) -> AppResult<()> {
    let d = form(app, actor, id).await?;
    let action = FormAction::parse(action)?;
    let needed = match action {
        FormAction::Save | FormAction::Submit => Permission::FileStatistics,
        FormAction::Approve | FormAction::Return => Permission::ManageReport,
    };
    actor.require(needed)?;
    if needed == Permission::FileStatistics && !actor.write_scope.contains(d.form.unit_id) {
        return Err(AppError::Forbidden);
    }
    check_version(expected_version, d.version)?;
    let round_closed = || {
        AppError::from(DomainError::field(
            Code::RoundClosed,
            "status",
            "本轮填报已结束，不能再修改",
        ))
    };
    let round_status: String = sqlx::query_scalar("SELECT status FROM st_rounds WHERE id = $1")
        .bind(d.form.round_id)
        .fetch_one(&app.db.pool)
        .await?;
    if round_status != RoundStatus::Open.code() {
        return Err(round_closed());
    }
    // 审核 by someone other than who submitted (the office also files for its own unit).
    if action == FormAction::Approve {
        let submitter: Option<i64> =
            sqlx::query_scalar("SELECT submitted_by_id FROM st_forms WHERE id = $1")
                .bind(id)
                .fetch_one(&app.db.pool)
                .await?;
        if submitter.is_some() && submitter == actor.user_id {
            return Err(DomainError::field(
                Code::SelfApproval,
                "action",
                "不能审核自己提交的报表，请由其他工作人员审核",
            )
            .into());
        }
    }
    let from = FormStatus::parse(d.form.status)?;
    let to = transition(from, action)?;
    let keys: Vec<String> = d.lines.iter().map(|l| l.key.clone()).collect();
    let before = load_values(app, id).await?;
    let (values, comment) = match action {
        FormAction::Save | FormAction::Submit => {
            let v = parse_values(cat(), &keys, f)?;
            if action == FormAction::Submit {
                if let Some(l) = d.lines.iter().find(|l| !v.contains_key(&l.key)) {
                    return Err(DomainError::field(
                        Code::Required,
                        l.field.clone(),
                        format!("“{}”未填写（没有的请填0）", l.label),
                    )
                    .into());
                }
            }
            check_values(cat(), &v)?;
            (Some(v), None)
        }
        FormAction::Return => (None, Some(return_comment(f)?)),
        FormAction::Approve => (None, None),
    };
    let now = app.now_text();
    let who = format!("{}（{}）", actor.display_name, actor.unit_name);
    let mut tx = app.db.begin().await?;
    let set = match action {
        FormAction::Save => "",
        FormAction::Submit => {
            ", submitted_by = $5, submitted_by_id = $7, submitted_at = $2, comment = NULL"
        }
        FormAction::Approve => ", approved_by = $5, approved_at = $2",
        FormAction::Return => ", comment = $6, approved_by = NULL, approved_at = NULL",
    };
    // The round's state is checked again in the UPDATE itself, so a close that commits in
    // between wins.
    let sql = format!(
        "UPDATE st_forms SET status = $1, version = version + 1, updated_at = $2{set} \
         WHERE id = $3 AND version = $4 \
         AND EXISTS (SELECT 1 FROM st_rounds r WHERE r.id = st_forms.round_id AND r.status = 'open')"
    );
    let r = sqlx::query(&sql)
        .bind(to.code())
        .bind(&now)
        .bind(id)
        .bind(d.version)
        .bind(&who)
        .bind(&comment)
        .bind(actor.user_id)
        .execute(&mut *tx)
        .await?;
    if r.rows_affected() == 0 {
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM st_rounds WHERE id = $1")
                .bind(d.form.round_id)
                .fetch_optional(&mut *tx)
                .await?;
        if status.as_deref() != Some(RoundStatus::Open.code()) {
            return Err(round_closed());
        }
    }
    updated_once(r)?;
    if let Some(v) = &values {
        sqlx::query("DELETE FROM st_values WHERE form_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for (k, val) in v {
            sqlx::query("INSERT INTO st_values (form_id, key, value) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(k)
                .bind(*val)
                .execute(&mut *tx)
                .await?;
        }
    }
    audit::record(
        &mut tx,
        app,
        actor,
        action.code(),
        "st_form",
        &id.to_string(),
        Some(json!({"status": from.code(), "values": before})),
        Some(json!({"status": to.code(), "values": values, "comment": comment})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Ends a round: no form changes after it (the values approved so far stay in use).
pub async fn close_round(app: &App, actor: &Actor, id: i64) -> AppResult<()> {
    actor.require(Permission::ManageReport)?;
    let mut tx = app.db.begin().await?;
    let r = sqlx::query("UPDATE st_rounds SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND status = $4")
        .bind(RoundStatus::Closed.code())
        .bind(app.now_text())
        .bind(id)
        .bind(RoundStatus::Open.code())
        .execute(&mut *tx)
        .await?;
    if r.rows_affected() == 0 {
        return Err(AppError::NotFound("填报中的轮次"));
    }
    audit::record(
        &mut tx,
        app,
        actor,
        "close",
        "st_round",
        &id.to_string(),
        None,
        Some(json!({"status": "closed"})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

const TEMPLATE_HEADERS: [&str; 5] = ["指标键", "指标", "单位", "数值", "说明"];

/// The form as an .xlsx to fill offline: one row per line, the value column to fill.
pub async fn template(app: &App, actor: &Actor, id: i64) -> AppResult<Vec<u8>> {
    let d = form(app, actor, id).await?;
    let rows = d
        .lines
        .into_iter()
        .map(|l| vec![l.key, l.label, l.unit, l.value, l.note]);
    xlsx::write_table("数据填报", &TEMPLATE_HEADERS, rows)
}

/// Reads a filled template back and saves it as a draft (the clerk then checks and submits on
/// the page). Rows are matched by 指标键; an unknown key or a bad value names its row.
pub async fn upload(app: &App, actor: &Actor, id: i64, bytes: &[u8]) -> AppResult<()> {
    let d = form(app, actor, id).await?;
    let owned = bytes.to_vec();
    let (headers, rows) = crate::uploads::parse(move || xlsx::read_table(&owned)).await??;
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(kc), Some(vc)) = (col("指标键"), col("数值")) else {
        return Err(DomainError::field(
            Code::InvalidTemplate,
            "file",
            "上传的文件缺少“指标键”或“数值”列，请使用本表下载的模板",
        )
        .into());
    };
    let mut f = Fields::new();
    for (n, r) in rows.iter().enumerate() {
        let key = r.get(kc).map(|s| s.trim()).unwrap_or("");
        if key.is_empty() {
            continue;
        }
        if cat().get(key).is_some_and(|e| e.kind == Kind::Rate) {
            // A percentage typed against the rate itself: say how to file it.
            if let Err(mut e) = fazhi_domain::filing::parse_value(cat(), key, "0") {
                e.field = Some("file".into());
                e.message = format!("第{}行：{}", n + 2, e.message);
                return Err(e.into());
            }
        }
        if !d.lines.iter().any(|l| l.key == key) {
            return Err(DomainError::field(
                Code::UnknownIndicator,
                "file",
                format!("第{}行的指标键“{key}”不属于本表", n + 2),
            )
            .into());
        }
        f.insert(field_name(key), r.get(vc).cloned().unwrap_or_default());
    }
    act(app, actor, id, FormAction::Save.code(), &f, Some(d.version))
        .await
        .map_err(|e| match e {
            AppError::Domain(mut de) => {
                de.message = format!("模板中{}", de.message);
                AppError::Domain(de)
            }
            other => other,
        })
}

/// A filed value for a key and year, summed over approved forms of the units given, with where
/// it came from.
#[derive(Debug, Clone, Serialize)]
pub struct FiledValue {
    pub value: i64,
    /// The forms in the sum (for a published baseline: its one form).
    pub forms: Vec<FiledBy>,
    /// Unit forms of the year that a published baseline's value takes precedence over: stored
    /// and shown on their rounds, not in the value.
    pub superseded: Vec<FiledBy>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FiledBy {
    pub form_id: i64,
    pub round_id: i64,
    pub unit: String,
    pub approved_by: String,
    pub value: i64,
    /// For a value of a published report (a baseline): the report's title and the quote.
    pub published: Option<Published>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Published {
    pub title: String,
    pub quote: String,
}

impl FiledValue {
    /// The forms that hold the value: those that filed a non-zero number, or all when every one
    /// filed 0 (a figure of 0 still leads to the forms that said so).
    fn holding(&self) -> Vec<&FiledBy> {
        let nonzero: Vec<&FiledBy> = self.forms.iter().filter(|f| f.value != 0).collect();
        if nonzero.is_empty() {
            self.forms.iter().collect()
        } else {
            nonzero
        }
    }

    /// Where the figure leads: the one form that holds it, or the round's summary when several
    /// units' forms of one round add up to it.
    pub fn href(&self) -> Option<String> {
        match self.holding().as_slice() {
            [] => None,
            [one] => Some(format!("/filing/forms/{}", one.form_id)),
            [first, rest @ ..] if rest.iter().all(|f| f.round_id == first.round_id) => {
                Some(format!("/filing/rounds/{}", first.round_id))
            }
            [first, ..] => Some(format!("/filing/forms/{}", first.form_id)),
        }
    }

    /// The source as a reader sees it: 单位填报：东山镇人民政府等2个单位（孙丽审核通过）, or for a
    /// published baseline 已发布报告《云城区2024年法治政府建设年度报告》：“全区共收到……94件”.
    pub fn source(&self) -> String {
        if let Some(p) = self.forms.iter().find_map(|f| f.published.as_ref()) {
            return format!("已发布报告《{}》：“{}”", p.title, p.quote);
        }
        match self.holding().as_slice() {
            [] => "单位填报".into(),
            [one] => format!("单位填报：{}（{}审核通过）", one.unit, one.approved_by),
            [first, rest @ ..] => format!(
                "单位填报：{}等{}个单位（{}审核通过）",
                first.unit,
                rest.len() + 1,
                first.approved_by
            ),
        }
    }
}

/// Approved values of `year` from forms of the units given (a subtree), by key. When a unit was
/// asked for a key in more than one round of the year (a supplementary round), its latest
/// approved value counts, once.
///
/// Precedence: a published report applied as the year's baseline (`crate::baseline`) is the
/// jurisdiction's total as published, so for a key it holds its value is the filed value (the
/// latest baseline when there are several) and the unit forms of that key are not added to it;
/// they are kept in `superseded` and stay visible on their rounds.
pub async fn filed_values(
    app: &App,
    year: i32,
    units: &[i64],
) -> AppResult<BTreeMap<String, FiledValue>> {
    if units.is_empty() {
        return Ok(BTreeMap::new());
    }
    let list = units
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let rows = sqlx::query(&format!(
        "SELECT v.key, v.value, f.id, f.round_id, f.unit_id, u.name, f.approved_by, b.document_title, s.quote \
         FROM st_values v JOIN st_forms f ON f.id = v.form_id JOIN units u ON u.id = f.unit_id \
         LEFT JOIN st_baselines b ON b.round_id = f.round_id \
         LEFT JOIN st_value_sources s ON s.form_id = v.form_id AND s.key = v.key \
         WHERE f.year = $1 AND f.status = 'approved' AND f.unit_id IN ({list}) ORDER BY f.round_id, f.id"
    ))
    .bind(i64::from(year))
    .fetch_all(&app.db.pool)
    .await?;
    // (key, unit) → the latest round's value
    let mut latest: BTreeMap<(String, i64), FiledBy> = BTreeMap::new();
    // key → the latest published baseline's value
    let mut published: BTreeMap<String, FiledBy> = BTreeMap::new();
    for r in rows {
        let title: Option<String> = r.get(7);
        let by = FiledBy {
            value: r.get(1),
            form_id: r.get(2),
            round_id: r.get(3),
            unit: r.get(5),
            approved_by: r.get::<Option<String>, _>(6).unwrap_or_default(),
            published: title.map(|title| Published {
                title,
                quote: r.get::<Option<String>, _>(8).unwrap_or_default(),
            }),
        };
        if by.published.is_some() {
            published.insert(r.get(0), by);
        } else {
            latest.insert((r.get(0), r.get(4)), by);
        }
    }
    let mut out: BTreeMap<String, FiledValue> = BTreeMap::new();
    for ((key, _), by) in latest {
        let e = out.entry(key).or_insert(FiledValue {
            value: 0,
            forms: vec![],
            superseded: vec![],
        });
        e.value += by.value;
        e.forms.push(by);
    }
    for (key, by) in published {
        let superseded = out.remove(&key).map(|v| v.forms).unwrap_or_default();
        out.insert(
            key,
            FiledValue {
                value: by.value,
                forms: vec![by],
                superseded,
            },
        );
    }
    Ok(out)
}

/// Forms still to be filed, for the 超期预警 page: the office and the leaders see all, a clerk
/// his units'.
pub async fn warnings(app: &App, actor: &Actor) -> AppResult<Vec<FormRow>> {
    let scope = if actor.can(Permission::ManageReport) || actor.can(Permission::ApproveReport) {
        "1 = 1".to_string()
    } else if actor.can(Permission::FileStatistics) {
        actor.write_scope.sql(&["f.unit_id"])
    } else {
        return Ok(vec![]);
    };
    let rows = sqlx::query(&format!(
        "{FORM_SELECT} WHERE {scope} AND f.status IN ('pending', 'draft', 'returned') AND r.status = 'open' ORDER BY f.due_date"
    ))
    .fetch_all(&app.db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| form_row(app, r))
        .filter(|f| f.due.deadline_state != "normal")
        .collect())
}
