//! The task monitor, its metrics, and the task dump.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use ctxkit::Ctx;
use ctxkit::dump::TaskDump;
use ctxkit::monitor::TaskMonitor;

/// The monitor counts every tracked task in the process, so the tests that
/// assert on its thresholds take turns.
async fn serial() -> tokio::sync::MutexGuard<'static, ()> {
    static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    SERIAL.lock().await
}

/// Captures the `tracing` output of the current thread as text.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    fn install(&self) -> tracing::subscriber::DefaultGuard {
        let writer = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_max_level(tracing::Level::INFO)
            .finish();
        tracing::subscriber::set_default(subscriber)
    }
}

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn dumps_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect()
}

#[tokio::test(start_paused = true)]
async fn growth_past_the_threshold_logs_an_error_and_writes_a_dump() {
    let _turn = serial().await;
    let logs = Captured::default();
    let _subscriber = logs.install();
    let dir = tempfile::tempdir().unwrap();
    let (ctx, cancel) = Ctx::background().with_cancel();
    let monitor = TaskMonitor::new()
        .interval(Duration::from_secs(1))
        .max_growth(5)
        .dump_dir(dir.path())
        .spawn(&ctx);
    tokio::time::sleep(Duration::from_millis(10)).await; // the baseline sample
    assert!(dumps_in(dir.path()).is_empty());
    let line = line!() + 2;
    for i in 0..20 {
        drop(ctx.spawn_named(&format!("leaky-{i}"), |ctx| async move { ctx.done().await }));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;

    let text = logs.text();
    assert!(text.contains("task stats"), "{text}");
    let leak = text
        .lines()
        .find(|l| l.contains("task leak suspected"))
        .expect(&text);
    assert!(leak.contains("ERROR"), "{leak}");
    assert!(leak.contains("growth=2"), "{leak}"); // 20, maybe more from elsewhere
    assert!(leak.contains(&format!("{}:{line}", file!())), "{leak}");

    let dumps = dumps_in(dir.path());
    assert_eq!(dumps.len(), 1, "one dump per interval");
    let name = dumps[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("ctxkit-tasks-") && name.ends_with(".txt"),
        "{name}"
    );
    let dump = std::fs::read_to_string(&dumps[0]).unwrap();
    assert!(dump.contains(&format!("20 @ {}:{line}", file!())), "{dump}");
    assert!(dump.contains("leaky-0"), "{dump}");

    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(dumps_in(dir.path()).len(), 2, "still leaking a second later");

    cancel.cancel();
    monitor.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn steady_counts_log_stats_only() {
    let _turn = serial().await;
    let logs = Captured::default();
    let _subscriber = logs.install();
    let dir = tempfile::tempdir().unwrap();
    let (ctx, cancel) = Ctx::background().with_cancel();
    let monitor = TaskMonitor::new()
        .interval(Duration::from_secs(1))
        .max_growth(10_000)
        .dump_dir(dir.path())
        .spawn(&ctx);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    cancel.cancel();
    monitor.await.unwrap();
    let text = logs.text();
    assert_eq!(text.matches("task stats").count(), 3, "{text}");
    assert!(!text.contains("task leak suspected"), "{text}");
    assert!(dumps_in(dir.path()).is_empty());
}

#[tokio::test(start_paused = true)]
async fn the_monitor_stops_with_its_context() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    let monitor = TaskMonitor::new().spawn(&ctx);
    assert!(ctx.tasks().iter().any(|t| t.name() == "ctxkit-task-monitor"));
    cancel.cancel();
    monitor.await.unwrap();
    assert!(ctx.tasks().is_empty());
}

/// Records the last value of every counter and gauge.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<HashMap<String, f64>>>);

struct Metric(String, Arc<Mutex<HashMap<String, f64>>>);

impl Metric {
    fn update(&self, f: impl FnOnce(f64) -> f64) {
        let mut values = self.1.lock().unwrap();
        let v = values.entry(self.0.clone()).or_default();
        *v = f(*v);
    }
}

impl metrics::CounterFn for Metric {
    fn increment(&self, by: u64) {
        self.update(|v| v + by as f64);
    }
    fn absolute(&self, value: u64) {
        self.update(|v| v.max(value as f64));
    }
}

impl metrics::GaugeFn for Metric {
    fn increment(&self, by: f64) {
        self.update(|v| v + by);
    }
    fn decrement(&self, by: f64) {
        self.update(|v| v - by);
    }
    fn set(&self, value: f64) {
        self.update(|_| value);
    }
}

impl metrics::Recorder for Recorder {
    fn describe_counter(&self, _: metrics::KeyName, _: Option<metrics::Unit>, _: metrics::SharedString) {}
    fn describe_gauge(&self, _: metrics::KeyName, _: Option<metrics::Unit>, _: metrics::SharedString) {}
    fn describe_histogram(&self, _: metrics::KeyName, _: Option<metrics::Unit>, _: metrics::SharedString) {}
    fn register_counter(&self, key: &metrics::Key, _: &metrics::Metadata<'_>) -> metrics::Counter {
        metrics::Counter::from_arc(Arc::new(Metric(key.name().to_string(), self.0.clone())))
    }
    fn register_gauge(&self, key: &metrics::Key, _: &metrics::Metadata<'_>) -> metrics::Gauge {
        metrics::Gauge::from_arc(Arc::new(Metric(key.name().to_string(), self.0.clone())))
    }
    fn register_histogram(&self, _: &metrics::Key, _: &metrics::Metadata<'_>) -> metrics::Histogram {
        metrics::Histogram::noop()
    }
}

fn recorder() -> &'static Recorder {
    static RECORDER: OnceLock<Recorder> = OnceLock::new();
    RECORDER.get_or_init(|| {
        let recorder = Recorder::default();
        metrics::set_global_recorder(recorder.clone()).expect("the only recorder of this test binary");
        recorder
    })
}

#[tokio::test(start_paused = true)]
async fn counts_are_exported_as_metrics() {
    let _turn = serial().await;
    let values = recorder().0.clone();
    let (ctx, cancel) = Ctx::background().with_cancel();
    for _ in 0..30 {
        drop(ctx.spawn(|ctx| async move { ctx.done().await }));
    }
    let monitor = TaskMonitor::new()
        .interval(Duration::from_secs(1))
        .max_growth(5)
        .baseline(0, 0)
        .spawn(&ctx);
    tokio::time::sleep(Duration::from_millis(10)).await;
    cancel.cancel();
    monitor.await.unwrap();
    let values = values.lock().unwrap().clone();
    assert!(values["ctxkit_tasks_alive"] >= 31.0, "{values:?}");
    assert!(values["ctxkit_runtime_tasks_alive"] >= 31.0, "{values:?}");
    assert!(values["ctxkit_tasks_spawned_total"] >= 31.0, "{values:?}");
    assert!(values["ctxkit_tasks_leak_suspected_total"] >= 1.0, "{values:?}");
}

#[tokio::test(start_paused = true)]
async fn a_dump_groups_live_tasks_by_site_with_names_ages_and_chains() {
    let (ctx, cancel) = Ctx::background().with_cancel();
    let line = line!() + 4;
    let server = ctx.spawn_named("server", |ctx| async move {
        for i in 0..3 {
            let name = format!("conn-{i}");
            drop(ctx.spawn_named(&name, |ctx| async move { ctx.done().await }));
        }
    });
    server.await.unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let dump = TaskDump::capture();
    let site = dump
        .sites
        .iter()
        .find(|s| s.site == format!("{}:{line}", file!()))
        .expect("the site of the connections");
    assert_eq!(site.count, 3);
    assert_eq!(site.names, ["conn-0", "conn-1", "conn-2"]);
    assert_eq!(site.chains, ["server"]);
    assert!(site.oldest_age_ms >= 2000);
    assert!(dump.runtime_alive.unwrap() >= 3);

    let text = dump.to_string();
    assert!(text.starts_with("ctxkit task dump: "), "{text}");
    assert!(
        text.contains(&format!("3 @ {}:{line} (oldest ", file!())),
        "{text}"
    );
    assert!(text.contains("#\tnames: conn-0, conn-1, conn-2"), "{text}");
    assert!(text.contains("#\tin: server"), "{text}");

    let json: serde_json::Value = serde_json::from_str(&dump.to_json()).unwrap();
    let sites = json["sites"].as_array().unwrap();
    let entry = sites
        .iter()
        .find(|s| s["site"] == format!("{}:{line}", file!()))
        .unwrap();
    assert_eq!(entry["count"], 3);
    assert_eq!(entry["chains"][0], "server");
    cancel.cancel();
    ctx.wait_tasks().await;
}
