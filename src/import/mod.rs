//! `callc import`: a Markdown spec in the reference layout (the two role
//! prompts under `## 电话拨打方` / `## 电话接听方`, or `## Caller` /
//! `## Callee`) → `.call` text, with diagnostics whose spans point into
//! the Markdown.
//!
//! The inverse of the `markdown` target, sharing its layout tables
//! ([`crate::layout::Layout`]). Pure: text in, text out. The stages
//! are lines → sections (found by their heading's title, whatever its
//! level) → items (list items and paragraphs) → a document model → ids →
//! `.call` text. What Markdown cannot say (which step covers which concern)
//! is not guessed (W0303); text that fits no place becomes a `//` comment
//! (W0302); a document without the two party sections is E0301.
//! docs/import.md documents what is accepted.
//!
//! The modules, in the order of the stages: `markdown` reads lines,
//! headings, list markers and items; `text` quotation marks, `CommonMark`
//! escapes and labels; `sections` finds the party sections and sections
//! by their titles and reads each into the document model (`doc`), the
//! parts through `parts` and the flow through `flow`; `ids` derives
//! ids and `names` the parties' names; `output` writes the `.call`
//! text; `diagnostics` reports into the Markdown.

mod diagnostics;
mod doc;
mod flow;
mod ids;
mod listen;
mod markdown;
mod names;
mod output;
mod parts;
mod read;
mod sections;
mod text;

use crate::diagnostic::{self, Diagnostic};

pub(crate) use sections::is_layout_title;
pub(crate) use text::reads_as_structure;

/// The result of importing a Markdown spec.
#[derive(Debug)]
pub struct Imported {
    /// The `.call` text, unless the Markdown is not a spec at all.
    pub call: Option<String>,
    /// Problems, with spans into the Markdown text, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Imported {
    /// Whether any diagnostic is an error (then there is no `.call` text).
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Imports a Markdown spec. The call's id comes from the document's `#`
/// title, or is `imported`.
#[must_use]
pub fn import(markdown: &str) -> Imported {
    import_named(markdown, None)
}

/// Imports a Markdown spec; `name` (for `callc import FILE.md`, the file's
/// stem) names the call when given.
#[must_use]
pub fn import_named(markdown: &str, name: Option<&str>) -> Imported {
    let mut diagnostics = Vec::new();
    let call = read::read(markdown, &mut diagnostics).map(|doc| output::write(&doc, markdown, name, &mut diagnostics));
    diagnostic::sort(&mut diagnostics);
    Imported { call, diagnostics }
}
