//! rustc's look, rendered with annotate-snippets (the renderer rustc uses).

use annotate_snippets::{Level as SnippetLevel, Message, Renderer, Snippet};

use crate::diagnostic::Span;
use crate::registry::Level;
use crate::run::{Diagnostic, Report};
use crate::source::LineIndex;

/// The source lines a span covers, and the span's byte range within them.
fn excerpt<'s>(
    index: &LineIndex<'s>,
    source: &'s str,
    span: Span,
) -> (&'s str, usize, std::ops::Range<usize>) {
    let first = span.start.line.clamp(1, index.len());
    let last = span.end.line.clamp(first, index.len());
    let from = index.line_start(first);
    let to = (index.line_start(last) + index.line(last).len()).min(source.len());
    let text = &source[from..to];
    let s = index
        .offset(span.start.line, span.start.column)
        .saturating_sub(from)
        .min(text.len());
    let e = index
        .offset(span.end.line, span.end.column)
        .saturating_sub(from)
        .clamp(s, text.len());
    (text, first, s..e)
}

fn renderer(color: bool) -> Renderer {
    if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
}

/// Renders one finding as rustc would.
pub fn diagnostic(display: &str, source: &str, index: &LineIndex<'_>, d: &Diagnostic, color: bool) -> String {
    let f = &d.finding;
    let level = match d.level {
        Level::Deny => SnippetLevel::Error,
        _ => SnippetLevel::Warning,
    };
    let (text, line_start, range) = excerpt(index, source, f.span);
    // annotate-snippets draws `^` only for error annotations; rustc draws
    // the primary span with `^` at every level.
    let mut annotation = SnippetLevel::Error.span(range);
    if let Some(label) = &f.label {
        annotation = annotation.label(label);
    }
    let mut msg: Message<'_> = level.title(&f.message).snippet(
        Snippet::source(text)
            .line_start(line_start)
            .origin(display)
            .annotation(annotation),
    );
    msg = msg.footer(SnippetLevel::Help.title(&f.help));
    if let Some(note) = &f.note {
        msg = msg.footer(SnippetLevel::Note.title(note));
    }
    msg = msg.footer(SnippetLevel::Note.title(&d.level_note));
    format!("{}\n\n", renderer(color).render(msg))
}

/// Renders an error about a file, with the source line when there is one.
pub fn problem(view: &super::ProblemView<'_>, color: bool) -> String {
    let title = view.message.as_str();
    let located = view
        .file
        .and_then(|f| Some((f, f.source.as_deref()?, view.span?)));
    let out = match located {
        Some((file, source, span)) => {
            let index = LineIndex::new(source);
            let (text, line_start, range) = excerpt(&index, source, span);
            let msg = SnippetLevel::Error.title(title).snippet(
                Snippet::source(text)
                    .line_start(line_start)
                    .origin(&file.display)
                    .annotation(SnippetLevel::Error.span(range)),
            );
            renderer(color).render(msg).to_string()
        }
        None => renderer(color)
            .render(SnippetLevel::Error.title(title))
            .to_string(),
    };
    format!("{out}\n\n")
}

/// Every finding and problem of a run, then the summary line.
pub fn render(report: &Report, color: bool) -> String {
    let mut out = String::new();
    for file in &report.files {
        let Some(source) = file.source.as_deref() else {
            continue;
        };
        if file.diagnostics.is_empty() {
            continue;
        }
        let index = LineIndex::new(source);
        for d in &file.diagnostics {
            out.push_str(&diagnostic(&file.display, source, &index, d, color));
        }
    }
    for p in super::problems(report) {
        out.push_str(&problem(&p, color));
    }
    out.push_str(&summary(report, color));
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The last line: counts of errors and warnings.
pub fn summary(report: &Report, color: bool) -> String {
    let errors = report.count(Level::Deny) + report.problems() + report.internal_errors();
    let warnings = report.count(Level::Warn);
    let files = plural(report.files.len(), "file");
    let line = if errors > 0 {
        let mut s = format!("ctxkit check found {}", plural(errors, "error"));
        if warnings > 0 {
            s.push_str(&format!(" and {}", plural(warnings, "warning")));
        }
        s.push_str(&format!(" in {files}"));
        renderer(color).render(SnippetLevel::Error.title(&s)).to_string()
    } else if warnings > 0 {
        let s = format!("ctxkit check found {} in {files}", plural(warnings, "warning"));
        renderer(color)
            .render(SnippetLevel::Warning.title(&s))
            .to_string()
    } else {
        format!("ctxkit check: no findings in {files} ({} lines)", report.lines())
    };
    format!("{line}\n")
}
