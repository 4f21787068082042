//! Registering cases: one from a form or thousands from an .xlsx, through the same path.
//!
//! A module prepares each new case as data ([`NewCase`]: its columns, parties, the clocks that
//! start, the timeline's summary, the audit view); the kernel writes every case of a batch in a
//! few multi-row statements per table (`fazhi_store::rows`), in the caller's transaction, all or
//! nothing. The head columns every module has (`version`, `last_event_date`, `next_due`,
//! `next_due_unit`, `created_at`, `updated_at`) are the kernel's.

use super::Module;
use crate::audit;
use crate::deadlines::{self, StoredDeadline};
use crate::org::Naming;
use crate::{Actor, App, AppError, AppResult};
use chrono::NaiveDate;
use fazhi_domain::deadline::Clock;
use fazhi_domain::fields::Fields;
use fazhi_domain::org::Permission;
use fazhi_domain::party::Party;
use fazhi_domain::procedure::Procedure;
use fazhi_domain::{Code, DomainError, DomainResult};
use fazhi_store::rows::{self, Val};
use fazhi_store::{Any, Transaction};
use serde_json::{json, Value};
use std::future::Future;

/// A case about to be registered, as its module prepared it.
pub struct NewCase {
    /// The module's columns of the case row, the status among them.
    pub columns: Vec<(&'static str, Val)>,
    /// The case's number as users know it (案号, 文号): returned, and listed in an import's audit
    /// entry.
    pub number: String,
    pub parties: Vec<Party>,
    /// The registration's date: the timeline entry's and the case's latest step's.
    pub date: NaiveDate,
    /// The timeline entry's summary.
    pub summary: String,
    /// The clocks that start at registration: (kind code, clock).
    pub deadlines: Vec<(&'static str, Clock)>,
    /// Rows of the module's own tables that belong to the case (行政应诉's first 审级): (table,
    /// columns); the kernel adds `case_id`.
    pub children: Vec<(&'static str, Vec<(&'static str, Val)>)>,
    /// The new case as the audit log keeps it (masked when written).
    pub audit: Value,
}

/// A module whose cases are registered (from a form, the API or an import).
pub trait Register: Module {
    /// A registration as parsed from a form or an import row.
    type New: Send + Sync;
    /// The permission to register.
    const WRITE: Permission;
    /// Whether a registration answers with the case's number (案号): not for a record whose
    /// number is another body's (a suggestion's 文号).
    const NUMBERED: bool = true;

    /// The registration from a form's or an API call's fields (an import row's too).
    fn parse(f: &Fields, today: NaiveDate) -> DomainResult<Self::New>;

    /// Checks the new cases against the records (the units they name, within the actor's naming
    /// scope for [`Register::WRITE`]; numbers already taken; the cases they link to) and prepares
    /// their rows, in order, inside the transaction that writes them.
    fn prepare(
        tx: &mut Transaction<'_, Any>,
        app: &App,
        actor: &Actor,
        naming: &Naming,
        news: &[Self::New],
    ) -> impl Future<Output = AppResult<Vec<NewCase>>> + Send;

    /// An import row against the file's rows before it and the records, checked before anything
    /// is written so that the error names its row (a number repeated or already taken); none by
    /// default.
    fn check_row(
        _app: &App,
        _actor: &Actor,
        _new: &Self::New,
        _earlier: &[Self::New],
    ) -> impl Future<Output = AppResult<Option<DomainError>>> + Send {
        async { Ok(None) }
    }
}

/// A module's .xlsx import: the template's columns and example, and the unit a row names.
pub struct ImportSpec {
    /// The template's sheet.
    pub sheet: &'static str,
    /// (header, form field), in the template's order.
    pub columns: &'static [(&'static str, &'static str)],
    /// The fields a row may leave blank (their columns may also be missing).
    pub optional: &'static [&'static str],
    /// The unit a row names by its name: (name field, id field, the column's label).
    pub unit: (&'static str, &'static str, &'static str),
    /// The template's example row.
    pub example: &'static [&'static str],
}

impl ImportSpec {
    /// The import template: the header row, and the example on a sheet of its own.
    pub fn template(&self) -> AppResult<Vec<u8>> {
        let headers: Vec<&str> = self.columns.iter().map(|c| c.0).collect();
        let example = self.example.iter().map(|c| c.to_string()).collect();
        crate::xlsx::write_template(self.sheet, &headers, example)
    }
}

/// Imports a module's cases from an .xlsx made from its template. Every row is checked first
/// (its unit within the naming scope, its fields, [`Register::check_row`]); if any row is wrong,
/// the errors (row, column, reason) are returned and nothing is written.
pub async fn import_xlsx<M: Register>(
    app: &App,
    actor: &Actor,
    bytes: &[u8],
    spec: &ImportSpec,
) -> AppResult<Vec<String>> {
    use crate::cases::{import_rows, resolve_unit, row_error};
    actor.require(M::WRITE)?;
    let rows = import_rows(bytes, spec.columns, spec.optional).await?;
    let units = crate::org::all_units(app).await?;
    let scope = crate::org::naming_scope(app, actor, &units, M::WRITE);
    let today = app.today();
    let (name, id, label) = spec.unit;
    let mut news = Vec::new();
    let mut errors = Vec::new();
    for (row, mut f) in rows {
        if let Err(e) = resolve_unit(&mut f, &units, &scope, (name, id), row, label) {
            errors.push(e);
            continue;
        }
        match M::parse(&f, today) {
            Ok(new) => match M::check_row(app, actor, &new, &news).await? {
                Some(e) => errors.push(row_error(row, e, spec.columns)),
                None => news.push(new),
            },
            Err(e) => errors.push(row_error(row, e, spec.columns)),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Rows(errors));
    }
    import::<M>(app, actor, news).await
}

/// Registers one case from a form's or an API call's fields. Returns its id and number.
pub async fn register<M: Register>(
    app: &App,
    actor: &Actor,
    f: &Fields,
) -> AppResult<(i64, String)> {
    actor.require(M::WRITE)?;
    let new = M::parse(f, app.today())?;
    let mut tx = app.db.begin().await?;
    let (ids, entries) = write::<M>(&mut tx, app, actor, std::slice::from_ref(&new)).await?;
    audit::record_many(&mut tx, app, actor, entries).await?;
    tx.commit().await?;
    ids.into_iter()
        .next()
        .ok_or_else(|| AppError::Internal("registration wrote no case".into()))
}

/// Registers the rows of an import, all or nothing, with an entry for each case and one for the
/// import. Returns the numbers of the cases.
pub async fn import<M: Register>(
    app: &App,
    actor: &Actor,
    news: Vec<M::New>,
) -> AppResult<Vec<String>> {
    actor.require(M::WRITE)?;
    if news.is_empty() {
        return Err(DomainError::field(Code::EmptyFile, "file", "导入文件中没有数据行").into());
    }
    let mut tx = app.db.begin().await?;
    let (ids, mut entries) = write::<M>(&mut tx, app, actor, &news).await?;
    let numbers: Vec<String> = ids.into_iter().map(|(_, n)| n).collect();
    entries.push(audit::Entry {
        action: "import",
        entity: M::ENTITY,
        entity_id: String::new(),
        after: Some(json!({"rows": numbers.len(), "case_nos": numbers})),
    });
    audit::record_many(&mut tx, app, actor, entries).await?;
    tx.commit().await?;
    Ok(numbers)
}

/// Prepares the new cases (their units named within `M::WRITE`'s naming scope) and writes them.
async fn write<M: Register>(
    tx: &mut Transaction<'_, Any>,
    app: &App,
    actor: &Actor,
    news: &[M::New],
) -> AppResult<(Vec<(i64, String)>, Vec<audit::Entry>)> {
    let naming = Naming::load(tx, app, actor, M::WRITE).await?;
    let prepared = M::prepare(tx, app, actor, &naming, news).await?;
    insert::<M>(tx, app, actor, prepared).await
}

/// A child table's rows of a batch: (table, its columns without `case_id`, the rows).
type ChildRows = (&'static str, Vec<&'static str>, Vec<Vec<Val>>);

/// Writes prepared cases: the case rows, their module's rows, parties, timeline entries and
/// clocks. Returns (id, number) of each, and the audit entries still to record.
async fn insert<M: Register>(
    tx: &mut Transaction<'_, Any>,
    app: &App,
    actor: &Actor,
    cases: Vec<NewCase>,
) -> AppResult<(Vec<(i64, String)>, Vec<audit::Entry>)> {
    let module = <M::P as Procedure>::MODULE;
    let ids = rows::reserve_ids(tx, app.db.backend, M::CASES, cases.len()).await?;
    let now = app.now_text();
    let cal = app.cal();
    let Some(first) = cases.first() else {
        return Ok((Vec::new(), Vec::new()));
    };
    let mut names: Vec<&str> = first.columns.iter().map(|c| c.0).collect();
    names.extend([
        "id",
        "version",
        "last_event_date",
        "next_due",
        "next_due_unit",
        "created_at",
        "updated_at",
    ]);
    let (mut heads, mut parties, mut events, mut clocks) = (vec![], vec![], vec![], vec![]);
    let mut children: Vec<ChildRows> = Vec::new();
    let (mut out, mut entries) = (
        Vec::with_capacity(cases.len()),
        Vec::with_capacity(cases.len()),
    );
    for (c, id) in cases.into_iter().zip(ids) {
        let mut stored = Vec::with_capacity(c.deadlines.len());
        for (kind, clock) in c.deadlines {
            let computed = clock.compute(&cal)?;
            stored.push(StoredDeadline {
                id: 0,
                kind: kind.to_string(),
                clock,
                due: computed.due,
                completed: None,
                provisional: computed.provisional,
            });
        }
        let (next_due, next_unit) = deadlines::next_due(&stored, app)?;
        if c.columns.len() + 7 != names.len()
            || c.columns
                .iter()
                .zip(&names)
                .any(|(col, name)| col.0 != *name)
        {
            return Err(AppError::Internal(format!(
                "{module}: new cases with different columns"
            )));
        }
        let mut head: Vec<Val> = c.columns.into_iter().map(|c| c.1).collect();
        head.extend([
            Val::from(id),
            Val::from(1),
            c.date.to_string().into(),
            next_due.map(|d| d.to_string()).into(),
            next_unit.map(String::from).into(),
            now.as_str().into(),
            now.as_str().into(),
        ]);
        heads.push(head);
        for (table, cols) in c.children {
            let names: Vec<&'static str> = cols.iter().map(|c| c.0).collect();
            let mut row = vec![Val::from(id)];
            row.extend(cols.into_iter().map(|c| c.1));
            match children.iter_mut().find(|t| t.0 == table && t.1 == names) {
                Some(t) => t.2.push(row),
                None => children.push((table, names, vec![row])),
            }
        }
        for (i, p) in c.parties.iter().enumerate() {
            parties.push(vec![
                module.into(),
                id.into(),
                p.role.code().into(),
                p.kind.code().into(),
                p.name.as_str().into(),
                p.id_number.as_ref().map(|x| x.as_str().to_string()).into(),
                p.credit_code
                    .as_ref()
                    .map(|x| x.as_str().to_string())
                    .into(),
                p.phone.clone().into(),
                Val::from(i as i64),
            ]);
        }
        events.push(vec![
            module.into(),
            id.into(),
            "register".into(),
            c.date.to_string().into(),
            json!({"summary": c.summary}).to_string().into(),
            actor.user_id.into(),
            actor.display_name.as_str().into(),
            now.as_str().into(),
        ]);
        for d in stored {
            clocks.push(vec![
                module.into(),
                id.into(),
                d.kind.into(),
                serde_json::to_string(&d.clock)?.into(),
                d.clock.unit.code().into(),
                d.due.map(|x| x.to_string()).into(),
                now.as_str().into(),
                d.provisional.into(),
            ]);
        }
        entries.push(audit::Entry {
            action: "create",
            entity: M::ENTITY,
            entity_id: id.to_string(),
            after: Some(c.audit),
        });
        out.push((id, c.number));
    }
    rows::insert(tx, app.db.backend, M::CASES, &names, heads).await?;
    for (table, names, rs) in children {
        let mut cols = vec!["case_id"];
        cols.extend(names);
        rows::insert(tx, app.db.backend, table, &cols, rs).await?;
    }
    rows::insert(
        tx,
        app.db.backend,
        "case_parties",
        &[
            "module",
            "case_id",
            "role",
            "kind",
            "name",
            "id_number",
            "credit_code",
            "phone",
            "sort",
        ],
        parties,
    )
    .await?;
    rows::insert(
        tx,
        app.db.backend,
        "deadlines",
        &[
            "module",
            "case_id",
            "kind",
            "clock_json",
            "period_unit",
            "due_date",
            "created_at",
            "provisional",
        ],
        clocks,
    )
    .await?;
    rows::insert(
        tx,
        app.db.backend,
        "case_events",
        &[
            "module",
            "case_id",
            "action",
            "event_date",
            "detail_json",
            "actor_id",
            "actor_name",
            "created_at",
        ],
        events,
    )
    .await?;
    Ok((out, entries))
}
