//! The `ledger` binary as a user runs it: output, errors and exit codes.

use std::path::PathBuf;
use std::process::{Command, Output};

use reports::wire::catalog::Catalog;

fn ledger(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ledger"))
        .args(args)
        .output()
        .expect("ledger runs")
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
    assert_eq!(catalog, Catalog::from_registry());
    for name in ["text", "cast"] {
        let family = catalog.family(name).expect("family listed");
        assert!(family.variants.len() >= 4, "{name}: too few variants");
        for kind in ["safe", "unsafe"] {
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
    for family in Catalog::from_registry().families {
        assert!(text.contains(&family.name));
        for variant in &family.variants {
            assert!(text.contains(&variant.name), "{} missing", variant.name);
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
    use reports::wire::instructions::{CountEntry, INSTRUCTIONS_SCHEMA, InstructionFile};
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
