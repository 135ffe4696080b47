//! Lints over the checked spec's flow graph and coverage: W0201
//! `unreachable_step`, W0202 `dead_end`, W0203 `uncovered_concern` and W0204
//! `unused_signal`. Iterative (no recursion), linear in steps + edges.

use crate::ast::Priority;
use crate::codes::{Code, Level};
use crate::diagnostic::Diagnostic;
use crate::ir::{Spec, Target};

use super::Spans;

/// Every step a step can go to directly.
fn successors(spec: &Spec, i: usize) -> impl Iterator<Item = usize> + '_ {
    let step = &spec.steps[i];
    std::iter::once(step.next)
        .chain(step.branches.iter().map(|b| b.target))
        .filter_map(Target::step)
}

/// Whether a step can end the call directly.
fn ends(spec: &Spec, i: usize) -> bool {
    let step = &spec.steps[i];
    std::iter::once(step.next)
        .chain(step.branches.iter().map(|b| b.target))
        .any(|t| t.step().is_none())
}

/// Runs the graph and coverage lints.
pub(crate) fn lint(spec: &Spec, spans: &Spans, diags: &mut Vec<Diagnostic>) {
    let n = spec.steps.len();
    if n > 0 && spans.steps.len() == n {
        // Forward: what the first step reaches.
        let mut reached = vec![false; n];
        let mut stack = vec![0];
        reached[0] = true;
        while let Some(i) = stack.pop() {
            for j in successors(spec, i) {
                if !reached[j] {
                    reached[j] = true;
                    stack.push(j);
                }
            }
        }
        // Backward: what reaches the end.
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
        for i in 0..n {
            for j in successors(spec, i) {
                preds[j].push(i);
            }
        }
        let mut finishes = vec![false; n];
        let mut stack: Vec<usize> = (0..n).filter(|&i| ends(spec, i)).collect();
        for &i in &stack {
            finishes[i] = true;
        }
        while let Some(j) = stack.pop() {
            for &i in &preds[j] {
                if !finishes[i] {
                    finishes[i] = true;
                    stack.push(i);
                }
            }
        }
        for i in 0..n {
            let step = &spec.steps[i];
            if !reached[i] {
                let mut d = Diagnostic::new(
                    Code::W0201,
                    spans.steps[i],
                    format!("step `{}` is never reached", step.id),
                )
                .label("no path from the first step leads here");
                if i > 0 && spec.steps[i - 1].next_explicit {
                    d = d.with_secondary(
                        spans.steps[i - 1],
                        format!(
                            "`{}` continues elsewhere, so the flow skips this step",
                            spec.steps[i - 1].id
                        ),
                    );
                }
                diags.push(d.help(format!(
                    "lead here with `next {id}` or a branch `on SIGNAL -> {id}`, or remove the step",
                    id = step.id
                )));
            }
            if !finishes[i] {
                diags.push(
                    Diagnostic::new(
                        Code::W0202,
                        spans.steps[i],
                        format!("the call cannot end after step `{}`", step.id),
                    )
                    .label("no path from this step reaches the end of the call")
                    .note("every path from here loops back into the flow")
                    .help("end the loop somewhere with `-> end` or a branch such as `on declined -> end`"),
                );
            }
        }
    }

    for (i, c) in spec.concerns.iter().enumerate() {
        if c.steps.is_empty() && c.faq.is_empty() {
            let level = if c.priority == Priority::Primary {
                Level::Deny
            } else {
                Level::Warn
            };
            let Some(&span) = spans.concerns.get(i) else { continue };
            diags.push(
                Diagnostic::new(
                    Code::W0203,
                    span,
                    format!("{} concern `{}` is never addressed", c.priority.as_str(), c.id),
                )
                .level(level)
                .label("no step or FAQ entry covers this concern")
                .help(format!(
                    "add `covers {}` to the step or FAQ entry that answers it",
                    c.id
                )),
            );
        }
    }

    let mut used = vec![false; spec.signals.len()];
    for b in spec
        .global_branches
        .iter()
        .chain(spec.steps.iter().flat_map(|s| &s.branches))
    {
        used[b.signal] = true;
    }
    for (i, s) in spec.signals.iter().enumerate() {
        if !used[i] {
            let Some(&span) = spans.signals.get(i) else { continue };
            diags.push(
                Diagnostic::new(Code::W0204, span, format!("signal `{}` is never used", s.id))
                    .label("no `on` branch takes this signal")
                    .help(format!("branch on it, as in `on {} -> STEP`, or remove it", s.id)),
            );
        }
    }
}
