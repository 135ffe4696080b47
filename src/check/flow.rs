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

/// W0202: steps from which the call can never end. Every such path ends up
/// circling in a *trap*: a loop of steps (a strongly connected component)
/// with no way out. One diagnostic per trap, at its first step, naming the
/// other steps of the loop and the steps that can only lead into it.
fn dead_ends(spec: &Spec, spans: &Spans, finishes: &[bool], preds: &[Vec<usize>], diags: &mut Vec<Diagnostic>) {
    let n = spec.steps.len();
    let component = components(spec);
    // A component of non-finishing steps is a trap when no edge leaves it.
    let mut leaves = vec![false; n];
    for i in (0..n).filter(|&i| !finishes[i]) {
        if successors(spec, i).any(|j| component[j] != component[i]) {
            leaves[component[i]] = true;
        }
    }
    let in_trap = |i: usize| !finishes[i] && !leaves[component[i]];
    let mut traps: Vec<usize> = Vec::new(); // the first step of each trap, in source order
    let mut trap_index = vec![usize::MAX; n]; // component → index in `traps`
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
    let mut feeds: Vec<Vec<usize>> = vec![Vec::new(); traps.len()];
    let mut owner = vec![usize::MAX; n];
    let mut queue = std::collections::VecDeque::new();
    for (t, list) in members.iter().enumerate() {
        for &i in list {
            owner[i] = t;
            queue.push_back(i);
        }
    }
    while let Some(j) = queue.pop_front() {
        for &i in &preds[j] {
            if !finishes[i] && owner[i] == usize::MAX {
                owner[i] = owner[j];
                feeds[owner[j]].push(i);
                queue.push_back(i);
            }
        }
    }
    for (t, &first) in traps.iter().enumerate() {
        let step = &spec.steps[first];
        let mut d = Diagnostic::new(
            Code::W0202,
            spans.steps[first],
            format!("the call can never end once it reaches step `{}`", step.id),
        );
        if members[t].len() == 1 {
            d = d.label("this step leads only back to itself");
        } else {
            d = d.label("every path from here circles among these steps");
            for &m in members[t].iter().skip(1).take(6) {
                d = d.with_secondary(spans.steps[m], "part of the same loop");
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
            d.help("give the loop a way out: `-> end`, a `next` beyond it, or a branch such as `on declined -> end`"),
        );
    }
}

/// Strongly connected components of the step graph (Tarjan's algorithm,
/// iterative so that no flow can overflow the stack); each step's component.
fn components(spec: &Spec) -> Vec<usize> {
    let n = spec.steps.len();
    let adjacency: Vec<Vec<usize>> = (0..n).map(|i| successors(spec, i).collect()).collect();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut component = vec![usize::MAX; n];
    let (mut next_index, mut next_component) = (0, 0);
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // Each frame: a step and how far through its successors we are.
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(frame) = work.last_mut() {
            let (v, pos) = *frame;
            if let Some(&w) = adjacency[v].get(pos) {
                frame.1 += 1;
                if index[w] == usize::MAX {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
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
        for (i, step) in spec.steps.iter().enumerate() {
            if !reached[i] {
                let mut d = Diagnostic::new(
                    Code::W0201,
                    spans.steps[i],
                    format!("step `{}` is never reached", step.id),
                )
                .label("no path from the first step leads here");
                if i > 0 && spec.steps[i - 1].next_explicit {
                    let prev = &spec.steps[i - 1];
                    let why = match prev.next {
                        Target::End(_) => format!("`{}` ends the call, so the flow never falls through here", prev.id),
                        Target::Step(j) => {
                            format!(
                                "`{}` continues with `{}`, skipping this step",
                                prev.id, spec.steps[j].id
                            )
                        }
                    };
                    d = d.with_secondary(spans.steps[i - 1], why);
                }
                diags.push(d.help(format!(
                    "lead here with `next {id}` or a branch `on SIGNAL -> {id}`, or remove the step",
                    id = step.id
                )));
            }
        }
        dead_ends(spec, spans, &finishes, &preds, diags);
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

    for (i, s) in spec.signals.iter().enumerate() {
        if !spans.used_signals.contains(&i) {
            let Some(&span) = spans.signals.get(i) else { continue };
            diags.push(
                Diagnostic::new(Code::W0204, span, format!("signal `{}` is never used", s.id))
                    .label("no `on` branch takes this signal")
                    .help(format!("branch on it, as in `on {} -> STEP`, or remove it", s.id)),
            );
        }
    }
}
