//! Leaky: a forgotten background worker, a metrics ticker that never stops.
//!
//! Each `Connection` starts a ticker that flushes its metrics every few
//! milliseconds: `tokio::spawn` of a `loop { interval.tick().await; .. }`.
//! Nothing can stop the loop, and dropping the connection does not stop the
//! task: every reconnect leaves one more ticker running for ever, flushing
//! metrics of a connection that is gone.
//!
//! The fix is in `fixed.rs`. Run with `cargo run --example forgotten_ticker_leaky`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Flushes seen from every ticker, gone connections' included.
static FLUSHES: AtomicU64 = AtomicU64::new(0);

struct Connection {
    sent: Arc<AtomicU64>,
}

impl Connection {
    fn open() -> Connection {
        let sent = Arc::new(AtomicU64::new(0));
        let metrics = sent.clone();
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(Duration::from_millis(10));
            loop {
                interval.tick().await;
                let _ = metrics.load(Ordering::Relaxed);
                FLUSHES.fetch_add(1, Ordering::Relaxed);
            }
        });
        Connection { sent }
    }
}

#[tokio::main]
async fn main() {
    let tasks = ctxkit_examples::TaskCount::start();
    for attempt in 1..=5 {
        let conn = Connection::open();
        conn.sent.fetch_add(attempt, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(20)).await;
        println!("connection {attempt} dropped, reconnecting");
    }

    let before = FLUSHES.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let after = FLUSHES.load(Ordering::Relaxed);
    println!(
        "no connection open, yet {} flushes in the last 100ms",
        after - before
    );
    ctxkit_examples::report_leaked(tasks.live(Duration::ZERO).await);
}
