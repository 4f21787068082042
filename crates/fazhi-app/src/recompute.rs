//! Recomputing provisional (暂定) deadlines when a year's official holiday file is added (issue 14
//! §1). Every open deadline stored `provisional = 1` whose computation on the loaded calendar
//! now gives another due date or no longer counts a provisional year is saved again
//! ([`deadlines::save`]), its case row's nearest due date with it, in one transaction with one
//! audit entry (`recompute_provisional`). The run and each deadline it changed (old due date →
//! new) are kept (`deadline_recompute_runs`, `deadline_recompute_items`) for the office's page.
//!
//! Idempotent: a run that finds nothing to change writes nothing, not even an audit entry. It
//! runs at server start (the calendar is loaded then), by `fazhi calendar recompute`, and after
//! `fazhi calendar import --write`.

use crate::deadlines::{self, StoredDeadline};
use crate::registry::{self, Entry};
use crate::{audit, Actor, App, AppError, AppResult};
use chrono::NaiveDate;
use fazhi_domain::deadline::Clock;
use fazhi_domain::org::Permission;
use fazhi_store::{Any, Row, Transaction};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeSet;

/// The audit action of a run.
pub const ACTION: &str = "recompute_provisional";

/// One deadline a run changed.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub deadline_id: i64,
    pub module: String,
    pub module_label: &'static str,
    pub case_id: i64,
    pub case_no: String,
    pub kind: String,
    pub kind_label: String,
    pub old_due: Option<String>,
    pub new_due: Option<String>,
    /// Still 暂定: it also counts days of a later year without its official file.
    pub provisional: bool,
}

impl Item {
    /// Whether the due date moved (otherwise only its 暂定 mark went).
    pub fn moved(&self) -> bool {
        self.old_due != self.new_due
    }

    /// The case's page.
    pub fn href(&self) -> String {
        let list = registry::find(&self.module).map_or("", |m| m.list_url);
        format!("{list}/{}", self.case_id)
    }

    /// "（2026）示复字第1号 复议决定期限：2027年2月2日 → 2027年2月11日（暂定）", for the command's output.
    pub fn line(&self) -> String {
        let day = |d: &Option<String>| {
            d.as_deref()
                .and_then(|d| d.parse::<NaiveDate>().ok())
                .map(fazhi_domain::calendar::format_date_cn)
                .unwrap_or_else(|| "（暂停计算）".into())
        };
        format!(
            "{} {}：{} → {}{}",
            self.case_no,
            self.kind_label,
            day(&self.old_due),
            day(&self.new_due),
            if self.provisional {
                "（仍为暂定）"
            } else {
                ""
            }
        )
    }
}

/// What a run did.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The stored run; `None` when nothing changed (nothing written).
    pub run_id: Option<i64>,
    pub items: Vec<Item>,
}

impl Outcome {
    pub fn moved(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| i.moved())
    }
}

/// A stored deadline kind's label in its module, or the code itself.
fn kind_label(m: Option<&Entry>, kind: &str) -> String {
    match m.map(|m| (m.deadline_label)(kind)) {
        Some(label) if !label.is_empty() => label.to_string(),
        _ => kind.to_string(),
    }
}

/// A record's number (案号, or a suggestion's 文号).
async fn case_no(tx: &mut Transaction<'_, Any>, m: &Entry, case_id: i64) -> AppResult<String> {
    let sql = format!("SELECT {} FROM {} WHERE c.id = $1", m.number, m.table.table);
    Ok(sqlx::query_scalar::<_, String>(&sql)
        .bind(case_id)
        .fetch_optional(&mut **tx)
        .await?
        .unwrap_or_default())
}

/// The official years of the loaded calendar, e.g. "2019—2027".
fn official_years(app: &App) -> String {
    let years = app.cal().covered_years();
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}—{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    }
}

/// Recomputes the open provisional deadlines on the loaded calendar (see the module's text).
/// Run by the system (server start, the CLI) or by the office or the 系统管理员.
pub async fn run(app: &App, actor: &Actor) -> AppResult<Outcome> {
    if !(actor.can(Permission::ManageReport) || actor.can(Permission::ManageAccounts)) {
        return Err(AppError::Forbidden);
    }
    let mut tx = app.db.begin().await?;
    // PostgreSQL: one run at a time (two servers starting together); SQLite's write lock is taken
    // by the first UPDATE, and a second run then finds the rows already changed.
    let lock = if app.db.backend == fazhi_store::Backend::Postgres {
        " FOR UPDATE"
    } else {
        ""
    };
    let rows = sqlx::query(&format!(
        "SELECT id, module, case_id, kind, clock_json, due_date FROM deadlines \
         WHERE provisional = 1 AND completed_date IS NULL ORDER BY id{lock}"
    ))
    .fetch_all(&mut *tx)
    .await?;
    let mut items = Vec::new();
    let mut cases = BTreeSet::new();
    for r in rows {
        let clock: Clock = serde_json::from_str(&r.get::<String, _>(4))?;
        let old_due: Option<String> = r.get(5);
        let computed = match clock.compute(&app.cal()) {
            Ok(c) => c,
            Err(e) => {
                // Not countable on this calendar (a year beyond the provisional window): kept.
                tracing::warn!(deadline = r.get::<i64, _>(0), error = %e.message, "not recomputed");
                continue;
            }
        };
        let new_due = computed.due.map(|d| d.to_string());
        if computed.provisional && new_due == old_due {
            continue; // nothing new about it yet
        }
        let d = StoredDeadline {
            id: r.get(0),
            kind: r.get(3),
            clock,
            due: old_due.as_deref().and_then(|s| s.parse().ok()),
            completed: None,
            provisional: true,
        };
        deadlines::save(&mut tx, app, &d).await?;
        let module: String = r.get(1);
        let case_id: i64 = r.get(2);
        cases.insert((module.clone(), case_id));
        let m = registry::find(&module);
        items.push(Item {
            deadline_id: d.id,
            module_label: m.map_or("", |m| m.label),
            case_no: match m {
                Some(m) => case_no(&mut tx, m, case_id).await?,
                None => String::new(),
            },
            kind_label: kind_label(m, &d.kind),
            kind: d.kind,
            module,
            case_id,
            old_due,
            new_due,
            provisional: computed.provisional,
        });
    }
    if items.is_empty() {
        return Ok(Outcome {
            run_id: None,
            items,
        });
    }
    // The case rows' nearest due dates (list filters, 超期预警) follow.
    for (module, case_id) in &cases {
        let Some(table) = registry::find(module).map(|m| m.cases) else {
            continue;
        };
        let ds = deadlines::load(&mut tx, module, *case_id).await?;
        let (next_due, unit) = deadlines::next_due(&ds, app)?;
        sqlx::query(&format!(
            "UPDATE {table} SET next_due = $1, next_due_unit = $2 WHERE id = $3"
        ))
        .bind(next_due.map(|d| d.to_string()))
        .bind(unit)
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    }
    let moved = items.iter().filter(|i| i.moved()).count() as i64;
    let years = official_years(app);
    let run_id: i64 = sqlx::query_scalar(
        "INSERT INTO deadline_recompute_runs (run_at, actor_name, official_years, recomputed, moved) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(app.now_text())
    .bind(&actor.display_name)
    .bind(&years)
    .bind(items.len() as i64)
    .bind(moved)
    .fetch_one(&mut *tx)
    .await?;
    for i in &items {
        sqlx::query(
            "INSERT INTO deadline_recompute_items (run_id, deadline_id, module, case_id, case_no, kind, kind_label, old_due, new_due, provisional) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(run_id)
        .bind(i.deadline_id)
        .bind(&i.module)
        .bind(i.case_id)
        .bind(&i.case_no)
        .bind(&i.kind)
        .bind(&i.kind_label)
        .bind(&i.old_due)
        .bind(&i.new_due)
        .bind(i64::from(i.provisional))
        .execute(&mut *tx)
        .await?;
    }
    let entry = |i: &Item| {
        json!({
            "deadline_id": i.deadline_id, "module": i.module, "case_id": i.case_id,
            "case_no": i.case_no, "kind": i.kind, "old_due": i.old_due, "new_due": i.new_due,
            "provisional": i.provisional,
        })
    };
    audit::record(
        &mut tx,
        app,
        actor,
        ACTION,
        "deadline_recompute",
        &run_id.to_string(),
        None,
        Some(json!({
            "official_years": years,
            "recomputed": items.len(),
            "moved": items.iter().filter(|i| i.moved()).map(entry).collect::<Vec<_>>(),
            "unchanged_dates": items.iter().filter(|i| !i.moved()).map(entry).collect::<Vec<_>>(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome {
        run_id: Some(run_id),
        items,
    })
}

/// A stored run as the office's page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RunView {
    pub id: i64,
    pub run_at: String,
    pub actor_name: String,
    pub official_years: String,
    pub recomputed: i64,
    pub moved: i64,
    /// The changed deadlines of cases the reader may see (none for a reader without case
    /// access: the 系统管理员 sees the counts only, 三员分立).
    pub items: Vec<Item>,
}

/// The runs, newest first (at most 50), each with the deadlines it changed in cases within the
/// reader's scope. For the office (依法治区办) and the 系统管理员.
pub async fn runs(app: &App, actor: &Actor) -> AppResult<Vec<RunView>> {
    if !(actor.can(Permission::ManageReport) || actor.can(Permission::ManageAccounts)) {
        return Err(AppError::Forbidden);
    }
    let rows = sqlx::query(
        "SELECT id, run_at, actor_name, official_years, recomputed, moved FROM deadline_recompute_runs ORDER BY id DESC LIMIT 50",
    )
    .fetch_all(&app.db.pool)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let id: i64 = r.get(0);
        let mut items = Vec::new();
        if actor.can(Permission::ReadCases) {
            for m in registry::MODULES {
                let (module, t) = (m.name, m.table);
                let sql = format!(
                    "SELECT i.deadline_id, i.case_id, i.case_no, i.kind, i.kind_label, i.old_due, i.new_due, i.provisional \
                     FROM deadline_recompute_items i JOIN {} ON c.id = i.case_id \
                     WHERE i.run_id = $1 AND i.module = $2 AND {} ORDER BY i.id",
                    t.table,
                    actor.scope.sql(t.scope)
                );
                for i in sqlx::query(&sql)
                    .bind(id)
                    .bind(module)
                    .fetch_all(&app.db.pool)
                    .await?
                {
                    items.push(Item {
                        deadline_id: i.get(0),
                        module: module.to_string(),
                        module_label: m.label,
                        case_id: i.get(1),
                        case_no: i.get(2),
                        kind: i.get(3),
                        kind_label: i.get(4),
                        old_due: i.get(5),
                        new_due: i.get(6),
                        provisional: i.get::<i64, _>(7) != 0,
                    });
                }
            }
        }
        out.push(RunView {
            id,
            run_at: r.get(1),
            actor_name: r.get(2),
            official_years: r.get(3),
            recomputed: r.get(4),
            moved: r.get(5),
            items,
        });
    }
    Ok(out)
}
