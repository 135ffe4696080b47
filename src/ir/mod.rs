//! The checked spec: every reference resolved to an index, every string
//! rendered (placeholders substituted), every flow edge explicit. Produced
//! by `check`, read by the emitters. Public output formats have their own
//! models (see `emit`), so this type can change freely.

use crate::ast::Priority;

pub mod graph;

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
    /// Branches written directly in `flow`: in force at every step that has
    /// no branch of its own on the same signal. Kept once, never copied
    /// into the steps (see [`Spec::branches_at`]).
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
            Target::End(_) => None,
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
    /// The language of the spec's generated text (see [`Language::of`]).
    #[must_use]
    pub fn language(&self) -> Language {
        Language::of(&self.locale)
    }

    /// Every branch in force at step `i`: its own, then the global ones it
    /// does not override. O(own + global).
    pub fn branches_at(&self, i: usize) -> impl Iterator<Item = &Branch> + '_ {
        let step = &self.steps[i];
        let mut overridden = step.overrides.iter().copied().peekable();
        let inherited = self.global_branches.iter().enumerate().filter_map(move |(g, b)| {
            while overridden.next_if(|&o| o < g).is_some() {}
            if overridden.next_if_eq(&g).is_some() {
                None
            } else {
                Some(b)
            }
        });
        step.branches.iter().chain(inherited)
    }

    /// Whether step `i` has any branch in force (its own or a global one).
    #[must_use]
    pub fn has_branches(&self, i: usize) -> bool {
        let step = &self.steps[i];
        !step.branches.is_empty() || step.overrides.len() < self.global_branches.len()
    }

    /// Every place step `i` can lead to directly: its successor, then every
    /// branch in force. O(own + global).
    pub fn targets_at(&self, i: usize) -> impl Iterator<Item = Target> + '_ {
        std::iter::once(self.steps[i].next).chain(self.branches_at(i).map(|b| b.target))
    }

    /// Every target some step can lead to: successors, own branches and the
    /// global branches in force at some step, each global branch once.
    /// O(steps + branches).
    pub fn all_targets(&self) -> impl Iterator<Item = Target> + '_ {
        let mut overridden_at = vec![0usize; self.global_branches.len()];
        for s in &self.steps {
            for &g in &s.overrides {
                overridden_at[g] += 1;
            }
        }
        let steps = self.steps.len();
        let own = self
            .steps
            .iter()
            .flat_map(|s| std::iter::once(s.next).chain(s.branches.iter().map(|b| b.target)));
        let global = self
            .global_branches
            .iter()
            .zip(overridden_at)
            .filter(move |(_, o)| *o < steps)
            .map(|(b, _)| b.target);
        own.chain(global)
    }
}
