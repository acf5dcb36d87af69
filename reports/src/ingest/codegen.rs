//! A run's `codegen/*.json`: each variant's machine code, per architecture.

use std::path::{Path, PathBuf};

use super::Problem;
use super::versioned::read_json_dir;
use crate::wire::catalog::Catalog;
use crate::wire::codegen::{CODEGEN_SCHEMA, CodegenFile};

/// One disassembly file, its entries checked against the run's catalog.
#[derive(Clone, Debug)]
pub struct CodeSet {
    /// The file, relative to its run directory.
    pub file: PathBuf,
    /// Its content, with entries of unknown variants removed (each named in a [`Problem`]).
    pub code: CodegenFile,
}

/// Every `codegen/*.json` of a run, sorted by name. A run without the directory (measured
/// before codegen was recorded, or by `--quick`) is not a problem: the family pages say so.
pub(super) fn read_codegen(
    run_dir: &Path,
    catalog: &Catalog,
    problems: &mut Vec<Problem>,
) -> Vec<CodeSet> {
    let files = read_json_dir(
        &run_dir.join("codegen"),
        None,
        ("codegen", "codegen"),
        (CODEGEN_SCHEMA, |c: &CodegenFile| c.schema),
        problems,
    );
    files
        .into_iter()
        .map(|(path, mut code)| {
            let mut dropped = Vec::new();
            code.entries.retain(|e| {
                let known = catalog
                    .family(&e.family)
                    .is_some_and(|f| f.variant(&e.variant).is_some());
                if !known {
                    dropped.push(format!("{}/{}", e.family, e.variant));
                }
                known
            });
            if !dropped.is_empty() {
                problems.push(Problem::new(
                    &path,
                    format!(
                        "{} entries of variants the run's catalog does not list skipped: {}",
                        dropped.len(),
                        dropped.join(", ")
                    ),
                ));
            }
            let file = path.strip_prefix(run_dir).unwrap_or(&path).to_path_buf();
            CodeSet { file, code }
        })
        .collect()
}
