//! Parsing: source text → [`ast::File`] and diagnostics.
//!
//! pest does the recognising; `lower` turns its pairs into the owned syntax
//! tree; `expected` turns pest's failure into words. pest types never leave
//! this module.

mod expected;
mod lower;
mod split;
mod text;

use pest::Parser as _;

use crate::ast;
use crate::codes::Code;
use crate::diagnostic::{Collector, Diagnostic};
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
/// valid (the diagnostics, sorted by position, may still hold errors found
/// while decoding strings), or `None` and one syntax error.
#[must_use]
pub fn parse(source: &str) -> (Option<ast::File>, Vec<Diagnostic>) {
    parse_in_pieces(source, PIECE_BYTES)
}

/// About how much of a large flow pest parses at a time (see `split`).
const PIECE_BYTES: usize = 64 * 1024;

/// [`parse`], cutting a flow longer than `piece` bytes into pieces of about
/// that size. The result is the same for every `piece` (tested on every
/// spec and fixture); tests use small pieces to cut small specs.
#[doc(hidden)]
#[must_use]
pub fn parse_in_pieces(source: &str, piece: usize) -> (Option<ast::File>, Vec<Diagnostic>) {
    // A file no longer than one piece cannot hold a flow worth cutting.
    if source.len() > piece
        && let Some(plan) = split::plan(source, piece)
        && let Some(parsed) = parse_planned(source, &plan)
    {
        return parsed;
    }
    match CallParser::parse(Rule::file, source) {
        Ok(pairs) => {
            let mut diags = Collector::default();
            let file = lower::file(pairs, lower::Positions::FILE, &mut diags);
            finish(file, diags)
        }
        Err(err) => (None, vec![expected::syntax_error(source, &err)]),
    }
}

/// How many pieces [`parse_in_pieces`] parsed `source` in (0: it was
/// parsed whole), for tests that must know the pieces were used.
#[doc(hidden)]
#[must_use]
pub fn pieces_used(source: &str, piece: usize) -> usize {
    split::plan(source, piece)
        .filter(|plan| parse_planned(source, plan).is_some())
        .map_or(0, |plan| plan.pieces.len())
}

/// How many parts the large steps of `source` were parsed in (0: no step
/// was cut, or the cut parse failed), for tests that must know.
#[doc(hidden)]
#[must_use]
pub fn step_parts_used(source: &str, piece: usize) -> usize {
    split::plan(source, piece)
        .filter(|plan| parse_planned(source, plan).is_some())
        .map_or(0, |plan| plan.steps.iter().map(|s| s.parts.len()).sum())
}

/// Parses the file around the flow's body, then the body piece by piece,
/// each lowered while its tokens are still in the cache. `None` when any
/// part does not parse: the caller parses the whole file for the error.
fn parse_planned(source: &str, plan: &split::Plan) -> Option<(Option<ast::File>, Vec<Diagnostic>)> {
    let (cut, end) = (plan.body.start, plan.body.end);
    let around = [&source[..cut], &source[end..]].concat();
    let pairs = CallParser::parse(Rule::file, &around).ok()?;
    let mut diags = Collector::default();
    let mut file = lower::file(pairs, lower::Positions::around(cut, end - cut), &mut diags)?;
    // The flow whose body was cut out: it holds nothing but the cut.
    let flow = file.call.items.iter_mut().find_map(|item| match item {
        ast::CallItem::Flow(f) if f.span.start < cut && f.span.end > end && f.items.is_empty() => Some(f),
        _ => None,
    })?;
    let mut cuts = plan.steps.iter().peekable();
    for (k, piece) in plan.pieces.iter().enumerate() {
        let Some(cut) = cuts.next_if(|c| c.piece == k) else {
            let pairs = CallParser::parse(Rule::flow_items, &source[piece.clone()]).ok()?;
            let at = lower::Positions::piece(piece.start);
            lower::flow_items(pairs, at, &mut diags, &mut flow.items, &mut file.comments)?;
            continue;
        };
        // The piece without the large step's body, then the body part by part.
        let text = [&source[piece.start..cut.body.start], &source[cut.body.end..piece.end]].concat();
        let pairs = CallParser::parse(Rule::flow_items, &text).ok()?;
        let at = lower::Positions::piece_around(piece.start, cut.body.start - piece.start, cut.body.len());
        let before = flow.items.len();
        lower::flow_items(pairs, at, &mut diags, &mut flow.items, &mut file.comments)?;
        let step = flow.items[before..].iter_mut().find_map(|item| match item {
            ast::FlowItem::Step(s)
                if s.span.start < cut.body.start && s.span.end > cut.body.end && s.items.is_empty() =>
            {
                Some(s)
            }
            _ => None,
        })?;
        for part in &cut.parts {
            let pairs = CallParser::parse(Rule::step_items, &source[part.clone()]).ok()?;
            let at = lower::Positions::piece(part.start);
            lower::step_items(pairs, at, &mut diags, &mut step.items, &mut file.comments)?;
        }
    }
    if cuts.next().is_some() {
        return None;
    }
    file.comments.sort_by_key(|c| c.span.start);
    Some(finish(Some(file), diags))
}

/// The tree with the diagnostics past those described in full, and the
/// described ones sorted.
fn finish(file: Option<ast::File>, diags: Collector) -> (Option<ast::File>, Vec<Diagnostic>) {
    let Collector {
        full: mut diags,
        mut overflow,
    } = diags;
    crate::diagnostic::sort(&mut diags);
    overflow.sort_by_key(|&(code, span, _)| (span.start, span.end, code));
    let file = file.map(|mut f| {
        f.overflow = overflow;
        f
    });
    (file, diags)
}

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
fn reserved_id(word: &str, span: Span) -> Diagnostic {
    if word == "transfer" {
        return Diagnostic::new(Code::E0001, span, "`transfer` cannot be used as an id")
            .label("reserved for hand-overs, `transfer(ID)`")
            .help("choose another name, such as `handover` or `to_sales`");
    }
    Diagnostic::new(Code::E0001, span, "`end` cannot be used as an id")
        .label("reserved for the end of the call")
        .help("choose another name, such as `ending` or `wrap_up`")
}
