//! The level of each rule, from defaults, `Cargo.toml` metadata and the
//! command line, in that order of precedence (the last one wins).

use crate::diagnostic::LevelSource;
use crate::registry::{Level, Rule, RuleSet, Selector};

/// The level of every rule, and where it came from.
#[derive(Clone, Debug)]
pub struct Levels {
    entries: Vec<(Level, LevelSource)>,
}

impl Default for Levels {
    fn default() -> Self {
        Levels {
            entries: Rule::ALL
                .iter()
                .map(|r| (r.default_level(), LevelSource::Default))
                .collect(),
        }
    }
}

impl Levels {
    /// Sets the level of every rule `selector` names.
    pub fn set(&mut self, selector: Selector, level: Level, source: LevelSource) {
        for &rule in Rule::ALL {
            if selector.matches(rule) {
                self.entries[rule as usize] = (level, source.clone());
            }
        }
    }

    /// `-D warnings`: every rule at warn becomes deny.
    pub fn deny_warnings(&mut self) {
        for entry in &mut self.entries {
            if entry.0 == Level::Warn {
                *entry = (Level::Deny, LevelSource::DenyWarnings);
            }
        }
    }

    /// The level of `rule`.
    pub fn level(&self, rule: Rule) -> Level {
        self.entries[rule as usize].0
    }

    /// Where the level of `rule` was set.
    pub fn source(&self, rule: Rule) -> &LevelSource {
        &self.entries[rule as usize].1
    }

    pub(crate) fn enabled(&self) -> RuleSet {
        let mut set = RuleSet::EMPTY;
        for &rule in Rule::ALL {
            if self.level(rule) != Level::Allow {
                set.insert(rule);
            }
        }
        set
    }

    /// A copy with every rule at least at warn: what fixtures check with.
    pub fn all_enabled() -> Levels {
        let mut l = Levels::default();
        for &rule in Rule::ALL {
            if l.level(rule) == Level::Allow {
                l.entries[rule as usize] = (
                    Level::Warn,
                    LevelSource::CommandLine {
                        flag: "-W",
                        name: rule.name().to_string(),
                    },
                );
            }
        }
        l
    }
}
