//! Checking: [`ast::File`] → [`ir::Spec`], the [`Symbols`] it resolved,
//! and diagnostics.
//!
//! One pass, in the order of `Checker::spec`: `gather` sorts the blocks
//! and declares every id in the one namespace (E0101, E0104, E0105);
//! `build` checks each part's fields (`fields`, E0104–E0107) and makes its
//! part of the IR, rendering strings (`render`, E0103) and resolving names
//! (`resolve`, E0102), which records them in the symbol table (`symbols`);
//! `lints`, `flow` and `listen` raise the content and graph lints; `levels` gives
//! every diagnostic its level and `diags` keeps the list bounded. The
//! resulting spec is complete even when there are errors (missing parts are
//! empty), so the lints always run: a run reports every problem at once.

mod build;
mod callees;
mod diags;
mod fields;
mod flow;
mod gather;
mod levels;
mod lints;
mod listen;
mod paths;
mod render;
mod resolve;
pub mod symbols;
mod turns;
mod vars;

use std::collections::{BTreeSet, HashMap};

use crate::ast::{self, CallItem, PartyKind};
use crate::diagnostic::Diagnostic;
use crate::ir;
use crate::lang::Block;
use crate::source::Span;

pub use levels::LintLevels;
pub use symbols::Symbols;

use render::{CalleeEnv, Renderer};
use resolve::skipped_fields;
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
        ends: cx.symbols.run(cx.first.ends, spec.ends.len()),
        captures: cx.symbols.run(cx.first.captures, spec.captures.len()),
        transfers: cx.symbols.run(cx.first.transfers, spec.transfers.len()),
        used_signals: &cx.used_signals,
        call: &file.call,
    };
    flow::lint(&spec, &spans, &mut cx.diags);
    listen::lint(&spec, &spans, &mut cx.diags);
    paths::lint(&spec, &spans, &mut cx.diags);
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
    /// Each end condition's definition.
    pub ends: &'s [symbols::Definition],
    /// Each capture's definition.
    pub captures: &'s [symbols::Definition],
    /// Each transfer's definition.
    pub transfers: &'s [symbols::Definition],
    /// The signals some `on` names (even when its target does not resolve,
    /// so an unknown target does not also make its signal "unused").
    pub used_signals: &'s BTreeSet<usize>,
    /// The call as written, for the places of targets and branches.
    pub call: &'s ast::Call,
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
    ends: u32,
    captures: u32,
    transfers: u32,
}

/// The parts of the call, gathered before they are checked.
#[derive(Default)]
struct Parts<'a> {
    caller: Option<&'a ast::Party>,
    /// The callees, in order.
    callees: Vec<&'a ast::Party>,
    /// The `vars` block.
    vars: Option<&'a ast::Vars>,
    /// Concerns written again: in another callee (with the index of the
    /// concern they restate) or in the same one (`None`, E0101).
    restated: Vec<(&'a ast::Concern, Option<usize>)>,
    signals: Vec<&'a ast::Signal>,
    flow: Option<&'a ast::Flow>,
    faq: Option<&'a ast::Faq>,
    end: Option<&'a ast::EndBlock>,
    /// The callee's concerns, the flow's steps, the FAQ's entries and the
    /// end conditions, in order.
    concerns: Vec<&'a ast::Concern>,
    steps: Vec<&'a ast::Step>,
    qas: Vec<&'a ast::Qa>,
    whens: Vec<&'a ast::When>,
    /// Every step's captures with the index of their step, in order (the
    /// order of [`ir::Spec::captures`]).
    captures: Vec<(usize, &'a ast::Capture)>,
    /// The transfers of `end`, in order.
    transfers: Vec<&'a ast::Transfer>,
    /// Blocks given again (E0105), which are not checked.
    repeated: Vec<&'a CallItem>,
}

impl<'a> Checker<'a> {
    fn spec(&mut self, call: &'a ast::Call) -> ir::Spec {
        let parts = self.gather(call);
        let fields = fields::collect("call", call.fields(), Block::Call, &mut self.diags);

        let names = self.declare_ids(call, &parts);

        // Placeholders render against the parties' fields and name the
        // per-call variables.
        let declared_vars = self.declare_vars(parts.vars);
        let bases = self.bases(&parts.callees, &names);
        let caller_fields = parts.caller.map(|p| self.party_fields(p));
        let callee_fields: Vec<_> = parts.callees.iter().map(|p| self.party_fields(p)).collect();
        let callee_envs: Vec<CalleeEnv<'_>> = parts
            .callees
            .iter()
            .zip(&callee_fields)
            .zip(&bases)
            .map(|((p, fields), base)| CalleeEnv {
                id: &p.id.name,
                base: *base,
                party: p,
                fields: Some(fields),
            })
            .collect();
        let var_defs: Vec<(&str, u32)> = declared_vars.iter().map(|(v, d)| (v.id.name.as_str(), *d)).collect();
        let mut r = Renderer::new(
            parts.caller,
            caller_fields.as_ref(),
            &callee_envs,
            &var_defs,
            &mut self.symbols,
        );
        r.diags = self.diags.sibling();
        skipped_fields(&mut r, call.fields(), &fields);

        let mut spec = ir::Spec {
            id: call.id.name.clone(),
            title: self.opt_fixed(&mut r, &fields, "title", "the call's title"),
            locale: self.locale(&mut r, &fields, call),
            opening: self.opt_text(&mut r, &fields, "opening"),
            ..ir::Spec::default()
        };
        spec.vars = self.vars(&mut r, &declared_vars);
        spec.caller = self.party(
            &mut r,
            parts.caller,
            caller_fields.as_ref(),
            PartyKind::Caller,
            &names,
            false,
        );
        spec.callees = self.callees(&mut r, &parts.callees, &callee_fields, &bases, &names);
        spec.concerns = parts
            .concerns
            .iter()
            .map(|c| ir::Concern {
                id: c.id.name.clone(),
                steps: Vec::new(),
                faq: Vec::new(),
            })
            .collect();
        spec.signals = parts.signals.iter().map(|s| self.signal(&mut r, s)).collect();
        spec.ends = parts.whens.iter().map(|w| self.when(&mut r, w, &names)).collect();
        spec.transfers = parts
            .transfers
            .iter()
            .map(|t| self.transfer(&mut r, t, &names))
            .collect();
        (spec.first_speaker, spec.silence_timeout, spec.silence_timeout_explicit) = self.turn_fields(&fields);
        self.flow(&mut r, &mut spec, parts.flow, &parts.steps, &names);
        spec.faq = parts.qas.iter().map(|q| self.qa(&mut r, q, &names)).collect();
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
        spec.closing = self.closing(&mut r, parts.end);
        self.content_lints(&parts.qas, &parts.whens);
        self.refer_skipped(&mut r, &parts, &names);
        self.unused_vars(&declared_vars, &r.used_vars);
        self.diags.absorb(std::mem::take(&mut r.diags));
        self.symbols.absorb(std::mem::take(&mut r.symbols));
        spec
    }
}

/// How `name` differs from `other`, which looks the same: the first
/// characters that differ, by code point, or the normalisation form.
pub(crate) fn difference(name: &str, other: &str) -> String {
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
