//! `ledger soundness`: runs every unsafe variant and every hazard of the gallery alone under each
//! checker, and writes what they found to `soundness.json` (`wire::soundness`).
//!
//! One process per variant and per hazard, because Miri and the sanitizers stop at their first
//! finding: a finding is then charged to what caused it, and nothing after it goes unchecked.
//! `scripts/soundness.sh` installs the nightly toolchain, Miri and rust-src first.

pub mod checkers;
mod fuzzing;
mod hazards;
mod variants;

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use anyhow::bail;
use checkers::Tool;
use fuzzing::{FUZZ_TARGETS, fuzz_run};
use hazards::HazardBuilds;
use kernels::Family;
use variants::{suite_check, variant_check};
use wire::soundness::{Checker, Outcome, SOUNDNESS_SCHEMA, SoundnessFile};

use crate::process::{checked, text};
use crate::write_json;

#[derive(clap::Args)]
pub struct Args {
    /// Where `soundness.json` goes.
    #[arg(long, default_value = "target/ledger/soundness")]
    out: PathBuf,
    /// Check only these unsafe variants (`family/variant`, repeatable); the suites and the
    /// hazard gallery are then skipped.
    #[arg(long = "variant", value_name = "FAMILY/VARIANT")]
    variants: Vec<String>,
    /// Skip the hazard gallery.
    #[arg(long)]
    no_hazards: bool,
    /// Skip the whole-suite runs.
    #[arg(long)]
    no_suites: bool,
    /// Skip AddressSanitizer and ThreadSanitizer.
    #[arg(long)]
    no_sanitizers: bool,
    /// Seconds of differential fuzzing per fuzz target (cargo-fuzz, nightly); 0 skips it.
    #[arg(long, default_value_t = 60)]
    fuzz_seconds: u64,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let progress = |what: &str| eprintln!("[{:>4}s] {what}", started.elapsed().as_secs());
    let toolchain = text(&checked(Command::new("rustc").args(["+nightly", "-V"]))?.stdout)
        .trim()
        .to_owned();

    let unsafe_variants: Vec<(&Family, &str)> = kernels::unsafe_variants()
        .map(|(f, v)| (f, v.name))
        .filter(|(f, v)| {
            let f = f.name;
            args.variants.is_empty() || args.variants.iter().any(|w| *w == format!("{f}/{v}"))
        })
        .collect();
    for wanted in &args.variants {
        if !unsafe_variants
            .iter()
            .any(|(f, v)| *wanted == format!("{}/{v}", f.name))
        {
            bail!("`{wanted}` is not an unsafe variant of the registry (see `ledger list`)");
        }
    }
    let only_variants = !args.variants.is_empty();

    let mut tools = vec![Tool::MiriStacked, Tool::MiriTree];
    if !args.no_sanitizers {
        tools.push(Tool::Address);
    }
    let mut variants = Vec::new();
    for tool in &tools {
        if *tool == Tool::Address {
            progress("building the kernels' tests with AddressSanitizer (several minutes)");
        }
        for (family, variant) in &unsafe_variants {
            progress(&format!("{}: {}/{variant}", tool.name(), family.name));
            let check = variant_check(*tool, family, variant)?;
            if check.outcome == Outcome::Finding {
                progress(&format!(
                    "  FINDING: {}",
                    check.finding.as_deref().unwrap_or("")
                ));
            }
            variants.push(check);
        }
    }

    let mut suites = Vec::new();
    if !(args.no_suites || only_variants) {
        progress("miri-tree-borrows: the kernels' whole suite (rayon and per-variant tests apart)");
        suites.push(suite_check(Tool::MiriTree)?);
        if !args.no_sanitizers {
            progress("address-sanitizer: the kernels' whole suite");
            suites.push(suite_check(Tool::Address)?);
        }
    }

    let mut hazards = Vec::new();
    if !(args.no_hazards || only_variants) {
        progress("building the hazard gallery (native debug, Miri, sanitizers)");
        let builds = HazardBuilds::make(!args.no_sanitizers)?;
        for listing in builds.list()? {
            progress(&format!("hazard {}", listing.id));
            hazards.push(builds.record(listing)?);
        }
    }

    let mut fuzz = Vec::new();
    if args.fuzz_seconds > 0 && !only_variants {
        progress("building the fuzz targets (cargo-fuzz, AddressSanitizer)");
        for (target, families) in FUZZ_TARGETS {
            progress(&format!(
                "fuzz {target} ({}) for {} s",
                families.join(", "),
                args.fuzz_seconds
            ));
            let run = fuzz_run(target, families, args.fuzz_seconds)?;
            progress(&format!(
                "  {} executions{}",
                run.executions,
                run.finding
                    .as_deref()
                    .map_or_else(String::new, |f| format!(", FINDING: {f}"))
            ));
            fuzz.push(run);
        }
    }

    let mut checkers: Vec<Tool> = tools.clone();
    if !hazards.is_empty() {
        checkers.extend([Tool::MiriNoSymbolicAlignment, Tool::NativeDebug]);
        if !args.no_sanitizers {
            checkers.push(Tool::Thread);
        }
    }
    let file = SoundnessFile {
        schema: SOUNDNESS_SCHEMA,
        date: crate::provenance::rfc3339_now(),
        toolchain,
        checkers: checkers
            .iter()
            .map(|t| Checker {
                name: t.name().to_owned(),
                settings: t.settings(),
            })
            .collect(),
        variants,
        suites,
        hazards,
        fuzz,
    };
    write_json(&args.out.join("soundness.json"), &file)?;

    let findings: Vec<String> = file
        .variants
        .iter()
        .filter(|c| c.outcome == Outcome::Finding)
        .map(|c| format!("{}/{} under {}", c.family, c.variant, c.checker))
        .chain(
            file.suites
                .iter()
                .filter(|s| s.outcome == Outcome::Finding)
                .map(|s| format!("{} under {}", s.suite, s.checker)),
        )
        .chain(
            file.fuzz
                .iter()
                .filter(|f| f.outcome == Outcome::Finding)
                .map(|f| format!("fuzz target {}", f.target)),
        )
        .collect();
    let clean = file
        .variants
        .iter()
        .filter(|c| c.outcome == Outcome::Clean)
        .count();
    progress(&format!(
        "{clean} variant checks clean, {} findings; {} hazards recorded",
        findings.len(),
        file.hazards.len()
    ));
    for h in &file.hazards {
        let caught: Vec<&str> = h
            .checks
            .iter()
            .filter(|c| c.caught)
            .map(|c| c.checker.as_str())
            .collect();
        eprintln!(
            "  {:<34} caught by: {}; safe way: {}",
            h.id,
            if caught.is_empty() {
                "nothing".to_owned()
            } else {
                caught.join(", ")
            },
            if h.safe.refused {
                h.safe.how.as_str()
            } else {
                "DID NOT REFUSE"
            }
        );
    }
    if !findings.is_empty() {
        bail!("the checkers found problems: {}", findings.join("; "));
    }
    if let Some(h) = file.hazards.iter().find(|h| !h.safe.refused) {
        bail!(
            "safe Rust did not refuse hazard {}: {}",
            h.id,
            h.safe.detail
        );
    }
    Ok(())
}
