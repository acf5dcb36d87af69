//! The syntax-tree pass: every unsafe site of one parsed file, with its enclosing item, its
//! SAFETY comment and the unsafe operations inside it.

use std::collections::HashSet;

use proc_macro2::Span;
use syn::visit::{self, Visit};

use crate::measure;
use crate::patterns::{self, Pattern};
use crate::site::{Site, SiteKind};
use crate::tokens;

/// The names of every function declared in an `extern` block of `file`.
pub fn extern_fns(file: &syn::File) -> Vec<String> {
    struct Externs(Vec<String>);
    impl<'ast> Visit<'ast> for Externs {
        fn visit_foreign_item_fn(&mut self, i: &'ast syn::ForeignItemFn) {
            self.0.push(i.sig.ident.to_string());
        }
    }
    let mut externs = Externs(Vec::new());
    externs.visit_file(file);
    externs.0
}

/// Every unsafe site of `file`, whose source is `source`, named `name` in the results; `cfg`
/// holds the conditions of the module declarations that lead to this file.
pub fn sites(
    name: &str,
    source: &str,
    file: &syn::File,
    cfg: &[String],
    externs: &HashSet<String>,
) -> Vec<Site> {
    let mut scanner = Scanner {
        name,
        lines: source.lines().collect(),
        externs,
        items: Vec::new(),
        cfg: cfg.to_vec(),
        statements: Vec::new(),
        current: None,
        sites: Vec::new(),
        functions: 0,
        trait_impls: 0,
        callable: HashSet::new(),
    };
    scanner.visit_file(file);
    let callable = &scanner.callable;
    for site in &mut scanner.sites {
        site.operations.sort();
        site.operations.dedup();
        site.callable = callable.contains(&site.item);
        site.safe_twin = site
            .callable
            .then(|| {
                let (scope, name) = site.item.rsplit_once("::").unwrap_or(("", &site.item));
                let twin = measure::twin_name(name)?;
                let twin = if scope.is_empty() {
                    twin
                } else {
                    format!("{scope}::{twin}")
                };
                callable.contains(&twin).then_some(twin)
            })
            .flatten();
    }
    scanner.sites
}

struct Scanner<'a> {
    name: &'a str,
    lines: Vec<&'a str>,
    externs: &'a HashSet<String>,
    /// The enclosing items' names.
    items: Vec<String>,
    /// The enclosing `#[cfg]` conditions.
    cfg: Vec<String>,
    /// The first lines of the enclosing statements.
    statements: Vec<usize>,
    /// The innermost unsafe site, which the operations seen belong to.
    current: Option<usize>,
    sites: Vec<Site>,
    /// How many functions enclose the walk.
    functions: usize,
    /// How many traits and trait impls enclose the walk.
    trait_impls: usize,
    /// The item paths of the functions a bench could call by path.
    callable: HashSet<String>,
}

impl Scanner<'_> {
    /// Opens a site at `keyword` (the `unsafe` token) ending at `end`; returns its index.
    fn open(&mut self, kind: SiteKind, keyword: Span, end: Span, safety: bool) -> usize {
        let line = keyword.start().line;
        let safety_comment = safety
            || self.comment_before(line, keyword.start().column)
            || self
                .statements
                .last()
                .is_some_and(|&start| self.comment_before(start, 0));
        self.sites.push(Site {
            file: self.name.to_owned(),
            line,
            end_line: end.end().line.max(line),
            kind,
            item: self.items.join("::"),
            safety_comment,
            operations: Vec::new(),
            in_macro: None,
            cfg: self.cfg.clone(),
            callable: false,
            safe_twin: None,
            measure: None,
        });
        self.sites.len() - 1
    }

    /// Whether a comment holding `SAFETY:` sits on the lines just above `line` (comments and
    /// attributes only, no blank line between) or before `column` on the line itself.
    fn comment_before(&self, line: usize, column: usize) -> bool {
        let Some(text) = line.checked_sub(1).and_then(|i| self.lines.get(i)) else {
            return false;
        };
        if text
            .get(..column)
            .is_some_and(|before| before.contains("SAFETY:"))
        {
            return true;
        }
        for above in self.lines[..line - 1].iter().rev() {
            let above = above.trim();
            let comment_or_attribute = above.starts_with("//")
                || above.starts_with("/*")
                || above.starts_with('*')
                || above.ends_with("*/")
                || above.starts_with("#[");
            if !comment_or_attribute {
                return false;
            }
            if above.contains("SAFETY:") {
                return true;
            }
        }
        false
    }

    fn operation(&mut self, pattern: Pattern) {
        if let Some(site) = self.current {
            self.sites[site].operations.push(pattern);
        }
    }

    /// Runs `walk` with `name` and the cfg conditions of `attrs` pushed.
    fn within(&mut self, name: String, attrs: &[syn::Attribute], walk: impl FnOnce(&mut Self)) {
        let cfgs = cfg_conditions(attrs);
        let depth = self.cfg.len();
        self.cfg.extend(cfgs);
        self.items.push(name);
        walk(self);
        self.items.pop();
        self.cfg.truncate(depth);
    }

    /// Runs `walk` with `site` as the site operations belong to.
    fn inside(&mut self, site: usize, walk: impl FnOnce(&mut Self)) {
        let outer = self.current.replace(site);
        walk(self);
        self.current = outer;
    }

    /// An `unsafe fn` site (if `unsafety` is set) around `walk`.
    fn function(
        &mut self,
        sig: &syn::Signature,
        attrs: &[syn::Attribute],
        end: Span,
        walk: impl FnOnce(&mut Self),
    ) {
        self.within(sig.ident.to_string(), attrs, |this| {
            if this.functions == 0 && this.trait_impls == 0 {
                this.callable.insert(this.items.join("::"));
            }
            this.functions += 1;
            // The body of a safe fn is safe code; that of an unsafe fn belongs to its site.
            let site = sig
                .unsafety
                .map(|keyword| this.open(SiteKind::Fn, keyword.span, end, has_safety_doc(attrs)));
            // A function body is not inside the statements around its item.
            let statements = std::mem::take(&mut this.statements);
            let outer = std::mem::replace(&mut this.current, site);
            walk(this);
            this.current = outer;
            this.statements = statements;
            this.functions -= 1;
        });
    }

    /// Sites written inside a macro's tokens, which the syntax tree does not show.
    fn macro_tokens(&mut self, name: String, mac: &syn::Macro) {
        for found in tokens::sites_in(mac.tokens.clone()) {
            let index = self.open(found.kind, found.keyword, found.end, false);
            let site = &mut self.sites[index];
            site.in_macro = Some(name.clone());
            site.operations = found.operations;
        }
    }
}

impl<'ast> Visit<'ast> for Scanner<'_> {
    fn visit_item_fn(&mut self, i: &'ast syn::ItemFn) {
        let end = i.block.brace_token.span.close();
        self.function(&i.sig, &i.attrs, end, |this| visit::visit_item_fn(this, i));
    }

    fn visit_impl_item_fn(&mut self, i: &'ast syn::ImplItemFn) {
        let end = i.block.brace_token.span.close();
        self.function(&i.sig, &i.attrs, end, |this| {
            visit::visit_impl_item_fn(this, i);
        });
    }

    fn visit_trait_item_fn(&mut self, i: &'ast syn::TraitItemFn) {
        let end = i.default.as_ref().map_or_else(
            || i.semi_token.map_or(i.sig.ident.span(), |s| s.spans[0]),
            |b| b.brace_token.span.close(),
        );
        self.function(&i.sig, &i.attrs, end, |this| {
            visit::visit_trait_item_fn(this, i);
        });
    }

    fn visit_foreign_item_fn(&mut self, i: &'ast syn::ForeignItemFn) {
        let end = i.semi_token.spans[0];
        self.function(&i.sig, &i.attrs, end, |this| {
            visit::visit_foreign_item_fn(this, i);
        });
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let name = impl_name(i);
        let of_trait = usize::from(i.trait_.is_some());
        self.trait_impls += of_trait;
        self.within(name, &i.attrs, |this| match i.unsafety {
            Some(keyword) => {
                let end = i.brace_token.span.close();
                let site = this.open(SiteKind::Impl, keyword.span, end, false);
                let marker = i
                    .trait_
                    .as_ref()
                    .and_then(|(_, path, _)| path.segments.last())
                    .is_some_and(|s| s.ident == "Send" || s.ident == "Sync");
                if marker {
                    this.sites[site].operations.push(Pattern::SendSyncImpl);
                }
                // Its methods are sites of their own (or safe code); the impl's operation is
                // the promise it makes.
                let outer = this.current.take();
                visit::visit_item_impl(this, i);
                this.current = outer;
            }
            None => visit::visit_item_impl(this, i),
        });
        self.trait_impls -= of_trait;
    }

    fn visit_item_trait(&mut self, i: &'ast syn::ItemTrait) {
        // A trait's provided methods are called through an implementing type, not by path.
        self.trait_impls += 1;
        self.within(i.ident.to_string(), &i.attrs, |this| {
            if let Some(keyword) = i.unsafety {
                let end = i.brace_token.span.close();
                this.open(SiteKind::Trait, keyword.span, end, has_safety_doc(&i.attrs));
            }
            visit::visit_item_trait(this, i);
        });
        self.trait_impls -= 1;
    }

    fn visit_item_foreign_mod(&mut self, i: &'ast syn::ItemForeignMod) {
        let abi = i
            .abi
            .name
            .as_ref()
            .map_or_else(|| "\"C\"".to_owned(), |n| format!("{:?}", n.value()));
        self.within(format!("extern {abi}"), &i.attrs, |this| {
            match i.unsafety {
                Some(keyword) => {
                    let end = i.brace_token.span.close();
                    let site = this.open(SiteKind::ExternBlock, keyword.span, end, false);
                    this.inside(site, |this| visit::visit_item_foreign_mod(this, i));
                }
                None => visit::visit_item_foreign_mod(this, i),
            };
        });
    }

    fn visit_item_mod(&mut self, i: &'ast syn::ItemMod) {
        self.within(i.ident.to_string(), &i.attrs, |this| {
            visit::visit_item_mod(this, i);
        });
    }

    fn visit_item_const(&mut self, i: &'ast syn::ItemConst) {
        self.within(i.ident.to_string(), &i.attrs, |this| {
            visit::visit_item_const(this, i);
        });
    }

    fn visit_item_static(&mut self, i: &'ast syn::ItemStatic) {
        self.within(i.ident.to_string(), &i.attrs, |this| {
            visit::visit_item_static(this, i);
        });
    }

    fn visit_item_macro(&mut self, i: &'ast syn::ItemMacro) {
        let name = match &i.ident {
            Some(ident) => format!("{}! {ident}", macro_name(&i.mac)),
            None => format!("{}!", macro_name(&i.mac)),
        };
        self.within(name.clone(), &i.attrs, |this| {
            this.macro_tokens(name, &i.mac);
        });
    }

    fn visit_macro(&mut self, i: &'ast syn::Macro) {
        let name = macro_name(i);
        if let Some(pattern) = patterns::of_macro(&name) {
            self.operation(pattern);
        }
        self.macro_tokens(format!("{name}!"), i);
    }

    fn visit_stmt(&mut self, i: &'ast syn::Stmt) {
        self.statements.push(stmt_line(i));
        visit::visit_stmt(self, i);
        self.statements.pop();
    }

    fn visit_expr_unsafe(&mut self, i: &'ast syn::ExprUnsafe) {
        let end = i.block.brace_token.span.close();
        let site = self.open(SiteKind::Block, i.unsafe_token.span, end, false);
        self.inside(site, |this| visit::visit_expr_unsafe(this, i));
    }

    fn visit_expr_call(&mut self, i: &'ast syn::ExprCall) {
        if let syn::Expr::Path(path) = &*i.func {
            let segments: Vec<String> = path
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            if let Some(p) = patterns::of_call(&segments, &|n| self.externs.contains(n)) {
                self.operation(p);
            }
        }
        visit::visit_expr_call(self, i);
    }

    fn visit_expr_method_call(&mut self, i: &'ast syn::ExprMethodCall) {
        if let Some(p) = patterns::of_method(&i.method.to_string(), i.args.len()) {
            self.operation(p);
        }
        visit::visit_expr_method_call(self, i);
    }

    fn visit_expr_unary(&mut self, i: &'ast syn::ExprUnary) {
        if matches!(i.op, syn::UnOp::Deref(_)) {
            self.operation(Pattern::Deref);
        }
        visit::visit_expr_unary(self, i);
    }

    fn visit_expr_closure(&mut self, i: &'ast syn::ExprClosure) {
        // A closure's body runs where it is called, but it is written inside the site: its
        // operations stay with the enclosing site, and its statements are its own.
        let statements = std::mem::take(&mut self.statements);
        visit::visit_expr_closure(self, i);
        self.statements = statements;
    }
}

/// The first line of a statement, attributes included (a SAFETY comment goes above them).
fn stmt_line(stmt: &syn::Stmt) -> usize {
    use syn::spanned::Spanned;
    stmt.span().start().line
}

/// `path!` → `path`'s last segment.
fn macro_name(mac: &syn::Macro) -> String {
    mac.path
        .segments
        .last()
        .map_or_else(String::new, |s| s.ident.to_string())
}

/// `impl Trait for Type` or `impl Type`, with the paths' last segments.
fn impl_name(i: &syn::ItemImpl) -> String {
    let ty = type_name(&i.self_ty);
    match &i.trait_ {
        Some((_, path, _)) => {
            let name = path
                .segments
                .last()
                .map_or_else(String::new, |s| s.ident.to_string());
            format!("impl {name} for {ty}")
        }
        None => ty,
    }
}

fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .map_or_else(|| "?".to_owned(), |s| s.ident.to_string()),
        syn::Type::Reference(r) => type_name(&r.elem),
        syn::Type::Slice(s) => format!("[{}]", type_name(&s.elem)),
        _ => "_".to_owned(),
    }
}

/// The conditions of every `#[cfg(...)]` among `attrs`, as written.
pub fn cfg_conditions(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .filter_map(|a| a.meta.require_list().ok())
        .map(|list| format!("cfg({})", compact(&list.tokens.to_string())))
        .collect()
}

/// Token text without the spaces the printer puts between every token.
fn compact(text: &str) -> String {
    text.replace(" (", "(")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(" ,", ",")
        .replace(" = ", "=")
}

/// The string values of the `#[name = "..."]` attributes among `attrs` (doc comments are
/// `#[doc = "..."]`).
pub fn string_attributes<'a>(
    attrs: &'a [syn::Attribute],
    name: &'a str,
) -> impl Iterator<Item = String> + 'a {
    attrs.iter().filter_map(move |a| {
        let syn::Meta::NameValue(nv) = &a.meta else {
            return None;
        };
        let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) = &nv.value
        else {
            return None;
        };
        nv.path.is_ident(name).then(|| s.value())
    })
}

/// Whether the docs among `attrs` have a `# Safety` section.
fn has_safety_doc(attrs: &[syn::Attribute]) -> bool {
    string_attributes(attrs, "doc").any(|doc| {
        doc.lines()
            .any(|l| l.trim().trim_start_matches('#').trim() == "Safety" && l.contains('#'))
    })
}
