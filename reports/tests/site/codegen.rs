//! Machine code: to the family pages; malformed files named.

use std::fs;

use reports::build;

use crate::support::*;

#[test]
fn machine_code_reaches_the_family_pages() {
    let dir = scratch("codegen");
    let run = fixture_copy(&dir, "x86_64-fixture");
    let out = dir.join("site");
    let built = build(&[run], None, &out).expect("site builds");
    let cast = built
        .ledger
        .families
        .iter()
        .find(|f| f.family.name == "cast")
        .expect("cast reported");
    let code = &cast.codegen[0];
    assert_eq!(code.arch, "x86_64");
    let row = |variant: &str| {
        code.rows
            .iter()
            .find(|r| r.variant == variant)
            .unwrap_or_else(|| panic!("no row for {variant}"))
    };
    // The reference and the raw cast compile to the same vectorised sum: no check kept.
    for variant in ["chunks_exact", "cast_raw"] {
        let hot = row(variant).hot_loop.as_ref().expect("a hot loop");
        assert!(hot.instructions > 0 && hot.instructions < 20, "{hot:#?}");
        assert_eq!(hot.bounds_checks, 0, "{variant}");
    }
    let page = read(&out.join("family-cast.html"));
    assert!(page.contains("Machine code on x86_64"));
    assert!(page.contains("<details><summary><code>chunks_exact</code>"));
    // A family whose code was not recorded says so.
    let pool = read(&out.join("family-pool.html"));
    assert!(pool.contains("Not disassembled in these results"), "{pool}");
}

#[test]
fn malformed_codegen_files_are_named_and_the_rest_used() {
    let dir = scratch("codegen-malformed");
    let run = fixture_copy(&dir, "x86_64-fixture");
    let original = run.join("codegen/x86_64.json");
    let bytes = fs::read(&original).expect("read");
    fs::write(
        run.join("codegen/truncated.json"),
        &bytes[..bytes.len() / 2],
    )
    .expect("truncate");
    fs::write(run.join("codegen/future.json"), &bytes).expect("copy");
    let future = run.join("codegen/future.json");
    let mut json: serde_json::Value = serde_json::from_str(&read(&future)).expect("parse");
    json["schema"] = 99.into();
    fs::write(&future, json.to_string()).expect("write");
    edit_codegen(&run, |json| {
        json["entries"][0]["variant"] = "retired_variant".into();
        json["entries"][1]["functions"] = serde_json::Value::Array(Vec::new());
    });
    let built = build(&[run], None, &dir.join("site")).expect("site builds");
    let problems = problem_texts(&built);
    let named = |file: &str, what: &str| assert_named(&problems, file, what);
    named("truncated.json", "codegen skipped");
    named("future.json", "format version 99");
    named("x86_64.json", "retired_variant");
    // The usable file is still read; the entry without code says so instead of a figure.
    let with_code: Vec<_> = built
        .ledger
        .families
        .iter()
        .flat_map(|f| &f.codegen)
        .collect();
    assert!(!with_code.is_empty());
    assert!(
        with_code
            .iter()
            .flat_map(|a| &a.rows)
            .any(|r| r.missing.is_some()),
        "the emptied entry is shown as missing"
    );
}
