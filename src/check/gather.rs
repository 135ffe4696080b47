//! Gathering: the call's blocks sorted into [`Parts`] (a block given twice
//! is E0105, a missing one E0104, `knows`/`background`/`style` given twice
//! in a party E0105), and every id declared in the call's one namespace
//! (E0101), with the look-alike ids that namespace holds (W0211).

use std::collections::{BTreeMap, HashMap};

use crate::ast::{self, CallItem, PartyItem, PartyKind};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::Span;

use super::resolve::{Index, Names};
use super::symbols::Kind;
use super::{Checker, First, Parts, difference};

impl<'a> Checker<'a> {
    /// Declares every id of the parts in the one namespace, first, so that
    /// references can point forwards; returns the ids of each kind that
    /// references name, in the order of the IR's vectors.
    pub(super) fn declare_ids(&mut self, call: &'a ast::Call, parts: &Parts<'a>) -> Names<'a> {
        self.declare(&call.id, Kind::Call, 0);
        if let Some(p) = parts.caller {
            self.declare(&p.id, Kind::Caller, 0);
        }
        let callee_base = self.declare_all(Kind::Callee, parts.callees.iter().map(|p| &p.id));
        let concern_base = self.declare_all(Kind::Concern, parts.concerns.iter().map(|c| &c.id));
        // A concern another callee has too is the same concern: its id
        // refers to the first; one a callee has twice is E0101.
        for &(c, same) in &parts.restated {
            match same {
                Some(i) => {
                    let d = concern_base + u32::try_from(i).unwrap_or(u32::MAX);
                    self.symbols.refer(Kind::Concern, c.id.span, c.id.span, Some(d));
                }
                None => self.declare(&c.id, Kind::Concern, usize::MAX),
            }
        }
        let signal_base = self.declare_all(Kind::Signal, parts.signals.iter().map(|s| &s.id));
        let step_base = self.declare_all(Kind::Step, parts.steps.iter().map(|s| &s.id));
        self.declare_all(Kind::Qa, parts.qas.iter().map(|q| &q.id));
        let end_base = self.declare_all(Kind::End, parts.whens.iter().map(|w| &w.id));
        let capture_base = self.declare_all(Kind::Capture, parts.captures.iter().map(|(_, c)| &c.id));
        let transfer_base = self.declare_all(Kind::Transfer, parts.transfers.iter().map(|t| &t.id));
        self.declare_skipped(parts);
        if self.non_ascii {
            // W0211 needs a non-ASCII id; the table also serves suggestions.
            self.skeletons();
        }
        self.first = First {
            steps: step_base,
            concerns: concern_base,
            signals: signal_base,
            ends: end_base,
            captures: capture_base,
            transfers: transfer_base,
        };
        // Names in declaration order, so resolved indices match the IR's vectors.
        Names {
            callees: Index::new(parts.callees.iter().map(|p| p.id.name.as_str()).collect(), callee_base),
            concerns: Index::new(
                parts.concerns.iter().map(|c| c.id.name.as_str()).collect(),
                concern_base,
            ),
            steps: Index::new(parts.steps.iter().map(|s| s.id.name.as_str()).collect(), step_base),
            signals: Index::new(parts.signals.iter().map(|s| s.id.name.as_str()).collect(), signal_base),
            ends: Index::new(parts.whens.iter().map(|w| w.id.name.as_str()).collect(), end_base),
            captures: Index::new(
                parts.captures.iter().map(|(_, c)| c.id.name.as_str()).collect(),
                capture_base,
            ),
            transfers: Index::new(
                parts.transfers.iter().map(|t| t.id.name.as_str()).collect(),
                transfer_base,
            ),
        }
    }

    /// Sorts the call's items into parts, reporting repeats and absences.
    pub(super) fn gather<'c>(&mut self, call: &'c ast::Call) -> Parts<'c> {
        let mut parts = Parts::default();
        for item in &call.items {
            match item {
                CallItem::Party(p) => match p.kind {
                    PartyKind::Caller => {
                        if !self.once(&mut parts.caller, p, p.id.span, "caller", |p| p.id.span) {
                            parts.repeated.push(item);
                        }
                    }
                    PartyKind::Callee => parts.callees.push(p),
                },
                CallItem::Signal(s) => parts.signals.push(s),
                CallItem::Vars(v) => {
                    if !self.once(&mut parts.vars, v, v.keyword, "vars", |v| v.keyword) {
                        parts.repeated.push(item);
                    }
                }
                CallItem::Flow(f) => {
                    if !self.once(&mut parts.flow, f, f.keyword, "flow", |f| f.keyword) {
                        parts.repeated.push(item);
                    }
                }
                CallItem::Faq(f) => {
                    if !self.once(&mut parts.faq, f, f.keyword, "faq", |f| f.keyword) {
                        parts.repeated.push(item);
                    }
                }
                CallItem::End(e) => {
                    if !self.once(&mut parts.end, e, e.keyword, "end", |e| e.keyword) {
                        parts.repeated.push(item);
                    }
                }
                CallItem::Field(_) | CallItem::Lint(_) => {}
            }
        }
        // Concerns by id across the callees: the first of each id is the
        // concern; the others restate it (another callee's stance) or
        // repeat it within one callee (E0101).
        let mut first: HashMap<&str, (usize, usize)> = HashMap::new();
        for (k, p) in parts.callees.iter().enumerate() {
            let mut mine: std::collections::HashSet<&str> = std::collections::HashSet::new();
            for c in p.concerns() {
                let again = !mine.insert(&c.id.name);
                match first.get(c.id.name.as_str()) {
                    Some(_) if again => parts.restated.push((c, None)),
                    Some(&(_, i)) => parts.restated.push((c, Some(i))),
                    None => {
                        first.insert(&c.id.name, (k, parts.concerns.len()));
                        parts.concerns.push(c);
                    }
                }
            }
        }
        parts.steps = parts.flow.map_or_else(Vec::new, |f| f.steps().collect());
        parts.qas = parts.faq.map_or_else(Vec::new, |f| f.qas().collect());
        parts.whens = parts.end.map_or_else(Vec::new, |e| e.conditions().collect());
        parts.transfers = parts.end.map_or_else(Vec::new, |e| e.transfers().collect());
        parts.captures = parts
            .steps
            .iter()
            .enumerate()
            .flat_map(|(i, s)| s.captures().map(move |c| (i, c)))
            .collect();
        for (present, what, example) in [
            (parts.caller.is_some(), "caller", "caller li_ming { name \"李明\" }"),
            (
                !parts.callees.is_empty(),
                "callee",
                "callee zhang_qiang { name \"张强\" }",
            ),
            (parts.flow.is_some(), "flow", "flow { step greet { say \"您好\" } }"),
            (parts.end.is_some(), "end", "end { closing \"再见\" }"),
        ] {
            if !present {
                self.diags.push(
                    Diagnostic::new(Code::E0104, call.id.span, format!("the call has no `{what}` block"))
                        .label(format!("`{what}` is required"))
                        .help(format!("add one, such as `{example}`")),
                );
            }
        }
        parts
    }

    /// Keeps the first of a block that may appear once; reports the others
    /// (and says whether `item` was kept).
    fn once<'t, T>(
        &mut self,
        slot: &mut Option<&'t T>,
        item: &'t T,
        at: Span,
        what: &str,
        span_of: fn(&T) -> Span,
    ) -> bool {
        if let Some(first) = slot {
            self.diags.push(
                Diagnostic::new(Code::E0105, at, format!("`{what}` is given twice"))
                    .label("given again here")
                    .with_secondary(span_of(first), "first given here")
                    .help(format!("merge the two `{what}` blocks into one")),
            );
            false
        } else {
            *slot = Some(item);
            true
        }
    }

    /// Declares the ids of one kind, in the order of the IR's vector;
    /// returns the definition of the first.
    fn declare_all(&mut self, kind: Kind, ids: impl Iterator<Item = &'a ast::Ident>) -> u32 {
        let first = self.symbols.next_definition();
        for (i, id) in ids.enumerate() {
            self.declare(id, kind, i);
        }
        first
    }

    /// Declares an id, the `item`-th of its kind, in the one namespace
    /// (E0101 when it is taken); a repeated id is still a definition.
    fn declare(&mut self, id: &'a ast::Ident, kind: Kind, item: usize) {
        self.symbols.define(kind, id.span, Some(item));
        if id.name.is_empty() {
            return;
        }
        if let Some(event) = crate::ir::Event::of(&id.name) {
            let help = if kind == Kind::Signal {
                format!(
                    "`on {e} -> …` needs no declaration; for something the callee says, choose another id, such as \
                     `mentions_{e}`",
                    e = event.as_str()
                )
            } else {
                format!(
                    "choose another id, such as `{}_{}`",
                    kind.name().replace(' ', "_"),
                    event.as_str()
                )
            };
            self.diags.push(
                Diagnostic::new(
                    Code::E0108,
                    id.span,
                    format!(
                        "`{}` is a built-in telephony event; it cannot be declared",
                        event.as_str()
                    ),
                )
                .label(format!("reserved: fires when {}", event.doc()))
                .help(help),
            );
        }
        if let Some((first_kind, first)) = self.ids.get(id.name.as_str()) {
            let what = if *first_kind == kind {
                String::new()
            } else {
                format!(" as {}", first_kind.noun())
            };
            self.diags.push(
                Diagnostic::new(Code::E0101, id.span, format!("`{}` is defined twice", id.name))
                    .label(format!("defined again here as {}", kind.noun()))
                    .with_secondary(*first, format!("first defined here{what}"))
                    .note("all ids of a call share one namespace")
                    .help("rename one of them"),
            );
        } else {
            self.ids.insert(&id.name, (kind, id.span));
            self.declared.push(id);
            self.non_ascii |= !id.name.is_ascii();
        }
    }

    /// The skeleton table, computed on first need, reporting W0211
    /// `confusable_id` for every id that looks the same as an id declared
    /// before it (the same Unicode TS #39 skeleton) but is spelt differently,
    /// when one of the two is not ASCII (as rustc's `confusable_idents`: `l`
    /// and `1` in ASCII ids are left alone).
    pub(super) fn skeletons(&mut self) -> &HashMap<String, (&'a str, Span)> {
        if self.skeletons.is_none() {
            let mut table: HashMap<String, (&'a str, Span)> = HashMap::with_capacity(self.declared.len());
            for id in &self.declared {
                let key: String = unicode_security::skeleton(&id.name).collect();
                let Some(&(first, at)) = table.get(&key) else {
                    table.insert(key, (&id.name, id.span));
                    continue;
                };
                if first.is_ascii() && id.name.is_ascii() {
                    continue;
                }
                self.diags.push(
                    Diagnostic::new(
                        Code::W0211,
                        id.span,
                        format!("`{}` looks the same as `{first}`", id.name),
                    )
                    .label(format!("looks like `{first}` but is another id"))
                    .with_secondary(at, format!("`{first}` is defined here"))
                    .note(difference(&id.name, first))
                    .help("spell both the same way if they are meant to be one, or rename one of them"),
                );
            }
            self.skeletons = Some(table);
        }
        self.skeletons.get_or_insert_default()
    }

    /// `knows`, `background` and `style` may appear once per party.
    pub(super) fn repeated_blocks(&mut self, p: &ast::Party) {
        let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
        for item in &p.items {
            let (name, at) = match item {
                PartyItem::Knows(e) => ("knows", e.keyword),
                PartyItem::Background(e) => ("background", e.keyword),
                PartyItem::Style(s) => ("style", s.keyword),
                _ => continue,
            };
            if let Some(first) = seen.get(name) {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0105,
                        at,
                        format!("`{name}` is given twice in `{}`", p.kind.keyword()),
                    )
                    .label("given again here")
                    .with_secondary(*first, "first given here")
                    .help(format!("merge the two `{name}` blocks into one")),
                );
            } else {
                seen.insert(name, at);
            }
        }
    }
}
