//! `ledger agreement`: how closely two instruction-count files agree, case by case.
//!
//! Used to validate the QEMU counting method: the x86_64 build counted under `qemu-x86_64`
//! with the plugin and under callgrind must agree within a tolerance for every variant.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, bail};
use reports::wire::instructions::InstructionFile;
use serde::Serialize;

use crate::shown;
use crate::write_json;

#[derive(clap::Args)]
pub struct Args {
    /// The counts to check (e.g. QEMU's).
    checked: PathBuf,
    /// The counts taken as reference (e.g. callgrind's).
    reference: PathBuf,
    /// Largest relative difference allowed, e.g. 0.01 for 1%.
    #[arg(long, default_value_t = 0.01)]
    tolerance: f64,
    /// Where to write the comparison (JSON).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// The comparison, as written to `--out`.
#[derive(Serialize)]
struct Agreement {
    checked: String,
    reference: String,
    tolerance: f64,
    /// Cases in both files.
    compared: usize,
    /// Cases beyond the tolerance.
    beyond: usize,
    /// The largest relative difference seen.
    worst: f64,
    cases: Vec<CaseAgreement>,
}

#[derive(Serialize)]
struct CaseAgreement {
    family: String,
    variant: String,
    input: String,
    checked: f64,
    reference: f64,
    /// `(checked - reference) / reference`.
    relative: f64,
}

fn read(path: &PathBuf) -> anyhow::Result<InstructionFile> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", shown(path)))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} is not an instruction-count file", shown(path)))
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let checked = read(&args.checked)?;
    let reference = read(&args.reference)?;
    if checked.arch != reference.arch {
        bail!(
            "the files count different architectures ({} and {})",
            checked.arch,
            reference.arch
        );
    }
    let reference_counts: BTreeMap<(&str, &str, &str), f64> = reference
        .counts
        .iter()
        .map(|c| {
            (
                (c.family.as_str(), c.variant.as_str(), c.input.as_str()),
                c.per_call,
            )
        })
        .collect();
    let mut cases = Vec::new();
    for count in &checked.counts {
        let key = (
            count.family.as_str(),
            count.variant.as_str(),
            count.input.as_str(),
        );
        let Some(&expected) = reference_counts.get(&key) else {
            eprintln!(
                "   only in {}: {}/{} on {}",
                shown(&args.checked),
                key.0,
                key.1,
                key.2
            );
            continue;
        };
        let relative = if expected == 0.0 {
            if count.per_call == 0.0 {
                0.0
            } else {
                f64::INFINITY
            }
        } else {
            (count.per_call - expected) / expected
        };
        cases.push(CaseAgreement {
            family: count.family.clone(),
            variant: count.variant.clone(),
            input: count.input.clone(),
            checked: count.per_call,
            reference: expected,
            relative,
        });
    }
    if cases.is_empty() {
        bail!("the files have no case in common");
    }
    let beyond: Vec<&CaseAgreement> = cases
        .iter()
        .filter(|c| c.relative.abs() > args.tolerance)
        .collect();
    for case in &beyond {
        eprintln!(
            "   beyond {:.1}%: {}/{} on {}: {} vs {} ({:+.2}%)",
            args.tolerance * 100.0,
            case.family,
            case.variant,
            case.input,
            case.checked,
            case.reference,
            case.relative * 100.0
        );
    }
    let worst = cases
        .iter()
        .map(|c| c.relative.abs())
        .fold(0.0_f64, f64::max);
    println!(
        "{} of {} cases within {:.1}% (worst {:.2}%)",
        cases.len() - beyond.len(),
        cases.len(),
        args.tolerance * 100.0,
        worst * 100.0
    );
    let agreement = Agreement {
        checked: shown(&args.checked),
        reference: shown(&args.reference),
        tolerance: args.tolerance,
        compared: cases.len(),
        beyond: beyond.len(),
        worst,
        cases,
    };
    if let Some(out) = &args.out {
        write_json(out, &agreement)?;
    }
    if agreement.beyond > 0 {
        bail!(
            "{} of {} cases differ by more than {:.1}%",
            agreement.beyond,
            agreement.compared,
            args.tolerance * 100.0
        );
    }
    Ok(())
}
