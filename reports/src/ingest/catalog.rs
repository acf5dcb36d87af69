//! A run's `catalog.json`, and the catalogs of several runs merged.

use std::fs;
use std::path::Path;

use super::Problem;
use crate::wire::catalog::{CATALOG_SCHEMA, Catalog};

/// A run's `catalog.json`: the registry its results were measured with. Without it the run's
/// results cannot be described, so they are skipped with one problem rather than one per file.
pub(super) fn read_catalog(dir: &Path, problems: &mut Vec<Problem>) -> Option<Catalog> {
    let path = dir.join("catalog.json");
    let skipped = "the run's results cannot be described and are skipped (scripts/bench.sh \
                   writes catalog.json with them)";
    let bytes = fs::read(&path)
        .map_err(|e| problems.push(Problem::new(&path, format!("cannot read ({e}); {skipped}"))))
        .ok()?;
    let catalog: Catalog = serde_json::from_slice(&bytes)
        .map_err(|e| problems.push(Problem::new(&path, format!("malformed ({e}); {skipped}"))))
        .ok()?;
    if catalog.schema != CATALOG_SCHEMA {
        problems.push(Problem::new(
            &path,
            format!(
                "catalog in format version {}, this build reads version {CATALOG_SCHEMA}; \
                 {skipped}",
                catalog.schema
            ),
        ));
        return None;
    }
    Some(catalog)
}

/// Adds the families of one run's catalog to the merged catalog. A family already described
/// differently by an earlier run keeps that description, and the conflict is named.
pub(super) fn merge_catalog(
    merged: &mut Catalog,
    run: &Catalog,
    source: &Path,
    problems: &mut Vec<Problem>,
) {
    merged.schema = CATALOG_SCHEMA;
    for family in &run.families {
        let Some(known) = merged.family(&family.name) else {
            merged.families.push(family.clone());
            continue;
        };
        if known == family {
            continue;
        }
        let mut differs: Vec<String> = family
            .variants
            .iter()
            .chain(&family.floor)
            .filter(|v| known.variant(&v.name) != Some(*v))
            .map(|v| format!("`{}`", v.name))
            .collect();
        differs.extend(
            known
                .variants
                .iter()
                .filter(|v| family.variant(&v.name).is_none())
                .map(|v| format!("`{}` (absent here)", v.name)),
        );
        let what = if differs.is_empty() {
            "its inputs or description".to_owned()
        } else {
            format!("variants {}", differs.join(", "))
        };
        problems.push(Problem::new(
            &source.join("catalog.json"),
            format!(
                "describes family `{}` differently from an earlier run ({what}); the site \
                 describes it as the earlier run does",
                family.name
            ),
        ));
    }
}
