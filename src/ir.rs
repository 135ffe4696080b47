//! The checked spec: every reference resolved to an index, every string
//! rendered (placeholders substituted), every flow edge explicit. Produced
//! by `check`, read by the emitters. Public output formats have their own
//! models (see `emit`), so this type can change freely.

use crate::ast::Priority;

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
    /// The party called.
    pub callee: Party,
    /// The callee's concerns, in order.
    pub concerns: Vec<Concern>,
    /// The signals, in order.
    pub signals: Vec<Signal>,
    /// The opening line.
    pub opening: Option<String>,
    /// The steps, in order; the first is where the call starts.
    pub steps: Vec<Step>,
    /// Branches written directly in `flow`.
    pub global_branches: Vec<Branch>,
    /// The FAQ entries.
    pub faq: Vec<Qa>,
    /// The end conditions.
    pub ends: Vec<EndCondition>,
    /// The closing line.
    pub closing: String,
}

/// A caller or callee.
#[derive(Clone, Debug, Default)]
pub struct Party {
    /// The id.
    pub id: String,
    /// The name.
    pub name: String,
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
    /// The task (caller).
    pub task: Option<String>,
    /// Labelled facts the caller knows (caller).
    pub knows: Vec<(String, String)>,
    /// Labelled background (callee).
    pub background: Vec<(String, String)>,
    /// Typical behaviour, one per line (callee).
    pub behavior: Vec<String>,
    /// Reply style (callee).
    pub style: Style,
}

/// How the callee talks.
#[derive(Clone, Debug, Default)]
pub struct Style {
    /// An instruction about the examples.
    pub note: Option<String>,
    /// Lines not to imitate.
    pub avoid: Vec<String>,
    /// Lines to imitate.
    pub prefer: Vec<String>,
}

/// A callee concern.
#[derive(Clone, Debug)]
pub struct Concern {
    /// The id.
    pub id: String,
    /// The priority.
    pub priority: Priority,
    /// The text.
    pub text: String,
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
    pub description: Option<String>,
}

/// Where a transition leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The step at this index.
    Step(usize),
    /// The end of the call, with the index of the end condition named.
    End(Option<usize>),
}

/// A branch taken on a signal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Branch {
    /// Index of the signal.
    pub signal: usize,
    /// Where it leads.
    pub target: Target,
    /// Inherited from a global branch.
    pub global: bool,
}

/// A step of the flow.
#[derive(Clone, Debug)]
pub struct Step {
    /// The id.
    pub id: String,
    /// The title.
    pub title: Option<String>,
    /// The lines to say.
    pub lines: Vec<String>,
    /// Indices of the concerns it covers.
    pub covers: Vec<usize>,
    /// The successor when no branch is taken.
    pub next: Target,
    /// Whether `next`/`->` was written (otherwise the default successor).
    pub next_explicit: bool,
    /// Every branch in force at this step: its own, then inherited global ones.
    pub branches: Vec<Branch>,
}

/// An FAQ entry.
#[derive(Clone, Debug)]
pub struct Qa {
    /// The id.
    pub id: String,
    /// The phrasings of the question.
    pub questions: Vec<String>,
    /// The answer.
    pub answer: String,
    /// Indices of the concerns it covers.
    pub covers: Vec<usize>,
}

/// An end condition.
#[derive(Clone, Debug)]
pub struct EndCondition {
    /// The id.
    pub id: String,
    /// The caller's wording.
    pub caller: Option<String>,
    /// The callee's wording.
    pub callee: Option<String>,
}

impl Target {
    /// The step index, if the target is a step.
    #[must_use]
    pub fn step(self) -> Option<usize> {
        match self {
            Target::Step(i) => Some(i),
            Target::End(_) => None,
        }
    }
}
