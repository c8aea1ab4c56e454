//! `ctx_not_first`: a context parameter that is not the first.

use syn::spanned::Spanned;
use syn::{FnArg, Signature};

use crate::checker::Checker;
use crate::diagnostic::{Finding, Span};
use crate::registry::{Group, Rule, RuleInfo};

pub(crate) const INFO: RuleInfo = RuleInfo {
    name: "ctx_not_first",
    group: Group::Style,
    summary: "a `Ctx` parameter that is not the first (after `self`)",
    doc: r#"## ctx_not_first (style, warn)

### What it does
Flags a parameter of type `Ctx`, `&Ctx` or `&mut Ctx` that is not the
function's first parameter (after `self`). Functions of trait impls are not
flagged: the trait decides their signature.

### Why is this bad?
By convention — Go's, and ctxkit's — the context comes first, so a reader
sees at once which functions can be cancelled and which context they run
under, and `#[cancellable]` finds it where it looks first. Mixed orders make
call sites easy to get wrong when two parameters have compatible types.

### Example
```rust
async fn fetch(url: &str, ctx: &Ctx) -> Result<Bytes, Error>;
```

### Use instead
```rust
async fn fetch(ctx: &Ctx, url: &str) -> Result<Bytes, Error>;
```
"#,
};

pub(crate) fn check_signature(checker: &mut Checker<'_>, sig: &Signature) {
    if !checker.enabled(Rule::CtxNotFirst) || checker.in_trait_impl() {
        return;
    }
    let typed: Vec<&syn::PatType> = sig
        .inputs
        .iter()
        .filter_map(|a| match a {
            FnArg::Typed(pt) => Some(pt),
            FnArg::Receiver(_) => None,
        })
        .collect();
    if typed.first().is_some_and(|pt| checker.is_ctx_type(&pt.ty)) {
        return;
    }
    let Some(pos) = typed.iter().position(|pt| checker.is_ctx_type(&pt.ty)) else {
        return;
    };
    let param = typed[pos];
    let span = Span::between(param.pat.span(), param.ty.span());
    let text = checker.text(span).unwrap_or("ctx: &Ctx").to_string();
    let name = sig.ident.to_string();
    checker.report(Finding {
        rule: Rule::CtxNotFirst,
        span,
        message: format!("`{text}` should be the first parameter of `{name}`"),
        label: Some(format!("parameter {} of {}", pos + 1, typed.len())),
        help: format!("move it to the front: `fn {name}({text}, ..)`"),
        note: None,
        suggestion: None,
    });
}
