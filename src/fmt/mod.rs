//! `callc fmt`: the formatter, and the one printer of `.call` text.
//!
//! Stage: source text → [`syntax::parse`] → the same spec in the one
//! canonical layout described in `docs/fmt.md`. Input: a spec's text.
//! Output: the formatted text, or the syntax errors of a file that does not
//! parse. Pure: no IO (the CLI and the language server do that).
//!
//! The same printer writes the trees `callc import` builds ([`print`]), so
//! that an imported spec is already formatted: the importer builds an
//! [`crate::ast::File`] (`built`: spans that only order the nodes, its
//! comments in the side table, blank lines asked for) and never spells
//! `.call` itself.
//!
//! How it works. The printer walks the syntax tree in source order (parts are
//! never reordered) and finds each token it prints in the source, skipping
//! whitespace and comments; every comment met on the way is printed where it
//! sits between two tokens: at the end of the line of the token before it
//! (a trailing comment) or on a line of its own (a comment that had a line of
//! its own). Lines are collected first and aligned afterwards: consecutive
//! one-line items of one kind get their columns aligned by display width
//! (CJK and emoji count two). Finally the output is parsed again and must give
//! the same tree, spans aside, and the same comments, as Black does for
//! Python; if it ever did not, that would be a bug in this module, and the
//! source is returned unchanged rather than damaged.
//!
//! The modules: `printer` walks the tree and knows the layout of each
//! construct; `printer::trivia` finds each token in the source (or where a
//! built tree says it is) and places the comments and blank lines met on the
//! way; `lines` aligns the collected lines and renders them; `literal` knows
//! how ids, labels and strings are spelled (`"""` blocks re-indented);
//! `built` builds trees to print; `meaning` is the final check that the
//! output means what the tree meant.

mod built;
mod lines;
mod literal;
mod meaning;
mod printer;

pub(crate) use built::{Builder, Built, entry, ident, text};
pub(crate) use literal::{fits_block, is_bare_word};

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::syntax;

/// Spaces per level of nesting.
const INDENT: usize = 2;
/// The byte-order mark a file may start with.
const BOM: char = '\u{FEFF}';

/// Formats a spec: the one canonical layout, every comment kept, the meaning
/// (every id, value and string, as decoded) unchanged. The output uses the
/// line ending of the source's first line break (LF when it has none) and
/// keeps a leading byte-order mark. Formatting formatted text changes nothing.
///
/// # Errors
/// The syntax errors (E0001) of a file that does not parse, including a bad
/// escape or a raw control character in a string; such a file is not
/// formatted.
pub fn format(source: &str) -> Result<String, Vec<Diagnostic>> {
    let (file, diagnostics) = syntax::parse(source);
    let errors: Vec<Diagnostic> = diagnostics.into_iter().filter(|d| d.code == Code::E0001).collect();
    let file = match file {
        Some(file) if errors.is_empty() => file,
        _ => return Err(errors),
    };
    let formatted = printer::Printer::new(printer::Origin::Parsed(source), &file.comments).print(&file.call);
    match formatted {
        Some(out) if meaning::same_meaning(&file, &out) => Ok(out),
        _ => {
            debug_assert!(false, "the formatter failed on:\n{source}");
            Ok(source.to_owned())
        }
    }
}

/// Prints a built tree ([`Builder`]) in the canonical layout: what `format`
/// would make of it, so formatting the result changes nothing. Line breaks
/// are LF.
pub(crate) fn print(built: &Built) -> String {
    let out = printer::Printer::new(printer::Origin::Built(built), &built.file.comments)
        .print(&built.file.call)
        .unwrap_or_default();
    // The text parses back to the tree that was built (spans aside), with its comments.
    debug_assert!(
        meaning::same_meaning(&built.file, &out),
        "the printer wrote a built tree as:\n{out}"
    );
    out
}
