//! Which files a review reads, and the `#[cfg]` conditions that lead to each.
//!
//! Every `.rs` file under the reviewed path is read, whatever `#[cfg]` gates it: the review is
//! of the source, not of one configuration. A file reached through `#[cfg(...)] mod name;`
//! carries that condition (and its parents'), so the review can say so.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `root` (or `root` itself when it is a file), sorted; build output,
/// version-control and hidden directories are skipped.
pub fn rust_files(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    if root.is_file() {
        files.push(root.to_path_buf());
        return Ok(files);
    }
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let skipped = name
                .as_deref()
                .is_some_and(|n| n == "target" || n.starts_with('.'));
            if path.is_dir() {
                if !skipped {
                    dirs.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// A module declared out of line: `#[cfg(...)] mod name;` in `parent`.
pub struct Declaration {
    /// The file that declares it.
    pub parent: PathBuf,
    /// The module's name.
    pub name: String,
    /// A `#[path = "..."]` attribute, if any.
    pub path: Option<String>,
    /// Its `#[cfg]` conditions.
    pub cfg: Vec<String>,
}

/// The conditions each file is reached through, from the declarations found in all files:
/// a file's own declaration's conditions, then its parent file's, recursively.
pub fn gated(declarations: &[Declaration]) -> BTreeMap<PathBuf, Vec<String>> {
    let mut own: HashMap<PathBuf, (PathBuf, Vec<String>)> = HashMap::new();
    for d in declarations {
        for candidate in module_files(d) {
            own.insert(candidate, (d.parent.clone(), d.cfg.clone()));
        }
    }
    let mut gated = BTreeMap::new();
    for file in own.keys() {
        let mut conditions = Vec::new();
        let mut at = file.clone();
        // A chain of parents, guarded against a cycle of odd `#[path]`s.
        for _ in 0..64 {
            let Some((parent, cfg)) = own.get(&at) else {
                break;
            };
            conditions.splice(0..0, cfg.iter().cloned());
            at = parent.clone();
        }
        if !conditions.is_empty() {
            gated.insert(file.clone(), conditions);
        }
    }
    gated
}

/// Where the module of `d` may live: `#[path]`, or `name.rs` / `name/mod.rs` beside a
/// `mod.rs`/`lib.rs`/`main.rs`, or under the declaring file's own directory otherwise.
fn module_files(d: &Declaration) -> Vec<PathBuf> {
    let dir = d.parent.parent().unwrap_or(Path::new(""));
    if let Some(path) = &d.path {
        return vec![dir.join(path)];
    }
    let stem = d
        .parent
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let base = if matches!(stem.as_str(), "mod" | "lib" | "main") {
        dir.to_path_buf()
    } else {
        dir.join(stem)
    };
    vec![
        base.join(format!("{}.rs", d.name)),
        base.join(&d.name).join("mod.rs"),
    ]
}

/// The out-of-line module declarations of a parsed file with their conditions (only those
/// with a `#[cfg]`: the others add nothing to what reaches a file).
pub fn declarations(parent: &Path, file: &syn::File) -> Vec<Declaration> {
    use syn::visit::Visit;
    struct Mods<'a> {
        parent: &'a Path,
        found: Vec<Declaration>,
        /// Inline modules around: their names are directories of the declared files.
        inline: Vec<String>,
        cfg: Vec<String>,
    }
    impl<'ast> Visit<'ast> for Mods<'_> {
        fn visit_item_mod(&mut self, i: &'ast syn::ItemMod) {
            let cfg = crate::scan::cfg_conditions(&i.attrs);
            if i.content.is_none() {
                let all: Vec<String> = self.cfg.iter().chain(&cfg).cloned().collect();
                if !all.is_empty() {
                    let path = crate::scan::string_attributes(&i.attrs, "path").next();
                    let mut name = self.inline.join("/");
                    if !name.is_empty() {
                        name.push('/');
                    }
                    name.push_str(&i.ident.to_string());
                    self.found.push(Declaration {
                        parent: self.parent.to_path_buf(),
                        name,
                        path,
                        cfg: all,
                    });
                }
                return;
            }
            let depth = self.cfg.len();
            self.cfg.extend(cfg);
            self.inline.push(i.ident.to_string());
            syn::visit::visit_item_mod(self, i);
            self.inline.pop();
            self.cfg.truncate(depth);
        }
    }
    let mut mods = Mods {
        parent,
        found: Vec::new(),
        inline: Vec::new(),
        cfg: Vec::new(),
    };
    mods.visit_file(file);
    mods.found
}
