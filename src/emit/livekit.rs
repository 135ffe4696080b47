//! The `livekit` target: the scenario set ([`scenarios::model`]) as a
//! LiveKit agent-simulation `scenarios.yaml` — the file `lk agent simulate
//! --scenarios FILE` reads into the protobuf `livekit.ScenarioGroup`
//! (`livekit.agents.simulation.ScenarioGroup` in livekit-agents): a `name`
//! and one scenario per callee × path, each with
//!
//! - `label`: the scenario's id in the set, `CALLEE.pN`;
//! - `instructions` for the simulated user: the persona (with the style
//!   examples to imitate and to avoid, the concerns), the outbound direction
//!   and who speaks first, then what to do at each moment of the path and
//!   when to hang up — or, when an answering machine answers, how to play it;
//! - `agent_expectations` for the judge: the lines the agent must say, step
//!   by step, how it reacts, the outcome, the captures, the concerns its
//!   lines address;
//! - `tags` (`callee`, `path`, `start`, `outcome`) to filter runs by;
//! - `userdata`, which the agent reads at run time
//!   (`SimulationContext.userdata()`): the variables' values under `vars`,
//!   the transfers that must fail on the path, and what success is
//!   (`expect`, the scenario set's `success` as it is).
//!
//! A path on which nobody answers is left out (a simulation always
//! connects), and the header comment says so. docs/targets/livekit.md
//! documents the mapping.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;
use serde::ser::Serializer;

use super::prompt::Template;
use super::scenarios::{self, Options, OutcomeModel, Scenario, ScenarioSet, SelectionKind, Start, Success};
use super::simulation as brief; // the words both simulator targets share
use super::{Approximation, EmitError, OutputFile, Vendor};
use crate::ir::{self, VarRef};
use crate::names::AsciiNames;

/// The package this target's output is checked against in CI.
pub const CHECKED_AGAINST: Vendor = Vendor {
    package: "livekit-agents",
    version: "1.8.9",
    requirements: "tests/e2e/livekit/requirements.txt",
};

/// Every field of the IR and what this target does with it. The target is
/// built from the scenario set, so most fields reach it through
/// [`scenarios::model`]; the checklist says where each one ends up.
#[rustfmt::skip]
const _: fn(&ir::Spec, &ir::Party, &ir::Style, &ir::Step, &ir::Qa, &ir::Concern, &ir::Signal, &ir::EndCondition) = |
    ir::Spec {
        id: _,                       // the group's `name`; `userdata.call`
        title: _,                    // the header comment
        locale: _,                   // the language the simulated user must speak, the quotation marks
        caller: _,                   // who calls, in `instructions` and `agent_expectations`
        callees: _,                  // `instructions`; the `callee` tag
        concerns: _,                 // `instructions` (the callee's words), `agent_expectations` (those addressed)
        signals: _,                  // `instructions`: the signal to give at a moment, the ones not to give otherwise
        vars: _,                     // `userdata.vars` (the examples); every text holds them filled in
        opening: _,                  // `agent_expectations`
        steps: _,                    // `instructions` and `agent_expectations`: one item per step on the path
        global_branches: _,          // through the paths
        faq: _,                      // not written: the user may ask; the agent's own prompt has the answers
        ends: _,                     // `agent_expectations`; the `outcome` tag; `userdata.expect`
        closing: _,                  // `instructions` (when to hang up), `agent_expectations`
        first_speaker: _,            // `instructions`: speak first, or wait for the caller
        silence_timeout: _,          // `instructions`: how long to stay silent
        silence_timeout_explicit: _, // nothing more
        transfers: _,                // `instructions`, `agent_expectations`, `userdata.transfers_fail`
        captures: _,                 // `instructions` (what to give or withhold), `agent_expectations`, `userdata.expect`
    },
    ir::Party {
        id: _,         // the `callee` tag, the label
        name: _,       // `instructions`
        gender: _,     // `instructions`
        age: _,        // `instructions`
        org: _,        // `instructions`
        role: _,       // `instructions`
        persona: _,    // `instructions`
        task: _,       // not written: the caller's task is the agent's
        knows: _,      // not written (the caller's knowledge)
        background: _, // `instructions`
        behavior: _,   // `instructions`
        style: _,      // `instructions`: the lines to imitate and to avoid
        concerns: _,   // `instructions`
        extends: _,    // what a callee inherits is in its own instructions
    },
    ir::Style {
        note: _,   // `instructions`
        avoid: _,  // `instructions`
        prefer: _, // `instructions`
    },
    ir::Step {
        id: _,            // `agent_expectations` names the steps
        title: _,         // `agent_expectations`
        lines: _,         // `instructions`, `agent_expectations`
        covers: _,        // `agent_expectations`: the concerns answered
        next: _,          // through the paths
        next_explicit: _, // through the paths
        branches: _,      // through the paths
        overrides: _,     // through the paths
        waits: _,         // `instructions`: a step that does not wait is just listened to
        captures: _,      // `instructions`, `agent_expectations`
        retry: _,         // `instructions` (withhold until spent), `agent_expectations`
    },
    ir::Qa {
        id: _,        // not written
        questions: _, // not written
        answer: _,    // not written
        covers: _,    // not written
    },
    ir::Concern {
        id: _,    // `agent_expectations`
        steps: _, // through the paths
        faq: _,   // not written
    },
    ir::Signal {
        id: _,          // `instructions`
        description: _, // `instructions`, `agent_expectations`
        examples: _,    // `instructions`: for example …
    },
    ir::EndCondition {
        id: _,       // `agent_expectations`, the `outcome` tag
        caller: _,   // `agent_expectations`
        callee: _,   // `userdata.expect`
        requires: _, // through the paths
    },
| {};

/// The same for the parts of "calls that listen".
#[rustfmt::skip]
const _: fn(&ir::Transfer, &ir::Capture, &ir::Retry) = |
    ir::Transfer {
        id: _,       // `agent_expectations`, `userdata.transfers_fail`, the `outcome` tag
        title: _,    // `instructions`, `agent_expectations`
        say: _,      // `instructions`, `agent_expectations`
        to: _,       // not written (the agent's telephony)
        fallback: _, // through the paths
        requires: _, // through the paths
    },
    ir::Capture {
        id: _,          // `instructions`, `agent_expectations`, `userdata.expect.captures`
        kind: _,        // `instructions`
        optional: _,    // `instructions`
        description: _, // `instructions`
        step: _,        // through the paths
    },
    ir::Retry {
        max: _,  // through the paths: how often a capture is withheld
        then: _, // through the paths
    },
| {};

/// The scenario set's fields and what this target does with them.
#[rustfmt::skip]
const _: fn(&ScenarioSet, &Scenario) = |
    ScenarioSet {
        format_version: _,  // not written
        call: _,            // `name`, `userdata.call`
        title: _,           // the header comment
        locale: _,          // the language
        first_speaker: _,   // `instructions`
        silence_timeout: _, // `instructions`
        caller: _,          // `instructions`, `agent_expectations`
        opening: _,         // `agent_expectations`
        closing: _,         // `instructions`, `agent_expectations`
        vars: _,            // `userdata.vars`
        selection: _,       // the header comment
        scenarios: _,       // one scenario each
    },
    Scenario {
        id: _,       // `label`, `userdata.scenario`
        callee: _,   // the `callee` tag
        path: _,     // the `path` tag
        summary: _,  // not written: the instructions say it in full
        persona: _,  // `instructions`
        start: _,    // `instructions` (an answering machine), the `start` tag; no answer is left out
        moments: _,  // `instructions`, `agent_expectations`, `userdata.transfers_fail`
        success: _,  // `agent_expectations`, `userdata.expect`, the `outcome` tag
    },
| {};

/// The words of LiveKit's simulated user: it can speak first, and it ends
/// the conversation itself.
pub const RUNTIME: brief::Runtime = brief::Runtime {
    hang_up: "end the conversation",
    stay_silent: "send no message at all",
    speaks_first: true,
};

/// The one escaping function of this target. No template engine reads a
/// scenario's texts: the CLI copies them into the protobuf's string fields
/// and the simulator and judge read them as prose, so literal text is
/// written as it is and comes back exactly (YAML escaping is
/// serde-saphyr's). A variable (only one without an example reaches the
/// scenario set unfilled) stays `{{id}}`, as the scenario set writes it.
pub struct Verbatim;

impl Template for Verbatim {
    fn var(&self, var: &VarRef) -> String {
        format!("{{{{{}}}}}", var.id)
    }
    fn literal(&self, s: &str) -> String {
        s.to_owned()
    }
}

/// Names a YAML 1.1 reader (`PyYAML`, which the CI check uses) would read
/// as something other than a string when written unquoted as a key:
/// serde-saphyr quotes keys by YAML 1.2's rules only.
const RESERVED: &[&str] = &["y", "n", "yes", "no", "on", "off", "true", "false", "null"];

/// The one naming function of this target: the keys of `userdata.vars`,
/// from the variables' ids with the shared [`AsciiNames`] (`[a-z0-9_]`,
/// pinyin for Chinese, unique), never a word a YAML 1.1 reader takes for a
/// boolean or null. The agent's code reads
/// `ctx.userdata()["vars"]["customer_name"]`.
#[must_use]
pub fn var_names(set: &ScenarioSet) -> AsciiNames {
    AsciiNames::new(set.vars.iter().map(|v| v.id.as_str()), RESERVED)
}

/// Why a scenario is left out, or `None` when the simulator can play it.
#[must_use]
pub fn left_out(s: &Scenario) -> Option<&'static str> {
    match s.start {
        Start::Answered | Start::Voicemail => None,
        Start::NoAnswer => Some("nobody answers: a LiveKit simulation always connects the simulated user to the agent"),
    }
}

#[derive(Serialize)]
struct Group {
    name: String,
    scenarios: Vec<LkScenario>,
}

#[derive(Serialize)]
struct LkScenario {
    label: String,
    instructions: String,
    agent_expectations: String,
    tags: BTreeMap<&'static str, String>,
    userdata: Userdata,
}

#[derive(Serialize)]
struct Userdata {
    call: String,
    scenario: String,
    #[serde(serialize_with = "in_order")]
    vars: Vec<(String, Option<String>)>,
    transfers_fail: Vec<String>,
    expect: Success,
}

/// Pairs as a mapping, in their order.
fn in_order<S: Serializer>(pairs: &[(String, Option<String>)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().map(|(k, v)| (k, v)))
}

/// The `outcome` tag: the end condition's id, `end` for a plain end,
/// `transfer:ID` for a hand-over.
fn outcome(s: &Scenario) -> String {
    match &s.success.outcome {
        OutcomeModel::End { condition, .. } => condition.clone().unwrap_or_else(|| "end".to_owned()),
        OutcomeModel::Transfer { transfer, .. } => format!("transfer:{transfer}"),
    }
}

/// The files of the target.
#[must_use]
pub fn emit(spec: &ir::Spec) -> Vec<OutputFile> {
    emit_set(&scenarios::model(spec, &Options::default()))
}

/// The file of the target for a scenario set (any [`Options`]).
#[must_use]
pub fn emit_set(set: &ScenarioSet) -> Vec<OutputFile> {
    let t = &Verbatim;
    let names = var_names(set);
    let vars: Vec<(String, Option<String>)> = set
        .vars
        .iter()
        .map(|v| (names.get(&v.id), v.value.as_deref().map(|x| t.literal(x))))
        .collect();
    let mut left: Vec<(&Scenario, &str)> = Vec::new();
    let mut personas: BTreeMap<&str, String> = BTreeMap::new();
    let mut out = Vec::new();
    for s in &set.scenarios {
        if let Some(why) = left_out(s) {
            left.push((s, why));
            continue;
        }
        // The persona is the same on every path of a callee: written once per callee.
        let who = if s.start == Start::Voicemail {
            brief::answering_machine(set, &s.persona, t)
        } else {
            personas
                .entry(s.callee.as_str())
                .or_insert_with(|| brief::persona(set, &s.persona, &RUNTIME, t))
                .clone()
        };
        let instructions = format!("{who}\n{}", brief::course(set, s, &RUNTIME, t));
        let start = match s.start {
            Start::Answered => "answered",
            Start::Voicemail => "voicemail",
            Start::NoAnswer => "no_answer",
        };
        out.push(LkScenario {
            label: t.literal(&s.id),
            instructions,
            agent_expectations: brief::expectations(set, s, t),
            tags: BTreeMap::from([
                ("callee", t.literal(&s.callee)),
                ("path", t.literal(&s.path)),
                ("start", start.to_owned()),
                ("outcome", t.literal(&outcome(s))),
            ]),
            userdata: Userdata {
                call: t.literal(&set.call),
                scenario: t.literal(&s.id),
                vars: vars.clone(),
                transfers_fail: brief::failed_transfers(s).into_iter().map(|x| t.literal(x)).collect(),
                expect: success(&s.success, t),
            },
        });
    }
    let group = Group {
        name: t.literal(&set.call),
        scenarios: out,
    };
    vec![OutputFile {
        path: PathBuf::from("scenarios.yaml"),
        contents: super::rasa::yaml(&header(set, &left), &group),
    }]
}

/// The scenario set's `success`, its texts through the template.
fn success(s: &Success, t: &dyn Template) -> Success {
    let lit = |x: &String| t.literal(x);
    let opt = |x: &Option<String>| x.as_ref().map(lit);
    Success {
        outcome: match &s.outcome {
            OutcomeModel::End {
                condition,
                caller,
                callee,
            } => OutcomeModel::End {
                condition: opt(condition),
                caller: opt(caller),
                callee: opt(callee),
            },
            OutcomeModel::Transfer { transfer, title } => OutcomeModel::Transfer {
                transfer: lit(transfer),
                title: opt(title),
            },
        },
        ended_by: s.ended_by,
        captures: s.captures.iter().map(lit).collect(),
        concerns_answered: s.concerns_answered.iter().map(lit).collect(),
        caller_turns: s.caller_turns,
    }
}

/// The header comment: what the file holds, the version it was checked
/// against, what was left out and why.
fn header(set: &ScenarioSet, left: &[(&Scenario, &str)]) -> String {
    let c = brief::comment;
    let mut h = format!(
        "# LiveKit agent-simulation scenarios of the call {}{}: each callee on {}\n\
         # (`callc scenarios`). Run them with `lk agent simulate --scenarios scenarios.yaml`.\n\
         # Written by callc; checked against {} {} (livekit.agents.simulation.ScenarioGroup).\n",
        c(&set.call),
        set.title.as_deref().map(|t| format!(" ({})", c(t))).unwrap_or_default(),
        match set.selection.kind {
            SelectionKind::EveryPath => "every path of the flow".to_owned(),
            SelectionKind::Covering => format!(
                "a covering set of paths: {}",
                c(set.selection.reason.as_deref().unwrap_or("too many paths to list"))
            ),
        },
        CHECKED_AGAINST.package,
        CHECKED_AGAINST.version,
    );
    if !left.is_empty() {
        h.push_str("# Left out, because a LiveKit simulation cannot play them:\n");
        for (s, why) in left {
            let _ = writeln!(h, "#   {}: {} — {why}", c(&s.id), c(&s.summary));
        }
    }
    h
}

/// Whether the runtime can express the spec: an [`EmitError`] names what it
/// cannot (the build then writes nothing).
///
/// # Errors
/// No path of the flow connects: there is no scenario to simulate.
pub fn limits(spec: &ir::Spec) -> Result<(), EmitError> {
    let set = scenarios::model(spec, &Options::default());
    if set.scenarios.iter().any(|s| left_out(s).is_none()) {
        return Ok(());
    }
    Err(EmitError {
        message:
            "no scenario of the call connects, and a LiveKit simulation always connects the simulated user to the agent"
                .to_owned(),
        help: "give the flow a path on which the call connects, or use `callc scenarios`".to_owned(),
    })
}

/// What the file leaves out, said as a warning at every build
/// (`emit::approximations`): the scenarios on which nobody answers (never
/// with the default scenario set, which does not follow `no_answer`).
#[must_use]
pub fn approximations(spec: &ir::Spec) -> Vec<Approximation> {
    approximations_of(&scenarios::model(spec, &Options::default()))
}

/// The same for a scenario set (any [`Options`]).
#[must_use]
pub fn approximations_of(set: &ScenarioSet) -> Vec<Approximation> {
    let left: Vec<String> = set
        .scenarios
        .iter()
        .filter(|s| left_out(s).is_some())
        .map(|s| format!("`{}`", s.id))
        .collect();
    if left.is_empty() {
        return Vec::new();
    }
    vec![Approximation {
        message: format!(
            "the livekit target leaves out {} scenario(s) on which nobody answers ({}): a LiveKit simulation always connects",
            left.len(),
            left.join(", ")
        ),
        help:
            "each is named, with its reason, in the file's header; the dialer that places the calls handles no answer"
                .to_owned(),
    }]
}
