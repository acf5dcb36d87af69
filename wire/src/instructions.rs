//! `instructions/<arch>-<counter>[-<setting>].json`: instructions per call of each variant.
//!
//! Written by `ledger count` (a probe run under callgrind or under QEMU with the project's
//! instruction-counting plugin) and by `ledger import-gungraun` (the summaries of the
//! gungraun bench). Instruction counts do not depend on machine load, so they are the stable
//! complement to the wall-clock numbers; they are not times, and a count taken under emulation
//! says what the guest executed, not how fast a real core would run it.

use serde::{Deserialize, Serialize};

/// Version of this format; bumped on any incompatible change.
pub const INSTRUCTIONS_SCHEMA: u32 = 1;

/// The `setting` of counts taken with glibc steered off `rep movsb` / `rep stosb`.
pub const NO_REP_MOVSB: &str = "no-rep-movsb";

/// `GLIBC_TUNABLES` that keep glibc's x86 memcpy and memset off `rep movsb` / `rep stosb` for
/// every size below 4 GiB. Callgrind counts each iteration of a `rep` string instruction (each
/// byte) as one instruction, so with them a copy is counted as the vector loop it then runs.
pub const NO_REP_MOVSB_TUNABLES: &str =
    "glibc.cpu.x86_rep_movsb_threshold=4294967295:glibc.cpu.x86_rep_stosb_threshold=4294967295";

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

/// `cases.json`, written by the gungraun bench beside its output: which family, variant and
/// input each of its numbered benchmarks (`registry_N`) measures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GungraunCase {
    /// gungraun's benchmark id, e.g. `registry_12`.
    pub id: String,
    /// Family name.
    pub family: String,
    /// Variant name.
    pub variant: String,
    /// Input name, `shape/size`.
    pub input: String,
}
