//! A context tree being cancelled with a cause: a request context with a
//! deadline, two workers under it, and the cause reaching every one of them.
//!
//! Run it with `cargo run --example cancel_tree`.

use std::time::Duration;

use ctxkit::Ctx;

async fn worker(ctx: Ctx, name: &'static str) -> String {
    let mut beats = 0u32;
    loop {
        tokio::select! {
            _ = ctx.done() => {
                let cause = ctx.cause().map(|c| c.to_string()).unwrap_or_default();
                return format!("{name}: stopped after {beats} beats ({:?}: {cause})", ctx.err().unwrap());
            }
            _ = tokio::time::sleep(Duration::from_millis(20)) => beats += 1,
        }
    }
}

#[tokio::main]
async fn main() {
    let root = Ctx::background();
    let (request, cancel) = root.with_timeout(Duration::from_secs(5));
    let (fetch, _fetch_cancel) = request.with_cancel();
    let (render, _render_cancel) = request.with_timeout(Duration::from_secs(60));

    let a = fetch.spawn_named("fetch", |ctx| worker(ctx, "fetch"));
    let b = render.spawn_named("render", |ctx| worker(ctx, "render"));

    tokio::time::sleep(Duration::from_millis(100)).await;
    println!("cancelling the request: client disconnected");
    cancel.cancel_with("client disconnected");

    println!("{}", a.await.expect("fetch worker panicked"));
    println!("{}", b.await.expect("render worker panicked"));
    println!("root still live: {}", !root.is_done());
}
