//! The flow's paths: each run of the call from its start to an outcome,
//! with what moved it at each step. Two ways to find them:
//!
//! - [`enumerate`] lists every path, loops taken a bounded number of times
//!   (a step with `retry N` runs at most 1 + N times, as at run time; any
//!   other step at most [`Limits::max_visits`] times), under a bound on the
//!   number of paths and on the work done. [`Paths::cut`] says whether a
//!   bound was hit. `callc scenarios` writes these.
//! - [`search`] is a breadth-first search over the flow that never enters
//!   the steps a caller asks it to avoid: it answers "is there a path to an
//!   outcome that does not pass X" exactly, in time linear in the flow's
//!   size, and gives the shortest such path. The lint `uncovered_on_path`
//!   (W0220) asks it once per concern.
//!
//! What moves the call, and which telephony events are followed
//! ([`Events`]): the default successor (the callee replies without a
//! signal), a step's own and the global branches on signals, the branches
//! on events the caller chooses (`silence` and `voicemail` by default —
//! what a simulated callee can do; `hangup` and `no_answer` only when asked,
//! as a path that only says "the callee hung up at step X" adds nothing),
//! a non-optional capture withheld until the step's retries are spent, and
//! a transfer that fails (its fallback). A path ends at an end condition,
//! a plain `end`, or a transfer that succeeds.
//!
//! A global branch is in force at every step that does not override it, so
//! a flow may have steps × global branches edges. The search takes each
//! global branch once, at the first step in breadth-first order where it
//! is in force (which is where a shortest path takes it), with a
//! union-find "next not yet taken" list, so a search costs O(steps + own
//! branches + global branches) whatever the product. The enumeration
//! steps through the branches in force one at a time and counts each as
//! work, so its bound holds on any flow.

use std::fmt::Write as _;

use super::{Event, On, Spec, Target};

/// Where a hop leaves from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum At {
    /// The step at this index.
    Step(usize),
    /// The transfer at this index, which failed.
    Transfer(usize),
}

/// What moved the call on from a step or a transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Move {
    /// The step's successor after the callee replied without a signal (and
    /// gave what the step captures).
    Next,
    /// The step's successor after a step that does not wait (`continue`).
    Continue,
    /// The step's own branch at this index of its `branches`.
    Own(usize),
    /// The global branch at this index of [`Spec::global_branches`].
    Global(usize),
    /// The reply did not give the step's non-optional capture: the step
    /// runs again (enumeration only; the callee keeps withholding it until
    /// the retries are spent).
    AskAgain,
    /// The step's retries are spent: the call goes to its `retry` target
    /// instead of running it again. In an enumerated path the hop before
    /// is the one that came back to the step; a path found by [`search`]
    /// takes it right after the step (the search does not show the loop
    /// that spends the retries).
    RetriesSpent,
    /// The transfer failed: the call goes on at its `fallback`.
    TransferFails,
}

/// One move of a path: where the call was, and what moved it on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Hop {
    /// Where the call was.
    pub at: At,
    /// What moved it on.
    pub by: Move,
}

/// How a path ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// The call ends, naming the end condition at this index, or none.
    End(Option<usize>),
    /// The call is handed over by the transfer at this index.
    Transfer(usize),
}

/// A run of the call from its start to an outcome.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Path {
    /// The global branch taken when the line connected (on `voicemail` or
    /// `no_answer`), or `None`: the callee answered and the first step ran.
    pub start: Option<usize>,
    /// The moves, in order.
    pub hops: Vec<Hop>,
    /// How it ends.
    pub outcome: Outcome,
}

impl Path {
    /// What a hop's branch is taken on, if it is a branch.
    #[must_use]
    pub fn on(spec: &Spec, hop: Hop) -> Option<On> {
        match (hop.at, hop.by) {
            (At::Step(i), Move::Own(k)) => spec.steps.get(i)?.branches.get(k).map(|b| b.on),
            (_, Move::Global(g)) => spec.global_branches.get(g).map(|b| b.on),
            _ => None,
        }
    }

    /// The telephony event that ended the path, if its last move was a
    /// branch on one (or, without moves, the event it started with).
    #[must_use]
    pub fn ended_by(&self, spec: &Spec) -> Option<Event> {
        let on = match self.hops.last() {
            Some(&hop) => Path::on(spec, hop),
            None => self.start.and_then(|g| spec.global_branches.get(g)).map(|b| b.on),
        };
        match on {
            Some(On::Event(e)) => Some(e),
            _ => None,
        }
    }

    /// The event the path started with (`voicemail`, `no_answer`), if any.
    #[must_use]
    pub fn start_event(&self, spec: &Spec) -> Option<Event> {
        match spec.global_branches.get(self.start?)?.on {
            On::Event(e) => Some(e),
            On::Signal(_) => None,
        }
    }

    /// The steps the call is at along the path, in order (repeats kept).
    pub fn steps(&self) -> impl Iterator<Item = usize> + '_ {
        self.hops.iter().filter_map(|h| match h.at {
            At::Step(i) => Some(i),
            At::Transfer(_) => None,
        })
    }

    /// Whether a step on the path covers concern `c`.
    #[must_use]
    pub fn covers(&self, spec: &Spec, c: usize) -> bool {
        self.steps().any(|i| spec.steps[i].covers.contains(&c))
    }

    /// The path as arrows: `greet →(busy) docs →(busy) end(docs_by_email)`;
    /// `start →(voicemail) …` when it starts with an event. The middle of a
    /// path of more than `shown` nodes is elided.
    #[must_use]
    pub fn arrows(&self, spec: &Spec, shown: usize) -> String {
        let mut nodes: Vec<(String, Option<String>)> = Vec::with_capacity(self.hops.len() + 2);
        if let Some(g) = self.start {
            nodes.push(("start".to_owned(), Some(on_word(spec, spec.global_branches[g].on))));
        }
        for &hop in &self.hops {
            let name = match hop.at {
                At::Step(i) => spec.steps[i].id.clone(),
                At::Transfer(k) => format!("transfer({})", spec.transfers[k].id),
            };
            nodes.push((name, move_word(spec, hop)));
        }
        nodes.push((outcome_target(spec, self.outcome), None));
        let shown = shown.max(4);
        let (cut_from, cut_to) = if nodes.len() > shown {
            (shown / 2, nodes.len() - (shown - shown / 2))
        } else {
            (usize::MAX, usize::MAX)
        };
        let mut out = String::new();
        for (i, (name, word)) in nodes.iter().enumerate() {
            if i == cut_from {
                let _ = write!(out, "… ({} more) … → ", cut_to - cut_from);
            }
            if (cut_from..cut_to).contains(&i) {
                continue;
            }
            out.push_str(name);
            if i + 1 < nodes.len() {
                match word {
                    Some(w) => {
                        let _ = write!(out, " →({w}) ");
                    }
                    None => out.push_str(" → "),
                }
            }
        }
        out
    }

    /// The path in words, from the callee's side: "if 张强 gives `busy` at
    /// `greet`, the call ends (`declined`)". `who` names the callee. At
    /// most `shown` moves are told; the rest are counted.
    #[must_use]
    pub fn describe(&self, spec: &Spec, who: &str, shown: usize) -> String {
        let mut clauses: Vec<String> = Vec::new();
        match self.start_event(spec) {
            Some(Event::Voicemail) => clauses.push("an answering machine answers".to_owned()),
            Some(Event::NoAnswer) => clauses.push("nobody answers".to_owned()),
            _ => {}
        }
        let mut last_ask: Option<usize> = None;
        for &hop in &self.hops {
            let step = |i: usize| spec.steps[i].id.as_str();
            let clause = match (hop.at, hop.by) {
                (_, Move::Next | Move::Continue) => None,
                (At::Step(i), Move::Own(_) | Move::Global(_)) => match Path::on(spec, hop) {
                    Some(On::Signal(s)) => Some(format!("{who} gives `{}` at `{}`", spec.signals[s].id, step(i))),
                    Some(On::Event(Event::Silence)) => Some(format!("{who} stays silent at `{}`", step(i))),
                    Some(On::Event(Event::Hangup)) => Some(format!("{who} hangs up at `{}`", step(i))),
                    Some(On::Event(e)) => Some(format!("`{}` happens at `{}`", e.as_str(), step(i))),
                    None => None,
                },
                (At::Step(i), Move::AskAgain) => {
                    if last_ask == Some(i) {
                        None
                    } else {
                        last_ask = Some(i);
                        let capture = spec.steps[i]
                            .captures
                            .iter()
                            .find(|&&c| !spec.captures[c].optional)
                            .map_or("the value asked for", |&c| spec.captures[c].id.as_str());
                        Some(format!("{who} keeps not giving `{capture}` at `{}`", step(i)))
                    }
                }
                (At::Step(i), Move::RetriesSpent) => Some(format!("`{}` runs out of retries", step(i))),
                (At::Transfer(k), _) => Some(format!("the transfer `{}` fails", spec.transfers[k].id)),
                (At::Step(_), Move::TransferFails) => None,
            };
            if !matches!(hop.by, Move::AskAgain) {
                last_ask = None;
            }
            clauses.extend(clause);
        }
        let mut out = String::from("if ");
        if clauses.is_empty() {
            let _ = write!(out, "{who} replies at every step without a signal");
        } else {
            let total = clauses.len();
            for (i, c) in clauses.iter().take(shown.max(1)).enumerate() {
                if i > 0 {
                    out.push_str(", then ");
                }
                out.push_str(c);
            }
            if total > shown.max(1) {
                let _ = write!(out, ", then {} more", total - shown.max(1));
            }
        }
        out.push_str(", ");
        out.push_str(&outcome_words(spec, self.outcome));
        out
    }
}

/// An outcome as a target is written: `end(ID)`, `end`, `transfer(ID)`.
#[must_use]
pub fn outcome_target(spec: &Spec, o: Outcome) -> String {
    match o {
        Outcome::End(Some(j)) => format!("end({})", spec.ends[j].id),
        Outcome::End(None) => "end".to_owned(),
        Outcome::Transfer(k) => format!("transfer({})", spec.transfers[k].id),
    }
}

/// An outcome in words: "the call ends (`declined`)".
#[must_use]
pub fn outcome_words(spec: &Spec, o: Outcome) -> String {
    match o {
        Outcome::End(Some(j)) => format!("the call ends (`{}`)", spec.ends[j].id),
        Outcome::End(None) => "the call ends without naming an end condition".to_owned(),
        Outcome::Transfer(k) => format!("the call is transferred (`{}`)", spec.transfers[k].id),
    }
}

fn on_word(spec: &Spec, on: On) -> String {
    spec.on_name(on).to_owned()
}

/// The word on a hop's arrow, if it is not the plain successor.
fn move_word(spec: &Spec, hop: Hop) -> Option<String> {
    match hop.by {
        Move::Next | Move::Continue => None,
        Move::Own(_) | Move::Global(_) => Path::on(spec, hop).map(|on| on_word(spec, on)),
        Move::AskAgain => Some("asked again".to_owned()),
        Move::RetriesSpent => Some("retries spent".to_owned()),
        Move::TransferFails => Some("fails".to_owned()),
    }
}

/// Which telephony events a walk follows (signals and successors always).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // one switch per event, as the docs list them
pub struct Events {
    /// Branches on `voicemail`, at the start.
    pub voicemail: bool,
    /// Branches on `no_answer`, at the start.
    pub no_answer: bool,
    /// Branches on `silence`.
    pub silence: bool,
    /// Branches on `hangup`.
    pub hangup: bool,
}

impl Events {
    /// What a simulated callee can do: stay silent, or be an answering
    /// machine. (`no_answer` and `hangup` paths say only "nobody answered"
    /// or "the callee hung up at step X".)
    pub const SIMULATED: Events = Events {
        voicemail: true,
        no_answer: false,
        silence: true,
        hangup: false,
    };

    /// Every event.
    pub const ALL: Events = Events {
        voicemail: true,
        no_answer: true,
        silence: true,
        hangup: true,
    };

    /// No event: only what the callee says moves the call.
    pub const NONE: Events = Events {
        voicemail: false,
        no_answer: false,
        silence: false,
        hangup: false,
    };

    /// Whether a branch on `on` is followed.
    #[must_use]
    pub const fn follows(self, on: On) -> bool {
        match on {
            On::Signal(_) => true,
            On::Event(Event::Voicemail) => self.voicemail,
            On::Event(Event::NoAnswer) => self.no_answer,
            On::Event(Event::Silence) => self.silence,
            On::Event(Event::Hangup) => self.hangup,
        }
    }
}

impl Default for Events {
    fn default() -> Self {
        Events::SIMULATED
    }
}

// ---------------------------------------------------------------------------
// Enumeration.

/// The bounds of [`enumerate`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most paths listed.
    pub max_paths: usize,
    /// The most work done: one unit per move considered and per hop of a
    /// path listed.
    pub max_work: usize,
    /// How many times a step without `retry` may run in one path (2: a
    /// loop is taken once). A step with `retry N` runs at most 1 + N times.
    pub max_visits: u8,
    /// How many branches on `silence` one path takes (1: the callee is
    /// silent at one step; every step where silence is handled still has
    /// its path). Each silence otherwise multiplies the paths by the number
    /// of waiting steps.
    pub max_silences: u8,
    /// Which telephony events are followed.
    pub events: Events,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_paths: 10_000,
            max_work: 2_000_000,
            max_visits: 2,
            max_silences: 1,
            events: Events::SIMULATED,
        }
    }
}

/// Which bound stopped an enumeration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// [`Limits::max_paths`] paths were listed; there are more.
    Paths(usize),
    /// [`Limits::max_work`] was spent before every path was found.
    Work(usize),
}

/// What [`enumerate`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Paths {
    /// The paths, in depth-first order: at each step the successor first,
    /// then the step's own branches, the global branches in force, and
    /// withholding a capture.
    pub paths: Vec<Path>,
    /// The bound hit, if the list is not every path.
    pub cut: Option<Bound>,
    /// How many walks were dropped because they would run a step without
    /// `retry` more than [`Limits::max_visits`] times (loops taken more
    /// often are not new paths; this is not a cut).
    pub looped: usize,
}

impl Paths {
    /// Adds a path, or marks the list cut when it is full.
    fn list(&mut self, limits: &Limits, path: Path) {
        if self.paths.len() < limits.max_paths {
            self.paths.push(path);
        } else {
            self.cut = Some(Bound::Paths(limits.max_paths));
        }
    }

    /// Whether every path (within the loop bounds) is listed.
    #[must_use]
    pub fn complete(&self) -> bool {
        self.cut.is_none()
    }
}

/// Where an enumeration frame stands.
#[derive(Clone, Copy, Debug)]
enum Place {
    Start,
    Step(usize),
    Transfer(usize),
}

struct Frame {
    place: Place,
    /// The length of the path when the frame was entered.
    hops: usize,
    /// The next move to consider (see [`Enumerator::next_move`]).
    cursor: usize,
    /// Entered by [`Move::AskAgain`]: the callee keeps withholding.
    withholding: bool,
    /// The branches on `silence` the path has taken.
    silences: u8,
}

struct Enumerator<'s> {
    spec: &'s Spec,
    limits: Limits,
    /// The global branches taken at the start that the events allow.
    at_start: Vec<usize>,
    /// The global branch on `hangup`, if followed.
    hangup: Option<usize>,
    work: usize,
}

impl Enumerator<'_> {
    /// Whether a branch on `on` is followed from frame `f`.
    fn follows(&self, f: &Frame, on: On) -> bool {
        self.limits.events.follows(on) && (on != On::Event(Event::Silence) || f.silences < self.limits.max_silences)
    }

    /// The most runs of step `i` in one path.
    fn cap(&self, i: usize) -> u8 {
        self.spec.steps[i]
            .retry
            .map_or(self.limits.max_visits, |r| r.max.saturating_add(1))
    }

    /// Whether step `i` may be asked again: it waits, has a non-optional
    /// capture, and a `retry` that bounds the asking.
    fn can_ask_again(&self, i: usize) -> bool {
        let step = &self.spec.steps[i];
        step.waits
            && step.retry.is_some()
            && step
                .captures
                .iter()
                .any(|&c| self.spec.captures.get(c).is_some_and(|cap| !cap.optional))
    }

    /// The frame's next move and where it leads, advancing its cursor; a
    /// unit of work per move considered. Cursor order at a step: 0 the
    /// successor, then each own branch, each global branch, and asking
    /// again.
    fn next_move(&mut self, frame: &mut Frame) -> Option<(Move, Option<usize>, Target)> {
        let spec = self.spec;
        match frame.place {
            Place::Start => {
                let pos = frame.cursor;
                frame.cursor += 1;
                self.work += 1;
                if pos == 0 {
                    return (!spec.steps.is_empty()).then_some((Move::Next, None, Target::Step(0)));
                }
                let g = *self.at_start.get(pos - 1)?;
                Some((Move::Global(g), Some(g), spec.global_branches[g].target))
            }
            Place::Transfer(k) => {
                let pos = frame.cursor;
                frame.cursor += 1;
                self.work += 1;
                (pos == 0).then(|| (Move::TransferFails, None, spec.transfers[k].fallback))
            }
            Place::Step(i) => {
                let step = &spec.steps[i];
                let own = step.branches.len();
                let globals = spec.global_branches.len();
                let ask = 1 + own + globals;
                if frame.withholding && frame.cursor < ask {
                    frame.cursor = ask;
                }
                loop {
                    let pos = frame.cursor;
                    frame.cursor += 1;
                    self.work += 1;
                    if self.work > self.limits.max_work {
                        return None;
                    }
                    if pos == 0 {
                        let by = if step.waits { Move::Next } else { Move::Continue };
                        return Some((by, None, step.next));
                    }
                    if pos <= own {
                        let b = &step.branches[pos - 1];
                        if self.follows(frame, b.on) {
                            return Some((Move::Own(pos - 1), None, b.target));
                        }
                        continue;
                    }
                    if pos < ask {
                        let g = pos - 1 - own;
                        if !step.waits {
                            // Of the global branches only `hangup` is in force here.
                            frame.cursor = ask;
                            match self.hangup {
                                Some(h) if step.overrides.binary_search(&h).is_err() => {
                                    return Some((Move::Global(h), None, spec.global_branches[h].target));
                                }
                                _ => continue,
                            }
                        }
                        let b = &spec.global_branches[g];
                        if b.is_at_start() || !self.follows(frame, b.on) || step.overrides.binary_search(&g).is_ok() {
                            continue;
                        }
                        return Some((Move::Global(g), None, b.target));
                    }
                    if pos == ask && self.can_ask_again(i) {
                        return Some((Move::AskAgain, None, Target::Step(i)));
                    }
                    return None;
                }
            }
        }
    }
}

/// Every path of the flow from its start, within `limits` (see the module).
#[must_use]
pub fn enumerate(spec: &Spec, limits: &Limits) -> Paths {
    let events = limits.events;
    let mut e = Enumerator {
        spec,
        limits: *limits,
        at_start: spec
            .global_branches
            .iter()
            .enumerate()
            .filter(|(_, b)| b.is_at_start() && events.follows(b.on))
            .map(|(g, _)| g)
            .collect(),
        hangup: spec
            .global_branches
            .iter()
            .position(|b| b.on == On::Event(Event::Hangup))
            .filter(|_| events.hangup),
        work: 0,
    };
    let mut out = Paths::default();
    let mut visits = vec![0u8; spec.steps.len()];
    let mut hops: Vec<Hop> = Vec::new();
    let mut start: Option<usize> = None;
    let mut stack = vec![Frame {
        place: Place::Start,
        hops: 0,
        cursor: 0,
        withholding: false,
        silences: 0,
    }];
    while let Some(frame) = stack.last_mut() {
        if out.cut.is_some() {
            break;
        }
        hops.truncate(frame.hops);
        let Some((by, start_branch, target)) = e.next_move(frame) else {
            if e.work > limits.max_work {
                out.cut = Some(Bound::Work(limits.max_work));
                break;
            }
            if let Place::Step(i) = frame.place {
                visits[i] -= 1;
            }
            stack.pop();
            continue;
        };
        let silences = frame.silences;
        let silent = matches!(frame.place, Place::Step(i) if Path::on(spec, Hop { at: At::Step(i), by }) == Some(On::Event(Event::Silence)));
        let silences = silences + u8::from(silent);
        match frame.place {
            Place::Start => start = start_branch,
            Place::Step(i) => hops.push(Hop { at: At::Step(i), by }),
            Place::Transfer(k) => hops.push(Hop {
                at: At::Transfer(k),
                by,
            }),
        }
        // Enter the target; a step whose runs are spent sends the call on
        // to its retry target (a chain of those at most once per step).
        let mut t = target;
        let mut redirects = 0;
        loop {
            match t {
                Target::End(c) => {
                    e.work += hops.len();
                    out.list(
                        limits,
                        Path {
                            start,
                            hops: hops.clone(),
                            outcome: Outcome::End(c),
                        },
                    );
                }
                Target::Transfer(k) => {
                    e.work += hops.len();
                    out.list(
                        limits,
                        Path {
                            start,
                            hops: hops.clone(),
                            outcome: Outcome::Transfer(k),
                        },
                    );
                    stack.push(Frame {
                        place: Place::Transfer(k),
                        hops: hops.len(),
                        cursor: 0,
                        withholding: false,
                        silences,
                    });
                }
                Target::Step(j) => {
                    if visits[j] < e.cap(j) {
                        visits[j] += 1;
                        stack.push(Frame {
                            place: Place::Step(j),
                            hops: hops.len(),
                            cursor: 0,
                            withholding: by == Move::AskAgain,
                            silences,
                        });
                    } else if let Some(r) = spec.steps[j].retry
                        && redirects < spec.steps.len()
                    {
                        hops.push(Hop {
                            at: At::Step(j),
                            by: Move::RetriesSpent,
                        });
                        redirects += 1;
                        t = r.then;
                        continue;
                    } else {
                        out.looped += 1;
                    }
                }
            }
            break;
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Search.

/// No node.
const NONE: usize = usize::MAX;

/// How [`search`] walks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rules {
    /// Which telephony events are followed.
    pub events: Events,
    /// Whether a transfer that succeeds is an outcome (otherwise only its
    /// fallback is followed: the call is handed to a person who carries
    /// it on).
    pub transfers_end: bool,
    /// Whether a step's `retry` target is an edge. The search takes it
    /// right after the step's first run (as the flow graph does), without
    /// the loop that spends the retries: right for "can the call get
    /// there", not for a path a simulator must follow.
    pub retries: bool,
}

/// The edge a search entered a node by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Via {
    /// Nothing yet.
    Unseen,
    /// The callee answered: the first step.
    Begin,
    /// A global branch taken at the start.
    Start(usize),
    /// A move from a step or transfer.
    Move(Move),
}

/// The nodes a search walks: the steps, the transfers, the end conditions,
/// plain `end`, and the start, in that order.
#[derive(Clone, Copy, Debug)]
struct Layout {
    steps: usize,
    transfers: usize,
    ends: usize,
}

impl Layout {
    fn plain_end(self) -> usize {
        self.steps + self.transfers + self.ends
    }

    fn start(self) -> usize {
        self.plain_end() + 1
    }

    fn len(self) -> usize {
        self.start() + 1
    }

    fn node(self, t: Target) -> usize {
        match t {
            Target::Step(j) => j,
            Target::Transfer(k) => self.steps + k,
            Target::End(Some(j)) => self.steps + self.transfers + j,
            Target::End(None) => self.plain_end(),
        }
    }

    fn outcome(self, v: usize) -> Option<Outcome> {
        let ends = self.steps + self.transfers;
        if (self.steps..ends).contains(&v) {
            Some(Outcome::Transfer(v - self.steps))
        } else if (ends..self.plain_end()).contains(&v) {
            Some(Outcome::End(Some(v - ends)))
        } else if v == self.plain_end() {
            Some(Outcome::End(None))
        } else {
            None
        }
    }
}

/// What a [`search`] reached, and how.
#[derive(Clone, Debug)]
pub struct Reach {
    at: Layout,
    transfers_end: bool,
    parent: Vec<(usize, Via)>,
    /// The nodes in the order reached.
    order: Vec<usize>,
}

impl Reach {
    /// Whether step `i` was reached.
    #[must_use]
    pub fn reached_step(&self, i: usize) -> bool {
        self.parent.get(i).is_some_and(|&(_, via)| via != Via::Unseen)
    }

    /// The outcomes reached, nearest first.
    #[must_use]
    pub fn outcomes(&self) -> Vec<Outcome> {
        self.order
            .iter()
            .filter_map(|&v| self.at.outcome(v))
            .filter(|o| self.transfers_end || !matches!(o, Outcome::Transfer(_)))
            .collect()
    }

    /// The shortest path found to an outcome, if it was reached.
    #[must_use]
    pub fn path_to(&self, o: Outcome) -> Option<Path> {
        if matches!(o, Outcome::Transfer(_)) && !self.transfers_end {
            return None;
        }
        let target = match o {
            Outcome::End(c) => self.at.node(Target::End(c)),
            Outcome::Transfer(k) => self.at.node(Target::Transfer(k)),
        };
        let (start, hops) = self.walk_back(target)?;
        Some(Path {
            start,
            hops,
            outcome: o,
        })
    }

    /// The shortest way found to step `i`: the global branch taken at the
    /// start, if any, and the moves that lead there (the last one enters
    /// the step).
    #[must_use]
    pub fn route_to_step(&self, i: usize) -> Option<(Option<usize>, Vec<Hop>)> {
        (i < self.at.steps).then(|| self.walk_back(i)).flatten()
    }

    fn walk_back(&self, target: usize) -> Option<(Option<usize>, Vec<Hop>)> {
        if self.parent.get(target)?.1 == Via::Unseen {
            return None;
        }
        let mut hops = Vec::new();
        let mut start = None;
        let mut v = target;
        while v != self.at.start() {
            let (from, via) = self.parent[v];
            match via {
                Via::Move(by) => hops.push(Hop {
                    at: if from < self.at.steps {
                        At::Step(from)
                    } else {
                        At::Transfer(from - self.at.steps)
                    },
                    by,
                }),
                Via::Start(g) => start = Some(g),
                Via::Begin | Via::Unseen => {}
            }
            v = from;
        }
        hops.reverse();
        Some((start, hops))
    }
}

/// Every move that can leave step `i`, with where it leads: the
/// successor, the step's own branches, the global branches in force there
/// (those `events` follows), asking again for a withheld capture (when a
/// `retry` bounds it) and the retries spent. O(own + global branches).
#[must_use]
pub fn moves_at(spec: &Spec, i: usize, events: Events) -> Vec<(Move, Target)> {
    let step = &spec.steps[i];
    let mut out = vec![(if step.waits { Move::Next } else { Move::Continue }, step.next)];
    for (k, b) in step.branches.iter().enumerate() {
        if events.follows(b.on) {
            out.push((Move::Own(k), b.target));
        }
    }
    for (g, b) in spec.global_branches.iter().enumerate() {
        let in_force = !b.is_at_start()
            && (step.waits || b.on == On::Event(Event::Hangup))
            && step.overrides.binary_search(&g).is_err();
        if in_force && events.follows(b.on) {
            out.push((Move::Global(g), b.target));
        }
    }
    if let Some(r) = step.retry {
        if step.waits
            && step
                .captures
                .iter()
                .any(|&c| spec.captures.get(c).is_some_and(|cap| !cap.optional))
        {
            out.push((Move::AskAgain, Target::Step(i)));
        }
        out.push((Move::RetriesSpent, r.then));
    }
    out
}

/// The global branches a search can still take, each once: `list` holds
/// them ascending, `pos` maps a global branch to its place there, and
/// `next` is a union-find over the places (`next[p] == p` while place `p`
/// is not taken).
struct Untaken {
    list: Vec<usize>,
    pos: Vec<usize>,
    next: Vec<usize>,
}

impl Untaken {
    fn new(list: Vec<usize>, globals: usize) -> Self {
        let mut pos = vec![NONE; globals];
        for (p, &g) in list.iter().enumerate() {
            pos[g] = p;
        }
        let next = (0..=list.len()).collect();
        Self { list, pos, next }
    }

    /// The first place from `p` on not taken (`list.len()` when none).
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

    /// Takes every global branch not yet taken in force at a waiting step
    /// that overrides `overrides` (ascending), calling `f` with each.
    fn take_at(&mut self, overrides: &[usize], mut f: impl FnMut(usize)) {
        let len = self.list.len();
        let mut from = 0;
        let bounds: Vec<usize> = overrides
            .iter()
            .filter_map(|&o| self.pos.get(o).copied().filter(|&p| p != NONE))
            .collect();
        for bound in bounds.into_iter().chain(std::iter::once(len)) {
            let mut p = self.find(from);
            while p < bound {
                self.next[p] = p + 1;
                f(self.list[p]);
                p = self.find(p + 1);
            }
            from = from.max(bound + 1);
        }
    }

    /// Takes global branch `g` if it is in the list and not yet taken.
    fn take(&mut self, g: usize) -> bool {
        let Some(&p) = self.pos.get(g) else { return false };
        if p == NONE || self.find(p) != p {
            return false;
        }
        self.next[p] = p + 1;
        true
    }
}

/// A breadth-first search from the start of the call that never enters a
/// step for which `avoid` holds (see the module). O(steps + own branches
/// + global branches + transfers).
#[must_use]
pub fn search(spec: &Spec, rules: &Rules, avoid: impl Fn(usize) -> bool) -> Reach {
    search_inner(spec, *rules, None, avoid)
}

/// [`search`] from step `from` instead of the start of the call (the
/// paths it gives start there: no event at the start, the first hop at
/// `from`).
#[must_use]
pub fn search_from(spec: &Spec, rules: &Rules, from: usize, avoid: impl Fn(usize) -> bool) -> Reach {
    search_inner(spec, *rules, Some(from), avoid)
}

fn search_inner(spec: &Spec, rules: Rules, from: Option<usize>, avoid: impl Fn(usize) -> bool) -> Reach {
    let at = Layout {
        steps: spec.steps.len(),
        transfers: spec.transfers.len(),
        ends: spec.ends.len(),
    };
    let events = rules.events;
    let mut parent = vec![(NONE, Via::Unseen); at.len()];
    let mut order = Vec::new();
    let mut untaken = Untaken::new(
        spec.global_branches
            .iter()
            .enumerate()
            .filter(|(_, b)| !b.is_at_start() && events.follows(b.on))
            .map(|(g, _)| g)
            .collect(),
        spec.global_branches.len(),
    );
    let hangup = spec
        .global_branches
        .iter()
        .position(|b| b.on == On::Event(Event::Hangup));
    let start = at.start();
    parent[start] = (NONE, Via::Begin);
    order.push(start);
    let mut next = 0;
    let mut edges: Vec<(Target, Via)> = Vec::new();
    while let Some(&v) = order.get(next) {
        next += 1;
        edges.clear();
        if v == start {
            if let Some(i) = from {
                edges.push((Target::Step(i), Via::Begin));
            } else {
                if !spec.steps.is_empty() {
                    edges.push((Target::Step(0), Via::Begin));
                }
                for (g, b) in spec.global_branches.iter().enumerate() {
                    if b.is_at_start() && events.follows(b.on) {
                        edges.push((b.target, Via::Start(g)));
                    }
                }
            }
        } else if v < at.steps {
            let step = &spec.steps[v];
            let by = if step.waits { Move::Next } else { Move::Continue };
            edges.push((step.next, Via::Move(by)));
            for (k, b) in step.branches.iter().enumerate() {
                if events.follows(b.on) {
                    edges.push((b.target, Via::Move(Move::Own(k))));
                }
            }
            if let Some(r) = step.retry
                && rules.retries
            {
                edges.push((r.then, Via::Move(Move::RetriesSpent)));
            }
            if step.waits {
                untaken.take_at(&step.overrides, |g| {
                    edges.push((spec.global_branches[g].target, Via::Move(Move::Global(g))));
                });
            } else if let Some(h) = hangup
                && step.overrides.binary_search(&h).is_err()
                && untaken.take(h)
            {
                edges.push((spec.global_branches[h].target, Via::Move(Move::Global(h))));
            }
        } else if v < at.steps + at.transfers {
            let k = v - at.steps;
            edges.push((spec.transfers[k].fallback, Via::Move(Move::TransferFails)));
        }
        for &(t, via) in &edges {
            if let Target::Step(j) = t
                && avoid(j)
            {
                continue;
            }
            let w = at.node(t);
            if parent[w].1 == Via::Unseen {
                parent[w] = (v, via);
                order.push(w);
            }
        }
    }
    Reach {
        at,
        transfers_end: rules.transfers_end,
        parent,
        order,
    }
}
