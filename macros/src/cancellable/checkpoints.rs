//! Turns each `.await` of the function's own body into a checkpoint.

use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ExprAwait, Ident, Macro, Path, Token};

use super::args::Mode;
use super::spans::{Range, hidden, respan};

pub(crate) struct Checkpoints<'a> {
    /// The hidden binding that holds `&Ctx` in the body.
    pub(crate) ctx: &'a Ident,
    /// The hidden binding of the call's `Waiter`, shared by racing checkpoints.
    pub(crate) waiter: &'a Ident,
    /// Whether a racing checkpoint was made, so the waiter is needed.
    pub(crate) uses_waiter: bool,
    pub(crate) mode: Mode,
    pub(crate) krate: &'a Path,
    /// Where errors about the return type point.
    pub(crate) return_type: Range,
}

impl Checkpoints<'_> {
    fn is_shielded(&self, await_expr: &ExprAwait) -> bool {
        let Expr::Call(call) = &*await_expr.base else {
            return false;
        };
        let Expr::Path(func) = &*call.func else {
            return false;
        };
        let names: Vec<String> = func.path.segments.iter().map(|s| s.ident.to_string()).collect();
        let krate: Vec<String> = self.krate.segments.iter().map(|s| s.ident.to_string()).collect();
        match names.split_last() {
            Some((last, prefix)) if last == "shield" => {
                (prefix.is_empty() && func.path.leading_colon.is_none())
                    || prefix == ["ctxkit"]
                    || prefix == krate.as_slice()
            }
            _ => false,
        }
    }

    fn checkpoint(&mut self, await_expr: ExprAwait) -> Expr {
        let ExprAwait {
            attrs,
            base,
            dot_token,
            await_token,
        } = await_expr;
        let first = Range::of(&base).first;
        let last = await_token.span;
        let krate = self.krate;
        let helper = match self.mode {
            Mode::Race => quote!(#krate::__private::checkpoint),
            Mode::Check => quote!(#krate::__private::checked),
        };
        let helper = respan(helper, first);
        let identity = respan(quote!(#krate::__private::value), first);
        // Racing checkpoints share the call's waiter; the future is the first
        // argument, so awaits nested in it release the waiter before this
        // checkpoint borrows it.
        let call = match self.mode {
            Mode::Race => {
                self.uses_waiter = true;
                let waiter = hidden(&self.waiter.to_string(), first);
                quote_spanned!(first=> #helper(#base, &mut #waiter))
            }
            Mode::Check => {
                let ctx = hidden(&self.ctx.to_string(), first);
                quote_spanned!(first=> #helper(#ctx, #base))
            }
        };
        let value = hidden("value", last);
        let cancelled = hidden("cancelled", last);
        let early = early_return(krate, self.return_type, &cancelled);
        let ok = respan(quote!(::core::result::Result::Ok), last);
        let err = respan(quote!(::core::result::Result::Err), last);
        let match_token = quote_spanned!(first=> match);
        // `identity(match ..)`: a call, so the whole reads as one expression
        // from the user's first token to `await`, and as a statement it is an
        // ordinary one (`must_use` still applies, clippy sees no odd `match;`).
        let tokens = quote_spanned! {last=>
            #(#attrs)*
            #identity(#match_token #call #dot_token #await_token {
                #ok(#value) => #value,
                #err(#cancelled) => #early,
            })
        };
        syn::parse2(tokens.clone()).unwrap_or(Expr::Verbatim(tokens))
    }
}

/// `return Return::cancelled(c)`, placed on the return type, where the errors
/// about unsupported return types belong.
pub(crate) fn early_return(krate: &Path, return_type: Range, cancelled: &Ident) -> TokenStream {
    let path = respan(
        quote!(return #krate::__private::Return::cancelled),
        return_type.first,
    );
    quote_spanned!(return_type.last=> #path(#cancelled))
}

impl VisitMut for Checkpoints<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        visit_mut::visit_expr_mut(self, expr);
        if let Expr::Await(await_expr) = expr {
            if !self.is_shielded(await_expr) {
                let placeholder = Expr::Verbatim(TokenStream::new());
                let Expr::Await(await_expr) = std::mem::replace(expr, placeholder) else {
                    return;
                };
                *expr = self.checkpoint(await_expr);
            }
        }
    }

    // Other futures, awaited by whoever polls them.
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}

    /// `println!("{}", f().await)`: arguments that parse as expressions are
    /// rewritten too; anything else is left as written.
    fn visit_macro_mut(&mut self, mac: &mut Macro) {
        if !has_await(mac.tokens.clone()) {
            return;
        }
        let Ok(mut args) = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) else {
            return;
        };
        for arg in &mut args {
            self.visit_expr_mut(arg);
        }
        mac.tokens = args.into_token_stream();
    }
}

fn has_await(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|tt| match tt {
        TokenTree::Ident(i) => i == "await",
        TokenTree::Group(g) => has_await(g.stream()),
        _ => false,
    })
}
