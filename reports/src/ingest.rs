//! Ingest: results directories on disk → typed measurements, and a list of every problem met.
//!
//! Nothing here panics or gives up on the first bad file: a malformed or incomplete file becomes
//! a [`Problem`] naming the file and what is wrong, and everything else is still read.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::wire::catalog::{CATALOG_SCHEMA, Catalog, VariantKind};
use crate::wire::codegen::{CODEGEN_SCHEMA, CodegenFile};
use crate::wire::criterion::{Amount, BenchmarkFile, SampleFile};
use crate::wire::instructions::{INSTRUCTIONS_SCHEMA, InstructionFile};
use crate::wire::provenance::Provenance;
use crate::wire::rounds::Phase;
use crate::wire::soundness::{SOUNDNESS_SCHEMA, SoundnessFile};
use crate::wire::stages::{STAGES_SCHEMA, StageRun, Stages};
pub use protocol::rounds::{CaseRounds, ProcessRounds};

/// Something the report could not use, and where it was found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The file or directory concerned.
    pub source: String,
    /// What is wrong, and what the report does about it.
    pub message: String,
}

impl Problem {
    fn new(source: &Path, message: impl Into<String>) -> Self {
        Self {
            source: source.display().to_string(),
            message: message.into(),
        }
    }
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

/// One disassembly file, its entries checked against the run's catalog.
#[derive(Clone, Debug)]
pub struct CodeSet {
    /// The file, relative to its run directory.
    pub file: PathBuf,
    /// Its content, with entries of unknown variants removed (each named in a [`Problem`]).
    pub code: CodegenFile,
}

/// One instruction-count file, its entries checked against the run's catalog.
#[derive(Clone, Debug)]
pub struct CountSet {
    /// The file, relative to its run directory.
    pub file: PathBuf,
    /// Its content, with unusable entries removed (each named in a [`Problem`]).
    pub counts: InstructionFile,
}

/// One benchmark: a variant of a family on one input.
#[derive(Clone, Debug)]
pub struct Measurement {
    /// Family name.
    pub family: String,
    /// Input shape.
    pub shape: String,
    /// Variant name.
    pub variant: String,
    /// Input size label.
    pub size: String,
    /// What one iteration processes.
    pub amount: Amount,
    /// Nanoseconds per iteration, one value per criterion sample (or per screening batch).
    pub per_iteration_ns: Vec<f64>,
    /// Taken from the protocol's screening rounds (a batch's time per call each), where
    /// criterion did not measure this variant on this input.
    pub from_rounds: bool,
    /// Criterion's own page for this benchmark, relative to the run directory, if present.
    pub criterion_report: Option<PathBuf>,
    /// The flamegraph of this benchmark, relative to the run directory, if present.
    pub flamegraph: Option<PathBuf>,
}

impl Measurement {
    /// `shape/size`, or the shape alone for an input without a size (a user's own inputs,
    /// named as they were declared).
    pub fn input(&self) -> String {
        if self.size.is_empty() {
            self.shape.clone()
        } else {
            format!("{}/{}", self.shape, self.size)
        }
    }
}

/// What the checkers found (`soundness.json`), its records checked against the measured catalog.
#[derive(Clone, Debug)]
pub struct Soundness {
    /// The file read.
    pub path: PathBuf,
    /// Its content, with records of unknown variants removed (each named in a [`Problem`]).
    pub file: SoundnessFile,
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
            ingested.soundness = read_soundness(path, &ingested.catalog, &mut ingested.problems);
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

/// A run's `catalog.json`: the registry its results were measured with. Without it the run's
/// results cannot be described, so they are skipped with one problem rather than one per file.
fn read_catalog(dir: &Path, problems: &mut Vec<Problem>) -> Option<Catalog> {
    let path = dir.join("catalog.json");
    let skipped = "the run's results cannot be described and are skipped (scripts/bench.sh \
                   writes catalog.json with them)";
    let bytes = fs::read(&path)
        .map_err(|e| problems.push(Problem::new(&path, format!("cannot read ({e}); {skipped}"))))
        .ok()?;
    let catalog: Catalog = serde_json::from_slice(&bytes)
        .map_err(|e| problems.push(Problem::new(&path, format!("malformed ({e}); {skipped}"))))
        .ok()?;
    if catalog.schema != CATALOG_SCHEMA {
        problems.push(Problem::new(
            &path,
            format!(
                "catalog in format version {}, this build reads version {CATALOG_SCHEMA}; \
                 {skipped}",
                catalog.schema
            ),
        ));
        return None;
    }
    Some(catalog)
}

/// Adds the families of one run's catalog to the merged catalog. A family already described
/// differently by an earlier run keeps that description, and the conflict is named.
fn merge_catalog(merged: &mut Catalog, run: &Catalog, source: &Path, problems: &mut Vec<Problem>) {
    merged.schema = CATALOG_SCHEMA;
    for family in &run.families {
        let Some(known) = merged.family(&family.name) else {
            merged.families.push(family.clone());
            continue;
        };
        if known == family {
            continue;
        }
        let mut differs: Vec<String> = family
            .variants
            .iter()
            .chain(&family.floor)
            .filter(|v| known.variant(&v.name) != Some(*v))
            .map(|v| format!("`{}`", v.name))
            .collect();
        differs.extend(
            known
                .variants
                .iter()
                .filter(|v| family.variant(&v.name).is_none())
                .map(|v| format!("`{}` (absent here)", v.name)),
        );
        let what = if differs.is_empty() {
            "its inputs or description".to_owned()
        } else {
            format!("variants {}", differs.join(", "))
        };
        problems.push(Problem::new(
            &source.join("catalog.json"),
            format!(
                "describes family `{}` differently from an earlier run ({what}); the site \
                 describes it as the earlier run does",
                family.name
            ),
        ));
    }
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
    let Some(catalog) = read_catalog(dir, problems) else {
        return Run {
            label,
            dir: dir.to_path_buf(),
            provenance,
            measurements: Vec::new(),
            counts: Vec::new(),
            stages: read_stages(dir, problems),
            protocol: Vec::new(),
            codegen: Vec::new(),
        };
    };
    merge_catalog(merged, &catalog, dir, problems);
    let catalog = &catalog;
    let criterion = dir.join("criterion");
    let mut files = Vec::new();
    find_benchmarks(&criterion, &mut files, problems);
    files.sort();
    let measurements: Vec<Measurement> = files
        .iter()
        .filter_map(|file| read_measurement(dir, file, catalog, problems))
        .collect();
    let protocol = read_protocol(dir, catalog, problems);
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
        counts: read_counts(dir, catalog, problems),
        stages: read_stages(dir, problems),
        protocol,
        codegen: read_codegen(dir, catalog, problems),
    }
}

/// Every complete process file of the run's verdict protocol, by name. A process that is
/// malformed, interrupted or inconsistent is named and left out whole: its rounds are not
/// mixed with anything.
fn read_protocol(
    run_dir: &Path,
    catalog: &Catalog,
    problems: &mut Vec<Problem>,
) -> Vec<ProcessRounds> {
    let dir = run_dir.join("protocol");
    let Some(entries) = list_dir(
        &dir,
        "no verdict-protocol rounds in this run (measured before the protocol, or without it): \
         its results are unusable for verdicts and give none",
        problems,
    ) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .filter_map(|family| fs::read_dir(family).ok())
        .flat_map(|files| files.flatten().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    paths.sort();
    let processes: Vec<ProcessRounds> = paths
        .iter()
        .filter_map(|path| match read_process(path, catalog) {
            Ok(mut process) => {
                process.file = path.strip_prefix(run_dir).unwrap_or(path).to_path_buf();
                Some(process)
            }
            Err(why) => {
                problems.push(Problem::new(
                    path,
                    format!("{why}; this process is not used"),
                ));
                None
            }
        })
        .collect();
    if processes.is_empty() && !paths.is_empty() {
        problems.push(Problem::new(
            &dir,
            "no usable process of the verdict protocol: no verdicts from this run",
        ));
    }
    processes
}

/// One process file, checked line by line and against the run's catalog.
fn read_process(path: &Path, catalog: &Catalog) -> Result<ProcessRounds, String> {
    protocol::rounds::read_process(path, &|case| {
        catalog.family(&case.family).is_some_and(|f| {
            case.arms
                .iter()
                .all(|arm| f.variant(&arm.variant).is_some())
        })
    })
}

/// A run's `stages.json`, if it has one.
fn read_stages(dir: &Path, problems: &mut Vec<Problem>) -> Vec<StageRun> {
    let path = dir.join("stages.json");
    if !path.exists() {
        return Vec::new();
    }
    let stages: Stages = match read_json(&path) {
        Ok(stages) => stages,
        Err(mut p) => {
            p.message = p.message.replace(
                "benchmark skipped",
                "which run produced each file is not shown",
            );
            problems.push(p);
            return Vec::new();
        }
    };
    if stages.schema != STAGES_SCHEMA {
        problems.push(Problem::new(
            &path,
            format!(
                "stages in format version {}, this build reads version {STAGES_SCHEMA}; which \
                 run produced each file is not shown",
                stages.schema
            ),
        ));
        return Vec::new();
    }
    stages.runs
}

/// Every `instructions/*.json` of a run, sorted by name.
fn read_counts(run_dir: &Path, catalog: &Catalog, problems: &mut Vec<Problem>) -> Vec<CountSet> {
    let files = read_json_dir(
        &run_dir.join("instructions"),
        Some(
            "no instruction counts in this run (scripts/bench.sh records them where valgrind can \
             be installed; scripts/aarch64.sh adds aarch64)",
        ),
        ("instruction counts", "counts"),
        (INSTRUCTIONS_SCHEMA, |c: &InstructionFile| c.schema),
        problems,
    );
    files
        .into_iter()
        .map(|(path, mut counts)| {
            let mut dropped = Vec::new();
            counts.counts.retain(|c| {
                let why = match catalog.family(&c.family) {
                    None => Some("family the run's catalog does not list"),
                    Some(f) if f.variant(&c.variant).is_none() => {
                        Some("variant the run's catalog does not list")
                    }
                    Some(f) if !f.inputs.iter().any(|i| i.name == c.input) => {
                        Some("input the run's catalog does not list")
                    }
                    Some(_) if !(c.per_call.is_finite() && c.per_call >= 0.0) => {
                        Some("count that is not a finite non-negative number")
                    }
                    Some(_) => None,
                };
                if let Some(why) = why {
                    dropped.push(format!("{}/{}/{} ({why})", c.family, c.variant, c.input));
                }
                why.is_none()
            });
            if !dropped.is_empty() {
                problems.push(Problem::new(
                    &path,
                    format!("{} counts skipped: {}", dropped.len(), dropped.join(", ")),
                ));
            }
            let file = path.strip_prefix(run_dir).unwrap_or(&path).to_path_buf();
            CountSet { file, counts }
        })
        .collect()
}

/// Every `codegen/*.json` of a run, sorted by name. A run without the directory (measured
/// before codegen was recorded, or by `--quick`) is not a problem: the family pages say so.
fn read_codegen(run_dir: &Path, catalog: &Catalog, problems: &mut Vec<Problem>) -> Vec<CodeSet> {
    let files = read_json_dir(
        &run_dir.join("codegen"),
        None,
        ("codegen", "codegen"),
        (CODEGEN_SCHEMA, |c: &CodegenFile| c.schema),
        problems,
    );
    files
        .into_iter()
        .map(|(path, mut code)| {
            let mut dropped = Vec::new();
            code.entries.retain(|e| {
                let known = catalog
                    .family(&e.family)
                    .is_some_and(|f| f.variant(&e.variant).is_some());
                if !known {
                    dropped.push(format!("{}/{}", e.family, e.variant));
                }
                known
            });
            if !dropped.is_empty() {
                problems.push(Problem::new(
                    &path,
                    format!(
                        "{} entries of variants the run's catalog does not list skipped: {}",
                        dropped.len(),
                        dropped.join(", ")
                    ),
                ));
            }
            let file = path.strip_prefix(run_dir).unwrap_or(&path).to_path_buf();
            CodeSet { file, code }
        })
        .collect()
}

/// Every `*.json` in `dir`, sorted by name, read as `T` in format version `schema.0`; a file
/// that is malformed or in another version is named in a problem and left out. `missing` is the
/// problem a directory that does not exist makes (`None`: it makes none); `noun` names the
/// files' content in messages, as a whole and as what is skipped.
fn read_json_dir<T: serde::de::DeserializeOwned>(
    dir: &Path,
    missing: Option<&str>,
    (noun, skipped): (&str, &str),
    (schema, schema_of): (u32, fn(&T) -> u32),
    problems: &mut Vec<Problem>,
) -> Vec<(PathBuf, T)> {
    if missing.is_none() && !dir.exists() {
        return Vec::new();
    }
    let Some(entries) = list_dir(dir, missing.unwrap_or_default(), problems) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let content: T = read_json(&path)
                .map_err(|mut p| {
                    p.message = p
                        .message
                        .replace("benchmark skipped", &format!("{skipped} skipped"));
                    problems.push(p);
                })
                .ok()?;
            let version = schema_of(&content);
            if version != schema {
                problems.push(Problem::new(
                    &path,
                    format!(
                        "{noun} in format version {version}, this build reads version \
                         {schema}; {skipped} skipped"
                    ),
                ));
                return None;
            }
            Some((path, content))
        })
        .collect()
}

/// `soundness.json`, keeping only records of unsafe variants the measured catalog lists.
fn read_soundness(
    path: &Path,
    catalog: &Catalog,
    problems: &mut Vec<Problem>,
) -> Option<Soundness> {
    let mut file: SoundnessFile = read_json(path)
        .map_err(|mut p| {
            p.message = p.message.replace(
                "benchmark skipped",
                "every unsafe variant is shown as not checked",
            );
            problems.push(p);
        })
        .ok()?;
    if file.schema != SOUNDNESS_SCHEMA {
        problems.push(Problem::new(
            path,
            format!(
                "soundness results in format version {}, this build reads version \
                 {SOUNDNESS_SCHEMA}; every unsafe variant is shown as not checked",
                file.schema
            ),
        ));
        return None;
    }
    let mut dropped = Vec::new();
    file.variants.retain(|c| {
        let known = catalog
            .family(&c.family)
            .and_then(|f| f.variant(&c.variant))
            .is_some_and(|v| v.kind == VariantKind::Unsafe);
        if !known {
            dropped.push(format!("{}/{} under {}", c.family, c.variant, c.checker));
        }
        known
    });
    if !dropped.is_empty() {
        problems.push(Problem::new(
            path,
            format!(
                "{} records skipped, not unsafe variants of the measured catalog: {}",
                dropped.len(),
                dropped.join(", ")
            ),
        ));
    }
    Some(Soundness {
        path: path.to_path_buf(),
        file,
    })
}

/// The entries of an optional directory of a run; when it is missing, `missing` says what that
/// means, and any other failure to list it is named too.
fn list_dir(dir: &Path, missing: &str, problems: &mut Vec<Problem>) -> Option<fs::ReadDir> {
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

/// Every `new/benchmark.json` under `dir`.
fn find_benchmarks(dir: &Path, found: &mut Vec<PathBuf>, problems: &mut Vec<Problem>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            if dir.exists() {
                problems.push(Problem::new(dir, format!("cannot list directory: {e}")));
            }
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            // Criterion keeps its previous run in `base/`; only `new/` is the current one.
            if path
                .file_name()
                .is_some_and(|n| n == "base" || n == "report")
            {
                continue;
            }
            find_benchmarks(&path, found, problems);
        } else if path.file_name().is_some_and(|n| n == "benchmark.json")
            && path.parent().is_some_and(|p| p.ends_with("new"))
        {
            found.push(path);
        }
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, Problem> {
    let bytes = fs::read(path).map_err(|e| Problem::new(path, format!("cannot read: {e}")))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| Problem::new(path, format!("malformed JSON ({e}); benchmark skipped")))
}

fn read_measurement(
    run_dir: &Path,
    benchmark_path: &Path,
    catalog: &Catalog,
    problems: &mut Vec<Problem>,
) -> Option<Measurement> {
    let result = (|| {
        let bench: BenchmarkFile = read_json(benchmark_path)?;
        let new_dir = benchmark_path.parent().unwrap_or(run_dir);
        let sample_path = new_dir.join("sample.json");
        let sample: SampleFile = read_json(&sample_path)?;
        let per_iteration_ns = sample
            .per_iteration_ns()
            .map_err(|why| Problem::new(&sample_path, format!("{why}; benchmark skipped")))?;
        let skip = |why: String| Problem::new(benchmark_path, format!("{why}; benchmark skipped"));
        let (family, shape) = bench
            .group_id
            .split_once('/')
            .ok_or_else(|| skip(format!("group `{}` is not family/shape", bench.group_id)))?;
        let variant = bench
            .function_id
            .clone()
            .ok_or_else(|| skip(format!("`{}` names no variant", bench.full_id)))?;
        let size = bench
            .value_str
            .clone()
            .ok_or_else(|| skip(format!("`{}` names no input size", bench.full_id)))?;
        let amount = bench
            .amount()
            .ok_or_else(|| skip(format!("`{}` declares no throughput", bench.full_id)))?;
        let Some(entry) = catalog.family(family) else {
            return Err(skip(format!(
                "result for family `{family}`, which the run's catalog does not list"
            )));
        };
        if entry.variant(&variant).is_none() {
            return Err(skip(format!(
                "result for `{family}/{variant}`, a variant the run's catalog does not list"
            )));
        }
        let bench_dir = new_dir.parent().unwrap_or(new_dir);
        let relative = |path: PathBuf| {
            let inside = path.strip_prefix(run_dir).ok()?.to_path_buf();
            path.is_file().then_some(inside)
        };
        Ok(Measurement {
            family: family.to_owned(),
            shape: shape.to_owned(),
            variant,
            size,
            amount,
            per_iteration_ns,
            from_rounds: false,
            criterion_report: relative(bench_dir.join("report").join("index.html")),
            flamegraph: relative(bench_dir.join("profile").join("flamegraph.svg")),
        })
    })();
    result.map_err(|problem| problems.push(problem)).ok()
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
