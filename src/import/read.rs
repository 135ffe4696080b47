//! Reading a whole document: the title, the two party sections and the
//! sections inside them, in order, each handed to the reader of its part;
//! what has no place is kept for W0302.

use std::collections::BTreeSet;

use crate::diagnostic::Diagnostic;
use crate::ir::Speaker;
use crate::layout::{EN, Layout, ZH};
use crate::source::Span;

use super::diagnostics::not_a_spec;
use super::doc::{Block, Doc, Kind, Party, PartyDoc, RawVar, Unplaced, Why};
use super::flow::read_flow;
use super::markdown::{Line, Marker, heading, is_han, items, marker, split_lines};
use super::parts::{read_concerns, read_ending, read_entries, read_examples, read_faq, read_role, read_style, text_of};
use super::sections::{Section, is_vars_title, kind_of, party_heading, section_span};
use super::text::join;

pub(super) fn read(md: &str, diags: &mut Vec<Diagnostic>) -> Option<Doc> {
    let lines = split_lines(md);
    let mut sections: Vec<Section<'_>> = Vec::new();
    let mut preamble: Vec<Line<'_>> = Vec::new();
    let mut title: Option<String> = None;
    let mut layout: Option<&'static Layout> = None;
    let mut parties: [Option<Line<'_>>; 2] = [None, None];
    let mut current: Option<Party> = None;
    // The callees' headings so far, and the id each gives.
    let mut callees: Vec<(Option<String>, String, Span)> = Vec::new();
    // The lines of the variables' section while it is being read.
    let mut vars: Option<(Line<'_>, Vec<Line<'_>>)> = None;
    let mut vars_sections: Vec<(Line<'_>, Vec<Line<'_>>)> = Vec::new();
    let mut unplaced = Vec::new();
    // Headings before the first party heading that are not the title: the
    // section they open cannot be placed.
    let mut stray: Option<(Line<'_>, Vec<Line<'_>>)> = None;
    let flush_stray = |stray: &mut Option<(Line<'_>, Vec<Line<'_>>)>, unplaced: &mut Vec<Unplaced>| {
        if let Some((h, body)) = stray.take() {
            let last = body.iter().rev().find(|l| !l.is_blank()).copied().unwrap_or(h);
            unplaced.push(Unplaced {
                span: h.span().to(last.span()),
                block: Block::Top,
                why: Why::NoParty(h.text.to_owned()),
            });
        }
    };
    for &line in &lines {
        let Some((level, text)) = heading(line) else {
            if let Some((_, body)) = vars.as_mut() {
                body.push(line);
                continue;
            }
            match (sections.last_mut(), stray.as_mut()) {
                (_, Some((_, body))) => body.push(line),
                (Some(s), None) => s.body.push(line),
                (None, None) => preamble.push(line),
            }
            continue;
        };
        vars_sections.extend(vars.take());
        if is_vars_title(text.text) {
            flush_stray(&mut stray, &mut unplaced);
            vars = Some((line.trim(), Vec::new()));
            continue;
        }
        if let Some((p, label)) = party_heading(text.text) {
            flush_stray(&mut stray, &mut unplaced);
            current = Some(p);
            if p == Party::Callee {
                callees.push((label, text.text.to_owned(), line.trim().span()));
            }
            let slot = &mut parties[usize::from(p == Party::Callee)];
            if slot.is_none() {
                *slot = Some(line.trim());
            }
            layout.get_or_insert(if text.text.chars().any(is_han) { &ZH } else { &EN });
            sections.push(Section {
                party: p,
                callee: callees.len().saturating_sub(1),
                kind: Some(Kind::Role),
                heading: None,
                body: Vec::new(),
            });
            continue;
        }
        let kind = kind_of(text.text);
        match current {
            None if level == 1 && title.is_none() && stray.is_none() && kind.is_none() => {
                title = Some(text.text.replace("**", ""));
            }
            None => {
                flush_stray(&mut stray, &mut unplaced);
                stray = Some((line.trim(), Vec::new()));
            }
            Some(party) => {
                // Inside the flow, `### 第1步 开场` is a step, not a section.
                let in_flow = sections.last().is_some_and(|s| s.kind == Some(Kind::Flow));
                if in_flow && kind.is_none() && marker(text.text).is_some_and(|(m, _)| m != Marker::Bullet) {
                    if let Some(s) = sections.last_mut() {
                        s.body.push(text);
                    }
                    continue;
                }
                sections.push(Section {
                    party,
                    callee: callees.len().saturating_sub(1),
                    kind,
                    heading: Some(line.trim()),
                    body: Vec::new(),
                });
            }
        }
    }
    flush_stray(&mut stray, &mut unplaced);
    vars_sections.extend(vars.take());

    let Some(layout) = layout.filter(|_| parties.iter().all(Option::is_some)) else {
        diags.push(not_a_spec(&lines, parties));
        return None;
    };
    let first_party = parties.iter().flatten().map(|l| l.start).min().unwrap_or(0);
    let pre: Vec<&Line<'_>> = preamble
        .iter()
        .filter(|l| !l.is_blank() && l.start < first_party)
        .collect();
    if let (Some(a), Some(b)) = (pre.first(), pre.last()) {
        unplaced.push(Unplaced {
            span: a.span().to(b.span()),
            block: Block::Top,
            why: Why::Preamble,
        });
    }

    let mut doc = Doc {
        layout,
        title,
        headings: Vec::new(),
        caller: PartyDoc::default(),
        callee: PartyDoc::default(),
        task: None,
        knows: Vec::new(),
        background: Vec::new(),
        concerns: Vec::new(),
        concerns_span: None,
        behavior: Vec::new(),
        style_note: None,
        avoid: Vec::new(),
        prefer: Vec::new(),
        opening: None,
        global: Vec::new(),
        steps: Vec::new(),
        faq: Vec::new(),
        caller_ends: Vec::new(),
        end_requires: Vec::new(),
        callee_ends: Vec::new(),
        transfers: Vec::new(),
        first_speaker: None,
        silence_rule: None,
        silence_notes: Vec::new(),
        closing: None,
        vars: Vec::new(),
        examples: Vec::new(),
        callee_label: callees.first().and_then(|c| c.0.clone()),
        callees: Vec::new(),
        unplaced,
    };
    for (_, body) in &vars_sections {
        read_vars(&mut doc, body);
    }
    for (i, p) in parties.iter().enumerate() {
        if let Some(l) = p {
            let text = heading(*l).map_or(l.text, |(_, t)| t.text);
            let party = if i == 0 { &mut doc.caller } else { &mut doc.callee };
            party.heading = Some((text.to_owned(), l.span()));
        }
    }
    // The line that tells the callee they were called (and who speaks
    // first) stands right under a party heading: it is no role text.
    for s in &mut sections {
        if s.heading.is_none() {
            s.body.retain(|l| match answering(l.trim().text) {
                Some(speaker) => {
                    doc.first_speaker.get_or_insert(speaker);
                    false
                }
                None => true,
            });
        }
    }
    // Text right under a party heading is its role, unless a role section
    // follows: then it is left over.
    let role_section = |p: Party, callee: usize| {
        sections
            .iter()
            .any(|s| s.party == p && s.callee == callee && s.kind == Some(Kind::Role) && s.heading.is_some())
    };
    let mut seen: BTreeSet<(Party, usize, Kind)> = BTreeSet::new();
    let mut reading = 0;
    for s in &sections {
        if s.party == Party::Callee && s.callee != reading {
            // The next callee's prompt: the one read so far is complete.
            doc.finish_callee();
            if let Some((label, text, span)) = callees.get(s.callee) {
                doc.callee_label.clone_from(label);
                doc.callee.heading = Some((text.clone(), *span));
            }
            reading = s.callee;
        }
        if s.heading.is_none() && role_section(s.party, s.callee) && s.body.iter().any(|l| !l.is_blank()) {
            doc.unplaced.push(Unplaced {
                span: section_span(s),
                block: if s.party == Party::Caller {
                    Block::Caller
                } else {
                    Block::Callee
                },
                why: Why::PartyIntro,
            });
            continue;
        }
        read_section(&mut doc, s, &mut seen);
    }
    doc.finish_callee();
    Some(doc)
}

/// The variables' table: a row per variable, its cells in the layout's
/// columns (variable, type, whether a call gives it, example, personal
/// data, description); the header row and its `---` line are skipped. A
/// line that is no row of six cells is not imported (W0302).
fn read_vars(doc: &mut Doc, body: &[Line<'_>]) {
    let mut rows = body.iter().filter(|l| !l.is_blank()).peekable();
    // The note under the heading is the layout's own.
    while rows.next_if(|l| !l.trim().text.starts_with('|')).is_some() {}
    for (n, line) in rows.enumerate() {
        let t = line.trim();
        let cells = table_cells(t.text);
        let rule = cells
            .iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':')));
        if n == 0
            && cells.len() == 6
            && [&ZH, &EN]
                .iter()
                .any(|l| cells.iter().zip(l.var_columns).all(|(c, h)| c == h))
        {
            continue;
        }
        if rule {
            continue;
        }
        match <[String; 6]>::try_from(cells) {
            Ok([id, kind, need, example, pii, description]) if !id.is_empty() => doc.vars.push(RawVar {
                id,
                kind,
                need,
                example,
                pii,
                description,
                span: t.span(),
            }),
            _ => doc.unplaced.push(Unplaced {
                span: t.span(),
                block: Block::Top,
                why: Why::Invalid("a row of the variables' table has six cells: variable, type, value, example, personal data, description".to_owned()),
            }),
        }
    }
}

/// The cells of a table row `| a | b |`, trimmed, still escaped Markdown
/// (a `\|` is part of a cell).
fn table_cells(row: &str) -> Vec<String> {
    let inner = row.strip_prefix('|').unwrap_or(row);
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cell.push(c);
                if let Some(n) = chars.next() {
                    cell.push(n);
                }
            }
            '|' => cells.push(std::mem::take(&mut cell).trim().to_owned()),
            c => cell.push(c),
        }
    }
    if !cell.trim().is_empty() {
        cells.push(cell.trim().to_owned());
    }
    cells
}

fn read_section(doc: &mut Doc, s: &Section<'_>, seen: &mut BTreeSet<(Party, usize, Kind)>) {
    let party_block = if s.party == Party::Caller {
        Block::Caller
    } else {
        Block::Callee
    };
    let span = section_span(s);
    let Some(kind) = s.kind else {
        let title = s.heading.and_then(heading).map_or("", |(_, t)| t.text);
        doc.unplaced.push(Unplaced {
            span,
            block: party_block,
            why: Why::UnknownSection(title.to_owned()),
        });
        return;
    };
    // The text right under a party heading is its role; often there is none.
    if s.heading.is_none() && s.body.iter().all(|l| l.is_blank()) {
        return;
    }
    if let Some(h) = s.heading.and_then(heading) {
        doc.headings.push((kind, h.1.text.to_owned()));
    }
    // A second section of a single-valued kind is not merged.
    let single = matches!(kind, Kind::Role | Kind::Task | Kind::Opening);
    let key = (s.party, s.callee, kind);
    if single && seen.contains(&key) && s.heading.is_some() {
        let title = s.heading.and_then(heading).map_or("", |(_, t)| t.text);
        doc.unplaced.push(Unplaced {
            span,
            block: party_block,
            why: Why::Second(title.to_owned()),
        });
        return;
    }
    seen.insert(key);
    let items = items(&s.body);
    match kind {
        Kind::Role => read_role(doc, s, &items, party_block),
        Kind::Task => doc.task = text_of(&items),
        Kind::Opening => {
            // A note on who speaks first stands above the opening line.
            let mut rest = Vec::new();
            for it in items {
                match opening_note(&join(&it.pieces)) {
                    Some(speaker) if it.marker == Marker::Paragraph => {
                        doc.first_speaker.get_or_insert(speaker);
                    }
                    _ => rest.push(it),
                }
            }
            doc.opening = text_of(&rest);
        }
        Kind::Knows | Kind::Background => {
            let entries = read_entries(&items, &mut doc.unplaced, party_block);
            if kind == Kind::Knows {
                doc.knows.extend(entries);
            } else {
                doc.background.extend(entries);
            }
        }
        Kind::Flow => read_flow(doc, &items),
        Kind::Faq => read_faq(doc, &items),
        Kind::Ending | Kind::EndConditions | Kind::Closing if s.party == Party::Caller => {
            read_ending(doc, &items, kind);
        }
        Kind::Ending | Kind::EndConditions | Kind::Closing => {
            let texts: Vec<String> = items
                .iter()
                .map(|it| join(&it.pieces))
                .filter(|t| !t.is_empty())
                .collect();
            // Every callee prompt lists the spec's callee-side end conditions: the
            // first's are them; another's are the same, or not imported.
            if s.callee == 0 {
                doc.callee_ends.extend(texts);
            } else if texts != doc.callee_ends {
                let title = s.heading.and_then(heading).map_or("", |(_, t)| t.text);
                doc.unplaced.push(Unplaced {
                    span,
                    block: party_block,
                    why: Why::Second(title.to_owned()),
                });
            }
        }
        Kind::Signals => read_examples(doc, &items),
        Kind::Concerns => {
            doc.concerns_span.get_or_insert(span);
            read_concerns(doc, &items);
        }
        Kind::Behavior => {
            for it in &items {
                if it.marker == Marker::Paragraph {
                    doc.behavior.extend(
                        it.pieces
                            .iter()
                            .filter(|p| !p.text.is_empty())
                            .map(|p| p.text.to_owned()),
                    );
                } else if !it.pieces.is_empty() {
                    doc.behavior.push(join(&it.pieces));
                }
            }
        }
        Kind::Style => read_style(doc, &items),
    }
}

/// Who speaks first, from the callee's line under its party heading
/// (`这通电话是对方打给你的；…`), in either layout.
fn answering(line: &str) -> Option<Speaker> {
    [&ZH, &EN].into_iter().find_map(|l| {
        [Speaker::Callee, Speaker::Caller]
            .into_iter()
            .zip(l.answering)
            .find_map(|(speaker, words)| (line == words).then_some(speaker))
    })
}

/// Who speaks first, from the caller's note above the opening line
/// (`（电话接通后，先等对方开口，再说开场白）`), in either layout.
fn opening_note(text: &str) -> Option<Speaker> {
    let inner = text.strip_prefix(['（', '('])?.strip_suffix(['）', ')'])?;
    [&ZH, &EN].into_iter().find_map(|l| {
        [Speaker::Callee, Speaker::Caller]
            .into_iter()
            .zip(l.opening_note)
            .find_map(|(speaker, words)| inner.eq_ignore_ascii_case(words).then_some(speaker))
    })
}
