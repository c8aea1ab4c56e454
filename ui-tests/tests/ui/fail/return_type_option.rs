use ctxkit::cancellable;

#[cancellable]
async fn find(id: u64) -> Option<u64> {
    tokio::task::yield_now().await;
    Some(id)
}

fn main() {}
