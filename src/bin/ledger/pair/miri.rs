//! `ledger pair --miri`: before anything is timed, the agreement check on each comparison's
//! check inputs (`.check_input`) under Miri, with Stacked Borrows and then Tree Borrows. A
//! finding stops the run; a clean check goes to the site as the unsafe implementations'
//! soundness evidence.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};
use wire::catalog::{Catalog, VariantKind};
use wire::soundness::{Checker, Outcome, SOUNDNESS_SCHEMA, SoundnessFile, VariantCheck};

use super::target::Found;
use crate::shown;
use crate::soundness::checkers::{Tool, first_error};

/// The two aliasing models, each with what it adds to the user's own `MIRIFLAGS`.
const MODELS: [(Tool, &str); 2] = [
    (Tool::MiriStacked, ""),
    (Tool::MiriTree, "-Zmiri-tree-borrows"),
];

/// Runs the check under both models and writes `soundness.json` into `dir`; returns its path.
/// A finding is an error: undefined behaviour makes every timing of the code meaningless.
pub fn check(found: &Found, catalog: &Catalog, dir: &Path) -> anyhow::Result<PathBuf> {
    let version = Command::new("cargo")
        .args(["+nightly", "miri", "--version"])
        .output();
    if !version.is_ok_and(|o| o.status.success()) {
        bail!(
            "--miri needs Miri on the nightly toolchain: \
             rustup toolchain install nightly --component miri rust-src"
        );
    }
    let own = std::env::var("MIRIFLAGS").unwrap_or_default();
    let mut checkers = Vec::new();
    let mut variants = Vec::new();
    for (tool, adds) in MODELS {
        let flags = [own.as_str(), adds]
            .iter()
            .filter(|f| !f.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        eprintln!(
            "==> Miri ({}): the agreement check on each comparison's check inputs",
            tool.name()
        );
        let (success, stderr) = run(found, &flags)?;
        let finding = (!success).then(|| first_error(tool, &stderr, ""));
        checkers.push(Checker {
            name: tool.name().to_owned(),
            settings: format!(
                "cargo +nightly miri test --bench {} -- --ledger-check --small, MIRIFLAGS={flags}",
                found.bench
            ),
        });
        for family in &catalog.families {
            for variant in &family.variants {
                if variant.kind != VariantKind::Unsafe {
                    continue;
                }
                variants.push(VariantCheck {
                    family: family.name.clone(),
                    variant: variant.name.clone(),
                    checker: tool.name().to_owned(),
                    outcome: if success {
                        Outcome::Clean
                    } else {
                        Outcome::Finding
                    },
                    inputs: checked_inputs(&stderr, &family.name),
                    finding: finding.clone(),
                    note: Some(
                        "checked in one Miri run with every implementation of its comparison, \
                         on the comparison's check inputs"
                            .to_owned(),
                    ),
                });
            }
        }
        if let Some(finding) = finding {
            let why = if stderr.contains(tool.error_marker()) {
                "undefined behaviour makes any timing of this code meaningless"
            } else {
                "the check must pass under Miri first"
            };
            bail!(
                "Miri ({}) stopped the agreement check: {finding}\nnothing was timed: {why}",
                tool.name()
            );
        }
    }
    let toolchain = Command::new("rustc")
        .args(["+nightly", "-V"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let file = SoundnessFile {
        schema: SOUNDNESS_SCHEMA,
        date: crate::provenance::rfc3339_now(),
        toolchain,
        checkers,
        variants,
        suites: Vec::new(),
        hazards: Vec::new(),
        fuzz: Vec::new(),
    };
    let path = dir.join("soundness.json");
    crate::write_json(&path, &file)?;
    Ok(path)
}

/// How many inputs the check of `family` reported agreeing on (its line `NAME: every
/// implementation agrees on a, b`).
fn checked_inputs(stderr: &str, family: &str) -> Option<usize> {
    let prefix = format!("{family}: every implementation agrees on ");
    stderr
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .map(|inputs| inputs.split(", ").count())
}

/// One Miri run of the bench target's check; its standard error is shown as it comes and
/// kept for the finding.
fn run(found: &Found, flags: &str) -> anyhow::Result<(bool, String)> {
    let mut child = Command::new("cargo")
        .args(["+nightly", "miri", "test", "--manifest-path"])
        .arg(&found.manifest)
        .args(["--bench", &found.bench, "--", "--ledger-check", "--small"])
        .env("MIRIFLAGS", flags)
        .current_dir(&found.root)
        .stdout(Stdio::inherit())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run cargo miri on {}", shown(&found.manifest)))?;
    let mut kept = String::new();
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines() {
            let line = line.unwrap_or_default();
            eprintln!("    {line}");
            kept.push_str(&line);
            kept.push('\n');
        }
    }
    let status = child.wait().context("cargo miri did not finish")?;
    Ok((status.success(), kept))
}
