//! Resolving: every name a spec refers to (a step, a signal, a concern, an
//! end condition) looked up in the ids of its kind, to the index of the IR
//! item it names (E0102 with a did-you-mean when nothing has the name), and
//! recorded in the symbol table. Names in parts the checker skips (blocks
//! given twice, items in the wrong block, rejected fields) are recorded
//! here too, without being checked.

use std::collections::BTreeMap;
use std::fmt::Display;

use crate::ast::{self, CallItem, FlowItem, PartyItem, PartyKind, StepItem, Target, Value};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::ir;
use crate::source::Span;

use super::difference;
use super::fields::Collected;
use super::render::Renderer;
use super::symbols::Kind;
use super::{Checker, MAX_SUGGESTIONS, Parts, suggest_within};

impl<'a> Checker<'a> {
    /// Resolves a reference to an id of `kind`; reports E0102 otherwise.
    fn resolve(&mut self, id: &ast::Ident, kind: Kind, index: &Index<'_>, ctx: &dyn Display) -> Option<usize> {
        if let Some(i) = self.refer(id, kind, index) {
            return Some(i);
        }
        let position = &index.names;
        let mut d = Diagnostic::new(
            Code::E0102,
            id.span,
            format!("unknown {} `{}` in {ctx}", kind.name(), id.name),
        );
        if let Some((other, at)) = self.ids.get(id.name.as_str()) {
            d.message = crate::diagnostic::bound_text(format!(
                "`{}` is {}, not {} (in {ctx})",
                id.name,
                other.noun(),
                kind.noun()
            ));
            d = d
                .label(format!("expected {} here", kind.noun()))
                .with_secondary(*at, format!("`{}` is defined here", id.name));
        } else {
            d = d.label(format!("no {} is called `{}`", kind.name(), id.name));
        }
        // Suggestions cost a pass over every name: bounded per file so that a
        // spec with thousands of broken references stays linear.
        // A name spelt with look-alike characters (Cyrillic `е` for `e`, a
        // full-width letter, another normalisation) names what it looks like.
        let key: String = unicode_security::skeleton(&id.name).collect();
        let twin = self
            .skeletons()
            .get(&key)
            .map(|&(name, _)| name)
            .and_then(|name| index.map.get_key_value(name).map(|(n, _)| *n));
        let best = if let Some(twin) = twin {
            d = d.note(difference(&id.name, twin));
            Some(twin)
        } else if self.suggestions < MAX_SUGGESTIONS {
            self.suggestions += 1;
            suggest_within(&id.name, position.iter().copied(), &mut self.suggestion_work)
        } else {
            None
        };
        if let Some(best) = best {
            d = d.help(format!("did you mean `{best}`?")).fix(id.span, best);
        } else if position.is_empty() {
            d = d.note(format!("the call defines no {}", plural(kind)));
        } else {
            let list: Vec<String> = position.iter().take(8).map(|n| format!("`{n}`")).collect();
            d = d.note(format!(
                "the {} are {}{}",
                plural(kind),
                list.join(", "),
                if position.len() > 8 { ", …" } else { "" }
            ));
        }
        self.diags.push(d);
        None
    }

    /// Records a reference to an id of `kind`, resolved or not, with no
    /// diagnostic (for a name repeated where it may appear once, which is
    /// reported as such, but still names something).
    fn refer(&mut self, id: &ast::Ident, kind: Kind, index: &Index<'_>) -> Option<usize> {
        let found = index.map.get(id.name.as_str()).copied();
        let definition = match found {
            Some(i) => u32::try_from(i).ok().map(|i| index.base + i),
            // An editor may still go to an id the checker skipped.
            None => self
                .skipped
                .get(id.name.as_str())
                .and_then(|ds| ds.iter().find(|(k, _)| *k == kind))
                .map(|&(_, d)| d),
        };
        self.symbols.refer(kind, id.span, id.span, definition);
        found
    }

    /// [`Self::refer`] for the names of a branch.
    fn refer_branch(&mut self, b: &ast::Branch, names: &Names<'_>) {
        self.refer(&b.signal, Kind::Signal, &names.signals);
        self.refer_target(&b.target, names);
    }

    /// Defines the ids of the parts the checker skips (blocks given again,
    /// E0105; concerns outside the callee, E0107) with no IR item and outside
    /// the namespace, so an editor can still go to them: a reference
    /// resolves to one only when no checked id has its name.
    pub(super) fn declare_skipped(&mut self, parts: &Parts<'a>) {
        fn concerns(p: &ast::Party) -> impl Iterator<Item = (Kind, &ast::Ident)> {
            p.concerns().map(|c| (Kind::Concern, &c.id))
        }
        let mut ids: Vec<(Kind, &'a ast::Ident)> = parts.caller.into_iter().flat_map(concerns).collect();
        for item in &parts.repeated {
            match item {
                CallItem::Party(p) => {
                    let kind = match p.kind {
                        PartyKind::Caller => Kind::Caller,
                        PartyKind::Callee => Kind::Callee,
                    };
                    ids.push((kind, &p.id));
                    ids.extend(concerns(p));
                }
                CallItem::Flow(f) => ids.extend(f.steps().map(|s| (Kind::Step, &s.id))),
                CallItem::Faq(f) => ids.extend(f.qas().map(|q| (Kind::Qa, &q.id))),
                CallItem::End(e) => ids.extend(e.conditions().map(|w| (Kind::End, &w.id))),
                CallItem::Field(_) | CallItem::Lint(_) | CallItem::Signal(_) => {}
            }
        }
        for (kind, id) in ids {
            let d = self.symbols.define(kind, id.span, None);
            let defs = self.skipped.entry(&id.name).or_default();
            if defs.iter().all(|(k, _)| *k != kind) {
                defs.push((kind, d));
            }
        }
    }

    /// Records the references in the blocks given again (E0105), resolved
    /// as if they were checked, with no diagnostic.
    pub(super) fn refer_skipped(&mut self, r: &mut Renderer<'_>, parts: &Parts<'a>, names: &Names<'_>) {
        for item in &parts.repeated {
            match item {
                CallItem::Party(p) => {
                    for i in &p.items {
                        match i {
                            PartyItem::Field(f) => refer_fields(r, [f]),
                            PartyItem::Knows(e) | PartyItem::Background(e) => refer_entries(r, e),
                            PartyItem::Concern(c) => r.refer_text(&c.text),
                            PartyItem::Style(s) => refer_fields(r, s.fields()),
                            PartyItem::Lint(_) => {}
                        }
                    }
                }
                CallItem::Flow(f) => {
                    for i in &f.items {
                        match i {
                            FlowItem::Step(s) => {
                                if let Some(t) = &s.title {
                                    r.refer_text(t);
                                }
                                for c in &s.covers {
                                    self.refer(c, Kind::Concern, &names.concerns);
                                }
                                for si in &s.items {
                                    match si {
                                        StepItem::Say(t) => r.refer_text(t),
                                        StepItem::Next(tr) => self.refer_target(&tr.target, names),
                                        StepItem::Branch(b) => self.refer_branch(b, names),
                                        StepItem::Lint(_) => {}
                                    }
                                }
                            }
                            FlowItem::Branch(b) => self.refer_branch(b, names),
                            FlowItem::Lint(_) => {}
                        }
                    }
                }
                CallItem::Faq(f) => {
                    for q in f.qas() {
                        for c in &q.covers {
                            self.refer(c, Kind::Concern, &names.concerns);
                        }
                        refer_fields(r, q.fields());
                    }
                }
                CallItem::End(e) => {
                    for w in e.conditions() {
                        for t in [&w.caller, &w.callee].into_iter().flatten() {
                            r.refer_text(t);
                        }
                    }
                    refer_fields(r, e.fields());
                }
                CallItem::Field(_) | CallItem::Lint(_) | CallItem::Signal(_) => {}
            }
        }
    }

    /// [`Self::refer`] for the target of a transition.
    pub(super) fn refer_target(&mut self, t: &Target, names: &Names<'_>) {
        match t {
            Target::Step(id) => {
                self.refer(id, Kind::Step, &names.steps);
            }
            Target::End { condition: Some(c), .. } => {
                self.refer(c, Kind::End, &names.ends);
            }
            Target::End { condition: None, .. } => {}
        }
    }

    /// What to remove to take item `k` (not the first) out of a
    /// comma-separated list: the comma before it with the item, or the item
    /// with the comma after it; `None` when either way would remove a comment.
    fn list_item_removal(&self, items: &[ast::Ident], k: usize) -> Option<Span> {
        let holds_comment = |from: usize, to: usize| {
            let i = self.comments.partition_point(|c| c.span.start < from);
            self.comments.get(i).is_some_and(|c| c.span.start < to)
        };
        let item = items[k].span;
        let before = Span::new(items[k.checked_sub(1)?].span.end, item.end);
        if !holds_comment(before.start, before.end) {
            return Some(before);
        }
        let after = Span::new(item.start, items.get(k + 1)?.span.start);
        (!holds_comment(after.start, after.end)).then_some(after)
    }

    pub(super) fn covers(&mut self, covers: &[ast::Ident], names: &Index<'_>, ctx: &dyn Display) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
        for (k, c) in covers.iter().enumerate() {
            if let Some(first) = seen.get(c.name.as_str()) {
                let mut d = Diagnostic::new(Code::E0105, c.span, format!("`{}` is listed twice in `covers`", c.name))
                    .label("listed again here")
                    .with_secondary(*first, "first listed here");
                if let Some(span) = self.list_item_removal(covers, k) {
                    d = d.fix(span, "");
                }
                self.diags.push(d);
                self.refer(c, Kind::Concern, names);
                continue;
            }
            seen.insert(&c.name, c.span);
            if let Some(i) = self.resolve(c, Kind::Concern, names, &format_args!("`covers` of {ctx}")) {
                out.push(i);
            }
        }
        out
    }

    pub(super) fn branch(
        &mut self,
        b: &ast::Branch,
        names: &Names<'_>,
        seen: &mut BTreeMap<String, Span>,
        ctx: &dyn Display,
    ) -> Option<ir::Branch> {
        if let Some(first) = seen.get(&b.signal.name) {
            self.diags.push(
                Diagnostic::new(
                    Code::E0105,
                    b.signal.span,
                    format!("`on {}` is given twice in {ctx}", b.signal.name),
                )
                .label("given again here")
                .with_secondary(*first, "first given here")
                .help("a signal can lead to one place only; keep one branch"),
            );
            self.refer_branch(b, names);
            return None;
        }
        seen.insert(b.signal.name.clone(), b.signal.span);
        let signal = self.resolve(
            &b.signal,
            Kind::Signal,
            &names.signals,
            &format_args!("a branch of {ctx}"),
        );
        if let Some(i) = signal {
            self.used_signals.insert(i);
        }
        let target = self.target(&b.target, names, ctx);
        Some(ir::Branch {
            on: ir::On::Signal(signal?),
            target: target?,
        })
    }

    pub(super) fn target(&mut self, t: &Target, names: &Names<'_>, ctx: &dyn Display) -> Option<ir::Target> {
        match t {
            Target::Step(id) => self.resolve(id, Kind::Step, &names.steps, ctx).map(ir::Target::Step),
            Target::End { condition: None, .. } => Some(ir::Target::End(None)),
            Target::End { condition: Some(c), .. } => self
                .resolve(c, Kind::End, &names.ends, ctx)
                .map(|i| ir::Target::End(Some(i))),
        }
    }
}

/// Where a reference is, for messages: "step `greet`". Formatted only when
/// a message needs it.
pub(super) struct Named<'a>(pub(super) &'static str, pub(super) &'a str);

impl Display for Named<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} `{}`", self.0, self.1)
    }
}

/// The ids of one kind, in declaration order (the order of the IR's
/// vectors), with a map for lookups in constant time.
pub(super) struct Index<'a> {
    names: Vec<&'a str>,
    map: std::collections::HashMap<&'a str, usize>,
    /// The definition of the first (the others follow it).
    base: u32,
}

impl<'a> Index<'a> {
    pub(super) fn new(names: Vec<&'a str>, base: u32) -> Self {
        let mut map = std::collections::HashMap::with_capacity(names.len());
        for (i, n) in names.iter().enumerate() {
            // A duplicate id (E0101) resolves to its first definition.
            map.entry(*n).or_insert(i);
        }
        Self { names, map, base }
    }
}

pub(super) struct Names<'a> {
    pub(super) concerns: Index<'a>,
    pub(super) steps: Index<'a>,
    pub(super) signals: Index<'a>,
    pub(super) ends: Index<'a>,
}

fn plural(kind: Kind) -> &'static str {
    match kind {
        Kind::Concern => "concerns",
        Kind::Signal => "signals",
        Kind::Step => "steps",
        Kind::Qa => "FAQ entries",
        Kind::End => "end conditions",
        Kind::Call | Kind::Caller | Kind::Callee => "parties",
        Kind::Knows | Kind::Background => "labels",
        Kind::Field(_) => "fields",
        Kind::Lint => "lints",
    }
}

/// Records the placeholders of the fields [`fields::collect`] did not keep
/// (unknown, misplaced, repeated, mistyped): they are never rendered.
pub(super) fn skipped_fields<'f>(
    r: &mut Renderer<'_>,
    all: impl IntoIterator<Item = &'f ast::Field>,
    kept: &Collected<'_>,
) {
    let mut kept: Vec<usize> = kept.values().flatten().map(|f| std::ptr::from_ref(*f).addr()).collect();
    kept.sort_unstable();
    refer_fields(
        r,
        all.into_iter()
            .filter(|f| kept.binary_search(&std::ptr::from_ref(*f).addr()).is_err()),
    );
}

/// Records the placeholders of fields that are not rendered.
pub(super) fn refer_fields<'f>(r: &mut Renderer<'_>, fields: impl IntoIterator<Item = &'f ast::Field>) {
    for f in fields {
        if let Value::Text(t) = &f.value {
            r.refer_text(t);
        }
    }
}

/// Records the placeholders of labelled entries that are not rendered.
pub(super) fn refer_entries(r: &mut Renderer<'_>, e: &ast::Entries) {
    for entry in e.entries() {
        r.refer_text(&entry.value);
    }
}
