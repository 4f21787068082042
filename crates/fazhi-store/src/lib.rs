//! Persistence: one connection pool over SQLite (the embedded default) or PostgreSQL, chosen at
//! run time from the URL, and the migrations of each backend.
//!
//! Both backends run the same SQL text through sqlx's `Any` driver: placeholders are `$1`, dates
//! are ISO text, integers are 64-bit, inserts use `RETURNING id`. That keeps one implementation
//! of every query instead of a trait with two copies (docs/architecture.md, "Storage").

pub mod rows;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

pub use sqlx::any::{AnyQueryResult, AnyRow};
pub use sqlx::{Any, AnyConnection, Row, Transaction};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A storage error for operators (CLI, logs); users never see its text.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库地址无效：{0}（应为 sqlite://文件路径 或 postgres://用户@主机/库名）")]
    BadUrl(String),
    #[error("数据库文件不存在：{0}。如需新建，请使用 fazhi migrate --create 或 fazhi demo")]
    Missing(PathBuf),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Backup(String),
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

/// What the URL names, checked before anything touches the disk.
pub fn parse_url(url: &str) -> Result<(Backend, Option<PathBuf>), StoreError> {
    if let Some(rest) = url.strip_prefix("sqlite://") {
        let path = rest.split('?').next().unwrap_or_default();
        if path.is_empty() || path == ":memory:" {
            return Err(StoreError::BadUrl(url.to_string()));
        }
        Ok((Backend::Sqlite, Some(PathBuf::from(path))))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok((Backend::Postgres, None))
    } else {
        Err(StoreError::BadUrl(redact(url)))
    }
}

/// Hides a password in a database URL before it is printed or logged.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl Db {
    /// Opens the database. A SQLite file must exist unless `create` is set: a mistyped path is an
    /// error, never a new empty database.
    pub async fn connect(url: &str, create: bool) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let (backend, path) = parse_url(url)?;
        let conn_url = match (&backend, &path) {
            (Backend::Sqlite, Some(p)) => {
                if !p.exists() {
                    if !create {
                        return Err(StoreError::Missing(p.clone()));
                    }
                    if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                        std::fs::create_dir_all(dir)
                            .map_err(|e| StoreError::Sqlx(sqlx::Error::Io(e)))?;
                    }
                }
                format!(
                    "sqlite://{}?mode={}",
                    p.display(),
                    if create { "rwc" } else { "rw" }
                )
            }
            _ => url.to_string(),
        };
        let opts = AnyConnectOptions::from_str(&conn_url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL for readers beside one writer; foreign keys enforced; wait for a
                        // busy writer instead of failing at once; every commit synced to disk
                        // (an acknowledged write survives a power cut, not only a killed process).
                        conn.execute("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = FULL; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;")
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(opts)
            .await?;
        Ok(Self { pool, backend })
    }

    /// Begins a write transaction. On SQLite it is `BEGIN IMMEDIATE`: the write lock is taken at
    /// the start (waiting up to the busy timeout), so a transaction that reads and then writes is
    /// never refused half-way because another writer committed in between (SQLITE_BUSY_SNAPSHOT).
    pub async fn begin(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    pub fn migrator(&self) -> &'static Migrator {
        match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.migrator().run(&self.pool).await?;
        Ok(())
    }

    /// Whether migrations have created the schema and the database holds at least a unit.
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        let has_table: i64 = match self.backend {
            Backend::Sqlite => {
                sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'units'")
                    .fetch_one(&self.pool)
                    .await?
            }
            Backend::Postgres => {
                sqlx::query_scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'units' AND table_schema = current_schema()")
                    .fetch_one(&self.pool)
                    .await?
            }
        };
        if has_table == 0 {
            return Ok(true);
        }
        let units: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM units")
            .fetch_one(&self.pool)
            .await?;
        Ok(units == 0)
    }

    /// A consistent copy of the database while it is in use. SQLite: `VACUUM INTO` (a
    /// transactionally consistent snapshot, compacted). PostgreSQL: `pg_dump --format=custom`
    /// (one snapshot of the whole database), which must be on the PATH.
    pub async fn backup(&self, url: &str, to: &Path) -> Result<(), StoreError> {
        if to.exists() {
            return Err(StoreError::Backup(format!(
                "备份文件已存在：{}（不会覆盖）",
                to.display()
            )));
        }
        match self.backend {
            Backend::Sqlite => {
                sqlx::query("VACUUM INTO $1")
                    .bind(to.display().to_string())
                    .execute(&self.pool)
                    .await?;
            }
            Backend::Postgres => {
                run_tool(
                    std::process::Command::new("pg_dump")
                        .arg("--format=custom")
                        .arg("--no-owner")
                        .arg(format!("--file={}", to.display()))
                        .arg(format!("--dbname={url}")),
                    "pg_dump",
                )?;
            }
        }
        Ok(())
    }
}

/// Restores a backup made by [`Db::backup`] into the database `url`. Refuses a target that
/// already holds data unless `force` is set. The server must be stopped meanwhile.
///
/// SQLite: the backup is checked (`PRAGMA integrity_check`, migrations table present), copied
/// beside the target and renamed over it, so the target is either the old file or the whole
/// backup, never a mixture. PostgreSQL: `pg_restore` into the (existing) database, with
/// `--clean` when forced, in one transaction.
pub async fn restore(from: &Path, url: &str, force: bool) -> Result<(), StoreError> {
    if !from.is_file() {
        return Err(StoreError::Backup(format!(
            "备份文件不存在：{}",
            from.display()
        )));
    }
    let (backend, path) = parse_url(url)?;
    let target_has_data = match &path {
        Some(p) if !p.exists() => false,
        _ => {
            let db = Db::connect(url, false).await?;
            let empty = db.is_empty().await?;
            db.pool.close().await;
            !empty
        }
    };
    if target_has_data && !force {
        return Err(StoreError::Backup(format!(
            "目标数据库 {} 中已有数据，未恢复。确认要用备份覆盖时，请加 --force",
            redact(url)
        )));
    }
    match (backend, path) {
        (Backend::Sqlite, Some(target)) => {
            let src = Db::connect(&format!("sqlite://{}", from.display()), false).await?;
            let check: String = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_one(&src.pool)
                .await
                .map_err(|_| StoreError::Backup("备份文件不是有效的 SQLite 数据库".into()))?;
            let migrated: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM sqlite_master WHERE name = '_sqlx_migrations'",
            )
            .fetch_one(&src.pool)
            .await?;
            if check != "ok" || migrated == 0 {
                return Err(StoreError::Backup(
                    "备份文件已损坏或不是本系统的数据库".into(),
                ));
            }
            let tmp = target.with_extension("restore-tmp");
            let _ = std::fs::remove_file(&tmp);
            sqlx::query("VACUUM INTO $1")
                .bind(tmp.display().to_string())
                .execute(&src.pool)
                .await?;
            src.pool.close().await;
            for ext in ["db-wal", "db-shm"] {
                let _ = std::fs::remove_file(target.with_extension(ext));
            }
            std::fs::rename(&tmp, &target).map_err(|e| StoreError::Sqlx(sqlx::Error::Io(e)))?;
        }
        _ => {
            let mut cmd = std::process::Command::new("pg_restore");
            cmd.arg("--no-owner")
                .arg("--single-transaction")
                .arg("--exit-on-error");
            if target_has_data {
                cmd.arg("--clean").arg("--if-exists");
            }
            cmd.arg(format!("--dbname={url}")).arg(from);
            run_tool(&mut cmd, "pg_restore")?;
        }
    }
    Ok(())
}

fn run_tool(cmd: &mut std::process::Command, name: &str) -> Result<(), StoreError> {
    let out = cmd.output().map_err(|e| {
        StoreError::Backup(format!(
            "无法运行 {name}：{e}（请安装 PostgreSQL 客户端工具）"
        ))
    })?;
    if !out.status.success() {
        return Err(StoreError::Backup(format!(
            "{name} 失败：{}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}

/// Migration file names per backend, for the test that they match.
pub fn migration_names(backend: Backend) -> Vec<String> {
    let m = match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    m.iter()
        .map(|m| format!("{}_{}", m.version, m.description))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_folders_match() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let list = |b: &str| {
            let mut v: Vec<String> = std::fs::read_dir(dir.join(b))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        assert_eq!(list("sqlite"), list("postgres"));
        assert!(!list("sqlite").is_empty());
        assert_eq!(
            migration_names(Backend::Sqlite),
            migration_names(Backend::Postgres)
        );
    }

    #[test]
    fn urls() {
        assert!(matches!(parse_url("mysql://x"), Err(StoreError::BadUrl(_))));
        assert!(matches!(parse_url("fazhi.db"), Err(StoreError::BadUrl(_))));
        assert_eq!(
            parse_url("sqlite://a/b.db").unwrap(),
            (Backend::Sqlite, Some(PathBuf::from("a/b.db")))
        );
        assert_eq!(parse_url("postgres://u@h/d").unwrap().0, Backend::Postgres);
        assert_eq!(redact("postgres://u:secret@h/d"), "postgres://u:***@h/d");
    }

    #[tokio::test]
    async fn mistyped_sqlite_path_is_an_error_and_creates_nothing() {
        let dir = tempfile_dir();
        let p = dir.join("nope.db");
        let e = Db::connect(&format!("sqlite://{}", p.display()), false)
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Missing(_)));
        assert!(!p.exists());
    }

    fn tempfile_dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("fazhi-store-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
