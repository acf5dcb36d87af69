//! The checkers' results: to the verdicts, the family pages and the gallery; malformed ones named.

use std::path::Path;

use crate::support::*;

#[test]
fn soundness_results_reach_the_verdicts_the_family_pages_and_the_gallery() {
    let fixture = soundness_json();
    let (out, built) = build_with_soundness("soundness", read(Path::new(SOUNDNESS)).as_bytes());
    assert!(
        !problem_texts(&built)
            .iter()
            .any(|p| p.contains("soundness")),
        "{:?}",
        problem_texts(&built)
    );
    let text = &built.ledger.families[0];
    let verdict = text.runs[0].verdict.as_ref().expect("text has a verdict");
    match &verdict.soundness {
        reports::analyze::soundness::Status::Clean { checkers, .. } => {
            assert!(
                checkers.iter().any(|c| c == "miri-stacked-borrows"),
                "{checkers:?}"
            );
            assert!(
                checkers.iter().any(|c| c == "address-sanitizer"),
                "{checkers:?}"
            );
        }
        other => panic!("the fixture's text variants ran clean, got {other:?}"),
    }
    let unsafe_code = verdict.unsafe_code.as_ref().expect("unsafe code located");
    assert!(unsafe_code.operations >= 1 && unsafe_code.file.ends_with("raw.rs"));

    let index = read(&out.join("index.html"));
    assert!(index.contains("<span class=\"clean\">clean</span> under miri-stacked-borrows"));
    assert!(index.contains("unsafe operation"));
    let page = read(&out.join("family-text.html"));
    assert!(page.contains("id=\"soundness\"") && page.contains("miri-tree-borrows"));

    // The gallery shows every hazard of the file, each with its safe counterpart.
    let gallery = read(&out.join("soundness.html"));
    let hazards = fixture["hazards"].as_array().expect("hazards");
    assert!(hazards.len() >= 10, "the fixture has the whole gallery");
    for h in hazards {
        let id = h["id"].as_str().expect("id");
        assert!(gallery.contains(&format!("id=\"{id}\"")), "{id} missing");
    }
    assert!(gallery.contains("Safe Rust:"));
    assert!(out.join("raw/soundness.json").is_file());
}

#[test]
fn a_finding_is_shown_as_a_finding_whatever_else_ran_clean() {
    let mut fixture = soundness_json();
    let record = fixture["variants"]
        .as_array_mut()
        .expect("variants")
        .iter_mut()
        .find(|c| c["family"] == "text" && c["checker"] == "address-sanitizer")
        .expect("a text record under ASan");
    record["outcome"] = "finding".into();
    record["finding"] = "ERROR: AddressSanitizer: heap-buffer-overflow".into();
    let variant = record["variant"].as_str().expect("variant").to_owned();
    let (out, built) = build_with_soundness("finding", fixture.to_string().as_bytes());
    let soundness = &built.ledger.families[0].soundness;
    let hit = soundness
        .iter()
        .find(|v| v.variant == variant)
        .expect("variant");
    assert!(
        matches!(
            hit.status,
            reports::analyze::soundness::Status::Finding { .. }
        ),
        "{:?}",
        hit.status
    );
    let page = read(&out.join("family-text.html"));
    assert!(page.contains("heap-buffer-overflow"));
}

#[test]
fn malformed_soundness_results_are_named_and_variants_shown_not_checked() {
    let text = read(Path::new(SOUNDNESS));
    let (out, built) =
        build_with_soundness("soundness-truncated", &text.as_bytes()[..text.len() / 2]);
    let problems = problem_texts(&built);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("soundness.json") && p.contains("malformed JSON")),
        "{problems:?}"
    );
    let index = read(&out.join("index.html"));
    assert!(index.contains("not checked"));
    assert!(!index.contains("<span class=\"clean\">"));

    let mut newer = soundness_json();
    newer["schema"] = 99.into();
    let (_, built) = build_with_soundness("soundness-schema", newer.to_string().as_bytes());
    assert!(
        problem_texts(&built)
            .iter()
            .any(|p| p.contains("format version 99")),
        "{:?}",
        problem_texts(&built)
    );
}

#[test]
fn soundness_records_of_variants_the_registry_lacks_are_skipped_and_named() {
    let mut fixture = soundness_json();
    fixture["variants"].as_array_mut().expect("variants")[0]["variant"] = "gone_raw".into();
    let (_, built) = build_with_soundness("soundness-unknown", fixture.to_string().as_bytes());
    let problems = problem_texts(&built);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("1 records skipped") && p.contains("gone_raw")),
        "{problems:?}"
    );
}
