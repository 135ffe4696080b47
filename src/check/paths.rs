//! W0220 `uncovered_on_path`: a path through the call on which a callee's
//! primary concern is never addressed by a step.
//!
//! A concern is addressed on a path when a step on it `covers` the
//! concern. The FAQ does not count: the callee may never ask. For each
//! concern that is primary for some callee, one search from the start
//! that never enters a covering step ([`paths::search`]) answers exactly
//! whether some path reaches an outcome without it, and gives the shortest
//! such path for the message — no enumeration, so no bound. O((steps +
//! branches + global branches) × concerns checked).
//!
//! Which paths count: the callee is on the line and talking. Branches on
//! `voicemail`, `no_answer` and `hangup` are not followed (nobody is there
//! to address), nor `silence` (a callee who says nothing raises nothing);
//! a transfer that succeeds is not an outcome here (a person takes the
//! call on and can answer), its fallback is followed. A step's `retry`
//! target counts as reached once the step runs, as for the other flow
//! checks. A concern no step or FAQ entry covers at all is W0203's, not
//! reported again; nothing is
//! reported while a step's `covers` names an unknown concern (E0102).
//!
//! Reported once per concern and place of definition: a callee that
//! inherits the concern without restating it shares its base's report, so
//! `allow uncovered_on_path` in a callee's block silences that callee's.

use crate::ast::{self, Priority};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::ir::Spec;
use crate::ir::paths::{self, At, Events, Outcome, Rules};
use crate::source::Span;

use super::Spans;

/// How many moves the message tells in words.
const TOLD: usize = 4;

/// How many nodes the note's arrows show before eliding the middle.
const SHOWN: usize = 12;

/// How many other outcomes get a note with their shortest path.
const NAMED: usize = 3;

/// W0220 (see the module).
pub(crate) fn lint(spec: &Spec, spans: &Spans<'_>, diags: &mut super::diags::Diags) {
    let n = spec.steps.len();
    if n == 0 || spans.steps.len() != n || spans.concerns.len() != spec.concerns.len() {
        return;
    }
    if unresolved_covers(spec, spans) {
        return;
    }
    let mut primary_for: Vec<Vec<usize>> = vec![Vec::new(); spec.concerns.len()];
    for (p, callee) in spec.callees.iter().enumerate() {
        for stance in &callee.concerns {
            if stance.priority == Priority::Primary
                && let Some(list) = primary_for.get_mut(stance.concern)
                && !list.contains(&p)
            {
                list.push(p);
            }
        }
    }
    let callees: Vec<&ast::Party> = spans
        .call
        .items
        .iter()
        .filter_map(|item| match item {
            ast::CallItem::Party(p) if p.kind == ast::PartyKind::Callee => Some(p),
            _ => None,
        })
        .collect();
    let rules = Rules {
        events: Events::NONE,
        transfers_end: false,
        retries: true,
    };
    for (c, concern) in spec.concerns.iter().enumerate() {
        if primary_for[c].is_empty() || (concern.steps.is_empty() && concern.faq.is_empty()) {
            continue;
        }
        let reach = paths::search(spec, &rules, |i| spec.steps[i].covers.contains(&c));
        if reach.outcomes().is_empty() {
            continue;
        }
        // The callees it is primary for, grouped by where their stance is written.
        let mut groups: Vec<(Span, Vec<usize>)> = Vec::new();
        for &p in &primary_for[c] {
            let span = definition(spec, &callees, p, c).unwrap_or_else(|| spans.concerns[c].span());
            match groups.iter_mut().find(|(s, _)| *s == span) {
                Some((_, list)) => list.push(p),
                None => groups.push((span, vec![p])),
            }
        }
        for (span, group) in groups {
            diags.push(diagnostic(spec, spans, c, &reach, span, &group));
        }
    }
}

/// Whether a step's `covers` names something that is not a concern (an
/// E0102): what covers what is then not known, and every path would look
/// uncovered.
fn unresolved_covers(spec: &Spec, spans: &Spans<'_>) -> bool {
    spans.call.items.iter().any(|item| match item {
        ast::CallItem::Flow(f) => f
            .steps()
            .flat_map(|s| &s.covers)
            .any(|id| !spec.concerns.iter().any(|c| c.id == id.name)),
        _ => false,
    })
}

/// Where callee `p`'s stance on concern `c` is written: in its own block,
/// else in the block of the callee it inherits it from.
fn definition(spec: &Spec, callees: &[&ast::Party], p: usize, c: usize) -> Option<Span> {
    let id = &spec.concerns[c].id;
    let mut at = Some(p);
    for _ in 0..=callees.len() {
        let q = at?;
        if let Some(found) = callees.get(q)?.concerns().find(|k| k.id.name == *id) {
            return Some(found.id.span);
        }
        at = spec.callees.get(q)?.extends;
    }
    None
}

/// How a message names a callee: its name when it is plain text, else its id.
fn callee_name(spec: &Spec, p: usize) -> String {
    let callee = &spec.callees[p];
    match callee.name.as_lit() {
        Some(name) if !name.trim().is_empty() => name.to_owned(),
        _ => format!("`{}`", callee.id),
    }
}

fn diagnostic(
    spec: &Spec,
    spans: &Spans<'_>,
    c: usize,
    reach: &paths::Reach,
    span: Span,
    group: &[usize],
) -> Diagnostic {
    let outcomes = reach.outcomes();
    let Some(path) = outcomes.first().and_then(|&o| reach.path_to(o)) else {
        return Diagnostic::new(
            Code::W0220,
            span,
            format!("`{}` is not addressed on every path", spec.concerns[c].id),
        );
    };
    let concern = &spec.concerns[c];
    let id = &concern.id;
    // Callees that inherit share their base's name: several are named by id.
    let names: Vec<String> = if let [p] = group {
        vec![callee_name(spec, *p)]
    } else {
        group.iter().map(|&p| format!("`{}`", spec.callees[p].id)).collect()
    };
    let who = match names.as_slice() {
        [one] => one.clone(),
        _ => "the callee".to_owned(),
    };
    let primary_for = format!("primary for {}", and_list(&names));
    let arrows = path.arrows(spec, SHOWN);
    let mut d = if concern.steps.is_empty() {
        let faq: Vec<String> = concern.faq.iter().map(|&q| format!("`{}`", spec.faq[q].id)).collect();
        Diagnostic::new(
            Code::W0220,
            span,
            format!("no step addresses `{id}`: only the FAQ covers it, and {who} may never ask"),
        )
        .label(primary_for)
        .note(format!(
            "the FAQ entry {} answers it only when asked, and no step covers it: no path addresses it, for instance {arrows}",
            faq.join(", ")
        ))
        .help(format!(
            "add `covers {id}` to a step every path passes, such as `{}`, the first step",
            spec.steps[0].id
        ))
    } else {
        let mut d = Diagnostic::new(
            Code::W0220,
            span,
            format!("{} without addressing `{id}`", path.describe(spec, &who, TOLD)),
        )
        .label(format!("{primary_for}; no step on that path covers it"))
        .note(format!("the path: {arrows}"));
        if let Some(&q) = concern.faq.first() {
            d = d.note(format!(
                "the FAQ entry `{}` covers it only if {who} asks; a step must address it",
                spec.faq[q].id
            ));
        }
        let others: Vec<Outcome> = outcomes.iter().copied().filter(|&o| o != path.outcome).collect();
        for &o in others.iter().take(NAMED) {
            if let Some(p) = reach.path_to(o) {
                d = d.note(format!("also: {}", p.arrows(spec, SHOWN)));
            }
        }
        if others.len() > NAMED {
            d = d.note(format!(
                "and {} more outcomes are reached without it",
                others.len() - NAMED
            ));
        }
        let covering = concern.steps.iter().map(|&i| format!("`{}`", spec.steps[i].id)).take(3);
        d.help(format!(
            "add `covers {id}` to a step on this path, or lead it through {}; if the call may rightly end there without it, write `allow uncovered_on_path` in the callee",
            covering.collect::<Vec<_>>().join(" or ")
        ))
    };
    if let Some(i) = path.hops.iter().rev().find_map(|h| match h.at {
        At::Step(i) => Some(i),
        At::Transfer(_) => None,
    }) && let Some(def) = spans.steps.get(i)
    {
        d = d.with_secondary(
            def.span(),
            format!(
                "the call leaves here for `{}`",
                paths::outcome_target(spec, path.outcome)
            ),
        );
    }
    d
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
