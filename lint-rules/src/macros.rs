//! Reads the code inside macro invocations: `select!` branches, and the
//! expression lists of `join!`, `vec!`, `assert!` and friends. So much async
//! code lives inside macros that a checker that skips them misses most of it.

use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, Macro, Pat, Token};

/// One branch of `tokio::select!` / `futures::select!`.
pub(crate) struct SelectBranch {
    /// The future raced (`ctx.done()` in `_ = ctx.done() => ..`).
    pub future: Option<Expr>,
    /// A precondition (`, if cond`).
    pub guard: Option<Expr>,
    /// The code run when the branch wins.
    pub handler: Expr,
}

/// What a macro's tokens hold, as far as the checker can tell.
pub(crate) enum MacroBody {
    Select(Vec<SelectBranch>),
    Exprs(Vec<Expr>),
    Opaque,
}

/// Macros whose tokens are code templates, not code.
fn is_template(name: &str) -> bool {
    matches!(
        name,
        "quote"
            | "quote_spanned"
            | "parse_quote"
            | "parse_quote_spanned"
            | "macro_rules"
            | "format_args_nl"
            | "include"
            | "include_str"
            | "include_bytes"
            | "concat"
            | "stringify"
            | "env"
            | "option_env"
            | "cfg"
            | "compile_error"
    )
}

pub(crate) fn is_select(name: &str) -> bool {
    matches!(name, "select" | "select_biased")
}

/// Whether the macro waits on futures, so a loop around it awaits.
pub(crate) fn awaits(name: &str) -> bool {
    matches!(name, "select" | "select_biased" | "join" | "try_join")
}

pub(crate) fn parse(mac: &Macro) -> MacroBody {
    let name = match mac.path.segments.last() {
        Some(seg) => seg.ident.to_string(),
        None => return MacroBody::Opaque,
    };
    if is_template(&name) || mac.tokens.is_empty() {
        return MacroBody::Opaque;
    }
    if is_select(&name) {
        if let Ok(branches) = parse_select.parse2(mac.tokens.clone()) {
            return MacroBody::Select(branches);
        }
    }
    if let Ok(exprs) = Punctuated::<Expr, Token![,]>::parse_terminated.parse2(mac.tokens.clone()) {
        return MacroBody::Exprs(exprs.into_iter().collect());
    }
    // `vec![value; n]`
    if let Ok(exprs) = parse_repeat.parse2(mac.tokens.clone()) {
        return MacroBody::Exprs(exprs);
    }
    MacroBody::Opaque
}

fn parse_repeat(input: ParseStream) -> syn::Result<Vec<Expr>> {
    let value: Expr = input.parse()?;
    input.parse::<Token![;]>()?;
    let n: Expr = input.parse()?;
    Ok(vec![value, n])
}

fn parse_select(input: ParseStream) -> syn::Result<Vec<SelectBranch>> {
    let mut branches = Vec::new();
    if input.peek(syn::Ident) && input.peek2(Token![;]) {
        // `biased;`
        input.parse::<syn::Ident>()?;
        input.parse::<Token![;]>()?;
    }
    while !input.is_empty() {
        let (future, guard) =
            if (input.peek(Token![else]) || input.peek(syn::Ident)) && input.peek2(Token![=>]) {
                // `else =>`, `complete =>`, `default =>`
                if input.peek(Token![else]) {
                    input.parse::<Token![else]>()?;
                } else {
                    input.parse::<syn::Ident>()?;
                }
                (None, None)
            } else {
                Pat::parse_multi_with_leading_vert(input)?;
                input.parse::<Token![=]>()?;
                let future: Expr = input.parse()?;
                let guard = if input.peek(Token![,]) && input.peek2(Token![if]) {
                    input.parse::<Token![,]>()?;
                    input.parse::<Token![if]>()?;
                    Some(input.parse::<Expr>()?)
                } else {
                    None
                };
                (Some(future), guard)
            };
        input.parse::<Token![=>]>()?;
        let handler: Expr = input.parse()?;
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
        }
        branches.push(SelectBranch {
            future,
            guard,
            handler,
        });
    }
    Ok(branches)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_branches_parse() {
        let mac: Macro = syn::parse_str(
            "tokio::select! { biased; _ = ctx.done() => break, Some(v) = rx.recv(), if ok => { f(v) } else => {} }",
        )
        .unwrap();
        match parse(&mac) {
            MacroBody::Select(b) => {
                assert_eq!(b.len(), 3);
                assert!(b[1].guard.is_some());
                assert!(b[2].future.is_none());
            }
            _ => panic!("not a select"),
        }
    }
}
