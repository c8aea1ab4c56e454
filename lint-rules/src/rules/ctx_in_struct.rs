//! `ctx_in_struct`: a context stored in a struct field (Go's `containedctx`).

use syn::Field;
use syn::spanned::Spanned;

use crate::checker::Checker;
use crate::diagnostic::{Finding, Span};
use crate::registry::{Group, Rule, RuleInfo};

pub(crate) const INFO: RuleInfo = RuleInfo {
    name: "ctx_in_struct",
    group: Group::Pedantic,
    summary: "a `Ctx` stored in a struct field",
    doc: r#"## ctx_in_struct (pedantic, allow)

### What it does
Flags a struct field whose type holds a `Ctx`: `Ctx`, `&Ctx`,
`Option<Ctx>`, `Arc<Ctx>` and so on.

### Why is this bad?
A context belongs to an operation: a request, a job, a connection. Stored in
a struct, it outlives that operation and gets used for the next one, whose
deadline and cancellation it does not carry; and the methods that use it no
longer show in their signatures that they can be cancelled. Go's
`containedctx` flags the same. There are good exceptions — a per-connection
or per-worker struct that lives exactly as long as its context — so the
rule is pedantic (allowed by default).

### Example
```rust
struct Worker {
    ctx: Ctx,
    jobs: mpsc::Receiver<Job>,
}
```

### Use instead
```rust
struct Worker {
    jobs: mpsc::Receiver<Job>,
}
impl Worker {
    async fn run(&mut self, ctx: &Ctx) { .. }
}
```
"#,
};

pub(crate) fn check_field(checker: &mut Checker<'_>, field: &Field) {
    if !checker.enabled(Rule::CtxInStruct) || !checker.mentions_ctx(&field.ty) {
        return;
    }
    let start = match &field.ident {
        Some(i) => i.span(),
        None => field.ty.span(),
    };
    let span = Span::between(start, field.ty.span());
    checker.report(Finding {
        rule: Rule::CtxInStruct,
        span,
        message: "`Ctx` stored in a struct field outlives the operation it was made for".to_string(),
        label: Some("stored context".to_string()),
        help: "pass the context to the methods that need it: `fn run(&self, ctx: &Ctx)`".to_string(),
        note: None,
        suggestion: None,
    });
}
