//! The JSON API of 数据填报 (statistics rounds and forms) and 年度报告 (the annual report), under
//! `/api/v1`, with the same conventions as the case API: fields as a JSON object of scalars, the
//! `version` for optimistic locking (409 with the current record), errors with a stable code.

use crate::api::{answer_with, json_ok, take_version, Api, ApiError, ApiResult, JsonFields};
use crate::routes::{Access as A, Routes};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use fazhi_app::{filing, report, Actor, AppError};
use fazhi_domain::org::Permission as P;
use fazhi_domain::org::Permission;
use serde_json::json;

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/api/v1/filing/rounds", A::Needs(P::ManageReport), rounds)
        .post(
            "/api/v1/filing/rounds",
            A::Needs(P::ManageReport),
            round_create,
        )
        .get(
            "/api/v1/filing/rounds/{id}",
            A::Needs(P::ManageReport),
            round,
        )
        .get("/api/v1/filing/forms", A::Needs(P::FileStatistics), forms)
        .get("/api/v1/filing/forms/{id}", A::ReadScoped, form)
        .post(
            "/api/v1/filing/forms/{id}/{action}",
            A::WriteScoped,
            form_act,
        )
        .get("/api/v1/reports", A::Needs(P::ApproveReport), reports)
        .post("/api/v1/reports", A::Needs(P::ManageReport), report_create)
        .get(
            "/api/v1/reports/{id}",
            A::Needs(P::ApproveReport),
            report_detail,
        )
        .post(
            "/api/v1/reports/{id}",
            A::Needs(P::ManageReport),
            report_save,
        )
        .post(
            "/api/v1/reports/{id}/correct",
            A::Needs(P::ManageReport),
            report_correct,
        )
        .post(
            "/api/v1/reports/{id}/chain",
            A::Needs(P::ManageReport),
            report_chain,
        )
        .post(
            "/api/v1/reports/{id}/{action}",
            A::Needs(P::ApproveReport),
            report_step,
        )
        .get(
            "/api/v1/reports/{id}/export/{format}",
            A::Needs(P::ApproveReport),
            report_export,
        )
}

/// Forms are for the units' clerks and the office only: anyone else is refused before the form
/// is looked up, so a guessed id tells him nothing.
pub(crate) fn may_file(actor: &Actor) -> Result<(), AppError> {
    if actor.can(Permission::FileStatistics) || actor.can(Permission::ManageReport) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Reports are read by the office and the leaders.
pub(crate) fn may_read_reports(actor: &Actor) -> Result<(), AppError> {
    if actor.can(Permission::ManageReport) || actor.can(Permission::ApproveReport) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A generated document as a download: its content type and its (Chinese) file name.
pub(crate) fn download(bytes: Vec<u8>, filename: &str, content_type: &str) -> Response {
    let ascii = match filename.rsplit_once('.') {
        Some((_, ext)) => format!("report.{ext}"),
        None => "report".to_string(),
    };
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        urlencoding::encode(filename)
    );
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

fn created(id: i64) -> Response {
    (StatusCode::CREATED, Json(json!({"id": id}))).into_response()
}

// ---------- 数据填报 ----------

async fn rounds(State(s): State<AppState>, Api(sess, rid): Api) -> ApiResult {
    json_ok(filing::rounds(&s.app, &sess.actor).await, rid)
}

async fn round_create(
    State(s): State<AppState>,
    Api(sess, rid): Api,
    JsonFields(f): JsonFields,
) -> ApiResult {
    let id = filing::create_round(&s.app, &sess.actor, &f)
        .await
        .map_err(|e| ApiError(e, rid))?;
    Ok(created(id))
}

async fn round(State(s): State<AppState>, Api(sess, rid): Api, Path(id): Path<i64>) -> ApiResult {
    json_ok(filing::round(&s.app, &sess.actor, id).await, rid)
}

async fn forms(State(s): State<AppState>, Api(sess, rid): Api) -> ApiResult {
    json_ok(filing::my_forms(&s.app, &sess.actor).await, rid)
}

async fn form(State(s): State<AppState>, Api(sess, rid): Api, Path(id): Path<i64>) -> ApiResult {
    let r = match may_file(&sess.actor) {
        Ok(()) => filing::form(&s.app, &sess.actor, id).await,
        Err(e) => Err(e),
    };
    json_ok(r, rid)
}

/// save / submit (values as `v.KEY`), approve, return (`comment`); answers with the form after
/// it, or 409 with the current form.
async fn form_act(
    State(s): State<AppState>,
    Api(sess, rid): Api,
    Path((id, action)): Path<(i64, String)>,
    JsonFields(mut f): JsonFields,
) -> ApiResult {
    let (app, actor) = (&s.app, &sess.actor);
    may_file(actor).map_err(|e| ApiError(e, rid.clone()))?;
    let version = take_version(&mut f, &rid)?;
    let r = filing::act(app, actor, id, &action, &f, version).await;
    answer_with(r, rid, || filing::form(app, actor, id)).await
}

// ---------- 年度报告 ----------

async fn reports(State(s): State<AppState>, Api(sess, rid): Api) -> ApiResult {
    json_ok(report::list(&s.app, &sess.actor).await, rid)
}

async fn report_create(
    State(s): State<AppState>,
    Api(sess, rid): Api,
    JsonFields(f): JsonFields,
) -> ApiResult {
    let id = report::create(&s.app, &sess.actor, &f)
        .await
        .map_err(|e| ApiError(e, rid))?;
    Ok(created(id))
}

/// The version with the check's findings and the fields its edit takes (`fields`, to change and
/// send back).
async fn report_view(s: &AppState, actor: &Actor, id: i64) -> Result<serde_json::Value, AppError> {
    let (d, g) = report::generate(&s.app, actor, id).await?;
    let fields = fazhi_app::demo_report::content_fields(&d.content);
    let mut v = serde_json::to_value(&d).map_err(|e| AppError::Internal(e.to_string()))?;
    v["issues"] = json!(g.issues);
    v["fields"] = json!(fields);
    Ok(v)
}

async fn report_detail(
    State(s): State<AppState>,
    Api(sess, rid): Api,
    Path(id): Path<i64>,
) -> ApiResult {
    json_ok(report_view(&s, &sess.actor, id).await, rid)
}

/// Saves the narrative, the particulars and the settings (the fields of the edit form).
async fn report_save(
    State(s): State<AppState>,
    Api(sess, rid): Api,
    Path(id): Path<i64>,
    JsonFields(mut f): JsonFields,
) -> ApiResult {
    let actor = &sess.actor;
    may_read_reports(actor).map_err(|e| ApiError(e, rid.clone()))?;
    let version = take_version(&mut f, &rid)?;
    let r = report::save(&s.app, actor, id, &f, version).await;
    answer_with(r, rid, || report_view(&s, actor, id)).await
}

/// submit, return, finalise, publish (`published_date`, default today).
async fn report_step(
    State(s): State<AppState>,
    Api(sess, rid): Api,
    Path((id, action)): Path<(i64, String)>,
    JsonFields(mut f): JsonFields,
) -> ApiResult {
    let actor = &sess.actor;
    may_read_reports(actor).map_err(|e| ApiError(e, rid.clone()))?;
    let version = take_version(&mut f, &rid)?;
    let r = report::step(&s.app, actor, id, &action, &f, version).await;
    answer_with(r, rid, || report_view(&s, actor, id)).await
}

/// Starts a correction of the published version (`change_note`): the next version, a draft.
async fn report_correct(
    State(s): State<AppState>,
    Api(sess, rid): Api,
    Path(id): Path<i64>,
    JsonFields(f): JsonFields,
) -> ApiResult {
    let new = report::correct(&s.app, &sess.actor, id, &f)
        .await
        .map_err(|e| ApiError(e, rid))?;
    Ok(created(new))
}

/// Records one leg of the reporting chain (`step`, `date`, `note`); answers with the report.
async fn report_chain(
    State(s): State<AppState>,
    Api(sess, rid): Api,
    Path(id): Path<i64>,
    JsonFields(f): JsonFields,
) -> ApiResult {
    let actor = &sess.actor;
    let r = report::record_chain(&s.app, actor, id, &f).await;
    answer_with(r, rid, || report_view(&s, actor, id)).await
}

/// docx, html (the published page) or md; the check's findings are counted in `X-Report-Issues`.
async fn report_export(
    State(s): State<AppState>,
    Api(sess, rid): Api,
    Path((id, format)): Path<(i64, String)>,
) -> ApiResult {
    let actor = &sess.actor;
    let r = async {
        may_read_reports(actor)?;
        let format = report::Format::parse(&format)?;
        let (bytes, name, issues) = report::export(&s.app, actor, id, format).await?;
        let mut res = download(bytes, &name, format.content_type());
        if let Ok(v) = issues.len().to_string().parse() {
            res.headers_mut().insert("x-report-issues", v);
        }
        Ok::<_, AppError>(res)
    }
    .await;
    r.map_err(|e| ApiError(e, rid))
}
