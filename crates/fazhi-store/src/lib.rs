//! Persistence: one connection pool over SQLite (the embedded default) or PostgreSQL, chosen at
//! run time from the URL, and the migrations of each backend.
//!
//! Both backends run the same SQL text through sqlx's `Any` driver: placeholders are `$1`, dates
//! are ISO text, integers are 64-bit, inserts use `RETURNING id`. That keeps one implementation
//! of every query instead of a trait with two copies (docs/architecture.md, "Storage").

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

pub use sqlx::any::AnyRow;
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
                        // busy writer instead of failing at once.
                        conn.execute("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;")
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(opts)
            .await?;
        Ok(Self { pool, backend })
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

    /// A consistent copy of a SQLite database while it is in use (`VACUUM INTO`). PostgreSQL is
    /// backed up with pg_dump (README, "PostgreSQL").
    pub async fn backup_sqlite(&self, to: &Path) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::BadUrl("PostgreSQL 请使用 pg_dump 备份".into()));
        }
        if to.exists() {
            return Err(StoreError::BadUrl(format!(
                "备份文件已存在：{}",
                to.display()
            )));
        }
        sqlx::query("VACUUM INTO $1")
            .bind(to.display().to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
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
