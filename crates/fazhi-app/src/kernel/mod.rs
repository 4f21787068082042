//! The procedure kernel's application half: one pipeline for a step on any module's case.
//!
//! A module gives the domain half ([`fazhi_domain::procedure::Procedure`]: statuses, steps and
//! their fields, `apply`, deadline rules) and implements [`Module`] here: where its cases are
//! stored, how a case is loaded for a step, and what a step writes besides the case head. The
//! kernel does the rest once for every module ([`take_step`]): permission, load in the actor's
//! scope, version check, the fields checked by their description, the domain rule, the deadline
//! effects, the versioned update of the case head (status, last step's date, nearest deadline,
//! version), the module's own changes, the timeline entry with its summary and the audit entry,
//! in one transaction.

pub mod register;
pub mod views;

pub use register::{NewCase, Register};
pub use views::{CaseHead, Registered, StepView, UseCases, Views};

use crate::cases::{self, Table};
use crate::deadlines::{self, StoredDeadline};
use crate::indicators::IndicatorDef;
use crate::{Actor, App, AppError, AppResult};
use chrono::NaiveDate;
use fazhi_domain::fields::Fields;
use fazhi_domain::form;
use fazhi_domain::org::Permission;
use fazhi_domain::procedure::{self, Context, Outcome, Procedure};
use fazhi_domain::Coded;
use fazhi_store::{Any, Transaction};
use std::future::Future;

/// The case head: what every module's case row holds for the kernel (columns `status`,
/// `version`, `last_event_date`, `next_due`, `next_due_unit`, `updated_at` of its table).
#[derive(Debug, Clone)]
pub struct Head {
    pub status: String,
    pub version: i64,
    /// The date of the case's latest step.
    pub last_event_date: NaiveDate,
    /// The actor may take steps on this case (the unit that handles it is in the write scope).
    pub may_write: bool,
}

/// A case loaded for a step: its head and what the module needs of its row.
pub struct Loaded<R> {
    pub head: Head,
    pub row: R,
}

/// The procedure type of a module.
pub type Proc<M> = <M as Module>::P;
/// A step's outcome under a module's procedure.
pub type StepOutcome<M> = Outcome<Proc<M>>;

/// A statutory module as the kernel runs it (the storage half; the rules are [`Module::P`]).
pub trait Module: Send + Sync + 'static {
    type P: Procedure<
        Step: Send + Sync,
        Facts: Send + Sync,
        Changes: Send + Sync,
        Rules: Sync,
        Action: Send + Sync,
        Status: Send + Sync,
        Kind: Send + Sync,
    >;
    /// What the module reads of a case row for `facts` and `write`.
    type Row: Send + Sync;
    /// The case table, as UPDATEs name it (`lt_suggestions`).
    const CASES: &'static str;
    /// The audit entity of a case (`rc_case`).
    const ENTITY: &'static str;

    /// The module's rules from the configuration.
    fn rules(app: &App) -> &<Self::P as Procedure>::Rules;

    /// Loads a case in the actor's scope ("not found" outside it), inside the step's transaction.
    fn load(
        tx: &mut Transaction<'_, Any>,
        app: &App,
        actor: &Actor,
        id: i64,
    ) -> impl Future<Output = AppResult<Loaded<Self::Row>>> + Send;

    /// What `apply` needs, from the case and its stored deadlines.
    fn facts(
        app: &App,
        case: &Loaded<Self::Row>,
        deadlines: &[StoredDeadline],
    ) -> AppResult<<Self::P as Procedure>::Facts>;

    /// Writes the step's changes to the module's own columns and tables (the head is written by
    /// the kernel). Returns what the timeline entry adds to the step (a computed flag), if any.
    fn write(
        tx: &mut Transaction<'_, Any>,
        app: &App,
        id: i64,
        case: &Loaded<Self::Row>,
        step: &<Self::P as Procedure>::Step,
        outcome: &StepOutcome<Self>,
    ) -> impl Future<Output = AppResult<Option<serde_json::Value>>> + Send;
}

/// Takes a step on a case of module `M`; `expected_version` is the version the form was loaded
/// from (a newer one answers "conflict").
pub async fn take_step<M: Module>(
    app: &App,
    actor: &Actor,
    id: i64,
    action: &str,
    f: &Fields,
    expected_version: Option<i64>,
) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    step_in::<M>(&mut tx, app, actor, id, action, f, expected_version).await?;
    tx.commit().await?;
    Ok(())
}

/// [`take_step`] inside a transaction the caller commits (a step another module's write causes,
/// such as the suit recorded on the 行政复议 case it challenges).
pub async fn step_in<M: Module>(
    tx: &mut Transaction<'_, Any>,
    app: &App,
    actor: &Actor,
    id: i64,
    action: &str,
    f: &Fields,
    expected_version: Option<i64>,
) -> AppResult<()> {
    actor.require(Permission::ReadCases)?;
    let action = <<M::P as Procedure>::Action as Coded>::parse_code(action)?;
    let case = M::load(tx, app, actor, id).await?;
    if !case.head.may_write {
        return Err(AppError::Forbidden);
    }
    let version = case.head.version;
    cases::check_version(expected_version, version)?;
    let form = M::P::step_form(action);
    let values = form::check(form.fields, f)?;
    let step = M::P::step(action, &values)?;
    let status = <<M::P as Procedure>::Status as Coded>::parse_code(&case.head.status)?;
    let module = <M::P as Procedure>::MODULE;
    let ds = deadlines::load(tx, module, id).await?;
    let facts = M::facts(app, &case, &ds)?;
    let rules = M::rules(app);
    let cal = app.cal();
    let at = Context {
        today: app.today(),
        calendar: &cal,
    };
    let out = M::P::apply(&facts, &step, &at, rules)?;
    let (next_due, next_unit) =
        deadlines::apply_effects(tx, app, module, id, ds, &out.effects, |kind, start| {
            M::P::deadline_rule(kind, &facts, &step, &out.changes, rules)
                .map(|rule| rule.clock(start))
                // A module's apply opened a kind its rules do not time: a defect, never saved.
                .ok_or_else(|| {
                    AppError::Internal(format!("{module}: no deadline rule for {}", kind.code()))
                })
        })
        .await?;
    let date = M::P::step_date(&step);
    // A service date recorded later may precede the latest step; the case's date never goes back.
    let last_event = date.max(case.head.last_event_date);
    let sql = format!(
        "UPDATE {} SET status = $1, last_event_date = $2, next_due = $3, next_due_unit = $4, \
         version = version + 1, updated_at = $5 WHERE id = $6 AND version = $7",
        M::CASES
    );
    let updated = sqlx::query(&sql)
        .bind(out.status.code())
        .bind(last_event.to_string())
        .bind(next_due.map(|d| d.to_string()))
        .bind(next_unit)
        .bind(app.now_text())
        .bind(id)
        .bind(version)
        .execute(&mut **tx)
        .await?;
    cases::updated_once(updated)?;
    let extra = M::write(tx, app, id, &case, &step, &out).await?;
    let mut detail = cases::step_detail(&step, form::summarize(form.summary, &values))?;
    if let (Some(serde_json::Value::Object(extra)), Some(d)) = (extra, detail.as_object_mut()) {
        d.extend(extra);
    }
    cases::log_step(
        tx,
        app,
        actor,
        (module, M::ENTITY),
        id,
        action.code(),
        date,
        (status.code(), out.status.code()),
        version,
        detail,
    )
    .await
}

/// The steps a case of module `M` in `status` allows, as (code, label) for its buttons.
pub fn actions<M: Module>(status: &str) -> Vec<(String, &'static str)> {
    <<M::P as Procedure>::Status as Coded>::parse_code(status)
        .map(|s| {
            procedure::allowed_steps::<M::P>(s)
                .into_iter()
                .map(|a| (a.code().to_string(), a.label()))
                .collect()
        })
        .unwrap_or_default()
}

// ---------- the registry's entry ----------

/// The labels of a column's stored codes.
pub type Labels = fn(&str) -> &'static str;

/// A statutory module as the shared code sees it.
pub struct Entry {
    /// The module's name in `deadlines`, `case_events`, `case_parties` (`reconsideration`).
    pub name: &'static str,
    /// Its Chinese name (行政复议).
    pub label: &'static str,
    /// Its list page; a record's page is `{list_url}/{id}`.
    pub list_url: &'static str,
    /// How its records are listed, filtered and counted.
    pub table: &'static Table,
    /// The table holding the case head (status, version, next due), as UPDATEs name it.
    pub cases: &'static str,
    /// SQL on the row of [`Table::from`]: the record's number (案号, 文号), who brought it (申请人,
    /// 原告, the issuer), the unit it concerns (被申请人, 被告, 被建议单位).
    pub number: &'static str,
    pub parties: &'static str,
    pub unit: &'static str,
    /// A row's label when it is not the module's: the column it is read from, and its labels
    /// (司法建议 or 检察建议 from `c.kind`).
    pub row_label: Option<(&'static str, Labels)>,
    pub status_label: Labels,
    pub deadline_label: Labels,
    /// Its indicators (`indicators.md`), as conditions on [`Entry::table`].
    pub indicators: fn(&App) -> Vec<IndicatorDef>,
    /// Where the annual report takes the module's figures from.
    pub report: Option<ReportSource>,
    /// Its records in and out of Excel, when it has them.
    pub excel: Option<Excel>,
    /// Its cards on the home page (工作台), when it has them.
    pub home: Option<Home>,
    /// List, record, registration and steps, for the pages and the API of every module alike.
    pub use_cases: UseCases,
    /// Its pages: the menu entry they light and their templates.
    pub pages: Pages,
    /// The API path of its indicators (under `/api/v1`); modules that share a path are answered
    /// together (`/lt/indicators`: 行政应诉 with 司法建议、检察建议).
    pub indicators_api: &'static str,
}

/// A module's pages: the menu entry (`rc_cases`) and the templates of its list and its record.
pub struct Pages {
    pub nav: &'static str,
    pub list: &'static str,
    pub detail: &'static str,
}

/// A module's cards on the home page: besides 超期 and 临期, the count of each status named, and
/// the year's records ("{year}年{year_label}").
pub struct Home {
    pub statuses: &'static [&'static str],
    pub year_label: &'static str,
}

/// A use case's future, boxed so that a module's can stand in the registry's table.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn Future<Output = AppResult<T>> + Send + 'a>>;

/// A module's Excel: the list export, the import template and the import (all or nothing).
pub struct Excel {
    /// The import page (`/rc/import`); its template is `{import_url}/template.xlsx`.
    pub import_url: &'static str,
    /// The import page's menu entry, heading and hint, and the template's columns.
    pub import_nav: &'static str,
    pub import_heading: &'static str,
    pub import_hint: &'static str,
    pub columns: &'static [(&'static str, &'static str)],
    /// The downloads' names, without `.xlsx` (行政复议案件, 行政复议申请导入模板).
    pub export_file: &'static str,
    pub template_file: &'static str,
    pub export: for<'a> fn(&'a App, &'a Actor, &'a cases::ListQuery) -> BoxFuture<'a, Vec<u8>>,
    pub template: fn() -> AppResult<Vec<u8>>,
    /// The numbers of the records imported.
    pub import: for<'a> fn(&'a App, &'a Actor, &'a [u8]) -> BoxFuture<'a, Vec<String>>,
}

impl Entry {
    /// How many of the module's records the list shows for `q`, in the actor's scope.
    pub async fn count(&self, app: &App, actor: &Actor, q: &cases::ListQuery) -> AppResult<i64> {
        actor.require(Permission::ReadCases)?;
        let (where_sql, binds) = self
            .table
            .filter(app, actor, q, &(self.indicators)(app))
            .await?;
        let sql = format!(
            "SELECT COUNT(*) FROM {} WHERE {where_sql}",
            self.table.table
        );
        let mut query = sqlx::query_scalar::<_, i64>(&sql);
        for b in &binds {
            query = query.bind(b);
        }
        Ok(query.fetch_one(&app.db.pool).await?)
    }

    /// The module's indicators for a year within the actor's scope, optionally for one unit
    /// (with or without its children).
    pub async fn values(
        &self,
        app: &App,
        actor: &Actor,
        year: i32,
        unit: Option<i64>,
        children: bool,
    ) -> AppResult<Vec<crate::indicators::IndicatorValue>> {
        let defs = (self.indicators)(app);
        self.table
            .indicators(app, actor, &defs, year, unit, children)
            .await
    }
}

/// A module's part in the annual report.
pub struct ReportSource {
    /// The module's name in the setting `report_records_from`.
    pub key: &'static str,
    /// What its records are called (行政复议案件记录).
    pub records: &'static str,
    /// The date of its first record.
    pub first_record: &'static str,
}

/// The label of a stored code of `T`, or "" for a code no longer known.
pub fn label<T: Coded>(code: &str) -> &'static str {
    T::parse_code(code).map(T::label).unwrap_or("")
}
