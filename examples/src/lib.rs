//! What the examples share: the line their tests read, counts of the
//! runtime's live tasks, and a local HTTP server that misbehaves on purpose.
//!
//! The runnable examples live beside this crate: `cargo run --example NAME`,
//! each leak pattern as `NAME_leaky` (the bug) and `NAME` (the fix). See
//! `examples/README.md`.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use ctxkit::Ctx;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

/// Prints the line the example tests read: `leaked tasks: N`.
pub fn report_leaked(n: usize) {
    println!("leaked tasks: {n}");
}

/// Counts the runtime's live tasks against a baseline taken at the start,
/// so that tasks the runtime keeps for itself are not counted as leaks.
#[derive(Debug, Clone, Copy)]
pub struct TaskCount {
    baseline: usize,
}

impl TaskCount {
    /// Takes the baseline. Call it first thing in `main`.
    pub fn start() -> TaskCount {
        TaskCount {
            baseline: ctxkit::leaks::runtime_tasks().unwrap_or(0),
        }
    }

    /// Tasks alive now that were not at the start, tracked or not. Tasks
    /// that are ending take a moment to leave the count, so this waits up to
    /// `settle` for it to reach zero.
    pub async fn live(&self, settle: Duration) -> usize {
        settled(settle, || self.alive()).await
    }

    /// Like [`live`](TaskCount::live), less the tasks ctxkit tracks: the
    /// ones a bare `tokio::spawn` started.
    pub async fn untracked(&self, settle: Duration) -> usize {
        settled(settle, || {
            self.alive().saturating_sub(ctxkit::leaks::snapshot().len())
        })
        .await
    }

    fn alive(&self) -> usize {
        ctxkit::leaks::runtime_tasks()
            .unwrap_or(0)
            .saturating_sub(self.baseline)
    }
}

async fn settled(settle: Duration, count: impl Fn() -> usize) -> usize {
    let until = Instant::now() + settle;
    loop {
        let n = count();
        if n == 0 || Instant::now() >= until {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Starts a local HTTP server under `ctx` that answers its first `failures`
/// requests with `503 Service Unavailable` and then accepts connections and
/// never answers: a backend that is overloaded, then stalled. It stops, and
/// drops every connection it holds, when `ctx` is done.
pub async fn stalling_server(ctx: &Ctx, failures: usize) -> io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    drop(ctx.spawn_named("stalling-server", move |ctx| async move {
        let mut accepted = 0;
        while let Ok(Ok((conn, _))) = ctx.run(listener.accept()).await {
            accepted += 1;
            let answer = accepted <= failures;
            drop(ctx.spawn_named("stalled-connection", move |ctx| async move {
                if answer {
                    let _ = ctx.run(unavailable(conn)).await;
                } else {
                    // Holding the socket open is what stalls the client.
                    let _conn = conn;
                    ctx.done().await;
                }
            }));
        }
    }));
    Ok(addr)
}

async fn unavailable(mut conn: TcpStream) -> io::Result<()> {
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = conn.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        request.extend_from_slice(&buf[..n]);
    }
    conn.write_all(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        .await?;
    conn.shutdown().await
}

/// Sends this process SIGTERM after `after`, as an orchestrator stopping the
/// service would, so that an example that waits for a signal ends by itself.
/// Nothing is sent if `ctx` is done first.
pub fn sigterm_self_after(ctx: &Ctx, after: Duration) {
    drop(ctx.spawn_named("sigterm-self", move |ctx| async move {
        if ctx.run(tokio::time::sleep(after)).await.is_err() {
            return;
        }
        let pid = std::process::id().to_string();
        let sent = tokio::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await;
        if let Err(e) = sent {
            eprintln!("cannot run `kill -TERM {pid}`: {e}");
        }
    }));
}
