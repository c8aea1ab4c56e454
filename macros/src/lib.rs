//! Procedural macros for [ctxkit](https://docs.rs/ctxkit). Use them through the
//! `ctxkit` crate, which re-exports them.

use proc_macro::TokenStream;

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
