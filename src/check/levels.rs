//! Lint levels: the defaults, then `-A/-W/-D` from the command line (last
//! wins), then `allow`/`warn`/`deny` in the spec (the innermost enclosing
//! block wins). Unknown lint names in a spec are W0209.

use crate::ast::{Call, CallItem, LintAttr, PartyItem};
use crate::codes::{Code, Level};
use crate::diagnostic::Diagnostic;
use crate::source::Span;

use std::fmt::Write as _;

use super::suggest;
use super::symbols::{Kind, Symbols};

/// The lint name that stands for every lint.
pub const ALL_LINTS: &str = "warnings";

/// Lint levels set outside the spec (the command line), in order.
#[derive(Clone, Debug, Default)]
pub struct LintLevels {
    settings: Vec<(Option<Code>, Level)>,
}

impl LintLevels {
    /// Adds a setting; `lint` is a lint name or `warnings` (every lint).
    ///
    /// # Errors
    /// An unknown lint name, with the closest known name if there is one.
    pub fn set(&mut self, lint: &str, level: Level) -> Result<(), String> {
        let code = lookup(lint)?;
        self.settings.push((code, level));
        Ok(())
    }

    /// Applies these levels to diagnostics that have no spec around them
    /// (the importer's), dropping the allowed ones.
    pub fn apply_to(&self, diags: &mut Vec<Diagnostic>) {
        for d in diags.iter_mut() {
            if d.code.lint().is_some()
                && let Some(level) = self.level_of(d.code)
            {
                d.level = level;
            }
        }
        diags.retain(|d| d.level != Level::Allow);
    }

    fn level_of(&self, code: Code) -> Option<Level> {
        self.settings
            .iter()
            .rev()
            .find(|(c, _)| c.is_none_or(|c| c == code))
            .map(|(_, l)| *l)
    }
}

/// Looks a lint name up: `Ok(None)` is `warnings`.
fn lookup(lint: &str) -> Result<Option<Code>, String> {
    if lint == ALL_LINTS {
        return Ok(None);
    }
    if let Some(code) = Code::from_lint(lint) {
        return Ok(Some(code));
    }
    // A code is accepted too (`-A W0208`).
    if let Some(code) = Code::lookup(lint).filter(|c| c.lint().is_some()) {
        return Ok(Some(code));
    }
    let mut msg = format!("unknown lint `{lint}`");
    if let Some(best) = suggest(lint, Code::lint_names().chain([ALL_LINTS])) {
        let _ = write!(msg, "; did you mean `{best}`?");
    }
    Err(msg)
}

/// Every `allow`/`warn`/`deny` in the spec with the span it governs: the
/// block it is written in.
fn attributes(call: &Call) -> Vec<(&LintAttr, Span)> {
    fn block<'a>(out: &mut Vec<(&'a LintAttr, Span)>, lints: impl Iterator<Item = &'a LintAttr>, span: Span) {
        out.extend(lints.map(|a| (a, span)));
    }
    let mut out = Vec::new();
    block(&mut out, call.lints(), call.span);
    for item in &call.items {
        match item {
            CallItem::Party(p) => {
                block(&mut out, p.lints(), p.span);
                for i in &p.items {
                    match i {
                        PartyItem::Knows(e) | PartyItem::Background(e) => block(&mut out, e.lints(), e.span),
                        PartyItem::Style(s) => block(&mut out, s.lints(), s.span),
                        PartyItem::Field(_) | PartyItem::Lint(_) | PartyItem::Concern(_) => {}
                    }
                }
            }
            CallItem::Flow(f) => {
                block(&mut out, f.lints(), f.span);
                for s in f.steps() {
                    block(&mut out, s.lints(), s.span);
                }
            }
            CallItem::Faq(f) => {
                block(&mut out, f.lints(), f.span);
                for q in f.qas() {
                    block(&mut out, q.lints(), q.span);
                }
            }
            CallItem::End(e) => block(&mut out, e.lints(), e.span),
            CallItem::Signal(s) => block(&mut out, s.lints(), s.span),
            CallItem::Vars(v) => block(&mut out, v.lints(), v.span),
            CallItem::Field(_) | CallItem::Lint(_) => {}
        }
    }
    out
}

/// The final level of each diagnostic of one spec: the spec's lint
/// attributes (innermost block first) over the command line's over the
/// diagnostic's default.
pub(crate) struct Resolver {
    known: Vec<(Option<Code>, Level, Span)>,
    scopes: Scopes,
    cli: LintLevels,
}

impl Resolver {
    /// Reads the spec's lint attributes, recording each lint name in
    /// `symbols`; an unknown lint name is a W0209, pushed onto `diags`.
    pub(crate) fn new(call: &Call, cli: &LintLevels, diags: &mut Vec<Diagnostic>, symbols: &mut Symbols) -> Self {
        let attrs = attributes(call);
        let mut known: Vec<(Option<Code>, Level, Span)> = Vec::new();
        for (a, scope) in &attrs {
            symbols.refer(Kind::Lint, a.lint.span, a.lint.span, None);
            match lookup(&a.lint.name) {
                Ok(code) => known.push((code, a.level, *scope)),
                Err(_) => {
                    let mut d = Diagnostic::new(Code::W0209, a.lint.span, format!("unknown lint `{}`", a.lint.name))
                        .label("callc has no lint of this name");
                    if let Some(best) = suggest(&a.lint.name, Code::lint_names().chain([ALL_LINTS])) {
                        d = d.help(format!("did you mean `{best}`?")).fix(a.lint.span, best);
                    } else {
                        let names: Vec<String> = Code::lint_names().map(|n| format!("`{n}`")).collect();
                        d = d.note(format!("the lints are {}", names.join(", ")));
                    }
                    diags.push(d);
                }
            }
        }
        let scopes = Scopes::new(&known);
        Self {
            known,
            scopes,
            cli: cli.clone(),
        }
    }

    /// The final level of a diagnostic of `code` at `span`, from its `default`.
    pub(crate) fn level(&self, code: Code, span: Span, default: Level) -> Level {
        if code.lint().is_none() {
            return default;
        }
        // Innermost scope first; among equal scopes, the last written wins.
        let from_spec = if span.start < span.end {
            self.scopes.level(code, span)
        } else {
            self.known
                .iter()
                .enumerate()
                .filter(|(_, (c, _, scope))| c.is_none_or(|c| c == code) && scope.contains(span))
                .min_by_key(|(i, (_, _, scope))| (scope.end - scope.start, usize::MAX - i))
                .map(|(_, (_, l, _))| *l)
        };
        from_spec.or_else(|| self.cli.level_of(code)).unwrap_or(default)
    }

    /// Sets a diagnostic's final level.
    pub(crate) fn set(&self, d: &mut Diagnostic) {
        d.level = self.level(d.code, d.span, d.level);
    }
}

/// The blocks that carry lint attributes, as a tree (blocks nest and never
/// overlap otherwise), each with the last level written in it per lint: the
/// level of a diagnostic is then found by walking up from the innermost
/// block, a few steps, instead of comparing it with every attribute of the
/// file (quadratic with tens of thousands of steps that each say `allow …`).
struct Scopes {
    /// Sorted by start, an enclosing block before the blocks it holds.
    scopes: Vec<Scope>,
}

struct Scope {
    span: Span,
    parent: Option<usize>,
    /// Per lint, the index (in writing order) and level of its last attribute here.
    lints: std::collections::BTreeMap<Code, (usize, Level)>,
    /// The same for `warnings` (every lint).
    all: Option<(usize, Level)>,
}

impl Scopes {
    fn new(known: &[(Option<Code>, Level, Span)]) -> Self {
        let mut by_span: std::collections::BTreeMap<(usize, std::cmp::Reverse<usize>), Scope> =
            std::collections::BTreeMap::new();
        for (i, (code, level, span)) in known.iter().enumerate() {
            let scope = by_span
                .entry((span.start, std::cmp::Reverse(span.end)))
                .or_insert_with(|| Scope {
                    span: *span,
                    parent: None,
                    lints: std::collections::BTreeMap::new(),
                    all: None,
                });
            match code {
                Some(c) => {
                    scope.lints.insert(*c, (i, *level));
                }
                None => scope.all = Some((i, *level)),
            }
        }
        let mut scopes: Vec<Scope> = by_span.into_values().collect();
        let mut open: Vec<usize> = Vec::new();
        for i in 0..scopes.len() {
            while open
                .last()
                .is_some_and(|&top| !scopes[top].span.contains(scopes[i].span))
            {
                open.pop();
            }
            scopes[i].parent = open.last().copied();
            open.push(i);
        }
        Self { scopes }
    }

    /// The level the innermost block around `span` (not empty) sets for `code`.
    fn level(&self, code: Code, span: Span) -> Option<Level> {
        // Every block that holds `span` encloses the last block starting at or before it.
        let mut at = self
            .scopes
            .partition_point(|s| s.span.start <= span.start)
            .checked_sub(1);
        while let Some(i) = at {
            let scope = &self.scopes[i];
            if scope.span.contains(span) {
                let last = [scope.lints.get(&code).copied(), scope.all]
                    .into_iter()
                    .flatten()
                    .max_by_key(|(i, _)| *i);
                if let Some((_, level)) = last {
                    return Some(level);
                }
            }
            at = scope.parent;
        }
        None
    }
}
