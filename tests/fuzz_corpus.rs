//! The fuzzers' corpora, replayed on every `cargo test`: each input of
//! `fuzz/corpus/{bytes,fmt,import}` goes through the same function its fuzz
//! target runs (`tests/adversarial/pipeline.rs`), so an input that once found
//! a bug, or that covers a path no fixture does, keeps being tried without
//! nightly Rust or `cargo fuzz`. (The `lsp` and `structured` targets decode
//! their inputs with `arbitrary`; their corpora run under `cargo fuzz` only.)

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "adversarial/pipeline.rs"]
mod pipeline;

use std::path::{Path, PathBuf};

/// The inputs of one corpus, by name (the corpora are in git; a missing or
/// near-empty one is a test failure, not a silent pass).
fn corpus(name: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(name);
    let mut inputs: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let path = e.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 40, "{}: only {} inputs", dir.display(), inputs.len());
    inputs
}

/// Runs `target` on every input of the corpus, naming the input that fails.
fn replay(name: &str, target: fn(&[u8])) {
    for (path, bytes) in corpus(name) {
        let outcome = std::panic::catch_unwind(|| target(&bytes));
        assert!(outcome.is_ok(), "fuzz target `{name}` fails on {}", path.display());
    }
}

#[test]
fn the_bytes_corpus_runs_clean() {
    replay("bytes", |data| {
        pipeline::run(data);
    });
}

#[test]
fn the_fmt_corpus_runs_clean() {
    replay("fmt", pipeline::fmt_target);
}

#[test]
fn the_import_corpus_runs_clean() {
    replay("import", pipeline::import_target);
}
