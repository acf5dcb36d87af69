//! The site as a whole: built from the real fixture, reproducible, replaced whole, and its Findings page.

use std::fs;

use reports::build;

use crate::support::*;

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
                section.contains(&format!("On {}", saving.arch))
                    && section.contains("instructions per call against"),
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
