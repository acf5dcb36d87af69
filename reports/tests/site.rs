//! The report built from real criterion output (a trimmed copy of one run, under
//! `tests/fixtures/`), and from corrupted copies of it: every problem is named on the site,
//! nothing panics, and the output directory is replaced whole.

use std::fs;
use std::path::{Path, PathBuf};

use reports::build;
use reports::site::copy_tree;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/x86_64-fixture");

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("site-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// A copy of the fixture run under `dir`, named `label`.
fn fixture_copy(dir: &Path, label: &str) -> PathBuf {
    let run = dir.join(label);
    copy_tree(Path::new(FIXTURE), &run).expect("copy the fixture");
    run
}

fn benchmark_dir(run: &Path, family_shape: &str, variant: &str, size: &str) -> PathBuf {
    run.join("criterion")
        .join(family_shape)
        .join(variant)
        .join(size)
        .join("new")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn real_results_make_a_complete_site() {
    let dir = scratch("real");
    let run = fixture_copy(&dir, "x86_64-fixture");
    let out = dir.join("site");
    let built = build(&[run], &out).expect("site builds");
    assert!(built.benchmarks >= 40, "{}", built.benchmarks);

    let index = read(&out.join("index.html"));
    assert!(index.contains("id=\"verdicts\""));
    for family in ["text", "cast"] {
        assert!(index.contains(&format!("family-{family}.html")));
        let page = read(&out.join(format!("family-{family}.html")));
        assert!(
            page.contains("<img src=\"plots/"),
            "{family} page has no plot"
        );
        for img in page.split("<img src=\"").skip(1) {
            let path = img.split('"').next().expect("src");
            let svg = read(&out.join(path));
            assert!(svg.starts_with("<svg"), "{path} is not an SVG");
        }
    }
    // Every verdict of a measured family is one of the rule's four calls.
    let text = &built.ledger.families[0];
    let verdict = text.runs[0].verdict.as_ref().expect("text has a verdict");
    assert_eq!(verdict.input, "mixed/64KiB");
    assert!(verdict.headline.speedup.lower <= verdict.headline.speedup.point);
    assert!(verdict.headline.speedup.point <= verdict.headline.speedup.upper);
    assert!(
        !verdict.headline.skips.is_empty(),
        "the unchecked conversion skips validation"
    );
    assert!(
        verdict.like_for_like.is_some(),
        "a like-for-like comparison is reported"
    );

    // ledger.json holds the numbers the pages show; raw results are kept beside it.
    let ledger: serde_json::Value =
        serde_json::from_str(&read(&out.join("ledger.json"))).expect("ledger.json parses");
    assert_eq!(ledger["schema"], 1);
    assert!(out.join("raw/x86_64-fixture/provenance.json").is_file());
    // The environment is shown.
    assert!(index.contains("rustc") && index.contains("AMD EPYC"));
}

#[test]
fn a_copy_of_the_results_reproduces_the_site() {
    let dir = scratch("reproduce");
    let first = fixture_copy(&dir.join("a"), "x86_64-fixture");
    let second = fixture_copy(&dir.join("b"), "x86_64-fixture");
    build(&[first], &dir.join("site-a")).expect("first");
    build(&[second], &dir.join("site-b")).expect("second");
    for page in [
        "index.html",
        "family-text.html",
        "family-cast.html",
        "ledger.json",
    ] {
        assert_eq!(
            read(&dir.join("site-a").join(page)),
            read(&dir.join("site-b").join(page)),
            "{page} differs between two copies of the same results"
        );
    }
}

/// Builds a site from a corrupted copy and returns its index page and problem list.
fn build_corrupted(name: &str, corrupt: impl FnOnce(&Path)) -> (String, Vec<String>) {
    let dir = scratch(name);
    let run = fixture_copy(&dir, "x86_64-fixture");
    corrupt(&run);
    let out = dir.join("site");
    let built = build(&[run], &out).expect("a partly corrupted run still makes a site");
    let problems = built
        .ledger
        .problems
        .iter()
        .map(|p| format!("{}: {}", p.source, p.message))
        .collect();
    (read(&out.join("index.html")), problems)
}

#[test]
fn truncated_samples_are_named_and_the_rest_reported() {
    let (index, problems) = build_corrupted("truncated", |run| {
        let file = benchmark_dir(run, "text_mixed", "simdutf8_basic", "4KiB").join("sample.json");
        let text = read(&file);
        fs::write(&file, &text[..text.len() / 2]).expect("truncate");
    });
    assert!(
        problems
            .iter()
            .any(|p| p.contains("simdutf8_basic/4KiB/new/sample.json")
                && p.contains("malformed JSON")),
        "{problems:?}"
    );
    assert!(index.contains("Missing or unusable results"));
    assert!(index.contains("family-text.html"));
}

#[test]
fn malformed_benchmark_files_are_named() {
    let (_, problems) = build_corrupted("malformed", |run| {
        let file = benchmark_dir(run, "cast_aligned", "bytemuck", "64KiB").join("benchmark.json");
        fs::write(&file, "{\"group_id\": 7").expect("corrupt");
    });
    assert!(
        problems
            .iter()
            .any(|p| p.contains("bytemuck/64KiB/new/benchmark.json")),
        "{problems:?}"
    );
}

#[test]
fn a_benchmark_without_samples_is_named() {
    let (_, problems) = build_corrupted("empty-samples", |run| {
        let file = benchmark_dir(run, "text_mixed", "to_owned_string", "64KiB").join("sample.json");
        fs::write(&file, r#"{"sampling_mode":"Flat","iters":[],"times":[]}"#).expect("write");
    });
    assert!(
        problems
            .iter()
            .any(|p| p.contains("to_owned_string/64KiB") && p.contains("no samples")),
        "{problems:?}"
    );
}

#[test]
fn a_variant_the_registry_no_longer_has_is_named() {
    let (_, problems) = build_corrupted("unknown-variant", |run| {
        let file = benchmark_dir(run, "cast_aligned", "align_to", "64KiB").join("benchmark.json");
        let text = read(&file).replace("\"align_to\"", "\"retired_variant\"");
        fs::write(&file, text).expect("write");
    });
    assert!(
        problems
            .iter()
            .any(|p| p.contains("`cast/retired_variant`, a variant the registry no longer has")),
        "{problems:?}"
    );
}

#[test]
fn missing_provenance_and_missing_headline_are_listed() {
    let (index, problems) = build_corrupted("no-provenance", |run| {
        fs::remove_file(run.join("provenance.json")).expect("remove");
        for variant in fs::read_dir(run.join("criterion/text_mixed")).expect("text/mixed") {
            let headline = variant.expect("entry").path().join("64KiB");
            fs::remove_dir_all(headline).expect("remove the headline input");
        }
    });
    assert!(
        problems.iter().any(|p| p.contains("provenance")),
        "{problems:?}"
    );
    assert!(index.contains("No provenance recorded"));
    assert!(
        index.contains("headline input `mixed/64KiB`: no results"),
        "{index}"
    );
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
    let built = build(&[a, b], &dir.join("site")).expect("site");
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

#[test]
fn nothing_to_report_is_a_clear_error() {
    let dir = scratch("nothing");
    let error = build(&[dir.join("does-not-exist")], &dir.join("site")).expect_err("no results");
    assert!(error.contains("no usable benchmark results"), "{error}");
    assert!(error.contains("does-not-exist"), "{error}");
    assert!(
        !dir.join("site").exists(),
        "no site is written from nothing"
    );

    // A missing directory beside a good one is listed, not fatal.
    let good = fixture_copy(&dir, "x86_64-fixture");
    let built = build(&[good, dir.join("does-not-exist")], &dir.join("site")).expect("site");
    assert!(
        built
            .ledger
            .problems
            .iter()
            .any(|p| p.source.contains("does-not-exist"))
    );
}

#[test]
fn the_site_is_replaced_whole() {
    let dir = scratch("replace");
    let run = fixture_copy(&dir, "x86_64-fixture");
    let out = dir.join("site");
    fs::create_dir_all(&out).expect("old site");
    fs::write(out.join("stale.html"), "old").expect("stale file");
    build(&[run], &out).expect("site");
    assert!(
        !out.join("stale.html").exists(),
        "files of the previous site remain"
    );
    assert!(out.join("index.html").is_file());
    let leftovers: Vec<_> = fs::read_dir(&dir)
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".site."))
        .collect();
    assert!(leftovers.is_empty(), "staging directories left behind");
}
