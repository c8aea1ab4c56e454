//! The task dump over HTTP, like Go's `/debug/pprof/goroutine` (feature
//! `debug-http`): `GET /debug/tasks` as text, `GET /debug/tasks.json` as JSON.
//!
//! Mount it on an internal admin listener, not the public one: it names every
//! live task of the process.
//!
//! ```no_run
//! # #[tokio::main] async fn main() -> std::io::Result<()> {
//! let admin = tokio::net::TcpListener::bind("127.0.0.1:6060").await?;
//! axum::serve(admin, ctxkit::debug::router()).await
//! # }
//! ```

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::dump::TaskDump;

/// A router serving `/debug/tasks` (text) and `/debug/tasks.json`. Generic
/// over the state so it merges into an application's router.
///
/// ```
/// let app: axum::Router<()> = axum::Router::new().merge(ctxkit::debug::router());
/// # drop(app);
/// ```
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/debug/tasks", get(text))
        .route("/debug/tasks.json", get(json))
}

async fn text() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        TaskDump::capture().to_string(),
    )
}

async fn json() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        TaskDump::capture().to_json(),
    )
}
