//! Leaky: a worker pool with no way to shut it down.
//!
//! `WorkerPool::new` starts its workers with `tokio::spawn`; each takes jobs
//! from a shared queue and puts failed jobs back with `retry.send(job).await`.
//! Because every worker holds a sender for its retries, the queue never
//! closes when the pool is dropped: the workers wait on it for ever. And
//! there is no `shutdown` to call, so nothing can wait for jobs in flight.
//!
//! The fix is in `fixed.rs`. Run with `cargo run --example worker_pool_leaky`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

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
    jobs: mpsc::Sender<Job>,
}

impl WorkerPool {
    fn new(workers: usize) -> WorkerPool {
        let (jobs, queue) = mpsc::channel(16);
        let queue = Arc::new(Mutex::new(queue));
        for _ in 0..workers {
            let queue = queue.clone();
            let retry = jobs.clone();
            tokio::spawn(async move {
                while let Some(mut job) = next_job(&queue).await {
                    if process(&job).await.is_err() {
                        job.attempts += 1;
                        let _ = retry.send(job).await;
                    }
                }
            });
        }
        WorkerPool { jobs }
    }

    async fn submit(&self, job: Job) {
        let _ = self.jobs.send(job).await;
    }
}

#[tokio::main]
async fn main() {
    let tasks = ctxkit_examples::TaskCount::start();
    let pool = WorkerPool::new(4);
    for id in 1..=40 {
        pool.submit(Job { id, attempts: 0 }).await;
    }
    tokio::time::sleep(Duration::from_millis(150)).await;
    println!(
        "processed {} jobs; dropping the pool",
        PROCESSED.load(Ordering::Relaxed)
    );
    drop(pool);

    let left = tasks.live(Duration::from_millis(200)).await;
    println!("workers still waiting on a queue that never closes: {left}");
    ctxkit_examples::report_leaked(left);
}
