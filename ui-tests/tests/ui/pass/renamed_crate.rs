//! `crate = path` for a runtime reached under another name.
#![deny(warnings)]

mod deps {
    pub use ctxkit as runtime;
}

use deps::runtime::{Cancelled, Ctx, cancellable, shield};

#[cancellable(crate = self::deps::runtime)]
async fn answer() -> Result<u32, Cancelled> {
    tokio::task::yield_now().await;
    Ok(shield(async { 42 }).await)
}

#[cancellable(crate = "deps::runtime")]
async fn quoted() -> Result<u32, Cancelled> {
    answer(ctx).await
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    assert_eq!(quoted(&Ctx::background()).await.unwrap(), 42);
}
