//! The semantics of `Ctx`, one behaviour per test.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ctxkit::{Cancelled, Cause, Ctx, CtxError, Instant};

#[test]
fn background_is_never_done() {
    let ctx = Ctx::background();
    assert!(!ctx.is_done());
    assert_eq!(ctx.err(), None);
    assert!(ctx.cause().is_none());
    assert_eq!(ctx.deadline(), None);
}

#[test]
fn cancel_handle_cancels_its_child_only() {
    let root = Ctx::background();
    let (parent, _keep) = root.with_cancel();
    let (child, cancel) = parent.with_cancel();
    cancel.cancel();
    assert!(child.is_done());
    assert_eq!(child.err(), Some(CtxError::Canceled));
    assert_eq!(child.cause().unwrap().to_string(), "context canceled");
    assert!(!parent.is_done());
}

#[test]
fn cancelling_parent_cancels_grandchild_with_parents_cause() {
    let (parent, cancel) = Ctx::background().with_cancel();
    let (child, _c1) = parent.with_cancel();
    let (grandchild, _c2) = child.with_cancel();
    let valued = grandchild.with_value(5u32);
    cancel.cancel_with("upstream closed");
    for ctx in [&parent, &child, &grandchild, &valued] {
        assert_eq!(ctx.err(), Some(CtxError::Canceled));
        assert_eq!(ctx.cause().unwrap().to_string(), "upstream closed");
    }
}

#[test]
fn child_cancelled_first_keeps_its_own_cause() {
    let (parent, cancel) = Ctx::background().with_cancel();
    let (child, child_cancel) = parent.with_cancel();
    child_cancel.cancel_with("child finished");
    cancel.cancel_with("parent finished");
    assert_eq!(child.cause().unwrap().to_string(), "child finished");
    assert_eq!(parent.cause().unwrap().to_string(), "parent finished");
}

#[test]
fn first_cancel_wins() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    let (child, child_cancel) = ctx.with_cancel();
    let clone = child.clone();
    child_cancel.cancel_with("first");
    cancel.cancel_with("second");
    assert_eq!(child.cause().unwrap().to_string(), "first");
    assert_eq!(clone.cause().unwrap().to_string(), "first");
    assert_eq!(ctx.cause().unwrap().to_string(), "second");
}

#[test]
fn dropping_the_handle_cancels_with_a_cause_saying_so() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    drop(cancel);
    assert_eq!(ctx.err(), Some(CtxError::Canceled));
    assert_eq!(ctx.cause().unwrap().to_string(), "cancel handle dropped");
}

#[test]
fn disarmed_child_lives_until_its_parent_is_cancelled() {
    let (parent, cancel) = Ctx::background().with_cancel();
    let (child, child_cancel) = parent.with_cancel();
    child_cancel.disarm();
    assert!(!child.is_done());
    cancel.cancel_with("parent done");
    assert_eq!(child.cause().unwrap().to_string(), "parent done");
}

#[test]
fn child_of_done_parent_is_born_done_with_the_parents_cause() {
    let (parent, cancel) = Ctx::background().with_cancel();
    cancel.cancel_with("too late");
    let (child, _c) = parent.with_cancel();
    assert!(child.is_done());
    assert_eq!(child.cause().unwrap().to_string(), "too late");
    let (timed, _c) = parent.with_timeout(Duration::from_secs(5));
    assert_eq!(timed.err(), Some(CtxError::Canceled));
}

#[test]
fn cause_downcasts_to_the_concrete_error() {
    #[derive(Debug)]
    struct Quota {
        tenant: &'static str,
    }
    impl std::fmt::Display for Quota {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "quota of {} exhausted", self.tenant)
        }
    }
    impl std::error::Error for Quota {}

    let (ctx, cancel) = Ctx::background().with_cancel();
    cancel.cancel_with(Cause::new(Quota { tenant: "acme" }));
    let cause = ctx.cause().unwrap();
    assert_eq!(cause.downcast_ref::<Quota>().unwrap().tenant, "acme");
    assert!(cause.downcast_ref::<std::io::Error>().is_none());
    assert_eq!(format!("{cause:?}"), "Cause(\"quota of acme exhausted\")");
    let from_string: Cause = String::from("owned text").into();
    assert_eq!(from_string.to_string(), "owned text");
}

#[test]
fn values_are_typed_and_the_nearest_wins() {
    #[derive(Debug, PartialEq)]
    struct UserId(u64);
    #[derive(Debug, PartialEq)]
    struct TraceId(&'static str);

    let ctx = Ctx::background().with_value(UserId(1)).with_value(TraceId("abc"));
    let (child, _c) = ctx.with_cancel();
    let shadowed = child.with_value(UserId(2));
    assert_eq!(child.value::<UserId>(), Some(&UserId(1)));
    assert_eq!(shadowed.value::<UserId>(), Some(&UserId(2)));
    assert_eq!(shadowed.value::<TraceId>(), Some(&TraceId("abc")));
    assert_eq!(shadowed.value::<u8>(), None);
}

#[test]
fn value_context_shares_its_parents_cancellation() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    let valued = ctx.with_value(1u8);
    let (grandchild, _c) = valued.with_cancel();
    cancel.cancel();
    assert!(valued.is_done());
    assert!(grandchild.is_done());
}

#[test]
fn without_cancel_keeps_values_and_drops_cancellation_and_deadline() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (ctx, cancel) = Ctx::background()
            .with_value("v")
            .with_timeout(Duration::from_secs(1));
        let detached = ctx.without_cancel();
        cancel.cancel();
        assert!(!detached.is_done());
        assert_eq!(detached.deadline(), None);
        assert_eq!(detached.value::<&str>(), Some(&"v"));
        let (child, _c) = detached.with_cancel();
        assert!(!child.is_done());
    });
}

#[tokio::test(start_paused = true)]
async fn timeout_cancels_with_deadline_exceeded_and_a_cause_naming_the_duration() {
    let (ctx, _cancel) = Ctx::background().with_timeout(Duration::from_millis(250));
    let start = Instant::now();
    ctx.done().await;
    assert_eq!(start.elapsed(), Duration::from_millis(250));
    assert_eq!(ctx.err(), Some(CtxError::DeadlineExceeded));
    assert_eq!(ctx.cause().unwrap().to_string(), "timeout of 250ms elapsed");
}

#[tokio::test(start_paused = true)]
async fn timeout_with_cause_reports_that_cause() {
    let (ctx, _cancel) =
        Ctx::background().with_timeout_cause(Duration::from_secs(3), "payment stage too slow");
    let (child, _c) = ctx.with_cancel();
    child.done().await;
    assert_eq!(child.err(), Some(CtxError::DeadlineExceeded));
    assert_eq!(child.cause().unwrap().to_string(), "payment stage too slow");
}

#[tokio::test(start_paused = true)]
async fn deadline_in_the_past_is_done_at_once() {
    let (ctx, _cancel) = Ctx::background().with_deadline_cause(Instant::now(), "window closed");
    assert_eq!(ctx.err(), Some(CtxError::DeadlineExceeded));
    assert_eq!(ctx.cause().unwrap().to_string(), "window closed");
}

#[tokio::test(start_paused = true)]
async fn with_deadline_fires_at_the_instant() {
    let at = Instant::now() + Duration::from_secs(2);
    let (ctx, _cancel) = Ctx::background().with_deadline(at);
    assert_eq!(ctx.deadline(), Some(at));
    ctx.done().await;
    assert_eq!(Instant::now(), at);
    assert_eq!(ctx.err(), Some(CtxError::DeadlineExceeded));
    assert!(ctx.cause().unwrap().to_string().contains("2s"));
}

#[tokio::test(start_paused = true)]
async fn childs_deadline_is_never_later_than_its_parents() {
    let (parent, _c1) = Ctx::background().with_timeout(Duration::from_secs(1));
    let (child, _c2) = parent.with_timeout(Duration::from_secs(10));
    assert_eq!(child.deadline(), parent.deadline());
    let (earlier, _c3) = parent.with_timeout(Duration::from_millis(100));
    assert!(earlier.deadline() < parent.deadline());
    let start = Instant::now();
    child.done().await;
    assert_eq!(start.elapsed(), Duration::from_secs(1));
    assert_eq!(child.err(), Some(CtxError::DeadlineExceeded));
    assert_eq!(child.cause().unwrap().to_string(), "timeout of 1s elapsed");
}

#[tokio::test(start_paused = true)]
async fn cancel_before_deadline_reports_canceled() {
    let (ctx, cancel) = Ctx::background().with_timeout(Duration::from_secs(1));
    cancel.cancel();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(ctx.err(), Some(CtxError::Canceled));
}

#[tokio::test]
async fn run_returns_the_output_when_the_future_wins() {
    let (ctx, _cancel) = Ctx::background().with_cancel();
    assert_eq!(ctx.run(async { 7 }).await.unwrap(), 7);
}

#[tokio::test(start_paused = true)]
async fn run_drops_the_future_on_cancel_and_reports_why() {
    struct Flag(Arc<AtomicUsize>);
    impl Drop for Flag {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let dropped = Arc::new(AtomicUsize::new(0));
    let flag = Flag(dropped.clone());
    let (ctx, _cancel) = Ctx::background().with_timeout_cause(Duration::from_millis(5), "too slow");
    let err = ctx
        .run(async move {
            let _flag = flag;
            std::future::pending::<()>().await
        })
        .await
        .unwrap_err();
    assert_eq!(err.err(), CtxError::DeadlineExceeded);
    assert_eq!(err.cause().to_string(), "too slow");
    assert_eq!(dropped.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn run_on_a_done_context_never_polls_the_future() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    cancel.cancel_with("gone");
    let polled = AtomicUsize::new(0);
    let res = ctx
        .run(async {
            polled.fetch_add(1, Ordering::SeqCst);
        })
        .await;
    assert_eq!(res.unwrap_err().cause().to_string(), "gone");
    assert_eq!(polled.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn cancelled_converts_into_anyhow_and_box_dyn_error() {
    fn assert_error<E: std::error::Error + Send + Sync + 'static>() {}
    assert_error::<Cancelled>();
    let (ctx, cancel) = Ctx::background().with_cancel();
    cancel.cancel_with("stop");
    async fn anyhow_fn(ctx: &Ctx) -> anyhow::Result<()> {
        ctx.run(std::future::pending::<()>()).await?;
        Ok(())
    }
    async fn boxed_fn(ctx: &Ctx) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        ctx.check()?;
        Ok(())
    }
    let e = anyhow_fn(&ctx).await.unwrap_err();
    assert_eq!(e.downcast_ref::<Cancelled>().unwrap().cause().to_string(), "stop");
    let e = boxed_fn(&ctx).await.unwrap_err();
    assert_eq!(e.to_string(), "context canceled: stop");
    assert_eq!(e.source().unwrap().to_string(), "stop");
}

#[tokio::test]
async fn done_wakes_every_waiter_once() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    let woken = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let ctx = ctx.clone();
        let woken = woken.clone();
        // ctxkit: allow(bare_spawn) -- a helper task the test itself joins or ends
        tasks.push(tokio::spawn(async move {
            ctx.done().await;
            woken.fetch_add(1, Ordering::SeqCst);
        }));
    }
    tokio::task::yield_now().await;
    cancel.cancel();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(woken.load(Ordering::SeqCst), 64);
}

#[tokio::test]
async fn done_is_cancel_safe_in_a_select_loop() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    let mut ticks = 0;
    let mut interval = tokio::time::interval(Duration::from_millis(1));
    let mut cancel = Some(cancel);
    loop {
        tokio::select! {
            // Checked first: once cancelled, a ready tick must not win.
            biased;
            _ = ctx.done() => break,
            _ = interval.tick() => {
                ticks += 1;
                if ticks == 5 {
                    cancel.take().unwrap().cancel();
                }
            }
        }
    }
    assert_eq!(ticks, 5);
}

#[tokio::test]
async fn after_func_runs_once_after_cancel() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    let runs = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = tokio::sync::oneshot::channel();
    let r = runs.clone();
    let after = ctx.after_func(move || {
        r.fetch_add(1, Ordering::SeqCst);
        let _ = tx.send(());
    });
    assert_eq!(runs.load(Ordering::SeqCst), 0);
    cancel.cancel();
    rx.await.unwrap();
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    assert!(!after.stop(), "stop after the call must report false");
}

#[tokio::test]
async fn after_func_stop_prevents_the_call() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    let after = ctx.after_func(|| panic!("must not run"));
    let keep = ctx.after_func(|| {});
    assert!(after.stop());
    assert!(!after.stop());
    cancel.cancel();
    assert!(!keep.stop());
}

#[tokio::test]
async fn after_func_on_a_done_context_runs_at_once() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    cancel.cancel();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let after = ctx.after_func(move || {
        let _ = tx.send(());
    });
    rx.await.unwrap();
    assert!(!after.stop());
}

#[tokio::test]
async fn after_func_keeps_a_dropped_child_reachable_from_its_parent() {
    let (parent, cancel) = Ctx::background().with_cancel();
    let (child, child_cancel) = parent.with_cancel();
    child_cancel.disarm();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let _after = child.after_func(move || {
        let _ = tx.send(());
    });
    drop(child);
    cancel.cancel();
    rx.await.unwrap();
}

#[cfg(unix)]
#[test]
fn shutdown_signal_cancels_with_a_cause_naming_the_signal() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let ctx = Ctx::background().with_shutdown_signal();
        assert!(!ctx.is_done());
        let status = std::process::Command::new("kill")
            .args(["-TERM", &std::process::id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        tokio::time::timeout(Duration::from_secs(5), ctx.done())
            .await
            .unwrap();
        assert_eq!(ctx.err(), Some(CtxError::Canceled));
        assert_eq!(ctx.cause().unwrap().to_string(), "received SIGTERM");
    });
}

#[test]
fn ctx_is_send_sync_static_and_small() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Ctx>();
    assert_send_sync::<ctxkit::CancelHandle>();
    assert_send_sync::<ctxkit::AfterFunc>();
    assert_eq!(std::mem::size_of::<Ctx>(), 2 * std::mem::size_of::<usize>());
}

#[test]
fn timeouts_work_without_a_tokio_runtime() {
    let (ctx, _cancel) = Ctx::background().with_timeout(Duration::from_millis(10));
    let start = std::time::Instant::now();
    while !ctx.is_done() {
        assert!(start.elapsed() < Duration::from_secs(10), "timer never fired");
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(ctx.err(), Some(CtxError::DeadlineExceeded));
}

#[tokio::test(start_paused = true)]
async fn an_earlier_deadline_made_later_still_fires_first() {
    let (late, _c1) = Ctx::background().with_timeout(Duration::from_secs(60));
    // Let the timer driver go to sleep on the late deadline.
    tokio::task::yield_now().await;
    // ctxkit: allow(fresh_root_ctx) -- an unrelated root on purpose
    let (early, _c2) = Ctx::background().with_timeout(Duration::from_millis(10));
    let start = Instant::now();
    early.done().await;
    assert_eq!(start.elapsed(), Duration::from_millis(10));
    assert!(!late.is_done());
    late.done().await;
    assert_eq!(start.elapsed(), Duration::from_secs(60));
}

#[tokio::test(start_paused = true)]
async fn many_deadlines_fire_in_order_and_cancelled_ones_never_fire() {
    let mut held = Vec::new();
    for ms in (1..=50u64).rev() {
        let (ctx, cancel) = Ctx::background().with_timeout(Duration::from_millis(ms * 10));
        held.push((ms, ctx, Some(cancel)));
    }
    for (ms, _, cancel) in held.iter_mut() {
        if *ms % 2 == 0 {
            cancel.take().unwrap().cancel_with("early");
        }
    }
    let start = Instant::now();
    for (ms, ctx, _) in held.iter().rev() {
        ctx.done().await;
        if ms % 2 == 0 {
            assert_eq!(ctx.err(), Some(CtxError::Canceled));
        } else {
            assert_eq!(ctx.err(), Some(CtxError::DeadlineExceeded));
            assert_eq!(start.elapsed(), Duration::from_millis(ms * 10));
        }
    }
}
