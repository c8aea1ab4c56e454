//! The real binary, end to end: output formats, levels and their sources,
//! suppressions, exit codes, and files that cannot be checked.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_cargo-ctxkit");

const LEAKY: &str = "async fn f(tx: tokio::sync::mpsc::Sender<u8>) {
    tokio::spawn(work());
    let (a, b) = tokio::sync::mpsc::unbounded_channel::<u8>();
    tx.send(1).await.ok();
}
";

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn dir_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

#[test]
fn denied_finding_exits_1_and_clean_code_exits_0() {
    let dir = dir_with(&[("leaky.rs", LEAKY.as_bytes()), ("clean.rs", b"fn main() {}\n")]);
    let o = run(dir.path(), &["check", "leaky.rs"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("error: `tokio::spawn` detaches a task"), "{err}");
    assert!(err.contains(" --> leaky.rs:2:5"), "{err}");
    assert!(err.contains("^^^^"), "{err}");
    assert!(
        err.contains("= note: `#[deny(ctxkit::bare_spawn)]` on by default"),
        "{err}"
    );
    assert!(err.contains("found 2 errors and 1 warning in 1 file"), "{err}");
    let o = run(dir.path(), &["check", "clean.rs"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn runs_as_a_cargo_subcommand() {
    let dir = dir_with(&[("leaky.rs", LEAKY.as_bytes())]);
    let o = run(dir.path(), &["ctxkit", "check", "leaky.rs", "-A", "all"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn levels_from_the_command_line_apply_in_order() {
    let dir = dir_with(&[("leaky.rs", LEAKY.as_bytes())]);
    // Everything allowed but one rule, warned: exit 0.
    let o = run(
        dir.path(),
        &["check", "leaky.rs", "-A", "all", "-W", "bare_spawn"],
    );
    assert_eq!(code(&o), 0);
    let err = stderr(&o);
    assert!(err.contains("warning: `tokio::spawn`"), "{err}");
    assert!(
        err.contains("requested on the command line with `-W ctxkit::bare_spawn`"),
        "{err}"
    );
    assert!(!err.contains("unbounded"), "{err}");
    // A group, then -D warnings.
    let o = run(
        dir.path(),
        &["check", "leaky.rs", "-A", "correctness", "-D", "warnings"],
    );
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(
        err.contains("error: `tokio::sync::mpsc::unbounded_channel"),
        "{err}"
    );
    assert!(err.contains("implied by `-D warnings`"), "{err}");
    assert!(!err.contains("detaches"), "{err}");
}

#[test]
fn unknown_rule_is_a_usage_error_with_a_suggestion() {
    let dir = dir_with(&[("leaky.rs", LEAKY.as_bytes())]);
    let o = run(dir.path(), &["check", "leaky.rs", "-A", "bare_spwan"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("did you mean `bare_spawn`?"),
        "{}",
        stderr(&o)
    );
    let o = run(dir.path(), &["explain", "untimed_sned"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("did you mean `untimed_send`?"));
    let o = run(dir.path(), &["check", "no-such-dir"]);
    assert_eq!(code(&o), 2);
    let o = run(dir.path(), &["frobnicate"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn rules_and_explain_print_the_registry() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(dir.path(), &["rules"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    for rule in ["bare_spawn", "untimed_send", "ctx_in_struct"] {
        assert!(out.contains(rule), "{out}");
    }
    assert!(out.contains("pedantic"));
    let o = run(dir.path(), &["explain", "discarded_cancel"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    for part in [
        "### What it does",
        "### Why is this bad?",
        "### Example",
        "### Use instead",
    ] {
        assert!(out.contains(part), "{out}");
    }
}

#[test]
fn json_is_cargo_compiler_messages() {
    let dir = dir_with(&[("leaky.rs", LEAKY.as_bytes())]);
    let o = run(dir.path(), &["check", "leaky.rs", "--message-format", "json"]);
    assert_eq!(code(&o), 1);
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    let messages: Vec<&Value> = lines
        .iter()
        .filter(|l| l["reason"] == "compiler-message")
        .collect();
    assert_eq!(messages.len(), 3);
    let m = &messages[0]["message"];
    assert_eq!(m["code"]["code"], "ctxkit::bare_spawn");
    assert_eq!(m["level"], "error");
    assert!(m["message"].as_str().unwrap().contains("tokio::spawn"));
    assert!(m["rendered"].as_str().unwrap().contains("--> leaky.rs:2:5"));
    let span = &m["spans"][0];
    assert_eq!(span["file_name"], "leaky.rs");
    assert_eq!(span["line_start"], 2);
    assert_eq!(span["line_end"], 2);
    assert_eq!(span["column_start"], 5);
    assert_eq!(span["is_primary"], true);
    let (bs, be) = (
        span["byte_start"].as_u64().unwrap(),
        span["byte_end"].as_u64().unwrap(),
    );
    assert_eq!(&LEAKY[bs as usize..be as usize], "tokio::spawn(work())");
    for key in ["label", "suggested_replacement", "text", "column_end"] {
        assert!(span.get(key).is_some(), "span has `{key}`");
    }
    assert_eq!(messages[1]["message"]["level"], "warning");
    assert!(lines.last().unwrap()["reason"] == "build-finished");
}

#[test]
fn json_carries_the_cancel_handle_suggestion() {
    let src = "fn f(p: &Ctx) { let (c, _) = p.with_cancel(); }\n";
    let dir = dir_with(&[("a.rs", src.as_bytes())]);
    let o = run(dir.path(), &["check", "a.rs", "--message-format=json"]);
    let first: Value = serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
    let help = &first["message"]["children"][0];
    assert_eq!(help["level"], "help");
    assert_eq!(help["spans"][0]["suggested_replacement"], "_cancel");
}

#[test]
fn sarif_has_the_2_1_0_shape() {
    let dir = dir_with(&[("leaky.rs", LEAKY.as_bytes())]);
    let o = run(dir.path(), &["check", "leaky.rs", "--message-format", "sarif"]);
    assert_eq!(code(&o), 1);
    let log: Value = serde_json::from_str(&stdout(&o)).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 10);
    for r in rules {
        assert!(r["id"].is_string());
        assert!(!r["shortDescription"]["text"].as_str().unwrap().is_empty());
        assert!(r["fullDescription"]["text"].is_string());
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    let r = &results[0];
    assert_eq!(r["ruleId"], "bare_spawn");
    assert_eq!(r["level"], "error");
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "leaky.rs");
    assert_eq!(loc["region"]["startLine"], 2);
    assert_eq!(loc["region"]["startColumn"], 5);
}

#[test]
fn github_prints_workflow_annotations() {
    let dir = dir_with(&[("leaky.rs", LEAKY.as_bytes())]);
    let o = run(dir.path(), &["check", "leaky.rs", "--message-format", "github"]);
    let out = stdout(&o);
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with("::error file=leaky.rs,line=2,col=5,endLine=2,endColumn=25,title=ctxkit%3A%3Abare_spawn::`tokio::spawn` detaches"),
        "{first}"
    );
    assert!(out.contains("::warning file=leaky.rs,line=3"), "{out}");
}

#[test]
fn both_suppression_forms_silence_a_finding() {
    let src = "#[ctxkit::allow(bare_spawn)]
fn a() { tokio::spawn(x()); }
fn b() {
    tokio::spawn(x()); // ctxkit: allow(bare_spawn)
    // ctxkit: allow(correctness)
    tokio::spawn(x());
    #[ctxkit::allow(all)]
    let h = tokio::spawn(x());
}
#[allow(ctxkit::bare_spawn)]
fn c() { tokio::spawn(x()); }
fn d() { tokio::spawn(x()); }
";
    let dir = dir_with(&[("s.rs", src.as_bytes())]);
    let o = run(dir.path(), &["check", "s.rs"]);
    let err = stderr(&o);
    assert_eq!(err.matches("detaches").count(), 1, "{err}");
    assert!(err.contains("s.rs:12:10"), "{err}");
}

#[test]
fn config_in_cargo_toml_is_read_and_the_command_line_wins() {
    let manifest = "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[package.metadata.ctxkit]\nbare_spawn = \"warn\"\nunbounded_channel = \"deny\"\n";
    let dir = dir_with(&[
        ("Cargo.toml", manifest.as_bytes()),
        ("src/lib.rs", LEAKY.as_bytes()),
    ]);
    // Workspace mode: found with cargo metadata.
    let o = run(dir.path(), &["check"]);
    let err = stderr(&o);
    assert_eq!(code(&o), 1, "{err}");
    assert!(err.contains("warning: `tokio::spawn`"), "{err}");
    assert!(
        err.contains("`bare_spawn = \"warn\"` in `[package.metadata.ctxkit]`"),
        "{err}"
    );
    assert!(
        err.contains("error: `tokio::sync::mpsc::unbounded_channel"),
        "{err}"
    );
    assert!(err.contains(" --> src/lib.rs:2:5"), "{err}");
    // The command line wins over the manifest.
    let o = run(
        dir.path(),
        &["check", "-A", "unbounded_channel", "-A", "untimed_send"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // Path mode reads the same manifest.
    let o = run(dir.path(), &["check", "src", "-A", "untimed_send"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("warning: `tokio::spawn`"));
}

#[test]
fn workspace_metadata_applies_and_bad_keys_are_usage_errors() {
    let manifest = "[workspace]\n\n[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace.metadata.ctxkit]\ncorrectness = \"allow\"\n";
    let dir = dir_with(&[
        ("Cargo.toml", manifest.as_bytes()),
        ("src/main.rs", LEAKY.as_bytes()),
    ]);
    let o = run(dir.path(), &["check"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let bad = manifest.replace("correctness", "corectness");
    std::fs::write(dir.path().join("Cargo.toml"), bad).unwrap();
    let o = run(dir.path(), &["check"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("did you mean `correctness`?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn exclude_takes_paths_and_glob_patterns() {
    let manifest = "[workspace]\n\n[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace.metadata.ctxkit]\nexclude = [\"examples/*_leaky.rs\", \"src/vendored\"]\n";
    let dir = dir_with(&[
        ("Cargo.toml", manifest.as_bytes()),
        ("src/main.rs", b"mod vendored;\nfn main() {}\n"),
        ("src/vendored/mod.rs", LEAKY.as_bytes()),
        ("examples/pool_leaky.rs", LEAKY.as_bytes()),
        ("examples/pool.rs", b"fn main() {}\n"),
    ]);
    let o = run(dir.path(), &["check"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // The pattern matches that file name only, not its neighbours.
    // A file named outright is checked even when excluded.
    let o = run(dir.path(), &["check", "examples/pool_leaky.rs"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    for walked in ["examples", ".", "./examples/"] {
        let o = run(dir.path(), &["check", walked]);
        assert_eq!(code(&o), 0, "{walked}: {}", stderr(&o));
    }
    std::fs::write(dir.path().join("examples/pool.rs"), LEAKY).unwrap();
    let o = run(dir.path(), &["check"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("pool.rs"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("pool_leaky.rs"), "{}", stderr(&o));
}

#[test]
fn a_file_that_does_not_parse_is_reported_and_the_run_goes_on() {
    let dir = dir_with(&[
        ("broken.rs", b"fn main() {\n    let x = ;\n}\n"),
        ("leaky.rs", LEAKY.as_bytes()),
    ]);
    let o = run(dir.path(), &["check", "."]);
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(
        err.contains("could not parse `broken.rs`: expected an expression"),
        "{err}"
    );
    assert!(err.contains(" --> broken.rs:2:13"), "{err}");
    assert!(err.contains("`tokio::spawn` detaches"), "{err}");
    let o = run(dir.path(), &["check", ".", "--message-format", "json"]);
    assert!(stdout(&o).contains("could not parse `broken.rs`"));
}

#[test]
fn non_utf8_and_empty_files_get_clear_messages() {
    let dir = dir_with(&[
        ("latin1.rs", b"fn main() { let s = \"caf\xe9\"; }\n"),
        ("empty.rs", b""),
        ("bom.rs", "\u{feff}fn main() {}\n".as_bytes()),
    ]);
    let o = run(dir.path(), &["check", "empty.rs", "bom.rs"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = run(dir.path(), &["check", "."]);
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(
        err.contains("could not check `latin1.rs`: file is not valid UTF-8 (invalid byte at line 1"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_not_followed_for_ever() {
    let dir = dir_with(&[("src/a.rs", b"fn a() {}\n")]);
    std::os::unix::fs::symlink(dir.path().join("src"), dir.path().join("src/loop")).unwrap();
    std::os::unix::fs::symlink("self.rs", dir.path().join("self.rs")).unwrap();
    let o = run(dir.path(), &["check", "src"]);
    assert!(matches!(code(&o), 0 | 1), "{}", stderr(&o));
    assert!(stderr(&o).contains("symbolic link loop"), "{}", stderr(&o));
    let o = run(dir.path(), &["check", "self.rs"]);
    assert!(matches!(code(&o), 1), "{}", stderr(&o));
    assert!(stderr(&o).contains("symbolic link loop"), "{}", stderr(&o));
}

#[test]
fn target_and_gitignored_files_are_skipped() {
    let dir = dir_with(&[
        (".gitignore", b"generated/\n"),
        ("src/lib.rs", b"fn ok() {}\n"),
        ("generated/bad.rs", LEAKY.as_bytes()),
        (
            "target/CACHEDIR.TAG",
            b"Signature: 8a477f597d28d172789f06886806bc55",
        ),
        ("target/debug/build/x.rs", LEAKY.as_bytes()),
    ]);
    let o = run(dir.path(), &["check", "."]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("no findings in 1 file"), "{}", stderr(&o));
}
