// Fixture for `cancel_unsafe_await`: parsed by the checker's tests, never compiled.
use ctxkit::{cancellable, shield, Ctx};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{mpsc, Mutex};

#[cancellable]
async fn forward(tx: mpsc::Sender<Event>, ev: Event) -> Result<(), Error> {
    tx.send(ev).await?; //~ cancel_unsafe_await
    Ok(())
}

#[ctxkit::cancellable]
async fn copy(stream: &mut TcpStream, state: &Mutex<State>) -> Result<(), Error> {
    let mut buf = [0u8; 4];
    stream.read_exact(&mut buf).await?; //~ cancel_unsafe_await
    stream.write_all(&buf).await?; //~ cancel_unsafe_await
    let mut all = Vec::new();
    stream.read_to_end(&mut all).await?; //~ cancel_unsafe_await
    let guard = state.lock().await; //~ cancel_unsafe_await
    Ok(())
}

// Safe: nothing to report below.
#[cancellable]
async fn safe(tx: mpsc::Sender<Event>, stream: &mut TcpStream, ev: Event) -> Result<(), Error> {
    tx.send_within(ctx, ev).await?;
    shield(stream.write_all(b"commit")).await?;
    ctxkit::shield(tx.send(ev)).await?;
    let n = stream.read(&mut buf).await?;
    ctx.spawn(|ctx| async move {
        tx.send(ev).await.ok(); //~ untimed_send
    });
    Ok(())
}

#[cancellable(mode = "check")]
async fn check_mode(tx: mpsc::Sender<Event>, stream: &mut TcpStream, ev: Event) -> Result<(), Error> {
    tx.send(ev).await?;
    stream.write_all(b"x").await?;
    Ok(())
}

async fn not_cancellable(stream: &mut TcpStream) -> std::io::Result<()> {
    stream.write_all(b"x").await
}

#[cancellable]
#[ctxkit::allow(cancel_unsafe_await)]
async fn allowed(stream: &mut TcpStream) -> Result<(), Error> {
    stream.write_all(b"x").await?;
    Ok(())
}
