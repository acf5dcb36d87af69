//! `ledger pair --instructions`: instructions per call of every implementation at each
//! comparison's headline input, under callgrind, the way `ledger count` counts the families:
//! the bench target run once with 1 call and once with `1 + CALLS` calls, the difference
//! divided by `CALLS`, so that start-up, making the input and the agreement check cancel.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, anyhow, bail};
use wire::catalog::Catalog;
use wire::instructions::{CountEntry, INSTRUCTIONS_SCHEMA, InstructionFile};

use crate::count::parse_after;
use crate::{last_lines, shown, write_json};

/// Calls counted beyond the first.
const CALLS: u64 = 4;

/// Counts every implementation of every comparison in `catalog` and writes
/// `results/instructions/<arch>-callgrind.json`.
pub fn count(program: &Path, catalog: &Catalog, results: &Path) -> anyhow::Result<()> {
    let valgrind = Command::new("valgrind").arg("--version").output();
    if !valgrind.is_ok_and(|o| o.status.success()) {
        bail!("--instructions needs valgrind (Debian: apt-get install valgrind)");
    }
    let started = Instant::now();
    let mut counts = Vec::new();
    for family in &catalog.families {
        for variant in &family.variants {
            let total = |calls: u64| callgrind_total(program, &family.name, &variant.name, calls);
            let (one, many) = (total(1)?, total(1 + CALLS)?);
            if many < one {
                bail!(
                    "{}/{}: {} calls counted fewer instructions ({many}) than 1 call ({one}); \
                     the implementation is not deterministic enough to count",
                    family.name,
                    variant.name,
                    1 + CALLS
                );
            }
            let per_call = (many - one) as f64 / CALLS as f64;
            eprintln!(
                "    {}/{} at `{}`: {per_call:.0} instructions per call ({:.0?} elapsed)",
                family.name,
                variant.name,
                family.headline.name,
                started.elapsed()
            );
            counts.push(CountEntry {
                family: family.name.clone(),
                variant: variant.name.clone(),
                input: family.headline.name.clone(),
                per_call,
                repeatable: true,
            });
        }
    }
    let arch = std::env::consts::ARCH;
    let file = InstructionFile {
        schema: INSTRUCTIONS_SCHEMA,
        arch: arch.to_owned(),
        counter: "callgrind".to_owned(),
        emulated: false,
        setting: "default".to_owned(),
        env: Vec::new(),
        method: format!(
            "(count of the bench target run with {} calls - count with 1 call) / {CALLS}, whole \
             program, callees included",
            1 + CALLS
        ),
        counts,
    };
    let dir = results.join("instructions");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", shown(&dir)))?;
    write_json(&dir.join(format!("{arch}-callgrind.json")), &file)
}

/// Instructions the whole bench target executes calling `implementation` `calls` times.
fn callgrind_total(
    program: &Path,
    comparison: &str,
    implementation: &str,
    calls: u64,
) -> anyhow::Result<u64> {
    let mut command = Command::new("valgrind");
    command
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(program)
        .args(["--ledger-calls", &calls.to_string()])
        .args([
            "--comparison",
            comparison,
            "--implementation",
            implementation,
        ]);
    let output = crate::process::output(&mut command)?;
    let stderr = crate::process::text(&output.stderr);
    if !output.status.success() {
        bail!(
            "{comparison}/{implementation} under callgrind failed ({}):\n{}",
            output.status,
            last_lines(&stderr, 12)
        );
    }
    parse_after(&stderr, "Collected : ").ok_or_else(|| {
        anyhow!(
            "callgrind printed no `Collected :` line:\n{}",
            last_lines(&stderr, 12)
        )
    })
}
