//! Emitters: a checked [`ir::Spec`](crate::ir::Spec) → output files. Pure:
//! each target returns the files it would write; the CLI decides where they
//! go and writes them atomically.

pub mod graph;
pub mod json;
pub mod markdown;
pub mod rasa;
pub mod rust;
pub mod scenarios;

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

/// What `callc build` can produce. (The variants' docs are the command
/// line's help: `clap` reads them.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// The checked spec as JSON (see `callc schema`).
    Json,
    /// A Rasa CALM project (a directory: needs `-o DIR`).
    Rasa,
    /// One self-contained Rust source file: the spec as data and the flow as a state machine.
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

/// Why a target cannot be written for a spec that checked clean: the
/// runtime cannot express it within the output's bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmitError {
    /// What cannot be written, and why.
    pub message: String,
    /// What to change.
    pub help: String,
}

/// Emits a checked spec for a target, after checking the limits of what
/// the target can express. The CLI and the language server use this.
///
/// # Errors
/// The spec is beyond what the target can write (see [`EmitError`]).
pub fn try_emit(target: Target, spec: &ir::Spec) -> Result<Vec<OutputFile>, EmitError> {
    if target == Target::Rasa {
        let n = rasa::conditions(spec);
        if n > rasa::MAX_CONDITIONS {
            return Err(EmitError {
                message: format!(
                    "the Rasa flow would need {n} branch conditions ({} steps, {} global branches), more than the {} callc writes",
                    spec.steps.len(),
                    spec.global_branches.len(),
                    rasa::MAX_CONDITIONS
                ),
                help: "Rasa has no branch \"at any step\": each global branch is written into every step that waits; \
                       use fewer global branches or fewer steps, or another target"
                    .to_owned(),
            });
        }
    }
    Ok(emit(target, spec))
}

/// Emits a checked spec for a target. No limit is checked: see [`try_emit`].
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
