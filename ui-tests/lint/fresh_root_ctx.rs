// Fixture for `fresh_root_ctx`: parsed by the checker's tests, never compiled.
use ctxkit::{cancellable, Ctx};

async fn handle(ctx: &Ctx, req: Request) {
    let audit = Ctx::background(); //~ fresh_root_ctx
    audit.spawn(|c| write_audit(c, req));
}

async fn owned(ctx: Ctx) {
    run(&Ctx::background()).await; //~ fresh_root_ctx
}

fn from_binding(parent: &Ctx) {
    let (child, _cancel) = parent.with_cancel();
    drop(parent);
    let again = ctxkit::Ctx::background(); //~ fresh_root_ctx
}

fn main_like() {
    let root = Ctx::background();
    let second = Ctx::background(); //~ fresh_root_ctx
}

fn in_spawned(ctx: Ctx) {
    let _ = ctx.spawn(|task_ctx| async move {
        let fresh = Ctx::background(); //~ fresh_root_ctx
    });
}

#[cancellable]
async fn cancellable_has_one() -> Result<(), Error> {
    let c = Ctx::background(); //~ fresh_root_ctx
    Ok(())
}

// No context in scope: nothing to report below.
fn main() {
    let root = Ctx::background().with_shutdown_signal();
}

#[test]
fn a_test() {
    let ctx = Ctx::background();
}

fn outer(ctx: &Ctx) {
    fn inner() {
        let root = Ctx::background();
    }
}

fn allowed(ctx: &Ctx) {
    let detached = Ctx::background(); // ctxkit: allow(fresh_root_ctx)
}
