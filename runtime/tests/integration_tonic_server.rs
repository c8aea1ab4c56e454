//! The tonic interceptor and client helper over a real gRPC connection: a
//! server on 127.0.0.1 behind `CtxInterceptor`, a client sending
//! `Request::with_ctx`. The handler's context carries the client's deadline
//! and request id, and ends at that deadline; cancelling the server's root
//! stops the server.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use ctxkit::channel::SenderExt;
use ctxkit::integrations::tonic::request_ctx;
use ctxkit::integrations::{CtxInterceptor, RequestExt, RequestId};
use ctxkit::{CancelHandle, Ctx, CtxError, Instant, TaskHandle};
use tokio::sync::mpsc;
use tonic::body::Body;
use tonic::codec::ProstCodec;
use tonic::codegen::http;
use tonic::server::{Grpc, NamedService, UnaryService};
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use tonic::transport::server::TcpIncoming;
use tonic::{Code, Status};

/// Far longer than any call here should take: a bound on hangs, not a timing.
const HANG: Duration = Duration::from_secs(5);

#[derive(Clone, PartialEq, prost::Message)]
struct Ping {
    #[prost(string, tag = "1")]
    note: String,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Pong {
    #[prost(string, tag = "1")]
    request_id: String,
}

/// What a handler saw of its context, sent back to the test.
#[derive(Debug)]
enum Seen {
    Call {
        deadline: Option<Instant>,
        request_id: Option<String>,
    },
    Ended(Option<CtxError>),
}

/// A unary service written the way tonic's generated code is:
/// `/ctxkit.test.Probe/Inspect` reports the call's context at once,
/// `/ctxkit.test.Probe/Wait` waits for it to end.
#[derive(Clone)]
struct Probe {
    seen: mpsc::Sender<Seen>,
}

impl NamedService for Probe {
    const NAME: &'static str = "ctxkit.test.Probe";
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

#[derive(Clone, Copy)]
enum Method {
    Inspect,
    Wait,
}

struct Handler {
    seen: mpsc::Sender<Seen>,
    method: Method,
}

impl UnaryService<Ping> for Handler {
    type Response = Pong;
    type Future = BoxFuture<Result<tonic::Response<Pong>, Status>>;

    fn call(&mut self, request: tonic::Request<Ping>) -> Self::Future {
        let seen = self.seen.clone();
        let method = self.method;
        Box::pin(async move {
            let ctx = request_ctx(&request)
                .cloned()
                .ok_or_else(|| Status::internal("no context on the request"))?;
            let request_id = ctx.value::<RequestId>().map(|id| id.as_str().to_owned());
            match method {
                Method::Inspect => {
                    let call = Seen::Call {
                        deadline: ctx.deadline(),
                        request_id: request_id.clone(),
                    };
                    seen.send_within(&ctx, call)
                        .await
                        .map_err(|_| Status::internal("the report was not taken"))?;
                }
                Method::Wait => {
                    // The server may drop this handler at the caller's
                    // deadline; the context outlives the call, so the
                    // waiting is a task of its own and reports either way.
                    let call = ctx.clone();
                    let waiting = ctx.spawn(move |_| async move {
                        let ended = tokio::time::timeout(HANG, call.done()).await.ok().and(call.err());
                        // The context has ended: report without waiting.
                        let _ = seen.try_send(Seen::Ended(ended));
                    });
                    let _ = waiting.await;
                    return Err(Status::deadline_exceeded("the call's context ended"));
                }
            }
            Ok(tonic::Response::new(Pong {
                request_id: request_id.unwrap_or_default(),
            }))
        })
    }
}

impl tonic::codegen::Service<http::Request<Body>> for Probe {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<Result<http::Response<Body>, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        let method = match req.uri().path() {
            "/ctxkit.test.Probe/Inspect" => Method::Inspect,
            "/ctxkit.test.Probe/Wait" => Method::Wait,
            _ => return Box::pin(async { Ok(Status::unimplemented("no such method").into_http()) }),
        };
        let handler = Handler {
            seen: self.seen.clone(),
            method,
        };
        Box::pin(async move {
            let mut grpc = Grpc::new(ProstCodec::<Pong, Ping>::default());
            Ok(grpc.unary(handler, req).await)
        })
    }
}

struct TestServer {
    addr: SocketAddr,
    seen: mpsc::Receiver<Seen>,
    stop: CancelHandle,
    task: TaskHandle<Result<(), tonic::transport::Error>>,
}

async fn start_server() -> TestServer {
    let (root, stop) = Ctx::background().with_cancel();
    let (tx, seen) = mpsc::channel(4);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let interceptor = CtxInterceptor::new(root.clone()).timeout(Duration::from_secs(30));
    let svc = InterceptedService::new(Probe { seen: tx }, interceptor);
    let task = root.spawn(move |ctx| async move {
        tonic::transport::Server::builder()
            .add_service(svc)
            .serve_with_incoming_shutdown(TcpIncoming::from(listener), ctx.done_owned())
            .await
    });
    TestServer {
        addr,
        seen,
        stop,
        task,
    }
}

async fn client(addr: SocketAddr) -> tonic::client::Grpc<Channel> {
    let channel = Channel::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect_timeout(HANG)
        .timeout(HANG)
        .connect()
        .await
        .unwrap();
    tonic::client::Grpc::new(channel)
}

async fn call(
    client: &mut tonic::client::Grpc<Channel>,
    method: &'static str,
    request: tonic::Request<Ping>,
) -> Result<tonic::Response<Pong>, Status> {
    client.ready().await.unwrap();
    let path = http::uri::PathAndQuery::from_static(method);
    client
        .unary(request, path, ProstCodec::<Ping, Pong>::default())
        .await
}

async fn stop_server(server: TestServer) {
    server.stop.cancel_with("server stopping");
    let served = tokio::time::timeout(HANG, server.task)
        .await
        .expect("serve_with_incoming_shutdown returns once the root is cancelled");
    served.unwrap().unwrap();
}

#[tokio::test]
async fn the_handler_gets_the_clients_deadline_and_request_id() {
    let mut server = start_server().await;
    let mut client = client(server.addr).await;

    let start = Instant::now();
    let (ctx, _cancel) = Ctx::background()
        .with_value(RequestId::new("call-7"))
        .with_timeout(Duration::from_millis(200));
    let request = tonic::Request::new(Ping {
        note: "inspect".into(),
    })
    .with_ctx(&ctx);
    let reply = call(&mut client, "/ctxkit.test.Probe/Inspect", request)
        .await
        .unwrap();
    assert_eq!(reply.get_ref().request_id, "call-7");

    let Some(Seen::Call { deadline, request_id }) = server.seen.recv().await else {
        panic!("the handler reports its call");
    };
    let deadline = deadline.expect("the handler's context has a deadline");
    // The caller's 200 ms, not the server's 30 s; the slack covers the time
    // between the client writing `grpc-timeout` and the server reading it.
    let slack = Duration::from_millis(50);
    assert!(
        deadline <= ctx.deadline().unwrap() + slack,
        "{:?}",
        deadline - start
    );
    assert!(
        deadline - start <= Duration::from_millis(200) + slack,
        "{:?}",
        deadline - start
    );
    assert_eq!(request_id.as_deref(), Some("call-7"));

    drop(client);
    stop_server(server).await;
}

#[tokio::test]
async fn the_handlers_context_ends_at_the_clients_deadline() {
    let mut server = start_server().await;
    let mut client = client(server.addr).await;

    let start = Instant::now();
    let (ctx, _cancel) = Ctx::background().with_timeout(Duration::from_millis(200));
    let request = tonic::Request::new(Ping { note: "wait".into() }).with_ctx(&ctx);
    let status = call(&mut client, "/ctxkit.test.Probe/Wait", request)
        .await
        .expect_err("the call outlives its budget");
    assert!(
        matches!(status.code(), Code::DeadlineExceeded | Code::Cancelled),
        "{status:?}"
    );
    assert!(start.elapsed() < HANG, "the client gave up at its deadline");

    let ended = tokio::time::timeout(HANG, server.seen.recv()).await.unwrap();
    assert!(
        matches!(ended, Some(Seen::Ended(Some(CtxError::DeadlineExceeded)))),
        "{ended:?}"
    );

    drop(client);
    stop_server(server).await;
}

#[tokio::test]
async fn cancelling_the_root_stops_an_idle_server() {
    let server = start_server().await;
    stop_server(server).await;
}
