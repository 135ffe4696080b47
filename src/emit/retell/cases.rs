//! `test_cases.json`: a Retell test case definition
//! (`TestCreateTestCaseDefinitionParams`) per scenario of the spec's scenario
//! set ([`scenarios::model`]): the simulated callee's prompt from the persona
//! and the moments, the success criteria (`metrics`) from `success`, the
//! dynamic variables from the values the scenario was filled with. A
//! scenario the flow cannot play (silence, a hang-up, a step the flow leaves
//! out) is listed in `left_out` with the reason instead.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::words::Words;
use super::{CHECKED_AGAINST, FLOW_FILE, Name, Names, literal};
use crate::emit::scenarios::{self, Action, Moment, OutcomeModel, Persona, Priority, Scenario, ScenarioSet, Start};
use crate::ir;
use crate::layout::{Layout, layout};

/// What `response_engine.conversation_flow_id` holds until the deployment
/// puts the id Retell gives the created flow there.
pub const FLOW_ID_PLACEHOLDER: &str = "<conversation_flow_id of conversation_flow.json>";

#[derive(Serialize)]
pub(super) struct Manifest {
    generated_by: String,
    checked_against: String,
    conversation_flow: &'static str,
    usage: &'static str,
    left_out: Vec<LeftOut>,
    test_cases: Vec<Case>,
}

#[derive(Serialize)]
struct LeftOut {
    scenario: String,
    reason: String,
}

#[derive(Serialize)]
struct Case {
    name: String,
    response_engine: Engine,
    user_prompt: String,
    metrics: Vec<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    dynamic_variables: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct Engine {
    #[serde(rename = "type")]
    kind: &'static str,
    conversation_flow_id: &'static str,
}

/// The test cases of a spec; `left_out_steps` are the steps the flow has no
/// node for.
pub(super) fn manifest(spec: &ir::Spec, names: &Names, left_out_steps: &[usize]) -> Manifest {
    let set = scenarios::model(spec, &scenarios::Options::default());
    let l = layout(&spec.locale);
    let w = super::words::of(spec.language());
    let absent: Vec<&str> = left_out_steps.iter().map(|&i| spec.steps[i].id.as_str()).collect();
    let dynamic_variables: BTreeMap<String, String> = set
        .vars
        .iter()
        .enumerate()
        .filter_map(|(v, value)| {
            let said = value.spoken.clone().or_else(|| value.value.clone())?;
            Some((names.name(Name::Var(v)), said))
        })
        .collect();
    let mut left_out = Vec::new();
    let mut test_cases = Vec::new();
    for scenario in &set.scenarios {
        if let Some(reason) = unplayable(scenario, &absent) {
            left_out.push(LeftOut {
                scenario: scenario.id.clone(),
                reason,
            });
            continue;
        }
        let text = Writer { spec, set: &set, l, w };
        test_cases.push(Case {
            name: literal(&format!("{}: {}", scenario.id, scenario.summary)),
            response_engine: Engine {
                kind: "conversation-flow",
                conversation_flow_id: FLOW_ID_PLACEHOLDER,
            },
            user_prompt: literal(&text.user_prompt(scenario)),
            metrics: text.metrics(scenario).iter().map(|m| literal(m)).collect(),
            dynamic_variables: dynamic_variables.clone(),
        });
    }
    Manifest {
        generated_by: format!("callc, from call `{}` (target retell)", spec.id),
        checked_against: format!("{} {}", CHECKED_AGAINST.package, CHECKED_AGAINST.version),
        conversation_flow: FLOW_FILE,
        usage: "Create the conversation flow from conversation_flow.json first; put the conversation_flow_id Retell \
                returns into each test case's response_engine, then create each test case \
                (client.tests.create_test_case_definition(**test_case)).",
        left_out,
        test_cases,
    }
}

/// Why the flow cannot play a scenario, if it cannot.
fn unplayable(scenario: &Scenario, absent: &[&str]) -> Option<String> {
    if scenario.start == Start::NoAnswer {
        return Some("the call is never answered: `no_answer` is the dialer's, not the flow's".to_owned());
    }
    for moment in &scenario.moments {
        if let Moment::Turn { step, callee, .. } = moment {
            match callee {
                Some(Action::Silence { .. }) => {
                    return Some(format!(
                        "the callee stays silent at `{step}`: Retell has no transition on silence"
                    ));
                }
                Some(Action::Hangup) => {
                    return Some(format!("the callee hangs up at `{step}`: a hang-up is the dialer's"));
                }
                _ => {}
            }
            if absent.contains(&step.as_str()) {
                return Some(format!("the flow leaves out step `{step}`"));
            }
        }
    }
    None
}

/// Writes a scenario's texts in the spec's language.
struct Writer<'a> {
    spec: &'a ir::Spec,
    set: &'a ScenarioSet,
    l: &'static Layout,
    w: &'static Words,
}

impl Writer<'_> {
    fn quoted(&self, s: &str) -> String {
        format!("{}{s}{}", self.w.quote[0], self.w.quote[1])
    }

    /// A capture's description, by id, and the form of its value in the
    /// locale's words.
    fn capture(&self, id: &str) -> (String, String) {
        self.spec.captures.iter().find(|c| c.id == id).map_or_else(
            || (id.to_owned(), String::new()),
            |c| (c.description.clone(), self.l.kind_words(&c.kind, &|s| s.to_owned())),
        )
    }

    /// The simulated callee's prompt.
    fn user_prompt(&self, scenario: &Scenario) -> String {
        let (l, w) = (self.l, self.w);
        let mut out = String::new();
        let caller = &self.set.caller;
        let who: Vec<&str> = [caller.org.as_deref(), caller.role.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect();
        let _ = write!(out, "{}{}", w.called_by[0], caller.name);
        if !who.is_empty() {
            let _ = write!(out, "{}{}{}", w.called_by[1], who.join(l.list_sep), w.called_by[2]);
        }
        let _ = writeln!(out, "{}", w.called_by[3]);
        let speaker = usize::from(self.set.first_speaker == scenarios::Speaker::Caller);
        let _ = writeln!(out, "{}", l.answering[speaker]);
        let _ = writeln!(out, "{}", w.speak);
        persona(&mut out, l, w, &scenario.persona);
        section(&mut out, w.script);
        let _ = writeln!(out, "{}", w.script_note);
        if scenario.start == Start::Voicemail {
            let _ = writeln!(out, "{}", w.answering_machine);
        }
        // The opening is said before the first step's lines, in the same turn.
        let mut opening = self.set.opening.as_deref().filter(|o| !o.trim().is_empty());
        let mut n = 0;
        for moment in &scenario.moments {
            match moment {
                Moment::Turn {
                    caller_says, callee, ..
                } => {
                    n += 1;
                    let _ = write!(out, "{n}. ");
                    let says: Vec<&str> = opening
                        .take()
                        .into_iter()
                        .chain(caller_says.iter().map(String::as_str))
                        .collect();
                    if !says.is_empty() {
                        let _ = writeln!(out, "{}{}{}", w.caller_says[0], says.join(w.line_sep), w.caller_says[1]);
                        out.push_str("   ");
                    }
                    let _ = writeln!(out, "{}", self.action(callee.as_ref()));
                }
                Moment::Transfer {
                    transfer,
                    title,
                    caller_says,
                    succeeds,
                } => {
                    n += 1;
                    let _ = writeln!(
                        out,
                        "{n}. {}{caller_says}{}{}{}{}",
                        w.caller_says[0],
                        w.caller_says[1],
                        w.transfer[0],
                        title.as_deref().unwrap_or(transfer),
                        w.transfer[if *succeeds { 1 } else { 2 }]
                    );
                }
                Moment::RetriesSpent { .. } => {}
            }
        }
        let _ = writeln!(out, "{}", w.after_end);
        out.trim_end().to_owned()
    }

    /// What the callee does at a turn.
    fn action(&self, action: Option<&Action>) -> String {
        let (l, w) = (self.l, self.w);
        let Some(action) = action else {
            return w.goes_on.to_owned();
        };
        let mut out = w.you.to_owned();
        match action {
            Action::Reply { gives } => {
                out.push_str(w.reply);
                for give in gives {
                    let (description, kind) = self.capture(&give.capture);
                    let _ = write!(out, "\n   {}{kind}{}{description}", w.give[0], w.give[1]);
                    if give.optional {
                        out.push_str(w.optional);
                    }
                }
            }
            Action::Signal {
                signal,
                description,
                examples,
            } => {
                out.push_str(w.means);
                match description.as_deref().filter(|d| !d.trim().is_empty()) {
                    Some(d) => out.push_str(d),
                    None => {
                        let _ = write!(out, "{}{signal}{}", w.gives_signal[0], w.gives_signal[1]);
                    }
                }
                if !examples.is_empty() {
                    let quoted: Vec<String> = examples.iter().map(|e| self.quoted(e)).collect();
                    let _ = write!(out, "{}{}{}", w.for_example[0], quoted.join(w.or), w.for_example[1]);
                }
            }
            Action::Silence { seconds } => {
                let _ = write!(out, "{}{seconds}{}", w.silence[0], w.silence[1]);
            }
            Action::Hangup => out.push_str(w.hang_up),
            Action::Withhold { captures } => {
                let what: Vec<String> = captures.iter().map(|c| self.capture(c).0).collect();
                let _ = write!(out, "{}{}", w.withhold, what.join(l.list_sep));
            }
        }
        out
    }

    /// The success criteria: who speaks first, the outcome, the closing,
    /// the captures made and the concerns answered.
    fn metrics(&self, scenario: &Scenario) -> Vec<String> {
        let w = self.w;
        let success = &scenario.success;
        let mut out = Vec::new();
        if scenario.start == Start::Answered {
            let speaker = usize::from(self.set.first_speaker == scenarios::Speaker::Caller);
            out.push(w.first_words[speaker].to_owned());
        }
        match &success.outcome {
            OutcomeModel::End { condition, caller, .. } => {
                match (condition, caller) {
                    (_, Some(wording)) => out.push(format!("{}{wording}", w.ends_with)),
                    (Some(id), None) => out.push(format!("{}{id}", w.ends_with)),
                    (None, None) => out.push(w.ends_plainly.to_owned()),
                }
                if !self.set.closing.trim().is_empty() {
                    out.push(format!("{}{}", w.closing_said, self.quoted(&self.set.closing)));
                }
            }
            OutcomeModel::Transfer { transfer, title } => {
                out.push(format!("{}{}", w.transferred, title.as_deref().unwrap_or(transfer)));
            }
        }
        for capture in &success.captures {
            out.push(format!("{}{}", w.captured, self.capture(capture).0));
        }
        for id in &success.concerns_answered {
            if let Some(c) = scenario.persona.concerns.iter().find(|c| &c.id == id) {
                out.push(format!("{}{}", w.concern_answered, c.text));
            }
        }
        out
    }
}

fn section(out: &mut String, title: &str) {
    let _ = write!(out, "\n### {title}\n");
}

/// The persona, in the layout of the Markdown target's callee prompt.
fn persona(out: &mut String, l: &Layout, w: &Words, p: &Persona) {
    section(out, l.role);
    let gender = p.gender.as_deref().map(|g| match g {
        "male" => l.genders[0],
        "female" => l.genders[1],
        _ => l.genders[2],
    });
    let age = p.age.map(|a| format!("{a}{}", l.age_unit));
    let fields = [
        Some(p.name.as_str()),
        gender,
        age.as_deref(),
        p.org.as_deref(),
        p.role.as_deref(),
    ];
    for (label, value) in l.identity.iter().zip(fields) {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            let _ = writeln!(out, "- {label}{}{v}", l.colon);
        }
    }
    if let Some(prose) = p.persona.as_deref().filter(|x| !x.trim().is_empty()) {
        let _ = write!(out, "\n{prose}\n");
    }
    if !p.background.is_empty() {
        section(out, l.background);
        for e in &p.background {
            let _ = writeln!(out, "- {}{}{}", e.label, l.colon, e.value);
        }
    }
    if !p.concerns.is_empty() {
        section(out, l.concerns);
        for c in &p.concerns {
            let label = match c.priority {
                Priority::Primary => l.priorities[0],
                Priority::Secondary => l.priorities[1],
                Priority::Latent => l.priorities[2],
            };
            let _ = writeln!(out, "- {label}{}{}", l.colon, c.text);
        }
        let _ = writeln!(out, "{}", w.concerns_rule);
    }
    if !p.behavior.is_empty() {
        section(out, l.behavior);
        for b in &p.behavior {
            let _ = writeln!(out, "- {b}");
        }
    }
    let s = &p.style;
    if s.note.is_some() || !s.avoid.is_empty() || !s.prefer.is_empty() {
        section(out, l.style);
        if let Some(note) = &s.note {
            let _ = writeln!(out, "{note}");
        }
        for (label, lines) in [(l.avoid, &s.avoid), (l.prefer, &s.prefer)] {
            if !lines.is_empty() {
                let _ = writeln!(out, "{label}");
                for line in lines {
                    let _ = writeln!(out, "- {line}");
                }
            }
        }
    }
}
