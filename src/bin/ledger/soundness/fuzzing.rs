//! Bounded runs of the differential fuzz targets (`kernels/fuzz`, cargo-fuzz).

use std::process::Command;

use anyhow::bail;
use wire::soundness::{FuzzRun, Outcome};

use crate::last_lines;
use crate::process::{output, text};

/// The fuzz targets of `kernels/fuzz` and the families each checks; a test keeps this list
/// and the targets' sources in step, and every family with an unsafe variant covered.
pub const FUZZ_TARGETS: &[(&str, &[&str])] = &[
    ("text", &["text"]),
    ("cast", &["cast", "cast_u64"]),
    ("serial", &["serial_encode", "serial_decode"]),
    ("pool", &["pool", "pool_rayon"]),
    ("index", &["index"]),
    ("stencil", &["stencil"]),
    ("search", &["search"]),
    ("uninit", &["uninit", "uninit_read"]),
    ("dispatch", &["dispatch"]),
];

/// One bounded run of a differential fuzz target; a mismatch or crash is a finding.
pub fn fuzz_run(target: &str, families: &[&str], seconds: u64) -> anyhow::Result<FuzzRun> {
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
