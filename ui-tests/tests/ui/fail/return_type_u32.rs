use ctxkit::cancellable;

#[cancellable]
async fn count() -> u32 {
    tokio::task::yield_now().await;
    1
}

fn main() {}
