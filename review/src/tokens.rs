//! The token-level passes: unsafe sites inside macro tokens, which the syntax tree does not
//! show as items, and an independent count of every site of a file made from its tokens alone,
//! which the review checks the syntax-tree count against.

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use serde::Serialize;

use crate::patterns::{self, Pattern};
use crate::site::SiteKind;

/// A site found in a macro's tokens.
pub struct Found {
    /// What kind of site.
    pub kind: SiteKind,
    /// The `unsafe` token.
    pub keyword: Span,
    /// Where it ends.
    pub end: Span,
    /// Operations recognised by name in its tokens (no `*` dereference: a token cannot tell
    /// it from a multiplication).
    pub operations: Vec<Pattern>,
}

/// Every unsafe site written in `stream`, nested groups included.
pub fn sites_in(stream: TokenStream) -> Vec<Found> {
    let mut found = Vec::new();
    walk(stream, &mut found);
    found
}

fn walk(stream: TokenStream, found: &mut Vec<Found>) {
    let trees: Vec<TokenTree> = stream.into_iter().collect();
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Ident(ident) if ident == "unsafe" => {
                if let Some((kind, end, body)) = classify(&trees[i + 1..]) {
                    let mut operations = body.map(operations_in).unwrap_or_default();
                    operations.sort();
                    operations.dedup();
                    found.push(Found {
                        kind,
                        keyword: ident.span(),
                        end,
                        operations,
                    });
                }
            }
            TokenTree::Group(group) => walk(group.stream(), found),
            _ => {}
        }
    }
}

/// What the tokens after `unsafe` make it: the kind, where it ends and, for a block, its body.
fn classify(rest: &[TokenTree]) -> Option<(SiteKind, Span, Option<TokenStream>)> {
    let ident =
        |i: usize, name: &str| matches!(rest.get(i), Some(TokenTree::Ident(t)) if t == name);
    let is_ident = |i: usize| matches!(rest.get(i), Some(TokenTree::Ident(_)));
    let brace = |i: usize| match rest.get(i) {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => Some(g),
        _ => None,
    };
    // Where an item that starts here ends: its first brace group, or the `;` of a declaration.
    let item_end = || {
        rest.iter().find_map(|t| match t {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => Some(g.span_close()),
            TokenTree::Punct(p) if p.as_char() == ';' => Some(p.span()),
            _ => None,
        })
    };
    if let Some(group) = brace(0) {
        return Some((SiteKind::Block, group.span_close(), Some(group.stream())));
    }
    if ident(0, "fn") && is_ident(1) {
        return Some((SiteKind::Fn, item_end()?, None));
    }
    if ident(0, "extern") {
        let after_abi = usize::from(matches!(rest.get(1), Some(TokenTree::Literal(_)))) + 1;
        if let Some(group) = brace(after_abi) {
            return Some((SiteKind::ExternBlock, group.span_close(), None));
        }
        if ident(after_abi, "fn") && is_ident(after_abi + 1) {
            return Some((SiteKind::Fn, item_end()?, None));
        }
        return None;
    }
    if ident(0, "impl") {
        return Some((SiteKind::Impl, item_end()?, None));
    }
    if ident(0, "trait") || (ident(0, "auto") && ident(1, "trait")) {
        return Some((SiteKind::Trait, item_end()?, None));
    }
    None
}

/// Operations named in `stream`: calls, method calls and macros, by name.
fn operations_in(stream: TokenStream) -> Vec<Pattern> {
    let trees: Vec<TokenTree> = stream.into_iter().collect();
    let mut found = Vec::new();
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Group(g) => found.extend(operations_in(g.stream())),
            TokenTree::Ident(name) => {
                let name = name.to_string();
                let punct = |j: usize, c: char| matches!(trees.get(j), Some(TokenTree::Punct(p)) if p.as_char() == c);
                match trees.get(i + 1) {
                    Some(TokenTree::Group(args)) if args.delimiter() == Delimiter::Parenthesis => {
                        let pattern = if i > 0 && punct(i - 1, '.') {
                            patterns::of_method(&name, arguments(args.stream()))
                        } else {
                            patterns::of_call(&path_before(&trees, i), &|_| false)
                        };
                        found.extend(pattern);
                    }
                    Some(TokenTree::Punct(p)) if p.as_char() == '!' => {
                        found.extend(patterns::of_macro(&name));
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    found
}

/// The `a::b::name` path ending at index `end`.
fn path_before(trees: &[TokenTree], end: usize) -> Vec<String> {
    let mut path = Vec::new();
    let mut i = end;
    while let TokenTree::Ident(ident) = &trees[i] {
        path.push(ident.to_string());
        let colons = i >= 3
            && matches!(&trees[i - 1], TokenTree::Punct(p) if p.as_char() == ':')
            && matches!(&trees[i - 2], TokenTree::Punct(p) if p.as_char() == ':');
        if !colons {
            break;
        }
        i -= 3;
    }
    path.reverse();
    path
}

/// How many comma-separated arguments a call's parenthesised tokens hold.
fn arguments(stream: TokenStream) -> usize {
    let trees: Vec<TokenTree> = stream.into_iter().collect();
    if trees.is_empty() {
        return 0;
    }
    let commas = trees
        .iter()
        .filter(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','))
        .count();
    let trailing = matches!(trees.last(), Some(TokenTree::Punct(p)) if p.as_char() == ',');
    commas + 1 - usize::from(trailing)
}

/// Sites of each kind, counted from tokens alone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// `unsafe {`.
    pub unsafe_blocks: usize,
    /// `unsafe fn NAME` and `unsafe extern "ABI" fn NAME` (not `unsafe fn(..)` types).
    pub unsafe_fns: usize,
    /// `unsafe impl`.
    pub unsafe_impls: usize,
    /// `unsafe trait` and `unsafe auto trait`.
    pub unsafe_traits: usize,
    /// `unsafe extern "ABI" {`.
    pub unsafe_extern_blocks: usize,
}

impl Counts {
    /// Adds another file's counts.
    pub fn add(&mut self, other: &Self) {
        self.unsafe_blocks += other.unsafe_blocks;
        self.unsafe_fns += other.unsafe_fns;
        self.unsafe_impls += other.unsafe_impls;
        self.unsafe_traits += other.unsafe_traits;
        self.unsafe_extern_blocks += other.unsafe_extern_blocks;
    }

    /// The count of one kind.
    pub fn of(&self, kind: SiteKind) -> usize {
        match kind {
            SiteKind::Block => self.unsafe_blocks,
            SiteKind::Fn => self.unsafe_fns,
            SiteKind::Impl => self.unsafe_impls,
            SiteKind::Trait => self.unsafe_traits,
            SiteKind::ExternBlock => self.unsafe_extern_blocks,
        }
    }

    /// Counts one more site of `kind`.
    pub fn bump(&mut self, kind: SiteKind) {
        *match kind {
            SiteKind::Block => &mut self.unsafe_blocks,
            SiteKind::Fn => &mut self.unsafe_fns,
            SiteKind::Impl => &mut self.unsafe_impls,
            SiteKind::Trait => &mut self.unsafe_traits,
            SiteKind::ExternBlock => &mut self.unsafe_extern_blocks,
        } += 1;
    }
}

/// One token of a file, groups flattened into their delimiters.
#[derive(PartialEq)]
enum Flat {
    Open(Delimiter),
    Close,
    Word(String),
    Literal,
    Punct,
}

/// The independent count: the file lexed (not parsed) and flattened into one sequence of
/// tokens, each `unsafe` classified by the words that follow it. Counts what is inside macros
/// as well, like the review does.
pub fn count(source: &str) -> Result<Counts, String> {
    // What rustc (and syn) skip before the first token: a byte-order mark and a shebang line.
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let source = match source.strip_prefix("#!") {
        Some(rest) if !rest.trim_start().starts_with('[') => {
            rest.find('\n').map_or("", |end| &rest[end..])
        }
        _ => source,
    };
    let stream: TokenStream = source.parse().map_err(|e| format!("{e:?}"))?;
    let mut flat = Vec::new();
    flatten(stream, &mut flat);
    let word = |i: usize, w: &str| matches!(flat.get(i), Some(Flat::Word(x)) if x == w);
    let any_word = |i: usize| matches!(flat.get(i), Some(Flat::Word(_)));
    let mut counts = Counts::default();
    for i in 0..flat.len() {
        if !word(i, "unsafe") {
            continue;
        }
        let kind = match flat.get(i + 1) {
            Some(Flat::Open(Delimiter::Brace)) => Some(SiteKind::Block),
            Some(Flat::Word(w)) if w == "fn" && any_word(i + 2) => Some(SiteKind::Fn),
            Some(Flat::Word(w)) if w == "impl" => Some(SiteKind::Impl),
            Some(Flat::Word(w)) if w == "trait" => Some(SiteKind::Trait),
            Some(Flat::Word(w)) if w == "auto" && word(i + 2, "trait") => Some(SiteKind::Trait),
            Some(Flat::Word(w)) if w == "extern" => {
                let j = i + 2 + usize::from(flat.get(i + 2) == Some(&Flat::Literal));
                match flat.get(j) {
                    Some(Flat::Open(Delimiter::Brace)) => Some(SiteKind::ExternBlock),
                    Some(Flat::Word(w)) if w == "fn" && any_word(j + 1) => Some(SiteKind::Fn),
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(kind) = kind {
            counts.bump(kind);
        }
    }
    Ok(counts)
}

fn flatten(stream: TokenStream, out: &mut Vec<Flat>) {
    for tree in stream {
        match tree {
            TokenTree::Group(g) => {
                out.push(Flat::Open(g.delimiter()));
                flatten(g.stream(), out);
                out.push(Flat::Close);
            }
            TokenTree::Ident(i) => out.push(Flat::Word(i.to_string())),
            TokenTree::Literal(_) => out.push(Flat::Literal),
            TokenTree::Punct(_) => out.push(Flat::Punct),
        }
    }
}
