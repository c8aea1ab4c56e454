//! Checks a set of files in parallel and gathers what they report.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::{FileProblem, Finding};
use crate::levels::Levels;
use crate::registry::Level;

/// Files larger than this are not checked: no hand-written source is, and
/// generated tables that are only make the run slow.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// A finding with the level it is reported at.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// What was found.
    pub finding: Finding,
    /// Warn or deny (allowed findings are not kept).
    pub level: Level,
    /// Why it has that level, as rustc's `= note:` says it.
    pub level_note: String,
}

/// What checking one file gave.
#[derive(Clone, Debug)]
pub struct FileReport {
    /// The file as given or found.
    pub path: PathBuf,
    /// The path as printed.
    pub display: String,
    /// The source, kept when something is reported against it.
    pub source: Option<String>,
    /// Findings at warn or deny, in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// Why the file could not be checked.
    pub problem: Option<FileProblem>,
    /// Lines checked.
    pub lines: usize,
    /// Set when the checker itself failed on this file (a bug).
    pub internal_error: Option<String>,
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Report {
    /// One per file, in the order the files were given.
    pub files: Vec<FileReport>,
    /// Problems that concern no single file (a walk error, a symlink loop).
    pub walk_errors: Vec<String>,
}

impl Report {
    /// Number of findings at `level`.
    pub fn count(&self, level: Level) -> usize {
        self.files
            .iter()
            .flat_map(|f| &f.diagnostics)
            .filter(|d| d.level == level)
            .count()
    }

    /// Files that could not be checked.
    pub fn problems(&self) -> usize {
        self.files.iter().filter(|f| f.problem.is_some()).count() + self.walk_errors.len()
    }

    /// Lines checked.
    pub fn lines(&self) -> usize {
        self.files.iter().map(|f| f.lines).sum()
    }

    /// Whether the checker failed on some file.
    pub fn internal_errors(&self) -> usize {
        self.files.iter().filter(|f| f.internal_error.is_some()).count()
    }
}

/// A file to check with the levels that apply to it.
pub struct Job<'l> {
    /// The file.
    pub path: PathBuf,
    /// How to print it.
    pub display: String,
    /// Its levels (package metadata can differ between members).
    pub levels: &'l Levels,
}

/// Checks every job in parallel; the report keeps the jobs' order.
pub fn check_files(jobs: Vec<Job<'_>>) -> Vec<FileReport> {
    let run = || jobs.into_par_iter().map(|j| check_one(&j)).collect();
    // Deeply nested generated code recurses deeply in the parser: give the
    // workers room.
    match rayon::ThreadPoolBuilder::new()
        .stack_size(64 * 1024 * 1024)
        .build()
    {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    }
}

fn check_one(job: &Job<'_>) -> FileReport {
    let mut report = FileReport {
        path: job.path.clone(),
        display: job.display.clone(),
        source: None,
        diagnostics: Vec::new(),
        problem: None,
        lines: 0,
        internal_error: None,
    };
    let source = match read_source(&job.path) {
        Ok(s) => s,
        Err(message) => {
            report.problem = Some(FileProblem::Unreadable { message });
            return report;
        }
    };
    report.lines = source.lines().count();
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| crate::check_source(&source, job.levels)));
    match outcome {
        Ok(Ok(findings)) => {
            report.diagnostics = findings
                .into_iter()
                .map(|finding| {
                    let level = job.levels.level(finding.rule);
                    let level_note = job.levels.source(finding.rule).note(finding.rule, level);
                    Diagnostic {
                        finding,
                        level,
                        level_note,
                    }
                })
                .filter(|d| d.level != Level::Allow)
                .collect();
        }
        Ok(Err(problem)) => report.problem = Some(problem),
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            report.internal_error = Some(msg);
        }
    }
    if !report.diagnostics.is_empty() || report.problem.is_some() {
        report.source = Some(source);
    }
    report
}

/// Reads a file as UTF-8 source, with a message a user can act on when it
/// is not one.
pub fn read_source(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| io_message(&e))?;
    if meta.is_dir() {
        return Err("is a directory".to_string());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "file is {} MiB, over the {} MiB limit for source files; not checked",
            meta.len() / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| io_message(&e))?;
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            Err(format!(
                "file is not valid UTF-8 (invalid byte at line {line}, byte offset {at}); Rust sources must be UTF-8"
            ))
        }
    }
}

fn io_message(e: &std::io::Error) -> String {
    // ELOOP: "too many levels of symbolic links"
    if e.raw_os_error() == Some(40) {
        return "cannot read: symbolic link loop".to_string();
    }
    format!("cannot read: {e}")
}
