//! The report generator of unsafe-ledger: raw results on disk in, a self-contained site out.
//!
//! Data flows one way, through typed stages, and the report never runs a benchmark:
//! [`wire`] (on-disk formats) → [`ingest`] (measurements and problems) → [`analyze`] (the
//! ledger: medians, ratios, intervals, verdicts) → [`render`] (pages and plots) → [`site`]
//! (written atomically).

pub mod analyze;
pub mod error;
pub mod ingest;
pub mod render;
pub mod site;
pub mod stats;
pub mod verdict;

pub use protocol::rng;
pub use wire;

use std::path::{Path, PathBuf};

use analyze::Ledger;
pub use error::ReportError;

/// What [`build`] produced.
#[derive(Debug)]
pub struct Built {
    /// Benchmarks read across all runs.
    pub benchmarks: usize,
    /// Files written (pages, plots, `ledger.json`), raw copies not counted.
    pub files: usize,
    /// Problems listed on the site.
    pub problems: usize,
    /// The ledger the site shows.
    pub ledger: Ledger,
}

/// Reads the results directories and the checkers' results (`soundness.json`, if given),
/// analyzes them against the catalogs written with the results and writes the site to `out`. Fails only when
/// there is nothing at all to report or the site cannot be written; every lesser problem is
/// listed on the site.
pub fn build(
    results: &[PathBuf],
    soundness: Option<&Path>,
    out: &Path,
) -> Result<Built, ReportError> {
    let ingested = ingest::ingest(results, soundness);
    let benchmarks: usize = ingested.runs.iter().map(|r| r.measurements.len()).sum();
    let processes: usize = ingested.runs.iter().map(|r| r.protocol.len()).sum();
    // Criterion curves or protocol rounds: either is something to show.
    if benchmarks == 0 && processes == 0 {
        return Err(ReportError::NothingToReport {
            problems: ingested.problems,
        });
    }
    let ledger = analyze::analyze(&ingested);
    let files = render::render(&ledger)?;
    let mut raw: Vec<(String, PathBuf)> = ingested
        .runs
        .iter()
        .map(|run| (render::raw_dir(&run.label), run.dir.clone()))
        .collect();
    if let Some(s) = &ingested.soundness {
        raw.push((render::RAW_SOUNDNESS.to_owned(), s.path.clone()));
    }
    site::write_site(out, &files, &raw).map_err(|source| ReportError::Write {
        dir: out.to_path_buf(),
        source,
    })?;
    Ok(Built {
        benchmarks,
        files: files.len(),
        problems: ledger.problems.len(),
        ledger,
    })
}
