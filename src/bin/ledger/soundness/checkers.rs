//! The checkers: Miri in its settings, the sanitizers, a plain debug build; how each runs a
//! cargo command and how its findings read.

use std::process::Command;

use crate::last_lines;

/// Miri's settings for everything that can run under strict provenance.
const MIRI_STRICT: &str = "-Zmiri-symbolic-alignment-check -Zmiri-strict-provenance";
/// rayon's work-stealing deques (crossbeam-epoch) keep tags in pointer bits and are known not
/// to satisfy Stacked Borrows (crossbeam-rs/crossbeam#545); their variants run under Tree
/// Borrows with permissive provenance, and the global collector's deferred garbage is not a leak.
const MIRI_RAYON: &str = "-Zmiri-symbolic-alignment-check -Zmiri-permissive-provenance \
                          -Zmiri-ignore-leaks";
/// Inputs up to this many units under AddressSanitizer: realistic sizes.
pub const ASAN_MAX_UNITS: usize = 1 << 20;
/// Where the sanitizer builds go, apart from the ordinary target directory.
pub const ASAN_TARGET_DIR: &str = "target/sanitizers/address";
pub const TSAN_TARGET_DIR: &str = "target/sanitizers/thread";
pub const HOST_TARGET: &str = "x86_64-unknown-linux-gnu";

/// A checker: its record name and how to run a test binary or program under it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    MiriStacked,
    MiriTree,
    MiriNoSymbolicAlignment,
    Address,
    Thread,
    NativeDebug,
}

impl Tool {
    pub fn name(self) -> &'static str {
        match self {
            Self::MiriStacked => "miri-stacked-borrows",
            Self::MiriTree => "miri-tree-borrows",
            Self::MiriNoSymbolicAlignment => "miri-without-symbolic-alignment",
            Self::Address => "address-sanitizer",
            Self::Thread => "thread-sanitizer",
            Self::NativeDebug => "native-debug",
        }
    }

    pub fn miri_flags(self, rayon: bool) -> Option<String> {
        let base = if rayon { MIRI_RAYON } else { MIRI_STRICT };
        match self {
            Self::MiriStacked => Some(base.to_owned()),
            Self::MiriTree => Some(format!("{base} -Zmiri-tree-borrows")),
            Self::MiriNoSymbolicAlignment => Some("-Zmiri-strict-provenance".to_owned()),
            _ => None,
        }
    }

    pub fn settings(self) -> String {
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
    pub fn error_marker(self) -> &'static str {
        match self {
            Self::Address => "ERROR: AddressSanitizer",
            Self::Thread => "WARNING: ThreadSanitizer",
            Self::NativeDebug => "",
            _ => "error: Undefined Behavior",
        }
    }
}

/// The checker's first error line and the one after it; failing that, a panic message or the
/// last lines of output.
pub fn first_error(tool: Tool, stderr: &str, stdout: &str) -> String {
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
pub fn cargo(tool: Tool, subcommand: &str, rayon: bool, vars: &[(&str, String)]) -> Command {
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
pub fn did_not_start(stdout: &str) -> bool {
    !stdout.lines().any(|l| l.starts_with("running "))
}
