//! Uploaded files (workbooks, reports) are parsed on tokio's blocking pool, a few at a time.
//!
//! Each parse is bounded in what it may build (`xlsx::read_table_within`, `fazhi_text`'s input
//! limits); this bounds how many run at once, so that parallel uploads cannot add up to more
//! memory and CPU than the machine has, and no parse holds an async worker (and with it every
//! request queued on that worker).

use crate::{AppError, AppResult};
use fazhi_domain::Code;
use fazhi_domain::DomainError;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Parses running at once: the cores, at least 2 and at most 4.
static PARSES: LazyLock<Arc<Semaphore>> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Arc::new(Semaphore::new(cores.clamp(2, 4)))
});

/// How long an upload waits for a free parse before it is answered "busy".
const WAIT: Duration = Duration::from_secs(30);

/// Uploads waiting for a slot, each holding its bytes: beyond [`MAX_WAITING`] an upload is
/// answered "busy" at once instead of queueing (many parallel 10 MB uploads would otherwise add
/// up to gigabytes while they wait).
static WAITING: AtomicUsize = AtomicUsize::new(0);
const MAX_WAITING: usize = 8;

fn busy() -> AppError {
    DomainError::field(
        Code::ServerBusy,
        "file",
        "服务器正在处理其他上传的文件，请稍后再试",
    )
    .into()
}

/// Counts a waiting upload while it lives.
struct Waiting;

impl Waiting {
    fn enter() -> Option<Waiting> {
        if WAITING.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING {
            WAITING.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(Waiting)
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        WAITING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs `f` (a parser of uploaded bytes) when one of the parse slots is free. The slot is held
/// until `f` returns, even when the request that asked is dropped meanwhile.
pub async fn parse<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    let waiting = Waiting::enter().ok_or_else(busy)?;
    let permit = tokio::time::timeout(WAIT, PARSES.clone().acquire_owned())
        .await
        .map_err(|_| busy())?
        .map_err(|e| AppError::Internal(format!("parse slots closed: {e}")))?;
    drop(waiting);
    tokio::task::spawn_blocking(move || {
        let out = f();
        drop(permit);
        out
    })
    .await
    .map_err(|e| AppError::Internal(format!("parse task: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn parses_run_a_few_at_a_time_and_all_finish() {
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..MAX_WAITING)
            .map(|i| {
                let (running, most) = (running.clone(), most.clone());
                tokio::spawn(parse(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                    i
                }))
            })
            .collect();
        let mut done = Vec::new();
        for t in tasks {
            done.push(t.await.unwrap().unwrap());
        }
        assert_eq!(done, (0..MAX_WAITING).collect::<Vec<_>>());
        let most = most.load(Ordering::SeqCst);
        assert!((1..=4).contains(&most), "{most} parses ran at once");
    }
}
