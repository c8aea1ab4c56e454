//! Outgoing HTTP calls that carry their context: [`RequestBuilderExt`].
//!
//! ```no_run
//! # async fn call(ctx: &ctxkit::Ctx) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! use ctxkit::integrations::RequestBuilderExt;
//!
//! let client = reqwest::Client::new();
//! // The timeout is what is left of ctx's deadline, sent on as `grpc-timeout`;
//! // `ctx.run` drops the call as soon as ctx is cancelled for any reason.
//! let resp = ctx.run(client.get("http://127.0.0.1:8080/users/7").with_ctx(ctx).send()).await??;
//! println!("{}", resp.status());
//! # Ok(()) }
//! ```

use ::reqwest::RequestBuilder;

use super::grpc::{GRPC_TIMEOUT, format_grpc_timeout, remaining};
use super::request_id::{REQUEST_ID_HEADER, RequestId};
use crate::Ctx;

/// Makes a `reqwest` request carry a [`Ctx`].
pub trait RequestBuilderExt {
    /// Bounds the request by what is left of `ctx`'s deadline (reqwest's
    /// `timeout`) and sends that budget as `grpc-timeout`, so the callee's
    /// [`CtxLayer`](super::CtxLayer) inherits it; passes `ctx`'s
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
}
