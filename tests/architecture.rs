//! The architecture's invariants that the compiler cannot see, checked over
//! the source tree (docs/ARCHITECTURE.md, "Architecture invariant").

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/`, as a path relative to the crate and its text.
fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stack = vec![root.join("src")];
    let mut out = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path: PathBuf = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    assert!(out.len() > 30, "the walk found the sources");
    out
}

/// The modules allowed to do IO (clippy.toml's `disallowed-*` lists).
fn may_do_io(path: &str) -> bool {
    path.starts_with("src/cli/")
        || matches!(
            path,
            "src/main.rs" | "src/lsp/mod.rs" | "src/lsp/server.rs" | "src/lsp/transport.rs"
        )
}

/// Architecture invariant: the core is pure. clippy enforces it, and this
/// test makes sure nobody silences clippy outside the modules whose job is IO.
#[test]
fn only_the_io_modules_may_allow_io() {
    let offenders: Vec<String> = sources()
        .into_iter()
        .filter(|(path, text)| !may_do_io(path) && text.contains("clippy::disallowed_"))
        .map(|(path, _)| path)
        .collect();
    assert!(
        offenders.is_empty(),
        "these modules silence the no-IO lint (clippy.toml); move the IO into src/cli or the language server: {offenders:?}"
    );
}

/// Architecture invariant: pest's types never leave `src/syntax/`.
#[test]
fn pest_stays_in_the_syntax_module() {
    let offenders: Vec<String> = sources()
        .into_iter()
        .filter(|(path, text)| {
            !path.starts_with("src/syntax/")
                && text
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .any(|l| l.contains("pest::") || l.contains("Rule::") || l.contains("Pair<"))
        })
        .map(|(path, _)| path)
        .collect();
    assert!(offenders.is_empty(), "pest types outside src/syntax/: {offenders:?}");
}

/// The lint is configured: a clippy.toml that lost its lists would let the
/// first test pass without anything being checked.
#[test]
fn clippy_forbids_io_in_the_core() {
    let config = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("clippy.toml")).unwrap();
    for needle in [
        "\"std::fs::read_to_string\"",
        "\"std::fs::write\"",
        "\"std::fs::File\"",
        "\"std::env::var\"",
        "\"std::process::exit\"",
        "\"std::process::Command\"",
        "\"std::io::stdout\"",
        "\"std::println\"",
        "\"std::eprintln\"",
    ] {
        assert!(
            config.contains(needle),
            "clippy.toml no longer forbids {needle} in the core"
        );
    }
}
