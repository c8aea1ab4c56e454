//! Channels that lose nothing: sends and receives bounded by a context.
//!
//! `tx.send(v).await` on a full channel waits for ever, and racing it against
//! a context in `select!` drops the message when the context wins. A
//! [`send_within`](SenderExt::send_within) waits for room with `reserve()`
//! instead, so a cancelled send has not taken the value: the error hands it
//! back.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use ctxkit::prelude::*;
//!
//! let (tx, mut rx) = ctxkit::channel::bounded::<String>(1);
//! let (ctx, cancel) = Ctx::background().with_cancel();
//! tx.send_within(&ctx, "first".to_string()).await.unwrap(); // fills the channel
//! cancel.cancel_with("client went away");
//! let err = tx.send_within(&ctx, "second".to_string()).await.unwrap_err();
//! assert_eq!(err.into_inner(), "second"); // not lost
//! assert_eq!(rx.recv().await.as_deref(), Some("first"));
//! # }
//! ```

use std::fmt;
use std::future::Future;

use tokio::sync::mpsc::{Receiver, Sender};

use crate::cause::Cancelled;
use crate::ctx::Ctx;

/// A bounded channel: tokio's `mpsc::channel`, under a name that says a
/// capacity is required. ctxkit offers no unbounded one: a slow consumer of
/// an unbounded channel turns into unbounded memory.
///
/// # Panics
///
/// When `capacity` is 0, as tokio does.
///
/// ```
/// let (tx, rx) = ctxkit::channel::bounded::<u32>(16);
/// assert_eq!(tx.max_capacity(), 16);
/// # drop(rx);
/// ```
pub fn bounded<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    tokio::sync::mpsc::channel(capacity)
}

/// Why [`send_within`](SenderExt::send_within) did not send; either way the
/// value comes back.
#[derive(Clone)]
pub enum SendError<T> {
    /// The context was done (cancelled or past its deadline) before there was
    /// room. Carries the value and how and why the context ended.
    Cancelled(T, Cancelled),
    /// The receiver is gone.
    Closed(T),
}

impl<T> SendError<T> {
    /// The value that was not sent.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use ctxkit::prelude::*;
    /// let (tx, rx) = ctxkit::channel::bounded::<u8>(1);
    /// drop(rx);
    /// let err = tx.send_within(&Ctx::background(), 9).await.unwrap_err();
    /// assert!(err.is_closed());
    /// assert_eq!(err.into_inner(), 9);
    /// # }
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            SendError::Cancelled(v, _) | SendError::Closed(v) => v,
        }
    }

    /// Whether the receiver was gone.
    pub fn is_closed(&self) -> bool {
        matches!(self, SendError::Closed(_))
    }

    /// How and why the context ended, when that is what stopped the send.
    pub fn cancelled(&self) -> Option<&Cancelled> {
        match self {
            SendError::Cancelled(_, c) => Some(c),
            SendError::Closed(_) => None,
        }
    }
}

impl<T> fmt::Debug for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Cancelled(_, c) => f.debug_tuple("Cancelled").field(&"..").field(c).finish(),
            SendError::Closed(_) => f.debug_tuple("Closed").field(&"..").finish(),
        }
    }
}

impl<T> fmt::Display for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Cancelled(_, c) => write!(f, "send abandoned, value returned: {c}"),
            SendError::Closed(_) => f.write_str("send on a closed channel, value returned"),
        }
    }
}

impl<T> std::error::Error for SendError<T> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SendError::Cancelled(_, c) => Some(c),
            SendError::Closed(_) => None,
        }
    }
}

/// Context-bounded sends on tokio's `mpsc::Sender`. In scope with
/// `use ctxkit::prelude::*`.
pub trait SenderExt<T: Send> {
    /// Sends `value` once there is room, unless the context is done first or
    /// the receiver is gone; then the error hands `value` back. A context
    /// already done sends nothing, even when there is room.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::Duration;
    /// use ctxkit::prelude::*;
    /// let (tx, _rx) = ctxkit::channel::bounded::<&str>(1);
    /// tx.try_send("fills it").unwrap();
    /// let (ctx, _cancel) = Ctx::background().with_timeout(Duration::from_millis(5));
    /// let err = tx.send_within(&ctx, "waits").await.unwrap_err();
    /// assert!(err.cancelled().unwrap().is_deadline_exceeded());
    /// assert_eq!(err.into_inner(), "waits");
    /// # }
    /// ```
    fn send_within(&self, ctx: &Ctx, value: T) -> impl Future<Output = Result<(), SendError<T>>> + Send;
}

impl<T: Send> SenderExt<T> for Sender<T> {
    async fn send_within(&self, ctx: &Ctx, value: T) -> Result<(), SendError<T>> {
        // `reserve` holds no value while it waits, so dropping it on
        // cancellation loses nothing; the value moves only into a permit.
        match ctx.run(self.reserve()).await {
            Ok(Ok(permit)) => {
                permit.send(value);
                Ok(())
            }
            Ok(Err(_closed)) => Err(SendError::Closed(value)),
            Err(cancelled) => Err(SendError::Cancelled(value, cancelled)),
        }
    }
}

/// Context-bounded receives on tokio's `mpsc::Receiver`. In scope with
/// `use ctxkit::prelude::*`.
pub trait ReceiverExt<T: Send> {
    /// The next message, `Ok(None)` once every sender is gone and the channel
    /// is empty, or `Err` when the context is done first. Cancel safe: no
    /// message is taken unless it is returned.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use ctxkit::prelude::*;
    /// let (tx, mut rx) = ctxkit::channel::bounded::<u8>(4);
    /// let (ctx, cancel) = Ctx::background().with_cancel();
    /// tx.send_within(&ctx, 1).await.unwrap();
    /// assert_eq!(rx.recv_within(&ctx).await.unwrap(), Some(1));
    /// cancel.cancel();
    /// assert!(rx.recv_within(&ctx).await.is_err());
    /// # }
    /// ```
    fn recv_within(&mut self, ctx: &Ctx) -> impl Future<Output = Result<Option<T>, Cancelled>> + Send;
}

impl<T: Send> ReceiverExt<T> for Receiver<T> {
    async fn recv_within(&mut self, ctx: &Ctx) -> Result<Option<T>, Cancelled> {
        ctx.run(self.recv()).await
    }
}
