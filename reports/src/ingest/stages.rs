//! A run's `stages.json`: which stage run produced each file.

use std::path::Path;

use super::{Problem, read_json};
use crate::wire::stages::{STAGES_SCHEMA, StageRun, Stages};

/// A run's `stages.json`, if it has one.
pub(super) fn read_stages(dir: &Path, problems: &mut Vec<Problem>) -> Vec<StageRun> {
    let path = dir.join("stages.json");
    if !path.exists() {
        return Vec::new();
    }
    let stages: Stages = match read_json(&path) {
        Ok(stages) => stages,
        Err(unreadable) => {
            problems.push(unreadable.costs("which run produced each file is not shown"));
            return Vec::new();
        }
    };
    if stages.schema != STAGES_SCHEMA {
        problems.push(Problem::new(
            &path,
            format!(
                "stages in format version {}, this build reads version {STAGES_SCHEMA}; which \
                 run produced each file is not shown",
                stages.schema
            ),
        ));
        return Vec::new();
    }
    stages.runs
}
