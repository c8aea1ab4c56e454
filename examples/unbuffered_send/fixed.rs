//! Fixed: every send is bounded by the request's context, and the request
//! ends as soon as the first answer is in.
//!
//! Each replica runs under `ctx.spawn` and sends with
//! `tx.send_within(&ctx, quote)`. Once the first quote arrives,
//! `first_quote` cancels the request ("first quote received"): the senders
//! still waiting for room get their quote back in the error and return. The
//! request also carries a timeout, so a request no replica answers ends too.
//! `shutdown` then confirms that nothing is left.
//!
//! The bug is in `leaky.rs`. Run with `cargo run --example unbuffered_send`.

use std::time::Duration;

use ctxkit::prelude::*;

const REPLICAS: u64 = 20;

async fn quote_from(replica: u64) -> u64 {
    tokio::time::sleep(Duration::from_millis(replica)).await;
    100 + replica
}

async fn first_quote(ctx: &Ctx) -> Result<Option<u64>, Cancelled> {
    let (request, cancel) = ctx.with_timeout_cause(Duration::from_secs(1), "no replica answered in time");
    let (tx, mut replies) = ctxkit::channel::bounded(1);
    for replica in 0..REPLICAS {
        let tx = tx.clone();
        drop(request.spawn_named("replica", move |ctx| async move {
            let quote = quote_from(replica).await;
            if let Err(e) = tx.send_within(&ctx, quote).await {
                debug_assert_eq!(e.into_inner(), quote, "an abandoned send hands its value back");
            }
        }));
    }
    let first = replies.recv_within(&request).await;
    cancel.cancel_with("first quote received");
    first
}

#[tokio::main]
async fn main() {
    let tasks = ctxkit_examples::TaskCount::start();
    let (root, _stop) = Ctx::background().with_cancel();
    let quote = first_quote(&root).await;
    println!("first quote: {quote:?}");

    tokio::time::sleep(Duration::from_millis(100)).await;
    let report = root.shutdown("example done", Duration::from_secs(1)).await;
    println!("{report}");
    ctxkit_examples::report_leaked(tasks.live(Duration::from_millis(500)).await);
}
