//! Tracked tasks: spawning, records, shutdown with a report, wait_tasks.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ctxkit::{Ctx, CtxError};

fn root() -> (Ctx, ctxkit::CancelHandle) {
    Ctx::background().with_cancel()
}

#[tokio::test]
async fn a_task_runs_under_a_child_of_its_context() {
    let (ctx, cancel) = root();
    let task = ctx.spawn(|ctx| async move {
        ctx.done().await;
        ctx.cause().unwrap().to_string()
    });
    assert!(!task.ctx().is_done());
    cancel.cancel_with("stop");
    assert_eq!(task.await.unwrap(), "stop");
}

#[tokio::test]
async fn a_live_task_is_recorded_with_name_site_and_age() {
    let (ctx, _cancel) = root();
    let line = line!() + 1;
    let task = ctx.spawn_named("poller", |ctx| async move { ctx.done().await });
    let tasks = ctx.tasks();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].name(), "poller");
    assert_eq!(tasks[0].location().file(), file!());
    assert_eq!(tasks[0].location().line(), line);
    assert!(tasks[0].parents().is_empty());
    task.abort();
    let _ = task.await;
    assert!(ctx.tasks().is_empty());
}

#[tokio::test]
async fn an_unnamed_task_is_named_after_its_spawn_site() {
    let (ctx, _cancel) = root();
    let line = line!() + 1;
    let task = ctx.spawn(|ctx| async move { ctx.done().await });
    assert_eq!(ctx.tasks()[0].name(), format!("{}:{line}", file!()));
    task.abort();
}

#[tokio::test]
async fn a_task_spawned_inside_a_tracked_task_records_its_parents() {
    let (ctx, _cancel) = root();
    let outer = ctx.spawn_named("server", |ctx| async move {
        ctx.spawn_named("pool", |ctx| async move {
            drop(ctx.spawn_named("worker", |ctx| async move { ctx.done().await }));
        })
        .await
        .unwrap();
    });
    outer.await.unwrap();
    let tasks = ctx.tasks();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].name(), "worker");
    assert_eq!(tasks[0].parents(), ["server", "pool"]);
    ctx.shutdown("done", Duration::from_secs(5)).await;
}

#[tokio::test]
async fn a_task_that_panics_leaves_no_record() {
    let (ctx, _cancel) = root();
    let task = ctx.spawn(|_| async { panic!("boom") });
    assert!(task.await.unwrap_err().is_panic());
    assert!(ctx.tasks().is_empty());
}

#[tokio::test]
async fn an_aborted_task_leaves_no_record() {
    let (ctx, _cancel) = root();
    let task = ctx.spawn(|_| std::future::pending::<()>());
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    assert!(ctx.tasks().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_short_tasks_leave_the_record_empty() {
    let (ctx, _cancel) = root();
    let ran = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..100_000)
        .map(|_| {
            let ran = ran.clone();
            ctx.spawn(move |_| async move {
                ran.fetch_add(1, Ordering::Relaxed);
            })
        })
        .collect();
    for h in handles {
        h.await.unwrap();
    }
    assert_eq!(ran.load(Ordering::Relaxed), 100_000);
    assert!(ctx.tasks().is_empty());
}

#[tokio::test]
async fn wait_tasks_waits_without_cancelling() {
    let (ctx, _cancel) = root();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let finished = Arc::new(AtomicUsize::new(0));
    let f = finished.clone();
    drop(ctx.spawn(move |_| async move {
        rx.await.unwrap();
        f.fetch_add(1, Ordering::SeqCst);
    }));
    // ctxkit: allow(bare_spawn) -- a helper task the test itself joins or ends
    let waiter = tokio::spawn({
        let ctx = ctx.clone();
        async move { ctx.wait_tasks().await }
    });
    tokio::task::yield_now().await;
    assert!(!waiter.is_finished());
    tx.send(()).unwrap();
    waiter.await.unwrap();
    assert_eq!(finished.load(Ordering::SeqCst), 1);
    assert!(!ctx.is_done());
}

#[tokio::test]
async fn wait_tasks_also_waits_for_tasks_of_descendant_contexts() {
    let (ctx, _cancel) = root();
    let (child, child_cancel) = ctx.with_cancel();
    drop(child.spawn(|ctx| async move { ctx.done().await }));
    // ctxkit: allow(bare_spawn) -- a helper task the test itself joins or ends
    tokio::spawn(async move {
        tokio::task::yield_now().await;
        child_cancel.cancel();
    });
    ctx.wait_tasks().await;
    assert!(ctx.tasks().is_empty());
}

#[tokio::test]
async fn a_task_waiting_on_its_own_context_does_not_wait_for_itself() {
    let (ctx, _cancel) = root();
    let (sibling_ctx, sibling_cancel) = ctx.with_cancel();
    drop(sibling_ctx.spawn(|ctx| async move { ctx.done().await }));
    let waiter = ctx.spawn(|ctx| async move { ctx.wait_tasks().await });
    sibling_cancel.cancel();
    // Were the waiter counting itself, it would wait on its own record for ever.
    tokio::time::timeout(Duration::from_secs(30), waiter)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn shutdown_cancels_with_the_cause_and_reports_clean() {
    let (ctx, _cancel) = root();
    let handles: Vec<_> = (0..8)
        .map(|i| ctx.spawn_named(&format!("worker-{i}"), |ctx| async move { ctx.done().await }))
        .collect();
    let report = ctx.shutdown("deploy", Duration::from_secs(30)).await;
    assert!(report.is_clean(), "{report}");
    assert!(report.stragglers().is_empty());
    assert_eq!(ctx.err(), Some(CtxError::Canceled));
    assert_eq!(ctx.cause().unwrap().to_string(), "deploy");
    for h in handles {
        assert_eq!(h.ctx().cause().unwrap().to_string(), "deploy");
        h.await.unwrap();
    }
}

#[tokio::test(start_paused = true)]
async fn shutdown_reports_and_aborts_the_worker_that_ignores_its_context() {
    let (pool, _cancel) = root();
    for i in 0..4 {
        drop(pool.spawn_named(&format!("worker-{i}"), |ctx| async move { ctx.done().await }));
    }
    let line = line!() + 1;
    let stubborn = pool.spawn_named("stubborn", |_ctx| async {
        // Never looks at its context.
        tokio::time::sleep(Duration::from_secs(3600)).await;
    });
    let report = pool.shutdown("scale down", Duration::from_secs(5)).await;
    assert!(!report.is_clean());
    assert_eq!(report.stragglers().len(), 1);
    let straggler = &report.stragglers()[0];
    assert_eq!(straggler.name(), "stubborn");
    assert_eq!(straggler.location().line(), line);
    assert!(straggler.age() >= Duration::from_secs(5));
    let text = report.to_string();
    assert!(text.contains("stubborn"), "{text}");
    assert!(text.contains(&format!("{}:{line}", file!())), "{text}");
    assert!(text.contains("1 task still running"), "{text}");
    assert!(stubborn.await.unwrap_err().is_cancelled());
    assert!(pool.tasks().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_shutdown_report_groups_stragglers_by_site_with_counts() {
    let (pool, _cancel) = root();
    for _ in 0..3 {
        drop(pool.spawn(|_| std::future::pending::<()>()));
    }
    let report = pool.shutdown("stop", Duration::from_secs(1)).await;
    assert_eq!(report.stragglers().len(), 3);
    let text = report.to_string();
    assert_eq!(text.matches(" × ").count(), 1, "{text}");
    assert!(text.contains("3 × "), "{text}");
}

#[tokio::test]
async fn shutdown_leaves_other_subtrees_alone() {
    let (a, _ca) = root();
    let (b, _cb) = root();
    let other = b.spawn(|ctx| async move { ctx.done().await });
    drop(a.spawn(|ctx| async move { ctx.done().await }));
    assert!(a.shutdown("a only", Duration::from_secs(30)).await.is_clean());
    assert!(!b.is_done());
    assert_eq!(b.tasks().len(), 1);
    other.abort();
}

#[tokio::test]
async fn blocking_work_sees_its_context_and_is_waited_for() {
    let (ctx, _cancel) = root();
    let task = ctx.spawn_blocking(|ctx| {
        let mut spins = 0u64;
        while !ctx.is_done() {
            std::thread::sleep(Duration::from_millis(1));
            spins += 1;
        }
        spins
    });
    assert_eq!(ctx.tasks().len(), 1);
    assert!(ctx.tasks()[0].is_blocking());
    let report = ctx.shutdown("stop", Duration::from_secs(30)).await;
    assert!(report.is_clean(), "{report}");
    task.await.unwrap();
}

#[tokio::test]
async fn a_task_spawned_on_a_done_context_starts_done() {
    let (ctx, cancel) = root();
    cancel.cancel_with("too late");
    let task = ctx.spawn(|ctx| async move { ctx.check().map_err(|e| e.cause().to_string()) });
    assert_eq!(task.await.unwrap(), Err("too late".to_string()));
}

#[tokio::test]
async fn a_task_handle_exposes_the_tokio_id() {
    let (ctx, _cancel) = root();
    let task = ctx.spawn(|_| async { tokio::task::id() });
    let id = task.id();
    assert_eq!(task.await.unwrap(), id);
}
