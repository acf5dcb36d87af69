//! `ledger protocol`: the measurements the verdicts are read from.
//!
//! Every arm of a family's comparison at its headline input (each variant, the floor, and two
//! controls; with `--sizes`, at every size of the headline's shape too) is bound once and called
//! the way every other measurement calls it (`Bound::run`).
//! After a warm-up, each arm's batch is calibrated to about `--batch-ms`; a round then runs one
//! batch of every arm in a freshly shuffled order, and a process runs `--rounds` rounds of each
//! case. The parent starts `--processes` fresh processes of this program one after another
//! (never two at once, so they do not compete for the cores), each with its own seed for the
//! arm orders, and each writes every batch it timed to `FAMILY/process-N.jsonl`
//! (`reports::wire::rounds`), one directory per family so that a run limited to some families
//! replaces only theirs. The report computes the intervals from those files: the process,
//! not the round, is the unit of replication.
//!
//! The controls: `reference-copy` runs the family's `reference_copy`, a separately compiled
//! copy of the reference, and must read equivalent to it; `reference-twice` makes two calls of
//! the bound reference for every call it records (its batch of n calls runs `Bound::run(2n)`),
//! so its time per call is exactly twice the reference's work and must read 2x.
//!
//! Code layout: with `--layout-binary`, each process runs its own link order of this program
//! (scripts/bench.sh builds them), so the luck of where the linker put a loop differs between
//! processes and shows in the interval instead of biasing every process the same way.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use kernels::generate::Rng;
use kernels::{Bound, FAMILIES, Family, Input, VerifyError};
use reports::wire::rounds::{
    Arm, Batch, CaseHeader, Line, ProcessEnd, ProcessHeader, ROUNDS_SCHEMA, Role, Round,
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
    /// Fresh processes, run one after another. With each process on its own code layout, a
    /// process's placement luck is a few per cent for a tight loop (`cast`'s reference copy against
    /// the reference's own code, in one run of ten: a 4.6% standard deviation between
    /// processes, 3.9% of it beyond what the rounds' own noise explains), so processes
    /// narrow the interval where more rounds no longer do; ten left *equivalent* at a 5% margin
    /// uncertifiable for a true 1.00 in some runs.
    #[arg(long, default_value_t = 20)]
    processes: usize,
    /// Rounds per case in each process.
    #[arg(long, default_value_t = 20)]
    rounds: usize,
    /// The time each arm's batch is calibrated to, in milliseconds.
    #[arg(long, default_value_t = 2.0)]
    batch_ms: f64,
    /// Also measure every other size of each family's headline shape, for the family pages'
    /// speedup-against-size band (the verdict stays the headline input's).
    #[arg(long)]
    sizes: bool,
    /// Measure only this family (repeatable); default: every family.
    #[arg(long = "family", value_name = "NAME")]
    families: Vec<String>,
    /// The seed the processes' seeds derive from (default: from the clock, and recorded).
    #[arg(long)]
    seed: Option<u64>,
    /// A build of this program with its own code layout (repeatable): process N runs the
    /// N-th, cycling, so that the interval spans code layouts rather than one link order's luck
    /// (scripts/bench.sh builds them). Default: every process runs this program.
    #[arg(long = "layout-binary", value_name = "FILE")]
    layout_binaries: Vec<PathBuf>,
    /// Internal: the layout this process runs, recorded in its file.
    #[arg(long, hide = true, requires = "child")]
    layout: Option<String>,
    /// Internal: run as process N of the run, with this seed.
    #[arg(long, hide = true, requires = "seed")]
    child: Option<usize>,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    if args.processes < 2 {
        bail!("--processes must be at least 2: an interval over processes needs two");
    }
    if args.rounds < 2 {
        bail!("--rounds must be at least 2");
    }
    if !(args.batch_ms > 0.0 && args.batch_ms.is_finite()) {
        bail!("--batch-ms must be a positive number of milliseconds");
    }
    let families = selected(&args.families)?;
    match args.child {
        Some(process) => child(args, process, &families),
        None => parent(args, &families),
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

fn parent(args: &Args, families: &[&Family]) -> anyhow::Result<()> {
    let base = args.seed.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    let exe = std::env::current_exe().context("cannot find this program to start it again")?;
    check_layouts(&exe, &args.layout_binaries)?;
    if args.out.exists() {
        std::fs::remove_dir_all(&args.out)
            .with_context(|| format!("cannot clear {}", shown(&args.out)))?;
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", shown(&args.out)))?;
    let started = Instant::now();
    eprintln!(
        "protocol: {} families at {}, {} processes of {} rounds, seed {base}, {}",
        families.len(),
        if args.sizes {
            "every size of their headline shapes"
        } else {
            "their headline inputs"
        },
        args.processes,
        args.rounds,
        match args.layout_binaries.len() {
            0 => "one code layout (this build) for every process".to_owned(),
            n => format!("{n} code layouts, one per process in turn"),
        }
    );
    for process in 0..args.processes {
        let layout = layout_of(&args.layout_binaries, process);
        eprintln!(
            "protocol: process {} of {}{}, {:.0?} elapsed",
            process + 1,
            args.processes,
            layout
                .as_ref()
                .map_or(String::new(), |(_, name)| format!(" ({name})")),
            started.elapsed()
        );
        let program = layout.as_ref().map_or(exe.as_path(), |(binary, _)| *binary);
        let mut command = Command::new(program);
        command
            .arg("protocol")
            .arg("--out")
            .arg(&args.out)
            .args(["--processes", &args.processes.to_string()])
            .args(["--rounds", &args.rounds.to_string()])
            .args(["--batch-ms", &args.batch_ms.to_string()])
            .args(args.sizes.then_some("--sizes"))
            .args(["--seed", &process_seed(base, process).to_string()])
            .args(["--child", &process.to_string()]);
        for family in &args.families {
            command.args(["--family", family]);
        }
        if let Some((_, name)) = &layout {
            command.args(["--layout", name]);
        }
        let status = command
            .status()
            .with_context(|| format!("cannot start {}", shown(program)))?;
        if !status.success() {
            bail!("protocol process {process} failed ({status}); its file is incomplete");
        }
    }
    eprintln!(
        "protocol: done in {:.0?}; rounds in {}",
        started.elapsed(),
        shown(&args.out)
    );
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

/// The binary process `process` runs and the layout name it records (its file name), when the
/// run has layouts.
fn layout_of(binaries: &[PathBuf], process: usize) -> Option<(&Path, String)> {
    let binary = binaries.get(process % binaries.len().max(1))?;
    let name = binary
        .file_name()
        .map_or_else(|| shown(binary), |n| n.to_string_lossy().into_owned());
    Some((binary, name))
}

/// Each process's own seed, derived from the run's.
fn process_seed(base: u64, process: usize) -> u64 {
    Rng::new(&format!("protocol/{base}/{process}")).next_u64()
}

fn child(args: &Args, process: usize, families: &[&Family]) -> anyhow::Result<()> {
    let seed = args.seed.unwrap_or_default();
    let target = Duration::from_secs_f64(args.batch_ms / 1000.0);
    for family in families {
        let started = Instant::now();
        let dir = args.out.join(family.name);
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", shown(&dir)))?;
        let mut out = Writer::create(&dir.join(format!("process-{process}.jsonl")))?;
        out.line(&Line::Process(ProcessHeader {
            schema: ROUNDS_SCHEMA,
            process,
            processes: args.processes,
            seed,
            rounds: args.rounds,
            batch_target_ns: target.as_nanos() as u64,
            layout: args.layout.clone(),
        }))?;
        let headline = family.headline();
        let mut specs: Vec<_> = (family.inputs)()
            .into_iter()
            .filter(|spec| {
                spec.name == headline || (args.sizes && spec.name.shape == headline.shape)
            })
            .collect();
        if !specs.iter().any(|spec| spec.name == headline) {
            bail!("{}: its headline input is not generated", family.name);
        }
        specs.sort_by_key(|spec| spec.name.size);
        for spec in &specs {
            let case = Instant::now();
            let input = spec.generate();
            measure_case(family, &input, args.rounds, target, seed, &mut out)?;
            eprintln!("  {}/{}: {:.1?}", family.name, input.name(), case.elapsed());
        }
        out.line(&Line::End(ProcessEnd {
            cases: specs.len(),
            seconds: started.elapsed().as_secs_f64(),
        }))?;
    }
    Ok(())
}

/// One arm, bound and calibrated.
struct Bench<'a> {
    arm: Arm,
    bound: Bound<'a>,
    /// Calls of the bound variant per recorded call (2 for the doubled-work control).
    work: u64,
}

impl Bench<'_> {
    /// Times one batch of `self.arm.batch` recorded calls, after one untimed call: switching
    /// from another arm (its caches, branch history, idle worker threads) costs the first call
    /// after it, which would otherwise be charged to the batch. For an arm whose call outlasts
    /// the batch target (pool_rayon's, about 10 ms) that cost was a fifth of the batch, and its
    /// doubled-work control read 1.8x.
    fn batch(&mut self) -> Batch {
        let calls = self.arm.batch;
        self.bound.run(self.work);
        let start = Instant::now();
        self.bound.run(calls * self.work);
        let ns = start.elapsed().as_nanos() as u64;
        Batch {
            arm: self.arm.name.clone(),
            calls,
            ns,
        }
    }
}

fn measure_case(
    family: &Family,
    input: &Input,
    rounds: usize,
    target: Duration,
    seed: u64,
    out: &mut Writer,
) -> anyhow::Result<()> {
    let mut benches = Vec::new();
    let mut refused = Vec::new();
    let mut placement = Placement::new(seed, family, input);
    for variant in family.measured() {
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

    for bench in &mut benches {
        warm_up(bench, target);
        bench.arm.batch = calibrate(bench, target);
    }
    out.line(&Line::Case(CaseHeader {
        family: family.name.to_owned(),
        input: input.name().to_string(),
        arms: benches.iter().map(|b| b.arm.clone()).collect(),
        refused,
    }))?;
    let mut rng = Rng::new(&format!("protocol/{seed}/{}/{}", family.name, input.name()));
    let mut order: Vec<usize> = (0..benches.len()).collect();
    for round in 0..rounds {
        shuffle(&mut order, &mut rng);
        let batches = order.iter().map(|&i| benches[i].batch()).collect();
        out.line(&Line::Round(Round {
            family: family.name.to_owned(),
            input: input.name().to_string(),
            round,
            batches,
        }))?;
    }
    Ok(())
}

/// Where each arm's state lands on the heap, drawn afresh in every process.
///
/// An arm's time can depend on the address of its own state, not only on its code: the harness
/// once stored each call's result into the arm's state, and the arm bound second in a family's
/// list ran its calls up to 70% slower than the same code bound elsewhere, in every process
/// alike. `Bound::run` no longer does that, but a fixture's state is the arm's own by nature.
/// A spacer of random size allocated before each arm is bound moves what the arm allocates next
/// (the allocator hands out small blocks in order), so whatever luck an address carries differs
/// between processes and shows in the interval instead of biasing one arm in all of them.
struct Placement {
    rng: Rng,
    spacers: Vec<Vec<u8>>,
}

impl Placement {
    /// Spacers up to 4 KiB: every offset within a page, in steps of the allocator's 16 bytes.
    const STEPS: usize = 256;

    fn new(seed: u64, family: &Family, input: &Input) -> Self {
        Self {
            rng: Rng::new(&format!(
                "placement/{seed}/{}/{}",
                family.name,
                input.name()
            )),
            spacers: Vec::new(),
        }
    }

    /// Allocates the next spacer, kept until the case ends.
    fn shift(&mut self) {
        let spacer = vec![0u8; 16 * (1 + self.rng.below(Self::STEPS))];
        self.spacers.push(std::hint::black_box(spacer));
    }
}

fn bench<'a>(name: &str, role: Role, variant: &str, bound: Bound<'a>, work: u64) -> Bench<'a> {
    Bench {
        arm: Arm {
            name: name.to_owned(),
            role,
            variant: variant.to_owned(),
            batch: 1,
        },
        bound,
        work,
    }
}

/// Runs the arm for a quarter of a batch's target time (at least one call), so that caches,
/// branch predictors, pools and buffers are in their steady state before anything is timed.
fn warm_up(bench: &mut Bench<'_>, target: Duration) {
    let until = Instant::now() + target / 4;
    loop {
        bench.bound.run(bench.work);
        if Instant::now() >= until {
            break;
        }
    }
}

/// Calls per batch so that a batch takes about `target`: doubled until a batch takes a tenth of
/// it, then scaled from the time measured.
fn calibrate(bench: &mut Bench<'_>, target: Duration) -> u64 {
    let mut calls: u64 = 1;
    loop {
        let start = Instant::now();
        bench.bound.run(calls * bench.work);
        let took = start.elapsed();
        if took >= target / 10 || calls >= 1 << 40 {
            let per_call = took.as_secs_f64() / calls as f64;
            return ((target.as_secs_f64() / per_call.max(1e-12)) as u64).max(1);
        }
        calls *= 2;
    }
}

/// Fisher–Yates with the process's generator.
fn shuffle(order: &mut [usize], rng: &mut Rng) {
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i + 1));
    }
}

/// The process file, written line by line and flushed after each, so an interrupted process
/// leaves every round it finished (and no end line).
struct Writer {
    path: PathBuf,
    out: BufWriter<File>,
}

impl Writer {
    fn create(path: &Path) -> anyhow::Result<Self> {
        let file = File::create(path).with_context(|| format!("cannot create {}", shown(path)))?;
        Ok(Self {
            path: path.to_path_buf(),
            out: BufWriter::new(file),
        })
    }

    fn line(&mut self, line: &Line) -> anyhow::Result<()> {
        serde_json::to_writer(&mut self.out, line)?;
        self.out
            .write_all(b"\n")
            .and_then(|()| self.out.flush())
            .with_context(|| format!("cannot write {}", shown(&self.path)))
    }
}
