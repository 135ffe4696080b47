//! The lints of calls that listen, over the checked spec's flow: W0212
//! `unhandled_voicemail`, W0213 `unreached_outcome`, W0214 `unnamed_end`,
//! W0215 `missing_capture`, W0216 `unbounded_retry`, W0217
//! `voicemail_waits`, and the error E0112 (a loop of `continue` steps).
//!
//! The lints walk the flow as paths from the start of the call, so this
//! module has a walker of its own beside [`FlowGraph`]: it keeps the end
//! conditions apart (the graph has one node for "the call ends"), has a
//! node for the start (the branches on `voicemail` and `no_answer` leave
//! from there, not from the first step) and remembers the edge each node
//! was reached by, for messages that show a path. Its edges are the
//! graph's: a step's successor, its own branches, where its retries lead
//! when spent, the global branches in force at it ([`Spec::branches_at`]),
//! and per transfer an edge to the end and one to its fallback.
//!
//! A global branch is in force at every step that does not override it,
//! so edge by edge a flow has steps × global branches edges. A search here
//! takes each global branch once, at the first step it reaches where the
//! branch is in force (which is where a shortest path takes it): the global
//! branches not yet taken are a union-find "next untaken" list, and a step
//! skips only the ones it overrides. A search costs O(steps + own
//! branches + global branches), however many steps each branch is in
//! force at.
//!
//! - W0213, W0214: one search from the start.
//! - W0215: a forward must-analysis — capture `c` is not made on every path
//!   to an outcome when a search that never takes the edge making `c` (the
//!   default successor of `c`'s step) still reaches the outcome; one search
//!   per required capture, O((steps + edges) × captures), and the search
//!   gives the shortest such path for the message.
//! - W0216: the strongly connected components of the flow without the
//!   retried steps' edges ([`FlowGraph::components`] on a copy of the flow's
//!   skeleton), then one search per component for a cycle to show.
//! - W0217, E0112: walks along the `continue` steps' successors.
//!
//! Everything is iterative (no input can overflow the stack) and linear in
//! the flow's size per search.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use crate::ast;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::ir::graph::FlowGraph;
use crate::ir::{Branch, Event, On, Spec, Step, Target};
use crate::source::Span;

use super::Spans;

/// No node, no position.
const NONE: usize = usize::MAX;

/// How many steps a message names before it elides the middle of a path.
const PATH_SHOWN: usize = 10;

/// How many other steps of a loop get a label of their own.
const LABELLED: usize = 6;

/// The edge a path takes from one node to the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Via {
    /// The call starts at the first step.
    Begin,
    /// A step's default successor (`next`, `->`, or the step written after it).
    Next,
    /// A step's own branch (its index in the step's `branches`).
    Own(usize),
    /// A global branch (its index in `global_branches`): at a step's turn,
    /// or at the start for `voicemail` and `no_answer`.
    Global(usize),
    /// A step's retries are spent.
    Retry,
    /// A transfer failed: its fallback.
    Fails,
    /// A transfer succeeded: the call ends.
    Done,
}

/// The nodes the lints walk: the steps, the transfers, the end conditions,
/// plain `end`, and the start of the call, in that order.
#[derive(Clone, Copy, Debug)]
struct Layout {
    steps: usize,
    transfers: usize,
    ends: usize,
}

impl Layout {
    fn of(spec: &Spec) -> Self {
        Self {
            steps: spec.steps.len(),
            transfers: spec.transfers.len(),
            ends: spec.ends.len(),
        }
    }

    fn transfer(self, k: usize) -> usize {
        self.steps + k
    }

    fn end(self, j: usize) -> usize {
        self.steps + self.transfers + j
    }

    fn plain_end(self) -> usize {
        self.steps + self.transfers + self.ends
    }

    fn start(self) -> usize {
        self.plain_end() + 1
    }

    fn len(self) -> usize {
        self.start() + 1
    }

    fn target(self, t: Target) -> usize {
        match t {
            Target::Step(j) => j,
            Target::Transfer(k) => self.transfer(k),
            Target::End(Some(j)) => self.end(j),
            Target::End(None) => self.plain_end(),
        }
    }

    /// The transfer a node is, if it is one.
    fn as_transfer(self, v: usize) -> Option<usize> {
        (self.steps..self.steps + self.transfers)
            .contains(&v)
            .then(|| v - self.steps)
    }

    /// The outcome (end condition or transfer) a node is, if it is one.
    fn as_outcome(self, v: usize) -> Option<Outcome> {
        if let Some(k) = self.as_transfer(v) {
            Some(Outcome::Transfer(k))
        } else if (self.end(0)..self.plain_end()).contains(&v) {
            Some(Outcome::End(v - self.end(0)))
        } else {
            None
        }
    }
}

/// A named outcome of the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    /// The end condition at this index.
    End(usize),
    /// The transfer at this index.
    Transfer(usize),
}

/// The global branches a search can still take, each at most once (see
/// the module): `list` holds the ones it may take, ascending; `pos` maps a
/// global branch to its position there; `next` is a union-find over the
/// positions, `next[p] == p` while position `p` is not taken.
struct Globals<'a> {
    list: &'a [usize],
    pos: &'a [usize],
    next: Vec<usize>,
}

impl<'a> Globals<'a> {
    fn new(list: &'a [usize], pos: &'a [usize]) -> Self {
        Self {
            list,
            pos,
            next: (0..=list.len()).collect(),
        }
    }

    /// The first position from `p` on that is not taken (`list.len()` when none).
    fn find(&mut self, p: usize) -> usize {
        let mut root = p.min(self.list.len());
        while self.next[root] != root {
            root = self.next[root];
        }
        let mut q = p.min(self.list.len());
        while self.next[q] != root {
            let up = self.next[q];
            self.next[q] = root;
            q = up;
        }
        root
    }

    /// The position of global branch `g` in this list, if it is in it.
    fn position(&self, g: usize) -> Option<usize> {
        let p = *self.pos.get(g)?;
        (self.list.get(p) == Some(&g)).then_some(p)
    }

    /// Whether global branch `g` has been taken.
    fn taken(&self, g: usize) -> bool {
        self.position(g).is_some_and(|p| self.next[p] != p)
    }

    /// Takes every global branch of the list not yet taken that is in
    /// force at `step` (see [`Spec::branches_at`]), in order, calling `f`
    /// with each. O(the step's overrides + the branches taken), amortised.
    fn take_at(&mut self, step: &Step, hangup: Option<usize>, mut f: impl FnMut(usize)) {
        if !step.waits {
            if let Some(h) = hangup
                && step.overrides.binary_search(&h).is_err()
                && let Some(p) = self.position(h)
                && self.find(p) == p
            {
                self.next[p] = p + 1;
                f(h);
            }
            return;
        }
        let len = self.list.len();
        let mut from = 0;
        let overridden: Vec<usize> = step.overrides.iter().filter_map(|&o| self.position(o)).collect();
        for bound in overridden.into_iter().chain(std::iter::once(len)) {
            let mut p = self.find(from);
            while p < bound {
                self.next[p] = p + 1;
                f(self.list[p]);
                p = self.find(p + 1);
            }
            from = from.max(bound + 1);
        }
    }
}

/// A breadth-first search: each node's predecessor and the edge taken from
/// it on a shortest path (`NONE` when the node was not reached), the nodes
/// reached in order (the search's queue), and the first edge found back to
/// the node the search started from.
struct Search {
    from: usize,
    parent: Vec<(usize, Via)>,
    reached: Vec<usize>,
    back: Option<(usize, Via)>,
}

impl Search {
    fn new(nodes: usize) -> Self {
        Self {
            from: NONE,
            parent: vec![(NONE, Via::Begin); nodes],
            reached: Vec::new(),
            back: None,
        }
    }

    /// Forgets the last search, in time proportional to what it reached.
    fn clear(&mut self) {
        for &v in &self.reached {
            self.parent[v] = (NONE, Via::Begin);
        }
        self.reached.clear();
        self.back = None;
    }

    fn reached(&self, v: usize) -> bool {
        v == self.from || self.parent[v].0 != NONE
    }

    /// The path from the search's start to `v`: each node with the edge
    /// that entered it (the first with [`Via::Begin`]).
    fn path_to(&self, v: usize) -> Vec<(usize, Via)> {
        let mut path = Vec::new();
        let mut at = v;
        while at != self.from {
            let (prev, via) = self.parent[at];
            path.push((at, via));
            at = prev;
        }
        path.push((self.from, Via::Begin));
        path.reverse();
        path
    }
}

/// The flow as the lints walk it.
struct Walker<'s> {
    spec: &'s Spec,
    at: Layout,
    /// The global branches taken at the start (`voicemail`, `no_answer`), ascending.
    at_start: Vec<usize>,
    /// The global branch on `hangup`: the only one in force at a step that
    /// does not wait.
    hangup: Option<usize>,
    /// The other global branches, ascending, and each one's position there.
    at_turns: Vec<usize>,
    turn_pos: Vec<usize>,
}

impl<'s> Walker<'s> {
    fn new(spec: &'s Spec) -> Self {
        let (at_start, at_turns): (Vec<usize>, Vec<usize>) =
            (0..spec.global_branches.len()).partition(|&g| spec.global_branches[g].is_at_start());
        let mut turn_pos = vec![NONE; spec.global_branches.len()];
        for (p, &g) in at_turns.iter().enumerate() {
            turn_pos[g] = p;
        }
        Self {
            spec,
            at: Layout::of(spec),
            hangup: spec
                .global_branches
                .iter()
                .position(|b| b.on == On::Event(Event::Hangup)),
            at_start,
            at_turns,
            turn_pos,
        }
    }

    /// Every global branch taken at a step's turn, for one search.
    fn turn_globals(&self) -> Globals<'_> {
        Globals::new(&self.at_turns, &self.turn_pos)
    }

    /// Calls `f(node, via)` for every edge leaving node `v`; the global
    /// branches in force at a step come from `globals` (each once).
    fn edges(&self, v: usize, globals: &mut Globals<'_>, mut f: impl FnMut(usize, Via)) {
        let at = self.at;
        if v < at.steps {
            let step = &self.spec.steps[v];
            f(at.target(step.next), Via::Next);
            for (k, b) in step.branches.iter().enumerate() {
                f(at.target(b.target), Via::Own(k));
            }
            if let Some(r) = step.retry {
                f(at.target(r.then), Via::Retry);
            }
            globals.take_at(step, self.hangup, |g| {
                f(at.target(self.spec.global_branches[g].target), Via::Global(g));
            });
        } else if let Some(k) = at.as_transfer(v) {
            f(at.plain_end(), Via::Done);
            f(at.target(self.spec.transfers[k].fallback), Via::Fails);
        } else if v == at.start() {
            if at.steps > 0 {
                f(0, Via::Begin);
            }
            for &g in &self.at_start {
                f(at.target(self.spec.global_branches[g].target), Via::Global(g));
            }
        }
    }

    /// A breadth-first search from `from` over the nodes `keep` accepts,
    /// never taking an edge `block` refuses (given its source and kind).
    fn search(
        &self,
        from: usize,
        globals: &mut Globals<'_>,
        keep: impl Fn(usize) -> bool,
        block: impl Fn(usize, Via) -> bool,
    ) -> Search {
        let mut s = Search::new(self.at.len());
        self.search_into(&mut s, from, globals, keep, block);
        s
    }

    /// [`Self::search`] into `s`, which is cleared first in time
    /// proportional to what its last search reached: many small searches
    /// (one per loop) cost what they visit, not the flow's size each.
    fn search_into(
        &self,
        s: &mut Search,
        from: usize,
        globals: &mut Globals<'_>,
        keep: impl Fn(usize) -> bool,
        block: impl Fn(usize, Via) -> bool,
    ) {
        s.clear();
        s.from = from;
        s.reached.push(from);
        let mut next = 0;
        while let Some(&v) = s.reached.get(next) {
            next += 1;
            self.edges(v, globals, |w, via| {
                if block(v, via) || !keep(w) {
                    return;
                }
                if w == from {
                    s.back.get_or_insert((v, via));
                } else if s.parent[w].0 == NONE {
                    s.parent[w] = (v, via);
                    s.reached.push(w);
                }
            });
        }
    }

    /// The search from the start of the call over the whole flow, and the
    /// global branches it found in force at a step it reaches.
    fn search_from_start(&self) -> (Search, Vec<bool>) {
        let mut globals = self.turn_globals();
        let s = self.search(self.at.start(), &mut globals, |_| true, |_, _| false);
        let taken = (0..self.spec.global_branches.len())
            .map(|g| {
                if self.spec.global_branches[g].is_at_start() {
                    self.at.steps > 0
                } else {
                    globals.taken(g)
                }
            })
            .collect();
        (s, taken)
    }

    /// The name of a node in a path: a step's id, `transfer(ID)`, `end(ID)`, `end`.
    fn node_name(&self, v: usize) -> String {
        let at = self.at;
        if v < at.steps {
            self.spec.steps[v].id.clone()
        } else if let Some(o) = at.as_outcome(v) {
            self.outcome_target(o)
        } else if v == at.plain_end() {
            "end".to_owned()
        } else {
            "start".to_owned()
        }
    }

    /// How an outcome is written as a target: `end(ID)` or `transfer(ID)`.
    fn outcome_target(&self, o: Outcome) -> String {
        match o {
            Outcome::End(j) => format!("end({})", self.spec.ends[j].id),
            Outcome::Transfer(k) => format!("transfer({})", self.spec.transfers[k].id),
        }
    }

    /// The word on an arrow: the signal or event of a branch, and so on.
    fn via_name(&self, from: usize, via: Via) -> Option<String> {
        match via {
            Via::Begin | Via::Next | Via::Done => None,
            Via::Own(k) => Some(self.spec.on_name(self.spec.steps[from].branches[k].on).to_owned()),
            Via::Global(g) => Some(self.spec.on_name(self.spec.global_branches[g].on).to_owned()),
            Via::Retry => Some("retries spent".to_owned()),
            Via::Fails => Some("transfer fails".to_owned()),
        }
    }

    /// A path as text: `purpose → offer →(busy) end(docs_by_email)`, each
    /// node through `name`; a path from the start begins at the first step,
    /// or with `start →(voicemail)` when an event at the start is taken.
    /// The middle of a long path is elided.
    fn show_path(&self, path: &[(usize, Via)], name: impl Fn(String) -> String) -> String {
        let mut out = String::new();
        let path = match path {
            [(s, _), rest @ ..] if *s == self.at.start() && !rest.is_empty() => {
                if let (_, Via::Global(g)) = rest[0] {
                    let _ = write!(out, "start →({}) ", self.spec.on_name(self.spec.global_branches[g].on));
                }
                rest
            }
            _ => path,
        };
        let (cut_from, cut_to) = if path.len() > PATH_SHOWN {
            (4, path.len() - (PATH_SHOWN - 4))
        } else {
            (NONE, NONE)
        };
        for (i, &(v, via)) in path.iter().enumerate() {
            if i == cut_from {
                let _ = write!(out, " → … ({} more) …", cut_to - cut_from);
            }
            if (cut_from..cut_to).contains(&i) {
                continue;
            }
            if i > 0 {
                match self.via_name(path[i - 1].0, via) {
                    Some(word) => {
                        let _ = write!(out, " →({word}) ");
                    }
                    None => out.push_str(" → "),
                }
            }
            out.push_str(&name(self.node_name(v)));
        }
        out
    }
}

// ---------------------------------------------------------------------------
// The analyses, on the IR alone.

/// A place the call ends without naming an end condition: the edge from
/// `from` (a step, the start, or a transfer) of kind `via` to plain `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Unnamed {
    from: usize,
    via: Via,
}

/// What the search from the start finds about outcomes.
#[derive(Debug, Default)]
struct Outcomes {
    /// The end conditions and transfers no path reaches, in order.
    unreached: Vec<Outcome>,
    /// The edges to plain `end` a path takes, in source order of their step.
    unnamed: Vec<Unnamed>,
}

fn outcomes(w: &Walker<'_>) -> Outcomes {
    let spec = w.spec;
    let at = w.at;
    if at.steps == 0 {
        return Outcomes::default();
    }
    let (s, taken) = w.search_from_start();
    let unreached = (0..at.ends)
        .map(Outcome::End)
        .chain((0..at.transfers).map(Outcome::Transfer))
        .filter(|&o| {
            !s.reached(match o {
                Outcome::End(j) => at.end(j),
                Outcome::Transfer(k) => at.transfer(k),
            })
        })
        .collect();
    let mut unnamed = Vec::new();
    let plain = Target::End(None);
    for (i, step) in spec.steps.iter().enumerate().filter(|&(i, _)| s.reached(i)) {
        if step.next == plain {
            unnamed.push(Unnamed {
                from: i,
                via: Via::Next,
            });
        }
        for (k, b) in step.branches.iter().enumerate() {
            if b.target == plain {
                unnamed.push(Unnamed {
                    from: i,
                    via: Via::Own(k),
                });
            }
        }
        if step.retry.is_some_and(|r| r.then == plain) {
            unnamed.push(Unnamed {
                from: i,
                via: Via::Retry,
            });
        }
    }
    for (g, b) in spec.global_branches.iter().enumerate() {
        if taken[g] && b.target == plain {
            unnamed.push(Unnamed {
                from: at.start(),
                via: Via::Global(g),
            });
        }
    }
    for (k, t) in spec.transfers.iter().enumerate() {
        if s.reached(at.transfer(k)) && t.fallback == plain {
            unnamed.push(Unnamed {
                from: at.transfer(k),
                via: Via::Fails,
            });
        }
    }
    Outcomes { unreached, unnamed }
}

/// An outcome that some path reaches without making a capture it requires.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Missing {
    outcome: Outcome,
    capture: usize,
    /// The shortest such path, from the start.
    path: Vec<(usize, Via)>,
}

/// W0215: the must-analysis of required captures (see the module).
fn missing_captures(w: &Walker<'_>) -> Vec<Missing> {
    let spec = w.spec;
    let at = w.at;
    if at.steps == 0 {
        return Vec::new();
    }
    // Which outcomes require each capture, each once.
    let mut required: Vec<Vec<Outcome>> = vec![Vec::new(); spec.captures.len()];
    let outcomes = spec
        .ends
        .iter()
        .enumerate()
        .map(|(j, e)| (Outcome::End(j), &e.requires))
        .chain(
            spec.transfers
                .iter()
                .enumerate()
                .map(|(k, t)| (Outcome::Transfer(k), &t.requires)),
        );
    for (o, requires) in outcomes {
        for &c in requires {
            if let Some(list) = required.get_mut(c)
                && list.last() != Some(&o)
                && !list.contains(&o)
            {
                list.push(o);
            }
        }
    }
    let mut out = Vec::new();
    for (c, needed) in required.iter().enumerate().filter(|(_, n)| !n.is_empty()) {
        let capture = &spec.captures[c];
        // Only the default successor of a waiting step makes a non-optional
        // capture; an optional one is never sure to be made.
        let maker = (!capture.optional).then_some(capture.step);
        let mut globals = w.turn_globals();
        let s = w.search(
            at.start(),
            &mut globals,
            |_| true,
            |v, via| Some(v) == maker && via == Via::Next,
        );
        for &o in needed {
            let node = match o {
                Outcome::End(j) => at.end(j),
                Outcome::Transfer(k) => at.transfer(k),
            };
            if s.reached(node) {
                out.push(Missing {
                    outcome: o,
                    capture: c,
                    path: s.path_to(node),
                });
            }
        }
    }
    out.sort_by_key(|m| (m.outcome, m.capture));
    out
}

/// A repetition without bound: a loop of steps none of which has `retry`.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Unbounded {
    /// A cycle, from its first step written back to it: each node with the
    /// edge that entered it (the first with [`Via::Begin`]). A node may be
    /// a transfer whose fallback leads back.
    Loop {
        /// The cycle shown.
        cycle: Vec<(usize, Via)>,
        /// Every step of the loop's component, first written first.
        members: Vec<usize>,
    },
    /// A step that asks again for a non-optional capture until the reply
    /// gives it.
    Reask { step: usize, capture: usize },
}

/// A light copy of the flow for [`FlowGraph`], which draws the branches
/// taken at the start (`voicemail`, `no_answer`) as edges of the first
/// step: here they lead back to the first step, so they add no way on from
/// it (once the first step has run, those events can no longer happen).
/// With `cut_retried`, a retried step leads nowhere either, so that the
/// components are those of the loops `retry` does not bound. Only the
/// fields the graph reads are copied.
pub(super) fn graph_copy(spec: &Spec, cut_retried: bool) -> Spec {
    let hangup = spec
        .global_branches
        .iter()
        .position(|b| b.on == On::Event(Event::Hangup));
    let steps = spec
        .steps
        .iter()
        .map(|s| {
            let cut = cut_retried && s.retry.is_some();
            Step {
                id: String::new(),
                title: None,
                lines: Vec::new(),
                covers: Vec::new(),
                waits: s.waits && !cut,
                captures: Vec::new(),
                retry: if cut { None } else { s.retry },
                next: if cut { Target::End(None) } else { s.next },
                next_explicit: s.next_explicit,
                branches: if cut { Vec::new() } else { s.branches.clone() },
                overrides: if cut {
                    hangup.into_iter().collect()
                } else {
                    s.overrides.clone()
                },
            }
        })
        .collect();
    let global_branches = spec
        .global_branches
        .iter()
        .map(|b| Branch {
            on: b.on,
            target: if b.is_at_start() { Target::Step(0) } else { b.target },
        })
        .collect();
    let transfers = spec
        .transfers
        .iter()
        .map(|t| crate::ir::Transfer {
            id: String::new(),
            title: None,
            say: crate::ir::Text::default(),
            to: None,
            fallback: t.fallback,
            requires: Vec::new(),
        })
        .collect();
    Spec {
        steps,
        global_branches,
        transfers,
        ..Spec::default()
    }
}

/// The flow graph of a spec as the lints need it: without the start
/// events drawn from the first step (see [`graph_copy`]).
pub(super) fn turn_graph(spec: &Spec) -> FlowGraph {
    if spec.global_branches.iter().any(Branch::is_at_start) {
        FlowGraph::new(&graph_copy(spec, false))
    } else {
        FlowGraph::new(spec)
    }
}

/// W0216: every loop of steps without `retry` (once per strongly connected
/// component of the flow without the retried steps), and every step that
/// re-asks for a capture without `retry`. `skip(first_step, members)` leaves
/// out a component another diagnostic reports.
fn unbounded(w: &Walker<'_>, skip: impl Fn(&[usize]) -> bool) -> Vec<Unbounded> {
    let spec = w.spec;
    let at = w.at;
    let n = at.steps;
    if n == 0 {
        return Vec::new();
    }
    let comp = FlowGraph::new(&graph_copy(spec, true)).components().of_step;
    let count = comp.iter().copied().filter(|&c| c != NONE).max().map_or(0, |m| m + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (i, &c) in comp.iter().enumerate() {
        members[c].push(i);
    }
    // The component a node lands in: a step's, or a transfer's fallback step's.
    let landing = |t: Target| match t {
        Target::Step(j) => comp[j],
        Target::Transfer(k) => spec.transfers[k].fallback.step().map_or(NONE, |j| comp[j]),
        Target::End(_) => NONE,
    };
    // Per component, the global branches (taken at turns) landing in it.
    let mut lists: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut pos = vec![NONE; spec.global_branches.len()];
    for &g in &w.at_turns {
        let c = landing(spec.global_branches[g].target);
        if c != NONE {
            pos[g] = lists[c].len();
            lists[c].push(g);
        }
    }
    let mut out = Vec::new();
    let mut s = Search::new(at.len());
    for (c, list) in members.iter().enumerate() {
        // Components of helper nodes only have no step.
        let Some(&first) = list.first() else { continue };
        if spec.steps[first].retry.is_some() || skip(list) {
            continue;
        }
        let keep = |v: usize| {
            if v < n {
                comp[v] == c
            } else {
                at.as_transfer(v).is_some_and(|k| landing(Target::Transfer(k)) == c)
            }
        };
        let mut globals = Globals::new(&lists[c], &pos);
        w.search_into(&mut s, first, &mut globals, keep, |_, _| false);
        if let Some((last, via)) = s.back {
            let mut cycle = s.path_to(last);
            cycle.push((first, via));
            out.push(Unbounded::Loop {
                cycle,
                members: list.clone(),
            });
        } else if let Some(&capture) = spec.steps[first]
            .captures
            .iter()
            .find(|&&k| spec.captures.get(k).is_some_and(|cap| !cap.optional))
            && spec.steps[first].waits
        {
            out.push(Unbounded::Reask { step: first, capture });
        }
    }
    out.sort_by_key(|u| match u {
        Unbounded::Loop { cycle, .. } => cycle[0].0,
        Unbounded::Reask { step, .. } => *step,
    });
    out
}

/// E0112: the loops made only of `continue` steps, each from its first
/// step written, in order. A `continue` step hears no reply, so its one way
/// on is its successor: these loops are the cycles of that function.
fn talking_loops(spec: &Spec) -> Vec<Vec<usize>> {
    let n = spec.steps.len();
    let succ = |i: usize| spec.steps[i].next.step().filter(|&j| !spec.steps[j].waits);
    // 0: not seen; 1: on the current walk; 2: done.
    let mut state = vec![0u8; n];
    let mut out = Vec::new();
    for root in (0..n).filter(|&i| !spec.steps[i].waits) {
        let mut walk = Vec::new();
        let mut at = Some(root);
        while let Some(i) = at {
            if state[i] != 0 {
                if state[i] == 1
                    && let Some(k) = walk.iter().position(|&j| j == i)
                {
                    let mut cycle: Vec<usize> = walk[k..].to_vec();
                    let low = cycle.iter().enumerate().min_by_key(|&(_, &s)| s).map_or(0, |(p, _)| p);
                    cycle.rotate_left(low);
                    out.push(cycle);
                }
                break;
            }
            state[i] = 1;
            walk.push(i);
            at = succ(i);
        }
        for i in walk {
            state[i] = 2;
        }
    }
    out.sort_by_key(|c| c[0]);
    out
}

/// W0217: the step the call reaches from `on voicemail`, directly or
/// through `continue` steps, if it waits for a reply. Also the `continue`
/// steps passed through.
fn voicemail_waits(spec: &Spec) -> Option<(usize, Vec<usize>)> {
    let b = spec
        .global_branches
        .iter()
        .find(|b| b.on == On::Event(Event::Voicemail))?;
    let mut at = b.target.step()?;
    let mut through = Vec::new();
    let mut seen = vec![false; spec.steps.len()];
    while !spec.steps[at].waits {
        if seen[at] {
            return None; // a loop of `continue` steps: E0112
        }
        seen[at] = true;
        through.push(at);
        at = spec.steps[at].next.step()?;
    }
    Some((at, through))
}

/// Whether any branch of the spec is taken on `voicemail`.
fn handles_voicemail(spec: &Spec) -> bool {
    spec.global_branches
        .iter()
        .chain(spec.steps.iter().flat_map(|s| &s.branches))
        .any(|b| b.on == On::Event(Event::Voicemail))
}

// ---------------------------------------------------------------------------
// Where things are written, from the syntax tree.

/// The parts of the syntax tree the IR was built from, as the checker
/// gathers them: the first `flow` and `end` blocks (a repeated one is E0105
/// and skipped), and the places of definitions the checker recorded.
struct Source<'a> {
    spans: &'a Spans<'a>,
    flow: Option<&'a ast::Flow>,
    steps: Vec<&'a ast::Step>,
    whens: Vec<&'a ast::When>,
    transfers: Vec<&'a ast::Transfer>,
    /// The first global branch on each name, built on first need.
    globals: Option<HashMap<&'a str, &'a ast::Branch>>,
}

impl<'a> Source<'a> {
    fn new(spans: &'a Spans<'a>) -> Self {
        let call = spans.call;
        let flow = call.items.iter().find_map(|i| match i {
            ast::CallItem::Flow(f) => Some(f),
            _ => None,
        });
        let end = call.items.iter().find_map(|i| match i {
            ast::CallItem::End(e) => Some(e),
            _ => None,
        });
        Self {
            spans,
            flow,
            steps: flow.map_or_else(Vec::new, |f| f.steps().collect()),
            whens: end.map_or_else(Vec::new, |e| e.conditions().collect()),
            transfers: end.map_or_else(Vec::new, |e| e.transfers().collect()),
            globals: None,
        }
    }

    /// Where the flow is named: its keyword, else the call's id.
    fn flow_keyword(&self) -> Span {
        self.flow.map_or(self.spans.call.id.span, |f| f.keyword)
    }

    /// Whether a global branch is written on `voicemail`, or on an
    /// unknown word close to it (`on voicemial`, E0102 with "did you
    /// mean"), even if it did not become an event branch: the author meant
    /// to handle it, and one mistake gets one diagnostic.
    fn mentions_voicemail(&self, spec: &Spec) -> bool {
        let Some(flow) = self.flow else { return false };
        let word = Event::Voicemail.as_str();
        flow.items.iter().any(|item| {
            matches!(item, ast::FlowItem::Branch(b)
                if b.signal.name == word
                    || (Event::of(&b.signal.name).is_none()
                        && super::suggest(&b.signal.name, [word]).is_some()
                        && !spec.signals.iter().any(|s| s.id == b.signal.name)))
        })
    }

    /// The end conditions and transfers some target written anywhere in
    /// the call names (`end(ID)`, `transfer(ID)`), even one the checker
    /// rejected.
    fn written_outcomes(&self) -> (HashSet<&'a str>, HashSet<&'a str>) {
        let (mut ends, mut transfers) = (HashSet::new(), HashSet::new());
        let mut add = |t: &'a ast::Target| match t {
            ast::Target::End {
                condition: Some(id), ..
            } => {
                ends.insert(id.name.as_str());
            }
            ast::Target::Transfer { id, .. } => {
                transfers.insert(id.name.as_str());
            }
            ast::Target::End { condition: None, .. } | ast::Target::Step(_) => {}
        };
        for item in &self.spans.call.items {
            match item {
                ast::CallItem::Flow(f) => {
                    for fi in &f.items {
                        match fi {
                            ast::FlowItem::Branch(b) => add(&b.target),
                            ast::FlowItem::Step(st) => {
                                for si in &st.items {
                                    match si {
                                        ast::StepItem::Next(t) => add(&t.target),
                                        ast::StepItem::Branch(b) => add(&b.target),
                                        ast::StepItem::Retry(r) => add(&r.target),
                                        _ => {}
                                    }
                                }
                            }
                            ast::FlowItem::Lint(_) => {}
                        }
                    }
                }
                ast::CallItem::Faq(f) => {
                    for q in f.qas() {
                        for qi in &q.items {
                            match qi {
                                ast::QaItem::Next(t) => add(&t.target),
                                ast::QaItem::Branch(b) => add(&b.target),
                                _ => {}
                            }
                        }
                    }
                }
                ast::CallItem::End(e) => {
                    for t in e.transfers() {
                        for ti in &t.items {
                            if let ast::TransferItem::Fallback(f) = ti {
                                add(&f.target);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        (ends, transfers)
    }

    /// Where step `i` is defined.
    fn step(&self, i: usize) -> Span {
        self.spans.steps[i].span()
    }

    /// The target of step `i`'s first `next`/`->`, if written.
    fn next_target(&self, i: usize) -> Option<&'a ast::Target> {
        self.steps.get(i)?.items.iter().find_map(|item| match item {
            ast::StepItem::Next(t) => Some(&t.target),
            _ => None,
        })
    }

    /// The target of step `i`'s first `retry`, if written.
    fn retry_target(&self, i: usize) -> Option<&'a ast::Target> {
        self.steps.get(i)?.items.iter().find_map(|item| match item {
            ast::StepItem::Retry(r) => Some(&r.target),
            _ => None,
        })
    }

    /// The target of transfer `k`'s first `fallback`, if written.
    fn fallback_target(&self, k: usize) -> Option<&'a ast::Target> {
        self.transfers.get(k)?.items.iter().find_map(|item| match item {
            ast::TransferItem::Fallback(t) => Some(&t.target),
            _ => None,
        })
    }

    /// The first global branch on `name`.
    fn global(&mut self, name: &str) -> Option<&'a ast::Branch> {
        let flow = self.flow?;
        let map = self.globals.get_or_insert_with(|| {
            let mut map = HashMap::new();
            for item in &flow.items {
                if let ast::FlowItem::Branch(b) = item {
                    map.entry(b.signal.name.as_str()).or_insert(b);
                }
            }
            map
        });
        map.get(name).copied()
    }

    /// The first branches of step `i` on each name.
    fn own_branches(&self, i: usize) -> HashMap<&'a str, &'a ast::Branch> {
        let mut map = HashMap::new();
        if let Some(step) = self.steps.get(i) {
            for item in &step.items {
                if let ast::StepItem::Branch(b) = item {
                    map.entry(b.signal.name.as_str()).or_insert(b);
                }
            }
        }
        map
    }

    /// Where an outcome is defined: the id of its `when` or `transfer`.
    fn outcome(&self, o: Outcome) -> Option<Span> {
        match o {
            Outcome::End(j) => self.spans.ends.get(j).map(super::symbols::Definition::span),
            Outcome::Transfer(k) => self.spans.transfers.get(k).map(super::symbols::Definition::span),
        }
    }

    /// Where an outcome's `requires` names the capture `name`.
    fn required(&self, o: Outcome, name: &str) -> Option<Span> {
        let ids = match o {
            Outcome::End(j) => &self.whens.get(j)?.requires.as_ref()?.ids,
            Outcome::Transfer(k) => self.transfers.get(k)?.items.iter().find_map(|item| match item {
                ast::TransferItem::Requires(q) => Some(&q.ids),
                _ => None,
            })?,
        };
        ids.iter().find(|id| id.name == name).map(|id| id.span)
    }

    /// Where the edge `via` from node `from` is written: its target.
    fn edge(&mut self, w: &Walker<'_>, from: usize, via: Via) -> Option<Span> {
        let spec = w.spec;
        match via {
            Via::Next => self.next_target(from).map(ast::Target::span),
            Via::Own(k) => {
                let name = spec.on_name(spec.steps.get(from)?.branches.get(k)?.on);
                self.own_branches(from).get(name).map(|b| b.target.span())
            }
            Via::Global(g) => {
                let name = spec.on_name(spec.global_branches.get(g)?.on);
                self.global(name).map(|b| b.target.span())
            }
            Via::Retry => self.retry_target(from).map(ast::Target::span),
            Via::Fails => self.fallback_target(w.at.as_transfer(from)?).map(ast::Target::span),
            Via::Begin | Via::Done => None,
        }
    }
}

/// Whether an AST target is plain `end`.
fn is_plain_end(t: &ast::Target) -> bool {
    matches!(t, ast::Target::End { condition: None, .. })
}

// ---------------------------------------------------------------------------
// The diagnostics.

/// `a`, `b` and `c` (up to `max` names in backticks, then "and N more").
fn and_list<'n>(names: impl ExactSizeIterator<Item = &'n str>, max: usize) -> String {
    let total = names.len();
    let shown: Vec<String> = names.take(max).map(|n| format!("`{n}`")).collect();
    match shown.as_slice() {
        _ if total > max => format!("{} and {} more", shown.join(", "), total - max),
        [init @ .., last] if !init.is_empty() => format!("{} and {last}", init.join(", ")),
        _ => shown.join(""),
    }
}

/// Runs the lints of calls that listen (see the module).
pub(crate) fn lint(spec: &Spec, spans: &Spans<'_>, diags: &mut super::diags::Diags) {
    let n = spec.steps.len();
    if n == 0 || spans.steps.len() != n {
        return;
    }
    let mut src = Source::new(spans);
    let w = Walker::new(spec);
    talking_loops_lint(spec, spans, diags);
    if !handles_voicemail(spec) && !src.mentions_voicemail(spec) {
        diags.push(
            Diagnostic::new(Code::W0212, src.flow_keyword(), "the call never handles voicemail")
                .label("no `on voicemail` in this flow")
                .note("when an answering machine picks up, the runtime's default decides: it may hang up, or say the whole script to the machine")
                .help("add `on voicemail -> leave_message` to `flow`, with a step `leave_message` that leaves a message and ends the call"),
        );
    }
    let found = outcomes(&w);
    unreached_lint(spec, &src, &found, diags);
    if !spec.ends.is_empty() {
        unnamed_lint(&w, &mut src, &found, diags);
    }
    missing_lint(&w, &mut src, diags);
    unbounded_lint(&w, spans, diags);
    voicemail_waits_lint(spec, &mut src, spans, diags);
}

/// E0112.
fn talking_loops_lint(spec: &Spec, spans: &Spans<'_>, diags: &mut super::diags::Diags) {
    for cycle in talking_loops(spec) {
        let id = |i: usize| spec.steps[i].id.as_str();
        let message = if let [only] = cycle[..] {
            format!(
                "step `{}` leads back to itself without waiting for a reply: the caller would talk forever",
                id(only)
            )
        } else {
            let names: Vec<String> = cycle
                .iter()
                .chain(std::iter::once(&cycle[0]))
                .map(|&i| format!("`{}`", id(i)))
                .collect();
            format!(
                "steps {} never wait for a reply: the caller would talk forever",
                names.join(" → ")
            )
        };
        let mut d = Diagnostic::new(Code::E0112, spans.steps[cycle[0]].span(), message)
            .label("this step says `continue`, and so does every step of its loop");
        for &i in cycle.iter().skip(1).take(LABELLED) {
            d = d.with_secondary(spans.steps[i].span(), "also `continue`");
        }
        diags.push(
            d.note("a `continue` step goes on without listening, so nothing the callee says can leave this loop")
                .help("remove `continue` from one of them, so that the call waits for a reply there"),
        );
    }
}

/// W0213.
fn unreached_lint(spec: &Spec, src: &Source<'_>, found: &Outcomes, diags: &mut super::diags::Diags) {
    if found.unreached.is_empty() {
        return;
    }
    // For each outcome, the first step that leads to it (one pass).
    let at = Layout::of(spec);
    let mut referrer = vec![NONE; at.ends + at.transfers];
    let slot = |t: Target| match t {
        Target::End(Some(j)) => Some(j),
        Target::Transfer(k) => Some(at.ends + k),
        Target::End(None) | Target::Step(_) => None,
    };
    for (i, s) in spec.steps.iter().enumerate() {
        let targets = std::iter::once(s.next)
            .chain(s.branches.iter().map(|b| b.target))
            .chain(s.retry.map(|r| r.then));
        for t in targets {
            if let Some(o) = slot(t)
                && referrer[o] == NONE
            {
                referrer[o] = i;
            }
        }
    }
    // An outcome that a rejected target names (an error reported it) but
    // that no edge of the IR reaches is not reported again.
    let mut has_edge = vec![false; at.ends + at.transfers];
    for t in spec.all_targets() {
        if let Some(o) = slot(t) {
            has_edge[o] = true;
        }
    }
    let (written_ends, written_transfers) = src.written_outcomes();
    for &o in &found.unreached {
        let Some(span) = src.outcome(o) else { continue };
        let rejected = match o {
            Outcome::End(j) => !has_edge[j] && written_ends.contains(spec.ends[j].id.as_str()),
            Outcome::Transfer(k) => !has_edge[at.ends + k] && written_transfers.contains(spec.transfers[k].id.as_str()),
        };
        if rejected {
            continue;
        }
        let (what, id, index) = match o {
            Outcome::End(j) => ("end condition", &spec.ends[j].id, j),
            Outcome::Transfer(k) => ("transfer", &spec.transfers[k].id, at.ends + k),
        };
        let written = match o {
            Outcome::End(_) => format!("end({id})"),
            Outcome::Transfer(_) => format!("transfer({id})"),
        };
        let mut d = Diagnostic::new(
            Code::W0213,
            span,
            format!("no path through the call reaches {what} `{id}`"),
        )
        .label("never reached");
        if let Some(step) = spec.steps.get(referrer[index]) {
            d = d.note(format!("step `{}` leads here, but no path reaches that step", step.id));
        }
        diags.push(d.help(format!(
            "lead a step to it: `-> {written}`, or a branch such as `on SIGNAL -> {written}`"
        )));
    }
}

/// W0214: every edge a path takes to plain `end`, in a spec with end conditions.
fn unnamed_lint(w: &Walker<'_>, src: &mut Source<'_>, found: &Outcomes, diags: &mut super::diags::Diags) {
    let spec = w.spec;
    let n = spec.steps.len();
    // The condition to suggest: the one no path reaches, when there is one.
    let unreached: Vec<&str> = found
        .unreached
        .iter()
        .filter_map(|o| match o {
            Outcome::End(j) => Some(spec.ends[*j].id.as_str()),
            Outcome::Transfer(_) => None,
        })
        .collect();
    // The one end condition no path reaches is likely the one meant;
    // otherwise callc cannot guess, and lists them.
    let (best, note, how) = if let [only] = unreached[..] {
        (
            only,
            format!("no path reaches end condition `{only}` yet"),
            "name the outcome, perhaps",
        )
    } else {
        (
            "ID",
            format!(
                "the end conditions are {}; a new one is declared with `when ID \"…\"` in `end`",
                and_list(spec.ends.iter().map(|e| e.id.as_str()), 8)
            ),
            "name the outcome:",
        )
    };
    let mut branches_of: Option<(usize, HashMap<&str, &ast::Branch>)> = None;
    for u in &found.unnamed {
        let (span, message, label, written) = match u.via {
            Via::Next if u.from < n => {
                let step = &spec.steps[u.from];
                if step.next_explicit {
                    // Only a written plain `end` (an unknown target is E0102).
                    let Some(t) = src.next_target(u.from).filter(|t| is_plain_end(t)) else {
                        continue;
                    };
                    (
                        t.span(),
                        format!("step `{}` ends the call without naming an end condition", step.id),
                        "plain `end`",
                        format!("-> end({best})"),
                    )
                } else {
                    (
                        src.step(u.from),
                        format!("the call ends after `{}` without naming an end condition", step.id),
                        "the last step: the flow ends after it",
                        format!("-> end({best})"),
                    )
                }
            }
            Via::Own(k) if u.from < n => {
                if branches_of.as_ref().is_none_or(|(i, _)| *i != u.from) {
                    branches_of = Some((u.from, src.own_branches(u.from)));
                }
                let name = spec.on_name(spec.steps[u.from].branches[k].on);
                let Some(b) = branches_of.as_ref().and_then(|(_, m)| m.get(name).copied()) else {
                    continue;
                };
                if !is_plain_end(&b.target) {
                    continue;
                }
                (
                    b.target.span(),
                    format!(
                        "`on {name}` in step `{}` ends the call without naming an end condition",
                        spec.steps[u.from].id
                    ),
                    "plain `end`",
                    format!("on {name} -> end({best})"),
                )
            }
            Via::Global(g) => {
                let name = spec.on_name(spec.global_branches[g].on);
                let Some(b) = src.global(name) else { continue };
                if !is_plain_end(&b.target) {
                    continue;
                }
                (
                    b.target.span(),
                    format!("`on {name}` ends the call without naming an end condition"),
                    "plain `end`",
                    format!("on {name} -> end({best})"),
                )
            }
            Via::Retry if u.from < n => {
                let Some(t) = src.retry_target(u.from).filter(|t| is_plain_end(t)) else {
                    continue;
                };
                let count = spec.steps[u.from].retry.map_or(1, |r| r.max);
                (
                    t.span(),
                    format!(
                        "step `{}` ends the call without naming an end condition when its retries are spent",
                        spec.steps[u.from].id
                    ),
                    "plain `end`",
                    format!("retry {count} -> end({best})"),
                )
            }
            // A transfer without `fallback` is not reported: the call was
            // handed over (its outcome), and a failed hand-over is the
            // runtime's to report, like an event with no branch.
            Via::Fails => {
                let Some(k) = w.at.as_transfer(u.from) else { continue };
                let Some(t) = src.fallback_target(k).filter(|t| is_plain_end(t)) else {
                    continue;
                };
                (
                    t.span(),
                    format!(
                        "when transfer `{}` fails, the call ends without naming an end condition",
                        spec.transfers[k].id
                    ),
                    "plain `end`",
                    format!("fallback end({best})"),
                )
            }
            Via::Next | Via::Own(_) | Via::Retry | Via::Begin | Via::Done => continue,
        };
        diags.push(
            Diagnostic::new(Code::W0214, span, message)
                .label(label)
                .note(note.clone())
                .help(format!("{how} `{written}`")),
        );
    }
}

/// W0215.
fn missing_lint(w: &Walker<'_>, src: &mut Source<'_>, diags: &mut super::diags::Diags) {
    let spec = w.spec;
    for m in missing_captures(w) {
        let capture = &spec.captures[m.capture];
        let owner = match m.outcome {
            Outcome::End(j) => &spec.ends[j].id,
            Outcome::Transfer(k) => &spec.transfers[k].id,
        };
        let Some(span) = src.required(m.outcome, &capture.id).or_else(|| src.outcome(m.outcome)) else {
            continue;
        };
        let shown = w.show_path(&m.path, |name| name);
        let message = if capture.optional {
            format!(
                "`{owner}` requires `{}`, which is `optional`: the path {shown} can reach it without it",
                capture.id
            )
        } else {
            format!(
                "`{owner}` requires `{}`, but the path {shown} never captures it",
                capture.id
            )
        };
        let mut d = Diagnostic::new(Code::W0215, span, message).label(format!("requires `{}`", capture.id));
        // The edge that reaches the outcome.
        if let [.., (prev, _), (_, via)] = m.path[..]
            && let Some(at) = src.edge(w, prev, via)
        {
            d = d.with_secondary(at, format!("this reaches `{owner}` without `{}`", capture.id));
        }
        let asker = &spec.steps[capture.step].id;
        d = if capture.optional {
            d.note(format!(
                "step `{asker}` goes on whether or not the reply gives `{}`, so no path is sure to capture it",
                capture.id
            ))
            .help(format!(
                "remove `optional` from `capture {}`, or drop it from `requires`",
                capture.id
            ))
        } else {
            d.note(format!(
                "`{}` is captured when step `{asker}` goes on to its next step with the value",
                capture.id
            ))
            .help(format!("lead this path through step `{asker}` first"))
        };
        diags.push(d);
    }
}

/// W0216, leaving out the loops E0112 (only `continue` steps) and W0202
/// (no way to end) report.
fn unbounded_lint(w: &Walker<'_>, spans: &Spans<'_>, diags: &mut super::diags::Diags) {
    let spec = w.spec;
    let n = spec.steps.len();
    let finishes = turn_graph(spec).can_end();
    let skip =
        |members: &[usize]| members.iter().all(|&i| !spec.steps[i].waits) || members.iter().all(|&i| !finishes[i]);
    for u in unbounded(w, skip) {
        match u {
            Unbounded::Loop { cycle, members } => {
                let first = cycle[0].0;
                let shown = w.show_path(&cycle, |name| format!("`{name}`"));
                let through_others = cycle.iter().any(|&(v, _)| v < n && v != first);
                let message = if through_others {
                    format!("steps {shown} can repeat without limit")
                } else {
                    format!("step `{}` can repeat without limit: {shown}", spec.steps[first].id)
                };
                let mut d =
                    Diagnostic::new(Code::W0216, spans.steps[first].span(), message).label(if members.len() > 1 {
                        "no step of this loop has `retry`"
                    } else {
                        "this step can lead back to itself, and has no `retry`"
                    });
                let on_cycle = |i: usize| cycle.iter().any(|&(v, _)| v == i);
                for &i in members.iter().skip(1).take(LABELLED) {
                    d = d.with_secondary(
                        spans.steps[i].span(),
                        if on_cycle(i) {
                            "part of this loop"
                        } else {
                            "in another loop with these steps"
                        },
                    );
                }
                d = d.note("the call can go round as long as the callee keeps replying the same way");
                if members.iter().any(|&i| !on_cycle(i)) {
                    d = d.note(format!(
                        "{} steps here lead into each other in more than one loop: a `retry` bounds every loop through its step, and callc then reports any loop left",
                        members.len()
                    ));
                }
                diags.push(d.help(format!(
                    "add `retry 2 -> TARGET` to {}: after two more runs the call goes to TARGET instead",
                    if through_others {
                        "a step of this loop"
                    } else {
                        "the step"
                    }
                )));
            }
            Unbounded::Reask { step, capture } => {
                let id = &spec.steps[step].id;
                let cap = &spec.captures[capture].id;
                let at = spans
                    .captures
                    .get(capture)
                    .map_or(spans.steps[step].span(), super::symbols::Definition::span);
                diags.push(
                    Diagnostic::new(
                        Code::W0216,
                        at,
                        format!("step `{id}` asks again until the reply gives `{cap}`, without limit"),
                    )
                    .label(format!("`{cap}` is not `optional`, and step `{id}` has no `retry`"))
                    .help(format!(
                        "add `retry 2 -> TARGET` to step `{id}`, or make the capture `optional`"
                    )),
                );
            }
        }
    }
}

/// W0217.
fn voicemail_waits_lint(spec: &Spec, src: &mut Source<'_>, spans: &Spans<'_>, diags: &mut super::diags::Diags) {
    let Some((step, through)) = voicemail_waits(spec) else {
        return;
    };
    let id = &spec.steps[step].id;
    let mut d = Diagnostic::new(
        Code::W0217,
        spans.steps[step].span(),
        format!("step `{id}` is reached from `voicemail` but waits for a reply an answering machine never gives"),
    )
    .label("this step waits for a reply");
    if let Some(b) = src.global(Event::Voicemail.as_str()) {
        d = d.with_secondary(b.target.span(), "an answering machine is led here");
    }
    if !through.is_empty() {
        let names: Vec<&str> = through.iter().map(|&i| spec.steps[i].id.as_str()).collect();
        d = d.note(format!(
            "{} {} `continue` and {} on to it",
            and_list(names.iter().copied(), 4),
            if names.len() == 1 { "says" } else { "say" },
            if names.len() == 1 { "goes" } else { "go" },
        ));
    }
    diags.push(d.help(format!(
        "add `continue` to step `{id}`, so that it leaves its message and goes on"
    )));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Capture, EndCondition, Retry, Signal, Transfer, ValueType};

    fn step(id: &str, next: Target) -> Step {
        Step {
            id: id.to_owned(),
            title: None,
            lines: vec!["您好😀".into()],
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

    fn end(id: &str) -> EndCondition {
        EndCondition {
            id: id.to_owned(),
            caller: Some("结束".into()),
            callee: None,
            requires: Vec::new(),
        }
    }

    fn signal(id: &str) -> Signal {
        Signal {
            id: id.to_owned(),
            description: None,
            examples: Vec::new(),
        }
    }

    fn branch(on: On, target: Target) -> Branch {
        Branch { on, target }
    }

    use Target::{End, Step as To};

    /// 问候 → 报价 → 邮箱 → end(发邮件); 报价 on 忙 → end(发邮件); 邮箱 captures 邮件.
    fn renewal() -> Spec {
        let mut s = Spec {
            signals: vec![signal("忙"), signal("拒绝")],
            steps: vec![step("问候", To(1)), step("报价", To(2)), step("邮箱", End(Some(0)))],
            ends: vec![end("发邮件"), end("拒绝了")],
            captures: vec![Capture {
                id: "邮件".to_owned(),
                kind: ValueType::Email,
                optional: false,
                description: "邮箱地址".to_owned(),
                step: 2,
            }],
            ..Spec::default()
        };
        s.steps[2].captures = vec![0];
        s.steps[2].retry = Some(Retry {
            max: 2,
            then: End(Some(1)),
        });
        s.ends[0].requires = vec![0];
        s
    }

    fn paths(spec: &Spec) -> Vec<String> {
        let w = Walker::new(spec);
        missing_captures(&w)
            .iter()
            .map(|m| w.show_path(&m.path, |n| n))
            .collect()
    }

    #[test]
    fn a_capture_made_on_every_path_is_not_missing() {
        let spec = renewal();
        assert_eq!(paths(&spec), Vec::<String>::new());
    }

    #[test]
    fn a_branch_past_the_capture_is_the_shortest_path_shown() {
        let mut spec = renewal();
        spec.steps[1].branches.push(branch(On::Signal(0), End(Some(0))));
        assert_eq!(paths(&spec), ["问候 → 报价 →(忙) end(发邮件)"]);
        // The same branch written globally: in force at 问候 already.
        let mut spec = renewal();
        spec.global_branches.push(branch(On::Signal(0), End(Some(0))));
        assert_eq!(paths(&spec), ["问候 →(忙) end(发邮件)"]);
        // …unless 问候 overrides it (and the step that waits at 报价 does not).
        spec.steps[0].branches.push(branch(On::Signal(0), To(1)));
        spec.steps[0].overrides = vec![0];
        assert_eq!(paths(&spec), ["问候 → 报价 →(忙) end(发邮件)"]);
    }

    #[test]
    fn retries_and_branches_of_the_asking_step_do_not_capture() {
        let mut spec = renewal();
        spec.steps[2].retry = Some(Retry {
            max: 2,
            then: End(Some(0)),
        });
        assert_eq!(paths(&spec), ["问候 → 报价 → 邮箱 →(retries spent) end(发邮件)"]);
        let mut spec = renewal();
        spec.steps[2]
            .branches
            .push(branch(On::Event(Event::Silence), End(Some(0))));
        assert_eq!(paths(&spec), ["问候 → 报价 → 邮箱 →(silence) end(发邮件)"]);
    }

    #[test]
    fn optional_captures_are_never_guaranteed_and_events_at_the_start_count() {
        let mut spec = renewal();
        spec.captures[0].optional = true;
        assert_eq!(paths(&spec), ["问候 → 报价 → 邮箱 → end(发邮件)"]);
        let mut spec = renewal();
        spec.global_branches.push(branch(On::Event(Event::Voicemail), To(2)));
        spec.global_branches
            .push(branch(On::Event(Event::NoAnswer), End(Some(0))));
        assert_eq!(paths(&spec), ["start →(no_answer) end(发邮件)"]);
    }

    #[test]
    fn transfers_require_and_pass_on_to_their_fallback() {
        let mut spec = renewal();
        spec.transfers.push(Transfer {
            id: "销售".to_owned(),
            title: None,
            say: "转接".into(),
            to: None,
            fallback: End(Some(0)),
            requires: vec![0],
        });
        spec.steps[0].branches.push(branch(On::Signal(1), Target::Transfer(0)));
        assert_eq!(
            paths(&spec),
            [
                "问候 →(拒绝) transfer(销售) →(transfer fails) end(发邮件)",
                "问候 →(拒绝) transfer(销售)"
            ]
        );
    }

    #[test]
    fn outcomes_reached_and_ends_unnamed() {
        let mut spec = renewal();
        spec.steps[2].retry = None;
        spec.steps[1].branches.push(branch(On::Signal(1), End(None)));
        spec.global_branches.push(branch(On::Event(Event::Hangup), End(None)));
        let w = Walker::new(&spec);
        let o = outcomes(&w);
        assert_eq!(o.unreached, [Outcome::End(1)]);
        assert_eq!(
            o.unnamed,
            [
                Unnamed {
                    from: 1,
                    via: Via::Own(0)
                },
                Unnamed {
                    from: w.at.start(),
                    via: Via::Global(0)
                },
            ]
        );
        // A global branch overridden at every waiting step is in force nowhere.
        for s in &mut spec.steps {
            s.branches = vec![branch(On::Event(Event::Hangup), End(Some(1)))];
            s.overrides = vec![0];
        }
        let o = outcomes(&Walker::new(&spec));
        assert_eq!((o.unreached, o.unnamed), (vec![], vec![]));
        // …but at a step that does not wait, `hangup` is the one that is.
        spec.steps[1].waits = false;
        spec.steps[1].branches.clear();
        spec.steps[1].overrides.clear();
        let o = outcomes(&Walker::new(&spec));
        assert_eq!(o.unnamed.len(), 1);
    }

    #[test]
    fn a_step_reached_only_by_an_unreached_step_leaves_its_outcome_unreached() {
        let mut spec = renewal();
        spec.steps[0].next = End(Some(0));
        let o = outcomes(&Walker::new(&spec));
        assert_eq!(o.unreached, [Outcome::End(1)]);
    }

    fn loops(spec: &Spec) -> Vec<String> {
        let w = Walker::new(spec);
        unbounded(&w, |_| false)
            .iter()
            .map(|u| match u {
                Unbounded::Loop { cycle, .. } => w.show_path(cycle, |n| n),
                Unbounded::Reask { step, capture } => {
                    format!("{} asks {}", spec.steps[*step].id, spec.captures[*capture].id)
                }
            })
            .collect()
    }

    #[test]
    fn loops_without_retry_are_unbounded() {
        let mut spec = renewal();
        // 邮箱 has retry: its re-ask is bounded.
        assert_eq!(loops(&spec), Vec::<String>::new());
        spec.steps[2].retry = None;
        assert_eq!(loops(&spec), ["邮箱 asks 邮件"]);
        // 报价 →(拒绝) 问候 → 报价: a loop through a branch.
        spec.steps[1].branches.push(branch(On::Signal(1), To(0)));
        assert_eq!(loops(&spec), ["问候 → 报价 →(拒绝) 问候", "邮箱 asks 邮件"]);
        // A retry on either step bounds it.
        spec.steps[1].retry = Some(Retry {
            max: 1,
            then: End(None),
        });
        assert_eq!(loops(&spec), ["邮箱 asks 邮件"]);
    }

    #[test]
    fn a_global_silence_branch_is_a_loop_where_it_is_in_force() {
        let mut spec = renewal();
        spec.steps[2].retry = None;
        spec.captures[0].optional = true;
        spec.global_branches.push(branch(On::Event(Event::Silence), To(1)));
        // 报价 →(silence) 报价 and 邮箱 →(silence) 报价 → 邮箱.
        assert_eq!(loops(&spec), ["报价 →(silence) 报价"]);
        // Not at a step that does not wait: 报价 and 邮箱 stop hearing it.
        spec.steps[1].waits = false;
        spec.steps[2].waits = false;
        assert_eq!(loops(&spec), Vec::<String>::new());
    }

    #[test]
    fn voicemail_at_the_start_is_not_an_edge_of_the_first_step() {
        // 问候 → 留言 → 问候 is not a loop: voicemail leads to 留言 only at the start.
        let mut spec = Spec {
            steps: vec![step("问候", End(None)), step("留言", To(0))],
            ..Spec::default()
        };
        spec.global_branches.push(branch(On::Event(Event::Voicemail), To(1)));
        assert_eq!(loops(&spec), Vec::<String>::new());
        spec.steps[0].next = To(1);
        assert_eq!(loops(&spec), ["问候 → 留言 → 问候"]);
    }

    #[test]
    fn a_transfer_that_fails_back_into_its_step_is_a_loop() {
        let mut spec = Spec {
            steps: vec![step("问候", End(None))],
            transfers: vec![Transfer {
                id: "人工".to_owned(),
                title: None,
                say: "转接".into(),
                to: None,
                fallback: To(0),
                requires: Vec::new(),
            }],
            signals: vec![signal("要人工")],
            ..Spec::default()
        };
        spec.global_branches.push(branch(On::Signal(0), Target::Transfer(0)));
        assert_eq!(loops(&spec), ["问候 →(要人工) transfer(人工) →(transfer fails) 问候"]);
    }

    #[test]
    fn talking_loops_are_cycles_of_continue_steps() {
        let mut spec = Spec {
            steps: vec![step("a", To(1)), step("b", To(2)), step("c", To(1)), step("d", To(3))],
            ..Spec::default()
        };
        assert_eq!(talking_loops(&spec), Vec::<Vec<usize>>::new());
        for s in &mut spec.steps {
            s.waits = false;
        }
        assert_eq!(talking_loops(&spec), [vec![1, 2], vec![3]]);
        spec.steps[2].waits = true;
        assert_eq!(talking_loops(&spec), [vec![3]]);
    }

    #[test]
    fn voicemail_through_continue_steps_to_a_waiting_one() {
        let mut spec = Spec {
            steps: vec![step("a", To(1)), step("b", To(2)), step("c", End(None))],
            ..Spec::default()
        };
        assert_eq!(voicemail_waits(&spec), None);
        spec.global_branches.push(branch(On::Event(Event::Voicemail), To(1)));
        assert_eq!(voicemail_waits(&spec), Some((1, vec![])));
        spec.steps[1].waits = false;
        assert_eq!(voicemail_waits(&spec), Some((2, vec![1])));
        spec.steps[2].waits = false;
        assert_eq!(voicemail_waits(&spec), None);
        assert!(handles_voicemail(&spec));
    }

    /// A chain of `n` steps with `globals` global branches; every step
    /// overrides two of them; a capture at the middle step that the last
    /// end requires, and a loop back from every tenth step.
    fn large(n: usize, globals: usize) -> Spec {
        let mut spec = Spec {
            signals: (0..globals).map(|g| signal(&format!("s{g}"))).collect(),
            ends: vec![end("done"), end("other")],
            ..Spec::default()
        };
        for i in 0..n {
            let mut s = step(&format!("步骤{i}"), if i + 1 < n { To(i + 1) } else { End(Some(0)) });
            let (a, b) = (i % globals, (i * 7 + 3) % globals);
            let (a, b) = (a.min(b), a.max(b));
            s.branches = vec![branch(On::Signal(a), To((i + 1) % n))];
            s.overrides = vec![a];
            if b != a {
                s.branches.push(branch(On::Signal(b), To(i.saturating_sub(1))));
                s.overrides.push(b);
            }
            spec.steps.push(s);
        }
        spec.global_branches = (0..globals).map(|g| branch(On::Signal(g), To((g * 13) % n))).collect();
        spec.global_branches[globals - 1].target = End(Some(0));
        spec.captures.push(Capture {
            id: "c".to_owned(),
            kind: ValueType::Text,
            optional: false,
            description: "d".to_owned(),
            step: n / 2,
        });
        spec.steps[n / 2].captures = vec![0];
        spec.ends[0].requires = vec![0];
        spec
    }

    #[test]
    fn large_flows_stay_linear() {
        let spec = large(10_000, 100_000);
        let walker = Walker::new(&spec);
        let start = std::time::Instant::now();
        let found = outcomes(&walker);
        let missing = missing_captures(&walker);
        let loops = unbounded(&walker, |_| false);
        let took = start.elapsed();
        assert_eq!(found.unreached, [Outcome::End(1)]);
        assert_eq!(missing.len(), 1);
        assert_eq!(loops.len(), 1, "one loop holds every step");
        // Quadratic would be 10⁹ steps × branches; linear is well under a second even in debug builds.
        assert!(took.as_secs() < 5, "{took:?}");
    }

    #[test]
    fn many_small_loops_cost_what_they_visit() {
        // 50,000 steps, each its own loop: one search per loop, each as
        // small as its loop (a search that cleared a whole table each time
        // would cost 50,000²).
        let n = 50_000;
        let mut spec = Spec {
            signals: vec![signal("等")],
            ..Spec::default()
        };
        for i in 0..n {
            let mut s = step(&format!("步骤{i}"), if i + 1 < n { To(i + 1) } else { End(None) });
            s.branches.push(branch(On::Signal(0), To(i)));
            spec.steps.push(s);
        }
        let walker = Walker::new(&spec);
        let start = std::time::Instant::now();
        let loops = unbounded(&walker, |_| false);
        let took = start.elapsed();
        assert_eq!(loops.len(), n);
        assert!(took.as_secs() < 5, "{took:?}");
    }

    #[test]
    fn a_long_path_is_shown_with_its_middle_elided() {
        let n = 30;
        let mut spec = Spec {
            steps: (0..n)
                .map(|i| step(&format!("第{i}步"), if i + 1 < n { To(i + 1) } else { End(Some(0)) }))
                .collect(),
            ends: vec![end("发邮件")],
            captures: vec![Capture {
                id: "邮件".to_owned(),
                kind: ValueType::Email,
                optional: true,
                description: "邮箱地址".to_owned(),
                step: 0,
            }],
            ..Spec::default()
        };
        spec.ends[0].requires = vec![0];
        assert_eq!(
            paths(&spec),
            [
                "第0步 → 第1步 → 第2步 → 第3步 → … (21 more) … → 第25步 → 第26步 → 第27步 → 第28步 → 第29步 → end(发邮件)"
            ]
        );
    }
}
