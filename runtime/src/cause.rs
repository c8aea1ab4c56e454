//! Why a context ended: [`CtxError`] says how, [`Cause`] says why, and
//! [`Cancelled`] carries both out of an interrupted operation.

use std::error::Error;
use std::fmt;
use std::sync::Arc;

/// How a context ended, as Go's `ctx.Err()` reports it.
///
/// ```
/// use ctxkit::{Ctx, CtxError};
/// let (ctx, cancel) = Ctx::background().with_cancel();
/// cancel.cancel();
/// assert_eq!(ctx.err(), Some(CtxError::Canceled));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum CtxError {
    /// The context, or one of its ancestors, was cancelled.
    #[error("context canceled")]
    Canceled,
    /// The deadline of the context, or of one of its ancestors, passed.
    #[error("context deadline exceeded")]
    DeadlineExceeded,
}

/// Why a context was cancelled: any error, cheap to clone.
///
/// Build one from a message, or from your own error type and match it later
/// with [`downcast_ref`](Cause::downcast_ref).
///
/// ```
/// use ctxkit::{Cause, Ctx};
///
/// #[derive(Debug, thiserror::Error)]
/// #[error("replica {0} lost")]
/// struct ReplicaLost(u32);
///
/// let (ctx, cancel) = Ctx::background().with_cancel();
/// cancel.cancel_with(Cause::new(ReplicaLost(3)));
/// let cause = ctx.cause().unwrap();
/// assert_eq!(cause.to_string(), "replica 3 lost");
/// assert_eq!(cause.downcast_ref::<ReplicaLost>().unwrap().0, 3);
/// ```
#[derive(Clone)]
pub struct Cause(Repr);

/// The built-in causes are statics, so cancelling with one touches no shared
/// reference count: contexts cancelled on many cores at once do not contend.
#[derive(Clone)]
enum Repr {
    Static(&'static (dyn Error + Send + Sync + 'static)),
    Shared(Arc<dyn Error + Send + Sync + 'static>),
}

/// A cause given as plain text.
#[derive(Debug)]
struct Message(Box<str>);

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Error for Message {}

/// A built-in cause.
#[derive(Debug)]
pub(crate) struct StaticMessage(pub(crate) &'static str);

impl fmt::Display for StaticMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Error for StaticMessage {}

impl Cause {
    /// Wraps an error as a cause.
    ///
    /// ```
    /// let cause = ctxkit::Cause::new(std::io::Error::other("disk full"));
    /// assert_eq!(cause.to_string(), "disk full");
    /// ```
    pub fn new<E: Error + Send + Sync + 'static>(error: E) -> Self {
        Cause(Repr::Shared(Arc::new(error)))
    }

    /// The cause as the concrete error type `E`, if it is one.
    ///
    /// ```
    /// let cause = ctxkit::Cause::new(std::io::Error::other("disk full"));
    /// assert!(cause.downcast_ref::<std::io::Error>().is_some());
    /// ```
    pub fn downcast_ref<E: Error + 'static>(&self) -> Option<&E> {
        self.as_error().downcast_ref::<E>()
    }

    /// The cause as a `dyn Error`, for error-reporting libraries.
    pub fn as_error(&self) -> &(dyn Error + Send + Sync + 'static) {
        match &self.0 {
            Repr::Static(e) => *e,
            Repr::Shared(e) => &**e,
        }
    }

    /// A built-in cause: no allocation, no reference count.
    pub(crate) const fn of_static(message: &'static StaticMessage) -> Cause {
        Cause(Repr::Static(message))
    }
}

impl From<&str> for Cause {
    fn from(text: &str) -> Self {
        Cause(Repr::Shared(Arc::new(Message(text.into()))))
    }
}

impl From<String> for Cause {
    fn from(text: String) -> Self {
        Cause(Repr::Shared(Arc::new(Message(text.into_boxed_str()))))
    }
}

impl From<CtxError> for Cause {
    fn from(err: CtxError) -> Self {
        Cause::new(err)
    }
}

impl From<Box<dyn Error + Send + Sync + 'static>> for Cause {
    fn from(error: Box<dyn Error + Send + Sync + 'static>) -> Self {
        Cause(Repr::Shared(Arc::from(error)))
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_error(), f)
    }
}

impl fmt::Debug for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Cause")
            .field(&format_args!("{:?}", self.to_string()))
            .finish()
    }
}

/// The error of an operation cut short by its context: how the context ended
/// and why.
///
/// It is `Send + Sync + 'static` and a std `Error`, so `?` carries it into
/// `anyhow::Error`, `Box<dyn Error>` or your own error enum via
/// `From<Cancelled>`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use ctxkit::{Ctx, CtxError};
/// let (ctx, cancel) = Ctx::background().with_cancel();
/// cancel.cancel_with("user hung up");
/// let err = ctx.run(std::future::pending::<()>()).await.unwrap_err();
/// assert_eq!(err.err(), CtxError::Canceled);
/// assert_eq!(err.cause().to_string(), "user hung up");
/// assert_eq!(err.to_string(), "context canceled: user hung up");
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Cancelled {
    err: CtxError,
    cause: Cause,
}

impl Cancelled {
    pub(crate) fn new(err: CtxError, cause: Cause) -> Self {
        Cancelled { err, cause }
    }

    /// How the context ended.
    pub fn err(&self) -> CtxError {
        self.err
    }

    /// Why the context ended.
    pub fn cause(&self) -> &Cause {
        &self.cause
    }

    /// Whether the context ended because a deadline passed.
    pub fn is_deadline_exceeded(&self) -> bool {
        self.err == CtxError::DeadlineExceeded
    }
}

impl fmt::Display for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cause = self.cause.to_string();
        if cause == self.err.to_string() {
            write!(f, "{}", self.err)
        } else {
            write!(f, "{}: {cause}", self.err)
        }
    }
}

impl Error for Cancelled {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(self.cause.as_error())
    }
}

impl From<Cancelled> for CtxError {
    fn from(c: Cancelled) -> Self {
        c.err
    }
}
