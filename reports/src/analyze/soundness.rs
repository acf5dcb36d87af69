//! What the checkers found, arranged for the verdicts: per unsafe variant, the outcome under
//! each checker, and a one-line status for the verdict table.
//!
//! A variant with no record under a checker is shown as not checked, never as clean.

use serde::Serialize;

use crate::ingest::Soundness;
use crate::wire::catalog::{FamilyEntry, VariantKind};
use crate::wire::soundness::{Outcome, VariantCheck};

/// One unsafe variant under every checker that recorded it.
#[derive(Clone, Debug, Serialize)]
pub struct VariantSoundness {
    /// Variant name.
    pub variant: String,
    /// One record per checker, in the file's checker order.
    pub checks: Vec<VariantCheck>,
    /// The summary shown beside a verdict.
    pub status: Status,
}

/// The soundness side of a verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "status")]
pub enum Status {
    /// At least one checker stopped on this variant.
    Finding {
        /// `checker: first error line`, per finding.
        findings: Vec<String>,
    },
    /// Every checker that ran on it ran to the end without a report.
    Clean {
        /// Checkers that ran clean.
        checkers: Vec<String>,
        /// Checkers that did not run, with why.
        not_run: Vec<String>,
    },
    /// No checker ran on it (no soundness results, or none for this variant).
    NotChecked {
        /// Why.
        why: String,
    },
}

/// The soundness records of `family`'s unsafe variants; empty when there are no results.
pub fn family_soundness(
    family: &FamilyEntry,
    soundness: Option<&Soundness>,
) -> Vec<VariantSoundness> {
    family
        .variants
        .iter()
        .filter(|v| v.kind == VariantKind::Unsafe)
        .map(|v| {
            let checks: Vec<VariantCheck> = soundness
                .map(|s| {
                    s.file
                        .variants
                        .iter()
                        .filter(|c| c.family == family.name && c.variant == v.name)
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            let status = status(&checks, soundness.is_some());
            VariantSoundness {
                variant: v.name.clone(),
                checks,
                status,
            }
        })
        .collect()
}

fn status(checks: &[VariantCheck], have_results: bool) -> Status {
    let findings: Vec<String> = checks
        .iter()
        .filter(|c| c.outcome == Outcome::Finding)
        .map(|c| {
            format!(
                "{}: {}",
                c.checker,
                c.finding.as_deref().unwrap_or("(no error line)")
            )
        })
        .collect();
    if !findings.is_empty() {
        return Status::Finding { findings };
    }
    let checkers: Vec<String> = checks
        .iter()
        .filter(|c| c.outcome == Outcome::Clean)
        .map(|c| c.checker.clone())
        .collect();
    let not_run: Vec<String> = checks
        .iter()
        .filter(|c| c.outcome == Outcome::NotRun)
        .map(|c| {
            let why = c.note.as_deref().unwrap_or("not run");
            format!("{}: {}", c.checker, why.trim_start_matches("not run: "))
        })
        .collect();
    if checkers.is_empty() {
        let why = if !have_results {
            "no soundness results (scripts/soundness.sh writes them; for a comparison of your \
             own, `ledger pair --miri`)"
                .to_owned()
        } else if not_run.is_empty() {
            "the soundness results have no record of this variant".to_owned()
        } else {
            not_run.join("; ")
        };
        return Status::NotChecked { why };
    }
    Status::Clean { checkers, not_run }
}

#[cfg(test)]
mod tests {
    use super::{Status, status};
    use crate::wire::soundness::{Outcome, VariantCheck};

    fn check(checker: &str, outcome: Outcome) -> VariantCheck {
        VariantCheck {
            family: "f".into(),
            variant: "v".into(),
            checker: checker.into(),
            finding: (outcome == Outcome::Finding).then(|| "error: Undefined Behavior".into()),
            note: (outcome == Outcome::NotRun).then(|| "rayon".into()),
            inputs: (outcome == Outcome::Clean).then_some(3),
            outcome,
        }
    }

    #[test]
    fn one_finding_outweighs_any_number_of_clean_runs() {
        let s = status(
            &[
                check("miri-stacked-borrows", Outcome::Clean),
                check("address-sanitizer", Outcome::Finding),
            ],
            true,
        );
        assert_eq!(
            s,
            Status::Finding {
                findings: vec!["address-sanitizer: error: Undefined Behavior".into()]
            }
        );
    }

    #[test]
    fn clean_lists_what_ran_and_what_did_not() {
        let s = status(
            &[
                check("miri-stacked-borrows", Outcome::NotRun),
                check("miri-tree-borrows", Outcome::Clean),
            ],
            true,
        );
        assert_eq!(
            s,
            Status::Clean {
                checkers: vec!["miri-tree-borrows".into()],
                not_run: vec!["miri-stacked-borrows: rayon".into()]
            }
        );
    }

    #[test]
    fn nothing_recorded_is_not_checked_never_clean() {
        assert!(matches!(status(&[], false), Status::NotChecked { .. }));
        assert!(matches!(status(&[], true), Status::NotChecked { .. }));
        assert!(matches!(
            status(&[check("miri-tree-borrows", Outcome::NotRun)], true),
            Status::NotChecked { .. }
        ));
    }
}
