//! axum glue: [`Ctx`] and [`RequestId`] as extractors, and [`Cancelled`] as a
//! response, for handlers behind a [`CtxLayer`](super::CtxLayer).
//!
//! ```
//! use axum::{Router, routing::get};
//! use ctxkit::{Cancelled, Ctx, integrations::{CtxLayer, RequestId}};
//!
//! async fn handler(ctx: Ctx, id: RequestId) -> Result<String, Cancelled> {
//!     let answer = ctx.run(async { 42 }).await?; // 504 or 503 if the context ends first
//!     Ok(format!("{id}: {answer}"))
//! }
//!
//! let app: Router = Router::new()
//!     .route("/", get(handler))
//!     .layer(CtxLayer::new(Ctx::background()));
//! # drop(app);
//! ```

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use super::RequestId;
use crate::{Cancelled, Ctx, CtxError};

/// The rejection when a handler asks for a [`Ctx`] (or [`RequestId`]) that no
/// [`CtxLayer`](super::CtxLayer) provided: a server bug, so `500`, and a
/// message that says which layer is missing.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("no ctxkit context on this request: add `ctxkit::integrations::CtxLayer` to the router or route")]
pub struct MissingCtx;

impl IntoResponse for MissingCtx {
    fn into_response(self) -> Response {
        (StatusCode::INTERNAL_SERVER_ERROR, self.to_string()).into_response()
    }
}

/// The request's context, as set by [`CtxLayer`](super::CtxLayer).
impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = MissingCtx;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or(MissingCtx)
    }
}

/// The request's id, as set by [`CtxLayer`](super::CtxLayer).
impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = MissingCtx;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let ctx = parts.extensions.get::<Ctx>().ok_or(MissingCtx)?;
        ctx.value::<RequestId>().cloned().ok_or(MissingCtx)
    }
}

/// An interrupted handler answers `504 Gateway Timeout` when its deadline
/// passed and `503 Service Unavailable` when it was cancelled (server
/// shutdown), with the cause as the body: handlers can use `?` on
/// [`Ctx::run`] and [`Ctx::check`].
impl IntoResponse for Cancelled {
    fn into_response(self) -> Response {
        let status = match self.err() {
            CtxError::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
            CtxError::Canceled => StatusCode::SERVICE_UNAVAILABLE,
        };
        (status, self.cause().to_string()).into_response()
    }
}

/// A failed outgoing call: `504`/`503` when the context ended (as
/// [`Cancelled`]), `502 Bad Gateway` when the call itself failed.
#[cfg(feature = "reqwest")]
impl IntoResponse for super::reqwest::CallError {
    fn into_response(self) -> Response {
        match self {
            super::reqwest::CallError::Cancelled(c) => c.into_response(),
            super::reqwest::CallError::Http(e) => (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
        }
    }
}
