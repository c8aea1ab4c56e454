//! The options of `#[cancellable(..)]`.

use std::time::Duration;

use darling::FromMeta;
use darling::ast::NestedMeta;
use proc_macro2::{Span, TokenStream};
use syn::{Ident, LitStr, Path, parse_quote};

/// How an `.await` is guarded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Race the awaited future against the context; drop it on cancel.
    #[default]
    Race,
    /// Check the context before the await; never drop a future in flight.
    Check,
}

impl FromMeta for Mode {
    fn from_string(value: &str) -> darling::Result<Mode> {
        match value {
            "race" => Ok(Mode::Race),
            "check" => Ok(Mode::Check),
            _ => {
                let guess = if distance(value, "race") <= distance(value, "check") {
                    "race"
                } else {
                    "check"
                };
                Err(darling::Error::custom(format!(
                    "unknown mode `{value}`: did you mean `{guess}`?\n\
                     help: `mode = \"race\"` (the default) races each await against the context; \
                     `mode = \"check\"` checks the context before each await and never drops a future in flight"
                )))
            }
        }
    }
}

/// Edit distance, for the "did you mean" of a misspelt mode.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[derive(Debug, FromMeta)]
struct RawArgs {
    #[darling(default)]
    timeout: Option<LitStr>,
    #[darling(default)]
    cause: Option<LitStr>,
    #[darling(default)]
    mode: Option<Mode>,
    #[darling(default)]
    ctx: Option<Ident>,
    #[darling(default, rename = "crate")]
    krate: Option<Path>,
}

/// The options, checked.
pub(crate) struct Args {
    pub(crate) timeout: Option<Timeout>,
    pub(crate) mode: Mode,
    /// The name given with `ctx = name`, if any.
    pub(crate) ctx: Option<Ident>,
    /// The path of the runtime crate: `::ctxkit` unless `crate = ..` says otherwise.
    pub(crate) krate: Path,
}

pub(crate) struct Timeout {
    pub(crate) duration: Duration,
    /// The duration as written, for the default cause.
    pub(crate) text: String,
    pub(crate) cause: Option<String>,
    pub(crate) span: Span,
}

impl Args {
    pub(crate) fn parse(tokens: TokenStream) -> Result<Args, TokenStream> {
        let list = NestedMeta::parse_meta_list(tokens).map_err(|e| darling::Error::from(e).write_errors())?;
        let raw = RawArgs::from_list(&list).map_err(darling::Error::write_errors)?;
        let mut errors = darling::Error::accumulator();

        let timeout = raw.timeout.as_ref().and_then(|lit| {
            let text = lit.value();
            let parsed = humantime::parse_duration(text.trim()).map_err(|e| {
                darling::Error::custom(format!(
                    "`timeout` is not a duration: {e}\n\
                     help: write it as humantime does, for example \"250ms\", \"5s\" or \"1m 30s\""
                ))
                .with_span(lit)
            });
            errors.handle(parsed).map(|duration| Timeout {
                duration,
                text: humantime::format_duration(duration).to_string(),
                cause: raw.cause.as_ref().map(LitStr::value),
                span: lit.span(),
            })
        });
        if let (Some(cause), None) = (&raw.cause, &raw.timeout) {
            errors.push(
                darling::Error::custom(
                    "`cause` is the cause of the timeout, and there is no timeout\n\
                     help: add one, for example `#[cancellable(timeout = \"5s\", cause = \"..\")]`",
                )
                .with_span(cause),
            );
        }
        errors.finish().map_err(darling::Error::write_errors)?;

        Ok(Args {
            timeout,
            mode: raw.mode.unwrap_or_default(),
            ctx: raw.ctx,
            krate: raw.krate.unwrap_or_else(|| parse_quote!(::ctxkit)),
        })
    }
}
