//! Security baseline (issue 3): account lockout, first-login password change, session expiry,
//! login rate per address, and the audit log's hash chain on both backends.

use fazhi_app::{audit, auth, demo, org, Actor, ManualClock};
use fazhi_domain::org::Role;
use fazhi_testkit::{d, spawn, with_org, with_org_and, Backend};
use serde_json::{json, Value};
use std::sync::Arc;

async fn login(c: &reqwest::Client, base: &str, user: &str, password: &str) -> (u16, Value) {
    let r = c
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn get(c: &reqwest::Client, url: &str, token: &str) -> (u16, Value) {
    let r = c.get(url).bearer_auth(token).send().await.expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A page as the browser of the session in `login_body` sees it.
async fn page(c: &reqwest::Client, url: &str, login_body: &Value) -> String {
    let token = login_body["token"].as_str().expect("token");
    c.get(url)
        .header("cookie", format!("{}={token}", fazhi_web::SESSION_COOKIE))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("text")
}

#[tokio::test]
async fn lockout_after_failed_logins_and_release_after_the_period() {
    let clock = Arc::new(ManualClock::new(d("2024-12-31")));
    let t = with_org_and(Backend::Sqlite, clock.clone(), |_| {}).await;
    let base = spawn(t.app.clone()).await;
    let c = reqwest::Client::new();
    for _ in 0..5 {
        let (s, body) = login(&c, &base, "fuyi", "Wrong@2024").await;
        assert_eq!(s, 422);
        assert_eq!(body["code"], "bad_credentials");
    }
    // Locked: even the right password is refused, with a message saying so.
    let (s, body) = login(&c, &base, "fuyi", demo::DEMO_PASSWORD).await;
    assert_eq!(s, 422);
    assert_eq!(body["code"], "account_locked");
    assert!(body["message"].as_str().unwrap().contains("锁定"));
    clock.advance(chrono::Duration::minutes(14));
    let (_, body) = login(&c, &base, "fuyi", demo::DEMO_PASSWORD).await;
    assert_eq!(body["code"], "account_locked");
    clock.advance(chrono::Duration::minutes(2));
    let (s, body) = login(&c, &base, "fuyi", demo::DEMO_PASSWORD).await;
    assert_eq!(s, 201, "{body}");
    // A success resets the count: four more failures do not lock.
    for _ in 0..4 {
        login(&c, &base, "fuyi", "Wrong@2024").await;
    }
    let (s, _) = login(&c, &base, "fuyi", demo::DEMO_PASSWORD).await;
    assert_eq!(s, 201);
    // Each failure and the lock are in the audit log.
    let failed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed' AND actor_name LIKE '%fuyi%'",
    )
    .fetch_one(&t.app.db.pool)
    .await
    .unwrap();
    assert_eq!(failed, 9);
}

#[tokio::test]
async fn first_login_requires_a_new_password_and_ends_other_sessions() {
    let clock = Arc::new(ManualClock::new(d("2024-12-31")));
    let t = with_org_and(Backend::Sqlite, clock.clone(), |_| {}).await;
    let unit = org::find_unit_by_name(&t.app, "区司法局")
        .await
        .unwrap()
        .unwrap();
    let root = org::all_units(&t.app).await.unwrap()[0].id;
    auth::create_user(
        &t.app,
        &Actor::system("测试", root),
        auth::NewUser {
            username: "xinren".into(),
            display_name: "新人".into(),
            unit_id: unit,
            roles: vec![Role::ReconsiderationClerk],
            password: "Start@2024".into(),
            must_change_password: true,
        },
    )
    .await
    .unwrap();
    let base = spawn(t.app.clone()).await;
    let c = reqwest::Client::new();
    let (s, first) = login(&c, &base, "xinren", "Start@2024").await;
    assert_eq!(s, 201);
    assert_eq!(first["must_change_password"], true);
    let token = first["token"].as_str().unwrap();
    let (_, second) = login(&c, &base, "xinren", "Start@2024").await;
    let other = second["token"].as_str().unwrap();
    // In the browser: the login leads to the password page, and so does every other page.
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = browser
        .post(format!("{base}/login"))
        .form(&[("username", "xinren"), ("password", "Start@2024")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/password");
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    let cookie = cookie.split(';').next().unwrap().to_string();
    let r = browser
        .get(format!("{base}/rc/cases"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/password");
    let r = browser
        .get(format!("{base}/password"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("请先设置新密码"), "{html}");
    // Nothing but the password change until it is done.
    let (s, body) = get(&c, &format!("{base}/api/v1/rc/cases"), token).await;
    assert_eq!(s, 403);
    assert_eq!(body["code"], "password_change_required");
    let change = |old: &str, new: &str| {
        c.post(format!("{base}/api/v1/password"))
            .bearer_auth(token)
            .json(&json!({"old_password": old, "new_password": new}))
            .send()
    };
    let r = change("Start@2024", "short").await.unwrap();
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "weak_password");
    assert_eq!(body["field"], "new_password");
    let r = change("Start@2024", "Start@2024").await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "password_reused");
    let r = change("Nope@2024", "Better#2025").await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["field"], "old_password");
    let r = change("Start@2024", "Better#2025").await.unwrap();
    assert_eq!(r.status(), 204);
    let (s, _) = get(&c, &format!("{base}/api/v1/rc/cases"), token).await;
    assert_eq!(s, 200, "the session that changed the password goes on");
    let (s, _) = get(&c, &format!("{base}/api/v1/me"), other).await;
    assert_eq!(s, 401, "the user's other sessions ended");
    let (s, _) = login(&c, &base, "xinren", "Start@2024").await;
    assert_eq!(s, 422, "the old password no longer works");
    let (s, body) = login(&c, &base, "xinren", "Better#2025").await;
    assert_eq!(s, 201);
    assert_eq!(body["must_change_password"], false);
    // After 90 days the password must be changed again.
    clock.advance(chrono::Duration::days(91));
    let (_, body) = login(&c, &base, "xinren", "Better#2025").await;
    assert_eq!(body["must_change_password"], true);
}

#[tokio::test]
async fn sessions_expire_when_idle_and_on_logout() {
    let clock = Arc::new(ManualClock::new(d("2024-12-31")));
    let t = with_org_and(Backend::Sqlite, clock.clone(), |_| {}).await;
    let base = spawn(t.app.clone()).await;
    let c = reqwest::Client::new();
    let (_, body) = login(&c, &base, "fuyi", demo::DEMO_PASSWORD).await;
    let token = body["token"].as_str().unwrap().to_string();
    clock.advance(chrono::Duration::minutes(29));
    assert_eq!(get(&c, &format!("{base}/api/v1/me"), &token).await.0, 200);
    clock.advance(chrono::Duration::minutes(29));
    assert_eq!(
        get(&c, &format!("{base}/api/v1/me"), &token).await.0,
        200,
        "activity keeps the session alive"
    );
    clock.advance(chrono::Duration::minutes(31));
    assert_eq!(get(&c, &format!("{base}/api/v1/me"), &token).await.0, 401);
    let (_, body) = login(&c, &base, "fuyi", demo::DEMO_PASSWORD).await;
    let token = body["token"].as_str().unwrap().to_string();
    let r = c
        .delete(format!("{base}/api/v1/session"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(get(&c, &format!("{base}/api/v1/me"), &token).await.0, 401);
}

#[tokio::test]
async fn login_attempts_are_limited_per_address() {
    let clock = Arc::new(ManualClock::new(d("2024-12-31")));
    let t = with_org_and(Backend::Sqlite, clock, |c| {
        c.session.login_attempts_per_minute = 3;
    })
    .await;
    let base = spawn(t.app.clone()).await;
    let c = reqwest::Client::new();
    // Seven attempts span at most two minutes of the limiter, so one minute sees at least four.
    let mut statuses = vec![];
    for user in ["a1", "a2", "a3", "a4", "a5", "a6", "a7"] {
        statuses.push(login(&c, &base, user, "Wrong@2024").await);
    }
    let limited: Vec<&(u16, Value)> = statuses.iter().filter(|(s, _)| *s == 429).collect();
    assert!(!limited.is_empty(), "{statuses:?}");
    assert_eq!(limited[0].1["code"], "too_many_attempts");
}

async fn audit_chain(backend: Backend) {
    let t = with_org(backend, d("2024-12-31")).await;
    let base = spawn(t.app.clone()).await;
    let c = reqwest::Client::new();
    for _ in 0..3 {
        login(&c, &base, "fuyi", demo::DEMO_PASSWORD).await;
    }
    let r = audit::verify_chain(&t.app).await.unwrap();
    assert!(r.broken.is_none(), "{r:?}");
    assert!(r.verified > 10, "{r:?}");
    assert_eq!(r.unchained, 0);
    let pool = &t.app.db.pool;
    // An entry appended past the head (not by a writer, which moves the head with it).
    let max: i64 = sqlx::query_scalar("SELECT MAX(seq) FROM audit_log")
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_name, action, entity, prev_hash, hash) \
         VALUES ($1, '2024-12-31T12:00:00+08:00', '他人', 'create', 'x', 'p', 'h')",
    )
    .bind(max + 1)
    .execute(pool)
    .await
    .unwrap();
    let r = audit::verify_chain(&t.app).await.unwrap();
    let (seq, why) = r.broken.expect("an entry past the head is found");
    assert_eq!(seq, max + 1);
    assert!(why.contains("链头之后"), "{why}");
    // Someone with database access removes the append-only guard and edits an entry.
    let unguard = match backend {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_update",
        Backend::Postgres => "DROP RULE audit_log_no_update ON audit_log",
    };
    sqlx::query(unguard).execute(pool).await.unwrap();
    sqlx::query("UPDATE audit_log SET actor_name = '他人' WHERE seq = 5")
        .execute(pool)
        .await
        .unwrap();
    let r = audit::verify_chain(&t.app).await.unwrap();
    let (seq, why) = r.broken.expect("edit detected");
    assert_eq!(seq, 5);
    assert!(why.contains("修改"), "{why}");
    assert_eq!(r.verified, 4);
    // Removing an entry is found too (restore the edited one first).
    let unguard = match backend {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_delete",
        Backend::Postgres => "DROP RULE audit_log_no_delete ON audit_log",
    };
    sqlx::query(unguard).execute(pool).await.unwrap();
    sqlx::query("DELETE FROM audit_log WHERE seq >= 5")
        .execute(pool)
        .await
        .unwrap();
    let r = audit::verify_chain(&t.app).await.unwrap();
    let (seq, why) = r.broken.expect("removal detected");
    assert_eq!(seq, 5);
    assert!(why.contains("缺少"), "{why}");
}

#[tokio::test]
async fn audit_chain_detects_edits_and_removals_sqlite() {
    audit_chain(Backend::Sqlite).await;
}

#[tokio::test]
async fn audit_chain_detects_edits_and_removals_postgres() {
    audit_chain(Backend::Postgres).await;
}

#[tokio::test]
async fn full_identity_is_shown_only_to_the_handling_clerk_and_that_view_is_audited() {
    let t = fazhi_testkit::fresh(Backend::Sqlite, d("2024-12-31")).await;
    demo::seed(&t.app, 10).await.unwrap();
    let id: i64 = sqlx::query_scalar(
        "SELECT c.id FROM rc_cases c JOIN rc_parties p ON p.case_id = c.id WHERE p.id_number IS NOT NULL ORDER BY c.id LIMIT 1",
    )
    .fetch_one(&t.app.db.pool)
    .await
    .unwrap();
    let full: String = sqlx::query_scalar(
        "SELECT id_number FROM rc_parties WHERE case_id = $1 AND id_number IS NOT NULL",
    )
    .bind(id)
    .fetch_one(&t.app.db.pool)
    .await
    .unwrap();
    let views = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'view_personal_data' AND entity_id = $1",
        )
        .bind(id.to_string())
        .fetch_one(&t.app.db.pool)
        .await
        .unwrap()
    };
    // (The demo's own simulation read cases as the clerk already.)
    let before = views().await;
    let leader = auth::actor_by_username(&t.app, "leader").await.unwrap();
    let det = fazhi_app::reconsideration::detail(&t.app, &leader, id)
        .await
        .unwrap();
    let shown: Vec<&str> = det.parties.iter().map(|p| p.identity.as_str()).collect();
    assert!(!shown.contains(&full.as_str()), "masked for the leader");
    assert!(shown.iter().any(|s| s.contains('*')));
    assert_eq!(
        views().await,
        before,
        "a masked view is not a personal-data read"
    );
    let clerk = auth::actor_by_username(&t.app, "fuyi").await.unwrap();
    let det = fazhi_app::reconsideration::detail(&t.app, &clerk, id)
        .await
        .unwrap();
    assert!(det.parties.iter().any(|p| p.identity == full));
    assert_eq!(views().await, before + 1);
}

#[tokio::test]
async fn three_administrators_are_separate() {
    use fazhi_app::auth::{change_account, create_user, set_roles, AccountChange, NewUser};
    use fazhi_app::AppError;
    let t = with_org(Backend::Sqlite, d("2024-12-31")).await;
    let app = &t.app;
    let sys = auth::actor_by_username(app, "sysadmin").await.unwrap();
    let sec = auth::actor_by_username(app, "secadmin").await.unwrap();
    let auditor = auth::actor_by_username(app, "auditor").await.unwrap();
    let unit = org::find_unit_by_name(app, "东山镇人民政府")
        .await
        .unwrap()
        .unwrap();
    let new_user = |roles: Vec<Role>| NewUser {
        username: "zhangsan".into(),
        display_name: "张三".into(),
        unit_id: unit,
        roles,
        password: "Start@2024".into(),
        must_change_password: true,
    };
    // The system administrator creates accounts, but cannot give roles.
    assert!(matches!(
        create_user(app, &sys, new_user(vec![Role::DeptClerk])).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        create_user(app, &sec, new_user(vec![])).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        create_user(app, &auditor, new_user(vec![])).await,
        Err(AppError::Forbidden)
    ));
    let id = create_user(app, &sys, new_user(vec![])).await.unwrap();
    // Only the security administrator gives roles, and never two of the three.
    assert!(matches!(
        set_roles(app, &sys, id, &[Role::DeptClerk], None).await,
        Err(AppError::Forbidden)
    ));
    let e = set_roles(app, &sec, id, &[Role::SysAdmin, Role::AuditAdmin], None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "roles_conflict");
    let e = set_roles(app, &sec, id, &[Role::AuditAdmin, Role::DeptClerk], None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "roles_conflict");
    set_roles(app, &sec, id, &[Role::DeptClerk], None)
        .await
        .unwrap();
    // Nobody changes his own account this way.
    let e = set_roles(app, &sec, sec.user_id.unwrap(), &[Role::Leader], None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "own_account");
    assert!(matches!(
        change_account(app, &sec, id, AccountChange::Unlock, None).await,
        Err(AppError::Forbidden)
    ));
    // A form drawn before the roles were given is stale: 409, nothing changed.
    let e = change_account(app, &sys, id, AccountChange::Active(false), Some(1))
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Conflict(_)), "{e:?}");
    change_account(app, &sys, id, AccountChange::Active(false), Some(2))
        .await
        .unwrap();
    // Each administrator sees only his part: no case data for any, the log for the auditor only.
    let base = spawn(t.app.clone()).await;
    let c = reqwest::Client::new();
    for (who, allowed) in [
        ("sysadmin", ["/api/v1/rc/cases", "/api/v1/audit"].as_slice()),
        ("secadmin", ["/api/v1/rc/cases", "/api/v1/audit"].as_slice()),
        ("auditor", ["/api/v1/rc/cases"].as_slice()),
    ] {
        let (_, body) = login(&c, &base, who, demo::DEMO_PASSWORD).await;
        let token = body["token"].as_str().unwrap();
        for path in allowed {
            let (s, body) = get(&c, &format!("{base}{path}"), token).await;
            assert_eq!(s, 403, "{who} {path}: {body}");
        }
    }
    // The account page shows each administrator his own tools.
    for (who, has, lacks) in [
        ("sysadmin", "新建账号", "保存角色"),
        ("secadmin", "保存角色", "新建账号"),
    ] {
        let (_, body) = login(&c, &base, who, demo::DEMO_PASSWORD).await;
        let html = page(&c, &format!("{base}/admin/users"), &body).await;
        assert!(html.contains(has) && !html.contains(lacks), "{who}: {html}");
        assert!(html.contains("zhangsan"));
    }
    let (_, body) = login(&c, &base, "auditor", demo::DEMO_PASSWORD).await;
    let (s, _) = get(
        &c,
        &format!("{base}/api/v1/audit"),
        body["token"].as_str().unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    // The auditor exports the log with each entry's sequence number and hash; the export is
    // itself recorded.
    let r = c
        .get(format!("{base}/api/v1/audit.xlsx?entity=user"))
        .bearer_auth(body["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (headers, rows) = fazhi_app::xlsx::read_table(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(headers[0], "序号");
    assert_eq!(headers[9], "哈希值");
    assert!(rows.iter().all(|r| r[4] == "user" && r[9].len() == 64));
    assert!(rows.iter().any(|r| r[3] == "set_roles"));
    let exports: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'audit_log' AND action = 'export'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(exports, 1);
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE entity = 'user' AND entity_id = $1 ORDER BY seq",
    )
    .bind(id.to_string())
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(actions, ["create", "set_roles", "disable"]);
}

#[tokio::test]
async fn the_security_administrator_sets_the_controls_at_run_time() {
    use fazhi_app::{security, AppError};
    let t = with_org(Backend::Sqlite, d("2024-12-31")).await;
    let app = &t.app;
    let sec = auth::actor_by_username(app, "secadmin").await.unwrap();
    let sys = auth::actor_by_username(app, "sysadmin").await.unwrap();
    let fields = |pairs: &[(&str, &str)]| -> fazhi_domain::fields::Fields {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    assert!(matches!(
        security::update(app, &sys, &fields(&[("lockout_attempts", "3")])).await,
        Err(AppError::Forbidden)
    ));
    // Out of range: refused, naming the field, nothing written.
    let e = security::update(
        app,
        &sec,
        &fields(&[("lockout_attempts", "3"), ("idle_minutes", "1000")]),
    )
    .await
    .unwrap_err();
    assert_eq!(
        (e.code(), e.field()),
        ("out_of_range", Some("idle_minutes"))
    );
    assert_eq!(security::effective(app).await.unwrap().lockout_attempts, 5);
    security::update(app, &sec, &fields(&[("lockout_attempts", "3")]))
        .await
        .unwrap();
    let base = spawn(t.app.clone()).await;
    let c = reqwest::Client::new();
    for _ in 0..3 {
        login(&c, &base, "fuyi", "Wrong@2024").await;
    }
    let (_, body) = login(&c, &base, "fuyi", demo::DEMO_PASSWORD).await;
    assert_eq!(body["code"], "account_locked", "three failures now lock");
    let (_, body) = login(&c, &base, "secadmin", demo::DEMO_PASSWORD).await;
    let html = page(&c, &format!("{base}/admin/security"), &body).await;
    assert!(
        html.contains("连续登录失败锁定次数") && html.contains("value=\"3\""),
        "{html}"
    );
    let (after,): (String,) = sqlx::query_as(
        "SELECT after_json FROM audit_log WHERE entity = 'security_settings' ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(after.contains("\"lockout_attempts\":3"), "{after}");
}

/// The external anchor of the audit log (issue 13 §7): signed checkpoints outside the database.
/// Someone with full database access cuts the tail and moves the head back (bypassing the
/// append-only guard): the chain still verifies, the checkpoint file does not; when the server
/// then writes on, the entry the checkpoint names has another hash; a checkpoint line forged
/// without the key is reported. Each checkpoint also goes to syslog (UDP on loopback here).
async fn audit_checkpoints(backend: Backend) {
    use fazhi_app::checkpoint::{self, Checkpoint};
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("checkpoint.key");
    std::fs::write(&key_file, "9f3c0e5b7a1d42c8b6e4f0a2d8c1b3e5\n").unwrap();
    let folder = dir.path().join("checkpoints");
    let syslog = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let syslog_addr = syslog.local_addr().unwrap();
    let t = with_org_and(
        backend,
        Arc::new(fazhi_app::FixedClock(d("2024-12-31"))),
        |c| {
            c.audit.checkpoint_dir = Some(folder.clone());
            c.audit.checkpoint_key_file = Some(key_file.clone());
            c.audit.checkpoint_syslog = Some(format!("udp://{syslog_addr}"));
        },
    )
    .await;
    let app = &t.app;
    let system = Actor::system("测试", 1);
    let (first, path) = checkpoint::write(app).await.unwrap();
    assert_eq!(path, folder.join(checkpoint::FILE_NAME));
    let mut buf = [0u8; 2048];
    let n = syslog.recv(&mut buf).unwrap();
    let msg = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert!(
        msg.starts_with("<110>1 ") && msg.contains("audit-checkpoint") && msg.contains(&first.mac),
        "{msg}"
    );
    for i in 0..5 {
        audit::record_alone(app, &system, "login", "user", &i.to_string(), None)
            .await
            .unwrap();
    }
    let (second, _) = checkpoint::write(app).await.unwrap();
    assert!(second.seq > first.seq + 5);
    let r = checkpoint::verify(app, &path).await.unwrap();
    assert_eq!((r.held, r.findings.len()), (2, 0), "{r:?}");

    // The database owner cuts the tail below the second checkpoint and moves the head back.
    let pool = &app.db.pool;
    let unguard = match backend {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_delete",
        Backend::Postgres => "DROP RULE audit_log_no_delete ON audit_log",
    };
    sqlx::query(unguard).execute(pool).await.unwrap();
    let cut = second.seq - 2;
    sqlx::query("DELETE FROM audit_log WHERE seq > $1")
        .bind(cut)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE audit_head SET seq = $1, last_hash = (SELECT hash FROM audit_log WHERE seq = $1) WHERE id = 1",
    )
    .bind(cut)
    .execute(pool)
    .await
    .unwrap();
    let plain = audit::verify_chain(app).await.unwrap();
    assert!(
        plain.broken.is_none(),
        "the chain alone does not see it: {plain:?}"
    );
    let r = checkpoint::verify(app, &path).await.unwrap();
    assert_eq!(r.held, 1, "the first checkpoint still holds: {r:?}");
    assert_eq!(r.findings.len(), 1, "{r:?}");
    assert_eq!(
        (r.findings[0].line, r.findings[0].seq),
        (2, Some(second.seq))
    );
    assert!(r.findings[0].problem.contains("截断"), "{r:?}");

    // The server writes on: the chain is whole again, but entry `second.seq` is another one.
    for i in 0..5 {
        audit::record_alone(app, &system, "login", "user", &i.to_string(), None)
            .await
            .unwrap();
    }
    let plain = audit::verify_chain(app).await.unwrap();
    assert!(plain.broken.is_none(), "{plain:?}");
    let r = checkpoint::verify(app, &path).await.unwrap();
    assert_eq!(r.findings.len(), 1, "{r:?}");
    assert!(
        r.findings[0].problem.contains("哈希值与检查点不符"),
        "{r:?}"
    );

    // A checkpoint of the rewritten head, made without the key, is reported as forged.
    let head: (i64, String) = sqlx::query_as("SELECT seq, last_hash FROM audit_head WHERE id = 1")
        .fetch_one(pool)
        .await
        .unwrap();
    let forged = Checkpoint {
        v: 1,
        seq: head.0,
        hash: head.1,
        count: head.0,
        at: "2024-12-31T05:00:00.000Z".into(),
        mac: "ab".repeat(32),
    };
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(&format!("{}\n", serde_json::to_string(&forged).unwrap()));
    std::fs::write(&path, text).unwrap();
    let r = checkpoint::verify(app, &path).await.unwrap();
    assert_eq!(r.findings.len(), 2, "{r:?}");
    assert_eq!(r.findings[1].line, 3);
    assert!(r.findings[1].problem.contains("签名无效"), "{r:?}");
}

#[tokio::test]
async fn audit_checkpoints_catch_a_cut_tail_and_a_forged_line_sqlite() {
    audit_checkpoints(Backend::Sqlite).await;
}

#[tokio::test]
async fn audit_checkpoints_catch_a_cut_tail_and_a_forged_line_postgres() {
    audit_checkpoints(Backend::Postgres).await;
}

/// The 审计管理员 reads who did what, not the case (issue 13 §13): the log page, its API and its
/// export show no applicant's name, 身份证号 or phone (张三 → 张*), and the chain still verifies.
#[tokio::test]
async fn the_auditor_sees_no_personal_data_of_a_case() {
    let t = with_org(Backend::Sqlite, d("2024-12-31")).await;
    let app = &t.app;
    let base = spawn(app.clone()).await;
    let c = reqwest::Client::new();
    let dongshan = org::find_unit_by_name(app, "东山镇人民政府")
        .await
        .unwrap()
        .unwrap();
    let (_, clerk) = login(&c, &base, "fuyi", demo::DEMO_PASSWORD).await;
    let r = c
        .post(format!("{base}/api/v1/rc/cases"))
        .bearer_auth(clerk["token"].as_str().unwrap())
        .json(&json!({
            "received_date": "2024-09-27", "channel": "online", "respondent_unit_id": dongshan,
            "act_name": "行政处罚决定", "act_date": "2024-09-01",
            "request": "请求撤销对欧阳秘密的处罚决定",
            "applicant_name": "欧阳秘密", "applicant_id_number": "11010519491231002X",
            "applicant_phone": "13900001111", "agent_name": "司马代理"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().await.unwrap());
    let secrets = [
        "欧阳秘密",
        "司马代理",
        "11010519491231002X",
        "13900001111",
        "请求撤销对",
    ];
    let (_, auditor) = login(&c, &base, "auditor", demo::DEMO_PASSWORD).await;
    let token = auditor["token"].as_str().unwrap();
    let api = c
        .get(format!("{base}/api/v1/audit?entity=rc_case"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let html = page(&c, &format!("{base}/audit?entity=rc_case"), &auditor).await;
    let xlsx = c
        .get(format!("{base}/api/v1/audit.xlsx?entity=rc_case"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let (_, rows) = fazhi_app::xlsx::read_table(&xlsx).unwrap();
    let export = rows.concat().join(" ");
    for (what, text) in [("API", &api), ("page", &html), ("export", &export)] {
        assert!(
            text.contains("欧***"),
            "{what} shows the entry, masked: {text}"
        );
        for s in secrets {
            assert!(!text.contains(s), "{what} shows {s}: {text}");
        }
    }
    let r = audit::verify_chain(app).await.unwrap();
    assert!(r.broken.is_none(), "{r:?}");
}
