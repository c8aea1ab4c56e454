//! Finds the files to check: a cargo workspace's member sources (with
//! `cargo metadata`), or every `.rs` file under given paths. `target/` and
//! what `.gitignore` ignores are skipped.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::config::{Sources, Table};

/// A workspace member.
#[derive(Clone, Debug)]
pub struct Package {
    /// Package name.
    pub name: String,
    /// Cargo's package id.
    pub id: String,
    /// Its `Cargo.toml`.
    pub manifest_path: PathBuf,
    /// Its directory.
    pub dir: PathBuf,
    /// Its targets as cargo describes them (for JSON output).
    pub targets: Vec<Value>,
}

/// What `cargo metadata` says of the workspace.
#[derive(Clone, Debug)]
pub struct Workspace {
    /// The workspace root directory.
    pub root: PathBuf,
    /// Its members.
    pub packages: Vec<Package>,
    /// Levels and excludes from the manifests.
    pub sources: Sources,
}

impl Workspace {
    /// The member whose directory holds `path` (the deepest one).
    pub fn package_of(&self, path: &Path) -> Option<&Package> {
        self.packages
            .iter()
            .filter(|p| path.starts_with(&p.dir))
            .max_by_key(|p| p.dir.components().count())
    }
}

/// Why the workspace could not be read.
#[derive(Debug)]
pub enum MetadataError {
    /// No cargo, or no `Cargo.toml` here: fall back to a walk.
    NoCargo,
    /// Cargo ran and failed (a broken manifest): a usage error.
    Failed(String),
}

/// Runs `cargo metadata --no-deps` in `cwd`.
pub fn workspace(cwd: &Path, manifest_path: Option<&Path>) -> Result<Workspace, MetadataError> {
    if manifest_path.is_none() && !cwd.ancestors().any(|d| d.join("Cargo.toml").is_file()) {
        return Err(MetadataError::NoCargo);
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(cwd);
    if let Some(m) = manifest_path {
        cmd.arg("--manifest-path").arg(m);
    }
    let out = match cmd.output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(MetadataError::NoCargo),
        Err(e) => return Err(MetadataError::Failed(format!("cannot run `cargo metadata`: {e}"))),
    };
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(MetadataError::Failed(format!(
            "`cargo metadata` failed:\n{}",
            stderr.trim_end()
        )));
    }
    let json: Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| MetadataError::Failed(format!("cannot read `cargo metadata` output: {e}")))?;
    parse_metadata(&json).map_err(MetadataError::Failed)
}

fn parse_metadata(json: &Value) -> Result<Workspace, String> {
    let root = PathBuf::from(json["workspace_root"].as_str().unwrap_or("."));
    let members: HashSet<&str> = json["workspace_members"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut sources = Sources::default();
    if let Some(ws) = json["metadata"].get("ctxkit") {
        sources.workspace = Some(Table::parse(ws, "workspace.metadata.ctxkit", &root)?);
    }
    let mut packages = Vec::new();
    for pkg in json["packages"].as_array().into_iter().flatten() {
        let id = pkg["id"].as_str().unwrap_or_default().to_string();
        if !members.is_empty() && !members.contains(id.as_str()) {
            continue;
        }
        let manifest_path = PathBuf::from(pkg["manifest_path"].as_str().unwrap_or_default());
        let dir = manifest_path.parent().unwrap_or(&root).to_path_buf();
        if let Some(t) = pkg["metadata"].get("ctxkit") {
            sources
                .packages
                .push((dir.clone(), Table::parse(t, "package.metadata.ctxkit", &dir)?));
        }
        packages.push(Package {
            name: pkg["name"].as_str().unwrap_or_default().to_string(),
            id,
            manifest_path,
            dir,
            targets: pkg["targets"].as_array().cloned().unwrap_or_default(),
        });
    }
    Ok(Workspace {
        root,
        packages,
        sources,
    })
}

/// The roots to walk for a workspace: each target's directory (`src/`,
/// `tests/`, `benches/`, `examples/`), or the file itself when it sits at
/// the package root (`build.rs`). Fixture folders outside them are left out.
pub fn workspace_roots(ws: &Workspace) -> Vec<PathBuf> {
    let mut roots = Vec::new();
    for pkg in &ws.packages {
        for t in &pkg.targets {
            let Some(src) = t["src_path"].as_str() else {
                continue;
            };
            let src = PathBuf::from(src);
            match src.parent() {
                Some(parent) if parent != pkg.dir && parent.starts_with(&pkg.dir) => {
                    roots.push(parent.to_path_buf())
                }
                _ => roots.push(src),
            }
        }
    }
    roots.sort();
    roots.dedup();
    // Drop roots inside another root.
    let mut kept: Vec<PathBuf> = Vec::new();
    for r in roots {
        if !kept.iter().any(|k| k.is_dir() && r.starts_with(k) && *k != r) {
            kept.push(r);
        }
    }
    kept
}

/// Every `.rs` file under `roots` (a root may be a file), sorted and
/// without duplicates, plus the walk's errors (symlink loops, unreadable
/// directories). Excludes apply to what the walk finds; a file named
/// outright is checked all the same, as ruff does.
pub fn walk(roots: &[PathBuf], sources: &Sources) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut named = Vec::new();
    let mut errors = Vec::new();
    for root in roots {
        if !root.is_dir() {
            // A file, or something that cannot be read (a symlink loop):
            // reading it reports what is wrong.
            named.push(root.clone());
            continue;
        }
        let walker = ignore::WalkBuilder::new(root)
            .follow_links(true)
            .require_git(false)
            .filter_entry(|e| !is_target_dir(e.path()))
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    let is_file = e.file_type().is_some_and(|t| t.is_file());
                    if is_file && e.path().extension().is_some_and(|x| x == "rs") {
                        files.push(e.into_path());
                    }
                }
                Err(err) => errors.push(walk_error(&err)),
            }
        }
    }
    files.retain(|f| !sources.excluded(f));
    files.extend(named);
    files.sort();
    files.dedup();
    (files, errors)
}

fn walk_error(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { path, err } => {
            format!("{}: {}", path.display(), walk_error(err))
        }
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => walk_error(err),
        ignore::Error::Loop { ancestor, child } => format!(
            "symbolic link loop: `{}` points back to `{}`; not followed",
            child.display(),
            ancestor.display()
        ),
        other => other.to_string(),
    }
}

/// A cargo build directory: named `target` and holding cargo's marks.
fn is_target_dir(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "target")
        && (path.join("CACHEDIR.TAG").exists()
            || path.join(".rustc_info.json").exists()
            || path.join("debug").is_dir()
            || path.join("release").is_dir())
}
