//! `cancel_unsafe_await`: a cancel-unsafe operation awaited where
//! `#[cancellable]` races it against the context.

use syn::ExprMethodCall;

use crate::checker::{Checker, Mode};
use crate::diagnostic::{Finding, Span};
use crate::known::{self, SendKind};
use crate::registry::{Group, Rule, RuleInfo};

pub(crate) const INFO: RuleInfo = RuleInfo {
    name: "cancel_unsafe_await",
    group: Group::Suspicious,
    summary: "a cancel-unsafe operation awaited unshielded in a racing `#[cancellable]` fn",
    doc: r#"## cancel_unsafe_await (suspicious, warn)

### What it does
In the body of a `#[cancellable]` function in its default, racing mode (not
`mode = "check"`), flags an `.await` directly on an operation that is not
cancel-safe:
- a channel `send(v)` (tokio mpsc, async-channel, futures, or an unknown
  sender type): a cancelled send drops its message;
- `write_all(..)`: cancelled half-way, part of the buffer is written;
- `read_exact(..)`, `read_to_end(..)`, `read_to_string(..)`: cancelled
  half-way, the bytes read so far are lost;
- `lock()` (an async `Mutex`): a cancelled wait loses its place in the
  queue.

Awaits inside `ctxkit::shield(..)`, nested closures and `async` blocks are
not raced by the macro and not flagged.

### Why is this bad?
`#[cancellable]` races every await of the function against the context, as
`tokio::select!` does. When the context ends first, the operation's future
is dropped in the middle, and these operations lose data or leave a stream
in an unknown state when that happens.

### Example
```rust
#[cancellable]
async fn forward(tx: mpsc::Sender<Event>, ev: Event) -> Result<(), Error> {
    tx.send(ev).await?;
    Ok(())
}
```

### Use instead
```rust
#[cancellable]
async fn forward(tx: mpsc::Sender<Event>, ev: Event) -> Result<(), Error> {
    tx.send_within(ctx, ev).await?; // gives the event back on cancellation
    Ok(())
}
```
or `ctxkit::shield(stream.write_all(buf)).await?` for a step that must not
be cut in half, or `#[cancellable(mode = "check")]`, which only checks the
context between awaits.
"#,
};

pub(crate) fn check_awaited(checker: &mut Checker<'_>, m: &ExprMethodCall, await_span: proc_macro2::Span) {
    if !checker.enabled(Rule::CancelUnsafeAwait) {
        return;
    }
    if checker.body().cancellable != Some(Mode::Race) {
        return;
    }
    let name = m.method.to_string();
    let (what, help) = match (name.as_str(), m.args.len()) {
        ("send", 1) => {
            let ty = checker.infer(&m.receiver).filter(|t| !t.path.is_empty());
            let channel = match ty {
                Some(t) => known::sender_kind(&t.path) == Some(SendKind::Async),
                None => !super::untimed_send::looks_like_io(&m.receiver, &m.args[0]),
            };
            if !channel {
                return;
            }
            let tx = checker.short_text(&*m.receiver, "tx");
            (
                "a cancelled send drops its message".to_string(),
                format!(
                    "use `{tx}.send_within(ctx, v).await`, which gives the value back on cancellation, or `ctxkit::shield({tx}.send(v)).await`"
                ),
            )
        }
        ("write_all", 1) => (
            "cancelled half-way, part of the buffer is written".to_string(),
            "shield it so it completes: `ctxkit::shield(w.write_all(buf)).await`, or use `#[cancellable(mode = \"check\")]`".to_string(),
        ),
        ("read_exact" | "read_to_end" | "read_to_string", 1) => (
            "cancelled half-way, the bytes read so far are lost".to_string(),
            "shield it so it completes: `ctxkit::shield(r.read_exact(buf)).await`, or use `#[cancellable(mode = \"check\")]`".to_string(),
        ),
        ("lock", 0) => (
            "a cancelled wait loses its place in the lock's queue".to_string(),
            "shield it, `ctxkit::shield(m.lock()).await`, or use `#[cancellable(mode = \"check\")]`".to_string(),
        ),
        _ => return,
    };
    let end = if await_span.start().line == 0 {
        m.paren_token.span.close()
    } else {
        await_span
    };
    let mut span = Span::between(m.method.span(), end);
    if span.start.line != span.end.line {
        span = Span::from_pm2(m.method.span());
    }
    checker.report(Finding {
        rule: Rule::CancelUnsafeAwait,
        span,
        message: format!("`{name}` is raced against the context by `#[cancellable]`: {what}"),
        label: Some("not cancel-safe".to_string()),
        help,
        note: None,
        suggestion: None,
    });
}
