// Fixture for `ctx_not_first`: parsed by the checker's tests, never compiled.
use ctxkit::Ctx;

async fn fetch(url: &str, ctx: &Ctx) -> Result<Bytes, Error> { //~ ctx_not_first
    todo!()
}

fn owned(n: u32, ctx: Ctx) {} //~ ctx_not_first

struct Service;

impl Service {
    async fn call(&self, req: Request, ctx: &ctxkit::Ctx) {} //~ ctx_not_first
}

trait Handler {
    fn handle(&self, req: Request, ctx: &Ctx); //~ ctx_not_first
}

// First, or dictated by a trait: nothing to report below.
async fn good(ctx: &Ctx, url: &str) {}

impl Service {
    fn method(&self, ctx: &Ctx, n: u32) {}
}

impl Handler for Service {
    fn handle(&self, req: Request, ctx: &Ctx) {}
}

fn not_ctx(n: u32, ctx: &Context<'_>) {}

#[ctxkit::allow(ctx_not_first)]
fn allowed(n: u32, ctx: &Ctx) {}
