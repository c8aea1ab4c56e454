//! Fixed: the ticker belongs to its connection's context and stops with it.
//!
//! `Connection::open` makes a child context and starts the ticker with
//! `ctx.spawn_named`; the loop races `interval.tick()` against `ctx.done()`.
//! The connection keeps the child's `CancelHandle`, and dropping a
//! `CancelHandle` cancels its context (Go's `defer cancel()`): the ticker
//! ends when its connection is dropped, with a last flush on the way out.
//! `shutdown` on the root confirms nothing is left.
//!
//! The bug is in `leaky.rs`. Run with `cargo run --example forgotten_ticker`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ctxkit::{CancelHandle, Ctx};

/// Flushes seen from every ticker.
static FLUSHES: AtomicU64 = AtomicU64::new(0);

struct Connection {
    sent: Arc<AtomicU64>,
    /// Dropping the connection drops this, which stops its ticker.
    _ticker: CancelHandle,
}

impl Connection {
    fn open(ctx: &Ctx) -> Connection {
        let (conn_ctx, cancel) = ctx.with_cancel();
        let sent = Arc::new(AtomicU64::new(0));
        let metrics = sent.clone();
        drop(conn_ctx.spawn_named("metrics-ticker", move |ctx| async move {
            let mut interval = tokio::time::interval(Duration::from_millis(10));
            loop {
                tokio::select! {
                    _ = ctx.done() => break,
                    _ = interval.tick() => {
                        let _ = metrics.load(Ordering::Relaxed);
                        FLUSHES.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            // The final flush, so the last interval's numbers are not lost.
            FLUSHES.fetch_add(1, Ordering::Relaxed);
        }));
        Connection {
            sent,
            _ticker: cancel,
        }
    }
}

#[tokio::main]
async fn main() {
    let tasks = ctxkit_examples::TaskCount::start();
    let (root, _stop) = Ctx::background().with_cancel();
    for attempt in 1..=5 {
        let conn = Connection::open(&root);
        conn.sent.fetch_add(attempt, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(20)).await;
        println!("connection {attempt} dropped, reconnecting");
    }

    tokio::time::sleep(Duration::from_millis(20)).await;
    let before = FLUSHES.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let after = FLUSHES.load(Ordering::Relaxed);
    println!("no connection open: {} flushes in the last 100ms", after - before);
    let report = root.shutdown("example done", Duration::from_secs(1)).await;
    println!("{report}");
    ctxkit_examples::report_leaked(tasks.live(Duration::from_millis(500)).await);
}
