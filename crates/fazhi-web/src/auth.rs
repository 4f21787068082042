//! Who is asking: the session from the cookie (pages, and the API from a browser) or from an
//! `Authorization: Bearer` token (API clients). Cookie-authenticated writes must carry the
//! session's CSRF token (a form field, or the `X-CSRF-Token` header).

use crate::{AppState, RequestId};
use axum::http::request::Parts;
use axum::http::{header, Method};
use fazhi_app::{auth, Actor, AppError};

pub const SESSION_COOKIE: &str = "fazhi_session";

/// A signed-in user.
#[derive(Clone, Debug)]
pub struct Session {
    pub actor: Actor,
    pub csrf: String,
    pub token: String,
}

pub fn cookie_token(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == SESSION_COOKIE && !v.is_empty()).then(|| v.to_string())
        })
}

pub fn request_id(parts: &Parts) -> RequestId {
    parts
        .extensions
        .get::<RequestId>()
        .cloned()
        .unwrap_or(RequestId(String::new()))
}

pub async fn resolve(parts: &Parts, state: &AppState) -> Result<Session, AppError> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|s| s.trim().to_string());
    let (token, from_cookie) = match bearer {
        Some(t) => (t, false),
        None => (cookie_token(parts).ok_or(AppError::Unauthenticated)?, true),
    };
    let (mut actor, csrf) = auth::session_actor(&state.app, &token).await?;
    actor.request_id = Some(request_id(parts).0);
    if from_cookie
        && parts.method != Method::GET
        && parts.method != Method::HEAD
        && parts.uri.path().starts_with("/api/")
    {
        let sent = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if sent != csrf {
            return Err(AppError::Forbidden);
        }
    }
    Ok(Session { actor, csrf, token })
}

/// The session cookie: HttpOnly, SameSite=Strict, Secure when configured for TLS.
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}
