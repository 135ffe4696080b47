//! The flow as a graph: which steps a step can lead to, which steps the
//! call can reach from its start, from which it can still end, and its
//! strongly connected components. The one place that knows the edges.
//!
//! Besides the steps' successors and branches, the edges are: a step's
//! `retry … -> TARGET` (taken when its retries are spent); the branches on
//! `voicemail` and `no_answer`, which are taken before any step runs, as
//! edges from the first step; and a node per transfer, with an edge to the
//! end (the transfer succeeds) and one to its fallback (it fails). A step
//! that does not wait (`continue`) hears no reply, so of the global
//! branches only the one on `hangup` is in force there.
//!
//! A global branch is in force at every step that does not override it, so
//! written out edge by edge the graph has steps × global branches edges:
//! 10,000 steps and 100,000 global branches would be a billion. Instead the
//! graph has a node per global branch (an edge to its target) and a segment
//! tree over those nodes; a step has an edge to the few tree nodes that
//! cover the global branches in force at it (the ranges between the ones it
//! overrides). Every path through these helper nodes is a real edge of the
//! flow, so reachability, "can still end" and strongly connected components
//! are exact for the steps, and the graph has
//! O(steps + own branches × log(global branches) + global branches) edges.
//!
//! Architecture invariant: nothing outside this module walks `next`,
//! branches and global branches to find where a step leads; the checker's
//! lints and the emitters ask this graph (or [`super::Spec::targets_at`]).

use super::{Event, On, Spec, Target};

/// The flow graph: steps, one node for "the call ends", one node per global
/// branch and the segment tree over them, in compressed adjacency form.
#[derive(Clone, Debug)]
pub struct FlowGraph {
    steps: usize,
    /// `offsets[v]..offsets[v + 1]` is the range of `edges` leaving node `v`.
    offsets: Vec<usize>,
    edges: Vec<usize>,
}

impl FlowGraph {
    /// Builds the graph of a checked spec.
    #[must_use]
    pub fn new(spec: &Spec) -> Self {
        let n = spec.steps.len();
        let globals = spec.global_branches.len();
        let end = n;
        let transfer_base = n + 1;
        let global_base = transfer_base + spec.transfers.len();
        // A perfect binary tree over the global branches: internal node k
        // (1 ≤ k < leaves) has children 2k and 2k + 1; leaf `leaves + g` is
        // global branch g's own node.
        let leaves = globals.next_power_of_two();
        let tree_base = global_base + globals;
        let node_of_tree = |k: usize| {
            if k >= leaves {
                global_base + (k - leaves)
            } else {
                tree_base + k
            }
        };
        let nodes = tree_base + if globals > 0 { leaves } else { 0 };
        let node = |t: Target| match t {
            Target::Step(j) => j,
            Target::End(_) => end,
            Target::Transfer(k) => transfer_base + k,
        };
        // Global branches in force at no step's turn: those taken at the
        // start (edges from the first step) — at most one per event.
        let at_start: Vec<usize> = spec
            .global_branches
            .iter()
            .enumerate()
            .filter(|(_, b)| b.is_at_start())
            .map(|(g, _)| g)
            .collect();
        let hangup = spec
            .global_branches
            .iter()
            .position(|b| b.on == On::Event(Event::Hangup));

        let mut offsets = Vec::with_capacity(nodes + 1);
        let mut edges: Vec<usize> = Vec::with_capacity(n * 2 + globals * 3);
        let mut not_in_force: Vec<usize> = Vec::new();
        for (i, step) in spec.steps.iter().enumerate() {
            offsets.push(edges.len());
            edges.push(node(step.next));
            edges.extend(step.branches.iter().map(|b| node(b.target)));
            if let Some(r) = step.retry {
                edges.push(node(r.then));
            }
            if i == 0 {
                edges.extend(at_start.iter().map(|&g| global_base + g));
            }
            if !step.waits {
                if let Some(h) = hangup
                    && step.overrides.binary_search(&h).is_err()
                {
                    edges.push(global_base + h);
                }
                continue;
            }
            // The global branches in force: every range between the ones
            // overridden or taken only at the start.
            not_in_force.clear();
            not_in_force.extend(step.overrides.iter().chain(&at_start).copied());
            not_in_force.sort_unstable();
            let mut from = 0;
            for &o in not_in_force.iter().chain(std::iter::once(&globals)) {
                if from < o {
                    cover(from, o, leaves, |k| edges.push(node_of_tree(k)));
                }
                from = from.max(o + 1);
            }
        }
        offsets.push(edges.len()); // the end node has no edge
        for t in &spec.transfers {
            offsets.push(edges.len());
            edges.push(end);
            edges.push(node(t.fallback));
        }
        for b in &spec.global_branches {
            offsets.push(edges.len());
            edges.push(node(b.target));
        }
        if globals > 0 {
            offsets.push(edges.len()); // tree node 0 is unused
            for k in 1..leaves {
                offsets.push(edges.len());
                for child in [2 * k, 2 * k + 1] {
                    // Children wholly past the last global branch cover nothing.
                    if first_leaf(child, leaves) < globals {
                        edges.push(node_of_tree(child));
                    }
                }
            }
        }
        offsets.push(edges.len());
        debug_assert_eq!(offsets.len(), nodes + 1);
        Self {
            steps: n,
            offsets,
            edges,
        }
    }

    fn nodes(&self) -> usize {
        self.offsets.len() - 1
    }

    fn out(&self, v: usize) -> &[usize] {
        &self.edges[self.offsets[v]..self.offsets[v + 1]]
    }

    /// The steps the call reaches from its first step.
    #[must_use]
    pub fn reachable(&self) -> Vec<bool> {
        let mut seen = vec![false; self.nodes()];
        if self.steps > 0 {
            seen[0] = true;
            let mut stack = vec![0];
            while let Some(v) = stack.pop() {
                for &w in self.out(v) {
                    if !seen[w] {
                        seen[w] = true;
                        stack.push(w);
                    }
                }
            }
        }
        seen.truncate(self.steps);
        seen
    }

    /// The edges reversed, in the same compressed form.
    fn reversed(&self) -> (Vec<usize>, Vec<usize>) {
        let nodes = self.nodes();
        let mut count = vec![0usize; nodes + 1];
        for &w in &self.edges {
            count[w + 1] += 1;
        }
        for v in 0..nodes {
            count[v + 1] += count[v];
        }
        let offsets = count.clone();
        let mut fill = count;
        let mut edges = vec![0; self.edges.len()];
        for v in 0..nodes {
            for &w in self.out(v) {
                edges[fill[w]] = v;
                fill[w] += 1;
            }
        }
        (offsets, edges)
    }

    /// For every step, whether some path from it ends the call.
    #[must_use]
    pub fn can_end(&self) -> Vec<bool> {
        let (offsets, edges) = self.reversed();
        let mut finishes = vec![false; self.nodes()];
        let end = self.steps;
        finishes[end] = true;
        let mut stack = vec![end];
        while let Some(w) = stack.pop() {
            for &v in &edges[offsets[w]..offsets[w + 1]] {
                if !finishes[v] {
                    finishes[v] = true;
                    stack.push(v);
                }
            }
        }
        finishes.truncate(self.steps);
        finishes
    }

    /// Strongly connected components (Tarjan's algorithm, iterative so
    /// that no flow can overflow the stack). Two steps share a component
    /// when each can reach the other.
    #[must_use]
    pub fn components(&self) -> Components {
        let n = self.nodes();
        let mut index = vec![usize::MAX; n];
        let mut low = vec![0; n];
        let mut on_stack = vec![false; n];
        let mut stack: Vec<usize> = Vec::new();
        let mut component = vec![usize::MAX; n];
        let (mut next_index, mut next_component) = (0, 0);
        for root in 0..self.steps {
            if index[root] != usize::MAX {
                continue;
            }
            // Each frame: a node and how far through its edges we are.
            let mut work: Vec<(usize, usize)> = vec![(root, 0)];
            index[root] = next_index;
            low[root] = next_index;
            next_index += 1;
            stack.push(root);
            on_stack[root] = true;
            while let Some(frame) = work.last_mut() {
                let (v, pos) = *frame;
                if let Some(&w) = self.out(v).get(pos) {
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
        // Tarjan numbers a component after every component it reaches, so
        // one pass in numbering order has seen the components an edge leads
        // to. A component is left when an edge leads to the end, to a
        // component with a step, or to one from which such a one is reached.
        let mut has_step = vec![false; next_component];
        for &c in &component[..self.steps] {
            has_step[c] = true;
        }
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); next_component];
        for (v, &c) in component.iter().enumerate() {
            if c != usize::MAX {
                members[c].push(v);
            }
        }
        let mut exits = vec![false; next_component];
        let mut leads_on = vec![false; next_component];
        for c in 0..next_component {
            for &v in &members[c] {
                for &w in self.out(v) {
                    if w == self.steps {
                        exits[c] = true;
                        continue;
                    }
                    let d = component[w];
                    if d != c && leads_on[d] {
                        exits[c] = true;
                    }
                }
            }
            leads_on[c] = has_step[c] || exits[c];
        }
        component.truncate(self.steps);
        Components {
            of_step: component,
            exits,
        }
    }

    /// A breadth-first search backwards from `seeds` (a step and the owner
    /// it stands for), through steps and helper nodes for which `through`
    /// holds: each step reached is claimed by the owner of the seed that
    /// reached it first. Returns each step's owner (`usize::MAX` when none).
    #[must_use]
    pub fn claim_backward(&self, seeds: &[(usize, usize)], through: impl Fn(usize) -> bool) -> Vec<usize> {
        let (offsets, edges) = self.reversed();
        let mut owner = vec![usize::MAX; self.nodes()];
        let mut queue = std::collections::VecDeque::new();
        for &(step, o) in seeds {
            owner[step] = o;
            queue.push_back(step);
        }
        while let Some(w) = queue.pop_front() {
            for &v in &edges[offsets[w]..offsets[w + 1]] {
                if owner[v] == usize::MAX && v != self.steps && (v > self.steps || through(v)) {
                    owner[v] = owner[w];
                    queue.push_back(v);
                }
            }
        }
        owner.truncate(self.steps);
        owner
    }
}

/// The strongly connected components of a flow graph.
#[derive(Clone, Debug)]
pub struct Components {
    /// Each step's component.
    pub of_step: Vec<usize>,
    /// For each component, whether an edge leaves it: to the end of the
    /// call, or (through helper nodes) to a step of another component.
    pub exits: Vec<bool>,
}

/// The first leaf (index among the leaves) below tree node `k`.
fn first_leaf(mut k: usize, leaves: usize) -> usize {
    while k < leaves {
        k *= 2;
    }
    k - leaves
}

/// Calls `f` with the tree nodes that exactly cover leaves `from..to`.
fn cover(from: usize, to: usize, leaves: usize, mut f: impl FnMut(usize)) {
    let (mut l, mut r) = (from + leaves, to + leaves);
    while l < r {
        if l & 1 == 1 {
            f(l);
            l += 1;
        }
        if r & 1 == 1 {
            r -= 1;
            f(r);
        }
        l /= 2;
        r /= 2;
    }
}
