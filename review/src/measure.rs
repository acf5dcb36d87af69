//! The command that would measure a site: `ledger pair init` on the site's function and its
//! safe form, for a site whose function has an obvious safe twin (`foo_unchecked` beside
//! `foo`) or whose operations the evidence holds no verdict for.
//!
//! Only a function a bench target can call gets a command: one in a library crate's `src/`
//! (not `main.rs`, not `src/bin/`), named by a plain path. Nested functions and methods of
//! trait impls are left without one, as are sites in files outside any crate.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// Why a site is worth measuring on its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Why {
    /// The function has a safe twin in the same scope: the pair to compare is there already.
    SafeTwin,
    /// No recognised operation of the site has a verdict in the evidence.
    NotMeasured,
}

/// How to measure one site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Measure {
    /// Why.
    pub why: Why,
    /// The function with the unsafe code, as a path the crate's benches can call.
    pub unchecked: String,
    /// Its safe form: the twin, or a name for one still to be written.
    pub safe: String,
    /// The command that writes the bench target comparing them.
    pub command: String,
}

/// The twin a function named like an unchecked variant would have: `foo` for `foo_unchecked`,
/// `unchecked_foo` and `foo_unsafe`; `foo_mut` for `foo_unchecked_mut`.
pub fn twin_name(name: &str) -> Option<String> {
    let twin = if let Some(stem) = name.strip_suffix("_unchecked_mut") {
        format!("{stem}_mut")
    } else if let Some(stem) = name.strip_suffix("_unchecked") {
        stem.to_owned()
    } else if let Some(stem) = name.strip_prefix("unchecked_") {
        stem.to_owned()
    } else if let Some(stem) = name.strip_suffix("_unsafe") {
        stem.to_owned()
    } else {
        return None;
    };
    (!twin.is_empty() && !twin.ends_with('_')).then_some(twin)
}

/// The library crate a file belongs to and the file's module path in it.
#[derive(Clone, Debug)]
struct Place {
    /// The directory holding the crate's Cargo.toml.
    root: PathBuf,
    /// The library's name as code names it (`-` read as `_`).
    library: String,
    /// The module path of the file, empty for the crate root.
    module: Vec<String>,
}

/// Crates already read, by the directory holding their Cargo.toml.
#[derive(Default)]
pub struct Crates {
    libraries: BTreeMap<PathBuf, Option<String>>,
}

impl Crates {
    /// The library name of the crate at `root`, if it has a library.
    fn library(&mut self, root: &Path) -> Option<String> {
        self.libraries
            .entry(root.to_path_buf())
            .or_insert_with(|| library_name(root))
            .clone()
    }

    fn place(&mut self, file: &Path) -> Option<Place> {
        let file = file.canonicalize().ok()?;
        let mut dir = file.parent()?;
        let root = loop {
            if dir.join("Cargo.toml").is_file() {
                break dir;
            }
            dir = dir.parent()?;
        };
        let relative = file.strip_prefix(root.join("src")).ok()?;
        let parts: Vec<String> = relative
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        if parts.first().is_some_and(|p| p == "bin") || parts == ["main.rs"] {
            return None;
        }
        let library = self.library(root)?;
        let mut module: Vec<String> = parts
            .iter()
            .map(|p| p.strip_suffix(".rs").unwrap_or(p).to_owned())
            .collect();
        if module
            .last()
            .is_some_and(|last| last == "mod" || last == "lib")
        {
            module.pop();
        }
        Some(Place {
            root: root.to_path_buf(),
            library,
            module,
        })
    }

    /// How to measure the function `item` (the site's enclosing items) of `file`, given why,
    /// and its twin's item path if it has one; `None` when a bench cannot call it.
    pub fn suggest(
        &mut self,
        file: &Path,
        item: &str,
        twin: Option<&str>,
        why: Why,
    ) -> Option<Measure> {
        let plain = |s: &str| {
            !s.is_empty()
                && s.chars().all(|c| c.is_alphanumeric() || c == '_')
                && !s.starts_with(|c: char| c.is_ascii_digit())
        };
        let segments: Vec<&str> = item.split("::").collect();
        if !segments.iter().all(|s| plain(s)) {
            return None;
        }
        let place = self.place(file)?;
        let path = |last: &str| {
            let mut p = vec![place.library.clone()];
            p.extend(place.module.iter().cloned());
            p.extend(
                segments[..segments.len() - 1]
                    .iter()
                    .map(|s| (*s).to_owned()),
            );
            p.push(last.to_owned());
            p.join("::")
        };
        let name = segments.last()?;
        let unchecked = path(name);
        let safe = match twin {
            Some(twin) => path(twin.rsplit("::").next().unwrap_or(twin)),
            None => path(&format!("{name}_safe")),
        };
        let command = format!(
            "ledger pair init --manifest-path {} --name {name} --safe {safe} --unsafe {unchecked}",
            quoted(&shown_from_here(&place.root.join("Cargo.toml")))
        );
        Some(Measure {
            why,
            unchecked,
            safe,
            command,
        })
    }
}

/// `path` from the current directory when it is under it (a pull request's comment then shows
/// `crate/Cargo.toml`, not the runner's checkout path), else as it is.
fn shown_from_here(path: &Path) -> PathBuf {
    std::env::current_dir()
        .and_then(|here| here.canonicalize())
        .ok()
        .and_then(|here| path.strip_prefix(here).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}

/// A path as a shell word.
fn quoted(path: &Path) -> String {
    let text = path.display().to_string();
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c))
    {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// The name code uses for the library of the crate at `root`: `[lib] name`, else the package's
/// name with `-` read as `_`; `None` when the crate has no library.
fn library_name(root: &Path) -> Option<String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).ok()?;
    let (mut section, mut package, mut lib) = (String::new(), None, None);
    let mut has_lib_section = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line.trim_matches(['[', ']', ' ']).to_owned();
            has_lib_section |= section == "lib";
            continue;
        }
        let Some(value) = line
            .strip_prefix("name")
            .map(str::trim_start)
            .and_then(|rest| rest.strip_prefix('='))
        else {
            continue;
        };
        let value = value.trim().trim_matches('"').to_owned();
        match section.as_str() {
            "package" => package = Some(value),
            "lib" => lib = Some(value),
            _ => {}
        }
    }
    if !has_lib_section && !root.join("src/lib.rs").is_file() {
        return None;
    }
    lib.or(package).map(|n| n.replace('-', "_"))
}

/// The functions to measure, once each however many of their sites a review lists: the site
/// locations (`file:line`) and the measure, twins first, then in the order of the sites.
pub fn by_function(sites: &[crate::Site]) -> Vec<(Vec<String>, &Measure)> {
    let mut out: Vec<(Vec<String>, &Measure)> = Vec::new();
    for site in sites {
        let Some(m) = &site.measure else { continue };
        let at = format!("{}:{}", site.file, site.line);
        match out.iter_mut().find(|(_, seen)| seen.command == m.command) {
            Some((locations, _)) => locations.push(at),
            None => out.push((vec![at], m)),
        }
    }
    out.sort_by_key(|(_, m)| m.why != Why::SafeTwin);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twins_are_the_obvious_names() {
        assert_eq!(twin_name("get_unchecked").as_deref(), Some("get"));
        assert_eq!(twin_name("get_unchecked_mut").as_deref(), Some("get_mut"));
        assert_eq!(twin_name("unchecked_add").as_deref(), Some("add"));
        assert_eq!(twin_name("decode_unsafe").as_deref(), Some("decode"));
        assert_eq!(twin_name("decode"), None);
        assert_eq!(twin_name("_unchecked"), None);
        assert_eq!(twin_name("unchecked"), None);
    }

    #[test]
    fn a_path_with_spaces_is_quoted() {
        assert_eq!(quoted(Path::new("/a/b/Cargo.toml")), "/a/b/Cargo.toml");
        assert_eq!(quoted(Path::new("/a b/it's")), r"'/a b/it'\''s'");
    }
}
