//! Fixed: per-attempt timeouts, exponential backoff bounded by the caller's
//! deadline, and the cause in the final error.
//!
//! Go's `fetchWithRetry`: each attempt runs under a child context with its
//! own timeout and cause ("attempt 3 timed out after 150ms"); the delays
//! come from `backon`'s exponential schedule (with jitter and a cap); a
//! retry whose delay would end past the caller's deadline is not started,
//! and the sleep itself is cut short if the caller cancels. The error says
//! how many attempts were made, why it stopped, and what the last attempt
//! failed with. Nothing is left running afterwards.
//!
//! The bug is in `leaky.rs`. Run with `cargo run --example retry_backoff`.

use std::fmt;
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use ctxkit::{Cancelled, Ctx};
use tokio::time::Instant;

type Error = Box<dyn std::error::Error + Send + Sync>;

const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(150);

/// Why `fetch_with_retry` gave up.
#[derive(Debug)]
struct RetryError {
    attempts: u32,
    stopped: String,
    last: Error,
}

impl fmt::Display for RetryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "gave up after {} attempts ({}); last error: {}",
            self.attempts, self.stopped, self.last
        )
    }
}

impl std::error::Error for RetryError {}

async fn attempt(client: &reqwest::Client, url: &str) -> Result<String, reqwest::Error> {
    client.get(url).send().await?.error_for_status()?.text().await
}

async fn fetch_with_retry(ctx: &Ctx, client: &reqwest::Client, url: &str) -> Result<String, RetryError> {
    let mut delays = ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(20))
        .with_max_delay(Duration::from_millis(200))
        .with_factor(2.0)
        .with_jitter()
        .with_max_times(8)
        .build();
    let mut attempts = 0;
    loop {
        attempts += 1;
        let (attempt_ctx, _cancel) = ctx.with_timeout_cause(
            ATTEMPT_TIMEOUT,
            format!("attempt {attempts} timed out after {ATTEMPT_TIMEOUT:?}"),
        );
        let last: Error = match attempt_ctx.run(attempt(client, url)).await {
            Ok(Ok(body)) => return Ok(body),
            Ok(Err(e)) => e.into(),
            Err(cancelled) => cancelled.into(),
        };
        println!("attempt {attempts}: {last}");
        let give_up = |stopped: String, last: Error| RetryError {
            attempts,
            stopped,
            last,
        };
        if let Err(cancelled) = ctx.check() {
            return Err(give_up(caller(&cancelled), last));
        }
        let Some(delay) = delays.next() else {
            return Err(give_up("out of retries".to_string(), last));
        };
        if let Some(deadline) = ctx.deadline()
            && Instant::now() + delay >= deadline
        {
            let stopped = format!("the caller's deadline would pass during the next {delay:.0?} backoff");
            return Err(give_up(stopped, last));
        }
        if let Err(cancelled) = ctx.run(tokio::time::sleep(delay)).await {
            return Err(give_up(caller(&cancelled), last));
        }
    }
}

fn caller(cancelled: &Cancelled) -> String {
    format!("the caller's context ended: {cancelled}")
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let tasks = ctxkit_examples::TaskCount::start();
    let (root, _stop) = Ctx::background().with_cancel();
    let addr = ctxkit_examples::stalling_server(&root, 2).await?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?;

    let (caller_ctx, _cancel) =
        root.with_timeout_cause(Duration::from_millis(400), "inventory page deadline");
    let url = format!("http://{addr}/inventory");
    let fetch = caller_ctx.spawn_named("fetch-inventory", move |ctx| async move {
        fetch_with_retry(&ctx, &client, &url).await
    });
    match fetch.await? {
        Ok(body) => println!("fetched: {body}"),
        Err(e) => println!("error: {e}"),
    }

    let report = root.shutdown("example done", Duration::from_secs(1)).await;
    println!("{report}");
    ctxkit_examples::report_leaked(tasks.live(Duration::from_millis(500)).await);
    Ok(())
}
