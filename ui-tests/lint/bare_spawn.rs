// Fixture for `bare_spawn`: parsed by the checker's tests, never compiled.
use std::thread;
use tokio::runtime::{Handle, Runtime};
use tokio::spawn as go;
use tokio::task;
use tokio::task::JoinSet;
use tokio_util::task::TaskTracker;

use crate::pool;
use ctxkit::Ctx;

async fn detached(conn: Conn) {
    tokio::spawn(async move { serve(conn).await }); //~ bare_spawn
    go(heartbeat()); //~ bare_spawn
    task::spawn(flush()); //~ bare_spawn
    task::spawn_local(flush()); //~ bare_spawn
    task::spawn_blocking(|| compress()); //~ bare_spawn
    ::tokio::task::spawn_blocking(compress); //~ bare_spawn
    thread::spawn(|| compress()); //~ bare_spawn
    std::thread::Builder::new().name("w".into()).spawn(|| compress()); //~ bare_spawn
    Handle::current().spawn(flush()); //~ bare_spawn
    async_std::task::spawn(flush()); //~ bare_spawn
    smol::spawn(flush()).detach(); //~ bare_spawn
    let handles: Vec<_> = jobs.into_iter().map(tokio::spawn).collect(); //~ bare_spawn
}

fn on_a_runtime(rt: &Runtime, handle: Handle) {
    rt.spawn(flush()); //~ bare_spawn
    handle.spawn_blocking(|| compress()); //~ bare_spawn
    let rt2 = tokio::runtime::Builder::new_multi_thread().build().unwrap();
    rt2.spawn(flush()); //~ bare_spawn
}

async fn inside_macros() {
    let v = vec![tokio::spawn(flush())]; //~ bare_spawn
    tokio::join!(async {
        tokio::spawn(flush()); //~ bare_spawn
    });
}

// Structured spawning: nothing to report below.
async fn structured(ctx: &Ctx, conn: Conn) {
    ctx.spawn(|ctx| async move { serve(&ctx, conn).await });
    ctx.spawn_named("flusher", |ctx| flush_until(ctx));
    ctx.spawn_blocking(|ctx| compress());
    let mut set = JoinSet::new();
    set.spawn(flush());
    let tracker = TaskTracker::new();
    tracker.spawn(flush());
    pool::spawn(flush());
    std::thread::scope(|s| {
        s.spawn(|| compress());
    });
    executor.spawn(flush());
}

fn spawn(f: impl FnOnce()) {}

fn own_spawn_is_not_tokio() {
    spawn(|| {});
}

#[ctxkit::allow(bare_spawn)]
fn metrics_thread() {
    std::thread::spawn(|| loop_forever());
}

fn commented() {
    tokio::spawn(flush()); // ctxkit: allow(bare_spawn)
    // ctxkit: allow(bare_spawn)
    tokio::spawn(flush());
}
