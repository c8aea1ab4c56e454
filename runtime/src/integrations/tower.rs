//! [`CtxLayer`]: a context for every request, Go's request-context middleware
//! for tower services (axum, tonic, hyper).
//!
//! Each request gets a child of the server's root context, stored in its
//! extensions, with
//! - a deadline: the layer's [`timeout`](CtxLayer::timeout), the caller's
//!   `grpc-timeout` header, or a deadline already on the request's context
//!   (from an outer `CtxLayer`), whichever comes first — a deadline is never
//!   extended;
//! - a [`RequestId`]: the `x-request-id` header if it is sane, else a fresh
//!   one; it is echoed on the response.
//!
//! The request's context ends with the request:
//! - past its deadline, the handler's future is dropped and the client gets
//!   `504 Gateway Timeout` (see [`timeout_status`](CtxLayer::timeout_status));
//! - when the root is cancelled (server shutdown), in-flight handlers are
//!   dropped with the root's cause and get `503 Service Unavailable`;
//! - when the client goes away, the handler is dropped (by the server) and the
//!   context is cancelled with the cause "client went away";
//! - when the response is ready, the context is cancelled ("request
//!   finished"), so tasks the handler spawned with `ctx.spawn` do not outlive
//!   it. Work meant to outlive the response takes `ctx.without_cancel()`.
//!
//! A handler that reacts to its context itself (`ctx.run(..)`, `ctx.check()?`)
//! gets to answer: the layer polls the handler once more after the context
//! ends, and cuts it only if it is still pending.
//!
//! With axum, apply it to the whole router with `.layer(..)` and tighten
//! single routes with `.route_layer(..)`: the inner layer makes a child of the
//! outer one's context.
//!
//! ```no_run
//! # #[tokio::main] async fn main() -> std::io::Result<()> {
//! use std::time::Duration;
//! use axum::{Router, routing::get};
//! use ctxkit::{Ctx, integrations::CtxLayer};
//!
//! async fn report(ctx: Ctx) -> Result<String, ctxkit::Cancelled> {
//!     ctx.run(async { "slow report".to_string() }).await
//! }
//!
//! let root = Ctx::background().with_shutdown_signal();
//! let app = Router::new()
//!     .route("/report", get(report).route_layer(CtxLayer::new(root.clone()).timeout(Duration::from_secs(2))))
//!     .layer(CtxLayer::new(root.clone()).timeout(Duration::from_secs(10)));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app).with_graceful_shutdown(root.clone().done_owned()).await?;
//! root.shutdown("server stopped", Duration::from_secs(5)).await;
//! # Ok(()) }
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::{HeaderValue, Request, Response, StatusCode};
use tower_layer::Layer;
use tower_service::Service;

use super::RequestId;
use super::grpc::{GRPC_TIMEOUT, parse_grpc_timeout};
use super::request_id::REQUEST_ID_HEADER;
use crate::cause::{Cause, CtxError, StaticMessage};
use crate::tree::Node;
use crate::{CancelHandle, Ctx, DoneOwned, Instant};

static FINISHED: StaticMessage = StaticMessage("request finished");
static CLIENT_GONE: StaticMessage = StaticMessage("client went away");
static CLIENT_GONE_AT_DEADLINE: StaticMessage = StaticMessage("client went away at the request's deadline");

/// A deadline received as `grpc-timeout` is relative, so each hop places it a
/// little later than its caller did (by the time the request was in flight).
/// A caller that goes away this close to the deadline has given up because of
/// it: the request ends with `DeadlineExceeded`, as it would a moment later.
const DEADLINE_SLACK: Duration = Duration::from_millis(25);

/// Gives each request a child of a root context; see the [module
/// docs](self).
///
/// ```
/// use std::time::Duration;
/// use ctxkit::integrations::CtxLayer;
///
/// let layer = CtxLayer::new(ctxkit::Ctx::background())
///     .timeout(Duration::from_secs(5))
///     .timeout_status(http::StatusCode::REQUEST_TIMEOUT);
/// # drop(layer);
/// ```
#[derive(Clone)]
pub struct CtxLayer {
    settings: Arc<Settings>,
}

#[derive(Clone)]
struct Settings {
    root: Ctx,
    timeout: Option<Duration>,
    timeout_status: StatusCode,
    cancelled_status: StatusCode,
    read_grpc_timeout: bool,
}

impl CtxLayer {
    /// Request contexts will be children of `root`; cancelling it cancels
    /// every request in flight. No timeout until [`timeout`](Self::timeout)
    /// sets one.
    pub fn new(root: Ctx) -> CtxLayer {
        CtxLayer {
            settings: Arc::new(Settings {
                root,
                timeout: None,
                timeout_status: StatusCode::GATEWAY_TIMEOUT,
                cancelled_status: StatusCode::SERVICE_UNAVAILABLE,
                read_grpc_timeout: true,
            }),
        }
    }

    fn with(mut self, f: impl FnOnce(&mut Settings)) -> CtxLayer {
        f(Arc::make_mut(&mut self.settings));
        self
    }

    /// Each request may run at most `timeout`, less if its caller's
    /// `grpc-timeout` or an outer layer says so.
    pub fn timeout(self, timeout: Duration) -> CtxLayer {
        self.with(|s| s.timeout = Some(timeout))
    }

    /// The status of a request cut at its deadline; `504 Gateway Timeout`
    /// unless set.
    pub fn timeout_status(self, status: StatusCode) -> CtxLayer {
        self.with(|s| s.timeout_status = status)
    }

    /// The status of a request cut because the root was cancelled (server
    /// shutdown); `503 Service Unavailable` unless set.
    pub fn cancelled_status(self, status: StatusCode) -> CtxLayer {
        self.with(|s| s.cancelled_status = status)
    }

    /// Whether to honour the caller's `grpc-timeout` header (on unless set):
    /// turn it off on a public edge that should not trust its clients'
    /// budgets.
    pub fn read_grpc_timeout(self, read: bool) -> CtxLayer {
        self.with(|s| s.read_grpc_timeout = read)
    }
}

impl fmt::Debug for CtxLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.settings;
        f.debug_struct("CtxLayer")
            .field("root", &s.root)
            .field("timeout", &s.timeout)
            .field("timeout_status", &s.timeout_status)
            .field("cancelled_status", &s.cancelled_status)
            .field("read_grpc_timeout", &s.read_grpc_timeout)
            .finish()
    }
}

impl<S> Layer<S> for CtxLayer {
    type Service = CtxService<S>;

    fn layer(&self, inner: S) -> CtxService<S> {
        CtxService {
            inner,
            settings: self.settings.clone(),
        }
    }
}

/// The service [`CtxLayer`] wraps around another.
#[derive(Clone)]
pub struct CtxService<S> {
    inner: S,
    settings: Arc<Settings>,
}

impl<S> fmt::Debug for CtxService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CtxService").finish_non_exhaustive()
    }
}

fn earliest(a: Option<Duration>, b: Option<Duration>) -> Option<Duration> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for CtxService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<ReqBody>) -> Self::Future {
        let s = &*self.settings;
        let from_caller = if s.read_grpc_timeout {
            req.headers().get(GRPC_TIMEOUT).and_then(parse_grpc_timeout)
        } else {
            None
        };
        let outer = req.extensions_mut().remove::<Ctx>();
        let parent = outer.as_ref().unwrap_or(&s.root);
        let (mut ctx, cancel) = match earliest(s.timeout, from_caller) {
            Some(timeout) => parent.with_timeout(timeout),
            None => parent.with_cancel(),
        };
        if ctx.value::<RequestId>().is_none() {
            let id = req
                .headers()
                .get(REQUEST_ID_HEADER)
                .and_then(|v| RequestId::from_header(v.as_bytes()))
                .unwrap_or_else(RequestId::generate);
            ctx = ctx.with_value(id);
        }
        let request_id = ctx
            .value::<RequestId>()
            .and_then(|id| HeaderValue::from_str(id.as_str()).ok());
        req.extensions_mut().insert(ctx.clone());
        ResponseFuture {
            state: State::Running {
                fut: self.inner.call(req),
            },
            done: ctx.done_owned(),
            cancel: Some(cancel),
            request_id,
            settings: self.settings.clone(),
        }
    }
}

pin_project_lite::pin_project! {
    #[project = StateProj]
    enum State<F> {
        Running { #[pin] fut: F },
        Cut,
    }
}

pin_project_lite::pin_project! {
    /// The response of a [`CtxService`]: the inner service's, or a timeout
    /// or shutdown status once the request's context ends first.
    pub struct ResponseFuture<F> {
        #[pin]
        state: State<F>,
        done: DoneOwned,
        cancel: Option<CancelHandle>,
        request_id: Option<HeaderValue>,
        settings: Arc<Settings>,
    }

    impl<F> PinnedDrop for ResponseFuture<F> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            // Still holding the handle: the server dropped us before a
            // response, because the client went away. End the context before
            // the handler's future drops, so its drop code sees it ended.
            let Some(cancel) = this.cancel.take() else { return };
            let ctx = this.done.ctx();
            let at_deadline = ctx.deadline().is_some_and(|d| Instant::now() + DEADLINE_SLACK >= d);
            match ctx.node() {
                Some(node) if at_deadline => {
                    Node::cancel(node, CtxError::DeadlineExceeded, Cause::of_static(&CLIENT_GONE_AT_DEADLINE));
                    cancel.disarm();
                }
                _ => cancel.cancel_with(Cause::of_static(&CLIENT_GONE)),
            }
            trace_end(ctx, this.request_id.as_ref());
        }
    }
}

fn trace_end(ctx: &Ctx, request_id: Option<&HeaderValue>) {
    if tracing::enabled!(tracing::Level::DEBUG) {
        let err = ctx.err().unwrap_or(CtxError::Canceled);
        let cause = ctx.cause().unwrap_or_else(|| Cause::from(err));
        let request_id = request_id.and_then(|v| v.to_str().ok()).unwrap_or("");
        tracing::debug!(request_id, err = ?err, cause = %cause, "request context ended before its response");
    }
}

impl<F, ResBody, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<ResBody>, E>>,
    ResBody: Default,
{
    type Output = Result<Response<ResBody>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let StateProj::Running { fut } = this.state.as_mut().project() else {
            panic!("ResponseFuture polled after completion");
        };
        // The handler first, even when the context has ended: one that
        // watches its context answers for itself.
        if let Poll::Ready(out) = fut.poll(cx) {
            if let Some(cancel) = this.cancel.take() {
                cancel.cancel_with(Cause::of_static(&FINISHED));
            }
            return Poll::Ready(out.map(|res| with_request_id(res, this.request_id.take())));
        }
        if Pin::new(&mut *this.done).poll(cx).is_pending() {
            return Poll::Pending;
        }
        // The context has ended: the handler's work stops here.
        this.state.set(State::Cut);
        if let Some(cancel) = this.cancel.take() {
            cancel.disarm();
        }
        let ctx = this.done.ctx();
        trace_end(ctx, this.request_id.as_ref());
        let status = match ctx.err() {
            Some(CtxError::DeadlineExceeded) => this.settings.timeout_status,
            _ => this.settings.cancelled_status,
        };
        let mut res = Response::new(ResBody::default());
        *res.status_mut() = status;
        Poll::Ready(Ok(with_request_id(res, this.request_id.take())))
    }
}

fn with_request_id<B>(mut res: Response<B>, id: Option<HeaderValue>) -> Response<B> {
    if let Some(id) = id {
        res.headers_mut().entry(REQUEST_ID_HEADER).or_insert(id);
    }
    res
}

impl<F> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("ctx", self.done.ctx())
            .finish_non_exhaustive()
    }
}
