//! Leaky: message workers that nothing can stop, and a SIGTERM handler that
//! returns without them.
//!
//! Three workers, each `tokio::spawn`ed, run `loop { let msg =
//! queue.next().await; handle(msg).await; }`. The service does catch SIGTERM,
//! but only to log and leave: the workers have no context to cancel, so they
//! are still in the middle of a message when `main` returns, and in a
//! service that shuts down a component rather than the process they would
//! run for ever.
//!
//! The example sends itself SIGTERM after 200ms, so it ends by itself. The fix
//! is in `fixed.rs`. Run with `cargo run --example message_worker_leaky`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::signal::unix::{SignalKind, signal};

/// A message broker's subscription: a message every few milliseconds.
#[derive(Clone, Default)]
struct Queue {
    next_id: Arc<AtomicU64>,
}

impl Queue {
    async fn next(&self) -> u64 {
        tokio::time::sleep(Duration::from_millis(5)).await;
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }
}

async fn handle(_msg: u64) {
    // A slow message: a call to another service.
    tokio::time::sleep(Duration::from_millis(50)).await;
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let tasks = ctxkit_examples::TaskCount::start();
    let mut terminate = signal(SignalKind::terminate())?;
    let (signals, _stop_signals) = ctxkit::Ctx::background().with_cancel();
    ctxkit_examples::sigterm_self_after(&signals, Duration::from_millis(200));

    let queue = Queue::default();
    for _ in 0..3 {
        let queue = queue.clone();
        tokio::spawn(async move {
            loop {
                let msg = queue.next().await;
                handle(msg).await;
            }
        });
    }

    terminate.recv().await;
    println!("SIGTERM received, shutting down");
    let left = tasks.untracked(Duration::from_millis(200)).await;
    println!("workers still running after the shutdown: {left}");
    ctxkit_examples::report_leaked(left);
    Ok(())
}
