//! `instructions/<arch>-<counter>[-<setting>].json`: instructions per call of each variant.
//!
//! Written by `ledger count` (a probe run under callgrind or under QEMU with the project's
//! instruction-counting plugin) and by `ledger count --from-gungraun` (the summaries of the
//! gungraun bench). Instruction counts do not depend on machine load, so they are the stable
//! complement to the wall-clock numbers; they are not times, and a count taken under emulation
//! says what the guest executed, not how fast a real core would run it.

use serde::{Deserialize, Serialize};

/// Version of this format; bumped on any incompatible change.
pub const INSTRUCTIONS_SCHEMA: u32 = 1;

/// One set of counts: one architecture, one counter, one environment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstructionFile {
    /// Format version.
    pub schema: u32,
    /// The guest architecture whose instructions were counted, e.g. `x86_64`, `aarch64`.
    pub arch: String,
    /// What counted: `callgrind`, `gungraun` (callgrind driven by the gungraun bench) or
    /// `qemu-plugin`.
    pub counter: String,
    /// Whether the code ran under an emulator of another architecture (QEMU user mode).
    pub emulated: bool,
    /// The environment the counts depend on, e.g. `default` or `no-rep-movsb`.
    pub setting: String,
    /// Environment variables set for the counted program (e.g. `GLIBC_TUNABLES`).
    pub env: Vec<(String, String)>,
    /// How a per-call count was derived, in a sentence.
    pub method: String,
    /// One entry per family, variant and input counted.
    pub counts: Vec<CountEntry>,
}

/// Instructions per call of one variant on one input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CountEntry {
    /// Family name.
    pub family: String,
    /// Variant name.
    pub variant: String,
    /// Input name, `shape/size`.
    pub input: String,
    /// Instructions one call executes, callees included.
    pub per_call: f64,
    /// Whether repeated measurements gave the same count. Multi-threaded variants include
    /// the spinning of idle workers, which differs from run to run.
    pub repeatable: bool,
}
