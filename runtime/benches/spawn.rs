//! `ctx.spawn` against the other ways to spawn on tokio's multi-thread
//! runtime: bare `tokio::spawn`, tokio-util's `TaskTracker::spawn`, and
//! `JoinSet::spawn`. Each iteration spawns a batch of trivial tasks from the
//! runtime and waits for all of them, so the numbers cover the whole life of
//! a task (spawn, record, run, unrecord, join), per task.
//!
//! Run: `cargo bench -p ctxkit --bench spawn -- --warm-up-time 1 --measurement-time 3`.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ctxkit::Ctx;
use tokio::runtime::Runtime;
use tokio::task::JoinSet;
use tokio_util::task::TaskTracker;

const BATCH: usize = 1_000;

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn spawn(c: &mut Criterion) {
    let rt = runtime();
    let mut g = c.benchmark_group("spawn");
    g.throughput(Throughput::Elements(BATCH as u64));

    g.bench_function("tokio::spawn", |b| {
        b.iter(|| {
            rt.block_on(async {
                let handles: Vec<_> = (0..BATCH)
                    // ctxkit: allow(bare_spawn) -- the baseline being measured
                    .map(|i| tokio::spawn(async move { black_box(i) }))
                    .collect();
                for h in handles {
                    black_box(h.await.unwrap());
                }
            })
        })
    });

    let (root, _cancel) = Ctx::background().with_cancel();
    g.bench_function("ctx.spawn", |b| {
        b.iter(|| {
            rt.block_on(async {
                let handles: Vec<_> = (0..BATCH)
                    .map(|i| root.spawn(move |_| async move { black_box(i) }))
                    .collect();
                for h in handles {
                    black_box(h.await.unwrap());
                }
            })
        })
    });

    // Reference: the fresh child context alone, without the record, to
    // show which part of `ctx.spawn`'s cost is the context and which the record.
    g.bench_function("with_cancel+tokio::spawn", |b| {
        b.iter(|| {
            rt.block_on(async {
                let handles: Vec<_> = (0..BATCH)
                    .map(|i| {
                        let (ctx, handle) = root.with_cancel();
                        handle.disarm();
                        // ctxkit: allow(bare_spawn) -- the baseline being measured
                        tokio::spawn(async move { black_box((&ctx, i)).1 })
                    })
                    .collect();
                for h in handles {
                    black_box(h.await.unwrap());
                }
            })
        })
    });

    g.bench_function("TaskTracker::spawn", |b| {
        b.iter(|| {
            rt.block_on(async {
                let tracker = TaskTracker::new();
                let handles: Vec<_> = (0..BATCH)
                    .map(|i| tracker.spawn(async move { black_box(i) }))
                    .collect();
                tracker.close();
                for h in handles {
                    black_box(h.await.unwrap());
                }
                tracker.wait().await;
            })
        })
    });

    g.bench_function("JoinSet::spawn", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut set = JoinSet::new();
                for i in 0..BATCH {
                    set.spawn(async move { black_box(i) });
                }
                while let Some(r) = set.join_next().await {
                    black_box(r.unwrap());
                }
            })
        })
    });
    g.finish();
}

criterion_group!(benches, spawn);
criterion_main!(benches);
