//! `discarded_cancel`: a child context whose cancel handle is dropped at
//! once (Go's `lostcancel`).

use syn::spanned::Spanned;
use syn::{Expr, Local, Pat};

use crate::checker::{Checker, strip_try};
use crate::diagnostic::{Finding, Span, Suggestion};
use crate::registry::{Group, Rule, RuleInfo};

pub(crate) const INFO: RuleInfo = RuleInfo {
    name: "discarded_cancel",
    group: Group::Correctness,
    summary: "a child context whose cancel handle is dropped at once, so it is already cancelled",
    doc: r#"## discarded_cancel (correctness, deny)

### What it does
Flags `let (ctx, _) = parent.with_timeout(..)` and the same with
`with_cancel`, `with_deadline`, `with_timeout_cause`, `with_deadline_cause`;
also `parent.with_cancel().0` and `(ctx, _) = parent.with_cancel()`.

### Why is this bad?
A `CancelHandle` cancels its context when dropped: the scope that made a
child ends it, as Go's `defer cancel()` does. The `_` pattern drops the
handle at once, so the new context is already cancelled when the next line
runs: every `ctx.run(..)` fails at once and every `ctx.spawn(..)` task is
cancelled on its first await. (In Go the same slip — `lostcancel` — leaks
the context instead; in ctxkit it breaks the code, loudly but confusingly.)

### Example
```rust
let (ctx, _) = parent.with_timeout(Duration::from_secs(5));
fetch(&ctx).await?;
```

### Use instead
```rust
let (ctx, _cancel) = parent.with_timeout(Duration::from_secs(5));
fetch(&ctx).await?;
```
`_cancel` is a binding: the handle lives to the end of the scope. To let
the child outlive the scope, call `cancel.disarm()`.
"#,
};

pub(crate) fn is_derive_method(name: &str) -> bool {
    matches!(
        name,
        "with_cancel" | "with_timeout" | "with_deadline" | "with_timeout_cause" | "with_deadline_cause"
    )
}

/// The derive method an expression calls (`parent.with_timeout(d)` or
/// `Ctx::with_timeout(&parent, d)`), with `?`/`unwrap` stripped.
fn derive_call(e: &Expr) -> Option<String> {
    match strip_try(e) {
        Expr::MethodCall(m) if is_derive_method(&m.method.to_string()) => Some(m.method.to_string()),
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => {
                let last = p.path.segments.last()?.ident.to_string();
                (is_derive_method(&last) && p.path.segments.len() > 1).then_some(last)
            }
            _ => None,
        },
        _ => None,
    }
}

fn report(checker: &mut Checker<'_>, span: Span, method: &str, fixable: bool) {
    checker.report(Finding {
        rule: Rule::DiscardedCancel,
        span,
        message: format!(
            "the cancel handle from `{method}` is dropped at once, so the new context is already cancelled"
        ),
        label: Some("cancel handle dropped here".to_string()),
        help: "keep the handle for the scope that uses the context: `let (ctx, _cancel) = ..`".to_string(),
        note: None,
        suggestion: fixable.then(|| Suggestion {
            span,
            replacement: "_cancel".to_string(),
        }),
    });
}

pub(crate) fn check_local(checker: &mut Checker<'_>, local: &Local) {
    if !checker.enabled(Rule::DiscardedCancel) {
        return;
    }
    let Some(init) = &local.init else {
        return;
    };
    let Some(method) = derive_call(&init.expr) else {
        return;
    };
    let mut pat = &local.pat;
    if let Pat::Type(pt) = pat {
        pat = &pt.pat;
    }
    if let Pat::Tuple(t) = pat {
        if t.elems.len() == 2 {
            if let Pat::Wild(w) = &t.elems[1] {
                report(checker, Span::from_pm2(w.underscore_token.span), &method, true);
            }
        }
    }
}

/// `(ctx, _) = parent.with_cancel();`
pub(crate) fn check_assign(checker: &mut Checker<'_>, a: &syn::ExprAssign) {
    if !checker.enabled(Rule::DiscardedCancel) {
        return;
    }
    let Some(method) = derive_call(&a.right) else {
        return;
    };
    if let Expr::Tuple(t) = &*a.left {
        if t.elems.len() == 2 {
            if let Expr::Infer(w) = &t.elems[1] {
                report(checker, Span::from_pm2(w.underscore_token.span), &method, true);
            }
        }
    }
}

/// `parent.with_cancel().0`
pub(crate) fn check_field(checker: &mut Checker<'_>, f: &syn::ExprField) {
    if !checker.enabled(Rule::DiscardedCancel) {
        return;
    }
    let syn::Member::Unnamed(index) = &f.member else {
        return;
    };
    if index.index != 0 {
        return;
    }
    if let Some(method) = derive_call(&f.base) {
        report(checker, Span::from_pm2(f.member.span()), &method, false);
    }
}
