//! A borrowed result whose lifetime was elided stays tied to the borrowed
//! argument, not to the added context.
#![deny(warnings)]

use ctxkit::{Cancelled, Ctx, cancellable};

#[cancellable]
async fn first_word(text: &str) -> Result<&str, Cancelled> {
    tokio::task::yield_now().await;
    Ok(text.split(' ').next().unwrap_or(""))
}

#[cancellable]
async fn tail<'t>(text: &'t str) -> Result<&str, Cancelled> {
    tokio::task::yield_now().await;
    Ok(&text[1..])
}

pub struct Doc(String);

impl Doc {
    #[cancellable]
    async fn title(&self) -> Result<&str, Cancelled> {
        first_word(ctx, &self.0).await
    }
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    let ctx = Ctx::background();
    let owned = String::from("hello world");
    let word = first_word(&ctx, &owned).await.unwrap();
    assert_eq!(word, "hello");
    assert_eq!(tail(&ctx, word).await.unwrap(), "ello");
    assert_eq!(Doc(owned.clone()).title(&ctx).await.unwrap(), "hello");
}
