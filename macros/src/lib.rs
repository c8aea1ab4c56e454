//! Procedural macros for [ctxkit](https://docs.rs/ctxkit). Use them through the
//! `ctxkit` crate, which re-exports them.

use proc_macro::TokenStream;

mod test_attr;

/// Marks an item as exempt from the named `cargo ctxkit` rules.
///
/// The attribute changes nothing in the compiled code; the checker reads it.
///
/// ```
/// #[ctxkit::allow(bare_spawn)]
/// fn start_metrics_thread() {}
/// ```
#[proc_macro_attribute]
pub fn allow(_rules: TokenStream, item: TokenStream) -> TokenStream {
    item
}

mod cancellable;

/// Makes an `async fn` take a [`Ctx`] and stop at every `.await` once that
/// context is done.
///
/// [`Ctx`]: https://docs.rs/ctxkit/latest/ctxkit/struct.Ctx.html
#[proc_macro_attribute]
pub fn cancellable(args: TokenStream, item: TokenStream) -> TokenStream {
    cancellable::cancellable(args.into(), item.into()).into()
}

/// `#[tokio::test]` that fails the test when it leaks tasks.
///
/// The test runs on a fresh runtime (`flavor = "current_thread"` by default,
/// or `"multi_thread"` with optional `worker_threads = N`; `start_paused =
/// true` pauses time as tokio's does, and needs tokio's `test-util` feature).
/// After the body, it waits up to about half a second for the tasks the test
/// spawned with `ctx.spawn` to end, and compares tokio's live-task count with
/// the count at the start, so a bare `tokio::spawn` that outlives the test
/// fails it too. The check sees only this test's tasks: tests running in
/// parallel do not disturb it.
///
/// ```
/// #[ctxkit::test]
/// async fn workers_stop_with_their_context() {
///     let (ctx, cancel) = ctxkit::Ctx::background().with_cancel();
///     let worker = ctx.spawn(|ctx| async move { ctx.done().await });
///     cancel.cancel();
///     worker.await.unwrap();
/// }
/// ```
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    test_attr::expand(args.into(), item.into()).into()
}
