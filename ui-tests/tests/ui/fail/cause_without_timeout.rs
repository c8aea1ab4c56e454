use ctxkit::{Cancelled, cancellable};

#[cancellable(cause = "too slow")]
async fn quick() -> Result<(), Cancelled> {
    Ok(())
}

fn main() {}
