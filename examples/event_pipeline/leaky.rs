//! Leaky: an event-processing pipeline with four leak vectors.
//!
//! 1. The main loop (`loop { ticker.tick().await; .. }`) polls for events
//!    and has no exit.
//! 2. The worker pool is `tokio::spawn`ed with no shutdown; the workers read
//!    an unbounded queue that never closes, since the main loop holds its
//!    sender for ever.
//! 3. Each event is delivered to a webhook with `reqwest::Client::new()`,
//!    which has no timeout: a stalled receiver holds the worker for ever.
//! 4. A failed delivery spawns a recovery task that retries later, with
//!    no timeout either and nothing that could stop it.
//!
//! The webhook receiver is a local server that fails its first three calls
//! and then stalls. The fix is in `fixed.rs`. Run with
//! `cargo run --example event_pipeline_leaky`.

use std::sync::Arc;
use std::time::Duration;

use ctxkit::Ctx;
use tokio::sync::{Mutex, mpsc};

#[derive(Debug, Clone)]
struct Event {
    id: u64,
}

async fn deliver(client: &reqwest::Client, url: &str, event: &Event) -> Result<(), reqwest::Error> {
    client
        .post(format!("{url}/events/{}", event.id))
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

async fn next_event(queue: &Mutex<mpsc::UnboundedReceiver<Event>>) -> Option<Event> {
    queue.lock().await.recv().await
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let tasks = ctxkit_examples::TaskCount::start();
    let (server_ctx, _stop_server) = Ctx::background().with_cancel();
    let addr = ctxkit_examples::stalling_server(&server_ctx, 3).await?;
    let url = format!("http://{addr}");
    let client = reqwest::Client::new();

    let (events, queue) = mpsc::unbounded_channel();
    let queue = Arc::new(Mutex::new(queue));
    for _ in 0..3 {
        let (queue, client, url) = (queue.clone(), client.clone(), url.clone());
        tokio::spawn(async move {
            while let Some(event) = next_event(&queue).await {
                if let Err(e) = deliver(&client, &url, &event).await {
                    println!("event {}: {e}; retrying later", event.id);
                    let (client, url) = (client.clone(), url.clone());
                    tokio::spawn(async move {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        let _ = deliver(&client, &url, &event).await;
                    });
                }
            }
        });
    }

    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(Duration::from_millis(20));
        let mut id = 0;
        loop {
            ticker.tick().await;
            id += 1;
            let _ = events.send(Event { id });
        }
    });

    tokio::time::sleep(Duration::from_millis(400)).await;
    println!("shutting down the pipeline (there is no way to)");
    ctxkit_examples::report_leaked(tasks.untracked(Duration::ZERO).await);
    Ok(())
}
