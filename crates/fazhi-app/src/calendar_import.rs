//! Importing the State Council's holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知) into a
//! year file `YYYY.toml` in the configured `calendar_dir` (issue 14 §1): read and shown first
//! ([`preview`]), then written by the 系统管理员 ([`write`]), audited.
//!
//! The permission is [`Permission::ManageAccounts`], the 系统管理员's: the calendar is system
//! data kept by him (the `calendar_year_missing` message already sends users to him); the
//! security and audit administrators have their own separate duties (三员分立).
//!
//! The loaded [`fazhi_domain::calendar::HolidayCalendar`] is built when the process starts, so a
//! written file takes effect at the next start (`fazhi serve` restart), when the open provisional
//! deadlines are recomputed on it ([`crate::recompute`]).

use crate::{audit, Actor, App, AppError, AppResult};
use fazhi_domain::calendar::{embedded_files, CalendarRules, HolidayCalendar};
use fazhi_domain::notice::{parse_notice, Notice, YearFileData};
use fazhi_domain::org::Permission;
use fazhi_domain::Code;
use fazhi_domain::DomainError;
use serde::Serialize;
use serde_json::json;
use std::path::{Path, PathBuf};

/// What a notice reads as, and where its year file would go.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub notice: Notice,
    pub summary: Vec<String>,
    /// The year file's text.
    pub toml: String,
    /// `calendar_dir/YYYY.toml`, when `calendar_dir` is configured.
    pub path: Option<PathBuf>,
    /// A file for the year is already in `calendar_dir` (writing needs `force`).
    pub exists: bool,
}

/// Reads a notice; refuses text it cannot read (the message names the line). Writes nothing.
pub fn preview(calendar_dir: Option<&Path>, text: &str, sources: &[String]) -> AppResult<Preview> {
    let notice = parse_notice(text)?;
    let toml = notice.to_toml(sources);
    // The file must load beside the shipped ones, or the next start would fail.
    let mut files = embedded_files();
    files.push((format!("{}.toml", notice.year), toml.clone()));
    HolidayCalendar::from_files(files, CalendarRules::default())?;
    let path = calendar_dir.map(|d| d.join(format!("{}.toml", notice.year)));
    let exists = path.as_ref().is_some_and(|p| p.exists());
    Ok(Preview {
        summary: notice.summary_lines(),
        notice,
        toml,
        path,
        exists,
    })
}

fn no_dir() -> AppError {
    DomainError::new(
        Code::CalendarDirNotConfigured,
        "未配置节假日数据目录（配置项 calendar_dir），无法保存节假日安排。请在配置文件中设置 calendar_dir 后重试",
    )
    .into()
}

fn io(what: &str, path: &Path, e: std::io::Error) -> AppError {
    AppError::Internal(format!("{what} {}：{e}", path.display()))
}

/// Writes the notice's year file into `calendar_dir`, atomically (a temporary file in the same
/// directory, then a link or rename), with an audit entry in the same transaction. Refused when
/// `calendar_dir` is not configured, or the file exists and `force` is not set; nothing is
/// written on any error.
pub async fn write(
    app: &App,
    actor: &Actor,
    text: &str,
    sources: &[String],
    force: bool,
) -> AppResult<Preview> {
    actor.require(Permission::ManageAccounts)?;
    let dir = app.config.calendar_dir.clone().ok_or_else(no_dir)?;
    let p = preview(Some(&dir), text, sources)?;
    let path = p.path.clone().ok_or_else(no_dir)?;
    if !dir.is_dir() {
        return Err(DomainError::new(
            Code::CalendarDirMissing,
            format!("节假日数据目录 {} 不存在，请先创建该目录", dir.display()),
        )
        .into());
    }
    let before = match std::fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io("无法读取", &path, e)),
    };
    if before.is_some() && !force {
        return Err(exists(&path));
    }
    let tmp = dir.join(format!(
        ".{}.toml.{}.{}.tmp",
        p.notice.year,
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ));
    std::fs::write(&tmp, &p.toml).map_err(|e| io("无法写入", &tmp, e))?;
    let result = put_in_place(app, actor, &p, &tmp, &path, before, force).await;
    let _ = std::fs::remove_file(&tmp);
    result.map(|()| p)
}

/// After a notice was written on the calendar page: puts the calendar with the new year in force
/// for every request at once (no restart). The caller then recomputes the provisional deadlines
/// it now decides (`recompute::run`, the same audited run as at server start). Another process
/// using the same `calendar_dir` (a second server) applies it at its next start.
pub fn reload(app: &App, actor: &Actor) -> AppResult<()> {
    actor.require(Permission::ManageAccounts)?;
    app.reload_calendar()
        .map(|_| ())
        .map_err(|e| AppError::Internal(format!("reload calendar: {e:#}")))
}

fn exists(path: &Path) -> AppError {
    DomainError::new(
        Code::CalendarFileExists,
        format!(
            "节假日数据文件 {} 已存在，未覆盖。如需以本通知替换，请确认覆盖（命令行加 --force）",
            path.display()
        ),
    )
    .into()
}

async fn put_in_place(
    app: &App,
    actor: &Actor,
    p: &Preview,
    tmp: &Path,
    path: &Path,
    before: Option<String>,
    force: bool,
) -> AppResult<()> {
    let year = p.notice.year;
    let before_value = before
        .as_deref()
        .and_then(|t| YearFileData::from_toml(t).ok())
        .map(|f| json!(f));
    let mut tx = app.db.begin().await?;
    audit::record(
        &mut tx,
        app,
        actor,
        "calendar_import",
        "calendar_year",
        &year.to_string(),
        before_value,
        Some(json!({
            "file": path.display().to_string(),
            "issued": p.notice.issued,
            "calendar": p.notice.year_file(&[]),
        })),
    )
    .await?;
    if force {
        std::fs::rename(tmp, path).map_err(|e| io("无法写入", path, e))?;
    } else {
        // A link fails when the file appeared meanwhile: never overwrite without `force`.
        std::fs::hard_link(tmp, path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                exists(path)
            } else {
                io("无法写入", path, e)
            }
        })?;
    }
    if let Err(e) = tx.commit().await {
        // Not audited, so not written: put the previous state back.
        match &before {
            Some(t) => {
                let _ = std::fs::write(tmp, t).and_then(|()| std::fs::rename(tmp, path));
            }
            None => {
                let _ = std::fs::remove_file(path);
            }
        }
        return Err(e.into());
    }
    Ok(())
}
