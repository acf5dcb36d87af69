//! `stages.json`: which run of which stage produced each file of a results directory.
//!
//! Several stages write into one results directory: `scripts/bench.sh` its times, catalog and
//! x86_64 counts, `scripts/aarch64.sh` its emulated aarch64 counts. Each stage measures into a
//! staging directory of its own and installs it with `ledger results install` once complete,
//! replacing only the files it produced; this file records, for every file, the run that
//! produced it, so a reader can tell an hour-old aarch64 count from this morning's times.

use serde::{Deserialize, Serialize};

/// Version of this format; bumped on any incompatible change.
pub const STAGES_SCHEMA: u32 = 1;

/// Every stage run whose files are still in the directory, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stages {
    /// Format version, [`STAGES_SCHEMA`] when written by this build.
    pub schema: u32,
    /// The runs, oldest first; a run whose files have all been replaced is dropped.
    pub runs: Vec<StageRun>,
}

/// One completed run of one stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRun {
    /// The stage, e.g. `bench` or `aarch64`.
    pub stage: String,
    /// When its results were installed, UTC, RFC 3339.
    pub installed: String,
    /// `git describe --always --dirty` of the source it measured.
    pub git: String,
    /// The files it produced that are still there, relative to the results directory, sorted.
    pub files: Vec<String>,
}

impl Stages {
    /// Records `run` as the producer of its files: they leave every earlier run's list, and a
    /// run left with no file is dropped.
    pub fn record(&mut self, run: StageRun) {
        self.schema = STAGES_SCHEMA;
        for earlier in &mut self.runs {
            earlier.files.retain(|file| !run.files.contains(file));
        }
        self.runs.retain(|earlier| !earlier.files.is_empty());
        self.runs.push(run);
    }

    /// The run that produced `file`, if recorded.
    pub fn producer(&self, file: &str) -> Option<&StageRun> {
        self.runs
            .iter()
            .rev()
            .find(|run| run.files.iter().any(|f| f == file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(stage: &str, files: &[&str]) -> StageRun {
        StageRun {
            stage: stage.to_owned(),
            installed: "2026-11-24T00:00:00Z".to_owned(),
            git: "abc".to_owned(),
            files: files.iter().map(|f| (*f).to_owned()).collect(),
        }
    }

    #[test]
    fn a_later_run_takes_over_only_its_own_files() {
        let mut stages = Stages::default();
        stages.record(run("aarch64", &["instructions/aarch64.json"]));
        stages.record(run("bench", &["catalog.json", "instructions/x86_64.json"]));
        stages.record(run("bench", &["catalog.json", "instructions/x86_64.json"]));
        let order: Vec<&str> = stages.runs.iter().map(|r| r.stage.as_str()).collect();
        assert_eq!(order, ["aarch64", "bench"]);
        assert_eq!(
            stages
                .producer("instructions/aarch64.json")
                .map(|r| r.stage.as_str()),
            Some("aarch64")
        );
        assert_eq!(stages.producer("missing.json"), None);
    }
}
