//! `ledger import-gungraun`: turns the instruction bench's gungraun summaries into the ledger's
//! instruction-count files, one per gungraun group (environment).
//!
//! The bench writes `cases.json` beside its output, naming what each numbered benchmark
//! measures; a summary whose id the list does not name is an error, not a guess.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};
use serde::Deserialize;
use wire::instructions::{
    CountEntry, GungraunCase, INSTRUCTIONS_SCHEMA, InstructionFile, NO_REP_MOVSB,
    NO_REP_MOVSB_TUNABLES,
};

use crate::shown;
use crate::write_json;

#[derive(clap::Args)]
pub struct Args {
    /// gungraun's home directory (its `--home`; by default `target/gungraun`).
    #[arg(long, default_value = "target/gungraun")]
    home: PathBuf,
    /// Where to write the instruction-count files.
    #[arg(long)]
    out_dir: PathBuf,
}

/// The parts of a gungraun summary (schema v6, `summary.json`) read here.
#[derive(Deserialize)]
struct Summary {
    id: Option<String>,
    group: String,
    profiles: Vec<Profile>,
}

#[derive(Deserialize)]
struct Profile {
    tool: String,
    data: ProfileData,
}

#[derive(Deserialize)]
struct ProfileData {
    total: Total,
}

#[derive(Deserialize)]
struct Total {
    metrics: BTreeMap<String, Metric>,
}

#[derive(Deserialize)]
struct Metric {
    values: Values,
}

#[derive(Deserialize)]
struct Values {
    new: Option<f64>,
}

/// How each gungraun group of the bench was run.
fn group_setting(group: &str) -> Option<(&'static str, Vec<(String, String)>)> {
    match group {
        "default" => Some(("default", Vec::new())),
        "no_rep_movsb" => Some((
            NO_REP_MOVSB,
            vec![(
                "GLIBC_TUNABLES".to_owned(),
                NO_REP_MOVSB_TUNABLES.to_owned(),
            )],
        )),
        _ => None,
    }
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let dir = args.home.join("unsafe-ledger").join("instructions");
    let cases_path = dir.join("cases.json");
    let cases: Vec<GungraunCase> =
        serde_json::from_str(&std::fs::read_to_string(&cases_path).with_context(|| {
            format!(
                "cannot read {} (run `cargo bench --bench instructions` first)",
                shown(&cases_path)
            )
        })?)
        .with_context(|| format!("{} is not a list of cases", shown(&cases_path)))?;
    let by_id: BTreeMap<&str, &GungraunCase> = cases.iter().map(|c| (c.id.as_str(), c)).collect();

    let mut files: BTreeMap<String, Vec<CountEntry>> = BTreeMap::new();
    let mut summaries = Vec::new();
    find_summaries(&dir, &mut summaries)?;
    if summaries.is_empty() {
        bail!("no summary.json under {}", shown(&dir));
    }
    summaries.sort();
    for path in &summaries {
        let summary: Summary = serde_json::from_str(
            &std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", shown(path)))?,
        )
        .with_context(|| format!("{} is not a gungraun summary", shown(path)))?;
        let id = summary
            .id
            .as_deref()
            .ok_or_else(|| anyhow!("{}: the benchmark has no id", shown(path)))?;
        let case = by_id.get(id).ok_or_else(|| {
            anyhow!(
                "{}: benchmark {id} is not in {} (output of an older build?)",
                shown(path),
                shown(&cases_path)
            )
        })?;
        let instructions = summary
            .profiles
            .iter()
            .find(|p| p.tool == "Callgrind")
            .and_then(|p| p.data.total.metrics.get("Ir"))
            .and_then(|m| m.values.new)
            .ok_or_else(|| anyhow!("{}: no callgrind instruction count", shown(path)))?;
        files
            .entry(summary.group.clone())
            .or_default()
            .push(CountEntry {
                family: case.family.clone(),
                variant: case.variant.clone(),
                input: case.input.clone(),
                per_call: instructions,
                // Callgrind on one thread is deterministic; `ledger count` checks it.
                repeatable: true,
            });
    }
    for (group, counts) in files {
        let (setting, env) = group_setting(&group)
            .ok_or_else(|| anyhow!("unknown gungraun group `{group}` in {}", shown(&dir)))?;
        let file = InstructionFile {
            schema: INSTRUCTIONS_SCHEMA,
            arch: std::env::consts::ARCH.to_owned(),
            counter: "gungraun".to_owned(),
            emulated: false,
            setting: setting.to_owned(),
            env,
            method: "callgrind, collecting only inside one call (gungraun's benchmark \
                     function); set-up and a warm-up call excluded"
                .to_owned(),
            counts,
        };
        let name = format!("{}-gungraun-{setting}.json", file.arch);
        write_json(&args.out_dir.join(name), &file)?;
    }
    Ok(())
}

/// Every `summary.json` under `dir`.
fn find_summaries(dir: &Path, found: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("cannot read {}", shown(dir)))?;
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            find_summaries(&path, found)?;
        } else if path.file_name().is_some_and(|n| n == "summary.json") {
            found.push(path);
        }
    }
    Ok(())
}
