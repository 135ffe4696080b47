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

fn specs() -> Vec<std::path::PathBuf> {
    let v = files::call_files("specs");
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

#[test]
fn every_edge_of_the_flow_is_explicit() {
    let out: json::CallSpec = serde_json::from_str(&build("specs/zh_broadband_retention.call".as_ref())).unwrap();
    let ids: Vec<&str> = out.flow.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(out.flow.start.as_deref(), ids.first().copied());
    let signals: Vec<&str> = out.signals.iter().map(|s| s.id.as_str()).collect();
    let conditions: Vec<&str> = out.end.conditions.iter().map(|c| c.id.as_str()).collect();
    let check = |t: &json::Target| match t {
        json::Target::Step { step } => assert!(ids.contains(&step.as_str()), "dangling step {step}"),
        json::Target::End { condition } => {
            if let Some(c) = condition {
                assert!(conditions.contains(&c.as_str()), "dangling end condition {c}");
            }
        }
    };
    for step in &out.flow.steps {
        check(&step.next);
        for b in &step.branches {
            assert!(signals.contains(&b.signal.as_str()));
            check(&b.target);
        }
        // A step's own branch overrides the global one for the same signal.
        let mut seen: Vec<&str> = step.branches.iter().map(|b| b.signal.as_str()).collect();
        seen.sort_unstable();
        let before = seen.len();
        seen.dedup();
        assert_eq!(before, seen.len(), "step {} lists a signal twice", step.id);
    }
    // Global branches are listed once, in the flow, never copied into the steps.
    assert!(
        !out.flow.global_branches.is_empty(),
        "the branching spec has global branches"
    );
    for g in &out.flow.global_branches {
        assert!(signals.contains(&g.signal.as_str()));
        check(&g.target);
        let copies = out
            .flow
            .steps
            .iter()
            .filter(|s| s.branches.iter().any(|b| b.signal == g.signal && b.target == g.target));
        assert_eq!(copies.count(), 0, "global branch on `{}` copied into a step", g.signal);
    }
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
    let out: serde_json::Value = serde_json::from_str(&build("specs/taishan_renewal.call".as_ref())).unwrap();
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
