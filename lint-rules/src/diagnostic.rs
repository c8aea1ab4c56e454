//! What a rule reports, before and after levels are applied.

use crate::registry::{Level, Rule};

/// A position in a source file: 1-based line, 0-based column in characters
/// (proc-macro2's convention; renderers add one where their format wants it).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 0-based column, in characters.
    pub column: usize,
}

/// A range in a source file.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// Where it starts.
    pub start: Pos,
    /// Where it ends (exclusive).
    pub end: Pos,
}

impl Span {
    pub(crate) fn from_pm2(span: proc_macro2::Span) -> Span {
        Span::between(span, span)
    }

    /// From the start of `first` to the end of `last`.
    pub(crate) fn between(first: proc_macro2::Span, last: proc_macro2::Span) -> Span {
        let s = first.start();
        let e = last.end();
        let start = Pos {
            line: s.line,
            column: s.column,
        };
        let mut end = Pos {
            line: e.line,
            column: e.column,
        };
        if end < start {
            end = start;
        }
        Span { start, end }
    }
}

/// A replacement the user can apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// The text to replace.
    pub span: Span,
    /// What to put there.
    pub replacement: String,
}

/// One thing a rule found in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The rule that found it.
    pub rule: Rule,
    /// The primary span.
    pub span: Span,
    /// Lowercase, code in backticks, no final period.
    pub message: String,
    /// A short label under the primary span.
    pub label: Option<String>,
    /// What to write instead.
    pub help: String,
    /// Further context, rendered as `= note:`.
    pub note: Option<String>,
    /// A machine-applicable edit, when there is an obvious one.
    pub suggestion: Option<Suggestion>,
}

/// Why a finding has the level it has, for the `= note:` line rustc prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LevelSource {
    /// The rule's default.
    Default,
    /// A flag on the command line, e.g. `-W bare_spawn` or `-D suspicious`.
    CommandLine {
        /// The flag as `-W`, `-A` or `-D`.
        flag: &'static str,
        /// The name it was given (rule, group or `all`).
        name: String,
    },
    /// A key in a `Cargo.toml` metadata table.
    Config {
        /// `[workspace.metadata.ctxkit]` or `[package.metadata.ctxkit]`.
        table: &'static str,
        /// The key (rule, group or `all`).
        key: String,
    },
    /// `-D warnings` turned a warning into an error.
    DenyWarnings,
}

impl LevelSource {
    /// The note rustc would print for a finding of `rule` at `level`.
    pub fn note(&self, rule: Rule, level: Level) -> String {
        let attr = match level {
            Level::Deny => "deny",
            _ => "warn",
        };
        match self {
            LevelSource::Default => {
                format!("`#[{attr}(ctxkit::{})]` on by default", rule.name())
            }
            LevelSource::CommandLine { flag, name } if name == rule.name() => {
                format!("requested on the command line with `{flag} ctxkit::{name}`")
            }
            LevelSource::CommandLine { flag, name } => {
                format!("`{flag} ctxkit::{}` implied by `{flag} {name}`", rule.name())
            }
            LevelSource::Config { table, key } => {
                format!("`{key} = \"{attr}\"` in `[{table}]`")
            }
            LevelSource::DenyWarnings => {
                format!("`-D ctxkit::{}` implied by `-D warnings`", rule.name())
            }
        }
    }
}

/// Problems with a file itself, reported as errors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileProblem {
    /// `syn` could not parse it.
    Parse {
        /// Where the parser stopped.
        span: Span,
        /// The parser's message.
        message: String,
    },
    /// It could not be read, or should not be checked (not UTF-8, too large).
    Unreadable {
        /// Why, in a sentence fragment.
        message: String,
    },
}
