use ctxkit::{Cancelled, cancellable};

#[cancellable]
async fn fetch_user(id: u64) -> Result<u64, Cancelled> {
    Ok(id)
}

async fn handler(request_id: u64) -> Result<u64, Cancelled> {
    fetch_user(request_id, 42).await
}

fn main() {
    drop(handler(1));
}
