//! `untimed_http`: HTTP clients and requests with no timeout (Go's `noctx`).

use syn::{Expr, ExprCall, ExprMethodCall};

use crate::checker::{Checker, call_span, chain_methods, chain_root, method_span};
use crate::diagnostic::Finding;
use crate::known;
use crate::registry::{Group, Rule, RuleInfo};

pub(crate) const INFO: RuleInfo = RuleInfo {
    name: "untimed_http",
    group: Group::Suspicious,
    summary: "an HTTP client or request with no timeout",
    doc: r#"## untimed_http (suspicious, warn)

### What it does
Flags HTTP calls that can wait for ever:
- `reqwest::get(..)` (it uses a client with no timeout);
- `reqwest::Client::new()` / `Client::default()`, and a
  `Client::builder()..build()` chain with no `.timeout(..)` (or
  `.read_timeout(..)`);
- hyper client requests (`client.request(req)`, `client.get(uri)`,
  `sender.send_request(req)`) on a `hyper::Client`,
  `hyper_util::client::legacy::Client` or `SendRequest`, awaited with no
  timeout around them.

Calls inside `tokio::time::timeout(..)`, `ctx.run(..)` or a `select!` with a
`ctx.done()` branch are bounded and not flagged. reqwest's blocking client
has a 30 s default timeout and is not flagged.

### Why is this bad?
An HTTP request with no timeout waits as long as the server (or a stalled
connection) lets it: minutes, or for ever. Each stuck request holds a task,
a connection and whatever the caller holds. Go's `noctx` flags requests
made without a context for the same reason.

### Example
```rust
let body = reqwest::get(url).await?.text().await?;
```

### Use instead
```rust
let client = reqwest::Client::builder()
    .timeout(Duration::from_secs(10))
    .build()?;
let body = ctx.run(async { client.get(url).send().await?.text().await }).await??;
```
"#,
};

fn report(checker: &mut Checker<'_>, span: crate::diagnostic::Span, message: String, help: &str) {
    checker.report(Finding {
        rule: Rule::UntimedHttp,
        span,
        message,
        label: Some("no timeout".to_string()),
        help: help.to_string(),
        note: None,
        suggestion: None,
    });
}

pub(crate) fn check_call(
    checker: &mut Checker<'_>,
    c: &ExprCall,
    callee: &syn::Path,
    resolved: &str,
    _awaited: bool,
) {
    if !checker.enabled(Rule::UntimedHttp) || checker.is_bounded() {
        return;
    }
    let span = call_span(callee, &c.paren_token);
    match resolved {
        "reqwest::get" => report(
            checker,
            span,
            "`reqwest::get` sends a request with no timeout".to_string(),
            "build one client with `.timeout(..)` and reuse it, or bound the call: `ctx.run(reqwest::get(url)).await`",
        ),
        "reqwest::Client::new"
        | "reqwest::Client::default"
        | "hyper::Client::new"
        | "hyper::client::Client::new" => {
            let what = checker.short_text(callee, "Client::new").to_string();
            let help = if resolved.starts_with("reqwest") {
                "set one: `reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?`"
            } else {
                "hyper has no client timeout: bound each request with `ctx.run(..)` or `tokio::time::timeout(..)`"
            };
            report(
                checker,
                span,
                format!("`{what}()` builds an HTTP client with no timeout"),
                help,
            );
        }
        _ => {}
    }
}

pub(crate) fn check_method(checker: &mut Checker<'_>, m: &ExprMethodCall, awaited: bool) {
    if !checker.enabled(Rule::UntimedHttp) || checker.is_bounded() {
        return;
    }
    let name = m.method.to_string();
    match name.as_str() {
        "build" => check_builder(checker, m),
        "request" | "get" | "send_request" if awaited => {
            let Some(ty) = checker.infer(&m.receiver) else {
                return;
            };
            if !known::HYPER_CLIENT_TYPES.contains(&ty.path.as_str()) {
                return;
            }
            report(
                checker,
                method_span(m),
                format!("hyper `{name}` awaited with no timeout"),
                "bound it: `ctx.run(client.request(req)).await`, or `tokio::time::timeout(d, ..)`",
            );
        }
        _ => {}
    }
}

/// `reqwest::Client::builder()...build()` with no timeout in the chain.
fn check_builder(checker: &mut Checker<'_>, m: &ExprMethodCall) {
    let Expr::Call(root) = chain_root(&m.receiver) else {
        return;
    };
    let Expr::Path(p) = &*root.func else {
        return;
    };
    let res = checker.resolve(&p.path);
    if res.path != "reqwest::Client::builder" && res.path != "reqwest::ClientBuilder::new" {
        return;
    }
    let has_timeout = chain_methods(&m.receiver)
        .iter()
        .any(|i| *i == "timeout" || *i == "read_timeout");
    if has_timeout {
        return;
    }
    let what = checker.short_text(&p.path, "Client::builder").to_string();
    report(
        checker,
        call_span(&p.path, &root.paren_token),
        format!("`{what}()` chain builds an HTTP client with no `.timeout(..)`"),
        "add one before `.build()`: `.timeout(Duration::from_secs(30))`",
    );
}
