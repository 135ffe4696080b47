//! The `livekit` target: LiveKit agent-simulation scenarios. (Being written: this module is the place
//! its emitter goes; until then `callc build --target livekit` says so and
//! writes nothing.)

use super::{EmitError, OutputFile, Vendor};
use crate::ir;

/// The package this target's output is checked against in CI.
pub const CHECKED_AGAINST: Vendor = Vendor {
    package: "livekit-agents",
    version: "1.8.9",
    requirements: "tests/e2e/livekit/requirements.txt",
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
