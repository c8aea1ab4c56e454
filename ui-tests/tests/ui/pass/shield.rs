//! `shield(..)` under each of its paths leaves an await alone.
#![deny(warnings)]

use std::time::Duration;

use ctxkit::{Cancelled, Ctx, cancellable, shield};

#[cancellable]
async fn commit(log: &mut Vec<&'static str>) -> Result<(), Cancelled> {
    shield(tokio::time::sleep(Duration::from_millis(20))).await;
    log.push("first");
    ctxkit::shield(tokio::time::sleep(Duration::from_millis(1))).await;
    log.push("second");
    ::ctxkit::shield(async { log.push("third") }).await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    log.push("never");
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    let (ctx, cancel) = Ctx::background().with_timeout(Duration::from_millis(5));
    let mut log = Vec::new();
    assert!(commit(&ctx, &mut log).await.is_err());
    assert_eq!(log, ["first", "second", "third"]);
    cancel.cancel();
}
