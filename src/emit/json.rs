//! The `json` target: the checked spec as a public, versioned JSON document.
//!
//! This is its own serde model (not the IR serialised), so refactoring the
//! compiler cannot silently change the format. `callc schema` prints the
//! JSON Schema generated from these types. Field order is fixed by the
//! struct definitions and every list keeps source order, so the output is
//! byte-for-byte deterministic.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ir;

/// The version of this format; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 2;

/// A compiled call specification.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CallSpec {
    /// The version of this format.
    pub format_version: u32,
    /// The call's id.
    pub id: String,
    /// The call's title.
    pub title: Option<String>,
    /// The locale of the spec's text, such as `zh-CN`.
    pub locale: String,
    /// The party that places the call.
    pub caller: Caller,
    /// The party that is called (the simulated customer).
    pub callee: Callee,
    /// Signals the callee may give that move the flow.
    pub signals: Vec<Signal>,
    /// The opening line.
    pub opening: Option<String>,
    /// The flow of steps, with every edge explicit.
    pub flow: Flow,
    /// Answers the caller may give at any point of the call.
    pub faq: Vec<Qa>,
    /// How the call ends.
    pub end: End,
}

/// A labelled fact.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The label, as written.
    pub label: String,
    /// The value, placeholders substituted.
    pub value: String,
}

/// The caller.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Caller {
    /// The caller's id.
    pub id: String,
    /// Name.
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
    /// The task of the call.
    pub task: Option<String>,
    /// What the caller knows about the callee, in order.
    pub knows: Vec<Entry>,
}

/// The callee.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Callee {
    /// The callee's id.
    pub id: String,
    /// Name.
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
    /// Background, by label, in order.
    pub background: Vec<Entry>,
    /// Concerns, in order, with what covers each.
    pub concerns: Vec<Concern>,
    /// Typical behaviour, one item per line.
    pub behavior: Vec<String>,
    /// Reply style.
    pub style: Style,
}

/// Priority of a concern.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// The callee's first worry.
    Primary,
    /// A second worry.
    Secondary,
    /// A worry the callee may not voice.
    Latent,
}

/// A callee concern.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Concern {
    /// The concern's id.
    pub id: String,
    /// How much it matters.
    pub priority: Priority,
    /// The concern.
    pub text: String,
    /// Ids of the steps that cover it, in flow order.
    pub covered_by_steps: Vec<String>,
    /// Ids of the FAQ entries that cover it, in FAQ order.
    pub covered_by_faq: Vec<String>,
}

/// The callee's reply style.
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

/// A signal.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Signal {
    /// The signal's id.
    pub id: String,
    /// What it means.
    pub description: Option<String>,
}

/// Where a transition leads.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Target {
    /// Another step.
    Step {
        /// The step's id.
        step: String,
    },
    /// The end of the call.
    End {
        /// The end condition that holds, if the transition names one.
        condition: Option<String>,
    },
}

/// A branch taken when the callee gives a signal.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Branch {
    /// The signal's id.
    pub signal: String,
    /// Where the branch leads.
    pub target: Target,
}

/// The flow.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    /// The id of the first step.
    pub start: Option<String>,
    /// Branches in force at every step that has no branch of its own on
    /// the same signal. Listed once here, never copied into the steps.
    pub global_branches: Vec<Branch>,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// A step.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The step's id.
    pub id: String,
    /// The step's title.
    pub title: Option<String>,
    /// The lines to say, in order.
    pub say: Vec<String>,
    /// Ids of the concerns the step covers.
    pub covers: Vec<String>,
    /// Where the call goes when no branch is taken.
    pub next: Target,
    /// The step's own branches. The branches in force at the step are these,
    /// then every global branch on a signal none of these names.
    pub branches: Vec<Branch>,
}

/// An FAQ entry.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Qa {
    /// The entry's id.
    pub id: String,
    /// The question, in one or more phrasings.
    pub questions: Vec<String>,
    /// The answer.
    pub answer: String,
    /// Ids of the concerns the answer covers.
    pub covers: Vec<String>,
}

/// How the call ends.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct End {
    /// The reasons the call may end.
    pub conditions: Vec<EndCondition>,
    /// The closing line.
    pub closing: String,
}

/// An end condition, in the words of each side.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EndCondition {
    /// The condition's id.
    pub id: String,
    /// The caller's wording.
    pub caller: Option<String>,
    /// The callee's wording.
    pub callee: Option<String>,
}

fn target(spec: &ir::Spec, t: ir::Target) -> Target {
    match t {
        ir::Target::Step(i) => Target::Step {
            step: spec.steps[i].id.clone(),
        },
        ir::Target::End(c) => Target::End {
            condition: c.map(|i| spec.ends[i].id.clone()),
        },
        ir::Target::Transfer(_) => Target::End { condition: None }, // issue 11: not yet carried
    }
}

fn branch(spec: &ir::Spec, b: &ir::Branch) -> Branch {
    // The branch's place (own or global) is the list it is written in.
    let ir::Branch { on, target: to } = b;
    Branch {
        signal: spec.on_name(*on).to_owned(), // issue 11: events not yet told apart
        target: target(spec, *to),
    }
}

fn entries(list: &[(String, String)]) -> Vec<Entry> {
    list.iter()
        .map(|(label, value)| Entry {
            label: label.clone(),
            value: value.clone(),
        })
        .collect()
}

/// The JSON model of a checked spec.
///
/// Every IR struct is destructured in full (here and in every emitter), so
/// that a field added to the IR fails to compile until each target says
/// what it does with it.
#[must_use]
pub fn model(spec: &ir::Spec) -> CallSpec {
    let ir::Spec {
        id,
        title,
        locale,
        caller,
        callee,
        concerns,
        signals,
        opening,
        steps,
        global_branches,
        faq,
        ends,
        closing,
        first_speaker: _,            // issue 11: not yet carried
        silence_timeout: _,          // issue 11: not yet carried
        silence_timeout_explicit: _, // issue 11: not yet carried
        transfers: _,                // issue 11: not yet carried
        captures: _,                 // issue 11: not yet carried
    } = spec;
    let ids = |list: &[usize], of: &dyn Fn(usize) -> String| list.iter().map(|&i| of(i)).collect::<Vec<_>>();
    let concern_id = |i: usize| concerns[i].id.clone();
    CallSpec {
        format_version: FORMAT_VERSION,
        id: id.clone(),
        title: title.clone(),
        locale: locale.clone(),
        caller: caller_model(caller),
        callee: callee_model(callee, concerns.iter().map(|c| concern(spec, c)).collect()),
        signals: signals
            .iter()
            .map(|ir::Signal { id, description }| Signal {
                id: id.clone(),
                description: description.clone(),
            })
            .collect(),
        opening: opening.clone(),
        flow: Flow {
            start: steps.first().map(|s| s.id.clone()),
            global_branches: global_branches.iter().map(|b| branch(spec, b)).collect(),
            steps: steps
                .iter()
                .map(|s| {
                    let ir::Step {
                        id,
                        title,
                        lines,
                        covers,
                        next,
                        next_explicit: _,
                        branches,
                        overrides: _,
                        waits: _,    // issue 11: not yet carried
                        captures: _, // issue 11: not yet carried
                        retry: _,    // issue 11: not yet carried
                    } = s;
                    Step {
                        id: id.clone(),
                        title: title.clone(),
                        say: lines.clone(),
                        covers: ids(covers, &concern_id),
                        next: target(spec, *next),
                        branches: branches.iter().map(|b| branch(spec, b)).collect(),
                    }
                })
                .collect(),
        },
        faq: faq
            .iter()
            .map(|q| {
                let ir::Qa {
                    id,
                    questions,
                    answer,
                    covers,
                } = q;
                Qa {
                    id: id.clone(),
                    questions: questions.clone(),
                    answer: answer.clone(),
                    covers: ids(covers, &concern_id),
                }
            })
            .collect(),
        end: End {
            conditions: ends
                .iter()
                .map(
                    |ir::EndCondition {
                         id,
                         caller,
                         callee,
                         requires: _,
                     }| EndCondition {
                        id: id.clone(),
                        caller: caller.clone(),
                        callee: callee.clone(),
                    },
                )
                .collect(),
            closing: closing.clone(),
        },
    }
}

fn concern(spec: &ir::Spec, c: &ir::Concern) -> Concern {
    let ir::Concern {
        id,
        priority,
        text,
        steps,
        faq,
    } = c;
    Concern {
        id: id.clone(),
        priority: match priority {
            crate::ast::Priority::Primary => Priority::Primary,
            crate::ast::Priority::Secondary => Priority::Secondary,
            crate::ast::Priority::Latent => Priority::Latent,
        },
        text: text.clone(),
        covered_by_steps: steps.iter().map(|&i| spec.steps[i].id.clone()).collect(),
        covered_by_faq: faq.iter().map(|&i| spec.faq[i].id.clone()).collect(),
    }
}

fn caller_model(p: &ir::Party) -> Caller {
    // What only the callee has is empty for the caller (the checker reports
    // it as misplaced), so it is not part of the caller's model.
    let ir::Party {
        id,
        name,
        gender,
        age,
        org,
        role,
        persona,
        task,
        knows,
        background: _,
        behavior: _,
        style: _,
    } = p;
    Caller {
        id: id.clone(),
        name: name.clone(),
        gender: gender.clone(),
        age: *age,
        org: org.clone(),
        role: role.clone(),
        persona: persona.clone(),
        task: task.clone(),
        knows: entries(knows),
    }
}

fn callee_model(p: &ir::Party, concerns: Vec<Concern>) -> Callee {
    // What only the caller has is empty for the callee (see `caller_model`).
    let ir::Party {
        id,
        name,
        gender,
        age,
        org,
        role,
        persona,
        task: _,
        knows: _,
        background,
        behavior,
        style: ir::Style { note, avoid, prefer },
    } = p;
    Callee {
        id: id.clone(),
        name: name.clone(),
        gender: gender.clone(),
        age: *age,
        org: org.clone(),
        role: role.clone(),
        persona: persona.clone(),
        background: entries(background),
        concerns,
        behavior: behavior.clone(),
        style: Style {
            note: note.clone(),
            avoid: avoid.clone(),
            prefer: prefer.clone(),
        },
    }
}

/// The JSON text of a checked spec: pretty-printed, UTF-8, ending in a newline.
#[must_use]
pub fn emit(spec: &ir::Spec) -> String {
    let mut out = serde_json::to_string_pretty(&model(spec)).unwrap_or_default();
    out.push('\n');
    out
}

/// The JSON Schema of the output, pretty-printed.
#[must_use]
pub fn schema() -> String {
    let schema = schemars::schema_for!(CallSpec);
    let mut out = serde_json::to_string_pretty(&schema).unwrap_or_default();
    out.push('\n');
    out
}
