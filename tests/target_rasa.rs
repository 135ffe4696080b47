//! The `rasa` target without Rasa: every generated file parses back (with
//! serde-saphyr's deserializer), every flow keeps the CALM rules Rasa's
//! validator enforces, the flow graph read back from `data/flows.yml` equals
//! the spec's graph edge for edge, every response says exactly the spec's
//! text, adversarial strings survive YAML, names never collide, and the
//! output is deterministic and snapshotted for every spec in `specs/`.
//! (`.ci/rasa.sh` runs Rasa's own validator over the same output.)

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use callc::check::LintLevels;
use callc::emit::OutputFile;
use callc::emit::rasa::{self, Name, Names};
use callc::ir;
use serde_json::Value;

#[path = "support/files.rs"]
mod files;

fn specs() -> Vec<PathBuf> {
    let v = files::call_files("specs");
    assert!(v.len() >= 3, "expected the reference spec and two more");
    v
}

fn compile(name: &str, source: &[u8]) -> ir::Spec {
    let compiled = callc::compile(name, source, &LintLevels::default());
    compiled
        .spec_if_ok()
        .unwrap_or_else(|| panic!("{name} has errors: {:#?}", compiled.diagnostics))
        .clone()
}

fn compile_file(path: &Path) -> ir::Spec {
    compile(&path.display().to_string(), &std::fs::read(path).unwrap())
}

/// The generated files, parsed, by path.
struct Project {
    files: BTreeMap<String, Value>,
}

impl Project {
    fn new(out: &[OutputFile]) -> Self {
        let mut files = BTreeMap::new();
        for f in out {
            let path = f.path.to_str().unwrap().to_owned();
            let value: Value = serde_saphyr::from_str(&f.contents).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert!(files.insert(path, value).is_none());
        }
        Self { files }
    }

    fn domain(&self) -> &Value {
        &self.files["domain.yml"]
    }

    fn responses(&self) -> &serde_json::Map<String, Value> {
        self.domain()["responses"].as_object().unwrap()
    }

    /// The one text of a response.
    fn text(&self, name: &str) -> String {
        let variations = self.responses()[name].as_array().unwrap();
        assert_eq!(variations.len(), 1, "{name}");
        variations[0]["text"].as_str().unwrap().to_owned()
    }

    /// Every flow of every `data/` file, by id.
    fn flows(&self) -> BTreeMap<String, Value> {
        let mut all = BTreeMap::new();
        for (path, v) in &self.files {
            if path.starts_with("data/") && v.get("flows").is_some() {
                assert_eq!(v["version"], "3.1", "{path}");
                for (id, flow) in v["flows"].as_object().unwrap() {
                    assert!(all.insert(id.clone(), flow.clone()).is_none(), "flow {id} twice");
                }
            }
        }
        all
    }
}

/// What Rasa says for a response text: Python `str.format` turns `{{` and
/// `}}` into single braces (written here independently of the emitter).
fn said(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if (c == '{' || c == '}') && chars.peek() == Some(&c) {
            chars.next();
        }
        out.push(c);
    }
    out
}

const STEP_KINDS: [&str; 6] = ["action", "collect", "set_slots", "link", "noop", "call"];

/// The rules of Rasa's flow schema and structural validation, checked on
/// every flow of a project (see FIELD-NOTES "Outputs").
fn check_calm_rules(project: &Project) {
    let domain = project.domain();
    let responses = project.responses();
    let slots = domain["slots"].as_object().cloned().unwrap_or_default();
    let flows = project.flows();
    let mut descriptions = BTreeSet::new();
    for (flow_id, flow) in &flows {
        let mut id_chars = flow_id.chars();
        assert!(
            id_chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && id_chars.all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "flow id {flow_id}"
        );
        let description = flow["description"].as_str().unwrap();
        assert!(!description.trim().is_empty(), "{flow_id}");
        // Rasa compares descriptions with ASCII punctuation removed.
        let bare: String = description.chars().filter(|c| !c.is_ascii_punctuation()).collect();
        assert!(descriptions.insert(bare), "{flow_id}: duplicate description");
        let steps = flow["steps"].as_array().unwrap();
        assert!(!steps.is_empty(), "{flow_id}");
        let ids: Vec<&str> = steps.iter().map(|s| s["id"].as_str().unwrap()).collect();
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "{flow_id}: duplicate step ids {ids:?}");
        assert!(!unique.contains("START") && !unique.contains("END"), "{flow_id}");
        let mut edges: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (i, step) in steps.iter().enumerate() {
            let id = ids[i];
            let kinds: Vec<&str> = STEP_KINDS.iter().copied().filter(|k| step.get(k).is_some()).collect();
            assert_eq!(kinds.len(), 1, "{flow_id}/{id}: step kinds {kinds:?}");
            if let Some(action) = step["action"].as_str() {
                assert!(
                    responses.contains_key(action) || action == "action_hangup",
                    "{flow_id}/{id}: action {action} is not in the domain"
                );
            }
            if let Some(slot) = step["collect"].as_str() {
                assert!(slots.contains_key(slot), "{flow_id}/{id}: slot {slot}");
                let utter = step["utter"].as_str().unwrap();
                assert!(responses.contains_key(utter), "{flow_id}/{id}: utter {utter}");
                assert_eq!(step["ask_before_filling"], true);
            }
            if let Some(sets) = step["set_slots"].as_array() {
                for set in sets {
                    for (slot, value) in set.as_object().unwrap() {
                        let values = slots[slot]["values"].as_array().unwrap();
                        assert!(values.contains(value), "{flow_id}/{id}: {slot} = {value}");
                    }
                }
            }
            if let Some(link) = step["link"].as_str() {
                assert!(flows.contains_key(link), "{flow_id}/{id}: link {link}");
            }
            if step.get("noop").is_some() {
                assert!(step.get("next").is_some(), "{flow_id}/{id}: a noop needs next");
            }
            let targets = edges.entry(id).or_default();
            match step.get("next") {
                None => {
                    if let Some(following) = ids.get(i + 1) {
                        targets.push(following);
                    }
                }
                Some(Value::String(t)) => targets.push(t),
                Some(Value::Array(list)) => {
                    let (last, ifs) = list.split_last().unwrap();
                    for branch in ifs {
                        let condition = branch["if"].as_str().unwrap();
                        check_condition(condition, &slots);
                        targets.push(branch["then"].as_str().expect("then is a step id"));
                        assert!(branch.get("else").is_none());
                    }
                    assert!(last.get("if").is_none(), "{flow_id}/{id}: the list must end with else");
                    targets.push(last["else"].as_str().expect("else is a step id"));
                }
                Some(other) => panic!("{flow_id}/{id}: next {other}"),
            }
            for t in targets.iter() {
                assert!(
                    *t == "END" || unique.contains(t),
                    "{flow_id}/{id}: next {t} does not exist"
                );
            }
        }
        // Every step is reachable from the first.
        let mut seen = BTreeSet::from([ids[0]]);
        let mut stack = vec![ids[0]];
        while let Some(id) = stack.pop() {
            for t in &edges[id] {
                if *t != "END" && seen.insert(t) {
                    stack.push(t);
                }
            }
        }
        assert_eq!(seen, unique, "{flow_id}: unreachable steps");
    }
}

fn check_condition(condition: &str, slots: &serde_json::Map<String, Value>) {
    let (slot, value) = condition
        .strip_prefix("slots.")
        .and_then(|c| c.split_once(" is \""))
        .unwrap_or_else(|| panic!("condition {condition}"));
    let value = value.strip_suffix('"').unwrap();
    let values = slots[slot]["values"].as_array().unwrap();
    assert!(values.contains(&Value::from(value)), "{condition}");
}

/// Where a flow step id leads in the spec's terms.
fn target_of(names: &Names, spec: &ir::Spec, id: &str) -> ir::Target {
    if id == names.name(Name::ClosingId) {
        return ir::Target::End(None);
    }
    if let Some(e) = (0..spec.ends.len()).find(|&e| names.name(Name::EndId(e)) == id) {
        return ir::Target::End(Some(e));
    }
    let step = (0..spec.steps.len())
        .find(|&i| names.name(Name::StepId { step: i, line: 0 }) == id)
        .unwrap_or_else(|| panic!("{id} is no step entry"));
    ir::Target::Step(step)
}

fn reachable(spec: &ir::Spec) -> BTreeSet<usize> {
    let mut seen = BTreeSet::from([0]);
    let mut stack = vec![0];
    while let Some(i) = stack.pop() {
        for t in spec.targets_at(i) {
            if let ir::Target::Step(j) = t
                && seen.insert(j)
            {
                stack.push(j);
            }
        }
    }
    seen
}

/// The call flow read back equals the spec's flow graph: for every step the
/// responses said in order, the branches (signal → target, in order) and the
/// default successor; plus the opening, the end chains and the responses.
fn check_mirrors_spec(spec: &ir::Spec, project: &Project) {
    let names = Names::new(spec);
    let flows = project.flows();
    let flow = &flows[&names.name(Name::CallFlow)];
    assert_eq!(flow["if"], false);
    let steps = flow["steps"].as_array().unwrap();
    let index: BTreeMap<&str, usize> = steps
        .iter()
        .enumerate()
        .map(|(i, s)| (s["id"].as_str().unwrap(), i))
        .collect();
    let reachable = reachable(spec);
    let signal_of = |condition: &str| -> usize {
        (0..spec.signals.len())
            .find(|&s| condition == format!("slots.callee_signal is \"{}\"", names.name(Name::SignalValue(s))))
            .unwrap_or_else(|| panic!("condition {condition}"))
    };

    // The call opens, then goes to the first step.
    let mut at = 0;
    if let Some(opening) = &spec.opening {
        assert_eq!(steps[0]["action"], names.name(Name::Opening).as_str());
        assert_eq!(said(&project.text(&names.name(Name::Opening))), *opening);
        at = 1;
    }
    assert_eq!(steps[at]["id"], names.name(Name::StepId { step: 0, line: 0 }).as_str());

    let mut ends_used = BTreeSet::new();
    for (i, step) in spec.steps.iter().enumerate() {
        let entry = names.name(Name::StepId { step: i, line: 0 });
        if !reachable.contains(&i) {
            assert!(
                !index.contains_key(entry.as_str()),
                "unreachable step {} is emitted",
                step.id
            );
            assert!(
                !project
                    .responses()
                    .contains_key(&names.name(Name::Line { step: i, line: 0 }))
            );
            continue;
        }
        // Walk the step's flow steps: what they say, then where they go.
        let mut k = index[entry.as_str()];
        let mut spoken = Vec::new();
        let next = loop {
            let s = &steps[k];
            if let Some(a) = s["action"].as_str() {
                spoken.push(a.to_owned());
            }
            if let Some(u) = s["utter"].as_str() {
                spoken.push(u.to_owned());
            }
            if let Some(n) = s.get("next") {
                break n.clone();
            }
            k += 1;
        };
        let mut want: Vec<String> = (0..step.lines.len())
            .map(|line| names.name(Name::Line { step: i, line }))
            .collect();
        if want.is_empty() && spec.has_branches(i) {
            want.push(names.name(Name::Wait));
            assert_eq!(project.text(&names.name(Name::Wait)), "");
        }
        assert_eq!(spoken, want, "step {}", step.id);
        for (line, text) in step.lines.iter().enumerate() {
            let got = project.text(&names.name(Name::Line { step: i, line }));
            assert_eq!(got, rasa::response_text(text), "step {} line {line}", step.id);
            assert!(!rejected_by_rasa(&got), "step {} line {line}: {got:?}", step.id);
            assert_eq!(
                without_joiners(&said(&got)),
                *text,
                "step {} line {line}: Rasa would not say the spec's text",
                step.id
            );
        }
        let to = |id: &Value| target_of(&names, spec, id.as_str().unwrap());
        let (branches, default) = match &next {
            Value::Array(list) => {
                let (last, ifs) = list.split_last().unwrap();
                let branches: Vec<(usize, ir::Target)> = ifs
                    .iter()
                    .map(|b| (signal_of(b["if"].as_str().unwrap()), to(&b["then"])))
                    .collect();
                (branches, to(&last["else"]))
            }
            id => (Vec::new(), to(id)),
        };
        let want: Vec<(usize, ir::Target)> = spec
            .branches_at(i)
            .filter_map(|b| Some((b.signal()?, b.target)))
            .collect();
        assert_eq!(branches, want, "branches of step {}", step.id);
        assert_eq!(default, step.next, "successor of step {}", step.id);
        for t in std::iter::once(default).chain(branches.iter().map(|b| b.1)) {
            if let ir::Target::End(e) = t {
                ends_used.insert(e);
            }
        }
    }

    // end(ID) records the condition, then every end says the closing and hangs up.
    for e in ends_used.iter().filter_map(|e| *e) {
        let s = &steps[index[names.name(Name::EndId(e)).as_str()]];
        let set = &s["set_slots"][0];
        assert_eq!(set[names.name(Name::EndSlot)], names.name(Name::EndValue(e)).as_str());
        assert_eq!(s["next"], names.name(Name::ClosingId).as_str());
    }
    if !ends_used.is_empty() {
        let k = index[names.name(Name::ClosingId).as_str()];
        assert_eq!(steps[k]["action"], names.name(Name::Closing).as_str());
        assert_eq!(steps[k + 1]["action"], "action_hangup");
        assert_eq!(steps[k + 1]["next"], "END");
        assert_eq!(k + 2, steps.len(), "the hang-up is the last step");
    }
    assert_eq!(said(&project.text(&names.name(Name::Closing))), spec.closing);

    // Each FAQ entry is a flow that says its answer, started by its intent, whose
    // examples are its phrasings (each once in the whole FAQ).
    let intents: Vec<&str> = project.domain()["intents"]
        .as_array()
        .map(|a| a.iter().map(|i| i.as_str().unwrap()).collect())
        .unwrap_or_default();
    let nlu: BTreeMap<&str, Vec<&str>> = project
        .files
        .get("data/nlu.yml")
        .map(|n| {
            n["nlu"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| {
                    let examples = i["examples"].as_array().unwrap();
                    let texts = examples.iter().map(|e| e["text"].as_str().unwrap()).collect();
                    (i["intent"].as_str().unwrap(), texts)
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        intents.iter().copied().collect::<BTreeSet<_>>(),
        nlu.keys().copied().collect::<BTreeSet<_>>(),
        "every intent has examples, every example an intent"
    );
    let mut all_examples = BTreeSet::new();
    for (q, qa) in spec.faq.iter().enumerate() {
        let faq = &flows[&names.name(Name::FaqFlow(q))];
        assert_eq!(faq["steps"][0]["action"], names.name(Name::Answer(q)).as_str());
        let intent = names.name(Name::Intent(q));
        let examples: Vec<&str> = nlu.get(intent.as_str()).cloned().unwrap_or_default();
        let usable: Vec<&str> = qa
            .questions
            .iter()
            .map(String::as_str)
            .filter(|t| rasa::nlu_example(t).is_some() && !all_examples.contains(t))
            .collect();
        assert_eq!(examples, usable, "examples of {}", qa.id);
        all_examples.extend(usable);
        if examples.is_empty() {
            assert!(faq.get("nlu_trigger").is_none());
        } else {
            assert_eq!(faq["nlu_trigger"][0]["intent"], intent.as_str());
        }
        let description = faq["description"].as_str().unwrap();
        for question in &qa.questions {
            assert!(description.contains(&rasa::prompt_text(question)), "{description}");
        }
        assert_eq!(
            without_joiners(&said(&project.text(&names.name(Name::Answer(q))))),
            qa.answer
        );
    }

    // The session starts the call.
    let start = &flows["pattern_session_start"];
    assert_eq!(start["steps"][0]["link"], names.name(Name::CallFlow).as_str());
    assert_eq!(start["nlu_trigger"][0]["intent"], "session_start");
}

fn check_all(spec: &ir::Spec) -> Vec<OutputFile> {
    let out = rasa::emit(spec);
    let project = Project::new(&out);
    check_calm_rules(&project);
    check_mirrors_spec(spec, &project);
    out
}

fn dump(out: &[OutputFile]) -> String {
    out.iter()
        .map(|f| format!("=== {} ===\n{}", f.path.display(), f.contents))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_spec_mirrors_its_graph_and_keeps_the_calm_rules() {
    for path in specs() {
        let spec = compile_file(&path);
        let out = check_all(&spec);
        let paths: Vec<String> = out.iter().map(|f| f.path.display().to_string()).collect();
        assert_eq!(
            paths,
            [
                "config.yml",
                "domain.yml",
                "data/flows.yml",
                "data/faq.yml",
                "data/nlu.yml",
                "data/patterns.yml"
            ],
            "{}",
            path.display()
        );
        assert_eq!(rasa::emit(&spec), out, "{}: not deterministic", path.display());
        for f in &out {
            // Chinese and emoji are written as UTF-8, never as `\u` escapes.
            assert!(!f.contents.contains("\\u"), "{}: {}", path.display(), f.path.display());
        }
    }
}

#[test]
fn snapshot_of_every_spec() {
    insta::glob!("..", "specs/*.call", |path| {
        let spec = compile_file(path);
        insta::assert_snapshot!(dump(&rasa::emit(&spec)));
    });
}

#[test]
fn config_language_and_assistant_id() {
    let spec = compile_file(Path::new("specs/zh_broadband_retention.call"));
    let project = Project::new(&rasa::emit(&spec));
    let config = &project.files["config.yml"];
    assert_eq!(config["language"], "zh");
    assert_eq!(config["recipe"], "default.v1");
    assert_eq!(
        config["assistant_id"],
        Names::new(&spec).name(Name::AssistantId).as_str()
    );
    assert!(
        config["assistant_id"]
            .as_str()
            .unwrap()
            .starts_with("kuan_dai_xu_yue_wan_liu_")
    );
    assert_eq!(config["pipeline"][0]["name"], "CompactLLMCommandGenerator");
    assert_eq!(config["policies"][0]["name"], "FlowPolicy");

    let spec = compile_file(Path::new("specs/en_dental_reminder.call"));
    let project = Project::new(&rasa::emit(&spec));
    assert_eq!(project.files["config.yml"]["language"], "en");
}

/// A spec written in a test: `{STEPS}` etc. filled in.
fn spec_source(flow: &str, faq: &str, extra: &str) -> String {
    format!(
        r#"call 测试_call {{
  title "测试"
  locale "zh-CN"
  caller a {{ name "甲" task "测试" }}
  callee b {{ name "乙" }}
  {extra}
  flow {{
{flow}
  }}
  faq {{
{faq}
  }}
  end {{
    when 完 "完"
    when 玩 "玩"
    closing "再见"
  }}
}}
"#
    )
}

#[test]
fn ids_that_transliterate_alike_get_distinct_names() {
    // 报价/保价 are both "bao jia", 忙/芒 both "mang", 完/玩 both "wan";
    // a signal called no_signal must not take the "no signal" value.
    let source = spec_source(
        r#"    on 忙 -> 保价
    step 报价 { say "一" on 芒 -> end(玩) }
    step 保价 { say "二" on no_signal -> bao_jia }
    step bao_jia { say "三" on 忙 -> end(完) }"#,
        r#"    qa 问 { q "问一" a "答一" }
    qa 闻 { q "问二" a "答二" }"#,
        r#"signal 忙 "忙"
  signal 芒 "芒"
  signal no_signal "没有"
  allow end_mismatch"#,
    );
    let spec = compile("collide.call", source.as_bytes());
    let names = Names::new(&spec);
    let step = |i| names.name(Name::StepId { step: i, line: 0 });
    assert_eq!([step(0), step(1), step(2)], ["bao_jia", "bao_jia_2", "bao_jia_3"]);
    let line = |i| names.name(Name::Line { step: i, line: 0 });
    assert_eq!(
        [line(0), line(1), line(2)],
        ["utter_say_bao_jia_1", "utter_say_bao_jia_2_1", "utter_say_bao_jia_3_1"]
    );
    let signal = |s| names.name(Name::SignalValue(s));
    assert_eq!([signal(0), signal(1), signal(2)], ["mang", "mang_2", "no_signal_2"]);
    assert_eq!(names.name(Name::NoSignal), "no_signal");
    assert_eq!(
        [names.name(Name::EndId(0)), names.name(Name::EndId(1))],
        ["END_wan", "END_wan_2"]
    );
    assert_eq!(
        [names.name(Name::FaqFlow(0)), names.name(Name::FaqFlow(1))],
        ["faq_wen", "faq_wen_2"]
    );
    assert_eq!(names.name(Name::CallFlow), "call_ce_shi_call");
    check_all(&spec);
}

#[test]
fn every_name_is_a_rasa_name_and_kinds_never_meet() {
    let spec = compile_file(Path::new("specs/zh_broadband_retention.call"));
    let names = Names::new(&spec);
    let mut all = vec![
        Name::CallFlow,
        Name::Opening,
        Name::Closing,
        Name::Wait,
        Name::OpeningId,
        Name::ClosingId,
        Name::HangupId,
        Name::SignalSlot,
        Name::NoSignal,
        Name::EndSlot,
        Name::AssistantId,
    ];
    for (i, step) in spec.steps.iter().enumerate() {
        for line in 0..step.lines.len().max(1) {
            all.push(Name::Line { step: i, line });
            all.push(Name::StepId { step: i, line });
        }
    }
    all.extend((0..spec.faq.len()).flat_map(|q| [Name::FaqFlow(q), Name::Answer(q)]));
    all.extend((0..spec.signals.len()).map(Name::SignalValue));
    all.extend((0..spec.ends.len()).flat_map(|e| [Name::EndId(e), Name::EndValue(e)]));
    let mut seen = BTreeMap::new();
    for what in all {
        let name = names.name(what);
        let mut chars = name.chars();
        assert!(
            chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{what:?} → {name}"
        );
        // Values of different slots may coincide; nothing else may.
        if !matches!(what, Name::SignalValue(_) | Name::EndValue(_) | Name::NoSignal) {
            assert!(
                seen.insert(name.clone(), what).is_none(),
                "{what:?} and {:?} → {name}",
                seen[&name]
            );
        }
    }
}

/// Strings that YAML or Rasa could read back as something else.
const ADVERSARIAL: &[&str] = &[
    "yes",
    "no",
    "on",
    "off",
    "null",
    "~",
    "1_000",
    "0x1F",
    "1e3",
    "2026-11-24",
    "12:30",
    "a: b",
    ": ",
    "x #y",
    " #",
    "- item",
    "-",
    "*alias",
    "&anchor",
    "!tag",
    "%YAML",
    "@at",
    "`tick`",
    "|",
    ">",
    "? q",
    "[",
    "{",
    "}",
    "{{年份}}-017",
    "\"",
    "'",
    "\t",
    "tab\tinside",
    "  leading",
    "trailing  ",
    "line\r\nCRLF",
    "two\nlines",
    "\n",
    "",
    "老客户回馈活动",
    "ｆｕｌｌ　ｗｉｄｔｈ",
    "感谢支持😀👍🏽",
    "\u{202E}evil\u{202C}",
    "nul\0byte",
    "${HOME}",
    "费用${CALLC_UNSET_VARIABLE}元",
    "\\u0041",
    "\u{85}next line",
    "\u{2028}",
    "\u{FEFF}bom",
    "<<",
    "=",
    ".inf",
    "NaN",
    "Yes",
    "ON",
    "y",
    "1:20:30",
    "0o17",
];

#[test]
fn adversarial_strings_round_trip_through_the_yaml_writer() {
    #[derive(serde::Deserialize)]
    struct Back {
        list: Vec<String>,
        map: BTreeMap<String, String>,
    }
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        list: Vec<&'a str>,
        map: BTreeMap<String, &'a str>,
    }
    let map: BTreeMap<String, &str> = ADVERSARIAL
        .iter()
        .enumerate()
        .map(|(i, s)| (format!("k{i:02}"), *s))
        .collect();
    let doc = Doc {
        list: ADVERSARIAL.to_vec(),
        map,
    };
    let text = rasa::yaml("# header\n", &doc);
    assert!(text.starts_with("# header\n"));
    assert!(
        text.contains("老客户回馈活动") && text.contains("😀"),
        "UTF-8 is written as it is"
    );
    let back: Back = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(back.list, ADVERSARIAL);
    for (i, s) in ADVERSARIAL.iter().enumerate() {
        assert_eq!(back.map[&format!("k{i:02}")], *s);
    }
}

/// The `.call` string literal for a text (the language's escapes, `{{`/`}}` for braces).
fn call_literal(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            '{' => out.push_str("{{"),
            '}' => out.push_str("}}"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{202E}' | '\u{202C}') => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[test]
fn adversarial_spec_texts_come_back_exactly() {
    let says: String = ADVERSARIAL
        .iter()
        .map(|s| format!("      say {}\n", call_literal(s)))
        .collect::<Vec<_>>()
        .concat();
    let answers: String = ADVERSARIAL
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                "    qa 问{i} {{ q \"问题{i}\" q {} a {} }}\n",
                call_literal(s),
                call_literal(s)
            )
        })
        .collect::<Vec<_>>()
        .concat();
    let flow = format!(
        "    step 全部 {{\n{says}      on 忙 -> end(完)\n    }}\n    step 无分支 {{\n{says}    }}\n    step 等待 {{ allow silent_step on 忙 -> 全部 }}\n"
    );
    let extra = format!(
        "signal 忙 {}\n  opening {}\n  allow empty_text\n  allow end_mismatch\n  allow unused_signal\n  allow duplicate_question",
        call_literal("a: b ${HOME} #\t\"忙\"\n第二行"),
        call_literal(" 您好 #1: {名字}")
    );
    let lf = spec_source(&flow, &answers, &extra);
    let spec = compile("adversarial.call", lf.as_bytes());
    assert_eq!(spec.steps[0].lines, ADVERSARIAL, "the test spec says what it should");
    let out = check_all(&spec);
    let project = Project::new(&out);
    let names = Names::new(&spec);
    for (k, s) in ADVERSARIAL.iter().enumerate() {
        for step in 0..2 {
            let got = project.text(&names.name(Name::Line { step, line: k }));
            assert_eq!(said(&got), *s, "line {k} of step {step}");
        }
        assert_eq!(said(&project.text(&names.name(Name::Answer(k)))), *s, "answer {k}");
    }
    assert_eq!(said(&project.text(&names.name(Name::Opening))), " 您好 #1: {名字}");
    // The signal's description reaches the collect step's description, on one line.
    let flows = project.flows();
    let collect = &flows[&names.name(Name::CallFlow)]["steps"].as_array().unwrap()[1 + ADVERSARIAL.len() - 1];
    assert!(
        collect["description"]
            .as_str()
            .unwrap()
            .contains("a: b ${HOME} #\t\"忙\" 第二行"),
        "{collect}"
    );
    // Rasa's reader expands ${NAME} in plain scalars: such texts are quoted.
    let domain = &out.iter().find(|f| f.path == Path::new("domain.yml")).unwrap().contents;
    assert!(domain.contains("- text: \"${{HOME}}\"\n"), "{domain}");
    assert!(
        !domain.lines().any(|l| l.trim_start().starts_with("text: ${")),
        "{domain}"
    );

    // The same spec with CRLF line ends builds the same project.
    let crlf = lf.replace('\n', "\r\n");
    assert_eq!(rasa::emit(&compile("adversarial_crlf.call", crlf.as_bytes())), out);
}

#[test]
fn unreachable_steps_are_left_out_with_a_comment() {
    let source = spec_source(
        r#"    step 开场 { say "您好" -> end(完) }
    step 孤岛 { say "没人到这里" on 忙 -> 孤岛二 }
    step 孤岛二 { say "也没人" }"#,
        r#"    qa 问 { q "问" a "答" }"#,
        "signal 忙 \"忙\"\n  allow unreachable_step\n  allow end_mismatch",
    );
    let spec = compile("unreachable.call", source.as_bytes());
    let out = check_all(&spec);
    let flows = &out
        .iter()
        .find(|f| f.path == Path::new("data/flows.yml"))
        .unwrap()
        .contents;
    assert!(
        flows.contains("# Left out: no path from the first step reaches `孤岛`, `孤岛二`"),
        "{flows}"
    );
    assert!(!flows.contains("gu_dao"), "{flows}");
    let project = Project::new(&out);
    // No step waits for a signal, so there is no signal slot; end(完) records its condition.
    let slots = project.domain()["slots"].as_object().unwrap();
    assert_eq!(slots.keys().collect::<Vec<_>>(), ["end_condition"]);
}

#[test]
fn a_spec_without_branches_or_named_ends_needs_no_slots() {
    let source = spec_source(
        r#"    step 一 { say "一" say "二" }
    step 二 { allow silent_step }
    step 三 { say "三" next 一 }"#,
        r#"    qa 问 { q "问" a "答" }"#,
        "allow end_mismatch\n  allow dead_end",
    );
    let spec = compile("plain.call", source.as_bytes());
    let out = check_all(&spec);
    let project = Project::new(&out);
    assert!(project.domain().get("slots").is_none(), "{:?}", project.domain());
    let flows = project.flows();
    let steps = flows[&Names::new(&spec).name(Name::CallFlow)]["steps"]
        .as_array()
        .unwrap()
        .clone();
    let ids: Vec<&str> = steps.iter().map(|s| s["id"].as_str().unwrap()).collect();
    // A loop with no way out: no end is reached, so there is no closing chain either.
    assert_eq!(ids, ["yi", "yi__2", "er", "san"]);
    assert_eq!(steps[2]["noop"], true);
    assert_eq!(steps[3]["next"], "yi");
}

#[test]
fn the_rasa_fixtures_build_and_keep_the_rules() {
    // .ci/rasa.sh gives these to Rasa; here they are checked without it.
    let mut n = 0;
    for entry in std::fs::read_dir("tests/e2e/rasa").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "call") {
            check_all(&compile_file(&path));
            n += 1;
        }
    }
    assert!(n >= 2, "adversarial.call and edge_cases.call");
}

/// Rasa's validator rejects a response whose text holds `{`, Python
/// whitespace (`str.isspace`, which adds U+001C–U+001F to Rust's) and `}`:
/// `re.search(r"{\s*}", text)` in `check_for_no_empty_parenthesis_in_responses`.
fn rejected_by_rasa(text: &str) -> bool {
    let space = |c: char| c.is_whitespace() || ('\u{1C}'..='\u{1F}').contains(&c);
    text.match_indices('{').any(|(i, _)| {
        let rest = text[i + 1..].trim_start_matches(space);
        rest.starts_with('}')
    })
}

/// What the spec said, from what Rasa says: `response_text` puts a word
/// joiner (U+2060) after a `{` that an empty pair or a word joiner follows;
/// one word joiner after each `{` is undone.
fn without_joiners(said: &str) -> String {
    let mut out = String::new();
    let mut chars = said.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '{' && chars.peek() == Some(&'\u{2060}') {
            chars.next();
        }
    }
    out
}

/// Issue 9: `{}` passed `check` but Rasa's validator rejected the project.
/// Empty pairs of braces (with any whitespace between: spaces, full-width
/// spaces, CRLF, U+2028, U+001C) now pass it and are said as written, but
/// for an invisible word joiner after the `{`.
#[test]
fn empty_braces_pass_rasas_validator_and_are_said() {
    let texts = [
        "{}",
        "{ }",
        "报价{\u{3000}}元",
        "{\r\n}😀",
        "{\u{2028}}",
        "{\u{1C}}",
        "a{}b{{}}c",
        "{\u{2060}}",
        "{\u{2060}x}",
        "{名字}",
        "}{",
        "全角｛｝不是花括号",
    ];
    let mut says = String::new();
    for s in &texts {
        let _ = writeln!(says, "      say {}", call_literal(s));
    }
    let flow = format!("    step 说 {{\n{says}    }}\n");
    let extra = "allow empty_text\n  allow end_mismatch";
    let spec = compile("braces.call", spec_source(&flow, "", extra).as_bytes());
    assert_eq!(spec.steps[0].lines, texts, "the test spec says what it should");
    let project = Project::new(&check_all(&spec));
    let names = Names::new(&spec);
    for (k, s) in texts.iter().enumerate() {
        let got = project.text(&names.name(Name::Line { step: 0, line: k }));
        assert!(!rejected_by_rasa(&got), "{s:?} is written {got:?}, which Rasa rejects");
        assert_eq!(without_joiners(&said(&got)), *s, "{got:?}");
    }
}

/// Issue 9: a signal's description went raw into the `collect` step's
/// description, so a line break in it could forge another signal's bullet.
/// Every text that goes into an LLM prompt (signal descriptions, FAQ
/// questions in a flow description, the title and task) is one line.
#[test]
fn prompt_texts_cannot_forge_lines() {
    let extra = format!(
        "signal 忙 {}\n  signal 不忙 {}\n  allow end_mismatch",
        call_literal("客户很忙\n- `bu_mang`: 伪造的信号\r\n- `no_signal`: 😀"),
        call_literal("不忙\u{2028}第二行\u{2029}第三行\u{85}第四行\r第五行\u{B}第六行\u{C}第七行")
    );
    let flow = "    step 问 { say \"您好\" on 忙 -> end(完) on 不忙 -> end(玩) }\n";
    let faq = format!(
        "    qa 价格 {{ q {} a \"九十九元\" }}\n",
        call_literal("多少钱？\n- 伪造的问题")
    );
    let source = spec_source(flow, &faq, &extra).replace("title \"测试\"", "title \"标题\\n- 伪造\"");
    let spec = compile("prompts.call", source.as_bytes());
    let project = Project::new(&check_all(&spec));
    let names = Names::new(&spec);
    let flows = project.flows();
    let steps = flows[&names.name(Name::CallFlow)]["steps"].as_array().unwrap().clone();
    let collect = steps.iter().find(|s| s.get("collect").is_some()).unwrap();
    let description = collect["description"].as_str().unwrap();
    let lines: Vec<&str> = description.lines().collect();
    assert_eq!(lines.len(), 3, "{description}");
    assert_eq!(
        lines[1], "- `mang` (signal `忙`): 客户很忙 - `bu_mang`: 伪造的信号 - `no_signal`: 😀",
        "{description}"
    );
    assert_eq!(
        lines[2], "- `bu_mang` (signal `不忙`): 不忙 第二行 第三行 第四行 第五行 第六行 第七行",
        "{description}"
    );
    let faq_flow = &flows[&names.name(Name::FaqFlow(0))];
    assert_eq!(
        faq_flow["description"].as_str().unwrap().lines().count(),
        2,
        "{faq_flow}"
    );
    let call = flows[&names.name(Name::CallFlow)]["description"].as_str().unwrap();
    assert_eq!(call.lines().count(), 1, "{call}");
}
