//! Instruction counts in the ledger: per architecture, each variant's instructions per call on
//! each counted input, merged from every count file of every run, and what the unsafe variant
//! of a verdict saves over the safe one.
//!
//! Counts are exact where times are noisy, but two things make a raw count misleading, and both
//! stay attached to the numbers: a count taken under emulation (QEMU) says what the guest
//! executed, not how fast a core runs it; and callgrind counts each iteration of x86's
//! `rep movsb` as one instruction, so a count that changes when glibc is steered off that copy
//! loop is flagged as copy-sensitive and shown with its alternative.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::ingest::{Problem, Run};
use crate::wire::catalog::{FamilyEntry, VariantKind};
use crate::wire::instructions::NO_REP_MOVSB;

/// Counts that differ by more than this fraction between glibc settings are copy-sensitive.
pub const COPY_SENSITIVITY: f64 = 0.01;

/// The setting of counts taken in glibc's default environment.
const DEFAULT_SETTING: &str = "default";

/// A family's counts on one architecture.
#[derive(Clone, Debug, Serialize)]
pub struct ArchCounts {
    /// Guest architecture, e.g. `x86_64`.
    pub arch: String,
    /// Whether any count shown was taken under emulation.
    pub emulated: bool,
    /// The files the counts come from, with counter and method.
    pub sources: Vec<String>,
    /// Counted inputs, in the registry's input order.
    pub inputs: Vec<InputCounts>,
}

/// Every counted variant on one input.
#[derive(Clone, Debug, Serialize)]
pub struct InputCounts {
    /// `shape/size`.
    pub input: String,
    /// One row per counted variant, in registry order.
    pub rows: Vec<CountRow>,
}

/// One variant's count on one input.
#[derive(Clone, Debug, Serialize)]
pub struct CountRow {
    /// Variant name.
    pub variant: String,
    /// Its role in the comparison.
    pub kind: VariantKind,
    /// Instructions per call, callees included, in glibc's default environment.
    pub per_call: f64,
    /// What counted it: `gungraun`, `callgrind` or `qemu-plugin`.
    pub counter: String,
    /// Whether it was taken under emulation.
    pub emulated: bool,
    /// Whether repeated measurements agreed.
    pub repeatable: bool,
    /// The count with glibc steered off `rep movsb` / `rep stosb`, where measured.
    pub without_rep_movsb: Option<f64>,
    /// The two settings differ by more than [`COPY_SENSITIVITY`]: the default count includes
    /// string-instruction iterations counted one per byte.
    pub copy_sensitive: bool,
    /// Count over the fewest of the input's candidates; `None` for the floor.
    pub to_fewest: Option<f64>,
}

/// Instructions the unsafe variant of a comparison saves over the safe one, on one
/// architecture.
#[derive(Clone, Debug, Serialize)]
pub struct Saving {
    /// Guest architecture.
    pub arch: String,
    /// Whether either count was taken under emulation.
    pub emulated: bool,
    /// The input.
    pub input: String,
    /// The safe variant.
    pub safe_variant: String,
    /// The unsafe variant.
    pub unsafe_variant: String,
    /// Instructions per call of the safe variant.
    pub safe_per_call: f64,
    /// Instructions per call of the unsafe variant.
    pub unsafe_per_call: f64,
    /// `safe - unsafe`: positive when the unsafe variant executes fewer instructions.
    pub saved: f64,
    /// `saved / safe`.
    pub fraction: f64,
    /// Either count is copy-sensitive.
    pub copy_sensitive: bool,
    /// `saved` with glibc steered off `rep movsb`, when both counts exist in that setting.
    pub saved_without_rep_movsb: Option<f64>,
    /// Both counts were repeatable.
    pub repeatable: bool,
}

/// One count read from a file, before merging.
struct Candidate<'a> {
    per_call: f64,
    counter: &'a str,
    emulated: bool,
    repeatable: bool,
    source: String,
}

/// Preference between counters measuring the same thing: gungraun counts exactly the call,
/// the probe methods subtract whole-program runs.
fn counter_rank(counter: &str) -> usize {
    match counter {
        "gungraun" => 0,
        "callgrind" => 1,
        "qemu-plugin" => 2,
        _ => 3,
    }
}

/// Merges every run's counts for `family`, one [`ArchCounts`] per architecture, sorted by
/// architecture. Conflicting counts from the same counter are reported as problems.
pub fn family_counts(
    family: &FamilyEntry,
    runs: &[Run],
    problems: &mut Vec<Problem>,
) -> Vec<ArchCounts> {
    // arch → (sources, (variant, input) → setting → candidates)
    type Settings<'a> = BTreeMap<&'a str, Vec<Candidate<'a>>>;
    type Cases<'a> = BTreeMap<(&'a str, &'a str), Settings<'a>>;
    let mut by_arch: BTreeMap<&str, (Vec<String>, Cases)> = BTreeMap::new();
    for run in runs {
        for set in &run.counts {
            let file = &set.counts;
            let mine: Vec<_> = file
                .counts
                .iter()
                .filter(|c| c.family == family.name)
                .collect();
            if mine.is_empty() {
                continue;
            }
            let source = format!("{} in {}", set.file.display(), run.label);
            if file.setting != DEFAULT_SETTING && file.setting != NO_REP_MOVSB {
                problems.push(Problem {
                    source: source.clone(),
                    message: format!(
                        "counts in setting `{}`, which the report does not know; skipped",
                        file.setting
                    ),
                });
                continue;
            }
            let (sources, cases) = by_arch.entry(&file.arch).or_default();
            sources.push(format!(
                "{source}: {} ({}), {}",
                file.counter, file.setting, file.method
            ));
            for c in mine {
                cases
                    .entry((&c.variant, &c.input))
                    .or_default()
                    .entry(&file.setting)
                    .or_default()
                    .push(Candidate {
                        per_call: c.per_call,
                        counter: &file.counter,
                        emulated: file.emulated,
                        repeatable: c.repeatable,
                        source: source.clone(),
                    });
            }
        }
    }

    let input_rank = |input: &str| {
        family
            .inputs
            .iter()
            .position(|i| i.name == input)
            .unwrap_or(usize::MAX)
    };
    by_arch
        .into_iter()
        .map(|(arch, (sources, cases))| {
            let mut inputs: Vec<&str> = cases.keys().map(|(_, input)| *input).collect();
            inputs.sort_by_key(|i| input_rank(i));
            inputs.dedup();
            let inputs = inputs
                .into_iter()
                .map(|input| {
                    let pick = |variant: &str, setting: &str, problems: &mut Vec<Problem>| {
                        let found = cases.get(&(variant, input))?.get(setting)?;
                        pick_count(found, arch, variant, input, problems)
                            .map(|c| (c.per_call, c.counter, c.emulated, c.repeatable))
                    };
                    let mut rows: Vec<CountRow> = family
                        .variants
                        .iter()
                        .chain(&family.floor)
                        .filter_map(|v| {
                            let (per_call, counter, emulated, repeatable) =
                                pick(&v.name, DEFAULT_SETTING, problems)?;
                            let without_rep_movsb =
                                pick(&v.name, NO_REP_MOVSB, problems).map(|w| w.0);
                            let copy_sensitive = without_rep_movsb.is_some_and(|w| {
                                (per_call - w).abs() > COPY_SENSITIVITY * per_call.max(1.0)
                            });
                            Some(CountRow {
                                variant: v.name.clone(),
                                kind: v.kind,
                                per_call,
                                counter: counter.to_owned(),
                                emulated,
                                repeatable,
                                without_rep_movsb,
                                copy_sensitive,
                                to_fewest: None,
                            })
                        })
                        .collect();
                    let fewest = rows
                        .iter()
                        .filter(|r| r.kind != VariantKind::Floor)
                        .map(|r| r.per_call)
                        .min_by(f64::total_cmp);
                    for row in rows.iter_mut().filter(|r| r.kind != VariantKind::Floor) {
                        row.to_fewest = fewest.filter(|f| *f > 0.0).map(|f| row.per_call / f);
                    }
                    InputCounts {
                        input: input.to_owned(),
                        rows,
                    }
                })
                .filter(|i| !i.rows.is_empty())
                .collect::<Vec<_>>();
            ArchCounts {
                arch: arch.to_owned(),
                emulated: inputs.iter().flat_map(|i| &i.rows).any(|r| r.emulated),
                sources,
                inputs,
            }
        })
        .filter(|a| !a.inputs.is_empty())
        .collect()
}

/// The preferred counter's count; a second count from the same counter that disagrees by
/// more than 1% is a problem (the same build counts the same instructions).
fn pick_count<'f, 'a>(
    found: &'f [Candidate<'a>],
    arch: &str,
    variant: &str,
    input: &str,
    problems: &mut Vec<Problem>,
) -> Option<&'f Candidate<'a>> {
    let best = found.iter().min_by_key(|c| counter_rank(c.counter))?;
    for other in found.iter().filter(|c| c.counter == best.counter) {
        if (other.per_call - best.per_call).abs() > 0.01 * best.per_call.max(1.0) {
            problems.push(Problem {
                source: other.source.clone(),
                message: format!(
                    "{arch} {variant} on {input}: {} counts {:.0} here and {:.0} in {}; the \
                     latter is shown (were the runs built from different sources?)",
                    other.counter, other.per_call, best.per_call, best.source
                ),
            });
        }
    }
    Some(best)
}

/// What `unsafe_variant` saves over `safe_variant` on `input`, on every architecture counted.
pub fn savings(
    counts: &[ArchCounts],
    input: &str,
    safe_variant: &str,
    unsafe_variant: &str,
) -> Vec<Saving> {
    counts
        .iter()
        .filter_map(|arch| {
            let rows = &arch.inputs.iter().find(|i| i.input == input)?.rows;
            let row = |name: &str| rows.iter().find(|r| r.variant == name);
            let (safe, unsafe_) = (row(safe_variant)?, row(unsafe_variant)?);
            let saved = safe.per_call - unsafe_.per_call;
            Some(Saving {
                arch: arch.arch.clone(),
                emulated: safe.emulated || unsafe_.emulated,
                input: input.to_owned(),
                safe_variant: safe_variant.to_owned(),
                unsafe_variant: unsafe_variant.to_owned(),
                safe_per_call: safe.per_call,
                unsafe_per_call: unsafe_.per_call,
                saved,
                fraction: if safe.per_call > 0.0 {
                    saved / safe.per_call
                } else {
                    0.0
                },
                copy_sensitive: safe.copy_sensitive || unsafe_.copy_sensitive,
                saved_without_rep_movsb: safe
                    .without_rep_movsb
                    .zip(unsafe_.without_rep_movsb)
                    .map(|(s, u)| s - u),
                repeatable: safe.repeatable && unsafe_.repeatable,
            })
        })
        .collect()
}
