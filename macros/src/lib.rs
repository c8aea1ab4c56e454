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

/// Makes an `async fn` require a [`Ctx`], and stop at every `.await` once that
/// context is done.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::Duration;
/// use ctxkit::{Cancelled, Ctx, cancellable};
///
/// #[cancellable]
/// async fn fetch_user(id: u64) -> Result<String, Cancelled> {
///     tokio::time::sleep(Duration::from_millis(10)).await; // a checkpoint
///     let perms = load_perms(ctx, id).await?;              // `ctx` is in scope: pass it on
///     Ok(format!("user {id} ({perms})"))
/// }
///
/// #[cancellable]
/// async fn load_perms(id: u64) -> Result<String, Cancelled> {
///     tokio::time::sleep(Duration::from_secs(60)).await;   // cut short by the deadline
///     Ok(format!("perms of {id}"))
/// }
///
/// let (ctx, _cancel) = Ctx::background().with_timeout(Duration::from_millis(50));
/// let err = fetch_user(&ctx, 42).await.unwrap_err();       // callers pass the context first
/// assert!(err.is_deadline_exceeded());
/// # }
/// ```
///
/// # What it does
///
/// - **It requires a context.** The function gets a first parameter
///   `ctx: &Ctx` (after `self`, if any), reachable as `ctx` in the body. A
///   function that already takes a `&Ctx` or a `Ctx` (any name, any
///   position, `Ctx` or `ctxkit::Ctx`) keeps it instead.
/// - **It checks at entry:** if the context is already done, the function
///   returns at once and runs none of its body (Go's "check `ctx.Err()` before
///   expensive work").
/// - **Every `.await` of the function's own body becomes a checkpoint**: in
///   loops, `match`es, `if`s, blocks, `?` chains, `let`s, and macro arguments
///   that parse as expressions (`println!("{}", f().await)`). Awaits in
///   closures, `async` blocks and nested items belong to other futures and are
///   left as written.
/// - **On cancellation** the function returns `Err(E::from(cancelled))` when
///   it returns `Result<T, E>` (`E: From<Cancelled>`: `Cancelled` itself,
///   `anyhow::Error`, `Box<dyn Error + Send + Sync>`, your error enum), or `()`
///   when it returns nothing. Any other return type is a compile error.
///
/// It works on free functions, inherent and trait-impl methods (`&self`,
/// `&mut self`, `self`, `self: Arc<Self>`), generic functions, `impl Trait`
/// arguments, `async fn` in traits (put the attribute on the trait's
/// declaration and on each impl), and keeps doc comments, attributes and
/// visibility as they were.
///
/// # Two modes, and cancel safety
///
/// Racing an await against the context is what `tokio::select!` does, with
/// the same hazards. When the context wins, the awaited future is **dropped
/// half-way**:
/// - a cancelled `mpsc::Sender::send` drops its message;
/// - `write_all` / `read_exact` stop after an unknown number of bytes;
/// - a queued `Mutex::lock` loses its place in the queue.
///
/// So there are two modes and an escape hatch:
/// - `mode = "race"` (the default): each await is raced against the context.
///   A task stuck waiting (on a full channel, a dead peer, a ticker loop) is
///   freed as soon as the context is cancelled. Use it where every awaited
///   operation is cancel safe.
/// - `mode = "check"`: the context is checked before each await, and a future
///   in flight always runs to its end. Nothing is cut in half, but a wait that
///   never ends is not interrupted either.
/// - `ctxkit::shield(fut).await` leaves one await alone, in either mode: the
///   step that must not be cut (a commit, a write), awaited to its end.
///
/// The checker's `cancel_unsafe_await` rule (`cargo ctxkit`) flags the known
/// cancel-unsafe operations awaited unshielded in a racing function, and
/// suggests `send_within`, `shield`, or `mode = "check"`.
///
/// # Options
///
/// ```
/// # use ctxkit::{Cancelled, cancellable};
/// #[cancellable(
///     timeout = "250ms",                 // humantime syntax: "5s", "1m 30s", "250ms"
///     cause = "payment provider slow",   // the timeout's cause; by default "`charge` timed out after 250ms"
///     mode = "check",                    // or "race", the default
///     ctx = parent,                      // the name of the added parameter; `ctx` by default
///     crate = ::ctxkit,                  // the runtime's path, for a renamed dependency
/// )]
/// async fn charge(amount: u64) -> Result<u64, Cancelled> {
///     Ok(amount)
/// }
/// ```
///
/// With `timeout`, the body runs under a child of the caller's context that
/// ends with [`CtxError::DeadlineExceeded`] and that cause once the time is
/// up; `ctx` in the body (and so every call it is passed to) is that child.
/// Misspelt options are compile errors with a suggestion.
///
/// # A caller without a context
///
/// does not compile. Forgetting it:
///
/// ```compile_fail,E0061
/// use ctxkit::{Cancelled, cancellable};
///
/// #[cancellable]
/// async fn fetch_user(id: u64) -> Result<u64, Cancelled> {
///     Ok(id)
/// }
///
/// async fn handler() -> Result<u64, Cancelled> {
///     fetch_user(42).await // error[E0061]: argument #1 of type `&Ctx` is missing
/// }
/// ```
///
/// rustc reports `this function takes 2 arguments but 1 argument was
/// supplied`, points at the call with ``argument #1 of type `&Ctx` is
/// missing``, and suggests `fetch_user(/* &Ctx */, 42)`. Passing something
/// else where the context goes is ``expected `&Ctx`, found `u64` ``. The
/// parameter is a plain `&Ctx`, not a generic, so that deref coercions,
/// function pointers and rustdoc all see the signature as written.
///
/// # Errors at compile time
///
/// Each is reported on the offending tokens, with a hint: the attribute on
/// anything but an `async fn` (a `const fn`, an `extern fn`, a struct, an
/// impl block, a module), two context parameters, a parameter named like the
/// context but of another type, an unsupported return type, an error type
/// without `From<Cancelled>`, an unknown option, a `timeout` that is not a
/// duration, a `mode` other than `race` or `check`, `cause` without
/// `timeout`, and the attribute given twice.
///
/// [`Ctx`]: https://docs.rs/ctxkit/latest/ctxkit/struct.Ctx.html
/// [`CtxError::DeadlineExceeded`]: https://docs.rs/ctxkit/latest/ctxkit/enum.CtxError.html
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
