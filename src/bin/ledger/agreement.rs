//! `ledger agreement`: how closely two instruction-count files agree, case by case.
//!
//! Used to validate the QEMU counting method: the x86_64 build counted under `qemu-x86_64`
//! with the plugin and under callgrind must agree within a tolerance for every variant.
//! A case either file marks as not repeatable (multi-threaded variants, whose idle workers
//! spin a varying number of times) cannot validate anything: it is listed as excluded, with
//! its numbers, and does not count against the tolerance.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, bail};
use serde::Serialize;
use wire::instructions::{CountEntry, InstructionFile};

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
    /// The largest relative difference seen among compared cases.
    worst: f64,
    cases: Vec<CaseAgreement>,
    /// Cases in both files left out of the comparison, with the reason.
    excluded: Vec<Excluded>,
}

#[derive(Serialize)]
struct Excluded {
    #[serde(flatten)]
    case: CaseAgreement,
    reason: String,
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

impl std::fmt::Display for CaseAgreement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}/{} on {}: {} vs {} ({:+.2}%)",
            self.family,
            self.variant,
            self.input,
            self.checked,
            self.reference,
            self.relative * 100.0
        )
    }
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
    let reference_counts: BTreeMap<(&str, &str, &str), &CountEntry> = reference
        .counts
        .iter()
        .map(|c| ((c.family.as_str(), c.variant.as_str(), c.input.as_str()), c))
        .collect();
    let mut cases = Vec::new();
    let mut excluded = Vec::new();
    for count in &checked.counts {
        let key = (
            count.family.as_str(),
            count.variant.as_str(),
            count.input.as_str(),
        );
        let Some(&expected_entry) = reference_counts.get(&key) else {
            eprintln!(
                "   only in {}: {}/{} on {}",
                shown(&args.checked),
                key.0,
                key.1,
                key.2
            );
            continue;
        };
        let expected = expected_entry.per_call;
        let relative = if expected == 0.0 {
            if count.per_call == 0.0 {
                0.0
            } else {
                f64::INFINITY
            }
        } else {
            (count.per_call - expected) / expected
        };
        let case = CaseAgreement {
            family: count.family.clone(),
            variant: count.variant.clone(),
            input: count.input.clone(),
            checked: count.per_call,
            reference: expected,
            relative,
        };
        let unrepeatable: Vec<String> = [(count, &args.checked), (expected_entry, &args.reference)]
            .into_iter()
            .filter(|(entry, _)| !entry.repeatable)
            .map(|(_, path)| shown(path))
            .collect();
        if unrepeatable.is_empty() {
            cases.push(case);
        } else {
            eprintln!(
                "   excluded, not repeatable in {}: {case}",
                unrepeatable.join(" and ")
            );
            excluded.push(Excluded {
                case,
                reason: format!(
                    "not repeatable in {}: repeated counts of the same case differed",
                    unrepeatable.join(" and ")
                ),
            });
        }
    }
    if cases.is_empty() {
        bail!(
            "the files have no repeatable case in common ({} excluded as not repeatable)",
            excluded.len()
        );
    }
    let beyond: Vec<&CaseAgreement> = cases
        .iter()
        .filter(|c| c.relative.abs() > args.tolerance)
        .collect();
    for case in &beyond {
        eprintln!("   beyond {:.1}%: {case}", args.tolerance * 100.0);
    }
    let worst = cases
        .iter()
        .map(|c| c.relative.abs())
        .fold(0.0_f64, f64::max);
    println!(
        "{} of {} cases within {:.1}% (worst {:.2}%); {} excluded as not repeatable",
        cases.len() - beyond.len(),
        cases.len(),
        args.tolerance * 100.0,
        worst * 100.0,
        excluded.len()
    );
    let agreement = Agreement {
        checked: shown(&args.checked),
        reference: shown(&args.reference),
        tolerance: args.tolerance,
        compared: cases.len(),
        beyond: beyond.len(),
        worst,
        cases,
        excluded,
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
