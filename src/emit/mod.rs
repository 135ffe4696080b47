//! Emitters: a checked [`ir::Spec`](crate::ir::Spec) → output files. Pure:
//! each target returns the files it would write; the CLI decides where they
//! go and writes them atomically.

pub mod graph;
pub mod json;
pub mod livekit;
pub mod markdown;
pub mod pipecat;
pub mod pipecat_evals;
pub mod prompt;
pub mod rasa;
pub mod retell;
pub mod rust;
pub mod scenarios;
pub mod simulation;
pub mod vapi;

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
    /// A Pipecat Flows `FlowConfig` (JSON) and the runtime module that runs it (a directory: needs `-o DIR`).
    Pipecat,
    /// The scenario set as Pipecat Evals scenario files (a directory: needs `-o DIR`).
    PipecatEvals,
    /// A Retell conversation flow and its test cases (a directory: needs `-o DIR`).
    Retell,
    /// LiveKit agent-simulation scenarios (`scenarios.yaml`).
    Livekit,
    /// A Vapi GitOps assistant and its simulation files (a directory: needs `-o DIR`).
    Vapi,
}

impl Target {
    /// Whether the target is a directory of files (`-o DIR`) rather than one file.
    #[must_use]
    pub fn is_directory(self) -> bool {
        matches!(
            self,
            Target::Rasa | Target::Pipecat | Target::PipecatEvals | Target::Retell | Target::Vapi
        )
    }

    /// The vendor package whose own loader checks this target's output in
    /// CI (`.ci/`), at the version recorded in every output; `None` for
    /// callc's own formats.
    #[must_use]
    pub fn checked_against(self) -> Option<Vendor> {
        match self {
            Target::Json | Target::Rust | Target::Markdown => None,
            Target::Rasa => Some(Vendor {
                package: "rasa-pro",
                version: rasa::RASA_PRO_VERSION,
                requirements: "tests/e2e/rasa/requirements.txt",
            }),
            Target::Pipecat => Some(pipecat::CHECKED_AGAINST),
            Target::PipecatEvals => Some(pipecat_evals::CHECKED_AGAINST),
            Target::Retell => Some(retell::CHECKED_AGAINST),
            Target::Livekit => Some(livekit::CHECKED_AGAINST),
            Target::Vapi => Some(vapi::CHECKED_AGAINST),
        }
    }
}

/// A vendor package at the version a target's output was checked against.
/// `tests/runtimes.rs` holds each `requirements` file to the same pin, so the
/// version an output records is the one CI loads it with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vendor {
    /// The package's name on PyPI (`pipecat-ai`).
    pub package: &'static str,
    /// The exact version (`1.14.0`).
    pub version: &'static str,
    /// The pip requirements file, relative to the repository, that CI
    /// installs it from.
    pub requirements: &'static str,
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

/// Something of a spec that a target's runtime cannot express and that the
/// build leaves out or approximates: the output runs the rest of the call,
/// and `callc build` says what, as a warning, every time it writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approximation {
    /// What the output leaves out or approximates, and why.
    pub message: String,
    /// What the output does instead, and what to do about it.
    pub help: String,
}

/// What the output of `target` for `spec` leaves out or approximates
/// (nothing for callc's own formats and for Rasa, which express every
/// construct).
#[must_use]
pub fn approximations(target: Target, spec: &ir::Spec) -> Vec<Approximation> {
    match target {
        Target::Retell => retell::approximations(spec),
        Target::PipecatEvals => pipecat_evals::approximations(spec),
        Target::Livekit => livekit::approximations(spec),
        Target::Vapi => vapi::approximations(spec),
        Target::Pipecat => pipecat::approximations(spec),
        Target::Json | Target::Rust | Target::Markdown | Target::Rasa => Vec::new(),
    }
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
    match target {
        Target::Json | Target::Rust | Target::Markdown | Target::Rasa => {}
        Target::Pipecat => pipecat::limits(spec)?,
        Target::PipecatEvals => pipecat_evals::limits(spec)?,
        Target::Retell => retell::limits(spec)?,
        Target::Livekit => livekit::limits(spec)?,
        Target::Vapi => vapi::limits(spec)?,
    }
    let files = emit(target, spec);
    if files.is_empty() {
        return Err(EmitError {
            message: format!("callc cannot write the {target:?} target yet"),
            help: "use another target".to_owned(),
        });
    }
    Ok(files)
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
        Target::Pipecat => pipecat::emit(spec),
        Target::PipecatEvals => pipecat_evals::emit(spec),
        Target::Retell => retell::emit(spec),
        Target::Livekit => livekit::emit(spec),
        Target::Vapi => vapi::emit(spec),
    }
}
