//! `ledger review`: every unsafe site of a crate or a pull request, tied to the evidence for
//! its pattern (the `review` crate does the work; this is its command line).

use std::path::PathBuf;

use anyhow::bail;
// `::review` is the crate; this module has the same name.
use ::review::evidence::Evidence;

use crate::shown;

/// The site `scripts/bench.sh` builds, cited when `--evidence` is not given.
const LAST_SITE: &str = "target/ledger/site/ledger.json";

/// The review's output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
    Sarif,
    Markdown,
}

/// The exit status of a SARIF or Markdown request with nothing to review.
const NOTHING_TO_REVIEW: u8 = 3;

#[derive(clap::Args)]
pub struct Args {
    /// A crate, a workspace, a directory or one `.rs` file.
    path: PathBuf,
    /// Review only the unsafe the working tree adds or changes against this git revision
    /// (a pull request's base).
    #[arg(long, value_name = "REV")]
    diff: Option<String>,
    /// The `ledger.json` of a report site to cite [default: target/ledger/site/ledger.json
    /// when it exists].
    #[arg(long, value_name = "FILE")]
    evidence: Option<PathBuf>,
    /// How to print the review: `text` (tables), `json` (with a `summary` of the counts),
    /// `sarif` (SARIF 2.1.0 for GitHub code scanning, paths from the repository's top) or
    /// `markdown` (a pull-request comment). With `sarif` or `markdown`, a review that reads no
    /// file (a `--diff` that changes no `.rs` file) exits with status 3 and prints nothing.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// The same as `--format json`.
    #[arg(long, conflicts_with = "format")]
    json: bool,
    /// Also write the review as an HTML page; in the site's directory it links the family
    /// pages.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let evidence_path = args.evidence.clone().or_else(|| {
        let last = PathBuf::from(LAST_SITE);
        last.is_file().then_some(last)
    });
    // Evidence that cannot be read is named and the review goes on without it: the sites are
    // worth listing either way.
    let evidence = match &evidence_path {
        Some(path) => match Evidence::read(path) {
            Ok(e) => Some(e),
            Err(e) => {
                eprintln!("ledger review: {e}; reviewing without evidence");
                None
            }
        },
        None => {
            eprintln!(
                "ledger review: no evidence ({LAST_SITE} does not exist; scripts/bench.sh \
                 builds it, or pass --evidence FILE): patterns are listed without verdicts"
            );
            None
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let review = ::review::review(&::review::Request {
        root: &args.path,
        diff: args.diff.as_deref(),
        evidence: evidence.as_ref(),
        threads,
    })?;
    if review.files == 0 && !review.problems.is_empty() {
        for p in &review.problems {
            eprintln!("ledger review: {}: {}", p.file, p.message);
        }
        bail!("no file under {} could be reviewed", shown(&args.path));
    }
    let format = if args.json { Format::Json } else { args.format };
    if matches!(format, Format::Sarif | Format::Markdown) && review.files == 0 {
        return Err(crate::Exit {
            code: NOTHING_TO_REVIEW,
            message: format!(
                "nothing to review under {}{}: no .rs file was read, so no {} was written",
                shown(&args.path),
                args.diff
                    .as_ref()
                    .map_or_else(String::new, |rev| format!(" changed against {rev}")),
                if format == Format::Sarif {
                    "SARIF"
                } else {
                    "comment"
                }
            ),
        }
        .into());
    }
    match format {
        Format::Text => print!("{}", ::review::render::terminal(&review)),
        Format::Json => println!("{}", serde_json::to_string_pretty(&review)?),
        Format::Markdown => print!("{}", ::review::markdown::comment(&review)),
        Format::Sarif => {
            let log = ::review::sarif::log(&review, &repository_prefix(&args.path));
            println!("{}", serde_json::to_string_pretty(&log)?);
        }
    }
    if let Some(path) = &args.html {
        std::fs::write(path, ::review::render::html(&review))
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", shown(path)))?;
        eprintln!("wrote {}", shown(path));
    }
    eprintln!(
        "ledger review: {} files, {} lines in {:.2} s",
        review.files, review.lines, review.seconds
    );
    Ok(())
}

/// The reviewed directory's path from the top of its git repository (`src/`, or empty at
/// the top), which SARIF's locations need; empty, with a warning, outside a repository.
fn repository_prefix(path: &std::path::Path) -> String {
    let dir = if path.is_file() {
        path.parent().unwrap_or(std::path::Path::new("."))
    } else {
        path
    };
    let dir = if dir.as_os_str().is_empty() {
        std::path::Path::new(".")
    } else {
        dir
    };
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--show-prefix"])
        .output();
    match output {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_owned(),
        _ => {
            eprintln!(
                "ledger review: {} is not in a git repository: SARIF paths are relative to it",
                shown(dir)
            );
            String::new()
        }
    }
}

#[cfg(test)]
mod tests {
    /// The review cites families by name; a renamed or missing family would cite nothing.
    #[test]
    fn every_family_the_patterns_name_is_in_the_registry() {
        for entry in ::review::patterns::TABLE {
            for family in entry.families {
                assert!(
                    kernels::family(family).is_some(),
                    "{:?} names `{family}`, which is not a family",
                    entry.pattern
                );
            }
        }
    }
}
