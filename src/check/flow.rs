//! Lints over the checked spec's flow graph and coverage: W0201
//! `unreachable_step`, W0202 `dead_end`, W0203 `uncovered_concern` and W0204
//! `unused_signal`. Iterative (no recursion), linear in steps + edges.

use crate::ast::Priority;
use crate::codes::{Code, Level};
use crate::diagnostic::Diagnostic;
use crate::ir::graph::FlowGraph;
use crate::ir::{Spec, Target};

use super::Spans;

/// W0202: steps from which the call can never end. Every such path ends up
/// circling in a *trap*: a loop of steps (a strongly connected component)
/// with no way out. One diagnostic per trap, at its first step, naming the
/// other steps of the loop and the steps that can only lead into it.
fn dead_ends(spec: &Spec, graph: &FlowGraph, spans: &Spans<'_>, finishes: &[bool], diags: &mut super::diags::Diags) {
    let n = spec.steps.len();
    let components = graph.components();
    let component = &components.of_step;
    // A component of non-finishing steps is a trap when no edge leaves it.
    // (A retried step's `retry … -> TARGET` is an edge, so a loop bounded
    // by `retry` leaves through it.)
    let in_trap = |i: usize| !finishes[i] && !components.exits[component[i]];
    let mut traps: Vec<usize> = Vec::new(); // the first step of each trap, in source order
    let mut trap_index = vec![usize::MAX; components.exits.len()]; // component → index in `traps`
    let mut members: Vec<Vec<usize>> = Vec::new();
    for i in (0..n).filter(|&i| in_trap(i)) {
        if trap_index[component[i]] == usize::MAX {
            trap_index[component[i]] = traps.len();
            traps.push(i);
            members.push(Vec::new());
        }
        members[trap_index[component[i]]].push(i);
    }
    // Which other non-finishing steps lead into which trap (the first trap
    // to reach them, in one multi-source backward search).
    let seeds: Vec<(usize, usize)> = members
        .iter()
        .enumerate()
        .flat_map(|(t, list)| list.iter().map(move |&i| (i, t)))
        .collect();
    let owner = graph.claim_backward(&seeds, |i| !finishes[i]);
    let mut feeds: Vec<Vec<usize>> = vec![Vec::new(); traps.len()];
    for (i, &o) in owner.iter().enumerate() {
        if o != usize::MAX && !in_trap(i) {
            feeds[o].push(i);
        }
    }
    for (t, &first) in traps.iter().enumerate() {
        // A trap of `continue` steps only is E0112, which says why.
        if members[t].iter().all(|&i| !spec.steps[i].waits) {
            continue;
        }
        let step = &spec.steps[first];
        let mut d = Diagnostic::new(
            Code::W0202,
            spans.steps[first].span(),
            format!("the call can never end once it reaches step `{}`", step.id),
        );
        if members[t].len() == 1 {
            d = d.label("this step leads only back to itself");
        } else {
            d = d.label("every path from here circles among these steps");
            for &m in members[t].iter().skip(1).take(6) {
                d = d.with_secondary(spans.steps[m].span(), "part of the same loop");
            }
        }
        let mut lead_in = feeds[t].clone();
        lead_in.sort_unstable();
        if !lead_in.is_empty() {
            let names: Vec<String> = lead_in
                .iter()
                .take(8)
                .map(|&i| format!("`{}`", spec.steps[i].id))
                .collect();
            let more = if lead_in.len() > 8 {
                format!(" and {} more", lead_in.len() - 8)
            } else {
                String::new()
            };
            d = d.note(format!(
                "{}{more} can only lead into this loop, so the call cannot end after {} either",
                names.join(", "),
                if lead_in.len() == 1 { "it" } else { "them" }
            ));
        }
        diags.push(
            d.help("give the loop a way out: `-> end`, a `next` beyond it, a branch such as `on declined -> end`, or `retry 2 -> end` on one of its steps"),
        );
    }
}

/// Runs the graph and coverage lints.
pub(crate) fn lint(spec: &Spec, spans: &Spans<'_>, diags: &mut super::diags::Diags) {
    let n = spec.steps.len();
    if n > 0 && spans.steps.len() == n {
        let graph = FlowGraph::new(spec);
        let reached = graph.reachable();
        // Where the call can end once a step has run: without the start
        // events, which the graph draws from the first step.
        let turns = super::listen::turn_graph(spec);
        let finishes = turns.can_end();
        for (i, step) in spec.steps.iter().enumerate() {
            if !reached[i] {
                let mut d = Diagnostic::new(
                    Code::W0201,
                    spans.steps[i].span(),
                    format!("step `{}` is never reached", step.id),
                )
                .label("no path from the first step leads here");
                if i > 0 && spec.steps[i - 1].next_explicit {
                    let prev = &spec.steps[i - 1];
                    let why = match prev.next {
                        Target::End(_) => format!("`{}` ends the call, so the flow never falls through here", prev.id),
                        Target::Transfer(_) => {
                            format!("`{}` transfers the call, so the flow never falls through here", prev.id)
                        }
                        Target::Step(j) => {
                            format!(
                                "`{}` continues with `{}`, skipping this step",
                                prev.id, spec.steps[j].id
                            )
                        }
                    };
                    d = d.with_secondary(spans.steps[i - 1].span(), why);
                }
                diags.push(d.help(format!(
                    "lead here with `next {id}` or a branch `on SIGNAL -> {id}`, or remove the step",
                    id = step.id
                )));
            }
        }
        dead_ends(spec, &turns, spans, &finishes, diags);
    }

    // A concern no step or FAQ entry covers, once, at its first
    // definition: an error when it is primary for some callee.
    for (i, c) in spec.concerns.iter().enumerate() {
        if c.steps.is_empty() && c.faq.is_empty() {
            let stances = || {
                spec.callees
                    .iter()
                    .filter_map(move |p| Some((p, p.concerns.iter().find(|s| s.concern == i)?)))
            };
            let priority = stances().map(|(_, s)| s.priority).min().unwrap_or(Priority::Secondary);
            let level = if priority == Priority::Primary {
                Level::Deny
            } else {
                Level::Warn
            };
            let Some(def) = spans.concerns.get(i) else { continue };
            let mut d = Diagnostic::new(
                Code::W0203,
                def.span(),
                format!("{} concern `{}` is never addressed", priority.as_str(), c.id),
            )
            .level(level)
            .label("no step or FAQ entry covers this concern")
            .help(format!(
                "add `covers {}` to the step or FAQ entry that answers it",
                c.id
            ));
            if spec.callees.len() > 1 {
                let who: Vec<String> = stances()
                    .map(|(p, s)| format!("`{}` ({})", p.id, s.priority.as_str()))
                    .collect();
                d = d.note(format!("callees with this concern: {}", who.join(", ")));
            }
            diags.push(d);
        }
    }

    for (i, s) in spec.signals.iter().enumerate() {
        if !spans.used_signals.contains(&i) {
            let Some(def) = spans.signals.get(i) else { continue };
            diags.push(
                Diagnostic::new(Code::W0204, def.span(), format!("signal `{}` is never used", s.id))
                    .label("no `on` branch takes this signal")
                    .help(format!("branch on it, as in `on {} -> STEP`, or remove it", s.id)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::check::symbols::{Kind, Symbols};
    use crate::ir::{Retry, Step};
    use crate::source::Span;

    fn step(id: &str, next: Target) -> Step {
        Step {
            id: id.to_owned(),
            title: None,
            lines: vec!["我复述一下😀".into()],
            covers: Vec::new(),
            waits: true,
            captures: Vec::new(),
            retry: None,
            next,
            next_explicit: true,
            branches: Vec::new(),
            overrides: Vec::new(),
        }
    }

    /// The codes `lint` raises on `spec` (steps defined at made-up places).
    fn codes(spec: &Spec) -> Vec<Code> {
        diagnostics(spec).iter().map(|d| d.code).collect()
    }

    fn diagnostics(spec: &Spec) -> Vec<Diagnostic> {
        let mut symbols = Symbols::default();
        for i in 0..spec.steps.len() {
            symbols.define(Kind::Step, Span::new(10 * i + 1, 10 * i + 5), Some(i));
        }
        let call = crate::ast::Call {
            id: crate::ast::Ident {
                name: "t".to_owned(),
                span: Span::new(0, 1),
            },
            items: Vec::new(),
            span: Span::new(0, 1000),
        };
        let used = BTreeSet::new();
        let spans = Spans {
            steps: symbols.run(0, spec.steps.len()),
            concerns: &[],
            signals: &[],
            ends: &[],
            captures: &[],
            transfers: &[],
            used_signals: &used,
            call: &call,
        };
        let mut diags = super::super::diags::Diags::default();
        lint(spec, &spans, &mut diags);
        diags.finish().0
    }

    #[test]
    fn a_loop_bounded_by_retry_has_a_way_out() {
        // 问候 → 确认 → 复述 → 确认 …
        let mut spec = Spec {
            steps: vec![
                step("问候", Target::Step(1)),
                step("确认", Target::Step(2)),
                step("复述", Target::Step(1)),
            ],
            ..Spec::default()
        };
        assert_eq!(codes(&spec), [Code::W0202]);
        spec.steps[2].retry = Some(Retry {
            max: 2,
            then: Target::End(None),
        });
        assert_eq!(codes(&spec), []);
        // Retries that lead back into the loop are no way out.
        spec.steps[2].retry = Some(Retry {
            max: 2,
            then: Target::Step(1),
        });
        assert_eq!(codes(&spec), [Code::W0202]);
    }

    #[test]
    fn a_trap_of_continue_steps_is_left_to_e0112() {
        let mut spec = Spec {
            steps: vec![step("说明", Target::Step(1)), step("介绍", Target::Step(0))],
            ..Spec::default()
        };
        assert_eq!(codes(&spec), [Code::W0202]);
        spec.steps[0].waits = false;
        assert_eq!(codes(&spec), [Code::W0202], "one step waits: still W0202's");
        spec.steps[1].waits = false;
        assert_eq!(codes(&spec), []);
    }

    #[test]
    fn start_events_are_no_way_out_of_the_first_step() {
        // 问候 → 等待 → 等待 …; `on voicemail -> end` is taken before 问候
        // runs, so once it has run the call cannot end either.
        let mut spec = Spec {
            steps: vec![step("问候", Target::Step(1)), step("等待", Target::Step(1))],
            ..Spec::default()
        };
        spec.global_branches.push(crate::ir::Branch {
            on: crate::ir::On::Event(crate::ir::Event::Voicemail),
            target: Target::End(None),
        });
        let d = diagnostics(&spec);
        assert_eq!(d.len(), 1);
        assert!(
            d[0].notes
                .iter()
                .any(|n| n.contains("`问候` can only lead into this loop")),
            "{:?}",
            d[0].notes
        );
    }
}
