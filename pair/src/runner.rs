//! What a bench target's `main` does: checks, then the protocol across processes (the parent),
//! or one of those processes (a child), or a listing for `ledger pair`.

use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use protocol::driver::{self, Outcome, Plan, process_file, read_cases};
use protocol::engine::{Timing, shuffle};
use protocol::reading::screen;
use protocol::rng::Rng;
use protocol::rule::{Call, processes_needed};
use protocol::spawn::{Spawner, clock_seed, parse_confirm};
use protocol::writer::Writer;
use wire::catalog::{CATALOG_SCHEMA, Catalog};
use wire::codegen::EntryPoints;
use wire::rounds::{Line, Pair, Phase, ProcessEnd, ProcessHeader, ROUNDS_SCHEMA};

use crate::args::{self, ChildArgs, Mode, RunArgs};
use crate::comparison::Comparison;
use crate::declared::Declared;

/// The version of what a bench target prints for `ledger pair` (`--ledger-catalog`); `ledger
/// pair` refuses a target that prints another.
pub const HANDSHAKE: u32 = 1;

/// The comparisons of one bench target, and its `main`.
#[derive(Default)]
pub struct Comparisons {
    declared: Vec<Box<dyn Declared>>,
}

impl Comparisons {
    /// No comparison yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a comparison.
    #[allow(clippy::should_implement_trait)]
    pub fn add<I: 'static, O: Debug + 'static>(mut self, comparison: Comparison<I, O>) -> Self {
        self.declared.push(Box::new(comparison));
        self
    }

    /// Runs what the command line asks (see `--help`) and returns the exit code: 0 when it
    /// did, 1 when a declaration, an input, an implementation or a measurement failed (the
    /// reason is printed), 2 for a bad command line.
    pub fn run(self) -> ExitCode {
        let mode = match args::parse(std::env::args().skip(1)) {
            Ok(mode) => mode,
            Err(why) => {
                eprintln!("error: {why}");
                return ExitCode::from(2);
            }
        };
        let done = match mode {
            Mode::Help => {
                println!("{}", args::USAGE);
                Ok(())
            }
            Mode::Catalog => self.catalog(),
            Mode::Entries => self.declared().and_then(|d| entries(&d)),
            Mode::Check { small } => self.declared().and_then(|d| check(&d, small)),
            Mode::Child(child) => self.declared().and_then(|d| run_child(&d, &child)),
            Mode::Calls {
                comparison,
                implementation,
                calls,
            } => self.declared().and_then(|d| {
                selected(&d, std::slice::from_ref(&comparison))?
                    .iter()
                    .try_for_each(|c| c.call(&implementation, calls))
            }),
            Mode::Run(run) => self.declared().and_then(|d| run_parent(&d, &run)),
        };
        match done {
            Ok(()) => ExitCode::SUCCESS,
            Err(why) => {
                eprintln!("error: {why}");
                ExitCode::from(1)
            }
        }
    }

    /// The comparisons, if there is at least one and none has a mistake.
    fn declared(&self) -> Result<Vec<&dyn Declared>, String> {
        if self.declared.is_empty() {
            return Err("no comparison declared: add one with Comparisons::new().add(…)".into());
        }
        let mut mistakes: Vec<String> = self.declared.iter().flat_map(|d| d.mistakes()).collect();
        for (i, d) in self.declared.iter().enumerate() {
            if self.declared[..i].iter().any(|e| e.name() == d.name()) {
                mistakes.push(format!("comparison `{}` is declared twice", d.name()));
            }
        }
        if !mistakes.is_empty() {
            return Err(format!(
                "the declaration has mistakes:\n  {}",
                mistakes.join("\n  ")
            ));
        }
        Ok(self.declared.iter().map(|d| d.as_ref()).collect())
    }

    /// Prints what `ledger pair` reads: the handshake, the catalog and any mistakes (which it
    /// reports as its own error).
    fn catalog(&self) -> Result<(), String> {
        let mut mistakes: Vec<String> = self.declared.iter().flat_map(|d| d.mistakes()).collect();
        if self.declared.is_empty() {
            mistakes.push("no comparison declared: add one with Comparisons::new().add(…)".into());
        }
        let listing = serde_json::json!({
            "ledger_pair": HANDSHAKE,
            "catalog": catalog_of(&self.declared.iter().map(|d| d.as_ref()).collect::<Vec<_>>()),
            "mistakes": mistakes,
        });
        println!("{listing}");
        Ok(())
    }
}

/// Prints the entry points of every implementation, as `ledger codegen --entries` prints the
/// workbench's.
fn entries(declared: &[&dyn Declared]) -> Result<(), String> {
    let anchor_at = crate::comparison::anchor as fn() -> u64 as usize;
    let points = EntryPoints {
        arch: std::env::consts::ARCH.to_owned(),
        anchor: crate::comparison::ANCHOR.to_owned(),
        entries: declared.iter().flat_map(|d| d.entries(anchor_at)).collect(),
    };
    let text = serde_json::to_string(&points).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}

fn catalog_of(declared: &[&dyn Declared]) -> Catalog {
    Catalog {
        schema: CATALOG_SCHEMA,
        families: declared.iter().map(|d| d.entry()).collect(),
    }
}

fn check(declared: &[&dyn Declared], small: bool) -> Result<(), String> {
    for d in declared {
        let inputs = d.check(small)?;
        eprintln!(
            "{}: every implementation agrees on {}",
            d.name(),
            inputs.join(", ")
        );
    }
    Ok(())
}

/// The comparisons `names` selects (all when empty).
fn selected<'a>(
    declared: &[&'a dyn Declared],
    names: &[String],
) -> Result<Vec<&'a dyn Declared>, String> {
    for name in names {
        if !declared.iter().any(|d| d.name() == name) {
            let known: Vec<&str> = declared.iter().map(|d| d.name()).collect();
            return Err(format!(
                "no comparison `{name}`; declared: {}",
                known.join(", ")
            ));
        }
    }
    Ok(declared
        .iter()
        .copied()
        .filter(|d| names.is_empty() || names.iter().any(|n| n == d.name()))
        .collect())
}

/// The parent: checks every comparison, runs screening and confirmation in fresh processes,
/// writes the catalog beside the rounds and prints the verdicts.
fn run_parent(declared: &[&dyn Declared], run: &RunArgs) -> Result<(), String> {
    let started = Instant::now();
    let declared = selected(declared, &run.comparisons)?;
    check(&declared, false)?;
    let out = match &run.out {
        Some(out) => out.clone(),
        None => default_out()?,
    };
    let rounds_dir = out.join("protocol");
    if rounds_dir.exists() {
        std::fs::remove_dir_all(&rounds_dir)
            .map_err(|e| format!("cannot clear {}: {e}", rounds_dir.display()))?;
    }
    std::fs::create_dir_all(&rounds_dir)
        .map_err(|e| format!("cannot create {}: {e}", rounds_dir.display()))?;
    let catalog = catalog_of(&declared);
    write_json(&out.join("catalog.json"), &catalog)?;
    let program = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    for layout in &run.layouts {
        if !layout.is_file() {
            return Err(format!(
                "--layout-binary {}: no such file",
                layout.display()
            ));
        }
    }
    let base = run.seed.unwrap_or_else(clock_seed);
    eprintln!(
        "{} comparison(s), {} screening processes ({} where a pick is not yet clear), then \
         confirmation with looks at {:?}, seed {base}, {}",
        declared.len(),
        run.screen,
        run.screen_cap,
        run.looks.at(),
        match run.layouts.len() {
            0 => "every process on this build (one code layout: the interval does not cover \
                  another)"
                .to_owned(),
            n => format!("{n} code layouts, one per process in turn"),
        }
    );
    let mut prefix: Vec<String> = vec!["--ledger-child".into(), "--out".into()];
    prefix.push(rounds_dir.display().to_string());
    prefix.extend([
        "--screen".into(),
        run.screen.to_string(),
        "--screen-cap".into(),
        run.screen_cap.to_string(),
        "--looks".into(),
        run.looks.spelled(),
        "--rounds".into(),
        run.rounds.to_string(),
        "--batch-ms".into(),
        run.batch_ms.to_string(),
    ]);
    let mut spawner = Spawner {
        program,
        prefix: prefix.into_iter().map(Into::into).collect(),
        layouts: run.layouts.clone(),
        out: rounds_dir.clone(),
        screen: run.screen_cap,
        base,
    };
    let plan = Plan {
        screen: run.screen,
        screen_cap: run.screen_cap,
        looks: run.looks.clone(),
    };
    let outcomes = driver::drive(&catalog.families, &plan, &mut spawner, &mut |line| {
        eprintln!("  {line}");
    })?;
    print_screening(&catalog, &rounds_dir)?;
    let mut failed = Vec::new();
    for outcome in &outcomes {
        let headline = catalog
            .family(&outcome.family)
            .map_or("", |f| f.headline.name.as_str());
        print_outcome(outcome, headline, run, &mut failed);
    }
    println!(
        "rounds and catalog in {} ({:.0?}); `ledger report --results {}` renders them",
        out.display(),
        started.elapsed(),
        out.display()
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("no verdict for {}", failed.join(", ")))
    }
}

/// Where the results go when `--out` is not given: beside cargo's output, per bench target.
fn default_out() -> Result<PathBuf, String> {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| "target".into(), PathBuf::from);
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let stem = exe
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // cargo names a bench binary `NAME-HASH`.
    let name = stem
        .rsplit_once('-')
        .map_or(stem.as_str(), |(name, _)| name);
    Ok(target.join("ledger-pair").join(name))
}

/// Every input's screening: each implementation's time over the safe pick's. Descriptive: it
/// only picks the pair.
fn print_screening(catalog: &Catalog, dir: &Path) -> Result<(), String> {
    for family in &catalog.families {
        for input in &family.inputs {
            let cases = read_cases(dir, &family.name, Phase::Screen, &input.name)?;
            if let Ok(s) = screen(family, &cases.iter().collect::<Vec<_>>()) {
                let times: Vec<String> = s
                    .relative
                    .iter()
                    .map(|(name, r)| format!("{name} {r:.3}"))
                    .collect();
                println!(
                    "{} screening at `{}` ({} processes, time over {}'s, descriptive): {}",
                    family.name,
                    input.name,
                    s.processes,
                    s.pair.safe,
                    times.join(", ")
                );
            }
        }
    }
    Ok(())
}

fn print_outcome(outcome: &Outcome, headline: &str, run: &RunArgs, failed: &mut Vec<String>) {
    let c = match &outcome.confirmation {
        Ok(c) => c,
        Err(why) => {
            println!("{}: no verdict: {why}", outcome.family);
            failed.push(outcome.family.clone());
            return;
        }
    };
    let s = &c.speedup;
    println!(
        "{}: {} {:.3}x [{:.3}, {:.3}] at `{headline}` (safe time / unsafe time: `{}` against \
         `{}`), {} processes; one build saw {:.3}–{:.3}",
        outcome.family,
        c.call.label(),
        s.point,
        s.lower,
        s.upper,
        c.pair.unsafe_,
        c.pair.safe,
        c.processes,
        s.lowest,
        s.highest
    );
    for (what, control) in c.controls() {
        match control {
            Some(k) => println!(
                "  control, {what}: {:.3} [{:.3}, {:.3}] against {}, {}",
                k.ratio.point,
                k.ratio.lower,
                k.ratio.upper,
                k.target,
                k.state.label()
            ),
            None => println!("  control, {what}: not measured"),
        }
    }
    if c.call == Call::Inconclusive {
        match processes_needed(s, &run.looks) {
            Some(n) => println!("  undecided at the cap: roughly {n} processes would decide it"),
            None => println!("  undecided at the cap: more than 1000 processes would be needed"),
        }
    }
}

/// One process: measures its comparisons in an order of its own, each into its file.
fn run_child(declared: &[&dyn Declared], child: &ChildArgs) -> Result<(), String> {
    let phase = match child.phase.as_str() {
        "screen" => Phase::Screen,
        "confirm" => Phase::Confirm,
        other => return Err(format!("--phase `{other}`: screen or confirm")),
    };
    let find = |name: &str| {
        declared
            .iter()
            .copied()
            .find(|d| d.name() == name)
            .ok_or(format!("no comparison `{name}`"))
    };
    let mut tasks: Vec<(&dyn Declared, Option<Pair>)> = Vec::new();
    for name in &child.screens {
        tasks.push((find(name)?, None));
    }
    for spec in &child.confirms {
        let (name, safe, unsafe_) =
            parse_confirm(spec).ok_or(format!("--confirm `{spec}`: not NAME=SAFE,UNSAFE"))?;
        let pair = Pair {
            safe: safe.to_owned(),
            unsafe_: unsafe_.to_owned(),
        };
        tasks.push((find(name)?, Some(pair)));
    }
    shuffle(
        &mut tasks,
        &mut Rng::new(&format!("families/{}", child.seed)),
    );
    let batch = Duration::from_secs_f64(child.batch_ms / 1000.0);
    for (d, pair) in &tasks {
        let started = Instant::now();
        let path = process_file(&child.out, d.name(), phase, child.process);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let mut out = Writer::create(&path)?;
        out.line(&Line::Process(ProcessHeader {
            schema: ROUNDS_SCHEMA,
            phase,
            process: child.process,
            processes: match phase {
                Phase::Screen => child.screen,
                Phase::Confirm => child.looks.cap(),
            },
            looks: match phase {
                Phase::Screen => Vec::new(),
                Phase::Confirm => child.looks.at().to_vec(),
            },
            seed: child.seed,
            rounds: child.rounds,
            batch_target_ns: batch.as_nanos() as u64,
            layout: child.layout.clone(),
        }))?;
        let timing = Timing {
            rounds: child.rounds,
            batch,
            seed: child.seed,
        };
        let cases = d.measure(pair.as_ref(), timing, &mut out)?;
        out.line(&Line::End(ProcessEnd {
            cases,
            seconds: started.elapsed().as_secs_f64(),
        }))?;
    }
    Ok(())
}

fn write_json(path: &Path, value: &impl serde::Serialize) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n").map_err(|e| format!("cannot write {}: {e}", path.display()))
}
