//! A dump of the live tracked tasks grouped by spawn site: the analog of Go's
//! goroutine profile at `debug=1`. Text for people, JSON for tools.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let (ctx, cancel) = ctxkit::Ctx::background().with_cancel();
//! drop(ctx.spawn_named("worker", |ctx| async move { ctx.done().await }));
//! let dump = ctxkit::dump::TaskDump::capture();
//! assert!(dump.sites.iter().any(|s| s.names.contains(&"worker".to_string())));
//! assert!(dump.to_string().contains("worker"));
//! assert!(dump.to_json().contains("\"names\""));
//! cancel.cancel();
//! # }
//! ```

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::Instant;
use crate::task::{self, TaskInfo};

/// How many distinct names or chains a site lists before summarising.
const LIST_LIMIT: usize = 10;

/// Every live tracked task at one moment, grouped by spawn site, most
/// numerous first.
#[derive(Debug, Clone, Serialize)]
pub struct TaskDump {
    /// When it was taken, in milliseconds since the Unix epoch.
    pub taken_at_unix_ms: u64,
    /// Live tracked tasks.
    pub tracked: usize,
    /// Live tasks on the current tokio runtime, tracked or not (absent
    /// outside a runtime).
    pub runtime_alive: Option<usize>,
    /// One entry per spawn site.
    pub sites: Vec<SiteDump>,
}

/// The live tasks spawned at one site.
#[derive(Debug, Clone, Serialize)]
pub struct SiteDump {
    /// `file:line` of the spawn.
    pub site: String,
    /// Live tasks spawned there.
    pub count: usize,
    /// Age of the oldest, in milliseconds.
    pub oldest_age_ms: u64,
    /// Their distinct names (the site itself for unnamed tasks), at most ten.
    pub names: Vec<String>,
    /// Their distinct chains of parent task names (`server > pool`), at most
    /// ten; empty for tasks spawned outside any tracked task.
    pub chains: Vec<String>,
    /// How many of them run on the blocking pool.
    pub blocking: usize,
}

impl TaskDump {
    /// Takes a dump of every tracked task in the process.
    pub fn capture() -> TaskDump {
        let now = Instant::now();
        let tasks: Vec<TaskInfo> = task::all_tasks()
            .into_iter()
            .map(|t| TaskInfo::new(t, now))
            .collect();
        TaskDump::from_tasks(&tasks)
    }

    pub(crate) fn from_tasks(tasks: &[TaskInfo]) -> TaskDump {
        let sites = task::group_by_site(tasks)
            .into_iter()
            .map(|group| {
                let mut names: Vec<String> = group.iter().map(|t| t.name().to_string()).collect();
                names.sort_unstable();
                names.dedup();
                names.truncate(LIST_LIMIT);
                let mut chains: Vec<String> = group
                    .iter()
                    .map(|t| t.parents().join(" > "))
                    .filter(|c| !c.is_empty())
                    .collect();
                chains.sort_unstable();
                chains.dedup();
                chains.truncate(LIST_LIMIT);
                SiteDump {
                    site: task::site(group[0].location()),
                    count: group.len(),
                    oldest_age_ms: millis(group.iter().map(|t| t.age()).max().unwrap_or_default()),
                    names,
                    chains,
                    blocking: group.iter().filter(|t| t.is_blocking()).count(),
                }
            })
            .collect();
        TaskDump {
            taken_at_unix_ms: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            tracked: tasks.len(),
            runtime_alive: runtime_alive(),
            sites,
        }
    }

    /// The dump as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}

pub(crate) fn runtime_alive() -> Option<usize> {
    crate::leaks::runtime_tasks()
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl fmt::Display for TaskDump {
    /// One block per spawn site, as Go's goroutine profile prints one per
    /// stack: `count @ site (oldest age)`, then names and parent chains.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ctxkit task dump: {} live tracked task{} at {} spawn site{}",
            self.tracked,
            if self.tracked == 1 { "" } else { "s" },
            self.sites.len(),
            if self.sites.len() == 1 { "" } else { "s" },
        )?;
        if let Some(n) = self.runtime_alive {
            write!(f, "; {n} alive on the runtime")?;
        }
        writeln!(f)?;
        for site in &self.sites {
            let oldest = Duration::from_millis(site.oldest_age_ms);
            writeln!(f, "\n{} @ {} (oldest {:.1?})", site.count, site.site, oldest)?;
            if site.names.len() != 1 || site.names[0] != site.site {
                writeln!(f, "#\tnames: {}", site.names.join(", "))?;
            }
            for chain in &site.chains {
                writeln!(f, "#\tin: {chain}")?;
            }
            if site.blocking > 0 {
                writeln!(f, "#\tblocking: {}", site.blocking)?;
            }
        }
        Ok(())
    }
}
