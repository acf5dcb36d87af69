//! Why a site could not be built. Lesser problems (a malformed file, a missing count) never stop
//! the report: they are [`Problem`]s listed on the site. These are the ones that leave nothing
//! to show or nowhere to show it.

use std::fmt;
use std::path::PathBuf;

use crate::ingest::Problem;

/// A failure to build the site.
#[derive(Debug)]
pub enum ReportError {
    /// No results directory yielded a usable benchmark or protocol process; every problem met
    /// on the way.
    NothingToReport {
        /// What was wrong with each input.
        problems: Vec<Problem>,
    },
    /// A plot could not be drawn.
    Plot {
        /// The plot's title.
        plot: String,
        /// What the plotting library said.
        message: String,
    },
    /// `ledger.json` could not be serialized.
    Ledger(serde_json::Error),
    /// The site could not be written.
    Write {
        /// The site directory.
        dir: PathBuf,
        /// The I/O failure.
        source: std::io::Error,
    },
}

impl fmt::Display for ReportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NothingToReport { problems } => {
                f.write_str("no usable benchmark results or protocol rounds")?;
                for p in problems {
                    write!(f, "\n  {}: {}", p.source, p.message)?;
                }
                Ok(())
            }
            Self::Plot { plot, message } => write!(f, "cannot draw the plot `{plot}`: {message}"),
            Self::Ledger(e) => write!(f, "cannot serialize ledger.json: {e}"),
            Self::Write { dir, source } => {
                write!(f, "cannot write the site to {}: {source}", dir.display())
            }
        }
    }
}

impl std::error::Error for ReportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Ledger(e) => Some(e),
            Self::Write { source, .. } => Some(source),
            Self::NothingToReport { .. } | Self::Plot { .. } => None,
        }
    }
}
