//! What every case module stores and shows alike: list pages, the timeline of steps (the shared
//! `case_events`, keyed by module and case), the parties (`case_parties`, likewise) with personal data
//! shown in full only to the handling clerk, and Excel import rows. Moved here from the 行政复议
//! module when 行政应诉 needed the same (docs/architecture.md).

use crate::error::RowError;
use crate::{audit, xlsx, Actor, App, AppError, AppResult};
use chrono::NaiveDate;
use fazhi_domain::fields::Fields;
use fazhi_domain::ids::{mask_middle, mask_phone};
use fazhi_domain::party::{Party, PartyKind, PartyRole};
use fazhi_domain::Code;
use fazhi_domain::{DomainError, DomainResult};
use fazhi_store::{Any, AnyConnection, Row, Transaction};
use serde::Serialize;
use serde_json::json;

pub use crate::MAX_PAGE;

#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub pages: i64,
}

/// The page and page size a list query asks for, bounded so that the offset cannot overflow (a
/// page past the last is simply empty).
pub fn page_bounds(page: Option<i64>, per_page: Option<i64>) -> (i64, i64) {
    (
        page.unwrap_or(1).clamp(1, MAX_PAGE),
        per_page.unwrap_or(20).clamp(1, 200),
    )
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, total: i64, page: i64, per_page: i64) -> Self {
        Self {
            items,
            total,
            page,
            per_page,
            pages: ((total + per_page - 1) / per_page).max(1),
        }
    }
}

/// A year filter: blank, or a four-digit year.
pub fn parse_year(s: &str) -> AppResult<Option<i32>> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<i32>() {
        Ok(y) if (2000..=2100).contains(&y) => Ok(Some(y)),
        _ => Err(DomainError::field(Code::InvalidYear, "year", "年度应为四位数字，如2024").into()),
    }
}

/// The Chinese label of a stored code, or "" when absent or unknown.
pub fn label_of<T: Copy>(
    code: Option<String>,
    parse: impl Fn(&str) -> DomainResult<T>,
    label: impl Fn(T) -> &'static str,
) -> &'static str {
    code.and_then(|c| parse(&c).ok()).map(label).unwrap_or("")
}

/// A text search term: at most 50 characters, bound as `%term%`.
pub fn search_term(text: &str) -> AppResult<Option<String>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > 50 {
        return Err(DomainError::too_long("text", "查询内容", 50).into());
    }
    Ok(Some(format!("%{text}%")))
}

/// Parses a date stored by us; a malformed one is an internal error, not the user's.
pub fn stored_date(s: &str) -> AppResult<NaiveDate> {
    s.parse()
        .map_err(|_| AppError::Internal(format!("bad stored date {s}")))
}

// ---------- timeline ----------

#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    pub action: String,
    pub action_label: &'static str,
    pub date: String,
    pub summary: String,
    pub actor: String,
    pub at: String,
}

/// Appends a step to a case's timeline (`case_events`, keyed by `module`).
#[allow(clippy::too_many_arguments)]
pub async fn insert_event(
    tx: &mut Transaction<'_, Any>,
    app: &App,
    actor: &Actor,
    module: &str,
    case_id: i64,
    action: &str,
    date: NaiveDate,
    detail: serde_json::Value,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO case_events (module, case_id, action, event_date, detail_json, actor_id, actor_name, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(module)
    .bind(case_id)
        .bind(action)
        .bind(date.to_string())
        .bind(detail.to_string())
        .bind(actor.user_id)
        .bind(&actor.display_name)
        .bind(app.now_text())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A case's timeline, oldest first; `label` names each action code.
pub async fn load_events(
    conn: &mut AnyConnection,
    module: &str,
    case_id: i64,
    label: impl Fn(&str) -> &'static str,
) -> AppResult<Vec<EventView>> {
    let rows = sqlx::query(
        "SELECT action, event_date, detail_json, actor_name, created_at FROM case_events \
         WHERE module = $1 AND case_id = $2 ORDER BY id",
    )
    .bind(module)
    .bind(case_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|e| {
            let action: String = e.get(0);
            let detail: serde_json::Value =
                serde_json::from_str(&e.get::<String, _>(2)).unwrap_or_default();
            EventView {
                action_label: label(&action),
                action,
                date: e.get(1),
                summary: detail
                    .get("summary")
                    .and_then(|s| s.as_str())
                    .unwrap_or_default()
                    .to_string(),
                actor: e.get(3),
                at: e.get(4),
            }
        })
        .collect())
}

/// A step's form values with a one-line summary, as the timeline and the audit log keep it.
pub fn step_detail(step: &impl Serialize, summary: String) -> AppResult<serde_json::Value> {
    let mut detail = serde_json::to_value(step)?;
    detail["summary"] = json!(summary);
    Ok(detail)
}

/// The conflict answered when a record changed since its form was loaded.
pub fn stale() -> AppError {
    AppError::Conflict("该记录已被他人修改，请刷新页面后重新操作".into())
}

/// Refuses a step whose form was loaded from another version of the record.
pub fn check_version(expected: Option<i64>, version: i64) -> AppResult<()> {
    match expected {
        Some(v) if v != version => Err(stale()),
        _ => Ok(()),
    }
}

/// Checks that a versioned UPDATE (`… WHERE id = $n AND version = $m`) changed its one row.
pub fn updated_once(r: fazhi_store::AnyQueryResult) -> AppResult<()> {
    if r.rows_affected() == 1 {
        Ok(())
    } else {
        Err(stale())
    }
}

/// Records a step taken on a case: the timeline entry (in `events`, the module's table) and the
/// audit entry (`entity`), with the status and version before and after.
#[allow(clippy::too_many_arguments)]
pub async fn log_step(
    tx: &mut Transaction<'_, Any>,
    app: &App,
    actor: &Actor,
    (module, entity): (&str, &str),
    id: i64,
    action: &str,
    date: NaiveDate,
    (from, to): (&str, &str),
    version: i64,
    detail: serde_json::Value,
) -> AppResult<()> {
    insert_event(tx, app, actor, module, id, action, date, detail.clone()).await?;
    audit::record(
        tx,
        app,
        actor,
        action,
        entity,
        &id.to_string(),
        Some(json!({"status": from, "version": version})),
        Some(json!({"status": to, "version": version + 1, "step": detail})),
    )
    .await
}

/// " ：text" when there is a text, for summaries.
pub fn suffix(s: &Option<String>) -> String {
    s.as_deref().map(|n| format!("：{n}")).unwrap_or_default()
}

// ---------- parties ----------

/// A party as the detail page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PartyView {
    pub role_label: &'static str,
    pub kind_label: &'static str,
    pub name: String,
    pub identity: String,
    pub phone: String,
}

/// The parties for an audit entry: identity numbers and phones masked. A natural person's name
/// is masked by `audit::record` (张三 → 张*), which masks it wherever else the entry repeats it.
pub fn parties_audit(parties: &[Party]) -> serde_json::Value {
    json!(parties
        .iter()
        .map(
            |p| json!({"role": p.role.code(), "kind": p.kind.code(), "name": p.name,
                        "identity": p.masked_identity(), "phone": p.phone.as_deref().map(mask_phone)})
        )
        .collect::<Vec<_>>())
}

/// A case's parties. Identity numbers and phones are shown in full only when `full` (the clerk
/// who handles the case), and that view is itself recorded in the audit log (issue 3 §6).
#[allow(clippy::too_many_arguments)]
pub async fn party_views(
    conn: &mut AnyConnection,
    app: &App,
    actor: &Actor,
    module: &str,
    entity: &str,
    case_id: i64,
    case_no: &str,
    full: bool,
) -> AppResult<Vec<PartyView>> {
    let rows = sqlx::query(
        "SELECT role, kind, name, id_number, credit_code, phone FROM case_parties \
         WHERE module = $1 AND case_id = $2 ORDER BY sort",
    )
    .bind(module)
    .bind(case_id)
    .fetch_all(conn)
    .await?;
    let personal = rows
        .iter()
        .filter(|p| {
            p.get::<Option<String>, _>(3).is_some() || p.get::<Option<String>, _>(5).is_some()
        })
        .count();
    if full && personal > 0 {
        let after = json!({"case_no": case_no, "parties": personal});
        audit::record_alone(
            app,
            actor,
            "view_personal_data",
            entity,
            &case_id.to_string(),
            Some(after),
        )
        .await?;
    }
    Ok(rows
        .into_iter()
        .map(|p| {
            let id_number: Option<String> = p.get(3);
            let credit: Option<String> = p.get(4);
            let phone: Option<String> = p.get(5);
            PartyView {
                role_label: label_of(p.get(0), PartyRole::parse, PartyRole::label),
                kind_label: label_of(p.get(1), PartyKind::parse, PartyKind::label),
                name: p.get(2),
                identity: match (id_number, credit) {
                    (Some(n), _) if full => n,
                    (Some(n), _) => mask_middle(&n, 4, 4),
                    (None, Some(c)) => c,
                    _ => String::new(),
                },
                phone: phone
                    .map(|p| if full { p } else { mask_phone(&p) })
                    .unwrap_or_default(),
            }
        })
        .collect())
}

// ---------- Excel import ----------

/// The rows of an import file as form fields, by the template's columns `(header, field)`.
/// Columns in `optional` may be missing; a missing required column is an error naming it. Blank
/// rows are skipped; each row keeps its Excel row number. The file is read as an upload
/// (`uploads::parse`, bounded by `xlsx::Bounds::DEFAULT`).
pub async fn import_rows(
    bytes: &[u8],
    columns: &[(&str, &str)],
    optional: &[&str],
) -> AppResult<Vec<(usize, Fields)>> {
    let owned = bytes.to_vec();
    let (headers, rows) = crate::uploads::parse(move || xlsx::read_table(&owned)).await??;
    let mut index = Vec::new();
    for (h, field) in columns {
        match headers.iter().position(|x| x == h) {
            Some(i) => index.push((*field, i)),
            None if optional.contains(field) => {}
            None => {
                return Err(DomainError::field(
                    Code::MissingColumn,
                    "file",
                    format!("导入文件缺少“{h}”列，请使用系统提供的模板"),
                )
                .into())
            }
        }
    }
    Ok(rows
        .iter()
        .enumerate()
        .filter(|(_, row)| !row.iter().all(|c| c.trim().is_empty()))
        .map(|(n, row)| {
            let f = index
                .iter()
                .map(|(field, i)| (field.to_string(), row.get(*i).cloned().unwrap_or_default()))
                .collect();
            (n + 2, f)
        })
        .collect())
}

/// A row's domain error, with the column named as the template prints it.
pub fn row_error(row: usize, e: DomainError, columns: &[(&str, &str)]) -> RowError {
    let column = e
        .field
        .as_deref()
        .and_then(|fl| columns.iter().find(|c| c.1 == fl))
        .map(|c| c.0.to_string())
        .unwrap_or_else(|| e.field.clone().unwrap_or_default());
    RowError {
        row,
        column,
        code: e.code.as_str(),
        message: e.message,
    }
}

/// Replaces a unit's name in `name_field` by its id in `id_field`, or reports the row: a unit
/// of the jurisdiction, inside the importer's naming scope (`org::naming_scope`).
pub fn resolve_unit(
    f: &mut Fields,
    units: &[crate::org::Unit],
    scope: &crate::Scope,
    (name_field, id_field): (&str, &str),
    row: usize,
    column: &str,
) -> Result<(), RowError> {
    let name = f.remove(name_field).unwrap_or_default();
    let Some(u) = units.iter().find(|u| u.name == name.trim()) else {
        return Err(RowError {
            row,
            column: column.into(),
            code: "not_found",
            message: format!("{column}“{name}”不是本行政区划内的单位"),
        });
    };
    match crate::org::check_named(units, scope, u.id, id_field, column) {
        Ok(u) => {
            f.insert(id_field.into(), u.id.to_string());
            Ok(())
        }
        Err(e) => Err(RowError {
            row,
            column: column.into(),
            code: e.code.as_str(),
            message: e.message,
        }),
    }
}

// ---------- lists ----------

/// Filters of a case list (also its export and the indicator drill-down).
#[derive(Debug, Clone, Default, serde::Deserialize, Serialize)]
pub struct ListQuery {
    #[serde(default)]
    pub status: String,
    /// normal / warning / overdue / paused / waiting / done
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub year: String,
    /// A unit id: cases it handles or that concern it, with its children.
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub text: String,
    /// Drill-down: the cases an indicator counted (`reconsideration.concluded`), for `year`.
    #[serde(default)]
    pub indicator: String,
    #[serde(default)]
    pub page: Option<i64>,
    #[serde(default)]
    pub per_page: Option<i64>,
}

/// How a module's case table is listed, filtered, searched and counted. The table is always
/// aliased `c` and carries `status`, `next_due` and `next_due_unit` columns.
pub struct Table {
    /// `rc_cases c`: what counts read (never joined, so that counts stay on one index).
    pub table: &'static str,
    /// The table with the joins its rows need.
    pub from: &'static str,
    pub columns: &'static str,
    /// The unit columns that put a case in a scope (handling unit, and the unit concerned).
    pub scope: &'static [&'static str],
    /// The year a plain year filter selects on.
    pub year: &'static str,
    pub order: &'static str,
    /// The text search condition on `$1`.
    pub text: &'static str,
    /// The status filter's parser: the code of a valid status.
    pub status: fn(&str) -> DomainResult<&'static str>,
}

impl Table {
    /// The WHERE clause and its binds for a list query within the actor's scope. `defs` are the
    /// module's indicators, for the drill-down.
    pub async fn filter(
        &self,
        app: &App,
        actor: &Actor,
        q: &ListQuery,
        defs: &[crate::indicators::IndicatorDef],
    ) -> AppResult<(String, Vec<String>)> {
        use crate::indicators::Period;
        let mut cond = vec![actor.scope.sql(self.scope)];
        let mut binds = Vec::new();
        if !q.status.trim().is_empty() {
            cond.push(format!("c.status = '{}'", (self.status)(&q.status)?));
        }
        if !q.deadline.trim().is_empty() {
            let s = fazhi_domain::deadline::DeadlineState::from_code(q.deadline.trim())
                .ok_or_else(|| DomainError::invalid_option("deadline", "期限状态", &q.deadline))?;
            cond.push(crate::deadlines::state_sql(
                app,
                s,
                "c.next_due",
                "c.next_due_unit",
            ));
        }
        let year = parse_year(&q.year)?;
        if !q.unit.trim().is_empty() {
            let unit: i64 = q
                .unit
                .trim()
                .parse()
                .map_err(|_| DomainError::invalid_option("unit", "单位", &q.unit))?;
            let units = crate::org::all_units(app).await?;
            cond.push(crate::Scope::Units(crate::org::subtree(&units, unit)).sql(self.scope));
        }
        if !q.indicator.trim().is_empty() {
            let y = year.ok_or_else(|| DomainError::required("year", "年度"))?;
            let bad = || DomainError::invalid_option("indicator", "指标", &q.indicator);
            let def = defs
                .iter()
                .find(|d| d.key == q.indicator.trim())
                .ok_or_else(bad)?;
            cond.push(def.drilldown_condition(&Period::year(y)).ok_or_else(bad)?);
        } else if let Some(y) = year {
            cond.push(format!("{} = {y}", self.year));
        }
        if let Some(term) = search_term(&q.text)? {
            binds.push(term);
            cond.push(self.text.into());
        }
        Ok((cond.join(" AND "), binds))
    }

    /// One page of rows and the total.
    pub async fn page(
        &self,
        app: &App,
        where_sql: &str,
        binds: &[String],
        q: &ListQuery,
    ) -> AppResult<(Vec<fazhi_store::AnyRow>, i64, i64, i64)> {
        let (page, per_page) = page_bounds(q.page, q.per_page);
        // Counted without the join: the planner would otherwise drive from `units` through every
        // case (docs/performance.md).
        let count_sql = format!("SELECT COUNT(*) FROM {} WHERE {where_sql}", self.table);
        let mut cq = sqlx::query_scalar::<_, i64>(&count_sql);
        for b in binds {
            cq = cq.bind(b);
        }
        let total = cq.fetch_one(&app.db.pool).await?;
        let rows = self
            .rows(
                app,
                where_sql,
                binds,
                &format!("LIMIT {per_page} OFFSET {}", (page - 1) * per_page),
            )
            .await?;
        Ok((rows, total, page, per_page))
    }

    /// The rows matching, in list order, with a LIMIT clause or "".
    pub async fn rows(
        &self,
        app: &App,
        where_sql: &str,
        binds: &[String],
        limit: &str,
    ) -> AppResult<Vec<fazhi_store::AnyRow>> {
        let sql = format!(
            "SELECT {} FROM {} WHERE {where_sql} ORDER BY {} {limit}",
            self.columns, self.from, self.order
        );
        let mut query = sqlx::query(&sql);
        for b in binds {
            query = query.bind(b);
        }
        Ok(query.fetch_all(&app.db.pool).await?)
    }

    /// The module's indicators for a year within the actor's scope, optionally for one unit
    /// (with or without its children).
    pub async fn indicators(
        &self,
        app: &App,
        actor: &Actor,
        defs: &[crate::indicators::IndicatorDef],
        year: i32,
        unit: Option<i64>,
        children: bool,
    ) -> AppResult<Vec<crate::indicators::IndicatorValue>> {
        actor.require(fazhi_domain::org::Permission::ReadIndicators)?;
        let mut scope = vec![actor.scope.sql(self.scope)];
        if let Some(u) = unit {
            let units = crate::org::all_units(app).await?;
            if !units.iter().any(|x| x.id == u) {
                return Err(DomainError::invalid_option("unit", "单位", &u.to_string()).into());
            }
            let ids = if children {
                crate::org::subtree(&units, u)
            } else {
                vec![u]
            };
            scope.push(crate::Scope::Units(ids).sql(self.scope));
        }
        crate::indicators::compute(app, self.table, defs, &scope.join(" AND "), year).await
    }
}

/// Exports rows as an .xlsx sheet and records the export in the audit log.
pub async fn export_sheet(
    app: &App,
    actor: &Actor,
    entity: &str,
    sheet: &str,
    headers: &[&str],
    q: &ListQuery,
    data: Vec<Vec<String>>,
) -> AppResult<Vec<u8>> {
    let n = data.len();
    let bytes = xlsx::write_table(sheet, headers, data.into_iter())?;
    let mut tx = app.db.begin().await?;
    audit::record(
        &mut tx,
        app,
        actor,
        "export",
        entity,
        "",
        None,
        Some(json!({"filter": q, "rows": n})),
    )
    .await?;
    tx.commit().await?;
    Ok(bytes)
}
