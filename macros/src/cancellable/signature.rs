//! The signature: which functions qualify, where the context comes from, and
//! which return types can be returned early.

use proc_macro2::Span;
use quote::quote;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;

use super::spans::Range;
use syn::visit_mut::{self, VisitMut};
use syn::{
    FnArg, GenericParam, Ident, Lifetime, LifetimeParam, Pat, PatIdent, PatType, Path, ReturnType, Signature,
    Token, Type, TypeReference, parse_quote_spanned,
};

/// How the body reaches the context.
pub(crate) struct CtxParam {
    /// The parameter's name, as the body sees it.
    pub(crate) name: Ident,
    /// `&Ctx` (or `&mut Ctx`) rather than an owned `Ctx`.
    pub(crate) by_ref: bool,
    /// `mut` on an owned parameter, kept when the timeout rebinds it.
    pub(crate) mutability: Option<Token![mut]>,
}

/// The errors a signature can have, in the order the user would fix them.
pub(crate) fn check_kind(sig: &Signature, errors: &mut Vec<syn::Error>) {
    if let Some(constness) = &sig.constness {
        errors.push(syn::Error::new(
            constness.span,
            "a `const fn` cannot be `#[cancellable]`: it cannot await\nhelp: remove `const` and make it an `async fn`",
        ));
    }
    if let Some(abi) = &sig.abi {
        errors.push(syn::Error::new(
            abi.extern_token.span,
            "an `extern` function cannot be `#[cancellable]`: its caller cannot pass a context or await it\n\
             help: keep the `extern fn` as a thin wrapper and make the work an `async fn`",
        ));
    }
    if sig.asyncness.is_none() && sig.constness.is_none() && sig.abi.is_none() {
        errors.push(syn::Error::new(
            sig.fn_token.span,
            format!(
                "`#[cancellable]` applies to an `async fn`, and `{}` is not async\n\
                 help: write `async fn {}`",
                sig.ident, sig.ident
            ),
        ));
    }
}

/// Whether `ty` is the context type: `Ctx`, `ctxkit::Ctx`, `::ctxkit::Ctx`,
/// the `crate = ..` path's `Ctx`, by value or by reference.
fn ctx_type(ty: &Type, krate: &Path) -> Option<bool> {
    match ty {
        Type::Group(g) => ctx_type(&g.elem, krate),
        Type::Paren(p) => ctx_type(&p.elem, krate),
        Type::Reference(r) => ctx_type(&r.elem, krate).filter(|by_ref| !by_ref).map(|_| true),
        Type::Path(p) if p.qself.is_none() => {
            let segments: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
            let last = p.path.segments.last()?;
            if last.ident != "Ctx" || !last.arguments.is_none() {
                return None;
            }
            let krate: Vec<String> = krate.segments.iter().map(|s| s.ident.to_string()).collect();
            let prefix = &segments[..segments.len() - 1];
            let known = prefix.is_empty() || prefix == ["ctxkit"] || prefix == krate.as_slice();
            known.then_some(false)
        }
        _ => None,
    }
}

fn pat_ident(pat: &Pat) -> Option<&PatIdent> {
    match pat {
        Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none() => Some(p),
        _ => None,
    }
}

/// Finds the context parameter, or inserts `ctx: &Ctx` after the receiver.
pub(crate) fn context_param(
    sig: &mut Signature,
    wanted: Option<&Ident>,
    krate: &Path,
    errors: &mut Vec<syn::Error>,
) -> Option<CtxParam> {
    let default_name = Ident::new("ctx", Span::call_site());
    let name = wanted.unwrap_or(&default_name);

    let mut found: Option<(usize, bool)> = None;
    for (index, arg) in sig.inputs.iter().enumerate() {
        let FnArg::Typed(PatType { pat, ty, .. }) = arg else {
            continue;
        };
        let Some(by_ref) = ctx_type(ty, krate) else {
            continue;
        };
        if found.is_some() {
            errors.push(syn::Error::new_spanned(
                arg,
                "a `#[cancellable]` function takes one context, and this is a second one\n\
                 help: keep one `&Ctx` parameter; derive the others from it with `ctx.with_cancel()`",
            ));
            continue;
        }
        found = Some((index, by_ref));
        if !matches!(**pat, Pat::Wild(_)) && pat_ident(pat).is_none() {
            errors.push(syn::Error::new_spanned(
                pat,
                "the context parameter must be a plain name, like `ctx: &Ctx`",
            ));
        }
    }

    if let Some((index, by_ref)) = found {
        let Some(FnArg::Typed(param)) = sig.inputs.iter_mut().nth(index) else {
            return None;
        };
        if let Some(wanted) = wanted {
            if pat_ident(&param.pat).is_some_and(|p| p.ident != *wanted) {
                errors.push(syn::Error::new(
                    wanted.span(),
                    format!(
                        "`ctx = {wanted}` names the context parameter this macro adds, \
                         but the function already takes one\n\
                         help: remove `ctx = {wanted}`, or rename the parameter"
                    ),
                ));
            }
        }
        if matches!(*param.pat, Pat::Wild(_)) {
            // `_: &Ctx` still has to be reachable by the checkpoints.
            let hidden = Ident::new("__ctxkit_ctx", Span::mixed_site());
            *param.pat = parse_quote_spanned!(param.pat.span()=> #hidden);
        }
        let p = pat_ident(&param.pat)?;
        return Some(CtxParam {
            name: p.ident.clone(),
            by_ref,
            mutability: p.mutability,
        });
    }

    for arg in &sig.inputs {
        if let FnArg::Typed(PatType { pat, ty, .. }) = arg {
            if pat_ident(pat).is_some_and(|p| p.ident == *name) {
                errors.push(syn::Error::new_spanned(
                    ty,
                    format!(
                        "`{name}` is the name of the context `#[cancellable]` adds, and this `{name}` is not a `Ctx`\n\
                         help: rename this parameter, or name the context otherwise with \
                         `#[cancellable(ctx = other_name)]`"
                    ),
                ));
                return None;
            }
        }
    }

    let at = usize::from(matches!(sig.inputs.first(), Some(FnArg::Receiver(_))));
    let ty = quote!(&#krate::Ctx);
    let param: FnArg = syn::parse_quote!(#name: #ty);
    let mut inputs: Punctuated<FnArg, Token![,]> = Punctuated::new();
    for (i, arg) in std::mem::take(&mut sig.inputs).into_iter().enumerate() {
        if i == at {
            inputs.push(param.clone());
        }
        inputs.push(arg);
    }
    if inputs.len() == at {
        inputs.push(param);
    }
    sig.inputs = inputs;
    keep_output_elision(sig, at);
    Some(CtxParam {
        name: name.clone(),
        by_ref: true,
        mutability: None,
    })
}

/// Lifetimes the user elided in the return type came from the one input
/// lifetime; an added `&Ctx` would make that ambiguous, so name it.
fn keep_output_elision(sig: &mut Signature, ctx_index: usize) {
    let has_receiver = matches!(sig.inputs.first(), Some(FnArg::Receiver(_)));
    let ReturnType::Type(_, output) = &mut sig.output else {
        return;
    };
    if has_receiver || !Elided::find(output) {
        return;
    }
    let mut inputs = Lifetimes::default();
    for (i, arg) in sig.inputs.iter_mut().enumerate() {
        if let (false, FnArg::Typed(param)) = (i == ctx_index, arg) {
            inputs.visit_type_mut(&mut param.ty);
        }
    }
    let lifetime = match (inputs.elided, inputs.named.as_slice()) {
        (0, [one]) => one.clone(),
        (1, []) => {
            let taken = |name: &str| {
                sig.generics
                    .lifetimes()
                    .any(|l| l.lifetime.ident == name.trim_start_matches('\''))
            };
            let name = if taken("'a") { "'__ctxkit_a" } else { "'a" };
            let lifetime = Lifetime::new(name, Span::call_site());
            let mut fill = Fill(&lifetime);
            for (i, arg) in sig.inputs.iter_mut().enumerate() {
                if let (false, FnArg::Typed(param)) = (i == ctx_index, arg) {
                    fill.visit_type_mut(&mut param.ty);
                }
            }
            sig.generics
                .params
                .insert(0, GenericParam::Lifetime(LifetimeParam::new(lifetime.clone())));
            lifetime
        }
        // Ambiguous before the context was added: rustc says so.
        _ => return,
    };
    if let ReturnType::Type(_, output) = &mut sig.output {
        Fill(&lifetime).visit_type_mut(output);
    }
}

/// Whether a type has an elided reference lifetime or a `'_`.
struct Elided(bool);

impl Elided {
    fn find(ty: &mut Type) -> bool {
        let mut e = Elided(false);
        e.visit_type_mut(ty);
        e.0
    }
}

impl VisitMut for Elided {
    fn visit_type_reference_mut(&mut self, r: &mut TypeReference) {
        self.0 |= r.lifetime.is_none();
        visit_mut::visit_type_reference_mut(self, r);
    }
    fn visit_lifetime_mut(&mut self, l: &mut Lifetime) {
        self.0 |= l.ident == "_";
    }
    fn visit_type_impl_trait_mut(&mut self, _: &mut syn::TypeImplTrait) {}
    fn visit_type_bare_fn_mut(&mut self, _: &mut syn::TypeBareFn) {}
}

/// The input lifetimes: how many elided, which named.
#[derive(Default)]
struct Lifetimes {
    elided: usize,
    named: Vec<Lifetime>,
}

impl VisitMut for Lifetimes {
    fn visit_type_reference_mut(&mut self, r: &mut TypeReference) {
        self.elided += usize::from(r.lifetime.is_none());
        visit_mut::visit_type_reference_mut(self, r);
    }
    fn visit_lifetime_mut(&mut self, l: &mut Lifetime) {
        if l.ident == "_" {
            self.elided += 1;
        } else if !self.named.contains(l) {
            self.named.push(l.clone());
        }
    }
    fn visit_type_bare_fn_mut(&mut self, _: &mut syn::TypeBareFn) {}
    fn visit_type_impl_trait_mut(&mut self, _: &mut syn::TypeImplTrait) {}
}

/// Replaces elided lifetimes with a named one.
struct Fill<'a>(&'a Lifetime);

impl VisitMut for Fill<'_> {
    fn visit_type_reference_mut(&mut self, r: &mut TypeReference) {
        if r.lifetime.is_none() {
            r.lifetime = Some(self.0.clone());
        }
        visit_mut::visit_type_reference_mut(self, r);
    }
    fn visit_lifetime_mut(&mut self, l: &mut Lifetime) {
        if l.ident == "_" {
            *l = self.0.clone();
        }
    }
    fn visit_type_bare_fn_mut(&mut self, _: &mut syn::TypeBareFn) {}
    fn visit_type_impl_trait_mut(&mut self, _: &mut syn::TypeImplTrait) {}
}

/// The return type, if it is one that can be returned early; the span that
/// type errors about it point at.
pub(crate) fn check_return(sig: &Signature, errors: &mut Vec<syn::Error>) -> Range {
    let ReturnType::Type(_, ty) = &sig.output else {
        return Range::of(&sig.ident);
    };
    let mut ty: &Type = ty;
    while let Type::Group(syn::TypeGroup { elem, .. }) | Type::Paren(syn::TypeParen { elem, .. }) = ty {
        ty = elem;
    }
    let what = match ty {
        Type::Path(_) | Type::Macro(_) | Type::Verbatim(_) => return Range::of(ty),
        Type::Tuple(t) if t.elems.is_empty() => return Range::of(ty),
        Type::ImplTrait(_) => "`impl Trait`",
        Type::Never(_) => "`!`",
        Type::Reference(_) => "a reference",
        Type::Tuple(_) => "a tuple",
        Type::Array(_) | Type::Slice(_) => "an array",
        Type::Ptr(_) => "a raw pointer",
        Type::BareFn(_) => "a function pointer",
        Type::TraitObject(_) => "a trait object",
        _ => "this type",
    };
    errors.push(syn::Error::new_spanned(
        ty,
        format!(
            "a `#[cancellable]` function returns early when its context is done, and cannot return {what}\n\
             help: return `()` or `Result<T, E>` where `E: From<ctxkit::Cancelled>`, such as `Result<T, Cancelled>`"
        ),
    ));
    Range::of(ty)
}
