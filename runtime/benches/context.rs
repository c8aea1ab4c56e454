//! Go's own `context` benchmarks (`src/context/benchmark_test.go`), ported with
//! the same names and loop bodies so the numbers can be set beside Go's, and
//! beside each the same work with tokio-util's `CancellationToken` where it
//! has the operation. Parallel benchmarks run one loop per core, as Go's
//! `b.RunParallel` does, and report wall time per operation.
//!
//! Run: `cargo bench -p ctxkit --bench context`.
#![allow(missing_docs)]

use std::hint::black_box;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use ctxkit::Ctx;
use tokio_util::sync::CancellationToken;

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Go's `b.RunParallel`: `iters` operations spread over one thread per core;
/// the result is the wall time of the whole batch.
fn run_parallel<S: Sync>(iters: u64, shared: &S, body: impl Fn(&S, u64) + Sync) -> Duration {
    let n = cores() as u64;
    let barrier = Barrier::new(n as usize + 1);
    std::thread::scope(|s| {
        for t in 0..n {
            let per = iters / n + u64::from(t < iters % n);
            let (barrier, body) = (&barrier, &body);
            s.spawn(move || {
                barrier.wait();
                body(shared, per);
            });
        }
        barrier.wait();
        let start = Instant::now();
        // Threads are joined when the scope ends.
        start
    })
    .elapsed()
}

struct Key;

fn common_parent_cancel(c: &mut Criterion) {
    let mut g = c.benchmark_group("CommonParentCancel");
    g.bench_function("ctxkit", |b| {
        let root = Ctx::background().with_value("value");
        let (shared, _cancel) = root.with_cancel();
        b.iter_custom(|iters| {
            run_parallel(iters, &shared, |shared, n| {
                let mut x = 0u64;
                for _ in 0..n {
                    let (ctx, cancel) = shared.with_cancel();
                    assert_eq!(ctx.value::<&str>(), Some(&"value"));
                    for _ in 0..100 {
                        x /= black_box(x + 1);
                    }
                    cancel.cancel();
                    for _ in 0..100 {
                        x /= black_box(x + 1);
                    }
                }
                black_box(x);
            })
        });
    });
    g.bench_function("tokio-util", |b| {
        let shared = CancellationToken::new();
        b.iter_custom(|iters| {
            run_parallel(iters, &shared, |shared, n| {
                let mut x = 0u64;
                for _ in 0..n {
                    let token = shared.child_token();
                    for _ in 0..100 {
                        x /= black_box(x + 1);
                    }
                    token.cancel();
                    for _ in 0..100 {
                        x /= black_box(x + 1);
                    }
                }
                black_box(x);
            })
        });
    });
    g.finish();
}

fn with_timeout(c: &mut Criterion) {
    let mut g = c.benchmark_group("WithTimeout");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores())
        .enable_all()
        .build()
        .unwrap();
    for concurrency in [40usize, 4_000, 400_000] {
        g.bench_function(
            BenchmarkId::new("ctxkit", format!("concurrency={concurrency}")),
            |b| {
                let _guard = rt.enter();
                let root = Ctx::background();
                // Contexts with pending timers, as Go's benchmark keeps alive.
                let held: Vec<_> = (0..concurrency)
                    .map(|_| root.with_timeout(Duration::from_secs(3600)).1)
                    .collect();
                // Go's goroutines run on the scheduler's threads; so do these loops.
                b.iter_custom(|iters| {
                    let n = cores() as u64;
                    rt.block_on(async {
                        let start = Instant::now();
                        let loops: Vec<_> = (0..n)
                            .map(|t| {
                                let per = iters / n + u64::from(t < iters % n);
                                // ctxkit: allow(bare_spawn) -- joined below.
                                tokio::spawn(async move {
                                    // ctxkit: allow(fresh_root_ctx) -- an unrelated root on purpose
                                    let root = Ctx::background();
                                    let mut wcf = Vec::with_capacity(10);
                                    for _ in 0..per {
                                        for _ in 0..10 {
                                            wcf.push(root.with_timeout(Duration::from_secs(3600)).1);
                                        }
                                        for f in wcf.drain(..) {
                                            f.cancel();
                                        }
                                    }
                                })
                            })
                            .collect();
                        for l in loops {
                            l.await.unwrap();
                        }
                        start.elapsed()
                    })
                });
                drop(held);
            },
        );
    }
    g.finish();
}

fn build_tree(root: &Ctx, depth: usize) {
    let mut ctx = root.clone();
    for _ in 0..depth {
        let (child, handle) = ctx.with_cancel();
        // Go's `root, _ = WithCancel(root)` drops the cancel func without calling it.
        handle.disarm();
        ctx = child;
    }
}

fn build_token_tree(root: &CancellationToken, depth: usize) {
    let mut token = root.clone();
    for _ in 0..depth {
        token = token.child_token();
    }
}

fn cancel_tree(c: &mut Criterion) {
    let mut g = c.benchmark_group("CancelTree");
    for depth in [1usize, 10, 100, 1000] {
        g.bench_function(format!("depth={depth}/Root=Background/ctxkit"), |b| {
            b.iter(|| build_tree(&Ctx::background(), depth))
        });
        g.bench_function(format!("depth={depth}/Root=OpenCanceler/ctxkit"), |b| {
            b.iter(|| {
                let (ctx, cancel) = Ctx::background().with_cancel();
                build_tree(&ctx, depth);
                cancel.cancel();
            })
        });
        g.bench_function(format!("depth={depth}/Root=OpenCanceler/tokio-util"), |b| {
            b.iter(|| {
                let token = CancellationToken::new();
                build_token_tree(&token, depth);
                token.cancel();
            })
        });
        g.bench_function(format!("depth={depth}/Root=ClosedCanceler/ctxkit"), |b| {
            b.iter(|| {
                let (ctx, cancel) = Ctx::background().with_cancel();
                cancel.cancel();
                build_tree(&ctx, depth);
            })
        });
        g.bench_function(format!("depth={depth}/Root=ClosedCanceler/tokio-util"), |b| {
            b.iter(|| {
                let token = CancellationToken::new();
                token.cancel();
                build_token_tree(&token, depth);
            })
        });
    }
    g.finish();
}

fn check_canceled(c: &mut Criterion) {
    let mut g = c.benchmark_group("CheckCanceled");
    let (ctx, cancel) = Ctx::background().with_cancel();
    cancel.cancel();
    let token = CancellationToken::new();
    token.cancel();
    g.bench_function("Err/ctxkit", |b| b.iter(|| black_box(&ctx).err()));
    g.bench_function("Done/ctxkit", |b| b.iter(|| black_box(&ctx).is_done()));
    g.bench_function("Done/tokio-util", |b| b.iter(|| black_box(&token).is_cancelled()));
    // ctxkit: allow(fresh_root_ctx) -- an unrelated root on purpose
    let (live, _keep) = Ctx::background().with_cancel();
    let live_token = CancellationToken::new();
    g.bench_function("Live/ctxkit", |b| b.iter(|| black_box(&live).is_done()));
    g.bench_function("Live/tokio-util", |b| {
        b.iter(|| black_box(&live_token).is_cancelled())
    });
    g.finish();
}

fn context_cancel_done(c: &mut Criterion) {
    let mut g = c.benchmark_group("ContextCancelDone");
    let (ctx, _cancel) = Ctx::background().with_cancel();
    g.bench_function("ctxkit", |b| {
        b.iter_custom(|iters| {
            run_parallel(iters, &ctx, |ctx, n| {
                for _ in 0..n {
                    black_box(black_box(ctx).is_done());
                }
            })
        })
    });
    let token = CancellationToken::new();
    g.bench_function("tokio-util", |b| {
        b.iter_custom(|iters| {
            run_parallel(iters, &token, |token, n| {
                for _ in 0..n {
                    black_box(black_box(token).is_cancelled());
                }
            })
        })
    });
    g.finish();
}

/// One distinct value type per level, as Go's benchmark uses one key per level.
struct K<const N: usize>(#[allow(dead_code)] usize);

macro_rules! chain {
    ($ctx:expr, $depth:expr; $($n:literal)*) => {{
        let mut ctx = $ctx;
        $( if $n < $depth { ctx = ctx.with_value(K::<$n>($n)); } )*
        ctx
    }};
}

fn deep_value_same_goroutine(c: &mut Criterion) {
    let mut g = c.benchmark_group("DeepValueSameGoRoutine");
    for depth in [10usize, 20, 30, 50, 100] {
        let ctx = chain!(Ctx::background(), depth; 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63 64 65 66 67 68 69 70 71 72 73 74 75 76 77 78 79 80 81 82 83 84 85 86 87 88 89 90 91 92 93 94 95 96 97 98 99);
        g.bench_function(format!("depth={depth}"), |b| {
            b.iter(|| black_box(&ctx).value::<Key>().is_none())
        });
    }
    g.finish();
}

fn with_cancel_and_drop(c: &mut Criterion) {
    let mut g = c.benchmark_group("WithCancelDrop");
    let (ctx, _cancel) = Ctx::background().with_cancel();
    g.bench_function("ctxkit", |b| b.iter(|| drop(black_box(&ctx).with_cancel())));
    let token = CancellationToken::new();
    g.bench_function("tokio-util", |b| b.iter(|| drop(black_box(&token).child_token())));
    g.bench_function("ctxkit/clone", |b| b.iter(|| drop(black_box(&ctx).clone())));
    g.bench_function("tokio-util/clone", |b| b.iter(|| drop(black_box(&token).clone())));
    g.finish();
}

fn cancel_wide_tree(c: &mut Criterion) {
    let mut g = c.benchmark_group("CancelTree100k");
    g.sample_size(10);
    // 100,000 contexts: a root, 100 children, 999 grandchildren each.
    g.bench_function("ctxkit", |b| {
        b.iter_batched(
            || {
                let (root, cancel) = Ctx::background().with_cancel();
                let mut held = Vec::with_capacity(100_000);
                for _ in 0..100 {
                    let (child, h) = root.with_cancel();
                    for _ in 0..999 {
                        held.push(child.with_cancel());
                    }
                    held.push((child, h));
                }
                (root, cancel, held)
            },
            |(_root, cancel, held)| {
                cancel.cancel();
                held
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("tokio-util", |b| {
        b.iter_batched(
            || {
                let root = CancellationToken::new();
                let mut held = Vec::with_capacity(100_000);
                for _ in 0..100 {
                    let child = root.child_token();
                    for _ in 0..999 {
                        held.push(child.child_token());
                    }
                    held.push(child);
                }
                (root, held)
            },
            |(root, held)| {
                root.cancel();
                held
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(
    benches,
    check_canceled,
    context_cancel_done,
    deep_value_same_goroutine,
    with_cancel_and_drop,
    common_parent_cancel,
    cancel_tree,
    with_timeout,
    cancel_wide_tree
);
criterion_main!(benches);
