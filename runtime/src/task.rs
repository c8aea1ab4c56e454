//! Tracked tasks: [`Ctx::spawn`], the registry of live tasks, and
//! [`Ctx::shutdown`] / [`Ctx::wait_tasks`].
//!
//! # Invariants
//!
//! * A task's record is in the registry from just before the task is handed
//!   to tokio until its future completes or is dropped. The record is owned by
//!   a guard stored *inside* the spawned future, so every way a task can end —
//!   completion, panic (tokio drops the future while unwinding), abort, a
//!   runtime shutting down — removes it, and it is gone before the
//!   `TaskHandle` resolves.
//! * The registry is `SHARDS` mutex-protected slabs. Each spawning thread
//!   walks the shards from a starting point of its own, so spawns and the
//!   removals (from any worker thread) spread over the locks; a removal locks
//!   only the shard its record lives in. No lock is held while another is taken, and no user
//!   code runs under one.
//! * Waiting (`wait_tasks`, `shutdown`) cannot miss the last removal: a waiter
//!   counts itself in `WAITERS` and arms an `ENDED` notification *before*
//!   scanning; a remover checks `WAITERS` *after* its shard lock is released.
//!   If the waiter's scan saw the record, the remover's check comes after the
//!   waiter's increment (both ordered by that shard's lock) and it notifies.
//!   With no waiter, removal costs nothing more than the shard lock.

use std::fmt;
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use slab::Slab;
use tokio::sync::Notify;
use tokio::task::{AbortHandle, JoinError, JoinHandle};
use tracing::Instrument;

use crate::Instant;
use crate::cause::{Cause, CtxError};
use crate::ctx::Ctx;
use crate::sync::Arc;
use crate::tree::Node;

const SHARDS: usize = 64;

/// What the registry keeps about one live task.
pub(crate) struct Task {
    name: Option<Box<str>>,
    location: &'static Location<'static>,
    /// The tracked task that spawned this one, if any.
    parent: Option<Arc<Task>>,
    started: Instant,
    /// The leak-check scope (a `#[ctxkit::test]`) the task was spawned in; 0
    /// outside any.
    scope: u64,
    blocking: bool,
    /// The task's own context: cancelling it cancels the task's work.
    node: Arc<Node>,
    abort: OnceLock<AbortHandle>,
}

impl Task {
    pub(crate) fn scope(&self) -> u64 {
        self.scope
    }

    /// The task's name, or its spawn site when it has none.
    pub(crate) fn display_name(&self) -> String {
        match &self.name {
            Some(name) => name.to_string(),
            None => site(self.location),
        }
    }

    /// The names of the tracked tasks above this one, outermost first.
    pub(crate) fn parent_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        let mut next = self.parent.as_deref();
        while let Some(task) = next {
            names.push(task.display_name());
            next = task.parent.as_deref();
        }
        names.reverse();
        names
    }

    pub(crate) fn abort(&self) {
        if let Some(handle) = self.abort.get() {
            handle.abort();
        }
    }
}

/// `file:line` of a spawn site, the way tasks without a name are called.
pub(crate) fn site(location: &Location<'_>) -> String {
    format!("{}:{}", location.file(), location.line())
}

/// What a running tracked task (or a leak-check scope) knows about itself.
#[derive(Clone)]
pub(crate) struct Current {
    pub(crate) scope: u64,
    pub(crate) task: Option<Arc<Task>>,
}

tokio::task_local! {
    pub(crate) static CURRENT: Current;
}

pub(crate) fn current() -> Option<Current> {
    CURRENT.try_with(Current::clone).ok()
}

/// The scope of the calling code: the `#[ctxkit::test]` it runs in, or 0.
pub(crate) fn current_scope() -> u64 {
    CURRENT.try_with(|c| c.scope).unwrap_or(0)
}

#[repr(align(128))]
struct Shard {
    state: Mutex<ShardState>,
}

struct ShardState {
    tasks: Slab<Arc<Task>>,
    spawned: u64,
}

#[allow(clippy::declare_interior_mutable_const)]
const EMPTY_SHARD: Shard = Shard {
    state: Mutex::new(ShardState {
        tasks: Slab::new(),
        spawned: 0,
    }),
};

static REGISTRY: [Shard; SHARDS] = [EMPTY_SHARD; SHARDS];
static WAITERS: AtomicUsize = AtomicUsize::new(0);
static ENDED: Notify = Notify::const_new();

fn lock(shard: usize) -> MutexGuard<'static, ShardState> {
    match REGISTRY[shard].state.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// The shard for the next record. Each thread walks the shards from a
/// starting point of its own, so a thread spawning many tasks spreads them
/// out: their removals, which come from every worker thread, then rarely meet
/// on one lock, and threads spawning at once rarely share a shard.
fn next_shard() -> usize {
    use std::cell::Cell;
    static START: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static NEXT: Cell<usize> = const { Cell::new(usize::MAX) };
    }
    NEXT.with(|next| {
        let mut shard = next.get();
        if shard == usize::MAX {
            shard = START.fetch_add(SHARDS / 4 + 1, Ordering::Relaxed);
        }
        next.set(shard.wrapping_add(1));
        shard % SHARDS
    })
}

/// Owns a task's record; dropping it removes the record.
pub(crate) struct Registration {
    shard: usize,
    key: usize,
}

impl Registration {
    fn new(task: &Arc<Task>) -> Registration {
        let shard = next_shard();
        let mut st = lock(shard);
        st.spawned += 1;
        let key = st.tasks.insert(task.clone());
        Registration { shard, key }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let removed = lock(self.shard).tasks.try_remove(self.key);
        drop(removed);
        if WAITERS.load(Ordering::SeqCst) != 0 {
            ENDED.notify_waiters();
        }
    }
}

/// Every live task record, cloned out shard by shard.
pub(crate) fn all_tasks() -> Vec<Arc<Task>> {
    let mut out = Vec::new();
    for shard in 0..SHARDS {
        out.extend(lock(shard).tasks.iter().map(|(_, t)| t.clone()));
    }
    out
}

/// Live tracked tasks and tasks spawned since start, summed over the shards.
pub(crate) fn counts() -> (usize, u64) {
    let (mut alive, mut spawned) = (0, 0);
    for shard in 0..SHARDS {
        let st = lock(shard);
        alive += st.tasks.len();
        spawned += st.spawned;
    }
    (alive, spawned)
}

/// Which tasks a wait or a shutdown is about.
pub(crate) struct Filter {
    /// Tasks whose context descends from this node; all tasks when `None`.
    node: Option<Arc<Node>>,
    /// Restricts to one leak-check scope (for a background context in a test).
    scope: Option<u64>,
    /// The calling task, which never waits for itself.
    exclude: Option<Arc<Task>>,
}

impl Filter {
    pub(crate) fn under(ctx: &Ctx) -> Filter {
        let current = current();
        let scope = current.as_ref().map(|c| c.scope).filter(|&s| s != 0);
        Filter {
            node: ctx.node().cloned(),
            scope: if ctx.node().is_none() { scope } else { None },
            exclude: current.and_then(|c| c.task),
        }
    }

    fn matches(&self, task: &Arc<Task>) -> bool {
        if self.exclude.as_ref().is_some_and(|me| Arc::ptr_eq(me, task)) {
            return false;
        }
        if self.scope.is_some_and(|s| s != task.scope) {
            return false;
        }
        match &self.node {
            Some(node) => task.node.is_descendant_of(node),
            None => true,
        }
    }

    fn any(&self) -> bool {
        (0..SHARDS).any(|shard| lock(shard).tasks.iter().any(|(_, t)| self.matches(t)))
    }

    fn collect(&self) -> Vec<Arc<Task>> {
        let mut out = Vec::new();
        for shard in 0..SHARDS {
            out.extend(
                lock(shard)
                    .tasks
                    .iter()
                    .filter(|(_, t)| self.matches(t))
                    .map(|(_, t)| t.clone()),
            );
        }
        out
    }

    /// Waits until no task matches, or until `deadline`. True when none is left.
    pub(crate) async fn wait_empty(&self, deadline: Option<Instant>) -> bool {
        struct Waiting;
        impl Drop for Waiting {
            fn drop(&mut self) {
                WAITERS.fetch_sub(1, Ordering::SeqCst);
            }
        }
        WAITERS.fetch_add(1, Ordering::SeqCst);
        let _waiting = Waiting;
        loop {
            let ended = ENDED.notified();
            tokio::pin!(ended);
            ended.as_mut().enable();
            if !self.any() {
                return true;
            }
            match deadline {
                None => ended.await,
                Some(at) => {
                    if tokio::time::timeout_at(at, ended).await.is_err() {
                        return !self.any();
                    }
                }
            }
        }
    }
}

pin_project_lite::pin_project! {
    /// A spawned future with its registration: the record goes as soon as the
    /// future completes, or right after the future when it is dropped (fields
    /// drop in order, so the task's own drop code still runs while recorded).
    struct Tracked<F> {
        #[pin]
        fut: F,
        registration: Option<Registration>,
    }
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let out = this.fut.poll(cx);
        if out.is_ready() {
            *this.registration = None;
        }
        out
    }
}

/// Where a task is spawned from and what it is called.
struct Origin {
    name: Option<Box<str>>,
    location: &'static Location<'static>,
}

impl Origin {
    /// The `task` span the task runs in, named for it. Without a subscriber
    /// that wants it, the span is disabled and its fields are never formatted.
    fn span(&self) -> tracing::Span {
        tracing::info_span!("task", name = self.name.as_deref(), location = %self.location)
    }
}

fn prepare(parent: &Ctx, origin: Origin, blocking: bool) -> (Ctx, Arc<Task>, Current) {
    let (ctx, handle) = parent.with_cancel();
    // The task's context lives as long as its parent does; the task ending
    // does not cancel what it spawned (shutdown of an ancestor does).
    handle.disarm();
    let current = current();
    let scope = current.as_ref().map_or(0, |c| c.scope);
    let node = ctx.node().expect("a child context has a node").clone();
    let task = Arc::new(Task {
        name: origin.name,
        location: origin.location,
        parent: current.and_then(|c| c.task),
        started: Instant::now(),
        scope,
        blocking,
        node,
        abort: OnceLock::new(),
    });
    let inner = Current {
        scope,
        task: Some(task.clone()),
    };
    (ctx, task, inner)
}

fn spawn_tracked<F, Fut>(parent: &Ctx, origin: Origin, f: F) -> TaskHandle<Fut::Output>
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future + Send + 'static,
    Fut::Output: Send + 'static,
{
    let span = origin.span();
    let (ctx, task, inner) = prepare(parent, origin, false);
    let fut = f(ctx.clone());
    let tracked = Tracked {
        fut,
        registration: Some(Registration::new(&task)),
    };
    // ctxkit: allow(bare_spawn) -- this is the tracked spawn.
    let join = tokio::spawn(CURRENT.scope(inner, tracked).instrument(span));
    let _ = task.abort.set(join.abort_handle());
    TaskHandle { join, ctx }
}

impl Ctx {
    /// Spawns a task on the current tokio runtime under a fresh child of this
    /// context, and records it while it lives (name, spawn site, start time,
    /// the tracked tasks above it).
    ///
    /// The task is cancelled with this context; [`shutdown`](Ctx::shutdown)
    /// and [`wait_tasks`](Ctx::wait_tasks) on this context or an ancestor wait
    /// for it. Dropping the [`TaskHandle`] detaches the task, as in tokio.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, as `tokio::spawn` does.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let root = ctxkit::Ctx::background();
    /// let task = root.spawn(|ctx| async move {
    ///     ctx.done().await; // runs until cancelled
    ///     "stopped"
    /// });
    /// task.ctx().clone().shutdown("bye", std::time::Duration::from_secs(1)).await;
    /// assert_eq!(task.await.unwrap(), "stopped");
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn<F, Fut>(&self, f: F) -> TaskHandle<Fut::Output>
    where
        F: FnOnce(Ctx) -> Fut,
        Fut: Future + Send + 'static,
        Fut::Output: Send + 'static,
    {
        let origin = Origin {
            name: None,
            location: Location::caller(),
        };
        spawn_tracked(self, origin, f)
    }

    /// Like [`spawn`](Ctx::spawn), with a name for reports, dumps and the
    /// chains of the tasks it spawns.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let task = ctxkit::Ctx::background().spawn_named("indexer", |_ctx| async { 7 });
    /// assert_eq!(task.await.unwrap(), 7);
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn_named<F, Fut>(&self, name: &str, f: F) -> TaskHandle<Fut::Output>
    where
        F: FnOnce(Ctx) -> Fut,
        Fut: Future + Send + 'static,
        Fut::Output: Send + 'static,
    {
        let origin = Origin {
            name: Some(name.into()),
            location: Location::caller(),
        };
        spawn_tracked(self, origin, f)
    }

    /// Runs blocking work on tokio's blocking pool under a fresh child of this
    /// context, tracked like [`spawn`](Ctx::spawn). Blocking code cannot be
    /// interrupted: poll [`is_done`](Ctx::is_done) between steps.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let task = ctxkit::Ctx::background().spawn_blocking(|ctx| {
    ///     let mut steps = 0;
    ///     while !ctx.is_done() && steps < 3 {
    ///         steps += 1;
    ///     }
    ///     steps
    /// });
    /// assert_eq!(task.await.unwrap(), 3);
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, f: F) -> TaskHandle<R>
    where
        F: FnOnce(Ctx) -> R + Send + 'static,
        R: Send + 'static,
    {
        let origin = Origin {
            name: None,
            location: Location::caller(),
        };
        let span = origin.span();
        let (ctx, task, inner) = prepare(self, origin, true);
        let registration = Registration::new(&task);
        let task_ctx = ctx.clone();
        // ctxkit: allow(bare_spawn) -- this is the tracked spawn.
        let join = tokio::task::spawn_blocking(move || {
            let _registration = registration;
            let _span = span.entered();
            CURRENT.sync_scope(inner, || f(task_ctx))
        });
        let _ = task.abort.set(join.abort_handle());
        TaskHandle { join, ctx }
    }

    /// Waits for every tracked task spawned under this context or its
    /// descendants to end, without cancelling anything (tokio-util
    /// `TaskTracker::wait`). Tasks spawned while waiting are waited for too.
    /// A task calling this never waits for itself.
    ///
    /// On a background context it waits for every tracked task (in a
    /// `#[ctxkit::test]`, every task of that test).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let (ctx, _cancel) = ctxkit::Ctx::background().with_cancel();
    /// for i in 0..3 {
    ///     drop(ctx.spawn(move |_| async move { tokio::task::yield_now().await; i }));
    /// }
    /// ctx.wait_tasks().await;
    /// assert!(ctx.tasks().is_empty());
    /// # }
    /// ```
    pub async fn wait_tasks(&self) {
        Filter::under(self).wait_empty(None).await;
    }

    /// The live tracked tasks under this context (see
    /// [`wait_tasks`](Ctx::wait_tasks) for which ones).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let (ctx, _cancel) = ctxkit::Ctx::background().with_cancel();
    /// let task = ctx.spawn_named("poller", |ctx| async move { ctx.done().await });
    /// assert_eq!(ctx.tasks()[0].name(), "poller");
    /// task.abort();
    /// # }
    /// ```
    pub fn tasks(&self) -> Vec<TaskInfo> {
        let now = Instant::now();
        Filter::under(self)
            .collect()
            .into_iter()
            .map(|t| TaskInfo::new(t, now))
            .collect()
    }

    /// Cancels this context with `cause`, waits up to `grace` for every
    /// tracked task under it (as [`wait_tasks`](Ctx::wait_tasks) counts
    /// them), then aborts the ones still running and reports them: Go's
    /// worker-pool `Shutdown` with a straggler list.
    ///
    /// A background context cannot be cancelled; shutting one down cancels
    /// each tracked task's own context instead.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::Duration;
    /// let (pool, _cancel) = ctxkit::Ctx::background().with_cancel();
    /// for _ in 0..4 {
    ///     drop(pool.spawn_named("worker", |ctx| async move { ctx.done().await }));
    /// }
    /// let report = pool.shutdown("deploy", Duration::from_secs(1)).await;
    /// assert!(report.is_clean(), "{report}");
    /// assert_eq!(pool.cause().unwrap().to_string(), "deploy");
    /// # }
    /// ```
    pub async fn shutdown(&self, cause: impl Into<Cause>, grace: Duration) -> ShutdownReport {
        let cause = cause.into();
        let filter = Filter::under(self);
        match self.node() {
            Some(node) => {
                Node::cancel(node, CtxError::Canceled, cause.clone());
            }
            None => {
                for task in filter.collect() {
                    Node::cancel(&task.node, CtxError::Canceled, cause.clone());
                }
            }
        }
        let started = Instant::now();
        if filter.wait_empty(Some(started + grace)).await {
            return ShutdownReport {
                stragglers: Vec::new(),
                grace,
                cause,
            };
        }
        let now = Instant::now();
        let stragglers: Vec<TaskInfo> = filter
            .collect()
            .into_iter()
            .map(|t| TaskInfo::new(t, now))
            .collect();
        for info in &stragglers {
            info.task.abort();
        }
        // An aborted task ends at its next await; give the runtime a moment
        // to drop it so the registry reflects the abort. Blocking tasks cannot
        // be aborted once running and stay recorded until they return.
        filter.wait_empty(Some(Instant::now() + ABORT_SETTLE)).await;
        ShutdownReport {
            stragglers,
            grace,
            cause,
        }
    }
}

const ABORT_SETTLE: Duration = Duration::from_millis(100);

/// A handle on a tracked task: a future of its result, as tokio's
/// `JoinHandle`. Dropping it detaches the task; the task stays tracked.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let task = ctxkit::Ctx::background().spawn(|ctx| async move { ctx.done().await });
/// task.abort();
/// assert!(task.await.unwrap_err().is_cancelled());
/// # }
/// ```
#[must_use = "dropping a TaskHandle detaches the task; `drop(handle)` to say so"]
pub struct TaskHandle<T> {
    join: JoinHandle<T>,
    ctx: Ctx,
}

impl<T> TaskHandle<T> {
    /// Aborts the task at its next await (blocking tasks once they return).
    pub fn abort(&self) {
        self.join.abort();
    }

    /// tokio's id of the task.
    pub fn id(&self) -> tokio::task::Id {
        self.join.id()
    }

    /// The task's own context: a child of the one it was spawned from.
    /// Shutting it down stops just this task and what it spawned.
    pub fn ctx(&self) -> &Ctx {
        &self.ctx
    }

    /// Whether the task has ended.
    pub fn is_finished(&self) -> bool {
        self.join.is_finished()
    }

    /// A handle that aborts the task without owning its result.
    pub fn abort_handle(&self) -> AbortHandle {
        self.join.abort_handle()
    }
}

impl<T> Future for TaskHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.get_mut().join).poll(cx)
    }
}

impl<T> fmt::Debug for TaskHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskHandle")
            .field("id", &self.join.id())
            .finish_non_exhaustive()
    }
}

/// A live tracked task as seen at one moment: name, spawn site, age, and the
/// names of the tracked tasks above it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let (ctx, _cancel) = ctxkit::Ctx::background().with_cancel();
/// let task = ctx.spawn(|ctx| async move { ctx.done().await });
/// let info = &ctx.tasks()[0];
/// assert_eq!(info.name(), format!("{}:{}", info.location().file(), info.location().line()));
/// task.abort();
/// # }
/// ```
#[derive(Clone)]
pub struct TaskInfo {
    task: Arc<Task>,
    name: String,
    age: Duration,
}

impl TaskInfo {
    pub(crate) fn new(task: Arc<Task>, now: Instant) -> TaskInfo {
        TaskInfo {
            name: task.display_name(),
            age: now.saturating_duration_since(task.started),
            task,
        }
    }

    /// The task's name; a task spawned without one is named after its spawn
    /// site, `file:line`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the task was spawned.
    pub fn location(&self) -> &'static Location<'static> {
        self.task.location
    }

    /// How long the task had been running when this was taken.
    pub fn age(&self) -> Duration {
        self.age
    }

    /// The names of the tracked tasks that spawned this one, outermost first.
    pub fn parents(&self) -> Vec<String> {
        self.task.parent_names()
    }

    /// Whether it runs on the blocking pool (`spawn_blocking`).
    pub fn is_blocking(&self) -> bool {
        self.task.blocking
    }
}

impl fmt::Debug for TaskInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskInfo")
            .field("name", &self.name)
            .field("location", &site(self.task.location))
            .field("age", &self.age)
            .field("parents", &self.parents())
            .finish()
    }
}

/// Writes tasks grouped by spawn site, most numerous first: one line per site
/// with the count, the oldest age and the names.
pub(crate) fn write_grouped(f: &mut fmt::Formatter<'_>, tasks: &[TaskInfo], indent: &str) -> fmt::Result {
    for group in group_by_site(tasks) {
        let oldest = group.iter().map(|t| t.age).max().unwrap_or_default();
        let first = group[0];
        write!(
            f,
            "\n{indent}{} × {} (oldest {:.1?})",
            group.len(),
            site(first.location()),
            oldest
        )?;
        let mut names: Vec<&str> = group.iter().map(|t| t.name()).collect();
        names.sort_unstable();
        names.dedup();
        if names.len() != 1 || names[0] != site(first.location()) {
            write!(f, ": {}", names.join(", "))?;
        }
        let parents = first.parents();
        if !parents.is_empty() {
            write!(f, " [in {}]", parents.join(" > "))?;
        }
    }
    Ok(())
}

/// Tasks grouped by spawn site (file and line), largest group first.
pub(crate) fn group_by_site(tasks: &[TaskInfo]) -> Vec<Vec<&TaskInfo>> {
    let mut groups: Vec<Vec<&TaskInfo>> = Vec::new();
    let mut sorted: Vec<&TaskInfo> = tasks.iter().collect();
    sorted.sort_by_key(|t| (t.location().file(), t.location().line()));
    for task in sorted {
        match groups.last_mut() {
            Some(g) if same_site(g[0].location(), task.location()) => g.push(task),
            _ => groups.push(vec![task]),
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.len()));
    groups
}

fn same_site(a: &Location<'_>, b: &Location<'_>) -> bool {
    a.file() == b.file() && a.line() == b.line()
}

/// What [`Ctx::shutdown`] left behind: the tasks that outlived the grace
/// period and were aborted. Its `Display` is one log-ready line per spawn
/// site.
///
/// ```
/// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
/// use std::time::Duration;
/// let (ctx, _cancel) = ctxkit::Ctx::background().with_cancel();
/// drop(ctx.spawn_named("stubborn", |_| std::future::pending::<()>()));
/// let report = ctx.shutdown("stop", Duration::from_millis(50)).await;
/// assert_eq!(report.stragglers()[0].name(), "stubborn");
/// assert!(report.to_string().contains("stubborn"));
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct ShutdownReport {
    stragglers: Vec<TaskInfo>,
    grace: Duration,
    cause: Cause,
}

impl ShutdownReport {
    /// True when every task ended within the grace period.
    pub fn is_clean(&self) -> bool {
        self.stragglers.is_empty()
    }

    /// The tasks still running when the grace period ran out; each was aborted.
    pub fn stragglers(&self) -> &[TaskInfo] {
        &self.stragglers
    }

    /// The cause the context was cancelled with.
    pub fn cause(&self) -> &Cause {
        &self.cause
    }
}

impl fmt::Display for ShutdownReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_clean() {
            return write!(f, "shutdown ({}) clean: every task ended", self.cause);
        }
        write!(
            f,
            "shutdown ({}): {} task{} still running after {:?} grace, aborted:",
            self.cause,
            self.stragglers.len(),
            if self.stragglers.len() == 1 { "" } else { "s" },
            self.grace
        )?;
        write_grouped(f, &self.stragglers, "  ")
    }
}
