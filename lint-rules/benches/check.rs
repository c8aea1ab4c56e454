//! Lines checked per second: one generated file through `check_source`, and
//! a generated 100,000-line tree through the parallel file checker.

// criterion's macros generate undocumented public functions.
#![allow(missing_docs)]

use std::fmt::Write as _;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ctxkit_lint::run::{Job, check_files};
use ctxkit_lint::{Levels, check_source};

/// Async service code of the kind the rules look at: imports, structs,
/// impls, spawns, channels, selects, loops, matches.
fn module(seed: usize) -> String {
    let mut s = String::from(
        "use std::time::Duration;\nuse tokio::sync::mpsc;\nuse tokio::task;\nuse ctxkit::Ctx;\n\n",
    );
    for i in 0..20 {
        let n = seed * 100 + i;
        let _ = write!(
            s,
            r#"pub struct Worker{n} {{
    tx: mpsc::Sender<Job>,
    name: String,
    retries: u32,
}}

impl Worker{n} {{
    pub async fn run(&mut self, ctx: &Ctx, mut rx: mpsc::Receiver<Job>) -> Result<(), Error> {{
        let (child, _cancel) = ctx.with_timeout(Duration::from_secs({n}));
        loop {{
            tokio::select! {{
                _ = child.done() => break,
                job = rx.recv() => match job {{
                    Some(Job::Fetch(url)) => {{
                        let body = child.run(fetch(&url)).await??;
                        self.tx.send_within(&child, Job::Store(body)).await?;
                    }}
                    Some(Job::Store(bytes)) => {{
                        if bytes.len() > {n} {{
                            tracing::warn!(len = bytes.len(), "large body");
                        }}
                        store(&child, bytes).await?;
                    }}
                    None => break,
                }},
            }}
        }}
        Ok(())
    }}

    pub fn start(self, ctx: &Ctx) {{
        ctx.spawn_named("worker-{n}", move |ctx| async move {{
            let (tx, rx) = mpsc::channel(64);
            let _ = tx;
            let mut me = self;
            me.run(&ctx, rx).await
        }});
        task::spawn_blocking(move || compress(vec![0u8; {n}]));
    }}
}}

fn helper_{n}(values: &[u32]) -> u64 {{
    let mut total = 0u64;
    for (i, v) in values.iter().enumerate() {{
        total += u64::from(*v) * (i as u64 + {n});
        if total > 1_000_000 {{
            total %= 7919;
        }}
    }}
    assert!(total < u64::MAX, "overflow in helper {n}");
    total
}}

"#
        );
    }
    s
}

fn bench(c: &mut Criterion) {
    let levels = Levels::default();
    let one = module(0);
    let lines = one.lines().count() as u64;
    let mut group = c.benchmark_group("check");
    group.throughput(Throughput::Elements(lines));
    group.bench_function("check_source", |b| {
        b.iter(|| check_source(&one, &levels).unwrap())
    });

    let dir = tempfile::tempdir().unwrap();
    let mut total = 0u64;
    let mut paths = Vec::new();
    let mut i = 0;
    while total < 100_000 {
        let src = module(i);
        total += src.lines().count() as u64;
        let path = dir.path().join(format!("m{i}.rs"));
        std::fs::write(&path, src).unwrap();
        paths.push(path);
        i += 1;
    }
    group.throughput(Throughput::Elements(total));
    group.sample_size(10);
    group.bench_function("check_files_100k_lines", |b| {
        b.iter(|| {
            let jobs = paths
                .iter()
                .map(|p| Job {
                    path: p.clone(),
                    display: p.display().to_string(),
                    levels: &levels,
                })
                .collect();
            check_files(jobs)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
