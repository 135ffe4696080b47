//! Building the output: the document model, with ids and names, becomes a
//! syntax tree ([`crate::ast`]) with the importer's comments (headings,
//! TODOs, what it could not place) in the spec's language, and the one
//! `.call` printer (`fmt`) writes it, so that an imported spec is already
//! in `callc fmt`'s layout.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::ast::{
    self, Branch, Call, CallItem, Concern, EndBlock, EndItem, Entries, EntriesItem, Faq, FaqItem, Field, Flow,
    FlowItem, LintAttr, Party, PartyItem, PartyKind, Qa, QaItem, Requires, Retry, Signal, SignalItem, Step, StepItem,
    Style, StyleItem, Target, Transfer, TransferItem, Transition, Value, When,
};
use crate::codes::Level;
use crate::diagnostic::Diagnostic;
use crate::fmt::{self, Builder, entry, ident, text};
use crate::ir::{DEFAULT_SILENCE_TIMEOUT, Event, Need, Speaker, ValueType};
use crate::layout::{EN, ZH};
use crate::names::transliterate;
use crate::source::Span;

use super::diagnostics::{covers_not_imported, unplaced_diagnostic};
use super::doc::{Block, Cause, Doc, Kind, PartyDoc, RawStep, RawTarget, Unplaced, Why};
use super::flow::read_kind;
use super::ids::{Taken, claim, derive_id};
use super::listen::{Capture, capture_ast, capture_type, captures, retry_bound, talks_forever, type_ast};
use super::names::{NameFrom, names, other_callee_name};
use super::text::decode;

/// Comments the importer writes, in the spec's language.
struct Words {
    header: &'static str,
    names: [&'static str; 4],
    covers: [&'static str; 3],
    unplaced: &'static str,
    no_closing: &'static str,
    no_steps: &'static str,
    paired: &'static str,
}

const ZH_WORDS: Words = Words {
    header: "由 callc import 从 Markdown 导入。请核对标有 TODO 的地方。",
    names: [
        "取自“角色”的第一句，请核对",
        "取自开场白或第一步里的自我介绍，请核对",
        "取自拨打方的问候，请核对",
        "TODO: Markdown 没有单独写出姓名，请填写",
    ],
    covers: [
        "TODO(W0303): Markdown 无法说明哪一步或哪条问答回应了哪个关切点。",
        "请在回应它们的步骤和问答上写 `covers`，再删除下面的 `warn uncovered_concern`",
        "（它让未被回应的首要关切点暂时只报警告，而不是错误）。",
    ],
    unplaced: "未能导入（Markdown 第 {} 行）：",
    no_closing: "TODO: Markdown 里没有结束语",
    no_steps: "TODO: Markdown 里没有编号的步骤",
    paired: "拨打方与接听方的结束条件一样多，已按顺序一一配对，请核对",
};

const EN_WORDS: Words = Words {
    header: "Imported from Markdown by callc import. Review the places marked TODO.",
    names: [
        "taken from the first words of the role; please check",
        "taken from the self-introduction in the opening or the first step; please check",
        "taken from the caller's greeting; please check",
        "TODO: the Markdown does not give the name on its own; fill it in",
    ],
    covers: [
        "TODO(W0303): Markdown cannot say which step or FAQ answer addresses which concern.",
        "Write `covers` on the steps and answers that address them, then delete the `warn uncovered_concern` below",
        "(it makes uncovered primary concerns warnings instead of errors until then).",
    ],
    unplaced: "Not imported (Markdown line {}):",
    no_closing: "TODO: the Markdown has no closing line",
    no_steps: "TODO: the Markdown has no numbered steps",
    paired: "The caller's and the callee's lists of end conditions are as long as each other: paired in order; please check",
};

/// The ids of the per-call variables the table declares: a text of the
/// Markdown says `{{id}}` for each (a literal brace pair is escaped, `\{`).
#[derive(Debug, Default)]
struct VarIds(std::collections::BTreeSet<String>);

impl VarIds {
    /// A text of the Markdown (still escaped) as a string of the spec:
    /// escapes undone, each `{{id}}` of a declared variable a placeholder
    /// `{var.id}`.
    fn text(&self, md: &str, at: Span) -> ast::Text {
        let mut parts = ast::TextParts::new();
        let mut lit = String::new();
        let mut shown = String::new();
        let flush = |lit: &mut String, parts: &mut ast::TextParts, shown: &mut String| {
            if !lit.is_empty() {
                let decoded = decode(lit);
                shown.push_str(&decoded);
                parts.push(ast::TextPart::Literal(decoded));
                lit.clear();
            }
        };
        let mut rest = md;
        while let Some(c) = rest.chars().next() {
            if c == '\\' {
                // An escape: the backslash and what it escapes stay literal.
                let n = rest[1..].chars().next().map_or(0, char::len_utf8);
                lit.push_str(&rest[..=n]);
                rest = &rest[n + 1..];
                continue;
            }
            if let Some(inner) = rest.strip_prefix("{{")
                && let Some(end) = inner.find("}}")
                && self.0.contains(&inner[..end])
            {
                flush(&mut lit, &mut parts, &mut shown);
                // As the parser reads it: a placeholder follows a literal, empty if need be.
                if !matches!(parts.last(), Some(ast::TextPart::Literal(_))) {
                    parts.push(ast::TextPart::Literal(String::new()));
                }
                let path = format!("var.{}", &inner[..end]);
                let _ = write!(shown, "{{{path}}}");
                parts.push(ast::TextPart::Placeholder(ast::Placeholder { path, span: at }));
                rest = &inner[end + 2..];
                continue;
            }
            lit.push(c);
            rest = &rest[c.len_utf8()..];
        }
        flush(&mut lit, &mut parts, &mut shown);
        ast::Text {
            parts,
            span: at,
            block: crate::fmt::fits_block(&shown),
        }
    }
}

/// Where a flow note leads, resolved: a step (its id), the end of the
/// call (the id of the end condition it names) or a transfer (its id).
#[derive(Clone, Debug, PartialEq, Eq)]
enum To {
    Step(String),
    End(Option<String>),
    Transfer(String),
}

impl To {
    fn target(&self, at: Span) -> Target {
        match self {
            To::Step(id) => Target::Step(ident(id.as_str(), at)),
            To::End(condition) => Target::End {
                span: at,
                condition: condition.as_deref().map(|c| ident(c, at)),
            },
            To::Transfer(id) => Target::Transfer {
                span: at,
                id: ident(id.as_str(), at),
            },
        }
    }

    /// Whether an event may lead here (`hangup` and `no_answer` leave
    /// nobody on the line; only `silence` can be transferred): the
    /// reason it may not, if it may not.
    fn refused_after(&self, event: Event, in_step: bool) -> Option<&'static str> {
        if in_step && !event.in_step() {
            return Some("voicemail and no answer happen before any step runs: a step cannot branch on them");
        }
        match self {
            To::Step(_) if !event.someone_listens() => {
                Some("after a hang-up or no answer nobody is on the line: it must end the call")
            }
            To::Transfer(_) if !event.can_transfer() => Some("only a silence can lead to a transfer"),
            _ => None,
        }
    }
}

pub(super) fn write(doc: &Doc, md: &str, name: Option<&str>, diags: &mut Vec<Diagnostic>) -> String {
    // By locale, not by address: `ZH` is a constant, and two `&ZH` in
    // different codegen units need not be the same address.
    let words = if doc.layout.locale == ZH.locale {
        &ZH_WORDS
    } else {
        &EN_WORDS
    };
    let mut taken = Taken::default();
    let call_id = derive_id(name.or(doc.title.as_deref()).unwrap_or(""), "imported", &mut taken);
    // Captures keep the ids their notes name: `requires` notes use them.
    let mut rejected: Vec<Unplaced> = Vec::new();
    let step_captures: Vec<Vec<Capture>> = captures(doc, &mut taken, &mut rejected);
    let capture_of = |written: &str| -> Option<String> {
        let id = decode(written);
        step_captures
            .iter()
            .flatten()
            .find(|c| c.written == id)
            .map(|c| c.id.clone())
    };
    let (var_rows, var_ids, bad_vars) = vars(doc);
    let vars_of = &var_ids;
    let [(caller_name, caller_from), (callee_name, callee_from)] = names(doc);
    let caller_id = claim(&transliterate(&decode(&caller_name)), &mut taken);
    // Each callee: the id its heading gives (several callees), else one from its name.
    let callees: Vec<(String, String, NameFrom)> = doc
        .callees
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (name, from) = if i == 0 {
                (callee_name.clone(), callee_from)
            } else {
                other_callee_name(c, (&callee_name, callee_from))
            };
            let id = match &c.label {
                Some(label) if crate::fmt::is_bare_word(&decode(label)) => claim(&decode(label), &mut taken),
                Some(label) => claim(&transliterate(&decode(label)), &mut taken),
                None => claim(&transliterate(&decode(&name)), &mut taken),
            };
            (id, name, from)
        })
        .collect();
    let mut step_ids: Vec<String> = doc
        .steps
        .iter()
        .map(|s| {
            let text = s.title.as_deref().or(s.says.first().map(String::as_str)).unwrap_or("");
            derive_id(text, "step", &mut taken)
        })
        .collect();
    // A concern is one id for the same words in every callee (a callee's stance on it).
    let mut concern_of: BTreeMap<&str, String> = BTreeMap::new();
    let concern_ids: Vec<Vec<String>> = doc
        .callees
        .iter()
        .map(|c| {
            let mut own: Vec<String> = Vec::new();
            for (_, t) in &c.concerns {
                let id = match concern_of.get(t.as_str()) {
                    Some(id) if !own.contains(id) => id.clone(),
                    _ => derive_id(t, "concern", &mut taken),
                };
                concern_of.entry(t.as_str()).or_insert_with(|| id.clone());
                own.push(id);
            }
            own
        })
        .collect();
    // Signals, by their words, in order of first use.
    let mut signals: Vec<(String, String)> = Vec::new();
    let mut signal_ids: BTreeMap<&str, String> = BTreeMap::new();
    for n in doc.global.iter().chain(doc.steps.iter().flat_map(|s| s.notes.iter())) {
        if let Cause::Signal(cause) = &n.cause
            && !signal_ids.contains_key(cause.as_str())
        {
            let id = derive_id(cause, "signal", &mut taken);
            signal_ids.insert(cause, id.clone());
            signals.push((id, cause.clone()));
        }
    }
    // The things callees might say: each signal's examples (every callee prompt
    // repeats them), a signal no note names by its words becoming one.
    let mut examples: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in doc.callees.iter().flat_map(|c| &c.examples) {
        if !signal_ids.contains_key(e.words.as_str()) {
            let id = derive_id(&e.words, "signal", &mut taken);
            signal_ids.insert(&e.words, id.clone());
            signals.push((id, e.words.clone()));
        }
        let list = examples.entry(e.words.clone()).or_default();
        for x in &e.examples {
            if !list.contains(x) {
                list.push(x.clone());
            }
        }
    }
    let qa_ids: Vec<String> = doc
        .faq
        .iter()
        .map(|q| derive_id(q.questions.first().map_or("", String::as_str), "qa", &mut taken))
        .collect();
    // End conditions: the two lists pair up when they are as long as each other.
    let mut ends: Vec<(Option<String>, Option<String>)> = if doc.caller_ends.len() == doc.callee_ends.len() {
        doc.caller_ends
            .iter()
            .zip(&doc.callee_ends)
            .map(|(a, b)| (Some(a.clone()), Some(b.clone())))
            .collect()
    } else {
        let mut v: Vec<_> = doc.caller_ends.iter().map(|a| (Some(a.clone()), None)).collect();
        v.extend(doc.callee_ends.iter().map(|b| (None, Some(b.clone()))));
        v
    };
    // Notes that end the call for a reason name a condition (by its caller
    // side, else its callee side, spaces and a final full stop ignored); an
    // unknown reason becomes one.
    let key = |s: &str| {
        s.split_whitespace()
            .collect::<String>()
            .trim_end_matches(['。', '.'])
            .to_owned()
    };
    let mut by_wording: [BTreeMap<String, usize>; 2] = [BTreeMap::new(), BTreeMap::new()];
    for (i, (a, b)) in ends.iter().enumerate() {
        for (side, text) in [a, b].into_iter().enumerate() {
            if let Some(t) = text {
                by_wording[side].entry(key(t)).or_insert(i);
            }
        }
    }
    let note_targets = doc
        .global
        .iter()
        .chain(doc.steps.iter().flat_map(|s| s.notes.iter()))
        .map(|n| &n.target);
    let retry_targets = doc.steps.iter().filter_map(|s| s.retry.as_ref()).map(|r| &r.target);
    let fallbacks = doc.transfers.iter().filter_map(|t| t.fallback.as_ref());
    for target in note_targets.chain(retry_targets).chain(fallbacks) {
        if let RawTarget::End(Some(why)) = target {
            let k = key(why);
            if !by_wording[0].contains_key(&k) && !by_wording[1].contains_key(&k) {
                by_wording[0].insert(k, ends.len());
                ends.push((Some(why.clone()), None));
            }
        }
    }
    let end_ids: Vec<String> = ends
        .iter()
        .map(|(a, b)| derive_id(a.as_deref().or(b.as_deref()).unwrap_or(""), "when", &mut taken))
        .collect();
    let end_of = |why: &str| {
        let k = key(why);
        by_wording[0]
            .get(&k)
            .or_else(|| by_wording[1].get(&k))
            .map(|&i| end_ids[i].clone())
    };
    // Transfers: ids from their titles; notes name them by title (escapes
    // undone, spaces ignored).
    let transfer_ids: Vec<String> = doc
        .transfers
        .iter()
        .map(|t| derive_id(&t.title, "transfer", &mut taken))
        .collect();
    let title_key = |s: &str| decode(s).split_whitespace().collect::<String>();
    let transfer_of = |words: &str| {
        let k = title_key(words);
        doc.transfers
            .iter()
            .position(|t| title_key(&t.title) == k)
            .map(|i| transfer_ids[i].clone())
    };
    // Step numbers in notes: the number written on a step, else its position.
    let mut bad_notes: Vec<Unplaced> = Vec::new();
    let mut numbered: BTreeMap<u32, usize> = BTreeMap::new();
    for (i, s) in doc.steps.iter().enumerate() {
        if let Some(n) = s.number {
            numbered.entry(n).or_insert(i);
        }
    }
    let step_of = |n: u32| {
        numbered.get(&n).copied().or_else(|| {
            usize::try_from(n)
                .ok()
                .filter(|&i| (1..=doc.steps.len()).contains(&i))
                .map(|i| i - 1)
        })
    };
    let mut target_of = |target: &RawTarget, span: Span, block: Block| -> Option<To> {
        match target {
            RawTarget::Step(k, written) => match k.and_then(step_of) {
                Some(i) => Some(To::Step(step_ids[i].clone())),
                None => {
                    // The span of the number itself: the last place the note writes it.
                    let span = md
                        .get(span.range())
                        .and_then(|note| note.rfind(written.as_str()))
                        .map_or(span, |at| Span::new(span.start + at, span.start + at + written.len()));
                    bad_notes.push(Unplaced {
                        span,
                        block,
                        why: Why::StepNumber(written.clone()),
                    });
                    None
                }
            },
            RawTarget::End(None) => Some(To::End(None)),
            RawTarget::End(Some(why)) => Some(To::End(end_of(why))),
            RawTarget::Transfer(words) => {
                let to = transfer_of(words).map(To::Transfer);
                if to.is_none() {
                    bad_notes.push(Unplaced {
                        span,
                        block,
                        why: Why::Invalid("no transfer under `转接：` (`Transfers:`) has this title".to_owned()),
                    });
                }
                to
            }
        }
    };
    // What a note is taken on: a signal's id, or an event's word.
    let signal_of = |cause: &Cause| match cause {
        Cause::Signal(words) => signal_ids.get(words.as_str()).cloned(),
        Cause::Event(e) => Some(e.as_str().to_owned()),
        Cause::Then => None,
    };
    let mut globals: Vec<(String, Option<To>)> = doc
        .global
        .iter()
        .map(|n| {
            (
                signal_of(&n.cause).unwrap_or_default(),
                target_of(&n.target, n.span, Block::Flow),
            )
        })
        .collect();
    let mut step_notes: Vec<Vec<(Option<String>, Option<To>)>> = doc
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            s.notes
                .iter()
                .map(|n| (signal_of(&n.cause), target_of(&n.target, n.span, Block::Step(i))))
                .collect()
        })
        .collect();
    // Retries: a bound from 1 to 9, and where the call goes after.
    let retries: Vec<Option<(u8, To)>> = doc
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let r = s.retry.as_ref()?;
            let Some(max) = retry_bound(&r.max) else {
                rejected.push(Unplaced {
                    span: r.span,
                    block: Block::Step(i),
                    why: Why::Invalid(format!("a retry bound is a whole number from 1 to 9, not {}", r.max)),
                });
                return None;
            };
            Some((max, target_of(&r.target, r.span, Block::Step(i))?))
        })
        .collect();
    let fallbacks: Vec<Option<To>> = doc
        .transfers
        .iter()
        .map(|t| {
            let to = target_of(t.fallback.as_ref()?, t.span, Block::End)?;
            if matches!(to, To::Transfer(_)) {
                rejected.push(Unplaced {
                    span: t.span,
                    block: Block::End,
                    why: Why::Invalid("a transfer's fallback cannot be another transfer".to_owned()),
                });
                return None;
            }
            Some(to)
        })
        .collect();
    // Events lead only where someone can hear what follows.
    for (n, (_, to)) in doc.global.iter().zip(&mut globals) {
        if let (Cause::Event(e), Some(t)) = (&n.cause, &*to)
            && let Some(reason) = t.refused_after(*e, false)
        {
            rejected.push(Unplaced {
                span: n.span,
                block: Block::Flow,
                why: Why::Invalid(reason.to_owned()),
            });
            *to = None;
        }
    }
    for (i, (s, notes)) in doc.steps.iter().zip(&mut step_notes).enumerate() {
        for (n, (_, to)) in s.notes.iter().zip(notes) {
            if let (Cause::Event(e), Some(t)) = (&n.cause, &*to)
                && let Some(reason) = t.refused_after(*e, true)
            {
                rejected.push(Unplaced {
                    span: n.span,
                    block: Block::Step(i),
                    why: Why::Invalid(reason.to_owned()),
                });
                *to = None;
            }
        }
    }
    // A step that goes on without waiting hears no reply: it cannot record,
    // retry or branch on a reply or a silence; nor can steps that all go on
    // come back to each other.
    let mut go_on: Vec<bool> = doc.steps.iter().map(|s| s.go_on.is_some()).collect();
    for (i, s) in doc.steps.iter().enumerate() {
        let replies = step_notes[i]
            .iter()
            .zip(&s.notes)
            .any(|((_, to), n)| to.is_some() && matches!(n.cause, Cause::Signal(_) | Cause::Event(Event::Silence)));
        if go_on[i] && (!step_captures[i].is_empty() || retries[i].is_some() || replies) {
            go_on[i] = false;
            rejected.push(Unplaced {
                span: s.go_on.unwrap_or_default(),
                block: Block::Step(i),
                why: Why::Invalid(
                    "a step that records, retries or branches on a reply waits for it: it cannot go on without waiting"
                        .to_owned(),
                ),
            });
        }
    }
    let index_of: BTreeMap<&str, usize> = step_ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let successors: Vec<Option<usize>> = (0..doc.steps.len())
        .map(|i| {
            let then = doc.steps[i]
                .notes
                .iter()
                .zip(&step_notes[i])
                .find(|(n, _)| n.cause == Cause::Then);
            match then {
                Some((_, (_, Some(To::Step(id))))) => index_of.get(id.as_str()).copied(),
                Some((_, (_, Some(_)))) => None,
                _ => (i + 1 < doc.steps.len()).then_some(i + 1),
            }
        })
        .collect();
    for i in talks_forever(&successors, &go_on) {
        go_on[i] = false;
        rejected.push(Unplaced {
            span: doc.steps[i].go_on.unwrap_or_default(),
            block: Block::Step(i),
            why: Why::Invalid(
                "steps that go on without waiting lead back to this one: the caller would talk forever, so it waits"
                    .to_owned(),
            ),
        });
    }
    // `requires` names captures the notes record.
    let mut requires = |ids: &[String], span: Span, block: Block| -> Option<Vec<String>> {
        let (known, unknown): (Vec<_>, Vec<_>) = ids.iter().partition(|c| capture_of(c).is_some());
        if !unknown.is_empty() {
            let names: Vec<String> = unknown.iter().map(|c| format!("`{}`", decode(c))).collect();
            rejected.push(Unplaced {
                span,
                block,
                why: Why::Invalid(format!("no step records {}", names.join(", "))),
            });
            return None;
        }
        let mut out: Vec<String> = Vec::new();
        for id in known.iter().filter_map(|c| capture_of(c)) {
            if !out.contains(&id) {
                out.push(id);
            }
        }
        (!out.is_empty()).then_some(out)
    };
    let end_requires: BTreeMap<usize, Vec<String>> = doc
        .end_requires
        .iter()
        .filter_map(|(i, ids, span)| Some((*i, requires(ids, *span, Block::End)?)))
        .collect();
    let transfer_requires: Vec<Option<Vec<String>>> = doc
        .transfers
        .iter()
        .map(|t| {
            if t.requires.is_empty() {
                None
            } else {
                requires(&t.requires, t.span, Block::End)
            }
        })
        .collect();
    let leftovers = Leftovers::new(
        md,
        doc.unplaced.iter().chain(&bad_notes).chain(&rejected).chain(&bad_vars),
    );

    let b = &mut Builder::default();
    b.comment(words.header);
    let call = b.at();
    let mut items: Vec<CallItem> = doc
        .title
        .iter()
        .map(|t| CallItem::Field(field(b, &VarIds::default(), "title", t)))
        .collect();
    items.push(CallItem::Field(field(
        b,
        &VarIds::default(),
        "locale",
        doc.layout.locale,
    )));
    if doc.first_speaker == Some(Speaker::Caller) {
        let at = b.at();
        items.push(CallItem::Field(Field {
            name: ident("first_speaker", at),
            value: Value::Word(ident(Speaker::Caller.as_str(), at)),
            span: at,
        }));
    }
    // The seconds the wait rule states, else those of a silence note when
    // they are not the default.
    let silence = doc.silence_rule.or_else(|| {
        doc.silence_notes
            .iter()
            .copied()
            .find(|&n| n != DEFAULT_SILENCE_TIMEOUT)
    });
    if let Some(n) = silence.filter(|n| (1..=600).contains(n)) {
        let at = b.at();
        items.push(CallItem::Field(Field {
            name: ident("silence_timeout", at),
            value: Value::Integer(n.to_string(), at),
            span: at,
        }));
    }
    leftovers.write(b, Block::Top, words);

    // The caller.
    let open = open_party(b, &doc.caller);
    let mut caller = party_fields(b, vars_of, &doc.caller, &caller_name, caller_from, words);
    if let Some(task) = &doc.task {
        heading_comment(b, doc, Kind::Task);
        caller.push(PartyItem::Field(field(b, vars_of, "task", task)));
    }
    if !doc.knows.is_empty() {
        heading_comment(b, doc, Kind::Knows);
        caller.push(PartyItem::Knows(entries(b, vars_of, &doc.knows)));
    }
    leftovers.write(b, Block::Caller, words);
    items.push(party(b, PartyKind::Caller, caller_id, open, caller));

    // The callees, each whole.
    for (k, (c, (callee_id, callee_name, callee_from))) in doc.callees.iter().zip(&callees).enumerate() {
        let open = open_party(b, &c.party);
        let mut callee = party_fields(b, vars_of, &c.party, callee_name, *callee_from, words);
        if !c.background.is_empty() {
            heading_comment(b, doc, Kind::Background);
            callee.push(PartyItem::Background(entries(b, vars_of, &c.background)));
        }
        if !c.concerns.is_empty() {
            heading_comment(b, doc, Kind::Concerns);
            for line in words.covers {
                b.comment(line);
            }
            let at = b.at();
            callee.push(PartyItem::Lint(LintAttr {
                level: Level::Warn,
                lint: ident("uncovered_concern", at),
                span: at,
            }));
            for ((priority, t), id) in c.concerns.iter().zip(&concern_ids[k]) {
                let at = b.at();
                callee.push(PartyItem::Concern(Concern {
                    id: ident(id.as_str(), at),
                    priority: *priority,
                    text: vars_of.text(t, at),
                    span: at,
                }));
            }
            if let Some(span) = c.concerns_span {
                diags.push(covers_not_imported(span, &concern_ids[k]));
            }
        }
        if !c.behavior.is_empty() {
            heading_comment(b, doc, Kind::Behavior);
            for behavior in &c.behavior {
                callee.push(PartyItem::Field(field(b, vars_of, "behavior", behavior)));
            }
        }
        if c.style_note.is_some() || !c.avoid.is_empty() || !c.prefer.is_empty() {
            heading_comment(b, doc, Kind::Style);
            let open = b.at();
            let notes = c.style_note.iter().map(|n| ("note", n));
            let examples = (c.avoid.iter().map(|a| ("avoid", a))).chain(c.prefer.iter().map(|p| ("prefer", p)));
            let style = notes
                .chain(examples)
                .map(|(name, t)| StyleItem::Field(field(b, vars_of, name, t)));
            callee.push(PartyItem::Style(Style {
                items: style.collect(),
                keyword: open,
                span: b.close(open),
            }));
        }
        if k + 1 == doc.callees.len() {
            leftovers.write(b, Block::Callee, words);
        }
        items.push(party(b, PartyKind::Callee, callee_id.clone(), open, callee));
    }

    b.blank();
    for (id, cause) in &signals {
        let at = b.at();
        let fields: Vec<SignalItem> = examples
            .get(cause)
            .into_iter()
            .flatten()
            .map(|e| {
                let at = b.at();
                SignalItem::Field(Field {
                    name: ident("example", at),
                    value: Value::Text(text(&decode(e), at)),
                    span: at,
                })
            })
            .collect();
        let body = (!fields.is_empty()).then(|| b.close(at));
        items.push(CallItem::Signal(Signal {
            id: ident(id.as_str(), at),
            description: Some(vars_of.text(cause, at)),
            items: fields,
            body,
            span: body.unwrap_or(at),
        }));
    }
    if let Some(v) = vars_block(b, var_rows) {
        b.blank();
        items.push(CallItem::Vars(v));
    }
    if let Some(opening) = &doc.opening {
        b.blank();
        items.push(CallItem::Field(field(b, vars_of, "opening", opening)));
    }

    // The flow.
    b.blank();
    heading_comment(b, doc, Kind::Flow);
    let open = b.at();
    let mut flow = Vec::new();
    for (signal, to) in &globals {
        if let Some(to) = to {
            let at = b.at();
            flow.push(FlowItem::Branch(Branch {
                signal: ident(signal.as_str(), at),
                target: to.target(at),
                span: at,
            }));
        }
    }
    leftovers.write(b, Block::Flow, words);
    let no_steps = [RawStep::default()];
    let steps = if doc.steps.is_empty() {
        b.comment(words.no_steps);
        step_ids.push(claim("step", &mut taken));
        step_notes.push(Vec::new());
        &no_steps[..]
    } else {
        &doc.steps
    };
    for (i, s) in steps.iter().enumerate() {
        let open = b.at();
        let mut step = Vec::new();
        for say in &s.says {
            step.push(StepItem::Say(vars_of.text(say, b.at())));
        }
        if go_on.get(i).copied().unwrap_or(false) {
            step.push(StepItem::Continue(b.at()));
        }
        for c in step_captures.get(i).into_iter().flatten() {
            step.push(StepItem::Capture(capture_ast(c, b.at())));
        }
        // Branches, then the retry, then the successor.
        let notes: Vec<_> = s.notes.iter().zip(&step_notes[i]).collect();
        for (n, (signal, to)) in notes.iter().filter(|(n, _)| n.cause != Cause::Then) {
            if let (Some(signal), Some(to), false) = (signal, to, n.cause == Cause::Then) {
                let at = b.at();
                step.push(StepItem::Branch(Branch {
                    signal: ident(signal.as_str(), at),
                    target: to.target(at),
                    span: at,
                }));
            }
        }
        if let Some(Some((max, to))) = retries.get(i) {
            let at = b.at();
            step.push(StepItem::Retry(Retry {
                count: max.to_string(),
                count_span: at,
                target: to.target(at),
                span: at,
            }));
        }
        for (_, (_, to)) in notes.iter().filter(|(n, _)| n.cause == Cause::Then) {
            if let Some(to) = to {
                let at = b.at();
                step.push(StepItem::Next(Transition {
                    arrow: true,
                    target: to.target(at),
                    span: at,
                }));
            }
        }
        leftovers.write(b, Block::Step(i), words);
        flow.push(FlowItem::Step(Step {
            id: ident(step_ids[i].as_str(), open),
            title: s.title.as_deref().map(|t| text(&decode(t), open)),
            covers: Vec::new(),
            items: step,
            span: b.close(open),
        }));
    }
    items.push(CallItem::Flow(Flow {
        items: flow,
        keyword: open,
        span: b.close(open),
    }));

    if !doc.faq.is_empty() || leftovers.any(Block::Faq) {
        b.blank();
        heading_comment(b, doc, Kind::Faq);
        let open = b.at();
        let mut faq = Vec::new();
        for (qa, id) in doc.faq.iter().zip(&qa_ids) {
            let at = b.at();
            let questions = qa.questions.iter().map(|q| ("q", q.as_str()));
            let answer = ("a", qa.answer.as_deref().unwrap_or_default());
            let fields = questions
                .chain([answer])
                .map(|(name, t)| QaItem::Field(field(b, vars_of, name, t)));
            faq.push(FaqItem::Qa(Qa {
                id: ident(id.as_str(), at),
                covers: Vec::new(),
                items: fields.collect(),
                span: b.close(at),
            }));
        }
        leftovers.write(b, Block::Faq, words);
        items.push(CallItem::Faq(Faq {
            items: faq,
            keyword: open,
            span: b.close(open),
        }));
    }

    b.blank();
    heading_comment(b, doc, Kind::Ending);
    let open = b.at();
    if ends.iter().any(|(caller, callee)| caller.is_some() && callee.is_some()) {
        b.comment(words.paired);
    }
    let mut end = Vec::new();
    let requires_ast = |ids: &[String], at: Span| Requires {
        keyword: at,
        ids: ids.iter().map(|c| ident(c.as_str(), at)).collect(),
        span: at,
    };
    for (i, ((caller, callee), id)) in ends.iter().zip(&end_ids).enumerate() {
        let at = b.at();
        // The caller's conditions come first in `ends`, in order.
        let requires = end_requires.get(&i).filter(|_| caller.is_some());
        end.push(EndItem::When(When {
            id: ident(id.as_str(), at),
            caller: caller.as_deref().map(|t| vars_of.text(t, at)),
            callee: callee.as_deref().map(|t| vars_of.text(t, at)),
            requires: requires.map(|ids| requires_ast(ids, at)),
            span: at,
        }));
    }
    for (k, t) in doc.transfers.iter().enumerate() {
        let open = b.at();
        let mut items = vec![TransferItem::Say(vars_of.text(&t.say, b.at()))];
        if let Some(to) = &t.to {
            items.push(TransferItem::Field(field(b, vars_of, "to", to)));
        }
        if let Some(Some(to)) = fallbacks.get(k) {
            let at = b.at();
            items.push(TransferItem::Fallback(Transition {
                arrow: false,
                target: to.target(at),
                span: at,
            }));
        }
        if let Some(Some(ids)) = transfer_requires.get(k) {
            items.push(TransferItem::Requires(requires_ast(ids, b.at())));
        }
        end.push(EndItem::Transfer(Transfer {
            id: ident(transfer_ids[k].as_str(), open),
            title: Some(text(&decode(&t.title), open)),
            items,
            span: b.close(open),
        }));
    }
    if doc.closing.is_none() {
        b.comment(words.no_closing);
    }
    end.push(EndItem::Field(field(
        b,
        vars_of,
        "closing",
        doc.closing.as_deref().unwrap_or_default(),
    )));
    leftovers.write(b, Block::End, words);
    items.push(CallItem::End(EndBlock {
        items: end,
        keyword: open,
        span: b.close(open),
    }));

    let span = b.close(call);
    let built = std::mem::take(b).finish(Call {
        id: ident(call_id, call),
        items,
        span,
    });
    diags.extend(
        doc.unplaced
            .iter()
            .chain(&bad_notes)
            .chain(&rejected)
            .chain(&bad_vars)
            .map(unplaced_diagnostic),
    );
    fmt::print(&built)
}

/// A variable of the table, read: its id and its parts as the language
/// writes them.
struct VarRow {
    id: String,
    kind: ValueType,
    need: Need,
    example: Option<String>,
    pii: bool,
    description: Option<String>,
}

/// The variables' table read: its rows (none without a table), the ids
/// the texts' `{{id}}` name, and the rows that are no variable (W0302).
fn vars(doc: &Doc) -> (Vec<VarRow>, VarIds, Vec<Unplaced>) {
    let (mut rows, mut ids, mut bad) = (Vec::new(), VarIds::default(), Vec::new());
    for v in &doc.vars {
        let id = decode(&v.id);
        let need_words = decode(&v.need);
        let need = [&ZH, &EN].into_iter().find_map(|l| {
            if need_words == l.need[0] {
                Some(Need::Required)
            } else if need_words == l.need[1] {
                Some(Need::Optional)
            } else {
                need_words.strip_prefix(l.need[2]).map(|d| Need::Default(d.to_owned()))
            }
        });
        let kind = read_kind(&v.kind).and_then(|k| capture_type(&k));
        let problem = if !crate::fmt::is_bare_word(&id) {
            Some("a variable's id is a word of letters, digits and `_`")
        } else if kind.is_none() {
            Some("the type is none of the layout's type words")
        } else if need.is_none() {
            Some("the value column says required, optional or default: VALUE")
        } else if ids.0.contains(&id) {
            Some("a variable of this id is already in the table")
        } else {
            None
        };
        match (problem, kind, need) {
            (None, Some(kind), Some(need)) => {
                ids.0.insert(id.clone());
                let pii = decode(&v.pii);
                rows.push(VarRow {
                    id,
                    kind,
                    need,
                    example: Some(decode(&v.example)).filter(|e| !e.is_empty()),
                    pii: !pii.is_empty(),
                    description: Some(decode(&v.description)).filter(|d| !d.is_empty()),
                });
            }
            (problem, _, _) => bad.push(Unplaced {
                span: v.span,
                block: Block::Top,
                why: Why::Invalid(problem.unwrap_or_default().to_owned()),
            }),
        }
    }
    (rows, ids, bad)
}

/// `vars { … }`, when the table has rows.
fn vars_block(b: &mut Builder, rows: Vec<VarRow>) -> Option<ast::Vars> {
    if rows.is_empty() {
        return None;
    }
    let open = b.at();
    let items = rows
        .into_iter()
        .map(|r| {
            let at = b.at();
            let mut parts = vec![match r.need {
                Need::Required => ast::VarPart::Required(at),
                Need::Optional => ast::VarPart::Optional(at),
                Need::Default(d) => ast::VarPart::Default(at, Value::Text(text(&d, at))),
            }];
            if let Some(e) = r.example {
                parts.push(ast::VarPart::Example(at, Value::Text(text(&e, at))));
            }
            if r.pii {
                parts.push(ast::VarPart::Pii(at));
            }
            if let Some(d) = r.description {
                parts.push(ast::VarPart::Description(text(&d, at)));
            }
            ast::VarsItem::Var(ast::Var {
                id: ident(r.id, at),
                kind: type_ast(&r.kind, at),
                parts,
                span: at,
            })
        })
        .collect();
    Some(ast::Vars {
        items,
        keyword: open,
        span: b.close(open),
    })
}

/// Opens a party's block, after a blank line and the heading it came from.
fn open_party(b: &mut Builder, p: &PartyDoc) -> Span {
    b.blank();
    if let Some((h, _)) = &p.heading {
        b.comment(h);
    }
    b.at()
}

/// `caller ID { … }` or `callee ID { … }`, opened at `open`.
fn party(b: &mut Builder, kind: PartyKind, id: String, open: Span, items: Vec<PartyItem>) -> CallItem {
    CallItem::Party(Party {
        kind,
        id: ident(id, open),
        extends: None,
        items,
        span: b.close(open),
    })
}

/// `NAME "…"`: a field whose value is a text of the Markdown (escapes undone).
fn field(b: &mut Builder, vars: &VarIds, name: &str, markdown: &str) -> Field {
    let at = b.at();
    Field {
        name: ident(name, at),
        value: Value::Text(vars.text(markdown, at)),
        span: at,
    }
}

/// The identity of a party: its name (with a comment saying where it came
/// from, unless an identity bullet gave it), gender, age, organisation,
/// role and persona.
fn party_fields(
    b: &mut Builder,
    vars: &VarIds,
    p: &PartyDoc,
    name: &str,
    from: NameFrom,
    words: &Words,
) -> Vec<PartyItem> {
    let note = match from {
        NameFrom::Bullet => None,
        NameFrom::Persona => Some(words.names[0]),
        NameFrom::Introduction => Some(words.names[1]),
        NameFrom::Greeting => Some(words.names[2]),
        NameFrom::Missing => Some(words.names[3]),
    };
    let mut items = vec![PartyItem::Field(field(b, vars, "name", name))];
    if let Some(n) = note {
        b.trailing(n);
    }
    if let Some(g) = p.gender {
        let at = b.at();
        items.push(PartyItem::Field(Field {
            name: ident("gender", at),
            value: Value::Word(ident(g, at)),
            span: at,
        }));
    }
    if let Some(a) = p.age {
        let at = b.at();
        items.push(PartyItem::Field(Field {
            name: ident("age", at),
            value: Value::Integer(a.to_string(), at),
            span: at,
        }));
    }
    for (name, value) in [("org", &p.org), ("role", &p.role), ("persona", &p.persona)] {
        if let Some(v) = value {
            items.push(PartyItem::Field(field(b, vars, name, v)));
        }
    }
    items
}

/// The heading of the section a part came from, as a comment.
fn heading_comment(b: &mut Builder, doc: &Doc, kind: Kind) {
    let kinds: &[Kind] = match kind {
        Kind::Ending => &[Kind::Ending, Kind::EndConditions, Kind::Closing],
        _ => std::slice::from_ref(&kind),
    };
    if let Some((_, h)) = doc.headings.iter().find(|(k, _)| kinds.contains(k)) {
        b.comment(h);
    }
}

/// `knows { … }` or `background { … }`.
fn entries(b: &mut Builder, vars: &VarIds, list: &[(String, String)]) -> Entries {
    let open = b.at();
    let mut seen = Taken::default();
    let items = list
        .iter()
        .map(|(label, value)| {
            // The same label twice would be E0105: the second gets a suffix.
            let label = claim(&decode(label), &mut seen);
            let at = b.at();
            EntriesItem::Entry(entry(&label, vars.text(value, at), at))
        })
        .collect();
    Entries {
        items,
        keyword: open,
        span: b.close(open),
    }
}

/// The texts that were not placed, by the block their comments go in.
struct Leftovers<'a> {
    by_block: BTreeMap<Block, Vec<&'a Unplaced>>,
    /// Where each line of the Markdown starts, for line numbers.
    line_starts: Vec<usize>,
    md: &'a str,
}

impl<'a> Leftovers<'a> {
    fn new(md: &'a str, unplaced: impl IntoIterator<Item = &'a Unplaced>) -> Self {
        let mut by_block: BTreeMap<Block, Vec<&Unplaced>> = BTreeMap::new();
        for u in unplaced {
            by_block.entry(u.block).or_default().push(u);
        }
        // In the order of the Markdown, whichever stage found them.
        for list in by_block.values_mut() {
            list.sort_by_key(|u| u.span.start);
        }
        let line_starts = std::iter::once(0)
            .chain(md.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            by_block,
            line_starts,
            md,
        }
    }

    fn any(&self, block: Block) -> bool {
        self.by_block.contains_key(&block)
    }

    /// The unplaced texts of one block, as `//` comments holding the
    /// Markdown lines as written.
    fn write(&self, b: &mut Builder, block: Block, words: &Words) {
        for u in self.by_block.get(&block).into_iter().flatten() {
            let line = self.line_starts.partition_point(|&s| s <= u.span.start);
            b.comment(&words.unplaced.replace("{}", &line.to_string()));
            for l in self.md[u.span.range()].lines() {
                b.comment(l.trim_end_matches('\r'));
            }
        }
    }
}
