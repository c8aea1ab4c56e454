//! `unbounded_channel`: a channel with no capacity limit.

use syn::ExprCall;

use crate::checker::{Checker, call_span};
use crate::diagnostic::{Finding, Suggestion};
use crate::known;
use crate::registry::{Group, Rule, RuleInfo};

pub(crate) const INFO: RuleInfo = RuleInfo {
    name: "unbounded_channel",
    group: Group::Suspicious,
    summary: "a channel with no capacity limit, where a slow consumer turns into unbounded memory",
    doc: r#"## unbounded_channel (suspicious, warn)

### What it does
Flags the constructors of unbounded channels: tokio's
`mpsc::unbounded_channel()`, `crossbeam_channel::unbounded()`,
`flume::unbounded()`, `async_channel::unbounded()`,
`futures::channel::mpsc::unbounded()`, `kanal::unbounded()`, and std's
`mpsc::channel()`.

std's `mpsc::channel()` is flagged too: despite its name it is unbounded
(only `mpsc::sync_channel(n)` has a capacity). tokio's `mpsc::channel(n)`,
which is bounded, is not flagged: imports are resolved, so `mpsc::channel`
means whichever `mpsc` the file imported.

### Why is this bad?
An unbounded channel never pushes back. When the consumer is slower than
the producer — or stuck, or gone without closing the receiver — messages
pile up until the process runs out of memory. A bounded channel makes the
producer wait (with a timeout or a context), which is where the problem
shows up and can be handled.

### Example
```rust
let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
```

### Use instead
```rust
let (tx, rx) = tokio::sync::mpsc::channel(1024);
// and send with a bound: tx.send_within(&ctx, job).await
```
If the channel must be unbounded (its producer is bounded by other means),
say so: `#[ctxkit::allow(unbounded_channel)]` or `// ctxkit: allow(unbounded_channel)`.
"#,
};

pub(crate) fn check_call(checker: &mut Checker<'_>, c: &ExprCall, callee: &syn::Path, resolved: &str) {
    if !checker.enabled(Rule::UnboundedChannel) {
        return;
    }
    let Some(bounded) = known::unbounded_fn(resolved) else {
        return;
    };
    let span = call_span(callee, &c.paren_token);
    let written = checker.text(span).map(str::to_string);
    let prefix = match callee.segments.len() {
        0 | 1 => String::new(),
        n => {
            let mut s = String::new();
            for seg in callee.segments.iter().take(n - 1) {
                s.push_str(&seg.ident.to_string());
                s.push_str("::");
            }
            s
        }
    };
    let replacement = if callee.segments.len() == 1 {
        // `unbounded()` after a glob import: name the bounded one in full.
        let module = resolved.rsplit_once("::").map(|(m, _)| m).unwrap_or("");
        format!("{module}::{bounded}(CAPACITY)")
    } else {
        format!("{prefix}{bounded}(CAPACITY)")
    };
    let what = written.unwrap_or_else(|| format!("{resolved}()"));
    let suggestion = checker.text(span).map(|_| Suggestion {
        span,
        replacement: replacement.clone(),
    });
    checker.report(Finding {
        rule: Rule::UnboundedChannel,
        span,
        message: format!("`{what}` has no capacity limit: a slow consumer turns into unbounded memory"),
        label: Some("unbounded".to_string()),
        help: format!("use a bounded channel: `{replacement}`"),
        note: None,
        suggestion,
    });
}
