//! `bare_spawn`: a task or thread started where no context can stop it or
//! wait for it.

use syn::{Expr, ExprCall, ExprMethodCall, ExprPath};

use crate::checker::{Checker, call_span, chain_root, method_span};
use crate::diagnostic::{Finding, Span};
use crate::known::{self, SpawnKind};
use crate::registry::{Group, Rule, RuleInfo};

pub(crate) const INFO: RuleInfo = RuleInfo {
    name: "bare_spawn",
    group: Group::Correctness,
    summary: "a task or thread spawned detached, where no context can stop it or wait for it",
    doc: r#"## bare_spawn (correctness, deny)

### What it does
Flags spawns that detach their work from every context: `tokio::spawn`,
`tokio::task::spawn_local`, `spawn_blocking`, `std::thread::spawn`,
`Handle::spawn`, `Runtime::spawn`, `std::thread::Builder::spawn`, and the
`async_std`, `smol`, `async_global_executor` and `actix_rt` spawns — however
they are imported (`use tokio::spawn as go;`, `use tokio::task;` then
`task::spawn`, glob imports). A project's own `pool::spawn` is not flagged.

Structured spawns are not flagged: `ctx.spawn(|ctx| ..)`,
`ctx.spawn_named(..)`, `ctx.spawn_blocking(..)`, `JoinSet::spawn`,
`TaskTracker::spawn`, `std::thread::scope`'s `s.spawn`.

### Why is this bad?
A detached task runs until it finishes on its own. Nothing cancels it when
the request, connection or service that started it goes away, and nothing
waits for it at shutdown: if it blocks on a channel, a socket or a lock, it
holds its memory and handles for ever. `#[ctxkit::test]` and
`ctxkit::leaks::verify_none()` cannot see it either.

### Example
```rust
async fn handle(conn: Conn) {
    tokio::spawn(async move {
        heartbeat(conn).await;
    });
}
```

### Use instead
```rust
async fn handle(ctx: &Ctx, conn: Conn) {
    ctx.spawn(|ctx| async move {
        heartbeat(&ctx, conn).await;
    });
}
```
The task gets a child context, is cancelled with its parent, and
`ctx.shutdown(..)` waits for it and reports it if it does not end.
"#,
};

fn help(kind: SpawnKind) -> &'static str {
    match kind {
        SpawnKind::Task | SpawnKind::Local => {
            "spawn it under a context, which cancels it and waits for it: `ctx.spawn(|ctx| async move { .. })`"
        }
        SpawnKind::Blocking => {
            "spawn it under a context so shutdown waits for it: `ctx.spawn_blocking(|ctx| ..)`"
        }
        SpawnKind::Thread => {
            "join the thread before its owner ends: `std::thread::scope(|s| { s.spawn(..); })`, or use `ctx.spawn_blocking(|ctx| ..)`"
        }
    }
}

fn report(checker: &mut Checker<'_>, span: Span, what: &str, kind: SpawnKind) {
    let noun = if kind == SpawnKind::Thread {
        "thread"
    } else {
        "task"
    };
    checker.report(Finding {
        rule: Rule::BareSpawn,
        span,
        message: format!("{what} detaches a {noun} that no context can stop or wait for"),
        label: Some(format!("detached {noun}")),
        help: help(kind).to_string(),
        note: None,
        suggestion: None,
    });
}

fn written(checker: &Checker<'_>, path: &syn::Path) -> String {
    let text = checker.short_text(path, "");
    if text.is_empty() {
        crate::imports::path_string(path)
    } else {
        text.to_string()
    }
}

pub(crate) fn check_call(checker: &mut Checker<'_>, c: &ExprCall, callee: &syn::Path, resolved: &str) {
    if !checker.enabled(Rule::BareSpawn) {
        return;
    }
    if let Some(kind) = known::spawn_fn(resolved) {
        let what = written(checker, callee);
        let what = if what.contains("::") || resolved.ends_with(&what) {
            format!("`{what}`")
        } else {
            format!("`{what}` (`{resolved}`)")
        };
        report(checker, call_span(callee, &c.paren_token), &what, kind);
    }
}

/// `futures.into_iter().map(tokio::spawn)`: the spawn passed as a function.
pub(crate) fn check_path_value(checker: &mut Checker<'_>, p: &ExprPath, resolved: &str) {
    if !checker.enabled(Rule::BareSpawn) {
        return;
    }
    if let Some(kind) = known::spawn_fn(resolved) {
        let what = format!("`{}`", written(checker, &p.path));
        let first = p.path.segments.first().map(|s| s.ident.span());
        let last = p.path.segments.last().map(|s| s.ident.span());
        if let (Some(first), Some(last)) = (first, last) {
            report(checker, Span::between(first, last), &what, kind);
        }
    }
}

pub(crate) fn check_method(checker: &mut Checker<'_>, m: &ExprMethodCall) {
    if !checker.enabled(Rule::BareSpawn) {
        return;
    }
    let name = m.method.to_string();
    let kind = match name.as_str() {
        "spawn" => SpawnKind::Task,
        "spawn_blocking" => SpawnKind::Blocking,
        _ => return,
    };
    let Some(receiver) = spawner_type(checker, &m.receiver) else {
        return;
    };
    let kind = if receiver == "std::thread::Builder" {
        SpawnKind::Thread
    } else {
        kind
    };
    let short = receiver.rsplit("::").next().unwrap_or(&receiver);
    let what = format!("`{short}::{name}`");
    report(checker, method_span(m), &what, kind);
}

/// The spawner type of a receiver: a typed binding, `Handle::current()`,
/// or a builder chain rooted at a known builder.
fn spawner_type(checker: &Checker<'_>, receiver: &Expr) -> Option<String> {
    if let Some(ty) = checker.infer(receiver) {
        if known::SPAWNER_TYPES.contains(&ty.path.as_str()) {
            return Some(ty.path);
        }
    }
    if let Expr::Call(c) = chain_root(receiver) {
        if let Expr::Path(p) = &*c.func {
            let res = checker.resolve(&p.path);
            if let Some((ty, _)) = res.path.rsplit_once("::") {
                if known::SPAWNER_TYPES.contains(&ty) {
                    return Some(ty.to_string());
                }
            }
        }
    }
    None
}
