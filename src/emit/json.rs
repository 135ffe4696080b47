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
pub const FORMAT_VERSION: u32 = 4;

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
    /// The per-call variables, in the order declared: the facts that differ
    /// from one call to the next, filled in by the runtime.
    pub vars: Vec<Var>,
    /// The party that places the call.
    pub caller: Caller,
    /// The parties called: each a simulated customer for the same script, in
    /// the order written (at least one). Each is complete: what it inherits
    /// (`extends`) is filled in.
    pub callees: Vec<Callee>,
    /// Every concern of any callee, by id, in the order first written, with
    /// what covers it (each callee's stance is in its own `concerns`).
    pub concerns: Vec<Concern>,
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
    pub opening: Option<Text>,
    /// The flow of steps, with every edge explicit.
    pub flow: Flow,
    /// Answers the caller may give at any point of the call.
    pub faq: Vec<Qa>,
    /// How the call ends.
    pub end: End,
}

/// A text the caller or a callee says or is told, with its per-call
/// variables marked.
///
/// `text` is the whole text with each variable written `{{id}}` (the
/// placeholders of Pipecat, Retell and Vapi). `parts` is there exactly when
/// `text` alone could be misread: when the text names a variable, or when
/// its own wording holds a brace (`{` or `}`), which a template engine would
/// take for the start or end of a placeholder. Without `parts`, `text` is
/// the wording, as it is. With it, `parts` is the text, piece by piece, and
/// a consumer never has to parse `text`.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq, Clone)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// The text, each variable as `{{id}}`.
    pub text: String,
    /// The text in pieces: literal text and variables, in order (adjacent
    /// literal pieces merged). Absent when the text names no variable and
    /// holds no brace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<Part>", length(min = 1))]
    pub parts: Option<Vec<Part>>,
}

/// A piece of a [`Text`].
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq, Clone)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum Part {
    /// Literal text, said as it is (braces included).
    Text(String),
    /// The value of the per-call variable with this id (`vars[]`), said as
    /// the spec's locale says it.
    Var(String),
}

impl Text {
    /// The text of an IR text (see [`Text`] for when `parts` is written).
    #[must_use]
    pub fn of(t: &ir::Text) -> Text {
        let braces = t
            .pieces()
            .iter()
            .any(|p| matches!(p, ir::Piece::Lit(s) if s.contains(['{', '}'])));
        let parts = (braces || !t.is_lit()).then(|| {
            t.pieces()
                .iter()
                .map(|p| match p {
                    ir::Piece::Lit(s) => Part::Text(s.clone()),
                    ir::Piece::Var(v) => Part::Var(v.id.clone()),
                })
                .collect()
        });
        Text {
            text: t.to_string(),
            parts,
        }
    }
}

/// A labelled fact.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The label, as written.
    pub label: String,
    /// The value, placeholders substituted.
    pub value: Text,
}

/// A per-call variable (`vars` in the spec).
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Var {
    /// The variable's id: what `{"var": ID}` parts and `{{ID}}` name.
    pub id: String,
    /// The type of its values.
    #[serde(rename = "type")]
    pub kind: ValueType,
    /// Whether a call must give it.
    pub need: Need,
    /// The value a call that gives none takes: not `null` exactly when
    /// `need` is `default`.
    pub default: Option<VarValue>,
    /// The value previews and simulations use, if the spec gives one.
    pub example: Option<VarValue>,
    /// Whether it is personal data, to be masked in logs and transcripts.
    pub pii: bool,
    /// What it is, for people and for the runtime's prompt.
    pub description: Option<String>,
}

/// Whether a per-call variable must be given.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum Need {
    /// Every call must give a value.
    Required,
    /// A call may leave it out; it is then empty (said as nothing).
    Optional,
    /// A call may leave it out; it then takes `default`.
    Default,
}

/// A value of a per-call variable given in the spec (its `default` or
/// `example`).
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct VarValue {
    /// As written in the spec (`"¥1,299"`, `"8%"`).
    pub written: String,
    /// In the form a call list and every runtime read: ISO dates
    /// (`2026-12-31`), `HH:MM` times, `.` decimals without grouping, money
    /// with two decimals (`1299.00`), percentages without `%`,
    /// `true`/`false`.
    pub canonical: String,
    /// As it is said in a sentence of the spec's locale: what takes the
    /// place of `{{id}}` (`12月31日` / `December 31`, `8%`, `1,299.00元` /
    /// `¥1,299.00`, `9点30分` / `9:30 am`, `是` / `yes`).
    pub spoken: String,
}

/// The caller.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Caller {
    /// The caller's id.
    pub id: String,
    /// Name.
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
    /// The task of the call.
    pub task: Option<Text>,
    /// What the caller knows about the callee, in order.
    pub knows: Vec<Entry>,
}

/// A callee: a simulated customer the script is played against.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Callee {
    /// The callee's id.
    pub id: String,
    /// The id of the callee this one `extends` (whose fields, background,
    /// concerns, behaviour and style it inherits: they are filled in here
    /// already), or `null`.
    pub extends: Option<String>,
    /// Name.
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
    /// Background, by label, in order (inherited labels first).
    pub background: Vec<Entry>,
    /// This callee's concerns and how much each matters to it, in order
    /// (inherited ones first); what covers each is in the top-level
    /// `concerns`, by id.
    pub concerns: Vec<Stance>,
    /// Typical behaviour, one item per line.
    pub behavior: Vec<Text>,
    /// Reply style.
    pub style: Style,
}

/// A callee's view of one concern.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Stance {
    /// The concern's id (in the top-level `concerns`).
    pub id: String,
    /// How much it matters to this callee.
    pub priority: Priority,
    /// What this callee says about it.
    pub text: Text,
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

/// A concern of one callee or several, with what covers it (each callee's
/// stance on it is in its own `concerns`).
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Concern {
    /// The concern's id.
    pub id: String,
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
    pub note: Option<Text>,
    /// Lines not to imitate.
    pub avoid: Vec<Text>,
    /// Lines to imitate.
    pub prefer: Vec<Text>,
}

/// A signal.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Signal {
    /// The signal's id.
    pub id: String,
    /// What it means.
    pub description: Option<Text>,
    /// Things the callee might say that give it, in order (for recognisers
    /// and simulators); fixed text, never a variable.
    pub examples: Vec<String>,
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
    pub say: Vec<Text>,
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
    pub kind: ValueType,
    /// Whether the call goes on without it; otherwise the step asks again
    /// until the reply gives a valid value.
    pub optional: bool,
    /// What to capture, for the runtime's extractor.
    pub description: String,
}

/// The type of a captured value or of a per-call variable.
#[derive(Serialize, Deserialize, JsonSchema, Debug, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ValueType {
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
    pub questions: Vec<Text>,
    /// The answer.
    pub answer: Text,
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
    pub closing: Text,
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
    pub say: Text,
    /// The destination (a number, SIP URI or queue name; it may be a
    /// variable), or `null`: the deployment fills it in.
    pub to: Option<Text>,
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
    pub caller: Option<Text>,
    /// The callee's wording.
    pub callee: Option<Text>,
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

/// The JSON type of a value type.
fn value_type(kind: &ir::ValueType) -> ValueType {
    match kind {
        ir::ValueType::Text => ValueType::Text,
        ir::ValueType::Number => ValueType::Number,
        ir::ValueType::Percent => ValueType::Percent,
        ir::ValueType::Money { currency } => ValueType::Money {
            currency: currency.clone(),
        },
        ir::ValueType::Time => ValueType::Time,
        ir::ValueType::Email => ValueType::Email,
        ir::ValueType::Phone => ValueType::Phone,
        ir::ValueType::Date => ValueType::Date,
        ir::ValueType::YesNo => ValueType::YesNo,
        ir::ValueType::Integer { min, max } => ValueType::Integer { min: *min, max: *max },
        ir::ValueType::OneOf(values) => ValueType::OneOf { values: values.clone() },
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
        kind: value_type(kind),
        optional: *optional,
        description: description.clone(),
    }
}

fn var(v: &ir::Var, language: ir::Language) -> Var {
    let ir::Var {
        id,
        kind,
        need,
        example,
        pii,
        description,
    } = v;
    // Both are checked against the type (a spec with errors is never
    // emitted); a value that does not read is kept as written.
    let value = |written: &str| {
        let (canonical, spoken) = kind.parse(written).map_or_else(
            |_| (written.to_owned(), written.to_owned()),
            |v| (v.canonical(), v.spoken(language)),
        );
        VarValue {
            written: written.to_owned(),
            canonical,
            spoken,
        }
    };
    Var {
        id: id.clone(),
        kind: value_type(kind),
        need: match need {
            ir::Need::Required => Need::Required,
            ir::Need::Optional => Need::Optional,
            ir::Need::Default(_) => Need::Default,
        },
        default: match need {
            ir::Need::Default(d) => Some(value(d)),
            ir::Need::Required | ir::Need::Optional => None,
        },
        example: example.as_deref().map(value),
        pii: *pii,
        description: description.clone(),
    }
}

fn text(t: &ir::Text) -> Text {
    Text::of(t)
}

fn opt_text(t: Option<&ir::Text>) -> Option<Text> {
    t.map(Text::of)
}

fn texts(v: &[ir::Text]) -> Vec<Text> {
    v.iter().map(Text::of).collect()
}

fn entries(list: &[(String, ir::Text)]) -> Vec<Entry> {
    list.iter()
        .map(|(label, value)| Entry {
            label: label.clone(),
            value: text(value),
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
        vars,
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
    let language = spec.language();
    CallSpec {
        format_version: FORMAT_VERSION,
        id: id.clone(),
        title: title.clone(),
        locale: locale.clone(),
        vars: vars.iter().map(|v| var(v, language)).collect(),
        caller: caller_model(caller),
        callees: callees.iter().map(|p| callee_model(spec, p)).collect(),
        concerns: concerns
            .iter()
            .map(
                |ir::Concern {
                     id,
                     steps: by_steps,
                     faq: by_faq,
                 }| Concern {
                    id: id.clone(),
                    covered_by_steps: by_steps.iter().map(|&i| steps[i].id.clone()).collect(),
                    covered_by_faq: by_faq.iter().map(|&i| faq[i].id.clone()).collect(),
                },
            )
            .collect(),
        signals: signals
            .iter()
            .map(
                |ir::Signal {
                     id,
                     description,
                     examples,
                 }| Signal {
                    id: id.clone(),
                    description: opt_text(description.as_ref()),
                    examples: examples.clone(),
                },
            )
            .collect(),
        first_speaker: match first_speaker {
            ir::Speaker::Callee => Speaker::Callee,
            ir::Speaker::Caller => Speaker::Caller,
        },
        silence_timeout: *silence_timeout,
        silence_timeout_explicit: *silence_timeout_explicit,
        opening: opt_text(opening.as_ref()),
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
                        say: texts(lines),
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
                    questions: texts(questions),
                    answer: text(answer),
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
                        caller: opt_text(caller.as_ref()),
                        callee: opt_text(callee.as_ref()),
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
                        say: text(say),
                        to: opt_text(to.as_ref()),
                        fallback: target(spec, *fallback),
                        requires: ids(requires, &capture_id),
                    },
                )
                .collect(),
            closing: text(closing),
        },
    }
}

const fn priority(p: crate::ast::Priority) -> Priority {
    match p {
        crate::ast::Priority::Primary => Priority::Primary,
        crate::ast::Priority::Secondary => Priority::Secondary,
        crate::ast::Priority::Latent => Priority::Latent,
    }
}

fn caller_model(p: &ir::Party) -> Caller {
    // What only a callee has is empty for the caller (the checker reports
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
    Caller {
        id: id.clone(),
        name: text(name),
        gender: gender.clone(),
        age: *age,
        org: opt_text(org.as_ref()),
        role: opt_text(role.as_ref()),
        persona: opt_text(persona.as_ref()),
        task: opt_text(task.as_ref()),
        knows: entries(knows),
    }
}

fn callee_model(spec: &ir::Spec, p: &ir::Party) -> Callee {
    // What only the caller has is empty for a callee (see `caller_model`).
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
        concerns,
        extends,
    } = p;
    Callee {
        id: id.clone(),
        extends: extends.and_then(|i| spec.callees.get(i)).map(|b| b.id.clone()),
        name: text(name),
        gender: gender.clone(),
        age: *age,
        org: opt_text(org.as_ref()),
        role: opt_text(role.as_ref()),
        persona: opt_text(persona.as_ref()),
        background: entries(background),
        concerns: concerns
            .iter()
            .map(
                |ir::Stance {
                     concern,
                     priority: p,
                     text: t,
                 }| Stance {
                    id: spec.concerns[*concern].id.clone(),
                    priority: priority(*p),
                    text: text(t),
                },
            )
            .collect(),
        behavior: texts(behavior),
        style: Style {
            note: opt_text(note.as_ref()),
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
