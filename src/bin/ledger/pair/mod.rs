//! `ledger pair`: the verdict protocol on comparisons a user declared in their own crate (with
//! the `unsafe-ledger-pair` library), and `ledger pair init`, which writes such a bench target.
//!
//! The bench target does the measuring itself, with the protocol crate the workbench uses; this
//! command finds it, builds it once per code layout, runs it, and renders what it measured as a
//! results directory and a site, through the same report as the workbench's.

mod init;
mod instructions;
mod layouts;
mod miri;
mod target;

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};

use crate::shown;

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    init: Option<PairCommand>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(clap::Subcommand)]
enum PairCommand {
    /// Write a bench target comparing a safe function with an unsafe one, and its Cargo.toml
    /// entries, so the first run is one edit away.
    Init(init::Args),
}

#[derive(clap::Args)]
struct RunArgs {
    /// The crate: its Cargo.toml, or the directory holding it.
    #[arg(long, value_name = "PATH", default_value = ".")]
    manifest_path: PathBuf,
    /// The bench target that declares the comparisons.
    #[arg(long, value_name = "NAME")]
    bench: Option<String>,
    /// Where the results and the site go (default: TARGET_DIR/ledger-pair/NAME).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Fewer processes: 2 screening (up to 6 while a pick is open), confirmation capped at 19.
    #[arg(long)]
    quick: bool,
    /// Run only this comparison (repeatable).
    #[arg(long = "comparison", value_name = "NAME")]
    comparisons: Vec<String>,
    /// The run's seed (default: from the clock, recorded).
    #[arg(long)]
    seed: Option<u64>,
    /// Run every process on one build, without relinking it in other link orders.
    #[arg(long)]
    one_layout: bool,
    /// First run the agreement check under Miri (Stacked and Tree Borrows, nightly) on each
    /// comparison's check inputs (`.check_input`); a finding stops the run, a clean check is
    /// shown on the site. The user's MIRIFLAGS are kept.
    #[arg(long)]
    miri: bool,
    /// Also count each implementation's instructions per call at the headline input under
    /// callgrind (valgrind), after the timing.
    #[arg(long)]
    instructions: bool,
    /// Also record the machine code each implementation's timed calls enter (objdump), so the
    /// page shows each side's hot loop, its vector registers and its bounds checks.
    #[arg(long)]
    codegen: bool,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    match &args.init {
        Some(PairCommand::Init(init)) => init::run(init),
        None => measure(&args.run),
    }
}

fn measure(args: &RunArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let Some(bench) = &args.bench else {
        bail!("--bench NAME is required: the bench target that declares the comparisons");
    };
    let found = target::find(&args.manifest_path, bench)?;
    let out = args.out.clone().unwrap_or_else(|| {
        found
            .target_directory
            .join("ledger-pair")
            .join(&found.bench)
    });
    eprintln!(
        "==> building bench `{}` of {}",
        found.bench,
        shown(&found.manifest)
    );
    let program = target::build(&found)?;
    let catalog = target::handshake(&program)?;
    let names: Vec<&str> = catalog.families.iter().map(|f| f.name.as_str()).collect();
    eprintln!("==> comparisons: {}", names.join(", "));
    // Soundness first: nothing is timed, and no layout built, for code Miri finds at fault.
    let soundness = if args.miri {
        std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", shown(&out)))?;
        Some(miri::check(&found, &catalog, &out)?)
    } else {
        None
    };
    // Screening processes, their cap while a pick is open, and the confirmation's looks.
    let plan = if args.quick {
        (2, 6, protocol::sequential::Looks::new(&[4, 6, 9, 13, 19]))
    } else {
        (
            3,
            9,
            protocol::sequential::Looks::new(&[4, 6, 9, 13, 19, 27]),
        )
    };
    let looks = plan.2.map_err(anyhow::Error::msg)?;
    let mut provenance = crate::provenance::collect(if args.quick { "quick" } else { "full" });
    let results = out.join("results").join(&provenance.label);
    if results.exists() {
        std::fs::remove_dir_all(&results)
            .with_context(|| format!("cannot clear {}", shown(&results)))?;
    }
    std::fs::create_dir_all(&results)
        .with_context(|| format!("cannot create {}", shown(&results)))?;
    let layouts = if args.one_layout {
        eprintln!("==> one layout (--one-layout): the interval covers this build's luck only");
        Vec::new()
    } else {
        layouts::build(&found, &program, plan.1 + looks.cap(), &out.join("layouts"))?
    };
    provenance.rustflags = std::env::var("RUSTFLAGS").unwrap_or_default();
    provenance.git = crate::provenance::git_describe_in(&found.root);
    crate::write_json(&results.join("provenance.json"), &provenance)?;
    eprintln!("==> checking, then screening and confirming (the bench target prints its progress)");
    let mut command = Command::new(&program);
    command
        .arg("--out")
        .arg(&results)
        .current_dir(&found.root)
        .args(["--screen", &plan.0.to_string()])
        .args(["--screen-cap", &plan.1.to_string()])
        .args(["--looks", &looks.spelled()]);
    for layout in &layouts {
        command.arg("--layout-binary").arg(layout);
    }
    for name in &args.comparisons {
        command.args(["--comparison", name]);
    }
    if let Some(seed) = args.seed {
        command.args(["--seed", &seed.to_string()]);
    }
    let status = command
        .status()
        .with_context(|| format!("cannot run {}", shown(&program)))?;
    if !status.success() {
        bail!(
            "the bench target stopped ({status}); its message is above, and nothing after it \
             was measured"
        );
    }
    if args.instructions {
        eprintln!("==> instructions per call under callgrind");
        let mut counted = catalog.clone();
        if !args.comparisons.is_empty() {
            counted
                .families
                .retain(|f| args.comparisons.contains(&f.name));
        }
        instructions::count(&program, &counted, &results)?;
    }
    if args.codegen {
        eprintln!("==> the machine code each implementation's calls enter");
        let output = crate::process::output(Command::new(&program).arg("--ledger-entries"))?;
        if !output.status.success() {
            bail!(
                "{} --ledger-entries failed ({}):\n{}",
                shown(&program),
                output.status,
                crate::process::text(&output.stderr)
            );
        }
        let entries: wire::codegen::EntryPoints = serde_json::from_slice(&output.stdout)
            .with_context(|| {
                format!(
                    "{} printed no entry points (too old a library?)",
                    shown(&program)
                )
            })?;
        let code = crate::codegen::disassemble("objdump", &program, entries)?;
        let dir = results.join("codegen");
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", shown(&dir)))?;
        crate::write_json(&dir.join(format!("{}.json", std::env::consts::ARCH)), &code)?;
    }
    let site = out.join("site");
    let built = reports::build(std::slice::from_ref(&results), soundness.as_deref(), &site)?;
    eprintln!(
        "==> {} ({} files) and {} in {:.0?}",
        shown(&site.join("index.html")),
        built.files,
        shown(&site.join("ledger.json")),
        started.elapsed()
    );
    Ok(())
}
