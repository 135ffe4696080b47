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

#[cfg(test)]
pub(crate) mod fixtures {
    //! Specs the analysis tests share.

    /// Per-call variables, several callees (one extending another, which
    /// another extends) and a signal with examples; Chinese ids and emoji.
    /// It checks clean. One file for every client's tests.
    pub const MANY: &str = include_str!("../../../tests/fixtures/lsp/many.call");

    /// [`MANY`] with a persona and background for `忙碌`: placeholders
    /// that a callee's own fields give.
    pub fn many_with_background() -> String {
        let at = "  callee 忙碌 extends 张强 {\n";
        assert!(MANY.contains(at), "the shared fixture changed");
        MANY.replacen(
            at,
            &format!(
                "{at}    persona \"{{callee.name}}，{{background.情境}}\"\n    background {{ 情境 \"在开会😀\" }}\n"
            ),
            1,
        )
    }
}
