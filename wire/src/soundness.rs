//! `soundness.json`: what the checkers found, written by `ledger soundness`
//! (`scripts/soundness.sh`) under `target/ledger/soundness/`.
//!
//! Four kinds of evidence: each unsafe variant run alone under each checker (Miri with Stacked
//! Borrows, Miri with Tree Borrows, AddressSanitizer), the kernels' whole test suites under the
//! checkers, the hazard gallery (each classic mistake run alone under each checker, with
//! whether the checker caught it and its first error line, beside the safe way that refuses it),
//! and differential fuzzing of every family against its safe reference.

use serde::{Deserialize, Serialize};

/// Version of this format; bumped on any incompatible change.
pub const SOUNDNESS_SCHEMA: u32 = 1;

/// Everything one soundness run found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SoundnessFile {
    /// Format version.
    pub schema: u32,
    /// When the run finished (UTC, RFC 3339).
    pub date: String,
    /// The nightly toolchain the checkers ran on (`rustc +nightly -V`).
    pub toolchain: String,
    /// The checkers and their exact settings.
    pub checkers: Vec<Checker>,
    /// Each unsafe variant under each checker.
    pub variants: Vec<VariantCheck>,
    /// Whole test suites under a checker.
    pub suites: Vec<SuiteCheck>,
    /// The hazard gallery.
    pub hazards: Vec<HazardRecord>,
    /// Differential fuzzing, one bounded run per fuzz target.
    #[serde(default)]
    pub fuzz: Vec<FuzzRun>,
}

/// One bounded libFuzzer run of a differential target (`kernels/fuzz`): every variant of the
/// target's families against the safe reference on each generated input, built with
/// AddressSanitizer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FuzzRun {
    /// The fuzz target.
    pub target: String,
    /// The families it checks.
    pub families: Vec<String>,
    /// How long it was allowed to run, in seconds.
    pub seconds: u64,
    /// Inputs executed, as libFuzzer reported them.
    pub executions: u64,
    /// `clean` (no mismatch, no crash), `finding`, or `not-run`.
    pub outcome: Outcome,
    /// The first error line, on a finding.
    pub finding: Option<String>,
    /// Where libFuzzer saved the input that failed.
    pub artifact: Option<String>,
}

/// A checker and how it was run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checker {
    /// Short name used in the records, e.g. `miri-stacked-borrows`.
    pub name: String,
    /// Flags and environment that define it, e.g. `MIRIFLAGS=...`.
    pub settings: String,
}

/// How a check ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Ran to the end; the checker reported nothing.
    Clean,
    /// The checker (or a failed assertion) stopped the run; see `finding`.
    Finding,
    /// Not run under this checker; `note` says why.
    NotRun,
}

/// One unsafe variant under one checker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantCheck {
    /// Family name.
    pub family: String,
    /// Variant name.
    pub variant: String,
    /// Checker name (see [`SoundnessFile::checkers`]).
    pub checker: String,
    /// How it ended.
    pub outcome: Outcome,
    /// Inputs the variant ran on, when it ran to the end.
    pub inputs: Option<usize>,
    /// The checker's first error line and the line after it.
    pub finding: Option<String>,
    /// Why it was not run, or what qualifies the result.
    pub note: Option<String>,
}

/// A test suite under one checker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuiteCheck {
    /// What ran, e.g. `kernels: every test`.
    pub suite: String,
    /// Checker name.
    pub checker: String,
    /// How it ended.
    pub outcome: Outcome,
    /// Tests that passed.
    pub passed: usize,
    /// The first error line, if any.
    pub finding: Option<String>,
}

/// One mistake of the gallery and what noticed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HazardRecord {
    /// Stable id, e.g. `h05b-use-after-return-to-pool`.
    pub id: String,
    /// The mistake.
    pub title: String,
    /// The family it threatens.
    pub family: String,
    /// Each checker's verdict on it.
    pub checks: Vec<HazardCheck>,
    /// What catches it where the checkers are blind.
    pub otherwise: String,
    /// How safe Rust refuses it.
    pub safe: SafeRefusal,
}

/// One checker on one mistake.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HazardCheck {
    /// Checker name, including `native-debug` (a plain debug build: debug assertions, the
    /// allocator's own checks).
    pub checker: String,
    /// Whether it stopped the program.
    pub caught: bool,
    /// Its first error line when it caught it; what the program printed when it did not.
    pub detail: String,
}

/// The safe way refusing the mistake.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafeRefusal {
    /// `compile error` or `checked at run time`.
    pub how: String,
    /// Whether safe Rust refused it.
    pub refused: bool,
    /// The compiler's error line or the checked API's answer.
    pub detail: String,
}
