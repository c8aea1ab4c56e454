//! A deadline set at the edge bounds a chain of three services: each hop sends
//! what is left as `grpc-timeout`, and the last hop's work ends with
//! `DeadlineExceeded` when the edge's budget runs out.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::http::{StatusCode, Uri};
use axum::routing::get;
use ctxkit::integrations::reqwest::CallError;
use ctxkit::integrations::{CtxLayer, RequestBuilderExt, RequestId};
use ctxkit::{Ctx, CtxError, Instant};
use tokio::sync::mpsc;

const HANG: Duration = Duration::from_secs(5);
const EDGE_BUDGET: Duration = Duration::from_millis(200);

async fn serve(root: &Ctx, app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(root.spawn_named("server", move |ctx| async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(ctx.done_owned())
            .await
    }));
    addr
}

/// A hop that calls the next one with its own context and relays the status.
fn forwarding(next: SocketAddr, layer: CtxLayer, seen: mpsc::Sender<Seen>) -> Router {
    let client = reqwest::Client::builder().timeout(HANG).build().unwrap();
    Router::new()
        .route(
            "/",
            get(move |ctx: Ctx, uri: Uri| async move {
                if uri.query() != Some("warm") {
                    let _ = seen.try_send(Seen::at_start(&ctx));
                }
                let resp = client.get(format!("http://{next}{uri}")).send_ctx(&ctx).await?;
                Ok::<_, CallError>(StatusCode::from_u16(resp.status().as_u16()).unwrap())
            }),
        )
        .layer(layer)
}

#[derive(Debug)]
struct Seen {
    deadline: Option<Instant>,
    budget: Option<Duration>,
    request_id: Option<RequestId>,
}

impl Seen {
    fn at_start(ctx: &Ctx) -> Seen {
        Seen {
            deadline: ctx.deadline(),
            budget: ctx
                .deadline()
                .map(|d| d.saturating_duration_since(Instant::now())),
            request_id: ctx.value::<RequestId>().cloned(),
        }
    }
}

async fn next<T>(rx: &mut mpsc::Receiver<T>) -> T {
    tokio::time::timeout(HANG, rx.recv())
        .await
        .expect("hung")
        .expect("sender gone")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_edges_deadline_stops_the_third_hop() {
    let (root, _stop) = Ctx::background().with_cancel();
    let (start_tx, mut starts) = mpsc::channel::<Seen>(16);
    let (end_tx, mut ends) = mpsc::channel::<(CtxError, String)>(16);

    // Hop 3 works longer than any budget; what it started must end with the
    // edge's deadline.
    let hop3_seen = start_tx.clone();
    let hop3 = Router::new()
        .route(
            "/",
            get(move |ctx: Ctx, uri: Uri| async move {
                if uri.query() == Some("warm") {
                    return Ok("warm");
                }
                let _ = hop3_seen.try_send(Seen::at_start(&ctx));
                drop(ctx.spawn_named("hop 3 work", move |ctx| async move {
                    ctx.done().await;
                    let _ = end_tx.try_send((ctx.err().unwrap(), ctx.cause().unwrap().to_string()));
                }));
                ctx.run(tokio::time::sleep(Duration::from_secs(30))).await?;
                Ok::<_, ctxkit::Cancelled>("finished")
            }),
        )
        .layer(CtxLayer::new(root.clone()));
    let hop3 = serve(&root, hop3).await;
    let hop2 = forwarding(hop3, CtxLayer::new(root.clone()), start_tx.clone());
    let hop2 = serve(&root, hop2).await;
    let edge = forwarding(hop2, CtxLayer::new(root.clone()).timeout(EDGE_BUDGET), start_tx);
    let edge = serve(&root, edge).await;

    // Open the pooled connections first, so the budget measured below is
    // spent on the calls, not on connecting.
    let client = reqwest::Client::builder().timeout(HANG).build().unwrap();
    let warm = client
        .get(format!("http://{edge}/?warm"))
        .timeout(HANG)
        .send()
        .await
        .unwrap();
    assert_eq!(warm.status(), reqwest::StatusCode::OK);

    let started = Instant::now();
    let resp = client
        .get(format!("http://{edge}/"))
        .header("x-request-id", "chain-1")
        .timeout(HANG)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), reqwest::StatusCode::GATEWAY_TIMEOUT);
    assert!(started.elapsed() < HANG, "took {:?}", started.elapsed());

    let (err, cause) = next(&mut ends).await;
    assert_eq!(err, CtxError::DeadlineExceeded, "hop 3's work ended: {cause}");

    let edge_seen = next(&mut starts).await;
    let hop2_seen = next(&mut starts).await;
    let hop3_seen = next(&mut starts).await;
    let edge_deadline = edge_seen.deadline.expect("the edge sets a deadline");
    assert!(edge_deadline <= Instant::now());
    for hop in [&hop2_seen, &hop3_seen] {
        assert!(hop.budget.unwrap() <= EDGE_BUDGET, "{hop:?}");
        // A relative timeout lands a transit time later at each hop; only a
        // hang or a lost header would put it far off.
        assert!(
            hop.deadline.unwrap() <= edge_deadline + Duration::from_millis(500),
            "{hop:?}"
        );
        assert_eq!(hop.request_id.as_ref().unwrap().as_str(), "chain-1");
    }
    assert!(hop3_seen.deadline.unwrap().duration_since(started) <= EDGE_BUDGET + Duration::from_millis(500));
}
