//! The one walk over a file. A single visitor keeps what every rule needs to
//! know about the point it is at — imports, the types of bindings, the
//! enclosing function (async? `#[cancellable]`?), enclosing loops, whether
//! the code is already bounded by a timeout or a context — and calls each
//! rule's hook from the node kinds the rule cares about, as ruff does.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Attribute, Block, Expr, ExprMethodCall, FnArg, Item, Pat, Signature, Stmt, Type};

use crate::diagnostic::{Finding, Span};
use crate::imports::{ImportLayer, Imports, path_string};
use crate::known::{self, Flavor};
use crate::macros::{self, MacroBody};
use crate::registry::{Rule, RuleSet};
use crate::rules;
use crate::suppress::CommentAllows;

/// A type the source states or implies, resolved to a canonical path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Ty {
    pub path: String,
    pub flavor: Flavor,
}

impl Ty {
    pub fn new(path: impl Into<String>) -> Ty {
        Ty {
            path: path.into(),
            flavor: Flavor::Unknown,
        }
    }

    pub fn is_ctx(&self) -> bool {
        self.path == "ctxkit::Ctx"
    }
}

/// How `#[cancellable]` treats the awaits of its function.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Races every await against the context (the default).
    Race,
    /// Only checks the context before each await.
    Check,
}

struct Scope {
    bindings: Vec<(String, Ty)>,
    /// A function's parameter scope: lookups stop here.
    barrier: bool,
}

/// A function, closure or async block: what `.await`, `break` and `return`
/// in it belong to.
pub(crate) struct Body {
    pub is_async: bool,
    pub cancellable: Option<Mode>,
    /// Nesting depth of timeouts, `ctx.run(..)` and context `select!`s.
    pub bounded: u32,
    loops: Vec<LoopFrame>,
}

pub(crate) struct LoopFrame {
    pub label: Option<String>,
    pub keyword: &'static str,
    pub span: Span,
    pub awaits: bool,
    /// A `break`, `return`, a `while` condition: the loop can end by itself.
    pub exits: bool,
    /// A context check, a context `select!` branch, `ctx.run`.
    pub ctx_tied: bool,
}

struct ImplFrame {
    self_ty: Option<String>,
    trait_impl: bool,
}

/// What the file defines: struct fields and type aliases, so `self.tx` and
/// `type Tx = mpsc::Sender<Job>` have types.
#[derive(Default)]
struct LocalItems {
    types: HashSet<String>,
    aliases: HashMap<String, Option<Ty>>,
    fields: HashMap<String, HashMap<String, Option<Ty>>>,
}

/// The walk's state. Holds no borrow of the syntax tree, so the code parsed
/// out of macro invocations can be walked with the same visitor.
pub(crate) struct Checker<'s> {
    source: &'s str,
    line_starts: OnceCell<Vec<usize>>,
    enabled: RuleSet,
    comment_allows: &'s CommentAllows,
    imports: Imports,
    items: LocalItems,
    scopes: Vec<Scope>,
    bodies: Vec<Body>,
    allows: Vec<RuleSet>,
    impls: Vec<ImplFrame>,
    /// The expression directly under the `.await` being walked, and the
    /// `await` keyword's span.
    awaited: Option<(usize, proc_macro2::Span)>,
    callee: usize,
    ctx_closures: Vec<usize>,
    /// Generic type parameters in scope.
    generics: Vec<String>,
    findings: Vec<Finding>,
}

fn addr<T>(node: &T) -> usize {
    node as *const T as usize
}

/// The address a visit method sees for an expression: the variant's payload.
fn node_addr(e: &Expr) -> usize {
    match e {
        Expr::MethodCall(m) => addr(m),
        Expr::Call(c) => addr(c),
        other => addr(other),
    }
}

pub(crate) fn strip(mut e: &Expr) -> &Expr {
    loop {
        match e {
            Expr::Paren(p) => e = &p.expr,
            Expr::Group(g) => e = &g.expr,
            Expr::Reference(r) => e = &r.expr,
            _ => return e,
        }
    }
}

impl<'s> Checker<'s> {
    pub fn new(source: &'s str, enabled: RuleSet, comment_allows: &'s CommentAllows) -> Self {
        Checker {
            source,
            line_starts: OnceCell::new(),
            enabled,
            comment_allows,
            imports: Imports::default(),
            items: LocalItems::default(),
            scopes: Vec::new(),
            bodies: vec![Body {
                is_async: false,
                cancellable: None,
                bounded: 0,
                loops: Vec::new(),
            }],
            allows: vec![RuleSet::EMPTY],
            impls: Vec::new(),
            awaited: None,
            callee: 0,
            ctx_closures: Vec::new(),
            generics: Vec::new(),
            findings: Vec::new(),
        }
    }

    pub fn check_file(mut self, file: &syn::File) -> Vec<Finding> {
        self.imports.push(ImportLayer::from_items(&file.items, true));
        self.collect_items(&file.items);
        let pushed = self.push_allows(&file.attrs);
        for item in &file.items {
            self.visit_item(item);
        }
        if pushed {
            self.allows.pop();
        }
        self.findings
    }

    // ---- reporting -------------------------------------------------------

    pub fn enabled(&self, rule: Rule) -> bool {
        self.enabled.contains(rule)
    }

    pub fn report(&mut self, finding: Finding) {
        let rule = finding.rule;
        if !self.enabled(rule) {
            return;
        }
        if self.allows.last().is_some_and(|a| a.contains(rule)) {
            return;
        }
        if self.comment_allows.allows(finding.span.start.line, rule) {
            return;
        }
        self.findings.push(finding);
    }

    /// The source text of a single-line span, for messages and help.
    pub fn text(&self, span: Span) -> Option<&'s str> {
        if span.start.line != span.end.line {
            return None;
        }
        let starts = self
            .line_starts
            .get_or_init(|| crate::source::line_starts(self.source));
        let line_start = *starts.get(span.start.line.checked_sub(1)?)?;
        let line_end = starts.get(span.start.line).copied().unwrap_or(self.source.len());
        let line = self.source.get(line_start..line_end)?;
        let from = crate::source::char_to_byte(line, span.start.column);
        let to = crate::source::char_to_byte(line, span.end.column);
        line.get(from..to)
    }

    /// Source text for a node when it fits on one short line, else `fallback`.
    pub fn short_text<T: Spanned>(&self, node: &T, fallback: &'s str) -> &'s str {
        let span = Span::from_pm2(node.span());
        match self.text(span) {
            Some(t) if t.len() <= 40 => t,
            _ => fallback,
        }
    }

    // ---- what the rules ask -----------------------------------------------

    pub fn body(&self) -> &Body {
        self.bodies.last().expect("the file body is never popped")
    }

    fn body_mut(&mut self) -> &mut Body {
        self.bodies.last_mut().expect("the file body is never popped")
    }

    pub fn is_bounded(&self) -> bool {
        self.body().bounded > 0
    }

    pub fn in_trait_impl(&self) -> bool {
        self.impls.last().is_some_and(|i| i.trait_impl)
    }

    /// Resolves a written path through the imports in scope.
    pub fn resolve(&self, path: &syn::Path) -> crate::imports::Resolved {
        self.imports.resolve(&path_string(path))
    }

    /// The type a `syn::Type` names, if the checker can tell.
    pub fn type_of(&self, ty: &Type) -> Option<Ty> {
        self.type_of_depth(ty, 0)
    }

    fn type_of_depth(&self, ty: &Type, depth: u32) -> Option<Ty> {
        if depth > 8 {
            return None;
        }
        match ty {
            Type::Reference(r) => self.type_of_depth(&r.elem, depth + 1),
            Type::Paren(p) => self.type_of_depth(&p.elem, depth + 1),
            Type::Group(g) => self.type_of_depth(&g.elem, depth + 1),
            Type::Path(tp) if tp.qself.is_none() => {
                let written = path_string(&tp.path);
                if written == "Self" {
                    return self.impls.last().and_then(|i| i.self_ty.clone()).map(Ty::new);
                }
                let res = self.imports.resolve(&written);
                let last = res.path.rsplit("::").next().unwrap_or("");
                if matches!(last, "Arc" | "Rc" | "Box")
                    && (!res.imported || res.path.starts_with("std::"))
                    && !self.items.types.contains(last)
                {
                    let seg = tp.path.segments.last()?;
                    if let syn::PathArguments::AngleBracketed(args) = &seg.arguments {
                        for arg in &args.args {
                            if let syn::GenericArgument::Type(inner) = arg {
                                return self.type_of_depth(inner, depth + 1);
                            }
                        }
                    }
                    return None;
                }
                if !res.imported {
                    if let Some(alias) = self.items.aliases.get(&res.path) {
                        return alias.clone();
                    }
                    if self.items.types.contains(&res.path) {
                        return Some(Ty::new(res.path));
                    }
                    if res.path == "Ctx" {
                        return Some(Ty::new("ctxkit::Ctx"));
                    }
                    // A generic parameter could be anything; so could a
                    // `Sender` from a glob import the checker cannot follow.
                    // Any other stated name is a concrete type that is not
                    // one of the channels the checker knows.
                    if self.generics.contains(&res.path) || known::looks_like_sender(&res.path) {
                        return None;
                    }
                    return Some(Ty::new(res.path));
                }
                if known::is_ctx_type(&res.path, true) {
                    return Some(Ty::new("ctxkit::Ctx"));
                }
                Some(Ty::new(res.path))
            }
            _ => None,
        }
    }

    /// Whether a type mentions `Ctx` anywhere (`Option<Ctx>`, `Arc<Ctx>`).
    pub fn mentions_ctx(&self, ty: &Type) -> bool {
        struct Finder<'c, 's> {
            checker: &'c Checker<'s>,
            found: bool,
        }
        impl<'ast> Visit<'ast> for Finder<'_, '_> {
            fn visit_type_path(&mut self, tp: &'ast syn::TypePath) {
                if tp.qself.is_none() {
                    let written = path_string(&tp.path);
                    let res = self.checker.imports.resolve(&written);
                    if known::is_ctx_type(&res.path, res.imported) {
                        self.found = true;
                    }
                }
                visit::visit_type_path(self, tp);
            }
        }
        let mut f = Finder {
            checker: self,
            found: false,
        };
        f.visit_type(ty);
        f.found
    }

    pub fn is_ctx_type(&self, ty: &Type) -> bool {
        self.type_of(ty).is_some_and(|t| t.is_ctx())
    }

    fn lookup(&self, name: &str) -> Option<&Ty> {
        for scope in self.scopes.iter().rev() {
            if let Some((_, ty)) = scope.bindings.iter().rev().find(|(n, _)| n == name) {
                return Some(ty);
            }
            if scope.barrier {
                break;
            }
        }
        None
    }

    /// The name of a `Ctx` binding in scope, if any.
    pub fn ctx_in_scope(&self) -> Option<&str> {
        for scope in self.scopes.iter().rev() {
            if let Some((n, _)) = scope.bindings.iter().rev().find(|(_, t)| t.is_ctx()) {
                return Some(n);
            }
            if scope.barrier {
                break;
            }
        }
        None
    }

    /// Whether an expression is a context: typed `Ctx`, or named like one.
    pub fn is_ctx_like(&self, e: &Expr) -> bool {
        let e = strip(e);
        if self.infer(e).is_some_and(|t| t.is_ctx()) {
            return true;
        }
        match e {
            Expr::Path(p) => p.path.get_ident().is_some_and(|i| is_ctx_name(&i.to_string())),
            Expr::Field(f) => matches!(&f.member, syn::Member::Named(n) if is_ctx_name(&n.to_string())),
            Expr::MethodCall(m) if m.method == "clone" => self.is_ctx_like(&m.receiver),
            Expr::Unary(u) => self.is_ctx_like(&u.expr),
            _ => false,
        }
    }

    /// The type of an expression, where the source states it.
    pub fn infer(&self, e: &Expr) -> Option<Ty> {
        self.infer_depth(e, 0)
    }

    fn infer_depth(&self, e: &Expr, depth: u32) -> Option<Ty> {
        if depth > 16 {
            return None;
        }
        match e {
            Expr::Paren(p) => self.infer_depth(&p.expr, depth + 1),
            Expr::Group(g) => self.infer_depth(&g.expr, depth + 1),
            Expr::Reference(r) => self.infer_depth(&r.expr, depth + 1),
            Expr::Try(t) => self.infer_depth(&t.expr, depth + 1),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.infer_depth(&u.expr, depth + 1),
            Expr::Path(p) if p.qself.is_none() => {
                let ident = p.path.get_ident()?;
                if ident == "self" {
                    return self.impls.last().and_then(|i| i.self_ty.clone()).map(Ty::new);
                }
                self.lookup(&ident.to_string()).cloned()
            }
            Expr::Field(f) => {
                let syn::Member::Named(name) = &f.member else {
                    return None;
                };
                let base = self.infer_depth(&f.base, depth + 1)?;
                let struct_name = base.path.rsplit("::").next()?;
                self.items
                    .fields
                    .get(struct_name)?
                    .get(&name.to_string())?
                    .clone()
            }
            Expr::MethodCall(m) => {
                let name = m.method.to_string();
                match name.as_str() {
                    "clone" | "unwrap" | "expect" | "to_owned" | "as_ref" | "borrow" | "unwrap_or_else"
                    | "into" => self.infer_depth(&m.receiver, depth + 1),
                    "handle" => {
                        let r = self.infer_depth(&m.receiver, depth + 1)?;
                        (r.path == "tokio::runtime::Runtime").then(|| Ty::new("tokio::runtime::Handle"))
                    }
                    "with_value" | "without_cancel" | "with_shutdown_signal" => {
                        let r = self.infer_depth(&m.receiver, depth + 1)?;
                        r.is_ctx().then_some(r)
                    }
                    "build" => {
                        let root = chain_root(e);
                        if let Expr::Call(c) = root {
                            if let Expr::Path(p) = &*c.func {
                                let res = self.resolve(&p.path);
                                if res.path.starts_with("tokio::runtime::Builder::") {
                                    return Some(Ty::new("tokio::runtime::Runtime"));
                                }
                            }
                        }
                        None
                    }
                    _ => None,
                }
            }
            Expr::Call(c) => {
                let Expr::Path(p) = &*c.func else {
                    return None;
                };
                let res = self.resolve(&p.path);
                let (ty, func) = res.path.rsplit_once("::")?;
                if matches!(ty.rsplit("::").next(), Some("Arc" | "Rc" | "Box")) && func == "new" {
                    return c.args.first().and_then(|a| self.infer_depth(a, depth + 1));
                }
                if !matches!(
                    func,
                    "new" | "current" | "try_current" | "default" | "with_capacity" | "background"
                ) {
                    return None;
                }
                if ty == "Ctx" || known::is_ctx_type(ty, true) {
                    return Some(Ty::new("ctxkit::Ctx"));
                }
                if !res.imported && !self.items.types.contains(ty) && !ty.contains("::") {
                    return None;
                }
                Some(Ty::new(ty))
            }
            _ => None,
        }
    }

    /// Types of the parts of a tuple an expression returns: channel halves,
    /// a context and its cancel handle.
    fn infer_tuple(&self, e: &Expr) -> Option<Vec<Option<Ty>>> {
        let e = strip_try(e);
        match e {
            Expr::Call(c) => {
                let Expr::Path(p) = &*c.func else {
                    return None;
                };
                let res = self.resolve(&p.path);
                let (tx, rx, flavor) = known::channel_fn(&res.path)?;
                Some(vec![
                    Some(Ty {
                        path: tx.to_string(),
                        flavor,
                    }),
                    Some(Ty {
                        path: rx.to_string(),
                        flavor,
                    }),
                ])
            }
            Expr::MethodCall(m) if rules::discarded_cancel::is_derive_method(&m.method.to_string()) => {
                Some(vec![
                    Some(Ty::new("ctxkit::Ctx")),
                    Some(Ty::new("ctxkit::CancelHandle")),
                ])
            }
            _ => None,
        }
    }

    // ---- walk state ---------------------------------------------------------

    fn bind(&mut self, name: String, ty: Ty) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.bindings.push((name, ty));
        }
    }

    fn bind_pat(&mut self, pat: &Pat, ty: Option<Ty>, tuple: Option<Vec<Option<Ty>>>) {
        match pat {
            Pat::Ident(pi) => {
                if let Some(ty) = ty {
                    self.bind(pi.ident.to_string(), ty);
                } else {
                    // Shadowing: a new binding of unknown type hides the old one.
                    self.bind(pi.ident.to_string(), Ty::new(""));
                }
            }
            Pat::Type(pt) => {
                let stated = self.type_of(&pt.ty);
                if let (Pat::Tuple(_), Type::Tuple(tt)) = (&*pt.pat, &*pt.ty) {
                    let parts = tt.elems.iter().map(|t| self.type_of(t)).collect();
                    self.bind_pat(&pt.pat, None, Some(parts));
                } else {
                    self.bind_pat(&pt.pat, stated.or(ty), tuple);
                }
            }
            Pat::Reference(r) => self.bind_pat(&r.pat, ty, tuple),
            Pat::Paren(p) => self.bind_pat(&p.pat, ty, tuple),
            Pat::Tuple(t) => {
                for (i, elem) in t.elems.iter().enumerate() {
                    let part = tuple.as_ref().and_then(|parts| parts.get(i).cloned().flatten());
                    self.bind_pat(elem, part, None);
                }
            }
            _ => {}
        }
    }

    fn push_scope(&mut self, barrier: bool) {
        self.scopes.push(Scope {
            bindings: Vec::new(),
            barrier,
        });
    }

    /// Pushes the allows an item's attributes name; returns whether it pushed.
    fn push_allows(&mut self, attrs: &[Attribute]) -> bool {
        let mut set = RuleSet::EMPTY;
        for attr in attrs {
            set = set.union(crate::suppress::attr_allows(attr));
        }
        if set.is_empty() {
            return false;
        }
        let top = *self.allows.last().unwrap_or(&RuleSet::EMPTY);
        self.allows.push(top.union(set));
        true
    }

    fn with_bounded(&mut self, bounded: bool, f: impl FnOnce(&mut Self)) {
        if bounded {
            self.body_mut().bounded += 1;
        }
        f(self);
        if bounded {
            self.body_mut().bounded -= 1;
        }
    }

    fn tie_loops_to_ctx(&mut self) {
        for l in &mut self.body_mut().loops {
            l.ctx_tied = true;
        }
    }

    fn mark_await(&mut self) {
        for l in &mut self.body_mut().loops {
            l.awaits = true;
        }
    }

    fn collect_items(&mut self, items: &[Item]) {
        // Names first, then aliases and fields, which may mention them.
        fn names(items: &[Item], out: &mut HashSet<String>) {
            for item in items {
                match item {
                    Item::Struct(s) => drop(out.insert(s.ident.to_string())),
                    Item::Enum(e) => drop(out.insert(e.ident.to_string())),
                    Item::Union(u) => drop(out.insert(u.ident.to_string())),
                    Item::Trait(t) => drop(out.insert(t.ident.to_string())),
                    Item::Type(t) => drop(out.insert(t.ident.to_string())),
                    Item::Mod(m) => {
                        if let Some((_, items)) = &m.content {
                            names(items, out);
                        }
                    }
                    _ => {}
                }
            }
        }
        names(items, &mut self.items.types);
        self.collect_types(items);
    }

    fn collect_types(&mut self, items: &[Item]) {
        for item in items {
            match item {
                Item::Type(t) => {
                    let ty = self.type_of(&t.ty);
                    self.items.aliases.insert(t.ident.to_string(), ty);
                }
                Item::Struct(s) => {
                    let mark = self.push_generics(&s.generics);
                    let mut fields = HashMap::new();
                    for f in &s.fields {
                        if let Some(name) = &f.ident {
                            fields.insert(name.to_string(), self.type_of(&f.ty));
                        }
                    }
                    self.generics.truncate(mark);
                    self.items.fields.insert(s.ident.to_string(), fields);
                }
                Item::Mod(m) => {
                    if let Some((_, items)) = &m.content {
                        self.imports.push(ImportLayer::from_items(items, true));
                        self.collect_types(items);
                        self.imports.pop();
                    }
                }
                _ => {}
            }
        }
    }

    /// Takes note that `node` is directly awaited; returns the `await`
    /// keyword's span if so.
    fn take_awaited<T>(&mut self, node: &T) -> Option<proc_macro2::Span> {
        match self.awaited {
            Some((a, span)) if a == addr(node) => {
                self.awaited = None;
                Some(span)
            }
            _ => None,
        }
    }

    fn push_generics(&mut self, generics: &syn::Generics) -> usize {
        let mark = self.generics.len();
        for p in generics.type_params() {
            self.generics.push(p.ident.to_string());
        }
        mark
    }

    fn visit_fn(&mut self, attrs: &[Attribute], sig: &Signature, block: &Block) {
        let mark = self.push_generics(&sig.generics);
        self.visit_fn_inner(attrs, sig, block);
        self.generics.truncate(mark);
    }

    fn visit_fn_inner(&mut self, attrs: &[Attribute], sig: &Signature, block: &Block) {
        rules::ctx_not_first::check_signature(self, sig);
        let cancellable = cancellable_mode(attrs);
        self.bodies.push(Body {
            is_async: sig.asyncness.is_some(),
            cancellable: cancellable.as_ref().map(|(m, _)| *m),
            bounded: 0,
            loops: Vec::new(),
        });
        self.push_scope(true);
        let mut has_ctx = false;
        for input in &sig.inputs {
            if let FnArg::Typed(pt) = input {
                let ty = self.type_of(&pt.ty);
                has_ctx |= ty.as_ref().is_some_and(Ty::is_ctx);
                self.bind_pat(&pt.pat, ty, None);
            }
        }
        if let Some((_, name)) = cancellable {
            if !has_ctx {
                self.bind(name, Ty::new("ctxkit::Ctx"));
            }
        }
        self.visit_block(block);
        self.scopes.pop();
        self.bodies.pop();
    }

    fn visit_macro_body(&mut self, mac: &syn::Macro) {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if macros::awaits(&name) && self.body().is_async {
            self.mark_await();
        }
        match macros::parse(mac) {
            MacroBody::Select(branches) => {
                let ctx_branch = branches
                    .iter()
                    .any(|b| b.future.as_ref().is_some_and(|f| self.is_ctx_wait(f)));
                let timer_branch = branches
                    .iter()
                    .any(|b| b.future.as_ref().is_some_and(|f| self.is_timer(f)));
                if ctx_branch {
                    self.tie_loops_to_ctx();
                }
                for b in &branches {
                    if let Some(f) = &b.future {
                        self.with_bounded(ctx_branch || timer_branch, |c| c.visit_select_future(f));
                    }
                    if let Some(g) = &b.guard {
                        self.visit_expr(g);
                    }
                    self.visit_expr(&b.handler);
                }
            }
            MacroBody::Exprs(exprs) => {
                for e in &exprs {
                    self.visit_expr(e);
                }
            }
            MacroBody::Opaque => {}
        }
    }

    /// A `select!` branch future is awaited by the macro.
    fn visit_select_future(&mut self, f: &Expr) {
        let inner = strip(f);
        self.awaited = Some((node_addr(inner), proc_macro2::Span::call_site()));
        self.visit_expr(f);
        self.awaited = None;
    }

    /// `ctx.done()`, `token.cancelled()`: a future that ends with a context.
    pub fn is_ctx_wait(&self, e: &Expr) -> bool {
        match strip(e) {
            Expr::MethodCall(m) => matches!(
                m.method.to_string().as_str(),
                "done" | "cancelled" | "cancelled_owned" | "wait_for_cancellation"
            ),
            Expr::Await(a) => self.is_ctx_wait(&a.base),
            _ => false,
        }
    }

    fn is_timer(&self, e: &Expr) -> bool {
        match strip(e) {
            Expr::Call(c) => match &*c.func {
                Expr::Path(p) => known::is_timer_fn(&self.resolve(&p.path).path),
                _ => false,
            },
            _ => false,
        }
    }

    fn visit_loop_body(&mut self, frame: LoopFrame, f: impl FnOnce(&mut Self)) {
        self.body_mut().loops.push(frame);
        f(self);
        let frame = self.body_mut().loops.pop().expect("pushed above");
        rules::uncancellable_loop::check_loop(self, &frame);
    }
}

fn is_ctx_name(name: &str) -> bool {
    name == "ctx" || name.ends_with("_ctx") || name == "context"
}

pub(crate) fn strip_try(mut e: &Expr) -> &Expr {
    loop {
        match e {
            Expr::Try(t) => e = &t.expr,
            Expr::Paren(p) => e = &p.expr,
            Expr::MethodCall(m) if matches!(m.method.to_string().as_str(), "unwrap" | "expect") => {
                e = &m.receiver
            }
            _ => return e,
        }
    }
}

/// The first expression of a method chain: `Client::builder()` in
/// `Client::builder().timeout(d).build()`.
pub(crate) fn chain_root(mut e: &Expr) -> &Expr {
    loop {
        match e {
            Expr::MethodCall(m) => e = &m.receiver,
            Expr::Try(t) => e = &t.expr,
            Expr::Paren(p) => e = &p.expr,
            Expr::Await(a) => e = &a.base,
            _ => return e,
        }
    }
}

/// The names of the methods of a chain, outermost first.
pub(crate) fn chain_methods(mut e: &Expr) -> Vec<&syn::Ident> {
    let mut out = Vec::new();
    loop {
        match e {
            Expr::MethodCall(m) => {
                out.push(&m.method);
                e = &m.receiver;
            }
            Expr::Try(t) => e = &t.expr,
            Expr::Paren(p) => e = &p.expr,
            Expr::Await(a) => e = &a.base,
            _ => return out,
        }
    }
}

/// `#[cancellable]` / `#[ctxkit::cancellable(mode = "check", ctx = c)]`:
/// its mode and the name of the context it provides.
fn cancellable_mode(attrs: &[Attribute]) -> Option<(Mode, String)> {
    for attr in attrs {
        let Some(last) = attr.path().segments.last() else {
            continue;
        };
        if last.ident != "cancellable" {
            continue;
        }
        let mut mode = Mode::Race;
        let mut name = "ctx".to_string();
        if let syn::Meta::List(list) = &attr.meta {
            let _ = list.parse_nested_meta(|meta| {
                if meta.path.is_ident("mode") {
                    let v: syn::LitStr = meta.value()?.parse()?;
                    if v.value() == "check" {
                        mode = Mode::Check;
                    }
                } else if meta.path.is_ident("ctx") {
                    let v: syn::Expr = meta.value()?.parse()?;
                    if let Expr::Path(p) = v {
                        if let Some(i) = p.path.get_ident() {
                            name = i.to_string();
                        }
                    }
                } else if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                }
                Ok(())
            });
        }
        return Some((mode, name));
    }
    None
}

fn item_attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Const(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::ExternCrate(i) => &i.attrs,
        Item::Fn(i) => &i.attrs,
        Item::ForeignMod(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Macro(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::TraitAlias(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Union(i) => &i.attrs,
        Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

fn expr_attrs(e: &Expr) -> &[Attribute] {
    match e {
        Expr::Assign(x) => &x.attrs,
        Expr::Async(x) => &x.attrs,
        Expr::Await(x) => &x.attrs,
        Expr::Block(x) => &x.attrs,
        Expr::Call(x) => &x.attrs,
        Expr::Closure(x) => &x.attrs,
        Expr::ForLoop(x) => &x.attrs,
        Expr::If(x) => &x.attrs,
        Expr::Let(x) => &x.attrs,
        Expr::Loop(x) => &x.attrs,
        Expr::Macro(x) => &x.attrs,
        Expr::Match(x) => &x.attrs,
        Expr::MethodCall(x) => &x.attrs,
        Expr::Try(x) => &x.attrs,
        Expr::Unsafe(x) => &x.attrs,
        Expr::While(x) => &x.attrs,
        Expr::Path(x) => &x.attrs,
        _ => &[],
    }
}

impl<'ast> Visit<'ast> for Checker<'_> {
    fn visit_item(&mut self, item: &'ast Item) {
        let pushed = self.push_allows(item_attrs(item));
        visit::visit_item(self, item);
        if pushed {
            self.allows.pop();
        }
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if let Some((_, items)) = &m.content {
            self.imports.push(ImportLayer::from_items(items, true));
            // Items of a module see nothing of the enclosing function.
            self.push_scope(true);
            for item in items {
                self.visit_item(item);
            }
            self.scopes.pop();
            self.imports.pop();
        }
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.visit_fn(&f.attrs, &f.sig, &f.block);
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let self_ty = match &*i.self_ty {
            Type::Path(tp) => tp.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        self.impls.push(ImplFrame {
            self_ty,
            trait_impl: i.trait_.is_some(),
        });
        let mark = self.push_generics(&i.generics);
        for item in &i.items {
            self.visit_impl_item(item);
        }
        self.generics.truncate(mark);
        self.impls.pop();
    }

    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        self.impls.push(ImplFrame {
            self_ty: None,
            trait_impl: false,
        });
        let mark = self.push_generics(&t.generics);
        for item in &t.items {
            self.visit_trait_item(item);
        }
        self.generics.truncate(mark);
        self.impls.pop();
    }

    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        for field in &s.fields {
            self.visit_field(field);
        }
    }

    fn visit_field(&mut self, field: &'ast syn::Field) {
        let pushed = self.push_allows(&field.attrs);
        rules::ctx_in_struct::check_field(self, field);
        if pushed {
            self.allows.pop();
        }
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        let attrs: &[Attribute] = match item {
            syn::ImplItem::Fn(f) => &f.attrs,
            syn::ImplItem::Const(c) => &c.attrs,
            _ => &[],
        };
        let pushed = self.push_allows(attrs);
        match item {
            syn::ImplItem::Fn(f) => self.visit_fn(&f.attrs, &f.sig, &f.block),
            other => visit::visit_impl_item(self, other),
        }
        if pushed {
            self.allows.pop();
        }
    }

    fn visit_trait_item(&mut self, item: &'ast syn::TraitItem) {
        if let syn::TraitItem::Fn(f) = item {
            let pushed = self.push_allows(&f.attrs);
            match &f.default {
                Some(block) => self.visit_fn(&f.attrs, &f.sig, block),
                None => rules::ctx_not_first::check_signature(self, &f.sig),
            }
            if pushed {
                self.allows.pop();
            }
        }
    }

    fn visit_block(&mut self, block: &'ast Block) {
        let has_use = block
            .stmts
            .iter()
            .any(|s| matches!(s, Stmt::Item(Item::Use(_) | Item::ExternCrate(_))));
        if has_use {
            let items = block.stmts.iter().filter_map(|s| match s {
                Stmt::Item(i) => Some(i),
                _ => None,
            });
            self.imports.push(ImportLayer::from_items(items, false));
        }
        self.push_scope(false);
        for stmt in &block.stmts {
            self.visit_stmt(stmt);
        }
        self.scopes.pop();
        if has_use {
            self.imports.pop();
        }
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        let pushed = self.push_allows(&local.attrs);
        rules::discarded_cancel::check_local(self, local);
        if let Some(init) = &local.init {
            self.visit_expr(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
        }
        let (ty, tuple) = match &local.init {
            Some(init) => (self.infer(&init.expr), self.infer_tuple(&init.expr)),
            None => (None, None),
        };
        self.bind_pat(&local.pat, ty, tuple);
        if pushed {
            self.allows.pop();
        }
    }

    fn visit_stmt_macro(&mut self, m: &'ast syn::StmtMacro) {
        let pushed = self.push_allows(&m.attrs);
        self.visit_macro_body(&m.mac);
        if pushed {
            self.allows.pop();
        }
    }

    fn visit_expr_macro(&mut self, m: &'ast syn::ExprMacro) {
        self.visit_macro_body(&m.mac);
    }

    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        let pushed = self.push_allows(&arm.attrs);
        visit::visit_arm(self, arm);
        if pushed {
            self.allows.pop();
        }
    }

    fn visit_expr(&mut self, e: &'ast Expr) {
        let attrs = expr_attrs(e);
        let pushed = !attrs.is_empty() && self.push_allows(attrs);
        visit::visit_expr(self, e);
        if pushed {
            self.allows.pop();
        }
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        let ctx_closure = self.ctx_closures.contains(&addr(c));
        let bounded = self.body().bounded;
        self.bodies.push(Body {
            is_async: c.asyncness.is_some(),
            cancellable: None,
            bounded,
            loops: Vec::new(),
        });
        self.push_scope(false);
        for (i, input) in c.inputs.iter().enumerate() {
            let ty = if i == 0 && ctx_closure {
                Some(Ty::new("ctxkit::Ctx"))
            } else {
                None
            };
            self.bind_pat(input, ty, None);
        }
        self.visit_expr(&c.body);
        self.scopes.pop();
        self.bodies.pop();
    }

    fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
        let bounded = self.body().bounded;
        self.bodies.push(Body {
            is_async: true,
            cancellable: None,
            bounded,
            loops: Vec::new(),
        });
        self.visit_block(&a.block);
        self.bodies.pop();
    }

    fn visit_expr_await(&mut self, a: &'ast syn::ExprAwait) {
        self.mark_await();
        let inner = strip(&a.base);
        self.awaited = Some((node_addr(inner), a.await_token.span));
        self.visit_expr(&a.base);
        self.awaited = None;
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        let awaited = self.take_awaited(c).is_some();
        let mut bound_args = false;
        if let Expr::Path(p) = &*c.func {
            if p.qself.is_none() {
                let res = self.resolve(&p.path);
                rules::bare_spawn::check_call(self, c, &p.path, &res.path);
                rules::unbounded_channel::check_call(self, c, &p.path, &res.path);
                rules::fresh_root_ctx::check_call(self, c, &res);
                rules::untimed_http::check_call(self, c, &p.path, &res.path, awaited);
                bound_args = known::is_timeout_fn(&res.path);
            }
        }
        if let Expr::Path(p) = &*c.func {
            self.callee = addr(p);
        }
        self.visit_expr(&c.func);
        self.with_bounded(bound_args, |this| {
            for arg in &c.args {
                this.visit_expr(arg);
            }
        });
    }

    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if self.callee != addr(p) && p.qself.is_none() && p.path.segments.len() > 1 {
            let res = self.resolve(&p.path);
            rules::bare_spawn::check_path_value(self, p, &res.path);
        }
    }

    fn visit_expr_method_call(&mut self, m: &'ast ExprMethodCall) {
        let awaited = self.take_awaited(m);
        let name = m.method.to_string();
        let ctx_receiver = matches!(
            name.as_str(),
            "run" | "err" | "spawn" | "spawn_named" | "spawn_blocking"
        ) && self.is_ctx_like(&m.receiver);
        match name.as_str() {
            "is_done"
            | "is_cancelled"
            | "done"
            | "cancelled"
            | "cancelled_owned"
            | "recv_within"
            | "send_within"
            | "run_until_cancelled" => self.tie_loops_to_ctx(),
            "run" | "err" if ctx_receiver => self.tie_loops_to_ctx(),
            _ => {}
        }
        rules::bare_spawn::check_method(self, m);
        rules::untimed_send::check_method(self, m, awaited.is_some());
        rules::untimed_http::check_method(self, m, awaited.is_some());
        if let Some(await_span) = awaited {
            rules::cancel_unsafe_await::check_awaited(self, m, await_span);
        }
        if ctx_receiver && name.starts_with("spawn") {
            for arg in &m.args {
                if let Expr::Closure(c) = arg {
                    self.ctx_closures.push(addr(c));
                }
            }
        }
        let bound_receiver = matches!(name.as_str(), "timeout" | "timeout_at");
        let bound_args = (name == "run" && ctx_receiver) || name == "run_until_cancelled";
        self.with_bounded(bound_receiver, |this| this.visit_expr(&m.receiver));
        self.with_bounded(bound_args, |this| {
            for arg in &m.args {
                this.visit_expr(arg);
            }
        });
    }

    fn visit_expr_try(&mut self, t: &'ast syn::ExprTry) {
        // `do_work(&ctx).await?`: a call given the context, whose error ends
        // the loop.
        let inner = match strip(&t.expr) {
            Expr::Await(a) => strip(&a.base),
            other => other,
        };
        let passes_ctx = match inner {
            Expr::Call(c) => c.args.iter().any(|a| self.is_ctx_like(a)),
            Expr::MethodCall(m) => m.args.iter().any(|a| self.is_ctx_like(a)),
            _ => false,
        };
        if passes_ctx {
            self.tie_loops_to_ctx();
        }
        visit::visit_expr_try(self, t);
    }

    fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
        let frame = LoopFrame {
            label: l.label.as_ref().map(|lb| lb.name.ident.to_string()),
            keyword: "loop",
            span: Span::from_pm2(l.loop_token.span),
            awaits: false,
            exits: false,
            ctx_tied: false,
        };
        self.visit_loop_body(frame, |this| this.visit_block(&l.body));
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        let exits = rules::uncancellable_loop::while_ends_by_itself(&w.cond);
        let frame = LoopFrame {
            label: w.label.as_ref().map(|lb| lb.name.ident.to_string()),
            keyword: "while",
            span: Span::from_pm2(w.while_token.span),
            awaits: false,
            exits,
            ctx_tied: false,
        };
        self.visit_loop_body(frame, |this| {
            this.visit_expr(&w.cond);
            this.visit_block(&w.body);
        });
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.visit_expr(&f.expr);
        let frame = LoopFrame {
            label: f.label.as_ref().map(|lb| lb.name.ident.to_string()),
            keyword: "for",
            span: Span::from_pm2(f.for_token.span),
            awaits: false,
            // A `for` loop ends with its iterator.
            exits: true,
            ctx_tied: false,
        };
        self.visit_loop_body(frame, |this| {
            this.push_scope(false);
            this.bind_pat(&f.pat, None, None);
            this.visit_block(&f.body);
            this.scopes.pop();
        });
    }

    fn visit_expr_break(&mut self, b: &'ast syn::ExprBreak) {
        let loops = &mut self.body_mut().loops;
        match &b.label {
            Some(label) => {
                let name = label.ident.to_string();
                // Breaking out of a labeled loop leaves every loop inside it.
                if let Some(at) = loops.iter().rposition(|l| l.label.as_deref() == Some(&name)) {
                    for l in &mut loops[at..] {
                        l.exits = true;
                    }
                }
            }
            None => {
                if let Some(l) = loops.last_mut() {
                    l.exits = true;
                }
            }
        }
        visit::visit_expr_break(self, b);
    }

    fn visit_expr_return(&mut self, r: &'ast syn::ExprReturn) {
        for l in &mut self.body_mut().loops {
            l.exits = true;
        }
        visit::visit_expr_return(self, r);
    }

    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        rules::discarded_cancel::check_assign(self, a);
        visit::visit_expr_assign(self, a);
    }

    fn visit_expr_field(&mut self, f: &'ast syn::ExprField) {
        rules::discarded_cancel::check_field(self, f);
        visit::visit_expr_field(self, f);
    }

    // Types, patterns and attributes hold no code the rules look at.
    fn visit_type(&mut self, _: &'ast Type) {}
    fn visit_attribute(&mut self, _: &'ast Attribute) {}
    fn visit_pat(&mut self, _: &'ast Pat) {}
}

/// The span of a call: callee to closing paren when on one line, else the
/// callee alone (a spawn of a long async block should not underline it all).
pub(crate) fn call_span(callee: &syn::Path, paren: &syn::token::Paren) -> Span {
    let first = match &callee.leading_colon {
        Some(colons) => colons.spans[0],
        None => callee
            .segments
            .first()
            .map(|s| s.ident.span())
            .unwrap_or_else(proc_macro2::Span::call_site),
    };
    let last = callee
        .segments
        .last()
        .map(|s| s.ident.span())
        .unwrap_or_else(proc_macro2::Span::call_site);
    let whole = Span::between(first, paren.span.close());
    if whole.start.line == whole.end.line {
        whole
    } else {
        Span::between(first, last)
    }
}

/// The span of a method call from the method name to the closing paren
/// when on one line, else the method name.
pub(crate) fn method_span(m: &ExprMethodCall) -> Span {
    let whole = Span::between(m.method.span(), m.paren_token.span.close());
    if whole.start.line == whole.end.line {
        whole
    } else {
        Span::from_pm2(m.method.span())
    }
}
