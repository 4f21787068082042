//! Upgrading a database made by the previous release in place (issue 15): the timelines and
//! parties of 行政复议, 行政应诉 and 司法/检察建议 move from their per-module tables into the shared
//! `case_events` and `case_parties` (migration 0017), each case's timeline in its order, and the
//! application reads them there. The old database is built by the migrations of that release (all
//! before 0017, run from the same files) and filled in its own schema.

use fazhi_app::cases;
use fazhi_store::Db;
use fazhi_testkit::{empty_pg_database, Backend};
use sqlx::migrate::Migrator;

/// The migrations of the previous release: every file before 0017, copied to `dir`.
async fn previous_release(db: &Db, dir: &std::path::Path) -> Migrator {
    let backend = match db.backend {
        fazhi_store::Backend::Sqlite => "sqlite",
        fazhi_store::Backend::Postgres => "postgres",
    };
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fazhi-store/migrations")
        .join(backend);
    for e in std::fs::read_dir(&src).expect("migrations") {
        let e = e.expect("entry");
        let name = e.file_name().to_string_lossy().to_string();
        if name.as_str() < "0017" {
            std::fs::copy(e.path(), dir.join(&name)).expect("copy");
        }
    }
    Migrator::new(dir).await.expect("migrator")
}

const OLD_DATA: &[&str] = &[
    "INSERT INTO units (id, name, kind) VALUES (1, '示例县人民政府', 'government'), (2, '示例县市场监督管理局', 'department')",
    "INSERT INTO rc_cases (id, case_no, case_year, unit_id, respondent_unit_id, status, channel, received_date, received_year, \
     act_name, act_date, request, applicant_names, last_event_date, created_at, updated_at) VALUES \
     (7, '示例复〔2024〕7号', 2024, 1, 2, 'under_review', 'letter', '2024-03-01', 2024, '行政处罚', '2024-02-01', '撤销', \
      '张三', '2024-03-05', '2024-03-01T00:00:00Z', '2024-03-05T00:00:00Z')",
    "INSERT INTO rc_parties (case_id, role, kind, name, id_number, phone, sort) VALUES \
     (7, 'applicant', 'person', '张三', '110101199003074514', '13800138000', 0), \
     (7, 'third_party', 'person', '李四', NULL, NULL, 1)",
    "INSERT INTO rc_events (case_id, action, event_date, detail_json, actor_id, actor_name, created_at) VALUES \
     (7, 'register', '2024-03-01', '{\"summary\":\"登记行政复议申请\"}', NULL, '王芳', '2024-03-01T00:00:00Z'), \
     (7, 'accept', '2024-03-05', '{\"summary\":\"决定受理，适用普通程序\"}', NULL, '王芳', '2024-03-05T00:00:00Z')",
    "INSERT INTO lt_cases (id, case_no, court, unit_id, defendant_unit_id, status, level, plaintiff_names, act_name, claim, \
     registered_date, copy_received_date, received_year, last_event_date, created_at, updated_at) VALUES \
     (7, '（2024）示0101行初3号', '示例县人民法院', 1, 2, 'first_instance', 'first', '赵六', '行政处罚', '撤销', \
      '2024-04-01', '2024-04-03', 2024, '2024-04-03', '2024-04-03T00:00:00Z', '2024-04-03T00:00:00Z')",
    "INSERT INTO lt_parties (case_id, role, kind, name, sort) VALUES (7, 'plaintiff', 'person', '赵六', 0)",
    "INSERT INTO lt_events (case_id, action, event_date, detail_json, actor_id, actor_name, created_at) VALUES \
     (7, 'register', '2024-04-03', '{\"summary\":\"登记应诉案件\"}', NULL, '陈静', '2024-04-03T00:00:00Z')",
    "INSERT INTO lt_suggestions (id, unit_id, addressee_unit_id, kind, issuer, received_date, received_year, content, status, \
     last_event_date, created_at, updated_at) VALUES \
     (7, 1, 2, 'judicial', '示例县人民法院', '2024-05-06', 2024, '规范执法程序', 'replied', '2024-05-20', \
      '2024-05-06T00:00:00Z', '2024-05-20T00:00:00Z')",
    "INSERT INTO lt_suggestion_events (case_id, action, event_date, detail_json, actor_id, actor_name, created_at) VALUES \
     (7, 'register', '2024-05-06', '{\"summary\":\"登记司法建议\"}', NULL, '陈静', '2024-05-06T00:00:00Z'), \
     (7, 'reply', '2024-05-20', '{\"summary\":\"登记回复：已整改\"}', NULL, '陈静', '2024-05-20T00:00:00Z')",
];

async fn upgrade_moves_timelines_and_parties(backend: Backend) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("old.db").display()),
        Backend::Postgres => empty_pg_database().await,
    };
    let db = Db::connect(&url, true).await.expect("connect");
    let old = dir.path().join("migrations");
    std::fs::create_dir(&old).expect("dir");
    previous_release(&db, &old)
        .await
        .run(&db.pool)
        .await
        .expect("the previous release's schema");
    for sql in OLD_DATA {
        sqlx::query(sql).execute(&db.pool).await.expect(sql);
    }

    db.migrate().await.expect("upgrade");

    let mut conn = db.pool.acquire().await.expect("conn");
    let summaries = |events: Vec<cases::EventView>| {
        events
            .into_iter()
            .map(|e| (e.action, e.summary))
            .collect::<Vec<_>>()
    };
    let rc = cases::load_events(&mut conn, "reconsideration", 7, |_| "")
        .await
        .expect("events");
    assert_eq!(
        summaries(rc),
        [
            ("register".into(), "登记行政复议申请".into()),
            ("accept".into(), "决定受理，适用普通程序".into())
        ]
    );
    let lt = cases::load_events(&mut conn, "litigation", 7, |_| "")
        .await
        .expect("events");
    assert_eq!(summaries(lt), [("register".into(), "登记应诉案件".into())]);
    let s = cases::load_events(&mut conn, "suggestion", 7, |_| "")
        .await
        .expect("events");
    assert_eq!(
        summaries(s).last(),
        Some(&("reply".into(), "登记回复：已整改".into())),
        "the same case id in three modules stays three timelines"
    );
    let parties: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT module, name, id_number FROM case_parties WHERE case_id = 7 ORDER BY module, sort",
    )
    .fetch_all(&mut *conn)
    .await
    .expect("parties");
    assert_eq!(
        parties,
        [
            ("litigation".into(), "赵六".into(), None),
            (
                "reconsideration".into(),
                "张三".into(),
                Some("110101199003074514".into())
            ),
            ("reconsideration".into(), "李四".into(), None),
        ]
    );
    for gone in [
        "rc_events",
        "lt_events",
        "lt_suggestion_events",
        "rc_parties",
        "lt_parties",
    ] {
        assert!(
            sqlx::query(&format!("SELECT 1 FROM {gone}"))
                .fetch_optional(&mut *conn)
                .await
                .is_err(),
            "{gone} is dropped"
        );
    }
}

#[tokio::test]
async fn upgrade_moves_timelines_and_parties_on_sqlite() {
    upgrade_moves_timelines_and_parties(Backend::Sqlite).await;
}

#[tokio::test]
async fn upgrade_moves_timelines_and_parties_on_postgres() {
    upgrade_moves_timelines_and_parties(Backend::Postgres).await;
}
