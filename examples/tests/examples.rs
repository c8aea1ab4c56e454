//! Every example runs to the end by itself and says what it leaked: a leaky
//! version a number above zero, its fix zero. And the checker flags each
//! leaky version with the rules that describe its bug, and each fix with
//! nothing.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use ctxkit_lint::{Levels, Rule, check_source};

/// Each scenario, with the rules its leaky version must be flagged with.
const SCENARIOS: &[(&str, &[Rule])] = &[
    ("unbuffered_send", &[Rule::BareSpawn, Rule::UntimedSend]),
    ("forgotten_ticker", &[Rule::BareSpawn, Rule::UncancellableLoop]),
    ("worker_pool", &[Rule::BareSpawn, Rule::UntimedSend]),
    ("message_worker", &[Rule::BareSpawn, Rule::UncancellableLoop]),
    ("task_monitor", &[Rule::UntimedSend]),
    ("http_no_timeout", &[Rule::BareSpawn, Rule::UntimedHttp]),
    ("order_pipeline", &[Rule::BareSpawn, Rule::UntimedSend]),
    ("retry_backoff", &[Rule::BareSpawn, Rule::UntimedHttp]),
    (
        "event_pipeline",
        &[
            Rule::BareSpawn,
            Rule::UnboundedChannel,
            Rule::UntimedHttp,
            Rule::UncancellableLoop,
        ],
    ),
];

/// Past this an example is taken to hang.
const HANG: Duration = Duration::from_secs(20);

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The directory cargo puts example binaries in: beside `deps/`, where this
/// test runs from. Builds them first when they are not there (a test binary
/// run on its own).
fn examples_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let exe = std::env::current_exe().expect("the test binary's path");
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("the test binary lives in target/<profile>/deps");
        let dir = profile_dir.join("examples");
        let all_built = SCENARIOS
            .iter()
            .all(|(name, _)| binary(&dir, name).exists() && binary(&dir, &format!("{name}_leaky")).exists());
        if !all_built {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
            let status = Command::new(cargo)
                .args(["build", "--examples", "-p", "ctxkit-examples"])
                .current_dir(manifest_dir())
                .status()
                .expect("cannot run cargo to build the examples");
            assert!(status.success(), "cargo build --examples failed");
        }
        dir
    })
}

fn binary(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

struct Run {
    name: String,
    stdout: String,
    stderr: String,
    success: bool,
    elapsed: Duration,
}

/// Runs an example to its end, killing it if it hangs.
fn run_example(name: &str) -> Run {
    let path = binary(examples_dir(), name);
    let started = Instant::now();
    let mut child = Command::new(&path)
        .current_dir(manifest_dir().parent().unwrap_or(manifest_dir()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", path.display()));
    // Read both pipes on threads of their own so a chatty example cannot
    // fill one and stall.
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let (status, stdout, stderr) = std::thread::scope(|s| {
        let out = s.spawn(move || {
            let mut text = String::new();
            let _ = out.read_to_string(&mut text);
            text
        });
        let err = s.spawn(move || {
            let mut text = String::new();
            let _ = err.read_to_string(&mut text);
            text
        });
        let status = loop {
            if let Some(status) = child.try_wait().expect("waiting for the example") {
                break Some(status);
            }
            if started.elapsed() > HANG {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        (
            status,
            out.join().unwrap_or_default(),
            err.join().unwrap_or_default(),
        )
    });
    let Some(status) = status else {
        panic!("example {name} still running after {HANG:?}: it hangs; stdout so far:\n{stdout}");
    };
    Run {
        name: name.to_string(),
        stdout,
        stderr,
        success: status.success(),
        elapsed: started.elapsed(),
    }
}

/// The number in the example's `leaked tasks: N` line.
fn leaked(run: &Run) -> usize {
    let lines: Vec<usize> = run
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("leaked tasks: "))
        .map(|n| n.trim().parse().expect("a count after `leaked tasks: `"))
        .collect();
    assert_eq!(
        lines.len(),
        1,
        "{} must print one `leaked tasks: N` line; stdout:\n{}\nstderr:\n{}",
        run.name,
        run.stdout,
        run.stderr
    );
    lines[0]
}

#[test]
fn leaky_examples_leak_and_fixed_ones_end_clean() {
    let runs: Vec<Run> = std::thread::scope(|s| {
        let handles: Vec<_> = SCENARIOS
            .iter()
            .flat_map(|(name, _)| [format!("{name}_leaky"), name.to_string()])
            .chain(["cancel_tree".to_string()])
            .map(|name| s.spawn(move || run_example(&name)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    for run in &runs {
        assert!(
            run.success,
            "{} failed; stdout:\n{}\nstderr:\n{}",
            run.name, run.stdout, run.stderr
        );
        if run.name == "cancel_tree" {
            continue;
        }
        let n = leaked(run);
        if run.name.ends_with("_leaky") {
            assert!(
                n > 0,
                "{} should show its leak; stdout:\n{}",
                run.name,
                run.stdout
            );
        } else {
            assert_eq!(n, 0, "{} should end clean; stdout:\n{}", run.name, run.stdout);
            assert!(
                run.stdout.contains("clean: every task ended"),
                "{} should print a clean shutdown report; stdout:\n{}",
                run.name,
                run.stdout
            );
        }
        println!("{}: {:.0?}", run.name, run.elapsed);
    }
}

fn findings(path: &Path) -> Vec<Rule> {
    let source =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    check_source(&source, &Levels::default())
        .unwrap_or_else(|e| panic!("{} does not parse: {e:?}", path.display()))
        .into_iter()
        .map(|f| f.rule)
        .collect()
}

#[test]
fn checker_flags_each_leaky_example_with_its_rules() {
    for (name, expected) in SCENARIOS {
        let path = manifest_dir().join(name).join("leaky.rs");
        let found = findings(&path);
        for rule in *expected {
            assert!(
                found.contains(rule),
                "{} should be flagged with `{}`; found {:?}",
                path.display(),
                rule.name(),
                found.iter().map(|r| r.name()).collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn checker_finds_nothing_in_the_fixes() {
    let mut paths: Vec<PathBuf> = SCENARIOS
        .iter()
        .map(|(name, _)| manifest_dir().join(name).join("fixed.rs"))
        .collect();
    paths.push(manifest_dir().join("cancel_tree.rs"));
    paths.push(manifest_dir().join("src/lib.rs"));
    paths.push(manifest_dir().join("tests/examples.rs"));
    for path in paths {
        let found = findings(&path);
        assert!(
            found.is_empty(),
            "{} should have no findings; found {:?}",
            path.display(),
            found.iter().map(|r| r.name()).collect::<Vec<_>>()
        );
    }
}
