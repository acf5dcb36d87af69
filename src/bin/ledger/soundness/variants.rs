//! Each unsafe variant alone under each checker, and the kernels' whole suites.

use anyhow::bail;
use kernels::Family;
use wire::soundness::{Outcome, SuiteCheck, VariantCheck};

use super::checkers::{ASAN_MAX_UNITS, Tool, cargo, did_not_start, first_error};
use crate::last_lines;
use crate::process::{output, text};

pub fn variant_check(tool: Tool, family: &Family, variant: &str) -> anyhow::Result<VariantCheck> {
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

pub fn suite_check(tool: Tool) -> anyhow::Result<SuiteCheck> {
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
