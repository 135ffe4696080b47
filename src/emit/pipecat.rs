//! The `pipecat` target: a checked [`ir::Spec`](crate::ir::Spec) → one
//! Pipecat Flows `FlowConfig` (JSON, `ID.flow.json`) that
//! `pipecat.flows.FlowConfig` loads and `pipecat.flows.Flow` joins to its
//! handlers, checked with pipecat-ai 1.14.0 (`.ci/pipecat.sh`).
//!
//! A node per step: its lines are `tts_say` pre-actions (said as written,
//! never by the LLM), and the LLM only decides where the call goes, by
//! calling one function per signal branch in force at the step (global
//! branches written into every node: `FlowConfig` rejects a node function
//! that shadows a global one) or `reply`, the default successor. A step that
//! says `continue` does not wait: its node goes on to the successor by
//! itself once its lines are said (a deferred post-action). The call's end
//! conditions and transfers are nodes too, saying the closing or the
//! transfer's line. The caller's persona, task, knowledge, FAQ, opening and
//! ending are the initial node's `role_message` ([`prompt::caller`]), which
//! Pipecat keeps for the whole call.
//!
//! `FlowConfig` 1.14 has no place for a function's parameters (a
//! `transition_only` function takes none; any other function is Python code
//! whose parameters come from its signature), no visit counter and no
//! telephony events. What needs them is written as data in the one place
//! the format passes through: a custom pre-action `callc` first in every
//! node (`Action` keeps unknown keys for its handler), which the runtime
//! module `callc_flows.py` ([`CALLC_FLOWS_PY`], the same for every call)
//! reads: the typed JSON Schema of each capture (the parameters of `reply`,
//! a direct function), the `retry` of a step (every function leading to it
//! is then a direct function whose `transition_to` branches on where the
//! visits send the call), the step's routes on `silence` and `hangup`, a
//! transfer's destination and fallback, and (at the initial node) the call:
//! its variables, start events, silence timeout and the version checked
//! against. The mapping, construct by construct: docs/targets/pipecat.md.
//!
//! Every name comes from [`Names::name`]; every text that Pipecat fills
//! (`role_message`, `task_messages`, `tts_say`) goes through [`Pipecat`], the
//! one [`Template`] of this target; every text Pipecat does not fill (a
//! function's description) through [`plain`]. Lists keep source order and
//! maps are ordered, so the output is byte-for-byte deterministic.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::prompt::{self, Template};
use super::{Approximation, EmitError, OutputFile, Vendor};
use crate::ir::{self, Event, Language, On, Piece, Target, ValueType, VarRef};
use crate::names::AsciiNames;

/// The package this target's output is checked against in CI.
pub const CHECKED_AGAINST: Vendor = Vendor {
    package: "pipecat-ai",
    version: "1.14.0",
    requirements: "tests/e2e/pipecat/requirements.txt",
};

/// The runtime module the output's `callc` actions and direct functions
/// name: `callc_flows.py`, the same for every call (standard library and
/// pipecat-ai only). docs/targets/pipecat.md says how to use it.
pub const CALLC_FLOWS_PY: &str = include_str!("pipecat/callc_flows.py");

/// The version of the `callc` actions' data (the `format` of the call's
/// metadata); bumped on any incompatible change, with `callc_flows.py`.
pub const FORMAT: u32 = 1;

/// The most functions callc writes at one node: the chat completions API of
/// `OpenAI` takes at most 128 tools in a request (a node offers its functions as the
/// LLM's tools).
pub const MAX_FUNCTIONS: usize = 128;

/// The longest function name: `OpenAI`, `Anthropic` and `Gemini` all take at most
/// 64 characters of `[A-Za-z0-9_-]` (Gemini: starting with a letter or `_`).
pub const MAX_NAME: usize = 64;

/// Every field of the IR and what this target does with it, as patterns the
/// compiler checks: a field added to the IR fails to compile here until the
/// Pipecat target says what it does with it (docs/ARCHITECTURE.md, "How to
/// add a statement").
#[rustfmt::skip]
const _: fn(&ir::Spec, &ir::Party, &ir::Style, &ir::Step, &ir::Branch, &ir::Qa, &ir::Concern, &ir::Signal, &ir::EndCondition) = |
    ir::Spec {
        id: _,                       // the file name; the call's metadata (`call.id`)
        title: _,                    // the call's metadata
        locale: _,                   // the language of the role message, the task messages and the descriptions
        caller: _,                   // the role message (`prompt::caller`)
        callees: _,                  // not part of a bot: the simulated callees' (`callc scenarios`, the pipecat-evals target)
        concerns: _,                 // not part of a bot: coverage is checked by callc
        signals: _,                  // a transition function per signal branch: name and description
        vars: _,                     // `{{ name }}` in the filled texts; the call's metadata (`call.vars`)
        first_speaker: _,            // callee: the initial node `ANSWER` waits for their first words; caller: `OPENING` (or the first step) says its lines at once
        silence_timeout: _,          // the call's metadata: the application's `user_idle_timeout`
        silence_timeout_explicit: _, // the value is written either way
        opening: _,                  // the node `OPENING`; also in the role message
        steps: _,                    // a node each (a `continue` step with nothing to say has none: see `Plan::resolve`)
        global_branches: _,          // through `Spec::branches_at` (written into every node) and `Spec::start_branches` (the call's `start`)
        faq: _,                      // the role message
        ends: _,                     // the nodes `END_<id>`; the caller's wording in the role message
        transfers: _,                // the nodes `TRANSFER_<id>`
        captures: _,                 // the parameters of `reply` at their step
        closing: _,                  // a `tts_say` at every end node; also in the role message
    },
    ir::Party {
        id: _,         // not part of a bot
        name: _,       // the role message
        gender: _,     // the role message
        age: _,        // the role message
        org: _,        // the role message
        role: _,       // the role message
        persona: _,    // the role message
        task: _,       // the role message
        knows: _,      // the role message
        background: _, // the callee's
        behavior: _,   // the callee's
        style: _,      // the callee's
        concerns: _,   // the callee's
        extends: _,    // the callee's
    },
    ir::Style {
        note: _,   // the callee's
        avoid: _,  // the callee's
        prefer: _, // the callee's
    },
    ir::Step {
        id: _,            // the node's name; `step` in its metadata
        title: _,         // the node's task message
        lines: _,         // a `tts_say` pre-action each (blank lines say nothing and are left out)
        covers: _,        // not part of a bot
        waits: _,         // waits: the LLM picks a function after the reply; `continue`: the post-action `callc_continue` follows `next`
        captures: _,      // the parameters of its `reply`
        retry: _,         // `retry` in its metadata; the functions leading to it are direct functions
        next: _,          // the function `reply` (`next` at a `continue` step)
        next_explicit: _, // the successor is the same either way
        branches: _,      // through `Spec::branches_at`
        overrides: _,     // through `Spec::branches_at`
    },
    ir::Branch {
        on: _,     // a signal: a function of the node; `silence`, `hangup`: the node's `on` routes; `voicemail`, `no_answer`: the call's `start`
        target: _, // the function's `transition_to`, or the route's node
    },
    ir::Qa {
        id: _,        // not part of a bot
        questions: _, // the role message
        answer: _,    // the role message
        covers: _,    // not part of a bot
    },
    ir::Concern {
        id: _,    // not part of a bot
        steps: _, // not part of a bot
        faq: _,   // not part of a bot
    },
    ir::Signal {
        id: _,          // the function's name
        description: _, // the function's description
        examples: _,    // the function's description, after it
    },
    ir::EndCondition {
        id: _,       // the node `END_<id>`; `condition` in its metadata
        caller: _,   // the role message
        callee: _,   // the callee's
        requires: _, // not part of a bot: checked by callc (W0215)
    },
| {};

/// The checklist, continued: the IR of calls that listen and of per-call variables.
#[rustfmt::skip]
const _: fn(&ir::Retry, &ir::Capture, &ir::Transfer, &ir::Var) = |
    ir::Retry {
        max: _,  // `retry.runs`: 1 + max
        then: _, // `retry.then`, and a case of every function leading to the step
    },
    ir::Capture {
        id: _,          // a parameter of `reply` (its name), and the key its value is kept under (`captures`)
        kind: _,        // the parameter's JSON Schema
        optional: _,    // whether the parameter is `required`; a missing required value asks the step again (`again`)
        description: _, // the parameter's description
        step: _,        // the node whose `reply` takes it
    },
    ir::Transfer {
        id: _,       // the node `TRANSFER_<id>`; `transfer.id` in its metadata
        title: _,    // `transfer.title` in its metadata
        say: _,      // a `tts_say`
        to: _,       // `transfer.to`, filled by `callc_flows.py` as Pipecat fills a text
        fallback: _, // `transfer.fallback`: where a failed transfer goes
        requires: _, // not part of a bot: checked by callc (W0215)
    },
    ir::Var {
        id: _,          // `{{ name }}`; `vars[].id` in the call's metadata
        kind: _,        // `vars[].type`
        need: _,        // `vars[].need` and `default` (as said)
        example: _,     // not part of a bot: the scenarios'
        pii: _,         // `vars[].pii`
        description: _, // `vars[].description`
    },
| {};

/// The target's one file, `ID.flow.json`: a `FlowConfig`.
#[must_use]
pub fn emit(spec: &ir::Spec) -> Vec<OutputFile> {
    let names = Names::new(spec);
    let config = Plan::new(spec, &names).config();
    // serde_json cannot fail on these types (string keys, no floats).
    let mut contents = serde_json::to_string_pretty(&config).unwrap_or_default();
    contents.push('\n');
    vec![
        OutputFile {
            path: PathBuf::from(format!("{}.flow.json", spec.id)),
            contents,
        },
        // The runtime module the config needs, beside it: the bot imports
        // it from the same directory, with nothing copied by hand.
        OutputFile {
            path: PathBuf::from(MODULE_FILE),
            contents: CALLC_FLOWS_PY.to_owned(),
        },
    ]
}

/// The file name of the runtime module in the output directory.
pub const MODULE_FILE: &str = "callc_flows.py";

/// Whether the runtime can express the spec: an [`EmitError`] names what it
/// cannot (the build then writes nothing).
///
/// # Errors
/// - a text Pipecat fills has a `\` right before a per-call variable:
///   Pipecat reads `\{{` as an escaped placeholder and would say the
///   variable's markup instead of its value, and there is no other way to
///   write a `\` before a value;
/// - a node would offer more than [`MAX_FUNCTIONS`] functions.
pub fn limits(spec: &ir::Spec) -> Result<(), EmitError> {
    for text in filled_texts(spec) {
        for pair in text.pieces().windows(2) {
            if let [Piece::Lit(s), Piece::Var(v)] = pair
                && s.ends_with('\\')
            {
                return Err(EmitError {
                    message: format!(
                        "a text has `\\` right before `{{var.{}}}`: Pipecat reads `\\{{{{` as an escaped placeholder, so the call would say `{{{{ {} }}}}` instead of the value",
                        v.id,
                        Names::new(spec).name(Name::Var(v.index))
                    ),
                    help: format!(
                        "put a space (or any other character) between `\\` and `{{var.{}}}`",
                        v.id
                    ),
                });
            }
        }
    }
    for (i, step) in spec.steps.iter().enumerate() {
        let signals = spec.branches_at(i).filter(|b| b.signal().is_some()).count();
        if signals + 1 > MAX_FUNCTIONS {
            return Err(EmitError {
                message: format!(
                    "step `{}` would offer the LLM {} functions (a signal branch each, and `reply`), more than the {MAX_FUNCTIONS} tools an LLM request takes",
                    step.id,
                    signals + 1
                ),
                help: "Pipecat offers every function of a node as a tool in each LLM request, and global branches are written into every node: use fewer signals or global branches, or another target".to_owned(),
            });
        }
    }
    Ok(())
}

/// What the output approximates: `silence` at a step that waits and says
/// nothing. Pipecat's idle detection (`on_user_turn_idle`) starts its timer
/// when the bot stops speaking, so after the callee's reply moves the call to
/// such a step, no timer runs and the step's `silence` branch is not taken
/// (the call waits for the callee).
#[must_use]
pub fn approximations(spec: &ir::Spec) -> Vec<Approximation> {
    let silent: Vec<String> = (0..spec.steps.len())
        .filter(|&i| {
            let step = &spec.steps[i];
            step.waits
                && step.lines.iter().all(ir::Text::is_blank)
                && spec.branches_at(i).any(|b| b.on == On::Event(Event::Silence))
        })
        .map(|i| format!("`{}`", spec.steps[i].id))
        .collect();
    if silent.is_empty() {
        return Vec::new();
    }
    vec![Approximation {
        message: format!(
            "the pipecat target does not hear `silence` at {}, which say(s) nothing: Pipecat's idle timer starts when the bot stops speaking",
            silent.join(", ")
        ),
        help: "give the step a line, or take the silence from a timer of your own with `call.event(flow_manager, \"silence\")` (docs/targets/pipecat.md)".to_owned(),
    }]
}

/// Every text this target writes where Pipecat fills `{{ key }}`
/// placeholders: the texts of the role message, the lines, the opening, the
/// closing, the transfers' lines and destinations.
fn filled_texts(spec: &ir::Spec) -> impl Iterator<Item = &ir::Text> + '_ {
    let p = &spec.caller;
    std::iter::once(&p.name)
        .chain(p.org.iter())
        .chain(p.role.iter())
        .chain(p.persona.iter())
        .chain(p.task.iter())
        .chain(p.knows.iter().map(|(_, t)| t))
        .chain(
            spec.faq
                .iter()
                .flat_map(|q| q.questions.iter().chain(std::iter::once(&q.answer))),
        )
        .chain(spec.opening.iter())
        .chain(spec.ends.iter().filter_map(|e| e.caller.as_ref()))
        .chain(std::iter::once(&spec.closing))
        .chain(spec.steps.iter().flat_map(|s| s.lines.iter()))
        .chain(
            spec.transfers
                .iter()
                .flat_map(|t| std::iter::once(&t.say).chain(t.to.iter())),
        )
}

// ---------------------------------------------------------------------------
// Texts.

/// The one escaping function of the texts Pipecat fills: a per-call
/// variable is `{{ name }}` (filled from `flow_manager.state` when a node is
/// entered), and literal text is written so that Pipecat gives it back
/// exactly.
///
/// Pipecat 1.14.0 (`pipecat.flows.manager._PLACEHOLDER`) reads
/// `(\\?)\{\{\s*KEY(\.KEY)*\s*\}\}` with `KEY` = `[A-Za-z_][A-Za-z0-9_]*`
/// and `\s` Python's (Unicode white space and U+001C–U+001F): a match is
/// replaced by the value, or, after a `\`, by itself without the `\`. So
/// every piece of literal text that reads as a placeholder gets a `\` in
/// front ([`escape`]); nothing else is ever read as markup (a lone `{{`, `{%`,
/// `}}`, braces around other text, a `\` anywhere else come back as written).
/// Undo: drop the `\` in front of each placeholder-looking match.
#[derive(Debug, Clone, Copy)]
pub struct Pipecat<'a> {
    names: &'a Names,
}

impl<'a> Pipecat<'a> {
    /// The template of a spec's names.
    #[must_use]
    pub fn new(names: &'a Names) -> Self {
        Self { names }
    }
}

impl Template for Pipecat<'_> {
    fn var(&self, var: &VarRef) -> String {
        format!("{{{{ {} }}}}", self.names.name(Name::Var(var.index)))
    }

    fn literal(&self, s: &str) -> String {
        escape(s)
    }
}

/// Literal text as Pipecat gives it back from a text it fills: a `\` in
/// front of every match of its placeholder pattern (see [`Pipecat`]).
/// Text without `{{` is returned unchanged.
#[must_use]
pub fn escape(s: &str) -> String {
    if !s.contains("{{") {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut i = 0;
    while let Some(c) = s[i..].chars().next() {
        if let Some(len) = placeholder_len(&s[i..]) {
            out.push('\\');
            out.push_str(&s[i..i + len]);
            i += len;
        } else {
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The length in bytes of the placeholder Pipecat reads at the start of
/// `s` (`{{ key }}`, `{{a.b}}`), if any: the pattern of
/// `pipecat.flows.manager._PLACEHOLDER` without its optional `\`. The
/// pattern has one way to match (no part of it can give back characters to
/// another), so reading it greedily is exact.
#[must_use]
pub fn placeholder_len(s: &str) -> Option<usize> {
    // Python's `\s` on `str`: `str.isspace()`, which is Unicode White_Space and U+001C–U+001F.
    let space = |c: char| c.is_whitespace() || ('\u{1C}'..='\u{1F}').contains(&c);
    let key_start = |c: char| c.is_ascii_alphabetic() || c == '_';
    let key = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let rest = s.strip_prefix("{{")?;
    let rest = rest.trim_start_matches(space);
    if !rest.starts_with(key_start) {
        return None;
    }
    let mut rest = rest.trim_start_matches(key);
    while let Some(after) = rest.strip_prefix('.') {
        if !after.starts_with(key_start) {
            break;
        }
        rest = after.trim_start_matches(key);
    }
    let rest = rest.trim_start_matches(space).strip_prefix("}}")?;
    Some(s.len() - rest.len())
}

/// The one escaping function of the texts Pipecat does not fill (a
/// function's description, which the LLM reads as written): the text as it
/// is, each per-call variable as its name in brackets, `[customer_name]`.
#[must_use]
pub fn plain(text: &ir::Text, names: &Names) -> String {
    text.render(|v, out| {
        out.push('[');
        out.push_str(&names.name(Name::Var(v.index)));
        out.push(']');
    })
}

// ---------------------------------------------------------------------------
// Names.

/// What [`Names::name`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name {
    /// The node of step `i`: its id in ASCII (`开场` → `kai_chang`).
    Step(usize),
    /// The node of an end: `END_<id>`, or `END` for a plain `end`.
    End(Option<usize>),
    /// The node of transfer `t`: `TRANSFER_<id>`.
    Transfer(usize),
    /// The initial node of a callee-first call, waiting for their first words: `ANSWER`.
    Answer,
    /// The node saying the opening: `OPENING`.
    Opening,
    /// The function of signal `s`: its id in ASCII, at most [`MAX_NAME`] long.
    Signal(usize),
    /// The default successor of a step that waits: `reply`.
    Reply,
    /// The default successor of a step that does not wait, and of `OPENING`: `next`.
    Next,
    /// At `ANSWER`: the callee spoke, `answered`.
    Answered,
    /// At `ANSWER`: a voicemail greeting answered, `voicemail`.
    Voicemail,
    /// The state key (`{{ key }}`) of per-call variable `v`: its id in ASCII.
    Var(usize),
    /// The parameter of capture `c`: its id in ASCII, at most [`MAX_NAME`] long.
    Capture(usize),
}

/// The function names a signal cannot take.
const RESERVED_FUNCTIONS: [&str; 4] = ["reply", "next", "answered", "voicemail"];

/// The state key `callc_flows.py` keeps its own state under.
const STATE_KEY: &str = "callc";

/// The Pipecat names of one spec's ids: one [`AsciiNames`] table per kind,
/// then this target's rules (length, reserved words), in one function
/// ([`Names::name`]).
#[derive(Debug, Clone)]
pub struct Names {
    steps: Vec<String>,
    ends: Vec<String>,
    transfers: Vec<String>,
    signals: Vec<String>,
    vars: Vec<String>,
    captures: Vec<String>,
}

impl Names {
    /// Names every id of the spec.
    #[must_use]
    pub fn new(spec: &ir::Spec) -> Self {
        fn table<'a>(ids: impl Iterator<Item = &'a str> + Clone, reserved: &[&str]) -> Vec<String> {
            let t = AsciiNames::new(ids.clone(), reserved);
            ids.map(|id| t.get(id)).collect()
        }
        Self {
            steps: table(spec.steps.iter().map(|s| s.id.as_str()), &[]),
            ends: table(spec.ends.iter().map(|e| e.id.as_str()), &[]),
            transfers: table(spec.transfers.iter().map(|t| t.id.as_str()), &[]),
            signals: fit(
                table(spec.signals.iter().map(|s| s.id.as_str()), &RESERVED_FUNCTIONS),
                &RESERVED_FUNCTIONS,
            ),
            vars: table(spec.vars.iter().map(|v| v.id.as_str()), &[STATE_KEY]),
            captures: fit(table(spec.captures.iter().map(|c| c.id.as_str()), &[]), &[]),
        }
    }

    /// The Pipecat name of `what`: the one naming function of this target.
    ///
    /// Names of one kind never collide: each kind's ASCII forms come from
    /// one [`AsciiNames`] table, and those cut to [`MAX_NAME`] get a suffix
    /// when two become alike. Node names of different kinds differ by
    /// construction: a step's name is lower case (a transliteration), every
    /// other node's has an upper-case prefix. A signal's function never
    /// takes `reply`, `next`, `answered` or `voicemail`, and no variable is
    /// called `callc` (the runtime module's state).
    #[must_use]
    pub fn name(&self, what: Name) -> String {
        match what {
            Name::Step(i) => self.steps[i].clone(),
            Name::End(None) => "END".to_owned(),
            Name::End(Some(e)) => format!("END_{}", self.ends[e]),
            Name::Transfer(t) => format!("TRANSFER_{}", self.transfers[t]),
            Name::Answer => "ANSWER".to_owned(),
            Name::Opening => "OPENING".to_owned(),
            Name::Signal(s) => self.signals[s].clone(),
            Name::Reply => RESERVED_FUNCTIONS[0].to_owned(),
            Name::Next => RESERVED_FUNCTIONS[1].to_owned(),
            Name::Answered => RESERVED_FUNCTIONS[2].to_owned(),
            Name::Voicemail => RESERVED_FUNCTIONS[3].to_owned(),
            Name::Var(v) => self.vars[v].clone(),
            Name::Capture(c) => self.captures[c].clone(),
        }
    }
}

/// Names cut to [`MAX_NAME`] characters (they are ASCII), the later of two
/// that become alike (or alike a reserved one) with a suffix `_2`, `_3`, …
/// that fits.
fn fit(names: Vec<String>, reserved: &[&str]) -> Vec<String> {
    let mut taken: BTreeSet<String> = reserved.iter().map(|s| (*s).to_owned()).collect();
    names
        .into_iter()
        .map(|name| {
            let cut = |s: &str, n: usize| s[..s.len().min(n)].to_owned();
            let mut candidate = cut(&name, MAX_NAME);
            let mut n = 2;
            while taken.contains(&candidate) {
                let suffix = format!("_{n}");
                candidate = format!("{}{suffix}", cut(&name, MAX_NAME - suffix.len()));
                n += 1;
            }
            taken.insert(candidate.clone());
            candidate
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The words of the instructions the target adds.

/// What this target tells the LLM, in the spec's language.
struct Words {
    /// Before a step's title in its task message.
    step: [&'static str; 2],
    /// The task at a step that waits: before the name of `reply`, after it.
    wait: [&'static str; 2],
    /// The task at a step that does not wait.
    go_on: &'static str,
    /// The task at `ANSWER`: before `answered`, after; the voicemail clause before `voicemail`, after.
    answer: [&'static str; 4],
    /// The task at `OPENING`.
    opening: &'static str,
    /// The task at an end node.
    end: &'static str,
    /// The task at a transfer node.
    transfer: &'static str,
    /// The description of `reply`, and what it adds at a step that captures.
    reply: [&'static str; 2],
    /// The description of `next`.
    next: &'static str,
    /// The description of `answered`.
    answered: &'static str,
    /// The description of `voicemail`.
    voicemail: &'static str,
    /// A signal without description: before its id.
    signal: &'static str,
    /// Before a signal's examples; quotes around each; between two.
    examples: [&'static str; 4],
    /// Ends a description that does not end a sentence, before the examples.
    full_stop: &'static str,
    /// A percentage parameter's note, after its description: before, after.
    percent: [&'static str; 2],
    /// A money parameter's note: before the currency, after.
    money: [&'static str; 2],
}

const ZH: Words = Words {
    step: ["当前步骤：", "。"],
    wait: [
        "这一步的话已经由系统说给对方了，不要重复。现在等对方回答。对方回答后：符合某个函数的描述，就调用那个函数，不要自己说话；对方在提问，就按角色设定里的问答知识库简短回答，不调用函数，再等对方回答；其他情况调用 ",
        "。",
    ],
    go_on: "这一步的话由系统说给对方，说完自动进入下一步。不要说话，也不要调用函数。",
    answer: [
        "电话刚接通，等对方先开口。对方一开口（如“喂？”）就调用 ",
        "；",
        "如果听到的是语音信箱或答录机的自动问候，调用 ",
        "。不要说话。",
    ],
    opening: "开场白由系统说给对方，说完自动进入下一步。不要说话，也不要调用函数。",
    end: "通话到此结束，结束语由系统说出。不要说话。",
    transfer: "系统正在转接这通电话。不要说话。",
    reply: [
        "对方回答了，但不属于其他函数描述的任何情况：继续通话。",
        "把对方给出的信息作为参数传入；对方没给的不要编造。",
    ],
    next: "继续通话（这一步的话说完后由系统调用）。",
    answered: "对方接起电话并开口说话。",
    voicemail: "接听的是语音信箱或答录机的自动问候，不是真人。",
    signal: "对方的回答表示：",
    examples: ["例如：", "“", "”", "；"],
    full_stop: "。",
    percent: ["（百分数：8 表示 8%）", ""],
    money: ["（金额，单位 ", "）"],
};

const EN: Words = Words {
    step: ["Current step: ", ". "],
    wait: [
        "The lines of this step have been said to the callee for you: do not repeat them. Now wait for the callee's reply. Then: if it matches the description of one of the functions, call that function and say nothing yourself; if the callee asks a question, answer it briefly from the FAQ in your role, call no function, and wait for the next reply; otherwise call ",
        ".",
    ],
    go_on: "The lines of this step are said for you, and the call goes on by itself once they are said. Say nothing and call no function.",
    answer: [
        "The call has just connected: wait for the callee to speak first. As soon as they say anything (\"Hello?\"), call ",
        "; ",
        "if what you hear is a voicemail or answering machine greeting, call ",
        ". Say nothing.",
    ],
    opening: "The opening line is said for you, and the call goes on by itself once it is said. Say nothing and call no function.",
    end: "The call ends here: the closing line is said for you. Say nothing.",
    transfer: "The call is being transferred. Say nothing.",
    reply: [
        "The callee replied, and the reply matches none of the other functions: go on with the call.",
        " Pass what the callee gave as the parameters; do not make up what they did not give.",
    ],
    next: "Go on with the call (called for you once this step's lines are said).",
    answered: "The callee picked up and spoke.",
    voicemail: "A voicemail or answering machine greeting answered, not a person.",
    signal: "The callee's reply means: ",
    examples: [" For example: ", "\"", "\"", ", "],
    full_stop: ".",
    percent: [" (a percentage: 8 means 8%)", ""],
    money: [" (an amount in ", ")"],
};

/// A node's task: one developer message.
fn message(content: String) -> Vec<Message> {
    vec![Message {
        role: "developer",
        content,
    }]
}

/// The characters that end a sentence (no full stop is added after them).
const SENTENCE_ENDS: [char; 9] = ['。', '！', '？', '.', '!', '?', '；', ';', ' '];

fn words(spec: &ir::Spec) -> &'static Words {
    match spec.language() {
        Language::Chinese => &ZH,
        Language::English => &EN,
    }
}

// ---------------------------------------------------------------------------
// The plan: which nodes, which functions.

/// Where things go, and the texts: everything the nodes are built from.
struct Plan<'a> {
    spec: &'a ir::Spec,
    names: &'a Names,
    template: Pipecat<'a>,
    words: &'static Words,
    /// The steps that have no node: a `continue` step with nothing to say
    /// (no line but blank ones) takes no time, so a transition to it is a
    /// transition to where it leads (and Pipecat moves on from a node only
    /// once its speech ends: a node without speech would never move on).
    folded: Vec<bool>,
    /// In a caller-first call that branches on `voicemail`, the step whose
    /// reply is the callee's first words (the first that waits, through the
    /// `continue` steps from the first step): it offers `voicemail`.
    first_turn: Option<usize>,
}

impl<'a> Plan<'a> {
    fn new(spec: &'a ir::Spec, names: &'a Names) -> Self {
        let voicemail = spec.start_branches().any(|b| b.on == On::Event(Event::Voicemail));
        let first_turn = if spec.first_speaker == ir::Speaker::Caller && voicemail {
            let mut seen = vec![false; spec.steps.len()];
            let mut at = (!spec.steps.is_empty()).then_some(0);
            while let Some(i) = at.filter(|&i| !seen[i]) {
                seen[i] = true;
                if spec.steps[i].waits {
                    break;
                }
                at = spec.steps[i].next.step();
            }
            at.filter(|&i| spec.steps[i].waits)
        } else {
            None
        };
        Self {
            spec,
            names,
            template: Pipecat::new(names),
            words: words(spec),
            folded: spec
                .steps
                .iter()
                .map(|s| !s.waits && s.lines.iter().all(ir::Text::is_blank))
                .collect(),
            first_turn,
        }
    }

    /// Where `voicemail` leads, if the call branches on it.
    fn voicemail(&self) -> Option<Target> {
        self.spec
            .start_branches()
            .find(|b| b.on == On::Event(Event::Voicemail))
            .map(|b| b.target)
    }

    /// A target with every folded step skipped (E0112 rules out a loop of
    /// `continue` steps; the bound is for safety).
    fn resolve(&self, mut target: Target) -> Target {
        for _ in 0..=self.spec.steps.len() {
            match target {
                Target::Step(i) if self.folded[i] => target = self.spec.steps[i].next,
                _ => break,
            }
        }
        target
    }

    /// The node a target is (folded steps skipped).
    fn node(&self, target: Target) -> String {
        match self.resolve(target) {
            Target::Step(i) => self.names.name(Name::Step(i)),
            Target::End(e) => self.names.name(Name::End(e)),
            Target::Transfer(t) => self.names.name(Name::Transfer(t)),
        }
    }

    /// Whether going to `target` needs code: it is a step with `retry`, so
    /// its visits decide where the call goes.
    fn counted(&self, target: Target) -> bool {
        matches!(self.resolve(target), Target::Step(i) if self.spec.steps[i].retry.is_some())
    }

    /// The nodes a transition to `target` can end at: the node, and while
    /// it is a step with `retry`, where its spent retries lead.
    fn chain(&self, target: Target, out: &mut Vec<String>) {
        let mut t = self.resolve(target);
        loop {
            let node = self.node(t);
            if out.contains(&node) {
                break;
            }
            out.push(node);
            match t {
                Target::Step(i) if let Some(r) = self.spec.steps[i].retry => t = self.resolve(r.then),
                _ => break,
            }
        }
    }

    fn lit(&self, s: &str) -> String {
        self.template.literal(s)
    }

    fn filled(&self, t: &ir::Text) -> String {
        prompt::text(t, &self.template)
    }

    fn config(&self) -> FlowConfig {
        let spec = self.spec;
        let first = if spec.steps.is_empty() {
            Target::End(None)
        } else {
            Target::Step(0)
        };
        let mut nodes: Vec<(String, Node)> = Vec::new();
        let begin_node = if spec.opening.is_some() {
            self.names.name(Name::Opening)
        } else {
            self.node(first)
        };
        let initial = match spec.first_speaker {
            ir::Speaker::Callee => self.names.name(Name::Answer),
            ir::Speaker::Caller => begin_node.clone(),
        };
        if spec.first_speaker == ir::Speaker::Callee {
            nodes.push((self.names.name(Name::Answer), self.answer(&begin_node)));
        }
        if let Some(opening) = &spec.opening {
            nodes.push((self.names.name(Name::Opening), self.opening(opening, first)));
        }
        for i in 0..spec.steps.len() {
            if !self.folded[i] {
                nodes.push((self.names.name(Name::Step(i)), self.step(i)));
            }
        }
        for e in 0..spec.ends.len() {
            nodes.push((self.names.name(Name::End(Some(e))), self.end(Some(e))));
        }
        let plain_end = spec.steps.is_empty()
            || spec
                .all_targets()
                .any(|t| self.resolve(t) == Target::End(None) || t == Target::End(None));
        if plain_end {
            nodes.push((self.names.name(Name::End(None)), self.end(None)));
        }
        for t in 0..spec.transfers.len() {
            nodes.push((self.names.name(Name::Transfer(t)), self.transfer(t)));
        }
        // The initial node carries the role message and the call's metadata.
        if let Some((_, node)) = nodes.iter_mut().find(|(name, _)| *name == initial) {
            node.role_message = Some(prompt::caller(spec, &self.template));
            if let Some(Action { meta: Some(meta), .. }) = node.pre_actions.first_mut() {
                meta.call = Some(self.call_meta());
            }
        }
        FlowConfig {
            initial_node: initial,
            nodes: Ordered(nodes),
        }
    }

    /// The call's metadata, on the initial node's `callc` action.
    fn call_meta(&self) -> CallMeta {
        let spec = self.spec;
        let language = spec.language();
        let mut start = Vec::new();
        for b in spec.start_branches() {
            if let On::Event(e) = b.on {
                start.push((e.as_str().to_owned(), self.node(b.target)));
            }
        }
        CallMeta {
            format: FORMAT,
            id: spec.id.clone(),
            title: spec.title.clone(),
            locale: spec.locale.clone(),
            generated: format!(
                "callc, target pipecat (docs/targets/pipecat.md); checked against {} {}",
                CHECKED_AGAINST.package, CHECKED_AGAINST.version
            ),
            first_speaker: spec.first_speaker.as_str(),
            silence_timeout: spec.silence_timeout,
            vars: spec
                .vars
                .iter()
                .enumerate()
                .map(|(v, var)| VarMeta {
                    name: self.names.name(Name::Var(v)),
                    id: var.id.clone(),
                    kind: var.kind.written(),
                    need: var.need.word(),
                    default: match &var.need {
                        ir::Need::Default(d) => Some(
                            var.kind
                                .parse(d)
                                .map_or_else(|_| d.clone(), |value| value.spoken(language)),
                        ),
                        ir::Need::Required | ir::Need::Optional => None,
                    },
                    pii: var.pii,
                    description: var.description.clone(),
                })
                .collect(),
            start: Ordered(start),
            signals: Ordered(
                spec.signals
                    .iter()
                    .enumerate()
                    .map(|(s, signal)| (signal.id.clone(), self.names.name(Name::Signal(s))))
                    .collect(),
            ),
        }
    }

    /// `ANSWER`: a callee-first call waits for the callee's first words.
    fn answer(&self, begin_node: &str) -> Node {
        let w = self.words;
        let voicemail = self.voicemail();
        let mut task = format!(
            "{}{}",
            self.lit(w.answer[0]),
            self.lit(&self.names.name(Name::Answered))
        );
        if voicemail.is_some() {
            task.push_str(&self.lit(w.answer[1]));
            task.push_str(&self.lit(w.answer[2]));
            task.push_str(&self.lit(&self.names.name(Name::Voicemail)));
        }
        task.push_str(&self.lit(w.answer[3]));
        let mut meta = Meta::new(self.names.name(Name::Answer), "answer");
        let mut functions = vec![Function::transition(
            self.names.name(Name::Answered),
            w.answered.to_owned(),
            begin_node.to_owned(),
        )];
        if let Some(target) = voicemail {
            functions.push(self.function(
                &mut meta,
                self.names.name(Name::Voicemail),
                w.voicemail.to_owned(),
                target,
                None,
            ));
        }
        Node {
            role_message: None,
            task_messages: message(task),
            functions,
            pre_actions: vec![Action::callc(meta)],
            post_actions: Vec::new(),
            respond_immediately: false,
        }
    }

    /// `OPENING`: says the opening line, then goes on to the first step.
    fn opening(&self, opening: &ir::Text, first: Target) -> Node {
        let mut meta = Meta::new(self.names.name(Name::Opening), "opening");
        let next = self.function(
            &mut meta,
            self.names.name(Name::Next),
            self.words.next.to_owned(),
            first,
            None,
        );
        let mut pre_actions = vec![Action::callc(meta)];
        if !opening.is_blank() {
            pre_actions.push(Action::say(self.filled(opening)));
        }
        Node {
            role_message: None,
            task_messages: message(self.lit(self.words.opening)),
            functions: vec![next],
            pre_actions,
            post_actions: vec![Action::handler("callc_continue")],
            respond_immediately: false,
        }
    }

    /// The node of step `i`.
    fn step(&self, i: usize) -> Node {
        let spec = self.spec;
        let w = self.words;
        let step = &spec.steps[i];
        let mut meta = Meta::new(self.names.name(Name::Step(i)), "step");
        meta.step = Some(step.id.clone());
        meta.retry = step.retry.map(|r| RetryMeta {
            runs: u32::from(r.max) + 1,
            then: self.node(r.then),
        });
        let mut functions = Vec::new();
        if let Some(target) = self.voicemail().filter(|_| self.first_turn == Some(i)) {
            functions.push(self.function(
                &mut meta,
                self.names.name(Name::Voicemail),
                w.voicemail.to_owned(),
                target,
                None,
            ));
        }
        let mut on = Vec::new();
        for b in spec.branches_at(i) {
            match b.on {
                On::Signal(s) => {
                    let description = self.signal_description(s);
                    functions.push(self.function(
                        &mut meta,
                        self.names.name(Name::Signal(s)),
                        description,
                        b.target,
                        None,
                    ));
                }
                On::Event(e) => on.push((e.as_str().to_owned(), self.node(b.target))),
            }
        }
        meta.on = Ordered(on);
        let title = step.title.as_deref().unwrap_or(&step.id);
        let mut task = format!("{}{}{}", self.lit(w.step[0]), self.lit(title), self.lit(w.step[1]));
        let mut post_actions = Vec::new();
        if step.waits {
            let mut description = w.reply[0].to_owned();
            if !step.captures.is_empty() {
                description.push_str(w.reply[1]);
            }
            functions.push(self.function(&mut meta, self.names.name(Name::Reply), description, step.next, Some(i)));
            task.push_str(&self.lit(w.wait[0]));
            task.push_str(&self.lit(&self.names.name(Name::Reply)));
            task.push_str(&self.lit(w.wait[1]));
        } else {
            functions.push(self.function(
                &mut meta,
                self.names.name(Name::Next),
                w.next.to_owned(),
                step.next,
                None,
            ));
            task.push_str(&self.lit(w.go_on));
            post_actions.push(Action::handler("callc_continue"));
        }
        let mut pre_actions = vec![Action::callc(meta)];
        for line in step.lines.iter().filter(|l| !l.is_blank()) {
            pre_actions.push(Action::say(self.filled(line)));
        }
        Node {
            role_message: None,
            task_messages: message(task),
            functions,
            pre_actions,
            post_actions,
            respond_immediately: false,
        }
    }

    /// An end node: the closing, then `end_conversation`.
    fn end(&self, e: Option<usize>) -> Node {
        let mut meta = Meta::new(self.names.name(Name::End(e)), "end");
        meta.condition = Some(Condition(e.map(|e| self.spec.ends[e].id.clone())));
        let mut pre_actions = vec![Action::callc(meta)];
        if !self.spec.closing.is_blank() {
            pre_actions.push(Action::say(self.filled(&self.spec.closing)));
        }
        pre_actions.push(Action::plain("end_conversation"));
        Node {
            role_message: None,
            task_messages: message(self.lit(self.words.end)),
            functions: Vec::new(),
            pre_actions,
            post_actions: Vec::new(),
            respond_immediately: false,
        }
    }

    /// A transfer node: its line, then `callc_transfer` hands the call over
    /// (or goes on at the fallback when it fails).
    fn transfer(&self, t: usize) -> Node {
        let transfer = &self.spec.transfers[t];
        let mut meta = Meta::new(self.names.name(Name::Transfer(t)), "transfer");
        meta.transfer = Some(TransferMeta {
            id: transfer.id.clone(),
            title: transfer.title.clone(),
            to: transfer.to.as_ref().map(|to| self.filled(to)),
            fallback: self.node(transfer.fallback),
        });
        let mut pre_actions = vec![Action::callc(meta)];
        if !transfer.say.is_blank() {
            pre_actions.push(Action::say(self.filled(&transfer.say)));
        }
        Node {
            role_message: None,
            task_messages: message(self.lit(self.words.transfer)),
            functions: Vec::new(),
            pre_actions,
            post_actions: vec![Action::handler("callc_transfer")],
            respond_immediately: false,
        }
    }

    /// A function leading to `target`: `transition_only` when nothing but
    /// the move is needed; a direct function (its description and
    /// parameters in the node's metadata) when it takes the captures of
    /// step `captures_of` or a step's visits decide where it leads.
    fn function(
        &self,
        meta: &mut Meta,
        name: String,
        description: String,
        target: Target,
        captures_of: Option<usize>,
    ) -> Function {
        let captures: &[usize] = captures_of.map_or(&[], |i| &self.spec.steps[i].captures);
        let again = captures_of.filter(|_| captures.iter().any(|&c| !self.spec.captures[c].optional));
        if captures.is_empty() && !self.counted(target) {
            return Function::transition(name, description, self.node(target));
        }
        let mut cases = Vec::new();
        self.chain(target, &mut cases);
        if let Some(i) = again {
            self.chain(Target::Step(i), &mut cases);
        }
        let mut properties = Vec::new();
        let mut needed = Vec::new();
        let mut ids = Vec::new();
        for &c in captures {
            let capture = &self.spec.captures[c];
            let key = self.names.name(Name::Capture(c));
            properties.push((key.clone(), self.schema(capture)));
            if !capture.optional {
                needed.push(key.clone());
            }
            ids.push((key, capture.id.clone()));
        }
        meta.functions.0.push((
            name.clone(),
            FunctionMeta {
                description,
                properties: Ordered(properties),
                captures: Ordered(ids),
                needed,
                next: self.node(target),
                again: again.map(|i| self.names.name(Name::Step(i))),
            },
        ));
        Function {
            name,
            transition_only: false,
            description: None,
            transition_to: TransitionTo::Branch {
                field: "next",
                cases: Ordered(cases.into_iter().map(|n| (n.clone(), n)).collect()),
            },
        }
    }

    /// What a signal's function says to the LLM: the signal's description
    /// (else its id), then its examples.
    fn signal_description(&self, s: usize) -> String {
        let w = self.words;
        let signal = &self.spec.signals[s];
        let mut out = match &signal.description {
            Some(d) if !d.is_blank() => plain(d, self.names),
            _ => format!("{}{}", w.signal, signal.id),
        };
        if !signal.examples.is_empty() {
            if !out.ends_with(|c: char| SENTENCE_ENDS.contains(&c)) {
                out.push_str(w.full_stop);
            }
            out.push_str(w.examples[0]);
            let quoted: Vec<String> = signal
                .examples
                .iter()
                .map(|e| format!("{}{e}{}", w.examples[1], w.examples[2]))
                .collect();
            out.push_str(&quoted.join(w.examples[3]));
        }
        out
    }

    /// The JSON Schema of a capture's parameter.
    fn schema(&self, capture: &ir::Capture) -> Schema {
        let w = self.words;
        let mut s = Schema {
            kind: "string",
            format: None,
            pattern: None,
            values: None,
            minimum: None,
            maximum: None,
            description: capture.description.clone(),
        };
        match &capture.kind {
            ValueType::Text => {}
            ValueType::Number => s.kind = "number",
            ValueType::Integer { min, max } => {
                s.kind = "integer";
                s.minimum = *min;
                s.maximum = *max;
            }
            ValueType::Percent => {
                s.kind = "number";
                s.description.push_str(w.percent[0]);
                s.description.push_str(w.percent[1]);
            }
            ValueType::Money { currency } => {
                s.kind = "number";
                s.description.push_str(w.money[0]);
                s.description.push_str(currency);
                s.description.push_str(w.money[1]);
            }
            ValueType::Date => {
                s.format = Some("date");
                s.pattern = Some(DATE_PATTERN);
            }
            ValueType::Time => s.pattern = Some(TIME_PATTERN),
            ValueType::Phone => s.pattern = Some(PHONE_PATTERN),
            ValueType::Email => {
                s.format = Some("email");
                s.pattern = Some(EMAIL_PATTERN);
            }
            ValueType::YesNo => s.kind = "boolean",
            ValueType::OneOf(words) => s.values = Some(words.clone()),
        }
        s
    }
}

/// `date`: `YYYY-MM-DD`, month 01–12, day 01–31.
const DATE_PATTERN: &str = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";
/// `time`: `HH:MM`, 24-hour.
const TIME_PATTERN: &str = "^([01][0-9]|2[0-3]):[0-5][0-9]$";
/// `phone`: `+` and 6 to 15 digits (the shape of E.164).
const PHONE_PATTERN: &str = "^[+][0-9]{6,15}$";
/// `email`: something, `@`, something with a dot, no spaces.
const EMAIL_PATTERN: &str = "^[^@ ]+@[^@ ]+[.][^@ ]+$";

// ---------------------------------------------------------------------------
// The serde model of the file. Field order is output order.

/// A map that keeps insertion order.
#[derive(Debug)]
struct Ordered<V>(Vec<(String, V)>);

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<V: Serialize> Serialize for Ordered<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<V> Ordered<V> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `pipecat.flows.FlowConfig` (`global_functions` left out: global branches
/// are written into every node).
#[derive(Serialize)]
struct FlowConfig {
    initial_node: String,
    nodes: Ordered<Node>,
}

/// `FlowConfig.Node`.
#[derive(Serialize)]
struct Node {
    #[serde(skip_serializing_if = "Option::is_none")]
    role_message: Option<String>,
    task_messages: Vec<Message>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    functions: Vec<Function>,
    pre_actions: Vec<Action>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    post_actions: Vec<Action>,
    respond_immediately: bool,
}

/// `FlowConfig.Message`.
#[derive(Serialize)]
struct Message {
    role: &'static str,
    content: String,
}

/// `FlowConfig.Function`.
#[derive(Serialize)]
struct Function {
    name: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    transition_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    transition_to: TransitionTo,
}

impl Function {
    fn transition(name: String, description: String, node: String) -> Self {
        Self {
            name,
            transition_only: true,
            description: Some(description),
            transition_to: TransitionTo::Node(node),
        }
    }
}

/// A node's name, or `FlowConfig.Branch` on a field of a direct function's result.
#[derive(Serialize)]
#[serde(untagged)]
enum TransitionTo {
    Node(String),
    Branch {
        field: &'static str,
        cases: Ordered<String>,
    },
}

/// `FlowConfig.Action`: `tts_say`, `end_conversation`, or a custom action
/// naming its handler (`callc`, with its data; `callc_continue`; `callc_transfer`).
#[derive(Serialize)]
struct Action {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    handler: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    meta: Option<Meta>,
}

impl Action {
    fn say(text: String) -> Self {
        Self {
            kind: "tts_say",
            handler: None,
            text: Some(text),
            meta: None,
        }
    }

    fn plain(kind: &'static str) -> Self {
        Self {
            kind,
            handler: None,
            text: None,
            meta: None,
        }
    }

    fn handler(name: &'static str) -> Self {
        Self {
            kind: name,
            handler: Some(name),
            text: None,
            meta: None,
        }
    }

    fn callc(meta: Meta) -> Self {
        Self {
            meta: Some(meta),
            ..Self::handler("callc")
        }
    }
}

/// The data of a node's `callc` action (docs/targets/pipecat.md, "The
/// `callc` action").
#[derive(Serialize)]
struct Meta {
    node: String,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    step: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    condition: Option<Condition>,
    #[serde(skip_serializing_if = "Option::is_none")]
    transfer: Option<TransferMeta>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retry: Option<RetryMeta>,
    #[serde(skip_serializing_if = "Ordered::is_empty")]
    on: Ordered<String>,
    #[serde(skip_serializing_if = "Ordered::is_empty")]
    functions: Ordered<FunctionMeta>,
    #[serde(skip_serializing_if = "Option::is_none")]
    call: Option<CallMeta>,
}

impl Meta {
    fn new(node: String, kind: &'static str) -> Self {
        Self {
            node,
            kind,
            step: None,
            condition: None,
            transfer: None,
            retry: None,
            on: Ordered::default(),
            functions: Ordered::default(),
            call: None,
        }
    }
}

/// An end node's condition: its id, or `null` for a plain `end`.
#[derive(Serialize)]
#[serde(transparent)]
struct Condition(Option<String>);

#[derive(Serialize)]
struct RetryMeta {
    runs: u32,
    then: String,
}

#[derive(Serialize)]
struct TransferMeta {
    id: String,
    title: Option<String>,
    to: Option<String>,
    fallback: String,
}

/// A direct function: what the LLM is told, what it records, and where it
/// leads. No parameter is `required` for the LLM: a reply that lacks a
/// needed value still calls `reply`, which asks the step again (and so
/// counts towards its `retry`).
#[derive(Serialize)]
struct FunctionMeta {
    description: String,
    properties: Ordered<Schema>,
    #[serde(skip_serializing_if = "Ordered::is_empty")]
    captures: Ordered<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    needed: Vec<String>,
    next: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    again: Option<String>,
}

/// The JSON Schema of a capture.
#[derive(Serialize)]
struct Schema {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pattern: Option<&'static str>,
    #[serde(rename = "enum", skip_serializing_if = "Option::is_none")]
    values: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    minimum: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    maximum: Option<i64>,
    description: String,
}

/// The call, on the initial node's `callc` action.
#[derive(Serialize)]
struct CallMeta {
    format: u32,
    id: String,
    title: Option<String>,
    locale: String,
    generated: String,
    first_speaker: &'static str,
    silence_timeout: u32,
    vars: Vec<VarMeta>,
    start: Ordered<String>,
    /// Each signal's function, by the signal's id.
    signals: Ordered<String>,
}

#[derive(Serialize)]
struct VarMeta {
    name: String,
    id: String,
    #[serde(rename = "type")]
    kind: String,
    need: &'static str,
    default: Option<String>,
    pii: bool,
    description: Option<String>,
}
