//! Leaky: HTTP calls with no timeout against a server that never answers.
//!
//! `reqwest::get` uses a client with no timeout. Against a backend that
//! accepts the connection and then stalls (here a local server on
//! 127.0.0.1 that never answers), every request waits for ever, and so does
//! the `tokio::spawn`ed task that made it, along with the connection task
//! the HTTP client runs for it.
//!
//! The fix is in `fixed.rs`. Run with `cargo run --example http_no_timeout_leaky`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ctxkit::Ctx;

async fn fetch_profile(url: &str) -> Result<String, reqwest::Error> {
    reqwest::get(url).await?.text().await
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let tasks = ctxkit_examples::TaskCount::start();
    let (server_ctx, _stop_server) = Ctx::background().with_cancel();
    let addr = ctxkit_examples::stalling_server(&server_ctx, 0).await?;

    let waiting = Arc::new(AtomicUsize::new(0));
    for user in 0..10 {
        let url = format!("http://{addr}/users/{user}");
        let waiting = waiting.clone();
        tokio::spawn(async move {
            waiting.fetch_add(1, Ordering::Relaxed);
            let profile = fetch_profile(&url).await;
            waiting.fetch_sub(1, Ordering::Relaxed);
            println!("user {user}: {profile:?}");
        });
    }

    tokio::time::sleep(Duration::from_millis(300)).await;
    println!(
        "requests still waiting after 300ms: {}",
        waiting.load(Ordering::Relaxed)
    );
    // Counted while the server still holds the connections: the request
    // tasks and the client's connection tasks.
    ctxkit_examples::report_leaked(tasks.untracked(Duration::ZERO).await);
    Ok(())
}
