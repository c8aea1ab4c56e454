//! What `#[cancellable]` functions do when their context is cancelled.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ctxkit::{Cancelled, Ctx, CtxError, cancellable, shield};
use tokio::time::{Instant, sleep};

#[cancellable]
async fn nap(duration: Duration) -> Result<&'static str, Cancelled> {
    sleep(duration).await;
    Ok("rested")
}

#[tokio::test(start_paused = true)]
async fn a_cancel_interrupts_a_long_sleep_at_once() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    let started = Instant::now();
    // ctxkit: allow(bare_spawn) -- a helper task the test itself joins or ends
    let call = tokio::spawn(async move { nap(&ctx, Duration::from_secs(3600)).await });
    sleep(Duration::from_millis(5)).await;
    cancel.cancel_with("operator stopped it");
    let err = call.await.unwrap().unwrap_err();
    assert_eq!(err.err(), CtxError::Canceled);
    assert_eq!(err.cause().to_string(), "operator stopped it");
    assert_eq!(started.elapsed(), Duration::from_millis(5));
}

#[tokio::test(start_paused = true)]
async fn a_call_that_is_not_cancelled_completes() {
    let ctx = Ctx::background();
    assert_eq!(nap(&ctx, Duration::from_secs(1)).await.unwrap(), "rested");
}

#[cancellable]
async fn tick_forever(ticks: Arc<AtomicUsize>) {
    let mut ticker = tokio::time::interval(Duration::from_millis(10));
    loop {
        ticker.tick().await;
        ticks.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test(start_paused = true)]
async fn a_unit_worker_loop_ends_on_cancel() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    let ticks = Arc::new(AtomicUsize::new(0));
    // ctxkit: allow(bare_spawn) -- a helper task the test itself joins or ends
    let worker = tokio::spawn({
        let ticks = ticks.clone();
        async move { tick_forever(&ctx, ticks).await }
    });
    sleep(Duration::from_millis(35)).await;
    cancel.cancel();
    worker.await.unwrap();
    let seen = ticks.load(Ordering::SeqCst);
    assert_eq!(seen, 4, "ticks at 0, 10, 20 and 30 ms");
    sleep(Duration::from_millis(100)).await;
    assert_eq!(ticks.load(Ordering::SeqCst), seen);
}

#[derive(Debug)]
enum AppError {
    Stopped(Cancelled),
    #[allow(dead_code)]
    NotFound(u64),
}

impl From<Cancelled> for AppError {
    fn from(c: Cancelled) -> Self {
        AppError::Stopped(c)
    }
}

#[cancellable]
async fn load_user(id: u64) -> Result<String, AppError> {
    sleep(Duration::from_secs(10)).await;
    Ok(format!("user {id}"))
}

#[tokio::test(start_paused = true)]
async fn a_custom_error_converts_from_cancelled() {
    let (ctx, cancel) = Ctx::background().with_timeout(Duration::from_secs(1));
    match load_user(&ctx, 7).await {
        Err(AppError::Stopped(c)) => assert!(c.is_deadline_exceeded()),
        other => panic!("expected a cancellation, got {other:?}"),
    }
    cancel.cancel();
}

#[cancellable]
async fn inner_step(steps: &AtomicUsize) -> Result<(), Cancelled> {
    steps.fetch_add(1, Ordering::SeqCst);
    sleep(Duration::from_secs(60)).await;
    steps.fetch_add(1, Ordering::SeqCst);
    Ok(())
}

#[cancellable]
async fn outer_job(steps: &AtomicUsize) -> Result<u32, AppError> {
    inner_step(ctx, steps).await?;
    Ok(1)
}

#[tokio::test(start_paused = true)]
async fn nested_calls_pass_the_context_down_and_see_its_cancellation() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    let steps = Arc::new(AtomicUsize::new(0));
    // ctxkit: allow(bare_spawn) -- a helper task the test itself joins or ends
    let job = tokio::spawn({
        let steps = steps.clone();
        async move { outer_job(&ctx, &steps).await }
    });
    sleep(Duration::from_millis(1)).await;
    cancel.cancel_with("request aborted");
    match job.await.unwrap() {
        Err(AppError::Stopped(c)) => assert_eq!(c.cause().to_string(), "request aborted"),
        other => panic!("expected a cancellation, got {other:?}"),
    }
    assert_eq!(
        steps.load(Ordering::SeqCst),
        1,
        "the inner step started and never finished"
    );
}

#[cancellable]
async fn inner_with_own_timeout() -> Result<(), Cancelled> {
    let (child, _cancel) = ctx.with_timeout_cause(Duration::from_millis(5), "inner gave up");
    inner_step(&child, &AtomicUsize::new(0)).await
}

#[cancellable]
async fn outer_sees_inner() -> Result<(), Cancelled> {
    inner_with_own_timeout(ctx).await?;
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn the_outer_call_sees_the_inner_cancellation() {
    let err = outer_sees_inner(&Ctx::background()).await.unwrap_err();
    assert!(err.is_deadline_exceeded());
    assert_eq!(err.cause().to_string(), "inner gave up");
}

#[cancellable(mode = "check")]
async fn two_steps_checked(done: &AtomicUsize) -> Result<(), Cancelled> {
    sleep(Duration::from_secs(1)).await;
    done.fetch_add(1, Ordering::SeqCst);
    sleep(Duration::from_secs(1)).await;
    done.fetch_add(1, Ordering::SeqCst);
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn check_mode_lets_an_in_flight_future_finish() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    let done = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    // ctxkit: allow(bare_spawn) -- a helper task the test itself joins or ends
    let job = tokio::spawn({
        let done = done.clone();
        async move { two_steps_checked(&ctx, &done).await }
    });
    sleep(Duration::from_millis(500)).await;
    cancel.cancel();
    let err = job.await.unwrap().unwrap_err();
    assert_eq!(err.err(), CtxError::Canceled);
    assert_eq!(
        done.load(Ordering::SeqCst),
        1,
        "the first sleep ran to its end, the second never started"
    );
    assert_eq!(started.elapsed(), Duration::from_secs(1));
}

#[cancellable]
async fn commit(done: &AtomicUsize) -> Result<(), Cancelled> {
    shield(sleep(Duration::from_secs(1))).await;
    done.fetch_add(1, Ordering::SeqCst);
    sleep(Duration::from_secs(1)).await;
    done.fetch_add(1, Ordering::SeqCst);
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn a_shielded_step_finishes_after_cancel() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    let done = Arc::new(AtomicUsize::new(0));
    // ctxkit: allow(bare_spawn) -- a helper task the test itself joins or ends
    let job = tokio::spawn({
        let done = done.clone();
        async move { commit(&ctx, &done).await }
    });
    sleep(Duration::from_millis(500)).await;
    cancel.cancel();
    job.await.unwrap().unwrap_err();
    assert_eq!(done.load(Ordering::SeqCst), 1);
}

#[cancellable]
async fn count_calls(body_runs: &AtomicUsize) -> Result<(), Cancelled> {
    body_runs.fetch_add(1, Ordering::SeqCst);
    Ok(())
}

#[cancellable]
async fn count_unit(body_runs: &AtomicUsize) {
    body_runs.fetch_add(1, Ordering::SeqCst);
}

#[tokio::test]
async fn an_already_cancelled_context_runs_none_of_the_body() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    cancel.cancel_with("too late");
    let runs = AtomicUsize::new(0);
    let err = count_calls(&ctx, &runs).await.unwrap_err();
    assert_eq!(err.cause().to_string(), "too late");
    count_unit(&ctx, &runs).await;
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}

#[cancellable(timeout = "250ms")]
async fn fetch_user(id: u64) -> Result<String, Cancelled> {
    sleep(Duration::from_secs(10)).await;
    Ok(format!("user {id}"))
}

#[cancellable(timeout = "1s", cause = "payment provider too slow")]
async fn charge() -> Result<(), Cancelled> {
    sleep(Duration::from_secs(10)).await;
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn a_timeout_option_reports_its_deadline_and_cause() {
    let started = Instant::now();
    let err = fetch_user(&Ctx::background(), 1).await.unwrap_err();
    assert!(err.is_deadline_exceeded());
    assert_eq!(err.cause().to_string(), "`fetch_user` timed out after 250ms");
    assert_eq!(started.elapsed(), Duration::from_millis(250));

    let err = charge(&Ctx::background()).await.unwrap_err();
    assert_eq!(err.cause().to_string(), "payment provider too slow");
}

#[cancellable(timeout = "1s")]
async fn deadline_seen_inside() -> Result<Option<ctxkit::Instant>, Cancelled> {
    Ok(ctx.deadline())
}

#[tokio::test(start_paused = true)]
async fn the_body_sees_the_timeout_deadline() {
    let now = Instant::now();
    let deadline = deadline_seen_inside(&Ctx::background()).await.unwrap();
    assert_eq!(deadline, Some(now + Duration::from_secs(1)));
}

#[tokio::test(start_paused = true)]
async fn a_parent_cancel_beats_the_timeout() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    // ctxkit: allow(bare_spawn) -- a helper task the test itself joins or ends
    let call = tokio::spawn(async move { fetch_user(&ctx, 1).await });
    sleep(Duration::from_millis(10)).await;
    cancel.cancel_with("shutdown");
    let err = call.await.unwrap().unwrap_err();
    assert_eq!(err.err(), CtxError::Canceled);
    assert_eq!(err.cause().to_string(), "shutdown");
}

#[cancellable]
async fn anyhow_result(values: &[u32]) -> anyhow::Result<u32> {
    let mut sum = 0;
    for v in values {
        tokio::task::yield_now().await;
        sum += v;
    }
    Ok(sum)
}

#[tokio::test]
async fn anyhow_results_work_and_carry_the_cancellation() {
    assert_eq!(anyhow_result(&Ctx::background(), &[1, 2, 3]).await.unwrap(), 6);
    let (ctx, cancel) = Ctx::background().with_cancel();
    cancel.cancel();
    let err = anyhow_result(&ctx, &[1]).await.unwrap_err();
    assert!(err.downcast_ref::<Cancelled>().is_some());
}
