//! Lint levels in a spec (`allow`/`warn`/`deny`, scoped to the enclosing
//! block) and on the command line (`LintLevels`), and how they combine.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callc::check::LintLevels;
use callc::codes::Level;
use callc::diagnostic::Severity;

/// Two silent steps; `{call}` and `{wait}` are lint attributes placed in the
/// call block and in the first silent step.
fn spec(call: &str, wait: &str) -> String {
    format!(
        r#"call demo {{
  locale "zh-CN"
  {call}
  caller a {{ name "李明" }}
  callee b {{ name "张强" }}
  flow {{
    step greet {{ say "您好😀" }}
    step wait {{ {wait} }}
    step hold {{ }}
  }}
  end {{ closing "再见" }}
}}
"#
    )
}

/// (line, severity) of every W0208.
fn silent(src: &str, cli: &LintLevels) -> Vec<(usize, Severity)> {
    let c = callc::compile("t.call", src.as_bytes(), cli);
    c.diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "W0208")
        .map(|d| (c.file.position(d.span.start).line, d.severity().unwrap()))
        .collect()
}

#[test]
fn defaults() {
    let got = silent(&spec("", ""), &LintLevels::default());
    assert_eq!(got, [(8, Severity::Warning), (9, Severity::Warning)]);
}

#[test]
fn allow_in_a_step_covers_that_step_only() {
    let got = silent(&spec("", "allow silent_step"), &LintLevels::default());
    assert_eq!(got, [(9, Severity::Warning)]);
}

#[test]
fn deny_in_the_call_and_the_innermost_block_wins() {
    let got = silent(&spec("deny silent_step", "allow silent_step"), &LintLevels::default());
    assert_eq!(got, [(9, Severity::Error)]);
    let got = silent(&spec("allow silent_step", "warn silent_step"), &LintLevels::default());
    assert_eq!(got, [(8, Severity::Warning)]);
}

#[test]
fn warnings_names_every_lint() {
    let got = silent(&spec("deny warnings", ""), &LintLevels::default());
    assert_eq!(got, [(8, Severity::Error), (9, Severity::Error)]);
}

#[test]
fn the_spec_wins_over_the_command_line_which_wins_over_the_default() {
    let mut cli = LintLevels::default();
    cli.set("silent_step", Level::Deny).unwrap();
    assert_eq!(
        silent(&spec("", ""), &cli),
        [(8, Severity::Error), (9, Severity::Error)]
    );
    assert_eq!(silent(&spec("", "allow silent_step"), &cli), [(9, Severity::Error)]);
    cli.set("silent_step", Level::Allow).unwrap();
    assert!(silent(&spec("", ""), &cli).is_empty(), "the last setting wins");
}

#[test]
fn unknown_names_are_reported_with_a_suggestion() {
    let mut cli = LintLevels::default();
    let err = cli.set("silent_steps", Level::Allow).unwrap_err();
    assert!(err.contains("did you mean `silent_step`?"), "{err}");
    let c = callc::compile(
        "t.call",
        spec("allow silent_steps", "").as_bytes(),
        &LintLevels::default(),
    );
    let d = c.diagnostics.iter().find(|d| d.code.as_str() == "W0209").unwrap();
    assert_eq!(d.fix.as_ref().unwrap().replacement, "silent_step");
    // The misspelt allow does not silence anything.
    assert_eq!(c.diagnostics.iter().filter(|d| d.code.as_str() == "W0208").count(), 2);
}

#[test]
fn errors_cannot_be_allowed() {
    let src = spec("allow warnings", "").replace("step hold", "step greet");
    let c = callc::compile("t.call", src.as_bytes(), &LintLevels::default());
    assert!(c.diagnostics.iter().any(|d| d.code.as_str() == "E0101" && d.is_error()));
}
