use ctxkit::{Cancelled, cancellable};

struct Store;

#[cancellable]
impl Store {
    async fn get(&self) -> Result<u32, Cancelled> {
        Ok(1)
    }
}

fn main() {}
