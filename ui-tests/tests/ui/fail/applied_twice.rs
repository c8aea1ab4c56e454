use ctxkit::{Cancelled, cancellable};

#[cancellable]
#[cancellable(mode = "check")]
async fn twice() -> Result<(), Cancelled> {
    Ok(())
}

fn main() {}
