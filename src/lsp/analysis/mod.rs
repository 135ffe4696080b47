//! What the language server knows about one version of a document, with no
//! protocol and no IO: the check (the same as `callc check`), whose table of
//! every definition and reference ([`Symbols`]) the features query (hover,
//! completion, outline, rename, semantic highlighting). Offsets are bytes, as everywhere in the
//! compiler; the protocol layer converts them.
//!
//! Input: a file name and its text. Output: [`Analysis`].

pub mod complete;
pub mod highlight;
pub mod hover;
pub mod outline;
pub mod rename;
pub mod tokens;
pub mod vars;

use crate::Compiled;
use crate::check::{LintLevels, Symbols};

/// One version of a document, checked.
#[derive(Debug)]
pub struct Analysis {
    /// The check's result: text, syntax tree, spec, symbols and diagnostics,
    /// exactly as `callc check` computes them (default lint levels).
    pub compiled: Compiled,
}

impl Analysis {
    /// Checks `text`; `name` labels the file (as `callc check` would).
    #[must_use]
    pub fn new(name: &str, text: &str) -> Self {
        let compiled = crate::compile(name, text.as_bytes(), &LintLevels::default());
        Self { compiled }
    }

    /// Every definition and reference the checker resolved, when the text parsed.
    #[must_use]
    pub fn symbols(&self) -> Option<&Symbols> {
        self.compiled.symbols.as_ref()
    }

    /// The text analysed.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.compiled.file.text
    }

    /// Whether the text parsed (so the symbols and the outline are available).
    #[must_use]
    pub fn parsed(&self) -> bool {
        self.compiled.ast.is_some()
    }
}
