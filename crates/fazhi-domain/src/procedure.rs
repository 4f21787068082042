//! The procedure kernel's domain half: what a statutory module is to the kernel ([`Procedure`]),
//! and what every module's procedure shares (the refusal of a step its status does not allow, the
//! steps a status allows, the date rule of a step).
//!
//! A module implements [`Procedure`] once: its statuses, steps and deadline kinds (`coded_enum!`),
//! the description of each step's fields ([`StepForm`]), how a checked form becomes its typed step,
//! `apply` (the transition table, the checks, the deadline effects) and the rule of each deadline
//! kind. The application's kernel runs every module's steps through one pipeline with it.

use crate::calendar::{format_date_cn, HolidayCalendar};
use crate::deadline::{Clock, Effect, PeriodUnit};
use crate::error::Code;
use crate::error::{DomainError, DomainResult};
use crate::form::{FieldSpec, Values};
use crate::Coded;
use chrono::NaiveDate;
use serde::Serialize;

/// A statutory procedure as the kernel runs it. Pure: no IO, no clock (today is an input).
pub trait Procedure: 'static {
    /// The module's stable name: `deadlines.module`, the registry, audit entries.
    const MODULE: &'static str;
    type Status: Coded;
    type Action: Coded;
    /// The module's deadline kinds.
    type Kind: Coded;
    /// A step as taken, typed; stored with the timeline entry.
    type Step: Serialize;
    /// What `apply` needs to know of the record.
    type Facts;
    /// What a step changes besides the status, for the module's own columns.
    type Changes;
    /// The module's configurable rules (the UNCONFIRMED points, with defaults).
    type Rules;

    /// The transition table: the status a step leads to from `from`, or the refusal.
    fn transition(from: Self::Status, action: Self::Action) -> DomainResult<Self::Status>;
    /// The fields of a step and its summary.
    fn step_form(action: Self::Action) -> StepForm;
    /// The typed step from its checked form.
    fn step(action: Self::Action, v: &Values) -> DomainResult<Self::Step>;
    /// The step's date (the timeline's date).
    fn step_date(step: &Self::Step) -> NaiveDate;
    /// Checks the step against the record and the law; the new status, the changes, the
    /// deadline effects.
    fn apply(
        facts: &Self::Facts,
        step: &Self::Step,
        at: &Context<'_>,
        rules: &Self::Rules,
    ) -> DomainResult<Outcome<Self>>;
    /// The rule of a deadline of `kind` that the step opens (its effects name the kind and the
    /// start; the rule may depend on the record, the step and its changes). None for a kind no
    /// step opens (one opened at registration only).
    fn deadline_rule(
        kind: Self::Kind,
        facts: &Self::Facts,
        step: &Self::Step,
        changes: &Self::Changes,
        rules: &Self::Rules,
    ) -> Option<DeadlineRule>;
}

/// What a step is checked on besides the record: the day, and the working-day calendar.
pub struct Context<'a> {
    pub today: NaiveDate,
    pub calendar: &'a HolidayCalendar,
}

/// The steps `P` allows from `status` (the buttons of a detail page).
pub fn allowed_steps<P: Procedure>(status: P::Status) -> Vec<P::Action> {
    allowed(<P::Action as Coded>::all(), status, P::transition)
}

/// A step's form: its fields, and the template of its timeline line ([`crate::form::summarize`]).
#[derive(Debug, Clone, Copy)]
pub struct StepForm {
    pub fields: &'static [FieldSpec],
    pub summary: &'static str,
}

/// What a step does: the new status, the module's changes, the deadline effects.
pub struct Outcome<P: Procedure + ?Sized> {
    pub status: P::Status,
    pub changes: P::Changes,
    pub effects: Vec<Effect<P::Kind>>,
}

// By hand: a derive would bound `P` itself instead of its associated types.
impl<P: Procedure + ?Sized> std::fmt::Debug for Outcome<P>
where
    P::Status: std::fmt::Debug,
    P::Changes: std::fmt::Debug,
    P::Kind: std::fmt::Debug,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outcome")
            .field("status", &self.status)
            .field("changes", &self.changes)
            .field("effects", &self.effects)
            .finish()
    }
}

impl<P: Procedure + ?Sized> PartialEq for Outcome<P>
where
    P::Status: PartialEq,
    P::Changes: PartialEq,
    P::Kind: PartialEq,
{
    fn eq(&self, o: &Self) -> bool {
        self.status == o.status && self.changes == o.changes && self.effects == o.effects
    }
}

/// The rule of a deadline kind: how long, counted how, from which event, under which article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineRule {
    pub count: u32,
    pub unit: PeriodUnit,
    /// The start event, e.g. 收到行政复议申请之日 (not itself counted).
    pub start_event: &'static str,
    /// Law and article.
    pub basis: &'static str,
}

impl DeadlineRule {
    /// A clock under this rule from `start`.
    pub fn clock(&self, start: NaiveDate) -> Clock {
        Clock::new(start, self.start_event, self.count, self.unit, self.basis)
    }
}

/// The error of a step taken from a status that does not allow it.
pub fn illegal_transition(status: impl Coded, action: impl Coded) -> DomainError {
    DomainError::field(
        Code::IllegalTransition,
        "action",
        format!(
            "当前状态为“{}”，不能执行“{}”",
            status.label(),
            action.label()
        ),
    )
}

/// The steps of `all` that `transition` allows from `from`.
pub fn allowed<S: Copy, A: Coded>(
    all: &[A],
    from: S,
    transition: impl Fn(S, A) -> DomainResult<S>,
) -> Vec<A> {
    all.iter()
        .copied()
        .filter(|a| transition(from, *a).is_ok())
        .collect()
}

/// A step's date: not in the future, not before the case's previous step.
pub fn check_step_date(date: NaiveDate, today: NaiveDate, last: NaiveDate) -> DomainResult<()> {
    if date > today {
        return Err(DomainError::field(
            Code::DateInFuture,
            "date",
            "日期不能晚于今天",
        ));
    }
    if date < last {
        return Err(DomainError::field(
            Code::DateBeforePreviousStep,
            "date",
            format!("日期不能早于上一办理步骤的日期（{}）", format_date_cn(last)),
        ));
    }
    Ok(())
}

/// `P::apply` on the embedded calendar with `today` given: what a module's unit tests run.
#[cfg(test)]
pub(crate) fn apply_on<P: Procedure>(
    facts: &P::Facts,
    step: &P::Step,
    today: NaiveDate,
    rules: &P::Rules,
) -> DomainResult<Outcome<P>> {
    let calendar = HolidayCalendar::embedded();
    P::apply(
        facts,
        step,
        &Context {
            today,
            calendar: &calendar,
        },
        rules,
    )
}
