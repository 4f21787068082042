//! The audit log (审计日志): append-only entries of who did what to which record, with the
//! record before and after. Written in the same transaction as the change it describes; the
//! schema refuses updates and deletes. Personal data is masked before it is written here.

use crate::{Actor, App, AppResult};
use fazhi_domain::org::Permission;
use fazhi_store::{Any, Row, Transaction};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

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
    // Taking the head row first serialises audit writers (a row lock on PostgreSQL, the write
    // lock on SQLite), so each entry links to the one committed just before it.
    let head =
        sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_hash")
            .fetch_one(&mut **tx)
            .await?;
    let e = ChainFields {
        seq: head.get(0),
        at: app.now_text(),
        actor_id: actor.user_id,
        actor_name: format!("{}（{}）", actor.display_name, actor.username),
        action: action.to_string(),
        entity: entity.to_string(),
        entity_id: Some(entity_id.to_string()),
        before: before.map(|v| v.to_string()),
        after: after.map(|v| v.to_string()),
        request_id: actor.request_id.clone(),
    };
    let prev: String = head.get(1);
    let hash = e.hash(&prev);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_id, actor_name, action, entity, entity_id, before_json, after_json, request_id, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(e.seq)
    .bind(&e.at)
    .bind(e.actor_id)
    .bind(&e.actor_name)
    .bind(&e.action)
    .bind(&e.entity)
    .bind(&e.entity_id)
    .bind(&e.before)
    .bind(&e.after)
    .bind(&e.request_id)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Records an event that changes nothing else (a login attempt, a read of personal data), in
/// its own transaction.
pub async fn record_alone(
    app: &App,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: &str,
    after: Option<Value>,
) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    record(&mut tx, app, actor, action, entity, entity_id, None, after).await?;
    tx.commit().await?;
    Ok(())
}

/// The fields of an entry that its hash covers, in a fixed order.
#[derive(Debug, Clone, Serialize)]
struct ChainFields {
    seq: i64,
    at: String,
    actor_id: Option<i64>,
    actor_name: String,
    action: String,
    entity: String,
    entity_id: Option<String>,
    before: Option<String>,
    after: Option<String>,
    request_id: Option<String>,
}

impl ChainFields {
    /// SHA-256 over the previous entry's hash and this entry's fields as a JSON array (a
    /// canonical encoding: fixed order, no whitespace, strings escaped one way).
    fn hash(&self, prev: &str) -> String {
        let body = serde_json::json!([
            prev,
            self.seq,
            self.at,
            self.actor_id,
            self.actor_name,
            self.action,
            self.entity,
            self.entity_id,
            self.before,
            self.after,
            self.request_id
        ]);
        hex::encode(Sha256::digest(body.to_string().as_bytes()))
    }
}

/// The outcome of `fazhi audit verify`.
#[derive(Debug, Clone, Serialize)]
pub struct ChainReport {
    /// Entries written before the chain existed (migration 0003), not covered.
    pub unchained: i64,
    /// Chained entries checked and found intact, up to the first broken one.
    pub verified: i64,
    /// The first broken link, if any: (sequence number, what is wrong).
    pub broken: Option<(i64, String)>,
    /// The head's hash, to be noted down outside the system (e.g. printed and signed monthly),
    /// which also detects removal of the newest entries.
    pub head_hash: String,
}

/// Walks the chain in sequence order and reports the first entry whose link or content does not
/// match. Reads in pages, so the whole log is never held in memory.
pub async fn verify_chain(app: &App) -> AppResult<ChainReport> {
    let unchained: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE hash IS NULL OR seq IS NULL")
            .fetch_one(&app.db.pool)
            .await?;
    let head = sqlx::query("SELECT seq, last_hash FROM audit_head WHERE id = 1")
        .fetch_one(&app.db.pool)
        .await?;
    let head_seq: i64 = head.get(0);
    let head_hash: String = head.get(1);
    let mut prev = "0".repeat(64);
    let mut expected = 1i64;
    let mut verified = 0;
    let broken = loop {
        let rows = sqlx::query(
            "SELECT seq, at, actor_id, actor_name, action, entity, entity_id, before_json, after_json, request_id, prev_hash, hash \
             FROM audit_log WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT 5000",
        )
        .bind(expected)
        // Only up to the head as read above: an entry committed while the check runs (the
        // server keeps writing) is newer than that head, and is checked the next time.
        .bind(head_seq)
        .fetch_all(&app.db.pool)
        .await?;
        if rows.is_empty() {
            break if expected - 1 != head_seq {
                Some((
                    expected,
                    format!("日志缺少第{expected}条至第{head_seq}条（链头记录为第{head_seq}条）"),
                ))
            } else if prev != head_hash {
                Some((head_seq, "最后一条日志的哈希值与链头不一致".into()))
            } else {
                None
            };
        }
        let mut bad = None;
        for r in &rows {
            let e = ChainFields {
                seq: r.get(0),
                at: r.get(1),
                actor_id: r.get(2),
                actor_name: r.get(3),
                action: r.get(4),
                entity: r.get(5),
                entity_id: r.get(6),
                before: r.get(7),
                after: r.get(8),
                request_id: r.get(9),
            };
            let stored_prev: Option<String> = r.get(10);
            let stored: Option<String> = r.get(11);
            if e.seq != expected {
                bad = Some((expected, format!("第{expected}条日志缺失")));
            } else if stored_prev.as_deref() != Some(prev.as_str()) {
                bad = Some((
                    e.seq,
                    "与前一条日志的链接不一致（前一条被删除或修改）".into(),
                ));
            } else if stored.as_deref() != Some(e.hash(&prev).as_str()) {
                bad = Some((e.seq, "日志内容与其哈希值不符（该条被修改）".into()));
            }
            if bad.is_some() {
                break;
            }
            prev = stored.unwrap_or_default();
            expected += 1;
            verified += 1;
        }
        if bad.is_some() {
            break bad;
        }
    };
    // Entries after the head read above must belong to writers that committed since: the
    // largest seq read first, then the head again, which every writer moves in the same
    // transaction as its entry. An entry beyond the head as it is now was not written by one.
    let broken = match broken {
        Some(b) => Some(b),
        None => {
            let max: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM audit_log")
                .fetch_one(&app.db.pool)
                .await?;
            let now: i64 = sqlx::query_scalar("SELECT seq FROM audit_head WHERE id = 1")
                .fetch_one(&app.db.pool)
                .await?;
            max.filter(|m| *m > now).map(|m| {
                (
                    m,
                    format!("第{m}条日志在链头之后（链头记录为第{now}条），不是正常写入的"),
                )
            })
        }
    };
    Ok(ChainReport {
        unchained,
        verified,
        broken,
        head_hash,
    })
}

#[derive(Debug, Clone, Default, serde::Deserialize, Serialize)]
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

/// The WHERE clause and binds of a search.
fn filter(q: &AuditQuery) -> (String, Vec<String>) {
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
    (cond.join(" AND "), binds)
}

/// Searches the log (审计管理员 only). Returns the page and the total count.
pub async fn search(app: &App, actor: &Actor, q: &AuditQuery) -> AppResult<(Vec<AuditEntry>, i64)> {
    actor.require(Permission::ReadAudit)?;
    let (where_sql, binds) = filter(q);
    let count_sql = format!("SELECT COUNT(*) FROM audit_log WHERE {where_sql}");
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
    for b in &binds {
        count = count.bind(b);
    }
    let total = count.fetch_one(&app.db.pool).await?;
    let page = q
        .page
        .unwrap_or(1)
        .clamp(1, crate::reconsideration::MAX_PAGE);
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

/// At most this many entries go into one export file.
pub const EXPORT_LIMIT: i64 = 200_000;

/// Exports the filtered log to .xlsx (审计管理员 only), oldest first, with each entry's sequence
/// number and hash so that the copy can be checked against the chain. The export is itself
/// recorded.
pub async fn export(app: &App, actor: &Actor, q: &AuditQuery) -> AppResult<Vec<u8>> {
    actor.require(Permission::ReadAudit)?;
    let (where_sql, binds) = filter(q);
    let sql = format!(
        "SELECT seq, at, actor_name, action, entity, entity_id, before_json, after_json, request_id, hash FROM audit_log \
         WHERE {where_sql} ORDER BY id LIMIT {EXPORT_LIMIT}"
    );
    let mut query = sqlx::query(&sql);
    for b in &binds {
        query = query.bind(b);
    }
    let rows = query.fetch_all(&app.db.pool).await?;
    let count = rows.len();
    let data = rows.into_iter().map(|r| {
        let text = |i: usize| r.get::<Option<String>, _>(i).unwrap_or_default();
        vec![
            r.get::<Option<i64>, _>(0)
                .map(|s| s.to_string())
                .unwrap_or_default(),
            r.get::<String, _>(1),
            r.get::<String, _>(2),
            r.get::<String, _>(3),
            r.get::<String, _>(4),
            text(5),
            text(6),
            text(7),
            text(8),
            text(9),
        ]
    });
    let headers = [
        "序号",
        "时间（UTC）",
        "操作人",
        "操作",
        "对象",
        "对象编号",
        "变更前",
        "变更后",
        "请求编号",
        "哈希值",
    ];
    let bytes = crate::xlsx::write_table("审计日志", &headers, data)?;
    record_alone(
        app,
        actor,
        "export",
        "audit_log",
        "",
        Some(serde_json::json!({"filter": q, "rows": count})),
    )
    .await?;
    Ok(bytes)
}
