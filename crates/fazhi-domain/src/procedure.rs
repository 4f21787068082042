//! What every module's procedure shares: the refusal of a step its status does not allow, and the
//! steps a status allows (for the buttons of a detail page).

use crate::calendar::format_date_cn;
use crate::error::{DomainError, DomainResult};
use crate::Coded;
use chrono::NaiveDate;

/// The error of a step taken from a status that does not allow it.
pub fn illegal_transition(status: impl Coded, action: impl Coded) -> DomainError {
    DomainError::field(
        "illegal_transition",
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
            "date_in_future",
            "date",
            "日期不能晚于今天",
        ));
    }
    if date < last {
        return Err(DomainError::field(
            "date_before_previous_step",
            "date",
            format!("日期不能早于上一办理步骤的日期（{}）", format_date_cn(last)),
        ));
    }
    Ok(())
}
