//! Spans for generated tokens. On stable Rust one token has one span, so a
//! generated expression covers the user's code by starting at the user's
//! first token and ending at the user's last: rustc joins the two.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::ToTokens;

/// The first and last span of some user tokens.
#[derive(Clone, Copy)]
pub(crate) struct Range {
    pub(crate) first: Span,
    pub(crate) last: Span,
}

impl Range {
    pub(crate) fn of(tokens: &impl ToTokens) -> Range {
        let mut spans = tokens.to_token_stream().into_iter().map(|t| t.span());
        let first = spans.next().unwrap_or_else(Span::call_site);
        let last = spans.last().unwrap_or(first);
        Range { first, last }
    }
}

/// `tokens`, every one of them placed at `span` (and resolved there).
pub(crate) fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            if let TokenTree::Group(g) = &token {
                let mut group = Group::new(g.delimiter(), respan(g.stream(), span));
                group.set_span(span);
                token = TokenTree::Group(group);
            } else {
                token.set_span(span);
            }
            token
        })
        .collect()
}

/// A hygienic name (invisible to the user's code) reported at `at`.
pub(crate) fn hidden(name: &str, at: Span) -> proc_macro2::Ident {
    proc_macro2::Ident::new(name, Span::mixed_site().located_at(at))
}
