//! Accounts and sessions: argon2id password hashes, server-side sessions whose token is stored
//! only as a SHA-256 digest, and the [`Actor`] a session resolves to (roles and unit scope).

use crate::{audit, org, Actor, App, AppError, AppResult, Scope};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use fazhi_domain::error::required_text;
use fazhi_domain::org::{Permission, Role};
use fazhi_domain::DomainError;
use fazhi_store::Row;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};

pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("argon2: {e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Minimal policy for now: 8+ characters from at least 3 of 4 classes, not the account name.
pub fn check_password_policy(username: &str, password: &str) -> AppResult<()> {
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if password.chars().count() < 8 || classes < 3 || password.eq_ignore_ascii_case(username) {
        return Err(DomainError::field(
            "weak_password",
            "password",
            "密码至少8位，且须包含大写字母、小写字母、数字、符号中的至少三类，不能与用户名相同",
        )
        .into());
    }
    Ok(())
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub unit_id: i64,
    pub roles: Vec<Role>,
    pub password: String,
}

/// Creates an account. The three administrator roles (三员) exclude each other.
pub async fn create_user(app: &App, actor: &Actor, u: NewUser) -> AppResult<i64> {
    if actor.user_id.is_some() {
        actor.require(Permission::ManageUsers)?;
    }
    let username = required_text(&u.username, "username", "用户名", 32)?;
    if !username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    {
        return Err(DomainError::field(
            "invalid_username",
            "username",
            "用户名只能包含字母、数字、下划线和点",
        )
        .into());
    }
    let display_name = required_text(&u.display_name, "display_name", "姓名", 32)?;
    if u.roles.is_empty() {
        return Err(DomainError::required("roles", "角色").into());
    }
    let admins = u
        .roles
        .iter()
        .filter(|r| matches!(r, Role::SysAdmin | Role::SecurityAdmin | Role::AuditAdmin))
        .count();
    if admins > 1 || (admins == 1 && u.roles.len() > 1) {
        return Err(DomainError::field(
            "roles_conflict",
            "roles",
            "系统管理员、安全管理员、审计管理员须由不同账号担任，且不得兼任业务角色",
        )
        .into());
    }
    check_password_policy(&username, &u.password)?;
    let hash = hash_password(&u.password)?;
    let mut tx = app.db.pool.begin().await?;
    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username = $1")
        .bind(&username)
        .fetch_one(&mut *tx)
        .await?;
    if taken > 0 {
        return Err(DomainError::field(
            "duplicate",
            "username",
            format!("用户名“{username}”已被使用"),
        )
        .into());
    }
    let unit_ok: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM units WHERE id = $1")
        .bind(u.unit_id)
        .fetch_one(&mut *tx)
        .await?;
    if unit_ok == 0 {
        return Err(DomainError::field("not_found", "unit_id", "所属单位不存在").into());
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, display_name, unit_id, password_hash, active, created_at) VALUES ($1, $2, $3, $4, 1, $5) RETURNING id",
    )
    .bind(&username)
    .bind(&display_name)
    .bind(u.unit_id)
    .bind(&hash)
    .bind(app.now_text())
    .fetch_one(&mut *tx)
    .await?;
    for r in &u.roles {
        sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
            .bind(id)
            .bind(r.code())
            .execute(&mut *tx)
            .await?;
    }
    let roles: Vec<&str> = u.roles.iter().map(|r| r.code()).collect();
    audit::record(
        &mut tx,
        app,
        actor,
        "create",
        "user",
        &id.to_string(),
        None,
        Some(serde_json::json!({"username": username, "display_name": display_name, "unit_id": u.unit_id, "roles": roles})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A new session: the token for the client (cookie or bearer) and the CSRF token for forms.
#[derive(Debug, Clone, Serialize)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
}

fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Checks the password and opens a session. A wrong user name and a wrong password get the same
/// answer. Both outcomes are audited.
pub async fn login(
    app: &App,
    username: &str,
    password: &str,
    request_id: Option<String>,
) -> AppResult<NewSession> {
    let row = sqlx::query(
        "SELECT id, password_hash, active, display_name, unit_id FROM users WHERE username = $1",
    )
    .bind(username.trim())
    .fetch_optional(&app.db.pool)
    .await?;
    let mut tx = app.db.pool.begin().await?;
    let mut who = Actor::system("登录", 0);
    who.username = username.trim().chars().take(32).collect();
    who.request_id = request_id;
    let ok = match &row {
        Some(r) => {
            let hash: String = r.get(1);
            let active: i64 = r.get(2);
            who.user_id = Some(r.get(0));
            who.display_name = r.get(3);
            active == 1 && verify_password(password, &hash)
        }
        None => {
            // Spend the same time as a real check, so timing does not reveal which names exist.
            let _ = verify_password(password, "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0000000000000000000000000000000000000000000");
            false
        }
    };
    if !ok {
        audit::record(
            &mut tx,
            app,
            &who,
            "login_failed",
            "session",
            "",
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        return Err(DomainError::field("bad_credentials", "password", "用户名或密码错误").into());
    }
    let s = NewSession {
        token: random_token(),
        csrf_token: random_token(),
    };
    let now = app.clock.now().timestamp();
    sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)")
        .bind(digest(&s.token))
        .bind(who.user_id)
        .bind(&s.csrf_token)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    audit::record(&mut tx, app, &who, "login", "session", "", None, None).await?;
    tx.commit().await?;
    Ok(s)
}

pub async fn logout(app: &App, token: &str, actor: &Actor) -> AppResult<()> {
    let mut tx = app.db.pool.begin().await?;
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(digest(token))
        .execute(&mut *tx)
        .await?;
    audit::record(&mut tx, app, actor, "logout", "session", "", None, None).await?;
    tx.commit().await?;
    Ok(())
}

/// Resolves a session token to its actor and CSRF token; an expired session is removed.
pub async fn session_actor(app: &App, token: &str) -> AppResult<(Actor, String)> {
    let h = digest(token);
    let row = sqlx::query(
        "SELECT s.user_id, s.csrf_token, s.created_at, s.last_seen_at, u.username, u.display_name, u.unit_id, un.name, u.active \
         FROM sessions s JOIN users u ON u.id = s.user_id JOIN units un ON un.id = u.unit_id WHERE s.token_hash = $1",
    )
    .bind(&h)
    .fetch_optional(&app.db.pool)
    .await?
    .ok_or(AppError::Unauthenticated)?;
    let now = app.clock.now().timestamp();
    let created: i64 = row.get(2);
    let seen: i64 = row.get(3);
    let active: i64 = row.get(8);
    let s = app.config.session;
    if active != 1 || now - seen > s.idle_minutes * 60 || now - created > s.absolute_hours * 3600 {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(&h)
            .execute(&app.db.pool)
            .await?;
        return Err(AppError::Unauthenticated);
    }
    // Touch at most once a minute, to keep reads from writing on every request.
    if now - seen >= 60 {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(&h)
            .execute(&app.db.pool)
            .await?;
    }
    let user_id: i64 = row.get(0);
    let actor = actor_for(app, user_id, row.get(4), row.get(5), row.get(6), row.get(7)).await?;
    Ok((actor, row.get(1)))
}

async fn actor_for(
    app: &App,
    user_id: i64,
    username: String,
    display_name: String,
    unit_id: i64,
    unit_name: String,
) -> AppResult<Actor> {
    let codes: Vec<String> =
        sqlx::query_scalar("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
            .bind(user_id)
            .fetch_all(&app.db.pool)
            .await?;
    let roles: Vec<Role> = codes
        .iter()
        .filter_map(|c| Role::from_code(c).ok())
        .collect();
    let units = org::all_units(app).await?;
    let own = Scope::Units(org::subtree(&units, unit_id));
    let scope = if roles.iter().any(|r| r.jurisdiction_wide()) {
        Scope::All
    } else {
        own.clone()
    };
    Ok(Actor {
        user_id: Some(user_id),
        username,
        display_name,
        unit_id,
        unit_name,
        roles,
        scope,
        write_scope: own,
        request_id: None,
    })
}

/// The actor for a user name (CLI use, tests).
pub async fn actor_by_username(app: &App, username: &str) -> AppResult<Actor> {
    let r = sqlx::query("SELECT u.id, u.username, u.display_name, u.unit_id, un.name FROM users u JOIN units un ON un.id = u.unit_id WHERE u.username = $1")
        .bind(username)
        .fetch_optional(&app.db.pool)
        .await?
        .ok_or(AppError::NotFound("用户"))?;
    actor_for(app, r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)).await
}

#[derive(Debug, Clone, Serialize)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_name: String,
    pub roles: String,
    pub active: bool,
}

pub async fn list_users(app: &App, actor: &Actor) -> AppResult<Vec<UserRow>> {
    actor.require(Permission::ManageUsers)?;
    let rows = sqlx::query("SELECT u.id, u.username, u.display_name, un.name, u.active FROM users u JOIN units un ON un.id = u.unit_id ORDER BY u.id")
        .fetch_all(&app.db.pool)
        .await?;
    let roles = sqlx::query("SELECT user_id, role FROM user_roles ORDER BY role")
        .fetch_all(&app.db.pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let id: i64 = r.get(0);
            let labels: Vec<&str> = roles
                .iter()
                .filter(|x| x.get::<i64, _>(0) == id)
                .filter_map(|x| {
                    Role::from_code(&x.get::<String, _>(1))
                        .ok()
                        .map(|r| r.label())
                })
                .collect();
            let active: i64 = r.get(4);
            UserRow {
                id,
                username: r.get(1),
                display_name: r.get(2),
                unit_name: r.get(3),
                roles: labels.join("、"),
                active: active == 1,
            }
        })
        .collect())
}
