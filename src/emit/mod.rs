//! Emitters: a checked [`ir::Spec`](crate::ir::Spec) → output files. Pure:
//! each target returns the files it would write; the CLI decides where they
//! go and writes them atomically.

pub mod graph;
pub mod json;
pub mod markdown;
pub mod names;
pub mod rasa;
pub mod rust;

use std::path::PathBuf;

use crate::ir;

/// One file of a target's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// The path, relative to the output directory (for single-file targets,
    /// just a file name suggestion).
    pub path: PathBuf,
    /// The contents, UTF-8.
    pub contents: String,
}

/// What `callc build` can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The checked spec as JSON.
    Json,
    /// A Rasa (CALM) project directory.
    Rasa,
    /// One self-contained Rust source file.
    Rust,
    /// The caller and callee role prompts, in the reference Markdown layout.
    Markdown,
}

impl Target {
    /// Whether the target is a directory of files (`-o DIR`) rather than one file.
    #[must_use]
    pub fn is_directory(self) -> bool {
        matches!(self, Target::Rasa)
    }
}

/// Emits a checked spec for a target.
#[must_use]
pub fn emit(target: Target, spec: &ir::Spec) -> Vec<OutputFile> {
    match target {
        Target::Json => vec![OutputFile {
            path: PathBuf::from(format!("{}.json", spec.id)),
            contents: json::emit(spec),
        }],
        Target::Rasa => rasa::emit(spec),
        Target::Rust => rust::emit(spec),
        Target::Markdown => markdown::emit(spec),
    }
}
