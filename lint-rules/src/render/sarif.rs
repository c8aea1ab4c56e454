//! SARIF 2.1.0, for code scanning (GitHub's and others').

use serde_json::{Value, json};

use crate::registry::{Level, Rule};
use crate::run::Report;

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Allow => "none",
    }
}

/// The `tool.driver.rules` array: every rule with its descriptions.
pub fn rules() -> Vec<Value> {
    Rule::ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.name(),
                "name": r.name(),
                "shortDescription": {"text": r.summary()},
                "fullDescription": {"text": r.summary()},
                "help": {"text": r.doc(), "markdown": r.doc()},
                "defaultConfiguration": {"level": sarif_level(r.default_level())},
                "properties": {"tags": [r.group().as_str()], "precision": "high"},
            })
        })
        .collect()
}

/// The whole log.
pub fn render(report: &Report) -> String {
    let mut results = Vec::new();
    for file in &report.files {
        let uri = file.display.replace('\\', "/");
        for d in &file.diagnostics {
            let f = &d.finding;
            results.push(json!({
                "ruleId": f.rule.name(),
                "ruleIndex": f.rule as usize,
                "level": sarif_level(d.level),
                "message": {"text": format!("{}\nhelp: {}", f.message, f.help)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": f.span.start.line,
                            "startColumn": f.span.start.column + 1,
                            "endLine": f.span.end.line,
                            "endColumn": f.span.end.column + 1,
                        }
                    }
                }],
            }));
        }
    }
    let notifications: Vec<Value> = super::problems(report)
        .into_iter()
        .map(|p| {
            let mut n = json!({"level": "error", "message": {"text": p.message}});
            if let Some(f) = p.file {
                let mut loc = json!({"artifactLocation": {"uri": f.display.replace('\\', "/"), "uriBaseId": "%SRCROOT%"}});
                if let Some(span) = p.span {
                    loc["region"] = json!({"startLine": span.start.line, "startColumn": span.start.column + 1});
                }
                n["locations"] = json!([{"physicalLocation": loc}]);
            }
            n
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ctxkit",
                "fullName": "cargo ctxkit check",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules(),
            }},
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": report.internal_errors() == 0,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}
