//! Leaky: a leak growing request by request, caught by the task monitor.
//!
//! Each request runs as a tracked task and writes an audit entry with
//! `audit.send(entry).await`. The audit writer has stalled (a full disk, a
//! lost connection), so once its queue is full every request waits for
//! room for ever: the task count climbs with the traffic. The
//! `TaskMonitor` samples the count every 100ms; when it has grown by more
//! than 20 it logs `task leak suspected` and writes a task dump grouped by
//! spawn site, which names the line of this file where the stuck requests
//! were spawned.
//!
//! The dump goes to a directory under `std::env::temp_dir()`. The fix is in
//! `fixed.rs`. Run with `cargo run --example task_monitor_leaky`.

use std::time::Duration;

use ctxkit::Ctx;
use ctxkit::monitor::TaskMonitor;
use tokio::sync::mpsc;

#[derive(Debug)]
struct AuditEntry {
    _request: u32,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt().with_target(false).without_time().init();
    let tasks = ctxkit_examples::TaskCount::start();
    let dump_dir = std::env::temp_dir().join(format!("ctxkit-task-monitor-leaky-{}", std::process::id()));
    std::fs::create_dir_all(&dump_dir)?;

    let (root, _stop) = Ctx::background().with_cancel();
    let (monitor_ctx, stop_monitor) = root.with_cancel();
    let monitor = TaskMonitor::new()
        .interval(Duration::from_millis(100))
        .max_growth(20)
        .dump_dir(&dump_dir)
        .spawn(&monitor_ctx);

    // The audit writer took one entry and stalled.
    let (audit, mut audit_queue) = mpsc::channel::<AuditEntry>(8);
    let writer = root.spawn_named("audit-writer", |_ctx| async move {
        let first = audit_queue.recv().await;
        std::future::pending::<()>().await;
        drop((first, audit_queue));
    });

    for request in 0..60 {
        let audit = audit.clone();
        drop(root.spawn_named("request", move |_ctx| async move {
            let _ = audit.send(AuditEntry { _request: request }).await;
        }));
        tokio::time::sleep(Duration::from_millis(8)).await;
    }
    tokio::time::sleep(Duration::from_millis(150)).await;

    stop_monitor.cancel();
    let _ = monitor.await;
    let mut dumps: Vec<_> = std::fs::read_dir(&dump_dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    dumps.sort();
    println!("task dumps written: {}", dumps.len());
    if let Some(last) = dumps.last() {
        println!("the last one, {}:", last.display());
        println!("{}", std::fs::read_to_string(last)?);
    }
    let left = tasks.live(Duration::ZERO).await;
    // The monitor has stopped; what is left is the stalled writer and the
    // requests waiting on it.
    println!("requests stuck on the audit queue: {}", left.saturating_sub(1));
    ctxkit_examples::report_leaked(left);
    drop(writer);
    Ok(())
}
