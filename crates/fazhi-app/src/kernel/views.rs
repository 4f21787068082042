//! The use cases every module offers the same way — list, record, register, step — as one table
//! of functions that the web layer binds to its routes for every module in the registry.
//!
//! A module implements [`Views`] (its list and its record as the pages and the API show them);
//! [`UseCases::of`] turns that, its [`Register`] and its [`Module`] into the table, so that
//! registering goes through [`super::register::register`] and a step through
//! [`super::take_step`] for every module alike.

use super::{BoxFuture, Module, Register};
use crate::cases::{ListQuery, Page};
use crate::{Actor, App, AppError, AppResult};
use fazhi_domain::fields::Fields;
use fazhi_domain::form::FieldSpec;
use fazhi_domain::org::Permission;
use fazhi_domain::procedure::{Procedure, StepForm};
use fazhi_domain::Coded;
use serde::Serialize;
use std::future::Future;

/// What a step's form shows of the case it is taken on.
#[derive(Debug, Clone, Serialize)]
pub struct CaseHead {
    /// The case's number (案号, 文号), or what stands for it.
    pub case_no: String,
    pub status_label: &'static str,
    pub version: i64,
    /// The actor may take steps on it.
    pub may_write: bool,
    /// What the record's page says after its registration (已登记，案号…).
    pub registered: String,
}

/// A module's list and record as users see them.
pub trait Views: Register {
    /// A row of its list.
    type Summary: Serialize + Send;
    /// Its record, with the timeline, the deadlines and the steps the actor may take.
    type Detail: Serialize + Send;

    fn list(
        app: &App,
        actor: &Actor,
        q: &ListQuery,
    ) -> impl Future<Output = AppResult<Page<Self::Summary>>> + Send;

    fn detail(
        app: &App,
        actor: &Actor,
        id: i64,
    ) -> impl Future<Output = AppResult<Self::Detail>> + Send;

    /// What a step's form shows of the record.
    fn head(d: &Self::Detail) -> CaseHead;
}

/// A step as its form shows it: its label and its fields.
pub struct StepView {
    pub code: &'static str,
    pub label: &'static str,
    pub fields: &'static [FieldSpec],
}

/// A registration's answer: the new record's id and number ("" when it has none yet).
#[derive(Debug, Clone, Serialize)]
pub struct Registered {
    pub id: i64,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub case_no: String,
}

/// A module's answer serialised once, in its fields' order (the API sends it as it is).
pub type Json = Box<serde_json::value::RawValue>;

/// A step on a record: (id, the step's code, its fields, the version the form was loaded from).
pub type StepFn =
    for<'a> fn(&'a App, &'a Actor, i64, &'a str, &'a Fields, Option<i64>) -> BoxFuture<'a, ()>;

/// The use cases of a module, as functions the registry holds.
pub struct UseCases {
    /// The permission to register and take steps.
    pub write: Permission,
    /// A page of the list, as JSON.
    pub list: for<'a> fn(&'a App, &'a Actor, &'a ListQuery) -> BoxFuture<'a, Json>,
    /// The record as JSON, and what a step's form shows of it.
    pub detail: for<'a> fn(&'a App, &'a Actor, i64) -> BoxFuture<'a, (Json, CaseHead)>,
    pub register: for<'a> fn(&'a App, &'a Actor, &'a Fields) -> BoxFuture<'a, Registered>,
    pub step: StepFn,
    /// A step by its code ("not a step of this module" otherwise).
    pub step_view: fn(&str) -> AppResult<StepView>,
    /// The statuses, as (code, label), for the list's filter.
    pub statuses: fn() -> Vec<(&'static str, &'static str)>,
}

impl UseCases {
    /// The table of module `M`.
    pub const fn of<M: Views>() -> Self {
        Self {
            write: M::WRITE,
            list: list::<M>,
            detail: detail::<M>,
            register: register::<M>,
            step: step::<M>,
            step_view: step_view::<M>,
            statuses: statuses::<M>,
        }
    }
}

fn list<'a, M: Views>(app: &'a App, actor: &'a Actor, q: &'a ListQuery) -> BoxFuture<'a, Json> {
    Box::pin(async move {
        Ok(serde_json::value::to_raw_value(
            &M::list(app, actor, q).await?,
        )?)
    })
}

fn detail<'a, M: Views>(
    app: &'a App,
    actor: &'a Actor,
    id: i64,
) -> BoxFuture<'a, (Json, CaseHead)> {
    Box::pin(async move {
        let d = M::detail(app, actor, id).await?;
        Ok((serde_json::value::to_raw_value(&d)?, M::head(&d)))
    })
}

fn register<'a, M: Views>(
    app: &'a App,
    actor: &'a Actor,
    f: &'a Fields,
) -> BoxFuture<'a, Registered> {
    Box::pin(async move {
        let (id, number) = super::register::register::<M>(app, actor, f).await?;
        let case_no = if M::NUMBERED { number } else { String::new() };
        Ok(Registered { id, case_no })
    })
}

fn step<'a, M: Views>(
    app: &'a App,
    actor: &'a Actor,
    id: i64,
    action: &'a str,
    f: &'a Fields,
    version: Option<i64>,
) -> BoxFuture<'a, ()> {
    Box::pin(super::take_step::<M>(app, actor, id, action, f, version))
}

fn step_view<M: Module>(code: &str) -> AppResult<StepView> {
    let action =
        <<M::P as Procedure>::Action as Coded>::parse_code(code).map_err(AppError::from)?;
    let form: StepForm = M::P::step_form(action);
    Ok(StepView {
        code: action.code(),
        label: action.label(),
        fields: form.fields,
    })
}

fn statuses<M: Module>() -> Vec<(&'static str, &'static str)> {
    <<M::P as Procedure>::Status as Coded>::all()
        .iter()
        .map(|s| (s.code(), s.label()))
        .collect()
}
