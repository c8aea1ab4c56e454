//! Leaky: senders stuck for ever on a channel nobody reads any more.
//!
//! `first_quote` asks every replica for a quote, keeps the first answer and
//! moves on. Each replica's task does `tx.send(quote).await` on a channel of
//! capacity 1. The receiver stays alive (the session keeps it), so the
//! channel never closes: one late answer fills the buffer and every other
//! sender waits for room that never comes, holding its task for ever.
//!
//! The fix is in `fixed.rs`. Run with `cargo run --example unbuffered_send_leaky`.

use std::time::Duration;

use tokio::sync::mpsc;

const REPLICAS: u64 = 20;

/// A client session: it keeps its reply channel for as long as it lives.
struct Session {
    replies: mpsc::Receiver<u64>,
    tx: mpsc::Sender<u64>,
}

async fn quote_from(replica: u64) -> u64 {
    tokio::time::sleep(Duration::from_millis(replica)).await;
    100 + replica
}

async fn first_quote(session: &mut Session) -> Option<u64> {
    for replica in 0..REPLICAS {
        let tx = session.tx.clone();
        tokio::spawn(async move {
            let quote = quote_from(replica).await;
            let _ = tx.send(quote).await;
        });
    }
    session.replies.recv().await
}

#[tokio::main]
async fn main() {
    let tasks = ctxkit_examples::TaskCount::start();
    let (tx, replies) = mpsc::channel(1);
    let mut session = Session { replies, tx };
    let quote = first_quote(&mut session).await;
    println!("first quote: {quote:?}");

    // Every replica has answered by now; the session is still open.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let stuck = tasks.live(Duration::ZERO).await;
    println!("senders blocked on a full channel: {stuck}");
    ctxkit_examples::report_leaked(stuck);
    drop(session);
}
