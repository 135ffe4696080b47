//! `callc scenarios`: the scenario set of a spec — each callee played
//! against each path of the flow — as a public, versioned JSON document for
//! simulators and the runtime targets that export them. The format is
//! described in docs/scenarios.md; `callc schema scenarios` prints its JSON
//! Schema, generated from these types.
//!
//! A scenario says who the simulated callee is (the persona, with the
//! concerns to raise), what to do at each caller turn (reply, give a signal
//! with its example utterances, stay silent, withhold a capture) and what
//! success means (the outcome reached, the captures made, the concerns the
//! steps on the path answer). Texts are filled with the per-call variables'
//! examples (a scenario is one concrete call); `vars` lists the values
//! used.
//!
//! Which paths: every path ([`paths::enumerate`]) when there are at most
//! [`Options::max_paths`]; otherwise a covering set — the listed paths that
//! take some move at some step, or reach some outcome, that no earlier one
//! did, then the shortest path to each outcome the listed ones missed.
//! `selection` says which, and why.

use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ast::Priority as AstPriority;
use crate::ir::paths::{self, At, Bound, Events, Limits, Move, Outcome, Path, Rules};
use crate::ir::{self, On, Spec, Text};

/// The version of this format; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// How many paths a scenario set lists in full by default.
pub const DEFAULT_MAX_PATHS: usize = 500;

/// What to put in a scenario set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The most paths listed in full; past it, a covering set.
    pub max_paths: usize,
    /// The telephony events followed.
    pub events: Events,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_paths: DEFAULT_MAX_PATHS,
            events: Events::SIMULATED,
        }
    }
}

/// A spec's scenario set.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSet {
    /// The version of this format.
    #[schemars(extend("const" = FORMAT_VERSION))]
    pub format_version: u32,
    /// The call's id.
    pub call: String,
    /// The call's title.
    pub title: Option<String>,
    /// The locale of the texts, such as `zh-CN`.
    pub locale: String,
    /// Who speaks first once the line connects. The caller (the agent)
    /// placed the call; the simulated callee answers it.
    pub first_speaker: Speaker,
    /// Seconds of silence after a caller turn before the `silence` event
    /// fires.
    pub silence_timeout: u32,
    /// The caller, as the callee hears it introduced.
    pub caller: Caller,
    /// The opening line, said before the first step.
    pub opening: Option<String>,
    /// The closing line, said when the call ends at an end condition or a
    /// plain `end` (not after a transfer or a hang-up).
    pub closing: String,
    /// The per-call variables and the values the texts were filled with.
    pub vars: Vec<VarValue>,
    /// Which paths the scenarios follow, and why.
    pub selection: Selection,
    /// The scenarios: for each callee in order, one per path.
    pub scenarios: Vec<Scenario>,
}

/// Who speaks first.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum Speaker {
    /// The callee picks up and speaks first ("喂？"); then the opening.
    Callee,
    /// The opening is said as soon as the line connects.
    Caller,
}

/// The caller in brief.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Caller {
    /// The caller's id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Organisation.
    pub org: Option<String>,
    /// Role.
    pub role: Option<String>,
}

/// A per-call variable and the value used for it.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct VarValue {
    /// The variable's id.
    pub id: String,
    /// Its type as written in the spec (`date`, `money(CNY)`, `one_of(a, b)`).
    #[serde(rename = "type")]
    pub kind: String,
    /// The value as written (the example, else the default), or `null`:
    /// the texts keep `{{id}}`.
    pub value: Option<String>,
    /// The value as the texts say it, for the locale (`2026年12月31日`).
    pub spoken: Option<String>,
    /// Whether it is personal data.
    pub pii: bool,
}

/// Which paths the scenarios follow.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// `every_path`, or `covering` when there are too many.
    pub kind: SelectionKind,
    /// How many paths the scenarios follow (per callee).
    pub paths: usize,
    /// Why not every path, when the kind is `covering`.
    pub reason: Option<String>,
    /// The telephony events the paths follow (signals and plain replies
    /// always).
    pub events: Vec<Event>,
    /// The most times a step without `retry` runs on one path (a step with
    /// `retry N` runs at most 1 + N times).
    pub max_visits: u8,
}

/// How the paths were chosen.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum SelectionKind {
    /// Every path of the flow (loops taken within the bounds).
    EveryPath,
    /// A set that takes every move found at every step and reaches every
    /// outcome reachable: too many paths to list them all.
    Covering,
}

/// A telephony event.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// An answering machine answers (at the start).
    Voicemail,
    /// The call never connects (at the start).
    NoAnswer,
    /// The callee says nothing for `silence_timeout` seconds.
    Silence,
    /// The callee hangs up.
    Hangup,
}

/// One simulated call: a callee on a path.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// `CALLEE.pN`: unique in the set.
    pub id: String,
    /// The callee's id.
    pub callee: String,
    /// The path's id, `pN` (the same path for every callee).
    pub path: String,
    /// The path in words, from the callee's side.
    pub summary: String,
    /// Who to play.
    pub persona: Persona,
    /// How the line connects.
    pub start: Start,
    /// What happens, in order: the caller's turns with what the callee
    /// does at each, retries spent, transfers.
    pub moments: Vec<Moment>,
    /// What a simulation that follows this scenario must end with.
    pub success: Success,
}

/// How the line connects.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum Start {
    /// The callee answers.
    Answered,
    /// An answering machine answers: play its greeting, then record.
    Voicemail,
    /// Nobody answers: the call never connects.
    NoAnswer,
}

/// The callee to play.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Persona {
    /// Name.
    pub name: String,
    /// The id of the callee this one extends, if any.
    pub extends: Option<String>,
    /// `male`, `female` or `other`.
    pub gender: Option<String>,
    /// Age in years.
    pub age: Option<u32>,
    /// Organisation.
    pub org: Option<String>,
    /// Role.
    pub role: Option<String>,
    /// Persona prose.
    pub persona: Option<String>,
    /// Background, by label, in order.
    pub background: Vec<Entry>,
    /// Typical behaviour, one item per line.
    pub behavior: Vec<String>,
    /// Reply style.
    pub style: Style,
    /// The concerns to raise, in order, with where the path answers each.
    pub concerns: Vec<Concern>,
}

/// A labelled fact.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The label.
    pub label: String,
    /// The value.
    pub value: String,
}

/// How the callee talks.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Style {
    /// An instruction about the examples.
    pub note: Option<String>,
    /// Lines not to imitate.
    pub avoid: Vec<String>,
    /// Lines to imitate.
    pub prefer: Vec<String>,
}

/// How much a concern matters to the callee.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// The first worry: raise it.
    Primary,
    /// A second worry.
    Secondary,
    /// A worry the callee may not voice.
    Latent,
}

/// A concern of the callee.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Concern {
    /// The concern's id.
    pub id: String,
    /// How much it matters to this callee.
    pub priority: Priority,
    /// What this callee says about it.
    pub text: String,
    /// The steps on this path that address it, in path order (each once).
    pub addressed_at: Vec<String>,
    /// The FAQ entries that answer it when the callee asks.
    pub faq: Vec<String>,
}

/// One thing that happens on the path.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq, Clone)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Moment {
    /// A caller turn: the step's lines, then (if it waits) the callee's
    /// reply.
    Turn {
        /// The step's id.
        step: String,
        /// The step's title.
        title: Option<String>,
        /// The lines the caller says.
        caller_says: Vec<String>,
        /// Whether the caller waits for a reply (`false`: `continue`).
        waits: bool,
        /// What the callee does (`null` when the caller does not wait and
        /// the callee stays on the line).
        callee: Option<Action>,
        /// The concerns the step addresses.
        covers: Vec<String>,
    },
    /// The call came back to a step that has run as often as its `retry`
    /// allows: it goes to the retry's target instead.
    RetriesSpent {
        /// The step's id.
        step: String,
    },
    /// A hand-over to a person or queue.
    Transfer {
        /// The transfer's id.
        transfer: String,
        /// Who takes the call.
        title: Option<String>,
        /// The line the caller says before transferring.
        caller_says: String,
        /// Whether it succeeds (the call is handed over and the scenario
        /// ends) or fails (the call goes on at the fallback).
        succeeds: bool,
    },
}

/// What the callee does at a turn.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq, Clone)]
#[serde(tag = "does", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Reply in persona without giving any signal, giving what the step
    /// asks for.
    Reply {
        /// What the step asks for: give each (an optional one may be left
        /// out).
        gives: Vec<Give>,
    },
    /// Give a signal: say something that means it.
    Signal {
        /// The signal's id.
        signal: String,
        /// What it means.
        description: Option<String>,
        /// Things the callee might say that give it.
        examples: Vec<String>,
    },
    /// Say nothing for `silence_timeout` seconds.
    Silence {
        /// How long.
        seconds: u32,
    },
    /// Hang up.
    Hangup,
    /// Reply without giving what the step must capture (the step asks again).
    Withhold {
        /// The ids of the captures not given.
        captures: Vec<String>,
    },
}

/// A value the step asks the callee for.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq, Clone)]
#[serde(deny_unknown_fields)]
pub struct Give {
    /// The capture's id.
    pub capture: String,
    /// Its type as written (`email`, `one_of(standard, premium)`).
    #[serde(rename = "type")]
    pub kind: String,
    /// Whether the call goes on without it.
    pub optional: bool,
    /// What it is.
    pub description: String,
}

/// What a simulation of the scenario must end with.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Success {
    /// The outcome reached.
    pub outcome: OutcomeModel,
    /// The telephony event that ends the call, if the last move is one.
    pub ended_by: Option<Event>,
    /// The captures made on the path (each non-optional capture whose step
    /// went on with the value), in order.
    pub captures: Vec<String>,
    /// The callee's concerns that steps on the path address, in the
    /// persona's order.
    pub concerns_answered: Vec<String>,
    /// How many times the caller speaks a step's lines.
    pub caller_turns: usize,
}

/// How the call ends.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[schemars(rename = "Outcome")]
pub enum OutcomeModel {
    /// The call ends.
    End {
        /// The end condition that holds, or `null` for a plain `end`.
        condition: Option<String>,
        /// The condition in the caller's words.
        caller: Option<String>,
        /// The condition in the callee's words.
        callee: Option<String>,
    },
    /// The call is handed to a person or queue.
    Transfer {
        /// The transfer's id.
        transfer: String,
        /// Who takes the call.
        title: Option<String>,
    },
}

/// The most moves (hops) all the paths of a set may have together: the
/// set repeats each path per callee, with the step's lines at each move.
pub const MAX_MOVES: usize = 100_000;

/// The paths the scenarios follow, and the selection that says so.
fn choose(spec: &Spec, options: &Options) -> (Vec<Path>, Selection) {
    let limits = Limits {
        max_paths: options.max_paths,
        events: options.events,
        ..Limits::default()
    };
    let found = paths::enumerate(spec, &limits);
    let events = [
        (options.events.voicemail, Event::Voicemail),
        (options.events.no_answer, Event::NoAnswer),
        (options.events.silence, Event::Silence),
        (options.events.hangup, Event::Hangup),
    ]
    .into_iter()
    .filter_map(|(on, e)| on.then_some(e))
    .collect();
    let moves: usize = found.paths.iter().map(|p| p.hops.len()).sum();
    let mut reason = match found.cut {
        None if moves <= MAX_MOVES => {
            let n = found.paths.len();
            return (
                found.paths,
                Selection {
                    kind: SelectionKind::EveryPath,
                    paths: n,
                    reason: None,
                    events,
                    max_visits: limits.max_visits,
                },
            );
        }
        None => format!("the paths take {moves} moves in all, more than {MAX_MOVES}"),
        Some(Bound::Paths(n)) => format!("the flow has more than {n} paths"),
        Some(Bound::Work(n)) => format!("listing the flow's paths took more than {n} units of work"),
    };
    // A covering set: each listed path that adds a move at a step or an
    // outcome, then the shortest path to each outcome still missing.
    let mut set = Covering::default();
    let mut listed = found.paths;
    // Shorter paths first: each move is shown on the simplest path found.
    listed.sort_by_key(|p| p.hops.len());
    for p in listed {
        let adds = !set.outcomes.contains(&p.outcome) || p.hops.iter().any(|h| !set.moves.contains(&(h.at, h.by)));
        if adds {
            set.add(p);
        }
    }
    let reach = paths::search(
        spec,
        &Rules {
            events: options.events,
            transfers_end: true,
            retries: false,
        },
        |_| false,
    );
    for o in reach.outcomes() {
        if !set.outcomes.contains(&o)
            && let Some(p) = reach.path_to(o)
        {
            set.add(p);
        }
    }
    // Every move at every step the listed paths missed: the shortest way
    // to the step, the move, then the shortest way on to an outcome.
    if options.max_paths > 0 && !fill_moves(spec, options, &reach, &mut set) {
        reason.push_str("; not every move at every step is shown (too many)");
    }
    if set.full {
        let _ = write!(reason, "; paths were left out past {MAX_MOVES} moves in all");
    }
    let n = set.paths.len();
    (
        set.paths,
        Selection {
            kind: SelectionKind::Covering,
            paths: n,
            reason: Some(reason),
            events,
            max_visits: limits.max_visits,
        },
    )
}

/// A covering set being built: its paths, the moves and outcomes they
/// take, and whether a path was left out for [`MAX_MOVES`].
#[derive(Default)]
struct Covering {
    paths: Vec<Path>,
    moves: std::collections::HashSet<(At, Move)>,
    outcomes: std::collections::HashSet<Outcome>,
    total: usize,
    full: bool,
}

impl Covering {
    /// Adds a path unless the set's moves would pass [`MAX_MOVES`].
    fn add(&mut self, p: Path) {
        if self.total + p.hops.len() > MAX_MOVES {
            self.full = true;
            return;
        }
        self.total += p.hops.len();
        self.outcomes.insert(p.outcome);
        for h in &p.hops {
            self.moves.insert((h.at, h.by));
        }
        self.paths.push(p);
    }
}

/// Adds a path for each move at each reachable step that no path of
/// `chosen` takes (see [`choose`]); `false` when it stopped at its bound
/// (as many added paths as `max_paths`, or a million moves looked at).
fn fill_moves(spec: &Spec, options: &Options, reach: &paths::Reach, set: &mut Covering) -> bool {
    const MAX_MOVES: usize = 1_000_000;
    let rules = Rules {
        events: options.events,
        transfers_end: true,
        retries: false,
    };
    let (mut added, mut looked) = (0, 0);
    for i in 0..spec.steps.len() {
        let Some((start, prefix)) = reach.route_to_step(i) else {
            continue;
        };
        let moves = paths::moves_at(spec, i, options.events);
        looked += moves.len();
        if looked > MAX_MOVES {
            return false;
        }
        for (by, target) in moves {
            // Spending the retries takes a loop the search does not show:
            // only the enumerated paths show it.
            if by == Move::RetriesSpent || set.moves.contains(&(At::Step(i), by)) {
                continue;
            }
            if added >= options.max_paths {
                return false;
            }
            let mut hops = prefix.clone();
            hops.push(paths::Hop { at: At::Step(i), by });
            let outcome = match target {
                ir::Target::End(c) => Outcome::End(c),
                ir::Target::Transfer(k) => Outcome::Transfer(k),
                ir::Target::Step(j) => {
                    let on = paths::search_from(spec, &rules, j, |_| false);
                    let Some(rest) = on.outcomes().first().and_then(|&o| on.path_to(o)) else {
                        continue;
                    };
                    hops.extend(rest.hops);
                    rest.outcome
                }
            };
            set.add(Path { start, hops, outcome });
            if set.full {
                return true;
            }
            added += 1;
        }
    }
    true
}

/// Writes the texts of a previewed spec (variables filled in by
/// [`Spec::preview`]; one without a sample stays `{{id}}`).
struct Filler<'s> {
    spec: &'s Spec,
}

impl<'s> Filler<'s> {
    /// The filler of a previewed spec, and the variables' values, said as
    /// the preview says them.
    fn new(spec: &'s Spec) -> (Self, Vec<VarValue>) {
        let language = spec.language();
        let vars = spec
            .vars
            .iter()
            .map(|v| {
                let sample = v.sample().map(str::to_owned);
                let spoken = sample.as_deref().map(|s| {
                    v.kind
                        .parse(s)
                        .map_or_else(|_| s.to_owned(), |value| value.spoken(language))
                });
                VarValue {
                    id: v.id.clone(),
                    kind: v.kind.written(),
                    value: sample,
                    spoken,
                    pii: v.pii,
                }
            })
            .collect();
        (Self { spec }, vars)
    }

    fn text(t: &Text) -> String {
        t.to_string()
    }

    fn opt(t: Option<&Text>) -> Option<String> {
        t.map(Self::text)
    }

    fn all(ts: &[Text]) -> Vec<String> {
        ts.iter().map(Self::text).collect()
    }

    fn persona(&self, p: &ir::Party, path: &Path) -> Persona {
        let spec = self.spec;
        Persona {
            name: Self::text(&p.name),
            extends: p.extends.and_then(|b| spec.callees.get(b)).map(|b| b.id.clone()),
            gender: p.gender.clone(),
            age: p.age,
            org: Self::opt(p.org.as_ref()),
            role: Self::opt(p.role.as_ref()),
            persona: Self::opt(p.persona.as_ref()),
            background: p
                .background
                .iter()
                .map(|(label, value)| Entry {
                    label: label.clone(),
                    value: Self::text(value),
                })
                .collect(),
            behavior: Self::all(&p.behavior),
            style: Style {
                note: Self::opt(p.style.note.as_ref()),
                avoid: Self::all(&p.style.avoid),
                prefer: Self::all(&p.style.prefer),
            },
            concerns: p
                .concerns
                .iter()
                .map(|st| {
                    let c = &spec.concerns[st.concern];
                    let mut addressed_at: Vec<String> = Vec::new();
                    for i in path.steps() {
                        let id = &spec.steps[i].id;
                        if spec.steps[i].covers.contains(&st.concern) && !addressed_at.contains(id) {
                            addressed_at.push(id.clone());
                        }
                    }
                    Concern {
                        id: c.id.clone(),
                        priority: match st.priority {
                            AstPriority::Primary => Priority::Primary,
                            AstPriority::Secondary => Priority::Secondary,
                            AstPriority::Latent => Priority::Latent,
                        },
                        text: Self::text(&st.text),
                        addressed_at,
                        faq: c.faq.iter().map(|&q| spec.faq[q].id.clone()).collect(),
                    }
                })
                .collect(),
        }
    }
}

const fn event(e: ir::Event) -> Event {
    match e {
        ir::Event::Voicemail => Event::Voicemail,
        ir::Event::NoAnswer => Event::NoAnswer,
        ir::Event::Silence => Event::Silence,
        ir::Event::Hangup => Event::Hangup,
    }
}

/// What happens along a path (the same for every callee).
fn moments(spec: &Spec, path: &Path) -> Vec<Moment> {
    let mut out = Vec::with_capacity(path.hops.len() + 1);
    for &hop in &path.hops {
        match hop.at {
            At::Transfer(k) => {
                let t = &spec.transfers[k];
                out.push(Moment::Transfer {
                    transfer: t.id.clone(),
                    title: t.title.clone(),
                    caller_says: Filler::text(&t.say),
                    succeeds: false,
                });
            }
            At::Step(i) if hop.by == Move::RetriesSpent => out.push(Moment::RetriesSpent {
                step: spec.steps[i].id.clone(),
            }),
            At::Step(i) => {
                let step = &spec.steps[i];
                let callee = match hop.by {
                    Move::Next => Some(Action::Reply {
                        gives: step
                            .captures
                            .iter()
                            .map(|&c| {
                                let cap = &spec.captures[c];
                                Give {
                                    capture: cap.id.clone(),
                                    kind: cap.kind.written(),
                                    optional: cap.optional,
                                    description: cap.description.clone(),
                                }
                            })
                            .collect(),
                    }),
                    Move::Own(_) | Move::Global(_) => match Path::on(spec, hop) {
                        Some(On::Signal(s)) => {
                            let sig = &spec.signals[s];
                            Some(Action::Signal {
                                signal: sig.id.clone(),
                                description: Filler::opt(sig.description.as_ref()),
                                examples: sig.examples.clone(),
                            })
                        }
                        Some(On::Event(ir::Event::Silence)) => Some(Action::Silence {
                            seconds: spec.silence_timeout,
                        }),
                        Some(On::Event(_)) => Some(Action::Hangup),
                        None => None,
                    },
                    Move::AskAgain => Some(Action::Withhold {
                        captures: step
                            .captures
                            .iter()
                            .filter(|&&c| !spec.captures[c].optional)
                            .map(|&c| spec.captures[c].id.clone())
                            .collect(),
                    }),
                    Move::Continue | Move::RetriesSpent | Move::TransferFails => None,
                };
                out.push(Moment::Turn {
                    step: step.id.clone(),
                    title: step.title.clone(),
                    caller_says: Filler::all(&step.lines),
                    waits: step.waits,
                    callee,
                    covers: step.covers.iter().map(|&c| spec.concerns[c].id.clone()).collect(),
                });
            }
        }
    }
    if let Outcome::Transfer(k) = path.outcome {
        let t = &spec.transfers[k];
        out.push(Moment::Transfer {
            transfer: t.id.clone(),
            title: t.title.clone(),
            caller_says: Filler::text(&t.say),
            succeeds: true,
        });
    }
    out
}

/// The captures made on a path: a non-optional capture is made when its
/// step goes on by its successor (the reply gave it).
fn captures_made(spec: &Spec, path: &Path) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for h in &path.hops {
        if let (At::Step(i), Move::Next) = (h.at, h.by) {
            for &c in &spec.steps[i].captures {
                let cap = &spec.captures[c];
                if !cap.optional && !out.contains(&cap.id) {
                    out.push(cap.id.clone());
                }
            }
        }
    }
    out
}

fn outcome_model(spec: &Spec, o: Outcome) -> OutcomeModel {
    match o {
        Outcome::End(c) => {
            let e = c.and_then(|j| spec.ends.get(j));
            OutcomeModel::End {
                condition: e.map(|e| e.id.clone()),
                caller: e.and_then(|e| Filler::opt(e.caller.as_ref())),
                callee: e.and_then(|e| Filler::opt(e.callee.as_ref())),
            }
        }
        Outcome::Transfer(k) => OutcomeModel::Transfer {
            transfer: spec.transfers[k].id.clone(),
            title: spec.transfers[k].title.clone(),
        },
    }
}

/// What a path gives every callee's scenario alike.
struct Walked {
    start: Start,
    moments: Vec<Moment>,
    ended_by: Option<Event>,
    captures: Vec<String>,
    turns: usize,
}

/// The scenario set of a checked spec.
#[must_use]
pub fn model(spec: &Spec, options: &Options) -> ScenarioSet {
    // Every text with the variables' samples, as `build --preview` says them.
    let previewed = spec.preview();
    let spec = &previewed;
    let (filler, vars) = Filler::new(spec);
    let (chosen, selection) = choose(spec, options);
    let mut scenarios = Vec::with_capacity(chosen.len() * spec.callees.len());
    let walked: Vec<Walked> = chosen
        .iter()
        .map(|p| Walked {
            start: match p.start_event(spec) {
                Some(ir::Event::Voicemail) => Start::Voicemail,
                Some(ir::Event::NoAnswer) => Start::NoAnswer,
                _ => Start::Answered,
            },
            turns: p
                .hops
                .iter()
                .filter(|h| matches!(h.at, At::Step(_)) && h.by != Move::RetriesSpent)
                .count(),
            moments: moments(spec, p),
            ended_by: p.ended_by(spec).map(event),
            captures: captures_made(spec, p),
        })
        .collect();
    for callee in &spec.callees {
        let who = Filler::text(&callee.name);
        for (n, (p, w)) in chosen.iter().zip(&walked).enumerate() {
            let persona = filler.persona(callee, p);
            let concerns_answered = persona
                .concerns
                .iter()
                .filter(|c| !c.addressed_at.is_empty())
                .map(|c| c.id.clone())
                .collect();
            let path_id = format!("p{}", n + 1);
            scenarios.push(Scenario {
                id: format!("{}.{path_id}", callee.id),
                callee: callee.id.clone(),
                path: path_id,
                summary: p.describe(spec, &who, usize::MAX),
                persona,
                start: w.start,
                moments: w.moments.clone(),
                success: Success {
                    outcome: outcome_model(spec, p.outcome),
                    ended_by: w.ended_by,
                    captures: w.captures.clone(),
                    concerns_answered,
                    caller_turns: w.turns,
                },
            });
        }
    }
    ScenarioSet {
        format_version: FORMAT_VERSION,
        call: spec.id.clone(),
        title: spec.title.clone(),
        locale: spec.locale.clone(),
        first_speaker: match spec.first_speaker {
            ir::Speaker::Callee => Speaker::Callee,
            ir::Speaker::Caller => Speaker::Caller,
        },
        silence_timeout: spec.silence_timeout,
        caller: Caller {
            id: spec.caller.id.clone(),
            name: Filler::text(&spec.caller.name),
            org: Filler::opt(spec.caller.org.as_ref()),
            role: Filler::opt(spec.caller.role.as_ref()),
        },
        opening: Filler::opt(spec.opening.as_ref()),
        closing: Filler::text(&spec.closing),
        vars,
        selection,
        scenarios,
    }
}

/// The scenario set as JSON: pretty-printed, UTF-8, ending in a newline.
#[must_use]
pub fn emit(spec: &Spec, options: &Options) -> String {
    let mut out = serde_json::to_string_pretty(&model(spec, options)).unwrap_or_default();
    out.push('\n');
    out
}

/// The JSON Schema of the scenario set, pretty-printed.
#[must_use]
pub fn schema() -> String {
    let schema = schemars::schema_for!(ScenarioSet);
    let mut out = serde_json::to_string_pretty(&schema).unwrap_or_default();
    out.push('\n');
    out
}
