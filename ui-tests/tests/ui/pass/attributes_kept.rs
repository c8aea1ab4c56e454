//! Doc comments, visibility and other attributes stay where they were.
#![deny(warnings, missing_docs)]

use ctxkit::{Cancelled, Ctx, cancellable};

/// Loads things.
pub mod loader {
    use super::{Cancelled, cancellable};

    /// Loads one thing.
    #[cancellable]
    #[must_use = "the loaded value is the point"]
    #[allow(clippy::unused_async)]
    pub(crate) async fn load(n: u32) -> Result<u32, Cancelled> {
        Ok(n)
    }

    /// Keeps the inner attributes of its body.
    #[cancellable]
    pub(crate) async fn inner_attributes(n: u32) -> Result<u32, Cancelled> {
        #![allow(unused_mut)]
        let mut n = n;
        n += load(ctx, n).await?;
        Ok(n)
    }

    /// Loads for the crate only.
    #[inline]
    #[cancellable]
    pub(super) async fn load_twice(n: u32) -> Result<u32, Cancelled> {
        Ok(load(ctx, n).await? + inner_attributes(ctx, n).await?)
    }
}

#[tokio::main(flavor = "current_thread")]
/// Runs the case.
pub async fn main() {
    assert_eq!(loader::load_twice(&Ctx::background(), 2).await.unwrap(), 6);
}
