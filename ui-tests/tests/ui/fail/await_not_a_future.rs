use ctxkit::{Cancelled, cancellable};

#[cancellable]
async fn fetch(id: u64) -> Result<u64, Cancelled> {
    let n = id.await;
    Ok(n)
}

fn main() {}
