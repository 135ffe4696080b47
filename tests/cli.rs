//! The command line as users meet it: exit codes, every `--format`, lint
//! level flags, colour, `explain`, `build` and `schema`.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

use insta_cmd::assert_cmd_snapshot;

fn callc() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_callc"));
    c.env_remove("NO_COLOR");
    c
}

fn run(args: &[&str]) -> Output {
    callc().args(args).output().unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("callc was killed by a signal")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

const MANY: &str = "tests/fixtures/cli/many_problems.call";
const WARN_ONLY: &str = "tests/fixtures/check/W0204_unused_signal.call";
const ERROR: &str = "tests/fixtures/check/E0102_unknown_next.call";

#[test]
fn clean_specs_print_nothing_and_exit_0() {
    let o = run(&["check", "specs/"]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(o.stdout.is_empty() && o.stderr.is_empty(), "{}", text(&o.stderr));
}

#[test]
fn exit_codes() {
    assert_eq!(code(&run(&["check", ERROR])), 1);
    assert_eq!(code(&run(&["check", WARN_ONLY])), 0);
    assert_eq!(code(&run(&["check", "no/such/file.call"])), 2);
    assert_eq!(code(&run(&["check"])), 2, "missing argument is a usage error");
    assert_eq!(code(&run(&["check", "--format", "xml", ERROR])), 2);
    assert_eq!(code(&run(&["frobnicate"])), 2);
    assert_eq!(code(&run(&["--help"])), 0);
    assert_eq!(code(&run(&["--version"])), 0);
    // An IO problem outweighs an error in another file.
    assert_eq!(code(&run(&["check", ERROR, "no/such/file.call"])), 2);
}

#[test]
fn a_missing_file_is_a_tool_error_without_a_snippet() {
    let o = run(&["check", "no/such/file.call"]);
    let err = text(&o.stderr);
    assert!(err.contains("no/such/file.call") && !err.contains('│'), "{err}");
}

#[test]
fn every_problem_is_reported_in_source_order() {
    assert_cmd_snapshot!(callc().args(["check", "--format", "short", MANY]));
    let o = run(&["check", "--format", "short", MANY]);
    let lines: Vec<(usize, usize)> = text(&o.stderr)
        .lines()
        .map(|l| {
            let mut parts = l.split(':');
            let _file = parts.next();
            (
                parts.next().unwrap().parse().unwrap(),
                parts.next().unwrap().parse().unwrap(),
            )
        })
        .collect();
    assert!(lines.len() >= 4, "{lines:?}");
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    assert_eq!(lines, sorted);
}

#[test]
fn human_format_shows_snippets_and_a_summary() {
    assert_cmd_snapshot!(callc().args(["check", MANY]));
}

#[test]
fn json_format_has_utf16_columns_and_byte_offsets() {
    let o = run(&["check", "--format", "json", MANY]);
    assert_eq!(code(&o), 1);
    assert!(o.stderr.is_empty(), "json goes to stdout only: {}", text(&o.stderr));
    let records: Vec<serde_json::Value> = text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let placeholder = records
        .iter()
        .find(|r| r["code"] == "E0103")
        .expect("the unknown placeholder");
    // Line 11: `    step 开场 "开场😀" { say "您好，{callee.nmae}！"  next 报价 }`
    let source = std::fs::read_to_string(MANY).unwrap();
    let line = source.lines().nth(10).unwrap();
    let before = &line[..line.find("{callee").unwrap()];
    assert_eq!(placeholder["range"]["start"]["line"], 11);
    assert_eq!(
        placeholder["range"]["start"]["column"],
        before.encode_utf16().count() + 1
    );
    assert_ne!(
        before.encode_utf16().count(),
        before.chars().count(),
        "the line must have an emoji before"
    );
    let start = usize::try_from(placeholder["range"]["start"]["byte"].as_u64().unwrap()).unwrap();
    let end = usize::try_from(placeholder["range"]["end"]["byte"].as_u64().unwrap()).unwrap();
    assert_eq!(&source[start..end], "{callee.nmae}");
    assert_eq!(placeholder["severity"], "error");
    assert_eq!(placeholder["lint"], serde_json::Value::Null);
    assert_eq!(placeholder["file"], MANY);
    assert_eq!(placeholder["fix"]["replacement"], "{callee.name}");
    let unused = records.iter().find(|r| r["code"] == "W0204").unwrap();
    assert_eq!(unused["lint"], "unused_signal");
    assert_eq!(unused["severity"], "warning");
    let mut keys: Vec<&str> = placeholder.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "code",
            "file",
            "fix",
            "help",
            "label",
            "lint",
            "message",
            "notes",
            "range",
            "secondary",
            "severity"
        ]
    );
}

#[test]
fn lint_flags_last_one_wins() {
    assert_eq!(code(&run(&["check", "-D", "unused_signal", WARN_ONLY])), 1);
    assert_eq!(
        code(&run(&[
            "check",
            "-D",
            "unused_signal",
            "-A",
            "unused_signal",
            WARN_ONLY
        ])),
        0
    );
    assert_eq!(
        code(&run(&[
            "check",
            "-A",
            "unused_signal",
            "-D",
            "unused_signal",
            WARN_ONLY
        ])),
        1
    );
    assert_eq!(code(&run(&["check", "-D", "warnings", WARN_ONLY])), 1);
    assert_eq!(code(&run(&["check", "-D", "W0204", WARN_ONLY])), 1);
    let o = run(&["check", "-A", "unused_signal", WARN_ONLY]);
    assert!(o.stderr.is_empty(), "{}", text(&o.stderr));
    // A primary concern that no step covers is an error by default, and can be lowered.
    let primary = "tests/fixtures/check/W0203_uncovered_primary.call";
    assert_eq!(code(&run(&["check", primary])), 1);
    assert_eq!(code(&run(&["check", "-W", "uncovered_concern", primary])), 0);
}

#[test]
fn an_unknown_lint_flag_is_a_usage_error_with_a_suggestion() {
    let o = run(&["check", "-A", "unused_signals", WARN_ONLY]);
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("did you mean `unused_signal`?"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn allow_in_the_spec_wins_over_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(WARN_ONLY).unwrap().replacen(
        "locale \"zh-CN\"",
        "locale \"zh-CN\"\n  allow unused_signal",
        1,
    );
    let path = dir.path().join("allowed.call");
    std::fs::write(&path, src).unwrap();
    let o = run(&["check", "-D", "unused_signal", path.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let ansi = |o: &Output| o.stderr.contains(&0x1b);
    assert!(ansi(&run(&["check", "--color", "always", ERROR])));
    assert!(!ansi(&run(&["check", "--color", "never", ERROR])));
    // Not a terminal: no colour by default, and none with NO_COLOR either.
    assert!(!ansi(&run(&["check", ERROR])));
    assert!(!ansi(
        &callc().env("NO_COLOR", "1").args(["check", ERROR]).output().unwrap()
    ));
}

#[test]
fn explain_prints_the_explanation() {
    let o = run(&["explain", "E0102"]);
    assert_eq!(code(&o), 0);
    assert_eq!(
        text(&o.stdout),
        std::fs::read_to_string("docs/errors/E0102.md").unwrap()
    );
    assert_eq!(run(&["explain", "e0102"]).stdout, o.stdout);
    let by_lint = run(&["explain", "dead_end"]);
    assert_eq!(
        text(&by_lint.stdout),
        std::fs::read_to_string("docs/errors/W0202.md").unwrap()
    );
}

#[test]
fn explain_rejects_unknown_codes() {
    let o = run(&["explain", "E0199"]);
    assert_eq!(code(&o), 2);
    assert!(o.stdout.is_empty());
    assert!(text(&o.stderr).contains("E0199"), "{}", text(&o.stderr));
    let o = run(&["explain", "dead_ends"]);
    assert!(
        text(&o.stderr).contains("did you mean `dead_end`?"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn explain_without_a_code_lists_them() {
    assert_cmd_snapshot!(callc().args(["explain"]));
}

#[test]
fn build_writes_json_to_stdout_or_a_file() {
    let o = run(&["build", "specs/taishan_renewal.call", "--target", "json"]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["format_version"], callc::emit::json::FORMAT_VERSION);

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nested/out.json");
    let o = run(&[
        "build",
        "specs/taishan_renewal.call",
        "-t",
        "json",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(o.stdout.is_empty());
    assert_eq!(
        std::fs::read(&out).unwrap(),
        run(&["build", "specs/taishan_renewal.call", "-t", "json"]).stdout
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
    }
    // No temporary file is left beside the output.
    let names: Vec<_> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn a_failed_build_writes_nothing_and_keeps_the_old_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    std::fs::write(&out, "previous build").unwrap();
    let o = run(&["build", ERROR, "--target", "json", "-o", out.to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    assert!(o.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous build");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    // To standard output: nothing at all.
    let o = run(&["build", ERROR, "--target", "json"]);
    assert_eq!(code(&o), 1);
    assert!(o.stdout.is_empty());
    // A lint made an error stops the build too.
    let o = run(&["build", WARN_ONLY, "-t", "json", "-D", "unused_signal"]);
    assert_eq!(code(&o), 1);
    assert!(o.stdout.is_empty());
    // Warnings alone do not.
    assert_eq!(code(&run(&["build", WARN_ONLY, "-t", "json"])), 0);
}

#[test]
fn schema_is_a_json_schema() {
    let o = run(&["schema"]);
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["$schema"].as_str().unwrap().contains("json-schema.org"));
    assert_eq!(v["title"], "CallSpec");
}

#[test]
fn a_directory_means_every_call_file_below_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
    std::fs::copy(ERROR, dir.path().join("a/b/one.call")).unwrap();
    std::fs::copy(WARN_ONLY, dir.path().join("two.call")).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a spec {").unwrap();
    let o = run(&["check", "--format", "short", dir.path().to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    let err = text(&o.stderr);
    assert!(
        err.contains("one.call") && err.contains("two.call") && !err.contains("notes.txt"),
        "{err}"
    );
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(code(&run(&["check", empty.path().to_str().unwrap()])), 2);
}

#[test]
fn standard_input_is_read_with_a_dash() {
    use std::io::Write;
    let mut child = callc()
        .args(["check", "--format", "short", "-"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(ERROR).unwrap())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 1);
    assert!(text(&o.stderr).starts_with("<stdin>:14:"), "{}", text(&o.stderr));
}

#[test]
fn fixtures_are_where_the_tests_expect_them() {
    assert!(Path::new(MANY).exists() && Path::new(WARN_ONLY).exists() && Path::new(ERROR).exists());
}

#[test]
fn build_preview_fills_variables_with_their_examples_said_for_the_locale() {
    const SPEC: &str = "tests/fixtures/cli/preview.call";
    let o = run(&["build", SPEC, "--target", "markdown", "--preview"]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains("张强😀您好，合同12月31日到期，提前续约享8%优惠，年费1,299.00元。"),
        "{out}"
    );
    // A variable with neither an example nor a default stays a variable.
    assert!(out.contains("如需回电请拨{{callback}}，再见！"), "{out}");
    // Without `--preview`, every variable is the runtime's.
    let o = run(&["build", SPEC, "--target", "markdown"]);
    let out = text(&o.stdout);
    assert!(out.contains("{{customer_name}}您好，合同{{contract_end}}到期"), "{out}");
    // The examples are in the table of the variables only, never in the prompts.
    let prompts = &out[out.find("## 电话拨打方").unwrap()..];
    assert!(!prompts.contains("张强"), "{out}");
    assert!(
        out.contains("\n| customer_name | 文字 | 必填 | 张强😀 |  |  |\n"),
        "{out}"
    );
}
