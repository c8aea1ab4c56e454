//! The rules' fixtures: `ui-tests/lint/*.rs` mark each line that must be
//! reported with `//~ rule_name`; every unmarked line must not be. Beside
//! each fixture, a `.stderr` snapshot of the human output; `CTXKIT_BLESS=1`
//! rewrites the snapshots.
//!
//! A fixture may start with `//@ flags: -W rule -A other` to set levels.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ctxkit_lint::run::{Job, check_files};
use ctxkit_lint::{Level, LevelSource, Levels, Report, Selector, render};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui-tests/lint")
}

fn flags(source: &str) -> Levels {
    let mut levels = Levels::default();
    for line in source.lines().take_while(|l| l.starts_with("//")) {
        let Some(rest) = line.strip_prefix("//@ flags:") else {
            continue;
        };
        let words: Vec<&str> = rest.split_whitespace().collect();
        for pair in words.chunks(2) {
            let (flag, level) = match pair[0] {
                "-A" => ("-A", Level::Allow),
                "-W" => ("-W", Level::Warn),
                "-D" => ("-D", Level::Deny),
                other => panic!("unknown flag `{other}` in a fixture"),
            };
            let name = pair[1];
            let selector = Selector::parse(name).expect("a known rule in fixture flags");
            levels.set(
                selector,
                level,
                LevelSource::CommandLine {
                    flag,
                    name: name.to_string(),
                },
            );
        }
    }
    levels
}

/// (line, rule) → how many times it is expected.
fn marks(source: &str) -> BTreeMap<(usize, String), usize> {
    let mut out = BTreeMap::new();
    for (i, line) in source.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("//~") {
            rest = &rest[at + 3..];
            let names = rest.split("//~").next().unwrap_or("");
            for name in names.split_whitespace() {
                *out.entry((i + 1, name.to_string())).or_default() += 1;
            }
        }
    }
    out
}

fn check_fixture(path: &Path, bless: bool) -> Vec<String> {
    let mut errors = Vec::new();
    let source = std::fs::read_to_string(path).unwrap();
    let levels = flags(&source);
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let files = check_files(vec![Job {
        path: path.to_path_buf(),
        display: name.clone(),
        levels: &levels,
    }]);
    let report = Report {
        files,
        walk_errors: Vec::new(),
    };
    let file = &report.files[0];
    if let Some(p) = &file.problem {
        return vec![format!("{name}: not checked: {p:?}")];
    }
    let mut found: BTreeMap<(usize, String), usize> = BTreeMap::new();
    for d in &file.diagnostics {
        *found
            .entry((d.finding.span.start.line, d.finding.rule.name().to_string()))
            .or_default() += 1;
    }
    let expected = marks(&source);
    for (key, n) in &expected {
        let got = found.get(key).copied().unwrap_or(0);
        if got < *n {
            errors.push(format!("{name}:{}: missed `{}`", key.0, key.1));
        }
    }
    for (key, n) in &found {
        let want = expected.get(key).copied().unwrap_or(0);
        if *n > want {
            let msg = file
                .diagnostics
                .iter()
                .find(|d| d.finding.span.start.line == key.0 && d.finding.rule.name() == key.1)
                .map(|d| d.finding.message.clone())
                .unwrap_or_default();
            errors.push(format!("{name}:{}: unexpected `{}`: {msg}", key.0, key.1));
        }
    }
    let rendered = render::human::render(&report, false);
    let snapshot = path.with_extension("stderr");
    if bless {
        std::fs::write(&snapshot, &rendered).unwrap();
    } else {
        match std::fs::read_to_string(&snapshot) {
            Ok(old) if old == rendered => {}
            Ok(old) => errors.push(format!(
                "{name}: output differs from {} (CTXKIT_BLESS=1 to update):\n{}",
                snapshot.display(),
                diff(&old, &rendered)
            )),
            Err(_) => errors.push(format!(
                "{name}: no snapshot {}; run with CTXKIT_BLESS=1 to write it",
                snapshot.display()
            )),
        }
    }
    errors
}

fn diff(old: &str, new: &str) -> String {
    let old: Vec<&str> = old.lines().collect();
    let new: Vec<&str> = new.lines().collect();
    let mut out = String::new();
    for i in 0..old.len().max(new.len()) {
        match (old.get(i), new.get(i)) {
            (Some(a), Some(b)) if a == b => {}
            (a, b) => {
                if let Some(a) = a {
                    out.push_str(&format!("-{a}\n"));
                }
                if let Some(b) = b {
                    out.push_str(&format!("+{b}\n"));
                }
            }
        }
    }
    out
}

#[test]
fn fixtures_report_exactly_their_marked_lines() {
    let bless = std::env::var_os("CTXKIT_BLESS").is_some_and(|v| v == "1");
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    fixtures.sort();
    assert!(!fixtures.is_empty(), "no fixtures found");
    let errors: Vec<String> = fixtures.iter().flat_map(|f| check_fixture(f, bless)).collect();
    assert!(errors.is_empty(), "\n{}", errors.join("\n"));
}
