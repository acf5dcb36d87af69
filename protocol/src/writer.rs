//! The process file, written line by line and flushed after each, so an interrupted process
//! leaves every round it finished (and no end line, so it is never used).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use wire::rounds::Line;

/// A process file being written.
pub struct Writer {
    path: PathBuf,
    out: BufWriter<File>,
}

impl Writer {
    /// Creates (or truncates) the file at `path`.
    pub fn create(path: &Path) -> Result<Self, String> {
        let file =
            File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        Ok(Self {
            path: path.to_path_buf(),
            out: BufWriter::new(file),
        })
    }

    /// Writes one line and flushes it.
    pub fn line(&mut self, line: &Line) -> Result<(), String> {
        serde_json::to_writer(&mut self.out, line)
            .map_err(|e| e.to_string())
            .and_then(|()| {
                self.out
                    .write_all(b"\n")
                    .and_then(|()| self.out.flush())
                    .map_err(|e| e.to_string())
            })
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }
}
