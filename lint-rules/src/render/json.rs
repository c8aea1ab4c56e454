//! Cargo's `compiler-message` JSON, one object per line, so rust-analyzer's
//! `check.overrideCommand` shows the findings in the editor.

use serde_json::{Value, json};

use crate::diagnostic::Span;
use crate::discover::Workspace;
use crate::registry::Level;
use crate::run::{FileReport, Report};
use crate::source::LineIndex;

fn span_json(
    index: &LineIndex<'_>,
    file_name: &str,
    span: Span,
    primary: bool,
    label: Option<&str>,
    replacement: Option<&str>,
) -> Value {
    let first = span.start.line.max(1);
    let last = span.end.line.max(first);
    let text: Vec<Value> = (first..=last)
        .map(|l| {
            let line = index.line(l);
            let len = line.chars().count();
            let hs = if l == first { span.start.column } else { 0 };
            let he = if l == last { span.end.column } else { len };
            json!({"text": line, "highlight_start": hs + 1, "highlight_end": he.max(hs) + 1})
        })
        .collect();
    json!({
        "file_name": file_name,
        "byte_start": index.offset(span.start.line, span.start.column),
        "byte_end": index.offset(span.end.line, span.end.column),
        "line_start": span.start.line,
        "line_end": span.end.line,
        "column_start": span.start.column + 1,
        "column_end": span.end.column + 1,
        "is_primary": primary,
        "text": text,
        "label": label,
        "suggested_replacement": replacement,
        "suggestion_applicability": replacement.map(|_| "MaybeIncorrect"),
        "expansion": null,
    })
}

fn child(level: &str, message: &str, spans: Vec<Value>) -> Value {
    json!({"message": message, "code": null, "level": level, "spans": spans, "children": [], "rendered": null})
}

/// The package fields cargo puts around a message.
fn envelope(ws: Option<&Workspace>, file: &FileReport, message: Value) -> Value {
    let pkg = ws.and_then(|w| {
        let abs = std::fs::canonicalize(&file.path).unwrap_or_else(|_| file.path.clone());
        w.package_of(&abs)
    });
    let (id, manifest, target) = match pkg {
        Some(p) => (
            p.id.clone(),
            p.manifest_path.display().to_string(),
            p.targets.first().cloned().unwrap_or(Value::Null),
        ),
        None => ("ctxkit-check".to_string(), String::new(), Value::Null),
    };
    let target = if target.is_null() {
        json!({
            "kind": ["lib"], "crate_types": ["lib"], "name": "ctxkit-check",
            "src_path": file.path.display().to_string(), "edition": "2021",
            "doc": false, "doctest": false, "test": false
        })
    } else {
        target
    };
    json!({
        "reason": "compiler-message",
        "package_id": id,
        "manifest_path": manifest,
        "target": target,
        "message": message,
    })
}

/// Every finding and problem, one JSON object per line, then cargo's
/// `build-finished` line.
pub fn render(report: &Report, ws: Option<&Workspace>) -> String {
    let mut out = String::new();
    for file in &report.files {
        let Some(source) = file.source.as_deref() else {
            continue;
        };
        let index = LineIndex::new(source);
        for d in &file.diagnostics {
            let f = &d.finding;
            let rendered = super::human::diagnostic(&file.display, source, &index, d, false);
            let mut children = Vec::new();
            let suggestion_spans = f
                .suggestion
                .iter()
                .map(|s| span_json(&index, &file.display, s.span, true, None, Some(&s.replacement)))
                .collect();
            children.push(child("help", &f.help, suggestion_spans));
            if let Some(note) = &f.note {
                children.push(child("note", note, vec![]));
            }
            children.push(child("note", &d.level_note, vec![]));
            let message = json!({
                "$message_type": "diagnostic",
                "message": f.message,
                "code": {"code": format!("ctxkit::{}", f.rule.name()), "explanation": null},
                "level": if d.level == Level::Deny { "error" } else { "warning" },
                "spans": [span_json(&index, &file.display, f.span, true, f.label.as_deref(), None)],
                "children": children,
                "rendered": rendered,
            });
            out.push_str(&envelope(ws, file, message).to_string());
            out.push('\n');
        }
    }
    for p in super::problems(report) {
        let rendered = super::human::problem(&p, false);
        let spans = match (p.file, p.span) {
            (Some(f), Some(span)) => match f.source.as_deref() {
                Some(src) => vec![span_json(
                    &LineIndex::new(src),
                    &f.display,
                    span,
                    true,
                    None,
                    None,
                )],
                None => vec![],
            },
            _ => vec![],
        };
        let message = json!({
            "$message_type": "diagnostic",
            "message": p.message,
            "code": null,
            "level": "error",
            "spans": spans,
            "children": [],
            "rendered": rendered,
        });
        let line = match p.file {
            Some(f) => envelope(ws, f, message),
            None => {
                json!({"reason": "compiler-message", "package_id": "ctxkit-check", "manifest_path": "", "target": null, "message": message})
            }
        };
        out.push_str(&line.to_string());
        out.push('\n');
    }
    let success = report.count(Level::Deny) == 0 && report.problems() == 0;
    out.push_str(&json!({"reason": "build-finished", "success": success}).to_string());
    out.push('\n');
    out
}
