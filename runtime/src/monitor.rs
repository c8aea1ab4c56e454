//! A task monitor: Go's `GoroutineMonitor` for tokio.
//!
//! Every interval it samples the live tracked tasks and the runtime's live
//! tasks, logs them, exports them as metrics, and when either has grown past
//! a threshold over its baseline, logs `task leak suspected` with the top
//! spawn sites and writes a task dump.
//!
//! Metrics (through the [`metrics`] facade, so any exporter picks them up):
//! `ctxkit_tasks_alive` (gauge), `ctxkit_runtime_tasks_alive` (gauge),
//! `ctxkit_tasks_spawned_total` (counter), and
//! `ctxkit_tasks_leak_suspected_total` (counter). The spawn path does not
//! touch them: totals are read from the registry at each sample.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use std::time::Duration;
//! use ctxkit::monitor::TaskMonitor;
//!
//! let (ctx, cancel) = ctxkit::Ctx::background().with_cancel();
//! let monitor = TaskMonitor::new()
//!     .interval(Duration::from_secs(30))
//!     .max_growth(500)
//!     .dump_dir(std::env::temp_dir())
//!     .spawn(&ctx);
//! cancel.cancel(); // the monitor stops with its context
//! monitor.await.unwrap();
//! # }
//! ```

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::ctx::Ctx;
use crate::dump::{self, TaskDump};
use crate::task::{self, TaskHandle};

/// Samples live-task counts on an interval and flags growth over a baseline.
#[derive(Debug, Clone)]
pub struct TaskMonitor {
    interval: Duration,
    max_growth: usize,
    baseline: Option<(usize, usize)>,
    dump_dir: Option<PathBuf>,
    top_sites: usize,
}

impl Default for TaskMonitor {
    fn default() -> Self {
        TaskMonitor::new()
    }
}

/// One sample of the monitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// Live tracked tasks.
    pub tracked: usize,
    /// Live tasks on the runtime, tracked or not.
    pub runtime: usize,
    /// Tracked tasks spawned since the process started.
    pub spawned_total: u64,
}

impl Sample {
    /// Takes a sample now.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sample = ctxkit::monitor::Sample::take();
    /// assert!(sample.spawned_total >= sample.tracked as u64);
    /// # }
    /// ```
    pub fn take() -> Sample {
        let (tracked, spawned_total) = task::counts();
        Sample {
            tracked,
            runtime: dump::runtime_alive().unwrap_or(0),
            spawned_total,
        }
    }
}

impl TaskMonitor {
    /// A monitor sampling every 10 s that flags growth of more than 100 tasks,
    /// with the first sample as baseline and no dump directory.
    pub fn new() -> TaskMonitor {
        TaskMonitor {
            interval: Duration::from_secs(10),
            max_growth: 100,
            baseline: None,
            dump_dir: None,
            top_sites: 5,
        }
    }

    /// How often to sample.
    pub fn interval(mut self, every: Duration) -> TaskMonitor {
        self.interval = every;
        self
    }

    /// How many tasks above the baseline (tracked or runtime-wide) are
    /// tolerated before a leak is suspected.
    pub fn max_growth(mut self, tasks: usize) -> TaskMonitor {
        self.max_growth = tasks;
        self
    }

    /// The baseline counts (tracked, runtime-wide) to compare against, instead
    /// of the first sample.
    pub fn baseline(mut self, tracked: usize, runtime: usize) -> TaskMonitor {
        self.baseline = Some((tracked, runtime));
        self
    }

    /// Where to write a task dump (`ctxkit-tasks-<unix ms>-<n>.txt`) each interval
    /// a leak is suspected.
    pub fn dump_dir(mut self, dir: impl Into<PathBuf>) -> TaskMonitor {
        self.dump_dir = Some(dir.into());
        self
    }

    /// How many spawn sites the leak event names (default 5).
    pub fn top_sites(mut self, n: usize) -> TaskMonitor {
        self.top_sites = n;
        self
    }

    /// Runs the monitor as a tracked task under `ctx`; it stops when `ctx` is
    /// done.
    #[track_caller]
    pub fn spawn(self, ctx: &Ctx) -> TaskHandle<()> {
        ctx.spawn_named("ctxkit-task-monitor", move |ctx| self.run(ctx))
    }

    async fn run(self, ctx: Ctx) {
        let mut ticker = tokio::time::interval(self.interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut baseline = self.baseline;
        while ctx.run(ticker.tick()).await.is_ok() {
            let sample = Sample::take();
            let (base_tracked, base_runtime) = *baseline.get_or_insert((sample.tracked, sample.runtime));
            export(&sample);
            tracing::info!(
                target: "ctxkit::monitor",
                tracked = sample.tracked,
                runtime = sample.runtime,
                baseline = base_tracked,
                runtime_baseline = base_runtime,
                spawned_total = sample.spawned_total,
                "task stats"
            );
            let growth = sample.tracked.saturating_sub(base_tracked);
            let runtime_growth = sample.runtime.saturating_sub(base_runtime);
            if growth <= self.max_growth && runtime_growth <= self.max_growth {
                continue;
            }
            metrics::counter!("ctxkit_tasks_leak_suspected_total").increment(1);
            let dump = TaskDump::capture();
            let top_sites = dump
                .sites
                .iter()
                .take(self.top_sites)
                .map(|s| format!("{} × {}", s.count, s.site))
                .collect::<Vec<_>>()
                .join(", ");
            let dump_file = self.dump_dir.as_deref().and_then(|dir| write_dump(dir, &dump));
            tracing::error!(
                target: "ctxkit::monitor",
                current = sample.tracked,
                baseline = base_tracked,
                growth,
                runtime = sample.runtime,
                runtime_baseline = base_runtime,
                runtime_growth,
                top_sites = %top_sites,
                dump = dump_file.as_ref().map(|p| p.display().to_string()),
                "task leak suspected"
            );
        }
    }
}

fn export(sample: &Sample) {
    metrics::gauge!("ctxkit_tasks_alive").set(sample.tracked as f64);
    metrics::gauge!("ctxkit_runtime_tasks_alive").set(sample.runtime as f64);
    metrics::counter!("ctxkit_tasks_spawned_total").absolute(sample.spawned_total);
}

/// Writes the dump; a failure is logged, never fatal to the monitor. The file
/// is small and written once per interval at most, so a blocking write is
/// cheaper than a hop to the blocking pool.
fn write_dump(dir: &Path, dump: &TaskDump) -> Option<PathBuf> {
    // The sequence number keeps names unique when the clock does not move
    // between dumps (paused test time, a coarse clock).
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, Ordering::Relaxed);
    let path = dir.join(format!("ctxkit-tasks-{}-{seq}.txt", dump.taken_at_unix_ms));
    match std::fs::write(&path, dump.to_string()) {
        Ok(()) => Some(path),
        Err(e) => {
            tracing::warn!(target: "ctxkit::monitor", path = %path.display(), error = %e, "cannot write task dump");
            None
        }
    }
}
