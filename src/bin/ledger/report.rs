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
    /// Also write the site's numbers in Bencher Metric Format (JSON): each family's speedup with
    /// its interval (`FAMILY/RUN/speedup`), each variant's time per call at each input
    /// (`FAMILY/RUN/VARIANT/INPUT`, latency in ns) and its instructions per call
    /// (`FAMILY/ARCH/VARIANT/INPUT`), for `bencher run --adapter json`.
    #[arg(long, value_name = "FILE")]
    bmf: Option<PathBuf>,
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
    let ledger = std::fs::read(args.out.join("ledger.json"))
        .with_context(|| format!("the site in {} has no ledger.json", shown(&args.out)))?;
    let ledger: serde_json::Value = serde_json::from_slice(&ledger)?;
    if built.problems > 0 {
        // Each where a terminal or a CI log shows it, as well as on the site.
        for problem in ledger["problems"].as_array().into_iter().flatten() {
            eprintln!(
                "problem: {}: {}",
                problem["source"].as_str().unwrap_or("?"),
                problem["message"].as_str().unwrap_or("?")
            );
        }
        eprintln!(
            "{} problem(s), also listed on the site under \"Missing or unusable results\"",
            built.problems
        );
    }
    if let Some(path) = &args.bmf {
        let metrics = bmf(&ledger);
        crate::write_json(path, &metrics)?;
        eprintln!(
            "wrote {} ({} benchmarks, Bencher Metric Format)",
            shown(path),
            metrics.as_object().map_or(0, |m| m.len())
        );
    }
    Ok(())
}

/// The ledger's numbers in Bencher Metric Format: `{ name: { measure: { value, lower_value,
/// upper_value } } }`. Read from the ledger the site was built from, so the two agree.
fn bmf(ledger: &serde_json::Value) -> serde_json::Value {
    use serde_json::{Map, Value, json};
    let mut out = Map::new();
    let empty = Vec::new();
    let list = |v: &Value| v.as_array().unwrap_or(&empty).clone();
    for family in list(&ledger["families"]) {
        let name = family["family"]["name"].as_str().unwrap_or("?").to_owned();
        for run in list(&family["runs"]) {
            let label = run["run"].as_str().unwrap_or("?");
            let speedup = &run["verdict"]["speedup"];
            if let (Some(value), Some(lower), Some(upper)) = (
                speedup["point"].as_f64(),
                speedup["lower"].as_f64(),
                speedup["upper"].as_f64(),
            ) {
                out.insert(
                    format!("{name}/{label}/speedup"),
                    json!({ "speedup": { "value": value, "lower_value": lower, "upper_value": upper } }),
                );
            }
            for input in list(&run["inputs"]) {
                let input_name = input["name"].as_str().unwrap_or("?");
                for row in list(&input["rows"]) {
                    if let (Some(variant), Some(ns)) =
                        (row["variant"].as_str(), row["median_ns"].as_f64())
                    {
                        out.insert(
                            format!("{name}/{label}/{variant}/{input_name}"),
                            json!({ "latency": { "value": ns } }),
                        );
                    }
                }
            }
        }
        for counts in list(&family["instructions"]) {
            let arch = counts["arch"].as_str().unwrap_or("?");
            for input in list(&counts["inputs"]) {
                let input_name = input["input"].as_str().unwrap_or("?");
                for row in list(&input["rows"]) {
                    if let (Some(variant), Some(n)) =
                        (row["variant"].as_str(), row["per_call"].as_f64())
                    {
                        out.insert(
                            format!("{name}/{arch}/{variant}/{input_name}"),
                            json!({ "instructions": { "value": n } }),
                        );
                    }
                }
            }
        }
    }
    Value::Object(out)
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
