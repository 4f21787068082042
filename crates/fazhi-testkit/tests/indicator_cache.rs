//! Indicator values are kept while no record changes (issue 15, speed): a second view of the same
//! figures is answered from the cache, and any write — a registration, a step — makes the next
//! view recount, so a figure is never older than the records.

use fazhi_app::{auth, reconsideration as rc};
use fazhi_testkit::{d, fields, rc_application, with_org, Backend};

async fn count(app: &fazhi_app::App, actor: &fazhi_app::Actor, key: &str) -> Option<i64> {
    rc::ENTRY
        .values(app, actor, 2024, None, true)
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.key == key)
        .and_then(|v| v.value.count)
}

async fn kept_until_a_record_changes(backend: Backend) {
    let t = with_org(backend, d("2024-12-31")).await;
    let app = &t.app;
    let clerk = auth::actor_by_username(app, "fuyi").await.unwrap();
    let office = auth::actor_by_username(app, "fzb").await.unwrap();
    let id = rc_application(app, &clerk, "2024-03-01").await;
    let hits = app.indicators.hits();
    assert_eq!(
        count(app, &office, "reconsideration.applications").await,
        Some(1)
    );
    assert_eq!(
        count(app, &office, "reconsideration.applications").await,
        Some(1)
    );
    assert_eq!(app.indicators.hits(), hits + 1, "the second view is kept");
    // Another scope is another entry.
    assert_eq!(
        count(app, &clerk, "reconsideration.applications").await,
        Some(1)
    );
    assert_eq!(app.indicators.hits(), hits + 1);

    rc_application(app, &clerk, "2024-04-01").await;
    assert_eq!(
        count(app, &office, "reconsideration.applications").await,
        Some(2)
    );
    assert_eq!(
        count(app, &office, "reconsideration.accepted").await,
        Some(0)
    );
    rc::take_step(
        app,
        &clerk,
        id,
        "accept",
        &fields(&[("date", "2024-03-05"), ("procedure", "ordinary")]),
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        count(app, &office, "reconsideration.accepted").await,
        Some(1)
    );
}

#[tokio::test]
async fn kept_until_a_record_changes_on_sqlite() {
    kept_until_a_record_changes(Backend::Sqlite).await;
}

#[tokio::test]
async fn kept_until_a_record_changes_on_postgres() {
    kept_until_a_record_changes(Backend::Postgres).await;
}
