//! Security settings (安全策略): the 安全管理员 adjusts the account and session controls at run
//! time; the configuration file's `[session]` gives the defaults. Each change is audited.

use crate::config::SessionSettings;
use crate::{audit, Actor, App, AppResult};
use fazhi_domain::fields::Fields;
use fazhi_domain::org::Permission;
use fazhi_domain::Code;
use fazhi_domain::DomainError;
use fazhi_store::Row;
use serde::Serialize;

/// (key, label, unit, allowed range).
const DEFS: [(&str, &str, &str, i64, i64); 7] = [
    ("idle_minutes", "会话空闲超时", "分钟", 5, 120),
    ("absolute_hours", "会话最长时间", "小时", 1, 24),
    (
        "lockout_attempts",
        "同一账号同一地址连续登录失败几次后开始延迟",
        "次",
        3,
        10,
    ),
    (
        "lockout_minutes",
        "登录失败后的最长等待时间",
        "分钟",
        5,
        1440,
    ),
    (
        "password_max_age_days",
        "密码有效期（0为不限）",
        "天",
        0,
        365,
    ),
    (
        "login_attempts_per_minute",
        "同一地址每分钟登录尝试上限",
        "次",
        5,
        600,
    ),
    (
        "password_history",
        "不得重复使用的最近密码个数",
        "个",
        1,
        24,
    ),
];

fn get(s: &SessionSettings, key: &str) -> i64 {
    match key {
        "idle_minutes" => s.idle_minutes,
        "absolute_hours" => s.absolute_hours,
        "lockout_attempts" => s.lockout_attempts,
        "lockout_minutes" => s.lockout_minutes,
        "password_max_age_days" => s.password_max_age_days,
        "password_history" => s.password_history,
        _ => i64::from(s.login_attempts_per_minute),
    }
}

fn set(s: &mut SessionSettings, key: &str, v: i64) {
    match key {
        "idle_minutes" => s.idle_minutes = v,
        "absolute_hours" => s.absolute_hours = v,
        "lockout_attempts" => s.lockout_attempts = v,
        "lockout_minutes" => s.lockout_minutes = v,
        "password_max_age_days" => s.password_max_age_days = v,
        "password_history" => s.password_history = v,
        _ => s.login_attempts_per_minute = u32::try_from(v).unwrap_or(u32::MAX),
    }
}

/// The settings in force: the configuration, overridden by what the 安全管理员 has set.
pub async fn effective(app: &App) -> AppResult<SessionSettings> {
    let mut s = app.config.session;
    for r in sqlx::query("SELECT key, value FROM security_settings")
        .fetch_all(&app.db.pool)
        .await?
    {
        let key: String = r.get(0);
        if DEFS.iter().any(|d| d.0 == key) {
            set(&mut s, &key, r.get(1));
        }
    }
    Ok(s)
}

#[derive(Debug, Clone, Serialize)]
pub struct SettingView {
    pub key: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub value: i64,
    /// The configuration file's value.
    pub default: i64,
    pub min: i64,
    pub max: i64,
}

/// The settings with their defaults and ranges (安全管理员 only).
pub async fn view(app: &App, actor: &Actor) -> AppResult<Vec<SettingView>> {
    actor.require(Permission::ManageSecurity)?;
    let now = effective(app).await?;
    Ok(DEFS
        .iter()
        .map(|&(key, label, unit, min, max)| SettingView {
            key,
            label,
            unit,
            value: get(&now, key),
            default: get(&app.config.session, key),
            min,
            max,
        })
        .collect())
}

/// Sets the settings from a form: every value a whole number within its range, or nothing is
/// written. Changed values are audited with before and after.
pub async fn update(app: &App, actor: &Actor, f: &Fields) -> AppResult<()> {
    actor.require(Permission::ManageSecurity)?;
    let now = effective(app).await?;
    let mut changes = vec![];
    for &(key, label, unit, min, max) in &DEFS {
        let Some(text) = f.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()) else {
            continue;
        };
        let v: i64 = text
            .parse()
            .ok()
            .filter(|v| (min..=max).contains(v))
            .ok_or_else(|| {
                DomainError::field(
                    Code::OutOfRange,
                    key,
                    format!("“{label}”应为{min}至{max}之间的整数（{unit}）"),
                )
            })?;
        if v != get(&now, key) {
            changes.push((key, get(&now, key), v));
        }
    }
    if changes.is_empty() {
        return Ok(());
    }
    let mut tx = app.db.begin().await?;
    for (key, _, v) in &changes {
        sqlx::query(
            "INSERT INTO security_settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(key)
        .bind(v)
        .bind(app.now_text())
        .bind(&actor.username)
        .execute(&mut *tx)
        .await?;
    }
    let before: serde_json::Map<String, serde_json::Value> = changes
        .iter()
        .map(|(k, b, _)| (k.to_string(), (*b).into()))
        .collect();
    let after: serde_json::Map<String, serde_json::Value> = changes
        .iter()
        .map(|(k, _, a)| (k.to_string(), (*a).into()))
        .collect();
    audit::record(
        &mut tx,
        app,
        actor,
        "update",
        "security_settings",
        "",
        Some(before.into()),
        Some(after.into()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Failed logins of one account name from one client address (`login_failures`), as the
/// 安全管理员 sees them.
#[derive(Debug, Clone, Serialize)]
pub struct LoginWait {
    /// The name as typed (lower case); it may name no account.
    pub username: String,
    /// An account has this name.
    pub known: bool,
    pub addr: String,
    pub failures: i64,
    pub first_failed_at: String,
    pub last_failed_at: String,
    /// Seconds the address must still wait before trying this name again (0: none).
    pub waiting_seconds: i64,
}

fn local_time(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| {
            t.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset"))
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
}

/// The current failed-login counts and waiting times, those that wait first (安全管理员 only).
pub async fn login_waits(app: &App, actor: &Actor) -> AppResult<Vec<LoginWait>> {
    actor.require(Permission::ManageSecurity)?;
    let now = app.clock.now().timestamp();
    let rows = sqlx::query(
        "SELECT f.username, f.addr, f.failures, f.first_failed_at, f.last_failed_at, f.blocked_until, \
         (SELECT COUNT(*) FROM users u WHERE LOWER(u.username) = f.username) \
         FROM login_failures f WHERE f.last_failed_at >= $1 OR f.blocked_until > $2 \
         ORDER BY CASE WHEN f.blocked_until > $2 THEN 0 ELSE 1 END, f.last_failed_at DESC, f.username, f.addr LIMIT 500",
    )
    .bind(now - 86_400)
    .bind(now)
    .fetch_all(&app.db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let blocked: i64 = r.get(5);
            LoginWait {
                username: r.get(0),
                addr: r.get(1),
                failures: r.get(2),
                first_failed_at: local_time(r.get(3)),
                last_failed_at: local_time(r.get(4)),
                waiting_seconds: (blocked - now).max(0),
                known: r.get::<i64, _>(6) > 0,
            }
        })
        .collect())
}

/// Lifts the failed-login count and any waiting time of one account name at one client address
/// (安全管理员), audited with what was lifted.
pub async fn lift_login_wait(
    app: &App,
    actor: &Actor,
    username: &str,
    addr: &str,
) -> AppResult<()> {
    actor.require(Permission::ManageSecurity)?;
    let now = app.clock.now().timestamp();
    let mut tx = app.db.begin().await?;
    let row = sqlx::query(
        "SELECT failures, blocked_until FROM login_failures WHERE username = $1 AND addr = $2",
    )
    .bind(username)
    .bind(addr)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        DomainError::field(
            Code::NotFound,
            "username",
            "该账号与地址当前没有登录失败记录，可能已解除或已过期",
        )
    })?;
    let (failures, blocked): (i64, i64) = (row.get(0), row.get(1));
    sqlx::query("DELETE FROM login_failures WHERE username = $1 AND addr = $2")
        .bind(username)
        .bind(addr)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        app,
        actor,
        "lift_login_wait",
        "login_failures",
        &format!("{username}@{addr}"),
        Some(serde_json::json!({"username": username, "addr": addr, "failures": failures, "waiting_seconds": (blocked - now).max(0)})),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The pairs of roles one account may not hold together (`accounts.conflicting_roles`), as
/// labels, for the 安全策略 page.
pub fn conflicting_roles(app: &App) -> Vec<(&'static str, &'static str)> {
    app.config
        .accounts
        .conflicting_roles
        .iter()
        .map(|[a, b]| (a.label(), b.label()))
        .collect()
}
