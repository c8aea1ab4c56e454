//! The item under the attribute: a function with or without a body (trait
//! methods may have none), or a clear error for anything else.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Item, Signature, Stmt, Token, Visibility, braced};

pub(crate) struct FnItem {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) defaultness: Option<Token![default]>,
    pub(crate) sig: Signature,
    pub(crate) body: Option<Body>,
}

pub(crate) struct Body {
    pub(crate) brace: syn::token::Brace,
    pub(crate) inner_attrs: Vec<Attribute>,
    pub(crate) stmts: Vec<Stmt>,
}

impl Parse for FnItem {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let defaultness = input.parse()?;
        let sig = input.parse()?;
        let body = if input.parse::<Option<Token![;]>>()?.is_some() {
            None
        } else {
            let content;
            let brace = braced!(content in input);
            let inner_attrs = content.call(Attribute::parse_inner)?;
            let stmts = content.call(syn::Block::parse_within)?;
            Some(Body {
                brace,
                inner_attrs,
                stmts,
            })
        };
        Ok(FnItem {
            attrs,
            vis,
            defaultness,
            sig,
            body,
        })
    }
}

impl ToTokens for FnItem {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let FnItem {
            attrs,
            vis,
            defaultness,
            sig,
            body,
        } = self;
        tokens.extend(quote!(#(#attrs)* #vis #defaultness #sig));
        match body {
            None => <Token![;]>::default().to_tokens(tokens),
            Some(body) => body.brace.surround(tokens, |tokens| {
                tokens.extend(body.inner_attrs.iter().map(ToTokens::to_token_stream));
                tokens.extend(body.stmts.iter().map(ToTokens::to_token_stream));
            }),
        }
    }
}

/// Parses the item, or explains why it is not something `#[cancellable]` applies to.
pub(crate) fn parse(input: TokenStream) -> syn::Result<FnItem> {
    let fn_error = match syn::parse2::<FnItem>(input.clone()) {
        Ok(item) => return Ok(item),
        Err(e) => e,
    };
    let Ok(item) = syn::parse2::<Item>(input) else {
        return Err(fn_error);
    };
    let (what, span, help): (&str, Span, &str) = match &item {
        Item::Struct(s) => ("a struct", s.struct_token.span, ""),
        Item::Enum(e) => ("an enum", e.enum_token.span, ""),
        Item::Union(u) => ("a union", u.union_token.span, ""),
        Item::Impl(i) => (
            "an impl block",
            i.impl_token.span,
            "\nhelp: put `#[cancellable]` on each `async fn` of the block",
        ),
        Item::Trait(t) => (
            "a trait",
            t.trait_token.span,
            "\nhelp: put `#[cancellable]` on each `async fn` of the trait, and of its impls",
        ),
        Item::Mod(m) => (
            "a module",
            m.mod_token.span,
            "\nhelp: put `#[cancellable]` on each `async fn` of the module",
        ),
        Item::Const(c) => ("a constant", c.const_token.span, ""),
        Item::Static(s) => ("a static", s.static_token.span, ""),
        Item::Type(t) => ("a type alias", t.type_token.span, ""),
        Item::Use(u) => ("a `use` item", u.use_token.span, ""),
        Item::ExternCrate(e) => ("an `extern crate` item", e.extern_token.span, ""),
        Item::ForeignMod(f) => ("an `extern` block", f.abi.extern_token.span, ""),
        Item::Macro(m) => ("a macro", m.mac.bang_token.span, ""),
        _ => return Err(fn_error),
    };
    Err(syn::Error::new(
        span,
        format!("`#[cancellable]` applies to an `async fn`, not to {what}{help}"),
    ))
}
