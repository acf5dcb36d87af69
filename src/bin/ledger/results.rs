//! `ledger results install`: moves one stage's completed results into a results directory,
//! replacing only what that stage produced.
//!
//! Every stage measures into a staging directory of its own; nothing in the results directory
//! changes until the stage is complete. Installing then replaces file by file (each a rename,
//! so a reader sees the old file or the new one, never a mix), except the directories that
//! hold one measurement each: a criterion group (`criterion/<group>/`) and a family's verdict
//! protocol (`protocol/<family>/`) are replaced whole, so samples of two runs never mix, while
//! a run limited to some families leaves the others' in place. Files other stages wrote stay,
//! and `stages.json` records which run produced each file.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use wire::stages::{STAGES_SCHEMA, StageRun, Stages};

use crate::provenance::{git_describe, rfc3339_now};
use crate::shown;

/// Directories whose subdirectories each hold one measurement and are replaced whole.
const REPLACED_WHOLE_BELOW: &[&str] = &["criterion", "protocol"];

#[derive(clap::Args)]
pub struct Args {
    /// The stage whose results these are, e.g. `bench` or `aarch64`.
    #[arg(long)]
    stage: String,
    /// The staging directory the stage wrote (emptied and removed once installed).
    #[arg(long, value_name = "DIR")]
    from: PathBuf,
    /// The results directory to install into (created if missing).
    #[arg(long, value_name = "DIR")]
    into: PathBuf,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let installed = install(&args.from, &args.into, &args.stage)?;
    eprintln!(
        "installed {} file(s) of stage `{}` into {}",
        installed.len(),
        args.stage,
        shown(&args.into)
    );
    Ok(())
}

/// Installs everything under `from` into `into` and records it in `stages.json`; returns the
/// installed paths, relative to `into` (a directory replaced whole as `criterion/text_mixed/`).
pub fn install(from: &Path, into: &Path, stage: &str) -> anyhow::Result<Vec<String>> {
    if !from.is_dir() {
        bail!("no staged results at {}", shown(from));
    }
    let mut entries = Vec::new();
    collect(from, from, &mut entries)?;
    if entries.is_empty() {
        bail!("{} holds no results to install", shown(from));
    }
    if entries.iter().any(|(rel, _)| rel == STAGES_FILE) {
        bail!("a stage may not write {STAGES_FILE}; it is kept by `ledger results install`");
    }
    fs::create_dir_all(into).with_context(|| format!("cannot create {}", shown(into)))?;
    for (rel, path) in &entries {
        let target = into.join(rel.trim_end_matches('/'));
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).with_context(|| format!("cannot create {}", shown(dir)))?;
        }
        if path.is_dir() {
            replace_dir(path, &target)?;
        } else {
            fs::rename(path, &target)
                .with_context(|| format!("cannot move {} to {}", shown(path), shown(&target)))?;
        }
    }
    let files: Vec<String> = entries.into_iter().map(|(rel, _)| rel).collect();
    let mut stages = read_stages(into);
    stages.record(StageRun {
        stage: stage.to_owned(),
        installed: rfc3339_now(),
        git: git_describe(),
        files: files.clone(),
    });
    let json = serde_json::to_string_pretty(&stages)? + "\n";
    let staged = into.join(".stages.json.new");
    fs::write(&staged, json).with_context(|| format!("cannot write {}", shown(&staged)))?;
    fs::rename(&staged, into.join(STAGES_FILE))
        .with_context(|| format!("cannot replace {}", shown(&into.join(STAGES_FILE))))?;
    fs::remove_dir_all(from).with_context(|| format!("cannot remove {}", shown(from)))?;
    Ok(files)
}

const STAGES_FILE: &str = "stages.json";

/// Every file under `dir` (relative path with `/` separators, full path), sorted; a directory
/// replaced whole (one directly under a [`REPLACED_WHOLE_BELOW`] directory) is one entry, its
/// relative path ending in `/`.
fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> anyhow::Result<()> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", shown(dir)))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .with_context(|| format!("cannot list {}", shown(dir)))?;
    paths.sort();
    for path in paths {
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        if path.is_dir() {
            let parent = rel.rsplit_once('/').map(|(parent, _)| parent);
            if parent.is_some_and(|p| REPLACED_WHOLE_BELOW.contains(&p)) {
                out.push((format!("{rel}/"), path));
            } else {
                collect(root, &path, out)?;
            }
        } else {
            out.push((rel, path));
        }
    }
    Ok(())
}

/// Replaces `target` with `staged`: the old tree is moved aside first and removed last, so an
/// interrupted install leaves one of the two whole.
fn replace_dir(staged: &Path, target: &Path) -> anyhow::Result<()> {
    let aside = target.with_extension(format!("replaced-{}", std::process::id()));
    if target.exists() {
        fs::rename(target, &aside)
            .with_context(|| format!("cannot move {} aside", shown(target)))?;
    }
    fs::rename(staged, target)
        .with_context(|| format!("cannot move {} to {}", shown(staged), shown(target)))?;
    if aside.exists() {
        fs::remove_dir_all(&aside).with_context(|| format!("cannot remove {}", shown(&aside)))?;
    }
    Ok(())
}

/// The directory's `stages.json`; a missing one is empty, and an unreadable one is reported and
/// started afresh (it only describes files, it holds no measurement).
fn read_stages(dir: &Path) -> Stages {
    let path = dir.join(STAGES_FILE);
    let Ok(bytes) = fs::read(&path) else {
        return Stages::default();
    };
    match serde_json::from_slice::<Stages>(&bytes) {
        Ok(stages) if stages.schema == STAGES_SCHEMA => stages,
        Ok(stages) => {
            eprintln!(
                "warning: {} is in format version {}, not {STAGES_SCHEMA}; starting it afresh",
                shown(&path),
                stages.schema
            );
            Stages::default()
        }
        Err(e) => {
            eprintln!(
                "warning: {} is malformed ({e}); starting it afresh",
                shown(&path)
            );
            Stages::default()
        }
    }
}
