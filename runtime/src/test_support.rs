//! What `#[ctxkit::test]` expands to: build the test's runtime, run the body
//! in a leak-check scope of its own, then check for leaks.
//!
//! Each test gets a fresh scope id, carried by a task-local into the body and
//! by `ctx.spawn` into every task it spawns, so the tracked-task check sees
//! only this test's tasks. Each test also has its own runtime, so tokio's
//! live-task count (which catches bare `tokio::spawn`s) is per test as well.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::runtime::Builder;

use crate::leaks::{LeakReport, Verify};
use crate::task::{CURRENT, Current};

pub use tokio;

/// The runtime a test asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// One thread: tokio's test default.
    CurrentThread,
    /// A worker pool.
    MultiThread,
}

/// The arguments of `#[ctxkit::test]`.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// Which scheduler.
    pub flavor: Flavor,
    /// Worker threads of a multi-thread runtime (tokio's default if `None`).
    pub worker_threads: Option<usize>,
}

/// How long the end-of-test check waits for tasks that are finishing.
const SETTLE: Duration = Duration::from_millis(500);

/// Runs a test body on a fresh runtime, then fails the test (panics) if it
/// left tasks running.
#[track_caller]
pub fn run<F: Future>(config: Config, body: F) -> F::Output {
    let mut builder = match config.flavor {
        Flavor::CurrentThread => Builder::new_current_thread(),
        Flavor::MultiThread => Builder::new_multi_thread(),
    };
    if let Some(n) = config.worker_threads {
        builder.worker_threads(n);
    }
    let rt = builder
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("ctxkit::test: cannot build the test runtime: {e}"));
    static NEXT_SCOPE: AtomicU64 = AtomicU64::new(1);
    let scope = Current {
        scope: NEXT_SCOPE.fetch_add(1, Ordering::Relaxed),
        task: None,
    };
    let result = rt.block_on(CURRENT.scope(scope, async {
        let baseline = alive_on_runtime();
        let out = body.await;
        (out, check(baseline).await)
    }));
    rt.shutdown_timeout(Duration::from_secs(1));
    match result {
        (out, Ok(())) => out,
        (_, Err(report)) => panic!("ctxkit::test: the test leaked tasks\n{report}"),
    }
}

/// Live tasks on the test's runtime, less ctxkit's own timer drivers.
fn alive_on_runtime() -> usize {
    crate::leaks::runtime_tasks().unwrap_or(0)
}

/// Tracked tasks of this test, then the runtime's own count against the
/// count at the start, retried together until both settle or time is up.
async fn check(baseline: usize) -> Result<(), LeakReport> {
    let verify = Verify::new().max_wait(Duration::ZERO);
    let mut waited = Duration::ZERO;
    let mut sleep = Duration::from_millis(1);
    loop {
        let leaked = verify.leaked();
        let on_runtime = leaked.iter().filter(|t| !t.is_blocking()).count();
        let untracked = alive_on_runtime()
            .saturating_sub(baseline)
            .saturating_sub(on_runtime);
        if leaked.is_empty() && untracked == 0 {
            return Ok(());
        }
        if waited >= SETTLE {
            return Err(LeakReport::new(leaked, untracked));
        }
        let step = sleep.min(SETTLE - waited);
        tokio::time::sleep(step).await;
        waited += step;
        sleep = (sleep * 2).min(Duration::from_millis(100));
    }
}
