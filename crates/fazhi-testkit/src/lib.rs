//! Test helpers: a fresh database per test (a SQLite file in a temporary folder, or a new
//! PostgreSQL database on the local server), the demo organisation, and the real server on port 0.

pub mod web;

use chrono::NaiveDate;
use fazhi_app::{demo, App, Clock, Config, FixedClock};
use fazhi_store::Db;
use std::sync::Arc;

pub use fazhi_app;
pub use fazhi_domain;

/// The PostgreSQL server the test command starts (trust auth). Override with FAZHI_TEST_PG.
pub fn pg_admin_url() -> String {
    std::env::var("FAZHI_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, migrated, empty database; the guard keeps the SQLite folder alive.
pub struct TestDb {
    pub app: App,
    _dir: Option<tempfile::TempDir>,
}

pub async fn fresh(backend: Backend, today: NaiveDate) -> TestDb {
    fresh_with(backend, Arc::new(FixedClock(today)), |_| {}).await
}

/// A new, empty database on the local PostgreSQL server; returns its URL.
pub async fn empty_pg_database() -> String {
    let admin = Db::connect(&pg_admin_url(), false).await.expect(
        "PostgreSQL on 127.0.0.1:5432 is needed for this test; the README's test command starts it",
    );
    let name = format!("fazhi_t_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin.pool)
        .await
        .expect("create database");
    admin.pool.close().await;
    let base = pg_admin_url();
    format!(
        "{}/{name}",
        &base[..base.rfind('/').expect("url has a database")]
    )
}

/// A fresh database with the demo organisation, a given clock and adjusted settings.
pub async fn with_org_and(
    backend: Backend,
    clock: Arc<dyn Clock>,
    settings: impl FnOnce(&mut Config),
) -> TestDb {
    let t = fresh_with(backend, clock, settings).await;
    demo::seed(&t.app, 0).await.expect("seed");
    t
}

/// A fresh, migrated, empty database with a given clock and adjusted settings.
pub async fn fresh_with(
    backend: Backend,
    clock: Arc<dyn Clock>,
    settings: impl FnOnce(&mut Config),
) -> TestDb {
    let (url, dir) = match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            (
                format!("sqlite://{}", dir.path().join("fazhi.db").display()),
                Some(dir),
            )
        }
        Backend::Postgres => (empty_pg_database().await, None),
    };
    let db = Db::connect(&url, true).await.expect("connect");
    db.migrate().await.expect("migrate");
    let mut config = Config {
        database_url: url,
        ..Config::default()
    };
    settings(&mut config);
    let app = App::new(db, config, clock).expect("app");
    TestDb { app, _dir: dir }
}

/// A fresh database with the demo jurisdiction, units and accounts but no cases.
pub async fn with_org(backend: Backend, today: NaiveDate) -> TestDb {
    let t = fresh(backend, today).await;
    demo::seed(&t.app, 0).await.expect("seed");
    t
}

/// Starts the real server on a free port; returns its base URL.
pub async fn spawn(app: App) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        axum_serve(app, listener).await;
    });
    format!("http://{addr}")
}

async fn axum_serve(app: App, listener: tokio::net::TcpListener) {
    let _ = fazhi_web::serve(app, listener).await;
}

/// Logs in through the API and returns a client that sends the bearer token.
pub async fn api_client(base: &str, username: &str) -> reqwest::Client {
    let c = reqwest::Client::new();
    let r = c
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"username": username, "password": demo::DEMO_PASSWORD}))
        .send()
        .await
        .expect("login request");
    assert_eq!(r.status(), 201, "login as {username}");
    let body: serde_json::Value = r.json().await.expect("json");
    let token = body["token"].as_str().expect("token").to_string();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().expect("header"),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("client")
}

pub fn d(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// A form's fields from (name, value) pairs.
pub fn fields(pairs: &[(&str, &str)]) -> fazhi_domain::fields::Fields {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Registers a 行政复议 application received on `received` against 东山镇人民政府 (the demo
/// organisation's township), as `clerk`; returns its id.
pub async fn rc_application(app: &App, clerk: &fazhi_app::Actor, received: &str) -> i64 {
    let mut f = fields(&[
        ("received_date", received),
        ("channel", "window"),
        ("act_name", "行政处罚决定"),
        ("act_date", "2024-01-02"),
        ("request", "撤销该处罚决定"),
        ("applicant_name", "张三"),
        ("applicant_id_number", "11010519491231002X"),
    ]);
    let unit = fazhi_app::org::find_unit_by_name(app, "东山镇人民政府")
        .await
        .expect("units")
        .expect("东山镇人民政府");
    f.insert("respondent_unit_id".into(), unit.to_string());
    fazhi_app::reconsideration::register(app, clerk, &f)
        .await
        .expect("register")
        .0
}
