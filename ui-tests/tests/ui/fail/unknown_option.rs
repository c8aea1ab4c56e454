use ctxkit::{Cancelled, cancellable};

#[cancellable(timout = "5s")]
async fn slow() -> Result<(), Cancelled> {
    Ok(())
}

fn main() {}
