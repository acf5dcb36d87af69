//! The verdict protocol's rounds → a family's verdict at its headline input.
//!
//! For each process: every arm's mean time per call over its rounds (each round weighs the
//! same). Each process's pair, the fastest safe and the fastest like-for-like unsafe variant,
//! is picked from the *other* processes' means and timed by this process's own rounds, so the
//! noise that picks a pair never also judges it (the winner's curse, which would otherwise
//! favour the side with more near-equal candidates). The speedup is then a Student-t interval
//! over the processes' log ratios, never over the rounds of one process. The controls are read
//! the same way, without a pick: the reference's copy against the reference, the doubled work
//! against it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::ingest::{CaseRounds, ProcessRounds};
use crate::stats::ProcessRatio;
use crate::verdict::{Call, MARGIN, classify, control_holds, processes_needed};
use crate::wire::catalog::{FamilyEntry, VariantEntry, VariantKind};
use crate::wire::rounds::Role;

/// What the protocol measured for a family at one input, on one run.
#[derive(Clone, Debug, Serialize)]
pub struct Measured {
    /// The input, `shape/size`.
    pub input: String,
    /// The rule applied to the speedup.
    pub call: Call,
    /// Time of the safe pick / time of the unsafe pick, over processes.
    pub speedup: ProcessRatio,
    /// The safe variant picked most often.
    pub safe_variant: String,
    /// The unsafe variant picked most often.
    pub unsafe_variant: String,
    /// Every pair picked, with how many processes picked it.
    pub picks: Vec<Pick>,
    /// Reference time / its separately compiled copy's: must be equivalent (1 within the
    /// margin).
    pub control_aa: Option<Control>,
    /// Doubled-work time / reference time: must be 2 within the margin.
    pub control_2x: Option<Control>,
    /// Why the run's controls make this verdict unreliable; empty when they hold.
    pub unreliable: Vec<String>,
    /// For an inconclusive call: the processes that would likely settle it.
    pub processes_needed: Option<usize>,
    /// The practical margin the call was made with.
    pub margin: f64,
    /// Processes behind the interval.
    pub processes: usize,
    /// Distinct code layouts (link orders) those processes ran: 1 when every process ran one
    /// build, whose layout's luck the interval then cannot show.
    pub layouts: usize,
    /// Rounds in each process.
    pub rounds: usize,
    /// Unsafe variants that skip work: what they save where that work is done elsewhere.
    pub conditional: Vec<Conditional>,
}

/// A control's reading against its target.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Control {
    /// The ratio over processes.
    #[serde(flatten)]
    pub ratio: ProcessRatio,
    /// What it must read: 1 for the copy, 2 for the doubled work.
    pub target: f64,
    /// Whether its interval lies inside the margin around the target.
    pub holds: bool,
}

impl Control {
    fn read(ratio: ProcessRatio, target: f64) -> Self {
        Self {
            ratio,
            target,
            holds: control_holds(&ratio, target),
        }
    }
}

/// A pair some processes picked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pick {
    /// The safe variant.
    pub safe_variant: String,
    /// The unsafe variant.
    pub unsafe_variant: String,
    /// How many processes picked this pair.
    pub processes: usize,
}

/// What an unsafe variant that skips work saves against the best safe variant, when the
/// skipped work is done elsewhere: never a headline.
#[derive(Clone, Debug, Serialize)]
pub struct Conditional {
    /// The unsafe variant.
    pub unsafe_variant: String,
    /// What it skips.
    pub skips: Vec<String>,
    /// The safe variant it is compared with (fastest in each process; the most frequent).
    pub safe_variant: String,
    /// Safe time / its time, over processes.
    pub speedup: ProcessRatio,
    /// Nanoseconds per call it saves, averaged over processes.
    pub saves_ns: f64,
}

/// Per process, each arm's mean time per call over the rounds.
struct Means {
    all: BTreeMap<String, f64>,
}

impl Means {
    fn of(case: &CaseRounds) -> Self {
        let mut sums: BTreeMap<String, (f64, usize)> = BTreeMap::new();
        for batch in case.rounds.iter().flat_map(|r| &r.batches) {
            let slot = sums.entry(batch.arm.clone()).or_insert((0.0, 0));
            slot.0 += batch.ns as f64 / batch.calls as f64;
            slot.1 += 1;
        }
        Self {
            all: sums
                .into_iter()
                .map(|(arm, (sum, n))| (arm, sum / n as f64))
                .collect(),
        }
    }
}

/// Every arm's geometric mean time over the processes other than `except`: what picks
/// process `except`'s pair.
fn others(means: &[Means], except: usize) -> BTreeMap<String, f64> {
    let mut logs: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    for (_, m) in means.iter().enumerate().filter(|(i, _)| *i != except) {
        for (arm, t) in &m.all {
            let slot = logs.entry(arm.clone()).or_insert((0.0, 0));
            slot.0 += t.ln();
            slot.1 += 1;
        }
    }
    logs.into_iter()
        .map(|(arm, (sum, n))| (arm, (sum / n as f64).exp()))
        .collect()
}

/// The two sides of the headline comparison: variants that do the same work. The unsafe side
/// is the like-for-like unsafe variants (they skip nothing); the safe side the baseline and
/// safe variants that take their input the same way (borrowed against borrowed, owned against
/// owned). Where like-for-like unsafe variants of both ways exist, borrowed ones are compared.
fn sides<'f>(
    family: &'f FamilyEntry,
    measured: &dyn Fn(&str) -> bool,
) -> Option<(Vec<&'f VariantEntry>, Vec<&'f VariantEntry>)> {
    let candidates = || family.variants.iter().filter(|v| measured(&v.name));
    [false, true].into_iter().find_map(|consumes| {
        let unsafe_side: Vec<_> = candidates()
            .filter(|v| v.kind == VariantKind::Unsafe && v.like_for_like && v.consumes == consumes)
            .collect();
        let safe_side: Vec<_> = candidates()
            .filter(|v| v.kind.is_safe() && v.consumes == consumes)
            .collect();
        (!unsafe_side.is_empty() && !safe_side.is_empty()).then_some((safe_side, unsafe_side))
    })
}

/// The fastest of `side` by `means`.
fn fastest<'v>(side: &[&'v VariantEntry], means: &BTreeMap<String, f64>) -> Option<&'v str> {
    side.iter()
        .filter_map(|v| Some((v.name.as_str(), *means.get(&v.name)?)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(name, _)| name)
}

/// The most frequent item, ties to the first seen.
fn most_frequent(items: &[String]) -> Option<String> {
    let mut counts: Vec<(&String, usize)> = Vec::new();
    for item in items {
        match counts.iter_mut().find(|(i, _)| *i == item) {
            Some((_, n)) => *n += 1,
            None => counts.push((item, 1)),
        }
    }
    let best = counts.iter().map(|(_, n)| *n).max()?;
    counts
        .into_iter()
        .find(|(_, n)| *n == best)
        .map(|(i, _)| i.clone())
}

/// The name of the arm playing `role` in a case (the first, for candidates).
fn arm_with(case: &CaseRounds, role: Role) -> Option<&str> {
    case.header
        .arms
        .iter()
        .find(|a| a.role == role)
        .map(|a| a.name.as_str())
}

/// A control's log ratios over processes, `ln top − ln bottom` over all rounds, where `top`
/// and `bottom` name the arms in each case.
fn control(
    means: &[Means],
    cases: &[&CaseRounds],
    top: &dyn Fn(&CaseRounds) -> Option<String>,
    bottom: &dyn Fn(&CaseRounds) -> Option<String>,
) -> Option<ProcessRatio> {
    let logs: Option<Vec<f64>> = means
        .iter()
        .zip(cases)
        .map(|(m, case)| {
            let t = m.all.get(&top(case)?)?;
            let b = m.all.get(&bottom(case)?)?;
            Some(t.ln() - b.ln())
        })
        .collect();
    ProcessRatio::of_log_ratios(&logs?)
}

/// The verdict of `family` at `input` from the processes that measured it; `Err` says why
/// there is none.
pub fn measure(
    family: &FamilyEntry,
    input: &str,
    processes: &[ProcessRounds],
) -> Result<Measured, String> {
    let found: Vec<(&ProcessRounds, &CaseRounds)> = processes
        .iter()
        .filter_map(|p| {
            p.cases
                .iter()
                .find(|c| c.header.family == family.name && c.header.input == input)
                .map(|c| (p, c))
        })
        .collect();
    let cases: Vec<&CaseRounds> = found.iter().map(|&(_, c)| c).collect();
    let layouts = found
        .iter()
        .map(|(p, _)| p.header.layout.as_deref())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    if cases.len() < 2 {
        return Err(format!(
            "the verdict protocol measured `{input}` in {} process(es); an interval needs at \
             least 2",
            cases.len()
        ));
    }
    let measured = |name: &str| {
        cases.iter().all(|c| {
            c.header
                .arms
                .iter()
                .any(|a| a.role == Role::Candidate && a.name == name)
        })
    };
    let Some((safe_side, unsafe_side)) = sides(family, &measured) else {
        return Err(format!(
            "no like-for-like unsafe variant and safe variant of the same kind were measured at \
             `{input}`"
        ));
    };
    let means: Vec<Means> = cases.iter().map(|c| Means::of(c)).collect();

    let mut logs = Vec::new();
    let mut picked = Vec::new();
    for (p, m) in means.iter().enumerate() {
        let pickers = others(&means, p);
        let (Some(safe), Some(unsafe_)) = (
            fastest(&safe_side, &pickers),
            fastest(&unsafe_side, &pickers),
        ) else {
            return Err("the other processes do not time both sides".to_owned());
        };
        let (Some(s), Some(u)) = (m.all.get(safe), m.all.get(unsafe_)) else {
            return Err(format!(
                "process {p} does not time the pair the others picked"
            ));
        };
        logs.push(s.ln() - u.ln());
        picked.push((safe.to_owned(), unsafe_.to_owned()));
    }
    let speedup = ProcessRatio::of_log_ratios(&logs).ok_or("the speedups are not finite")?;
    let mut picks: Vec<Pick> = Vec::new();
    for (safe, unsafe_) in &picked {
        match picks
            .iter_mut()
            .find(|p| &p.safe_variant == safe && &p.unsafe_variant == unsafe_)
        {
            Some(p) => p.processes += 1,
            None => picks.push(Pick {
                safe_variant: safe.clone(),
                unsafe_variant: unsafe_.clone(),
                processes: 1,
            }),
        }
    }
    picks.sort_by_key(|p| std::cmp::Reverse(p.processes));
    let firsts: Vec<String> = picked.iter().map(|(s, _)| s.clone()).collect();
    let seconds: Vec<String> = picked.iter().map(|(_, u)| u.clone()).collect();

    let reference = |case: &CaseRounds| {
        case.header
            .arms
            .iter()
            .any(|a| a.role == Role::Candidate && a.name == family.reference)
            .then(|| family.reference.clone())
    };
    let copy = |case: &CaseRounds| arm_with(case, Role::CopyControl).map(str::to_owned);
    let twice = |case: &CaseRounds| arm_with(case, Role::TwiceControl).map(str::to_owned);
    let control_aa = control(&means, &cases, &reference, &copy).map(|r| Control::read(r, 1.0));
    let control_2x = control(&means, &cases, &twice, &reference).map(|r| Control::read(r, 2.0));
    let mut unreliable = Vec::new();
    for (control, name) in [
        (&control_aa, "the reference against its own copy"),
        (&control_2x, "the reference doing its work twice"),
    ] {
        match control {
            Some(c) if !c.holds => unreliable.push(format!(
                "{name} reads {:.3}x [{:.3}, {:.3}], not {}x within the margin",
                c.ratio.point, c.ratio.lower, c.ratio.upper, c.target
            )),
            Some(_) => {}
            None => unreliable.push(format!("{name} was not measured")),
        }
    }
    let call = classify(&speedup);
    Ok(Measured {
        input: input.to_owned(),
        call,
        processes_needed: (call == Call::Inconclusive)
            .then(|| processes_needed(&speedup))
            .flatten(),
        speedup,
        safe_variant: most_frequent(&firsts).unwrap_or_default(),
        unsafe_variant: most_frequent(&seconds).unwrap_or_default(),
        picks,
        control_aa,
        control_2x,
        unreliable,
        margin: MARGIN,
        processes: cases.len(),
        layouts,
        rounds: cases.iter().map(|c| c.rounds.len()).min().unwrap_or(0),
        conditional: conditional(family, &measured, &means),
    })
}

/// Each work-skipping unsafe variant against the fastest safe variant that takes its input the
/// same way, over all rounds (no pick to protect: the pair is fixed by the variant).
fn conditional(
    family: &FamilyEntry,
    measured: &dyn Fn(&str) -> bool,
    means: &[Means],
) -> Vec<Conditional> {
    family
        .variants
        .iter()
        .filter(|v| v.kind == VariantKind::Unsafe && !v.like_for_like && measured(&v.name))
        .filter_map(|v| {
            let safe_side: Vec<&VariantEntry> = family
                .variants
                .iter()
                .filter(|s| s.kind.is_safe() && s.consumes == v.consumes && measured(&s.name))
                .collect();
            let mut logs = Vec::new();
            let mut saved = 0.0;
            let mut picked = Vec::new();
            for m in means {
                let safe = fastest(&safe_side, &m.all)?;
                let (s, u) = (m.all.get(safe)?, m.all.get(&v.name)?);
                logs.push(s.ln() - u.ln());
                saved += s - u;
                picked.push(safe.to_owned());
            }
            Some(Conditional {
                unsafe_variant: v.name.clone(),
                skips: v.skips.clone(),
                safe_variant: most_frequent(&picked)?,
                speedup: ProcessRatio::of_log_ratios(&logs)?,
                saves_ns: saved / means.len() as f64,
            })
        })
        .collect()
}
