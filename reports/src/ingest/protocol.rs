//! The verdict protocol's process files, `protocol/FAMILY/PHASE-N.jsonl`.

use std::fs;
use std::path::{Path, PathBuf};

use super::{Problem, ProcessRounds, list_dir};
use crate::wire::catalog::Catalog;

/// Every complete process file of the run's verdict protocol, by name. A process that is
/// malformed, interrupted or inconsistent is named and left out whole: its rounds are not
/// mixed with anything.
pub(super) fn read_protocol(
    run_dir: &Path,
    catalog: &Catalog,
    problems: &mut Vec<Problem>,
) -> Vec<ProcessRounds> {
    let dir = run_dir.join("protocol");
    let Some(entries) = list_dir(
        &dir,
        "no verdict-protocol rounds in this run (measured before the protocol, or without it): \
         its results are unusable for verdicts and give none",
        problems,
    ) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .filter_map(|family| fs::read_dir(family).ok())
        .flat_map(|files| files.flatten().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    paths.sort();
    let processes: Vec<ProcessRounds> = paths
        .iter()
        .filter_map(|path| match read_process(path, catalog) {
            Ok(mut process) => {
                process.file = path.strip_prefix(run_dir).unwrap_or(path).to_path_buf();
                Some(process)
            }
            Err(why) => {
                problems.push(Problem::new(
                    path,
                    format!("{why}; this process is not used"),
                ));
                None
            }
        })
        .collect();
    if processes.is_empty() && !paths.is_empty() {
        problems.push(Problem::new(
            &dir,
            "no usable process of the verdict protocol: no verdicts from this run",
        ));
    }
    processes
}

/// One process file, checked line by line and against the run's catalog.
fn read_process(path: &Path, catalog: &Catalog) -> Result<ProcessRounds, String> {
    ::protocol::rounds::read_process(path, &|case| {
        catalog.family(&case.family).is_some_and(|f| {
            case.arms
                .iter()
                .all(|arm| f.variant(&arm.variant).is_some())
        })
    })
}
