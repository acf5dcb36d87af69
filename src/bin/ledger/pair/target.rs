//! Finding the user's bench target, building it, and making sure it speaks the library's
//! protocol before anything is timed.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use wire::catalog::Catalog;

use crate::shown;

/// The library a bench target must use, as its package is named.
pub const LIBRARY: &str = "unsafe-ledger-pair";
/// How long a bench target may take to list its comparisons: it only declares them.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(60);

/// A bench target of a crate.
pub struct Found {
    /// The crate's Cargo.toml.
    pub manifest: PathBuf,
    /// The directory holding it.
    pub root: PathBuf,
    /// The bench target's name.
    pub bench: String,
    /// cargo's target directory for the crate.
    pub target_directory: PathBuf,
}

/// The crate at `path` (its Cargo.toml or its directory) and its bench target `bench`, which
/// must depend on the library.
pub fn find(path: &Path, bench: &str) -> anyhow::Result<Found> {
    let manifest = if path.is_dir() {
        path.join("Cargo.toml")
    } else {
        path.to_path_buf()
    };
    if !manifest.is_file() || manifest.file_name().is_none_or(|n| n != "Cargo.toml") {
        bail!(
            "{} is not a crate: no Cargo.toml there (pass --manifest-path with a crate's \
             Cargo.toml or its directory)",
            shown(path)
        );
    }
    let manifest = manifest
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", shown(&manifest)))?;
    let out = crate::process::checked(
        Command::new("cargo")
            .args([
                "metadata",
                "--format-version",
                "1",
                "--no-deps",
                "--manifest-path",
            ])
            .arg(&manifest),
    )
    .with_context(|| format!("cargo cannot read the crate at {}", shown(&manifest)))?;
    let metadata: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("cargo metadata printed no JSON")?;
    let package = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["manifest_path"].as_str().map(Path::new) == Some(manifest.as_path()))
        .with_context(|| {
            format!(
                "{} is a workspace manifest without a package: pass the member's Cargo.toml",
                shown(&manifest)
            )
        })?;
    let benches: Vec<&str> = package["targets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| {
            t["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "bench"))
        })
        .filter_map(|t| t["name"].as_str())
        .collect();
    if !benches.contains(&bench) {
        bail!(
            "{} has no bench target `{bench}`{} (`ledger pair init` writes one)",
            package["name"].as_str().unwrap_or("the crate"),
            if benches.is_empty() {
                String::new()
            } else {
                format!("; its bench targets: {}", benches.join(", "))
            }
        );
    }
    let uses_library = package["dependencies"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|d| d["name"] == LIBRARY);
    if !uses_library {
        bail!(
            "bench `{bench}` cannot use {LIBRARY}: the crate does not depend on it (add it under \
             [dev-dependencies], by path or git; `ledger pair init` shows how)"
        );
    }
    let root = manifest
        .parent()
        .context("a manifest has a directory")?
        .to_path_buf();
    Ok(Found {
        manifest,
        root,
        bench: bench.to_owned(),
        target_directory: PathBuf::from(
            metadata["target_directory"]
                .as_str()
                .context("cargo metadata names no target directory")?,
        ),
    })
}

/// Builds the bench target in release mode and returns its executable.
pub fn build(found: &Found) -> anyhow::Result<PathBuf> {
    let out = Command::new("cargo")
        .args([
            "build",
            "--release",
            "--message-format=json-render-diagnostics",
        ])
        .args(["--bench", &found.bench, "--manifest-path"])
        .arg(&found.manifest)
        .stderr(Stdio::inherit())
        .output()
        .context("cannot run cargo")?;
    if !out.status.success() {
        bail!(
            "building bench `{}` failed (cargo's errors are above)",
            found.bench
        );
    }
    crate::process::text(&out.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == found.bench)
        .filter(|m| {
            m["target"]["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "bench"))
        })
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .with_context(|| format!("cargo built no executable for bench `{}`", found.bench))
}

/// Asks the built target for its comparisons. A target that does not answer in the library's
/// words, or whose declaration has mistakes, stops the command here.
pub fn handshake(program: &Path) -> anyhow::Result<Catalog> {
    let mut child = Command::new(program)
        .arg("--ledger-catalog")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {}", shown(program)))?;
    // Read both streams while waiting, so that a target that prints much cannot block on a
    // full pipe; a target that is not ours may run its own benchmarks instead, hence the limit.
    let drain = |stream: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut stream) = stream {
                let _ = stream.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > HANDSHAKE_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "{} did not list its comparisons within {HANDSHAKE_TIMEOUT:?}: is its main \
                 `Comparisons::new().add(…).run()` from {LIBRARY}?",
                shown(program)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    let listing = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v.get("ledger_pair").is_some());
    let Some(listing) = listing.filter(|_| status.success()) else {
        bail!(
            "the bench target does not use {LIBRARY}: asked for its comparisons, it printed no \
             listing ({status}); its main must end in `Comparisons::new().add(…).run()`{}",
            if stderr.trim().is_empty() {
                String::new()
            } else {
                format!("\nit said:\n{}", crate::last_lines(&stderr, 10))
            }
        );
    };
    if listing["ledger_pair"] != ledger_pair::HANDSHAKE {
        bail!(
            "the bench target was built with another version of {LIBRARY} (it speaks {}, this \
             command {}): depend on the library of this checkout",
            listing["ledger_pair"],
            ledger_pair::HANDSHAKE
        );
    }
    let mistakes: Vec<&str> = listing["mistakes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m.as_str())
        .collect();
    if !mistakes.is_empty() {
        bail!("the declaration has mistakes:\n  {}", mistakes.join("\n  "));
    }
    serde_json::from_value(listing["catalog"].clone()).context("the listing's catalog is malformed")
}
