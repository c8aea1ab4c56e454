//! tonic glue: [`CtxInterceptor`] gives each incoming call a context bounded
//! by its `grpc-timeout`; [`RequestExt::with_ctx`] sends a context's deadline
//! on with an outgoing call.
//!
//! ```
//! use std::time::Duration;
//! use ctxkit::{Ctx, integrations::{CtxInterceptor, RequestExt}};
//! use tonic::service::Interceptor;
//!
//! // Server side: `MyServer::with_interceptor(svc, CtxInterceptor::new(root))`.
//! let mut interceptor = CtxInterceptor::new(Ctx::background()).timeout(Duration::from_secs(10));
//! let mut incoming = tonic::Request::new(());
//! incoming.metadata_mut().insert("grpc-timeout", "300m".parse().unwrap());
//! let incoming = interceptor.call(incoming).unwrap();
//! let ctx = ctxkit::integrations::tonic::request_ctx(&incoming).unwrap();
//! assert!(ctx.deadline().is_some());
//!
//! // Client side: the next hop gets what is left.
//! let outgoing = tonic::Request::new("payload").with_ctx(ctx);
//! assert!(outgoing.metadata().get("grpc-timeout").is_some());
//! ```
//!
//! An interceptor sees the call's start, not its end, so the context it
//! makes ends at its deadline or when the root is cancelled, not when the
//! call returns. For a context that also ends with the call (and a handler
//! dropped at its deadline), serve through `CtxLayer`,
//! which reads `grpc-timeout` too.

use std::time::Duration;

use tonic::service::Interceptor;
use tonic::{Request, Status};

use super::grpc::{GRPC_TIMEOUT, parse_grpc_timeout, remaining};
use super::request_id::{REQUEST_ID_HEADER, RequestId};
use crate::Ctx;

/// A tonic interceptor that puts a child of the root context into each
/// request's extensions, with the earlier of its own timeout and the caller's
/// `grpc-timeout` as deadline, and a [`RequestId`] value (from
/// `x-request-id` or fresh). Read it back with [`request_ctx`].
#[derive(Clone, Debug)]
pub struct CtxInterceptor {
    root: Ctx,
    timeout: Option<Duration>,
}

impl CtxInterceptor {
    /// Contexts will be children of `root`: cancelling it cancels every call
    /// in flight.
    pub fn new(root: Ctx) -> CtxInterceptor {
        CtxInterceptor { root, timeout: None }
    }

    /// Each call may run at most `timeout`, less if its caller says so.
    pub fn timeout(mut self, timeout: Duration) -> CtxInterceptor {
        self.timeout = Some(timeout);
        self
    }
}

impl Interceptor for CtxInterceptor {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        let from_caller = request
            .metadata()
            .get(GRPC_TIMEOUT)
            .and_then(|v| parse_grpc_timeout(v.as_encoded_bytes()));
        let timeout = match (self.timeout, from_caller) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let (ctx, cancel) = match timeout {
            Some(t) => self.root.with_timeout(t),
            None => self.root.with_cancel(),
        };
        // Nothing here sees the call end: the deadline and the root end it.
        cancel.disarm();
        let id = request
            .metadata()
            .get(REQUEST_ID_HEADER)
            .and_then(|v| RequestId::from_header(v.as_encoded_bytes()))
            .unwrap_or_else(RequestId::generate);
        request.extensions_mut().insert(ctx.with_value(id));
        Ok(request)
    }
}

/// The context [`CtxInterceptor`] (or `CtxLayer`) put on
/// an incoming request.
///
/// ```
/// assert!(ctxkit::integrations::tonic::request_ctx(&tonic::Request::new(())).is_none());
/// ```
pub fn request_ctx<T>(request: &Request<T>) -> Option<&Ctx> {
    request.extensions().get::<Ctx>()
}

/// Makes an outgoing tonic request carry a [`Ctx`].
pub trait RequestExt {
    /// Sets the call's timeout (tonic's `set_timeout`, sent as
    /// `grpc-timeout`) to what is left of `ctx`'s deadline, and passes its
    /// [`RequestId`] on as `x-request-id`. To stop the call when `ctx` is
    /// cancelled, await it under [`Ctx::run`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use std::time::Duration;
    /// use ctxkit::integrations::RequestExt;
    /// let (ctx, _cancel) = ctxkit::Ctx::background().with_timeout(Duration::from_millis(40));
    /// let req = tonic::Request::new(()).with_ctx(&ctx);
    /// assert_eq!(req.metadata().get("grpc-timeout").unwrap(), "40000000n");
    /// # }
    /// ```
    fn with_ctx(self, ctx: &Ctx) -> Self;
}

impl<T> RequestExt for Request<T> {
    fn with_ctx(mut self, ctx: &Ctx) -> Self {
        if let Some(left) = remaining(ctx) {
            self.set_timeout(left);
        }
        if let Some(value) = ctx.value::<RequestId>().and_then(|id| id.as_str().parse().ok()) {
            self.metadata_mut().insert(REQUEST_ID_HEADER, value);
        }
        self
    }
}
