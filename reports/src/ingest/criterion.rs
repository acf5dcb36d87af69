//! Criterion's `new/benchmark.json` and `new/sample.json` under a run's `criterion/`.

use std::fs;
use std::path::{Path, PathBuf};

use super::{Problem, read_json};
use crate::wire::catalog::Catalog;
use crate::wire::criterion::{Amount, BenchmarkFile, SampleFile};

/// What an unusable benchmark costs.
const SKIPPED: &str = "benchmark skipped";

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

/// Every `new/benchmark.json` under `dir`.
pub(super) fn find_benchmarks(dir: &Path, found: &mut Vec<PathBuf>, problems: &mut Vec<Problem>) {
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

pub(super) fn read_measurement(
    run_dir: &Path,
    benchmark_path: &Path,
    catalog: &Catalog,
    problems: &mut Vec<Problem>,
) -> Option<Measurement> {
    let result = (|| {
        let bench: BenchmarkFile = read_json(benchmark_path).map_err(|u| u.costs(SKIPPED))?;
        let new_dir = benchmark_path.parent().unwrap_or(run_dir);
        let sample_path = new_dir.join("sample.json");
        let sample: SampleFile = read_json(&sample_path).map_err(|u| u.costs(SKIPPED))?;
        let per_iteration_ns = sample
            .per_iteration_ns()
            .map_err(|why| Problem::new(&sample_path, format!("{why}; {SKIPPED}")))?;
        let skip = |why: String| Problem::new(benchmark_path, format!("{why}; {SKIPPED}"));
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
