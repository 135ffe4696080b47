//! The `rasa` target: a checked [`ir::Spec`](crate::ir::Spec) → a Rasa Pro
//! CALM project directory (`config.yml`, `domain.yml`, `data/flows.yml`,
//! `data/faq.yml`, `data/nlu.yml`, `data/patterns.yml`) that Rasa's own
//! validator accepts and that runs the call as the spec says.
//!
//! Pure: [`emit`] returns the files with paths relative to the project
//! directory. The call becomes one flow whose steps, `next` and branches
//! mirror the spec's flow graph edge for edge; a step with branches says its
//! last line as the question of a `collect` of one categorical slot, whose
//! value (the signal the callee's reply gives) picks the branch; each FAQ
//! entry is a small flow that interrupts the call and lets it go on where it
//! was; `pattern_session_start` places the call. The mapping, construct by
//! construct, is `docs/targets/rasa.md`.
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
        callee: _,          // not part of a bot: the simulated callee's
        concerns: _,        // not part of a bot: coverage is checked by callc
        signals: _,         // slot `signal`, its values and their descriptions
        opening: _,         // the first action of the call flow
        steps: _,           // the call flow's steps
        global_branches: _, // through `Spec::branches_at`
        faq: _,             // one flow per entry, NLU examples
        ends: _,            // slot `end_condition`
        closing: _,         // the last action before the end
        first_speaker: _, // issue 11: not yet carried
        silence_timeout: _, // issue 11: not yet carried
        silence_timeout_explicit: _, // issue 11: not yet carried
        transfers: _, // issue 11: not yet carried
        captures: _, // issue 11: not yet carried
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
        next: _,          // the default `next`
        next_explicit: _, // the successor is the same either way
        branches: _,      // `next` conditions on slot `signal`
        overrides: _,     // through `Spec::branches_at`
        waits: _, // issue 11: not yet carried
        captures: _, // issue 11: not yet carried
        retry: _, // issue 11: not yet carried
    },
    ir::Branch {
        on: _,     // the condition's value
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
        priority: _, // not part of a bot
        text: _,     // not part of a bot
        steps: _,    // not part of a bot
        faq: _,      // not part of a bot
    },
    ir::Signal {
        id: _,          // a value of slot `signal`
        description: _, // the slot value's description
    },
    ir::EndCondition {
        id: _,     // a value of slot `end_condition`
        requires: _, // issue 11: not yet carried
        caller: _, // not part of a bot
        callee: _, // the callee's
    },
| {};

/// The Rasa project files for a checked spec.
#[must_use]
pub fn emit(spec: &ir::Spec) -> Vec<OutputFile> {
    let names = Names::new(spec);
    let reachable = FlowGraph::new(spec).reachable();
    let call = CallFlow::new(spec, &names, &reachable);
    let examples = faq_examples(spec);
    let header = format!(
        "# Generated by callc from call `{}` (target rasa, validated with rasa-pro {RASA_PRO_VERSION}).\n\
         # Do not edit: change the .call file and build again. The mapping: docs/targets/rasa.md in callc.\n",
        spec.id
    );
    let mut files = vec![
        file("config.yml", yaml(&header, &config(spec, &names))),
        file("domain.yml", yaml(&header, &domain(spec, &names, &call, &examples))),
    ];
    let mut flows_header = header.clone();
    let left_out: Vec<&str> = (0..spec.steps.len())
        .filter(|&i| !reachable[i])
        .map(|i| spec.steps[i].id.as_str())
        .collect();
    if !left_out.is_empty() {
        // Rasa rejects a flow step no path reaches; the spec's W0201 warning already names these.
        let _ = writeln!(
            flows_header,
            "# Left out: no path from the first step reaches {} (callc warning W0201).",
            left_out
                .iter()
                .map(|id| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(", ")
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
    files.push(file("data/patterns.yml", yaml(&header, &patterns(spec, &names))));
    files
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
    /// The id of the flow step for line `line` of step `step`: `<step>` for
    /// the first (also for a step with no line), `<step>__<line + 1>` after.
    StepId {
        /// Index of the step.
        step: usize,
        /// Index of the line in the step.
        line: usize,
    },
    /// The id of the flow step recording end condition `when`: `END_<when>`.
    EndId(usize),
    /// The id of the flow step saying the opening: `OPENING`.
    OpeningId,
    /// The id of the flow step saying the closing: `CLOSING`.
    ClosingId,
    /// The id of the flow step hanging up: `HANGUP`.
    HangupId,
    /// The slot holding the signal of the callee's last reply: `callee_signal`.
    SignalSlot,
    /// The value of [`Name::SignalSlot`] for signal `signal`: `<signal>`.
    SignalValue(usize),
    /// The value of [`Name::SignalSlot`] when the reply gives no signal: `no_signal`.
    NoSignal,
    /// The slot recording which end condition held: `end_condition`.
    EndSlot,
    /// The value of [`Name::EndSlot`] for end condition `when`: `<when>`.
    EndValue(usize),
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
    faq: AsciiNames,
    faq_ids: Vec<String>,
    signals: AsciiNames,
    signal_ids: Vec<String>,
    ends: AsciiNames,
    end_ids: Vec<String>,
}

impl Names {
    /// Names every id of the spec.
    #[must_use]
    pub fn new(spec: &ir::Spec) -> Self {
        let step_ids: Vec<String> = spec.steps.iter().map(|s| s.id.clone()).collect();
        let faq_ids: Vec<String> = spec.faq.iter().map(|q| q.id.clone()).collect();
        let signal_ids: Vec<String> = spec.signals.iter().map(|s| s.id.clone()).collect();
        let end_ids: Vec<String> = spec.ends.iter().map(|e| e.id.clone()).collect();
        Self {
            call: transliterate(&spec.id),
            call_hash: fnv1a(&spec.id),
            steps: AsciiNames::new(step_ids.iter().map(String::as_str), &[]),
            faq: AsciiNames::new(faq_ids.iter().map(String::as_str), &[]),
            signals: AsciiNames::new(signal_ids.iter().map(String::as_str), &[NO_SIGNAL]),
            ends: AsciiNames::new(end_ids.iter().map(String::as_str), &[]),
            step_ids,
            faq_ids,
            signal_ids,
            end_ids,
        }
    }

    /// The Rasa name of `what`: the one naming function of this target.
    ///
    /// Names of one kind never collide: the ASCII forms come from one
    /// [`AsciiNames`] table per kind, and kinds that share a namespace differ
    /// by construction. Response names have distinct prefixes (`utter_say_`,
    /// `utter_faq_`, and three fixed names); flow step ids for lines are
    /// `<step>` and `<step>__<n>` (a transliteration never contains `__`, so
    /// the first `__` splits an id back into its step and line), and every
    /// other flow step id has an upper-case letter, which no transliteration
    /// has.
    #[must_use]
    pub fn name(&self, what: Name) -> String {
        let step = |i: usize| self.steps.get(&self.step_ids[i]);
        match what {
            Name::CallFlow => format!("call_{}", self.call),
            Name::FaqFlow(q) => format!("faq_{}", self.faq.get(&self.faq_ids[q])),
            Name::Line { step: s, line } => format!("utter_say_{}_{}", step(s), line + 1),
            Name::Answer(q) => format!("utter_faq_{}", self.faq.get(&self.faq_ids[q])),
            Name::Intent(q) => format!("faq_{}", self.faq.get(&self.faq_ids[q])),
            Name::Opening => "utter_opening".to_owned(),
            Name::Closing => "utter_closing".to_owned(),
            Name::Wait => "utter_wait".to_owned(),
            Name::StepId { step: s, line: 0 } => step(s),
            Name::StepId { step: s, line } => format!("{}__{}", step(s), line + 1),
            Name::EndId(e) => format!("END_{}", self.ends.get(&self.end_ids[e])),
            Name::OpeningId => "OPENING".to_owned(),
            Name::ClosingId => "CLOSING".to_owned(),
            Name::HangupId => "HANGUP".to_owned(),
            Name::SignalSlot => "callee_signal".to_owned(),
            Name::SignalValue(s) => self.signals.get(&self.signal_ids[s]),
            Name::NoSignal => NO_SIGNAL.to_owned(),
            Name::EndSlot => "end_condition".to_owned(),
            Name::EndValue(e) => self.ends.get(&self.end_ids[e]),
            Name::AssistantId => format!("{}_{:08x}", self.call, self.call_hash),
        }
    }

    /// The id of the flow step a transition to `target` jumps to.
    fn target(&self, target: ir::Target) -> String {
        match target {
            ir::Target::Step(i) => self.name(Name::StepId { step: i, line: 0 }),
            ir::Target::End(None) | ir::Target::Transfer(_) => self.name(Name::ClosingId), // issue 11: transfers not yet carried
            ir::Target::End(Some(e)) => self.name(Name::EndId(e)),
        }
    }

    /// The `if` condition of a branch on `signal`.
    fn condition(&self, signal: usize) -> String {
        format!(
            "slots.{} is \"{}\"",
            self.name(Name::SignalSlot),
            self.name(Name::SignalValue(signal))
        )
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

/// How many `if` conditions the flow would have: every branch in force at
/// every step (global branches counted at each step that does not override
/// them). O(steps).
#[must_use]
pub fn conditions(spec: &ir::Spec) -> usize {
    let globals = spec.global_branches.len();
    spec.steps
        .iter()
        .map(|s| s.branches.len() + globals - s.overrides.len())
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
    values: Vec<String>,
    mappings: Vec<Mapping>,
}

#[derive(Serialize)]
struct Mapping {
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct Response {
    text: Text,
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
    set_slots: Option<Vec<Ordered<String>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    link: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    noop: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    utter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ask_before_filling: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<Next>,
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
    lines: Vec<(String, String)>,
    uses_wait: bool,
    uses_signal: bool,
    uses_ends: bool,
}

impl CallFlow {
    fn new(spec: &ir::Spec, names: &Names, reachable: &[bool]) -> Self {
        let mut steps = Vec::new();
        let mut lines = Vec::new();
        let (mut uses_wait, mut uses_signal) = (false, false);
        if spec.opening.is_some() {
            steps.push(Step {
                id: Some(names.name(Name::OpeningId)),
                action: Some(names.name(Name::Opening)),
                // An empty flow has no first step to fall through to.
                next: spec.steps.is_empty().then(|| Next::To(names.name(Name::ClosingId))),
                ..Step::default()
            });
        }
        // The ends some reachable step leads to: `None` for a plain `end`.
        let mut ends: BTreeSet<Option<usize>> = BTreeSet::new();
        if spec.steps.is_empty() {
            ends.insert(None);
        }
        for (i, step) in spec.steps.iter().enumerate() {
            if !reachable[i] {
                continue;
            }
            for t in spec.targets_at(i) {
                if let ir::Target::End(e) = t {
                    ends.insert(e);
                }
            }
            let id = |line: usize| Some(names.name(Name::StepId { step: i, line }));
            let n = step.lines.len();
            // Each line is said in turn; a step with branches says its last line as the
            // question of a `collect`, so the call waits for the reply and branches on it.
            let waits = spec.has_branches(i);
            let said = if waits { n.saturating_sub(1) } else { n };
            for (k, text) in step.lines.iter().enumerate().take(said) {
                let name = names.name(Name::Line { step: i, line: k });
                lines.push((name.clone(), text.clone()));
                steps.push(Step {
                    id: id(k),
                    action: Some(name),
                    ..Step::default()
                });
            }
            if !waits {
                let default = Next::To(names.target(step.next));
                match steps.last_mut() {
                    Some(last) if n > 0 => last.next = Some(default),
                    _ => steps.push(Step {
                        id: id(0),
                        noop: Some(true),
                        next: Some(default),
                        ..Step::default()
                    }),
                }
                continue;
            }
            uses_signal = true;
            let utter = if n == 0 {
                uses_wait = true;
                names.name(Name::Wait)
            } else {
                let name = names.name(Name::Line { step: i, line: n - 1 });
                lines.push((name.clone(), step.lines[n - 1].clone()));
                name
            };
            let mut next: Vec<Branch> = spec
                .branches_at(i)
                .filter_map(|b| Some((b.signal()?, b))) // issue 11: events not yet carried
                .map(|(signal, b)| Branch::If {
                    condition: names.condition(signal),
                    then: names.target(b.target),
                })
                .collect();
            next.push(Branch::Else {
                otherwise: names.target(step.next),
            });
            steps.push(Step {
                id: id(n.saturating_sub(1)),
                collect: Some(names.name(Name::SignalSlot)),
                utter: Some(utter),
                // Ask every time: the slot is emptied first, so each reply is judged afresh.
                ask_before_filling: Some(true),
                description: Some(Text(signal_description(spec, names, i))),
                next: Some(Next::Branches(next)),
                ..Step::default()
            });
        }
        let uses_ends = ends.iter().any(Option::is_some);
        for e in ends.iter().filter_map(|t| *t) {
            steps.push(Step {
                id: Some(names.name(Name::EndId(e))),
                set_slots: Some(vec![Ordered(vec![(
                    names.name(Name::EndSlot),
                    names.name(Name::EndValue(e)),
                )])]),
                next: Some(Next::To(names.name(Name::ClosingId))),
                ..Step::default()
            });
        }
        if !ends.is_empty() {
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
        let mut description = format!("The outbound call `{}`", spec.id);
        if let Some(title) = &spec.title {
            let _ = write!(description, ": {}", prompt_text(title));
        }
        description.push('.');
        if let Some(task) = &spec.caller.task {
            let _ = write!(description, " Task of the caller: {}", prompt_text(task));
        }
        let flow = Flow {
            description: Text(description),
            // Started only by `pattern_session_start` (data/patterns.yml), never by the LLM.
            guard: Some(false),
            // After the closing the call hangs up: no "anything else?" prompt.
            run_pattern_completed: Some(false),
            persisted_slots: if uses_ends {
                vec![names.name(Name::EndSlot)]
            } else {
                Vec::new()
            },
            nlu_trigger: Vec::new(),
            steps,
        };
        Self {
            flow,
            lines,
            uses_wait,
            uses_signal,
            uses_ends,
        }
    }
}

/// The `description` of a step's `collect`: what the LLM reads to fill the
/// signal slot from the callee's reply, listing only the signals with a branch here.
fn signal_description(spec: &ir::Spec, names: &Names, step: usize) -> String {
    let mut text = format!(
        "Set this slot from the callee's reply to the line just said: the value of the first signal below \
         that the reply gives, or `{}` if it gives none of them.",
        names.name(Name::NoSignal)
    );
    let mut listed = BTreeSet::new();
    for b in spec.branches_at(step) {
        let Some(s) = b.signal() else { continue }; // issue 11: events not yet carried
        if !listed.insert(s) {
            continue;
        }
        let signal = &spec.signals[s];
        let value = names.name(Name::SignalValue(s));
        let _ = write!(text, "\n- `{value}`");
        if value != signal.id {
            let _ = write!(text, " (signal `{}`)", signal.id);
        }
        text.push_str(": ");
        text.push_str(&prompt_text(signal.description.as_deref().unwrap_or(&signal.id)));
    }
    text
}

fn domain(spec: &ir::Spec, names: &Names, call: &CallFlow, examples: &[Vec<String>]) -> Domain {
    let mut slots = Vec::new();
    if call.uses_signal {
        let mut values: Vec<String> = (0..spec.signals.len())
            .map(|s| names.name(Name::SignalValue(s)))
            .collect();
        values.push(names.name(Name::NoSignal));
        slots.push((
            names.name(Name::SignalSlot),
            Slot {
                kind: "categorical",
                values,
                mappings: vec![Mapping { kind: "from_llm" }],
            },
        ));
    }
    if call.uses_ends {
        slots.push((
            names.name(Name::EndSlot),
            Slot {
                kind: "categorical",
                values: (0..spec.ends.len()).map(|e| names.name(Name::EndValue(e))).collect(),
                // Set only by the flow's `set_slots` steps.
                mappings: vec![Mapping { kind: "controlled" }],
            },
        ));
    }
    let say = |text: &str| {
        vec![Response {
            text: Text(response_text(text)),
        }]
    };
    let mut responses = Vec::new();
    if let Some(opening) = &spec.opening {
        responses.push((names.name(Name::Opening), say(opening)));
    }
    for (name, text) in &call.lines {
        responses.push((name.clone(), say(text)));
    }
    if call.uses_wait {
        responses.push((names.name(Name::Wait), say("")));
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
        slots: Ordered(slots),
        responses: Ordered(responses),
    }
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
                .filter_map(|q| nlu_example(q))
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
                let _ = write!(description, "\n- {}", prompt_text(question));
            }
            let flow = Flow {
                description: Text(description),
                guard: None,
                run_pattern_completed: None,
                persisted_slots: Vec::new(),
                // The LLM starts the flow from its description; the intent lets a channel or a
                // test harness start it with the payload `/faq_<qa>`, and an NLU pipeline, if added.
                nlu_trigger: if examples[q].is_empty() {
                    Vec::new()
                } else {
                    vec![Trigger {
                        intent: names.name(Name::Intent(q)),
                    }]
                },
                steps: vec![Step {
                    id: Some("ANSWER".to_owned()),
                    action: Some(names.name(Name::Answer(q))),
                    ..Step::default()
                }],
            };
            (names.name(Name::FaqFlow(q)), flow)
        })
        .collect();
    FlowsFile {
        version: "3.1",
        flows: Ordered(flows),
    }
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

fn patterns(spec: &ir::Spec, names: &Names) -> FlowsFile {
    let flow = Flow {
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
    };
    FlowsFile {
        version: "3.1",
        flows: Ordered(vec![("pattern_session_start".to_owned(), flow)]),
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
