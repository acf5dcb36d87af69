//! The fixture run, copies of it to corrupt, and the readings every test shares.

use std::fs;
use std::path::{Path, PathBuf};

use reports::build;
use reports::site::copy_tree;

pub const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/x86_64-fixture");

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("site-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// A copy of the fixture run under `dir`, named `label`.
pub fn fixture_copy(dir: &Path, label: &str) -> PathBuf {
    let run = dir.join(label);
    copy_tree(Path::new(FIXTURE), &run).expect("copy the fixture");
    run
}

/// A copy of the fixture run under `dir` whose provenance is labelled `label` too, so that
/// several copies are several runs.
pub fn relabelled_copy(dir: &Path, label: &str) -> PathBuf {
    let run = fixture_copy(dir, label);
    let file = run.join("provenance.json");
    let mut p: serde_json::Value = serde_json::from_str(&read(&file)).expect("provenance");
    p["label"] = label.into();
    fs::write(&file, p.to_string()).expect("write");
    run
}

pub fn benchmark_dir(run: &Path, family_shape: &str, variant: &str, size: &str) -> PathBuf {
    run.join("criterion")
        .join(family_shape)
        .join(variant)
        .join(size)
        .join("new")
}

pub fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Builds a site from a corrupted copy and returns its index page and problem list.
pub fn build_corrupted(name: &str, corrupt: impl FnOnce(&Path)) -> (String, Vec<String>) {
    let dir = scratch(name);
    let run = fixture_copy(&dir, "x86_64-fixture");
    corrupt(&run);
    let out = dir.join("site");
    let built = build(&[run], None, &out).expect("a partly corrupted run still makes a site");
    let problems = built
        .ledger
        .problems
        .iter()
        .map(|p| format!("{}: {}", p.source, p.message))
        .collect();
    (read(&out.join("index.html")), problems)
}

/// Edits the fixture run's `catalog.json`.
pub fn edit_catalog(run: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let file = run.join("catalog.json");
    let mut catalog: serde_json::Value = serde_json::from_str(&read(&file)).expect("catalog");
    edit(&mut catalog);
    fs::write(&file, catalog.to_string()).expect("write");
}

/// The site and the problems of a fixture copy whose protocol rounds `corrupt` edits.
pub fn build_with_rounds(name: &str, corrupt: impl FnOnce(&Path)) -> reports::Built {
    let dir = scratch(name);
    let run = fixture_copy(&dir, "x86_64-fixture");
    corrupt(&run.join("protocol"));
    build(&[run], None, &dir.join("site")).expect("site")
}

pub fn text_verdict(built: &reports::Built) -> Option<&reports::analyze::Verdict> {
    built.ledger.families[0].runs[0].verdict.as_ref()
}

/// Rewrites one instruction-count file of a run through `edit` on its JSON.
pub fn edit_counts(run: &Path, file: &str, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = run.join("instructions").join(file);
    let mut json: serde_json::Value = serde_json::from_str(&read(&path)).expect("counts parse");
    edit(&mut json);
    fs::write(&path, serde_json::to_vec(&json).expect("serialize")).expect("write counts");
}

/// Real checker output: `ledger soundness` on this project (see the fixture's README).
pub const SOUNDNESS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/soundness.json");

/// Builds a site from the fixture run and `soundness` (a JSON value written to a file first).
pub fn build_with_soundness(name: &str, soundness: &[u8]) -> (PathBuf, reports::Built) {
    let dir = scratch(name);
    let run = fixture_copy(&dir, "x86_64-fixture");
    let file = dir.join("soundness.json");
    fs::write(&file, soundness).expect("write soundness");
    let out = dir.join("site");
    let built = build(&[run], Some(&file), &out).expect("site builds");
    (out, built)
}

pub fn soundness_json() -> serde_json::Value {
    serde_json::from_str(&read(Path::new(SOUNDNESS))).expect("fixture parses")
}

pub fn problem_texts(built: &reports::Built) -> Vec<String> {
    built
        .ledger
        .problems
        .iter()
        .map(|p| format!("{}: {}", p.source, p.message))
        .collect()
}

/// Fails unless one of `problems` names `file` and says `what`.
pub fn assert_named(problems: &[String], file: &str, what: &str) {
    assert!(
        problems
            .iter()
            .any(|p| p.contains(file) && p.contains(what)),
        "no problem naming {file} with `{what}` in {problems:#?}"
    );
}

pub fn edit_codegen(run: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = run.join("codegen/x86_64.json");
    let mut json: serde_json::Value = serde_json::from_str(&read(&path)).expect("codegen parse");
    edit(&mut json);
    fs::write(&path, serde_json::to_vec(&json).expect("serialize")).expect("write codegen");
}
