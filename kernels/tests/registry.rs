//! The registry is well formed: what benches, reports and `ledger list` rely on.

use std::collections::HashSet;

use kernels::{FAMILIES, Kind, family};

#[test]
fn names_are_unique_and_lookups_work() {
    let names: HashSet<_> = FAMILIES.iter().map(|f| f.name).collect();
    assert_eq!(names.len(), FAMILIES.len());
    for f in FAMILIES {
        assert!(std::ptr::eq(family(f.name).unwrap(), *f));
        let variants: HashSet<_> = f.measured().map(|v| v.name).collect();
        assert_eq!(variants.len(), f.measured().count(), "{}", f.name);
        for v in f.measured() {
            assert!(std::ptr::eq(f.measured_variant(v.name).unwrap(), v));
        }
    }
    assert!(family("nope").is_none());
}

#[test]
fn every_family_has_the_required_shape() {
    for f in FAMILIES {
        let reference = f.reference();
        assert_eq!(
            reference.kind,
            Kind::Safe,
            "{}: reference must be safe",
            f.name
        );
        assert!(reference.run.requires().is_empty(), "{}", f.name);
        for kind in ["baseline", "safe", "unsafe"] {
            assert!(
                f.variants.iter().any(|v| v.kind.as_str() == kind),
                "{}: no {kind}",
                f.name
            );
        }
        assert!(f.variants.len() >= 4, "{}", f.name);
        assert!(f.variants.iter().all(|v| v.kind.is_candidate()));
        if let Some(floor) = f.floor.variant() {
            assert_eq!(floor.kind, Kind::Floor);
        }
        let inputs = (f.inputs)();
        assert!(
            cfg!(miri) || inputs.iter().any(|s| s.name == f.headline()),
            "{}: headline {} is not among its inputs",
            f.name,
            f.headline()
        );
    }
}

#[test]
fn every_refusal_is_explained() {
    for f in FAMILIES {
        for v in f.variants {
            // Safe variants may be refused too (a view of misaligned bytes cannot exist), but
            // every refusal must be explainable to the person reading the skip line.
            assert!(
                v.run.requires().iter().all(|p| !p.describe().is_empty()),
                "{}/{}: a precondition without a description",
                f.name,
                v.name
            );
        }
    }
}

#[test]
#[cfg_attr(
    miri,
    ignore = "reads source files, which Miri's isolation forbids; no unsafe code runs"
)]
fn unsafe_variants_locate_their_unsafe_code() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for (f, v) in kernels::unsafe_variants() {
        let Some(code) = v.kind.unsafety().map(|u| u.code) else {
            unreachable!("unsafe_variants yields only unsafe variants")
        };
        assert!(
            code.operations > 0,
            "{}/{}: its items hold no unsafe operation",
            f.name,
            v.name
        );
        let source = std::fs::read_to_string(root.join(code.file))
            .unwrap_or_else(|e| panic!("{}/{}: {}: {e}", f.name, v.name, code.file));
        for item in code.items {
            assert!(source.contains(item), "{}/{}: {item}", f.name, v.name);
        }
    }
    assert!(kernels::unsafe_variants().count() >= FAMILIES.len());
}
