//! The `json` target: every spec builds, the output validates against the
//! schema `callc schema` prints, reads back into the public model, is
//! deterministic, and the reference spec's output holds every sentence of
//! the seed document it was written from.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callc::check::LintLevels;
use callc::emit::json;

#[path = "support/files.rs"]
mod files;
#[path = "support/listening.rs"]
mod listening;

fn specs() -> Vec<std::path::PathBuf> {
    let v = listening::with_followup(files::call_files("specs"));
    assert!(v.len() >= 3, "expected the reference spec and two more");
    v
}

fn build(path: &std::path::Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let compiled = callc::compile(&path.display().to_string(), &bytes, &LintLevels::default());
    assert!(
        compiled.diagnostics.is_empty(),
        "{}: {:#?}",
        path.display(),
        compiled.diagnostics
    );
    json::emit(compiled.spec_if_ok().unwrap())
}

#[test]
fn every_spec_validates_against_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(&json::schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for path in specs() {
        let out: serde_json::Value = serde_json::from_str(&build(&path)).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&out)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
}

#[test]
fn the_schema_rejects_what_the_model_does_not_allow() {
    let schema: serde_json::Value = serde_json::from_str(&json::schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut out: serde_json::Value = serde_json::from_str(&build("specs/taishan_renewal.call".as_ref())).unwrap();
    out["callee"]["concerns"][0]["priority"] = "urgent".into();
    assert!(!validator.is_valid(&out));
    let mut out: serde_json::Value = serde_json::from_str(&build("specs/taishan_renewal.call".as_ref())).unwrap();
    out["surprise"] = 1.into();
    assert!(!validator.is_valid(&out));
    let mut out: serde_json::Value = serde_json::from_str(&build("specs/taishan_renewal.call".as_ref())).unwrap();
    out["format_version"] = 2.into();
    assert!(
        !validator.is_valid(&out),
        "a document of another version is not this schema's"
    );
    let mut out: serde_json::Value = serde_json::from_str(&build("specs/taishan_renewal.call".as_ref())).unwrap();
    out["flow"]["steps"][0]["waits"] = serde_json::Value::Null;
    assert!(!validator.is_valid(&out));
}

#[test]
fn output_reads_back_into_the_model_and_is_deterministic() {
    for path in specs() {
        let a = build(&path);
        let b = build(&path);
        assert_eq!(a, b, "{} differs between two builds", path.display());
        let model: json::CallSpec = serde_json::from_str(&a).unwrap();
        assert_eq!(model.format_version, json::FORMAT_VERSION);
        let again = serde_json::to_string_pretty(&model).unwrap() + "\n";
        assert_eq!(a, again, "{} does not round-trip", path.display());
    }
}

/// The word a branch is taken on, and whether it is an event.
fn on_word(on: &json::On) -> (&str, bool) {
    match on {
        json::On::Signal(s) => (s.as_str(), false),
        json::On::Event(e) => (
            match e {
                json::Event::Voicemail => "voicemail",
                json::Event::NoAnswer => "no_answer",
                json::Event::Silence => "silence",
                json::Event::Hangup => "hangup",
            },
            true,
        ),
    }
}

/// Every id a target, branch, retry, capture list or `requires` names is
/// declared; global branches are never copied into the steps; start
/// branches are exactly those on `voicemail` and `no_answer`.
fn every_edge_is_explicit(out: &json::CallSpec) {
    let ids: Vec<&str> = out.flow.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(out.flow.start.as_deref(), ids.first().copied());
    let signals: Vec<&str> = out.signals.iter().map(|s| s.id.as_str()).collect();
    let conditions: Vec<&str> = out.end.conditions.iter().map(|c| c.id.as_str()).collect();
    let transfers: Vec<&str> = out.end.transfers.iter().map(|t| t.id.as_str()).collect();
    let captures: Vec<&str> = out
        .flow
        .steps
        .iter()
        .flat_map(|s| s.captures.iter().map(|c| c.id.as_str()))
        .collect();
    let check = |t: &json::Target| match t {
        json::Target::Step { step } => assert!(ids.contains(&step.as_str()), "dangling step {step}"),
        json::Target::End { condition } => {
            if let Some(c) = condition {
                assert!(conditions.contains(&c.as_str()), "dangling end condition {c}");
            }
        }
        json::Target::Transfer { transfer } => {
            assert!(transfers.contains(&transfer.as_str()), "dangling transfer {transfer}");
        }
    };
    let check_on = |on: &json::On| {
        let (word, event) = on_word(on);
        assert!(event || signals.contains(&word), "undeclared signal {word}");
    };
    for step in &out.flow.steps {
        check(&step.next);
        if let Some(r) = &step.retry {
            assert!((1..=9).contains(&r.max));
            check(&r.then);
        }
        for b in &step.branches {
            check_on(&b.on);
            check(&b.target);
            let (word, _) = on_word(&b.on);
            assert!(
                !matches!(word, "voicemail" | "no_answer"),
                "a start event in step {}",
                step.id
            );
        }
        // A step's own branch overrides the global one for the same signal or event.
        let mut seen: Vec<(&str, bool)> = step.branches.iter().map(|b| on_word(&b.on)).collect();
        seen.sort_unstable();
        let before = seen.len();
        seen.dedup();
        assert_eq!(before, seen.len(), "step {} lists a signal twice", step.id);
        assert!(
            step.waits || step.captures.is_empty(),
            "step {} captures without waiting",
            step.id
        );
    }
    for t in &out.end.transfers {
        check(&t.fallback);
        assert!(!matches!(t.fallback, json::Target::Transfer { .. }));
    }
    for r in out
        .end
        .conditions
        .iter()
        .flat_map(|c| &c.requires)
        .chain(out.end.transfers.iter().flat_map(|t| &t.requires))
    {
        assert!(captures.contains(&r.as_str()), "requires an undeclared capture {r}");
    }
    for b in &out.flow.start_branches {
        let (word, event) = on_word(&b.on);
        assert!(
            event && matches!(word, "voicemail" | "no_answer"),
            "{word} is not a start event"
        );
        check(&b.target);
    }
    // Global branches are listed once, in the flow, never copied into the steps.
    for g in &out.flow.global_branches {
        check_on(&g.on);
        check(&g.target);
        let (word, _) = on_word(&g.on);
        assert!(
            !matches!(word, "voicemail" | "no_answer"),
            "start event {word} among the global branches"
        );
        let copies = out
            .flow
            .steps
            .iter()
            .filter(|s| s.branches.iter().any(|b| b.on == g.on && b.target == g.target));
        assert_eq!(copies.count(), 0, "global branch on `{word}` copied into a step");
    }
}

#[test]
fn every_edge_of_the_flow_is_explicit() {
    for path in specs() {
        let out: json::CallSpec = serde_json::from_str(&build(&path)).unwrap();
        every_edge_is_explicit(&out);
    }
    let out: json::CallSpec = serde_json::from_str(&build("specs/zh_broadband_retention.call".as_ref())).unwrap();
    assert!(
        !out.flow.global_branches.is_empty(),
        "the branching spec has global branches"
    );
    every_edge_is_explicit(&json::model(&listening::spec()));
}

/// The JSON of the hand-built spec that uses every construct.
fn listening_json() -> serde_json::Value {
    serde_json::from_str(&json::emit(&listening::spec())).unwrap()
}

#[test]
fn a_listening_spec_carries_every_construct() {
    let v = listening_json();
    assert_eq!(v["format_version"], 3);
    assert_eq!(v["first_speaker"], "caller");
    assert_eq!(v["silence_timeout"], 8);
    assert_eq!(v["silence_timeout_explicit"], true);
    let steps = &v["flow"]["steps"];
    let waits: Vec<bool> = steps
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["waits"].as_bool().unwrap())
        .collect();
    assert_eq!(waits, [false, true, true, true, false]);
    // Start events apart from the global branches, signals apart from events.
    assert_eq!(
        v["flow"]["start_branches"],
        serde_json::json!([
            {"on": {"event": "voicemail"}, "target": {"kind": "step", "step": "leave_message"}},
            {"on": {"event": "no_answer"}, "target": {"kind": "end", "condition": "unreached"}},
        ])
    );
    assert_eq!(
        v["flow"]["global_branches"],
        serde_json::json!([
            {"on": {"signal": "busy"}, "target": {"kind": "step", "step": "ask_email"}},
            {"on": {"event": "hangup"}, "target": {"kind": "end", "condition": "hung_up"}},
            {"on": {"event": "silence"}, "target": {"kind": "step", "step": "still_there"}},
            {"on": {"signal": "wants_human"}, "target": {"kind": "transfer", "transfer": "sales"}},
        ])
    );
    assert_eq!(
        steps[2],
        serde_json::json!({
            "id": "ask_email",
            "title": "邮箱",
            "waits": true,
            "say": ["资料发到哪个邮箱？"],
            "covers": [],
            "captures": [
                {"id": "email", "type": {"kind": "email"}, "optional": false, "description": "接收资料的邮箱😀"},
                {"id": "phone", "type": {"kind": "phone"}, "optional": true, "description": "备用电话"},
                {"id": "callback", "type": {"kind": "date"}, "optional": true, "description": "约定的回访日期"},
                {"id": "note", "type": {"kind": "text"}, "optional": true, "description": "其他备注\r\n（原话）"},
            ],
            "retry": {"max": 2, "then": {"kind": "end", "condition": "other_channel"}},
            "next": {"kind": "end", "condition": "docs"},
            "branches": [{"on": {"signal": "busy"}, "target": {"kind": "end", "condition": "other_channel"}}],
        })
    );
    assert_eq!(
        steps[1]["captures"],
        serde_json::json!([
            {"id": "package", "type": {"kind": "one_of", "values": ["standard", "premium"]}, "optional": true,
             "description": "倾向的套餐：standard 或 premium"},
            {"id": "seats", "type": {"kind": "integer", "min": 1, "max": 500}, "optional": true, "description": "预计席位数"},
            {"id": "consent", "type": {"kind": "yes_no"}, "optional": false, "description": "是否同意销售回访"},
        ])
    );
    assert_eq!(steps[1]["retry"], serde_json::Value::Null);
    assert_eq!(
        steps[3]["captures"][0]["type"],
        serde_json::json!({"kind": "integer", "min": null, "max": null})
    );
    assert_eq!(
        steps[3]["branches"],
        serde_json::json!([{"on": {"event": "silence"}, "target": {"kind": "end", "condition": "hung_up"}}])
    );
    assert_eq!(
        v["end"]["transfers"],
        serde_json::json!([{
            "id": "sales",
            "title": "销售顾问",
            "say": "好的，我这就为您转接销售顾问，请稍候😀。",
            "to": "queue:renewal_sales",
            "fallback": {"kind": "end", "condition": "declined"},
            "requires": ["consent"],
        }])
    );
    let requires: Vec<(&str, &serde_json::Value)> = v["end"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap(), &c["requires"]))
        .collect();
    assert_eq!(requires[0], ("docs", &serde_json::json!(["email"])));
    assert!(requires[1..].iter().all(|(_, r)| *r == &serde_json::json!([])));
    // It validates and reads back.
    let schema: serde_json::Value = serde_json::from_str(&json::schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(
        validator.is_valid(&v),
        "{:?}",
        validator.iter_errors(&v).map(|e| e.to_string()).collect::<Vec<_>>()
    );
    let text = json::emit(&listening::spec());
    let model: json::CallSpec = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string_pretty(&model).unwrap() + "\n", text);
}

#[test]
fn a_spec_that_does_not_write_the_silence_timeout_still_states_it() {
    let mut spec = listening::spec();
    spec.silence_timeout = callc::ir::DEFAULT_SILENCE_TIMEOUT;
    spec.silence_timeout_explicit = false;
    spec.first_speaker = callc::ir::Speaker::Callee;
    let v: serde_json::Value = serde_json::from_str(&json::emit(&spec)).unwrap();
    assert_eq!(
        (
            &v["first_speaker"],
            &v["silence_timeout"],
            &v["silence_timeout_explicit"]
        ),
        (&"callee".into(), &7.into(), &false.into())
    );
}

#[test]
fn the_schema_keeps_signals_events_and_types_apart() {
    let schema: serde_json::Value = serde_json::from_str(&json::schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let good = listening_json();
    assert!(validator.is_valid(&good));
    let bad = |path: &[&str], value: serde_json::Value| {
        let mut v = good.clone();
        let mut at = &mut v;
        for key in path {
            at = match key.parse::<usize>() {
                Ok(i) => &mut at[i],
                Err(_) => &mut at[*key],
            };
        }
        *at = value;
        assert!(!validator.is_valid(&v), "{path:?} accepted");
    };
    bad(
        &["flow", "start_branches", "0", "on"],
        serde_json::json!({"event": "voicemial"}),
    );
    bad(
        &["flow", "start_branches", "0", "on"],
        serde_json::json!({"event": "voicemail", "signal": "busy"}),
    );
    bad(&["flow", "start_branches", "0", "on"], serde_json::json!("voicemail"));
    bad(
        &["flow", "global_branches", "0", "on"],
        serde_json::json!({"signal": 1}),
    );
    bad(&["flow", "steps", "2", "retry", "max"], serde_json::json!(0));
    bad(&["flow", "steps", "2", "retry", "max"], serde_json::json!(10));
    bad(&["flow", "steps", "2", "waits"], serde_json::json!("yes"));
    bad(
        &["flow", "steps", "2", "captures", "0", "type"],
        serde_json::json!({"kind": "emial"}),
    );
    bad(
        &["flow", "steps", "1", "captures", "0", "type"],
        serde_json::json!({"kind": "one_of"}),
    );
    bad(
        &["flow", "steps", "1", "captures", "1", "type", "min"],
        serde_json::json!(1.5),
    );
    bad(&["first_speaker"], serde_json::json!("agent"));
    bad(&["silence_timeout"], serde_json::json!(0));
    bad(&["silence_timeout"], serde_json::json!(601));
    bad(
        &["end", "transfers", "0", "fallback"],
        serde_json::json!({"kind": "transfer"}),
    );
    bad(&["end", "transfers", "0", "say"], serde_json::Value::Null);
}

#[test]
fn schema_snapshot() {
    // The schema is generated from `src/emit/json.rs`; this makes every change to it visible.
    insta::assert_snapshot!(json::schema());
}

#[path = "support/seed.rs"]
mod seed_support;

fn seed_sentences() -> Vec<String> {
    seed_support::seed_sentences(&std::fs::read_to_string("tests/fixtures/seeds/taishan_renewal.md").unwrap())
}

fn strings(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

#[test]
fn the_reference_spec_holds_every_sentence_of_the_seed() {
    let sentences = seed_sentences();
    assert!(
        sentences.len() > 100,
        "the seed parser lost the seed: {}",
        sentences.len()
    );
    // The customer's facts are per-call variables: the preview fills in
    // their examples, which are the seed's.
    let path = "specs/taishan_renewal.call";
    let compiled = callc::compile(path, &std::fs::read(path).unwrap(), &LintLevels::default());
    assert!(compiled.diagnostics.is_empty(), "{:#?}", compiled.diagnostics);
    let preview = compiled.spec_if_ok().unwrap().preview();
    let out: serde_json::Value = serde_json::from_str(&json::emit(&preview)).unwrap();
    let mut all = String::new();
    strings(&out, &mut all);
    let missing: Vec<&String> = sentences.iter().filter(|s| !all.contains(s.as_str())).collect();
    assert!(
        missing.is_empty(),
        "{} sentences of the seed are missing: {missing:#?}",
        missing.len()
    );
}

#[test]
fn the_seed_copy_matches_the_shared_seed() {
    // The repository keeps a copy so the tests run anywhere; where the shared
    // design folder sits beside the clone (as in CI), the copy must be current.
    if let Ok(shared) = std::fs::read_to_string("../shared/seeds/taishan_renewal.md") {
        assert_eq!(
            shared,
            std::fs::read_to_string("tests/fixtures/seeds/taishan_renewal.md").unwrap()
        );
    }
}

#[test]
fn reference_json_snapshot() {
    insta::assert_snapshot!(build("specs/taishan_renewal.call".as_ref()));
}

#[test]
fn every_other_spec_json_snapshot() {
    for path in specs().into_iter().filter(|p| !p.ends_with("taishan_renewal.call")) {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(format!("json_{name}"), build(&path));
    }
}

/// Whether `part` is `whole` with things left out: an object's keys (but
/// `"…"`) each hold a part of the same key's value; an array's items are
/// each a part of some item of the other array.
fn is_part(part: &serde_json::Value, whole: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (part, whole) {
        (Value::Object(p), Value::Object(w)) => p
            .iter()
            .filter(|(k, _)| k.as_str() != "…")
            .all(|(k, v)| w.get(k).is_some_and(|x| is_part(v, x))),
        (Value::Array(p), Value::Array(w)) => p.iter().all(|v| w.iter().any(|x| is_part(v, x))),
        _ => part == whole,
    }
}

#[test]
fn the_documented_excerpt_is_what_the_target_writes() {
    let doc = std::fs::read_to_string("docs/targets.md").unwrap();
    let at = doc.find("An excerpt of `specs/zh_renewal_followup.call`").unwrap();
    let block = &doc[at..];
    let start = block.find("```json\n").unwrap() + "```json\n".len();
    let end = block[start..].find("\n```").unwrap();
    let excerpt: serde_json::Value = serde_json::from_str(&block[start..=start + end]).unwrap();
    let out: serde_json::Value = serde_json::from_str(&build(&listening::followup_path())).unwrap();
    assert!(
        is_part(&excerpt, &out),
        "docs/targets.md's excerpt is not in the output:\n{excerpt:#}"
    );
    // The check can fail: a changed value is not a part.
    let mut wrong = excerpt.clone();
    wrong["silence_timeout"] = 9.into();
    assert!(!is_part(&wrong, &out));
    // The captures quoted inline after the block, written `{…, …}`.
    let offer = &out["flow"]["steps"][1]["captures"];
    let inline: Vec<&str> = block[start + end..]
        .split('`')
        .filter(|q| q.starts_with("{\"id\": "))
        .take(2)
        .collect();
    assert_eq!(inline.len(), 2, "{inline:?}");
    for q in inline {
        let part: serde_json::Value = serde_json::from_str(&q.replace(", …}", "}")).unwrap();
        assert!(offer.as_array().unwrap().iter().any(|c| is_part(&part, c)), "{q}");
    }
}
