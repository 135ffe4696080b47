//! `callc lsp`: the language server, over standard input and output.
//!
//! Input: LSP messages from an editor. Output: diagnostics as you type (the
//! same as `callc check`), go to definition, references, highlights, hover,
//! completion, the outline, formatting (`callc fmt`), rename and quick
//! fixes. docs/lsp.md describes each feature and how to set editors up.
//!
//! Layers: [`analysis`] is pure (text in, byte spans and plain data out,
//! unit-tested on its own); [`position`] converts byte offsets to the
//! protocol's positions; `server` (the loop) and `handlers` are the thin
//! protocol glue; [`transport`] reads and writes the base protocol itself,
//! so that no input can end the server. This module, `server` and
//! `transport` are the only places with IO.

pub mod analysis;
pub mod diagnostics;
pub mod document;
mod handlers;
pub mod position;
mod server;
pub mod transport;

pub use server::{DEBOUNCE, DEBUG_PANIC, serve};

/// How the session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// `shutdown`, then `exit`: the process exits with status 0.
    Clean,
    /// `exit` without `shutdown`, or the client went away: status 1, as the protocol says.
    WithoutShutdown,
}

/// Runs the language server on standard input and output until `exit`.
/// An `exit` without a `shutdown` before it ends the process with status 1.
///
/// # Errors
/// A broken connection.
pub fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let (connection, io_threads) = transport::stdio()?;
    // `serve` owns the connection and drops it when it returns, which lets
    // the writer thread finish; only then can the IO threads be joined.
    let exit = serve(connection)?;
    io_threads.join()?;
    if exit == Exit::WithoutShutdown {
        // The protocol's rule for an `exit` without `shutdown` (clippy.toml).
        #[allow(clippy::disallowed_methods)]
        std::process::exit(1);
    }
    Ok(())
}
