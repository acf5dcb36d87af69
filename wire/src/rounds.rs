//! `protocol/FAMILY/PHASE-N.jsonl`: every round one process of the verdict protocol measured
//! for one family, one JSON object per line, written as it measures. `PHASE` is `screen`
//! (every candidate, to pick the pair) or `confirm` (the picked pair and the controls, the
//! processes the verdict is read from).
//!
//! A process file opens with a [`Line::Process`] header, then for each input one
//! [`Line::Case`] naming its arms followed by one [`Line::Round`] per round, and closes with
//! [`Line::End`]. A file without its end line is an interrupted process and is not used.
//! Every observation is kept, so every interval on the site can be recomputed from these files.

use serde::{Deserialize, Serialize};

/// Version of this format; bumped on any incompatible change.
pub const ROUNDS_SCHEMA: u32 = 2;

/// One line of a process file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "line", rename_all = "kebab-case")]
pub enum Line {
    /// The process: what it was asked to do.
    Process(ProcessHeader),
    /// A family at one input, and the arms it measures there.
    Case(CaseHeader),
    /// One round of a case: one batch of every arm, in the order they ran.
    Round(Round),
    /// The process finished every case it was asked for.
    End(ProcessEnd),
}

/// The first line of a process file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessHeader {
    /// Format version, [`ROUNDS_SCHEMA`].
    pub schema: u32,
    /// The phase this process belongs to.
    pub phase: Phase,
    /// Which process of its phase this is, from 0.
    pub process: usize,
    /// The most processes its phase may run (the cap, for confirmation).
    pub processes: usize,
    /// For confirmation: the processes after which the sequential rule looks, the last being
    /// the cap (the rule's boundaries depend on them). Empty for screening.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub looks: Vec<usize>,
    /// The seed of this process's arm orders.
    pub seed: u64,
    /// Rounds per case.
    pub rounds: usize,
    /// The time each arm's batch is calibrated to, in nanoseconds.
    pub batch_target_ns: u64,
    /// The code layout this process ran: its binary's link order, when the run gave each
    /// process its own (`--layout-binary`); absent when every process ran one build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<String>,
}

/// The two phases of the protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Every candidate, in a few processes: picks the pair to confirm, never judges it.
    Screen,
    /// The picked pair and the controls, in processes added look by look: the verdict.
    Confirm,
}

impl Phase {
    /// The phase's name, which is also its files' prefix.
    pub fn name(self) -> &'static str {
        match self {
            Self::Screen => "screen",
            Self::Confirm => "confirm",
        }
    }
}

/// The pair a confirmation case measures: the fastest safe and the fastest like-for-like
/// unsafe variant by the screening.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pair {
    /// The safe (or baseline) variant.
    pub safe: String,
    /// The unsafe variant.
    #[serde(rename = "unsafe")]
    pub unsafe_: String,
}

/// What an arm is in a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A variant of the family (baseline, safe or unsafe: the catalog says which).
    Candidate,
    /// The family's floor.
    Floor,
    /// A separately compiled copy of the reference: must read equivalent to it.
    CopyControl,
    /// The reference doing its work exactly twice per call: must read 2x.
    TwiceControl,
}

/// One arm of a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arm {
    /// Its name in the rounds: the variant's name, or `reference-copy` / `reference-twice`.
    pub name: String,
    /// What it is.
    pub role: Role,
    /// The variant it runs (for controls, the reference).
    pub variant: String,
    /// Calls per batch, calibrated after warm-up.
    pub batch: u64,
}

/// A family at one input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseHeader {
    /// Family name.
    pub family: String,
    /// Input, `shape/size`.
    pub input: String,
    /// The arms, in registry order (candidates, floor, controls).
    pub arms: Vec<Arm>,
    /// Variants that refused the input, with why; never measured.
    pub refused: Vec<(String, String)>,
    /// In a confirmation case: the pair it confirms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pair: Option<Pair>,
}

/// One round: one batch of every arm.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Round {
    /// Family name.
    pub family: String,
    /// Input, `shape/size`.
    pub input: String,
    /// Round number within the case, from 0.
    pub round: usize,
    /// The batches, in the order they ran.
    pub batches: Vec<Batch>,
}

/// One timed batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    /// The arm's name.
    pub arm: String,
    /// Calls made.
    pub calls: u64,
    /// Elapsed nanoseconds for all of them.
    pub ns: u64,
}

/// The last line of a complete process file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProcessEnd {
    /// Cases measured.
    pub cases: usize,
    /// Seconds the process took.
    pub seconds: f64,
}
