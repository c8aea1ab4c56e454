//! GitHub Actions workflow commands: `::warning file=..,line=..::message`,
//! shown as annotations on the pull request's diff.

use crate::registry::Level;
use crate::run::Report;

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One annotation per finding and per problem.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for file in &report.files {
        let path = escape_property(&file.display.replace('\\', "/"));
        for d in &file.diagnostics {
            let f = &d.finding;
            let kind = if d.level == Level::Deny {
                "error"
            } else {
                "warning"
            };
            out.push_str(&format!(
                "::{kind} file={path},line={},col={},endLine={},endColumn={},title={}::{}\n",
                f.span.start.line,
                f.span.start.column + 1,
                f.span.end.line,
                f.span.end.column + 1,
                escape_property(&format!("ctxkit::{}", f.rule.name())),
                escape_data(&format!("{}\nhelp: {}", f.message, f.help)),
            ));
        }
    }
    for p in super::problems(report) {
        let mut props = Vec::new();
        if let Some(f) = p.file {
            props.push(format!("file={}", escape_property(&f.display.replace('\\', "/"))));
            if let Some(span) = p.span {
                props.push(format!("line={},col={}", span.start.line, span.start.column + 1));
            }
        }
        props.push("title=ctxkit".to_string());
        out.push_str(&format!(
            "::error {}::{}\n",
            props.join(","),
            escape_data(&p.message)
        ));
    }
    out
}
