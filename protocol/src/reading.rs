//! What the rounds say: the pair screening picks, and the verdict a confirmation reads at a
//! look. The driver reads them between looks to decide whether to go on; the report reads the
//! same files through the same functions, so the site shows the verdict the run stopped on.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use wire::catalog::{FamilyEntry, VariantEntry, VariantKind};
use wire::rounds::{Pair, Role};

use crate::interval::{ProcessRatio, t_quantile};
use crate::rounds::CaseRounds;
use crate::rule::{Call, ControlState, classify, read_control};
use crate::sequential::Looks;

/// The two sides of the headline comparison: variants that do the same work. The unsafe side
/// is the like-for-like unsafe variants (they skip nothing); the safe side the baseline and
/// safe variants that take their input the same way (borrowed against borrowed, owned against
/// owned). Where like-for-like unsafe variants of both ways exist, borrowed ones are compared.
pub fn sides<'f>(
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

/// The work-skipping unsafe variants of `family`: never the headline, confirmed beside it for
/// what they save where the skipped work is done elsewhere.
pub fn skipping(family: &FamilyEntry) -> impl Iterator<Item = &VariantEntry> {
    family
        .variants
        .iter()
        .filter(|v| v.kind == VariantKind::Unsafe && !v.like_for_like)
}

/// Each arm's geometric-mean time per call over the cases that all time it.
fn geometric_means(cases: &[&CaseRounds]) -> BTreeMap<String, f64> {
    let mut logs: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    for case in cases {
        for (arm, t) in case.means() {
            let slot = logs.entry(arm).or_insert((0.0, 0));
            slot.0 += t.ln();
            slot.1 += 1;
        }
    }
    logs.into_iter()
        .filter(|(_, (_, n))| *n == cases.len())
        .map(|(arm, (sum, n))| (arm, (sum / n as f64).exp()))
        .collect()
}

/// What screening found for a family at one input: descriptive, never a verdict.
#[derive(Clone, Debug, Serialize)]
pub struct Screening {
    /// The pair confirmation measures: the fastest of each side.
    pub pair: Pair,
    /// Every candidate's time over the safe pick's (geometric means over the screening
    /// processes), in registry order.
    pub relative: Vec<(String, f64)>,
    /// Screening processes behind it.
    pub processes: usize,
}

/// Picks the pair from screening cases of one family at one input.
pub fn screen(family: &FamilyEntry, cases: &[&CaseRounds]) -> Result<Screening, String> {
    if cases.is_empty() {
        return Err("no screening process measured it".to_owned());
    }
    let means = geometric_means(cases);
    let measured = |name: &str| means.contains_key(name);
    let (safe_side, unsafe_side) = sides(family, &measured)
        .ok_or("no like-for-like unsafe variant and safe variant of the same kind were screened")?;
    let fastest = |side: &[&VariantEntry]| {
        side.iter()
            .filter_map(|v| Some((v.name.clone(), *means.get(&v.name)?)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    };
    let (Some((safe, safe_ns)), Some((unsafe_, _))) = (fastest(&safe_side), fastest(&unsafe_side))
    else {
        return Err("screening timed neither side".to_owned());
    };
    let relative = family
        .variants
        .iter()
        .filter_map(|v| Some((v.name.clone(), means.get(&v.name)? / safe_ns)))
        .collect();
    Ok(Screening {
        pair: Pair { safe, unsafe_ },
        relative,
        processes: cases.len(),
    })
}

/// How close two candidates' times must be for screening to call them tied: within it, either
/// pick confirms a pair that does the same work at the same speed, so screening need not tell
/// them apart. A third of the margin, so that a tie cannot move a call across it on its own.
pub const SCREEN_TIE: f64 = 0.015;

/// Whether screening has said enough to pick the pair: on each side, every other candidate is
/// either slower than the side's pick beyond doubt (a 95% interval of its time over the pick's,
/// over processes, above 1) or tied with it (the interval inside `1 ± SCREEN_TIE`). Where a
/// candidate is neither, the pick depends on which layouts the few processes drew, and more
/// screening processes are what decides it. Descriptive: it sets how long screening runs,
/// never a verdict, and the confirmation's processes are fresh.
pub fn screen_settled(family: &FamilyEntry, cases: &[&CaseRounds]) -> bool {
    let Ok(screening) = screen(family, cases) else {
        return true;
    };
    let per_process: Vec<BTreeMap<String, f64>> = cases.iter().map(|c| c.means()).collect();
    let measured = |name: &str| per_process.iter().all(|m| m.contains_key(name));
    let Some((safe_side, unsafe_side)) = sides(family, &measured) else {
        return true;
    };
    let decided = |side: &[&VariantEntry], pick: &str| {
        side.iter().filter(|v| v.name != pick).all(|other| {
            let logs: Vec<f64> = per_process
                .iter()
                .map(|m| (m[&other.name] / m[pick]).ln())
                .collect();
            ProcessRatio::descriptive(&logs).is_none_or(|r| {
                r.lower > 1.0 || (r.lower >= 1.0 - SCREEN_TIE && r.upper <= 1.0 + SCREEN_TIE)
            })
        })
    };
    decided(&safe_side, &screening.pair.safe) && decided(&unsafe_side, &screening.pair.unsafe_)
}

/// A control's reading against its target.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Control {
    /// The ratio over processes.
    #[serde(flatten)]
    pub ratio: ProcessRatio,
    /// What it must read: 1 for the copy, 2 for the doubled work.
    pub target: f64,
    /// Holds, imprecise or biased.
    pub state: ControlState,
}

/// What an unsafe variant that skips work saves against the confirmed safe variant, when the
/// skipped work is done elsewhere: never a headline.
#[derive(Clone, Debug, Serialize)]
pub struct Conditional {
    /// The unsafe variant.
    pub unsafe_variant: String,
    /// What it skips.
    pub skips: Vec<String>,
    /// The safe variant it is compared with: the confirmed pair's, picked by screening.
    pub safe_variant: String,
    /// Safe time / its time, over the confirmation's processes (a descriptive 95% interval).
    pub speedup: ProcessRatio,
    /// Nanoseconds per call it saves, averaged over processes.
    pub saves_ns: f64,
}

/// The confirmed pair's reading after some processes.
#[derive(Clone, Debug, Serialize)]
pub struct Confirmation {
    /// The pair measured.
    pub pair: Pair,
    /// Safe time / unsafe time: the interval holds at every look together.
    pub speedup: ProcessRatio,
    /// The rule applied to it.
    pub call: Call,
    /// Reference time / its separately compiled copy's: must read 1.
    pub control_aa: Option<Control>,
    /// Doubled-work time / reference time: must read 2.
    pub control_2x: Option<Control>,
    /// Processes behind it.
    pub processes: usize,
    /// Work-skipping unsafe variants against the safe pick.
    pub conditional: Vec<Conditional>,
}

impl Confirmation {
    /// The controls, each named, where measured.
    pub fn controls(&self) -> [(&'static str, Option<&Control>); 2] {
        [
            (
                "the reference against its own copy",
                self.control_aa.as_ref(),
            ),
            (
                "the reference doing its work twice",
                self.control_2x.as_ref(),
            ),
        ]
    }

    /// Whether more processes can change nothing the run needs: a control is biased (the
    /// verdict is unreliable however long the run), or the call is made, both controls are
    /// measured, and neither leaves room for a bias that could change the call. A control
    /// allows any bias its interval reaches (one that holds, up to the margin; an imprecise
    /// one, further); the call stands if it survives the speedup's interval widened by that
    /// much. This assumes the pair carries no more bias than the controls can see: the
    /// controls are the reference's own code, timed in the same rounds.
    pub fn settled(&self) -> bool {
        let controls: Vec<Option<&Control>> = self.controls().iter().map(|(_, c)| *c).collect();
        if controls
            .iter()
            .flatten()
            .any(|c| c.state == ControlState::Biased)
        {
            return true;
        }
        let Some(reach) = controls
            .iter()
            .map(|c| c.map(Control::reach))
            .collect::<Option<Vec<f64>>>()
        else {
            // A control that was not measured can rule out no bias: the run goes to its cap.
            return false;
        };
        let reach = reach.into_iter().fold(0.0, f64::max);
        let widened = ProcessRatio {
            lower: self.speedup.lower * (-reach).exp(),
            upper: self.speedup.upper * reach.exp(),
            ..self.speedup
        };
        self.call != Call::Inconclusive && classify(&widened) == self.call
    }
}

impl Control {
    /// The largest bias, in log ratio, that the control's interval allows: how far its
    /// farther end lies from the target.
    pub fn reach(&self) -> f64 {
        (self.ratio.lower / self.target)
            .ln()
            .abs()
            .max((self.ratio.upper / self.target).ln().abs())
    }
}

/// The confirmation of `family` from its confirmation cases at one input, read with the
/// boundaries of `looks`.
pub fn confirm(
    family: &FamilyEntry,
    cases: &[&CaseRounds],
    looks: &Looks,
) -> Result<Confirmation, String> {
    let pairs: BTreeSet<(&str, &str)> = cases
        .iter()
        .filter_map(|c| c.header.pair.as_ref())
        .map(|p| (p.safe.as_str(), p.unsafe_.as_str()))
        .collect();
    let pair = match (pairs.len(), cases.iter().all(|c| c.header.pair.is_some())) {
        (1, true) => cases[0].header.pair.clone().ok_or("no pair")?,
        (0, _) => return Err("no confirmation case names its pair".to_owned()),
        _ => {
            return Err(format!(
                "the confirmation's processes measured different pairs ({pairs:?})"
            ));
        }
    };
    if cases.len() < 2 {
        return Err(format!(
            "confirmation measured it in {} process(es); an interval needs at least 2",
            cases.len()
        ));
    }
    let means: Vec<BTreeMap<String, f64>> = cases.iter().map(|c| c.means()).collect();
    // Processes that ran one layout count once (the run had fewer builds than processes).
    let layouts: Vec<Option<&str>> = cases.iter().map(|c| c.layout.as_deref()).collect();
    let multiplier = |units: usize| looks.multiplier(units);
    let descriptive = |units: usize| t_quantile(units - 1, 0.975);
    let logs = |top: &dyn Fn(&CaseRounds) -> Option<String>,
                bottom: &dyn Fn(&CaseRounds) -> Option<String>|
     -> Option<Vec<f64>> {
        means
            .iter()
            .zip(cases)
            .map(|(m, case)| Some(m.get(&top(case)?)?.ln() - m.get(&bottom(case)?)?.ln()))
            .collect()
    };
    let named = |name: &str| {
        let name = name.to_owned();
        move |_: &CaseRounds| Some(name.clone())
    };
    let role = |role: Role| {
        move |case: &CaseRounds| {
            case.header
                .arms
                .iter()
                .find(|a| a.role == role)
                .map(|a| a.name.clone())
        }
    };
    let speedup = logs(&named(&pair.safe), &named(&pair.unsafe_))
        .and_then(|l| ProcessRatio::over_layouts(&l, &layouts, multiplier))
        .ok_or("not every process timed the pair")?;
    let control = |top: &dyn Fn(&CaseRounds) -> Option<String>,
                   bottom: &dyn Fn(&CaseRounds) -> Option<String>,
                   target: f64| {
        let ratio = ProcessRatio::over_layouts(&logs(top, bottom)?, &layouts, multiplier)?;
        Some(Control {
            ratio,
            target,
            state: read_control(&ratio, target),
        })
    };
    let reference = named(&family.reference);
    let control_aa = control(&reference, &role(Role::CopyControl), 1.0);
    let control_2x = control(&role(Role::TwiceControl), &reference, 2.0);
    let conditional = skipping(family)
        .filter_map(|v| {
            let l = logs(&named(&pair.safe), &named(&v.name))?;
            let saved: f64 = means
                .iter()
                .map(|m| Some(m.get(&pair.safe)? - m.get(&v.name)?))
                .sum::<Option<f64>>()?;
            Some(Conditional {
                unsafe_variant: v.name.clone(),
                skips: v.skips.clone(),
                safe_variant: pair.safe.clone(),
                speedup: ProcessRatio::over_layouts(&l, &layouts, descriptive)?,
                saves_ns: saved / means.len() as f64,
            })
        })
        .collect();
    Ok(Confirmation {
        call: classify(&speedup),
        pair,
        speedup,
        control_aa,
        control_2x,
        processes: cases.len(),
        conditional,
    })
}
