//! The kernel's registration in batches (issue 15): an import of more rows than one statement
//! holds writes every case whole — its number in file order, parties, timeline, clock and audit
//! entry — and the registrations after it take new ids and the next numbers.

use fazhi_app::{audit, auth, reconsideration as rc, xlsx};
use fazhi_testkit::{d, rc_application, with_org, Backend};

/// 1,200 rows: more than one multi-row statement per table (500 rows at the most each).
const ROWS: usize = 1_200;

async fn count(app: &fazhi_app::App, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

async fn import_writes_every_case_whole(backend: Backend) {
    let t = with_org(backend, d("2024-12-20")).await;
    let app = &t.app;
    let clerk = auth::actor_by_username(app, "fuyi").await.unwrap();
    // One registered before: the import's numbers of 2024 continue after it.
    let before = rc_application(app, &clerk, "2024-03-01").await;
    let headers: Vec<&str> = rc::IMPORT_COLUMNS.iter().map(|c| c.0).collect();
    // Rows alternate between 2023 and 2024; each applicant's name carries its row number.
    let rows = (0..ROWS).map(|i| {
        let received = if i % 2 == 0 {
            "2023-06-01"
        } else {
            "2024-06-03"
        };
        let name = format!("申请人{i}");
        [
            received,
            "窗口",
            "东山镇人民政府",
            "行政处罚决定",
            "",
            "2023-01-02",
            "撤销该处罚决定",
            "自然人",
            &name,
            "11010519491231002X",
            "",
            "13812345678",
            "",
            "",
        ]
        .map(String::from)
        .to_vec()
    });
    let bytes = xlsx::write_table("行政复议申请导入", &headers, rows).unwrap();
    let numbers = rc::import(app, &clerk, &bytes).await.unwrap();
    assert_eq!(numbers.len(), ROWS);
    let prefix = numbers[0].split('〔').next().unwrap().to_string();
    for (i, no) in numbers.iter().enumerate() {
        let (year, seq) = if i % 2 == 0 {
            (2023, i / 2 + 1)
        } else {
            (2024, i / 2 + 2)
        };
        assert_eq!(no, &format!("{prefix}〔{year}〕{seq}号"), "row {i}");
    }
    // Each case whole: the row's applicant under its number, one party, one timeline entry,
    // one open acceptance clock whose due date is the case's nearest.
    let imported = format!("SELECT COUNT(*) FROM rc_cases WHERE id <> {before}");
    assert_eq!(count(app, &imported).await, ROWS as i64);
    for (i, no) in [
        (0, &numbers[0]),
        (777, &numbers[777]),
        (ROWS - 1, &numbers[ROWS - 1]),
    ] {
        let (id, names): (i64, String) =
            sqlx::query_as("SELECT id, applicant_names FROM rc_cases WHERE case_no = $1")
                .bind(no)
                .fetch_one(&app.db.pool)
                .await
                .unwrap();
        assert_eq!(names, format!("申请人{i}"));
        let detail = rc::detail(app, &clerk, id).await.unwrap();
        assert_eq!(detail.parties.len(), 1);
        assert_eq!(detail.events.len(), 1);
        assert!(detail.events[0].summary.contains(&format!("申请人{i}")));
        assert_eq!(detail.deadlines.len(), 1);
    }
    let unmatched = "SELECT COUNT(*) FROM rc_cases c WHERE c.next_due IS NULL OR c.next_due <> \
         (SELECT dl.due_date FROM deadlines dl WHERE dl.module = 'reconsideration' AND dl.case_id = c.id)";
    assert_eq!(count(app, unmatched).await, 0);
    for table in ["case_parties", "case_events", "deadlines"] {
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE module = 'reconsideration'");
        assert_eq!(count(app, &sql).await, ROWS as i64 + 1, "{table}");
    }
    // One audit entry per case and one for the import, the chain intact, phones masked.
    let creates = "SELECT COUNT(*) FROM audit_log WHERE entity = 'rc_case' AND action = 'create'";
    assert_eq!(count(app, creates).await, ROWS as i64 + 1);
    let imports = "SELECT COUNT(*) FROM audit_log WHERE entity = 'rc_case' AND action = 'import'";
    assert_eq!(count(app, imports).await, 1);
    let phones = "SELECT COUNT(*) FROM audit_log WHERE after_json LIKE '%13812345678%'";
    assert_eq!(count(app, phones).await, 0);
    let chain = audit::verify_chain(app).await.unwrap();
    assert_eq!(chain.broken, None);
    assert!(chain.verified > ROWS as i64);
    // The next registration takes a new id and the next number of its year.
    let after = rc_application(app, &clerk, "2024-07-01").await;
    let max: i64 = count(app, "SELECT MAX(id) FROM rc_cases").await;
    assert_eq!(after, max);
    let no: String = sqlx::query_scalar("SELECT case_no FROM rc_cases WHERE id = $1")
        .bind(after)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(no, format!("{prefix}〔2024〕{}号", ROWS / 2 + 2));
}

#[tokio::test]
async fn import_writes_every_case_whole_on_sqlite() {
    import_writes_every_case_whole(Backend::Sqlite).await;
}

#[tokio::test]
async fn import_writes_every_case_whole_on_postgres() {
    import_writes_every_case_whole(Backend::Postgres).await;
}
