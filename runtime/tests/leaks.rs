//! Leak checks: `leaks::verify_none`, its options, and `#[ctxkit::test]`.

use std::time::Duration;

use ctxkit::Ctx;
use ctxkit::leaks::{self, Verify};

#[ctxkit::test]
async fn a_test_whose_tasks_all_end_passes() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    let workers: Vec<_> = (0..4)
        .map(|_| ctx.spawn(|ctx| async move { ctx.done().await }))
        .collect();
    cancel.cancel();
    for w in workers {
        w.await.unwrap();
    }
}

#[ctxkit::test]
async fn a_task_that_ends_soon_after_the_body_is_not_a_leak() {
    drop(Ctx::background().spawn(|_| tokio::time::sleep(Duration::from_millis(20))));
}

#[ctxkit::test]
#[should_panic(expected = "1 tracked task leaked")]
async fn a_test_that_leaks_a_tracked_task_fails() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    cancel.disarm();
    drop(ctx.spawn_named("forgotten-worker", |ctx| async move { ctx.done().await }));
}

#[ctxkit::test]
#[should_panic(expected = "forgotten-worker")]
async fn the_failure_names_the_leaked_task() {
    drop(Ctx::background().spawn_named("forgotten-worker", |_| std::future::pending::<()>()));
}

#[ctxkit::test]
#[should_panic(expected = "spawned outside ctxkit")]
async fn a_bare_tokio_spawn_that_outlives_the_test_fails_it() {
    // ctxkit: allow(bare_spawn) -- the leak under test.
    drop(tokio::spawn(std::future::pending::<()>()));
}

#[ctxkit::test(flavor = "multi_thread", worker_threads = 2)]
#[should_panic(expected = "tracked task leaked")]
async fn a_leak_on_the_multi_thread_runtime_fails_the_test() {
    drop(Ctx::background().spawn(|_| std::future::pending::<()>()));
}

#[ctxkit::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_multi_thread_test_passes() {
    let task = Ctx::background().spawn(|_| async { tokio::task::yield_now().await });
    task.await.unwrap();
}

#[ctxkit::test(start_paused = true)]
async fn time_can_start_paused() {
    let start = tokio::time::Instant::now();
    tokio::time::sleep(Duration::from_secs(3600)).await;
    assert!(start.elapsed() >= Duration::from_secs(3600));
}

#[ctxkit::test]
async fn a_test_can_return_a_result() -> Result<(), ctxkit::Cancelled> {
    Ctx::background().check()?;
    Ok(())
}

#[ctxkit::test]
async fn a_check_sees_only_the_tasks_of_its_own_test() {
    // A task of no test, alive on another thread for the whole check.
    // ctxkit: allow(unbounded_channel) -- a one-shot signal between two threads of the test
    let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
    // ctxkit: allow(unbounded_channel) -- a one-shot signal between two threads of the test
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<()>();
    // ctxkit: allow(bare_spawn) -- a helper task the test itself joins or ends
    let outsider = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            let task = Ctx::background().spawn_named("outsider", |_| std::future::pending::<()>());
            ready_tx.send(()).unwrap();
            // ctxkit: allow(bare_spawn) -- a helper task the test itself joins or ends
            tokio::task::spawn_blocking(move || stop_rx.recv())
                .await
                .unwrap()
                .unwrap();
            task.abort();
        });
    });
    ready_rx.recv().unwrap();
    assert!(leaks::snapshot().iter().all(|t| t.name() != "outsider"));
    leaks::verify_none().await.unwrap();
    let everywhere = Verify::new().all_scopes(true).max_wait(Duration::ZERO).leaked();
    assert!(everywhere.iter().any(|t| t.name() == "outsider"));
    stop_tx.send(()).unwrap();
    // ctxkit: allow(bare_spawn) -- a helper task the test itself joins or ends
    tokio::task::spawn_blocking(move || outsider.join().unwrap())
        .await
        .unwrap();
}

#[ctxkit::test]
async fn tasks_spawned_by_tasks_of_a_test_belong_to_it() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    let outer = ctx.spawn(|ctx| async move {
        drop(ctx.spawn_named("inner", |ctx| async move { ctx.done().await }));
    });
    outer.await.unwrap();
    assert!(leaks::snapshot().iter().any(|t| t.name() == "inner"));
    cancel.cancel();
    leaks::verify_none().await.unwrap();
}

#[ctxkit::test]
async fn verify_none_reports_leaks_grouped_by_site() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    for i in 0..3 {
        drop(ctx.spawn_named(&format!("conn-{i}"), |ctx| async move { ctx.done().await }));
    }
    let line = line!() + 1;
    drop(ctx.spawn_named("janitor", |ctx| async move { ctx.done().await }));
    let report = Verify::new()
        .max_wait(Duration::from_millis(10))
        .check()
        .await
        .unwrap_err();
    assert_eq!(report.leaked().len(), 4);
    let text = report.to_string();
    assert!(text.starts_with("4 tracked tasks leaked:"), "{text}");
    assert!(text.contains("3 × "), "{text}");
    assert!(text.contains("conn-0, conn-1, conn-2"), "{text}");
    assert!(text.contains(&format!("1 × {}:{line}", file!())), "{text}");
    let _: &dyn std::error::Error = &report;
    cancel.cancel();
    leaks::verify_none().await.unwrap();
}

#[ctxkit::test]
async fn verify_can_ignore_tasks_by_name_site_or_as_already_running() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    let quick = || Verify::new().max_wait(Duration::ZERO);
    drop(ctx.spawn_named("flusher", |ctx| async move { ctx.done().await }));
    assert!(quick().check().await.is_err());
    quick().ignore_name("flusher").check().await.unwrap();
    quick().ignore_location(file!()).check().await.unwrap();
    quick()
        .ignore_location("tests/leaks.rs:1")
        .check()
        .await
        .unwrap_err();

    let baseline = quick().ignore_current();
    baseline.check().await.unwrap();
    let later = ctx.spawn_named("later", |ctx| async move { ctx.done().await });
    let report = baseline.check().await.unwrap_err();
    assert_eq!(report.leaked().len(), 1);
    assert_eq!(report.leaked()[0].name(), "later");
    later.abort();
    cancel.cancel();
}

#[ctxkit::test]
async fn verify_waits_for_tasks_that_are_finishing() {
    drop(Ctx::background().spawn(|_| tokio::time::sleep(Duration::from_millis(30))));
    leaks::verify_none().await.unwrap();
    assert!(leaks::snapshot().is_empty());
}
