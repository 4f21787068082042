//! The JSON API (`/api/v1`), described by `openapi.json` (served at `/api/v1/openapi.json`).
//! Errors are `{"code", "field", "message", "request_id"}` with a stable code and a Chinese message.

use crate::auth::{request_id, Session};
use crate::routes::{Access as A, Routes};
use crate::{AppState, RequestId};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use fazhi_app::{auth, AppError};
use fazhi_domain::deadline::{Clock, PeriodUnit};
use fazhi_domain::org::Permission as P;
use fazhi_domain::reconsideration::Fields;
use fazhi_domain::Code;
use fazhi_domain::DomainError;
use serde::Deserialize;
use serde_json::json;

pub const OPENAPI: &str = include_str!("../openapi.json");

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/api/v1/openapi.json", A::Public, openapi)
        .post("/api/v1/session", A::Public, login)
        .delete("/api/v1/session", A::Own, logout)
        .get("/api/v1/me", A::Own, me)
        .post("/api/v1/password", A::Own, password)
        .get("/api/v1/deadline", A::Own, deadline)
        .get("/api/v1/warnings", A::ReadScoped, warnings)
        .get(
            "/api/v1/warnings/reporting",
            A::ReadScoped,
            reporting_warnings,
        )
        .get("/api/v1/audit", A::Needs(P::ReadAudit), audit)
        .get("/api/v1/audit.xlsx", A::Needs(P::ReadAudit), audit_export)
}

/// An error answered as JSON.
pub struct ApiError(pub AppError, pub RequestId);

pub fn status_of(e: &AppError) -> StatusCode {
    use fazhi_domain::Refusal;
    match e {
        AppError::Domain(d) => match d.code.refusal() {
            Refusal::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            Refusal::BadRequest => StatusCode::BAD_REQUEST,
            Refusal::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Refusal::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::TooMany => StatusCode::TOO_MANY_REQUESTS,
            Refusal::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        },
        AppError::Rows(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::Forbidden | AppError::CsrfRejected | AppError::PasswordChangeRequired => {
            StatusCode::FORBIDDEN
        }
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Internal(_) | AppError::Failed(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Logs an internal error with the request id; nothing of it reaches the client.
pub fn log_internal(e: &AppError, rid: &RequestId) {
    if e.is_internal() {
        // With the whole chain of causes; the id also when answered outside the request's span
        // (the framework's refusals).
        tracing::error!(request_id = %rid.0, error = %e.log_text(), "internal error");
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let ApiError(e, rid) = self;
        log_internal(&e, &rid);
        let mut body = json!({"code": e.code(), "field": e.field(), "message": e.user_message(), "request_id": rid.0});
        if let AppError::Rows(rows) = &e {
            body["rows"] = json!(rows);
        }
        (status_of(&e), Json(body)).into_response()
    }
}

/// The request id and the session, or the JSON error.
pub struct Api(pub Session, pub RequestId);

impl FromRequestParts<AppState> for Api {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let rid = request_id(parts);
        match crate::auth::resolve(parts, state).await {
            Ok(s) => Ok(Api(s, rid)),
            Err(e) => Err(ApiError(e, rid)),
        }
    }
}

/// A JSON object body whose scalar values become text fields (the same fields the forms and the
/// Excel import use). Malformed JSON is a 400 with code `malformed_json`.
pub struct JsonFields(pub Fields);

impl FromRequest<AppState> for JsonFields {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let rid = req
            .extensions()
            .get::<RequestId>()
            .cloned()
            .unwrap_or(RequestId(String::new()));
        // Only JSON is read as JSON: a page of another site can send `text/plain` (or a form)
        // without asking first, JSON only after the browser's CORS check, which it fails.
        let json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| {
                let v = v.trim().to_ascii_lowercase();
                v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
            });
        let bytes = Bytes::from_request(req, state).await.map_err(|_| {
            ApiError(
                DomainError::new(Code::FileTooLarge, "请求内容过大").into(),
                rid.clone(),
            )
        })?;
        if !bytes.is_empty() && json != Some(true) {
            return Err(ApiError(
                DomainError::field(
                    Code::UnsupportedMediaType,
                    "body",
                    "请求内容须为JSON（Content-Type: application/json）",
                )
                .into(),
                rid,
            ));
        }
        let f = fazhi_domain::fields::from_json(&bytes).map_err(|e| ApiError(e.into(), rid))?;
        Ok(JsonFields(f))
    }
}

pub(crate) type ApiResult = Result<Response, ApiError>;

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

async fn login(State(s): State<AppState>, req: Request) -> ApiResult {
    let rid = req
        .extensions()
        .get::<RequestId>()
        .cloned()
        .unwrap_or(RequestId(String::new()));
    let addr = crate::auth::client_addr(&s, req.extensions(), req.headers()).to_string();
    // The body first: a login another site's page sent (not JSON) is refused before it counts
    // against the address or the account.
    let JsonFields(f) = JsonFields::from_request(req, &s).await?;
    crate::auth::check_login_rate(&s, &addr)
        .await
        .map_err(|e| ApiError(e, rid.clone()))?;
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let session = auth::login(
        &s.app,
        &get("username"),
        &get("password"),
        &addr,
        Some(rid.0.clone()),
    )
    .await
    .map_err(|e| ApiError(e, rid))?;
    Ok((StatusCode::CREATED, Json(session)).into_response())
}

async fn logout(State(s): State<AppState>, Api(sess, rid): Api) -> ApiResult {
    auth::logout(&s.app, &sess.token, &sess.actor)
        .await
        .map_err(|e| ApiError(e, rid))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Changes the signed-in user's password; the user's other sessions end.
async fn password(
    State(s): State<AppState>,
    Api(sess, rid): Api,
    JsonFields(f): JsonFields,
) -> ApiResult {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    auth::change_password(
        &s.app,
        &sess.actor,
        &sess.token,
        &get("old_password"),
        &get("new_password"),
    )
    .await
    .map_err(|e| ApiError(e, rid))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn me(Api(sess, _): Api) -> ApiResult {
    let a = &sess.actor;
    let roles: Vec<&str> = a.roles.iter().map(|r| r.code()).collect();
    Ok(Json(json!({"username": a.username, "display_name": a.display_name, "unit_id": a.unit_id, "unit_name": a.unit_name, "roles": roles}))
        .into_response())
}

#[derive(Deserialize)]
struct DeadlineQuery {
    from: String,
    #[serde(default)]
    working_days: Option<u32>,
    #[serde(default)]
    days: Option<u32>,
}

/// The deadline calculator (as `fazhi deadline`): due date and 期限计算说明.
async fn deadline(
    State(s): State<AppState>,
    Api(_, rid): Api,
    Query(q): Query<DeadlineQuery>,
) -> ApiResult {
    let e = |e: DomainError| ApiError(e.into(), rid.clone());
    let from: NaiveDate =
        fazhi_domain::reconsideration::parse_date(&q.from, "from", "起算日期").map_err(e)?;
    let (count, unit) = match (q.working_days, q.days) {
        (Some(n), None) => (n, PeriodUnit::WorkingDays),
        (None, Some(n)) => (n, PeriodUnit::CalendarDays),
        _ => {
            return Err(e(DomainError::field(
                Code::Required,
                "days",
                "请填写期限天数（working_days 或 days 二选一）",
            )))
        }
    };
    let c = Clock::new(from, "起算日", count, unit, "")
        .compute(&s.app.cal())
        .map_err(e)?;
    Ok(Json(json!({"due": c.due, "provisional": c.provisional, "steps": c.steps})).into_response())
}

/// The `version` a step request carries, if any.
pub(crate) fn take_version(f: &mut Fields, rid: &RequestId) -> Result<Option<i64>, ApiError> {
    match f.remove("version").filter(|v| !v.is_empty()) {
        Some(v) => Ok(Some(v.parse::<i64>().map_err(|_| {
            ApiError(
                DomainError::field(Code::InvalidNumber, "version", "版本号应为整数").into(),
                rid.clone(),
            )
        })?)),
        None => Ok(None),
    }
}

/// A step's answer: the record after it, or on a conflict (409) the current record, so the
/// client can show what changed.
pub(crate) fn step_answer<T: serde::Serialize>(
    r: Result<T, AppError>,
    current: Option<T>,
    rid: RequestId,
) -> ApiResult {
    match r {
        Ok(d) => Ok(Json(d).into_response()),
        Err(AppError::Conflict(msg)) => Ok((
            StatusCode::CONFLICT,
            Json(json!({"code": "conflict", "message": msg, "request_id": rid.0, "current": current})),
        )
            .into_response()),
        Err(e) => Err(ApiError(e, rid)),
    }
}

/// A step request: takes `action` and `version` from the body, runs the step, and answers with
/// the record after it (or, on a conflict, the current record).
pub(crate) async fn step_with<T, FS, FD>(
    mut f: Fields,
    rid: RequestId,
    take: impl FnOnce(String, Fields, Option<i64>) -> FS,
    detail: impl Fn() -> FD,
) -> ApiResult
where
    T: serde::Serialize,
    FS: std::future::Future<Output = Result<(), AppError>>,
    FD: std::future::Future<Output = Result<T, AppError>>,
{
    let action = f.remove("action").unwrap_or_default();
    let version = take_version(&mut f, &rid)?;
    answer_with(take(action, f, version).await, rid, detail).await
}

/// Answers a write with the record after it, or on a conflict (409) with the current record.
pub(crate) async fn answer_with<T, FD>(
    r: Result<(), AppError>,
    rid: RequestId,
    detail: impl Fn() -> FD,
) -> ApiResult
where
    T: serde::Serialize,
    FD: std::future::Future<Output = Result<T, AppError>>,
{
    let r = match r {
        Ok(()) => detail().await,
        Err(e) => Err(e),
    };
    let current = match &r {
        Err(AppError::Conflict(_)) => detail().await.ok(),
        _ => None,
    };
    step_answer(r, current, rid)
}

/// A use case's value as JSON, or its error.
pub(crate) fn json_ok<T: serde::Serialize>(r: Result<T, AppError>, rid: RequestId) -> ApiResult {
    r.map(|v| Json(v).into_response())
        .map_err(|e| ApiError(e, rid))
}

/// A workbook as a download, or the error.
pub(crate) fn xlsx_ok(r: Result<Vec<u8>, AppError>, rid: RequestId, filename: &str) -> ApiResult {
    r.map(|b| xlsx_response(b, filename))
        .map_err(|e| ApiError(e, rid))
}

/// The case numbers an import created (201), or the rows' errors.
pub(crate) fn imported(r: Result<Vec<String>, AppError>, rid: RequestId) -> ApiResult {
    let nos = r.map_err(|e| ApiError(e, rid))?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"imported": nos.len(), "case_nos": nos})),
    )
        .into_response())
}

pub fn xlsx_response(bytes: Vec<u8>, filename: &str) -> Response {
    let disposition = format!(
        "attachment; filename=\"export.xlsx\"; filename*=UTF-8''{}",
        urlencoding::encode(filename)
    );
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct IndicatorQuery {
    pub year: Option<String>,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub children: Option<String>,
}

impl IndicatorQuery {
    pub fn parse(&self, default_year: i32) -> Result<(i32, Option<i64>, bool), AppError> {
        let year = match self
            .year
            .as_deref()
            .map(str::trim)
            .filter(|y| !y.is_empty())
        {
            None => default_year,
            Some(y) => y
                .parse::<i32>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| {
                    AppError::from(DomainError::field(
                        Code::InvalidYear,
                        "year",
                        "年度应为四位数字，如2024",
                    ))
                })?,
        };
        let unit = match self.unit.trim() {
            "" => None,
            u => Some(
                u.parse::<i64>()
                    .map_err(|_| AppError::from(DomainError::invalid_option("unit", "单位", u)))?,
            ),
        };
        let children = self
            .children
            .as_deref()
            .is_none_or(|c| matches!(c, "1" | "true" | "on"));
        Ok((year, unit, children))
    }
}

async fn warnings(State(s): State<AppState>, Api(sess, rid): Api) -> ApiResult {
    json_ok(fazhi_app::warnings::all(&s.app, &sess.actor).await, rid)
}

async fn reporting_warnings(State(s): State<AppState>, Api(sess, rid): Api) -> ApiResult {
    json_ok(
        fazhi_app::warnings::reporting(&s.app, &sess.actor).await,
        rid,
    )
}

async fn audit_export(
    State(s): State<AppState>,
    Api(sess, rid): Api,
    Query(q): Query<fazhi_app::audit::AuditQuery>,
) -> ApiResult {
    xlsx_ok(
        fazhi_app::audit::export(&s.app, &sess.actor, &q).await,
        rid,
        "审计日志.xlsx",
    )
}

async fn audit(
    State(s): State<AppState>,
    Api(sess, rid): Api,
    Query(q): Query<fazhi_app::audit::AuditQuery>,
) -> ApiResult {
    let (items, total) = fazhi_app::audit::search(&s.app, &sess.actor, &q)
        .await
        .map_err(|e| ApiError(e, rid))?;
    Ok(Json(json!({"items": items, "total": total})).into_response())
}
