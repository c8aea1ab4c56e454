//! Where the tasks that cancel contexts run: deadline timers and signal
//! listeners go on the caller's tokio runtime when there is one, so paused
//! test time applies, and on a small runtime of ctxkit's own otherwise.

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::Handle;
use tokio::task::AbortHandle;

use crate::cause::{Cause, CtxError};
use crate::sync::Arc;
use crate::tree::Node;

/// The caller's runtime, or ctxkit's own.
pub(crate) fn handle() -> Handle {
    Handle::try_current().unwrap_or_else(|_| fallback().clone())
}

fn fallback() -> &'static Handle {
    static RT: OnceLock<Handle> = OnceLock::new();
    RT.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .thread_name("ctxkit-timer")
            .build()
            .unwrap_or_else(|e| panic!("ctxkit: cannot build its timer runtime: {e}"));
        let handle = rt.handle().clone();
        std::thread::Builder::new()
            .name("ctxkit-timer".into())
            // ctxkit: allow(bare_spawn) -- ctxkit's own timer runtime, for the life of the process.
            .spawn(move || rt.block_on(std::future::pending::<()>()))
            .unwrap_or_else(|e| panic!("ctxkit: cannot start its timer thread: {e}"));
        handle
    })
}

/// Spawns a task that will cancel a node; the node aborts it once it is done
/// or nobody can observe it any more.
pub(crate) fn spawn_watcher<F>(task: F) -> AbortHandle
where
    F: Future<Output = ()> + Send + 'static,
{
    // ctxkit: allow(bare_spawn) -- the node owns this task and aborts it.
    handle().spawn(task).abort_handle()
}

/// Installs SIGINT/SIGTERM listeners (before returning) and a task that
/// cancels `node` when one arrives.
#[cfg(all(unix, not(loom)))]
pub(crate) fn listen_for_shutdown(node: Arc<Node>) -> std::io::Result<AbortHandle> {
    use tokio::signal::unix::{SignalKind, signal};
    let handle = handle();
    let _guard = handle.enter();
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(spawn_watcher(async move {
        let name = tokio::select! {
            _ = interrupt.recv() => "SIGINT",
            _ = terminate.recv() => "SIGTERM",
        };
        Node::cancel(&node, CtxError::Canceled, Cause::from(format!("received {name}")));
    }))
}

/// Installs a Ctrl-C listener and a task that cancels `node` when it fires.
#[cfg(all(not(unix), not(loom)))]
pub(crate) fn listen_for_shutdown(node: Arc<Node>) -> std::io::Result<AbortHandle> {
    let _guard = handle().enter();
    Ok(spawn_watcher(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            Node::cancel(&node, CtxError::Canceled, Cause::from("received Ctrl-C"));
        }
    }))
}

/// Reports a problem that has no caller to return it to.
pub(crate) fn warn(message: &str) {
    eprintln!("ctxkit: {message}");
}

/// tokio leaves its signal driver out of loom builds.
#[cfg(loom)]
pub(crate) fn listen_for_shutdown(_node: Arc<Node>) -> std::io::Result<AbortHandle> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "signals are not modelled under loom",
    ))
}
