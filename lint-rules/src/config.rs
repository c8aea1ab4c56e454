//! Rule levels from `[workspace.metadata.ctxkit]` and
//! `[package.metadata.ctxkit]` in `Cargo.toml`:
//!
//! ```toml
//! [workspace.metadata.ctxkit]
//! suspicious = "deny"          # a group
//! bare_spawn = "warn"          # a rule (more specific keys win)
//! warnings = "deny"            # as `-D warnings`
//! exclude = ["ui-tests/lint"]  # paths (relative to this Cargo.toml) not checked
//! ```

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diagnostic::LevelSource;
use crate::levels::Levels;
use crate::registry::{Level, Selector, suggest_name};

/// One `key = "level"` line of a metadata table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    /// What the key names.
    pub selector: Selector,
    /// The level it sets.
    pub level: Level,
    /// The key as written.
    pub key: String,
}

/// A parsed `ctxkit` metadata table.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// Rule, group and `all` settings, least specific first.
    pub settings: Vec<Setting>,
    /// `warnings = "deny"`.
    pub deny_warnings: bool,
    /// Paths not to check, absolute: a path excludes everything under it.
    pub exclude: Vec<PathBuf>,
    /// Glob patterns not to check (`examples/*/leaky.rs`), matched against
    /// absolute paths.
    pub exclude_globs: Option<globset::GlobSet>,
}

impl Table {
    /// Parses a table (as JSON: cargo metadata gives it so, and TOML converts).
    /// `dir` is the directory of the manifest it came from.
    pub fn parse(value: &Value, table: &str, dir: &Path) -> Result<Table, String> {
        let mut out = Table::default();
        let Some(map) = value.as_object() else {
            return Err(format!("`[{table}]` must be a table"));
        };
        for (key, v) in map {
            if key == "exclude" {
                let list = v
                    .as_array()
                    .ok_or_else(|| format!("`exclude` in `[{table}]` must be a list of paths"))?;
                let mut globs = globset::GlobSetBuilder::new();
                let mut any_glob = false;
                for p in list {
                    let p = p
                        .as_str()
                        .ok_or_else(|| format!("`exclude` in `[{table}]` must be a list of paths"))?;
                    if p.contains(['*', '?', '[', '{']) {
                        let pattern = dir.join(p);
                        let glob = globset::GlobBuilder::new(&pattern.to_string_lossy())
                            .literal_separator(true)
                            .build()
                            .map_err(|e| format!("`exclude` in `[{table}]`: bad pattern `{p}`: {e}"))?;
                        globs.add(glob);
                        any_glob = true;
                    } else {
                        out.exclude.push(dir.join(p));
                    }
                }
                if any_glob {
                    out.exclude_globs = Some(
                        globs
                            .build()
                            .map_err(|e| format!("`exclude` in `[{table}]`: {e}"))?,
                    );
                }
                continue;
            }
            let level_str = v
                .as_str()
                .ok_or_else(|| format!("`{key}` in `[{table}]` must be \"allow\", \"warn\" or \"deny\""))?;
            let level = Level::parse(level_str).ok_or_else(|| {
                format!(
                    "`{key} = \"{level_str}\"` in `[{table}]`: the level must be \"allow\", \"warn\" or \"deny\""
                )
            })?;
            if key == "warnings" {
                out.deny_warnings = level == Level::Deny;
                continue;
            }
            let selector = Selector::parse(key).ok_or_else(|| unknown_name(key, &format!("`[{table}]`")))?;
            out.settings.push(Setting {
                selector,
                level,
                key: key.clone(),
            });
        }
        out.settings.sort_by_key(|s| match s.selector {
            Selector::All => 0,
            Selector::Group(_) => 1,
            Selector::Rule(_) => 2,
        });
        Ok(out)
    }

    /// Applies the table to `levels`.
    pub fn apply(&self, levels: &mut Levels, table: &'static str) {
        for s in &self.settings {
            levels.set(
                s.selector,
                s.level,
                LevelSource::Config {
                    table,
                    key: s.key.clone(),
                },
            );
        }
    }
}

/// "unknown rule `x` in ..; did you mean `y`?"
pub fn unknown_name(name: &str, place: &str) -> String {
    let mut msg = format!("unknown rule or group `{name}` in {place}");
    if let Some(s) = suggest_name(name) {
        msg.push_str(&format!("; did you mean `{s}`?"));
    } else {
        msg.push_str("; `cargo ctxkit rules` lists them");
    }
    msg
}

/// The `ctxkit` tables of a `Cargo.toml`, read with the `toml` crate when
/// cargo is not asked: (workspace table, package table).
pub fn read_manifest(path: &Path) -> Result<(Option<Value>, Option<Value>, bool, bool), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let doc: toml::Table =
        toml::from_str(&text).map_err(|e| format!("cannot parse `{}`: {e}", path.display()))?;
    let get = |section: &str| {
        doc.get(section)
            .and_then(|s| s.get("metadata"))
            .and_then(|m| m.get("ctxkit"))
            .and_then(|t| serde_json::to_value(t).ok())
    };
    Ok((
        get("workspace"),
        get("package"),
        doc.contains_key("workspace"),
        doc.contains_key("package"),
    ))
}

/// Finds, from `start` upward, the nearest package manifest and the nearest
/// workspace manifest, and reads their `ctxkit` tables.
pub fn from_ancestors(start: &Path) -> Result<Sources, String> {
    let mut sources = Sources::default();
    let mut found_package = false;
    for dir in start.ancestors() {
        let manifest = dir.join("Cargo.toml");
        if !manifest.is_file() {
            continue;
        }
        let (ws, pkg, is_ws, is_pkg) = read_manifest(&manifest)?;
        if is_pkg && !found_package {
            found_package = true;
            if let Some(pkg) = pkg {
                let t = Table::parse(&pkg, "package.metadata.ctxkit", dir)?;
                sources.packages.push((dir.to_path_buf(), t));
            }
        }
        if is_ws {
            if let Some(ws) = ws {
                sources.workspace = Some(Table::parse(&ws, "workspace.metadata.ctxkit", dir)?);
            }
            break;
        }
    }
    Ok(sources)
}

/// A level set on the command line: what it names, the level, the flag.
pub type LevelFlag = (Selector, Level, LevelSource);

/// Every `ctxkit` table that applies to a run.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// `[workspace.metadata.ctxkit]`.
    pub workspace: Option<Table>,
    /// `[package.metadata.ctxkit]` of each package, with its directory.
    pub packages: Vec<(PathBuf, Table)>,
}

impl Sources {
    /// Paths excluded by any table.
    pub fn excluded(&self, path: &Path) -> bool {
        self.workspace
            .iter()
            .chain(self.packages.iter().map(|(_, t)| t))
            .any(|t| {
                t.exclude.iter().any(|ex| path.starts_with(ex))
                    || t.exclude_globs.as_ref().is_some_and(|g| g.is_match(path))
            })
    }

    /// The package (index into `packages`) whose directory holds `path`:
    /// the deepest one.
    pub fn package_of(&self, path: &Path) -> Option<usize> {
        self.packages
            .iter()
            .enumerate()
            .filter(|(_, (dir, _))| path.starts_with(dir))
            .max_by_key(|(_, (dir, _))| dir.components().count())
            .map(|(i, _)| i)
    }

    /// The levels for files of package `pkg` (or of no package).
    pub fn levels(&self, pkg: Option<usize>, cli: &[LevelFlag], deny_warnings: bool) -> Levels {
        let mut levels = Levels::default();
        let mut deny = deny_warnings;
        if let Some(ws) = &self.workspace {
            ws.apply(&mut levels, "workspace.metadata.ctxkit");
            deny |= ws.deny_warnings;
        }
        if let Some((_, t)) = pkg.and_then(|i| self.packages.get(i)) {
            t.apply(&mut levels, "package.metadata.ctxkit");
            deny |= t.deny_warnings;
        }
        for (sel, level, source) in cli {
            levels.set(*sel, *level, source.clone());
        }
        if deny {
            levels.deny_warnings();
        }
        levels
    }
}
