//! Where a large flow can be cut into pieces that pest parses one by one.
//!
//! pest writes every token of a parse into one queue before anything reads
//! it; for a 10 MB spec that queue is about 16 MB, larger than the cache,
//! and both the parse and the lowering that walks it slow down by a fifth.
//! Parsed a few hundred steps at a time, the queue stays in the cache.
//!
//! This module only finds the cut points: the byte range of the call's
//! `flow` body from its first item to the end of its last, and item
//! boundaries inside it (just after a step's closing `}`) about every
//! `chunk` bytes. It knows the grammar's lexical rules (strings, blocks,
//! escapes, comments) and nothing else; [`super::parse`] checks the result:
//! when any piece does not parse, the whole file is parsed again in one go,
//! so errors are always reported from the one-piece parse.
//!
//! A step is the smallest thing a flow piece holds, so a single step of a
//! few megabytes would be one piece: such a step's body (from its first
//! statement to the end of its last) is cut too, before a statement
//! keyword (`say`, `next`, `on`, `allow`, `warn`, `deny`) about every
//! `chunk` bytes; its flow piece is parsed with the body left out, and the
//! body's parts are parsed as `step_items`.

use std::ops::Range;

/// The call's flow body and the pieces it is cut into.
#[derive(Debug, PartialEq, Eq)]
pub struct Plan {
    /// From the first item of the flow to the end of its last item.
    pub body: Range<usize>,
    /// Consecutive ranges covering `body`, each ending after a step.
    pub pieces: Vec<Range<usize>>,
    /// Large steps whose bodies are cut as well, in order.
    pub steps: Vec<StepCut>,
}

/// One large step's body and its parts.
#[derive(Debug, PartialEq, Eq)]
pub struct StepCut {
    /// The index in [`Plan::pieces`] of the piece that holds the step.
    pub piece: usize,
    /// From the step's first statement to its closing `}`.
    pub body: Range<usize>,
    /// Consecutive ranges covering `body`, each starting with a statement
    /// (or with the spaces and comments before one).
    pub parts: Vec<Range<usize>>,
}

/// Words that start a statement in a step.
const STATEMENT_WORDS: [&[u8]; 6] = [b"say", b"next", b"on", b"allow", b"warn", b"deny"];

/// The plan for `src`, or `None` when it has no flow body longer than
/// `chunk` bytes (or the scan finds something the grammar would refuse).
pub fn plan(src: &str, chunk: usize) -> Option<Plan> {
    let b = src.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    // The flow: its depth-1 `{` seen, and where its first and last items are.
    let mut in_flow = false;
    let mut first: Option<usize> = None;
    let mut last_end = 0;
    let mut piece_start = 0;
    let mut pieces: Vec<Range<usize>> = Vec::new();
    // Whether the last word at depth 1 was the keyword `flow`.
    let mut after_flow_keyword = false;
    // The step whose body is being read (depth 3): its first statement and
    // the parts cut so far.
    let mut step_first: Option<usize> = None;
    // Whether the last token in a step's body wants an operand next (`next`,
    // `on`, `->`, …): a keyword there is an id (`next on`), not a statement.
    let mut operand_next = false;
    let mut part_start = 0;
    let mut parts: Vec<Range<usize>> = Vec::new();
    let mut steps: Vec<StepCut> = Vec::new();
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
                continue;
            }
            _ => {}
        }
        // A significant byte: the first item of the flow starts here.
        if in_flow && depth == 2 && first.is_none() && c != b'}' {
            first = Some(i);
            piece_start = i;
        }
        if in_flow && depth == 3 && c != b'}' {
            match step_first {
                None => {
                    step_first = Some(i);
                    part_start = i;
                }
                // Cut just before the keyword: the spaces and comments
                // before it stay with the statement they follow, as pest
                // takes them into that statement's span.
                Some(_) if i - part_start >= chunk && !operand_next && starts_statement(&b[i..]) => {
                    parts.push(part_start..i);
                    part_start = i;
                }
                Some(_) => {}
            }
        }
        let start = i;
        match c {
            b'"' => i = skip_string(b, i)?,
            b'{' => {
                if depth == 1 && after_flow_keyword && first.is_none() && !in_flow {
                    in_flow = true;
                }
                depth += 1;
                i += 1;
            }
            b'}' => {
                depth = depth.checked_sub(1)?;
                i += 1;
                if in_flow && depth == 2 {
                    // A step's body ends: cut it too when it is large.
                    // The body runs to the `}`, spaces included (see above).
                    if let Some(first_statement) = step_first.take()
                        && start - first_statement >= 4 * chunk
                        && !parts.is_empty()
                    {
                        parts.push(part_start..start);
                        steps.push(StepCut {
                            piece: pieces.len(),
                            body: first_statement..start,
                            parts: std::mem::take(&mut parts),
                        });
                    }
                    parts.clear();
                }
                if in_flow && depth == 2 && i - piece_start >= chunk {
                    // A step closed: a piece may end here.
                    pieces.push(piece_start..i);
                    piece_start = i;
                }
                if in_flow && depth == 1 {
                    // The flow closed.
                    let body = first?..last_end;
                    if piece_start < last_end {
                        pieces.push(piece_start..last_end);
                    }
                    return (pieces.len() > 1 || !steps.is_empty()).then_some(Plan { body, pieces, steps });
                }
            }
            _ if is_word_byte(c) => {
                while i < b.len() && is_word_byte(b[i]) {
                    i += 1;
                }
            }
            _ => i += 1,
        }
        if in_flow && depth >= 2 && first.is_some() {
            last_end = i;
        }
        after_flow_keyword = depth == 1 && &b[start..i] == b"flow";
        if in_flow && depth == 3 {
            operand_next = matches!(
                &b[start..i],
                b"say" | b"next" | b"on" | b"allow" | b"warn" | b"deny" | b">" | b"-" | b"("
            );
        }
    }
    None
}

/// The end of the string literal starting at `i` (a `"…"` line or a
/// `"""…"""` block), as the grammar reads it; `None` if it never ends.
fn skip_string(b: &[u8], i: usize) -> Option<usize> {
    if b[i..].starts_with(b"\"\"\"") {
        let mut j = i + 3;
        loop {
            j += memchr::memchr2(b'"', b'\\', b.get(j..)?)?;
            if b[j] == b'\\' {
                j += 2;
            } else if b[j..].starts_with(b"\"\"\"") {
                return Some(j + 3);
            } else {
                j += 1;
            }
        }
    }
    let mut j = i + 1;
    loop {
        j += memchr::memchr3(b'"', b'\\', b'\n', &b[j..])?;
        match b[j] {
            b'"' => return Some(j + 1),
            b'\\' if b.get(j + 1).is_some_and(|&n| n != b'\n') => j += 2,
            _ => return None, // a line break, or an escape of one: not a string
        }
    }
}

/// Bytes of words (ids and keywords): ASCII letters, digits, `_`, and every
/// byte of a non-ASCII character (ids may be Chinese).
/// Whether `rest` starts with a statement keyword followed by a space.
fn starts_statement(rest: &[u8]) -> bool {
    STATEMENT_WORDS.iter().any(|w| {
        rest.starts_with(w)
            && rest
                .get(w.len())
                .is_some_and(|&c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
    })
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_after_steps_and_skips_strings_and_comments() {
        let src = "call c {\n  flow {\n    step a { say \"}{\" }\n    // } not a brace\n    on x -> end\n    step b { say \"\"\"\n  }\"\" \\\"\"\" \"\"\" }\n    step c { }\n  }\n}\n";
        let plan = plan(src, 1).expect("a plan");
        let body_start = src.find("step a").unwrap();
        let body_end = src.find("step c { }").unwrap() + "step c { }".len();
        assert_eq!(plan.body, body_start..body_end);
        let ends: Vec<&str> = plan.pieces.iter().map(|r| &src[r.clone()]).collect();
        assert_eq!(ends.len(), 3, "{ends:#?}");
        assert!(ends[0].ends_with("say \"}{\" }"));
        assert!(ends[1].trim_start().starts_with("// } not a brace") && ends[1].ends_with("\"\"\" }"));
        assert_eq!(ends[2].trim(), "step c { }");
        assert_eq!(plan.pieces.first().unwrap().start, plan.body.start);
        assert_eq!(plan.pieces.last().unwrap().end, plan.body.end);
        assert!(plan.pieces.windows(2).all(|w| w[0].end == w[1].start));
    }

    #[test]
    fn no_plan_for_small_flows_or_broken_text() {
        let src = "call c { flow { step a { say \"x\" } step b { } } }";
        assert!(plan(src, 1).is_some());
        assert!(plan(src, 10_000).is_none(), "one piece is no plan");
        assert!(
            plan("call c { flow { step a { say \"x } } }", 1).is_none(),
            "unclosed string"
        );
        assert!(plan("call c { flow { step a { } ", 1).is_none(), "unclosed flow");
        assert!(plan("call c { } }", 1).is_none(), "too many braces");
        assert!(
            plan("call c { flowx { step a { } step b { } } }", 1).is_none(),
            "not the keyword"
        );
        assert!(
            plan("call c { mode flow\n caller x { } }", 1).is_none(),
            "a word, not a block"
        );
    }
}
