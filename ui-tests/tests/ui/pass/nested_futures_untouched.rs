//! Awaits in closures, `async` blocks and nested items belong to other
//! futures: they are left as written, and `?` in them keeps its own type.
#![deny(warnings)]

use ctxkit::{Cancelled, Ctx, cancellable};

#[cancellable]
async fn outer() -> Result<u32, Cancelled> {
    async fn nested() -> Option<u32> {
        tokio::task::yield_now().await;
        Some(1)
    }
    let block = async {
        tokio::task::yield_now().await;
        let parsed: u32 = "1".parse()?;
        Ok::<u32, std::num::ParseIntError>(parsed)
    };
    let closure = |n: u32| async move {
        tokio::task::yield_now().await;
        n + 1
    };
    let from_block = block.await.unwrap_or(0);
    let from_closure = closure(1).await;
    let from_item = nested().await.unwrap_or(0);
    Ok(from_block + from_closure + from_item)
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    assert_eq!(outer(&Ctx::background()).await.unwrap(), 4);
}
