//! Generic functions with where clauses, lifetimes, `impl Trait` arguments
//! and an `impl Trait` inside the `Result`.
#![deny(warnings)]

use std::fmt::Display;
use std::future::Future;

use ctxkit::{Cancelled, Ctx, cancellable};

#[cancellable]
async fn first_of<'a, T>(items: &'a [T], fetch: impl Fn(&'a T) -> T) -> Result<Option<T>, Cancelled>
where
    T: Clone + Send + 'a,
{
    tokio::task::yield_now().await;
    Ok(items.first().map(fetch))
}

#[cancellable]
async fn run_step<F, Fut>(step: F) -> Result<Fut::Output, Cancelled>
where
    F: FnOnce() -> Fut,
    Fut: Future,
{
    Ok(step().await)
}

#[cancellable]
async fn label(n: u32) -> Result<impl Display, Cancelled> {
    tokio::task::yield_now().await;
    Ok(format!("#{n}"))
}

#[cancellable]
async fn parse<T: std::str::FromStr>(text: &str) -> Result<Option<T>, Cancelled> {
    tokio::task::yield_now().await;
    Ok(text.parse().ok())
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    let ctx = Ctx::background();
    assert_eq!(first_of(&ctx, &[1, 2], Clone::clone).await.unwrap(), Some(1));
    assert_eq!(run_step(&ctx, || async { 5 }).await.unwrap(), 5);
    assert_eq!(label(&ctx, 3).await.unwrap().to_string(), "#3");
    assert_eq!(parse::<u8>(&ctx, "7").await.unwrap(), Some(7));
}
