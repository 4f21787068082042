//! The application's error: what went wrong for the user (a domain error with its stable code and
//! Chinese message, a permission or existence failure, a conflict) or an internal failure whose
//! details go to the log only. Mapped to HTTP in one place (`fazhi-web`).

use fazhi_domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Domain(#[from] DomainError),
    /// Several problems at once (an Excel import), each with its row and column.
    #[error("导入失败")]
    Rows(Vec<RowError>),
    #[error("请先登录")]
    Unauthenticated,
    #[error("没有权限执行此操作")]
    Forbidden,
    /// A cookie-authenticated write without the session's CSRF token: sent from another site's
    /// page, or from a page older than the session.
    #[error("请求未通过安全校验（页面可能已过期），请刷新页面后重试")]
    CsrfRejected,
    /// The session may only change its password (first login, or the password has aged).
    #[error("请先修改密码")]
    PasswordChangeRequired,
    /// The record does not exist or is outside the actor's scope: the two are not told apart,
    /// so guessing an id reveals nothing.
    #[error("{0}不存在或无权查看")]
    NotFound(&'static str),
    /// The record changed since the form was loaded.
    #[error("{0}")]
    Conflict(String),
    /// A defect of the platform, described: details go to the log only.
    #[error("internal error: {0}")]
    Internal(String),
    /// A failure below the platform (the database, a file, serialisation), kept with its chain
    /// of causes for the log ([`AppError::log_text`]); the user reads only 系统内部错误.
    #[error("internal error")]
    Failed(#[source] Box<dyn std::error::Error + Send + Sync>),
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    /// Row number as Excel shows it (header is row 1).
    pub row: usize,
    /// Column header as printed in the template.
    pub column: String,
    pub code: &'static str,
    pub message: String,
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Domain(e) => e.code.as_str(),
            Self::Rows(_) => "invalid_rows",
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::CsrfRejected => "csrf_rejected",
            Self::PasswordChangeRequired => "password_change_required",
            Self::NotFound(_) => "not_found",
            Self::Conflict(_) => "conflict",
            Self::Internal(_) | Self::Failed(_) => "internal",
        }
    }

    /// Whether the error is the platform's own failure (logged, answered 500).
    pub fn is_internal(&self) -> bool {
        matches!(self, Self::Internal(_) | Self::Failed(_))
    }

    /// The error with every cause below it, for the log: `数据库错误: …: …`.
    pub fn log_text(&self) -> String {
        let mut text = match self {
            Self::Internal(msg) => msg.clone(),
            other => other.to_string(),
        };
        let mut cause = std::error::Error::source(self);
        while let Some(c) = cause {
            text.push_str(": ");
            text.push_str(&c.to_string());
            cause = c.source();
        }
        text
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Domain(e) => e.field.as_deref(),
            _ => None,
        }
    }

    /// The message a user may read (never internals).
    pub fn user_message(&self) -> String {
        match self {
            Self::Domain(e) => e.message.clone(),
            Self::Rows(rows) => format!("文件中有{}处错误，未导入任何数据", rows.len()),
            Self::Internal(_) | Self::Failed(_) => "系统内部错误".into(),
            other => other.to_string(),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            // Uniqueness is checked before writing; a violation means another request wrote the
            // same record at the same moment, which the user can resolve by looking again.
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                Self::Conflict("该记录刚被他人同时登记，请刷新页面核对后再操作".into())
            }
            _ => Self::Failed(Box::new(e)),
        }
    }
}

impl From<fazhi_store::StoreError> for AppError {
    fn from(e: fazhi_store::StoreError) -> Self {
        Self::Failed(Box::new(e))
    }
}

impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> Self {
        Self::Failed(Box::new(e))
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    /// A failure keeps its causes for the log and shows the user nothing of them.
    #[test]
    fn failures_keep_their_chain_for_the_log_only() {
        let io = std::io::Error::other("disk full");
        let e = AppError::from(sqlx::Error::Io(io));
        assert_eq!((e.code(), e.is_internal()), ("internal", true));
        assert_eq!(e.user_message(), "系统内部错误");
        let log = e.log_text();
        assert!(log.contains("disk full"), "{log}");
        let e = AppError::from(DomainError::new(
            fazhi_domain::Code::Required,
            "日期不能为空",
        ));
        assert!(!e.is_internal());
        assert_eq!(e.code(), "required");
    }
}
