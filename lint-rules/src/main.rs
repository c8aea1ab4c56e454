//! `cargo-ctxkit`: runs as `cargo ctxkit ..` and as `cargo-ctxkit ..`.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use ctxkit_lint::config::{self, LevelFlag, Sources};
use ctxkit_lint::discover::{self, MetadataError, Workspace};
use ctxkit_lint::render;
use ctxkit_lint::run::{self, Job};
use ctxkit_lint::{Level, LevelSource, Levels, Report, Rule, Selector};

// Parsing allocates and frees a token tree per file; mimalloc takes about a
// fifth off the run's CPU time compared with glibc's malloc.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A clippy-style checker for task leaks in async Rust.
#[derive(Parser, Debug)]
#[command(name = "cargo-ctxkit", bin_name = "cargo ctxkit", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check a workspace (default) or the `.rs` files under PATHS.
    Check(CheckArgs),
    /// List every rule with its group, default level and summary.
    Rules,
    /// Print a rule's documentation.
    Explain {
        /// The rule's name, e.g. `bare_spawn`.
        rule: String,
    },
}

#[derive(clap::Args, Debug)]
struct CheckArgs {
    /// Files or directories to check; the cargo workspace around the current
    /// directory when none is given.
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    message_format: Format,
    /// Allow a rule, a group or `all`.
    #[arg(short = 'A', long = "allow", value_name = "NAME")]
    allow: Vec<String>,
    /// Warn on a rule, a group or `all`.
    #[arg(short = 'W', long = "warn", value_name = "NAME")]
    warn: Vec<String>,
    /// Deny a rule, a group, `all`, or `warnings` (every warning becomes an error).
    #[arg(short = 'D', long = "deny", value_name = "NAME")]
    deny: Vec<String>,
    /// The workspace's `Cargo.toml` (default: found from the current directory).
    #[arg(long, value_name = "PATH")]
    manifest_path: Option<PathBuf>,
    /// Colored output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Color {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let mut args: Vec<OsString> = std::env::args_os().collect();
    // `cargo ctxkit check` runs `cargo-ctxkit ctxkit check`.
    if args.get(1).is_some_and(|a| a == "ctxkit") {
        args.remove(1);
    }
    let matches = match Cli::command().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Command::Rules => {
            print_rules();
            ExitCode::SUCCESS
        }
        Command::Explain { rule } => match Rule::from_name(&rule) {
            Some(r) => {
                println!("{}", r.doc().trim_end());
                ExitCode::SUCCESS
            }
            None => usage_error(&unknown_rule(&rule)),
        },
        Command::Check(args) => {
            let sub = matches
                .subcommand_matches("check")
                .expect("the check subcommand was parsed");
            match check(&args, sub) {
                Ok(code) => code,
                Err(msg) => usage_error(&msg),
            }
        }
    }
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}

fn unknown_rule(name: &str) -> String {
    let mut msg = format!("unknown rule `{name}`");
    match ctxkit_lint::suggest_name(name) {
        Some(s) => msg.push_str(&format!("\n  help: did you mean `{s}`?")),
        None => msg.push_str("\n  help: `cargo ctxkit rules` lists every rule"),
    }
    msg
}

fn print_rules() {
    let mut out = String::new();
    out.push_str(&format!(
        "{:<22} {:<12} {:<6} {}\n",
        "rule", "group", "level", "flags"
    ));
    for r in Rule::ALL {
        out.push_str(&format!(
            "{:<22} {:<12} {:<6} {}\n",
            r.name(),
            r.group().as_str(),
            r.default_level().as_str(),
            r.summary()
        ));
    }
    out.push_str("\n`cargo ctxkit explain RULE` prints a rule's documentation.\n");
    let _ = std::io::stdout().write_all(out.as_bytes());
}

/// The level flags in command-line order (later ones win, as in rustc).
fn cli_levels(sub: &ArgMatches) -> Result<(Vec<LevelFlag>, bool), String> {
    let mut flags: Vec<(usize, &'static str, Level, String)> = Vec::new();
    for (id, flag, level) in [
        ("allow", "-A", Level::Allow),
        ("warn", "-W", Level::Warn),
        ("deny", "-D", Level::Deny),
    ] {
        if let (Some(idx), Some(vals)) = (sub.indices_of(id), sub.get_many::<String>(id)) {
            for (i, v) in idx.zip(vals) {
                flags.push((i, flag, level, v.clone()));
            }
        }
    }
    flags.sort_by_key(|f| f.0);
    let mut out = Vec::new();
    let mut deny_warnings = false;
    for (_, flag, level, name) in flags {
        if name == "warnings" {
            if level == Level::Deny {
                deny_warnings = true;
            }
            continue;
        }
        let selector = Selector::parse(&name).ok_or_else(|| unknown_rule(&name))?;
        out.push((
            selector,
            level,
            LevelSource::CommandLine {
                flag,
                name: name.trim_start_matches("ctxkit::").to_string(),
            },
        ));
    }
    Ok((out, deny_warnings))
}

fn display_path(path: &Path, cwd: &Path) -> String {
    let shown = path.strip_prefix(cwd).unwrap_or(path);
    let s = shown.display().to_string();
    if s.is_empty() {
        path.display().to_string()
    } else {
        s
    }
}

fn check(args: &CheckArgs, sub: &ArgMatches) -> Result<ExitCode, String> {
    let (cli, deny_warnings) = cli_levels(sub)?;
    let cwd = std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let mut workspace: Option<Workspace> = None;
    let (roots, sources) = if args.paths.is_empty() {
        match discover::workspace(&cwd, args.manifest_path.as_deref()) {
            Ok(ws) => {
                let roots = discover::workspace_roots(&ws);
                let sources = ws.sources.clone();
                workspace = Some(ws);
                (roots, sources)
            }
            Err(MetadataError::NoCargo) => (vec![cwd.clone()], config::from_ancestors(&cwd)?),
            Err(MetadataError::Failed(msg)) => return Err(msg),
        }
    } else {
        for p in &args.paths {
            if std::fs::symlink_metadata(p).is_err() {
                return Err(format!("`{}`: no such file or directory", p.display()));
            }
        }
        let sources = config::from_ancestors(&cwd)?;
        let roots = args
            .paths
            .iter()
            .map(|p| if p.is_absolute() { p.clone() } else { cwd.join(p) })
            // `.` components would keep `exclude` paths and patterns from matching.
            .map(|p: PathBuf| p.components().collect())
            .collect();
        (roots, sources)
    };
    let (files, walk_errors) = discover::walk(&roots, &sources);

    // Levels per package: metadata can differ between members.
    let all_levels: Vec<Levels> = (0..sources.packages.len())
        .map(Some)
        .chain([None])
        .map(|pkg| sources.levels(pkg, &cli, deny_warnings))
        .collect();
    let default_index = all_levels.len() - 1;
    let jobs: Vec<Job<'_>> = files
        .into_iter()
        .map(|path| {
            let levels = &all_levels[Sources::package_of(&sources, &path).unwrap_or(default_index)];
            Job {
                display: display_path(&path, &cwd),
                path,
                levels,
            }
        })
        .collect();
    let report = Report {
        files: run::check_files(jobs),
        walk_errors,
    };

    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let written = match args.message_format {
        Format::Human => std::io::stderr().write_all(render::human::render(&report, color).as_bytes()),
        Format::Json => {
            std::io::stdout().write_all(render::json::render(&report, workspace.as_ref()).as_bytes())
        }
        Format::Sarif => std::io::stdout().write_all(render::sarif::render(&report).as_bytes()),
        Format::Github => std::io::stdout().write_all(render::github::render(&report).as_bytes()),
    };
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(format!("cannot write the report: {e}"));
        }
    }
    if report.internal_errors() > 0 {
        return Ok(ExitCode::from(101));
    }
    let failed = report.count(Level::Deny) > 0 || report.problems() > 0;
    Ok(ExitCode::from(u8::from(failed)))
}
