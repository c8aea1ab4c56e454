use ctxkit::{Cancelled, cancellable};

#[cancellable(mode = "rase")]
async fn quick() -> Result<(), Cancelled> {
    Ok(())
}

fn main() {}
