//! `async fn` in traits, with and without a default body, and in impls.
#![deny(warnings)]
#![allow(async_fn_in_trait)]

use ctxkit::{Cancelled, Ctx, cancellable};

pub trait Store {
    #[cancellable]
    async fn get(&self, key: u32) -> Result<Option<String>, Cancelled>;

    #[cancellable]
    async fn get_or_default(&self, key: u32) -> Result<String, Cancelled> {
        Ok(self.get(ctx, key).await?.unwrap_or_default())
    }
}

pub struct Memory;

impl Store for Memory {
    #[cancellable]
    async fn get(&self, key: u32) -> Result<Option<String>, Cancelled> {
        tokio::task::yield_now().await;
        Ok((key == 1).then(|| "one".to_owned()))
    }
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    let ctx = Ctx::background();
    assert_eq!(Memory.get_or_default(&ctx, 1).await.unwrap(), "one");
    assert_eq!(Memory.get_or_default(&ctx, 2).await.unwrap(), "");
}
