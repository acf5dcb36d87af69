//! `ledger protocol`: the measurements the verdicts are read from.
//!
//! The protocol crate runs it (screening, then confirmation look by look, across families);
//! this module is the workbench's side of it: the command and the parent, which starts each
//! process as a fresh copy of this program on its own code layout; `child.rs` is that process,
//! which binds each family's arms from the registry and calls them the way every other
//! measurement calls them (`Bound::run`).
//!
//! Screening binds every candidate and the floor (with `--sizes`, at every size of the
//! headline's shape too). Confirmation binds the pair screening picked, the reference, the
//! unsafe variants that skip work (for their conditional savings) and two controls:
//! `reference-copy` runs the family's `reference_copy`, a separately compiled copy of the
//! reference, and must read 1x; `reference-twice` makes two calls of the bound reference for
//! every call it records, so it must read 2x.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use kernels::{FAMILIES, Family};
use protocol::driver::{self, Plan};
use protocol::sequential::Looks;
use protocol::spawn::{Spawner, clock_seed};
use wire::catalog::FamilyEntry;

use crate::shown;

mod child;

use child::child;

/// The name of the A/A control arm in the rounds.
pub const COPY_ARM: &str = "reference-copy";
/// The name of the doubled-work control arm in the rounds.
pub const TWICE_ARM: &str = "reference-twice";

#[derive(clap::Args)]
pub struct Args {
    /// Where the process files go (replaced).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Screening processes: every candidate of each family, to pick the pair to confirm.
    #[arg(long, default_value_t = 3)]
    screen: usize,
    /// The most screening processes a family gets: after --screen, a family whose pick is not
    /// yet clear (a candidate neither clearly slower than the side's fastest nor tied with it)
    /// gets one more at a time, up to this many (at least --screen).
    #[arg(long, default_value_t = 9)]
    screen_cap: usize,
    /// The confirmation's looks: after how many processes the sequential rule is read, the
    /// last being the cap. A family stops at the first look where its call and its controls
    /// are settled.
    #[arg(long, value_delimiter = ',', default_value = "4,6,9,13,19,27")]
    looks: Vec<usize>,
    /// Rounds per case in each process.
    #[arg(long, default_value_t = 10)]
    rounds: usize,
    /// The time each arm's batch is calibrated to, in milliseconds.
    #[arg(long, default_value_t = 2.0)]
    batch_ms: f64,
    /// Screening also measures every other size of each family's headline shape (the family
    /// pages' speedup-against-size band, exploratory) and every other shape at the headline
    /// size (the family pages' rows); the verdict stays the headline's.
    #[arg(long)]
    sizes: bool,
    /// Measure only this family (repeatable); default: every family.
    #[arg(long = "family", value_name = "NAME")]
    families: Vec<String>,
    /// The seed the processes' seeds derive from (default: from the clock, and recorded).
    #[arg(long)]
    seed: Option<u64>,
    /// A build of this program with its own code layout (repeatable): screening process N runs
    /// the N-th, confirmation process N the one after the screening's, cycling, so that the
    /// interval spans code layouts rather than one build's luck (scripts/bench.sh builds them).
    /// Default: every process runs this program.
    #[arg(long = "layout-binary", value_name = "FILE")]
    layout_binaries: Vec<PathBuf>,
    /// Internal: the layout this process runs, recorded in its files.
    #[arg(long, hide = true, requires = "child")]
    layout: Option<String>,
    /// Internal: the phase this process belongs to.
    #[arg(long, hide = true, requires = "child", value_parser = ["screen", "confirm"])]
    phase: Option<String>,
    /// Internal: a family to confirm and its pair, `FAMILY=SAFE,UNSAFE` (repeatable).
    #[arg(long = "confirm", hide = true, requires = "child")]
    confirm: Vec<String>,
    /// Internal: run as process N of its phase, with this seed.
    #[arg(long, hide = true, requires = "seed")]
    child: Option<usize>,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    if args.rounds < 2 {
        bail!("--rounds must be at least 2");
    }
    if args.screen < 1 {
        bail!("--screen must be at least 1: the pair is picked from screening");
    }
    if !(args.batch_ms > 0.0 && args.batch_ms.is_finite()) {
        bail!("--batch-ms must be a positive number of milliseconds");
    }
    let looks = Looks::new(&args.looks).map_err(|why| anyhow::anyhow!("--looks: {why}"))?;
    let families = selected(&args.families)?;
    match args.child {
        Some(process) => child(args, process, &looks, &families),
        None => parent(args, looks, &families),
    }
}

/// The families named, in registry order, or all of them.
fn selected(names: &[String]) -> anyhow::Result<Vec<&'static Family>> {
    for name in names {
        if kernels::family(name).is_none() {
            let known: Vec<&str> = FAMILIES.iter().map(|f| f.name).collect();
            bail!("unknown family `{name}`; families: {}", known.join(", "));
        }
    }
    Ok(FAMILIES
        .iter()
        .copied()
        .filter(|f| names.is_empty() || names.iter().any(|n| n == f.name))
        .collect())
}

fn parent(args: &Args, looks: Looks, families: &[&Family]) -> anyhow::Result<()> {
    let base = args.seed.unwrap_or_else(clock_seed);
    let exe = std::env::current_exe().context("cannot find this program to start it again")?;
    check_layouts(&exe, &args.layout_binaries)?;
    if args.out.exists() {
        std::fs::remove_dir_all(&args.out)
            .with_context(|| format!("cannot clear {}", shown(&args.out)))?;
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", shown(&args.out)))?;
    let catalog = crate::catalog::of_registry();
    let entries: Vec<FamilyEntry> = families
        .iter()
        .filter_map(|f| catalog.family(f.name).cloned())
        .collect();
    eprintln!(
        "protocol: {} families, {} screening processes ({} where a pick is not yet clear){}, then \
         confirmation with looks at {:?}, {} rounds each, seed {base}, {}",
        entries.len(),
        args.screen,
        args.screen_cap.max(args.screen),
        if args.sizes {
            " at every size of their headline shapes"
        } else {
            ""
        },
        looks.at(),
        args.rounds,
        match args.layout_binaries.len() {
            0 => "one code layout (this build) for every process".to_owned(),
            n if n >= args.screen_cap.max(args.screen) + looks.cap() => {
                format!("{n} code layouts, one per process")
            }
            n => format!(
                "{n} code layouts for up to {} processes: processes share them, and the \
                 intervals are over the layouts' means",
                args.screen_cap.max(args.screen) + looks.cap()
            ),
        }
    );
    let plan = Plan {
        screen: args.screen,
        screen_cap: args.screen_cap.max(args.screen),
        looks: looks.clone(),
    };
    let mut prefix: Vec<OsString> = vec!["protocol".into(), "--out".into()];
    prefix.push(args.out.clone().into());
    prefix.extend(
        [
            "--screen",
            &args.screen.to_string(),
            "--screen-cap",
            &plan.screen_cap.to_string(),
            "--looks",
            &looks.spelled(),
            "--rounds",
            &args.rounds.to_string(),
            "--batch-ms",
            &args.batch_ms.to_string(),
        ]
        .map(OsString::from),
    );
    if args.sizes {
        prefix.push("--sizes".into());
    }
    let mut launcher = Spawner {
        program: exe,
        prefix,
        layouts: args.layout_binaries.clone(),
        out: args.out.clone(),
        screen: plan.screen_cap,
        base,
    };
    let outcomes = driver::drive(&entries, &plan, &mut launcher, &mut |line| {
        eprintln!("protocol: {line}");
    })
    .map_err(anyhow::Error::msg)?;
    eprintln!("protocol: rounds in {}", shown(&args.out));
    for outcome in &outcomes {
        match &outcome.confirmation {
            Ok(c) => eprintln!(
                "  {:<14} {:<12} {:.3}x [{:.3}, {:.3}], single processes {:.3}–{:.3}, {} processes \
                 ({} vs {})",
                outcome.family,
                c.call.label(),
                c.speedup.point,
                c.speedup.lower,
                c.speedup.upper,
                c.speedup.lowest,
                c.speedup.highest,
                c.processes,
                c.pair.unsafe_,
                c.pair.safe
            ),
            Err(why) => eprintln!("  {:<14} no verdict: {why}", outcome.family),
        }
    }
    Ok(())
}

/// Every layout binary must exist and be a build of the same registry as this program: a
/// verdict over processes that ran different code would mean nothing.
fn check_layouts(exe: &Path, binaries: &[PathBuf]) -> anyhow::Result<()> {
    if binaries.is_empty() {
        return Ok(());
    }
    let catalog = |program: &Path| -> anyhow::Result<Vec<u8>> {
        if !program.is_file() {
            bail!(
                "--layout-binary {}: no such file (scripts/bench.sh builds the layouts)",
                shown(program)
            );
        }
        let out = crate::process::checked(Command::new(program).args(["list", "--json"]))
            .with_context(|| format!("cannot list the families of {}", shown(program)))?;
        Ok(out.stdout)
    };
    let own = catalog(exe)?;
    for binary in binaries {
        if catalog(binary)? != own {
            bail!(
                "--layout-binary {} lists other families or variants than {}: a layout must be \
                 a build of the same source",
                shown(binary),
                shown(exe)
            );
        }
    }
    Ok(())
}
