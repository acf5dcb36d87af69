//! A protocol run across families: screening processes first, then confirmation look by look.
//!
//! Screening gives every family the plan's screening processes, then more, one at a time, to
//! the families whose pick the processes so far leave open (a candidate neither clearly slower
//! than the pick nor tied with it), up to the screening cap.
//!
//! Every process measures every family still open, in its own order, so process k of every
//! family runs before process k + 1 of any: a drift of the host over the run hits every
//! family's processes alike instead of one family's whole confirmation. After each look the
//! driver reads the files back and closes the families whose verdict is settled; the rest get
//! the next look's processes, up to the cap.

use std::path::{Path, PathBuf};
use std::time::Instant;

use wire::catalog::FamilyEntry;
use wire::rounds::{Pair, Phase};

use crate::reading::{Confirmation, confirm, screen, screen_settled};
use crate::rounds::{CaseRounds, read_process};
use crate::rule::Call;
use crate::sequential::Looks;

/// How many processes each phase runs.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Screening processes every family gets (every candidate).
    pub screen: usize,
    /// The most screening processes a family gets: after `screen`, a family whose pick is not
    /// yet clear ([`screen_settled`]) gets another, up to this many.
    pub screen_cap: usize,
    /// The confirmation's looks; the last is the cap.
    pub looks: Looks,
}

/// One family's work in one process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// The family.
    pub family: String,
    /// For confirmation, the pair to confirm.
    pub pair: Option<Pair>,
}

/// Starts the processes and reads back what they measured: the workbench runs its own binary
/// (each process on its own code layout) and reads its files, a simulation keeps its rounds in
/// memory.
pub trait Launcher {
    /// Runs process `process` of `phase` over `work` and returns once its rounds are kept.
    fn launch(&mut self, phase: Phase, process: usize, work: &[Assignment]) -> Result<(), String>;

    /// Every case of `family` at `input` that the processes of `phase` launched so far
    /// measured, one per process.
    fn cases(&self, family: &str, phase: Phase, input: &str) -> Result<Vec<CaseRounds>, String>;
}

/// The file of one family's process.
pub fn process_file(dir: &Path, family: &str, phase: Phase, process: usize) -> PathBuf {
    dir.join(family)
        .join(format!("{}-{process}.jsonl", phase.name()))
}

/// Every complete case of `family` at `input` in `phase`, one per process file.
pub fn read_cases(
    dir: &Path,
    family: &str,
    phase: Phase,
    input: &str,
) -> Result<Vec<CaseRounds>, String> {
    let mut cases = Vec::new();
    for process in 0.. {
        let path = process_file(dir, family, phase, process);
        if !path.exists() {
            break;
        }
        let read =
            read_process(&path, &|_| true).map_err(|why| format!("{}: {why}", path.display()))?;
        cases.extend(
            read.cases
                .into_iter()
                .filter(|c| c.header.family == family && c.header.input == input),
        );
    }
    Ok(cases)
}

/// What the run gave a family.
#[derive(Debug)]
pub struct Outcome {
    /// The family.
    pub family: String,
    /// Its confirmation at the last look it had, or why it has none.
    pub confirmation: Result<Confirmation, String>,
}

/// Screens every family, then confirms each one's pair until it settles or the cap is reached.
/// `progress` receives a line per process and per family at each look.
pub fn drive(
    families: &[FamilyEntry],
    plan: &Plan,
    launcher: &mut dyn Launcher,
    progress: &mut dyn FnMut(String),
) -> Result<Vec<Outcome>, String> {
    let started = Instant::now();
    let everyone: Vec<Assignment> = families
        .iter()
        .map(|f| Assignment {
            family: f.name.clone(),
            pair: None,
        })
        .collect();
    // Every family gets `plan.screen` screening processes; one whose pick is still open gets
    // more, one at a time, up to the screening cap.
    let mut screening = everyone;
    let mut process = 0;
    while !screening.is_empty() && process < plan.screen.max(plan.screen_cap) {
        progress(format!(
            "screen: process {}{}, {}, {:.0?} elapsed",
            process + 1,
            if process < plan.screen {
                format!(" of {}", plan.screen)
            } else {
                format!(" (cap {}): picks not yet clear", plan.screen_cap)
            },
            count_families(screening.len()),
            started.elapsed()
        ));
        launcher.launch(Phase::Screen, process, &screening)?;
        process += 1;
        if process >= plan.screen {
            screening.retain(|work| {
                let Some(family) = families.iter().find(|f| f.name == work.family) else {
                    return false;
                };
                launcher
                    .cases(&family.name, Phase::Screen, &family.headline.name)
                    .is_ok_and(|cases| !screen_settled(family, &cases.iter().collect::<Vec<_>>()))
            });
        }
    }
    let mut outcomes = Vec::new();
    let mut open: Vec<(&FamilyEntry, Pair)> = Vec::new();
    for family in families {
        let picked = launcher
            .cases(&family.name, Phase::Screen, &family.headline.name)
            .and_then(|cases| screen(family, &cases.iter().collect::<Vec<_>>()));
        match picked {
            Ok(s) => {
                progress(format!(
                    "screen: {} confirms {} against {}",
                    family.name, s.pair.unsafe_, s.pair.safe
                ));
                open.push((family, s.pair));
            }
            Err(why) => outcomes.push(Outcome {
                family: family.name.clone(),
                confirmation: Err(format!("screening: {why}")),
            }),
        }
    }
    let mut done = 0;
    for &look in plan.looks.at() {
        if open.is_empty() {
            break;
        }
        let work: Vec<Assignment> = open
            .iter()
            .map(|(f, pair)| Assignment {
                family: f.name.clone(),
                pair: Some(pair.clone()),
            })
            .collect();
        while done < look {
            progress(format!(
                "confirm: process {} (look at {look}, cap {}), {} open, {:.0?} elapsed",
                done + 1,
                plan.looks.cap(),
                count_families(work.len()),
                started.elapsed()
            ));
            launcher.launch(Phase::Confirm, done, &work)?;
            done += 1;
        }
        let mut still = Vec::new();
        for (family, pair) in open {
            let read = launcher
                .cases(&family.name, Phase::Confirm, &family.headline.name)
                .and_then(|cases| confirm(family, &cases.iter().collect::<Vec<_>>(), &plan.looks));
            match read {
                Ok(c) => {
                    let settled = c.settled();
                    progress(format!(
                        "confirm: look at {done}: {} {} {:.3}x [{:.3}, {:.3}], {}",
                        family.name,
                        c.call.label(),
                        c.speedup.point,
                        c.speedup.lower,
                        c.speedup.upper,
                        if settled {
                            "settled"
                        } else if c.call == Call::Inconclusive {
                            "open"
                        } else {
                            "open: a control is imprecise"
                        }
                    ));
                    if settled || done >= plan.looks.cap() {
                        outcomes.push(Outcome {
                            family: family.name.clone(),
                            confirmation: Ok(c),
                        });
                    } else {
                        still.push((family, pair));
                    }
                }
                Err(why) => outcomes.push(Outcome {
                    family: family.name.clone(),
                    confirmation: Err(why),
                }),
            }
        }
        open = still;
    }
    progress(format!(
        "{} famil{} in {done} confirmation processes, {:.0?}",
        families.len(),
        if families.len() == 1 { "y" } else { "ies" },
        started.elapsed()
    ));
    Ok(outcomes)
}

/// `1 family`, `3 families`.
fn count_families(n: usize) -> String {
    if n == 1 {
        "1 family".to_owned()
    } else {
        format!("{n} families")
    }
}
