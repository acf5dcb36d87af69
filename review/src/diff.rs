//! `--diff REV`: the lines of `.rs` files the working tree adds or changes against a git
//! revision (a pull request's base), from `git diff --unified=0`; files git does not track yet
//! count as added whole.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What changed in one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changed {
    /// The whole file is new (untracked, or added since the revision).
    pub whole: bool,
    /// Added or rewritten line ranges, inclusive, 1-based.
    pub added: Vec<(usize, usize)>,
    /// Lines after which lines were deleted.
    pub deleted_after: Vec<usize>,
}

impl Changed {
    /// Whether the change touches lines `first..=last`: an added line inside, or a deletion
    /// strictly inside.
    pub fn touches(&self, first: usize, last: usize) -> bool {
        self.whole
            || self.added.iter().any(|&(a, b)| a <= last && first <= b)
            || self.deleted_after.iter().any(|&c| first <= c && c < last)
    }
}

/// Why the changes cannot be read.
#[derive(Debug)]
pub enum DiffError {
    /// The reviewed path is not inside a git repository (or git is missing).
    NotARepository(PathBuf, String),
    /// The revision does not name a commit.
    UnknownRevision(String, String),
    /// `git diff` failed.
    Git(String),
}

impl std::fmt::Display for DiffError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotARepository(path, why) => write!(
                f,
                "--diff needs a git repository, and {} is not inside one ({why})",
                path.display()
            ),
            Self::UnknownRevision(rev, why) => {
                write!(f, "--diff {rev}: not a commit of this repository ({why})")
            }
            Self::Git(why) => write!(f, "git diff failed: {why}"),
        }
    }
}

impl std::error::Error for DiffError {}

/// The changed `.rs` files under the repository holding `root`, by absolute path.
pub fn changes(root: &Path, rev: &str) -> Result<BTreeMap<PathBuf, Changed>, DiffError> {
    let dir = if root.is_file() {
        root.parent().unwrap_or(Path::new("."))
    } else {
        root
    };
    let top = git(dir, &["rev-parse", "--show-toplevel"])
        .map_err(|why| DiffError::NotARepository(root.to_path_buf(), why))?;
    let top = PathBuf::from(top.trim());
    git(
        &top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|why| DiffError::UnknownRevision(rev.to_owned(), why))?;
    let diff = git(
        &top,
        &[
            "diff",
            "--no-color",
            "--no-ext-diff",
            "--no-renames",
            "--unified=0",
            rev,
            "--",
            "*.rs",
        ],
    )
    .map_err(DiffError::Git)?;
    let mut changed = parse(&diff, &top);
    let untracked = git(
        &top,
        &["ls-files", "--others", "--exclude-standard", "--", "*.rs"],
    )
    .map_err(DiffError::Git)?;
    for file in untracked.lines().filter(|l| !l.is_empty()) {
        changed.entry(top.join(file)).or_default().whole = true;
    }
    Ok(changed)
}

/// Parses `git diff --unified=0` output; paths are joined to `top`.
pub fn parse(diff: &str, top: &Path) -> BTreeMap<PathBuf, Changed> {
    let mut changed: BTreeMap<PathBuf, Changed> = BTreeMap::new();
    let mut file: Option<PathBuf> = None;
    let mut new_file = false;
    for line in diff.lines() {
        if line.starts_with("diff --git ") {
            file = None;
            new_file = false;
        } else if line.starts_with("new file mode") {
            new_file = true;
        } else if let Some(path) = line.strip_prefix("+++ ") {
            file = path.strip_prefix("b/").map(|p| top.join(p));
            if let (Some(f), true) = (&file, new_file) {
                changed.entry(f.clone()).or_default().whole = true;
            }
        } else if let (Some(f), Some(hunk)) = (&file, line.strip_prefix("@@ ")) {
            let Some(new) = hunk.split_whitespace().find(|w| w.starts_with('+')) else {
                continue;
            };
            let mut parts = new[1..].splitn(2, ',');
            let start: usize = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            let count: usize = parts
                .next()
                .map_or(Some(1), |s| s.parse().ok())
                .unwrap_or(1);
            let entry = changed.entry(f.clone()).or_default();
            if count == 0 {
                entry.deleted_after.push(start);
            } else {
                entry.added.push((start, start + count - 1));
            }
        }
    }
    changed
}

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        return Err(if err.is_empty() {
            format!("git {} exited with {}", args.join(" "), out.status)
        } else {
            err
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_become_line_ranges_and_deletion_points() {
        let diff = "diff --git a/src/a.rs b/src/a.rs\n--- a/src/a.rs\n+++ b/src/a.rs\n\
                    @@ -3 +3 @@ fn f() {\n-old\n+new\n@@ -10,2 +9,0 @@\n-x\n-y\n\
                    @@ -20,0 +19,4 @@\n+a\n+b\n+c\n+d\n\
                    diff --git a/b.rs b/b.rs\nnew file mode 100644\n--- /dev/null\n+++ b/b.rs\n\
                    @@ -0,0 +1,2 @@\n+x\n+y\n";
        let top = Path::new("/repo");
        let changed = parse(diff, top);
        let a = &changed[&top.join("src/a.rs")];
        assert_eq!(a.added, vec![(3, 3), (19, 22)]);
        assert_eq!(a.deleted_after, vec![9]);
        assert!(!a.whole);
        assert!(a.touches(1, 3) && a.touches(22, 30) && a.touches(5, 12));
        assert!(!a.touches(4, 9) && !a.touches(23, 40));
        assert!(changed[&top.join("b.rs")].whole);
    }
}
