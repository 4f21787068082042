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

/// The password policy: 8+ characters from at least 3 of 4 classes, not the account name. A
/// refusal names `field` (the form's password field).
pub fn check_password_policy(username: &str, password: &str, field: &str) -> AppResult<()> {
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
            field,
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
    /// The user must choose a new password at first login (set for every account an
    /// administrator creates; only the demo's published accounts are created without it).
    pub must_change_password: bool,
}

/// 三员分立: the three administrator roles exclude each other and every business role.
fn check_role_combination(roles: &[Role]) -> AppResult<()> {
    let admins = roles
        .iter()
        .filter(|r| matches!(r, Role::SysAdmin | Role::SecurityAdmin | Role::AuditAdmin))
        .count();
    if admins > 1 || (admins == 1 && roles.len() > 1) {
        return Err(DomainError::field(
            "roles_conflict",
            "roles",
            "系统管理员、安全管理员、审计管理员须由不同账号担任，且不得兼任业务角色",
        )
        .into());
    }
    Ok(())
}

/// Creates an account (系统管理员, or the command line). Roles are given by the 安全管理员 later
/// (`set_roles`), so an administrator's new account has none; the command line, which bootstraps
/// the first administrators, gives them at once.
pub async fn create_user(app: &App, actor: &Actor, u: NewUser) -> AppResult<i64> {
    if actor.user_id.is_some() {
        actor.require(Permission::ManageAccounts)?;
        if !u.roles.is_empty() {
            actor.require(Permission::AssignRoles)?;
        }
    } else if u.roles.is_empty() {
        return Err(DomainError::required("roles", "角色").into());
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
    check_role_combination(&u.roles)?;
    check_password_policy(&username, &u.password, "password")?;
    let hash = hash_password(&u.password)?;
    let mut tx = app.db.begin().await?;
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
        "INSERT INTO users (username, display_name, unit_id, password_hash, active, created_at, must_change_password, password_changed_at) \
         VALUES ($1, $2, $3, $4, 1, $5, $6, $7) RETURNING id",
    )
    .bind(&username)
    .bind(&display_name)
    .bind(u.unit_id)
    .bind(&hash)
    .bind(app.now_text())
    .bind(i64::from(u.must_change_password))
    .bind(app.clock.now().timestamp())
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
    /// The user must change the password before doing anything else.
    pub must_change_password: bool,
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
/// answer. Both outcomes are audited. `lockout_attempts` failures in a row lock the account for
/// `lockout_minutes`; while locked, even the right password is refused.
pub async fn login(
    app: &App,
    username: &str,
    password: &str,
    request_id: Option<String>,
) -> AppResult<NewSession> {
    let row = sqlx::query(
        "SELECT id, password_hash, active, display_name, locked_until, must_change_password, password_changed_at \
         FROM users WHERE username = $1",
    )
    .bind(username.trim())
    .fetch_optional(&app.db.pool)
    .await?;
    let now = app.clock.now().timestamp();
    let cfg = crate::security::effective(app).await?;
    let mut who = Actor::system("登录", 0);
    who.username = username.trim().chars().take(32).collect();
    who.request_id = request_id;
    let Some(r) = row else {
        // Spend the same time as a real check, so timing does not reveal which names exist.
        let _ = verify_password(password, "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0000000000000000000000000000000000000000000");
        audit::record_alone(app, &who, "login_failed", "session", "", None).await?;
        return Err(bad_credentials());
    };
    let user_id: i64 = r.get(0);
    who.user_id = Some(user_id);
    who.display_name = r.get(3);
    let locked_until: i64 = r.get(4);
    if locked_until > now {
        audit::record_alone(app, &who, "login_locked", "session", "", None).await?;
        return Err(DomainError::field(
            "account_locked",
            "username",
            format!(
                "连续登录失败次数过多，账号已锁定，请{}分钟后再试或联系系统管理员",
                (locked_until - now + 59) / 60
            ),
        )
        .into());
    }
    let hash: String = r.get(1);
    let active: i64 = r.get(2);
    if !(active == 1 && verify_password(password, &hash)) {
        let mut tx = app.db.begin().await?;
        // Counted in the database, so parallel attempts cannot slip past the limit.
        let failed: i64 = sqlx::query_scalar(
            "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins",
        )
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
        let lock = failed >= cfg.lockout_attempts;
        if lock {
            sqlx::query("UPDATE users SET failed_logins = 0, locked_until = $1 WHERE id = $2")
                .bind(now + cfg.lockout_minutes * 60)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        let after = lock.then(|| serde_json::json!({"locked_minutes": cfg.lockout_minutes}));
        audit::record(
            &mut tx,
            app,
            &who,
            "login_failed",
            "session",
            "",
            None,
            after,
        )
        .await?;
        tx.commit().await?;
        return Err(bad_credentials());
    }
    let must_change: i64 = r.get(5);
    let changed_at: i64 = r.get(6);
    let expired =
        cfg.password_max_age_days > 0 && now - changed_at > cfg.password_max_age_days * 86_400;
    let s = NewSession {
        token: random_token(),
        csrf_token: random_token(),
        must_change_password: must_change == 1 || expired,
    };
    let mut tx = app.db.begin().await?;
    sqlx::query("UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, must_change_password) VALUES ($1, $2, $3, $4, $4, $5)")
        .bind(digest(&s.token))
        .bind(user_id)
        .bind(&s.csrf_token)
        .bind(now)
        .bind(i64::from(s.must_change_password))
        .execute(&mut *tx)
        .await?;
    audit::record(&mut tx, app, &who, "login", "session", "", None, None).await?;
    tx.commit().await?;
    Ok(s)
}

fn bad_credentials() -> AppError {
    DomainError::field("bad_credentials", "password", "用户名或密码错误").into()
}

/// Changes the actor's own password: the current one must be given, the new one must meet the
/// policy and differ from it. Every other session of the user ends; the current one stays.
pub async fn change_password(
    app: &App,
    actor: &Actor,
    current_token: &str,
    old: &str,
    new: &str,
) -> AppResult<()> {
    let user_id = actor.user_id.ok_or(AppError::Unauthenticated)?;
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&app.db.pool)
        .await?;
    if !verify_password(old, &hash) {
        return Err(DomainError::field("bad_credentials", "old_password", "原密码不正确").into());
    }
    if old == new {
        return Err(DomainError::field(
            "password_reused",
            "new_password",
            "新密码不能与原密码相同",
        )
        .into());
    }
    check_password_policy(&actor.username, new, "new_password")?;
    let new_hash = hash_password(new)?;
    let mut tx = app.db.begin().await?;
    sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 0, password_changed_at = $2 WHERE id = $3")
        .bind(&new_hash)
        .bind(app.clock.now().timestamp())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(digest(current_token))
        .execute(&mut *tx)
        .await?
        .rows_affected();
    sqlx::query("UPDATE sessions SET must_change_password = 0 WHERE token_hash = $1")
        .bind(digest(current_token))
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        app,
        actor,
        "change_password",
        "user",
        &user_id.to_string(),
        None,
        Some(serde_json::json!({"other_sessions_ended": ended})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn logout(app: &App, token: &str, actor: &Actor) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(digest(token))
        .execute(&mut *tx)
        .await?;
    audit::record(&mut tx, app, actor, "logout", "session", "", None, None).await?;
    tx.commit().await?;
    Ok(())
}

/// A resolved session.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub actor: Actor,
    pub csrf: String,
    /// Only the password change is allowed until this is cleared.
    pub must_change_password: bool,
}

/// Resolves a session token to its actor and CSRF token; an expired session is removed.
pub async fn session_actor(app: &App, token: &str) -> AppResult<SessionInfo> {
    let h = digest(token);
    let row = sqlx::query(
        "SELECT s.user_id, s.csrf_token, s.created_at, s.last_seen_at, u.username, u.display_name, u.unit_id, un.name, u.active, s.must_change_password \
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
    let s = crate::security::effective(app).await?;
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
    let must_change: i64 = row.get(9);
    Ok(SessionInfo {
        actor,
        csrf: row.get(1),
        must_change_password: must_change == 1,
    })
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
    pub role_codes: Vec<&'static str>,
    pub active: bool,
    pub locked: bool,
    pub version: i64,
}

pub async fn list_users(app: &App, actor: &Actor) -> AppResult<Vec<UserRow>> {
    actor.require(Permission::ListAccounts)?;
    let rows = sqlx::query("SELECT u.id, u.username, u.display_name, un.name, u.active, u.locked_until, u.version FROM users u JOIN units un ON un.id = u.unit_id ORDER BY u.id")
        .fetch_all(&app.db.pool)
        .await?;
    let roles = sqlx::query("SELECT user_id, role FROM user_roles ORDER BY role")
        .fetch_all(&app.db.pool)
        .await?;
    let now = app.clock.now().timestamp();
    Ok(rows
        .into_iter()
        .map(|r| {
            let id: i64 = r.get(0);
            let of_user: Vec<Role> = roles
                .iter()
                .filter(|x| x.get::<i64, _>(0) == id)
                .filter_map(|x| Role::from_code(&x.get::<String, _>(1)).ok())
                .collect();
            let labels: Vec<&str> = of_user.iter().map(|r| r.label()).collect();
            let active: i64 = r.get(4);
            let locked_until: i64 = r.get(5);
            UserRow {
                id,
                username: r.get(1),
                display_name: r.get(2),
                unit_name: r.get(3),
                roles: labels.join("、"),
                role_codes: of_user.iter().map(|r| r.code()).collect(),
                active: active == 1,
                locked: locked_until > now,
                version: r.get(6),
            }
        })
        .collect())
}

/// The account a management step concerns, never the actor's own (no one raises or unlocks
/// himself), as (username, roles). With `expected_version` (the form's), a changed account is a
/// conflict.
async fn other_account(
    app: &App,
    actor: &Actor,
    user_id: i64,
    expected_version: Option<i64>,
) -> AppResult<(String, Vec<String>)> {
    if actor.user_id == Some(user_id) {
        return Err(
            DomainError::field("own_account", "user_id", "不能对本人账号执行此操作").into(),
        );
    }
    let row = sqlx::query("SELECT username, version FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&app.db.pool)
        .await?
        .ok_or(AppError::NotFound("账号"))?;
    let username: String = row.get(0);
    if expected_version.is_some_and(|v| v != row.get::<i64, _>(1)) {
        return Err(AppError::Conflict(format!(
            "账号“{username}”已被他人修改，页面已显示其当前状态，请核对后重新操作"
        )));
    }
    let roles: Vec<String> =
        sqlx::query_scalar("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
            .bind(user_id)
            .fetch_all(&app.db.pool)
            .await?;
    Ok((username, roles))
}

/// Sets an account's roles (安全管理员). The user's sessions end, so the new roles apply at once.
pub async fn set_roles(
    app: &App,
    actor: &Actor,
    user_id: i64,
    roles: &[Role],
    expected_version: Option<i64>,
) -> AppResult<()> {
    actor.require(Permission::AssignRoles)?;
    let (username, before) = other_account(app, actor, user_id, expected_version).await?;
    check_role_combination(roles)?;
    let after: Vec<&str> = roles.iter().map(|r| r.code()).collect();
    let mut tx = app.db.begin().await?;
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    for r in roles {
        sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
            .bind(user_id)
            .bind(r.code())
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    bump_version(&mut tx, user_id).await?;
    audit::record(
        &mut tx,
        app,
        actor,
        "set_roles",
        "user",
        &user_id.to_string(),
        Some(serde_json::json!({"username": username, "roles": before})),
        Some(serde_json::json!({"username": username, "roles": after})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What a 系统管理员 may do to an account.
#[derive(Debug, Clone)]
pub enum AccountChange {
    /// Enable (true) or disable (false); disabling ends the account's sessions.
    Active(bool),
    /// Lift a lockout.
    Unlock,
    /// Set a temporary password that must be changed at the next login; sessions end.
    ResetPassword(String),
}

async fn bump_version(
    tx: &mut fazhi_store::Transaction<'_, fazhi_store::Any>,
    user_id: i64,
) -> AppResult<()> {
    sqlx::query("UPDATE users SET version = version + 1 WHERE id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn change_account(
    app: &App,
    actor: &Actor,
    user_id: i64,
    change: AccountChange,
    expected_version: Option<i64>,
) -> AppResult<()> {
    actor.require(Permission::ManageAccounts)?;
    let (username, _) = other_account(app, actor, user_id, expected_version).await?;
    let mut tx = app.db.begin().await?;
    let (action, after, end_sessions) = match &change {
        AccountChange::Active(on) => {
            sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
                .bind(i64::from(*on))
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            (
                if *on { "enable" } else { "disable" },
                serde_json::json!({"active": on}),
                !on,
            )
        }
        AccountChange::Unlock => {
            sqlx::query("UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            ("unlock", serde_json::json!({"locked": false}), false)
        }
        AccountChange::ResetPassword(p) => {
            check_password_policy(&username, p, "password")?;
            sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 1, password_changed_at = $2 WHERE id = $3")
                .bind(hash_password(p)?)
                .bind(app.clock.now().timestamp())
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            (
                "reset_password",
                serde_json::json!({"must_change_password": true}),
                true,
            )
        }
    };
    bump_version(&mut tx, user_id).await?;
    if end_sessions {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    let mut after = after;
    after["username"] = username.into();
    audit::record(
        &mut tx,
        app,
        actor,
        action,
        "user",
        &user_id.to_string(),
        None,
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
