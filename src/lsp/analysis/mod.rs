//! What the language server knows about one version of a document, with no
//! protocol and no IO: the check (the same as `callc check`), an index of
//! every definition and reference, and the features built on them (hover,
//! completion, outline, rename). Offsets are bytes, as everywhere in the
//! compiler; the protocol layer converts them.
//!
//! Input: a file name and its text. Output: [`Analysis`].

pub mod complete;
pub mod hover;
pub mod index;
pub mod outline;
pub mod rename;
pub mod tokens;
pub mod vocabulary;

use crate::Compiled;
use crate::check::LintLevels;

use index::Index;

/// One version of a document, checked and indexed.
#[derive(Debug)]
pub struct Analysis {
    /// The check's result: text, syntax tree, spec and diagnostics, exactly
    /// as `callc check` computes them (default lint levels).
    pub compiled: Compiled,
    /// Every definition and reference, when the text parsed.
    pub index: Option<Index>,
}

impl Analysis {
    /// Checks and indexes `text`; `name` labels the file (as `callc check` would).
    #[must_use]
    pub fn new(name: &str, text: &str) -> Self {
        let compiled = crate::compile(name, text.as_bytes(), &LintLevels::default());
        let index = compiled.ast.as_ref().map(Index::build);
        Self { compiled, index }
    }

    /// The text analysed.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.compiled.file.text
    }

    /// Whether the text parsed (so the index and the outline are available).
    #[must_use]
    pub fn parsed(&self) -> bool {
        self.compiled.ast.is_some()
    }
}
