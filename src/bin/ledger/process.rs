//! Running other programs (cargo, valgrind, QEMU, git, rustc): one way to start them and to
//! report their failure, for every subcommand that does.

use std::process::{Command, Output};

use anyhow::{Context, bail};

use crate::last_lines;

/// Runs `command`, failing only if it cannot be started.
pub fn output(command: &mut Command) -> anyhow::Result<Output> {
    command
        .output()
        .with_context(|| format!("cannot run {command:?}"))
}

/// Runs `command` and requires success.
pub fn checked(command: &mut Command) -> anyhow::Result<Output> {
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

/// A program's output as text (lossy: a stray invalid byte must not hide the rest).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
