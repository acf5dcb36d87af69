//! Every variant of every family agrees with its safe reference: on every generated input, on
//! edge cases (empty, one byte, odd tails, every misalignment, every invalid-UTF-8 class) and
//! on random inputs. These tests also run under Miri (`scripts/test.sh`), on small inputs.
//!
//! Under Miri, CPU feature detection reports no SIMD, so simdutf8 runs its portable fallback
//! there: Miri checks our unsafe code and simdutf8's scalar path, not its SIMD intrinsics (which
//! the native runs of these same tests cover for equivalence). Under Miri the sweeps check the
//! unsafe variants against the reference (`common::check_sweep`); the generated inputs are
//! checked with every variant.

mod common;

use common::{check_all, check_sweep, max_test_len, reference_digest, swept_candidates};
use kernels::{Digest, FAMILIES, Input, family};
use proptest::prelude::*;

/// Every variant of every family (but those that start threads, under Miri) on the family's
/// generated inputs up to [`max_test_len`], every `of`-th input from the `shard`-th: one test
/// per shard, so that a runner with a process per test (nextest under Miri) spreads them over
/// the cores.
fn all_variants_agree_on_generated_inputs(shard: usize, of: usize) {
    // Under strict-provenance Miri rayon cannot run; tests/pool.rs covers that family in the
    // permissive pass (its tests named `rayon_*`).
    let mut checked = 0;
    let mut index = 0;
    for f in FAMILIES
        .iter()
        .filter(|f| !(cfg!(miri) && f.spawns_threads))
    {
        for spec in (f.inputs)()
            .iter()
            .filter(|s| s.name.size <= max_test_len(s.name.unit))
        {
            if index % of == shard {
                check_all(f, &spec.generate());
                checked += 1;
            }
            index += 1;
        }
    }
    assert!(checked > 0, "shard {shard} of {of}: no input checked");
}

#[test]
#[cfg_attr(
    miri,
    ignore = "under Miri the pool workloads are left to tests/pool.rs (see max_test_len)"
)]
fn every_family_has_generated_inputs_to_check() {
    for f in FAMILIES {
        let small = (f.inputs)()
            .iter()
            .filter(|s| s.name.size <= max_test_len(s.name.unit))
            .count();
        assert!(small > 0, "{}: no input small enough to check", f.name);
    }
}

#[test]
fn all_variants_agree_on_generated_inputs_shard_1_of_4() {
    all_variants_agree_on_generated_inputs(0, 4);
}

#[test]
fn all_variants_agree_on_generated_inputs_shard_2_of_4() {
    all_variants_agree_on_generated_inputs(1, 4);
}

#[test]
fn all_variants_agree_on_generated_inputs_shard_3_of_4() {
    all_variants_agree_on_generated_inputs(2, 4);
}

#[test]
fn all_variants_agree_on_generated_inputs_shard_4_of_4() {
    all_variants_agree_on_generated_inputs(3, 4);
}

#[test]
#[cfg_attr(miri, ignore = "decompressing the documents takes hours under Miri")]
fn text_variants_agree_on_the_classic_documents() {
    let text = family("text").unwrap();
    for (name, doc) in kernels::families::text::inputs::documents() {
        let input = Input::new(name, doc.as_bytes(), 0);
        assert_eq!(check_all(text, &input), text.variants.len(), "{name}");
    }
}

/// Every byte family on every length up to 16 (Miri: two u64 words and every tail) or 72 at
/// the given offsets, where alignment and tail handling go wrong; split in two tests to spread
/// them over the cores.
/// Under Miri `uninit` is left to tests/families/uninit.rs, which sweeps every short length
/// of both its producers (here it would only copy).
fn byte_families_agree_on_every_short_length(offsets: std::ops::Range<usize>) {
    let max_len = if cfg!(miri) { 16 } else { 72 };
    let bytes = kernels::families::cast::inputs::generate(max_len);
    let ascii = kernels::families::text::inputs::generate("mixed", max_len);
    for f in FAMILIES
        .iter()
        .filter(|f| f.takes_files && !(cfg!(miri) && f.name == "uninit"))
    {
        for len in 0..=max_len {
            for offset in offsets.clone() {
                check_sweep(f, &Input::new("random", &bytes[..len], offset));
                check_sweep(f, &Input::new("text", &ascii[..len], offset));
            }
        }
    }
}

#[test]
fn byte_families_agree_on_every_short_length_at_offsets_0_to_4() {
    byte_families_agree_on_every_short_length(0..5);
}

#[test]
fn byte_families_agree_on_every_short_length_at_offsets_5_to_8() {
    byte_families_agree_on_every_short_length(5..9);
}

#[test]
fn every_single_byte_is_handled_like_std() {
    let text = family("text").unwrap();
    for b in 0..=u8::MAX {
        let input = Input::new("byte", &[b], 1);
        let accepted = check_sweep(text, &input);
        let expect_all = b.is_ascii();
        assert_eq!(
            accepted == swept_candidates(text),
            expect_all,
            "byte {b:#x}"
        );
    }
}

#[test]
fn safe_text_variants_report_std_errors_for_every_invalid_class() {
    let text = family("text").unwrap();
    let sizes: &[usize] = if cfg!(miri) {
        &[0, 40]
    } else {
        &[0, 40, 4096, 70_000]
    };
    for &len in sizes {
        for (class, bytes) in kernels::families::text::inputs::invalid_cases(len) {
            let input = Input::new(class.clone(), &bytes, 0);
            let Digest::Utf8(Err(failure)) = reference_digest(text, &input) else {
                panic!("{class} at {len}B is not invalid UTF-8");
            };
            let accepted = check_all(text, &input);
            // Every variant without a UTF-8 precondition took it, and agreed on the error.
            let checking = text.variants.iter().filter(|v| v.run.requires().is_empty());
            assert_eq!(accepted, checking.count(), "{class}: {failure}");
        }
    }
}

#[test]
fn unchecked_text_variants_refuse_invalid_input_and_take_valid_input() {
    let text = family("text").unwrap();
    for name in ["from_utf8_unchecked", "string_from_utf8_unchecked"] {
        let variant = text.variant(name).unwrap();
        let refusal = variant
            .bind(&Input::new("bad", b"ok\xC0\xAF", 0))
            .err()
            .unwrap();
        assert!(refusal.reason.contains("invalid UTF-8"), "{refusal}");
        assert!(
            variant
                .bind(&Input::new("good", "ok ✓".as_bytes(), 3))
                .is_ok()
        );
    }
}

#[test]
fn cast_raw_refuses_exactly_the_misaligned_inputs() {
    for (name, align) in [("cast", 4), ("cast_u64", 8)] {
        let variant = family(name).unwrap().variant("cast_raw").unwrap();
        for offset in 0..16 {
            let input = Input::new("x", &[0; 32], offset);
            assert_eq!(
                variant.bind(&input).is_ok(),
                offset % align == 0,
                "{name} +{offset}"
            );
        }
    }
}

#[test]
fn owned_text_variants_take_over_the_buffer_without_copying() {
    let text = family("text").unwrap();
    let input = Input::new(
        "mixed",
        &kernels::families::text::inputs::generate("mixed", 300),
        0,
    );
    for variant in text.variants.iter().filter(|v| v.run.consumes()) {
        let mut bound = variant.bind(&input).unwrap();
        let before = bound.buffer().map(<[u8]>::as_ptr);
        assert!(
            before.is_some(),
            "{} should consume its input",
            variant.name
        );
        // The bench's loop: the returned buffer is the next call's input, unchanged.
        let expected = bound.run_once();
        assert_eq!(bound.buffer(), Some(input.bytes()), "{}", variant.name);
        bound.run(3);
        assert_eq!(bound.digest(), Some(expected), "{}", variant.name);
        assert_eq!(
            bound.buffer().map(<[u8]>::as_ptr),
            before,
            "{} copied the buffer",
            variant.name
        );
    }
}

proptest! {
    #![proptest_config(common::proptest_config())]

    #[test]
    fn random_bytes_at_random_offsets(bytes in prop::collection::vec(any::<u8>(), 0..300), offset in 0usize..16) {
        for f in FAMILIES.iter().filter(|f| f.takes_files) {
            check_sweep(f, &Input::new("random", &bytes, offset));
        }
    }

    #[test]
    fn random_valid_text_at_random_offsets(text in ".{0,120}", offset in 0usize..16) {
        let f = family("text").unwrap();
        let input = Input::new("random", text.as_bytes(), offset);
        prop_assert_eq!(check_sweep(f, &input), swept_candidates(f));
    }
}

#[test]
fn each_reference_copy_matches_its_reference() {
    // The verdict protocol's A/A control must do exactly the reference's work.
    for f in FAMILIES
        .iter()
        .filter(|f| !(cfg!(miri) && f.spawns_threads))
    {
        let specs = (f.inputs)();
        let smallest = specs
            .iter()
            .min_by_key(|s| s.name.size)
            .expect("a family has inputs");
        let input = smallest.generate();
        let copy = f
            .reference_copy
            .bind(&input)
            .unwrap_or_else(|e| panic!("{}: the copy refuses {}: {e}", f.name, input.name()))
            .run_once();
        assert_eq!(copy, reference_digest(f, &input), "{}", f.name);
    }
}

#[test]
fn each_arm_digests_its_own_latest_call_whatever_ran_since() {
    // The arms of a family may share their output memory (kernels::SharedOutput); the digest
    // read after other arms have run must still be this arm's result, as the protocol's
    // interleaved rounds and the checks that follow them assume.
    for f in FAMILIES
        .iter()
        .filter(|f| !(cfg!(miri) && f.spawns_threads))
    {
        let limit = if cfg!(miri) { 64 } else { 4096 };
        let specs = (f.inputs)();
        let spec = specs
            .iter()
            .filter(|s| s.name.size <= limit)
            .max_by_key(|s| s.name.size)
            .or_else(|| specs.iter().min_by_key(|s| s.name.size))
            .expect("a family has inputs");
        let input = spec.generate();
        let expected = reference_digest(f, &input);
        let mut arms: Vec<_> = f
            .variants
            .iter()
            .filter_map(|v| Some((v.name, v.bind(&input).ok()?)))
            .collect();
        assert!(arms.len() > 1, "{}", f.name);
        for (_, bound) in &mut arms {
            bound.run(1);
        }
        for (name, bound) in arms.iter_mut().rev() {
            assert_eq!(
                bound.digest(),
                Some(expected),
                "{}/{name} after the others ran",
                f.name
            );
        }
    }
}
