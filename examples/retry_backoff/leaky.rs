//! Leaky: retries with no per-attempt timeout and no overall bound.
//!
//! `fetch_with_retry` retries with growing delays until it succeeds. The
//! backend answers `503` twice and then stalls: the third attempt, made with
//! `reqwest::get` and no timeout, waits for ever. The caller gave up long
//! ago (its `tokio::time::timeout` ran out), but that only stopped it
//! waiting for the `tokio::spawn`ed fetch, not the fetch itself, which
//! keeps its task and connection for ever.
//!
//! The fix is in `fixed.rs`. Run with `cargo run --example retry_backoff_leaky`.

use std::time::Duration;

use ctxkit::Ctx;

async fn fetch_with_retry(url: &str) -> Result<String, reqwest::Error> {
    let mut delay = Duration::from_millis(20);
    let mut attempt = 1;
    loop {
        match reqwest::get(url).await.and_then(|r| r.error_for_status()) {
            Ok(response) => return response.text().await,
            Err(e) => {
                println!("attempt {attempt}: {e}; retrying in {delay:?}");
                tokio::time::sleep(delay).await;
                delay *= 2;
                attempt += 1;
            }
        }
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let tasks = ctxkit_examples::TaskCount::start();
    let (server_ctx, _stop_server) = Ctx::background().with_cancel();
    let addr = ctxkit_examples::stalling_server(&server_ctx, 2).await?;

    let url = format!("http://{addr}/inventory");
    let fetch = tokio::spawn(async move { fetch_with_retry(&url).await });
    match tokio::time::timeout(Duration::from_millis(400), fetch).await {
        Ok(result) => println!("fetched: {result:?}"),
        Err(_) => println!("caller gave up after 400ms; the fetch goes on"),
    }

    tokio::time::sleep(Duration::from_millis(100)).await;
    ctxkit_examples::report_leaked(tasks.untracked(Duration::ZERO).await);
    Ok(())
}
