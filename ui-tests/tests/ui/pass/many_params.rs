//! Seven parameters plus the context trip no lint, and `mut` parameters
//! and patterns keep their meaning.
#![deny(warnings)]

use ctxkit::{Cancelled, Ctx, cancellable};

#[cancellable]
async fn seven(
    one: u8,
    two: u8,
    three: u8,
    four: u8,
    five: u8,
    six: u8,
    mut seventh: u8,
) -> Result<u8, Cancelled> {
    tokio::task::yield_now().await;
    seventh += 1;
    Ok(one + two + three + four + five + six + seventh)
}

#[cancellable]
async fn pattern((x, y): (u8, u8), [z, ..]: [u8; 2]) -> Result<u8, Cancelled> {
    tokio::task::yield_now().await;
    Ok(x + y + z)
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    let ctx = Ctx::background();
    assert_eq!(seven(&ctx, 1, 1, 1, 1, 1, 1, 1).await.unwrap(), 8);
    assert_eq!(pattern(&ctx, (1, 2), [3, 4]).await.unwrap(), 6);
}
