//! What the review finds: unsafe sites, and the files it could not read.

use serde::Serialize;

use crate::measure::Measure;
use crate::patterns::Pattern;

/// The five kinds of unsafe site the review counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SiteKind {
    /// `unsafe { ... }`.
    Block,
    /// `unsafe fn`, including `unsafe extern "ABI" fn` and declarations in traits.
    Fn,
    /// `unsafe impl`.
    Impl,
    /// `unsafe trait`.
    Trait,
    /// `unsafe extern "ABI" { ... }`.
    ExternBlock,
}

impl SiteKind {
    /// Every kind, in the order the review lists them.
    pub const ALL: [Self; 5] = [
        Self::Block,
        Self::Fn,
        Self::Impl,
        Self::Trait,
        Self::ExternBlock,
    ];

    /// How a site of this kind is written.
    pub fn label(self) -> &'static str {
        match self {
            Self::Block => "unsafe {}",
            Self::Fn => "unsafe fn",
            Self::Impl => "unsafe impl",
            Self::Trait => "unsafe trait",
            Self::ExternBlock => "unsafe extern",
        }
    }
}

/// One unsafe site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Site {
    /// The file, relative to the reviewed path.
    pub file: String,
    /// The line of the `unsafe` keyword (1-based).
    pub line: usize,
    /// The last line of the site (its closing brace).
    pub end_line: usize,
    /// What kind of site.
    pub kind: SiteKind,
    /// The enclosing items, e.g. `parser::Reader::next`.
    pub item: String,
    /// Whether a `// SAFETY:` comment precedes it (or, for an `unsafe fn` or `unsafe trait`, a
    /// `# Safety` section in its docs).
    pub safety_comment: bool,
    /// The unsafe operations recognised inside it, each once, in the table's order.
    pub operations: Vec<Pattern>,
    /// The macro whose tokens hold it (`macro_rules! name` or `name!`), when the syntax tree
    /// does not show it as an item.
    pub in_macro: Option<String>,
    /// The `#[cfg(...)]` conditions of the items and modules around it: compiled only when
    /// they hold, reviewed regardless.
    pub cfg: Vec<String>,
    /// Whether the enclosing function is one a bench could call by its path (not nested in
    /// another function, not a trait impl's method).
    #[serde(skip)]
    pub callable: bool,
    /// The enclosing function's safe twin in the same scope (`decode` for `decode_unchecked`),
    /// as an item path like `item`'s.
    pub safe_twin: Option<String>,
    /// How to measure this site on its own, when it has a safe twin or no verdict covers it.
    pub measure: Option<Measure>,
}

/// A file the review could not read or parse; the others are still reviewed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The file, relative to the reviewed path.
    pub file: String,
    /// The line of the error, when known.
    pub line: Option<usize>,
    /// What went wrong.
    pub message: String,
}
