//! Inherent methods: `&self`, `&mut self`, `self`, `self: Arc<Self>`; the
//! context goes right after the receiver.
#![deny(warnings)]

use std::sync::Arc;

use ctxkit::{Cancelled, Ctx, cancellable};

pub struct Counter {
    count: u64,
}

impl Counter {
    #[cancellable]
    pub async fn get(&self) -> Result<u64, Cancelled> {
        tokio::task::yield_now().await;
        Ok(self.count)
    }

    #[cancellable]
    pub async fn bump(&mut self, by: u64) -> Result<(), Cancelled> {
        tokio::task::yield_now().await;
        self.count += by;
        Ok(())
    }

    #[cancellable]
    pub async fn shared(self: Arc<Self>) -> Result<u64, Cancelled> {
        self.get(ctx).await
    }

    #[cancellable]
    pub async fn into_count(self) -> Result<u64, Cancelled> {
        tokio::task::yield_now().await;
        Ok(self.count)
    }
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    let ctx = Ctx::background();
    let mut counter = Counter { count: 1 };
    counter.bump(&ctx, 2).await.unwrap();
    assert_eq!(counter.get(&ctx).await.unwrap(), 3);
    let counter = Arc::new(counter);
    assert_eq!(counter.clone().shared(&ctx).await.unwrap(), 3);
    let counter = Arc::into_inner(counter).unwrap();
    assert_eq!(counter.into_count(&ctx).await.unwrap(), 3);
}
