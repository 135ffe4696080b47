//! The `retell` target: a Retell conversation flow and its test cases. (Being written: this module is the place
//! its emitter goes; until then `callc build --target retell` says so and
//! writes nothing.)

use super::{EmitError, OutputFile, Vendor};
use crate::ir;

/// The package this target's output is checked against in CI.
pub const CHECKED_AGAINST: Vendor = Vendor {
    package: "retell-sdk",
    version: "6.2.13",
    requirements: "tests/e2e/retell/requirements.txt",
};

/// The files of the target.
#[must_use]
pub fn emit(_spec: &ir::Spec) -> Vec<OutputFile> {
    Vec::new()
}

/// Whether the runtime can express the spec: an [`EmitError`] names what it
/// cannot (the build then writes nothing).
///
/// # Errors
/// What the runtime cannot express.
pub fn limits(_spec: &ir::Spec) -> Result<(), EmitError> {
    Ok(())
}
