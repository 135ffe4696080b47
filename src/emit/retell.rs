//! The `retell` target: a checked [`ir::Spec`] → a Retell conversation flow
//! (`conversation_flow.json`: the parameters of Retell's "create conversation
//! flow", `ConversationFlowCreateParams` in retell-sdk) and the test case
//! definitions of its scenarios (`test_cases.json`: one
//! `TestCreateTestCaseDefinitionParams` per scenario of
//! [`scenarios::model`](super::scenarios::model)).
//!
//! Pure: [`emit`] returns the two files. The flow mirrors the spec's graph:
//! every line is a conversation node with a static text, said in order
//! (`skip_response_edge` from one line to the next); the last line of a step
//! that waits holds the step's branches as prompt-condition edges and its
//! successor as the `else_edge`; a `continue` step goes on by a
//! `skip_response_edge`. A global branch no step overrides is a global node;
//! one that some step overrides is written into every step where it is in
//! force, because a Retell global node has no exception for one node. The
//! FAQ entries are global nodes that go back where the call was. Captures are
//! an extraction node after the reply, retries a code node counting visits,
//! ends and transfers their own nodes. The caller prompt
//! ([`prompt::caller`]) is the global prompt.
//!
//! Every name comes from [`Names::name`] (through [`AsciiNames`], so ids
//! that transliterate alike never collide); every text goes through
//! [`Markup`], the one [`Template`] of the target (Retell has no escape for a
//! literal `{{`: see [`literal`]); both files are written by `serde_json`
//! from the structs below, so no text can change their structure. Lists keep
//! the spec's order and maps are ordered, so the output is byte-for-byte
//! deterministic. The mapping, construct by construct, is
//! `docs/targets/retell.md`.

mod cases;
pub mod words;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use super::prompt::{self, Template};
use super::{Approximation, EmitError, OutputFile, Vendor};
use crate::ir::{self, On, Target, VarRef};
use crate::names::{AsciiNames, transliterate};

/// The package this target's output is checked against in CI.
pub const CHECKED_AGAINST: Vendor = Vendor {
    package: "retell-sdk",
    version: "6.2.13",
    requirements: "tests/e2e/retell/requirements.txt",
};

/// The conversation flow's file.
pub const FLOW_FILE: &str = "conversation_flow.json";

/// The test cases' file.
pub const CASES_FILE: &str = "test_cases.json";

/// What [`literal`] writes after a `{` that a `{` could follow: U+2060 WORD
/// JOINER (invisible, never spoken).
pub const WORD_JOINER: char = '\u{2060}';

/// The most prompt-condition edges callc writes into one flow (each step
/// that waits lists the global branches some step overrides).
pub const MAX_EDGES: usize = 1_000_000;

/// The dynamic variables Retell fills itself: a per-call variable or a
/// capture never takes one of these names.
pub const SYSTEM_VARIABLES: &[&str] = &[
    "current_agent_state",
    "previous_agent_state",
    "current_node",
    "current_time",
    "current_calendar",
    "session_type",
    "session_duration",
    "call_id",
    "chat_id",
    "direction",
    "user_number",
    "agent_number",
    "agent_id",
    "agent_name",
    "agent_version",
];

/// The prefixes of Retell's own dynamic variables (`current_time_Asia/Shanghai`).
const SYSTEM_PREFIXES: &[&str] = &["current_time_", "current_calendar_"];

/// The conditions Retell requires, word for word, on its fixed edges.
const ELSE: &str = "Else";
const SKIP_RESPONSE: &str = "Skip response";
const TRANSFER_FAILED: &str = "Transfer failed";

/// Every field of the IR and what this target does with it, as patterns the
/// compiler checks: a field added to the IR fails to compile here until the
/// Retell target says what it does with it (docs/ARCHITECTURE.md, "How to
/// add a statement").
#[rustfmt::skip]
const _: fn(&ir::Spec, &ir::Party, &ir::Style, &ir::Step, &ir::Branch, &ir::Qa, &ir::Concern, &ir::Signal, &ir::EndCondition) = |
    ir::Spec {
        id: _,              // the canvas note; the test cases' file
        title: _,           // the canvas note
        locale: _,          // the words of the conditions, of the prompts (`prompt::caller`) and of the test cases
        caller: _,          // the global prompt (`prompt::caller`)
        callees: _,         // the test cases: one simulated callee per scenario
        vars: _,            // dynamic variables `{{name}}`; `default_dynamic_variables`; the test cases' `dynamic_variables`
        concerns: _,        // the test cases (the persona's concerns, the criteria)
        signals: _,         // prompt conditions: description and examples; finetune examples
        first_speaker: _,   // `start_speaker`: callee → `user`, caller → `agent`
        silence_timeout: _, // `reminder_trigger_ms` of every node that waits; `begin_after_user_silence_ms` (callee first)
        silence_timeout_explicit: _, // the value is written either way
        opening: _,         // node `OPENING`, the start node
        steps: _,           // the step nodes
        global_branches: _, // global nodes, or edges of every step where in force (when some step overrides them)
        faq: _,             // global nodes `FAQ_<id>` that go back; also in the global prompt
        ends: _,            // end nodes `END_<id>`
        transfers: _,       // transfer nodes `TRANSFER_<id>`
        captures: _,        // extraction nodes `<step>__extract`
        closing: _,         // the instruction of every end node
    },
    ir::Party {
        id: _,         // the test cases' names (through the scenarios)
        name: _,       // the global prompt (caller), the simulated callee's prompt
        gender: _,     // the same
        age: _,        // the same
        org: _,        // the same
        role: _,       // the same
        persona: _,    // the same
        task: _,       // the global prompt
        knows: _,      // the global prompt
        background: _, // the simulated callee's prompt
        behavior: _,   // the simulated callee's prompt
        style: _,      // the simulated callee's prompt
        concerns: _,   // the simulated callee's prompt; the criteria
        extends: _,    // each scenario's persona is whole (what it inherits is in it)
    },
    ir::Style {
        note: _,   // the simulated callee's prompt
        avoid: _,  // the simulated callee's prompt
        prefer: _, // the simulated callee's prompt
    },
    ir::Step {
        id: _,            // node ids `<step>`, `<step>__<n>`, `<step>__extract`
        title: _,         // the nodes' display names
        lines: _,         // one conversation node per line, a static text each
        covers: _,        // the test cases' criteria (through the scenarios)
        waits: _,         // the last line waits (edges, `else_edge`) or goes on (`skip_response_edge`)
        captures: _,      // the extraction node after the reply
        retry: _,         // a code node counting visits in front of the step
        next: _,          // the `else_edge` (or the extraction node's)
        next_explicit: _, // the successor is the same either way
        branches: _,      // prompt-condition edges; `silence` and `hangup`: not written (see the docs)
        overrides: _,     // a global branch some step overrides is written per step, not as a global node
    },
    ir::Branch {
        on: _,     // the edge's condition (a signal), or the voicemail global node
        target: _, // the edge's destination
    },
    ir::Qa {
        id: _,        // node `FAQ_<id>`
        questions: _, // its global condition and positive finetune examples
        answer: _,    // its static text
        covers: _,    // the test cases (through the scenarios)
    },
    ir::Concern {
        id: _,       // the test cases (through the scenarios)
        steps: _,    // the same
        faq: _,      // the same
    },
    ir::Signal {
        id: _,          // `ON_<id>`; the condition of a signal without description
        description: _, // the prompt condition
        examples: _,    // in the prompt condition, and as finetune examples
    },
    ir::EndCondition {
        id: _,       // node `END_<id>`
        caller: _,   // the global prompt; the end node's display name; the test cases' criteria
        callee: _,   // not part of the flow (the scenarios carry it)
        requires: _, // not part of the flow: checked by callc (W0215)
    },
| {};

/// The checklist, continued: the IR of calls that listen.
#[rustfmt::skip]
const _: fn(&ir::Retry, &ir::Capture, &ir::Transfer) = |
    ir::Retry {
        max: _,  // the code node's equation: more than 1 + max visits
        then: _, // that equation's destination
    },
    ir::Capture {
        id: _,          // the extracted variable's name
        kind: _,        // its type (string, number, boolean, enum) and the form in its description
        optional: _,    // a required one missing asks the step again (an equation edge)
        description: _, // the extracted variable's description
        step: _,        // the extraction node follows that step's reply
    },
    ir::Transfer {
        id: _,       // node `TRANSFER_<id>`; without `to`, the variable `transfer__<id>`
        title: _,    // the node's display name; the test cases
        say: _,      // its static text, said during the transfer
        to: _,       // the predefined destination
        fallback: _, // its edge: "Transfer failed"
        requires: _, // not part of the flow: checked by callc (W0215)
    },
| {};

// ---------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------

/// Every name the target writes (see [`Names::name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name {
    /// The node every edge into step `i` goes to: its visit counter (a step
    /// with `retry`), else its first line.
    Entry(usize),
    /// The node of a line of a step (0-based).
    Line {
        /// The step.
        step: usize,
        /// The line (a step with nothing to say has one, line 0).
        line: usize,
    },
    /// The extraction node after step `i`'s reply.
    Extract(usize),
    /// The node of the opening.
    Opening,
    /// An end node: a plain `end`, or an end condition.
    End(Option<usize>),
    /// A transfer node.
    Transfer(usize),
    /// The global node of an FAQ entry.
    Faq(usize),
    /// The global node of a global branch on signal `s`.
    Global(usize),
    /// The global node of the branch on `voicemail`.
    Voicemail,
    /// The dynamic variable of a per-call variable.
    Var(usize),
    /// The dynamic variable a capture is extracted into.
    Capture(usize),
    /// The dynamic variable counting the visits of step `i` (`retry`).
    Visits(usize),
    /// The dynamic variable holding the destination of a transfer without `to`.
    TransferTo(usize),
}

/// The names of a spec's nodes and dynamic variables.
///
/// Step nodes are the step's ASCII form (lower case, digits, `_`, never two
/// `_` in a row) and `<step>__…` for the rest of the step; every other node
/// has an upper-case prefix, so no two kinds meet. Dynamic variables are the
/// ASCII forms of the per-call variables, then of the captures (never a
/// variable's name nor one of Retell's own), and `visits__<step>`,
/// `transfer__<transfer>` (never a form: forms have no `__`).
#[derive(Debug, Clone)]
pub struct Names {
    steps: AsciiNames,
    step_ids: Vec<String>,
    retried: Vec<bool>,
    faq: AsciiNames,
    faq_ids: Vec<String>,
    signals: AsciiNames,
    signal_ids: Vec<String>,
    ends: AsciiNames,
    end_ids: Vec<String>,
    transfers: AsciiNames,
    transfer_ids: Vec<String>,
    vars: AsciiNames,
    var_keys: Vec<String>,
    captures: AsciiNames,
    capture_keys: Vec<String>,
}

/// The key a dynamic variable's id is named by: the id, or (when its form
/// would start like one of Retell's own variables, `current_time_…`) the id
/// after `v `, so that its form starts `v_`. Ids have no spaces, so the key
/// is never another id.
fn variable_key(id: &str) -> String {
    let form = transliterate(id);
    if SYSTEM_PREFIXES.iter().any(|p| form.starts_with(p)) {
        format!("v {id}")
    } else {
        id.to_owned()
    }
}

impl Names {
    /// Names every id of the spec.
    #[must_use]
    pub fn new(spec: &ir::Spec) -> Self {
        let ids = |v: Vec<&String>| v.into_iter().cloned().collect::<Vec<String>>();
        let step_ids = ids(spec.steps.iter().map(|s| &s.id).collect());
        let faq_ids = ids(spec.faq.iter().map(|q| &q.id).collect());
        let signal_ids = ids(spec.signals.iter().map(|s| &s.id).collect());
        let end_ids = ids(spec.ends.iter().map(|e| &e.id).collect());
        let transfer_ids = ids(spec.transfers.iter().map(|t| &t.id).collect());
        let var_keys: Vec<String> = spec.vars.iter().map(|v| variable_key(&v.id)).collect();
        let capture_keys: Vec<String> = spec.captures.iter().map(|c| variable_key(&c.id)).collect();
        let vars = AsciiNames::new(var_keys.iter().map(String::as_str), SYSTEM_VARIABLES);
        let var_names: Vec<String> = var_keys.iter().map(|k| vars.get(k)).collect();
        let mut reserved: Vec<&str> = SYSTEM_VARIABLES.to_vec();
        reserved.extend(var_names.iter().map(String::as_str));
        let captures = AsciiNames::new(capture_keys.iter().map(String::as_str), &reserved);
        Self {
            steps: AsciiNames::new(step_ids.iter().map(String::as_str), &[]),
            step_ids,
            retried: spec.steps.iter().map(|s| s.retry.is_some()).collect(),
            faq: AsciiNames::new(faq_ids.iter().map(String::as_str), &[]),
            faq_ids,
            signals: AsciiNames::new(signal_ids.iter().map(String::as_str), &[]),
            signal_ids,
            ends: AsciiNames::new(end_ids.iter().map(String::as_str), &[]),
            end_ids,
            transfers: AsciiNames::new(transfer_ids.iter().map(String::as_str), &[]),
            transfer_ids,
            vars,
            var_keys,
            captures,
            capture_keys,
        }
    }

    /// The one naming function of the target: the name of a node or of a
    /// dynamic variable. Names are ASCII (`[A-Za-z0-9_]`) and never collide.
    #[must_use]
    pub fn name(&self, name: Name) -> String {
        let step = |i: usize| self.steps.get(&self.step_ids[i]);
        match name {
            Name::Entry(i) => step(i),
            Name::Line { step: i, line } => {
                if line == 0 && !self.retried[i] {
                    step(i)
                } else {
                    format!("{}__{}", step(i), line + 1)
                }
            }
            Name::Extract(i) => format!("{}__extract", step(i)),
            Name::Opening => "OPENING".to_owned(),
            Name::End(None) => "END".to_owned(),
            Name::End(Some(j)) => format!("END_{}", self.ends.get(&self.end_ids[j])),
            Name::Transfer(k) => format!("TRANSFER_{}", self.transfers.get(&self.transfer_ids[k])),
            Name::Faq(q) => format!("FAQ_{}", self.faq.get(&self.faq_ids[q])),
            Name::Global(s) => format!("ON_{}", self.signals.get(&self.signal_ids[s])),
            Name::Voicemail => "VOICEMAIL".to_owned(),
            Name::Var(v) => self.vars.get(&self.var_keys[v]),
            Name::Capture(c) => self.captures.get(&self.capture_keys[c]),
            Name::Visits(i) => format!("visits__{}", step(i)),
            Name::TransferTo(k) => format!("transfer__{}", self.transfers.get(&self.transfer_ids[k])),
        }
    }

    /// The node a transition to `target` goes to.
    #[must_use]
    pub fn target(&self, target: Target) -> String {
        self.name(match target {
            Target::Step(i) => Name::Entry(i),
            Target::End(c) => Name::End(c),
            Target::Transfer(k) => Name::Transfer(k),
        })
    }
}

// ---------------------------------------------------------------------------
// Texts
// ---------------------------------------------------------------------------

/// Literal text for Retell. Retell replaces `{{name}}` (spaces around the
/// name ignored) by the dynamic variable `name`, leaves it as it is when the
/// call has no such variable, and has no escape for a literal `{{`. So a `{`
/// that another `{` could follow (the next character is `{`, or the text
/// ends there and a variable may follow) gets a [`WORD_JOINER`] after it:
/// the output holds no `{{` but the variables' own. A word joiner already
/// after a `{` gets one more, so removing one word joiner after each `{`
/// gives the text back exactly.
#[must_use]
pub fn literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '{' && matches!(chars.peek(), None | Some(&('{' | WORD_JOINER))) {
            out.push(WORD_JOINER);
        }
    }
    out
}

/// The target's one [`Template`]: variables as `{{name}}`, literal text
/// through [`literal`].
pub struct Markup<'a> {
    names: &'a Names,
}

impl<'a> Markup<'a> {
    /// The markup of a spec's names.
    #[must_use]
    pub fn new(names: &'a Names) -> Self {
        Self { names }
    }

    fn text(&self, t: &ir::Text) -> String {
        prompt::text(t, self)
    }
}

impl Template for Markup<'_> {
    fn var(&self, var: &VarRef) -> String {
        format!("{{{{{}}}}}", self.names.name(Name::Var(var.index)))
    }

    fn literal(&self, s: &str) -> String {
        literal(s)
    }
}

// ---------------------------------------------------------------------------
// The format (the parts of `ConversationFlowCreateParams` callc writes)
// ---------------------------------------------------------------------------

#[derive(Serialize)]
struct Flow {
    start_speaker: &'static str,
    start_node_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    begin_after_user_silence_ms: Option<u64>,
    global_prompt: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    default_dynamic_variables: BTreeMap<String, String>,
    begin_tag_display_position: Position,
    nodes: Vec<Node>,
    notes: Vec<Note>,
}

#[derive(Serialize, Clone, Copy, Default)]
struct Position {
    x: i64,
    y: i64,
}

#[derive(Serialize)]
struct Size {
    width: i64,
    height: i64,
}

#[derive(Serialize)]
struct Note {
    id: &'static str,
    content: String,
    display_position: Position,
    size: Size,
}

/// A node: the fields of every node type callc writes, each written only
/// for the types that have it.
#[derive(Serialize, Default)]
struct Node {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    name: String,
    display_position: Position,
    #[serde(skip_serializing_if = "Option::is_none")]
    instruction: Option<Instruction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    speak_during_execution: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    wait_for_result: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_variables: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    variables: Option<Vec<Variable>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    transfer_destination: Option<Destination>,
    #[serde(skip_serializing_if = "Option::is_none")]
    transfer_option: Option<TransferOption>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ignore_e164_validation: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    global_node_setting: Option<GlobalSetting>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reminder_trigger_ms: Option<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    edges: Vec<Edge>,
    #[serde(skip_serializing_if = "Option::is_none")]
    else_edge: Option<Edge>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skip_response_edge: Option<Edge>,
    /// A transfer node's edge, taken when the transfer fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    edge: Option<Edge>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    finetune_transition_examples: Vec<TransitionExample>,
}

#[derive(Serialize)]
struct Instruction {
    #[serde(rename = "type")]
    kind: &'static str,
    text: String,
}

#[derive(Serialize)]
struct Edge {
    id: String,
    transition_condition: Condition,
    #[serde(skip_serializing_if = "Option::is_none")]
    destination_node_id: Option<String>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Condition {
    Prompt {
        #[serde(rename = "type")]
        kind: &'static str,
        prompt: String,
    },
    Equation {
        #[serde(rename = "type")]
        kind: &'static str,
        operator: &'static str,
        equations: Vec<Equation>,
    },
}

impl Condition {
    fn prompt(text: impl Into<String>) -> Self {
        Condition::Prompt {
            kind: "prompt",
            prompt: text.into(),
        }
    }

    /// Any of the equations holds.
    fn any(equations: Vec<Equation>) -> Self {
        Condition::Equation {
            kind: "equation",
            operator: "||",
            equations,
        }
    }
}

#[derive(Serialize)]
struct Equation {
    left: String,
    operator: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    right: Option<String>,
}

#[derive(Serialize)]
struct TransitionExample {
    id: String,
    transcript: Vec<Turn>,
    destination_node_id: String,
}

#[derive(Serialize)]
struct Turn {
    role: &'static str,
    content: String,
}

#[derive(Serialize)]
struct Example {
    transcript: Vec<Turn>,
}

#[derive(Serialize)]
struct GlobalSetting {
    condition: Condition,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    go_back_conditions: Vec<Edge>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    positive_finetune_examples: Vec<Example>,
}

#[derive(Serialize)]
struct Variable {
    #[serde(rename = "type")]
    kind: &'static str,
    name: String,
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    choices: Option<Vec<String>>,
}

#[derive(Serialize)]
struct Destination {
    #[serde(rename = "type")]
    kind: &'static str,
    number: String,
}

#[derive(Serialize)]
struct TransferOption {
    #[serde(rename = "type")]
    kind: &'static str,
}

// ---------------------------------------------------------------------------
// The files
// ---------------------------------------------------------------------------

/// The files of the target: `conversation_flow.json` and `test_cases.json`.
#[must_use]
pub fn emit(spec: &ir::Spec) -> Vec<OutputFile> {
    let names = Names::new(spec);
    let built = Builder::new(spec, &names).build();
    let cases = cases::manifest(spec, &names, &built.left_out_steps);
    vec![
        OutputFile {
            path: PathBuf::from(FLOW_FILE),
            contents: json(&built.flow),
        },
        OutputFile {
            path: PathBuf::from(CASES_FILE),
            contents: json(&cases),
        },
    ]
}

/// What the flow cannot carry: `on silence` (Retell has no transition on
/// silence; the steps only a silence reaches are left out), and the
/// dialer's events `on hangup` / `on no_answer`.
#[must_use]
pub fn approximations(spec: &ir::Spec) -> Vec<Approximation> {
    let names = Names::new(spec);
    let built = Builder::new(spec, &names).build();
    let mut out = Vec::new();
    let on = |e: ir::Event| -> Vec<String> {
        let mut at: Vec<String> = Vec::new();
        if spec.global_branches.iter().any(|b| b.on == On::Event(e)) {
            at.push("`flow`".to_owned());
        }
        at.extend(
            spec.steps
                .iter()
                .filter(|s| s.branches.iter().any(|b| b.on == On::Event(e)))
                .map(|s| format!("step `{}`", s.id)),
        );
        at
    };
    let silence = on(ir::Event::Silence);
    if !silence.is_empty() {
        let mut message = format!(
            "the retell target leaves out `on silence` (in {}): Retell has no transition on silence",
            silence.join(", ")
        );
        if !built.left_out_steps.is_empty() {
            let ids: Vec<String> = built
                .left_out_steps
                .iter()
                .map(|&i| format!("`{}`", spec.steps[i].id))
                .collect();
            let _ = write!(
                message,
                "; steps only a silence reaches are left out too: {}",
                ids.join(", ")
            );
        }
        out.push(Approximation {
            message,
            help: format!(
                "in the Retell flow each step that waits says something again after {} s (its reminder), and the test cases \
                 that play a silence are listed under `left_out` in {CASES_FILE}; the pipecat and rasa targets branch on silence",
                spec.silence_timeout
            ),
        });
    }
    for e in [ir::Event::Hangup, ir::Event::NoAnswer] {
        let at = on(e);
        if !at.is_empty() {
            out.push(Approximation {
                message: format!(
                    "the retell target leaves out `on {}` (in {}): a Retell flow runs only while someone is on the line",
                    e.as_str(),
                    at.join(", ")
                ),
                help: "handle it in the dialer that places the calls (Retell's call status and webhooks)".to_owned(),
            });
        }
    }
    out
}

/// Pretty JSON, UTF-8 (no `\u` escapes but for controls), ending in a line
/// feed.
fn json<T: Serialize>(value: &T) -> String {
    let mut out = serde_json::to_string_pretty(value).unwrap_or_default();
    out.push('\n');
    out
}

/// Whether the runtime can express the spec within the output's bounds: an
/// [`EmitError`] names what it cannot (the build then writes nothing).
///
/// # Errors
/// The flow would need more than [`MAX_EDGES`] prompt-condition edges.
pub fn limits(spec: &ir::Spec) -> Result<(), EmitError> {
    let n = edge_count(spec);
    if n > MAX_EDGES {
        return Err(EmitError {
            message: format!(
                "the Retell flow would need {n} transition edges ({} steps, {} global branches), more than the {MAX_EDGES} callc writes",
                spec.steps.len(),
                spec.global_branches.len(),
            ),
            help: "a Retell global node has no exception for one node, so a global branch that some step overrides \
                   is written into every step that waits; override fewer global branches, use fewer steps, or another target"
                .to_owned(),
        });
    }
    Ok(())
}

/// The prompt-condition edges the flow has: at every step that waits, its
/// own branches on signals and the global ones written per step.
fn edge_count(spec: &ir::Spec) -> usize {
    let per_step = per_step_globals(spec);
    let global = per_step.iter().filter(|&&p| p).count();
    spec.steps
        .iter()
        .filter(|s| s.waits)
        .map(|s| {
            let own = s.branches.iter().filter(|b| b.signal().is_some()).count();
            let overridden = s.overrides.iter().filter(|&&g| per_step[g]).count();
            own + global - overridden
        })
        .sum()
}

/// For each global branch, whether it is written into the steps rather than
/// as a global node: a branch on a signal that some step overrides.
fn per_step_globals(spec: &ir::Spec) -> Vec<bool> {
    let mut overridden = vec![false; spec.global_branches.len()];
    for s in &spec.steps {
        for &g in &s.overrides {
            overridden[g] = true;
        }
    }
    spec.global_branches
        .iter()
        .zip(overridden)
        .map(|(b, o)| o && b.signal().is_some())
        .collect()
}

// ---------------------------------------------------------------------------
// The flow
// ---------------------------------------------------------------------------

/// What the builder gives: the flow, and the steps it left out (no node
/// reaches them: only branches Retell cannot take lead to them).
struct Built {
    flow: Flow,
    left_out_steps: Vec<usize>,
}

struct Builder<'a> {
    spec: &'a ir::Spec,
    names: &'a Names,
    t: Markup<'a>,
    w: &'static words::Words,
    per_step: Vec<bool>,
    nodes: Vec<Node>,
    /// The nodes of each step, and of the rest (`None`), for the canvas.
    rows: Vec<(Option<usize>, String)>,
}

const COLUMN: i64 = 420;
const ROW: i64 = 260;

impl<'a> Builder<'a> {
    fn new(spec: &'a ir::Spec, names: &'a Names) -> Self {
        Self {
            spec,
            names,
            t: Markup::new(names),
            w: words::of(spec.language()),
            per_step: per_step_globals(spec),
            nodes: Vec::new(),
            rows: Vec::new(),
        }
    }

    fn name(&self, n: Name) -> String {
        self.names.name(n)
    }

    fn push(&mut self, step: Option<usize>, node: Node) {
        self.rows.push((step, node.id.clone()));
        self.nodes.push(node);
    }

    /// An instruction to say `text` as written; a node with nothing to say
    /// is told to say nothing (Retell has no empty static text).
    fn say(&self, text: &ir::Text) -> Instruction {
        if text.is_empty() {
            Instruction {
                kind: "prompt",
                text: literal(self.w.say_nothing),
            }
        } else {
            Instruction {
                kind: "static_text",
                text: self.t.text(text),
            }
        }
    }

    fn build(mut self) -> Built {
        let spec = self.spec;
        let first = if spec.steps.is_empty() {
            self.name(Name::End(None))
        } else {
            self.name(Name::Entry(0))
        };
        let start = if let Some(opening) = &spec.opening {
            let id = self.name(Name::Opening);
            let node = Node {
                id: id.clone(),
                kind: "conversation",
                name: literal(prompt::words(spec).opening),
                instruction: Some(self.say(opening)),
                skip_response_edge: Some(skip(&id, first)),
                ..Node::default()
            };
            self.push(None, node);
            id
        } else {
            first
        };
        for i in 0..spec.steps.len() {
            self.step(i);
        }
        self.globals();
        for q in 0..spec.faq.len() {
            self.faq(q);
        }
        self.end(None);
        for j in 0..spec.ends.len() {
            self.end(Some(j));
        }
        for k in 0..spec.transfers.len() {
            self.transfer(k);
        }
        let left_out_steps = self.prune(&start);
        self.place();
        let note = self.note(&left_out_steps);
        Built {
            flow: Flow {
                start_speaker: match spec.first_speaker {
                    ir::Speaker::Callee => "user",
                    ir::Speaker::Caller => "agent",
                },
                start_node_id: start,
                // A callee who never speaks first: the caller begins after the silence timeout.
                begin_after_user_silence_ms: (spec.first_speaker == ir::Speaker::Callee)
                    .then(|| u64::from(spec.silence_timeout) * 1000),
                global_prompt: prompt::caller(spec, &self.t),
                default_dynamic_variables: self.defaults(),
                begin_tag_display_position: Position { x: 0, y: -ROW },
                nodes: self.nodes,
                notes: vec![note],
            },
            left_out_steps,
        }
    }

    /// The nodes of step `i`: its visit counter (`retry`), a node per line,
    /// and its extraction node (captures).
    fn step(&mut self, i: usize) {
        let spec = self.spec;
        let step = &spec.steps[i];
        let title = step.title.as_deref().unwrap_or(&step.id);
        let after = if step.captures.is_empty() {
            self.names.target(step.next)
        } else {
            self.name(Name::Extract(i))
        };
        if let Some(retry) = step.retry {
            let id = self.name(Name::Entry(i));
            let visits = self.name(Name::Visits(i));
            let first = if step.lines.is_empty() && !step.waits {
                after.clone()
            } else {
                self.name(Name::Line { step: i, line: 0 })
            };
            let node = Node {
                id: id.clone(),
                kind: "code",
                name: literal(title),
                code: Some(format!(
                    "return {{ visits: String(Number(dv.{visits} || \"0\") + 1) }};"
                )),
                wait_for_result: Some(true),
                response_variables: Some(BTreeMap::from([(visits.clone(), "visits".to_owned())])),
                edges: vec![Edge {
                    id: format!("{id}-spent"),
                    transition_condition: Condition::any(vec![Equation {
                        left: format!("{{{{{visits}}}}}"),
                        operator: ">",
                        right: Some((u32::from(retry.max) + 1).to_string()),
                    }]),
                    destination_node_id: Some(self.names.target(retry.then)),
                }],
                else_edge: Some(otherwise(&id, first)),
                ..Node::default()
            };
            self.push(Some(i), node);
        }
        let lines: Vec<Option<&ir::Text>> = if step.lines.is_empty() {
            if step.waits || step.retry.is_none() {
                vec![None]
            } else {
                Vec::new()
            }
        } else {
            step.lines.iter().map(Some).collect()
        };
        let count = lines.len();
        for (n, line) in lines.into_iter().enumerate() {
            let id = self.name(Name::Line { step: i, line: n });
            let name = if count > 1 {
                literal(&format!("{title} ({}/{count})", n + 1))
            } else {
                literal(title)
            };
            let last = n + 1 == count;
            let mut node = Node {
                id: id.clone(),
                kind: "conversation",
                name,
                ..Node::default()
            };
            match line {
                Some(text) => node.instruction = Some(self.say(text)),
                None if step.waits => node.instruction = Some(self.say(&ir::Text::default())),
                // A step that says nothing and goes on: a branch node that passes through.
                None => node.kind = "branch",
            }
            if !last {
                node.skip_response_edge = Some(skip(&id, self.name(Name::Line { step: i, line: n + 1 })));
            } else if node.kind == "branch" {
                node.else_edge = Some(otherwise(&id, after.clone()));
            } else if step.waits {
                self.listen(i, &mut node);
                node.else_edge = Some(otherwise(&id, after.clone()));
            } else {
                node.skip_response_edge = Some(skip(&id, after.clone()));
            }
            self.push(Some(i), node);
        }
        if !step.captures.is_empty() {
            self.extract(i, title);
        }
    }

    /// The branches in force at step `i`, as prompt-condition edges of its
    /// last node (own branches, then the global ones written per step), with
    /// the signals' examples as finetune examples; the silence timeout as the
    /// node's reminder.
    fn listen(&self, i: usize, node: &mut Node) {
        let spec = self.spec;
        let step = &spec.steps[i];
        let own = step.branches.iter().filter_map(|b| b.signal().map(|s| (s, b.target)));
        let global = spec
            .global_branches
            .iter()
            .enumerate()
            .filter(|&(g, _)| self.per_step[g] && !step.overrides.contains(&g))
            .filter_map(|(_, b)| b.signal().map(|s| (s, b.target)));
        for (s, target) in own.chain(global) {
            let dest = self.names.target(target);
            let k = node.edges.len() + 1;
            node.edges.push(Edge {
                id: format!("{}-e{k}", node.id),
                transition_condition: Condition::prompt(self.signal_condition(s)),
                destination_node_id: Some(dest.clone()),
            });
            for example in &spec.signals[s].examples {
                let x = node.finetune_transition_examples.len() + 1;
                node.finetune_transition_examples.push(TransitionExample {
                    id: format!("{}-x{x}", node.id),
                    transcript: vec![Turn {
                        role: "user",
                        content: literal(example),
                    }],
                    destination_node_id: dest.clone(),
                });
            }
        }
        node.reminder_trigger_ms = Some(u64::from(spec.silence_timeout) * 1000);
    }

    /// The condition of a signal: its description (else its id), then its
    /// examples.
    fn signal_condition(&self, s: usize) -> String {
        let signal = &self.spec.signals[s];
        let w = self.w;
        let mut out = match signal.description.as_ref().filter(|d| !d.is_blank()) {
            Some(d) => self.t.text(d),
            None => literal(&format!("{}{}{}", w.gives_signal[0], signal.id, w.gives_signal[1])),
        };
        if !signal.examples.is_empty() {
            let examples: Vec<String> = signal
                .examples
                .iter()
                .map(|e| format!("{}{e}{}", w.quote[0], w.quote[1]))
                .collect();
            out.push_str(&literal(&format!(
                "{}{}{}",
                w.for_example[0],
                examples.join(w.or),
                w.for_example[1]
            )));
        }
        out
    }

    /// The extraction node of step `i`: each capture, typed; a required one
    /// missing (or a whole number out of its bounds) asks the step again.
    fn extract(&mut self, i: usize, title: &str) {
        let spec = self.spec;
        let step = &spec.steps[i];
        let id = self.name(Name::Extract(i));
        let mut variables = Vec::new();
        let mut missing = Vec::new();
        for &c in &step.captures {
            let capture = &spec.captures[c];
            let name = self.name(Name::Capture(c));
            let (kind, choices) = match &capture.kind {
                ir::ValueType::YesNo => ("boolean", None),
                ir::ValueType::OneOf(words) => ("enum", Some(words.iter().map(|w| literal(w)).collect())),
                ir::ValueType::Integer { .. }
                | ir::ValueType::Number
                | ir::ValueType::Percent
                | ir::ValueType::Money { .. } => ("number", None),
                ir::ValueType::Text
                | ir::ValueType::Email
                | ir::ValueType::Phone
                | ir::ValueType::Date
                | ir::ValueType::Time => ("string", None),
            };
            variables.push(Variable {
                kind,
                name: name.clone(),
                description: literal(&capture_description(capture)),
                choices,
            });
            if capture.optional {
                continue;
            }
            let left = format!("{{{{{name}}}}}");
            missing.push(Equation {
                left: left.clone(),
                operator: "not_exist",
                right: None,
            });
            if let ir::ValueType::Integer { min, max } = &capture.kind {
                for (operator, bound) in [("<", min), (">", max)] {
                    if let Some(b) = bound {
                        missing.push(Equation {
                            left: left.clone(),
                            operator,
                            right: Some(b.to_string()),
                        });
                    }
                }
            }
        }
        let mut edges = Vec::new();
        if !missing.is_empty() {
            edges.push(Edge {
                id: format!("{id}-again"),
                transition_condition: Condition::any(missing),
                destination_node_id: Some(self.name(Name::Entry(i))),
            });
        }
        let node = Node {
            id: id.clone(),
            kind: "extract_dynamic_variables",
            name: literal(title),
            variables: Some(variables),
            edges,
            else_edge: Some(otherwise(&id, self.names.target(step.next))),
            ..Node::default()
        };
        self.push(Some(i), node);
    }

    /// The global nodes of the global branches that no step overrides (on a
    /// signal), and of the branch on `voicemail`: branch nodes that go
    /// straight on to the target.
    fn globals(&mut self) {
        let spec = self.spec;
        let waits = spec.steps.iter().any(|s| s.waits);
        for (g, branch) in spec.global_branches.iter().enumerate() {
            let (id, condition, examples) = match branch.on {
                On::Signal(s) if !self.per_step[g] && waits => (
                    self.name(Name::Global(s)),
                    self.signal_condition(s),
                    spec.signals[s].examples.iter().map(|e| user(literal(e))).collect(),
                ),
                On::Event(ir::Event::Voicemail) => (self.name(Name::Voicemail), literal(self.w.voicemail), Vec::new()),
                On::Signal(_) | On::Event(_) => continue,
            };
            let name = literal(spec.on_name(branch.on));
            let node = Node {
                id: id.clone(),
                kind: "branch",
                name,
                global_node_setting: Some(GlobalSetting {
                    condition: Condition::prompt(condition),
                    go_back_conditions: Vec::new(),
                    positive_finetune_examples: examples,
                }),
                else_edge: Some(otherwise(&id, self.names.target(branch.target))),
                ..Node::default()
            };
            self.push(None, node);
        }
    }

    /// The global node of FAQ entry `q`: its answer, then back to where the
    /// call was.
    fn faq(&mut self, q: usize) {
        let qa = &self.spec.faq[q];
        let id = self.name(Name::Faq(q));
        let questions: Vec<String> = qa.questions.iter().map(|x| self.t.text(x)).collect();
        let quoted: Vec<String> = questions
            .iter()
            .map(|x| format!("{}{x}{}", literal(self.w.quote[0]), literal(self.w.quote[1])))
            .collect();
        let node = Node {
            id: id.clone(),
            kind: "conversation",
            name: literal(&qa.id),
            instruction: Some(self.say(&qa.answer)),
            global_node_setting: Some(GlobalSetting {
                condition: Condition::prompt(format!(
                    "{}{}",
                    literal(self.w.faq_asks),
                    quoted.join(&literal(self.w.or))
                )),
                go_back_conditions: vec![Edge {
                    id: format!("{id}-back"),
                    transition_condition: Condition::prompt(literal(self.w.faq_answered)),
                    destination_node_id: None,
                }],
                positive_finetune_examples: questions.into_iter().map(user).collect(),
            }),
            ..Node::default()
        };
        self.push(None, node);
    }

    /// An end node: the closing, said as the call ends.
    fn end(&mut self, condition: Option<usize>) {
        let spec = self.spec;
        let id = self.name(Name::End(condition));
        let name = match condition {
            Some(j) => spec.ends[j].id.clone(),
            None => prompt::words(spec).end_call.to_owned(),
        };
        let speaks = !spec.closing.is_empty();
        let node = Node {
            id,
            kind: "end",
            name: literal(&name),
            instruction: speaks.then(|| self.say(&spec.closing)),
            speak_during_execution: speaks.then_some(true),
            ..Node::default()
        };
        self.push(None, node);
    }

    /// A transfer node: its line said during the transfer, the destination,
    /// and the fallback when it fails.
    fn transfer(&mut self, k: usize) {
        let spec = self.spec;
        let transfer = &spec.transfers[k];
        let id = self.name(Name::Transfer(k));
        let number = match &transfer.to {
            Some(to) => self.t.text(to),
            None => format!("{{{{{}}}}}", self.name(Name::TransferTo(k))),
        };
        let speaks = !transfer.say.is_empty();
        let node = Node {
            id: id.clone(),
            kind: "transfer_call",
            name: literal(transfer.title.as_deref().unwrap_or(&transfer.id)),
            instruction: speaks.then(|| self.say(&transfer.say)),
            speak_during_execution: speaks.then_some(true),
            ignore_e164_validation: (!is_e164_or_variable(&number)).then_some(true),
            transfer_destination: Some(Destination {
                kind: "predefined",
                number,
            }),
            transfer_option: Some(TransferOption { kind: "cold_transfer" }),
            edge: Some(Edge {
                id: format!("{id}-failed"),
                transition_condition: Condition::prompt(TRANSFER_FAILED),
                destination_node_id: Some(self.names.target(transfer.fallback)),
            }),
            ..Node::default()
        };
        self.push(None, node);
    }

    /// Keeps the nodes the start node or a global node leads to; returns the
    /// steps none of whose nodes is kept.
    fn prune(&mut self, start: &str) -> Vec<usize> {
        let index: BTreeMap<&str, usize> = self.nodes.iter().enumerate().map(|(n, x)| (x.id.as_str(), n)).collect();
        let mut seen = vec![false; self.nodes.len()];
        let mut queue: Vec<usize> = Vec::new();
        let roots = std::iter::once(start.to_owned()).chain(
            self.nodes
                .iter()
                .filter(|n| n.global_node_setting.is_some())
                .map(|n| n.id.clone()),
        );
        for root in roots {
            if let Some(&n) = index.get(root.as_str())
                && !seen[n]
            {
                seen[n] = true;
                queue.push(n);
            }
        }
        while let Some(n) = queue.pop() {
            for dest in destinations(&self.nodes[n]) {
                if let Some(&m) = index.get(dest)
                    && !seen[m]
                {
                    seen[m] = true;
                    queue.push(m);
                }
            }
        }
        let kept: BTreeSet<String> = self
            .nodes
            .iter()
            .zip(&seen)
            .filter(|(_, s)| **s)
            .map(|(n, _)| n.id.clone())
            .collect();
        // One pass over the rows (not one per step: 100,000 steps stay linear).
        let mut has_node = vec![false; self.spec.steps.len()];
        for (step, id) in &self.rows {
            if let Some(i) = *step
                && kept.contains(id)
                && let Some(h) = has_node.get_mut(i)
            {
                *h = true;
            }
        }
        let left_out: Vec<usize> = (0..self.spec.steps.len()).filter(|&i| !has_node[i]).collect();
        let mut keep = seen.into_iter();
        self.nodes.retain(|_| keep.next().unwrap_or(false));
        self.rows.retain(|(_, id)| kept.contains(id));
        left_out
    }

    /// Places the nodes on the canvas: a row per step (its nodes left to
    /// right), then a row for the global nodes and one for the ends and
    /// transfers.
    fn place(&mut self) {
        let mut at: BTreeMap<String, Position> = BTreeMap::new();
        let mut row = 0i64;
        let mut column = 0i64;
        let mut current: Option<Option<usize>> = None;
        let stepless: BTreeSet<&str> = self
            .rows
            .iter()
            .filter(|(s, _)| s.is_none())
            .map(|(_, id)| id.as_str())
            .collect();
        let (globals, terminals): (Vec<&Node>, Vec<&Node>) = self
            .nodes
            .iter()
            .filter(|n| stepless.contains(n.id.as_str()) && n.id != "OPENING")
            .partition(|n| n.global_node_setting.is_some());
        let globals: Vec<String> = globals.iter().map(|n| n.id.clone()).collect();
        let terminals: Vec<String> = terminals.iter().map(|n| n.id.clone()).collect();
        for (step, id) in &self.rows {
            if step.is_none() && id != "OPENING" {
                continue;
            }
            if current != Some(*step) {
                if current.is_some() {
                    row += 1;
                }
                current = Some(*step);
                column = 0;
            }
            at.insert(
                id.clone(),
                Position {
                    x: column * COLUMN,
                    y: row * ROW,
                },
            );
            column += 1;
        }
        for group in [globals, terminals] {
            if group.is_empty() {
                continue;
            }
            row += 1;
            for (c, id) in group.into_iter().enumerate() {
                at.insert(
                    id,
                    Position {
                        x: i64::try_from(c).unwrap_or(0) * COLUMN,
                        y: row * ROW,
                    },
                );
            }
        }
        for node in &mut self.nodes {
            node.display_position = at.get(&node.id).copied().unwrap_or_default();
        }
    }

    /// `default_dynamic_variables`: every per-call variable, as a call that
    /// does not give it says it (its default as said, else nothing), so that
    /// no `{{name}}` is ever spoken.
    fn defaults(&self) -> BTreeMap<String, String> {
        let language = self.spec.language();
        self.spec
            .vars
            .iter()
            .enumerate()
            .map(|(v, var)| {
                let said = match &var.need {
                    ir::Need::Default(d) => var.kind.parse(d).map_or_else(|_| d.clone(), |x| x.spoken(language)),
                    ir::Need::Required | ir::Need::Optional => String::new(),
                };
                (self.name(Name::Var(v)), said)
            })
            .collect()
    }

    /// The canvas note: where the flow comes from, the version it was
    /// checked against, who speaks first, the variables a call gives, and
    /// what the flow leaves out.
    fn note(&self, left_out: &[usize]) -> Note {
        let spec = self.spec;
        let mut out = format!(
            "Generated by callc from call `{}` (target retell; checked against {} {}). Do not edit: change the .call file and build again.\n",
            spec.id, CHECKED_AGAINST.package, CHECKED_AGAINST.version
        );
        if let Some(title) = &spec.title {
            let _ = writeln!(out, "Title: {title}");
        }
        let _ = writeln!(
            out,
            "{}",
            match spec.first_speaker {
                ir::Speaker::Callee =>
                    "First speaker: the callee (start_speaker user): Retell waits for their first words (at most the silence timeout, begin_after_user_silence_ms), then says the opening.",
                ir::Speaker::Caller =>
                    "First speaker: the caller (start_speaker agent): the opening is said as soon as the call connects.",
            }
        );
        if !spec.vars.is_empty() {
            let _ = writeln!(
                out,
                "Per-call variables (retell_llm_dynamic_variables, each value as it is said):"
            );
            for (v, var) in spec.vars.iter().enumerate() {
                let _ = write!(
                    out,
                    "- {} ({}, {})",
                    self.name(Name::Var(v)),
                    var.kind.written(),
                    var.need.word()
                );
                if let Some(d) = &var.description {
                    let _ = write!(out, ": {d}");
                }
                out.push('\n');
            }
        }
        for (k, t) in spec.transfers.iter().enumerate() {
            if t.to.is_none() && self.nodes.iter().any(|n| n.id == self.name(Name::Transfer(k))) {
                let _ = writeln!(
                    out,
                    "Transfer `{}` has no destination: give it in the dynamic variable {}.",
                    t.id,
                    self.name(Name::TransferTo(k))
                );
            }
        }
        let silence = spec
            .steps
            .iter()
            .any(|s| s.branches.iter().any(|b| b.on == On::Event(ir::Event::Silence)))
            || spec
                .global_branches
                .iter()
                .any(|b| b.on == On::Event(ir::Event::Silence));
        if silence {
            let _ = writeln!(
                out,
                "Not in this flow: `on silence` (Retell has no transition on silence; each step that waits says something again after {} s, its reminder).",
                spec.silence_timeout
            );
        }
        let dialer = |e: ir::Event| {
            spec.steps
                .iter()
                .any(|s| s.branches.iter().any(|b| b.on == On::Event(e)))
                || spec.global_branches.iter().any(|b| b.on == On::Event(e))
        };
        let events: Vec<&str> = [ir::Event::Hangup, ir::Event::NoAnswer]
            .into_iter()
            .filter(|&e| dialer(e))
            .map(ir::Event::as_str)
            .collect();
        if !events.is_empty() {
            let _ = writeln!(
                out,
                "Not in this flow: `on {}` (the dialer's: nobody is on the line).",
                events.join("`, `on ")
            );
        }
        if !left_out.is_empty() {
            let ids: Vec<String> = left_out.iter().map(|&i| format!("`{}`", spec.steps[i].id)).collect();
            let _ = writeln!(
                out,
                "Left out (no transition Retell can take leads there): {}.",
                ids.join(", ")
            );
        }
        Note {
            id: "callc",
            content: literal(out.trim_end()),
            display_position: Position {
                x: -2 * COLUMN,
                y: -ROW,
            },
            size: Size {
                width: 360,
                height: 320,
            },
        }
    }
}

/// The nodes an edge of `node` leads to.
fn destinations(node: &Node) -> impl Iterator<Item = &str> {
    node.edges
        .iter()
        .chain(&node.else_edge)
        .chain(&node.skip_response_edge)
        .chain(&node.edge)
        .filter_map(|e| e.destination_node_id.as_deref())
        .chain(
            node.finetune_transition_examples
                .iter()
                .map(|x| x.destination_node_id.as_str()),
        )
}

fn otherwise(from: &str, to: String) -> Edge {
    Edge {
        id: format!("{from}-else"),
        transition_condition: Condition::prompt(ELSE),
        destination_node_id: Some(to),
    }
}

fn skip(from: &str, to: String) -> Edge {
    Edge {
        id: format!("{from}-skip"),
        transition_condition: Condition::prompt(SKIP_RESPONSE),
        destination_node_id: Some(to),
    }
}

fn user(content: String) -> Example {
    Example {
        transcript: vec![Turn { role: "user", content }],
    }
}

/// Whether a transfer's destination is what Retell dials without custom
/// telephony: `+` and 6 to 15 digits, or one dynamic variable.
fn is_e164_or_variable(number: &str) -> bool {
    let e164 = number
        .strip_prefix('+')
        .is_some_and(|d| (6..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()));
    let variable = number
        .strip_prefix("{{")
        .and_then(|r| r.strip_suffix("}}"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    e164 || variable
}

/// What the extractor is told about a capture: its description and the form
/// of the value.
fn capture_description(capture: &ir::Capture) -> String {
    format!(
        "{}{}",
        capture.description,
        super::prompt::value_form(&capture.kind, "yes or no")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Undoes [`literal`]: one word joiner after each `{` removed.
    fn unliteral(s: &str) -> String {
        let mut out = String::new();
        let mut after_brace = false;
        for c in s.chars() {
            if !(after_brace && c == WORD_JOINER) {
                out.push(c);
            }
            after_brace = c == '{';
        }
        out
    }

    #[test]
    fn literal_text_never_holds_a_double_brace_and_comes_back() {
        for s in [
            "{{",
            "}}",
            "{{x}}",
            "{{ x }}",
            "{",
            "a{",
            "{\u{2060}{",
            "{\u{2060}",
            "\u{2060}{",
            "{{{",
            "价格{{\u{3000}}}元",
            "{% if x %}",
            "",
        ] {
            let l = literal(s);
            assert!(!l.contains("{{"), "{s:?} → {l:?}");
            assert_eq!(unliteral(&l), s, "{l:?}");
        }
    }

    #[test]
    fn destinations_retell_dials() {
        assert!(is_e164_or_variable("+8613800138000"));
        assert!(is_e164_or_variable("{{transfer__sales}}"));
        assert!(!is_e164_or_variable("queue:renewal_sales"));
        assert!(!is_e164_or_variable("tel:{{agent}}"));
        assert!(!is_e164_or_variable("+86 138"));
    }
}
