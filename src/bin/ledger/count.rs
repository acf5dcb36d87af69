//! `ledger count`: instructions per call of every variant on its family's counted inputs,
//! under callgrind (native) or under QEMU user mode with the project's counting plugin
//! (`scripts/qemu/insn_count.c`), for any architecture QEMU emulates.
//!
//! Each count runs `ledger probe` as a separate program, once with one call and once with
//! `1 + calls` calls, and divides the difference by `calls`. Everything else the probe does
//! (start-up, generating the input, checking the result) is the same in both runs and cancels,
//! callees (memcpy, SIMD helpers) are included, and the first call's one-off work (growing a
//! buffer, filling a pool) is in both runs, so it cancels too.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, anyhow, bail};
use kernels::{FAMILIES, Family, Variant};
use wire::instructions::{
    CountEntry, INSTRUCTIONS_SCHEMA, InstructionFile, NO_REP_MOVSB, NO_REP_MOVSB_TUNABLES,
};

use crate::{last_lines, shown, write_json};

/// What counts the instructions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Counter {
    /// valgrind's callgrind on this machine's own architecture.
    Callgrind,
    /// QEMU user mode with the instruction-counting plugin.
    Qemu,
}

#[derive(clap::Args)]
pub struct Args {
    /// What counts the instructions.
    #[arg(long, value_enum)]
    counter: Counter,
    /// The ledger program to probe with (default: this one); for another architecture, its
    /// cross-built ledger.
    #[arg(long)]
    probe: Option<PathBuf>,
    /// QEMU's user-mode emulator for the probe's architecture.
    #[arg(long, default_value = "qemu-aarch64")]
    qemu: String,
    /// The counting plugin (a shared object built from scripts/qemu/insn_count.c).
    #[arg(long, required_if_eq("counter", "qemu"))]
    plugin: Option<PathBuf>,
    /// QEMU's `-L`: where the guest's dynamic loader and libraries live.
    #[arg(long)]
    sysroot: Option<PathBuf>,
    /// One more argument for QEMU, e.g. `--qemu-arg=-cpu --qemu-arg=max` (repeatable).
    #[arg(long = "qemu-arg", allow_hyphen_values = true)]
    qemu_args: Vec<String>,
    /// The probe's architecture, as recorded (default: this machine's).
    #[arg(long)]
    arch: Option<String>,
    /// `NAME=VALUE` in the counted program's environment (repeatable), e.g. `GLIBC_TUNABLES=…`.
    #[arg(long = "env")]
    env: Vec<String>,
    /// Steer glibc's memcpy/memset off `rep movsb`/`rep stosb` (x86), and record the counts
    /// under the setting `no-rep-movsb` instead of `default`.
    #[arg(long)]
    no_rep_movsb: bool,
    /// Count only this family (repeatable; default: every family).
    #[arg(long = "family")]
    families: Vec<String>,
    /// Count only this variant (repeatable; default: every variant).
    #[arg(long = "variant")]
    variants: Vec<String>,
    /// Calls measured beyond the first.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..))]
    calls: u64,
    /// Measure every count twice and record whether the two agree.
    #[arg(long)]
    check_repeatable: bool,
    /// Where to write the counts (JSON).
    #[arg(long)]
    out: PathBuf,
}

/// One family, variant and input to count.
struct Case {
    family: &'static Family,
    variant: &'static Variant,
    input: String,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let probe = match &args.probe {
        Some(path) => path.clone(),
        None => std::env::current_exe().context("cannot find the ledger program itself")?,
    };
    if !probe.is_file() {
        bail!("--probe `{}` is not a file", shown(&probe));
    }
    let env = args
        .env
        .iter()
        .map(|pair| {
            pair.split_once('=')
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .ok_or_else(|| anyhow!("--env takes NAME=VALUE, got `{pair}`"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut env = env;
    if args.no_rep_movsb {
        env.push((
            "GLIBC_TUNABLES".to_owned(),
            NO_REP_MOVSB_TUNABLES.to_owned(),
        ));
    }
    let setting = if args.no_rep_movsb {
        NO_REP_MOVSB
    } else {
        "default"
    };
    let counter = Runner {
        args,
        probe: &probe,
        env: &env,
    };
    let cases = cases(args)?;
    let started = Instant::now();
    let mut counts = Vec::with_capacity(cases.len());
    for (i, case) in cases.iter().enumerate() {
        let (per_call, repeatable) = counter.per_call(case)?;
        eprintln!(
            "[{:>3}/{}] {}/{} on {}: {per_call:.1} instructions per call{} ({:.0?} elapsed)",
            i + 1,
            cases.len(),
            case.family.name,
            case.variant.name,
            case.input,
            if repeatable { "" } else { ", NOT repeatable" },
            started.elapsed()
        );
        counts.push(CountEntry {
            family: case.family.name.to_owned(),
            variant: case.variant.name.to_owned(),
            input: case.input.clone(),
            per_call,
            repeatable,
        });
    }
    let file = InstructionFile {
        schema: INSTRUCTIONS_SCHEMA,
        arch: args
            .arch
            .clone()
            .unwrap_or_else(|| std::env::consts::ARCH.to_owned()),
        counter: match args.counter {
            Counter::Callgrind => "callgrind",
            Counter::Qemu => "qemu-plugin",
        }
        .to_owned(),
        emulated: args.counter == Counter::Qemu,
        setting: setting.to_owned(),
        env,
        method: format!(
            "(count of a probe run with {} calls - count with 1 call) / {}, whole program, \
             callees included",
            1 + args.calls,
            args.calls
        ),
        counts,
    };
    write_json(&args.out, &file)
}

/// Every measured variant of the selected families on their counted inputs, minus the inputs
/// a variant refuses (an unchecked view of misaligned bytes).
fn cases(args: &Args) -> anyhow::Result<Vec<Case>> {
    for name in &args.families {
        if kernels::family(name).is_none() {
            bail!("unknown family `{name}`");
        }
    }
    let mut cases = Vec::new();
    let mut variants_seen = vec![false; args.variants.len()];
    for family in FAMILIES {
        if !args.families.is_empty() && !args.families.iter().any(|f| f == family.name) {
            continue;
        }
        for spec in family.counted_inputs() {
            let input = spec.generate();
            for variant in family.measured() {
                if let Some(i) = args.variants.iter().position(|v| v == variant.name) {
                    variants_seen[i] = true;
                } else if !args.variants.is_empty() {
                    continue;
                }
                if let Err(refusal) = variant.bind(&input) {
                    eprintln!("   not counted: {refusal}");
                    continue;
                }
                cases.push(Case {
                    family,
                    variant,
                    input: spec.name.to_string(),
                });
            }
        }
    }
    if let Some(i) = variants_seen.iter().position(|seen| !seen) {
        bail!("no selected family has a variant `{}`", args.variants[i]);
    }
    if cases.is_empty() {
        bail!("nothing to count");
    }
    Ok(cases)
}

/// Runs probes under the chosen counter.
struct Runner<'a> {
    args: &'a Args,
    probe: &'a Path,
    env: &'a [(String, String)],
}

impl Runner<'_> {
    /// Instructions per call of one case, and whether repeated measurements agreed.
    fn per_call(&self, case: &Case) -> anyhow::Result<(f64, bool)> {
        let calls = self.args.calls;
        let one = self.total(case, 1)?;
        let many = self.total(case, 1 + calls)?;
        let mut repeatable = true;
        if self.args.check_repeatable {
            repeatable = self.total(case, 1)? == one && self.total(case, 1 + calls)? == many;
        }
        let difference = many as f64 - one as f64;
        if difference < 0.0 {
            bail!(
                "{}/{} on {}: {} calls counted fewer instructions ({many}) than 1 call ({one}); \
                 the probe is not deterministic enough to count",
                case.family.name,
                case.variant.name,
                case.input,
                1 + calls
            );
        }
        Ok((difference / calls as f64, repeatable))
    }

    /// Instructions the whole probe program executes with `iterations` calls.
    fn total(&self, case: &Case, iterations: u64) -> anyhow::Result<u64> {
        let probe_args: Vec<OsString> = [
            "probe",
            case.family.name,
            case.variant.name,
            "--input",
            &case.input,
            "--iterations",
            &iterations.to_string(),
        ]
        .iter()
        .map(OsString::from)
        .collect();
        match self.args.counter {
            Counter::Callgrind => {
                let mut command = Command::new("valgrind");
                command
                    .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
                    .arg(self.probe)
                    .args(&probe_args);
                let stderr = self.run(command, case)?;
                parse_after(&stderr, "Collected : ").ok_or_else(|| {
                    anyhow!(
                        "callgrind printed no `Collected :` line:\n{}",
                        last_lines(&stderr, 12)
                    )
                })
            }
            Counter::Qemu => {
                let log = std::env::temp_dir().join(format!(
                    "ledger-count-{}-{}.log",
                    std::process::id(),
                    iterations
                ));
                let mut command = Command::new(&self.args.qemu);
                if let Some(sysroot) = &self.args.sysroot {
                    command.arg("-L").arg(sysroot);
                }
                command
                    .args(&self.args.qemu_args)
                    .arg("-plugin")
                    .arg(self.args.plugin.as_deref().unwrap_or(Path::new("")))
                    .args(["-d", "plugin", "-D"])
                    .arg(&log)
                    .arg(self.probe)
                    .args(&probe_args);
                self.run(command, case)?;
                let text = std::fs::read_to_string(&log)
                    .with_context(|| format!("the plugin wrote no log at {}", log.display()))?;
                // Best effort: a stale log is overwritten by the next run anyway.
                let _ = std::fs::remove_file(&log);
                parse_after(&text, "insn_count: instructions ").ok_or_else(|| {
                    anyhow!(
                        "the plugin's log has no count (is it insn_count?):\n{}",
                        last_lines(&text, 12)
                    )
                })
            }
        }
    }

    /// Runs `command` with the configured environment; its stderr on success.
    fn run(&self, mut command: Command, case: &Case) -> anyhow::Result<String> {
        command.envs(self.env.iter().map(|(k, v)| (k, v)));
        let shown_command = format!("{command:?}");
        let output = crate::process::output(&mut command)?;
        let stderr = crate::process::text(&output.stderr);
        if !output.status.success() {
            bail!(
                "{}/{} on {}: {shown_command} failed ({}):\n{}",
                case.family.name,
                case.variant.name,
                case.input,
                output.status,
                last_lines(&stderr, 12)
            );
        }
        Ok(stderr)
    }
}

/// The number that follows the last occurrence of `marker` in `text`, thousands separators
/// (`,`) allowed.
pub(crate) fn parse_after(text: &str, marker: &str) -> Option<u64> {
    let (_, rest) = text.rsplit_once(marker)?;
    let digits: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::parse_after;

    #[test]
    fn counts_are_read_from_the_last_marker_with_separators() {
        let stderr = "==1== Events    : Ir\n==1== Collected : 1,234,567\n==1==\n";
        assert_eq!(parse_after(stderr, "Collected : "), Some(1_234_567));
        let log = "insn_count: instructions 5\ninsn_count: instructions 42\n";
        assert_eq!(parse_after(log, "insn_count: instructions "), Some(42));
        assert_eq!(parse_after("nothing here", "Collected : "), None);
        assert_eq!(parse_after("Collected : x", "Collected : "), None);
    }
}
