use ctxkit::{Cancelled, cancellable};

async fn lookup(id: u64) -> u64 {
    id
}

#[cancellable]
async fn fetch(id: u64) -> Result<String, Cancelled> {
    let user: String = lookup(id).await;
    Ok(user)
}

fn main() {}
