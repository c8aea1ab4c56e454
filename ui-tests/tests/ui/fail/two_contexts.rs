use ctxkit::{Cancelled, Ctx, cancellable};

#[cancellable]
async fn copy(from: &Ctx, to: &ctxkit::Ctx) -> Result<(), Cancelled> {
    assert!(!from.is_done() && !to.is_done());
    Ok(())
}

fn main() {}
