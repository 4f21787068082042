//! The web face of Fazhi: the JSON API under `/api/v1` and the server-rendered Chinese pages.
//! Handlers extract input, call one use case of `fazhi-app`, and render; errors are mapped to
//! HTTP here, in one place.

mod api;
mod api_analysis;
mod api_report;
mod auth;
mod modules;
mod pages;
mod pages_analysis;
mod pages_lt;
mod pages_report;
mod routes;
mod templates;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use fazhi_app::{App, AppError};
use fazhi_domain::Code;
use std::sync::Arc;
use tower_http::limit::RequestBodyLimitLayer;

pub use api::OPENAPI;
pub use auth::SESSION_COOKIE;
pub use routes::{Access, Route};

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub tpl: Arc<minijinja::Environment<'static>>,
}

/// Every route with its access rule (API paths with their `/api/v1` prefix), as the router is
/// built from them: declared by the same call that adds the route ([`routes`]).
pub static ROUTES: std::sync::LazyLock<Vec<Route>> = std::sync::LazyLock::new(|| table().1);

/// The router without its state, and its access table: both from the same calls.
fn table() -> (Router<AppState>, Vec<Route>) {
    let r = routes::Routes::default().get("/static/app.css", Access::Public, css);
    let r = pages::routes(r);
    let r = pages_lt::routes(r);
    let r = pages_report::routes(r);
    let r = pages_analysis::routes(r);
    let r = api::routes(r);
    let r = api_report::routes(r);
    let r = api_analysis::routes(r);
    modules::routes(r).into_parts()
}

/// The id of the request, shown to users on internal errors and written to the log.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// Builds the whole application: pages, API, static files, middleware.
pub fn router(app: App) -> Router {
    let state = AppState {
        app,
        tpl: Arc::new(templates::environment()),
    };
    table()
        .0
        .fallback(not_found)
        // The body limit inside the request context, so that its 413 goes through the one error
        // path like every other answer (issue 13: it had no security headers).
        .layer(RequestBodyLimitLayer::new(
            fazhi_app::xlsx::MAX_UPLOAD + 1024 * 1024,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            request_context,
        ))
        .with_state(state)
}

/// Serves until the process is stopped.
pub async fn serve(app: App, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(app).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../static/app.css"),
    )
}

async fn not_found(State(state): State<AppState>, req: Request) -> Response {
    let rid = req
        .extensions()
        .get::<RequestId>()
        .cloned()
        .unwrap_or(RequestId(String::new()));
    if req.uri().path().starts_with("/api/") {
        api::ApiError(AppError::NotFound("接口"), rid).into_response()
    } else {
        pages::PageError {
            err: Box::new(AppError::NotFound("页面")),
            rid,
            state,
        }
        .into_response()
    }
}

/// Gives each request an id (logged, returned in `X-Request-Id`), turns the framework's own
/// refusals into our errors, and adds the security headers to every answer.
async fn request_context(
    State(state): State<AppState>,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    let rid = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
    req.extensions_mut().insert(RequestId(rid.clone()));
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    // The route as declared (`/rc/cases/{id}`): what the logs group requests by.
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_default();
    let span = tracing::info_span!("request", id = %rid, %method, %path, %route);
    // The handler runs inside the span, so everything it logs carries the request's id.
    let mut res = tracing::Instrument::instrument(next.run(req), span.clone()).await;
    if is_framework_refusal(&res) {
        res = framework_refusal(state.clone(), &path, RequestId(rid.clone()), res).await;
    }
    tracing::info!(parent: &span, status = res.status().as_u16(), "handled");
    let ok = res.status() == StatusCode::OK;
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: &'static str, v: &str| {
        if let Ok(v) = HeaderValue::from_str(v) {
            h.insert(k, v);
        }
    };
    set(h, "x-request-id", &rid);
    set(h, "content-security-policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'");
    set(h, "x-content-type-options", "nosniff");
    set(h, "referrer-policy", "same-origin");
    set(h, "x-frame-options", "DENY");
    if ok && !h.contains_key(header::CACHE_CONTROL) {
        set(h, "cache-control", "no-store");
    }
    if state.app.config.secure_cookies {
        // Served over TLS (behind the proxy, docs/deployment.md): browsers keep to HTTPS.
        set(h, "strict-transport-security", "max-age=31536000");
    }
    res
}

/// An error answer that none of our handlers wrote: axum's extractors (a path id that is not a
/// number, a malformed query or form, a wrong content type, a method the route lacks) and the
/// body limit answer in plain English text, or with no body at all. Ours are JSON or HTML.
fn is_framework_refusal(res: &Response) -> bool {
    let status = res.status();
    (status.is_client_error() || status.is_server_error())
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|v| v.starts_with("text/plain"))
}

/// The framework's refusal said as ours: a stable code, a Chinese message naming what was wrong,
/// as JSON for the API and as the error page otherwise; its status is kept.
async fn framework_refusal(state: AppState, path: &str, rid: RequestId, res: Response) -> Response {
    use fazhi_domain::DomainError;
    let status = res.status();
    let allow = res.headers().get(header::ALLOW).cloned();
    let text = axum::body::to_bytes(res.into_body(), 16 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    // axum: "Invalid URL: Cannot parse `abc` to a `i64`"; the value is the user's own input.
    let quoted = text
        .split('`')
        .nth(1)
        .unwrap_or_default()
        .chars()
        .take(40)
        .collect::<String>();
    let err: AppError = match status {
        StatusCode::PAYLOAD_TOO_LARGE => DomainError::field(
            Code::FileTooLarge,
            "file",
            format!(
                "请求内容过大，上传文件不能超过{}MB",
                fazhi_app::xlsx::MAX_UPLOAD / (1024 * 1024)
            ),
        )
        .into(),
        StatusCode::METHOD_NOT_ALLOWED => {
            DomainError::new(Code::MethodNotAllowed, "该地址不支持此请求方法").into()
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => DomainError::new(
            Code::UnsupportedMediaType,
            "请求内容的类型不正确（接口请使用 application/json，页面表单请使用 application/x-www-form-urlencoded，上传请使用 multipart/form-data）",
        )
        .into(),
        _ if text.starts_with("Invalid URL") => DomainError::field(
            Code::InvalidPath,
            "id",
            format!("网址中的编号“{quoted}”不正确，应为数字"),
        )
        .into(),
        _ if text.contains("query string") => {
            DomainError::field(Code::InvalidQuery, "query", "网址中的查询参数格式不正确").into()
        }
        _ if status.is_server_error() => AppError::Internal(format!("framework: {status} {text}")),
        _ => DomainError::field(Code::InvalidRequest, "body", "提交的内容格式不正确，无法读取").into(),
    };
    let mut out = if path.starts_with("/api/") {
        api::ApiError(err, rid).into_response()
    } else {
        pages::PageError {
            err: Box::new(err),
            rid,
            state,
        }
        .into_response()
    };
    *out.status_mut() = status;
    if let Some(allow) = allow {
        out.headers_mut().insert(header::ALLOW, allow);
    }
    out
}
