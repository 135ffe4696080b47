//! Each part of a spec: the role (identity bullets and persona), prose
//! sections, `label：value` entries, concerns, the reply style, the FAQ and
//! the end conditions with the closing line.

use crate::ast::Priority;
use crate::source::Span;

use super::doc::{Block, Doc, Kind, Party, RawExamples, RawQa, RawTransfer, Unplaced, Why};
use super::flow::{destination_note, fallback_note, requires_note};
use super::markdown::{Item, Line, Marker, Piece, marker};
use super::sections::Section;
use super::text::{CLOSERS, OPENERS, after_label, join, runs, split_entry, style_label, unquote};

/// The text of a section of prose (task, opening): its lines, paragraphs
/// separated by a blank line, a quotation around the whole removed.
pub(super) fn text_of(items: &[Item<'_>]) -> Option<String> {
    let mut paragraphs = Vec::new();
    for it in items {
        let mut text = join(&it.pieces);
        if it.marker != Marker::Paragraph {
            text.insert_str(0, "- ");
        }
        paragraphs.push(text);
    }
    let text = paragraphs.join("\n\n");
    if text.is_empty() {
        return None;
    }
    let quoted = runs(&items.iter().flat_map(|i| i.pieces.iter().copied()).collect::<Vec<_>>());
    match quoted.as_slice() {
        [only] if only.quoted => Some(only.text.clone()),
        _ => Some(text),
    }
}

pub(super) fn read_role(doc: &mut Doc, s: &Section<'_>, items: &[Item<'_>], block: Block) {
    let party = if s.party == Party::Caller {
        &mut doc.caller
    } else {
        &mut doc.callee
    };
    let mut rest_from = s.body.len();
    // Identity bullets first (`- 姓名：李明`), then the persona.
    let mut n = 0;
    for it in items {
        let Some(first) = it.pieces.first() else { break };
        if it.marker != Marker::Bullet || it.pieces.len() > 1 {
            break;
        }
        let Some((label, value)) = split_entry(first.text) else {
            break;
        };
        let field = identity_field(&label);
        let Some(field) = field else { break };
        match field {
            0 => party.name = Some(value.to_owned()),
            1 => match gender(value) {
                Some(g) => party.gender = Some(g),
                None => doc.unplaced.push(Unplaced {
                    span: it.span,
                    block,
                    why: Why::Identity(value.to_owned()),
                }),
            },
            2 => match age(value) {
                Some(a) => party.age = Some(a),
                None => doc.unplaced.push(Unplaced {
                    span: it.span,
                    block,
                    why: Why::Identity(value.to_owned()),
                }),
            },
            3 => party.org = Some(value.to_owned()),
            _ => party.role = Some(value.to_owned()),
        }
        n += 1;
        rest_from = s
            .body
            .iter()
            .position(|l| l.start > it.span.end)
            .unwrap_or(s.body.len());
    }
    let body: &[Line<'_>] = if n == 0 { &s.body } else { &s.body[rest_from..] };
    let mut lines: Vec<&str> = Vec::new();
    for l in body {
        let t = l.trim().text;
        if t.is_empty() && lines.last().is_some_and(|x| x.is_empty()) {
            continue;
        }
        lines.push(t);
    }
    let persona = lines.join("\n").trim_matches('\n').to_owned();
    if !persona.is_empty() {
        party.persona = Some(match &party.persona {
            Some(before) => format!("{before}\n\n{persona}"),
            None => persona,
        });
    }
}

/// Which identity field a label names: name, gender, age, organisation, role.
fn identity_field(label: &str) -> Option<usize> {
    const FIELDS: [&[&str]; 5] = [
        &["姓名", "名字", "name"],
        &["性别", "gender", "sex"],
        &["年龄", "age"],
        &["单位", "公司", "机构", "organisation", "organization", "company", "org"],
        &["职务", "职位", "岗位", "role", "position", "job title"],
    ];
    let l = label.trim().to_lowercase();
    FIELDS.iter().position(|names| names.contains(&l.as_str()))
}

fn gender(value: &str) -> Option<&'static str> {
    match value.trim().to_lowercase().as_str() {
        "男" | "男性" | "male" | "m" | "man" => Some("male"),
        "女" | "女性" | "female" | "f" | "woman" => Some("female"),
        "其他" | "其它" | "other" | "non-binary" | "nonbinary" => Some("other"),
        _ => None,
    }
}

fn age(value: &str) -> Option<u32> {
    let v = value.trim();
    let digits = v.bytes().take_while(u8::is_ascii_digit).count();
    let unit = v[digits..].trim().to_lowercase();
    let known = ["", "岁", "周岁", "years", "years old", "y"].contains(&unit.as_str());
    let n: u32 = v[..digits].parse().ok()?;
    (known && n <= 150).then_some(n)
}

pub(super) fn read_entries(items: &[Item<'_>], unplaced: &mut Vec<Unplaced>, block: Block) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for it in items {
        let Some(first) = it.pieces.first() else { continue };
        match split_entry(first.text) {
            Some((label, value)) => {
                let mut value = value.to_owned();
                let more = join(&it.pieces[1..]);
                if !more.is_empty() {
                    value.push('\n');
                    value.push_str(&more);
                }
                out.push((label, value));
            }
            None => unplaced.push(Unplaced {
                span: it.span,
                block,
                why: Why::Entry,
            }),
        }
    }
    out
}

pub(super) fn read_concerns(doc: &mut Doc, items: &[Item<'_>]) {
    const PRIORITIES: [(Priority, &[&str]); 3] = [
        (
            Priority::Primary,
            &[
                "首要问题",
                "首要关切",
                "首要",
                "主要问题",
                "primary concern",
                "primary",
                "main concern",
            ],
        ),
        (
            Priority::Secondary,
            &["次要问题", "次要关切", "次要", "secondary concern", "secondary"],
        ),
        (
            Priority::Latent,
            &[
                "潜在问题",
                "潜在关切",
                "潜在",
                "latent concern",
                "latent",
                "potential concern",
                "hidden concern",
            ],
        ),
    ];
    for it in items {
        let Some(first) = it.pieces.first() else { continue };
        let found = PRIORITIES
            .iter()
            .find_map(|(p, labels)| after_label(first.text, labels).map(|rest| (*p, rest)));
        match found {
            Some((p, rest)) => {
                let mut text = rest.to_owned();
                let more = join(&it.pieces[1..]);
                if !more.is_empty() {
                    text.push('\n');
                    text.push_str(&more);
                }
                doc.concerns.push((p, text));
            }
            None => doc.unplaced.push(Unplaced {
                span: it.span,
                block: Block::Callee,
                why: Why::Concern,
            }),
        }
    }
}

/// The things a callee might say that give a signal: `- words：“a”、“b”`
/// (the signal's words, its examples in quotation marks). Anything else is
/// not imported (W0302).
pub(super) fn read_examples(doc: &mut Doc, items: &[Item<'_>]) {
    let colon = doc.layout.colon.trim();
    for it in items {
        let text = join(&it.pieces);
        let split = text
            .find(colon)
            .map(|i| (&text[..i], &text[i + colon.len()..]))
            .or_else(|| text.split_once(['：', ':']));
        let read = split.and_then(|(words, rest)| {
            quoted_list(rest)
                .filter(|_| !words.trim().is_empty())
                .map(|e| (words.trim().to_owned(), e))
        });
        match read {
            Some((words, examples)) if it.marker == Marker::Bullet => {
                doc.examples.push(RawExamples { words, examples });
            }
            _ => doc.unplaced.push(Unplaced {
                span: it.span,
                block: Block::Callee,
                why: Why::Invalid(
                    "a line here is a signal's words, a colon and its examples in quotation marks".to_owned(),
                ),
            }),
        }
    }
}

/// Texts in quotation marks separated by `、` or `,`: `“a”、“b”`. A closing
/// mark ends a text where the end, or a separator and an opening mark,
/// follows it (so a text may hold quotation marks of its own).
fn quoted_list(s: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    'texts: while !rest.is_empty() {
        let open = rest.chars().next().filter(|c| OPENERS.contains(c))?;
        let body = &rest[open.len_utf8()..];
        for (j, c) in body.char_indices() {
            if !CLOSERS.contains(&c) {
                continue;
            }
            let after = body[j + c.len_utf8()..].trim_start();
            if after.is_empty() {
                out.push(body[..j].to_owned());
                break 'texts;
            }
            if let Some(next) = after.strip_prefix(['、', ',']).map(str::trim_start)
                && next.starts_with(OPENERS)
            {
                out.push(body[..j].to_owned());
                rest = next;
                continue 'texts;
            }
        }
        return None;
    }
    (!out.is_empty()).then_some(out)
}

pub(super) fn read_style(doc: &mut Doc, items: &[Item<'_>]) {
    let mut mode: Option<bool> = None;
    let mut note: Vec<String> = Vec::new();
    for it in items {
        let mut pieces: &[Piece<'_>] = &it.pieces;
        if let Some(first) = pieces.first()
            && let Some((avoid, rest)) = style_label(first.text)
        {
            mode = Some(avoid);
            pieces = &pieces[1..];
            if !rest.is_empty() {
                let text = unquote(rest).unwrap_or(rest).to_owned();
                if avoid {
                    doc.avoid.push(text);
                } else {
                    doc.prefer.push(text);
                }
            }
        }
        match mode {
            None => note.push(join(pieces)),
            Some(avoid) => {
                // A nested list marker before an example is not part of it.
                let stripped: Vec<Piece<'_>> = pieces
                    .iter()
                    .map(|p| match marker(p.text) {
                        Some((Marker::Bullet, len)) => Piece {
                            text: &p.text[len..],
                            span: Span::new(p.span.start + len, p.span.end),
                        },
                        _ => *p,
                    })
                    .collect();
                let list = if avoid { &mut doc.avoid } else { &mut doc.prefer };
                list.extend(runs(&stripped).into_iter().map(|r| r.text));
            }
        }
    }
    let note = note.join("\n\n");
    if !note.is_empty() {
        doc.style_note = Some(note);
    }
}

pub(super) fn read_faq(doc: &mut Doc, items: &[Item<'_>]) {
    const Q: &[&str] = &["问题", "问", "question", "q"];
    const A: &[&str] = &["回答", "答案", "答", "answer", "a"];
    let start = doc.faq.len();
    for it in items {
        for (k, p) in it.pieces.iter().enumerate() {
            if p.text.is_empty() {
                continue;
            }
            let text = p.text;
            if let Some(q) = after_label(text, Q) {
                let new_entry = k == 0 || doc.faq[start..].last().is_none_or(|e| e.answer.is_some());
                if new_entry {
                    // From the item's marker when the question opens the item.
                    let from = if k == 0 { it.span.start } else { p.span.start };
                    doc.faq.push(RawQa {
                        questions: Vec::new(),
                        answer: None,
                        span: Span::new(from, p.span.end),
                    });
                }
                if let Some(e) = doc.faq.last_mut() {
                    e.questions.push(unquote(q).unwrap_or(q).to_owned());
                    e.span = e.span.to(p.span);
                }
            } else if let Some(a) = after_label(text, A) {
                match doc.faq[start..].last_mut() {
                    Some(e) if e.answer.is_none() && !e.questions.is_empty() => {
                        e.answer = Some(unquote(a).unwrap_or(a).to_owned());
                        e.span = e.span.to(p.span);
                    }
                    _ => doc.unplaced.push(Unplaced {
                        span: p.span,
                        block: Block::Faq,
                        why: Why::Answer,
                    }),
                }
            } else {
                // A line without a label continues what came before it.
                let entry = doc.faq[start..].last_mut().filter(|_| k > 0);
                let last = entry.and_then(|e| {
                    e.span = e.span.to(p.span);
                    match &mut e.answer {
                        Some(a) => Some(a),
                        None => e.questions.last_mut(),
                    }
                });
                match last {
                    Some(last) => {
                        last.push('\n');
                        last.push_str(text);
                    }
                    None => doc.unplaced.push(Unplaced {
                        span: p.span,
                        block: Block::Faq,
                        why: Why::Question,
                    }),
                }
            }
        }
    }
    // Questions that never got an answer are not an FAQ entry.
    let entries: Vec<RawQa> = doc.faq.drain(start..).collect();
    for e in entries {
        if e.answer.is_some() {
            doc.faq.push(e);
        } else {
            doc.unplaced.push(Unplaced {
                span: e.span,
                block: Block::Faq,
                why: Why::Question,
            });
        }
    }
}

/// What a line of the caller's ending section is, after its label.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Conditions,
    Transfers,
    Closing,
}

pub(super) fn read_ending(doc: &mut Doc, items: &[Item<'_>], kind: Kind) {
    const CONDITIONS: &[&str] = &["结束条件", "end conditions", "end condition"];
    const TRANSFERS: &[&str] = &["转接", "transfers", "transfer"];
    const CLOSING: &[&str] = &["结束语", "closing line", "closing"];
    let mut mode = match kind {
        Kind::EndConditions => Some(Mode::Conditions),
        Kind::Closing => Some(Mode::Closing),
        _ => None,
    };
    let mut closing: Vec<Piece<'_>> = Vec::new();
    for it in items {
        let mut pieces: &[Piece<'_>] = &it.pieces;
        while let Some(first) = pieces.first() {
            let label = after_label(first.text, CONDITIONS)
                .map(|r| (Mode::Conditions, r))
                .or_else(|| after_label(first.text, TRANSFERS).map(|r| (Mode::Transfers, r)))
                .or_else(|| after_label(first.text, CLOSING).map(|r| (Mode::Closing, r)));
            let Some((m, rest)) = label else { break };
            mode = Some(m);
            pieces = &pieces[1..];
            if !rest.is_empty() {
                let p = Piece {
                    text: rest,
                    span: Span::new(first.span.end - rest.len(), first.span.end),
                };
                match m {
                    Mode::Closing => closing.push(p),
                    Mode::Conditions => doc.caller_ends.push(rest.to_owned()),
                    Mode::Transfers => read_transfer(doc, &[p], p.span),
                }
            }
        }
        if pieces.is_empty() {
            continue;
        }
        let quoted = pieces.first().is_some_and(|p| p.text.starts_with(OPENERS));
        match mode {
            Some(Mode::Closing) => closing.extend_from_slice(pieces),
            Some(Mode::Transfers) if it.marker != Marker::Paragraph => read_transfer(doc, pieces, it.span),
            Some(Mode::Conditions) if it.marker != Marker::Paragraph || !quoted => {
                if it.marker == Marker::Paragraph {
                    doc.caller_ends
                        .extend(pieces.iter().filter(|p| !p.text.is_empty()).map(|p| p.text.to_owned()));
                } else {
                    // The captures it requires: a note on its last line.
                    let (text, requires) = match pieces.split_last() {
                        Some((last, rest)) if !rest.is_empty() => match requires_note(last.text) {
                            Some(ids) => (rest, Some((ids, last.span))),
                            None => (pieces, None),
                        },
                        _ => (pieces, None),
                    };
                    if let Some((ids, span)) = requires {
                        doc.end_requires.push((doc.caller_ends.len(), ids, span));
                    }
                    doc.caller_ends.push(join(text));
                }
            }
            // A quoted paragraph after the conditions is the closing line.
            Some(Mode::Conditions | Mode::Transfers) | None if quoted => closing.extend_from_slice(pieces),
            None if it.marker != Marker::Paragraph => doc.caller_ends.push(join(pieces)),
            _ => doc.unplaced.push(Unplaced {
                span: pieces[0].span.to(pieces[pieces.len() - 1].span),
                block: Block::End,
                why: Why::Ending,
            }),
        }
    }
    if !closing.is_empty() && doc.closing.is_none() {
        let rs = runs(&closing);
        let text = match rs.as_slice() {
            [only] => only.text.clone(),
            _ => rs.iter().map(|r| r.text.as_str()).collect::<Vec<_>>().join("\n"),
        };
        doc.closing = Some(text);
    }
}

/// A transfer: `- 销售顾问：“好的，我这就为您转接……”`, then its notes
/// (destination, fallback, required captures) on the lines below.
fn read_transfer(doc: &mut Doc, pieces: &[Piece<'_>], span: Span) {
    let unplaced = |doc: &mut Doc| {
        doc.unplaced.push(Unplaced {
            span,
            block: Block::End,
            why: Why::Transfer,
        });
    };
    let Some(first) = pieces.first() else { return };
    // The title ends at the first colon (the target writes a title's own
    // colons as references) before the quoted line.
    let Some(colon) = first.text.find(['：', ':']) else {
        return unplaced(doc);
    };
    let c = first.text[colon..].chars().next().map_or(1, char::len_utf8);
    let title = first.text[..colon].replace("**", "").trim().to_owned();
    let line = first.text[colon + c..].trim_start();
    let mut rest = vec![Piece {
        text: line,
        span: Span::new(first.span.end - line.len(), first.span.end),
    }];
    rest.extend_from_slice(&pieces[1..]);
    let mut runs = runs(&rest).into_iter();
    let say = match runs.next() {
        Some(r) if r.quoted && !title.is_empty() => r.text,
        _ => return unplaced(doc),
    };
    let mut t = RawTransfer {
        title,
        say,
        to: None,
        fallback: None,
        requires: Vec::new(),
        span,
    };
    for r in runs {
        if let Some(to) = destination_note(&r.text).filter(|_| t.to.is_none()) {
            t.to = Some(to);
        } else if let Some(target) = fallback_note(&r.text).filter(|_| t.fallback.is_none()) {
            t.fallback = Some(target);
        } else if let Some(ids) = requires_note(&r.text).filter(|_| t.requires.is_empty()) {
            t.requires = ids;
        } else {
            doc.unplaced.push(Unplaced {
                span: r.span,
                block: Block::End,
                why: Why::Note,
            });
        }
    }
    doc.transfers.push(t);
}
