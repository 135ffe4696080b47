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
pub const FORMAT_VERSION: u32 = 3;

/// A compiled call specification.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CallSpec {
    /// The version of this format.
    #[schemars(extend("const" = FORMAT_VERSION))]
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
    /// Who speaks first once the line connects.
    pub first_speaker: Speaker,
    /// Seconds of callee silence after a caller turn before the `silence`
    /// event fires: the value in force, written whether or not the spec
    /// gives it. From 1 to 600 (the checker's bounds).
    #[schemars(range(min = 1, max = 600))]
    pub silence_timeout: u32,
    /// Whether the spec writes `silence_timeout` (otherwise it is the
    /// default, 7).
    pub silence_timeout_explicit: bool,
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
    /// The call is handed to a person or queue (`end.transfers`).
    Transfer {
        /// The transfer's id.
        transfer: String,
    },
}

/// Who speaks first once the line connects.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum Speaker {
    /// The callee picks up and speaks first; then the opening is said.
    Callee,
    /// The opening is said as soon as the line connects.
    Caller,
}

/// A built-in telephony event: something the line does, not a reply.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// An answering machine or voicemail greeting answered (at the start).
    Voicemail,
    /// The call never connected (at the start).
    NoAnswer,
    /// The callee said nothing for `silence_timeout` seconds after a turn.
    Silence,
    /// The callee hung up mid-call.
    Hangup,
}

/// What a branch is taken on: a declared signal or a telephony event,
/// each under its own key so the two can never be confused.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum On {
    /// A declared signal, by id (`signals[]`).
    Signal(String),
    /// A built-in telephony event.
    Event(Event),
}

/// A branch taken on a signal or a telephony event.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Branch {
    /// What the branch is taken on.
    pub on: On,
    /// Where the branch leads.
    pub target: Target,
}

/// The flow.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    /// The id of the first step.
    pub start: Option<String>,
    /// Branches taken when the call starts, before any step runs: those
    /// on `voicemail` and `no_answer` (which only `flow` can hold).
    pub start_branches: Vec<Branch>,
    /// Branches in force at every waiting step that has no branch of its
    /// own on the same signal or event (at a step that does not wait, only
    /// the one on `hangup`). Listed once here, never copied into the steps.
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
    /// Whether the step waits for the callee's reply after its lines (a
    /// turn); `false` for a step that says `continue`.
    pub waits: bool,
    /// The lines to say, in order.
    pub say: Vec<String>,
    /// Ids of the concerns the step covers.
    pub covers: Vec<String>,
    /// What the step asks the callee for, in order.
    pub captures: Vec<Capture>,
    /// `retry N -> TARGET`, if the step has one.
    pub retry: Option<Retry>,
    /// Where the call goes when no branch is taken.
    pub next: Target,
    /// The step's own branches. The branches in force at the step are these,
    /// then every global branch on a signal or event none of these names
    /// (at a step that does not wait, only the global one on `hangup`).
    pub branches: Vec<Branch>,
}

/// `retry N -> TARGET`: the step runs at most `1 + max` times in one call;
/// a transition that would run it once more goes to `then` instead.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Retry {
    /// N, from 1 to 9: how many times the step may run again.
    #[schemars(range(min = 1, max = 9))]
    pub max: u8,
    /// Where the call goes when the retries are spent.
    pub then: Target,
}

/// Typed data a step asks the callee for.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Capture {
    /// The capture's id.
    pub id: String,
    /// The type of the value.
    #[serde(rename = "type")]
    pub kind: CaptureType,
    /// Whether the call goes on without it; otherwise the step asks again
    /// until the reply gives a valid value.
    pub optional: bool,
    /// What to capture, for the runtime's extractor.
    pub description: String,
}

/// The type of a captured value.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CaptureType {
    /// Any text.
    Text,
    /// A decimal number, such as `12.5`.
    Number,
    /// A percentage: a number, such as `8` or `8.5`.
    Percent,
    /// An amount of money, with two decimals.
    Money {
        /// The currency's ISO 4217 code, such as `CNY`.
        currency: String,
    },
    /// A time of day, `HH:MM` (24-hour).
    Time,
    /// An e-mail address.
    Email,
    /// A phone number: `+` and 6 to 15 digits.
    Phone,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// Yes or no.
    YesNo,
    /// A whole number within the bounds given.
    Integer {
        /// The least value allowed, or `null` for no bound.
        min: Option<i64>,
        /// The greatest value allowed, or `null` for no bound.
        max: Option<i64>,
    },
    /// One of the listed words.
    OneOf {
        /// The words, in the order written.
        values: Vec<String>,
    },
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
    /// The hand-overs to a person or queue (targets of kind `transfer`).
    pub transfers: Vec<Transfer>,
    /// The closing line (not said after a transfer, `hangup` or
    /// `no_answer`).
    pub closing: String,
}

/// A hand-over of the call to a person or queue: an outcome beside the end
/// conditions, with its own line instead of the closing.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// The transfer's id.
    pub id: String,
    /// Who takes the call.
    pub title: Option<String>,
    /// The line said before transferring.
    pub say: String,
    /// The destination (a number, SIP URI or queue name), or `null`: the
    /// deployment fills it in.
    pub to: Option<String>,
    /// Where the call goes if the transfer fails (never a transfer).
    pub fallback: Target,
    /// Ids of the captures that must be made before it.
    pub requires: Vec<String>,
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
    /// Ids of the captures that must be made before it.
    pub requires: Vec<String>,
}

fn target(spec: &ir::Spec, t: ir::Target) -> Target {
    match t {
        ir::Target::Step(i) => Target::Step {
            step: spec.steps[i].id.clone(),
        },
        ir::Target::End(c) => Target::End {
            condition: c.map(|i| spec.ends[i].id.clone()),
        },
        ir::Target::Transfer(i) => Target::Transfer {
            transfer: spec.transfers[i].id.clone(),
        },
    }
}

fn branch(spec: &ir::Spec, b: &ir::Branch) -> Branch {
    // The branch's place (own, start or global) is the list it is written in.
    let ir::Branch { on, target: to } = b;
    Branch {
        on: match *on {
            ir::On::Signal(i) => On::Signal(spec.signals[i].id.clone()),
            ir::On::Event(e) => On::Event(event(e)),
        },
        target: target(spec, *to),
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

fn capture(c: &ir::Capture) -> Capture {
    // `step` is the step whose `captures` list holds it.
    let ir::Capture {
        id,
        kind,
        optional,
        description,
        step: _,
    } = c;
    Capture {
        id: id.clone(),
        kind: match kind {
            ir::ValueType::Text => CaptureType::Text,
            ir::ValueType::Number => CaptureType::Number,
            ir::ValueType::Percent => CaptureType::Percent,
            ir::ValueType::Money { currency } => CaptureType::Money {
                currency: currency.clone(),
            },
            ir::ValueType::Time => CaptureType::Time,
            ir::ValueType::Email => CaptureType::Email,
            ir::ValueType::Phone => CaptureType::Phone,
            ir::ValueType::Date => CaptureType::Date,
            ir::ValueType::YesNo => CaptureType::YesNo,
            ir::ValueType::Integer { min, max } => CaptureType::Integer { min: *min, max: *max },
            ir::ValueType::OneOf(values) => CaptureType::OneOf { values: values.clone() },
        },
        optional: *optional,
        description: description.clone(),
    }
}

fn entries(list: &[(String, ir::Text)]) -> Vec<Entry> {
    list.iter()
        .map(|(label, value)| Entry {
            label: label.clone(),
            value: value.to_string(),
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
        callees,
        concerns,
        signals,
        vars: _, // not yet (issue 12): `vars`
        opening,
        steps,
        global_branches,
        faq,
        ends,
        closing,
        first_speaker,
        silence_timeout,
        silence_timeout_explicit,
        transfers,
        captures,
    } = spec;
    let ids = |list: &[usize], of: &dyn Fn(usize) -> String| list.iter().map(|&i| of(i)).collect::<Vec<_>>();
    let concern_id = |i: usize| concerns[i].id.clone();
    let capture_id = |i: usize| captures[i].id.clone();
    CallSpec {
        format_version: FORMAT_VERSION,
        id: id.clone(),
        title: title.clone(),
        locale: locale.clone(),
        caller: caller_model(caller),
        // Not yet (issue 12): every callee; the first, with its stances.
        callee: callee_model(
            callees.first().unwrap_or(&ir::Party::default()),
            callees
                .first()
                .map(|p| {
                    p.concerns
                        .iter()
                        .map(|st| concern(spec, &concerns[st.concern], st))
                        .collect()
                })
                .unwrap_or_default(),
        ),
        signals: signals
            .iter()
            .map(
                |ir::Signal {
                     id,
                     description,
                     examples: _,
                 }| Signal {
                    id: id.clone(),
                    description: description.as_ref().map(ToString::to_string),
                },
            )
            .collect(),
        first_speaker: match first_speaker {
            ir::Speaker::Callee => Speaker::Callee,
            ir::Speaker::Caller => Speaker::Caller,
        },
        silence_timeout: *silence_timeout,
        silence_timeout_explicit: *silence_timeout_explicit,
        opening: opening.as_ref().map(ToString::to_string),
        flow: Flow {
            start: steps.first().map(|s| s.id.clone()),
            start_branches: global_branches
                .iter()
                .filter(|b| b.is_at_start())
                .map(|b| branch(spec, b))
                .collect(),
            global_branches: global_branches
                .iter()
                .filter(|b| !b.is_at_start())
                .map(|b| branch(spec, b))
                .collect(),
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
                        waits,
                        captures: asks,
                        retry,
                    } = s;
                    Step {
                        id: id.clone(),
                        title: title.clone(),
                        waits: *waits,
                        say: lines.iter().map(ToString::to_string).collect(),
                        covers: ids(covers, &concern_id),
                        captures: asks.iter().map(|&c| capture(&captures[c])).collect(),
                        retry: retry.map(|ir::Retry { max, then }| Retry {
                            max,
                            then: target(spec, then),
                        }),
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
                    questions: questions.iter().map(ToString::to_string).collect(),
                    answer: answer.to_string(),
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
                         requires,
                     }| EndCondition {
                        id: id.clone(),
                        caller: caller.as_ref().map(ToString::to_string),
                        callee: callee.as_ref().map(ToString::to_string),
                        requires: ids(requires, &capture_id),
                    },
                )
                .collect(),
            transfers: transfers
                .iter()
                .map(
                    |ir::Transfer {
                         id,
                         title,
                         say,
                         to,
                         fallback,
                         requires,
                     }| Transfer {
                        id: id.clone(),
                        title: title.clone(),
                        say: say.to_string(),
                        to: to.as_ref().map(ToString::to_string),
                        fallback: target(spec, *fallback),
                        requires: ids(requires, &capture_id),
                    },
                )
                .collect(),
            closing: closing.to_string(),
        },
    }
}

fn concern(spec: &ir::Spec, c: &ir::Concern, stance: &ir::Stance) -> Concern {
    let ir::Concern { id, steps, faq } = c;
    let ir::Stance {
        concern: _,
        priority,
        text,
    } = stance;
    Concern {
        id: id.clone(),
        priority: match priority {
            crate::ast::Priority::Primary => Priority::Primary,
            crate::ast::Priority::Secondary => Priority::Secondary,
            crate::ast::Priority::Latent => Priority::Latent,
        },
        text: text.to_string(),
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
        concerns: _,
        extends: _,
    } = p;
    let text = |t: &Option<ir::Text>| t.as_ref().map(ToString::to_string);
    Caller {
        id: id.clone(),
        name: name.to_string(),
        gender: gender.clone(),
        age: *age,
        org: text(org),
        role: text(role),
        persona: text(persona),
        task: text(task),
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
        concerns: _,
        extends: _,
    } = p;
    let text = |t: &Option<ir::Text>| t.as_ref().map(ToString::to_string);
    let texts = |v: &[ir::Text]| v.iter().map(ToString::to_string).collect();
    Callee {
        id: id.clone(),
        name: name.to_string(),
        gender: gender.clone(),
        age: *age,
        org: text(org),
        role: text(role),
        persona: text(persona),
        background: entries(background),
        concerns,
        behavior: texts(behavior),
        style: Style {
            note: text(note),
            avoid: texts(avoid),
            prefer: texts(prefer),
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
