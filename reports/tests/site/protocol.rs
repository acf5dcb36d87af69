//! The verdict protocol's process files: verdicts from usable ones, bad ones named and left out.

use std::fs;

use reports::build;

use crate::support::*;

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
fn protocol_rounds_alone_make_a_site_with_verdicts() {
    let built = build_with_rounds("rounds-only", |protocol| {
        let run = protocol.parent().expect("run dir");
        fs::remove_dir_all(run.join("criterion")).expect("remove");
    });
    assert_eq!(built.benchmarks, 0);
    let verdict = text_verdict(&built).expect("the protocol alone gives the verdict");
    assert_eq!(verdict.measured.processes, 5);
}
