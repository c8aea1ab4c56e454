//! tracing: tracked tasks run in a `task` span with their name and spawn
//! site; a request context that ends before its response is reported with
//! its cause.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use ctxkit::Ctx;
use ctxkit::integrations::CtxLayer;
use tower_service::Service;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::{Layer, Registry};

/// Every span opened and event emitted, as one line of text each.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<String>>>);

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl<S: Subscriber> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, _: &Id, _: Context<'_, S>) {
        let mut fields = Fields(format!("span {}", attrs.metadata().name()));
        attrs.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut fields = Fields("event".into());
        event.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }
}

impl Capture {
    fn install(&self) -> tracing::subscriber::DefaultGuard {
        tracing::subscriber::set_default(Registry::default().with(self.clone()))
    }

    fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_tracked_task_runs_in_a_span_named_for_it() {
    let capture = Capture::default();
    let _guard = capture.install();
    let (ctx, _cancel) = Ctx::background().with_cancel();
    let line = line!() + 1;
    let task = ctx.spawn_named("indexer", |_| async { tracing::info!(step = 1, "indexing") });
    task.await.unwrap();

    let lines = capture.lines();
    let span = lines
        .iter()
        .find(|l| l.starts_with("span task"))
        .expect("a task span");
    assert!(span.contains("name=\"indexer\""), "{span}");
    assert!(span.contains(&format!("integration_tracing.rs:{line}")), "{span}");
    assert!(lines.iter().any(|l| l.contains("step=1")), "{lines:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_request_cut_at_its_deadline_is_reported_with_its_cause() {
    let capture = Capture::default();
    let _guard = capture.install();
    let mut app = Router::new()
        .route("/slow", get(std::future::pending::<()>))
        .layer(CtxLayer::new(Ctx::background()).timeout(Duration::from_millis(20)));

    let req = Request::get("/slow")
        .header("x-request-id", "traced-1")
        .body(Body::empty())
        .unwrap();
    let resp = app.call(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::GATEWAY_TIMEOUT);

    let lines = capture.lines();
    let event = lines
        .iter()
        .find(|l| l.contains("request context ended"))
        .expect("an event");
    assert!(event.contains("err=DeadlineExceeded"), "{event}");
    assert!(event.contains("cause=timeout of 20ms elapsed"), "{event}");
    assert!(event.contains("request_id=\"traced-1\""), "{event}");
}
