// Fixture for `uncancellable_loop`: parsed by the checker's tests, never compiled.
use ctxkit::{cancellable, Ctx};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::time::Interval;

async fn ticker(mut interval: Interval) {
    loop { //~ uncancellable_loop
        interval.tick().await;
        flush().await;
    }
}

async fn accept_loop(listener: TcpListener) -> std::io::Result<()> {
    loop { //~ uncancellable_loop
        let (sock, _) = listener.accept().await?;
        handle(sock).await;
    }
}

async fn accept_while(listener: TcpListener) {
    while let Ok((sock, _)) = listener.accept().await { //~ uncancellable_loop
        handle(sock).await;
    }
}

async fn forever(rx: &mut mpsc::Receiver<u8>) {
    while true { //~ uncancellable_loop
        rx.recv().await;
    }
}

async fn select_without_ctx(mut a: mpsc::Receiver<u8>, mut b: mpsc::Receiver<u8>) {
    loop { //~ uncancellable_loop
        tokio::select! {
            Some(x) = a.recv() => handle(x).await,
            Some(y) = b.recv() => handle(y).await,
        }
    }
}

fn spawner() {
    let task = async move {
        'outer: loop { //~ uncancellable_loop
            for x in xs() {
                if x { break; }
            }
            step().await;
        }
    };
}

// A way out: nothing to report below.
async fn with_ctx(ctx: &Ctx, mut interval: Interval, mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            _ = ctx.done() => break,
            _ = interval.tick() => flush().await,
        }
    }
    loop {
        if ctx.is_done() {
            return;
        }
        interval.tick().await;
    }
    loop {
        let Ok(Some(v)) = rx.recv_within(ctx).await else { break };
        handle(v).await;
    }
    loop {
        ctx.run(interval.tick()).await?;
    }
    loop {
        step(ctx).await?;
    }
    while !ctx.is_done() {
        interval.tick().await;
    }
    while let Some(v) = rx.recv().await {
        handle(v).await;
    }
    loop {
        match rx.recv().await {
            Some(v) => handle(v).await,
            None => break,
        }
    }
    'outer: loop {
        loop {
            if rx.recv().await.is_none() {
                break 'outer;
            }
        }
    }
    for v in items {
        handle(v).await;
    }
}

#[cancellable]
async fn cancellable_worker(mut interval: Interval) {
    loop {
        interval.tick().await;
    }
}

fn sync_loop() {
    loop {
        std::thread::sleep(d);
    }
}

async fn no_await() {
    loop {
        spin();
    }
}

#[ctxkit::allow(uncancellable_loop)]
async fn allowed(mut interval: Interval) {
    loop {
        interval.tick().await;
    }
}
