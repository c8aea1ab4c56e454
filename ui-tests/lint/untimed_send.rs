// Fixture for `untimed_send`: parsed by the checker's tests, never compiled.
use std::sync::mpsc as std_mpsc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::timeout;

use ctxkit::{cancellable, Ctx};

type JobTx = mpsc::Sender<Job>;

struct Producer {
    tx: mpsc::Sender<Job>,
    mailer: Mailer,
}

impl Producer {
    async fn push(&self, job: Job) {
        self.tx.send(job).await.ok(); //~ untimed_send
        self.mailer.send(job).await;
    }
}

async fn typed(tx: mpsc::Sender<u64>, alias: JobTx, job: Job) {
    tx.send(1).await.unwrap(); //~ untimed_send
    alias.send(job).await.unwrap(); //~ untimed_send
    let tx2 = tx.clone();
    tx2.send(2).await.unwrap(); //~ untimed_send
    let (btx, brx) = mpsc::channel(8);
    btx.send(3).await.unwrap(); //~ untimed_send
    tx.blocking_send(4).unwrap(); //~ untimed_send
}

async fn unknown(sock: Socket, buf: Vec<u8>) {
    let events = make_queue();
    events.send(1).await.unwrap(); //~ untimed_send
    sock.send(&buf).await.unwrap();
    let udp_sock = bind().await;
    udp_sock.send(b"ping").await.unwrap();
    socket.send(bytes).await.unwrap();
}

fn blocking() {
    let (s, r) = crossbeam_channel::bounded(1);
    s.send(1).unwrap(); //~ untimed_send
    let (u, r2) = crossbeam_channel::unbounded(); //~ unbounded_channel
    u.send(1).unwrap();
    let (stx, srx) = std_mpsc::channel(); //~ unbounded_channel
    stx.send(1).unwrap();
    let (sync_tx, sync_rx) = std_mpsc::sync_channel(1);
    sync_tx.send(1).unwrap(); //~ untimed_send
    let (ftx, frx) = flume::bounded(4);
    ftx.send(1).unwrap(); //~ untimed_send
}

async fn in_select(tx: mpsc::Sender<u8>, other: mpsc::Receiver<u8>) {
    tokio::select! {
        r = tx.send(1) => {} //~ untimed_send
        v = other.recv() => {}
    }
}

// Bounded sends: nothing to report below.
async fn bounded(ctx: &Ctx, tx: mpsc::Sender<u64>, utx: mpsc::UnboundedSender<u64>) {
    timeout(Duration::from_secs(1), tx.send(1)).await.ok();
    tokio::time::timeout(Duration::from_secs(1), async { tx.send(2).await }).await.ok();
    ctx.run(tx.send(3)).await.ok();
    tx.send_within(ctx, 4).await.ok();
    tokio::select! {
        _ = ctx.done() => {}
        r = tx.send(5) => {}
    }
    tokio::select! {
        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        r = tx.send(6) => {}
    }
    utx.send(7).unwrap();
    let (btx, _brx) = tokio::sync::broadcast::channel(8);
    btx.send(8).unwrap();
}

#[cancellable]
async fn judged_by_cancel_unsafe_await(tx: mpsc::Sender<u64>) -> Result<(), Error> {
    tx.send(1).await?; //~ cancel_unsafe_await
    Ok(())
}

async fn allowed(tx: mpsc::Sender<u64>) {
    #[ctxkit::allow(untimed_send)]
    tx.send(1).await.ok();
    tx.send(2).await.ok(); // ctxkit: allow(untimed_send)
}
