//! Accounts and sessions: argon2id password hashes, server-side sessions whose token is stored
//! only as a SHA-256 digest, and the [`Actor`] a session resolves to (roles and unit scope).

use crate::{audit, org, Actor, App, AppError, AppResult, Scope};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use fazhi_domain::error::required_text;
use fazhi_domain::org::{Permission, Role};
use fazhi_domain::Code;
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

thread_local! {
    static VERIFICATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many argon2 verifications this thread has run (for tests: a login runs exactly one,
/// whatever its outcome, so that its time reveals nothing).
#[doc(hidden)]
pub fn password_verifications_on_this_thread() -> u64 {
    VERIFICATIONS.with(std::cell::Cell::get)
}

fn verify_password(password: &str, hash: &str) -> bool {
    VERIFICATIONS.with(|v| v.set(v.get() + 1));
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash of a random password with the same parameters as every stored hash: an attempt on an
/// unknown user name is verified against it, which costs exactly what a real check costs.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_password(&random_token()).unwrap_or_else(|_| {
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0000000000000000000000000000000000000000000".into()
        })
    })
}

/// The password policy: 8+ characters from at least 3 of 4 classes, not containing the account
/// name nor the name reversed, in any case (a name shorter than three characters only as the
/// whole password). A refusal names `field` (the form's password field).
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
    if password.chars().count() < 8 || classes < 3 {
        return Err(DomainError::field(
            Code::WeakPassword,
            field,
            "密码至少8位，且须包含大写字母、小写字母、数字、符号中的至少三类",
        )
        .into());
    }
    let name = username.trim().to_lowercase();
    let lower = password.to_lowercase();
    let reversed: String = name.chars().rev().collect();
    let contains = if name.chars().count() >= 3 {
        lower.contains(&name) || lower.contains(&reversed)
    } else {
        !name.is_empty() && (lower == name || lower == reversed)
    };
    if contains {
        return Err(DomainError::field(
            Code::PasswordContainsUsername,
            field,
            "密码不能包含用户名或用户名的倒序",
        )
        .into());
    }
    Ok(())
}

/// Refuses a new password that is one of the account's last `keep` passwords (the current one
/// included), naming `field`.
async fn check_history(
    app: &App,
    user_id: i64,
    password: &str,
    keep: i64,
    field: &str,
) -> AppResult<()> {
    let hashes: Vec<String> = sqlx::query_scalar(
        "SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(keep.max(1))
    .fetch_all(&app.db.pool)
    .await?;
    if hashes.iter().any(|h| verify_password(password, h)) {
        return Err(DomainError::field(
            Code::PasswordReused,
            field,
            format!("新密码不能与最近{}次使用过的密码相同", keep.max(1)),
        )
        .into());
    }
    Ok(())
}

/// Adds a password hash to the account's history and keeps the newest `keep`.
async fn remember_password(
    tx: &mut fazhi_store::Transaction<'_, fazhi_store::Any>,
    app: &App,
    user_id: i64,
    hash: &str,
    keep: i64,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO password_history (user_id, password_hash, set_at) VALUES ($1, $2, $3)",
    )
    .bind(user_id)
    .bind(hash)
    .bind(app.clock.now().timestamp())
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "DELETE FROM password_history WHERE user_id = $1 AND id NOT IN \
         (SELECT id FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2)",
    )
    .bind(user_id)
    .bind(keep.max(1))
    .execute(&mut **tx)
    .await?;
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

fn is_admin(r: Role) -> bool {
    matches!(r, Role::SysAdmin | Role::SecurityAdmin | Role::AuditAdmin)
}

/// 三员分立: the three administrator roles exclude each other and every business role; and no
/// account holds a pair of business roles the configuration names as conflicting
/// (`accounts.conflicting_roles`, by default the report's preparer 依法治区办 with its approver
/// 领导).
fn check_role_combination(app: &App, roles: &[Role]) -> AppResult<()> {
    let admins = roles.iter().filter(|r| is_admin(**r)).count();
    if admins > 1 || (admins == 1 && roles.len() > 1) {
        return Err(DomainError::field(
            Code::RolesConflict,
            "roles",
            "系统管理员、安全管理员、审计管理员须由不同账号担任，且不得兼任业务角色",
        )
        .into());
    }
    if let Some([a, b]) = app
        .config
        .accounts
        .conflicting_roles
        .iter()
        .find(|[a, b]| a != b && roles.contains(a) && roles.contains(b))
    {
        return Err(DomainError::field(
            Code::RolesConflict,
            "roles",
            format!(
                "“{}”与“{}”不得由同一账号兼任（职责分离）",
                a.label(),
                b.label()
            ),
        )
        .into());
    }
    Ok(())
}

/// Whether an account with these roles holds a pair the configuration names as conflicting
/// (given before the setting was made): shown on the account list.
fn has_conflict(app: &App, roles: &[Role]) -> bool {
    check_role_combination(app, roles).is_err()
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
            Code::InvalidUsername,
            "username",
            "用户名只能包含字母、数字、下划线和点",
        )
        .into());
    }
    let display_name = required_text(&u.display_name, "display_name", "姓名", 32)?;
    check_role_combination(app, &u.roles)?;
    check_password_policy(&username, &u.password, "password")?;
    let keep = crate::security::effective(app).await?.password_history;
    let hash = hash_password(&u.password)?;
    let mut tx = app.db.begin().await?;
    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username = $1")
        .bind(&username)
        .fetch_one(&mut *tx)
        .await?;
    if taken > 0 {
        return Err(DomainError::field(
            Code::Duplicate,
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
        return Err(DomainError::field(Code::NotFound, "unit_id", "所属单位不存在").into());
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
    remember_password(&mut tx, app, id, &hash, keep).await?;
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

/// The key of `login_failures` for a typed user name: trimmed, lower case, at most 64 characters.
fn login_key(username: &str) -> String {
    username.trim().to_lowercase().chars().take(64).collect()
}

/// The delay after the `failures`-th failure in a row from one address: none before
/// `lockout_attempts`, then 30 seconds doubling with each failure, at most `lockout_minutes`.
pub fn backoff_seconds(failures: i64, cfg: &crate::config::SessionSettings) -> i64 {
    if failures < cfg.lockout_attempts {
        return 0;
    }
    let doublings = u32::try_from((failures - cfg.lockout_attempts).min(20)).unwrap_or(20);
    (30_i64 << doublings).min(cfg.lockout_minutes * 60)
}

/// Checks the password and opens a session for a client at address `addr`.
///
/// Every attempt takes the same path: one argon2 verification (against a dummy hash for an
/// unknown name), one write transaction with its audit entry, and for any failure the same
/// answer (`bad_credentials`, same message) — an unknown name, a wrong password, a disabled
/// account and an attempt while the address must wait look alike. Failures are counted per
/// account name and client address (`login_failures`): after `lockout_attempts` of them each
/// further failure from that address makes it wait longer (`backoff_seconds`); while it waits even
/// the right password is refused from there, but the account works from any other address.
pub async fn login(
    app: &App,
    username: &str,
    password: &str,
    addr: &str,
    request_id: Option<String>,
) -> AppResult<NewSession> {
    let key = login_key(username);
    let row = sqlx::query(
        "SELECT id, password_hash, active, display_name, must_change_password, password_changed_at \
         FROM users WHERE username = $1",
    )
    .bind(username.trim())
    .fetch_optional(&app.db.pool)
    .await?;
    let now = app.clock.now().timestamp();
    let cfg = crate::security::effective(app).await?;
    let blocked_until: i64 = sqlx::query_scalar(
        "SELECT blocked_until FROM login_failures WHERE username = $1 AND addr = $2",
    )
    .bind(&key)
    .bind(addr)
    .fetch_optional(&app.db.pool)
    .await?
    .unwrap_or(0);
    let mut who = Actor::system("登录", 0);
    who.username = username.trim().chars().take(32).collect();
    who.request_id = request_id;
    if let Some(r) = &row {
        who.user_id = Some(r.get(0));
        who.display_name = r.get(3);
    }
    // Always verified, whatever else decides the outcome, so that the time reveals nothing.
    let hash: String = row
        .as_ref()
        .map_or_else(|| dummy_hash().to_string(), |r| r.get(1));
    let password_ok = verify_password(password, &hash);
    let active = row.as_ref().is_some_and(|r| r.get::<i64, _>(2) == 1);
    let waiting = blocked_until > now;
    if !(password_ok && active && !waiting) {
        let mut tx = app.db.begin().await?;
        // A name and address quiet for a day start again from zero.
        sqlx::query("DELETE FROM login_failures WHERE last_failed_at < $1 AND blocked_until < $2")
            .bind(now - 86_400)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let after = if waiting {
            // Not counted: waiting is the answer to the failures already counted.
            serde_json::json!({"addr": addr, "waiting_seconds": blocked_until - now})
        } else {
            // Counted in the database, so parallel attempts and other server processes cannot
            // slip past it.
            let failures: i64 = sqlx::query_scalar(
                "INSERT INTO login_failures (username, addr, failures, first_failed_at, last_failed_at, blocked_until) \
                 VALUES ($1, $2, 1, $3, $3, 0) \
                 ON CONFLICT (username, addr) DO UPDATE SET failures = login_failures.failures + 1, \
                 last_failed_at = excluded.last_failed_at RETURNING failures",
            )
            .bind(&key)
            .bind(addr)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let delay = backoff_seconds(failures, &cfg);
            if delay > 0 {
                sqlx::query(
                    "UPDATE login_failures SET blocked_until = $1 WHERE username = $2 AND addr = $3",
                )
                .bind(now + delay)
                .bind(&key)
                .bind(addr)
                .execute(&mut *tx)
                .await?;
            }
            serde_json::json!({"addr": addr, "failures": failures, "delay_seconds": delay})
        };
        audit::record(
            &mut tx,
            app,
            &who,
            "login_failed",
            "session",
            "",
            None,
            Some(after),
        )
        .await?;
        tx.commit().await?;
        // The name is in the audit entry; the log says only that the request was refused.
        tracing::warn!(waiting, "login refused");
        return Err(bad_credentials());
    }
    let Some(r) = row else {
        return Err(bad_credentials());
    };
    let user_id: i64 = r.get(0);
    let must_change: i64 = r.get(4);
    let changed_at: i64 = r.get(5);
    let expired =
        cfg.password_max_age_days > 0 && now - changed_at > cfg.password_max_age_days * 86_400;
    let s = NewSession {
        token: random_token(),
        csrf_token: random_token(),
        must_change_password: must_change == 1 || expired,
    };
    let mut tx = app.db.begin().await?;
    // The wait read above may have begun since: attempts sent together after a wait ends all
    // read "not waiting", and the failures among them set a new wait. Read again in the write
    // transaction (the DELETE locks the row on PostgreSQL; SQLite's write transaction is
    // exclusive), so that a right guess among them succeeds only when it comes first.
    let since: Option<i64> = sqlx::query_scalar(
        "DELETE FROM login_failures WHERE username = $1 AND addr = $2 RETURNING blocked_until",
    )
    .bind(&key)
    .bind(addr)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(until) = since.filter(|until| *until > now) {
        tx.rollback().await?;
        let after = serde_json::json!({"addr": addr, "waiting_seconds": until - now});
        audit::record_alone(app, &who, "login_failed", "session", "", Some(after)).await?;
        return Err(bad_credentials());
    }
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

/// Counts a login attempt from the client address `addr` and says whether it is within
/// `per_minute` (all accounts together, against password spraying from one address). The count
/// is kept in the database (`login_rate`, one row per address and minute), so every server
/// process on the database shares it. The minute is the wall clock's, not `App::clock`: the
/// limit is on the rate of real requests.
pub async fn count_login_attempt(app: &App, addr: &str, per_minute: u32) -> AppResult<bool> {
    let minute = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 60)
        .unwrap_or_default();
    let minute = i64::try_from(minute).unwrap_or(i64::MAX);
    let attempts: i64 = sqlx::query_scalar(
        "INSERT INTO login_rate (addr, minute, attempts) VALUES ($1, $2, 1) \
         ON CONFLICT (addr, minute) DO UPDATE SET attempts = login_rate.attempts + 1 \
         RETURNING attempts",
    )
    .bind(addr)
    .bind(minute)
    .fetch_one(&app.db.pool)
    .await?;
    if attempts == 1 {
        // The first attempt of an address in a minute clears the windows that are over.
        sqlx::query("DELETE FROM login_rate WHERE minute < $1")
            .bind(minute - 1)
            .execute(&app.db.pool)
            .await?;
    }
    Ok(attempts <= i64::from(per_minute))
}

/// The one answer to every failed login (unknown name, wrong password, disabled account, an
/// address that must wait).
fn bad_credentials() -> AppError {
    DomainError::field(
        Code::BadCredentials,
        "password",
        "用户名或密码错误；连续输错多次后须等待片刻再试",
    )
    .into()
}

/// Changes the actor's own password: the current one must be given, the new one must meet the
/// policy and be none of the last `password_history` passwords (the current one included). Every other session of the user ends; the current one stays.
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
        return Err(
            DomainError::field(Code::BadCredentials, "old_password", "原密码不正确").into(),
        );
    }
    if old == new {
        return Err(DomainError::field(
            Code::PasswordReused,
            "new_password",
            "新密码不能与原密码相同",
        )
        .into());
    }
    check_password_policy(&actor.username, new, "new_password")?;
    let keep = crate::security::effective(app).await?.password_history;
    check_history(app, user_id, new, keep, "new_password").await?;
    let new_hash = hash_password(new)?;
    let mut tx = app.db.begin().await?;
    sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 0, password_changed_at = $2 WHERE id = $3")
        .bind(&new_hash)
        .bind(app.clock.now().timestamp())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    remember_password(&mut tx, app, user_id, &new_hash, keep).await?;
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
    /// Some client address must wait before it may try this account again.
    pub locked: bool,
    /// Holds a 系统管理员, 安全管理员 or 审计管理员 role: only the 安全管理员 resets its password.
    pub admin: bool,
    /// Holds roles that conflict (given before the setting named the pair).
    pub roles_conflict: bool,
    pub version: i64,
}

pub async fn list_users(app: &App, actor: &Actor) -> AppResult<Vec<UserRow>> {
    actor.require(Permission::ListAccounts)?;
    let rows = sqlx::query("SELECT u.id, u.username, u.display_name, un.name, u.active, u.version FROM users u JOIN units un ON un.id = u.unit_id ORDER BY u.id")
        .fetch_all(&app.db.pool)
        .await?;
    let now = app.clock.now().timestamp();
    let waiting: std::collections::HashSet<String> =
        sqlx::query_scalar("SELECT username FROM login_failures WHERE blocked_until > $1")
            .bind(now)
            .fetch_all(&app.db.pool)
            .await?
            .into_iter()
            .collect();
    let roles = sqlx::query("SELECT user_id, role FROM user_roles ORDER BY role")
        .fetch_all(&app.db.pool)
        .await?;
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
            let username: String = r.get(1);
            UserRow {
                id,
                locked: waiting.contains(&login_key(&username)),
                username,
                display_name: r.get(2),
                unit_name: r.get(3),
                roles: labels.join("、"),
                role_codes: of_user.iter().map(|r| r.code()).collect(),
                active: active == 1,
                admin: of_user.iter().any(|r| is_admin(*r)),
                roles_conflict: has_conflict(app, &of_user),
                version: r.get(5),
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
            DomainError::field(Code::OwnAccount, "user_id", "不能对本人账号执行此操作").into(),
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
    check_role_combination(app, roles)?;
    let after: Vec<&str> = roles.iter().map(|r| r.code()).collect();
    // An account made an administrator keeps no password its creator (the 系统管理员) knows:
    // it gets an unusable one, and the 安全管理员 gives it a temporary one by a reset
    // (issue 13: the 系统管理员 could otherwise sign in as a new 审计管理员 before its owner).
    let admin = |codes: &[&str]| {
        codes.iter().any(|c| {
            [Role::SysAdmin, Role::SecurityAdmin, Role::AuditAdmin]
                .iter()
                .any(|r| r.code() == *c)
        })
    };
    let before_codes: Vec<&str> = before.iter().map(String::as_str).collect();
    let made_admin = admin(&after) && !admin(&before_codes);
    let mut tx = app.db.begin().await?;
    if made_admin {
        sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 1 WHERE id = $2")
            .bind(hash_password(&random_token())?)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
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
        Some(serde_json::json!({"username": username, "roles": after, "password_invalidated": made_admin})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What a 系统管理员 may do to an account (and the 安全管理员, for the password of an
/// administrator's account). Waiting times after failed logins are lifted by the 安全管理员
/// (`security::lift_login_wait`).
#[derive(Debug, Clone)]
pub enum AccountChange {
    /// Enable (true) or disable (false); disabling ends the account's sessions.
    Active(bool),
    /// Set a temporary password that must be changed at the next login; sessions end. An
    /// administrator's account (系统管理员, 安全管理员, 审计管理员) is reset by the 安全管理员 only,
    /// never by the 系统管理员 alone, so that no administrator can take over another's account.
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
    if !(actor.can(Permission::ManageAccounts) || actor.can(Permission::ResetAdminPassword)) {
        return Err(AppError::Forbidden);
    }
    let (username, roles) = other_account(app, actor, user_id, expected_version).await?;
    let admin = roles
        .iter()
        .filter_map(|c| Role::from_code(c).ok())
        .any(is_admin);
    if matches!(change, AccountChange::ResetPassword(_)) && admin {
        if !actor.can(Permission::ResetAdminPassword) {
            // A 系统管理员 trying to reset another administrator's password: refused, and
            // recorded, as it may be an attempt to take the account over.
            audit::record_alone(
                app,
                actor,
                "reset_password_refused",
                "user",
                &user_id.to_string(),
                Some(serde_json::json!({"username": username, "roles": roles})),
            )
            .await?;
            return Err(DomainError::field(
                Code::AdminResetNeedsSecurityAdmin,
                "user_id",
                "系统管理员、安全管理员、审计管理员账号的密码须由安全管理员重置",
            )
            .into());
        }
    } else {
        actor.require(Permission::ManageAccounts)?;
    }
    let keep = crate::security::effective(app).await?.password_history;
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
        AccountChange::ResetPassword(p) => {
            // Not checked against the account's history: the answer would tell the
            // administrator which passwords the user had. The user must change it at the next
            // login, and that change is checked (the temporary one included).
            check_password_policy(&username, p, "password")?;
            let hash = hash_password(p)?;
            sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 1, password_changed_at = $2 WHERE id = $3")
                .bind(&hash)
                .bind(app.clock.now().timestamp())
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            remember_password(&mut tx, app, user_id, &hash, keep).await?;
            (
                "reset_password",
                serde_json::json!({"must_change_password": true, "administrator_account": admin}),
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
