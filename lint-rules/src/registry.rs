//! Rule names, groups, default levels and docs: the one table every other
//! part of the checker (levels, suppressions, `rules`, `explain`, SARIF) reads.

use std::fmt;

use crate::rules;

/// How loudly a finding is reported.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Not reported.
    Allow,
    /// Reported; does not fail the run.
    Warn,
    /// Reported as an error; the run exits with status 1.
    Deny,
}

impl Level {
    /// The name used in flags and in `Cargo.toml` (`allow`, `warn`, `deny`).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }

    /// Parses `allow`, `warn`, `deny` (and `forbid`, read as `deny`).
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" | "forbid" => Some(Level::Deny),
            _ => None,
        }
    }
}

/// A family of rules sharing a default level, as clippy groups them.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Group {
    /// Code that leaks or hangs for certain: deny by default.
    Correctness,
    /// Code that very likely leaks or hangs: warn by default.
    Suspicious,
    /// Conventions that keep contexts easy to follow: warn by default.
    Style,
    /// Stricter conventions that have legitimate exceptions: allow by default.
    Pedantic,
}

impl Group {
    /// Every group, in order of severity.
    pub const ALL: [Group; 4] = [
        Group::Correctness,
        Group::Suspicious,
        Group::Style,
        Group::Pedantic,
    ];

    /// The group's name as written in flags and config.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Correctness => "correctness",
            Group::Suspicious => "suspicious",
            Group::Style => "style",
            Group::Pedantic => "pedantic",
        }
    }

    /// The level a rule of this group has unless configured.
    pub fn default_level(self) -> Level {
        match self {
            Group::Correctness => Level::Deny,
            Group::Suspicious | Group::Style => Level::Warn,
            Group::Pedantic => Level::Allow,
        }
    }

    /// Parses a group name.
    pub fn from_name(s: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.as_str() == s)
    }
}

/// What a rule's registry entry holds.
pub(crate) struct RuleInfo {
    pub name: &'static str,
    pub group: Group,
    pub summary: &'static str,
    pub doc: &'static str,
}

macro_rules! declare_rules {
    ($($variant:ident => $module:ident,)*) => {
        /// A check the checker can run.
        #[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $(
                #[doc = concat!("`", stringify!($module), "`")]
                $variant,
            )*
        }

        impl Rule {
            /// Every rule, in the order `rules` lists them.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            fn info(self) -> &'static RuleInfo {
                match self {
                    $(Rule::$variant => &rules::$module::INFO,)*
                }
            }
        }
    };
}

declare_rules! {
    BareSpawn => bare_spawn,
    UntimedSend => untimed_send,
    DiscardedCancel => discarded_cancel,
    UncancellableLoop => uncancellable_loop,
    UnboundedChannel => unbounded_channel,
    FreshRootCtx => fresh_root_ctx,
    UntimedHttp => untimed_http,
    CancelUnsafeAwait => cancel_unsafe_await,
    CtxNotFirst => ctx_not_first,
    CtxInStruct => ctx_in_struct,
}

impl Rule {
    /// The rule's name, as written after `ctxkit::`.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The rule's group.
    pub fn group(self) -> Group {
        self.info().group
    }

    /// The level the rule has unless configured.
    pub fn default_level(self) -> Level {
        self.group().default_level()
    }

    /// One line saying what the rule flags.
    pub fn summary(self) -> &'static str {
        self.info().summary
    }

    /// The full doc: what it does, why it is bad, an example, what to use instead.
    pub fn doc(self) -> &'static str {
        self.info().doc
    }

    /// Finds a rule by name; accepts a `ctxkit::` prefix and `-` for `_`.
    pub fn from_name(name: &str) -> Option<Rule> {
        let name = normalize_name(name);
        Rule::ALL.iter().copied().find(|r| r.name() == name)
    }

    pub(crate) fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Strips a `ctxkit::` prefix and turns `-` into `_`, so `ctxkit::bare-spawn`
/// names `bare_spawn`.
pub(crate) fn normalize_name(name: &str) -> String {
    let name = name.trim();
    let name = name.strip_prefix("ctxkit::").unwrap_or(name);
    name.replace('-', "_")
}

/// A set of rules, as one bitmask.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct RuleSet(u16);

impl RuleSet {
    pub const EMPTY: RuleSet = RuleSet(0);

    pub fn contains(self, rule: Rule) -> bool {
        self.0 & rule.bit() != 0
    }

    pub fn insert(&mut self, rule: Rule) {
        self.0 |= rule.bit();
    }

    pub fn union(self, other: RuleSet) -> RuleSet {
        RuleSet(self.0 | other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// What a name in a flag, an `allow` or a config key stands for.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// One rule.
    Rule(Rule),
    /// Every rule of a group.
    Group(Group),
    /// Every rule.
    All,
}

impl Selector {
    /// Parses a rule name, a group name, or `all`.
    pub fn parse(name: &str) -> Option<Selector> {
        let n = normalize_name(name);
        if n == "all" {
            return Some(Selector::All);
        }
        if let Some(g) = Group::from_name(&n) {
            return Some(Selector::Group(g));
        }
        Rule::from_name(&n).map(Selector::Rule)
    }

    /// Whether `rule` is selected.
    pub fn matches(self, rule: Rule) -> bool {
        match self {
            Selector::Rule(r) => r == rule,
            Selector::Group(g) => rule.group() == g,
            Selector::All => true,
        }
    }

    pub(crate) fn rules(self) -> RuleSet {
        let mut set = RuleSet::EMPTY;
        for &r in Rule::ALL {
            if self.matches(r) {
                set.insert(r);
            }
        }
        set
    }
}

/// The closest known name to `name` (rule, group or `all`), for "did you mean".
pub fn suggest_name(name: &str) -> Option<&'static str> {
    let name = normalize_name(name);
    let candidates = Rule::ALL
        .iter()
        .map(|r| r.name())
        .chain(Group::ALL.iter().map(|g| g.as_str()))
        .chain(["all", "warnings"]);
    candidates
        .map(|c| (edit_distance(&name, c), c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(2) || c.contains(name.as_str()) && name.len() >= 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for &r in Rule::ALL {
            assert_eq!(Rule::from_name(r.name()), Some(r));
            assert!(r.doc().contains("### What it does"), "{r} doc");
            assert!(!r.summary().ends_with('.'), "{r} summary");
        }
        assert_eq!(Rule::from_name("ctxkit::bare-spawn"), Some(Rule::BareSpawn));
    }

    #[test]
    fn misspelt_names_get_a_suggestion() {
        assert_eq!(suggest_name("bare_spwan"), Some("bare_spawn"));
        assert_eq!(suggest_name("untimed_sned"), Some("untimed_send"));
        assert_eq!(suggest_name("zzzzzzzzzzzz"), None);
    }
}
