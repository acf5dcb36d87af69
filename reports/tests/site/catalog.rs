//! The catalog written with each run: variants described as measured, conflicts and gaps named.

use std::fs;
use std::path::Path;

use reports::build;

use crate::support::*;

#[test]
fn variants_are_described_as_they_were_when_measured() {
    // The catalog written with the results is the only description the report reads: a
    // variant renamed or redescribed in the registry since is shown as measured.
    let dir = scratch("as-measured");
    let run = fixture_copy(&dir, "x86_64-fixture");
    edit_catalog(&run, |catalog| {
        let text = &mut catalog["families"][0];
        assert_eq!(text["name"], "text");
        let variant = text["variants"]
            .as_array_mut()
            .expect("variants")
            .iter_mut()
            .find(|v| v["name"] == "from_utf8_unchecked")
            .expect("variant");
        variant["description"] = "as described when measured".into();
        variant["invariants"] = serde_json::json!(["an invariant of the measured build"]);
        text["no_floor"] = "no pass over bytes bounds it when measured".into();
    });
    let out = dir.join("site");
    build(&[run], None, &out).expect("site");
    let page = read(&out.join("family-text.html"));
    assert!(page.contains("as described when measured"), "description");
    assert!(
        page.contains("an invariant of the measured build"),
        "invariant"
    );
    assert!(
        page.contains("No floor: no pass over bytes bounds it when measured."),
        "the reason a family has no floor"
    );
}

#[test]
fn a_run_without_a_catalog_is_named_and_skipped() {
    let dir = scratch("no-catalog");
    let good = relabelled_copy(&dir, "x86_64-a");
    let bare = relabelled_copy(&dir, "x86_64-b");
    fs::remove_file(bare.join("catalog.json")).expect("remove");
    let built = build(&[good, bare.clone()], None, &dir.join("site")).expect("site");
    let problems = problem_texts(&built);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("x86_64-b/catalog.json") && p.contains("cannot be described")),
        "{problems:?}"
    );
    let runs = &built.ledger.families[0].runs;
    assert_eq!(runs.len(), 1, "only the described run is reported");

    // Nothing described at all is nothing to report.
    fs::remove_dir_all(dir.join("x86_64-a")).expect("remove");
    let error = build(&[bare], None, &dir.join("site2"))
        .expect_err("nothing usable")
        .to_string();
    assert!(error.contains("catalog.json"), "{error}");
}

#[test]
fn runs_that_describe_a_family_differently_are_named() {
    let dir = scratch("catalog-conflict");
    let a = relabelled_copy(&dir, "x86_64-a");
    let b = relabelled_copy(&dir, "x86_64-b");
    edit_catalog(&b, |catalog| {
        catalog["families"][1]["variants"][0]["kind"] = "safe".into();
    });
    let built = build(&[a, b], None, &dir.join("site")).expect("site");
    let problems = problem_texts(&built);
    assert!(
        problems.iter().any(|p| p.contains("x86_64-b/catalog.json")
            && p.contains("family `cast` differently")
            && p.contains("`collect_vec`")),
        "{problems:?}"
    );
    let cast = &built.ledger.families[1].family;
    assert_eq!(cast.variants[0].kind.as_str(), "baseline", "first run wins");
}

#[test]
fn missing_provenance_and_missing_headline_are_listed() {
    let remove_headline = |run: &Path| {
        fs::remove_file(run.join("provenance.json")).expect("remove");
        for variant in fs::read_dir(run.join("criterion/text_mixed")).expect("text/mixed") {
            let headline = variant.expect("entry").path().join("64KiB");
            fs::remove_dir_all(headline).expect("remove the headline input");
        }
    };
    let (index, problems) = build_corrupted("no-provenance", |run| {
        remove_headline(run);
        fs::remove_dir_all(run.join("protocol")).expect("remove the rounds");
    });
    assert!(
        problems.iter().any(|p| p.contains("provenance")),
        "{problems:?}"
    );
    assert!(index.contains("No provenance recorded"));
    assert!(
        index.contains("headline input `mixed/64KiB`: no criterion results or screening rounds"),
        "{index}"
    );

    // Without criterion's samples, the screening rounds give the headline's rows.
    let dir = scratch("rows-from-rounds");
    let run = fixture_copy(&dir, "x86_64-fixture");
    remove_headline(&run);
    let built = build(&[run], None, &dir.join("site")).expect("site");
    let text = &built.ledger.families[0].runs[0];
    let headline = text
        .inputs
        .iter()
        .find(|i| i.name == "mixed/64KiB")
        .expect("the headline from the rounds");
    assert!(!headline.rows.is_empty());
    // A candidate's batches pooled over the three screening processes; the floor's, those of
    // its fastest process alone.
    assert!(headline.rows.iter().all(|r| r.from_rounds));
    for row in &headline.rows {
        let expected = if row.to_best.is_none() { 10 } else { 30 };
        assert_eq!(row.samples, expected, "{}", row.variant);
    }
    assert!(
        headline.rows.iter().any(|r| r.to_best.is_none()),
        "the floor's row"
    );
    assert!(
        text.missing.iter().all(|m| !m.contains("mixed/64KiB")),
        "{:?}",
        text.missing
    );
    let page = read(&dir.join("site/family-text.html"));
    assert!(page.contains("medians of the screening batches"), "{page}");
}

#[test]
fn runs_from_different_compilers_are_flagged() {
    let dir = scratch("mixed-rustc");
    let a = fixture_copy(&dir, "x86_64-a");
    let b = fixture_copy(&dir, "x86_64-b");
    for (run, label, release) in [(&a, "x86_64-a", "1.95.0"), (&b, "x86_64-b", "1.96.0")] {
        let file = run.join("provenance.json");
        let mut p: serde_json::Value = serde_json::from_str(&read(&file)).expect("provenance");
        p["label"] = label.into();
        p["rustc_release"] = release.into();
        fs::write(&file, p.to_string()).expect("write");
    }
    let built = build(&[a, b], None, &dir.join("site")).expect("site");
    assert!(
        built
            .ledger
            .problems
            .iter()
            .any(|p| p.message.contains("different compilers")),
        "{:?}",
        built.ledger.problems
    );
    assert_eq!(
        built.ledger.families[0].runs.len(),
        2,
        "both hosts reported"
    );
}
