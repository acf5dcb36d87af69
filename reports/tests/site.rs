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

/// A copy of the fixture run under `dir` whose provenance is labelled `label` too, so that
/// several copies are several runs.
fn relabelled_copy(dir: &Path, label: &str) -> PathBuf {
    let run = fixture_copy(dir, label);
    let file = run.join("provenance.json");
    let mut p: serde_json::Value = serde_json::from_str(&read(&file)).expect("provenance");
    p["label"] = label.into();
    fs::write(&file, p.to_string()).expect("write");
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
    let built = build(&[run], None, &out).expect("site builds");
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
    // The verdict comes from the protocol's rounds: the pair screening picked, like for like
    // (owned against owned: the unchecked conversions that skip validation are never the
    // headline), confirmed over the confirmation's five processes, with both controls.
    let text = &built.ledger.families[0];
    let verdict = text.runs[0].verdict.as_ref().expect("text has a verdict");
    let m = &verdict.measured;
    assert_eq!(m.input, "mixed/64KiB");
    assert_eq!(m.unsafe_variant, "string_simdutf8_then_unchecked");
    let owned_safe = ["string_from_utf8_std", "string_simdutf8_then_copy"];
    assert!(
        owned_safe.contains(&m.safe_variant.as_str()),
        "{}",
        m.safe_variant
    );
    // The pair is screening's fastest of each side.
    let fastest_safe = m
        .screening
        .relative
        .iter()
        .filter(|(v, _)| owned_safe.contains(&v.as_str()))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .expect("screened");
    assert_eq!(fastest_safe.0, m.safe_variant);
    assert_eq!(m.screening.processes, 3);
    assert!(m.speedup.lower <= m.speedup.point && m.speedup.point <= m.speedup.upper);
    assert!(m.speedup.lowest <= m.speedup.point && m.speedup.point <= m.speedup.highest);
    assert_eq!((m.processes, m.rounds), (5, 10));
    assert_eq!(m.looks, [5, 8]);
    assert!(m.settled);
    assert!(m.control_aa.is_some() && m.control_2x.is_some());
    let skipping: Vec<&str> = m
        .conditional
        .iter()
        .map(|c| c.unsafe_variant.as_str())
        .collect();
    assert_eq!(
        skipping,
        ["from_utf8_unchecked", "string_from_utf8_unchecked"]
    );
    assert!(verdict.holds.contains("only where that is done elsewhere"));
    let cast = &built.ledger.families[1];
    let cast_verdict = cast.runs[0].verdict.as_ref().expect("cast has a verdict");
    assert_ne!(
        cast_verdict.measured.unsafe_variant, "cast_raw",
        "cast_raw skips the alignment check: never the headline"
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
    build(&[first], None, &dir.join("site-a")).expect("first");
    build(&[second], None, &dir.join("site-b")).expect("second");
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
    let built = build(&[run], None, &out).expect("a partly corrupted run still makes a site");
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

/// Edits the fixture run's `catalog.json`.
fn edit_catalog(run: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let file = run.join("catalog.json");
    let mut catalog: serde_json::Value = serde_json::from_str(&read(&file)).expect("catalog");
    edit(&mut catalog);
    fs::write(&file, catalog.to_string()).expect("write");
}

#[test]
fn the_findings_page_reads_each_verdict_off_the_results() {
    let dir = scratch("findings");
    let run = fixture_copy(&dir, "x86_64-fixture");
    let out = dir.join("site");
    let built = build(&[run], None, &out).expect("site builds");
    let page = read(&out.join("findings.html"));
    assert!(read(&out.join("index.html")).contains("href=\"findings.html\""));
    let mut verdicts = 0;
    for report in &built.ledger.families {
        let name = &report.family.name;
        assert!(page.contains(&format!("family-{name}.html")), "{name}");
        let Some(verdict) = report.runs.first().and_then(|r| r.verdict.as_ref()) else {
            continue;
        };
        verdicts += 1;
        let m = &verdict.measured;
        // The section of this family: from its heading to the next one.
        let section = page
            .split("<h2>")
            .skip(1)
            .find(|s| s.contains(&format!("family-{name}.html")))
            .expect("a section");
        assert!(
            section.contains(&format!("<strong>{}</strong>", m.call.label())),
            "{name}"
        );
        assert!(section.contains(&format!("<code>{}</code> against", m.unsafe_variant)));
        for saving in &verdict.instructions {
            assert!(
                section.contains(&format!(
                    "{:.0} instructions per call",
                    saving.unsafe_per_call
                )),
                "{name}: {section}"
            );
        }
        let disassembled = |v: &str| {
            report
                .codegen
                .iter()
                .any(|a| a.rows.iter().any(|r| r.variant == v))
        };
        if disassembled(&m.unsafe_variant) && disassembled(&m.safe_variant) {
            assert!(section.contains("the unsafe side's"), "{section}");
        }
        if let Some(floor) = &report.family.floor {
            assert!(
                section.contains(&format!("(<code>{}</code>)", floor.name)),
                "{section}"
            );
            // A variant that skips work is never the one held to the floor.
            assert!(
                !section
                    .contains("whole work at <code>mixed/64KiB</code>, <code>from_utf8_unchecked")
            );
        }
    }
    assert!(verdicts >= 2, "the fixture's verdicts");
}

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
    assert!(
        headline
            .rows
            .iter()
            .all(|r| r.from_rounds && r.samples == 30)
    );
    assert!(
        text.missing.iter().all(|m| !m.contains("mixed/64KiB")),
        "{:?}",
        text.missing
    );
    let page = read(&dir.join("site/family-text.html"));
    assert!(page.contains("medians of the screening batches"), "{page}");
}

/// The site and the problems of a fixture copy whose protocol rounds `corrupt` edits.
fn build_with_rounds(name: &str, corrupt: impl FnOnce(&Path)) -> reports::Built {
    let dir = scratch(name);
    let run = fixture_copy(&dir, "x86_64-fixture");
    corrupt(&run.join("protocol"));
    build(&[run], None, &dir.join("site")).expect("site")
}

fn text_verdict(built: &reports::Built) -> Option<&reports::analyze::Verdict> {
    built.ledger.families[0].runs[0].verdict.as_ref()
}

#[test]
fn results_without_protocol_rounds_give_no_verdict() {
    let built = build_with_rounds("no-rounds", |protocol| {
        fs::remove_dir_all(protocol).expect("remove");
    });
    assert!(
        text_verdict(&built).is_none(),
        "criterion samples never make a verdict"
    );
    let problems = problem_texts(&built);
    assert!(
        problems.iter().any(|p| p.contains("unusable for verdicts")),
        "{problems:?}"
    );
    let run = &built.ledger.families[0].runs[0];
    assert!(
        !run.inputs.is_empty(),
        "the criterion curves are still shown"
    );
    assert!(
        run.missing.iter().any(|m| m.contains("no verdict")),
        "{:?}",
        run.missing
    );
}

#[test]
fn bad_process_files_are_named_and_left_out_whole() {
    let built = build_with_rounds("bad-rounds", |protocol| {
        let text = protocol.join("text");
        // Interrupted: the end line is missing.
        let file = text.join("confirm-0.jsonl");
        let body = read(&file);
        let cut: Vec<&str> = body
            .lines()
            .filter(|l| !l.contains("\"line\":\"end\""))
            .collect();
        fs::write(&file, cut.join("\n")).expect("write");
        // Malformed: a line that is not JSON.
        let file = text.join("confirm-1.jsonl");
        let body = read(&file).replacen("{\"line\":\"round\"", "{not json", 1);
        fs::write(&file, body).expect("write");
        // A round that lost an arm's batch.
        let file = text.join("confirm-2.jsonl");
        let mut lines: Vec<String> = read(&file).lines().map(str::to_owned).collect();
        let round = lines
            .iter()
            .position(|l| l.contains("\"line\":\"round\""))
            .expect("a round");
        let mut value: serde_json::Value = serde_json::from_str(&lines[round]).expect("json");
        value["batches"].as_array_mut().expect("batches").pop();
        lines[round] = value.to_string();
        fs::write(&file, lines.join("\n")).expect("write");
    });
    let problems = problem_texts(&built);
    for (file, why) in [
        ("confirm-0.jsonl", "interrupted"),
        ("confirm-1.jsonl", "malformed"),
        ("confirm-2.jsonl", "does not time every arm"),
    ] {
        assert!(
            problems
                .iter()
                .any(|p| p.contains(file) && p.contains(why) && p.contains("not used")),
            "{file}: {problems:?}"
        );
    }
    // Two good processes remain: still an interval, over two processes only.
    let verdict = text_verdict(&built).expect("a verdict from the two good processes");
    assert_eq!(verdict.measured.processes, 2);
}

#[test]
fn protocol_sizes_make_the_family_pages_band() {
    // The fixture's screening measured every size of text's headline shape.
    let dir = scratch("sizes");
    let run = fixture_copy(&dir, "x86_64-fixture");
    let built = build(&[run], None, &dir.join("site")).expect("site");
    let text = &built.ledger.families[0].runs[0];
    let sizes: Vec<&str> = text
        .sizes
        .iter()
        .map(|s| s.measured.input.as_str())
        .collect();
    assert_eq!(
        sizes,
        [
            "mixed/16B",
            "mixed/256B",
            "mixed/4KiB",
            "mixed/64KiB",
            "mixed/1MiB",
            "mixed/16MiB"
        ],
        "smallest first"
    );
    assert_eq!(text.sizes[2].count, 4096);
    let verdict = text.verdict.as_ref().expect("the headline verdict");
    assert_eq!(
        verdict.measured.input, "mixed/64KiB",
        "the verdict stays the headline's"
    );
    // Each size reads the confirmed pair, over the screening processes.
    for size in &text.sizes {
        assert_eq!(
            size.measured.unsafe_variant,
            verdict.measured.unsafe_variant
        );
        assert_eq!(size.measured.speedup.processes, 3);
    }
    let page = read(&dir.join("site/family-text.html"));
    assert!(
        page.contains("from the screening processes: exploratory"),
        "{page}"
    );
    assert!(page.contains("<code>mixed/4KiB</code>"));
    assert!(page.contains("Screening at"));
    let svg = read(&dir.join("site/plots/text-x86_64-fixture-mixed-speedup.svg"));
    assert!(svg.contains("exploratory"), "{svg}");
}

#[test]
fn one_usable_process_is_no_verdict() {
    let built = build_with_rounds("one-process", |protocol| {
        for p in 1..5 {
            fs::remove_file(protocol.join(format!("text/confirm-{p}.jsonl"))).expect("remove");
        }
    });
    assert!(text_verdict(&built).is_none());
    let run = &built.ledger.families[0].runs[0];
    assert!(
        run.missing.iter().any(|m| m.contains("at least 2")),
        "{:?}",
        run.missing
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

#[test]
fn nothing_to_report_is_a_clear_error() {
    let dir = scratch("nothing");
    let error =
        build(&[dir.join("does-not-exist")], None, &dir.join("site")).expect_err("no results");
    assert!(
        matches!(&error, reports::ReportError::NothingToReport { problems } if problems.len() == 2),
        "{error:?}"
    );
    let error = error.to_string();
    assert!(error.contains("no usable benchmark results"), "{error}");
    assert!(error.contains("does-not-exist"), "{error}");
    assert!(
        !dir.join("site").exists(),
        "no site is written from nothing"
    );

    // A missing directory beside a good one is listed, not fatal.
    let good = fixture_copy(&dir, "x86_64-fixture");
    let built = build(&[good, dir.join("does-not-exist")], None, &dir.join("site")).expect("site");
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
    build(&[run], None, &out).expect("site");
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

/// Rewrites one instruction-count file of a run through `edit` on its JSON.
fn edit_counts(run: &Path, file: &str, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = run.join("instructions").join(file);
    let mut json: serde_json::Value = serde_json::from_str(&read(&path)).expect("counts parse");
    edit(&mut json);
    fs::write(&path, serde_json::to_vec(&json).expect("serialize")).expect("write counts");
}

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

/// Real checker output: `ledger soundness` on this project (see the fixture's README).
const SOUNDNESS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/soundness.json");

/// Builds a site from the fixture run and `soundness` (a JSON value written to a file first).
fn build_with_soundness(name: &str, soundness: &[u8]) -> (PathBuf, reports::Built) {
    let dir = scratch(name);
    let run = fixture_copy(&dir, "x86_64-fixture");
    let file = dir.join("soundness.json");
    fs::write(&file, soundness).expect("write soundness");
    let out = dir.join("site");
    let built = build(&[run], Some(&file), &out).expect("site builds");
    (out, built)
}

fn soundness_json() -> serde_json::Value {
    serde_json::from_str(&read(Path::new(SOUNDNESS))).expect("fixture parses")
}

fn problem_texts(built: &reports::Built) -> Vec<String> {
    built
        .ledger
        .problems
        .iter()
        .map(|p| format!("{}: {}", p.source, p.message))
        .collect()
}

/// Fails unless one of `problems` names `file` and says `what`.
fn assert_named(problems: &[String], file: &str, what: &str) {
    assert!(
        problems
            .iter()
            .any(|p| p.contains(file) && p.contains(what)),
        "no problem naming {file} with `{what}` in {problems:#?}"
    );
}

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

#[test]
fn protocol_rounds_alone_make_a_site_with_verdicts() {
    let built = build_with_rounds("rounds-only", |protocol| {
        let run = protocol.parent().expect("run dir");
        fs::remove_dir_all(run.join("criterion")).expect("remove");
    });
    assert_eq!(built.benchmarks, 0);
    let verdict = text_verdict(&built).expect("the protocol alone gives the verdict");
    assert_eq!(verdict.measured.processes, 5);
}

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

fn edit_codegen(run: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = run.join("codegen/x86_64.json");
    let mut json: serde_json::Value = serde_json::from_str(&read(&path)).expect("codegen parse");
    edit(&mut json);
    fs::write(&path, serde_json::to_vec(&json).expect("serialize")).expect("write codegen");
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
