use ctxkit::{Cancelled, cancellable};

#[cancellable(ctx = parent)]
async fn render(parent: u64) -> Result<u64, Cancelled> {
    Ok(parent)
}

fn main() {}
