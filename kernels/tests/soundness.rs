//! One unsafe variant at a time, for the checkers of `scripts/soundness.sh`.
//!
//! Miri and AddressSanitizer stop a process at its first finding, so the soundness script runs
//! this test once per unsafe variant, naming it in `LEDGER_VARIANT=family/variant`; a finding
//! is then charged to the variant that caused it. Without the variable (the ordinary suite) it
//! checks every unsafe variant in one run.
//!
//! Each variant runs on its family's generated inputs up to `LEDGER_SOUNDNESS_MAX` units
//! (default: 256 under Miri, 1 MiB natively, so AddressSanitizer sees realistic sizes), and for
//! the byte families on every length up to 20 (Miri) or 72 at every offset from 0 to 8, where
//! alignment and tail handling go wrong, and on each family's `edge_cases` (keys at a table's
//! ends, each shape type alone). Its output is checked against the safe
//! reference.
//! The last line printed, `soundness: family/variant: N inputs`, tells the script how much ran.

use kernels::{Family, Input, Variant, unsafe_variants};

/// The unsafe variants selected by `LEDGER_VARIANT`, or all of them.
fn selected() -> Vec<(&'static Family, &'static Variant)> {
    let all = unsafe_variants();
    match std::env::var("LEDGER_VARIANT") {
        Ok(wanted) => {
            let picked: Vec<_> = all
                .filter(|(f, v)| format!("{}/{}", f.name, v.name) == wanted)
                .collect();
            assert!(
                !picked.is_empty(),
                "LEDGER_VARIANT={wanted} names no unsafe variant of the registry"
            );
            picked
        }
        // Under strict-provenance Miri rayon cannot start (see tests/pool.rs); the script runs
        // those variants by name in a permissive pass.
        Err(_) => all
            .filter(|(f, _)| !(cfg!(miri) && f.spawns_threads))
            .collect(),
    }
}

fn max_units() -> usize {
    match std::env::var("LEDGER_SOUNDNESS_MAX") {
        Ok(text) => text
            .parse()
            .unwrap_or_else(|_| panic!("LEDGER_SOUNDNESS_MAX={text} is not a number of units")),
        Err(_) if cfg!(miri) => 256,
        Err(_) => 1 << 20,
    }
}

/// Runs `variant` on `input` against the reference; returns whether the variant ran (it may
/// decline only inputs its declared preconditions rule out).
fn check(family: &Family, variant: &Variant, input: &Input) -> bool {
    family
        .check(variant, input)
        .unwrap_or_else(|e| panic!("{}/{} on {input:?}: {e}", family.name, variant.name))
}

#[test]
fn each_unsafe_variant_agrees_with_its_reference() {
    let max = max_units();
    let edge_len = if cfg!(miri) { 20 } else { 72 };
    for (family, variant) in selected() {
        let mut ran = 0;
        for spec in (family.inputs)()
            .iter()
            .filter(|spec| spec.name.size <= max)
        {
            ran += usize::from(check(family, variant, &spec.generate()));
        }
        if family.takes_files {
            let bytes = kernels::families::cast::inputs::generate(edge_len);
            let text = kernels::families::text::inputs::generate("mixed", edge_len);
            for len in 0..=edge_len {
                for offset in 0..9 {
                    for (shape, source) in [("random", &bytes), ("text", &text)] {
                        let input = Input::new(shape, &source[..len], offset);
                        ran += usize::from(check(family, variant, &input));
                    }
                }
            }
        }
        for input in (family.edge_cases)() {
            ran += usize::from(check(family, variant, &input));
        }
        assert!(
            ran > 0,
            "{}/{}: no input accepted",
            family.name,
            variant.name
        );
        println!("soundness: {}/{}: {ran} inputs", family.name, variant.name);
    }
}
