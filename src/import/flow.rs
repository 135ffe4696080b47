//! The flow: the wait rule, numbered steps with their spoken lines, and the
//! flow notes in brackets that say where the call goes (`（如S → 转到第N步）`),
//! what a step records (`（需记录 email：…）`), how often it may run again
//! (`（最多再问2次，仍不成 → …）`) and that it does not wait
//! (`（说完不等回答，直接继续）`).

use std::collections::BTreeSet;

use crate::ir::Event;
use crate::layout::{EN, Layout, ZH, read_counted, read_event};
use crate::source::Span;

use super::doc::{Block, Cause, Doc, RawCapture, RawKind, RawNote, RawRetry, RawStep, RawTarget, Unplaced, Why};
use super::markdown::{Item, Marker, Piece, marker, numeral};
use super::text::{CLOSERS, OPENERS, runs, unquote};

pub(super) fn read_flow(doc: &mut Doc, items: &[Item<'_>]) {
    let numbered = items.iter().any(|i| matches!(i.marker, Marker::Number(_)));
    let mut global_causes: BTreeSet<Cause> = doc.global.iter().map(|n| n.cause.clone()).collect();
    for it in items {
        let is_step = match it.marker {
            Marker::Number(_) => true,
            Marker::Bullet => !numbered,
            Marker::Paragraph => false,
        };
        if !is_step {
            for r in runs(&it.pieces) {
                if let Some(rule) = wait_rule(&r.text) {
                    doc.silence_rule = doc.silence_rule.or(rule.silence);
                    continue;
                }
                let read = note(&r.text).filter(|n| n.global || n.raw.cause == Cause::Then);
                if let Some(n) = &read {
                    doc.silence_notes.extend(n.seconds);
                }
                match read {
                    // One signal leads to one place: a second global note for it is left over.
                    Some(n) if n.global && !global_causes.insert(n.raw.cause.clone()) => {
                        doc.unplaced.push(Unplaced {
                            span: r.span,
                            block: Block::Flow,
                            why: Why::SecondNote,
                        });
                    }
                    Some(n) if n.global => doc.global.push(RawNote { span: r.span, ..n.raw }),
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
        // What this step's notes are taken on (`Then`: its "then" note).
        let mut causes: BTreeSet<Cause> = BTreeSet::new();
        let mut step = RawStep {
            number: match it.marker {
                Marker::Number(n) => Some(n),
                _ => None,
            },
            ..RawStep::default()
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
                let second = |doc: &mut Doc| {
                    doc.unplaced.push(Unplaced {
                        span: r.span,
                        block: Block::Step(index),
                        why: Why::SecondNote,
                    });
                };
                if is_go_on(&r.text) {
                    if step.go_on.is_some() {
                        second(doc);
                    } else {
                        step.go_on = Some(r.span);
                    }
                    continue;
                }
                if let Some(mut c) = capture_note(&r.text) {
                    c.span = r.span;
                    step.captures.push(c);
                    continue;
                }
                if let Some((max, target)) = retry_note(&r.text) {
                    if step.retry.is_some() {
                        second(doc);
                    } else {
                        step.retry = Some(RawRetry {
                            max,
                            target,
                            span: r.span,
                        });
                    }
                    continue;
                }
                let read = note(&r.text);
                if let Some(n) = read.as_ref().filter(|n| !n.global) {
                    doc.silence_notes.extend(n.seconds);
                }
                match read {
                    Some(n) if !n.global && !causes.insert(n.raw.cause.clone()) => {
                        doc.unplaced.push(Unplaced {
                            span: r.span,
                            block: Block::Step(index),
                            why: Why::SecondNote,
                        });
                    }
                    Some(n) if !n.global => step.notes.push(RawNote { span: r.span, ..n.raw }),
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

/// The wait rule at the top of the flow, as read.
#[derive(Debug, PartialEq, Eq)]
struct WaitRule {
    /// The seconds of silence it states, if any.
    silence: Option<u32>,
}

/// The wait rule at the top of the flow, in either layout.
fn wait_rule(text: &str) -> Option<WaitRule> {
    [&ZH, &EN].into_iter().find_map(|l: &Layout| {
        let rest = text.trim().strip_prefix(l.wait_rule[0])?;
        let rest = rest.strip_prefix(l.wait_rule[1]).unwrap_or(rest);
        let rest = rest.strip_prefix(l.wait_rule[2])?;
        let rest = rest.strip_prefix(l.faq_rule).unwrap_or(rest);
        let silence = if rest.is_empty() {
            None
        } else {
            Some(read_counted(l.silence_rule, rest)?)
        };
        Some(WaitRule { silence })
    })
}

/// The inside of a note: without its brackets.
fn inside(text: &str) -> Option<&str> {
    Some(
        text.strip_prefix(['（', '('])?
            .strip_suffix(['）', ')'])
            .unwrap_or_else(|| text.trim_start_matches(['（', '(']))
            .trim(),
    )
}

/// Whether a note says the step goes on without waiting: the layouts'
/// own words, and `（说完不等回答，直接进入下一步）`, `(Go on without waiting)`.
fn is_go_on(text: &str) -> bool {
    let Some(inner) = inside(text) else { return false };
    let lower = inner.to_lowercase();
    inner == ZH.go_on
        || lower == EN.go_on.to_lowercase()
        || inner.starts_with("说完不等回答")
        || inner.starts_with("不等回答")
        || lower.starts_with("go on without waiting")
        || lower.starts_with("go straight on")
}

/// Reads a capture note: `（需记录 email：邮箱地址——…）`, `（可选记录 seats：…）`,
/// `(Record email: an e-mail address — …)`, `(Optionally record …)`.
fn capture_note(text: &str) -> Option<RawCapture> {
    let inner = inside(text)?;
    [&ZH, &EN].into_iter().find_map(|l: &Layout| {
        let (optional, rest) = [(false, l.record[0]), (true, l.record[1])]
            .into_iter()
            .find_map(|(optional, w)| {
                let head = inner.get(..w.len())?;
                head.eq_ignore_ascii_case(w).then(|| (optional, &inner[w.len()..]))
            })?;
        let colon = rest.find([':', '：'])?;
        let id = rest[..colon].trim();
        let rest = rest[colon..].trim_start_matches([':', '：']).trim_start();
        // The type's words never hold a separator: the first one that
        // leaves the words of a type before it ends them.
        let (kind, description) = ["——", " — ", "—"].into_iter().find_map(|sep| {
            let (kind, description) = rest.split_once(sep)?;
            Some((read_kind(kind.trim())?, description))
        })?;
        (!id.is_empty() && !id.contains(char::is_whitespace)).then_some(())?;
        Some(RawCapture {
            id: id.to_owned(),
            kind,
            optional,
            description: description.trim().to_owned(),
            span: Span::default(),
        })
    })
}

/// Reads a capture type in either layout's words.
pub(super) fn read_kind(words: &str) -> Option<RawKind> {
    let number = |s: &str| {
        let s = s.trim();
        let digits = s.strip_prefix('-').unwrap_or(s);
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| s.to_owned())
    };
    for l in [&ZH, &EN] {
        let k = &l.kinds;
        let same = |w: &str| words.eq_ignore_ascii_case(w);
        let plain = [
            (k.text, RawKind::Text),
            (k.email, RawKind::Email),
            (k.phone, RawKind::Phone),
            (k.date, RawKind::Date),
            (k.yes_no, RawKind::YesNo),
            (k.integer, RawKind::Integer(None, None)),
            (k.number, RawKind::Number),
            (k.percent, RawKind::Percent),
            (k.time, RawKind::Time),
        ];
        if let Some((_, kind)) = plain.into_iter().find(|(w, _)| same(w)) {
            return Some(kind);
        }
        if let Some(rest) = words.strip_prefix(k.range[0])
            && let Some(rest) = rest.strip_suffix(k.range[2])
            && let Some((a, b)) = rest.split_once(k.range[1])
            && let (Some(a), Some(b)) = (number(a), number(b))
        {
            return Some(RawKind::Integer(Some(a), Some(b)));
        }
        if let Some(a) = words.strip_prefix(k.at_least).and_then(number) {
            return Some(RawKind::Integer(Some(a), None));
        }
        if let Some(b) = words.strip_prefix(k.at_most).and_then(number) {
            return Some(RawKind::Integer(None, Some(b)));
        }
        if let Some(code) = words.strip_prefix(k.money[0]).and_then(|r| r.strip_suffix(k.money[1])) {
            return Some(RawKind::Money(code.trim().to_owned()));
        }
        if let Some(values) = words.strip_prefix(k.one_of) {
            let values: Vec<String> = values
                .split(['、', ','])
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .collect();
            return (!values.is_empty()).then_some(RawKind::OneOf(values));
        }
    }
    None
}

/// Reads a retry note: `（最多再问2次，仍不成 → T）`, `(At most 2 more
/// tries, then → T)`: the bound as written and the target.
fn retry_note(text: &str) -> Option<(String, RawTarget)> {
    let inner = inside(text)?;
    [&ZH, &EN].into_iter().find_map(|l: &Layout| {
        let head = inner.get(..l.retry[0].len())?;
        if !head.eq_ignore_ascii_case(l.retry[0]) {
            return None;
        }
        let rest = &inner[l.retry[0].len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let after = &rest[digits..];
        let after = [l.retry[2], l.retry[1]]
            .into_iter()
            .find_map(|w| after.strip_prefix(w))?
            .trim_start();
        let after = after
            .strip_prefix('→')
            .or_else(|| after.strip_prefix('⇒'))
            .or_else(|| after.strip_prefix("->"))
            .or_else(|| after.strip_prefix("=>"))?;
        (digits > 0).then_some(())?;
        Some((rest[..digits].to_owned(), target(after.trim())?))
    })
}

/// Reads a requires note: `（需已记录：email、seats）`, `(Only once these are
/// recorded: email, seats)`: the capture ids as written.
pub(super) fn requires_note(text: &str) -> Option<Vec<String>> {
    let inner = inside(text)?;
    [&ZH, &EN].into_iter().find_map(|l: &Layout| {
        let head = inner.get(..l.requires.len())?;
        if !head.eq_ignore_ascii_case(l.requires) {
            return None;
        }
        let ids: Vec<String> = inner[l.requires.len()..]
            .split(['、', ','])
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect();
        (!ids.is_empty()).then_some(ids)
    })
}

/// Reads a transfer's destination note: `（转接到：queue:sales）`, `(Transfer
/// to: …)`.
pub(super) fn destination_note(text: &str) -> Option<String> {
    let inner = inside(text)?;
    [&ZH, &EN].into_iter().find_map(|l: &Layout| {
        let head = inner.get(..l.destination.len())?;
        head.eq_ignore_ascii_case(l.destination)
            .then(|| inner[l.destination.len()..].trim().to_owned())
    })
}

/// Reads a transfer's fallback note: `（转接失败 → T）`, `(If the transfer
/// fails → T)`.
pub(super) fn fallback_note(text: &str) -> Option<RawTarget> {
    let inner = inside(text)?;
    [&ZH, &EN].into_iter().find_map(|l: &Layout| {
        let head = inner.get(..l.transfer_failed.len())?;
        if !head.eq_ignore_ascii_case(l.transfer_failed) {
            return None;
        }
        let after = inner[l.transfer_failed.len()..].trim_start();
        let after = after
            .strip_prefix('→')
            .or_else(|| after.strip_prefix('⇒'))
            .or_else(|| after.strip_prefix("->"))
            .or_else(|| after.strip_prefix("=>"))?;
        target(after.trim())
    })
}

/// A parsed flow note.
struct Note {
    global: bool,
    raw: RawNote,
    /// The seconds a silence note states.
    seconds: Option<u32>,
}

/// Reads a flow note: `（如张强表示时间紧 → 转到第9步）`,
/// `（任何一步中，如… → 结束通话：…）`, `（说完后 → 转到第3步）`,
/// `（拨出后，如进入语音信箱 → 转到第5步）`, and the English forms (`(If “…”
/// → go to step 7)`, `(At any step, if “…” → end the call)`, `(Then → go
/// to step 4)`, `(After dialling, if voicemail answers → …)`). Unquoted
/// words that name a telephony event (`对方挂断`, `the callee hangs up`)
/// are that event; a signal's words are quoted (English) or never read as
/// one (the target writes their first character as a reference).
fn note(text: &str) -> Option<Note> {
    const GLOBAL: &[&str] = &[
        "任何一步中",
        "任何一步",
        "任何步骤中",
        "在任何一步",
        "拨出后",
        "接通时",
        "at any step",
        "after dialling",
        "after dialing",
    ];
    const IF: &[&str] = &["如果", "若", "如", "if", "when", "on"];
    const THEN: &[&str] = &["说完后", "然后", "之后", "接着", "then", "afterwards", "next"];
    let inner = inside(text)?;
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
        let event = read_event(cause);
        let cause = unquote(cause).unwrap_or(cause).trim();
        if then != cause.is_empty() {
            continue;
        }
        return Some(Note {
            global,
            raw: RawNote {
                cause: match event {
                    _ if then => Cause::Then,
                    Some((e, _)) => Cause::Event(e),
                    None => Cause::Signal(cause.to_owned()),
                },
                target,
                span: Span::default(),
            },
            seconds: event.and_then(|(e, s)| s.filter(|_| e == Event::Silence)),
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
    // `转接：W`: one colon, then the title whole (it may hold colons, or
    // end with a full stop).
    let s = s.trim();
    for w in [ZH.transfer_to, "转接:", EN.transfer_to.trim_end(), "transfer："] {
        if let Some(head) = s.get(..w.len())
            && head.eq_ignore_ascii_case(w)
        {
            let name = s[w.len()..].trim();
            return (!name.is_empty()).then(|| RawTarget::Transfer(name.to_owned()));
        }
    }
    let mut s = s.trim_end_matches(['。', '.']);
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

    fn signal(n: &Note) -> Option<&str> {
        match &n.raw.cause {
            Cause::Signal(s) => Some(s),
            _ => None,
        }
    }

    #[test]
    fn notes_in_both_languages() {
        let n = note("（如张强表示时间紧，要求资料发邮箱 → 转到第9步）").unwrap();
        assert!(!n.global);
        assert_eq!(signal(&n), Some("张强表示时间紧，要求资料发邮箱"));
        assert!(matches!(n.raw.target, RawTarget::Step(Some(9), _)));
        let n = note("（任何一步中，如不想聊 → 结束通话：客户拒绝）").unwrap();
        assert!(n.global);
        assert!(matches!(n.raw.target, RawTarget::End(Some(ref w)) if w == "客户拒绝"));
        let n = note("(Then → go to step 4)").unwrap();
        assert_eq!(n.raw.cause, Cause::Then);
        let n = note("(If “A → B” → end the call)").unwrap();
        assert_eq!(signal(&n), Some("A → B"));
        assert!(matches!(n.raw.target, RawTarget::End(None)));
        let n = note("(at any step, if busy -> step 2)").unwrap();
        assert!(n.global && matches!(n.raw.target, RawTarget::Step(Some(2), _)));
        assert!(note("（语气放缓）").is_none());
        assert!(note("(Then smile)").is_none());
        assert!(note("(Ifeoma → step 2)").is_none());
    }

    #[test]
    fn events_and_transfers_in_notes() {
        let n = note("（拨出后，如进入语音信箱 → 转到第5步）").unwrap();
        assert!(n.global && n.raw.cause == Cause::Event(Event::Voicemail));
        let n = note("（任何一步中，如对方沉默8秒 → 转到第4步）").unwrap();
        assert!(n.global && n.raw.cause == Cause::Event(Event::Silence) && n.seconds == Some(8));
        let n = note("(If the callee hangs up → end the call: hung up)").unwrap();
        assert!(!n.global && n.raw.cause == Cause::Event(Event::Hangup));
        // Quoted words are a signal's, whatever they say.
        let n = note("(If “the callee hangs up” → end the call)").unwrap();
        assert_eq!(signal(&n), Some("the callee hangs up"));
        // A reference before the words (the target's escape) keeps them a signal.
        let n = note("（如&#x5BF9;方挂断 → 结束通话）").unwrap();
        assert_eq!(signal(&n), Some("&#x5BF9;方挂断"));
        let n = note("（任何一步中，如张强要求人工 → 转接：销售顾问）").unwrap();
        assert!(matches!(n.raw.target, RawTarget::Transfer(ref t) if t == "销售顾问"));
        let n = note("(If “human” → transfer: Sales desk 😀)").unwrap();
        assert!(matches!(n.raw.target, RawTarget::Transfer(ref t) if t == "Sales desk 😀"));
        let n = note("（如忙 → 转接：：）").unwrap();
        assert!(matches!(n.raw.target, RawTarget::Transfer(ref t) if t == "："));
        let n = note("（如忙 → 转接：。）").unwrap();
        assert!(matches!(n.raw.target, RawTarget::Transfer(ref t) if t == "。"));
    }

    #[test]
    fn step_notes_of_calls_that_listen() {
        assert!(is_go_on("（说完不等回答，直接继续）"));
        assert!(is_go_on("（说完不等回答，直接进入下一步）"));
        assert!(is_go_on("(Go on without waiting)"));
        assert!(is_go_on(&format!("({})", EN.go_on)));
        assert!(!is_go_on("（等对方回答）"));
        let c = capture_note("（需记录 email：邮箱地址——张强接收资料的邮箱地址）").unwrap();
        assert_eq!((c.id.as_str(), &c.kind, c.optional), ("email", &RawKind::Email, false));
        assert_eq!(c.description, "张强接收资料的邮箱地址");
        let c =
            capture_note("（可选记录 package：以下之一：standard、premium——张强倾向的套餐：standard（标准）——或别的）")
                .unwrap();
        assert_eq!(c.kind, RawKind::OneOf(vec!["standard".into(), "premium".into()]));
        assert!(c.optional);
        assert_eq!(c.description, "张强倾向的套餐：standard（标准）——或别的");
        let c = capture_note("(Optionally record seats: a whole number from 1 to 500 — seats 😀)").unwrap();
        assert_eq!(c.kind, RawKind::Integer(Some("1".into()), Some("500".into())));
        let c = capture_note("(Record age: a whole number, at least 18 — age——年龄)").unwrap();
        assert_eq!(c.description, "age——年龄");
        assert_eq!(c.kind, RawKind::Integer(Some("18".into()), None));
        for (words, kind) in [
            ("文字", RawKind::Text),
            ("电话号码", RawKind::Phone),
            ("日期（年-月-日）", RawKind::Date),
            ("是或否", RawKind::YesNo),
            ("整数", RawKind::Integer(None, None)),
            ("整数，不大于9", RawKind::Integer(None, Some("9".into()))),
            ("a date (YYYY-MM-DD)", RawKind::Date),
            ("yes or no", RawKind::YesNo),
        ] {
            assert_eq!(read_kind(words), Some(kind), "{words}");
        }
        assert!(capture_note("（需记录：没有名字——x）").is_none());
        assert!(capture_note("（需记录 x：未知类型——x）").is_none());
        let (max, t) = retry_note("（最多再问2次，仍不成 → 结束通话：改用其他渠道）").unwrap();
        assert_eq!(max, "2");
        assert!(matches!(t, RawTarget::End(Some(ref w)) if w == "改用其他渠道"));
        let (max, t) = retry_note("(At most 1 more try, then → go to step 3)").unwrap();
        assert_eq!(max, "1");
        assert!(matches!(t, RawTarget::Step(Some(3), _)));
        assert!(retry_note("（最多再问次，仍不成 → 结束通话）").is_none());
        assert_eq!(requires_note("（需已记录：email、seats）").unwrap(), ["email", "seats"]);
        assert_eq!(
            requires_note("(Only once these are recorded: email, seats)").unwrap(),
            ["email", "seats"]
        );
        assert_eq!(
            destination_note("（转接到：queue:sales）").as_deref(),
            Some("queue:sales")
        );
        assert!(matches!(
            fallback_note("（转接失败 → 结束通话）"),
            Some(RawTarget::End(None))
        ));
        assert!(matches!(
            fallback_note("(If the transfer fails → go to step 2)"),
            Some(RawTarget::Step(Some(2), _))
        ));
    }

    #[test]
    fn the_wait_rule_states_the_silence() {
        for l in [&ZH, &EN] {
            let [rule, except, stop] = l.wait_rule;
            let none = Some(WaitRule { silence: None });
            assert_eq!(wait_rule(&format!("{rule}{stop}")), none);
            assert_eq!(wait_rule(&format!("{rule}{except}{stop}{}", l.faq_rule)), none);
            let with = format!(
                "{rule}{stop}{}{}",
                l.faq_rule,
                crate::layout::counted(l.silence_rule, 8)
            );
            assert_eq!(wait_rule(&with), Some(WaitRule { silence: Some(8) }));
        }
        assert_eq!(wait_rule("每一步说完后都停下来"), None);
    }
}
