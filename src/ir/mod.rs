//! The checked spec: every reference resolved to an index, every string
//! rendered (placeholders substituted), every flow edge explicit. Produced
//! by `check`, read by the emitters. Public output formats have their own
//! models (see `emit`), so this type can change freely.

use crate::ast::Priority;

pub mod graph;
pub mod paths;
mod preview;
pub mod text;
pub mod value;

pub use text::{Piece, Text, VarRef};
pub use value::{Need, Value, ValueType, Var};

/// A checked call specification.
#[derive(Clone, Debug, Default)]
pub struct Spec {
    /// The call's id.
    pub id: String,
    /// The call's title.
    pub title: Option<String>,
    /// The locale of the spec's text, such as `zh-CN`.
    pub locale: String,
    /// The party placing the call.
    pub caller: Party,
    /// The parties called: each a simulated customer for the same script,
    /// in the order written (at least one in a spec without errors). Each
    /// is complete: what it inherits (`extends`) is filled in.
    pub callees: Vec<Party>,
    /// Every concern any callee has, by id, in the order first written
    /// (each callee's stance on it is in [`Party::concerns`]).
    pub concerns: Vec<Concern>,
    /// The signals, in order.
    pub signals: Vec<Signal>,
    /// The per-call variables (`vars`), in order; [`Piece::Var`] holds
    /// indices into it.
    pub vars: Vec<Var>,
    /// Who speaks first once the line connects.
    pub first_speaker: Speaker,
    /// Seconds of callee silence after a caller turn before the `silence`
    /// event fires ([`DEFAULT_SILENCE_TIMEOUT`] unless the spec says).
    pub silence_timeout: u32,
    /// Whether `silence_timeout` was written in the spec.
    pub silence_timeout_explicit: bool,
    /// The opening line.
    pub opening: Option<Text>,
    /// The steps, in order; the first is where the call starts.
    pub steps: Vec<Step>,
    /// Branches written directly in `flow`: in force at every step that has
    /// no branch of its own on the same signal. Kept once, never copied
    /// into the steps (see [`Spec::branches_at`]).
    pub global_branches: Vec<Branch>,
    /// The FAQ entries.
    pub faq: Vec<Qa>,
    /// The end conditions.
    pub ends: Vec<EndCondition>,
    /// The transfers to a person or queue, in order (targets
    /// [`Target::Transfer`]).
    pub transfers: Vec<Transfer>,
    /// Every capture of every step, in source order (steps hold indices).
    pub captures: Vec<Capture>,
    /// The closing line.
    pub closing: Text,
}

/// A caller or callee.
#[derive(Clone, Debug, Default)]
pub struct Party {
    /// The id.
    pub id: String,
    /// The name.
    pub name: Text,
    /// `male`, `female` or `other`.
    pub gender: Option<String>,
    /// Age in years.
    pub age: Option<u32>,
    /// Organisation.
    pub org: Option<Text>,
    /// Role.
    pub role: Option<Text>,
    /// Persona prose.
    pub persona: Option<Text>,
    /// The task (caller).
    pub task: Option<Text>,
    /// Labelled facts the caller knows (caller).
    pub knows: Vec<(String, Text)>,
    /// Labelled background (callee).
    pub background: Vec<(String, Text)>,
    /// Typical behaviour, one per line (callee).
    pub behavior: Vec<Text>,
    /// Reply style (callee).
    pub style: Style,
    /// The callee's concerns and how much each matters to it (callee), in
    /// the order written (inherited ones first).
    pub concerns: Vec<Stance>,
    /// The index in [`Spec::callees`] of the callee this one `extends`.
    pub extends: Option<usize>,
}

/// A callee's view of one concern.
#[derive(Clone, Debug)]
pub struct Stance {
    /// The index in [`Spec::concerns`].
    pub concern: usize,
    /// How much it matters to this callee.
    pub priority: Priority,
    /// What this callee says about it.
    pub text: Text,
}

/// How the callee talks.
#[derive(Clone, Debug, Default)]
pub struct Style {
    /// An instruction about the examples.
    pub note: Option<Text>,
    /// Lines not to imitate.
    pub avoid: Vec<Text>,
    /// Lines to imitate.
    pub prefer: Vec<Text>,
}

/// A concern of one callee or several (their stances are in
/// [`Party::concerns`]), with what covers it.
#[derive(Clone, Debug)]
pub struct Concern {
    /// The id.
    pub id: String,
    /// Indices of the steps that cover it.
    pub steps: Vec<usize>,
    /// Indices of the FAQ entries that cover it.
    pub faq: Vec<usize>,
}

/// A signal.
#[derive(Clone, Debug)]
pub struct Signal {
    /// The id.
    pub id: String,
    /// What it means.
    pub description: Option<Text>,
    /// Things the callee might say that give it, for recognisers (Rasa NLU
    /// examples) and simulators.
    pub examples: Vec<String>,
}

/// The seconds of silence before the `silence` event fires when a spec
/// does not say (Rasa's `silence_timeout` default, 7.0 s).
pub const DEFAULT_SILENCE_TIMEOUT: u32 = 7;

/// Who speaks first once the line connects.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Speaker {
    /// The callee picks up and speaks first ("喂？"); then the opening is
    /// said. The default for outbound calls.
    #[default]
    Callee,
    /// The opening is said as soon as the line connects.
    Caller,
}

impl Speaker {
    /// The keyword that names it (`callee`, `caller`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Speaker::Callee => "callee",
            Speaker::Caller => "caller",
        }
    }
}

/// A built-in telephony event: something the line does, not a reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Event {
    /// An answering machine or voicemail greeting answered.
    Voicemail,
    /// The call never connected (no pickup, busy line, declined, timeout).
    NoAnswer,
    /// The callee said nothing for `silence_timeout` seconds after a turn.
    Silence,
    /// The callee hung up mid-call.
    Hangup,
}

impl Event {
    /// Every event, in the order the docs list them.
    pub const ALL: [Event; 4] = [Event::Voicemail, Event::NoAnswer, Event::Silence, Event::Hangup];

    /// The word that names it in a spec.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Event::Voicemail => "voicemail",
            Event::NoAnswer => "no_answer",
            Event::Silence => "silence",
            Event::Hangup => "hangup",
        }
    }

    /// When it fires, in one line (for hover and docs).
    #[must_use]
    pub const fn doc(self) -> &'static str {
        match self {
            Event::Voicemail => "an answering machine or voicemail greeting answered; taken before any step runs",
            Event::NoAnswer => {
                "the call never connected (no pickup, line busy, declined, ringing timeout); taken before any step runs"
            }
            Event::Silence => "the callee said nothing for `silence_timeout` seconds after a caller turn",
            Event::Hangup => "the callee hung up mid-call",
        }
    }

    /// The event a word names, if any.
    #[must_use]
    pub fn of(word: &str) -> Option<Event> {
        Event::ALL.into_iter().find(|e| e.as_str() == word)
    }

    /// Whether a step can be the target: after `hangup` and `no_answer`
    /// nobody is on the line.
    #[must_use]
    pub const fn someone_listens(self) -> bool {
        matches!(self, Event::Voicemail | Event::Silence)
    }

    /// Whether a `transfer(…)` can be the target (only after `silence`,
    /// when a person is on the line).
    #[must_use]
    pub const fn can_transfer(self) -> bool {
        matches!(self, Event::Silence)
    }

    /// Whether it may be a branch of a step (not only of `flow`):
    /// `voicemail` and `no_answer` happen before any step runs.
    #[must_use]
    pub const fn in_step(self) -> bool {
        matches!(self, Event::Silence | Event::Hangup)
    }
}

/// Where a transition leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The step at this index.
    Step(usize),
    /// The end of the call, with the index of the end condition named.
    End(Option<usize>),
    /// The transfer at this index of [`Spec::transfers`].
    Transfer(usize),
}

/// What a branch is taken on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum On {
    /// The declared signal at this index.
    Signal(usize),
    /// A built-in telephony event.
    Event(Event),
}

/// A branch taken on a signal or an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Branch {
    /// What it is taken on.
    pub on: On,
    /// Where it leads.
    pub target: Target,
}

impl Branch {
    /// Whether it is taken when the call starts, before any step runs (a
    /// branch on `voicemail` or `no_answer`), rather than at a step's turn.
    #[must_use]
    pub const fn is_at_start(&self) -> bool {
        matches!(self.on, On::Event(Event::Voicemail | Event::NoAnswer))
    }

    /// The declared signal it is taken on, if it is not an event.
    #[must_use]
    pub const fn signal(&self) -> Option<usize> {
        match self.on {
            On::Signal(s) => Some(s),
            On::Event(_) => None,
        }
    }
}

/// `retry N -> TARGET`: the step runs at most `1 + max` times in one call;
/// a transition that would run it once more goes to `then`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retry {
    /// N, from 1 to 9.
    pub max: u8,
    /// Where the call goes when the retries are spent.
    pub then: Target,
}

/// Typed data a step asks the callee for.
#[derive(Clone, Debug)]
pub struct Capture {
    /// The id.
    pub id: String,
    /// The type of the value.
    pub kind: ValueType,
    /// Whether the call goes on without it (otherwise the step asks again).
    pub optional: bool,
    /// What to capture, for the runtime's extractor.
    pub description: String,
    /// The index of the step that asks for it.
    pub step: usize,
}

/// A hand-over of the call to a person or queue: a terminal target beside
/// the end conditions, with its own line (the closing is not said).
#[derive(Clone, Debug)]
pub struct Transfer {
    /// The id.
    pub id: String,
    /// The title (who takes the call).
    pub title: Option<String>,
    /// The line said before transferring.
    pub say: Text,
    /// The destination (number, SIP URI, queue), or `None`: the deployment
    /// fills it in.
    pub to: Option<Text>,
    /// Where the call goes if the transfer fails (never a transfer).
    pub fallback: Target,
    /// Indices of the captures that must be made before it.
    pub requires: Vec<usize>,
}

/// A step of the flow.
#[derive(Clone, Debug)]
pub struct Step {
    /// The id.
    pub id: String,
    /// The title.
    pub title: Option<String>,
    /// The lines to say.
    pub lines: Vec<Text>,
    /// Indices of the concerns it covers.
    pub covers: Vec<usize>,
    /// Whether the step waits for the callee's reply after its lines (a
    /// turn); `false` for a step that says `continue`.
    pub waits: bool,
    /// Indices into [`Spec::captures`] of what the step asks for.
    pub captures: Vec<usize>,
    /// `retry N -> TARGET`, if written.
    pub retry: Option<Retry>,
    /// The successor when no branch is taken.
    pub next: Target,
    /// Whether `next`/`->` was written (otherwise the default successor).
    pub next_explicit: bool,
    /// The step's own branches, in source order (global ones are in
    /// [`Spec::global_branches`]; [`Spec::branches_at`] gives both).
    pub branches: Vec<Branch>,
    /// Indices into [`Spec::global_branches`] of the global branches this
    /// step's own branches override (same signal), ascending.
    pub overrides: Vec<usize>,
}

/// An FAQ entry.
#[derive(Clone, Debug)]
pub struct Qa {
    /// The id.
    pub id: String,
    /// The phrasings of the question.
    pub questions: Vec<Text>,
    /// The answer.
    pub answer: Text,
    /// Indices of the concerns it covers.
    pub covers: Vec<usize>,
}

/// An end condition.
#[derive(Clone, Debug)]
pub struct EndCondition {
    /// The id.
    pub id: String,
    /// The caller's wording.
    pub caller: Option<Text>,
    /// The callee's wording.
    pub callee: Option<Text>,
    /// Indices of the captures that must be made before it.
    pub requires: Vec<usize>,
}

impl Target {
    /// Where step `i` of `steps` goes when it writes no `next`: the step
    /// written after it, or the end of the call after the last one. The one
    /// place that rule is written.
    #[must_use]
    pub fn default_after(i: usize, steps: usize) -> Target {
        if i + 1 < steps {
            Target::Step(i + 1)
        } else {
            Target::End(None)
        }
    }

    /// The step index, if the target is a step.
    #[must_use]
    pub fn step(self) -> Option<usize> {
        match self {
            Target::Step(i) => Some(i),
            Target::End(_) | Target::Transfer(_) => None,
        }
    }
}

/// The language generated text is written in, from the spec's locale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// `zh`, with any region or script (`zh-CN`, `zh-Hant-TW`, `ZH-cn`).
    Chinese,
    /// Every other locale.
    English,
}

impl Language {
    /// The language of a BCP 47 locale: its primary subtag, compared without
    /// regard to case (BCP 47 tags are case-insensitive). The one place
    /// callc reads a locale.
    #[must_use]
    pub fn of(locale: &str) -> Self {
        if primary_language(locale) == "zh" {
            Language::Chinese
        } else {
            Language::English
        }
    }
}

/// The primary language subtag of a BCP 47 locale, lower-cased (tags are
/// case-insensitive): `zh-CN`, `ZH_cn` and `zh-Hant-TW` give `zh`. The one
/// place callc takes a locale apart.
#[must_use]
pub fn primary_language(locale: &str) -> String {
    locale.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase()
}

impl Spec {
    /// The first callee: the one a single-callee target describes, and the
    /// base most others extend. `None` only in a spec with errors.
    #[must_use]
    pub fn callee(&self) -> Option<&Party> {
        self.callees.first()
    }

    /// The language of the spec's generated text (see [`Language::of`]).
    #[must_use]
    pub fn language(&self) -> Language {
        Language::of(&self.locale)
    }

    /// Every branch in force at step `i`'s turn: its own, then the global
    /// ones it does not override — except those taken at the start
    /// ([`Branch::is_at_start`], see [`Spec::start_branches`]); at a step
    /// that does not wait, only a global branch on `hangup`. O(own + global).
    pub fn branches_at(&self, i: usize) -> impl Iterator<Item = &Branch> + '_ {
        let step = &self.steps[i];
        let waits = step.waits;
        let mut overridden = step.overrides.iter().copied().peekable();
        let inherited = self.global_branches.iter().enumerate().filter_map(move |(g, b)| {
            while overridden.next_if(|&o| o < g).is_some() {}
            if overridden.next_if_eq(&g).is_some() || b.is_at_start() || (!waits && b.on != On::Event(Event::Hangup)) {
                None
            } else {
                Some(b)
            }
        });
        step.branches.iter().chain(inherited)
    }

    /// The global branches taken when the call starts, before any step runs
    /// (on `voicemail` and `no_answer`).
    pub fn start_branches(&self) -> impl Iterator<Item = &Branch> + '_ {
        self.global_branches.iter().filter(|b| b.is_at_start())
    }

    /// The word a branch is taken on: the signal's id or the event's word.
    #[must_use]
    pub fn on_name(&self, on: On) -> &str {
        match on {
            On::Signal(s) => &self.signals[s].id,
            On::Event(e) => e.as_str(),
        }
    }

    /// Whether step `i` has any branch in force (its own or a global one).
    #[must_use]
    pub fn has_branches(&self, i: usize) -> bool {
        self.branches_at(i).next().is_some()
    }

    /// Every place step `i` can lead to directly: its successor, every
    /// branch in force, then where its retries lead when spent.
    /// O(own + global).
    pub fn targets_at(&self, i: usize) -> impl Iterator<Item = Target> + '_ {
        std::iter::once(self.steps[i].next)
            .chain(self.branches_at(i).map(|b| b.target))
            .chain(self.steps[i].retry.map(|r| r.then))
    }

    /// Every target the call can be led to: successors, own branches,
    /// retries, the global branches in force somewhere (each once: at the
    /// start, or at a step that does not override it), and the transfers'
    /// fallbacks. O(steps + branches + transfers).
    pub fn all_targets(&self) -> impl Iterator<Item = Target> + '_ {
        // A global branch is in force at a step that does not override it:
        // count, per branch, the steps (waiting ones, or any for `hangup`)
        // that do override it.
        let (mut waiting, mut overridden_waiting, mut overridden_any) = (
            0usize,
            vec![0usize; self.global_branches.len()],
            vec![0usize; self.global_branches.len()],
        );
        for s in &self.steps {
            waiting += usize::from(s.waits);
            for &g in &s.overrides {
                overridden_any[g] += 1;
                overridden_waiting[g] += usize::from(s.waits);
            }
        }
        let steps = self.steps.len();
        let in_force: Vec<bool> = self
            .global_branches
            .iter()
            .enumerate()
            .map(|(g, b)| {
                b.is_at_start()
                    || overridden_waiting[g] < waiting
                    || (b.on == On::Event(Event::Hangup) && overridden_any[g] < steps)
            })
            .collect();
        let own = self.steps.iter().flat_map(|s| {
            std::iter::once(s.next)
                .chain(s.branches.iter().map(|b| b.target))
                .chain(s.retry.map(|r| r.then))
        });
        let global = self
            .global_branches
            .iter()
            .zip(in_force)
            .filter(|(_, f)| *f)
            .map(|(b, _)| b.target);
        own.chain(global).chain(self.transfers.iter().map(|t| t.fallback))
    }
}
