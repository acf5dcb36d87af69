//! The launcher real runs use: every process is a fresh start of a program, on the next of the
//! run's code layouts, and leaves its rounds in files the driver reads back.
//!
//! The workbench starts its own binary (`ledger protocol --child …`), a user's bench target
//! starts itself; both hand the same per-process arguments to their children through here, so
//! which layout a process runs, the seed it gets and how its work is named are decided once.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use wire::rounds::Phase;

use crate::driver::{Assignment, Launcher, read_cases};
use crate::rng::Rng;
use crate::rounds::CaseRounds;

/// Starts each process as a fresh copy of a program (or of one of its layout builds).
pub struct Spawner {
    /// The program every process runs when the run has no layouts.
    pub program: PathBuf,
    /// The arguments before the per-process ones: how the program is told it is a child, where
    /// its files go, the run's plan.
    pub prefix: Vec<OsString>,
    /// Builds of the same program with their own code layouts: screening process N runs the
    /// N-th, confirmation process N the N-th of those after the screening's, cycling over them
    /// (never a screening build, whose luck helped pick the pair) when there are enough
    /// ([`slot`]).
    pub layouts: Vec<PathBuf>,
    /// Where the processes write their files.
    pub out: PathBuf,
    /// Screening processes in the run (confirmation's layouts follow theirs).
    pub screen: usize,
    /// The run's seed; each process's derives from it.
    pub base: u64,
}

impl Launcher for Spawner {
    fn launch(&mut self, phase: Phase, process: usize, work: &[Assignment]) -> Result<(), String> {
        let layout = layout_of(
            &self.layouts,
            slot(phase, process, self.screen, self.layouts.len()),
        );
        let program = layout
            .as_ref()
            .map_or(self.program.as_path(), |(binary, _)| *binary);
        let mut command = Command::new(program);
        command
            .args(&self.prefix)
            .args(["--phase", phase.name()])
            .args([
                "--seed",
                &process_seed(self.base, phase, process).to_string(),
            ])
            .args(["--child", &process.to_string()]);
        for assignment in work {
            match &assignment.pair {
                Some(pair) => command.args([
                    "--confirm",
                    &format!("{}={},{}", assignment.family, pair.safe, pair.unsafe_),
                ]),
                None => command.args(["--family", &assignment.family]),
            };
        }
        if let Some((_, name)) = &layout {
            command.args(["--layout", name]);
        }
        let status = command
            .status()
            .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        if !status.success() {
            return Err(format!(
                "{} process {process} failed ({status}); its files are incomplete",
                phase.name()
            ));
        }
        Ok(())
    }

    fn cases(&self, family: &str, phase: Phase, input: &str) -> Result<Vec<CaseRounds>, String> {
        read_cases(&self.out, family, phase, input)
    }
}

/// Which of `layouts` builds process `process` of `phase` runs, when screening has `screen`
/// of them: screening the first, confirmation the ones after, cycling over its own where
/// there are at least [`CONFIRM_LAYOUTS`]; with fewer, over all of them.
pub fn slot(phase: Phase, process: usize, screen: usize, layouts: usize) -> usize {
    match phase {
        Phase::Screen => process,
        Phase::Confirm if layouts >= screen + CONFIRM_LAYOUTS => {
            screen + process % (layouts - screen)
        }
        Phase::Confirm => screen + process,
    }
}

/// The fewest builds confirmation cycles over on its own: the interval over their means needs
/// two degrees of freedom at least.
pub const CONFIRM_LAYOUTS: usize = 3;

/// The binary process slot `slot` runs and the layout name it records, when the run has
/// layouts.
pub fn layout_of(binaries: &[PathBuf], slot: usize) -> Option<(&Path, String)> {
    let binary = binaries.get(slot % binaries.len().max(1))?;
    let name = binary.file_name().map_or_else(
        || binary.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Some((binary, name))
}

/// Each process's own seed, derived from the run's.
pub fn process_seed(base: u64, phase: Phase, process: usize) -> u64 {
    Rng::new(&format!("protocol/{base}/{}/{process}", phase.name())).next_u64()
}

/// `FAMILY=SAFE,UNSAFE`, as a child receives a pair to confirm: the family, the safe variant and
/// the unsafe one, or `None` when it is not of that form.
pub fn parse_confirm(spec: &str) -> Option<(&str, &str, &str)> {
    let (family, pair) = spec.split_once('=')?;
    let (safe, unsafe_) = pair.split_once(',')?;
    Some((family, safe, unsafe_))
}

/// A run's seed from the clock, when none is given (the run records it).
pub fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn processes_cycle_through_the_layouts_and_get_seeds_of_their_own() {
        let layouts = vec![PathBuf::from("a/one"), PathBuf::from("a/two")];
        assert_eq!(
            layout_of(&layouts, 3).map(|(_, n)| n).as_deref(),
            Some("two")
        );
        assert!(layout_of(&[], 0).is_none());
        // Nine screening builds and 27 confirmation ones: confirmation process 27 runs the
        // first confirmation build again, never a screening one.
        assert_eq!(slot(Phase::Confirm, 0, 9, 36), 9);
        assert_eq!(slot(Phase::Confirm, 26, 9, 36), 35);
        assert_eq!(slot(Phase::Confirm, 27, 9, 36), 9);
        assert_eq!(slot(Phase::Screen, 4, 9, 36), 4);
        // Fewer than three builds beyond the screening's: all of them, cycling.
        assert_eq!(slot(Phase::Confirm, 1, 3, 2), 4);
        assert_eq!(slot(Phase::Confirm, 1, 3, 5), 4);
        assert_eq!(slot(Phase::Confirm, 3, 3, 6), 3);
        assert_ne!(
            process_seed(1, Phase::Screen, 0),
            process_seed(1, Phase::Confirm, 0)
        );
        assert_eq!(parse_confirm("f=a,b"), Some(("f", "a", "b")));
        assert_eq!(parse_confirm("f=a"), None);
    }
}
