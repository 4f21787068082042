//! Who is asking: the session from the cookie (pages, and the API from a browser) or from an
//! `Authorization: Bearer` token (API clients). Cookie-authenticated writes must carry the
//! session's CSRF token (a form field, or the `X-CSRF-Token` header).

use crate::{AppState, RequestId};
use axum::http::request::Parts;
use axum::http::{header, Method};
use fazhi_app::{auth, Actor, AppError};
use fazhi_domain::Code;
use std::net::IpAddr;

pub const SESSION_COOKIE: &str = "fazhi_session";

/// A signed-in user.
#[derive(Clone, Debug)]
pub struct Session {
    pub actor: Actor,
    pub csrf: String,
    pub token: String,
    /// The session may only change its password (first login, or an aged password).
    pub must_change_password: bool,
}

pub fn cookie_token(parts: &Parts) -> Option<String> {
    cookie_value(&parts.headers, SESSION_COOKIE)
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
    let info = auth::session_actor(&state.app, &token).await?;
    let (mut actor, csrf) = (info.actor, info.csrf);
    actor.request_id = Some(request_id(parts).0);
    // The path as the client sent it: inside the API's nested router `parts.uri` has lost its
    // `/api/v1` prefix (issue 13: the CSRF check below never ran for the API).
    let path = original_path(parts);
    if info.must_change_password
        && !matches!(
            path.as_str(),
            "/password" | "/logout" | "/api/v1/password" | "/api/v1/session" | "/api/v1/me"
        )
    {
        return Err(AppError::PasswordChangeRequired);
    }
    // A cookie is sent by the browser whoever made the page that sends it; a state-changing API
    // call with the cookie must also carry the session's token in `X-CSRF-Token`, which another
    // origin cannot read or set. Pages check the token of their forms (`Page::check_csrf`).
    if from_cookie
        && !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS)
        && path.starts_with("/api/")
    {
        let sent = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !constant_time_eq(sent.as_bytes(), csrf.as_bytes()) {
            return Err(AppError::CsrfRejected);
        }
    }
    Ok(Session {
        actor,
        csrf,
        token,
        must_change_password: info.must_change_password,
    })
}

/// The request's path before any nesting stripped a prefix.
pub fn original_path(parts: &Parts) -> String {
    parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map(|u| u.0.path().to_string())
        .unwrap_or_else(|| parts.uri.path().to_string())
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The session cookie: HttpOnly, SameSite=Strict, Secure when configured for TLS.
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The login form's CSRF cookie: a random value also put in the form, compared on submit, so that
/// another site cannot sign a browser in to an account of its choosing.
pub const LOGIN_COOKIE: &str = "fazhi_login";

pub fn login_cookie(value: &str, secure: bool) -> String {
    format!(
        "{LOGIN_COOKIE}={value}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=7200{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The value of cookie `name` in a request's headers.
pub fn cookie_value(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == name && !v.is_empty()).then(|| v.to_string())
        })
}

pub fn clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// The client's address: the connection's, or — behind a reverse proxy on this machine, with
/// `client_ip_header` configured — the address the proxy puts in that header. The header is read
/// only from a loopback connection, so a client reaching the server directly cannot choose the
/// address his attempts are counted under. An IPv6 address stands for its /64. Unspecified when
/// served without a connection (as in in-process tests).
pub fn client_addr(
    state: &AppState,
    ext: &axum::http::Extensions,
    headers: &axum::http::HeaderMap,
) -> IpAddr {
    let conn = ext
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    let forwarded = || {
        let name = state.app.config.client_ip_header.as_deref()?;
        let value = headers.get(name)?.to_str().ok()?;
        // X-Forwarded-For: the proxy appends the address it saw to whatever the client sent, so
        // only the last entry is the proxy's word.
        value.split(',').next_back()?.trim().parse::<IpAddr>().ok()
    };
    // (`::ffff:127.0.0.1` is loopback too, when served on `[::]`.)
    let conn = conn.to_canonical();
    let addr = if conn.is_loopback() {
        forwarded().unwrap_or(conn).to_canonical()
    } else {
        conn
    };
    match addr {
        // One IPv6 user holds a whole /64: counted as one address.
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

/// Refuses a login attempt beyond the per-address rate (counted in the database, so that every
/// server process on it shares the count).
pub async fn check_login_rate(state: &AppState, addr: &str) -> Result<(), AppError> {
    let per_minute = fazhi_app::security::effective(&state.app)
        .await?
        .login_attempts_per_minute;
    if auth::count_login_attempt(&state.app, addr, per_minute).await? {
        Ok(())
    } else {
        Err(fazhi_domain::DomainError::new(
            Code::TooManyAttempts,
            "登录尝试过于频繁，请一分钟后再试",
        )
        .into())
    }
}
