//! Turns each `.await` of the function's own body into a checkpoint.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, quote_spanned};
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ExprAwait, Ident, Macro, Path, Stmt, Token, parse_quote_spanned};

use super::args::Mode;

pub(crate) struct Checkpoints<'a> {
    /// The hidden binding that holds `&Ctx` in the body.
    pub(crate) ctx: &'a Ident,
    pub(crate) mode: Mode,
    pub(crate) krate: &'a Path,
    /// Where errors about the return type point.
    pub(crate) return_span: Span,
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

    fn checkpoint(&self, await_expr: ExprAwait) -> Expr {
        let ExprAwait {
            attrs,
            base,
            dot_token,
            await_token,
        } = await_expr;
        let span = dot_token.span.join(await_token.span).unwrap_or(await_token.span);
        let krate = self.krate;
        let ctx = self.ctx;
        let helper = match self.mode {
            Mode::Race => Ident::new("checkpoint", span),
            Mode::Check => Ident::new("checked", span),
        };
        let value = Ident::new("value", Span::mixed_site());
        let cancelled = Ident::new("cancelled", Span::mixed_site());
        let early = quote_spanned!(self.return_span=> #krate::__private::Return::cancelled(#cancelled));
        let ok = quote_spanned!(Span::mixed_site()=> ::core::result::Result::Ok);
        let err = quote_spanned!(Span::mixed_site()=> ::core::result::Result::Err);
        parse_quote_spanned! {span=>
            #(#attrs)*
            match #krate::__private::#helper(#ctx, #base) #dot_token #await_token {
                #ok(#value) => #value,
                #err(#cancelled) => return #early,
            }
        }
    }
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

    /// `fut.await;` would become `match .. {};`, a statement clippy finds
    /// odd; a call keeps it an ordinary expression statement.
    fn visit_stmt_mut(&mut self, stmt: &mut Stmt) {
        let statement_await = match stmt {
            Stmt::Expr(Expr::Await(await_expr), Some(_)) if !self.is_shielded(await_expr) => {
                Some(await_expr.await_token.span)
            }
            _ => None,
        };
        visit_mut::visit_stmt_mut(self, stmt);
        if let (Some(span), Stmt::Expr(expr, _)) = (statement_await, stmt) {
            let krate = self.krate;
            *expr = parse_quote_spanned!(span=> #krate::__private::value(#expr));
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
