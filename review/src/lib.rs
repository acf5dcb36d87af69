//! `ledger review`: every unsafe site of a crate, a workspace or a pull request, and what the
//! workbench measured for its pattern.
//!
//! A reviewer starts from unsafe code, not from a benchmark. The review reads every `.rs` file
//! under a path ([`files`]), finds each `unsafe` block, fn, impl, trait and extern block in the
//! syntax tree ([`scan`]) and in macro tokens the tree does not show ([`tokens`]), recognises
//! the unsafe operations inside ([`patterns`], one table), and cites a report site's verdicts
//! and hazard gallery for each pattern ([`evidence`]). With `--diff REV` only the sites the
//! working tree adds or changes against a revision are listed ([`diff`]). Every count is
//! checked against an independent count made from the tokens alone.

pub mod diff;
pub mod evidence;
pub mod files;
pub mod markdown;
pub mod measure;
pub mod patterns;
pub mod render;
pub mod sarif;
pub mod scan;
pub mod site;
pub mod tokens;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Barrier, Mutex, OnceLock};
use std::time::Instant;

use serde::Serialize;

use evidence::{Cited, Evidence};
use patterns::Pattern;
pub use site::{Problem, Site, SiteKind};
use tokens::Counts;

/// Format version of the review's JSON.
pub const REVIEW_SCHEMA: u32 = 1;

/// What to review.
pub struct Request<'a> {
    /// A crate, a workspace, a directory or one file.
    pub root: &'a Path,
    /// Review only what the working tree adds or changes against this revision.
    pub diff: Option<&'a str>,
    /// The evidence to cite.
    pub evidence: Option<&'a Evidence>,
    /// Threads to parse with.
    pub threads: usize,
}

/// A finished review.
#[derive(Debug, Serialize)]
pub struct Review {
    /// Format version, [`REVIEW_SCHEMA`].
    pub schema: u32,
    /// The reviewed path.
    pub root: PathBuf,
    /// The revision the changes are against, with `--diff`.
    pub diff: Option<String>,
    /// The evidence cited, if any.
    pub evidence: Option<PathBuf>,
    /// Files read (with `--diff`: the changed ones).
    pub files: usize,
    /// Their lines.
    pub lines: usize,
    /// Wall time of the review, in seconds.
    pub seconds: f64,
    /// The counts.
    pub summary: Summary,
    /// The same files' sites counted from tokens alone (whole files, also with `--diff`).
    pub independent_count: Counts,
    /// Every site, by file and line.
    pub sites: Vec<Site>,
    /// Each recognised pattern with its sites and the evidence for it.
    pub patterns: Vec<PatternRow>,
    /// Files that could not be read or parsed; every other file was reviewed.
    pub problems: Vec<Problem>,
}

/// The review's counts.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    /// Sites of every kind.
    pub sites: usize,
    /// Sites per kind (`unsafe_blocks`, `unsafe_fns`, ... in the JSON).
    #[serde(flatten)]
    pub kinds: Counts,
    /// Sites with a SAFETY comment (or a `# Safety` doc).
    pub with_safety_comment: usize,
    /// Sites written inside macros.
    pub in_macros: usize,
    /// Sites behind a `#[cfg]`.
    pub behind_cfg: usize,
    /// Sites with at least one pattern that has a verdict in the evidence.
    pub with_evidence: usize,
    /// Sites with no recognised operation.
    pub unrecognised: usize,
    /// Sites per pattern.
    pub patterns: BTreeMap<Pattern, usize>,
}

/// One pattern, its sites and its evidence.
#[derive(Debug, Serialize)]
pub struct PatternRow {
    /// The pattern.
    pub pattern: Pattern,
    /// How it is recognised.
    pub recognised_by: &'static str,
    /// Sites with it.
    pub sites: usize,
    /// What the evidence says.
    #[serde(flatten)]
    pub cited: Cited,
}

/// Why nothing could be reviewed.
#[derive(Debug)]
pub enum ReviewError {
    /// The path does not exist.
    Missing(PathBuf),
    /// The path cannot be listed.
    List(PathBuf, std::io::Error),
    /// No `.rs` file under the path.
    NoRustFiles(PathBuf),
    /// `--diff` cannot be read.
    Diff(diff::DiffError),
}

impl std::fmt::Display for ReviewError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Missing(path) => write!(f, "{}: no such file or directory", path.display()),
            Self::List(path, e) => write!(f, "cannot list {}: {e}", path.display()),
            Self::NoRustFiles(path) => write!(f, "no .rs file under {}", path.display()),
            Self::Diff(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ReviewError {}

/// What one file contributes before the sites are scanned: the names its extern blocks
/// declare and the `#[cfg]` module declarations it makes.
struct FileFacts {
    externs: Vec<String>,
    declarations: Vec<files::Declaration>,
}

/// What every file's scan needs from all files: the functions extern blocks declare, and the
/// `#[cfg]` conditions that lead to each file.
struct Pooled {
    externs: HashSet<String>,
    gated: BTreeMap<PathBuf, Vec<String>>,
}

/// Reviews `request.root`.
pub fn review(request: &Request<'_>) -> Result<Review, ReviewError> {
    let started = Instant::now();
    let root = request.root;
    if !root.exists() {
        return Err(ReviewError::Missing(root.to_path_buf()));
    }
    let all = files::rust_files(root).map_err(|e| ReviewError::List(root.to_path_buf(), e))?;
    if all.is_empty() {
        return Err(ReviewError::NoRustFiles(root.to_path_buf()));
    }
    let changes = match request.diff {
        Some(rev) => Some(diff::changes(root, rev).map_err(ReviewError::Diff)?),
        None => None,
    };
    // Git names files from the repository's top; the review from `root`: compare both
    // canonical.
    let changes: Option<BTreeMap<PathBuf, diff::Changed>> = changes.map(|changes| {
        changes
            .into_iter()
            .filter_map(|(path, c)| Some((path.canonicalize().ok()?, c)))
            .collect()
    });
    let changed = |path: &Path| -> Option<diff::Changed> {
        changes.as_ref()?.get(&path.canonicalize().ok()?).cloned()
    };

    // Each thread parses its share of the files once and keeps the trees (a syntax tree
    // cannot move between threads); the facts every file's scan needs are pooled between the
    // two phases.
    let threads = request.threads.clamp(1, all.len());
    let facts: Mutex<Vec<(PathBuf, FileFacts)>> = Mutex::new(Vec::new());
    let barrier = Barrier::new(threads);
    let pooled: OnceLock<Pooled> = OnceLock::new();
    let results: Mutex<Vec<FileResult>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for share in 0..threads {
            let (all, facts, barrier, pooled, results) =
                (&all, &facts, &barrier, &pooled, &results);
            let changed = &changed;
            scope.spawn(move || {
                let mine: Vec<&PathBuf> = all.iter().skip(share).step_by(threads).collect();
                let mut parsed = Vec::new();
                let mut own = Vec::new();
                for path in mine {
                    let read = read_file(root, path);
                    if let Ok((_, _, tree)) = &read {
                        own.push((
                            path.clone(),
                            FileFacts {
                                externs: scan::extern_fns(tree),
                                declarations: files::declarations(path, tree),
                            },
                        ));
                    }
                    parsed.push((path, read));
                }
                lock(facts).extend(own);
                if barrier.wait().is_leader() {
                    let facts = std::mem::take(&mut *lock(facts));
                    let externs = facts
                        .iter()
                        .flat_map(|(_, f)| f.externs.iter().cloned())
                        .collect();
                    let declarations: Vec<files::Declaration> = facts
                        .into_iter()
                        .flat_map(|(_, f)| f.declarations)
                        .collect();
                    let _ = pooled.set(Pooled {
                        externs,
                        gated: files::gated(&declarations),
                    });
                }
                barrier.wait();
                let Some(Pooled { externs, gated }) = pooled.get() else {
                    unreachable!("the leader pooled the facts before the second wait")
                };
                let mut out = Vec::new();
                for (path, read) in parsed {
                    let change = changed(path);
                    if request.diff.is_some() && change.is_none() {
                        continue;
                    }
                    out.push(match read {
                        Err(problem) => FileResult::Problem(problem),
                        Ok((name, source, tree)) => {
                            let cfg = gated.get(path).cloned().unwrap_or_default();
                            let mut sites = scan::sites(&name, &source, &tree, &cfg, externs);
                            if let Some(change) = &change {
                                sites.retain(|s| change.touches(s.line, s.end_line));
                            }
                            FileResult::Reviewed {
                                lines: source.lines().count(),
                                sites,
                                independent: tokens::count(&source).map_err(|e| Problem {
                                    file: name.clone(),
                                    line: None,
                                    message: format!(
                                        "parsed, but the independent token count could not \
                                         lex it: {e}"
                                    ),
                                }),
                            }
                        }
                    });
                }
                lock(results).extend(out);
            });
        }
    });

    let mut sites = Vec::new();
    let mut problems = Vec::new();
    let mut independent = Counts::default();
    let (mut reviewed, mut lines) = (0, 0);
    for result in results.into_inner().unwrap_or_else(|e| e.into_inner()) {
        match result {
            FileResult::Problem(p) => problems.push(p),
            FileResult::Reviewed {
                lines: n,
                sites: s,
                independent: c,
            } => {
                reviewed += 1;
                lines += n;
                sites.extend(s);
                match c {
                    Ok(c) => independent.add(&c),
                    Err(p) => problems.push(p),
                }
            }
        }
    }
    sites.sort_by(|a, b| (&a.file, a.line, a.kind).cmp(&(&b.file, b.line, b.kind)));
    problems.sort_by(|a, b| a.file.cmp(&b.file));
    let (summary, patterns) = summarise(&sites, request.evidence);
    suggest_measures(root, &mut sites, &patterns);
    Ok(Review {
        schema: REVIEW_SCHEMA,
        root: root.to_path_buf(),
        diff: request.diff.map(str::to_owned),
        evidence: request.evidence.map(|e| e.source.clone()),
        files: reviewed,
        lines,
        seconds: started.elapsed().as_secs_f64(),
        summary,
        independent_count: independent,
        sites,
        patterns,
        problems,
    })
}

enum FileResult {
    Problem(Problem),
    Reviewed {
        lines: usize,
        sites: Vec<Site>,
        independent: Result<Counts, Problem>,
    },
}

/// A file's name in the results, its source and its syntax tree, or why it has none.
fn read_file(root: &Path, path: &Path) -> Result<(String, String, syn::File), Problem> {
    let name = if root.is_file() {
        path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    } else {
        path.strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    let source = std::fs::read_to_string(path).map_err(|e| Problem {
        file: name.clone(),
        line: None,
        message: format!("cannot read: {e}"),
    })?;
    let tree = syn::parse_file(&source).map_err(|e| Problem {
        file: name.clone(),
        line: Some(e.span().start().line),
        message: format!("not valid Rust: {e}"),
    })?;
    Ok((name, source, tree))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// The command that would measure each site whose function has a safe twin or whose
/// operations no verdict covers (unrecognised ones included).
fn suggest_measures(root: &Path, sites: &mut [Site], rows: &[PatternRow]) {
    let mut crates = measure::Crates::default();
    // Test code is not measured: a bench cannot call it.
    let in_tests = |s: &Site| s.cfg.iter().any(|c| c == "cfg(test)");
    for site in sites.iter_mut().filter(|s| s.callable && !in_tests(s)) {
        let why = if site.safe_twin.is_some() {
            measure::Why::SafeTwin
        } else if site.operations.iter().any(|p| {
            rows.iter()
                .any(|r| r.pattern == *p && r.cited.has_verdict())
        }) {
            continue;
        } else {
            measure::Why::NotMeasured
        };
        let file = if root.is_file() {
            root.to_path_buf()
        } else {
            root.join(&site.file)
        };
        site.measure = crates.suggest(&file, &site.item, site.safe_twin.as_deref(), why);
    }
}

fn summarise(sites: &[Site], evidence: Option<&Evidence>) -> (Summary, Vec<PatternRow>) {
    let mut summary = Summary {
        sites: sites.len(),
        ..Summary::default()
    };
    let rows: Vec<PatternRow> = patterns::TABLE
        .iter()
        .map(|entry| PatternRow {
            pattern: entry.pattern,
            recognised_by: entry.recognised_by,
            sites: sites
                .iter()
                .filter(|s| s.operations.contains(&entry.pattern))
                .count(),
            cited: evidence::cite(entry, evidence),
        })
        .collect();
    for site in sites {
        summary.kinds.bump(site.kind);
        summary.with_safety_comment += usize::from(site.safety_comment);
        summary.in_macros += usize::from(site.in_macro.is_some());
        summary.behind_cfg += usize::from(!site.cfg.is_empty());
        summary.unrecognised += usize::from(site.operations.is_empty());
        let cited = site.operations.iter().any(|p| {
            rows.iter()
                .any(|r| r.pattern == *p && r.cited.has_verdict())
        });
        summary.with_evidence += usize::from(cited);
    }
    summary.patterns = rows
        .iter()
        .filter(|r| r.sites > 0)
        .map(|r| (r.pattern, r.sites))
        .collect();
    (summary, rows)
}
