//! The audit log (审计日志): append-only entries of who did what to which record, with the
//! record before and after. Written in the same transaction as the change it describes; the
//! schema refuses updates and deletes. Personal data is masked before it is written here
//! (`mask_value`), and again when the log is shown or exported (`mask_for_display`), which also
//! covers entries written before names were masked without touching their hashes.

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
    append(
        tx,
        app,
        actor,
        (action, entity, entity_id),
        masked(before),
        masked(after),
    )
    .await
}

/// A value as the log keeps it: personal data masked ([`mask_value`]).
fn masked(v: Option<Value>) -> Option<Value> {
    v.map(|mut v| {
        mask_value(&mut v, false);
        v
    })
}

/// One entry of [`record_many`]: the action, the entity and its id, the value after.
pub struct Entry {
    pub action: &'static str,
    pub entity: &'static str,
    pub entity_id: String,
    pub after: Option<Value>,
}

/// Records many entries of one actor in order (an import's new records), masked as [`record`]
/// masks, in a few statements: the head advanced once, the chain of hashes computed here.
pub async fn record_many(
    tx: &mut Transaction<'_, Any>,
    app: &App,
    actor: &Actor,
    entries: Vec<Entry>,
) -> AppResult<()> {
    let entries = entries
        .into_iter()
        .map(|e| ((e.action, e.entity, e.entity_id), None, masked(e.after)));
    append_all(tx, app, actor, entries.collect()).await
}

/// Appends an entry as given (`record` masks it first).
async fn append(
    tx: &mut Transaction<'_, Any>,
    app: &App,
    actor: &Actor,
    (action, entity, entity_id): (&str, &str, &str),
    before: Option<Value>,
    after: Option<Value>,
) -> AppResult<()> {
    let e = ((action, entity, entity_id.to_string()), before, after);
    append_all(tx, app, actor, vec![e]).await
}

/// An entry to append: (action, entity, entity id), before, after.
type NewEntry<'a> = ((&'a str, &'a str, String), Option<Value>, Option<Value>);

/// Appends entries as given, in order, linking each to the one before.
async fn append_all(
    tx: &mut Transaction<'_, Any>,
    app: &App,
    actor: &Actor,
    entries: Vec<NewEntry<'_>>,
) -> AppResult<()> {
    use fazhi_store::rows::{self, Val};
    if entries.is_empty() {
        return Ok(());
    }
    // Taking the head row first serialises audit writers (a row lock on PostgreSQL; SQLite's
    // transactions hold the write lock from their start), so the entries link to the one
    // committed just before them.
    let n = i64::try_from(entries.len()).unwrap_or(i64::MAX);
    let head =
        sqlx::query("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, last_hash")
            .bind(n)
            .fetch_one(&mut **tx)
            .await?;
    let last: i64 = head.get(0);
    let mut prev: String = head.get(1);
    let at = app.now_text();
    let actor_name = format!("{}（{}）", actor.display_name, actor.username);
    let mut out = Vec::with_capacity(entries.len());
    for (i, ((action, entity, entity_id), before, after)) in entries.into_iter().enumerate() {
        let e = ChainFields {
            seq: last - n + 1 + i as i64,
            at: at.clone(),
            actor_id: actor.user_id,
            actor_name: actor_name.clone(),
            action: action.to_string(),
            entity: entity.to_string(),
            entity_id: Some(entity_id),
            before: before.map(|v| v.to_string()),
            after: after.map(|v| v.to_string()),
            request_id: actor.request_id.clone(),
        };
        let hash = e.hash(&prev);
        out.push(vec![
            Val::from(e.seq),
            e.at.into(),
            e.actor_id.into(),
            e.actor_name.into(),
            e.action.into(),
            e.entity.into(),
            e.entity_id.into(),
            e.before.into(),
            e.after.into(),
            e.request_id.into(),
            std::mem::replace(&mut prev, hash.clone()).into(),
            hash.into(),
        ]);
    }
    rows::insert(
        tx,
        app.db.backend,
        "audit_log",
        &[
            "seq",
            "at",
            "actor_id",
            "actor_name",
            "action",
            "entity",
            "entity_id",
            "before_json",
            "after_json",
            "request_id",
            "prev_hash",
            "hash",
        ],
        out,
    )
    .await?;
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .bind(&prev)
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

// ---------- personal data in before / after values ----------

/// Party roles whose natural persons' names are masked.
const PARTY_ROLES: [&str; 4] = ["applicant", "plaintiff", "agent", "third_party"];
/// Form fields naming a party (`{prefix}_name`, with `{prefix}_kind`), and the joined names.
const NAME_PREFIXES: [&str; 4] = ["applicant", "plaintiff", "agent", "third_party"];
/// Free text of a case (复议请求, 诉讼请求, a suggestion's content): the auditor reads who changed
/// what, not the case, so it is shown by its length only.
const CONTENT_KEYS: [&str; 3] = ["request", "claim", "content"];

/// Masks personal data in an entry's value, in place: names of natural persons among the parties
/// (张三 → 张*; an organisation, known by its kind or its unmasked credit code, keeps its name),
/// every 身份证号, phone number and address, and the same names wherever else they occur in the
/// entry (a summary, a note). With `display`, case content is replaced by its length and any
/// number shaped like a 身份证号 is masked (when writing, only valid ones).
pub fn mask_value(v: &mut Value, display: bool) {
    let mut names = Vec::new();
    walk(v, display, &mut names);
    names.retain(|n: &String| n.chars().count() >= 2);
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    names.dedup();
    if !names.is_empty() {
        replace_names(v, &names);
    }
}

/// An entry's stored before/after text as the 审计管理员 sees it (page, API, export).
pub fn mask_for_display(text: &str) -> String {
    match serde_json::from_str::<Value>(text) {
        Ok(mut v) => {
            mask_value(&mut v, true);
            v.to_string()
        }
        Err(_) => fazhi_domain::party::mask_personal_numbers(text, false),
    }
}

fn walk(v: &mut Value, display: bool, names: &mut Vec<String>) {
    use fazhi_domain::ids::{mask_middle, mask_phone};
    use fazhi_domain::party::{mask_name, mask_personal_numbers};
    match v {
        Value::String(s) => *s = mask_personal_numbers(s, !display),
        Value::Array(items) => items.iter_mut().for_each(|x| walk(x, display, names)),
        Value::Object(map) => {
            let text = |map: &serde_json::Map<String, Value>, k: &str| {
                map.get(k).and_then(Value::as_str).map(str::to_string)
            };
            // A party of `parties_audit` (role, kind, name, identity, phone).
            let party = text(map, "role").is_some_and(|r| PARTY_ROLES.contains(&r.as_str()));
            let organisation = |map: &serde_json::Map<String, Value>, prefix: &str| {
                let kind = if prefix.is_empty() {
                    "kind".to_string()
                } else {
                    format!("{prefix}_kind")
                };
                text(map, &kind).as_deref() == Some("organisation")
                    || (prefix.is_empty()
                        && text(map, "kind").is_none()
                        && text(map, "identity").is_some_and(|i| {
                            // A credit code is shown unmasked; a 身份证号 masked (or, in full, valid).
                            !i.is_empty()
                                && !i.contains('*')
                                && fazhi_domain::ids::IdCardNumber::parse(&i).is_err()
                        }))
            };
            let mut keep_names = vec![];
            if party && organisation(map, "") {
                keep_names.push("name".to_string());
            }
            for p in NAME_PREFIXES {
                if organisation(map, p) {
                    keep_names.push(format!("{p}_name"));
                }
            }
            for (k, x) in map.iter_mut() {
                let name_key = (party && k == "name")
                    || NAME_PREFIXES
                        .iter()
                        .any(|p| *k == format!("{p}_name") || *k == format!("{p}_names"));
                match x {
                    Value::String(s) if name_key && !keep_names.contains(k) => {
                        let parts: Vec<String> = s
                            .split('、')
                            .map(|n| {
                                if !n.contains('*') {
                                    names.push(n.trim().to_string());
                                }
                                mask_name(n)
                            })
                            .collect();
                        *s = parts.join("、");
                    }
                    Value::String(s) if k == "phone" || k.ends_with("_phone") => {
                        if !s.contains('*') {
                            *s = mask_phone(s.trim());
                        }
                    }
                    Value::String(s) if k.ends_with("id_number") => {
                        if !s.contains('*') {
                            *s = mask_middle(s.trim(), 4, 4);
                        }
                    }
                    Value::String(s) if k == "address" || k.ends_with("_address") => {
                        *s = mask_middle(s.trim(), 6, 0);
                    }
                    Value::String(s) if display && CONTENT_KEYS.contains(&k.as_str()) => {
                        *s = format!("（案件内容已隐去，共{}字）", s.chars().count());
                    }
                    _ => walk(x, display, names),
                }
            }
        }
        _ => {}
    }
}

fn replace_names(v: &mut Value, names: &[String]) {
    match v {
        Value::String(s) => {
            for n in names {
                if s.contains(n.as_str()) {
                    *s = s.replace(n.as_str(), &fazhi_domain::party::mask_name(n));
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|x| replace_names(x, names)),
        Value::Object(map) => map.values_mut().for_each(|x| replace_names(x, names)),
        _ => {}
    }
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
    let page = q.page.unwrap_or(1).clamp(1, crate::MAX_PAGE);
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
            before: r.get::<Option<String>, _>(6).map(|t| mask_for_display(&t)),
            after: r.get::<Option<String>, _>(7).map(|t| mask_for_display(&t)),
            request_id: r.get(8),
        })
        .collect();
    Ok((entries, total))
}

/// At most this many entries go into one export file.
pub const EXPORT_LIMIT: i64 = 200_000;

/// Exports the filtered log to .xlsx (审计管理员 only), oldest first, with each entry's sequence
/// number and hash so that the copy can be matched with the chain (its before and after values
/// are masked as on the page, so the hash is not recomputed from the copy). The export is itself
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
            mask_for_display(&text(6)),
            mask_for_display(&text(7)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_identity_and_phones_are_masked_and_organisations_keep_their_names() {
        let mut v = json!({"case_no": "示例复〔2024〕1号", "request": "撤销对张三的处罚，电话13900001111",
            "parties": [
                {"role": "applicant", "kind": "person", "name": "张三", "identity": "1101**********002X", "phone": "139****1111"},
                {"role": "applicant", "kind": "organisation", "name": "示例有限公司", "identity": "91110000100000000X"},
                {"role": "agent", "name": "李四律师", "identity": "", "phone": null},
                {"role": "third_party", "name": "某某公司", "identity": "91440300MA5G0LXX1K"}
            ],
            "step": {"summary": "张三到场", "applicant_phone": "13900001111", "plaintiff_name": "王五",
                     "address": "北京市海淀区中关村大街1号"}});
        mask_value(&mut v, false);
        let t = v.to_string();
        for s in ["张三", "李四律师", "王五", "13900001111", "中关村大街1号"] {
            assert!(!t.contains(s), "{s} in {t}");
        }
        for s in [
            "张*",
            "李***",
            "王*",
            "139****1111",
            "示例有限公司",
            "某某公司",
            "北京市海淀区",
        ] {
            assert!(t.contains(s), "{s} not in {t}");
        }
        // Written entries keep the request; the auditor's view shows its length only.
        assert!(t.contains("撤销对张*的处罚"), "{t}");
        let shown = mask_for_display(&t);
        assert!(!shown.contains("撤销对"), "{shown}");
        assert!(shown.contains("案件内容已隐去"), "{shown}");
        // Not JSON: the numbers are still masked.
        assert_eq!(
            mask_for_display("身份证110105194912310021"),
            "身份证1101**********0021"
        );
    }

    /// An entry written before names were masked is masked when shown and exported, and the chain
    /// (over the stored text) still verifies.
    #[tokio::test]
    async fn entries_written_before_masking_are_masked_when_shown_and_still_verify() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("a.db").display());
        let db = fazhi_store::Db::connect(&url, true).await.unwrap();
        db.migrate().await.unwrap();
        let app = App::new(
            db,
            crate::Config::default(),
            std::sync::Arc::new(crate::FixedClock(
                chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
            )),
        )
        .unwrap();
        let clerk = Actor::system("测试", 1);
        let old = json!({"case_no": "示例复〔2024〕1号", "request": "请求撤销",
            "parties": [{"role": "applicant", "name": "欧阳秘密", "identity": "11010519491231002X",
                         "phone": "13900001111"}]});
        let mut tx = app.db.begin().await.unwrap();
        append(
            &mut tx,
            &app,
            &clerk,
            ("create", "rc_case", "1"),
            None,
            Some(old.clone()),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        // Written the way it was before: in full.
        let stored: String = sqlx::query_scalar("SELECT after_json FROM audit_log WHERE seq = 1")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        assert!(stored.contains("欧阳秘密"));
        // A new entry is masked when written.
        let mut tx = app.db.begin().await.unwrap();
        record(
            &mut tx,
            &app,
            &clerk,
            "create",
            "rc_case",
            "2",
            None,
            Some(old),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let stored: String = sqlx::query_scalar("SELECT after_json FROM audit_log WHERE seq = 2")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        assert!(
            !stored.contains("欧阳秘密") && stored.contains("欧***"),
            "{stored}"
        );
        assert!(!stored.contains("11010519491231002X") && !stored.contains("13900001111"));
        // The auditor's search and export show neither entry's personal data.
        let auditor = Actor {
            roles: vec![fazhi_domain::org::Role::AuditAdmin],
            user_id: Some(99),
            ..Actor::system("审计", 1)
        };
        let (entries, total) = search(&app, &auditor, &AuditQuery::default())
            .await
            .unwrap();
        assert_eq!(total, 2);
        let shown = serde_json::to_string(&entries).unwrap();
        let bytes = export(&app, &auditor, &AuditQuery::default())
            .await
            .unwrap();
        let (_, rows) = crate::xlsx::read_table(&bytes).unwrap();
        let exported = rows.concat().join(" ");
        for text in [&shown, &exported] {
            for secret in ["欧阳秘密", "11010519491231002X", "13900001111"] {
                assert!(!text.contains(secret), "{secret} shown: {text}");
            }
            assert!(text.contains("欧***"), "{text}");
        }
        // The chain is over the stored text: it still verifies.
        let r = verify_chain(&app).await.unwrap();
        assert!(r.broken.is_none(), "{r:?}");
        assert_eq!(r.verified, 3, "two entries and the export's");
    }
}
