//! Fixed: the event pipeline under one context, each leak vector closed.
//!
//! 1. The main loop races its ticker against `ctx.done()`.
//! 2. The workers run under `ctx.spawn_named`, take events with
//!    `ctx.run(..)` from a bounded queue fed with `send_within`.
//! 3. Each webhook call runs in `ctx.run(..)` under a child context with a
//!    timeout ("webhook receiver too slow"), on a client that has a timeout
//!    of its own as an upper bound.
//! 4. A failed delivery is retried once by a recovery task spawned under the
//!    pipeline's context, with the same bound, so shutdown stops it too.
//!
//! `pipeline.shutdown(..)` cancels all of it and reports what did not stop:
//! nothing. The webhook receiver is a local server that fails its first three
//! calls and then stalls. The bug is in `leaky.rs`. Run with
//! `cargo run --example event_pipeline`.

use std::sync::Arc;
use std::time::Duration;

use ctxkit::prelude::*;
use tokio::sync::{Mutex, mpsc};

type Error = Box<dyn std::error::Error + Send + Sync>;

const WEBHOOK_TIMEOUT: Duration = Duration::from_millis(100);

#[derive(Debug, Clone)]
struct Event {
    id: u64,
}

async fn deliver(ctx: &Ctx, client: &reqwest::Client, url: &str, event: &Event) -> Result<(), Error> {
    let (ctx, _cancel) = ctx.with_timeout_cause(WEBHOOK_TIMEOUT, "webhook receiver too slow");
    let call = async {
        client
            .post(format!("{url}/events/{}", event.id))
            .send()
            .await?
            .error_for_status()
    };
    ctx.run(call).await??;
    Ok(())
}

async fn next_event(queue: &Mutex<mpsc::Receiver<Event>>) -> Option<Event> {
    queue.lock().await.recv().await
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let tasks = ctxkit_examples::TaskCount::start();
    let (root, _stop) = Ctx::background().with_cancel();
    let addr = ctxkit_examples::stalling_server(&root, 3).await?;
    let url = format!("http://{addr}");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?;

    let (pipeline, _stop_pipeline) = root.with_cancel();
    let (events, queue) = ctxkit::channel::bounded(64);
    let queue = Arc::new(Mutex::new(queue));
    for id in 0..3 {
        let (queue, client, url) = (queue.clone(), client.clone(), url.clone());
        drop(
            pipeline.spawn_named(&format!("worker-{id}"), move |ctx| async move {
                while let Ok(Some(event)) = ctx.run(next_event(&queue)).await {
                    let Err(e) = deliver(&ctx, &client, &url, &event).await else {
                        continue;
                    };
                    if ctx.is_done() {
                        println!("event {}: {e}; left for the next run", event.id);
                        break;
                    }
                    println!("event {}: {e}; retrying later", event.id);
                    let (client, url) = (client.clone(), url.clone());
                    drop(ctx.spawn_named("webhook-retry", move |ctx| async move {
                        if ctx
                            .run(tokio::time::sleep(Duration::from_millis(50)))
                            .await
                            .is_ok()
                            && let Err(e) = deliver(&ctx, &client, &url, &event).await
                        {
                            println!("event {}: retry failed: {e}; dropped", event.id);
                        }
                    }));
                }
            }),
        );
    }

    drop(pipeline.spawn_named("event-loop", move |ctx| async move {
        let mut ticker = tokio::time::interval(Duration::from_millis(20));
        let mut id = 0;
        while ctx.run(ticker.tick()).await.is_ok() {
            id += 1;
            if let Err(e) = events.send_within(&ctx, Event { id }).await {
                println!("event {id} not queued: {e}");
            }
        }
    }));

    tokio::time::sleep(Duration::from_millis(400)).await;
    let report = pipeline
        .shutdown("pipeline shutting down", Duration::from_secs(1))
        .await;
    println!("{report}");
    drop(client);
    drop(root.shutdown("example done", Duration::from_secs(1)).await);
    ctxkit_examples::report_leaked(tasks.live(Duration::from_millis(500)).await);
    Ok(())
}
