//! A run's `instructions/*.json`: instructions per call, per architecture and method.

use std::path::{Path, PathBuf};

use super::Problem;
use super::versioned::read_json_dir;
use crate::wire::catalog::Catalog;
use crate::wire::instructions::{INSTRUCTIONS_SCHEMA, InstructionFile};

/// One instruction-count file, its entries checked against the run's catalog.
#[derive(Clone, Debug)]
pub struct CountSet {
    /// The file, relative to its run directory.
    pub file: PathBuf,
    /// Its content, with unusable entries removed (each named in a [`Problem`]).
    pub counts: InstructionFile,
}

/// Every `instructions/*.json` of a run, sorted by name.
pub(super) fn read_counts(
    run_dir: &Path,
    catalog: &Catalog,
    problems: &mut Vec<Problem>,
) -> Vec<CountSet> {
    let files = read_json_dir(
        &run_dir.join("instructions"),
        Some(
            "no instruction counts in this run (scripts/bench.sh records them where valgrind can \
             be installed; scripts/aarch64.sh adds aarch64)",
        ),
        ("instruction counts", "counts"),
        (INSTRUCTIONS_SCHEMA, |c: &InstructionFile| c.schema),
        problems,
    );
    files
        .into_iter()
        .map(|(path, mut counts)| {
            let mut dropped = Vec::new();
            counts.counts.retain(|c| {
                let why = match catalog.family(&c.family) {
                    None => Some("family the run's catalog does not list"),
                    Some(f) if f.variant(&c.variant).is_none() => {
                        Some("variant the run's catalog does not list")
                    }
                    Some(f) if !f.inputs.iter().any(|i| i.name == c.input) => {
                        Some("input the run's catalog does not list")
                    }
                    Some(_) if !(c.per_call.is_finite() && c.per_call >= 0.0) => {
                        Some("count that is not a finite non-negative number")
                    }
                    Some(_) => None,
                };
                if let Some(why) = why {
                    dropped.push(format!("{}/{}/{} ({why})", c.family, c.variant, c.input));
                }
                why.is_none()
            });
            if !dropped.is_empty() {
                problems.push(Problem::new(
                    &path,
                    format!("{} counts skipped: {}", dropped.len(), dropped.join(", ")),
                ));
            }
            let file = path.strip_prefix(run_dir).unwrap_or(&path).to_path_buf();
            CountSet { file, counts }
        })
        .collect()
}
