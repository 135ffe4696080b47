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
    pub(super) fn resolve(
        &mut self,
        id: &ast::Ident,
        kind: Kind,
        index: &Index<'_>,
        ctx: &dyn Display,
    ) -> Option<usize> {
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
    pub(super) fn refer(&mut self, id: &ast::Ident, kind: Kind, index: &Index<'_>) -> Option<usize> {
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
    pub(super) fn refer_branch(&mut self, b: &ast::Branch, names: &Names<'_>) {
        if ir::Event::of(&b.signal.name).is_some() && !names.signals.map.contains_key(b.signal.name.as_str()) {
            self.symbols.refer(Kind::Event, b.signal.span, b.signal.span, None);
        } else {
            self.refer(&b.signal, Kind::Signal, &names.signals);
        }
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
                CallItem::Vars(v) => ids.extend(v.vars().map(|v| (Kind::Var, &v.id))),
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
                                        StepItem::Retry(rt) => self.refer_target(&rt.target, names),
                                        StepItem::Branch(b) => self.refer_branch(b, names),
                                        StepItem::Capture(c) => {
                                            if let Some(t) = &c.description {
                                                r.refer_text(t);
                                            }
                                        }
                                        StepItem::Continue(_) | StepItem::Lint(_) => {}
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
                        for c in w.requires.iter().flat_map(|q| &q.ids) {
                            self.refer(c, Kind::Capture, &names.captures);
                        }
                    }
                    for t in e.transfers() {
                        self.refer_transfer(r, t, names);
                    }
                    refer_fields(r, e.fields());
                }
                CallItem::Vars(v) => {
                    for var in v.vars() {
                        for part in &var.parts {
                            if let ast::VarPart::Description(t) = part {
                                r.refer_text(t);
                            }
                        }
                    }
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
            Target::Transfer { id, .. } => {
                self.refer(id, Kind::Transfer, &names.transfers);
            }
        }
    }

    /// Records the names and placeholders of a transfer that is not checked.
    pub(super) fn refer_transfer(&mut self, r: &mut Renderer<'_>, t: &ast::Transfer, names: &Names<'_>) {
        if let Some(title) = &t.title {
            r.refer_text(title);
        }
        for item in &t.items {
            match item {
                ast::TransferItem::Say(text) => r.refer_text(text),
                ast::TransferItem::Fallback(tr) => self.refer_target(&tr.target, names),
                ast::TransferItem::Requires(q) => {
                    for c in &q.ids {
                        self.refer(c, Kind::Capture, &names.captures);
                    }
                }
                ast::TransferItem::Field(f) => refer_fields(r, [f]),
                ast::TransferItem::Lint(_) => {}
            }
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
        place: &Place<'_>,
    ) -> Option<ir::Branch> {
        let ctx: &dyn Display = match place {
            Place::Flow => &"the flow",
            Place::Step { named, .. } => named,
        };
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
        let event = ir::Event::of(&b.signal.name).filter(|_| !names.signals.map.contains_key(b.signal.name.as_str()));
        let on = if let Some(e) = event {
            self.symbols.refer(Kind::Event, b.signal.span, b.signal.span, None);
            Some(ir::On::Event(e))
        } else if !names.signals.map.contains_key(b.signal.name.as_str())
            && let Some(e) = super::suggest(&b.signal.name, ir::Event::ALL.iter().map(|e| e.as_str()))
        {
            // A misspelt event: say so, rather than "unknown signal".
            self.symbols.refer(Kind::Signal, b.signal.span, b.signal.span, None);
            self.diags.push(
                Diagnostic::new(
                    Code::E0102,
                    b.signal.span,
                    format!("unknown signal `{}` in a branch of {ctx}", b.signal.name),
                )
                .label("no signal or event is called this")
                .help(format!("did you mean the event `{e}`?"))
                .fix(b.signal.span, e),
            );
            None
        } else {
            let signal = self.resolve(
                &b.signal,
                Kind::Signal,
                &names.signals,
                &format_args!("a branch of {ctx}"),
            );
            if let Some(i) = signal {
                self.used_signals.insert(i);
            }
            signal.map(ir::On::Signal)
        };
        let target = self.target(&b.target, names, ctx);
        let on = on?;
        let target = target?;
        let ok = self.branch_fits(b, on, target, place);
        ok.then_some(ir::Branch { on, target })
    }

    /// E0109–E0111: whether a branch may be taken where it is written, and
    /// lead where it leads.
    fn branch_fits(&mut self, b: &ast::Branch, on: ir::On, target: ir::Target, place: &Place<'_>) -> bool {
        let word = &b.signal.name;
        if let (ir::On::Event(e), Place::Step { named, .. }) = (on, place)
            && !e.in_step()
        {
            let t = Self::target_words(&b.target);
            self.diags.push(
                Diagnostic::new(
                    Code::E0109,
                    b.signal.span,
                    format!("`{word}` happens before any step runs; it cannot be a branch of {named}"),
                )
                .label(format!("`{word}` is decided when the line connects"))
                .help(format!("move `on {word} -> {t}` into `flow`")),
            );
            return false;
        }
        if let ir::On::Event(e) = on {
            let nobody = !e.someone_listens() && !matches!(target, ir::Target::End(_));
            let untransferable = !e.can_transfer() && matches!(target, ir::Target::Transfer(_));
            if nobody || untransferable {
                let what = match target {
                    ir::Target::Step(_) => format!("step `{}`", Self::target_words(&b.target)),
                    _ => format!("`{}`", Self::target_words(&b.target)),
                };
                let message = if nobody {
                    format!("after `{word}` nobody is on the line: it must lead to `end` or `end(ID)`, not to {what}")
                } else {
                    format!("a `{word}` cannot be transferred: no person is on the line to hand over")
                };
                let help = if e == ir::Event::Voicemail {
                    "lead it to a step that leaves a message, or to `end(ID)`".to_owned()
                } else {
                    format!(
                        "`-> end({word_id})`, with an end condition such as `when {word_id} \"…\"`",
                        word_id = outcome_id(e)
                    )
                };
                self.diags.push(
                    Diagnostic::new(Code::E0110, b.target.span(), message)
                        .label(if nobody {
                            "nobody hears this"
                        } else {
                            "cannot be transferred"
                        })
                        .with_secondary(b.signal.span, format!("the `{word}` event"))
                        .help(help),
                );
                return false;
            }
        }
        if let Place::Step {
            named,
            continues: Some(at),
        } = place
            && !matches!(on, ir::On::Event(ir::Event::Hangup))
        {
            self.diags.push(
                Diagnostic::new(
                    Code::E0111,
                    b.signal.span,
                    format!("{named} does not wait for a reply (`continue`), so it cannot branch on `{word}`"),
                )
                .label("this needs a reply to listen to")
                .with_secondary(*at, "the step goes on without waiting here")
                .help("remove `continue`, or move the branch to a step that waits"),
            );
            return false;
        }
        true
    }

    /// A target as written, for messages.
    fn target_words(t: &Target) -> String {
        match t {
            Target::Step(id) => id.name.clone(),
            Target::End { condition: None, .. } => "end".to_owned(),
            Target::End { condition: Some(c), .. } => format!("end({})", c.name),
            Target::Transfer { id, .. } => format!("transfer({})", id.name),
        }
    }

    pub(super) fn target(&mut self, t: &Target, names: &Names<'_>, ctx: &dyn Display) -> Option<ir::Target> {
        match t {
            Target::Step(id) => self.resolve(id, Kind::Step, &names.steps, ctx).map(ir::Target::Step),
            Target::End { condition: None, .. } => Some(ir::Target::End(None)),
            Target::End { condition: Some(c), .. } => self
                .resolve(c, Kind::End, &names.ends, ctx)
                .map(|i| ir::Target::End(Some(i))),
            Target::Transfer { id, .. } => self
                .resolve(id, Kind::Transfer, &names.transfers, ctx)
                .map(ir::Target::Transfer),
        }
    }

    /// Resolves a list of capture ids (`requires C, …`), reporting one
    /// named twice (E0105).
    pub(super) fn captures_named(&mut self, ids: &[ast::Ident], names: &Names<'_>, ctx: &dyn Display) -> Vec<usize> {
        let mut out = Vec::new();
        let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
        for (k, c) in ids.iter().enumerate() {
            if let Some(first) = seen.get(c.name.as_str()) {
                let mut d = Diagnostic::new(
                    Code::E0105,
                    c.span,
                    format!("`{}` is listed twice in `requires`", c.name),
                )
                .label("listed again here")
                .with_secondary(*first, "first listed here");
                if let Some(span) = self.list_item_removal(ids, k) {
                    d = d.fix(span, "");
                }
                self.diags.push(d);
                self.refer(c, Kind::Capture, &names.captures);
                continue;
            }
            seen.insert(&c.name, c.span);
            if let Some(i) = self.resolve(c, Kind::Capture, &names.captures, &format_args!("`requires` of {ctx}")) {
                out.push(i);
            }
        }
        out
    }
}

/// Where a branch is written: in `flow` (at every step), or in one step,
/// with its `continue` if it does not wait.
pub(super) enum Place<'a> {
    /// Directly in `flow`.
    Flow,
    /// In a step.
    Step {
        /// The step, for messages.
        named: Named<'a>,
        /// The step's `continue`, if written.
        continues: Option<Span>,
    },
}

/// The end condition id an author would give an event's outcome.
fn outcome_id(e: ir::Event) -> &'static str {
    match e {
        ir::Event::Voicemail => "voicemail_left",
        ir::Event::NoAnswer => "unreached",
        ir::Event::Silence => "no_response",
        ir::Event::Hangup => "hung_up",
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
    /// The position of a name, if it is one of these.
    pub(super) fn get(&self, name: &str) -> Option<usize> {
        self.map.get(name).copied()
    }

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
    pub(super) callees: Index<'a>,
    pub(super) concerns: Index<'a>,
    pub(super) steps: Index<'a>,
    pub(super) signals: Index<'a>,
    pub(super) ends: Index<'a>,
    pub(super) captures: Index<'a>,
    pub(super) transfers: Index<'a>,
}

fn plural(kind: Kind) -> &'static str {
    match kind {
        Kind::Concern => "concerns",
        Kind::Signal => "signals",
        Kind::Step => "steps",
        Kind::Qa => "FAQ entries",
        Kind::End => "end conditions",
        Kind::Capture => "captures",
        Kind::Transfer => "transfers",
        Kind::Event => "events",
        Kind::Call | Kind::Caller | Kind::Callee => "parties",
        Kind::Knows | Kind::Background => "labels",
        Kind::Var => "variables",
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
