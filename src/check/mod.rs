//! Checking: [`ast::File`] → [`ir::Spec`] and diagnostics.
//!
//! One pass collects the blocks and fields (E0104–E0107), declares every id
//! in the one namespace (E0101), resolves references (E0102) and renders
//! strings (E0103, see `render`). The resulting spec is complete even when
//! there are errors (missing parts are empty), so the graph and content
//! lints (`flow`, `lints`) always run: a run reports every problem at once.

mod diags;
mod fields;
mod flow;
mod levels;
mod render;
pub mod symbols;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Display;

use crate::ast::{self, CallItem, FlowItem, PartyItem, PartyKind, StepItem, Target, Text, Value};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::ir;
use crate::source::Span;

pub use levels::LintLevels;
pub use render::PARTY_FIELDS;
pub use symbols::Symbols;

use fields::Collected;
use render::Renderer;
use symbols::Kind;

/// Names longer than this, in characters, get no did-you-mean and are never
/// suggested: edit distance costs the product of the two lengths, and a typo
/// in a 100 KB id is not what happened.
pub(crate) const MAX_SUGGEST_CHARS: usize = 64;

/// The closest of `candidates` to `name`, if it is close enough to be a
/// likely typo.
pub(crate) fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut unlimited = usize::MAX;
    suggest_within(name, candidates, &mut unlimited)
}

/// [`suggest`] that computes at most `budget` edit distances (and takes
/// those it computes off `budget`); `None` when the budget runs out.
pub(crate) fn suggest_within<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    budget: &mut usize,
) -> Option<&'a str> {
    let n = name.chars().count();
    if n > MAX_SUGGEST_CHARS {
        return None;
    }
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c == name || c.len() > 4 * MAX_SUGGEST_CHARS {
            continue;
        }
        let m = c.chars().count();
        let len = n.max(m);
        let max = len.div_ceil(3).max(1).min(len - 1);
        // The distance is at least the difference in length: skip what cannot be close.
        if m > MAX_SUGGEST_CHARS || n.abs_diff(m) > max {
            continue;
        }
        if *budget == 0 {
            return None;
        }
        *budget -= 1;
        let d = strsim::damerau_levenshtein(name, c);
        if d <= max && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// [`suggest`] for the command line's own names.
#[must_use]
pub fn suggest_name<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    suggest(name, candidates.iter().copied())
}

/// How many unknown references per file get a did-you-mean.
pub(crate) const MAX_SUGGESTIONS: usize = 200;

/// How many edit distances the did-you-mean of unknown references may
/// compute per file, all references together (≈0.1 s).
pub(crate) const MAX_SUGGESTION_WORK: usize = 1_000_000;

/// What checking a file gives.
#[derive(Debug)]
pub struct Checked {
    /// The spec, complete even when there are errors (missing parts are empty).
    pub spec: ir::Spec,
    /// The diagnostics, with their final levels, allowed ones removed.
    pub diagnostics: Vec<Diagnostic>,
    /// How many diagnostics were left out (past [`crate::diagnostic::MAX_PER_FILE`]).
    pub omitted: crate::diagnostic::Omitted,
    /// Every definition and reference the checker resolved.
    pub symbols: Symbols,
}

/// Checks a parsed file with the given command-line lint levels.
#[must_use]
pub fn check(file: &ast::File, cli: &LintLevels) -> Checked {
    check_with(file, cli, Vec::new())
}

/// [`check`], given the lint diagnostics the parser found (W0210
/// `invisible_character`), which get their levels with the checker's own.
#[must_use]
pub fn check_with(file: &ast::File, cli: &LintLevels, parsed: Vec<Diagnostic>) -> Checked {
    let mut unknown_lints = Vec::new();
    let mut symbols = Symbols::default();
    let levels = std::rc::Rc::new(levels::Resolver::new(&file.call, cli, &mut unknown_lints, &mut symbols));
    let mut diags = diags::Diags::new(levels);
    for d in parsed.into_iter().chain(unknown_lints) {
        diags.push(d);
    }
    for &(code, span, level) in &file.overflow {
        diags.count(code, span, level);
    }
    let mut cx = Checker {
        diags,
        symbols,
        suggestion_work: MAX_SUGGESTION_WORK,
        comments: &file.comments,
        ..Checker::default()
    };
    let spec = cx.spec(&file.call);
    let spans = Spans {
        steps: cx.symbols.run(cx.first.steps, spec.steps.len()),
        concerns: cx.symbols.run(cx.first.concerns, spec.concerns.len()),
        signals: cx.symbols.run(cx.first.signals, spec.signals.len()),
        used_signals: &cx.used_signals,
    };
    flow::lint(&spec, &spans, &mut cx.diags);
    let (diagnostics, omitted) = cx.diags.finish();
    let mut symbols = cx.symbols;
    symbols.finish();
    Checked {
        spec,
        diagnostics,
        omitted,
        symbols,
    }
}

/// Where things are in the source, for diagnostics raised on the IR.
pub(crate) struct Spans<'s> {
    /// Each step's definition.
    pub steps: &'s [symbols::Definition],
    /// Each concern's definition.
    pub concerns: &'s [symbols::Definition],
    /// Each signal's definition.
    pub signals: &'s [symbols::Definition],
    /// The signals some `on` names (even when its target does not resolve,
    /// so an unknown target does not also make its signal "unused").
    pub used_signals: &'s BTreeSet<usize>,
}

#[derive(Default)]
struct Checker<'a> {
    diags: diags::Diags,
    /// The file's comments: a fix must not remove one.
    comments: &'a [ast::Comment],
    suggestions: usize,
    /// What is left of [`MAX_SUGGESTION_WORK`].
    suggestion_work: usize,
    ids: HashMap<&'a str, (Kind, Span)>,
    /// Every id at its first declaration, in order.
    declared: Vec<&'a ast::Ident>,
    /// Whether some declared id is not ASCII: W0211 needs one (two ASCII ids
    /// are never reported), so the skeletons are not computed without one.
    non_ascii: bool,
    /// The confusable skeleton of every id declared, with the first id that
    /// has it; computed on first need (W0211, a look-alike unknown name).
    skeletons: Option<HashMap<String, (&'a str, Span)>>,
    /// The definitions of the first step, concern and signal (the others
    /// follow, in the order of the IR's vectors).
    first: First,
    /// The signals some `on` names (see [`Spans::used_signals`]).
    used_signals: BTreeSet<usize>,
    /// What is defined and referred to where.
    symbols: Symbols,
    /// The ids defined in parts the checker skips (see [`Self::declare_skipped`]).
    skipped: HashMap<&'a str, Vec<(Kind, u32)>>,
}

/// See [`Checker::first`].
#[derive(Default)]
struct First {
    steps: u32,
    concerns: u32,
    signals: u32,
}

/// The parts of the call, gathered before they are checked.
#[derive(Default)]
struct Parts<'a> {
    caller: Option<&'a ast::Party>,
    callee: Option<&'a ast::Party>,
    signals: Vec<&'a ast::Signal>,
    flow: Option<&'a ast::Flow>,
    faq: Option<&'a ast::Faq>,
    end: Option<&'a ast::EndBlock>,
    /// Blocks given again (E0105), which are not checked.
    repeated: Vec<&'a CallItem>,
}

impl<'a> Checker<'a> {
    fn spec(&mut self, call: &'a ast::Call) -> ir::Spec {
        let parts = self.gather(call);
        let fields = fields::collect(
            "call",
            call.items.iter().filter_map(as_field),
            &[fields::CALL],
            &mut self.diags,
        );

        // Declare every id first, so references can point forwards.
        self.declare(&call.id, Kind::Call, 0);
        for (party, kind) in [(parts.caller, Kind::Caller), (parts.callee, Kind::Callee)] {
            if let Some(p) = party {
                self.declare(&p.id, kind, 0);
            }
        }
        let concerns: Vec<&ast::Concern> = parts.callee.map_or_else(Vec::new, |p| {
            p.items
                .iter()
                .filter_map(|i| if let PartyItem::Concern(c) = i { Some(c) } else { None })
                .collect()
        });
        let concern_base = self.declare_all(Kind::Concern, concerns.iter().map(|c| &c.id));
        let signal_base = self.declare_all(Kind::Signal, parts.signals.iter().map(|s| &s.id));
        let steps: Vec<&ast::Step> = parts.flow.map_or_else(Vec::new, |f| {
            f.items
                .iter()
                .filter_map(|i| if let FlowItem::Step(s) = i { Some(s) } else { None })
                .collect()
        });
        let step_base = self.declare_all(Kind::Step, steps.iter().map(|s| &s.id));
        let qas: Vec<&ast::Qa> = parts.faq.map_or_else(Vec::new, |f| f.entries.iter().collect());
        self.declare_all(Kind::Qa, qas.iter().map(|q| &q.id));
        let whens: Vec<&ast::When> = parts.end.map_or_else(Vec::new, |e| e.conditions.iter().collect());
        let end_base = self.declare_all(Kind::End, whens.iter().map(|w| &w.id));
        self.declare_skipped(&parts);
        // Names in declaration order, so resolved indices match the IR's vectors.
        let names = Names {
            concerns: Index::new(concerns.iter().map(|c| c.id.name.as_str()).collect(), concern_base),
            steps: Index::new(steps.iter().map(|s| s.id.name.as_str()).collect(), step_base),
            signals: Index::new(parts.signals.iter().map(|s| s.id.name.as_str()).collect(), signal_base),
            ends: Index::new(whens.iter().map(|w| w.id.name.as_str()).collect(), end_base),
        };
        if self.non_ascii {
            // W0211 needs a non-ASCII id; the table also serves suggestions.
            self.skeletons();
        }
        self.first = First {
            steps: step_base,
            concerns: concern_base,
            signals: signal_base,
        };

        // Placeholders render against the parties' fields.
        let caller_fields = parts.caller.map(|p| self.party_fields(p));
        let callee_fields = parts.callee.map(|p| self.party_fields(p));
        let mut r = Renderer::new(
            parts.caller,
            caller_fields.as_ref(),
            parts.callee,
            callee_fields.as_ref(),
            &mut self.symbols,
        );
        r.diags = self.diags.sibling();
        skipped_fields(&mut r, call.items.iter().filter_map(as_field), &fields);

        let mut spec = ir::Spec {
            id: call.id.name.clone(),
            title: self.opt_text(&mut r, &fields, "title"),
            locale: self.locale(&mut r, &fields, call),
            opening: self.opt_text(&mut r, &fields, "opening"),
            ..ir::Spec::default()
        };
        spec.caller = self.party(&mut r, parts.caller, caller_fields.as_ref(), PartyKind::Caller, call);
        spec.callee = self.party(&mut r, parts.callee, callee_fields.as_ref(), PartyKind::Callee, call);
        spec.concerns = concerns
            .iter()
            .map(|c| ir::Concern {
                id: c.id.name.clone(),
                priority: c.priority,
                text: self.text(&mut r, &c.text),
                steps: Vec::new(),
                faq: Vec::new(),
            })
            .collect();
        spec.signals = parts
            .signals
            .iter()
            .map(|s| ir::Signal {
                id: s.id.name.clone(),
                description: s.description.as_ref().map(|t| self.text(&mut r, t)),
            })
            .collect();
        spec.ends = whens.iter().map(|w| self.when(&mut r, w)).collect();
        self.flow(&mut r, &mut spec, parts.flow, &steps, &names);
        spec.faq = qas.iter().map(|q| self.qa(&mut r, q, &names.concerns)).collect();
        for (i, step) in spec.steps.iter().enumerate() {
            for &c in &step.covers {
                spec.concerns[c].steps.push(i);
            }
        }
        for (i, qa) in spec.faq.iter().enumerate() {
            for &c in &qa.covers {
                spec.concerns[c].faq.push(i);
            }
        }
        spec.closing = self.closing(&mut r, parts.end, call);
        self.content_lints(&qas, &whens);
        self.refer_skipped(&mut r, &parts, &names);
        self.diags.absorb(std::mem::take(&mut r.diags));
        self.symbols.absorb(std::mem::take(&mut r.symbols));
        spec
    }

    /// W0205 `end_mismatch` and W0206 `duplicate_question` (W0208
    /// `silent_step` is found in [`Self::flow`], which reads every step anyway).
    fn content_lints(&mut self, qas: &[&ast::Qa], whens: &[&ast::When]) {
        let with_callee = whens.iter().find(|w| w.callee.is_some());
        for w in whens {
            if w.caller.is_some() && w.callee.is_none() {
                if let Some(other) = with_callee {
                    self.diags.push(
                        Diagnostic::new(
                            Code::W0205,
                            w.id.span,
                            format!("end condition `{}` has no callee side", w.id.name),
                        )
                        .label("the simulated callee does not know this ending")
                        .with_secondary(other.id.span, "other end conditions give the callee's wording")
                        .help(format!(
                            "add `callee \"…\"` after the caller's wording of `{}`",
                            w.id.name
                        )),
                    );
                }
            } else if w.caller.is_none() && w.callee.is_some() {
                self.diags.push(
                    Diagnostic::new(
                        Code::W0205,
                        w.id.span,
                        format!("end condition `{}` has only the callee's side", w.id.name),
                    )
                    .label("the caller does not know this ending")
                    .help(format!(
                        "write the caller's wording: `when {} \"…\" callee \"…\"`",
                        w.id.name
                    )),
                );
            }
        }
        let mut seen: BTreeMap<String, (Span, &str)> = BTreeMap::new();
        for q in qas {
            for f in q.fields.iter().filter(|f| f.name.name == "q") {
                let Value::Text(t) = &f.value else { continue };
                let key = normalise_question(t);
                if key.is_empty() {
                    continue;
                }
                if let Some((first, id)) = seen.get(&key) {
                    self.diags.push(
                        Diagnostic::new(Code::W0206, t.span, "this question is asked twice in the FAQ")
                            .label("the same question as an earlier one")
                            .with_secondary(*first, format!("first asked in `{id}`"))
                            .note("questions are compared after Unicode (NFKC) normalisation, ignoring case, spaces and punctuation")
                            .help("merge the answers into one entry, or make the questions distinct"),
                    );
                } else {
                    seen.insert(key, (t.span, &q.id.name));
                }
            }
        }
    }

    /// Sorts the call's items into parts, reporting repeats and absences.
    fn gather<'c>(&mut self, call: &'c ast::Call) -> Parts<'c> {
        let mut parts = Parts::default();
        for item in &call.items {
            match item {
                CallItem::Party(p) => {
                    let slot = match p.kind {
                        PartyKind::Caller => &mut parts.caller,
                        PartyKind::Callee => &mut parts.callee,
                    };
                    if !self.once(slot, p, p.id.span, p.kind.keyword(), |p| p.id.span) {
                        parts.repeated.push(item);
                    }
                }
                CallItem::Signal(s) => parts.signals.push(s),
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
        for (present, what, example) in [
            (parts.caller.is_some(), "caller", "caller li_ming { name \"李明\" }"),
            (parts.callee.is_some(), "callee", "callee zhang_qiang { name \"张强\" }"),
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
    fn skeletons(&mut self) -> &HashMap<String, (&'a str, Span)> {
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
    fn declare_skipped(&mut self, parts: &Parts<'a>) {
        fn concerns(p: &ast::Party) -> impl Iterator<Item = (Kind, &ast::Ident)> {
            p.items.iter().filter_map(|i| match i {
                PartyItem::Concern(c) => Some((Kind::Concern, &c.id)),
                _ => None,
            })
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
                CallItem::Flow(f) => ids.extend(f.items.iter().filter_map(|i| match i {
                    FlowItem::Step(s) => Some((Kind::Step, &s.id)),
                    _ => None,
                })),
                CallItem::Faq(f) => ids.extend(f.entries.iter().map(|q| (Kind::Qa, &q.id))),
                CallItem::End(e) => ids.extend(e.conditions.iter().map(|w| (Kind::End, &w.id))),
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
    fn refer_skipped(&mut self, r: &mut Renderer<'_>, parts: &Parts<'a>, names: &Names<'_>) {
        for item in &parts.repeated {
            match item {
                CallItem::Party(p) => {
                    for i in &p.items {
                        match i {
                            PartyItem::Field(f) => refer_fields(r, [f]),
                            PartyItem::Knows(e) | PartyItem::Background(e) => refer_entries(r, e),
                            PartyItem::Concern(c) => r.refer_text(&c.text),
                            PartyItem::Style(s) => refer_fields(r, &s.fields),
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
                    for q in &f.entries {
                        for c in &q.covers {
                            self.refer(c, Kind::Concern, &names.concerns);
                        }
                        refer_fields(r, &q.fields);
                    }
                }
                CallItem::End(e) => {
                    for w in &e.conditions {
                        for t in [&w.caller, &w.callee].into_iter().flatten() {
                            r.refer_text(t);
                        }
                    }
                    refer_fields(r, &e.fields);
                }
                CallItem::Field(_) | CallItem::Lint(_) | CallItem::Signal(_) => {}
            }
        }
    }

    /// [`Self::refer`] for the target of a transition.
    fn refer_target(&mut self, t: &Target, names: &Names<'_>) {
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

    fn text(&mut self, r: &mut Renderer<'_>, t: &Text) -> String {
        if t.is_blank() {
            self.diags.push(
                Diagnostic::new(Code::W0207, t.span, "this text is empty")
                    .label("nothing to say here")
                    .help("write the text, or remove the line"),
            );
        }
        r.render(t)
    }

    fn field_text(&mut self, r: &mut Renderer<'_>, fields: &Collected<'_>, name: &str) -> Vec<String> {
        let texts: Vec<&Text> = fields
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|f| if let Value::Text(t) = &f.value { Some(t) } else { None })
            .collect();
        texts.into_iter().map(|t| self.text(r, t)).collect()
    }

    fn opt_text(&mut self, r: &mut Renderer<'_>, fields: &Collected<'_>, name: &str) -> Option<String> {
        self.field_text(r, fields, name).into_iter().next()
    }

    fn locale(&mut self, r: &mut Renderer<'_>, fields: &Collected<'_>, call: &ast::Call) -> String {
        let Some(field) = fields.get("locale").and_then(|v| v.first()) else {
            self.diags.push(
                Diagnostic::new(Code::E0104, call.id.span, "the call has no `locale`")
                    .label("`locale` is required")
                    .help("add `locale \"zh-CN\"` (or `\"en\"`, …): it sets the language of generated prompts"),
            );
            return String::new();
        };
        let locale = self.opt_text(r, fields, "locale").unwrap_or_default();
        let ok = !locale.is_empty()
            && locale.split('-').enumerate().all(|(i, part)| {
                let n = part.len();
                part.chars().all(|c| c.is_ascii_alphanumeric())
                    && if i == 0 {
                        (2..=3).contains(&n) && part.chars().all(|c| c.is_ascii_alphabetic())
                    } else {
                        (1..=8).contains(&n)
                    }
            });
        if !ok {
            self.diags.push(
                Diagnostic::new(
                    Code::E0106,
                    field.value.span(),
                    format!("`{locale}` is not a language tag"),
                )
                .label("expected a tag such as \"zh-CN\" or \"en\"")
                .note("locales are BCP 47 language tags: a language, then optional subtags joined by `-`"),
            );
        }
        locale
    }

    fn party_fields<'p>(&mut self, p: &'p ast::Party) -> Collected<'p> {
        let block = p.kind.keyword();
        let only = match p.kind {
            PartyKind::Caller => fields::CALLER_ONLY,
            PartyKind::Callee => fields::CALLEE_ONLY,
        };
        let fs = p.items.iter().filter_map(as_party_field);
        fields::collect(block, fs, &[fields::PARTY, only], &mut self.diags)
    }

    fn party(
        &mut self,
        r: &mut Renderer<'_>,
        p: Option<&ast::Party>,
        fields: Option<&Collected<'_>>,
        kind: PartyKind,
        call: &ast::Call,
    ) -> ir::Party {
        let (Some(p), Some(fields)) = (p, fields) else {
            return ir::Party::default();
        };
        let block = kind.keyword();
        if !fields.contains_key("name") {
            self.diags.push(
                Diagnostic::new(Code::E0104, p.id.span, format!("the {block} has no `name`"))
                    .label("`name` is required")
                    .help(format!("add `name \"…\"` inside `{block} {} {{ … }}`", p.id.name)),
            );
        }
        let _ = call;
        skipped_fields(r, p.items.iter().filter_map(as_party_field), fields);
        let mut out = ir::Party {
            id: p.id.name.clone(),
            name: self.opt_text(r, fields, "name").unwrap_or_default(),
            org: self.opt_text(r, fields, "org"),
            role: self.opt_text(r, fields, "role"),
            persona: self.opt_text(r, fields, "persona"),
            task: self.opt_text(r, fields, "task"),
            behavior: self.field_text(r, fields, "behavior"),
            ..ir::Party::default()
        };
        if let Some(f) = fields.get("gender").and_then(|v| v.first())
            && let Value::Word(w) = &f.value
        {
            {
                if matches!(w.name.as_str(), "male" | "female" | "other") {
                    out.gender = Some(w.name.clone());
                } else {
                    let mut d =
                        Diagnostic::new(Code::E0106, w.span, format!("`{}` is not a gender callc knows", w.name))
                            .label("expected `male`, `female` or `other`");
                    if let Some(best) = suggest(&w.name, ["male", "female", "other"]) {
                        d = d.help(format!("did you mean `{best}`?")).fix(w.span, best);
                    }
                    self.diags.push(d);
                }
            }
        }
        if let Some(f) = fields.get("age").and_then(|v| v.first())
            && let Value::Integer(n, span) = &f.value
        {
            {
                match n.parse::<u32>() {
                    Ok(age) if age <= 150 => out.age = Some(age),
                    _ => self.diags.push(
                        Diagnostic::new(Code::E0106, *span, format!("`{n}` is not a plausible age"))
                            .label("expected a whole number from 0 to 150"),
                    ),
                }
            }
        }
        // The party's labels are numbered across its blocks; the last block
        // gives the IR's list (a block given twice is E0105).
        let named = |i: &PartyItem| match i {
            PartyItem::Knows(_) => kind == PartyKind::Caller,
            PartyItem::Background(_) => kind == PartyKind::Callee,
            _ => false,
        };
        let last = p.items.iter().rposition(named);
        let mut label = 0;
        for (n, item) in p.items.iter().enumerate() {
            match item {
                PartyItem::Knows(e) if kind == PartyKind::Caller => {
                    out.knows = self.entries(r, e, "knows", label, Some(n) == last);
                    label += e.entries.len();
                }
                PartyItem::Background(e) if kind == PartyKind::Callee => {
                    out.background = self.entries(r, e, "background", label, Some(n) == last);
                    label += e.entries.len();
                }
                PartyItem::Style(s) if kind == PartyKind::Callee => {
                    let fs = fields::collect("style", &s.fields, &[fields::STYLE], &mut self.diags);
                    skipped_fields(r, &s.fields, &fs);
                    out.style = ir::Style {
                        note: self.opt_text(r, &fs, "note"),
                        avoid: self.field_text(r, &fs, "avoid"),
                        prefer: self.field_text(r, &fs, "prefer"),
                    };
                }
                PartyItem::Concern(_) if kind == PartyKind::Callee => {}
                PartyItem::Knows(e) => {
                    self.misplaced("knows", e.keyword, block, "caller");
                    refer_entries(r, e);
                }
                PartyItem::Background(e) => {
                    self.misplaced("background", e.keyword, block, "callee");
                    refer_entries(r, e);
                }
                PartyItem::Style(s) => {
                    self.misplaced("style", s.keyword, block, "callee");
                    refer_fields(r, &s.fields);
                }
                PartyItem::Concern(c) => {
                    self.misplaced("concern", c.span, block, "callee");
                    r.refer_text(&c.text);
                }
                PartyItem::Field(_) | PartyItem::Lint(_) => {}
            }
        }
        self.repeated_blocks(p);
        out
    }

    /// `knows`, `background` and `style` may appear once per party.
    fn repeated_blocks(&mut self, p: &ast::Party) {
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

    fn misplaced(&mut self, what: &str, at: Span, block: &str, home: &str) {
        let span = Span::new(at.start, at.start + what.len());
        self.diags.push(
            Diagnostic::new(Code::E0107, span, format!("`{what}` is not part of `{block}`"))
                .label(format!("`{what}` belongs in `{home}`"))
                .help(format!("move it into the `{home}` block")),
        );
    }

    /// The entries of a `knows` or `background` block, whose first label is
    /// the party's `label`-th; `in_ir` when they are the ones the IR keeps.
    fn entries(
        &mut self,
        r: &mut Renderer<'_>,
        e: &ast::Entries,
        block: &str,
        label: usize,
        in_ir: bool,
    ) -> Vec<(String, String)> {
        // Each label's first place, and its item in the IR.
        let mut seen: BTreeMap<&str, (Span, usize)> = BTreeMap::new();
        let mut out = Vec::new();
        for (k, entry) in e.entries.iter().enumerate() {
            let definition = r.label_definition(block, label + k).filter(|_| in_ir);
            if let Some(&(first, item)) = seen.get(entry.label.as_str()) {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0105,
                        entry.label_span,
                        format!("`{}` is given twice in `{block}`", entry.label),
                    )
                    .label("given again here")
                    .with_secondary(first, "first given here")
                    .help("keep one of them, or give them different labels"),
                );
                // The repeated label stands for the value the first gives.
                if let Some(d) = definition {
                    self.symbols.set_item(d, item);
                }
                r.refer_text(&entry.value);
                continue;
            }
            seen.insert(&entry.label, (entry.label_span, out.len()));
            if let Some(d) = definition {
                self.symbols.set_item(d, out.len());
            }
            let value = self.text(r, &entry.value);
            out.push((entry.label.clone(), value));
        }
        out
    }

    fn when(&mut self, r: &mut Renderer<'_>, w: &ast::When) -> ir::EndCondition {
        if w.caller.is_none() && w.callee.is_none() {
            self.diags.push(
                Diagnostic::new(
                    Code::E0104,
                    w.id.span,
                    format!("end condition `{}` has no wording", w.id.name),
                )
                .label("say when the call ends this way")
                .help(format!("write `when {} \"…\" callee \"…\"`", w.id.name)),
            );
        }
        ir::EndCondition {
            id: w.id.name.clone(),
            caller: w.caller.as_ref().map(|t| self.text(r, t)),
            callee: w.callee.as_ref().map(|t| self.text(r, t)),
        }
    }

    fn closing(&mut self, r: &mut Renderer<'_>, end: Option<&ast::EndBlock>, _call: &ast::Call) -> String {
        let Some(end) = end else { return String::new() };
        let fs = fields::collect("end", &end.fields, &[fields::END], &mut self.diags);
        skipped_fields(r, &end.fields, &fs);
        if !fs.contains_key("closing") {
            self.diags.push(
                Diagnostic::new(Code::E0104, end.keyword, "the `end` block has no `closing`")
                    .label("`closing` is required")
                    .help("add the line the caller ends the call with: `closing \"…\"`"),
            );
        }
        self.opt_text(r, &fs, "closing").unwrap_or_default()
    }

    fn qa(&mut self, r: &mut Renderer<'_>, q: &ast::Qa, concerns: &Index<'_>) -> ir::Qa {
        let fs = fields::collect("qa", &q.fields, &[fields::QA], &mut self.diags);
        skipped_fields(r, &q.fields, &fs);
        for (name, what) in [("q", "question"), ("a", "answer")] {
            if !fs.contains_key(name) {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0104,
                        q.id.span,
                        format!("FAQ entry `{}` has no {what}", q.id.name),
                    )
                    .label(format!("`{name}` is required"))
                    .help(format!("add `{name} \"…\"` inside the entry")),
                );
            }
        }
        let covers = self.covers(&q.covers, concerns, &Named("FAQ entry", &q.id.name));
        ir::Qa {
            id: q.id.name.clone(),
            questions: self.field_text(r, &fs, "q"),
            answer: self.opt_text(r, &fs, "a").unwrap_or_default(),
            covers,
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

    fn covers(&mut self, covers: &[ast::Ident], names: &Index<'_>, ctx: &dyn Display) -> Vec<usize> {
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

    fn flow(
        &mut self,
        r: &mut Renderer<'_>,
        spec: &mut ir::Spec,
        flow: Option<&ast::Flow>,
        steps: &[&ast::Step],
        names: &Names<'_>,
    ) {
        let Some(flow) = flow else { return };
        if steps.is_empty() {
            self.diags.push(
                Diagnostic::new(Code::E0104, flow.keyword, "the flow has no step")
                    .label("a flow needs at least one step")
                    .help("add a step, such as `step greet \"开场\" { say \"您好\" }`"),
            );
        }
        spec.steps.reserve_exact(steps.len());
        let mut global: Vec<ir::Branch> = Vec::new();
        let mut global_seen: BTreeMap<String, Span> = BTreeMap::new();
        for item in &flow.items {
            if let FlowItem::Branch(b) = item
                && let Some(br) = self.branch(b, names, &mut global_seen, &"the flow", true)
            {
                global.push(br);
            }
        }
        // A signal has at most one global branch (a second is E0105).
        let global_of_signal: HashMap<usize, usize> = global.iter().enumerate().map(|(g, b)| (b.signal, g)).collect();
        spec.global_branches = global;

        for (i, s) in steps.iter().enumerate() {
            let ctx = Named("step", &s.id.name);
            let mut lines = Vec::new();
            let mut next: Option<(ir::Target, Span)> = None;
            let mut next_written = false;
            let mut own: Vec<ir::Branch> = Vec::new();
            let mut seen: BTreeMap<String, Span> = BTreeMap::new();
            for item in &s.items {
                match item {
                    StepItem::Say(t) => lines.push(self.text(r, t)),
                    StepItem::Next(tr) => {
                        if let Some((_, first)) = &next {
                            let kw = if tr.arrow { "->" } else { "next" };
                            self.diags.push(
                                Diagnostic::new(
                                    Code::E0105,
                                    tr.span,
                                    format!("step `{}` has two successors", s.id.name),
                                )
                                .label(format!("`{kw}` given again here"))
                                .with_secondary(*first, "first successor given here")
                                .note("`next X` and `-> X` both set the step that follows; write one")
                                .help("use `on SIGNAL -> X` for a branch taken on a signal"),
                            );
                            self.refer_target(&tr.target, names);
                            continue;
                        }
                        next_written = true;
                        let target = self.target(&tr.target, names, &ctx);
                        next = Some((target.unwrap_or(ir::Target::End(None)), tr.span));
                    }
                    StepItem::Branch(b) => {
                        if let Some(br) = self.branch(b, names, &mut seen, &ctx, false) {
                            own.push(br);
                        }
                    }
                    StepItem::Lint(_) => {}
                }
            }
            if lines.is_empty() {
                // W0208 `silent_step`.
                self.diags.push(
                    Diagnostic::new(
                        Code::W0208,
                        s.id.span,
                        format!("step `{}` has nothing to say", s.id.name),
                    )
                    .label("no `say` in this step")
                    .help("add the caller's line: `say \"…\"`"),
                );
            }
            let default = if i + 1 < steps.len() {
                ir::Target::Step(i + 1)
            } else {
                ir::Target::End(None)
            };
            // Which global branches the step's own override: one look-up per
            // own branch, so a step costs O(own), however many globals.
            let mut overrides: Vec<usize> = own
                .iter()
                .filter_map(|b| global_of_signal.get(&b.signal).copied())
                .collect();
            overrides.sort_unstable();
            let title = s.title.as_ref().map(|t| self.text(r, t));
            let covers = self.covers(&s.covers, &names.concerns, &ctx);
            spec.steps.push(ir::Step {
                id: s.id.name.clone(),
                title,
                lines,
                covers,
                next: next.map_or(default, |(t, _)| t),
                next_explicit: next_written,
                branches: own,
                overrides,
            });
        }
    }

    fn branch(
        &mut self,
        b: &ast::Branch,
        names: &Names<'_>,
        seen: &mut BTreeMap<String, Span>,
        ctx: &dyn Display,
        global: bool,
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
            signal: signal?,
            target: target?,
            global,
        })
    }

    fn target(&mut self, t: &Target, names: &Names<'_>, ctx: &dyn Display) -> Option<ir::Target> {
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
struct Named<'a>(&'static str, &'a str);

impl Display for Named<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} `{}`", self.0, self.1)
    }
}

/// The ids of one kind, in declaration order (the order of the IR's
/// vectors), with a map for lookups in constant time.
struct Index<'a> {
    names: Vec<&'a str>,
    map: std::collections::HashMap<&'a str, usize>,
    /// The definition of the first (the others follow it).
    base: u32,
}

impl<'a> Index<'a> {
    fn new(names: Vec<&'a str>, base: u32) -> Self {
        let mut map = std::collections::HashMap::with_capacity(names.len());
        for (i, n) in names.iter().enumerate() {
            // A duplicate id (E0101) resolves to its first definition.
            map.entry(*n).or_insert(i);
        }
        Self { names, map, base }
    }
}

struct Names<'a> {
    concerns: Index<'a>,
    steps: Index<'a>,
    signals: Index<'a>,
    ends: Index<'a>,
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

/// How `name` differs from `other`, which looks the same: the first
/// characters that differ, by code point, or the normalisation form.
fn difference(name: &str, other: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let (mine, theirs): (String, String) = (name.nfc().collect(), other.nfc().collect());
    if mine == theirs {
        return format!(
            "`{name}` and `{other}` are the same letters in different Unicode normalisation forms (composed and decomposed accents)"
        );
    }
    let shown = |c: Option<char>| c.map_or_else(|| "nothing".to_owned(), |c| format!("`{c}` (U+{:04X})", u32::from(c)));
    let mut pairs = mine
        .chars()
        .map(Some)
        .chain(std::iter::repeat(None))
        .zip(theirs.chars().map(Some).chain(std::iter::repeat(None)));
    let (here, there) = pairs.find(|(l, r)| l != r).unwrap_or_default();
    format!("`{name}` has {} where `{other}` has {}", shown(here), shown(there))
}

/// A question's comparison key: NFKC, lower case, letters and digits only.
fn normalise_question(t: &Text) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut raw = String::new();
    for p in &t.parts {
        match p {
            ast::TextPart::Literal(s) => raw.push_str(s),
            ast::TextPart::Placeholder(p) => raw.push_str(&p.path),
        }
    }
    raw.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn as_field(item: &CallItem) -> Option<&ast::Field> {
    if let CallItem::Field(f) = item { Some(f) } else { None }
}

fn as_party_field(item: &PartyItem) -> Option<&ast::Field> {
    if let PartyItem::Field(f) = item { Some(f) } else { None }
}

/// Records the placeholders of the fields [`fields::collect`] did not keep
/// (unknown, misplaced, repeated, mistyped): they are never rendered.
fn skipped_fields<'f>(r: &mut Renderer<'_>, all: impl IntoIterator<Item = &'f ast::Field>, kept: &Collected<'_>) {
    let mut kept: Vec<usize> = kept.values().flatten().map(|f| std::ptr::from_ref(*f).addr()).collect();
    kept.sort_unstable();
    refer_fields(
        r,
        all.into_iter()
            .filter(|f| kept.binary_search(&std::ptr::from_ref(*f).addr()).is_err()),
    );
}

/// Records the placeholders of fields that are not rendered.
fn refer_fields<'f>(r: &mut Renderer<'_>, fields: impl IntoIterator<Item = &'f ast::Field>) {
    for f in fields {
        if let Value::Text(t) = &f.value {
            r.refer_text(t);
        }
    }
}

/// Records the placeholders of labelled entries that are not rendered.
fn refer_entries(r: &mut Renderer<'_>, e: &ast::Entries) {
    for entry in &e.entries {
        r.refer_text(&entry.value);
    }
}
