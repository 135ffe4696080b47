//! The flow: numbered steps with their spoken lines, and the flow notes in
//! brackets that say where the call goes (`（如S → 转到第N步）`).

use std::collections::BTreeSet;

use crate::source::Span;

use super::doc::{Block, Doc, RawNote, RawStep, RawTarget, Unplaced, Why};
use super::markdown::{Item, Marker, Piece, marker, numeral};
use super::text::{CLOSERS, OPENERS, runs, unquote};

pub(super) fn read_flow(doc: &mut Doc, items: &[Item<'_>]) {
    let numbered = items.iter().any(|i| matches!(i.marker, Marker::Number(_)));
    let mut global_causes: BTreeSet<Option<String>> = doc.global.iter().map(|n| n.cause.clone()).collect();
    for it in items {
        let is_step = match it.marker {
            Marker::Number(_) => true,
            Marker::Bullet => !numbered,
            Marker::Paragraph => false,
        };
        if !is_step {
            for r in runs(&it.pieces) {
                match note(&r.text).filter(|n| n.global || n.note.cause.is_none()) {
                    // One signal leads to one place: a second global note for it is left over.
                    Some(n) if n.global && !global_causes.insert(n.note.cause.clone()) => {
                        doc.unplaced.push(Unplaced {
                            span: r.span,
                            block: Block::Flow,
                            why: Why::SecondNote,
                        });
                    }
                    Some(n) if n.global => doc.global.push(RawNote { span: r.span, ..n.note }),
                    _ => doc.unplaced.push(Unplaced {
                        span: r.span,
                        block: Block::Flow,
                        why: if r.text.starts_with(['（', '(']) {
                            Why::Note
                        } else {
                            Why::FlowText
                        },
                    }),
                }
            }
            continue;
        }
        let index = doc.steps.len();
        // The signals this step's notes use (`None`: its "then" note).
        let mut causes: BTreeSet<Option<String>> = BTreeSet::new();
        let mut step = RawStep {
            number: match it.marker {
                Marker::Number(n) => Some(n),
                _ => None,
            },
            title: None,
            says: Vec::new(),
            notes: Vec::new(),
        };
        // Sub-bullets under a step (`   - “…”`) are its lines.
        let pieces: Vec<Piece<'_>> = it
            .pieces
            .iter()
            .enumerate()
            .map(|(k, p)| match marker(p.text) {
                Some((Marker::Bullet, len)) if k > 0 => Piece {
                    text: &p.text[len..],
                    span: Span::new(p.span.start + len, p.span.end),
                },
                _ => *p,
            })
            .collect();
        for (k, r) in runs(&pieces).into_iter().enumerate() {
            if r.quoted {
                step.says.push(r.text);
                continue;
            }
            if r.text.starts_with(['（', '(']) && r.text.ends_with(['）', ')']) {
                match note(&r.text) {
                    Some(n) if !n.global && !causes.insert(n.note.cause.clone()) => {
                        doc.unplaced.push(Unplaced {
                            span: r.span,
                            block: Block::Step(index),
                            why: Why::SecondNote,
                        });
                    }
                    Some(n) if !n.global => step.notes.push(RawNote { span: r.span, ..n.note }),
                    _ => doc.unplaced.push(Unplaced {
                        span: r.span,
                        block: Block::Step(index),
                        why: Why::Note,
                    }),
                }
                continue;
            }
            if k == 0 {
                // `开场问候：“您好……”`: a title and a line.
                let (title, line) = match r.text.find(OPENERS) {
                    Some(i) if i > 0 && r.text.ends_with(CLOSERS) => (&r.text[..i], unquote(&r.text[i..])),
                    _ => (r.text.as_str(), None),
                };
                let title = title.replace("**", "");
                let title = title.trim().trim_end_matches([':', '：', '-', '—']).trim();
                if !title.is_empty() {
                    step.title = Some(title.to_owned());
                }
                step.says.extend(line.map(str::to_owned));
            } else {
                step.says.push(r.text);
            }
        }
        doc.steps.push(step);
    }
}

/// A parsed flow note.
struct Note {
    global: bool,
    note: RawNote,
}

/// Reads a flow note: `（如张强表示时间紧 → 转到第9步）`,
/// `（任何一步中，如… → 结束通话：…）`, `（说完后 → 转到第3步）`, and the
/// English forms (`(If “…” → go to step 7)`, `(At any step, if “…” → end
/// the call)`, `(Then → go to step 4)`).
fn note(text: &str) -> Option<Note> {
    const GLOBAL: &[&str] = &["任何一步中", "任何一步", "任何步骤中", "在任何一步", "at any step"];
    const IF: &[&str] = &["如果", "若", "如", "if", "when", "on"];
    const THEN: &[&str] = &["说完后", "然后", "之后", "接着", "then", "afterwards", "next"];
    let inner = text
        .strip_prefix(['（', '('])?
        .strip_suffix(['）', ')'])
        .unwrap_or_else(|| text.trim_start_matches(['（', '(']))
        .trim();
    let strip = |s: &'_ str, words: &[&str]| -> Option<usize> {
        words.iter().find_map(|w| {
            let head = s.get(..w.len())?;
            let ascii_word_end = s[w.len()..].starts_with(|c: char| c.is_ascii_alphanumeric());
            (head.eq_ignore_ascii_case(w) && !(w.is_ascii() && ascii_word_end)).then_some(w.len())
        })
    };
    let punct: &[char] = &[' ', '，', ',', '：', ':'];
    let mut rest = inner;
    let mut global = false;
    if let Some(n) = strip(rest, GLOBAL) {
        global = true;
        rest = rest[n..].trim_start_matches(punct);
    }
    let mut then = false;
    if let Some(n) = strip(rest, IF) {
        rest = rest[n..].trim_start_matches(punct);
    } else if !global && let Some(n) = strip(rest, THEN) {
        then = true;
        rest = rest[n..].trim_start_matches(punct);
    } else {
        return None;
    }
    // Try each arrow from the left: the first whose right side is a target.
    for (i, arrow) in rest.match_indices(['→', '⇒']).map(|(i, a)| (i, a.len())).chain(
        rest.match_indices("->")
            .chain(rest.match_indices("=>"))
            .map(|(i, _)| (i, 2)),
    ) {
        let Some(target) = target(rest[i + arrow..].trim()) else {
            continue;
        };
        let cause = rest[..i].trim();
        let cause = unquote(cause).unwrap_or(cause).trim();
        if then != cause.is_empty() {
            continue;
        }
        return Some(Note {
            global,
            note: RawNote {
                cause: (!then).then(|| cause.to_owned()),
                target,
                span: Span::default(),
            },
        });
    }
    None
}

/// Reads a note's target: `转到第9步`, `go to step 9`, `结束通话`,
/// `结束通话：原因`, `end the call: reason`.
fn target(s: &str) -> Option<RawTarget> {
    const GOTO: &[&str] = &["转到", "跳到", "转至", "跳至", "进入", "回到", "返回", "去"];
    const GOTO_EN: &[&str] = &[
        "go to ",
        "goto ",
        "jump to ",
        "continue with ",
        "continue at ",
        "back to ",
        "return to ",
    ];
    const END: &[&str] = &[
        "结束通话",
        "结束电话",
        "挂断",
        "挂机",
        "结束",
        "end the call",
        "end call",
        "hang up",
        "end",
    ];
    let mut s = s.trim().trim_end_matches(['。', '.']);
    for w in GOTO {
        if let Some(r) = s.strip_prefix(w) {
            s = r.trim_start();
            break;
        }
    }
    for w in GOTO_EN {
        if s.get(..w.len()).is_some_and(|h| h.eq_ignore_ascii_case(w)) {
            s = s[w.len()..].trim_start();
            break;
        }
    }
    let step = |n: u32| Some(RawTarget::Step(Some(n), written_number(s).to_owned()));
    if let Some((Marker::Number(n), len)) = marker(s)
        && s[len..].trim().is_empty()
    {
        return step(n);
    }
    let unnumbered = s
        .strip_prefix("步骤")
        .or_else(|| s.strip_prefix('第'))
        .or_else(|| s.get(..5).filter(|h| h.eq_ignore_ascii_case("step ")).map(|_| &s[5..]))
        .unwrap_or(s)
        .trim_start();
    if let Some((n, len)) = numeral(unnumbered)
        && unnumbered[len..].trim().is_empty()
    {
        return step(n);
    }
    // Digits too many for any step (`转到第99999999999步`): a step that does not exist.
    let digits = unnumbered.bytes().take_while(u8::is_ascii_digit).count();
    let after = unnumbered[digits..].trim_start();
    if digits > 0 && after.strip_prefix('步').unwrap_or(after).trim().is_empty() {
        return Some(RawTarget::Step(None, unnumbered[..digits].to_owned()));
    }
    for w in END {
        let Some(head) = s.get(..w.len()) else { continue };
        if !head.eq_ignore_ascii_case(w) {
            continue;
        }
        let rest = s[w.len()..].trim();
        if rest.is_empty() {
            return Some(RawTarget::End(None));
        }
        let why = rest
            .strip_prefix([':', '：', '，', ','])
            .map(str::trim)
            .or_else(|| {
                rest.strip_prefix(['（', '('])
                    .and_then(|r| r.strip_suffix(['）', ')']))
                    .map(str::trim)
            })
            .or_else(|| {
                rest.strip_prefix(['—', '-'])
                    .map(|r| r.trim_start_matches(['—', '-']).trim())
            })?;
        return Some(RawTarget::End((!why.is_empty()).then(|| why.to_owned())));
    }
    None
}

/// The number as written in a note's target: its first run of ASCII digits
/// or Chinese numerals (`12345` in `转到第12345步`, `十二` in `第十二步`).
fn written_number(s: &str) -> &str {
    let numeral = |c: char| c.is_ascii_digit() || "零一二三四五六七八九十".contains(c);
    let Some(start) = s.find(numeral) else { return s };
    let len = s[start..].find(|c: char| !numeral(c)).unwrap_or(s.len() - start);
    &s[start..start + len]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_in_both_languages() {
        let n = note("（如张强表示时间紧，要求资料发邮箱 → 转到第9步）").unwrap();
        assert!(!n.global);
        assert_eq!(n.note.cause.as_deref(), Some("张强表示时间紧，要求资料发邮箱"));
        assert!(matches!(n.note.target, RawTarget::Step(Some(9), _)));
        let n = note("（任何一步中，如不想聊 → 结束通话：客户拒绝）").unwrap();
        assert!(n.global);
        assert!(matches!(n.note.target, RawTarget::End(Some(ref w)) if w == "客户拒绝"));
        let n = note("(Then → go to step 4)").unwrap();
        assert!(n.note.cause.is_none());
        let n = note("(If “A → B” → end the call)").unwrap();
        assert_eq!(n.note.cause.as_deref(), Some("A → B"));
        assert!(matches!(n.note.target, RawTarget::End(None)));
        let n = note("(at any step, if busy -> step 2)").unwrap();
        assert!(n.global && matches!(n.note.target, RawTarget::Step(Some(2), _)));
        assert!(note("（语气放缓）").is_none());
        assert!(note("(Then smile)").is_none());
        assert!(note("(Ifeoma → step 2)").is_none());
    }
}
