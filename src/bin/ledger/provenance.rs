//! `ledger provenance`: records where and how a bench run is measured, as `provenance.json`.

use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use wire::provenance::{PROVENANCE_SCHEMA, Provenance};

/// CPU features worth knowing when reading these kernels' numbers: SIMD widths and fast string
/// instructions (which decide how `memcpy` runs).
const INTERESTING_FLAGS: &[&str] = &[
    "sse4_2", "avx", "avx2", "avx512f", "avx512bw", "avx512vl", "bmi2", "erms", "fsrm", "asimd",
    "sve", "sve2",
];

pub fn run(plan: &str) -> anyhow::Result<()> {
    let provenance = collect(plan);
    serde_json::to_writer_pretty(std::io::stdout().lock(), &provenance)
        .context("writing the provenance")?;
    println!();
    Ok(())
}

/// This machine and toolchain, with this program's build flags and this checkout's revision.
pub fn collect(plan: &str) -> Provenance {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown-host".to_owned());
    let arch = std::env::consts::ARCH.to_owned();
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |names: &[&str]| {
        cpuinfo.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            names.contains(&key.trim()).then(|| value.trim().to_owned())
        })
    };
    let cpu_model = field(&["model name", "Model", "CPU part"]).unwrap_or_else(|| "unknown".into());
    let flags = field(&["flags", "Features"]).unwrap_or_default();
    let cpu_flags = INTERESTING_FLAGS
        .iter()
        .filter(|f| flags.split_whitespace().any(|g| g == **f))
        .map(|f| (*f).to_owned())
        .collect();
    let rustc = output("rustc", &["-vV"]).unwrap_or_else(|e| format!("unknown: {e}"));
    let line = |key: &str| {
        rustc
            .lines()
            .find_map(|l| l.strip_prefix(key).map(|v| v.trim().to_owned()))
            .unwrap_or_else(|| "unknown".to_owned())
    };
    Provenance {
        schema: PROVENANCE_SCHEMA,
        label: format!("{arch}-{host}"),
        host,
        os: std::env::consts::OS.to_owned(),
        arch,
        cpu_model,
        cpu_flags,
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        rustc_release: line("release:"),
        target: line("host:"),
        rustc,
        rustflags: env!("LEDGER_BUILD_RUSTFLAGS").to_owned(),
        git: git_describe(),
        date: rfc3339_now(),
        plan: plan.to_owned(),
    }
}

/// `git describe --always --dirty` of the working tree, or why it is unknown.
pub fn git_describe() -> String {
    git_describe_in(std::path::Path::new("."))
}

/// `git describe --always --dirty` of the working tree at `dir` (a user's crate), or why it is
/// unknown.
pub fn git_describe_in(dir: &std::path::Path) -> String {
    crate::process::checked(
        Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["describe", "--always", "--dirty"]),
    )
    .map(|out| crate::process::text(&out.stdout).trim().to_owned())
    .unwrap_or_else(|e| format!("unknown: {e:#}"))
}

/// What `program args` printed, or why it is unknown (shown in the provenance as such).
fn output(program: &str, args: &[&str]) -> Result<String, String> {
    crate::process::checked(Command::new(program).args(args))
        .map(|out| crate::process::text(&out.stdout))
        .map_err(|e| format!("{e:#}"))
}

/// Now, UTC, as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::civil_from_days;

    #[test]
    fn calendar() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(20_415), (2025, 11, 23));
    }
}
