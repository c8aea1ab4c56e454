//! Fixed: a worker pool under a context, with a graceful `shutdown` that
//! reports stragglers.
//!
//! Workers run under the pool's context (`ctx.spawn_named`), take jobs with
//! `ctx.run(..)` and put failed jobs back with `send_within`, so a cancel
//! frees a worker waiting for a job or for room in the queue. A job already
//! started is finished, not cut in half: the worker checks the context
//! between jobs. `WorkerPool::shutdown` is Go's `WorkerPool.Shutdown`: it
//! cancels the pool, waits up to a grace period for the workers, and returns
//! a `ShutdownReport` naming any that did not stop (clean here).
//!
//! The bug is in `leaky.rs`. Run with `cargo run --example worker_pool`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ctxkit::ShutdownReport;
use ctxkit::channel::SendError;
use ctxkit::prelude::*;
use tokio::sync::{Mutex, mpsc};

#[derive(Debug)]
struct Job {
    id: u32,
    attempts: u32,
}

static PROCESSED: AtomicUsize = AtomicUsize::new(0);

async fn process(job: &Job) -> Result<(), String> {
    tokio::time::sleep(Duration::from_millis(5)).await;
    if job.id % 7 == 0 && job.attempts == 0 {
        return Err(format!("job {} failed, will retry", job.id));
    }
    PROCESSED.fetch_add(1, Ordering::Relaxed);
    Ok(())
}

async fn next_job(queue: &Mutex<mpsc::Receiver<Job>>) -> Option<Job> {
    queue.lock().await.recv().await
}

struct WorkerPool {
    ctx: Ctx,
    jobs: mpsc::Sender<Job>,
    queue: Arc<Mutex<mpsc::Receiver<Job>>>,
    /// Dropping the pool without `shutdown` still stops its workers.
    _cancel: CancelHandle,
}

impl WorkerPool {
    fn new(ctx: &Ctx, workers: usize) -> WorkerPool {
        let (pool_ctx, cancel) = ctx.with_cancel();
        let (jobs, queue) = ctxkit::channel::bounded(16);
        let queue = Arc::new(Mutex::new(queue));
        for id in 0..workers {
            let queue = queue.clone();
            let retry = jobs.clone();
            drop(
                pool_ctx.spawn_named(&format!("worker-{id}"), move |ctx| async move {
                    while let Ok(Some(mut job)) = ctx.run(next_job(&queue)).await {
                        if process(&job).await.is_err() {
                            job.attempts += 1;
                            if let Err(e) = retry.send_within(&ctx, job).await {
                                let reason = e.to_string();
                                println!("job {} not retried: {reason}", e.into_inner().id);
                            }
                        }
                    }
                }),
            );
        }
        WorkerPool {
            ctx: pool_ctx,
            jobs,
            queue,
            _cancel: cancel,
        }
    }

    async fn submit(&self, ctx: &Ctx, job: Job) -> Result<(), SendError<Job>> {
        self.jobs.send_within(ctx, job).await
    }

    /// Stops taking jobs, lets jobs in flight finish within `grace`, and
    /// reports the workers that did not stop in time.
    async fn shutdown(self, grace: Duration) -> (ShutdownReport, usize) {
        let report = self.ctx.shutdown("worker pool shutting down", grace).await;
        let unstarted = self.queue.lock().await.len();
        (report, unstarted)
    }
}

#[tokio::main]
async fn main() {
    let tasks = ctxkit_examples::TaskCount::start();
    let (root, _stop) = Ctx::background().with_cancel();
    let pool = WorkerPool::new(&root, 4);
    for id in 1..=40 {
        if let Err(e) = pool.submit(&root, Job { id, attempts: 0 }).await {
            println!("job {id} not submitted: {e}");
        }
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    println!(
        "processed {} jobs; shutting the pool down",
        PROCESSED.load(Ordering::Relaxed)
    );

    let (report, unstarted) = pool.shutdown(Duration::from_secs(1)).await;
    println!("{report}");
    println!(
        "processed {} jobs, {unstarted} left in the queue for the next run",
        PROCESSED.load(Ordering::Relaxed)
    );
    ctxkit_examples::report_leaked(tasks.live(Duration::from_millis(500)).await);
}
