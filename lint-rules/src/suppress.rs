//! In-code suppressions: `#[ctxkit::allow(rule, ..)]` (and rustc's
//! tool-lint spelling `#[allow(ctxkit::rule)]`) on an item, impl, function,
//! statement, field or match arm; and `// ctxkit: allow(rule)` at the end of
//! a line or alone on the line above.

use std::collections::HashMap;

use syn::punctuated::Punctuated;
use syn::{Attribute, Token};

use crate::registry::{Rule, RuleSet, Selector};

/// The rules an attribute allows.
pub(crate) fn attr_allows(attr: &Attribute) -> RuleSet {
    let path = attr.path();
    let Some(last) = path.segments.last() else {
        return RuleSet::EMPTY;
    };
    if last.ident != "allow" && last.ident != "expect" {
        return RuleSet::EMPTY;
    }
    let ours = path.segments.len() == 2 && path.segments[0].ident == "ctxkit";
    let builtin = path.segments.len() == 1;
    if !ours && !builtin {
        return RuleSet::EMPTY;
    }
    let Ok(paths) = attr.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated) else {
        return RuleSet::EMPTY;
    };
    let mut set = RuleSet::EMPTY;
    for p in paths {
        let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        let name = match (ours, segs.as_slice()) {
            (true, [name]) => name,
            (_, [tool, name]) if tool == "ctxkit" => name,
            _ => continue,
        };
        if let Some(sel) = Selector::parse(name) {
            set = set.union(sel.rules());
        }
    }
    set
}

/// Lines on which comments allow rules.
#[derive(Default, Debug)]
pub struct CommentAllows {
    lines: HashMap<usize, RuleSet>,
}

impl CommentAllows {
    /// Whether a finding of `rule` on `line` (1-based) is allowed.
    pub fn allows(&self, line: usize, rule: Rule) -> bool {
        !self.lines.is_empty() && self.lines.get(&line).is_some_and(|s| s.contains(rule))
    }

    /// Reads the `// ctxkit: allow(..)` comments of a source file.
    pub fn scan(source: &str) -> CommentAllows {
        let mut out = CommentAllows::default();
        if !source.contains("ctxkit:") {
            return out;
        }
        let mut pending = RuleSet::EMPTY;
        for (i, line) in source.lines().enumerate() {
            let line_no = i + 1;
            let trimmed = line.trim_start();
            let own_line = trimmed.starts_with("//");
            let set = parse_comment(line);
            if own_line {
                pending = pending.union(set);
                continue;
            }
            if trimmed.is_empty() {
                continue;
            }
            let here = set.union(pending);
            pending = RuleSet::EMPTY;
            if !here.is_empty() {
                let entry = out.lines.entry(line_no).or_default();
                *entry = entry.union(here);
            }
        }
        out
    }
}

fn parse_comment(line: &str) -> RuleSet {
    let Some(at) = line.find("ctxkit:") else {
        return RuleSet::EMPTY;
    };
    if !line[..at].contains("//") {
        return RuleSet::EMPTY;
    }
    let rest = line[at + "ctxkit:".len()..].trim_start();
    let Some(rest) = rest.strip_prefix("allow") else {
        return RuleSet::EMPTY;
    };
    let Some(rest) = rest.trim_start().strip_prefix('(') else {
        return RuleSet::EMPTY;
    };
    let Some(end) = rest.find(')') else {
        return RuleSet::EMPTY;
    };
    let mut set = RuleSet::EMPTY;
    for name in rest[..end].split(',') {
        if let Some(sel) = Selector::parse(name.trim()) {
            set = set.union(sel.rules());
        }
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_and_preceding_comments_allow() {
        let src = "a(); // ctxkit: allow(bare_spawn)\n// ctxkit: allow(untimed_send, ctxkit::unbounded_channel)\n\nb();\nc();\n";
        let c = CommentAllows::scan(src);
        assert!(c.allows(1, Rule::BareSpawn));
        assert!(!c.allows(1, Rule::UntimedSend));
        assert!(c.allows(4, Rule::UntimedSend));
        assert!(c.allows(4, Rule::UnboundedChannel));
        assert!(!c.allows(5, Rule::UntimedSend));
    }

    #[test]
    fn attributes_name_rules_and_groups() {
        let f: syn::ItemFn = syn::parse_str(
            "#[ctxkit::allow(bare_spawn, suspicious)] #[allow(ctxkit::ctx_in_struct, dead_code)] fn f() {}",
        )
        .unwrap();
        let a = attr_allows(&f.attrs[0]);
        assert!(a.contains(Rule::BareSpawn) && a.contains(Rule::UntimedHttp));
        assert!(!a.contains(Rule::UntimedSend));
        let b = attr_allows(&f.attrs[1]);
        assert!(b.contains(Rule::CtxInStruct) && !b.contains(Rule::BareSpawn));
    }
}
