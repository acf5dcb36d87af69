//! Instruction counts: to the verdicts and family pages; malformed and conflicting files named.

use std::fs;

use reports::build;

use crate::support::*;

#[test]
fn instruction_counts_reach_the_verdicts_and_the_family_pages() {
    let dir = scratch("counts");
    let run = fixture_copy(&dir, "x86_64-fixture");
    let out = dir.join("site");
    let built = build(&[run], None, &out).expect("site builds");
    // The fixture has two families; the only problems are the others' absence.
    assert!(
        built
            .ledger
            .problems
            .iter()
            .all(|p| p.message.contains("was not measured") || p.source == "soundness"),
        "{:?}",
        built.ledger.problems
    );

    let text = &built.ledger.families[0];
    let archs: Vec<(&str, bool)> = text
        .instructions
        .iter()
        .map(|a| (a.arch.as_str(), a.emulated))
        .collect();
    assert_eq!(archs, [("aarch64", true), ("x86_64", false)]);
    // The verdict's savings are of the confirmed pair, on every architecture that counted
    // both of its variants (cast's: read_unaligned against chunks_exact, the same loop).
    let cast = &built.ledger.families[1];
    let verdict = cast.runs[0].verdict.as_ref().expect("cast has a verdict");
    assert_eq!(verdict.instructions.len(), 2, "a saving per architecture");
    for saving in &verdict.instructions {
        assert_eq!(saving.unsafe_variant, verdict.measured.unsafe_variant);
        assert_eq!(saving.safe_variant, verdict.measured.safe_variant);
        assert_eq!(saving.saved, saving.safe_per_call - saving.unsafe_per_call);
        assert!(saving.fraction.abs() < 0.01, "the same work: {saving:?}");
    }

    // The copying baseline counts `rep movsb` per byte by default: flagged, with the count
    // taken with glibc steered off it beside it.
    let x86 = &text.instructions[1];
    let headline = x86
        .inputs
        .iter()
        .find(|i| i.input == "mixed/64KiB")
        .expect("headline input counted");
    let row = |name: &str| {
        headline
            .rows
            .iter()
            .find(|r| r.variant == name)
            .unwrap_or_else(|| panic!("{name} counted"))
    };
    let copying = row("to_owned_string");
    assert!(copying.copy_sensitive, "{copying:?}");
    assert!(copying.without_rep_movsb.expect("both settings") < copying.per_call);
    assert!(!row("from_utf8_std").copy_sensitive);
    assert_eq!(
        headline
            .rows
            .iter()
            .filter(|r| r.to_fewest == Some(1.0))
            .count(),
        1,
        "exactly one fewest (the unchecked conversion)"
    );

    let index = read(&out.join("index.html"));
    assert!(index.contains("<b>aarch64</b> (emulated)"));
    assert!(index.contains("<b>x86_64</b>:"));
    let page = read(&out.join("family-text.html"));
    assert!(page.contains("Instructions per call on aarch64 (emulated)"));
    assert!(page.contains("Instructions per call on x86_64</h2>"));
    assert!(page.contains("without rep movsb"));
}

#[test]
fn malformed_instruction_files_are_named_and_the_rest_used() {
    let dir = scratch("counts-malformed");
    let run = fixture_copy(&dir, "x86_64-fixture");
    let counts = run.join("instructions");
    let bytes = fs::read(counts.join("x86_64-callgrind-default.json")).expect("read");
    fs::write(
        counts.join("x86_64-callgrind-default.json"),
        &bytes[..bytes.len() / 2],
    )
    .expect("truncate");
    edit_counts(&run, "x86_64-callgrind-no-rep-movsb.json", |json| {
        json["schema"] = 99.into();
    });
    edit_counts(&run, "aarch64-qemu-plugin-default.json", |json| {
        json["counts"][0]["variant"] = "retired_variant".into();
        json["counts"][1]["per_call"] = (-5).into();
    });
    let built = build(&[run], None, &dir.join("site")).expect("site builds");
    let problems = problem_texts(&built);
    let named = |file: &str, what: &str| assert_named(&problems, file, what);
    named("x86_64-callgrind-default.json", "malformed JSON");
    named("x86_64-callgrind-no-rep-movsb.json", "format version 99");
    named("aarch64-qemu-plugin-default.json", "2 counts skipped");
    named("aarch64-qemu-plugin-default.json", "retired_variant");
    named(
        "aarch64-qemu-plugin-default.json",
        "not a finite non-negative",
    );
    // What is left is still reported: aarch64 only.
    let text = &built.ledger.families[0];
    let archs: Vec<&str> = text.instructions.iter().map(|a| a.arch.as_str()).collect();
    assert_eq!(archs, ["aarch64"]);
}

#[test]
fn missing_and_conflicting_counts_are_named() {
    let (index, problems) = build_corrupted("counts-missing", |run| {
        fs::remove_dir_all(run.join("instructions")).expect("remove counts");
    });
    assert!(
        problems.iter().any(|p| p.contains("no instruction counts")),
        "{problems:#?}"
    );
    assert!(index.contains("not counted in these results"));

    let (_, problems) = build_corrupted("counts-conflict", |run| {
        let counts = run.join("instructions");
        fs::copy(
            counts.join("x86_64-callgrind-default.json"),
            counts.join("x86_64-callgrind-default-again.json"),
        )
        .expect("copy");
        edit_counts(run, "x86_64-callgrind-default-again.json", |json| {
            json["counts"][0]["per_call"] = 1_000_000.into();
        });
    });
    assert!(
        problems
            .iter()
            .any(|p| p.contains("different sources") && p.contains("1000000")),
        "{problems:#?}"
    );
}
