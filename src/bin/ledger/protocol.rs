//! `ledger protocol`: the measurements the verdicts are read from.
//!
//! The protocol crate runs it (screening, then confirmation look by look, across families);
//! this file is the workbench's side of it: which arms a family has in each phase, bound from
//! the registry and called the way every other measurement calls them (`Bound::run`), and a
//! launcher that starts each process as a fresh copy of this program, on its own code layout.
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
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use kernels::{Bound, FAMILIES, Family, Input, VerifyError};
use protocol::driver::{self, Plan, process_file};
use protocol::engine::{Bench, Placement, Timing, measure_case};
use protocol::sequential::Looks;
use protocol::spawn::{Spawner, clock_seed, parse_confirm};
use protocol::writer::Writer;
use wire::catalog::FamilyEntry;
use wire::rounds::{
    Arm, CaseHeader, Line, Pair, Phase, ProcessEnd, ProcessHeader, ROUNDS_SCHEMA, Role,
};

use crate::shown;

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
            n => format!("{n} code layouts, one per process in turn"),
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

/// What one family does in a child process.
struct Task {
    family: &'static Family,
    pair: Option<Pair>,
}

fn child(
    args: &Args,
    process: usize,
    looks: &Looks,
    families: &[&'static Family],
) -> anyhow::Result<()> {
    let seed = args.seed.unwrap_or_default();
    let phase = match args.phase.as_deref() {
        Some("confirm") => Phase::Confirm,
        _ => Phase::Screen,
    };
    let mut tasks: Vec<Task> = match phase {
        Phase::Screen => families
            .iter()
            .map(|&family| Task { family, pair: None })
            .collect(),
        Phase::Confirm => args
            .confirm
            .iter()
            .map(|spec| confirm_task(spec))
            .collect::<anyhow::Result<_>>()?,
    };
    // Each process measures its families in an order of its own, so that a drift within a
    // process does not always fall on the same family.
    protocol::engine::shuffle(
        &mut tasks,
        &mut protocol::rng::Rng::new(&format!("families/{seed}")),
    );
    let target = Duration::from_secs_f64(args.batch_ms / 1000.0);
    for task in &tasks {
        let family = task.family;
        let started = Instant::now();
        let path = process_file(&args.out, family.name, phase, process);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", shown(dir)))?;
        }
        let mut out = Writer::create(&path).map_err(anyhow::Error::msg)?;
        out.line(&Line::Process(ProcessHeader {
            schema: ROUNDS_SCHEMA,
            phase,
            process,
            processes: match phase {
                Phase::Screen => args.screen_cap.max(args.screen),
                Phase::Confirm => looks.cap(),
            },
            looks: match phase {
                Phase::Screen => Vec::new(),
                Phase::Confirm => looks.at().to_vec(),
            },
            seed,
            rounds: args.rounds,
            batch_target_ns: target.as_nanos() as u64,
            layout: args.layout.clone(),
        }))
        .map_err(anyhow::Error::msg)?;
        let headline = family.headline();
        let mut specs: Vec<_> = (family.inputs)()
            .into_iter()
            .filter(|spec| {
                spec.name == headline
                    || (phase == Phase::Screen
                        && args.sizes
                        && (spec.name.shape == headline.shape || spec.name.size == headline.size))
            })
            .collect();
        if !specs.iter().any(|spec| spec.name == headline) {
            bail!("{}: its headline input is not generated", family.name);
        }
        specs.sort_by_key(|spec| spec.name.size);
        let timing = Timing {
            rounds: args.rounds,
            batch: target,
            seed,
        };
        for spec in &specs {
            let case = Instant::now();
            let input = spec.generate();
            measure_family(family, &input, task.pair.as_ref(), timing, &mut out)?;
            eprintln!(
                "  {} {}/{}: {:.1?}",
                phase.name(),
                family.name,
                input.name(),
                case.elapsed()
            );
        }
        out.line(&Line::End(ProcessEnd {
            cases: specs.len(),
            seconds: started.elapsed().as_secs_f64(),
        }))
        .map_err(anyhow::Error::msg)?;
    }
    Ok(())
}

/// `FAMILY=SAFE,UNSAFE` → the family and its pair, both checked against the registry.
fn confirm_task(spec: &str) -> anyhow::Result<Task> {
    let parsed = parse_confirm(spec)
        .and_then(|(family, safe, unsafe_)| Some((kernels::family(family)?, safe, unsafe_)));
    let Some((family, safe, unsafe_)) = parsed else {
        bail!("--confirm {spec}: not FAMILY=SAFE,UNSAFE of a known family");
    };
    for name in [safe, unsafe_] {
        if family.variant(name).is_none() {
            bail!(
                "--confirm {spec}: `{}` has no variant `{name}`",
                family.name
            );
        }
    }
    Ok(Task {
        family,
        pair: Some(Pair {
            safe: safe.to_owned(),
            unsafe_: unsafe_.to_owned(),
        }),
    })
}

/// Binds the arms of one family at one input, checks every one against the reference, and
/// measures them: every candidate and the floor in screening; the pair, the reference, the
/// work-skipping unsafe variants and the two controls in confirmation.
fn measure_family(
    family: &Family,
    input: &Input,
    pair: Option<&Pair>,
    timing: Timing,
    out: &mut Writer,
) -> anyhow::Result<()> {
    let mut benches = Vec::new();
    let mut refused = Vec::new();
    let mut placement = Placement::new(timing.seed, family.name, &input.name().to_string());
    let wanted = |name: &str| match pair {
        None => true,
        Some(p) => {
            name == p.safe
                || name == p.unsafe_
                || name == family.reference
                || family
                    .variant(name)
                    .and_then(|v| v.kind.unsafety())
                    .is_some_and(|u| !u.like_for_like())
        }
    };
    for variant in family.measured().filter(|v| wanted(v.name)) {
        match family.verify(variant, input) {
            Ok(_) => {}
            Err(VerifyError::Refused(refusal)) => {
                refused.push((variant.name.to_owned(), refusal.reason));
                continue;
            }
            Err(error) => bail!("{error}"),
        }
        let role = if variant.kind.is_candidate() {
            Role::Candidate
        } else {
            Role::Floor
        };
        placement.shift();
        benches.push(bench(
            variant.name,
            role,
            variant.name,
            variant.bind(input)?,
            1,
        ));
    }
    if pair.is_some() {
        let reference = family.reference();
        let expected = reference.bind(input)?.run_once();
        placement.shift();
        let mut copy = family.reference_copy.bind(input).map_err(|reason| {
            anyhow::anyhow!(
                "{}: the reference copy refuses {}: {reason}",
                family.name,
                input.name()
            )
        })?;
        if copy.run_once() != expected {
            bail!(
                "{}: the reference copy disagrees with the reference",
                family.name
            );
        }
        benches.push(bench(COPY_ARM, Role::CopyControl, reference.name, copy, 1));
        placement.shift();
        benches.push(bench(
            TWICE_ARM,
            Role::TwiceControl,
            reference.name,
            reference.bind(input)?,
            2,
        ));
    }
    let header = CaseHeader {
        family: family.name.to_owned(),
        input: input.name().to_string(),
        arms: Vec::new(),
        refused,
        pair: pair.cloned(),
    };
    measure_case(header, benches, timing, out).map_err(anyhow::Error::msg)
}

fn bench<'a>(name: &str, role: Role, variant: &str, mut bound: Bound<'a>, work: u64) -> Bench<'a> {
    let arm = Arm {
        name: name.to_owned(),
        role,
        variant: variant.to_owned(),
        batch: 1,
    };
    Bench::new(arm, work, move |calls| bound.run(calls))
}
