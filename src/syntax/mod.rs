//! Parsing: source text → [`ast::File`] and diagnostics.
//!
//! pest does the recognising; `lower` turns its pairs into the owned syntax
//! tree; `expected` turns pest's failure into words. pest types never leave
//! this module.

mod expected;
mod lower;
mod text;

use pest::Parser as _;

use crate::ast;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::Span;

/// The pest parser generated from `grammar/call.pest` (rules are documented there).
#[allow(missing_docs)]
mod generated {
    #[derive(pest_derive::Parser)]
    #[grammar = "grammar/call.pest"]
    pub struct CallParser;
}

use generated::{CallParser, Rule};

pub use text::{is_bidi_control, is_invisible};

/// Parses a whole file. Returns the tree when the file is syntactically
/// valid (the diagnostics may still hold errors found while decoding
/// strings), or `None` and one syntax error.
#[must_use]
pub fn parse(source: &str) -> (Option<ast::File>, Vec<Diagnostic>) {
    match CallParser::parse(Rule::file, source) {
        Ok(pairs) => {
            let mut diags = Vec::new();
            let file = lower::file(pairs, &mut diags);
            (file, diags)
        }
        Err(err) => (None, vec![expected::syntax_error(source, &err)]),
    }
}

/// The words that open a block or a statement; they cannot be field names
/// (the grammar's `keyword` rule). Ids should avoid them too; the importer
/// and the language server use this list.
pub const KEYWORDS: &[&str] = &[
    "call",
    "caller",
    "callee",
    "signal",
    "flow",
    "faq",
    "end",
    "knows",
    "background",
    "concern",
    "style",
    "step",
    "qa",
    "when",
    "allow",
    "warn",
    "deny",
    "on",
    "next",
    "say",
    "covers",
];

/// Whether pest recognises the text, without building the tree: for
/// benchmarks that separate pest's cost from lowering's.
#[doc(hidden)]
#[must_use]
pub fn recognise(source: &str) -> bool {
    CallParser::parse(Rule::file, source).is_ok()
}

/// The span of the token at `pos`: an identifier-like word, a string start,
/// or one character; never longer than a few dozen characters.
fn token_at(source: &str, pos: usize) -> Span {
    let rest = &source[pos..];
    let mut end = 0;
    for (i, c) in rest.char_indices().take(40) {
        let word = unicode_ident::is_xid_continue(c);
        if i == 0 || (word && end > 0) {
            end = i + c.len_utf8();
            if !word {
                break;
            }
        } else {
            break;
        }
    }
    // Punctuation pairs a user types as one token.
    if rest.starts_with("->") || rest.starts_with("//") {
        end = 2;
    }
    Span::new(pos, pos + end)
}

/// A diagnostic for an id that may not be used.
fn reserved_id(span: Span) -> Diagnostic {
    Diagnostic::new(Code::E0001, span, "`end` cannot be used as an id")
        .label("reserved for the end of the call")
        .help("choose another name, such as `ending` or `wrap_up`")
}
