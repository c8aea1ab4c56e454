// Fixture for `discarded_cancel`: parsed by the checker's tests, never compiled.
use std::time::{Duration, Instant};

use ctxkit::Ctx;

async fn lost(parent: &Ctx, at: Instant) -> Result<(), Error> {
    let (ctx, _) = parent.with_timeout(Duration::from_secs(5)); //~ discarded_cancel
    let (a, _) = parent.with_cancel(); //~ discarded_cancel
    let (b, _) = parent.with_deadline(at); //~ discarded_cancel
    let (c, _) = parent.with_timeout_cause(Duration::from_secs(1), "slow"); //~ discarded_cancel
    let (d, _): (Ctx, CancelHandle) = parent.with_deadline_cause(at, "late"); //~ discarded_cancel
    let (e, _) = Ctx::with_cancel(parent); //~ discarded_cancel
    let f = parent.with_cancel().0; //~ discarded_cancel
    let g;
    (g, _) = parent.with_cancel(); //~ discarded_cancel
    fetch(&ctx).await
}

// Kept handles: nothing to report below.
async fn kept(parent: &Ctx) -> Result<(), Error> {
    let (ctx, _cancel) = parent.with_timeout(Duration::from_secs(5));
    let (child, cancel) = parent.with_cancel();
    cancel.disarm();
    let (x, y) = pair();
    let (z, _) = other.split();
    fetch(&ctx).await
}

fn allowed(parent: &Ctx) {
    // ctxkit: allow(discarded_cancel)
    let (ctx, _) = parent.with_cancel();
}
