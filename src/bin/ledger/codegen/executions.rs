//! How many times each disassembled instruction runs in one timed call: callgrind's
//! per-instruction counts of `ledger probe`, so the report can name the loop a call spends its
//! instructions in instead of guessing it from the code's shape.
//!
//! Each variant is run twice at its headline input, with 1 call and with `1 + CALLS` calls; the
//! difference at each address, over `CALLS`, is what one call executes there. Everything else the
//! probe does (generating the input, the agreement check) is in both runs and cancels, as in
//! `ledger count`. Callgrind records an instruction of the program by its address in the file,
//! wherever the program was loaded, so the counts match the listing's addresses. An entry point
//! the call does not enter (a copy of a function the workers run inlined) counts 0, and the
//! report says so; the stage fails only when no entry point ran at all, which would mean the
//! addresses do not match.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, bail};
use wire::codegen::CodegenEntry;

use crate::{last_lines, shown};

/// Calls beyond the first in the second run.
const CALLS: u64 = 4;

/// Callgrind's runs in flight at once: they are independent, and the machine measures nothing
/// else while the codegen stage runs.
const WORKERS: usize = 2;

/// How the counts were taken, for the file's `executions` field.
pub fn method() -> String {
    format!(
        "callgrind's count of each instruction in `ledger probe` at the headline input, \
         (run with {} calls - run with 1 call) / {CALLS}",
        1 + CALLS
    )
}

/// Fills in `executed` for every instruction of every entry that has code. `program` is the
/// binary that was disassembled.
pub fn count(program: &Path, entries: &mut [CodegenEntry]) -> anyhow::Result<()> {
    let todo: Vec<usize> = (0..entries.len())
        .filter(|&i| !entries[i].functions.is_empty())
        .collect();
    eprintln!(
        "codegen: counting each instruction's executions under callgrind ({} variants, {WORKERS} \
         at a time)",
        todo.len()
    );
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, anyhow::Result<PerCall>)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..WORKERS {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&i) = todo.get(k) else { break };
                    let entry = &entries[i];
                    let counted = per_call(program, entry);
                    let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                    eprintln!(
                        "[{finished:>3}/{}] {}/{}{} ({:.0?} elapsed)",
                        todo.len(),
                        entry.family,
                        entry.variant,
                        if counted.is_ok() { "" } else { ": failed" },
                        started.elapsed()
                    );
                    results
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push((i, counted));
                }
            });
        }
    });
    let results = results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut entered = 0;
    for (i, counted) in results {
        let entry = &mut entries[i];
        let counted = counted.with_context(|| format!("{}/{}", entry.family, entry.variant))?;
        for function in &mut entry.functions {
            for instruction in &mut function.instructions {
                instruction.executed = Some(counted.at(instruction.at));
            }
        }
        let first = entry.functions[0].instructions.first();
        if first.and_then(|i| i.executed).is_some_and(|n| n >= 1.0) {
            entered += 1;
        }
    }
    if entered == 0 {
        bail!(
            "no variant's entry point ran under callgrind: the profile's addresses do not \
             match {}'s listing",
            shown(program)
        );
    }
    Ok(())
}

/// Each address's count in a run with one call and in one with `1 + CALLS`.
struct PerCall {
    one: HashMap<u64, u64>,
    many: HashMap<u64, u64>,
}

impl PerCall {
    fn at(&self, address: u64) -> f64 {
        let many = self.many.get(&address).copied().unwrap_or(0);
        let one = self.one.get(&address).copied().unwrap_or(0);
        // A multi-threaded variant's idle workers spin a different number of times in each
        // run; an address that ran less often in the longer run ran, in effect, never.
        many.saturating_sub(one) as f64 / CALLS as f64
    }
}

fn per_call(program: &Path, entry: &CodegenEntry) -> anyhow::Result<PerCall> {
    Ok(PerCall {
        one: profile(program, entry, 1)?,
        many: profile(program, entry, 1 + CALLS)?,
    })
}

/// One run of the probe under callgrind: each address's count.
fn profile(program: &Path, entry: &CodegenEntry, calls: u64) -> anyhow::Result<HashMap<u64, u64>> {
    let out = std::env::temp_dir().join(format!(
        "ledger-codegen-{}-{}-{}-{calls}.callgrind",
        std::process::id(),
        entry.family,
        entry.variant
    ));
    let mut command = Command::new("valgrind");
    command
        .args([
            "--tool=callgrind",
            "--dump-instr=yes",
            "--dump-line=no",
            "--compress-pos=no",
            "--compress-strings=no",
        ])
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(program)
        .args([
            "probe",
            &entry.family,
            &entry.variant,
            "--input",
            &entry.input,
        ])
        .arg(format!("--iterations={calls}"));
    let output = crate::process::output(&mut command)
        .context("cannot run valgrind (install it: apt-get install valgrind)")?;
    if !output.status.success() {
        // Best effort: a failed run's profile is of no use.
        let _ = std::fs::remove_file(&out);
        bail!(
            "{command:?} failed ({}):\n{}",
            output.status,
            last_lines(&crate::process::text(&output.stderr), 12)
        );
    }
    let text = std::fs::read_to_string(&out)
        .with_context(|| format!("callgrind wrote no profile at {}", shown(&out)))?;
    // Best effort: the profile is read; a leftover in the temporary directory harms nothing.
    let _ = std::fs::remove_file(&out);
    parse(&text)
}

/// Each instruction address's self count in a callgrind profile written with `--dump-instr=yes
/// --dump-line=no --compress-pos=no`: cost lines are `0xADDRESS COUNT`. The line after a
/// `calls=` line is the call's inclusive cost at the call site, not the site's own count.
fn parse(text: &str) -> anyhow::Result<HashMap<u64, u64>> {
    let mut counts = HashMap::new();
    let mut after_calls = false;
    for (n, line) in text.lines().enumerate() {
        if line.starts_with("calls=") {
            after_calls = true;
            continue;
        }
        let Some(rest) = line.strip_prefix("0x") else {
            continue;
        };
        if std::mem::take(&mut after_calls) {
            continue;
        }
        let mut fields = rest.split_ascii_whitespace();
        let parsed = fields
            .next()
            .and_then(|a| u64::from_str_radix(a, 16).ok())
            .zip(fields.next().and_then(|c| c.parse::<u64>().ok()));
        let Some((address, count)) = parsed else {
            bail!(
                "line {} of the profile is not `0xADDRESS COUNT`: {line}",
                n + 1
            );
        };
        *counts.entry(address).or_insert(0) += count;
    }
    if counts.is_empty() {
        bail!("the profile has no instruction counts (was it written with --dump-instr=yes?)");
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn self_counts_are_summed_and_call_costs_skipped() {
        let profile = "\
# callgrind format
positions: instr
events: Ir
fn=main
0x1000 1
0x1004 3
calls=2 0x2000
0x1008 500
0x1008 1
fn=other
0x2000 250
0x1004 2
";
        let counts = parse(profile).unwrap();
        assert_eq!(counts[&0x1000], 1);
        assert_eq!(counts[&0x1004], 5);
        assert_eq!(
            counts[&0x1008], 1,
            "the call's inclusive 500 is not the site's own count"
        );
        assert_eq!(counts[&0x2000], 250);
        assert!(parse("events: Ir\nfn=main\n").is_err());
        assert!(parse("fn=main\n0xzz 3\n").is_err());
    }
}
