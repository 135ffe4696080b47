//! The simulation side of the `vapi` target, from the scenario set: the
//! structured outputs the scenarios are judged by (how the call ended,
//! whether each capture was given) and that hold the captures' values, a
//! personality per callee, a scenario and a simulation per scenario of the
//! set, and a suite of them all.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use super::{Liquid, MODEL, Message, Model, Names, PLAIN_END, display_name, yaml};
use crate::emit::OutputFile;
use crate::emit::scenarios::{Action, Moment, OutcomeModel, Persona, ScenarioSet, Speaker, Start};
use crate::ir::{self, Language, ValueType};
use crate::layout::Layout;

/// The words of the simulation files, in the spec's language.
struct Words {
    /// Before and after who calls: the scenario's first sentence.
    call_from: [&'static str; 2],
    /// Between an organisation and a person (`泰山公司的张强`), and around
    /// the organisation when it comes after (`Li Ming (Changjiang)`).
    of: [&'static str; 3],
    /// The answering machine's part, when voicemail answers.
    voicemail: &'static str,
    /// Before the caller's lines at a turn.
    caller_says: &'static str,
    /// Before what the simulated callee does.
    you: &'static str,
    /// A reply without a signal.
    reply: &'static str,
    /// Before the values the reply gives.
    give: &'static str,
    /// After a value that may be left out.
    optional: &'static str,
    /// Around a signal's meaning.
    signal: [&'static str; 2],
    /// Before a signal's examples.
    examples: &'static str,
    /// Between two examples.
    or: &'static str,
    /// Before and after the seconds of a silence.
    silence: [&'static str; 2],
    /// Hanging up.
    hangup: &'static str,
    /// Before the values a reply withholds.
    withhold: &'static str,
    /// A turn the caller does not wait at.
    go_on: &'static str,
    /// Around the line of a transfer that succeeds.
    transfer: [&'static str; 2],
    /// Before the outcome, at the end of the instructions.
    ending: &'static str,
    /// The outcome of a plain `end`.
    plain_end: &'static str,
    /// Before who takes a transferred call.
    handed: &'static str,
    /// The `outcome` structured output's description, before the values.
    outcome: &'static str,
    /// Before a capture's description, in the `given` structured output.
    given: &'static str,
    /// Between a list's items.
    list_sep: &'static str,
    /// Between two quoted lines the caller says.
    lines_sep: &'static str,
}

const ZH: Words = Words {
    call_from: [
        "你接到",
        "打来的电话：这通电话是对方打给你的，不是你打的。按你的角色自然说话；对方说到下面这些话时，照下面说的回应。",
    ],
    of: ["的", "（", "）"],
    voicemail: "电话接通时，你是一个语音信箱：只说一句语音信箱的提示语（例如“您拨打的电话暂时无人接听，请在提示音后留言。”），然后一直不说话。",
    caller_says: "对方说：",
    you: "你：",
    reply: "按你的角色回应",
    give: "，并提供",
    optional: "（可以不提供）",
    signal: ["表达“", "”"],
    examples: "，例如：",
    or: "或",
    silence: ["不说话，沉默至少", "秒"],
    hangup: "挂断电话",
    withhold: "回应，但这次不提供",
    go_on: "（对方说完直接往下说，不等你回答。）",
    transfer: ["对方说要为你转接：", "同意，等待转接。"],
    ending: "这通电话应该这样结束：",
    plain_end: "对方说完结束语，结束通话",
    handed: "转接给",
    outcome: "这通电话是怎样结束的，以下之一：",
    given: "接听方在通话中是否提供了：",
    list_sep: "、",
    lines_sep: "",
};

const EN: Words = Words {
    call_from: [
        "You are answering a call from ",
        ": they called you, you did not call them. Talk as your character would; when the caller says the things below, respond as described.",
    ],
    of: [" of ", " (", ")"],
    voicemail: "When the call connects, you are a voicemail box: say one voicemail greeting (for example “The person you are calling is not available. Please leave a message after the tone.”), then say nothing more.",
    caller_says: "The caller says: ",
    you: "You: ",
    reply: "reply in character",
    give: ", and give ",
    optional: " (may be left out)",
    signal: ["make clear that “", "”"],
    examples: ", for example: ",
    or: " or ",
    silence: ["say nothing for at least ", " seconds"],
    hangup: "hang up",
    withhold: "reply, but do not give yet: ",
    go_on: "(The caller goes straight on without waiting for you.)",
    transfer: ["The caller transfers you: ", "agree and wait for the transfer."],
    ending: "The call should end like this: ",
    plain_end: "the caller says goodbye and ends the call",
    handed: "handed over to ",
    outcome: "How the call ended, one of:",
    given: "Whether the callee gave, during the call: ",
    list_sep: ", ",
    lines_sep: " ",
};

fn words(language: Language) -> &'static Words {
    match language {
        Language::Chinese => &ZH,
        Language::English => &EN,
    }
}

/// Why a scenario of the set is not written: a simulation cannot make it
/// happen. `None` for the ones written.
#[must_use]
pub fn left_out(moments: &[Moment], start: Start) -> Option<&'static str> {
    if start == Start::NoAnswer {
        return Some("the call never connects");
    }
    moments
        .iter()
        .any(|m| matches!(m, Moment::Transfer { succeeds: false, .. }))
        .then_some("a transfer fails")
}

/// Every simulation file, and the structured outputs.
pub(super) fn files(spec: &ir::Spec, names: &Names, liquid: &Liquid<'_>, set: &ScenarioSet) -> Vec<OutputFile> {
    let w = words(spec.language());
    let l = crate::emit::prompt::words(spec);
    let call = names.call();
    let mut files = Vec::new();
    let file = |path: String, contents: String| OutputFile {
        path: PathBuf::from(path),
        contents,
    };

    // How the call ended: the value every scenario is judged by.
    let mut outcomes: Vec<(String, String)> = Vec::new();
    for (i, e) in spec.ends.iter().enumerate() {
        let words = e
            .caller
            .as_ref()
            .or(e.callee.as_ref())
            .map_or_else(|| liquid.lit(&e.id), |t| liquid.named(t));
        outcomes.push((names.end(i).to_owned(), words));
    }
    outcomes.push((PLAIN_END.to_owned(), liquid.lit(w.plain_end)));
    for (i, t) in spec.transfers.iter().enumerate() {
        let who = t.title.as_deref().unwrap_or(&t.id);
        outcomes.push((names.transfer(i).to_owned(), liquid.lit(&format!("{}{who}", w.handed))));
    }
    let mut description = liquid.lit(w.outcome);
    for (name, words) in &outcomes {
        let _ = write!(description, "\n- {name}: {words}");
    }
    files.push(file(
        format!("structuredOutputs/{}.yml", names.outcome_id()),
        yaml(
            "How the call ended (the simulations' evaluations)",
            &StructuredOutput {
                name: display_name(&format!("{call} outcome")),
                kind: "ai",
                description,
                schema: Schema {
                    kind: "string",
                    format: None,
                    pattern: None,
                    values: outcomes.iter().map(|(n, _)| n.clone()).collect(),
                    description: None,
                },
                assistant_ids: Vec::new(),
            },
        ),
    ));

    // Each capture: its value (extracted after every call) and whether it was given.
    for (i, c) in spec.captures.iter().enumerate() {
        let kind = l.kind_words(&c.kind, &|s| s.to_owned());
        files.push(file(
            format!("structuredOutputs/{}.yml", names.capture_id(i)),
            yaml(
                "A capture's value",
                &StructuredOutput {
                    name: display_name(&c.id),
                    kind: "ai",
                    description: liquid.lit(&c.description),
                    schema: schema(&c.kind, liquid.lit(&format!("{}{}{kind}", c.description, l.type_sep))),
                    assistant_ids: vec![names.assistant_id()],
                },
            ),
        ));
        files.push(file(
            format!("structuredOutputs/{}.yml", names.given_id(i)),
            yaml(
                "Whether a capture was given (the simulations' evaluations)",
                &StructuredOutput {
                    name: display_name(&format!("{} given", c.id)),
                    kind: "ai",
                    description: liquid.lit(&format!("{}{}{}{kind}", w.given, c.description, l.type_sep)),
                    schema: Schema {
                        kind: "boolean",
                        format: None,
                        pattern: None,
                        values: Vec::new(),
                        description: None,
                    },
                    assistant_ids: Vec::new(),
                },
            ),
        ));
    }

    // A personality per callee (the first scenario of each has its persona).
    let mut personalities: BTreeMap<&str, String> = BTreeMap::new();
    for (k, p) in spec.callees.iter().enumerate() {
        let Some(scenario) = set.scenarios.iter().find(|s| s.callee == p.id) else {
            continue;
        };
        let id = format!("{call}/{}", names.callee(k));
        personalities.insert(p.id.as_str(), id.clone());
        let mode = match set.first_speaker {
            Speaker::Callee => "assistant-speaks-first-with-model-generated-message",
            Speaker::Caller => "assistant-waits-for-user",
        };
        files.push(file(
            format!("simulations/personalities/{id}.yml"),
            yaml(
                "A callee to simulate",
                &Personality {
                    name: display_name(&format!("{} ({})", scenario.persona.name, p.id)),
                    assistant: PersonalityAssistant {
                        first_message_mode: mode,
                        model: Model {
                            provider: MODEL.0,
                            name: MODEL.1,
                            messages: vec![Message {
                                role: "system",
                                content: liquid.lit(&persona_prompt(&scenario.persona, set.first_speaker, l)),
                            }],
                            tools: Vec::new(),
                        },
                    },
                },
            ),
        ));
    }

    // A scenario and a simulation per scenario of the set.
    let variable_values: BTreeMap<String, String> = set
        .vars
        .iter()
        .enumerate()
        .filter_map(|(i, v)| Some((names.var(i).to_owned(), v.spoken.clone()?)))
        .collect();
    let mut simulations = Vec::new();
    // The scenarios left out, by why.
    let mut skipped: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for s in &set.scenarios {
        if let Some(why) = left_out(&s.moments, s.start) {
            skipped.entry(why).or_default().push(&s.id);
            continue;
        }
        let (Some(personality), Some(k)) = (
            personalities.get(s.callee.as_str()),
            spec.callees.iter().position(|p| p.id == s.callee),
        ) else {
            continue;
        };
        let id = format!("{call}/{}/{}", names.callee(k), s.path);
        let outcome = match &s.success.outcome {
            OutcomeModel::End { condition: None, .. } => PLAIN_END.to_owned(),
            OutcomeModel::End { condition: Some(c), .. } => spec
                .ends
                .iter()
                .position(|e| &e.id == c)
                .map_or_else(|| PLAIN_END.to_owned(), |i| names.end(i).to_owned()),
            OutcomeModel::Transfer { transfer, .. } => spec
                .transfers
                .iter()
                .position(|t| &t.id == transfer)
                .map_or_else(|| PLAIN_END.to_owned(), |i| names.transfer(i).to_owned()),
        };
        let mut evaluations = vec![Evaluation {
            structured_output_id: names.outcome_id(),
            comparator: "=",
            value: Value::Text(outcome.clone()),
            required: true,
        }];
        for capture in &s.success.captures {
            if let Some(i) = spec.captures.iter().position(|c| &c.id == capture) {
                evaluations.push(Evaluation {
                    structured_output_id: names.given_id(i),
                    comparator: "=",
                    value: Value::Bool(true),
                    required: true,
                });
            }
        }
        let name = display_name(&format!("{} {}: {outcome}", s.persona.name, s.path));
        files.push(file(
            format!("simulations/scenarios/{id}.yml"),
            yaml(
                "A scenario: what the simulated callee does, how the call is judged",
                &Scenario {
                    name: name.clone(),
                    instructions: liquid.lit(&instructions(spec, set, s, w, l)),
                    evaluations,
                    target_overrides: (!variable_values.is_empty()).then(|| Overrides {
                        variable_values: variable_values.clone(),
                    }),
                },
            ),
        ));
        files.push(file(
            format!("simulations/tests/{id}.yml"),
            yaml(
                "A simulation: a personality playing a scenario",
                &Simulation {
                    name,
                    personality_id: personality.clone(),
                    scenario_id: id.clone(),
                },
            ),
        ));
        simulations.push(id);
    }
    if !simulations.is_empty() {
        let title = spec
            .title
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or(&spec.id);
        let mut what = String::from("Every simulation of the call");
        for (why, ids) in &skipped {
            let _ = write!(
                what,
                "; left out, a simulation cannot make it happen ({why}): {}",
                ids.join(", ")
            );
        }
        // One line of comment: no line break can hide in an id.
        let what = what.replace(['\n', '\r'], " ");
        files.push(file(
            format!("simulations/suites/{call}.yml"),
            yaml(
                &what,
                &Suite {
                    name: display_name(title),
                    simulation_ids: simulations,
                },
            ),
        ));
    }
    files
}

/// The schema of a capture's value.
fn schema(kind: &ValueType, description: String) -> Schema {
    let (kind, format, pattern, values) = match kind {
        ValueType::Text => ("string", None, None, Vec::new()),
        ValueType::Email => ("string", Some("email"), None, Vec::new()),
        ValueType::Phone => ("string", None, Some(r"^\+[0-9]{6,15}$"), Vec::new()),
        ValueType::Date => ("string", Some("date"), None, Vec::new()),
        ValueType::Time => ("string", None, Some("^([01][0-9]|2[0-3]):[0-5][0-9]$"), Vec::new()),
        ValueType::YesNo => ("boolean", None, None, Vec::new()),
        ValueType::Integer { .. } => ("integer", None, None, Vec::new()),
        ValueType::Number | ValueType::Percent | ValueType::Money { .. } => ("number", None, None, Vec::new()),
        ValueType::OneOf(values) => ("string", None, None, values.clone()),
    };
    Schema {
        kind,
        format,
        pattern: pattern.map(str::to_owned),
        values,
        description: Some(description),
    }
}

/// The personality's prompt: the callee's half of the Markdown target's
/// prompts, in plain lines (the caller's `Liquid` escapes it as a whole).
fn persona_prompt(p: &Persona, first: Speaker, l: &Layout) -> String {
    let mut out = String::new();
    let speaker = usize::from(first == Speaker::Caller);
    out.push_str(l.answering[speaker]);
    out.push_str("\n\n### ");
    out.push_str(l.role);
    out.push('\n');
    let gender = p.gender.as_deref().map(|g| {
        match g {
            "male" => l.genders[0],
            "female" => l.genders[1],
            _ => l.genders[2],
        }
        .to_owned()
    });
    let age = p.age.map(|a| format!("{a}{}", l.age_unit));
    let fields = [Some(p.name.clone()), gender, age, p.org.clone(), p.role.clone()];
    for (label, value) in l.identity.iter().zip(fields) {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            let _ = writeln!(out, "- {label}{}{v}", l.colon);
        }
    }
    if let Some(persona) = p.persona.as_ref().filter(|x| !x.trim().is_empty()) {
        let _ = writeln!(out, "\n{persona}");
    }
    let section = |out: &mut String, title: &str, items: Vec<String>| {
        if !items.is_empty() {
            let _ = writeln!(out, "\n### {title}");
            for item in items {
                let _ = writeln!(out, "- {}", item.replace('\n', "\n  "));
            }
        }
    };
    section(
        &mut out,
        l.background,
        p.background
            .iter()
            .map(|e| format!("{}{}{}", e.label, l.colon, e.value))
            .collect(),
    );
    section(&mut out, l.behavior, p.behavior.clone());
    section(
        &mut out,
        l.concerns,
        p.concerns
            .iter()
            .map(|c| {
                let priority = match c.priority {
                    crate::emit::scenarios::Priority::Primary => l.priorities[0],
                    crate::emit::scenarios::Priority::Secondary => l.priorities[1],
                    crate::emit::scenarios::Priority::Latent => l.priorities[2],
                };
                format!("{priority}{}{}", l.colon, c.text)
            })
            .collect(),
    );
    let style = &p.style;
    if style.note.is_some() || !style.avoid.is_empty() || !style.prefer.is_empty() {
        let _ = writeln!(out, "\n### {}", l.style);
        if let Some(note) = &style.note {
            out.push_str(note);
            out.push('\n');
        }
        for (label, lines) in [(l.avoid, &style.avoid), (l.prefer, &style.prefer)] {
            if !lines.is_empty() {
                let _ = writeln!(out, "- {label}");
                for line in lines {
                    let _ = writeln!(out, "  {}{}{}", l.quotes[0], line.replace('\n', "\n  "), l.quotes[1]);
                }
            }
        }
    }
    out
}

/// A scenario's instructions: who calls, then at each of the caller's
/// turns what the simulated callee does, then how the call should end.
fn instructions(
    spec: &ir::Spec,
    set: &ScenarioSet,
    s: &crate::emit::scenarios::Scenario,
    w: &Words,
    l: &Layout,
) -> String {
    let caller = match (&set.caller.org, spec.language()) {
        (Some(org), Language::Chinese) => format!("{org}{}{}", w.of[0], set.caller.name),
        (Some(org), Language::English) => format!("{}{}{org}{}", set.caller.name, w.of[1], w.of[2]),
        (None, _) => set.caller.name.clone(),
    };
    let mut out = format!("{}{caller}{}\n", w.call_from[0], w.call_from[1]);
    if s.start == Start::Voicemail {
        out.push_str(w.voicemail);
        out.push('\n');
    }
    let quote = |t: &str| format!("{}{}{}", l.quotes[0], t, l.quotes[1]);
    let mut n = 0;
    for m in &s.moments {
        match m {
            Moment::Turn {
                caller_says, callee, ..
            } => {
                n += 1;
                let said = caller_says
                    .iter()
                    .map(|t| quote(t))
                    .collect::<Vec<_>>()
                    .join(w.lines_sep);
                let mut item = format!("{}{said}", w.caller_says);
                match callee {
                    None => {
                        item.push('\n');
                        item.push_str(w.go_on);
                    }
                    Some(action) => {
                        item.push('\n');
                        item.push_str(w.you);
                        item.push_str(&action_words(spec, action, w, l, &quote));
                    }
                }
                out.push_str(&numbered(n, &item));
            }
            Moment::Transfer {
                caller_says, succeeds, ..
            } => {
                if *succeeds {
                    n += 1;
                    let item = format!("{}{}\n{}{}", w.transfer[0], quote(caller_says), w.you, w.transfer[1]);
                    out.push_str(&numbered(n, &item));
                }
            }
            Moment::RetriesSpent { .. } => {}
        }
    }
    let ending = match &s.success.outcome {
        OutcomeModel::End {
            condition: Some(id),
            caller,
            callee,
        } => callee.clone().or_else(|| caller.clone()).unwrap_or_else(|| id.clone()),
        OutcomeModel::End { condition: None, .. } => w.plain_end.to_owned(),
        OutcomeModel::Transfer { transfer, title } => {
            format!("{}{}", w.handed, title.as_deref().unwrap_or(transfer))
        }
    };
    let _ = write!(out, "{}{ending}", w.ending);
    out
}

/// An item of a numbered list, its later lines under its first.
fn numbered(n: usize, item: &str) -> String {
    let marker = format!("{n}. ");
    let indent = " ".repeat(marker.len());
    format!("{marker}{}\n", item.replace('\n', &format!("\n{indent}")))
}

/// What the simulated callee does at a turn.
fn action_words(spec: &ir::Spec, action: &Action, w: &Words, l: &Layout, quote: &dyn Fn(&str) -> String) -> String {
    let value = |capture: &str| -> String {
        spec.captures.iter().find(|c| c.id == capture).map_or_else(
            || capture.to_owned(),
            |c| {
                let kind = l.kind_words(&c.kind, &|s| s.to_owned());
                format!("{}{}{kind}", c.description, l.type_sep)
            },
        )
    };
    match action {
        Action::Reply { gives } => {
            let mut out = w.reply.to_owned();
            if !gives.is_empty() {
                let items: Vec<String> = gives
                    .iter()
                    .map(|g| {
                        let mut item = value(&g.capture);
                        if g.optional {
                            item.push_str(w.optional);
                        }
                        item
                    })
                    .collect();
                out.push_str(w.give);
                out.push_str(&items.join(w.list_sep));
            }
            out.push_str(period(w));
            out
        }
        Action::Signal {
            signal,
            description,
            examples,
        } => {
            let meaning = description.clone().unwrap_or_else(|| signal.clone());
            let mut out = format!("{}{meaning}{}", w.signal[0], w.signal[1]);
            if !examples.is_empty() {
                out.push_str(w.examples);
                let examples: Vec<String> = examples.iter().map(|e| quote(e)).collect();
                out.push_str(&examples.join(w.or));
            }
            out.push_str(period(w));
            out
        }
        Action::Silence { seconds } => format!("{}{seconds}{}{}", w.silence[0], w.silence[1], period(w)),
        Action::Hangup => format!("{}{}", w.hangup, period(w)),
        Action::Withhold { captures } => {
            let items: Vec<String> = captures.iter().map(|c| value(c)).collect();
            format!("{}{}{}", w.withhold, items.join(w.list_sep), period(w))
        }
    }
}

/// The full stop of the words' language.
fn period(w: &Words) -> &'static str {
    if std::ptr::eq(w, &ZH) { "。" } else { "." }
}

// ---------------------------------------------------------------------------
// The files, as Vapi's DTOs (camelCase keys)
// ---------------------------------------------------------------------------

/// `CreateStructuredOutputDto`; `assistant_ids` is GitOps' spelling (its
/// resolver turns it into `assistantIds` of resolved ids).
#[derive(Serialize)]
struct StructuredOutput {
    name: String,
    #[serde(rename = "type")]
    kind: &'static str,
    description: String,
    schema: Schema,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    assistant_ids: Vec<String>,
}

#[derive(Serialize)]
struct Schema {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pattern: Option<String>,
    #[serde(rename = "enum", skip_serializing_if = "Vec::is_empty")]
    values: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
}

/// `CreatePersonalityDto`.
#[derive(Serialize)]
struct Personality {
    name: String,
    assistant: PersonalityAssistant,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PersonalityAssistant {
    first_message_mode: &'static str,
    model: Model,
}

/// `CreateScenarioDto`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Scenario {
    name: String,
    instructions: String,
    evaluations: Vec<Evaluation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_overrides: Option<Overrides>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Evaluation {
    structured_output_id: String,
    comparator: &'static str,
    value: Value,
    required: bool,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Value {
    Text(String),
    Bool(bool),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Overrides {
    variable_values: BTreeMap<String, String>,
}

/// The simulations API's create request (`scenarioId`, `personalityId`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Simulation {
    name: String,
    personality_id: String,
    scenario_id: String,
}

/// The simulation suites API's create request.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Suite {
    name: String,
    simulation_ids: Vec<String>,
}
