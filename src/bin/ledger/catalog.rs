//! The registry as a catalog: where the kernels (which know the variants) meet the report's
//! wire format (which knows nothing of the kernels). `ledger list --json` writes it, and
//! `scripts/bench.sh` keeps it beside every set of results for the report to read.

use std::collections::BTreeMap;

use kernels::{FAMILIES, Family, InputName, InputSpec, Kind, Variant};
use wire::catalog::{
    CATALOG_SCHEMA, Catalog, FamilyEntry, InputEntry, UnsafeCodeEntry, VariantEntry, VariantKind,
};

/// The catalog of this build's registry.
pub fn of_registry() -> Catalog {
    Catalog {
        schema: CATALOG_SCHEMA,
        families: FAMILIES.iter().map(|f| family(f)).collect(),
    }
}

fn family(family: &Family) -> FamilyEntry {
    let inputs: Vec<InputEntry> = (family.inputs)().iter().map(input).collect();
    let headline = family.headline();
    let headline = inputs
        .iter()
        .find(|input| input.name == headline.to_string())
        .cloned()
        .unwrap_or_else(|| named(&headline));
    FamilyEntry {
        name: family.name.to_owned(),
        title: family.title.to_owned(),
        summary: family.summary.to_owned(),
        compares: family.compares.to_owned(),
        reference: family.reference.to_owned(),
        headline,
        takes_files: family.takes_files,
        variants: family.variants.iter().map(variant).collect(),
        floor: family.floor.variant().map(variant),
        no_floor: family.floor.absent_because().map(str::to_owned),
        inputs,
    }
}

fn variant(variant: &Variant) -> VariantEntry {
    let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect();
    let unsafety = variant.kind.unsafety();
    VariantEntry {
        name: variant.name.to_owned(),
        kind: match variant.kind {
            Kind::Baseline => VariantKind::Baseline,
            Kind::Safe => VariantKind::Safe,
            Kind::Unsafe(_) => VariantKind::Unsafe,
            Kind::Floor => VariantKind::Floor,
        },
        description: variant.description.to_owned(),
        invariants: unsafety.map_or_else(Vec::new, |u| strings(u.invariants)),
        skips: unsafety.map_or_else(Vec::new, |u| strings(u.skips)),
        like_for_like: unsafety.is_some_and(|u| u.like_for_like()),
        requires: variant
            .run
            .requires()
            .iter()
            .map(|p| p.describe())
            .collect(),
        consumes: variant.run.consumes(),
        unsafe_code: unsafety.map(|u| UnsafeCodeEntry {
            file: u.code.file.to_owned(),
            items: strings(u.code.items),
            operations: u.code.operations,
        }),
    }
}

fn named(name: &InputName) -> InputEntry {
    InputEntry {
        name: name.to_string(),
        shape: name.shape.clone(),
        size: name.size_label(),
        count: name.size,
        unit: name.unit.as_str().to_owned(),
        params: BTreeMap::new(),
    }
}

fn input(spec: &InputSpec) -> InputEntry {
    InputEntry {
        params: spec
            .params
            .iter()
            .map(|(key, value)| ((*key).to_owned(), value.clone()))
            .collect(),
        ..named(&spec.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_round_trips_through_json() {
        let catalog = of_registry();
        let json = serde_json::to_string(&catalog).expect("catalog serializes");
        let back: Catalog = serde_json::from_str(&json).expect("catalog deserializes");
        assert_eq!(back, catalog);
    }

    #[test]
    fn every_family_names_its_reference_and_headline_input() {
        for family in &of_registry().families {
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
