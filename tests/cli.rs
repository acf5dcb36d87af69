//! The `ledger` binary as a user runs it: output, errors and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use wire::catalog::{Catalog, VariantKind};

fn ledger(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ledger"))
        .args(args)
        .output()
        .expect("ledger runs")
}

/// The report's fixture results copied to `to` (which must not exist), to edit.
fn copy_fixture(to: &Path) {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/reports/tests/fixtures/x86_64-fixture"
    );
    let status = Command::new("cp")
        .arg("-r")
        .arg(fixture)
        .arg(to)
        .status()
        .expect("cp runs");
    assert!(status.success(), "cp -r {fixture} {}", to.display());
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A file in a fresh directory under the target directory, removed at the end of the test.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> Self {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("cli-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("temp file");
        Self(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("utf-8 temp path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[test]
fn list_json_describes_every_family() {
    let output = ledger(&["list", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let catalog: Catalog =
        serde_json::from_slice(&output.stdout).expect("list --json is a catalog");
    let names: Vec<&str> = catalog.families.iter().map(|f| f.name.as_str()).collect();
    let registry: Vec<&str> = kernels::FAMILIES.iter().map(|f| f.name).collect();
    assert_eq!(names, registry);
    for (family, registered) in catalog.families.iter().zip(kernels::FAMILIES) {
        let name = &family.name;
        let listed: Vec<(&str, &str)> = family
            .variants
            .iter()
            .chain(&family.floor)
            .map(|v| (v.name.as_str(), v.kind.as_str()))
            .collect();
        let expected: Vec<(&str, &str)> = registered
            .measured()
            .map(|v| (v.name, v.kind.as_str()))
            .collect();
        assert_eq!(listed, expected, "{name}");
        for (variant, registered) in family.variants.iter().zip(registered.variants) {
            let unsafety = registered.kind.unsafety();
            assert_eq!(
                variant.invariants.len(),
                unsafety.map_or(0, |u| u.invariants.len()),
                "{name}/{}",
                variant.name
            );
            assert_eq!(variant.unsafe_code.is_some(), unsafety.is_some());
            assert_eq!(
                variant.like_for_like,
                unsafety.is_some_and(|u| u.skips.is_empty())
            );
        }
        for kind in [VariantKind::Safe, VariantKind::Unsafe] {
            assert!(
                family.variants.iter().any(|v| v.kind == kind),
                "{name}: no {kind}"
            );
        }
        assert!(family.inputs.iter().all(|i| i.count > 0 || i.size == "0B"));
    }
}

#[test]
fn list_text_names_every_variant() {
    let output = ledger(&["list"]);
    assert!(output.status.success());
    let text = stdout(&output);
    for family in kernels::FAMILIES {
        assert!(text.contains(family.name));
        for variant in family.measured() {
            assert!(text.contains(variant.name), "{} missing", variant.name);
        }
    }
}

#[test]
fn probe_reports_the_utf8_error_position_of_a_file() {
    let file = TempFile::new("bad.txt", b"h\xc3\xa9llo\xff!");
    for variant in ["from_utf8_std", "simdutf8_compat", "simdutf8_basic"] {
        let output = ledger(&["probe", "text", variant, "--file", file.path()]);
        assert!(output.status.success(), "{}", stderr(&output));
        let out = stdout(&output);
        assert!(out.contains("1-byte invalid sequence at byte 6"), "{out}");
        assert!(out.contains("agrees with the reference"), "{out}");
    }
}

#[test]
fn probe_sums_the_whole_words_of_a_file_at_any_offset() {
    // Words 1, 2 and 0x01000000, then a 3-byte tail that every variant ignores.
    let file = TempFile::new("words.bin", &[1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 1, 9, 9, 9]);
    for offset in ["0", "1", "3"] {
        for variant in ["chunks_exact", "bytemuck", "zerocopy", "read_unaligned"] {
            let args = [
                "probe",
                "cast",
                variant,
                "--file",
                file.path(),
                "--offset",
                offset,
            ];
            let output = ledger(&args);
            assert!(output.status.success(), "{}", stderr(&output));
            assert!(
                stdout(&output).contains("wrapping sum of 3 words = 16777219 "),
                "{}",
                stdout(&output)
            );
        }
    }
}

#[test]
fn probe_refuses_what_a_variant_cannot_take() {
    let invalid = TempFile::new("invalid.txt", b"ok\xed\xa0\x80");
    let output = ledger(&[
        "probe",
        "text",
        "from_utf8_unchecked",
        "--file",
        invalid.path(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("cannot take input"),
        "{}",
        stderr(&output)
    );
    assert!(!stdout(&output).contains("result:"));

    let words = TempFile::new("words.bin", &[0; 64]);
    let args = [
        "probe",
        "cast",
        "cast_raw",
        "--file",
        words.path(),
        "--offset",
        "2",
    ];
    let output = ledger(&args);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("at offset 2 from a 4-byte boundary"));
}

#[test]
fn probe_reports_bad_arguments_clearly() {
    let cases: [(&[&str], &str); 6] = [
        (
            &["probe", "nope", "x", "--input", "a/1B"],
            "unknown family `nope`",
        ),
        (
            &["probe", "text", "nope", "--input", "a/1B"],
            "has no variant `nope`",
        ),
        (
            &["probe", "text", "from_utf8_std", "--input", "ascii/3KiB"],
            "has no input",
        ),
        (
            &["probe", "text", "from_utf8_std", "--file", "/nonexistent/x"],
            "cannot read",
        ),
        (
            &[
                "probe",
                "cast",
                "chunks_exact",
                "--input",
                "aligned/16B",
                "--offset",
                "1",
            ],
            "--offset applies to --file",
        ),
        (&["probe", "text", "from_utf8_std"], "--file"),
    ];
    for (args, message) in cases {
        let output = ledger(args);
        assert!(!output.status.success(), "{args:?} succeeded");
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(!stderr(&output).contains("panicked"), "{args:?} panicked");
    }
}

#[test]
fn probe_with_zero_iterations_does_not_call() {
    let output = ledger(&[
        "probe",
        "cast",
        "cast_raw",
        "--input",
        "aligned/4KiB",
        "--iterations",
        "0",
    ]);
    assert!(output.status.success());
    assert!(stdout(&output).contains("not called"));
}

/// An instruction-count file with one repeatable count per (variant, per call) pair.
fn count_file(arch: &str, counts: &[(&str, f64)]) -> String {
    let counts: Vec<(&str, f64, bool)> = counts.iter().map(|&(v, n)| (v, n, true)).collect();
    count_file_marked(arch, &counts)
}

/// An instruction-count file with one count per (variant, per call, repeatable) triple.
fn count_file_marked(arch: &str, counts: &[(&str, f64, bool)]) -> String {
    use wire::instructions::{CountEntry, INSTRUCTIONS_SCHEMA, InstructionFile};
    let file = InstructionFile {
        schema: INSTRUCTIONS_SCHEMA,
        arch: arch.to_owned(),
        counter: "test".to_owned(),
        emulated: false,
        setting: "default".to_owned(),
        env: Vec::new(),
        method: "made up".to_owned(),
        counts: counts
            .iter()
            .map(|&(variant, per_call, repeatable)| CountEntry {
                family: "cast".to_owned(),
                variant: variant.to_owned(),
                input: "aligned/16B".to_owned(),
                per_call,
                repeatable,
            })
            .collect(),
    };
    serde_json::to_string(&file).expect("serialises")
}

#[test]
fn agreement_passes_within_tolerance_and_names_what_is_beyond() {
    let reference = TempFile::new(
        "reference.json",
        count_file("x86_64", &[("a", 1000.0), ("b", 200.0)]).as_bytes(),
    );
    let close = TempFile::new(
        "close.json",
        count_file("x86_64", &[("a", 1005.0), ("b", 200.0)]).as_bytes(),
    );
    let far = TempFile::new(
        "far.json",
        count_file("x86_64", &[("a", 1000.0), ("b", 230.0)]).as_bytes(),
    );
    let other_arch = TempFile::new(
        "arm.json",
        count_file("aarch64", &[("a", 1000.0)]).as_bytes(),
    );

    let ok = ledger(&["agreement", close.path(), reference.path()]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(
        stdout(&ok).contains("2 of 2 cases within 1.0%"),
        "{}",
        stdout(&ok)
    );

    let beyond = ledger(&["agreement", far.path(), reference.path()]);
    assert_eq!(beyond.status.code(), Some(1));
    assert!(
        stderr(&beyond).contains("cast/b on aligned/16B: 230 vs 200 (+15.00%)"),
        "{}",
        stderr(&beyond)
    );

    let mixed = ledger(&["agreement", other_arch.path(), reference.path()]);
    assert_eq!(mixed.status.code(), Some(1));
    assert!(
        stderr(&mixed).contains("different architectures"),
        "{}",
        stderr(&mixed)
    );
}

#[test]
fn agreement_excludes_cases_either_side_could_not_repeat() {
    let reference = TempFile::new(
        "reference-repeat.json",
        count_file_marked("x86_64", &[("a", 1000.0, true), ("b", 200.0, false)]).as_bytes(),
    );
    let checked = TempFile::new(
        "checked-repeat.json",
        count_file_marked("x86_64", &[("a", 1000.0, true), ("b", 230.0, true)]).as_bytes(),
    );
    let out = TempFile::new("agreement-repeat.json", b"");
    let output = ledger(&[
        "agreement",
        checked.path(),
        reference.path(),
        "--out",
        out.path(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("1 of 1 cases within 1.0% (worst 0.00%); 1 excluded"),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output).contains("excluded, not repeatable in")
            && stderr(&output).contains("cast/b"),
        "{}",
        stderr(&output)
    );
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path()).expect("written")).expect("json");
    assert_eq!(written["excluded"][0]["variant"], "b");
    assert_eq!(written["excluded"][0]["checked"], 230.0);

    let only_unrepeatable = TempFile::new(
        "only.json",
        count_file_marked("x86_64", &[("b", 200.0, false)]).as_bytes(),
    );
    let none = ledger(&["agreement", checked.path(), only_unrepeatable.path()]);
    assert_eq!(none.status.code(), Some(1));
    assert!(
        stderr(&none).contains("no repeatable case in common"),
        "{}",
        stderr(&none)
    );
}

#[test]
fn import_gungraun_without_a_bench_run_says_what_to_run() {
    let out = ledger(&[
        "import-gungraun",
        "--home",
        "/nonexistent/gungraun",
        "--out-dir",
        "/tmp/unused",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cargo bench --bench instructions"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn count_rejects_unknown_names_before_running_anything() {
    let out = ledger(&[
        "count",
        "--counter",
        "callgrind",
        "--family",
        "nope",
        "--out",
        "/tmp/unused.json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("unknown family `nope`"),
        "{}",
        stderr(&out)
    );
    let out = ledger(&["count", "--counter", "qemu", "--out", "/tmp/unused.json"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the plugin is required with QEMU"
    );
}

/// Writes `files` (relative path, content) under `dir`.
fn stage_files(dir: &std::path::Path, files: &[(&str, &str)]) {
    for (rel, content) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
        std::fs::write(path, content).expect("write");
    }
}

fn install(stage: &str, from: &std::path::Path, into: &std::path::Path) -> Output {
    let (from, into) = (from.to_str().expect("utf-8"), into.to_str().expect("utf-8"));
    ledger(&[
        "results", "install", "--stage", stage, "--from", from, "--into", into,
    ])
}

#[test]
fn a_stage_replaces_only_what_it_produced() {
    use wire::stages::Stages;
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-stages");
    let _ = std::fs::remove_dir_all(&root);
    let results = root.join("results");
    let read = |rel: &str| std::fs::read_to_string(results.join(rel)).ok();
    let aarch64 = "instructions/aarch64-qemu-plugin-default.json";

    // scripts/aarch64.sh, then scripts/bench.sh twice (the second limited to `text`): the
    // aarch64 counts survive both; a criterion group and a family's protocol rounds are each
    // replaced whole, and those of families the second run did not measure stay.
    let staged = root.join("staging-aarch64");
    stage_files(
        &staged,
        &[(aarch64, "a1"), ("validation/x86_64-qemu.json", "v1")],
    );
    let out = install("aarch64", &staged, &results);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!staged.exists(), "the staging directory is consumed");

    let staged = root.join("staging-bench-1");
    stage_files(
        &staged,
        &[
            ("provenance.json", "p1"),
            ("catalog.json", "c1"),
            ("criterion/text_mixed/a/64KiB/new/sample.json", "old"),
            ("criterion/text_mixed/stale/64KiB/new/sample.json", "stale"),
            ("criterion/cast_aligned/a/64KiB/new/sample.json", "cast"),
            ("protocol/cast/process-0.jsonl", "cast rounds"),
            ("protocol/text/process-3.jsonl", "old text rounds"),
            ("instructions/x86_64-callgrind-default.json", "x1"),
        ],
    );
    assert!(install("bench", &staged, &results).status.success());
    assert_eq!(read(aarch64).as_deref(), Some("a1"));

    let staged = root.join("staging-bench-2");
    stage_files(
        &staged,
        &[
            ("provenance.json", "p2"),
            ("criterion/text_mixed/a/64KiB/new/sample.json", "new"),
            ("protocol/text/process-0.jsonl", "new text rounds"),
        ],
    );
    assert!(install("bench", &staged, &results).status.success());
    assert_eq!(read(aarch64).as_deref(), Some("a1"));
    assert_eq!(read("validation/x86_64-qemu.json").as_deref(), Some("v1"));
    assert_eq!(read("provenance.json").as_deref(), Some("p2"));
    assert_eq!(
        read("criterion/text_mixed/a/64KiB/new/sample.json").as_deref(),
        Some("new")
    );
    assert_eq!(
        read("criterion/text_mixed/stale/64KiB/new/sample.json"),
        None
    );
    assert_eq!(
        read("catalog.json").as_deref(),
        Some("c1"),
        "not produced again, kept"
    );

    let stages: Stages =
        serde_json::from_str(&read("stages.json").expect("stages.json")).expect("stages");
    let producer = |file: &str| stages.producer(file).map(|r| r.stage.as_str());
    assert_eq!(producer(aarch64), Some("aarch64"));
    assert_eq!(producer("provenance.json"), Some("bench"));
    assert_eq!(producer("criterion/text_mixed/"), Some("bench"));
    assert_eq!(stages.runs.len(), 3, "{stages:?}");
    assert_eq!(
        stages.runs[1].files,
        [
            "catalog.json",
            "criterion/cast_aligned/",
            "instructions/x86_64-callgrind-default.json",
            "protocol/cast/"
        ]
    );

    // Nothing staged is a clear error that changes nothing.
    let out = install("bench", &root.join("never-staged"), &results);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no staged results"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read("provenance.json").as_deref(), Some("p2"));
}

#[test]
fn review_exits_non_zero_only_when_nothing_could_be_reviewed() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/review/tests/fixtures");
    let no_evidence = ["--evidence", "/no/such/ledger.json"];

    // One file is not Rust: it is named, the other is reviewed, and the run succeeds.
    let broken = format!("{fixtures}/broken");
    let out = ledger(&[&["review", &broken][..], &no_evidence[..]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("problem: bad.rs:1: not valid Rust"));
    assert!(stdout(&out).contains("1 sites (1 blocks"));
    assert!(
        stderr(&out).contains("cannot read the evidence"),
        "{}",
        stderr(&out)
    );

    // Only that file: nothing could be reviewed.
    let only_bad = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("ledger-cli-review-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&only_bad);
    std::fs::create_dir_all(&only_bad).expect("temp dir");
    std::fs::copy(format!("{broken}/bad.rs"), only_bad.join("bad.rs")).expect("copy");
    let out = ledger(&["review", only_bad.to_str().expect("utf-8 path")]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("no file under"), "{}", stderr(&out));

    let out = ledger(&["review", "/no/such/crate"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no such file or directory"),
        "{}",
        stderr(&out)
    );

    // JSON carries the summary the issue names.
    let known = format!("{fixtures}/known");
    let out = ledger(&[&["review", &known, "--json"][..], &no_evidence[..]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    let review: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    for key in [
        "unsafe_blocks",
        "unsafe_fns",
        "unsafe_impls",
        "unsafe_traits",
        "unsafe_extern_blocks",
        "with_safety_comment",
        "patterns",
    ] {
        assert!(review["summary"].get(key).is_some(), "summary.{key}");
    }
    assert_eq!(review["summary"]["unsafe_blocks"], 10);

    // A pull request that changes no Rust file: SARIF and markdown have nothing to say, and
    // say so with their own exit status (3), writing nothing.
    let repo = only_bad.join("repo");
    std::fs::create_dir_all(&repo).expect("repo");
    std::fs::write(repo.join("lib.rs"), "pub fn f() {}\n").expect("write");
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .arg("-C")
            .arg(&repo)
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {out:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "base"]);
    let repo = repo.to_str().expect("utf-8 path");
    for format in ["sarif", "markdown"] {
        let out = ledger(&["review", repo, "--diff", "HEAD", "--format", format]);
        assert_eq!(out.status.code(), Some(3), "{format}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "{format}: {}", stdout(&out));
        assert!(
            stderr(&out).contains("nothing to review"),
            "{}",
            stderr(&out)
        );
    }
    let _ = std::fs::remove_dir_all(&only_bad);
}

#[test]
fn codegen_finds_the_code_every_variant_enters_and_reads_its_loops() {
    use wire::codegen::CodegenFile;
    let out = TempFile::new("codegen.json", b"");
    let output = ledger(&["codegen", "--out", out.path()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let file: CodegenFile =
        serde_json::from_slice(&std::fs::read(&out.0).expect("written")).expect("codegen JSON");
    assert_eq!(file.arch, std::env::consts::ARCH);
    for family in kernels::FAMILIES {
        for variant in family.measured() {
            let entry = file
                .entries
                .iter()
                .find(|e| e.family == family.name && e.variant == variant.name)
                .unwrap_or_else(|| panic!("no entry for {}/{}", family.name, variant.name));
            assert_eq!(entry.missing, None, "{}/{}", family.name, variant.name);
            let first = &entry.functions[0];
            assert_eq!(
                first.instructions.first().map(|i| i.at),
                Some(first.address),
                "{}/{}: the entry point's code starts at its address",
                family.name,
                variant.name
            );
        }
    }
    // Read the way the report reads it: the reference of `cast` sums in a loop, and nothing in
    // `chunks_exact` + `from_le_bytes` needs a bounds check.
    let ingested_dir = TempFile::new("catalog.json", &ledger(&["list", "--json"]).stdout);
    let dir = ingested_dir.0.parent().expect("temp dir").to_path_buf();
    std::fs::create_dir_all(dir.join("codegen")).expect("codegen dir");
    std::fs::copy(&out.0, dir.join("codegen/x86_64.json")).expect("copied");
    let ingested = reports::ingest::ingest(&[dir], None);
    let cast = ingested
        .catalog
        .family("cast")
        .expect("cast in the catalog");
    let code = reports::analyze::codegen::family_code(cast, &ingested.runs);
    let row = code[0]
        .rows
        .iter()
        .find(|r| r.variant == "chunks_exact")
        .expect("chunks_exact read");
    let hot = row.hot_loop.as_ref().expect("chunks_exact has a loop");
    assert!(hot.instructions > 0);
    assert_eq!(hot.bounds_checks, 0, "{:#?}", hot.asm);
}

#[test]
fn codegen_says_what_is_wrong_with_its_arguments() {
    let garbage = TempFile::new("entries.json", b"not json");
    let output = ledger(&[
        "codegen",
        "--out",
        "/dev/null",
        "--binary",
        env!("CARGO_BIN_EXE_ledger"),
        "--entries-from",
        garbage.path(),
    ]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("is not `ledger codegen --entries` output"),
        "{}",
        stderr(&output)
    );
    // Entry points of this build, offered with another binary (this test's own).
    let entries = TempFile::new("mine.json", &ledger(&["codegen", "--entries"]).stdout);
    let this_test = std::env::current_exe().expect("the test's path");
    let output = ledger(&[
        "codegen",
        "--out",
        "/dev/null",
        "--binary",
        this_test.to_str().expect("utf-8 path"),
        "--entries-from",
        entries.path(),
    ]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("is not the build whose entry points were given"),
        "{}",
        stderr(&output)
    );
    let output = ledger(&[
        "codegen",
        "--out",
        "/dev/null",
        "--objdump",
        "no-such-objdump",
    ]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("install GNU binutils"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn merge_sites_builds_one_site_from_two_hosts_artifacts() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("ledger-cli-merge-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    // Two artifacts as the bench workflow's jobs upload them: one host each.
    for (artifact, label, host) in [
        ("a", "x86_64-fixture", "fixture"),
        ("b", "x86_64-other", "other"),
    ] {
        let dir = root.join(artifact).join(label);
        std::fs::create_dir_all(dir.parent().expect("parent")).expect("artifact");
        copy_fixture(&dir);
        let path = dir.join("provenance.json");
        let mut provenance: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).expect("provenance")).expect("json");
        provenance["label"] = label.into();
        provenance["host"] = host.into();
        std::fs::write(&path, provenance.to_string()).expect("write");
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/merge-sites.sh");
    let merge = |args: &[&Path]| {
        Command::new("bash")
            .arg(script)
            .args(args)
            .env("LEDGER", env!("CARGO_BIN_EXE_ledger"))
            .output()
            .expect("bash runs")
    };
    let site = root.join("site");
    let out = merge(&[Path::new("--out"), &site, &root.join("a"), &root.join("b")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let ledger: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.join("ledger.json")).expect("ledger.json"))
            .expect("json");
    let runs = ledger["families"][0]["runs"].as_array().expect("runs");
    let labels: Vec<&str> = runs.iter().filter_map(|r| r["run"].as_str()).collect();
    assert_eq!(labels.len(), 2, "a family's call per host: {labels:?}");
    assert!(site.join("index.html").is_file());

    // An artifact with no results in it is named.
    let empty = root.join("empty");
    std::fs::create_dir_all(&empty).expect("empty");
    let out = merge(&[Path::new("--out"), &site, &empty]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("holds no results directory"),
        "{}",
        stderr(&out)
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn compare_lists_what_changed_and_gates_on_it() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("ledger-cli-compare-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).expect("root");
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/reports/tests/fixtures/x86_64-fixture"
    );
    let copy = |name: &str| {
        let dir = root.join(name);
        copy_fixture(&dir);
        dir
    };
    let path = |p: &Path| p.to_str().expect("utf-8 path").to_owned();

    // The same measurements read twice: nothing changed.
    let again = copy("again");
    let out = ledger(&["compare", fixture, &path(&again)]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("text: unchanged"), "{}", stdout(&out));

    // Every unchecked arm of text three times slower in its confirmation rounds: text's call
    // changes and the exit status says so; cast is untouched.
    let planted = copy("planted");
    for entry in std::fs::read_dir(planted.join("protocol/text")).expect("text rounds") {
        let file = entry.expect("entry").path();
        if !file.to_string_lossy().contains("confirm-") {
            continue;
        }
        let lines: Vec<String> = std::fs::read_to_string(&file)
            .expect("rounds")
            .lines()
            .map(|line| {
                let mut value: serde_json::Value = serde_json::from_str(line).expect("a line");
                if let Some(batches) = value["batches"].as_array_mut() {
                    for batch in batches {
                        let slow = batch["arm"]
                            .as_str()
                            .is_some_and(|a| a.contains("unchecked"));
                        if slow {
                            let ns = batch["ns"].as_u64().expect("ns");
                            batch["ns"] = (ns * 3).into();
                        }
                    }
                }
                value.to_string()
            })
            .collect();
        std::fs::write(&file, lines.join("\n") + "\n").expect("write");
    }
    let out = ledger(&["compare", fixture, &path(&planted)]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let said = stdout(&out);
    assert!(
        said.contains("text: CHANGED") && said.contains("call: pays ->"),
        "{said}"
    );
    assert!(said.contains("cast: unchanged"), "{said}");

    // Nothing in common, and a file of another schema.
    let empty = root.join("empty.json");
    std::fs::write(&empty, r#"{"schema": 1, "families": []}"#).expect("write");
    let out = ledger(&["compare", fixture, &path(&empty)]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no family in common"),
        "{}",
        stderr(&out)
    );
    let other = root.join("other.json");
    std::fs::write(&other, r#"{"schema": 99, "families": []}"#).expect("write");
    let out = ledger(&["compare", &path(&other), fixture]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("schema"), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn report_writes_bencher_metric_format_that_parses() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("ledger-cli-bmf-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/reports/tests/fixtures/x86_64-fixture"
    );
    let site = root.join("site");
    let bmf = root.join("bmf.json");
    let out = ledger(&[
        "report",
        "--results",
        fixture,
        "--out",
        site.to_str().expect("utf-8"),
        "--bmf",
        bmf.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let metrics: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&bmf).expect("written")).expect("a JSON object");
    // Every benchmark holds measures, each with a numeric value (and both bounds, or neither).
    for (name, measures) in &metrics {
        let measures = measures.as_object().expect("measures");
        assert!(!measures.is_empty(), "{name}");
        for (measure, m) in measures {
            assert!(m["value"].is_f64(), "{name}/{measure}: {m}");
            assert_eq!(
                m["lower_value"].is_null(),
                m["upper_value"].is_null(),
                "{name}"
            );
        }
    }
    let speedup = &metrics["text/x86_64-fixture/speedup"]["speedup"];
    let (v, l, u) = (
        speedup["value"].as_f64().expect("value"),
        speedup["lower_value"].as_f64().expect("lower"),
        speedup["upper_value"].as_f64().expect("upper"),
    );
    assert!(l <= v && v <= u, "{speedup}");
    assert!(
        metrics
            .keys()
            .any(|k| k.starts_with("text/x86_64-fixture/") && metrics[k].get("latency").is_some())
    );
    assert!(metrics.values().any(|m| m.get("instructions").is_some()));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn report_prints_each_problem_where_a_terminal_shows_it() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("ledger-cli-problems-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).expect("root");
    let results = root.join("x86_64-fixture");
    copy_fixture(&results);
    let sample = results.join("criterion/cast_aligned/zerocopy/64KiB/new/sample.json");
    let text = std::fs::read_to_string(&sample).expect("sample");
    std::fs::write(&sample, &text[..text.len() / 2]).expect("truncate");
    let site = root.join("site");
    let out = ledger(&[
        "report",
        "--results",
        results.to_str().expect("utf-8"),
        "--out",
        site.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let truncated = stderr(&out)
        .lines()
        .filter(|l| l.starts_with("problem: ") && l.contains("zerocopy/64KiB"))
        .count();
    assert_eq!(truncated, 1, "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&root);
}
