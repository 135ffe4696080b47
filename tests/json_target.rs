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

/// The spec fixtures with per-call variables, several callees and signal
/// examples, beside `specs()`.
const MANY: &str = "tests/fixtures/targets/many_customers.call";
const EVERY_WORD: &str = "tests/fixtures/every_word.call";

/// `specs()` and the fixtures with the constructs of one script for many customers.
fn all_specs() -> Vec<std::path::PathBuf> {
    let mut v = specs();
    v.extend([MANY, EVERY_WORD].map(std::path::PathBuf::from));
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
    for path in all_specs() {
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
    out["callees"][0]["concerns"][0]["priority"] = "urgent".into();
    assert!(!validator.is_valid(&out));
    let mut out: serde_json::Value = serde_json::from_str(&build("specs/taishan_renewal.call".as_ref())).unwrap();
    out["surprise"] = 1.into();
    assert!(!validator.is_valid(&out));
    let mut out: serde_json::Value = serde_json::from_str(&build("specs/taishan_renewal.call".as_ref())).unwrap();
    out["format_version"] = 3.into();
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
    for path in all_specs() {
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
    for path in all_specs() {
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
    assert_eq!(v["format_version"], 4);
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
            "say": [{"text": "资料发到哪个邮箱？"}],
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
            "say": {"text": "好的，我这就为您转接销售顾问，请稍候😀。"},
            "to": {"text": "queue:renewal_sales"},
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

/// The JSON block after `marker` in docs/targets/json.md, and the text after it.
fn documented_excerpt(doc: &str, marker: &str) -> (serde_json::Value, String) {
    let at = doc.find(marker).unwrap_or_else(|| panic!("no {marker:?}"));
    let block = &doc[at..];
    let start = block.find("```json\n").unwrap() + "```json\n".len();
    let end = block[start..].find("\n```").unwrap();
    let excerpt = serde_json::from_str(&block[start..=start + end]).unwrap();
    (excerpt, block[start + end..].to_owned())
}

#[test]
fn the_documented_excerpts_are_what_the_target_writes() {
    let doc = std::fs::read_to_string("docs/targets/json.md").unwrap();
    let (excerpt, after) = documented_excerpt(&doc, "An excerpt of `specs/zh_renewal_followup.call`");
    let out: serde_json::Value = serde_json::from_str(&build(&listening::followup_path())).unwrap();
    assert!(
        is_part(&excerpt, &out),
        "docs/targets/json.md's excerpt is not in the output:\n{excerpt:#}"
    );
    // The check can fail: a changed value is not a part.
    let mut wrong = excerpt.clone();
    wrong["silence_timeout"] = 9.into();
    assert!(!is_part(&wrong, &out));
    // The captures quoted inline after the block, written `{…, …}`.
    let offer = &out["flow"]["steps"][1]["captures"];
    let inline: Vec<&str> = after
        .split('`')
        .filter(|q| q.starts_with("{\"id\": "))
        .take(2)
        .collect();
    assert_eq!(inline.len(), 2, "{inline:?}");
    for q in inline {
        let part: serde_json::Value = serde_json::from_str(&q.replace(", …}", "}")).unwrap();
        assert!(offer.as_array().unwrap().iter().any(|c| is_part(&part, c)), "{q}");
    }
    let (excerpt, _) = documented_excerpt(&doc, "An excerpt of `tests/fixtures/targets/many_customers.call`");
    assert!(
        is_part(&excerpt, &many()),
        "docs/targets/json.md's second excerpt is not in the output:\n{excerpt:#}"
    );
    // The two texts shown before the excerpts, too.
    for marker in ["an object:\n\n", "apart:\n\n"] {
        let at = doc.find(marker).unwrap_or_else(|| panic!("no {marker:?}")) + marker.len();
        let block = doc[at..].strip_prefix("```json\n").unwrap();
        let text: serde_json::Value = serde_json::from_str(&block[..block.find("```").unwrap()]).unwrap();
        let out = many();
        let lines: Vec<&serde_json::Value> = out["flow"]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["say"].as_array().unwrap())
            .collect();
        assert!(lines.contains(&&text), "{text}");
    }
}

// ---- one script, many customers ----

/// Every text of a JSON document (an object with a string `text` and
/// nothing but `parts` beside it), with its JSON pointer.
fn texts_of<'a>(v: &'a serde_json::Value, at: &str, out: &mut Vec<(String, &'a serde_json::Value)>) {
    match v {
        serde_json::Value::Object(o) => {
            if o.get("text").is_some_and(serde_json::Value::is_string) && o.keys().all(|k| k == "text" || k == "parts")
            {
                out.push((at.to_owned(), v));
                return;
            }
            for (k, x) in o {
                texts_of(x, &format!("{at}/{k}"), out);
            }
        }
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                texts_of(x, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The document's texts, checked against the documented rule: `parts` is
/// there exactly when the text names a variable or its wording holds a
/// brace; the parts spell `text` (variables as `{{id}}`), name declared
/// variables only, and never hold two literal pieces in a row or an empty
/// one. Returns the ids of the variables named, in order of appearance.
fn check_texts(name: &str, out: &serde_json::Value) -> Vec<String> {
    let declared: Vec<&str> = out["vars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    let mut texts = Vec::new();
    texts_of(out, "", &mut texts);
    assert!(texts.len() > 5, "{name}: no texts found");
    let mut named = Vec::new();
    for (at, t) in texts {
        let text = t["text"].as_str().unwrap();
        let Some(parts) = t.get("parts") else {
            assert!(
                !text.contains(['{', '}']),
                "{name} {at}: braces without parts: {text:?}"
            );
            continue;
        };
        let parts = parts.as_array().unwrap();
        let mut spelt = String::new();
        let mut literal_before = false;
        let mut braces_or_var = false;
        for p in parts {
            let o = p.as_object().unwrap();
            assert_eq!(o.len(), 1, "{name} {at}: {p}");
            if let Some(lit) = o.get("text") {
                let lit = lit.as_str().unwrap();
                assert!(!lit.is_empty() && !literal_before, "{name} {at}: {parts:?}");
                braces_or_var |= lit.contains(['{', '}']);
                spelt.push_str(lit);
                literal_before = true;
            } else {
                let id = o["var"].as_str().unwrap();
                assert!(declared.contains(&id), "{name} {at}: undeclared {id}");
                spelt.push_str("{{");
                spelt.push_str(id);
                spelt.push_str("}}");
                named.push(id.to_owned());
                braces_or_var = true;
                literal_before = false;
            }
        }
        assert_eq!(spelt, text, "{name} {at}");
        assert!(braces_or_var, "{name} {at}: parts for a plain text");
    }
    named
}

#[test]
fn every_text_marks_its_variables_as_documented() {
    for path in all_specs() {
        let out: serde_json::Value = serde_json::from_str(&build(&path)).unwrap();
        let named = check_texts(&path.display().to_string(), &out);
        // Every variable a spec declares is named somewhere (each fixture
        // that declares one uses it, or allows `unused_var` for it).
        for v in out["vars"].as_array().unwrap() {
            let id = v["id"].as_str().unwrap();
            assert!(
                named.iter().any(|n| n == id) || path.ends_with("every_word.call"),
                "{}: {id}",
                path.display()
            );
        }
    }
    // The checks can fail.
    let bad = serde_json::json!({"vars": [], "a": {"text": "x{y"}, "b": {"text": "c"}, "c": {"text": "d"}, "d": {"text": "e"}, "e": {"text": "f"}, "f": {"text": "g"}});
    assert!(std::panic::catch_unwind(|| check_texts("bad", &bad)).is_err());
}

/// The JSON of the fixture with variables, three callees and signal examples.
fn many() -> serde_json::Value {
    serde_json::from_str(&build(MANY.as_ref())).unwrap()
}

#[test]
fn vars_are_listed_with_their_types_needs_and_values() {
    let v = many();
    assert_eq!(v["format_version"], 4);
    let vars = v["vars"].as_array().unwrap();
    let ids: Vec<&str> = vars.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "customer_name",
            "contract_end",
            "discount",
            "fee",
            "tier",
            "seats",
            "call_window",
            "rate",
            "vip",
            "mailbox",
            "callback"
        ]
    );
    assert_eq!(
        vars[0],
        serde_json::json!({
            "id": "customer_name", "type": {"kind": "text"}, "need": "required", "default": null,
            "example": {"written": "张强", "canonical": "张强", "spoken": "张强"}, "pii": false, "description": "客户姓名",
        })
    );
    assert_eq!(
        vars[1]["example"],
        serde_json::json!({"written": "2026-12-31", "canonical": "2026-12-31", "spoken": "12月31日"})
    );
    assert_eq!(
        (
            &vars[2]["type"],
            &vars[2]["need"],
            &vars[2]["default"],
            &vars[2]["example"]
        ),
        (
            &serde_json::json!({"kind": "percent"}),
            &serde_json::json!("default"),
            &serde_json::json!({"written": "8", "canonical": "8", "spoken": "8%"}),
            &serde_json::Value::Null
        )
    );
    assert_eq!(
        (&vars[3]["type"], &vars[3]["need"], &vars[3]["example"]),
        (
            &serde_json::json!({"kind": "money", "currency": "CNY"}),
            &serde_json::json!("optional"),
            &serde_json::json!({"written": "1299", "canonical": "1299.00", "spoken": "1,299.00元"})
        )
    );
    assert_eq!(
        vars[4]["type"],
        serde_json::json!({"kind": "one_of", "values": ["standard", "premium"]})
    );
    assert_eq!(vars[4]["default"]["canonical"], "standard");
    assert_eq!(
        vars[5]["type"],
        serde_json::json!({"kind": "integer", "min": 1, "max": 500})
    );
    assert_eq!(vars[6]["example"]["spoken"], "9点30分");
    assert_eq!(vars[7]["example"]["canonical"], "12.50");
    assert_eq!(
        vars[8]["default"],
        serde_json::json!({"written": "no", "canonical": "false", "spoken": "否"})
    );
    assert_eq!((&vars[9]["pii"], &vars[10]["pii"]), (&true.into(), &true.into()));
    assert_eq!(
        (&vars[10]["example"], &vars[10]["description"]),
        (&serde_json::Value::Null, &"备用联系电话".into())
    );
    // The new value types are capture types too.
    let kinds: Vec<&serde_json::Value> = v["flow"]["steps"][1]["captures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["type"])
        .collect();
    assert_eq!(
        kinds,
        [
            &serde_json::json!({"kind": "money", "currency": "CNY"}),
            &serde_json::json!({"kind": "percent"}),
            &serde_json::json!({"kind": "time"}),
            &serde_json::json!({"kind": "number"}),
        ]
    );
}

#[test]
fn every_kind_of_text_keeps_its_variables() {
    let v = many();
    let var = |id: &str| serde_json::json!({"var": id});
    let lit = |s: &str| serde_json::json!({"text": s});
    assert_eq!(
        v["opening"],
        serde_json::json!({
            "text": "您好，请问是泰山公司的{{customer_name}}吗？我是长江公司的李明😀。",
            "parts": [lit("您好，请问是泰山公司的"), var("customer_name"), lit("吗？我是长江公司的李明😀。")],
        })
    );
    let greet = &v["flow"]["steps"][0]["say"];
    assert_eq!(
        greet[0]["parts"],
        serde_json::json!([
            lit("您好，"),
            var("customer_name"),
            lit("。合同"),
            var("contract_end"),
            lit("到期，续约享"),
            var("discount"),
            lit("优惠。")
        ])
    );
    // A literal `{{…}}` (written `{{{{…}}}}` in the spec) is a literal part:
    // the same `text` as a variable, told apart by the parts.
    assert_eq!(
        greet[1],
        serde_json::json!({"text": "{{customer_name}}，{{不是变量}}", "parts": [var("customer_name"), lit("，{{不是变量}}")]})
    );
    // Braces without a variable: parts, so that no template engine takes them for one.
    assert_eq!(
        v["caller"]["knows"][1],
        serde_json::json!({"label": "编号", "value": {"text": "合同编号格式为 {{年份}}-017", "parts": [lit("合同编号格式为 {{年份}}-017")]}})
    );
    // Without either, the text alone.
    assert_eq!(v["flow"]["steps"][2]["captures"][0]["description"], "接收合同的邮箱");
    assert_eq!(
        v["end"]["conditions"][1]["caller"],
        serde_json::json!({"text": "客户拒绝或没空"})
    );
    // Every other field that holds text, each with a variable.
    let named = |at: &str| -> Vec<String> {
        let t = v.pointer(at).unwrap_or_else(|| panic!("no {at}"));
        t["parts"]
            .as_array()
            .unwrap_or_else(|| panic!("{at}: {t}"))
            .iter()
            .filter_map(|p| p["var"].as_str().map(str::to_owned))
            .collect()
    };
    for (at, vars) in [
        ("/caller/task", &["customer_name", "contract_end", "discount"][..]),
        ("/caller/knows/0/value", &["tier", "seats"]),
        ("/caller/knows/2/value", &["vip"]),
        ("/callees/0/name", &["customer_name"]),
        ("/callees/0/persona", &["customer_name", "tier"]),
        ("/callees/0/background/0/value", &["contract_end", "fee"]),
        ("/callees/0/concerns/1/text", &["fee"]),
        ("/callees/0/behavior/0", &["call_window"]),
        ("/callees/2/name", &["customer_name"]),
        ("/callees/2/persona", &["discount"]),
        ("/flow/steps/1/say/0", &["fee", "seats", "rate", "call_window"]),
        ("/faq/0/questions/0", &["tier"]),
        ("/faq/0/answer", &["tier", "fee", "discount"]),
        ("/end/conditions/0/caller", &["customer_name"]),
        ("/end/conditions/0/callee", &["contract_end"]),
        ("/end/transfers/0/say", &["customer_name"]),
        ("/end/transfers/0/to", &["callback"]),
        ("/end/closing", &["customer_name"]),
    ] {
        assert_eq!(named(at), vars, "{at}");
    }
}

#[test]
fn every_callee_is_listed_with_its_own_stances() {
    let v = many();
    let callees = v["callees"].as_array().unwrap();
    let of = |key: &str| -> Vec<&serde_json::Value> { callees.iter().map(|c| &c[key]).collect() };
    assert_eq!(of("id"), ["zhang_qiang", "busy_zhang", "price_first"]);
    assert_eq!(
        of("extends"),
        [&serde_json::Value::Null, &"zhang_qiang".into(), &"busy_zhang".into()]
    );
    // Inherited fields are filled in; a callee's own replace them.
    assert_eq!(of("org"), [&serde_json::json!({"text": "泰山公司"}); 3]);
    assert_eq!(callees[1]["persona"], callees[0]["persona"]);
    assert_ne!(callees[2]["persona"], callees[0]["persona"]);
    assert_eq!(
        of("behavior"),
        [
            &serde_json::json!([{"text": "只在{{call_window}}后方便接电话", "parts": [{"text": "只在"}, {"var": "call_window"}, {"text": "后方便接电话"}]}]),
            &serde_json::json!([{"text": "时间紧，只要资料发邮箱"}]),
            &serde_json::json!([{"text": "时间紧，只要资料发邮箱"}]),
        ]
    );
    let stances = |i: usize| -> Vec<(String, String)> {
        callees[i]["concerns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["id"].as_str().unwrap().to_owned(),
                    s["priority"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
    };
    assert_eq!(
        stances(0),
        pairs(&[("written_terms", "primary"), ("price", "secondary")])
    );
    assert_eq!(stances(1), pairs(&[("written_terms", "primary"), ("price", "latent")]));
    assert_eq!(
        stances(2),
        pairs(&[
            ("written_terms", "primary"),
            ("price", "primary"),
            ("budget", "primary")
        ])
    );
    assert_eq!(
        callees[1]["concerns"][1]["text"],
        serde_json::json!({"text": "价格之后再看"})
    );
    // Coverage is kept once, by id, for every callee.
    assert_eq!(
        v["concerns"],
        serde_json::json!([
            {"id": "written_terms", "covered_by_steps": ["greet"], "covered_by_faq": []},
            {"id": "price", "covered_by_steps": ["offer"], "covered_by_faq": ["价格"]},
            {"id": "budget", "covered_by_steps": ["offer"], "covered_by_faq": ["价格"]},
        ])
    );
    assert!(v.get("callee").is_none());
    // Signals carry their examples, as written.
    assert_eq!(
        v["signals"],
        serde_json::json!([
            {"id": "busy", "description": {"text": "对方说现在很忙"},
             "examples": ["我现在很忙，发邮箱吧", "在开会😀", "I'm in a meeting, just email me"]},
            {"id": "refuse", "description": {"text": "对方明确拒绝"}, "examples": []},
        ])
    );
}

#[test]
fn the_schema_knows_texts_vars_and_callees() {
    let schema: serde_json::Value = serde_json::from_str(&json::schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let good = many();
    assert!(validator.is_valid(&good));
    let bad = |at: &str, value: serde_json::Value| {
        let mut v = good.clone();
        *v.pointer_mut(at).unwrap_or_else(|| panic!("no {at}")) = value;
        assert!(!validator.is_valid(&v), "{at} accepted");
    };
    bad("/opening", "您好".into());
    bad("/opening/parts/0", serde_json::json!({"lit": "您好"}));
    bad("/opening/parts/0", serde_json::json!({"text": "您好", "var": "x"}));
    bad("/opening/parts/1", serde_json::json!({"var": 1}));
    let mut v = good.clone();
    v["flow"]["steps"][0]["say"][0]["surprise"] = 1.into();
    assert!(!validator.is_valid(&v), "an unknown key in a text accepted");
    bad("/vars/0/need", "sometimes".into());
    bad("/vars/0/type", serde_json::json!({"kind": "money"}));
    bad("/vars/0/example", serde_json::json!({"written": "张强"}));
    bad("/vars/0/pii", serde_json::Value::Null);
    bad("/callees/1/extends", serde_json::json!(1));
    bad("/callees/0/concerns/0/priority", "urgent".into());
    bad("/signals/0/examples/0", serde_json::json!({"text": "x"}));
    bad("/concerns/0/covered_by_steps", serde_json::Value::Null);
    bad("/opening/parts", serde_json::json!([]));
    bad("/opening/parts", serde_json::Value::Null);
    // `parts` may be left out.
    let mut v = good.clone();
    v["opening"].as_object_mut().unwrap().remove("parts");
    assert!(validator.is_valid(&v));
}

#[test]
fn many_customers_json_snapshot() {
    insta::assert_snapshot!(build(MANY.as_ref()));
}
