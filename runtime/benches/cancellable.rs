//! The cost of `#[cancellable]`: a function with 10 awaits, written plainly,
//! with the macro, and by hand with `tokio::select!` on a tokio-util
//! `CancellationToken`; once with futures that are ready at once, once with
//! futures that are pending once before they complete.
//!
//! Run: `cargo bench -p ctxkit --bench cancellable`.
#![allow(missing_docs)]

use std::future::Future;
use std::hint::black_box;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

use criterion::{Criterion, criterion_group, criterion_main};
use ctxkit::{Cancelled, Ctx, cancellable};
use tokio_util::sync::CancellationToken;

/// Ready on the second poll; wakes itself on the first, as a future waiting
/// on a fast I/O source would.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        if black_box(self.0) {
            return Poll::Ready(black_box(1));
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

async fn ready() -> u32 {
    black_box(1)
}

fn pending_once() -> YieldOnce {
    YieldOnce(black_box(false))
}

async fn plain_ready() -> u32 {
    let mut sum = 0;
    for _ in 0..10 {
        sum += ready().await;
    }
    sum
}

async fn plain_pending() -> u32 {
    let mut sum = 0;
    for _ in 0..10 {
        sum += pending_once().await;
    }
    sum
}

#[cancellable]
async fn cancellable_ready() -> Result<u32, Cancelled> {
    let mut sum = 0;
    for _ in 0..10 {
        sum += ready().await;
    }
    Ok(sum)
}

#[cancellable]
async fn cancellable_pending() -> Result<u32, Cancelled> {
    let mut sum = 0;
    for _ in 0..10 {
        sum += pending_once().await;
    }
    Ok(sum)
}

#[cancellable(mode = "check")]
async fn checked_pending() -> Result<u32, Cancelled> {
    let mut sum = 0;
    for _ in 0..10 {
        sum += pending_once().await;
    }
    Ok(sum)
}

async fn run_ready(ctx: &Ctx) -> Result<u32, Cancelled> {
    ctx.check()?;
    let mut sum = 0;
    for _ in 0..10 {
        sum += ctx.run(ready()).await?;
    }
    Ok(sum)
}

async fn run_pending(ctx: &Ctx) -> Result<u32, Cancelled> {
    ctx.check()?;
    let mut sum = 0;
    for _ in 0..10 {
        sum += ctx.run(pending_once()).await?;
    }
    Ok(sum)
}

#[derive(Debug)]
struct Stopped;

async fn select_ready(token: &CancellationToken) -> Result<u32, Stopped> {
    if token.is_cancelled() {
        return Err(Stopped);
    }
    let mut sum = 0;
    for _ in 0..10 {
        sum += tokio::select! {
            v = ready() => v,
            () = token.cancelled() => return Err(Stopped),
        };
    }
    Ok(sum)
}

async fn select_pending(token: &CancellationToken) -> Result<u32, Stopped> {
    if token.is_cancelled() {
        return Err(Stopped);
    }
    let mut sum = 0;
    for _ in 0..10 {
        sum += tokio::select! {
            v = pending_once() => v,
            () = token.cancelled() => return Err(Stopped),
        };
    }
    Ok(sum)
}

/// Polls to completion with a no-op waker: the futures' own cost, without
/// a scheduler's.
fn drive<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

fn ten_awaits(c: &mut Criterion) {
    // A cancellable context (not the root, whose checks are free) and a
    // token, neither cancelled.
    let (ctx, _cancel) = Ctx::background().with_cancel();
    let token = CancellationToken::new().child_token();

    let mut ready_group = c.benchmark_group("ten_awaits_ready");
    ready_group.bench_function("plain", |b| b.iter(|| drive(plain_ready())));
    ready_group.bench_function("cancellable", |b| {
        b.iter(|| drive(cancellable_ready(&ctx)).unwrap())
    });
    ready_group.bench_function("ctx_run", |b| b.iter(|| drive(run_ready(&ctx)).unwrap()));
    ready_group.bench_function("select_token", |b| {
        b.iter(|| drive(select_ready(&token)).unwrap())
    });
    ready_group.finish();

    let mut pending_group = c.benchmark_group("ten_awaits_pending_once");
    pending_group.bench_function("plain", |b| b.iter(|| drive(plain_pending())));
    pending_group.bench_function("cancellable", |b| {
        b.iter(|| drive(cancellable_pending(&ctx)).unwrap())
    });
    pending_group.bench_function("cancellable_check", |b| {
        b.iter(|| drive(checked_pending(&ctx)).unwrap())
    });
    pending_group.bench_function("ctx_run", |b| b.iter(|| drive(run_pending(&ctx)).unwrap()));
    pending_group.bench_function("select_token", |b| {
        b.iter(|| drive(select_pending(&token)).unwrap())
    });
    pending_group.finish();
}

criterion_group!(benches, ten_awaits);
criterion_main!(benches);
