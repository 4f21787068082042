//! Many rows in few statements: multi-row `INSERT`s and ids reserved before the rows are written.
//!
//! sqlx's SQLite driver runs every statement on a worker thread and answers through a channel, so
//! a statement costs a round trip between threads (issue 15 measured the row-by-row .xlsx import
//! at about 2,000 rows/s on SQLite, waiting rather than computing, and 400 rows/s on PostgreSQL,
//! a network round trip per statement). A batch writes each table's rows in statements of a few
//! hundred rows instead.

use crate::{Any, Backend, Transaction};

/// A value bound to a placeholder: the two types the schema stores (dates are ISO text).
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Int(Option<i64>),
    Text(Option<String>),
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(Some(v))
    }
}
impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Self {
        Val::Int(v)
    }
}
impl From<bool> for Val {
    fn from(v: bool) -> Self {
        Val::Int(Some(i64::from(v)))
    }
}
impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(Some(v))
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(Some(v.to_string()))
    }
}
impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Self {
        Val::Text(v)
    }
}

/// Placeholders per statement, below both backends' limits (SQLite 32,766; PostgreSQL 65,535).
const MAX_BINDS: usize = 30_000;
/// Rows per statement at the most: beyond a few hundred, longer statements gain nothing.
const MAX_ROWS: usize = 500;

/// Inserts `rows` (each a value per column of `columns`, in order) into `table`, in statements
/// of up to 500 rows. Every row must have as many values as there are columns.
pub async fn insert(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Val>>,
) -> Result<(), sqlx::Error> {
    if columns.is_empty() {
        return Ok(());
    }
    if let Some(r) = rows.iter().find(|r| r.len() != columns.len()) {
        return Err(sqlx::Error::Protocol(format!(
            "insert into {table}: a row of {} values for {} columns",
            r.len(),
            columns.len()
        )));
    }
    let per = (MAX_BINDS / columns.len()).clamp(1, MAX_ROWS);
    let head = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Val>> = rows.by_ref().take(per).collect();
        let mut sql = String::with_capacity(head.len() + chunk.len() * columns.len() * 6);
        sql.push_str(&head);
        let mut n = 0;
        for (i, _) in chunk.iter().enumerate() {
            sql.push_str(if i == 0 { "(" } else { ", (" });
            for c in 0..columns.len() {
                n += 1;
                if c > 0 {
                    sql.push_str(", ");
                }
                // SQLite gets anonymous placeholders: sqlx looks each numbered one up by name,
                // and SQLite finds a name by walking the statement's list of them, so `$n`
                // costs the square of the placeholders in a statement.
                if backend == Backend::Sqlite {
                    sql.push('?');
                } else {
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for v in chunk.into_iter().flatten() {
            q = match v {
                Val::Int(i) => q.bind(i),
                Val::Text(t) => q.bind(t),
            };
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Reserves `n` ids of `table`'s `id` column for rows the transaction will insert with them.
///
/// On PostgreSQL they come from the column's identity sequence (never handed out twice, whatever
/// else commits meanwhile). On SQLite the transaction already holds the write lock (`BEGIN
/// IMMEDIATE`, [`crate::Db::begin`]), so nobody else can insert before it commits, and the ids
/// follow the largest one stored: what SQLite itself would choose for an `INTEGER PRIMARY KEY`.
pub async fn reserve_ids(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    table: &str,
    n: usize,
) -> Result<Vec<i64>, sqlx::Error> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let count = i64::try_from(n).unwrap_or(i64::MAX);
    match backend {
        Backend::Postgres => {
            sqlx::query_scalar(
                "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)",
            )
            .bind(table)
            .bind(count)
            .fetch_all(&mut **tx)
            .await
        }
        Backend::Sqlite => {
            let max: i64 = sqlx::query_scalar(&format!("SELECT COALESCE(MAX(id), 0) FROM {table}"))
                .fetch_one(&mut **tx)
                .await?;
            Ok((1..=count).map(|i| max + i).collect())
        }
    }
}
