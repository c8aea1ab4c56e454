use ctxkit::cancellable;

#[derive(Debug)]
enum AppError {
    NotFound,
}

#[cancellable]
async fn load(id: u64) -> Result<u64, AppError> {
    tokio::task::yield_now().await;
    if id == 0 { Err(AppError::NotFound) } else { Ok(id) }
}

fn main() {}
