use ctxkit::{Cancelled, cancellable};

#[cancellable]
fn fetch(id: u64) -> Result<u64, Cancelled> {
    Ok(id)
}

fn main() {}
