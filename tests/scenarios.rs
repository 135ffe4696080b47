//! `callc scenarios`: the scenario set validates against the schema
//! `callc schema scenarios` prints and reads back into the public model;
//! a spec with three callees (one extending another) gets every callee ×
//! every path; what each scenario says follows the flow; a flow with too
//! many paths gets a covering set that says so; the command writes
//! atomically and nothing on error.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeSet, HashSet};
use std::process::Command;

use callc::check::LintLevels;
use callc::emit::scenarios::{self, Action, Moment, Options, Priority, ScenarioSet, SelectionKind, Start};
use callc::ir::paths::{self, Events, Rules};

#[path = "../benches/support/generate.rs"]
#[allow(dead_code)]
mod generate;

const THREE: &str = "tests/fixtures/scenarios/three_callees.call";

fn compiled(path: &str) -> callc::Compiled {
    let bytes = std::fs::read(path).unwrap();
    let c = callc::compile(path, &bytes, &LintLevels::default());
    assert!(c.diagnostics.is_empty(), "{path}: {:#?}", c.diagnostics);
    c
}

fn emit(path: &str) -> String {
    scenarios::emit(compiled(path).spec_if_ok().unwrap(), &Options::default())
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(&scenarios::schema()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid(name: &str, text: &str) {
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    let errors: Vec<String> = validator().iter_errors(&v).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}");
}

#[test]
fn three_callees_get_every_path_each_and_validate() {
    let text = emit(THREE);
    assert_valid(THREE, &text);
    let set: ScenarioSet = serde_json::from_str(&text).unwrap();
    assert_eq!(set.format_version, scenarios::FORMAT_VERSION);
    assert_eq!(set.selection.kind, SelectionKind::EveryPath);
    assert!(set.selection.reason.is_none());
    let c = compiled(THREE);
    let spec = c.spec_if_ok().unwrap();
    let all = paths::enumerate(spec, &paths::Limits::default());
    assert!(all.complete());
    assert_eq!(set.selection.paths, all.paths.len());
    // Every callee × every path, callee by callee, each id once.
    assert_eq!(set.scenarios.len(), 3 * all.paths.len());
    let callees: Vec<&str> = set.scenarios.iter().map(|s| s.callee.as_str()).collect();
    let mut order = callees.clone();
    order.dedup();
    assert_eq!(order, ["张强", "忙碌张强", "王芳"]);
    let ids: HashSet<&str> = set.scenarios.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.len(), set.scenarios.len());
    for callee in ["张强", "忙碌张强", "王芳"] {
        let mine: BTreeSet<&str> = set
            .scenarios
            .iter()
            .filter(|s| s.callee == callee)
            .map(|s| s.path.as_str())
            .collect();
        assert_eq!(mine.len(), all.paths.len(), "{callee}");
    }

    // The personas: inheritance filled in, each callee's own stances.
    let persona = |callee: &str| &set.scenarios.iter().find(|s| s.callee == callee).unwrap().persona;
    let busy = persona("忙碌张强");
    assert_eq!(busy.extends.as_deref(), Some("张强"));
    assert_eq!(
        busy.name, "张强",
        "the inherited name, filled with the variable's example"
    );
    assert_eq!(busy.org.as_deref(), Some("泰山公司"));
    assert_eq!(busy.behavior, ["时间很紧，只要资料发邮箱"]);
    let stances: Vec<(&str, Priority)> = busy.concerns.iter().map(|c| (c.id.as_str(), c.priority)).collect();
    assert_eq!(stances, [("书面条款", Priority::Primary), ("价格", Priority::Latent)]);
    let wang = persona("王芳");
    assert_eq!(wang.extends, None);
    let stances: Vec<(&str, Priority)> = wang.concerns.iter().map(|c| (c.id.as_str(), c.priority)).collect();
    assert_eq!(stances, [("价格", Priority::Primary)]);
    assert_eq!(wang.concerns[0].faq, ["涨价"]);

    // The variables: the examples (spoken for the locale) fill every text.
    let due = set.vars.iter().find(|v| v.id == "到期日").unwrap();
    assert_eq!(due.value.as_deref(), Some("2026-12-31"));
    assert_eq!(due.spoken.as_deref(), Some("12月31日"));
    assert_eq!(
        persona("张强").persona.as_deref(),
        Some("理性，重书面材料，合同12月31日到期。")
    );
    assert!(!text.contains("{{"), "a variable was left unfilled");
    assert!(!text.contains("{var."), "a placeholder was left as written");
}

#[test]
fn what_each_scenario_says_follows_its_path() {
    let set: ScenarioSet = serde_json::from_str(&emit(THREE)).unwrap();
    // The spec has no W0220: on every answered path, each primary concern
    // of the callee is answered by a step.
    for s in &set.scenarios {
        if s.start != Start::Answered {
            continue;
        }
        for c in s.persona.concerns.iter().filter(|c| c.priority == Priority::Primary) {
            assert!(s.success.concerns_answered.contains(&c.id), "{}: {}", s.id, c.id);
            assert!(!c.addressed_at.is_empty(), "{}: {}", s.id, c.id);
        }
    }
    // The plain path: replies everywhere, gives the e-mail, ends with it.
    let first = &set.scenarios[0];
    assert_eq!(first.id, "张强.p1");
    assert_eq!(
        first.summary,
        "if 张强 replies at every step without a signal, the call ends (`资料发邮箱`)"
    );
    let steps: Vec<&str> = first
        .moments
        .iter()
        .map(|m| match m {
            Moment::Turn { step, .. } | Moment::RetriesSpent { step } => step.as_str(),
            Moment::Transfer { transfer, .. } => transfer.as_str(),
        })
        .collect();
    assert_eq!(steps, ["开场", "报价", "发资料"]);
    assert_eq!(first.success.captures, ["邮箱"]);
    assert_eq!(first.success.caller_turns, 3);
    let Moment::Turn {
        callee: Some(Action::Reply { gives }),
        caller_says,
        ..
    } = &first.moments[2]
    else {
        panic!("{:?}", first.moments[2]);
    };
    assert_eq!(gives[0].capture, "邮箱");
    assert_eq!(gives[0].kind, "email");
    assert_eq!(caller_says, &["条款和报价的书面明细发到哪个邮箱？"]);
    let Moment::Turn { caller_says, .. } = &first.moments[1] else {
        panic!()
    };
    assert_eq!(caller_says, &["提前续约享8%优惠，价格不变，条款均有书面明细。"]);

    // A signal comes with its example utterances.
    let busy = set
        .scenarios
        .iter()
        .flat_map(|s| &s.moments)
        .find_map(|m| match m {
            Moment::Turn {
                callee: Some(Action::Signal { signal, examples, .. }),
                ..
            } if signal == "忙" => Some(examples.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(busy, ["我现在很忙，发邮箱吧", "在开会🙏"]);

    // Withholding the e-mail until the retries are spent: three turns that
    // withhold, then the retries, then `改用其他渠道`, with no capture made.
    let withheld = set
        .scenarios
        .iter()
        .find(|s| {
            s.callee == "王芳"
                && s.summary == "if 王芳 keeps not giving `邮箱` at `发资料`, then `发资料` runs out of retries, the call ends (`改用其他渠道`)"
        })
        .unwrap();
    let kinds: Vec<String> = withheld
        .moments
        .iter()
        .map(|m| match m {
            Moment::Turn {
                step,
                callee: Some(Action::Withhold { captures }),
                ..
            } => format!("{step}: withhold {}", captures.join(",")),
            Moment::Turn { step, .. } => step.clone(),
            Moment::RetriesSpent { step } => format!("{step}: retries spent"),
            Moment::Transfer { transfer, .. } => transfer.clone(),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "开场",
            "报价",
            "发资料: withhold 邮箱",
            "发资料: withhold 邮箱",
            "发资料: withhold 邮箱",
            "发资料: retries spent"
        ]
    );
    assert!(withheld.success.captures.is_empty());

    // An answering machine: the voicemail step, said without waiting.
    let vm = set.scenarios.iter().find(|s| s.start == Start::Voicemail).unwrap();
    assert!(matches!(
        &vm.moments[..],
        [Moment::Turn { step, waits: false, callee: None, .. }] if step == "留言"
    ));
    // Silence: the callee says nothing for the spec's timeout.
    assert!(set.scenarios.iter().flat_map(|s| &s.moments).any(|m| matches!(
        m,
        Moment::Turn {
            callee: Some(Action::Silence { seconds: 7 }),
            ..
        }
    )));
}

#[test]
fn too_many_paths_give_a_covering_set_that_says_so() {
    let c = compiled("specs/zh_broadband_retention.call");
    let spec = c.spec_if_ok().unwrap();
    let text = scenarios::emit(spec, &Options::default());
    assert_valid("broadband", &text);
    let set: ScenarioSet = serde_json::from_str(&text).unwrap();
    assert_eq!(set.selection.kind, SelectionKind::Covering);
    assert!(set.selection.reason.as_deref().unwrap().contains("more than 500 paths"));
    // Every outcome the flow can reach is some scenario's.
    let reach = paths::search(
        spec,
        &Rules {
            events: Events::SIMULATED,
            transfers_end: true,
            retries: true,
        },
        |_| false,
    );
    let reachable: BTreeSet<String> = reach
        .outcomes()
        .into_iter()
        .map(|o| paths::outcome_target(spec, o))
        .collect();
    let got: BTreeSet<String> = set
        .scenarios
        .iter()
        .map(|s| match &s.success.outcome {
            scenarios::OutcomeModel::End { condition: Some(c), .. } => format!("end({c})"),
            scenarios::OutcomeModel::End { condition: None, .. } => "end".to_owned(),
            scenarios::OutcomeModel::Transfer { transfer, .. } => format!("transfer({transfer})"),
        })
        .collect();
    assert_eq!(got, reachable);
    // Every signal the flow branches on is given in some scenario.
    let given: BTreeSet<&str> = set
        .scenarios
        .iter()
        .flat_map(|s| &s.moments)
        .filter_map(|m| match m {
            Moment::Turn {
                callee: Some(Action::Signal { signal, .. }),
                ..
            } => Some(signal.as_str()),
            _ => None,
        })
        .collect();
    let used: BTreeSet<&str> = spec.signals.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(given, used);
    // `--max-paths 0`: one scenario per reachable outcome.
    let per_outcome = scenarios::model(
        spec,
        &Options {
            max_paths: 0,
            ..Options::default()
        },
    );
    assert_eq!(per_outcome.selection.paths, reachable.len());
}

#[test]
fn every_spec_gives_a_valid_deterministic_set() {
    for name in [
        "specs/taishan_renewal.call",
        "specs/zh_renewal_followup.call",
        "specs/en_dental_reminder.call",
        "specs/zh_renewal_campaign.call",
        "tests/fixtures/every_word.call",
    ] {
        let a = emit(name);
        assert_valid(name, &a);
        assert_eq!(a, emit(name), "{name}: not deterministic");
        let set: ScenarioSet = serde_json::from_str(&a).unwrap();
        assert_eq!(
            serde_json::to_string_pretty(&set).unwrap() + "\n",
            a,
            "{name}: does not read back"
        );
    }
    let set: ScenarioSet = serde_json::from_str(&emit("specs/taishan_renewal.call")).unwrap();
    assert_eq!(set.selection.kind, SelectionKind::EveryPath);
    assert_eq!(set.scenarios.len(), set.selection.paths);
    // The example, found as a scenario.
    assert!(set.scenarios.iter().any(|s| s.summary
        == "if 张强 gives `busy` at `greet`, then 张强 gives `busy` at `docs`, the call ends (`docs_by_email`)"
        && !s.success.concerns_answered.contains(&"written_terms".to_owned())));
}

#[test]
fn the_schema_rejects_what_the_format_does_not_allow() {
    let good: serde_json::Value = serde_json::from_str(&emit(THREE)).unwrap();
    let v = validator();
    assert!(v.is_valid(&good));
    let mut other_version = good.clone();
    other_version["format_version"] = serde_json::json!(2);
    assert!(!v.is_valid(&other_version), "a document of another version");
    let mut extra = good.clone();
    extra["scenarios"][0]["mood"] = serde_json::json!("happy");
    assert!(!v.is_valid(&extra), "an unknown field");
    let mut action = good.clone();
    action["scenarios"][0]["moments"][0]["callee"] = serde_json::json!({"does": "dance"});
    assert!(!v.is_valid(&action), "an unknown action");
    let mut start = good;
    start["scenarios"][0]["start"] = serde_json::json!("busy_line");
    assert!(!v.is_valid(&start), "an unknown start");
}

#[test]
fn schema_snapshot() {
    // Generated from `src/emit/scenarios.rs`: every change to the format shows here.
    insta::assert_snapshot!(scenarios::schema());
}

fn callc(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_callc"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn the_command_writes_the_set_and_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("set.json");
    let o = callc(&["scenarios", THREE, "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), emit(THREE));
    // Standard output, and the schema.
    let o = callc(&["scenarios", THREE]);
    assert_eq!(String::from_utf8(o.stdout).unwrap(), emit(THREE));
    let o = callc(&["schema", "scenarios"]);
    assert_eq!(String::from_utf8(o.stdout).unwrap(), scenarios::schema());
    let o = callc(&["schema"]);
    assert_eq!(String::from_utf8(o.stdout).unwrap(), callc::emit::json::schema());
    // `--all-events` follows hang-ups too.
    let o = callc(&["scenarios", "--all-events", "specs/zh_renewal_followup.call"]);
    let set: ScenarioSet = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        set.scenarios
            .iter()
            .any(|s| s.success.ended_by == Some(scenarios::Event::Hangup))
    );
    assert!(set.selection.events.contains(&scenarios::Event::NoAnswer));
}

#[test]
fn a_spec_with_an_error_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("set.json");
    std::fs::write(&out, "old").unwrap();
    let o = callc(&[
        "scenarios",
        "tests/fixtures/check/E0102_unknown_next.call",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("E0102") && err.contains("nothing was written"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
}

#[test]
fn a_large_flow_gives_a_bounded_covering_set() {
    // 2,000 steps and 20,000 global branches: far too many paths to list.
    let text = generate::listening(2_000, 20_000);
    let c = callc::compile("big.call", text.as_bytes(), &LintLevels::default());
    let spec = c.spec_if_ok().unwrap();
    let t = std::time::Instant::now();
    let set = scenarios::model(spec, &Options::default());
    let took = t.elapsed();
    assert_eq!(set.selection.kind, SelectionKind::Covering);
    let moves: usize = set
        .scenarios
        .iter()
        .filter(|s| s.callee == "zhang_qiang")
        .map(|s| s.moments.len())
        .sum();
    // Moments are the moves plus a transfer's success: within the bound.
    assert!(moves <= scenarios::MAX_MOVES + set.scenarios.len(), "{moves}");
    // Every outcome the flow can reach is aimed at.
    let reach = paths::search(
        spec,
        &Rules {
            events: Events::SIMULATED,
            transfers_end: true,
            retries: false,
        },
        |_| false,
    );
    let outcomes: BTreeSet<String> = reach
        .outcomes()
        .into_iter()
        .map(|o| paths::outcome_target(spec, o))
        .collect();
    let aimed: BTreeSet<String> = set
        .scenarios
        .iter()
        .map(|s| match &s.success.outcome {
            scenarios::OutcomeModel::End { condition: Some(c), .. } => format!("end({c})"),
            scenarios::OutcomeModel::End { condition: None, .. } => "end".to_owned(),
            scenarios::OutcomeModel::Transfer { transfer, .. } => format!("transfer({transfer})"),
        })
        .collect();
    assert!(outcomes.is_subset(&aimed), "{outcomes:?} {aimed:?}");
    // Generous: the bench measures; this only catches a runaway.
    assert!(took.as_secs() < 60, "{took:?}");
}

/// The campaign example in specs/: three callees (two extend the first),
/// each played against every path of the flow.
#[test]
fn the_campaign_example_plays_every_callee_against_every_path() {
    const CAMPAIGN: &str = "specs/zh_renewal_campaign.call";
    let text = emit(CAMPAIGN);
    assert_valid(CAMPAIGN, &text);
    let set: ScenarioSet = serde_json::from_str(&text).unwrap();
    let c = compiled(CAMPAIGN);
    let all = paths::enumerate(c.spec_if_ok().unwrap(), &paths::Limits::default());
    assert!(all.complete());
    assert_eq!(set.selection.kind, SelectionKind::EveryPath);
    assert_eq!(set.scenarios.len(), 3 * all.paths.len());
    for callee in ["busy_buyer", "price_watcher", "refuser"] {
        let mine: BTreeSet<&str> = set
            .scenarios
            .iter()
            .filter(|s| s.callee == callee)
            .map(|s| s.path.as_str())
            .collect();
        assert_eq!(mine.len(), all.paths.len(), "{callee}");
    }
}
