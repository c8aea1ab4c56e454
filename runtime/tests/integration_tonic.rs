//! The tonic interceptor and client helper, on `tonic::Request`s directly:
//! what one service writes, the next reads back as a deadline no later than
//! the caller's.

use std::time::Duration;

use ctxkit::integrations::tonic::request_ctx;
use ctxkit::integrations::{CtxInterceptor, RequestExt, RequestId, parse_grpc_timeout};
use ctxkit::{Ctx, CtxError, Instant};
use tonic::service::Interceptor;

fn incoming(metadata: &[(&'static str, &str)]) -> tonic::Request<()> {
    let mut req = tonic::Request::new(());
    for (key, value) in metadata {
        req.metadata_mut().insert(*key, value.parse().unwrap());
    }
    req
}

fn intercept(interceptor: &mut CtxInterceptor, req: tonic::Request<()>) -> Ctx {
    let req = interceptor.call(req).unwrap();
    request_ctx(&req).expect("the interceptor sets a context").clone()
}

#[tokio::test(start_paused = true)]
async fn the_callers_grpc_timeout_bounds_the_call() {
    let mut interceptor = CtxInterceptor::new(Ctx::background()).timeout(Duration::from_secs(10));
    let start = Instant::now();
    let ctx = intercept(&mut interceptor, incoming(&[("grpc-timeout", "100m")]));
    assert_eq!(ctx.deadline(), Some(start + Duration::from_millis(100)));
    ctx.done().await;
    assert_eq!(ctx.err(), Some(CtxError::DeadlineExceeded));
    assert_eq!(start.elapsed(), Duration::from_millis(100));
}

#[tokio::test(start_paused = true)]
async fn the_callers_grpc_timeout_never_extends_the_servers() {
    let mut interceptor = CtxInterceptor::new(Ctx::background()).timeout(Duration::from_secs(10));
    let start = Instant::now();
    let ctx = intercept(&mut interceptor, incoming(&[("grpc-timeout", "1H")]));
    assert_eq!(ctx.deadline(), Some(start + Duration::from_secs(10)));

    let mut unbounded = CtxInterceptor::new(Ctx::background());
    assert_eq!(intercept(&mut unbounded, incoming(&[])).deadline(), None);
}

#[tokio::test(start_paused = true)]
async fn a_malformed_grpc_timeout_is_ignored() {
    let mut interceptor = CtxInterceptor::new(Ctx::background()).timeout(Duration::from_secs(10));
    for bad in ["soon", "-1S", "123456789m", "1.5S", "10x"] {
        let start = Instant::now();
        let ctx = intercept(&mut interceptor, incoming(&[("grpc-timeout", bad)]));
        assert_eq!(ctx.deadline(), Some(start + Duration::from_secs(10)), "{bad}");
    }
}

#[tokio::test]
async fn cancelling_the_root_cancels_calls_in_flight() {
    let (root, stop) = Ctx::background().with_cancel();
    let mut interceptor = CtxInterceptor::new(root);
    let ctx = intercept(&mut interceptor, incoming(&[]));
    assert!(!ctx.is_done(), "the call's context outlives the interceptor");
    stop.cancel_with("server stopping");
    ctx.done().await;
    assert_eq!(ctx.cause().unwrap().to_string(), "server stopping");
}

#[tokio::test]
async fn calls_carry_their_request_id() {
    let mut interceptor = CtxInterceptor::new(Ctx::background());
    let ctx = intercept(&mut interceptor, incoming(&[("x-request-id", "call-9")]));
    assert_eq!(ctx.value::<RequestId>().unwrap().as_str(), "call-9");
    let fresh = intercept(&mut interceptor, incoming(&[]));
    assert_eq!(fresh.value::<RequestId>().unwrap().as_str().len(), 16);
}

#[tokio::test(start_paused = true)]
async fn a_deadline_crosses_a_hop_without_growing() {
    let mut server = CtxInterceptor::new(Ctx::background());
    let (edge, _cancel) = Ctx::background()
        .with_value(RequestId::new("edge-1"))
        .with_timeout(Duration::from_millis(200));
    tokio::time::advance(Duration::from_millis(50)).await;

    let outgoing = tonic::Request::new("payload").with_ctx(&edge);
    let header = outgoing.metadata().get("grpc-timeout").unwrap().to_str().unwrap();
    assert_eq!(parse_grpc_timeout(header), Some(Duration::from_millis(150)));

    // What the next service receives: the same metadata on its request.
    let mut next = tonic::Request::new(());
    *next.metadata_mut() = outgoing.metadata().clone();
    let ctx = intercept(&mut server, next);
    assert!(ctx.deadline().unwrap() <= edge.deadline().unwrap());
    assert_eq!(ctx.value::<RequestId>().unwrap().as_str(), "edge-1");
}

#[test]
fn a_context_without_deadline_sends_no_timeout() {
    let req = tonic::Request::new(()).with_ctx(&Ctx::background());
    assert!(req.metadata().get("grpc-timeout").is_none());
}
