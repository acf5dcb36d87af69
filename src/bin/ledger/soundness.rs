//! `ledger soundness`: runs every unsafe variant and every hazard of the gallery alone under each
//! checker, and writes what they found to `soundness.json` (`reports::wire::soundness`).
//!
//! One process per variant and per hazard, because Miri and the sanitizers stop at their first
//! finding: a finding is then charged to what caused it, and nothing after it goes unchecked.
//! `scripts/soundness.sh` installs the nightly toolchain, Miri and rust-src first.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use anyhow::{Context, bail};
use kernels::Family;
use reports::wire::soundness::{
    Checker, FuzzRun, HazardCheck, HazardRecord, Outcome, SOUNDNESS_SCHEMA, SafeRefusal,
    SoundnessFile, SuiteCheck, VariantCheck,
};

use crate::{last_lines, write_json};

/// Miri's settings for everything that can run under strict provenance.
const MIRI_STRICT: &str = "-Zmiri-symbolic-alignment-check -Zmiri-strict-provenance";
/// rayon's work-stealing deques (crossbeam-epoch) keep tags in pointer bits and are known not
/// to satisfy Stacked Borrows (crossbeam-rs/crossbeam#545); their variants run under Tree
/// Borrows with permissive provenance, and the global collector's deferred garbage is not a leak.
const MIRI_RAYON: &str = "-Zmiri-symbolic-alignment-check -Zmiri-permissive-provenance \
                          -Zmiri-ignore-leaks";
/// Inputs up to this many units under AddressSanitizer: realistic sizes.
const ASAN_MAX_UNITS: usize = 1 << 20;
/// Where the sanitizer builds go, apart from the ordinary target directory.
const ASAN_TARGET_DIR: &str = "target/sanitizers/address";
const TSAN_TARGET_DIR: &str = "target/sanitizers/thread";
const HOST_TARGET: &str = "x86_64-unknown-linux-gnu";

#[derive(clap::Args)]
pub struct Args {
    /// Where `soundness.json` goes.
    #[arg(long, default_value = "target/ledger/soundness")]
    out: PathBuf,
    /// Check only these unsafe variants (`family/variant`, repeatable); the suites and the
    /// hazard gallery are then skipped.
    #[arg(long = "variant", value_name = "FAMILY/VARIANT")]
    variants: Vec<String>,
    /// Skip the hazard gallery.
    #[arg(long)]
    no_hazards: bool,
    /// Skip the whole-suite runs.
    #[arg(long)]
    no_suites: bool,
    /// Skip AddressSanitizer and ThreadSanitizer.
    #[arg(long)]
    no_sanitizers: bool,
    /// Seconds of differential fuzzing per fuzz target (cargo-fuzz, nightly); 0 skips it.
    #[arg(long, default_value_t = 60)]
    fuzz_seconds: u64,
}

/// The fuzz targets of `kernels/fuzz` and the families each checks; a test keeps this list
/// and the targets' sources in step, and every family with an unsafe variant covered.
pub const FUZZ_TARGETS: &[(&str, &[&str])] = &[
    ("text", &["text"]),
    ("cast", &["cast", "cast_u64"]),
    ("serial", &["serial_encode", "serial_decode"]),
    ("pool", &["pool", "pool_rayon"]),
];

/// A checker: its record name and how to run a test binary or program under it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tool {
    MiriStacked,
    MiriTree,
    MiriNoSymbolicAlignment,
    Address,
    Thread,
    NativeDebug,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Self::MiriStacked => "miri-stacked-borrows",
            Self::MiriTree => "miri-tree-borrows",
            Self::MiriNoSymbolicAlignment => "miri-without-symbolic-alignment",
            Self::Address => "address-sanitizer",
            Self::Thread => "thread-sanitizer",
            Self::NativeDebug => "native-debug",
        }
    }

    fn miri_flags(self, rayon: bool) -> Option<String> {
        let base = if rayon { MIRI_RAYON } else { MIRI_STRICT };
        match self {
            Self::MiriStacked => Some(base.to_owned()),
            Self::MiriTree => Some(format!("{base} -Zmiri-tree-borrows")),
            Self::MiriNoSymbolicAlignment => Some("-Zmiri-strict-provenance".to_owned()),
            _ => None,
        }
    }

    fn settings(self) -> String {
        match self {
            Self::MiriStacked | Self::MiriTree => format!(
                "cargo +nightly miri, MIRIFLAGS={} (rayon variants: {})",
                self.miri_flags(false).unwrap_or_default(),
                self.miri_flags(true).unwrap_or_default()
            ),
            Self::MiriNoSymbolicAlignment => format!(
                "cargo +nightly miri, MIRIFLAGS={} (the misalignment hazard only)",
                self.miri_flags(false).unwrap_or_default()
            ),
            Self::Address => format!(
                "cargo +nightly, RUSTFLAGS=-Zsanitizer=address, --target {HOST_TARGET}, \
                 ASAN_OPTIONS=detect_stack_use_after_return=1, inputs up to {ASAN_MAX_UNITS} units"
            ),
            Self::Thread => format!(
                "cargo +nightly -Zbuild-std, RUSTFLAGS=-Zsanitizer=thread, --target {HOST_TARGET}"
            ),
            Self::NativeDebug => "cargo build (stable, debug: debug assertions and the \
                                  standard library's precondition checks on)"
                .to_owned(),
        }
    }

    /// What a checker prints when it stops a program.
    fn error_marker(self) -> &'static str {
        match self {
            Self::Address => "ERROR: AddressSanitizer",
            Self::Thread => "WARNING: ThreadSanitizer",
            Self::NativeDebug => "",
            _ => "error: Undefined Behavior",
        }
    }
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let progress = |what: &str| eprintln!("[{:>4}s] {what}", started.elapsed().as_secs());
    let toolchain = text(&checked(Command::new("rustc").args(["+nightly", "-V"]))?.stdout)
        .trim()
        .to_owned();

    let unsafe_variants: Vec<(&Family, &str)> = kernels::unsafe_variants()
        .map(|(f, v)| (f, v.name))
        .filter(|(f, v)| {
            let f = f.name;
            args.variants.is_empty() || args.variants.iter().any(|w| *w == format!("{f}/{v}"))
        })
        .collect();
    for wanted in &args.variants {
        if !unsafe_variants
            .iter()
            .any(|(f, v)| *wanted == format!("{}/{v}", f.name))
        {
            bail!("`{wanted}` is not an unsafe variant of the registry (see `ledger list`)");
        }
    }
    let only_variants = !args.variants.is_empty();

    let mut tools = vec![Tool::MiriStacked, Tool::MiriTree];
    if !args.no_sanitizers {
        tools.push(Tool::Address);
    }
    let mut variants = Vec::new();
    for tool in &tools {
        if *tool == Tool::Address {
            progress("building the kernels' tests with AddressSanitizer (several minutes)");
        }
        for (family, variant) in &unsafe_variants {
            progress(&format!("{}: {}/{variant}", tool.name(), family.name));
            let check = variant_check(*tool, family, variant)?;
            if check.outcome == Outcome::Finding {
                progress(&format!(
                    "  FINDING: {}",
                    check.finding.as_deref().unwrap_or("")
                ));
            }
            variants.push(check);
        }
    }

    let mut suites = Vec::new();
    if !(args.no_suites || only_variants) {
        progress("miri-tree-borrows: the kernels' whole suite (rayon and per-variant tests apart)");
        suites.push(suite_check(Tool::MiriTree)?);
        if !args.no_sanitizers {
            progress("address-sanitizer: the kernels' whole suite");
            suites.push(suite_check(Tool::Address)?);
        }
    }

    let mut hazards = Vec::new();
    if !(args.no_hazards || only_variants) {
        progress("building the hazard gallery (native debug, Miri, sanitizers)");
        let builds = HazardBuilds::make(!args.no_sanitizers)?;
        for listing in builds.list()? {
            progress(&format!("hazard {}", listing.id));
            hazards.push(builds.record(listing)?);
        }
    }

    let mut fuzz = Vec::new();
    if args.fuzz_seconds > 0 && !only_variants {
        progress("building the fuzz targets (cargo-fuzz, AddressSanitizer)");
        for (target, families) in FUZZ_TARGETS {
            progress(&format!(
                "fuzz {target} ({}) for {} s",
                families.join(", "),
                args.fuzz_seconds
            ));
            let run = fuzz_run(target, families, args.fuzz_seconds)?;
            progress(&format!(
                "  {} executions{}",
                run.executions,
                run.finding
                    .as_deref()
                    .map_or_else(String::new, |f| format!(", FINDING: {f}"))
            ));
            fuzz.push(run);
        }
    }

    let mut checkers: Vec<Tool> = tools.clone();
    if !hazards.is_empty() {
        checkers.extend([Tool::MiriNoSymbolicAlignment, Tool::NativeDebug]);
        if !args.no_sanitizers {
            checkers.push(Tool::Thread);
        }
    }
    let file = SoundnessFile {
        schema: SOUNDNESS_SCHEMA,
        date: crate::provenance::rfc3339_now(),
        toolchain,
        checkers: checkers
            .iter()
            .map(|t| Checker {
                name: t.name().to_owned(),
                settings: t.settings(),
            })
            .collect(),
        variants,
        suites,
        hazards,
        fuzz,
    };
    write_json(&args.out.join("soundness.json"), &file)?;

    let findings: Vec<String> = file
        .variants
        .iter()
        .filter(|c| c.outcome == Outcome::Finding)
        .map(|c| format!("{}/{} under {}", c.family, c.variant, c.checker))
        .chain(
            file.suites
                .iter()
                .filter(|s| s.outcome == Outcome::Finding)
                .map(|s| format!("{} under {}", s.suite, s.checker)),
        )
        .chain(
            file.fuzz
                .iter()
                .filter(|f| f.outcome == Outcome::Finding)
                .map(|f| format!("fuzz target {}", f.target)),
        )
        .collect();
    let clean = file
        .variants
        .iter()
        .filter(|c| c.outcome == Outcome::Clean)
        .count();
    progress(&format!(
        "{clean} variant checks clean, {} findings; {} hazards recorded",
        findings.len(),
        file.hazards.len()
    ));
    for h in &file.hazards {
        let caught: Vec<&str> = h
            .checks
            .iter()
            .filter(|c| c.caught)
            .map(|c| c.checker.as_str())
            .collect();
        eprintln!(
            "  {:<34} caught by: {}; safe way: {}",
            h.id,
            if caught.is_empty() {
                "nothing".to_owned()
            } else {
                caught.join(", ")
            },
            if h.safe.refused {
                h.safe.how.as_str()
            } else {
                "DID NOT REFUSE"
            }
        );
    }
    if !findings.is_empty() {
        bail!("the checkers found problems: {}", findings.join("; "));
    }
    if let Some(h) = file.hazards.iter().find(|h| !h.safe.refused) {
        bail!(
            "safe Rust did not refuse hazard {}: {}",
            h.id,
            h.safe.detail
        );
    }
    Ok(())
}

/// Runs `command`, failing only if it cannot be started.
fn output(command: &mut Command) -> anyhow::Result<Output> {
    command
        .output()
        .with_context(|| format!("cannot run {command:?}"))
}

/// Runs `command` and requires success.
fn checked(command: &mut Command) -> anyhow::Result<Output> {
    let out = output(command)?;
    if !out.status.success() {
        bail!(
            "{command:?} failed ({}):\n{}",
            out.status,
            last_lines(&text(&out.stderr), 20)
        );
    }
    Ok(out)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The checker's first error line and the one after it; failing that, a panic message or the
/// last lines of output.
fn first_error(tool: Tool, stderr: &str, stdout: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    let marker = tool.error_marker();
    let at = lines
        .iter()
        .position(|l| !marker.is_empty() && l.contains(marker))
        .or_else(|| lines.iter().position(|l| l.contains("panicked at")))
        .or_else(|| lines.iter().position(|l| l.starts_with("error")));
    match at {
        Some(i) => lines[i..lines.len().min(i + 2)]
            .iter()
            .map(|l| l.trim())
            .collect::<Vec<_>>()
            .join(" "),
        None => {
            let all = format!("{stdout}\n{stderr}");
            last_lines(all.trim(), 3)
        }
    }
}

/// A cargo command for `tool` (Miri, a sanitizer build for the host target, or plain cargo)
/// whose program sees the environment variables `vars`.
fn cargo(tool: Tool, subcommand: &str, rayon: bool, vars: &[(&str, String)]) -> Command {
    let mut command = Command::new("cargo");
    match tool {
        Tool::MiriStacked | Tool::MiriTree | Tool::MiriNoSymbolicAlignment => {
            command.args(["+nightly", "miri", subcommand, "--locked"]);
            // cargo-miri replays the environment of the build that made the test binary, so
            // a variable that changes between runs reaches the program only through MIRIFLAGS
            // (read at every run).
            let mut flags = tool.miri_flags(rayon).unwrap_or_default();
            for (key, value) in vars {
                flags.push_str(&format!(" -Zmiri-env-set={key}={value}"));
            }
            command.env("MIRIFLAGS", flags);
            return command;
        }
        Tool::Address | Tool::Thread => {
            let (flag, dir) = if tool == Tool::Address {
                ("-Zsanitizer=address", ASAN_TARGET_DIR)
            } else {
                ("-Zsanitizer=thread", TSAN_TARGET_DIR)
            };
            // The host target keeps build scripts and proc-macros out of the sanitizer.
            command.args(["+nightly", subcommand, "--locked", "--target", HOST_TARGET]);
            if tool == Tool::Thread {
                // ThreadSanitizer changes the ABI: the standard library must be built with it
                // too (from rust-src), or rustc refuses to link it.
                command.arg("-Zbuild-std");
            }
            command.env("RUSTFLAGS", flag);
            command.env("RUSTDOCFLAGS", flag);
            command.env("CARGO_TARGET_DIR", dir);
            command.env("ASAN_OPTIONS", "detect_stack_use_after_return=1");
        }
        Tool::NativeDebug => {
            command.args([subcommand, "--locked"]);
        }
    }
    command.envs(vars.iter().map(|(k, v)| (*k, v.as_str())));
    command
}

/// Whether cargo failed before running anything: a compile error or a lock file out of date is
/// the project's problem, not a checker's finding. libtest prints `running N tests` when a test
/// binary starts, before any test can fail.
fn did_not_start(stdout: &str) -> bool {
    !stdout.lines().any(|l| l.starts_with("running "))
}

fn variant_check(tool: Tool, family: &Family, variant: &str) -> anyhow::Result<VariantCheck> {
    let rayon = family.spawns_threads;
    let family = family.name;
    let mut check = VariantCheck {
        family: family.to_owned(),
        variant: variant.to_owned(),
        checker: tool.name().to_owned(),
        outcome: Outcome::NotRun,
        inputs: None,
        finding: None,
        note: None,
    };
    if rayon && tool == Tool::MiriStacked {
        check.note = Some(
            "not run: rayon's work-stealing deques (crossbeam-epoch) violate Stacked Borrows \
             themselves (crossbeam-rs/crossbeam#545); covered under Tree Borrows"
                .to_owned(),
        );
        return Ok(check);
    }
    let mut vars = vec![("LEDGER_VARIANT", format!("{family}/{variant}"))];
    if tool == Tool::Address {
        vars.push(("LEDGER_SOUNDNESS_MAX", ASAN_MAX_UNITS.to_string()));
    }
    let mut command = cargo(tool, "test", rayon, &vars);
    command
        .args(["-p", "unsafe-ledger-kernels", "--test", "soundness"])
        .args(["--", "--nocapture"]);
    if rayon && tool.miri_flags(true).is_some() {
        check.note = Some("permissive provenance (rayon)".to_owned());
    }
    let out = output(&mut command)?;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    // libtest may print the test's name on the same line, before the test's own output.
    let reports: Vec<&str> = stdout
        .lines()
        .filter_map(|l| Some(l.split_once("soundness: ")?.1))
        .collect();
    let marker = format!("{family}/{variant}: ");
    let inputs = reports.iter().find_map(|r| {
        r.strip_prefix(&marker)?
            .strip_suffix(" inputs")?
            .parse()
            .ok()
    });
    let ran = reports.len();
    if ran > 1 {
        bail!(
            "{}: the soundness test ran {ran} variants instead of {family}/{variant} alone: \
             LEDGER_VARIANT did not reach it",
            tool.name()
        );
    }
    if did_not_start(&stdout) {
        bail!(
            "{} could not build or start the kernels' tests:\n{}",
            tool.name(),
            last_lines(&stderr, 20)
        );
    } else if out.status.success() && inputs.is_some() {
        check.outcome = Outcome::Clean;
        check.inputs = inputs;
    } else {
        check.outcome = Outcome::Finding;
        check.finding = Some(first_error(tool, &stderr, &stdout));
    }
    Ok(check)
}

fn suite_check(tool: Tool) -> anyhow::Result<SuiteCheck> {
    let mut command = cargo(tool, "test", false, &[]);
    command.args(["-p", "unsafe-ledger-kernels"]);
    if tool != Tool::Address {
        // Under Miri, the rayon tests and the soundness test run per variant above (the rayon
        // ones with the settings rayon needs); running them again here would double the
        // longest part of the run for no new evidence.
        command.args([
            "--",
            "--skip",
            "rayon",
            "--skip",
            "each_unsafe_variant_agrees_with_its_reference",
        ]);
    }
    let out = output(&mut command)?;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    if did_not_start(&stdout) {
        bail!(
            "{} could not build or start the kernels' test suite:\n{}",
            tool.name(),
            last_lines(&stderr, 20)
        );
    }
    let passed = stdout
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("test result: ")?;
            rest.split_once(". ")?
                .1
                .split(' ')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .sum();
    let clean = out.status.success();
    Ok(SuiteCheck {
        suite: if tool == Tool::Address {
            "kernels: every test".to_owned()
        } else {
            "kernels: every test but rayon's and the per-variant soundness test".to_owned()
        },
        checker: tool.name().to_owned(),
        outcome: if clean {
            Outcome::Clean
        } else {
            Outcome::Finding
        },
        passed,
        finding: (!clean).then(|| first_error(tool, &stderr, &stdout)),
    })
}

/// One bounded run of a differential fuzz target; a mismatch or crash is a finding.
fn fuzz_run(target: &str, families: &[&str], seconds: u64) -> anyhow::Result<FuzzRun> {
    let out = output(
        Command::new("cargo")
            .current_dir("kernels")
            .args(["+nightly", "fuzz", "run", target])
            .arg("--")
            .arg(format!("-max_total_time={seconds}")),
    )?;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    let executions = stderr
        .lines()
        .filter_map(|l| l.split_once("Done ")?.1.split(' ').next()?.parse().ok())
        .next_back();
    // libFuzzer prints `#N ...` status lines as it runs; none means the target never started.
    let started = stderr.lines().any(|l| l.starts_with("#"));
    if !started {
        bail!(
            "the fuzz target {target} did not start (is cargo-fuzz installed?):\n{}",
            last_lines(&stderr, 20)
        );
    }
    let artifact = stderr
        .lines()
        .find_map(|l| {
            l.split_once("Test unit written to ")?
                .1
                .split_whitespace()
                .next()
        })
        .map(str::to_owned);
    let clean = out.status.success() && executions.is_some();
    let last_count = || {
        stderr
            .lines()
            .filter_map(|l| l.strip_prefix('#')?.split_whitespace().next()?.parse().ok())
            .next_back()
            .unwrap_or(0)
    };
    Ok(FuzzRun {
        target: target.to_owned(),
        families: families.iter().map(|f| (*f).to_owned()).collect(),
        seconds,
        executions: executions.unwrap_or_else(last_count),
        outcome: if clean {
            Outcome::Clean
        } else {
            Outcome::Finding
        },
        finding: (!clean).then(|| {
            stderr
                .lines()
                .chain(stdout.lines())
                .find(|l| l.contains("panicked at") || l.contains("ERROR: "))
                .map_or_else(|| last_lines(&stderr, 3), |l| l.trim().to_owned())
        }),
        artifact,
    })
}

/// The hazard binary built once per checker that runs it as a program.
struct HazardBuilds {
    native: PathBuf,
    address: Option<PathBuf>,
    thread: Option<PathBuf>,
}

#[derive(serde::Deserialize)]
struct Listing {
    id: String,
    title: String,
    family: String,
    sanitizer: String,
    otherwise: String,
}

impl HazardBuilds {
    fn make(sanitizers: bool) -> anyhow::Result<Self> {
        let build = |tool: Tool, dir: &str| -> anyhow::Result<PathBuf> {
            checked(cargo(tool, "build", false, &[]).args(["-p", "unsafe-ledger-hazards"]))?;
            Ok(Path::new(dir).join("hazard"))
        };
        // Miri builds its own copy on the first `cargo miri run`.
        Ok(Self {
            native: build(Tool::NativeDebug, "target/debug")?,
            address: sanitizers
                .then(|| {
                    build(
                        Tool::Address,
                        &format!("{ASAN_TARGET_DIR}/{HOST_TARGET}/debug"),
                    )
                })
                .transpose()?,
            thread: sanitizers
                .then(|| {
                    build(
                        Tool::Thread,
                        &format!("{TSAN_TARGET_DIR}/{HOST_TARGET}/debug"),
                    )
                })
                .transpose()?,
        })
    }

    fn list(&self) -> anyhow::Result<Vec<Listing>> {
        let out = checked(Command::new(&self.native).arg("list"))?;
        serde_json::from_slice(&out.stdout).context("`hazard list` printed malformed JSON")
    }

    fn record(&self, listing: Listing) -> anyhow::Result<HazardRecord> {
        let mut checks = Vec::new();
        let mut miri = vec![Tool::MiriStacked, Tool::MiriTree];
        if listing.id.contains("misaligned") {
            miri.push(Tool::MiriNoSymbolicAlignment);
        }
        for tool in miri {
            let mut command = cargo(tool, "run", false, &[]);
            command.args(["-p", "unsafe-ledger-hazards", "--bin", "hazard", "--"]);
            checks.push(hazard_check(tool, command.args(["run", &listing.id]))?);
        }
        let sanitizer = match listing.sanitizer.as_str() {
            "thread" => self.thread.as_ref().map(|b| (Tool::Thread, b)),
            _ => self.address.as_ref().map(|b| (Tool::Address, b)),
        };
        if let Some((tool, binary)) = sanitizer {
            let mut command = Command::new(binary);
            command.env("ASAN_OPTIONS", "detect_stack_use_after_return=1");
            checks.push(hazard_check(tool, command.args(["run", &listing.id]))?);
        }
        checks.push(hazard_check(
            Tool::NativeDebug,
            Command::new(&self.native).args(["run", &listing.id]),
        )?);

        let out = output(Command::new(&self.native).args(["safe", &listing.id]))?;
        let safe: SafeRefusal = serde_json::from_slice(&out.stdout).with_context(|| {
            format!(
                "`hazard safe {}` printed no refusal: {}",
                listing.id,
                text(&out.stderr)
            )
        })?;
        Ok(HazardRecord {
            id: listing.id,
            title: listing.title,
            family: listing.family,
            checks,
            otherwise: listing.otherwise,
            safe,
        })
    }
}

fn hazard_check(tool: Tool, command: &mut Command) -> anyhow::Result<HazardCheck> {
    let out = output(command)?;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    if !stdout.contains("reproducing: ") {
        bail!(
            "{} could not build or start the hazard:\n{}",
            tool.name(),
            last_lines(&stderr, 20)
        );
    }
    let marker = tool.error_marker();
    // A checker caught the mistake when it stopped the program before it printed what it saw,
    // or (ThreadSanitizer, which reports and carries on) when it printed its warning.
    let observed = stdout.lines().find_map(|l| l.strip_prefix("observed: "));
    let caught = observed.is_none() || (!marker.is_empty() && stderr.contains(marker));
    Ok(HazardCheck {
        checker: tool.name().to_owned(),
        caught,
        detail: if caught {
            first_error(tool, &stderr, &stdout)
        } else {
            format!("not caught; the program saw: {}", observed.unwrap_or(""))
        },
    })
}

#[cfg(test)]
mod tests {
    use super::FUZZ_TARGETS;

    #[test]
    fn every_family_with_unsafe_code_has_a_fuzz_target_that_checks_it() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for (target, families) in FUZZ_TARGETS {
            let path = root.join(format!("kernels/fuzz/fuzz_targets/{target}.rs"));
            let source = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            for family in *families {
                assert!(
                    source.contains(&format!("check_family(\"{family}\"")),
                    "{target}.rs does not check {family}"
                );
            }
        }
        for (family, _) in kernels::unsafe_variants() {
            assert!(
                FUZZ_TARGETS.iter().any(|(_, fs)| fs.contains(&family.name)),
                "no fuzz target checks {}",
                family.name
            );
        }
    }
}
