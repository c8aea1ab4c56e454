//! Unit-returning functions stop by returning `()`.
#![deny(warnings)]

use std::time::Duration;

use ctxkit::{Ctx, cancellable};

#[cancellable]
async fn worker(ticks: &mut u32) {
    let mut ticker = tokio::time::interval(Duration::from_millis(1));
    loop {
        ticker.tick().await;
        *ticks += 1;
    }
}

#[cancellable]
async fn explicit_unit() -> () {
    tokio::task::yield_now().await;
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    let (ctx, cancel) = Ctx::background().with_timeout(Duration::from_millis(5));
    let mut ticks = 0;
    worker(&ctx, &mut ticks).await;
    assert!(ticks > 0);
    explicit_unit(&Ctx::background()).await;
    cancel.cancel();
}
