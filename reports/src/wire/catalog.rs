//! The catalog: the kernel registry as data, for `ledger list --json` and for the report.
//!
//! It is written beside every set of results so that a report built later, or on another
//! machine, knows the kinds, invariants and headline inputs the results were measured with.

use std::collections::BTreeMap;

use kernels::{FAMILIES, Family, InputSpec, Variant};
use serde::{Deserialize, Serialize};

/// Version of this format; bumped on any incompatible change.
pub const CATALOG_SCHEMA: u32 = 2;

/// Every family of the registry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
    /// The generated inputs.
    pub inputs: Vec<InputEntry>,
}

/// One variant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VariantEntry {
    /// Stable name.
    pub name: String,
    /// `baseline`, `safe`, `unsafe` or `floor`.
    pub kind: String,
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

impl Catalog {
    /// The catalog of this build's registry.
    pub fn from_registry() -> Self {
        Self {
            schema: CATALOG_SCHEMA,
            families: FAMILIES.iter().map(|f| FamilyEntry::new(f)).collect(),
        }
    }

    /// A family by name.
    pub fn family(&self, name: &str) -> Option<&FamilyEntry> {
        self.families.iter().find(|f| f.name == name)
    }
}

impl FamilyEntry {
    fn new(family: &Family) -> Self {
        let inputs: Vec<InputEntry> = (family.inputs)().iter().map(InputEntry::new).collect();
        let headline = family.headline();
        let headline = inputs
            .iter()
            .find(|input| input.name == headline.to_string())
            .cloned()
            .unwrap_or_else(|| InputEntry::named(&headline));
        Self {
            name: family.name.to_owned(),
            title: family.title.to_owned(),
            summary: family.summary.to_owned(),
            compares: family.compares.to_owned(),
            reference: family.reference.to_owned(),
            headline,
            takes_files: family.takes_files,
            variants: family.variants.iter().map(VariantEntry::new).collect(),
            floor: family.floor.map(VariantEntry::new),
            inputs,
        }
    }

    /// A candidate or the floor, by name.
    pub fn variant(&self, name: &str) -> Option<&VariantEntry> {
        self.variants
            .iter()
            .chain(&self.floor)
            .find(|v| v.name == name)
    }
}

impl VariantEntry {
    fn new(variant: &Variant) -> Self {
        let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect();
        Self {
            name: variant.name.to_owned(),
            kind: variant.kind.as_str().to_owned(),
            description: variant.description.to_owned(),
            invariants: strings(variant.invariants),
            skips: strings(variant.skips),
            like_for_like: variant.kind == kernels::Kind::Unsafe && variant.skips.is_empty(),
            requires: variant
                .run
                .requires()
                .iter()
                .map(|p| p.describe())
                .collect(),
            consumes: variant.run.consumes(),
            unsafe_code: variant.unsafe_code.map(|code| UnsafeCodeEntry {
                file: code.file.to_owned(),
                items: strings(code.items),
                operations: code.operations,
            }),
        }
    }
}

impl InputEntry {
    fn named(name: &kernels::InputName) -> Self {
        Self {
            name: name.to_string(),
            shape: name.shape.clone(),
            size: name.size_label(),
            count: name.size,
            unit: name.unit.as_str().to_owned(),
            params: BTreeMap::new(),
        }
    }

    fn new(spec: &InputSpec) -> Self {
        Self {
            params: spec
                .params
                .iter()
                .map(|(key, value)| ((*key).to_owned(), value.clone()))
                .collect(),
            ..Self::named(&spec.name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_round_trips_through_json() {
        let catalog = Catalog::from_registry();
        let json = serde_json::to_string(&catalog).expect("catalog serializes");
        let back: Catalog = serde_json::from_str(&json).expect("catalog deserializes");
        assert_eq!(back, catalog);
    }

    #[test]
    fn every_unsafe_variant_states_its_invariants() {
        for family in &Catalog::from_registry().families {
            for variant in family.variants.iter().filter(|v| v.kind == "unsafe") {
                assert!(
                    !variant.invariants.is_empty(),
                    "{}/{} must list its invariants",
                    family.name,
                    variant.name
                );
            }
            assert!(family.variant(&family.reference).is_some());
            assert!(
                family.inputs.iter().any(|i| i.name == family.headline.name),
                "{}: headline input {} is not among its inputs",
                family.name,
                family.headline.name
            );
        }
    }
}
