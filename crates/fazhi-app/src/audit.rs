//! The audit log (审计日志): append-only entries of who did what to which record, with the
//! record before and after. Written in the same transaction as the change it describes; the
//! schema refuses updates and deletes. Personal data is masked before it is written here.

use crate::{Actor, App, AppResult};
use fazhi_domain::org::Permission;
use fazhi_store::{Any, Row, Transaction};
use serde::Serialize;
use serde_json::Value;

#[allow(clippy::too_many_arguments)]
pub async fn record(
    tx: &mut Transaction<'_, Any>,
    app: &App,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor_name, action, entity, entity_id, before_json, after_json, request_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(app.now_text())
    .bind(actor.user_id)
    .bind(format!("{}（{}）", actor.display_name, actor.username))
    .bind(action)
    .bind(entity)
    .bind(entity_id)
    .bind(before.map(|v| v.to_string()))
    .bind(after.map(|v| v.to_string()))
    .bind(actor.request_id.clone())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub entity: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub page: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub request_id: Option<String>,
}

pub const AUDIT_PAGE: i64 = 50;

/// Searches the log (审计管理员 only). Returns the page and the total count.
pub async fn search(app: &App, actor: &Actor, q: &AuditQuery) -> AppResult<(Vec<AuditEntry>, i64)> {
    actor.require(Permission::ReadAudit)?;
    let mut cond = vec!["1 = 1".to_string()];
    let mut binds: Vec<String> = vec![];
    let mut add = |sql: &str, v: String| {
        binds.push(v);
        cond.push(sql.replace('?', &format!("${}", binds.len())));
    };
    if !q.actor.trim().is_empty() {
        add("actor_name LIKE ?", format!("%{}%", q.actor.trim()));
    }
    if !q.entity.trim().is_empty() {
        add("entity = ?", q.entity.trim().to_string());
    }
    if !q.action.trim().is_empty() {
        add("action = ?", q.action.trim().to_string());
    }
    if !q.from.trim().is_empty() {
        add("at >= ?", q.from.trim().to_string());
    }
    if !q.to.trim().is_empty() {
        add("at < ?", format!("{}T99", q.to.trim()));
    }
    let where_sql = cond.join(" AND ");
    let count_sql = format!("SELECT COUNT(*) FROM audit_log WHERE {where_sql}");
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
    for b in &binds {
        count = count.bind(b);
    }
    let total = count.fetch_one(&app.db.pool).await?;
    let page = q.page.unwrap_or(1).max(1);
    let sql = format!(
        "SELECT id, at, actor_name, action, entity, entity_id, before_json, after_json, request_id FROM audit_log \
         WHERE {where_sql} ORDER BY id DESC LIMIT {AUDIT_PAGE} OFFSET {}",
        (page - 1) * AUDIT_PAGE
    );
    let mut query = sqlx::query(&sql);
    for b in &binds {
        query = query.bind(b);
    }
    let rows = query.fetch_all(&app.db.pool).await?;
    let entries = rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.get(0),
            at: r.get(1),
            actor: r.get(2),
            action: r.get(3),
            entity: r.get(4),
            entity_id: r.get(5),
            before: r.get(6),
            after: r.get(7),
            request_id: r.get(8),
        })
        .collect();
    Ok((entries, total))
}
