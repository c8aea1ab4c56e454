//! [`Ctx`], the handles it gives out, and the futures that wait on it.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::Instant;
use crate::cause::{Cancelled, Cause, CtxError, StaticMessage};
use crate::driver;
use crate::sync::Arc;
use crate::timer::{self, Reason};
use crate::tree::{self, Node, Watcher};
use crate::values::Values;

/// A context: a handle on a cancellation tree, an optional deadline and a set
/// of typed values, passed down every call that does work on someone's behalf.
///
/// `Ctx` is Go's `context.Context` for async Rust. Cloning is cheap (reference
/// counts), and `Ctx` is `Send + Sync + 'static`, so it moves into tasks.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::Duration;
/// use ctxkit::{Ctx, CtxError};
///
/// let root = Ctx::background();
/// let (request, cancel) = root.with_timeout(Duration::from_secs(5));
/// let (step, _step_cancel) = request.with_cancel();
///
/// cancel.cancel_with("client went away");
/// step.done().await;
/// assert_eq!(step.err(), Some(CtxError::Canceled));
/// assert_eq!(step.cause().unwrap().to_string(), "client went away");
/// # }
/// ```
pub struct Ctx {
    node: Option<Arc<Node>>,
    values: Option<std::sync::Arc<Values>>,
}

static CANCELED: StaticMessage = StaticMessage("context canceled");
static HANDLE_DROPPED: StaticMessage = StaticMessage("cancel handle dropped");

impl Ctx {
    /// The root context: never cancelled, no deadline, no values. It costs
    /// nothing to make.
    ///
    /// ```
    /// let ctx = ctxkit::Ctx::background();
    /// assert!(!ctx.is_done());
    /// ```
    pub const fn background() -> Ctx {
        Ctx {
            node: None,
            values: None,
        }
    }

    fn child_node(&self, users: usize, deadline: Option<Instant>) -> Arc<Node> {
        match &self.node {
            Some(parent) => Node::child(parent, users, deadline),
            None => Node::root(users, deadline),
        }
    }

    fn with_node(&self, node: Arc<Node>) -> Ctx {
        Ctx {
            node: Some(node),
            values: self.values.clone(),
        }
    }

    /// A child context and the handle that cancels it. Cancelling the parent
    /// cancels the child; dropping the handle cancels the child too, as Go's
    /// `defer cancel()` does.
    ///
    /// ```
    /// let parent = ctxkit::Ctx::background();
    /// let (child, cancel) = parent.with_cancel();
    /// cancel.cancel();
    /// assert!(child.is_done() && !parent.is_done());
    /// ```
    pub fn with_cancel(&self) -> (Ctx, CancelHandle) {
        let node = self.child_node(2, None);
        (self.with_node(node.clone()), CancelHandle { node: Some(node) })
    }

    /// A child context that is cancelled with [`CtxError::DeadlineExceeded`]
    /// after `timeout`. Its cause names the duration.
    ///
    /// Deadlines run on tokio's timer (so paused test time applies); outside a
    /// runtime, ctxkit keeps a small timer thread of its own.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::Duration;
    /// let (ctx, _cancel) = ctxkit::Ctx::background().with_timeout(Duration::from_millis(10));
    /// ctx.done().await;
    /// assert_eq!(ctx.err(), Some(ctxkit::CtxError::DeadlineExceeded));
    /// assert_eq!(ctx.cause().unwrap().to_string(), "timeout of 10ms elapsed");
    /// # }
    /// ```
    pub fn with_timeout(&self, timeout: Duration) -> (Ctx, CancelHandle) {
        let now = Instant::now();
        self.deadline_child(now, now + timeout, Reason::Timeout(timeout))
    }

    /// Like [`with_timeout`](Ctx::with_timeout), with the cause to report
    /// when the timeout fires.
    ///
    /// ```
    /// use std::time::Duration;
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let (ctx, _cancel) = ctxkit::Ctx::background()
    ///     .with_timeout_cause(Duration::from_millis(5), "payment provider too slow");
    /// ctx.done().await;
    /// assert_eq!(ctx.cause().unwrap().to_string(), "payment provider too slow");
    /// # }
    /// ```
    pub fn with_timeout_cause(&self, timeout: Duration, cause: impl Into<Cause>) -> (Ctx, CancelHandle) {
        let now = Instant::now();
        self.deadline_child(now, now + timeout, Reason::Given(cause.into()))
    }

    /// [`with_timeout_cause`](Ctx::with_timeout_cause) with a static text,
    /// allocated only if the timeout fires: for generated code that makes a
    /// timeout on every call.
    pub(crate) fn with_timeout_static_cause(
        &self,
        timeout: Duration,
        cause: &'static str,
    ) -> (Ctx, CancelHandle) {
        let now = Instant::now();
        self.deadline_child(now, now + timeout, Reason::Text(cause))
    }

    /// A child context that is cancelled with [`CtxError::DeadlineExceeded`]
    /// at `deadline`, or earlier if the parent's deadline is earlier.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::Duration;
    /// use ctxkit::{Ctx, Instant};
    /// let at = Instant::now() + Duration::from_secs(1);
    /// let (ctx, _cancel) = Ctx::background().with_deadline(at);
    /// assert_eq!(ctx.deadline(), Some(at));
    /// # }
    /// ```
    pub fn with_deadline(&self, deadline: Instant) -> (Ctx, CancelHandle) {
        let now = Instant::now();
        self.deadline_child(
            now,
            deadline,
            Reason::Deadline(deadline.saturating_duration_since(now)),
        )
    }

    /// Like [`with_deadline`](Ctx::with_deadline), with the cause to report
    /// when the deadline passes.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use ctxkit::{Ctx, Instant};
    /// let (ctx, _cancel) = Ctx::background().with_deadline_cause(Instant::now(), "batch window closed");
    /// assert_eq!(ctx.cause().unwrap().to_string(), "batch window closed");
    /// # }
    /// ```
    pub fn with_deadline_cause(&self, deadline: Instant, cause: impl Into<Cause>) -> (Ctx, CancelHandle) {
        self.deadline_child(Instant::now(), deadline, Reason::Given(cause.into()))
    }

    /// A child with deadline `at`; `now` is the caller's reading of the clock,
    /// taken once.
    fn deadline_child(&self, now: Instant, at: Instant, reason: Reason) -> (Ctx, CancelHandle) {
        let parent_deadline = self.deadline();
        let node = self.child_node(2, Some(at));
        let pair = (
            self.with_node(node.clone()),
            CancelHandle {
                node: Some(node.clone()),
            },
        );
        // A parent deadline at or before ours will cancel us through the tree.
        if node.is_done() || parent_deadline.is_some_and(|p| p <= at) {
            return pair;
        }
        if at <= now {
            Node::cancel(&node, CtxError::DeadlineExceeded, reason.into_cause());
        } else {
            node.set_watcher(Watcher::Timer(timer::insert(&node, at, reason)));
        }
        pair
    }

    /// A context that holds `value` for everything below it. Values are keyed
    /// by type: define a type per meaning, and [`value`](Ctx::value) finds the
    /// nearest one.
    ///
    /// ```
    /// #[derive(Debug, PartialEq)]
    /// struct RequestId(u64);
    ///
    /// let ctx = ctxkit::Ctx::background().with_value(RequestId(7));
    /// let (child, _cancel) = ctx.with_cancel();
    /// assert_eq!(child.value::<RequestId>(), Some(&RequestId(7)));
    /// ```
    pub fn with_value<T: Send + Sync + 'static>(&self, value: T) -> Ctx {
        Ctx {
            node: self.node.clone_user(),
            values: Some(std::sync::Arc::new(Values::with(self.values.as_deref(), value))),
        }
    }

    /// The value of type `T` set by the nearest [`with_value`](Ctx::with_value)
    /// above this context. The lookup does not slow down as the chain grows.
    ///
    /// ```
    /// let ctx = ctxkit::Ctx::background().with_value("tenant-a");
    /// assert_eq!(ctx.value::<&str>(), Some(&"tenant-a"));
    /// assert_eq!(ctx.value::<u32>(), None);
    /// ```
    #[inline]
    pub fn value<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.values.as_deref()?.get::<T>()
    }

    /// A context with the same values that is never cancelled and has no
    /// deadline: for work that must outlive the request that started it.
    ///
    /// ```
    /// let (ctx, cancel) = ctxkit::Ctx::background().with_value(3u8).with_cancel();
    /// let detached = ctx.without_cancel();
    /// cancel.cancel();
    /// assert!(!detached.is_done());
    /// assert_eq!(detached.value::<u8>(), Some(&3));
    /// ```
    pub fn without_cancel(&self) -> Ctx {
        Ctx {
            node: None,
            values: self.values.clone(),
        }
    }

    /// Runs `f` once, after this context is done, on another thread (tokio's
    /// blocking pool when a runtime is at hand). If the context is already
    /// done, `f` starts at once. Dropping the returned [`AfterFunc`] leaves
    /// `f` registered; call [`AfterFunc::stop`] to unregister it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let (ctx, cancel) = ctxkit::Ctx::background().with_cancel();
    /// let (tx, rx) = tokio::sync::oneshot::channel();
    /// let _after = ctx.after_func(move || { let _ = tx.send("closed the connection"); });
    /// cancel.cancel();
    /// assert_eq!(rx.await.unwrap(), "closed the connection");
    /// # }
    /// ```
    pub fn after_func(&self, f: impl FnOnce() + Send + 'static) -> AfterFunc {
        let Some(node) = &self.node else {
            return AfterFunc {
                state: AfterState::Never,
            };
        };
        match node.add_after(Box::new(f)) {
            Ok(id) => AfterFunc {
                state: AfterState::Registered(node.clone(), id),
            },
            Err(f) => {
                tree::run_after(f);
                AfterFunc {
                    state: AfterState::Ran,
                }
            }
        }
    }

    /// Whether the context is done (cancelled or past its deadline). One
    /// atomic load.
    ///
    /// ```
    /// let (ctx, cancel) = ctxkit::Ctx::background().with_cancel();
    /// assert!(!ctx.is_done());
    /// drop(cancel);
    /// assert!(ctx.is_done());
    /// ```
    #[inline]
    pub fn is_done(&self) -> bool {
        match &self.node {
            Some(node) => node.is_done(),
            None => false,
        }
    }

    /// How the context ended, or `None` while it is live.
    ///
    /// ```
    /// let (ctx, cancel) = ctxkit::Ctx::background().with_cancel();
    /// assert_eq!(ctx.err(), None);
    /// cancel.cancel();
    /// assert_eq!(ctx.err(), Some(ctxkit::CtxError::Canceled));
    /// ```
    #[inline]
    pub fn err(&self) -> Option<CtxError> {
        self.node.as_deref()?.err()
    }

    /// Why the context ended: the cause given to the first cancel that reached
    /// it, or `None` while it is live.
    ///
    /// ```
    /// let (ctx, cancel) = ctxkit::Ctx::background().with_cancel();
    /// cancel.cancel_with("shutting down");
    /// assert_eq!(ctx.cause().unwrap().to_string(), "shutting down");
    /// ```
    pub fn cause(&self) -> Option<Cause> {
        self.node.as_deref()?.cause()
    }

    /// `Err(Cancelled)` once the context is done: the check to make before
    /// expensive work. `ctx.check()?` reads like Go's `if err := ctx.Err()`.
    ///
    /// ```
    /// let (ctx, cancel) = ctxkit::Ctx::background().with_cancel();
    /// assert!(ctx.check().is_ok());
    /// cancel.cancel();
    /// assert!(ctx.check().is_err());
    /// ```
    #[inline]
    pub fn check(&self) -> Result<(), Cancelled> {
        match self.err() {
            None => Ok(()),
            Some(err) => Err(self.cancelled(err)),
        }
    }

    #[cold]
    fn cancelled(&self, err: CtxError) -> Cancelled {
        let cause = self.cause().unwrap_or_else(|| Cause::from(err));
        Cancelled::new(err, cause)
    }

    /// The earliest deadline of this context and its ancestors.
    ///
    /// ```
    /// use std::time::Duration;
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let (outer, _c1) = ctxkit::Ctx::background().with_timeout(Duration::from_secs(1));
    /// let (inner, _c2) = outer.with_timeout(Duration::from_secs(60));
    /// assert_eq!(inner.deadline(), outer.deadline());
    /// # }
    /// ```
    pub fn deadline(&self) -> Option<Instant> {
        self.node.as_deref()?.deadline()
    }

    /// A future that completes once the context is done. It is cancel safe:
    /// drop it and make another at any time, as in a `select!` loop.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let (ctx, cancel) = ctxkit::Ctx::background().with_cancel();
    /// tokio::spawn(async move { cancel.cancel() });
    /// ctx.done().await;
    /// assert!(ctx.is_done());
    /// # }
    /// ```
    pub fn done(&self) -> Done<'_> {
        Done {
            node: self.node.as_deref(),
            wait: Wait::default(),
        }
    }

    /// Like [`done`](Ctx::done), but owning its context, for futures that must
    /// be `'static`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let (ctx, cancel) = ctxkit::Ctx::background().with_cancel();
    /// let waiter = tokio::spawn(ctx.clone().done_owned());
    /// cancel.cancel();
    /// waiter.await.unwrap();
    /// # }
    /// ```
    pub fn done_owned(self) -> DoneOwned {
        DoneOwned {
            ctx: self,
            wait: Wait::default(),
        }
    }

    /// Runs `fut` until it completes or the context is done, whichever comes
    /// first. On cancellation `fut` is dropped and the error says how and why
    /// the context ended. A context already done does not poll `fut` at all.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::Duration;
    /// let (ctx, _cancel) = ctxkit::Ctx::background().with_timeout(Duration::from_millis(20));
    /// let slow = tokio::time::sleep(Duration::from_secs(60));
    /// let err = ctx.run(slow).await.unwrap_err();
    /// assert!(err.is_deadline_exceeded());
    /// # }
    /// ```
    pub fn run<F: Future>(&self, fut: F) -> Run<'_, F> {
        Run {
            ctx: self,
            fut,
            wait: Wait::default(),
        }
    }

    /// A child context that SIGINT or SIGTERM cancels, with a cause naming the
    /// signal: Go's `signal.NotifyContext`. The listener is installed before
    /// this returns and goes away with the context.
    ///
    /// Once installed, a signal no longer ends the process by itself: the
    /// program is expected to shut down when the context is done.
    ///
    /// ```no_run
    /// # #[tokio::main] async fn main() {
    /// let ctx = ctxkit::Ctx::background().with_shutdown_signal();
    /// ctx.done().await;
    /// println!("shutting down: {}", ctx.cause().unwrap());
    /// # }
    /// ```
    pub fn with_shutdown_signal(&self) -> Ctx {
        let node = self.child_node(1, None);
        if !node.is_done() {
            match driver::listen_for_shutdown(node.clone()) {
                Ok(handle) => node.set_watcher(Watcher::Task(handle)),
                Err(e) => driver::warn(&format!("cannot listen for shutdown signals: {e}")),
            }
        }
        self.with_node(node)
    }

    /// The node of a cancellable context; `None` for a background one.
    pub(crate) fn node(&self) -> Option<&Arc<Node>> {
        self.node.as_ref()
    }
}

trait CloneUser {
    fn clone_user(&self) -> Self;
}

impl CloneUser for Option<Arc<Node>> {
    #[inline]
    fn clone_user(&self) -> Self {
        let node = self.as_ref()?;
        node.add_user();
        Some(node.clone())
    }
}

impl Clone for Ctx {
    #[inline]
    fn clone(&self) -> Self {
        Ctx {
            node: self.node.clone_user(),
            values: self.values.clone(),
        }
    }
}

impl Drop for Ctx {
    #[inline]
    fn drop(&mut self) {
        if let Some(node) = &self.node {
            Node::release_user(node);
        }
    }
}

impl Default for Ctx {
    fn default() -> Self {
        Ctx::background()
    }
}

impl fmt::Debug for Ctx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Ctx");
        d.field("err", &self.err());
        if let Some(cause) = self.cause() {
            d.field("cause", &cause);
        }
        d.field("deadline", &self.deadline()).finish_non_exhaustive()
    }
}

/// Cancels the child context it came with. Dropping it cancels too (cause:
/// "cancel handle dropped"), so the scope that made a child also ends it;
/// [`disarm`](CancelHandle::disarm) lets the child live on instead.
///
/// ```
/// let (ctx, cancel) = ctxkit::Ctx::background().with_cancel();
/// {
///     let _cancel = cancel; // like Go's `defer cancel()`
/// }
/// assert_eq!(ctx.cause().unwrap().to_string(), "cancel handle dropped");
/// ```
#[must_use = "dropping a CancelHandle cancels its context at once; keep it (`let (ctx, _cancel) = ..`) or call `.disarm()`"]
pub struct CancelHandle {
    node: Option<Arc<Node>>,
}

impl CancelHandle {
    /// Cancels the context (and its descendants) with the cause
    /// "context canceled".
    pub fn cancel(mut self) {
        if let Some(node) = self.node.take() {
            Node::cancel(&node, CtxError::Canceled, Cause::of_static(&CANCELED));
            Node::release_user(&node);
        }
    }

    /// Cancels the context (and its descendants) with `cause`.
    ///
    /// ```
    /// let (ctx, cancel) = ctxkit::Ctx::background().with_cancel();
    /// cancel.cancel_with(format!("job {} superseded", 41));
    /// assert_eq!(ctx.cause().unwrap().to_string(), "job 41 superseded");
    /// ```
    pub fn cancel_with(mut self, cause: impl Into<Cause>) {
        if let Some(node) = self.node.take() {
            Node::cancel(&node, CtxError::Canceled, cause.into());
            Node::release_user(&node);
        }
    }

    /// Lets go of the handle without cancelling: the context lives until its
    /// parent is cancelled or its deadline passes.
    ///
    /// ```
    /// let (ctx, cancel) = ctxkit::Ctx::background().with_cancel();
    /// cancel.disarm();
    /// assert!(!ctx.is_done());
    /// ```
    pub fn disarm(mut self) {
        if let Some(node) = self.node.take() {
            Node::release_user(&node);
        }
    }
}

impl Drop for CancelHandle {
    fn drop(&mut self) {
        if let Some(node) = self.node.take() {
            // With no other user left, no one could see the cancel: skip it.
            if !node.is_sole_user() {
                Node::cancel(&node, CtxError::Canceled, Cause::of_static(&HANDLE_DROPPED));
            }
            Node::release_user(&node);
        }
    }
}

impl fmt::Debug for CancelHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelHandle").finish_non_exhaustive()
    }
}

/// The registration made by [`Ctx::after_func`].
#[derive(Debug)]
pub struct AfterFunc {
    state: AfterState,
}

enum AfterState {
    /// Registered on a context that can never be done.
    Never,
    /// The context was already done; the function has started.
    Ran,
    Registered(Arc<Node>, u64),
}

impl fmt::Debug for AfterState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AfterState::Never => "Never",
            AfterState::Ran => "Ran",
            AfterState::Registered(..) => "Registered",
        })
    }
}

impl AfterFunc {
    /// Unregisters the function. True only when this call kept it from
    /// running; false when it has already started or was already stopped.
    ///
    /// ```
    /// let (ctx, cancel) = ctxkit::Ctx::background().with_cancel();
    /// let after = ctx.after_func(|| unreachable!());
    /// assert!(after.stop());
    /// assert!(!after.stop());
    /// cancel.cancel();
    /// ```
    pub fn stop(&self) -> bool {
        match &self.state {
            AfterState::Never => true,
            AfterState::Ran => false,
            AfterState::Registered(node, id) => Node::stop_after(node, *id),
        }
    }
}

/// A waiter's registration on a node: the slab key and the waker stored there.
#[derive(Default)]
pub(crate) struct Wait {
    key: Option<usize>,
    waker: Option<Waker>,
}

impl Wait {
    #[inline]
    fn poll(&mut self, node: Option<&Node>, cx: &mut Context<'_>) -> Poll<()> {
        let Some(node) = node else {
            return Poll::Pending;
        };
        if node.is_done() {
            return Poll::Ready(());
        }
        // Registered under the lock with the same waker and the flag still
        // clear: the canceller will find and wake it (see `tree`'s invariants).
        if self.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
            return Poll::Pending;
        }
        match node.register(self.key, cx.waker()) {
            None => Poll::Ready(()),
            Some(key) => {
                self.key = Some(key);
                self.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }

    #[inline]
    pub(crate) fn clear(&mut self, node: Option<&Node>) {
        if let (Some(key), Some(node)) = (self.key.take(), node) {
            node.unregister(key);
        }
    }
}

/// Completes once its context is done. Made by [`Ctx::done`].
#[must_use = "futures do nothing unless polled"]
pub struct Done<'a> {
    node: Option<&'a Node>,
    wait: Wait,
}

impl Future for Done<'_> {
    type Output = ();

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        this.wait.poll(this.node, cx)
    }
}

impl Drop for Done<'_> {
    fn drop(&mut self) {
        self.wait.clear(self.node);
    }
}

impl fmt::Debug for Done<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Done").finish_non_exhaustive()
    }
}

/// Completes once its context is done. Made by [`Ctx::done_owned`].
#[must_use = "futures do nothing unless polled"]
pub struct DoneOwned {
    ctx: Ctx,
    wait: Wait,
}

impl DoneOwned {
    /// The context this future waits on.
    pub fn ctx(&self) -> &Ctx {
        &self.ctx
    }
}

impl Future for DoneOwned {
    type Output = ();

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        this.wait.poll(this.ctx.node.as_deref(), cx)
    }
}

impl Drop for DoneOwned {
    fn drop(&mut self) {
        self.wait.clear(self.ctx.node.as_deref());
    }
}

impl fmt::Debug for DoneOwned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DoneOwned").finish_non_exhaustive()
    }
}

pin_project_lite::pin_project! {
    /// A future raced against a context. Made by [`Ctx::run`].
    #[must_use = "futures do nothing unless polled"]
    pub struct Run<'a, F> {
        ctx: &'a Ctx,
        #[pin]
        fut: F,
        wait: Wait,
    }

    impl<F> PinnedDrop for Run<'_, F> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            this.wait.clear(this.ctx.node.as_deref());
        }
    }
}

impl<F: Future> Future for Run<'_, F> {
    type Output = Result<F::Output, Cancelled>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        poll_raced(this.ctx, this.fut, this.wait, cx)
    }
}

/// One poll of `fut` raced against `ctx`, with `wait` as the registration
/// that wakes the task on cancel. A done context never polls `fut`.
#[inline]
pub(crate) fn poll_raced<F: Future>(
    ctx: &Ctx,
    fut: Pin<&mut F>,
    wait: &mut Wait,
    cx: &mut Context<'_>,
) -> Poll<Result<F::Output, Cancelled>> {
    if let Some(err) = ctx.err() {
        return Poll::Ready(Err(ctx.cancelled(err)));
    }
    if let Poll::Ready(out) = fut.poll(cx) {
        return Poll::Ready(Ok(out));
    }
    match wait.poll(ctx.node.as_deref(), cx) {
        Poll::Ready(()) => {
            let err = ctx.err().unwrap_or(CtxError::Canceled);
            Poll::Ready(Err(ctx.cancelled(err)))
        }
        Poll::Pending => Poll::Pending,
    }
}

impl Ctx {
    /// This context's node, for registrations that outlive one future.
    pub(crate) fn node_ref(&self) -> Option<&Node> {
        self.node.as_deref()
    }
}

impl<F> fmt::Debug for Run<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Run")
            .field("ctx", self.ctx)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
impl Ctx {
    pub(crate) fn node_for_test(&self) -> &Arc<Node> {
        self.node.as_ref().expect("a cancellable context")
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn dropped_children_leave_the_parent_as_it_was() {
        let (parent, cancel) = Ctx::background().with_cancel();
        for i in 0..10_000 {
            let (child, child_cancel) = parent.with_cancel();
            let (grandchild, gc_cancel) = child.with_cancel();
            if i % 2 == 0 {
                child_cancel.disarm();
                gc_cancel.disarm();
            } else {
                drop(child_cancel);
                drop(gc_cancel);
            }
            drop((child, grandchild));
        }
        assert_eq!(parent.node_for_test().child_count(), 0);
        assert_eq!(parent.node_for_test().users(), 2);
        cancel.cancel();
    }

    #[test]
    fn a_child_keeps_a_dropped_middle_context_registered() {
        let (root, cancel) = Ctx::background().with_cancel();
        let (mid, mid_cancel) = root.with_cancel();
        let (leaf, leaf_cancel) = mid.with_cancel();
        mid_cancel.disarm();
        drop(mid);
        assert_eq!(root.node_for_test().child_count(), 1);
        leaf_cancel.disarm();
        drop(leaf);
        assert_eq!(root.node_for_test().child_count(), 0);
        assert_eq!(root.node_for_test().users(), 2);
        cancel.cancel();
    }

    #[test]
    fn a_deep_chain_is_cancelled_and_freed_without_recursion() {
        let (root, cancel) = Ctx::background().with_cancel();
        let mut ctx = root.clone();
        for _ in 0..200_000 {
            let (child, handle) = ctx.with_cancel();
            handle.disarm();
            ctx = child;
        }
        cancel.cancel_with("deep");
        assert_eq!(ctx.cause().unwrap().to_string(), "deep");
        drop(ctx);
        assert_eq!(root.node_for_test().child_count(), 0);
    }
}
