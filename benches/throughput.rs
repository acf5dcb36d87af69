//! Wall-clock throughput of every variant of every family on every input, with criterion.
//!
//! The bench iterates the registry: one criterion group per `family/shape`, one benchmark per
//! `variant/size`, throughput in the input's unit (bytes, records or operations). Before a variant is timed on an input its output is
//! checked against the family's safe reference; a disagreement aborts the run, and a variant
//! whose preconditions an input breaks (an unchecked conversion on misaligned bytes) is skipped
//! with a note. Nothing here renders anything beyond criterion's own report: the site is built
//! from the saved results by `ledger report`.
//!
//! Environment:
//! - `LEDGER_QUICK=1`: a first look in under two minutes: the headline shape at sizes up to
//!   1 MiB, every shape at the headline size, shorter measurements, no plots in criterion's
//!   own report.
//! - `LEDGER_CORPUS=DIR`: every file in DIR becomes an extra input of each family that takes
//!   files (group `family/corpus-FILE_NAME`).
//!
//! - `LEDGER_HEADLINES=1`: only each family's headline input (what `scripts/bench.sh`
//!   profiles).
//!
//! Criterion's own flags (`--measurement-time`, a name filter, `--save-baseline`) still apply
//! and take precedence over the defaults chosen here. With `--profile-time N` each benchmark is
//! run for N seconds under pprof instead of measured, and its flamegraph is written to
//! `<criterion dir>/<benchmark>/profile/flamegraph.svg`.

#[cfg(unix)]
#[path = "support/flamegraph.rs"]
mod flamegraph;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use kernels::{FAMILIES, Family, Input, InputSpec, Unit, VerifyError};

/// How much to measure; chosen so that the full run stays within minutes on 2 cores and the
/// quick plan near one (measured times: the results log, docs/runs/).
struct Plan {
    quick: bool,
    headlines_only: bool,
    corpus: Option<PathBuf>,
}

impl Plan {
    fn from_env() -> Self {
        Self {
            quick: flag("LEDGER_QUICK"),
            headlines_only: flag("LEDGER_HEADLINES"),
            corpus: std::env::var_os("LEDGER_CORPUS")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        }
    }

    fn criterion(&self) -> Criterion {
        // Bootstrap resamples only feed criterion's own report; the ledger's intervals are
        // recomputed from the raw samples, so fewer resamples cost nothing in rigour there.
        let (warm_up, measure, samples, resamples) = if self.quick {
            (
                Duration::from_millis(50),
                Duration::from_millis(150),
                10,
                5_000,
            )
        } else {
            (
                Duration::from_millis(100),
                Duration::from_millis(350),
                20,
                5_000,
            )
        };
        let criterion = Criterion::default()
            .warm_up_time(warm_up)
            .measurement_time(measure)
            .sample_size(samples)
            .nresamples(resamples);
        // criterion's own plots cost about a third of a quick benchmark's time (measured: 377
        // against 241 ms each); the site draws its own from the raw samples.
        let criterion = if self.quick {
            criterion.without_plots()
        } else {
            criterion
        };
        #[cfg(unix)]
        let criterion = criterion.with_profiler(flamegraph::Flamegraph::default());
        criterion.configure_from_args()
    }

    /// Whether the plan measures `spec` of `family`.
    fn includes(&self, family: &Family, spec: &InputSpec) -> bool {
        let (shape, size) = family.headline;
        if self.headlines_only {
            return spec.name.shape == shape && spec.name.size == size;
        }
        !self.quick
            || spec.name.size == size
            || (spec.name.shape == shape && spec.name.size <= size.max(1 << 20))
    }
}

/// Whether the environment variable is set to something other than empty or `0`.
fn flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0")
}

fn main() {
    let plan = Plan::from_env();
    let mut criterion = plan.criterion();
    let started = Instant::now();
    for family in FAMILIES {
        eprintln!(
            "== {} ({}), {:.0?} elapsed",
            family.name,
            family.title,
            started.elapsed()
        );
        for (shape, specs) in by_shape(family, &plan) {
            bench_shape(
                &mut criterion,
                family,
                &shape,
                specs.iter().map(InputSpec::generate),
            );
        }
        if let Some(dir) = plan
            .corpus
            .as_deref()
            .filter(|_| family.takes_files && !plan.headlines_only)
        {
            for input in corpus(dir) {
                let shape = input.name().shape.clone();
                bench_shape(&mut criterion, family, &shape, std::iter::once(input));
            }
        }
    }
    criterion.final_summary();
    eprintln!("== done in {:.0?}", started.elapsed());
}

/// The family's planned inputs grouped by shape, in first-seen order, each group by size.
fn by_shape(family: &Family, plan: &Plan) -> Vec<(String, Vec<InputSpec>)> {
    let mut groups: Vec<(String, Vec<InputSpec>)> = Vec::new();
    for spec in (family.inputs)() {
        if !plan.includes(family, &spec) {
            continue;
        }
        match groups
            .iter_mut()
            .find(|(shape, _)| *shape == spec.name.shape)
        {
            Some((_, specs)) => specs.push(spec),
            None => groups.push((spec.name.shape.clone(), vec![spec])),
        }
    }
    for (_, specs) in &mut groups {
        specs.sort_by_key(|spec| spec.name.size);
    }
    groups
}

/// One criterion group: every measured variant of `family` on each input of one shape. Inputs
/// are generated one at a time, so at most one large input is alive.
fn bench_shape(
    criterion: &mut Criterion,
    family: &Family,
    shape: &str,
    inputs: impl Iterator<Item = Input>,
) {
    let mut group = criterion.benchmark_group(format!("{}/{shape}", family.name));
    for input in inputs {
        let name = input.name();
        group.throughput(match name.unit {
            Unit::Bytes => Throughput::Bytes(name.size as u64),
            Unit::Records | Unit::Operations => Throughput::Elements(name.size as u64),
        });
        let size = name.size_label();
        for variant in family.measured() {
            match family.verify(variant, &input) {
                Ok(_) => {}
                Err(VerifyError::Refused(refusal)) => {
                    eprintln!("   skipped: {refusal}");
                    continue;
                }
                Err(mismatch) => panic!("{mismatch}"),
            }
            let Ok(mut bound) = variant.bind(&input) else {
                unreachable!("verify bound {} a moment ago", variant.name)
            };
            let id = BenchmarkId::new(variant.name, &size);
            // The one call path every measurement uses (see `Bound::run`): a consuming
            // variant's copy was made by `bind` and each call's buffer is the next call's
            // input, so neither a copy nor a free is timed; a fixture's state was built there.
            group.bench_function(id, |b| {
                b.iter_custom(|iters| {
                    let start = Instant::now();
                    bound.run(iters);
                    start.elapsed()
                })
            });
        }
    }
    group.finish();
}

/// Every regular file in `dir`, in name order, as an aligned input named after the file.
///
/// # Panics
///
/// If the directory or one of its files cannot be read: a corpus the user asked for must not be
/// silently dropped.
fn corpus(dir: &std::path::Path) -> impl Iterator<Item = Input> {
    let shown = dir.display().to_string();
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("LEDGER_CORPUS={shown}: cannot read the directory: {e}"));
    let mut files: Vec<PathBuf> = entries
        .map(|entry| {
            entry
                .unwrap_or_else(|e| panic!("LEDGER_CORPUS={shown}: {e}"))
                .path()
        })
        .filter(|path| {
            let is_file = path.is_file();
            if !is_file {
                eprintln!(
                    "   LEDGER_CORPUS: not a regular file, skipped: {}",
                    path.display()
                );
            }
            is_file
        })
        .collect();
    files.sort();
    if files.is_empty() {
        eprintln!("   LEDGER_CORPUS={shown} holds no files");
    }
    files.into_iter().map(|path| {
        let bytes = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("LEDGER_CORPUS: cannot read {}: {e}", path.display()));
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        // Prefixed so that a file named like a generated document gets a group of its own.
        Input::new(format!("corpus-{name}"), &bytes, 0)
    })
}
