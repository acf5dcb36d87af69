//! `ledger report`: builds the site from saved results; never runs a benchmark.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, bail};

use crate::shown;

/// Where `scripts/bench.sh` saves results, one directory per host and architecture.
pub const DEFAULT_RESULTS: &str = "target/ledger/results";
/// Where `scripts/soundness.sh` writes the checkers' results.
pub const DEFAULT_SOUNDNESS: &str = "target/ledger/soundness/soundness.json";
/// Where the site goes by default.
pub const DEFAULT_SITE: &str = "target/ledger/site";

#[derive(clap::Args)]
pub struct Args {
    /// A results directory (repeatable); default: every directory under target/ledger/results.
    #[arg(long = "results", value_name = "DIR")]
    results: Vec<PathBuf>,
    /// The checkers' results (`soundness.json`); default: target/ledger/soundness/soundness.json
    /// when it exists. Without them every unsafe variant is shown as not checked.
    #[arg(long, value_name = "FILE")]
    soundness: Option<PathBuf>,
    /// Where to write the site (replaced as a whole once complete).
    #[arg(long, value_name = "DIR", default_value = DEFAULT_SITE)]
    out: PathBuf,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let results = if args.results.is_empty() {
        default_results()?
    } else {
        args.results.clone()
    };
    for dir in &results {
        eprintln!("reading {}", shown(dir));
    }
    let soundness = args.soundness.clone().or_else(|| {
        let default = PathBuf::from(DEFAULT_SOUNDNESS);
        default.is_file().then_some(default)
    });
    match &soundness {
        Some(path) => eprintln!("reading {}", shown(path)),
        None => eprintln!(
            "no {DEFAULT_SOUNDNESS}: unsafe variants shown as not checked (run scripts/soundness.sh)"
        ),
    }
    let built = reports::build(&results, soundness.as_deref(), &args.out)?;
    eprintln!(
        "wrote {} ({} files from {} benchmarks) in {:.1?}",
        shown(&args.out.join("index.html")),
        built.files,
        built.benchmarks,
        started.elapsed()
    );
    if built.problems > 0 {
        eprintln!(
            "{} problem(s) listed on the site under \"Missing or unusable results\"",
            built.problems
        );
    }
    Ok(())
}

fn default_results() -> anyhow::Result<Vec<PathBuf>> {
    let root = PathBuf::from(DEFAULT_RESULTS);
    let entries = std::fs::read_dir(&root).with_context(|| {
        format!("no results in `{DEFAULT_RESULTS}`: run scripts/bench.sh, or pass --results DIR")
    })?;
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    if dirs.is_empty() {
        bail!("`{DEFAULT_RESULTS}` holds no results directories: run scripts/bench.sh first");
    }
    Ok(dirs)
}
