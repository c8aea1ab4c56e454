//! Any error that converts from `Cancelled`: the type itself, a boxed error,
//! an enum of the caller's, through a type alias.
#![deny(warnings)]

use std::error::Error;

use ctxkit::{Cancelled, Ctx, cancellable};

#[derive(Debug)]
pub enum AppError {
    Cancelled(Cancelled),
    Io(std::io::Error),
}

impl From<Cancelled> for AppError {
    fn from(c: Cancelled) -> Self {
        AppError::Cancelled(c)
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cancellable]
async fn enum_error() -> AppResult<u8> {
    tokio::task::yield_now().await;
    Err(AppError::Io(std::io::Error::other("disk")))
}

#[cancellable]
async fn boxed() -> Result<u8, Box<dyn Error + Send + Sync>> {
    tokio::task::yield_now().await;
    Ok(1)
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    match enum_error(&ctx).await {
        Err(AppError::Io(e)) => assert_eq!(e.to_string(), "disk"),
        other => panic!("{other:?}"),
    }
    assert_eq!(boxed(&ctx).await.unwrap(), 1);
    cancel.cancel();
    match enum_error(&ctx).await {
        Err(AppError::Cancelled(c)) => assert_eq!(c.to_string(), "context canceled"),
        other => panic!("{other:?}"),
    }
    assert!(
        boxed(&ctx)
            .await
            .unwrap_err()
            .downcast_ref::<Cancelled>()
            .is_some()
    );
}
