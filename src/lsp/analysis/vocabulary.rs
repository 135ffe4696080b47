//! The words of the language for editors: which keywords and fields each
//! block accepts (docs/language.md §6), a one-line explanation of each, and
//! a snippet to insert. Used by completion, hover on keywords and rename.
//!
//! A view of [`crate::lang`], which owns the table, under the names the
//! language server uses.

pub use crate::lang::{Block, KEYWORDS, WORDS, Word, WordKind, is_keyword, word, words_in};
