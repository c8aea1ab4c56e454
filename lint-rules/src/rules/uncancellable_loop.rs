//! `uncancellable_loop`: an async loop that awaits and that nothing tied to
//! a context can end.

use syn::Expr;

use crate::checker::{Checker, LoopFrame, strip};
use crate::diagnostic::Finding;
use crate::registry::{Group, Rule, RuleInfo};

pub(crate) const INFO: RuleInfo = RuleInfo {
    name: "uncancellable_loop",
    group: Group::Suspicious,
    summary: "an async `loop` that awaits and that nothing tied to a context can end",
    doc: r#"## uncancellable_loop (suspicious, warn)

### What it does
Flags a `loop` (or `while true`) in async code that awaits — `tick()`,
`recv()`, `accept()`, a `select!` — and has no way out: no `break` or
`return`, and nothing tied to a context.

A loop has a way out, and is not flagged, when it has:
- a `select!` branch on `ctx.done()` or `token.cancelled()`;
- a `ctx.is_done()`, `ctx.err()` or `token.is_cancelled()` check;
- awaits wrapped in `ctx.run(..)`, `recv_within(&ctx)`, `send_within(&ctx, ..)`,
  or a call given the context whose error is propagated (`work(&ctx).await?`);
- a `break` or `return` — the loop can end by itself;
- an enclosing `#[cancellable]` function, which checks the context at
  every await.

`while let Some(x) = rx.recv().await` and `while let Some(x) =
stream.next().await` are not flagged: they end when the channel or stream
closes, which is the idiom, and the sender's owner decides when that is.
`while let Ok(conn) = listener.accept().await` is flagged: a listener never
closes by itself. `?` is not a way out: it ends the loop on an error only.

### Why is this bad?
Such a loop runs for as long as the process does. A server's accept loop, a
ticker, a consumer: when their owner shuts down, they keep their sockets,
buffers and the tasks they spawn. Only aborting the task stops them, and
aborting skips every cleanup.

### Example
```rust
async fn tick(mut interval: Interval) {
    loop {
        interval.tick().await;
        flush().await;
    }
}
```

### Use instead
```rust
async fn tick(ctx: &Ctx, mut interval: Interval) {
    loop {
        tokio::select! {
            _ = ctx.done() => break,
            _ = interval.tick() => flush().await,
        }
    }
}
```
"#,
};

/// A `while` condition the loop ends by: anything but `true`, and a
/// `while let` on a stream or channel, but not one on `accept()`, which
/// never runs dry.
pub(crate) fn while_ends_by_itself(cond: &Expr) -> bool {
    match strip(cond) {
        Expr::Lit(l) => !matches!(&l.lit, syn::Lit::Bool(b) if b.value),
        Expr::Let(l) => !awaits_accept(&l.expr),
        _ => true,
    }
}

fn awaits_accept(e: &Expr) -> bool {
    match strip(e) {
        Expr::Await(a) => match strip(&a.base) {
            Expr::MethodCall(m) => m.method == "accept" || m.method == "tick",
            _ => false,
        },
        Expr::Try(t) => awaits_accept(&t.expr),
        _ => false,
    }
}

pub(crate) fn check_loop(checker: &mut Checker<'_>, frame: &LoopFrame) {
    if !checker.enabled(Rule::UncancellableLoop) {
        return;
    }
    let body = checker.body();
    if !body.is_async || body.cancellable.is_some() {
        return;
    }
    if !frame.awaits || frame.exits || frame.ctx_tied {
        return;
    }
    let kw = frame.keyword;
    checker.report(Finding {
        rule: Rule::UncancellableLoop,
        span: frame.span,
        message: format!("this `{kw}` awaits but nothing tied to a context can end it"),
        label: Some("runs until the process exits".to_string()),
        help: "race its waits against the context: `tokio::select! { _ = ctx.done() => break, .. }`, or check `ctx.is_done()`".to_string(),
        note: None,
        suggestion: None,
    });
}
