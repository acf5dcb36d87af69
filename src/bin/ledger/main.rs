//! `ledger`: the command-line front of unsafe-ledger.
//!
//! `ledger list` prints the kernel registry; `ledger probe` runs one variant on one input (a
//! generated one or a user's file) and checks it against the family's safe reference;
//! `ledger count` counts instructions per call under callgrind or QEMU, `ledger codegen`
//! disassembles the code each variant's call enters, `ledger agreement`
//! compares two sets of counts and `ledger import-gungraun` converts the instruction bench's
//! output; `ledger report` builds the site from saved results; `ledger provenance` records the
//! machine a bench run is measured on; `ledger soundness` runs the unsafe variants and the
//! hazard gallery under Miri and the sanitizers; `ledger review` lists the unsafe sites of a
//! crate or a pull request with the evidence for each one's pattern; `ledger pair` measures a
//! pair declared in a user's own crate.

mod agreement;
mod catalog;
mod codegen;
mod compare;
mod count;
mod import_gungraun;
mod list;
mod pair;
mod probe;
mod process;
mod protocol;
mod provenance;
mod report;
mod results;
mod review;
mod soundness;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "ledger",
    version,
    about = "Does this unsafe block buy anything?"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the registry: families, variants, invariants, inputs.
    List {
        /// Print JSON for programs instead of text for people.
        #[arg(long)]
        json: bool,
    },
    /// Run one variant on one input and print its result.
    Probe(probe::Args),
    /// Count instructions per call of every variant, under callgrind or QEMU.
    Count(count::Args),
    /// Disassemble the code each variant's timed call enters, for the family pages.
    Codegen(codegen::Args),
    /// Compare two instruction-count files case by case (validates the QEMU method).
    Agreement(agreement::Args),
    /// Turn the instruction bench's gungraun summaries into instruction-count files.
    ImportGungraun(import_gungraun::Args),
    /// Measure the verdicts: every arm of each family's comparison in shuffled rounds, in
    /// several fresh processes, every batch kept.
    Protocol(protocol::Args),
    /// The verdict on comparisons declared in your own crate's bench target (with the
    /// unsafe-ledger-pair library): built once per code layout, screened, confirmed, reported.
    /// `ledger pair init` writes such a bench target.
    Pair(pair::Args),
    /// Build the report site from saved results.
    Report(report::Args),
    /// List every unsafe site of a crate or a pull request with the evidence for its pattern.
    Review(review::Args),
    /// What changed between two runs (ledger.json, site or results directory), family by
    /// family: a call, a speedup beyond both intervals, an unsafe variant's instruction count,
    /// a control now biased. Exit status 2 when anything changed: a CI gate.
    Compare(compare::Args),
    /// Manage results directories.
    #[command(subcommand)]
    Results(ResultsCommand),
    /// Run every unsafe variant and every hazard alone under Miri and the sanitizers.
    Soundness(soundness::Args),
    /// Print this machine's provenance (host, CPU, toolchain, source) as JSON.
    Provenance {
        /// The measurement plan the provenance is recorded for: `full` or `quick`.
        #[arg(long, default_value = "full", value_parser = ["full", "quick"])]
        plan: String,
    },
}

#[derive(Subcommand)]
enum ResultsCommand {
    /// Move a stage's completed results into a results directory, replacing only what that
    /// stage produced, and record which run produced each file (`stages.json`).
    Install(results::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::List { json } => list::run(json),
        Command::Probe(args) => probe::run(&args),
        Command::Count(args) => count::run(&args),
        Command::Codegen(args) => codegen::run(&args),
        Command::Agreement(args) => agreement::run(&args),
        Command::ImportGungraun(args) => import_gungraun::run(&args),
        Command::Protocol(args) => protocol::run(&args),
        Command::Pair(args) => pair::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Review(args) => review::run(&args),
        Command::Compare(args) => compare::run(&args),
        Command::Results(ResultsCommand::Install(args)) => results::run(&args),
        Command::Soundness(args) => soundness::run(&args),
        Command::Provenance { plan } => provenance::run(&plan),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.downcast_ref::<Exit>().is_some() => {
            let exit = error.downcast_ref::<Exit>().expect("checked by the guard");
            eprintln!("ledger: {}", exit.message);
            ExitCode::from(exit.code)
        }
        Err(error) => {
            eprintln!("ledger: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// An outcome with an exit status of its own, which the command's help documents (a CI step
/// tells it from a failure).
#[derive(Debug)]
struct Exit {
    code: u8,
    message: String,
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Exit {}

/// Writes `value` as pretty JSON to `path`, making its directory.
fn write_json(path: &std::path::Path, value: &impl serde::Serialize) -> anyhow::Result<()> {
    use anyhow::Context;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", shown(dir)))?;
    }
    let json = serde_json::to_string_pretty(value)?;
    std::fs::write(path, json + "\n").with_context(|| format!("cannot write {}", shown(path)))?;
    eprintln!("wrote {}", shown(path));
    Ok(())
}

/// The last `n` lines of a program's output, for an error message.
fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// A path shown in messages the way the user typed it.
fn shown(path: &std::path::Path) -> String {
    path.display().to_string()
}
