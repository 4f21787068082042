//! The domain's one error type: a stable machine code, the field concerned and a Chinese message.
//!
//! Every boundary (store, app, web, CLI) carries this code unchanged, so a client can rely on it and
//! a user always reads the Chinese message.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct DomainError {
    /// Stable, machine-readable code, e.g. `invalid_id_number` ([`Code`]).
    pub code: Code,
    /// The input field the error concerns, when there is one (API field name).
    pub field: Option<String>,
    /// Message for people, in Simplified Chinese, naming the field.
    pub message: String,
}

impl DomainError {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            field: None,
            message: message.into(),
        }
    }

    pub fn field(code: Code, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// A required field left empty.
    pub fn required(field: &str, label: &str) -> Self {
        Self::field(Code::Required, field, format!("{label}不能为空"))
    }

    /// A text longer than allowed.
    pub fn too_long(field: &str, label: &str, max: usize) -> Self {
        Self::field(Code::TooLong, field, format!("{label}不能超过{max}个字符"))
    }

    /// A value that is not one of the allowed options.
    pub fn invalid_option(field: &str, label: &str, value: &str) -> Self {
        Self::field(
            Code::InvalidOption,
            field,
            format!("{label}的取值“{value}”无效"),
        )
    }
}

/// What kind of refusal an error is; the HTTP status follows from it in one place (`fazhi-web`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The input breaks a rule (422): the message names the field.
    Invalid,
    /// The request itself cannot be read (400): a malformed body, path or query.
    BadRequest,
    MethodNotAllowed,
    TooLarge,
    TooMany,
    UnsupportedMediaType,
}

/// Declares the error codes: each variant's stable string and its kind of refusal.
macro_rules! error_codes {
    ($($var:ident = $code:literal => $kind:ident;)+) => {
        /// Every stable error code of the domain and the application, in one place. The strings
        /// are the API's (`code` in every error answer) and never change once published.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code { $($var),+ }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$var),+];
            /// The stable string.
            pub const fn as_str(self) -> &'static str {
                match self { $(Code::$var => $code),+ }
            }
            pub const fn refusal(self) -> Refusal {
                match self { $(Code::$var => Refusal::$kind),+ }
            }
        }
    };
}

error_codes! {
    AdminResetNeedsSecurityAdmin = "admin_reset_needs_security_admin" => Invalid;
    AlreadyRequested = "already_requested" => Invalid;
    AppealBeforeJudgment = "appeal_before_judgment" => Invalid;
    AppealOutOfTime = "appeal_out_of_time" => Invalid;
    AppealWindowOpen = "appeal_window_open" => Invalid;
    BadCredentials = "bad_credentials" => Invalid;
    CalendarDirMissing = "calendar_dir_missing" => Invalid;
    CalendarDirNotConfigured = "calendar_dir_not_configured" => Invalid;
    CalendarFileExists = "calendar_file_exists" => Invalid;
    CalendarYearMissing = "calendar_year_missing" => Invalid;
    ChainStepByPublication = "chain_step_by_publication" => Invalid;
    CopyAlreadySent = "copy_already_sent" => Invalid;
    CorrectionAlreadyRequested = "correction_already_requested" => Invalid;
    CorrectionNoticeNotServed = "correction_notice_not_served" => Invalid;
    CorrectionPeriodRunning = "correction_period_running" => Invalid;
    DateBeforePreviousStep = "date_before_previous_step" => Invalid;
    DateBeforeRegistration = "date_before_registration" => Invalid;
    DateInFuture = "date_in_future" => Invalid;
    DateInPast = "date_in_past" => Invalid;
    DateOrder = "date_order" => Invalid;
    DateOutOfRange = "date_out_of_range" => Invalid;
    Duplicate = "duplicate" => Invalid;
    DuplicateCaseNo = "duplicate_case_no" => Invalid;
    EmptyFile = "empty_file" => Invalid;
    ExtensionNotAllowed = "extension_not_allowed" => Invalid;
    FileTooLarge = "file_too_large" => TooLarge;
    HearingNoticeTooShort = "hearing_notice_too_short" => Invalid;
    IllegalTransition = "illegal_transition" => Invalid;
    InvalidCalendarFile = "invalid_calendar_file" => Invalid;
    InvalidCaseNo = "invalid_case_no" => Invalid;
    InvalidCatalogue = "invalid_catalogue" => Invalid;
    InvalidCode = "invalid_code" => Invalid;
    InvalidCreditCode = "invalid_credit_code" => Invalid;
    InvalidDate = "invalid_date" => Invalid;
    InvalidDecimals = "invalid_decimals" => Invalid;
    InvalidDivisionCode = "invalid_division_code" => Invalid;
    InvalidId = "invalid_id" => Invalid;
    InvalidIdNumber = "invalid_id_number" => Invalid;
    InvalidIds = "invalid_ids" => Invalid;
    InvalidNumber = "invalid_number" => Invalid;
    InvalidOption = "invalid_option" => Invalid;
    InvalidPath = "invalid_path" => BadRequest;
    InvalidPhone = "invalid_phone" => Invalid;
    InvalidQuery = "invalid_query" => BadRequest;
    InvalidRequest = "invalid_request" => BadRequest;
    InvalidTemplate = "invalid_template" => Invalid;
    InvalidText = "invalid_text" => Invalid;
    InvalidToken = "invalid_token" => Invalid;
    InvalidType = "invalid_type" => Invalid;
    InvalidUpload = "invalid_upload" => Invalid;
    InvalidUsername = "invalid_username" => Invalid;
    InvalidValue = "invalid_value" => Invalid;
    InvalidXlsx = "invalid_xlsx" => Invalid;
    InvalidYear = "invalid_year" => Invalid;
    JurisdictionMismatch = "jurisdiction_mismatch" => Invalid;
    MalformedJson = "malformed_json" => BadRequest;
    MethodNotAllowed = "method_not_allowed" => MethodNotAllowed;
    MissingColumn = "missing_column" => Invalid;
    NoAnswerPending = "no_answer_pending" => Invalid;
    NoDelayGranted = "no_delay_granted" => Invalid;
    NoHearing = "no_hearing" => Invalid;
    NoOpinionPending = "no_opinion_pending" => Invalid;
    NoPerformanceRequired = "no_performance_required" => Invalid;
    NoRequest = "no_request" => Invalid;
    NoYear = "no_year" => Invalid;
    NotCorrectable = "not_correctable" => Invalid;
    NotDeemedAccepted = "not_deemed_accepted" => Invalid;
    NotEditable = "not_editable" => Invalid;
    NotFound = "not_found" => Invalid;
    NotSimplified = "not_simplified" => Invalid;
    NothingAwaitsService = "nothing_awaits_service" => Invalid;
    NothingToFile = "nothing_to_file" => Invalid;
    NoticeBadDate = "notice_bad_date" => Invalid;
    NoticeDayCountMismatch = "notice_day_count_mismatch" => Invalid;
    NoticeDuplicateDay = "notice_duplicate_day" => Invalid;
    NoticeMakeupNotWeekend = "notice_makeup_not_weekend" => Invalid;
    NoticeNoHolidays = "notice_no_holidays" => Invalid;
    NoticeNoTitle = "notice_no_title" => Invalid;
    NoticeOutOfYear = "notice_out_of_year" => Invalid;
    NoticeUnreadableLine = "notice_unreadable_line" => Invalid;
    NoticeWeekdayMismatch = "notice_weekday_mismatch" => Invalid;
    OutOfRange = "out_of_range" => Invalid;
    OwnAccount = "own_account" => Invalid;
    OwnSubmission = "own_submission" => Invalid;
    PartsDisagree = "parts_disagree" => Invalid;
    PasswordContainsUsername = "password_contains_username" => Invalid;
    PasswordMismatch = "password_mismatch" => Invalid;
    PasswordReused = "password_reused" => Invalid;
    PeriodTooLong = "period_too_long" => Invalid;
    RateNotAllowed = "rate_not_allowed" => Invalid;
    ReportFileBinary = "report_file_binary" => Invalid;
    ReportFileDocx = "report_file_docx" => Invalid;
    ReportFileEmpty = "report_file_empty" => Invalid;
    ReportFileEncoding = "report_file_encoding" => Invalid;
    ReportFileTooLarge = "report_file_too_large" => Invalid;
    RequestOutOfTime = "request_out_of_time" => Invalid;
    Required = "required" => Invalid;
    RequiredPartEmpty = "required_part_empty" => Invalid;
    ReviewPeriodOver = "review_period_over" => Invalid;
    RolesConflict = "roles_conflict" => Invalid;
    RoundClosed = "round_closed" => Invalid;
    SelfApproval = "self_approval" => Invalid;
    ServerBusy = "server_busy" => Invalid;
    TooLong = "too_long" => Invalid;
    TooManyAttempts = "too_many_attempts" => TooMany;
    TooManySections = "too_many_sections" => Invalid;
    UnitOutOfScope = "unit_out_of_scope" => Invalid;
    UnknownIndicator = "unknown_indicator" => Invalid;
    UnknownTemplate = "unknown_template" => Invalid;
    UnsupportedMediaType = "unsupported_media_type" => UnsupportedMediaType;
    ValuesDisagree = "values_disagree" => Invalid;
    WeakPassword = "weak_password" => Invalid;
    XlsxCellOutsideTable = "xlsx_cell_outside_table" => Invalid;
    XlsxEncryptedOrXls = "xlsx_encrypted_or_xls" => Invalid;
    XlsxTooLarge = "xlsx_too_large" => Invalid;
    YearMismatch = "year_mismatch" => Invalid;
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A code compares with its string, as clients and tests name it.
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<Code> for &str {
    fn eq(&self, other: &Code) -> bool {
        *self == other.as_str()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Each code is one stable snake_case string, told apart from every other.
    #[test]
    fn codes_are_distinct_snake_case_strings() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            let s = c.as_str();
            assert!(
                !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{s}"
            );
            assert!(seen.insert(s), "{s} twice");
        }
        assert_eq!(Code::InvalidDate.as_str(), "invalid_date");
        assert_eq!(Code::FileTooLarge.refusal(), Refusal::TooLarge);
        assert_eq!(Code::Required.refusal(), Refusal::Invalid);
        let e = DomainError::required("date", "受理日期");
        assert_eq!(e.code, "required");
        assert_eq!(
            serde_json::to_value(&e).unwrap()["code"],
            serde_json::json!("required")
        );
    }
}
