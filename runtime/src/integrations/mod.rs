//! Integrations with the HTTP and gRPC stacks, each behind a cargo feature.
//!
//! - `tower` (feature `tower`): `CtxLayer`, a context per request with a
//!   deadline and a [`RequestId`]; `504` past the deadline, in-flight requests
//!   cancelled when the server's root context is.
//! - `axum` (feature `axum`): `Ctx` and `RequestId` extractors.
//! - [`grpc`] (feature `grpc`): the `grpc-timeout` header that carries a
//!   deadline from one service to the next.
//! - `reqwest` (feature `reqwest`): outgoing HTTP calls carry
//!   the context's deadline and request id.
//! - `tonic` (feature `tonic`): a server interceptor and a client
//!   helper for the same.
//!
//! A deadline set at the edge bounds the whole chain: the edge's `CtxLayer`
//! gives the request a deadline; each outgoing call sends what is left as
//! `grpc-timeout`; each downstream `CtxLayer` (or `CtxInterceptor`) turns it
//! back into a deadline, never a later one than its own.

pub mod grpc;
mod request_id;

#[cfg(feature = "axum")]
pub mod axum;
#[cfg(feature = "reqwest")]
pub mod reqwest;
#[cfg(feature = "tonic")]
pub mod tonic;
#[cfg(feature = "tower")]
pub mod tower;

#[cfg(feature = "axum")]
pub use self::axum::MissingCtx;
pub use self::grpc::{GRPC_TIMEOUT, format_grpc_timeout, parse_grpc_timeout};
pub use self::request_id::{REQUEST_ID_HEADER, RequestId};
#[cfg(feature = "reqwest")]
pub use self::reqwest::RequestBuilderExt;
#[cfg(feature = "tonic")]
pub use self::tonic::{CtxInterceptor, RequestExt};
#[cfg(feature = "tower")]
pub use self::tower::CtxLayer;
