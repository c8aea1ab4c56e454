//! A function that already takes a context keeps it, under any name and in
//! any position, by reference or by value.
#![deny(warnings)]

use ctxkit::{Cancelled, cancellable};

#[cancellable]
async fn by_ref(id: u64, parent: &ctxkit::Ctx) -> Result<u64, Cancelled> {
    tokio::task::yield_now().await;
    assert!(!parent.is_done());
    Ok(id)
}

#[cancellable]
async fn by_value(c: ::ctxkit::Ctx, id: u64) -> Result<u64, Cancelled> {
    let got = by_ref(id, &c).await?;
    let task = c.spawn(|_| async {});
    task.await.ok();
    Ok(got)
}

#[cancellable]
async fn unnamed(_: &ctxkit::Ctx) -> Result<(), Cancelled> {
    tokio::task::yield_now().await;
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    let ctx = ctxkit::Ctx::background();
    assert_eq!(by_value(ctx.clone(), 3).await.unwrap(), 3);
    unnamed(&ctx).await.unwrap();
}
