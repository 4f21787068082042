//! The jurisdiction (行政区划) and its tree of organisation units.

use crate::{audit, Actor, App, AppError, AppResult, Scope};
use fazhi_domain::org::{parse_division_code, Permission, UnitKind};
use fazhi_domain::Code;
use fazhi_domain::{error::required_text, DomainError};
use fazhi_store::Row;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Jurisdiction {
    pub name: String,
    pub code: String,
    /// Prefix of case numbers, e.g. 示例复 in 示例复〔2024〕12号.
    pub case_prefix: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Unit {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub kind: String,
    pub kind_label: &'static str,
}

pub async fn jurisdiction(app: &App) -> AppResult<Option<Jurisdiction>> {
    let row = sqlx::query("SELECT name, division_code, case_prefix FROM jurisdiction WHERE id = 1")
        .fetch_optional(&app.db.pool)
        .await?;
    Ok(row.map(|r| Jurisdiction {
        name: r.get(0),
        code: r.get(1),
        case_prefix: r.get(2),
    }))
}

/// Creates the jurisdiction and its government (the root unit). Returns the root unit's id.
pub async fn create_jurisdiction(
    app: &App,
    name: &str,
    code: &str,
    case_prefix: &str,
    government: &str,
) -> AppResult<i64> {
    let name = required_text(name, "name", "行政区划名称", 50)?;
    let code = parse_division_code(code)?;
    let prefix = required_text(case_prefix, "case_prefix", "案号前缀", 20)?;
    let mut tx = app.db.begin().await?;
    sqlx::query(
        "INSERT INTO jurisdiction (id, name, division_code, case_prefix) VALUES (1, $1, $2, $3)",
    )
    .bind(&name)
    .bind(&code)
    .bind(&prefix)
    .execute(&mut *tx)
    .await?;
    let id = insert_unit(&mut tx, None, government, UnitKind::Government, 0).await?;
    let actor = Actor::system("初始化", id);
    audit::record(
        &mut tx,
        app,
        &actor,
        "create",
        "jurisdiction",
        &code,
        None,
        Some(serde_json::json!({"name": name, "code": code})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert_unit(
    tx: &mut fazhi_store::Transaction<'_, fazhi_store::Any>,
    parent: Option<i64>,
    name: &str,
    kind: UnitKind,
    sort: i64,
) -> AppResult<i64> {
    let name = required_text(name, "name", "单位名称", 50)?;
    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM units WHERE name = $1")
        .bind(&name)
        .fetch_one(&mut **tx)
        .await?;
    if exists > 0 {
        return Err(
            DomainError::field(Code::Duplicate, "name", format!("单位“{name}”已存在")).into(),
        );
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO units (parent_id, name, kind, sort) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(parent)
    .bind(&name)
    .bind(kind.code())
    .bind(sort)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// Adds a unit under `parent` (系统管理员, or the system actor).
pub async fn create_unit(
    app: &App,
    actor: &Actor,
    parent: i64,
    name: &str,
    kind: UnitKind,
) -> AppResult<i64> {
    actor.require(Permission::ManageAccounts).or_else(|_| {
        if actor.user_id.is_none() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    })?;
    let mut tx = app.db.begin().await?;
    let parent_ok: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM units WHERE id = $1")
        .bind(parent)
        .fetch_one(&mut *tx)
        .await?;
    if parent_ok == 0 {
        return Err(DomainError::field(Code::NotFound, "parent_id", "上级单位不存在").into());
    }
    let sort: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM units WHERE parent_id = $1")
        .bind(parent)
        .fetch_one(&mut *tx)
        .await?;
    let id = insert_unit(&mut tx, Some(parent), name, kind, sort).await?;
    audit::record(
        &mut tx,
        app,
        actor,
        "create",
        "unit",
        &id.to_string(),
        None,
        Some(serde_json::json!({"name": name, "kind": kind.code(), "parent_id": parent})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn all_units(app: &App) -> AppResult<Vec<Unit>> {
    let mut conn = app.db.pool.acquire().await?;
    units_on(&mut conn).await
}

/// The units, read on a given connection (inside a write transaction).
pub async fn units_on(conn: &mut fazhi_store::AnyConnection) -> AppResult<Vec<Unit>> {
    let rows = sqlx::query(
        "SELECT id, parent_id, name, kind FROM units ORDER BY COALESCE(parent_id, 0), sort, id",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let kind: String = r.get(3);
            Unit {
                id: r.get(0),
                parent_id: r.get(1),
                kind_label: UnitKind::from_code(&kind).map(|k| k.label()).unwrap_or(""),
                name: r.get(2),
                kind,
            }
        })
        .collect())
}

/// The unit and all units below it.
pub fn subtree(units: &[Unit], root: i64) -> Vec<i64> {
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let p = out[i];
        out.extend(
            units
                .iter()
                .filter(|u| u.parent_id == Some(p))
                .map(|u| u.id),
        );
        i += 1;
    }
    out
}

/// Units in tree order with their depth, for select boxes.
pub fn tree_order(units: &[Unit]) -> Vec<(usize, &Unit)> {
    fn walk<'a>(
        units: &'a [Unit],
        parent: Option<i64>,
        depth: usize,
        out: &mut Vec<(usize, &'a Unit)>,
    ) {
        for u in units.iter().filter(|u| u.parent_id == parent) {
            out.push((depth, u));
            walk(units, Some(u.id), depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(units, None, 0, &mut out);
    out
}

/// The units an actor may pick as a filter: those inside his scope.
pub fn units_in_scope<'a>(units: &'a [Unit], scope: &Scope) -> Vec<(usize, &'a Unit)> {
    tree_order(units)
        .into_iter()
        .filter(|(_, u)| scope.contains(u.id))
        .collect()
}

pub async fn find_unit_by_name(app: &App, name: &str) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM units WHERE name = $1")
        .bind(name.trim())
        .fetch_optional(&app.db.pool)
        .await?)
}

/// The units an actor may name in a record he writes under `permission` (the respondent of an
/// application, the defendant of a lawsuit, the unit a 司法建议 is addressed to, the units asked to
/// file in a statistics round, and the same columns of an import file). A named unit puts the
/// record into that unit's scope (it sees the record and its counts include it), so a writer may
/// name only:
/// - units of his write scope (his unit and the units below it), or
/// - any unit, when he is a 复议 or 应诉 clerk of a legal office (`scope.legal_offices`: the
///   司法局, the 复议机构 that takes applications against every organ of the jurisdiction and
///   answers the government's lawsuits), or
/// - for a statistics round (`ManageReport`), the units of his read scope: the 依法治区办 asks
///   every unit of the jurisdiction to file.
///
/// This is the one rule every write that names a unit goes through (`Naming`,
/// `cases::resolve_unit`, `filing::create_round`).
pub fn naming_scope(app: &App, actor: &Actor, units: &[Unit], permission: Permission) -> Scope {
    if permission == Permission::ManageReport {
        return actor.scope.clone();
    }
    let legal_office = matches!(
        permission,
        Permission::WriteReconsideration | Permission::WriteLitigation
    ) && app.config.scope.legal_offices.iter().any(|pattern| {
        let pattern = pattern.trim();
        units
            .iter()
            .filter(|u| match pattern.strip_prefix('*') {
                Some(end) => !end.is_empty() && u.name.ends_with(end),
                None => u.name == pattern,
            })
            .any(|office| subtree(units, office.id).contains(&actor.unit_id))
    });
    if legal_office {
        Scope::All
    } else {
        actor.write_scope.clone()
    }
}

/// Checks a unit a write names (`field`, labelled `label`, e.g. 被告): it must be a unit of the
/// jurisdiction (`not_found`) inside the writer's naming scope (`unit_out_of_scope`), both with a
/// Chinese message naming the field. Returns the unit.
pub fn check_named<'a>(
    units: &'a [Unit],
    scope: &Scope,
    id: i64,
    field: &str,
    label: &str,
) -> Result<&'a Unit, DomainError> {
    let unit = units.iter().find(|u| u.id == id).ok_or_else(|| {
        DomainError::field(
            Code::NotFound,
            field,
            format!("{label}不是本行政区划内的单位"),
        )
    })?;
    if !scope.contains(id) {
        return Err(DomainError::field(
            UNIT_OUT_OF_SCOPE,
            field,
            format!(
                "{label}“{}”不在您可以登记的单位范围内：只能填写本单位及下属单位",
                unit.name
            ),
        ));
    }
    Ok(unit)
}

/// The error code of a write naming a unit outside the writer's naming scope.
pub const UNIT_OUT_OF_SCOPE: Code = Code::UnitOutOfScope;

/// The units a write (or a batch of them) may name, read once on the write's connection: the
/// name of the unit `field` names after [`check_named`], under the writer's naming scope.
pub struct Naming {
    units: Vec<Unit>,
    scope: Scope,
}

impl Naming {
    pub async fn load(
        conn: &mut fazhi_store::AnyConnection,
        app: &App,
        actor: &Actor,
        permission: Permission,
    ) -> AppResult<Self> {
        let units = units_on(conn).await?;
        let scope = naming_scope(app, actor, &units, permission);
        Ok(Self { units, scope })
    }

    /// The name of the unit `id` after [`check_named`].
    pub fn name(&self, id: i64, field: &str, label: &str) -> Result<String, DomainError> {
        Ok(check_named(&self.units, &self.scope, id, field, label)?
            .name
            .clone())
    }
}

/// The root unit (the government) and the jurisdiction's name.
pub async fn root(app: &App) -> AppResult<(i64, String, String)> {
    let j = jurisdiction(app)
        .await?
        .ok_or_else(|| AppError::Internal("jurisdiction not initialised".into()))?;
    let r = sqlx::query("SELECT id, name FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1")
        .fetch_one(&app.db.pool)
        .await?;
    Ok((r.get(0), r.get(1), j.name))
}
