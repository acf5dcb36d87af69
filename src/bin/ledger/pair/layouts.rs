//! One build of the bench target per code layout: its final link replayed with another lld
//! `--shuffle-sections` seed (a fraction of a second each; recompiling would take the crate's
//! whole build every time). This is what `scripts/bench.sh` does for the workbench's own binary.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use super::target::Found;
use crate::shown;

/// `count` builds of the target, each in its own link order, in `dir` (replaced). When the
/// target was not linked by lld (the only linker that shuffles sections) it says so and returns
/// none: every process then runs the one build, and the interval covers no other layout.
pub fn build(
    found: &Found,
    program: &Path,
    count: usize,
    dir: &Path,
) -> anyhow::Result<Vec<PathBuf>> {
    let binary =
        std::fs::read(program).with_context(|| format!("cannot read {}", shown(program)))?;
    // rustc's linker records itself in the binary's .comment section.
    if !binary.windows(12).any(|w| w == b"Linker: LLD ") {
        eprintln!(
            "==> this toolchain does not link with lld, so no other link order can be made: every \
             process runs one build, and the interval covers that build's code layout only"
        );
        return Ok(Vec::new());
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("cannot clear {}", shown(dir)))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", shown(dir)))?;
    let base = protocol::spawn::clock_seed() % 1_000_000_000;
    eprintln!("==> code layouts: {count} link orders (seeds from {base})");
    let shuffle = |seed: u64| format!("--shuffle-sections=.text*={seed}");
    // One more compile of the target's own crate that keeps its objects and prints its link
    // command; the seed makes the arguments new, so cargo cannot skip it.
    let out = crate::process::checked(
        Command::new("cargo")
            .args(["rustc", "--release", "--quiet", "--bench", &found.bench])
            .arg("--manifest-path")
            .arg(&found.manifest)
            .args(["--", "-C", "save-temps", "--print", "link-args", "-C"])
            .arg(format!("link-arg=-Wl,{}", shuffle(base))),
    )
    .context("cannot print the bench target's link command")?;
    let command = crate::process::text(&out.stdout);
    let command = command
        .lines()
        .find(|l| l.contains(&shuffle(base)))
        .context("rustc printed no link command")?;
    let output = command
        .split("\"-o\" \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .context("the link command names no output file")?
        .to_owned();
    let mut layouts = Vec::new();
    for i in 1..=count as u64 {
        let seed = base + i;
        let layout = dir.join(format!("link-order-{seed}"));
        let link = command
            .replace(
                &format!("\"{output}\""),
                &format!("\"{}\"", layout.display()),
            )
            .replace(&shuffle(base), &shuffle(seed));
        // The command is rustc's own, printed shell-quoted: environment assignments, then the
        // linker and its arguments.
        let status = Command::new("sh")
            .args(["-c", &link])
            .status()
            .context("cannot run sh")?;
        if !status.success() || !layout.is_file() {
            bail!("relinking layout {seed} failed ({status})");
        }
        layouts.push(layout);
    }
    Ok(layouts)
}
