//! The `.call` files the tests run over.

use std::path::{Path, PathBuf};

/// The `.call` files in `dir` and the folders below it, sorted.
pub fn call_files(dir: impl AsRef<Path>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    collect(dir.as_ref(), &mut out);
    out.sort();
    out
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "call") {
            out.push(path);
        }
    }
}
