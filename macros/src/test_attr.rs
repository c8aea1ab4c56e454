//! `#[ctxkit::test]`: `#[tokio::test]` plus a leak check at the end.
//!
//! The expansion builds the runtime through `::ctxkit::__test_support`, so
//! this crate depends on neither tokio nor its macros.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, ItemFn, Lit, MetaNameValue, ReturnType, Token};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavor {
    CurrentThread,
    MultiThread,
}

struct Args {
    flavor: Flavor,
    worker_threads: Option<(usize, Span)>,
    start_paused: Option<(bool, Span)>,
}

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    match try_expand(args, item.clone()) {
        Ok(out) => out,
        Err(err) => {
            // Keep the function so the rest of the file still resolves in an
            // editor; the error says what to fix.
            let mut out = err.to_compile_error();
            out.extend(item);
            out
        }
    }
}

fn try_expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let args = parse_args(args)?;
    let func: ItemFn = syn::parse2(item)?;
    if func.sig.asyncness.is_none() {
        return Err(syn::Error::new(
            func.sig.fn_token.span,
            "the `async` keyword is missing from the function declaration\n\
             help: `#[ctxkit::test]` runs an `async fn` on a tokio runtime",
        ));
    }
    if !func.sig.inputs.is_empty() {
        return Err(syn::Error::new(
            func.sig.inputs.span(),
            "test functions cannot take arguments",
        ));
    }
    if !func.sig.generics.params.is_empty() {
        return Err(syn::Error::new(
            func.sig.generics.span(),
            "test functions cannot be generic",
        ));
    }

    let ItemFn {
        attrs,
        vis,
        sig,
        block,
        ..
    } = func;
    let name = &sig.ident;
    let output = match &sig.output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) => quote!(#ty),
    };
    let ret = &sig.output;
    let flavor = match args.flavor {
        Flavor::CurrentThread => quote!(::ctxkit::__test_support::Flavor::CurrentThread),
        Flavor::MultiThread => quote!(::ctxkit::__test_support::Flavor::MultiThread),
    };
    let worker_threads = match args.worker_threads {
        Some((n, _)) => quote!(::core::option::Option::Some(#n)),
        None => quote!(::core::option::Option::None),
    };
    let pause = match args.start_paused {
        Some((true, span)) => quote_spanned!(span=> ::ctxkit::__test_support::tokio::time::pause();),
        _ => quote!(),
    };
    let test_attr = quote_spanned!(sig.fn_token.span=> #[::core::prelude::v1::test]);
    Ok(quote! {
        #test_attr
        #(#attrs)*
        #vis fn #name() #ret {
            let body = async move {
                #pause
                #block
            };
            #[allow(clippy::async_yields_async)]
            let body: ::core::pin::Pin<::std::boxed::Box<dyn ::core::future::Future<Output = #output>>> =
                ::std::boxed::Box::pin(body);
            ::ctxkit::__test_support::run(
                ::ctxkit::__test_support::Config {
                    flavor: #flavor,
                    worker_threads: #worker_threads,
                },
                body,
            )
        }
    })
}

fn parse_args(args: TokenStream) -> syn::Result<Args> {
    let metas = Punctuated::<MetaNameValue, Token![,]>::parse_terminated.parse2(args)?;
    let mut out = Args {
        flavor: Flavor::CurrentThread,
        worker_threads: None,
        start_paused: None,
    };
    let mut errors: Option<syn::Error> = None;
    let mut push = |e: syn::Error| match &mut errors {
        Some(all) => all.combine(e),
        None => errors = Some(e),
    };
    for meta in metas {
        let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
        let span = meta.value.span();
        match (key.as_str(), &meta.value) {
            ("flavor", Expr::Lit(ExprLit { lit: Lit::Str(s), .. })) => match s.value().as_str() {
                "current_thread" => out.flavor = Flavor::CurrentThread,
                "multi_thread" => out.flavor = Flavor::MultiThread,
                other => push(syn::Error::new(
                    span,
                    format!("unknown flavor `{other}`; expected \"current_thread\" or \"multi_thread\""),
                )),
            },
            ("worker_threads", Expr::Lit(ExprLit { lit: Lit::Int(n), .. })) => {
                match n.base10_parse::<usize>() {
                    Ok(0) => push(syn::Error::new(span, "`worker_threads` must be at least 1")),
                    Ok(n) => out.worker_threads = Some((n, span)),
                    Err(e) => push(e),
                }
            }
            (
                "start_paused",
                Expr::Lit(ExprLit {
                    lit: Lit::Bool(b), ..
                }),
            ) => {
                out.start_paused = Some((b.value, span));
            }
            ("flavor", _) => push(syn::Error::new(
                span,
                "`flavor` takes a string: \"current_thread\" or \"multi_thread\"",
            )),
            ("worker_threads", _) => push(syn::Error::new(span, "`worker_threads` takes an integer")),
            ("start_paused", _) => push(syn::Error::new(span, "`start_paused` takes `true` or `false`")),
            _ => push(syn::Error::new(
                meta.path.span(),
                "unknown option; expected `flavor`, `worker_threads` or `start_paused`",
            )),
        }
    }
    if let (Some((_, span)), Flavor::CurrentThread) = (out.worker_threads, out.flavor) {
        push(syn::Error::new(
            span,
            "`worker_threads` needs `flavor = \"multi_thread\"`",
        ));
    }
    if let (Some((true, span)), Flavor::MultiThread) = (out.start_paused, out.flavor) {
        push(syn::Error::new(
            span,
            "`start_paused` needs the current-thread runtime (tokio pauses time only there)",
        ));
    }
    match errors {
        Some(e) => Err(e),
        None => Ok(out),
    }
}
