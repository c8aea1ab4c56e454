//! The rewrite: the signature gets its context, the body an entry check, an
//! optional timeout, and a checkpoint at every `.await`.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::visit_mut::VisitMut;
use syn::{Attribute, FnArg, Ident, Pat, PatType, Stmt};

use super::args::Args;
use super::checkpoints::{Checkpoints, early_return};
use super::item::{self, FnItem};
use super::signature::{self, CtxParam};
use super::spans::Range;

pub(crate) fn cancellable(args: TokenStream, input: TokenStream) -> TokenStream {
    let args = match Args::parse(args) {
        Ok(args) => args,
        Err(errors) => return quote!(#errors #input),
    };
    let mut item = match item::parse(input.clone()) {
        Ok(item) => item,
        Err(error) => {
            let error = error.to_compile_error();
            return quote!(#error #input);
        }
    };
    match rewrite(&args, &mut item) {
        Ok(()) => item.into_token_stream(),
        Err(errors) => {
            let errors = errors.iter().map(syn::Error::to_compile_error);
            quote!(#(#errors)* #input)
        }
    }
}

fn is_cancellable(attr: &Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|s| s.ident == "cancellable")
}

fn rewrite(args: &Args, item: &mut FnItem) -> Result<(), Vec<syn::Error>> {
    let mut errors = Vec::new();
    if let Some(again) = item.attrs.iter().find(|a| is_cancellable(a)) {
        errors.push(syn::Error::new_spanned(
            again,
            "`#[cancellable]` is applied twice\nhelp: remove one; options go in a single attribute, \
             like `#[cancellable(timeout = \"5s\", mode = \"check\")]`",
        ));
    }
    signature::check_kind(&item.sig, &mut errors);
    let return_type = if item.body.is_some() {
        signature::check_return(&item.sig, &mut errors)
    } else {
        Range::of(&item.sig.ident)
    };
    let param = signature::context_param(&mut item.sig, args.ctx.as_ref(), &args.krate, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let (Some(param), Some(body)) = (param, item.body.as_mut()) else {
        return Ok(());
    };

    if args.timeout.is_some() && param.mutability.is_some() {
        // The body's `ctx` is the timeout's child, bound `mut` in its place.
        for arg in &mut item.sig.inputs {
            if let FnArg::Typed(PatType { pat, .. }) = arg {
                if let Pat::Ident(p) = &mut **pat {
                    if p.ident == param.name {
                        p.mutability = None;
                    }
                }
            }
        }
    }
    let hidden = Ident::new("__ctxkit_ctx", Span::mixed_site());
    let mut prelude = prelude(args, &item.sig.ident, &param, &hidden, return_type);
    let waiter = Ident::new("__ctxkit_waiter", Span::mixed_site());
    let mut checkpoints = Checkpoints {
        ctx: &hidden,
        waiter: &waiter,
        uses_waiter: false,
        mode: args.mode,
        krate: &args.krate,
        return_type,
    };
    for stmt in &mut body.stmts {
        checkpoints.visit_stmt_mut(stmt);
    }
    if checkpoints.uses_waiter {
        let krate = &args.krate;
        prelude.push(syn::parse_quote_spanned! {Span::mixed_site()=>
            let mut #waiter = #krate::__private::Waiter::new(#hidden);
        });
    }
    // Items the body starts with stay first: they are visible in the whole
    // block wherever they stand, and clippy's `items_after_statements` should
    // not see the prelude's statements before them.
    let leading = body
        .stmts
        .iter()
        .take_while(|s| matches!(s, Stmt::Item(_)))
        .count();
    let rest = body.stmts.split_off(leading);
    body.stmts.append(&mut prelude);
    body.stmts.extend(rest);
    if item.sig.inputs.len() == 8 {
        // The context made a seven-parameter function an eight-parameter one.
        item.attrs
            .push(syn::parse_quote!(#[allow(clippy::too_many_arguments)]));
    }
    Ok(())
}

/// The statements that start the body: bind the context where checkpoints
/// find it, return at once if it is already done, start the timeout.
fn prelude(args: &Args, fn_name: &Ident, param: &CtxParam, hidden: &Ident, return_type: Range) -> Vec<Stmt> {
    let krate = &args.krate;
    let name = &param.name;
    let site = Span::mixed_site();
    let cancelled = Ident::new("cancelled", site);
    let early = early_return(krate, return_type, &cancelled);
    let borrowed = if param.by_ref {
        quote_spanned!(site=> &*#name)
    } else {
        quote_spanned!(site=> &#name)
    };
    let enter = quote_spanned! {site=>
        if let ::core::result::Result::Err(#cancelled) = #krate::__private::enter(#borrowed) {
            #early;
        }
    };
    // An owned context is the body's to move (into a task, say): the
    // checkpoints keep a clone of their own rather than borrow it.
    let owned = Ident::new("__ctxkit_owned", site);
    let bind_hidden = if param.by_ref {
        quote_spanned!(site=> let #hidden: &#krate::Ctx = #borrowed;)
    } else {
        quote_spanned! {site=>
            let #owned: #krate::Ctx = #krate::Ctx::clone(&#name);
            let #hidden: &#krate::Ctx = &#owned;
        }
    };
    let tokens = match &args.timeout {
        None => quote_spanned! {site=>
            #enter
            #bind_hidden
        },
        Some(timeout) => {
            let cause = timeout
                .cause
                .clone()
                .unwrap_or_else(|| format!("`{fn_name}` timed out after {}", timeout.text));
            let secs = timeout.duration.as_secs();
            let nanos = timeout.duration.subsec_nanos();
            let child = Ident::new("__ctxkit_child", site);
            let guard = Ident::new("_ctxkit_cancel_on_return", site);
            let duration = quote_spanned!(timeout.span=> ::core::time::Duration::new(#secs, #nanos));
            // The body, and every call it makes with `ctx`, runs under the child.
            let rebind = if param.by_ref {
                quote_spanned!(site=> let #name: &#krate::Ctx = &#child;)
            } else {
                let mutability = param.mutability;
                quote_spanned!(site=> let #mutability #name: #krate::Ctx = #child;)
            };
            quote_spanned! {site=>
                #enter
                let (#child, #guard) = #krate::__private::timeout(#borrowed, #duration, #cause);
                #rebind
                #bind_hidden
            }
        }
    };
    match syn::parse2::<syn::Block>(quote!({ #tokens })) {
        Ok(block) => block.stmts,
        Err(e) => vec![Stmt::Expr(syn::Expr::Verbatim(e.to_compile_error()), None)],
    }
}
