//! `callc lsp` (being written).
/// Runs the language server on standard input and output until `exit`.
///
/// # Errors
/// A broken connection.
pub fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    Ok(())
}
