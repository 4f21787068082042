//! The JSON API of 报告分析 (the report analyzer), under `/api/v1`: upload reports (multipart,
//! field `file`, several at once), list them, read one with its analysis, delete one, compare
//! several (`ids=1,2`).

use crate::api::{json_ok, Api, ApiError, ApiResult};
use crate::pages_analysis::{ids_of, read_files};
use crate::routes::{Access as A, Routes};
use crate::AppState;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use fazhi_app::analysis as an;
use fazhi_domain::org::Permission as P;
use fazhi_domain::org::Permission;
use fazhi_domain::Code;
use fazhi_domain::DomainError;
use serde_json::json;

pub(crate) fn routes(r: Routes) -> Routes {
    r.get(
        "/api/v1/analysis/documents",
        A::Needs(P::ApproveReport),
        list,
    )
    .post(
        "/api/v1/analysis/documents",
        A::Needs(P::ManageReport),
        upload,
    )
    .get(
        "/api/v1/analysis/documents/{id}",
        A::Needs(P::ApproveReport),
        detail,
    )
    .delete(
        "/api/v1/analysis/documents/{id}",
        A::Needs(P::ManageReport),
        delete,
    )
    .get(
        "/api/v1/analysis/documents/{id}/baseline",
        A::Needs(P::ApproveReport),
        baseline,
    )
    .post(
        "/api/v1/analysis/documents/{id}/baseline",
        A::Needs(P::ManageReport),
        apply_baseline,
    )
    .get(
        "/api/v1/analysis/compare",
        A::Needs(P::ApproveReport),
        compare,
    )
}

async fn list(State(s): State<AppState>, Api(sess, rid): Api) -> ApiResult {
    json_ok(an::list(&s.app, &sess.actor).await, rid)
}

/// 201 with `{"documents": [{id, file_name, duplicate}]}`; a file that cannot be read refuses the
/// whole upload (422, its code, field `file`). Who may not upload is refused before the body is
/// read.
async fn upload(
    State(s): State<AppState>,
    Api(sess, rid): Api,
    mp: Result<Multipart, MultipartRejection>,
) -> ApiResult {
    let actor = &sess.actor;
    let r = async {
        actor.require(Permission::ManageReport)?;
        let mp = mp.map_err(|_| {
            DomainError::field(
                Code::Required,
                "file",
                "请以 multipart/form-data 上传报告文件（字段名 file）",
            )
        })?;
        let (_, files) = read_files(mp).await?;
        an::upload_many(&s.app, actor, &files).await
    }
    .await;
    let v = r.map_err(|e| ApiError(e, rid))?;
    Ok((StatusCode::CREATED, Json(json!({"documents": v}))).into_response())
}

async fn detail(State(s): State<AppState>, Api(sess, rid): Api, Path(id): Path<i64>) -> ApiResult {
    json_ok(an::detail(&s.app, &sess.actor, id).await, rid)
}

async fn delete(State(s): State<AppState>, Api(sess, rid): Api, Path(id): Path<i64>) -> ApiResult {
    an::delete(&s.app, &sess.actor, id)
        .await
        .map_err(|e| ApiError(e, rid))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `{"document", "plan": {year, values, skipped}, "applied_round"}`.
async fn baseline(
    State(s): State<AppState>,
    Api(sess, rid): Api,
    Path(id): Path<i64>,
) -> ApiResult {
    let r = an::baseline_preview(&s.app, &sess.actor, id)
        .await
        .map(|v| {
            json!({"document": v.document, "plan": v.plan, "applied_round": v.applied_round,
                "ours": v.ours, "same_place": v.same_place})
        });
    json_ok(r, rid)
}

/// 201 with `{"round_id"}`: the round the values were filed in (the same one when the document
/// was applied before).
async fn apply_baseline(
    State(s): State<AppState>,
    Api(sess, rid): Api,
    Path(id): Path<i64>,
) -> ApiResult {
    let round = an::apply_baseline(&s.app, &sess.actor, id)
        .await
        .map_err(|e| ApiError(e, rid))?;
    Ok((StatusCode::CREATED, Json(json!({"round_id": round}))).into_response())
}

/// `{"documents": [...], "comparison": {places, rows}}`.
async fn compare(
    State(s): State<AppState>,
    Api(sess, rid): Api,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let actor = &sess.actor;
    let r = async {
        // Permission first, so that a refused user learns nothing from the ids' validation.
        an::may_read(actor)?;
        let ids = ids_of(q.as_deref())?;
        let (docs, c) = an::comparison(&s.app, actor, &ids).await?;
        Ok(json!({"documents": docs, "comparison": c}))
    }
    .await;
    json_ok(r, rid)
}
