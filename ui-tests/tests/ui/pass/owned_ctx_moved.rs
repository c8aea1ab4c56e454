//! An owned context can be moved away in the body (into a task, say): the
//! checkpoints after the move still see it.
#![deny(warnings)]

use std::time::Duration;

use ctxkit::{Cancelled, Ctx, cancellable};

fn keep(ctx: Ctx) -> bool {
    let done = ctx.is_done();
    drop(ctx);
    done
}

#[cancellable(timeout = "1s")]
async fn consume(mut ctx: Ctx) -> Result<bool, Cancelled> {
    let done = keep(ctx);
    ctx = Ctx::background();
    tokio::time::sleep(Duration::from_secs(5)).await;
    Ok(done || ctx.is_done())
}

#[cancellable]
async fn hand_over(ctx: Ctx) -> Result<bool, Cancelled> {
    let task = tokio::spawn(async move { ctx.done().await });
    tokio::time::sleep(Duration::from_millis(1)).await;
    task.abort();
    Ok(true)
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let err = consume(Ctx::background()).await.unwrap_err();
    assert_eq!(err.cause().to_string(), "`consume` timed out after 1s");
    assert!(hand_over(Ctx::background()).await.unwrap());
}
