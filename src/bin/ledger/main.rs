//! `ledger`: the command-line front of unsafe-ledger.
//!
//! `ledger list` prints the kernel registry; `ledger probe` runs one variant on one input (a
//! generated one or a user's file) and checks it against the family's safe reference.

mod list;
mod probe;

use std::path::PathBuf;
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::List { json } => list::run(json),
        Command::Probe(args) => probe::run(&args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ledger: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// A path shown in messages the way the user typed it.
fn shown(path: &std::path::Path) -> String {
    PathBuf::from(path).display().to_string()
}
