//! The `pipecat-evals` target without Pipecat: the files parse back (with
//! serde-saphyr) into exactly the keys Pipecat Evals reads, one file per
//! callee with one scenario per playable path of the scenario set, the
//! outbound direction and `runs` >= 3 in every one, answering machines left
//! out with a note, failed transfers in a file of their own, Chinese ids named
//! without collisions, variables filled in, adversarial strings back exactly,
//! and the reference spec's output snapshotted. (`.ci/pipecat-evals.sh` loads
//! the same output with `EvalScenarioFile.load`.)

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/files.rs"]
mod files;
#[path = "support/simulators.rs"]
mod simulators;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use callc::emit::pipecat_evals::{self, RUNS, TRANSFER_FAILS};
use callc::emit::scenarios::{self, Options, Start};
use callc::emit::{OutputFile, Target, try_emit};
use callc::ir::paths::Events;
use proptest::prelude::*;
use serde_json::Value;
use simulators::{checked, spec_file};

const TOP: &[&str] = &["name", "persona", "metrics", "runs", "max_silence_s", "scenarios"];
const ENTRY: &[&str] = &["name", "goal", "success", "max_turns", "max_duration_s"];

fn parse(f: &OutputFile) -> Value {
    serde_saphyr::from_str(&f.contents).unwrap_or_else(|e| panic!("{} does not parse: {e}", f.path.display()))
}

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

/// Every file has exactly the keys callc writes (all of them keys Evals
/// reads), and every scenario too.
fn assert_shape(f: &OutputFile) -> Value {
    let v = parse(f);
    assert_eq!(keys(&v), TOP.iter().copied().collect(), "{}", f.path.display());
    for s in v["scenarios"].as_array().unwrap() {
        assert_eq!(keys(s), ENTRY.iter().copied().collect(), "{}", f.path.display());
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
fn every_spec_builds_one_file_per_callee_with_every_playable_path() {
    for path in all_specs() {
        let spec = spec_file(&path);
        let files = try_emit(Target::PipecatEvals, &spec).unwrap();
        let set = scenarios::model(&spec, &Options::default());
        let names = pipecat_evals::file_names(&set);
        let mut written = 0;
        for f in &files {
            let v = assert_shape(f);
            let name = v["name"].as_str().unwrap();
            assert_eq!(
                f.path,
                Path::new(&format!("{name}.yaml")),
                "the file is named by its `name:`"
            );
            assert!(f.contents.starts_with("# Pipecat Evals simulations of the call "));
            assert!(
                f.contents.contains("checked against pipecat-ai 1.14.0"),
                "{}",
                f.path.display()
            );
            assert!(v["runs"].as_u64().unwrap() >= 3);
            assert_eq!(v["runs"].as_u64(), Some(u64::from(RUNS)));
            let persona = v["persona"].as_str().unwrap();
            assert!(persona.contains("you did not place it"), "{persona}");
            assert!(persona.contains("you are not calling them"), "{persona}");
            // Evals' persona only answers: it is never told to speak first.
            assert!(!persona.contains("speak first"), "{persona}");
            for s in v["scenarios"].as_array().unwrap() {
                let goal = s["goal"].as_str().unwrap();
                assert!(goal.contains("you did not place it"), "{goal}");
                assert!(goal.contains("end_call"), "{goal}");
                assert!(s["max_turns"].as_u64().unwrap() >= 2);
                written += 1;
            }
        }
        let playable = set.scenarios.iter().filter(|s| s.start == Start::Answered).count();
        assert_eq!(written, playable, "{}", path.display());
        // The file names come from the naming function, one per callee (and its transfer failures).
        let mut want = BTreeSet::new();
        for s in set.scenarios.iter().filter(|s| s.start == Start::Answered) {
            let suffix = if callc::emit::simulation::failed_transfers(s).is_empty() {
                ""
            } else {
                TRANSFER_FAILS
            };
            want.insert(format!("{}{suffix}.yaml", names.get(&s.callee)));
        }
        let got: BTreeSet<String> = files.iter().map(|f| f.path.display().to_string()).collect();
        assert_eq!(got, want, "{}", path.display());
    }
}

#[test]
fn answering_machines_are_left_out_with_their_reason_in_the_header() {
    let spec = spec_file(Path::new("specs/zh_renewal_campaign.call"));
    let set = scenarios::model(&spec, &Options::default());
    let voicemail: Vec<&str> = set
        .scenarios
        .iter()
        .filter(|s| s.start == Start::Voicemail)
        .map(|s| s.id.as_str())
        .collect();
    assert!(!voicemail.is_empty());
    let files = pipecat_evals::emit(&spec);
    let all: String = files.iter().map(|f| f.contents.as_str()).collect();
    for id in voicemail {
        let line = all
            .lines()
            .find(|l| l.starts_with(&format!("#   {id}: ")))
            .unwrap_or_else(|| panic!("{id} not named"));
        assert!(line.contains("an answering machine answers"), "{line}");
    }
    // ... and not written.
    for f in &files {
        for s in parse(f)["scenarios"].as_array().unwrap() {
            assert!(!s["goal"].as_str().unwrap().contains("answering machine"));
        }
    }
}

#[test]
fn unanswered_calls_are_left_out_too() {
    let spec = spec_file(Path::new("specs/zh_renewal_followup.call"));
    let set = scenarios::model(
        &spec,
        &Options {
            events: Events::ALL,
            ..Options::default()
        },
    );
    let no_answer: Vec<&str> = set
        .scenarios
        .iter()
        .filter(|s| s.start == Start::NoAnswer)
        .map(|s| s.id.as_str())
        .collect();
    assert!(!no_answer.is_empty());
    let all: String = pipecat_evals::emit_set(&set)
        .iter()
        .map(|f| f.contents.clone())
        .collect();
    for id in no_answer {
        assert!(all.contains(&format!("#   {id}: ")), "{id} not named as left out");
    }
    // A hang-up is something Evals' persona can do: with its end_call tool.
    assert!(all.contains("hang up at once, without another word (hang up by calling the end_call tool)"));
}

#[test]
fn a_failed_transfer_goes_to_a_file_of_its_own() {
    let spec = spec_file(Path::new("specs/zh_renewal_followup.call"));
    let files = pipecat_evals::emit(&spec);
    let fails = files
        .iter()
        .find(|f| f.path.to_str().unwrap().ends_with("__transfer_fails.yaml"))
        .expect("the follow-up has a transfer with a fallback");
    assert!(
        fails
            .contents
            .contains("a transfer fails. Evals sends the bot nothing per scenario")
    );
    let v = assert_shape(fails);
    for s in v["scenarios"].as_array().unwrap() {
        assert!(
            s["goal"]
                .as_str()
                .unwrap()
                .contains("the hand-over fails and the caller goes on with you")
        );
        assert!(
            s["success"]
                .as_str()
                .unwrap()
                .contains("the transfer fails and it goes on")
        );
    }
    for f in files
        .iter()
        .filter(|f| !f.path.to_str().unwrap().contains(TRANSFER_FAILS))
    {
        assert!(!f.contents.contains("the hand-over fails"), "{}", f.path.display());
    }
}

#[test]
fn chinese_callee_ids_get_distinct_ascii_file_names() {
    // 报价 and 保价 are both "bao jia"; `con` is a Windows device name.
    let spec = checked(
        r#"call 名字 {
  locale "zh-CN"
  caller 李明 { name "李明" }
  callee 报价 { name "张强" }
  callee 保价 { name "李四" }
  callee bao_jia { name "王五" }
  callee con { name "赵六" }
  callee 客户_1 { name "钱七" }
  flow { step 开场 { say "您好" -> end } }
  end { closing "再见" }
}"#,
    );
    let files = pipecat_evals::emit(&spec);
    let names: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    assert_eq!(
        names,
        [
            "bao_jia.yaml",
            "bao_jia_2.yaml",
            "bao_jia_3.yaml",
            "con_2.yaml",
            "ke_hu_1.yaml"
        ]
    );
    for f in &files {
        let v = parse(f);
        assert!(
            v["name"]
                .as_str()
                .unwrap()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        );
    }
    // Each file is its own callee's: the header names it, the persona is theirs.
    assert!(files[1].contents.contains("played by the callee 保价 (李四)"));
    assert!(
        parse(&files[1])["persona"]
            .as_str()
            .unwrap()
            .starts_with("You are 李四.")
    );
}

#[test]
fn variables_are_filled_with_their_examples() {
    let spec = spec_file(Path::new("tests/e2e/rasa/vars.call"));
    let all: String = pipecat_evals::emit(&spec).iter().map(|f| f.contents.clone()).collect();
    // 客户 example "张强", 到期日 2026-12-31 said as the locale says it, discount default 8.
    assert!(all.contains("张强"));
    assert!(all.contains("12月31日"));
    assert!(!all.contains("{var."), "no placeholder of the language is left");
    // A variable with neither an example nor a default stays `{{id}}`, as in `callc scenarios`.
    assert!(all.contains("{{callback}}"));
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
    let callee = pipecat_evals::emit(&checked(&src("callee")));
    let persona = parse(&callee[0])["persona"].as_str().unwrap().to_owned();
    assert!(
        persona.contains("You have already picked up and answered (“Hello?”); the caller speaks next."),
        "{persona}"
    );
    assert!(persona.contains("Ann (Acme) is calling you"), "{persona}");
    assert!(persona.contains("Speak only English"), "{persona}");
    let caller = pipecat_evals::emit(&checked(&src("caller")));
    let persona = parse(&caller[0])["persona"].as_str().unwrap().to_owned();
    assert!(
        persona.contains("As soon as you pick up, the caller speaks first"),
        "{persona}"
    );
}

#[test]
fn the_output_is_deterministic() {
    for path in all_specs() {
        let spec = spec_file(&path);
        assert_eq!(
            pipecat_evals::emit(&spec),
            pipecat_evals::emit(&spec),
            "{}",
            path.display()
        );
    }
}

#[test]
fn the_reference_spec_has_a_scenario_per_path() {
    let spec = spec_file(Path::new("specs/taishan_renewal.call"));
    let files = pipecat_evals::emit(&spec);
    assert_eq!(files.len(), 1);
    let v = assert_shape(&files[0]);
    let set = scenarios::model(&spec, &Options::default());
    let names: Vec<&str> = v["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    let paths: Vec<&str> = set.scenarios.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(names, paths);
    // The style examples, both kinds, and the concerns, in the persona.
    let persona = v["persona"].as_str().unwrap();
    for line in [
        "我是张强，请把这次优惠方案结构和具体条款说下。",
        "听不懂你说的，没兴趣。",
        "政策条款和优惠是否有书面",
    ] {
        assert!(persona.contains(line), "{line}");
    }
    assert!(persona.contains("Sound like these lines") && persona.contains("Never sound like these lines"));
}

/// The reference spec's files, with one scenario per outcome
/// (`--max-paths 0`: the full set has 269, one per path, all alike).
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
    insta::assert_snapshot!(dump(&pipecat_evals::emit_set(&set)));
}

/// The follow-up spec (silence, captures, retries, a transfer that fails,
/// voicemail left out), one scenario per outcome.
#[test]
fn snapshot_of_the_followup_spec() {
    let spec = spec_file(Path::new("specs/zh_renewal_followup.call"));
    let set = scenarios::model(
        &spec,
        &Options {
            max_paths: 0,
            ..Options::default()
        },
    );
    insta::assert_snapshot!(dump(&pipecat_evals::emit_set(&set)));
}

fn dump(files: &[OutputFile]) -> String {
    let mut out = String::new();
    for f in files {
        let _ = write!(out, "=== {}\n{}", f.path.display(), f.contents);
    }
    out
}

proptest! {
    #![proptest_config(simulators::config())]

    /// Adversarial strings in every place a spec's text reaches come back
    /// exactly from the parsed YAML (the target's template writes text as
    /// it is: nothing to undo), and cannot change the files' structure.
    #[test]
    fn adversarial_texts_come_back_exactly(t in simulators::texts()) {
        let spec = checked(&t.source());
        let files = try_emit(Target::PipecatEvals, &spec).unwrap();
        prop_assert_eq!(files.len(), 1);
        let v = assert_shape(&files[0]);
        let set = scenarios::model(&spec, &Options::default());
        let entries = v["scenarios"].as_array().unwrap();
        prop_assert_eq!(entries.len(), set.scenarios.len());
        prop_assert_eq!(v["name"].as_str(), Some("zhang_qiang"));
        let persona = v["persona"].as_str().unwrap();
        for want in [&t.persona, &t.concern, &t.avoid, &t.prefer, &t.signal] {
            prop_assert!(persona.contains(want.as_str()), "{:?} not in the persona {:?}", want, persona);
        }
        let goals: String = entries.iter().map(|s| s["goal"].as_str().unwrap()).collect();
        let successes: String = entries.iter().map(|s| s["success"].as_str().unwrap()).collect();
        for want in [&t.say1, &t.say2, &t.example, &t.closing] {
            prop_assert!(goals.contains(want.as_str()), "{:?} not in a goal", want);
        }
        for want in [&t.say1, &t.say2, &t.opening, &t.when, &t.closing] {
            prop_assert!(successes.contains(want.as_str()), "{:?} not in a success", want);
        }
        // The variable's value, as the scenario set fills it in (the preview trims a text value).
        let value = set.vars[0].spoken.clone().unwrap();
        prop_assert!(goals.contains(&value) && successes.contains(&value), "{:?} not filled in", value);
        for s in entries {
            prop_assert!(s["name"].as_str().unwrap().starts_with('p'));
            prop_assert!(s["max_turns"].is_u64() && s["max_duration_s"].is_u64());
        }
        prop_assert_eq!(v["runs"].as_u64(), Some(3));
    }
}

#[test]
fn what_evals_cannot_play_is_an_approximation_said_at_every_build() {
    let messages = |path: &str| -> Vec<String> {
        pipecat_evals::approximations(&spec_file(Path::new(path)))
            .into_iter()
            .map(|a| format!("{} | {}", a.message, a.help))
            .collect()
    };
    // Answering machines, and the callee speaking first (the default).
    let campaign = messages("specs/zh_renewal_campaign.call");
    assert_eq!(campaign.len(), 2, "{campaign:#?}");
    assert!(
        campaign[0]
            .starts_with("the pipecat-evals target leaves out 3 scenario(s) that start with an answering machine")
    );
    assert!(
        campaign[0].contains("`busy_buyer.p71`, `price_watcher.p71`, `refuser.p71`"),
        "{}",
        campaign[0]
    );
    assert!(
        campaign[1].contains("cannot let the callee speak first"),
        "{}",
        campaign[1]
    );
    // A transfer that fails.
    let followup = messages("specs/zh_renewal_followup.call");
    assert!(
        followup
            .iter()
            .any(|m| m.contains("a transfer fails") && m.contains("CALLEE__transfer_fails.yaml")),
        "{followup:#?}"
    );
    // The caller speaks first and no machine answers first: nothing about either.
    let corners = messages("tests/e2e/rasa/listen_corners.call");
    assert!(corners.iter().all(|m| !m.contains("speak first")), "{corners:#?}");
    // ... and the reference spec only has the first speaker to say.
    let reference = messages("specs/taishan_renewal.call");
    assert_eq!(reference.len(), 1, "{reference:#?}");
}
