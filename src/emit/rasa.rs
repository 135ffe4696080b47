//! The `rasa` target: a checked [`ir::Spec`](crate::ir::Spec) → a Rasa Pro
//! CALM project directory (`config.yml`, `domain.yml`, `data/flows.yml`,
//! `data/faq.yml`, `data/nlu.yml`, `data/patterns.yml`) that Rasa's own
//! validator accepts and that runs the call as the spec says.
//!
//! Pure: [`emit`] returns the files with paths relative to the project
//! directory. The call becomes one flow whose steps, `next` and branches
//! mirror the spec's flow graph edge for edge: every step that waits says
//! its last line as the question of a `collect` of one categorical slot,
//! whose value (the signal the callee's reply gives, or the event `silence`
//! or `voicemail`) picks the branch; a `continue` step says its lines and
//! goes on. A callee-first call waits silently (`ANSWER`) before the
//! opening. Retries count visits in a float slot and check them with `>=`
//! conditions in front of the step; captures are typed slots checked after
//! the reply; a transfer says its line and links to Rasa's
//! `pattern_human_handoff`, which comes back to the call's fallback when it
//! fails. Each FAQ entry is a small flow that interrupts the call and lets
//! it go on where it was; `pattern_session_start` places the call. The
//! mapping, construct by construct, is `docs/targets/rasa.md`.
//!
//! Every Rasa name comes from [`Names::name`] (ASCII, through
//! [`AsciiNames`], so ids that transliterate alike never collide), every
//! file is written by [`yaml`] from serde structs, every free text goes
//! through one quoting decision (`Text`), every response text through
//! [`response_text`], every text of an LLM prompt (descriptions) through
//! [`prompt_text`] and every NLU example through [`nlu_example`]. Lists
//! keep source order and no map is a `HashMap`, so the output is
//! byte-for-byte deterministic.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::OutputFile;
use crate::ir;
use crate::ir::graph::FlowGraph;
use crate::names::{AsciiNames, transliterate};

/// The Rasa Pro version the output was validated with (`tests/e2e/rasa/`).
pub const RASA_PRO_VERSION: &str = "3.21.0";

/// The slot value that means "the reply gave none of the signals".
const NO_SIGNAL: &str = "no_signal";

/// Every field of the IR and what this target does with it, as patterns the
/// compiler checks: a field added to the IR fails to compile here until the
/// Rasa target says what it does with it (docs/ARCHITECTURE.md, "How to add a
/// statement").
#[rustfmt::skip]
const _: fn(&ir::Spec, &ir::Party, &ir::Style, &ir::Step, &ir::Branch, &ir::Qa, &ir::Concern, &ir::Signal, &ir::EndCondition) = |
    ir::Spec {
        id: _,              // headers, assistant id
        title: _,           // the call flow's description
        locale: _,          // config.yml `language`
        caller: _,          // its task, in the call flow's description
        callees: _,         // not part of a bot: the simulated callees'
        vars: _,            // slots `var_<id>` and `said_<id>`, filled at session start by `actions/` from the session's metadata
        concerns: _,        // not part of a bot: coverage is checked by callc
        signals: _,         // slot `callee_signal`, its values and their descriptions
        first_speaker: _,   // callee: the silent collect `ANSWER` before the opening; the header says which
        silence_timeout: _, // `silence_timeout` of every `collect`
        silence_timeout_explicit: _, // the value is written either way
        opening: _,         // the first action of the call flow (after `ANSWER`)
        steps: _,           // the call flow's steps
        global_branches: _, // through `Spec::branches_at` and `Spec::start_branches`
        faq: _,             // one flow per entry, NLU examples
        ends: _,            // slot `end_condition`
        transfers: _,       // `TRANSFER_<id>` chains, slots `transfer` and `transfer_to`
        captures: _,        // slots `cap_<id>`, checked after their step's reply
        closing: _,         // the last action before the end
    },
    ir::Party {
        id: _,         // not part of a bot
        name: _,       // not part of a bot
        gender: _,     // not part of a bot
        age: _,        // not part of a bot
        org: _,        // not part of a bot
        role: _,       // not part of a bot
        persona: _,    // not part of a bot
        task: _,       // the call flow's description
        knows: _,      // rendered into the lines already
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
        id: _,            // step ids and response names
        title: _,         // not part of a bot
        lines: _,         // responses
        covers: _,        // not part of a bot
        waits: _,         // the last line is a `collect` (waits) or an `action` (goes on)
        captures: _,      // the capture checks after the `collect`
        retry: _,         // slot `visits_<step>` and the `>=` chain at the step's entry
        next: _,          // the default `next`
        next_explicit: _, // the successor is the same either way
        branches: _,      // `next` conditions on slot `callee_signal`
        overrides: _,     // through `Spec::branches_at`
    },
    ir::Branch {
        on: _,     // the condition's value (`hangup` and `no_answer`: the dialer's, not written)
        target: _, // the `next` step
    },
    ir::Qa {
        id: _,        // the FAQ flow's name
        questions: _, // NLU examples and the flow's description
        answer: _,    // the response
        covers: _,    // not part of a bot
    },
    ir::Concern {
        id: _,       // not part of a bot
        steps: _,    // not part of a bot
        faq: _,      // not part of a bot
    },
    ir::Signal {
        id: _,          // a value of slot `callee_signal`
        description: _, // the slot value's description
        examples: _,    // in the slot value's description, after it (the command generator reads them)
    },
    ir::EndCondition {
        id: _,       // a value of slot `end_condition`
        caller: _,   // not part of a bot
        callee: _,   // the callee's
        requires: _, // not part of a bot: checked by callc (W0215); the captures are slots either way
    },
| {};

/// The checklist, continued: the IR of calls that listen.
#[rustfmt::skip]
const _: fn(&ir::Retry, &ir::Capture, &ir::Transfer) = |
    ir::Retry {
        max: _,  // the `>=` chain: 1 + max visits
        then: _, // the chain's first `if`
    },
    ir::Capture {
        id: _,          // slot `cap_<id>`
        kind: _,        // the slot's type and the check of its value
        optional: _,    // a missing or invalid value: go on (optional) or ask again
        description: _, // the description of the slot's `collect`
        step: _,        // where it is checked
    },
    ir::Transfer {
        id: _,       // `TRANSFER_<id>`, a value of slot `transfer`
        title: _,    // not part of a bot (the deployment reads `transfer_to`)
        say: _,      // response `utter_transfer_<id>`
        to: _,       // the value of slot `transfer_to` (else `transfer_<id>`; with variables, set by `action_transfer_to`)
        fallback: _, // where `RETURN` sends the call when the handoff comes back
        requires: _, // not part of a bot: checked by callc (W0215)
    },
| {};

/// The Rasa project files for a checked spec.
#[must_use]
pub fn emit(spec: &ir::Spec) -> Vec<OutputFile> {
    let names = Names::new(spec);
    let plan = Plan::new(spec);
    let call = CallFlow::new(spec, &names, &plan);
    let examples = faq_examples(spec);
    let header = format!(
        "# Generated by callc from call `{}` (target rasa, validated with rasa-pro {RASA_PRO_VERSION}).\n\
         # Do not edit: change the .call file and build again. The mapping: docs/targets/rasa.md in callc.\n",
        spec.id
    );
    let mut files = vec![
        file("config.yml", yaml(&header, &config(spec, &names))),
        file(
            "domain.yml",
            yaml(&header, &domain(spec, &names, &plan, &call, &examples)),
        ),
    ];
    let mut flows_header = header.clone();
    let _ = writeln!(
        flows_header,
        "{}",
        match spec.first_speaker {
            ir::Speaker::Callee => {
                "# First speaker: the callee. `ANSWER` waits silently for their first words before the opening."
            }
            ir::Speaker::Caller => "# First speaker: the caller. The opening is said as soon as the line connects.",
        }
    );
    let graph = FlowGraph::new(spec).reachable();
    let list = |ids: &[&str]| ids.iter().map(|id| format!("`{id}`")).collect::<Vec<_>>().join(", ");
    let unreachable: Vec<&str> = (0..spec.steps.len())
        .filter(|&i| !graph[i])
        .map(|i| spec.steps[i].id.as_str())
        .collect();
    if !unreachable.is_empty() {
        // Rasa rejects a flow step no path reaches; the spec's W0201 warning already names these.
        let _ = writeln!(
            flows_header,
            "# Left out: no path from the first step reaches {} (callc warning W0201).",
            list(&unreachable)
        );
    }
    let dialers: Vec<&str> = (0..spec.steps.len())
        .filter(|&i| graph[i] && !plan.reached[i])
        .map(|i| spec.steps[i].id.as_str())
        .collect();
    if !dialers.is_empty() {
        let _ = writeln!(
            flows_header,
            "# Left out: only `voicemail` leads to {}, and this caller-first call waits for no reply before the steps that could hear it.",
            list(&dialers)
        );
    }
    files.push(file(
        "data/flows.yml",
        yaml(
            &flows_header,
            &FlowsFile {
                version: "3.1",
                flows: Ordered(vec![(names.name(Name::CallFlow), call.flow)]),
            },
        ),
    ));
    if !spec.faq.is_empty() {
        files.push(file("data/faq.yml", yaml(&header, &faq_flows(spec, &names, &examples))));
    }
    if examples.iter().any(|e| !e.is_empty()) {
        files.push(file("data/nlu.yml", yaml(&header, &nlu(&names, &examples))));
    }
    files.push(file("data/patterns.yml", yaml(&header, &patterns(spec, &names, &plan))));
    if !spec.vars.is_empty() {
        files.extend(session_start_files(spec, &names, &header));
    }
    files
}

/// What fills the per-call variables at session start: `endpoints.yml`
/// (Rasa runs the actions of the package `actions` in its own process: no
/// action server), and the package: `session_start.py` (Rasa's session
/// start, then the slots from the session's metadata), `callc_vars.py`
/// (reads, checks and says values as callc does; standard library only)
/// and `vars.json` (the variables).
fn session_start_files(spec: &ir::Spec, names: &Names, header: &str) -> Vec<OutputFile> {
    let vars = VarsFile {
        call: spec.id.clone(),
        language: match spec.language() {
            ir::Language::Chinese => "zh",
            ir::Language::English => "en",
        },
        vars: spec
            .vars
            .iter()
            .enumerate()
            .map(|(v, var)| VarEntry {
                id: var.id.clone(),
                kind: TypeEntry::of(&var.kind),
                need: var.need.word(),
                default: match &var.need {
                    ir::Need::Default(d) => Some(d.clone()),
                    ir::Need::Required | ir::Need::Optional => None,
                },
                example: var.example.clone(),
                pii: var.pii,
                description: var.description.clone(),
                slot: names.name(Name::VarSlot(v)),
                said: names.name(Name::SaidSlot(v)),
            })
            .collect(),
        transfers: spec
            .transfers
            .iter()
            .enumerate()
            .filter_map(|(t, x)| {
                let to = x.to.as_ref().filter(|to| !to.is_lit())?;
                Some(TransferEntry {
                    transfer: names.name(Name::TransferValue(t)),
                    to: to
                        .pieces()
                        .iter()
                        .map(|p| match p {
                            ir::Piece::Lit(s) => ToPiece::Text(s.clone()),
                            ir::Piece::Var(v) => ToPiece::Said(names.name(Name::SaidSlot(v.index))),
                        })
                        .collect(),
                })
            })
            .collect(),
    };
    let json = serde_json::to_string_pretty(&vars).unwrap_or_default();
    vec![
        file(
            "endpoints.yml",
            yaml(
                header,
                &Endpoints {
                    action_endpoint: ActionEndpoint {
                        actions_module: "actions",
                    },
                },
            ),
        ),
        file(
            "actions/__init__.py",
            "\"\"\"The custom actions of this call, which Rasa runs in its own process (`actions_module` in\n\
             endpoints.yml). Generated by callc (target rasa); do not edit.\"\"\"\n"
                .to_owned(),
        ),
        file("actions/session_start.py", SESSION_START_PY.to_owned()),
        file("actions/callc_vars.py", CALLC_VARS_PY.to_owned()),
        file("actions/vars.json", format!("{json}\n")),
    ]
}

/// `actions/session_start.py`: the same for every call.
const SESSION_START_PY: &str = include_str!("rasa/session_start.py");
/// `actions/callc_vars.py`: the same for every call (the call's variables
/// are in `vars.json`).
pub const CALLC_VARS_PY: &str = include_str!("rasa/callc_vars.py");

#[derive(Serialize)]
struct Endpoints {
    action_endpoint: ActionEndpoint,
}

#[derive(Serialize)]
struct ActionEndpoint {
    actions_module: &'static str,
}

/// `actions/vars.json`.
#[derive(Serialize)]
struct VarsFile {
    call: String,
    /// `zh` or `en`: how values are said.
    language: &'static str,
    vars: Vec<VarEntry>,
    /// The destinations that name variables, by the value of slot `transfer`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    transfers: Vec<TransferEntry>,
}

/// A destination naming variables: its literal text and the `said_` slots
/// of its variables, in order.
#[derive(Serialize)]
struct TransferEntry {
    transfer: String,
    to: Vec<ToPiece>,
}

#[derive(Serialize)]
#[serde(rename_all = "lowercase")]
enum ToPiece {
    Text(String),
    Said(String),
}

#[derive(Serialize)]
struct VarEntry {
    id: String,
    #[serde(rename = "type")]
    kind: TypeEntry,
    need: &'static str,
    default: Option<String>,
    example: Option<String>,
    pii: bool,
    description: Option<String>,
    slot: String,
    said: String,
}

/// A value type as `callc_vars.py` reads it: its word and arguments.
#[derive(Serialize)]
struct TypeEntry {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    min: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    values: Option<Vec<String>>,
}

impl TypeEntry {
    fn of(kind: &ir::ValueType) -> Self {
        let mut t = Self {
            kind: kind.word(),
            min: None,
            max: None,
            currency: None,
            values: None,
        };
        match kind {
            ir::ValueType::Integer { min, max } => {
                t.min = *min;
                t.max = *max;
            }
            ir::ValueType::Money { currency } => t.currency = Some(currency.clone()),
            ir::ValueType::OneOf(words) => t.values = Some(words.clone()),
            _ => {}
        }
        t
    }
}

/// What of the spec's flow graph the Rasa flow runs: the places reached
/// through the edges Rasa carries — every edge but those taken on `hangup`
/// and `no_answer`, which the dialer handles (a transfer's fallback is
/// carried: the handoff comes back to it) — where a caller-first call
/// hears `voicemail`, and whether the call branches on `silence`.
struct Plan {
    /// The steps the Rasa flow reaches, by index.
    reached: Vec<bool>,
    /// The transfers it reaches, by index.
    transfers: Vec<bool>,
    /// The end conditions it reaches (`None`: a plain `end`).
    ends: BTreeSet<Option<usize>>,
    /// Where `voicemail` leads, if Rasa can hear it: in the callee's first
    /// words at `ANSWER`, or (caller first) in the reply at `first_turn`.
    voicemail: Option<ir::Target>,
    /// The step of a caller-first call whose reply is the callee's first
    /// words, when the call branches on `voicemail`.
    first_turn: Option<usize>,
    /// Whether a reached step branches on `silence` (then
    /// `pattern_user_silence` sets `callee_signal` to `silence`).
    silence: bool,
}

impl Plan {
    fn new(spec: &ir::Spec) -> Self {
        let n = spec.steps.len();
        let voicemail = spec
            .start_branches()
            .find(|b| b.on == ir::On::Event(ir::Event::Voicemail))
            .map(|b| b.target);
        let first_turn = match spec.first_speaker {
            ir::Speaker::Caller if voicemail.is_some() => first_waiting_step(spec),
            _ => None,
        };
        let heard = if spec.first_speaker == ir::Speaker::Callee || first_turn.is_some() {
            voicemail
        } else {
            None
        };
        let mut plan = Self {
            reached: vec![false; n],
            transfers: vec![false; spec.transfers.len()],
            ends: BTreeSet::new(),
            voicemail: heard,
            first_turn,
            silence: false,
        };
        let mut todo: Vec<ir::Target> = Vec::new();
        if n == 0 {
            plan.ends.insert(None);
        } else {
            todo.push(ir::Target::Step(0));
        }
        if spec.first_speaker == ir::Speaker::Callee {
            todo.extend(heard);
        }
        while let Some(t) = todo.pop() {
            match t {
                ir::Target::Step(i) if !plan.reached[i] => {
                    plan.reached[i] = true;
                    todo.extend(carried_targets(spec, &plan, i));
                }
                ir::Target::Transfer(k) if !plan.transfers[k] => {
                    plan.transfers[k] = true;
                    todo.push(spec.transfers[k].fallback);
                }
                ir::Target::End(e) => {
                    plan.ends.insert(e);
                }
                ir::Target::Step(_) | ir::Target::Transfer(_) => {}
            }
        }
        plan.silence =
            (0..n).any(|i| plan.reached[i] && spec.branches_at(i).any(|b| b.on == ir::On::Event(ir::Event::Silence)));
        plan
    }
}

/// Whether the Rasa flow writes a branch: every one but those on `hangup`
/// and `no_answer`, which the dialer handles (docs/targets/rasa.md,
/// "Telephony events").
fn carried(b: &ir::Branch) -> bool {
    !matches!(b.on, ir::On::Event(ir::Event::Hangup | ir::Event::NoAnswer))
}

/// Where the Rasa flow can go from step `i`: its successor, the branches it
/// carries, where its retries lead when spent and, at the first turn of a
/// caller-first call, `voicemail`.
fn carried_targets<'a>(spec: &'a ir::Spec, plan: &Plan, i: usize) -> impl Iterator<Item = ir::Target> + 'a {
    let voicemail = if plan.first_turn == Some(i) {
        plan.voicemail
    } else {
        None
    };
    std::iter::once(spec.steps[i].next)
        .chain(spec.branches_at(i).filter(|b| carried(b)).map(|b| b.target))
        .chain(spec.steps[i].retry.map(|r| r.then))
        .chain(voicemail)
}

/// The first step that waits for a reply, following the successors of
/// `continue` steps from the first step.
fn first_waiting_step(spec: &ir::Spec) -> Option<usize> {
    let mut seen = vec![false; spec.steps.len()];
    let mut i = 0;
    while !spec.steps.is_empty() && !seen[i] {
        seen[i] = true;
        if spec.steps[i].waits {
            return Some(i);
        }
        i = spec.steps[i].next.step()?;
    }
    None
}

fn file(path: &str, contents: String) -> OutputFile {
    OutputFile {
        path: PathBuf::from(path),
        contents,
    }
}

/// Writes a serde value as one YAML document after a comment header: the
/// only way this target produces YAML. serde-saphyr quotes every string
/// that would otherwise read back as another type or another string (`yes`,
/// `1_000`, `2026-11-24`, `: `, ` #`, leading spaces, control characters…),
/// writes multi-line strings as literal blocks and printable Unicode as
/// UTF-8, never as `\u` escapes.
#[must_use]
pub fn yaml<T: Serialize>(header: &str, value: &T) -> String {
    let options = serde_saphyr::ser_options! {
        compact_list_indent: false,
        // Long lines stay on one line: no folded (`>`) scalars, whose reading depends on spaces at the folds.
        folded_wrap_chars: usize::MAX,
    };
    match serde_saphyr::to_string_with_options(value, options) {
        Ok(body) => format!("{header}{body}"),
        // Not reachable with this module's types; a file with no content fails Rasa's validation.
        Err(e) => format!("{header}# callc could not write this file: {e}\n"),
    }
}

/// The one escaping function of response texts: the text that makes Rasa
/// say `text`.
///
/// Rasa fills `{name}` in response texts from slots (Python `str.format`
/// rules), so a literal brace would be replaced or make the response fail;
/// doubled, `{{`/`}}` come out as one brace whatever is between them. Rasa's
/// validator also rejects any response matching `{\s*}` (an empty pair,
/// doubled or not), and `str.format` has no escape that avoids it; so a `{`
/// followed by whitespace and `}` (or by a word joiner) gets an invisible
/// U+2060 WORD JOINER after it, which Rasa passes through and speech
/// ignores: `{}` is written `{{\u{2060}}}` and said `{\u{2060}}`. Undo: one
/// U+2060 right after each `{`. Text without braces is returned unchanged.
#[must_use]
pub fn response_text(text: &str) -> String {
    // Python's `\s` on `str`: Unicode White_Space and U+001C–U+001F.
    let python_space = |c: char| c.is_whitespace() || ('\u{1C}'..='\u{1F}').contains(&c);
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        match c {
            '{' => {
                out.push_str("{{");
                let rest = &text[i + 1..];
                if rest.starts_with('\u{2060}') || rest.trim_start_matches(python_space).starts_with('}') {
                    out.push('\u{2060}');
                }
            }
            '}' => out.push_str("}}"),
            c => out.push(c),
        }
    }
    out
}

/// The one escaping function of text in an LLM prompt (a `description`,
/// which Rasa's command generator reads as lines of a list): every line
/// break (LF, CR, CRLF, VT, FF, U+0085, U+2028, U+2029) becomes a space, so
/// that no text can start a line of its own (a forged signal bullet).
#[must_use]
pub fn prompt_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if matches!(c, '\n' | '\r' | '\u{B}' | '\u{C}' | '\u{85}' | '\u{2028}' | '\u{2029}') {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// A text of the spec in an LLM prompt ([`prompt_text`]), each per-call
/// variable written as its slot in brackets, `[var_<id>]` (the prompt says
/// what the call is about; the value is the slot's).
fn prompt(text: &ir::Text, names: &Names) -> String {
    prompt_text(&text.render(|v, out| {
        let _ = write!(out, "[{}]", names.name(Name::VarSlot(v.index)));
    }))
}

/// The one escaping function of a response that names variables: a Jinja
/// template (`metadata: {template: jinja}`) that says the literal text
/// exactly and each variable from its `said_` slot, `{{ said_<id> }}`.
///
/// Jinja, not Rasa's default `{slot}` (Python `str.format`): the default
/// gives up on the whole response, and says it with its placeholders, when
/// the text or a value holds `0[` or the text holds a literal brace pair
/// (`interpolate_format_template`). In Jinja only `{` starts markup (`{{`,
/// `{%`, `{#`): each literal `{` is written `{{ '{' }}`. Jinja also reads
/// every CR as a line break and drops one line break at the end of a
/// template: a literal CR is written `{{ '\r' }}`, and a text ending with a
/// line break gets `{{ '' }}` after it.
#[must_use]
pub fn jinja_text(text: &ir::Text, names: &Names) -> String {
    let mut out = String::new();
    for piece in text.pieces() {
        match piece {
            ir::Piece::Lit(s) => {
                for c in s.chars() {
                    match c {
                        '{' => out.push_str("{{ '{' }}"),
                        '\r' => out.push_str("{{ '\\r' }}"),
                        c => out.push(c),
                    }
                }
            }
            ir::Piece::Var(v) => {
                let _ = write!(out, "{{{{ {} }}}}", names.name(Name::SaidSlot(v.index)));
            }
        }
    }
    if out.ends_with('\n') {
        out.push_str("{{ '' }}");
    }
    out
}

/// A free-text string (a response, a description): written by serde-saphyr,
/// double-quoted when [`Text::needs_quotes`] says so.
struct Text(String);

impl Text {
    /// Whether serde-saphyr's own choice (plain, quoted or block) is not
    /// enough: Rasa's YAML reader expands `${NAME}` from the environment in
    /// every plain scalar that contains it (and fails when `NAME` is unset);
    /// a quoted scalar is read as written.
    fn needs_quotes(text: &str) -> bool {
        text.contains("${")
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if Self::needs_quotes(&self.0) {
            serde_saphyr::DoubleQuoted(self.0.as_str()).serialize(serializer)
        } else {
            self.0.serialize(serializer)
        }
    }
}

/// What [`Names::name`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name {
    /// The flow of the call: `call_<call>`.
    CallFlow,
    /// The flow answering FAQ entry `qa`: `faq_<qa>`.
    FaqFlow(usize),
    /// The response saying line `line` (0-based) of step `step`: `utter_say_<step>_<line + 1>`.
    Line {
        /// Index of the step.
        step: usize,
        /// Index of the line in the step.
        line: usize,
    },
    /// The response with the answer of FAQ entry `qa`: `utter_faq_<qa>`.
    Answer(usize),
    /// The intent that starts the flow of FAQ entry `qa`: `faq_<qa>`.
    Intent(usize),
    /// The response with the opening line: `utter_opening`.
    Opening,
    /// The response with the closing line: `utter_closing`.
    Closing,
    /// The empty response a step with nothing to say waits for a reply with: `utter_wait`.
    Wait,
    /// The response with the line of transfer `transfer`: `utter_transfer_<transfer>`.
    TransferLine(usize),
    /// The id of the flow step every transition to step `step` jumps to: `<step>`.
    Entry(usize),
    /// The id of the flow step for line `line` of step `step`: `<step>` for
    /// the first (also for a step with no line), `<step>__<line + 1>` after;
    /// in a step with `retry`, whose entry checks the visits, the first is
    /// `<step>__1`.
    StepId {
        /// Index of the step.
        step: usize,
        /// Index of the line in the step.
        line: usize,
    },
    /// The id of the flow step recording visit `visit` (1-based) of step
    /// `step`, which has `retry`: `<step>__v<visit>`.
    VisitId {
        /// Index of the step.
        step: usize,
        /// The visit, from 1.
        visit: u32,
    },
    /// The id of the flow step checking capture `capture` after its step's
    /// reply: `<step>__check_<capture>`.
    CheckId(usize),
    /// The id of the flow step emptying capture `capture` when its value is
    /// not valid: `<step>__drop_<capture>`.
    DropId(usize),
    /// The id of the `collect` of capture `capture`: `<step>__cap_<capture>`.
    CaptureId(usize),
    /// The id of the flow step recording end condition `when`: `END_<when>`.
    EndId(usize),
    /// The id of the first flow step of transfer `transfer`: `TRANSFER_<transfer>`.
    TransferId(usize),
    /// The id of the flow step filling in the destination of transfer
    /// `transfer`, which names a per-call variable: `TRANSFER_<transfer>_TO`.
    TransferToId(usize),
    /// The id of the flow step saying the line of transfer `transfer`: `TRANSFER_<transfer>_SAY`.
    TransferSayId(usize),
    /// The id of the flow step handing transfer `transfer` over: `TRANSFER_<transfer>_HANDOFF`.
    TransferHandoffId(usize),
    /// The id of the flow step going on with the fallback of transfer
    /// `transfer` when the handoff comes back: `TRANSFER_<transfer>_FAILED`.
    TransferFailedId(usize),
    /// The id of the flow step a handoff comes back to: `RETURN`.
    ReturnId,
    /// The id of the flow step waiting for the callee's first words: `ANSWER`.
    AnswerId,
    /// The id of the flow step saying the opening: `OPENING`.
    OpeningId,
    /// The id of the flow step saying the closing: `CLOSING`.
    ClosingId,
    /// The id of the flow step hanging up: `HANGUP`.
    HangupId,
    /// The slot holding the signal of the callee's last reply: `callee_signal`.
    SignalSlot,
    /// Rasa's slot holding how long the callee's silence may last: `silence_timeout`.
    SilenceTimeoutSlot,
    /// The value of [`Name::SignalSlot`] for signal `signal`: `<signal>`.
    SignalValue(usize),
    /// The value of [`Name::SignalSlot`] for a telephony event: `voicemail`, `silence`.
    EventValue(ir::Event),
    /// The value of [`Name::SignalSlot`] when the reply gives no signal: `no_signal`.
    NoSignal,
    /// The slot recording which end condition held: `end_condition`.
    EndSlot,
    /// The value of [`Name::EndSlot`] for end condition `when`: `<when>`.
    EndValue(usize),
    /// The slot recording the transfer handed over: `transfer`.
    TransferSlot,
    /// The value of [`Name::TransferSlot`] for transfer `transfer`: `<transfer>`.
    TransferValue(usize),
    /// The slot holding the destination of the transfer: `transfer_to`.
    TransferToSlot,
    /// The value of [`Name::TransferToSlot`] for a transfer without `to`,
    /// which the deployment maps to a destination: `transfer_<transfer>`.
    TransferPlaceholder(usize),
    /// The slot counting the visits of step `step`, which has `retry`: `visits_<step>`.
    VisitsSlot(usize),
    /// The slot holding capture `capture`: `cap_<capture>`.
    CaptureSlot(usize),
    /// The typed slot holding the value of per-call variable `var`: `var_<var>`.
    VarSlot(usize),
    /// The text slot holding per-call variable `var` as it is said: `said_<var>`.
    SaidSlot(usize),
    /// The project's `assistant_id`: `<call>_<8 hex digits of a hash of the call id>`.
    AssistantId,
}

/// The Rasa names of one spec's ids: one [`AsciiNames`] table per kind of
/// id, one function ([`Names::name`]) for every name the target writes.
#[derive(Debug, Clone)]
pub struct Names {
    call: String,
    call_hash: u32,
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
    captures: AsciiNames,
    capture_ids: Vec<String>,
    capture_steps: Vec<usize>,
    vars: AsciiNames,
    var_ids: Vec<String>,
}

impl Names {
    /// Names every id of the spec.
    #[must_use]
    pub fn new(spec: &ir::Spec) -> Self {
        let step_ids: Vec<String> = spec.steps.iter().map(|s| s.id.clone()).collect();
        let faq_ids: Vec<String> = spec.faq.iter().map(|q| q.id.clone()).collect();
        let signal_ids: Vec<String> = spec.signals.iter().map(|s| s.id.clone()).collect();
        let end_ids: Vec<String> = spec.ends.iter().map(|e| e.id.clone()).collect();
        let transfer_ids: Vec<String> = spec.transfers.iter().map(|t| t.id.clone()).collect();
        let capture_ids: Vec<String> = spec.captures.iter().map(|c| c.id.clone()).collect();
        let var_ids: Vec<String> = spec.vars.iter().map(|v| v.id.clone()).collect();
        // The values of `callee_signal` that are not signals.
        let reserved = [NO_SIGNAL, ir::Event::Voicemail.as_str(), ir::Event::Silence.as_str()];
        Self {
            call: transliterate(&spec.id),
            call_hash: fnv1a(&spec.id),
            steps: AsciiNames::new(step_ids.iter().map(String::as_str), &[]),
            retried: spec.steps.iter().map(|s| s.retry.is_some()).collect(),
            faq: AsciiNames::new(faq_ids.iter().map(String::as_str), &[]),
            signals: AsciiNames::new(signal_ids.iter().map(String::as_str), &reserved),
            ends: AsciiNames::new(end_ids.iter().map(String::as_str), &[]),
            transfers: AsciiNames::new(transfer_ids.iter().map(String::as_str), &[]),
            captures: AsciiNames::new(capture_ids.iter().map(String::as_str), &[]),
            capture_steps: spec.captures.iter().map(|c| c.step).collect(),
            vars: AsciiNames::new(var_ids.iter().map(String::as_str), &[]),
            var_ids,
            step_ids,
            faq_ids,
            signal_ids,
            end_ids,
            transfer_ids,
            capture_ids,
        }
    }

    /// The Rasa name of `what`: the one naming function of this target.
    ///
    /// Names of one kind never collide: the ASCII forms come from one
    /// [`AsciiNames`] table per kind, and kinds that share a namespace differ
    /// by construction. Response names have distinct prefixes (`utter_say_`,
    /// `utter_faq_`, `utter_transfer_`, and three fixed names); slot names
    /// too (`visits_`, `cap_`, `var_`, `said_`, and four fixed names); flow step ids of a
    /// step are `<step>` and `<step>__<suffix>` (a transliteration never
    /// contains `__`, so the first `__` splits an id back into its step and
    /// the rest; the suffixes are a line number, `v<n>`, or `check_`,
    /// `drop_`, `cap_` and a capture), and every other flow step id has an
    /// upper-case letter, which no transliteration has.
    #[must_use]
    pub fn name(&self, what: Name) -> String {
        let step = |i: usize| self.steps.get(&self.step_ids[i]);
        let capture = |c: usize| (step(self.capture_steps[c]), self.captures.get(&self.capture_ids[c]));
        let transfer = |t: usize| self.transfers.get(&self.transfer_ids[t]);
        match what {
            Name::CallFlow => format!("call_{}", self.call),
            Name::FaqFlow(q) => format!("faq_{}", self.faq.get(&self.faq_ids[q])),
            Name::Line { step: s, line } => format!("utter_say_{}_{}", step(s), line + 1),
            Name::Answer(q) => format!("utter_faq_{}", self.faq.get(&self.faq_ids[q])),
            Name::Intent(q) => format!("faq_{}", self.faq.get(&self.faq_ids[q])),
            Name::Opening => "utter_opening".to_owned(),
            Name::Closing => "utter_closing".to_owned(),
            Name::Wait => "utter_wait".to_owned(),
            Name::TransferLine(t) => format!("utter_transfer_{}", transfer(t)),
            Name::Entry(s) => step(s),
            Name::StepId { step: s, line: 0 } if !self.retried[s] => step(s),
            Name::StepId { step: s, line } => format!("{}__{}", step(s), line + 1),
            Name::VisitId { step: s, visit } => format!("{}__v{visit}", step(s)),
            Name::CheckId(c) => {
                let (s, c) = capture(c);
                format!("{s}__check_{c}")
            }
            Name::DropId(c) => {
                let (s, c) = capture(c);
                format!("{s}__drop_{c}")
            }
            Name::CaptureId(c) => {
                let (s, c) = capture(c);
                format!("{s}__cap_{c}")
            }
            Name::EndId(e) => format!("END_{}", self.ends.get(&self.end_ids[e])),
            Name::TransferId(t) => format!("TRANSFER_{}", transfer(t)),
            Name::TransferToId(t) => format!("TRANSFER_{}_TO", transfer(t)),
            Name::TransferSayId(t) => format!("TRANSFER_{}_SAY", transfer(t)),
            Name::TransferHandoffId(t) => format!("TRANSFER_{}_HANDOFF", transfer(t)),
            Name::TransferFailedId(t) => format!("TRANSFER_{}_FAILED", transfer(t)),
            Name::ReturnId => "RETURN".to_owned(),
            Name::AnswerId => "ANSWER".to_owned(),
            Name::OpeningId => "OPENING".to_owned(),
            Name::ClosingId => "CLOSING".to_owned(),
            Name::HangupId => "HANGUP".to_owned(),
            Name::SignalSlot => "callee_signal".to_owned(),
            Name::SilenceTimeoutSlot => "silence_timeout".to_owned(),
            Name::SignalValue(s) => self.signals.get(&self.signal_ids[s]),
            Name::EventValue(e) => e.as_str().to_owned(),
            Name::NoSignal => NO_SIGNAL.to_owned(),
            Name::EndSlot => "end_condition".to_owned(),
            Name::EndValue(e) => self.ends.get(&self.end_ids[e]),
            Name::TransferSlot => "transfer".to_owned(),
            Name::TransferValue(t) => transfer(t),
            Name::TransferToSlot => "transfer_to".to_owned(),
            Name::TransferPlaceholder(t) => format!("transfer_{}", transfer(t)),
            Name::VisitsSlot(s) => format!("visits_{}", step(s)),
            Name::CaptureSlot(c) => format!("cap_{}", self.captures.get(&self.capture_ids[c])),
            Name::VarSlot(v) => format!("var_{}", self.vars.get(&self.var_ids[v])),
            Name::SaidSlot(v) => format!("said_{}", self.vars.get(&self.var_ids[v])),
            Name::AssistantId => format!("{}_{:08x}", self.call, self.call_hash),
        }
    }

    /// The id of the flow step a transition to `target` jumps to.
    fn target(&self, target: ir::Target) -> String {
        match target {
            ir::Target::Step(i) => self.name(Name::Entry(i)),
            ir::Target::End(None) => self.name(Name::ClosingId),
            ir::Target::End(Some(e)) => self.name(Name::EndId(e)),
            ir::Target::Transfer(t) => self.name(Name::TransferId(t)),
        }
    }

    /// The value of [`Name::SignalSlot`] a branch is taken on (not `hangup`
    /// nor `no_answer`, which the flow does not carry).
    fn on_value(&self, on: ir::On) -> String {
        match on {
            ir::On::Signal(s) => self.name(Name::SignalValue(s)),
            ir::On::Event(e) => self.name(Name::EventValue(e)),
        }
    }

    /// The `if` condition of a branch taken on `value` of [`Name::SignalSlot`].
    fn condition(&self, value: &str) -> String {
        format!("slots.{} is \"{value}\"", self.name(Name::SignalSlot))
    }
}

/// FNV-1a (32 bits) of the UTF-8 bytes: a stable, dependency-free hash that
/// keeps the `assistant_id` of two calls apart when their ids transliterate alike.
fn fnv1a(s: &str) -> u32 {
    s.bytes()
        .fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

/// The most branch conditions the Rasa target writes: Rasa has no branch
/// "at any step", so each waiting step lists every global branch in force
/// at it, and steps × global branches can outgrow any project Rasa loads.
pub const MAX_CONDITIONS: usize = 1_000_000;

/// How many `if` conditions the flow would have, at most: every branch in
/// force at every step (global branches counted at each step that does not
/// override them), plus one per step for `silence`, the visit checks of
/// retries (at most 10 a step) and the checks of captures (2 each). O(steps).
#[must_use]
pub fn conditions(spec: &ir::Spec) -> usize {
    let globals = spec.global_branches.len();
    spec.steps
        .iter()
        .map(|s| {
            s.branches.len() + globals - s.overrides.len()
                + 1
                + s.retry.map_or(0, |r| usize::from(r.max) + 1)
                + 2 * s.captures.len()
        })
        .sum()
}

// ---------------------------------------------------------------------------
// The serde model of the files. Field order is output order.

/// A map that keeps insertion order (serde-saphyr writes maps in the order given).
struct Ordered<V>(Vec<(String, V)>);

impl<V: Serialize> Serialize for Ordered<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct Config {
    recipe: &'static str,
    language: String,
    assistant_id: String,
    pipeline: Vec<Component>,
    policies: Vec<Policy>,
}

#[derive(Serialize)]
struct Component {
    name: &'static str,
    flow_retrieval: FlowRetrieval,
}

#[derive(Serialize)]
struct FlowRetrieval {
    active: bool,
}

#[derive(Serialize)]
struct Policy {
    name: &'static str,
}

#[derive(Serialize)]
struct Domain {
    version: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    intents: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    actions: Vec<String>,
    #[serde(skip_serializing_if = "Ordered::is_empty")]
    slots: Ordered<Slot>,
    responses: Ordered<Vec<Response>>,
}

impl<V> Ordered<V> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[derive(Serialize)]
struct Slot {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    values: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    initial_value: Option<SlotValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_value: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_value: Option<i64>,
    mappings: Vec<Mapping>,
}

impl Slot {
    /// A slot of `kind` filled by the LLM from the callee's words.
    fn from_llm(kind: &'static str, values: Vec<String>) -> Self {
        Self {
            kind,
            values,
            initial_value: None,
            min_value: None,
            max_value: None,
            mappings: vec![Mapping { kind: "from_llm" }],
        }
    }

    /// A slot of `kind` set only by the flow's `set_slots` steps.
    fn controlled(kind: &'static str, values: Vec<String>) -> Self {
        Self {
            mappings: vec![Mapping { kind: "controlled" }],
            ..Self::from_llm(kind, values)
        }
    }
}

#[derive(Serialize)]
struct Mapping {
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct Response {
    text: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<ResponseMetadata>,
}

/// `metadata: {template: jinja}`: the response is a Jinja template.
#[derive(Serialize)]
struct ResponseMetadata {
    template: &'static str,
}

impl Response {
    /// The response that says `text`: as written, braces doubled
    /// ([`response_text`]), when it names no variable; otherwise a Jinja
    /// template ([`jinja_text`]) saying each variable from its `said_` slot.
    fn new(text: &ir::Text, names: &Names) -> Self {
        match text.as_lit() {
            Some(lit) => Self {
                text: Text(response_text(lit)),
                metadata: None,
            },
            None => Self {
                text: Text(jinja_text(text, names)),
                metadata: Some(ResponseMetadata { template: "jinja" }),
            },
        }
    }
}

#[derive(Serialize)]
struct FlowsFile {
    version: &'static str,
    flows: Ordered<Flow>,
}

#[derive(Serialize)]
struct Flow {
    description: Text,
    #[serde(rename = "if", skip_serializing_if = "Option::is_none")]
    guard: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    run_pattern_completed: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    persisted_slots: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    nlu_trigger: Vec<Trigger>,
    steps: Vec<Step>,
}

#[derive(Serialize)]
struct Trigger {
    intent: String,
}

#[derive(Serialize)]
struct NluFile {
    version: &'static str,
    nlu: Vec<IntentExamples>,
}

#[derive(Serialize)]
struct IntentExamples {
    intent: String,
    examples: Vec<Example>,
}

#[derive(Serialize)]
struct Example {
    text: Text,
}

/// One flow step; exactly one of `action`, `collect`, `set_slots`, `link`, `noop` is set.
#[derive(Serialize, Default)]
struct Step {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    collect: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    set_slots: Option<Vec<Ordered<SlotValue>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    link: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    noop: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    utter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ask_before_filling: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    silence_timeout: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Text>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    rejections: Vec<Rejection>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<Next>,
}

/// A value a `set_slots` step gives a slot.
enum SlotValue {
    Text(String),
    Number(u32),
    Float(f64),
    Bool(bool),
    /// Empties the slot.
    Null,
}

impl Serialize for SlotValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            SlotValue::Text(t) => Text(t.clone()).serialize(serializer),
            SlotValue::Number(n) => serializer.serialize_u32(*n),
            SlotValue::Float(x) => serializer.serialize_f64(*x),
            SlotValue::Bool(b) => serializer.serialize_bool(*b),
            SlotValue::Null => serializer.serialize_none(),
        }
    }
}

/// A `set_slots` step setting one slot.
fn set_slot(id: String, slot: String, value: SlotValue, next: Option<Next>) -> Step {
    Step {
        id: Some(id),
        set_slots: Some(vec![Ordered(vec![(slot, value)])]),
        next,
        ..Step::default()
    }
}

/// A check of a `collect`'s value: when `condition` holds, the value is
/// emptied, `utter` said and the question asked again.
#[derive(Serialize)]
struct Rejection {
    #[serde(rename = "if")]
    condition: String,
    utter: String,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Next {
    /// Go to this step id (or `END`).
    To(String),
    /// The first `if` that holds, else the `else`.
    Branches(Vec<Branch>),
}

#[derive(Serialize)]
#[serde(untagged)]
enum Branch {
    If {
        #[serde(rename = "if")]
        condition: String,
        then: String,
    },
    Else {
        #[serde(rename = "else")]
        otherwise: String,
    },
}

// ---------------------------------------------------------------------------
// The files.

fn config(spec: &ir::Spec, names: &Names) -> Config {
    // Rasa takes BCP 47; its language is the primary subtag (`zh-CN` → `zh`).
    let language = ir::primary_language(&spec.locale);
    Config {
        recipe: "default.v1",
        language,
        assistant_id: names.name(Name::AssistantId),
        pipeline: vec![Component {
            name: "CompactLLMCommandGenerator",
            // A handful of flows fit in the prompt: no embeddings needed to pick among them.
            flow_retrieval: FlowRetrieval { active: false },
        }],
        policies: vec![Policy { name: "FlowPolicy" }],
    }
}

/// The flow of the call, with what the domain needs to know about it.
struct CallFlow {
    flow: Flow,
    /// Responses used for step lines, in flow order: (name, text).
    lines: Vec<(String, ir::Text)>,
    uses_wait: bool,
    uses_signal: bool,
}

/// `e-mail`: something, `@`, something with a dot, no spaces (no backslash:
/// Rasa's condition language keeps it as written, so `\.` would be two characters).
const EMAIL_PATTERN: &str = "^[^@ ]+@[^@ ]+[.][^@ ]+$";
/// `phone`: `+` and 6 to 15 digits (the shape of E.164).
const PHONE_PATTERN: &str = "^[+][0-9]{6,15}$";
/// `time`: `HH:MM` or `H:MM`, 24-hour.
const TIME_PATTERN: &str = "^([01]?[0-9]|2[0-3]):[0-5][0-9]$";
/// `date`: `YYYY-MM-DD`, month 01–12, day 01–31.
const DATE_PATTERN: &str = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

impl CallFlow {
    fn new(spec: &ir::Spec, names: &Names, plan: &Plan) -> Self {
        let mut flow = Self {
            flow: Flow {
                description: Text(String::new()),
                guard: Some(false),
                run_pattern_completed: Some(false),
                persisted_slots: Vec::new(),
                nlu_trigger: Vec::new(),
                steps: Vec::new(),
            },
            lines: Vec::new(),
            uses_wait: false,
            uses_signal: false,
        };
        // Where the call begins: the first flow step after `RETURN`.
        let begin = if spec.first_speaker == ir::Speaker::Callee {
            names.name(Name::AnswerId)
        } else if spec.opening.is_some() {
            names.name(Name::OpeningId)
        } else if spec.steps.is_empty() {
            names.name(Name::ClosingId)
        } else {
            names.name(Name::Entry(0))
        };
        let transfers: Vec<usize> = (0..spec.transfers.len()).filter(|&t| plan.transfers[t]).collect();
        if !transfers.is_empty() {
            // A handoff that comes back (the transfer failed) starts the call flow again here.
            let mut next: Vec<Branch> = transfers
                .iter()
                .map(|&t| Branch::If {
                    condition: format!(
                        "slots.{} is \"{}\"",
                        names.name(Name::TransferSlot),
                        names.name(Name::TransferValue(t))
                    ),
                    then: names.name(Name::TransferFailedId(t)),
                })
                .collect();
            next.push(Branch::Else {
                otherwise: begin.clone(),
            });
            flow.flow.steps.push(Step {
                id: Some(names.name(Name::ReturnId)),
                noop: Some(true),
                next: Some(Next::Branches(next)),
                ..Step::default()
            });
        }
        if spec.first_speaker == ir::Speaker::Callee {
            let after = if spec.opening.is_some() {
                names.name(Name::OpeningId)
            } else if spec.steps.is_empty() {
                names.name(Name::ClosingId)
            } else {
                names.name(Name::Entry(0))
            };
            let mut next = Vec::new();
            if let Some(t) = plan.voicemail {
                next.push(Branch::If {
                    condition: names.condition(&names.name(Name::EventValue(ir::Event::Voicemail))),
                    then: names.target(t),
                });
            }
            flow.uses_signal = true;
            flow.uses_wait = true;
            flow.flow.steps.push(Step {
                id: Some(names.name(Name::AnswerId)),
                collect: Some(names.name(Name::SignalSlot)),
                utter: Some(names.name(Name::Wait)),
                ask_before_filling: Some(true),
                silence_timeout: Some(spec.silence_timeout),
                description: Some(Text(answer_description(names, plan.voicemail.is_some()))),
                next: Some(branches(next, after)),
                ..Step::default()
            });
        }
        if spec.opening.is_some() {
            flow.flow.steps.push(Step {
                id: Some(names.name(Name::OpeningId)),
                action: Some(names.name(Name::Opening)),
                // An empty flow has no first step to fall through to.
                next: spec.steps.is_empty().then(|| Next::To(names.name(Name::ClosingId))),
                ..Step::default()
            });
        }
        for i in 0..spec.steps.len() {
            if plan.reached[i] {
                flow.step(spec, names, plan, i);
            }
        }
        flow.ends_and_transfers(spec, names, plan, &transfers);
        let mut description = format!("The outbound call `{}`", spec.id);
        if let Some(title) = &spec.title {
            let _ = write!(description, ": {}", prompt_text(title));
        }
        description.push('.');
        if let Some(task) = &spec.caller.task {
            let _ = write!(description, " Task of the caller: {}", prompt(task, names));
        }
        // Started only by `pattern_session_start` (data/patterns.yml), never by the LLM;
        // after the closing the call hangs up: no "anything else?" prompt.
        flow.flow.description = Text(description);
        flow.flow.persisted_slots = persisted_slots(spec, names, plan);
        flow
    }

    /// The flow steps of step `i`: the visit checks of its `retry`, its
    /// lines, the `collect` of the reply (a step that waits) and the checks
    /// of its captures.
    fn step(&mut self, spec: &ir::Spec, names: &Names, plan: &Plan, i: usize) {
        let step = &spec.steps[i];
        let steps = &mut self.flow.steps;
        let id = |line: usize| names.name(Name::StepId { step: i, line });
        if let Some(r) = step.retry {
            // Every edge into the step lands on the check of its visits.
            let visits = names.name(Name::VisitsSlot(i));
            let runs = u32::from(r.max) + 1;
            let mut next = vec![Branch::If {
                condition: format!("slots.{visits} >= {runs}"),
                then: names.target(r.then),
            }];
            for k in (1..runs).rev() {
                next.push(Branch::If {
                    condition: format!("slots.{visits} >= {k}"),
                    then: names.name(Name::VisitId { step: i, visit: k + 1 }),
                });
            }
            next.push(Branch::Else {
                otherwise: names.name(Name::VisitId { step: i, visit: 1 }),
            });
            steps.push(Step {
                id: Some(names.name(Name::Entry(i))),
                noop: Some(true),
                next: Some(Next::Branches(next)),
                ..Step::default()
            });
            for k in 1..=runs {
                steps.push(set_slot(
                    names.name(Name::VisitId { step: i, visit: k }),
                    visits.clone(),
                    SlotValue::Number(k),
                    Some(Next::To(id(0))),
                ));
            }
        }
        let n = step.lines.len();
        // Each line is said in turn; a step that waits says its last line as the question
        // of a `collect`, so the call waits for the reply and branches on it.
        let said = if step.waits { n.saturating_sub(1) } else { n };
        for (k, text) in step.lines.iter().enumerate().take(said) {
            let name = names.name(Name::Line { step: i, line: k });
            self.lines.push((name.clone(), text.clone()));
            steps.push(Step {
                id: Some(id(k)),
                action: Some(name),
                ..Step::default()
            });
        }
        if !step.waits {
            let default = Next::To(names.target(step.next));
            match steps.last_mut() {
                Some(last) if n > 0 => last.next = Some(default),
                _ => steps.push(Step {
                    id: Some(id(0)),
                    noop: Some(true),
                    next: Some(default),
                    ..Step::default()
                }),
            }
            return;
        }
        self.uses_signal = true;
        let question = if n == 0 {
            self.uses_wait = true;
            names.name(Name::Wait)
        } else {
            let name = names.name(Name::Line { step: i, line: n - 1 });
            self.lines.push((name.clone(), step.lines[n - 1].clone()));
            name
        };
        let collect_id = id(n.saturating_sub(1));
        let mut next = Vec::new();
        let voicemail = if plan.first_turn == Some(i) {
            plan.voicemail
        } else {
            None
        };
        if let Some(t) = voicemail {
            next.push(Branch::If {
                condition: names.condition(&names.name(Name::EventValue(ir::Event::Voicemail))),
                then: names.target(t),
            });
        }
        let mut silence = false;
        for b in spec.branches_at(i).filter(|b| carried(b)) {
            silence |= b.on == ir::On::Event(ir::Event::Silence);
            next.push(Branch::If {
                condition: names.condition(&names.on_value(b.on)),
                then: names.target(b.target),
            });
        }
        if plan.silence && !silence {
            // The call branches on silence elsewhere, so `pattern_user_silence` sets the
            // signal; with no branch here, silence asks the question again.
            next.push(Branch::If {
                condition: names.condition(&names.name(Name::EventValue(ir::Event::Silence))),
                then: collect_id.clone(),
            });
        }
        let after = step
            .captures
            .first()
            .map_or_else(|| names.target(step.next), |&c| names.name(Name::CheckId(c)));
        steps.push(Step {
            id: Some(collect_id),
            collect: Some(names.name(Name::SignalSlot)),
            utter: Some(question.clone()),
            // Ask every time: the slot is emptied first, so each reply is judged afresh.
            ask_before_filling: Some(true),
            silence_timeout: Some(spec.silence_timeout),
            description: Some(Text(signal_description(spec, names, i, voicemail.is_some()))),
            next: Some(branches(next, after)),
            ..Step::default()
        });
        for (k, &c) in step.captures.iter().enumerate() {
            let following = step
                .captures
                .get(k + 1)
                .map_or_else(|| names.target(step.next), |&d| names.name(Name::CheckId(d)));
            self.capture(spec, names, c, &question, following);
        }
    }

    /// The flow steps of capture `c`, after its step's reply: a check that
    /// asks again (through the step's entry, so a retry counts it) when a
    /// required value is missing, empties a value that is not valid, and
    /// otherwise passes through the capture's `collect`, which finds the
    /// slot filled and goes on to `following` without asking (Rasa's
    /// `collect` makes the slot one the LLM fills from any reply of the call).
    fn capture(&mut self, spec: &ir::Spec, names: &Names, c: usize, question: &str, following: String) {
        let capture = &spec.captures[c];
        let slot = names.name(Name::CaptureSlot(c));
        let missing = if capture.optional {
            following.clone()
        } else {
            names.name(Name::Entry(capture.step))
        };
        let mut next = vec![Branch::If {
            condition: missing_condition(&slot, &capture.kind),
            then: missing.clone(),
        }];
        let invalid = invalid_condition(&slot, &capture.kind);
        if let Some(condition) = &invalid {
            next.push(Branch::If {
                condition: condition.clone(),
                then: names.name(Name::DropId(c)),
            });
        }
        let steps = &mut self.flow.steps;
        steps.push(Step {
            id: Some(names.name(Name::CheckId(c))),
            noop: Some(true),
            next: Some(branches(next, names.name(Name::CaptureId(c)))),
            ..Step::default()
        });
        if invalid.is_some() {
            steps.push(set_slot(
                names.name(Name::DropId(c)),
                slot.clone(),
                SlotValue::Null,
                Some(Next::To(missing)),
            ));
        }
        let mut rejections = Vec::new();
        if let ir::ValueType::Integer { .. } = capture.kind {
            // Rasa's conditions have no arithmetic; a rejection's condition is a Jinja
            // template first, so it can test for a whole number.
            self.uses_wait = true;
            rejections.push(Rejection {
                condition: format!("{{{{ 'true' if slots.{slot} is number and slots.{slot} % 1 != 0 else 'false' }}}}"),
                utter: names.name(Name::Wait),
            });
        }
        steps.push(Step {
            id: Some(names.name(Name::CaptureId(c))),
            collect: Some(slot),
            utter: Some(question.to_owned()),
            silence_timeout: Some(spec.silence_timeout),
            description: Some(Text(capture_description(capture))),
            rejections,
            next: Some(Next::To(following)),
            ..Step::default()
        });
    }

    /// The `END_<id>` steps of the ends reached, the `TRANSFER_<id>` steps
    /// of the transfers reached, then `CLOSING` and `HANGUP`.
    fn ends_and_transfers(&mut self, spec: &ir::Spec, names: &Names, plan: &Plan, transfers: &[usize]) {
        let steps = &mut self.flow.steps;
        for e in plan.ends.iter().filter_map(|t| *t) {
            steps.push(set_slot(
                names.name(Name::EndId(e)),
                names.name(Name::EndSlot),
                SlotValue::Text(names.name(Name::EndValue(e))),
                Some(Next::To(names.name(Name::ClosingId))),
            ));
        }
        for &t in transfers {
            let transfer = &spec.transfers[t];
            // A destination naming a per-call variable is filled in by `action_transfer_to`
            // (a flow's `set_slots` takes fixed values only).
            let to = match &transfer.to {
                None => SlotValue::Text(names.name(Name::TransferPlaceholder(t))),
                Some(to) => to
                    .as_lit()
                    .map_or(SlotValue::Null, |lit| SlotValue::Text(lit.to_owned())),
            };
            steps.push(Step {
                id: Some(names.name(Name::TransferId(t))),
                set_slots: Some(vec![
                    Ordered(vec![(
                        names.name(Name::TransferSlot),
                        SlotValue::Text(names.name(Name::TransferValue(t))),
                    )]),
                    Ordered(vec![(names.name(Name::TransferToSlot), to)]),
                ]),
                ..Step::default()
            });
            if transfer.to.as_ref().is_some_and(|to| !to.is_lit()) {
                steps.push(Step {
                    id: Some(names.name(Name::TransferToId(t))),
                    action: Some(TRANSFER_TO.to_owned()),
                    ..Step::default()
                });
            }
            steps.push(Step {
                id: Some(names.name(Name::TransferSayId(t))),
                action: Some(names.name(Name::TransferLine(t))),
                ..Step::default()
            });
            // The closing is not said: the deployment's `pattern_human_handoff` transfers
            // the call, or links back to the call flow (`RETURN`) when it fails.
            steps.push(Step {
                id: Some(names.name(Name::TransferHandoffId(t))),
                link: Some(HANDOFF.to_owned()),
                ..Step::default()
            });
            steps.push(set_slot(
                names.name(Name::TransferFailedId(t)),
                names.name(Name::TransferSlot),
                SlotValue::Null,
                Some(Next::To(names.target(transfer.fallback))),
            ));
        }
        if !plan.ends.is_empty() {
            steps.push(Step {
                id: Some(names.name(Name::ClosingId)),
                action: Some(names.name(Name::Closing)),
                ..Step::default()
            });
            steps.push(Step {
                id: Some(names.name(Name::HangupId)),
                action: Some("action_hangup".to_owned()),
                next: Some(Next::To("END".to_owned())),
                ..Step::default()
            });
        }
    }
}

/// Rasa's pattern for handing the call to a person.
const HANDOFF: &str = "pattern_human_handoff";

/// A `next` that goes to `otherwise` unless one of `ifs` holds.
fn branches(mut ifs: Vec<Branch>, otherwise: String) -> Next {
    if ifs.is_empty() {
        Next::To(otherwise)
    } else {
        ifs.push(Branch::Else { otherwise });
        Next::Branches(ifs)
    }
}

/// The slots the call flow keeps after it ends (Rasa empties the others):
/// what the call found out, and its visit counts (a handoff that comes
/// back starts the flow again, and retries are counted per call).
fn persisted_slots(spec: &ir::Spec, names: &Names, plan: &Plan) -> Vec<String> {
    let mut slots = Vec::new();
    if plan.ends.iter().any(Option::is_some) {
        slots.push(names.name(Name::EndSlot));
    }
    if plan.transfers.iter().any(|&t| t) {
        slots.push(names.name(Name::TransferSlot));
        slots.push(names.name(Name::TransferToSlot));
    }
    for (i, step) in spec.steps.iter().enumerate() {
        if plan.reached[i] && step.retry.is_some() {
            slots.push(names.name(Name::VisitsSlot(i)));
        }
    }
    for (c, capture) in spec.captures.iter().enumerate() {
        if plan.reached[capture.step] {
            slots.push(names.name(Name::CaptureSlot(c)));
        }
    }
    slots
}

/// The condition under which a capture's slot holds no value. Rasa's
/// validator refuses to compare a boolean slot with anything but `true` or
/// `false` (`is null` included), but for a negated condition.
fn missing_condition(slot: &str, kind: &ir::ValueType) -> String {
    match kind {
        ir::ValueType::YesNo => format!("not (slots.{slot} is true or slots.{slot} is false)"),
        _ => format!("slots.{slot} is null"),
    }
}

/// The condition under which a capture's value is not valid (and is
/// emptied), if its slot's type does not already make every value valid.
/// Rasa's conditions compare numbers and match regular expressions (in
/// double quotes, taken as written); a missing value is tested before.
fn invalid_condition(slot: &str, kind: &ir::ValueType) -> Option<String> {
    let not_matching = |pattern: &str| format!("not (slots.{slot} matches \"{pattern}\")");
    match kind {
        ir::ValueType::Text
        | ir::ValueType::YesNo
        | ir::ValueType::Number
        | ir::ValueType::Percent
        | ir::ValueType::Money { .. } => None,
        ir::ValueType::Time => Some(not_matching(TIME_PATTERN)),
        ir::ValueType::Email => Some(not_matching(EMAIL_PATTERN)),
        ir::ValueType::Phone => Some(not_matching(PHONE_PATTERN)),
        ir::ValueType::Date => Some(not_matching(DATE_PATTERN)),
        ir::ValueType::Integer { min, max } => {
            let parts: Vec<String> = [
                min.map(|a| format!("slots.{slot} < {a}")),
                max.map(|b| format!("slots.{slot} > {b}")),
            ]
            .into_iter()
            .flatten()
            .collect();
            (!parts.is_empty()).then(|| parts.join(" or "))
        }
        ir::ValueType::OneOf(values) => Some(format!(
            "not ({})",
            values
                .iter()
                .map(|v| format!("slots.{slot} is \"{v}\""))
                .collect::<Vec<_>>()
                .join(" or ")
        )),
    }
}

/// The `description` of a capture's `collect`: what the LLM reads to fill
/// the slot from any reply, with the form of the value.
fn capture_description(capture: &ir::Capture) -> String {
    format!(
        "{}{}",
        prompt_text(&capture.description),
        super::prompt::value_form(&capture.kind, "true for yes, false for no")
    )
}

/// The `description` of `ANSWER`: the callee's first words.
fn answer_description(names: &Names, voicemail: bool) -> String {
    if voicemail {
        format!(
            "The call has just connected and the callee speaks first. Set this slot from their first words: `{}` if \
             they are an answering machine or a voicemail greeting, otherwise `{}`.",
            names.name(Name::EventValue(ir::Event::Voicemail)),
            names.name(Name::NoSignal)
        )
    } else {
        format!(
            "The call has just connected and the callee speaks first. Set this slot to `{}` once they have said their first words.",
            names.name(Name::NoSignal)
        )
    }
}

/// The `description` of a step's `collect`: what the LLM reads to fill the
/// signal slot from the callee's reply, listing only the signals with a
/// branch here (and `voicemail` at the first reply of a caller-first call;
/// `silence` is set by `pattern_user_silence`, never from a reply).
fn signal_description(spec: &ir::Spec, names: &Names, step: usize, voicemail: bool) -> String {
    let mut bullets = String::new();
    if voicemail {
        let _ = write!(
            bullets,
            "\n- `{}`: an answering machine or a voicemail greeting answered",
            names.name(Name::EventValue(ir::Event::Voicemail))
        );
    }
    let mut listed = BTreeSet::new();
    for b in spec.branches_at(step) {
        let Some(s) = b.signal() else { continue };
        if !listed.insert(s) {
            continue;
        }
        let signal = &spec.signals[s];
        let value = names.name(Name::SignalValue(s));
        let _ = write!(bullets, "\n- `{value}`");
        if value != signal.id {
            let _ = write!(bullets, " (signal `{}`)", signal.id);
        }
        bullets.push_str(": ");
        match &signal.description {
            Some(d) => bullets.push_str(&prompt(d, names)),
            None => bullets.push_str(&prompt_text(&signal.id)),
        }
        if !signal.examples.is_empty() {
            // What the callee might say to give it: the spec's `example`s, each quoted on the bullet's line.
            let quoted: Vec<String> = signal
                .examples
                .iter()
                .map(|e| format!("\"{}\"", prompt_text(e)))
                .collect();
            let _ = write!(bullets, " (for example {})", quoted.join(", "));
        }
    }
    if bullets.is_empty() {
        format!(
            "Set this slot to `{}` once the callee has replied to the line just said.",
            names.name(Name::NoSignal)
        )
    } else {
        format!(
            "Set this slot from the callee's reply to the line just said: the value of the first signal below \
             that the reply gives, or `{}` if it gives none of them.{bullets}",
            names.name(Name::NoSignal)
        )
    }
}

fn domain(spec: &ir::Spec, names: &Names, plan: &Plan, call: &CallFlow, examples: &[Vec<String>]) -> Domain {
    let mut slots = var_slots(spec, names);
    if call.uses_signal {
        let mut values: Vec<String> = (0..spec.signals.len())
            .map(|s| names.name(Name::SignalValue(s)))
            .collect();
        if plan.voicemail.is_some() {
            values.push(names.name(Name::EventValue(ir::Event::Voicemail)));
        }
        if plan.silence {
            values.push(names.name(Name::EventValue(ir::Event::Silence)));
        }
        values.push(names.name(Name::NoSignal));
        slots.push((names.name(Name::SignalSlot), Slot::from_llm("categorical", values)));
    }
    if plan.ends.iter().any(Option::is_some) {
        // Set only by the flow's `set_slots` steps.
        let values = (0..spec.ends.len()).map(|e| names.name(Name::EndValue(e))).collect();
        slots.push((names.name(Name::EndSlot), Slot::controlled("categorical", values)));
    }
    let transfers: Vec<usize> = (0..spec.transfers.len()).filter(|&t| plan.transfers[t]).collect();
    if !transfers.is_empty() {
        let values = transfers.iter().map(|&t| names.name(Name::TransferValue(t))).collect();
        slots.push((names.name(Name::TransferSlot), Slot::controlled("categorical", values)));
        slots.push((names.name(Name::TransferToSlot), Slot::controlled("text", Vec::new())));
    }
    for (i, step) in spec.steps.iter().enumerate() {
        if plan.reached[i] && step.retry.is_some() {
            slots.push((
                names.name(Name::VisitsSlot(i)),
                Slot {
                    initial_value: Some(SlotValue::Number(0)),
                    ..Slot::controlled("float", Vec::new())
                },
            ));
        }
    }
    for (c, capture) in spec.captures.iter().enumerate() {
        if !plan.reached[capture.step] {
            continue;
        }
        let slot = match &capture.kind {
            ir::ValueType::Text
            | ir::ValueType::Email
            | ir::ValueType::Phone
            | ir::ValueType::Date
            | ir::ValueType::Time => Slot::from_llm("text", Vec::new()),
            ir::ValueType::Number | ir::ValueType::Percent | ir::ValueType::Money { .. } => {
                Slot::from_llm("float", Vec::new())
            }
            ir::ValueType::YesNo => Slot::from_llm("bool", Vec::new()),
            ir::ValueType::Integer { min, max } => {
                // Rasa rejects a float slot whose min is not below its max; the flow checks
                // the bounds either way.
                let (min_value, max_value) = match (min, max) {
                    (Some(a), Some(b)) if a < b => (Some(*a), Some(*b)),
                    _ => (None, None),
                };
                Slot {
                    min_value,
                    max_value,
                    ..Slot::from_llm("float", Vec::new())
                }
            }
            ir::ValueType::OneOf(values) => Slot::from_llm("categorical", values.clone()),
        };
        slots.push((names.name(Name::CaptureSlot(c)), slot));
    }
    let say = |text: &ir::Text| vec![Response::new(text, names)];
    let mut responses = Vec::new();
    if let Some(opening) = &spec.opening {
        responses.push((names.name(Name::Opening), say(opening)));
    }
    for (name, text) in &call.lines {
        responses.push((name.clone(), say(text)));
    }
    if call.uses_wait {
        responses.push((names.name(Name::Wait), say(&ir::Text::default())));
    }
    for &t in &transfers {
        responses.push((names.name(Name::TransferLine(t)), say(&spec.transfers[t].say)));
    }
    for (q, qa) in spec.faq.iter().enumerate() {
        responses.push((names.name(Name::Answer(q)), say(&qa.answer)));
    }
    responses.push((names.name(Name::Closing), say(&spec.closing)));
    Domain {
        version: "3.1",
        intents: (0..spec.faq.len())
            .filter(|&q| !examples[q].is_empty())
            .map(|q| names.name(Name::Intent(q)))
            .collect(),
        actions: {
            let mut actions = Vec::new();
            if !spec.vars.is_empty() {
                actions.push(SESSION_START.to_owned());
            }
            if transfers
                .iter()
                .any(|&t| spec.transfers[t].to.as_ref().is_some_and(|to| !to.is_lit()))
            {
                actions.push(TRANSFER_TO.to_owned());
            }
            actions
        },
        slots: Ordered(slots),
        responses: Ordered(responses),
    }
}

/// Rasa's action that starts a session, which `actions/session_start.py`
/// overrides to fill the slots of the per-call variables.
const SESSION_START: &str = "action_session_start";

/// The project's action that sets `transfer_to` to the destination of the
/// transfer in slot `transfer`, with the call's variables in it
/// (`actions/session_start.py`).
const TRANSFER_TO: &str = "action_transfer_to";

/// The slots of the per-call variables, two each, set only by
/// `action_session_start` (`controlled`): `var_<id>`, the value (typed:
/// `float` for numbers, percentages, money and whole numbers, `bool` for
/// yes/no, `categorical` for one of a set, `text` otherwise; empty when a
/// call gives none), and `said_<id>`, the value as it is said (text; `""`
/// when a call gives none, so no response ever says `None`). A default is
/// each slot's initial value.
fn var_slots(spec: &ir::Spec, names: &Names) -> Vec<(String, Slot)> {
    let mut slots = Vec::new();
    for (v, var) in spec.vars.iter().enumerate() {
        let default = match &var.need {
            ir::Need::Default(d) => var.kind.parse(d).ok(),
            ir::Need::Required | ir::Need::Optional => None,
        };
        let (kind, values) = match &var.kind {
            ir::ValueType::Number
            | ir::ValueType::Integer { .. }
            | ir::ValueType::Percent
            | ir::ValueType::Money { .. } => ("float", Vec::new()),
            ir::ValueType::YesNo => ("bool", Vec::new()),
            ir::ValueType::OneOf(words) => ("categorical", words.clone()),
            ir::ValueType::Text
            | ir::ValueType::Date
            | ir::ValueType::Time
            | ir::ValueType::Phone
            | ir::ValueType::Email => ("text", Vec::new()),
        };
        let initial = default.as_ref().map(|value| match (kind, value) {
            (_, ir::Value::YesNo(b)) => SlotValue::Bool(*b),
            ("float", v) => SlotValue::Float(v.canonical().parse().unwrap_or_default()),
            (_, v) => SlotValue::Text(v.canonical()),
        });
        slots.push((
            names.name(Name::VarSlot(v)),
            Slot {
                initial_value: initial,
                ..Slot::controlled(kind, values)
            },
        ));
        let said = default.map_or_else(String::new, |value| value.spoken(spec.language()));
        slots.push((
            names.name(Name::SaidSlot(v)),
            Slot {
                initial_value: Some(SlotValue::Text(said)),
                ..Slot::controlled("text", Vec::new())
            },
        ));
    }
    slots
}

/// For each FAQ entry, the phrasings Rasa's NLU data can carry exactly
/// ([`nlu_example`]), each phrasing once across the whole FAQ (Rasa warns
/// about an example listed under two intents).
fn faq_examples(spec: &ir::Spec) -> Vec<Vec<String>> {
    let mut seen = BTreeSet::new();
    spec.faq
        .iter()
        .map(|qa| {
            qa.questions
                .iter()
                .filter_map(|q| q.as_lit().and_then(nlu_example))
                .filter(|q| seen.insert(q.clone()))
                .collect()
        })
        .collect()
}

/// A question as an NLU training example, if Rasa reads it back exactly:
/// Rasa strips spaces and line breaks at both ends of an example and reads
/// `[text](entity)`, `[text]{…}` and `[text][…]` as entity annotations, with
/// no way to escape them. Such phrasings stay in the flow's description only.
#[must_use]
pub fn nlu_example(question: &str) -> Option<String> {
    let trimmed = question.trim_matches(['\n', '\r', ' ']);
    let annotation = ["](", "]{", "]["].iter().any(|a| question.contains(a));
    (!question.is_empty() && trimmed == question && !annotation).then(|| question.to_owned())
}

fn faq_flows(spec: &ir::Spec, names: &Names, examples: &[Vec<String>]) -> FlowsFile {
    let flows = spec
        .faq
        .iter()
        .enumerate()
        .map(|(q, qa)| {
            // Rasa wants descriptions unique (ignoring punctuation); the entry's number makes them so.
            let mut description = format!(
                "FAQ entry {} `{}`: answer when the callee asks a question like",
                q + 1,
                qa.id
            );
            for question in &qa.questions {
                let _ = write!(description, "\n- {}", prompt(question, names));
            }
            let flow = Flow {
                description: Text(description),
                guard: None,
                run_pattern_completed: None,
                persisted_slots: vec![names.name(Name::SilenceTimeoutSlot)],
                // The LLM starts the flow from its description; the intent lets a channel or a
                // test harness start it with the payload `/faq_<qa>`, and an NLU pipeline, if added.
                nlu_trigger: if examples[q].is_empty() {
                    Vec::new()
                } else {
                    vec![Trigger {
                        intent: names.name(Name::Intent(q)),
                    }]
                },
                steps: vec![
                    Step {
                        id: Some("ANSWER".to_owned()),
                        action: Some(names.name(Name::Answer(q))),
                        ..Step::default()
                    },
                    keep_silence_timeout(spec, names, None),
                ],
            };
            (names.name(Name::FaqFlow(q)), flow)
        })
        .collect();
    FlowsFile {
        version: "3.1",
        flows: Ordered(flows),
    }
}

/// The last step of a flow that interrupts a waiting step: Rasa sets slot
/// `silence_timeout` to its default when such a flow starts, and the
/// question asked again afterwards keeps what the slot holds; this sets
/// the spec's again (the flow persists the slot, or Rasa would reset it).
fn keep_silence_timeout(spec: &ir::Spec, names: &Names, next: Option<Next>) -> Step {
    set_slot(
        "SILENCE_TIMEOUT".to_owned(),
        names.name(Name::SilenceTimeoutSlot),
        SlotValue::Number(spec.silence_timeout),
        next,
    )
}

fn nlu(names: &Names, examples: &[Vec<String>]) -> NluFile {
    NluFile {
        version: "3.1",
        nlu: examples
            .iter()
            .enumerate()
            .filter(|(_, e)| !e.is_empty())
            .map(|(q, e)| IntentExamples {
                intent: names.name(Name::Intent(q)),
                examples: e
                    .iter()
                    .map(|text| Example {
                        text: Text(text.clone()),
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn patterns(spec: &ir::Spec, names: &Names, plan: &Plan) -> FlowsFile {
    let mut flows = vec![(
        "pattern_session_start".to_owned(),
        Flow {
            description: Text(format!(
                "Session start: the assistant places the call `{}` at once.",
                spec.id
            )),
            guard: None,
            run_pattern_completed: None,
            persisted_slots: Vec::new(),
            // The payload `/session_start` (sent by voice channels, `rasa shell`, the inspector) starts it.
            nlu_trigger: vec![Trigger {
                intent: "session_start".to_owned(),
            }],
            steps: vec![Step {
                id: Some("CALL".to_owned()),
                link: Some(names.name(Name::CallFlow)),
                ..Step::default()
            }],
        },
    )];
    if plan.silence {
        // Voice channels send `/silence_timeout` when the callee says nothing for the
        // `silence_timeout` of the `collect`; the interrupted `collect` then takes `silence`.
        flows.push((
            "pattern_user_silence".to_owned(),
            Flow {
                description: Text(format!(
                    "Silence: the callee said nothing for {} seconds; the waiting step takes its `{}` branch.",
                    spec.silence_timeout,
                    names.name(Name::EventValue(ir::Event::Silence))
                )),
                guard: None,
                run_pattern_completed: None,
                // Kept when the pattern ends, for the `collect` it interrupted.
                persisted_slots: vec![names.name(Name::SignalSlot)],
                nlu_trigger: vec![Trigger {
                    intent: "silence_timeout".to_owned(),
                }],
                steps: vec![set_slot(
                    "SILENCE".to_owned(),
                    names.name(Name::SignalSlot),
                    SlotValue::Text(names.name(Name::EventValue(ir::Event::Silence))),
                    None,
                )],
            },
        ));
    }
    if plan.transfers.iter().any(|&t| t) {
        // A deployment overrides this pattern with its channel's transfer; as written, the
        // project has none, so the transfer fails and the call takes its fallback.
        flows.push((
            HANDOFF.to_owned(),
            Flow {
                description: Text(format!(
                    "Transfer: hand the call to the destination in slot `{}`. This project has no transfer of its \
                     own: the handoff comes back to the call, which goes on with the transfer's fallback.",
                    names.name(Name::TransferToSlot)
                )),
                guard: None,
                run_pattern_completed: None,
                persisted_slots: vec![names.name(Name::SilenceTimeoutSlot)],
                nlu_trigger: Vec::new(),
                steps: vec![
                    Step {
                        id: Some("HANDOFF".to_owned()),
                        action: Some("action_handoff_metric".to_owned()),
                        // Asked for by the LLM rather than by a transfer of the spec: the
                        // call goes on where it was.
                        next: Some(branches(
                            vec![Branch::If {
                                condition: format!("slots.{} is not null", names.name(Name::TransferSlot)),
                                then: "BACK".to_owned(),
                            }],
                            "SILENCE_TIMEOUT".to_owned(),
                        )),
                        ..Step::default()
                    },
                    keep_silence_timeout(spec, names, Some(Next::To("END".to_owned()))),
                    Step {
                        id: Some("BACK".to_owned()),
                        link: Some(names.name(Name::CallFlow)),
                        ..Step::default()
                    },
                ],
            },
        ));
    }
    FlowsFile {
        version: "3.1",
        flows: Ordered(flows),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_text_doubles_braces_only() {
        assert_eq!(response_text("合同编号 {年份}-017"), "合同编号 {{年份}}-017");
        assert_eq!(response_text("a { b } c"), "a {{ b }} c");
        assert_eq!(response_text("{{"), "{{{{");
        assert_eq!(response_text("plain 😀 text"), "plain 😀 text");
        assert_eq!(response_text(""), "");
        // Empty pairs (which Rasa's validator rejects) and a joiner already there.
        assert_eq!(response_text("{}"), "{{\u{2060}}}");
        assert_eq!(response_text("价{\u{3000}}格"), "价{{\u{2060}\u{3000}}}格");
        assert_eq!(response_text("{\u{1C}}"), "{{\u{2060}\u{1C}}}");
        assert_eq!(response_text("{\u{2060}x}"), "{{\u{2060}\u{2060}x}}");
        assert_eq!(response_text("}{"), "}}{{");
    }

    #[test]
    fn prompt_text_folds_every_line_break() {
        assert_eq!(prompt_text("忙\n- `x`: 伪造"), "忙 - `x`: 伪造");
        assert_eq!(
            prompt_text("a\r\nb\rc\u{2028}d\u{2029}e\u{85}f\u{B}g\u{C}h"),
            "a b c d e f g h"
        );
        assert_eq!(prompt_text("一行 😀\t{x}"), "一行 😀\t{x}");
    }

    #[test]
    fn nlu_examples_are_what_rasa_reads_back_exactly() {
        assert_eq!(nlu_example("有试用吗？").as_deref(), Some("有试用吗？"));
        assert_eq!(nlu_example("多行\n问题").as_deref(), Some("多行\n问题"));
        assert_eq!(nlu_example("yes: ${HOME} #1").as_deref(), Some("yes: ${HOME} #1"));
        assert_eq!(nlu_example("[报价] (price)").as_deref(), Some("[报价] (price)"));
        // Rasa strips spaces and line breaks at the ends, and reads entity annotations.
        for unusable in [
            "",
            " ",
            " 前导",
            "尾随 ",
            "行\n",
            "\r\n问",
            "[报价](price)",
            "[a]{\"entity\": \"x\"}",
            "[a][{}]",
        ] {
            assert_eq!(nlu_example(unusable), None, "{unusable:?}");
        }
        // A tab or full-width space at the ends is kept by Rasa, so is kept here.
        assert_eq!(nlu_example("\t问").as_deref(), Some("\t问"));
        assert_eq!(nlu_example("问\u{3000}").as_deref(), Some("问\u{3000}"));
    }

    #[test]
    fn only_env_var_references_force_quotes() {
        assert!(Text::needs_quotes("${HOME}"));
        assert!(Text::needs_quotes("费用${PRICE}元"));
        assert!(Text::needs_quotes("${"));
        assert!(!Text::needs_quotes("$HOME {x}"));
        assert!(!Text::needs_quotes("yes"));
        let quoted = yaml("", &vec![Text("${HOME}".to_owned()), Text("plain".to_owned())]);
        assert_eq!(quoted, "- \"${HOME}\"\n- plain\n");
    }

    #[test]
    fn hash_is_fnv1a() {
        assert_eq!(fnv1a(""), 0x811c_9dc5);
        assert_eq!(fnv1a("a"), 0xe40c_292c);
        assert_ne!(fnv1a("报价"), fnv1a("保价"));
    }
}
