//! Fixed: message workers that stop at once when SIGTERM cancels their
//! context.
//!
//! `Ctx::background().with_shutdown_signal()` is a context SIGINT or SIGTERM
//! cancels (Go's `signal.NotifyContext`). The workers run under it with
//! `ctx.spawn_named`, wait for messages with `ctx.run(queue.next())` and
//! handle them with `ctx.run(handle(msg))`: on cancel a worker leaves at
//! once, even mid-message, and gives that message back to the queue (a nack)
//! so it is redelivered instead of lost. `shutdown` reports that every
//! worker stopped, and how long it took.
//!
//! The example sends itself SIGTERM after 200ms, so it ends by itself. The bug
//! is in `leaky.rs`. Run with `cargo run --example message_worker`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ctxkit::Ctx;
use tokio::time::Instant;

/// A message broker's subscription: a message every few milliseconds.
#[derive(Clone, Default)]
struct Queue {
    next_id: Arc<AtomicU64>,
    nacked: Arc<AtomicU64>,
}

impl Queue {
    async fn next(&self) -> u64 {
        tokio::time::sleep(Duration::from_millis(5)).await;
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Hands a message back for redelivery.
    fn nack(&self, _msg: u64) {
        self.nacked.fetch_add(1, Ordering::Relaxed);
    }
}

async fn handle(_msg: u64) {
    // A slow message: a call to another service.
    tokio::time::sleep(Duration::from_millis(50)).await;
}

async fn worker(ctx: &Ctx, queue: Queue) {
    while let Ok(msg) = ctx.run(queue.next()).await {
        if ctx.run(handle(msg)).await.is_err() {
            queue.nack(msg);
            break;
        }
    }
}

#[tokio::main]
async fn main() {
    let tasks = ctxkit_examples::TaskCount::start();
    let ctx = Ctx::background().with_shutdown_signal();
    ctxkit_examples::sigterm_self_after(&ctx, Duration::from_millis(200));

    let queue = Queue::default();
    for id in 0..3 {
        let queue = queue.clone();
        drop(
            ctx.spawn_named(&format!("message-worker-{id}"), move |ctx| async move {
                worker(&ctx, queue).await;
            }),
        );
    }

    ctx.done().await;
    let cause = ctx.cause().map(|c| c.to_string()).unwrap_or_default();
    println!("shutting down: {cause}");
    let started = Instant::now();
    let report = ctx.shutdown(cause, Duration::from_secs(1)).await;
    println!("{report}");
    println!(
        "workers stopped in {:.1?}; {} messages in flight handed back for redelivery",
        started.elapsed(),
        queue.nacked.load(Ordering::Relaxed)
    );
    drop(ctx);
    ctxkit_examples::report_leaked(tasks.live(Duration::from_millis(500)).await);
}
