//! `provenance.json`: the machine, toolchain and source a set of results was measured with.
//!
//! Written by `ledger provenance` at the start of a bench run; every number in the report is
//! shown next to the provenance of the run that produced it.

use serde::{Deserialize, Serialize};

/// Version of this format; bumped on any incompatible change.
pub const PROVENANCE_SCHEMA: u32 = 1;

/// Where and how one set of results was measured.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Format version.
    pub schema: u32,
    /// `arch-host`, the name of the results directory.
    pub label: String,
    /// Host name.
    pub host: String,
    /// CPU architecture, e.g. `x86_64`, `aarch64`.
    pub arch: String,
    /// Operating system.
    pub os: String,
    /// CPU model as the OS reports it.
    pub cpu_model: String,
    /// CPU features that matter to these kernels (SIMD widths, fast string instructions).
    pub cpu_flags: Vec<String>,
    /// Logical cores available to the process.
    pub cores: usize,
    /// `rustc -vV`, verbatim.
    pub rustc: String,
    /// The `release:` line of `rustc -vV`.
    pub rustc_release: String,
    /// The rustc flags the measuring binary was compiled with (`.cargo/config.toml`'s, or
    /// RUSTFLAGS when set; empty if none).
    pub rustflags: String,
    /// The compilation target triple (`host:` of `rustc -vV`).
    pub target: String,
    /// `git describe --always --dirty` of the measured source, or why it is unknown.
    pub git: String,
    /// When the run started, UTC, RFC 3339.
    pub date: String,
    /// `full` or `quick`.
    pub plan: String,
}
