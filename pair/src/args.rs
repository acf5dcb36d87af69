//! The command line of a bench target that uses this library.
//!
//! `cargo bench --bench NAME` runs it with `--bench` (ignored); `ledger pair` and the run's own
//! processes add the `--ledger-*` modes. Hand-parsed: a user's bench target should not pull in
//! an argument parser for this.

use std::path::PathBuf;

use protocol::sequential::Looks;

/// What the bench target was asked to do.
#[derive(Debug)]
pub(crate) enum Mode {
    /// Check, then screen and confirm every comparison (the default).
    Run(RunArgs),
    /// Print the catalog of the declared comparisons (`--ledger-catalog`), for `ledger pair`.
    Catalog,
    /// Print where each implementation's timed calls enter (`--ledger-entries`), for `ledger
    /// pair --codegen`.
    Entries,
    /// Check that every implementation agrees with the reference (`--ledger-check`), on every
    /// input or only on the check inputs (`--small`, for Miri).
    Check { small: bool },
    /// Be one process of a run (`--ledger-child`).
    Child(ChildArgs),
    /// Call one implementation `calls` times on the headline input (`--ledger-calls`), for
    /// `ledger pair --instructions` to count under callgrind.
    Calls {
        comparison: String,
        implementation: String,
        calls: u64,
    },
    /// Print the usage (`--help`).
    Help,
}

/// The run's plan and where it goes.
#[derive(Debug)]
pub(crate) struct RunArgs {
    pub out: Option<PathBuf>,
    pub screen: usize,
    /// The most screening processes; at least `screen` once parsed.
    pub screen_cap: usize,
    pub looks: Looks,
    pub rounds: usize,
    pub batch_ms: f64,
    pub seed: Option<u64>,
    pub layouts: Vec<PathBuf>,
    pub comparisons: Vec<String>,
}

/// One process of a run.
#[derive(Debug)]
pub(crate) struct ChildArgs {
    pub out: PathBuf,
    pub rounds: usize,
    pub batch_ms: f64,
    /// The most screening processes the run may start (recorded in each file's header).
    pub screen: usize,
    pub looks: Looks,
    pub phase: String,
    pub seed: u64,
    pub process: usize,
    pub layout: Option<String>,
    pub screens: Vec<String>,
    pub confirms: Vec<String>,
}

pub(crate) const USAGE: &str = "\
A bench target declared with unsafe-ledger-pair: screens every implementation, then confirms the
fastest safe one against the fastest unchecked one until the call is decided or the cap is
reached, each process on its own build when given layouts. `ledger pair` runs it with one build
per link order and writes the report; run alone, every process runs this build.

Options:
  --out DIR             where the results go (default: target/ledger-pair/<bench>)
  --quick               fewer processes: 2 screening (up to 6), looks at 4,6,9,13,19
  --screen N            screening processes (default 3)
  --screen-cap N        the most screening processes a comparison gets while its pick is
                        open (default 9; at least --screen)
  --looks A,B,..        confirmation looks, the last being the cap (default 4,6,9,13,19,27)
  --rounds N            rounds per case in each process (default 10)
  --batch-ms MS         the time each batch is calibrated to (default 2)
  --seed N              the run's seed (default: from the clock, recorded)
  --layout-binary FILE  a build of this target in its own code layout (repeatable)
  --comparison NAME     run only this comparison (repeatable)
  --ledger-check        only check that every implementation agrees on every input
  --small               with --ledger-check: only the inputs declared with .check_input (Miri)
  --ledger-catalog      print the declared comparisons as JSON
  --ledger-entries      print where each implementation's timed calls enter (JSON)
  --ledger-calls N      call --implementation NAME of --comparison NAME N times on the headline
                        input (what `ledger pair --instructions` counts)";

const DEFAULT_LOOKS: &[usize] = &[4, 6, 9, 13, 19, 27];
const QUICK_LOOKS: &[usize] = &[4, 6, 9, 13, 19];

/// Parses the arguments after the program's name.
pub(crate) fn parse(args: impl IntoIterator<Item = String>) -> Result<Mode, String> {
    let mut args = args.into_iter();
    let mut mode = "run";
    let mut run = RunArgs {
        out: None,
        screen: 3,
        screen_cap: 9,
        looks: Looks::new(DEFAULT_LOOKS)?,
        rounds: 10,
        batch_ms: 2.0,
        seed: None,
        layouts: Vec::new(),
        comparisons: Vec::new(),
    };
    let mut small = false;
    let (mut calls, mut implementation) = (None, None);
    let (mut phase, mut process, mut layout) = (None, None, None);
    let (mut screens, mut confirms) = (Vec::new(), Vec::new());
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--bench" => {}
            "--help" | "-h" => return Ok(Mode::Help),
            "--ledger-catalog" => mode = "catalog",
            "--ledger-entries" => mode = "entries",
            "--ledger-check" => mode = "check",
            "--ledger-child" => mode = "child",
            "--small" => small = true,
            "--ledger-calls" => {
                mode = "calls";
                calls = Some(number(&arg, &value()?)?);
            }
            "--implementation" => implementation = Some(value()?),
            "--quick" => {
                run.screen = 2;
                run.screen_cap = 6;
                run.looks = Looks::new(QUICK_LOOKS)?;
            }
            "--out" => run.out = Some(PathBuf::from(value()?)),
            "--screen" => run.screen = number(&arg, &value()?)?,
            "--screen-cap" => run.screen_cap = number(&arg, &value()?)?,
            "--looks" => {
                let at = value()?
                    .split(',')
                    .map(|n| number(&arg, n))
                    .collect::<Result<Vec<usize>, _>>()?;
                run.looks = Looks::new(&at).map_err(|why| format!("--looks: {why}"))?;
            }
            "--rounds" => run.rounds = number(&arg, &value()?)?,
            "--batch-ms" => {
                run.batch_ms = value()?
                    .parse()
                    .ok()
                    .filter(|ms: &f64| *ms > 0.0 && ms.is_finite())
                    .ok_or("--batch-ms needs a positive number of milliseconds")?;
            }
            "--seed" => run.seed = Some(number(&arg, &value()?)?),
            "--layout-binary" => run.layouts.push(PathBuf::from(value()?)),
            "--comparison" => run.comparisons.push(value()?),
            "--phase" => phase = Some(value()?),
            "--child" => process = Some(number(&arg, &value()?)?),
            "--layout" => layout = Some(value()?),
            "--family" => screens.push(value()?),
            "--confirm" => confirms.push(value()?),
            other => return Err(format!("unknown argument `{other}` (--help lists them)")),
        }
    }
    if run.rounds < 2 {
        return Err("--rounds must be at least 2".to_owned());
    }
    if run.screen < 1 {
        return Err("--screen must be at least 1: the pair is picked from screening".to_owned());
    }
    run.screen_cap = run.screen_cap.max(run.screen);
    Ok(match mode {
        "catalog" => Mode::Catalog,
        "entries" => Mode::Entries,
        "check" => Mode::Check { small },
        "calls" => {
            let [comparison] = &run.comparisons[..] else {
                return Err("--ledger-calls needs exactly one --comparison NAME".to_owned());
            };
            Mode::Calls {
                comparison: comparison.clone(),
                implementation: implementation.ok_or("--ledger-calls needs --implementation")?,
                calls: calls.unwrap_or(1),
            }
        }
        "child" => Mode::Child(ChildArgs {
            out: run.out.ok_or("--ledger-child needs --out")?,
            rounds: run.rounds,
            batch_ms: run.batch_ms,
            screen: run.screen_cap,
            looks: run.looks,
            phase: phase.ok_or("--ledger-child needs --phase")?,
            seed: run.seed.ok_or("--ledger-child needs --seed")?,
            process: process.ok_or("--ledger-child needs --child")?,
            layout,
            screens,
            confirms,
        }),
        _ => Mode::Run(run),
    })
}

fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{flag}: `{text}` is not a whole number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Result<Mode, String> {
        parse(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn cargo_bench_runs_with_the_default_plan() {
        let Ok(Mode::Run(run)) = parsed(&["--bench"]) else {
            panic!("not a run");
        };
        assert_eq!(
            (run.screen, run.screen_cap, run.looks.cap(), run.rounds),
            (3, 9, 27, 10)
        );
        let Ok(Mode::Run(quick)) = parsed(&["--quick", "--seed", "7"]) else {
            panic!("not a run");
        };
        assert_eq!(
            (
                quick.screen,
                quick.screen_cap,
                quick.looks.cap(),
                quick.seed
            ),
            (2, 6, 19, Some(7))
        );
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        let error = |args: &[&str]| parsed(args).err().unwrap_or_default();
        assert!(error(&["--frobnicate"]).contains("unknown argument `--frobnicate`"));
        assert!(error(&["--screen"]).contains("--screen needs a value"));
        assert!(error(&["--screen", "x"]).contains("not a whole number"));
        assert!(error(&["--looks", "5,3"]).contains("--looks"));
        assert!(error(&["--rounds", "1"]).contains("at least 2"));
        assert!(error(&["--batch-ms", "-1"]).contains("positive"));
        assert!(error(&["--ledger-child", "--out", "d"]).contains("--phase"));
    }
}
