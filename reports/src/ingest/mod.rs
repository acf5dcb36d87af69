//! Ingest: results directories on disk → typed measurements, and a list of every problem met.
//! One module per on-disk format, as in `wire`; this one walks a run's directory.
//!
//! Nothing here panics or gives up on the first bad file: a malformed or incomplete file becomes
//! a [`Problem`] naming the file and what is wrong, and everything else is still read.

mod catalog;
mod codegen;
mod criterion;
mod instructions;
mod protocol;
mod soundness;
mod stages;
mod versioned;

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::wire::catalog::Catalog;
use crate::wire::provenance::Provenance;
use crate::wire::rounds::Phase;
use crate::wire::stages::StageRun;

pub use self::codegen::CodeSet;
pub use self::criterion::Measurement;
pub use self::instructions::CountSet;
pub use self::soundness::Soundness;
pub use ::protocol::rounds::{CaseRounds, ProcessRounds};

/// Something the report could not use, and where it was found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The file or directory concerned.
    pub source: String,
    /// What is wrong, and what the report does about it.
    pub message: String,
}

impl Problem {
    pub(crate) fn new(source: &Path, message: impl Into<String>) -> Self {
        Self {
            source: source.display().to_string(),
            message: message.into(),
        }
    }
}

/// A file that could not be read or parsed, and why; the caller says what that costs.
#[derive(Debug)]
pub(crate) struct Unreadable {
    path: PathBuf,
    why: String,
}

impl Unreadable {
    /// The problem, with what the report does about it (`"benchmark skipped"`).
    pub(crate) fn costs(self, consequence: &str) -> Problem {
        Problem::new(&self.path, format!("{}; {consequence}", self.why))
    }
}

/// A JSON file read as `T`.
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, Unreadable> {
    let unreadable = |why: String| Unreadable {
        path: path.to_path_buf(),
        why,
    };
    let bytes = fs::read(path).map_err(|e| unreadable(format!("cannot read ({e})")))?;
    serde_json::from_slice(&bytes).map_err(|e| unreadable(format!("malformed JSON ({e})")))
}

/// One results directory: a host's measurements.
#[derive(Clone, Debug)]
pub struct Run {
    /// Short unique name, from the provenance or the directory name.
    pub label: String,
    /// The directory read.
    pub dir: PathBuf,
    /// Where the results were measured, if recorded.
    pub provenance: Option<Provenance>,
    /// Every usable benchmark.
    pub measurements: Vec<Measurement>,
    /// Every usable instruction-count file in the run's `instructions/` directory. A run may
    /// carry counts for another architecture (QEMU counts taken on this host).
    pub counts: Vec<CountSet>,
    /// Which stage run produced each file (`stages.json`); empty for directories written before
    /// stages were recorded.
    pub stages: Vec<StageRun>,
    /// The verdict protocol's complete process files (`protocol/FAMILY/PHASE-N.jsonl`), screening
    /// and confirmation alike.
    pub protocol: Vec<ProcessRounds>,
    /// Every usable disassembly in the run's `codegen/` directory, one per architecture.
    pub codegen: Vec<CodeSet>,
}

/// Everything read, and everything that could not be.
#[derive(Clone, Debug, Default)]
pub struct Ingested {
    /// The variants as they were when measured: every run's `catalog.json`, merged (a family
    /// that runs describe differently is described as the first run does, and named in a
    /// [`Problem`]).
    pub catalog: Catalog,
    /// The runs that yielded at least a provenance or a measurement.
    pub runs: Vec<Run>,
    /// The checkers' results, if given and usable.
    pub soundness: Option<Soundness>,
    /// What could not be used.
    pub problems: Vec<Problem>,
}

/// Reads every results directory, checking each benchmark against the catalog written with it,
/// and the checkers' results at `soundness`, if given.
pub fn ingest(dirs: &[PathBuf], soundness: Option<&Path>) -> Ingested {
    let mut ingested = Ingested::default();
    for dir in dirs {
        if !dir.is_dir() {
            ingested.problems.push(Problem::new(
                dir,
                "results directory does not exist; run scripts/bench.sh first",
            ));
            continue;
        }
        let run = read_run(dir, &mut ingested.catalog, &mut ingested.problems);
        if ingested.runs.iter().any(|r| r.label == run.label) {
            ingested.problems.push(Problem::new(
                dir,
                format!(
                    "a second run labelled `{}`; only the first is reported",
                    run.label
                ),
            ));
            continue;
        }
        ingested.runs.push(run);
    }
    match soundness {
        Some(path) => {
            ingested.soundness =
                soundness::read_soundness(path, &ingested.catalog, &mut ingested.problems);
        }
        None => ingested.problems.push(Problem {
            source: "soundness".to_owned(),
            message: "no soundness results given; the verdicts show every unsafe variant as not \
                      checked (scripts/soundness.sh writes target/ledger/soundness/soundness.json)"
                .to_owned(),
        }),
    }
    check_toolchains(&ingested.runs, &mut ingested.problems);
    ingested
}

fn read_run(dir: &Path, merged: &mut Catalog, problems: &mut Vec<Problem>) -> Run {
    let provenance_path = dir.join("provenance.json");
    let provenance = match fs::read(&provenance_path) {
        Ok(bytes) => match serde_json::from_slice::<Provenance>(&bytes) {
            Ok(p) => Some(p),
            Err(e) => {
                problems.push(Problem::new(
                    &provenance_path,
                    format!("malformed provenance ({e}); environment shown as unknown"),
                ));
                None
            }
        },
        Err(e) => {
            problems.push(Problem::new(
                &provenance_path,
                format!("cannot read provenance ({e}); environment shown as unknown"),
            ));
            None
        }
    };
    let label = provenance.as_ref().map_or_else(
        || {
            dir.file_name()
                .map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into())
        },
        |p| p.label.clone(),
    );
    let Some(catalog) = catalog::read_catalog(dir, problems) else {
        return Run {
            label,
            dir: dir.to_path_buf(),
            provenance,
            measurements: Vec::new(),
            counts: Vec::new(),
            stages: stages::read_stages(dir, problems),
            protocol: Vec::new(),
            codegen: Vec::new(),
        };
    };
    catalog::merge_catalog(merged, &catalog, dir, problems);
    let catalog = &catalog;
    let criterion = dir.join("criterion");
    let mut files = Vec::new();
    criterion::find_benchmarks(&criterion, &mut files, problems);
    files.sort();
    let measurements: Vec<Measurement> = files
        .iter()
        .filter_map(|file| criterion::read_measurement(dir, file, catalog, problems))
        .collect();
    let protocol = protocol::read_protocol(dir, catalog, problems);
    // The family pages' rows come from criterion where it ran, else from the screening rounds.
    if files.is_empty() && !protocol.iter().any(|p| p.header.phase == Phase::Screen) {
        problems.push(Problem::new(
            &criterion,
            "no criterion results and no screening rounds: the family pages have no curves",
        ));
    }
    Run {
        label,
        dir: dir.to_path_buf(),
        provenance,
        measurements,
        counts: instructions::read_counts(dir, catalog, problems),
        stages: stages::read_stages(dir, problems),
        protocol,
        codegen: codegen::read_codegen(dir, catalog, problems),
    }
}

/// The entries of an optional directory of a run; when it is missing, `missing` says what that
/// means, and any other failure to list it is named too.
pub(crate) fn list_dir(
    dir: &Path,
    missing: &str,
    problems: &mut Vec<Problem>,
) -> Option<fs::ReadDir> {
    match fs::read_dir(dir) {
        Ok(entries) => Some(entries),
        Err(_) if !dir.exists() => {
            problems.push(Problem::new(dir, missing));
            None
        }
        Err(e) => {
            problems.push(Problem::new(dir, format!("cannot list directory: {e}")));
            None
        }
    }
}

/// Runs measured with different compilers are compared side by side only with a warning.
fn check_toolchains(runs: &[Run], problems: &mut Vec<Problem>) {
    let mut releases: Vec<(&str, &str)> = runs
        .iter()
        .filter_map(|r| {
            Some((
                r.provenance.as_ref()?.rustc_release.as_str(),
                r.label.as_str(),
            ))
        })
        .collect();
    releases.sort_unstable();
    releases.dedup_by_key(|(release, _)| *release);
    if releases.len() > 1 {
        let list: Vec<String> = releases
            .iter()
            .map(|(release, label)| format!("{label}: rustc {release}"))
            .collect();
        problems.push(Problem {
            source: "results".to_owned(),
            message: format!(
                "runs were built by different compilers ({}); differences between hosts may be \
                 the compiler's",
                list.join(", ")
            ),
        });
    }
}
