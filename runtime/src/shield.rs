//! [`shield`]: the marker that keeps one `.await` out of `#[cancellable]`'s reach.

use std::future::IntoFuture;

/// Marks an await that `#[cancellable]` must leave alone: the future is
/// awaited to the end even if the context is cancelled meanwhile, and the
/// context is not checked before it.
///
/// Use it for a step that must not be cut in half: a commit, a
/// cancel-unsafe write, a `send` whose message must not be lost. Outside
/// `#[cancellable]` it does nothing at all; it is the identity on futures.
///
/// A shield only protects against the function's own checkpoints: a caller
/// that drops the whole future (a `select!`, a timeout around the call)
/// still drops the shielded step with it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use ctxkit::{Cancelled, Ctx, cancellable, shield};
///
/// #[cancellable]
/// async fn save(journal: &tokio::sync::Mutex<Vec<u32>>, entry: u32) -> Result<(), Cancelled> {
///     // Runs to the end even when `ctx` is cancelled while it waits.
///     shield(async { journal.lock().await.push(entry) }).await;
///     Ok(())
/// }
///
/// let journal = tokio::sync::Mutex::new(Vec::new());
/// save(&Ctx::background(), &journal, 7).await.unwrap();
/// assert_eq!(*journal.lock().await, [7]);
/// # }
/// ```
#[inline(always)]
pub fn shield<F: IntoFuture>(future: F) -> F::IntoFuture {
    future.into_future()
}
