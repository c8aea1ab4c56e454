//! Leak checks for tests: goleak for tokio.
//!
//! [`verify_none`] fails when tracked tasks are still alive, after retrying
//! for about half a second so tasks that are just finishing get to finish.
//! Inside a `#[ctxkit::test]` a check sees only the tasks of that test, so
//! tests running in parallel in one process do not disturb each other.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let (ctx, cancel) = ctxkit::Ctx::background().with_cancel();
//! drop(ctx.spawn_named("leaky", |ctx| async move { ctx.done().await }));
//! let report = ctxkit::leaks::Verify::new()
//!     .max_wait(std::time::Duration::from_millis(20))
//!     .check()
//!     .await
//!     .unwrap_err();
//! assert!(report.to_string().contains("leaky"));
//! cancel.cancel();
//! ctx.wait_tasks().await;
//! # }
//! ```

use std::collections::HashSet;
use std::fmt;
use std::time::Duration;

use crate::Instant;
use crate::sync::Arc;
use crate::task::{self, Task, TaskInfo};

/// Live tasks on the current tokio runtime, tracked or not, less the timer
/// tasks ctxkit keeps there for itself (they start with the first deadline
/// made on a thread and live as long as the runtime). `None` outside a
/// runtime. Compare two readings to see untracked tasks come and go.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let before = ctxkit::leaks::runtime_tasks().unwrap();
/// let (_ctx, _cancel) = ctxkit::Ctx::background().with_timeout(std::time::Duration::from_secs(5));
/// assert_eq!(ctxkit::leaks::runtime_tasks().unwrap(), before);
/// # }
/// ```
pub fn runtime_tasks() -> Option<usize> {
    let handle = tokio::runtime::Handle::try_current().ok()?;
    Some(
        handle
            .metrics()
            .num_alive_tasks()
            .saturating_sub(crate::timer::drivers(&handle)),
    )
}

/// The live tracked tasks: those of the calling `#[ctxkit::test]` when called
/// inside one, every tracked task otherwise.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let task = ctxkit::Ctx::background().spawn_named("sampler", |ctx| async move { ctx.done().await });
/// assert!(ctxkit::leaks::snapshot().iter().any(|t| t.name() == "sampler"));
/// task.abort();
/// # }
/// ```
pub fn snapshot() -> Vec<TaskInfo> {
    let scope = task::current_scope();
    let now = Instant::now();
    task::all_tasks()
        .into_iter()
        .filter(|t| scope == 0 || t.scope() == scope)
        .map(|t| TaskInfo::new(t, now))
        .collect()
}

/// Checks that no tracked task is alive, with the default options of
/// [`Verify`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let task = ctxkit::Ctx::background().spawn(|_| async {});
/// task.await.unwrap();
/// # let _ = // other doctests of this process may have tasks running
/// ctxkit::leaks::verify_none().await;
/// # }
/// ```
pub async fn verify_none() -> Result<(), LeakReport> {
    Verify::new().check().await
}

/// A leak check with options: tasks to ignore by name, by spawn site, or
/// because they were alive at a point (goleak's `IgnoreCurrent`).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use ctxkit::leaks::Verify;
/// let daemon = ctxkit::Ctx::background().spawn_named("metrics-flusher", |ctx| async move {
///     ctx.done().await
/// });
/// let check = Verify::new().ignore_current().max_wait(std::time::Duration::ZERO);
/// assert!(check.leaked().iter().all(|t| t.name() != "metrics-flusher"));
/// let check = Verify::new().ignore_name("metrics-flusher").ignore_location("src/pool.rs:42");
/// assert!(check.leaked().iter().all(|t| t.name() != "metrics-flusher"));
/// daemon.abort();
/// # }
/// ```
#[derive(Clone)]
pub struct Verify {
    names: Vec<String>,
    locations: Vec<String>,
    current: Option<Vec<Arc<Task>>>,
    max_wait: Duration,
    all_scopes: bool,
}

impl std::fmt::Debug for Verify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verify")
            .field("names", &self.names)
            .field("locations", &self.locations)
            .field("ignored_current", &self.current.as_ref().map_or(0, Vec::len))
            .field("max_wait", &self.max_wait)
            .field("all_scopes", &self.all_scopes)
            .finish()
    }
}

impl Default for Verify {
    fn default() -> Self {
        Verify::new()
    }
}

impl Verify {
    /// A check that retries for about half a second and ignores nothing.
    pub fn new() -> Verify {
        Verify {
            names: Vec::new(),
            locations: Vec::new(),
            current: None,
            max_wait: Duration::from_millis(500),
            all_scopes: false,
        }
    }

    /// Ignores tasks with this name.
    pub fn ignore_name(mut self, name: impl Into<String>) -> Verify {
        self.names.push(name.into());
        self
    }

    /// Ignores tasks spawned at this site: a file (`src/pool.rs`, every line
    /// of it) or a file and line (`src/pool.rs:42`). A path matches when it
    /// ends with the one given.
    pub fn ignore_location(mut self, location: impl Into<String>) -> Verify {
        self.locations.push(location.into());
        self
    }

    /// Ignores every task alive now, so the check sees only tasks started
    /// after this call.
    pub fn ignore_current(mut self) -> Verify {
        let scope = task::current_scope();
        let alive = task::all_tasks()
            .into_iter()
            .filter(|t| scope == 0 || t.scope() == scope);
        self.current.get_or_insert_with(Vec::new).extend(alive);
        self
    }

    /// How long to keep retrying before failing (default 500 ms).
    pub fn max_wait(mut self, wait: Duration) -> Verify {
        self.max_wait = wait;
        self
    }

    /// Inside a `#[ctxkit::test]`, also count the tasks of other tests (and
    /// of no test). Off by default.
    pub fn all_scopes(mut self, all: bool) -> Verify {
        self.all_scopes = all;
        self
    }

    /// The tasks this check would report now, without retrying.
    pub fn leaked(&self) -> Vec<TaskInfo> {
        let scope = if self.all_scopes { 0 } else { task::current_scope() };
        let now = Instant::now();
        let ignored: HashSet<*const Task> = self.current.iter().flatten().map(Arc::as_ptr).collect();
        task::all_tasks()
            .into_iter()
            .filter(|t| scope == 0 || t.scope() == scope)
            .filter(|t| !ignored.contains(&Arc::as_ptr(t)))
            .map(|t| TaskInfo::new(t, now))
            .filter(|info| !self.ignores(info))
            .collect()
    }

    fn ignores(&self, info: &TaskInfo) -> bool {
        if self.names.iter().any(|n| n == info.name()) {
            return true;
        }
        let loc = info.location();
        self.locations.iter().any(|want| {
            let (file, line) = match want.rsplit_once(':') {
                Some((f, l)) if l.parse::<u32>().is_ok() => (f, l.parse::<u32>().ok()),
                _ => (want.as_str(), None),
            };
            loc.file().ends_with(file) && line.is_none_or(|l| l == loc.line())
        })
    }

    /// Runs the check, retrying with growing sleeps (1 ms doubling to 100 ms)
    /// until nothing leaks or `max_wait` has passed.
    pub async fn check(&self) -> Result<(), LeakReport> {
        let mut leaked = self.leaked();
        let mut waited = Duration::ZERO;
        let mut sleep = Duration::from_millis(1);
        while !leaked.is_empty() && waited < self.max_wait {
            let step = sleep.min(self.max_wait - waited);
            tokio::time::sleep(step).await;
            waited += step;
            sleep = (sleep * 2).min(Duration::from_millis(100));
            leaked = self.leaked();
        }
        if leaked.is_empty() {
            Ok(())
        } else {
            Err(LeakReport { leaked, untracked: 0 })
        }
    }
}

/// The tasks a leak check found alive, grouped by spawn site when displayed.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::Duration;
/// let (ctx, _cancel) = ctxkit::Ctx::background().with_cancel();
/// let task = ctx.spawn_named("forgotten", |ctx| async move { ctx.done().await });
/// let report = ctxkit::leaks::Verify::new().max_wait(Duration::ZERO).check().await.unwrap_err();
/// assert!(report.leaked().iter().any(|t| t.name() == "forgotten"));
/// task.abort();
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct LeakReport {
    leaked: Vec<TaskInfo>,
    untracked: usize,
}

impl LeakReport {
    /// The leaked tracked tasks.
    pub fn leaked(&self) -> &[TaskInfo] {
        &self.leaked
    }

    /// How many more tasks the runtime had alive than ctxkit tracks: tasks
    /// spawned outside ctxkit (a bare `tokio::spawn`) that outlived the test.
    pub fn untracked(&self) -> usize {
        self.untracked
    }

    pub(crate) fn new(leaked: Vec<TaskInfo>, untracked: usize) -> LeakReport {
        LeakReport { leaked, untracked }
    }
}

impl fmt::Display for LeakReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.leaked.len();
        if n > 0 {
            write!(f, "{n} tracked task{} leaked:", if n == 1 { "" } else { "s" })?;
            task::write_grouped(f, &self.leaked, "  ")?;
        }
        if self.untracked > 0 {
            if n > 0 {
                writeln!(f)?;
            }
            let m = self.untracked;
            write!(
                f,
                "{m} task{s} spawned outside ctxkit (a bare `tokio::spawn`?) still running; \
                 spawn {it} with `ctx.spawn` so {it} can be cancelled and tracked",
                s = if m == 1 { "" } else { "s" },
                it = if m == 1 { "it" } else { "them" },
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for LeakReport {}
