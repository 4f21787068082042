//! Backup while the server runs, and restore: refused over data without `--force`, checked, and
//! equal to the source afterwards. On SQLite and PostgreSQL (pg_dump / pg_restore).

use fazhi_app::{audit, demo};
use fazhi_store::{restore, Db};
use fazhi_testkit::{d, empty_pg_database, fresh, spawn, Backend};
use serde_json::json;

/// The rows that must survive: every case with its state and version, and every party.
async fn fingerprint(db: &Db) -> Vec<String> {
    let mut v: Vec<String> = sqlx::query_scalar(
        "SELECT c.case_no || '|' || c.status || '|' || CAST(c.version AS TEXT) || '|' || COALESCE(c.closed_date, '') FROM rc_cases c ORDER BY c.id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let parties: Vec<String> = sqlx::query_scalar(
        "SELECT name || '|' || COALESCE(id_number, '') FROM case_parties ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    v.extend(parties);
    v
}

async fn backup_and_restore(backend: Backend) {
    let t = fresh(backend, d("2024-12-31")).await;
    demo::seed(&t.app, 30).await.unwrap();
    let base = spawn(t.app.clone()).await;
    // Logins keep writing (sessions, audit entries) while the backup is taken.
    let writer = tokio::spawn(async move {
        let c = reqwest::Client::new();
        for _ in 0..15 {
            let _ = c
                .post(format!("{base}/api/v1/session"))
                .json(&json!({"username": "fuyi", "password": demo::DEMO_PASSWORD}))
                .send()
                .await;
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.bin");
    let url = t.app.config.database_url.clone();
    t.app.db.backup(&url, &file).await.unwrap();
    writer.await.unwrap();
    // A second backup to the same file is refused (never overwritten).
    assert!(t.app.db.backup(&url, &file).await.is_err());
    let source = fingerprint(&t.app.db).await;
    assert!(source.len() > 30);

    let target = match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("restored.db").display()),
        Backend::Postgres => empty_pg_database().await,
    };
    restore(&file, &target, false).await.unwrap();
    let restored = Db::connect(&target, false).await.unwrap();
    assert_eq!(fingerprint(&restored).await, source);
    restored.migrate().await.unwrap();
    let app = fazhi_app::App::new(
        restored.clone(),
        (*t.app.config).clone(),
        t.app.clock.clone(),
    )
    .unwrap();
    let chain = audit::verify_chain(&app).await.unwrap();
    assert!(chain.broken.is_none(), "{chain:?}");
    assert!(chain.verified > 0);
    restored.pool.close().await;

    // The target now holds data: refused without --force, and left as it was.
    let e = restore(&file, &target, false)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("--force"), "{e}");
    restore(&file, &target, true).await.unwrap();
    let again = Db::connect(&target, false).await.unwrap();
    assert_eq!(fingerprint(&again).await, source);
    again.pool.close().await;

    // A file that is not a backup is refused and the target is untouched.
    let junk = dir.path().join("junk.bin");
    std::fs::write(&junk, b"not a database at all").unwrap();
    assert!(restore(&junk, &target, true).await.is_err());
    let after = Db::connect(&target, false).await.unwrap();
    assert_eq!(fingerprint(&after).await, source);
}

#[tokio::test]
async fn backup_while_running_and_restore_sqlite() {
    backup_and_restore(Backend::Sqlite).await;
}

#[tokio::test]
async fn backup_while_running_and_restore_postgres() {
    backup_and_restore(Backend::Postgres).await;
}
