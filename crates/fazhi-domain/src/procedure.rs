//! What every module's procedure shares: the refusal of a step its status does not allow, and the
//! steps a status allows (for the buttons of a detail page).

use crate::error::{DomainError, DomainResult};
use crate::Coded;

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
