//! `CtxLayer` and the axum extractors against a real server on 127.0.0.1.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use ctxkit::integrations::{CtxLayer, RequestId};
use ctxkit::{Cancelled, Ctx, CtxError, Instant, TaskHandle};
use tokio::sync::mpsc;

/// A generous bound that only catches hangs.
const HANG: Duration = Duration::from_secs(5);

struct Server {
    addr: SocketAddr,
    task: TaskHandle<std::io::Result<()>>,
}

impl Server {
    /// Serves `app` until `root` is cancelled, then drains in-flight requests.
    async fn start(root: &Ctx, app: Router) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = root.spawn_named("server", move |ctx| async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(ctx.done_owned())
                .await
        });
        Server { addr, task }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(HANG).build().unwrap()
}

/// What a task spawned by a handler saw when its context ended.
type Seen = (CtxError, String);

fn watch(ctx: &Ctx, tx: mpsc::Sender<Seen>) {
    drop(ctx.spawn_named("handler work", move |ctx| async move {
        ctx.done().await;
        let _ = tx.try_send((ctx.err().unwrap(), ctx.cause().unwrap().to_string()));
    }));
}

/// A `/work` route whose handler reports that it started, watches its
/// context (reporting how it ends) and never answers by itself.
fn stuck_at_work(layer: CtxLayer) -> (Router, mpsc::Receiver<()>, mpsc::Receiver<Seen>) {
    let (seen_tx, seen) = mpsc::channel(16);
    let (started_tx, started) = mpsc::channel(16);
    let app = Router::new()
        .route(
            "/work",
            get(move |ctx: Ctx| async move {
                watch(&ctx, seen_tx);
                let _ = started_tx.try_send(());
                std::future::pending::<()>().await
            }),
        )
        .layer(layer);
    (app, started, seen)
}

async fn next<T>(rx: &mut mpsc::Receiver<T>) -> T {
    tokio::time::timeout(HANG, rx.recv())
        .await
        .expect("hung")
        .expect("sender gone")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handler_gets_its_context_and_request_id() {
    let (root, _stop) = Ctx::background().with_cancel();
    async fn id(ctx: Ctx, id: RequestId) -> String {
        assert_eq!(ctx.value::<RequestId>(), Some(&id));
        id.to_string()
    }
    let app = Router::new()
        .route("/id", get(id))
        .layer(CtxLayer::new(root.clone()));
    let server = Server::start(&root, app).await;

    let resp = client()
        .get(server.url("/id"))
        .header("x-request-id", "req-42")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["x-request-id"], "req-42");
    assert_eq!(resp.text().await.unwrap(), "req-42");

    let resp = client().get(server.url("/id")).send().await.unwrap();
    let echoed = resp.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(echoed.len(), 16);
    assert_eq!(resp.text().await.unwrap(), echoed);

    let resp = client()
        .get(server.url("/id"))
        .header("x-request-id", "a b")
        .send()
        .await
        .unwrap();
    assert_ne!(resp.text().await.unwrap(), "a b", "a malformed id is replaced");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_past_its_deadline_gets_504_and_its_work_is_cancelled() {
    let (root, _stop) = Ctx::background().with_cancel();
    let (seen_tx, mut seen) = mpsc::channel(16);
    let (dropped_tx, mut dropped) = mpsc::channel::<()>(16);
    let app = Router::new().route(
        "/slow",
        get(move |ctx: Ctx| async move {
            watch(&ctx, seen_tx);
            struct OnDrop(mpsc::Sender<()>);
            impl Drop for OnDrop {
                fn drop(&mut self) {
                    let _ = self.0.try_send(());
                }
            }
            let _guard = OnDrop(dropped_tx);
            // Ignores its context: the layer must stop it anyway.
            tokio::time::sleep(Duration::from_secs(60)).await;
            "too late"
        })
        .route_layer(CtxLayer::new(root.clone()).timeout(Duration::from_millis(100))),
    );
    let server = Server::start(&root, app).await;

    let started = Instant::now();
    let resp = client().get(server.url("/slow")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::GATEWAY_TIMEOUT);
    assert!(started.elapsed() < HANG);
    next(&mut dropped).await;
    let (err, cause) = next(&mut seen).await;
    assert_eq!(err, CtxError::DeadlineExceeded);
    assert_eq!(cause, "timeout of 100ms elapsed");
    root.wait_tasks_except_server().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_that_watches_its_context_answers_for_itself() {
    let (root, _stop) = Ctx::background().with_cancel();
    let app = Router::new()
        .route(
            "/slow",
            get(|ctx: Ctx| async move {
                ctx.run(tokio::time::sleep(Duration::from_secs(60))).await?;
                Ok::<_, Cancelled>("too late")
            }),
        )
        .layer(
            CtxLayer::new(root.clone())
                .timeout(Duration::from_millis(50))
                .timeout_status(StatusCode::REQUEST_TIMEOUT),
        );
    let server = Server::start(&root, app).await;

    let resp = client().get(server.url("/slow")).send().await.unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::GATEWAY_TIMEOUT,
        "the handler's own answer"
    );
    assert_eq!(resp.text().await.unwrap(), "timeout of 50ms elapsed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cut_status_is_configurable() {
    let (root, _stop) = Ctx::background().with_cancel();
    let app = Router::new()
        .route("/slow", get(std::future::pending::<()>))
        .layer(
            CtxLayer::new(root.clone())
                .timeout(Duration::from_millis(20))
                .timeout_status(StatusCode::REQUEST_TIMEOUT),
        );
    let server = Server::start(&root, app).await;
    let resp = client().get(server.url("/slow")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::REQUEST_TIMEOUT);
}

/// The time left on the request's context when the handler started.
async fn budget(ctx: Ctx) -> String {
    let left = ctx
        .deadline()
        .map(|d| d.saturating_duration_since(Instant::now()));
    format!("{:?}", left.map(|d| d.as_millis()))
}

fn millis(text: &str) -> u128 {
    text.trim_start_matches("Some(")
        .trim_end_matches(')')
        .parse()
        .expect(text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_route_layer_tightens_the_routers_timeout_and_keeps_its_request_id() {
    let (root, _stop) = Ctx::background().with_cancel();
    let app = Router::new()
        .route(
            "/tight",
            get(budget).route_layer(CtxLayer::new(root.clone()).timeout(Duration::from_millis(300))),
        )
        .route(
            "/loose",
            get(budget).route_layer(CtxLayer::new(root.clone()).timeout(Duration::from_secs(60))),
        )
        .route(
            "/id",
            get(|id: RequestId| async move { id.to_string() }).route_layer(CtxLayer::new(root.clone())),
        )
        .layer(CtxLayer::new(root.clone()).timeout(Duration::from_secs(10)));
    let server = Server::start(&root, app).await;
    let c = client();

    let tight = millis(
        &c.get(server.url("/tight"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(tight <= 300, "{tight}");
    let loose = millis(
        &c.get(server.url("/loose"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        (5_000..=10_000).contains(&loose),
        "the router's 10s wins over 60s: {loose}"
    );
    let resp = c
        .get(server.url("/id"))
        .header("x-request-id", "outer")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.text().await.unwrap(), "outer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_timeout_shortens_the_deadline_and_never_extends_it() {
    let (root, _stop) = Ctx::background().with_cancel();
    let app = Router::new()
        .route("/budget", get(budget))
        .layer(CtxLayer::new(root.clone()).timeout(Duration::from_secs(10)));
    let untrusting = Router::new()
        .route("/budget", get(budget))
        .layer(CtxLayer::new(root.clone()).read_grpc_timeout(false));
    let server = Server::start(&root, app).await;
    let edge = Server::start(&root, untrusting).await;
    let c = client();
    let budget_with = |server: &Server, header: &str| {
        let req = c.get(server.url("/budget")).header("grpc-timeout", header);
        async move { req.send().await.unwrap().text().await.unwrap() }
    };

    assert!(millis(&budget_with(&server, "300m").await) <= 300);
    assert!(millis(&budget_with(&server, "300000u").await) <= 300);
    let capped = millis(&budget_with(&server, "1H").await);
    assert!((5_000..=10_000).contains(&capped), "{capped}");
    for malformed in ["soon", "-1S", "123456789m", "1 S", "5s"] {
        let ignored = millis(&budget_with(&server, malformed).await);
        assert!((5_000..=10_000).contains(&ignored), "{malformed}: {ignored}");
    }
    assert_eq!(budget_with(&edge, "300m").await, "None");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_shutdown_cancels_in_flight_requests_with_its_cause_and_drains() {
    let (root, stop) = Ctx::background().with_cancel();
    let (app, mut started, mut seen) =
        stuck_at_work(CtxLayer::new(root.clone()).timeout(Duration::from_secs(60)));
    let server = Server::start(&root, app).await;

    let call = client().get(server.url("/work")).send();
    let request = root.spawn(move |_| call);
    next(&mut started).await;
    stop.cancel_with("deploy");

    let resp = request.await.unwrap().unwrap();
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    let (err, cause) = next(&mut seen).await;
    assert_eq!(err, CtxError::Canceled);
    assert_eq!(cause, "deploy");
    let served = tokio::time::timeout(HANG, server.task)
        .await
        .expect("server drained");
    served.unwrap().unwrap();
    let report = root.shutdown("test over", HANG).await;
    assert!(report.is_clean(), "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_going_away_cancels_the_handlers_work() {
    let (root, _stop) = Ctx::background().with_cancel();
    let (app, mut started, mut seen) = stuck_at_work(CtxLayer::new(root.clone()));
    let server = Server::start(&root, app).await;

    let call = client().get(server.url("/work")).send();
    let request = root.spawn(move |_| call);
    next(&mut started).await;
    request.abort();

    let (err, cause) = next(&mut seen).await;
    assert_eq!(err, CtxError::Canceled);
    assert_eq!(cause, "client went away");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_request_cancels_what_its_handler_left_running() {
    let (root, _stop) = Ctx::background().with_cancel();
    let (seen_tx, mut seen) = mpsc::channel(16);
    let app = Router::new()
        .route(
            "/quick",
            get(move |ctx: Ctx| async move {
                watch(&ctx, seen_tx);
                "done"
            }),
        )
        .layer(CtxLayer::new(root.clone()));
    let server = Server::start(&root, app).await;

    let resp = client().get(server.url("/quick")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let (err, cause) = next(&mut seen).await;
    assert_eq!(err, CtxError::Canceled);
    assert_eq!(cause, "request finished");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_without_the_layer_is_told_which_layer_is_missing() {
    let (root, _stop) = Ctx::background().with_cancel();
    let app = Router::new().route("/", get(|_ctx: Ctx| async { "unreachable" }));
    let server = Server::start(&root, app).await;
    let resp = client().get(server.url("/")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(resp.text().await.unwrap().contains("CtxLayer"));
}

trait WaitExceptServer {
    /// Waits until the server is the only tracked task left under the root.
    async fn wait_tasks_except_server(&self);
}

impl WaitExceptServer for Ctx {
    async fn wait_tasks_except_server(&self) {
        let deadline = Instant::now() + HANG;
        while self.tasks().iter().any(|t| t.name() != "server") {
            assert!(Instant::now() < deadline, "tasks left: {:?}", self.tasks());
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}
