//! Fixed: every HTTP call is bounded by its request's context.
//!
//! The client is built once with a `timeout`, as an upper bound for any
//! call, and each call runs inside `ctx.run(..)` under a context with a
//! deadline and a cause ("profile service too slow"): at the deadline the
//! request future is dropped, which closes its connection, and the caller
//! gets a `Cancelled` error that says why. The request tasks run under
//! `ctx.spawn_named`, so `shutdown` can confirm they all ended.
//!
//! The bug is in `leaky.rs`. Run with `cargo run --example http_no_timeout`.

use std::time::Duration;

use ctxkit::Ctx;

type Error = Box<dyn std::error::Error + Send + Sync>;

async fn fetch_profile(ctx: &Ctx, client: &reqwest::Client, url: &str) -> Result<String, Error> {
    let body = ctx
        .run(async { client.get(url).send().await?.text().await })
        .await??;
    Ok(body)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let tasks = ctxkit_examples::TaskCount::start();
    let (root, _stop) = Ctx::background().with_cancel();
    let (server_ctx, _stop_server) = root.with_cancel();
    let (requests, _stop_requests) = root.with_cancel();
    let addr = ctxkit_examples::stalling_server(&server_ctx, 0).await?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?;

    for user in 0..10 {
        let url = format!("http://{addr}/users/{user}");
        let client = client.clone();
        drop(requests.spawn_named("fetch-profile", move |ctx| async move {
            let (ctx, _cancel) =
                ctx.with_timeout_cause(Duration::from_millis(200), "profile service too slow");
            match fetch_profile(&ctx, &client, &url).await {
                Ok(profile) => println!("user {user}: {profile}"),
                Err(e) => println!("user {user}: gave up: {e}"),
            }
        }));
    }

    requests.wait_tasks().await;
    drop(client);
    let report = root.shutdown("example done", Duration::from_secs(1)).await;
    println!("{report}");
    ctxkit_examples::report_leaked(tasks.live(Duration::from_millis(500)).await);
    Ok(())
}
