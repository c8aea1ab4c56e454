//! The rules behind `cargo ctxkit`: a clippy-style checker for task leaks in
//! async Rust — bare spawns, sends with no timeout, discarded cancel
//! handles, loops no context can end, and the rest of the table in
//! [`Rule`].
//!
//! Each file is parsed once with `syn` and every rule runs in one walk over
//! it; files are checked in parallel. No compilation is needed.
//!
//! ```
//! use ctxkit_lint::{check_source, Levels, Rule};
//!
//! let findings = check_source("async fn f() { tokio::spawn(work()); }", &Levels::default()).unwrap();
//! assert_eq!(findings[0].rule, Rule::BareSpawn);
//! ```

mod checker;
pub mod config;
mod diagnostic;
pub mod discover;
mod imports;
mod known;
mod levels;
mod macros;
mod registry;
pub mod render;
mod rules;
pub mod run;
pub mod source;
mod suppress;

pub use diagnostic::{FileProblem, Finding, LevelSource, Pos, Span, Suggestion};
pub use levels::Levels;
pub use registry::{Group, Level, Rule, Selector, suggest_name};
pub use run::{Diagnostic, FileReport, Report};

/// Checks one file's source with every rule `levels` enables; returns its
/// findings in source order, or why it could not be parsed.
pub fn check_source(source: &str, levels: &Levels) -> Result<Vec<Finding>, FileProblem> {
    let result = check_source_inner(source, levels);
    // Spans live in a per-thread source map that grows with every file
    // parsed; findings hold their own positions, so it can be cleared.
    proc_macro2::extra::invalidate_current_thread_spans();
    result
}

fn check_source_inner(source: &str, levels: &Levels) -> Result<Vec<Finding>, FileProblem> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let file = match syn::parse_file(source) {
        Ok(file) => file,
        Err(e) => {
            let start = e.span().start();
            let end = e.span().end();
            let span = Span {
                start: Pos {
                    line: start.line.max(1),
                    column: start.column,
                },
                end: Pos {
                    line: end.line.max(1),
                    column: end.column,
                },
            };
            return Err(FileProblem::Parse {
                span,
                message: e.to_string(),
            });
        }
    };
    let allows = suppress::CommentAllows::scan(source);
    let checker = checker::Checker::new(source, levels.enabled(), &allows);
    let mut findings = checker.check_file(&file);
    findings.sort_by_key(|f| (f.span, f.rule));
    findings.dedup_by(|a, b| a.span == b.span && a.rule == b.rule);
    Ok(findings)
}
