use ctxkit::{Cancelled, cancellable};

#[cancellable(timeout = "5 seconds or so")]
async fn slow() -> Result<(), Cancelled> {
    Ok(())
}

fn main() {}
