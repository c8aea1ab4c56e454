//! `untimed_send`: a channel send that can wait for ever.

use syn::{Expr, ExprMethodCall};

use crate::checker::{Checker, method_span};
use crate::diagnostic::Finding;
use crate::known::{self, Flavor, SendKind};
use crate::registry::{Group, Rule, RuleInfo};

pub(crate) const INFO: RuleInfo = RuleInfo {
    name: "untimed_send",
    group: Group::Correctness,
    summary: "a channel send with no timeout and no context, which waits for ever on a full channel",
    doc: r#"## untimed_send (correctness, deny)

### What it does
Flags a `send(..)` on a bounded channel that can wait with nothing to end
the wait:
- awaited sends — tokio `mpsc::Sender`, `async_channel`, `futures` mpsc,
  `flume`'s `send_async`, `kanal`'s async sender — and tokio's
  `blocking_send`;
- blocking sends — std's `SyncSender`, `crossbeam_channel` and `flume`
  senders made bounded (or of unknown capacity).

The receiver's type is taken from what the source states: parameter types,
`let` annotations, `let (tx, rx) = tokio::sync::mpsc::channel(8)`, struct
fields through `self`, type aliases. A send that cannot wait (std's
`mpsc::Sender`, unbounded senders, `broadcast`, `watch`, `oneshot`) is not
flagged, nor is a `send` on a known type that is not a channel (a
`Mailer::send`). An awaited `.send(value)` on a receiver of unknown type is
treated as a channel send, unless it looks like I/O: its argument is a
reference or a byte string (`&buf`, `b"ping"`), or the receiver is named
for a socket, stream, connection, writer or sink (`socket`, `udp_sock`,
`self.conn`).

A send is bounded, and not flagged, when it is:
- inside `tokio::time::timeout(..)` (or any `timeout`/`timeout_at`), or
  followed by `.timeout(..)`;
- inside `ctx.run(..)` or `token.run_until_cancelled(..)`;
- a branch of a `select!` that also waits on `ctx.done()`,
  `token.cancelled()` or a timer;
- in the body of a `#[cancellable]` function (there `cancel_unsafe_await`
  judges it).

### Why is this bad?
A bounded channel is full when its consumer is slow, stuck, or gone without
closing the receiver. A send with no bound then waits for ever, and the
task (or thread) that sends leaks with everything it holds — Go's classic
"blocked goroutine on channel send".

### Example
```rust
async fn produce(tx: mpsc::Sender<Job>, job: Job) {
    tx.send(job).await.ok();
}
```

### Use instead
```rust
async fn produce(ctx: &Ctx, tx: mpsc::Sender<Job>, job: Job) -> Result<(), SendError<Job>> {
    tx.send_within(ctx, job).await // gives the job back if cancelled
}
```
or race it: `tokio::select! { _ = ctx.done() => .., r = tx.send(job) => .. }`.
For blocking senders, use `send_timeout(v, d)` (crossbeam, flume) or
`try_send(v)`.
"#,
};

pub(crate) fn check_method(checker: &mut Checker<'_>, m: &ExprMethodCall, awaited: bool) {
    if !checker.enabled(Rule::UntimedSend) {
        return;
    }
    let name = m.method.to_string();
    let one_arg = m.args.len() == 1;
    match name.as_str() {
        "send" | "send_async" if one_arg => {}
        "blocking_send" if one_arg => {}
        _ => return,
    }
    let ty = checker.infer(&m.receiver).filter(|t| !t.path.is_empty());
    let kind = match (&ty, name.as_str()) {
        (_, "blocking_send") => Some(SendKind::Blocking),
        (Some(t), _) => match known::sender_kind(&t.path) {
            Some(_) if t.flavor == Flavor::Unbounded => None,
            Some(SendKind::Blocking) if name == "send_async" => Some(SendKind::Async),
            other => other,
        },
        (None, _) => {
            if awaited && !looks_like_io(&m.receiver, &m.args[0]) {
                Some(SendKind::Async)
            } else {
                None
            }
        }
    };
    let tx = checker.short_text(&*m.receiver, "tx");
    match kind {
        Some(SendKind::Async) if awaited || name == "blocking_send" => {
            if name != "blocking_send" && (checker.is_bounded() || checker.body().cancellable.is_some()) {
                return;
            }
            let help = if name == "blocking_send" {
                format!("send from async code with a bound instead: `{tx}.send_within(&ctx, v).await`")
            } else {
                format!(
                    "bound the wait: `{tx}.send_within(&ctx, v).await`, or race it with `ctx.done()` in `tokio::select!`"
                )
            };
            checker.report(Finding {
                rule: Rule::UntimedSend,
                span: method_span(m),
                message: format!("`{name}` with no timeout waits for ever if the channel stays full"),
                label: Some("no timeout, no context".to_string()),
                help,
                note: None,
                suggestion: None,
            });
        }
        Some(SendKind::Blocking) if !awaited => {
            let path = ty.map(|t| t.path).unwrap_or_default();
            let help = if name == "blocking_send" {
                format!("send from async code with a bound instead: `{tx}.send_within(&ctx, v).await`")
            } else if path == "std::sync::mpsc::SyncSender" {
                format!("use `{tx}.try_send(v)` and handle a full channel, or a channel with a timed send")
            } else {
                format!("use `{tx}.send_timeout(v, timeout)` and handle the timeout")
            };
            checker.report(Finding {
                rule: Rule::UntimedSend,
                span: method_span(m),
                message: if name == "blocking_send" {
                    "`blocking_send` blocks the thread for ever if the channel stays full".to_string()
                } else {
                    format!("blocking `{name}` waits for ever if the channel stays full")
                },
                label: Some("blocks with no timeout".to_string()),
                help,
                note: None,
                suggestion: None,
            });
        }
        _ => {}
    }
}

/// A send on a socket or stream rather than a channel: it takes bytes by
/// reference (`&buf`, `b"ping"`), or its receiver is named for one.
pub(crate) fn looks_like_io(receiver: &Expr, arg: &Expr) -> bool {
    let bytes_arg = match crate::checker::strip(arg) {
        Expr::Lit(l) => matches!(l.lit, syn::Lit::ByteStr(_)),
        _ => false,
    } || matches!(arg, Expr::Reference(_));
    let name = match crate::checker::strip(receiver) {
        Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        Expr::Field(f) => match &f.member {
            syn::Member::Named(n) => Some(n.to_string()),
            syn::Member::Unnamed(_) => None,
        },
        _ => None,
    }
    .unwrap_or_default()
    .to_lowercase();
    bytes_arg
        || [
            "sock",
            "stream",
            "conn",
            "socket",
            "ws",
            "websocket",
            "udp",
            "tcp",
            "writer",
            "sink",
        ]
        .iter()
        .any(|w| name == *w || name.contains("sock") || name.ends_with(&format!("_{w}")))
}
