//! The domain's one error type: a stable machine code, the field concerned and a Chinese message.
//!
//! Every boundary (store, app, web, CLI) carries this code unchanged, so a client can rely on it and
//! a user always reads the Chinese message.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct DomainError {
    /// Stable, machine-readable code, e.g. `invalid_id_number`.
    pub code: &'static str,
    /// The input field the error concerns, when there is one (API field name).
    pub field: Option<String>,
    /// Message for people, in Simplified Chinese, naming the field.
    pub message: String,
}

impl DomainError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            field: None,
            message: message.into(),
        }
    }

    pub fn field(code: &'static str, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// A required field left empty.
    pub fn required(field: &str, label: &str) -> Self {
        Self::field("required", field, format!("{label}不能为空"))
    }

    /// A text longer than allowed.
    pub fn too_long(field: &str, label: &str, max: usize) -> Self {
        Self::field("too_long", field, format!("{label}不能超过{max}个字符"))
    }

    /// A value that is not one of the allowed options.
    pub fn invalid_option(field: &str, label: &str, value: &str) -> Self {
        Self::field(
            "invalid_option",
            field,
            format!("{label}的取值“{value}”无效"),
        )
    }
}

pub type DomainResult<T> = Result<T, DomainError>;

/// Checks a required, bounded text field and returns it trimmed.
pub fn required_text(value: &str, field: &str, label: &str, max: usize) -> DomainResult<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(DomainError::required(field, label));
    }
    optional_text(v, field, label, max).map(|o| o.unwrap_or_default())
}

/// Checks an optional, bounded text field; empty becomes `None`.
pub fn optional_text(
    value: &str,
    field: &str,
    label: &str,
    max: usize,
) -> DomainResult<Option<String>> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(DomainError::too_long(field, label, max));
    }
    Ok(if v.is_empty() {
        None
    } else {
        Some(v.to_string())
    })
}
