//! The `pipecat-evals` target: the scenario set ([`scenarios::model`]) as
//! Pipecat Evals simulation files, the format `pipecat.evals.scenario.
//! EvalScenarioFile.load` reads (pipecat-ai, `pipecat/evals/scenario.py`
//! and `simulation.py`). A directory: one YAML file per callee, named by the
//! callee, holding one simulated scenario per path under `scenarios:`.
//!
//! Each file gives, at its top (the default of every scenario in it, as the
//! format allows), the callee's `persona` — who they are, the style examples
//! to imitate and to avoid, their concerns, the outbound direction (they did
//! not place the call) and the language — the judged `metrics`, `runs: 3` and
//! the lull cap; each scenario (`p1`, `p2`, … as in `callc scenarios`) gives
//! the `goal` (what to do at each moment of the path, then how to hang up),
//! the `success` the judge decides (the lines, the outcome, the captures, the
//! concerns answered) and its `max_turns` and `max_duration_s`.
//!
//! What Evals cannot play is left out and said in the file's header comment
//! (never silently): a path that starts with an answering machine or with no
//! answer (the persona is a person, and it only ever answers the bot's
//! turns). A path on which a transfer fails goes to a second file,
//! `CALLEE__transfer_fails.yaml`: Evals sends the bot nothing per scenario, so
//! those runs need a bot whose transfers fail (a manifest entry of its own).
//! docs/targets/pipecat-evals.md documents the mapping.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use super::prompt::Template;
use super::scenarios::{self, Options, Persona, Scenario, ScenarioSet, SelectionKind, Speaker, Start};
use super::simulation;
use super::{Approximation, EmitError, OutputFile, Vendor};
use crate::ir::{self, VarRef};
use crate::names::AsciiNames;

/// The package this target's output is checked against in CI.
pub const CHECKED_AGAINST: Vendor = Vendor {
    package: "pipecat-ai",
    version: "1.14.0",
    requirements: "tests/e2e/pipecat/requirements.txt",
};

/// How many times Evals runs each simulation (every run must pass: "one
/// run is an anecdote and three are a check").
pub const RUNS: u32 = 3;

/// Every field of the IR and what this target does with it. The target is
/// built from the scenario set, so most fields reach it through
/// [`scenarios::model`]; the checklist says where each one ends up.
#[rustfmt::skip]
const _: fn(&ir::Spec, &ir::Party, &ir::Style, &ir::Step, &ir::Qa, &ir::Concern, &ir::Signal, &ir::EndCondition) = |
    ir::Spec {
        id: _,                       // the header comment
        title: _,                    // not written: the judge needs no title
        locale: _,                   // the language the persona must speak (`simulation::language_name`), the quotation marks
        caller: _,                   // who calls, in `persona` and `success`
        callees: _,                  // one file each; `persona`
        concerns: _,                 // `persona` (the callee's words), `success` (those the path addresses)
        signals: _,                  // `goal`: the signal to give at a moment, the signals not to give otherwise
        vars: _,                     // every text holds the variables' examples (a scenario is one concrete call)
        opening: _,                  // `success`: the agent opens with it
        steps: _,                    // `goal` and `success`: one item per step on the path, with its lines
        global_branches: _,          // through the paths: the signal given at a step
        faq: _,                      // not written: the persona may ask; the agent's own prompt has the answers
        ends: _,                     // `success`: the end condition reached, in the caller's words
        closing: _,                  // `goal` (when to hang up) and `success`
        first_speaker: _,            // `persona`: Evals' persona cannot speak first, so it is told it already answered
        silence_timeout: _,          // `goal` (how long to stay silent), `max_silence_s`, `max_duration_s`
        silence_timeout_explicit: _, // nothing more
        transfers: _,                // `goal`/`success`; a failed one puts the scenario in `__transfer_fails`
        captures: _,                 // `goal` (what to give or withhold), `success` (what the agent records)
    },
    ir::Party {
        id: _,         // the file name (`file_names`)
        name: _,       // `persona`
        gender: _,     // `persona`
        age: _,        // `persona`
        org: _,        // `persona`
        role: _,       // `persona`
        persona: _,    // `persona`
        task: _,       // not written: the caller's task is the agent's, not the judge's
        knows: _,      // not written (the caller's knowledge)
        background: _, // `persona`
        behavior: _,   // `persona`
        style: _,      // `persona`: the lines to imitate and to avoid
        concerns: _,   // `persona`
        extends: _,    // what a callee inherits is in its own persona
    },
    ir::Style {
        note: _,   // `persona`
        avoid: _,  // `persona`
        prefer: _, // `persona`
    },
    ir::Step {
        id: _,            // `success` names the steps
        title: _,         // `success`
        lines: _,         // `goal` (what the caller says) and `success` (what the agent must say)
        covers: _,        // `success`: the concerns answered
        next: _,          // through the paths
        next_explicit: _, // through the paths
        branches: _,      // through the paths
        overrides: _,     // through the paths
        waits: _,         // `goal`: a step that does not wait is just listened to
        captures: _,      // `goal`, `success`
        retry: _,         // `goal` (withhold until the retries are spent), `success`
    },
    ir::Qa {
        id: _,        // not written
        questions: _, // not written
        answer: _,    // not written
        covers: _,    // not written
    },
    ir::Concern {
        id: _,    // `success`
        steps: _, // through the paths
        faq: _,   // not written
    },
    ir::Signal {
        id: _,          // `goal`
        description: _, // `goal`, `success`
        examples: _,    // `goal`: for example …
    },
    ir::EndCondition {
        id: _,       // `success`
        caller: _,   // `success`
        callee: _,   // not written: the persona hangs up after the closing line
        requires: _, // through the paths
    },
| {};

/// The same for the parts of "calls that listen".
#[rustfmt::skip]
const _: fn(&ir::Transfer, &ir::Capture, &ir::Retry) = |
    ir::Transfer {
        id: _,       // `success`
        title: _,    // `goal`, `success`
        say: _,      // `goal`, `success`
        to: _,       // not written (the bot's telephony)
        fallback: _, // through the paths
        requires: _, // through the paths
    },
    ir::Capture {
        id: _,          // `goal`, `success`
        kind: _,        // `goal`
        optional: _,    // `goal`: may be left out
        description: _, // `goal`
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
        call: _,            // the header comment
        title: _,           // not written
        locale: _,          // the language
        first_speaker: _,   // `persona`
        silence_timeout: _, // `max_silence_s`
        caller: _,          // `persona`, `success`
        opening: _,         // `success`
        closing: _,         // `goal`, `success`
        vars: _,            // already in every text
        selection: _,       // the header comment
        scenarios: _,       // one entry each, in the callee's file
    },
    Scenario {
        id: _,       // the header comment (left out ones)
        callee: _,   // the file
        path: _,     // `name`
        summary: _,  // not written: `goal` says it in full
        persona: _,  // `persona`
        start: _,    // a voicemail or no-answer start is left out
        moments: _,  // `goal`, `success`
        success: _,  // `success`
    },
| {};

/// The words of Evals' simulated caller (`pipecat/evals/persona.py`): it
/// hangs up with its `end_call` tool, and it answers the bot's turns only.
pub const RUNTIME: simulation::Runtime = simulation::Runtime {
    hang_up: "hang up by calling the end_call tool",
    stay_silent: "send no reply at all, an empty message",
    speaks_first: false,
};

/// The one escaping function of this target. No template engine reads the
/// persona, goal or success: `persona.py` puts them into its instruction
/// with `str.format` as values (never reread as a format string) and the
/// judge quotes them, so literal text is written as it is and comes back
/// exactly (YAML escaping is serde-saphyr's). A variable (only one without
/// an example reaches the scenario set unfilled) stays `{{id}}`, as the
/// scenario set writes it.
pub struct Verbatim;

impl Template for Verbatim {
    fn var(&self, var: &VarRef) -> String {
        format!("{{{{{}}}}}", var.id)
    }
    fn literal(&self, s: &str) -> String {
        s.to_owned()
    }
}

/// Why a scenario is left out, or `None` when Evals can play it.
#[must_use]
pub fn left_out(s: &Scenario) -> Option<&'static str> {
    match s.start {
        Start::Answered => None,
        Start::Voicemail => Some(
            "an answering machine answers: Evals' simulated caller is a person, and it speaks only after the bot (an answering machine's greeting comes first)",
        ),
        Start::NoAnswer => Some("nobody answers: an Evals run always connects the simulated caller to the bot"),
    }
}

/// Windows device names: a file cannot be called `con.yaml` there.
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2",
    "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// The one naming function of this target: each callee's file name (and
/// the file's `name:`, the first half of every scenario's
/// `<file name>/<scenario name>`), from its id with the shared
/// [`AsciiNames`] (`[a-z0-9_]`, pinyin for Chinese, unique), never a
/// Windows device name. The file of its failed-transfer scenarios adds
/// `__transfer_fails`, which no name has (a name never holds `__`).
#[must_use]
pub fn file_names(set: &ScenarioSet) -> AsciiNames {
    let mut ids: Vec<&str> = Vec::new();
    for s in &set.scenarios {
        if !ids.contains(&s.callee.as_str()) {
            ids.push(&s.callee);
        }
    }
    AsciiNames::new(ids, RESERVED)
}

/// The suffix of the file of a callee's scenarios in which a transfer fails.
pub const TRANSFER_FAILS: &str = "__transfer_fails";

#[derive(Serialize)]
struct File {
    name: String,
    persona: String,
    metrics: Vec<Metric>,
    runs: u32,
    max_silence_s: u32,
    scenarios: Vec<Entry>,
}

#[derive(Serialize)]
struct Metric {
    name: &'static str,
    criterion: String,
    min_score: f64,
}

#[derive(Serialize)]
struct Entry {
    name: String,
    goal: String,
    success: String,
    max_turns: usize,
    max_duration_s: usize,
}

/// The judged quality criteria: what every bot reply must be. The
/// language (simulator users' complaint: an English goodbye on a Chinese
/// call) and the voice register (a text-chat reply on a phone call).
fn metrics(set: &ScenarioSet) -> Vec<Metric> {
    vec![
        Metric {
            name: "language",
            criterion: format!(
                "The reply is entirely in {}, greetings and goodbyes included.",
                simulation::language_name(set)
            ),
            min_score: 1.0,
        },
        Metric {
            name: "spoken",
            criterion: "The reply sounds like one turn of a phone call: plain spoken sentences, \
                        with no lists, markdown, emoji, links or stage directions."
                .to_owned(),
            min_score: 0.9,
        },
    ]
}

/// The persona's turn cap: its spoken turns on the path, one question per
/// concern, a goodbye and one spare.
#[must_use]
pub fn max_turns(s: &Scenario) -> usize {
    simulation::spoken_turns(s) + s.persona.concerns.len() + 2
}

/// The run's wall-clock cap: a minute, half a minute per persona turn, and
/// each silence the path asks for.
#[must_use]
pub fn max_duration_s(set: &ScenarioSet, s: &Scenario) -> usize {
    let silence = usize::try_from(set.silence_timeout).unwrap_or(usize::MAX);
    60 + 30 * max_turns(s) + silence.saturating_mul(simulation::silences(s))
}

/// The lull cap: longer than the spec's silence timeout, so that the bot's
/// own silence handling fires before the harness ends the run as `silence`.
#[must_use]
pub fn max_silence_s(set: &ScenarioSet) -> u32 {
    set.silence_timeout.saturating_add(30)
}

/// The files of the target.
#[must_use]
pub fn emit(spec: &ir::Spec) -> Vec<OutputFile> {
    emit_set(&scenarios::model(spec, &Options::default()))
}

/// The files of the target for a scenario set (any [`Options`]): one per
/// callee, and one per callee with a failed transfer on some path.
#[must_use]
pub fn emit_set(set: &ScenarioSet) -> Vec<OutputFile> {
    let names = file_names(set);
    let t = &Verbatim;
    let mut out = Vec::new();
    let mut callees: Vec<&str> = Vec::new();
    for s in &set.scenarios {
        if !callees.contains(&s.callee.as_str()) {
            callees.push(&s.callee);
        }
    }
    for callee in callees {
        let mine: Vec<&Scenario> = set.scenarios.iter().filter(|s| s.callee == callee).collect();
        let Some(first) = mine.first() else { continue };
        let persona = simulation::persona(set, &first.persona, &RUNTIME, t);
        let left: Vec<(&Scenario, &str)> = mine.iter().filter_map(|s| left_out(s).map(|why| (*s, why))).collect();
        let (fails, plays): (Vec<&Scenario>, Vec<&Scenario>) = mine
            .iter()
            .copied()
            .filter(|s| left_out(s).is_none())
            .partition(|s| !simulation::failed_transfers(s).is_empty());
        let name = names.get(callee);
        for (suffix, group) in [("", plays), (TRANSFER_FAILS, fails)] {
            if group.is_empty() {
                continue;
            }
            let file_name = format!("{name}{suffix}");
            let file = File {
                name: file_name.clone(),
                persona: persona.clone(),
                metrics: metrics(set),
                runs: RUNS,
                max_silence_s: max_silence_s(set),
                scenarios: group.iter().map(|s| entry(set, s, t)).collect(),
            };
            let header = header(set, callee, &first.persona, &group, &left, !suffix.is_empty());
            out.push(OutputFile {
                path: PathBuf::from(format!("{file_name}.yaml")),
                contents: super::rasa::yaml(&header, &file),
            });
        }
    }
    out
}

fn entry(set: &ScenarioSet, s: &Scenario, t: &dyn Template) -> Entry {
    Entry {
        name: t.literal(&s.path),
        goal: simulation::course(set, s, &RUNTIME, t),
        success: simulation::expectations(set, s, t),
        max_turns: max_turns(s),
        max_duration_s: max_duration_s(set, s),
    }
}

/// The file's header comment: what it holds, the version it was checked
/// against, what was left out and why.
fn header(
    set: &ScenarioSet,
    callee: &str,
    persona: &Persona,
    group: &[&Scenario],
    left: &[(&Scenario, &str)],
    transfer_fails: bool,
) -> String {
    let c = simulation::comment;
    let mut h = format!(
        "# Pipecat Evals simulations of the call {} played by the callee {} ({}): {} scenario(s), one per path\n\
         # (`callc scenarios`; {}), each run {RUNS} times.\n\
         # Written by callc; checked against {} {} (pipecat.evals.scenario.EvalScenarioFile.load).\n",
        c(&set.call),
        c(callee),
        c(&persona.name),
        group.len(),
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
    if transfer_fails {
        h.push_str(
            "# On each of these paths a transfer fails. Evals sends the bot nothing per scenario: run this file\n\
             # against a bot whose transfers fail (a manifest entry of its own, e.g. with a runner_body saying so).\n",
        );
    }
    if !left.is_empty() && !transfer_fails {
        h.push_str("# Left out, because Pipecat Evals cannot play them:\n");
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
/// Every path starts with an answering machine or no answer: there is no
/// scenario Evals can play.
pub fn limits(spec: &ir::Spec) -> Result<(), EmitError> {
    let set = scenarios::model(spec, &Options::default());
    if set.scenarios.iter().any(|s| left_out(s).is_none()) {
        return Ok(());
    }
    Err(EmitError {
        message: "every scenario of the call starts with an answering machine or with no answer, \
                  and Pipecat Evals cannot play either: its simulated caller is a person who answers the bot"
            .to_owned(),
        help: "give the flow a path on which the callee answers, or use `callc scenarios` or --target livekit"
            .to_owned(),
    })
}

/// What the files leave out or play only approximately, said as a warning
/// at every build (`emit::approximations`): the scenarios Evals cannot play
/// (an answering machine, no answer), the first word when the callee speaks
/// first (Evals' persona only answers), and the transfers that must fail
/// (Evals sends the bot nothing per scenario).
#[must_use]
pub fn approximations(spec: &ir::Spec) -> Vec<Approximation> {
    approximations_of(&scenarios::model(spec, &Options::default()))
}

/// The same for a scenario set (any [`Options`]).
#[must_use]
pub fn approximations_of(set: &ScenarioSet) -> Vec<Approximation> {
    let mut out = Vec::new();
    let left: Vec<&str> = set
        .scenarios
        .iter()
        .filter(|s| left_out(s).is_some())
        .map(|s| s.id.as_str())
        .collect();
    if !left.is_empty() {
        out.push(Approximation {
            message: format!(
                "the pipecat-evals target leaves out {} scenario(s) that start with an answering machine or no answer ({}): \
                 Evals' simulated caller is a person, who speaks only after the bot",
                left.len(),
                list(&left)
            ),
            help: "each is named, with its reason, in the header of its callee's file; --target livekit plays an answering machine"
                .to_owned(),
        });
    }
    if set.first_speaker == Speaker::Callee {
        out.push(Approximation {
            message: "the pipecat-evals target cannot let the callee speak first (`first_speaker callee`): \
                      Evals' simulated caller only ever answers the bot"
                .to_owned(),
            help: "the persona is told it has already picked up and answered; under Evals the bot must open the call \
                   without waiting for the callee's first words"
                .to_owned(),
        });
    }
    let fails: Vec<&str> = set
        .scenarios
        .iter()
        .filter(|s| left_out(s).is_none() && !simulation::failed_transfers(s).is_empty())
        .map(|s| s.id.as_str())
        .collect();
    if !fails.is_empty() {
        out.push(Approximation {
            message: format!(
                "on {} scenario(s) a transfer fails ({}), and Evals cannot make a bot's transfer fail",
                fails.len(),
                list(&fails)
            ),
            help: format!(
                "they are written to CALLEE{TRANSFER_FAILS}.yaml: run those files against a bot whose transfers fail \
                 (a manifest entry of their own)"
            ),
        });
    }
    out
}

/// At most five ids, then how many more.
fn list(ids: &[&str]) -> String {
    let mut s = ids
        .iter()
        .take(5)
        .map(|id| format!("`{id}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > 5 {
        let _ = write!(s, " and {} more", ids.len() - 5);
    }
    s
}
