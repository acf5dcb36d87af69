//! The evidence a review cites: a report site's `ledger.json`, read for each family's verdict
//! and the hazard gallery's checker outcomes. Only what was measured is cited; a pattern whose
//! family the file does not hold is "not measured here".

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use reports::wire::soundness::HazardRecord;
use serde::{Deserialize, Serialize};

use crate::patterns::Entry;

/// What a `ledger.json` holds that a review cites.
#[derive(Clone, Debug)]
pub struct Evidence {
    /// The file read.
    pub source: PathBuf,
    /// Each family's verdict at its headline input, on the first run that has one.
    pub verdicts: BTreeMap<String, FamilyVerdict>,
    /// The hazard gallery with each checker's outcome, when the checkers' results were in it.
    pub hazards: Option<Vec<HazardRecord>>,
}

/// One family's verdict, as the site shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FamilyVerdict {
    /// The run (host) it was measured on.
    pub run: String,
    /// `pays`, `safe-wins`, `equivalent` or `inconclusive`.
    pub call: String,
    /// Best safe time / best unsafe time.
    pub speedup: f64,
    /// The 95% interval's lower end.
    pub lower: f64,
    /// Its upper end.
    pub upper: f64,
    /// The fastest safe variant: the safe alternative, by name.
    pub safe_variant: String,
    /// The unsafe variant it was compared with.
    pub unsafe_variant: String,
    /// Set when the run's controls failed.
    pub unreliable: bool,
}

/// Why an evidence file cannot be used.
#[derive(Debug)]
pub enum EvidenceError {
    /// It cannot be read.
    Read(PathBuf, std::io::Error),
    /// It is not the JSON of a ledger.
    Parse(PathBuf, serde_json::Error),
    /// It is a ledger of another format version.
    Schema(PathBuf, u64),
}

impl std::fmt::Display for EvidenceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Read(path, e) => write!(f, "cannot read the evidence {}: {e}", path.display()),
            Self::Parse(path, e) => write!(
                f,
                "the evidence {} is not a ledger.json of `ledger report`: {e}",
                path.display()
            ),
            Self::Schema(path, found) => write!(
                f,
                "the evidence {} has ledger schema {found}; this review reads schema {} \
                 (rebuild the site with this version's `ledger report`)",
                path.display(),
                reports::analyze::LEDGER_SCHEMA
            ),
        }
    }
}

impl std::error::Error for EvidenceError {}

#[derive(Deserialize)]
struct LedgerFile {
    families: Vec<FamilyFile>,
    soundness: Option<SoundnessFile>,
}

#[derive(Deserialize)]
struct FamilyFile {
    family: FamilyName,
    runs: Vec<RunFile>,
}

#[derive(Deserialize)]
struct FamilyName {
    name: String,
}

#[derive(Deserialize)]
struct RunFile {
    run: String,
    verdict: Option<VerdictFile>,
}

#[derive(Deserialize)]
struct VerdictFile {
    call: String,
    speedup: RatioFile,
    safe_variant: String,
    unsafe_variant: String,
    #[serde(default)]
    unreliable: Vec<String>,
}

#[derive(Deserialize)]
struct RatioFile {
    point: f64,
    lower: f64,
    upper: f64,
}

#[derive(Deserialize)]
struct SoundnessFile {
    hazards: Vec<HazardRecord>,
}

impl Evidence {
    /// Reads `path`, a `ledger.json`.
    pub fn read(path: &Path) -> Result<Self, EvidenceError> {
        let text =
            std::fs::read_to_string(path).map_err(|e| EvidenceError::Read(path.into(), e))?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| EvidenceError::Parse(path.into(), e))?;
        // The schema first, so that another version is named as such rather than as a
        // missing field.
        match value.get("schema").and_then(serde_json::Value::as_u64) {
            Some(s) if s == u64::from(reports::analyze::LEDGER_SCHEMA) => {}
            Some(s) => return Err(EvidenceError::Schema(path.into(), s)),
            None => {
                return Err(EvidenceError::Parse(
                    path.into(),
                    serde::de::Error::missing_field("schema"),
                ));
            }
        }
        let file: LedgerFile =
            serde_json::from_value(value).map_err(|e| EvidenceError::Parse(path.into(), e))?;
        let mut verdicts = BTreeMap::new();
        for family in file.families {
            let first = family
                .runs
                .into_iter()
                .find_map(|r| r.verdict.map(|v| (r.run, v)));
            if let Some((run, v)) = first {
                verdicts.insert(
                    family.family.name,
                    FamilyVerdict {
                        run,
                        call: v.call,
                        speedup: v.speedup.point,
                        lower: v.speedup.lower,
                        upper: v.speedup.upper,
                        safe_variant: v.safe_variant,
                        unsafe_variant: v.unsafe_variant,
                        unreliable: !v.unreliable.is_empty(),
                    },
                );
            }
        }
        Ok(Self {
            source: path.to_path_buf(),
            verdicts,
            hazards: file.soundness.map(|s| s.hazards),
        })
    }
}

/// What the evidence says about one pattern.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cited {
    /// The families that measure the pattern, the most direct first, each with its verdict in
    /// the evidence; empty when no family of the workbench measures it.
    pub measured_by: Vec<Measured>,
    /// The work the unsafe form skips.
    pub skips: String,
    /// The checkers that caught a misuse of the pattern in the hazard gallery, by hazard.
    pub caught_by: Vec<HazardCaught>,
    /// Why there is no verdict or no checker outcome, when there is none.
    pub missing: Vec<String>,
}

/// One family that measures a pattern, and its verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Measured {
    /// The family.
    pub family: String,
    /// Its verdict, when the evidence holds one; `None` means "not measured in this evidence".
    pub verdict: Option<FamilyVerdict>,
}

impl Cited {
    /// Whether the evidence holds a verdict for any family that measures the pattern.
    pub fn has_verdict(&self) -> bool {
        self.measured_by.iter().any(|m| m.verdict.is_some())
    }
}

/// One hazard of the gallery and the checkers that stopped it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HazardCaught {
    /// The hazard's id.
    pub hazard: String,
    /// The checkers that caught it (empty: none did).
    pub checkers: Vec<String>,
}

/// The evidence for the pattern of `entry`.
pub fn cite(entry: &Entry, evidence: Option<&Evidence>) -> Cited {
    let mut missing = Vec::new();
    if entry.families.is_empty() {
        missing.push("not measured here: no family of the workbench measures it".to_owned());
    }
    let measured_by = entry
        .families
        .iter()
        .map(|&family| {
            let verdict = match evidence {
                None => {
                    missing.push(format!(
                        "measured by family `{family}`, but no evidence file was read"
                    ));
                    None
                }
                Some(e) => {
                    let v = e.verdicts.get(family).cloned();
                    if v.is_none() {
                        missing.push(format!(
                            "not measured here: {} has no verdict for family `{family}`",
                            e.source.display()
                        ));
                    }
                    v
                }
            };
            Measured {
                family: family.to_owned(),
                verdict,
            }
        })
        .collect();
    let mut caught_by = Vec::new();
    match evidence.and_then(|e| e.hazards.as_ref()) {
        Some(gallery) => {
            for id in entry.hazards {
                match gallery.iter().find(|h| h.id == *id) {
                    Some(h) => caught_by.push(HazardCaught {
                        hazard: h.id.clone(),
                        checkers: h
                            .checks
                            .iter()
                            .filter(|c| c.caught)
                            .map(|c| c.checker.clone())
                            .collect(),
                    }),
                    None => missing.push(format!("hazard `{id}` is not in the gallery run")),
                }
            }
        }
        None if !entry.hazards.is_empty() => missing.push(
            "checker outcomes not in the evidence (scripts/soundness.sh, then ledger report)"
                .to_owned(),
        ),
        None => {}
    }
    Cited {
        measured_by,
        skips: entry.skips.to_owned(),
        caught_by,
        missing,
    }
}
