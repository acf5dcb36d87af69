//! The hazard gallery (`kernels/hazards`): each classic mistake run alone under every checker
//! that should catch it, and the safe way that refuses it.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use wire::soundness::{HazardCheck, HazardRecord, SafeRefusal};

use super::checkers::{ASAN_TARGET_DIR, HOST_TARGET, TSAN_TARGET_DIR, Tool, cargo, first_error};
use crate::last_lines;
use crate::process::{checked, output, text};

/// The hazard binary built once per checker that runs it as a program.
pub struct HazardBuilds {
    native: PathBuf,
    address: Option<PathBuf>,
    thread: Option<PathBuf>,
}

#[derive(serde::Deserialize)]
pub struct Listing {
    pub id: String,
    title: String,
    family: String,
    sanitizer: String,
    otherwise: String,
}

impl HazardBuilds {
    pub fn make(sanitizers: bool) -> anyhow::Result<Self> {
        let build = |tool: Tool, dir: &str| -> anyhow::Result<PathBuf> {
            checked(cargo(tool, "build", false, &[]).args(["-p", "unsafe-ledger-hazards"]))?;
            Ok(Path::new(dir).join("hazard"))
        };
        // Miri builds its own copy on the first `cargo miri run`.
        Ok(Self {
            native: build(Tool::NativeDebug, "target/debug")?,
            address: sanitizers
                .then(|| {
                    build(
                        Tool::Address,
                        &format!("{ASAN_TARGET_DIR}/{HOST_TARGET}/debug"),
                    )
                })
                .transpose()?,
            thread: sanitizers
                .then(|| {
                    build(
                        Tool::Thread,
                        &format!("{TSAN_TARGET_DIR}/{HOST_TARGET}/debug"),
                    )
                })
                .transpose()?,
        })
    }

    pub fn list(&self) -> anyhow::Result<Vec<Listing>> {
        let out = checked(Command::new(&self.native).arg("list"))?;
        serde_json::from_slice(&out.stdout).context("`hazard list` printed malformed JSON")
    }

    pub fn record(&self, listing: Listing) -> anyhow::Result<HazardRecord> {
        let mut checks = Vec::new();
        let mut miri = vec![Tool::MiriStacked, Tool::MiriTree];
        if listing.id.contains("misaligned") {
            miri.push(Tool::MiriNoSymbolicAlignment);
        }
        for tool in miri {
            let mut command = cargo(tool, "run", false, &[]);
            command.args(["-p", "unsafe-ledger-hazards", "--bin", "hazard", "--"]);
            checks.push(hazard_check(tool, command.args(["run", &listing.id]))?);
        }
        let sanitizer = match listing.sanitizer.as_str() {
            "thread" => self.thread.as_ref().map(|b| (Tool::Thread, b)),
            _ => self.address.as_ref().map(|b| (Tool::Address, b)),
        };
        if let Some((tool, binary)) = sanitizer {
            let mut command = Command::new(binary);
            command.env("ASAN_OPTIONS", "detect_stack_use_after_return=1");
            checks.push(hazard_check(tool, command.args(["run", &listing.id]))?);
        }
        checks.push(hazard_check(
            Tool::NativeDebug,
            Command::new(&self.native).args(["run", &listing.id]),
        )?);

        let out = output(Command::new(&self.native).args(["safe", &listing.id]))?;
        let safe: SafeRefusal = serde_json::from_slice(&out.stdout).with_context(|| {
            format!(
                "`hazard safe {}` printed no refusal: {}",
                listing.id,
                text(&out.stderr)
            )
        })?;
        Ok(HazardRecord {
            id: listing.id,
            title: listing.title,
            family: listing.family,
            checks,
            otherwise: listing.otherwise,
            safe,
        })
    }
}

fn hazard_check(tool: Tool, command: &mut Command) -> anyhow::Result<HazardCheck> {
    let out = output(command)?;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    if !stdout.contains("reproducing: ") {
        bail!(
            "{} could not build or start the hazard:\n{}",
            tool.name(),
            last_lines(&stderr, 20)
        );
    }
    let marker = tool.error_marker();
    // A checker caught the mistake when it stopped the program before it printed what it saw,
    // or (ThreadSanitizer, which reports and carries on) when it printed its warning.
    let observed = stdout.lines().find_map(|l| l.strip_prefix("observed: "));
    let caught = observed.is_none() || (!marker.is_empty() && stderr.contains(marker));
    Ok(HazardCheck {
        checker: tool.name().to_owned(),
        caught,
        detail: if caught {
            first_error(tool, &stderr, &stdout)
        } else {
            format!("not caught; the program saw: {}", observed.unwrap_or(""))
        },
    })
}
