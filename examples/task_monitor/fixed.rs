//! Fixed: the same traffic with every request bounded by a deadline; the
//! task monitor sees no growth and writes no dump.
//!
//! Each request gets a child context with a timeout and writes its audit
//! entry with `audit.send_within(&ctx, entry)`: when the stalled writer's
//! queue is full, the send gives up at the deadline and hands the entry back,
//! to be counted (or written elsewhere) rather than hang the request. The
//! task count stays flat, the `TaskMonitor` only logs its samples, and the
//! final `shutdown` is clean.
//!
//! The dump directory is under `std::env::temp_dir()` and stays empty. The
//! bug is in `leaky.rs`. Run with `cargo run --example task_monitor`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ctxkit::monitor::TaskMonitor;
use ctxkit::prelude::*;

#[derive(Debug)]
struct AuditEntry {
    _request: u32,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt().with_target(false).without_time().init();
    let tasks = ctxkit_examples::TaskCount::start();
    let dump_dir = std::env::temp_dir().join(format!("ctxkit-task-monitor-fixed-{}", std::process::id()));
    std::fs::create_dir_all(&dump_dir)?;

    let (root, _stop) = Ctx::background().with_cancel();
    drop(
        TaskMonitor::new()
            .interval(Duration::from_millis(100))
            .max_growth(20)
            .dump_dir(&dump_dir)
            .spawn(&root),
    );

    // The audit writer took one entry and stalled, until shutdown.
    let (audit, mut audit_queue) = ctxkit::channel::bounded::<AuditEntry>(8);
    drop(root.spawn_named("audit-writer", |ctx| async move {
        let first = audit_queue.recv_within(&ctx).await;
        ctx.done().await;
        drop((first, audit_queue));
    }));

    let unaudited = Arc::new(AtomicUsize::new(0));
    for request in 0..60 {
        let audit = audit.clone();
        let unaudited = unaudited.clone();
        let (request_ctx, cancel) = root.with_timeout_cause(Duration::from_millis(30), "request deadline");
        drop(request_ctx.spawn_named("request", move |ctx| async move {
            if audit
                .send_within(&ctx, AuditEntry { _request: request })
                .await
                .is_err()
            {
                unaudited.fetch_add(1, Ordering::Relaxed);
            }
            // The request is over: release its deadline.
            drop(cancel);
        }));
        tokio::time::sleep(Duration::from_millis(8)).await;
    }
    tokio::time::sleep(Duration::from_millis(150)).await;

    let report = root.shutdown("example done", Duration::from_secs(1)).await;
    println!("{report}");
    let dumps = std::fs::read_dir(&dump_dir)?.count();
    println!(
        "task dumps written: {dumps}; audit entries handed back: {}",
        unaudited.load(Ordering::Relaxed)
    );
    std::fs::remove_dir(&dump_dir)?;
    ctxkit_examples::report_leaked(tasks.live(Duration::from_millis(500)).await);
    Ok(())
}
