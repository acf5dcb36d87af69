//! The verdict protocol's rounds → a family's verdict at its headline input, and its
//! exploratory readings at other sizes.
//!
//! Screening processes time every candidate and pick the pair (the fastest safe and the fastest
//! like-for-like unsafe variant); their data picks and never judges, and shows on the family
//! page as descriptive ratios. Confirmation processes time only that pair, the reference and
//! the two controls; the verdict, its interval and everything attached to the pair are of the
//! confirmed pair, read by `protocol::reading::confirm` with the boundaries of the looks the run
//! planned, the same function the run's driver stopped on.

use std::collections::BTreeSet;

use ::protocol::reading::{self, Conditional, Control, Screening};
use ::protocol::rule::{Call, ControlState, MARGIN, processes_needed};
use ::protocol::sequential::Looks;
use serde::Serialize;

use crate::ingest::{CaseRounds, ProcessRounds};
use crate::stats::ProcessRatio;
use crate::wire::catalog::FamilyEntry;
use crate::wire::rounds::Phase;

/// What the protocol measured for a family at its headline input, on one run.
#[derive(Clone, Debug, Serialize)]
pub struct Measured {
    /// The input, `shape/size`.
    pub input: String,
    /// The rule applied to the speedup.
    pub call: Call,
    /// Time of the safe variant / time of the unsafe variant of the confirmed pair, over the
    /// confirmation's processes (over their builds' means where processes shared builds): an
    /// interval that holds at every look together, and the range of single processes.
    pub speedup: ProcessRatio,
    /// The confirmed pair's safe variant.
    pub safe_variant: String,
    /// The confirmed pair's unsafe variant.
    pub unsafe_variant: String,
    /// Reference time / its separately compiled copy's: must read 1.
    pub control_aa: Option<Control>,
    /// Doubled-work time / reference time: must read 2.
    pub control_2x: Option<Control>,
    /// Why the run's controls make this verdict unreliable (a biased control, or one not
    /// measured); empty when none does.
    pub unreliable: Vec<String>,
    /// Controls too wide to tell (more processes would): not a fault of the run.
    pub imprecise: Vec<String>,
    /// Whether the run stopped because the verdict settled (rather than at the cap).
    pub settled: bool,
    /// For an inconclusive call: the processes a confirmation would need to decide it with 80%
    /// power, if the estimate and spread are the true ones (`None`: more than 1000).
    pub processes_needed: Option<usize>,
    /// The practical margin the call was made with.
    pub margin: f64,
    /// Confirmation processes behind the interval.
    pub processes: usize,
    /// The looks the confirmation planned (the last is its cap).
    pub looks: Vec<usize>,
    /// Distinct code layouts the confirmation's processes ran: 1 when every process ran one
    /// build, whose layout's luck the interval then cannot show.
    pub layouts: usize,
    /// Rounds in each confirmation process.
    pub rounds: usize,
    /// Screening: every candidate's time relative to the safe pick (descriptive).
    pub screening: Screening,
    /// Unsafe variants that skip work: what they save where that work is done elsewhere.
    pub conditional: Vec<Conditional>,
}

/// A reading at one size: screening's processes, the confirmed pair's ratio, with an interval
/// that is not corrected for the many sizes read (exploratory).
#[derive(Clone, Debug, Serialize)]
pub struct SizeReading {
    /// The input, `shape/size`.
    pub input: String,
    /// Safe time / unsafe time of the pair, over the screening processes.
    pub speedup: ProcessRatio,
    /// The safe variant (the headline's confirmed pair).
    pub safe_variant: String,
    /// The unsafe variant.
    pub unsafe_variant: String,
}

/// The cases of `family` at `input` in `phase`, with the processes they came from.
fn cases<'p>(
    family: &FamilyEntry,
    input: &str,
    phase: Phase,
    processes: &'p [ProcessRounds],
) -> Vec<(&'p ProcessRounds, &'p CaseRounds)> {
    processes
        .iter()
        .filter(|p| p.header.phase == phase)
        .filter_map(|p| {
            p.cases
                .iter()
                .find(|c| c.header.family == family.name && c.header.input == input)
                .map(|c| (p, c))
        })
        .collect()
}

/// The verdict of `family` at its headline input from the processes that measured it; `Err`
/// says why there is none.
pub fn measure(family: &FamilyEntry, processes: &[ProcessRounds]) -> Result<Measured, String> {
    let input = family.headline.name.as_str();
    let screened = cases(family, input, Phase::Screen, processes);
    let screening = reading::screen(
        family,
        &screened.iter().map(|&(_, c)| c).collect::<Vec<_>>(),
    )
    .map_err(|why| format!("screening at `{input}`: {why}"))?;
    let found = cases(family, input, Phase::Confirm, processes);
    let plans: BTreeSet<&[usize]> = found
        .iter()
        .map(|(p, _)| p.header.looks.as_slice())
        .collect();
    let [plan] = plans.into_iter().collect::<Vec<_>>()[..] else {
        return Err(format!(
            "the confirmation at `{input}` has no processes, or processes with different plans"
        ));
    };
    let looks = Looks::new(plan).map_err(|why| format!("the confirmation's looks: {why}"))?;
    let confirmed: Vec<&CaseRounds> = found.iter().map(|&(_, c)| c).collect();
    let c = reading::confirm(family, &confirmed, &looks)
        .map_err(|why| format!("confirmation at `{input}`: {why}"))?;
    let mut unreliable = Vec::new();
    let mut imprecise = Vec::new();
    for (name, control) in c.controls() {
        match control {
            None => unreliable.push(format!("{name} was not measured")),
            Some(k) => {
                let reading = format!(
                    "{name} reads {:.3}x [{:.3}, {:.3}] against {}x",
                    k.ratio.point, k.ratio.lower, k.ratio.upper, k.target
                );
                match k.state {
                    ControlState::Holds => {}
                    ControlState::Imprecise => imprecise.push(reading),
                    ControlState::Biased => unreliable.push(format!("{reading}: biased")),
                }
            }
        }
    }
    let layouts = found
        .iter()
        .map(|(p, _)| p.header.layout.as_deref())
        .collect::<BTreeSet<_>>()
        .len();
    Ok(Measured {
        input: input.to_owned(),
        call: c.call,
        processes_needed: (c.call == Call::Inconclusive)
            .then(|| processes_needed(&c.speedup, &looks))
            .flatten(),
        settled: c.settled(),
        speedup: c.speedup,
        safe_variant: c.pair.safe.clone(),
        unsafe_variant: c.pair.unsafe_.clone(),
        control_aa: c.control_aa,
        control_2x: c.control_2x,
        unreliable,
        imprecise,
        margin: MARGIN,
        processes: c.processes,
        looks: looks.at().to_vec(),
        layouts,
        rounds: confirmed.iter().map(|c| c.rounds.len()).min().unwrap_or(0),
        screening,
        conditional: c.conditional,
    })
}

/// The confirmed pair's screening ratio at `input` (another size of the headline's shape).
pub fn size_reading(
    family: &FamilyEntry,
    input: &str,
    pair: (&str, &str),
    processes: &[ProcessRounds],
) -> Result<SizeReading, String> {
    let logs: Vec<f64> = cases(family, input, Phase::Screen, processes)
        .iter()
        .map(|(_, c)| {
            let means = c.means();
            Some(means.get(pair.0)?.ln() - means.get(pair.1)?.ln())
        })
        .collect::<Option<_>>()
        .ok_or_else(|| format!("screening at `{input}` did not time the pair"))?;
    let speedup = ProcessRatio::descriptive(&logs).ok_or_else(|| {
        format!(
            "screening measured `{input}` in {} process(es); an interval needs 2",
            logs.len()
        )
    })?;
    Ok(SizeReading {
        input: input.to_owned(),
        speedup,
        safe_variant: pair.0.to_owned(),
        unsafe_variant: pair.1.to_owned(),
    })
}
