//! Resolves the paths a file writes through its `use` items, so `go(..)`
//! after `use tokio::spawn as go;` is `tokio::spawn`, while a project's own
//! `pool::spawn` stays its own.

use std::collections::HashMap;

use syn::{Item, UseTree};

use crate::known;

/// One layer of imports: a module's or a block's.
#[derive(Default, Debug)]
pub(crate) struct ImportLayer {
    names: HashMap<String, String>,
    globs: Vec<String>,
    /// A module does not see its parent's imports (unless `use super::*`);
    /// a block does.
    opaque: bool,
}

impl ImportLayer {
    /// The imports among `items` (a file's, a module's or a block's).
    pub fn from_items<'a>(items: impl IntoIterator<Item = &'a Item>, opaque: bool) -> ImportLayer {
        let mut layer = ImportLayer {
            opaque,
            ..ImportLayer::default()
        };
        for item in items {
            match item {
                Item::Use(u) => layer.add_tree(&u.tree, String::new()),
                Item::ExternCrate(e) => {
                    if let Some((_, alias)) = &e.rename {
                        layer.names.insert(alias.to_string(), e.ident.to_string());
                    }
                }
                _ => {}
            }
        }
        layer
    }

    fn add_tree(&mut self, tree: &UseTree, prefix: String) {
        let join = |name: &str| {
            if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix}::{name}")
            }
        };
        match tree {
            UseTree::Path(p) => self.add_tree(&p.tree, join(&p.ident.to_string())),
            UseTree::Name(n) => {
                let name = n.ident.to_string();
                if name == "self" {
                    if let Some(last) = prefix.rsplit("::").next() {
                        self.names.insert(last.to_string(), prefix.clone());
                    }
                } else {
                    self.names.insert(name.clone(), join(&name));
                }
            }
            UseTree::Rename(r) => {
                let alias = r.rename.to_string();
                if alias == "_" {
                    return;
                }
                let target = if r.ident == "self" {
                    prefix.clone()
                } else {
                    join(&r.ident.to_string())
                };
                self.names.insert(alias, target);
            }
            UseTree::Glob(_) => {
                if prefix == "super" {
                    // `use super::*` in a test module: see the parent's imports.
                    self.opaque = false;
                }
                self.globs.push(prefix);
            }
            UseTree::Group(g) => {
                for t in &g.items {
                    self.add_tree(t, prefix.clone());
                }
            }
        }
    }
}

/// The import layers in scope at a point of the walk, innermost last.
#[derive(Default, Debug)]
pub(crate) struct Imports {
    layers: Vec<ImportLayer>,
}

impl Imports {
    pub fn push(&mut self, layer: ImportLayer) {
        self.layers.push(layer);
    }

    pub fn pop(&mut self) {
        self.layers.pop();
    }

    /// Resolves a written path (segments joined by `::`, no leading `::`).
    /// Returns the canonical full path and whether it is known: resolved
    /// through an import, written from a crate root, or found through a glob.
    pub fn resolve(&self, written: &str) -> Resolved {
        let (first, rest) = match written.split_once("::") {
            Some((f, r)) => (f, Some(r)),
            None => (written, None),
        };
        for layer in self.layers.iter().rev() {
            if let Some(target) = layer.names.get(first) {
                let full = match rest {
                    Some(r) => format!("{target}::{r}"),
                    None => target.clone(),
                };
                return Resolved {
                    path: known::canonical(full),
                    imported: true,
                };
            }
            if layer.opaque {
                break;
            }
        }
        for layer in self.layers.iter().rev() {
            for glob in &layer.globs {
                let candidate = known::canonical(format!("{glob}::{written}"));
                if known::is_known_path(&candidate) {
                    return Resolved {
                        path: candidate,
                        imported: true,
                    };
                }
            }
            if layer.opaque {
                break;
            }
        }
        Resolved {
            path: known::canonical(written.to_string()),
            imported: rest.is_some(),
        }
    }
}

/// A resolved path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resolved {
    /// Canonical full path, e.g. `tokio::spawn`.
    pub path: String,
    /// False for a lone name that no import explains (a local, a generic
    /// parameter, a prelude item, or something from an unknown glob).
    pub imported: bool,
}

/// Joins a syn path's segments with `::`, generics dropped.
pub(crate) fn path_string(path: &syn::Path) -> String {
    let mut s = String::new();
    for (i, seg) in path.segments.iter().enumerate() {
        if i > 0 {
            s.push_str("::");
        }
        s.push_str(&seg.ident.to_string());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imports(src: &str) -> Imports {
        let file = syn::parse_file(src).unwrap();
        let mut i = Imports::default();
        i.push(ImportLayer::from_items(&file.items, true));
        i
    }

    #[test]
    fn aliases_and_groups_resolve() {
        let i = imports(
            "use tokio::spawn as go; use tokio::{task, sync::{mpsc::{self, Sender}}}; use crate::pool;",
        );
        assert_eq!(i.resolve("go").path, "tokio::spawn");
        assert_eq!(i.resolve("task::spawn").path, "tokio::spawn");
        assert_eq!(i.resolve("mpsc::channel").path, "tokio::sync::mpsc::channel");
        assert_eq!(i.resolve("Sender").path, "tokio::sync::mpsc::Sender");
        assert_eq!(i.resolve("pool::spawn").path, "crate::pool::spawn");
        assert!(!i.resolve("spawn").imported);
    }

    #[test]
    fn globs_of_known_crates_resolve_known_names_only() {
        let i = imports("use tokio::task::*; use crossbeam::channel::*;");
        assert_eq!(i.resolve("spawn_blocking").path, "tokio::task::spawn_blocking");
        assert_eq!(i.resolve("unbounded").path, "crossbeam_channel::unbounded");
        assert!(!i.resolve("frobnicate").imported);
    }
}
