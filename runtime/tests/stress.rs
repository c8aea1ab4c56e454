//! 100,000 tracked tasks on the multi-thread runtime, each waiting on a
//! descendant context, all released by one cancel at the root.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ctxkit::Ctx;

const TASKS: usize = 100_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_cancel_at_the_root_ends_a_hundred_thousand_waiting_tasks() {
    let (root, cancel) = Ctx::background().with_cancel();
    // Three levels of contexts between the root and the tasks.
    let (a, _ca) = root.with_cancel();
    let mids: Vec<_> = (0..10).map(|_| a.with_cancel()).collect();
    let finished = Arc::new(AtomicUsize::new(0));
    let started = Arc::new(AtomicUsize::new(0));
    let mut handles = Vec::with_capacity(TASKS);
    for i in 0..TASKS {
        let (finished, started) = (finished.clone(), started.clone());
        let parent = &mids[i % mids.len()].0;
        handles.push(parent.spawn(move |ctx| async move {
            started.fetch_add(1, Ordering::Relaxed);
            ctx.done().await;
            finished.fetch_add(1, Ordering::Relaxed);
        }));
    }
    assert_eq!(root.tasks().len(), TASKS);
    // Let most tasks park on their context before the cancel.
    while started.load(Ordering::Relaxed) < TASKS {
        tokio::task::yield_now().await;
    }

    cancel.cancel_with("stress over");
    // The bound only catches a hang (a lost wake-up); it is not a timing claim.
    tokio::time::timeout(Duration::from_secs(30), async {
        for h in handles {
            h.await.unwrap();
        }
    })
    .await
    .expect("every task ends after the root is cancelled");
    assert_eq!(finished.load(Ordering::Relaxed), TASKS);
    assert!(root.tasks().is_empty());
    tokio::time::timeout(Duration::from_secs(30), root.wait_tasks())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn shutdown_of_many_tasks_is_clean_and_leaves_no_record() {
    let (root, _cancel) = Ctx::background().with_cancel();
    for _ in 0..20_000 {
        drop(root.spawn(|ctx| async move { ctx.done().await }));
    }
    let report = tokio::time::timeout(
        Duration::from_secs(30),
        root.shutdown("stop", Duration::from_secs(30)),
    )
    .await
    .unwrap();
    assert!(report.is_clean(), "{report}");
    assert!(root.tasks().is_empty());
}
