//! Criterion's files, corrupted: each problem named, the rest reported.

use std::fs;

use crate::support::*;

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
fn a_variant_the_catalog_does_not_list_is_named() {
    let (_, problems) = build_corrupted("unknown-variant", |run| {
        let file = benchmark_dir(run, "cast_aligned", "align_to", "64KiB").join("benchmark.json");
        let text = read(&file).replace("\"align_to\"", "\"retired_variant\"");
        fs::write(&file, text).expect("write");
    });
    assert!(
        problems.iter().any(
            |p| p.contains("`cast/retired_variant`, a variant the run's catalog does not list")
        ),
        "{problems:?}"
    );
}
