//! The checkers' `soundness.json`.

use std::path::{Path, PathBuf};

use super::{Problem, read_json};
use crate::wire::catalog::{Catalog, VariantKind};
use crate::wire::soundness::{SOUNDNESS_SCHEMA, SoundnessFile};

/// What the checkers found (`soundness.json`), its records checked against the measured catalog.
#[derive(Clone, Debug)]
pub struct Soundness {
    /// The file read.
    pub path: PathBuf,
    /// Its content, with records of unknown variants removed (each named in a [`Problem`]).
    pub file: SoundnessFile,
}

/// `soundness.json`, keeping only records of unsafe variants the measured catalog lists.
pub(super) fn read_soundness(
    path: &Path,
    catalog: &Catalog,
    problems: &mut Vec<Problem>,
) -> Option<Soundness> {
    let mut file: SoundnessFile = read_json(path)
        .map_err(|unreadable| {
            problems.push(unreadable.costs("every unsafe variant is shown as not checked"));
        })
        .ok()?;
    if file.schema != SOUNDNESS_SCHEMA {
        problems.push(Problem::new(
            path,
            format!(
                "soundness results in format version {}, this build reads version \
                 {SOUNDNESS_SCHEMA}; every unsafe variant is shown as not checked",
                file.schema
            ),
        ));
        return None;
    }
    let mut dropped = Vec::new();
    file.variants.retain(|c| {
        let known = catalog
            .family(&c.family)
            .and_then(|f| f.variant(&c.variant))
            .is_some_and(|v| v.kind == VariantKind::Unsafe);
        if !known {
            dropped.push(format!("{}/{} under {}", c.family, c.variant, c.checker));
        }
        known
    });
    if !dropped.is_empty() {
        problems.push(Problem::new(
            path,
            format!(
                "{} records skipped, not unsafe variants of the measured catalog: {}",
                dropped.len(),
                dropped.join(", ")
            ),
        ));
    }
    Some(Soundness {
        path: path.to_path_buf(),
        file,
    })
}
