//! `hazard`: the gallery of classic unsafe mistakes, one at a time.
//!
//! - `hazard list` prints the gallery as JSON.
//! - `hazard run ID` makes the mistake and prints what the program saw. It is undefined
//!   behaviour by design: run it under Miri or a sanitizer (`scripts/soundness.sh` does), where
//!   it should be stopped before it prints.
//! - `hazard safe ID` shows the safe way refusing the same mistake: a compile error (the
//!   file under `compile_fail/` compiled with `rustc`, which must fail with the expected code)
//!   or a checked API's refusal. It prints one JSON object and exits 1 if safe Rust did not
//!   refuse.

mod catalog;
mod mistakes;
mod safe_ways;

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use catalog::{HAZARDS, Hazard, SafeWay, hazard};
use serde::Serialize;

/// What `hazard safe` found.
#[derive(Serialize)]
struct Refusal {
    id: &'static str,
    /// `compile error` or `checked at run time`.
    how: &'static str,
    /// Whether safe Rust refused the mistake.
    refused: bool,
    /// The compiler's error line, or the checked API's answer.
    detail: String,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let found = |id: &str| {
        hazard(id).ok_or_else(|| {
            let ids: Vec<&str> = HAZARDS.iter().map(|h| h.id).collect();
            format!("no hazard `{id}`; the gallery has {}", ids.join(", "))
        })
    };
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["list"] => {
            let listing: Vec<_> = HAZARDS.iter().map(Hazard::listing).collect();
            serde_json::to_string_pretty(&listing)
                .map(|json| println!("{json}"))
                .map_err(|e| e.to_string())
                .map(|()| true)
        }
        ["run", id] => found(id).map(|h| {
            // Printed first, so a runner can tell a checker stopping the mistake from the
            // program never starting.
            println!("reproducing: {}", h.id);
            println!("observed: {}", (h.reproduce)());
            true
        }),
        ["safe", id] => found(id).and_then(|h| {
            let refusal = safe_way(h);
            let json = serde_json::to_string(&refusal).map_err(|e| e.to_string())?;
            println!("{json}");
            Ok(refusal.refused)
        }),
        _ => Err("usage: hazard list | hazard run ID | hazard safe ID".to_owned()),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("hazard: {message}");
            ExitCode::from(2)
        }
    }
}

fn safe_way(h: &Hazard) -> Refusal {
    match &h.safe {
        SafeWay::Refuses(check) => {
            let (refused, detail) = match check() {
                Ok(how) => (true, how),
                Err(what) => (false, what),
            };
            Refusal {
                id: h.id,
                how: "checked at run time",
                refused,
                detail,
            }
        }
        SafeWay::CompileError { file, source, code } => {
            let (refused, detail) = match compile(file, source) {
                Ok(()) => (false, format!("{file} compiled; expected error[{code}]")),
                Err(stderr) => {
                    let wanted = format!("error[{code}]");
                    let line = stderr
                        .lines()
                        .find(|l| l.starts_with("error"))
                        .unwrap_or("rustc failed without an error line")
                        .to_owned();
                    (stderr.contains(&wanted), line)
                }
            };
            Refusal {
                id: h.id,
                how: "compile error",
                refused,
                detail,
            }
        }
    }
}

/// Compiles `source` as a library (metadata only) with `$RUSTC` or `rustc`; `Err(stderr)` when
/// it does not compile.
fn compile(file: &str, source: &str) -> Result<(), String> {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("unsafe-ledger-hazard-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join(file);
    std::fs::write(&path, source).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let output = Command::new(&rustc)
        .args([
            "--edition",
            "2024",
            "--crate-type",
            "lib",
            "--emit=metadata",
        ])
        .arg("--out-dir")
        .arg(&dir)
        .arg(&path)
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    let output = output.map_err(|e| format!("cannot run {rustc}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}
