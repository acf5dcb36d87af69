//! The catalog: the kernel registry as data, written by `ledger list --json`.
//!
//! `scripts/bench.sh` writes it beside every set of results, and the report describes variants
//! from it alone, never from the registry of the build that renders: a site built later, or on
//! another machine, shows the kinds, invariants and headline inputs the results were measured
//! with.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Version of this format; bumped on any incompatible change.
pub const CATALOG_SCHEMA: u32 = 2;

/// Every family of the registry.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    /// Format version, [`CATALOG_SCHEMA`] when written by this build.
    pub schema: u32,
    /// The families, in registry order.
    pub families: Vec<FamilyEntry>,
}

/// One family: its variants, its inputs and how its outputs are compared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FamilyEntry {
    /// Stable name, the first part of every benchmark id.
    pub name: String,
    /// What the operation is, in a few words.
    pub title: String,
    /// What the family measures and why it matters.
    pub summary: String,
    /// How outputs are compared for equivalence.
    pub compares: String,
    /// The safe variant every other one is checked against.
    pub reference: String,
    /// The input the verdict is read at.
    pub headline: InputEntry,
    /// Whether user files can be inputs.
    pub takes_files: bool,
    /// The candidates.
    pub variants: Vec<VariantEntry>,
    /// The least work possible on the same bytes, if measured.
    pub floor: Option<VariantEntry>,
    /// Why no floor bounds the family's work, where it has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_floor: Option<String>,
    /// The generated inputs.
    pub inputs: Vec<InputEntry>,
}

/// One variant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VariantEntry {
    /// Stable name.
    pub name: String,
    /// Its role in the comparison.
    pub kind: VariantKind,
    /// One line: what it does.
    pub description: String,
    /// What must hold for its unsafe code to be sound.
    pub invariants: Vec<String>,
    /// Work the safe reference does that this variant skips; empty for a like-for-like variant.
    pub skips: Vec<String>,
    /// An unsafe variant that skips nothing the safe reference does: its comparison with the
    /// best safe variant holds for every input it accepts.
    pub like_for_like: bool,
    /// Preconditions checked on each input before the variant may be called.
    pub requires: Vec<String>,
    /// Whether it takes ownership of a copy of the input (made outside the timed region).
    pub consumes: bool,
    /// For unsafe variants: where its unsafe code is and how many unsafe operations it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsafe_code: Option<UnsafeCodeEntry>,
}

/// The unsafe code of one variant, as counted from the kernels' source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsafeCodeEntry {
    /// The source file, relative to the workspace root.
    pub file: String,
    /// The items (functions, impls) that hold the variant's unsafe code.
    pub items: Vec<String>,
    /// `unsafe {}` blocks (one operation each) plus `unsafe impl`s in those items.
    pub operations: usize,
}

/// One input, named `shape/size`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputEntry {
    /// `shape/size`, e.g. `cjk/64KiB`.
    pub name: String,
    /// How the input is made.
    pub shape: String,
    /// The size part of the name.
    pub size: String,
    /// The size as a number of `unit`s.
    pub count: usize,
    /// What the size counts: `bytes`, `records` or `operations`.
    pub unit: String,
    /// Parameters beyond shape and size, e.g. `threads` for work split across rayon workers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
}

/// A variant's role in a comparison, as the catalog spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VariantKind {
    /// What most code writes.
    Baseline,
    /// A safe technique.
    Safe,
    /// Contains `unsafe`.
    Unsafe,
    /// The least work possible on the same bytes; never a candidate.
    Floor,
}

impl VariantKind {
    /// The kind's stable lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Baseline => "baseline",
            Self::Safe => "safe",
            Self::Unsafe => "unsafe",
            Self::Floor => "floor",
        }
    }

    /// Whether the variant is safe code a reviewer could use instead (baseline or safe).
    pub fn is_safe(self) -> bool {
        matches!(self, Self::Baseline | Self::Safe)
    }
}

impl fmt::Display for VariantKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Catalog {
    /// A family by name.
    pub fn family(&self, name: &str) -> Option<&FamilyEntry> {
        self.families.iter().find(|f| f.name == name)
    }
}

impl FamilyEntry {
    /// A candidate or the floor, by name.
    pub fn variant(&self, name: &str) -> Option<&VariantEntry> {
        self.variants
            .iter()
            .chain(&self.floor)
            .find(|v| v.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_spelled_as_before() {
        for kind in [
            VariantKind::Baseline,
            VariantKind::Safe,
            VariantKind::Unsafe,
            VariantKind::Floor,
        ] {
            let json = serde_json::to_string(&kind).expect("serializes");
            assert_eq!(json, format!("\"{kind}\""));
            assert_eq!(serde_json::from_str::<VariantKind>(&json).ok(), Some(kind));
        }
        assert!(serde_json::from_str::<VariantKind>("\"fast\"").is_err());
    }
}
