//! Every option: `timeout`, `cause`, `mode`, `ctx`.
#![deny(warnings)]

use std::time::Duration;

use ctxkit::{Cancelled, Ctx, cancellable};

#[cancellable(timeout = "1m 30s")]
async fn bounded() -> Result<Option<ctxkit::Instant>, Cancelled> {
    tokio::task::yield_now().await;
    Ok(ctx.deadline())
}

#[cancellable(timeout = "10ms", cause = "the cache is too slow")]
async fn slow_cache() -> Result<(), Cancelled> {
    tokio::time::sleep(Duration::from_secs(5)).await;
    Ok(())
}

#[cancellable(mode = "check")]
async fn careful(tx: &tokio::sync::mpsc::Sender<u32>) -> Result<(), Cancelled> {
    tx.send(1).await.ok();
    Ok(())
}

#[cancellable(mode = "race", ctx = parent)]
async fn renamed() -> Result<bool, Cancelled> {
    tokio::task::yield_now().await;
    Ok(parent.is_done())
}

#[cancellable(ctx = outer, timeout = "1s", mode = "check")]
async fn all_at_once(n: u8) -> Result<u8, Cancelled> {
    tokio::task::yield_now().await;
    assert!(outer.deadline().is_some());
    Ok(n)
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    let ctx = Ctx::background();
    assert!(bounded(&ctx).await.unwrap().is_some());
    let err = slow_cache(&ctx).await.unwrap_err();
    assert_eq!(err.cause().to_string(), "the cache is too slow");
    let (tx, mut rx) = tokio::sync::mpsc::channel(1);
    careful(&ctx, &tx).await.unwrap();
    assert_eq!(rx.recv().await, Some(1));
    assert!(!renamed(&ctx).await.unwrap());
    assert_eq!(all_at_once(&ctx, 4).await.unwrap(), 4);
}
