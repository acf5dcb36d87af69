//! Instructions per call of every variant of every family, counted by callgrind through
//! gungraun, on each family's counted inputs (the smallest input of the headline shape and the
//! headline input).
//!
//! The bench iterates the registry; nothing here lists variants by hand. Inputs are generated,
//! bound and warmed up (one call, so a pool is filled and an output buffer has grown) in the
//! setup, which callgrind does not count; a consuming variant's owned copy is made there too.
//! The counted call is `Bound::run(1)`, the same call the throughput bench times.
//!
//! Two groups measure the same calls in two environments:
//! - `default`: glibc chooses its string functions as usual. On CPUs with fast `rep movsb`
//!   (ERMS) its memcpy copies with that one instruction, and callgrind counts each iteration
//!   of it (each byte) as an instruction, so a copy looks far more expensive in instructions
//!   than it is in time.
//! - `no_rep_movsb`: `GLIBC_TUNABLES` raises the thresholds at which memcpy and memset switch to
//!   `rep movsb` / `rep stosb` beyond any input here, so copies run as vector loops. A variant
//!   whose count differs between the groups is dominated by copying; the report flags it.
//!
//! Needs valgrind and `gungraun-runner` of exactly this library's version
//! (`cargo install --locked gungraun-runner --version 0.20.0`; `scripts/bench.sh` does it).
//! Without them the bench prints what to install and exits successfully, so plain
//! `cargo bench` keeps working everywhere.

// gungraun's macros generate undocumented public modules and functions.
#![allow(missing_docs)]

use std::fmt;
use std::path::{Path, PathBuf};

use kernels::{FAMILIES, Family, Variant};
use wire::instructions::{GungraunCase, NO_REP_MOVSB_TUNABLES};

/// One family, variant and input. Its `Debug` form, `family/variant/shape/size`, is how
/// gungraun's summaries name the benchmark.
#[derive(Clone)]
struct Case {
    family: &'static Family,
    variant: &'static Variant,
    /// The input's name and its place in `family.counted_inputs()`.
    input: (String, usize),
}

impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}",
            self.family.name, self.variant.name, self.input.0
        )
    }
}

/// Every measured variant of every family on the family's counted inputs, in registry order,
/// but for inputs that spread the work over rayon workers: callgrind's `--toggle-collect`, which
/// gungraun scopes a benchmark with, counts only the thread that calls the benchmark function.
/// `ledger count --counter callgrind` counts those, whole-program.
fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for family in FAMILIES {
        for (i, spec) in family.counted_inputs().iter().enumerate() {
            if spec.params.iter().any(|(name, _)| *name == "threads") {
                continue;
            }
            for variant in family.measured() {
                cases.push(Case {
                    family,
                    variant,
                    input: (spec.name.to_string(), i),
                });
            }
        }
    }
    cases
}

/// gungraun's harness and the counted call, in a module so that `main` below can decide whether
/// to start it (gungraun names benchmarks by module path, so they must live together).
mod harness {
    use gungraun::{LibraryBenchmarkConfig, library_benchmark, library_benchmark_group, main};
    use kernels::{Bound, Input, InputSpec};

    use super::{Case, NO_REP_MOVSB_TUNABLES, cases};

    /// Generates and binds the input and makes one uncounted call (a pool fills, an output
    /// buffer grows). `None` when the variant does not accept the input: the count is then of
    /// an empty call. The input is leaked: the process runs this one benchmark and exits.
    fn setup(case: Case) -> Option<Bound<'static>> {
        let specs: Vec<InputSpec> = case.family.counted_inputs();
        let input: &'static Input = Box::leak(Box::new(specs[case.input.1].generate()));
        match case.variant.bind(input) {
            Ok(mut bound) => {
                bound.run(1);
                Some(bound)
            }
            Err(refusal) => {
                eprintln!("not counted: {refusal}");
                None
            }
        }
    }

    // One call, made the way the throughput bench makes it (`Bound::run`). The bound call is
    // returned rather than dropped, so that freeing is not counted.
    #[library_benchmark]
    #[benches::registry(iter = cases(), setup = setup)]
    fn call(mut bound: Option<Bound<'static>>) -> Option<Bound<'static>> {
        if let Some(bound) = &mut bound {
            bound.run(1);
        }
        bound
    }

    library_benchmark_group!(name = default; benchmarks = call);

    library_benchmark_group!(
        name = no_rep_movsb;
        config = LibraryBenchmarkConfig::default().env("GLIBC_TUNABLES", NO_REP_MOVSB_TUNABLES);
        benchmarks = call
    );

    main!(library_benchmark_groups = default, no_rep_movsb);

    pub fn run() {
        main();
    }
}

/// What is missing for callgrind counts on this machine, if anything.
fn missing_tools() -> Option<String> {
    let on_path = |name: &str| {
        std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()))
    };
    let runner = std::env::var_os("GUNGRAUN_RUNNER").is_some() || on_path("gungraun-runner");
    match (on_path("valgrind"), runner) {
        (true, true) => None,
        (valgrind, runner) => Some(
            [
                (!valgrind).then_some("valgrind (apt-get install valgrind)"),
                (!runner).then_some(
                    "gungraun-runner (cargo install --locked gungraun-runner --version 0.20.0)",
                ),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" and "),
        ),
    }
}

fn main() {
    // gungraun's runner starts this program again under valgrind, with a cleared environment,
    // to run one benchmark; only the first start checks the tools.
    let started_by_runner = std::env::args().any(|arg| arg == "--gungraun-run");
    if let Some(missing) = missing_tools().filter(|_| !started_by_runner) {
        eprintln!("instructions: skipped, install {missing} (scripts/bench.sh installs both)");
        return;
    }
    if !started_by_runner && let Err(error) = write_manifest() {
        eprintln!("instructions: cannot write the list of cases: {error}");
        std::process::exit(1);
    }
    harness::run();
}

/// Writes `cases.json` beside gungraun's output, naming what each `registry_N` measures, so
/// that `ledger import-gungraun` never has to rebuild the order of [`cases`].
fn write_manifest() -> std::io::Result<()> {
    let home = std::env::var_os("GUNGRAUN_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("CARGO_TARGET_DIR").map(|t| PathBuf::from(t).join("gungraun")))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/gungraun"));
    let dir = home.join(env!("CARGO_PKG_NAME")).join("instructions");
    std::fs::create_dir_all(&dir)?;
    let manifest: Vec<GungraunCase> = cases()
        .into_iter()
        .enumerate()
        .map(|(i, case)| GungraunCase {
            id: format!("registry_{i}"),
            family: case.family.name.to_owned(),
            variant: case.variant.name.to_owned(),
            input: case.input.0,
        })
        .collect();
    let json = serde_json::to_string_pretty(&manifest).map_err(std::io::Error::other)?;
    std::fs::write(dir.join("cases.json"), json + "\n")
}
