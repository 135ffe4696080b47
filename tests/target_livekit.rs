//! The `livekit` target without LiveKit: `scenarios.yaml` parses back (with
//! serde-saphyr) into exactly the keys `lk agent simulate` reads, one
//! scenario per callee × path of the scenario set with its label, tags and
//! `userdata` (the variables' values under ASCII names, what success is), the
//! outbound direction and the first speaker in the instructions, answering
//! machines played, unanswered calls left out with a note, Chinese ids named
//! without collisions, adversarial strings back exactly, and the reference
//! spec's output snapshotted. (`.ci/livekit.sh` loads the same output into
//! LiveKit's `ScenarioGroup`.)

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/files.rs"]
mod files;
#[path = "support/simulators.rs"]
mod simulators;

use std::collections::BTreeSet;
use std::path::Path;

use callc::emit::livekit;
use callc::emit::scenarios::{self, Options, OutcomeModel, Start};
use callc::emit::{OutputFile, Target, try_emit};
use callc::ir::paths::Events;
use proptest::prelude::*;
use serde_json::{Value, json};
use simulators::{checked, spec_file};

const SCENARIO: &[&str] = &["label", "instructions", "agent_expectations", "tags", "userdata"];

fn parse(f: &OutputFile) -> Value {
    serde_saphyr::from_str(&f.contents).unwrap_or_else(|e| panic!("{} does not parse: {e}", f.path.display()))
}

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

/// The file has exactly the keys lk reads, and every scenario too.
fn assert_shape(files: &[OutputFile]) -> Value {
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].path, Path::new("scenarios.yaml"));
    let v = parse(&files[0]);
    assert_eq!(keys(&v), BTreeSet::from(["name", "scenarios"]));
    for s in v["scenarios"].as_array().unwrap() {
        assert_eq!(keys(s), SCENARIO.iter().copied().collect());
        assert_eq!(keys(&s["tags"]), BTreeSet::from(["callee", "path", "start", "outcome"]));
        assert_eq!(
            keys(&s["userdata"]),
            BTreeSet::from(["call", "scenario", "vars", "transfers_fail", "expect"])
        );
        assert!(
            s["tags"].as_object().unwrap().values().all(Value::is_string),
            "tags are strings"
        );
    }
    v
}

fn all_specs() -> Vec<std::path::PathBuf> {
    let mut v = files::call_files("specs");
    v.extend(files::call_files("tests/e2e/rasa"));
    assert!(v.len() >= 8);
    v
}

#[test]
fn every_spec_builds_a_scenario_per_callee_and_path() {
    for path in all_specs() {
        let spec = spec_file(&path);
        let files = try_emit(Target::Livekit, &spec).unwrap();
        let v = assert_shape(&files);
        assert!(files[0].contents.contains("checked against livekit-agents 1.8.9"));
        let set = scenarios::model(&spec, &Options::default());
        assert_eq!(v["name"], json!(set.call));
        let labels: Vec<&str> = v["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["label"].as_str().unwrap())
            .collect();
        let ids: Vec<&str> = set.scenarios.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(labels, ids, "{}", path.display());
        for (s, sc) in v["scenarios"].as_array().unwrap().iter().zip(&set.scenarios) {
            assert_eq!(s["tags"]["callee"], json!(sc.callee));
            assert_eq!(s["tags"]["path"], json!(sc.path));
            assert_eq!(s["userdata"]["scenario"], json!(sc.id));
            // What success is, as the scenario set says it.
            assert_eq!(s["userdata"]["expect"], serde_json::to_value(&sc.success).unwrap());
            let instructions = s["instructions"].as_str().unwrap();
            assert!(
                instructions.contains("placed this outbound call") || instructions.contains("you did not place it")
            );
            let outcome = s["tags"]["outcome"].as_str().unwrap();
            match &sc.success.outcome {
                OutcomeModel::End { condition, .. } => assert_eq!(outcome, condition.as_deref().unwrap_or("end")),
                OutcomeModel::Transfer { transfer, .. } => assert_eq!(outcome, format!("transfer:{transfer}")),
            }
        }
    }
}

#[test]
fn an_answering_machine_is_played_and_an_unanswered_call_left_out() {
    let spec = spec_file(Path::new("specs/zh_renewal_followup.call"));
    let set = scenarios::model(
        &spec,
        &Options {
            events: Events::ALL,
            ..Options::default()
        },
    );
    let files = livekit::emit_set(&set);
    let v = assert_shape(&files);
    let written: Vec<&Value> = v["scenarios"].as_array().unwrap().iter().collect();
    for sc in &set.scenarios {
        let s = written.iter().find(|s| s["label"] == json!(sc.id));
        match sc.start {
            Start::NoAnswer => {
                assert!(s.is_none());
                let note = files[0]
                    .contents
                    .lines()
                    .find(|l| l.starts_with(&format!("#   {}: ", sc.id)))
                    .unwrap();
                assert!(note.contains("nobody answers"), "{note}");
            }
            Start::Voicemail => {
                let s = s.unwrap();
                let instructions = s["instructions"].as_str().unwrap();
                assert!(instructions.starts_with("You are not a person: you are the answering machine of 张强."));
                assert!(instructions.contains("请在提示音后留言"));
                assert_eq!(s["tags"]["start"], json!("voicemail"));
                assert!(
                    s["agent_expectations"]
                        .as_str()
                        .unwrap()
                        .contains("An answering machine answers instead of 张强")
                );
            }
            Start::Answered => assert!(s.is_some()),
        }
    }
}

#[test]
fn the_first_speaker_is_said_from_the_callees_side() {
    let src = |who: &str| {
        format!(
            r#"call c {{
  locale "en-US"
  first_speaker {who}
  caller a {{ name "Ann" org "Acme" }}
  callee b {{ name "Bob" }}
  flow {{ step s {{ say "Hi Bob" -> end }} }}
  end {{ closing "Bye" }}
}}"#
        )
    };
    let first = |who: &str| {
        let v = parse(&livekit::emit(&checked(&src(who)))[0]);
        v["scenarios"][0]["instructions"].as_str().unwrap().to_owned()
    };
    let callee = first("callee");
    assert!(
        callee.contains("When the line connects, speak first, as you answer your phone (for example “Hello?”)"),
        "{callee}"
    );
    assert!(callee.contains("you did not place it"));
    let caller = first("caller");
    assert!(
        caller.contains("As soon as you pick up, the caller speaks first: listen, then reply."),
        "{caller}"
    );
}

#[test]
fn userdata_holds_the_variables_under_ascii_names() {
    let spec = spec_file(Path::new("tests/e2e/rasa/vars.call"));
    let v = assert_shape(&livekit::emit(&spec));
    let vars = &v["scenarios"][0]["userdata"]["vars"];
    assert_eq!(vars["ke_hu"], json!("张强"));
    assert_eq!(vars["dao_qi_ri"], json!("2026-12-31"));
    assert_eq!(vars["discount"], json!("8"));
    assert_eq!(vars["fee"], json!("¥1,299"));
    assert_eq!(vars["agent"], json!("+8613800138000"));
    // No example and no default: null (and `{{callback}}` in the texts).
    assert_eq!(vars["callback"], Value::Null);
    assert_eq!(vars.as_object().unwrap().len(), 12);
}

#[test]
fn chinese_and_yaml_lookalike_variable_ids_get_distinct_keys() {
    // 客户 and 可护 are both "ke hu"; `yes` and `off` are booleans to a YAML 1.1 reader.
    let spec = checked(
        r#"call c {
  locale "zh-CN"
  caller 李明 { name "李明" }
  callee 张强 { name "张强" }
  vars {
    客户 text required example "张强"
    可护 text required example "李四"
    ke_hu text required example "王五"
    yes  text required example "是"
    off  text required example "关"
  }
  flow { step s { say "{var.客户}{var.可护}{var.ke_hu}{var.yes}{var.off}" -> end } }
  end { closing "再见" }
}"#,
    );
    let files = livekit::emit(&spec);
    let v = assert_shape(&files);
    let vars = v["scenarios"][0]["userdata"]["vars"].as_object().unwrap();
    let names: Vec<&str> = vars
        .keys()
        .map(String::as_str)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(names, ["ke_hu", "ke_hu_2", "ke_hu_3", "off_2", "yes_2"]);
    assert_eq!(vars["ke_hu_2"], json!("李四"));
    // Written in the spec's order.
    let at = |k: &str| files[0].contents.find(&format!("\n        {k}: ")).unwrap();
    assert!(at("ke_hu") < at("ke_hu_2") && at("ke_hu_2") < at("ke_hu_3") && at("ke_hu_3") < at("yes_2"));
    // The callee's Chinese id is a tag value as it is (data, not a name).
    assert_eq!(v["scenarios"][0]["tags"]["callee"], json!("张强"));
    assert_eq!(v["scenarios"][0]["label"], json!("张强.p1"));
}

#[test]
fn a_failed_transfer_is_in_userdata_for_the_agent_to_mock() {
    let spec = spec_file(Path::new("specs/zh_renewal_followup.call"));
    let v = assert_shape(&livekit::emit(&spec));
    let failing: Vec<&Value> = v["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["userdata"]["transfers_fail"] != json!([]))
        .collect();
    assert!(!failing.is_empty());
    for s in failing {
        assert_eq!(s["userdata"]["transfers_fail"], json!(["sales"]));
        assert!(
            s["agent_expectations"]
                .as_str()
                .unwrap()
                .contains("the transfer fails and it goes on")
        );
    }
}

#[test]
fn the_output_is_deterministic() {
    for path in all_specs() {
        let spec = spec_file(&path);
        assert_eq!(livekit::emit(&spec), livekit::emit(&spec), "{}", path.display());
    }
}

/// The reference spec's file, one scenario per outcome (`--max-paths 0`:
/// the full set has 269, one per path, all alike).
#[test]
fn snapshot_of_the_reference_spec() {
    let spec = spec_file(Path::new("specs/taishan_renewal.call"));
    let set = scenarios::model(
        &spec,
        &Options {
            max_paths: 0,
            ..Options::default()
        },
    );
    insta::assert_snapshot!(livekit::emit_set(&set)[0].contents);
}

/// The campaign spec (three callees, six variables, a voicemail that
/// leaves a message), one scenario per outcome.
#[test]
fn snapshot_of_the_campaign_spec() {
    let spec = spec_file(Path::new("specs/zh_renewal_campaign.call"));
    let set = scenarios::model(
        &spec,
        &Options {
            max_paths: 0,
            ..Options::default()
        },
    );
    insta::assert_snapshot!(livekit::emit_set(&set)[0].contents);
}

proptest! {
    #![proptest_config(simulators::config())]

    /// Adversarial strings in every place a spec's text reaches come back
    /// exactly from the parsed YAML (the target's template writes text as
    /// it is: nothing to undo), standalone values (a variable's value, an
    /// end condition's wording) equal, and nothing changes the file's
    /// structure.
    #[test]
    fn adversarial_texts_come_back_exactly(t in simulators::texts()) {
        let spec = checked(&t.source());
        let files = try_emit(Target::Livekit, &spec).unwrap();
        let v = assert_shape(&files);
        let set = scenarios::model(&spec, &Options::default());
        let written = v["scenarios"].as_array().unwrap();
        prop_assert_eq!(written.len(), set.scenarios.len());
        prop_assert_eq!(v["name"].as_str(), Some("prop"));
        let instructions: String = written.iter().map(|s| s["instructions"].as_str().unwrap()).collect();
        let expectations: String = written.iter().map(|s| s["agent_expectations"].as_str().unwrap()).collect();
        for want in [&t.persona, &t.concern, &t.avoid, &t.prefer, &t.signal, &t.say1, &t.say2, &t.example, &t.closing] {
            prop_assert!(instructions.contains(want.as_str()), "{:?} not in the instructions", want);
        }
        for want in [&t.say1, &t.say2, &t.opening, &t.when, &t.closing] {
            prop_assert!(expectations.contains(want.as_str()), "{:?} not in the expectations", want);
        }
        for s in written {
            prop_assert_eq!(&s["userdata"]["vars"]["ke_hu"], &json!(set.vars[0].value));
            prop_assert_eq!(&s["userdata"]["expect"]["outcome"]["caller"], &json!(t.when));
            prop_assert_eq!(&s["userdata"]["expect"]["outcome"]["callee"], &json!(t.when_callee));
            prop_assert_eq!(&s["tags"]["callee"], &json!("张强"));
        }
    }
}

#[test]
fn an_unanswered_call_left_out_is_an_approximation() {
    // The default scenario set follows no `no_answer`: nothing is left out.
    for path in all_specs() {
        assert!(
            livekit::approximations(&spec_file(&path)).is_empty(),
            "{}",
            path.display()
        );
    }
    let spec = spec_file(Path::new("specs/zh_renewal_followup.call"));
    let set = scenarios::model(
        &spec,
        &Options {
            events: Events::ALL,
            ..Options::default()
        },
    );
    let a = livekit::approximations_of(&set);
    assert_eq!(a.len(), 1);
    assert!(
        a[0].message
            .starts_with("the livekit target leaves out 1 scenario(s) on which nobody answers"),
        "{:?}",
        a[0]
    );
}
