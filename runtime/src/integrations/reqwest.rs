//! Outgoing HTTP calls that carry their context: [`RequestBuilderExt`].
//!
//! ```no_run
//! # async fn call(ctx: &ctxkit::Ctx) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! use ctxkit::integrations::RequestBuilderExt;
//!
//! let client = reqwest::Client::new();
//! // The timeout is what is left of ctx's deadline, sent on as `grpc-timeout`.
//! // `send_ctx` also drops the call as soon as ctx is cancelled for any reason.
//! let resp = client.get("http://127.0.0.1:8080/users/7").send_ctx(ctx).await?;
//! println!("{}", resp.status());
//! # Ok(()) }
//! ```

use std::future::Future;

use ::reqwest::{RequestBuilder, Response};

use super::grpc::{GRPC_TIMEOUT, format_grpc_timeout, remaining};
use super::request_id::{REQUEST_ID_HEADER, RequestId};
use crate::{Cancelled, Ctx, Instant};

/// Why a call made with [`RequestBuilderExt::send_ctx`] failed.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The context ended first: its deadline passed or it was cancelled.
    #[error(transparent)]
    Cancelled(#[from] Cancelled),
    /// The call itself failed.
    #[error(transparent)]
    Http(#[from] ::reqwest::Error),
}

/// Makes a `reqwest` request carry a [`Ctx`].
pub trait RequestBuilderExt {
    /// Bounds the request by what is left of `ctx`'s deadline (reqwest's
    /// `timeout`) and sends that budget as `grpc-timeout`, so the callee's
    /// `CtxLayer` inherits it; passes `ctx`'s
    /// [`RequestId`] on as `x-request-id`. A context without a deadline adds
    /// no timeout.
    ///
    /// Cancellation is not a deadline: to stop the call when `ctx` is
    /// cancelled, await it under [`Ctx::run`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use std::time::Duration;
    /// use ctxkit::integrations::RequestBuilderExt;
    ///
    /// let (ctx, _cancel) = ctxkit::Ctx::background().with_timeout(Duration::from_millis(250));
    /// let req = reqwest::Client::new().get("http://127.0.0.1:1/").with_ctx(&ctx).build().unwrap();
    /// assert_eq!(req.headers()["grpc-timeout"], "250000u");
    /// assert_eq!(req.timeout(), Some(&Duration::from_millis(250)));
    /// # }
    /// ```
    fn with_ctx(self, ctx: &Ctx) -> Self;

    /// Sends the request [`with_ctx`](Self::with_ctx) under [`Ctx::run`]:
    /// the call is dropped as soon as `ctx` ends, and a call cut by the
    /// context's deadline fails with [`CallError::Cancelled`]
    /// (`DeadlineExceeded`), not with reqwest's timeout error, whichever of
    /// the two timers fires first.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use ctxkit::integrations::{RequestBuilderExt, reqwest::CallError};
    ///
    /// let (ctx, cancel) = ctxkit::Ctx::background().with_cancel();
    /// cancel.cancel_with("user left");
    /// let err = reqwest::Client::new().get("http://127.0.0.1:1/").send_ctx(&ctx).await.unwrap_err();
    /// assert!(matches!(err, CallError::Cancelled(c) if c.cause().to_string() == "user left"));
    /// # }
    /// ```
    fn send_ctx(self, ctx: &Ctx) -> impl Future<Output = Result<Response, CallError>> + Send + 'static;
}

impl RequestBuilderExt for RequestBuilder {
    fn with_ctx(self, ctx: &Ctx) -> RequestBuilder {
        let mut req = self;
        if let Some(left) = remaining(ctx) {
            req = req.timeout(left).header(GRPC_TIMEOUT, format_grpc_timeout(left));
        }
        if let Some(id) = ctx.value::<RequestId>() {
            req = req.header(REQUEST_ID_HEADER, id.as_str());
        }
        req
    }

    fn send_ctx(self, ctx: &Ctx) -> impl Future<Output = Result<Response, CallError>> + Send + 'static {
        let send = self.with_ctx(ctx).send();
        let ctx = ctx.clone();
        async move {
            match ctx.run(send).await? {
                Ok(resp) => Ok(resp),
                // reqwest's timer and the context's race at the deadline;
                // report the deadline either way.
                Err(e) if e.is_timeout() && ctx.deadline().is_some_and(|d| d <= Instant::now()) => {
                    ctx.done().await;
                    Err(ctx.check().map_or_else(CallError::from, |()| e.into()))
                }
                Err(e) => Err(e.into()),
            }
        }
    }
}
