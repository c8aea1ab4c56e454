//@ flags: -W ctx_in_struct
// Fixture for `ctx_in_struct` (pedantic: allowed by default, enabled above):
// parsed by the checker's tests, never compiled.
use std::sync::Arc;

use ctxkit::Ctx;

struct Worker {
    ctx: Ctx, //~ ctx_in_struct
    jobs: Receiver<Job>,
}

struct Request<'a> {
    parent: &'a Ctx, //~ ctx_in_struct
    maybe: Option<Arc<Ctx>>, //~ ctx_in_struct
}

struct Tuple(ctxkit::Ctx); //~ ctx_in_struct

// No context stored: nothing to report below.
struct Plain {
    jobs: Receiver<Job>,
    cx: std::task::Context<'static>,
}

#[ctxkit::allow(ctx_in_struct)]
struct PerConnection {
    ctx: Ctx,
}

struct FieldAllowed {
    #[ctxkit::allow(ctx_in_struct)]
    ctx: Ctx,
}
