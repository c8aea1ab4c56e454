//! `fresh_root_ctx`: a new root context where one is already in scope (Go's
//! `contextcheck`).

use syn::{Expr, ExprCall};

use crate::checker::{Checker, call_span};
use crate::diagnostic::Finding;
use crate::imports::Resolved;
use crate::known;
use crate::registry::{Group, Rule, RuleInfo};

pub(crate) const INFO: RuleInfo = RuleInfo {
    name: "fresh_root_ctx",
    group: Group::Suspicious,
    summary: "`Ctx::background()` where a context is already in scope, which cuts the cancellation chain",
    doc: r#"## fresh_root_ctx (suspicious, warn)

### What it does
Flags `Ctx::background()` in a function that already has a context: a
parameter of type `Ctx`/`&Ctx`, a binding of that type (`let (ctx, _c) =
parent.with_cancel()`, `let ctx: Ctx = ..`, an earlier `Ctx::background()`),
the context of a `ctx.spawn(|ctx| ..)` closure, or the one a
`#[cancellable]` function receives.

### Why is this bad?
A new root is never cancelled and has no deadline. Everything started from
it escapes the caller's timeout and shutdown: the request is cancelled,
the work it started carries on. Go's `contextcheck` flags the same
`context.Background()` in a function that was handed a context.

### Example
```rust
async fn handle(ctx: &Ctx, req: Request) {
    let audit = Ctx::background();
    audit.spawn(|ctx| write_audit(ctx, req));
}
```

### Use instead
```rust
async fn handle(ctx: &Ctx, req: Request) {
    ctx.spawn(|ctx| write_audit(ctx, req));
    // or, to outlive the request on purpose but keep its values:
    // let audit = ctx.without_cancel();
}
```
"#,
};

pub(crate) fn check_call(checker: &mut Checker<'_>, c: &ExprCall, res: &Resolved) {
    if !checker.enabled(Rule::FreshRootCtx) {
        return;
    }
    let Some(ty) = res.path.strip_suffix("::background") else {
        return;
    };
    if !(known::is_ctx_type(ty, true) || ty == "Ctx") {
        return;
    }
    let Some(name) = checker.ctx_in_scope().map(str::to_string) else {
        return;
    };
    let Expr::Path(p) = &*c.func else {
        return;
    };
    checker.report(Finding {
        rule: Rule::FreshRootCtx,
        span: call_span(&p.path, &c.paren_token),
        message: format!("`Ctx::background()` starts a new root while `{name}` is in scope"),
        label: Some(format!("not cancelled with `{name}`")),
        help: format!(
            "derive from the context in scope: `{name}.with_cancel()`, or pass `{name}.clone()` (`{name}.without_cancel()` to outlive it on purpose)"
        ),
        note: None,
        suggestion: None,
    });
}
