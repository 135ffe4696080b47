//! What the notes of calls that listen become, checked before they are
//! written: a capture's type from its words, a retry's bound, and which
//! `continue` notes would make steps talk forever. A note the language
//! would reject where it stands is not imported (W0302), so that what
//! `callc import` writes still checks.

use crate::ast;
use crate::fmt::{ident, text};
use crate::ir::{Event, ValueType};
use crate::source::Span;

use super::doc::{Block, Doc, RawKind, Unplaced, Why};
use super::ids::{Taken, claim, derive_id};
use super::text::decode;

/// A capture to write: its id, the id as its note wrote it (escapes
/// undone), its type, whether it is optional and its description.
#[derive(Debug)]
pub(super) struct Capture {
    pub(super) id: String,
    pub(super) written: String,
    pub(super) kind: ValueType,
    pub(super) optional: bool,
    pub(super) description: String,
}

/// Each step's captures, in order: a capture keeps the id its note names
/// (unless it cannot be an id, or is taken: then one is derived); one
/// whose type the language rejects is not imported.
pub(super) fn captures(doc: &Doc, taken: &mut Taken, rejected: &mut Vec<Unplaced>) -> Vec<Vec<Capture>> {
    doc.steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            s.captures
                .iter()
                .filter_map(|c| {
                    let Some(kind) = capture_type(&c.kind) else {
                        rejected.push(Unplaced {
                            span: c.span,
                            block: Block::Step(i),
                            why: Why::Invalid(
                                "a `one_of` needs two different words or more, and an `integer` range its least bound first"
                                    .to_owned(),
                            ),
                        });
                        return None;
                    };
                    let written = decode(&c.id);
                    let id = if crate::fmt::is_bare_word(&written) && Event::of(&written).is_none() {
                        claim(&written, taken)
                    } else {
                        derive_id(&c.id, "capture", taken)
                    };
                    Some(Capture {
                        id,
                        written,
                        kind,
                        optional: c.optional,
                        description: decode(&c.description),
                    })
                })
                .collect()
        })
        .collect()
}

/// `capture ID TYPE [optional] "description"`, at `at`.
/// A value type as written in a spec: `integer(1..500)`, `money(CNY)`.
pub(super) fn type_ast(kind: &ValueType, at: Span) -> ast::CaptureType {
    let args = match kind {
        ValueType::Integer { min, max } if min.is_some() || max.is_some() => Some(ast::TypeArgs::Range {
            min: min.map(|n| (n.to_string(), at)),
            max: max.map(|n| (n.to_string(), at)),
            span: at,
        }),
        ValueType::OneOf(values) => Some(ast::TypeArgs::Values {
            values: values.iter().map(|v| ident(v.as_str(), at)).collect(),
            span: at,
        }),
        ValueType::Money { currency } => Some(ast::TypeArgs::Values {
            values: vec![ident(currency.as_str(), at)],
            span: at,
        }),
        _ => None,
    };
    ast::CaptureType {
        name: ident(kind.word(), at),
        args,
        span: at,
    }
}

pub(super) fn capture_ast(c: &Capture, at: Span) -> ast::Capture {
    ast::Capture {
        id: ident(c.id.as_str(), at),
        kind: type_ast(&c.kind, at),
        optional: c.optional.then_some(at),
        description: Some(text(&c.description, at)),
        span: at,
    }
}

/// A capture's type from its words, when the language accepts it: a
/// `one_of` has two values or more, each a bare word, none twice; an
/// `integer` has bounds that are whole numbers, the least first.
pub(super) fn capture_type(kind: &RawKind) -> Option<ValueType> {
    Some(match kind {
        RawKind::Text => ValueType::Text,
        RawKind::Email => ValueType::Email,
        RawKind::Phone => ValueType::Phone,
        RawKind::Date => ValueType::Date,
        RawKind::YesNo => ValueType::YesNo,
        RawKind::Integer(min, max) => {
            let bound = |b: &Option<String>| -> Option<Option<i64>> {
                match b {
                    None => Some(None),
                    Some(s) => s.parse().ok().map(Some),
                }
            };
            let (min, max) = (bound(min)?, bound(max)?);
            if let (Some(a), Some(b)) = (min, max)
                && a > b
            {
                return None;
            }
            ValueType::Integer { min, max }
        }
        RawKind::Number => ValueType::Number,
        RawKind::Percent => ValueType::Percent,
        RawKind::Time => ValueType::Time,
        RawKind::Money(code) => {
            let code = decode(code);
            if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
                return None;
            }
            ValueType::Money { currency: code }
        }
        RawKind::OneOf(values) => {
            let values: Vec<String> = values.iter().map(|v| decode(v)).collect();
            let distinct = values.iter().enumerate().all(|(i, v)| !values[..i].contains(v));
            if values.len() < 2 || !distinct || !values.iter().all(|v| crate::fmt::is_bare_word(v)) {
                return None;
            }
            ValueType::OneOf(values)
        }
    })
}

/// A retry's bound as written, when it is one the language accepts (1 to 9).
pub(super) fn retry_bound(written: &str) -> Option<u8> {
    written.parse().ok().filter(|n| (1..=9).contains(n))
}

/// The steps whose `continue` note is not imported because the steps after
/// them by their successors, all going on without waiting, come back to
/// them (the language rejects a flow that never listens): one step per
/// such cycle, the first met. `next[i]` is step `i`'s successor, when it is
/// a step; `go_on[i]` whether it goes on without waiting.
pub(super) fn talks_forever(next: &[Option<usize>], go_on: &[bool]) -> Vec<usize> {
    let mut go_on = go_on.to_vec();
    let mut dropped = Vec::new();
    // 0: not seen, 1: on the current walk, 2: done.
    let mut state = vec![0u8; next.len()];
    for start in 0..next.len() {
        let mut walk = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at.filter(|&i| go_on[i] && state[i] == 0) {
            state[i] = 1;
            walk.push(i);
            at = next[i];
        }
        // Back on the walk: a cycle of steps that go on; it listens once
        // its first step met waits.
        if let Some(i) = at.filter(|&i| state[i] == 1) {
            go_on[i] = false;
            dropped.push(i);
        }
        for i in walk {
            state[i] = 2;
        }
    }
    dropped.sort_unstable();
    dropped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_types_the_language_accepts() {
        let n = |s: &str| Some(s.to_owned());
        assert_eq!(
            capture_type(&RawKind::Integer(n("1"), n("500"))),
            Some(ValueType::Integer {
                min: Some(1),
                max: Some(500)
            })
        );
        assert_eq!(capture_type(&RawKind::Integer(n("5"), n("1"))), None);
        assert_eq!(capture_type(&RawKind::Integer(n("99999999999999999999"), None)), None);
        let one_of = |v: &[&str]| RawKind::OneOf(v.iter().map(|s| (*s).to_owned()).collect());
        assert_eq!(
            capture_type(&one_of(&["a\\_b", "是"])),
            Some(ValueType::OneOf(vec!["a_b".into(), "是".into()]))
        );
        assert_eq!(capture_type(&one_of(&["a"])), None);
        assert_eq!(capture_type(&one_of(&["a", "a"])), None);
        assert_eq!(capture_type(&one_of(&["a", "two words"])), None);
        assert_eq!(capture_type(&one_of(&["a", "step"])), None);
    }

    #[test]
    fn retry_bounds() {
        assert_eq!(retry_bound("2"), Some(2));
        assert_eq!(retry_bound("0"), None);
        assert_eq!(retry_bound("10"), None);
        assert_eq!(retry_bound("1000000000000"), None);
    }

    #[test]
    fn cycles_of_steps_that_never_wait() {
        // 0 → 1 → 0 never waits; 2 → 3 → end; 4 → 4.
        let next = [Some(1), Some(0), Some(3), None, Some(4)];
        assert_eq!(talks_forever(&next, &[true, true, true, true, true]), [0, 4]);
        // One step of the cycle waits: nothing to drop.
        assert!(talks_forever(&next, &[true, false, true, true, false]).is_empty());
        // A path into a cycle: the cycle's first step met is dropped.
        let next = [Some(1), Some(2), Some(1)];
        assert_eq!(talks_forever(&next, &[true, true, true]), [1]);
    }
}
