//! `callc fmt` (being written).
use crate::diagnostic::Diagnostic;
/// Formats a spec; the syntax errors when it does not parse.
///
/// # Errors
/// The syntax errors of a file that does not parse.
pub fn format(source: &str) -> Result<String, Vec<Diagnostic>> {
    Ok(source.to_owned())
}
