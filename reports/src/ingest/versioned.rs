//! The one reader for a directory of versioned JSON files (counts, codegen).

use std::path::{Path, PathBuf};

use super::{Problem, list_dir, read_json};

/// Every `*.json` in `dir`, sorted by name, read as `T` in format version `schema.0`; a file
/// that is malformed or in another version is named in a problem and left out. `missing` is the
/// problem a directory that does not exist makes (`None`: it makes none); `noun` names the
/// files' content in messages, as a whole and as what is skipped.
pub(super) fn read_json_dir<T: serde::de::DeserializeOwned>(
    dir: &Path,
    missing: Option<&str>,
    (noun, skipped): (&str, &str),
    (schema, schema_of): (u32, fn(&T) -> u32),
    problems: &mut Vec<Problem>,
) -> Vec<(PathBuf, T)> {
    if missing.is_none() && !dir.exists() {
        return Vec::new();
    }
    let Some(entries) = list_dir(dir, missing.unwrap_or_default(), problems) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let content: T = read_json(&path)
                .map_err(|unreadable| {
                    problems.push(unreadable.costs(&format!("{skipped} skipped")))
                })
                .ok()?;
            let version = schema_of(&content);
            if version != schema {
                problems.push(Problem::new(
                    &path,
                    format!(
                        "{noun} in format version {version}, this build reads version \
                         {schema}; {skipped} skipped"
                    ),
                ));
                return None;
            }
            Some((path, content))
        })
        .collect()
}
