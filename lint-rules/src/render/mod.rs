//! The output formats: rustc-like text, cargo's JSON messages, SARIF 2.1.0
//! and GitHub workflow annotations.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use crate::diagnostic::{FileProblem, Span};
use crate::run::{FileReport, Report};

/// An error about a file or the walk, in the shape every format prints.
pub struct ProblemView<'a> {
    /// The file, when there is one.
    pub file: Option<&'a FileReport>,
    /// Where, when known.
    pub span: Option<Span>,
    /// What went wrong.
    pub message: String,
}

/// Every problem of a run: unparsable and unreadable files, walk errors,
/// and files the checker failed on.
pub fn problems(report: &Report) -> Vec<ProblemView<'_>> {
    let mut out = Vec::new();
    for f in &report.files {
        match &f.problem {
            Some(FileProblem::Parse { span, message }) => out.push(ProblemView {
                file: Some(f),
                span: Some(*span),
                message: format!("could not parse `{}`: {message}", f.display),
            }),
            Some(FileProblem::Unreadable { message }) => out.push(ProblemView {
                file: Some(f),
                span: None,
                message: format!("could not check `{}`: {message}", f.display),
            }),
            None => {}
        }
        if let Some(msg) = &f.internal_error {
            out.push(ProblemView {
                file: Some(f),
                span: None,
                message: format!(
                    "internal error while checking `{}`: {msg} (this is a bug in cargo-ctxkit)",
                    f.display
                ),
            });
        }
    }
    for e in &report.walk_errors {
        out.push(ProblemView {
            file: None,
            span: None,
            message: e.clone(),
        });
    }
    out
}
