//! Analyze: measurements → the ledger, every number the site shows (`ledger.json`).
//!
//! For each family, run and input: each variant's median time and throughput, its ratio to the
//! best candidate and to the floor, and the speedup of the best unsafe variant over the best
//! safe one with its interval. The unsafe variant's skipped work stays attached to its speedup,
//! and where the fastest unsafe variant skips work, the best like-for-like unsafe variant is
//! compared too, so the verdict can say in which situation a gain holds.

pub mod codegen;
pub mod instructions;
pub mod protocol;
pub mod soundness;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use codegen::{ArchCode, family_code};
use instructions::{ArchCounts, Saving, family_counts, savings};
use soundness::{Status, VariantSoundness, family_soundness};

use crate::ingest::{Ingested, Measurement, Problem, Run};
use crate::stats::{Ratio, median, ratio_of_medians};
use crate::verdict::{Call, rule_text};
use crate::wire::catalog::{FamilyEntry, UnsafeCodeEntry, VariantEntry, VariantKind};
use crate::wire::criterion::Amount;
use crate::wire::provenance::Provenance;
use crate::wire::rounds::{Phase, Role};
use crate::wire::soundness::{Checker, FuzzRun, HazardRecord, SuiteCheck};
use crate::wire::stages::StageRun;
use protocol::{Measured, SizeReading};

/// Version of the `ledger.json` format.
pub const LEDGER_SCHEMA: u32 = 1;

/// Everything the site shows.
#[derive(Clone, Debug, Serialize)]
pub struct Ledger {
    /// Format version.
    pub schema: u32,
    /// The verdict rule, in words.
    pub rule: String,
    /// The runs (hosts) reported, with their provenance.
    pub runs: Vec<RunInfo>,
    /// One entry per registry family.
    pub families: Vec<FamilyReport>,
    /// The checkers' run, when its results were given.
    pub soundness: Option<SoundnessRun>,
    /// What could not be used, and what is missing.
    pub problems: Vec<Problem>,
}

/// One run (host) and where it was measured.
#[derive(Clone, Debug, Serialize)]
pub struct RunInfo {
    /// Run label, `arch-host`.
    pub label: String,
    /// Where it was measured, if recorded.
    pub provenance: Option<Provenance>,
    /// Number of benchmarks read.
    pub benchmarks: usize,
    /// Which stage run produced each of its files, oldest first.
    pub stages: Vec<StageRun>,
}

/// The checkers' run as a whole: how they were set, the whole-suite runs and the hazard gallery.
/// Per-variant records are in each [`FamilyReport`].
#[derive(Clone, Debug, Serialize)]
pub struct SoundnessRun {
    /// The file read.
    pub source: String,
    /// When the checkers ran.
    pub date: String,
    /// The nightly toolchain they ran on.
    pub toolchain: String,
    /// Each checker and its settings.
    pub checkers: Vec<Checker>,
    /// Whole test suites under a checker.
    pub suites: Vec<SuiteCheck>,
    /// The hazard gallery.
    pub hazards: Vec<HazardRecord>,
    /// Differential fuzzing runs.
    pub fuzz: Vec<FuzzRun>,
}

/// A family's results on every run.
#[derive(Clone, Debug, Serialize)]
pub struct FamilyReport {
    /// The registry's description of the family.
    pub family: FamilyEntry,
    /// Results per run that measured this family.
    pub runs: Vec<FamilyRun>,
    /// Instruction counts per architecture, merged from every run.
    pub instructions: Vec<ArchCounts>,
    /// The machine code of each variant's hot loop, per disassembled architecture and run.
    pub codegen: Vec<ArchCode>,
    /// Each unsafe variant under the checkers.
    pub soundness: Vec<VariantSoundness>,
}

/// A family's results on one run.
#[derive(Clone, Debug, Serialize)]
pub struct FamilyRun {
    /// Run label.
    pub run: String,
    /// Every measured input, in the registry's shape order, by size.
    pub inputs: Vec<InputResult>,
    /// The verdict at the headline input, if it was measured with both sides.
    pub verdict: Option<Verdict>,
    /// The protocol at each size of the headline's shape it measured (`ledger protocol
    /// --sizes`), smallest first: the family page's speedup against size.
    pub sizes: Vec<SizePoint>,
    /// Registry variants and inputs this run has no results for.
    pub missing: Vec<String>,
}

/// The protocol's screening reading at one size of the headline shape.
#[derive(Clone, Debug, Serialize)]
pub struct SizePoint {
    /// The size as a number of the family's units.
    pub count: usize,
    /// The confirmed pair's ratio at that size (exploratory).
    #[serde(flatten)]
    pub measured: SizeReading,
}

/// All variants on one input.
#[derive(Clone, Debug, Serialize)]
pub struct InputResult {
    /// `shape/size`.
    pub name: String,
    /// Input shape.
    pub shape: String,
    /// Size label.
    pub size: String,
    /// What one iteration processes.
    pub amount: Amount,
    /// One row per measured variant, candidates in registry order, then the floor.
    pub rows: Vec<Row>,
    /// Best unsafe over best safe.
    pub speedup: Option<Comparison>,
    /// Best like-for-like unsafe over best safe, when the fastest unsafe variant skips work.
    pub like_for_like: Option<Comparison>,
}

/// One variant on one input.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// Variant name.
    pub variant: String,
    /// Its role in the comparison.
    pub kind: VariantKind,
    /// Median nanoseconds per iteration.
    pub median_ns: f64,
    /// Criterion samples (or screening batches) behind the median.
    pub samples: usize,
    /// The samples are the protocol's screening batches, not criterion's.
    pub from_rounds: bool,
    /// Units (bytes or elements) per second at the median.
    pub per_second: f64,
    /// Median time over the best candidate's (1.0 for the best); `None` for the floor.
    pub to_best: Option<f64>,
    /// Median time over the floor's, where the family has a floor.
    pub to_floor: Option<f64>,
    /// Criterion's page for this benchmark, relative to the run directory.
    pub criterion_report: Option<String>,
    /// Flamegraph, relative to the run directory.
    pub flamegraph: Option<String>,
}

/// An unsafe variant against the best safe one on one input.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// The unsafe variant.
    pub unsafe_variant: String,
    /// The fastest safe (or baseline) variant.
    pub safe_variant: String,
    /// Safe time / unsafe time, with its interval.
    pub speedup: Ratio,
    /// What the unsafe variant skips; empty if like-for-like.
    pub skips: Vec<String>,
}

/// A family's verdict on one run, read at its headline input from the verdict protocol.
#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    /// The call, the speedup with its interval, the controls, the margin, the processes and
    /// rounds behind them.
    #[serde(flatten)]
    pub measured: Measured,
    /// In which situation the headline gain holds.
    pub holds: String,
    /// Invariants the headline unsafe variant relies on.
    pub invariants: Vec<String>,
    /// Where the headline unsafe variant's unsafe code is and how many operations it holds.
    pub unsafe_code: Option<UnsafeCodeEntry>,
    /// What the checkers found on the headline unsafe variant.
    pub soundness: Status,
    /// Instructions the headline unsafe variant saves over the safe one, per architecture
    /// counted.
    pub instructions: Vec<Saving>,
    /// Set when the time verdict is `pays` or `safe wins` while the pair's instruction counts
    /// differ by under 1%: a difference of code layout rather than of work, likely to move
    /// with the next build.
    pub layout_sensitive: Option<String>,
}

/// Instruction counts closer than this (as a fraction) cannot explain a time difference.
const SAME_WORK: f64 = 0.01;

/// Builds the ledger from what was ingested.
pub fn analyze(ingested: &Ingested) -> Ledger {
    let mut problems = ingested.problems.clone();
    let families = ingested
        .catalog
        .families
        .iter()
        .map(|family| {
            let instructions = family_counts(family, &ingested.runs, &mut problems);
            let soundness = family_soundness(family, ingested.soundness.as_ref());
            FamilyReport {
                family: family.clone(),
                runs: ingested
                    .runs
                    .iter()
                    .filter_map(|run| {
                        family_run(family, run, &instructions, &soundness, &mut problems)
                    })
                    .collect(),
                instructions,
                codegen: family_code(family, &ingested.runs),
                soundness,
            }
        })
        .collect();
    Ledger {
        schema: LEDGER_SCHEMA,
        rule: rule_text(),
        runs: ingested
            .runs
            .iter()
            .map(|run| RunInfo {
                label: run.label.clone(),
                provenance: run.provenance.clone(),
                benchmarks: run.measurements.len(),
                stages: run.stages.clone(),
            })
            .collect(),
        families,
        soundness: ingested.soundness.as_ref().map(|s| SoundnessRun {
            source: s.path.display().to_string(),
            date: s.file.date.clone(),
            toolchain: s.file.toolchain.clone(),
            checkers: s.file.checkers.clone(),
            suites: s.file.suites.clone(),
            hazards: s.file.hazards.clone(),
            fuzz: s.file.fuzz.clone(),
        }),
        problems,
    }
}

fn family_run(
    family: &FamilyEntry,
    run: &Run,
    counts: &[ArchCounts],
    soundness: &[VariantSoundness],
    problems: &mut Vec<Problem>,
) -> Option<FamilyRun> {
    let criterion: Vec<&Measurement> = run
        .measurements
        .iter()
        .filter(|m| m.family == family.name)
        .collect();
    let from_rounds = screening_measurements(family, run, &criterion);
    let mine: Vec<&Measurement> = criterion.into_iter().chain(&from_rounds).collect();
    let in_protocol = run
        .protocol
        .iter()
        .any(|p| p.cases.iter().any(|c| c.header.family == family.name));
    if mine.is_empty() && !in_protocol {
        problems.push(Problem {
            source: run.label.clone(),
            message: format!("family `{}` was not measured on {}", family.name, run.label),
        });
        return None;
    }
    // Group by input, ordered by the registry's shape order, then by size.
    let shape_rank = |shape: &str| {
        family
            .inputs
            .iter()
            .position(|i| i.shape == shape)
            .unwrap_or(usize::MAX)
    };
    let mut by_input: BTreeMap<(usize, String, u64), Vec<&Measurement>> = BTreeMap::new();
    for m in &mine {
        by_input
            .entry((shape_rank(&m.shape), m.shape.clone(), m.amount.count()))
            .or_default()
            .push(m);
    }
    let inputs: Vec<InputResult> = by_input
        .into_values()
        .map(|ms| input_result(family, run, &ms))
        .collect();

    let mut missing = Vec::new();
    for variant in family.variants.iter().chain(&family.floor) {
        if !mine.iter().any(|m| m.variant == variant.name) {
            missing.push(format!("variant `{}`: no results", variant.name));
        }
    }
    if !inputs.iter().any(|i| i.name == family.headline.name) {
        missing.push(format!(
            "headline input `{}`: no criterion results or screening rounds",
            family.headline.name
        ));
    }
    let verdict = match protocol::measure(family, &run.protocol) {
        Ok(measured) => Some(verdict(family, measured, counts, soundness)),
        Err(why) => {
            missing.push(format!("no verdict: {why}"));
            None
        }
    };
    let sizes = verdict.as_ref().map_or_else(Vec::new, |v| {
        size_points(
            family,
            run,
            (&v.measured.safe_variant, &v.measured.unsafe_variant),
            &mut missing,
        )
    });
    Some(FamilyRun {
        run: run.label.clone(),
        inputs,
        verdict,
        sizes,
        missing,
    })
}

/// The confirmed pair's screening reading at every size of the headline shape that screening
/// measured, smallest first (exploratory: one interval per size, none corrected for the others).
fn size_points(
    family: &FamilyEntry,
    run: &Run,
    pair: (&str, &str),
    missing: &mut Vec<String>,
) -> Vec<SizePoint> {
    let measured = |input: &str| {
        run.protocol.iter().any(|p| {
            p.cases
                .iter()
                .any(|c| c.header.family == family.name && c.header.input == input)
        })
    };
    let mut inputs: Vec<_> = family
        .inputs
        .iter()
        .filter(|i| i.shape == family.headline.shape && measured(&i.name))
        .collect();
    inputs.sort_by_key(|i| i.count);
    let mut points = Vec::new();
    for input in inputs {
        match protocol::size_reading(family, &input.name, pair, &run.protocol) {
            Ok(measured) => points.push(SizePoint {
                count: input.count,
                measured,
            }),
            Err(why) => missing.push(format!("protocol at `{}`: {why}", input.name)),
        }
    }
    points
}

/// Every variant the screening timed on an input criterion has no samples of, as a measurement
/// whose samples are the screening batches' times per call: the family pages' rows and curves
/// where criterion did not run (the quick plan), never a verdict. A candidate's batches are
/// pooled over the processes; the floor's are those of its fastest process (by median), since
/// a floor shows the least time the hardware allowed, and its own loop is as subject to a
/// build's placement as any other.
fn screening_measurements(
    family: &FamilyEntry,
    run: &Run,
    criterion: &[&Measurement],
) -> Vec<Measurement> {
    // Per (variant, input): whether it is the floor, and each process's batches.
    type Batches = (bool, Vec<Vec<f64>>);
    let mut samples: BTreeMap<(String, String), Batches> = BTreeMap::new();
    for process in run
        .protocol
        .iter()
        .filter(|p| p.header.phase == Phase::Screen)
    {
        for case in process
            .cases
            .iter()
            .filter(|c| c.header.family == family.name)
        {
            for arm in &case.header.arms {
                let known = criterion
                    .iter()
                    .any(|m| m.variant == arm.variant && m.input() == case.header.input);
                if known || !matches!(arm.role, Role::Candidate | Role::Floor) {
                    continue;
                }
                let slot = samples
                    .entry((arm.variant.clone(), case.header.input.clone()))
                    .or_default();
                slot.0 = arm.role == Role::Floor;
                slot.1.push(
                    case.rounds
                        .iter()
                        .flat_map(|r| &r.batches)
                        .filter(|b| b.arm == arm.name)
                        .map(|b| b.ns as f64 / b.calls as f64)
                        .collect(),
                );
            }
        }
    }
    samples
        .into_iter()
        .filter_map(|((variant, input), (floor, processes))| {
            let per_iteration_ns = if floor {
                processes
                    .into_iter()
                    .filter_map(|p| Some((median(&p)?, p)))
                    .min_by(|a, b| a.0.total_cmp(&b.0))?
                    .1
            } else {
                processes.concat()
            };
            let entry = family.inputs.iter().find(|i| i.name == input)?;
            let count = entry.count as u64;
            Some(Measurement {
                family: family.name.clone(),
                shape: entry.shape.clone(),
                size: entry.size.clone(),
                amount: if entry.unit == "bytes" {
                    Amount::Bytes(count)
                } else {
                    Amount::Elements(count)
                },
                // The flamegraph stage profiles the headline inputs through criterion's bench
                // (`--profile-time`), which writes where criterion would keep the benchmark.
                flamegraph: {
                    let path = PathBuf::from("criterion")
                        .join(format!("{}_{}", family.name, entry.shape))
                        .join(&variant)
                        .join(&entry.size)
                        .join("profile/flamegraph.svg");
                    run.dir.join(&path).is_file().then_some(path)
                },
                variant,
                per_iteration_ns,
                from_rounds: true,
                criterion_report: None,
            })
        })
        .collect()
}

fn input_result(family: &FamilyEntry, run: &Run, measurements: &[&Measurement]) -> InputResult {
    let first = measurements[0];
    let medians: Vec<(&Measurement, &VariantEntry, f64)> = family
        .variants
        .iter()
        .chain(&family.floor)
        .filter_map(|v| {
            let m = measurements.iter().find(|m| m.variant == v.name)?;
            Some((*m, v, median(&m.per_iteration_ns)?))
        })
        .collect();
    let best = medians
        .iter()
        .filter(|(_, v, _)| v.kind != VariantKind::Floor)
        .map(|(_, _, t)| *t)
        .min_by(f64::total_cmp);
    let floor = medians
        .iter()
        .find(|(_, v, _)| v.kind == VariantKind::Floor)
        .map(|(_, _, t)| *t);
    let link = |path: &Option<std::path::PathBuf>| {
        path.as_ref()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
    };
    let rows = medians
        .iter()
        .map(|(m, v, t)| Row {
            variant: v.name.clone(),
            kind: v.kind,
            median_ns: *t,
            samples: m.per_iteration_ns.len(),
            from_rounds: m.from_rounds,
            per_second: m.amount.count() as f64 / (t * 1e-9),
            to_best: (v.kind != VariantKind::Floor)
                .then(|| best.map(|b| t / b))
                .flatten(),
            to_floor: floor.map(|f| t / f),
            criterion_report: link(&m.criterion_report),
            flamegraph: link(&m.flamegraph),
        })
        .collect();

    let fastest = |pick: &dyn Fn(&VariantEntry) -> bool| {
        medians
            .iter()
            .filter(|(_, v, _)| pick(v))
            .min_by(|a, b| a.2.total_cmp(&b.2))
            .map(|(m, v, _)| (*m, *v))
    };
    let best_safe = fastest(&|v| v.kind.is_safe());
    let best_unsafe = fastest(&|v| v.kind == VariantKind::Unsafe);
    let best_like = fastest(&|v| v.like_for_like);
    let input = first.input();
    let compare = |(u, uv): (&Measurement, &VariantEntry)| {
        let (s, sv) = best_safe?;
        let speedup = ratio_of_medians(
            &s.per_iteration_ns,
            &u.per_iteration_ns,
            &format!(
                "{}/{}/{input}/{}/{}",
                run.label, family.name, sv.name, uv.name
            ),
        )?;
        Some(Comparison {
            unsafe_variant: uv.name.clone(),
            safe_variant: sv.name.clone(),
            speedup,
            skips: uv.skips.clone(),
        })
    };
    let speedup = best_unsafe.and_then(compare);
    let like_for_like = match (&speedup, best_like) {
        (Some(c), Some(like)) if !c.skips.is_empty() => compare(like),
        _ => None,
    };
    InputResult {
        name: input,
        shape: first.shape.clone(),
        size: first.size.clone(),
        amount: first.amount,
        rows,
        speedup,
        like_for_like,
    }
}

fn verdict(
    family: &FamilyEntry,
    measured: Measured,
    counts: &[ArchCounts],
    soundness: &[VariantSoundness],
) -> Verdict {
    let variant = family.variant(&measured.unsafe_variant);
    let mut holds = "Like-for-like: the unsafe variant does the work the safe one does".to_owned();
    if let Some(v) = variant.filter(|v| !v.requires.is_empty()) {
        holds.push_str(&format!(
            ", on every input it accepts ({})",
            v.requires.join("; ")
        ));
    }
    holds.push('.');
    for c in &measured.conditional {
        holds.push_str(&format!(
            " `{}` skips {}: only where that is done elsewhere does it save {:.0} ns per call \
             ({:.2}x [{:.2}, {:.2}] against `{}`).",
            c.unsafe_variant,
            c.skips.join("; "),
            c.saves_ns,
            c.speedup.point,
            c.speedup.lower,
            c.speedup.upper,
            c.safe_variant
        ));
    }
    let instructions = savings(
        counts,
        &measured.input,
        &measured.safe_variant,
        &measured.unsafe_variant,
    );
    let layout_sensitive = matches!(measured.call, Call::Pays | Call::SafeWins)
        .then(|| {
            instructions
                .iter()
                .find(|s| s.fraction.abs() < SAME_WORK && !s.emulated)
                .map(|s| {
                    format!(
                        "{} {} while the instructions per call differ by {:.2}% on {}: a layout \
                         effect, likely to move with the next build",
                        measured.call.label(),
                        format_args!("{:.2}x", measured.speedup.point),
                        s.fraction * 100.0,
                        s.arch
                    )
                })
        })
        .flatten();
    Verdict {
        instructions,
        layout_sensitive,
        invariants: variant.map(|v| v.invariants.clone()).unwrap_or_default(),
        unsafe_code: variant.and_then(|v| v.unsafe_code.clone()),
        soundness: soundness
            .iter()
            .find(|s| s.variant == measured.unsafe_variant)
            .map_or_else(
                || Status::NotChecked {
                    why: "not an unsafe variant of this registry".to_owned(),
                },
                |s| s.status.clone(),
            ),
        holds,
        measured,
    }
}
