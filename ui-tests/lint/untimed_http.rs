// Fixture for `untimed_http`: parsed by the checker's tests, never compiled.
use std::time::Duration;

use ctxkit::Ctx;
use reqwest::Client;

async fn requests(url: &str) -> Result<(), Error> {
    let body = reqwest::get(url).await?.text().await?; //~ untimed_http
    let client = Client::new(); //~ untimed_http
    let built = Client::builder().user_agent("x").build()?; //~ untimed_http
    let other = reqwest::Client::default(); //~ untimed_http
    Ok(())
}

async fn hyper_requests(client: hyper::Client<Connector>, req: Request) {
    let resp = client.request(req).await; //~ untimed_http
}

// Bounded: nothing to report below.
async fn bounded(ctx: &Ctx, url: &str, client: hyper::Client<Connector>, req: Request) -> Result<(), Error> {
    let client2 = Client::builder().timeout(Duration::from_secs(10)).build()?;
    let body = ctx.run(reqwest::get(url)).await??;
    let body = tokio::time::timeout(Duration::from_secs(5), reqwest::get(url)).await??;
    let resp = ctx.run(client.request(req)).await;
    let blocking = reqwest::blocking::get(url)?;
    let mine = my_http::get(url).await;
    Ok(())
}

#[ctxkit::allow(untimed_http)]
async fn allowed(url: &str) {
    let body = reqwest::get(url).await;
}
