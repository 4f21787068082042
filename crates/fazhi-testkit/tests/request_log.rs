//! The request log: every line a request causes — the handler's own as well as the closing
//! "handled" — carries the request's id and the route it matched, so an office's administrator
//! can follow one request through the log.

use fazhi_testkit::{d, spawn, with_org, Backend};
use std::io::Write;
use std::sync::{Arc, Mutex};

/// A log sink the test can read back.
#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("sink").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// One thread: the server's tasks run where the test's log subscriber is installed.
#[tokio::test(flavor = "current_thread")]
async fn handler_lines_carry_the_request_id_and_route() {
    let sink = Sink::default();
    let writer = sink.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let db = with_org(Backend::Sqlite, d("2024-06-30")).await;
    let base = spawn(db.app.clone()).await;
    let r = reqwest::Client::new()
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"username": "nobody", "password": "wrong"}))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 422);
    let rid = r.headers()["x-request-id"]
        .to_str()
        .expect("id")
        .to_string();
    let log = String::from_utf8(sink.0.lock().expect("sink").clone()).expect("utf-8");
    let lines: Vec<&str> = log.lines().filter(|l| l.contains(&rid)).collect();
    let refused = lines
        .iter()
        .find(|l| l.contains("login refused"))
        .unwrap_or_else(|| panic!("the handler's line is in the request's span:\n{log}"));
    assert!(refused.contains("route=/api/v1/session"), "{refused}");
    assert!(
        !refused.contains("nobody"),
        "the name stays out of the log: {refused}"
    );
    let handled = lines
        .iter()
        .find(|l| l.contains("handled"))
        .unwrap_or_else(|| panic!("the closing line:\n{log}"));
    assert!(handled.contains("status=422") && handled.contains("route=/api/v1/session"));
}
