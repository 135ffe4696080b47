//! `callc scenarios`: checks a spec and writes its scenario set (see
//! `emit::scenarios` and docs/scenarios.md), atomically like `build`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ArgMatches;

use crate::emit;
use crate::emit::scenarios::Options;
use crate::ir::paths::Events;

use super::{CheckOptions, checked_output};

/// Runs `callc scenarios`.
pub(super) fn run(
    path: &Path,
    output: Option<&Path>,
    max_paths: usize,
    all_events: bool,
    options: &CheckOptions,
    matches: Option<&ArgMatches>,
) -> ExitCode {
    let chosen = Options {
        max_paths,
        events: if all_events { Events::ALL } else { Events::SIMULATED },
    };
    checked_output(
        path,
        output,
        options,
        matches,
        |spec| {
            Ok(vec![emit::OutputFile {
                path: PathBuf::from(format!("{}.scenarios.json", spec.id)),
                contents: emit::scenarios::emit(spec, &chosen),
            }])
        },
        false,
    )
}
