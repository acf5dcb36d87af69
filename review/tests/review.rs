//! `ledger review` against fixtures with known answers, a real report site's evidence, a git
//! repository made on the spot, and the crates Cargo has downloaded.

use std::path::{Path, PathBuf};
use std::process::Command;

use review::evidence::Evidence;
use review::patterns::Pattern;
use review::{Request, Review, ReviewError, Site, SiteKind};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn run(root: &Path, diff: Option<&str>, evidence: Option<&Evidence>) -> Review {
    review::review(&Request {
        root,
        diff,
        evidence,
        threads: 2,
    })
    .expect("a review")
}

fn site<'a>(review: &'a Review, item: &str, kind: SiteKind) -> Vec<&'a Site> {
    review
        .sites
        .iter()
        .filter(|s| s.item == item && s.kind == kind)
        .collect()
}

#[test]
fn the_known_crate_gives_its_known_answers() {
    let r = run(&fixture("known"), None, None);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(r.files, 2);
    let s = &r.summary;
    assert_eq!(
        (
            s.kinds.unsafe_blocks,
            s.kinds.unsafe_fns,
            s.kinds.unsafe_impls,
            s.kinds.unsafe_traits,
            s.kinds.unsafe_extern_blocks
        ),
        (10, 2, 2, 1, 1),
        "{:#?}",
        r.sites
    );
    assert_eq!(s.sites, 16);
    assert_eq!(s.with_safety_comment, 9, "{:#?}", r.sites);
    assert_eq!(s.in_macros, 2);
    assert_eq!(s.behind_cfg, 2);
    assert_eq!(s.unrecognised, 5, "{:#?}", r.sites);
    let (agrees, line) = review::render::agreement_line(&r).expect("a whole review");
    assert!(agrees, "{line}");

    let first = site(&r, "inline::first", SiteKind::Block);
    assert_eq!(first.len(), 1);
    assert!(first[0].safety_comment);
    assert_eq!(first[0].operations, [Pattern::GetUnchecked, Pattern::Deref]);

    let text = site(&r, "text", SiteKind::Block);
    assert!(!text[0].safety_comment);
    assert_eq!(text[0].operations, [Pattern::FromUtf8Unchecked]);

    let word_at = site(&r, "word_at", SiteKind::Fn);
    assert!(word_at[0].safety_comment, "the # Safety doc counts");
    assert!(
        word_at[0].operations.is_empty(),
        "its operations are in its blocks"
    );
    let blocks = site(&r, "word_at", SiteKind::Block);
    assert_eq!(blocks[0].operations, [Pattern::PtrArithmetic]);
    assert_eq!(blocks[1].operations, [Pattern::Deref]);

    let length = site(&r, "length", SiteKind::Block);
    assert!(
        length[0].safety_comment,
        "a comment above the statement counts"
    );
    assert_eq!(length[0].operations, [Pattern::ExternCall]);

    let impls: Vec<&Site> = r
        .sites
        .iter()
        .filter(|s| s.kind == SiteKind::Impl)
        .collect();
    assert_eq!(impls[0].item, "impl Send for Table");
    assert!(impls[0].safety_comment);
    assert!(
        !impls[1].safety_comment,
        "the Send impl's comment is not the Sync impl's"
    );
    assert!(
        impls
            .iter()
            .all(|i| i.operations == [Pattern::SendSyncImpl])
    );

    let in_macros: Vec<&Site> = r.sites.iter().filter(|s| s.in_macro.is_some()).collect();
    assert_eq!(
        in_macros[0].in_macro.as_deref(),
        Some("macro_rules! read_first")
    );
    assert_eq!(in_macros[0].operations, [Pattern::ReadUnaligned]);
    assert_eq!(in_macros[1].in_macro.as_deref(), Some("vec!"));

    let gated = r
        .sites
        .iter()
        .find(|s| s.file == "src/gated.rs")
        .expect("the gated module is read");
    assert_eq!(gated.cfg, ["cfg(feature=\"gated\")"]);
    assert_eq!(gated.operations, [Pattern::CopyNonoverlapping]);
    let test = site(&r, "tests::transmutes", SiteKind::Block);
    assert_eq!(test[0].cfg, ["cfg(test)"]);
    assert_eq!(test[0].operations, [Pattern::Transmute]);

    let rendered = review::render::terminal(&r);
    assert!(rendered.contains("16 sites (10 blocks, 2 fns, 2 impls, 1 traits, 1 extern blocks)"));
    assert!(rendered.contains("the independent token count agrees"));
    assert!(rendered.contains("not measured here"), "{rendered}");
}

#[test]
fn a_file_that_is_not_rust_is_named_and_the_others_are_reviewed() {
    let r = run(&fixture("broken"), None, None);
    assert_eq!(r.files, 1);
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].file, "bad.rs");
    assert_eq!(r.problems[0].line, Some(1));
    assert!(r.problems[0].message.starts_with("not valid Rust"));
    assert_eq!(r.summary.kinds.unsafe_blocks, 1);
    assert!(review::render::terminal(&r).contains("problem: bad.rs:1: not valid Rust"));
}

#[test]
fn bad_paths_are_clear_errors() {
    let missing = review::review(&Request {
        root: Path::new("/no/such/crate"),
        diff: None,
        evidence: None,
        threads: 1,
    });
    assert!(matches!(missing, Err(ReviewError::Missing(_))));
    let empty = tempdir("empty");
    let none = review::review(&Request {
        root: &empty,
        diff: None,
        evidence: None,
        threads: 1,
    });
    let Err(e) = none else {
        panic!("an empty directory has nothing to review")
    };
    assert!(e.to_string().starts_with("no .rs file under"), "{e}");
}

/// A fresh directory in the system's temporary directory (outside any git repository, which
/// one test needs), removed when the guard drops.
struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("ledger-review-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    TempDir(dir)
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
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
}

#[test]
fn diff_lists_exactly_the_sites_the_working_tree_adds_or_changes() {
    let repo = tempdir("diff");
    git(&repo, &["init", "-q"]);
    let old = "pub fn a(v: &[u8]) -> u8 {\n    // the first byte.\n    unsafe { *v.get_unchecked(0) }\n}\n\npub fn b(v: &[u8]) -> u8 {\n    unsafe { *v.get_unchecked(1) }\n}\n";
    std::fs::write(repo.join("lib.rs"), old).expect("write");
    git(&repo, &["add", "lib.rs"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    // b's block changes, c is added, a is untouched; a new untracked file counts whole.
    let new = old.replace("get_unchecked(1)", "get_unchecked(2)")
        + "\npub unsafe fn c(p: *const u8) -> u8 {\n    unsafe { *p }\n}\n";
    std::fs::write(repo.join("lib.rs"), new).expect("write");
    std::fs::write(repo.join("extra.rs"), "unsafe impl Send for X {}\n").expect("write");

    let r = run(&repo, Some("HEAD"), None);
    let listed: Vec<(&str, &str, SiteKind)> = r
        .sites
        .iter()
        .map(|s| (s.file.as_str(), s.item.as_str(), s.kind))
        .collect();
    assert_eq!(
        listed,
        [
            ("extra.rs", "impl Send for X", SiteKind::Impl),
            ("lib.rs", "b", SiteKind::Block),
            ("lib.rs", "c", SiteKind::Fn),
            ("lib.rs", "c", SiteKind::Block),
        ]
    );
    assert!(review::render::agreement_line(&r).is_none());

    let outside = tempdir("not-a-repo");
    std::fs::write(outside.join("x.rs"), "fn f() {}\n").expect("write");
    let Err(e) = review::review(&Request {
        root: &outside,
        diff: Some("HEAD"),
        evidence: None,
        threads: 1,
    }) else {
        panic!("a directory outside git has no diff")
    };
    assert!(e.to_string().contains("needs a git repository"), "{e}");
    let Err(e) = review::review(&Request {
        root: &repo,
        diff: Some("no-such-rev"),
        evidence: None,
        threads: 1,
    }) else {
        panic!("an unknown revision has no diff")
    };
    assert!(e.to_string().contains("not a commit"), "{e}");
}

#[test]
fn evidence_comes_from_a_real_site_and_other_schemas_are_refused() {
    // The report fixture's results, built into a site as `ledger report` does.
    let results =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../reports/tests/fixtures/x86_64-fixture");
    let site = tempdir("site");
    reports::build(&[results], None, &site).expect("the fixture site builds");
    let evidence = Evidence::read(&site.join("ledger.json")).expect("the site's evidence");
    assert!(evidence.verdicts.contains_key("text"));

    let r = run(&fixture("known"), None, Some(&evidence));
    let utf8 = r
        .patterns
        .iter()
        .find(|p| p.pattern == Pattern::FromUtf8Unchecked)
        .expect("a row per pattern");
    let verdict = utf8.cited.measured_by[0]
        .verdict
        .as_ref()
        .expect("text was measured");
    assert_eq!(verdict, &evidence.verdicts["text"]);
    let get = r
        .patterns
        .iter()
        .find(|p| p.pattern == Pattern::GetUnchecked)
        .expect("a row per pattern");
    let families: Vec<&str> = get
        .cited
        .measured_by
        .iter()
        .map(|m| m.family.as_str())
        .collect();
    assert_eq!(families, ["index", "stencil", "search"]);
    assert!(
        !get.cited.has_verdict(),
        "no bounds-check family in this evidence"
    );
    let unmeasured = get
        .cited
        .missing
        .iter()
        .filter(|m| m.starts_with("not measured here"));
    assert_eq!(unmeasured.count(), 3, "{:?}", get.cited.missing);
    assert!(r.summary.with_evidence >= 1);
    let page = review::render::html(&r);
    assert!(page.contains("<h1>Unsafe review of"));

    let other = site.join("other.json");
    std::fs::write(&other, r#"{"schema": 99, "families": []}"#).expect("write");
    let e = Evidence::read(&other).expect_err("schema 99");
    assert!(e.to_string().contains("schema 99"), "{e}");
    std::fs::write(&other, "[1, 2]").expect("write");
    assert!(Evidence::read(&other).is_err());
}

#[test]
fn functions_with_a_safe_twin_or_no_verdict_get_the_command_that_measures_them() {
    let root = fixture("twins");
    // Shown from the current directory (the review crate's, under cargo test).
    let here = std::env::current_dir()
        .and_then(|d| d.canonicalize())
        .expect("a current directory");
    let manifest = root.join("Cargo.toml").canonicalize().expect("the fixture");
    let manifest = manifest
        .strip_prefix(&here)
        .expect("under it")
        .to_path_buf();
    assert!(manifest.is_relative());
    let measure = |r: &Review, item: &str| {
        let sites: Vec<&Site> = r.sites.iter().filter(|s| s.item == item).collect();
        assert!(!sites.is_empty(), "no site in {item}: {:#?}", r.sites);
        sites[0].measure.clone()
    };
    let r = run(&root, None, None);
    assert!(r.problems.is_empty(), "{:?}", r.problems);

    // A free function and a method, each beside its twin; every site of the function gets it.
    for (item, safe, unchecked) in [
        (
            "sum_unchecked",
            "twin_crate::sum",
            "twin_crate::sum_unchecked",
        ),
        (
            "Reader::get_unchecked",
            "twin_crate::codec::Reader::get",
            "twin_crate::codec::Reader::get_unchecked",
        ),
    ] {
        let m = measure(&r, item).expect("a twin's command");
        assert_eq!(m.why, review::measure::Why::SafeTwin);
        assert_eq!((m.safe.as_str(), m.unchecked.as_str()), (safe, unchecked));
        let name = item.rsplit("::").next().expect("a name");
        assert_eq!(
            m.command,
            format!(
                "ledger pair init --manifest-path {} --name {name} --safe {safe} --unsafe \
                 {unchecked}",
                manifest.display()
            )
        );
    }
    let both: Vec<&Site> = r
        .sites
        .iter()
        .filter(|s| s.item == "sum_unchecked")
        .collect();
    assert_eq!(both.len(), 2, "the unsafe fn and its block");
    assert!(both.iter().all(|s| s.measure == both[0].measure));

    // No evidence: nothing is covered, so a function without a twin is named with a safe form
    // to write. A nested function and trait methods cannot be called by path: no command.
    let text = measure(&r, "text").expect("unmeasured without evidence");
    assert_eq!(text.why, review::measure::Why::NotMeasured);
    assert_eq!(text.safe, "twin_crate::text_safe");
    assert_eq!(measure(&r, "outer::inner_unchecked"), None);
    assert_eq!(measure(&r, "Peek::peek_unchecked"), None);
    assert_eq!(
        measure(&r, "tests::reads"),
        None,
        "test code is not benched"
    );
    let terminal = review::render::terminal(&r);
    assert!(
        terminal.contains("safe twin `twin_crate::sum`") && terminal.contains(&text.command),
        "{terminal}"
    );
    assert!(review::render::html(&r).contains("<h2>To measure</h2>"));

    // With a verdict for its pattern, `text` is covered; the twins are still named.
    let results =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../reports/tests/fixtures/x86_64-fixture");
    let site = tempdir("twins-site");
    reports::build(&[results], None, &site).expect("the fixture site builds");
    let evidence = Evidence::read(&site.join("ledger.json")).expect("the site's evidence");
    let r = run(&root, None, Some(&evidence));
    assert_eq!(measure(&r, "text"), None);
    assert!(measure(&r, "sum_unchecked").is_some());

    // A file outside any crate's library gets no command.
    let lone = tempdir("lone");
    std::fs::copy(root.join("src/lib.rs"), lone.0.join("lib.rs")).expect("copy");
    let r = run(&lone.0, None, None);
    assert!(
        r.sites.iter().all(|s| s.measure.is_none()),
        "{:#?}",
        r.sites
    );
}

#[test]
fn sarif_and_markdown_carry_every_site_of_a_diff() {
    let repo = tempdir("sarif");
    git(&repo, &["init", "-q"]);
    std::fs::create_dir_all(repo.join("src")).expect("src");
    let old = "pub fn a(v: &[u8]) -> u8 {\n    v[0]\n}\n";
    std::fs::write(repo.join("src/lib.rs"), old).expect("write");
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    // The marker apart, so that clippy does not read the string as a comment of this file.
    let marker = "SAFETY";
    let new = format!(
        "pub fn a(v: &[u8]) -> u8 {{\n    // {marker}: a fixture.\n    unsafe {{ *v.get_unchecked(0) }}\n}}\n\npub fn b(s: &[u8]) -> &str {{\n    unsafe {{ std::str::from_utf8_unchecked(s) }}\n}}\n\nunsafe impl Send for X {{}}\n"
    );
    std::fs::write(repo.join("src/lib.rs"), new).expect("write");
    let r = run(&repo, Some("HEAD"), None);
    assert_eq!(r.sites.len(), 3, "{:#?}", r.sites);

    // Written with the typed model, read back through it: what code scanning requires.
    let text = serde_json::to_string(&review::sarif::log(&r, "crate/")).expect("serialises");
    let log: serde_sarif::sarif::Sarif = serde_json::from_str(&text).expect("reads back");
    assert_eq!(log.version, serde_json::json!("2.1.0"));
    assert_eq!(log.runs.len(), 1);
    let run = &log.runs[0];
    let rules: Vec<&str> = run
        .tool
        .driver
        .rules
        .as_ref()
        .expect("rules")
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(rules, review::sarif::rule_ids());
    assert!(
        run.tool
            .driver
            .rules
            .iter()
            .flatten()
            .all(|r| r.help.is_some())
    );
    let results = run.results.as_ref().expect("results");
    assert_eq!(results.len(), r.sites.len(), "one result per site");
    for (result, site) in results.iter().zip(&r.sites) {
        let rule = result.rule_id.as_deref().expect("a rule id");
        assert!(rules.contains(&rule), "{rule}");
        assert!(
            result
                .message
                .text
                .as_deref()
                .is_some_and(|t| !t.is_empty())
        );
        let locations = result.locations.as_ref().expect("locations");
        assert_eq!(locations.len(), 1);
        let physical = locations[0].physical_location.as_ref().expect("physical");
        let uri = physical
            .artifact_location
            .as_ref()
            .and_then(|a| a.uri.as_deref())
            .expect("a uri");
        assert_eq!(uri, format!("crate/{}", site.file));
        let start = physical.region.as_ref().and_then(|r| r.start_line);
        assert_eq!(start, Some(site.line as i64));
    }
    let level = |item: &str| {
        let i = r.sites.iter().position(|s| s.item == item).expect("a site");
        results[i].level
    };
    use serde_sarif::sarif::ResultLevel;
    assert_eq!(level("a"), Some(ResultLevel::Note), "a SAFETY comment");
    assert_eq!(level("b"), Some(ResultLevel::Warning), "none");
    let b = r.sites.iter().position(|s| s.item == "b").expect("b");
    assert_eq!(results[b].rule_id.as_deref(), Some("from-utf8-unchecked"));

    let comment = review::markdown::comment(&r);
    assert!(comment.starts_with(review::markdown::MARKER), "{comment}");
    assert!(comment.contains("against `HEAD`"), "{comment}");
    for site in &r.sites {
        assert!(
            comment.contains(&format!("`{}:{}`", site.file, site.line)),
            "{comment}"
        );
    }
    assert!(comment.contains("| `b` | **no** |"), "{comment}");
}

/// The crates Cargo downloaded for this workspace: the tree count must agree with the token
/// count on code nobody here wrote.
#[test]
fn downloaded_crates_agree_with_the_independent_count() {
    let home = std::env::var_os("CARGO_HOME").map_or_else(
        || PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo"),
        PathBuf::from,
    );
    let Ok(registries) = std::fs::read_dir(home.join("registry/src")) else {
        eprintln!("no cargo registry sources at {}", home.display());
        return;
    };
    let mut reviewed = 0;
    for registry in registries.flatten() {
        for krate in ["bytemuck-", "memchr-", "simdutf8-", "zerocopy-0"] {
            let Some(dir) = std::fs::read_dir(registry.path())
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .find(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with(krate))
                })
            else {
                continue;
            };
            let r = run(&dir, None, None);
            let (agrees, line) = review::render::agreement_line(&r).expect("whole");
            assert!(agrees, "{}: {line}", dir.display());
            assert!(r.summary.sites > 0, "{}", dir.display());
            reviewed += 1;
        }
    }
    assert!(
        reviewed > 0,
        "this workspace depends on bytemuck, memchr and simdutf8"
    );
}
