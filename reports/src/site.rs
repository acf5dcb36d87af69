//! Writing the site: every file into a fresh sibling directory, then swapped into place, so the
//! output directory is never left half-written.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::render::SiteFile;

/// Writes `files` and copies of the raw results (`(site-relative path, source file or dir)`) as the site
/// at `out`, replacing any previous site there only once everything is written.
pub fn write_site(out: &Path, files: &[SiteFile], raw: &[(String, PathBuf)]) -> io::Result<()> {
    let name = out
        .file_name()
        .ok_or_else(|| io::Error::other(format!("{} is not a directory name", out.display())))?
        .to_string_lossy()
        .into_owned();
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.partial-{pid}"));
    let retired = parent.join(format!(".{name}.old-{pid}"));
    let _ = fs::remove_dir_all(&staging);
    let written = (|| {
        fs::create_dir_all(&staging)?;
        for file in files {
            let path = staging.join(&file.path);
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir)?;
            }
            fs::write(&path, &file.bytes)?;
        }
        for (dir, source) in raw {
            let target = staging.join(dir);
            if source.is_file() {
                if let Some(parent) = target.parent() {
                    fs::create_dir_all(parent)?;
                }
                mirror_file(source, &target)?;
            } else {
                mirror_tree(source, &target)?;
            }
        }
        Ok(())
    })();
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if out.exists() {
        fs::rename(out, &retired)?;
    }
    if let Err(e) = fs::rename(&staging, out) {
        // Put the previous site back rather than leave nothing.
        let _ = fs::rename(&retired, out);
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    let _ = fs::remove_dir_all(&retired);
    Ok(())
}

/// Copies the regular files and directories under `from` into `to`, creating it.
pub fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    walk_tree(from, to, &|from, to| fs::copy(from, to).map(|_| ()))
}

/// Like [`copy_tree`], but hard-links files where the file system allows it: results hold
/// thousands of small files and are replaced, never edited, by the next run, so the site's
/// copy needs no bytes of its own.
fn mirror_tree(from: &Path, to: &Path) -> io::Result<()> {
    walk_tree(from, to, &mirror_file)
}

fn mirror_file(from: &Path, to: &Path) -> io::Result<()> {
    if fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    fs::copy(from, to).map(|_| ())
}

fn walk_tree(
    from: &Path,
    to: &Path,
    file: &dyn Fn(&Path, &Path) -> io::Result<()>,
) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk_tree(&entry.path(), &target, file)?;
        } else if kind.is_file() {
            file(&entry.path(), &target)?;
        }
    }
    Ok(())
}
